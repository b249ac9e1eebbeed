import Foundation
import Testing

/// `coachctl due`'s fast path (Sources/coachctl/DueFastPath.swift) against the reference, the
/// ArgumentParser path (`COACHCTL_NO_FAST_PATH=1`): the same stdout, stderr and exit status, byte
/// for byte, for every combination of options, for replies that exercise the day arithmetic, and
/// for every failure. `COACHCTL_FAST_PATH_TRACE=1` makes the fast path say on stderr that it ran,
/// so the tests know which lines it takes and which it leaves to ArgumentParser.
@Suite struct DueFastPathTests {
    /// Every option spelling the fast path takes, in combinations, each before or after `due`
    /// where ArgumentParser allows it.
    static var plainLines: [[String]] {
        var lines: [[String]] = []
        let globals: [[String]] = [
            [], ["--json"], ["--wide"], ["--no-headers"], ["--wide", "--no-headers"],
            ["--timeout", "5"], ["--json", "--timeout", "2.5"],
        ]
        let own: [[String]] = [
            [], ["--school", "1"], ["--overdue"], ["--school", "+3", "--overdue"],
            ["--today"], ["--week", "--school", "1"], ["--overdue", "--today"],
        ]
        for (g, global) in globals.enumerated() {
            for (o, options) in own.enumerated() where (g + o) % 2 == 0 || g == 0 || o == 0 {
                lines.append(["due"] + options + global)
                if !global.isEmpty && o % 3 == 0 { lines.append(global + ["due"] + options) }
            }
        }
        return lines
    }

    @Test func plainLines_takeTheFastPath_andPrintWhatArgumentParserPrints() throws {
        let server = try FakeServer(Self.table(Self.dueReply(now: Date())))
        var fastRuns = 0
        for line in Self.plainLines {
            let fast = try Self.run(line + ["--socket", server.path], trace: true)
            #expect(fast.stderr.hasPrefix("coachctl: fast path\n"), "\(line): \(fast.stderr)")
            fastRuns += 1
            try Self.expectSame(line + ["--socket", server.path], server: server)
        }
        #expect(fastRuns > 40)
    }

    @Test func unusualLines_goThroughArgumentParser() throws {
        let server = try FakeServer(Self.table(Self.dueReply(now: Date())))
        let unusual: [[String]] = [
            ["due", "--school=1"], ["due", "--help"], ["due", "-h"], ["due", "--json", "--json"],
            ["due", "--school", "1", "--school", "2"], ["--school", "1", "due"], ["--overdue", "due"],
            ["due", "--school", "-1"], ["due", "--school", "x"], ["due", "--school"], ["due", "--timeout", "0"],
            ["due", "--timeout", "-1"], ["due", "--timeout", "nan"], ["due", "--timeout", "inf"],
            ["due", "--today", "--week"], ["due", "due"], ["due", "extra"], ["due", "--frobnicate"],
            ["due", "--"], ["due", "--version"], ["--timeout", "due", "due"], ["--json", "due", "--school", "due"],
            ["due", "--school", "99999999999999999999"],
        ]
        for line in unusual {
            let run = try Self.run(line + ["--socket", server.path], trace: true)
            #expect(!run.stderr.contains("fast path"), "\(line)")
            try Self.expectSame(line + ["--socket", server.path])
        }
        // Switched off, a plain line goes through ArgumentParser too.
        let off = try Self.run(["due", "--socket", server.path], trace: true, noFastPath: true)
        #expect(!off.stderr.contains("fast path"))
        #expect(off.status == 0)
    }

    @Test func daysAroundNow_inManyZones_areShownAlike() throws {
        // Items from a year back to a year ahead in offsets from -12:00 to +14:00, odd minutes and
        // offsets Foundation refuses included, and years the arithmetic leaves to Calendar.
        let now = Date()
        let server = try FakeServer(Self.table(Self.dueReply(now: now, spread: true)))
        for line in [["due"], ["due", "--wide"], ["due", "--json"], ["due", "--overdue", "--wide"]] {
            let run = try Self.run(line + ["--socket", server.path], trace: true)
            #expect(run.status == 0, "\(run.stderr)")
            if !line.contains("--json") {
                #expect(run.stdout.contains("today") && run.stdout.contains("tomorrow"))
            }
            try Self.expectSame(line + ["--socket", server.path])
        }
    }

