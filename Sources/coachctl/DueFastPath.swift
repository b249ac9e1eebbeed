import CoachClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `coachctl due` without building ArgumentParser's command tree: the command people run dozens of
/// times a day starts in about half the time (benchmark B7, Docs/Performance.md). A hand-written
/// reading of argv that accepts only the plain spellings of `due`'s options and the global ones;
/// anything else (`--help`, `--school=1`, a repeated option, an option before `due` that only `due`
/// takes, a value that starts with `-` or is `due`, a `--timeout` ArgumentParser would refuse, `--today` with
/// `--week`, completion requests, `COACHCTL_NO_FAST_PATH` set) returns nil and goes through
/// ArgumentParser as every other command does, which then prints what it always printed.
enum DueFastPath {
    /// What `coachctl due` was asked for: the global options and `due`'s own.
    struct Options: Equatable {
        var socket: String?
        var json = false
        var timeout: Double = 30
        var wide = false
        var noHeaders = false
        var school: Int64?
        var overdue = false
        var today = false
        var week = false
    }

    /// The options of a plain `due` command line (without the program name), or nil when
    /// ArgumentParser must read it.
    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var seen: [String] = []
        var sawDue = false
        var index = 0
        func value() -> String? {
            guard index + 1 < arguments.count else { return nil }
            let text = arguments[index + 1]
            // ArgumentParser reads a value that starts with `-` as the next option; and a value
            // spelled like the command (`--socket due`) is left to it to tell apart.
            guard !text.hasPrefix("-"), text != "due" else { return nil }
            index += 1
            return text
        }
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "due" {
                guard !sawDue else { return nil }
                sawDue = true
                index += 1
                continue
            }
            guard !seen.contains(argument) else { return nil }
            seen.append(argument)
            switch argument {
            case "--socket":
                guard let text = value() else { return nil }
                options.socket = text
            case "--timeout":
                guard let text = value(), let seconds = Double(text), seconds.isFinite, seconds > 0 else { return nil }
                options.timeout = seconds
            case "--json": options.json = true
            case "--wide": options.wide = true
            case "--no-headers": options.noHeaders = true
            case "--school":
                guard sawDue, let text = value(), let id = Int64(text) else { return nil }
                options.school = id
            case "--overdue":
                guard sawDue else { return nil }
                options.overdue = true
            case "--today":
                guard sawDue else { return nil }
                options.today = true
            case "--week":
                guard sawDue else { return nil }
                options.week = true
            default:
                return nil
            }
            index += 1
        }
        guard sawDue, !(options.today && options.week) else { return nil }
        return options
    }

    /// Runs `coachctl due` when argv is a plain one and the fast path is not switched off; false
    /// when ArgumentParser must take it. Exits as the ArgumentParser path does on failure.
    static func runIfPlain(_ arguments: [String]) -> Bool {
        guard getenv("COACHCTL_NO_FAST_PATH") == nil, let options = parse(arguments) else { return false }
        if getenv("COACHCTL_FAST_PATH_TRACE") != nil {
            let note = "coachctl: fast path\n"
            _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        }
        do {
            try DueCommand.run(options, fast: true)
        } catch {
            Failure.exit(error)
        }
        return true
    }
}
