import CoachRPC
import CoachRPCSocket
import CoachSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The test dispatcher

/// Params of `sum`.
struct SumParams: RPCParams, Hashable {
    var a: Int64
    var b: Int64
    static let fields = [RPCField("a", .integer, "left"), RPCField("b", .integer, "right")]
}

/// Params of `sleep` and `stubborn`.
struct SleepParams: RPCParams, Hashable {
    var ms: Int64
    static let fields = [RPCField("ms", .integer, "milliseconds")]
}

/// A dispatcher with a few methods that exercise the transport:
/// `echo` (params back), `sum`, `sleep` (cooperative), `stubborn` (ignores cancellation),
/// `whoami` (the context), `fail` (a domain error), `record` (remembers it was called).
final class TestDispatcher: RPCDispatching {
    private let recorded = NIOLockedValueBox<[String]>([])

    /// Every `record` call's `tag`, in order.
    var records: [String] { recorded.withLockedValue { $0 } }

    func dispatch(_ request: RPCRequest, context: RPCContext) async throws(RPCError) -> Data {
        switch request.method {
        case "echo":
            return Self.encode(JSONValue.object(request.params))
        case "sum":
            let params = try RPCCodec.decodeParams(SumParams.self, from: request.params)
            return Self.encode(JSONValue.int(params.a + params.b))
        case "sleep":
            let params = try RPCCodec.decodeParams(SleepParams.self, from: request.params)
            do {
                try await Task.sleep(for: .milliseconds(params.ms))
            } catch {
                throw RPCError(.internalError, "cancelled")
            }
            return Self.encode(JSONValue.string("slept"))
        case "stubborn":
            let params = try RPCCodec.decodeParams(SleepParams.self, from: request.params)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(params.ms))) {
                    continuation.resume()
                }
            }
            return Self.encode(JSONValue.string("done"))
        case "whoami":
            return Self.encode(
                JSONValue.object([
                    "pid": .int(Int64(context.peer.pid)), "uid": .int(Int64(context.peer.uid)),
                    "gid": .int(Int64(context.peer.gid)), "connection": .int(Int64(context.connectionID)),
                ]))
        case "fail":
            throw RPCError(.notFound, "no such thing", field: "id")
        case "record":
            let tag = request.params["tag"]?.stringValue ?? "?"
            recorded.withLockedValue { $0.append(tag) }
            return Self.encode(JSONValue.bool(true))
        case "pretty":
            // A result with line breaks in it (pretty-printed): must not break the framing.
            return Data("{\n  \"a\" : 1,\r\n  \"b\" : [\n 2\n ]\n}".utf8)
        default:
            // What the fast path answers, the ordinary path answers alike.
            switch dispatchImmediately(request, context: context) {
            case .success(let data)?: return data
            case .failure(let error)?: throw error
            case nil: throw RPCError.methodNotFound(request.method)
            }
        }
    }

    /// The fast path: `now.echo`, `now.fail` and `now.record` are answered on the I/O thread;
    /// `now.maybe` only when its params hold `"now": true` (else it goes through `dispatch`,
    /// which does not know it).
    func dispatchImmediately(_ request: RPCRequest, context: RPCContext) -> Result<Data, RPCError>? {
        switch request.method {
        case "now.echo":
            return .success(Self.encode(JSONValue.object(request.params)))
        case "now.fail":
            return .failure(RPCError(.notFound, "no such thing", field: "id"))
        case "now.record":
            let tag = request.params["tag"]?.stringValue ?? "?"
            recorded.withLockedValue { $0.append(tag) }
            return .success(Self.encode(JSONValue.bool(true)))
        case "now.maybe" where request.params["now"] == .bool(true):
            return .success(Self.encode(JSONValue.string("at once")))
        default:
            return nil
        }
    }

    private static func encode(_ value: JSONValue) -> Data {
        (try? RPCCodec.encoder.encode(value)) ?? Data("null".utf8)
    }
}

// MARK: - Logging

/// Collects every log line with its metadata, to check what the server says and never says.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let storage = NIOLockedValueBox<[Entry]>([])

    var entries: [Entry] { storage.withLockedValue { $0 } }

    func append(_ entry: Entry) { storage.withLockedValue { $0.append(entry) } }

    var logger: Logger {
        var logger = Logger(label: "coachd.rpc.test") { _ in RecordingHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        all.merge(event.metadata ?? [:]) { _, new in new }
        recorder.append(
            .init(
                level: event.level, message: "\(event.message)",
                metadata: all.mapValues { "\($0)" }))
    }
}

// MARK: - A server on a temporary socket

/// A fresh temporary directory under /tmp (short: `sun_path` holds 107 bytes).
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/coachrpc-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
    return String(cString: made)
}

func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A running server with its dispatcher, socket path and serving task.
struct RunningServer {
    let server: RPCSocketServer
    let dispatcher: TestDispatcher
    let path: String
    let task: Task<Void, any Error>
    let logs: LogRecorder

