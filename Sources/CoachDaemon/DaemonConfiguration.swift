public import CoachDomain
import Configuration
import Foundation

/// Everything coachd reads from its configuration: one YAML file, overridden by `COACHD_*`
/// environment variables, overridden by command-line flags. Every key, its type and its default
/// is listed in Docs/Configuration.md; `validate` refuses bad values with the key's name.
public struct DaemonConfiguration: Sendable, Hashable {
    /// Where the database lives (`state.directory`).
    public var stateDirectory: String = ".coachd"
    /// The socket coachd binds when systemd passes none (`socket.path`; default `<state dir>/coachd.sock`).
    public var socketPath: String?
    /// Mode of a socket coachd binds itself (`socket.mode`, octal).
    public var socketMode: UInt32 = 0o660
    /// Group of a socket coachd binds itself (`socket.group`; empty keeps the daemon's group).
    public var socketGroup: String?
    /// Members of this Unix group are admins (`admin.group`).
    public var adminGroup: String?
    /// Default school-day start for new schools (`school.dayStart`).
    public var dayStart = LocalTime("08:30")!
    /// Default school-day end for new schools (`school.dayEnd`).
    public var dayEnd = LocalTime("15:30")!
    /// The micro-cycle's numbers (`cycle.*`).
    public var policy = CyclePolicy()
    /// Longest request line in bytes (`limits.maxLineBytes`).
    public var maxLineBytes = 1 << 20
    /// Open connections in total (`limits.maxConnections`).
    public var maxConnections = 256
    /// Open connections per uid (`limits.maxConnectionsPerUid`).
    public var maxConnectionsPerUID = 32
    /// Seconds an idle connection is kept (`limits.idleTimeoutSeconds`).
    public var idleTimeoutSeconds = 300
    /// Seconds a request may take (`limits.requestTimeoutSeconds`).
    public var requestTimeoutSeconds = 30
    /// Seconds a whole batch may take (`limits.batchTimeoutSeconds`).
    public var batchTimeoutSeconds = 60
    /// Requests one batch may hold (`limits.maxBatchRequests`).
    public var maxBatchRequests = 1000
    /// Bytes of replies one batch may build before the rest is answered `Busy` (`limits.maxBatchReplyBytes`).
    public var maxBatchReplyBytes = 4 << 20
    /// Unsent reply bytes past which a connection stops reading (`limits.maxUnsentReplyBytes`).
    public var maxUnsentReplyBytes = 256 << 10
    /// Unsent reply bytes past which a connection is closed (`limits.closeAtUnsentReplyBytes`).
    public var closeAtUnsentReplyBytes = 8 << 20
    /// Unsent reply bytes the daemon holds for all connections together (`limits.maxUnsentReplyBytesTotal`).
    public var maxUnsentReplyBytesTotal = 64 << 20
    /// Connections only admins may use beyond `maxConnections` (`limits.reservedAdminConnections`).
    public var reservedAdminConnections = 4
    /// Seconds a stopping daemon gives connections to answer the requests they have read
    /// (`daemon.drainSeconds`); below systemd's TimeoutStopSec (90 s by default).
    public var drainSeconds = 10
    /// Log level (`log.level`): trace, debug, info, notice, warning, error, critical.
    public var logLevel = "info"
    /// Keep encoded `due.list` answers per caller until something changes (`cache.dueList`).
    public var cacheDueList = true
    /// Days live events are kept for clients reconnecting with `since` (`events.retentionDays`).
    public var eventRetentionDays = 14
    /// Events a subscriber may hold unread before it is sent `events.overflow` and closed (`events.queueLimit`).
    public var eventQueueLimit = 1000
    /// A peer session's length when `sessions.schedule` gives none (`peer.sessionMinutes`, issue 14).
    public var peerSessionMinutes = 120

    public init() {}

    /// The socket path in effect.
    public var effectiveSocketPath: String {
        socketPath ?? (stateDirectory as NSString).appendingPathComponent("coachd.sock")
    }

