// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    public import CoachStore
    import Foundation
    import Logging
    import NIOCore
    import NIOPosix
    import PostgresNIO

    /// The store on PostgreSQL (issue 15): the same protocol, queries and named migrations as the SQLite
    /// store, for a trust whose schools share one database. A write body runs in one transaction
    /// (BEGIN … COMMIT) on one connection and returns only after COMMIT: with the server's
    /// `synchronous_commit` on (its default), that is after the commit is flushed to its WAL. A read
    /// runs in a REPEATABLE READ, READ ONLY transaction: one snapshot for the whole body.
    ///
    /// The bodies run on the store's own threads (`StoreThreads`), which block on postgres-nio's
    /// futures; event loops never wait. Writes of this instance go one at a time over one connection;
    /// reads use a small pool of connections beside it.
    public final class PostgresStore: CoachStore, @unchecked Sendable {
        public let configuration: PostgresStoreConfiguration
        private let logger: Logger
        let writer: ConnectionSlot
        private let readers: ReaderPool
        /// School calendars, read once per change of the school's `calendar_stamp`.
        private let calendars = CalendarCache()

        /// The advisory lock key migrations are applied under (one instance applies them, the others wait).
        static let migrationLockKey: Int64 = 0x636F_6163_6864_0001
        /// The session advisory lock key the scheduler holds (one instance runs the due timer).
        static let schedulerLockKey: Int64 = 0x636F_6163_6864_0002
        /// The LISTEN/NOTIFY channel every committed write notifies on.
        static let notifyChannel = "coachd"
        /// How many times a write body runs when other instances' commits keep conflicting with it.
        static let conflictAttempts = 3
        /// This instance's id in notifications (random: two processes never share one).
        public let instanceID: String = (0..<4).map { _ in String(format: "%04x", UInt16.random(in: .min ... .max)) }
            .joined()
        /// The listener task of `changeNotices`, cancelled by `stopListening`.
        let listener = ListenerBox()

        /// Connects, then applies the migrations this build knows (under an advisory lock), refusing a
        /// database migrated by a newer coachd. Blocks the calling thread while it does: call it at
        /// start-up, not on an event loop.
        public init(configuration: PostgresStoreConfiguration, readers: Int = 4) throws {
            self.configuration = configuration
            var logger = Logger(label: "coachd.store.postgresql")
            logger[metadataKey: "store"] = "postgresql"
            self.logger = logger
            writer = ConnectionSlot(configuration: configuration, logger: logger)
            self.readers = ReaderPool(configuration: configuration, limit: max(1, readers), logger: logger)
            try writer.with { db in try Self.migrate(db) }
        }

        /// The migrations this build knows, in order (as `SQLiteStore.migrationNames`).
        public static var migrationNames: [String] { PostgresSchema.names }

        /// A read's transaction: one snapshot for the whole body, never a write.
        static let readBegin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

        public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReading) throws -> T) async throws -> T {
            try await StoreThreads.shared.run { [readers, calendars] in
                try readers.with { db in
                    try Self.transaction(db, begin: Self.readBegin, pipelined: true) {
                        try body(PostgresAccess(db: db, calendars: calendars, memo: ReadMemo()))
                    }
                }
            }
        }

        public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreWriting) throws -> T) async throws -> T {
            try await StoreThreads.shared.run { [writer, calendars, instanceID] in
                var attempt = 1
                while true {
                    do {
                        return try writer.with { db in
                            try Self.transaction(db, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE") {
                                let result = try body(PostgresAccess(db: db, calendars: calendars))
                                // Delivered to the listening instances when (and only if) this commits.
                                try db.execute(
                                    sql: "SELECT pg_notify('\(Self.notifyChannel)', ?)", arguments: [instanceID])
                                return result
                            }
                        }
                    } catch let error as StoreError where error.kind == .conflict && attempt < Self.conflictAttempts {
                        // Another instance committed what this body read: run it again on what is
                        // committed now, as if it had come a moment later (the body only touches `tx`).
                        attempt += 1
                        usleep(UInt32.random(in: 2_000...20_000))
                    }
                }
            }
        }

        public func schemaVersion() async throws -> String {
            try await StoreThreads.shared.run { [writer] in
                try writer.with { db in
                    let applied = Set(try Self.appliedMigrations(db))
                    return PostgresSchema.names.last { applied.contains($0) } ?? "none"
                }
            }
        }

        /// A PostgreSQL database is backed up by PostgreSQL's own tools (`pg_dump`, or its base backups
        /// and WAL archive: Docs/Operations.md), not by coachd writing a file on its own host.
        public func backup(to path: String) async throws {
            throw StoreError(
                .unavailable,
                "the store is on PostgreSQL (\(configuration.database)): back it up with pg_dump or the server's "
                    + "base backups (Docs/Operations.md); coachd's own backup copies only an SQLite store")
        }

        /// Rewrites the tables that hold people's texts (`VACUUM FULL`), so no dead row version keeps an
        /// erased text in a table's files. Copies in the server's WAL go as its segments are recycled
        /// after the next checkpoints, which coachd cannot force without superuser rights: so this
        /// answers false, as the SQLite store does when its log could not yet be emptied.
        public func purgeFreedSpace() async throws -> Bool {
            try await StoreThreads.shared.run { [writer] in
                try writer.with { db in
                    try db.simple(
                        "VACUUM FULL person, pair, cycle, dropin, followup, adaptation, peer_session, agreement, theme")
                    return false
                }
            }
        }

        // MARK: Transactions and migrations

        /// Runs `body` between `begin` and COMMIT; rolls back when it throws. Server errors become
        /// `StoreError`s in words an operator acts on; the body's own errors pass through.
        /// `pipelined` (read-only transactions only): BEGIN is sent without waiting for it, and waited for
        /// with the body's first statement (`Database.beginPipelined`); COMMIT is sent and not waited for.
        static func transaction<T>(_ db: Database, begin: String, pipelined: Bool = false, _ body: () throws -> T)
            throws -> T
        {
            if pipelined {
                db.beginPipelined(begin)
            } else {
                do {
                    try db.simple(begin)
                } catch {
                    throw storeError(error, doing: "start a transaction")
                }
            }
            let result: T
            do {
                result = try body()
            } catch {
                try? db.simple("ROLLBACK")
                if let failed = error as? BeginFailed { throw storeError(failed.error, doing: "start a transaction") }
                if error is PSQLError { throw storeError(error, doing: "store the change") }
                throw error
            }
            if pipelined {
                // A read-only transaction's COMMIT changes nothing and has nothing to report: it is sent
                // and not waited for. The connection answers in order, so whatever runs on it next
                // (the next read's BEGIN) comes after it.
                db.commitPipelined()
                return result
            }
            do {
                try db.simple("COMMIT")
            } catch {
                if let failed = error as? BeginFailed { throw storeError(failed.error, doing: "start a transaction") }
                throw storeError(error, doing: "commit the change")
            }
            return result
        }

        static func appliedMigrations(_ db: Database) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT identifier FROM coachd_migration ORDER BY applied_at, identifier")
        }

        /// Applies what is missing, in one transaction under an advisory lock: of several instances
        /// starting at once, one applies them and the others wait, then find them applied.
        static func migrate(_ db: Database) throws {
            try transaction(db, begin: "BEGIN") {
                _ = try Row.fetchAll(db, sql: "SELECT pg_advisory_xact_lock(?)", arguments: [migrationLockKey])
                try db.simple(
                    """
                    CREATE TABLE IF NOT EXISTS coachd_migration (
                        identifier TEXT PRIMARY KEY,
                        applied_at DOUBLE PRECISION NOT NULL
                    )
                    """)
                let applied = Set(try appliedMigrations(db))
                let unknown = applied.subtracting(PostgresSchema.names).sorted()
                if !unknown.isEmpty {
                    throw StoreError(
                        .schemaTooNew,
                        "the database was migrated by a newer coachd (unknown migrations: \(unknown.joined(separator: ", "))); "
                            + "run that version, or restore a backup made for this one")
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                    try db.simple(migration.sql)
                    try migration.fill?(db)
                    try db.execute(
                        sql: "INSERT INTO coachd_migration (identifier, applied_at) VALUES (?, ?)",
                        arguments: [migration.name, Date().timeIntervalSince1970])
                }
            }
        }

        /// What went wrong, in words an operator acts on: the server's message and SQLSTATE (never the
        /// statement's arguments, so never a note), or that the server cannot be reached.
        static func storeError(_ error: any Error, doing what: String) -> any Error {
            if error is StoreError { return error }
            guard let error = error as? PSQLError else {
                return StoreError(.unavailable, "could not \(what) on PostgreSQL: \(error)")
            }
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? "?"
                if state == "40001" || state == "40P01" {
                    return StoreError(
                        .conflict,
                        "another coachd instance changed the same records at the same moment (SQLSTATE \(state)); "
                            + "nothing was changed")
                }
                let message = info[.message] ?? "no message"
                return StoreError(.unavailable, "could not \(what) on PostgreSQL: \(message) (SQLSTATE \(state))")
            }
            return StoreError(
                .unavailable,
                "could not \(what): the PostgreSQL server cannot be reached (\(error.code)); check that it runs and "
                    + "that store.postgresql.url names it")
        }
    }

    /// Opens a connection (blocking the calling thread, which must not be an event loop).
    func connect(_ configuration: PostgresStoreConfiguration, logger: Logger) throws -> Database {
        do {
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration.connectionConfiguration,
                id: 0, logger: logger
            ).wait()
            return Database(connection: connection, logger: logger)
        } catch {
            throw PostgresStore.storeError(error, doing: "connect to \(configuration.database)")
        }
    }

    /// One connection, used by one body at a time; reconnected when it was lost.
    final class ConnectionSlot: @unchecked Sendable {
        private let configuration: PostgresStoreConfiguration
        private let logger: Logger
        private let lock = NSLock()
        private var db: Database?

        init(configuration: PostgresStoreConfiguration, logger: Logger) {
            self.configuration = configuration
            self.logger = logger
        }

        func with<T>(_ body: (Database) throws -> T) throws -> T {
            lock.lock()
            defer { lock.unlock() }
            if db?.connection.isClosed ?? true {
                db = try connect(configuration, logger: logger)
            }
            guard let db else { throw StoreError(.unavailable, "no connection to PostgreSQL") }
            do {
                return try body(db)
            } catch {
                if db.connection.isClosed { self.db = nil }
                throw error
            }
        }

    }

    /// Up to `limit` reader connections, each lent to one body at a time.
    final class ReaderPool: @unchecked Sendable {
        private let configuration: PostgresStoreConfiguration
        private let logger: Logger
        private let limit: Int
        private let condition = NSCondition()
        private var idle: [Database] = []
        private var open = 0

        init(configuration: PostgresStoreConfiguration, limit: Int, logger: Logger) {
            self.configuration = configuration
            self.limit = limit
            self.logger = logger
        }

        func with<T>(_ body: (Database) throws -> T) throws -> T {
            let db = try take()
            do {
                let result = try body(db)
                give(db)
                return result
            } catch {
                give(db)
                throw error
            }
        }

        private func take() throws -> Database {
            condition.lock()
            while true {
                if let db = idle.popLast() {
                    condition.unlock()
                    if db.connection.isClosed {
                        condition.lock()
                        open -= 1
                        continue
                    }
                    return db
                }
                if open < limit {
                    open += 1
                    condition.unlock()
                    do {
                        return try connect(configuration, logger: logger)
                    } catch {
                        condition.lock()
                        open -= 1
                        condition.signal()
                        condition.unlock()
                        throw error
                    }
                }
                condition.wait()
            }
        }

        private func give(_ db: Database) {
            condition.lock()
            if db.connection.isClosed {
                open -= 1
            } else {
                idle.append(db)
            }
            condition.signal()
            condition.unlock()
        }

    }
#endif