    func connect() throws -> LineClient { try LineClient(path: path) }
}

/// Binds a server on a temporary socket, serves it while `body` runs, then cancels it and checks
/// that `serve` returned normally.
func withServer(
    _ configure: (inout RPCServerConfiguration) -> Void = { _ in },
    _ body: (RunningServer) async throws -> Void
) async throws {
    let directory = try makeTemporaryDirectory()
    defer { removeTree(directory) }
    var configuration = RPCServerConfiguration(socketPath: directory + "/coachd.sock")
    configure(&configuration)
    let logs = LogRecorder()
    let server = try await RPCSocketServer.bind(configuration, logger: logs.logger)
    let dispatcher = TestDispatcher()
    let task = Task { try await server.serve(dispatcher) }
    let running = RunningServer(
        server: server, dispatcher: dispatcher, path: server.boundPath, task: task, logs: logs)
    do {
        try await body(running)
    } catch {
        task.cancel()
        _ = await task.result
        throw error
    }
    task.cancel()
    try await task.value
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(
    within timeout: Duration = .seconds(30), _ condition: @Sendable () -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

// MARK: - A raw socket client

/// A blocking POSIX Unix-socket client: what any program talking to coachd could be. Its blocking
/// calls run on its own dispatch queue, never on the Swift concurrency pool the server uses.
final class LineClient: @unchecked Sendable {
    /// Why a read ended without a line.
    enum ReadError: Error, Equatable {
        case timedOut
        case failed(Int32)
    }

    let fd: Int32
    private let queue = DispatchQueue(label: "coachrpc.test.client")
    private var pending: [UInt8] = []  // touched only on `queue`

    /// Connects to `path`; reads time out after `timeout`.
    init(path: String, timeout: Duration = .seconds(30)) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let connected = try UnixSocketAddress(path: path).connect(fd)
        guard connected == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        setTimeout(timeout)
    }

    private let closed = NIOLockedValueBox(false)

    deinit { close() }

    /// Closes the connection (once).
    func close() {
        let first = closed.withLockedValue { closed in
            defer { closed = true }
            return !closed
        }
        if first { _ = Glibc.close(fd) }
    }

    /// Sets how long one read, or one blocked write, waits.
    func setTimeout(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends `text` as it is (add the `\n` yourself). Returns false when the peer had closed.
    @discardableResult
    func send(_ text: String) async -> Bool {
        await send(Array(text.utf8))
    }

    /// Sends raw bytes; false when the peer closed first.
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await onQueue { self.sendNow(bytes) }
    }

    /// Sends `text` one small piece at a time, pausing between them.
    func sendSlowly(_ text: String, pieceSize: Int = 1, pause: Duration = .milliseconds(1)) async {
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + pieceSize, bytes.count)
            await send(Array(bytes[start..<end]))
            start = end
            try? await Task.sleep(for: pause)
        }
    }

    /// One reply line, without its `\n`; nil at end of stream.
    func readLine() async throws -> String? {
        let result: Result<String?, ReadError> = await onQueue { self.readLineNow() }
        return try result.get()
    }

    /// The next line parsed as JSON.
    func readJSON() async throws -> Any? {
        guard let line = try await readLine() else { return nil }
        return try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
    }

    /// Sends one line and reads one reply line.
    func call(_ line: String) async throws -> String? {
        await send(line + "\n")
        return try await readLine()
    }

    /// Closes the sending side (the server sees end of input).
    func shutdownWrite() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    // MARK: On the queue

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }

    private func sendNow(_ bytes: [UInt8]) -> Bool {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return false }
            remaining = remaining.dropFirst(written)
        }
        return true
    }

    private func readLineNow() -> Result<String?, ReadError> {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return .success(line)
            }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                pending.append(contentsOf: chunk[..<count])
                continue
            }
            if count == 0 { return .success(nil) }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .failure(.timedOut)
            case ECONNRESET: return .success(nil)  // closed with our unread bytes: end of stream
            default: return .failure(.failed(code))
            }
        }
    }
}

extension String {
    /// This JSON text, parsed, as a dictionary (or nil).
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(utf8))) as? [String: Any]
    }

    /// This JSON text, parsed, as an array of dictionaries (or nil).
    var jsonArray: [[String: Any]]? {
        (try? JSONSerialization.jsonObject(with: Data(utf8))) as? [[String: Any]]
    }
}

/// The `error.code` of a reply object.
func errorCode(_ reply: [String: Any]?) -> Int? {
    (reply?["error"] as? [String: Any])?["code"] as? Int
}

/// The `error.data.name` of a reply object.
func errorName(_ reply: [String: Any]?) -> String? {
    ((reply?["error"] as? [String: Any])?["data"] as? [String: Any])?["name"] as? String
}
