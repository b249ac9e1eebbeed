import CoachSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the fake daemon does with one request line.
enum FakeReply: Sendable {
    /// Writes these lines, each followed by `\n`, in one write.
    case lines([String])
    /// Writes these pieces one by one with a pause in between: a reply split over several writes.
    case pieces([String], pause: Duration)
    /// Answers nothing (a notification, or a hung daemon).
    case silence
    /// Closes the connection without answering.
    case hangUp
}

/// A canned answer for one method.
enum Canned: Sendable {
    /// `{"jsonrpc":"2.0","result":<json>,"id":<id>}`.
    case result(String)
    /// `{"jsonrpc":"2.0","error":<json>,"id":<id>}`.
    case error(String)
    /// No answer at all.
    case silence
}

/// A tiny stand-in for coachd: a POSIX Unix-socket listener on its own thread that answers each
/// request line as it is told. It records every line it receives.
final class FakeServer: @unchecked Sendable {
    /// The socket path to connect to.
    let path: String
    private let directory: String
    private let listener: Int32
    private let respond: @Sendable (String) -> FakeReply
    private let lock = NSLock()
    private var lines: [String] = []

    /// Starts listening in a fresh temporary directory.
    init(respond: @escaping @Sendable (_ line: String) -> FakeReply) throws {
        directory = try Self.makeDirectory()
        path = directory + "/coachd.sock"
        self.respond = respond
        listener = try Self.bindAndListen(at: path)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Answers each method from a table; methods not in it get MethodNotFound.
    convenience init(_ table: [String: Canned]) throws {
        try self.init(respond: Self.answering(table))
    }

    deinit { stop() }

    /// Every request line received so far.
    var received: [String] {
        lock.withLock { lines }
    }

    /// The received requests, parsed, for the given method.
    func requests(for method: String) -> [[String: Any]] {
        received.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["method"] as? String == method
            else { return nil }
            return object
        }
    }

    private var stopped = false

    /// Stops accepting and removes the socket.
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = shutdown(listener, Int32(SHUT_RDWR))  // wakes the thread blocked in accept
        _ = close(listener)
        _ = unlink(path)
        _ = rmdir(directory)
    }

    // MARK: - Answering

    static func answering(_ table: [String: Canned]) -> @Sendable (String) -> FakeReply {
        { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let method = object["method"] as? String
            else {
                return .lines([#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#])
            }
            guard let idValue = object["id"] else { return .silence }  // a notification
            let id = (idValue as? NSNumber).map { "\($0.int64Value)" } ?? "null"
            switch table[method] {
            case .result(let json)?:
                return .lines([#"{"jsonrpc":"2.0","result":\#(json),"id":\#(id)}"#])
            case .error(let json)?:
                return .lines([#"{"jsonrpc":"2.0","error":\#(json),"id":\#(id)}"#])
            case .silence?:
                return .silence
            case nil:
                let error =
                    #"{"code":-32601,"message":"Method not found: \#(method)","data":{"name":"MethodNotFound"}}"#
                return .lines([#"{"jsonrpc":"2.0","error":\#(error),"id":\#(id)}"#])
            }
        }
    }

    // MARK: - Sockets

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return  // shut down
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { _ = close(connection) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                lock.withLock { lines.append(line) }
                switch respond(line) {
                case .lines(let replies):
                    write(connection, replies.map { $0 + "\n" }.joined())
                case .pieces(let pieces, let pause):
                    for piece in pieces {
                        write(connection, piece)
                        Thread.sleep(
                            forTimeInterval: Double(pause.components.attoseconds) / 1e18
                                + Double(pause.components.seconds))
                    }
                case .silence:
                    break
                case .hangUp:
                    return
                }
            }
            let count = read(connection, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    private func write(_ connection: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }

    static func makeDirectory() throws -> String {
        var template = Array("/tmp/coachctl-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        return String(cString: made)
    }

    /// A socket file nobody listens on: bound, then closed.
    static func deadSocket() throws -> String {
        let path = try makeDirectory() + "/dead.sock"
        let fd = try bindAndListen(at: path, listening: false)
        _ = close(fd)
        return path
    }

    private static func bindAndListen(at path: String, listening: Bool = true) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let bound = try UnixSocketAddress(path: path).bind(fd)
        guard bound == 0, !listening || listen(fd, 16) == 0 else {
            _ = close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        return fd
    }
}
