#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the socket server could not start. Messages say what was wrong and what to do.
public struct RPCSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case addressInUse
        case notASocket
        case unknownGroup
        case pathTooLong
        case socketFile
        case alreadyServing
    }

    private let code: Code
    /// One sentence: what went wrong, and where.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Another server answers on the path.
    public static func addressInUse(_ path: String) -> RPCSocketError {
        RPCSocketError(
            .addressInUse, "\(path) is already in use: another coachd answers there (stop it, or use another --socket)")
    }

    /// Something other than a socket sits at the path; it is left alone.
    public static func notASocket(_ path: String) -> RPCSocketError {
        RPCSocketError(.notASocket, "\(path) exists and is not a socket: remove it or choose another socket path")
    }

    /// The configured socket group does not exist.
    public static func unknownGroup(_ group: String) -> RPCSocketError {
        RPCSocketError(.unknownGroup, "the socket group \"\(group)\" does not exist: create it or change socketGroup")
    }

    /// The path does not fit in `sun_path`.
    public static func pathTooLong(_ path: String, limit: Int) -> RPCSocketError {
        RPCSocketError(.pathTooLong, "the socket path \(path) is longer than \(limit) bytes: choose a shorter one")
    }

    /// A system call on the socket file or its directory failed.
    public static func socketFile(_ path: String, _ operation: String, errno code: Int32) -> RPCSocketError {
        RPCSocketError(.socketFile, "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    /// `serve` was called a second time.
    public static let alreadyServing = RPCSocketError(.alreadyServing, "the server is already serving (or has served)")
}
