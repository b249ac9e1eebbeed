// coachd on PostgreSQL: only when it is built with the PostgreSQL trait (the default).
#if PostgreSQL
    import CoachClient
    import CoachRPC
    import Foundation
    import PostgresTestSupport
    import Testing

    /// Writers streaming `cycles.start` into their own pairs through the real socket until told to stop
    /// (or, unless `throughFailures`, until the daemon is gone). What each acknowledged is kept.
    final class WriteLoad: @unchecked Sendable {
        let acknowledged = Shared<[Int64: [Int64]]>([:])
        let unavailable = Shared(0)
        let failures = Shared<[String]>([])
        let inFlight = Shared(0)
        private let stopping = Shared(false)
        private let finished = DispatchGroup()

        init(socket: String, pairs: [Int64], throughFailures: Bool) {
            let started = DispatchGroup()
            for pair in pairs {
                started.enter()
                finished.enter()
                Thread { [self] in
                    defer { finished.leave() }
                    guard let client = try? CoachClient(socketPath: socket, timeout: .seconds(30)) else {
                        started.leave()
                        return
                    }
                    started.leave()
                    var count = 0
                    while !stopping.current {
                        count += 1
                        inFlight.withLock { $0 += 1 }
                        do {
                            let id = try client.call(CyclesStart.self, .init(pair: pair, focus: "load \(count)")).id
                            acknowledged.withLock { $0[pair, default: []].append(id) }
                            inFlight.withLock { $0 -= 1 }
                        } catch {
                            if (error as? ClientError)?.rpcError?.name == .storeUnavailable {
                                inFlight.withLock { $0 -= 1 }
                                unavailable.withLock { $0 += 1 }
                                usleep(20_000)
                                continue
                            }
                            if throughFailures { failures.withLock { $0.append("\(error)") } }
                            break  // the daemon is gone (or, through failures, something other than the store)
                        }
                    }
                }.start()
            }
            started.wait()
        }

        var total: Int { acknowledged.withLock { $0.values.reduce(0) { $0 + $1.count } } }

        /// Tells the writers to stop and waits for them (false: one hung).
        func stop() -> Bool {
            stopping.withLock { $0 = true }
            return finished.wait(timeout: .now() + 60) == .success
        }

        /// Waits for the writers to end by themselves (the daemon was killed).
        func waitForEnd() -> Bool { finished.wait(timeout: .now() + 60) == .success }

        /// The acknowledged cycles missing from the pairs now.
        func lost(_ client: CoachClient) throws -> Int {
            var lost = 0
            for (pair, ids) in acknowledged.current {
                let present = Set(try client.call(PairsShow.self, .init(pair: pair)).cycles.map(\.id))
                lost += Set(ids).subtracting(present).count
            }
            return lost
        }
    }

    /// A school with `count` pairs (the School's, and more teachers with the same coach).
    func pairs(_ daemon: RunningDaemon, count: Int) throws -> [Int64] {
        let school = try School(daemon)
        let admin = try daemon.client()
        var pairs = [school.pair]
        for index in 1..<count {
            let teacher = try admin.call(
                PeopleAdd.self,
                .init(name: "Teacher \(index)", school: school.id, roles: ["teacher"], uid: Int64(65_000 + index)))
            pairs.append(try admin.call(PairsCreate.self, .init(teacher: teacher.id, coach: school.coach)).id)
        }
        return pairs
    }

    extension EndToEnd {
        /// Crashes with coachd on PostgreSQL (issue 15): coachd killed, then the server killed, both
        /// under write load. No acknowledged change is lost; the daemon outlives its database.
        @Suite("End to end: crashes on PostgreSQL", .serialized)
        struct PostgresCrashEndToEndTests {
            @Test func coachdSIGKILLedUnderLoad_losesNoAcknowledgedWrite() throws {
                let server = try PostgresTestServer.shared.get()
                let (daemon, _) = try postgresDaemon(server: server)
                let pairs = try pairs(daemon, count: 4)
                var generator = SystemRandomNumberGenerator()
                var acknowledged = 0
                for round in 1...2 {
                    let load = WriteLoad(socket: daemon.socket, pairs: pairs, throughFailures: false)
                    usleep(UInt32.random(in: 200_000...600_000, using: &generator))
                    daemon.stop(signal: SIGKILL)
                    #expect(load.waitForEnd(), "round \(round): a writer hung")
                    try daemon.start()
                    let lost = try load.lost(try daemon.client())
                    #expect(lost == 0, "round \(round): \(lost) of \(load.total) acknowledged writes lost")
                    acknowledged += load.total
                }
                #expect(acknowledged > 2, "the writers hardly wrote: \(acknowledged)")
                daemon.stop()
            }

            /// "Keeps serving reads it can": with the server down, `due.list` answers from the caller's last
            /// answer (nothing can commit anywhere meanwhile); a read it has no answer for is refused.
            @Test func serverDown_dueListAnswersFromTheLastAnswer_otherReadsStoreUnavailable() throws {
                let server = try PostgresTestServer()  // its own: this test kills it
                defer { server.stop() }
                let (daemon, _) = try postgresDaemon(server: server)
                defer { daemon.stop() }
                let school = try School(daemon)
                let client = try daemon.client()
                _ = try client.call(CyclesStart.self, .init(pair: school.pair, focus: "questioning"))
                // The scheduler raises the new drop-in's "due" in a commit of its own, which drops every
                // cached answer: let it, so the answer below is the last one before the outage.
                usleep(1_500_000)
                let before = try client.call(DueListMethod.self, .init())
                try #require(!before.items.isEmpty, "a started cycle has a drop-in due")
                server.killServer()
                // Past the cache's own age (`DueListCache.maxAge`, 1 s), so the answer can only be the last one.
                usleep(1_300_000)
                var refusal: RPCError?
                let deadline = Date().addingTimeInterval(20)
                while refusal == nil && Date() < deadline {
                    do {
                        _ = try client.call(DueListMethod.self, .init(school: school.id))
                        usleep(50_000)
                    } catch {
                        refusal = error.rpcError
                    }
                }
                #expect(refusal?.name == .storeUnavailable, "\(String(describing: refusal))")
                #expect(try client.call(DueListMethod.self, .init()) == before)
                try server.restart()
            }

            @Test func serverKilledUnderLoad_writesAnswerStoreUnavailable_andTheDaemonRecovers() throws {
                let server = try PostgresTestServer()  // its own: this test kills it
                defer { server.stop() }
                let (daemon, _) = try postgresDaemon(server: server)
                defer { daemon.stop() }
                let pairs = try pairs(daemon, count: 3)
                let load = WriteLoad(socket: daemon.socket, pairs: pairs, throughFailures: true)
                usleep(500_000)
                server.killServer()
                // While it is down: the daemon runs, and changes are refused as StoreUnavailable.
                let client = try daemon.client()
                var refusal: RPCError?
                let deadline = Date().addingTimeInterval(20)
                while refusal == nil && Date() < deadline {
                    do {
                        _ = try client.call(CyclesStart.self, .init(pair: pairs[0], focus: "while down"))
                        usleep(50_000)
                    } catch {
                        refusal = error.rpcError
                    }
                }
                #expect(refusal?.name == .storeUnavailable, "\(String(describing: refusal))")
                #expect(try client.call(DaemonPing.self, NoParams()) == "pong")
                usleep(1_000_000)
                #expect(daemon.process?.isRunning == true)

                try server.restart()
                // Back by itself: a change succeeds again within a few seconds of the server's return.
                var recovered = false
                let back = Date().addingTimeInterval(30)
                while !recovered && Date() < back {
                    recovered = (try? client.call(CyclesStart.self, .init(pair: pairs[0], focus: "after"))) != nil
                    if !recovered { usleep(100_000) }
                }
                #expect(recovered, "no change succeeded within 30 s of the server's return")
                usleep(500_000)
                #expect(load.stop(), "a writer hung")
                #expect(load.failures.current.isEmpty, "\(load.failures.current.prefix(3))")
                #expect(load.unavailable.current > 0)
                #expect(try load.lost(client) == 0)
                #expect(load.total > pairs.count, "the writers hardly wrote: \(load.total)")
                #expect(daemon.process?.isRunning == true)
            }
        }
    }
#endif
