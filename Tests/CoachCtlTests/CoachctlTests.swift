import Foundation
import Testing

/// The built `coachctl` binary, run as a subprocess against the fake daemon: output and exit codes.
@Suite struct CoachctlTests {
    @Test func jsonDue_printsTheResultAsSortedPrettyJSON() throws {
        let server = try FakeServer(["due.list": .result(Fixtures.dueList)])

        let run = try Coachctl.run(["--json", "due", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? NSDictionary
        let sent = try JSONSerialization.jsonObject(with: Data(Fixtures.dueList.utf8)) as? NSDictionary
        #expect(printed == sent)
        #expect(run.stdout.hasPrefix("{\n  \"items\" : ["))
        #expect(run.stdout.range(of: "\"coach\" : 13")!.lowerBound < run.stdout.range(of: "\"coachName\"")!.lowerBound)
    }

    @Test func due_printsATableWithNames() throws {
        let server = try FakeServer(["due.list": .result(Fixtures.dueList)])

        let run = try Coachctl.run(["due", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("DUE"))
        #expect(lines[0].contains("TEACHER"))
        #expect(lines[1].contains("Ann Teacher") && lines[1].contains("Bob Coach") && lines[1].contains("drop-in"))
        #expect(lines[2].contains("Cleo Teacher") && lines[2].contains("follow-up") && lines[2].hasSuffix("overdue"))
        // Columns line up: the teacher names start at the header's column.
        let column = lines[0].range(of: "TEACHER")!.lowerBound.utf16Offset(in: lines[0])
        #expect(lines[1].range(of: "Ann Teacher")!.lowerBound.utf16Offset(in: lines[1]) == column)
        #expect(run.stdout.contains("2 items listed, 1 overdue."))
        #expect(server.requests(for: "due.list").count == 1)
    }

    @Test func due_at80Columns_cutsTheNames_neverTheTime() throws {
        // Names long enough that the table must be narrowed: the due time stays whole (it is what the
        // line is for), the teacher's and coach's names end in "…".
        let long = Fixtures.dueList
            .replacingOccurrences(of: "Ann Teacher", with: "Annabel Featherstonehaugh-Smythe")
            .replacingOccurrences(of: "Bob Coach", with: "Robert Marchbanks-Cholmondeley")
        let server = try FakeServer(["due.list": .result(long)])

        let run = try Coachctl.run(["due", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines)")
        let kindColumn = lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: "KIND")!.lowerBound)
        for line in lines.prefix(3) {
            #expect(!line.prefix(kindColumn).contains("…"), "the DUE column was cut: \(line)")
        }
        #expect(lines[1].contains("Annabel") && lines[1].contains("…"))
        #expect(!run.stdout.contains("Annabel Featherstonehaugh-Smythe"))
    }

    @Test func due_withOverdue_sendsOverdueOnly_andTakesTheSocketFromTheEnvironment() throws {
        let server = try FakeServer(["due.list": .result(#"{"items":[]}"#)])

        let run = try Coachctl.run(["due", "--overdue", "--school", "3"], socketEnvironment: server.path)

        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Nothing overdue.\n")
        let params = server.requests(for: "due.list").first?["params"] as? [String: Any]
        #expect(params?["overdueOnly"] as? Bool == true)
        #expect((params?["school"] as? NSNumber)?.intValue == 3)
    }

    @Test func anyCommand_withNoDaemon_exits69_sayingWhatToDo() throws {
        let path = try FakeServer.makeDirectory() + "/coachd.sock"

        let run = try Coachctl.run(["due", "--socket", path])

        #expect(run.status == 69)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("coachctl: cannot connect to coachd at \(path): No such file or directory\n"))
        #expect(run.stderr.contains("is coachd running? start it with `make run` or `systemctl start coachd.socket`"))
    }

    @Test(arguments: [
        ["frobnicate"],
        ["due", "--frobnicate"],
        ["adaptation", "close", "4", "--outcome", "great"],
        ["person", "add", "Ann", "--school", "1"],
        ["pair", "show", "seven"],
    ])
    func usageErrors_exit64(arguments: [String]) throws {
        let server = try FakeServer([:])

        let run = try Coachctl.run(arguments + ["--socket", server.path])

        #expect(run.status == 64, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("Error:") || run.stderr.contains("Usage:"))
        #expect(server.received.isEmpty)
    }

    @Test func daemonError_exits1_withTheMessageAndHintOnStderr() throws {
        let server = try FakeServer(["pairs.show": .error(Fixtures.notFound)])

        let run = try Coachctl.run(["pair", "show", "99", "--socket", server.path])

        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "coachctl: pair 99 not found\ncoachctl pair list shows the pairs you may see\n")
    }

    @Test func permissionDenied_withoutAHint_tellsTheCallerHowToGetLinked() throws {
        let server = try FakeServer(["due.list": .error(Fixtures.permissionDenied)])

        let run = try Coachctl.run(["due", "--socket", server.path])

        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("coachctl: uid 1000 is not linked to a person\n"))
        #expect(run.stderr.contains("ask an admin to link your login: coachctl person add NAME --school ID"))
    }

    @Test func timeout_exits75() throws {
        let server = try FakeServer(["due.list": .silence])

        let run = try Coachctl.run(["due", "--timeout", "0.3", "--socket", server.path])

        #expect(run.status == 75)
        #expect(run.stderr.hasPrefix("coachctl: coachd did not answer within 0.3s\n"))
    }

    @Test func pairLeftOut_withOnePair_usesIt() throws {
        let server = try FakeServer([
            "pairs.list": .result(Fixtures.onePair), "cycles.start": .result(#"{"id":3}"#),
        ])

        let run = try Coachctl.run(["cycle", "start", "--focus", "wait time", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Started cycle 3 for pair 7"))
        let mine = server.requests(for: "pairs.list").first?["params"] as? [String: Any]
        #expect(mine?["mine"] as? Bool == true)
        let params = server.requests(for: "cycles.start").first?["params"] as? [String: Any]
        #expect((params?["pair"] as? NSNumber)?.intValue == 7)
        #expect(params?["focus"] as? String == "wait time")
    }

    @Test func pairLeftOut_withSeveralPairs_isAUsageErrorListingThem() throws {
        let server = try FakeServer(["pairs.list": .result(Fixtures.twoPairs)])

        let run = try Coachctl.run(["invite", "--at", "2026-03-09 10:20", "--socket", server.path])

        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix("coachctl: you are in 2 pairs; choose one with --pair ID:\n"))
        #expect(run.stderr.contains("Ann Teacher"))
        #expect(run.stderr.contains("Cleo Teacher"))
        #expect(server.requests(for: "dropins.schedule").isEmpty)
    }

    @Test func invite_inThePast_isRefused_pointingToDropinLog() throws {
        let server = try FakeServer([:])
        let run = try Coachctl.run(["invite", "--pair", "7", "--at", "2026-03-09 10:20", "--socket", server.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("is in the past"), "\(run.stderr)")
        #expect(run.stderr.contains("coachctl dropin log --pair 7 --at"))
        #expect(server.requests(for: "dropins.schedule").isEmpty)
    }

    @Test func invite_booksADropIn_withTheLocalTimeAsGiven() throws {
        let server = try FakeServer([
            "dropins.schedule": .result(
                #"{"id":21,"start":"2027-03-08T10:20:00+00:00","end":"2027-03-08T10:30:00+00:00"}"#)
        ])

        let run = try Coachctl.run([
            "invite", "--pair", "7", "--at", "2027-03-08 10:20", "--minutes", "10", "--socket", server.path,
        ])

        #expect(run.status == 0, "\(run.stderr)")
        let params = server.requests(for: "dropins.schedule").first?["params"] as? [String: Any]
        #expect(params?["start"] as? String == "2027-03-08T10:20")
        #expect((params?["minutes"] as? NSNumber)?.intValue == 10)
        #expect(run.stdout.contains("drop-in 21"))
    }

    @Test func my_printsFocusAdaptationAndUntilWhen() throws {
        let server = try FakeServer(["pairs.list": .result(Fixtures.onePair)])

        let run = try Coachctl.run(["my", "--socket", server.path])

        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Pair 7: Ann Teacher (teacher) with Bob Coach (coach)"))
        #expect(run.stdout.contains("questioning: wait time"))
        #expect(run.stdout.contains("wait five seconds, until 2026-03-09"))
    }

    @Test func help_documentsExitCodes_andUsesTheMethodSummaries() throws {
        let root = try Coachctl.run(["--help"])
        #expect(root.status == 0)
        #expect(root.stdout.contains("69  cannot connect to the daemon"))

        let due = try Coachctl.run(["due", "--help"])
        #expect(due.stdout.contains("What is due for the pairs the caller may see"))
        #expect(due.stdout.contains("Calls `due.list`."))
    }
}

/// Runs the built binary.
enum Coachctl {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `environment` sets (a value) or removes (nil) variables beside `COACHD_SOCKET`; `executable`
    /// runs another program than the built `coachctl` (coachctl-full, an installed copy).
    static func run(
        _ arguments: [String], socketEnvironment: String? = nil, environment changes: [String: String?] = [:],
        executable: URL? = nil
    ) throws -> Run {
        let process = Process()
        process.executableURL = try executable ?? binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["COACHD_SOCKET"] = socketEnvironment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Outputs are small; read both to the end, then reap.
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// `coachctl` next to the test bundle (the build's bin dir), else under `.build/debug` of this
    /// package; `COACHCTL_BIN` overrides both.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["COACHCTL_BIN"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(directory.appendingPathComponent("coachctl"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("coachctl"))
        directory = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { directory.deleteLastPathComponent() }
        candidates.append(directory.appendingPathComponent(".build/debug/coachctl"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw BinaryNotFound(searched: candidates.map(\.path))
        }
        return found
    }

    struct BinaryNotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "coachctl was not built; run `swift build --product coachctl` first. Looked in: "
                + searched.joined(separator: ", ")
        }
    }
}
