public import Foundation

/// What a pair owes next.
public enum DueKind: String, Sendable, Hashable {
    case dropIn = "dropin"
    case followUp = "followup"
}

/// Everything the due calculation needs to know about one pair.
public struct PairState: Sendable, Hashable {
    public var pair: Pair
    /// The current focus (the latest cycle's), if one was agreed.
    public var focus: Cycle?
    /// The most recent drop-in, done or not.
    public var lastDropIn: DropIn?
    /// Whether `lastDropIn` has its follow-up.
    public var lastDropInFollowedUp: Bool
    /// When the last follow-up was logged.
    public var lastFollowUpAt: Date?
    /// The active adaptation.
    public var activeAdaptation: Adaptation?
    /// When the latest drop-in booked after `lastDropIn` was cancelled, if any: the next drop-in is
    /// not due before that day (a cancelled booking never leaves the pair overdue in the past).
    public var lastCancelledAt: Date?

    public init(
        pair: Pair, focus: Cycle?, lastDropIn: DropIn?, lastDropInFollowedUp: Bool, lastFollowUpAt: Date?,
        activeAdaptation: Adaptation?, lastCancelledAt: Date? = nil
    ) {
        self.lastCancelledAt = lastCancelledAt
        self.pair = pair
        self.focus = focus
        self.lastDropIn = lastDropIn
        self.lastDropInFollowedUp = lastDropInFollowedUp
        self.lastFollowUpAt = lastFollowUpAt
        self.activeAdaptation = activeAdaptation
    }
}

/// One due item: its school day, when it falls due and when it becomes overdue.
public struct DueItem: Sendable, Hashable {
    public var kind: DueKind
    public var pair: Int64
    public var school: Int64
    /// The booked drop-in, or the drop-in a follow-up follows.
    public var dropIn: Int64?
    public var dueDate: LocalDate
    public var dueAt: Date
    public var overdueAt: Date

    public init(
        kind: DueKind, pair: Int64, school: Int64, dropIn: Int64?, dueDate: LocalDate, dueAt: Date, overdueAt: Date
    ) {
        self.kind = kind
        self.pair = pair
        self.school = school
        self.dropIn = dropIn
        self.dueDate = dueDate
        self.dueAt = dueAt
        self.overdueAt = overdueAt
    }

    /// A stable identity: the same item keeps it; a changed item (new date, new drop-in) gets a new one.
    public var key: String { "\(pair)/\(kind.rawValue)/\(dropIn ?? 0)/\(dueDate)" }

    public func isOverdue(at now: Date) -> Bool { now >= overdueAt }
}

/// Works out each pair's one next due item.
public enum DueCalculator {
    /// The pair's next due item; nil only for a closed pair.
    ///
    /// - A booked drop-in not yet done is due at its start.
    /// - A done drop-in without its follow-up: the follow-up is due within `followUpSchoolDays`.
    /// - Otherwise the next drop-in: on the active adaptation's `practiseUntil`; without one, a
    ///   default practice window after the last follow-up; for a new pair, its first school day.
    public static func next(for state: PairState, calendar: SchoolCalendar, policy: CyclePolicy) -> DueItem? {
        let pair = state.pair
        guard pair.active else { return nil }
        func item(_ kind: DueKind, dropIn: Int64?, date: LocalDate, at: Date? = nil) -> DueItem {
            let overdueDay = calendar.schoolDay(policy.graceSchoolDays, after: date)
            return DueItem(
                kind: kind, pair: pair.id, school: pair.school, dropIn: dropIn, dueDate: date,
                dueAt: at ?? calendar.dayStartInstant(date),
                overdueAt: max(
                    at ?? .distantPast, calendar.dayEndInstant(policy.graceSchoolDays == 0 ? date : overdueDay)))
        }
        if let last = state.lastDropIn {
            if !last.isCompleted {
                return item(.dropIn, dropIn: last.id, date: calendar.localDate(of: last.start), at: last.start)
            }
            if !state.lastDropInFollowedUp {
                let date = calendar.schoolDay(policy.followUpSchoolDays, after: calendar.localDate(of: last.start))
                return item(.followUp, dropIn: last.id, date: date)
            }
        }
        // A cancelled booking puts the drop-in back on the date it had, or on the first school day
        // from the cancellation when that date had passed.
        func dropInDue(_ date: LocalDate) -> DueItem {
            guard let cancelled = state.lastCancelledAt else { return item(.dropIn, dropIn: nil, date: date) }
            return item(
                .dropIn, dropIn: nil,
                date: max(date, calendar.firstSchoolDay(onOrAfter: calendar.localDate(of: cancelled))))
        }
        if let adaptation = state.activeAdaptation {
            return dropInDue(calendar.firstSchoolDay(onOrAfter: adaptation.practiseUntil))
        }
        if let followed = state.lastFollowUpAt {
            return dropInDue(calendar.schoolDay(policy.practiseSchoolDays, after: calendar.localDate(of: followed)))
        }
        return dropInDue(calendar.firstSchoolDay(onOrAfter: calendar.localDate(of: pair.createdAt)))
    }
}
