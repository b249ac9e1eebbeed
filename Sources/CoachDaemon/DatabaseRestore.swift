import CoachStore
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `coachd --restore-database FILE`: puts a backup in place of the state directory's database,
/// safely. The backup must pass the integrity check; no daemon may be running on the directory
/// (its lock); the database it replaces is kept, with its `-wal` and `-shm`, under a dated name
/// (a `-wal` left beside a restored file would be replayed into it); the copy is synced before it
/// takes the database's name, and given the directory's owner.
public enum DatabaseRestore {
    /// Why a restore did not happen; nothing was changed.
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Restores `backup` into `stateDirectory`; returns what was done, in a few lines.
    public static func restore(from backup: String, into stateDirectory: String, now: Date = Date()) throws -> String {
        let (version, problems) = try SQLiteStore.check(path: backup)
        guard problems.isEmpty else {
            throw Refused(
                description: "\(backup) is not a sound coachd database: \(problems.prefix(3).joined(separator: "; "))")
        }
        let manager = FileManager.default
        try PrivateFiles.secureDirectory(stateDirectory)
        guard let lock = try StateDirectoryLock.acquire(stateDirectory) else {
            throw Refused(description: "the state directory \(stateDirectory) is read-only")
        }
        defer { withExtendedLifetime(lock) {} }
        let database = (stateDirectory as NSString).appendingPathComponent("coachd.sqlite")
        var report = ""
        if manager.fileExists(atPath: database) {
            let stamp = ISO8601DateFormatter.string(
                from: now, timeZone: TimeZone(identifier: "UTC")!,
                formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let kept = "\(database).replaced-\(stamp)Z"
            for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: database + suffix) {
                try manager.moveItem(atPath: database + suffix, toPath: kept + suffix)
            }
            report += "the database it replaces is kept as \(kept)\n"
        }
        let incoming = database + ".restoring"
        try? manager.removeItem(atPath: incoming)
        try copySynced(from: backup, to: incoming)
        var directoryInfo = stat()
        if getuid() == 0, stat(stateDirectory, &directoryInfo) == 0 {
            _ = chown(incoming, directoryInfo.st_uid, directoryInfo.st_gid)
        }
        // Private whatever the umask: the copy holds every note.
        _ = chmod(incoming, 0o600)
        guard rename(incoming, database) == 0 else {
            throw Refused(description: "cannot put the copy in place: \(String(cString: strerror(errno)))")
        }
        let directory = open(stateDirectory, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
        return "restored \(backup) (schema \(version)) as \(database)\n" + report
    }

    private static func copySynced(from source: String, to destination: String) throws {
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw Refused(description: "cannot read \(source)")
        }
        defer { try? input.close() }
        let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Refused(description: "cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        while let piece = try input.read(upToCount: 1 << 20), !piece.isEmpty {
            try piece.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let count = write(fd, raw.baseAddress! + done, raw.count - done)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else {
                        throw Refused(description: "cannot write \(destination): \(String(cString: strerror(errno)))")
                    }
                    done += count
                }
            }
        }
        guard fsync(fd) == 0 else { throw Refused(description: "cannot sync \(destination)") }
    }
}
