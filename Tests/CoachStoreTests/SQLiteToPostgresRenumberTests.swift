// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    import CoachStore
    import CoachStorePostgres
    import Foundation
    import GRDB
    import PostgresTestSupport
    import Testing

    /// `coachd --migrate-to-postgresql --renumber` (issue 15) at the store level: two schools whose
    /// SQLite ids are the same moved into one trust database, every reference checked through names.
    @Suite("Moving several schools into one PostgreSQL database", .serialized)
    struct SQLiteToPostgresRenumberTests {
        /// A school's SQLite database with a row in every table the move copies, ids from 1 as every
        /// school's are. `letter` makes its names its own; `extra` adds what only the second school has
        /// (a region and a period of its own, a closure removed since, so a history subject names a
        /// row that is gone).
        static func school(_ letter: String, uids: Int64, extra: Bool = false, name: String? = nil) throws -> String {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("coachd-renumber-\(UUID().uuidString).sqlite").path
            do { _ = try SQLiteStore(path: path) }
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                func run(_ sql: String, _ arguments: StatementArguments = []) throws {
                    try db.execute(sql: sql, arguments: arguments)
                }
                // Regions and periods are the trust's: "North" and "Autumn 1" are in both schools.
                if extra {
                    try run("INSERT INTO region (id, name) VALUES (1, 'South'), (2, 'North')")
                } else {
                    try run("INSERT INTO region (id, name) VALUES (1, 'North')")
                }
                let north = extra ? 2 : 1
                try run(
                    "INSERT INTO school (id, name, time_zone, day_start, day_end, region) VALUES (1, ?, 'Europe/London', 480, 960, ?)",
                    [name ?? "School \(letter)", north])
                try run(
                    "INSERT INTO closure (id, school, from_day, to_day, reason) VALUES (1, 1, 100, 101, 'Inset \(letter)'), (2, 1, 200, 204, 'Half term \(letter)')"
                )
                try run(
                    "INSERT INTO term (id, school, name, from_day, to_day) VALUES (1, 1, 'Autumn \(letter)', 90, 190)")
                try run(
                    """
                    INSERT INTO person (id, name, school, roles, uid) VALUES
                        (1, 'Ada \(letter)', 1, 'teacher', ?), (2, 'Cy \(letter)', 1, 'coach', ?),
                        (3, 'Lee \(letter)', 1, 'lead,head', ?), (4, 'Bo \(letter)', 1, 'head', ?)
                    """, [uids + 1, uids + 2, uids + 3, uids + 4])
                try run("INSERT INTO pair (id, school, teacher, coach, created_at) VALUES (1, 1, 1, 2, 1000)")
                try run("INSERT INTO cycle (id, pair, focus, started_at) VALUES (1, 1, 'questioning \(letter)', 1000)")
                try run(
                    """
                    INSERT INTO dropin (id, pair, coach, cycle, start, minutes, completed_at, notes) VALUES
                        (1, 1, 2, 1, 2000, 20, 2100, 'first visit \(letter)'),
                        (2, 1, 2, 1, 9000, 25, NULL, 'second visit \(letter)')
                    """)
                try run(
                    "INSERT INTO followup (id, dropin, pair, completed_at, notes) VALUES (1, 1, 1, 2200, 'talk \(letter)')"
                )
                try run(
                    """
                    INSERT INTO adaptation (id, pair, text, set_at, set_on, school_days, practise_until)
                    VALUES (1, 1, 'wait time \(letter)', 2200, 101, 10, 111)
                    """)
                try run(
                    """
                    INSERT INTO dropin_move (id, dropin, from_start, from_minutes, to_start, to_minutes, at)
                    VALUES (1, 2, 8000, 15, 9000, 25, 3000)
                    """)
                try run(
                    """
                    INSERT INTO due_item (pair, school, kind, dropin, due_day, due_at, overdue_at)
                    VALUES (1, 1, 'dropin', 2, 110, 9000, 9600)
                    """)
                try run(
                    "INSERT INTO period (id, name, term, from_day, to_day) VALUES (1, 'Autumn 1', 'Autumn', 90, 130)")
                if extra {
                    try run(
                        "INSERT INTO period (id, name, term, from_day, to_day) VALUES (2, 'Autumn 2', 'Autumn', 131, 190)"
                    )
                    // A closure added and removed since: the history names it; its row is gone.
                    try run(
                        "INSERT INTO closure (id, school, from_day, to_day, reason) VALUES (3, 1, 300, 300, 'gone')")
                    try run("DELETE FROM closure WHERE id = 3")
                }
                try run("INSERT INTO peer_pair (id, a, b, created_at) VALUES (1, 3, 4, 1000)")
                try run(
                    """
                    INSERT INTO peer_session (id, peer, start, minutes, mode, first_coach) VALUES
                        (1, 1, 5000, \(extra ? 90 : 60), 'video', 4)
                    """)
                try run(
                    "INSERT INTO supervision_group (id, region, name, created_at) VALUES (1, \(north), 'Group \(letter)', 1000)"
                )
                try run("INSERT INTO group_member (group_id, person) VALUES (1, 3), (1, 4)")
                try run(
                    "INSERT INTO group_meeting (id, group_id, start, minutes, completed_at) VALUES (1, 1, 6000, \(extra ? 45 : 50), 6100)"
                )
                try run("INSERT INTO meeting_attendance (meeting, person) VALUES (1, 3)")
                try run(
                    """
                    INSERT INTO agreement (id, peer, version, text, proposed_by, created_at, status)
                    VALUES (1, 1, 1, 'we meet monthly \(letter)', 3, 1000, 'active')
                    """)
                try run("INSERT INTO agreement_acceptance (agreement, person, at) VALUES (1, 3, 1000), (1, 4, 1001)")
                try run(
                    """
                    INSERT INTO theme (id, peer, group_id, meeting, kind, text, added_by, added_at, added_on) VALUES
                        (1, 1, NULL, NULL, 'theme', 'budgets \(letter)', 3, 1000, 95),
                        (2, NULL, 1, 1, 'impact', 'attendance \(letter)', 4, 6100, 96)
                    """)
                try run("INSERT INTO theme_consent (theme, person, consent, at) VALUES (2, 3, 1, 6200)")
                var history: [(String, Int64?, Int64?)] = [
                    ("school.added", nil, 1), ("person.added", nil, 2), ("pair.created", 1, 1),
                    ("cycle.started", 1, 1), ("dropin.scheduled", 1, 2), ("dropin.moved", 1, 2),
                    ("followup.completed", 1, 1), ("adaptation.set", 1, 1), ("calendar.closure_added", nil, 2),
                    ("calendar.term_added", nil, 1), ("due.moved", 1, nil), ("region.added", nil, Int64(north)),
                    ("school.region_set", nil, Int64(north)), ("period.added", nil, 1), ("peer.created", nil, 1),
                    ("session.scheduled", nil, 1), ("agreement.set", nil, 1), ("group.created", nil, 1),
                    ("group.meeting_held", nil, 1), ("theme.added", nil, 2),
                ]
                if extra { history += [("calendar.closure_added", nil, 3), ("calendar.closure_removed", nil, 3)] }
                for (index, (kind, pair, subject)) in history.enumerated() {
                    try run(
                        """
                        INSERT INTO history (id, at, actor_uid, actor, school, pair, kind, subject)
                        VALUES (?, ?, ?, 3, 1, ?, ?, ?)
                        """, [index + 1, 1000 + index, uids + 3, pair, kind, subject])
                }
                try run(
                    """
                    INSERT INTO raised_transition (key, at) VALUES
                        ('1/dropin/2/2026-11-30/due', 1), ('1/followup/1/2026-11-20/overdue', 1),
                        ('1/dropin/0/2026-11-10/due', 1), ('session:1:1:due', 1),
                        ('supervision:1:Autumn: first half:overdue', 1)
                    """)
                try run(
                    "INSERT INTO live_event (seq, at, kind, school, pair, teacher, coach) VALUES (1, 1000, 'pair.created', 1, 1, 1, 2)"
                )
            }
            return path
        }

        /// Every reference of the schema followed to names, one line a row, the row's school's name
        /// first (the same SQL on both stores; only texts and integers, which print the same).
        static let fingerprints = [
            "SELECT s.name, t.name, c.name FROM pair p JOIN school s ON s.id = p.school "
                + "JOIN person t ON t.id = p.teacher JOIN person c ON c.id = p.coach",
            "SELECT s.name, p.name, p.uid, r.name FROM person p JOIN school s ON s.id = p.school "
                + "LEFT JOIN region r ON r.id = s.region",
            "SELECT s.name, x.reason FROM closure x JOIN school s ON s.id = x.school",
            "SELECT s.name, x.name FROM term x JOIN school s ON s.id = x.school",
            "SELECT s.name, t.name, y.focus FROM cycle y JOIN pair p ON p.id = y.pair JOIN school s ON s.id = p.school "
                + "JOIN person t ON t.id = p.teacher",
            "SELECT s.name, t.name, c.name, y.focus, d.minutes, d.notes FROM dropin d JOIN pair p ON p.id = d.pair "
                + "JOIN school s ON s.id = p.school JOIN person t ON t.id = p.teacher JOIN person c ON c.id = d.coach "
                + "LEFT JOIN cycle y ON y.id = d.cycle",
            "SELECT s.name, d.notes, t.name, f.notes FROM followup f JOIN dropin d ON d.id = f.dropin "
                + "JOIN pair p ON p.id = f.pair JOIN school s ON s.id = p.school JOIN person t ON t.id = p.teacher",
            "SELECT s.name, t.name, a.text FROM adaptation a JOIN pair p ON p.id = a.pair "
                + "JOIN school s ON s.id = p.school JOIN person t ON t.id = p.teacher",
            "SELECT s.name, d.notes, m.from_minutes FROM dropin_move m JOIN dropin d ON d.id = m.dropin "
                + "JOIN pair p ON p.id = d.pair JOIN school s ON s.id = p.school",
            "SELECT s.name, t.name, s2.name, d.notes, i.kind FROM due_item i JOIN pair p ON p.id = i.pair "
                + "JOIN school s ON s.id = p.school JOIN school s2 ON s2.id = i.school "
                + "JOIN person t ON t.id = p.teacher LEFT JOIN dropin d ON d.id = i.dropin",
            """
            SELECT s.name, h.kind, a.name, hs.name, t.name, CASE h.kind
                WHEN 'school.added' THEN (SELECT name FROM school WHERE id = h.subject)
                WHEN 'person.added' THEN (SELECT name FROM person WHERE id = h.subject)
                WHEN 'pair.created' THEN (SELECT pt.name FROM pair pp JOIN person pt ON pt.id = pp.teacher
                                          WHERE pp.id = h.subject)
                WHEN 'cycle.started' THEN (SELECT focus FROM cycle WHERE id = h.subject)
                WHEN 'dropin.scheduled' THEN (SELECT notes FROM dropin WHERE id = h.subject)
                WHEN 'dropin.moved' THEN (SELECT notes FROM dropin WHERE id = h.subject)
                WHEN 'followup.completed' THEN (SELECT notes FROM followup WHERE id = h.subject)
                WHEN 'adaptation.set' THEN (SELECT text FROM adaptation WHERE id = h.subject)
                WHEN 'calendar.closure_added' THEN (SELECT reason FROM closure WHERE id = h.subject)
                WHEN 'calendar.closure_removed' THEN (SELECT reason FROM closure WHERE id = h.subject)
                WHEN 'calendar.term_added' THEN (SELECT name FROM term WHERE id = h.subject)
                WHEN 'region.added' THEN (SELECT name FROM region WHERE id = h.subject)
                WHEN 'school.region_set' THEN (SELECT name FROM region WHERE id = h.subject)
                WHEN 'period.added' THEN (SELECT name FROM period WHERE id = h.subject)
                WHEN 'peer.created' THEN (SELECT pa.name FROM peer_pair q JOIN person pa ON pa.id = q.a
                                          WHERE q.id = h.subject)
                WHEN 'session.scheduled' THEN (SELECT fc.name FROM peer_session ps
                                               JOIN person fc ON fc.id = ps.first_coach WHERE ps.id = h.subject)
                WHEN 'agreement.set' THEN (SELECT text FROM agreement WHERE id = h.subject)
                WHEN 'group.created' THEN (SELECT name FROM supervision_group WHERE id = h.subject)
                WHEN 'group.meeting_held' THEN (SELECT g.name FROM group_meeting m
                                                JOIN supervision_group g ON g.id = m.group_id WHERE m.id = h.subject)
                WHEN 'theme.added' THEN (SELECT text FROM theme WHERE id = h.subject)
                ELSE 'no subject' END
            FROM history h JOIN person a ON a.id = h.actor JOIN school s ON s.id = a.school
            LEFT JOIN school hs ON hs.id = h.school LEFT JOIN pair p ON p.id = h.pair
            LEFT JOIN person t ON t.id = p.teacher
            """,
            "SELECT s.name, pa.name, pb.name FROM peer_pair q JOIN person pa ON pa.id = q.a "
                + "JOIN person pb ON pb.id = q.b JOIN school s ON s.id = pa.school",
            "SELECT s.name, pa.name, fc.name, ps.minutes FROM peer_session ps JOIN peer_pair q ON q.id = ps.peer "
                + "JOIN person pa ON pa.id = q.a JOIN person fc ON fc.id = ps.first_coach JOIN school s ON s.id = pa.school",
            "SELECT s.name, g.name, r.name, m.name FROM supervision_group g JOIN region r ON r.id = g.region "
                + "JOIN group_member gm ON gm.group_id = g.id JOIN person m ON m.id = gm.person "
                + "JOIN school s ON s.id = m.school",
            "SELECT s.name, g.name, mt.minutes, m.name FROM meeting_attendance ma "
                + "JOIN group_meeting mt ON mt.id = ma.meeting JOIN supervision_group g ON g.id = mt.group_id "
                + "JOIN person m ON m.id = ma.person JOIN school s ON s.id = m.school",
            "SELECT s.name, ag.text, pa.name, pr.name, acc.name FROM agreement ag JOIN peer_pair q ON q.id = ag.peer "
                + "JOIN person pa ON pa.id = q.a JOIN person pr ON pr.id = ag.proposed_by "
                + "JOIN agreement_acceptance aa ON aa.agreement = ag.id JOIN person acc ON acc.id = aa.person "
                + "JOIN school s ON s.id = pa.school",
            "SELECT s.name, th.text, pa.name, g.name, mt.minutes, ab.name FROM theme th "
                + "JOIN person ab ON ab.id = th.added_by JOIN school s ON s.id = ab.school "
                + "LEFT JOIN peer_pair q ON q.id = th.peer LEFT JOIN person pa ON pa.id = q.a "
                + "LEFT JOIN supervision_group g ON g.id = th.group_id LEFT JOIN group_meeting mt ON mt.id = th.meeting",
            "SELECT s.name, th.text, p.name FROM theme_consent tc JOIN theme th ON th.id = tc.theme "
                + "JOIN person p ON p.id = tc.person JOIN school s ON s.id = p.school",
        ]

        /// The fingerprint lines of an SQLite file, as psql prints them (`|` between fields, NULL empty).
        static func lines(sqlite path: String) throws -> [String] {
            try DatabaseQueue(path: path).read { db in
                try fingerprints.flatMap { sql in
                    try GRDB.Row.fetchAll(db, sql: sql).map { row in
                        row.databaseValues.map { value -> String in
                            switch value.storage {
                            case .null: ""
                            case .int64(let v): "\(v)"
                            case .string(let v): v
                            case .double(let v): "\(v)"
                            case .blob: "blob"
                            }
                        }.joined(separator: "|")
                    }
                }.sorted()
            }
        }

        /// The fingerprint lines of the trust database's rows of the school named `school`.
        static func lines(_ server: PostgresTestServer, _ database: String, school: String) throws -> [String] {
            try fingerprints.flatMap { sql in
                try server.psql(database, sql).split(separator: "\n").map(String.init)
                    .filter { $0.hasPrefix(school + "|") }
            }.sorted()
        }

        static func count(_ server: PostgresTestServer, _ database: String, _ sql: String) throws -> String {
            try server.psql(database, sql).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @Test func twoSchoolsWithTheSameIds_moveIntoOneDatabase_everyReferenceToItsOwnSchoolsRow() throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let database = configuration.database
            let a = try Self.school("A", uids: 1000)
            let b = try Self.school("B", uids: 2000, extra: true)
            let aLines = try Self.lines(sqlite: a)
            let bLines = try Self.lines(sqlite: b)
            #expect(aLines.count > 40)
            #expect(aLines.contains("School A|Ada A|wait time A"))

            // The first school as it is (its ids are free), the second renumbered.
            _ = try SQLiteToPostgres.copy(sqlitePath: a, into: configuration)
            let refused = #expect(throws: SQLiteToPostgres.Refused.self) {
                try SQLiteToPostgres.copy(sqlitePath: b, into: configuration)
            }
            #expect(refused?.description.contains("--renumber") == true, "\(refused?.description ?? "")")
            let report = try SQLiteToPostgres.copy(sqlitePath: b, into: configuration, renumber: true)
            #expect(report.contains("every id renumbered"), "\(report)")
            #expect(report.contains("school 1 \"School B\" is now school 2"), "\(report)")
            #expect(report.contains("question: 0 ("), "\(report)")

            // Each school's rows point at that school's rows, as in its own file.
            #expect(try Self.lines(server, database, school: "School A") == aLines)
            #expect(try Self.lines(server, database, school: "School B") == bLines)
            // Nothing is duplicated or lost: two of each school row, the trust's rows matched.
            #expect(try Self.count(server, database, "SELECT count(*) FROM person") == "8")
            #expect(try Self.count(server, database, "SELECT count(*) FROM history") == "42")
            #expect(
                try Self.count(server, database, "SELECT string_agg(name, ',' ORDER BY name) FROM region")
                    == "North,South")
            #expect(try Self.count(server, database, "SELECT count(*) FROM period") == "2")
            #expect(
                try Self.count(server, database, "SELECT count(*) FROM question")
                    == "\(try Self.count(server, database, "SELECT count(DISTINCT (programme, phase, audience, text)) FROM question"))"
            )
            #expect(try Self.count(server, database, "SELECT count(*) FROM live_event") == "0")

            // The removed closure the history names took a fresh id nothing else has or will take.
            let gone = try Self.count(
                server, database,
                "SELECT h.subject FROM history h JOIN school s ON s.id = h.school "
                    + "WHERE s.name = 'School B' AND h.kind = 'calendar.closure_removed'")
            let goneID = try #require(Int64(gone), "\(gone)")
            #expect(try Self.count(server, database, "SELECT count(*) FROM closure WHERE id = \(goneID)") == "0")
            #expect(
                try Self.count(server, database, "SELECT nextval(pg_get_serial_sequence('closure', 'id')) > \(goneID)")
                    == "t")

            // The raised transitions' keys name the second school's new ids (the matched period, A's).
            func id(_ sql: String) throws -> String { try Self.count(server, database, sql) }
            let pair = try id("SELECT p.id FROM pair p JOIN person t ON t.id = p.teacher WHERE t.name = 'Ada B'")
            let second = try id("SELECT id FROM dropin WHERE notes = 'second visit B'")
            let first = try id("SELECT id FROM dropin WHERE notes = 'first visit B'")
            let peer = try id("SELECT q.id FROM peer_pair q JOIN person a ON a.id = q.a WHERE a.name = 'Lee B'")
            let period = try id("SELECT id FROM period WHERE name = 'Autumn 1'")
            let group = try id("SELECT id FROM supervision_group WHERE name = 'Group B'")
            #expect(pair != "1" && second != "2" && peer != "1" && group != "1")
            let keys = Set(try server.psql(database, "SELECT key FROM raised_transition").split(separator: "\n"))
            let expected: Set<Substring> = [
                "\(pair)/dropin/\(second)/2026-11-30/due", "\(pair)/followup/\(first)/2026-11-20/overdue",
                "\(pair)/dropin/0/2026-11-10/due", "session:\(peer):\(period):due",
                "supervision:\(group):Autumn: first half:overdue",
                "1/dropin/2/2026-11-30/due", "1/followup/1/2026-11-20/overdue", "1/dropin/0/2026-11-10/due",
                "session:1:1:due", "supervision:1:Autumn: first half:overdue",
            ]
            #expect(keys == expected)

            // New rows made after the move take ids past every school's.
            let next = try Self.count(
                server, database,
                "INSERT INTO pair (school, teacher, coach, created_at) "
                    + "SELECT school, coach, teacher, 1 FROM pair WHERE id = \(pair) RETURNING id")
            #expect(Int64(next) ?? 0 > Int64(pair) ?? .max)
        }

        @Test func theSameSchoolTwice_aUidAlreadyThere_orASchoolOfTheSameName_areRefusedWithNothingWritten() throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let database = configuration.database
            let a = try Self.school("A", uids: 1000)
            _ = try SQLiteToPostgres.copy(sqlitePath: a, into: configuration, renumber: true)
            let people = try Self.count(server, database, "SELECT count(*) FROM person")
            let history = try Self.count(server, database, "SELECT count(*) FROM history")

            func refusal(_ path: String) -> String {
                let error = #expect(throws: SQLiteToPostgres.Refused.self) {
                    try SQLiteToPostgres.copy(sqlitePath: path, into: configuration, renumber: true)
                }
                return error?.description ?? ""
            }
            let twice = refusal(a)
            #expect(twice.contains("already moved into \(database)"), "\(twice)")
            #expect(twice.contains("with --renumber"), "\(twice)")

            // Another school whose people have uids A's have: one account would be two people.
            let clashing = try Self.school("C", uids: 1002)
            let uids = refusal(clashing)
            #expect(uids.contains("nothing was copied"), "\(uids)")
            #expect(
                uids.contains("person 1 \"Ada C\" has uid 1003, which the trust database's person 3 \"Lee A\""),
                "\(uids)")
            #expect(uids.contains("person 2 \"Cy C\" has uid 1004"), "\(uids)")
            #expect(!uids.contains("\"Lee C\""), "\(uids)")

            // A school of a name the trust database has (in another case): the same school again?
            let named = try Self.school("D", uids: 4000, name: " school a")
            let same = refusal(named)
            #expect(same.contains("school 1 \" school a\": the trust database already has school 1"), "\(same)")

            #expect(try Self.count(server, database, "SELECT count(*) FROM person") == people)
            #expect(try Self.count(server, database, "SELECT count(*) FROM history") == history)
            #expect(try Self.count(server, database, "SELECT count(*) FROM school") == "1")
        }

        @Test func aHistoryKindOrTransitionKeyOfUnknownForm_isRefused() throws {
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            let path = try Self.school("E", uids: 5000)
            try DatabaseQueue(path: path).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO history (id, at, actor_uid, actor, school, kind, subject)
                        VALUES (100, 1, 5003, 3, 1, 'widget.added', 7);
                        INSERT INTO raised_transition (key, at) VALUES ('widget:7:due', 1);
                        """)
            }
            let error = #expect(throws: SQLiteToPostgres.Refused.self) {
                try SQLiteToPostgres.copy(sqlitePath: path, into: configuration, renumber: true)
            }
            let text = error?.description ?? ""
            #expect(
                text.contains("history: kinds this build does not know the subject of: \"widget.added\""), "\(text)")
            #expect(
                text.contains("raised_transition: keys of a form this build does not know: \"widget:7:due\""), "\(text)"
            )
            #expect(try Self.count(server, configuration.database, "SELECT count(*) FROM school") == "0")
        }

        /// The description's completeness against both schemas: a migration that adds a table or a
        /// column, or a foreign key, makes this fail until `SchemaReferences` says what it holds.
        @Test func theDescription_namesEveryTableAndColumn_andEveryForeignKey_ofBothSchemas() throws {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("coachd-schema-\(UUID().uuidString).sqlite").path
            do { _ = try SQLiteStore(path: path) }
            let described = Dictionary(uniqueKeysWithValues: SchemaReferences.tables.map { ($0.name, $0) })
            var sqliteColumns: [String: Set<String>] = [:]
            var sqliteForeignKeys: Set<String> = []
            try DatabaseQueue(path: path).read { db in
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                for table in tables {
                    sqliteColumns[table] = Set(
                        try GRDB.Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String })
                    for key in try GRDB.Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(table))") {
                        sqliteForeignKeys.insert("\(table).\(key["from"] as String)->\(key["table"] as String)")
                    }
                }
            }
            // Every table is described or named as not copied, and nothing else is described.
            let copied = Set(sqliteColumns.keys).subtracting(SchemaReferences.notCopied)
            #expect(copied == Set(described.keys))
            for table in copied {
                #expect(
                    Set(described[table]?.columns.keys.map { $0 } ?? []) == sqliteColumns[table],
                    "\(table): the description and the SQLite schema name different columns")
            }
            // Every foreign key is the reference it is.
            for key in sqliteForeignKeys {
                let (column, target) = (key.split(separator: "->")[0], String(key.split(separator: "->")[1]))
                let parts = column.split(separator: ".")
                let table = String(parts[0])
                guard !SchemaReferences.notCopied.contains(table) else { continue }
                #expect(described[table]?.columns[String(parts[1])] == .reference(target), "\(key)")
            }
            // A column that looks like an id (a table's name, `…_id`, `…_uid`, `subject`, `actor`) is
            // described as one, or says why not.
            let tableNames = Set(sqliteColumns.keys)
            for table in copied {
                for column in sqliteColumns[table] ?? [] {
                    let looksLikeAnID =
                        tableNames.contains(column) || column.hasSuffix("_id") || column.hasSuffix("_uid")
                        || ["subject", "actor", "key"].contains(column)
                    guard looksLikeAnID, described[table]?.columns[column] == .value else { continue }
                    #expect(
                        SchemaReferences.notIDs["\(table).\(column)"] != nil,
                        "\(table).\(column) looks like an id but is described as a plain value")
                }
            }
            // Every reference names a described table with an id; every matched table's columns exist.
            for table in SchemaReferences.tables {
                for case .reference(let target) in table.columns.values {
                    #expect(described[target]?.hasID == true, "\(table.name) refers to \(target)")
                }
                if case .matched(let columns) = table.rows {
                    #expect(Set(columns).isSubset(of: Set(table.columns.keys)))
                    #expect(!table.columns.values.contains { if case .reference = $0 { true } else { false } })
                }
            }
            for case .some(let subject) in SchemaReferences.historySubjects.values {
                #expect(described[subject]?.hasID == true, "history subject table \(subject)")
            }

            // The PostgreSQL schema's foreign keys, too (the move reads its tables from there).
            let server = try PostgresTestServer.shared.get()
            let configuration = try server.newDatabase()
            _ = try PostgresStore(configuration: configuration)
            let keys = try server.psql(
                configuration.database,
                """
                SELECT c.conrelid::regclass::text || '.' || a.attname || '->' || c.confrelid::regclass::text
                FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                WHERE c.contype = 'f'
                """
            ).split(separator: "\n")
            #expect(keys.count == sqliteForeignKeys.count)
            for key in keys {
                let column = key.split(separator: "->")[0].split(separator: ".")
                #expect(
                    described[String(column[0])]?.columns[String(column[1])]
                        == .reference(String(key.split(separator: "->")[1])), "\(key)")
            }
        }

        /// The key forms `remapTransitionKey` reads are the ones the domain writes.
        @Test func transitionKeys_ofEveryFormTheDomainWrites_areRemapped() throws {
            func shifted(_ key: String) -> String? {
                SchemaReferences.remapTransitionKey(key) { table, id in
                    ["pair": 100, "dropin": 200, "peer_pair": 300, "period": 400, "supervision_group": 500][table]! + id
                }
            }
            let day = try #require(LocalDate(year: 2026, month: 1, day: 5))
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func item(_ kind: DueKind, dropIn: Int64?, pair: Int64) -> DueItem {
                DueItem(kind: kind, pair: pair, school: 1, dropIn: dropIn, dueDate: day, dueAt: now, overdueAt: now)
            }
            let booked = Transition(kind: .overdue, item: item(.dropIn, dropIn: 9, pair: 7), at: now).key
            #expect(
                shifted(booked) == Transition(kind: .overdue, item: item(.dropIn, dropIn: 209, pair: 107), at: now).key)
            let toBook = Transition(kind: .due, item: item(.followUp, dropIn: nil, pair: 7), at: now).key
            #expect(
                shifted(toBook) == Transition(kind: .due, item: item(.followUp, dropIn: nil, pair: 107), at: now).key)
            func session(_ peer: Int64, _ period: Int64) -> [String] {
                SessionDue(
                    peer: peer, period: period, periodName: "P", dueDate: day, lastDay: day, dueAt: now, overdueAt: now,
                    done: false, since: now
                ).transitions.map(\.key)
            }
            #expect(session(3, 4).map(shifted) == session(303, 404))
            func supervision(_ group: Int64) -> [String] {
                SupervisionDue(
                    group: group, groupName: "G", term: "Spring: a/b", dueDate: day, lastDay: day, dueAt: now,
                    overdueAt: now, done: false, since: now
                ).transitions.map(\.key)
            }
            #expect(supervision(5).map(shifted) == supervision(505))
            #expect(shifted("session:3:due") == nil)
            #expect(shifted("7/dropin/x/2026-01-05/due") == nil)
            #expect(shifted("something else") == nil)
        }
    }
#endif
