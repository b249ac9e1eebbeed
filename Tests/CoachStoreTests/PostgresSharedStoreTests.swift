// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    import CoachStore
    import CoachStorePostgres
    import Foundation
    import PostgresTestSupport
    import Testing

    /// Several coachd instances on one PostgreSQL database (issue 15), at the store: the scheduler's
    /// lease (one holder; lost with its connection; taken over), LISTEN/NOTIFY of commits (another
    /// instance's, never its own; a lost listener comes back with `.resync`), and concurrent changes
    /// through two instances (serializable: one wins, never a lost update; `.conflict` when it keeps
    /// conflicting).
    @Suite("PostgreSQL store, several instances", .serialized)
    struct PostgresSharedStoreTests {
        @Test func exactlyOneInstanceHoldsTheSchedulerLease_andAnotherTakesOverWhenItsConnectionIsLost() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let stores = try (0..<3).map { _ in try PostgresStore(configuration: configuration, readers: 1) }
            let leases = stores.map { $0.makeSchedulerLease() }
            var held: [Bool] = []
            for lease in leases { held.append(await lease.tryAcquire()) }
            #expect(held == [true, false, false])
            // Trying again changes nothing: the holder keeps it, the others still cannot take it.
            for index in leases.indices { held[index] = await leases[index].tryAcquire() }
            #expect(held == [true, false, false])
            #expect(leases.map(\.isHeld) == [true, false, false])

            // The holder's connection is cut by the server (as when its host or the network goes).
            let cut = try server.psql(
                configuration.database,
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
            #expect(cut.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            // The holder notices without a round trip once its connection is seen closed...
            let deadline = Date().addingTimeInterval(5)
            while leases[0].isHeld && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!leases[0].isHeld)
            // ...and the next try of another instance takes it; the old holder's next try does not.
            #expect(await leases[1].tryAcquire())
            #expect(!(await leases[0].tryAcquire()))
            #expect(!(await leases[2].tryAcquire()))

            // Released on shutdown: the next try elsewhere takes it.
            await leases[1].release()
            #expect(!leases[1].isHeld)
            #expect(await leases[2].tryAcquire())
            await leases[2].release()
            await leases[0].release()
        }

        @Test func aCommitIsNotifiedToTheOtherInstances_notToItself_andAfterALostListenerItResyncs() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let one = try PostgresStore(configuration: configuration, readers: 1)
            let two = try PostgresStore(configuration: configuration, readers: 1)
            #expect(one.instanceID != two.instanceID)
            let heard = Heard()
            let notices = two.changeNotices()
            let listening = Task {
                for await notice in notices { heard.append(notice) }
            }
            defer {
                two.stopListening()
                listening.cancel()
            }
            // Wait until the listener is connected (its LISTEN shows in pg_stat_activity).
            try await waitFor("the listener to LISTEN") {
                try server.psql(
                    configuration.database,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'"
                ).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
            }
            _ = try await one.write { tx in try seed(tx) }
            try await waitFor("the other instance's commit") {
                heard.all.contains(.committed(instance: one.instanceID))
            }
            // Its own commit is not told to itself; a rolled-back one is told to no one.
            _ = try await two.write { tx in
                try tx.insert(
                    School(
                        id: 0, name: "Dale", timeZone: "Europe/London", dayStart: LocalTime("08:30")!,
                        dayEnd: LocalTime("15:30")!))
            }
            await #expect(throws: Boom.self) {
                try await one.write { tx in
                    _ = try tx.insert(
                        School(
                            id: 0, name: "Never", timeZone: "Europe/London", dayStart: LocalTime("08:30")!,
                            dayEnd: LocalTime("15:30")!))
                    throw Boom()
                }
            }
            _ = try await one.write { tx in try tx.schools().count }
            try await waitFor("the second commit") {
                heard.all.filter { $0 == .committed(instance: one.instanceID) }.count == 2
            }
            #expect(!heard.all.contains(.committed(instance: two.instanceID)))
            #expect(heard.all.count == 2)

            // The listener's connection is cut: it reconnects and says anything may have changed.
            _ = try server.psql(
                configuration.database,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()")
            try await waitFor("the resync after reconnecting") { heard.all.contains(.resync) }
            _ = try await one.write { tx in try tx.schools().count }
            try await waitFor("a commit after reconnecting") {
                heard.all.filter { $0 == .committed(instance: one.instanceID) }.count == 3
            }
        }

        @Test func twoInstancesCompletingTheSameDropInAtOnce_oneWins_theOtherSeesItDone() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let one = try PostgresStore(configuration: configuration, readers: 1)
            let two = try PostgresStore(configuration: configuration, readers: 1)
            let dropIn = try await one.write { tx in
                let ids = try seed(tx)
                return try tx.insert(
                    DropIn(
                        id: 0, pair: ids.pair, coach: ids.coach, cycle: nil, start: t0, minutes: 10, completedAt: nil,
                        notes: nil))
            }
            // Each reads the drop-in, finds it open, waits long enough for the other to read it too,
            // then completes it with its own notes: without serializable isolation both would "win"
            // and the second would silently overwrite the first's notes.
            let runs = Counter()
            @Sendable func complete(_ store: PostgresStore, notes: String) async -> Result<Void, any Error> {
                do {
                    try await store.write { tx in
                        runs.add()
                        guard let current = try tx.dropIn(dropIn), current.completedAt == nil else {
                            throw AlreadyDone()
                        }
                        usleep(300_000)
                        try tx.completeDropIn(dropIn, at: t0, notes: notes)
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            async let a = complete(one, notes: "from one")
            async let b = complete(two, notes: "from two")
            let results = await [a, b]
            let wins = results.filter { if case .success = $0 { true } else { false } }.count
            #expect(wins == 1)
            let loser = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(loser.count == 1)
            #expect(loser.first is AlreadyDone)
            // The loser ran again after the winner committed (and then found it done).
            #expect(runs.value == 3)
            let stored = try await one.read { try $0.dropIn(dropIn) }
            #expect(stored?.completedAt != nil)
            #expect(["from one", "from two"].contains(stored?.notes ?? ""))
        }

        @Test func aChangeThatKeepsConflicting_isAConflict_andNothingIsChanged() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let store = try PostgresStore(configuration: configuration, readers: 1)
            let dropIn = try await store.write { tx in
                let ids = try seed(tx)
                return try tx.insert(
                    DropIn(
                        id: 0, pair: ids.pair, coach: ids.coach, cycle: nil, start: t0, minutes: 10, completedAt: nil,
                        notes: nil))
            }
            let runs = Counter()
            // Every attempt reads the drop-in; another instance (psql) changes it and commits before
            // this one writes it: a serialization failure each time.
            await #expect {
                try await store.write { tx in
                    runs.add()
                    _ = try tx.dropIn(dropIn)
                    _ = try server.psql(
                        configuration.database, "UPDATE dropin SET minutes = minutes + 1 WHERE id = \(dropIn)")
                    try tx.completeDropIn(dropIn, at: t0, notes: "lost?")
                }
            } throws: { error in
                (error as? StoreError)?.kind == .conflict && "\(error)".contains("another coachd instance")
            }
            #expect(runs.value == 3)
            let stored = try await store.read { try $0.dropIn(dropIn) }
            #expect(stored?.completedAt == nil)
            #expect(stored?.minutes == 13)
        }

        @Test func overlappingRaises_recordEachTransitionOnce() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let stores = try (0..<3).map { _ in try PostgresStore(configuration: configuration, readers: 1) }
            let keys = (0..<40).map { "test.transition.\($0)" }
            // Three instances raising the same transitions at once (a brief overlap at takeover).
            let fresh = try await withThrowingTaskGroup(of: [String].self) { group in
                for store in stores {
                    group.addTask {
                        var mine: [String] = []
                        for chunk in stride(from: 0, to: keys.count, by: 5) {
                            let slice = Array(keys[chunk..<min(chunk + 5, keys.count)])
                            while true {
                                do {
                                    mine += try await store.write { tx in try tx.markRaised(slice, at: t0) }
                                    break
                                } catch let error as StoreError where error.kind == .conflict {
                                    continue
                                }
                            }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(fresh.sorted() == keys.sorted())
        }
    }

    private struct AlreadyDone: Error {}

    /// What a listener heard, in order.
    private final class Heard: @unchecked Sendable {
        private let lock = NSLock()
        private var notices: [StoreChangeNotice] = []
        func append(_ notice: StoreChangeNotice) { lock.withLock { notices.append(notice) } }
        var all: [StoreChangeNotice] { lock.withLock { notices } }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// Waits up to 10 s for `condition`, failing the test naming `what` when it never holds.
    private func waitFor(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("timed out waiting for \(what)")
    }
#endif
