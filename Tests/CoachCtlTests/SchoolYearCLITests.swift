import Foundation
import Testing

/// Issue 11's commands and the human output people like to read: names, local times, 80 columns,
/// and control characters that never reach the terminal.
@Suite struct SchoolYearCLITests {
    /// `YYYY-MM-DD` of today moved by `days`, in UTC (the fixtures' offset).
    static func day(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: Date()))!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    static let clear = "\u{1B}[2J"

    static func dropIn(_ id: Int, _ start: String, status: String, pair: Int = 7) -> String {
        """
        {"id":\(id),"pair":\(pair),"coach":13,"start":"\(start)","end":"\(start)","minutes":15,"status":"\(status)"}
        """
    }

    static let pairs = """
        {"pairs":[{"id":7,"school":1,"teacher":12,"teacherName":"Ann Teacher","coach":13,"coachName":"Bob Coach",\
        "hasFocus":true},{"id":8,"school":1,"teacher":14,"teacherName":"Eve \\u001b[2JTeacher","coach":13,\
        "coachName":"Bob Coach","hasFocus":true}]}
        """

    static var dropIns: String {
        """
        {"dropins":[\(dropIn(21, "2099-01-05T10:20:00+00:00", status: "cancelled")),\
        \(dropIn(24, "\(day(1))T10:20:00+00:00", status: "booked")),\
        \(dropIn(25, "\(day(0))T09:00:00+00:00", status: "done", pair: 8))]}
        """
    }

    @Test func dropinList_namesPairs_showsLocalTimes_within80Columns() throws {
        let server = try FakeServer(["dropins.list": .result(Self.dropIns), "pairs.list": .result(Self.pairs)])

        let run = try Coachctl.run(["dropin", "list", "--status", "booked", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("ID  WHEN"))
        #expect(lines[1].contains("Mon 5 Jan 2099 10:20") && lines[1].contains("Ann Teacher ↔ Bob Coach"))
        #expect(lines[2].contains("tomorrow 10:20") && lines[2].contains("booked"))
        #expect(lines[3].contains("today 09:00") && lines[3].contains("done"))
        for line in lines { #expect(line.count <= 80, "\(line.count) columns: \(line)") }
        #expect(!run.stdout.contains("2099-01-05T"))
        let params = server.requests(for: "dropins.list").first?["params"] as? [String: Any]
        #expect(params?["status"] as? String == "booked")
        #expect((server.requests(for: "pairs.list").first?["params"] as? [String: Any])?["includeEnded"] as? Bool == true)
    }

    @Test func storedControlCharacters_areShownInert_inTablesMessagesAndErrors_butJSONStaysJSON() throws {
        let server = try FakeServer([
            "dropins.list": .result(Self.dropIns), "pairs.list": .result(Self.pairs),
            "pairs.end": .error(
                #"{"code":-32004,"message":"pair 8 (Eve \u001b[2JTeacher) has already ended","data":{"name":"InvalidState","hint":"\u009b31m"}}"#
            ),
        ])

        let human = try Coachctl.run(["dropin", "list", "--socket", server.path])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("Eve \\u{1B}[2JTeacher ↔ Bob Coach"))
        #expect(!human.stdout.unicodeScalars.contains { $0.value == 0x1B || (0x80...0x9F).contains($0.value) })

        let refused = try Coachctl.run(["pair", "end", "8", "--reason", "x", "--socket", server.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("pair 8 (Eve \\u{1B}[2JTeacher) has already ended"))
        #expect(refused.stderr.contains("\\u{9B}31m"))
        #expect(!refused.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B })

        let json = try Coachctl.run(["--json", "pair", "list", "--socket", server.path])
        #expect(json.status == 0)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let names = (decoded?["pairs"] as? [[String: Any]])?.compactMap { $0["teacherName"] as? String }
        #expect(names?.contains("Eve \(Self.clear)Teacher") == true)
        #expect(!json.stdout.contains(Self.clear))
    }

    @Test func cancelAndMove_sendWhatWasTyped_readingRelativeTimesInTheSchoolsZone() throws {
        let moved = """
            {"id":24,"pair":7,"coach":13,"start":"\(Self.day(1))T11:00:00+00:00","end":"\(Self.day(1))T11:10:00+00:00",\
            "minutes":10,"status":"booked","movedFrom":["9999-12-31T10:00:00+00:00"]}
            """
        let server = try FakeServer([
            "dropins.cancel": .result(Self.dropIn(21, "9999-12-31T10:00:00+00:00", status: "cancelled")),
            "dropins.reschedule": .result(moved),
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"Hill","timeZone":"UTC","dayStart":"08:30","dayEnd":"15:30"}]}"#),
        ])

        let cancel = try Coachctl.run(["dropin", "cancel", "21", "--reason", "wrong date", "--socket", server.path])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.contains("Cancelled drop-in 21 (Fri 31 Dec 9999 10:00)"))
        #expect(cancel.stdout.contains("coachctl due"))
        let cancelParams = server.requests(for: "dropins.cancel").first?["params"] as? [String: Any]
        #expect(cancelParams?["reason"] as? String == "wrong date")

        let move = try Coachctl.run(["dropin", "move", "24", "--at", "tomorrow 11:00", "--minutes", "10", "--socket", server.path])
        #expect(move.status == 0, "\(move.stderr)")
        #expect(move.stdout.contains("Moved drop-in 24 to tomorrow 11:00–11:10 (was Fri 31 Dec 9999 10:00)."))
        let params = server.requests(for: "dropins.reschedule").first?["params"] as? [String: Any]
        #expect(params?["start"] as? String == "\(Self.day(1))T11:00")
        #expect((params?["minutes"] as? NSNumber)?.intValue == 10)
    }

    @Test(arguments: ["soon", "2026-13-01 10:00", "today 25:00", "funday 10:00", "2026-03-09T10"])
    func malformedTime_isAUsageError_andNothingIsSent(text: String) throws {
        let server = try FakeServer([
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"Hill","timeZone":"UTC","dayStart":"08:30","dayEnd":"15:30"}]}"#)
        ])

        let run = try Coachctl.run(["dropin", "move", "24", "--at", text, "--socket", server.path])

        #expect(run.status == 64, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("is not a time for --at"))
        #expect(run.stderr.contains("today 10:20"))
        #expect(server.requests(for: "dropins.reschedule").isEmpty)
    }

    @Test func due_fits80Columns_andWideAndNoHeadersChangeTheLayout() throws {
        let server = try FakeServer(["due.list": .result(Fixtures.dueList)])

        let narrow = try Coachctl.run(["due", "--socket", server.path])
        #expect(narrow.status == 0, "\(narrow.stderr)")
        for line in narrow.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        #expect(!narrow.stdout.contains("OVERDUE AT"))
        #expect(!narrow.stdout.contains("2026-03-09T10:20"))

        let wide = try Coachctl.run(["due", "--wide", "--socket", server.path])
        #expect(wide.stdout.contains("OVERDUE AT"))

        let bare = try Coachctl.run(["due", "--no-headers", "--socket", server.path])
        #expect(bare.stdout.split(separator: "\n").first?.contains("Ann Teacher") == true)
    }

    @Test func version_andUnknownCommands_andOptions() throws {
        let version = try Coachctl.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("coachctl 0.1.0 (API level 4)"))  // raised by issue 12

        let unknown = try Coachctl.run(["dropin", "lsit"])
        #expect(unknown.status == 64)
        let option = try Coachctl.run(["due", "--overdu"])
        #expect(option.status == 64)
        #expect(option.stderr.contains("Did you mean '--overdue'?"))
    }

    @Test func closureRemove_reportsWhatTheCalendarChangeMoved() throws {
        let server = try FakeServer([
            "calendar.removeClosure": .result(
                """
                {"closure":{"id":3,"school":1,"from":"2099-01-05","to":"2099-01-05","reason":"INSET"},\
                "affected":{"cancelled":[],"moved":[{"pair":7,"kind":"dropin","from":"2099-01-06","to":"2099-01-05"}]}}
                """),
            "pairs.list": .result(Self.pairs),
        ])

        let run = try Coachctl.run(["closure", "remove", "3", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Removed closure 3: 2099-01-05 to 2099-01-05 (INSET)."))
        #expect(run.stdout.contains("drop-in of Ann Teacher ↔ Bob Coach now due Mon 5 Jan 2099 (was Tue 6 Jan 2099)"))
    }
}
