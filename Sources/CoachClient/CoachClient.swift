public import CoachRPC
import CoachSupport
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A typed, blocking JSON-RPC 2.0 client for coachd over its Unix socket: what `coachctl` and the
/// tests link. No event loop and no threads, so a CLI process starts and finishes fast.
///
/// One connection per client; calls run one at a time, each bounded by `timeout` from the moment
/// it is sent until its reply line has arrived. Not thread-safe: use one client per thread.
public final class CoachClient {
    /// The socket this client is connected to.
    public let socketPath: String
    /// How long one call may take, connecting and each request–reply exchange alike.
    public let timeout: Duration

    private let fd: Int32
    private var nextID: Int64 = 1
    /// Bytes received after the last complete line.
    private var pending: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    private let clock = ContinuousClock()

    /// The longest reply line accepted; anything longer is a protocol error, not an allocation spree.
    static let maxReplyBytes = 256 * 1024 * 1024

    /// Connects to the daemon's socket (`AF_UNIX`, `SOCK_STREAM`, close-on-exec).
    ///
    /// - Throws: `.cannotConnect` when there is no socket or nobody listening, `.timedOut` when the
    ///   daemon's listen queue stays full for `timeout`.
    public init(socketPath: String, timeout: Duration = .seconds(30)) throws(ClientError) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.fd = try Self.connect(path: socketPath, timeout: timeout)
    }

    deinit {
        _ = systemClose(fd)
    }

    /// Calls `method` with `params` and returns its decoded result.
    ///
    /// - Throws: `.daemon` with the daemon's error (name, field and hint in `data`), `.timedOut`,
    ///   or `.protocolError` when the reply does not fit the contract.
    public func call<M: RPCMethod>(_ method: M.Type, _ params: M.Params) throws(ClientError) -> M.Result {
        try exchange(M.name, params, M.Result.self)
    }

    /// Calls `method` like `call(_:_:)`, but first offers each reply line to `fastResult`, a
    /// hand-written reader for this one method's reply (`DueListReply.decode`): when it returns a
    /// result, that is the answer; when it returns nil (anything it does not read exactly as
    /// `JSONDecoder` would: an error, a notification, an escape, a duplicate member), the line goes
    /// through `JSONDecoder` as in `call(_:_:)`. Start-up of `coachctl due` (Docs/Performance.md, B7).
    /// `fastRequest`, when it returns a line, is sent instead of `JSONEncoder`'s (it must be the
    /// same bytes: `DueListReply.request`).
    public func call<M: RPCMethod>(
        _ method: M.Type, _ params: M.Params, fastRequest: (_ id: Int64) -> Data? = { _ in nil },
        fastResult: (_ line: Data, _ id: Int64) -> M.Result?
    ) throws(ClientError) -> M.Result {
        try exchange(M.name, params, M.Result.self, fastRequest: fastRequest, fastResult: fastResult)
    }

    /// Calls a method by name with named params and returns its result as plain JSON: for tools
    /// and scripts that speak methods this client has no type for (`coachctl call`).
    public func call(_ method: String, params: [String: JSONValue]) throws(ClientError) -> JSONValue {
        try exchange(method, JSONValue.object(params), JSONValue.self)
    }

    private func exchange<P: Encodable, R: Decodable>(
        _ name: String, _ params: P, _: R.Type, fastRequest: (Int64) -> Data? = { _ in nil },
        fastResult: (Data, Int64) -> R? = { _, _ in nil }
    ) throws(ClientError) -> R {
        let id = nextID
        nextID += 1
        let request: Data
        if let line = fastRequest(id) {
            request = line
        } else {
            request = try encode(RequestEnvelope(method: name, params: params, id: id))
        }
        let deadline = clock.now.advanced(by: timeout)
        // A daemon that refuses a connection (full, say) answers and closes before reading: the
        // write may then fail with a broken pipe, but its answer is already here to be read.
        var sendFailure: ClientError?
        do {
            try send(request, deadline: deadline)
        } catch {
            sendFailure = error
        }
        while true {
            let line: Data
            do {
                line = try readLine(deadline: deadline)
            } catch {
                throw sendFailure ?? error
            }
            if let result = fastResult(line, id) { return result }
            let reply: ReplyEnvelope<R>
            do {
                reply = try JSONDecoder().decode(ReplyEnvelope<R>.self, from: line)
            } catch {
                throw failure(
                    .protocolError("the reply to \(name) does not match the contract (\(Self.brief(error)))"))
            }
            if reply.isNotification { continue }  // e.g. daemon.shutdown: not the answer we wait for
            if let replyID = reply.id, replyID != .int(id) {
                throw failure(
                    .protocolError("the reply to \(name) carries id \(Self.describe(replyID)), expected \(id)"))
            }
            if let error = reply.error { throw failure(.daemon(error.rpcError)) }
            guard let result = reply.result else {
                throw failure(.protocolError("the reply to \(name) has neither a result nor an error"))
            }
            return result
        }
    }

    /// Sends `method` as a notification: no id, and no reply is read (the daemon sends none).
    public func notify<M: RPCMethod>(_ method: M.Type, _ params: M.Params) throws(ClientError) {
        let request = try encode(RequestEnvelope(method: M.name, params: params, id: nil))
        try send(request, deadline: clock.now.advanced(by: timeout))
    }

    /// A notification the daemon pushed unasked (`events.event`): its method and params.
    public struct Notification: Sendable {
        public var method: String
        public var params: JSONValue
        /// The line as it came, without its newline (for NDJSON output).
        public var line: Data
    }

    /// Waits up to `wait` for the next notification; nil when none came in time. Replies (lines
    /// with an id) are not expected here and are skipped.
    ///
    /// - Throws: `.protocolError` when the daemon closed the connection or sent something that is
    ///   not JSON-RPC.
    public func nextNotification(wait: Duration) throws(ClientError) -> Notification? {
        let deadline = clock.now.advanced(by: wait)
        while true {
            let line: Data
            do {
                line = try readLine(deadline: deadline)
            } catch let error where error.isTimeout {
                return nil
            }
            guard case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: line) else {
                throw failure(.protocolError("the daemon sent a line that is not a JSON object"))
            }
            guard case .string(let method)? = members["method"] else { continue }
            return Notification(method: method, params: members["params"] ?? .null, line: line)
        }
    }

    /// Sends one line as it is (a newline is added) and returns the next reply line, without its
    /// newline. For tests and raw use: nothing is checked, and a notification would wait for a
    /// reply that never comes (`.timedOut`).
    public func callRaw(_ line: Data) throws(ClientError) -> Data {
        var request = line
        if request.last != UInt8(ascii: "\n") { request.append(UInt8(ascii: "\n")) }
        let deadline = clock.now.advanced(by: timeout)
        try send(request, deadline: deadline)
        return try readLine(deadline: deadline)
    }

    // MARK: - Framing

    private func encode<P: Encodable>(_ envelope: RequestEnvelope<P>) throws(ClientError) -> Data {
        do {
            var data = try RPCCodec.encoder.encode(envelope)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw failure(.protocolError("the request for \(envelope.method) could not be encoded (\(error))"))
        }
    }

    private func send(_ data: Data, deadline: ContinuousClock.Instant) throws(ClientError) {
        var offset = 0
        while offset < data.count {
            try wait(for: Int16(POLLOUT), until: deadline)
            let written = data.withUnsafeBytes { raw in
                systemSend(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
                throw failure(.protocolError("coachd closed the connection (\(Self.errorText(code)))"))
            }
            offset += written
        }
    }

    /// Reads up to the next `\n`, across partial reads; what follows the line stays buffered.
    private func readLine(deadline: ContinuousClock.Instant) throws(ClientError) -> Data {
        var scanned = 0
        while true {
            if let newline = pending[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > 0 && pending[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Data(pending[..<end])
                pending.removeSubrange(...newline)
                return line
            }
            scanned = pending.count
            if pending.count > Self.maxReplyBytes {
                throw failure(.protocolError("a reply line longer than \(Self.maxReplyBytes) bytes"))
            }
            try wait(for: Int16(POLLIN), until: deadline)
            let count = chunk.withUnsafeMutableBytes { raw in systemRecv(fd, raw.baseAddress!, raw.count) }
            if count < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
                throw failure(.protocolError("reading the reply failed (\(Self.errorText(code)))"))
            }
            if count == 0 {
                throw failure(.protocolError("coachd closed the connection before answering"))
            }
            pending.append(contentsOf: chunk[..<count])
        }
    }

    /// Waits until the socket is ready for `events` or the deadline passes (`.timedOut`).
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) throws(ClientError) {
        while true {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { throw failure(.timedOut) }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Self.milliseconds(remaining))
            if ready > 0 { return }  // readable, writable, or hung up: the read or write says which
            if ready < 0 && errno != EINTR {
                throw failure(.protocolError("poll failed (\(Self.errorText(errno)))"))
            }
        }
    }

    private func failure(_ kind: ClientError.Kind) -> ClientError {
        ClientError(kind, socketPath: socketPath, timeout: timeout)
    }

    // MARK: - Connecting

    private static func connect(path: String, timeout: Duration) throws(ClientError) -> Int32 {
        func cannot(_ reason: String, _ code: Int32? = nil) -> ClientError {
            ClientError(.cannotConnect(path: path, reason: reason), socketPath: path, timeout: timeout, errnoCode: code)
        }
        let address: UnixSocketAddress
        do {
            address = try UnixSocketAddress(path: path)
        } catch {
            throw cannot(error.description)
        }

        let fd = openSocket()
        guard fd >= 0 else { throw cannot(errorText(errno), errno) }
        // For AF_UNIX, a blocking connect waits on SO_SNDTIMEO when the listen queue is full.
        var limit = timeval()
        limit.tv_sec = .init(clamping: timeout.components.seconds)
        limit.tv_usec = .init(clamping: timeout.components.attoseconds / 1_000_000_000_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        while true {
            let result = address.connect(fd)
            if result == 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            if code == EISCONN { return fd }
            _ = systemClose(fd)
            if code == EAGAIN || code == EWOULDBLOCK || code == EINPROGRESS {
                throw ClientError(.timedOut, socketPath: path, timeout: timeout)
            }
            throw cannot(errorText(code), code)
        }
    }

    private static func openSocket() -> Int32 {
        #if canImport(Darwin)
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                var on: Int32 = 1
                _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            return fd
        #else
            return socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
    }

    // MARK: - Helpers

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1  // round up: never spin at 0
        return Int32(clamping: total)
    }

    static func describe(_ id: RPCID) -> String {
        switch id {
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .null: "null"
        }
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func brief(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return path.isEmpty
                ? context.debugDescription : "at \(path.joined(separator: ".")): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return "missing \(path.joined(separator: "."))"
        @unknown default:
            return "\(decoding)"
        }
    }
}

// The system calls under names that do not clash with the client's own methods.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }

private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
        send(fd, bytes, count, 0)
    #else
        send(fd, bytes, count, Int32(MSG_NOSIGNAL))  // a closed peer is an error, not a SIGPIPE
    #endif
}

private func systemRecv(_ fd: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int {
    recv(fd, bytes, count, 0)
}