    @Test func failures_areReportedAlike() throws {
        let escaped =
            #"{"items":[{"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann \"Q\" T\u00e9acher","coach":13,"coachName":"Bob\tCoach","dropin":null,"dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00","overdueAt":"2026-03-10T15:30:00+00:00","overdue":false,"extra":[1.5,{"a":null}]}]}"#
        let replies: [(String, Canned)] = [
            ("denied", .error(Fixtures.permissionDenied)), ("notFound", .error(Fixtures.notFound)),
            ("escaped", .result(escaped)), ("wrongType", .result(#"{"items":[{"kind":1}]}"#)),
            ("noItems", .result("{}")), ("null", .result("null")), ("float", .result(#"{"items":[1.0]}"#)),
        ]
        for (name, canned) in replies {
            let server = try FakeServer(["due.list": canned])
            let run = try Self.run(["due", "--socket", server.path], trace: true)
            #expect(run.stderr.hasPrefix("coachctl: fast path\n"), "\(name)")
            try Self.expectSame(["due", "--socket", server.path])
            try Self.expectSame(["due", "--json", "--socket", server.path])
        }
        let silent = try FakeServer(["due.list": .silence])
        try Self.expectSame(["due", "--timeout", "0.2", "--socket", silent.path])
        let garbage = try FakeServer(respond: { _ in .lines(["not json"]) })
        try Self.expectSame(["due", "--socket", garbage.path])
        let hangUp = try FakeServer(respond: { _ in .hangUp })
        try Self.expectSame(["due", "--socket", hangUp.path])
        let wrongID = try FakeServer(respond: { _ in .lines([#"{"jsonrpc":"2.0","result":{"items":[]},"id":5}"#]) })
        try Self.expectSame(["due", "--socket", wrongID.path])
        try Self.expectSame(["due", "--socket", "/nonexistent/coachd.sock"])
        try Self.expectSame(["due", "--socket", ""])
    }

    // MARK: - Helpers

    /// Runs `arguments` both ways; with `server`, the request lines it received must match too.
    static func expectSame(
        _ arguments: [String], server: FakeServer? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = server?.received.count ?? 0
        let fast = try run(arguments, trace: false)
        let middle = server?.received.count ?? 0
        let reference = try run(arguments, trace: false, noFastPath: true)
        #expect(fast.status == reference.status, "\(arguments)", sourceLocation: sourceLocation)
        #expect(fast.stdout == reference.stdout, "\(arguments)", sourceLocation: sourceLocation)
        #expect(fast.stderr == reference.stderr, "\(arguments)", sourceLocation: sourceLocation)
        if let server {
            let received = server.received
            #expect(middle > before, "\(arguments)", sourceLocation: sourceLocation)
            // The front (`coachctl`) may have sent the line before handing the run to
            // coachctl-full, which sends it again: the same bytes each time.
            let fastLines = Array(received[before..<middle])
            let referenceLines = Array(received[middle...])
            #expect(
                Set(fastLines) == Set(referenceLines)
                    && (fastLines.count == referenceLines.count || fastLines.count == referenceLines.count + 1),
                "\(arguments)", sourceLocation: sourceLocation)
        }
    }

    static func run(_ arguments: [String], trace: Bool, noFastPath: Bool = false) throws -> Coachctl.Run {
        try Coachctl.run(
            arguments,
            environment: [
                "COACHCTL_FAST_PATH_TRACE": trace ? "1" : nil, "COACHCTL_NO_FAST_PATH": noFastPath ? "1" : nil,
            ])
    }

    static func table(_ due: String) -> [String: Canned] {
        [
            "due.list": .result(due),
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"North","timeZone":"Pacific/Auckland","dayStart":"08:30","dayEnd":"15:30"}]}"#
            ),
        ]
    }

    /// A due list around `now`: with `spread`, a year either side in many offsets.
    static func dueReply(now: Date, spread: Bool = false, ascii: Bool = false, oddYears: Bool = true) -> String {
        // Without `oddYears`, nothing the integer arithmetic leaves to `Calendar` (offsets beyond ±18 h).
        let offsets = (spread ? [-720, -570, -300, -1, 0, 1, 59, 330, 345, 600, 780, 840, 1439, 1500] : [0, 60])
            .filter { oddYears || abs($0) <= 18 * 60 }
        let dayOffsets = spread ? Array(stride(from: -370, through: 370, by: 13)) + [-2, -1, 0, 1, 2] : [-3, 0, 1, 5]
        var items: [String] = []
        var n = 0
        for minutes in offsets {
            for days in dayOffsets {
                n += 1
                let instant = now.addingTimeInterval(Double(days) * 86_400 + Double(n % 7) * 3_600)
                let local = instant.addingTimeInterval(Double(minutes) * 60)
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: "UTC")!
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: local)
                let sign = minutes < 0 ? "-" : "+"
                let zone = String(format: "%@%02d:%02d", sign, abs(minutes) / 60, abs(minutes) % 60)
                let date = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
                let time = String(format: "%@T%02d:%02d:00%@", date, c.hour!, c.minute!, zone)
                items.append(item(n, date: date, at: time, overdue: days < 0, ascii: ascii))
            }
        }
        if spread && oddYears {
            // Years the arithmetic leaves to Calendar, and a text that is no time at all.
            items.append(item(9001, date: "1582-10-04", at: "1582-10-04T10:00:00+00:00", overdue: true))
            items.append(item(9002, date: "1599-12-31", at: "1599-12-31T23:59:00Z", overdue: true))
            items.append(item(9003, date: "9999-12-31", at: "9999-12-31T10:00:00+00:00", overdue: false))
            items.append(item(9004, date: "2026-02-29", at: "later", overdue: false))
        }
        return #"{"items":["# + items.joined(separator: ",") + "]}"
    }

    static func item(_ n: Int, date: String, at: String, overdue: Bool, ascii: Bool = false) -> String {
        let kind = ["dropin", "followup", "session", "supervision"][n % 4]
        let dropin = n % 4 == 0 ? "" : #""dropin":\#(n + 100),"#
        let period =
            kind == "session"
            ? #""period":\#(n % 5),"#
            : kind == "supervision"
                ? #""group":\#(n),"groupName":"Group \#(n) \#(ascii ? "Ost" : "Öst")","term":"Autumn 2026","# : ""
        return """
            {"kind":"\(kind)","pair":\(n),"school":1,"teacher":\(n + 1000),"teacherName":"Teacher \(n) \(ascii ? "Unal" : "Ünal")",\
            "coach":\(n % 9),"coachName":"Coach \(n % 9)",\(dropin)\(period)"dueDate":"\(date)","dueAt":"\(at)",\
            "overdueAt":"\(at)","overdue":\(overdue)}
            """
    }
}
