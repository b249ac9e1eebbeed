import NIOCore
import Testing

@testable import CoachRPCSocket

/// The connection's states and transitions, driven synchronously (issue 9): no channel, no clock.
@Suite("The connection state machine")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine<String>

    /// An admitted machine with nothing queued.
    static func open() -> Machine {
        var machine = Machine()
        _ = machine.admitted()
        return machine
    }

    @Test func beforeAdmission_linesWait_andNothingIsRead() {
        var machine = Machine()
        #expect(machine.read("a") == false)
        #expect(machine.readRequested(mayStart: true) == false)
        #expect(machine.next(mayStart: true) == nil)
        #expect(machine.admitted() == true)
        #expect(machine.state == .open)
        #expect(machine.next(mayStart: true) == "a")
    }

    @Test func open_readsOnlyWhenNothingIsQueuedOrRunning_andTheRepliesAllowIt() {
        var machine = Self.open()
        #expect(machine.readRequested(mayStart: true) == true)
        #expect(machine.readRequested(mayStart: false) == false)
        #expect(machine.readHeld)
        // The held read is passed on once the replies allow it.
        #expect(machine.settled(mayStart: false) == .nothing)
        #expect(machine.settled(mayStart: true) == .read)
        #expect(machine.readHeld == false)
        _ = machine.read("a")
        #expect(machine.readRequested(mayStart: true) == false, "read with a line queued")
        #expect(machine.next(mayStart: true) == "a")
        let token = machine.started()
        #expect(machine.readRequested(mayStart: true) == false, "read with a request running")
        #expect(machine.settled(mayStart: true) == .nothing)
        #expect(machine.finished(token) == true)
        #expect(machine.settled(mayStart: true) == .read)
    }

    @Test func oneRequestRunsAtATime_inOrder_andAStaleReplyIsDropped() {
        var machine = Self.open()
        _ = machine.read("a")
        _ = machine.read("b")
        #expect(machine.next(mayStart: true) == "a")
        let first = machine.started()
        #expect(machine.next(mayStart: true) == nil)
        #expect(machine.finished(first &+ 7) == false)
        #expect(machine.finished(first) == true)
        #expect(machine.next(mayStart: false) == nil, "started with the replies over the limit")
        #expect(machine.next(mayStart: true) == "b")
    }

    @Test func draining_readsNothing_answersWhatWasRead_thenClosesAfterTheWrites() {
        var machine = Self.open()
        _ = machine.read("a")
        _ = machine.read("b")
        #expect(machine.next(mayStart: true) == "a")
        let token = machine.started()
        #expect(machine.drain() == true)
        #expect(machine.state == .finishing(.draining))
        #expect(machine.readRequested(mayStart: true) == false)
        // A line the socket had already delivered is still answered.
        #expect(machine.read("c") == true)
        #expect(machine.settled(mayStart: true) == .nothing, "closed with a request running")
        #expect(machine.finished(token) == true)
        #expect(machine.next(mayStart: true) == "b")
        #expect(machine.next(mayStart: true) == "c")
        #expect(machine.settled(mayStart: true) == .closeAfterWrites)
        #expect(machine.state == .closing)
        #expect(machine.read("d") == false)
        #expect(machine.next(mayStart: true) == nil)
    }

    @Test func aDrainBeforeAdmission_drainsOnceAdmitted() {
        var machine = Machine()
        _ = machine.read("a")
        #expect(machine.drain() == false)
        #expect(machine.admitted() == true)
        #expect(machine.state == .finishing(.draining))
        #expect(machine.next(mayStart: true) == "a")
        #expect(machine.settled(mayStart: true) == .closeAfterWrites)
    }

    @Test func anIdleDrainingConnection_closesAtOnce() {
        var machine = Self.open()
        #expect(machine.drain() == true)
        #expect(machine.settled(mayStart: true) == .closeAfterWrites)
        #expect(machine.drain() == false)
    }

    @Test func peerHalfClose_answersWhatIsQueued_thenCloses_andADrainStillApplies() {
        var machine = Self.open()
        _ = machine.read("a")
        #expect(machine.inputClosed() == true)
        #expect(machine.state == .finishing(.peerDone))
        #expect(machine.drain() == true)
        #expect(machine.state == .finishing(.draining))
        #expect(machine.next(mayStart: true) == "a")
        #expect(machine.settled(mayStart: true) == .closeAfterWrites)

        var early = Machine()
        #expect(early.inputClosed() == false)
        #expect(early.admitted() == true)
        #expect(early.state == .finishing(.peerDone))
    }

    @Test func refusedOrClosed_startsNothing_andCloseHappensOnce() {
        var refused = Machine()
        _ = refused.read("a")
        #expect(refused.refused() == true)
        #expect(refused.admitted() == false)
        #expect(refused.next(mayStart: true) == nil)
        #expect(refused.close() == false)

        var machine = Self.open()
        _ = machine.read("a")
        #expect(machine.close() == true)
        #expect(machine.close() == false)
        #expect(machine.next(mayStart: true) == nil)
        #expect(machine.drain() == false)
        #expect(machine.settled(mayStart: true) == .nothing)
    }

    @Test func inactive_givesTheRunningRequestToCancel_andDropsTheQueue() {
        var machine = Self.open()
        _ = machine.read("a")
        _ = machine.read("b")
        _ = machine.next(mayStart: true)
        let token = machine.started()
        #expect(machine.inactive() == token)
        #expect(machine.state == .closed)
        #expect(machine.queue.isEmpty)
        #expect(machine.running == nil)
        #expect(machine.finished(token) == false)
        #expect(machine.inactive() == nil)
    }
}
