import CoachRPC
import Foundation
import Testing

/// Issue 13's commands: the format guessed from the file, every event's fate on its own line within
/// 80 columns with stored text shown inert, and the export written as it is (CRLF kept).
@Suite struct CalendarIOCLITests {
    static let imported = """
        {"dryRun":false,"kind":"closures","feed":"ics:Hill","added":[{"summary":"INSET day","line":5,\
        "from":"2026-11-25","to":"2026-11-25","id":3}],"updated":[],"unchanged":[{"summary":"A very long \
        closure title that goes on and on well past the width of any terminal","line":11,"from":"2026-12-21",\
        "to":"2027-01-04","id":4}],"skipped":[{"summary":"Parents\\u001b[2J evening","line":17,\
        "reason":"a timed event (2026-11-19 16:00); only all-day events are imported"}],"removed":[],\
        "affected":{"cancelled":[],"moved":[]}}
        """

    static func file(_ name: String, _ text: String) throws -> String {
        let path = try FakeServer.makeDirectory() + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [
        ("terms.ics", "whatever", "ics"), ("bank.json", "whatever", "govuk-bank-holidays"),
        ("download", "  {\"scotland\":{}}", "govuk-bank-holidays"), ("feed.txt", "BEGIN:VCALENDAR\r\n", "ics"),
    ])
    func format_isGuessedFromTheNameOrTheText(name: String, text: String, format: String) throws {
        let server = try FakeServer(["calendar.import": .result(Self.imported)])
        let path = try Self.file(name, text)
        let run = try Coachctl.run(["calendar", "import", path, "--school", "1", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        let params = server.requests(for: "calendar.import").first?["params"] as? [String: Any]
        #expect(params?["format"] as? String == format)
        #expect(params?["data"] as? String == text)
    }

    @Test func unknownFormat_isAUsageError_beforeAnyCall() throws {
        let server = try FakeServer(["calendar.import": .result(Self.imported)])
        let path = try Self.file("notes.txt", "hello")
        let run = try Coachctl.run(["calendar", "import", path, "--school", "1", "--socket", server.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--format ics or --format govuk"))
        #expect(server.requests(for: "calendar.import").isEmpty)
    }

    @Test func importOutput_listsEachEvent_within80Columns_escaped() throws {
        let server = try FakeServer(["calendar.import": .result(Self.imported)])
        let path = try Self.file("hill.ics", "BEGIN:VCALENDAR\r\n")
        let run = try Coachctl.run(
            [
                "calendar", "import", path, "--school", "1", "--as", "terms", "--dry-run", "--prune", "--socket",
                server.path,
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Imported ics:Hill as closures.")
        #expect(
            lines.contains { $0.hasPrefix("  added") && $0.contains("2026-11-25") && $0.contains("INSET day (line 5)") }
        )
        #expect(lines.contains { $0.hasPrefix("  unchanged") && $0.contains("2026-12-21–2027-01-04") })
        let skipped = try #require(lines.firstIndex { $0.hasPrefix("  skipped") })
        #expect(lines[skipped].hasSuffix("(line 17)"))
        #expect(lines[skipped + 1] == "      a timed event (2026-11-19 16:00); only all-day events are imported")
        #expect(lines.last == "1 added, 0 updated, 1 unchanged, 0 removed, 1 skipped.")
        #expect(run.stdout.contains("Parents\\u{1B}[2J evening"))
        #expect(!run.stdout.unicodeScalars.contains { $0.value == 0x1B })
        for line in lines { #expect(line.count <= 80, "\(line.count) columns: \(line)") }
        let params = server.requests(for: "calendar.import").first?["params"] as? [String: Any]
        #expect(params?["as"] as? String == "terms")
        #expect(params?["dryRun"] as? Bool == true)
        #expect(params?["prune"] as? Bool == true)
    }

    @Test func export_writesTheCalendarAsItIs() throws {
        let ics = "BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nEND:VCALENDAR\\r\\n"
        let server = try FakeServer(["calendar.export": .result(#"{"ics":"\#(ics)","events":0}"#)])
        let run = try Coachctl.run(["calendar", "export", "--person", "4", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
        let params = server.requests(for: "calendar.export").first?["params"] as? [String: Any]
        #expect(params?["person"] as? Int == 4)
    }
}
