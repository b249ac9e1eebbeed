import ArgumentParser
import CoachRPC
import CoachctlCore
import Foundation

// Issue 13: calendars in (`coachctl calendar import`) and out (`coachctl calendar export`).

extension CalendarCommand {
    struct Import: ParsableCommand {
        static let configuration = CalendarImportMethod.command(
            "import",
            abstract: "Imports closures or terms from a .ics feed or GOV.UK's bank-holidays.json; all or nothing.",
            discussion: """
                Examples:
                  coachctl calendar import term-dates.ics --school 1 --as terms
                  coachctl calendar import bank-holidays.json --school 1 --division england-and-wales
                  coachctl calendar import inset.ics --school 1 --dry-run
                The format is guessed from the file's name or text when --format is left out. Importing the \
                same file again changes nothing; --prune also removes what this feed imported before and no \
                longer has.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The file to import ('-' reads standard input).", valueName: "FILE"))
        var file: String
        @Option(help: CalendarImportMethod.help("school", valueName: "ID")) var school: Int64
        @Option(help: ArgumentHelp("ics or govuk (default: guessed from the file).", valueName: "FORMAT"))
        var format: String?
        @Option(help: CalendarImportMethod.help("division", valueName: "DIVISION")) var division: String?
        @Option(name: .customLong("as"), help: CalendarImportMethod.help("as", valueName: "closures|terms"))
        var kind: String?
        @Flag(help: "Report what would happen; store nothing.") var dryRun = false
        @Flag(help: CalendarImportMethod.help("prune")) var prune = false
        @Option(help: CalendarImportMethod.help("feed", valueName: "NAME")) var feed: String?

        func validate() throws {
            if let format, !["ics", "govuk", "govuk-bank-holidays"].contains(format) {
                throw ValidationError("--format takes ics or govuk, not '\(format)'")
            }
            if let kind, !["closures", "terms"].contains(kind) {
                throw ValidationError("--as takes closures or terms, not '\(kind)'")
            }
        }

        func run() throws {
            let text = try Self.read(file)
            let wire = try Self.format(format, file: file, text: text)
            let params = CalendarImportMethod.Params(
                school: school, format: wire, data: text,
                division: division, as: kind,
                dryRun: dryRun, prune: prune, feed: feed)
            let session = try global.session()
            let result = try session.call(CalendarImportMethod.self, params)
            let quiet = result.affected.moved.isEmpty && result.affected.cancelled.isEmpty
            let names = session.json || quiet ? [:] : try YearText.pairNames(session)
            session.show(result) { Self.render($0) + YearText.affected($0.affected, names: names) }
        }

        static func read(_ file: String) throws -> String {
            let data: Data
            do {
                data =
                    file == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw UsageError(
                    message: "cannot read \(Terminal.escape(file)): \(error.localizedDescription)", hint: nil)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw UsageError(
                    message: "\(Terminal.escape(file)) is not UTF-8 text", hint: "save it as UTF-8 and try again")
            }
            return text
        }

        /// The wire format: as given, else from the file's name, else from its first characters.
        static func format(_ given: String?, file: String, text: String) throws -> String {
            if let given { return given == "ics" ? "ics" : "govuk-bank-holidays" }
            let lower = file.lowercased()
            if lower.hasSuffix(".ics") || lower.hasSuffix(".ical") || lower.hasSuffix(".ifb") { return "ics" }
            if lower.hasSuffix(".json") { return "govuk-bank-holidays" }
            let start = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
            if start.hasPrefix("{") { return "govuk-bank-holidays" }
            if start.uppercased().hasPrefix("BEGIN:VCALENDAR") { return "ics" }
            throw UsageError(
                message: "cannot tell whether \(Terminal.escape(file)) is iCalendar or GOV.UK JSON",
                hint: "give --format ics or --format govuk")
        }

        /// One line per event: what became of it, its dates and title, and why when skipped.
        static func render(_ result: CalendarImported) -> String {
            var lines = [
                (result.dryRun ? "Dry run (nothing stored): " : "Imported ")
                    + "\(result.feed) as \(result.kind)."
            ]
            // `  added     2026-12-21–2027-01-04  Christmas holiday (line 11)`: 80 columns at most; a skipped
            // event's reason on the line below it.
            func row(_ label: String, _ event: ImportedEvent) -> String {
                let dates =
                    event.from.map { from in event.to.map { $0 == from ? from : "\(from)–\($0)" } ?? from } ?? ""
                let line = event.line.map { " (line \($0))" } ?? ""
                let head = "  " + label.padding(toLength: 10, withPad: " ", startingAt: 0)
                if let reason = event.reason {
                    return head + Output.short(event.summary, 52) + line + "\n      " + Output.short(reason, 74)
                }
                return head + dates.padding(toLength: 22, withPad: " ", startingAt: 0) + Output.short(event.summary, 32)
                    + line
            }
            lines += result.added.map { row("added", $0) }
            lines += result.updated.map { row("updated", $0) }
            lines += result.unchanged.map { row("unchanged", $0) }
            lines += result.removed.map { row("removed", $0) }
            lines += result.skipped.map { row("skipped", $0) }
            lines.append(
                "\(result.added.count) added, \(result.updated.count) updated, \(result.unchanged.count) unchanged, "
                    + "\(result.removed.count) removed, \(result.skipped.count) skipped.")
            return lines.joined(separator: "\n")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CalendarExportMethod.command(
            "export",
            abstract: "Writes your drop-ins and follow-ups due as an iCalendar file to standard output.",
            discussion: """
                Example: coachctl calendar export > coaching.ics
                Import the file into a calendar program; a later export updates the same events (stable UIDs). \
                A school's lead or an admin may export someone else's with --person ID.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: CalendarExportMethod.help("person", valueName: "ID")) var person: Int64?
        @Option(help: CalendarExportMethod.help("from", valueName: "DATE")) var from: String?
        @Option(help: CalendarExportMethod.help("to", valueName: "DATE")) var to: String?

        func validate() throws { try DateOption.check(["--from": from, "--to": to]) }

        func run() throws {
            let session = try global.session()
            let result = try session.call(CalendarExportMethod.self, .init(person: person, from: from, to: to))
            if session.json {
                session.show(result) { _ in "" }
            } else {
                // iCalendar is data for a calendar program, not terminal text: written as it is.
                FileHandle.standardOutput.write(Data(result.ics.utf8))
            }
        }
    }
}
