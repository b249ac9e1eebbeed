package import CoachDomain
import Foundation
import GRDB

/// Group commit: write transactions that arrive while one is committing wait, then run together
/// in the next transaction, each inside its own SAVEPOINT, and share one COMMIT — one fsync for
/// the group instead of one per write. A body that throws is rolled back to its savepoint and only
/// its caller gets the error; a failed COMMIT fails every write of the group. No caller hears back
/// before the commit that holds its change is durable (`synchronous=FULL`).
final class GroupCommitter: Sendable {
    private struct Pending: Sendable {
        let run: @Sendable (Database) throws -> Void
        let done: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let state = Locked(State())
    /// Most writes in one transaction: bounds how long the first of a group waits.
    static let maxGroup = 64

    private let calendars: CalendarCache

    init(writer: any DatabaseWriter, calendars: CalendarCache) {
        self.writer = writer
        self.calendars = calendars
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreWriting) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let pending = Pending(
                run: { [calendars] db in box.set(try body(SQLiteAccess(db: db, calendars: calendars))) },
                done: { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                })
            let lead = state.withLockedValue { state in
                state.queue.append(pending)
                defer { state.draining = true }
                return !state.draining
            }
            if lead { StoreThreads.shared.submit { self.drain() } }
        }
        return box.take()
    }

    /// Commits groups until the queue is empty, on one of the store's threads with GRDB's
    /// synchronous `write` (no Dispatch worker thread, issue 9).
    private func drain() {
        while true {
            let group: [Pending] = state.withLockedValue { state in
                let group = Array(state.queue.prefix(Self.maxGroup))
                state.queue.removeFirst(group.count)
                if group.isEmpty { state.draining = false }
                return group
            }
            guard !group.isEmpty else { return }
            commit(group)
        }
    }

    private func commit(_ group: [Pending]) {
        // Which members failed, and why.
        let failures = Locked<[(any Error)?]>(Array(repeating: nil, count: group.count))
        do {
            try writer.write { db in
                if group.count == 1 {
                    // Alone: the transaction itself is the savepoint.
                    try group[0].run(db)
                    return
                }
                for (index, pending) in group.enumerated() {
                    try db.execute(sql: "SAVEPOINT member")
                    do {
                        try pending.run(db)
                        try db.execute(sql: "RELEASE SAVEPOINT member")
                    } catch {
                        failures.withLockedValue { $0[index] = error }
                        // If SQLite already rolled the whole transaction back (I/O error, full
                        // disk), this throws and the group fails as one, which is the truth.
                        try db.execute(sql: "ROLLBACK TO SAVEPOINT member")
                        try db.execute(sql: "RELEASE SAVEPOINT member")
                    }
                }
            }
        } catch {
            failures.withLockedValue { failures in
                for index in failures.indices where failures[index] == nil { failures[index] = error }
            }
        }
        let errors = failures.withLockedValue { $0 }
        for (pending, error) in zip(group, errors) { pending.done(error) }
    }
}

/// The value a write body returned, handed from the writer's thread to the waiting caller (the
/// continuation orders the two).
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var value: T?
    func set(_ value: T) { self.value = value }
    func take() -> T { value! }
}

/// A value behind a pthread mutex (`NSLock`). Not `Synchronization.Mutex`: on Linux it hands a
/// contended lock over in the kernel (priority-inheritance futex), which the thread sanitizer cannot
/// see, so every contended use was reported as a race.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLockedValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// School calendars by school, each with the `calendar_stamp` it was read under. One entry per
/// school: bounded by the number of schools. The PostgreSQL store keeps one too.
package final class CalendarCache: Sendable {
    private let entries = Locked<[Int64: (stamp: Int64, calendar: SchoolCalendar)]>([:])

    package init() {}

    package func calendar(school: Int64, stamp: Int64) -> SchoolCalendar? {
        entries.withLockedValue { entries in
            guard let entry = entries[school], entry.stamp == stamp else { return nil }
            return entry.calendar
        }
    }

    package func store(_ calendar: SchoolCalendar, school: Int64, stamp: Int64) {
        entries.withLockedValue { $0[school] = (stamp, calendar) }
    }
}
