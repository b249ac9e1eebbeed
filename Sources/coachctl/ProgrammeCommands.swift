import ArgumentParser
import CSV
import CoachRPC
import CoachctlCore
import Foundation
import Plot

/// `coachctl programme …`: the heads' peer programme as the trust lead sees it (issue 14).
struct ProgrammeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programme", abstract: "The heads' peer programme across the trust (trust leads and admins).",
        subcommands: [Report.self])

    struct Report: ParsableCommand {
        static let configuration = ReportsProgramme.command(
            "report",
            discussion: """
                Examples: coachctl programme report --term "Autumn 2026"; coachctl programme report --csv > pairs.csv
                Counts and shared themes only: never a session's notes, an agreement or an unshared theme.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ReportsProgramme.help("term", valueName: "TERM")) var term: String?
        @Flag(help: "One row per peer pair as CSV (RFC 4180, with a header row).") var csv = false
        @Option(help: ArgumentHelp("Also write the report as one self-contained HTML file.", valueName: "FILE"))
        var html: String?

        func validate() throws {
            if csv && global.json { throw ValidationError("give either --csv or --json, not both") }
            if html?.isEmpty == true { throw ValidationError("--html needs a file name") }
        }

        func run() throws {
            let session = try global.session()
            let report = try session.call(ReportsProgramme.self, ReportsProgramme.Params(term: term))
            if let html {
                do {
                    try Data(ProgrammeHTML.render(report).utf8).write(to: URL(fileURLWithPath: html))
                } catch {
                    throw UsageError(
                        message: "cannot write \(Terminal.escape(html)): \(error.localizedDescription)", hint: nil)
                }
                FileHandle.standardError.write(Data("wrote \(Terminal.escape(html))\n".utf8))
            }
            if csv {
                print(try ProgrammeCSV.render(report), terminator: "")
            } else {
                session.show(report, human: Self.render)
            }
        }

        /// The human tables: regions, pairs, groups, totals, then the shared themes.
        static func render(_ report: ProgrammeReportResult) -> String {
            var out: [String] = []
            let scope = report.term.map { "Term \($0)" } ?? "Every period"
            out.append(
                scope + ": "
                    + (report.periods.isEmpty ? "no periods" : report.periods.map(\.name).joined(separator: ", ")))
            out.append("")
            out.append(
                Table(
                    ["REGION", "SESSIONS", "HEADS", "MEETINGS", "ATTENDANCE"],
                    report.byRegion.map {
                        [
                            $0.regionName, "\($0.sessionsDone)/\($0.sessionsDue)", "\($0.accreditedHeads)",
                            "\($0.meetingsHeld)/\($0.meetingsDue)", percent($0.attendanceRate),
                        ]
                    } + [
                        [
                            "Trust", "\(report.totals.sessionsDone)/\(report.totals.sessionsDue)",
                            "\(report.totals.accreditedHeads)",
                            "\(report.totals.meetingsHeld)/\(report.totals.meetingsDue)",
                            percent(report.totals.attendanceRate),
                        ]
                    ]
                ).render())
            if !report.byPair.isEmpty {
                out.append("")
                out.append(
                    Table(
                        ["HEAD", "REGION", "HEAD", "REGION", "SESSIONS"],
                        report.byPair.map {
                            [
                                $0.aName, $0.aRegion ?? "", $0.bName, $0.bRegion ?? "",
                                "\($0.sessionsDone)/\($0.sessionsDue)",
                            ]
                        }
                    ).render())
            }
            if !report.groups.isEmpty {
                out.append("")
                out.append(
                    Table(
                        ["GROUP", "REGION", "MEMBERS", "MEETINGS", "ATTENDED"],
                        report.groups.map {
                            [
                                $0.name, $0.regionName, "\($0.members)", "\($0.meetingsHeld)/\($0.meetingsDue)",
                                "\($0.attended) (\(percent($0.attendanceRate)))",
                            ]
                        }
                    ).render())
            }
            out.append("")
            if report.themes.isEmpty {
                out.append("No shared themes.")
            } else {
                for region in report.themes {
                    out.append("Shared themes, \(Terminal.escape(region.regionName)):")
                    for item in region.items {
                        out.append(wrapped("- \(item.kind): \(Terminal.escape(item.text))"))
                    }
                }
            }
            return out.joined(separator: "\n")
        }
    }
}

/// `coachctl programme report --csv`: one row per peer pair, RFC 4180, by CSV.swift.
enum ProgrammeCSV {
    static let header = ["peer", "aName", "aRegion", "bName", "bRegion", "sessionsDue", "sessionsDone", "term"]

    static func render(_ report: ProgrammeReportResult) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: header)
        for row in report.byPair {
            try writer.write(row: [
                "\(row.peer)", row.aName, row.aRegion ?? "", row.bName, row.bRegion ?? "", "\(row.sessionsDue)",
                "\(row.sessionsDone)", report.term ?? "",
            ])
        }
        writer.stream.close()
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw UsageError(message: "the CSV could not be written", hint: nil)
        }
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }
}

/// `coachctl programme report --html FILE`: one self-contained page (ReportHTML's style), every text
/// through `ReportHTML.safe` into text nodes.
enum ProgrammeHTML {
    static func render(_ report: ProgrammeReportResult) -> String {
        let safe = ReportHTML.safe
        let title = "Peer programme report: " + safe(report.term ?? "every period")
        func table(_ id: String, _ caption: String, _ headers: [String], _ rows: [[String]]) -> Node<HTML.BodyContext> {
            .table(
                .id(id), .caption(.text(caption)),
                .tr(.forEach(headers) { .th(.text($0)) }),
                .forEach(rows) { row in .tr(.forEach(row) { .td(.text(safe($0))) }) })
        }
        let html = HTML(
            .head(.title(title), .meta(.charset(.utf8)), .style(ReportHTML.css)),
            .body(
                .h1(.text(title)),
                .p(
                    .class("summary"),
                    .text(
                        "Periods: " + safe(report.periods.map(\.name).joined(separator: ", "))
                            + ". Counts and shared themes only: no session notes, agreements or unshared themes.")),
                table(
                    "regions", "By region",
                    ["Region", "Sessions done", "Due", "Accredited heads", "Meetings held", "Due", "Attendance"],
                    report.byRegion.map {
                        [
                            $0.regionName, "\($0.sessionsDone)", "\($0.sessionsDue)", "\($0.accreditedHeads)",
                            "\($0.meetingsHeld)", "\($0.meetingsDue)", percent($0.attendanceRate),
                        ]
                    } + [
                        [
                            "Trust", "\(report.totals.sessionsDone)", "\(report.totals.sessionsDue)",
                            "\(report.totals.accreditedHeads)", "\(report.totals.meetingsHeld)",
                            "\(report.totals.meetingsDue)", percent(report.totals.attendanceRate),
                        ]
                    ]),
                table(
                    "pairs", "By peer pair", ["Head", "Region", "Head", "Region", "Sessions done", "Due"],
                    report.byPair.map {
                        [
                            $0.aName, $0.aRegion ?? "", $0.bName, $0.bRegion ?? "", "\($0.sessionsDone)",
                            "\($0.sessionsDue)",
                        ]
                    }),
                table(
                    "groups", "Supervision groups", ["Group", "Region", "Members", "Meetings held", "Due", "Attended"],
                    report.groups.map {
                        [
                            $0.name, $0.regionName, "\($0.members)", "\($0.meetingsHeld)", "\($0.meetingsDue)",
                            "\($0.attended)",
                        ]
                    }),
                .h2(.text("Shared themes and impacts")),
                .forEach(report.themes) { region in
                    .div(
                        .h2(.text(safe(region.regionName))),
                        .ul(.forEach(region.items) { item in .li(.text(safe("\(item.kind): \(item.text)"))) }))
                }
            )
        )
        return html.render()
    }
}
