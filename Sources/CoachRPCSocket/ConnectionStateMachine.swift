import NIOCore

/// The life of one connection as a value: its state, the events the connection handler reports,
/// and what the handler must do next. No I/O, no clock, no channel: `RPCConnectionHandler` owns
/// one, reports every event to it and carries out what it answers (ConnectionStateMachineTests
/// drive it synchronously; RPCConnectionHandlerTests drive the handler through an EmbeddedChannel).
///
/// ```
///  admitting ──admitted──▶ open ──peer half-closed──▶ finishing(peerDone) ─┐
///      │                    │ ╲                                              ├─settled─▶ closing ──inactive──▶ closed
///      │                    │  ╲──drain (server stopping)──▶ finishing(draining) ┘
///      └──refused──────────▶ closing ◀──close (line too long, unsent over the limit, idle, error)── any
/// ```
///
/// While `open` a connection answers its queued lines one at a time (at most one request
/// `running`, off the event loop) and asks the socket for more only when nothing is queued or
/// running and its unsent replies allow it (`mayStart`). `finishing` reads nothing more, answers
/// every line it has read, then closes after the replies are written: that is the drain.
struct ConnectionStateMachine<Frame> {
    enum Finish: Equatable, Sendable {
        /// The peer half-closed its side: nothing more will come.
        case peerDone
        /// The server is stopping (SIGTERM): nothing more is read.
        case draining
    }

    enum State: Equatable, Sendable {
        /// Accepted; the server has not admitted it yet. Lines wait, nothing is read. `then` is a
        /// finish already asked for (the peer half-closed, or the server began to drain).
        case admitting(then: Finish?)
        /// Serving: reads while nothing is queued or running.
        case open
        /// Reads nothing more; answers what it has read, then closes.
        case finishing(Finish)
        /// A close is under way (after the writes so far, or at once); nothing more starts.
        case closing
        /// The channel is inactive.
        case closed
    }

    /// What to do once nothing more can start.
    enum Settled: Equatable, Sendable {
        case nothing
        /// Ask the socket for more (a read was held).
        case read
        /// Everything read is answered: close after the replies written so far.
        case closeAfterWrites
    }

    private(set) var state: State = .admitting(then: nil)
    /// Lines read and not yet started, in order.
    private(set) var queue = CircularBuffer<Frame>(initialCapacity: 4)
    /// The request (or batch) running off the event loop, by its token.
    private(set) var running: UInt64?
    /// A read the pipeline asked for and the connection held back.
    private(set) var readHeld = false
    private var lastToken: UInt64 = 0

    init() {}

    /// Whether lines are being answered (admitted, not closing).
    var isServing: Bool {
        switch state {
        case .open, .finishing: true
        case .admitting, .closing, .closed: false
        }
    }

    /// Whether a close is under way or done.
    var isClosing: Bool { state == .closing || state == .closed }

    // MARK: Events

    /// The server admitted the connection. True: process what is queued.
    mutating func admitted() -> Bool {
        guard case .admitting(let then) = state else { return false }
        state = then.map { .finishing($0) } ?? .open
        return true
    }

    /// The server turned the connection away. True: write the refusal, then close.
    mutating func refused() -> Bool {
        guard case .admitting = state else { return false }
        state = .closing
        return true
    }

    /// A line arrived (it was read, so it will be answered unless the connection closes).
    /// True: process the queue.
    mutating func read(_ frame: Frame) -> Bool {
        guard !isClosing else { return false }
        queue.append(frame)
        return isServing
    }

    /// The pipeline asks for more bytes. True: pass the read on; false: it is held.
    mutating func readRequested(mayStart: Bool) -> Bool {
        if state == .open, running == nil, queue.isEmpty, mayStart { return true }
        readHeld = true
        return false
    }

    /// The next line to answer, when one may start now.
    mutating func next(mayStart: Bool) -> Frame? {
        guard isServing, running == nil, mayStart else { return nil }
        return queue.popFirst()
    }

    /// A request (or batch) starts off the event loop: its token.
    mutating func started() -> UInt64 {
        lastToken &+= 1
        running = lastToken
        return lastToken
    }

    /// The request with `token` finished (or its deadline answered it). True: it was the one
    /// running, write its reply and process again; false: it is stale, drop it.
    mutating func finished(_ token: UInt64) -> Bool {
        guard running == token, !isClosing else { return false }
        running = nil
        return true
    }

    /// Nothing more can start for now: what next.
    mutating func settled(mayStart: Bool) -> Settled {
        guard running == nil, queue.isEmpty else { return .nothing }
        switch state {
        case .open:
            guard readHeld, mayStart else { return .nothing }
            readHeld = false
            return .read
        case .finishing:
            state = .closing
            return .closeAfterWrites
        case .admitting, .closing, .closed:
            return .nothing
        }
    }

    /// The peer half-closed. True: process (and close once everything is answered).
    mutating func inputClosed() -> Bool {
        switch state {
        case .admitting(nil): state = .admitting(then: .peerDone)
        case .open: state = .finishing(.peerDone)
        default: return false
        }
        return isServing
    }

    /// The server is stopping: read nothing more, answer what was read, close. True: process.
    mutating func drain() -> Bool {
        switch state {
        case .admitting: state = .admitting(then: .draining)
        case .open, .finishing(.peerDone): state = .finishing(.draining)
        default: return false
        }
        return isServing
    }

    /// The connection must close (a line too long, unsent replies over the limit, idle, an
    /// error). True: close it; false: it already is.
    mutating func close() -> Bool {
        guard !isClosing else { return false }
        state = .closing
        return true
    }

    /// The channel went inactive: the token of the request to cancel, if one is running.
    mutating func inactive() -> UInt64? {
        state = .closed
        queue.removeAll()
        readHeld = false
        defer { running = nil }
        return running
    }
}
