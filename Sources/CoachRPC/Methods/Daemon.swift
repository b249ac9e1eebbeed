/// `daemon.*`, `rpc.discover` and `people.me`: discovery and health, open to every caller.
public enum DaemonPing: RPCMethod {
    public static let name = "daemon.ping"
    public static let summary = "Answers \"pong\"; touches no store. For liveness checks."
    public typealias Params = NoParams
    public typealias Result = String
}

/// What `daemon.info` returns.
public struct DaemonInfoResult: Codable, Sendable, Hashable, RPCDescribed {
    public var version: String
    public var apiLevel: Int
    public var capabilities: [String]
    /// The git commit the daemon was built from (API level 3; absent from older daemons).
    public var commit: String?

    public init(version: String, apiLevel: Int, capabilities: [String], commit: String? = nil) {
        self.version = version
        self.apiLevel = apiLevel
        self.capabilities = capabilities
        self.commit = commit
    }

    public static let schema: RPCSchema = .object([
        RPCField("version", .string(), "the daemon's version"),
        RPCField("apiLevel", .integer, "the highest API level served (Docs/API-Changelog.md)"),
        RPCField("capabilities", .array(.string()), "optional features this daemon has"),
        RPCField("commit", .string(), required: false, "the git commit the daemon was built from (API level 3)"),
    ])
}

public enum DaemonInfo: RPCMethod {
    public static let name = "daemon.info"
    public static let summary = "Version, API level and capabilities."
    public typealias Params = NoParams
    public typealias Result = DaemonInfoResult
}

/// What `daemon.status` returns.
public struct DaemonStatusResult: Codable, Sendable, Hashable, RPCDescribed {
    public var version: String
    public var startedAt: String
    public var uptimeSeconds: Int
    public var pairs: Int
    public var dueToday: Int
    public var overdue: Int
    public var connections: Int
    public var schemaVersion: String
    public var nextTransition: String?
    public var status: String
    /// Whether this instance runs the scheduler (level 15; absent from older daemons).
    public var scheduler: Bool?

    public init(
        version: String, startedAt: String, uptimeSeconds: Int, pairs: Int, dueToday: Int, overdue: Int,
        connections: Int, schemaVersion: String, nextTransition: String?, status: String, scheduler: Bool? = nil
    ) {
        self.scheduler = scheduler
        self.version = version
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.pairs = pairs
        self.dueToday = dueToday
        self.overdue = overdue
        self.connections = connections
        self.schemaVersion = schemaVersion
        self.nextTransition = nextTransition
        self.status = status
    }

    public static let schema: RPCSchema = .object([
        RPCField("version", .string(), "the daemon's version"),
        RPCField("startedAt", .string(format: "date-time"), "when the daemon started"),
        RPCField("uptimeSeconds", .integer, "seconds since start"),
        RPCField("pairs", .integer, "active pairs"),
        RPCField("dueToday", .integer, "items due today (school-local)"),
        RPCField("overdue", .integer, "items overdue now"),
        RPCField("connections", .integer, "open client connections"),
        RPCField("schemaVersion", .string(), "the last applied store migration"),
        RPCField("nextTransition", .string(format: "date-time"), required: false, "when the scheduler next wakes"),
        RPCField("status", .string(), "the one-line status, as systemd shows it"),
        RPCField(
            "scheduler", .boolean, required: false,
            "whether this instance raises due transitions: always on SQLite; on PostgreSQL, the one instance "
                + "holding the scheduler's lock (level 15)"),
    ])
}

public enum DaemonStatus: RPCMethod {
    public static let name = "daemon.status"
    public static let summary = "Health and counts: pairs, due today, overdue, connections. Admins only."
    public typealias Params = NoParams
    public typealias Result = DaemonStatusResult
}

public enum RPCDiscover: RPCMethod {
    public static let name = "rpc.discover"
    public static let summary = "The OpenRPC document describing every method."
    public typealias Params = NoParams
    public typealias Result = JSONValue
}

/// What `people.me` returns.
public struct MeResult: Codable, Sendable, Hashable, RPCDescribed {
    public var uid: Int64
    public var person: PersonInfo?
    public var roles: [String]
    public var admin: Bool

    public init(uid: Int64, person: PersonInfo?, roles: [String], admin: Bool) {
        self.uid = uid
        self.person = person
        self.roles = roles
        self.admin = admin
    }

    public static let schema: RPCSchema = .object([
        RPCField("uid", .integer, "the caller's Unix uid, from SO_PEERCRED"),
        RPCField("person", PersonInfo.schema, required: false, "the person linked to that uid, or null"),
        RPCField("roles", .array(.string()), "roles held, \"admin\" included where it applies"),
        RPCField("admin", .boolean, "whether the caller is an admin"),
    ])
}

public enum PeopleMe: RPCMethod {
    public static let name = "people.me"
    public static let summary = "Who the daemon takes the caller to be: uid, person and roles."
    public typealias Params = NoParams
    public typealias Result = MeResult
}
