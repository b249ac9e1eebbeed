import CoachDomain
import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode with `synchronous=FULL`, so a write is
/// on disk before its reply. Migrations are named and ordered; a database migrated by a newer
/// coachd is refused rather than guessed at.
public final class SQLiteStore: CoachStore {
    private let writer: any DatabaseWriter
    private let committer: GroupCommitter
    /// School calendars, read once per change of the school's `calendar_stamp`.
    private let calendars = CalendarCache()
    /// The database file, or nil when in memory.
    public let path: String?

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA busy_timeout = 5000")
            // Deleted and overwritten content is zeroed, not left in free space: an erased
            // person's name or notes must not survive in the file (issue 13).
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        configuration.busyMode = .timeout(5)
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.unavailable, "cannot open the database at \(path): \(Self.describe(error))")
        }
        self.path = path
        committer = GroupCommitter(writer: writer, calendars: calendars)
        try Self.migrate(writer)
    }

    /// An in-memory store (tests, tools): the same schema and code.
    public init() throws {
        writer = try DatabaseQueue()
        path = nil
        committer = GroupCommitter(writer: writer, calendars: calendars)
        try Self.migrate(writer)
    }

    /// The migrations this build knows, in order. Append only; never edit a shipped one.
    public static var migrationNames: [String] { migrator.migrations }

    private static func migrate(_ writer: any DatabaseWriter) throws {
        do {
            let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
                let unknown = applied.subtracting(migrator.migrations).sorted()
                throw StoreError(
                    .schemaTooNew,
                    "the database was migrated by a newer coachd (unknown migrations: \(unknown.joined(separator: ", "))); "
                        + "run that version, or restore a backup made for this one")
            }
            try migrator.migrate(writer)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot migrate the database: \(describe(error))")
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReading) throws -> T) async throws -> T {
        do {
            // On the store's own threads, with GRDB's synchronous API: no Dispatch worker (issue 9).
            return try await StoreThreads.shared.run { [writer, calendars] in
                try writer.read { db in try body(SQLiteAccess(db: db, calendars: calendars)) }
            }
        } catch let error as DatabaseError {
            throw StoreError(.unavailable, "the database could not be read: \(Self.describe(error))")
        }
    }

    /// Runs `body` in a transaction shared with the writes that queued up meanwhile (group
    /// commit): each in its own savepoint, so one that throws is rolled back alone; one COMMIT
    /// (one fsync) for all; every caller returns only once that commit is durable.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreWriting) throws -> T) async throws -> T {
        do {
            return try await committer.write(body)
        } catch let error as DatabaseError {
            throw StoreError(.unavailable, "the change was not stored: \(Self.describe(error))")
        }
    }

    public func schemaVersion() async throws -> String {
        try await StoreThreads.shared.run { [writer] in
            try writer.read { db in try Self.migrator.completedMigrations(db).last ?? "none" }
        }
    }

    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.unavailable, "\(path) already exists; choose a new file name")
        }
        do {
            // On the store's threads: a copy of the whole file must not hold an event loop (issue 9).
            try await StoreThreads.shared.run { [writer] in
                let destination = try DatabaseQueue(path: path)
                // SQLite's online backup, in one step under a read snapshot: consistent while writes go on.
                try writer.backup(to: destination)
                // The copy carries WAL mode in its header; as a single self-contained file it should not:
                // opening it (to check it, say) would leave -wal and -shm files beside it.
                try destination.inDatabase { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
                try destination.close()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "backup to \(path) failed: \(Self.describe(error))")
        }
    }

    public func purgeFreedSpace() async throws -> Bool {
        do {
            return try await StoreThreads.shared.run { [writer] in
                try writer.writeWithoutTransaction { db in
                    // Copies made before secure_delete was on (older files, moved cells) are gone once
                    // the file is rebuilt; the log is then copied back and truncated to nothing.
                    // VACUUM's working copy stays in memory, not in a temporary file that outlives it on disk.
                    try db.execute(sql: "PRAGMA temp_store = MEMORY")
                    defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
                    try db.execute(sql: "VACUUM")
                    let (busy, _, _) = try Self.checkpoint(db)
                    return !busy
                }
            }
        } catch {
            throw StoreError(.unavailable, "the database could not be compacted after erasing: \(Self.describe(error))")
        }
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: (busy, log frames, frames checkpointed).
    private static func checkpoint(_ db: Database) throws -> (Bool, Int, Int) {
        guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else { return (true, 0, 0) }
        return ((row[0] as Int? ?? 1) != 0, row[1] as Int? ?? 0, row[2] as Int? ?? 0)
    }

    /// What went wrong, in words an operator acts on. SQLite's own message follows only where it
    /// adds something (it never holds statement arguments, so never a note).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        switch error.resultCode {
        case .SQLITE_FULL:
            return "the disk holding the database is full (SQLITE_FULL); free space in the state directory"
        case .SQLITE_READONLY:
            return "the database is read-only (SQLITE_READONLY): the state directory is mounted read-only "
                + "or not writable by coachd"
        case .SQLITE_IOERR:
            return "an I/O error reading or writing the database (SQLITE_IOERR): check the disk and the kernel log"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the database file is damaged (\(error.resultCode)): restore the last backup (Docs/Reliability.md)"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "the database stayed locked by another process (\(error.resultCode))"
        case .SQLITE_CANTOPEN:
            return "the database file cannot be opened (SQLITE_CANTOPEN): check the state directory and its permissions"
        default:
            return "\(error.resultCode)\(error.message.map { ": \($0)" } ?? "")"
        }
    }

    /// Checks a database file without changing it: SQLite's integrity and foreign-key checks, and
    /// that its schema is one this build knows. Returns the problems found (empty: sound).
    /// For operators (`coachd --check-database`), before restoring a backup or after a crash.
    public static func check(path: String) throws -> (schemaVersion: String, problems: [String]) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.unavailable, "there is no database at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                    problems.append(
                        "row \(row[1] as Int64? ?? 0) of \(row[0] as String? ?? "?") refers to a missing \(row[2] as String? ?? "?")"
                    )
                }
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = applied.subtracting(migrator.migrations).sorted()
                if !unknown.isEmpty {
                    problems.append(
                        "migrated by a newer coachd (unknown migrations: \(unknown.joined(separator: ", ")))")
                }
                let version = migrator.migrations.last { applied.contains($0) } ?? "none"
                return (version, problems)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot check \(path): \(describe(error))")
        }
    }
}
