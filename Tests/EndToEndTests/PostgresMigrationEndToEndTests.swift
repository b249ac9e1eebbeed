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
            func migrate(_ daemon: RunningDaemon, to url: String, renumber: Bool = false) throws -> Outcome {
                try run(
                    Binaries.coachd,
                    [
                        "--config", daemon.directory + "/coachd.yaml", "--state-dir", daemon.stateDirectory,
                        "--migrate-to-postgresql", url,
                    ] + (renumber ? ["--renumber"] : []))
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

            /// uids of a second school's people: a trust database needs one uid per person across schools.
            static let daleUIDs: (teacher: UInt32, coach: UInt32, lead: UInt32) = (62001, 62002, 62003)

            /// A second school set up like `School`, with people of its own names and uids.
            func daleSchool(_ daemon: RunningDaemon) throws -> (id: Int64, pair: Int64) {
                let school = try daemon.ctl(["--json", "school", "add", "Dale Primary", "--time-zone", "Europe/London"])
                #expect(school.status == 0, "\(school.stderr)")
                let id = try school.json(CreatedID.self).id
                func person(_ name: String, _ role: String, _ uid: UInt32) throws -> Int64 {
                    let out = try daemon.ctl(
                        ["--json", "person", "add", name, "--school", "\(id)", "--uid", "\(uid)", "--role", role])
                    #expect(out.status == 0, "\(out.stderr)")
                    return try out.json(CreatedID.self).id
                }
                let teacher = try person("Di Teacher", "teacher", Self.daleUIDs.teacher)
                let coach = try person("Ed Coach", "coach", Self.daleUIDs.coach)
                _ = try person("Flo Lead", "lead", Self.daleUIDs.lead)
                let pair = try daemon.ctl(["--json", "pair", "add", "--teacher", "\(teacher)", "--coach", "\(coach)"])
                #expect(pair.status == 0, "\(pair.stderr)")
                return (id, try pair.json(CreatedID.self).id)
            }

            /// What a school's lead sees, without ids (they change in the move).
            struct Seen: Equatable {
                var pairs: [String]
                var due: [String]
                var coverage: [String]
            }

            func seen(_ client: CoachClient, school: Int64) throws -> Seen {
                let pairs = try client.call(PairsList.self, .init(school: school)).pairs
                let due = try client.call(DueListMethod.self, .init(school: school)).items
                let coverage = try client.call(CoverageListMethod.self, .init(school: school)).items
                return Seen(
                    pairs: pairs.map { "\($0.teacherName)/\($0.coachName)/focus \($0.hasFocus)" }.sorted(),
                    due: due.map { "\($0.kind) \($0.teacherName)/\($0.coachName) \($0.dueDate)" }.sorted(),
                    coverage: coverage.map { "\($0.teacherName) \($0.coachName ?? "-") \($0.next?.kind ?? "-")" }
                        .sorted())
            }

            @Test func twoSchools_moveIntoOneDatabase_withRenumber_andOneCoachdServesBoth() throws {
                let server = try PostgresTestServer.shared.get()
                let database = try server.newDatabaseName()
                let url = server.url(database: database)

                // Two schools, each on its own SQLite: the same ids (school 1, pair 1, people 1…).
                let hill = try RunningDaemon()
                let hillSchool = try School(hill)
                _ = try hill.client().call(CyclesStart.self, .init(pair: hillSchool.pair, focus: "questioning"))
                let hillSeen = try seen(try hill.client(), school: hillSchool.id)
                hill.stop()
                let dale = try RunningDaemon()
                let daleSchool = try daleSchool(dale)
                #expect(daleSchool.id == hillSchool.id && daleSchool.pair == hillSchool.pair)
                let daleSeen = try seen(try dale.client(), school: daleSchool.id)
                dale.stop()
                #expect(hillSeen.pairs == ["Ada Teacher/Cy Coach/focus true"])
                #expect(daleSeen.pairs == ["Di Teacher/Ed Coach/focus false"])
                #expect(!hillSeen.due.isEmpty && !daleSeen.due.isEmpty)

                let first = try migrate(hill, to: url, renumber: true)
                #expect(first.status == 0, "\(first.stderr)")
                // Without --renumber the second is refused, and told the flag exists.
                let plain = try migrate(dale, to: url)
                #expect(plain.status == 1)
                #expect(plain.stderr.contains("run it again with --renumber"), "\(plain.stderr)")
                let second = try migrate(dale, to: url, renumber: true)
                #expect(second.status == 0, "\(second.stderr)")
                #expect(second.stdout.contains("every id renumbered"), "\(second.stdout)")
                #expect(
                    second.stdout.contains("school \(daleSchool.id) \"Dale Primary\" is now school"), "\(second.stdout)"
                )
                // The same school again: refused, nothing copied twice.
                let again = try migrate(dale, to: url, renumber: true)
                #expect(again.status == 1)
                #expect(again.stderr.contains("was already moved into \(database)"), "\(again.stderr)")
                #expect(try server.psql(database, "SELECT count(*) FROM school") == "2\n")
                #expect(try server.psql(database, "SELECT count(*) FROM person") == "7\n")

                // One coachd on the trust database serves both, each as it was.
                let (trust, _) = try postgresDaemon(server: server, database: database)
                let client = try trust.client()
                let schools = try client.call(SchoolsList.self, NoParams()).schools
                #expect(Set(schools.map(\.name)) == ["Hill Primary", "Dale Primary"])
                let hillID = try #require(schools.first { $0.name == "Hill Primary" }?.id)
                let daleID = try #require(schools.first { $0.name == "Dale Primary" }?.id)
                #expect(hillID != daleID)
                #expect(try seen(client, school: hillID) == hillSeen)
                #expect(try seen(client, school: daleID) == daleSeen)
                // Through the CLI as each school's lead: their own school only.
                if canSwitchUsers {
                    let hillPairs = try trust.ctl(["pair", "list"], uid: UID.lead)
                    #expect(hillPairs.status == 0, "\(hillPairs.stderr)")
                    #expect(hillPairs.stdout.contains("Ada Teacher") && !hillPairs.stdout.contains("Di Teacher"))
                    let daleDue = try trust.ctl(["due"], uid: Self.daleUIDs.lead)
                    #expect(daleDue.status == 0, "\(daleDue.stderr)")
                    #expect(daleDue.stdout.contains("Di Teacher") && !daleDue.stdout.contains("Ada Teacher"))
                    let daleCoverage = try trust.ctl(["coverage", "--school", "\(daleID)"], uid: Self.daleUIDs.lead)
                    #expect(daleCoverage.status == 0, "\(daleCoverage.stderr)")
                    #expect(daleCoverage.stdout.contains("Di Teacher"), "\(daleCoverage.stdout)")
                }
                trust.stop()
            }
        }
    }
#endif
