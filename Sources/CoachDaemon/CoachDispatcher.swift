import CoachRPC
import CoachRPCSocket
import Foundation
import Logging

/// Routes each well-formed request to its handler and turns every failure into a wire error.
/// Denials and store failures are logged with ids and kinds only, never params.
struct CoachDispatcher: RPCDispatching {
    let table: MethodTable
    let logger: Logger

    func dispatch(_ request: RPCRequest, context: RPCContext) async throws(RPCError) -> Data {
        guard let handler = table.handler(for: request.method) else {
            throw RPCError.methodNotFound(request.method)
        }
        let started = ContinuousClock.now
        do {
            let result = try await handler(request.params, Peer(uid: context.peer.uid, gid: context.peer.gid))
            logger.debug(
                "request served",
                metadata: [
                    "coachd.method": "\(request.method)", "coachd.peer_uid": "\(context.peer.uid)",
                    "coachd.duration_us": "\(Self.micros(since: started))",
                ])
            return result
        } catch {
            let wire = RPCError.from(error)
            switch wire.name {
            case .permissionDenied:
                logger.notice(
                    "\(request.method) denied to uid \(context.peer.uid)",
                    metadata: [
                        "coachd.event": "\(JournalEvent.requestDenied.rawValue)", "coachd.method": "\(request.method)",
                        "coachd.peer_uid": "\(context.peer.uid)", "coachd.peer_pid": "\(context.peer.pid)",
                    ])
            case .storeUnavailable, .internalError:
                logger.error(
                    "\(request.method) failed",
                    metadata: [
                        "coachd.event": "\(JournalEvent.storeError.rawValue)", "coachd.method": "\(request.method)",
                        "coachd.peer_uid": "\(context.peer.uid)", "coachd.error": "\(String(describing: error))",
                    ])
            default:
                break
            }
            throw wire
        }
    }

    /// Constants and cached answers, without a task: the connection's fast path.
    func dispatchImmediately(_ request: RPCRequest, context: RPCContext) -> Result<Data, RPCError>? {
        guard let handler = table.immediateHandler(for: request.method),
            let result = handler(request.params, Peer(uid: context.peer.uid, gid: context.peer.gid))
        else { return nil }
        logger.debug(
            "request served",
            metadata: [
                "coachd.method": "\(request.method)", "coachd.peer_uid": "\(context.peer.uid)",
                "coachd.immediate": "true",
            ])
        return .success(result)
    }

    static func micros(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
    }
}
