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
    let requestTimeout: TimeAmount
    let maxLineBytes: Int
    let logger: Logger
}

/// Serves one connection on its event loop: one line in, one reply line out, in order.
///
/// A request the dispatcher can answer at once (`RPCDispatching.dispatchImmediately`) is answered
/// right here, on the I/O thread, with no task, timer or hop: that is the fast path. Anything else
/// runs in one `Task`, with its deadline as a timer on the event loop; meanwhile later lines wait in
/// a queue and reading stops, so a pipelining client is answered in order and cannot make the
/// server buffer without bound. Reading also stops while the channel is not writable (a client
/// that does not read its replies), which the idle timer then closes.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct InFlight {
        let token: UInt64
        let task: Task<Void, Never>
        let deadline: Scheduled<Void>?
    }

    private var serving: ConnectionServing?
    private var context: ChannelHandlerContext?
    private var queue = CircularBuffer<LineFrame>(initialCapacity: 4)
    private var inFlight: InFlight?
    private var token: UInt64 = 0
    private var readHeld = false
    private var inputClosed = false
    private var closing = false
    private var needsFlush = false
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?

    init() {}

    // MARK: Lifecycle (called on the event loop)

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The server admitted the connection: serve what has arrived and start reading.
    func start(_ serving: ConnectionServing) {
        guard let context, !closing else { return }
        self.serving = serving
        lastActivity = .now()
        scheduleIdleCheck(at: lastActivity + serving.idleTimeout)
        process(context, flush: true)
    }

    /// The server turned the connection away: one line, then close.
    func refuse(_ line: ByteBuffer) {
        guard let context, !closing else { return }
        closing = true
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(line)).whenComplete { _ in bound.value.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        idleCheck?.cancel()
        idleCheck = nil
        if let inFlight {
            inFlight.deadline?.cancel()
            inFlight.task.cancel()
            self.inFlight = nil
        }
        queue.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        serving?.logger.debug("connection ended with an error", metadata: ["rpc.error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        queue.append(unwrapInboundIn(data))
        lastActivity = .now()
        if serving != nil { process(context, flush: false) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context)
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, serving != nil { process(context, flush: true) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The peer half-closed: answer what is queued (and in flight), then close.
            inputClosed = true
            if serving != nil { process(context, flush: true) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if serving == nil || closing || inFlight != nil || !queue.isEmpty || !context.channel.isWritable {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: Serving

    /// Answers queued lines until one has to wait (async work, a full socket) or none are left.
    private func process(_ context: ChannelHandlerContext, flush: Bool) {
        guard let serving else { return }
        while inFlight == nil, !closing, context.channel.isWritable, let frame = queue.popFirst() {
            switch frame {
            case .tooLong:
                serving.logger.notice(
                    "request line too long: closing", metadata: ["rpc.max_line_bytes": "\(serving.maxLineBytes)"])
                let error = RPCError.invalidRequest("the line is longer than \(serving.maxLineBytes) bytes")
                write(context, RPCCodec.failure(error, id: .null))
                closeAfterWrites(context)
                return
            case .line(let bytes):
                if Self.isBlank(bytes) { continue }
                answer(bytes, context: context, serving: serving)
            }
        }
        if flush { flushIfNeeded(context) }
        guard inFlight == nil, queue.isEmpty, !closing else { return }
        if inputClosed {
            closeAfterWrites(context)
        } else if readHeld, context.channel.isWritable {
            readHeld = false
            context.read()
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

    /// Runs one request (or a batch) off the event loop; its reply comes back here, in order.
    private func startAsync(
        _ context: ChannelHandlerContext, serving: ConnectionServing, single: RPCRequest?, batch: [RPCIncoming]?
    ) {
        token &+= 1
        let mine = token
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let responder = serving.responder
        let task = Task {
            let reply: Data?
            if let single {
                reply = await responder.answer(single)
            } else {
                reply = await responder.reply(batch: batch ?? [])
            }
            loop.execute { bound.value.finish(mine, reply: reply) }
        }
        var deadline: Scheduled<Void>?
        if let single {
            // A batch's members each have their own deadline (RPCResponder); a single request's is
            // a timer on the event loop: it answers even when the dispatcher ignores cancellation.
            let timeout = serving.requestTimeout
            deadline = loop.scheduleTask(in: timeout) {
                let handler = bound.value
                guard handler.inFlight?.token == mine else { return }
                handler.inFlight?.task.cancel()
                responder.logDeadlineExceeded(single, timeout: timeout)
                handler.finish(mine, reply: single.id.map { RPCCodec.failure(RPCResponder.deadlineExceeded(timeout), id: $0) })
            }
        }
        inFlight = InFlight(token: mine, task: task, deadline: deadline)
    }

    private func finish(_ finished: UInt64, reply: Data?) {
        guard let context, let current = inFlight, current.token == finished else { return }
        current.deadline?.cancel()
        inFlight = nil
        lastActivity = .now()
        if let reply { write(context, reply) }
        process(context, flush: true)
    }

    // MARK: Writing

    private func write(_ context: ChannelHandlerContext, _ reply: Data) {
        var buffer = context.channel.allocator.buffer(capacity: reply.count + 1)
        buffer.writeBytes(reply)
        buffer.writeInteger(UInt8(ascii: "\n"))
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
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
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
    }

    private func flushIfNeeded(_ context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    /// Closes once everything written so far has gone out (a plain close would drop it).
    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        closing = true
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        needsFlush = false
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
        guard let serving, let context, !closing else { return }
        let now = NIODeadline.now()
        if inFlight != nil {
            scheduleIdleCheck(at: now + serving.idleTimeout)
        } else if now >= lastActivity + serving.idleTimeout {
            // Notice, not debug: a client that stops half-way through a line ends here too.
            serving.logger.notice(
                "connection idle: closing", metadata: ["rpc.idle_timeout": "\(serving.idleTimeout.nanoseconds / 1_000_000) ms"])
            closing = true
            context.close(promise: nil)
        } else {
            scheduleIdleCheck(at: lastActivity + serving.idleTimeout)
        }
    }

    private static func isBlank(_ bytes: ByteBuffer) -> Bool {
        bytes.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}
