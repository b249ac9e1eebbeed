import CoachRPC
import Foundation
import Testing

/// Golden encodings and decodings of the envelope: what goes on the wire, byte for byte.
struct RPCCodecTests {
    // MARK: Encoding replies

    @Test func success_isEncodedWithResultThenID() {
        let line = RPCCodec.success(result: Data(#"{"b":1,"a":[true,null]}"#.utf8), id: .int(7))
        #expect(String(decoding: line, as: UTF8.self) == #"{"jsonrpc":"2.0","result":{"b":1,"a":[true,null]},"id":7}"#)
    }

    @Test(arguments: [
        (RPCID.int(-3), "-3"),
        (RPCID.int(Int64.max), "9223372036854775807"),
        (RPCID.string("a/\"b\"\n"), #""a/\"b\"\n""#),
        (RPCID.string(""), #""""#),
        (RPCID.double(1.5), "1.5"),
        (RPCID.null, "null"),
    ])
    func ids_areEncodedAsTheyCame(id: RPCID, json: String) {
        let line = RPCCodec.success(result: Data("0".utf8), id: id)
        #expect(String(decoding: line, as: UTF8.self) == #"{"jsonrpc":"2.0","result":0,"id":"# + json + "}")
    }

    @Test func failure_isEncodedWithSortedKeys_andTheName() {
        let line = RPCCodec.failure(.methodNotFound("foobar"), id: .string("1"))
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"jsonrpc":"2.0","error":{"code":-32601,"data":{"field":"method","hint":"rpc.discover lists the methods","#
                + #""name":"MethodNotFound"},"message":"Method not found: foobar"},"id":"1"}"#)
    }

    @Test func failure_withoutFieldOrHint_omitsThem() {
        let line = RPCCodec.failure(RPCError(.busy, "too many connections"), id: .null)
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"jsonrpc":"2.0","error":{"code":-32007,"data":{"name":"Busy"},"message":"too many connections"},"id":null}"#
        )
    }

    @Test func failure_withoutData_isThePlainErrorObject() {
        let line = RPCCodec.failure(RPCError(code: -32603, message: "Internal error"), id: .int(1))
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}"#)
    }

    @Test func batch_joinsReplies_orNothing() {
        #expect(RPCCodec.batch([]) == nil)
        let joined = RPCCodec.batch([Data("1".utf8), Data(#"{"a":2}"#.utf8)])
        #expect(joined.map { String(decoding: $0, as: UTF8.self) } == #"[1,{"a":2}]"#)
    }

    // MARK: Decoding requests

    @Test func request_withNamedParams() throws {
        let message = RPCCodec.parse(
            Data(#"{"jsonrpc":"2.0","method":"people.add","params":{"name":"Ada","school":1},"id":5}"#.utf8))
        guard case .single(.request(let request)) = message else {
            Issue.record("expected a request, got \(message)")
            return
        }
        #expect(request.method == "people.add")
        #expect(request.id == .int(5))
        #expect(request.params == ["name": "Ada", "school": 1])
        #expect(!request.isNotification)
    }

    @Test func request_withoutParams_hasEmptyParams() {
        guard
            case .single(.request(let request)) = RPCCodec.parse(
                Data(#"{"jsonrpc":"2.0","method":"daemon.ping","id":null}"#.utf8))
        else {
            Issue.record("expected a request")
            return
        }
        #expect(request.params.isEmpty)
        #expect(request.id == .null)
        #expect(!request.isNotification, "an explicit null id is a request, not a notification")
    }

    @Test func notification_hasNoID() {
        guard case .single(.request(let request)) = RPCCodec.parse(Data(#"{"jsonrpc":"2.0","method":"x"}"#.utf8)) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.isNotification)
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","method":"m","id":1}"#, RPCID.int(1)),
        (#"{"jsonrpc":"2.0","method":"m","id":-9007199254740993}"#, RPCID.int(-9_007_199_254_740_993)),
        (#"{"jsonrpc":"2.0","method":"m","id":2.5}"#, RPCID.double(2.5)),
        (#"{"jsonrpc":"2.0","method":"m","id":"abc"}"#, RPCID.string("abc")),
        (#"{"jsonrpc":"2.0","method":"m","id":null}"#, RPCID.null),
    ])
    func ids_areDecoded(line: String, id: RPCID) {
        guard case .single(.request(let request)) = RPCCodec.parse(Data(line.utf8)) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.id == id)
    }

    @Test(arguments: [
        (#"{"jsonrpc":"1.0","method":"m","id":1}"#, RPCID.int(1), "jsonrpc"),
        (#"{"method":"m","id":"a"}"#, RPCID.string("a"), "jsonrpc"),
        (#"{"jsonrpc":"2.0","id":1}"#, RPCID.int(1), "method"),
        (#"{"jsonrpc":"2.0","method":null,"id":1}"#, RPCID.int(1), "method"),
        (#"{"jsonrpc":"2.0","method":"m","id":true}"#, RPCID.null, "id"),
        (#"{"jsonrpc":"2.0","method":"m","id":{"a":1}}"#, RPCID.null, "id"),
        (#"{"jsonrpc":"2.0","method":"m","params":"bar","id":3}"#, RPCID.int(3), "params"),
        (#"{"jsonrpc":"2.0","method":"m","params":null,"id":3}"#, RPCID.int(3), "params"),
        (#"{"jsonrpc":"2.0","method":"m","id":3,"extra":1}"#, RPCID.int(3), "extra"),
        ("42", RPCID.null, "object"),
        (#""text""#, RPCID.null, "object"),
    ])
    func invalidRequests_sayWhatIsWrong_andKeepTheIDWhenReadable(line: String, id: RPCID, mentions: String) {
        guard case .single(.invalid(let error, let replyID)) = RPCCodec.parse(Data(line.utf8)) else {
            Issue.record("expected an invalid request for \(line)")
            return
        }
        #expect(error.code == -32600)
        #expect(error.name == .invalidRequest)
        #expect(error.message.contains(mentions))
        #expect(replyID == id)
    }

    @Test(arguments: ["", "   ", "{", "nul", #"{"a":1}}"#, "\u{FEFF}["])
    func notJSON_isAParseError_withNullID(line: String) {
        guard case .single(.invalid(let error, let id)) = RPCCodec.parse(Data(line.utf8)) else {
            Issue.record("expected a parse error for \(line.debugDescription)")
            return
        }
        #expect(error.code == -32700)
        #expect(id == .null)
    }

    @Test func invalidUTF8_isAParseError() {
        guard case .single(.invalid(let error, _)) = RPCCodec.parse(Data([0x7B, 0xFF, 0xFE, 0x7D])) else {
            Issue.record("expected a parse error")
            return
        }
        #expect(error.code == -32700)
    }

    @Test func batch_keepsMemberOrder() {
        let message = RPCCodec.parse(
            Data(#"[{"jsonrpc":"2.0","method":"a","id":1},7,{"jsonrpc":"2.0","method":"b"}]"#.utf8))
        guard case .batch(let members) = message, members.count == 3 else {
            Issue.record("expected a batch of 3, got \(message)")
            return
        }
        if case .request(let first) = members[0] { #expect(first.method == "a") } else { Issue.record("member 0") }
        if case .invalid(let error, .null) = members[1] {
            #expect(error.code == -32600)
        } else {
            Issue.record("member 1")
        }
        if case .request(let third) = members[2] { #expect(third.isNotification) } else { Issue.record("member 2") }
    }

    // MARK: JSON values and errors

    @Test(arguments: [
        ("1", JSONValue.int(1)),
        ("0", JSONValue.int(0)),
        ("-12", JSONValue.int(-12)),
        ("1.5", JSONValue.double(1.5)),
        ("true", JSONValue.bool(true)),
        ("false", JSONValue.bool(false)),
        ("null", JSONValue.null),
        (#""1""#, JSONValue.string("1")),
        ("[1,true,null]", JSONValue.array([1, true, .null])),
        (#"{"a":{"b":[]}}"#, JSONValue.object(["a": ["b": []]])),
    ])
    func jsonValues_decodeToTheirOwnKind(json: String, value: JSONValue) throws {
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) == value)
    }

    @Test func jsonValues_encodeWithSortedKeys() throws {
        let value: JSONValue = ["b": [1, "x/y"], "a": .null, "c": ["d": false]]
        let data = try RPCCodec.encoder.encode(value)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":null,"b":[1,"x/y"],"c":{"d":false}}"#)
    }

    @Test func rpcError_roundTrips() throws {
        let error = RPCError(.conflict, "the pair already exists", field: "teacher", hint: "pairs.list shows it")
        let data = try RPCCodec.encoder.encode(error)
        #expect(
            String(decoding: data, as: UTF8.self)
                == #"{"code":-32003,"data":{"field":"teacher","hint":"pairs.list shows it","name":"Conflict"},"#
                + #""message":"the pair already exists"}"#)
        #expect(try JSONDecoder().decode(RPCError.self, from: data) == error)
    }

    @Test func errorNames_mapToStableCodes() {
        #expect(
            RPCErrorName.all.map(\.code) == [
                -32700, -32600, -32601, -32602, -32603, -32001, -32002, -32003, -32004, -32005, -32006, -32007, -32008,
                -32009, -32010,
            ])
        #expect(Set(RPCErrorName.all.map(\.code)).count == RPCErrorName.all.count)
        for name in RPCErrorName.all {
            #expect(RPCErrorName(code: name.code) == name)
        }
        #expect(RPCErrorName(code: -32050).rawValue == "Error-32050")
        #expect(RPCError(code: -32601, message: "x").name == .methodNotFound)
    }
}
