/// `cycles.*`, `dropins.*`, `followups.*`, `adaptations.*` and `due.list`: the micro-cycle.
public enum CyclesStart: RPCMethod {
    public static let name = "cycles.start"
    public static let summary = "Agrees a (new) focus for a pair; it carries over until changed."
    public struct Params: RPCParams, Hashable {
        public var pair: Int64
        public var focus: String
        public init(pair: Int64, focus: String) {
            self.pair = pair
            self.focus = focus
        }
        public static let fields = [
            RPCField("pair", .integer, "pair id"),
            RPCField("focus", .string(), "the agreed focus, a short text"),
        ]
    }
    public typealias Result = CreatedID
}

/// What `dropins.schedule` returns.
public struct ScheduledDropIn: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var start: String
    public var end: String
    public init(id: Int64, start: String, end: String) {
        self.id = id
        self.start = start
        self.end = end
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "drop-in id"),
        RPCField("start", .string(format: "date-time"), "start, with the school's offset"),
        RPCField("end", .string(format: "date-time"), "end, with the school's offset"),
    ])
}

public enum DropInsSchedule: RPCMethod {
    public static let name = "dropins.schedule"
    public static let summary =
        "Books a drop-in (the teacher's invitation, or the coach's booking): on a school day, inside school hours, no overlap for the coach."
    public struct Params: RPCParams, Hashable {
        public var pair: Int64
        public var start: String
        public var minutes: Int?
        public init(pair: Int64, start: String, minutes: Int? = nil) {
            self.pair = pair
            self.start = start
            self.minutes = minutes
        }
        public static let fields = [
            RPCField("pair", .integer, "pair id"),
            RPCField(
                "start", .string(format: "date-time"),
                "RFC 3339 with an offset, or YYYY-MM-DDTHH:MM[:SS] in the school's local time"),
            RPCField("minutes", .integer, required: false, "1–15 (the configured maximum), default 15"),
        ]
    }
    public typealias Result = ScheduledDropIn
}

public enum DropInsComplete: RPCMethod {
    public static let name = "dropins.complete"
    public static let summary = "Logs a drop-in as done (not before it starts), with optional confidential notes."
    public struct Params: RPCParams, Hashable {
        public var dropin: Int64
        public var notes: String?
        /// When the visit happened (API level 3).
        public var at: String?
        public init(dropin: Int64, notes: String? = nil, at: String? = nil) {
            self.dropin = dropin
            self.notes = notes
            self.at = at
        }
        public static let fields = [
            RPCField("dropin", .integer, "drop-in id"),
            RPCField("notes", .string(), required: false, "what was seen (pair members only)"),
            RPCField(
                "at", .string(format: "date-time"), required: false,
                "when the visit happened (default now): not before its start, not in the future (level 3)"),
        ]
    }
    public typealias Result = DropInInfo
}

public enum FollowUpsComplete: RPCMethod {
    public static let name = "followups.complete"
    public static let summary = "Logs the coaching conversation that follows a completed drop-in."
    public struct Params: RPCParams, Hashable {
        public var dropin: Int64
        public var notes: String?
        /// When the conversation happened (API level 3).
        public var at: String?
        public init(dropin: Int64, notes: String? = nil, at: String? = nil) {
            self.dropin = dropin
            self.notes = notes
            self.at = at
        }
        public static let fields = [
            RPCField("dropin", .integer, "the drop-in it follows"),
            RPCField("notes", .string(), required: false, "the conversation (pair members only)"),
            RPCField(
                "at", .string(format: "date-time"), required: false,
                "when the conversation happened (default now): not before its drop-in, not in the future (level 3)"),
        ]
    }
    public typealias Result = FollowUpInfo
}

/// What `adaptations.set` returns.
public struct AdaptationSet: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var practiseUntil: String
    public init(id: Int64, practiseUntil: String) {
        self.id = id
        self.practiseUntil = practiseUntil
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "adaptation id"),
        RPCField("practiseUntil", .string(format: "date"), "end of the practice window; the next drop-in is due then"),
    ])
}

public enum AdaptationsSet: RPCMethod {
    public static let name = "adaptations.set"
    public static let summary =
        "Records the teacher's one small adaptation; fails with AdaptationAlreadyActive unless closePrevious is given."
    public struct Params: RPCParams, Hashable {
        public var pair: Int64
        public var text: String
        public var schoolDays: Int?
        public var closePrevious: String?
        public init(pair: Int64, text: String, schoolDays: Int? = nil, closePrevious: String? = nil) {
            self.pair = pair
            self.text = text
            self.schoolDays = schoolDays
            self.closePrevious = closePrevious
        }
        public static let fields = [
            RPCField("pair", .integer, "pair id"),
            RPCField("text", .string(), "the one small adaptation"),
            RPCField("schoolDays", .integer, required: false, "practice window in school days (default 5)"),
            RPCField(
                "closePrevious", .oneOf(OutcomeName.all), required: false, "close the active one with this outcome"),
        ]
    }
    public typealias Result = AdaptationSet
}

public enum AdaptationsClose: RPCMethod {
    public static let name = "adaptations.close"
    public static let summary = "Closes an adaptation with its outcome."
    public struct Params: RPCParams, Hashable {
        public var adaptation: Int64
        public var outcome: String
        public init(adaptation: Int64, outcome: String) {
            self.adaptation = adaptation
            self.outcome = outcome
        }
        public static let fields = [
            RPCField("adaptation", .integer, "adaptation id"),
            RPCField("outcome", .oneOf(OutcomeName.all), "embedded, continuing or dropped"),
        ]
    }
    public typealias Result = AdaptationInfo
}

/// What `due.list` returns.
public struct DueList: Codable, Sendable, Hashable, RPCDescribed {
    public var items: [DueItemInfo]
    public init(items: [DueItemInfo]) { self.items = items }
    public static let schema: RPCSchema = .object([RPCField("items", .array(DueItemInfo.schema), "soonest first")])
}

public enum DueListMethod: RPCMethod {
    public static let name = "due.list"
    public static let summary =
        "What is due for the pairs the caller may see, soonest first; overdueOnly for the overdue."
    public struct Params: RPCParams, Hashable {
        public var school: Int64?
        public var overdueOnly: Bool?
        /// Since API level 4: only items whose school-local due date is in [from, to].
        public var from: String?
        public var to: String?
        public init(school: Int64? = nil, overdueOnly: Bool? = nil, from: String? = nil, to: String? = nil) {
            self.school = school
            self.overdueOnly = overdueOnly
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("school", .integer, required: false, "only this school"),
            RPCField("overdueOnly", .boolean, required: false, "only overdue items"),
            RPCField(
                "from", .string(format: "date"), required: false,
                "only items due on or after this school-local date (level 4)"),
            RPCField(
                "to", .string(format: "date"), required: false,
                "only items due on or before this school-local date (level 4)"),
        ]
    }
    public typealias Result = DueList
}
