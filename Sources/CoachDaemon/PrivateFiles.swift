import Foundation

/// The state directory and the database files hold every note: they are the daemon user's alone,
/// whatever the umask it was started with (`make run`, a shell, or a unit without `UMask=`).
/// The directory is 0700 and each database file 0600; SQLite gives its `-wal` and `-shm` files the
/// mode of the database file, so creating that one private keeps all three private.
enum PrivateFiles {
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates the directory 0700, or narrows an existing one the daemon's user owns to 0700 (the
    /// returned sentence says so); refuses one owned by another user that others can enter.
    @discardableResult
    static func secureDirectory(_ path: String) throws -> String? {
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else {
                throw Refused(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // The umask may have narrowed the mode further; never wider than 0700.
            _ = chmod(path, 0o700)
            return nil
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Refused(description: "\(path) is not a directory") }
        let open = info.st_mode & 0o077
        guard open != 0 else { return nil }
        guard info.st_uid == geteuid() else {
            throw Refused(
                description: "the state directory \(path) is open to other users (mode \(octal(info.st_mode & 0o777))) "
                    + "and belongs to uid \(info.st_uid), not to coachd's user (uid \(geteuid())): "
                    + "run chmod 700 \(path), or give coachd a state directory of its own")
        }
        guard chmod(path, mode_t(info.st_mode & 0o700)) == 0 else {
            throw Refused(
                description:
                    "cannot make the state directory \(path) private (chmod 700): \(String(cString: strerror(errno)))")
        }
        return
            "the state directory \(path) was open to other users (mode \(octal(info.st_mode & 0o777))); it is now 0700"
    }

    /// Makes `path` and its `-wal`/`-shm` files 0600, creating the database file empty (SQLite
    /// takes an empty file as an empty database) when it does not exist yet. A symbolic link is
    /// followed (a database kept elsewhere, as the benchmarks do): inside a 0700 directory only
    /// coachd's user could have put it there.
    static func secureDatabase(_ path: String) throws {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // A read-only state directory: the daemon still serves reads from an existing file.
            if errno == EROFS || errno == EACCES, FileManager.default.fileExists(atPath: path) { return }
            throw Refused(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(fd, 0o600)
        close(fd)
        for suffix in ["-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
    }

    static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }
}
