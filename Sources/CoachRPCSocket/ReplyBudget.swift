import NIOConcurrencyHelpers

/// The bytes of replies the server holds for all its connections at once: replies written to a
/// socket and not yet taken by it (a client that does not read), and batch replies being built.
/// One per server, shared by every connection; thread-safe (event loops and request tasks).
///
/// Past `limit`, batch members are answered `Busy` without running and a connection holding more
/// than `quietBytes` stops reading: whoever reads their replies is still served, and what the
/// daemon holds stays near the limit.
final class ReplyBudget: Sendable {
    /// The most bytes of unsent replies the server means to hold in total.
    let limit: Int
    private let held = NIOLockedValueBox(0)

    /// A connection holding no more than this is reading its replies (NIO's own high-water mark for
    /// a socket's writes is 64 KiB): it is served even while the total is over the limit.
    static let quietBytes = 64 << 10

    /// A budget of `limit` bytes.
    init(limit: Int) { self.limit = limit }

    /// Counts `bytes` more; returns the new total.
    @discardableResult
    func charge(_ bytes: Int) -> Int {
        held.withLockedValue { total in
            total += bytes
            return total
        }
    }

    /// Counts `bytes` fewer (they were sent, dropped with their connection, or handed on).
    func release(_ bytes: Int) {
        held.withLockedValue { $0 -= bytes }
    }

    /// The bytes held now.
    var total: Int { held.withLockedValue { $0 } }

    /// Whether the total is past the limit.
    var isOver: Bool { total > limit }
}
