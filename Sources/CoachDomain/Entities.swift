public import Foundation

/// A person's role. A person may hold several.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    case teacher, coach, lead, head
    /// The trust lead (issue 14): the CEO or their delegate, who sees the peer programme's cadence
    /// across the trust and the themes shared with consent, never a session's notes.
    case trustlead
}

/// How an adaptation ended.
public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
    case embedded, continuing, dropped
}

/// A school and its day.
public struct School: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String
    public var timeZone: String
    public var dayStart: LocalTime
    public var dayEnd: LocalTime
    /// The trust's regional group the school is in (issue 14); nil when none is set.
    public var region: Int64?

    public init(
        id: Int64, name: String, timeZone: String, dayStart: LocalTime, dayEnd: LocalTime, region: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.dayStart = dayStart
        self.dayEnd = dayEnd
        self.region = region
    }
}

/// A closed span: half-term, INSET day, bank holiday.
public struct Closure: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var school: Int64
    public var range: DateRange
    public var reason: String
    /// The feed event it was imported from (issue 13); nil when typed in.
    public var source: CalendarSource?

    public init(id: Int64, school: Int64, range: DateRange, reason: String, source: CalendarSource? = nil) {
        self.id = id
        self.school = school
        self.range = range
        self.reason = reason
        self.source = source
    }
}

/// A term: once a school has terms, they bound its school year.
public struct Term: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var school: Int64
    public var name: String
    public var range: DateRange
    /// The feed event it was imported from (issue 13); nil when typed in.
    public var source: CalendarSource?

    public init(id: Int64, school: Int64, name: String, range: DateRange, source: CalendarSource? = nil) {
        self.id = id
        self.school = school
        self.name = name
        self.range = range
        self.source = source
    }
}

/// Someone who connects as a Unix user.
public struct Person: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var name: String
    public var school: Int64
    public var roles: Set<Role>
    public var uid: Int64?
    public var login: String?
    /// False once deactivated: they read their own history but act on nothing.
    public var active: Bool
    /// Why they were deactivated (shown to leads and admins, never journalled).
    public var deactivateReason: String?
    /// When the person was accredited as a coach (issue 14: heads must be, to be paired).
    public var accreditedOn: LocalDate?

    public init(
        id: Int64, name: String, school: Int64, roles: Set<Role>, uid: Int64?, login: String?, active: Bool = true,
        deactivateReason: String? = nil, accreditedOn: LocalDate? = nil
    ) {
        self.accreditedOn = accreditedOn
        self.id = id
        self.name = name
        self.school = school
        self.roles = roles
        self.uid = uid
        self.login = login
        self.active = active
        self.deactivateReason = deactivateReason
    }
}

/// A teacher–coach pair, in the teacher's school.
public struct Pair: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var school: Int64
    public var teacher: Int64
    public var coach: Int64
    public var active: Bool
    public var createdAt: Date
    /// When the pair was ended, and why.
    public var endedAt: Date?
    public var endReason: String?

    public init(
        id: Int64, school: Int64, teacher: Int64, coach: Int64, active: Bool, createdAt: Date, endedAt: Date? = nil,
        endReason: String? = nil
    ) {
        self.id = id
        self.school = school
        self.teacher = teacher
        self.coach = coach
        self.active = active
        self.createdAt = createdAt
        self.endedAt = endedAt
        self.endReason = endReason
    }

    /// Whether the person is one of the pair's two people.
    public func includes(_ person: Int64) -> Bool { teacher == person || coach == person }
}

/// A focus agreed between teacher and coach; it carries over until a new cycle starts.
public struct Cycle: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var pair: Int64
    public var focus: String
    public var startedAt: Date

    public init(id: Int64, pair: Int64, focus: String, startedAt: Date) {
        self.id = id
        self.pair = pair
        self.focus = focus
        self.startedAt = startedAt
    }
}

/// A classroom drop-in of at most 15 minutes.
public struct DropIn: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var pair: Int64
    public var coach: Int64
    public var cycle: Int64?
    public var start: Date
    public var minutes: Int
    public var completedAt: Date?
    public var notes: String?
    /// When it was called off, and why; a cancelled drop-in stays in the record.
    public var cancelledAt: Date?
    public var cancelReason: String?

    public init(
        id: Int64, pair: Int64, coach: Int64, cycle: Int64?, start: Date, minutes: Int, completedAt: Date?,
        notes: String?, cancelledAt: Date? = nil, cancelReason: String? = nil
    ) {
        self.id = id
        self.pair = pair
        self.coach = coach
        self.cycle = cycle
        self.start = start
        self.minutes = minutes
        self.completedAt = completedAt
        self.notes = notes
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
    }

    public var end: Date { start.addingTimeInterval(Double(minutes * 60)) }
    public var isCompleted: Bool { completedAt != nil }
    public var isCancelled: Bool { cancelledAt != nil }

    /// Booked, done or cancelled.
    public var status: DropInStatus {
        if isCancelled { return .cancelled }
        return isCompleted ? .done : .booked
    }

    /// Whether two half-open intervals [start, end) meet.
    public func overlaps(start otherStart: Date, end otherEnd: Date) -> Bool {
        start < otherEnd && otherStart < end
    }
}

/// Where a drop-in stands.
public enum DropInStatus: String, Sendable, Hashable, CaseIterable {
    case booked, done, cancelled
}

/// The coaching conversation after a drop-in.
public struct FollowUp: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var dropIn: Int64
    public var pair: Int64
    public var completedAt: Date
    public var notes: String?

    public init(id: Int64, dropIn: Int64, pair: Int64, completedAt: Date, notes: String?) {
        self.id = id
        self.dropIn = dropIn
        self.pair = pair
        self.completedAt = completedAt
        self.notes = notes
    }
}

/// The teacher's one small adaptation and its practice window.
public struct Adaptation: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var pair: Int64
    public var text: String
    public var setAt: Date
    public var setOn: LocalDate
    public var schoolDays: Int
    public var practiseUntil: LocalDate
    public var closedAt: Date?
    public var closedOn: LocalDate?
    public var outcome: Outcome?

    public init(
        id: Int64, pair: Int64, text: String, setAt: Date, setOn: LocalDate, schoolDays: Int,
        practiseUntil: LocalDate, closedAt: Date? = nil, closedOn: LocalDate? = nil, outcome: Outcome? = nil
    ) {
        self.id = id
        self.pair = pair
        self.text = text
        self.setAt = setAt
        self.setOn = setOn
        self.schoolDays = schoolDays
        self.practiseUntil = practiseUntil
        self.closedAt = closedAt
        self.closedOn = closedOn
        self.outcome = outcome
    }

    public var isActive: Bool { outcome == nil }
}

/// One line of the append-only record: who did what, when. Kinds and ids only, never text.
public struct HistoryEvent: Sendable, Hashable {
    public var at: Date
    public var actorUid: Int64
    public var actor: Int64?
    public var school: Int64?
    public var pair: Int64?
    public var kind: String
    public var subject: Int64?

    public init(at: Date, actorUid: Int64, actor: Int64?, school: Int64?, pair: Int64?, kind: String, subject: Int64?) {
        self.at = at
        self.actorUid = actorUid
        self.actor = actor
        self.school = school
        self.pair = pair
        self.kind = kind
        self.subject = subject
    }
}
