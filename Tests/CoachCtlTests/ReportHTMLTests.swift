import Foundation
import Testing

/// `coachctl report --html`: one self-contained file, three inline SVG charts each with a text summary
/// and a table, every name escaped; and, where Debian's `chromium` is installed (`make test` installs it
/// and sets COACHD_CHROMIUM=required), really rendered: a screenshot, and the rendered DOM's rows counted.
@Suite(.serialized) struct ReportHTMLTests {
    /// Where the rendered file and its screenshot are kept for people to look at.
    static let outputDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/report-html")

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Ten school days over three weeks (a closed Friday and a short last week), three pairs: one with a
    /// hostile name, one never visited.
    static func server() throws -> FakeServer {
        let pairs = [
            LeadsViewCLITests.row(pair: 7, teacher: "Ann <b>Teacher</b> & Co", due: 3, done: 2, rate: "0.6667"),
            LeadsViewCLITests.row(
                pair: 8, teacher: #"Eve \u001b[2J<script>alert(1)</script>"#, due: 2, done: 1, rate: "0.5"),
            LeadsViewCLITests.row(pair: 9, teacher: "Nia Unseen", due: 1, done: 0, rate: "0"),
        ]
        let report = LeadsViewCLITests.report.replacingOccurrences(
            of: "\"byPair\":[\(LeadsViewCLITests.first),\(LeadsViewCLITests.second)]",
            with: "\"byPair\":[\(pairs.joined(separator: ","))]")
        let days = [
            "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-09", "2026-11-10", "2026-11-11",
            "2026-11-12", "2026-11-13", "2026-11-16",
        ]
        func done(_ id: Int, _ pair: Int, _ day: String) -> String {
            #"{"id":\#(id),"pair":\#(pair),"coach":13,"start":"\#(day)T10:00:00+00:00","end":"\#(day)T10:15:00+00:00","minutes":15,"status":"done"}"#
        }
        let dropIns = [
            done(1, 7, "2026-11-03"), done(2, 7, "2026-11-11"), done(3, 8, "2026-11-10"), done(4, 7, "2026-12-01"),
        ]
        return try FakeServer([
            "reports.summary": .result(report),
            "calendar.schoolDays": .result(#"{"days":[\#(days.map { "\"\($0)\"" }.joined(separator: ","))]}"#),
            "dropins.list": .result(#"{"dropins":[\#(dropIns.joined(separator: ","))]}"#),
        ])
    }

    static func write() throws -> (html: String, path: URL, server: FakeServer) {
        let server = try server()
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let path = outputDirectory.appendingPathComponent("report.html")
        try? FileManager.default.removeItem(at: path)
        let run = try Coachctl.run(
            ["report", "--from", "2026-11-02", "--to", "2026-11-16", "--html", path.path, "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        return (try String(contentsOf: path, encoding: .utf8), path, server)
    }

    @Test func reportHTML_isSelfContained_threeChartsWithSummariesAndTables_namesEscaped() throws {
        let (html, _, server) = try Self.write()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for id in ["coverage-chart", "completion-chart", "outcomes-chart"] {
            #expect(html.contains("<svg id=\"\(id)\""))
        }
        #expect(html.components(separatedBy: "<figure").count - 1 == 3)
        #expect(html.components(separatedBy: "class=\"alternative\"").count - 1 == 3)
        #expect(html.components(separatedBy: "class=\"summary\"").count - 1 >= 4)
        #expect(html.contains("@page { size: A4"))
        // Nothing to fetch and nothing to run: no script element, no URL.
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="))
        #expect(html.contains("Ann &lt;b&gt;Teacher&lt;/b&gt; &amp; Co"))
        #expect(!html.contains("<b>Teacher"))
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B })
        // One report for the range and one per school week (three), all with the same scope.
        let asked = server.requests(for: "reports.summary").compactMap { $0["params"] as? [String: Any] }
        #expect(asked.count == 4)
        #expect(asked.dropFirst().map { $0["from"] as? String } == ["2026-11-02", "2026-11-09", "2026-11-16"])
        #expect(asked.dropFirst().map { $0["to"] as? String } == ["2026-11-05", "2026-11-13", "2026-11-16"])
    }

    @Test(.enabled(if: chromium != nil || ProcessInfo.processInfo.environment["COACHD_CHROMIUM"] == "required"))
    func reportHTML_rendersInHeadlessChromium_withTheRightRows() throws {
        let chromium = try #require(Self.chromium, "COACHD_CHROMIUM=required but chromium is not installed")
        let (_, path, _) = try Self.write()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "coachd-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)"]
        let screenshot = Self.outputDirectory.appendingPathComponent("report.png")
        try? FileManager.default.removeItem(at: screenshot)
        // A4 at 150 dpi is 1240 × 1754.
        let shot = try Self.run(
            chromium, common + ["--screenshot=\(screenshot.path)", "--window-size=1240,1754", "file://\(path.path)"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)

        let dump = try Self.run(chromium, common + ["--dump-dom", "file://\(path.path)"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let dom = dump.stdout
        func section(_ id: String) -> String {
            guard let start = dom.range(of: "<figure id=\"\(id)\"") else { return "" }
            let rest = dom[start.lowerBound...]
            return String(rest[..<(rest.range(of: "</figure>")?.upperBound ?? rest.endIndex)])
        }
        func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
        let coverage = section("coverage")
        let completion = section("completion")
        let outcomes = section("outcomes")
        // The heat-map: a row per pair, a cell per pair and school week; its table: a header and a row per pair.
        #expect(count("<g class=\"row\">", in: coverage) == 3)
        #expect(count("class=\"cell\"", in: coverage) == 9)
        #expect(count("<tr>", in: coverage) == 4)
        #expect(count("<g class=\"row\">", in: completion) == 3)
        #expect(count("<tr>", in: completion) == 4)
        #expect(count("<g class=\"row\">", in: outcomes) == 3)
        #expect(count("<tr>", in: outcomes) == 4)
        // The browser read the hostile name as text: no element was made of it.
        #expect(!dom.contains("<script>alert"))
        #expect(!dom.contains("<b>Teacher"))
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}
