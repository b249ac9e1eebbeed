import CoachDomain
import CoachSupport
import Foundation
import Testing

@Suite("Next due item")
struct DueCalculatorTests {
    let calendar = englishCalendar()
    let policy = CyclePolicy()
    let pair = Pair(id: 1, school: 1, teacher: 10, coach: 20, active: true, createdAt: utc("2026-11-21T12:00:00Z"))

    func state(
        lastDropIn: DropIn? = nil, followedUp: Bool = false, followUpAt: Date? = nil, adaptation: Adaptation? = nil
    ) -> PairState {
        PairState(
            pair: pair, focus: nil, lastDropIn: lastDropIn, lastDropInFollowedUp: followedUp,
            lastFollowUpAt: followUpAt, activeAdaptation: adaptation)
    }

    func dropIn(_ start: String, done: Bool) -> DropIn {
        DropIn(
            id: 7, pair: 1, coach: 20, cycle: nil, start: calendar.parseInstant(start)!, minutes: 15,
            completedAt: done ? calendar.parseInstant(start)!.addingTimeInterval(900) : nil, notes: nil)
    }

    @Test func newPair_firstDropIn_isDueOnItsFirstSchoolDay() throws {
        let item = try #require(DueCalculator.next(for: state(), calendar: calendar, policy: policy))
        #expect(item.kind == .dropIn)
        #expect(item.dueDate == day("2026-11-23"))  // created on a Saturday
        #expect(item.dueAt == calendar.instant(day("2026-11-23"), time("08:30")))
        #expect(item.overdueAt == calendar.instant(day("2026-11-23"), time("15:30")))
    }

    @Test func bookedDropIn_isDueAtItsStart() throws {
        let item = try #require(
            DueCalculator.next(
                for: state(lastDropIn: dropIn("2026-11-24T10:00", done: false)), calendar: calendar, policy: policy))
        #expect(item.kind == .dropIn)
        #expect(item.dropIn == 7)
        #expect(item.dueAt == calendar.parseInstant("2026-11-24T10:00"))
    }

    @Test func doneDropIn_followUpDueWithinTwoSchoolDays() throws {
        let item = try #require(
            DueCalculator.next(
                for: state(lastDropIn: dropIn("2026-11-26T10:00", done: true)), calendar: calendar, policy: policy))
        #expect(item.kind == .followUp)
        // Thu 26 → [INSET Fri 27] → Mon 30 (1) → Tue 1 Dec (2).
        #expect(item.dueDate == day("2026-12-01"))
    }

    @Test func activeAdaptation_nextDropInDueOnPractiseUntil() throws {
        let adaptation = Adaptation(
            id: 3, pair: 1, text: "x", setAt: utc("2026-11-23T12:00:00Z"), setOn: day("2026-11-23"), schoolDays: 5,
            practiseUntil: day("2026-12-01"))
        let item = try #require(
            DueCalculator.next(
                for: state(
                    lastDropIn: dropIn("2026-11-23T10:00", done: true), followedUp: true,
                    followUpAt: utc("2026-11-23T12:00:00Z"), adaptation: adaptation),
                calendar: calendar, policy: policy))
        #expect(item.kind == .dropIn)
        #expect(item.dropIn == nil)
        #expect(item.dueDate == day("2026-12-01"))
    }

    @Test func followedUpWithoutAdaptation_defaultWindowApplies() throws {
        let item = try #require(
            DueCalculator.next(
                for: state(
                    lastDropIn: dropIn("2026-11-23T10:00", done: true), followedUp: true,
                    followUpAt: utc("2026-11-23T12:00:00Z")),
                calendar: calendar, policy: policy))
        // Mon 23 + 5 school days, skipping the INSET Friday: Tue, Wed, Thu, Mon 30, Tue 1.
        #expect(item.dueDate == day("2026-12-01"))
    }

    @Test func graceDays_pushOverdueToLaterSchoolDay() throws {
        var lenient = CyclePolicy()
        lenient.graceSchoolDays = 1
        let item = try #require(DueCalculator.next(for: state(), calendar: calendar, policy: lenient))
        #expect(item.overdueAt == calendar.instant(day("2026-11-24"), time("15:30")))
    }

    @Test func closedPair_hasNoItem() {
        var closed = state()
        closed.pair.active = false
        #expect(DueCalculator.next(for: closed, calendar: calendar, policy: policy) == nil)
    }

    @Test func everyActivePair_hasExactlyOneItem_property() {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let offset = Int.random(in: 0...200, using: &rng)
            let start = calendar.firstSchoolDay(onOrAfter: day("2026-09-02").adding(days: offset))
            let booked = dropIn("\(start)T10:00", done: Bool.random(using: &rng))
            let s = state(lastDropIn: Bool.random(using: &rng) ? booked : nil, followedUp: Bool.random(using: &rng))
            let item = DueCalculator.next(for: s, calendar: calendar, policy: policy)
            #expect(item != nil)
            if let item {
                #expect(calendar.isSchoolDay(item.dueDate))
                #expect(item.overdueAt >= item.dueAt)
            }
        }
    }
}

