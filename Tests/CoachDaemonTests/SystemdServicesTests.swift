import CoachDomain
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import CoachDaemon

/// Lets a test hold the scheduler actor, as a stuck scheduler would.
extension DueTimer {
    func hold(until release: DispatchSemaphore) { release.wait() }
}

/// Counts watchdog pings.
final class PingCounter: Sendable {
    private let count = NIOLockedValueBox(0)
    func ping() { count.withLockedValue { $0 += 1 } }
    var value: Int { count.withLockedValue { $0 } }
}

/// Waits (bounded) until `condition` holds; false if it never did.
func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<500 {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite("The watchdog pings only while the scheduler and the event loops answer")
struct WatchdogServiceTests {
    static let interval = Duration.milliseconds(20)

    /// Starts the service; returns the counter and the task running it.
    func start(timer: DueTimer, loops: any EventLoopGroup) -> (PingCounter, Task<Void, any Error>) {
        let pings = PingCounter()
        let service = WatchdogService(interval: Self.interval, timer: timer, eventLoops: loops, ping: { pings.ping() })
        return (pings, Task { try await service.run() })
    }

    /// After the component is stuck, at most the ping already past the check may still come.
    func expectNoMorePings(_ pings: PingCounter) async throws {
        let before = pings.value
        try await Task.sleep(for: Self.interval * 10)
        #expect(pings.value <= before + 1, "pinged \(pings.value - before) times while stuck")
    }

    @Test func stuckEventLoop_stopsThePings_untilItAnswersAgain() async throws {
        let fixture = try await ServiceFixture()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (pings, task) = start(timer: fixture.timer, loops: loops)
        #expect(try await eventually { pings.value >= 3 })

        let release = DispatchSemaphore(value: 0)
        let stuck = loops.next()
        stuck.execute { release.wait() }
        try await Task.sleep(for: Self.interval)
        try await expectNoMorePings(pings)

        let frozen = pings.value
        release.signal()
        #expect(try await eventually { pings.value > frozen + 2 })
        task.cancel()
        _ = try? await task.value
        try await loops.shutdownGracefully()
    }

    @Test func stuckScheduler_stopsThePings_untilItAnswersAgain() async throws {
        let fixture = try await ServiceFixture()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (pings, task) = start(timer: fixture.timer, loops: loops)
        #expect(try await eventually { pings.value >= 3 })

        let release = DispatchSemaphore(value: 0)
        let holder = Task.detached { await fixture.timer.hold(until: release) }
        try await Task.sleep(for: Self.interval)
        try await expectNoMorePings(pings)

        let frozen = pings.value
        release.signal()
        await holder.value
        #expect(try await eventually { pings.value > frozen + 2 })
        task.cancel()
        _ = try? await task.value
        try await loops.shutdownGracefully()
    }
}

@Suite("Every event the daemon logs has a MESSAGE_ID")
struct JournalEventTests {
    /// The `coachd.event` values in the captured log.
    func events(in log: CapturedLog) -> Set<String> {
        Set(
            log.all.flatMap { line in
                line.split(separator: " ").filter { $0.hasPrefix("coachd.event=") }.map { String($0.dropFirst(13)) }
            })
    }

    @Test func changes_logEventsThatAllHaveAMessageID() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.addClosure(
            .init(school: f.school, from: "2026-12-21", to: "2026-12-31", reason: "Christmas"), Peers.admin)
        _ = try await f.service.addTerm(
            .init(school: f.school, name: "Spring", from: "2027-01-04", to: "2027-03-26"), Peers.admin)
        let logged = events(in: f.log)
        #expect(
            logged.isSuperset(of: [
                "school.added", "person.added", "pair.created", "calendar.closure_added", "calendar.term_added",
            ]))
        for event in logged {
            #expect(JournalEvent.messageIDs[event] != nil, "\(event) has no MESSAGE_ID")
        }
    }

    @Test func everyDueTransition_hasAMessageID() {
        for kind in [DueKind.dropIn, .followUp] {
            for transition in [Transition.Kind.due, .overdue] {
                let name = "\(kind.rawValue).\(transition.rawValue)"
                #expect(JournalEvent(rawValue: name) != nil, "\(name) has no MESSAGE_ID")
            }
        }
    }
}
