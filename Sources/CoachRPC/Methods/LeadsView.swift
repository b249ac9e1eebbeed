// API level 4 (issue 12): the lead's view. What is due (`due.list` with `from`/`to`), a school at a
// glance (`schools.status`), a person's agenda (`agenda.list`), who has gone unseen (`coverage.list`)
// and the figures of a range (`reports.summary`). Dates, counts and names only: never a note, a focus
// or an adaptation's text.

/// How many overdue items are late by a number of school days.
public struct OverdueBucket: Codable, Sendable, Hashable, RPCDescribed {
    public var schoolDays: Int
    public var count: Int
    public init(schoolDays: Int, count: Int) {
        self.schoolDays = schoolDays
        self.count = count
    }
    public static let schema: RPCSchema = .object([
        RPCField("schoolDays", .integer, "school days since the item's due date, up to today (at least 1)"),
        RPCField("count", .integer, "how many overdue items are that late"),
    ])
}

/// What `schools.status` returns.
public struct SchoolStatus: Codable, Sendable, Hashable, RPCDescribed {
    public var school: Int64
    public var schoolName: String
    /// The school-local date the figures are for.
    public var today: String
    public var pairs: Int
    public var dueToday: Int
    public var dueThisWeek: Int
    public var overdue: Int
    public var overdueByDays: [OverdueBucket]
    public var dropinsDoneThisWeek: Int
    /// The term containing today, by name; nil outside terms.
    public var term: String?
    public var completionRateThisTerm: Double?

    public init(
        school: Int64, schoolName: String, today: String, pairs: Int, dueToday: Int, dueThisWeek: Int, overdue: Int,
        overdueByDays: [OverdueBucket], dropinsDoneThisWeek: Int, term: String?, completionRateThisTerm: Double?
    ) {
        self.school = school
        self.schoolName = schoolName
        self.today = today
        self.pairs = pairs
        self.dueToday = dueToday
        self.dueThisWeek = dueThisWeek
        self.overdue = overdue
        self.overdueByDays = overdueByDays
        self.dropinsDoneThisWeek = dropinsDoneThisWeek
        self.term = term
        self.completionRateThisTerm = completionRateThisTerm
    }

    public static let schema: RPCSchema = .object([
        RPCField("school", .integer, "school id"),
        RPCField("schoolName", .string(), "the school's name"),
        RPCField("today", .string(format: "date"), "the school-local date the figures are for"),
        RPCField("pairs", .integer, "active pairs"),
        RPCField("dueToday", .integer, "due items whose due date is today (overdue ones included)"),
        RPCField("dueThisWeek", .integer, "due items whose due date is in this Monday–Sunday week"),
        RPCField("overdue", .integer, "due items overdue now"),
        RPCField("overdueByDays", .array(OverdueBucket.schema), "the overdue items by how late, least late first"),
        RPCField("dropinsDoneThisWeek", .integer, "drop-ins done this Monday–Sunday week"),
        RPCField("term", .string(), required: false, "the term containing today"),
        RPCField(
            "completionRateThisTerm", .number, required: false,
            "reports.summary's completionRate from the term's start to today (Docs/Reports.md); absent outside terms or when nothing was due"
        ),
    ])
}

public enum SchoolsStatus: RPCMethod {
    public static let name = "schools.status"
    public static let summary =
        "A school at a glance: pairs, due today and this week, overdue and by how long, visits this week, the term's completion rate. The school's lead and head, and admins."
    public static let since = 4
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public init(school: Int64) { self.school = school }
        public static let fields = [RPCField("school", .integer, "school id")]
    }
    public typealias Result = SchoolStatus
}

/// One thing on a person's agenda: a booked drop-in or a conversation due.
public struct AgendaItem: Codable, Sendable, Hashable, RPCDescribed {
    /// `dropin` (booked) or `followup` (due).
    public var kind: String
    public var pair: Int64
    public var dropin: Int64
    public var teacher: Int64
    public var teacherName: String
    public var coach: Int64
    public var coachName: String
    /// The school-local date.
    public var date: String
    /// A booked drop-in's start; nil for a conversation (due in the day).
    public var start: String?
    public var minutes: Int?
    public var overdue: Bool

    public init(
        kind: String, pair: Int64, dropin: Int64, teacher: Int64, teacherName: String, coach: Int64, coachName: String,
        date: String, start: String?, minutes: Int?, overdue: Bool
    ) {
        self.kind = kind
        self.pair = pair
        self.dropin = dropin
        self.teacher = teacher
        self.teacherName = teacherName
        self.coach = coach
        self.coachName = coachName
        self.date = date
        self.start = start
        self.minutes = minutes
        self.overdue = overdue
    }

