// Result shapes shared by several methods. Instants are RFC 3339 strings with the school's
// offset; dates are YYYY-MM-DD. Confidential members (notes, focus and adaptation text) are
// present only for the pair's two people.

/// A school and its day.
public struct SchoolInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var name: String
    public var timeZone: String
    public var dayStart: String
    public var dayEnd: String
    /// The school's region (API level 9; absent when none is set, and from older daemons).
    public var region: Int64?

    public init(id: Int64, name: String, timeZone: String, dayStart: String, dayEnd: String, region: Int64? = nil) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.dayStart = dayStart
        self.dayEnd = dayEnd
        self.region = region
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "school id"),
        RPCField("name", .string(), "school name"),
        RPCField("timeZone", .string(format: "IANA time zone"), "the school's time zone"),
        RPCField("dayStart", .string(format: "HH:MM"), "school day start, local time"),
        RPCField("dayEnd", .string(format: "HH:MM"), "school day end, local time"),
        RPCField("region", .integer, required: false, "the school's region (level 9)"),
    ])
}

/// A person known to the daemon.
public struct PersonInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var name: String
    public var school: Int64
    public var roles: [String]
    public var uid: Int64?
    public var login: String?
    /// False once deactivated (API level 3; absent from older daemons).
    public var active: Bool?
    /// When the person was accredited as a coach (API level 9; absent when not accredited).
    public var accreditedOn: String?

    public init(
        id: Int64, name: String, school: Int64, roles: [String], uid: Int64?, login: String?, active: Bool? = nil,
        accreditedOn: String? = nil
    ) {
        self.accreditedOn = accreditedOn
        self.id = id
        self.name = name
        self.school = school
        self.roles = roles
        self.uid = uid
        self.login = login
        self.active = active
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "person id"),
        RPCField("name", .string(), "display name"),
        RPCField("school", .integer, "school id"),
        RPCField("roles", .array(.oneOf(RoleName.all)), "roles held"),
        RPCField("uid", .integer, required: false, "Unix uid the person connects as"),
        RPCField("login", .string(), required: false, "Unix login name, when given instead of a uid"),
        RPCField("active", .boolean, required: false, "false once deactivated (level 3)"),
        RPCField("accreditedOn", .string(format: "date"), required: false, "when accredited as a coach (level 9)"),
    ])
}

/// Role names on the wire.
public enum RoleName {
    public static let all = ["teacher", "coach", "lead", "head", "trustlead"]
}

/// Adaptation outcomes on the wire.
public enum OutcomeName {
    public static let all = ["embedded", "continuing", "dropped"]
}

/// A teacher's one small adaptation.
public struct AdaptationInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var pair: Int64
    /// The adaptation's words: only for the pair's two people.
    public var text: String?
    public var setOn: String
    public var schoolDays: Int
    public var practiseUntil: String
    public var active: Bool
    public var closedOn: String?
    public var outcome: String?

    public init(
        id: Int64, pair: Int64, text: String?, setOn: String, schoolDays: Int, practiseUntil: String, active: Bool,
        closedOn: String?, outcome: String?
    ) {
        self.id = id
        self.pair = pair
        self.text = text
        self.setOn = setOn
        self.schoolDays = schoolDays
        self.practiseUntil = practiseUntil
        self.active = active
        self.closedOn = closedOn
        self.outcome = outcome
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "adaptation id"),
        RPCField("pair", .integer, "pair id"),
        RPCField("text", .string(), required: false, "the adaptation (pair members only)"),
        RPCField("setOn", .string(format: "date"), "the school-local date it was set"),
        RPCField("schoolDays", .integer, "length of the practice window in school days"),
        RPCField("practiseUntil", .string(format: "date"), "end of the practice window; the next drop-in is due then"),
        RPCField("active", .boolean, "true until closed with an outcome"),
        RPCField("closedOn", .string(format: "date"), required: false, "when it was closed"),
        RPCField("outcome", .oneOf(OutcomeName.all), required: false, "how it ended"),
    ])
}

/// A completed follow-up conversation.
public struct FollowUpInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var dropin: Int64
    public var completedAt: String
    /// Conversation notes: only for the pair's two people.
    public var notes: String?

    public init(id: Int64, dropin: Int64, completedAt: String, notes: String?) {
        self.id = id
        self.dropin = dropin
        self.completedAt = completedAt
        self.notes = notes
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "follow-up id"),
        RPCField("dropin", .integer, "the drop-in it follows"),
        RPCField("completedAt", .string(format: "date-time"), "when it was logged"),
        RPCField("notes", .string(), required: false, "notes (pair members only)"),
    ])
}

