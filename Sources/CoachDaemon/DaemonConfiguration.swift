public import CoachDomain
import Configuration
import Foundation

/// Everything coachd reads from its configuration: one YAML file, overridden by `COACHD_*`
/// environment variables, overridden by command-line flags. Every field is one key declared in
/// `ConfigurationKeys.all` (ConfigurationKeys.swift) with its type, default, range and documentation;
/// its initial value is the declared default, and `load` reads and checks it as declared.
public struct DaemonConfiguration: Sendable, Hashable {
    /// Where the database lives (`state.directory`).
    public var stateDirectory: String = ConfigurationKeys.default(\.stateDirectory)
    /// Where the data lives (`store.backend`): `sqlite` or `postgresql` (issue 15).
    public var storeBackend: String = ConfigurationKeys.default(\.storeBackend)
    /// The trust's PostgreSQL database (`store.postgresql.url`), never with a password.
    public var postgresqlURL: String? = ConfigurationKeys.default(\.postgresqlURL)
    /// The file holding the PostgreSQL password (`store.postgresql.passwordFile`).
    public var postgresqlPasswordFile: String? = ConfigurationKeys.default(\.postgresqlPasswordFile)
    /// The socket coachd binds when systemd passes none (`socket.path`; default `<state dir>/coachd.sock`).
    public var socketPath: String? = ConfigurationKeys.default(\.socketPath)
    /// Mode of a socket coachd binds itself (`socket.mode`, octal).
    public var socketMode: UInt32 = ConfigurationKeys.default(\.socketMode)
    /// Group of a socket coachd binds itself (`socket.group`; empty keeps the daemon's group).
    public var socketGroup: String? = ConfigurationKeys.default(\.socketGroup)
    /// Members of this Unix group are admins (`admin.group`).
    public var adminGroup: String? = ConfigurationKeys.default(\.adminGroup)
    /// Default school-day start for new schools (`school.dayStart`).
    public var dayStart: LocalTime = ConfigurationKeys.default(\.dayStart)
    /// Default school-day end for new schools (`school.dayEnd`).
    public var dayEnd: LocalTime = ConfigurationKeys.default(\.dayEnd)
    /// The micro-cycle's numbers (`cycle.*`).
    public var policy = CyclePolicy()
    /// Longest request line in bytes (`limits.maxLineBytes`).
    public var maxLineBytes: Int = ConfigurationKeys.default(\.maxLineBytes)
    /// Open connections in total (`limits.maxConnections`).
    public var maxConnections: Int = ConfigurationKeys.default(\.maxConnections)
    /// Open connections per uid (`limits.maxConnectionsPerUid`).
    public var maxConnectionsPerUID: Int = ConfigurationKeys.default(\.maxConnectionsPerUID)
    /// Seconds an idle connection is kept (`limits.idleTimeoutSeconds`).
    public var idleTimeoutSeconds: Int = ConfigurationKeys.default(\.idleTimeoutSeconds)
    /// Seconds a request may take (`limits.requestTimeoutSeconds`).
    public var requestTimeoutSeconds: Int = ConfigurationKeys.default(\.requestTimeoutSeconds)
    /// Seconds a whole batch may take (`limits.batchTimeoutSeconds`).
    public var batchTimeoutSeconds: Int = ConfigurationKeys.default(\.batchTimeoutSeconds)
    /// Requests one batch may hold (`limits.maxBatchRequests`).
    public var maxBatchRequests: Int = ConfigurationKeys.default(\.maxBatchRequests)
    /// Bytes of replies one batch may build before the rest is answered `Busy` (`limits.maxBatchReplyBytes`).
    public var maxBatchReplyBytes: Int = ConfigurationKeys.default(\.maxBatchReplyBytes)
    /// Unsent reply bytes past which a connection stops reading (`limits.maxUnsentReplyBytes`).
    public var maxUnsentReplyBytes: Int = ConfigurationKeys.default(\.maxUnsentReplyBytes)
    /// Unsent reply bytes past which a connection is closed (`limits.closeAtUnsentReplyBytes`).
    public var closeAtUnsentReplyBytes: Int = ConfigurationKeys.default(\.closeAtUnsentReplyBytes)
    /// Unsent reply bytes the daemon holds for all connections together (`limits.maxUnsentReplyBytesTotal`).
    public var maxUnsentReplyBytesTotal: Int = ConfigurationKeys.default(\.maxUnsentReplyBytesTotal)
    /// Connections only admins may use beyond `maxConnections` (`limits.reservedAdminConnections`).
    public var reservedAdminConnections: Int = ConfigurationKeys.default(\.reservedAdminConnections)
    /// Seconds a stopping daemon gives connections to answer the requests they have read
    /// (`daemon.drainSeconds`); below systemd's TimeoutStopSec (90 s by default).
    public var drainSeconds: Int = ConfigurationKeys.default(\.drainSeconds)
    /// Log level (`log.level`): trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = ConfigurationKeys.default(\.logLevel)
    /// Keep encoded `due.list` answers per caller until something changes (`cache.dueList`).
    public var cacheDueList: Bool = ConfigurationKeys.default(\.cacheDueList)
    public var cacheLeadsView: Bool = ConfigurationKeys.default(\.cacheLeadsView)
    /// Days live events are kept for clients reconnecting with `since` (`events.retentionDays`).
    public var eventRetentionDays: Int = ConfigurationKeys.default(\.eventRetentionDays)
    /// Seconds between an instance's tries to become the scheduler on a shared store (`scheduler.takeoverSeconds`).
    public var schedulerTakeoverSeconds: Int = ConfigurationKeys.default(\.schedulerTakeoverSeconds)
    /// Events a subscriber may hold unread before it is sent `events.overflow` and closed (`events.queueLimit`).
    public var eventQueueLimit: Int = ConfigurationKeys.default(\.eventQueueLimit)
    /// A peer session's length when `sessions.schedule` gives none (`peer.sessionMinutes`, issue 14).
    public var peerSessionMinutes: Int = ConfigurationKeys.default(\.peerSessionMinutes)

