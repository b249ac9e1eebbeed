import CoachDomain
import CoachRPC
import CoachRPCSocket
import CoachStore
import Foundation
import Logging
import Testing

@testable import CoachDaemon

/// Issue 14's programme report through the service: the trust lead gets the figures and the shared
/// themes, never a session note, an agreement or an unshared theme; heads, leads and strangers are
/// refused by the method table's gate.
@Suite("The service: the programme report")
struct ProgrammeReportServiceTests {
    typealias G = PeerGroupsServiceTests

    @Test func theTrustLead_getsTheFiguresAndSharedThemes_andNoConfidentialText() async throws {
        let t = try await PeerGroupsServiceTests().trust()
        let s = t.service
        let north = Array(t.heads[0..<3])
        // A session done in Autumn 2, with notes only its heads may read.
        let session = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-20T09:00", mode: "video", firstCoach: t.heads[0]), G.north[0])
        _ = try await s.sessionsComplete(.init(session: session.id, notes: "SECRET-NOTE"), G.north[0])
        _ = try await s.agreementsSet(.init(peer: t.pair, text: "SECRET-AGREEMENT"), G.north[0])
        // One theme both heads shared, one only one head consented to.
        let shared = try await s.themesAdd(.init(peer: t.pair, kind: "theme", text: "Recruiting leaders"), G.north[0])
        _ = try await s.themesConsent(.init(theme: shared.id, consent: true), G.north[0])
        _ = try await s.themesConsent(.init(theme: shared.id, consent: true), G.south)
        let unshared = try await s.themesAdd(.init(peer: t.pair, kind: "impact", text: "UNSHARED-THEME"), G.south)
        _ = try await s.themesConsent(.init(theme: unshared.id, consent: true), G.south)
        // North's group met once, two of three present.
        let group = try await s.groupsCreate(
            .init(region: t.northRegion, name: "North circle", members: north), G.trustLead
        )
        .id
        let meeting = try await s.groupsScheduleMeeting(
            .init(group: group, start: "2026-11-24T16:00", minutes: 90), G.north[1]
        ).id
        _ = try await s.groupsCompleteMeeting(.init(meeting: meeting, attended: [north[0], north[1]]), G.north[0])

        for caller in [G.trustLead, Peers.admin] {
            let report = try await s.reportsProgramme(.init(term: "Autumn 2026"), caller)
            #expect(report.periods.map(\.name) == ["Autumn 2"])
            #expect(report.totals.sessionsDue == 1 && report.totals.sessionsDone == 1)
            #expect(report.totals.accreditedHeads == 4)
            #expect(report.byRegion.map(\.regionName) == ["North", "South"])
            let northRow = report.byRegion[0]
            #expect(northRow.sessionsDue == 1 && northRow.sessionsDone == 1 && northRow.accreditedHeads == 3)
            #expect(northRow.meetingsDue == 1 && northRow.meetingsHeld == 1)
            #expect(northRow.attendanceRate == 2.0 / 3.0)
            #expect(report.byRegion[1].sessionsDue == 1 && report.byRegion[1].meetingsDue == 0)
            #expect(report.byPair.map(\.aName) == ["Head 0"] && report.byPair.first?.bRegion == "South")
            #expect(report.groups.first?.attended == 2 && report.groups.first?.members == 3)
            #expect(report.themes.map(\.regionName) == ["North", "South"])
            #expect(report.themes.allSatisfy { $0.items.map(\.text) == ["Recruiting leaders"] })
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            for secret in ["SECRET-NOTE", "SECRET-AGREEMENT", "UNSHARED-THEME"] { #expect(!json.contains(secret)) }
        }
        // Another term has no periods' sessions; an unknown term is refused naming the field.
        let unknown = await wireError { _ = try await s.reportsProgramme(.init(term: "Summer 2030"), G.trustLead) }
        #expect(unknown?.name == .invalidParams && unknown?.message.contains("Autumn 2026") == true)
        let all = try await s.reportsProgramme(.init(), G.trustLead)
        #expect(all.term == nil && all.totals.sessionsDone == 1)
    }

    @Test func headsLeadsAndStrangers_areRefusedByTheGate() async throws {
        let t = try await PeerGroupsServiceTests().trust()
        let school = try await t.service.schoolsList(Peers.admin).schools[0].id
        let lead = Peer(uid: 7300, gid: 7300)
        _ = try await t.service.peopleAdd(
            .init(name: "Lee Lead", school: school, roles: ["lead"], uid: Int64(lead.uid)), Peers.admin)
        let table = try t.service.methodTable(connections: { 0 })
        #expect(table.access["reports.programme"] == .trustLeads)
        let dispatcher = CoachDispatcher(table: table, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        func call(_ peer: Peer) async -> RPCError? {
            let context = RPCContext(peer: PeerCredentials(pid: 1, uid: peer.uid, gid: peer.gid), connectionID: 1)
            do {
                _ = try await dispatcher.dispatch(
                    RPCRequest(method: "reports.programme", id: .int(1), params: [:]), context: context)
                return nil
            } catch { return error }
        }
        for refused in [G.north[0], G.south, G.teacher, lead, Peer(uid: 9_999, gid: 9_999)] {
            #expect(await call(refused)?.name == .permissionDenied)
        }
        #expect(await call(G.trustLead) == nil)
        #expect(await call(Peers.admin) == nil)
    }
}
