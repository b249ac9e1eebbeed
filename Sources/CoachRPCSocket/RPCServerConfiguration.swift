public import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the socket server listens and what it tolerates. Defaults follow DESIGN.md §5.
public struct RPCServerConfiguration: Sendable {
    /// Where to bind when no socket was inherited. The parent directory is made when missing.
    public var socketPath: String
    /// The mode set on the socket file after binding (the umask would otherwise decide it).
    public var socketMode: UInt32 = 0o660
    /// The group the socket file is given after binding, when set; it must exist.
    public var socketGroup: String? = nil
    /// The event loops the connections run on; nil: NIO's singleton group. `coachd` gives the socket
    /// loops of their own, because its Swift tasks run on the singleton loops (issue 9): a flood of
    /// work on one must not keep the other from accepting and reading.
    public var eventLoopGroup: (any EventLoopGroup)? = nil
    /// A listening socket passed in by systemd (socket activation): adopted instead of binding;
    /// its path, mode and group are then systemd's business.
    public var inheritedFD: Int32? = nil
    /// The longest request line accepted, in bytes, without the line break. A longer line gets an
    /// Invalid Request error (id null) and the connection is closed.
    public var maxLineBytes: Int = 1 << 20
    /// Open connections in total; one more is accepted, told `Busy` and closed. Also the most
    /// requests whose work may be running at once, counting work that outlived its deadline: past
    /// that, a request is answered `Busy` at once instead of queueing behind a stalled store.
    public var maxConnections: Int = 256
    /// Open connections per peer uid; one more is accepted, told `Busy` and closed.
    public var maxConnectionsPerUID: Int = 32
    /// A connection with no request in progress and nothing received for this long is closed.
    public var idleTimeout: Duration = .seconds(300)
    /// A request still running after this long is answered with `DeadlineExceeded` (and cancelled).
    public var requestTimeout: Duration = .seconds(30)
    /// How long one batch may take in all: a member still running then is answered
    /// `DeadlineExceeded` (each member also has `requestTimeout`), and the members after it are
    /// answered `DeadlineExceeded` without running.
    public var batchTimeout: Duration = .seconds(60)
    /// On `RPCSocketServer.shutDown()`, how long connections get to answer the requests they
    /// have read before they are closed with whatever is still running.
    public var drainTimeout: Duration = .seconds(10)
    /// The most requests one batch may hold; a larger batch gets one Invalid Request error (id null)
    /// and none of it runs.
    public var maxBatchRequests: Int = 1000
    /// Once the replies of one batch add up to this many bytes, its remaining requests are not run
    /// and are answered `Busy`: a short line must not make the daemon build an unbounded reply.
    public var maxBatchReplyBytes: Int = 4 << 20
    /// Past this many bytes of replies written to a connection and not yet taken by its socket (a
    /// client that does not read), the connection starts no new request and reads nothing more
    /// until they drain below it again.
    public var maxUnsentReplyBytes: Int = 256 << 10
    /// Past this many unsent bytes a connection is closed. Keep it above `maxUnsentReplyBytes` plus
    /// `maxBatchReplyBytes`, or a batch reply to a client that does read would close its connection.
    public var closeAtUnsentReplyBytes: Int = 8 << 20
    /// Past this many unsent bytes across all connections, including batch replies being built:
    /// batch members are answered `Busy` unrun and connections holding more than 64 KiB stop reading.
    public var maxUnsentReplyBytesTotal: Int = 64 << 20
    /// Connections kept for admins beyond `maxConnections` (and beyond an admin's per-uid share):
    /// an operator can connect while others hold every ordinary slot. The request gate keeps as
    /// many places for admins' requests.
    public var reservedAdminConnections: Int = 4
    /// Decides, once per connection, whether its peer is an admin (may use the reserved slots). The
    /// default trusts root and the server's own uid; coachd adds its admin group.
    public var isAdmin: @Sendable (PeerCredentials) -> Bool = RPCServerConfiguration.rootOrSelf

    /// A configuration binding `socketPath`, with the default limits.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    /// Root and the server process's own uid: the admins every coachd has.
    public static let rootOrSelf: @Sendable (PeerCredentials) -> Bool = { peer in
        peer.uid == 0 || peer.uid == getuid()
    }
}
