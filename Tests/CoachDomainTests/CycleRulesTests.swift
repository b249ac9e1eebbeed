import CoachDomain
import Foundation
import Testing

@Suite("Drop-in rules")
struct DropInRulesTests {
    let calendar = englishCalendar()
    let policy = CyclePolicy()

    func check(_ start: String, minutes: Int = 15, others: [DropIn] = []) throws(DomainError) {
        try CycleRules.checkDropIn(
            start: calendar.parseInstant(start)!, minutes: minutes, calendar: calendar, policy: policy,
            coachDropIns: others)
    }

    func error(_ body: () throws(DomainError) -> Void) -> DomainError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func dropIn_onSchoolDayInHours_isAccepted() throws {
        try check("2026-11-23T10:00")
        try check("2026-11-23T08:30")
        try check("2026-11-23T15:15")
    }

    @Test(arguments: [0, 16, -1, 60])
    func dropIn_outsideOneToFifteenMinutes_isRefused(_ minutes: Int) {
        let refused = error { () throws(DomainError) in try check("2026-11-23T10:00", minutes: minutes) }
        #expect(refused?.kind == .invalidValue)
        #expect(refused?.field == "minutes")
    }

    @Test func dropIn_onSaturday_isNotASchoolDay() {
        let refused = error { () throws(DomainError) in try check("2026-11-21T10:00") }
        #expect(refused?.kind == .notASchoolDay)
        #expect(refused?.field == "start")
        #expect(refused?.hint?.contains("2026-11-23") == true)
    }

    @Test func dropIn_onHalfTermDay_isNotASchoolDay() {
        #expect(error { () throws(DomainError) in try check("2027-02-16T10:00") }?.kind == .notASchoolDay)
    }

    @Test(arguments: ["2026-11-23T08:29", "2026-11-23T15:16", "2026-11-23T18:00", "2026-11-23T07:00"])
    func dropIn_outsideSchoolHours_isRefused(_ start: String) {
        #expect(error { () throws(DomainError) in try check(start) }?.kind == .outsideSchoolHours)
    }

    @Test func dropIn_overlappingTheCoachsOther_isConflict() {
        let other = DropIn(
            id: 9, pair: 2, coach: 1, cycle: nil, start: calendar.parseInstant("2026-11-23T10:00")!, minutes: 15,
            completedAt: nil, notes: nil)
        #expect(error { () throws(DomainError) in try check("2026-11-23T10:10", others: [other]) }?.kind == .conflict)
        #expect(error { () throws(DomainError) in try check("2026-11-23T09:50", others: [other]) }?.kind == .conflict)
        #expect(error { () throws(DomainError) in try check("2026-11-23T10:15", others: [other]) } == nil)
        #expect(error { () throws(DomainError) in try check("2026-11-23T09:45", others: [other]) } == nil)
    }

    @Test func maxMinutes_isConfigurable() {
        var short = CyclePolicy()
        short.maxDropInMinutes = 10
        let refused = error { () throws(DomainError) in
            try CycleRules.checkDropIn(
                start: calendar.parseInstant("2026-11-23T10:00")!, minutes: 12, calendar: calendar, policy: short,
                coachDropIns: [])
        }
        #expect(refused?.field == "minutes")
    }
}

@Suite("Cycle state rules")
struct CycleStateTests {
    let calendar = englishCalendar()
    let pair = Pair(id: 1, school: 1, teacher: 10, coach: 20, active: true, createdAt: utc("2026-11-23T09:00:00Z"))
    let focus = Cycle(id: 1, pair: 1, focus: "questioning", startedAt: utc("2026-11-23T09:00:00Z"))

    func dropIn(completed: Bool) -> DropIn {
        DropIn(
            id: 5, pair: 1, coach: 20, cycle: 1, start: utc("2026-11-23T10:00:00Z"), minutes: 15,
            completedAt: completed ? utc("2026-11-23T10:15:00Z") : nil, notes: nil)
    }

    @Test func schedule_withoutFocus_isInvalidState() {
        let state = PairState(
            pair: pair, focus: nil, lastDropIn: nil, lastDropInFollowedUp: false, lastFollowUpAt: nil,
            activeAdaptation: nil)
        #expect(throws: DomainError.self) { try CycleRules.checkCanSchedule(state) }
    }

    @Test func schedule_whileOneIsOpen_isInvalidState() {
        let state = PairState(
            pair: pair, focus: focus, lastDropIn: dropIn(completed: false), lastDropInFollowedUp: false,
            lastFollowUpAt: nil, activeAdaptation: nil)
        #expect(throws: DomainError.self) { try CycleRules.checkCanSchedule(state) }
    }

    @Test func schedule_afterFollowedUpDropIn_isAllowed() throws {
        let state = PairState(
            pair: pair, focus: focus, lastDropIn: dropIn(completed: true), lastDropInFollowedUp: true,
            lastFollowUpAt: utc("2026-11-23T12:00:00Z"), activeAdaptation: nil)
        try CycleRules.checkCanSchedule(state)
    }

    @Test func complete_beforeItStarts_isRefused() {
        #expect(throws: DomainError.self) {
            try CycleRules.checkCanComplete(
                dropIn(completed: false), now: utc("2026-11-23T09:59:00Z"), calendar: calendar)
        }
    }

    @Test func complete_twice_isConflict() {
        do {
            try CycleRules.checkCanComplete(
                dropIn(completed: true), now: utc("2026-11-23T11:00:00Z"), calendar: calendar)
            Issue.record("completed twice")
        } catch {
            #expect(error.kind == .conflict)
        }
    }

    @Test func followUp_needsTheDropInDone() {
        do {
            try CycleRules.checkCanFollowUp(dropIn(completed: false), existing: nil)
            Issue.record("follow-up accepted without its drop-in")
        } catch {
            #expect(error.kind == .invalidState)
        }
    }

    @Test func secondAdaptation_withoutClosing_isAlreadyActive() {
        let active = Adaptation(
            id: 3, pair: 1, text: "wait time", setAt: utc("2026-11-23T12:00:00Z"), setOn: day("2026-11-23"),
            schoolDays: 5, practiseUntil: day("2026-11-30"))
        do {
            try CycleRules.checkCanSetAdaptation(active: active, closePrevious: nil)
            Issue.record("two active adaptations")
        } catch {
            #expect(error.kind == .adaptationAlreadyActive)
            #expect(error.field == "closePrevious")
        }
        #expect(throws: Never.self) { try CycleRules.checkCanSetAdaptation(active: active, closePrevious: .embedded) }
    }

    @Test func practiseWindow_pausesOverHalfTerm() throws {
        let until = try CycleRules.practiseUntil(
            setOn: day("2027-02-10"), schoolDays: 5, calendar: calendar, policy: CyclePolicy())
        // Thu 11, Fri 12, [half-term 15–19], Mon 22, Tue 23, Wed 24.
        #expect(until == day("2027-02-24"))
    }

    @Test func text_blankOrTooLong_isRefused() throws {
        #expect(throws: DomainError.self) { try CycleRules.text("   ", field: "focus") }
        #expect(throws: DomainError.self) {
            try CycleRules.text(String(repeating: "x", count: 501), field: "text", maxLength: 500)
        }
        #expect(try CycleRules.text("  one thing ", field: "text") == "one thing")
    }
}
