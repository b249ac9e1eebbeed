// API level 3 (issue 11): the school year as it really goes. Plans change (`dropins.cancel`,
// `dropins.reschedule`, `dropins.log`, `dropins.list`), people leave (`pairs.end`,
// `people.update`, `people.deactivate`), the calendar is corrected (`calendar.list`,
// `calendar.removeClosure`, `calendar.removeTerm`, with what moved in `affected`).

/// Drop-in statuses on the wire.
public enum DropInStatusName {
    public static let all = ["booked", "done", "cancelled"]
}

public enum DropInsCancel: RPCMethod {
    public static let name = "dropins.cancel"
    public static let summary =
        "Cancels a booked drop-in (not a done one): either person of the pair, the school's lead or an admin. The pair's drop-in falls due again."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var dropin: Int64
        public var reason: String
        public init(dropin: Int64, reason: String) {
            self.dropin = dropin
            self.reason = reason
        }
        public static let fields = [
            RPCField("dropin", .integer, "drop-in id"),
            RPCField("reason", .string(), "why, e.g. booked on the wrong date"),
        ]
    }
    public typealias Result = DropInInfo
}

public enum DropInsReschedule: RPCMethod {
    public static let name = "dropins.reschedule"
    public static let summary =
        "Moves a booked drop-in to a new start (and length); the same rules as booking; the record keeps the old times."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var dropin: Int64
        public var start: String
        public var minutes: Int?
        public init(dropin: Int64, start: String, minutes: Int? = nil) {
            self.dropin = dropin
            self.start = start
            self.minutes = minutes
        }
        public static let fields = [
            RPCField("dropin", .integer, "drop-in id"),
            RPCField(
                "start", .string(format: "date-time"),
                "RFC 3339 with an offset, or YYYY-MM-DDTHH:MM[:SS] in the school's local time"),
            RPCField("minutes", .integer, required: false, "1–15 (the configured maximum); default: unchanged"),
        ]
    }
    public typealias Result = DropInInfo
}

public enum DropInsLog: RPCMethod {
    public static let name = "dropins.log"
    public static let summary =
        "Books and completes a visit that already happened, in one step (start in the past). The pair's coach or an admin."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var pair: Int64
        public var start: String
        public var minutes: Int?
        public var notes: String?
        public init(pair: Int64, start: String, minutes: Int? = nil, notes: String? = nil) {
            self.pair = pair
            self.start = start
            self.minutes = minutes
            self.notes = notes
        }
        public static let fields = [
            RPCField("pair", .integer, "pair id"),
            RPCField("start", .string(format: "date-time"), "when the visit started (in the past)"),
            RPCField("minutes", .integer, required: false, "1–15 (the configured maximum), default 15"),
            RPCField("notes", .string(), required: false, "what was seen (pair members only)"),
        ]
    }
    public typealias Result = DropInInfo
}

/// What `dropins.list` returns.
public struct DropInList: Codable, Sendable, Hashable, RPCDescribed {
    public var dropins: [DropInInfo]
    public init(dropins: [DropInInfo]) { self.dropins = dropins }
    public static let schema: RPCSchema = .object([RPCField("dropins", .array(DropInInfo.schema), "by start")])
}

public enum DropInsList: RPCMethod {
    public static let name = "dropins.list"
    public static let summary =
        "The drop-ins of the pairs the caller may see, by start; notes only for the pair's two people."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var pair: Int64?
        public var status: String?
        public init(pair: Int64? = nil, status: String? = nil) {
            self.pair = pair
            self.status = status
        }
        public static let fields = [
            RPCField("pair", .integer, required: false, "only this pair"),
            RPCField("status", .oneOf(DropInStatusName.all), required: false, "only booked, done or cancelled"),
        ]
    }
    public typealias Result = DropInList
}

public enum PairsEnd: RPCMethod {
    public static let name = "pairs.end"
    public static let summary =
        "Ends a pair: it stays in the record, inactive, with no due item; its booked drop-in is cancelled. The school's lead or an admin."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var pair: Int64
        public var reason: String
        public init(pair: Int64, reason: String) {
            self.pair = pair
            self.reason = reason
        }
        public static let fields = [
            RPCField("pair", .integer, "pair id"),
            RPCField("reason", .string(), "why, e.g. teacher left"),
        ]
    }
    public typealias Result = PairSummary
}

