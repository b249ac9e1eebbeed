/// How the socket server listens and what it tolerates. Defaults follow DESIGN.md §5.
public struct RPCServerConfiguration: Sendable {
    /// Where to bind when no socket was inherited. The parent directory is made when missing.
    public var socketPath: String
    /// The mode set on the socket file after binding (the umask would otherwise decide it).
    public var socketMode: UInt32 = 0o660
    /// The group the socket file is given after binding, when set; it must exist.
    public var socketGroup: String? = nil
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
    /// The most requests one batch may hold; a larger batch gets one Invalid Request error (id null)
    /// and none of it runs.
    public var maxBatchRequests: Int = 1000
    /// Once the replies of one batch add up to this many bytes, its remaining requests are not run
    /// and are answered `Busy`: a short line must not make the daemon build an unbounded reply.
    public var maxBatchReplyBytes: Int = 16 << 20

    /// A configuration binding `socketPath`, with the default limits.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }
}
