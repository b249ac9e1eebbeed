import CoachDomain
import CoachStore
import Foundation
import Logging

/// Holds every pair's next due item and sleeps until the next due/overdue transition; no polling.
/// Each transition is recorded in the store before it is logged, so it is raised exactly once,
/// also when caught up after downtime.
actor DueTimer {
    private var scheduler = DueScheduler()
    private(set) var calendars: [Int64: SchoolCalendar] = [:]
    private let store: any CoachStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var sleeper: Task<AlarmWake, Never>?
    /// Sleeps until the next transition on the wall clock, waking early when the clock is set.
    private let alarm: any WallClockAlarm
    /// Transitions raised since start (for tests and status).
    private(set) var raisedCount = 0
    /// Called with every raised transition (journal hook, event stream).
    private let onTransition: @Sendable (Transition) -> Void

    /// - Parameters:
    ///   - now: the wall clock; `alarm` must sleep on the same clock.
    ///   - alarm: the timerfd alarm in production; tests pass one they drive by hand.
    init(
        store: any CoachStore, logger: Logger, now: @escaping @Sendable () -> Date,
        alarm: any WallClockAlarm = TimerFDAlarm(), onTransition: @escaping @Sendable (Transition) -> Void = { _ in }
    ) {
        self.store = store
        self.logger = logger
        self.now = now
        self.alarm = alarm
        self.onTransition = onTransition
    }

    /// Loads every active pair's item and the transitions already raised.
    func load(policy: CyclePolicy) async throws {
        let (states, raised, calendars) = try await store.read { store in
            let schools = try store.schools()
            var calendars: [Int64: SchoolCalendar] = [:]
            for school in schools {
                calendars[school.id] = try store.calendar(school: school.id)
            }
            return (try store.allPairStates(), try store.raisedTransitions(), calendars)
        }
        self.calendars = calendars
        scheduler = DueScheduler()
        scheduler.markRaised(raised)
        for state in states {
            guard let calendar = calendars[state.pair.school] else { continue }
            scheduler.update(
                pair: state.pair.id, item: DueCalculator.next(for: state, calendar: calendar, policy: policy))
        }
        logger.info("due items loaded", metadata: ["coachd.pairs": "\(scheduler.count)"])
        sleeper?.cancel()
        observer?()
    }

    private var observer: (@Sendable () -> Void)?

    /// Called after every change to the items or a raised transition (the status line follows it).
    func observe(_ body: @escaping @Sendable () -> Void) { observer = body }

    /// Answers when the actor is free: the watchdog pings only if the scheduler is not stuck.
    func heartbeat() -> Bool { true }

    /// Applies the due items a committed transaction changed, and re-arms.
    func apply(_ changes: DueChanges) {
        guard !changes.items.isEmpty || !changes.calendars.isEmpty else { return }
        calendars.merge(changes.calendars) { _, new in new }
        for (pair, item) in changes.items {
            scheduler.update(pair: pair, item: item)
        }
        sleeper?.cancel()
        observer?()
    }

    /// Every current item.
    func items() -> [Int64: DueItem] {
        var out: [Int64: DueItem] = [:]
        for item in scheduler.allItems { out[item.pair] = item }
        return out
    }

    /// Counts for the status line: pairs with an item, due today (school-local), overdue now.
    func counts(at instant: Date) -> (pairs: Int, dueToday: Int, overdue: Int) {
        var today = 0
        var overdue = 0
        for item in scheduler.allItems {
            if item.isOverdue(at: instant) {
                overdue += 1
            } else if let calendar = calendars[item.school], calendar.localDate(of: instant) == item.dueDate {
                today += 1
            }
        }
        return (scheduler.count, today, overdue)
    }

    /// When the timer next wakes for a transition.
    func nextTransition() -> Date? { scheduler.nextWake() }

    /// Raises what has come, then sleeps until the next transition, a change to the items, or a
    /// change of the wall clock (NTP step, DST is not one: due times are UTC instants); until
    /// cancelled. No polling: with nothing due it sleeps until something changes.
    func run() async {
        while !Task.isCancelled {
            await fire()
            let next = scheduler.nextWake()
            let alarm = self.alarm
            let task = Task { await alarm.sleep(until: next) }
            sleeper = task
            let wake = await withTaskCancellationHandler {
                await task.value
            } onCancel: {
                task.cancel()
            }
            if wake == .clockChanged {
                logger.notice(
                    "the wall clock was set; due times re-checked",
                    metadata: [
                        "coachd.event": "\(JournalEvent.clockChanged.rawValue)",
                        "coachd.now": "\(InstantFormat.rfc3339(now(), offsetSeconds: 0, zulu: true))",
                    ])
            }
        }
    }

    /// Raises every transition due by now, once each: recorded first, then logged.
    func fire() async {
        let instant = now()
        let transitions = scheduler.fire(now: instant)
        guard !transitions.isEmpty else { return }
        let keys = transitions.map(\.key)
        let fresh: Set<String>
        do {
            fresh = Set(try await store.write { tx in try tx.markRaised(keys, at: instant) })
        } catch {
            logger.error(
                "could not record raised transitions; raising them anyway",
                metadata: ["coachd.event": "store.error", "coachd.error": "\(error)"])
            fresh = Set(keys)
        }
        for transition in transitions where fresh.contains(transition.key) {
            raisedCount += 1
            let item = transition.item
            let calendar = calendars[item.school]
            let event = "\(item.kind.rawValue).\(transition.kind.rawValue)"
            logger.notice(
                "\(item.kind == .dropIn ? "drop-in" : "follow-up") \(transition.kind == .due ? "due" : "overdue") for pair \(item.pair)",
                metadata: [
                    "coachd.event": "\(event)",
                    "coachd.pair": "\(item.pair)",
                    "coachd.school": "\(item.school)",
                    "coachd.due": "\(calendar?.format(item.dueAt) ?? "\(item.dueAt)")",
                    "coachd.due_date": "\(item.dueDate)",
                    "coachd.catch_up": "\(instant.timeIntervalSince(transition.at) > 60)",
                ])
            onTransition(transition)
        }
        observer?()
    }
}
