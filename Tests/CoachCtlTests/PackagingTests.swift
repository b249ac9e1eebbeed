import Foundation
import Testing

/// What the Debian package relies on from coachctl (issue 16): the stamped version, completion
/// scripts listed in --help, and `demo seed` refusing what it must.
@Suite struct PackagingTests {
    @Test func version_printsThePackageVersionAndTheCommit() throws {
        let run = try Coachctl.run(["--version"])
        #expect(run.status == 0, "\(run.stderr)")
        let changelog = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("debian/changelog"), encoding: .utf8)
        let version = try #require(changelog.split(separator: "\n").first?.split(separator: " ").dropFirst().first)
            .trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        let line = run.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("\(version) (commit "), "\(line)")
        #expect(line.wholeMatch(of: /[0-9][^ ]* \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)/) != nil, "\(line)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts_areGenerated_notTakenForAnUnknownCommand(shell: String) throws {
        let run = try Coachctl.run(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("coachctl"))
        #expect(!run.stderr.contains("unknown command"))
    }

    @Test func help_listsTheCompletionScriptOption() throws {
        let run = try Coachctl.run(["--help"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("--generate-completion-script bash|zsh|fish"))
    }

    @Test func demoSeed_isRefusedToNonAdmins() throws {
        let server = try FakeServer([
            "people.me": .result(#"{"uid":2001,"roles":["teacher"],"admin":false}"#),
            "schools.list": .result(#"{"schools":[]}"#),
        ])
        let run = try Coachctl.run(["demo", "seed", "--socket", server.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("admins only"), "\(run.stderr)")
    }

    @Test func demoSeed_isRefusedOnADaemonThatHasData() throws {
        let server = try FakeServer([
            "people.me": .result(#"{"uid":0,"roles":["admin"],"admin":true}"#),
            "schools.list": .result(
                #"{"schools":[{"id":1,"name":"Hill","timeZone":"Europe/London","dayStart":"08:30","dayEnd":"15:30"}]}"#),
        ])
        let run = try Coachctl.run(["demo", "seed", "--socket", server.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("already has data"), "\(run.stderr)")
    }
}
