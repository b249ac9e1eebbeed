import CoachStore
import Foundation
import GRDB

/// `coachd --migrate-to-postgresql` (issue 15): copies a school's SQLite database into a trust's
/// PostgreSQL database, both migrated to this build's schema first, in one transaction. An id of the
/// school's already in the trust database (another school's row) refuses the whole copy, naming
/// each table and its clashing ids, and nothing is written; so does any other constraint the server
/// checks. Afterwards the identity sequences are moved past the largest id, so new rows don't clash.
///
/// Not copied: what belongs to the installation rather than the school (`installation`, `store_meta`,
/// the migration table) and the live-event replay buffer (`live_event`): a trust database keeps its own.
public enum SQLiteToPostgres {
    /// Why nothing was copied.
    public struct Refused: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Tables of the installation, not of a school: never copied.
    static let notCopied: Set<String> = ["coachd_migration", "store_meta", "installation", "live_event"]

    /// Copies `sqlitePath` into the database of `configuration`; returns what was copied, one line a
    /// table. Blocks while it runs (a command-line tool's work, not the daemon's).
    public static func copy(sqlitePath: String, into configuration: PostgresStoreConfiguration) throws -> String {
        guard FileManager.default.fileExists(atPath: sqlitePath) else {
            throw Refused(description: "there is no database at \(sqlitePath): nothing to migrate")
        }
        // Both at this build's schema first (the SQLite file may be older; the trust database may be new).
        do { _ = try SQLiteStore(path: sqlitePath) }
        guard SQLiteStore.migrationNames == PostgresSchema.names else {
            throw Refused(description: "this build's SQLite and PostgreSQL schemas differ; nothing was copied")
        }
        let store = try PostgresStore(configuration: configuration)
        var readOnly = GRDB.Configuration()
        readOnly.readonly = true
        let source = try DatabaseQueue(path: sqlitePath, configuration: readOnly)
        return try source.read { sqlite in
            try store.writer.with { pg in
                try PostgresStore.transaction(pg, begin: "BEGIN") {
                    try copy(from: sqlite, into: pg, database: configuration.database)
                }
            }
        }
    }

    private struct Table {
        var name: String
        /// Column names and their PostgreSQL types, in the table's order.
        var columns: [(name: String, type: String)]
        var hasIdentity: Bool
        var hasID: Bool { columns.contains { $0.name == "id" } }
    }

    private static func copy(from sqlite: GRDB.Database, into pg: Database, database: String) throws -> String {
        let tables = try orderedTables(pg)
        // Every row read and converted first; an id already there with the same values (a row every
        // database is born with, such as the question bank's) is not copied; with other values it clashes.
        var copies: [(table: Table, rows: [[DatabaseValue]])] = []
        var clashes: [String] = []
        for table in tables {
            let rows = try read(table, from: sqlite)
            guard table.hasID, !rows.isEmpty else {
                copies.append((table, rows))
                continue
            }
            let names = table.columns.map(\.name).joined(separator: ", ")
            let idPosition = table.columns.firstIndex { $0.name == "id" }!
            var present: [Int64: [DatabaseValue]] = [:]
            for row in try Row.fetchAll(pg, sql: "SELECT \(names) FROM \(table.name)") {
                if case .int(let id) = row.values[idPosition] { present[id] = row.values }
            }
            var clashing: [Int64] = []
            var kept: [[DatabaseValue]] = []
            for row in rows {
                guard case .int(let id) = row[idPosition], let there = present[id] else {
                    kept.append(row)
                    continue
                }
                if there != row { clashing.append(id) }
            }
            if !clashing.isEmpty {
                let shown = clashing.prefix(20).map(String.init).joined(separator: ", ")
                clashes.append(
                    "  \(table.name): \(clashing.count) id(s) already there: \(shown)\(clashing.count > 20 ? ", …" : "")"
                )
            }
            copies.append((table, kept))
        }
        if !clashes.isEmpty {
            throw Refused(
                description: "nothing was copied: rows of this school's database have ids that the trust database "
                    + "\(database) already holds with other values (another school's rows):\n"
                    + clashes.joined(separator: "\n"))
        }
        var lines: [String] = []
        for (table, rows) in copies {
            let names = table.columns.map(\.name)
            // Many rows a statement, below PostgreSQL's 65535 parameters.
            let perStatement = max(1, 30_000 / max(1, names.count))
            var start = 0
            while start < rows.count {
                let batch = rows[start..<min(rows.count, start + perStatement)]
                var arguments: StatementArguments = []
                var tuples: [String] = []
                for row in batch {
                    let first = arguments.values.count
                    arguments.values += row
                    tuples.append("(" + (1...row.count).map { "$\(first + $0)" }.joined(separator: ", ") + ")")
                }
                _ = try pg.run(
                    "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES "
                        + tuples.joined(separator: ", "), arguments)
                start += batch.count
            }
            if table.hasIdentity {
                // The next id follows the largest one copied or already there.
                _ = try pg.run(
                    "SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), coalesce(max(id), 0) + 1, false) "
                        + "FROM \(table.name)", [])
            }
            if !rows.isEmpty { lines.append("  \(table.name): \(rows.count)") }
        }
        let total = lines.isEmpty ? "no rows" : "rows copied, by table:\n" + lines.joined(separator: "\n")
        return "migrated into \(database) in one transaction; \(total)\n"
    }

