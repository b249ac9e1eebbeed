import CoachRPC
import Foundation
public import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The JSON-RPC 2.0 server on a Unix socket: one JSON text per line, limits, peer credentials.
///
/// `bind` listens (or adopts systemd's socket); `serve` answers connections until its task is
/// cancelled, then stops accepting, closes every connection and returns.
public final class RPCSocketServer: Sendable {
    private let configuration: RPCServerConfiguration
    private let logger: Logger
    private let listener: NIOAsyncChannel<AcceptedConnection, Never>
    private let state: Mutex<State>
    private let gate: RequestGate

    /// The path the server listens on (systemd's, for an inherited socket).
    public let boundPath: String

    private struct State {
        var limits: ConnectionLimits
        var served = false
    }

    private init(
        configuration: RPCServerConfiguration, logger: Logger, listener: NIOAsyncChannel<AcceptedConnection, Never>,
        boundPath: String
    ) {
        self.configuration = configuration
        self.logger = logger
        self.listener = listener
        self.boundPath = boundPath
        self.gate = RequestGate(limit: configuration.maxConnections)
        self.state = Mutex(
            State(
                limits: ConnectionLimits(
                    maxTotal: configuration.maxConnections, maxPerUID: configuration.maxConnectionsPerUID)))
    }

    /// Open connections now (those being served; not the ones turned away as busy).
    public var connectionCount: Int {
        state.withLock { $0.limits.open }
    }

    /// Listens on the configured path, or adopts `inheritedFD`. The socket accepts connections
    /// once this returns (they queue until `serve` runs), so the daemon can report READY.
    ///
    /// A stale socket file (nothing listening) is replaced; a live one fails with "already in use".
    public static func bind(_ configuration: RPCServerConfiguration, logger: Logger) async throws -> RPCSocketServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
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