    /// The database file.
    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("coachd.sqlite") }
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

    /// Reads and validates every key.
    init(reader: ConfigReader, defaultStateDirectory: String) throws {
        self.init()
        let keys = KeyReader(reader: reader)
        stateDirectory = try keys.string("state.directory", default: defaultStateDirectory)
        socketPath = try keys.string("socket.path", default: "").nilIfEmpty
        let mode = try keys.string("socket.mode", default: "0660")
        guard let parsedMode = UInt32(mode, radix: 8), parsedMode <= 0o777 else {
            throw ConfigurationError(key: "socket.mode", "\"\(mode)\" is not an octal file mode such as 0660")
        }
        socketMode = parsedMode
        socketGroup = try keys.string("socket.group", default: "").nilIfEmpty
        adminGroup = try keys.string("admin.group", default: "").nilIfEmpty
        dayStart = try keys.time("school.dayStart", default: dayStart)
        dayEnd = try keys.time("school.dayEnd", default: dayEnd)
        guard dayStart < dayEnd else {
            throw ConfigurationError(key: "school.dayEnd", "must be after school.dayStart (\(dayStart))")
        }
        policy.maxDropInMinutes = try keys.int("cycle.maxDropInMinutes", default: 15, in: 1...15)
        policy.defaultDropInMinutes = try keys.int(
            "cycle.defaultDropInMinutes", default: policy.maxDropInMinutes, in: 1...policy.maxDropInMinutes)
        policy.followUpSchoolDays = try keys.int("cycle.followUpSchoolDays", default: 2, in: 0...20)
        policy.practiseSchoolDays = try keys.int("cycle.practiseSchoolDays", default: 5, in: 1...40)
        policy.maxPractiseSchoolDays = try keys.int("cycle.maxPractiseSchoolDays", default: 40, in: 1...200)
        policy.graceSchoolDays = try keys.int("cycle.graceSchoolDays", default: 0, in: 0...20)
        policy.startHorizonDays = try keys.int("cycle.startHorizonDays", default: 365, in: 1...3660)
        maxLineBytes = try keys.int("limits.maxLineBytes", default: maxLineBytes, in: 1024...(64 << 20))
        maxConnections = try keys.int("limits.maxConnections", default: maxConnections, in: 1...65536)
        maxConnectionsPerUID = try keys.int("limits.maxConnectionsPerUid", default: maxConnectionsPerUID, in: 1...65536)
        idleTimeoutSeconds = try keys.int("limits.idleTimeoutSeconds", default: idleTimeoutSeconds, in: 1...86400)
        requestTimeoutSeconds = try keys.int(
            "limits.requestTimeoutSeconds", default: requestTimeoutSeconds, in: 1...3600)
        batchTimeoutSeconds = try keys.int("limits.batchTimeoutSeconds", default: batchTimeoutSeconds, in: 1...3600)
        maxBatchRequests = try keys.int("limits.maxBatchRequests", default: maxBatchRequests, in: 1...100_000)
        maxBatchReplyBytes = try keys.int(
            "limits.maxBatchReplyBytes", default: maxBatchReplyBytes, in: (64 << 10)...(1 << 30))
        maxUnsentReplyBytes = try keys.int(
            "limits.maxUnsentReplyBytes", default: maxUnsentReplyBytes, in: (64 << 10)...(1 << 30))
        // A batch reply to a client that reads it must never close its connection: room for the
        // pause limit, the batch limit, and the one reply (up to a 1 MiB backup chunk in base64)
        // that may take a batch past its limit.
        let leastClose = maxUnsentReplyBytes + maxBatchReplyBytes + (2 << 20)
        closeAtUnsentReplyBytes = try keys.int(
            "limits.closeAtUnsentReplyBytes", default: max(closeAtUnsentReplyBytes, leastClose),
            in: leastClose...max(leastClose, 4 << 30),
            why: "at least limits.maxUnsentReplyBytes + limits.maxBatchReplyBytes + 2 MiB")
        maxUnsentReplyBytesTotal = try keys.int(
            "limits.maxUnsentReplyBytesTotal", default: maxUnsentReplyBytesTotal, in: (1 << 20)...(16 << 30))
        reservedAdminConnections = try keys.int(
            "limits.reservedAdminConnections", default: reservedAdminConnections, in: 0...1024)
        drainSeconds = try keys.int("daemon.drainSeconds", default: drainSeconds, in: 0...60)
        cacheDueList = try keys.bool("cache.dueList", default: cacheDueList)
        eventRetentionDays = try keys.int("events.retentionDays", default: eventRetentionDays, in: 1...3660)
        eventQueueLimit = try keys.int("events.queueLimit", default: eventQueueLimit, in: 1...1_000_000)
        peerSessionMinutes = try keys.int("peer.sessionMinutes", default: peerSessionMinutes, in: 30...480)
        logLevel = try keys.string("log.level", default: logLevel)
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw ConfigurationError(
                key: "log.level", "\"\(logLevel)\" is not one of \(levels.joined(separator: ", "))")
        }
    }
}

/// Reads typed keys, telling a missing key (default) from a present but unusable one (error).
private struct KeyReader {
    let reader: ConfigReader

    func string(_ key: String, default value: String) throws -> String {
        if let text = reader.string(forKey: ConfigKey(key)) { return text }
        if let number = reader.int(forKey: ConfigKey(key)) { return String(number) }
        return value
    }

    /// - Parameter why: what the range follows from, when it depends on other keys.
    func int(_ key: String, default value: Int, in range: ClosedRange<Int>, why: String? = nil) throws -> Int {
        if let number = reader.int(forKey: ConfigKey(key)) ?? reader.string(forKey: ConfigKey(key)).flatMap({ Int($0) })
        {
            guard range.contains(number) else {
                let reason = why.map { " (\($0))" } ?? ""
                throw ConfigurationError(
                    key: key, "\(number) is out of range \(range.lowerBound)…\(range.upperBound)\(reason)")
            }
            return number
        }
        if let raw = reader.string(forKey: ConfigKey(key)) ?? reader.bool(forKey: ConfigKey(key)).map(String.init) {
            throw ConfigurationError(key: key, "\"\(raw)\" is not a whole number")
        }
        return value
    }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        if let flag = reader.bool(forKey: ConfigKey(key)) { return flag }
        guard let raw = reader.string(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(String.init)
        else {
            return value
        }
        switch raw.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError(key: key, "\"\(raw)\" is not true or false")
        }
    }

    func time(_ key: String, default value: LocalTime) throws -> LocalTime {
        guard let raw = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let time = LocalTime(raw) else {
            throw ConfigurationError(key: key, "\"\(raw)\" is not a time of day as HH:MM")
        }
        return time
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
