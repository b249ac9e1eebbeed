/// `backup.*` (API level 2): an online, consistent copy of the whole store, made by the daemon in
/// its own state directory and streamed to the client in bounded chunks. Admins only: a backup
/// holds every note. `coachctl backup FILE` drives the three calls and checks the digest.

/// What `backup.create` returns: the snapshot to read, its size and digest.
public struct BackupInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var backup: String
    public var bytes: Int64
    public var sha256: String
    public var schemaVersion: String
    public var createdAt: String
    public var expiresAt: String
    public var chunkBytes: Int

    public init(
        backup: String, bytes: Int64, sha256: String, schemaVersion: String, createdAt: String, expiresAt: String,
        chunkBytes: Int
    ) {
        self.backup = backup
        self.bytes = bytes
        self.sha256 = sha256
        self.schemaVersion = schemaVersion
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.chunkBytes = chunkBytes
    }

    public static let schema: RPCSchema = .object([
        RPCField("backup", .string(), "the snapshot's name, for backup.read and backup.finish"),
        RPCField("bytes", .integer, "its size in bytes"),
        RPCField("sha256", .string(), "SHA-256 of the whole file, 64 hex digits"),
        RPCField("schemaVersion", .string(), "the last migration applied to it"),
        RPCField("createdAt", .string(format: "date-time"), "when it was taken"),
        RPCField("expiresAt", .string(format: "date-time"), "when an unread snapshot is removed"),
        RPCField("chunkBytes", .integer, "the chunk size backup.read uses by default"),
    ])
}

public enum BackupCreate: RPCMethod {
    public static let name = "backup.create"
    public static let summary =
        "Takes an online, consistent snapshot of the store (SQLite's backup API, integrity-checked) to read with backup.read. Admins only."
    public static let since = 2
    public typealias Params = NoParams
    public typealias Result = BackupInfo
}

/// What `backup.read` returns: one chunk of the snapshot.
public struct BackupChunk: Codable, Sendable, Hashable, RPCDescribed {
    public var offset: Int64
    public var bytes: Int
    public var data: String
    public var eof: Bool

    public init(offset: Int64, bytes: Int, data: String, eof: Bool) {
        self.offset = offset
        self.bytes = bytes
        self.data = data
        self.eof = eof
    }

    public static let schema: RPCSchema = .object([
        RPCField("offset", .integer, "where the chunk starts"),
        RPCField("bytes", .integer, "how many bytes it holds"),
        RPCField("data", .string(format: "base64"), "the bytes"),
        RPCField("eof", .boolean, "true when the chunk reaches the end of the snapshot"),
    ])
}

public enum BackupRead: RPCMethod {
    public static let name = "backup.read"
    public static let summary = "Reads a chunk of a snapshot made by backup.create (at most 1 MiB). Admins only."
    public static let since = 2
    public struct Params: RPCParams, Hashable {
        public var backup: String
        public var offset: Int64
        public var length: Int?
        public init(backup: String, offset: Int64, length: Int? = nil) {
            self.backup = backup
            self.offset = offset
            self.length = length
        }
        public static let fields = [
            RPCField("backup", .string(), "the snapshot's name from backup.create"),
            RPCField("offset", .integer, "the first byte to read"),
            RPCField("length", .integer, required: false, "bytes to read, 1–1048576 (default: chunkBytes)"),
        ]
    }
    public typealias Result = BackupChunk
}

/// What `backup.finish` returns.
public struct BackupFinished: Codable, Sendable, Hashable, RPCDescribed {
    public var backup: String
    public var removed: Bool
    public init(backup: String, removed: Bool) {
        self.backup = backup
        self.removed = removed
    }
    public static let schema: RPCSchema = .object([
        RPCField("backup", .string(), "the snapshot's name"),
        RPCField("removed", .boolean, "false when it was already gone (finished or expired)"),
    ])
}

public enum BackupFinish: RPCMethod {
    public static let name = "backup.finish"
    public static let summary =
        "Removes a snapshot once it has been read (unread ones expire by themselves). Admins only."
    public static let since = 2
    public struct Params: RPCParams, Hashable {
        public var backup: String
        public init(backup: String) { self.backup = backup }
        public static let fields = [RPCField("backup", .string(), "the snapshot's name from backup.create")]
    }
    public typealias Result = BackupFinished
}
