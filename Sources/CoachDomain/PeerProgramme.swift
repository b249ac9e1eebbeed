public import Foundation

// The heads' peer programme (issue 14): a second programme on the same engine. Heads of schools in
// different regions are paired; each pair meets once per period (a half-term) for about two hours,
// one head coaching the other for the first half and the roles swapped for the second.

/// A regional group of the trust's schools.
public struct Region: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// One of the programme's periods (a half-term), trust-wide; the periods sharing a `term` make a term.
public struct Period: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String
    public var term: String
    public var range: DateRange

    public init(id: Int64, name: String, term: String, range: DateRange) {
        self.id = id
        self.name = name
        self.term = term
        self.range = range
    }
}

/// Two heads coaching each other.
public struct PeerPair: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var a: Int64
    public var b: Int64
    public var createdAt: Date
    public var active: Bool

    public init(id: Int64, a: Int64, b: Int64, createdAt: Date, active: Bool = true) {
        self.id = id
        self.a = a
        self.b = b
        self.createdAt = createdAt
        self.active = active
    }

    /// Whether the person is one of the two heads.
    public func includes(_ person: Int64) -> Bool { a == person || b == person }

    /// The other head of the pair.
    public func partner(of person: Int64) -> Int64 { person == a ? b : a }
}

/// How a peer session is held.
public enum SessionMode: String, Sendable, Hashable, CaseIterable {
    case inPerson, video, phone
}

/// A peer session: two halves, one head coaching the other in the first and the roles swapped.
public struct PeerSession: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var peer: Int64
    public var start: Date
    public var minutes: Int
    public var mode: SessionMode
    /// The head who coaches in the first half.
    public var firstCoach: Int64
    /// Confidential to the pair's two heads.
    public var notes: String?
    public var completedAt: Date?
    public var cancelledAt: Date?
    /// Why it was cancelled: confidential to the pair's two heads, like the notes.
    public var cancelReason: String?

    public init(
        id: Int64, peer: Int64, start: Date, minutes: Int, mode: SessionMode, firstCoach: Int64, notes: String? = nil,
        completedAt: Date? = nil, cancelledAt: Date? = nil, cancelReason: String? = nil
    ) {
        self.cancelReason = cancelReason
        self.id = id
        self.peer = peer
        self.start = start
        self.minutes = minutes
        self.mode = mode
        self.firstCoach = firstCoach
        self.notes = notes
        self.completedAt = completedAt
        self.cancelledAt = cancelledAt
    }

    public var end: Date { start.addingTimeInterval(Double(minutes) * 60) }
    public var isCompleted: Bool { completedAt != nil }
    public var isCancelled: Bool { cancelledAt != nil }

    /// The two halves: the first coach coaches until the middle, then the other head coaches.
    /// An odd number of minutes gives the first half the extra minute.
    public func halves(of pair: PeerPair) -> [SessionHalf] {
        let firstMinutes = (minutes + 1) / 2
        let middle = start.addingTimeInterval(Double(firstMinutes) * 60)
        let second = pair.partner(of: firstCoach)
        return [
            SessionHalf(start: start, end: middle, coach: firstCoach, learner: second),
            SessionHalf(start: middle, end: end, coach: second, learner: firstCoach),
        ]
    }
}

/// One half of a peer session.
public struct SessionHalf: Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var coach: Int64
    public var learner: Int64

    public init(start: Date, end: Date, coach: Int64, learner: Int64) {
        self.start = start
        self.end = end
        self.coach = coach
        self.learner = learner
    }
}

/// A head as the programme's rules see them: their person, and the region of their school.
public struct PeerCandidate: Sendable, Hashable {
    public var person: Person
    public var region: Int64?

    public init(person: Person, region: Int64?) {
        self.person = person
        self.region = region
    }
}

/// The programme's rules, pure: the service loads, these decide, the service stores.
public enum PeerRules {
    /// Longest name of a region or a period, and of a period's term.
    public static let maxNameCharacters = 200
    /// The longest session, in minutes (a working day).
    public static let maxSessionMinutes = 480
    /// Longest session notes, in characters.
    public static let maxNotesCharacters = 20_000
    /// The longest period, in days (a term and a half).
    public static let maxPeriodDays = 200

    /// Whether `a` and `b` may be paired: two different, active heads, both accredited, of schools
    /// in two different regions. Each refusal names its rule (and the field of the head it is about).
    public static func checkPair(_ a: PeerCandidate, _ b: PeerCandidate) throws(DomainError) {
        guard a.person.id != b.person.id else {
            throw .invalid("a head cannot be paired with themselves: give two different heads", field: "b")
        }
        for (candidate, field) in [(a, "a"), (b, "b")] {
            let name = candidate.person.name
            guard candidate.person.active else {
                throw DomainError(
                    .invalidState, "rule: only active heads are paired; \(name) is deactivated", field: field)
            }
            guard candidate.person.roles.contains(.head) else {
                throw .invalid(
                    "rule: both must be heads; \(name) does not have the head role", field: field,
                    hint: "give them the head role (people.update)")
            }
            guard candidate.person.accreditedOn != nil else {
                throw .invalid(
                    "rule: both must be accredited as coaches; \(name) is not accredited", field: field,
                    hint: "an admin records the date (people.accredit)")
            }
            guard candidate.region != nil else {
                throw .invalid(
                    "rule: both schools must be in a region; \(name)'s school has none", field: field,
                    hint: "an admin puts the school in a region (schools.setRegion)")
            }
        }
        guard a.region != b.region else {
            throw .invalid(
                "rule: the heads must be in schools of different regions; \(a.person.name) and \(b.person.name) "
                    + "are in the same region", field: "b")
        }
    }

