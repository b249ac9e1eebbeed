import Foundation

/// A value the test's threads share, behind a pthread mutex (`NSLock`). Not
/// `Synchronization.Mutex`: on Linux it hands a contended lock over in the kernel
/// (priority-inheritance futex), which the thread sanitizer cannot see, so `make tsan` reported
/// every contended use as a race.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
