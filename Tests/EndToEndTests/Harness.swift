import CoachClient
import CoachRPC
import Foundation
import Testing

/// Where the built executables are: next to the test bundle, else the package's .build/debug.
enum Binaries {
    static let directory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ]
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("coachd").path)
        }
            ?? candidates[1]
    }()
    static var coachd: String { directory.appendingPathComponent("coachd").path }
    static var coachctl: String { directory.appendingPathComponent("coachctl").path }
}

/// What a finished process left.
struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The JSON on stdout, decoded.
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(stdout.utf8))
    }
}

/// Runs a program to completion, optionally as another uid (via setpriv, when root).
func run(_ program: String, _ arguments: [String], uid: UInt32? = nil, environment: [String: String] = [:]) throws
    -> Outcome
{
    let process = Process()
    if let uid {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", program] + arguments
    } else {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    }
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Whether tests can act as other Unix users (root with setpriv).
let canSwitchUsers = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

/// A real coachd on a temporary state directory and socket.
final class RunningDaemon: @unchecked Sendable {
    let directory: String
    let socket: String
    private(set) var process: Process?
    let logFile: String

    /// The state directory the daemon is started on (its database is `coachd.sqlite` in it).
    var stateDirectory: String
    /// Extra arguments for `coachd` (after the test's own).
    var extraArguments: [String] = []
    /// A command that runs `coachd` (e.g. `nsenter … --`); empty runs it directly.
    var launcher: [String] = []

    /// A daemon on a fresh temporary directory; `configuration` is YAML added to the test's file
    /// (which sets `log.level: debug`), e.g. `"limits:\n  idleTimeoutSeconds: 2\n"`.
    init(configuration: String = "", start shouldStart: Bool = true) throws {
        directory = NSTemporaryDirectory() + "coachd-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        socket = directory + "/coachd.sock"
        logFile = directory + "/coachd.log"
        stateDirectory = directory + "/state"
        _ = FileManager.default.createFile(
            atPath: directory + "/coachd.yaml", contents: Data(("log:\n  level: debug\n" + configuration).utf8))
        if shouldStart { try start() }
    }

    /// Starts (or restarts) the daemon and waits until its socket answers.
    func start() throws {
        let process = Process()
        let arguments =
            [
                "--config", directory + "/coachd.yaml", "--state-dir", stateDirectory, "--socket", socket,
                "--socket-mode", "0666",
            ] + extraArguments
        let command = launcher + [Binaries.coachd] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let client = try? CoachClient(socketPath: socket, timeout: .seconds(2)),
                (try? client.call(DaemonPing.self, NoParams())) != nil
            {
                return
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw DaemonFailed(log: (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")
    }

    struct DaemonFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "coachd did not come up:\n\(log)" }
    }

    /// Sends a signal and waits for the process to end.
    func stop(signal: Int32 = SIGTERM) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Everything the daemon logged so far.
    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Runs coachctl against this daemon.
    func ctl(_ arguments: [String], uid: UInt32? = nil) throws -> Outcome {
        try run(Binaries.coachctl, ["--socket", socket] + arguments, uid: uid)
    }

    /// A typed client as the test's own user.
    func client() throws -> CoachClient { try CoachClient(socketPath: socket, timeout: .seconds(10)) }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The most recent weekday before today (a school day in a calendar with no closures), as YYYY-MM-DD.
func recentWeekday(in zone: TimeZone = TimeZone(identifier: "Europe/London")!) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    var day = calendar.date(byAdding: .day, value: -1, to: Date())!
    while calendar.isDateInWeekend(day) { day = calendar.date(byAdding: .day, value: -1, to: day)! }
    let parts = calendar.dateComponents([.year, .month, .day], from: day)
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}

/// The first weekday after the next weekend (a Monday, a school day with no closures), as YYYY-MM-DD.
func nextWeekday() -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/London")!
    var day = calendar.date(byAdding: .day, value: 1, to: Date())!
    while calendar.component(.weekday, from: day) != 2 { day = calendar.date(byAdding: .day, value: 1, to: day)! }
    let parts = calendar.dateComponents([.year, .month, .day], from: day)
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}

/// The next Saturday, as YYYY-MM-DD.
func nextSaturday() -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/London")!
    var day = calendar.date(byAdding: .day, value: 1, to: Date())!
    while calendar.component(.weekday, from: day) != 7 { day = calendar.date(byAdding: .day, value: 1, to: day)! }
    let parts = calendar.dateComponents([.year, .month, .day], from: day)
    return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
}
