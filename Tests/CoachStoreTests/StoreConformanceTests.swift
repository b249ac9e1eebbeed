import CoachDomain
import CoachStore
import Foundation
import Testing

/// The store conformance suite's core: entities, transactions and the reads the service relies on,
/// run against every `StoreBackend`. The due items, group commit, school year and calendar cache
/// suites beside it take a backend too.
@Suite("Store conformance: entities, transactions, reads")
struct StoreConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func entities_roundTrip(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let (people, pair, calendar) = try await store.read { r in
            (try r.people(school: ids.school), try r.pair(ids.pair), try r.calendar(school: ids.school))
        }
        #expect(people.map(\.name) == ["Ada", "Cy"])
        #expect(people[1].roles == [.coach, .lead])
        #expect(people[1].login == "cy")
        #expect(pair?.createdAt == t0)
        #expect(calendar?.timeZone.identifier == "Europe/London")
    }

    @Test(arguments: StoreBackend.allCases)
    func aThrowingWrite_leavesNothingBehind(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        await #expect(throws: Boom.self) {
            try await store.write { tx in
                _ = try seed(tx)
                throw Boom()
            }
        }
        #expect(try await store.read { try $0.count(of: .school) } == 0)
        #expect(try await store.read { try $0.count(of: .person) } == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func markRaised_returnsOnlyNewKeys(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let first = try await store.write { tx in try tx.markRaised(["a", "b"], at: t0) }
        let second = try await store.write { tx in try tx.markRaised(["b", "c"], at: t0) }
        #expect(first == ["a", "b"])
        #expect(second == ["c"])
        #expect(try await store.read { try $0.raisedTransitions() } == ["a", "b", "c"])
    }

    @Test(arguments: StoreBackend.allCases)
    func allPairStates_agreesWithPerPairState(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        try await store.write { tx in
            let ids = try seed(tx)
            let other = try tx.insert(
                Person(id: 0, name: "Bo", school: ids.school, roles: [.teacher], uid: 2003, login: nil))
            let pair2 = try tx.insert(
                Pair(id: 0, school: ids.school, teacher: other, coach: ids.coach, active: true, createdAt: t0))
            _ = try tx.insert(Cycle(id: 0, pair: ids.pair, focus: "questioning", startedAt: t0))
            let d1 = try tx.insert(
                DropIn(
                    id: 0, pair: ids.pair, coach: ids.coach, cycle: nil, start: t0, minutes: 10, completedAt: t0,
                    notes: "n"))
            _ = try tx.insert(FollowUp(id: 0, dropIn: d1, pair: ids.pair, completedAt: t0, notes: nil))
            _ = try tx.insert(
                DropIn(
                    id: 0, pair: ids.pair, coach: ids.coach, cycle: nil, start: t0.addingTimeInterval(86400 * 7),
                    minutes: 10, completedAt: nil, notes: nil))
            _ = try tx.insert(
                DropIn(
                    id: 0, pair: pair2, coach: ids.coach, cycle: nil, start: t0.addingTimeInterval(3600), minutes: 10,
                    completedAt: t0, notes: nil))
        }
        let (bulk, single) = try await store.read { r in
            (try r.allPairStates(), try r.pairs(school: nil, person: nil).map { try r.pairState($0) })
        }
        #expect(bulk == single)
        #expect(bulk.count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func coachOverlapQuery_findsOnlyOverlaps(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let found = try await store.write { tx in
            let ids = try seed(tx)
            _ = try tx.insert(
                DropIn(
                    id: 0, pair: ids.pair, coach: ids.coach, cycle: nil, start: t0, minutes: 15, completedAt: nil,
                    notes: nil))
            return (
                try tx.dropIns(coach: ids.coach, overlapping: t0.addingTimeInterval(600), t0.addingTimeInterval(1500))
                    .count,
                try tx.dropIns(coach: ids.coach, overlapping: t0.addingTimeInterval(900), t0.addingTimeInterval(1800))
                    .count
            )
        }
        #expect(found.0 == 1)
        #expect(found.1 == 0)
    }

    /// A rule the schema keeps, not the service: a second active adaptation of a pair is refused.
    @Test(arguments: StoreBackend.allCases)
    func twoActiveAdaptations_areRefusedByTheStoreItself(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let adaptation = Adaptation(
            id: 0, pair: ids.pair, text: "wait time", setAt: t0, setOn: LocalDate("2026-11-23")!, schoolDays: 5,
            practiseUntil: LocalDate("2026-11-30")!)
        _ = try await store.write { tx in try tx.insert(adaptation) }
        await #expect(throws: StoreError.self) {
            _ = try await store.write { tx in try tx.insert(adaptation) }
        }
    }
}
