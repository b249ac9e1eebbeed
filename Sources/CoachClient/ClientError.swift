public import CoachRPC

/// Why a call to coachd failed: the daemon could not be reached, did not answer in time, answered
/// something that is not the contract, or answered with an error.
///
/// A struct wrapping a kind, so members can be added without breaking callers. `summary` says
/// what went wrong, `hint` what to do; `message` is both on one line.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: Sendable {
        /// The socket could not be connected to: the path and the system's reason (`strerror`).
        case cannotConnect(path: String, reason: String)
        /// The daemon did not answer within the client's timeout.
        case timedOut
        /// The reply was not a JSON-RPC 2.0 reply this client understands, or the connection dropped.
        case protocolError(String)
        /// The daemon answered with a JSON-RPC error.
        case daemon(RPCError)
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The socket the client was talking to.
    public let socketPath: String
    /// The timeout that applied, for `.timedOut`.
    public let timeout: Duration?
    /// The errno value behind a `.cannotConnect`, when there was one.
    public let errnoCode: Int32?

    init(_ kind: Kind, socketPath: String, timeout: Duration? = nil, errnoCode: Int32? = nil) {
        self.kind = kind
        self.socketPath = socketPath
        self.timeout = timeout
        self.errnoCode = errnoCode
    }

    /// The daemon's error, when it answered with one.
    /// Whether the wait ran out (`.timedOut`).
    public var isTimeout: Bool {
        if case .timedOut = kind { return true }
        return false
    }

    public var rpcError: RPCError? {
        if case .daemon(let error) = kind { return error }
        return nil
    }

    /// One sentence saying what went wrong.
    public var summary: String {
        switch kind {
        case .cannotConnect(let path, let reason):
            return "cannot connect to coachd at \(path): \(reason)"
        case .timedOut:
            let limit = timeout.map { " within \(Self.describe($0))" } ?? ""
            return "coachd did not answer\(limit)"
        case .protocolError(let detail):
            return "unexpected reply from coachd: \(detail)"
        case .daemon(let error):
            return error.message
        }
    }

    /// What to do about it, or nil when there is nothing useful to add.
    public var hint: String? {
        switch kind {
        case .cannotConnect(let path, _):
            if errnoCode == Self.permissionDeniedErrno {
                return "your login must be in the `coaching` group (sudo usermod -aG coaching $USER, then log in "
                    + "again); socket: \(path)"
            }
            return "is coachd running? start it with `make run` or `systemctl start coachd.socket`; socket: \(path)"
        case .timedOut:
            return "coachd may be busy or stuck: see `systemctl status coachd` and `journalctl -u coachd`; "
                + "--timeout SECONDS waits longer; socket: \(socketPath)"
        case .protocolError:
            return "is \(socketPath) a coachd socket? coachctl and coachd may be of different versions: "
                + "compare `coachctl daemon info`"
        case .daemon(let error):
            return error.data?.hint
        }
    }

    /// What went wrong and what to do, on one line.
    public var message: String {
        guard let hint else { return summary }
        return "\(summary): \(hint)"
    }

    /// The same as `message`.
    public var description: String { message }

    static let permissionDeniedErrno: Int32 = 13  // EACCES on Linux and Darwin

    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        let total = Double(seconds) + Double(attoseconds) / 1e18
        return "\(total)s"
    }
}
