import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on `<state directory>/coachd.lock`, held while a daemon runs: a second
/// coachd on the same state directory, or a restore while the daemon runs, is refused instead of
/// two processes writing one database (and raising every transition twice). The kernel drops the
/// lock when the process ends, SIGKILL included, so a crash never leaves it behind.
public final class StateDirectoryLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Why the lock could not be taken.
    public struct Held: Error, CustomStringConvertible {
        public var directory: String
        public var description: String {
            "another coachd is using the state directory \(directory) (it holds \(directory)/coachd.lock); "
                + "stop it first (systemctl stop coachd.socket coachd)"
        }
    }

    /// Takes the lock, or throws `Held`. Returns nil when the directory is read-only and has no lock
    /// file yet: nothing can write there then, so there is nothing to guard.
    public static func acquire(_ directory: String) throws -> StateDirectoryLock? {
        let path = (directory as NSString).appendingPathComponent("coachd.lock")
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 && (errno == EROFS || errno == EACCES) {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { return nil }
        }
        guard fd >= 0 else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(.init(rawValue: errno) ?? .EIO)])
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Held(directory: directory)
        }
        return StateDirectoryLock(fd: fd)
    }
}
