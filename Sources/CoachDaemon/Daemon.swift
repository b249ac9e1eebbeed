import CoachDomain
import CoachRPC
import CoachRPCSocket
import CoachStore
public import CoachSystemd
import CoachVersion
public import Foundation
public import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// The daemon's version, as `daemon.info` and `coachd --version` report it.
public let coachdVersion = BuildStamp.version

/// Reads the configuration again (for SIGHUP); throws when it does not parse or validate.
public typealias ConfigurationLoader = @Sendable () async throws -> DaemonConfiguration

/// The whole daemon, built by one function that `coachd` and the tests both call.
public struct Daemon: Sendable {
    let service: CoachService
    let server: RPCSocketServer
    let timer: DueTimer
    let logger: Logger
    let notifier: ServiceNotifier
    /// Held while the daemon runs: one daemon per state directory.
    let lock: StateDirectoryLock?
    /// The configuration the daemon started with.
    public let configuration: DaemonConfiguration

    /// The path the daemon listens on.
    public var socketPath: String { server.boundPath }

    /// The event loops serving the socket, one per core, made once per process. Not the singleton
    /// group: in `coachd` that one is Swift concurrency's executor (issue 9), and a flood of tasks
    /// there must not keep the socket from accepting and reading. Idle, they wait in `epoll_wait`.
    static let socketLoops = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)

    /// Opens the store, loads the due items (raising what was missed while down), and binds the
    /// socket — or adopts the one systemd passed. When this returns the daemon can serve.
    public static func build(
        configuration: DaemonConfiguration, logger: Logger, notifier: ServiceNotifier = ServiceNotifier(),
        inheritedFD: Int32? = SocketActivation.listeningSockets().first,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> Daemon {
        if let narrowed = try PrivateFiles.secureDirectory(configuration.stateDirectory) {
            logger.notice("\(narrowed)")
        }
        let lock = try StateDirectoryLock.acquire(configuration.stateDirectory)
        // Opening connects and migrates, blocking: on a store thread, never on the executor's event loops.
        let environment = ProcessInfo.processInfo.environment
        let (store, database) = try await StoreThreads.shared.run {
            try StoreOpening.open(configuration, environment: environment)
        }
        if configuration.storeBackend == "sqlite", !StateDirectory.isWritable(configuration.stateDirectory) {
            // Reads are served from the open database; every change will fail with StoreUnavailable.
            logger.error(
                "the state directory \(configuration.stateDirectory) is read-only: serving reads, refusing changes",
                metadata: ["coachd.event": "\(JournalEvent.storeError.rawValue)"])
        }
        // Several instances on one PostgreSQL database: only the lease's holder raises (issue 15).
        let lease = (store as? any SharedStore)?.makeSchedulerLease()
        let timer = DueTimer(store: store, logger: logger, now: now, lease: lease)
        // Reads the next transition time only; what was missed while down is raised by the timer
        // service as soon as the daemon runs (after READY), so a long catch-up never delays it.
        try await timer.load(policy: configuration.policy)
        let admins = AdminPolicy(daemonUID: getuid(), adminGroup: configuration.adminGroup)
        let service = CoachService(
            store: store, timer: timer, configuration: configuration, admins: admins, now: now, logger: logger,
            version: coachdVersion)
        await service.backups.removeLeftovers()
        await timer.whenRaised { [events = service.events] in events.poke() }
        var serverConfiguration = configuration.serverConfiguration(inheritedFD: inheritedFD)
        // The socket's own loops: Swift tasks run on the singleton's in `coachd` (issue 9).
        serverConfiguration.eventLoopGroup = Self.socketLoops
        // The socket layer keeps slots for admins; who they are is decided here, as for permissions
        // (and follows the admin group across reloads).
        serverConfiguration.isAdmin = { [admins] peer in admins.isAdmin(uid: peer.uid, gid: peer.gid) }
        let server = try await RPCSocketServer.bind(serverConfiguration, logger: logger)
        logger.info(
            "coachd listening on \(server.boundPath)",
            metadata: [
                "coachd.event": "\(JournalEvent.daemonStarted.rawValue)", "coachd.socket": "\(server.boundPath)",
                "coachd.socket_activated": "\(inheritedFD != nil)", "coachd.database": "\(database)",
                "coachd.version": "\(coachdVersion)",
            ])
        return Daemon(
            service: service, server: server, timer: timer, logger: logger, notifier: notifier, lock: lock,
            configuration: configuration)
    }

    /// Tells systemd it is ready, then serves until SIGTERM or SIGINT (or task cancellation), and
    /// shuts down in order. SIGHUP reloads the configuration with `reload`, when given. `signals`
    /// says who hears them: Dispatch signal sources (any process), or the main thread's `sigwait`
    /// (`coachd`, after `DaemonProcess.prepareMainThread()`; no Dispatch thread, issue 9).
    public func run(reload: ConfigurationLoader? = nil, signals: DaemonSignals = .dispatch) async throws {
        let table = try service.methodTable(connections: { [server] in server.connectionCount })
        let dispatcher = CoachDispatcher(table: table, logger: logger)
        let status = StatusService(timer: timer, notifier: notifier)
        await timer.observe { status.poke() }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ServerService(server: server, dispatcher: dispatcher)),
            .init(service: TimerService(timer: timer)),
            .init(service: EventService(hub: service.events, service: service)),
            .init(service: ReportFactsService(keeper: service.reportFacts)),
            .init(service: status),
            .init(service: ShutdownNotice(notifier: notifier, logger: logger)),
        ]
        if let shared = service.store as? any SharedStore {
            services.append(
                .init(
                    service: SchedulerLeaseService(
                        timer: timer, interval: .seconds(configuration.schedulerTakeoverSeconds))))
            services.append(.init(service: ChangeListenerService(store: shared, service: service, logger: logger)))
        }
        if let interval = notifier.watchdogInterval {
            let watchdog = WatchdogService(
                interval: interval, timer: timer, ping: { [notifier] in notifier.watchdog() })
            services.append(.init(service: watchdog))
        }
        // With the relay, the signals come from the main thread; listening starts before READY=1.
        let relayed: AsyncStream<Int32>? = signals == .relay ? SignalRelay.shared.listen() : nil
        defer { if relayed != nil { SignalRelay.shared.stopListening() } }
        let (hangups, hangup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        if let reload {
            // SIGHUP is trapped before READY=1: systemd may send `reload` as soon as we are ready, and
            // an untrapped SIGHUP would end the process.
            let status: @Sendable () async -> String = { await Self.statusLine(timer) }
            if relayed != nil {
                services.append(
                    .init(
                        service: ReloadService(
                            signals: hangups, load: reload, service: service, notifier: notifier, logger: logger,
                            status: status)))
            } else {
                services.append(
                    .init(
                        service: ReloadService(
                            signals: await UnixSignalsSequence(trapping: .sighup), load: reload, service: service,
                            notifier: notifier, logger: logger, status: status)))
            }
        }
        notifier.ready(status: await Self.statusLine(timer))
        let group = ServiceGroup(
            configuration: .init(
                services: services, gracefulShutdownSignals: relayed == nil ? [.sigterm, .sigint] : [], logger: logger))
        if let relayed {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask { [logger] in
                    for await signal in relayed {
                        if signal == SIGHUP {
                            hangup.yield()
                        } else {
                            logger.debug("signal \(signal): shutting down")
                            await group.triggerGracefulShutdown()
                        }
                    }
                }
                // The group ends first (the relay never does); then stop listening.
                try await tasks.next()
                tasks.cancelAll()
            }
        } else {
            try await group.run()
        }
        hangup.finish()
        logger.info("coachd stopped")
    }

    /// What `coachd --check-database FILE` prints, and whether the file is sound.
    public static func checkDatabase(at path: String) throws -> (text: String, sound: Bool) {
        do {
            let (version, problems) = try SQLiteStore.check(path: path)
            if problems.isEmpty { return ("\(path): ok (schema \(version))\n", true) }
            return (
                "\(path): \(problems.count) problem(s) (schema \(version))\n"
                    + problems.map { "  \($0)\n" }.joined(), false
            )
        } catch let error as StoreError {
            return ("\(path): \(error.message)\n", false)
        }
    }

    /// The one-line status: `12 pairs · 3 due today · 1 overdue`.
    public func statusLine() async -> String {
        await Self.statusLine(timer)
    }

    static func statusLine(_ timer: DueTimer) async -> String {
        do {
            return CoachService.statusLine(try await timer.counts(at: timer.currentTime()))
        } catch {
            return "status unavailable: \(error)"
        }
    }
}

