import CoachDomain
import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import CoachDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// An alarm the test drives by hand: it records each deadline the timer sleeps until, and wakes
/// the sleeper when told to.
final class ManualAlarm: WallClockAlarm {
    private struct State {
        var deadlines: [Date?] = []
        var waiter: CheckedContinuation<AlarmWake, Never>?
    }

    private let state = NIOLockedValueBox(State())

    /// Every deadline slept until, in order.
    var deadlines: [Date?] { state.withLockedValue { $0.deadlines } }

    func sleep(until deadline: Date?) async -> AlarmWake {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let cancelled = state.withLockedValue { state in
                    state.deadlines.append(deadline)
                    if Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if cancelled { continuation.resume(returning: .cancelled) }
            }
        } onCancel: {
            wake(.cancelled)
        }
    }

    /// Wakes the sleeper, if one sleeps.
    func wake(_ reason: AlarmWake) {
        let waiter = state.withLockedValue { state in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: reason)
    }

    /// Waits until the timer has gone to sleep `count` times in all (and sleeps now).
    func sleeps(_ count: Int) async throws {
        for _ in 0..<2000 {
            if state.withLockedValue({ $0.deadlines.count >= count && $0.waiter != nil }) { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the timer did not go to sleep a \(count)th time; deadlines: \(deadlines)")
    }
}

@Suite("The timer sleeps until the next transition on the wall clock: no polling")
struct DueTimerRunTests {
    static let london = SchoolCalendar(
        timeZone: TimeZone(identifier: "Europe/London")!, dayStart: LocalTime("08:30")!, dayEnd: LocalTime("15:30")!)

    @Test func run_sleepsUntilEachTransition_wakesOnClockChange_andRearmsOnChange() async throws {
        let alarm = ManualAlarm()
        let saturday = ServiceFixture.monday.addingTimeInterval(-2 * 86_400)
        var f = try await ServiceFixture(now: saturday, alarm: alarm)
        try await f.seed()
        let monday = LocalDate("2026-11-23")!
        let timer = f.timer
        let running = Task { await timer.run() }

        // Asleep until Monday's start of day, when both first drop-ins fall due.
        try await alarm.sleeps(1)
        #expect(alarm.deadlines.last == Self.london.dayStartInstant(monday))

        // The alarm goes off: the due transitions are raised, then it sleeps until they are overdue.
        f.clock.set(Self.london.dayStartInstant(monday).addingTimeInterval(60))
        alarm.wake(.reached)
        try await alarm.sleeps(2)
        #expect(f.log.all.filter { $0.contains("coachd.event=dropin.due") }.count == 2)
        #expect(alarm.deadlines.last == Self.london.dayEndInstant(monday))

        // The clock is stepped past the overdue time: woken at once, the overdue transitions follow.
        f.clock.set(Self.london.dayEndInstant(monday).addingTimeInterval(3600))
        alarm.wake(.clockChanged)
        try await alarm.sleeps(3)
        #expect(f.log.all.contains { $0.contains("coachd.event=clock.changed") })
        #expect(f.log.all.filter { $0.contains("coachd.event=dropin.overdue") }.count == 2)
        #expect(alarm.deadlines.last == .some(nil))  // nothing more is due: it sleeps until a change

        // A booking changes the pair's item: the timer is re-armed for it without waiting.
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "wait time"), Peers.teacher)
        let booked = try await f.service.dropInsSchedule(
            .init(pair: f.pair, start: "2026-11-24T10:00", minutes: 10), Peers.teacher)
        let start = try #require(Self.london.parseInstant(booked.start))
        for _ in 0..<200 where alarm.deadlines.last != .some(start) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(alarm.deadlines.last == .some(start))

        running.cancel()
        await running.value
    }
}

@Suite("The timerfd alarm on the real wall clock", .serialized)
struct TimerFDAlarmTests {
    @Test func deadline_isReached_notBefore() async {
        let deadline = Date().addingTimeInterval(0.05)
        let wake = await TimerFDAlarm().sleep(until: deadline)
        #expect(wake == .reached)
        #expect(Date() >= deadline)
    }

    @Test func pastDeadline_isReachedAtOnce() async {
        #expect(await TimerFDAlarm().sleep(until: Date().addingTimeInterval(-3600)) == .reached)
    }

    @Test func cancellation_endsTheSleep() async {
        let sleeping = Task { await TimerFDAlarm().sleep(until: nil) }
        try? await Task.sleep(for: .milliseconds(20))
        sleeping.cancel()
        #expect(await sleeping.value == .cancelled)
    }

    @Test func cancelledBeforeSleeping_returnsCancelled() async {
        let sleeping = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await TimerFDAlarm().sleep(until: nil)
        }
        #expect(await sleeping.value == .cancelled)
    }

    /// Whether this process may set the clock (root with CAP_SYS_TIME). Probed by setting it to the
    /// time it already shows, which moves nothing.
    static let canSetClock: Bool = {
        guard getuid() == 0 else { return false }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return clock_settime(CLOCK_REALTIME, &now) == 0
    }()

    /// Setting the clock (to the time it already shows: the machine's time does not move) is a
    /// discontinuous change the kernel reports to every TFD_TIMER_CANCEL_ON_SET timer. Where the
    /// clock cannot be set the runner reports the test as skipped.
    @Test(.enabled(if: canSetClock, "setting the clock needs root with CAP_SYS_TIME"))
    func settingTheClock_wakesTheSleeper() async throws {
        let sleeping = Task { await TimerFDAlarm().sleep(until: Date().addingTimeInterval(3600)) }
        try await Task.sleep(for: .milliseconds(50))
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let status = clock_settime(CLOCK_REALTIME, &now)
        if status != 0 { sleeping.cancel() }
        #expect(status == 0, "clock_settime refused (errno \(errno))")
        #expect(await sleeping.value == .clockChanged)
    }
}
