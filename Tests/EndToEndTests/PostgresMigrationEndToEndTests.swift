// coachd on PostgreSQL: only when it is built with the PostgreSQL trait (the default).
#if PostgreSQL
    import CoachClient
    import CoachRPC
    import Foundation
    import PostgresTestSupport
    import Testing

    extension EndToEnd {
        /// `coachd --migrate-to-postgresql` (issue 15): a school's SQLite database into a trust's.
        @Suite("End to end: migrating to PostgreSQL", .serialized)
        struct PostgresMigrationEndToEndTests {
            func migrate(_ daemon: RunningDaemon, to url: String) throws -> Outcome {
                try run(
                    Binaries.coachd,
                    [
                        "--config", daemon.directory + "/coachd.yaml", "--state-dir", daemon.stateDirectory,
                        "--migrate-to-postgresql", url,
                    ])
            }

            @Test func aSchool_movesIntoTheTrustDatabase_andASecondClashing_isRefusedWithNothingWritten() throws {
                let server = try PostgresTestServer.shared.get()
                let database = try server.newDatabaseName()
                let url = server.url(database: database)

                // A school on SQLite, with a cycle; coachd running holds the state directory.
                let first = try RunningDaemon()
                let school = try School(first)
                let cycle = try first.client().call(CyclesStart.self, .init(pair: school.pair, focus: "questioning"))
                let held = try migrate(first, to: url)
                #expect(held.status == 1)
                #expect(held.stderr.contains("stop it first"), "\(held.stderr)")
                first.stop()

                let moved = try migrate(first, to: url)
                #expect(moved.status == 0, "\(moved.stderr)")
                #expect(moved.stdout.contains("in one transaction"), "\(moved.stdout)")
                #expect(moved.stdout.contains("person: 4"), "\(moved.stdout)")

                // A daemon on the trust database serves it, and new rows take new ids.
                let (trust, _) = try postgresDaemon(server: server, database: database)
                let client = try trust.client()
                let people = try client.call(PeopleList.self, .init(school: school.id)).people
                #expect(Set(people.map(\.name)) == ["Ada Teacher", "Cy Coach", "Lee Lead", "Bo Teacher"])
                #expect(try client.call(PairsShow.self, .init(pair: school.pair)).cycles.map(\.id) == [cycle.id])
                let added = try client.call(
                    PeopleAdd.self, .init(name: "New Teacher", school: school.id, roles: ["teacher"], uid: 66_001))
                #expect(added.id > people.map(\.id).max() ?? 0)
                let personCount = try server.psql(database, "SELECT count(*) FROM person")
                #expect(personCount == "5\n")
                trust.stop()

                // A second school whose ids are the first's: refused, naming the tables, nothing written.
                let second = try RunningDaemon()
                _ = try School(second)
                second.stop()
                let clash = try migrate(second, to: url)
                #expect(clash.status == 1)
                #expect(clash.stderr.contains("nothing was copied"), "\(clash.stderr)")
                #expect(clash.stderr.contains("school: 1 id(s) already there: \(school.id)"), "\(clash.stderr)")
                #expect(clash.stderr.contains("pair: 1 id(s) already there: \(school.pair)"), "\(clash.stderr)")
                #expect(try server.psql(database, "SELECT count(*) FROM person") == personCount)
                #expect(try server.psql(database, "SELECT count(*) FROM school") == "1\n")
            }
        }
    }
#endif
