// coachd on PostgreSQL: only when it is built with the PostgreSQL trait (the default).
#if PostgreSQL
    import CoachClient
    import CoachRPC
    import Foundation
    import PostgresTestSupport
    import Testing

    /// A daemon on a database of its own on the test PostgreSQL server (`store.backend: postgresql`).
    func postgresDaemon(server: PostgresTestServer, database: String? = nil) throws -> (RunningDaemon, String) {
        let name = try database ?? server.newDatabaseName()
        let daemon = try RunningDaemon(
            configuration: "store:\n  backend: postgresql\n  postgresql:\n    url: \"\(server.url(database: name))\"\n")
        return (daemon, name)
    }

    extension EndToEnd {
        /// coachd with its data on PostgreSQL (issue 15): the real daemon, the real CLI, a real server.
        @Suite("End to end: coachd on PostgreSQL", .serialized)
        struct PostgresEndToEndTests {
            @Test func aWholeFlow_runsOnPostgreSQL_andOutlivesARestart() throws {
                try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
                let server = try PostgresTestServer.shared.get()
                let (daemon, database) = try postgresDaemon(server: server)
                #expect(daemon.log.contains(server.url(database: database)))
                let school = try School(daemon)
                let focus = try daemon.ctl(["--json", "cycle", "start", "--focus", "questioning"], uid: UID.teacher)
                #expect(focus.status == 0, "\(focus.stderr)")
                let day = recentWeekday()
                let booked = try daemon.ctl(
                    [
                        "--json", "call", "dropins.schedule",
                        #"{"pair":\#(school.pair),"start":"\#(day)T10:00","minutes":12}"#,
                    ], uid: UID.teacher)
                #expect(booked.status == 0, "\(booked.stderr)")
                let dropIn = try booked.json(ScheduledDropIn.self)
                let done = try daemon.ctl(
                    ["--json", "dropin", "done", "\(dropIn.id)", "--notes", "private"], uid: UID.coach)
                #expect(done.status == 0, "\(done.stderr)")
                let follow = try daemon.ctl(["--json", "followup", "done", "\(dropIn.id)"], uid: UID.teacher)
                #expect(follow.status == 0, "\(follow.stderr)")
                let due = try daemon.ctl(["--json", "due"], uid: UID.lead)
                #expect(due.status == 0, "\(due.stderr)")
                let items = try due.json(DueList.self).items
                #expect(items.count == 1)
                #expect(items.first?.kind == "dropin")
                #expect(items.first?.teacherName == "Ada Teacher")

                // Every school in one report reads the same figures from PostgreSQL as the school's own.
                let span = [
                    "--from", AccessEndToEndTests.shift(day, by: -7), "--to", AccessEndToEndTests.shift(day, by: 7),
                ]
                let all = try daemon.ctl(["--json", "report", "--all-schools"] + span)
                #expect(all.status == 0, "\(all.stderr)")
                let own = try daemon.ctl(["--json", "report", "--school", "\(school.id)"] + span)
                #expect(own.status == 0, "\(own.stderr)")
                let allReport = try all.json(ReportSummary.self)
                let ownReport = try own.json(ReportSummary.self)
                #expect(allReport.bySchool?.map(\.schoolName) == [ownReport.schoolName])
                #expect(allReport.totals == ownReport.totals && allReport.totals.dropinsDone == 1)

                // The rows are in PostgreSQL, and no SQLite file was made.
                #expect(try server.psql(database, "SELECT count(*) FROM person") == "4\n")
                #expect(try server.psql(database, "SELECT count(*) FROM dropin") == "1\n")
                #expect(!FileManager.default.fileExists(atPath: daemon.stateDirectory + "/coachd.sqlite"))

                // Restarted, it serves the same data; `backup` says what to use instead.
                daemon.stop()
                try daemon.start()
                let again = try daemon.ctl(["--json", "due"], uid: UID.lead)
                #expect(try again.json(DueList.self).items.count == 1)
                let backup = try daemon.ctl(["backup", daemon.directory + "/copy.sqlite"])
                #expect(backup.status != 0)
                #expect(backup.stderr.contains("pg_dump"), "\(backup.stderr)")
            }

            @Test func misconfigured_refusesToStart_namingTheKey() throws {
                let daemon = try RunningDaemon(configuration: "store:\n  backend: postgresql\n", start: false)
                let none = try run(
                    Binaries.coachd,
                    ["--config", daemon.directory + "/coachd.yaml", "--state-dir", daemon.stateDirectory])
                #expect(none.status == 78)
                #expect(none.stderr.contains("store.postgresql.url"), "\(none.stderr)")
                let withPassword = try run(
                    Binaries.coachd,
                    ["--config", daemon.directory + "/coachd.yaml", "--state-dir", daemon.stateDirectory],
                    environment: ["COACHD_STORE_POSTGRESQL_URL": "postgresql://coachd:secret@db.example/trust"])
                #expect(withPassword.status == 78)
                #expect(withPassword.stderr.contains("must not hold a password"), "\(withPassword.stderr)")
                #expect(!withPassword.stderr.contains("secret"))
                let missingFile = try run(
                    Binaries.coachd,
                    ["--config", daemon.directory + "/coachd.yaml", "--state-dir", daemon.stateDirectory],
                    environment: [
                        "COACHD_STORE_POSTGRESQL_URL": "postgresql://coachd@/trust?host=/nonexistent",
                        "COACHD_STORE_POSTGRESQL_PASSWORD_FILE": daemon.directory + "/no-such-file",
                    ])
                #expect(missingFile.status == 1)
                #expect(missingFile.stderr.contains("password file"), "\(missingFile.stderr)")
            }
        }
    }
#endif
