import Foundation
import Testing

/// The `coachctl` front (Sources/CoachctlFront): a plain `coachctl due` it answers itself must print
/// what coachctl-full's ArgumentParser path prints (`COACHCTL_NO_FAST_PATH=1`), byte for byte, with
/// the same exit status; whatever it does not answer exactly it hands to coachctl-full, and every
/// other command line reaches coachctl-full unchanged. `COACHCTL_FRONT_TRACE=1` makes the front say
/// on stderr when it answered itself.
@Suite struct DueFrontTests {
    /// The plain lines the front answers itself: no `--json`, `--today` or `--week`.
    static var frontLines: [[String]] {
        DueFastPathTests.plainLines.filter { line in
            !line.contains("--json") && !line.contains("--today") && !line.contains("--week")
        }
    }

    @Test func plainLines_withAnASCIIReply_areAnsweredByTheFront_asArgumentParserPrintsThem() throws {
        let server = try FakeServer(DueFastPathTests.table(DueFastPathTests.dueReply(now: Date(), ascii: true)))
        #expect(Self.frontLines.count > 10)
        for line in Self.frontLines {
            let run = try Self.run(line + ["--socket", server.path], front: true)
            #expect(run.status == 0, "\(line): \(run.stderr)")
            #expect(run.stderr == "coachctl: front\n", "\(line): \(run.stderr)")
            try DueFastPathTests.expectSame(line + ["--socket", server.path], server: server)
        }
    }

    @Test func daysAroundNow_inManyZones_areShownByTheFront_asArgumentParserShowsThem() throws {
        let server = try FakeServer(
            DueFastPathTests.table(DueFastPathTests.dueReply(now: Date(), spread: true, ascii: true, oddYears: false)))
        for line in [["due"], ["due", "--wide"], ["due", "--overdue", "--wide"], ["due", "--no-headers"]] {
            let run = try Self.run(line + ["--socket", server.path], front: true)
            #expect(run.stderr == "coachctl: front\n", "\(line): \(run.stderr)")
            #expect(run.stdout.contains("today") && run.stdout.contains("tomorrow"), "\(line)")
            try DueFastPathTests.expectSame(line + ["--socket", server.path], server: server)
        }
    }

