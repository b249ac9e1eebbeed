import Foundation

/// A small tmpfs in a private mount namespace, for faults the host must not see: a full disk, a
/// read-only file system. A holder process keeps the namespace alive; the daemon and the test's
/// commands enter it with `nsenter`; ending the holder takes the tmpfs with it, so nothing is left
/// mounted on the host even when a test fails. Needs root and util-linux (`unshare`, `nsenter`).
final class PrivateTmpfs {
    /// Whether this machine can make one (root, unshare and nsenter present).
    static let isAvailable =
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/nsenter")

    /// Where the tmpfs is mounted, inside the namespace (an empty directory outside it).
    let mountPoint: String
    private let holder: Process

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    init(at mountPoint: String, size: String) throws {
        self.mountPoint = mountPoint
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        holder.arguments = [
            "--mount", "--propagation", "private", "/bin/sh", "-c",
            "mount -t tmpfs -o size=\(size),mode=0755 coachd-test \"$0\" && exec sleep 3600", mountPoint,
        ]
        try holder.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let table =
                (try? String(contentsOfFile: "/proc/\(holder.processIdentifier)/mountinfo", encoding: .utf8)) ?? ""
            if table.contains(" \(mountPoint) ") && table.contains("coachd-test") { return }
            guard holder.isRunning else { break }
            usleep(10_000)
        }
        holder.terminate()
        throw Failed(description: "could not mount a tmpfs at \(mountPoint) in a private mount namespace")
    }

    /// The prefix that runs a command inside the namespace.
    var launcher: [String] { ["/usr/bin/nsenter", "-t", "\(holder.processIdentifier)", "-m", "--"] }

    /// Runs a command inside the namespace.
    @discardableResult
    func run(_ command: [String]) throws -> Outcome {
        try EndToEndTests.run(launcher[0], Array(launcher.dropFirst()) + command)
    }

    /// Fills the file system to the last byte with a file named `filler`.
    func fill() throws {
        try run(["/bin/sh", "-c", "cat /dev/zero > \"$0/filler\" 2>/dev/null; sync", mountPoint])
    }

    /// Frees what `fill` took.
    func unfill() throws {
        try run(["/bin/rm", "-f", mountPoint + "/filler"])
    }

    /// Remounts the tmpfs read-only or read-write (nothing may hold a file open for writing).
    func remount(readOnly: Bool) throws {
        let outcome = try run(["/bin/mount", "-o", "remount,\(readOnly ? "ro" : "rw")", mountPoint])
        guard outcome.status == 0 else { throw Failed(description: "remount failed: \(outcome.stderr)") }
    }

    deinit {
        holder.terminate()
        holder.waitUntilExit()
    }
}
