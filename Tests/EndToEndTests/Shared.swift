import Foundation

/// A value the test's threads share, behind a lock. (A `Mutex` or `Atomic` captured by a thread's
/// closure is boxed by the compiler; the thread sanitizer reports the box's accesses as races.)
final class Shared<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }

    var current: Value { withLock { $0 } }
}
