import CoachDomain
import CoachStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Keeps the store's report facts current (issue 12, B14; Decisions, "Issue 12: B14, report facts kept
/// per pair"). The store's triggers list every pair a committed change touched (its rows, the pair, its
/// school's calendar); once changes have paused, here or on another instance of a shared database, this
/// counts those pairs' facts again, a small batch per write transaction, and stops as soon as a new
/// change comes in: people's changes always go first, and under a steady stream of them the keeper
/// waits. No answer waits for it: a report counts a pair whose facts are not current from its records,
/// with the same figures.
final class ReportFactsKeeper: Sendable {
    /// Pairs counted per write transaction (about 100 µs each on SQLite).
    static let batch = 32
    /// How long no change must have come in before counting starts.
    static let quiet: Duration = .milliseconds(200)

    private let store: any CoachStore
    private let policy: @Sendable () -> CyclePolicy
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    /// Changes told so far (`poke`): counting stops when it moves.
    private let changes = NIOLockedValueBox(0)

    init(
        store: any CoachStore, policy: @escaping @Sendable () -> CyclePolicy, now: @escaping @Sendable () -> Date,
        logger: Logger
    ) {
        self.store = store
        self.policy = policy
        self.now = now
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A change was committed: count what it made stale once changes pause.
    func poke() {
        changes.withLockedValue { $0 &+= 1 }
        continuation.yield()
    }

    private var changeCount: Int { changes.withLockedValue { $0 } }

    /// Lists the pairs whose kept facts were counted under another policy or calendar (or never: the
    /// first start after `v11-report-facts`), then counts them in the background. At start and after a
    /// reload that changed `cycle.*`.
    func policyLoaded() async throws {
        let fingerprint = policy().reportFingerprint
        // Read first: an unchanged policy (every start but the first after an upgrade or a change of
        // `cycle.*`) needs no write and no scan of the pairs.
        let listedUnder = try await store.read { try $0.reportFactsPolicy() }
        let listed =
            listedUnder == fingerprint ? 0 : try await store.write { try $0.markStaleReportFacts(policy: fingerprint) }
        if listed > 0 {
            logger.info(
                "report facts to count", metadata: ["coachd.pairs": "\(listed)", "coachd.policy": "\(fingerprint)"])
        }
        poke()
    }

    /// Counts stale pairs' facts, a batch at a time, until none is left or (with `yielding`) a change
    /// comes in; returns how many pairs were counted.
    @discardableResult
    func drain(yielding: Bool = false) async throws -> Int {
        let seen = changeCount
        // A read first: with nothing stale, no write (on a shared database every write notifies the
        // other instances, whose keepers would then look too).
        guard try await store.read({ try !$0.staleReportPairs(limit: 1).isEmpty }) else { return 0 }
        var counted = 0
        while !Task.isCancelled, !yielding || changeCount == seen {
            let batch = try await store.refreshReportFacts(policy: policy(), limit: Self.batch, now: now())
            counted += batch
            if batch < Self.batch { break }  // the list is empty
        }
        return counted
    }

    /// Counts after changes pause, until cancelled. A failure is logged and tried again after the next
    /// change.
    func run() async {
        for await _ in stream {
            do {
                // Quiet first: no change told for `quiet`.
                var seen: Int
                repeat {
                    seen = changeCount
                    // On an event loop's timer: `Task.sleep` would start Dispatch's pool (issue 9).
                    try await sleepOnEventLoop(Self.quiet)
                } while changeCount != seen
                let started = ContinuousClock.now
                let counted = try await drain(yielding: true)
                if changeCount != seen { continuation.yield() }  // interrupted: wait for quiet again
                if counted >= 1_000 {
                    let elapsed = ContinuousClock.now - started
                    logger.info(
                        "report facts counted",
                        metadata: [
                            "coachd.pairs": "\(counted)",
                            "coachd.duration_ms":
                                "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
                        ])
                }
            } catch {
                // Cancelled (shutdown): a cancelled event-loop timer fails with its own error.
                if Task.isCancelled || error is CancellationError { return }
                logFailure(error)
            }
        }
    }

    func logFailure(_ error: any Error) {
        logger.warning("counting report facts failed, tried again after the next change: \(error)")
    }
}

/// Runs the report facts keeper until graceful shutdown.
struct ReportFactsService: Service {
    let keeper: ReportFactsKeeper

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // After start-up has settled: nothing here is needed to serve, so it never competes with
            // READY=1 (nor adds a reader connection to the footprint at READY, B5).
            do {
                try await sleepOnEventLoop(ReportFactsKeeper.quiet)
                try await keeper.policyLoaded()
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                // A read-only state directory refuses the write: reports are counted from the records.
                keeper.logFailure(error)
            }
            await keeper.run()
        }
    }
}
