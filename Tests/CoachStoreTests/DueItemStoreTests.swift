import CoachDomain
import CoachStore
import Foundation
import Testing

/// An item of `pair` due at `t0 + dueIn` seconds, overdue `overdueAfter` seconds later.
func item(pair: Int64, school: Int64, dueIn: Double, overdueAfter: Double = 3600, dropIn: Int64? = nil) -> DueItem {
    DueItem(
        kind: dropIn == nil ? .dropIn : .followUp, pair: pair, school: school, dropIn: dropIn,
        dueDate: LocalDate("2026-11-23")!.adding(days: Int(dueIn / 86_400)), dueAt: t0.addingTimeInterval(dueIn),
        overdueAt: t0.addingTimeInterval(dueIn + overdueAfter))
}

@Suite("Persisted due items: kept with each change, read by index, raised once")
struct DueItemStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func setDueItem_storesReplacesAndRemoves(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let first = item(pair: ids.pair, school: ids.school, dueIn: 60)
        let next = try await store.write { tx in try tx.setDueItem(pair: ids.pair, first) }
        #expect(next == first.dueAt)
        #expect(try await store.read { try $0.dueItem(pair: ids.pair) } == first)
        let moved = item(pair: ids.pair, school: ids.school, dueIn: 86_400)
        _ = try await store.write { tx in try tx.setDueItem(pair: ids.pair, moved) }
        #expect(try await store.read { try $0.dueItem(pair: ids.pair) } == moved)
        _ = try await store.write { tx in try tx.setDueItem(pair: ids.pair, nil) }
        #expect(try await store.read { try $0.dueItem(pair: ids.pair) } == nil)
        #expect(try await store.read { try $0.nextTransitionTime() } == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func raiseTransitions_raisesEachOnce_soonestFirst_andMovesTheNextTime(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let due = item(pair: ids.pair, school: ids.school, dueIn: 60, overdueAfter: 60)
        _ = try await store.write { tx in try tx.setDueItem(pair: ids.pair, due) }
        #expect(try await store.read { try $0.nextTransitionTime() } == due.dueAt)
        // Past the due time only: the due transition, then the overdue one is next.
        let first = try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(90), limit: 10) }
        #expect(first.map(\.kind) == [.due])
        #expect(try await store.read { try $0.nextTransitionTime() } == due.overdueAt)
        let again = try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(90), limit: 10) }
        #expect(again.isEmpty)
        let later = try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(500), limit: 10)
        }
        #expect(later.map(\.kind) == [.overdue])
        #expect(try await store.read { try $0.nextTransitionTime() } == nil)
        // The same item written again keeps its marks: nothing is raised twice.
        _ = try await store.write { tx in try tx.setDueItem(pair: ids.pair, due) }
        #expect(
            try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(500), limit: 10) }
                .isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func anItemWrittenAfresh_takesItsMarksFromTheRaisedRecord(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let due = item(pair: ids.pair, school: ids.school, dueIn: 60, overdueAfter: 60)
        _ = try await store.write { tx in
            try tx.markRaised([Transition(kind: .due, item: due, at: due.dueAt).key], at: t0)
        }
        let next = try await store.write { tx in try tx.setDueItem(pair: ids.pair, due) }
        #expect(next == due.overdueAt)
        let raised = try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(500), limit: 10)
        }
        #expect(raised.map(\.kind) == [.overdue])
    }

    @Test(arguments: StoreBackend.allCases)
    func catchUp_comesInBatches_ofAtMostTheLimit(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let pairs = try await store.write { tx in
            let ids = try seed(tx)
            var pairs = [ids.pair]
            for index in 0..<4 {
                let teacher = try tx.insert(
                    Person(id: 0, name: "T\(index)", school: ids.school, roles: [.teacher], uid: nil, login: nil))
                pairs.append(
                    try tx.insert(
                        Pair(id: 0, school: ids.school, teacher: teacher, coach: ids.coach, active: true, createdAt: t0)
                    ))
            }
            for (offset, pair) in pairs.enumerated() {
                try tx.setDueItem(
                    pair: pair, item(pair: pair, school: ids.school, dueIn: Double(offset), overdueAfter: 3600))
            }
            return pairs
        }
        let first = try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(10), limit: 3) }
        let second = try await store.write { tx in try tx.raiseTransitions(until: t0.addingTimeInterval(10), limit: 3) }
        #expect(first.map(\.item.pair) == Array(pairs.prefix(3)))
        #expect(second.map(\.item.pair) == Array(pairs.suffix(2)))
    }

    @Test(arguments: StoreBackend.allCases)
    func dueItems_ofASchool_orOfAPerson(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let (ids, other, otherPair) = try await store.write { tx in
            let ids = try seed(tx)
            let school2 = try tx.insert(
                School(
                    id: 0, name: "Dale", timeZone: "Europe/London", dayStart: LocalTime("08:30")!,
                    dayEnd: LocalTime("15:30")!))
            let teacher = try tx.insert(
                Person(id: 0, name: "Bo", school: school2, roles: [.teacher], uid: nil, login: nil))
            let coach = try tx.insert(Person(id: 0, name: "Di", school: school2, roles: [.coach], uid: nil, login: nil))
            let pair2 = try tx.insert(
                Pair(id: 0, school: school2, teacher: teacher, coach: coach, active: true, createdAt: t0))
            try tx.setDueItem(pair: ids.pair, item(pair: ids.pair, school: ids.school, dueIn: 100))
            try tx.setDueItem(pair: pair2, item(pair: pair2, school: school2, dueIn: 50))
            return (ids, teacher, pair2)
        }
        let all = try await store.read { try $0.dueItems(school: nil, person: nil) }
        #expect(all.map(\.pair.id) == [otherPair, ids.pair])  // soonest first
        #expect(try await store.read { try $0.dueItems(school: ids.school, person: nil) }.map(\.pair.id) == [ids.pair])
        #expect(try await store.read { try $0.dueItems(school: nil, person: other) }.map(\.pair.id) == [otherPair])
        #expect(try await store.read { try $0.dueItems(school: nil, person: ids.coach) }.map(\.pair.id) == [ids.pair])
        #expect(try await store.read { try $0.dueItems(school: ids.school, person: other) }.isEmpty)
        #expect(
            try await store.read { try $0.names(of: [ids.teacher, other, 999]) } == [ids.teacher: "Ada", other: "Bo"])
    }

    /// Names and a calendar asked for after a school's `dueItems` in the same read are those asked for
    /// alone (the PostgreSQL store answers them from what it read with the list, in the same snapshot),
    /// also for a person the list did not hold and one it does not know; and the next read sees a rename
    /// and a closure committed in between.
    @Test(arguments: StoreBackend.allCases)
    func namesAndCalendar_afterDueItemsInOneRead_areThoseReadAlone(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let (ids, loner) = try await store.write { tx in
            let ids = try seed(tx)
            try tx.setDueItem(pair: ids.pair, item(pair: ids.pair, school: ids.school, dueIn: 100))
            let loner = try tx.insert(
                Person(id: 0, name: "Lou", school: ids.school, roles: [.teacher], uid: nil, login: nil))
            return (ids, loner)
        }
        let people: Set<Int64> = [ids.teacher, ids.coach, loner, 999]
        func readBothWays() async throws -> (alone: [Int64: String], after: [Int64: String], closures: [[DateRange]]) {
            let alone = try await store.read { r in (try r.names(of: people), try r.calendar(school: ids.school)) }
            let after = try await store.read { r in
                let listed = try r.dueItems(school: ids.school, person: nil)
                #expect(listed.map(\.pair.id) == [ids.pair])
                return (try r.names(of: people), try r.calendar(school: ids.school))
            }
            return (alone.0, after.0, [alone.1?.closures ?? [], after.1?.closures ?? []])
        }
        let first = try await readBothWays()
        #expect(first.after == [ids.teacher: "Ada", ids.coach: "Cy", loner: "Lou"])
        #expect(first.after == first.alone)
        #expect(first.closures == [[], []])
        let closed = DateRange(from: LocalDate("2026-12-21")!, to: LocalDate("2027-01-01")!)!
        try await store.write { tx in
            var teacher = try #require(try tx.person(ids.teacher))
            teacher.name = "Ada Lovelace"
            try tx.update(teacher)
            _ = try tx.insert(Closure(id: 0, school: ids.school, range: closed, reason: "Winter"))
        }
        let second = try await readBothWays()
        #expect(second.after == [ids.teacher: "Ada Lovelace", ids.coach: "Cy", loner: "Lou"])
        #expect(second.after == second.alone)
        #expect(second.closures == [[closed], [closed]])
    }

    @Test(arguments: StoreBackend.allCases)
    func counts_forTheStatusLine(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in
            let ids = try seed(tx)
            try tx.setDueItem(pair: ids.pair, item(pair: ids.pair, school: ids.school, dueIn: 0, overdueAfter: 3600))
            return ids
        }
        let (count, overdueSoon, overdueLater, today) = try await store.read { r in
            (
                try r.dueItemCount(), try r.overdueCount(at: t0), try r.overdueCount(at: t0.addingTimeInterval(3600)),
                try r.dueCount(on: LocalDate("2026-11-23")!, timeZone: "Europe/London", notOverdueAt: t0)
            )
        }
        #expect(count == 1)
        #expect(overdueSoon == 0)
        #expect(overdueLater == 1)
        #expect(today == 1)
        #expect(try await store.read { try $0.timeZones() } == ["Europe/London"])
        _ = ids
    }

    @Test(arguments: StoreBackend.allCases)
    func rebuild_computesEveryActivePairsItem_andRecordsThePolicy(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        #expect(try await store.read { try $0.duePolicy() } == nil)
        let policy = CyclePolicy()
        #expect(try await store.rebuildDueItems(policy: policy) == 1)
        #expect(try await store.read { try $0.duePolicy() } == policy.dueFingerprint)
        #expect(try await store.read { try $0.dueItem(pair: ids.pair) }?.kind == .dropIn)
    }
}

