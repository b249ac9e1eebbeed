import CoachRPC
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 9: the method table is assembled from the features; who may call each method is what it
/// was when one file registered them all (the access table, pinned here), and each method belongs to
/// exactly one feature.
@Suite("The method table, assembled from the features")
struct FeatureTableTests {
    /// Each method's access as the central table had it before the features registered their own
    /// (a method added later has its row in `AccessEndToEndTests`, not here).
    static let accessBefore: [String: Access] = [
        DaemonPing.name: .anyone,
        DaemonInfo.name: .anyone,
        RPCDiscover.name: .anyone,
        DaemonStatus.name: .admin,
        PeopleMe.name: .anyone,
        SchoolsAdd.name: .admin,
        SchoolsList.name: .known,
        CalendarAddClosure.name: .managers,
        CalendarAddTerm.name: .managers,
        CalendarSchoolDays.name: .known,
        PeopleAdd.name: .managers,
        PeopleList.name: .managers,
        PairsCreate.name: .managers,
        PairsShow.name: .known,
        PairsList.name: .known,
        CyclesStart.name: .members,
        DropInsSchedule.name: .members,
        DropInsComplete.name: .coaches,
        FollowUpsComplete.name: .members,
        AdaptationsSet.name: .members,
        AdaptationsClose.name: .members,
        DueListMethod.name: .known,
        BackupCreate.name: .admin,
        BackupRead.name: .admin,
        BackupFinish.name: .admin,
        CalendarList.name: .known,
        CalendarRemoveClosure.name: .managers,
        CalendarRemoveTerm.name: .managers,
        PeopleUpdate.name: .managers,
        PeopleDeactivate.name: .managers,
        PairsEnd.name: .managers,
        DropInsList.name: .known,
        DropInsCancel.name: .known,
        DropInsReschedule.name: .members,
        DropInsLog.name: .coaches,
        SchoolsStatus.name: .known,
        AgendaListMethod.name: .known,
        CoverageListMethod.name: .known,
        ReportsSummary.name: .known,
        PeopleImport.name: .managers,
        PeopleExport.name: .admin,
        PeopleErase.name: .admin,
        CalendarImportMethod.name: .managers,
        CalendarExportMethod.name: .known,
        EventsSubscribe.name: .known,
        RegionsAdd.name: .admin,
        RegionsList.name: .known,
        SchoolsSetRegion.name: .admin,
        PeopleAccredit.name: .admin,
        PeriodsAdd.name: .admin,
        PeriodsList.name: .known,
        PeersCreate.name: .trustLeads,
        PeersList.name: .known,
        PeersSuggest.name: .trustLeads,
        SessionsSchedule.name: .heads,
        SessionsComplete.name: .heads,
        SessionsList.name: .known,
        SessionsCancel.name: .heads,
        QuestionsList.name: .known,
        QuestionsAdd.name: .admin,
        QuestionsRemove.name: .admin,
        AgreementsSet.name: .heads,
        AgreementsAccept.name: .heads,
        AgreementsList.name: .heads,
        GroupsCreate.name: .trustLeads,
        GroupsScheduleMeeting.name: .known,
        GroupsCompleteMeeting.name: .known,
        GroupsList.name: .known,
        ThemesAdd.name: .heads,
        ThemesConsent.name: .heads,
        ThemesList.name: .known,
        ReportsProgramme.name: .trustLeads,
    ]

    @Test func theAccessTable_isWhatTheCentralTableHad() async throws {
        let fixture = try await ServiceFixture()
        let table = try fixture.service.methodTable(connections: { 0 })
        for (method, access) in Self.accessBefore {
            #expect(table.access[method] == access, "\(method)")
        }
        #expect(Set(table.access.keys) == Set(CoachAPI.methods.map { $0.name }))
    }

    @Test func eachMethod_isRegisteredByExactlyOneFeature() async throws {
        let fixture = try await ServiceFixture()
        var seen: [String: String] = [:]
        for feature in CoachService.features {
            var table = MethodTable(gate: { _, _, _ in })
            try feature.register(fixture.service, into: &table)
            #expect(!table.access.isEmpty, "\(feature) registers no method")
            for name in table.access.keys {
                #expect(seen[name] == nil, "\(name) registered by \(feature) and \(seen[name] ?? "")")
                seen[name] = "\(feature)"
            }
        }
        let daemonOwn: Set<String> = [DaemonPing.name, DaemonInfo.name, RPCDiscover.name, DaemonStatus.name]
        #expect(Set(seen.keys).union(daemonOwn) == Set(CoachAPI.methods.map { $0.name }))
        #expect(Set(seen.keys).isDisjoint(with: daemonOwn))
    }
}