    /// A table's rows from the SQLite file, as the PostgreSQL columns take them, in id order.
    private static func read(_ table: Table, from sqlite: GRDB.Database) throws -> [[DatabaseValue]] {
        let sqliteColumns = Set(
            try GRDB.Row.fetchAll(sqlite, sql: "PRAGMA table_info(\(table.name))").map {
                ($0["name"] as String).lowercased()
            })
        guard !sqliteColumns.isEmpty else {
            throw Refused(description: "the SQLite database has no table \(table.name); nothing was copied")
        }
        let missing = table.columns.map(\.name).filter { !sqliteColumns.contains($0) }
        guard missing.isEmpty else {
            throw Refused(
                description: "the SQLite table \(table.name) has no column \(missing.joined(separator: ", ")); "
                    + "nothing was copied")
        }
        let names = table.columns.map(\.name).joined(separator: ", ")
        let order = table.hasID ? " ORDER BY id" : " ORDER BY 1"
        return try GRDB.Row.fetchAll(sqlite, sql: "SELECT \(names) FROM \(table.name)\(order)").map { row in
            try table.columns.enumerated().map { index, column in
                try value(row[index] as GRDB.DatabaseValue, as: column, table.name)
            }
        }
    }

    /// The school's tables of the trust database, parents before the tables that refer to them.
    private static func orderedTables(_ pg: Database) throws -> [Table] {
        let columns = try Row.fetchAll(
            pg,
            sql: """
                SELECT c.table_name::text AS t, c.column_name::text AS c, c.data_type::text AS type,
                       c.is_identity::text AS identity
                FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
                WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                ORDER BY c.table_name, c.ordinal_position
                """)
        var tables: [String: Table] = [:]
        for row in columns {
            let name: String = row["t"]
            guard !notCopied.contains(name) else { continue }
            var table = tables[name] ?? Table(name: name, columns: [], hasIdentity: false)
            let column: String = row["c"]
            table.columns.append((column, row["type"]))
            if column == "id" && (row["identity"] as String) == "YES" { table.hasIdentity = true }
            tables[name] = table
        }
        var parents: [String: Set<String>] = [:]
        for row in try Row.fetchAll(
            pg,
            sql: """
                SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
                FROM pg_constraint WHERE contype = 'f'
                """)
        {
            let child: String = row["child"]
            let parent: String = row["parent"]
            if child != parent { parents[child, default: []].insert(parent) }
        }
        var ordered: [Table] = []
        var placed: Set<String> = []
        var remaining = tables.keys.sorted()
        while !remaining.isEmpty {
            let ready = remaining.filter { (parents[$0] ?? []).subtracting(placed).allSatisfy { tables[$0] == nil } }
            guard !ready.isEmpty else {
                throw Refused(description: "the tables' foreign keys form a cycle: \(remaining); nothing was copied")
            }
            for name in ready {
                ordered.append(tables[name]!)
                placed.insert(name)
            }
            remaining.removeAll { placed.contains($0) }
        }
        return ordered
    }

    /// A SQLite value as the PostgreSQL column takes it (flags are 0/1 integers in SQLite).
    private static func value(_ value: GRDB.DatabaseValue, as column: (name: String, type: String), _ table: String)
        throws -> DatabaseValue
    {
        switch (value.storage, column.type) {
        case (.null, _): return .null
        case (.int64(let v), "boolean"): return .bool(v != 0)
        case (.int64(let v), "bigint"), (.int64(let v), "integer"), (.int64(let v), "smallint"): return .int(v)
        case (.int64(let v), "double precision"), (.int64(let v), "real"): return .double(Double(v))
        case (.double(let v), "double precision"), (.double(let v), "real"): return .double(v)
        case (.string(let v), "text"), (.string(let v), "character varying"): return .text(v)
        default:
            throw Refused(
                description: "\(table).\(column.name): a value of SQLite's \(value.storage) does not fit PostgreSQL's "
                    + "\(column.type); nothing was copied")
        }
    }
}
