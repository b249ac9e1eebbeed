import CoachClient
import CoachctlCore

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
    typealias Options = DueArguments

    /// The options of a plain `due` command line (CoachctlCore's `DueArguments.parse`).
    static func parse(_ arguments: [String]) -> Options? { DueArguments.parse(arguments) }

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
