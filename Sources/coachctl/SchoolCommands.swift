import ArgumentParser
import CoachRPC
import CoachctlCore

/// `coachctl school …`: schools and their school-day hours.
struct SchoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "school", abstract: "Add and list schools.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = SchoolsAdd.command(
            "add",
            discussion: "Example: coachctl school add \"Oak Primary\" --time-zone Europe/London --day-start 08:45")
        @OptionGroup var global: GlobalOptions
        @Argument(help: SchoolsAdd.help("name", valueName: "NAME")) var name: String
        @Option(help: ArgumentHelp("The school's IANA time zone, e.g. Europe/London.", valueName: "TZ"))
        var timeZone: String
        @Option(help: SchoolsAdd.help("dayStart", valueName: "HH:MM")) var dayStart: String?
        @Option(help: SchoolsAdd.help("dayEnd", valueName: "HH:MM")) var dayEnd: String?

        func run() throws {
            let params = SchoolsAdd.Params(name: name, timeZone: timeZone, dayStart: dayStart, dayEnd: dayEnd)
            try global.session().run(SchoolsAdd.self, params) { "Added school \($0.id): \(name)." }
        }
    }

    struct List: ParsableCommand {
        static let configuration = SchoolsList.command("list")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.session().run(SchoolsList.self, NoParams()) { result in
                guard !result.schools.isEmpty else { return "No schools." }
                let table = Table(
                    ["ID", "NAME", "TIME ZONE", "SCHOOL DAY"],
                    result.schools.map { ["\($0.id)", $0.name, $0.timeZone, "\($0.dayStart)–\($0.dayEnd)"] })
                return table.render() + "\n\n" + Output.count(result.schools.count, "school") + " listed."
            }
        }
    }
}

/// `coachctl closure add`: half-terms, INSET days, bank holidays.
struct ClosureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closure", abstract: "Close a school for some days, or open them again.",
        subcommands: [Add.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CalendarAddClosure.command(
            "add",
            abstract:
                "Closes a school for some dates (half-term, INSET day, bank holiday); prints the drop-ins it cancels and the due dates it moves.",
            discussion: "Example: coachctl closure add --school 1 --from 2026-10-26 --to 2026-10-30 --reason half-term")
        @OptionGroup var global: GlobalOptions
        @Option(help: CalendarAddClosure.help("school", valueName: "ID"), completion: IDCompletion.schools) var school:
            Int64
        @Option(help: CalendarAddClosure.help("from", valueName: "DATE")) var from: String
        @Option(help: CalendarAddClosure.help("to", valueName: "DATE")) var to: String
        @Option(help: CalendarAddClosure.help("reason", valueName: "TEXT")) var reason: String

        func validate() throws { try DateOption.check(["--from": from, "--to": to]) }

        func run() throws {
            let params = CalendarAddClosure.Params(school: school, from: from, to: to, reason: reason)
            try global.session().run(CalendarAddClosure.self, params) {
                "Added closure \($0.id): school \(school) closed \(from) to \(to) (\(reason))."
                    + YearText.affected($0.affected, names: [:])
            }
        }
    }
}

/// `coachctl term add`: once a school has terms, only days inside a term are school days.
struct TermCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "term", abstract: "Add and remove a school's terms.", subcommands: [Add.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CalendarAddTerm.command(
            "add",
            abstract:
                "Adds a term: once a school has terms, days between them are not school days; prints the drop-ins it cancels and the due dates it moves.",
            discussion: "Example: coachctl term add --school 1 --name \"Autumn 2026\" --from 2026-09-03 --to 2026-12-18"
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: CalendarAddTerm.help("school", valueName: "ID"), completion: IDCompletion.schools) var school:
            Int64
        @Option(help: CalendarAddTerm.help("name", valueName: "TEXT")) var name: String
        @Option(help: CalendarAddTerm.help("from", valueName: "DATE")) var from: String
        @Option(help: CalendarAddTerm.help("to", valueName: "DATE")) var to: String

        func validate() throws { try DateOption.check(["--from": from, "--to": to]) }

        func run() throws {
            let params = CalendarAddTerm.Params(school: school, name: name, from: from, to: to)
            try global.session().run(CalendarAddTerm.self, params) {
                "Added term \($0.id): \(name), \(from) to \(to)." + YearText.affected($0.affected, names: [:])
            }
        }
    }
}

/// `coachctl calendar days`: which days count as school days.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Look at a school's calendar; import one, export yours.",
        subcommands: [Days.self, List.self, Import.self, Export.self])

    struct Days: ParsableCommand {
        static let configuration = CalendarSchoolDays.command(
            "days", discussion: "Example: coachctl calendar days --school 1 --from 2026-10-19 --to 2026-11-06")
        @OptionGroup var global: GlobalOptions
        @Option(help: CalendarSchoolDays.help("school", valueName: "ID"), completion: IDCompletion.schools) var school:
            Int64
        @Option(help: CalendarSchoolDays.help("from", valueName: "DATE")) var from: String
        @Option(help: CalendarSchoolDays.help("to", valueName: "DATE")) var to: String

        func validate() throws { try DateOption.check(["--from": from, "--to": to]) }

        func run() throws {
            let params = CalendarSchoolDays.Params(school: school, from: from, to: to)
            try global.session().run(CalendarSchoolDays.self, params) { result in
                let footer = Output.count(result.days.count, "school day") + " from \(from) to \(to)."
                return result.days.isEmpty
                    ? "No school days from \(from) to \(to)." : result.days.joined(separator: "\n") + "\n\n" + footer
            }
        }
    }
}
