import CoachRPC
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the requests of one connection that need the dispatcher's async path (the connection
/// handler answers the rest on its event loop) and encodes their replies. No I/O.
struct RPCResponder: Sendable {
    let dispatcher: any RPCDispatching
    let context: RPCContext
    let requestTimeout: Duration
    let logger: Logger
    /// Requests whose work is running, across all connections (`maxConnections`).
    var gate = RequestGate(limit: .max)
    var maxBatchRequests = Int.max
    var maxBatchReplyBytes = Int.max
    /// Unsent replies across all connections: batch replies being built count too.
    var budget = ReplyBudget(limit: .max)
    /// Whether this connection's peer is an admin: its requests may use the gate's reserved places.
    var isAdmin = false
    /// How long a whole batch may take (`RPCServerConfiguration.batchTimeout`): a member still
    /// running then is answered `DeadlineExceeded`, and the members after it are too, unrun.
    var batchTimeout: Duration = .seconds(60)
    /// Where deadline timers run: the connection's event loop (a timer there needs no thread of
    /// the cooperative pool, which a burst of work may hold).
    var timerLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()

    /// The reply to a batch: each member in turn, each under its own deadline and all under the
    /// batch's (`batchTimeout`). A batch over
    /// `maxBatchRequests` gets one Invalid Request and none of it runs; once the replies pass
    /// `maxBatchReplyBytes`, or the replies the server holds pass its budget, the remaining requests
    /// are answered `Busy` without running. The replies count against the budget while they are built.
    func reply(batch members: [RPCIncoming]) async -> Data? {
        let (line, held) = await replyHolding(batch: members)
        budget.release(held)
        return line.map { Data($0.readableBytesView.dropLast()) }
    }

    /// As `reply(batch:)`, as the reply line itself (`\n` included), ready to write; its bytes stay
    /// counted in the budget: the caller releases `held` once it counts the line itself (the
    /// connection, after writing it), so there is no moment in which they exist uncounted. Each
    /// member's reply is appended to the line as it comes, not kept apart and joined: a joined copy
    /// and a copy into the outgoing buffer tripled what a batch held.
    func replyHolding(batch members: [RPCIncoming]) async -> (line: ByteBuffer?, held: Int) {
        if members.count > maxBatchRequests {
            logger.notice(
                "batch too large: refused",
                metadata: ["rpc.batch.size": "\(members.count)", "rpc.batch.limit": "\(maxBatchRequests)"])
            let error = RPCError.invalidRequest(
                "a batch of \(members.count) requests; at most \(maxBatchRequests) are accepted, and none of these ran")
            return (Self.line(RPCCodec.failure(error, id: .null)), 0)
        }
        var line = ByteBuffer()
        var replyCount = 0
        func append(_ reply: Data) {
            line.writeInteger(UInt8(ascii: replyCount == 0 ? "[" : ","))
            line.writeBytes(reply)
            replyCount += 1
        }
        var replyBytes = 0
        var overBudget = false
        let clock = ContinuousClock()
        let batchDeadline = clock.now.advanced(by: batchTimeout)
        var pastDeadline = false
        for (index, member) in members.enumerated() {
            if Task.isCancelled { return (nil, replyBytes) }
            // Members that never suspend (`daemon.ping`) would hold a thread of the two-thread
            // cooperative pool for the whole batch: 64 such batches starved the tasks that admit
            // connections and answer `daemon.status`. A turn every 16 members lets them in.
            if index > 0, index % 16 == 0 { await Task.yield() }
            if case .request(let request) = member {
                if replyBytes > maxBatchReplyBytes {
                    // Not run: the reply is already as large as one batch may make it.
                    if let id = request.id { append(RPCCodec.failure(Self.replyFull(maxBatchReplyBytes), id: id)) }
                    continue
                }
                if budget.isOver {
                    // Not run: other clients' unread replies fill what the server means to hold.
                    overBudget = true
                    if let id = request.id { append(RPCCodec.failure(Self.budgetFull(budget.limit), id: id)) }
                    continue
                }
                if clock.now >= batchDeadline {
                    // Not run: the batch has used all its time.
                    pastDeadline = true
                    if let id = request.id {
                        append(RPCCodec.failure(Self.batchDeadlineExceeded(batchTimeout), id: id))
                    }
                    continue
                }
            }
            let left = batchDeadline - clock.now
            if let reply = await answer(member, timeout: min(requestTimeout, max(left, .zero))) {
                replyBytes += reply.count
                budget.charge(reply.count)
                append(reply)
            }
        }
        if replyBytes > maxBatchReplyBytes {
            logger.notice("batch reply limit reached", metadata: ["rpc.batch.reply_limit": "\(maxBatchReplyBytes)"])
        }
        if pastDeadline {
            logger.notice(
                "batch deadline exceeded: its remaining requests answered DeadlineExceeded",
                metadata: ["rpc.batch.deadline": "\(batchTimeout)"])
        }
        if overBudget {
            logger.notice(
                "unsent replies over the total limit: batch requests answered Busy",
                metadata: ["rpc.unsent.total_limit": "\(budget.limit)"])
        }
        // Nothing for a batch of notifications only.
        guard replyCount > 0 else { return (nil, replyBytes) }
        line.writeInteger(UInt8(ascii: "]"))
        line.writeInteger(UInt8(ascii: "\n"))
        return (line, replyBytes)
    }

