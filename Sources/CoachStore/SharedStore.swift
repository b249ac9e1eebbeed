/// A store that several coachd instances share (PostgreSQL, issue 15): which instance runs the
/// scheduler, and what the others committed. The SQLite store is not one: its one instance is
/// always the scheduler and nothing changes behind its back.
public protocol SharedStore: CoachStore {
    /// A lease on the scheduler, held on a connection of its own; not taken until `tryAcquire`.
    func makeSchedulerLease() -> any SchedulerLease
    /// What other instances committed, from a connection of its own that listens; reconnects by
    /// itself. Ends when `stopListening` is called.
    func changeNotices() -> AsyncStream<StoreChangeNotice>
    /// Stops the listener started by `changeNotices`.
    func stopListening()
    /// This instance's id in notices (so it can leave out its own).
    var instanceID: String { get }
}

/// Exactly one holder among the instances sharing a store.
public protocol SchedulerLease: AnyObject, Sendable {
    /// Takes the lease when free (or keeps it); answers whether this instance holds it now. A
    /// holder whose connection was lost answers false: it lost the lease with it.
    func tryAcquire() async -> Bool
    /// Whether the lease is held as far as this instance knows, without a round trip: false as soon
    /// as its connection is seen closed.
    var isHeld: Bool { get }
    /// Gives the lease up (shutdown).
    func release() async
}

/// Something committed on the shared store.
public enum StoreChangeNotice: Sendable, Hashable {
    /// A transaction committed by another instance (its `instanceID`): caches may be stale, live
    /// events may be new, due items may have moved.
    case committed(instance: String)
    /// The listener's connection was lost and is back: anything may have changed meanwhile.
    case resync
}