public enum PeopleUpdate: RPCMethod {
    public static let name = "people.update"
    public static let summary =
        "Changes a person's name, roles or Unix identity. The school's lead or an admin; the coach role stays while they coach active pairs."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var person: Int64
        public var name: String?
        public var roles: [String]?
        public var login: String?
        public var uid: Int64?
        public init(person: Int64, name: String? = nil, roles: [String]? = nil, login: String? = nil, uid: Int64? = nil)
        {
            self.person = person
            self.name = name
            self.roles = roles
            self.login = login
            self.uid = uid
        }
        public static let fields = [
            RPCField("person", .integer, "person id"),
            RPCField("name", .string(), required: false, "new display name"),
            RPCField("roles", .array(.oneOf(RoleName.all)), required: false, "the full new set of roles"),
            RPCField("login", .string(), required: false, "new Unix login (resolved to a uid)"),
            RPCField("uid", .integer, required: false, "new Unix uid"),
        ]
    }
    public typealias Result = PersonInfo
}

public enum PeopleDeactivate: RPCMethod {
    public static let name = "people.deactivate"
    public static let summary =
        "Deactivates a person: their active pairs end with the reason; they still read their own history but act on nothing. The school's lead or an admin."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var person: Int64
        public var reason: String
        public init(person: Int64, reason: String) {
            self.person = person
            self.reason = reason
        }
        public static let fields = [
            RPCField("person", .integer, "person id"),
            RPCField("reason", .string(), "why, e.g. left the school"),
        ]
    }
    public typealias Result = PersonInfo
}

/// A closure with its id.
public struct ClosureInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var school: Int64
    public var from: String
    public var to: String
    public var reason: String
    public init(id: Int64, school: Int64, from: String, to: String, reason: String) {
        self.id = id
        self.school = school
        self.from = from
        self.to = to
        self.reason = reason
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "closure id"),
        RPCField("school", .integer, "school id"),
        RPCField("from", .string(format: "date"), "first closed date"),
        RPCField("to", .string(format: "date"), "last closed date (inclusive)"),
        RPCField("reason", .string(), "e.g. half-term"),
    ])
}

/// A term with its id.
public struct TermInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var school: Int64
    public var name: String
    public var from: String
    public var to: String
    public init(id: Int64, school: Int64, name: String, from: String, to: String) {
        self.id = id
        self.school = school
        self.name = name
        self.from = from
        self.to = to
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "term id"),
        RPCField("school", .integer, "school id"),
        RPCField("name", .string(), "e.g. Autumn 2026"),
        RPCField("from", .string(format: "date"), "first day of term"),
        RPCField("to", .string(format: "date"), "last day of term (inclusive)"),
    ])
}

/// What `calendar.list` returns.
public struct CalendarListing: Codable, Sendable, Hashable, RPCDescribed {
    public var terms: [TermInfo]
    public var closures: [ClosureInfo]
    public init(terms: [TermInfo], closures: [ClosureInfo]) {
        self.terms = terms
        self.closures = closures
    }
    public static let schema: RPCSchema = .object([
        RPCField("terms", .array(TermInfo.schema), "terms, by start"),
        RPCField("closures", .array(ClosureInfo.schema), "closures, by start"),
    ])
}

public enum CalendarList: RPCMethod {
    public static let name = "calendar.list"
    public static let summary = "A school's terms and closures with their ids, optionally those meeting from/to."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var from: String?
        public var to: String?
        public init(school: Int64, from: String? = nil, to: String? = nil) {
            self.school = school
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField("from", .string(format: "date"), required: false, "only those ending on or after this date"),
            RPCField("to", .string(format: "date"), required: false, "only those starting on or before this date"),
        ]
    }
    public typealias Result = CalendarListing
}

