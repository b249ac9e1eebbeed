import Testing

@testable import CoachRPCSocket

/// The connection bookkeeping, without sockets.
struct ConnectionLimitsTests {
    @Test func admits_upToTheTotal_thenRejects() {
        var limits = ConnectionLimits(maxTotal: 2, maxPerUID: 10)
        #expect(limits.admit(uid: 1) == .admit(id: 1))
        #expect(limits.admit(uid: 2) == .admit(id: 2))
        #expect(limits.admit(uid: 3) == .rejectTotal(id: 3))
        #expect(limits.open == 2)
        limits.release(uid: 1)
        #expect(limits.admit(uid: 3) == .admit(id: 4))
    }

    @Test func admits_upToThePerUIDLimit_forEachUID() {
        var limits = ConnectionLimits(maxTotal: 10, maxPerUID: 1)
        #expect(limits.admit(uid: 1000) == .admit(id: 1))
        #expect(limits.admit(uid: 1000) == .rejectPerUID(id: 2))
        #expect(limits.admit(uid: 1001) == .admit(id: 3))
        limits.release(uid: 1000)
        #expect(limits.openByUID[1000] == nil)
        #expect(limits.admit(uid: 1000) == .admit(id: 4))
    }

    @Test func release_ofAnUnknownUID_changesNothing() {
        var limits = ConnectionLimits(maxTotal: 1, maxPerUID: 1)
        limits.release(uid: 5)
        #expect(limits.open == 0)
        #expect(limits.admit(uid: 5) == .admit(id: 1))
    }
}
