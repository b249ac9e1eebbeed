import CoachClient
import CoachRPC
import Foundation
import Testing

/// CoachClient against a fake daemon: framing, decoding, and each kind of failure.
@Suite struct CoachClientTests {
    @Test func call_decodesTheResult_andSendsNamedParamsWithIncreasingIDs() throws {
        let server = try FakeServer(["due.list": .result(Fixtures.dueList)])
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let first = try client.call(DueListMethod.self, DueListMethod.Params(school: 1, overdueOnly: true))
        _ = try client.call(DueListMethod.self, DueListMethod.Params())

        #expect(first.items.count == 2)
        #expect(first.items[0].teacherName == "Ann Teacher")
        #expect(first.items[1].overdue)
        let requests = server.requests(for: "due.list")
        #expect(requests.count == 2)
        #expect(requests[0]["jsonrpc"] as? String == "2.0")
        #expect((requests[0]["id"] as? NSNumber)?.intValue == 1)
        #expect((requests[1]["id"] as? NSNumber)?.intValue == 2)
        let params = try #require(requests[0]["params"] as? [String: Any])
        #expect((params["school"] as? NSNumber)?.intValue == 1)
        #expect(params["overdueOnly"] as? Bool == true)
        #expect((requests[1]["params"] as? [String: Any])?.isEmpty == true)
    }

