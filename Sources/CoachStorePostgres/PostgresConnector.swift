// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import Logging
    import NIOCore
    import NIOPosix
    import PostgresNIO

    extension PostgresStoreConfiguration {
        /// The connection settings postgres-nio takes; TLS only over TCP, when the server offers it.
        var connectionConfiguration: PostgresConnection.Configuration {
            switch endpoint {
            case .unixSocket:
                return PostgresConnection.Configuration(
                    unixSocketPath: endpoint.socketPath ?? "", username: user, password: password, database: database)
            case .tcp(let host, let port):
                return PostgresConnection.Configuration(
                    host: host, port: port, username: user, password: password, database: database, tls: .disable)
            }
        }
    }
#endif
