import CoachSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A benchmark step failed: what, and what to look at.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs commands and parses the tools' `key=value` output.
enum Shell {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a command to the end and captures its output.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(arguments[0]))
        process.arguments = Array(arguments.dropFirst())
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(input)
            try? inPipe.fileHandleForWriting.close()
        }
        // Read both pipes concurrently, so a chatty stderr cannot block the child.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Runs a command that must succeed; returns its stdout.
    @discardableResult
    static func check(_ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) throws -> String
    {
        let output = try run(arguments, environment: environment, input: input)
        guard output.status == 0 else {
            throw BenchError(
                "\(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr.prefix(2000))\(output.stdout.prefix(500))"
            )
        }
        return output.stdout
    }

    /// The full path of a program, searched on PATH when it has no slash.
    static func resolve(_ program: String) throws -> String {
        if program.contains("/") { return program }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BenchError("\(program) is not installed (make bench installs it with apt)")
    }

    /// `key=value key=value` → numbers (non-numeric values are dropped).
    static func values(_ line: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { out[String(parts[0])] = value }
        }
        return out
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}

/// A server the runner started; stopped with SIGTERM (then SIGKILL) when done. Spawned and reaped
/// with posix_spawn/waitpid directly: the runner must know exactly when its children are gone.
final class Background {
    let name: String
    let log: String
    let pid: pid_t
    private var exited = false

    init(name: String, _ arguments: [String], log: String, environment: [String: String]? = nil) throws {
        self.name = name
        self.log = log
        let path = try Shell.resolve(arguments[0])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let merged = ProcessInfo.processInfo.environment.merging(environment ?? [:]) { _, new in new }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The runner's threads block most signals; a server must start with none blocked and
        // default dispositions, or it would never see the SIGTERM that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let status = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(status)))") }
        pid = child
    }

    /// True while the process has not exited (reaps it when it has).
    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// A process started under this one (coachd under notify_ready), killed too if it lingers.
    var child: pid_t?

    /// Stops the process: SIGTERM, then SIGKILL after `grace` seconds; waits until it is reaped.
    func stop(grace: Double = 30) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning, Date() < deadline { usleep(5_000) }
        if isRunning {
            if let child { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            exited = true
        }
    }

    deinit { stop(grace: 2) }
}

/// Waits until something accepts connections on the Unix socket at `path`.
func waitForSocket(_ path: String, timeout: Double = 30, process: Background? = nil) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if connectable(path) { return }
        if let process, !process.isRunning {
            let log = (try? String(contentsOfFile: process.log, encoding: .utf8)) ?? ""
            throw BenchError("\(process.name) exited before listening on \(path): \(log.suffix(2000))")
        }
        usleep(5_000)
    }
    throw BenchError("nothing listens on \(path) after \(timeout) s")
}

func connectable(_ path: String) -> Bool {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    guard let address = try? UnixSocketAddress(path: path) else { return false }
    let status = address.connect(fd)
    return status == 0
}

/// Per-thread context switches of a process: how often its threads slept and were woken.
func contextSwitches(of pid: Int32) -> [String: Int] {
    var out: [String: Int] = [:]
    let tasks = "/proc/\(pid)/task"
    for tid in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
        guard let status = try? String(contentsOfFile: "\(tasks)/\(tid)/status", encoding: .utf8) else { continue }
        let name = ((try? String(contentsOfFile: "\(tasks)/\(tid)/comm", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var total = 0
        for line in status.split(separator: "\n")
        where line.hasPrefix("voluntary_ctxt_switches") || line.hasPrefix("nonvoluntary_ctxt_switches") {
            total += Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        }
        out["\(tid) \(name)"] = total
    }
    return out
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
