// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
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
    ///
    /// With `renumber` (`--renumber`) every copied row takes a fresh id past the trust database's (each
    /// table's largest id or sequence value, read under a lock inside the one transaction) and every
    /// reference follows it, as `SchemaReferences` describes them: foreign keys, `history.subject` by
    /// its kind, the ids inside `raised_transition` keys. Trust-wide rows (regions, periods, the question
    /// bank) equal to one already there are matched instead. Refused, nothing written: a database moved
    /// in before (its installation id is recorded in `store_meta`), a school whose name the trust
    /// database already has, a Unix uid another school's person already has, and anything the
    /// description does not know (a table, a column, a history kind, a key's form).
    public enum SQLiteToPostgres {
        /// Why nothing was copied.
        public struct Refused: Error, CustomStringConvertible, Sendable {
            public let description: String
        }

        /// Tables of the installation, not of a school: never copied (one list, `SchemaReferences`'s).
        static var notCopied: Set<String> { SchemaReferences.notCopied }

        /// Copies `sqlitePath` into the database of `configuration`; returns what was copied, one line a
        /// table. Blocks while it runs (a command-line tool's work, not the daemon's).
        public static func copy(
            sqlitePath: String, into configuration: PostgresStoreConfiguration, renumber: Bool = false
        )
            throws -> String
        {
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
                        let installation = try String.fetchOne(
                            sqlite, sql: "SELECT uid_domain FROM installation WHERE id = 1")
                        let report =
                            renumber
                            ? try copyRenumbered(
                                from: sqlite, into: pg, database: configuration.database, installation: installation)
                            : try copy(from: sqlite, into: pg, database: configuration.database)
                        try remember(installation, in: pg, renumbered: renumber)
                        // Running instances on the trust database drop their cached answers and re-read
                        // when the next transition falls (delivered only if this commits).
                        _ = try pg.run("SELECT pg_notify('\(PostgresStore.notifyChannel)', 'migration')", [])
                        return report
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
                        + clashes.joined(separator: "\n")
                        + "\nto move a further school into a shared trust database, run it again with --renumber "
                        + "(every row takes a fresh id; Docs/Operations.md)")
            }
            var lines: [String] = []
            for (table, rows) in copies {
                try insert(rows, into: table, pg)
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

        /// `rows` into `table`, many a statement, below PostgreSQL's 65535 parameters.
        private static func insert(_ rows: [[DatabaseValue]], into table: Table, _ pg: Database) throws {
            let names = table.columns.map(\.name)
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
        }

        /// The `store_meta` key recording that the SQLite installation `installation` was moved in.
        static func movedKey(_ installation: String) -> String { "migrated.\(installation)" }

        /// Records in the trust database that this installation's database was moved in, and when.
        private static func remember(_ installation: String?, in pg: Database, renumbered: Bool) throws {
            guard let installation else { return }
            let at = ISO8601DateFormatter().string(from: Date())
            _ = try pg.run(
                "INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [movedKey(installation), "\(at)\(renumbered ? " with --renumber" : "")"])
        }

        /// Old ids to new ones, table by table, for `--renumber`.
        private struct IDMap {
            /// Added to a table's old ids: the largest id the trust database held or handed out.
            var offsets: [String: Int64] = [:]
            /// Trust-wide rows matched to one already there, by old id.
            var matched: [String: [Int64: Int64]] = [:]
            /// The largest new id given out per table (rows and references alike: a history subject may
            /// name a row that was since removed; it keeps a fresh id of its own that nothing takes later).
            var highest: [String: Int64] = [:]

            mutating func new(_ table: String, _ old: Int64) throws -> Int64 {
                if let id = matched[table]?[old] { return id }
                guard let offset = offsets[table] else {
                    throw Refused(description: "\(table) has no id column to renumber; nothing was copied")
                }
                let (id, overflow) = old.addingReportingOverflow(offset)
                guard old > 0, !overflow else {
                    throw Refused(
                        description: "\(table) id \(old) cannot be renumbered past \(offset) (ids must be 1 to "
                            + "\(Int64.max - offset)); nothing was copied")
                }
                highest[table] = max(highest[table] ?? 0, id)
                return id
            }

            mutating func new(_ table: String, _ value: DatabaseValue, at place: String) throws -> DatabaseValue {
                switch value {
                case .null: return .null
                case .int(let old): return .int(try new(table, old))
                default: throw Refused(description: "\(place) holds \(value), not an id; nothing was copied")
                }
            }
        }

        /// `--renumber`: every row a fresh id, every reference following it (`SchemaReferences`).
        private static func copyRenumbered(
            from sqlite: GRDB.Database, into pg: Database, database: String, installation: String?
        ) throws -> String {
            let tables = try orderedTables(pg)
            let described = Dictionary(uniqueKeysWithValues: SchemaReferences.tables.map { ($0.name, $0) })
            // Whatever the description does not know could hold an id: refused rather than copied stale.
            var unknown: [String] = []
            for table in tables {
                guard let description = described[table.name] else {
                    unknown.append("table \(table.name)")
                    continue
                }
                unknown += table.columns.map(\.name).filter { description.columns[$0] == nil }.map {
                    "\(table.name).\($0)"
                }
            }
            guard unknown.isEmpty else {
                throw Refused(
                    description:
                        "nothing was copied: this build does not know whether \(unknown.joined(separator: ", ")) "
                        + "hold ids (SchemaReferences), so it cannot renumber them")
            }
            // No instance on the trust database writes these tables until this commits (reads go on), so
            // the ids read below stay the largest.
            _ = try pg.run("LOCK TABLE \(tables.map(\.name).joined(separator: ", ")) IN EXCLUSIVE MODE", [])
            if let installation,
                let row = try Row.fetchOne(
                    pg, sql: "SELECT value FROM store_meta WHERE key = ?", arguments: [movedKey(installation)])
            {
                let when: String = row["value"]
                throw Refused(
                    description: "nothing was copied: this school's database (installation \(installation)) was "
                        + "already moved into \(database) (\(when)); moving it again would copy its rows twice")
            }
            var source: [String: [[DatabaseValue]]] = [:]
            for table in tables { source[table.name] = try read(table, from: sqlite) }

            var problems: [String] = []
            // The same school twice (moved before by a build that did not record it, or a copy of its file).
            if let school = tables.first(where: { $0.name == "school" }), let names = position("name", school) {
                var there: [String: Int64] = [:]
                for row in try pg.run("SELECT id, name FROM school", []).rows {
                    if case .int(let id) = row.values[0], case .text(let name) = row.values[1] {
                        there[Self.folded(name)] = id
                    }
                }
                let ids = position("id", school)!
                for row in source["school"] ?? [] {
                    guard case .text(let name) = row[names], let id = there[Self.folded(name)] else { continue }
                    problems.append(
                        "  school \(row[ids].shown) \"\(name)\": the trust database already has school \(id) of that "
                            + "name (the same school moved in before? if they are two schools, rename one first)")
                }
            }
            // Unique keys across the trust (a person's Unix uid: one account, one person, on every host).
            for (tableName, column) in SchemaReferences.uniqueAcrossSchools {
                guard let table = tables.first(where: { $0.name == tableName }), let at = position(column, table),
                    let ids = position("id", table)
                else { continue }
                let named = position("name", table)
                var there: [DatabaseValue: String] = [:]
                let nameColumn = named == nil ? "NULL::text" : "name"
                for row in try pg.run(
                    "SELECT id, \(column), \(nameColumn) FROM \(tableName) WHERE \(column) IS NOT NULL", []
                ).rows {
                    let name = row.values[2] == .null ? "" : " \(row.values[2].shown)"
                    there[row.values[1]] = "\(tableName) \(row.values[0].shown)\(name)"
                }
                for row in source[tableName] ?? [] where row[at] != .null {
                    guard let other = there[row[at]] else { continue }
                    let name = named.map { " \(row[$0].shown)" } ?? ""
                    problems.append(
                        "  \(tableName) \(row[ids].shown)\(name) has \(column) \(row[at].shown), which the trust "
                            + "database's \(other) already has")
                }
            }

            // Each table's offset: past the largest id there and the largest its sequence handed out.
            var ids = IDMap()
            for table in tables where table.hasID {
                var offset: Int64 = 0
                if let row = try pg.run("SELECT coalesce(max(id), 0) FROM \(table.name)", []).rows.first,
                    case .int(let largest) = row.values[0]
                {
                    offset = largest
                }
                if table.hasIdentity,
                    let row = try pg.run("SELECT pg_get_serial_sequence('\(table.name)', 'id')", []).rows.first,
                    case .text(let sequence) = row.values[0],
                    let last = try pg.run(
                        "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM \(sequence)", []
                    ).rows.first,
                    case .int(let handedOut) = last.values[0]
                {
                    offset = max(offset, handedOut)
                }
                ids.offsets[table.name] = offset
                if case .matched(let columns) = described[table.name]!.rows {
                    let positions = columns.compactMap { position($0, table) }
                    let idAt = position("id", table)!
                    var there: [[DatabaseValue]: Int64] = [:]
                    for row in try pg.run("SELECT id, \(columns.joined(separator: ", ")) FROM \(table.name)", []).rows {
                        if case .int(let id) = row.values[0] { there[Array(row.values.dropFirst())] = id }
                    }
                    for row in source[table.name] ?? [] {
                        if case .int(let old) = row[idAt], let id = there[positions.map { row[$0] }] {
                            ids.matched[table.name, default: [:]][old] = id
                        }
                    }
                }
            }

            var copies: [(table: Table, rows: [[DatabaseValue]])] = []
            var unknownKinds: Set<String> = []
            var unknownKeys: [String] = []
            for table in tables {
                let description = described[table.name]!
                let idAt = position("id", table)
                let kindAt = position("kind", table)
                var rows: [[DatabaseValue]] = []
                for row in source[table.name] ?? [] {
                    if let idAt, case .int(let old) = row[idAt], ids.matched[table.name]?[old] != nil { continue }
                    var renumbered = row
                    for (index, column) in table.columns.enumerated() {
                        let place = "\(table.name).\(column.name)"
                        switch description.columns[column.name]! {
                        case .value:
                            break
                        case .id:
                            renumbered[index] = try ids.new(table.name, row[index], at: place)
                        case .reference(let other):
                            renumbered[index] = try ids.new(other, row[index], at: place)
                        case .historySubject:
                            guard let kindAt, case .text(let kind) = row[kindAt],
                                let subject = SchemaReferences.historySubjects[kind]
                            else {
                                if let kindAt { unknownKinds.insert(row[kindAt].shown) }
                                continue
                            }
                            if let subject {
                                renumbered[index] = try ids.new(subject, row[index], at: place)
                            } else if row[index] != .null {
                                unknownKinds.insert("\(kind) (with a subject)")
                            }
                        case .transitionKey:
                            guard case .text(let key) = row[index],
                                let remapped = try SchemaReferences.remapTransitionKey(key, { try ids.new($0, $1) })
                            else {
                                unknownKeys.append(row[index].shown)
                                continue
                            }
                            renumbered[index] = .text(remapped)
                        }
                    }
                    rows.append(renumbered)
                }
                copies.append((table, rows))
            }
            if !unknownKinds.isEmpty {
                problems.append(
                    "  history: kinds this build does not know the subject of: "
                        + unknownKinds.sorted().joined(separator: ", "))
            }
            if !unknownKeys.isEmpty {
                problems.append(
                    "  raised_transition: keys of a form this build does not know: "
                        + unknownKeys.prefix(5).joined(separator: ", ") + (unknownKeys.count > 5 ? ", …" : ""))
            }
            guard problems.isEmpty else {
                throw Refused(
                    description: "nothing was copied into \(database):\n" + problems.joined(separator: "\n"))
            }

            var lines: [String] = []
            for (table, rows) in copies {
                try insert(rows, into: table, pg)
                if table.hasIdentity {
                    // The next id follows every id given out (rows and references), and what was there.
                    _ = try pg.run(
                        "SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), "
                            + "greatest(coalesce(max(id), 0), $1) + 1, false) FROM \(table.name)",
                        [ids.highest[table.name] ?? 0])
                }
                let matched = ids.matched[table.name]?.count ?? 0
                if !rows.isEmpty || matched > 0 {
                    lines.append("  \(table.name): \(rows.count)\(matched > 0 ? " (\(matched) already there)" : "")")
                }
            }
            var schools: [String] = []
            if let school = tables.first(where: { $0.name == "school" }), let idAt = position("id", school),
                let nameAt = position("name", school)
            {
                for row in source["school"] ?? [] {
                    guard case .int(let old) = row[idAt] else { continue }
                    schools.append("  school \(old) \(row[nameAt].shown) is now school \(try ids.new("school", old))")
                }
            }
            let total = lines.isEmpty ? "no rows" : "rows copied, by table:\n" + lines.joined(separator: "\n")
            return "migrated into \(database) in one transaction, every id renumbered:\n"
                + (schools.isEmpty ? "" : schools.joined(separator: "\n") + "\n") + "\(total)\n"
        }

        private static func position(_ column: String, _ table: Table) -> Int? {
            table.columns.firstIndex { $0.name == column }
        }

        /// A name as compared for "the same school": case and surrounding blanks ignored.
        private static func folded(_ name: String) -> String {
            name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
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
                let ready = remaining.filter {
                    (parents[$0] ?? []).subtracting(placed).allSatisfy { tables[$0] == nil }
                }
                guard !ready.isEmpty else {
                    throw Refused(
                        description: "the tables' foreign keys form a cycle: \(remaining); nothing was copied")
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
                    description:
                        "\(table).\(column.name): a value of SQLite's \(value.storage) does not fit PostgreSQL's "
                        + "\(column.type); nothing was copied")
            }
        }
    }

    extension DatabaseValue {
        /// The value as a report shows it (texts quoted).
        fileprivate var shown: String {
            switch self {
            case .null: "NULL"
            case .int(let v): "\(v)"
            case .double(let v): "\(v)"
            case .text(let v): "\"\(v)\""
            case .bool(let v): "\(v)"
            }
        }
    }
#endif
