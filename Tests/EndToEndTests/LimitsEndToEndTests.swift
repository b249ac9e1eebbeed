import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Connection limits against the real daemon: whoever floods it gets `Busy`, promptly; a
    /// well-behaved client of another user is still answered.
    @Suite("End to end: limits", .serialized)
    struct LimitsEndToEndTests {
        static let ping = #"{"jsonrpc":"2.0","method":"daemon.ping","id":1}"#

        @Test func floodFromOneUser_getsBusy_andAnotherUserIsStillAnswered() throws {
            let daemon = try RunningDaemon(configuration: "limits:\n  maxConnections: 16\n  maxConnectionsPerUid: 4\n")
            // This user opens 50 connections and keeps them: 4 are served, 46 told Busy and closed.
            var held: [RawConnection] = []
            var busy = 0
            for _ in 0..<50 {
                let connection = try RawConnection(path: daemon.socket)
                let reply = try #require(try connection.call(Self.ping))
                if reply.objectValue?["result"] == "pong" {
                    held.append(connection)
                } else {
                    #expect(reply.errorName == "Busy", "\(reply)")
                    #expect(reply.errorMessage?.contains("(limit 4)") == true)
                    #expect(try connection.isClosedByPeer())
                    busy += 1
                }
            }
            #expect(held.count == 4)
            #expect(busy == 46)
            #expect(daemon.log.contains("connection refused: busy"))

            // While the flood goes on, another user's coachctl is answered.
            try #require(canSwitchUsers, "SKIPPED: acting as another uid needs root and setpriv")
            let flooding = Shared(true)
            let refused = Shared(0)
            let flood = Thread {
                while flooding.current {
                    if let connection = try? RawConnection(path: daemon.socket),
                        (try? connection.call(Self.ping))??.errorName == "Busy"
                    {
                        refused.withLock { $0 += 1 }
                    }
                }
            }
            flood.start()
            defer { flooding.withLock { $0 = false } }
            for _ in 0..<5 {
                let answer = try daemon.ctl(["--timeout", "20", "daemon", "ping"], uid: UID.stranger)
                #expect(answer.status == 0, "\(answer.stderr)")
                #expect(answer.stdout == "pong\n")
            }
            flooding.withLock { $0 = false }
            #expect(refused.current > 0)
            // The held connections were served all along.
            for connection in held { #expect(try connection.call(Self.ping)?.objectValue?["result"] == "pong") }
        }

        @Test func clientThatWritesWithoutReading_isHeldBackByItsSocket_notQueuedInTheDaemon() throws {
            let daemon = try RunningDaemon()
            // 512 KiB requests whose replies (the id echoed) are as large, sent without reading one.
            let id = String(repeating: "x", count: 512 << 10)
            let request = Array(#"{"jsonrpc":"2.0","method":"daemon.ping","id":"\#(id)"}"#.utf8) + [UInt8(ascii: "\n")]
            let pusher = try RawConnection(path: daemon.socket, timeout: .seconds(2))
            var accepted = 0
            for _ in 0..<256 {  // up to 128 MiB offered, until a write blocks
                let sent = pusher.sendUntilBlocked(request)
                accepted += sent
                if sent < request.count { break }
            }
            // The daemon stopped reading after a few lines: the rest waits in the sender, not in coachd.
            #expect(accepted < 32 << 20, "the daemon took \(accepted >> 20) MiB from a client that reads nothing")
            #expect(try RawConnection(path: daemon.socket).call(Self.ping)?.objectValue?["result"] == "pong")
            let rss = Self.residentMiB(daemon).map { "\($0) MiB" } ?? "unknown"
            print("a client writing 512 KiB lines without reading: \(accepted >> 10) KiB taken; coachd RSS \(rss)")
        }

        /// The daemon's resident memory, for the record (not asserted: it depends on the allocator).
        static func residentMiB(_ daemon: RunningDaemon) -> Int? {
            guard let pid = daemon.process?.processIdentifier,
                let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kib = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
            else { return nil }
            return kib >> 10
        }

        @Test func totalLimitReached_givesBusyAtOnce_neverAHang_andServesAgainOnceFreed() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as another uid needs root and setpriv")
            let daemon = try RunningDaemon(configuration: "limits:\n  maxConnections: 4\n  maxConnectionsPerUid: 4\n")
            var held = try (0..<4).map { _ in try RawConnection(path: daemon.socket) }
            for connection in held { #expect(try connection.call(Self.ping)?.objectValue?["result"] == "pong") }
            let refused = try daemon.ctl(["--timeout", "20", "daemon", "ping"], uid: UID.stranger)
            #expect(refused.status == 1)  // the daemon's answer, not a timeout (75)
            #expect(refused.stderr.contains("too many connections (limit 4)"), "\(refused.stderr)")
            held.removeLast().close()
            var answered = false
            for _ in 0..<50 where !answered {
                let retry = try daemon.ctl(["--timeout", "20", "daemon", "ping"], uid: UID.stranger)
                answered = retry.status == 0 && retry.stdout == "pong\n"
                if !answered { usleep(100_000) }
            }
            #expect(answered)
        }
    }
}
