/// `people.*` and `pairs.*`.
public enum PeopleAdd: RPCMethod {
    public static let name = "people.add"
    public static let summary = "Adds a person with roles, linked to a Unix uid or login. Admins, or the school's lead."
    public struct Params: RPCParams, Hashable {
        public var name: String
        public var school: Int64
        public var roles: [String]
        public var login: String?
        public var uid: Int64?
        public init(name: String, school: Int64, roles: [String], login: String? = nil, uid: Int64? = nil) {
            self.name = name
            self.school = school
            self.roles = roles
            self.login = login
            self.uid = uid
        }
        public static let fields = [
            RPCField("name", .string(), "display name"),
            RPCField("school", .integer, "school id"),
            RPCField("roles", .array(.oneOf(RoleName.all)), "one or more roles"),
            RPCField("login", .string(), required: false, "Unix login name (resolved to a uid)"),
            RPCField("uid", .integer, required: false, "Unix uid"),
        ]
    }
    public typealias Result = CreatedID
}

/// What `people.list` returns.
public struct PersonList: Codable, Sendable, Hashable, RPCDescribed {
    public var people: [PersonInfo]
    public init(people: [PersonInfo]) { self.people = people }
    public static let schema: RPCSchema = .object([RPCField("people", .array(PersonInfo.schema), "the people")])
}

public enum PeopleList: RPCMethod {
    public static let name = "people.list"
    public static let summary =
        "Lists the active people of a school (deactivated ones with includeInactive). Admins and the school's lead."
    public struct Params: RPCParams, Hashable {
        public var school: Int64?
        /// Deactivated people too (API level 3).
        public var includeInactive: Bool?
        public init(school: Int64? = nil, includeInactive: Bool? = nil) {
            self.school = school
            self.includeInactive = includeInactive
        }
        public static let fields = [
            RPCField("school", .integer, required: false, "school id (default: all visible)"),
            RPCField("includeInactive", .boolean, required: false, "deactivated people too (level 3)"),
        ]
    }
    public typealias Result = PersonList
}

public enum PairsCreate: RPCMethod {
    public static let name = "pairs.create"
    public static let summary = "Pairs a teacher with a coach. Admins, or the teacher's school lead."
    public struct Params: RPCParams, Hashable {
        public var teacher: Int64
        public var coach: Int64
        public init(teacher: Int64, coach: Int64) {
            self.teacher = teacher
            self.coach = coach
        }
        public static let fields = [
            RPCField("teacher", .integer, "the teacher's person id"),
            RPCField("coach", .integer, "the coach's person id"),
        ]
    }
    public typealias Result = CreatedID
}

/// What `pairs.show` returns.
public struct PairDetail: Codable, Sendable, Hashable, RPCDescribed {
    public var pair: PairSummary
    public var cycles: [CycleInfo]
    public var dropins: [DropInInfo]
    public var adaptations: [AdaptationInfo]
    public var history: [HistoryEntry]
    /// Whether the caller may read notes and texts (one of the pair's two people).
    public var confidentialVisible: Bool

    public init(
        pair: PairSummary, cycles: [CycleInfo], dropins: [DropInInfo], adaptations: [AdaptationInfo],
        history: [HistoryEntry], confidentialVisible: Bool
    ) {
        self.pair = pair
        self.cycles = cycles
        self.dropins = dropins
        self.adaptations = adaptations
        self.history = history
        self.confidentialVisible = confidentialVisible
    }

    public static let schema: RPCSchema = .object([
        RPCField("pair", PairSummary.schema, "the pair"),
        RPCField("cycles", .array(CycleInfo.schema), "every focus agreed, oldest first"),
        RPCField("dropins", .array(DropInInfo.schema), "drop-ins with their follow-ups, oldest first"),
        RPCField("adaptations", .array(AdaptationInfo.schema), "adaptations with outcomes, oldest first"),
        RPCField("history", .array(HistoryEntry.schema), "append-only record of every change"),
        RPCField("confidentialVisible", .boolean, "true when notes and texts are shown"),
    ])
}

public enum PairsShow: RPCMethod {
    public static let name = "pairs.show"
    public static let summary = "A pair with its focus, adaptation and history; notes only for the pair's two people."
    public struct Params: RPCParams, Hashable {
        public var pair: Int64
        public init(pair: Int64) { self.pair = pair }
        public static let fields = [RPCField("pair", .integer, "pair id")]
    }
    public typealias Result = PairDetail
}

/// What `pairs.list` returns.
public struct PairList: Codable, Sendable, Hashable, RPCDescribed {
    public var pairs: [PairSummary]
    public init(pairs: [PairSummary]) { self.pairs = pairs }
    public static let schema: RPCSchema = .object([RPCField("pairs", .array(PairSummary.schema), "the pairs")])
}

public enum PairsList: RPCMethod {
    public static let name = "pairs.list"
    public static let summary =
        "The active pairs the caller may see (ended ones with includeEnded); with mine, only those the caller is in."
    public struct Params: RPCParams, Hashable {
        public var school: Int64?
        public var mine: Bool?
        /// Ended pairs too (API level 3).
        public var includeEnded: Bool?
        public init(school: Int64? = nil, mine: Bool? = nil, includeEnded: Bool? = nil) {
            self.school = school
            self.mine = mine
            self.includeEnded = includeEnded
        }
        public static let fields = [
            RPCField("school", .integer, required: false, "only this school"),
            RPCField("mine", .boolean, required: false, "only pairs the caller is teacher or coach in"),
            RPCField("includeEnded", .boolean, required: false, "ended pairs too (level 3)"),
        ]
    }
    public typealias Result = PairList
}
