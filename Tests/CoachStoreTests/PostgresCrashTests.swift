// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    import CoachStore
    import CoachStorePostgres
    import Foundation
    import PostgresTestSupport
    import Testing

    /// Durability on PostgreSQL (issue 15): the server is killed (SIGKILL) while writes stream in. Every
    /// write that was acknowledged is there after the server recovers; while it is down writes fail
    /// with `StoreError(.unavailable)` rather than hang or crash; and the store carries on by itself once
    /// the server is back (its connections are reopened).
    @Suite("PostgreSQL store: the server killed mid-load")
    struct PostgresCrashTests {
        @Test func noAcknowledgedWriteIsLost_andTheStoreRecoversByItself() async throws {
            let server = try PostgresTestServer()
            defer { server.stop() }
            let store = try PostgresStore(configuration: try server.newDatabase())
            let state = Tally()
            let writer = Task.detached {
                var next = 0
                while !state.withLock({ $0.stop }) {
                    let name = "region \(next)"
                    next += 1
                    do {
                        _ = try await store.write { tx in try tx.insert(Region(id: 0, name: name)) }
                        state.withLock { $0.acknowledged.append(name) }
                    } catch {
                        state.withLock { $0.failures.append("\(type(of: error)): \(error)") }
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            func waitFor(_ count: Int) async throws {
                let deadline = Date().addingTimeInterval(90)
                while state.withLock({ $0.acknowledged.count }) < count {
                    guard Date() < deadline else {
                        let (acknowledged, failures) = state.withLock { ($0.acknowledged.count, $0.failures) }
                        throw PostgresTestServer.ServerError(
                            "writes stalled at \(acknowledged) of \(count), after \(failures.count) failures, the last: "
                                + "\(failures.last ?? "none")")
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            try await waitFor(30)
            server.killServer()
            let atKill = state.withLock { $0.acknowledged.count }
            try await Task.sleep(for: .milliseconds(500))
            try server.restart()
            // The store reconnects by itself: writes are acknowledged again.
            try await waitFor(atKill + 30)
            state.withLock { $0.stop = true }
            await writer.value

            let (acknowledged, failures) = state.withLock { ($0.acknowledged, $0.failures) }
            let stored = Set(try await store.read { try $0.regions().map(\.name) })
            #expect(Set(acknowledged).subtracting(stored).isEmpty, "acknowledged writes lost")
            #expect(!failures.isEmpty, "no write failed while the server was down")
            #expect(failures.allSatisfy { $0.hasPrefix("StoreError") }, "\(failures.prefix(3))")
        }
    }

    /// What the writer saw, shared with the test under a lock.
    private final class Tally: @unchecked Sendable {
        struct Counts {
            var acknowledged: [String] = []
            var failures: [String] = []
            var stop = false
        }

        private let lock = NSLock()
        private var counts = Counts()

        func withLock<T>(_ body: (inout Counts) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&counts)
        }
    }
#endif
