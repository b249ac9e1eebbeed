import Foundation
import NIOConcurrencyHelpers

/// Encoded whole-school answers of `reports.summary` and `coverage.list` (issue 12, performance), so
/// a school's report or coverage asked again (a lead's page refreshed, `coachctl report` then
/// `--csv`, the head asking what the lead asked) is not counted again.
///
/// Confidentiality: only an answer that is the same for everyone allowed to ask is kept — a whole
/// school's report or coverage, which its lead, its head and admins see alike and which holds no
/// text — and whoever asks is checked against the store first, on every call, exactly as when the
/// answer is computed. A coach's or a pair's report is never kept.
///
/// Freshness: every committed change (and a reload) moves the generation on, as for `due.list`'s
/// cache, and entries of an older generation are never served. The key holds the school-local date
/// the answer was counted for (today, or the given `asOf`), so a new day is a new key; a coverage
/// answer also expires when the first of its next items turns overdue (the answer says which are),
/// and every answer after `maxAge` at most.
final class LeadsViewCache: Sendable {
    enum Kind: UInt8, Sendable {
        case report, coverage, allSchoolsReport
    }

    struct Key: Hashable, Sendable {
        var kind: Kind
        var school: Int64
        var from: String
        var to: String
        /// The school-local date the answer was counted for.
        var day: String
    }

    private struct Entry {
        var generation: UInt64
        var validUntil: Date
        var data: Data
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    /// Longest an answer is served, in seconds: a bound on anything the generation does not see.
    static let maxAge: Double = 60
    /// The bound when other instances share the database (PostgreSQL): their changes arrive by
    /// notification, shortly after their callers hear back, so an answer is kept no longer than a
    /// `due.list` answer is (Decisions, issue 15, several instances).
    static let sharedMaxAge: Double = DueListCache.maxAge
    /// Most bytes kept (a school's year report is about 40 KB); past it the cache starts over.
    static let maxBytes = 8 << 20

    let enabled: Bool
    /// `maxAge`, or `sharedMaxAge` when other instances may change the database.
    let maxAge: Double
    private let state = NIOLockedValueBox(State())

    init(enabled: Bool, shared: Bool = false) {
        self.enabled = enabled
        self.maxAge = shared ? Self.sharedMaxAge : Self.maxAge
    }

    /// The current generation: read before the store read that computes an answer.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// A committed change (or a reload): every answer so far is stale.
    func invalidate() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
            state.bytes = 0
        }
    }

    func lookup(_ key: Key, now: Date) -> Data? {
        guard enabled else { return nil }
        return state.withLockedValue { state in
            guard let entry = state.entries[key], entry.generation == state.generation, now < entry.validUntil else {
                return nil
            }
            return entry.data
        }
    }

    /// Keeps an answer computed from the store as of `generation`; dropped when a change has
    /// committed since (it may predate that change).
    func store(_ key: Key, _ data: Data, generation: UInt64, validUntil: Date) {
        guard enabled, data.count <= Self.maxBytes else { return }
        state.withLockedValue { state in
            guard generation == state.generation else { return }
            if state.bytes + data.count > Self.maxBytes {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.bytes += data.count - (state.entries[key]?.data.count ?? 0)
            state.entries[key] = Entry(generation: generation, validUntil: validUntil, data: data)
        }
    }
}
