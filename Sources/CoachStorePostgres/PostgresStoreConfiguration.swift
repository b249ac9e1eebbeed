// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import Foundation

    /// Where the PostgreSQL store connects: parsed from `store.postgresql.url`
    /// (`postgresql://USER@HOST:PORT/DB`, or `postgresql://USER@/DB?host=/socket/dir` for a Unix socket).
    /// The password never comes from the URL; it is read from a file (`store.postgresql.passwordFile`).
    public struct PostgresStoreConfiguration: Sendable, Hashable {
        public enum Endpoint: Sendable, Hashable {
            case tcp(host: String, port: Int)
            /// The socket's directory; the file in it is `.s.PGSQL.<port>`, as libpq names it.
            case unixSocket(directory: String, port: Int)

            /// The path of the socket file, for a Unix socket.
            public var socketPath: String? {
                if case .unixSocket(let directory, let port) = self { return "\(directory)/.s.PGSQL.\(port)" }
                return nil
            }
        }

        public var endpoint: Endpoint
        public var user: String
        public var database: String
        public var password: String?

        public init(endpoint: Endpoint, user: String, database: String, password: String? = nil) {
            self.endpoint = endpoint
            self.user = user
            self.database = database
            self.password = password
        }

        /// Why a URL was refused, naming the part and what to write instead.
        public struct InvalidURL: Error, CustomStringConvertible, Sendable {
            public let description: String
        }

        /// Parses a `postgresql://` (or `postgres://`) URL. A password in the URL is refused: it would
        /// sit in the configuration file and in `ps`; it belongs in `store.postgresql.passwordFile`.
        public init(url text: String) throws(InvalidURL) {
            guard let components = URLComponents(string: text), let scheme = components.scheme,
                ["postgresql", "postgres"].contains(scheme.lowercased())
            else {
                throw InvalidURL(
                    description: "store.postgresql.url must start with postgresql:// "
                        + "(postgresql://USER@HOST:PORT/DB or postgresql://USER@/DB?host=/socket/dir)")
            }
            if components.password != nil {
                throw InvalidURL(
                    description: "store.postgresql.url must not hold a password; "
                        + "put it in the file named by store.postgresql.passwordFile")
            }
            guard let user = components.user, !user.isEmpty else {
                throw InvalidURL(description: "store.postgresql.url names no user: write postgresql://USER@…")
            }
            let database = String(components.path.drop(while: { $0 == "/" }))
            guard !database.isEmpty, !database.contains("/") else {
                throw InvalidURL(description: "store.postgresql.url names no database: end it with /DBNAME")
            }
            var port = 5432
            if let given = components.port {
                guard (1...65535).contains(given) else {
                    throw InvalidURL(description: "store.postgresql.url has port \(given); give one from 1 to 65535")
                }
                port = given
            }
            let socketDirectory = components.queryItems?.first(where: { $0.name == "host" })?.value
            if let directory = socketDirectory, !directory.isEmpty {
                guard directory.hasPrefix("/") else {
                    throw InvalidURL(
                        description: "store.postgresql.url's host= must be an absolute socket directory, such as "
                            + "/run/postgresql")
                }
                self.init(endpoint: .unixSocket(directory: directory, port: port), user: user, database: database)
            } else if let host = components.host, !host.isEmpty {
                self.init(endpoint: .tcp(host: host, port: port), user: user, database: database)
            } else {
                throw InvalidURL(
                    description:
                        "store.postgresql.url names no host: write @HOST:PORT, or ?host=/socket/dir for a Unix socket")
            }
        }
    }
#endif
