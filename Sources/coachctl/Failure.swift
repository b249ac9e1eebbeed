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

/// A usage problem found after parsing (e.g. `--pair` left out while the caller has several
/// pairs): printed like a daemon error, but exits 64 like ArgumentParser's own usage errors.
struct UsageError: Error {
    var message: String
    var hint: String?
}

/// How a failed command reports itself: `coachctl: <what went wrong>`, then what to do, on stderr;
/// and the exit code that tells scripts which kind of failure it was.
enum Failure {
    /// The daemon answered with an error.
    static let daemonError: Int32 = 1
    /// Bad usage (sysexits EX_USAGE, as ArgumentParser's validation errors).
    static let usage: Int32 = 64
    /// The daemon cannot be reached (EX_UNAVAILABLE).
    static let unavailable: Int32 = 69
    /// The daemon did not answer in time (EX_TEMPFAIL).
    static let timedOut: Int32 = 75
    /// The daemon answered something outside the contract (EX_PROTOCOL).
    static let protocolError: Int32 = 76
    /// A local file could not be written (EX_CANTCREAT): `coachctl backup`.
    static let cannotWrite: Int32 = 73

    static let exitCodesDiscussion = """
        The socket is --socket PATH, else $COACHD_SOCKET, else /run/coachd/coachd.sock when it exists, \
        else .coachd/coachd.sock (what `make run` serves). Every command takes --json to print the \
        daemon's result as JSON.

        Shell completion: --generate-completion-script bash|zsh|fish prints the completion script \
        for that shell (the Debian package installs all three).

        Exit codes:
          0   success
          1   the daemon answered with an error (message and hint on stderr)
          64  usage error: unknown command or option, a malformed time or date, a
              missing --pair, or demo seed refused
          69  cannot connect to the daemon (is coachd running?)
          73  a local file could not be written (coachctl backup)
          75  the daemon did not answer within --timeout
          76  the daemon's reply did not match the protocol (version skew?)
        """

    /// The peer programme's commands (issue 14): their generic hints name the programme's own
    /// list commands, never drop-ins or teacher–coach pairs.
    static let peerProgrammeCommands: Set<Substring> = [
        "RegionCommand", "PeriodCommand", "PeerCommand", "SessionCommand", "AgreementCommand", "ThemeCommand",
        "GroupCommand", "ProgrammeCommand",
    ]

    /// The peer programme's wire methods, by their prefix (for `coachctl call`).
    static let peerProgrammeMethods = [
        "regions.", "periods.", "peers.", "sessions.", "agreements.", "themes.", "groups.", "reports.programme",
    ]

    /// Whether a parsed command is one of the peer programme's (`coachctl.SessionCommand.Cancel`), or
    /// `coachctl call` of one of its methods.
    static func isPeerProgramme(_ command: any ParsableCommand) -> Bool {
        if let call = command as? CallCommand {
            return peerProgrammeMethods.contains { call.method.hasPrefix($0) }
        }
        return String(reflecting: type(of: command)).split(separator: ".").contains {
            peerProgrammeCommands.contains($0)
        }
    }

    static func exit(_ error: ClientError, peerProgramme: Bool = false) -> Never {
        let code: Int32
        var hint = error.hint
        switch error.kind {
        case .cannotConnect: code = unavailable
        case .timedOut: code = timedOut
        case .protocolError: code = protocolError
        case .daemon(let rpcError):
            code = daemonError
            hint = hint ?? (peerProgramme ? peerHint(for: rpcError.name) : nil) ?? defaultHint(for: rpcError.name)
        }
        write(error.summary, hint: hint)
        Foundation.exit(code)
    }

    static func exit(_ error: UsageError) -> Never {
        write(error.message, hint: error.hint)
        Foundation.exit(usage)
    }

    static func exit(_ error: LocalFailure) -> Never {
        write(error.message, hint: error.hint)
        Foundation.exit(error.code)
    }

    private static func write(_ message: String, hint: String?) {
        FileHandle.standardError.write(Data(text(message, hint: hint, terminal: isatty(STDERR_FILENO) == 1).utf8))
    }

