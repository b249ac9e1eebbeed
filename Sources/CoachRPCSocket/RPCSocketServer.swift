import CoachRPC
import Foundation
public import Logging
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

/// The JSON-RPC 2.0 server on a Unix socket: one JSON text per line, limits, peer credentials.
///
/// `bind` listens (or adopts systemd's socket); `serve` answers connections until `shutDown()`
/// (the drain: stop accepting, answer every request already read, close) or until its task is
/// cancelled (stop accepting, close every connection at once).
public final class RPCSocketServer: Sendable {
    private let configuration: RPCServerConfiguration
    private let logger: Logger
    private let listener: NIOAsyncChannel<AcceptedConnection, Never>
    private let state: NIOLockedValueBox<State>
    private let gate: RequestGate
    private let budget: ReplyBudget

    /// The path the server listens on (systemd's, for an inherited socket).
    public let boundPath: String

    private struct State {
        var limits: ConnectionLimits
        var served = false
        /// Admitted connections, by id: the ones a drain tells to finish.
        var connections: [UInt64: any Channel] = [:]
        /// `shutDown()` was called: connections admitted from now on drain at once.
        var draining = false
        /// The drain time is over: connections still open are closed, new ones at once.
        var drainOver = false
        var drainDeadline: Scheduled<Void>?
    }

    private init(
        configuration: RPCServerConfiguration, logger: Logger, listener: NIOAsyncChannel<AcceptedConnection, Never>,
        boundPath: String
    ) {
        self.configuration = configuration
        self.logger = logger
        self.listener = listener
        self.boundPath = boundPath
        self.gate = RequestGate(limit: configuration.maxConnections, reserved: configuration.reservedAdminConnections)
        self.budget = ReplyBudget(limit: configuration.maxUnsentReplyBytesTotal)
        self.state = NIOLockedValueBox(
            State(
                limits: ConnectionLimits(
                    maxTotal: configuration.maxConnections, maxPerUID: configuration.maxConnectionsPerUID,
                    reservedForAdmins: configuration.reservedAdminConnections)))
    }

    /// Open connections now (those being served; not the ones turned away as busy).
    public var connectionCount: Int {
        state.withLockedValue { $0.limits.open }
    }

    /// Bytes of replies held for clients now, across connections: written and not yet taken by
    /// their sockets, or being built for a batch.
    public var unsentReplyBytes: Int { budget.total }

