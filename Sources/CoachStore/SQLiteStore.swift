import CoachDomain
import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode with `synchronous=FULL`, so a write is
/// on disk before its reply. Migrations are named and ordered; a database migrated by a newer
/// coachd is refused rather than guessed at.
public final class SQLiteStore: CoachStore {
    private let writer: any DatabaseWriter
    private let committer: GroupCommitter
    /// The database file, or nil when in memory.
    public let path: String?

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA busy_timeout = 5000")
        }
        configuration.busyMode = .timeout(5)
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.unavailable, "cannot open the database at \(path): \(Self.describe(error))")
        }
        self.path = path
        committer = GroupCommitter(writer: writer)
        try Self.migrate(writer)
    }

    /// An in-memory store (tests, tools): the same schema and code.
    public init() throws {
        writer = try DatabaseQueue()
        path = nil
        committer = GroupCommitter(writer: writer)
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
            return try await writer.read { db in try body(SQLiteAccess(db: db)) }
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
        try await writer.read { db in try Self.migrator.completedMigrations(db).last ?? "none" }
    }

    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.unavailable, "\(path) already exists; choose a new file name")
        }
        do {
            let destination = try DatabaseQueue(path: path)
            // SQLite's online backup, in one step under a read snapshot: consistent while writes go on.
            try writer.backup(to: destination)
            try destination.close()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "backup to \(path) failed: \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.resultCode)\(error.message.map { ": \($0)" } ?? "")"
        }
        return "\(error)"
    }
}
