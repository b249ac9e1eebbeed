import CoachRPC
import CoachRPCSocket
import CoachSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real server on a temporary socket, driven by raw socket clients.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct RPCSocketServerTests {
    // MARK: Requests, notifications, batches

    @Test func singleRequest_getsOneReplyLine() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":19,"b":23},"id":1}"#)
            #expect(reply == #"{"jsonrpc":"2.0","result":42,"id":1}"#)
            let named = try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":"x"}"#)
            #expect(named == #"{"jsonrpc":"2.0","result":3,"id":"x"}"#)
        }
    }

    @Test func dispatcherError_isReplied_withItsCodeNameAndField() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"fail","id":7}"#)?.jsonObject
            #expect(errorCode(reply) == -32001)
            #expect(errorName(reply) == "NotFound")
            #expect(reply?["id"] as? Int == 7)
            let missing = try await client.call(#"{"jsonrpc":"2.0","method":"nope","id":8}"#)?.jsonObject
            #expect(errorCode(missing) == -32601)
            let badParams = try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":"x","b":1},"id":9}"#)
            #expect(errorCode(badParams?.jsonObject) == -32602)
        }
    }

    @Test func notification_getsNoReply_evenOnError() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(#"{"jsonrpc":"2.0","method":"record","params":{"tag":"n1"}}"# + "\n")
            await client.send(#"{"jsonrpc":"2.0","method":"fail"}"# + "\n")
            await client.send(#"{"jsonrpc":"2.0","method":"no.such.method"}"# + "\n")
            // The next line read must be the reply to this request: nothing came for the others.
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":1},"id":2}"#)
            #expect(reply == #"{"jsonrpc":"2.0","result":2,"id":2}"#)
            #expect(server.dispatcher.records == ["n1"])
        }
    }

    @Test func batch_getsOneArray_ofTheReplies() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try await client.call(
                #"[{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":1},"#
                    + #"{"jsonrpc":"2.0","method":"sum","params":{"a":3,"b":4},"id":2}]"#)
            #expect(reply == #"[{"jsonrpc":"2.0","result":3,"id":1},{"jsonrpc":"2.0","result":7,"id":2}]"#)
        }
    }

    /// JSON-RPC 2.0 §7 "rpc call Batch", with named params.
    @Test func mixedBatch_answersEachMember_andSkipsNotifications() async throws {
        try await withServer { server in
            let client = try server.connect()
            let batch = """
                [{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":"1"},\
                {"jsonrpc":"2.0","method":"record","params":{"tag":"in-batch"}},\
                {"jsonrpc":"2.0","method":"sum","params":{"a":42,"b":-19},"id":"2"},\
                {"foo":"boo"},\
                {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},\
                {"jsonrpc":"2.0","method":"echo","id":"9"}]
                """
            let replies = try #require(try await client.call(batch)?.jsonArray)
            #expect(replies.count == 5)
            #expect(replies[0]["result"] as? Int == 3 && replies[0]["id"] as? String == "1")
            #expect(replies[1]["result"] as? Int == 23 && replies[1]["id"] as? String == "2")
            #expect(errorCode(replies[2]) == -32600 && replies[2]["id"] is NSNull)
            #expect(errorCode(replies[3]) == -32601 && replies[3]["id"] as? String == "5")
            #expect(replies[4]["result"] is [String: Any] && replies[4]["id"] as? String == "9")
            #expect(server.dispatcher.records == ["in-batch"])
        }
    }

    @Test func allNotificationBatch_getsNothing() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(
                #"[{"jsonrpc":"2.0","method":"record","params":{"tag":"a"}},"#
                    + #"{"jsonrpc":"2.0","method":"record","params":{"tag":"b"}}]"# + "\n")
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":3}"#)
            #expect(reply == #"{"jsonrpc":"2.0","result":{},"id":3}"#)
            #expect(server.dispatcher.records == ["a", "b"])
        }
    }

    @Test func emptyAndInvalidBatches_getInvalidRequest() async throws {
        try await withServer { server in
            let client = try server.connect()
            let empty = try await client.call("[]")?.jsonObject
            #expect(errorCode(empty) == -32600 && empty?["id"] is NSNull)
            let one = try #require(try await client.call("[1]")?.jsonArray)
            #expect(one.count == 1 && errorCode(one[0]) == -32600)
            let three = try #require(try await client.call("[1,2,3]")?.jsonArray)
            #expect(three.count == 3 && three.allSatisfy { errorCode($0) == -32600 && $0["id"] is NSNull })
        }
    }

    // MARK: Framing

    @Test func invalidJSON_getsParseError_andTheConnectionGoesOn() async throws {
        try await withServer { server in
            let client = try server.connect()
            let bad = try await client.call(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)?
                .jsonObject
            #expect(errorCode(bad) == -32700)
            #expect(bad?["id"] is NSNull)
            let batch = try await client.call(
                #"[{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":"1"},{"jsonrpc":"2.0","method""#)
            #expect(errorCode(batch?.jsonObject) == -32700)
            let good = try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":2,"b":2},"id":4}"#)
            #expect(good == #"{"jsonrpc":"2.0","result":4,"id":4}"#)
        }
    }

    @Test func lineOverTheLimit_getsInvalidRequest_thenTheConnectionCloses() async throws {
        try await withServer({ $0.maxLineBytes = 1024 }) { server in
            let client = try server.connect()
            let padding = String(repeating: "x", count: 4000)
            await client.send(#"{"jsonrpc":"2.0","method":"echo","params":{"pad":"\#(padding)"},"id":1}"# + "\n")
            let reply = try #require(try await client.readLine()?.jsonObject)
            #expect(errorCode(reply) == -32600)
            #expect(reply["id"] is NSNull)
            #expect(try await client.readLine() == nil)
            #expect(await eventually { server.server.connectionCount == 0 })
            // Other clients are unaffected.
            let other = try server.connect()
            #expect(try await other.call(#"{"jsonrpc":"2.0","method":"echo","id":2}"#) != nil)
        }
    }

    @Test func lineOverTheLimit_withoutLineBreak_isRefusedBeforeItEnds() async throws {
        try await withServer({ $0.maxLineBytes = 1 << 16 }) { server in
            let client = try server.connect()
            // 1 MiB with no `\n`: refused once the limit is passed, not buffered to the end.
            await client.send(Array(repeating: UInt8(ascii: "["), count: 1 << 20))
            let reply = try #require(try await client.readLine()?.jsonObject)
            #expect(errorCode(reply) == -32600)
            #expect(try await client.readLine() == nil)
        }
    }

    @Test func lineAtTheLimit_isAccepted() async throws {
        try await withServer({ $0.maxLineBytes = 200 }) { server in
            let client = try server.connect()
            let head = #"{"jsonrpc":"2.0","method":"echo","params":{"p":""#
            let tail = #""},"id":1}"#
            let line = head + String(repeating: "y", count: 200 - head.utf8.count - tail.utf8.count) + tail
            #expect(line.utf8.count == 200)
            let reply = try await client.call(line + "\r")  // a trailing CR does not count
            #expect(reply?.jsonObject?["result"] != nil)
        }
    }

    @Test func requestSplitAcrossTinyWrites_isAnswered() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.sendSlowly(#"{"jsonrpc":"2.0","method":"sum","params":{"a":5,"b":6},"id":11}"# + "\n")
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":11,"id":11}"#)
        }
    }

    @Test func crlfAndBlankLines_areTolerated() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(
                "\n   \r\n\t\n" + #"{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2},"id":1}"# + "\r\n")
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":3,"id":1}"#)
        }
    }

    @Test func pipelinedRequests_areAnsweredInOrder() async throws {
        try await withServer { server in
            let client = try server.connect()
            var lines = #"{"jsonrpc":"2.0","method":"sleep","params":{"ms":100},"id":0}"# + "\n"
            for id in 1...60 {
                lines += #"{"jsonrpc":"2.0","method":"sum","params":{"a":\#(id),"b":0},"id":\#(id)}"# + "\n"
            }
            await client.send(lines)
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":"slept","id":0}"#)
            for id in 1...60 {
                let reply = try await client.readLine()
                #expect(reply == #"{"jsonrpc":"2.0","result":\#(id),"id":\#(id)}"#)
            }
        }
    }

    @Test func lastLineWithoutLineBreak_isAnsweredAfterHalfClose() async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(#"{"jsonrpc":"2.0","method":"sum","params":{"a":2,"b":3},"id":5}"#)
            client.shutdownWrite()
            #expect(try await client.readLine() == #"{"jsonrpc":"2.0","result":5,"id":5}"#)
            #expect(try await client.readLine() == nil)
        }
    }

    @Test func resultWithLineBreaks_staysOneLine() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try #require(try await client.call(#"{"jsonrpc":"2.0","method":"pretty","id":1}"#))
            let result = reply.jsonObject?["result"] as? [String: Any]
            #expect(result?["a"] as? Int == 1)
            #expect(try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":2}"#) != nil)
        }
    }

    @Test(arguments: [
        Array(repeating: UInt8(ascii: "["), count: 100_000),
        Array(repeating: UInt8(ascii: "{"), count: 50_000),
        Array(String(repeating: #"{"a":"#, count: 20_000).utf8),
        [0xFF, 0xFE, 0x00, 0x80, 0xC3],
        Array(#"{"jsonrpc":"2.0","method":"echo","params":{"s":"\#u{0}"},"id":1}"#.utf8),
        Array(#"{"jsonrpc":"2.0","method":"echo","id":1e999}"#.utf8),
        Array(#"{"jsonrpc":"2.0","method":"echo","id":[1]}"#.utf8),
        Array(#"{"jsonrpc":"2.0","method":"echo","params":[1,2],"id":1}"#.utf8),
        Array("\"just a string\"".utf8),
        Array("null".utf8),
    ])
    func hostileLine_neverCrashes_andTheConnectionGoesOn(line: [UInt8]) async throws {
        try await withServer { server in
            let client = try server.connect()
            await client.send(line + [UInt8(ascii: "\n")])
            let reply = try await client.readLine()
            #expect(reply?.jsonObject != nil || reply?.jsonArray != nil)
            let next = try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":0,"b":0},"id":1}"#)
            #expect(next == #"{"jsonrpc":"2.0","result":0,"id":1}"#)
        }
    }

    // MARK: Limits and timeouts

    @Test func tooManyConnections_inTotal_getBusy() async throws {
        // Clients of a user who is not an admin (the slots kept for admins: AdminReserveTests).
        try await withServer({
            $0.maxConnections = 2
            $0.isAdmin = { _ in false }
        }) { server in
            let first = try server.connect()
            let second = try server.connect()
            #expect(try await first.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
            #expect(try await second.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
            #expect(server.server.connectionCount == 2)
            let third = try server.connect()
            let busy = try #require(try await third.readLine()?.jsonObject)
            #expect(errorName(busy) == "Busy")
            #expect(errorCode(busy) == RPCErrorName.busy.code)
            #expect(busy["id"] is NSNull)
            #expect(try await third.readLine() == nil)
            // A slot frees when a client leaves.
            first.close()
            #expect(await eventually { server.server.connectionCount == 1 })
            let fourth = try server.connect()
            #expect(try await fourth.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#)?.jsonObject?["result"] != nil)
        }
    }

    @Test func tooManyConnections_fromOneUID_getBusy() async throws {
        try await withServer({
            $0.maxConnectionsPerUID = 1
            $0.isAdmin = { _ in false }
        }) { server in
            let first = try server.connect()
            #expect(try await first.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
            let second = try server.connect()
            let busy = try #require(try await second.readLine()?.jsonObject)
            #expect(errorName(busy) == "Busy")
            #expect(try await second.readLine() == nil)
            #expect(try await first.call(#"{"jsonrpc":"2.0","method":"echo","id":2}"#) != nil)
        }
    }

    @Test func idleConnection_isClosed() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { server in
            let silent = try server.connect()
            let started = ContinuousClock.now
            #expect(try await silent.readLine() == nil)
            #expect(ContinuousClock.now - started < .seconds(5))
            // The timer restarts after each reply.
            let chatty = try server.connect()
            #expect(try await chatty.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
            #expect(try await chatty.readLine() == nil)
            #expect(await eventually { server.server.connectionCount == 0 })
        }
    }

    @Test func clientThatNeverReads_isClosedAfterTheIdleTimeout() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { server in
            let client = try server.connect()
            let padding = String(repeating: "z", count: 100_000)
            let request = #"{"jsonrpc":"2.0","method":"echo","params":{"p":"\#(padding)"},"id":1}"# + "\n"
            // About 3 MB of replies that are never read: the server's writes stall.
            await client.send(String(repeating: request, count: 30))
            #expect(await eventually { server.server.connectionCount == 0 })
        }
    }

    @Test func slowRequest_isNotCutByTheIdleTimeout() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(200) }) { server in
            let client = try server.connect()
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":700},"id":1}"#)
            #expect(reply == #"{"jsonrpc":"2.0","result":"slept","id":1}"#)
        }
    }

    @Test func requestOverTheDeadline_getsDeadlineExceeded_evenWhenItIgnoresCancellation() async throws {
        try await withServer({ $0.requestTimeout = .milliseconds(200) }) { server in
            let client = try server.connect()
            let started = ContinuousClock.now
            let reply = try await client.call(#"{"jsonrpc":"2.0","method":"stubborn","params":{"ms":3000},"id":1}"#)
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(errorName(reply?.jsonObject) == "DeadlineExceeded")
            #expect(reply?.jsonObject?["id"] as? Int == 1)
            let next = try await client.call(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":1},"id":2}"#)
            #expect(next == #"{"jsonrpc":"2.0","result":"slept","id":2}"#)
        }
    }

    @Test func slowClient_doesNotStallOthers() async throws {
        try await withServer { server in
            let slow = try server.connect()
            // Half a request, never finished, plus one that takes a while.
            await slow.send(#"{"jsonrpc":"2.0","method":"ec"#)
            let sleeper = try server.connect()
            await sleeper.send(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":2000},"id":1}"# + "\n")
            let fast = try server.connect()
            let started = ContinuousClock.now
            #expect(try await fast.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
            #expect(ContinuousClock.now - started < .seconds(1))
        }
    }

    // MARK: Shutdown

    @Test func cancellingServe_returnsPromptly_withAnIdleClientConnected() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/coachd.sock"
        let server = try await RPCSocketServer.bind(
            RPCServerConfiguration(socketPath: path), logger: LogRecorder().logger)
        let task = Task { try await server.serve(TestDispatcher()) }
        let idle = try LineClient(path: path)
        #expect(try await idle.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
        let busy = try LineClient(path: path)
        await busy.send(#"{"jsonrpc":"2.0","method":"sleep","params":{"ms":20000},"id":1}"# + "\n")
        #expect(await eventually { server.connectionCount == 2 })
        let started = ContinuousClock.now
        task.cancel()
        try await task.value  // returns normally: no CancellationError
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try await idle.readLine() == nil)
        #expect(try await busy.readLine() == nil)
        #expect(server.connectionCount == 0)
        #expect(access(path, F_OK) != 0, "the bound socket file is removed")
    }

    @Test func serve_calledTwice_throws() async throws {
        try await withServer { server in
            // Serving for sure: a request was answered.
            let client = try server.connect()
            #expect(try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
            await #expect(throws: RPCSocketError.self) {
                try await server.server.serve(TestDispatcher())
            }
        }
    }

    // MARK: Peer, socket file

    @Test func peerCredentials_areTheCallers() async throws {
        try await withServer { server in
            let client = try server.connect()
            let reply = try #require(try await client.call(#"{"jsonrpc":"2.0","method":"whoami","id":1}"#)?.jsonObject)
            let result = try #require(reply["result"] as? [String: Any])
            #expect(result["uid"] as? Int == Int(getuid()))
            #expect(result["gid"] as? Int == Int(getgid()))
            #expect(result["pid"] as? Int == Int(getpid()))
            let other = try server.connect()
            let second = try #require(try await other.call(#"{"jsonrpc":"2.0","method":"whoami","id":1}"#)?.jsonObject)
            let firstID = try #require(result["connection"] as? Int)
            let secondID = try #require((second["result"] as? [String: Any])?["connection"] as? Int)
            #expect(firstID != secondID)
        }
    }

    @Test(arguments: [UInt32(0o660), 0o600, 0o666])
    func socketFile_hasTheConfiguredMode(mode: UInt32) async throws {
        try await withServer({ $0.socketMode = mode }) { server in
            var info = stat()
            #expect(lstat(server.path, &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFSOCK)
            #expect(UInt32(info.st_mode) & 0o777 == mode)
        }
    }

    @Test func socketGroup_isApplied() async throws {
        let gid = getgid()
        let name = try #require(getgrgid(gid).map { String(cString: $0.pointee.gr_name) })
        try await withServer({ $0.socketGroup = name }) { server in
            var info = stat()
            #expect(lstat(server.path, &info) == 0)
            #expect(info.st_gid == gid)
        }
    }

    @Test func unknownSocketGroup_failsClearly() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        var configuration = RPCServerConfiguration(socketPath: directory + "/coachd.sock")
        configuration.socketGroup = "no-such-group-coachd-test"
        let error = await #expect(throws: RPCSocketError.self) {
            _ = try await RPCSocketServer.bind(configuration, logger: LogRecorder().logger)
        }
        #expect(error?.message.contains("no-such-group-coachd-test") == true)
        #expect(access(directory + "/coachd.sock", F_OK) != 0)
    }

    @Test func missingParentDirectory_isMade() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/run/coachd/coachd.sock"
        let server = try await RPCSocketServer.bind(
            RPCServerConfiguration(socketPath: path), logger: LogRecorder().logger)
        #expect(server.boundPath == path)
        let task = Task { try await server.serve(TestDispatcher()) }
        let client = try LineClient(path: path)
        #expect(try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
        task.cancel()
        try await task.value
    }

    @Test func staleSocketFile_isReplaced() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/coachd.sock"
        // A socket file with no listener behind it, as a crash leaves.
        let fd = try boundSocket(at: path, listening: false)
        _ = close(fd)
        #expect(access(path, F_OK) == 0)
        let server = try await RPCSocketServer.bind(
            RPCServerConfiguration(socketPath: path), logger: LogRecorder().logger)
        let task = Task { try await server.serve(TestDispatcher()) }
        let client = try LineClient(path: path)
        #expect(try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
        task.cancel()
        try await task.value
    }

    @Test func liveSocket_isNotTakenOver() async throws {
        try await withServer { server in
            let error = await #expect(throws: RPCSocketError.self) {
                _ = try await RPCSocketServer.bind(
                    RPCServerConfiguration(socketPath: server.path), logger: LogRecorder().logger)
            }
            #expect(error?.message.contains("already in use") == true)
            // The first server still answers.
            let client = try server.connect()
            #expect(try await client.call(#"{"jsonrpc":"2.0","method":"echo","id":1}"#) != nil)
        }
    }

    @Test func regularFile_atTheSocketPath_isLeftAlone() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/coachd.sock"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        await #expect(throws: RPCSocketError.self) {
            _ = try await RPCSocketServer.bind(RPCServerConfiguration(socketPath: path), logger: LogRecorder().logger)
        }
        #expect(FileManager.default.contents(atPath: path) == Data("keep".utf8))
    }

    @Test func inheritedSocket_isAdopted_andNotRemovedOnStop() async throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/activated.sock"
        let fd = try boundSocket(at: path, listening: true)
        var configuration = RPCServerConfiguration(socketPath: directory + "/unused.sock")
        configuration.inheritedFD = fd
        let server = try await RPCSocketServer.bind(configuration, logger: LogRecorder().logger)
        #expect(server.boundPath == path)
        let task = Task { try await server.serve(TestDispatcher()) }
        let client = try LineClient(path: path)
        #expect(try await client.call(#"{"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":1},"id":1}"#) != nil)
        task.cancel()
        try await task.value
        #expect(access(path, F_OK) == 0, "systemd owns an activated socket's file")
        #expect(access(directory + "/unused.sock", F_OK) != 0)
    }

    // MARK: Logging

    @Test func logs_carryMethodsAndPeers_neverParams() async throws {
        let secret = "CONFIDENTIAL-NOTE-4711"
        try await withServer { server in
            let client = try server.connect()
            _ = try await client.call(#"{"jsonrpc":"2.0","method":"echo","params":{"note":"\#(secret)"},"id":1}"#)
            _ = try await client.call(#"{"jsonrpc":"2.0","method":"echo","params":{"note":"\#(secret)"}"#)
            _ = try await client.call(#"{"jsonrpc":"2.0","method":"echo","params":{"note":"\#(secret)"},"id":1,"x":1}"#)
            _ = try await client.call(#"[{"jsonrpc":"2.0","method":"stubborn","params":{"ms":"\#(secret)"},"id":1}]"#)
            client.close()
            #expect(await eventually { server.server.connectionCount == 0 })
            let entries = server.logs.entries
            #expect(
                entries.contains {
                    $0.message == "connection opened" && $0.level == .debug && $0.metadata["peer.uid"] == "\(getuid())"
                })
            #expect(entries.contains { $0.message == "connection closed" && $0.level == .debug })
            #expect(entries.contains { $0.level == .notice && $0.metadata["rpc.error.code"] == "-32700" })
            for entry in entries {
                #expect(!entry.message.contains(secret))
                #expect(!entry.metadata.values.contains { $0.contains(secret) })
            }
        }
    }
}

/// A Unix socket bound at `path` (listening or not), as systemd or a crashed daemon leaves one.
func boundSocket(at path: String, listening: Bool) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    let bound = try UnixSocketAddress(path: path).bind(fd)
    guard bound == 0, !listening || listen(fd, 16) == 0 else {
        _ = close(fd)
        throw POSIXError(.EADDRINUSE)
    }
    return fd
}