    /// A reply as a line.
    private static func line(_ reply: Data) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(reply.count + 1)
        buffer.writeBytes(reply)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    private static func budgetFull(_ limit: Int) -> RPCError {
        RPCError(
            .busy, "not run: the daemon holds \(limit) bytes of replies that clients have not read",
            hint: "retry in a moment; read the replies of your own requests")
    }

    private static func replyFull(_ limit: Int) -> RPCError {
        RPCError(
            .busy, "not run: the replies of this batch passed \(limit) bytes",
            hint: "send fewer requests per batch, or the large ones on their own")
    }

    private static func batchDeadlineExceeded(_ timeout: Duration) -> RPCError {
        RPCError(
            .deadlineExceeded, "not run: the batch took longer than \(timeout)",
            hint: "send fewer or smaller requests per batch; the daemon may be overloaded")
    }

    /// Takes a place among the requests running at once, or says why not.
    private func enterGate(_ request: RPCRequest) -> RPCError? {
        guard !gate.enter(admin: isAdmin) else { return nil }
        logger.warning(
            "saturated: request refused",
            metadata: ["rpc.method": "\(request.method)", "rpc.in_flight_limit": "\(gate.limit)"])
        return RPCError(
            .busy, "the daemon is saturated: \(gate.limit) requests are still running",
            hint: "retry in a moment; if it persists the journal tells why requests are slow")
    }

    /// Starts one request under a deadline: the one deadline mechanism, for single requests (the
    /// connection handler, with `requestTimeout`) and batch members (`run`) alike. The work runs in
    /// a task of its own and a timer on `timerLoop` races it; `done` gets the first outcome, once:
    /// the work's, `DeadlineExceeded` when the timer wins (even if the dispatcher ignores its
    /// cancellation; that work then finishes unobserved, holding its place in the gate), or
    /// `cancelled` when the returned request is cancelled.
    func start(
        _ request: RPCRequest, timeout: Duration, done: @escaping @Sendable (DispatchOutcome) -> Void
    ) -> RunningRequest {
        let slot = OutcomeSlot(done)
        if let refused = enterGate(request) {
            slot.resume(.failure(refused))
            return RunningRequest(slot: slot, work: nil, timer: nil)
        }
        let dispatcher = self.dispatcher
        let context = self.context
        let gate = self.gate
        let logger = self.logger
        let timer = timerLoop.scheduleTask(in: RPCSocketServer.timeAmount(timeout)) {
            if slot.resume(.failure(Self.deadlineExceeded(timeout))) {
                logger.notice(
                    "request deadline exceeded",
                    metadata: ["rpc.method": "\(request.method)", "rpc.deadline": "\(timeout)"])
            }
        }
        let work = Task {
            // The gate is left only when the work ends, even after its deadline has been answered.
            defer { gate.leave() }
            let outcome = await Self.dispatch(request, to: dispatcher, context: context)
            timer.cancel()
            slot.resume(outcome)
        }
        return RunningRequest(slot: slot, work: work, timer: timer)
    }

    /// Runs one request through the dispatcher; a result is made safe for the line framing.
    private static func dispatch(
        _ request: RPCRequest, to dispatcher: any RPCDispatching, context: RPCContext
    ) async -> DispatchOutcome {
        do throws(RPCError) {
            return .success(checked(try await dispatcher.dispatch(request, context: context)))
        } catch {
            return .failure(error)
        }
    }

    /// The reply line for an outcome: nil for a notification or a cancelled request.
    static func reply(_ outcome: DispatchOutcome, to request: RPCRequest) -> Data? {
        guard let id = request.id else { return nil }
        switch outcome {
        case .success(let result): return RPCCodec.success(result: result, id: id)
        case .failure(let error): return RPCCodec.failure(error, id: id)
        case .cancelled: return nil
        }
    }

    func logProtocolError(_ error: RPCError) {
        logger.notice(
            "protocol error", metadata: ["rpc.error.code": "\(error.code)", "rpc.error.name": "\(error.name)"])
    }