    /// Serves connections with `dispatcher` until the task is cancelled; then stops accepting,
    /// closes every connection (cancelling requests in progress) and returns normally. Call once.
    /// Throws only when accepting fails for good, or on a second call.
    public func serve(_ dispatcher: any RPCDispatching) async throws {
        let first = state.withLock { state in
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
                // Cancellation is the way to stop; anything else ends the server.
                if !Task.isCancelled && !(error is CancellationError) { failure = error }
            }
            // The listener is closed: end the connections too.
            group.cancelAll()
        }
        if let failure {
            logger.error("the socket server stopped accepting", metadata: ["rpc.error": "\(failure)"])
            throw failure
        }
        logger.debug("the socket server stopped", metadata: ["rpc.socket": "\(boundPath)"])
    }

    /// Stops listening without serving (for a daemon that fails after `bind`). A bound socket
    /// file is removed; an inherited socket is closed.
    public func close() async {
        try? await listener.channel.close()
    }

    // MARK: - Connections

    /// Sets up an accepted channel: peer credentials once, the line decoder, the async wrapper.
    private static func initializeConnection(_ channel: any Channel, maxLineBytes: Int)
        -> EventLoopFuture<AcceptedConnection>
    {
        peerCredentials(of: channel).flatMapThrowing { peer in
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(LineFrameDecoder(maxLineBytes: maxLineBytes)))
            // Read no further ahead than two lines: a client pushing 1 MiB lines faster than they are
            // answered waits in its socket buffer, not in the daemon's memory.
            let wrapped = try NIOAsyncChannel<LineFrame, ByteBuffer>(
                wrappingChannelSynchronously: channel,
                configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2)))
            return AcceptedConnection(channel: wrapped, peer: peer)
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
    /// server stops.
    private func handle(_ connection: AcceptedConnection, dispatcher: any RPCDispatching) async {
        let peer = connection.peer
        let admission = state.withLock { $0.limits.admit(uid: peer.uid) }
        var logger = self.logger
        logger[metadataKey: "peer.uid"] = "\(peer.uid)"
        logger[metadataKey: "peer.pid"] = "\(peer.pid)"
        switch admission {
        case .rejectTotal(let id), .rejectPerUID(let id):
            logger[metadataKey: "rpc.connection"] = "\(id)"
            let perUID = if case .rejectPerUID = admission { true } else { false }
            await refuse(connection, perUID: perUID, logger: logger)
        case .admit(let id):
            logger[metadataKey: "rpc.connection"] = "\(id)"
            defer { state.withLock { $0.limits.release(uid: peer.uid) } }
            logger.debug("connection opened")
            let responder = RPCResponder(
                dispatcher: dispatcher, context: RPCContext(peer: peer, connectionID: id),
                requestTimeout: configuration.requestTimeout, logger: logger, gate: gate,
                maxBatchRequests: configuration.maxBatchRequests, maxBatchReplyBytes: configuration.maxBatchReplyBytes)
            await serve(connection.channel, responder: responder, logger: logger)
            logger.debug("connection closed")
        }
    }

    /// Accepted, told `Busy` in one line, closed.
    private func refuse(_ connection: AcceptedConnection, perUID: Bool, logger: Logger) async {
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
        try? await connection.channel.executeThenClose { _, outbound in
            try await outbound.write(Self.line(RPCCodec.failure(error, id: .null)))
        }
    }

    /// The read–answer loop of one admitted connection, with its idle watch.
    private func serve(
        _ channel: NIOAsyncChannel<LineFrame, ByteBuffer>, responder: RPCResponder, logger: Logger
    ) async {
        let activity = ConnectionActivity()
        let idleTimeout = configuration.idleTimeout
        let maxLineBytes = configuration.maxLineBytes
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if await activity.waitUntilIdle(for: idleTimeout) {
                    // Notice, not debug: a client that stops half-way through a line ends here too.
                    logger.notice("connection idle: closing", metadata: ["rpc.idle_timeout": "\(idleTimeout)"])
                    channel.channel.close(promise: nil)
                }
            }
            do {
                try await channel.executeThenClose { inbound, outbound in
                    for try await frame in inbound {
                        switch frame {
                        case .tooLong:
                            logger.notice(
                                "request line too long: closing", metadata: ["rpc.max_line_bytes": "\(maxLineBytes)"])
                            let error = RPCError.invalidRequest("the line is longer than \(maxLineBytes) bytes")
                            try await outbound.write(Self.line(RPCCodec.failure(error, id: .null)))
                            return
                        case .line(let bytes):
                            guard !Self.isBlank(bytes) else { continue }
                            // Busy while the dispatcher works; a reply the client does not read
                            // counts as idle time, so a stuck writer is closed too.
                            activity.begin()
                            let reply = await responder.reply(to: Data(bytes.readableBytesView))
                            activity.end()
                            guard let reply else { continue }
                            if Task.isCancelled { return }
                            try await outbound.write(Self.line(reply))
                        }
                    }
                }
            } catch  where Task.isCancelled || error is CancellationError {
                // Shutting down.
            } catch {
                logger.debug("connection ended with an error", metadata: ["rpc.error": "\(error)"])
            }
            group.cancelAll()
        }
    }

    private static func line(_ reply: Data) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(reply.count + 1)
        buffer.writeBytes(reply)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    private static func isBlank(_ bytes: ByteBuffer) -> Bool {
        bytes.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}

/// What the child channel initializer hands to the accept loop.
struct AcceptedConnection: Sendable {
    let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
    let peer: PeerCredentials
}

/// When a connection last did something, and whether a request is in progress: enough to decide
/// that it has been idle for the timeout.
final class ConnectionActivity: Sendable {
    private struct State {
        var last = ContinuousClock.now
        var busy = false
    }

    private let state = Mutex(State())

    /// A line arrived: busy until `end`.
    func begin() {
        state.withLock { $0 = State(last: .now, busy: true) }
    }

    /// The line was answered.
    func end() {
        state.withLock { $0 = State(last: .now, busy: false) }
    }

    /// Returns true once the connection has been idle for `timeout`; false when cancelled first.
    func waitUntilIdle(for timeout: Duration) async -> Bool {
        while true {
            let now = ContinuousClock.now
            let snapshot = state.withLock { $0 }
            let deadline = snapshot.busy ? now + timeout : snapshot.last + timeout
            if !snapshot.busy, now >= deadline { return true }
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return false
            }
        }
    }
}
