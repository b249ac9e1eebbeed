import CoachRPC
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import CoachRPCSocket

/// A socket that takes nothing until told: every write (and its promise) is held, as the kernel
/// holds them for a client that does not read. Counts the reads the connection asks for.
final class StalledSocket: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var held: [(bytes: ByteBuffer, promise: EventLoopPromise<Void>?)] = []
    /// Reads the connection asked for (what reaches the socket).
    private(set) var reads = 0

    /// The reply lines held, as text (the connection's zero-byte flush markers left out).
    var lines: [String] {
        held.compactMap { $0.bytes.readableBytes > 0 ? String(buffer: $0.bytes) : nil }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        held.append((unwrapOutboundIn(data), promise))
    }

    func flush(context: ChannelHandlerContext) {}

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // A closed socket fails what it had not sent.
        let dropped = held
        held = []
        for write in dropped { write.promise?.fail(ChannelError.ioOnClosedChannel) }
        context.close(mode: mode, promise: promise)
    }

    /// The client reads everything: every held write completes.
    func takeAll() {
        let taken = held
        held = []
        for write in taken { write.promise?.succeed(()) }
    }
}

/// Unsent replies are bounded per connection and in total (issue 10), on an `EmbeddedChannel`:
/// no sockets, no sleeps.
@Suite("Unsent replies: pause, close, total budget")
struct UnsentRepliesTests {
    /// One connection over a stalled socket, served with these limits.
    struct Connection {
        let channel: EmbeddedChannel
        let socket: StalledSocket
        let handler: RPCConnectionHandler
        let logs: LogRecorder

        init(pause: Int, close: Int, budget: ReplyBudget, dispatcher: TestDispatcher = TestDispatcher()) throws {
            channel = EmbeddedChannel()
            socket = StalledSocket()
            handler = RPCConnectionHandler()
            logs = LogRecorder()
            try channel.pipeline.syncOperations.addHandlers([socket, handler])
            try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/unsent-replies.sock")).wait()
            let responder = RPCResponder(
                dispatcher: dispatcher, context: UnsentRepliesTests.context,
                requestTimeout: .seconds(30), logger: logs.logger, budget: budget)
            handler.start(
                ConnectionServing(
                    dispatcher: dispatcher, responder: responder, idleTimeout: .seconds(300),
                    maxLineBytes: 1 << 20, pauseAtUnsentBytes: pause, closeAtUnsentBytes: close, budget: budget,
                    logger: logs.logger))
        }

        /// Sends request lines in one read, as a client writing them at once.
        func send(_ lines: [String]) throws {
            for line in lines {
                channel.pipeline.syncOperations.fireChannelRead(NIOAny(LineFrame.line(ByteBuffer(string: line))))
            }
            channel.pipeline.syncOperations.fireChannelReadComplete()
        }

        /// The ids of the replies the socket holds, in order.
        var repliedIDs: [Int] { socket.lines.compactMap { $0.jsonObject?["id"] as? Int } }
    }

    /// A peer who is no admin.
    static let context = RPCContext(peer: PeerCredentials(pid: 1, uid: 1000, gid: 1000), connectionID: 1)

    /// A request answered on the event loop whose reply is about `size` bytes.
    static func echo(id: Int, size: Int) -> String {
        #"{"jsonrpc":"2.0","method":"now.echo","params":{"p":"\#(String(repeating: "x", count: size))"},"id":\#(id)}"#
    }

    @Test func pastThePauseLimit_aConnectionStopsReading_andResumesOnceItsRepliesAreTaken() throws {
        let budget = ReplyBudget(limit: .max)
        let connection = try Connection(pause: 1000, close: 100_000, budget: budget)
        try connection.send((1...5).map { Self.echo(id: $0, size: 400) })
        // Three replies of ~440 bytes pass 1000: the other two requests wait, unanswered.
        #expect(connection.repliedIDs == [1, 2, 3])
        #expect(connection.handler.unsentBytes > 1000)
        #expect(budget.total == connection.handler.unsentBytes)
        let reads = connection.socket.reads
        connection.channel.read()
        #expect(connection.socket.reads == reads, "a connection over its pause limit asked the socket for more")

        connection.socket.takeAll()
        // Taken: the queue is answered, in order, and reading resumes.
        #expect(connection.repliedIDs == [4, 5])
        #expect(connection.socket.reads == reads + 1)
        connection.socket.takeAll()
        #expect(connection.handler.unsentBytes == 0)
        #expect(budget.total == 0)
        #expect(connection.channel.isActive)
    }

    @Test func pastTheCloseLimit_theConnectionIsClosed_andItsBytesAreNoLongerCounted() throws {
        let budget = ReplyBudget(limit: .max)
        let connection = try Connection(pause: 1000, close: 3000, budget: budget)
        // Past the pause limit but under the close limit: paused, kept.
        try connection.send([Self.echo(id: 1, size: 2000)])
        #expect(connection.channel.isActive)
        connection.socket.takeAll()
        // Reading stops at the pause limit, so one reply larger than the close limit is what passes it.
        try connection.send([Self.echo(id: 2, size: 4000)])
        #expect(!connection.channel.isActive)
        #expect(connection.logs.entries.contains { $0.message == "unsent replies over the limit: closing" })
        #expect(connection.handler.unsentBytes == 0)
        #expect(budget.total == 0)
    }

