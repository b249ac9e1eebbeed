import CoachRPC
import Foundation
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a connection needs to serve, handed over once the server admits it.
struct ConnectionServing: Sendable {
    let dispatcher: any RPCDispatching
    let responder: RPCResponder
    let idleTimeout: TimeAmount
    let maxLineBytes: Int
    /// Unsent reply bytes past which the connection stops reading (`maxUnsentReplyBytes`).
    let pauseAtUnsentBytes: Int
    /// Unsent reply bytes past which the connection is closed (`closeAtUnsentReplyBytes`).
    let closeAtUnsentBytes: Int
    /// What all connections hold together (`maxUnsentReplyBytesTotal`).
    let budget: ReplyBudget

    /// Unsent bytes past which a flush writes a marker to learn when the socket took them: below
    /// it a connection is "quiet" (`ReplyBudget.quietBytes`) and exact figures change nothing.
    var markAtUnsentBytes: Int { min(ReplyBudget.quietBytes, pauseAtUnsentBytes / 2) }
    let logger: Logger
}

/// Serves one connection on its event loop: one line in, one reply line out, in order. Its states
/// and transitions are `ConnectionStateMachine`'s; this class carries out what the machine says
/// and keeps the byte counts.
///
/// A request the dispatcher can answer at once (`RPCDispatching.dispatchImmediately`) is answered
/// right here, on the I/O thread, with no task, timer or hop: that is the fast path. Anything else
/// runs off the event loop under the responder's deadline (`RPCResponder.start`, the one mechanism
/// for single requests and batch members); meanwhile later lines wait in a queue and reading stops, so a pipelining client
/// is answered in order and cannot make the server buffer without bound.
///
/// `ChannelShouldQuiesceEvent` (the server stopping) drains the connection: it reads nothing
/// more, answers every line it has read, then closes.
///
/// Replies the socket has not taken yet are counted, here and in the server's `ReplyBudget`: past
/// `pauseAtUnsentBytes` the connection starts nothing and reads nothing until they drain (a client
/// that does not read its replies, which the idle timer then closes); past `closeAtUnsentBytes` it
/// is closed at once. Bytes count from their write until a flush marker written after them
/// completes: a marker is written at a flush only once the connection holds more than
/// `markAtUnsentBytes` (64 KiB, or half the pause limit when lower), so the fast path of a client
/// that reads (a few hundred bytes between flushes) writes one per 64 KiB of replies.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var serving: ConnectionServing?
    private var context: ChannelHandlerContext?
    /// The connection's state, queue and running request.
    private(set) var machine = ConnectionStateMachine<LineFrame>()
    /// Cancels the request (or batch) the machine has running.
    private var cancelRunning: (@Sendable () -> Void)?
    private var needsFlush = false
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    /// Reply bytes written and not yet taken by the socket (or failed with the channel).
    private(set) var unsentBytes = 0
    private var processing = false
    private var processAgain = false
    /// Of those, the bytes written since the last flush marker (charged to the budget at the next).
    private var unmarkedBytes = 0

    init() {}

    // MARK: Lifecycle (called on the event loop)

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The server admitted the connection: serve what has arrived and start reading.
    func start(_ serving: ConnectionServing) {
        guard let context, machine.admitted() else { return }
        self.serving = serving
        lastActivity = .now()
        scheduleIdleCheck(at: lastActivity + serving.idleTimeout)
        process(context, flush: true)
    }

    /// The server turned the connection away: one line, then close.
    func refuse(_ line: ByteBuffer) {
        guard let context, machine.refused() else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(line)).whenComplete { _ in bound.value.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Bytes written with no marker yet: no promise will give them back.
        unsentBytes -= unmarkedBytes
        unmarkedBytes = 0
        idleCheck?.cancel()
        idleCheck = nil
        if machine.inactive() != nil { cancelRunning?() }
        cancelRunning = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        serving?.logger.debug("connection ended with an error", metadata: ["rpc.error": "\(error)"])
        _ = machine.close()
        context.close(promise: nil)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        if machine.read(unwrapInboundIn(data)) { process(context, flush: false) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context)
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, machine.isServing { process(context, flush: true) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The peer half-closed: answer what is queued (and in flight), then close.
            if machine.inputClosed() { process(context, flush: true) }
        } else if event is ChannelShouldQuiesceEvent {
            // The server is stopping: read nothing more, answer what was read, then close.
            serving?.logger.debug("draining the connection", metadata: ["rpc.queued": "\(machine.queue.count)"])
            if machine.drain() { process(context, flush: true) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if machine.readRequested(mayStart: mayStart) { context.read() }
    }

    // MARK: Serving

    /// Answers queued lines until one has to wait (async work, a full socket) or none are left.
    private func process(_ context: ChannelHandlerContext, flush: Bool) {
        // A flush can complete the marker of sent replies at once, calling back in here: the call
        // in progress goes round again instead, so replies keep their order.
        guard !processing else {
            processAgain = true
            return
        }
        processing = true
        defer { processing = false }
        var again = false
        repeat {
            processAgain = false
            processQueue(context, flush: flush || again)
            again = true
        } while processAgain
    }

    private func processQueue(_ context: ChannelHandlerContext, flush: Bool) {
        guard let serving else { return }
        while let frame = machine.next(mayStart: mayStart) {
            switch frame {
            case .tooLong:
                serving.logger.notice(
                    "request line too long: closing", metadata: ["rpc.max_line_bytes": "\(serving.maxLineBytes)"])
                let error = RPCError.invalidRequest("the line is longer than \(serving.maxLineBytes) bytes")
                write(context, RPCCodec.failure(error, id: .null))
                if machine.close() { closeAfterWrites(context) }
                return
            case .line(let bytes):
                if Self.isBlank(bytes) { continue }
                answer(bytes, context: context, serving: serving)
            }
        }
        if flush { flushIfNeeded(context) }
        switch machine.settled(mayStart: mayStart) {
        case .nothing: break
        case .read: context.read()
        case .closeAfterWrites: closeAfterWrites(context)
        }
    }

    private func answer(_ bytes: ByteBuffer, context: ChannelHandlerContext, serving: ConnectionServing) {
        let message = bytes.withUnsafeReadableBytes { RPCCodec.parse(bytes: $0) }
        switch message {
        case .single(.invalid(let error, let id)):
            serving.responder.logProtocolError(error)
            write(context, RPCCodec.failure(error, id: id))
        case .single(.request(let request)):
            if let outcome = serving.dispatcher.dispatchImmediately(request, context: serving.responder.context) {
                lastActivity = .now()
                guard let id = request.id else { return }
                switch outcome {
                case .success(let result): writeSuccess(context, result: result, id: id)
                case .failure(let error): write(context, RPCCodec.failure(error, id: id))
                }
            } else {
                startAsync(context, serving: serving, single: request, batch: nil)
            }
        case .batch(let members):
            startAsync(context, serving: serving, single: nil, batch: members)
        }
    }

    /// Runs one request (or a batch) off the event loop, under the responder's deadline; its reply
    /// comes back here, in order.
    private func startAsync(
        _ context: ChannelHandlerContext, serving: ConnectionServing, single: RPCRequest?, batch: [RPCIncoming]?
    ) {
        let mine = machine.started()
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let responder = serving.responder
        if let single {
            let running = responder.start(single, timeout: responder.requestTimeout) { outcome in
                let reply = RPCResponder.reply(outcome, to: single)
                loop.execute { bound.value.finish(mine, reply: reply) }
            }
            cancelRunning = running.cancel
            return
        }
        let task = Task {
            let (line, held) = await responder.replyHolding(batch: batch ?? [])
            loop.execute {
                bound.value.finish(mine, line: line)
                // Written and counted by the connection now (or dropped with it): no longer the batch's.
                responder.budget.release(held)
            }
        }
        cancelRunning = task.cancel
    }

    /// The reply to the request in flight arrived: as data (a single request) or as a whole line (a batch).
    private func finish(_ finished: UInt64, reply: Data? = nil, line: ByteBuffer? = nil) {
        guard let context, machine.finished(finished) else { return }
        cancelRunning = nil
        lastActivity = .now()
        if let reply { write(context, reply) }
        if let line { counted(context, line) }
        process(context, flush: true)
    }

    // MARK: Unsent replies

    /// Whether the connection may start another request: its unsent replies are under its pause
    /// limit, and, while all connections together hold more than the budget, it is reading them.
    private var mayStart: Bool {
        guard let serving else { return false }
        if unsentBytes > serving.pauseAtUnsentBytes { return false }
        return unsentBytes <= ReplyBudget.quietBytes || !serving.budget.isOver
    }

    /// Counts a reply about to be written; closes the connection past its hard limit.
    private func counted(_ context: ChannelHandlerContext, _ buffer: ByteBuffer) {
        unsentBytes += buffer.readableBytes
        unmarkedBytes += buffer.readableBytes
        needsFlush = true
        context.write(wrapOutboundOut(buffer), promise: nil)
        if let serving, !machine.isClosing, unsentBytes > serving.closeAtUnsentBytes {
            serving.logger.notice(
                "unsent replies over the limit: closing",
                metadata: [
                    "rpc.unsent.bytes": "\(unsentBytes)", "rpc.unsent.close_limit": "\(serving.closeAtUnsentBytes)",
                ])
            _ = machine.close()
            context.close(promise: nil)
        }
    }

    /// Writes a marker after the replies written since the last one: when it completes, the socket
    /// has taken them (or the channel failed them), and they are no longer counted.
    private func markWritten(_ context: ChannelHandlerContext) {
        guard unmarkedBytes > 0, let serving else { return }
        let bytes = unmarkedBytes
        unmarkedBytes = 0
        serving.budget.charge(bytes)
        let promise = context.eventLoop.makePromise(of: Void.self)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        promise.futureResult.whenComplete { _ in bound.value.taken(bytes) }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
    }

    /// The socket took (or the channel dropped) `bytes` of replies: maybe serve again.
    private func taken(_ bytes: Int) {
        unsentBytes -= bytes
        serving?.budget.release(bytes)
        guard let context, machine.isServing else { return }
        if !machine.queue.isEmpty || machine.readHeld { process(context, flush: true) }
    }

    // MARK: Writing

    private func write(_ context: ChannelHandlerContext, _ reply: Data) {
        var buffer = context.channel.allocator.buffer(capacity: reply.count + 1)
        buffer.writeBytes(reply)
        buffer.writeInteger(UInt8(ascii: "\n"))
        counted(context, buffer)
    }

    private static let successHead = Array(#"{"jsonrpc":"2.0","result":"#.utf8)
    private static let idHead = Array(#","id":"#.utf8)

    /// A success reply built straight into the outgoing buffer.
    private func writeSuccess(_ context: ChannelHandlerContext, result: Data, id: RPCID) {
        let idBytes: Data
        switch id {
        case .int(let value) where value >= 0 && value < 10:
            idBytes = Data([UInt8(ascii: "0") + UInt8(value)])
        default:
            idBytes = RPCCodec.encodeID(id)
        }
        var buffer = context.channel.allocator.buffer(
            capacity: Self.successHead.count + result.count + Self.idHead.count + idBytes.count + 2)
        buffer.writeBytes(Self.successHead)
        RPCResponder.writeChecked(result, into: &buffer)
        buffer.writeBytes(Self.idHead)
        buffer.writeBytes(idBytes)
        buffer.writeInteger(UInt8(ascii: "}"))
        buffer.writeInteger(UInt8(ascii: "\n"))
        counted(context, buffer)
    }

    private func flushIfNeeded(_ context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            // A marker (a promise, a closure, a lock) per flush cost the ping fast path a fifth of
            // its throughput; a connection holding little needs no exact count, so one is written
            // only past `markAtUnsentBytes`, and then covers everything written since the last.
            if let serving, unsentBytes > serving.markAtUnsentBytes { markWritten(context) }
            context.flush()
        }
    }

    /// Closes once everything written so far has gone out (a plain close would drop it); the
    /// machine is already `closing`.
    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        needsFlush = false
        markWritten(context)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    // MARK: Idle timeout

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(deadline: deadline) { bound.value.idleCheckFired() }
    }

    /// Closes a connection with nothing in progress and nothing received for the idle timeout; a
    /// request in progress is not idle time, a reply the client does not read is.
    private func idleCheckFired() {
        guard let serving, let context, !machine.isClosing else { return }
        let now = NIODeadline.now()
        if machine.running != nil {
            scheduleIdleCheck(at: now + serving.idleTimeout)
        } else if now >= lastActivity + serving.idleTimeout {
            // Notice, not debug: a client that stops half-way through a line ends here too.
            serving.logger.notice(
                "connection idle: closing",
                metadata: ["rpc.idle_timeout": "\(serving.idleTimeout.nanoseconds / 1_000_000) ms"])
            _ = machine.close()
            context.close(promise: nil)
        } else {
            scheduleIdleCheck(at: lastActivity + serving.idleTimeout)
        }
    }

    private static func isBlank(_ bytes: ByteBuffer) -> Bool {
        bytes.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}
