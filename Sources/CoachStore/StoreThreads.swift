import Foundation

/// The threads the store's SQLite work runs on: plain threads that block on a condition variable
/// while there is nothing to do, started as work arrives and kept (at most `limit`).
///
/// Not GRDB's asynchronous access, which runs on Dispatch queues: the first Dispatch worker thread
/// starts libdispatch's pool monitor, a 1 s timer that then wakes the process every second for as
/// long as it lives (issue 9, B8 in Docs/Performance.md). GRDB's synchronous `read`/`write`, called
/// from one of these threads, run inline on it (a `DispatchQueue.sync` on an idle serial queue
/// starts no worker thread). One pool per process: every store shares it (the PostgreSQL store
/// too, which blocks there on its connection), so tests that open many
/// stores do not leave threads behind per store.
package final class StoreThreads: @unchecked Sendable {
    /// Readers (GRDB's pool keeps at most 5 reader connections) and the group committer's writer.
    package static let shared = StoreThreads(limit: 6)

    private let condition = NSCondition()
    private let limit: Int
    /// Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var started = 0
    private var idle = 0

    init(limit: Int) { self.limit = limit }

    /// Runs `job` on one of the threads, starting a new one when none is idle and fewer than
    /// `limit` exist (otherwise it waits its turn).
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        let spawn = idle == 0 && started < limit
        if spawn { started += 1 }
        let number = started
        condition.signal()
        condition.unlock()
        if spawn {
            // Named from inside: Foundation sets the kernel's thread name only for the current thread.
            Thread.detachNewThread { [self] in
                Thread.current.name = "coachd-store-\(number)"
                loop()
            }
        }
    }

    /// Runs `body` on one of the threads and returns what it returns (or throws what it throws).
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func loop() {
        while true {
            condition.lock()
            idle += 1
            while jobs.isEmpty { condition.wait() }
            idle -= 1
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
