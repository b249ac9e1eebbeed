import CoachStore
import Foundation

#if PostgreSQL
    import CoachStorePostgres
#endif

/// Opens the store `store.backend` names (issue 15): the SQLite file in the state directory, or the
/// trust's PostgreSQL database. Blocks while it connects and migrates: call it at start-up.
public enum StoreOpening {
    /// Why the configured store cannot be opened, in words an operator acts on.
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// The name of the systemd credential (`LoadCredential=postgresql-password:…`) read when
    /// `store.postgresql.passwordFile` is not set.
    static let credentialName = "postgresql-password"

    /// Whether this coachd was built with the PostgreSQL trait.
    static var hasPostgreSQL: Bool {
        #if PostgreSQL
            true
        #else
            false
        #endif
    }

    static let withoutPostgreSQL =
        "this coachd was built without PostgreSQL support; rebuild with the PostgreSQL trait "
        + "(a plain `swift build` has it; `--disable-default-traits` leaves it out)"

    /// Opens the configured store; `where` names it for the log (a path or the URL, never a password).
    static func open(_ configuration: DaemonConfiguration, environment: [String: String]) throws -> (
        store: any CoachStore, where: String
    ) {
        switch configuration.storeBackend {
        case "postgresql":
            #if PostgreSQL
                let url = configuration.postgresqlURL ?? ""
                return (try PostgresStore(configuration: try postgres(configuration, environment: environment)), url)
            #else
                throw Refused(description: withoutPostgreSQL)
            #endif
        default:
            try PrivateFiles.secureDatabase(configuration.databasePath)
            return (try SQLiteStore(path: configuration.databasePath), configuration.databasePath)
        }
    }

    /// The password: the first line of `store.postgresql.passwordFile`, else of systemd's
    /// credential `postgresql-password` when the unit loads one, else none (peer or trust auth).
    static func password(_ configuration: DaemonConfiguration, environment: [String: String]) throws -> String? {
        var path = configuration.postgresqlPasswordFile
        if path == nil, let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty {
            let candidate = (credentials as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: candidate) { path = candidate }
        }
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refused(
                description: "cannot read the PostgreSQL password file \(path) (store.postgresql.passwordFile): "
                    + "check that it exists and that coachd's user may read it")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        guard !password.isEmpty else {
            throw Refused(
                description: "the PostgreSQL password file \(path) is empty: write the password on its first line")
        }
        return password
    }

    #if PostgreSQL
        /// The PostgreSQL store's configuration: the URL's parts and the password from its file.
        static func postgres(_ configuration: DaemonConfiguration, environment: [String: String]) throws
            -> PostgresStoreConfiguration
        {
            guard let url = configuration.postgresqlURL else {
                throw Refused(
                    description: "configuration key store.postgresql.url: is required when store.backend is postgresql")
            }
            var parsed: PostgresStoreConfiguration
            do {
                parsed = try PostgresStoreConfiguration(url: url)
            } catch {
                throw Refused(description: "configuration key store.postgresql.url: \(error.description)")
            }
            parsed.password = try password(configuration, environment: environment)
            return parsed
        }
    #endif

    /// `coachd --migrate-to-postgresql URL`: with coachd stopped (the state directory's lock is taken
    /// as the daemon takes it), copies the state directory's SQLite database into the trust database
    /// at `url` (Docs/Operations.md). The password comes as for the daemon (`store.postgresql.passwordFile`
    /// or the `postgresql-password` credential).
    /// With `renumber`, every copied row takes a fresh id (`SQLiteToPostgres`, `--renumber`).
    public static func migrateToPostgreSQL(url: String, configuration: DaemonConfiguration, renumber: Bool = false)
        async throws -> String
    {
        #if PostgreSQL
            let environment = ProcessInfo.processInfo.environment
            return try await StoreThreads.shared.run {
                let lock = try StateDirectoryLock.acquire(configuration.stateDirectory)
                return try withExtendedLifetime(lock) {
                    var target = configuration
                    target.storeBackend = "postgresql"
                    target.postgresqlURL = url
                    return try SQLiteToPostgres.copy(
                        sqlitePath: configuration.databasePath, into: try postgres(target, environment: environment),
                        renumber: renumber)
                }
            }
        #else
            throw Refused(description: withoutPostgreSQL)
        #endif
    }
}
