public import Foundation

/// The rules of a school year as it really goes: plans change (cancel, move, log afterwards),
/// people leave, the calendar is corrected. Each rule takes `now` and the facts, and either
/// returns a decision or throws a `DomainError` naming the field; nothing here stores anything.
public enum SchoolYearRules {
    /// Longest reason accepted (cancelling, ending a pair, deactivating), in characters.
    public static let maxReasonLength = 200

    // MARK: Plans change

    /// Only a booked drop-in can be cancelled: a done one is part of the record.
    public static func checkCanCancel(_ dropIn: DropIn) throws(DomainError) {
        switch dropIn.status {
        case .booked: return
        case .done:
            throw DomainError(
                .invalidState, "drop-in \(dropIn.id) is done; a done drop-in cannot be cancelled", field: "dropin")
        case .cancelled:
            throw DomainError(.conflict, "drop-in \(dropIn.id) is already cancelled", field: "dropin")
        }
    }

    /// Only a booked drop-in can be moved.
    public static func checkCanReschedule(_ dropIn: DropIn) throws(DomainError) {
        switch dropIn.status {
        case .booked: return
        case .done:
            throw DomainError(.invalidState, "drop-in \(dropIn.id) is done; it cannot be moved", field: "dropin")
        case .cancelled:
            throw DomainError(
                .invalidState, "drop-in \(dropIn.id) is cancelled; it cannot be moved", field: "dropin",
                hint: "book a new one: coachctl dropin schedule --pair \(dropIn.pair) --at TIME")
        }
    }

    /// Events of a pair are in the order they happened: a drop-in cannot start before the pair's
    /// latest conversation (so a term's history can be logged afterwards, in order).
    public static func checkOrder(start: Date, lastConversationAt: Date?, calendar: SchoolCalendar) throws(DomainError)
    {
        guard let last = lastConversationAt, start < last else { return }
        throw DomainError(
            .invalidState,
            "the pair's latest conversation was at \(calendar.format(last)); a drop-in cannot start before it",
            field: "start", hint: "give a start after \(calendar.format(last))")
    }

    /// A start may be in the past (the record of a visit), but not further ahead than the horizon,
    /// nor, once terms are entered, after the last term.
    public static func checkHorizon(start: Date, now: Date, calendar: SchoolCalendar, policy: CyclePolicy)
        throws(DomainError)
    {
        let day = calendar.localDate(of: start)
        let today = calendar.localDate(of: now)
        let (limitDay, overflow) = today.dayNumber.addingReportingOverflow(policy.startHorizonDays)
        if !overflow, day.dayNumber > limitDay {
            throw DomainError(
                .invalidValue,
                "\(day) is more than \(policy.startHorizonDays) days ahead; drop-ins are booked at most that far ahead",
                field: "start", hint: "check the date; book a date before \(LocalDate(dayNumber: limitDay))")
        }
        if let lastTermDay = calendar.terms.map(\.to).max(), day > lastTermDay {
            throw DomainError(
                .invalidValue, "\(day) is after the last term, which ends \(lastTermDay)", field: "start",
                hint: "check the date, or enter the next term first: coachctl term add")
        }
    }

    /// A visit logged afterwards must have started already.
    public static func checkLogged(start: Date, now: Date, calendar: SchoolCalendar) throws(DomainError) {
        guard start < now else {
            throw DomainError(
                .invalidValue, "\(calendar.format(start)) is not in the past; a logged visit already happened",
                field: "start", hint: "book a future visit instead: coachctl dropin schedule --at TIME")
        }
    }

    /// When a drop-in was done: `at` (default now), not before it starts, not in the future, and
    /// not after the next event of the pair (its follow-up, when one exists).
    public static func completionTime(
        at: Date?, dropIn: DropIn, now: Date, nextEventAt: Date?, calendar: SchoolCalendar
    ) throws(DomainError) -> Date {
        let instant = at ?? now
        if at != nil {
            guard instant <= now else {
                throw DomainError(
                    .invalidValue, "\(calendar.format(instant)) is in the future", field: "at",
                    hint: "give when the visit happened, or leave out at for now")
            }
            guard instant >= dropIn.start else {
                throw DomainError(
                    .invalidValue,
                    "drop-in \(dropIn.id) starts at \(calendar.format(dropIn.start)); it cannot be done before then",
                    field: "at")
            }
        }
        if let next = nextEventAt, instant > next {
            throw DomainError(
                .invalidValue, "the pair's next event was at \(calendar.format(next)); the visit came before it",
                field: "at")
        }
        return instant
    }

