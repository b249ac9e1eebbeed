public import Foundation

/// A due item crossing one of its two thresholds.
public struct Transition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case due, overdue
    }

    public var kind: Kind
    public var item: DueItem
    /// When it was meant to happen (earlier than now when caught up after downtime).
    public var at: Date

    public init(kind: Kind, item: DueItem, at: Date) {
        self.kind = kind
        self.item = item
        self.at = at
    }

    /// A stable identity, recorded once raised so it is never raised twice.
    public var key: String { "\(item.key)/\(kind.rawValue)" }
}

/// One pair's due item with what of it has been raised: the schedule's state for that pair. The
/// store keeps one per pair (`due_item`), written in the transaction of the change that moves it,
/// so start-up reads when the soonest transition falls instead of loading every pair (B5).
public struct DueSchedule: Sendable, Hashable {
    public var item: DueItem
    public var dueRaised: Bool
    public var overdueRaised: Bool

    public init(item: DueItem, dueRaised: Bool = false, overdueRaised: Bool = false) {
        self.item = item
        self.dueRaised = dueRaised
        self.overdueRaised = overdueRaised
    }

    /// What a pair's schedule becomes when its item is set to `item` (nil: it has none). The same
    /// item keeps its marks, so nothing is raised twice; a new one takes them from the record of
    /// raised transitions (`isRaised`, by `Transition.key`), so a recompute after a restart or a
    /// policy change raises nothing again either.
    public static func setting(
        _ item: DueItem?, over current: DueSchedule?, isRaised: (String) throws -> Bool
    ) rethrows -> DueSchedule? {
        guard let item else { return nil }
        if let current, current.item == item { return current }
        return DueSchedule(
            item: item, dueRaised: try isRaised(Transition(kind: .due, item: item, at: item.dueAt).key),
            overdueRaised: try isRaised(Transition(kind: .overdue, item: item, at: item.overdueAt).key))
    }

    /// When its next transition not yet raised falls (nil: both were raised).
    public var nextAt: Date? {
        if !dueRaised { return item.dueAt }
        if !overdueRaised { return item.overdueAt }
        return nil
    }

    /// The transitions that have come by `now` and were not raised yet, due before overdue; marks
    /// them raised.
    public mutating func fire(now: Date) -> [Transition] {
        var out: [Transition] = []
        if !dueRaised, item.dueAt <= now {
            out.append(Transition(kind: .due, item: item, at: item.dueAt))
            dueRaised = true
        }
        if !overdueRaised, item.overdueAt <= now {
            out.append(Transition(kind: .overdue, item: item, at: item.overdueAt))
            overdueRaised = true
        }
        return out
    }
}

/// The due scheduler the timer runs: when to wake, what to raise when it does, and whether a
/// raised transition is a catch-up. A value: the daemon's `DueTimer` holds one, loads it at start,
/// `update`s it after every committed change and asks it; time is passed in, nothing is read.
///
/// The items themselves are the store's (`DueSchedule` rows, read by index in batches): the
/// scheduler decides, the store keeps and the timer carries out (Decisions, issue 9: the domain's
/// due scheduler and features).
public struct DueScheduler: Sendable {
    /// When this run of the daemon began.
    public let startedAt: Date
    /// When the soonest transition not yet raised falls, as last known (or sooner); nil: none.
    public private(set) var nextWake: Date?
    /// Pairs whose item a change has set since start: their transitions were not missed.
    private var changedSinceStart: Set<Int64> = []

    public init(startedAt: Date, nextWake: Date? = nil) {
        self.startedAt = startedAt
        self.nextWake = nextWake
    }

    /// Loaded at start (and after a rebuild): when the soonest persisted transition falls.
    public mutating func load(nextWake: Date?) { self.nextWake = nextWake }

    /// A committed change set these pairs' items; each with its next transition not yet raised.
    /// Returns whether the timer must wake sooner than it planned (a later time needs nothing:
    /// waking early finds nothing due and reads the next time).
    @discardableResult
    public mutating func update(_ nextTransitions: [Int64: Date?]) -> Bool {
        changedSinceStart.formUnion(nextTransitions.keys)
        guard let soonest = nextTransitions.values.compactMap({ $0 }).min(),
            nextWake.map({ soonest < $0 }) ?? true
        else { return false }
        nextWake = soonest
        return true
    }

    /// Something whose times the scheduler does not hold changed (a peer pair, period or session):
    /// wake at `now` and look.
    public mutating func wake(at now: Date) { nextWake = now }

    /// Whether a wake-up at `now` has anything to raise.
    public func isDue(at now: Date) -> Bool { nextWake.map { $0 <= now } ?? false }

    /// After raising: when the next transition falls, or when to try again after a failure.
    public mutating func reschedule(_ next: Date?) { nextWake = next }

    /// Raises a batch of schedules whose next transition has come by `now`: the transitions to
    /// raise, in the batch's order (due before overdue within a pair), and the schedules as they
    /// become. The store records each transition's key first; one already recorded is not raised.
    public static func fire(_ schedules: [DueSchedule], now: Date) -> (
        transitions: [Transition], schedules: [DueSchedule]
    ) {
        var transitions: [Transition] = []
        var after: [DueSchedule] = []
        for var schedule in schedules {
            transitions += schedule.fire(now: now)
            after.append(schedule)
        }
        return (transitions, after)
    }

    /// Whether a raised transition was missed while the daemon was down: it fell before this run
    /// began, for an item no change has touched since. A back-dated booking makes a transition in
    /// the past that was not missed; monitoring filters on `catch_up`.
    public func isCatchUp(_ transition: Transition) -> Bool {
        transition.at < startedAt && !changedSinceStart.contains(transition.item.pair)
    }

    /// Whether something that fell at `at`, about a peer pair or group that exists `since`, was
    /// missed while the daemon was down (peer sessions and supervision meetings, whose changes the
    /// scheduler is not told one by one): it fell before this run began, and so did the pair's or
    /// group's creation. A pair created during this run, in a period already begun, makes a due in
    /// the past that was not missed, as a back-dated booking does.
    public func isCatchUp(at: Date, since: Date) -> Bool { max(at, since) < startedAt }
}
