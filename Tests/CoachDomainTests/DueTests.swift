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

    /// The schedule of a new item with nothing raised.
    func fresh(_ item: DueItem) -> DueSchedule {
        DueSchedule.setting(item, over: nil, isRaised: { _ in false })!
    }

    @Test func nextWake_isTheEarliestTransition() {
        var scheduler = DueScheduler(startedAt: utc("2026-11-20T00:00:00Z"))
        let first = fresh(item(pair: 1, date: "2026-11-25"))
        let second = fresh(item(pair: 2, date: "2026-11-24"))
        let movedForFirst = scheduler.update([1: first.nextAt])
        let movedForSecond = scheduler.update([2: second.nextAt])
        #expect(movedForFirst && movedForSecond)
        #expect(scheduler.nextWake == calendar.dayStartInstant(day("2026-11-24")))
        // A later time does not move the wake-up: waking early finds nothing and reads the next time.
        let movedForLater = scheduler.update([3: fresh(item(pair: 3, date: "2026-12-01")).nextAt])
        #expect(!movedForLater)
        #expect(scheduler.nextWake == calendar.dayStartInstant(day("2026-11-24")))
        #expect(!scheduler.isDue(at: utc("2026-11-23T12:00:00Z")))
        #expect(scheduler.isDue(at: utc("2026-11-24T12:00:00Z")))
    }

    @Test func fire_raisesEachTransitionOnce_inOrder() {
        var schedule = fresh(item(pair: 1, date: "2026-11-24"))
        #expect(schedule.nextAt == calendar.dayStartInstant(day("2026-11-24")))
        let first = schedule.fire(now: utc("2026-11-24T12:00:00Z"))
        #expect(first.map(\.kind) == [.due])
        #expect(schedule.fire(now: utc("2026-11-24T12:00:00Z")).isEmpty)
        #expect(schedule.nextAt == calendar.dayEndInstant(day("2026-11-24")))
        let second = schedule.fire(now: utc("2026-11-25T00:00:00Z"))
        #expect(second.map(\.kind) == [.overdue])
        #expect(schedule.nextAt == nil)
    }

    @Test func catchUp_afterDowntime_raisesMissedOnce_skippingRecorded() {
        let due = item(pair: 1, date: "2026-11-24")
        let recorded: Set<String> = [Transition(kind: .due, item: due, at: due.dueAt).key]
        let schedules = [
            DueSchedule.setting(due, over: nil, isRaised: recorded.contains)!,
            fresh(item(pair: 2, date: "2026-11-24")),
        ]
        let (missed, after) = DueScheduler.fire(schedules, now: utc("2026-11-30T12:00:00Z"))
        #expect(missed.count == 3)  // pair 1 overdue; pair 2 due and overdue
        #expect(missed.filter { $0.item.pair == 1 }.map(\.kind) == [.overdue])
        #expect(after.allSatisfy { $0.nextAt == nil })
        #expect(DueScheduler.fire(after, now: utc("2026-11-30T12:00:00Z")).transitions.isEmpty)
    }

    @Test func setting_theSameItemKeepsItsMarks_aNewOneReplacesTheOldItemsTransitions() {
        var schedule = fresh(item(pair: 1, date: "2026-11-24"))
        _ = schedule.fire(now: utc("2026-11-24T12:00:00Z"))
        // The same item again (a recompute): nothing is raised twice, whatever the record says.
        let same = DueSchedule.setting(schedule.item, over: schedule, isRaised: { _ in false })
        #expect(same == schedule)
        // A moved item: the old one's transitions are gone, the new one's come at its own time.
        var moved = DueSchedule.setting(item(pair: 1, date: "2026-12-01"), over: schedule, isRaised: { _ in false })!
        #expect(moved.fire(now: utc("2026-11-25T00:00:00Z")).isEmpty)
        #expect(moved.nextAt == calendar.dayStartInstant(day("2026-12-01")))
        #expect(DueSchedule.setting(nil, over: moved, isRaised: { _ in false }) == nil)
    }

    @Test func catchUp_meansDowntime_notABackDatedChange() {
        let started = utc("2026-11-26T00:00:00Z")
        var scheduler = DueScheduler(startedAt: started)
        let missed = Transition(kind: .due, item: item(pair: 1, date: "2026-11-24"), at: utc("2026-11-24T08:30:00Z"))
        let backDated = Transition(
            kind: .due, item: item(pair: 2, date: "2026-11-24"), at: utc("2026-11-24T08:30:00Z"))
        let later = Transition(kind: .due, item: item(pair: 3, date: "2026-11-27"), at: utc("2026-11-27T08:30:00Z"))
        // Pair 2's item was set by a change while running (a back-dated booking), pair 1's was not.
        scheduler.update([2: backDated.at])
        #expect(scheduler.isCatchUp(missed))
        #expect(!scheduler.isCatchUp(backDated))
        #expect(!scheduler.isCatchUp(later))
        // A peer session or supervision due: missed only if it fell, and its pair or group existed,
        // before this run began; a pair created while running in a period already begun was not.
        let before = utc("2026-11-01T00:00:00Z")
        #expect(scheduler.isCatchUp(at: utc("2026-11-25T00:00:00Z"), since: before))
        #expect(!scheduler.isCatchUp(at: started, since: before))
        #expect(!scheduler.isCatchUp(at: utc("2026-11-02T00:00:00Z"), since: utc("2026-11-27T10:00:00Z")))
    }

    @Test func aChangeItCannotTime_wakesItNow_andAFailureRetriesLater() {
        var scheduler = DueScheduler(startedAt: utc("2026-11-20T00:00:00Z"), nextWake: utc("2026-12-01T00:00:00Z"))
        scheduler.wake(at: utc("2026-11-21T00:00:00Z"))
        #expect(scheduler.isDue(at: utc("2026-11-21T00:00:00Z")))
        scheduler.reschedule(nil)
        #expect(!scheduler.isDue(at: utc("2027-01-01T00:00:00Z")))
        scheduler.load(nextWake: utc("2026-11-22T00:00:00Z"))
        #expect(scheduler.nextWake == utc("2026-11-22T00:00:00Z"))
    }
}