    @Test func call_withDaemonError_throwsDaemonWithNameFieldAndHint() throws {
        let server = try FakeServer(["adaptations.set": .error(Fixtures.adaptationActive)])
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let error = try #require(throws: ClientError.self) {
            try client.call(AdaptationsSet.self, AdaptationsSet.Params(pair: 7, text: "x"))
        }
        let rpcError = try #require(error.rpcError)
        #expect(rpcError.code == -32006)
        #expect(rpcError.name == .adaptationAlreadyActive)
        #expect(rpcError.data?.field == "closePrevious")
        #expect(error.summary == "pair 7 already has an active adaptation (4)")
        #expect(error.hint == "pass closePrevious")
    }

    @Test func call_withErrorWithoutData_derivesTheNameFromTheCode() throws {
        let server = try FakeServer(["pairs.show": .error(#"{"code":-32001,"message":"no such pair"}"#)])
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let error = try #require(throws: ClientError.self) {
            try client.call(PairsShow.self, PairsShow.Params(pair: 1))
        }
        #expect(error.rpcError?.name == .notFound)
    }

    @Test func init_withNoSocket_throwsCannotConnect_sayingWhatToDo() throws {
        let path = try FakeServer.makeDirectory() + "/missing.sock"
        let error = try #require(throws: ClientError.self) {
            _ = try CoachClient(socketPath: path, timeout: .seconds(1))
        }
        guard case .cannotConnect(let failedPath, let reason) = error.kind else {
            Issue.record("expected cannotConnect, got \(error.kind)")
            return
        }
        #expect(failedPath == path)
        #expect(reason == "No such file or directory")
        #expect(error.message.contains("is coachd running?"))
        #expect(error.message.contains("socket: \(path)"))
    }

    @Test func init_withSocketNobodyListensOn_throwsCannotConnect() throws {
        let deadPath = try FakeServer.deadSocket()
        let error = try #require(throws: ClientError.self) {
            _ = try CoachClient(socketPath: deadPath, timeout: .seconds(1))
        }
        guard case .cannotConnect(_, let reason) = error.kind else {
            Issue.record("expected cannotConnect, got \(error.kind)")
            return
        }
        #expect(reason == "Connection refused")
    }

    @Test func init_withOverlongPath_throwsCannotConnect() throws {
        let path = "/tmp/" + String(repeating: "x", count: 200) + ".sock"
        let error = try #require(throws: ClientError.self) {
            _ = try CoachClient(socketPath: path, timeout: .seconds(1))
        }
        #expect(error.summary.contains("at most 107"))
    }

    @Test func call_whenTheDaemonDoesNotAnswer_throwsTimedOut_afterTheTimeout() throws {
        let server = try FakeServer(["due.list": .silence])
        let client = try CoachClient(socketPath: server.path, timeout: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now

        let error = try #require(throws: ClientError.self) {
            try client.call(DueListMethod.self, DueListMethod.Params())
        }
        let elapsed = clock.now - start
        guard case .timedOut = error.kind else {
            Issue.record("expected timedOut, got \(error.kind)")
            return
        }
        #expect(elapsed >= .milliseconds(290))
        #expect(elapsed < .seconds(3))
        #expect(error.summary == "coachd did not answer within 0.3s")
    }

    @Test func call_readsAReplySplitOverSeveralWrites() throws {
        let reply = #"{"jsonrpc":"2.0","result":\#(Fixtures.dueList),"id":1}"# + "\n"
        let characters = Array(reply)
        let pieces = stride(from: 0, to: characters.count, by: 50).map {
            String(characters[$0..<min($0 + 50, characters.count)])
        }
        let server = try FakeServer { _ in .pieces(pieces, pause: .milliseconds(5)) }
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let result = try client.call(DueListMethod.self, DueListMethod.Params())

        #expect(pieces.count > 5)
        #expect(result.items.map(\.coachName) == ["Bob Coach", "Bob Coach"])
    }

    @Test func callRaw_keepsWhatFollowsTheLine_forTheNextCall() throws {
        // Two replies in one write: the second must wait in the buffer for the next call.
        let server = try FakeServer { line in
            line.contains("first")
                ? .lines([#"{"jsonrpc":"2.0","result":"one","id":1}"#, #"{"jsonrpc":"2.0","result":"pong","id":2}"#])
                : .silence
        }
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let raw = try client.callRaw(Data(#"{"jsonrpc":"2.0","method":"first","id":1}"#.utf8))
        #expect(String(decoding: raw, as: UTF8.self) == #"{"jsonrpc":"2.0","result":"one","id":1}"#)
        // The client's own ids start at 1; bump past it with a raw call's reply already buffered.
        let error = try #require(throws: ClientError.self) { try client.call(DaemonPing.self, NoParams()) }
        #expect(error.summary.contains("carries id 2, expected 1"))
    }

    @Test func call_skipsNotificationsThatArriveBeforeTheReply() throws {
        let server = try FakeServer { _ in
            .lines([
                #"{"jsonrpc":"2.0","method":"daemon.shutdown","params":{"reason":"restart"}}"#,
                #"{"jsonrpc":"2.0","result":"pong","id":1}"#,
            ])
        }
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        #expect(try client.call(DaemonPing.self, NoParams()) == "pong")
    }

    @Test func notify_sendsNoID_andWaitsForNoReply() throws {
        let server = try FakeServer(["daemon.ping": .result(#""pong""#)])
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        try client.notify(DaemonPing.self, NoParams())
        #expect(try client.call(DaemonPing.self, NoParams()) == "pong")

        let requests = server.requests(for: "daemon.ping")
        #expect(requests.count == 2)
        #expect(requests[0]["id"] == nil)
        #expect((requests[1]["id"] as? NSNumber)?.intValue == 1)
    }

    @Test func call_withAReplyThatIsNotJSONRPC_throwsProtocolError() throws {
        let server = try FakeServer { _ in .lines(["hello"]) }
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let error = try #require(throws: ClientError.self) { try client.call(DaemonPing.self, NoParams()) }
        guard case .protocolError = error.kind else {
            Issue.record("expected protocolError, got \(error.kind)")
            return
        }
    }

    @Test func call_withAResultOfTheWrongShape_throwsProtocolErrorNamingTheMember() throws {
        let server = try FakeServer(["due.list": .result(#"{"items":[{"kind":"dropin"}]}"#)])
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let error = try #require(throws: ClientError.self) {
            try client.call(DueListMethod.self, DueListMethod.Params())
        }
        #expect(error.summary.contains("due.list"))
        #expect(error.summary.contains("items.0"))
    }

    @Test func call_whenTheDaemonHangsUp_throwsProtocolError() throws {
        let server = try FakeServer { _ in .hangUp }
        let client = try CoachClient(socketPath: server.path, timeout: .seconds(5))

        let error = try #require(throws: ClientError.self) { try client.call(DaemonPing.self, NoParams()) }
        #expect(error.summary.contains("closed the connection"))
    }
}
