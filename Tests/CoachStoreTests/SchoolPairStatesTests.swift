import CoachDomain
import CoachStore
import Foundation
import Testing

/// Issue 12 (B16): a calendar change reads a whole school at once. The school-wide reads must give
/// exactly what the per-pair reads give, on every backend.
@Suite("Store conformance: a school's pair states and schedules read at once")
struct SchoolPairStatesTests {
    /// A school with pairs at every stage, an ended pair, and a pair of another school.
    func build(_ tx: any StoreWriting) throws -> (school: Int64, other: Int64) {
        let ids = try seed(tx)
        var teachers: [Int64] = []
        for n in 0..<7 {
            teachers.append(
                try tx.insert(
                    Person(
                        id: 0, name: "T\(n)", school: ids.school, roles: [.teacher], uid: 3000 + Int64(n), login: nil)))
        }
        func pair(_ teacher: Int64, school: Int64) throws -> Int64 {
            try tx.insert(Pair(id: 0, school: school, teacher: teacher, coach: ids.coach, active: true, createdAt: t0))
        }
        func dropIn(_ pair: Int64, day: Double, done: Bool) throws -> Int64 {
            try tx.insert(
                DropIn(
                    id: 0, pair: pair, coach: ids.coach, cycle: nil, start: t0.addingTimeInterval(86_400 * day),
                    minutes: 10, completedAt: done ? t0.addingTimeInterval(86_400 * day + 600) : nil, notes: "seen"))
        }
        func followUp(_ pair: Int64, _ dropIn: Int64, day: Double) throws {
            _ = try tx.insert(
                FollowUp(
                    id: 0, dropIn: dropIn, pair: pair, completedAt: t0.addingTimeInterval(86_400 * day), notes: "x"))
        }
        // ids.pair: nothing at all (just created).
        // A focus and a booked drop-in.
        let booked = try pair(teachers[0], school: ids.school)
        _ = try tx.insert(Cycle(id: 0, pair: booked, focus: "questioning", startedAt: t0))
        _ = try tx.insert(Cycle(id: 0, pair: booked, focus: "wait time", startedAt: t0.addingTimeInterval(60)))
        _ = try dropIn(booked, day: 3, done: false)
        // A done drop-in waiting for its follow-up.
        let waiting = try pair(teachers[1], school: ids.school)
        _ = try dropIn(waiting, day: 1, done: true)
        // Done and followed up, with an adaptation set.
        let adapted = try pair(teachers[2], school: ids.school)
        let done = try dropIn(adapted, day: 1, done: true)
        try followUp(adapted, done, day: 1)
        _ = try tx.insert(
            Adaptation(
                id: 0, pair: adapted, text: "wait time", setAt: t0, setOn: LocalDate("2026-11-23")!, schoolDays: 5,
                practiseUntil: LocalDate("2026-11-30")!))
        // The last drop-in's follow-up is not the pair's latest follow-up (an earlier one was talked
        // about later): still followed up.
        let late = try pair(teachers[3], school: ids.school)
        let first = try dropIn(late, day: 1, done: true)
        let second = try dropIn(late, day: 2, done: true)
        try followUp(late, second, day: 2)
        try followUp(late, first, day: 3)
        // Its latest booking cancelled, after a done one.
        let cancelled = try pair(teachers[4], school: ids.school)
        _ = try dropIn(cancelled, day: 1, done: true)
        let gone = try dropIn(cancelled, day: 2, done: false)
        try tx.cancelDropIn(gone, at: t0.addingTimeInterval(86_400), reason: "ill")
        // Ended: left out.
        let ended = try pair(teachers[5], school: ids.school)
        _ = try dropIn(ended, day: 1, done: false)
        try tx.endPair(ended, at: t0, reason: "left")
        // Another school's pair: left out.
        let otherSchool = try tx.insert(
            School(
                id: 0, name: "Dale", timeZone: "Europe/London", dayStart: LocalTime("08:30")!,
                dayEnd: LocalTime("15:30")!))
        let outside = try pair(teachers[6], school: otherSchool)
        _ = try dropIn(outside, day: 1, done: true)
        // Persisted schedules for some pairs of both schools.
        for (n, id) in [ids.pair, booked, outside].enumerated() {
            let item = DueItem(
                kind: .dropIn, pair: id, school: id == outside ? otherSchool : ids.school, dropIn: nil,
                dueDate: LocalDate("2026-11-30")!, dueAt: t0.addingTimeInterval(Double(n) * 3600),
                overdueAt: t0.addingTimeInterval(86_400))
            try tx.setDueSchedule(pair: id, DueSchedule(item: item, dueRaised: n == 1, overdueRaised: false))
        }
        return (ids.school, otherSchool)
    }

    @Test(arguments: StoreBackend.allCases)
    func pairStates_ofASchool_agreeWithPerPairState(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try build(tx) }
        for school in [ids.school, ids.other] {
            let (bulk, single) = try await store.read { r in
                (
                    try r.pairStates(school: school),
                    try r.pairs(school: school, person: nil).filter(\.active).map { try r.pairState($0) }
                )
            }
            #expect(bulk == single)
        }
        let states = try await store.read { r in try r.pairStates(school: ids.school) }
        #expect(states.count == 6)
        #expect(states.map(\.pair.id) == states.map(\.pair.id).sorted())
        // Every stage is there: the case the bulk start-up read would get wrong included.
        #expect(states.contains { $0.lastDropInFollowedUp && $0.lastFollowUpAt != nil })
        #expect(states.contains { $0.lastCancelledAt != nil })
        #expect(states.contains { $0.activeAdaptation != nil })
        #expect(states.contains { $0.focus?.focus == "wait time" })
        #expect(try await store.read { r in try r.pairStates(school: 999_999) }.isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func dueSchedules_ofASchool_agreeWithPerPairSchedules(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let ids = try await store.write { tx in try build(tx) }
        for school in [ids.school, ids.other] {
            let (bulk, single) = try await store.read { r in
                var single: [Int64: DueSchedule] = [:]
                for pair in try r.pairs(school: school, person: nil) {
                    if let schedule = try r.dueSchedule(pair: pair.id) { single[pair.id] = schedule }
                }
                return (try r.dueSchedules(school: school), single)
            }
            #expect(bulk == single)
        }
        #expect(try await store.read { r in try r.dueSchedules(school: ids.school) }.count == 2)
        #expect(try await store.read { r in try r.dueSchedules(school: ids.other) }.count == 1)
    }
}
