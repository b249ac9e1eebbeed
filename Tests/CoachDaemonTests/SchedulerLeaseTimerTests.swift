import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Logging
import Testing

@testable import CoachDaemon

/// The due timer on a store several instances share (issue 15): it raises only while this instance
/// holds the scheduler's lease, catches up on taking it, and stops at once on losing it.
@Suite("The due timer raises only while it holds the scheduler's lease")
struct SchedulerLeaseTimerTests {
    static let london = SchoolCalendar(
        timeZone: TimeZone(identifier: "Europe/London")!, dayStart: LocalTime("08:30")!, dayEnd: LocalTime("15:30")!)

    @Test func withoutTheLease_nothingIsRaised_onTakingItTheMissedOnesAre_onLosingItItStops() async throws {
        let saturday = ServiceFixture.monday.addingTimeInterval(-2 * 86_400)
        var f = try await ServiceFixture(now: saturday)
        try await f.seed()
        let alarm = ManualAlarm()
        let lease = FakeLease()
        let sink = f.log
        let logger = Logger(label: "test") { _ in CapturingHandler(sink: sink) }
        let clock = f.clock
        let timer = DueTimer(store: f.store, logger: logger, now: { clock.now }, alarm: alarm, lease: lease)
        try await timer.load(policy: CyclePolicy())
        #expect(await timer.isScheduler == false)
        let running = Task { await timer.run() }
        defer { running.cancel() }

        // Not the scheduler: it sleeps with no deadline, even past Monday's due time.
        try await alarm.sleeps(1)
        #expect(alarm.deadlines.last == .some(nil))
        let monday = LocalDate("2026-11-23")!
        f.clock.set(Self.london.dayStartInstant(monday).addingTimeInterval(60))
        await timer.contendForLease()
        #expect(await timer.isScheduler == false)
        #expect(!f.log.all.contains { $0.contains("coachd.event=dropin.due") })

        // It takes the lease: what fell due meanwhile is raised at once, then it sleeps until overdue.
        lease.held = true
        await timer.contendForLease()
        #expect(await timer.isScheduler)
        try await alarm.sleeps(2)
        #expect(f.log.all.contains { $0.contains("coachd.event=scheduler.taken") })
        #expect(f.log.all.filter { $0.contains("coachd.event=dropin.due") }.count == 2)
        #expect(alarm.deadlines.last == .some(Self.london.dayEndInstant(monday)))

        // Its lock's connection is lost: at the overdue time it raises nothing and stops.
        lease.held = false
        f.clock.set(Self.london.dayEndInstant(monday).addingTimeInterval(60))
        alarm.wake(.reached)
        try await alarm.sleeps(3)
        #expect(await timer.isScheduler == false)
        #expect(f.log.all.contains { $0.contains("coachd.event=scheduler.lost") })
        #expect(!f.log.all.contains { $0.contains("coachd.event=dropin.overdue") })
        #expect(alarm.deadlines.last == .some(nil))

        // Taken again: the overdue transitions are raised, once each.
        lease.held = true
        await timer.contendForLease()
        try await alarm.sleeps(4)
        #expect(f.log.all.filter { $0.contains("coachd.event=dropin.overdue") }.count == 2)
        #expect(f.log.all.filter { $0.contains("coachd.event=dropin.due") }.count == 2)
    }

    @Test func onSQLite_theOneInstanceIsAlwaysTheScheduler_andDaemonStatusSaysSo() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        #expect(await f.timer.isScheduler)
        #expect(try await f.service.daemonStatus(Peers.admin, connections: 0).scheduler == true)
    }

    @Test func aConflictFromTheStore_isConflictOnTheWire_withAHint() {
        let error = RPCError.from(StoreError(.conflict, "another coachd instance changed the same records"))
        #expect(error.name == .conflict)
        #expect(error.data?.hint?.contains("try again") == true)
    }
}

/// A lease the test hands out or takes away.
final class FakeLease: SchedulerLease, @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var held: Bool {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
    func tryAcquire() async -> Bool { held }
    var isHeld: Bool { held }
    func release() async { held = false }
}
