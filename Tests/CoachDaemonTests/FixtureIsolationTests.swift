import CoachRPC
import Foundation
import Testing

@testable import CoachDaemon

/// Two services side by side, as the test runner runs them: one erasing a person (which removes
/// every backup snapshot in its state directory) must not remove the other's snapshot. With one
/// state directory shared by every fixture it did, and `backup.create` failed now and then under
/// load in whichever test was checking its snapshot at that moment.
@Suite struct FixtureIsolationTests {
    @Test func anErasureInOneService_leavesAnotherServicesSnapshotReadable() async throws {
        var first = try await ServiceFixture()
        try await first.seed()
        var second = try await ServiceFixture()
        try await second.seed()
        #expect(first.directory.path != second.directory.path)

        let backup = try await first.service.backupCreate(Peers.admin)
        _ = try await second.service.peopleErase(.init(person: second.teacher, confirm: "Ada"), Peers.admin)
        let chunk = try await first.service.backupRead(
            .init(backup: backup.backup, offset: 0, length: 16), Peers.admin)
        #expect(chunk.bytes == 16 && chunk.offset == 0)
    }

    @Test func aFixturesDirectory_goesWithItsLastCopy() async throws {
        var path = ""
        do {
            let fixture = try await ServiceFixture()
            path = fixture.directory.path
            _ = try await fixture.service.backupCreate(Peers.admin)
            #expect(FileManager.default.fileExists(atPath: path + "/backups"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
