import CoachDomain
import CoachStore
import Foundation
import Testing

/// Issue 12, B14: each pair's report facts are kept in the store, and every change a report counts
/// lists the pair stale (the stores' triggers), so a reader never uses facts counted before it.
@Suite("Report facts: kept per pair, stale after every change a report counts")
struct ReportFactStoreTests {
    static let policy = CyclePolicy()

    static func kept(_ store: any CoachStore, _ school: Int64, policy: String = policy.reportFingerprint)
        async throws -> [Int64: ReportFacts]
    {
        try await store.read { try $0.reportFacts(school: school, policy: policy) }
    }

    static func stale(_ store: any CoachStore) async throws -> [Int64] {
        try await store.read { try $0.staleReportPairs(limit: 100) }
    }

    /// The pair's facts as counted from its records now, outside the store.
    static func counted(_ store: any CoachStore, pair id: Int64) async throws -> ReportFacts {
        try await store.read { r in
            let pair = try #require(try r.pair(id))
            let calendar = try #require(try r.calendar(school: pair.school))
            let record = ReportPairRecord(
                pair: pair, dropIns: try r.dropIns(pair: id), followUps: try r.followUps(pair: id),
                adaptations: try r.adaptations(pair: id), cycleStarts: try r.cycles(pair: id).map(\.startedAt))
            let today = calendar.localDate(of: t0)
            return ReportCalculator.facts(
                record, days: SchoolDayIndex(calendar: calendar, span: DateRange(from: today, to: today)!),
                policy: policy)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func everyCountedChange_listsThePair_andHidesItsFacts_untilCountedAgain(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let (ids, other) = try await store.write { tx in
            let ids = try seed(tx)
            // A second pair of the same school, never changed below: it stays kept throughout.
            let teacher = try tx.insert(
                Person(id: 0, name: "Bo", school: ids.school, roles: [.teacher], uid: nil, login: nil))
            let other = try tx.insert(
                Pair(id: 0, school: ids.school, teacher: teacher, coach: ids.coach, active: true, createdAt: t0))
            return (ids, other)
        }
        // New pairs wait to be counted; nothing is kept yet.
        #expect(try await Self.stale(store) == [ids.pair, other])
        #expect(try await Self.kept(store, ids.school).isEmpty)
        #expect(try await store.refreshReportFacts(policy: Self.policy, limit: 10, now: t0) == 2)
        #expect(try await Self.stale(store).isEmpty)
        #expect(Set(try await Self.kept(store, ids.school).keys) == [ids.pair, other])
        #expect(try await store.refreshReportFacts(policy: Self.policy, limit: 10, now: t0) == 0)

        let day: TimeInterval = 86_400
        var dropIn: Int64 = 0
        var adaptation: Int64 = 0
        let changes: [(String, @Sendable (any StoreWriting, Int64, Int64) throws -> (Int64, Int64))] = [
            (
                "a cycle started",
                { tx, d, a in
                    _ = try tx.insert(Cycle(id: 0, pair: ids.pair, focus: "wait time", startedAt: t0))
                    return (d, a)
                }
            ),
            (
                "a drop-in booked",
                { tx, _, a in
                    let d = try tx.insert(
                        DropIn(
                            id: 0, pair: ids.pair, coach: ids.coach, cycle: nil, start: t0 + day, minutes: 15,
                            completedAt: nil, notes: nil))
                    return (d, a)
                }
            ),
            (
                "a drop-in moved",
                { tx, d, a in
                    try tx.moveDropIn(d, start: t0 + 2 * day, minutes: 10, at: t0); return (d, a)
                }
            ),
            (
                "a drop-in done",
                { tx, d, a in
                    try tx.completeDropIn(d, at: t0 + 2 * day, notes: "n"); return (d, a)
                }
            ),
            (
                "a conversation held",
                { tx, d, a in
                    _ = try tx.insert(
                        FollowUp(id: 0, dropIn: d, pair: ids.pair, completedAt: t0 + 3 * day, notes: nil))
                    return (d, a)
                }
            ),
            (
                "an adaptation set",
                { tx, d, _ in
                    let a = try tx.insert(
                        Adaptation(
                            id: 0, pair: ids.pair, text: "pause", setAt: t0 + 3 * day,
                            setOn: LocalDate("2026-11-25")!, schoolDays: 5, practiseUntil: LocalDate("2026-12-02")!))
                    return (d, a)
                }
            ),
            (
                "an adaptation closed",
                { tx, d, a in
                    try tx.closeAdaptation(a, at: t0 + 9 * day, on: LocalDate("2026-12-02")!, outcome: .embedded)
                    return (d, a)
                }
            ),
            (
                "a closure added",
                { tx, d, a in
                    _ = try tx.insert(
                        Closure(
                            id: 0, school: ids.school,
                            range: DateRange(from: LocalDate("2026-11-30")!, to: LocalDate("2026-11-30")!)!,
                            reason: "INSET"))
                    return (d, a)
                }
            ),
            (
                "a term added",
                { tx, d, a in
                    _ = try tx.insert(
                        Term(
                            id: 0, school: ids.school, name: "Autumn",
                            range: DateRange(from: LocalDate("2026-09-01")!, to: LocalDate("2026-12-18")!)!))
                    return (d, a)
                }
            ),
            (
                "the pair ended",
                { tx, d, a in
                    try tx.endPair(ids.pair, at: t0 + 20 * day, reason: "left"); return (d, a)
                }
            ),
        ]
        for (what, change) in changes {
            (dropIn, adaptation) = try await store.write { [dropIn, adaptation] tx in
                try change(tx, dropIn, adaptation)
            }
            let calendarWide = what == "a closure added" || what == "a term added"
            #expect(try await Self.stale(store) == (calendarWide ? [ids.pair, other] : [ids.pair]), "\(what)")
            #expect(try await Self.kept(store, ids.school)[ids.pair] == nil, "\(what): facts counted before it")
            #expect(try await store.refreshReportFacts(policy: Self.policy, limit: 10, now: t0) >= 1, "\(what)")
            let kept = try #require(try await Self.kept(store, ids.school)[ids.pair], "\(what)")
            // What is kept is what the records count now.
            #expect(kept == (try await Self.counted(store, pair: ids.pair)), "\(what)")
        }
        let facts = try await Self.counted(store, pair: ids.pair)
        #expect(facts.visits.count == 1 && facts.conversations.count == 1 && facts.closed.count == 1)
        #expect(facts.cycleStarts.count == 1 && facts.adaptationsSet == [LocalDate("2026-11-25")!])

        // Facts counted under another policy are never used; listing under it finds both pairs, once.
        #expect(try await store.read { try $0.reportFactsPolicy() } == nil)
        #expect(try await Self.kept(store, ids.school, policy: "another policy").isEmpty)
        #expect(try await store.write { try $0.markStaleReportFacts(policy: Self.policy.reportFingerprint) } == 0)
        #expect(try await store.read { try $0.reportFactsPolicy() } == Self.policy.reportFingerprint)
        #expect(try await store.write { try $0.markStaleReportFacts(policy: "another policy") } == 2)
        #expect(try await store.read { try $0.reportFactsPolicy() } == "another policy")
        #expect(try await Self.stale(store) == [ids.pair, other])
        #expect(try await Self.kept(store, ids.school).isEmpty)
        // Listed under it already: nothing is scanned or listed again.
        #expect(try await store.refreshReportFacts(policy: Self.policy, limit: 10, now: t0) == 2)
        #expect(try await store.write { try $0.markStaleReportFacts(policy: "another policy") } == 0)
        #expect(try await Self.stale(store).isEmpty)
    }
}
