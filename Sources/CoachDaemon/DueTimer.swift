import CoachDomain
import CoachStore
import Foundation
import Logging

/// Sleeps until the next due/overdue transition, then raises what has come; no polling.
///
/// The domain's `DueScheduler` decides when to wake, what to raise and whether it is a catch-up;
/// this actor carries it out. The items themselves live in the store (`due_item`: each pair's
/// `DueSchedule`), written in the same transaction as the change that moves them, with the time
/// of each one's next transition not yet raised, indexed. So start-up reads one row instead of
/// recomputing every pair, and memory does not grow with the number of pairs. Each transition is
/// recorded in the store before it is logged, so it is raised exactly once, also when caught up
/// after downtime.
actor DueTimer {
    private let store: any CoachStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var sleeper: Task<AlarmWake, Never>?
    /// The domain's scheduler: when to wake, and which raised transitions are catch-ups (begun
    /// when this timer, this run of the daemon, began).
    private var scheduler: DueScheduler
    /// Sleeps until the next transition on the wall clock, waking early when the clock is set.
    private let alarm: any WallClockAlarm
    /// After the store failed to record transitions, wait this long before trying again.
    static let retryAfterFailure: Double = 60
    /// Items raised per write transaction while catching up.
    static let raiseBatch = 500
    /// Transitions raised since start (for tests and status).
    private(set) var raisedCount = 0
    /// Called with every raised transition (journal hook, event stream).
    private let onTransition: @Sendable (Transition) -> Void
    /// On a store several instances share (issue 15): the lease only one of them holds. Nil: this
    /// instance is the only one (SQLite), always the scheduler.
    private let lease: (any SchedulerLease)?
    /// Whether this instance runs the scheduler: always without a lease, else while it holds it.
    private(set) var isScheduler: Bool
    /// Another instance committed a change: read when the next transition falls before sleeping.
    private var needsRefresh = false

    /// - Parameters:
    ///   - now: the wall clock; `alarm` must sleep on the same clock.
    ///   - alarm: the timerfd alarm in production; tests pass one they drive by hand.
    init(
        store: any CoachStore, logger: Logger, now: @escaping @Sendable () -> Date,
        alarm: any WallClockAlarm = TimerFDAlarm(), lease: (any SchedulerLease)? = nil,
        onTransition: @escaping @Sendable (Transition) -> Void = { _ in }
    ) {
        self.lease = lease
        self.isScheduler = lease == nil
        self.store = store
        self.logger = logger
        self.now = now
        self.alarm = alarm
        self.onTransition = onTransition
        self.scheduler = DueScheduler(startedAt: now())
    }

    /// Makes sure the persisted items were computed under `policy` (recomputing them all when not:
    /// the first start after the `v2-due-item` migration, or a changed `cycle.*` setting), then
    /// reads when the next transition falls. Transitions missed while down are raised by `fire`.
    func load(policy: CyclePolicy) async throws {
        let computedWith = try await store.read { try $0.duePolicy() }
        if computedWith != policy.dueFingerprint {
            let started = ContinuousClock.now
            let count = try await store.rebuildDueItems(policy: policy)
            let elapsed = ContinuousClock.now - started
            logger.info(
                "due items recomputed",
                metadata: [
                    "coachd.pairs": "\(count)", "coachd.policy": "\(policy.dueFingerprint)",
                    "coachd.duration_ms":
                        "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
                ])
        }
        scheduler.load(
            nextWake: try await store.read { store in
                Self.sooner(try store.nextTransitionTime(), try store.nextSessionTransitionTime())
            })
        sleeper?.cancel()
        observer?()
    }

    /// The earlier of two optional times.
    static func sooner(_ a: Date?, _ b: Date?) -> Date? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    private var observer: (@Sendable () -> Void)?
    private var raisedHook: (@Sendable () -> Void)?

    /// Called after transitions were recorded as raised (their live events are in the store).
    func whenRaised(_ body: @escaping @Sendable () -> Void) { raisedHook = body }

    /// Called after every change to the items or a raised transition (the status line follows it).
    func observe(_ body: @escaping @Sendable () -> Void) { observer = body }

    /// Answers when the actor is free: the watchdog pings only if the scheduler is not stuck.
    func heartbeat() -> Bool { true }

    /// A committed transaction changed items: wakes sooner when one now falls before the planned
    /// wake-up (a later one needs nothing: waking early finds nothing and reads the next time).
    func apply(_ changes: DueChanges) {
        if changes.sessions {
            // A peer pair, period or session changed (issue 14): wake now; `fire` finds the next time.
            scheduler.wake(at: now())
            sleeper?.cancel()
        }
        guard !changes.items.isEmpty || !changes.calendars.isEmpty else { return }
        if scheduler.update(changes.nextTransitions) { sleeper?.cancel() }
        observer?()
    }

    /// Tries to take (or checks) the scheduler's lease; starts raising on taking it (what fell due
    /// meanwhile first), stops on losing it. Without a lease: nothing to do.
    func contendForLease() async {
        guard let lease else { return }
        let held = await lease.tryAcquire()
        setScheduler(held)
    }

    private func setScheduler(_ held: Bool) {
        guard held != isScheduler else { return }
        isScheduler = held
        if held {
            logger.notice(
                "this instance runs the scheduler now",
                metadata: ["coachd.event": "\(JournalEvent.schedulerTaken.rawValue)"])
            // Everything that fell due while another held it (or none did) is raised now, once.
            scheduler.wake(at: now())
        } else {
            logger.notice(
                "this instance no longer runs the scheduler (its lock's connection was lost)",
                metadata: ["coachd.event": "\(JournalEvent.schedulerLost.rawValue)"])
        }
        sleeper?.cancel()
        observer?()
    }

    /// Another instance committed a change (issue 15): the next transition may now fall sooner.
    func otherInstanceChanged() {
        guard isScheduler else { return }
        needsRefresh = true
        sleeper?.cancel()
    }

    /// Gives the lease up (graceful shutdown), so another instance takes over at its next try.
    func releaseLease() async {
        guard let lease else { return }
        isScheduler = false
        sleeper?.cancel()
        await lease.release()
    }

    /// Every current item (tests, diagnostics): read from the store.
    nonisolated func items() async throws -> [Int64: DueItem] {
        try await store.read { store in
            var out: [Int64: DueItem] = [:]
            for (_, item) in try store.dueItems(school: nil, person: nil) { out[item.pair] = item }
            return out
        }
    }

    /// The time on the clock the timer was given (the status line reads it, never `Date()`).
    nonisolated func currentTime() -> Date { now() }

    /// Counts for the status line: pairs with an item, due today (school-local), overdue now.
    nonisolated func counts(at instant: Date) async throws -> (pairs: Int, dueToday: Int, overdue: Int) {
        try await store.read { store in
            var today = 0
            for zone in try store.timeZones() {
                guard let timeZone = TimeZone(identifier: zone) else { continue }
                let local = SchoolCalendar.localDate(of: instant, in: timeZone)
                today += try store.dueCount(on: local, timeZone: zone, notOverdueAt: instant)
            }
            return (try store.dueItemCount(), today, try store.overdueCount(at: instant))
        }
    }

    /// When the timer next wakes for a transition.
    nonisolated func nextTransition() async throws -> Date? {
        try await store.read { try $0.nextTransitionTime() }
    }

    /// Raises what has come, then sleeps until the next transition, a change to the items, or a
    /// change of the wall clock (NTP step, DST is not one: due times are UTC instants); until
    /// cancelled. No polling: with nothing due it sleeps until something changes.
    func run() async {
        while !Task.isCancelled {
            if needsRefresh && isScheduler {
                needsRefresh = false
                if let next = try? await store.read({ store in
                    Self.sooner(try store.nextTransitionTime(), try store.nextSessionTransitionTime())
                }) {
                    scheduler.reschedule(Self.sooner(scheduler.nextWake, next))
                }
            }
            await fire()
            // Not the scheduler: sleep until this instance takes the lease (or the clock is set).
            let next = isScheduler ? scheduler.nextWake : nil
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
        guard isScheduler, scheduler.isDue(at: instant) else { return }
        do {
            // In batches, so a long catch-up neither holds the writer for long nor fills memory.
            while true {
                // A lost lease stops raising at once; a batch already sent is harmless: each
                // transition is recorded once (`raised_transition`, in a serializable transaction).
                if let lease, !lease.isHeld {
                    setScheduler(false)
                    return
                }
                let (fresh, next) = try await store.write { tx in
                    (try tx.raiseTransitions(until: instant, limit: Self.raiseBatch), try tx.nextTransitionTime())
                }
                if !fresh.isEmpty { raisedHook?() }
                await report(fresh, at: instant)
                scheduler.reschedule(next)
                if next.map({ $0 > instant }) ?? true { break }
            }
            if let lease, !lease.isHeld {
                setScheduler(false)
                return
            }
            scheduler.reschedule(Self.sooner(scheduler.nextWake, try await raiseProgrammeDues(at: instant)))
        } catch let error as StoreError where error.kind == .conflict {
            // Another instance's commit kept conflicting (issue 15): nothing was recorded; soon again.
            logger.warning(
                "raising transitions conflicted with another instance's change; trying again in a second",
                metadata: ["coachd.event": "store.error", "coachd.error": "\(error)"])
            scheduler.reschedule(instant.addingTimeInterval(1))
        } catch {
            logger.error(
                "could not record raised transitions; trying again later",
                metadata: ["coachd.event": "store.error", "coachd.error": "\(error)"])
            scheduler.reschedule(instant.addingTimeInterval(Self.retryAfterFailure))
        }
        observer?()
    }

    /// Raises the peer sessions (one per pair per period) and supervision meetings (one per group
    /// per term) due and overdue by `instant` (issue 14), each once: recorded in
    /// `raised_transition` first, in one transaction, then logged with its own MESSAGE_ID. Returns
    /// when the next of either falls.
    private func raiseProgrammeDues(at instant: Date) async throws -> Date? {
        let (sessions, meetings, next) = try await store.write { tx in
            let sessionDues = try tx.sessionDues()
            let supervisionDues = try tx.supervisionDues()
            let sessions = sessionDues.transitions(until: instant)
            let meetings = supervisionDues.transitions(until: instant)
            let fresh = Set(try tx.markRaised((Array(sessions.keys) + Array(meetings.keys)).sorted(), at: instant))
            return (
                sessions.filter { fresh.contains($0.key) }.map(\.value),
                meetings.filter { fresh.contains($0.key) }.map(\.value),
                try tx.nextSessionTransitionTime(sessions: sessionDues, meetings: supervisionDues)
            )
        }
        for (due, kind) in sessions.sorted(by: { ($0.0.dueAt, $0.0.peer) < ($1.0.dueAt, $1.0.peer) }) {
            raisedCount += 1
            let event = kind == .due ? JournalEvent.sessionDue : .sessionOverdue
            logger.notice(
                "peer session \(kind.rawValue) for peer pair \(due.peer) in period \(due.period)",
                metadata: [
                    "coachd.event": "\(event.rawValue)",
                    "coachd.peer_pair": "\(due.peer)",
                    "coachd.period": "\(due.period)",
                    "coachd.due_date": "\(due.dueDate)",
                    "coachd.catch_up": "\(isCatchUp(due, kind))",
                ])
        }
        for (due, kind) in meetings.sorted(by: { ($0.0.dueAt, $0.0.group) < ($1.0.dueAt, $1.0.group) }) {
            raisedCount += 1
            let event = kind == .due ? JournalEvent.supervisionDue : .supervisionOverdue
            logger.notice(
                "supervision meeting \(kind.rawValue) for group \(due.group) in term \(due.term)",
                metadata: [
                    "coachd.event": "\(event.rawValue)",
                    "coachd.group": "\(due.group)",
                    "coachd.term": "\(due.term)",
                    "coachd.due_date": "\(due.dueDate)",
                    "coachd.catch_up": "\(isCatchUp(due, kind))",
                ])
        }
        return next
    }

    /// Whether a programme due's transition was missed while the daemon was down.
    private func isCatchUp(_ due: some ProgrammeDue, _ kind: SessionDueTransition) -> Bool {
        scheduler.isCatchUp(at: kind == .due ? due.dueAt : due.overdueAt, since: due.since)
    }

    /// Logs and hands on transitions already recorded as raised.
    private func report(_ transitions: [Transition], at instant: Date) async {
        guard !transitions.isEmpty else { return }
        let schools = Set(transitions.map(\.item.school))
        // Only to format the due time in the school's zone; without it the UTC instant is logged.
        let calendars: [Int64: SchoolCalendar] =
            (try? await store.read { store in
                var out: [Int64: SchoolCalendar] = [:]
                for school in schools { out[school] = try store.calendar(school: school) }
                return out
            }) ?? [:]
        for transition in transitions {
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
                    "coachd.catch_up": "\(scheduler.isCatchUp(transition))",
                ])
            onTransition(transition)
        }
    }
}