    @Test func overTheTotalBudget_aConnectionHoldingReplies_stopsReading_whileOneThatReadsIsServed() throws {
        let budget = ReplyBudget(limit: 2000)
        let holder = try Connection(pause: 1 << 20, close: 8 << 20, budget: budget)
        let reader = try Connection(pause: 1 << 20, close: 8 << 20, budget: budget)
        // 70 KB unread: under its own pause limit, but the total passes the budget.
        try holder.send([Self.echo(id: 1, size: 70_000)])
        #expect(budget.isOver)
        try holder.send([Self.echo(id: 2, size: 10)])
        #expect(holder.repliedIDs == [1], "a connection holding replies went on while the total is over budget")
        #expect(holder.channel.isActive)
        // Another client reading its replies is still answered, one after another.
        for id in 1...3 {
            try reader.send([Self.echo(id: id, size: 10)])
            #expect(reader.repliedIDs == [id])
            reader.socket.takeAll()
        }
        holder.socket.takeAll()
        #expect(holder.repliedIDs == [2])
        holder.socket.takeAll()
        #expect(budget.total == 0)
    }

    @Test func overTheTotalBudget_aReaderGettingOneLargeReply_isPausedNotClosed_andGoesOn() throws {
        let budget = ReplyBudget(limit: 1000)
        // Another client's unread replies already fill the budget.
        budget.charge(5000)
        let reader = try Connection(pause: 100_000, close: 8 << 20, budget: budget)
        // Its own reply (as an admin's backup chunk) is past its pause limit the moment it is written.
        try reader.send([Self.echo(id: 1, size: 150_000), Self.echo(id: 2, size: 10)])
        #expect(reader.channel.isActive)
        #expect(reader.repliedIDs == [1])
        reader.socket.takeAll()
        #expect(reader.repliedIDs == [2])
        reader.socket.takeAll()
        budget.release(5000)
        #expect(budget.total == 0)
    }

    @Test func underTheTotalBudget_aConnectionPastItsPauseLimit_isOnlyPaused() throws {
        let budget = ReplyBudget(limit: 1 << 30)
        let holder = try Connection(pause: 100_000, close: 8 << 20, budget: budget)
        try holder.send((1...3).map { Self.echo(id: $0, size: 70_000) })
        #expect(holder.channel.isActive)
        #expect(holder.repliedIDs == [1, 2])
        holder.socket.takeAll()
        #expect(holder.repliedIDs == [3])
    }

    @Test func batchMembers_overTheTotalBudget_areAnsweredBusy_withoutRunning() async throws {
        let dispatcher = TestDispatcher()
        let budget = ReplyBudget(limit: 1000)
        let responder = RPCResponder(
            dispatcher: dispatcher, context: UnsentRepliesTests.context,
            requestTimeout: .seconds(30), logger: LogRecorder().logger, budget: budget)
        let members = (1...10).map { #"{"jsonrpc":"2.0","method":"record","params":{"tag":"t\#($0)"},"id":\#($0)}"# }
        guard case .batch(let batch) = RPCCodec.parse(Data("[\(members.joined(separator: ","))]".utf8)) else {
            Issue.record("not parsed as a batch")
            return
        }
        // Other connections' unread replies already fill the budget: nothing of this batch runs.
        budget.charge(5000)
        let refused = try #require(await responder.reply(batch: batch))
        let replies = try #require(String(decoding: refused, as: UTF8.self).jsonArray)
        #expect(replies.count == 10)
        #expect(replies.allSatisfy { errorName($0) == "Busy" })
        #expect(dispatcher.records.isEmpty)
        budget.release(5000)
        #expect(budget.total == 0)
    }

    @Test func aBatchsReplies_countWhileTheyAreBuilt_andAreReleasedWhenHandedOn() async throws {
        let dispatcher = TestDispatcher()
        let budget = ReplyBudget(limit: 1000)
        let responder = RPCResponder(
            dispatcher: dispatcher, context: UnsentRepliesTests.context,
            requestTimeout: .seconds(30), logger: LogRecorder().logger, budget: budget)
        let padding = String(repeating: "y", count: 300)
        let members = (1...10).map { #"{"jsonrpc":"2.0","method":"echo","params":{"p":"\#(padding)"},"id":\#($0)}"# }
        guard case .batch(let batch) = RPCCodec.parse(Data("[\(members.joined(separator: ","))]".utf8)) else {
            Issue.record("not parsed as a batch")
            return
        }
        let reply = try #require(await responder.reply(batch: batch))
        let replies = try #require(String(decoding: reply, as: UTF8.self).jsonArray)
        // About 340 bytes each: three pass 1000, so the other seven are refused unrun.
        #expect(replies.count == 10)
        #expect(replies.prefix(3).allSatisfy { $0["result"] != nil })
        #expect(replies.dropFirst(3).allSatisfy { errorName($0) == "Busy" })
        #expect(budget.total == 0)
    }
}
