import ArgumentParser
import CoachRPC
import CoachctlCore

/// `coachctl pair …` and `coachctl my`: teacher–coach pairs.
struct PairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair", abstract: "Pair teachers with coaches, and look at pairs.",
        subcommands: [Add.self, Show.self, List.self, End.self])

    struct Add: ParsableCommand {
        static let configuration = PairsCreate.command(
            "add", discussion: "Example: coachctl pair add --teacher 12 --coach 13")
        @OptionGroup var global: GlobalOptions
        @Option(help: PairsCreate.help("teacher", valueName: "ID"), completion: IDCompletion.people) var teacher: Int64
        @Option(help: PairsCreate.help("coach", valueName: "ID"), completion: IDCompletion.people) var coach: Int64

        func run() throws {
            try global.session().run(PairsCreate.self, PairsCreate.Params(teacher: teacher, coach: coach)) {
                "Added pair \($0.id): teacher \(teacher) with coach \(coach)."
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = PairsShow.command("show", discussion: "Example: coachctl pair show 7")
        @OptionGroup var global: GlobalOptions
        @Argument(help: PairsShow.help("pair", valueName: "PAIR"), completion: IDCompletion.pairs) var pair: Int64

        func run() throws {
            try global.session().run(PairsShow.self, PairsShow.Params(pair: pair), human: PairText.detail)
        }
    }

    struct List: ParsableCommand {
        static let configuration = PairsList.command(
            "list", abstract: "The active pairs you may see; --all adds ended ones.")
        @OptionGroup var global: GlobalOptions
        @Option(help: PairsList.help("school", valueName: "ID"), completion: IDCompletion.schools) var school: Int64?
        @Flag(name: .customLong("all"), help: "Ended pairs too.") var includeEnded = false

        func run() throws {
            let params = PairsList.Params(school: school, includeEnded: includeEnded ? true : nil)
            let session = try global.session()
            let result = try session.call(PairsList.self, params)
            let schools = session.json ? [:] : YearText.schoolNames(session)
            session.show(result) { result in
                guard !result.pairs.isEmpty else { return "No pairs." }
                let table = Table(
                    ["PAIR", "SCHOOL", "TEACHER", "COACH", "FOCUS", "UNTIL", "NEXT"],
                    result.pairs.map { pair in
                        [
                            "\(pair.id)", schools[pair.school] ?? "\(pair.school)", pair.teacherName, pair.coachName,
                            PairText.focus(pair, limit: 32), pair.adaptation?.practiseUntil ?? "-",
                            pair.next.map(PairText.next) ?? "-",
                        ]
                    })
                return table.render() + "\n\n" + Output.count(result.pairs.count, "pair") + " listed."
            }
        }
    }
}

/// `coachctl my`: the caller's own pairs at a glance.
struct MyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "my",
        abstract: "Your own pairs: focus, active adaptation and until when, what is due next.",
        discussion: "Calls `\(PairsList.name)` with mine=true; --json prints its result.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session().run(PairsList.self, PairsList.Params(mine: true)) { result in
            guard !result.pairs.isEmpty else {
                return "You are in no pair. `coachctl me` shows who coachd takes you to be."
            }
            return result.pairs.map(PairText.block).joined(separator: "\n\n")
        }
    }
}

/// How pairs read in human output.
enum PairText {
    static func focus(_ pair: PairSummary, limit: Int = 60) -> String {
        if let focus = pair.focus { return Output.short(focus, limit) }
        return pair.hasFocus ? Output.hidden : "none agreed yet"
    }

    static func adaptation(_ adaptation: AdaptationInfo?) -> String {
        guard let adaptation else { return "none active" }
        let text = adaptation.text.map { Output.short($0, 60) } ?? Output.hidden
        return "\(text), until \(adaptation.practiseUntil)"
    }

    static func next(_ item: DueItemInfo) -> String {
        "\(Output.kind(item.kind)) \(item.overdue ? "overdue since \(HumanTime.show(item.overdueAt))" : "due \(HumanTime.show(item.dueAt))")"
    }