/// The socket server as a lifecycle service. Graceful shutdown (SIGTERM) drains it: no new
/// connections or requests, every request already read answered (within `daemon.drainSeconds`),
/// then the connections close. The group shuts its services down in reverse order, so this first
/// one drains last, after the timer has stopped; the store stays open until `run` returns.
struct ServerService: Service {
    let server: RPCSocketServer
    let dispatcher: CoachDispatcher

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve(dispatcher)
        } onGracefulShutdown: { [server] in
            server.shutDown()
        }
    }
}

/// The due timer as a lifecycle service.
struct TimerService: Service {
    let timer: DueTimer

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await timer.run()
        }
    }
}

/// Delivers live events until shutdown (`EventHub`).
struct EventService: Service {
    let hub: EventHub
    let service: CoachService

    func run() async throws {
        await cancelWhenGracefulShutdown { [service] in
            await hub.run(retention: { EventRetention(days: service.configuration.eventRetentionDays) })
        }
    }
}

/// Keeps systemd's STATUS= line current; coalesces bursts of changes into one update.
final class StatusService: Service, @unchecked Sendable {
    let timer: DueTimer
    let notifier: ServiceNotifier
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init(timer: DueTimer, notifier: ServiceNotifier) {
        self.timer = timer
        self.notifier = notifier
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Something changed: refresh the status soon.
    func poke() { continuation.yield() }

    func run() async throws {
        guard notifier.isActive else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            var last = ""
            for await _ in self.stream {
                let line = await Daemon.statusLine(self.timer)
                if line != last {
                    self.notifier.status(line)
                    last = line
                }
            }
        }
    }
}

