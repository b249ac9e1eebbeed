// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    public import CoachStore
    import Foundation
    import Logging
    import NIOCore
    import NIOPosix
    import PostgresNIO

    // Several coachd instances on one database (issue 15): the scheduler's advisory lock and the
    // LISTEN/NOTIFY listener, each on a connection of its own.

    extension PostgresStore: SharedStore {
        public func makeSchedulerLease() -> any SchedulerLease {
            PostgresSchedulerLease(configuration: configuration, key: Self.schedulerLockKey)
        }

        /// Listens on the `coachd` channel on a connection of its own. Every write's transaction
        /// notifies there with the writing instance's id (delivered on commit only); this instance's
        /// own are left out. When the connection is lost it reconnects (every second until it can)
        /// and, once listening again, yields `.resync`: what committed meanwhile was not notified.
        public func changeNotices() -> AsyncStream<StoreChangeNotice> {
            let (stream, continuation) = AsyncStream.makeStream(
                of: StoreChangeNotice.self, bufferingPolicy: .bufferingNewest(256))
            let configuration = configuration
            let instanceID = instanceID
            var logger = Logger(label: "coachd.store.postgresql.listen")
            logger[metadataKey: "store"] = "postgresql"
            let task = Task { [logger] in
                var listenedBefore = false
                while !Task.isCancelled {
                    do {
                        let connection = try await PostgresConnection.connect(
                            on: MultiThreadedEventLoopGroup.singleton.next(),
                            configuration: configuration.connectionConfiguration, id: 1, logger: logger
                        ).get()
                        do {
                            try await connection.listen(on: Self.notifyChannel) { notifications in
                                // Listening now: anything committed while we were not was never told.
                                if listenedBefore { continuation.yield(.resync) }
                                listenedBefore = true
                                for try await notification in notifications {
                                    if notification.payload != instanceID {
                                        continuation.yield(.committed(instance: notification.payload))
                                    }
                                }
                            }
                        } catch {
                            if !Task.isCancelled {
                                logger.debug("the PostgreSQL listener's connection was lost: \(error)")
                            }
                        }
                        // postgres-nio requires a connection closed (and waited for) before it goes.
                        try? await connection.close().get()
                    } catch {
                        if Task.isCancelled { break }
                        logger.debug("the PostgreSQL listener's connection was lost: \(error)")
                    }
                    if Task.isCancelled { break }
                    // Not Task.sleep (libdispatch's timer, issue 9): an event loop's.
                    let pause = MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: .seconds(1)) {}
                    try? await withTaskCancellationHandler {
                        try await pause.futureResult.get()
                    } onCancel: {
                        pause.cancel()
                    }
                }
                continuation.finish()
            }
            listener.replace(task)
            continuation.onTermination = { _ in task.cancel() }
            return stream
        }

        public func stopListening() { listener.replace(nil) }
    }

    /// The running listener task, cancelled when replaced.
    final class ListenerBox: @unchecked Sendable {
        private let lock = NSLock()
        private var task: Task<Void, Never>?

        func replace(_ new: Task<Void, Never>?) {
            let old = lock.withLock {
                defer { task = new }
                return task
            }
            old?.cancel()
        }
    }

    /// The scheduler's lease: a PostgreSQL session advisory lock (`pg_try_advisory_lock`) held on a
    /// connection used for nothing else. The server releases it when that connection ends — the
    /// holder's process killed, the network gone, the server restarted — and another instance's next
    /// try takes it. A holder that sees its connection closed answers `isHeld` false at once.
    final class PostgresSchedulerLease: SchedulerLease, @unchecked Sendable {
        private let configuration: PostgresStoreConfiguration
        private let key: Int64
        private let logger: Logger
        /// Serialises tries (they block a store thread on the connection).
        private let tries = NSLock()
        /// The connection and whether the lock is held on it; read without waiting for a try.
        private let stateLock = NSLock()
        private var current: (db: Database?, held: Bool) = (nil, false)

        private func withState<T>(_ body: (inout (db: Database?, held: Bool)) -> T) -> T {
            stateLock.withLock { body(&current) }
        }

        init(configuration: PostgresStoreConfiguration, key: Int64) {
            self.configuration = configuration
            self.key = key
            var logger = Logger(label: "coachd.store.postgresql.scheduler")
            logger[metadataKey: "store"] = "postgresql"
            self.logger = logger
        }

        var isHeld: Bool {
            withState { state in state.held && !(state.db?.connection.isClosed ?? true) }
        }

        func tryAcquire() async -> Bool {
            (try? await StoreThreads.shared.run { [self] in self.tryAcquireNow() }) ?? false
        }

        /// Blocking: connects when needed, checks a held lock's connection with a round trip, or
        /// tries to take the lock.
        private func tryAcquireNow() -> Bool {
            tries.lock()
            defer { tries.unlock() }
            var (db, held) = withState { $0 }
            if let open = db, open.connection.isClosed {
                db = nil
                held = false
            }
            do {
                if db == nil {
                    db = try connect(configuration, logger: logger)
                    held = false
                }
                guard let db else { return false }
                if held {
                    // Still ours as long as the connection answers: the server keeps the lock with it.
                    try db.simple("SELECT 1")
                } else {
                    held = try Bool.fetchOne(db, sql: "SELECT pg_try_advisory_lock(?)", arguments: [key]) ?? false
                }
                withState { $0 = (db, held) }
                return held && !db.connection.isClosed
            } catch {
                withState { $0 = (nil, false) }
                return false
            }
        }

        func release() async {
            _ = try? await StoreThreads.shared.run { [self] in
                tries.lock()
                defer { tries.unlock() }
                let db = withState { state in
                    defer { state = (nil, false) }
                    return state.db
                }
                // Closing the connection releases the lock on the server.
                try? db?.connection.close().wait()
            }
        }
    }
#endif
