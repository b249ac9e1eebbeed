public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server for the store conformance suite and the end-to-end tests (issue 15): Debian's `postgresql` package,
/// `initdb` into a temporary directory, listening on a Unix socket in that directory only
/// (`listen_addresses=''`), `fsync` on. One per test process, started by the first test that needs
/// it and stopped by its PID when the process exits; each store gets a database of its own.
///
/// Tests run as root and initdb refuses root, so the server runs as the `postgres` system user the
/// package creates (`setpriv`, which execs, so the PID started is the postmaster's). `make check`
/// installs the package when it is missing (Makefile: `postgresql-deps`). When the server cannot be
/// started the tests that need it fail, naming what is missing: nothing is skipped.
public final class PostgresTestServer: @unchecked Sendable {
    public let directory: String
    public private(set) var process: Process
    public let binaries: String
    private let lock = NSLock()
    private var databases = 0

    /// The process's server, started once.
    public static let shared: Result<PostgresTestServer, any Error> = Result {
        let server = try PostgresTestServer()
        atexit { PostgresTestServer.stopShared() }
        return server
    }

    public static func stopShared() {
        if case .success(let server) = shared { server.stop() }
    }

    /// The newest installed PostgreSQL's programs (`/usr/lib/postgresql/N/bin`).
    public static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
        guard let newest = versions.max(), FileManager.default.fileExists(atPath: "\(root)/\(newest)/bin/initdb")
        else {
            throw ServerError(
                "PostgreSQL is not installed (no \(root)/N/bin/initdb): apt-get install postgresql "
                    + "(make check does this)")
        }
        return "\(root)/\(newest)/bin"
    }

    public struct ServerError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// A server of its own (a crash test kills and restarts it); other tests share `shared`.
    public init() throws {
        let binaries = try Self.findBinaries()
        self.binaries = binaries
        let template = NSTemporaryDirectory() + "coachd-pg-XXXXXX"
        var buffer = Array(template.utf8CString)
        guard let made = mkdtemp(&buffer) else { throw ServerError("mkdtemp failed for \(template)") }
        directory = String(cString: made)
        let asRoot = geteuid() == 0
        if asRoot {
            guard let account = getpwnam("postgres") else {
                throw ServerError("there is no postgres user (the postgresql package creates it)")
            }
            guard chown(directory, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                throw ServerError("cannot hand \(directory) to the postgres user (errno \(errno))")
            }
        }
        /// As the postgres user when we are root; as ourselves otherwise.
        func command(_ program: String, _ arguments: [String]) -> (String, [String]) {
            asRoot
                ? (
                    "/usr/bin/setpriv",
                    ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", "\(binaries)/\(program)"]
                        + arguments
                )
                : ("\(binaries)/\(program)", arguments)
        }
        let data = directory + "/data"
        // initdb's own files need not be synced (a test cluster); the server below runs with fsync on.
        let (initdb, initArguments) = command(
            "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--locale=C", "--encoding=UTF8", "--no-sync"])
        try Self.runToEnd(initdb, initArguments)
        let (postgres, serverArguments) = command(
            "postgres",
            [
                "-D", data, "-c", "listen_addresses=", "-c", "unix_socket_directories=\(directory)", "-c", "fsync=on",
                "-c", "max_connections=200", "-c", "shared_buffers=16MB",
            ])
        let server = (postgres, serverArguments)
        serverCommand = server
        process = try Self.startServer(server, directory: directory, binaries: binaries)
        // Should the test process die without running its atexit handler (a crash, a signal), a
        // watchdog stops the server by the PID in its postmaster.pid and removes its directory once
        // the test process is gone.
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = [
            "-c",
            "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
                + "pid=$(head -n 1 '\(data)/postmaster.pid' 2>/dev/null); "
                + "if [ -n \"$pid\" ]; then kill -INT \"$pid\"; sleep 5; kill -KILL \"$pid\"; fi 2>/dev/null; "
                + "rm -rf '\(directory)'",
        ]
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
    }

    private let serverCommand: (String, [String])

    /// Starts the postmaster and waits until it accepts connections (a few seconds at most; 60 on a
    /// loaded machine, or while the backends of a killed one are still going).
    private static func startServer(_ command: (String, [String]), directory: String, binaries: String) throws
        -> Process
    {
        let log = directory + "/server.log"
        let deadline = Date().addingTimeInterval(60)
        while true {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command.0)
            process.arguments = command.1
            process.standardOutput = FileHandle.nullDevice
            if !FileManager.default.fileExists(atPath: log) {
                _ = FileManager.default.createFile(atPath: log, contents: nil)
            }
            let handle = FileHandle(forWritingAtPath: log)
            _ = try? handle?.seekToEnd()
            process.standardError = handle
            try process.run()
            while process.isRunning {
                if (try? runToEnd("\(binaries)/pg_isready", ["-q", "-h", directory])) != nil { return process }
                guard Date() < deadline else { break }
                usleep(50_000)
            }
            guard Date() < deadline else {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw ServerError("the test PostgreSQL did not start: \(text.suffix(2000))")
            }
            // Exited at once (a killed server's backends still hold its shared memory): try again.
            usleep(200_000)
        }
    }

    /// Kills the whole server with SIGKILL, the postmaster and every process it started, as a crash
    /// of the machine or systemd's SIGKILL of the unit's cgroup would (crash tests). Killing only the
    /// postmaster would leave its children to exit one by one, and one may leave a shared-memory lock
    /// held that an orphaned backend then waits on forever: not a failure coachd could meet.
    public func killServer() {
        lock.lock()
        defer { lock.unlock() }
        let postmaster = process.processIdentifier
        let children = Self.children(of: postmaster)
        kill(postmaster, SIGKILL)
        for child in children { kill(child, SIGKILL) }
        process.waitUntilExit()
        // The killed children are reaped by init; wait until they are gone, so the next start is clean.
        let deadline = Date().addingTimeInterval(10)
        while children.contains(where: { kill($0, 0) == 0 }) && Date() < deadline { usleep(20_000) }
    }

    /// The processes whose parent is `pid` (from /proc/N/stat: the field after the state is the parent).
    public static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// Starts the server again on the same data (it recovers from its WAL).
    public func restart() throws {
        lock.lock()
        defer { lock.unlock() }
        process = try Self.startServer(serverCommand, directory: directory, binaries: binaries)
    }

    /// Runs SQL in database `database` as the server's superuser (for tests below the store).
    public func psql(_ database: String, _ sql: String) throws -> String {
        try Self.runToEnd(
            "\(binaries)/psql",
            [
                "-q", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", "postgres", "-d", database,
                "-c", sql,
            ])
    }

    /// A new, empty database of its own (for one store, or one daemon); its name.
    public func newDatabaseName() throws -> String {
        lock.lock()
        databases += 1
        let name = "t\(databases)"
        lock.unlock()
        try Self.runToEnd(
            "\(binaries)/psql",
            ["-q", "-h", directory, "-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE \(name)"])
        return name
    }

    /// The `store.postgresql.url` of a database on this server (its Unix socket).
    public func url(database: String) -> String { "postgresql://postgres@/\(database)?host=\(directory)" }

    deinit { stop() }

    /// Stops the server by its PID (SIGINT: PostgreSQL's fast shutdown) and removes its directory.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGINT)
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    public static func runToEnd(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ServerError("\(program) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }
}
