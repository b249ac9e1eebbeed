import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Logging

/// The snapshots `backup.create` makes, in `<state directory>/backups`, until they are read and
/// finished or expire. Under systemd the daemon may write only its state directory and the caller
/// may not be able to read it, so the daemon never writes where a client names: it snapshots
/// here and streams the file over the socket (Docs/Decisions.md).
actor BackupSnapshots {
    /// At most this many snapshots exist at once (each is a full copy of the database).
    static let maxOpen = 2
    /// An unfinished snapshot is removed this long after it was last read.
    static let lifetime: TimeInterval = 600
    /// The chunk `backup.read` returns by default, and the most it returns.
    static let chunkBytes = 512 << 10
    static let maxChunkBytes = 1 << 20

    private struct Snapshot {
        var path: String
        var bytes: Int64
        var expires: Date
    }

    let directory: String
    private let store: any CoachStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var snapshots: [String: Snapshot] = [:]
    private var creating = 0

    init(stateDirectory: String, store: any CoachStore, logger: Logger, now: @escaping @Sendable () -> Date) {
        directory = (stateDirectory as NSString).appendingPathComponent("backups")
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// Removes snapshots left by an earlier run (they were never going to be read).
    func removeLeftovers() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix("snapshot-") {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Takes a snapshot with SQLite's online backup (consistent while writes go on), checks it,
    /// and digests it.
    func create() async throws -> BackupInfo {
        expire()
        guard snapshots.count + creating < Self.maxOpen else {
            throw RPCError(
                .busy, "\(Self.maxOpen) backups are already being taken or read",
                hint: "finish them (or wait \(Int(Self.lifetime / 60)) minutes for unread ones to expire)")
        }
        creating += 1
        defer { creating -= 1 }
        let token = "snapshot-\(UUID().uuidString.lowercased())"
        let path = (directory as NSString).appendingPathComponent("\(token).sqlite")
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            _ = chmod(directory, 0o700)
            try await store.backup(to: path)
            // SQLite created it with the umask's mode; inside the 0700 directory no one else could
            // reach it meanwhile, and from here on it is private whatever the umask.
            _ = chmod(path, 0o600)
            let (version, problems) = try SQLiteStore.check(path: path)
            guard problems.isEmpty else {
                throw StoreError(
                    .corrupt, "the snapshot failed its integrity check: \(problems.prefix(3).joined(separator: "; "))")
            }
            let (bytes, digest) = try Self.digest(path)
            let created = now()
            let expires = created.addingTimeInterval(Self.lifetime)
            snapshots[token] = Snapshot(path: path, bytes: bytes, expires: expires)
            logger.notice(
                "backup snapshot taken",
                metadata: [
                    "coachd.backup": "\(token)", "coachd.backup.bytes": "\(bytes)",
                    "coachd.backup.schema": "\(version)",
                ])
            return BackupInfo(
                backup: token, bytes: bytes, sha256: digest, schemaVersion: version,
                createdAt: InstantFormat.rfc3339(created, offsetSeconds: 0, zulu: true),
                expiresAt: InstantFormat.rfc3339(expires, offsetSeconds: 0, zulu: true), chunkBytes: Self.chunkBytes)
        } catch {
            Self.remove(path)
            if error is StoreError || error is RPCError || error is DomainError { throw error }
            // Cannot make the directory or write the file: the operator's problem, said plainly.
            throw StoreError(
                .unavailable, "the backup snapshot could not be written in \(directory): \(error.localizedDescription)")
        }
    }

    /// One chunk of a snapshot; reading keeps it from expiring.
    func read(_ token: String, offset: Int64, length: Int?) throws -> BackupChunk {
        expire()
        guard var snapshot = snapshots[token] else { throw Self.unknown(token) }
        let length = length ?? Self.chunkBytes
        guard (1...Self.maxChunkBytes).contains(length) else {
            throw DomainError.invalid("length must be 1…\(Self.maxChunkBytes)", field: "length")
        }
        guard offset >= 0, offset <= snapshot.bytes else {
            throw DomainError.invalid("offset must be 0…\(snapshot.bytes)", field: "offset")
        }
        guard let handle = FileHandle(forReadingAtPath: snapshot.path) else {
            throw StoreError(.unavailable, "the snapshot \(token) cannot be read")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(offset))
            data = try handle.read(upToCount: length) ?? Data()
        } catch {
            throw StoreError(.unavailable, "the snapshot \(token) cannot be read: \(error)")
        }
        snapshot.expires = now().addingTimeInterval(Self.lifetime)
        snapshots[token] = snapshot
        let end = offset + Int64(data.count)
        return BackupChunk(
            offset: offset, bytes: data.count, data: data.base64EncodedString(), eof: end >= snapshot.bytes)
    }

    /// Removes a snapshot; false when it was already gone.
    func finish(_ token: String) -> Bool {
        expire()
        guard let snapshot = snapshots.removeValue(forKey: token) else { return false }
        Self.remove(snapshot.path)
        logger.info("backup snapshot removed", metadata: ["coachd.backup": "\(token)"])
        return true
    }

    private func expire() {
        let instant = now()
        for (token, snapshot) in snapshots where snapshot.expires < instant {
            Self.remove(snapshot.path)
            snapshots[token] = nil
            logger.notice("backup snapshot expired unread", metadata: ["coachd.backup": "\(token)"])
        }
    }

    /// Removes every snapshot (after an erasure: a snapshot taken before it still holds the erased
    /// text, and the state directory must not). Returns how many there were.
    func discardAll() -> Int {
        let count = snapshots.count
        for (token, snapshot) in snapshots {
            Self.remove(snapshot.path)
            logger.notice("backup snapshot discarded: a person was erased", metadata: ["coachd.backup": "\(token)"])
        }
        snapshots = [:]
        removeLeftovers()
        return count
    }

    /// Removes a snapshot file and any journal SQLite left beside it.
    private static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func unknown(_ token: String) -> DomainError {
        DomainError(
            .notFound, "there is no backup snapshot \(token.prefix(80)) (finished, expired, or the daemon restarted)",
            field: "backup", hint: "start again with backup.create")
    }

    /// Size and SHA-256 of a file, read in 1 MiB pieces.
    static func digest(_ path: String) throws -> (Int64, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError(.unavailable, "the snapshot cannot be read back")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty {
            hasher.update(piece)
            bytes += Int64(piece.count)
        }
        return (bytes, hasher.finalize())
    }
}