/// A classroom drop-in of at most 15 minutes.
public struct DropInInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var pair: Int64
    public var coach: Int64
    public var cycle: Int64?
    public var start: String
    public var end: String
    public var minutes: Int
    public var completedAt: String?
    /// Drop-in notes: only for the pair's two people.
    public var notes: String?
    public var followUp: FollowUpInfo?
    /// `booked`, `done` or `cancelled` (API level 3).
    public var status: String?
    /// When and why it was cancelled (level 3).
    public var cancelledAt: String?
    public var cancelReason: String?
    /// Earlier starts of a moved drop-in, oldest first (level 3).
    public var movedFrom: [String]?

    public init(
        id: Int64, pair: Int64, coach: Int64, cycle: Int64?, start: String, end: String, minutes: Int,
        completedAt: String?, notes: String?, followUp: FollowUpInfo?, status: String? = nil,
        cancelledAt: String? = nil, cancelReason: String? = nil, movedFrom: [String]? = nil
    ) {
        self.status = status
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.movedFrom = movedFrom
        self.id = id
        self.pair = pair
        self.coach = coach
        self.cycle = cycle
        self.start = start
        self.end = end
        self.minutes = minutes
        self.completedAt = completedAt
        self.notes = notes
        self.followUp = followUp
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "drop-in id"),
        RPCField("pair", .integer, "pair id"),
        RPCField("coach", .integer, "the coach's person id"),
        RPCField("cycle", .integer, required: false, "the cycle (focus) it belongs to"),
        RPCField("start", .string(format: "date-time"), "start, with the school's offset"),
        RPCField("end", .string(format: "date-time"), "end, with the school's offset"),
        RPCField("minutes", .integer, "length, 1–15"),
        RPCField("completedAt", .string(format: "date-time"), required: false, "when it was logged as done"),
        RPCField("notes", .string(), required: false, "notes (pair members only)"),
        RPCField("followUp", FollowUpInfo.schema, required: false, "the follow-up, once done"),
        RPCField("status", .oneOf(DropInStatusName.all), required: false, "booked, done or cancelled (level 3)"),
        RPCField("cancelledAt", .string(format: "date-time"), required: false, "when it was cancelled (level 3)"),
        RPCField("cancelReason", .string(), required: false, "why it was cancelled (level 3)"),
        RPCField(
            "movedFrom", .array(.string(format: "date-time")), required: false,
            "earlier starts of a moved drop-in, oldest first (level 3)"),
    ])
}

/// A cycle: a focus agreed between teacher and coach.
public struct CycleInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var pair: Int64
    /// The focus text: only for the pair's two people.
    public var focus: String?
    public var startedAt: String

    public init(id: Int64, pair: Int64, focus: String?, startedAt: String) {
        self.id = id
        self.pair = pair
        self.focus = focus
        self.startedAt = startedAt
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "cycle id"),
        RPCField("pair", .integer, "pair id"),
        RPCField("focus", .string(), required: false, "the agreed focus (pair members only)"),
        RPCField("startedAt", .string(format: "date-time"), "when it was agreed"),
    ])
}

/// The next thing due for a pair.
public struct DueItemInfo: Codable, Sendable, Hashable, RPCDescribed {
    /// `dropin` or `followup`.
    public var kind: String
    public var pair: Int64
    public var school: Int64
    public var teacher: Int64
    public var teacherName: String
    public var coach: Int64
    public var coachName: String
    /// The drop-in concerned: the booked one, or the one a follow-up follows.
    public var dropin: Int64?
    public var dueDate: String
    public var dueAt: String
    public var overdueAt: String
    public var overdue: Bool
    /// For `kind: "session"` (API level 9): the period the peer session is due in.
    public var period: Int64?
    /// For `kind: "supervision"` (API level 13): the supervision group, its name and the term.
    public var group: Int64?
    public var groupName: String?
    public var term: String?

    public init(
        kind: String, pair: Int64, school: Int64, teacher: Int64, teacherName: String, coach: Int64,
        coachName: String, dropin: Int64?, dueDate: String, dueAt: String, overdueAt: String, overdue: Bool,
        period: Int64? = nil, group: Int64? = nil, groupName: String? = nil, term: String? = nil
    ) {
        self.period = period
        self.group = group
        self.groupName = groupName
        self.term = term
        self.kind = kind
        self.pair = pair
        self.school = school
        self.teacher = teacher
        self.teacherName = teacherName
        self.coach = coach
        self.coachName = coachName
        self.dropin = dropin
        self.dueDate = dueDate
        self.dueAt = dueAt
        self.overdueAt = overdueAt
        self.overdue = overdue
    }

