import CoachRPC
import Foundation
import Testing

/// Lines crafted to make the decoder misread, stall or guess: each gets a definite JSON-RPC error.
struct HostileLineTests {
    private func single(_ line: String) -> RPCIncoming? {
        if case .single(let incoming) = RPCCodec.parse(Data(line.utf8)) { return incoming }
        return nil
    }

    private func refusal(_ line: String) -> (RPCError, RPCID)? {
        if case .invalid(let error, let id)? = single(line) { return (error, id) }
        return nil
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","method":"daemon.ping","method":"daemon.status","id":1}"#,
        #"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":1,"pair":2},"id":1}"#,
        #"{"jsonrpc":"2.0","method":"pairs.show","params":{"pair":1,"p\u0061ir":2},"id":1}"#,
        #"{"jsonrpc":"2.0","method":"x","params":{"a":{"b":[{"c":1,"c":2}]}},"id":1}"#,
        "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"caf\u{e9}\":1,\"cafe\u{301}\":2},\"id\":1}",
        #"{"jsonrpc":"2.0","method":"x","params":{"\ud83d\ude00":1,"😀":2},"id":1}"#,
    ])
    func repeatedMember_isAnInvalidRequest_withNullID(line: String) throws {
        let (error, id) = try #require(refusal(line))
        #expect(error.code == -32600)
        #expect(error.message.contains("appears twice"))
        #expect(id == .null)
    }

    @Test(arguments: [3, 15, 16, 17, 40, 5000])
    func repeatedMember_isFound_inObjectsOfAnySize(members: Int) throws {
        let names = (0..<members).map { #""k\#($0)":\#($0)"# }
        let distinct = #"{"jsonrpc":"2.0","method":"x","params":{"# + names.joined(separator: ",") + #"},"id":1}"#
        guard case .request(let request)? = single(distinct) else {
            Issue.record("distinct names were refused")
            return
        }
        #expect(request.params.count == members)
        for repeated in Set([0, members / 2, members - 1]) {
            let line =
                #"{"jsonrpc":"2.0","method":"x","params":{"# + names.joined(separator: ",")
                + #","k\#(repeated)":0},"id":1}"#
            let (error, _) = try #require(refusal(line), "k\(repeated) repeated among \(members)")
            #expect(error.message.contains("\"k\(repeated)\" appears twice"))
        }
    }

    @Test func sameNameInDifferentObjects_isFine() {
        let line = #"{"jsonrpc":"2.0","method":"x","params":{"a":{"id":1},"b":{"id":2},"id":3},"id":1}"#
        guard case .request(let request)? = single(line) else {
            Issue.record("a request was expected")
            return
        }
        #expect(request.params["id"] == 3)
    }

    @Test func repeatedMemberInOneBatchMember_refusesThatMemberOnly() throws {
        let line =
            #"[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"b","id":2,"id":3},"#
            + #"{"jsonrpc":"2.0","method":"c","id":4}]"#
        guard case .batch(let members) = RPCCodec.parse(Data(line.utf8)) else {
            Issue.record("a batch was expected")
            return
        }
        #expect(members.count == 3)
        guard case .request(let first) = members[0], case .invalid(let error, .null) = members[1],
            case .request(let third) = members[2]
        else {
            Issue.record("members: \(members)")
            return
        }
        #expect(first.method == "a" && third.method == "c")
        #expect(error.code == -32600)
    }

    @Test(arguments: [33, 100, 600, 100_000])
    func nestingBeyond32Levels_isAParseError_withoutDecoding(depth: Int) throws {
        let line =
            #"{"jsonrpc":"2.0","method":"x","params":{"a":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "},\"id\":1}"
        let (error, id) = try #require(refusal(line))
        #expect(error.code == -32700)
        #expect(error.message == "Parse error: the JSON nests deeper than 32 levels")
        #expect(id == .null)
    }

    @Test func nestingOf32Levels_isDecoded() {
        let line =
            "[" + #"{"jsonrpc":"2.0","method":"x","params":{"a":"# + String(repeating: "[", count: 29)
            + String(repeating: "]", count: 29) + "},\"id\":1}]"
        guard case .batch(let members) = RPCCodec.parse(Data(line.utf8)), case .request = members.first else {
            Issue.record("a batch of one request was expected")
            return
        }
    }

    @Test(arguments: ["123456789012345678901234567890", "1e300", "-9.3e18"])
    func wholeNumberIDBeyond64Bits_isRefused_becauseItCouldNotBeEchoed(id: String) throws {
        let (error, replyID) = try #require(refusal(#"{"jsonrpc":"2.0","method":"daemon.ping","id":"# + id + "}"))
        #expect(error.code == -32600)
        #expect(error.message.contains("beyond 64 bits"))
        #expect(replyID == .null)
    }

    @Test(arguments: [("9223372036854775807", RPCID.int(.max)), ("-5", .int(-5)), ("2.5", .double(2.5))])
    func numericIDs_thatCanBeEchoed_areKept(text: String, id: RPCID) {
        guard case .request(let request)? = single(#"{"jsonrpc":"2.0","method":"daemon.ping","id":"# + text + "}")
        else {
            Issue.record("a request was expected")
            return
        }
        #expect(request.id == id)
    }

    @Test(arguments: [
        Array(#"{"jsonrpc":"2.0","method":"daemon.ping","id":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
        [0xC0, 0xAF],
        Array(#"{"jsonrpc":"2.0","method":"daemon.p"#.utf8) + [0xED, 0xA0, 0x80] + Array(#"ing","id":1}"#.utf8),
        Array(#"{"jsonrpc":"2.0","method":"daemon.ping","params":{"a":1e400},"id":1}"#.utf8),
    ])
    func invalidUTF8_andUnrepresentableNumbers_areParseErrors(bytes: [UInt8]) throws {
        guard case .single(.invalid(let error, let id)) = RPCCodec.parse(Data(bytes)) else {
            Issue.record("a parse error was expected")
            return
        }
        #expect(error.code == -32700)
        #expect(id == .null)
    }
}
