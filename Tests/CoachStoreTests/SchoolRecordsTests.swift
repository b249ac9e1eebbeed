import CoachDomain
import CoachStore
import Foundation
import Testing

/// Issue 12, performance (third pass): a school's records are read without their texts, only the
/// columns a report or coverage counts. The narrow reads must give what the per-pair reads (every
/// column) give, less the texts, and the same report figures, on a generated school, in every store.
@Suite("Store conformance: a school's records for counting")
struct SchoolRecordsTests {
    static let calendar = SchoolCalendar(
        timeZone: TimeZone(identifier: "Europe/London")!, dayStart: LocalTime("08:30")!, dayEnd: LocalTime("15:30")!,
        terms: [DateRange(from: LocalDate("2026-09-01")!, to: LocalDate("2027-07-20")!)!], closures: [])

    /// A school of 12 pairs with a generated history (every kind of row, every text filled in), and a
    /// second school with one pair whose rows must not appear.
    static func generate(_ tx: any StoreWriting) throws -> (school: Int64, other: Int64) {
        let ids = try seed(tx)
        var pairs = [ids.pair]
        for n in 1..<12 {
            let teacher = try tx.insert(
                Person(id: 0, name: "T\(n)", school: ids.school, roles: [.teacher], uid: 3000 + Int64(n), login: nil))
            pairs.append(
                try tx.insert(
                    Pair(
                        id: 0, school: ids.school, teacher: teacher, coach: ids.coach, active: n % 5 != 0,
                        createdAt: t0.addingTimeInterval(Double(n) * 3600))))
        }
        let other = try tx.insert(
            School(
                id: 0, name: "Dale Academy", timeZone: "Europe/London", dayStart: LocalTime("08:30")!,
                dayEnd: LocalTime("15:30")!))
        let otherTeacher = try tx.insert(
            Person(id: 0, name: "Oz", school: other, roles: [.teacher], uid: 3100, login: nil))
        let otherCoach = try tx.insert(
            Person(id: 0, name: "Pat", school: other, roles: [.coach], uid: 3101, login: nil))
        let otherPair = try tx.insert(
            Pair(id: 0, school: other, teacher: otherTeacher, coach: otherCoach, active: true, createdAt: t0))
        // Rows of all pairs interleaved in time, as a school's history is.
        let day = 86_400.0
        for week in 0..<10 {
            for (index, pair) in (pairs + [otherPair]).enumerated() {
                let coach = pair == otherPair ? otherCoach : ids.coach
                let start = t0.addingTimeInterval(Double(week) * 7 * day + Double(index) * 1800 + day)
                let cycle: Int64? =
                    week % 3 == 0
                    ? try tx.insert(Cycle(id: 0, pair: pair, focus: "focus \(pair)/\(week)", startedAt: start)) : nil
                let dropIn = try tx.insert(
                    DropIn(
                        id: 0, pair: pair, coach: coach, cycle: cycle, start: start, minutes: 10 + week % 6,
                        completedAt: nil, notes: nil))
                switch (week + index) % 4 {
                case 0:
                    try tx.cancelDropIn(dropIn, at: start.addingTimeInterval(-3600), reason: "reason \(dropIn)")
                case 1:
                    continue  // booked, never done
                default:
                    try tx.completeDropIn(dropIn, at: start.addingTimeInterval(900), notes: "notes \(dropIn)")
                    _ = try tx.insert(
                        FollowUp(
                            id: 0, dropIn: dropIn, pair: pair,
                            completedAt: start.addingTimeInterval(Double(week % 3) * day),
                            notes: week % 2 == 0 ? "talk \(dropIn)" : nil))
                    let on = calendar.localDate(of: start)
                    let adaptation = try tx.insert(
                        Adaptation(
                            id: 0, pair: pair, text: "try \(dropIn)", setAt: start.addingTimeInterval(1800), setOn: on,
                            schoolDays: 5, practiseUntil: on.adding(days: 7)))
                    if week < 9 {
                        try tx.closeAdaptation(
                            adaptation, at: start.addingTimeInterval(6 * day), on: on.adding(days: 6),
                            outcome: [Outcome.embedded, .continuing, .dropped][week % 3])
                    }
                }
            }
        }
        return (ids.school, other)
    }