    /// The reply to one batch member, or nil for a notification.
    private func answer(_ incoming: RPCIncoming, timeout: Duration) async -> Data? {
        switch incoming {
        case .invalid(let error, let id):
            logProtocolError(error)
            return RPCCodec.failure(error, id: id)
        case .request(let request):
            let outcome: DispatchOutcome
            switch dispatcher.dispatchImmediately(request, context: context) {
            case .success(let result)?: outcome = .success(Self.checked(result))
            case .failure(let error)?: outcome = .failure(error)
            case nil: outcome = await run(request, timeout: timeout)
            }
            return Self.reply(outcome, to: request)
        }
    }

    /// Runs one batch member under a deadline (`start`), waiting for its outcome; cancelling the
    /// waiting task cancels the request.
    private func run(_ request: RPCRequest, timeout: Duration) async -> DispatchOutcome {
        let running = NIOLockedValueBox<RunningRequest?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let request = start(request, timeout: timeout) { continuation.resume(returning: $0) }
                running.withLockedValue { $0 = request }
                if Task.isCancelled { request.cancel() }
            }
        } onCancel: {
            running.withLockedValue { $0 }?.cancel()
        }
    }

    static func deadlineExceeded(_ timeout: Duration) -> RPCError {
        RPCError(
            .deadlineExceeded, "the request took longer than \(timeout)",
            hint: "the daemon is overloaded or the request is too large; retry later")
    }

    /// A result that would break the framing or the reply: empty, or holding line breaks (which in
    /// valid JSON can only be insignificant whitespace, so they become spaces).
    static func checked(_ result: Data) -> Data {
        if result.isEmpty { return Data("null".utf8) }
        guard hasLineBreak(result) else { return result }
        return Data(result.map { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") ? UInt8(ascii: " ") : $0 })
    }

    /// Writes `checked(result)` into `buffer` without an intermediate copy in the common case.
    static func writeChecked(_ result: Data, into buffer: inout ByteBuffer) {
        if result.isEmpty {
            buffer.writeStaticString("null")
        } else if hasLineBreak(result) {
            buffer.writeBytes(checked(result))
        } else {
            buffer.writeBytes(result)
        }
    }

    private static func hasLineBreak(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return false }
            return memchr(base, 0x0A, raw.count) != nil || memchr(base, 0x0D, raw.count) != nil
        }
    }
}

/// How one dispatch ended.
enum DispatchOutcome: Sendable {
    case success(Data)
    case failure(RPCError)
    case cancelled
}

/// A request started under a deadline (`RPCResponder.start`).
struct RunningRequest: Sendable {
    let slot: OutcomeSlot
    let work: Task<Void, Never>?
    let timer: Scheduled<Void>?

    /// Answers it `cancelled` (unless it is answered already) and cancels its work and timer.
    func cancel() {
        timer?.cancel()
        work?.cancel()
        slot.resume(.cancelled)
    }
}

/// Hands the first of several racing outcomes (the work, the deadline, a cancellation) to its
/// receiver; later ones are dropped.
final class OutcomeSlot: Sendable {
    private let receiver: NIOLockedValueBox<(@Sendable (DispatchOutcome) -> Void)?>

    init(_ receiver: @escaping @Sendable (DispatchOutcome) -> Void) {
        self.receiver = NIOLockedValueBox(receiver)
    }

    /// Delivers `outcome` if it is the first; true when it was.
    @discardableResult
    func resume(_ outcome: DispatchOutcome) -> Bool {
        let receiver = self.receiver.withLockedValue { receiver in
            defer { receiver = nil }
            return receiver
        }
        receiver?(outcome)
        return receiver != nil
    }
}

/// Counts the requests whose work is running, across connections, up to a limit: work that
/// ignores its deadline (a store stuck on I/O) must not pile up without bound.
/// `reserved` more places are kept for admins' requests, like their reserved connections.
final class RequestGate: Sendable {
    let limit: Int
    let reserved: Int
    private let running = NIOLockedValueBox(0)

    init(limit: Int, reserved: Int = 0) {
        self.limit = limit
        self.reserved = reserved
    }

    /// Takes a place; false when all are taken (for an admin, the reserved ones too).
    func enter(admin: Bool = false) -> Bool {
        let most = admin ? limit &+ reserved : limit
        return running.withLockedValue { count in
            guard count < most else { return false }
            count += 1
            return true
        }
    }

    /// Gives a place back.
    func leave() { running.withLockedValue { $0 -= 1 } }

    /// Places taken now.
    var count: Int { running.withLockedValue { $0 } }
}
