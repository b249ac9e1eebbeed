public import CoachRPC
public import Foundation

/// What the server knows about the request beyond the request itself.
public struct RPCContext: Sendable {
    /// Who is calling, from the socket.
    public var peer: PeerCredentials
    /// A number unique to the connection within this server's lifetime (for logs).
    public var connectionID: UInt64
    /// Lines the daemon pushes to this connection unasked (notifications); nil off a socket.
    public var outlet: RPCOutlet?

    /// A context as given; the server builds one per connection.
    public init(peer: PeerCredentials, connectionID: UInt64, outlet: RPCOutlet? = nil) {
        self.peer = peer
        self.connectionID = connectionID
        self.outlet = outlet
    }
}

/// What the daemon implements: runs one well-formed request and returns its encoded `result`.
///
/// The transport has already checked the envelope; the dispatcher decodes the params (for
/// example with `RPCCodec.decodeParams`), and throws an `RPCError` for anything the caller
/// should hear about. It is also called for notifications, whose result and error are dropped.
/// The task is cancelled when the request's deadline passes or the server shuts down.
public protocol RPCDispatching: Sendable {
    /// Runs `request` for the caller in `context`; returns the `result` member as encoded JSON.
    func dispatch(_ request: RPCRequest, context: RPCContext) async throws(RPCError) -> Data

    /// Answers `request` at once when that needs no waiting (a constant, an answer already in
    /// memory), or returns nil to have it run through `dispatch`. Called on the connection's I/O
    /// thread, so it must never block or do I/O; it is the fast path, with no task and no deadline.
    /// A shortcut only: `dispatch` must give the same answer for the same request.
    func dispatchImmediately(_ request: RPCRequest, context: RPCContext) -> Result<Data, RPCError>?
}

extension RPCDispatching {
    /// By default every request goes through `dispatch`.
    public func dispatchImmediately(_ request: RPCRequest, context: RPCContext) -> Result<Data, RPCError>? { nil }
}
