import Foundation
import Testing

/// `coachctl programme report` against a fake daemon: tables within 80 columns with names inert,
/// CSV one row per pair under a header, an HTML page with every text escaped.
@Suite struct ProgrammeReportCLITests {
    static let report = """
        {"term":"Autumn 2026","periods":[{"id":1,"name":"Autumn 1","term":"Autumn 2026","from":"2026-09-02",\
        "to":"2026-10-23"}],"byRegion":[{"region":1,"regionName":"North","sessionsDue":2,"sessionsDone":1,\
        "accreditedHeads":3,"meetingsDue":1,"meetingsHeld":1,"attendanceRate":0.6667},{"region":2,\
        "regionName":"South <b>","sessionsDue":2,"sessionsDone":1,"accreditedHeads":1,"meetingsDue":0,\
        "meetingsHeld":0}],"byPair":[{"peer":4,"aName":"O'Neil, Ann \\"Annie\\"","bName":"Eve \\u001b[2JTwo",\
        "aRegion":"North","bRegion":"South <b>","sessionsDue":2,"sessionsDone":1}],"groups":[{"group":7,\
        "name":"North circle","regionName":"North","members":3,"meetingsDue":1,"meetingsHeld":1,"attended":2,\
        "attendanceRate":0.6667}],"totals":{"sessionsDue":2,"sessionsDone":1,"accreditedHeads":4,"meetingsDue":1,\
        "meetingsHeld":1,"attendanceRate":0.6667},"themes":[{"regionName":"North","items":[{"kind":"theme",\
        "text":"Recruiting <script>alert(1)</script> & keeping middle leaders across a long stretch of text that wraps","term":"Autumn 2026"}]}]}
        """

    @Test func tables_fit80Columns_withNamesInert() throws {
        let server = try FakeServer(["reports.programme": .result(Self.report)])
        let run = try Coachctl.run(["programme", "report", "--term", "Autumn 2026", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        for line in run.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line.count): \(line)") }
        #expect(!run.stdout.unicodeScalars.contains { $0.value == 0x1B })
        #expect(run.stdout.contains("O'Neil") && run.stdout.contains("67%") && run.stdout.contains("Trust"))
        #expect(run.stdout.contains("Recruiting"))
    }

    @Test func csv_hasAHeader_andOneRowPerPair_quotedByTheRules() throws {
        let server = try FakeServer(["reports.programme": .result(Self.report)])
        let run = try Coachctl.run(["programme", "report", "--csv", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "peer,aName,aRegion,bName,bRegion,sessionsDue,sessionsDone,term")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("4,\"O'Neil, Ann \"\"Annie\"\"\",North,"))
        #expect(lines[1].hasSuffix(",2,1,Autumn 2026"))
    }

    @Test func html_isOnePage_withEveryTextEscaped() throws {
        let server = try FakeServer(["reports.programme": .result(Self.report)])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("programme-\(UUID()).html")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try Coachctl.run(["programme", "report", "--html", file.path, "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        let page = try String(contentsOf: file, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script>") && !page.contains("South <b>"))
        #expect(page.contains("&lt;script&gt;") && page.contains("&amp; keeping"))
        #expect(!page.unicodeScalars.contains { $0.value == 0x1B })
        #expect(!page.contains("http://") && !page.contains("https://"))
    }
}
