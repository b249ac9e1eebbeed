import CoachRPC
import CoachSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// Issue 16: Tab on an id asks the daemon, as the caller, for the ids with their names. The
    /// entry point is the one the generated scripts call: `coachctl ---completion SUBCOMMANDS -- ARG
    /// CWORD CURSOR WORDS…`, with `SAP_SHELL` naming the shell.
    @Suite("End to end: completion of ids offers names", .serialized)
    struct CompletionEndToEndTests {
        /// What `shell` is offered for `words` (the last one being completed) at `argument` of `command`.
        static func complete(
            _ daemonSocket: String?, _ command: [String], _ argument: String, _ words: [String], shell: String,
            uid: UInt32? = nil
        ) throws -> (Outcome, [String]) {
            let line = ["coachctl"] + (daemonSocket.map { ["--socket", $0] } ?? []) + words
            let arguments =
                ["---completion"] + command + ["--", argument, "\(line.count - 1)", "\(line.last?.count ?? 0)"] + line
            let outcome = try run(
                Binaries.coachctl, arguments, uid: uid,
                environment: ["SAP_SHELL": shell, "COACHD_SOCKET": "/nonexistent/coachd.sock"])
            let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
                .filter { $0 != " " }  // zsh's trailing pseudo-completion, which its script removes
            return (outcome, lines)
        }

        @Test func pairsPeopleAndSchools_comeWithTheirNames_inEachShellsForm() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let (zsh, zshLines) = try Self.complete(
                daemon.socket, ["pair", "show"], "positional@0", ["pair", "show", ""], shell: "zsh")
            #expect(zsh.status == 0, "\(zsh.stderr)")
            #expect(zshLines == ["\(school.pair):Ada Teacher & Cy Coach"])
            let (_, fish) = try Self.complete(
                daemon.socket, ["agenda"], "--person", ["agenda", "--person", ""], shell: "fish")
            #expect(
                fish == [
                    "\(school.teacher)\tAda Teacher", "\(school.coach)\tCy Coach", "\(school.lead)\tLee Lead",
                    "\(school.otherTeacher)\tBo Teacher",
                ])
            // bash shows `ID  (NAME)` while several ids match, and inserts the bare id once one does.
            let (_, schools) = try Self.complete(
                daemon.socket, ["due"], "--school", ["due", "--school", ""], shell: "bash")
            #expect(schools == ["\(school.id)"])
            let second = try daemon.ctl([
                "--json", "school", "add", "Dale $(touch /tmp/x) Secondary", "--time-zone", "UTC",
            ])
            let dale = try second.json(CreatedID.self).id
            let (_, both) = try Self.complete(
                daemon.socket, ["pair", "list"], "--school", ["pair", "list", "--school", ""], shell: "bash")
            #expect(both == ["\(school.id)  (Hill Primary)", "\(dale)  (Dale _(touch /tmp/x) Secondary)"])
            let (_, one) = try Self.complete(
                daemon.socket, ["pair", "list"], "--school", ["pair", "list", "--school", "\(dale)"], shell: "bash")
            #expect(one == ["\(dale)"])
        }

        @Test func aCaller_isOfferedOnlyWhatTheyMaySee() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let other = try daemon.ctl(
                ["--json", "pair", "add", "--teacher", "\(school.otherTeacher)", "--coach", "\(school.coach)"])
            let otherPair = try other.json(CreatedID.self).id
            // The teacher: their own pair, and its two people (no people.list for a teacher).
            let (pairs, teacherPairs) = try Self.complete(
                daemon.socket, ["pair", "show"], "positional@0", ["pair", "show", ""], shell: "fish", uid: UID.teacher)
            #expect(pairs.status == 0, "\(pairs.stderr)")
            #expect(teacherPairs == ["\(school.pair)\tAda Teacher & Cy Coach"])
            let (_, teacherPeople) = try Self.complete(
                daemon.socket, ["agenda"], "--person", ["agenda", "--person", ""], shell: "fish", uid: UID.teacher)
            #expect(teacherPeople == ["\(school.teacher)\tAda Teacher", "\(school.coach)\tCy Coach"])
            // The coach is in both pairs; a stranger is in none and sees nothing.
            let (_, coachPairs) = try Self.complete(
                daemon.socket, ["pair", "show"], "positional@0", ["pair", "show", ""], shell: "zsh", uid: UID.coach)
            #expect(coachPairs == ["\(school.pair):Ada Teacher & Cy Coach", "\(otherPair):Bo Teacher & Cy Coach"])
            let (stranger, nothing) = try Self.complete(
                daemon.socket, ["pair", "show"], "positional@0", ["pair", "show", ""], shell: "zsh",
                uid: UID.stranger)
            #expect(stranger.status == 0, "\(stranger.stderr)")
            #expect(nothing.isEmpty)
        }

        /// No daemon, or one that never answers: no candidates, quickly, and never an error on the terminal.
        @Test func aDaemonThatIsDownOrSilent_givesNoCandidates_withoutHanging() throws {
            let directory = NSTemporaryDirectory() + "coachd-complete-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let start = ContinuousClock.now
            let (down, none) = try Self.complete(
                directory + "/absent.sock", ["pair", "show"], "positional@0", ["pair", "show", ""], shell: "bash")
            #expect(down.status == 0 && none.isEmpty && down.stderr.isEmpty, "\(down)")
            #expect(ContinuousClock.now - start < .seconds(2))

            // A socket that accepts connections (the kernel's listen queue) but never reads or answers.
            let silent = directory + "/silent.sock"
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            try #require(fd >= 0)
            defer { close(fd) }
            let bound = try UnixSocketAddress(path: silent).bind(fd)
            try #require(bound == 0 && listen(fd, 8) == 0)
            let before = ContinuousClock.now
            let (hung, nothing) = try Self.complete(
                silent, ["due"], "--school", ["due", "--school", ""], shell: "zsh")
            let took = ContinuousClock.now - before
            #expect(hung.status == 0 && nothing.isEmpty && hung.stderr.isEmpty, "\(hung)")
            #expect(took < .seconds(3), "a silent daemon held Tab for \(took)")
        }
    }
}