    public static let schema: RPCSchema = .object([
        RPCField("kind", .oneOf(["dropin", "followup"]), "a booked drop-in, or the conversation due after one"),
        RPCField("pair", .integer, "pair id"),
        RPCField("dropin", .integer, "the booked drop-in, or the one the conversation follows"),
        RPCField("teacher", .integer, "teacher's person id"),
        RPCField("teacherName", .string(), "teacher's name"),
        RPCField("coach", .integer, "coach's person id"),
        RPCField("coachName", .string(), "coach's name"),
        RPCField("date", .string(format: "date"), "the school day"),
        RPCField("start", .string(format: "date-time"), required: false, "a booked drop-in's start"),
        RPCField("minutes", .integer, required: false, "a booked drop-in's length"),
        RPCField("overdue", .boolean, "true once the item is overdue"),
    ])
}

/// What `agenda.list` returns.
public struct AgendaList: Codable, Sendable, Hashable, RPCDescribed {
    public var person: Int64
    public var personName: String
    public var items: [AgendaItem]
    public init(person: Int64, personName: String, items: [AgendaItem]) {
        self.person = person
        self.personName = personName
        self.items = items
    }
    public static let schema: RPCSchema = .object([
        RPCField("person", .integer, "whose agenda"),
        RPCField("personName", .string(), "their name"),
        RPCField("items", .array(AgendaItem.schema), "soonest first"),
    ])
}

public enum AgendaListMethod: RPCMethod {
    public static let name = "agenda.list"
    public static let summary =
        "A person's booked drop-ins with their times and the conversations due, soonest first. Themselves, their school's lead and head, and admins."
    public static let since = 4
    public struct Params: RPCParams, Hashable {
        public var person: Int64?
        public var from: String?
        public var to: String?
        public init(person: Int64? = nil, from: String? = nil, to: String? = nil) {
            self.person = person
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("person", .integer, required: false, "whose agenda (default: the caller)"),
            RPCField("from", .string(format: "date"), required: false, "first school-local date (default: today)"),
            RPCField("to", .string(format: "date"), required: false, "last school-local date (default: from + 6 days)"),
        ]
    }
    public typealias Result = AgendaList
}

/// One teacher in `coverage.list`.
public struct CoverageItem: Codable, Sendable, Hashable, RPCDescribed {
    public var teacher: Int64
    public var teacherName: String
    public var pair: Int64?
    public var coach: Int64?
    public var coachName: String?
    /// The school-local date of the latest done drop-in, in any of the teacher's pairs.
    public var lastDropIn: String?
    public var schoolDaysSince: Int?
    public var next: DueItemInfo?

    public init(
        teacher: Int64, teacherName: String, pair: Int64?, coach: Int64?, coachName: String?, lastDropIn: String?,
        schoolDaysSince: Int?, next: DueItemInfo?
    ) {
        self.teacher = teacher
        self.teacherName = teacherName
        self.pair = pair
        self.coach = coach
        self.coachName = coachName
        self.lastDropIn = lastDropIn
        self.schoolDaysSince = schoolDaysSince
        self.next = next
    }

    public static let schema: RPCSchema = .object([
        RPCField("teacher", .integer, "teacher's person id"),
        RPCField("teacherName", .string(), "teacher's name"),
        RPCField("pair", .integer, required: false, "their active pair (absent: none)"),
        RPCField("coach", .integer, required: false, "the pair's coach"),
        RPCField("coachName", .string(), required: false, "the coach's name"),
        RPCField(
            "lastDropIn", .string(format: "date"), required: false,
            "the date of the latest done drop-in; absent: never seen"),
        RPCField(
            "schoolDaysSince", .integer, required: false, "school days after lastDropIn up to asOf; absent: never seen"),
        RPCField("next", DueItemInfo.schema, required: false, "the pair's next due item"),
    ])
}

/// What `coverage.list` returns.
public struct CoverageList: Codable, Sendable, Hashable, RPCDescribed {
    public var school: Int64
    public var asOf: String
    public var items: [CoverageItem]
    public init(school: Int64, asOf: String, items: [CoverageItem]) {
        self.school = school
        self.asOf = asOf
        self.items = items
    }
    public static let schema: RPCSchema = .object([
        RPCField("school", .integer, "school id"),
        RPCField("asOf", .string(format: "date"), "the date school days are counted to"),
        RPCField("items", .array(CoverageItem.schema), "never seen first, then most school days since, then by name"),
    ])
}

