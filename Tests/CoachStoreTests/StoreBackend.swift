import CoachStore
import Testing

#if PostgreSQL
    import CoachStorePostgres
    import PostgresTestSupport
#endif

/// The store conformance suite's backends. A test that takes a `StoreBackend` argument uses only
/// the `CoachStore` protocol and runs once for each case, so every backend must pass the same tests
/// (Docs/Architecture.md, "The store"). A new backend (PostgreSQL, issue 15) is a new case here;
/// tests of one backend's own behaviour (raw SQL below the store, its files, its migrations) stay
/// in that backend's suite (`SQLiteStoreTests`, `MigrationTests`).
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// A database file: a WAL `DatabasePool` (readers beside the writer), as `coachd` runs.
    case sqliteFile
    /// In memory: one `DatabaseQueue` (reads and writes in turn), as the tools and fixtures run.
    case sqliteMemory
    #if PostgreSQL
        /// A database of its own on a real PostgreSQL server the tests start (`PostgresTestServer`).
        case postgresql
    #endif

    var testDescription: String { rawValue }

    /// A new, empty, migrated store whose files (if any) live in `directory`.
    func open(_ directory: borrowing TemporaryDirectory) throws -> any CoachStore {
        switch self {
        case .sqliteFile: try SQLiteStore(path: directory.database)
        case .sqliteMemory: try SQLiteStore()
        #if PostgreSQL
            case .postgresql: try PostgresStore(configuration: try PostgresTestServer.shared.get().newDatabase())
        #endif
        }
    }
}
