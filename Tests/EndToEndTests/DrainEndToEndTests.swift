import CoachClient
import CoachRPC
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// SIGTERM drains the daemon (issue 9): it stops accepting and reading, answers every request
    /// it has read, then exits. Against the real daemon, with writes pipelined on several connections.
    @Suite("End to end: SIGTERM drains", .serialized)
    struct DrainEndToEndTests {
        static let writers = 4
        /// Requests a writer sends at once before reading their replies.
        static let burst = 40

        /// One writer's requests by JSON-RPC id (the person's name), and what came back.
        struct Ledger: Sendable {
            var sent: [Int: String] = [:]
            var acknowledged: Set<String> = []
            var refused: [String] = []
            var repliesAfterSignal = 0
        }

        @Test func sigtermWithWritesInFlight_answersEveryRequestItRead_andLosesNoAcknowledgedWrite() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let ledgers = Shared<[Int: Ledger]>([:])
            let signalled = Shared(false)
            let started = DispatchGroup()
            let finished = DispatchGroup()
            for writer in 0..<Self.writers {
                started.enter()
                finished.enter()
                let socket = daemon.socket
                let schoolID = school.id
                Thread {
                    defer { finished.leave() }
                    var ledger = Ledger()
                    defer { ledgers.withLock { $0[writer] = ledger } }
                    guard let connection = try? RawConnection(path: socket, timeout: .seconds(30)) else {
                        started.leave()
                        return
                    }
                    started.leave()
                    var next = 1
                    while true {
                        // A burst of people.add, pipelined: most wait in the daemon while one runs.
                        var lines = ""
                        let ids = next..<(next + Self.burst)
                        for id in ids {
                            let name = "Drain \(writer)-\(id)"
                            ledger.sent[id] = name
                            let uid = 70_000 + writer * 10_000 + id
                            lines +=
                                #"{"jsonrpc":"2.0","id":\#(id),"method":"people.add","params":{"name":"\#(name)","#
                                + #""school":\#(schoolID),"roles":["teacher"],"uid":\#(uid)}}"# + "\n"
                        }
                        next += Self.burst
                        guard connection.send(lines) else { return }
                        for _ in ids {
                            guard let reply = try? connection.readJSON(), let object = reply.objectValue,
                                case .int(let id)? = object["id"], let name = ledger.sent[Int(id)]
                            else { return }  // closed by the daemon
                            if signalled.withLock({ $0 }) { ledger.repliesAfterSignal += 1 }
                            if object["result"] != nil {
                                ledger.acknowledged.insert(name)
                            } else {
                                ledger.refused.append("\(name): \(reply)")
                            }
                        }
                    }
                }.start()
            }
            started.wait()
            usleep(300_000)
            signalled.withLock { $0 = true }
            daemon.stop(signal: SIGTERM)
            #expect(daemon.process?.terminationStatus == 0, "coachd exited \(daemon.process?.terminationStatus ?? -1)")
            #expect(finished.wait(timeout: .now() + 30) == .success, "a writer hung: a connection was left open")
            #expect(daemon.log.contains("draining"), "\(daemon.log.suffix(2000))")

            try daemon.start()
            let people = try daemon.client().call(PeopleList.self, .init(school: school.id)).people
            let present = Set(people.map(\.name).filter { $0.hasPrefix("Drain ") })
            let final = ledgers.withLock { $0 }
            let acknowledged = final.values.reduce(into: Set<String>()) { $0.formUnion($1.acknowledged) }
            // Every acknowledged write is there, and nothing the daemon wrote went unanswered:
            // a request it read and ran without replying would be present and unacknowledged.
            let lost = acknowledged.subtracting(present)
            let unanswered = present.subtracting(acknowledged)
            #expect(lost.isEmpty, "acknowledged and lost: \(lost)")
            #expect(unanswered.isEmpty, "written and never answered: \(unanswered)")
            #expect(final.values.flatMap(\.refused).isEmpty, "\(final.values.flatMap(\.refused).prefix(5))")
            #expect(acknowledged.count >= Self.writers * Self.burst, "the writers hardly wrote: \(acknowledged.count)")
            let afterSignal = final.values.map(\.repliesAfterSignal).reduce(0, +)
            print("drain: \(acknowledged.count) acknowledged, \(afterSignal) replies read after SIGTERM")
            daemon.stop()
        }
    }
}