/// A drop-in the calendar cancelled.
public struct CancelledDropIn: Codable, Sendable, Hashable, RPCDescribed {
    public var dropin: Int64
    public var pair: Int64
    public var start: String
    public var reason: String
    public init(dropin: Int64, pair: Int64, start: String, reason: String) {
        self.dropin = dropin
        self.pair = pair
        self.start = start
        self.reason = reason
    }
    public static let schema: RPCSchema = .object([
        RPCField("dropin", .integer, "drop-in id"),
        RPCField("pair", .integer, "pair id"),
        RPCField("start", .string(format: "date-time"), "when it was booked for"),
        RPCField("reason", .string(), "school closed: REASON"),
    ])
}

/// A due item whose date moved.
public struct MovedDueItem: Codable, Sendable, Hashable, RPCDescribed {
    public var pair: Int64
    public var kind: String
    public var from: String?
    public var to: String?
    public init(pair: Int64, kind: String, from: String?, to: String?) {
        self.pair = pair
        self.kind = kind
        self.from = from
        self.to = to
    }
    public static let schema: RPCSchema = .object([
        RPCField("pair", .integer, "pair id"),
        RPCField("kind", .oneOf(["dropin", "followup"]), "what is due"),
        RPCField("from", .string(format: "date"), required: false, "the due date before"),
        RPCField("to", .string(format: "date"), required: false, "the due date now"),
    ])
}

/// What a calendar change did to the school's pairs.
public struct CalendarAffected: Codable, Sendable, Hashable, RPCDescribed {
    public var cancelled: [CancelledDropIn]
    public var moved: [MovedDueItem]
    public init(cancelled: [CancelledDropIn], moved: [MovedDueItem]) {
        self.cancelled = cancelled
        self.moved = moved
    }
    public static let schema: RPCSchema = .object([
        RPCField("cancelled", .array(CancelledDropIn.schema), "booked drop-ins now on a closed day, cancelled"),
        RPCField("moved", .array(MovedDueItem.schema), "due items whose date changed"),
    ])
}

/// What `calendar.addClosure` and `calendar.addTerm` return: the new id, and what moved (level 3).
public struct CalendarAdded: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var affected: CalendarAffected?
    public init(id: Int64, affected: CalendarAffected?) {
        self.id = id
        self.affected = affected
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "the new id"),
        RPCField("affected", CalendarAffected.schema, required: false, "what the change moved (API level 3)"),
    ])
}

/// What `calendar.removeClosure` returns.
public struct ClosureRemoved: Codable, Sendable, Hashable, RPCDescribed {
    public var closure: ClosureInfo
    public var affected: CalendarAffected
    public init(closure: ClosureInfo, affected: CalendarAffected) {
        self.closure = closure
        self.affected = affected
    }
    public static let schema: RPCSchema = .object([
        RPCField("closure", ClosureInfo.schema, "what was removed"),
        RPCField("affected", CalendarAffected.schema, "what the change moved"),
    ])
}

/// What `calendar.removeTerm` returns.
public struct TermRemoved: Codable, Sendable, Hashable, RPCDescribed {
    public var term: TermInfo
    public var affected: CalendarAffected
    public init(term: TermInfo, affected: CalendarAffected) {
        self.term = term
        self.affected = affected
    }
    public static let schema: RPCSchema = .object([
        RPCField("term", TermInfo.schema, "what was removed"),
        RPCField("affected", CalendarAffected.schema, "what the change moved"),
    ])
}

public enum CalendarRemoveClosure: RPCMethod {
    public static let name = "calendar.removeClosure"
    public static let summary =
        "Removes a closure; due dates of the school are recomputed and reported in affected. The school's lead or an admin."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var closure: Int64
        public init(closure: Int64) { self.closure = closure }
        public static let fields = [RPCField("closure", .integer, "closure id (calendar.list)")]
    }
    public typealias Result = ClosureRemoved
}

public enum CalendarRemoveTerm: RPCMethod {
    public static let name = "calendar.removeTerm"
    public static let summary =
        "Removes a term; due dates are recomputed and booked drop-ins now outside school days cancelled, reported in affected."
    public static let since = 3
    public struct Params: RPCParams, Hashable {
        public var term: Int64
        public init(term: Int64) { self.term = term }
        public static let fields = [RPCField("term", .integer, "term id (calendar.list)")]
    }
    public typealias Result = TermRemoved
}
