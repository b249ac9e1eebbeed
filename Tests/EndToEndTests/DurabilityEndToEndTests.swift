import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// The store under faults, against the real daemon: killed with SIGKILL in the middle of writes,
    /// a full disk, a read-only state directory. What was acknowledged is never lost, the database
    /// stays sound, reads go on, and the log says what happened.
    @Suite("End to end: durability", .serialized)
    struct DurabilityEndToEndTests {
        /// Crash-test rounds: `COACHD_CRASH_ITERATIONS`, 3 by default (`make crash-test` runs many).
        static let iterations = ProcessInfo.processInfo.environment["COACHD_CRASH_ITERATIONS"].flatMap(Int.init) ?? 3
        static let writers = 4

        /// One writer's acknowledged changes and the one it may have had in flight when the daemon died.
        struct Ledger: Sendable {
            var acknowledged: [Int64] = []
            var inFlight = false
        }

        @Test func sigkillDuringWrites_losesNoAcknowledgedChange_andLeavesASoundDatabase() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let admin = try daemon.client()
            // One pair per writer (cycles.start appends a row each time); one more writer adds people.
            var pairs: [Int64] = [school.pair]
            for index in 1..<Self.writers {
                let teacher = try admin.call(
                    PeopleAdd.self,
                    .init(name: "Teacher \(index)", school: school.id, roles: ["teacher"], uid: Int64(63_000 + index)))
                pairs.append(try admin.call(PairsCreate.self, .init(teacher: teacher.id, coach: school.coach)).id)
            }
            var expectedCycles: [Int64: [Int64]] = Dictionary(uniqueKeysWithValues: pairs.map { ($0, []) })
            var expectedPeople: [Int64] = []
            var acknowledgedTotal = 0
            var generator = SystemRandomNumberGenerator()
            let nextUID = Shared<Int64>(64_000)

            for round in 1...Self.iterations {
                let ledgers = Shared<[Int: Ledger]>([:])
                let started = DispatchGroup()
                let finished = DispatchGroup()
                for writer in 0...Self.writers {
                    started.enter()
                    finished.enter()
                    let socket = daemon.socket
                    let pair = writer < Self.writers ? pairs[writer] : nil
                    Thread {
                        defer { finished.leave() }
                        var ledger = Ledger()
                        guard let client = try? CoachClient(socketPath: socket, timeout: .seconds(10)) else {
                            started.leave()
                            return
                        }
                        started.leave()
                        while true {
                            ledger.inFlight = true
                            let id: Int64?
                            if let pair {
                                id = try? client.call(CyclesStart.self, .init(pair: pair, focus: "round \(round)")).id
                            } else {
                                let uid = nextUID.withLock { uid in
                                    uid += 1
                                    return uid
                                }
                                id = try? client.call(
                                    PeopleAdd.self,
                                    .init(name: "P\(uid)", school: school.id, roles: ["teacher"], uid: uid)
                                ).id
                            }
                            guard let id else { break }  // the daemon is gone
                            ledger.acknowledged.append(id)
                            ledger.inFlight = false
                        }
                        ledgers.withLock { $0[writer] = ledger }
                    }.start()
                }
                started.wait()
                // Kill at a random moment while everyone writes as fast as they can.
                usleep(UInt32.random(in: 50_000...400_000, using: &generator))
                daemon.stop(signal: SIGKILL)
                #expect(finished.wait(timeout: .now() + 30) == .success, "round \(round): a writer hung")

                let check = try run(Binaries.coachd, ["--check-database", daemon.stateDirectory + "/coachd.sqlite"])
                #expect(check.status == 0, "round \(round) after SIGKILL: \(check.stdout)\(check.stderr)")

                try daemon.start()
                let client = try daemon.client()
                let final = ledgers.withLock { $0 }
                for (writer, ledger) in final {
                    acknowledgedTotal += ledger.acknowledged.count
                    if writer < Self.writers {
                        expectedCycles[pairs[writer], default: []] += ledger.acknowledged
                    } else {
                        expectedPeople += ledger.acknowledged
                    }
                }
                var lost = 0
                var extra = 0
                for pair in pairs {
                    let present = Set(try client.call(PairsShow.self, .init(pair: pair)).cycles.map(\.id))
                    let expected = Set(expectedCycles[pair] ?? [])
                    lost += expected.subtracting(present).count
                    extra += present.subtracting(expected).count
                    expectedCycles[pair] = Array(present)  // committed but unacknowledged ones count from now on
                }
                let people = Set(try client.call(PeopleList.self, .init(school: school.id)).people.map(\.id))
                lost += Set(expectedPeople).subtracting(people).count
                #expect(lost == 0, "round \(round): \(lost) acknowledged changes lost")
                // Only a change in flight at the kill may have committed without its reply.
                #expect(extra <= final.values.filter(\.inFlight).count)
                Self.report(round: round, acknowledged: acknowledgedTotal, lost: lost)
            }
            let check = try run(Binaries.coachd, ["--check-database", daemon.stateDirectory + "/coachd.sqlite"])
            #expect(check.status == 0, "\(check.stdout)")
            #expect(acknowledgedTotal > Self.iterations, "the writers hardly wrote: \(acknowledgedTotal)")
        }

        /// Appends a round's figures to `COACHD_CRASH_REPORT` when set (`make crash-test`).
        static func report(round: Int, acknowledged: Int, lost: Int) {
            guard let path = ProcessInfo.processInfo.environment["COACHD_CRASH_REPORT"] else { return }
            let line = "round=\(round) acknowledged_total=\(acknowledged) lost=\(lost)\n"
            if let handle = FileHandle(forWritingAtPath: path) {
                handle.seekToEndOfFile()
                handle.write(Data(line.utf8))
                try? handle.close()
            } else {
                _ = FileManager.default.createFile(atPath: path, contents: Data(line.utf8))
            }
        }

        @Test func fullDisk_failsWritesClearly_keepsReads_losesNothing_andRecoversOnceFreed() throws {
            try #require(PrivateTmpfs.isAvailable, "SKIPPED: a private tmpfs needs root, unshare and nsenter")
            let daemon = try RunningDaemon(start: false)
            let disk = try PrivateTmpfs(at: daemon.directory + "/disk", size: "1m")
            daemon.stateDirectory = disk.mountPoint + "/state"
            daemon.launcher = disk.launcher
            try daemon.start()
            let school = try School(daemon)
            let client = try daemon.client()
            var acknowledged: [Int64] = []
            for index in 0..<5 {
                acknowledged.append(try client.call(CyclesStart.self, .init(pair: school.pair, focus: "f\(index)")).id)
            }

            try disk.fill()
            var refusals = 0
            for index in 0..<50 {
                do {
                    acknowledged.append(
                        try client.call(CyclesStart.self, .init(pair: school.pair, focus: "full \(index)")).id)
                } catch {
                    let rpcError = try #require(error.rpcError, "\(error)")
                    #expect(rpcError.name == .storeUnavailable)
                    #expect(rpcError.message.contains("disk holding the database is full"), "\(rpcError.message)")
                    refusals += 1
                }
            }
            #expect(refusals > 0, "the disk never filled")
            // Reads go on, with everything acknowledged.
            #expect(try client.call(PairsShow.self, .init(pair: school.pair)).cycles.map(\.id) == acknowledged)
            #expect(try client.call(DaemonPing.self, NoParams()) == "pong")
            #expect(daemon.log.contains("SQLITE_FULL"))
            #expect(daemon.log.contains("store.error"))

            try disk.unfill()
            acknowledged.append(try client.call(CyclesStart.self, .init(pair: school.pair, focus: "after")).id)
            let check = try disk.run([Binaries.coachd, "--check-database", daemon.stateDirectory + "/coachd.sqlite"])
            #expect(check.status == 0, "\(check.stdout)")
            daemon.stop(signal: SIGKILL)
            try daemon.start()
            #expect(try daemon.client().call(PairsShow.self, .init(pair: school.pair)).cycles.map(\.id) == acknowledged)
            daemon.stop()
        }

        @Test func readOnlyStateDirectory_servesReads_refusesChangesClearly_andTheLogSaysSo() throws {
            try #require(PrivateTmpfs.isAvailable, "SKIPPED: a private tmpfs needs root, unshare and nsenter")
            let daemon = try RunningDaemon(start: false)
            let disk = try PrivateTmpfs(at: daemon.directory + "/disk", size: "4m")
            daemon.stateDirectory = disk.mountPoint + "/state"
            daemon.launcher = disk.launcher
            try daemon.start()
            let school = try School(daemon)
            let focus = try daemon.client().call(CyclesStart.self, .init(pair: school.pair, focus: "kept")).id
            daemon.stop()

            try disk.remount(readOnly: true)
            try daemon.start()
            let client = try daemon.client()
            #expect(try client.call(PairsShow.self, .init(pair: school.pair)).cycles.map(\.id) == [focus])
            #expect(try client.call(DueListMethod.self, .init()).items.count == 1)
            do {
                _ = try client.call(CyclesStart.self, .init(pair: school.pair, focus: "refused"))
                Issue.record("a change was accepted on a read-only state directory")
            } catch {
                #expect(error.rpcError?.name == .storeUnavailable)
                #expect(error.rpcError?.message.contains("read-only") == true, "\(error)")
            }
            #expect(daemon.log.contains("is read-only: serving reads, refusing changes"))
            daemon.stop()

            try disk.remount(readOnly: false)
            try daemon.start()
            _ = try daemon.client().call(CyclesStart.self, .init(pair: school.pair, focus: "writable again"))
            let check = try disk.run([Binaries.coachd, "--check-database", daemon.stateDirectory + "/coachd.sqlite"])
            #expect(check.status == 0, "\(check.stdout)")
            daemon.stop()
        }
    }
}
