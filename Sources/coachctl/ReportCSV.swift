import CSV
import CoachRPC
import Foundation

/// `coachctl report --csv`: one row per pair under a header row, RFC 4180 (CRLF line ends, fields with
/// a comma, quote or line break quoted, quotes doubled), written by CSV.swift rather than by hand.
enum ReportCSV {
    /// The header row: who, then every figure of `reports.summary` under its wire name.
    static let header = [
        "school", "schoolName", "from", "to", "pair", "teacher", "teacherName", "coach", "coachName", "dropinsDue",
        "dropinsDone", "dropinsOnTime", "followupsDone", "followupsInWindow", "adaptationsSet", "embedded",
        "continuing",
        "dropped", "cyclesStarted", "completionRate", "onTimeRate", "medianSchoolDaysBetweenDropins",
    ]

    /// The reports' pairs (one school's report each) as CSV text under one header row, ending with a
    /// line break.
    static func render(_ reports: [ReportSummary]) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: header)
        for report in reports {
            let school: String = report.school.map { "\($0)" } ?? ""
            for row in report.byPair {
                try writer.write(row: [
                    school, report.schoolName ?? "", report.from, report.to, row.pair.map { "\($0)" } ?? "",
                    row.teacher.map { "\($0)" } ?? "", row.teacherName ?? "", row.coach.map { "\($0)" } ?? "",
                    row.coachName ?? "", "\(row.dropinsDue)", "\(row.dropinsDone)", "\(row.dropinsOnTime)",
                    "\(row.followupsDone)", "\(row.followupsInWindow)", "\(row.adaptationsSet)",
                    "\(row.outcomes.embedded)", "\(row.outcomes.continuing)", "\(row.outcomes.dropped)",
                    "\(row.cyclesStarted)", number(row.completionRate), number(row.onTimeRate),
                    number(row.medianSchoolDaysBetweenDropins),
                ])
            }
        }
        writer.stream.close()
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw UsageError(message: "the CSV could not be written", hint: nil)
        }
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }

    /// A rate or median as a plain decimal (up to four places), empty when absent.
    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }
}
