import CoachRPC
import Foundation
import Logging
import Synchronization

/// Answers the lines of one connection: parses each, runs its requests through the dispatcher
/// under the request deadline, and encodes the reply line. No I/O; the connection loop writes.
struct RPCResponder: Sendable {
    let dispatcher: any RPCDispatching
    let context: RPCContext
    let requestTimeout: Duration
    let logger: Logger

    /// The reply to one line (without its line break), or nil when nothing is to be sent: the
    /// line held only notifications, or the server is shutting down.
    func reply(to line: Data) async -> Data? {
        switch RPCCodec.parse(line) {
        case .single(let incoming):
            return await answer(incoming)
        case .batch(let members):
            var replies: [Data] = []
            for member in members {
                if Task.isCancelled { return nil }
                if let reply = await answer(member) { replies.append(reply) }
            }
            return RPCCodec.batch(replies)
        }
    }

    /// The reply to one request object, or nil for a notification.
    private func answer(_ incoming: RPCIncoming) async -> Data? {
        switch incoming {
        case .invalid(let error, let id):
            logger.notice(
                "protocol error",
                metadata: ["rpc.error.code": "\(error.code)", "rpc.error.name": "\(error.name)"])
            return RPCCodec.failure(error, id: id)
        case .request(let request):
            let outcome = await run(request)
            guard let id = request.id else { return nil }
            switch outcome {
            case .success(let result):
                return RPCCodec.success(result: result, id: id)
            case .failure(let error):
                return RPCCodec.failure(error, id: id)
            case .cancelled:
                return nil
            }
        }
    }

    /// Runs one request under the deadline. The reply goes out when the deadline passes even if
    /// the dispatcher ignores its cancellation; that work then finishes unobserved.
    private func run(_ request: RPCRequest) async -> DispatchOutcome {
        let slot = OutcomeSlot()
        let dispatcher = self.dispatcher
        let context = self.context
        let work = Task {
            let outcome: DispatchOutcome
            do throws(RPCError) {
                outcome = .success(Self.checked(try await dispatcher.dispatch(request, context: context)))
            } catch {
                outcome = .failure(error)
            }
            slot.resume(outcome)
        }
        let timeout = requestTimeout
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
            } catch {
                return
            }
            slot.resume(.failure(Self.deadlineExceeded(timeout)))
        }
        let outcome = await withTaskCancellationHandler {
            await slot.wait()
        } onCancel: {
            slot.resume(.cancelled)
        }
        timer.cancel()
        work.cancel()
        if case .failure(let error) = outcome, error.name == .deadlineExceeded {
            logger.notice(
                "request deadline exceeded",
                metadata: ["rpc.method": "\(request.method)", "rpc.deadline": "\(timeout)"])
        }
        return outcome
    }

    private static func deadlineExceeded(_ timeout: Duration) -> RPCError {
        RPCError(
            .deadlineExceeded, "the request took longer than \(timeout)",
            hint: "the daemon is overloaded or the request is too large; retry later")
    }

    /// A result that would break the framing or the reply: empty, or holding line breaks (which in
    /// valid JSON can only be insignificant whitespace, so they become spaces).
    private static func checked(_ result: Data) -> Data {
        if result.isEmpty { return Data("null".utf8) }
        guard result.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return result }
        return Data(result.map { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") ? UInt8(ascii: " ") : $0 })
    }
}

/// How one dispatch ended.
enum DispatchOutcome: Sendable {
    case success(Data)
    case failure(RPCError)
    case cancelled
}

/// Hands the first of several racing outcomes to the one waiter; later ones are dropped.
final class OutcomeSlot: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<DispatchOutcome, Never>)
        case ready(DispatchOutcome)
        case done
    }

    private let state = Mutex<State>(.empty)

    func resume(_ outcome: DispatchOutcome) {
        let continuation: CheckedContinuation<DispatchOutcome, Never>? = state.withLock { state in
            switch state {
            case .empty:
                state = .ready(outcome)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .ready, .done:
                return nil
            }
        }
        continuation?.resume(returning: outcome)
    }

    func wait() async -> DispatchOutcome {
        await withCheckedContinuation { continuation in
            let ready: DispatchOutcome? = state.withLock { state in
                switch state {
                case .ready(let outcome):
                    state = .done
                    return outcome
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .waiting, .done:
                    preconditionFailure("OutcomeSlot.wait called twice")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
