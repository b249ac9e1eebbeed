import CoachRPCSocket
import Foundation
import NIOConcurrencyHelpers
import Testing

/// Issue 10, item 4: the slots kept for admins, through a real socket. Every client here has the
/// test's uid, so who is an admin is decided by a switch the test turns (the server asks once per
/// connection, as coachd asks its admin policy).
@Suite("Admin reserve: a flood cannot lock the operator out")
struct AdminReserveTests {
    static let echo = #"{"jsonrpc":"2.0","method":"echo","id":1}"#

    @Test func whenOthersHoldEverySlot_anAdminIsStillServed_inAReservedSlot() async throws {
        let admin = NIOLockedValueBox(false)
        try await withServer({
            $0.maxConnections = 2
            $0.reservedAdminConnections = 1
            $0.isAdmin = { _ in admin.withLockedValue { $0 } }
        }) { server in
            let first = try server.connect()
            let second = try server.connect()
            #expect(try await first.call(Self.echo)?.jsonObject?["result"] != nil)
            #expect(try await second.call(Self.echo)?.jsonObject?["result"] != nil)
            // Not an admin: refused, as before.
            let other = try server.connect()
            #expect(errorName(try await other.readLine()?.jsonObject) == "Busy")

            admin.withLockedValue { $0 = true }
            let operatorConnection = try server.connect()
            #expect(try await operatorConnection.call(Self.echo)?.jsonObject?["result"] != nil)
            #expect(server.server.connectionCount == 3)
            #expect(
                server.logs.entries.contains { $0.message == "connection opened in a slot reserved for admins" })
            // The reserve is one slot: a second admin connection waits like anyone.
            let secondOperator = try server.connect()
            #expect(errorName(try await secondOperator.readLine()?.jsonObject) == "Busy")
            // Freed, the reserved slot serves the next admin.
            operatorConnection.close()
            #expect(await eventually { server.server.connectionCount == 2 })
            let again = try server.connect()
            #expect(try await again.call(Self.echo)?.jsonObject?["result"] != nil)
        }
    }

    @Test func anAdminPastItsPerUIDLimit_isStillServed() async throws {
        let admin = NIOLockedValueBox(false)
        try await withServer({
            $0.maxConnectionsPerUID = 1
            $0.reservedAdminConnections = 1
            $0.isAdmin = { _ in admin.withLockedValue { $0 } }
        }) { server in
            let first = try server.connect()
            #expect(try await first.call(Self.echo)?.jsonObject?["result"] != nil)
            let other = try server.connect()
            #expect(errorName(try await other.readLine()?.jsonObject) == "Busy")
            admin.withLockedValue { $0 = true }
            let operatorConnection = try server.connect()
            #expect(try await operatorConnection.call(Self.echo)?.jsonObject?["result"] != nil)
        }
    }

    @Test func withNoReserve_anAdminGetsBusyLikeAnyone() async throws {
        try await withServer({
            $0.maxConnections = 1
            $0.reservedAdminConnections = 0
            $0.isAdmin = { _ in true }
        }) { server in
            let first = try server.connect()
            #expect(try await first.call(Self.echo)?.jsonObject?["result"] != nil)
            let second = try server.connect()
            #expect(errorName(try await second.readLine()?.jsonObject) == "Busy")
        }
    }
}
