public import Foundation

// Issue 14: one supervision meeting per group per term (the periods sharing a `term` name), raised
// due and overdue by the same timer as the peer sessions. Pure: the store loads, this decides.

/// One term of the programme: the periods sharing a `term` name, from the first one's first day
/// to the last one's last day.
public struct ProgrammeTerm: Sendable, Hashable {
    public var name: String
    public var periods: [Period]
    public var firstDay: LocalDate
    public var lastDay: LocalDate

    public init(name: String, periods: [Period], firstDay: LocalDate, lastDay: LocalDate) {
        self.name = name
        self.periods = periods
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    /// Whether a day falls in one of the term's periods (a half-term break between them does not).
    public func contains(_ day: LocalDate) -> Bool { periods.contains { $0.range.contains(day) } }
}

/// A supervision group's meeting due in one term: due from the term's first day, overdue after its
/// last day (midnights in the group's time zone), done once a meeting starting in one of the term's
/// periods is recorded as held.
public struct SupervisionDue: Sendable, Hashable {
    public var group: Int64
    public var groupName: String
    public var term: String
    public var dueDate: LocalDate
    public var lastDay: LocalDate
    public var dueAt: Date
    public var overdueAt: Date
    public var done: Bool
    /// When the group was created: a transition before it fell while the group did not exist, so
    /// it was not missed by a daemon that was down then.
    public var since: Date

    public init(
        group: Int64, groupName: String, term: String, dueDate: LocalDate, lastDay: LocalDate, dueAt: Date,
        overdueAt: Date, done: Bool, since: Date
    ) {
        self.since = since
        self.group = group
        self.groupName = groupName
        self.term = term
        self.dueDate = dueDate
        self.lastDay = lastDay
        self.dueAt = dueAt
        self.overdueAt = overdueAt
        self.done = done
    }

    public func isOverdue(at instant: Date) -> Bool { !done && instant >= overdueAt }

    /// The transitions still to raise (none once done), each with its key in `raised_transition`.
    public var transitions: [(kind: SessionDueTransition, at: Date, key: String)] {
        guard !done else { return [] }
        return [.due, .overdue].map { kind in
            (kind, kind == .due ? dueAt : overdueAt, "supervision:\(group):\(term):\(kind.rawValue)")
        }
    }
}

extension PeerGroupRules {
    /// The programme's terms, soonest first: the periods grouped by their `term` name.
    public static func terms(_ periods: [Period]) -> [ProgrammeTerm] {
        var byName: [String: [Period]] = [:]
        for period in periods { byName[period.term, default: []].append(period) }
        return byName.compactMap { name, periods -> ProgrammeTerm? in
            let sorted = periods.sorted { $0.range.from < $1.range.from }
            guard let first = sorted.first, let last = sorted.max(by: { $0.range.to < $1.range.to }) else {
                return nil
            }
            return ProgrammeTerm(name: name, periods: sorted, firstDay: first.range.from, lastDay: last.range.to)
        }
        .sorted { ($0.firstDay, $0.name) < ($1.firstDay, $1.name) }
    }

    /// The supervision meetings a group owes: one per term whose last day is on or after the day the
    /// group was created (`createdOn`, as the programme report counts them), each done when a held
    /// (completed) meeting of the group starts on a day of one of the term's periods, read in
    /// `calendar` (the group's time zone).
    public static func supervisionDues(
        _ group: SupervisionGroup, createdOn: LocalDate, periods: [Period], meetings: [GroupMeeting],
        calendar: SchoolCalendar
    ) -> [SupervisionDue] {
        let midnight = LocalTime(minutes: 0)!
        let heldDays = meetings.filter { $0.isCompleted && $0.group == group.id }.map {
            calendar.localDate(of: $0.start)
        }
        return terms(periods).filter { $0.lastDay >= createdOn }.map { term in
            SupervisionDue(
                group: group.id, groupName: group.name, term: term.name, dueDate: term.firstDay,
                lastDay: term.lastDay, dueAt: calendar.instant(term.firstDay, midnight),
                overdueAt: calendar.instant(term.lastDay.adding(days: 1), midnight),
                done: heldDays.contains { term.contains($0) }, since: group.createdAt)
        }
    }
}

/// What the due timer needs of one of the peer programme's dues (a pair's session for a period, a
/// group's supervision meeting for a term), so that it raises both kinds in one pass.
public protocol ProgrammeDue: Sendable {
    /// The transitions still to raise, each with its key in `raised_transition`.
    var transitions: [(kind: SessionDueTransition, at: Date, key: String)] { get }
    var dueAt: Date { get }
    var overdueAt: Date { get }
    /// When its pair or group was created.
    var since: Date { get }
}

extension SessionDue: ProgrammeDue {}
extension SupervisionDue: ProgrammeDue {}

extension Sequence where Element: ProgrammeDue {
    /// The transitions fallen by `instant`, by key, with the due each belongs to.
    public func transitions(until instant: Date) -> [String: (Element, SessionDueTransition)] {
        var pending: [String: (Element, SessionDueTransition)] = [:]
        for due in self {
            for transition in due.transitions where transition.at <= instant {
                pending[transition.key] = (due, transition.kind)
            }
        }
        return pending
    }
}
