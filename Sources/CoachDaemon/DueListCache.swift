import CoachRPC
import Foundation
import NIOConcurrencyHelpers

/// Encoded `due.list` answers, so a repeated question is answered on the I/O thread without a
/// store read or JSON encoding.
///
/// Confidentiality: an entry is keyed by the caller's uid and gid (everything the permission
/// check depends on besides the store), so one caller's view is never handed to another. An
/// entry is good only while nothing changed: every committed change moves the generation on,
/// and entries of an older generation are never served. It also expires when its first listed
/// item turns overdue (the answer says which are), and after `maxAge` at most, which bounds how
/// long a change outside the store (the admin group's members in /etc/group) takes to show.
final class DueListCache: Sendable {
    struct Key: Hashable, Sendable {
        var uid: UInt32
        var gid: UInt32
        var school: Int64?
        var overdueOnly: Bool
    }

    private struct Entry {
        var generation: UInt64
        var validUntil: Date
        /// When time alone changes the answer (an item turns overdue): `lastAnswer` serves it until then.
        var changesAt: Date
        var data: Data
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [Key: Entry] = [:]
    }

    /// Longest an answer is served, in seconds.
    static let maxAge: Double = 1
    /// Most entries kept; past it the cache starts over (a bound, not an eviction policy).
    static let maxEntries = 4096

    let enabled: Bool
    private let state = NIOLockedValueBox(State())

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// The current generation: read before computing an answer, passed back to `store`.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// A committed change (or a reload): every answer so far is stale.
    func invalidate() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
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

    /// The caller's last answer while the database is unavailable (issue 15: "keeps serving reads it
    /// can"): past `maxAge`, but only if no change has committed since it was computed (as `lookup`)
    /// and time alone has not changed it (`changesAt`).
    func lastAnswer(_ key: Key, now: Date) -> Data? {
        guard enabled else { return nil }
        return state.withLockedValue { state in
            guard let entry = state.entries[key], entry.generation == state.generation, now < entry.changesAt else {
                return nil
            }
            return entry.data
        }
    }

    /// Keeps an answer computed from the store as of `generation`; dropped when a change has
    /// committed since (it may predate that change).
    func store(_ key: Key, _ data: Data, generation: UInt64, validUntil: Date, changesAt: Date = .distantFuture) {
        guard enabled else { return }
        state.withLockedValue { state in
            guard generation == state.generation else { return }
            if state.entries.count >= Self.maxEntries { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(generation: generation, validUntil: validUntil, changesAt: changesAt, data: data)
        }
    }

    /// The key of a well-formed request, or nil for anything unusual (which then takes the
    /// ordinary path, with its full validation and error messages).
    static func key(_ raw: [String: JSONValue], peer: Peer) -> Key? {
        var key = Key(uid: peer.uid, gid: peer.gid, school: nil, overdueOnly: false)
        for (name, value) in raw {
            switch (name, value) {
            case ("school", .int(let school)): key.school = school
            case ("school", .null): break
            case ("overdueOnly", .bool(let flag)): key.overdueOnly = flag
            case ("overdueOnly", .null): break
            default: return nil
            }
        }
        return key
    }
}
