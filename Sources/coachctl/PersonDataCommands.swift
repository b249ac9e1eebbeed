import ArgumentParser
import CoachRPC
import Foundation

/// `coachctl person import|export|erase` (issue 13): a staff list in, everything held about a
/// person out, and erasure on request.
extension PersonCommand {
    struct Import: ParsableCommand {
        static let configuration = PeopleImport.command(
            "import",
            discussion: """
                FILE is a CSV staff list with a header row: name, login (or uid), roles (separated \
                by ';') and optionally coach (the login of the coach to pair a teacher with). Other \
                columns are ignored. All or nothing: one bad row stores nothing. Someone already \
                there is left unchanged, so importing the same file again changes nothing. Give - to \
                read standard input.
                Example: coachctl person import staff.csv --school 1 --dry-run
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The CSV file.", valueName: "FILE"), completion: .file(extensions: ["csv"]))
        var file: String
        @Option(help: PeopleImport.help("school", valueName: "ID")) var school: Int64
        @Flag(name: .customLong("dry-run"), help: "Check the file and say what would happen; store nothing.")
        var dryRun = false

        func run() throws {
            let text = try Self.read(file)
            let session = try global.session()
            let result = try session.call(
                PeopleImport.self, PeopleImport.Params(school: school, csv: text, dryRun: dryRun ? true : nil))
            session.show(result, human: Self.render)
            if let errors = result.errors, !errors.isEmpty {
                throw LocalFailure(
                    message: "\(Output.count(errors.count, "error")) in \(file); nothing was stored",
                    hint: "fix the rows named above and import again", code: Failure.daemonError)
            }
        }

        /// The file's text: UTF-8, as a spreadsheet exports it.
        static func read(_ file: String) throws -> String {
            let data: Data?
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: file)
            }
            guard let data else {
                throw UsageError(
                    message: "cannot read \(file)", hint: "give the path of a CSV file, or - for standard input")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw UsageError(message: "\(file) is not UTF-8 text", hint: "export the staff list as CSV UTF-8")
            }
            return text
        }

        /// Row by row what happened, then the totals.
        static func render(_ result: PeopleImportResult) -> String {
            var lines: [String] = []
            if let errors = result.errors, !errors.isEmpty {
                for error in errors {
                    lines.append("row \(error.row), \(error.column): \(error.message)")
                }
                return lines.map { wrapped($0) }.joined(separator: "\n")
            }
            for row in result.rows {
                let who = row.person.map { "\(row.name) (person \($0))" } ?? row.name
                var line =
                    "row \(row.row): \(row.outcome == "added" ? (result.dryRun ? "would add" : "added") : "unchanged") \(who)"
                if let coach = row.coach {
                    let pair =
                        row.pair == "created"
                        ? (result.dryRun ? "would pair with" : "paired with") : "already paired with"
                    line += ", \(pair) \(coach)"
                }
                lines.append(line)
            }
            if !result.ignoredColumns.isEmpty {
                lines.append("Columns not read: \(result.ignoredColumns.joined(separator: ", ")).")
            }
            let verb = result.dryRun ? "Would add" : "Added"
            lines.append(
                "\(verb) \(Output.count(result.added, "person", "people")) and \(Output.count(result.pairsCreated, "pair")); "
                    + "\(result.unchanged) unchanged."
                    + (result.dryRun ? " Dry run: nothing was stored." : ""))
            return lines.map { wrapped($0) }.joined(separator: "\n")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = PeopleExport.command(
            "export",
            discussion: """
                Prints one JSON document (with or without --json): the person, every pair they are \
                or were in with its cycles, drop-ins, follow-ups, adaptations, notes and history. \
                For a subject access request. Example: coachctl person export 12 > person-12.json
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeopleExport.help("person", valueName: "PERSON")) var person: Int64

        func run() throws {
            let session = try global.session()
            let document = try session.call(PeopleExport.self, PeopleExport.Params(person: person))
            // The document is data for a file, not terminal text: printed as JSON either way.
            print(Output.json(document))
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = PeopleErase.command(
            "erase",
            discussion: """
                Cannot be undone. Backups taken before still hold the data until they are rotated \
                (see Operations.md). Example: coachctl person erase 12 --confirm "Ann Smith"
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeopleErase.help("person", valueName: "PERSON")) var person: Int64
        @Option(help: PeopleErase.help("confirm", valueName: "NAME")) var confirm: String

        func run() throws {
            try global.session().run(PeopleErase.self, PeopleErase.Params(person: person, confirm: confirm)) { erased in
                var lines = [
                    "Erased person \(erased.person) (now \"\(erased.name)\"); \(Output.count(erased.pairsEnded, "pair")) ended.",
                    "Texts erased: \(Output.count(erased.focuses, "focus", "focuses")), "
                        + "\(Output.count(erased.dropInNotes, "drop-in note")), "
                        + "\(Output.count(erased.followUpNotes, "follow-up note")), "
                        + "\(Output.count(erased.adaptations, "adaptation")) and \(Output.count(erased.reasons, "reason")).",
                ]
                if !erased.checkpointed {
                    lines.append("The database files are cleaned at the next checkpoint (a reader was busy).")
                }
                lines.append("Backups taken before now still hold this person's data until they are rotated.")
                return lines.map { wrapped($0) }.joined(separator: "\n")
            }
        }
    }
}

/// A line cut at spaces to fit 80 columns, continued with a two-space indent.
func wrapped(_ line: String, width: Int = 80) -> String {
    var out: [String] = []
    var current = ""
    for word in line.split(separator: " ", omittingEmptySubsequences: false) {
        let candidate = current.isEmpty ? String(word) : current + " " + word
        if candidate.count > width, !current.isEmpty {
            out.append(current)
            current = "  " + word
        } else {
            current = candidate
        }
    }
    out.append(current)
    return out.joined(separator: "\n")
}
