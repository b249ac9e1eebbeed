import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// The due.list answer cache: per caller, dropped by any committed change, never stale.
@Suite("due.list answer cache")
struct DueListCacheTests {
    static func decoded(_ data: Data?) throws -> DueList? {
        try data.map { try JSONDecoder().decode(DueList.self, from: $0) }
    }

    @Test func anAnswer_isCachedForItsCallerOnly() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        #expect(f.service.dueListCached([:], Peers.lead) == nil)
        let leads = try await f.service.dueListEncoded(.init(), Peers.lead)
        #expect(f.service.dueListCached([:], Peers.lead) == leads)
        // Another caller — even one whose view would be a subset — is never handed the lead's view.
        #expect(f.service.dueListCached([:], Peers.teacher) == nil)
        #expect(f.service.dueListCached([:], Peer(uid: Peers.lead.uid, gid: 0)) == nil)
        let teachers = try await f.service.dueListEncoded(.init(), Peers.teacher)
        #expect(try Self.decoded(teachers)?.items.map(\.pair) == [f.pair])
        #expect(try Self.decoded(f.service.dueListCached([:], Peers.lead))?.items.count == 2)
        #expect(f.service.dueListCached([:], Peers.teacher) == teachers)
    }

    @Test func theCachedAnswer_isWhatTheServiceComputes() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.dueListEncoded(.init(school: f.school), Peers.admin)
        let cached = try Self.decoded(f.service.dueListCached(["school": .int(f.school)], Peers.admin))
        #expect(cached == (try await f.service.dueList(.init(school: f.school), Peers.admin)))
        #expect(f.service.dueListCached([:], Peers.admin) == nil, "other params, other entry")
    }

    @Test func anyCommittedChange_dropsEveryAnswer() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.dueListEncoded(.init(), Peers.lead)
        _ = try await f.service.dueListEncoded(.init(), Peers.teacher)
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        #expect(f.service.dueListCached([:], Peers.lead) == nil)
        #expect(f.service.dueListCached([:], Peers.teacher) == nil)
        // A refused change commits nothing and drops nothing.
        _ = try await f.service.dueListEncoded(.init(), Peers.lead)
        _ = await wireError { _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "x"), Peers.stranger) }
        #expect(f.service.dueListCached([:], Peers.lead) != nil)
    }

    @Test func anAnswer_expiresWhenAListedItemTurnsOverdue() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        // The first drop-in is overdue at the end of Monday's school day (15:30 in London): an
        // answer computed just before says "due", and is not served a moment later.
        let overdueAt = ServiceFixture.monday.addingTimeInterval(6.5 * 3600)
        f.clock.set(overdueAt.addingTimeInterval(-0.2))
        let before = try Self.decoded(try await f.service.dueListEncoded(.init(), Peers.teacher))
        #expect(before?.items.first?.overdue == false)
        #expect(f.service.dueListCached([:], Peers.teacher) != nil)
        f.clock.set(overdueAt.addingTimeInterval(0.1))
        #expect(f.service.dueListCached([:], Peers.teacher) == nil)
        let after = try Self.decoded(try await f.service.dueListEncoded(.init(), Peers.teacher))
        #expect(after?.items.first?.overdue == true)
    }

    /// While the database is unavailable (issue 15) the caller's last answer is served past `maxAge`,
    /// but never one a committed change has made stale, nor one time alone has changed, nor anyone else's.
    @Test func theLastAnswer_outlivesMaxAge_butNotAChangeNorTheTimeItChangesAt() {
        let cache = DueListCache(enabled: true)
        let key = DueListCache.Key(uid: 1001, gid: 1001, school: nil, overdueOnly: false)
        let other = DueListCache.Key(uid: 1002, gid: 1002, school: nil, overdueOnly: false)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let changesAt = start.addingTimeInterval(3600)
        cache.store(
            key, Data("answer".utf8), generation: cache.generation, validUntil: start.addingTimeInterval(1),
            changesAt: changesAt)
        #expect(cache.lookup(key, now: start.addingTimeInterval(2)) == nil)
        #expect(cache.lastAnswer(key, now: start.addingTimeInterval(2)) == Data("answer".utf8))
        #expect(cache.lastAnswer(key, now: changesAt.addingTimeInterval(-0.001)) == Data("answer".utf8))
        #expect(cache.lastAnswer(key, now: changesAt) == nil)
        #expect(cache.lastAnswer(other, now: start.addingTimeInterval(2)) == nil)
        cache.invalidate()
        #expect(cache.lastAnswer(key, now: start.addingTimeInterval(2)) == nil)
        let off = DueListCache(enabled: false)
        off.store(key, Data("answer".utf8), generation: off.generation, validUntil: start, changesAt: changesAt)
        #expect(off.lastAnswer(key, now: start) == nil)
    }

    @Test func anAnswer_expiresAfterAtMostMaxAge() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "f"), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "x"), Peers.teacher)  // due next week
        _ = try await f.service.dueListEncoded(.init(), Peers.teacher)
        #expect(f.service.dueListCached([:], Peers.teacher) != nil)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(DueListCache.maxAge + 0.5))
        #expect(f.service.dueListCached([:], Peers.teacher) == nil)
    }

    @Test func unusualParams_takeTheOrdinaryPath() {
        let peer = Peers.admin
        #expect(DueListCache.key(["school": .int(1), "overdueOnly": .bool(true)], peer: peer) != nil)
        #expect(DueListCache.key(["school": .null], peer: peer) != nil)
        #expect(DueListCache.key(["school": "1"], peer: peer) == nil)
        #expect(DueListCache.key(["school": .double(1.5)], peer: peer) == nil)
        #expect(DueListCache.key(["pair": .int(1)], peer: peer) == nil)
        #expect(DueListCache.key(["": .null], peer: peer) == nil)
    }

    @Test func disabled_computesEveryAnswer() async throws {
        var f = try await ServiceFixture(configure: { $0.cacheDueList = false })
        try await f.seed()
        _ = try await f.service.dueListEncoded(.init(), Peers.lead)
        #expect(f.service.dueListCached([:], Peers.lead) == nil)
    }
}

@Suite("Due items at start-up")
struct DueItemStartupTests {
    @Test func aChangedPolicy_recomputesThePersistedItems() async throws {
        let directory = NSTemporaryDirectory() + "coachd-policy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/coachd.sqlite")
        var f = try await ServiceFixture(store: store)
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "f"), Peers.teacher)
        let dropIn = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(2 * 3600))
        _ = try await f.service.dropInsComplete(.init(dropin: dropIn.id), Peers.coach)
        #expect(try await f.timer.items()[f.pair]?.dueDate == LocalDate("2026-11-25"))
        // Restarted with follow-ups due within 4 school days instead of 2: the item moves.
        let restarted = try await ServiceFixture(
            now: ServiceFixture.monday.addingTimeInterval(3 * 3600), store: store,
            configure: { $0.policy.followUpSchoolDays = 4 })
        #expect(try await restarted.timer.items()[f.pair]?.dueDate == LocalDate("2026-11-27"))
        #expect(try await store.read { try $0.duePolicy() }?.contains("followUp=4") == true)
    }
}
