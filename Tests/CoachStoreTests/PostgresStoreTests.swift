// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    import CoachStore
    import CoachStorePostgres
    import Foundation
    import PostgresTestSupport
    import Testing

    /// The PostgreSQL store's own behaviour (issue 15), below the protocol the conformance suite
    /// checks: its migrations (the same names as SQLite's, applied once under an advisory lock, a newer
    /// database refused) and its connection URL.
    @Suite("PostgreSQL store")
    struct PostgresStoreTests {
        @Test func migratesFromEmpty_withTheSQLiteStoresMigrationNames() async throws {
            let server = try PostgresTestServer.shared.get()
            let store = try PostgresStore(configuration: try server.newDatabase())
            #expect(PostgresStore.migrationNames == SQLiteStore.migrationNames)
            #expect(try await store.schemaVersion() == SQLiteStore.migrationNames.last)
            // The default question bank came with v8-questions, as on SQLite.
            #expect(try await store.read { try $0.questions().count } == QuestionBank.defaults().count)
        }

        @Test func severalInstancesStartingAtOnce_applyTheMigrationsExactlyOnce() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let versions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await Task.detached {
                            let store = try PostgresStore(configuration: configuration, readers: 1)
                            return try await store.schemaVersion()
                        }.value
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(versions == Array(repeating: SQLiteStore.migrationNames.last ?? "", count: 4))
            let applied = try server.psql(configuration.database, "SELECT count(*) FROM coachd_migration")
            #expect(applied.trimmingCharacters(in: .whitespacesAndNewlines) == "\(SQLiteStore.migrationNames.count)")
            // The bank was filled once, not once per instance.
            let questions = try server.psql(configuration.database, "SELECT count(*) FROM question")
            #expect(questions.trimmingCharacters(in: .whitespacesAndNewlines) == "\(try QuestionBank.defaults().count)")
        }

        @Test func aDatabaseMigratedByANewerCoachd_isRefused() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            _ = try PostgresStore(configuration: configuration)
            _ = try server.psql(
                configuration.database, "INSERT INTO coachd_migration VALUES ('v99-from-the-future', 0)")
            #expect {
                _ = try PostgresStore(configuration: configuration)
            } throws: { error in
                (error as? StoreError)?.kind == .schemaTooNew && "\(error)".contains("v99-from-the-future")
            }
        }

        @Test func aWrite_isCommittedWhenItReturns_andSeenByAnotherInstance() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let one = try PostgresStore(configuration: configuration)
            let two = try PostgresStore(configuration: configuration)
            let ids = try await one.write { tx in try seed(tx) }
            // Another connection of the server sees it at once: it was committed before write returned.
            let names = try server.psql(configuration.database, "SELECT name FROM person ORDER BY id")
            #expect(names.split(separator: "\n") == ["Ada", "Cy"])
            #expect(try await two.read { try $0.pair(ids.pair)?.teacher } == ids.teacher)
        }

        /// A read's BEGIN is sent without waiting for it (issue 15, B17): its body still runs in one
        /// snapshot from its first statement, and a body that throws, before or after its first
        /// statement, leaves the connection clean for the next read (one reader: the same connection).
        @Test func aReadsPipelinedBegin_keepsOneSnapshot_andABodyThatThrowsLeavesTheConnectionClean() async throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let store = try PostgresStore(configuration: configuration, readers: 1)
            let ids = try await store.write { tx in try seed(tx) }
            await #expect(throws: Boom.self) { try await store.read { _ in throw Boom() } }
            await #expect(throws: Boom.self) {
                try await store.read { store in
                    _ = try store.person(ids.teacher)
                    throw Boom()
                }
            }
            let (before, after) = try await store.read { store in
                let before = try store.person(ids.teacher)?.name
                // Committed by another connection in the middle of this read: not in its snapshot.
                _ = try server.psql(
                    configuration.database, "UPDATE person SET name = 'Ada Lovelace' WHERE id = \(ids.teacher)")
                return (before, try store.person(ids.teacher)?.name)
            }
            #expect(before == "Ada" && after == "Ada")
            #expect(try await store.read { try $0.person(ids.teacher)?.name } == "Ada Lovelace")
        }

        @Test func anUnreachableServer_isStoreUnavailable_namingTheDatabase() throws {
            let configuration = PostgresStoreConfiguration(
                endpoint: .unixSocket(directory: "/nonexistent-coachd-socket-dir", port: 5432), user: "coachd",
                database: "trust")
            #expect {
                _ = try PostgresStore(configuration: configuration)
            } throws: { error in
                (error as? StoreError)?.kind == .unavailable && "\(error)".contains("trust")
            }
        }

        @Test func urls_ofATCPServer_andOfAUnixSocket() throws {
            let tcp = try PostgresStoreConfiguration(url: "postgresql://coachd@db.trust.example:6543/trust")
            #expect(tcp.endpoint == .tcp(host: "db.trust.example", port: 6543))
            #expect(tcp.user == "coachd")
            #expect(tcp.database == "trust")
            let socket = try PostgresStoreConfiguration(url: "postgresql://coachd@/trust?host=/run/postgresql")
            #expect(socket.endpoint == .unixSocket(directory: "/run/postgresql", port: 5432))
            #expect(socket.endpoint.socketPath == "/run/postgresql/.s.PGSQL.5432")
        }

        @Test(arguments: [
            ("mysql://coachd@host/trust", "must start with postgresql://"),
            ("postgresql://coachd:secret@host/trust", "must not hold a password"),
            ("postgresql://host/trust", "names no user"),
            ("postgresql://coachd@host/", "names no database"),
            ("postgresql://coachd@/trust?host=run/postgresql", "absolute socket directory"),
            ("postgresql://coachd@/trust", "names no host"),
        ])
        func badURLs_areRefused_sayingWhatToWrite(_ url: String, _ expected: String) {
            #expect {
                _ = try PostgresStoreConfiguration(url: url)
            } throws: { error in
                "\(error)".contains(expected) && !"\(error)".contains("secret")
            }
        }
    }
#endif