    public static let schema: RPCSchema = .object([
        RPCField(
            "kind", .oneOf(["dropin", "followup", "session", "supervision"]),
            "what is due (session, level 9: a peer session; pair is the peer pair, teacher and coach its two heads;"
                + " supervision, level 13: a group's meeting for a term; pair is the group, teacher and coach 0 and"
                + " their names empty)"),
        RPCField("pair", .integer, "pair id"),
        RPCField("school", .integer, "school id"),
        RPCField("teacher", .integer, "teacher's person id"),
        RPCField("teacherName", .string(), "teacher's name"),
        RPCField("coach", .integer, "coach's person id"),
        RPCField("coachName", .string(), "coach's name"),
        RPCField("dropin", .integer, required: false, "the booked drop-in, or the drop-in a follow-up follows"),
        RPCField("dueDate", .string(format: "date"), "the school day it is due"),
        RPCField("dueAt", .string(format: "date-time"), "when it falls due"),
        RPCField("overdueAt", .string(format: "date-time"), "when it becomes overdue (due + grace)"),
        RPCField("overdue", .boolean, "true once overdueAt has passed"),
        RPCField("period", .integer, required: false, "for a session: the period it is due in (level 9)"),
        RPCField("group", .integer, required: false, "for a supervision meeting: the group (level 13)"),
        RPCField("groupName", .string(), required: false, "for a supervision meeting: the group's name (level 13)"),
        RPCField("term", .string(), required: false, "for a supervision meeting: the term it is due in (level 13)"),
    ])
}

/// A pair at a glance: who, the focus, the active adaptation and what is next.
public struct PairSummary: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var school: Int64
    public var teacher: Int64
    public var teacherName: String
    public var coach: Int64
    public var coachName: String
    /// The current focus text: only for the pair's two people.
    public var focus: String?
    /// Whether a focus has been agreed (visible to leads too).
    public var hasFocus: Bool
    public var adaptation: AdaptationInfo?
    public var next: DueItemInfo?
    /// False once ended (API level 3).
    public var active: Bool?
    /// When and why it ended (level 3).
    public var endedAt: String?
    public var endReason: String?

    public init(
        id: Int64, school: Int64, teacher: Int64, teacherName: String, coach: Int64, coachName: String,
        focus: String?, hasFocus: Bool, adaptation: AdaptationInfo?, next: DueItemInfo?, active: Bool? = nil,
        endedAt: String? = nil, endReason: String? = nil
    ) {
        self.active = active
        self.endedAt = endedAt
        self.endReason = endReason
        self.id = id
        self.school = school
        self.teacher = teacher
        self.teacherName = teacherName
        self.coach = coach
        self.coachName = coachName
        self.focus = focus
        self.hasFocus = hasFocus
        self.adaptation = adaptation
        self.next = next
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "pair id"),
        RPCField("school", .integer, "school id"),
        RPCField("teacher", .integer, "teacher's person id"),
        RPCField("teacherName", .string(), "teacher's name"),
        RPCField("coach", .integer, "coach's person id"),
        RPCField("coachName", .string(), "coach's name"),
        RPCField("focus", .string(), required: false, "current focus (pair members only)"),
        RPCField("hasFocus", .boolean, "whether a focus has been agreed"),
        RPCField("adaptation", AdaptationInfo.schema, required: false, "the active adaptation"),
        RPCField("next", DueItemInfo.schema, required: false, "the next due item"),
        RPCField("active", .boolean, required: false, "false once ended (level 3)"),
        RPCField("endedAt", .string(format: "date-time"), required: false, "when it ended (level 3)"),
        RPCField("endReason", .string(), required: false, "why it ended (level 3)"),
    ])
}

/// One line of a pair's append-only history. Carries kinds and ids, never text.
public struct HistoryEntry: Codable, Sendable, Hashable, RPCDescribed {
    public var at: String
    public var event: String
    public var actorUid: Int64
    public var actor: Int64?
    public var subject: Int64?
    /// The name of the person who did it, when known (API level 3).
    public var actorName: String?

    public init(at: String, event: String, actorUid: Int64, actor: Int64?, subject: Int64?, actorName: String? = nil) {
        self.at = at
        self.event = event
        self.actorUid = actorUid
        self.actor = actor
        self.subject = subject
        self.actorName = actorName
    }

    public static let schema: RPCSchema = .object([
        RPCField("at", .string(format: "date-time"), "when"),
        RPCField("event", .string(), "what happened, e.g. dropin.completed"),
        RPCField("actorUid", .integer, "the Unix uid that did it"),
        RPCField("actor", .integer, required: false, "the person who did it, when known"),
        RPCField("subject", .integer, required: false, "the id of the drop-in, adaptation, … concerned"),
        RPCField("actorName", .string(), required: false, "the name of the person who did it (level 3)"),
    ])
}
