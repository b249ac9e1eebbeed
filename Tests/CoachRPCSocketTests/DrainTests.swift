import CoachRPC
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import CoachRPCSocket

/// A socket whose client reads everything at once: every write completes; the reply lines are
/// handed to the test as they are written. Counts the reads the connection asks for.
final class RecordingSocket: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let replies: AsyncStream<String>.Continuation
    private(set) var reads = 0

    init(_ replies: AsyncStream<String>.Continuation) { self.replies = replies }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        if bytes.readableBytes > 0 {
            for line in String(buffer: bytes).split(separator: "\n") { replies.yield(String(line)) }
        }
        promise?.succeed(())
    }

    func flush(context: ChannelHandlerContext) {}

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

/// A dispatcher whose `hold` requests wait until the test releases them; `record` notes its tag,
/// and so does `now`, answered at once (on the event loop, with no deadline).
final class HoldingDispatcher: RPCDispatching {
    private struct State {
        var waiting: [CheckedContinuation<Void, Never>] = []
        var released = false
        var records: [String] = []
    }

    private let state = NIOLockedValueBox(State())

    var records: [String] { state.withLockedValue { $0.records } }

    func release() {
        let waiting = state.withLockedValue { state in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func dispatch(_ request: RPCRequest, context: RPCContext) async throws(RPCError) -> Data {
        switch request.method {
        case "hold":
            await withCheckedContinuation { continuation in
                let now = state.withLockedValue { state in
                    if state.released { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
            return Data(#""held""#.utf8)
        case "record":
            let tag = request.params["tag"]?.stringValue ?? "?"
            state.withLockedValue { $0.records.append(tag) }
            return Data("true".utf8)
        default:
            switch dispatchImmediately(request, context: context) {
            case .success(let data)?: return data
            case .failure(let error)?: throw error
            case nil: throw RPCError(.methodNotFound, "no method \(request.method)")
            }
        }
    }

    func dispatchImmediately(_ request: RPCRequest, context: RPCContext) -> Result<Data, RPCError>? {
        guard request.method == "now" else { return nil }
        let tag = request.params["tag"]?.stringValue ?? "?"
        state.withLockedValue { $0.records.append(tag) }
        return .success(Data("true".utf8))
    }
}

/// The drain (issue 9), on the connection handler through NIO's `NIOAsyncTestingChannel`: no
/// socket, no sleep. The server fires `ChannelShouldQuiesceEvent` at every connection on SIGTERM.
@Suite("Draining a connection", .timeLimit(.minutes(1)))
struct DrainTests {
    /// One served connection over a recording socket.
    struct Connection {
        let channel = NIOAsyncTestingChannel()
        let parts: NIOLoopBound<(socket: RecordingSocket, handler: RPCConnectionHandler)>
        let dispatcher = HoldingDispatcher()
        var replies: AsyncStream<String>.Iterator

        init() async throws {
            let (stream, continuation) = AsyncStream.makeStream(of: String.self)
            replies = stream.makeAsyncIterator()
            let channel = self.channel
            let dispatcher = self.dispatcher
            let loop = channel.testingEventLoop
            parts = try await loop.executeInContext {
                let socket = RecordingSocket(continuation)
                let handler = RPCConnectionHandler()
                try channel.pipeline.syncOperations.addHandlers([socket, handler])
                return NIOLoopBound((socket, handler), eventLoop: loop)
            }
            try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/drain-tests.sock"))
            let logger = Logger(label: "drain-tests")
            let context = RPCContext(peer: PeerCredentials(pid: 1, uid: 1000, gid: 1000), connectionID: 1)
            let responder = RPCResponder(
                dispatcher: dispatcher, context: context, requestTimeout: .seconds(30), logger: logger)
            let serving = ConnectionServing(
                dispatcher: dispatcher, responder: responder, idleTimeout: .seconds(300), maxLineBytes: 1 << 20,
                pauseAtUnsentBytes: 1 << 20, closeAtUnsentBytes: 8 << 20, budget: ReplyBudget(limit: .max),
                logger: logger)
            let parts = self.parts
            try await loop.executeInContext { parts.value.handler.start(serving) }
        }

        /// Delivers lines as one read from the socket.
        func send(_ lines: [String]) async throws {
            let channel = self.channel
            try await channel.testingEventLoop.executeInContext {
                for line in lines {
                    channel.pipeline.syncOperations.fireChannelRead(NIOAny(LineFrame.line(ByteBuffer(string: line))))
                }
                channel.pipeline.syncOperations.fireChannelReadComplete()
            }
        }

        /// What the server does to every connection when it begins to drain.
        func quiesce() async throws {
            let channel = self.channel
            try await channel.testingEventLoop.executeInContext {
                channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
        }

        /// Asks for a read as the channel does after a read completes; how many reached the socket.
        func readsReachingTheSocket() async throws -> Int {
            let channel = self.channel
            let parts = self.parts
            return try await channel.testingEventLoop.executeInContext {
                let before = parts.value.socket.reads
                channel.read()
                return parts.value.socket.reads - before
            }
        }

        func state() async throws -> ConnectionStateMachine<LineFrame>.State {
            let parts = self.parts
            return try await channel.testingEventLoop.executeInContext { parts.value.handler.machine.state }
        }

        /// The id of the next reply written.
        mutating func nextReplyID() async -> Int? {
            guard let line = await replies.next() else { return nil }
            return line.jsonObject?["id"] as? Int
        }
    }

    static func request(_ method: String, id: Int, tag: String = "") -> String {
        #"{"jsonrpc":"2.0","method":"\#(method)","params":{"tag":"\#(tag)"},"id":\#(id)}"#
    }

    @Test func aDrainingConnection_readsNothingMore_answersEveryLineItRead_inOrder_thenCloses() async throws {
        var connection = try await Connection()
        #expect(try await connection.readsReachingTheSocket() == 1, "an idle open connection does not read")
        try await connection.send([Self.request("hold", id: 1), Self.request("record", id: 2, tag: "b")])
        // 1 runs (held), 2 waits behind it.
        try await connection.quiesce()
        #expect(try await connection.state() == .finishing(.draining))
        #expect(try await connection.readsReachingTheSocket() == 0, "a draining connection asked for more")
        // A line the socket had already read when the drain began is answered too.
        try await connection.send([Self.request("record", id: 3, tag: "c")])
        #expect(try await connection.state() == .finishing(.draining), "closed with requests read and unanswered")
        connection.dispatcher.release()
        #expect(await connection.nextReplyID() == 1)
        #expect(await connection.nextReplyID() == 2)
        #expect(await connection.nextReplyID() == 3)
        try await connection.channel.closeFuture.get()
        #expect(connection.dispatcher.records == ["b", "c"])
    }

    @Test func anIdleConnection_closesAtOnceOnADrain() async throws {
        let connection = try await Connection()
        try await connection.quiesce()
        try await connection.channel.closeFuture.get()
        #expect(try await connection.state() == .closed)
    }

    @Test func aConnectionDrainedBeforeItIsAdmitted_answersWhatItReadOnceAdmitted() async throws {
        // The handler holds lines until the server admits the connection; a drain may come first.
        let channel = NIOAsyncTestingChannel()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let loop = channel.testingEventLoop
        let handler = try await loop.executeInContext {
            let handler = RPCConnectionHandler()
            try channel.pipeline.syncOperations.addHandlers([RecordingSocket(continuation), handler])
            return NIOLoopBound(handler, eventLoop: loop)
        }
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/drain-tests.sock"))
        try await loop.executeInContext {
            channel.pipeline.syncOperations.fireChannelRead(
                NIOAny(LineFrame.line(ByteBuffer(string: Self.request("record", id: 7, tag: "early")))))
            channel.pipeline.syncOperations.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let dispatcher = HoldingDispatcher()
        let logger = Logger(label: "drain-tests")
        let responder = RPCResponder(
            dispatcher: dispatcher, context: RPCContext(peer: PeerCredentials(pid: 1, uid: 1, gid: 1), connectionID: 2),
            requestTimeout: .seconds(30), logger: logger)
        let serving = ConnectionServing(
            dispatcher: dispatcher, responder: responder, idleTimeout: .seconds(300), maxLineBytes: 1 << 20,
            pauseAtUnsentBytes: 1 << 20, closeAtUnsentBytes: 8 << 20, budget: ReplyBudget(limit: .max), logger: logger)
        try await loop.executeInContext { handler.value.start(serving) }
        var replies = stream.makeAsyncIterator()
        #expect(await replies.next()?.jsonObject?["id"] as? Int == 7)
        try await channel.closeFuture.get()
        #expect(dispatcher.records == ["early"])
    }

    @Test func aBatch_isAnsweredDeadlineExceeded_onceItsOverallDeadlinePasses_andTheRestDoesNotRun() async throws {
        let dispatcher = HoldingDispatcher()
        let logs = LogRecorder()
        var responder = RPCResponder(
            dispatcher: dispatcher, context: RPCContext(peer: PeerCredentials(pid: 1, uid: 1, gid: 1), connectionID: 3),
            requestTimeout: .seconds(30), logger: logs.logger)
        responder.batchTimeout = .milliseconds(500)
        let later = (3...5).map { Self.request("record", id: $0, tag: "t\($0)") }
        // The first member is answered at once (no timer to lose to on a loaded machine).
        let members = [Self.request("now", id: 1, tag: "a"), Self.request("hold", id: 2)] + later
        guard case .batch(let batch) = RPCCodec.parse(Data("[\(members.joined(separator: ","))]".utf8)) else {
            Issue.record("not parsed as a batch")
            return
        }
        // The held member would run forever; the batch's deadline (not its own 30 s) answers it.
        let reply = try #require(await responder.reply(batch: batch))
        dispatcher.release()
        let replies = try #require(String(decoding: reply, as: UTF8.self).jsonArray)
        #expect(replies.count == 5)
        #expect(replies.first?["result"] as? Bool == true)
        #expect(replies.dropFirst().allSatisfy { errorName($0) == "DeadlineExceeded" })
        #expect(dispatcher.records == ["a"])
        #expect(logs.entries.contains { $0.message.contains("batch deadline exceeded") })
    }
}
