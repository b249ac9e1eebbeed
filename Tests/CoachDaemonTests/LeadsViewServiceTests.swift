import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 12 through the service: the school's figures as the clock moves, and who may read them (a
/// head as well as the lead; the other school's people never).
@Suite("The service: the lead's view")
struct LeadsViewServiceTests {
    static let head = Peer(uid: 5006, gid: 5006)
    static let otherHead = Peer(uid: 5007, gid: 5007)

    /// The fixture's school (both pairs created Monday 23 November 2026, 09:00, foci agreed), a head of
    /// each school, and the autumn term.
    func fixture() async throws -> ServiceFixture {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.peopleAdd(.init(name: "Hal", school: f.school, roles: ["head"], uid: 5006), Peers.admin)
        let dale = try await f.service.schoolsList(Peers.admin).schools.first { $0.name == "Dale" }!.id
        _ = try await f.service.peopleAdd(.init(name: "Ira", school: dale, roles: ["head"], uid: 5007), Peers.admin)
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        return f
    }

    @Test func status_countsDueOverdueAndVisits_asTheWeekGoesOn() async throws {
        let f = try await fixture()
        let monday = try await f.service.schoolsStatus(.init(school: f.school), Peers.lead)
        #expect(monday.today == "2026-11-23")
        #expect(monday.pairs == 2)
        #expect(monday.dueToday == 2)
        #expect(monday.dueThisWeek == 2)
        #expect(monday.overdue == 0)
        #expect(monday.term == nil && monday.completionRateThisTerm == nil)

        // Tuesday's visit to Ada is logged on Wednesday afternoon; Bo's first visit is two school days late.
        _ = try await f.service.addTerm(
            .init(school: f.school, name: "Autumn", from: "2026-09-02", to: "2026-12-18"), Peers.admin)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(2 * 86_400 + 7 * 3600))
        _ = try await f.service.dropInsLog(.init(pair: f.pair, start: "2026-11-24T10:00", minutes: 10), Peers.coach)
        let wednesday = try await f.service.schoolsStatus(.init(school: f.school), Self.head)
        #expect(wednesday.today == "2026-11-25")
        #expect(wednesday.dueToday == 0)
        #expect(wednesday.dueThisWeek == 2)  // Bo's visit (Monday) and Ada's conversation (Thursday)
        #expect(wednesday.overdue == 1)
        #expect(wednesday.overdueByDays == [OverdueBucket(schoolDays: 2, count: 1)])
        #expect(wednesday.dropinsDoneThisWeek == 1)
        #expect(wednesday.term == "Autumn")
        #expect(wednesday.completionRateThisTerm == 0.5)

