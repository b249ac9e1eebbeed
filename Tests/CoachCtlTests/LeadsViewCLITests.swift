import Foundation
import Testing

/// Issue 12's commands against a fake daemon: the report as CSV a standard reader parses back, tables
/// within 80 columns with names escaped, and the dates `--today`, `--week` and `--term` send.
@Suite struct LeadsViewCLITests {
    static func row(pair: Int, teacher: String, due: Int, done: Int, rate: String) -> String {
        """
        {"coach":13,"coachName":"Bob Coach","pair":\(pair),"teacher":\(pair + 10),"teacherName":"\(teacher)",\
        "dropinsDue":\(due),"dropinsDone":\(done),"dropinsOnTime":1,"followupsDone":2,"followupsInWindow":1,\
        "adaptationsSet":1,"outcomes":{"embedded":1,"continuing":0,"dropped":0},"cyclesStarted":1,\
        "completionRate":\(rate),"onTimeRate":0.5,"medianSchoolDaysBetweenDropins":5.5}
        """
    }

    /// Names a careless CSV writer would break: a comma, quotes, a line break, a control character.
    static var report: String {
        """
        {"school":1,"schoolName":"Hill, \\"Primary\\"","from":"2026-09-02","to":"2026-12-18","countedThrough":"2026-11-30",\
        "totals":{"dropinsDue":5,"dropinsDone":3,"dropinsOnTime":2,"followupsDone":4,"followupsInWindow":2,\
        "adaptationsSet":2,"outcomes":{"embedded":2,"continuing":0,"dropped":0},"cyclesStarted":2,"completionRate":0.6,\
        "onTimeRate":0.4,"medianSchoolDaysBetweenDropins":5.5},\
        "byCoach":[{"coach":13,"coachName":"Bob Coach","dropinsDue":5,"dropinsDone":3,"dropinsOnTime":2,\
        "followupsDone":4,"followupsInWindow":2,"adaptationsSet":2,"outcomes":{"embedded":2,"continuing":0,"dropped":0},\
        "cyclesStarted":2}],\
        "byPair":[\(first),\(second)]}
        """
    }
    static let first = row(pair: 7, teacher: #"O'Neil, Ann \"Annie\""#, due: 3, done: 2, rate: "0.6667")
    static let second = row(pair: 8, teacher: #"Eve\nTwo \u001b[2JLines"#, due: 2, done: 1, rate: "0.5")

    @Test func reportCSV_parsesWithPythonsCSVReader_onePairPerRow_namesIntact() throws {
        let server = try FakeServer(["reports.summary": .result(Self.report)])
        let run = try Coachctl.run([
            "report", "--from", "2026-09-02", "--to", "2026-12-18", "--csv", "--socket", server.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\r\n"))

        // Python's csv module reads it back; it prints the rows as JSON for the test to compare.
        let script =
            "import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))"
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        python.standardInput = input
        python.standardOutput = output
        try python.run()
        input.fileHandleForWriting.write(Data(run.stdout.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [[String]])
        #expect(rows.count == 3)
        #expect(rows[0].first == "school" && rows[0].contains("teacherName") && rows[0].contains("completionRate"))
        #expect(rows.allSatisfy { $0.count == rows[0].count })
        let column = { (name: String) in rows[0].firstIndex(of: name)! }
        #expect(rows[1][column("schoolName")] == "Hill, \"Primary\"")
        #expect(rows[1][column("teacherName")] == "O'Neil, Ann \"Annie\"")
        #expect(rows[2][column("teacherName")] == "Eve\nTwo \u{1B}[2JLines")
        #expect(rows[1][column("pair")] == "7" && rows[2][column("pair")] == "8")
        #expect(rows[1][column("completionRate")] == "0.6667")
        #expect(rows[2][column("dropinsDue")] == "2")
        #expect(rows[1][column("medianSchoolDaysBetweenDropins")] == "5.5")
    }

    /// `--all-schools`: totals and a row per school in 80 columns; `--csv` asks each school's report
    /// and gives every pair under one header row.
    @Test func reportAllSchools_showsEachSchool_andCSVHasEverySchoolsPairs() throws {
        let allSchools = """
            {"from":"2026-09-02","to":"2026-12-18","countedThrough":"2026-11-30","totals":\(Self.totals),\
            "bySchool":[\(Self.school(1, #"Hill, \"Primary\""#)),\(Self.school(2, #"Dale \u001b[2J Academy"#))],\
            "byCoach":[],"byPair":[]}
            """
        let server = try FakeServer(respond: { line in
            let request = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let params = request?["params"] as? [String: Any]
            let result =
                params?["allSchools"] as? Bool == true
                ? allSchools
                : Self.report.replacingOccurrences(of: #""school":1,"#, with: #""school":\#(params?["school"] ?? 0),"#)
            let id = (request?["id"] as? NSNumber)?.int64Value ?? 0
            return .lines([#"{"jsonrpc":"2.0","result":\#(result),"id":\#(id)}"#])
        })
        let human = try Coachctl.run([
            "report", "--from", "2026-09-02", "--to", "2026-12-18", "--all-schools", "--socket", server.path,
        ])
        #expect(human.status == 0, "\(human.stderr)")
        for line in human.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line.count): \(line)") }
        #expect(human.stdout.hasPrefix("Every school, 2026-09-02 to 2026-12-18"))
        #expect(human.stdout.contains("SCHOOL") && human.stdout.contains("Hill, \"Primary\""))
        #expect(!human.stdout.unicodeScalars.contains { $0.value == 0x1B })
        #expect(human.stdout.contains("today:\n  2026-11-30: 1 school\n  2026-12-01: 1 school\n"))
        let sent = server.requests(for: "reports.summary").first?["params"] as? [String: Any]
        #expect(sent?["allSchools"] as? Bool == true && sent?["school"] == nil)

        let csv = try Coachctl.run([
            "report", "--from", "2026-09-02", "--to", "2026-12-18", "--all-schools", "--csv", "--socket", server.path,
        ])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 + 4)  // the header, two pairs of each school (a name's line break is LF, not CRLF)
        #expect(lines.filter { $0.hasPrefix("1,") }.count == 2 && lines.filter { $0.hasPrefix("2,") }.count == 2)
        let schools = server.requests(for: "reports.summary").compactMap { ($0["params"] as? [String: Any])?["school"] }
        #expect(schools.map { "\($0)" } == ["1", "2"])

        for wrong in [["--school", "1"], ["--term", "Autumn"], ["--html", "/tmp/x.html"]] {
            let refused = try Coachctl.run(["report", "--all-schools", "--socket", server.path] + wrong)
            #expect(refused.status == 64, "\(wrong): \(refused.stderr)")
        }
    }

    static let totals = """
        {"dropinsDue":5,"dropinsDone":3,"dropinsOnTime":2,"followupsDone":4,"followupsInWindow":2,\
        "adaptationsSet":2,"outcomes":{"embedded":2,"continuing":0,"dropped":0},"cyclesStarted":2,"completionRate":0.6}
        """

    /// School 2 is in a zone already a day ahead.
    static func school(_ id: Int, _ name: String) -> String {
        String(Self.totals.dropLast())
            + #","school":\#(id),"schoolName":"\#(name)","countedThrough":"2026-\#(id == 2 ? "12-01" : "11-30")"}"#
    }

    @Test func reportTables_fit80Columns_andShowNamesInert() throws {
        let server = try FakeServer(["reports.summary": .result(Self.report)])
        let run = try Coachctl.run(["report", "--from", "2026-09-02", "--to", "2026-12-18", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        for line in run.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line.count): \(line)") }
        #expect(!run.stdout.unicodeScalars.contains { $0.value == 0x1B })
        #expect(run.stdout.contains("60%"))
        #expect(run.stdout.contains("O'Neil"))
    }

    @Test func reportTerm_sendsTheTermsDates() throws {
        let server = try FakeServer([
            "reports.summary": .result(Self.report),
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"Hill","timeZone":"Europe/London","dayStart":"08:30","dayEnd":"15:30"}]}"#),
            "calendar.list": .result(
                #"{"terms":[{"id":3,"school":1,"name":"Autumn","from":"2026-09-02","to":"2026-12-18"}],"closures":[]}"#),
        ])
        let run = try Coachctl.run(["report", "--term", "autumn", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        let params = server.requests(for: "reports.summary").first?["params"] as? [String: Any]
        #expect(params?["from"] as? String == "2026-09-02" && params?["to"] as? String == "2026-12-18")
        let missing = try Coachctl.run(["report", "--term", "Summer", "--socket", server.path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no term named Summer"))
    }

    @Test func dueToday_andWeek_sendTheDates() throws {
        let server = try FakeServer([
            "due.list": .result(#"{"items":[]}"#),
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"Hill","timeZone":"UTC","dayStart":"08:30","dayEnd":"15:30"}]}"#),
        ])
        let today = SchoolYearCLITests.day(0)
        #expect(try Coachctl.run(["due", "--today", "--socket", server.path]).status == 0)
        let sent = server.requests(for: "due.list").first?["params"] as? [String: Any]
        #expect(sent?["from"] as? String == today && sent?["to"] as? String == today)
        #expect(try Coachctl.run(["due", "--week", "--socket", server.path]).status == 0)
        let week = server.requests(for: "due.list").last?["params"] as? [String: Any]
        let from = try #require(week?["from"] as? String)
        let to = try #require(week?["to"] as? String)
        #expect(from <= today && today <= to)
        #expect(try Coachctl.run(["due", "--today", "--week", "--socket", server.path]).status == 64)
    }

    @Test func statusAndCoverage_readAsPeopleDo() throws {
        let server = try FakeServer([
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"Hill","timeZone":"UTC","dayStart":"08:30","dayEnd":"15:30"}]}"#),
            "schools.status": .result(
                #"{"school":1,"schoolName":"Hill","today":"2026-11-30","pairs":12,"dueToday":3,"dueThisWeek":9,"overdue":2,"overdueByDays":[{"schoolDays":1,"count":1},{"schoolDays":4,"count":1}],"dropinsDoneThisWeek":4,"term":"Autumn","completionRateThisTerm":0.675}"#
            ),
            "coverage.list": .result(
                #"{"school":1,"asOf":"2026-11-30","items":[{"teacher":4,"teacherName":"Di \u001b[2JTeacher"},{"teacher":1,"teacherName":"Ada Teacher","pair":1,"coach":2,"coachName":"Cy Coach","lastDropIn":"2026-11-27","schoolDaysSince":1}]}"#
            ),
        ])
        let status = try Coachctl.run(["status", "--socket", server.path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("due today             3"))
        #expect(status.stdout.contains("1 by 1 school day, 1 by 4 school days"))
        #expect(status.stdout.contains("68% (Autumn)"))
        #expect((server.requests(for: "schools.status").first?["params"] as? [String: Any])?["school"] as? Int == 1)
        let coverage = try Coachctl.run(["coverage", "--socket", server.path])
        #expect(coverage.status == 0, "\(coverage.stderr)")
        let lines = coverage.stdout.split(separator: "\n")
        #expect(lines[1].contains("never"))
        #expect(lines[2].contains("Ada Teacher") && lines[2].contains("Cy Coach"))
        #expect(!coverage.stdout.unicodeScalars.contains { $0.value == 0x1B })
        #expect(coverage.stdout.contains("2 teachers, 1 never visited."))
    }
}
