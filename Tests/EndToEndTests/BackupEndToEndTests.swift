import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// `coachctl backup FILE` and `coachd --restore-database FILE`, against the real binaries.
    @Suite("End to end: backup and restore", .serialized)
    struct BackupEndToEndTests {
        /// A file name in the daemon's test directory that does not exist yet.
        func backupPath(_ daemon: RunningDaemon, _ name: String = "backup.sqlite") -> String {
            daemon.directory + "/" + name
        }

        @Test func backupWhileWritesGoOn_isAConsistentCopy_andARestoredDaemonServesTheSameData() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let admin = try daemon.client()
            var pairs = [school.pair]
            for index in 1...2 {
                let teacher = try admin.call(
                    PeopleAdd.self,
                    .init(name: "T\(index)", school: school.id, roles: ["teacher"], uid: Int64(65_000 + index)))
                pairs.append(try admin.call(PairsCreate.self, .init(teacher: teacher.id, coach: school.coach)).id)
            }
            let quiet = try admin.call(PairsShow.self, .init(pair: school.pair))  // nobody writes to this pair below
            let writing = Shared(true)
            let ledgers = Shared<[Int64: [Int64]]>([:])
            let done = DispatchGroup()
            for pair in pairs.dropFirst() {
                done.enter()
                let socket = daemon.socket
                Thread {
                    defer { done.leave() }
                    guard let client = try? CoachClient(socketPath: socket, timeout: .seconds(20)) else { return }
                    var acknowledged: [Int64] = []
                    while writing.current,
                        let id = try? client.call(CyclesStart.self, .init(pair: pair, focus: "busy")).id
                    {
                        acknowledged.append(id)
                    }
                    ledgers.withLock { $0[pair] = acknowledged }
                }.start()
            }
            usleep(100_000)
            let file = backupPath(daemon)
            let made = try daemon.ctl(["--json", "backup", file])
            usleep(100_000)
            writing.withLock { $0 = false }
            done.wait()
            #expect(made.status == 0, "\(made.stderr)")
            let written = try JSONDecoder().decode(JSONValue.self, from: Data(made.stdout.utf8))
            #expect(written.objectValue?["file"]?.stringValue == file)
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
            let digest = written.objectValue?["backup"]?.objectValue?["sha256"]?.stringValue
            #expect(digest == SHA256.hex(try Data(contentsOf: URL(fileURLWithPath: file))))
            #expect(try run(Binaries.coachd, ["--check-database", file]).status == 0)
            // Taken and read back: the snapshot is gone from the daemon's state directory.
            let left = (try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory + "/backups")) ?? []
            #expect(left.isEmpty, "\(left)")

            // A second daemon restored from the file.
            let restored = try RunningDaemon(start: false)
            let restore = try run(
                Binaries.coachd, ["--restore-database", file, "--state-dir", restored.stateDirectory])
            #expect(restore.status == 0, "\(restore.stderr)")
            try restored.start()
            let copy = try restored.client()
            #expect(try copy.call(PairsShow.self, .init(pair: school.pair)) == quiet)
            #expect(
                try copy.call(PeopleList.self, .init(school: school.id))
                    == admin.call(PeopleList.self, .init(school: school.id)))
            // Consistent: for each writer, the copy holds a prefix of what was acknowledged (at most one
            // more, in flight when the snapshot was taken), never a later write without an earlier one.
            let acknowledged = ledgers.withLock { $0 }
            var copied = 0
            for pair in pairs.dropFirst() {
                let ids = try copy.call(PairsShow.self, .init(pair: pair)).cycles.map(\.id)
                let sent = acknowledged[pair] ?? []
                #expect(
                    Array(sent.prefix(ids.count)) == ids
                        || Array(sent.prefix(ids.count - 1)) == ids.dropLast().map { $0 })
                copied += ids.count
            }
            #expect(copied > 0, "the writers wrote nothing before the snapshot")
        }

        @Test func snapshot_readInSmallChunks_matchesItsDigest_andIsGoneOnceFinished() throws {
            let daemon = try RunningDaemon()
            _ = try School(daemon)
            let client = try daemon.client()
            let info = try client.call(BackupCreate.self, NoParams())
            #expect(info.sha256.count == 64)
            var received = Data()
            var reads = 0
            while true {
                let chunk = try client.call(
                    BackupRead.self, .init(backup: info.backup, offset: Int64(received.count), length: 4096))
                received.append(try #require(Data(base64Encoded: chunk.data)))
                reads += 1
                if chunk.eof { break }
            }
            #expect(Int64(received.count) == info.bytes)
            #expect(reads == (received.count + 4095) / 4096)
            #expect(SHA256.hex(received) == info.sha256)
            for (offset, length) in [(Int64(0), 0), (0, (1 << 20) + 1), (info.bytes + 1, 10), (-1, 10)] {
                #expect(throws: ClientError.self) {
                    _ = try client.call(BackupRead.self, .init(backup: info.backup, offset: offset, length: length))
                }
            }
            #expect(try client.call(BackupFinish.self, .init(backup: info.backup)).removed)
            #expect(try !client.call(BackupFinish.self, .init(backup: info.backup)).removed)
            do {
                _ = try client.call(BackupRead.self, .init(backup: info.backup, offset: 0))
                Issue.record("a finished snapshot was still readable")
            } catch {
                #expect(error.rpcError?.name == .notFound)
            }
        }

        @Test func moreThanTwoSnapshotsAtOnce_getBusy() throws {
            let daemon = try RunningDaemon()
            let client = try daemon.client()
            let first = try client.call(BackupCreate.self, NoParams())
            _ = try client.call(BackupCreate.self, NoParams())
            do {
                _ = try client.call(BackupCreate.self, NoParams())
                Issue.record("a third snapshot was taken")
            } catch {
                #expect(error.rpcError?.name == .busy)
            }
            _ = try client.call(BackupFinish.self, .init(backup: first.backup))
            _ = try client.call(BackupCreate.self, NoParams())
        }

        @Test func backupToAnExistingFile_isRefused_andNothingIsOverwritten() throws {
            let daemon = try RunningDaemon()
            let file = backupPath(daemon)
            try Data("precious".utf8).write(to: URL(fileURLWithPath: file))
            let refused = try daemon.ctl(["backup", file])
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("already exists"))
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious")
        }

        @Test func restore_isRefusedWhileTheDaemonRuns_orForADamagedFile_andKeepsTheDatabaseItReplaces() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let file = backupPath(daemon)
            #expect(try daemon.ctl(["backup", file]).status == 0)
            _ = try daemon.client().call(CyclesStart.self, .init(pair: school.pair, focus: "after the backup"))

            let running = try run(Binaries.coachd, ["--restore-database", file, "--state-dir", daemon.stateDirectory])
            #expect(running.status == 1)
            #expect(running.stderr.contains("another coachd is using the state directory"), "\(running.stderr)")

            daemon.stop()
            let damaged = backupPath(daemon, "damaged.sqlite")
            var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes.replaceSubrange(0..<16, with: Data(repeating: 0x42, count: 16))
            try bytes.write(to: URL(fileURLWithPath: damaged))
            let refused = try run(
                Binaries.coachd, ["--restore-database", damaged, "--state-dir", daemon.stateDirectory])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("nothing restored"), "\(refused.stderr)")

            let restored = try run(Binaries.coachd, ["--restore-database", file, "--state-dir", daemon.stateDirectory])
            #expect(restored.status == 0, "\(restored.stderr)")
            let kept = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory).filter {
                $0.hasPrefix("coachd.sqlite.replaced-")
            }
            #expect(!kept.isEmpty)
            try daemon.start()
            // Back to the state of the backup: the focus agreed after it is gone.
            #expect(try daemon.client().call(PairsShow.self, .init(pair: school.pair)).cycles.isEmpty)
        }

        @Test func secondDaemonOnTheSameStateDirectory_isRefused() throws {
            let daemon = try RunningDaemon()
            let second = try run(
                Binaries.coachd, ["--state-dir", daemon.stateDirectory, "--socket", daemon.directory + "/second.sock"])
            #expect(second.status != 0)
            #expect(second.stderr.contains("another coachd is using the state directory"), "\(second.stderr)")
            #expect(try daemon.client().call(DaemonPing.self, NoParams()) == "pong")
        }
    }
}
