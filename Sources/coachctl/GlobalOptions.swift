import ArgumentParser
import CoachClient
import CoachRPC
import CoachctlCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The options every command takes: where the daemon is, how to print, how long to wait.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The daemon's socket (default: $COACHD_SOCKET, else \(SocketPath.system) when it exists, "
                + "else \(SocketPath.local)).", valueName: "PATH"),
        completion: .file())
    var socket: String?

    @Flag(help: "Print the daemon's result as JSON (sorted keys, pretty).")
    var json = false

    @Option(help: ArgumentHelp("How long to wait for the daemon.", valueName: "SECONDS"))
    var timeout: Double = 30

    @Flag(help: "Tables as wide as their contents (default: cut to fit 80 columns).")
    var wide = false

    @Flag(help: "Tables without their header line, for scripts.")
    var noHeaders = false

    func validate() throws {
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    /// The socket to use, resolved the one way daemon and CLI share.
    var socketPath: String { Self.socketPath(flag: socket) }

    static func socketPath(flag: String?) -> String {
        // Only $COACHD_SOCKET is read: one getenv, not the whole environment made a dictionary.
        var environment: [String: String] = [:]
        if let value = getenv(SocketPath.environmentKey) {
            environment[SocketPath.environmentKey] = String(cString: value)
        }
        return SocketPath.resolve(flag: flag, environment: environment, exists: { access($0, F_OK) == 0 })
    }

    /// Connects to the daemon.
    func session() throws(ClientError) -> Session {
        try Self.session(socket: socket, json: json, timeout: timeout, wide: wide, noHeaders: noHeaders)
    }

    /// Connects to the daemon with these options' values (also `coachctl due`'s fast path, DueFastPath.swift).
    /// A timeout beyond 10⁹ s (31 years) waits 10⁹ s: `--timeout 1e300` once trapped converting to Int64.
    static func session(socket: String?, json: Bool, timeout: Double, wide: Bool, noHeaders: Bool) throws(ClientError)
        -> Session
    {
        Table.style = Table.Style(width: wide ? nil : 80, headers: !noHeaders)
        let client = try CoachClient(
            socketPath: socketPath(flag: socket), timeout: .milliseconds(Int64(min(timeout, 1e9) * 1000)))
        return Session(client: client, json: json)
    }
}

/// One connection to the daemon for the length of a command, and the way its result is printed.
struct Session {
    let client: CoachClient
    let json: Bool

    /// Calls a method.
    func call<M: RPCMethod>(_ method: M.Type, _ params: M.Params) throws(ClientError) -> M.Result {
        try client.call(method, params)
    }

    /// Prints a result: as JSON with --json, else as `human` renders it.
    func show<T: Encodable>(_ result: T, human: (T) -> String) {
        // Human text goes through the one escaping function; JSON escapes control characters itself.
        let text = json ? Output.json(result) : Terminal.paint(Terminal.escape(human(result)))
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }

    /// The school's time zone, for reading `today 10:20` and the like: the caller's one school,
    /// else this machine's zone (an admin of several schools types full times or gets local ones).
    func schoolZone() -> TimeZone {
        if let schools = try? call(SchoolsList.self, NoParams()).schools, schools.count == 1,
            let zone = TimeZone(identifier: schools[0].timeZone)
        {
            return zone
        }
        return TimeZone.current
    }

    /// Reads an `--at` value: full forms as they are; relative ones in the school's zone.
    func readTime(_ text: String, direction: HumanTime.Direction, option: String = "--at") throws -> String {
        try HumanTime.read(
            text, zone: HumanTime.isRelative(text) ? schoolZone() : TimeZone.current, direction: direction,
            option: option)
    }

    /// Calls a method and prints its result.
    func run<M: RPCMethod>(_ method: M.Type, _ params: M.Params, human: (M.Result) -> String) throws(ClientError) {
        show(try call(method, params), human: human)
    }
}

/// `--pair ID`, which may be left out when the caller is in exactly one pair.
struct PairOption: ParsableArguments {
    @Option(help: ArgumentHelp("The pair (default: your only pair).", valueName: "ID"), completion: IDCompletion.pairs)
    var pair: Int64?

    /// The pair given, or the caller's only pair; a usage error listing them when there are several.
    func resolve(_ session: Session) throws -> Int64 {
        if let pair { return pair }
        let mine = try session.call(PairsList.self, PairsList.Params(mine: true)).pairs
        switch mine.count {
        case 1:
            return mine[0].id
        case 0:
            throw UsageError(
                message: "you are in no pair, so --pair ID is needed",
                hint: "`coachctl pair list` shows the pairs you may see; `coachctl me` shows who coachd takes you to be"
            )
        default:
            let table = Table(
                ["PAIR", "TEACHER", "COACH"],
                mine.map { ["\($0.id)", $0.teacherName, $0.coachName] })
            throw UsageError(
                message: "you are in \(mine.count) pairs; choose one with --pair ID:",
                hint: table.render(indent: "  "))
        }
    }
}

extension RPCMethod {
    /// The command's help, from the method's own summary: one source of truth.
    /// `abstract` replaces the summary where it speaks the wire's words (`overdueOnly`), not the CLI's.
    static func command(
        _ name: String, abstract: String? = nil, discussion: String = "", aliases: [String] = []
    ) -> CommandConfiguration {
        let calls = "Calls `\(Self.name)`."
        return CommandConfiguration(
            commandName: name, abstract: abstract ?? summary,
            discussion: discussion.isEmpty ? calls : "\(discussion)\n\n\(calls)", aliases: aliases)
    }

    /// An option's help, from the parameter's summary in the contract.
    static func help(_ field: String, valueName: String? = nil) -> ArgumentHelp {
        let summary = Params.fields.first { $0.name == field }?.summary ?? field
        return ArgumentHelp(summary.prefix(1).uppercased() + summary.dropFirst() + ".", valueName: valueName)
    }
}
