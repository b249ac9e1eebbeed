import ArgumentParser
import CoachClient
import CoachRPC
import CoachctlCore
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
        let now = Date()
        return DueTable.render(
            items.map {
                DueItem(
                    kind: $0.kind, pair: $0.pair, school: $0.school, teacher: $0.teacher, teacherName: $0.teacherName,
                    coach: $0.coach, coachName: $0.coachName, dropin: $0.dropin, dueDate: $0.dueDate, dueAt: $0.dueAt,
                    overdueAt: $0.overdueAt, overdue: $0.overdue, period: $0.period, group: $0.group,
                    groupName: $0.groupName, term: $0.term)
            }, overdueOnly: overdueOnly, show: { HumanTime.show($0, now: now, fast: fast) })
    }
}
