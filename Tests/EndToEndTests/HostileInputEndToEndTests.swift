import CoachClient
import CoachFuzzing
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Hostile input against the real coachd over its real socket. Every line gets the JSON-RPC error
    /// the specification gives it, or, where the specification allows no answer, the connection is
    /// closed with a log entry; and meanwhile other clients keep being answered.
    @Suite("End to end: hostile input", .serialized)
    struct HostileInputEndToEndTests {
        /// One hostile line and the error it must get.
        struct Case: Sendable {
            var name: String
            var bytes: [UInt8]
            var code: Int64
            var nullID = true
            var field: String? = nil
            var mentions: String? = nil
        }

        static func line(_ text: String) -> [UInt8] { Array(text.utf8) }

        static let ping = #"{"jsonrpc":"2.0","method":"daemon.ping","id":1}"#

        static let table: [Case] = [
            Case(
                name: "invalid UTF-8 in a string",
                bytes: line(#"{"jsonrpc":"2.0","method":"daemon.ping","id":""#) + [0xFF, 0xFE] + line(#""}"#),
                code: -32700),
            Case(name: "invalid UTF-8 alone", bytes: [0xC0, 0xAF, 0xFF], code: -32700),
            Case(
                name: "an encoded surrogate (CESU-8)",
                bytes: line(#"{"jsonrpc":"2.0","method":"daemon.p"#) + [0xED, 0xA0, 0x80] + line(#"ing","id":1}"#),
                code: -32700),
            Case(
                name: "arrays nested 100,000 deep", bytes: line(String(repeating: "[", count: 100_000)), code: -32700,
                mentions: "deeper than 32"),
            Case(
                name: "params nested 40 deep",
                bytes: line(
                    #"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":"# + String(repeating: "[", count: 40)
                        + String(repeating: "]", count: 40) + "},\"id\":7}"), code: -32700, mentions: "deeper than 32"),
            Case(
                name: "params nested 20 deep (within the limit)",
                bytes: line(
                    #"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":"# + String(repeating: "[", count: 20)
                        + String(repeating: "]", count: 20) + "},\"id\":7}"), code: -32602, nullID: false, field: "pair"
            ),
            Case(
                name: "a number too large for a double",
                bytes: line(#"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":1e400},"id":7}"#), code: -32700),
            Case(
                name: "an integer beyond 64 bits as a parameter",
                bytes: line(
                    #"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":123456789012345678901234567890},"id":7}"#),
                code: -32602, nullID: false, field: "pair"),
            Case(
                name: "an integer beyond 64 bits as the id",
                bytes: line(#"{"jsonrpc":"2.0","method":"daemon.ping","id":123456789012345678901234567890}"#),
                code: -32600,
                mentions: "64 bits"),
            Case(
                name: "a repeated envelope member",
                bytes: line(#"{"jsonrpc":"2.0","method":"daemon.ping","method":"daemon.status","id":1}"#), code: -32600,
                mentions: "appears twice"),
            Case(
                name: "a repeated parameter, spelt with an escape",
                bytes: line(#"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":1,"p\u0061ir":2},"id":1}"#),
                code: -32600, mentions: "\"pair\" appears twice"),
            Case(name: "not JSON", bytes: line(#"{"jsonrpc":"2.0","method":"#), code: -32700),
            Case(name: "an empty batch", bytes: line("[]"), code: -32600),
            Case(
                name: "positional params", bytes: line(#"{"jsonrpc":"2.0","method":"pairs.show","params":[1],"id":2}"#),
                code: -32602, nullID: false),
            Case(
                name: "an unknown envelope member",
                bytes: line(#"{"jsonrpc":"2.0","method":"daemon.ping","id":2,"auth":"root"}"#), code: -32600,
                nullID: false,
                mentions: "auth"),
            Case(
                name: "a NUL byte in the method",
                bytes: line(#"{"jsonrpc":"2.0","method":"daemon.ping"#) + [0] + line(#"","id":2}"#), code: -32700),
            Case(
                name: "an unknown method", bytes: line(#"{"jsonrpc":"2.0","method":"../../etc/passwd","id":2}"#),
                code: -32601, nullID: false, field: "method"),
        ]

        @Test func everyHostileLine_getsItsError_whileOtherClientsAreServed() throws {
            let daemon = try RunningDaemon()
            let bystander = try RawConnection(path: daemon.socket)
            for item in Self.table {
                let hostile = try RawConnection(path: daemon.socket)
                hostile.send(item.bytes + [UInt8(ascii: "\n")])
                let reply = try #require(try hostile.readJSON(), "\(item.name): no reply")
                #expect(reply.errorCode == item.code, "\(item.name): \(reply)")
                #expect(
                    (reply.replyID == .null) == item.nullID, "\(item.name): id \(String(describing: reply.replyID))")
                if let field = item.field { #expect(reply.errorField == field, "\(item.name): \(reply)") }
                if let mentions = item.mentions {
                    #expect(reply.errorMessage?.contains(mentions) == true, "\(item.name): \(reply)")
                }
                // The same connection goes on, and so does everyone else.
                #expect(try hostile.call(Self.ping)?.objectValue?["result"] == "pong", "\(item.name): connection ended")
                #expect(try bystander.call(Self.ping)?.objectValue?["result"] == "pong", "\(item.name): bystander")
            }
            #expect(daemon.log.contains("protocol error"))
        }

        @Test func wrongTypeForEveryParameterOfEveryMethod_isInvalidParams_namingTheField() throws {
            let daemon = try RunningDaemon()
            let connection = try RawConnection(path: daemon.socket)
            var checked = 0
            for method in CoachAPI.methods {
                for field in WireSamples.fields(of: method) {
                    for wrong in WireSamples.wrongTypes(field.schema) {
                        var params = WireSamples.params(for: method)
                        params[field.name] = wrong
                        let reply = try #require(
                            try connection.call(
                                WireSamples.request(method.name, params: params, id: .int(Int64(checked)))))
                        let what = "\(method.name) \(field.name)=\(wrong)"
                        #expect(reply.errorCode == -32602, "\(what): \(reply)")
                        let named = reply.errorField
                        #expect(named == field.name || named?.hasPrefix(field.name + ".") == true, "\(what): \(reply)")
                        #expect(reply.replyID == .int(Int64(checked)))
                        checked += 1
                    }
                }
            }
            print("wrong-typed parameter cases checked: \(checked)")
            // Every method that takes params contributed; a new method or parameter adds cases by itself.
            let withParams = CoachAPI.methods.filter { !WireSamples.fields(of: $0).isEmpty }
            #expect(checked >= withParams.count * 2)
        }

        @Test func unknownParameter_onEveryMethod_isInvalidParams_namingIt() throws {
            let daemon = try RunningDaemon()
            let connection = try RawConnection(path: daemon.socket)
            for method in CoachAPI.methods {
                var params = WireSamples.params(for: method)
                params["asAdmin"] = true
                let reply = try #require(try connection.call(WireSamples.request(method.name, params: params)))
                #expect(reply.errorCode == -32602, "\(method.name): \(reply)")
                #expect(reply.errorField == "asAdmin", "\(method.name): \(reply)")
            }
        }

        @Test func lineOverTheLimit_isRefused_andTheConnectionClosedWithALogEntry_whileOthersAreServed() throws {
            let daemon = try RunningDaemon()
            let hostile = try RawConnection(path: daemon.socket)
            // 1 MiB of a string that never ends, sent in 64 KiB writes; others are served meanwhile.
            let prefix = line(#"{"jsonrpc":"2.0","method":"daemon.ping","id":""#)
            var body = prefix + [UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) + 16 - prefix.count)
            body.append(UInt8(ascii: "\n"))
            var offset = 0
            while offset < body.count {
                hostile.send(Array(body[offset..<min(body.count, offset + (64 << 10))]))
                offset += 64 << 10
                if offset == 8 * (64 << 10) {
                    #expect(try RawConnection(path: daemon.socket).call(Self.ping)?.objectValue?["result"] == "pong")
                }
            }
            let reply = try #require(try hostile.readJSON())
            #expect(reply.errorCode == -32600)
            #expect(reply.replyID == .null)
            #expect(reply.errorMessage?.contains("longer than 1048576 bytes") == true)
            #expect(try hostile.isClosedByPeer())
            #expect(daemon.log.contains("request line too long: closing"))
            #expect(try RawConnection(path: daemon.socket).call(Self.ping)?.objectValue?["result"] == "pong")
        }

        @Test func batchOf10000_isRefusedWhole_andNothingRuns_whileABatchAtTheLimitIsAnswered() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let connection = try RawConnection(path: daemon.socket)
            let member =
                #"{"jsonrpc":"2.0","method":"cycles.start","params":{"pair":\#(school.pair),"focus":"f"},"id":1}"#
            let huge = try #require(
                try connection.call("[" + Array(repeating: member, count: 10_000).joined(separator: ",") + "]"))
            #expect(huge.errorCode == -32600)
            #expect(huge.replyID == .null)
            #expect(huge.errorMessage?.contains("a batch of 10000 requests; at most 1000") == true)
            #expect(try daemon.client().call(PairsShow.self, .init(pair: school.pair)).cycles.isEmpty)
            #expect(daemon.log.contains("batch too large: refused"))

            let pings = (0..<1000).map { #"{"jsonrpc":"2.0","method":"daemon.ping","id":\#($0)}"# }
            guard case .array(let replies)? = try connection.call("[" + pings.joined(separator: ",") + "]") else {
                Issue.record("a batch at the limit must get an array")
                return
            }
            #expect(replies.count == 1000)
            #expect(replies.allSatisfy { $0.objectValue?["result"] == "pong" })
            #expect(Set(replies.compactMap(\.replyID)).count == 1000)
        }

        @Test func requestInOneByteWrites_isAnswered() throws {
            let daemon = try RunningDaemon()
            let connection = try RawConnection(path: daemon.socket)
            let request =
                line(#"{"jsonrpc":"2.0","method":"daemon.info","params":{},"id":"tiny"}"#) + [UInt8(ascii: "\n")]
            connection.sendInPieces(request, size: 1, pause: .milliseconds(2))
            let reply = try #require(try connection.readJSON())
            #expect(reply.objectValue?["result"]?.objectValue?["apiLevel"] == .int(Int64(CoachAPI.level)))
            #expect(reply.replyID == "tiny")
        }

        @Test func clientThatNeverFinishesItsLine_isClosedAfterTheIdleTimeout_withALogEntry_whileOthersAreServed()
            throws
        {
            let daemon = try RunningDaemon(configuration: "limits:\n  idleTimeoutSeconds: 2\n")
            let stalled = try RawConnection(path: daemon.socket)
            stalled.send(#"{"jsonrpc":"2.0","method":"daemon.ping","#)
            for _ in 0..<5 {
                #expect(try RawConnection(path: daemon.socket).call(Self.ping)?.objectValue?["result"] == "pong")
            }
            // Closed by the daemon (the read returns end of stream well before the test's own timeout).
            #expect(try stalled.isClosedByPeer())
            #expect(daemon.log.contains("connection idle: closing"))
            #expect(try RawConnection(path: daemon.socket).call(Self.ping)?.objectValue?["result"] == "pong")
        }

        private func line(_ text: String) -> [UInt8] { Array(text.utf8) }
    }
}
