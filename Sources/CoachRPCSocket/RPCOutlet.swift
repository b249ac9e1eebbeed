import NIOConcurrencyHelpers
public import NIOCore

/// A connection's way out for lines the client did not ask for: JSON-RPC notifications pushed by
/// the daemon (`events.event`). The server makes one per connection and hands it to the
/// dispatcher in `RPCContext`; it may be used from any thread.
///
/// Pushed lines wait while a request of the connection is in progress, so a reply always comes
/// before anything pushed after it was started. Once pushing is enabled, a connection holding more
/// than `queueLimit` pushed lines its socket has not taken is sent the `overflow` line and closed:
/// a subscriber that falls behind never makes the daemon hold more for it, nor slows the others.
public final class RPCOutlet: Sendable {
    private let handler: NIOLoopBound<RPCConnectionHandler>
    /// The connection's event loop (pushes for one loop may be grouped).
    public let eventLoop: any EventLoop
    private let state = NIOLockedValueBox(State())

    private struct State {
        var closed = false
        var onClose: [@Sendable () -> Void] = []
    }

    init(handler: NIOLoopBound<RPCConnectionHandler>, eventLoop: any EventLoop) {
        self.handler = handler
        self.eventLoop = eventLoop
    }

    /// Allows pushing, with at most `queueLimit` lines unsent before `overflow` is sent and the
    /// connection closed. Lines pushed before this are dropped.
    public func enablePush(queueLimit: Int, overflow: ByteBuffer) {
        let handler = self.handler
        eventLoop.execute { handler.value.enablePush(queueLimit: queueLimit, overflow: overflow) }
    }

    /// Sends one line (a complete JSON text ending in a newline); dropped once the connection is closed.
    public func push(_ line: ByteBuffer) {
        let handler = self.handler
        if eventLoop.inEventLoop {
            handler.value.push(line)
        } else {
            eventLoop.execute { handler.value.push(line) }
        }
    }

    /// Closes the connection (the client may connect again).
    public func close() {
        let handler = self.handler
        eventLoop.execute { handler.value.closeNow() }
    }

    /// Whether the connection has closed.
    public var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// Runs `body` once the connection closes (at once when it already has).
    public func onClose(_ body: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state -> Bool in
            if state.closed { return true }
            state.onClose.append(body)
            return false
        }
        if now { body() }
    }

    /// The connection closed: tell whoever asked.
    func markClosed() {
        let bodies = state.withLockedValue { state -> [@Sendable () -> Void] in
            state.closed = true
            defer { state.onClose = [] }
            return state.onClose
        }
        for body in bodies { body() }
    }
}