@Suite("Group commit: one transaction for the writes that queue up, each rolled back alone")
struct GroupCommitTests {
    @Test(arguments: StoreBackend.allCases)
    func concurrentWrites_allCommit_andEachGetsItsOwnResult(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let results = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for index in 0..<40 {
                group.addTask {
                    let id = try await store.write { tx in
                        try tx.insert(Cycle(id: 0, pair: ids.pair, focus: "focus \(index)", startedAt: t0))
                    }
                    return (index, id)
                }
            }
            var out: [Int: Int64] = [:]
            for try await (index, id) in group { out[index] = id }
            return out
        }
        #expect(results.count == 40)
        #expect(Set(results.values).count == 40)
        let cycles = try await store.read { try $0.cycles(pair: ids.pair) }
        #expect(cycles.count == 40)
        for (index, id) in results {
            #expect(cycles.first { $0.id == id }?.focus == "focus \(index)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailingWrite_inAGroup_rollsBackAlone(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                group.addTask {
                    do {
                        try await store.write { tx in
                            _ = try tx.insert(Cycle(id: 0, pair: ids.pair, focus: "focus \(index)", startedAt: t0))
                            if index % 3 == 0 { throw Boom() }
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var out: [Bool] = []
            for await outcome in group { out.append(outcome) }
            return out
        }
        #expect(outcomes.filter { $0 }.count == 20)
        let focuses = Set(try await store.read { try $0.cycles(pair: ids.pair) }.map(\.focus))
        #expect(focuses.count == 20)
        for index in stride(from: 0, to: 30, by: 3) { #expect(!focuses.contains("focus \(index)")) }
    }

    @Test(arguments: StoreBackend.allCases)
    func aConstraintViolation_inAGroup_failsOnlyItsWrite(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try seed(tx) }
        let adaptation = Adaptation(
            id: 0, pair: ids.pair, text: "wait time", setAt: t0, setOn: LocalDate("2026-11-23")!, schoolDays: 5,
            practiseUntil: LocalDate("2026-11-30")!)
        // Ten writers race to set the one active adaptation: SQLite lets exactly one in.
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask { (try? await store.write { tx in _ = try tx.insert(adaptation) }) != nil }
            }
            var count = 0
            for await success in group where success { count += 1 }
            return count
        }
        #expect(successes == 1)
        #expect(try await store.read { try $0.count(of: .adaptation) } == 1)
    }
}
