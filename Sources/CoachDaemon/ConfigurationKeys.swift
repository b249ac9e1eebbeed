import CoachDomain
import CoachRPCSocket

// Every configuration key, declared once: its name, type, default, range, unit, documentation and
// whether SIGHUP applies it. Reading and validation (DaemonConfiguration.swift), the restart-only
// list of a reload, the server's limits, Config/coachd.yaml (`coachd --print-config-sample`), the
// key table of Docs/Configuration.md and coachd.yaml(5) (`coachd --print-config-reference`) are all
// derived from `ConfigurationKeys.all`.
//
// Adding a key: a field in DaemonConfiguration whose initial value is `ConfigurationKeys.default(\.field)`,
// one entry in `ConfigurationKeys.all`, then `make config-docs` (part of `make docs`; Docs/Architecture.md,
// "Adding a configuration key"). `.live` only when the code reads the value from `CoachService.configuration`
// at each use (a reload replaces it); a value taken once at start is `.restart`.

/// The cycle's numbers are the domain's (`CyclePolicy`, which the domain's tests use); the server's
/// limits are the socket server's (`RPCServerConfiguration`, which its tests use). The declarations
/// read those defaults rather than repeat them.
private let domainPolicy = CyclePolicy()
private let serverDefaults = RPCServerConfiguration(socketPath: "")

private func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }

extension ConfigurationKeys {
    /// Every key, in the order of the YAML sample and the documentation table.
    public static let all: [ConfigurationKey] = [
        .path(
            "state.directory", \.stateDirectory, default: ".coachd", flag: "--state-dir", reload: .restart,
            defaultNote: "`$STATE_DIRECTORY` under systemd", "holds `coachd.sqlite`",
            sample: .commentedOut(
                "Left unset, it is $STATE_DIRECTORY under systemd (StateDirectory=coachd: /var/lib/coachd) and "
                    + "./.coachd elsewhere. This file is also installed as /etc/coachd/coachd.yaml, so do not set "
                    + "it here unless the daemon should ignore systemd's state directory.")),
        .oneOf(
            "store.backend", \.storeBackend, default: "sqlite", allowed: ["sqlite", "postgresql"], flag: nil,
            reload: .restart,
            "where the data lives: `sqlite`, the file `coachd.sqlite` in `state.directory`; or `postgresql`, a "
                + "trust's database shared by its schools (`store.postgresql.url`; Docs/Operations.md)"),
        .optionalText(
            "store.postgresql.url", \.postgresqlURL, type: "URL", reload: .restart,
            whenEmpty: "(none; required when `store.backend` is `postgresql`)",
            "the trust's database: `postgresql://USER@HOST:PORT/DB`, or `postgresql://USER@/DB?host=/run/postgresql` "
                + "over a Unix socket; never a password (see `store.postgresql.passwordFile`)"),
        .optionalText(
            "store.postgresql.passwordFile", \.postgresqlPasswordFile, type: "path", reload: .restart,
            whenEmpty: "`$CREDENTIALS_DIRECTORY/postgresql-password` when it exists (systemd `LoadCredential=`); "
                + "else no password",
            "a file whose first line is the PostgreSQL user's password"),
        .optionalText(
            "socket.path", \.socketPath, type: "path", flag: "--socket", reload: .restart,
            whenEmpty: "`<state.directory>/coachd.sock`", "socket to bind when systemd passes none"),
        .octalMode(
            "socket.mode", \.socketMode, default: serverDefaults.socketMode, flag: "--socket-mode", reload: .restart,
            server: { $0.socketMode = $1 }, "mode of a socket coachd binds itself"),
        .optionalText(
            "socket.group", \.socketGroup, type: "group name", flag: "--socket-group", reload: .restart,
            whenEmpty: "(the daemon's group)", "group of a socket coachd binds itself",
            server: { $0.socketGroup = $1 }),
        .optionalText(
            "admin.group", \.adminGroup, type: "group name", reload: .live, whenEmpty: "(none)",
            "members of this Unix group are admins, besides root and the daemon's own user"),
        .time(
            "school.dayStart", \.dayStart, default: LocalTime("08:30")!, reload: .live,
            "school-day start for schools added without their own hours"),
        .time(
            "school.dayEnd", \.dayEnd, default: LocalTime("15:30")!, reload: .live, rule: "after `school.dayStart`",
            "school-day end for schools added without their own hours"),
        .int(
            "cycle.maxDropInMinutes", \.policy.maxDropInMinutes, default: domainPolicy.maxDropInMinutes, in: 1...15,
            unit: "minutes", reload: .live, "longest drop-in"),
        .int(
            "cycle.defaultDropInMinutes", \.policy.defaultDropInMinutes, default: domainPolicy.defaultDropInMinutes,
            in: 1...15, unit: "minutes", reload: .live, rule: "at most `cycle.maxDropInMinutes`",
            defaultNote: "`cycle.maxDropInMinutes` when that is set lower", "a drop-in's length when none is given"),
        .int(
            "cycle.followUpSchoolDays", \.policy.followUpSchoolDays, default: domainPolicy.followUpSchoolDays,
            in: 0...20, unit: "school days", reload: .live, "the follow-up is due within this many school days"),
        .int(
            "cycle.practiseSchoolDays", \.policy.practiseSchoolDays, default: domainPolicy.practiseSchoolDays,
            in: 1...40, unit: "school days", reload: .live, "default practice window of an adaptation"),
        .int(
            "cycle.maxPractiseSchoolDays", \.policy.maxPractiseSchoolDays,
            default: domainPolicy.maxPractiseSchoolDays, in: 1...200, unit: "school days", reload: .live,
            "longest practice window accepted"),
        .int(
            "cycle.graceSchoolDays", \.policy.graceSchoolDays, default: domainPolicy.graceSchoolDays, in: 0...20,
            unit: "school days", reload: .live,
            "an item becomes overdue at the end of the school day this many school days after it fell due"),
        .int(
            "cycle.startHorizonDays", \.policy.startHorizonDays, default: domainPolicy.startHorizonDays,
            in: 1...3660, unit: "calendar days", reload: .live,
            "a drop-in may start at most this many calendar days ahead (`dropins.schedule`, `dropins.reschedule`); "
                + "once terms are entered, not after the last term either: a mistyped year is refused instead of "
                + "stalling the pair"),
        .int(
            "limits.maxLineBytes", \.maxLineBytes, default: serverDefaults.maxLineBytes, in: 1024...(64 << 20),
            unit: "bytes", reload: .restart, server: { $0.maxLineBytes = $1 }, "longest request line"),
        .int(
            "limits.maxConnections", \.maxConnections, default: serverDefaults.maxConnections, in: 1...65536,
            unit: "connections", reload: .restart, server: { $0.maxConnections = $1 },
            "open connections in total; more get `Busy`. Also the most requests running at once, counting work "
                + "past its deadline: more get `Busy`"),
        .int(
            "limits.maxConnectionsPerUid", \.maxConnectionsPerUID, default: serverDefaults.maxConnectionsPerUID,
            in: 1...65536, unit: "connections", reload: .restart, server: { $0.maxConnectionsPerUID = $1 },
            "open connections per uid; more get `Busy`"),
        .int(
            "limits.idleTimeoutSeconds", \.idleTimeoutSeconds, default: seconds(serverDefaults.idleTimeout),
            in: 1...86400, unit: "seconds", reload: .restart, server: { $0.idleTimeout = .seconds($1) },
            "idle connections are closed after this"),
        .int(
            "limits.requestTimeoutSeconds", \.requestTimeoutSeconds, default: seconds(serverDefaults.requestTimeout),
            in: 1...3600, unit: "seconds", reload: .restart, server: { $0.requestTimeout = .seconds($1) },
            "a request taking longer gets `DeadlineExceeded`"),
        .int(
            "limits.batchTimeoutSeconds", \.batchTimeoutSeconds, default: seconds(serverDefaults.batchTimeout),
            in: 1...3600, unit: "seconds", reload: .restart, server: { $0.batchTimeout = .seconds($1) },
            "a whole batch may take this long: a member still running then, and every member after it (unrun), "
                + "is answered `DeadlineExceeded`; each member also has `limits.requestTimeoutSeconds`"),
        .int(
            "limits.maxBatchRequests", \.maxBatchRequests, default: serverDefaults.maxBatchRequests, in: 1...100_000,
            unit: "requests", reload: .restart, server: { $0.maxBatchRequests = $1 },
            "a batch with more requests gets one Invalid Request error; none of it runs"),
        .int(
            "limits.maxBatchReplyBytes", \.maxBatchReplyBytes, default: serverDefaults.maxBatchReplyBytes,
            in: (64 << 10)...(1 << 30), unit: "bytes", reload: .restart, server: { $0.maxBatchReplyBytes = $1 },
            "once a batch's replies pass this, its remaining requests are answered `Busy` without running"),
        .int(
            "limits.maxUnsentReplyBytes", \.maxUnsentReplyBytes, default: serverDefaults.maxUnsentReplyBytes,
            in: (64 << 10)...(1 << 30), unit: "bytes", reload: .restart, server: { $0.maxUnsentReplyBytes = $1 },
            "a connection whose replies, written but not yet read by the client, pass this starts no request and "
                + "reads nothing more until they drain"),
        .int(
            "limits.closeAtUnsentReplyBytes", \.closeAtUnsentReplyBytes,
            default: serverDefaults.closeAtUnsentReplyBytes, in: ConfigurationKeys.leastCloseFloor...(4 << 30),
            unit: "bytes", reload: .restart,
            rule: "at least `limits.maxUnsentReplyBytes` + `limits.maxBatchReplyBytes` + 2 MiB",
            defaultNote: "or that sum, when larger", server: { $0.closeAtUnsentReplyBytes = $1 },
            "a connection whose unsent replies pass this is closed; the least it may be leaves room for a batch "
                + "reply that a client does read"),
        .int(
            "limits.maxUnsentReplyBytesTotal", \.maxUnsentReplyBytesTotal,
            default: serverDefaults.maxUnsentReplyBytesTotal, in: (1 << 20)...(16 << 30), unit: "bytes",
            reload: .restart, server: { $0.maxUnsentReplyBytesTotal = $1 },
            "unsent replies of all connections together, batches being built included; past it batch requests "
                + "are answered `Busy` unrun, and connections holding over 64 KiB stop reading"),
        .int(
            "limits.reservedAdminConnections", \.reservedAdminConnections,
            default: serverDefaults.reservedAdminConnections, in: 0...1024, unit: "connections", reload: .restart,
            server: { $0.reservedAdminConnections = $1 },
            "connections beyond `limits.maxConnections` (and beyond an admin's `limits.maxConnectionsPerUid`) "
                + "that only admins (root, the daemon's user, `admin.group`) may open, and as many places for "
                + "their running requests: `coachctl daemon status` and `backup` work during a flood"),
        .int(
            "daemon.drainSeconds", \.drainSeconds, default: seconds(serverDefaults.drainTimeout), in: 0...60,
            unit: "seconds", reload: .restart, server: { $0.drainTimeout = .seconds($1) },
            "on SIGTERM coachd stops accepting and reading, and gives the requests it has read this long to be "
                + "answered; then it closes what is left and exits. Keep it below the unit's `TimeoutStopSec` "
                + "(systemd's default 90 s)"),
        .bool(
            "cache.dueList", \.cacheDueList, default: true, reload: .restart,
            "keep each caller's encoded `due.list` answer until a change commits, an item turns overdue, or 1 s "
                + "passes (Docs/Performance.md); `false` computes every answer"),
        .bool(
            "cache.leadsView", \.cacheLeadsView, default: true, reload: .restart,
            "keep a whole school's encoded `reports.summary` and `coverage.list` answers until a change commits, "
                + "the school's day changes, a coverage item turns overdue, or 60 s pass; the caller is checked "
                + "every time (Docs/Performance.md); `false` computes every answer"),
        .int(
            "events.retentionDays", \.eventRetentionDays, default: 14, in: 1...3660, unit: "days", reload: .live,
            "days live events are kept for `events.subscribe` with `since` (`coachctl watch` reconnecting); older "
                + "ones are pruned (hourly), and a `since` before what is kept is refused with `InvalidParams` "
                + "saying so"),
        .int(
            "events.queueLimit", \.eventQueueLimit, default: 1000, in: 1...1_000_000, unit: "events", reload: .live,
            "events a subscriber may hold unread (written, not taken by its socket); past it the subscriber gets "
                + "`events.overflow` and is closed, and the others are not slowed. A reload applies to "
                + "subscriptions made after it"),
        .int(
            "scheduler.takeoverSeconds", \.schedulerTakeoverSeconds, default: 5, in: 1...300, unit: "seconds",
            reload: .restart,
            "with several coachd instances on one PostgreSQL database (issue 15): how often an instance that is not "
                + "the scheduler tries to take over (and the scheduler checks its lock's connection), so a dead "
                + "scheduler's transitions are raised by another within about this long. No effect on SQLite"),
        .int(
            "peer.sessionMinutes", \.peerSessionMinutes, default: 120, in: 30...480, unit: "minutes", reload: .live,
            "the length of a peer session (the heads' programme) when `sessions.schedule` gives no `minutes`: the "
                + "first coach coaches for the first half, the other head for the second"),
        .oneOf(
            "log.level", \.logLevel, default: "info",
            allowed: ["trace", "debug", "info", "notice", "warning", "error", "critical"], flag: "--log-level",
            reload: .restart, "the least severe message logged"),
    ]

    /// The least `limits.closeAtUnsentReplyBytes` can be whatever the other limits are.
    static let leastCloseFloor = (64 << 10) + (64 << 10) + (2 << 20)
}
