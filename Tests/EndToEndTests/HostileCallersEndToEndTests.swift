import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 10 against the real binaries, as real uids: no request kills the daemon, who may call
    /// is decided before params are read, and the daemon's files are its own whatever the umask.
    @Suite("End to end: hostile callers and private files", .serialized)
    struct HostileCallersEndToEndTests {
        static func json(_ params: [String: JSONValue]) -> String {
            String(decoding: try! RPCCodec.encoder.encode(JSONValue.object(params)), as: UTF8.self)
        }

        /// `coachctl --json call` as `uid`; the error's name, or nil on success.
        static func errorName(_ daemon: RunningDaemon, _ method: String, _ params: [String: JSONValue], uid: UInt32?)
            throws -> String?
        {
            let outcome = try daemon.ctl(["--json", "call", method, json(params)], uid: uid)
            if outcome.status == 0 { return nil }
            let reply = try? JSONDecoder().decode(JSONValue.self, from: Data(outcome.stdout.utf8))
            return reply?.errorName ?? "status \(outcome.status): \(outcome.stderr)"
        }

        @Test func overflowingMinutes_areRefused_andTheDaemonLivesOn() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let day = recentWeekday()
            _ = try daemon.ctl([
                "--json", "call", "cycles.start", Self.json(["pair": .int(school.pair), "focus": "f"]),
            ])
            for minutes in [Int64.max, Int64.min, 153_722_867_280_912_931] {
                let name = try Self.errorName(
                    daemon, "dropins.schedule",
                    ["pair": .int(school.pair), "start": .string("\(day)T10:00"), "minutes": .int(minutes)],
                    uid: UID.teacher)
                #expect(name == "InvalidParams", "minutes \(minutes): \(String(describing: name))")
            }
            #expect(daemon.process?.isRunning == true)
            #expect(try Self.errorName(daemon, "daemon.ping", [:], uid: UID.teacher) == nil)
        }

        @Test func aStranger_isDenied_beforeAnyLoginIsLookedUp() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            for login in ["root", "no-such-login-anywhere"] {
                let outcome = try daemon.ctl(
                    [
                        "--json", "call", "people.add",
                        Self.json([
                            "name": "X", "school": .int(school.id), "roles": ["teacher"], "login": .string(login),
                        ]),
                    ], uid: UID.stranger)
                #expect(outcome.stdout.contains("PermissionDenied"), "\(login): \(outcome.stdout)")
                #expect(!outcome.stdout.contains(login), "the reply says something about \(login): \(outcome.stdout)")
            }
        }

        @Test func stateDirectoryAndDatabase_arePrivate_whateverTheUmask() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon(start: false)
            // A state directory that already exists, open to everyone, and a umask that keeps nothing back.
            try FileManager.default.createDirectory(
                atPath: daemon.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755]
            )
            chmod(daemon.stateDirectory, 0o755)
            daemon.launcher = ["/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\""]
            try daemon.start()
            _ = try School(daemon)
            let database = daemon.stateDirectory + "/coachd.sqlite"
            #expect(Self.mode(daemon.stateDirectory) == 0o700)
            for file in [database, database + "-wal", database + "-shm"] {
                #expect(Self.mode(file) == 0o600, "\(file): \(String(Self.mode(file) ?? 0, radix: 8))")
            }
            let read = try run("/bin/cat", [database], uid: UID.stranger)
            #expect(read.status != 0 && read.stderr.contains("Permission denied"), "\(read.stderr)")
            #expect(daemon.log.contains("it is now 0700"))

            // A backup snapshot and a restore under the same umask are private too.
            let backup = daemon.directory + "/copy.sqlite"
            let taken = try daemon.ctl(["backup", backup])
            #expect(taken.status == 0, "\(taken.stderr)")
            #expect(Self.mode(backup) == 0o600)
            daemon.stop()
            let restored = try run(
                "/bin/sh",
                [
                    "-c", "umask 000; exec \"$0\" \"$@\"", Binaries.coachd, "--restore-database", backup, "--state-dir",
                    daemon.stateDirectory,
                ])
            #expect(restored.status == 0, "\(restored.stderr)")
            #expect(Self.mode(database) == 0o600)
        }

        @Test func aStateDirectory_ownedByAnotherUser_andOpen_isRefused() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon(start: false)
            try FileManager.default.createDirectory(
                atPath: daemon.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777]
            )
            chmod(daemon.stateDirectory, 0o777)
            chown(daemon.stateDirectory, UID.stranger, UID.stranger)
            let outcome = try run(
                Binaries.coachd,
                [
                    "--config", daemon.directory + "/coachd.yaml", "--state-dir", daemon.stateDirectory, "--socket",
                    daemon.socket,
                ])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("open to other users"), "\(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: daemon.stateDirectory + "/coachd.sqlite"))
        }

        static func mode(_ path: String) -> mode_t? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return info.st_mode & 0o777
        }
    }
}