    /// A new period's range, refused when it overlaps an existing period (naming it).
    public static func checkPeriod(_ range: DateRange, against existing: [Period]) throws(DomainError) {
        guard range.to.dayNumber - range.from.dayNumber < maxPeriodDays else {
            throw .invalid("rule: a period spans at most \(maxPeriodDays) days", field: "to")
        }
        if let clash = existing.first(where: { $0.range.from <= range.to && range.from <= $0.range.to }) {
            throw DomainError(
                .conflict,
                "rule: periods do not overlap; this one meets \"\(clash.name)\" (\(clash.range.from) to \(clash.range.to))",
                field: "from")
        }
    }

    /// The session's first coach must be one of the pair's two heads.
    public static func checkFirstCoach(_ person: Int64, of pair: PeerPair) throws(DomainError) {
        guard pair.includes(person) else {
            throw .invalid(
                "rule: the first coach must be one of the pair's two heads (\(pair.a) or \(pair.b))",
                field: "firstCoach")
        }
    }

    /// A session's length in minutes, 1 to `maxSessionMinutes`.
    public static func checkMinutes(_ minutes: Int) throws(DomainError) {
        guard minutes >= 1, minutes <= maxSessionMinutes else {
            throw .invalid("minutes must be between 1 and \(maxSessionMinutes)", field: "minutes")
        }
    }

    /// The mode, as the wire spells it.
    public static func mode(_ text: String) throws(DomainError) -> SessionMode {
        guard let mode = SessionMode(rawValue: text) else {
            throw .invalid(
                "\"\(TextRules.printable(text, limit: 32))\" is not a mode", field: "mode",
                hint: "modes: " + SessionMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return mode
    }

    /// Longest reason for cancelling a session, in characters.
    public static let maxReasonCharacters = 500

    /// A session may be cancelled while booked: never once logged as done (its record stands), nor twice.
    public static func checkCanCancel(_ session: PeerSession) throws(DomainError) {
        guard !session.isCompleted else {
            throw DomainError(
                .invalidState, "session \(session.id) is already logged as done and cannot be cancelled",
                field: "session", hint: "a done session stays on the record; book the next one instead")
        }
        guard !session.isCancelled else {
            throw DomainError(.invalidState, "session \(session.id) is already cancelled", field: "session")
        }
    }

    /// The period a date falls in, if any.
    public static func period(containing day: LocalDate, in periods: [Period]) -> Period? {
        periods.first { $0.range.contains(day) }
    }

    /// The period before the one containing `day` (or the latest one that ended before it).
    public static func previousPeriod(before day: LocalDate, in periods: [Period]) -> Period? {
        let current = period(containing: day, in: periods)
        let cutoff = current?.range.from ?? day.adding(days: 1)
        return periods.filter { $0.range.to < cutoff }.max { $0.range.to < $1.range.to }
    }
}

/// A peer pair's session due in one period: due from the period's first day, overdue after its last
/// (midnights in the pair's time zone), done once a session starting in the period is logged.
public struct SessionDue: Sendable, Hashable {
    public var peer: Int64
    public var period: Int64
    public var periodName: String
    public var dueDate: LocalDate
    public var lastDay: LocalDate
    public var dueAt: Date
    public var overdueAt: Date
    public var done: Bool
    /// When the pair was created: a transition before it fell while the pair did not exist, so it
    /// was not missed by a daemon that was down then.
    public var since: Date

    public init(
        peer: Int64, period: Int64, periodName: String, dueDate: LocalDate, lastDay: LocalDate, dueAt: Date,
        overdueAt: Date, done: Bool, since: Date
    ) {
        self.since = since
        self.peer = peer
        self.period = period
        self.periodName = periodName
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
            (kind, kind == .due ? dueAt : overdueAt, "session:\(peer):\(period):\(kind.rawValue)")
        }
    }
}

/// A session due's two transitions.
public enum SessionDueTransition: String, Sendable, Hashable {
    case due, overdue
}

extension PeerRules {
    /// The sessions an active pair owes: one per period that ends on or after the day it was created
    /// (`createdOn`), each done when a logged, uncancelled session starts inside the period (read in
    /// `calendar`, the pair's time zone). An ended pair owes nothing.
    public static func sessionsDue(
        _ pair: PeerPair, createdOn: LocalDate, periods: [Period], sessions: [PeerSession], calendar: SchoolCalendar
    ) -> [SessionDue] {
        guard pair.active else { return [] }
        let midnight = LocalTime(minutes: 0)!
        let doneDays = sessions.filter { $0.isCompleted && !$0.isCancelled && $0.peer == pair.id }.map {
            calendar.localDate(of: $0.start)
        }
        return periods.filter { $0.range.to >= createdOn }.map { period in
            SessionDue(
                peer: pair.id, period: period.id, periodName: period.name, dueDate: period.range.from,
                lastDay: period.range.to, dueAt: calendar.instant(period.range.from, midnight),
                overdueAt: calendar.instant(period.range.to.adding(days: 1), midnight),
                done: doneDays.contains { period.range.contains($0) }, since: pair.createdAt)
        }
    }
}
