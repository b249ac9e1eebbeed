import ArgumentParser
import CoachRPC

/// `coachctl due`: what is due, soonest first, with names.
struct DueCommand: ParsableCommand {
    static let configuration = DueListMethod.command(
        "due", abstract: "What is due for the pairs the caller may see, soonest first; --overdue for the overdue only.",
        discussion:
            "Examples: coachctl due; coachctl due --today; coachctl due --week; coachctl due --school 1 --overdue")
    @OptionGroup var global: GlobalOptions
    @Option(help: DueListMethod.help("school", valueName: "ID"), completion: IDCompletion.schools) var school: Int64?
    @Flag(help: DueListMethod.help("overdueOnly")) var overdue = false
    @Flag(help: "Only items due today (in the school's zone).") var today = false
    @Flag(help: "Only items due this Monday to Sunday.") var week = false

    func validate() throws {
        if today && week { throw ValidationError("give either --today or --week, not both") }
    }

    func run() throws {
        let session = try global.session()
        let range = dueRange(session)
        let params = DueListMethod.Params(
            school: school, overdueOnly: overdue ? true : nil, from: range.from, to: range.to)
        try session.run(DueListMethod.self, params) { result in
            Self.render(result.items, overdueOnly: overdue)
        }
    }

    static func render(_ items: [DueItemInfo], overdueOnly: Bool) -> String {
        guard !items.isEmpty else { return overdueOnly ? "Nothing overdue." : "Nothing due." }
        // Within 80 columns the overdue time is left out (the state says whether it has passed); --wide shows it.
        let wide = Table.style.width == nil
        func state(_ item: DueItemInfo) -> [String] {
            (wide ? [HumanTime.show(item.overdueAt)] : []) + [item.overdue ? "overdue" : "due"]
        }
        let end = (wide ? ["OVERDUE AT"] : []) + ["STATE"]
        // One table per programme, each under its own headings: a session's two heads are never
        // shown as a teacher and a coach, nor a group's meeting as a pair's.
        let coaching = items.filter { $0.kind != "session" && $0.kind != "supervision" }
        let sessions = items.filter { $0.kind == "session" }
        let meetings = items.filter { $0.kind == "supervision" }
        var sections: [String] = []
        if !coaching.isEmpty {
            sections.append(
                Table(
                    ["DUE", "KIND", "TEACHER", "COACH", "PAIR", "DROP-IN"] + end,
                    coaching.map { item in
                        [
                            HumanTime.show(item.dueAt), Output.kind(item.kind), item.teacherName, item.coachName,
                            "\(item.pair)", item.dropin.map { "\($0)" } ?? "-",
                        ] + state(item)
                    }
                ).render())
        }
        if !sessions.isEmpty {
            sections.append(
                (coaching.isEmpty ? "" : "Peer sessions:\n")
                    + Table(
                        ["DUE", "PEER SESSION OF", "AND", "PEER"] + end,
                        sessions.map { item in
                            [HumanTime.show(item.dueAt), item.teacherName, item.coachName, "\(item.pair)"]
                                + state(item)
                        }
                    ).render())
        }
        if !meetings.isEmpty {
            sections.append(
                (coaching.isEmpty && sessions.isEmpty ? "" : "Supervision meetings:\n")
                    + Table(
                        ["DUE", "SUPERVISION GROUP", "TERM", "GROUP"] + end,
                        meetings.map { item in
                            [
                                HumanTime.show(item.dueAt), item.groupName ?? "", item.term ?? "",
                                "\(item.group ?? item.pair)",
                            ] + state(item)
                        }
                    ).render())
        }
        let overdueCount = items.filter(\.overdue).count
        var footer = Output.count(items.count, "item") + " listed"
        if overdueCount > 0 && !overdueOnly { footer += ", \(overdueCount) overdue" }
        return sections.joined(separator: "\n\n") + "\n\n" + footer + "."
    }
}
