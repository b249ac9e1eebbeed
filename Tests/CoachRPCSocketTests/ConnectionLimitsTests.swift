import Testing

@testable import CoachRPCSocket

/// The connection bookkeeping, without sockets.
struct ConnectionLimitsTests {
    @Test func admits_upToTheTotal_thenRejects() {
        var limits = ConnectionLimits(maxTotal: 2, maxPerUID: 10)
        #expect(limits.admit(uid: 1) == .admit(id: 1, reserved: false))
        #expect(limits.admit(uid: 2) == .admit(id: 2, reserved: false))
        #expect(limits.admit(uid: 3) == .rejectTotal(id: 3))
        #expect(limits.open == 2)
        limits.release(uid: 1)
        #expect(limits.admit(uid: 3) == .admit(id: 4, reserved: false))
    }

    @Test func admits_upToThePerUIDLimit_forEachUID() {
        var limits = ConnectionLimits(maxTotal: 10, maxPerUID: 1)
        #expect(limits.admit(uid: 1000) == .admit(id: 1, reserved: false))
        #expect(limits.admit(uid: 1000) == .rejectPerUID(id: 2))
        #expect(limits.admit(uid: 1001) == .admit(id: 3, reserved: false))
        limits.release(uid: 1000)
        #expect(limits.openByUID[1000] == nil)
        #expect(limits.admit(uid: 1000) == .admit(id: 4, reserved: false))
    }

    @Test func release_ofAnUnknownUID_changesNothing() {
        var limits = ConnectionLimits(maxTotal: 1, maxPerUID: 1)
        limits.release(uid: 5)
        #expect(limits.open == 0)
        #expect(limits.admit(uid: 5) == .admit(id: 1, reserved: false))
    }

    @Test func adminReserve_admitsAnAdmin_whenOthersHoldEverySharedSlot() {
        var limits = ConnectionLimits(maxTotal: 2, maxPerUID: 10, reservedForAdmins: 1)
        #expect(limits.admit(uid: 1000) == .admit(id: 1, reserved: false))
        #expect(limits.admit(uid: 1001) == .admit(id: 2, reserved: false))
        #expect(limits.admit(uid: 1002) == .rejectTotal(id: 3))
        #expect(limits.admit(uid: 0, isAdmin: true) == .admit(id: 4, reserved: true))
        // The reserve is one slot: the next admin waits like everyone else.
        #expect(limits.admit(uid: 0, isAdmin: true) == .rejectTotal(id: 5))
        #expect(limits.open == 3)
        // Released, the reserved slot is free again, and still not for others.
        limits.release(uid: 0, reserved: true)
        #expect(limits.openReserved == 0)
        #expect(limits.admit(uid: 1002) == .rejectTotal(id: 6))
        #expect(limits.admit(uid: 0, isAdmin: true) == .admit(id: 7, reserved: true))
    }

    @Test func adminReserve_isUsedOnlyOnceTheSharedSlotsAreTaken() {
        var limits = ConnectionLimits(maxTotal: 2, maxPerUID: 10, reservedForAdmins: 1)
        #expect(limits.admit(uid: 0, isAdmin: true) == .admit(id: 1, reserved: false))
        #expect(limits.admit(uid: 1000) == .admit(id: 2, reserved: false))
        #expect(limits.openReserved == 0)
        // A shared slot freed by the admin goes to whoever asks.
        limits.release(uid: 0)
        #expect(limits.admit(uid: 1001) == .admit(id: 3, reserved: false))
    }

    @Test func adminReserve_letsAnAdminPastItsPerUIDShare() {
        var limits = ConnectionLimits(maxTotal: 10, maxPerUID: 1, reservedForAdmins: 2)
        #expect(limits.admit(uid: 0, isAdmin: true) == .admit(id: 1, reserved: false))
        #expect(limits.admit(uid: 0, isAdmin: true) == .admit(id: 2, reserved: true))
        #expect(limits.admit(uid: 1000) == .admit(id: 3, reserved: false))
        #expect(limits.admit(uid: 1000) == .rejectPerUID(id: 4))
        #expect(limits.openByUID[0] == 2)
    }

    @Test func withNoReserve_anAdminIsRefusedLikeAnyone() {
        var limits = ConnectionLimits(maxTotal: 1, maxPerUID: 1)
        #expect(limits.admit(uid: 1000) == .admit(id: 1, reserved: false))
        #expect(limits.admit(uid: 0, isAdmin: true) == .rejectTotal(id: 2))
    }

    @Test func requestGate_keepsPlacesForAdmins() {
        let gate = RequestGate(limit: 2, reserved: 1)
        #expect(gate.enter())
        #expect(gate.enter())
        #expect(!gate.enter())
        #expect(gate.enter(admin: true))
        #expect(!gate.enter(admin: true))
        gate.leave()
        #expect(!gate.enter())
        #expect(gate.enter(admin: true))
    }
}