    /// One pair as a few labelled lines, for `my`.
    static func block(_ pair: PairSummary) -> String {
        "Pair \(pair.id): \(pair.teacherName) (teacher) with \(pair.coachName) (coach)\n"
            + Output.fields([
                ("Focus", focus(pair)),
                ("Adaptation", adaptation(pair.adaptation)),
                ("Next", pair.next.map(next) ?? "nothing due"),
            ])
    }

    /// An ended pair's line: when and why.
    static func ended(_ pair: PairSummary) -> [(String, String)] {
        guard pair.active == false else { return [] }
        let when = pair.endedAt.map { HumanTime.show($0) } ?? "-"
        return [("Ended", pair.endReason.map { "\(when): \($0)" } ?? when)]
    }

    /// `pair show`: the pair, then its drop-ins with follow-ups, adaptations, foci and history.
    static func detail(_ detail: PairDetail) -> String {
        let pair = detail.pair
        var sections = [
            "Pair \(pair.id): \(pair.teacherName) (teacher, person \(pair.teacher)) with \(pair.coachName) "
                + "(coach, person \(pair.coach)), school \(pair.school)\n"
                + Output.fields(
                    [
                        ("Focus", focus(pair)),
                        ("Adaptation", adaptation(pair.adaptation)),
                        ("Next", pair.next.map(next) ?? "nothing due"),
                    ] + ended(pair))
        ]

        if detail.dropins.isEmpty {
            sections.append("Drop-ins: none yet.")
        } else {
            let table = Table(
                ["DROP-IN", "WHEN", "MIN", "STATUS", "DONE", "FOLLOW-UP"],
                detail.dropins.map { dropin in
                    [
                        "\(dropin.id)", HumanTime.show(dropin.start), "\(dropin.minutes)", dropin.status ?? "-",
                        dropin.completedAt.map { HumanTime.show($0) } ?? "-",
                        dropin.followUp.map { HumanTime.show($0.completedAt) } ?? "-",
                    ]
                })
            var text = "Drop-ins\n" + table.render(indent: "  ")
            let notes = detail.dropins.flatMap { dropin -> [String] in
                var lines: [String] = []
                if let note = dropin.notes { lines.append("  \(dropin.id) drop-in: \(note)") }
                if let note = dropin.followUp?.notes { lines.append("  \(dropin.id) follow-up: \(note)") }
                return lines
            }
            if !notes.isEmpty { text += "\n\nNotes\n" + notes.joined(separator: "\n") }
            sections.append(text)
        }

        if !detail.adaptations.isEmpty {
            let table = Table(
                ["ADAPTATION", "SET ON", "DAYS", "UNTIL", "CLOSED ON", "OUTCOME", "TEXT"],
                detail.adaptations.map { item in
                    [
                        "\(item.id)", item.setOn, "\(item.schoolDays)", item.practiseUntil, item.closedOn ?? "-",
                        item.active ? "active" : item.outcome ?? "-",
                        item.text.map { Output.short($0) } ?? Output.hidden,
                    ]
                })
            sections.append("Adaptations\n" + table.render(indent: "  "))
        }

        if !detail.cycles.isEmpty {
            let table = Table(
                ["CYCLE", "STARTED", "FOCUS"],
                detail.cycles.map {
                    ["\($0.id)", HumanTime.show($0.startedAt), $0.focus.map { Output.short($0) } ?? Output.hidden]
                })
            sections.append("Foci\n" + table.render(indent: "  "))
        }

        if !detail.history.isEmpty {
            let names = [pair.teacher: pair.teacherName, pair.coach: pair.coachName]
            let table = Table(
                ["AT", "EVENT", "BY", "SUBJECT"],
                detail.history.map { entry in
                    let actor =
                        entry.actorName ?? entry.actor.map { names[$0] ?? "person \($0)" } ?? "uid \(entry.actorUid)"
                    return [HumanTime.show(entry.at), entry.event, actor, entry.subject.map { "\($0)" } ?? "-"]
                })
            sections.append("History\n" + table.render(indent: "  "))
        }
        return sections.joined(separator: "\n\n")
    }
}
