import CoachDomain
import Foundation
import GRDB
import Testing

@testable import CoachStore

/// Upgrades from every schema the project has shipped: for each prefix of the migrations, a
/// database at that version with data in it is migrated to the current version and loses nothing.
@Suite("Schema migrations")
struct MigrationTests {
    /// Rows written the way each migration's schema stood when it shipped: raw SQL, frozen like the
    /// migration itself. A new migration needs its seed here (`everyMigration_hasASeed` fails).
    static let seeds: [String: String] = [
        "v1-core": """
        INSERT INTO school (id, name, time_zone, day_start, day_end) VALUES (1, 'Hill Primary', 'Europe/London', 510, 930);
        INSERT INTO closure (id, school, from_day, to_day, reason) VALUES (1, 1, 20770, 20774, 'half-term');
        INSERT INTO term (id, school, name, from_day, to_day) VALUES (1, 1, 'Autumn', 20700, 20800);
        INSERT INTO person (id, name, school, roles, uid, login) VALUES
            (1, 'Ada', 1, 'teacher', 2001, NULL), (2, 'Cy', 1, 'coach,lead', 2002, 'cy');
        INSERT INTO pair (id, school, teacher, coach, active, created_at) VALUES (1, 1, 1, 2, 1, 1795000000.5);
        INSERT INTO cycle (id, pair, focus, started_at) VALUES (1, 1, 'wait time: ünïcode ✓', 1795000100);
        INSERT INTO dropin (id, pair, coach, cycle, start, minutes, completed_at, notes)
            VALUES (1, 1, 2, 1, 1795003600, 15, 1795004600, 'notes, kept word for word');
        INSERT INTO followup (id, dropin, pair, completed_at, notes) VALUES (1, 1, 1, 1795010000, 'talked');
        INSERT INTO adaptation (id, pair, text, set_at, set_on, school_days, practise_until, closed_at, closed_on, outcome)
            VALUES (1, 1, 'pause five seconds', 1795010100, 20775, 5, 20782, NULL, NULL, NULL);
        INSERT INTO history (id, at, actor_uid, actor, school, pair, kind, subject)
            VALUES (1, 1795000000, 0, NULL, 1, 1, 'pair.created', 1);
        INSERT INTO raised_transition (key, at) VALUES ('1:dropin:due:20775', 1795000200);
        """,
        "v2-due-item": """
        INSERT INTO due_item (pair, school, kind, dropin, due_day, due_at, overdue_at, due_raised, overdue_raised, next_at)
            VALUES (1, 1, 'dropin', NULL, 20782, 1795600000, 1795650000, 1, 0, 1795650000);
        INSERT INTO store_meta (key, value) VALUES ('due_item.policy', 'seeded-policy');
        """,
        "v3-calendar-stamp": """
        INSERT INTO closure (id, school, from_day, to_day, reason) VALUES (2, 1, 20790, 20790, 'INSET day');
        """,
        "v4-school-year": """
        INSERT INTO dropin (id, pair, coach, cycle, start, minutes, completed_at, notes, cancelled_at, cancel_reason)
            VALUES (2, 1, 2, 1, 1795090000, 10, NULL, NULL, 1795080000, 'teacher ill');
        INSERT INTO dropin_move (id, dropin, from_start, from_minutes, to_start, to_minutes, at)
            VALUES (1, 2, 1795070000, 15, 1795090000, 10, 1795060000);
        INSERT INTO pair (id, school, teacher, coach, active, created_at, ended_at, end_reason)
            VALUES (2, 1, 1, 2, 0, 1795000000, 1795050000, 'left the school');
        INSERT INTO person (id, name, school, roles, uid, login, active, deactivated_at, deactivate_reason)
            VALUES (3, 'Di', 1, 'teacher', 2003, NULL, 0, 1795050000, 'left');
        """,
        "v5-calendar-source": """
        INSERT INTO closure (id, school, from_day, to_day, reason, source_feed, source_uid, source_recurrence)
            VALUES (3, 1, 20810, 20810, 'Christmas Day', 'govuk-bank-holidays:england-and-wales', '2026-12-25', NULL);
        INSERT INTO term (id, school, name, from_day, to_day, source_feed, source_uid, source_recurrence)
            VALUES (2, 1, 'Spring', 20830, 20900, 'ics:Hill terms', 'spring@hill', 20830);
        """,
        "v6-live-events": """
        INSERT INTO live_event (seq, at, kind, school, pair, teacher, coach, dropin, due)
            VALUES (1, 1795003600, 'dropin.booked', 1, 1, 1, 2, 1, NULL),
                   (2, 1795004000, 'due', 1, 1, 1, 2, 1, 'dropin'),
                   (3, 1795005000, 'calendar.changed', 1, NULL, NULL, NULL, NULL, NULL);
        INSERT INTO store_meta (key, value) VALUES ('live_event.pruned_through', '0');
        """,
        "v7-peer-programme": """
        INSERT INTO region (id, name) VALUES (1, 'North'), (2, 'South');
        UPDATE school SET region = 1 WHERE id = 1;
        INSERT INTO school (id, name, time_zone, day_start, day_end, region) VALUES (2, 'Dale', 'Europe/London', 510, 930, 2);
        INSERT INTO person (id, name, school, roles, uid, login, accredited_on) VALUES
            (4, 'Hal', 1, 'head', 2004, NULL, 20600), (5, 'Ira', 2, 'head', 2005, NULL, 20601);
        INSERT INTO period (id, name, term, from_day, to_day) VALUES (1, 'Autumn 1', 'Autumn 2026', 20700, 20750);
        INSERT INTO peer_pair (id, a, b, created_at, active) VALUES (1, 4, 5, 1795000000, 1);
        INSERT INTO peer_session (id, peer, start, minutes, mode, first_coach, notes, completed_at, cancelled_at)
            VALUES (1, 1, 1795100000, 120, 'video', 4, 'between the two heads', 1795110000, NULL);
        """,
        "v8-questions": """
        INSERT INTO question (id, programme, phase, audience, text)
            VALUES (1000, 'peer', 'next-step', 'learner', 'Who will I tell first? ✓');
        DELETE FROM question WHERE id = 1;
        """,
        "v9-peer-groups": """
        INSERT INTO person (id, name, school, roles, uid, login, accredited_on) VALUES
            (6, 'Jo', 1, 'head', 2006, NULL, NULL), (7, 'Kit', 1, 'head', 2007, NULL, NULL);
        INSERT INTO supervision_group (id, region, name, created_at, active) VALUES (1, 1, 'North heads', 1795000000, 1);
        INSERT INTO group_member (group_id, person) VALUES (1, 4), (1, 6), (1, 7);
        INSERT INTO group_meeting (id, group_id, start, minutes, completed_at) VALUES (1, 1, 1795100000, 90, 1795106000);
        INSERT INTO meeting_attendance (meeting, person) VALUES (1, 4), (1, 6);
        INSERT INTO agreement (id, peer, version, text, coach_expectations, learner_expectations, proposed_by, created_at, status)
            VALUES (1, 1, 1, 'we keep it between us ✓', 'challenge me', NULL, 4, 1795000000, 'active');
        INSERT INTO agreement_acceptance (agreement, person, at) VALUES (1, 4, 1795000000), (1, 5, 1795000100);
        INSERT INTO theme (id, peer, group_id, meeting, kind, text, added_by, added_at, added_on)
            VALUES (1, 1, NULL, NULL, 'theme', 'recruitment', 4, 1795110000, 20740),
                   (2, NULL, 1, 1, 'impact', 'fewer exclusions', 6, 1795110000, 20740);
        INSERT INTO theme_consent (theme, person, consent, at) VALUES (1, 4, 1, 1795110000), (1, 5, 0, 1795110000);
        """,
        "v10-peer-session-cancel": """
        INSERT INTO peer_session (id, peer, start, minutes, mode, first_coach, notes, completed_at, cancelled_at, cancel_reason)
            VALUES (2, 1, 1795200000, 120, 'phone', 5, NULL, NULL, 1795150000, 'an inspection ✓');
        INSERT INTO live_event (seq, at, kind, school, pair, teacher, coach, dropin, due, peer, session)
            VALUES (4, 1795150000, 'session.cancelled', 1, NULL, 4, 5, NULL, NULL, 1, 2);
        """,
        "v11-report-facts": """
        INSERT INTO report_fact (pair, school, calendar_stamp, policy, facts)
            VALUES (1, 1, 7, 'report-v1 followUp=2 practise=5 grace=0', x'01000000000000000000000000000000000000000000000000000000');
        INSERT OR IGNORE INTO report_stale (pair) VALUES (1);
        """,
    ]

