import ArgumentParser

/// An unknown command names the nearest one that exists (ArgumentParser does so for options, not
/// for commands): `coachctl dropn` → "did you mean `coachctl dropin`?", exit 64.
enum Suggestion {
    /// Global options that take a value, so their value is not read as a command.
    static let valued: Set<String> = ["--socket", "--timeout", "--generate-completion-script"]

    /// The usage error for the first word that is not a command where one is expected; nil when
    /// the words name commands (the problem, if any, is ArgumentParser's to report).
    static func unknownCommand(in arguments: [String]) -> UsageError? {
        // The shell's completion request (`---completion … -- WORDS`) is ArgumentParser's to answer.
        if arguments.first == "---completion" { return nil }
        var command: any ParsableCommand.Type = Coachctl.self
        var path = ["coachctl"]
        var skipNext = false
        for word in arguments {
            if skipNext {
                skipNext = false
                continue
            }
            if word.hasPrefix("-") {
                skipNext = valued.contains(word)
                continue
            }
            let children = command.configuration.subcommands
            guard !children.isEmpty, word != "help" else { return nil }
            if let child = children.first(where: { name(of: $0) == word || $0.configuration.aliases.contains(word) }) {
                command = child
                path.append(word)
                continue
            }
            let names = children.map(name(of:))
            let here = path.joined(separator: " ")
            let nearest = names.min { distance(word, $0) < distance(word, $1) }
            if let nearest, distance(word, nearest) <= max(2, word.count / 2) {
                return UsageError(
                    message: "unknown command '\(word)'; did you mean `\(here) \(nearest)`?",
                    hint: "Usage: \(here) <subcommand>; `\(here) --help` lists the commands")
            }
            return UsageError(
                message: "unknown command '\(word)'",
                hint: "Usage: \(here) <subcommand>; the commands of `\(here)` are: \(names.joined(separator: ", "))")
        }
        return nil
    }

    static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    /// Edit distance (insertions, deletions, substitutions), case-insensitive.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
