public import Foundation

/// The rules of the micro-cycle. Each check either passes or throws a `DomainError` that names the
/// field and says what to do; nothing here stores anything.
public enum CycleRules {
    /// Longest free text accepted (focus, adaptation, notes), in characters.
    public static let maxTextLength = 4000

    /// Checks a free text (focus, notes, adaptation): `TextRules.freeText`. Returns it trimmed.
    public static func text(_ value: String, field: String, maxLength: Int = maxTextLength) throws(DomainError)
        -> String
    {
        try TextRules.freeText(value, field: field, maxCharacters: maxLength)
    }

    /// A drop-in must last 1…max minutes, fall on a school day inside school hours, and not overlap
    /// another drop-in of the same coach. The minutes are checked before anything is computed from
    /// them. A clash with a drop-in the caller may not see (`mayDescribe` false: the coach's booking
    /// with another pair or school) is reported without its id or times.
    public static func checkDropIn(
        start: Date, minutes: Int, calendar: SchoolCalendar, policy: CyclePolicy, coachDropIns: [DropIn],
        mayDescribe: (DropIn) -> Bool = { _ in true }
    ) throws(DomainError) {
        try checkDropInMinutes(minutes, policy: policy)
        let end = start.addingTimeInterval(Double(minutes * 60))
        let day = calendar.localDate(of: start)
        guard calendar.isSchoolDay(day) else {
            let next = calendar.firstSchoolDay(onOrAfter: day)
            throw DomainError(
                .notASchoolDay, "\(day) is not a school day (weekend, holiday or closure)", field: "start",
                hint: "the next school day is \(next)")
        }
        let startSecond = calendar.localSecondOfDay(of: start)
        let endSecond = startSecond + minutes * 60
        guard startSecond >= calendar.dayStart.minutes * 60, endSecond <= calendar.dayEnd.minutes * 60,
            calendar.localDate(of: end) == day
        else {
            throw DomainError(
                .outsideSchoolHours, "a drop-in must fall inside school hours, \(calendar.dayStart)–\(calendar.dayEnd)",
                field: "start",
                hint: "pick a start between \(calendar.dayStart) and \(minutes) minutes before \(calendar.dayEnd)")
        }
        if let clash = coachDropIns.first(where: { $0.overlaps(start: start, end: end) }) {
            guard mayDescribe(clash) else {
                throw DomainError(
                    .conflict, "the coach is not free at that time", field: "start",
                    hint: "choose a time that does not overlap; coachctl due shows the pair's next slot")
            }
            throw DomainError(
                .conflict,
                "the coach already has drop-in \(clash.id) from \(calendar.format(clash.start)) to \(calendar.format(clash.end))",
                field: "start", hint: "choose a time that does not overlap")
        }
    }

    /// A drop-in lasts 1…max minutes: checked before anything is computed from the number.
    public static func checkDropInMinutes(_ minutes: Int, policy: CyclePolicy) throws(DomainError) {
        guard (1...policy.maxDropInMinutes).contains(minutes) else {
            throw .invalid(
                "a drop-in lasts 1 to \(policy.maxDropInMinutes) minutes, not \(minutes)", field: "minutes",
                hint: "drop-ins are short by design; book a shorter visit")
        }
    }

    /// A new drop-in needs an agreed focus, no drop-in still open, and the last one followed up.
    public static func checkCanSchedule(_ state: PairState) throws(DomainError) {
        guard state.pair.active else {
            throw DomainError(.invalidState, "pair \(state.pair.id) is closed", field: "pair")
        }
        guard state.focus != nil else {
            throw DomainError(
                .invalidState, "pair \(state.pair.id) has no agreed focus yet", field: "pair",
                hint: "agree one first: coachctl cycle start --pair \(state.pair.id) --focus TEXT")
        }
        if let last = state.lastDropIn {
            if !last.isCompleted {
                throw DomainError(
                    .invalidState, "drop-in \(last.id) is still booked and not yet done", field: "pair",
                    hint: "log it first: coachctl dropin done \(last.id)")
            }
            if !state.lastDropInFollowedUp {
                throw DomainError(
                    .invalidState, "drop-in \(last.id) has not been followed up", field: "pair",
                    hint: "log the conversation first: coachctl followup done \(last.id)")
            }
        }
    }

    /// A drop-in is completed once, and not before it starts.
    public static func checkCanComplete(_ dropIn: DropIn, now: Date, calendar: SchoolCalendar) throws(DomainError) {
        guard !dropIn.isCancelled else {
            throw DomainError(.invalidState, "drop-in \(dropIn.id) was cancelled", field: "dropin")
        }
        guard !dropIn.isCompleted else {
            throw DomainError(.conflict, "drop-in \(dropIn.id) is already done", field: "dropin")
        }
        guard now >= dropIn.start else {
            throw DomainError(
                .invalidState,
                "drop-in \(dropIn.id) starts at \(calendar.format(dropIn.start)); it cannot be done before then",
                field: "dropin")
        }
    }

    /// A follow-up needs its drop-in done, and there is one per drop-in.
    public static func checkCanFollowUp(_ dropIn: DropIn, existing: FollowUp?) throws(DomainError) {
        guard dropIn.isCompleted else {
            throw DomainError(
                .invalidState, "drop-in \(dropIn.id) is not done yet; a follow-up needs its drop-in", field: "dropin",
                hint: "log the drop-in first: coachctl dropin done \(dropIn.id)")
        }
        if existing != nil {
            throw DomainError(.conflict, "drop-in \(dropIn.id) already has its follow-up", field: "dropin")
        }
    }

    /// One active adaptation per pair: a new one needs the old one closed, in the same call or before.
    public static func checkCanSetAdaptation(active: Adaptation?, closePrevious: Outcome?) throws(DomainError) {
        if let active, closePrevious == nil {
            throw DomainError(
                .adaptationAlreadyActive, "adaptation \(active.id) is still active (until \(active.practiseUntil))",
                field: "closePrevious", hint: "close it with an outcome: --close-previous embedded|continuing|dropped")
        }
    }

    /// The end of the practice window: the N-th school day after the day it was set.
    public static func practiseUntil(
        setOn: LocalDate, schoolDays: Int, calendar: SchoolCalendar, policy: CyclePolicy
    ) throws(DomainError) -> LocalDate {
        guard (1...policy.maxPractiseSchoolDays).contains(schoolDays) else {
            throw .invalid(
                "the practice window is 1 to \(policy.maxPractiseSchoolDays) school days, not \(schoolDays)",
                field: "schoolDays")
        }
        return calendar.schoolDay(schoolDays, after: setOn)
    }
}