    @Test func everyMigration_hasASeed() {
        for name in SQLiteStore.migrationNames {
            #expect(Self.seeds[name] != nil, "add a seed for migration \(name) to MigrationTests.seeds")
        }
    }

    @Test(arguments: 1...SQLiteStore.migrationNames.count)
    func databaseFromAnEarlierVersion_migratesToTheCurrentOne_withoutLoss(shipped: Int) async throws {
        let dir = try TemporaryDirectory()
        let names = Array(SQLiteStore.migrationNames.prefix(shipped))
        let before: [String: [Row]]
        do {
            let queue = try DatabaseQueue(path: dir.database)
            try SQLiteStore.migrator.migrate(queue, upTo: names.last!)
            let sql = try names.map { try #require(Self.seeds[$0]) }.joined(separator: "\n")
            try queue.inDatabase { db in try db.execute(sql: sql) }
            before = try queue.inDatabase { db in try Self.contents(db) }
            try queue.close()
        }
        let seeded = before.values.contains { !$0.isEmpty }
        #expect(seeded)

        let store = try SQLiteStore(path: dir.database)
        #expect(try await store.schemaVersion() == SQLiteStore.migrationNames.last)
        // Every row of every table that existed keeps every column it had, value for value.
        let after = try DatabaseQueue(path: dir.database).inDatabase { db in try Self.contents(db) }
        for (table, rows) in before {
            let migrated = try #require(after[table], "table \(table) disappeared")
            #expect(migrated.count == rows.count, "\(table): \(rows.count) rows before, \(migrated.count) after")
            for (old, new) in zip(rows, migrated) {
                for column in old.columnNames {
                    #expect(new[column] as DatabaseValue == old[column] as DatabaseValue, "\(table).\(column)")
                }
            }
        }
        // And the store reads the old data as the current code understands it.
        let pair = try #require(try await store.read { try $0.pair(1) })
        let state = try await store.read { try $0.pairState(pair) }
        #expect(state.focus?.focus == "wait time: ünïcode ✓")
        #expect(state.lastDropIn?.notes == "notes, kept word for word")
        #expect(state.lastDropInFollowedUp)
        #expect(state.activeAdaptation?.text == "pause five seconds")
        #expect(try await store.read { try $0.person(uid: 2002)?.roles } == [.coach, .lead])
        #expect(try await store.read { try $0.raisedTransitions() } == ["1:dropin:due:20775"])
    }

    @Test func emptyDatabase_migratesToTheCurrentVersion() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.database)
        #expect(try await store.schemaVersion() == SQLiteStore.migrationNames.last)
        #expect(try SQLiteStore.check(path: dir.database).problems.isEmpty)
    }

    /// Every user table's rows, in rowid order.
    static func contents(_ db: Database) throws -> [String: [Row]] {
        let tables = try String.fetchAll(
            db,
            sql:
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'"
        )
        var out: [String: [Row]] = [:]
        for table in tables {
            let withoutRowID =
                try Bool.fetchOne(
                    db, sql: "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?", arguments: [table])
                ?? false
            out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(withoutRowID ? "1" : "rowid")")
        }
        return out
    }
}