    /// Listens on the configured path, or adopts `inheritedFD`. The socket accepts connections
    /// once this returns (they queue until `serve` runs), so the daemon can report READY.
    ///
    /// A stale socket file (nothing listening) is replaced; a live one fails with "already in use".
    public static func bind(_ configuration: RPCServerConfiguration, logger: Logger) async throws -> RPCSocketServer {
        let bootstrap = ServerBootstrap(group: configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let maxLineBytes = configuration.maxLineBytes
        let initializer: @Sendable (any Channel) -> EventLoopFuture<AcceptedConnection> = { channel in
            Self.initializeConnection(channel, maxLineBytes: maxLineBytes)
        }
        if let fd = configuration.inheritedFD {
            let listener = try await bootstrap.bind(fd, childChannelInitializer: initializer)
            let path = listener.channel.localAddress?.pathname ?? configuration.socketPath
            logger.debug("adopted the inherited socket", metadata: ["rpc.socket": "\(path)", "rpc.socket.fd": "\(fd)"])
            return RPCSocketServer(configuration: configuration, logger: logger, listener: listener, boundPath: path)
        }
        let path = configuration.socketPath
        let group = try configuration.socketGroup.map { name throws(RPCSocketError) in
            try SocketFile.groupID(named: name)
        }
        try SocketFile.prepare(path)
        let listener = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
        do {
            try SocketFile.applyPermissions(path, mode: configuration.socketMode, group: group)
        } catch {
            try? await listener.channel.close()
            throw error
        }
        logger.debug(
            "listening",
            metadata: [
                "rpc.socket": "\(path)", "rpc.socket.mode": "\(String(configuration.socketMode, radix: 8))",
                "rpc.socket.group": "\(configuration.socketGroup ?? "-")",
            ])
        return RPCSocketServer(configuration: configuration, logger: logger, listener: listener, boundPath: path)
    }

    /// Serves connections with `dispatcher` until `shutDown()` drains them, or until the task is
    /// cancelled: then stops accepting, closes every connection (cancelling requests in progress)
    /// and returns normally. Call once. Throws only when accepting fails for good, or on a second call.
    public func serve(_ dispatcher: any RPCDispatching) async throws {
        let first = state.withLockedValue { state in
            defer { state.served = true }
            return !state.served
        }
        guard first else { throw RPCSocketError.alreadyServing }
        var failure: (any Error)?
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.handle(connection, dispatcher: dispatcher) }
                    }
                }
            } catch {
                // Cancellation or a drain is the way to stop; anything else ends the server.
                let draining = state.withLockedValue { $0.draining }
                if !Task.isCancelled && !(error is CancellationError) && !draining { failure = error }
            }
            // The listener is closed. Draining: each connection closes once it has answered what
            // it read (or when the drain time is over); otherwise end the connections now.
            if !state.withLockedValue({ $0.draining }) { group.cancelAll() }
        }
        state.withLockedValue { state in
            state.drainDeadline?.cancel()
            state.drainDeadline = nil
        }
        if let failure {
            logger.error("the socket server stopped accepting", metadata: ["rpc.error": "\(failure)"])
            throw failure
        }
        logger.debug("the socket server stopped", metadata: ["rpc.socket": "\(boundPath)"])
    }

    /// Drains the server (SIGTERM): stops accepting, tells every connection to read nothing more,
    /// answer every request it has read and close; connections still open after
    /// `drainTimeout` are closed, cancelling what they run. `serve` returns once all are closed.
    public func shutDown() {
        let loop = listener.channel.eventLoop
        let drainTimeout = Self.timeAmount(configuration.drainTimeout)
        let open: [any Channel]? = state.withLockedValue { state in
            guard !state.draining else { return nil }
            state.draining = true
            state.drainDeadline = loop.scheduleTask(in: drainTimeout) { [self] in self.drainTimeIsOver() }
            return Array(state.connections.values)
        }
        guard let open else { return }
        logger.notice(
            "draining: no new connections or requests; answering the \(open.count) connections' requests already read",
            metadata: ["rpc.drain_timeout": "\(configuration.drainTimeout)"])
        listener.channel.close(promise: nil)
        for channel in open { Self.quiesce(channel) }
    }

    /// The drain time is over: close what is still open.
    private func drainTimeIsOver() {
        let open = state.withLockedValue { state in
            state.drainOver = true
            return Array(state.connections.values)
        }
        guard !open.isEmpty else { return }
        logger.warning(
            "the drain time is over: closing connections with requests still running",
            metadata: ["rpc.connections": "\(open.count)", "rpc.drain_timeout": "\(configuration.drainTimeout)"])
        for channel in open { channel.close(promise: nil) }
    }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }

    /// Stops listening without serving (for a daemon that fails after `bind`). A bound socket
    /// file is removed; an inherited socket is closed.
    public func close() async {
        try? await listener.channel.close()
    }

    // MARK: - Connections

    /// Sets up an accepted channel: peer credentials once, the line decoder, the connection
    /// handler (which holds every line until the server admits the connection).
    private static func initializeConnection(_ channel: any Channel, maxLineBytes: Int)
        -> EventLoopFuture<AcceptedConnection>
    {
        peerCredentials(of: channel).flatMapThrowing { peer in
            let handler = RPCConnectionHandler()
            try channel.pipeline.syncOperations.addHandlers(
                ByteToMessageHandler(LineFrameDecoder(maxLineBytes: maxLineBytes)), handler)
            return AcceptedConnection(
                channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), peer: peer)
        }
    }

    private static func peerCredentials(of channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        #if os(Linux)
            guard let provider = channel as? any SocketOptionProvider else {
                return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
            }
            let credentials: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            return credentials.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
        #else
            // No SO_PEERCRED: an identity no permission check grants anything to.
            return channel.eventLoop.makeSucceededFuture(PeerCredentials(pid: 0, uid: .max, gid: .max))
        #endif
    }

    /// Admits or turns away one connection, then serves it until it closes, idles out or the
    /// server stops (task cancellation closes it).
    private func handle(_ connection: AcceptedConnection, dispatcher: any RPCDispatching) async {
        let peer = connection.peer
        let isAdmin = configuration.isAdmin(peer)
        let admission = state.withLockedValue { $0.limits.admit(uid: peer.uid, isAdmin: isAdmin) }
        var logger = self.logger
        logger[metadataKey: "peer.uid"] = "\(peer.uid)"
        logger[metadataKey: "peer.pid"] = "\(peer.pid)"
        switch admission {
        case .rejectTotal(let id), .rejectPerUID(let id):
            logger[metadataKey: "rpc.connection"] = "\(id)"
            let perUID = if case .rejectPerUID = admission { true } else { false }
            refuse(connection, perUID: perUID, logger: logger)
            await Self.untilClosed(connection.channel)
        case .admit(let id, let reserved):
            logger[metadataKey: "rpc.connection"] = "\(id)"
            let channel = connection.channel
            let (draining, drainOver) = state.withLockedValue { state in
                state.connections[id] = channel
                return (state.draining, state.drainOver)
            }
            defer {
                state.withLockedValue { state in
                    state.limits.release(uid: peer.uid, reserved: reserved)
                    state.connections[id] = nil
                }
            }
            if reserved {
                logger.notice(
                    "connection opened in a slot reserved for admins",
                    metadata: ["rpc.limit.reserved": "\(configuration.reservedAdminConnections)"])
            } else {
                logger.debug("connection opened")
            }
            let outlet = RPCOutlet(handler: connection.handler, eventLoop: connection.channel.eventLoop)
            defer { outlet.markClosed() }
            let responder = RPCResponder(
                dispatcher: dispatcher, context: RPCContext(peer: peer, connectionID: id, outlet: outlet),
                requestTimeout: configuration.requestTimeout, logger: logger, gate: gate,
                maxBatchRequests: configuration.maxBatchRequests, maxBatchReplyBytes: configuration.maxBatchReplyBytes,
                budget: budget, isAdmin: isAdmin, batchTimeout: configuration.batchTimeout,
                timerLoop: connection.channel.eventLoop)
            let serving = ConnectionServing(
                dispatcher: dispatcher, responder: responder, idleTimeout: Self.timeAmount(configuration.idleTimeout),
                maxLineBytes: configuration.maxLineBytes,
                pauseAtUnsentBytes: configuration.maxUnsentReplyBytes,
                closeAtUnsentBytes: configuration.closeAtUnsentReplyBytes, budget: budget, logger: logger)
            let handler = connection.handler
            connection.channel.eventLoop.execute { handler.value.start(serving) }
            // Admitted while the server drains: it answers what it has read, then closes.
            if drainOver {
                channel.close(promise: nil)
            } else if draining {
                Self.quiesce(channel)
            }
            await Self.untilClosed(connection.channel)
            logger.debug("connection closed")
        }
    }

    /// Waits until the channel closes; cancelling the wait (the server stopping) closes it.
    private static func untilClosed(_ channel: any Channel) async {
        await withTaskCancellationHandler {
            try? await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Accepted, told `Busy` in one line, closed.
    private func refuse(_ connection: AcceptedConnection, perUID: Bool, logger: Logger) {
        let limit = perUID ? configuration.maxConnectionsPerUID : configuration.maxConnections
        let error = RPCError(
            .busy,
            perUID
                ? "too many connections from uid \(connection.peer.uid) (limit \(limit))"
                : "too many connections (limit \(limit))",
            hint: "close idle connections or retry later")
        logger.notice(
            "connection refused: busy",
            metadata: ["rpc.limit": "\(limit)", "rpc.limit.kind": "\(perUID ? "per-uid" : "total")"])
        let line = Self.line(RPCCodec.failure(error, id: .null))
        let handler = connection.handler
        connection.channel.eventLoop.execute { handler.value.refuse(line) }
    }

    private static func line(_ reply: Data) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(reply.count + 1)
        buffer.writeBytes(reply)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}

/// What the child channel initializer hands to the accept loop.
struct AcceptedConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<RPCConnectionHandler>
    let peer: PeerCredentials
}