/// Pings systemd's watchdog at half the interval — but only after the scheduler actor and every
/// NIO event loop (the ones serving the socket) have answered, so a stuck daemon stops pinging and
/// systemd restarts it.
struct WatchdogService: Service {
    let interval: Duration
    let timer: DueTimer
    /// The event loops that must answer: the socket's (the singleton's run this task itself).
    var eventLoops: any EventLoopGroup = Daemon.socketLoops
    /// Sends `WATCHDOG=1`.
    let ping: @Sendable () -> Void

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard await timer.heartbeat() else { return }
                for loop in eventLoops.makeIterator() {
                    try await loop.submit {}.get()
                }
                ping()
                // On an event loop's timer: `Task.sleep` would start Dispatch's pool monitor (issue 9).
                try await sleepOnEventLoop(interval / 2)
            }
        }
    }
}

/// Says STOPPING=1 (and logs it) as soon as graceful shutdown begins.
struct ShutdownNotice: Service {
    let notifier: ServiceNotifier
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        notifier.stopping()
        logger.notice("coachd stopping", metadata: ["coachd.event": "\(JournalEvent.daemonStopping.rawValue)"])
    }
}

/// Reloads the configuration on SIGHUP: RELOADING=1, read and validate, apply or keep the old one, READY=1.
struct ReloadService<Signals: AsyncSequence & Sendable>: Service {
    /// SIGHUP, trapped by whoever builds the service (before READY=1): swift-service-lifecycle's
    /// `UnixSignalsSequence`, or the hang-ups `SignalRelay` hands on.
    let signals: Signals
    let load: ConfigurationLoader
    let service: CoachService
    let notifier: ServiceNotifier
    let logger: Logger
    let status: @Sendable () async -> String

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var hangups = signals.makeAsyncIterator()
            while (try? await hangups.next()) != nil {
                await reloadOnce()
            }
        }
    }

    func reloadOnce() async {
        notifier.reloading()
        do {
            let configuration = try await load()
            let pending = try await service.reload(configuration)
            let restart = pending.isEmpty ? "" : "; restart to apply \(pending.joined(separator: ", "))"
            logger.notice(
                "configuration reloaded\(restart)",
                metadata: ["coachd.event": "\(JournalEvent.daemonReloaded.rawValue)"])
        } catch {
            logger.error(
                "configuration rejected, the running one stays: \(error)",
                metadata: ["coachd.event": "\(JournalEvent.daemonReloadFailed.rawValue)"])
        }
        notifier.ready(status: await status())
    }
}

/// Facts about the state directory that the store cannot tell by itself.
enum StateDirectory {
    /// False when the directory's file system is mounted read-only or coachd may not write there.
    static func isWritable(_ path: String) -> Bool {
        var info = statvfs()
        if statvfs(path, &info) == 0, info.f_flag & UInt(ST_RDONLY) != 0 { return false }
        return access(path, W_OK) == 0
    }
}
