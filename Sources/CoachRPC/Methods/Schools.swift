/// `schools.*` and `calendar.*`: schools and their calendars.
public enum SchoolsAdd: RPCMethod {
    public static let name = "schools.add"
    public static let summary = "Adds a school with its time zone and school-day hours. Admins only."
    public struct Params: RPCParams, Hashable {
        public var name: String
        public var timeZone: String
        public var dayStart: String?
        public var dayEnd: String?
        /// The school's region (API level 9).
        public var region: Int64?
        public init(
            name: String, timeZone: String, dayStart: String? = nil, dayEnd: String? = nil, region: Int64? = nil
        ) {
            self.name = name
            self.timeZone = timeZone
            self.dayStart = dayStart
            self.dayEnd = dayEnd
            self.region = region
        }
        public static let fields = [
            RPCField("name", .string(), "the school's name"),
            RPCField("timeZone", .string(format: "IANA time zone"), "e.g. Europe/London"),
            RPCField(
                "dayStart", .string(format: "HH:MM"), required: false, "school day start (default from configuration)"),
            RPCField(
                "dayEnd", .string(format: "HH:MM"), required: false, "school day end (default from configuration)"),
            RPCField("region", .integer, required: false, "the school's region id (level 9)"),
        ]
    }
    public typealias Result = CreatedID
}

/// What `schools.list` returns.
public struct SchoolList: Codable, Sendable, Hashable, RPCDescribed {
    public var schools: [SchoolInfo]
    public init(schools: [SchoolInfo]) { self.schools = schools }
    public static let schema: RPCSchema = .object([RPCField("schools", .array(SchoolInfo.schema), "the schools")])
}

public enum SchoolsList: RPCMethod {
    public static let name = "schools.list"
    public static let summary = "Lists the schools the caller belongs to (all of them for admins)."
    public typealias Params = NoParams
    public typealias Result = SchoolList
}

public enum CalendarAddClosure: RPCMethod {
    public static let name = "calendar.addClosure"
    public static let summary =
        "Closes a school for an inclusive range of dates (half-term, INSET day, bank holiday); the same dates twice is a Conflict. Reports what moved in affected."
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var from: String
        public var to: String
        public var reason: String
        public init(school: Int64, from: String, to: String, reason: String) {
            self.school = school
            self.from = from
            self.to = to
            self.reason = reason
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField("from", .string(format: "date"), "first closed date"),
            RPCField("to", .string(format: "date"), "last closed date (inclusive)"),
            RPCField("reason", .string(), "e.g. half-term, INSET day"),
        ]
    }
    public typealias Result = CalendarAdded
}

public enum CalendarAddTerm: RPCMethod {
    public static let name = "calendar.addTerm"
    public static let summary = "Adds a term. Once a school has terms, only days inside a term are school days."
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var name: String
        public var from: String
        public var to: String
        public init(school: Int64, name: String, from: String, to: String) {
            self.school = school
            self.name = name
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField("name", .string(), "e.g. Autumn 2026"),
            RPCField("from", .string(format: "date"), "first day of term"),
            RPCField("to", .string(format: "date"), "last day of term (inclusive)"),
        ]
    }
    public typealias Result = CalendarAdded
}

/// What `calendar.schoolDays` returns.
public struct SchoolDays: Codable, Sendable, Hashable, RPCDescribed {
    public var days: [String]
    public init(days: [String]) { self.days = days }
    public static let schema: RPCSchema = .object([RPCField("days", .array(.string(format: "date")), "school days")])
}

public enum CalendarSchoolDays: RPCMethod {
    public static let name = "calendar.schoolDays"
    public static let summary = "The school days in an inclusive date range (at most 400 days)."
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var from: String
        public var to: String
        public init(school: Int64, from: String, to: String) {
            self.school = school
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField("from", .string(format: "date"), "first date"),
            RPCField("to", .string(format: "date"), "last date (inclusive)"),
        ]
    }
    public typealias Result = SchoolDays
}