@Suite("Due scheduler")
struct DueSchedulerTests {
    let calendar = englishCalendar()

    func item(pair: Int64, date: String) -> DueItem {
        DueItem(
            kind: .dropIn, pair: pair, school: 1, dropIn: nil, dueDate: day(date),
            dueAt: calendar.dayStartInstant(day(date)), overdueAt: calendar.dayEndInstant(day(date)))
    }

    @Test func nextWake_isTheEarliestTransition() {
        var scheduler = DueScheduler()
        scheduler.update(pair: 1, item: item(pair: 1, date: "2026-11-25"))
        scheduler.update(pair: 2, item: item(pair: 2, date: "2026-11-24"))
        #expect(scheduler.nextWake() == calendar.dayStartInstant(day("2026-11-24")))
    }

    @Test func fire_raisesEachTransitionOnce_inOrder() {
        var scheduler = DueScheduler()
        scheduler.update(pair: 1, item: item(pair: 1, date: "2026-11-24"))
        let first = scheduler.fire(now: utc("2026-11-24T12:00:00Z"))
        #expect(first.map(\.kind) == [.due])
        #expect(scheduler.fire(now: utc("2026-11-24T12:00:00Z")).isEmpty)
        let second = scheduler.fire(now: utc("2026-11-25T00:00:00Z"))
        #expect(second.map(\.kind) == [.overdue])
        #expect(scheduler.nextWake() == nil)
    }

    @Test func catchUp_afterDowntime_raisesMissedOnce_skippingRecorded() {
        var scheduler = DueScheduler()
        let due = item(pair: 1, date: "2026-11-24")
        scheduler.markRaised([Transition(kind: .due, item: due, at: due.dueAt).key])
        scheduler.update(pair: 1, item: due)
        scheduler.update(pair: 2, item: item(pair: 2, date: "2026-11-24"))
        let missed = scheduler.fire(now: utc("2026-11-30T12:00:00Z"))
        #expect(missed.count == 3)  // pair 1 overdue; pair 2 due and overdue
        #expect(missed.filter { $0.item.pair == 1 }.map(\.kind) == [.overdue])
    }

    @Test func update_replacesTheOldItemsTransitions() {
        var scheduler = DueScheduler()
        scheduler.update(pair: 1, item: item(pair: 1, date: "2026-11-24"))
        scheduler.update(pair: 1, item: item(pair: 1, date: "2026-12-01"))
        #expect(scheduler.fire(now: utc("2026-11-25T00:00:00Z")).isEmpty)
        #expect(scheduler.nextWake() == calendar.dayStartInstant(day("2026-12-01")))
    }

    @Test func manyUpdates_keepTheHeapBounded_andCorrect() {
        var scheduler = DueScheduler()
        for round in 0..<50 {
            for pair in Int64(1)...20 {
                scheduler.update(pair: pair, item: item(pair: pair, date: "2026-12-\(10 + round % 5)"))
            }
        }
        let raised = scheduler.fire(now: utc("2027-01-01T00:00:00Z"))
        #expect(raised.count == 40)
        #expect(Set(raised.map(\.key)).count == 40)
    }
}
