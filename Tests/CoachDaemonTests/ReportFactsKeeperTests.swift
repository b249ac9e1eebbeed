import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 12, B14: a report from the store's kept facts says exactly what the same report counted from
/// the records says, after every kind of change and a reload that changes the cycle policy; and until
/// the keeper has counted a change, the report counts the changed pairs from their records.
@Suite("The service: reports from kept facts")
struct ReportFactsKeeperTests {
    static let range = (from: "2026-11-01", to: "2026-12-31")

    func report(_ f: ServiceFixture) async throws -> Data {
        try RPCCodec.encoder.encode(
            try await f.service.reportsSummary(
                .init(from: Self.range.from, to: Self.range.to, school: f.school), Peers.lead))
    }

    func stale(_ f: ServiceFixture) async throws -> Int {
        try await f.store.read { try $0.staleReportPairs(limit: 1_000).count }
    }

    /// The report before the keeper ran (stale pairs counted from records) and after (every pair from
    /// kept facts) are the same bytes; afterwards nothing is stale.
    func expectSameAfterCounting(_ f: ServiceFixture, _ note: Comment) async throws {
        #expect(try await stale(f) > 0, note)
        let counted = try await report(f)
        #expect(try await f.service.reportFacts.drain() > 0, note)
        #expect(try await stale(f) == 0, note)
        let kept = try await f.store.read {
            try $0.reportFacts(school: f.school, policy: f.service.policy.reportFingerprint)
        }
        #expect(kept.count == 2, note)
        #expect(try await report(f) == counted, note)
    }

    @Test func reportsFromKeptFacts_areTheCountedOnes_afterEveryKindOfChange() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        try await expectSameAfterCounting(f, "two new pairs")
        let s = f.service
        _ = try await s.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        try await expectSameAfterCounting(f, "a focus")
        let first = try await s.dropInsLog(.init(pair: f.pair, start: "2026-11-23T08:40", minutes: 5), Peers.coach)
        try await expectSameAfterCounting(f, "a drop-in")
        _ = try await s.followUpsComplete(.init(dropin: first.id), Peers.teacher)
        let adaptation = try await s.adaptationsSet(.init(pair: f.pair, text: "wait time"), Peers.teacher)
        try await expectSameAfterCounting(f, "a conversation and an adaptation")
        f.clock.advance(days: 7)
        let second = try await s.dropInsLog(.init(pair: f.pair, start: "2026-11-30T08:30", minutes: 10), Peers.coach)
        _ = try await s.followUpsComplete(.init(dropin: second.id), Peers.teacher)
        _ = try await s.adaptationsClose(.init(adaptation: adaptation.id, outcome: "embedded"), Peers.coach)
        try await expectSameAfterCounting(f, "a second visit, its conversation, the adaptation closed")
        _ = try await s.addClosure(
            .init(school: f.school, from: "2026-12-01", to: "2026-12-02", reason: "INSET"), Peers.lead)
        try await expectSameAfterCounting(f, "a closure")

        // Another cycle policy: nothing kept under the old one is used, and the keeper counts it all again.
        var changed = s.configuration
        changed.policy.practiseSchoolDays = 3
        _ = try await s.reload(changed)
        let (store, school, fingerprint) = (f.store, f.school, changed.policy.reportFingerprint)
        #expect(try await store.read { try $0.reportFacts(school: school, policy: fingerprint) }.isEmpty)
        try await expectSameAfterCounting(f, "a new practice window")
    }
}