    @Test(arguments: StoreBackend.allCases)
    func schoolReads_areThePerPairReadsWithoutTexts(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let (school, other) = try await store.write { tx in try Self.generate(tx) }
        let (pairs, full, counted, dropIns, otherPairs) = try await store.read { r in
            let pairs = try r.pairs(school: school, person: nil)
            let full = try pairs.map { pair in
                ReportPairRecord(
                    pair: pair, dropIns: try r.dropIns(pair: pair.id), followUps: try r.followUps(pair: pair.id),
                    adaptations: try r.adaptations(pair: pair.id),
                    cycleStarts: try r.cycles(pair: pair.id).map(\.startedAt))
            }
            let cycles = try pairs.map { try r.cycles(pair: $0.id) }
            return (
                pairs, (full, cycles), try r.records(school: school), try r.dropIns(school: school),
                try r.pairs(school: other, person: nil)
            )
        }
        #expect(pairs.count == 12)
        // Every pair's rows, in id order, each the full row with its texts blanked.
        for (record, cycles) in zip(full.0, full.1) {
            let id = record.pair.id
            #expect(
                counted.dropIns[id] ?? []
                    == record.dropIns.map {
                        var row = $0
                        row.notes = nil
                        row.cancelReason = nil
                        return row
                    })
            #expect(
                counted.followUps[id] ?? []
                    == record.followUps.map {
                        var row = $0
                        row.notes = nil
                        return row
                    })
            #expect(
                counted.adaptations[id] ?? []
                    == record.adaptations.map {
                        var row = $0
                        row.text = ""
                        return row
                    })
            #expect(
                counted.cycles[id] ?? []
                    == cycles.map {
                        var row = $0
                        row.focus = ""
                        return row
                    })
        }
        // The generated history has every kind of row and text, so the comparison above compared something.
        let all = full.0
        #expect(all.allSatisfy { $0.dropIns.count == 10 })
        #expect(all.contains { $0.dropIns.contains { $0.cancelReason != nil } })
        #expect(all.contains { $0.dropIns.contains { $0.notes != nil } })
        #expect(all.contains { $0.followUps.contains { $0.notes != nil } })
        #expect(all.contains { $0.adaptations.contains { $0.outcome != nil } })
        #expect(all.contains { $0.adaptations.contains { $0.outcome == nil } })
        #expect(full.1.allSatisfy { $0.count == 4 })
        // Only this school's pairs; the drop-ins read alone are the records' drop-ins.
        #expect(Set(counted.dropIns.keys) == Set(pairs.map(\.id)))
        #expect(otherPairs.allSatisfy { counted.dropIns[$0.id] == nil && counted.followUps[$0.id] == nil })
        #expect(dropIns == counted.dropIns)
        // No text of any kind in what was read for counting.
        #expect(counted.dropIns.values.joined().allSatisfy { $0.notes == nil && $0.cancelReason == nil })
        #expect(counted.followUps.values.joined().allSatisfy { $0.notes == nil })
        #expect(counted.adaptations.values.joined().allSatisfy { $0.text.isEmpty })
        #expect(counted.cycles.values.joined().allSatisfy { $0.focus.isEmpty })

        // The same figures from the full rows and from the counted ones, for a few ranges.
        let narrow = pairs.map { pair in
            ReportPairRecord(
                pair: pair, dropIns: counted.dropIns[pair.id] ?? [], followUps: counted.followUps[pair.id] ?? [],
                adaptations: counted.adaptations[pair.id] ?? [],
                cycleStarts: (counted.cycles[pair.id] ?? []).map(\.startedAt))
        }
        let today = Self.calendar.localDate(of: t0).adding(days: 80)
        for (from, to) in [(-10, 100), (0, 20), (30, 60)] {
            let start = Self.calendar.localDate(of: t0)
            let range = DateRange(from: start.adding(days: from), to: start.adding(days: to))!
            let a = ReportCalculator.report(
                all, calendar: Self.calendar, policy: CyclePolicy(), range: range, today: today)
            let b = ReportCalculator.report(
                narrow, calendar: Self.calendar, policy: CyclePolicy(), range: range, today: today)
            #expect(a.totals == b.totals)
            #expect(a.byPair == b.byPair)
            #expect(a.byCoach == b.byCoach)
            #expect(a.countedThrough == b.countedThrough)
            if from == -10 {
                #expect(a.totals.dropinsDone > 0)
                #expect(a.totals.followupsDone > 0)
                #expect(a.totals.adaptationsSet > 0)
                #expect(a.totals.cyclesStarted > 0)
            }
        }
    }
}