public enum CoverageListMethod: RPCMethod {
    public static let name = "coverage.list"
    public static let summary =
        "Every active teacher of a school with their last drop-in and the school days since, longest unseen first. The school's lead and head, and admins."
    public static let since = 4
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var asOf: String?
        public init(school: Int64, asOf: String? = nil) {
            self.school = school
            self.asOf = asOf
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField(
                "asOf", .string(format: "date"), required: false, "count school days to this date (default: today)"),
        ]
    }
    public typealias Result = CoverageList
}

/// Adaptations closed, by outcome.
public struct OutcomeCounts: Codable, Sendable, Hashable, RPCDescribed {
    public var embedded: Int
    public var continuing: Int
    public var dropped: Int
    public init(embedded: Int, continuing: Int, dropped: Int) {
        self.embedded = embedded
        self.continuing = continuing
        self.dropped = dropped
    }
    public static let schema: RPCSchema = .object([
        RPCField("embedded", .integer, "closed as embedded in the range"),
        RPCField("continuing", .integer, "closed as continuing in the range"),
        RPCField("dropped", .integer, "closed as dropped in the range"),
    ])
}

/// The figures of one group: totals, a school, a coach's pairs, or one pair (who, when it is not the
/// totals).
public struct ReportRow: Codable, Sendable, Hashable, RPCDescribed {
    /// The school (`bySchool` rows).
    public var school: Int64?
    /// The school's name (`bySchool` rows).
    public var schoolName: String?
    /// The last date whose due drop-ins count in this school (`bySchool` rows).
    public var countedThrough: String?
    public var coach: Int64?
    public var coachName: String?
    public var pair: Int64?
    public var teacher: Int64?
    public var teacherName: String?
    public var dropinsDue: Int
    public var dropinsDone: Int
    public var dropinsOnTime: Int
    public var followupsDone: Int
    public var followupsInWindow: Int
    public var adaptationsSet: Int
    public var outcomes: OutcomeCounts
    public var cyclesStarted: Int
    public var completionRate: Double?
    public var onTimeRate: Double?
    public var medianSchoolDaysBetweenDropins: Double?

    public init(
        school: Int64? = nil, schoolName: String? = nil, countedThrough: String? = nil,
        coach: Int64? = nil, coachName: String? = nil, pair: Int64? = nil, teacher: Int64? = nil,
        teacherName: String? = nil, dropinsDue: Int, dropinsDone: Int, dropinsOnTime: Int, followupsDone: Int,
        followupsInWindow: Int, adaptationsSet: Int, outcomes: OutcomeCounts, cyclesStarted: Int,
        completionRate: Double?, onTimeRate: Double?, medianSchoolDaysBetweenDropins: Double?
    ) {
        self.school = school
        self.schoolName = schoolName
        self.countedThrough = countedThrough
        self.coach = coach
        self.coachName = coachName
        self.pair = pair
        self.teacher = teacher
        self.teacherName = teacherName
        self.dropinsDue = dropinsDue
        self.dropinsDone = dropinsDone
        self.dropinsOnTime = dropinsOnTime
        self.followupsDone = followupsDone
        self.followupsInWindow = followupsInWindow
        self.adaptationsSet = adaptationsSet
        self.outcomes = outcomes
        self.cyclesStarted = cyclesStarted
        self.completionRate = completionRate
        self.onTimeRate = onTimeRate
        self.medianSchoolDaysBetweenDropins = medianSchoolDaysBetweenDropins
    }

    public static let schema: RPCSchema = .object([
        RPCField("school", .integer, required: false, "the school (bySchool)"),
        RPCField("schoolName", .string(), required: false, "the school's name (bySchool)"),
        RPCField(
            "countedThrough", .string(format: "date"), required: false,
            "bySchool: drop-ins due after this date (the school's today) are not yet counted"),
        RPCField("coach", .integer, required: false, "the coach (byCoach and byPair)"),
        RPCField("coachName", .string(), required: false, "the coach's name"),
        RPCField("pair", .integer, required: false, "the pair (byPair)"),
        RPCField("teacher", .integer, required: false, "the pair's teacher (byPair)"),
        RPCField("teacherName", .string(), required: false, "the teacher's name"),
        RPCField(
            "dropinsDue", .integer, "drop-ins the rhythm called for with a due date in the range (Docs/Reports.md)"),
        RPCField("dropinsDone", .integer, "drop-ins that took place in the range"),
        RPCField("dropinsOnTime", .integer, "of those due, made by the end of their due day (plus grace)"),
        RPCField("followupsDone", .integer, "conversations held in the range"),
        RPCField("followupsInWindow", .integer, "of those, held within the follow-up window of their drop-in"),
        RPCField("adaptationsSet", .integer, "adaptations set in the range"),
        RPCField("outcomes", OutcomeCounts.schema, "adaptations closed in the range, by outcome"),
        RPCField("cyclesStarted", .integer, "foci agreed in the range"),
        RPCField(
            "completionRate", .number, required: false,
            "due drop-ins made by the range's end ÷ dropinsDue; absent when none was due"),
        RPCField("onTimeRate", .number, required: false, "dropinsOnTime ÷ dropinsDue; absent when none was due"),
        RPCField(
            "medianSchoolDaysBetweenDropins", .number, required: false,
            "median school days between a pair's consecutive visits, the later in the range; absent without any"),
    ])
}

