import ArgumentParser
import CoachClient
import CoachRPC
import Foundation

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
        try Self.run(
            DueFastPath.Options(
                socket: global.socket, json: global.json, timeout: global.timeout, wide: global.wide,
                noHeaders: global.noHeaders, school: school, overdue: overdue, today: today, week: week),
            fast: false)
    }

    /// The command itself, for both ways in: ArgumentParser (`run()`, `fast` false: the reference,
    /// `JSONDecoder` and `Calendar` as always) and the argv fast path (`DueFastPath`, `fast` true:
    /// the reply read by `DueListReply`, days counted by `HumanTime.dayWordFast`). The output is the
    /// same byte for byte (Tests/CoachCtlTests/DueFastPathTests.swift).
    static func run(_ options: DueFastPath.Options, fast: Bool) throws(ClientError) {
        let session = try GlobalOptions.session(
            socket: options.socket, json: options.json, timeout: options.timeout, wide: options.wide,
            noHeaders: options.noHeaders)
        let range = dueRange(session, today: options.today, week: options.week)
        let params = DueListMethod.Params(
            school: options.school, overdueOnly: options.overdue ? true : nil, from: range.from, to: range.to)
        let result =
            fast
            ? try session.client.call(
                DueListMethod.self, params, fastRequest: { DueListReply.request(params, id: $0) },
                fastResult: DueListReply.decode)
            : try session.call(DueListMethod.self, params)
        session.show(result) { result in
            Self.render(result.items, overdueOnly: options.overdue, fast: fast)
        }
    }

    static func render(_ items: [DueItemInfo], overdueOnly: Bool, fast: Bool = false) -> String {
        guard !items.isEmpty else { return overdueOnly ? "Nothing overdue." : "Nothing due." }
        // Within 80 columns the overdue time is left out (the state says whether it has passed); --wide shows it.
        let wide = Table.style.width == nil
        let now = Date()
        func state(_ item: DueItemInfo) -> [String] {
            (wide ? [HumanTime.show(item.overdueAt, now: now, fast: fast)] : []) + [item.overdue ? "overdue" : "due"]
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
                            HumanTime.show(item.dueAt, now: now, fast: fast), Output.kind(item.kind), item.teacherName,
                            item.coachName,
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
                            [
                                HumanTime.show(item.dueAt, now: now, fast: fast), item.teacherName, item.coachName,
                                "\(item.pair)",
                            ]
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
                                HumanTime.show(item.dueAt, now: now, fast: fast), item.groupName ?? "", item.term ?? "",
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
