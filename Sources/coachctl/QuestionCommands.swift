import ArgumentParser
import CoachRPC

/// `coachctl questions …`: the questioning frameworks (issue 14). Without a subcommand it lists.
struct QuestionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questions", abstract: "List the questioning frameworks; admins add and remove questions.",
        subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = QuestionsList.command(
            "list",
            discussion:
                "Example: coachctl questions --phase goal --for coach --programme peer\nPhases, in conversation order: "
                + QuestionPhaseName.all.joined(separator: ", ") + ".")
        @OptionGroup var global: GlobalOptions
        @Option(help: QuestionsList.help("phase", valueName: "PHASE")) var phase: String?
        @Option(name: .customLong("for"), help: QuestionsList.help("for", valueName: "coach|learner"))
        var audience: String?
        @Option(help: QuestionsList.help("programme", valueName: "incremental|peer")) var programme: String?

        func run() throws {
            let params = QuestionsList.Params(phase: phase, for: audience, programme: programme)
            try global.session().run(QuestionsList.self, params) { QuestionText.list($0) }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = QuestionsAdd.command(
            "add",
            discussion:
                "Example: coachctl questions add --phase options --for coach --programme peer \"What else could you try?\""
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: QuestionsAdd.help("text", valueName: "TEXT")) var text: String
        @Option(help: QuestionsAdd.help("phase", valueName: "PHASE")) var phase: String
        @Option(name: .customLong("for"), help: QuestionsAdd.help("for", valueName: "coach|learner"))
        var audience: String
        @Option(help: QuestionsAdd.help("programme", valueName: "incremental|peer")) var programme: String

        func run() throws {
            let params = QuestionsAdd.Params(phase: phase, for: audience, programme: programme, text: text)
            try global.session().run(QuestionsAdd.self, params) { "Added question \($0.id) to \(phase)." }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = QuestionsRemove.command(
            "remove", discussion: "Example: coachctl questions remove 12")
        @OptionGroup var global: GlobalOptions
        @Argument(help: QuestionsRemove.help("question", valueName: "ID")) var question: Int64

        func run() throws {
            try global.session().run(QuestionsRemove.self, QuestionsRemove.Params(question: question)) {
                "Removed question \($0.id) (\($0.phase), \($0.for), \($0.programme)): \(Output.short($0.text, 60))"
            }
        }
    }
}

/// The bank as people read it: a heading per phase, then each question wrapped to 80 columns.
enum QuestionText {
    static func list(_ result: QuestionList) -> String {
        guard !result.phases.isEmpty else { return "No questions match." }
        var lines: [String] = []
        var count = 0
        for group in result.phases {
            if !lines.isEmpty { lines.append("") }
            lines.append(heading(group.phase))
            for question in group.questions {
                count += 1
                let label = "  \(question.id)  \(question.programme), \(question.for): "
                lines += wrap(question.text, first: label, width: 80)
            }
        }
        return lines.joined(separator: "\n") + "\n\n" + Output.count(count, "question") + " listed."
    }

    /// `next-step` → `Next step`.
    static func heading(_ phase: String) -> String {
        let words = phase == "check-in" ? "Check-in" : phase.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// `text` after `first`, broken at spaces so no line passes `width`; later lines indented by six.
    static func wrap(_ text: String, first: String, width: Int) -> [String] {
        let indent = "      "
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
                lineHasWord = false
            }
            if lineHasWord || line == indent {
                line += lineHasWord ? " " + word : word
            } else {
                line += word
            }
            lineHasWord = true
            // A single word longer than the line is cut, never left to overflow.
            while line.count > width {
                lines.append(String(line.prefix(width)))
                line = indent + line.dropFirst(width)
            }
        }
        lines.append(line)
        return lines
    }
}