    /// What a failure prints: `coachctl: <message>`, then the hint. Messages quote stored names and
    /// reasons: escaped like every human text. For a person at a terminal both are wrapped at 80
    /// columns (the message's continuation lines indented by two spaces); for a script (stderr a
    /// pipe or a file) nothing is wrapped, so the first line is the whole message (Docs/Decisions.md).
    static func text(_ message: String, hint: String?, terminal: Bool) -> String {
        var message = "coachctl: \(Terminal.escape(message))"
        var hint = hint.map(Terminal.escape)
        if terminal {
            message = wrap(message, indent: "  ")
            hint = hint.map { wrap($0) }
        }
        return message + "\n" + (hint.map { $0 + "\n" } ?? "")
    }

    /// Lines longer than `width` broken at spaces, for a person at a terminal; `indent` starts each
    /// continuation line. A word longer than the width (a path, say) stays whole on its own line;
    /// existing line breaks and each line's own leading spaces stay.
    static func wrap(_ text: String, width: Int = 80, indent: String = "") -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > width else { return String(line) }
            let lead = String(line.prefix { $0 == " " })
            var lines: [String] = []
            var current = lead
            var first = true
            for word in line.dropFirst(lead.count).split(separator: " ") {
                let start = first ? lead : lead + indent
                if current.count > start.count && current.count + 1 + word.count > width {
                    lines.append(current)
                    first = false
                    current = lead + indent + word
                } else {
                    current += (current.count > start.count ? " " : "") + word
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// What to do after a peer programme command, when the daemon sent no hint of its own (nil:
    /// the general hint fits).
    static func peerHint(for name: RPCErrorName) -> String? {
        switch name {
        case .conflict:
            return "see what is there: `coachctl peer list`, `coachctl session list --peer ID`, "
                + "`coachctl region list`, `coachctl period list`"
        case .notFound:
            return "check the id: `coachctl peer list`, `coachctl group list`, `coachctl region list` and "
                + "`coachctl person list` show them; `coachctl session list --peer ID` a pair's sessions"
        case .invalidState:
            return "`coachctl session list --peer ID` shows where the pair's sessions stand; `coachctl due` what "
                + "comes next"
        default:
            return nil
        }
    }

    /// What to do, when the daemon sent no hint of its own.
    static func defaultHint(for name: RPCErrorName) -> String? {
        switch name {
        case .permissionDenied:
            return "`coachctl me` shows who coachd takes you to be; if you are not linked yet, ask an admin to link "
                + "your login: coachctl person add NAME --school ID --role ROLE --login \(currentLogin)"
        case .notFound:
            return "check the id: `coachctl pair list`, `coachctl person list` and `coachctl school list` show them"
        case .adaptationAlreadyActive:
            return "close it first (`coachctl adaptation close ID --outcome embedded|continuing|dropped`) "
                + "or pass --close-previous OUTCOME"
        case .outsideSchoolHours, .notASchoolDay:
            return "choose a time inside school hours on a school day; "
                + "`coachctl calendar days --school ID --from DATE --to DATE` lists the days"
        case .busy:
            return "coachd is overloaded; try again in a moment"
        case .storeUnavailable, .internalError, .deadlineExceeded:
            return "see `journalctl -u coachd` for the cause"
        case .methodNotFound:
            return "coachd may be older than coachctl: compare `coachctl daemon info`"
        case .conflict:
            return
                "see what is there: `coachctl dropin list`, `coachctl pair list`, `coachctl calendar list --school ID`"
        case .invalidState:
            return "`coachctl pair show PAIR` shows where the pair stands; `coachctl due` what comes next"
        case .invalidParams:
            return "`coachctl help COMMAND` shows what the command takes"
        case .parseError, .invalidRequest:
            return "coachd did not understand the request: compare `coachctl --version` with `coachctl daemon info`"
        default:
            return nil
        }
    }

    /// The caller's login name, for hints that tell an admin what to type.
    static var currentLogin: String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "LOGIN"
    }
}
