public import Foundation

/// One thing that happened, as a live event: ids, a kind and a time, never text (issue 12).
/// Recorded in the same transaction as the change it tells of, numbered by `seq`.
public struct LiveEvent: Sendable, Hashable {
    /// What happened. The raw values are the wire's `kind`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case due, overdue
        case dropInBooked = "dropin.booked"
        case dropInCancelled = "dropin.cancelled"
        case dropInMoved = "dropin.moved"
        case dropInDone = "dropin.done"
        case followUpDone = "followup.done"
        case adaptationSet = "adaptation.set"
        case adaptationClosed = "adaptation.closed"
        case pairCreated = "pair.created"
        case pairEnded = "pair.ended"
        case calendarChanged = "calendar.changed"
        // Issue 14 (API level 13): a peer session booked, logged as done or cancelled; `peer` and
        // `session` are set, `teacher` and `coach` hold the pair's heads a and b.
        case sessionBooked = "session.booked"
        case sessionDone = "session.done"
        case sessionCancelled = "session.cancelled"

        /// The live event a recorded change (its history kind) gives, if any: changes about
        /// people, schools and cycles are not live events.
        public init?(history kind: String) {
            switch kind {
            case "dropin.scheduled": self = .dropInBooked
            case "dropin.cancelled": self = .dropInCancelled
            case "dropin.moved": self = .dropInMoved
            case "dropin.completed", "dropin.logged": self = .dropInDone
            case "followup.completed": self = .followUpDone
            case "adaptation.set": self = .adaptationSet
            case "adaptation.closed": self = .adaptationClosed
            case "pair.created": self = .pairCreated
            case "pair.ended": self = .pairEnded
            case "calendar.closure_added", "calendar.closure_removed", "calendar.term_added", "calendar.term_removed":
                self = .calendarChanged
            default: return nil
            }
        }
    }

    /// The sequence number (0 until recorded).
    public var seq: Int64
    public var at: Date
    public var kind: Kind
    public var school: Int64
    /// The pair it is about; nil for a school-wide event (`calendar.changed`).
    public var pair: Int64?
    public var teacher: Int64?
    public var coach: Int64?
    public var dropIn: Int64?
    /// For `due`/`overdue`: what is due.
    public var due: DueKind?
    /// For a peer session's event: its peer pair and the session (then `teacher`/`coach` are the
    /// pair's heads a and b, and `school` head a's school).
    public var peer: Int64?
    public var session: Int64?

    public init(
        seq: Int64 = 0, at: Date, kind: Kind, school: Int64, pair: Int64? = nil, teacher: Int64? = nil,
        coach: Int64? = nil, dropIn: Int64? = nil, due: DueKind? = nil, peer: Int64? = nil, session: Int64? = nil
    ) {
        self.peer = peer
        self.session = session
        self.seq = seq
        self.at = at
        self.kind = kind
        self.school = school
        self.pair = pair
        self.teacher = teacher
        self.coach = coach
        self.dropIn = dropIn
        self.due = due
    }
}

/// Who receives which events: decided once per subscriber, from who they are when they subscribe.
/// The rule is `pairs.show`'s: admins see every pair, a school's lead the school's pairs, anyone
/// else the pairs they are in. A school-wide event (the calendar) goes to admins and to the school's
/// people. Subscribers with equal audiences receive exactly the same events.
public struct EventAudience: Sendable, Hashable {
    public var isAdmin: Bool
    /// The subscriber's person, and its school.
    public var person: Int64?
    public var school: Int64?
    /// Whether that person leads their school.
    public var leads: Bool
    /// Only events of this school (`events.subscribe`'s `school`).
    public var only: Int64?
    /// Whether the subscriber oversees the peer programme (a trust lead): they receive every peer
    /// session's event (ids and names, never notes).
    public var overseesPeers: Bool

    public init(
        isAdmin: Bool, person: Int64?, school: Int64?, leads: Bool, only: Int64? = nil, overseesPeers: Bool = false
    ) {
        self.overseesPeers = overseesPeers
        self.isAdmin = isAdmin
        self.person = person
        self.school = school
        self.leads = leads
        self.only = only
    }

    /// Whether this audience receives `event`.
    public func sees(_ event: LiveEvent) -> Bool {
        if event.peer != nil {
            // A peer session's event: its two heads (whatever `only` says: the session is theirs
            // though it is in head a's school), trust leads and admins; never a school's lead.
            let isHead = person != nil && (event.teacher == person || event.coach == person)
            if isHead { return true }
            if let only, event.school != only { return false }
            return isAdmin || (overseesPeers && person != nil)
        }
        if let only, event.school != only { return false }
        if isAdmin { return true }
        guard let person else { return false }
        guard event.pair != nil else { return school == event.school }
        if leads && school == event.school { return true }
        return event.teacher == person || event.coach == person
    }
}

/// How long events are kept, and what a `since` may ask for.
public struct EventRetention: Sendable, Hashable {
    public var days: Int

    public init(days: Int) { self.days = days }

    /// Events that happened before this are pruned.
    public func cutoff(now: Date) -> Date { now.addingTimeInterval(-Double(days) * 86_400) }

    /// Why a reconnecting client's `since` cannot be served, or nil when it can: every event after
    /// `since` must still be kept (none of them pruned), and `since` must not be ahead of the newest.
    /// - Parameters:
    ///   - prunedThrough: the highest seq pruned so far (0: none).
    ///   - newest: the highest seq recorded so far (0: none).
    public func refusal(since: Int64, prunedThrough: Int64, newest: Int64) -> DomainError? {
        if since < 0 {
            return .invalid("since must be 0 or more (it is \(since))", field: "since")
        }
        if since > newest {
            return .invalid(
                "since \(since) is ahead of the newest event (\(newest)): the daemon's record is not the one you watched",
                field: "since", hint: "subscribe without since and read the current state again")
        }
        if since < prunedThrough {
            return .invalid(
                "since \(since) is older than the retention window: events up to \(prunedThrough) are no longer kept (events are kept \(days) days)",
                field: "since",
                hint: "subscribe without since and read the current state again (coachctl due, coachctl status)")
        }
        return nil
    }
}
