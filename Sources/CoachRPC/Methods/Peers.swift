/// The heads' peer programme (issue 14, API level 9): regions, accreditation, periods, peer pairs
/// and their sessions.
public struct RegionInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var name: String
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "region id"),
        RPCField("name", .string(), "the region's name"),
    ])
}

public enum RegionsAdd: RPCMethod {
    public static let name = "regions.add"
    public static let summary = "Adds one of the trust's regional groups; names are unique. Admins only."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var name: String
        public init(name: String) { self.name = name }
        public static let fields = [RPCField("name", .string(), "the region's name, e.g. North")]
    }
    public typealias Result = CreatedID
}

/// What `regions.list` returns.
public struct RegionList: Codable, Sendable, Hashable, RPCDescribed {
    public var regions: [RegionInfo]
    public init(regions: [RegionInfo]) { self.regions = regions }
    public static let schema: RPCSchema = .object([RPCField("regions", .array(RegionInfo.schema), "by name")])
}

public enum RegionsList: RPCMethod {
    public static let name = "regions.list"
    public static let summary = "The trust's regions, by name. Anyone coachd knows."
    public static let since = 9
    public typealias Params = NoParams
    public typealias Result = RegionList
}

public enum SchoolsSetRegion: RPCMethod {
    public static let name = "schools.setRegion"
    public static let summary = "Puts a school in a region. Admins only."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var region: Int64
        public init(school: Int64, region: Int64) {
            self.school = school
            self.region = region
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField("region", .integer, "region id"),
        ]
    }
    public typealias Result = SchoolInfo
}

public enum PeopleAccredit: RPCMethod {
    public static let name = "people.accredit"
    public static let summary =
        "Records the date a person was accredited as a coach (heads must be, to be paired). Admins only."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var person: Int64
        public var on: String
        public init(person: Int64, on: String) {
            self.person = person
            self.on = on
        }
        public static let fields = [
            RPCField("person", .integer, "person id"),
            RPCField("on", .string(format: "date"), "the date of accreditation"),
        ]
    }
    public typealias Result = PersonInfo
}

/// One of the programme's periods.
public struct PeriodInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var name: String
    public var term: String
    public var from: String
    public var to: String
    public init(id: Int64, name: String, term: String, from: String, to: String) {
        self.id = id
        self.name = name
        self.term = term
        self.from = from
        self.to = to
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "period id"),
        RPCField("name", .string(), "e.g. Autumn 1"),
        RPCField("term", .string(), "the term it is part of, e.g. Autumn 2026"),
        RPCField("from", .string(format: "date"), "first day"),
        RPCField("to", .string(format: "date"), "last day (inclusive)"),
    ])
}

public enum PeriodsAdd: RPCMethod {
    public static let name = "periods.add"
    public static let summary =
        "Adds one of the programme's periods (a half-term): a session is due from its first day per peer pair and overdue after its last; periods never overlap. Admins only."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var name: String
        public var term: String
        public var from: String
        public var to: String
        public init(name: String, term: String, from: String, to: String) {
            self.name = name
            self.term = term
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("name", .string(), "e.g. Autumn 1"),
            RPCField("term", .string(), "the term it belongs to, e.g. Autumn 2026"),
            RPCField("from", .string(format: "date"), "first day"),
            RPCField("to", .string(format: "date"), "last day (inclusive)"),
        ]
    }
    public typealias Result = CreatedID
}

/// What `periods.list` returns.
public struct PeriodList: Codable, Sendable, Hashable, RPCDescribed {
    public var periods: [PeriodInfo]
    public init(periods: [PeriodInfo]) { self.periods = periods }
    public static let schema: RPCSchema = .object([RPCField("periods", .array(PeriodInfo.schema), "oldest first")])
}

public enum PeriodsList: RPCMethod {
    public static let name = "periods.list"
    public static let summary = "The programme's periods, oldest first. Anyone coachd knows."
    public static let since = 9
    public typealias Params = NoParams
    public typealias Result = PeriodList
}

public enum PeersCreate: RPCMethod {
    public static let name = "peers.create"
    public static let summary =
        "Pairs two heads: both heads, active, accredited, of schools in different regions; each refusal names its rule. Admins and trust leads."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var a: Int64
        public var b: Int64
        public init(a: Int64, b: Int64) {
            self.a = a
            self.b = b
        }
        public static let fields = [
            RPCField("a", .integer, "one head's person id"),
            RPCField("b", .integer, "the other head's person id"),
        ]
    }
    public typealias Result = CreatedPeerPair
}

/// A peer pair, with its heads' names and regions.
public struct PeerPairInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var a: Int64
    public var aName: String
    public var b: Int64
    public var bName: String
    public var active: Bool
    /// The heads' regions' names, when their schools have one.
    public var aRegion: String?
    public var bRegion: String?
    public init(
        id: Int64, a: Int64, aName: String, b: Int64, bName: String, active: Bool, aRegion: String?,
        bRegion: String?
    ) {
        self.id = id
        self.a = a
        self.aName = aName
        self.b = b
        self.bName = bName
        self.active = active
        self.aRegion = aRegion
        self.bRegion = bRegion
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "peer pair id"),
        RPCField("a", .integer, "one head"),
        RPCField("aName", .string(), "their name"),
        RPCField("b", .integer, "the other head"),
        RPCField("bName", .string(), "their name"),
        RPCField("active", .boolean, "false once ended"),
        RPCField("aRegion", .string(), required: false, "a's school's region"),
        RPCField("bRegion", .string(), required: false, "b's school's region"),
    ])
}

/// What `peers.list` returns.
public struct PeerPairList: Codable, Sendable, Hashable, RPCDescribed {
    public var peers: [PeerPairInfo]
    public init(peers: [PeerPairInfo]) { self.peers = peers }
    public static let schema: RPCSchema = .object([RPCField("peers", .array(PeerPairInfo.schema), "by id")])
}

public enum PeersList: RPCMethod {
    public static let name = "peers.list"
    public static let summary =
        "Peer pairs: a head's own (or with mine), every pair for trust leads and admins; never notes."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var mine: Bool?
        public init(mine: Bool? = nil) { self.mine = mine }
        public static let fields = [
            RPCField("mine", .boolean, required: false, "only pairs the caller is one of the heads of")
        ]
    }
    public typealias Result = PeerPairList
}

/// What `peers.create` returns: the new pair's id and (API level 13) its two heads' names.
public struct CreatedPeerPair: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var aName: String?
    public var bName: String?
    public init(id: Int64, aName: String? = nil, bName: String? = nil) {
        self.id = id
        self.aName = aName
        self.bName = bName
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "the new id"),
        RPCField("aName", .string(), required: false, "head a's name (level 13)"),
        RPCField("bName", .string(), required: false, "head b's name (level 13)"),
    ])
}
