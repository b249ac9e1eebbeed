// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachStorePostgres
    import PostgresTestSupport

    extension PostgresTestServer {
        /// A new, empty database of its own for one store.
        func newDatabase() throws -> PostgresStoreConfiguration {
            PostgresStoreConfiguration(
                endpoint: .unixSocket(directory: directory, port: 5432), user: "postgres",
                database: try newDatabaseName())
        }
    }
#endif
