import Foundation
import Testing

/// Errors as a person at a terminal sees them (wrapped at 80 columns) and as a script reads them
/// (one line per message, unwrapped); and the top-level help's exit codes.
@Suite struct ErrorWrappingTests {
    static let longError = """
        {"code":-32002,"message":"pair 7 belongs to school 3, where you are neither the lead nor the head nor \
        one of the pair, so its drop-ins are not yours to book","data":{"name":"PermissionDenied"}}
        """

    @Test func inAPipe_theMessageIsOneLine_andTheHintIsWhole() throws {
        let server = try FakeServer(["due.list": .error(Self.longError)])

        let run = try Coachctl.run(["due", "--socket", server.path])

        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("coachctl: pair 7 belongs to school 3") && lines[0].hasSuffix("not yours to book"))
        #expect(lines[0].count > 80 && lines[1].count > 80)
        #expect(lines.count == 3 && lines[2].isEmpty)
    }

    @Test func atATerminal_messageAndHintAreWrappedAt80Columns_withNoWordLost() throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "script(1) (util-linux) gives a terminal")
        let server = try FakeServer(["due.list": .error(Self.longError)])
        let piped = try Coachctl.run(["due", "--socket", server.path])

        // script(1) runs coachctl on a pseudo-terminal: stderr is a terminal there.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", "'\(try Coachctl.binary().path)' due --socket '\(server.path)'", "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")

        #expect(process.terminationStatus == 1)
        let lines = text.split(separator: "\n")
        #expect(lines.count >= 4, "\(text)")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(text)")
        #expect(lines[0].hasPrefix("coachctl: pair 7 belongs to school 3"))
        #expect(lines[1].hasPrefix("  ") && !lines[1].hasPrefix("   "), "the message's next line is indented")
        #expect(text.split(whereSeparator: \.isWhitespace) == piped.stderr.split(whereSeparator: \.isWhitespace))
    }

    @Test func topLevelHelp_exitCodes_fitAndReadAsOneEntryEach() throws {
        let run = try Coachctl.run(["--help"])

        #expect(run.status == 0)
        let section = try #require(run.stdout.range(of: "Exit codes:")).upperBound
        let block = run.stdout[section...].prefix { $0 != "U" }  // up to USAGE:
        for line in block.split(separator: "\n") {
            #expect(line.count <= 80, "\(line)")
            #expect(line.hasPrefix("  "), "an entry or its continuation, never a line cut at column 0: \(line)")
        }
        #expect(
            run.stdout.contains(
                "  64  usage error: unknown command or option, a malformed time or date, a\n"
                    + "      missing --pair, or demo seed refused\n"))
    }
}