    @Test func namesBeyondASCII_areAnsweredByTheFront_asArgumentParserPrintsThem() throws {
        // Most schools have a name with an accent: the front reads UTF-8 itself (the same standard
        // library counts the characters in both programs, so columns line up alike), and only a
        // `\u` escape in the JSON is left to coachctl-full.
        let accented = try FakeServer(DueFastPathTests.table(DueFastPathTests.dueReply(now: Date())))
        let names = [
            "Zoë Ó Briain", "Siân Llŷr", "Jose\u{301} Nuñez", "李小龙", "Ayşe Yılmaz-Öztürk", "👩🏽‍🏫 Class 3",
            "Łucja Żółć", "Ærøskøbing Ågesen",
        ]
        var items: [String] = []
        for (n, name) in names.enumerated() {
            items.append(
                DueFastPathTests.item(
                    n + 1, date: "2030-03-0\(n % 9 + 1)", at: "2030-03-0\(n % 9 + 1)T10:20:00+00:00",
                    overdue: false, ascii: true
                ).replacingOccurrences(of: "Teacher \(n + 1) Unal", with: name))
        }
        let mixed = try FakeServer(
            DueFastPathTests.table(#"{"items":["# + items.joined(separator: ",") + "]}"))
        for server in [accented, mixed] {
            for line in Self.frontLines {
                let run = try Self.run(line + ["--socket", server.path], front: true)
                #expect(run.status == 0, "\(line): \(run.stderr)")
                #expect(run.stderr == "coachctl: front\n", "\(line): \(run.stderr)")
                try DueFastPathTests.expectSame(line + ["--socket", server.path], server: server)
            }
        }
    }

    @Test func colour_isTheSameAsCoachctlFull() throws {
        // Colour needs a terminal; the rules themselves are CoachctlCore's `Terminal.paint`, which
        // both print with. Without a terminal neither paints, whatever TERM says.
        let server = try FakeServer(DueFastPathTests.table(DueFastPathTests.dueReply(now: Date(), ascii: true)))
        let front = try Coachctl.run(
            ["due", "--socket", server.path], environment: ["TERM": "xterm-256color", "NO_COLOR": nil])
        #expect(!front.stdout.contains("\u{1B}"))
        #expect(front.stdout.contains("overdue"))
    }

    @Test func whatTheFrontCannotAnswerExactly_goesToCoachctlFull_andIsPrintedAlike() throws {
        let now = Date()
        var cases: [(String, [String], FakeServer)] = []
        let ascii = try FakeServer(DueFastPathTests.table(DueFastPathTests.dueReply(now: now, ascii: true)))
        cases.append(("--json", ["due", "--json"], ascii))
        cases.append(("--today", ["due", "--today"], ascii))
        cases.append(("--week", ["due", "--week", "--school", "1"], ascii))
        let oddYears = try FakeServer(
            DueFastPathTests.table(DueFastPathTests.dueReply(now: now, spread: true, ascii: true)))
        cases.append(("years outside the arithmetic", ["due", "--wide"], oddYears))
        let control = try FakeServer([
            "due.list": .result(
                #"{"items":[{"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann\u001b[2J","coach":13,"coachName":"Bob","dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00","overdueAt":"2026-03-10T15:30:00+00:00","overdue":false}]}"#
            )
        ])
        cases.append(("an escape in a name", ["due"], control))
        let denied = try FakeServer(["due.list": .error(Fixtures.permissionDenied)])
        cases.append(("an error reply", ["due"], denied))
        let notice = try FakeServer(respond: { _ in
            .lines([
                #"{"jsonrpc":"2.0","method":"daemon.shutdown","params":{}}"#,
                #"{"jsonrpc":"2.0","result":{"items":[]},"id":1}"#,
            ])
        })
        cases.append(("a notification first", ["due"], notice))
        let garbage = try FakeServer(respond: { _ in .lines(["not json"]) })
        cases.append(("garbage", ["due"], garbage))
        let hangUp = try FakeServer(respond: { _ in .hangUp })
        cases.append(("hang-up", ["due"], hangUp))
        let silent = try FakeServer(["due.list": .silence])
        cases.append(("no answer in time", ["due", "--timeout", "0.2"], silent))
        for (name, line, server) in cases {
            let run = try Self.run(line + ["--socket", server.path], front: true)
            #expect(!run.stderr.contains("coachctl: front"), "\(name): \(run.stderr)")
            try DueFastPathTests.expectSame(line + ["--socket", server.path])
        }
        // No daemon at all: coachctl-full says so, with its exit status.
        let missing = try Self.run(["due", "--socket", "/nonexistent/coachd.sock"], front: true)
        #expect(missing.status == 69, "\(missing.stderr)")
        #expect(!missing.stderr.contains("coachctl: front"))
        try DueFastPathTests.expectSame(["due", "--socket", "/nonexistent/coachd.sock"])
        // A socket path too long for sockaddr_un.
        try DueFastPathTests.expectSame(["due", "--socket", "/tmp/" + String(repeating: "x", count: 120)])
    }

    @Test func theSocket_isResolvedAsCoachctlFullResolvesIt() throws {
        let server = try FakeServer(DueFastPathTests.table(DueFastPathTests.dueReply(now: Date(), ascii: true)))
        let viaEnvironment = try Coachctl.run(
            ["due"], socketEnvironment: server.path, environment: ["COACHCTL_FRONT_TRACE": "1"])
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
        #expect(viaEnvironment.stderr == "coachctl: front\n")
        let reference = try Coachctl.run(
            ["due"], socketEnvironment: server.path, environment: ["COACHCTL_NO_FAST_PATH": "1"])
        #expect(viaEnvironment.stdout == reference.stdout)
        // An empty --socket is not a path: both fall back to COACHD_SOCKET.
        let empty = try Coachctl.run(["due", "--socket", ""], socketEnvironment: server.path)
        let emptyReference = try Coachctl.run(
            ["due", "--socket", ""], socketEnvironment: server.path, environment: ["COACHCTL_NO_FAST_PATH": "1"])
        #expect(empty.status == emptyReference.status)
        #expect(empty.stdout == emptyReference.stdout)
        #expect(empty.stderr == emptyReference.stderr)
    }

    @Test func otherCommandLines_reachCoachctlFull_unchanged() throws {
        let server = try FakeServer([
            "daemon.ping": .result(#"{"version":"test","uptimeSeconds":3}"#),
            "people.me": .error(Fixtures.permissionDenied),
        ])
        let lines: [[String]] = [
            [], ["--version"], ["--help"], ["help", "due"], ["due", "--help"], ["frobnicate"], ["dew"],
            ["daemon", "ping", "--socket", server.path], ["me", "--socket", server.path],
            ["--generate-completion-script", "bash"], ["due", "--school=1", "--socket", "/nonexistent/coachd.sock"],
        ]
        let full = try Self.fullBinary()
        for line in lines {
            let front = try Coachctl.run(line)
            let direct = try Coachctl.run(line, executable: full)
            #expect(front.status == direct.status, "\(line)")
            #expect(front.stdout == direct.stdout, "\(line)")
            #expect(front.stderr == direct.stderr, "\(line)")
        }
    }

    @Test func withoutCoachctlFull_theFrontSaysWhatIsMissing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("front-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("coachctl")
        try FileManager.default.copyItem(at: try Coachctl.binary(), to: copy)
        let run = try Coachctl.run(["--version"], executable: copy)
        #expect(run.status == 70)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("coachctl-full is not installed beside coachctl"), "\(run.stderr)")
        // `../libexec/coachd/coachctl-full` from the front's directory, as installed.
        let bin = directory.appendingPathComponent("bin")
        let libexec = directory.appendingPathComponent("libexec/coachd")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: libexec, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: copy, to: bin.appendingPathComponent("coachctl"))
        try FileManager.default.createSymbolicLink(
            at: libexec.appendingPathComponent("coachctl-full"), withDestinationURL: try Self.fullBinary())
        let installed = try Coachctl.run(["--version"], executable: bin.appendingPathComponent("coachctl"))
        let reference = try Coachctl.run(["--version"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout == reference.stdout)
    }

    // MARK: - Helpers

    static func run(_ arguments: [String], front: Bool) throws -> Coachctl.Run {
        try Coachctl.run(arguments, environment: ["COACHCTL_FRONT_TRACE": front ? "1" : nil])
    }

    /// coachctl-full, next to the front under test.
    static func fullBinary() throws -> URL {
        try Coachctl.binary().deletingLastPathComponent().appendingPathComponent("coachctl-full")
    }
}