    /// When a conversation happened: `at` (default now), not before its drop-in started, not in the future.
    public static func conversationTime(
        at: Date?, dropIn: DropIn, now: Date, calendar: SchoolCalendar
    ) throws(DomainError) -> Date {
        guard let at else { return now }
        guard at <= now else {
            throw DomainError(
                .invalidValue, "\(calendar.format(at)) is in the future", field: "at",
                hint: "give when the conversation happened, or leave out at for now")
        }
        guard at >= dropIn.start else {
            throw DomainError(
                .invalidValue,
                "drop-in \(dropIn.id) started at \(calendar.format(dropIn.start)); its conversation cannot come before it",
                field: "at")
        }
        return at
    }

    /// An adaptation comes out of the conversation: when the pair has a drop-in, its latest one
    /// must be followed up first (a new pair may set one from an earlier conversation).
    public static func checkCanSetAdaptation(_ state: PairState) throws(DomainError) {
        guard let last = state.lastDropIn, !state.lastDropInFollowedUp else { return }
        if last.isCompleted {
            throw DomainError(
                .invalidState,
                "drop-in \(last.id) has not been followed up; an adaptation comes out of that conversation",
                field: "pair", hint: "log the conversation first: coachctl followup done \(last.id)")
        }
        throw DomainError(
            .invalidState, "drop-in \(last.id) is booked and not yet done; an adaptation comes out of its conversation",
            field: "pair", hint: "log the visit first: coachctl dropin done \(last.id)")
    }

    // MARK: People leave

    /// Taking away the coach (or teacher) role is refused while the person is in active pairs in that role.
    public static func checkRoleChange(
        person: Person, newRoles: Set<Role>, activePairs: [Pair]
    ) throws(DomainError) {
        for (role, side) in [(Role.coach, \Pair.coach), (.teacher, \Pair.teacher)]
        where person.roles.contains(role) && !newRoles.contains(role) {
            let held = activePairs.filter { $0[keyPath: side] == person.id && $0.active }.map(\.id).sorted()
            if !held.isEmpty {
                throw DomainError(
                    .invalidState,
                    "\(person.name) is the \(role.rawValue) of active pair\(held.count == 1 ? "" : "s") \(held.map(String.init).joined(separator: ", "))",
                    field: "roles", hint: "end those pairs first: coachctl pair end ID --reason TEXT")
            }
        }
    }

    // MARK: The calendar is corrected

    /// A closure with exactly the dates of an existing one is a duplicate; overlaps are allowed
    /// (a bank holiday inside a holiday is normal).
    public static func duplicate(of range: DateRange, in closures: [Closure]) -> Closure? {
        closures.first { $0.range == range }
    }

    /// The booked drop-ins that the calendar no longer allows: those on a day that is not a school day.
    public static func dropInsToCancel(_ booked: [DropIn], calendar: SchoolCalendar) -> [DropIn] {
        booked.filter { $0.status == .booked && !calendar.isSchoolDay(calendar.localDate(of: $0.start)) }
    }

    /// A due item that moved: its pair, and its date before and after.
    public struct Move: Sendable, Hashable {
        public var pair: Int64
        public var kind: DueKind
        public var from: LocalDate?
        public var to: LocalDate?

        public init(pair: Int64, kind: DueKind, from: LocalDate?, to: LocalDate?) {
            self.pair = pair
            self.kind = kind
            self.from = from
            self.to = to
        }
    }

    /// The items whose due date changed, by pair order (nil: the pair has none).
    public static func moves(before: [Int64: DueItem], after: [Int64: DueItem?]) -> [Move] {
        after.keys.sorted().compactMap { pair in
            let old = before[pair]
            let new = after[pair] ?? nil
            guard old?.dueDate != new?.dueDate, let kind = new?.kind ?? old?.kind else { return nil }
            return Move(pair: pair, kind: kind, from: old?.dueDate, to: new?.dueDate)
        }
    }
}
