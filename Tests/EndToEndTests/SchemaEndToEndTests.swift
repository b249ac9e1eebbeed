import CoachClient
import CoachRPC
import Foundation
import GRDB
import Testing

extension EndToEnd {
    /// The real daemon and a database it does not know how to read.
    @Suite("End to end: schema versions", .serialized)
    struct SchemaEndToEndTests {
        @Test func databaseFromANewerCoachd_isRefusedAtStart_withAClearMessage_andLeftUntouched() throws {
            let daemon = try RunningDaemon()
            _ = try School(daemon)
            daemon.stop()
            let database = daemon.stateDirectory + "/coachd.sqlite"
            try DatabaseQueue(path: database).write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            let started = try run(
                Binaries.coachd, ["--state-dir", daemon.stateDirectory, "--socket", daemon.directory + "/refused.sock"])
            #expect(started.status != 0)
            #expect(started.stderr.contains("the database was migrated by a newer coachd"), "\(started.stderr)")
            #expect(started.stderr.contains("v99-from-the-future"))
            #expect(started.stderr.contains("restore a backup made for this one"))
            let identifiers = try DatabaseQueue(path: database).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            #expect(identifiers.contains("v99-from-the-future"))
            let check = try run(Binaries.coachd, ["--check-database", database])
            #expect(check.status == 1)
            #expect(check.stdout.contains("migrated by a newer coachd"), "\(check.stdout)")
        }
    }
}
