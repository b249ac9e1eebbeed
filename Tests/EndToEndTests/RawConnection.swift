import CoachRPC
import CoachSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A raw, blocking Unix-socket connection to a daemon: what any program could send, byte for
/// byte, including what no well-behaved client would (half lines, invalid UTF-8, floods).
final class RawConnection {
    enum Failure: Error, CustomStringConvertible {
        case connect(Int32)
        case timedOut
        case io(Int32)
        var description: String {
            switch self {
            case .connect(let code): "connect failed: \(String(cString: strerror(code)))"
            case .timedOut: "timed out waiting for the daemon"
            case .io(let code): "socket error: \(String(cString: strerror(code)))"
            }
        }
    }

    let fd: Int32
    private var pending: [UInt8] = []
    private var open = true

    /// Connects to `path`; each read waits at most `timeout`.
    init(path: String, timeout: Duration = .seconds(20)) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let status = try UnixSocketAddress(path: path).connect(fd)
        guard status == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw Failure.connect(code)
        }
        var limit = timeval(
            tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func close() {
        if open { _ = Glibc.close(fd) }
        open = false
    }

    /// Sends every byte (a peer that closed early is not an error here: the reply tells).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends as much of `bytes` as the daemon takes before a write blocks for the connection's
    /// timeout (or fails); returns how many bytes went out.
    func sendUntilBlocked(_ bytes: [UInt8]) -> Int {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress!, min($0.count, 1 << 16), Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { break }
            offset += sent
        }
        return offset
    }

    /// Sends `bytes` in writes of `size` bytes, waiting `pause` between them.
    func sendInPieces(_ bytes: [UInt8], size: Int = 1, pause: Duration = .zero) {
        var offset = 0
        while offset < bytes.count {
            send(Array(bytes[offset..<min(bytes.count, offset + size)]))
            offset += size
            if pause > .zero { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18) }
        }
    }

    /// The next line without its `\n`; nil when the daemon closed the connection.
    func readLine() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                return line
            }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                pending.append(contentsOf: chunk[..<count])
                continue
            }
            if count == 0 { return nil }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw Failure.timedOut
            case ECONNRESET: return nil
            case let code: throw Failure.io(code)
            }
        }
    }

    /// The next line, decoded; nil when the daemon closed the connection.
    func readJSON() throws -> JSONValue? {
        guard let line = try readLine() else { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: Data(line))
    }

    /// Sends one line and reads one reply.
    func call(_ line: String) throws -> JSONValue? {
        send(line + "\n")
        return try readJSON()
    }

    /// True once the daemon has closed the connection (reading what is left first).
    func isClosedByPeer() throws -> Bool { try readLine() == nil }
}

extension JSONValue {
    /// `error.code` of a reply.
    var errorCode: Int64? {
        if case .int(let code)? = objectValue?["error"]?.objectValue?["code"] { return code }
        return nil
    }

    /// `error.data.field` of a reply.
    var errorField: String? { objectValue?["error"]?.objectValue?["data"]?.objectValue?["field"]?.stringValue }

    /// `error.data.name` of a reply.
    var errorName: String? { objectValue?["error"]?.objectValue?["data"]?.objectValue?["name"]?.stringValue }

    /// `error.message` of a reply.
    var errorMessage: String? { objectValue?["error"]?.objectValue?["message"]?.stringValue }

    /// The `id` of a reply.
    var replyID: JSONValue? { objectValue?["id"] }
}
