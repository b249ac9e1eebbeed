import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 12, performance: `reports.summary` and `coverage.list` as the wire serves them — written by
/// hand and a whole school's answer kept — say exactly what the counted answer says, after every
/// change and as the clock moves, and a kept answer is never handed to someone who may not ask.
@Suite("The service: the lead's view, kept answers")
struct LeadsViewCacheTests {
    static let head = Peer(uid: 5006, gid: 5006)
    static let otherHead = Peer(uid: 5007, gid: 5007)
    static let range = (from: "2026-11-01", to: "2026-11-30")

    func fixture() async throws -> ServiceFixture {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.peopleAdd(.init(name: "Hal", school: f.school, roles: ["head"], uid: 5006), Peers.admin)
        let dale = try await f.service.schoolsList(Peers.admin).schools.first { $0.name == "Dale" }!.id
        _ = try await f.service.peopleAdd(.init(name: "Ira", school: dale, roles: ["head"], uid: 5007), Peers.admin)
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        return f
    }

    /// The served bytes against `JSONEncoder` over a freshly counted answer.
    func expectServedAsCounted(_ f: ServiceFixture, _ peer: Peer, _ note: Comment) async throws {
        let report = ReportsSummary.Params(from: Self.range.from, to: Self.range.to, school: f.school)
        let counted = try RPCCodec.encoder.encode(try await f.service.reportsSummary(report, peer))
        #expect(try await f.service.reportsSummaryEncoded(report, peer) == counted, note)
        let coverage = CoverageListMethod.Params(school: f.school)
        let listed = try RPCCodec.encoder.encode(try await f.service.coverageList(coverage, peer))
        #expect(try await f.service.coverageListEncoded(coverage, peer) == listed, note)
    }

    @Test func servedAnswers_areTheCountedOnes_afterEachChange_andAsTheClockMoves() async throws {
        let f = try await fixture()
        try await expectServedAsCounted(f, Peers.lead, "first")
        try await expectServedAsCounted(f, Self.head, "kept, asked by the head")
        let before = try await f.service.reportsSummaryEncoded(
            .init(from: Self.range.from, to: Self.range.to, school: f.school), Peers.lead)

        // A visit logged: both answers change at once.
        f.clock.set(ServiceFixture.monday.addingTimeInterval(2 * 3600))
        _ = try await f.service.dropInsLog(.init(pair: f.pair, start: "2026-11-23T10:00", minutes: 10), Peers.coach)
        try await expectServedAsCounted(f, Peers.lead, "after a drop-in")
        let after = try await f.service.reportsSummaryEncoded(
            .init(from: Self.range.from, to: Self.range.to, school: f.school), Peers.lead)
        #expect(after != before)

        // No change, but time passes: the next items turn overdue, and the school's day moves on.
        for hours in [30.0, 52, 80, 200] {
            f.clock.set(ServiceFixture.monday.addingTimeInterval(hours * 3600))
            try await expectServedAsCounted(f, Peers.lead, "after \(hours) h")
        }

        // A calendar change (a closure) is a change like any other.
        _ = try await f.service.addTerm(
            .init(school: f.school, name: "Autumn", from: "2026-09-02", to: "2026-12-18"), Peers.admin)
        try await expectServedAsCounted(f, Self.head, "after a term")
    }

    @Test func aKeptAnswer_isNeverHandedToSomeoneWhoMayNotAsk() async throws {
        let f = try await fixture()
        let report = ReportsSummary.Params(from: Self.range.from, to: Self.range.to, school: f.school)
        _ = try await f.service.reportsSummaryEncoded(report, Peers.lead)
        _ = try await f.service.coverageListEncoded(.init(school: f.school), Peers.lead)
        for peer in [Self.otherHead, Peers.otherLead, Peers.teacher, Peers.coach, Peers.stranger] {
            if peer != Peers.stranger {
                let words = await wireError { _ = try await f.service.reportsSummaryEncoded(report, peer) }
                #expect(words?.message == "school \(f.school) was not found or is not yours")
            }
            // Refused as when nothing is kept, in the same words.
            let refused = await wireError { _ = try await f.service.reportsSummaryEncoded(report, peer) }
            let counted = await wireError { _ = try await f.service.reportsSummary(report, peer) }
            #expect(refused?.name == .permissionDenied)
            #expect(refused?.message == counted?.message)
            let coverage = await wireError {
                _ = try await f.service.coverageListEncoded(.init(school: f.school), peer)
            }
            let listed = await wireError { _ = try await f.service.coverageList(.init(school: f.school), peer) }
            #expect(coverage?.name == .permissionDenied)
            #expect(coverage?.message == listed?.message)
        }
    }

    @Test func aCoachsAndAPairsReport_areCountedForThem_notTheSchools() async throws {
        let f = try await fixture()
        let school = ReportsSummary.Params(from: Self.range.from, to: Self.range.to, school: f.school)
        _ = try await f.service.reportsSummaryEncoded(school, Peers.lead)
        let coach = ReportsSummary.Params(from: Self.range.from, to: Self.range.to, coach: f.coach)
        let pair = ReportsSummary.Params(from: Self.range.from, to: Self.range.to, pair: f.pair)
        #expect(
            try await f.service.reportsSummaryEncoded(coach, Peers.coach)
                == (try RPCCodec.encoder.encode(try await f.service.reportsSummary(coach, Peers.coach))))
        let served = try await f.service.reportsSummaryEncoded(pair, Peers.teacher)
        #expect(served == (try RPCCodec.encoder.encode(try await f.service.reportsSummary(pair, Peers.teacher))))
        #expect(try JSONDecoder().decode(ReportSummary.self, from: served).byPair.map(\.pair) == [f.pair])
    }
}
