import ArgumentParser
import CoachRPC

/// `coachctl due`: what is due, soonest first, with names.
struct DueCommand: ParsableCommand {
    static let configuration = DueListMethod.command(
        "due", abstract: "What is due for the pairs the caller may see, soonest first; --overdue for the overdue only.",
        discussion:
            "Examples: coachctl due; coachctl due --today; coachctl due --week; coachctl due --school 1 --overdue")
    @OptionGroup var global: GlobalOptions
    @Option(help: DueListMethod.help("school", valueName: "ID")) var school: Int64?
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
        let table = Table(
            ["DUE", "KIND", "TEACHER", "COACH", "PAIR", "DROP-IN"] + (wide ? ["OVERDUE AT"] : []) + ["STATE"],
            items.map { item in
                [
                    HumanTime.show(item.dueAt), Output.kind(item.kind), item.teacherName, item.coachName,
                    "\(item.pair)",
                    item.dropin.map { "\($0)" } ?? "-",
                ] + (wide ? [HumanTime.show(item.overdueAt)] : []) + [item.overdue ? "overdue" : "due"]
            })
        let overdueCount = items.filter(\.overdue).count
        var footer = Output.count(items.count, "item") + " listed"
        if overdueCount > 0 && !overdueOnly { footer += ", \(overdueCount) overdue" }
        return table.render() + "\n\n" + footer + "."
    }
}
