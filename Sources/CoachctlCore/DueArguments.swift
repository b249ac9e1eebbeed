/// `coachctl due`'s command line read by hand: the one reading both the `coachctl` front
/// (Sources/CoachctlFront) and coachctl-full's fast path (`DueFastPath`) use. It accepts only the
/// plain spellings of `due`'s options and the global ones; anything else (`--help`,
/// `--school=1`, a repeated option, an option before `due` that only `due` takes, a value that
/// starts with `-` or is `due`, a `--timeout` ArgumentParser would refuse, `--today` with `--week`,
/// completion requests) gives nil and goes through ArgumentParser, which prints what it always printed.
public struct DueArguments: Equatable, Sendable {
    public var socket: String?
    public var json = false
    public var timeout: Double = 30
    public var wide = false
    public var noHeaders = false
    public var school: Int64?
    public var overdue = false
    public var today = false
    public var week = false

    public init(
        socket: String? = nil, json: Bool = false, timeout: Double = 30, wide: Bool = false, noHeaders: Bool = false,
        school: Int64? = nil, overdue: Bool = false, today: Bool = false, week: Bool = false
    ) {
        self.socket = socket
        self.json = json
        self.timeout = timeout
        self.wide = wide
        self.noHeaders = noHeaders
        self.school = school
        self.overdue = overdue
        self.today = today
        self.week = week
    }

    /// The options of a plain `due` command line (without the program name), or nil when
    /// ArgumentParser must read it.
    public static func parse(_ arguments: [String]) -> DueArguments? {
        var options = DueArguments()
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
}