/// What `reports.summary` returns.
public struct ReportSummary: Codable, Sendable, Hashable, RPCDescribed {
    /// The school reported; absent only from an `allSchools` report.
    public var school: Int64?
    public var schoolName: String?
    public var from: String
    public var to: String
    /// The last date whose due drop-ins count: `to`, or today when the range reaches past it (an
    /// `allSchools` report: the latest of its schools'; each school's is in `bySchool`).
    public var countedThrough: String
    public var totals: ReportRow
    /// Per school, by name: only in an `allSchools` report.
    public var bySchool: [ReportRow]?
    public var byCoach: [ReportRow]
    public var byPair: [ReportRow]

    public init(
        school: Int64?, schoolName: String?, from: String, to: String, countedThrough: String, totals: ReportRow,
        bySchool: [ReportRow]? = nil, byCoach: [ReportRow], byPair: [ReportRow]
    ) {
        self.school = school
        self.schoolName = schoolName
        self.from = from
        self.to = to
        self.countedThrough = countedThrough
        self.totals = totals
        self.bySchool = bySchool
        self.byCoach = byCoach
        self.byPair = byPair
    }

    public static let schema: RPCSchema = .object([
        RPCField("school", .integer, required: false, "school id (absent only from an allSchools report)"),
        RPCField("schoolName", .string(), required: false, "the school's name (absent only from an allSchools report)"),
        RPCField("from", .string(format: "date"), "first date of the range"),
        RPCField("to", .string(format: "date"), "last date of the range"),
        RPCField(
            "countedThrough", .string(format: "date"),
            "drop-ins due after this date (today) are not yet counted (allSchools: the latest school's today)"),
        RPCField("totals", ReportRow.schema, "all the pairs reported"),
        RPCField(
            "bySchool", .array(ReportRow.schema), required: false,
            "per school, by name, each counted through its own today (allSchools only)"),
        RPCField(
            "byCoach", .array(ReportRow.schema), "per coach, by name (allSchools: none; each school's report has them)"),
        RPCField(
            "byPair", .array(ReportRow.schema),
            "per pair, by teacher's name (allSchools: none; each school's report has them)"),
    ])
}

public enum ReportsSummary: RPCMethod {
    public static let name = "reports.summary"
    public static let summary =
        "The figures of a date range for a school, a coach or a pair: due, done, on time, conversations in window, adaptations and outcomes, completion (Docs/Reports.md). Never any text."
    public static let since = 4
    public struct Params: RPCParams, Hashable {
        public var from: String
        public var to: String
        public var school: Int64?
        public var coach: Int64?
        public var pair: Int64?
        public var allSchools: Bool?
        public init(
            from: String, to: String, school: Int64? = nil, coach: Int64? = nil, pair: Int64? = nil,
            allSchools: Bool? = nil
        ) {
            self.from = from
            self.to = to
            self.school = school
            self.coach = coach
            self.pair = pair
            self.allSchools = allSchools
        }
        public static let fields = [
            RPCField("from", .string(format: "date"), "first school-local date"),
            RPCField("to", .string(format: "date"), "last school-local date (at most 400 days on)"),
            RPCField("school", .integer, required: false, "the school (default: the caller's)"),
            RPCField("coach", .integer, required: false, "only this coach's pairs (a coach may ask for themselves)"),
            RPCField("pair", .integer, required: false, "only this pair (its two people may ask)"),
            RPCField(
                "allSchools", .boolean, required: false,
                "every school in one report: totals and bySchool, each school in its own calendar (admins; not with school, coach or pair)"
            ),
        ]
    }
    public typealias Result = ReportSummary
}
