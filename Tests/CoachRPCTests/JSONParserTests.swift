import CoachRPC
import Foundation
import Testing

/// The request-line parser: strict RFC 8259, the same values Foundation's decoder gives.
@Suite("JSON parser")
struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        ("1", JSONValue.int(1)),
        ("-0", JSONValue.int(0)),
        ("-12", JSONValue.int(-12)),
        ("9223372036854775807", JSONValue.int(.max)),
        ("-9223372036854775808", JSONValue.int(.min)),
        ("9223372036854775808", JSONValue.double(9_223_372_036_854_775_808)),
        ("1.5", JSONValue.double(1.5)),
        ("-2.5e3", JSONValue.double(-2500)),
        ("1E2", JSONValue.double(100)),
        ("true", JSONValue.bool(true)),
        ("false", JSONValue.bool(false)),
        (" null ", JSONValue.null),
        (#""a\"b\\c\/d\b\f\n\r\t""#, JSONValue.string("a\"b\\c/d\u{8}\u{c}\n\r\t")),
        (#""\u00e9\u20AC\ud83d\ude00""#, JSONValue.string("é€😀")),
        (#""é€😀""#, JSONValue.string("é€😀")),
        ("[1,true,null,[],{}]", JSONValue.array([1, true, .null, [], [:]])),
        (#"{"a":{"b":[]},"c":"d"}"#, JSONValue.object(["a": ["b": []], "c": "d"])),
        ("\t[ 1 ,\n 2 ]\r\n", JSONValue.array([1, 2])),
    ])
    func values_parse(json: String, value: JSONValue) throws {
        #expect(try Self.parse(json) == value)
    }

    @Test(arguments: [
        "[1,2,3]", #"{"jsonrpc":"2.0","method":"x","params":{"a":[1.25,"é",null,false]},"id":"7"}"#, "-1e-3",
        #""\u0041\n""#, "[[[[]]]]",
    ])
    func agreesWithFoundation(json: String) throws {
        #expect(try Self.parse(json) == JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
    }

    @Test(arguments: [
        "", " ", "nul", "tru", "01", "-", "1.", ".5", "1e", "+1", "[1,]", "[1 2]", "{\"a\"}", "{\"a\":1,}", "{a:1}",
        "[", "]", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "1 2", "[]]",
        "1e999", "-1e999", "\"tab\there\"", "NaN", "'a'",
    ])
    func malformed_isRefused(json: String) {
        #expect(throws: JSONParser.Failure.self) { try Self.parse(json) }
    }

    @Test func invalidUTF8_isRefused() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0x00, 0x22]) }
    }

    @Test func nesting_isBounded() throws {
        let deep =
            String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try Self.parse(deep) }
        let tooDeep = "[" + deep + "]"
        #expect(throws: JSONParser.Failure.self) { try Self.parse(tooDeep) }
        #expect(throws: JSONParser.Failure.self) { try Self.parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test func duplicateMembers_keepTheLast() throws {
        #expect(try Self.parse(#"{"a":1,"a":2}"#) == ["a": 2])
    }

    @Test func parse_fromBytesTheCallerOwns() {
        let line = Array(#"{"jsonrpc":"2.0","method":"daemon.ping","id":1}"#.utf8)
        let message = line.withUnsafeBytes { RPCCodec.parse(bytes: $0) }
        guard case .single(.request(let request)) = message else {
            Issue.record("expected a request")
            return
        }
        #expect(request.method == "daemon.ping")
        #expect(request.id == .int(1))
        #expect(request.params.isEmpty)
    }
}
