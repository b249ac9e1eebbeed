import CoachRPC
import CoachRPCSocket
import Foundation
import Testing

/// Requests the dispatcher answers at once are served on the connection's event loop, with the
/// same replies, order, notifications and limits as those that go through `dispatch`.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ImmediateDispatchTests {
    @Test func immediateAnswer_isTheSameReply_asTheOrdinaryOne() async throws {
        try await withServer { server in
            let client = try server.connect()
            let fast = try await client.call(#"{"jsonrpc":"2.0","method":"now.echo","params":{"a":[1,"x"]},"id":"q"}"#)
            let slow = try await client.call(#"{"jsonrpc":"2.0","method":"echo","params":{"a":[1,"x"]},"id":"q"}"#)
            #expect(fast == #"{"jsonrpc":"2.0","result":{"a":[1,"x"]},"id":"q"}"#)
            #expect(fast == slow)
            let ids = try await client.call(#"{"jsonrpc":"2.0","method":"now.echo","id":12345678901}"#)
            #expect(ids == #"{"jsonrpc":"2.0","result":{},"id":12345678901}"#)
        }
    }

    @Test func immediateError_carriesItsCodeNameAndField() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"now.fail","id":7}"#)?.jsonObject
            #expect(errorCode(reply) == -32001)
            #expect(errorName(reply) == "NotFound")
            #expect(reply?["id"] as? Int == 7)
        }
    }

    @Test func immediateNotification_getsNoReply() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(#"{"jsonrpc":"2.0","method":"now.record","params":{"tag":"fast"}}"# + "\n")
            await client.send(#"{"jsonrpc":"2.0","method":"now.fail"}"# + "\n")
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"now.echo","id":2}"#)
            #expect(reply == #"{"jsonrpc":"2.0","result":{},"id":2}"#)
            #expect(server.dispatcher.records == ["fast"])
        }
    }

    @Test func pipelinedMix_ofImmediateAndSlowRequests_isAnsweredInOrder() async throws {
        try await withServer { server in
            let client = try server.connect()
            var lines = #"{"jsonrpc":"2.0","method":"sleep","params":{"ms":150},"id":0}"# + "\n"
            for id in 1...40 {
                lines +=
                    id % 5 == 0
                    ? #"{"jsonrpc":"2.0","method":"sum","params":{"a":\#(id),"b":0},"id":\#(id)}"# + "\n"
                    : #"{"jsonrpc":"2.0","method":"now.echo","params":{"n":\#(id)},"id":\#(id)}"# + "\n"
            }
            await client.send(lines)
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":"slept","id":0}"#)
            for id in 1...40 {
                let expected =
                    id % 5 == 0
                    ? #"{"jsonrpc":"2.0","result":\#(id),"id":\#(id)}"#
                    : #"{"jsonrpc":"2.0","result":{"n":\#(id)},"id":\#(id)}"#
                #expect(try await client.readLine() == expected)
            }
        }
    }

    @Test func aMethodTheFastPathDeclines_goesThroughDispatch() async throws {
        try await withServer { server in
            let client = try server.connect()
            let fast = try await client.call(#"{"jsonrpc":"2.0","method":"now.maybe","params":{"now":true},"id":1}"#)
            #expect(fast == #"{"jsonrpc":"2.0","result":"at once","id":1}"#)
            let declined = try await client.call(#"{"jsonrpc":"2.0","method":"now.maybe","id":2}"#)?.jsonObject
            #expect(errorCode(declined) == -32601)
        }
    }

    @Test func batchWithImmediateMembers_isAnsweredAsOneArray() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try await client.call(
                #"[{"jsonrpc":"2.0","method":"now.echo","id":1},{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":2}]"#
            )
            #expect(reply == #"[{"jsonrpc":"2.0","result":{},"id":1},{"jsonrpc":"2.0","result":3,"id":2}]"#)
        }
    }

    @Test func connectionWithOnlyImmediateTraffic_stillIdlesOut() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { server in
            let client = try server.connect()
            for id in 1...20 {
                #expect(try await client.call(#"{"jsonrpc":"2.0","method":"now.echo","id":\#(id)}"#) != nil)
            }
            #expect(try await client.readLine() == nil)
            #expect(await eventually { server.server.connectionCount == 0 })
        }
    }

    @Test func halfClose_afterImmediateAndSlowRequests_answersBothThenCloses() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(
                #"{"jsonrpc":"2.0","method":"sleep","params":{"ms":50},"id":1}"# + "\n"
                    + #"{"jsonrpc":"2.0","method":"now.echo","id":2}"#)
            client.shutdownWrite()
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":"slept","id":1}"#)
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":{},"id":2}"#)
            #expect(try await client.readLine() == nil)
        }
    }
}
