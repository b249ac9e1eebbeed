import CoachRPC
import Foundation
import Testing

@testable import CoachRPCSocket

/// `RPCSocketServer.shutDown()` over real sockets (issue 9): what SIGTERM does to the daemon's server.
@Suite("Server drain", .serialized)
struct ServerDrainTests {
    static func record(_ tag: String, id: Int) -> String {
        #"{"jsonrpc":"2.0","method":"record","params":{"tag":"\#(tag)"},"id":\#(id)}"# + "\n"
    }

    @Test func shutDown_answersWhatEachConnectionRead_acceptsNoOne_thenServeReturns() async throws {
        try await withServer { server in
            let client = try server.connect()
            let idle = try server.connect()
            // Three lines in one write, so one read: once the first has run, the server has read
            // the other two, which wait behind it.
            await client.send(
                Self.record("first", id: 1) + #"{"jsonrpc":"2.0","method":"sleep","params":{"ms":300},"id":2}"# + "\n"
                    + Self.record("queued", id: 3))
            #expect(await eventually { server.dispatcher.records == ["first"] })
            server.server.shutDown()
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":true,"id":1}"#)
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":"slept","id":2}"#)
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":true,"id":3}"#)
            #expect(try await client.readLine() == nil, "the connection stayed open after its requests")
            #expect(try await idle.readLine() == nil, "an idle connection stayed open")
            try await server.task.value
            #expect(server.dispatcher.records == ["first", "queued"])
            #expect((try? server.connect()) == nil, "a connection was accepted while draining")
            #expect(server.logs.entries.contains { $0.message.hasPrefix("draining") })
        }
    }

    @Test func aRequestStillRunningWhenTheDrainTimeIsOver_isCutOff() async throws {
        try await withServer({ $0.drainTimeout = .milliseconds(200) }) { server in
            let client = try server.connect()
            await client.send(
                Self.record("first", id: 1) + #"{"jsonrpc":"2.0","method":"sleep","params":{"ms":20000},"id":2}"#
                    + "\n")
            #expect(await eventually { server.dispatcher.records == ["first"] })
            let started = ContinuousClock.now
            server.server.shutDown()
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":true,"id":1}"#)
            #expect(try await client.readLine() == nil)
            try await server.task.value
            // Far sooner than the work (20 s): the drain time (0.2 s) cut it off.
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(server.logs.entries.contains { $0.message.hasPrefix("the drain time is over") })
        }
    }
}