    public init() {}

    /// The socket path in effect.
    public var effectiveSocketPath: String {
        socketPath ?? (stateDirectory as NSString).appendingPathComponent("coachd.sock")
    }

    /// The database file.
    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("coachd.sqlite") }
}

extension DaemonConfiguration {
    /// What stops the configured store from being opened, checked when coachd starts (not on every
    /// load: the store's keys need a restart, and each may be given on its own).
    public var storeProblem: ConfigurationError? {
        if storeBackend == "postgresql" && postgresqlURL == nil {
            return ConfigurationError(
                key: "store.postgresql.url", "is required when store.backend is postgresql (postgresql://USER@HOST/DB)")
        }
        return nil
    }
}

/// A configuration value that cannot be used, named by its key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "configuration key \(key): \(message)" }
}

extension DaemonConfiguration {
    /// The file read when `--config` is not given and it exists.
    public static let systemFile = "/etc/coachd/coachd.yaml"

    /// Loads flags > environment (`COACHD_…`) > file > defaults, and validates the result.
    /// - Parameters:
    ///   - file: the YAML file; nil reads `systemFile` when present.
    ///   - overrides: values from command-line flags, by key (`socket.path`, …).
    ///   - environment: the process environment.
    public static func load(
        file: String?, overrides: [String: String], environment: [String: String]
    ) async throws -> DaemonConfiguration {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(
                name: "flags",
                values: Dictionary(
                    uniqueKeysWithValues: overrides.map {
                        (AbsoluteConfigKey(ConfigKey($0.key)), ConfigValue(.string($0.value), isSecret: false))
                    })),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "coachd"),
        ]
        let path = file ?? (FileManager.default.fileExists(atPath: systemFile) ? systemFile : nil)
        if let path {
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: .init(path)))
            } catch {
                throw ConfigurationError(key: "--config", "cannot read \(path): \(error)")
            }
        }
        // Under systemd, StateDirectory= names the directory; elsewhere the checkout's .coachd/.
        let defaultState = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init) ?? ".coachd"
        return try DaemonConfiguration(reader: ConfigReader(providers: providers), defaultStateDirectory: defaultState)
    }

    /// Reads and validates every declared key (`ConfigurationKeys.all`), then the rules between keys.
    init(reader: ConfigReader, defaultStateDirectory: String) throws {
        self.init()
        stateDirectory = defaultStateDirectory
        let keys = ConfigurationKeyReader(reader: reader)
        var present: Set<String> = []
        for key in ConfigurationKeys.all where try key.read(&self, keys) {
            present.insert(key.name)
        }
        try checkRulesBetweenKeys(present: present)
    }

    /// The rules a key's declaration names (`rule`) that depend on other keys.
    private mutating func checkRulesBetweenKeys(present: Set<String>) throws {
        guard dayStart < dayEnd else {
            throw ConfigurationError(key: "school.dayEnd", "must be after school.dayStart (\(dayStart))")
        }
        if !present.contains("cycle.defaultDropInMinutes") {
            policy.defaultDropInMinutes = min(policy.defaultDropInMinutes, policy.maxDropInMinutes)
        } else if policy.defaultDropInMinutes > policy.maxDropInMinutes {
            throw ConfigurationError(
                key: "cycle.defaultDropInMinutes",
                "\(policy.defaultDropInMinutes) is out of range 1…\(policy.maxDropInMinutes) (at most cycle.maxDropInMinutes)"
            )
        }
        if let url = postgresqlURL, URLComponents(string: url)?.password != nil {
            throw ConfigurationError(
                key: "store.postgresql.url",
                "must not hold a password; put it in the file named by store.postgresql.passwordFile")
        }
        // A batch reply to a client that reads it must never close its connection: room for the
        // pause limit, the batch limit, and the one reply (up to a 1 MiB backup chunk in base64)
        // that may take a batch past its limit.
        let leastClose = maxUnsentReplyBytes + maxBatchReplyBytes + (2 << 20)
        if !present.contains("limits.closeAtUnsentReplyBytes") {
            closeAtUnsentReplyBytes = max(closeAtUnsentReplyBytes, leastClose)
        } else if closeAtUnsentReplyBytes < leastClose {
            throw ConfigurationError(
                key: "limits.closeAtUnsentReplyBytes",
                "\(closeAtUnsentReplyBytes) is out of range \(leastClose)…\(max(leastClose, 4 << 30)) "
                    + "(at least limits.maxUnsentReplyBytes + limits.maxBatchReplyBytes + 2 MiB)")
        }
    }
}