        let coverage = try await f.service.coverageList(.init(school: f.school), Self.head)
        #expect(coverage.items.map(\.teacherName) == ["Bo", "Ada"])
        #expect(coverage.items.last?.lastDropIn == "2026-11-24")
        #expect(coverage.items.last?.schoolDaysSince == 1)
        #expect(coverage.items.last?.next?.kind == "followup")
    }

    @Test func theOtherSchoolsHeadAndLead_andTheSchoolsTeachers_areRefused_inTheSameWords() async throws {
        let f = try await fixture()
        for peer in [Self.otherHead, Peers.otherLead, Peers.teacher, Peers.coach, Peers.stranger] {
            let status = await wireError { _ = try await f.service.schoolsStatus(.init(school: f.school), peer) }
            #expect(status?.name == .permissionDenied)
            let coverage = await wireError { _ = try await f.service.coverageList(.init(school: f.school), peer) }
            #expect(coverage?.name == .permissionDenied)
            let report = await wireError {
                _ = try await f.service.reportsSummary(
                    .init(from: "2026-11-01", to: "2026-11-30", school: f.school), peer)
            }
            #expect(report?.name == .permissionDenied)
        }
        let known = await wireError { _ = try await f.service.schoolsStatus(.init(school: f.school), Self.otherHead) }
        let unknown = await wireError { _ = try await f.service.schoolsStatus(.init(school: 777), Self.otherHead) }
        #expect(known?.message == "school \(f.school) was not found or is not yours")
        #expect(unknown?.message == "school 777 was not found or is not yours")
    }

    @Test func reportScope_coachOnThemselves_pairOnItself_leadOnTheirSchool() async throws {
        let f = try await fixture()
        let range = (from: "2026-11-23", to: "2026-11-27")
        let mine = try await f.service.reportsSummary(
            .init(from: range.from, to: range.to, coach: f.coach), Peers.coach)
        #expect(mine.byPair.count == 2 && mine.byCoach.map(\.coachName) == ["Cy"])
        let pair = try await f.service.reportsSummary(
            .init(from: range.from, to: range.to, pair: f.pair), Peers.teacher)
        #expect(pair.byPair.map(\.pair) == [f.pair])
        #expect(pair.totals.dropinsDue == 1)
        let otherTeacher = await wireError {
            _ = try await f.service.reportsSummary(
                .init(from: range.from, to: range.to, pair: f.pair), Peers.otherTeacher)
        }
        #expect(otherTeacher?.message == "pair \(f.pair) was not found or is not yours")
        let teacherOnCoach = await wireError {
            _ = try await f.service.reportsSummary(.init(from: range.from, to: range.to, coach: f.coach), Peers.teacher)
        }
        #expect(teacherOnCoach?.message == "person \(f.coach) was not found or is not yours")
        let school = try await f.service.reportsSummary(.init(from: range.from, to: range.to), Peers.lead)
        #expect(school.byPair.count == 2 && school.totals.dropinsDue == 2)
        let tooLong = await wireError {
            _ = try await f.service.reportsSummary(.init(from: "2026-01-01", to: "2027-12-31"), Peers.lead)
        }
        #expect(tooLong?.data?.field == "to")
    }

    /// `allSchools` (issue 12, B14): every school in one report, each school's rows and figures exactly
    /// its own report's, each counted through its own today; for admins alone.
    @Test func allSchools_isEverySchoolsOwnReport_inOne_forAdminsAlone() async throws {
        let f = try await fixture()
        // A third school twelve hours ahead: at 21:00 in London it is already Tuesday there.
        let ash = try await f.service.schoolsAdd(.init(name: "Ash", timeZone: "Pacific/Auckland"), Peers.admin).id
        let dale = try await f.service.schoolsList(Peers.admin).schools.first { $0.name == "Dale" }!.id
        for (school, teacher, coach, uid) in [(ash, "Tui", "Rua", Int64(5101)), (dale, "Dot", "Del", 5201)] {
            let t = try await f.service.peopleAdd(
                .init(name: teacher, school: school, roles: ["teacher"], uid: uid), Peers.admin)
            let c = try await f.service.peopleAdd(
                .init(name: coach, school: school, roles: ["coach"], uid: uid + 1), Peers.admin)
            _ = try await f.service.pairsCreate(.init(teacher: t.id, coach: c.id), Peers.admin)
        }
        f.clock.set(ServiceFixture.monday.addingTimeInterval(12 * 3600))
        _ = try await f.service.dropInsLog(.init(pair: f.pair, start: "2026-11-23T10:00", minutes: 10), Peers.coach)
        let range = (from: "2026-11-16", to: "2026-11-27")

        let all = try await f.service.reportsSummary(
            .init(from: range.from, to: range.to, allSchools: true), Peers.admin)
        #expect(all.school == nil && all.schoolName == nil)
        #expect(all.bySchool?.map(\.schoolName) == ["Ash", "Dale", "Hill"])
        #expect(all.bySchool?.map(\.countedThrough) == ["2026-11-24", "2026-11-23", "2026-11-23"])
        #expect(all.countedThrough == "2026-11-24")
        var due = 0
        for row in all.bySchool ?? [] {
            let school = try #require(row.school)
            let own = try await f.service.reportsSummary(
                .init(from: range.from, to: range.to, school: school), Peers.admin)
            var figures = row
            figures.school = nil
            figures.schoolName = nil
            figures.countedThrough = nil
            #expect(figures == own.totals)
            #expect(row.schoolName == own.schoolName && row.countedThrough == own.countedThrough)
            due += own.totals.dropinsDue
        }
        // No coach or pair rows (each school's report has them): the totals add the schools'.
        #expect(all.byCoach.isEmpty && all.byPair.isEmpty)
        #expect(all.totals.dropinsDue == due && due == 4)
        #expect(all.totals.dropinsDone == 1 && all.totals.completionRate == 0.25)
        // The written reply is the same report, and `allSchools: false` is a school's report.
        let encoded = try await f.service.reportsSummaryEncoded(
            .init(from: range.from, to: range.to, allSchools: true), Peers.admin)
        #expect(try JSONDecoder().decode(ReportSummary.self, from: encoded) == all)
        let lead = try await f.service.reportsSummary(
            .init(from: range.from, to: range.to, allSchools: false), Peers.lead)
        #expect(lead.school == f.school && lead.bySchool == nil)

        // Nobody else, whatever they oversee; and nothing narrower beside it.
        for peer in [Peers.lead, Self.head, Peers.teacher, Peers.coach, Peers.stranger] {
            let refused = await wireError {
                _ = try await f.service.reportsSummaryEncoded(
                    .init(from: range.from, to: range.to, allSchools: true), peer)
            }
            #expect(refused?.name == .permissionDenied)
        }
        for (params, field) in [
            (ReportsSummary.Params(from: range.from, to: range.to, school: f.school, allSchools: true), "school"),
            (ReportsSummary.Params(from: range.from, to: range.to, coach: f.coach, allSchools: true), "coach"),
            (ReportsSummary.Params(from: range.from, to: range.to, pair: f.pair, allSchools: true), "pair"),
        ] {
            let invalid = await wireError { _ = try await f.service.reportsSummary(params, Peers.admin) }
            #expect(invalid?.name == .invalidParams && invalid?.data?.field == field)
        }
    }
}
