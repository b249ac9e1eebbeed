import ArgumentParser
import CoachClient
import CoachRPC
import CoachctlCore
import Foundation

/// `coachctl adaptation …`: the teacher's one small adaptation, and how it went.
struct AdaptationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adaptation", abstract: "Set, close and review the one small adaptation.",
        subcommands: [Set.self, Close.self, Review.self])

    struct Set: ParsableCommand {
        static let configuration = AdaptationsSet.command(
            "set",
            abstract:
                "Records the teacher's one small adaptation, after the conversation; close the active one with --close-previous.",
            discussion: """
                Outcomes: \(OutcomeName.all.joined(separator: ", ")).
                Example: coachctl adaptation set "wait five seconds after a question" --close-previous embedded
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: AdaptationsSet.help("text", valueName: "TEXT")) var text: String
        @OptionGroup var pair: PairOption
        @Option(help: AdaptationsSet.help("schoolDays", valueName: "N")) var schoolDays: Int?
        @Option(help: AdaptationsSet.help("closePrevious", valueName: "OUTCOME"), completion: .list(OutcomeName.all))
        var closePrevious: String?

        func validate() throws {
            if let closePrevious { try AdaptationCommand.check(outcome: closePrevious, option: "--close-previous") }
            if let schoolDays, schoolDays < 1 { throw ValidationError("--school-days must be at least 1") }
        }

        func run() throws {
            let session = try global.session()
            let id = try pair.resolve(session)
            let params = AdaptationsSet.Params(
                pair: id, text: text, schoolDays: schoolDays, closePrevious: closePrevious)
            try session.run(AdaptationsSet.self, params) {
                "Set adaptation \($0.id) for pair \(id): practise it until \($0.practiseUntil); "
                    + "the next drop-in falls due then."
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = AdaptationsClose.command(
            "close", discussion: "Example: coachctl adaptation close 4 --outcome embedded")
        @OptionGroup var global: GlobalOptions
        @Argument(help: AdaptationsClose.help("adaptation", valueName: "ADAPTATION")) var adaptation: Int64
        @Option(help: AdaptationsClose.help("outcome", valueName: "OUTCOME"), completion: .list(OutcomeName.all))
        var outcome: String

        func validate() throws {
            try AdaptationCommand.check(outcome: outcome, option: "--outcome")
        }

        func run() throws {
            let params = AdaptationsClose.Params(adaptation: adaptation, outcome: outcome)
            try global.session().run(AdaptationsClose.self, params) {
                "Closed adaptation \($0.id) as \($0.outcome ?? outcome) on \($0.closedOn ?? "-")."
            }
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review",
            abstract: "The active adaptation: since when, until when, school days left; and the previous outcomes.",
            discussion: "Calls `\(PairsShow.name)` (and `\(CalendarSchoolDays.name)` for the days left); "
                + "--json prints the pairs.show result.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var pair: PairOption

        func run() throws {
            let session = try global.session()
            let id = try pair.resolve(session)
            let detail = try session.call(PairsShow.self, PairsShow.Params(pair: id))
            if session.json {
                session.show(detail) { _ in "" }
                return
            }
            let daysLeft = try detail.pair.adaptation.map { try Self.daysLeft($0, school: detail.pair.school, session) }
            session.show(detail) { Self.render($0, daysLeft: daysLeft) }
        }

        static func render(_ detail: PairDetail, daysLeft: String?) -> String {
            let pair = detail.pair
            var text: String
            if let active = pair.adaptation {
                text =
                    "Pair \(pair.id): \(pair.teacherName) with \(pair.coachName)\n"
                    + Output.fields([
                        ("Adaptation", "\(active.id): \(active.text ?? Output.hidden)"),
                        ("Since", active.setOn),
                        ("Until", "\(active.practiseUntil) (\(Output.count(active.schoolDays, "school day")))"),
                        ("Days left", daysLeft ?? "-"),
                    ])
            } else {
                text =
                    "Pair \(pair.id): \(pair.teacherName) with \(pair.coachName): no active adaptation.\n"
                    + "Set one with: coachctl adaptation set \"…\" --pair \(pair.id)"
            }
            let previous = detail.adaptations.filter { !$0.active }
            if previous.isEmpty { return text + "\n\nNo previous adaptations." }
            let table = Table(
                ["ADAPTATION", "SET ON", "UNTIL", "CLOSED ON", "OUTCOME", "TEXT"],
                previous.reversed().map { item in
                    [
                        "\(item.id)", item.setOn, item.practiseUntil, item.closedOn ?? "-", item.outcome ?? "-",
                        item.text.map { Output.short($0) } ?? Output.hidden,
                    ]
                })
            return text + "\n\nPrevious outcomes, latest first\n" + table.render(indent: "  ")
        }

        /// School days from today (school-local, included) to the end of the window. Best effort:
        /// when the calendar cannot be read, calendar days instead.
        static func daysLeft(_ adaptation: AdaptationInfo, school: Int64, _ session: Session) throws -> String {
            var timeZone = TimeZone.current
            if let schools = try? session.call(SchoolsList.self, NoParams()).schools,
                let zone = schools.first(where: { $0.id == school }).flatMap({ TimeZone(identifier: $0.timeZone) })
            {
                timeZone = zone
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let now = calendar.dateComponents([.year, .month, .day], from: Date())
            let today = String(format: "%04d-%02d-%02d", now.year ?? 0, now.month ?? 0, now.day ?? 0)
            guard today <= adaptation.practiseUntil else { return "none: the practice window ended" }
            let params = CalendarSchoolDays.Params(school: school, from: today, to: adaptation.practiseUntil)
            let days: [String]
            switch Result(catching: { () throws(ClientError) in try session.call(CalendarSchoolDays.self, params) }) {
            case .success(let result):
                days = result.days
            case .failure(let error):
                guard error.rpcError != nil else { throw error }
                return calendarDaysLeft(until: adaptation.practiseUntil, from: now, calendar)
            }
            return Output.count(days.count, "school day") + ", today included"
        }

        static func calendarDaysLeft(until end: String, from now: DateComponents, _ calendar: Calendar) -> String {
            let parts = end.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3,
                let last = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
                let first = calendar.date(from: now),
                let count = calendar.dateComponents([.day], from: first, to: last).day
            else { return "-" }
            return Output.count(count + 1, "calendar day") + ", today included"
        }
    }

    static func check(outcome: String, option: String) throws {
        guard OutcomeName.all.contains(outcome) else {
            throw ValidationError(
                "\(option) must be one of \(OutcomeName.all.joined(separator: ", ")), not '\(outcome)'")
        }
    }
}
