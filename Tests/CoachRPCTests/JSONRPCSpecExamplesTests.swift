import CoachRPC
import Testing

/// Every example of the JSON-RPC 2.0 specification §7, run through the codec. The specification's
/// positional params are refused here (named params only): those examples get -32602.
@Suite("JSON-RPC 2.0 §7 examples")
struct JSONRPCSpecExamplesTests {
    @Test func positionalParams_areInvalidParams() {
        let first = SpecServer.respond(#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#)
        #expect(Reply.single(first) == Reply(id: 1, code: -32602, name: "InvalidParams"))
        let second = SpecServer.respond(#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#)
        #expect(Reply.single(second) == Reply(id: 2, code: -32602, name: "InvalidParams"))
    }

    @Test func namedParams_inAnyOrder() {
        let third = SpecServer.respond(
            #"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#)
        #expect(third == #"{"jsonrpc":"2.0","result":19,"id":3}"#)
        let fourth = SpecServer.respond(
            #"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#)
        #expect(fourth == #"{"jsonrpc":"2.0","result":19,"id":4}"#)
    }

    @Test func notifications_getNoReply_evenWhenTheyFail() {
        #expect(SpecServer.respond(#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#) == nil)
        #expect(SpecServer.respond(#"{"jsonrpc": "2.0", "method": "foobar"}"#) == nil)
    }

    @Test func nonExistentMethod() {
        let reply = SpecServer.respond(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
        #expect(Reply.single(reply) == Reply(id: "1", code: -32601, name: "MethodNotFound"))
    }

    @Test func invalidJSON() {
        let reply = SpecServer.respond(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
        #expect(Reply.single(reply) == Reply(id: .null, code: -32700, name: "ParseError"))
    }

    @Test func invalidRequestObject() {
        let reply = SpecServer.respond(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)
        #expect(Reply.single(reply) == Reply(id: .null, code: -32600, name: "InvalidRequest"))
    }

    @Test func batch_invalidJSON() {
        let reply = SpecServer.respond(
            """
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """)
        #expect(Reply.single(reply) == Reply(id: .null, code: -32700, name: "ParseError"))
    }

    @Test func emptyArray() {
        #expect(Reply.single(SpecServer.respond("[]")) == Reply(id: .null, code: -32600, name: "InvalidRequest"))
    }

    @Test func invalidBatch_notEmpty() {
        #expect(
            Reply.batch(SpecServer.respond("[1]")) == [Reply(id: .null, code: -32600, name: "InvalidRequest")])
    }

    @Test func invalidBatch() {
        let invalid = Reply(id: .null, code: -32600, name: "InvalidRequest")
        #expect(Reply.batch(SpecServer.respond("[1,2,3]")) == [invalid, invalid, invalid])
    }

    @Test func batch_mixed() {
        let reply = SpecServer.respond(
            """
            [
                {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
                {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
                {"foo": "boo"},
                {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
            ]
            """)
        #expect(
            Reply.batch(reply) == [
                Reply(id: "1", code: -32602, name: "InvalidParams"),
                Reply(id: "2", code: -32602, name: "InvalidParams"),
                Reply(id: .null, code: -32600, name: "InvalidRequest"),
                Reply(id: "5", code: -32601, name: "MethodNotFound"),
                Reply(id: "9", result: ["hello", 5]),
            ])
    }

    @Test func batch_mixed_withNamedParams() {
        let reply = SpecServer.respond(
            """
            [{"jsonrpc":"2.0","method":"sum","params":{"values":[1,2,4]},"id":"1"},\
            {"jsonrpc":"2.0","method":"notify_hello","params":{"value":7}},\
            {"jsonrpc":"2.0","method":"subtract","params":{"minuend":42,"subtrahend":23},"id":"2"},\
            {"jsonrpc":"2.0","method":"get_data","id":"9"}]
            """)
        #expect(
            reply
                == #"[{"jsonrpc":"2.0","result":7,"id":"1"},{"jsonrpc":"2.0","result":19,"id":"2"},"#
                + #"{"jsonrpc":"2.0","result":["hello",5],"id":"9"}]"#)
    }

    @Test func batch_allNotifications_getsNothing() {
        let reply = SpecServer.respond(
            """
            [
                {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
                {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
            ]
            """)
        #expect(reply == nil)
    }
}
