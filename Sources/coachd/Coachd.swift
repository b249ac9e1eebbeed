import ArgumentParser
import CoachDaemon
import CoachRPC
import CoachSystemd
import CoachVersion
import Foundation
import Logging

/// `coachd`: wiring only. Flags become configuration overrides; `Daemon.build` does the rest.
/// `main.swift` runs it, after taking Swift concurrency and the signals off Dispatch (issue 9).
struct Coachd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Schedules and records incremental coaching micro-cycles; serves coachctl over a Unix socket.",
        discussion: "Configuration: flags > COACHD_* environment > the YAML file > defaults (Docs/Configuration.md).",
        version: BuildStamp.versionLine)

    @Option(help: "Configuration file (default: /etc/coachd/coachd.yaml when it exists).")
    var config: String?
    @Option(help: "Socket to bind when systemd passes none (default: <state dir>/coachd.sock).")
    var socket: String?
    @Option(name: .customLong("socket-mode"), help: "Octal mode of a socket coachd binds itself (default 0660).")
    var socketMode: String?
    @Option(name: .customLong("socket-group"), help: "Group of a socket coachd binds itself.")
    var socketGroup: String?
    @Option(
        name: .customLong("state-dir"),
        help: "State directory holding the database (default: .coachd, or $STATE_DIRECTORY).")
    var stateDir: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?
    @Flag(name: .customLong("print-openrpc"), help: "Print the OpenRPC document of the API and exit.")
    var printOpenRPC = false
    @Flag(name: .customLong("print-api-reference"), help: "Print the Markdown API reference and exit.")
    var printAPIReference = false
    @Flag(
        name: .customLong("print-config-sample"),
        help: "Print the sample configuration file (every key at its default, documented) and exit.")
    var printConfigSample = false
    @Flag(
        name: .customLong("print-config-reference"),
        help: "Print the Markdown table of every configuration key (type, default, flag, reload) and exit.")
    var printConfigReference = false
    @Option(
        name: .customLong("check-database"),
        help: ArgumentHelp(
            "Check a database file (integrity, foreign keys, schema version) without changing it, and exit: "
                + "0 sound, 1 not. Use it on a backup before restoring it.", valueName: "FILE"))
    var checkDatabase: String?
    @Option(
        name: .customLong("restore-database"),
        help: ArgumentHelp(
            "With coachd stopped: check FILE (a `coachctl backup`) and put it in place of the state directory's "
                + "database, keeping the old one under a dated name; then exit.", valueName: "FILE"))
    var restoreDatabase: String?
    @Option(
        name: .customLong("migrate-to-postgresql"),
        help: ArgumentHelp(
            "With coachd stopped: copy the state directory's SQLite database into the PostgreSQL database at URL "
                + "(postgresql://USER@HOST:PORT/DB; the password from store.postgresql.passwordFile), in one "
                + "transaction, refusing with nothing written when one of its ids is already there (see "
                + "--renumber); then exit.",
            valueName: "URL"))
    var migrateToPostgresql: String?
    @Flag(
        name: .customLong("renumber"),
        help: ArgumentHelp(
            "With --migrate-to-postgresql: give every copied row a fresh id past the trust database's and carry "
                + "every reference along, to move a further school into a shared database. Refused, nothing "
                + "written, for a database moved in before, a school name or a Unix uid already there."))
    var renumber = false

    func validate() throws {
        if renumber && migrateToPostgresql == nil {
            throw ValidationError("--renumber goes with --migrate-to-postgresql URL")
        }
    }

    func run() async throws {
        if printOpenRPC {
            let data = try RPCCodec.encoder.encode(CoachAPI.openRPC(version: coachdVersion))
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if printAPIReference {
            print(CoachAPI.markdownReference(), terminator: "")
            return
        }
        if printConfigSample {
            print(ConfigurationKeys.yamlSample(), terminator: "")
            return
        }
        if printConfigReference {
            print(ConfigurationKeys.markdownTable(), terminator: "")
            return
        }
        if let checkDatabase {
            let report = try Daemon.checkDatabase(at: checkDatabase)
            print(report.text, terminator: "")
            if !report.sound { throw ExitCode.failure }
            return
        }
        let overrides = [
            "socket.path": socket, "socket.mode": socketMode, "socket.group": socketGroup,
            "state.directory": stateDir, "log.level": logLevel,
        ].compactMapValues { $0 }
        let configuration: DaemonConfiguration
        do {
            configuration = try await DaemonConfiguration.load(
                file: config, overrides: overrides, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("coachd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if migrateToPostgresql == nil, let problem = configuration.storeProblem {
            FileHandle.standardError.write(Data("coachd: \(problem)\n".utf8))
            throw ExitCode(78)
        }
        if let migrateToPostgresql {
            do {
                print(
                    try await StoreOpening.migrateToPostgreSQL(
                        url: migrateToPostgresql, configuration: configuration, renumber: renumber),
                    terminator: "")
            } catch {
                FileHandle.standardError.write(Data("coachd: \(error)\n".utf8))
                throw ExitCode.failure
            }
            return
        }
        if let restoreDatabase {
            guard configuration.storeBackend == "sqlite" else {
                FileHandle.standardError.write(
                    Data(
                        ("coachd: nothing restored: store.backend is \(configuration.storeBackend); --restore-database "
                            + "replaces an SQLite file. Restore a PostgreSQL database with pg_restore or psql "
                            + "(Docs/Operations.md)\n").utf8))
                throw ExitCode.failure
            }
            do {
                print(
                    try DatabaseRestore.restore(from: restoreDatabase, into: configuration.stateDirectory),
                    terminator: "")
            } catch {
                FileHandle.standardError.write(Data("coachd: nothing restored: \(error)\n".utf8))
                throw ExitCode.failure
            }
            return
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let journal = JournalLogHandler.isJournalConnected()
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                journal
                ? JournalLogHandler(identifier: "coachd", messageIDs: JournalEvent.messageIDs)
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "coachd")
        let reload: ConfigurationLoader = { [config, overrides] in
            try await DaemonConfiguration.load(
                file: config, overrides: overrides, environment: ProcessInfo.processInfo.environment)
        }
        do {
            let daemon = try await Daemon.build(configuration: configuration, logger: logger)
            try await daemon.run(reload: reload, signals: .relay)
        } catch {
            logger.critical(
                "coachd cannot run: \(error)", metadata: ["coachd.event": "\(JournalEvent.daemonFailed.rawValue)"])
            throw ExitCode.failure
        }
    }
}
