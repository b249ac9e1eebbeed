import GRDB

extension SQLiteStore {
    /// The schema, as named, ordered migrations. Trust SQLite: NOT NULL, CHECK, foreign keys,
    /// a partial unique index for "one active adaptation per pair", triggers for append-only history.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(
                sql: """
                    CREATE TABLE school (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        time_zone TEXT NOT NULL,
                        day_start INTEGER NOT NULL,
                        day_end INTEGER NOT NULL,
                        CHECK (day_start < day_end)
                    );
                    CREATE TABLE closure (
                        id INTEGER PRIMARY KEY,
                        school INTEGER NOT NULL REFERENCES school(id),
                        from_day INTEGER NOT NULL,
                        to_day INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        CHECK (from_day <= to_day)
                    );
                    CREATE INDEX closure_school ON closure(school);
                    CREATE TABLE term (
                        id INTEGER PRIMARY KEY,
                        school INTEGER NOT NULL REFERENCES school(id),
                        name TEXT NOT NULL,
                        from_day INTEGER NOT NULL,
                        to_day INTEGER NOT NULL,
                        CHECK (from_day <= to_day)
                    );
                    CREATE INDEX term_school ON term(school);
                    CREATE TABLE person (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        school INTEGER NOT NULL REFERENCES school(id),
                        roles TEXT NOT NULL,
                        uid INTEGER UNIQUE,
                        login TEXT
                    );
                    CREATE INDEX person_school ON person(school);
                    CREATE TABLE pair (
                        id INTEGER PRIMARY KEY,
                        school INTEGER NOT NULL REFERENCES school(id),
                        teacher INTEGER NOT NULL REFERENCES person(id),
                        coach INTEGER NOT NULL REFERENCES person(id),
                        active INTEGER NOT NULL DEFAULT 1,
                        created_at REAL NOT NULL,
                        CHECK (teacher <> coach)
                    );
                    CREATE UNIQUE INDEX pair_one_active ON pair(teacher, coach) WHERE active;
                    CREATE INDEX pair_school ON pair(school);
                    CREATE INDEX pair_coach ON pair(coach);
                    CREATE TABLE cycle (
                        id INTEGER PRIMARY KEY,
                        pair INTEGER NOT NULL REFERENCES pair(id),
                        focus TEXT NOT NULL,
                        started_at REAL NOT NULL
                    );
                    CREATE INDEX cycle_pair ON cycle(pair, id);
                    CREATE TABLE dropin (
                        id INTEGER PRIMARY KEY,
                        pair INTEGER NOT NULL REFERENCES pair(id),
                        coach INTEGER NOT NULL REFERENCES person(id),
                        cycle INTEGER REFERENCES cycle(id),
                        start REAL NOT NULL,
                        minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 60),
                        completed_at REAL,
                        notes TEXT
                    );
                    CREATE INDEX dropin_pair ON dropin(pair, id);
                    CREATE INDEX dropin_coach_start ON dropin(coach, start);
                    CREATE TABLE followup (
                        id INTEGER PRIMARY KEY,
                        dropin INTEGER NOT NULL UNIQUE REFERENCES dropin(id),
                        pair INTEGER NOT NULL REFERENCES pair(id),
                        completed_at REAL NOT NULL,
                        notes TEXT
                    );
                    CREATE INDEX followup_pair ON followup(pair, id);
                    CREATE TABLE adaptation (
                        id INTEGER PRIMARY KEY,
                        pair INTEGER NOT NULL REFERENCES pair(id),
                        text TEXT NOT NULL,
                        set_at REAL NOT NULL,
                        set_on INTEGER NOT NULL,
                        school_days INTEGER NOT NULL CHECK (school_days > 0),
                        practise_until INTEGER NOT NULL,
                        closed_at REAL,
                        closed_on INTEGER,
                        outcome TEXT CHECK (outcome IN ('embedded', 'continuing', 'dropped'))
                    );
                    CREATE UNIQUE INDEX adaptation_one_active ON adaptation(pair) WHERE outcome IS NULL;
                    CREATE INDEX adaptation_pair ON adaptation(pair, id);
                    CREATE TABLE history (
                        id INTEGER PRIMARY KEY,
                        at REAL NOT NULL,
                        actor_uid INTEGER NOT NULL,
                        actor INTEGER,
                        school INTEGER,
                        pair INTEGER,
                        kind TEXT NOT NULL,
                        subject INTEGER
                    );
                    CREATE INDEX history_pair ON history(pair, id);
                    CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
                    CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
                    CREATE TABLE raised_transition (
                        key TEXT PRIMARY KEY,
                        at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // Each active pair's next due item, kept in the same transaction as the change that moves it,
        // so start-up reads the next transition time instead of recomputing every pair (B5), and
        // due.list reads the items of one school by index (B4). Filled by `rebuildDueItems` on the
        // first start after this migration, and again whenever the cycle policy changes.
        migrator.registerMigration("v2-due-item") { db in
            try db.execute(
                sql: """
                    CREATE TABLE due_item (
                        pair INTEGER PRIMARY KEY REFERENCES pair(id),
                        school INTEGER NOT NULL REFERENCES school(id),
                        kind TEXT NOT NULL CHECK (kind IN ('dropin', 'followup')),
                        dropin INTEGER,
                        due_day INTEGER NOT NULL,
                        due_at REAL NOT NULL,
                        overdue_at REAL NOT NULL,
                        due_raised INTEGER NOT NULL DEFAULT 0,
                        overdue_raised INTEGER NOT NULL DEFAULT 0,
                        next_at REAL,
                        CHECK (due_at <= overdue_at)
                    );
                    CREATE INDEX due_item_next ON due_item(next_at);
                    CREATE INDEX due_item_school ON due_item(school, due_at);
                    CREATE INDEX due_item_overdue ON due_item(overdue_at);
                    CREATE INDEX due_item_day ON due_item(due_day);
                    CREATE INDEX pair_teacher ON pair(teacher);
                    CREATE TABLE store_meta (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // A random stamp per school, set by triggers whenever its hours, terms or closures change:
        // the calendar cache (`SQLiteAccess.calendar`) reuses a school's calendar while the stamp is
        // unchanged, so a write no longer reads every closure and term of the school (B6).
        migrator.registerMigration("v3-calendar-stamp") { db in
            try db.execute(
                sql: """
                    ALTER TABLE school ADD COLUMN calendar_stamp INTEGER NOT NULL DEFAULT 0;
                    UPDATE school SET calendar_stamp = random();
                    CREATE TRIGGER school_stamp_insert AFTER INSERT ON school BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id = NEW.id; END;
                    CREATE TRIGGER school_stamp_update AFTER UPDATE OF time_zone, day_start, day_end ON school BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id = NEW.id; END;
                    CREATE TRIGGER closure_stamp_insert AFTER INSERT ON closure BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id = NEW.school; END;
                    CREATE TRIGGER closure_stamp_update AFTER UPDATE ON closure BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id IN (OLD.school, NEW.school); END;
                    CREATE TRIGGER closure_stamp_delete AFTER DELETE ON closure BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id = OLD.school; END;
                    CREATE TRIGGER term_stamp_insert AFTER INSERT ON term BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id = NEW.school; END;
                    CREATE TRIGGER term_stamp_update AFTER UPDATE ON term BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id IN (OLD.school, NEW.school); END;
                    CREATE TRIGGER term_stamp_delete AFTER DELETE ON term BEGIN
                        UPDATE school SET calendar_stamp = random() WHERE id = OLD.school; END;
                    """)
        }
        // The school year as it really goes (issue 11): drop-ins are cancelled or moved (the old
        // times kept in `dropin_move`), pairs end and people are deactivated with a reason; rows
        // stay, so the record keeps everything that happened.
        migrator.registerMigration("v4-school-year") { db in
            try db.execute(
                sql: """
                    ALTER TABLE dropin ADD COLUMN cancelled_at REAL;
                    ALTER TABLE dropin ADD COLUMN cancel_reason TEXT;
                    CREATE INDEX dropin_pair_live ON dropin(pair, id) WHERE cancelled_at IS NULL;
                    CREATE TABLE dropin_move (
                        id INTEGER PRIMARY KEY,
                        dropin INTEGER NOT NULL REFERENCES dropin(id),
                        from_start REAL NOT NULL,
                        from_minutes INTEGER NOT NULL,
                        to_start REAL NOT NULL,
                        to_minutes INTEGER NOT NULL,
                        at REAL NOT NULL
                    );
                    CREATE INDEX dropin_move_dropin ON dropin_move(dropin, id);
                    ALTER TABLE pair ADD COLUMN ended_at REAL;
                    ALTER TABLE pair ADD COLUMN end_reason TEXT;
                    ALTER TABLE person ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE person ADD COLUMN deactivated_at REAL;
                    ALTER TABLE person ADD COLUMN deactivate_reason TEXT;
                    """)
        }
        // Calendars in and out (issue 13): an imported closure or term remembers its feed, the event's
        // UID and (for a yearly rule) the occurrence, so a second import updates it and `prune` finds
        // what a feed dropped; each installation gets a random id for the UIDs of exported events.
        migrator.registerMigration("v5-calendar-source") { db in
            try db.execute(
                sql: """
                    ALTER TABLE closure ADD COLUMN source_feed TEXT;
                    ALTER TABLE closure ADD COLUMN source_uid TEXT;
                    ALTER TABLE closure ADD COLUMN source_recurrence INTEGER;
                    ALTER TABLE term ADD COLUMN source_feed TEXT;
                    ALTER TABLE term ADD COLUMN source_uid TEXT;
                    ALTER TABLE term ADD COLUMN source_recurrence INTEGER;
                    CREATE TABLE installation (id INTEGER PRIMARY KEY CHECK (id = 1), uid_domain TEXT NOT NULL);
                    INSERT INTO installation (id, uid_domain) VALUES (1, lower(hex(randomblob(8))));
                    """)
        }
        // Live events (issue 12), recorded in the transaction of the change they tell of, so a client
        // reconnecting with `since` gets each one it missed exactly once, across restarts too.
        // AUTOINCREMENT: a seq is never reused, even once pruned.
        migrator.registerMigration("v6-live-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE live_event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        kind TEXT NOT NULL,
                        school INTEGER NOT NULL,
                        pair INTEGER,
                        teacher INTEGER,
                        coach INTEGER,
                        dropin INTEGER,
                        due TEXT CHECK (due IN ('dropin', 'followup'))
                    );
                    CREATE INDEX live_event_at ON live_event(at);
                    """)
        }
        // The heads' peer programme (issue 14): the trust's regions, a school's region, a person's
        // accreditation, the programme's periods (half-terms, never overlapping: checked in the
        // domain, in the transaction that adds one), peer pairs of two heads and their sessions.
        // Groups, agreements and themes come in later migrations (v8-questions, v9-peer-groups).
        migrator.registerMigration("v7-peer-programme") { db in
            try db.execute(
                sql: """
                    CREATE TABLE region (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE
                    );
                    ALTER TABLE school ADD COLUMN region INTEGER REFERENCES region(id);
                    CREATE INDEX school_region ON school(region);
                    ALTER TABLE person ADD COLUMN accredited_on INTEGER;
                    CREATE TABLE period (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        term TEXT NOT NULL,
                        from_day INTEGER NOT NULL,
                        to_day INTEGER NOT NULL,
                        CHECK (from_day <= to_day)
                    );
                    CREATE INDEX period_from ON period(from_day);
                    CREATE TABLE peer_pair (
                        id INTEGER PRIMARY KEY,
                        a INTEGER NOT NULL REFERENCES person(id),
                        b INTEGER NOT NULL REFERENCES person(id),
                        created_at REAL NOT NULL,
                        active INTEGER NOT NULL DEFAULT 1,
                        CHECK (a <> b)
                    );
                    CREATE UNIQUE INDEX peer_pair_one_active ON peer_pair(min(a, b), max(a, b)) WHERE active;
                    CREATE INDEX peer_pair_a ON peer_pair(a);
                    CREATE INDEX peer_pair_b ON peer_pair(b);
                    CREATE TABLE peer_session (
                        id INTEGER PRIMARY KEY,
                        peer INTEGER NOT NULL REFERENCES peer_pair(id),
                        start REAL NOT NULL,
                        minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 480),
                        mode TEXT NOT NULL CHECK (mode IN ('inPerson', 'video', 'phone')),
                        first_coach INTEGER NOT NULL REFERENCES person(id),
                        notes TEXT,
                        completed_at REAL,
                        cancelled_at REAL
                    );
                    CREATE INDEX peer_session_peer ON peer_session(peer, start);
                    """)
        }
        // Issue 14: the questioning frameworks (SQLiteStore+Questions.swift).
        registerQuestionMigration(&migrator)
        // Issue 14: supervision groups, agreements, themes (SQLiteStore+PeerGroups.swift).
        registerPeerGroupMigration(&migrator)
        // Issue 14: why a peer session was cancelled (`sessions.cancel`, API level 13), confidential
        // to the pair's two heads like its notes; live events of peer sessions (their pair and session).
        migrator.registerMigration("v10-peer-session-cancel") { db in
            try db.execute(
                sql: """
                    ALTER TABLE peer_session ADD COLUMN cancel_reason TEXT;
                    ALTER TABLE live_event ADD COLUMN peer INTEGER;
                    ALTER TABLE live_event ADD COLUMN session INTEGER;
                    """)
        }
        // Report facts kept per pair (issue 12, B14): `report_fact` holds each pair's facts
        // (`ReportFacts.encoded`) with the calendar stamp and policy they were counted under;
        // `report_stale` lists the pairs whose facts need counting again. Triggers fill it on every
        // change a report counts (a pair's rows, the pair, its school's calendar), so no write path can
        // forget; a reader uses a pair's facts only when it is not listed and both stamps match.
        migrator.registerMigration("v11-report-facts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE report_fact (
                        pair INTEGER PRIMARY KEY,
                        school INTEGER NOT NULL,
                        calendar_stamp INTEGER NOT NULL,
                        policy TEXT NOT NULL,
                        facts BLOB NOT NULL
                    );
                    CREATE INDEX report_fact_school ON report_fact(school);
                    CREATE TABLE report_stale (pair INTEGER PRIMARY KEY);
                    INSERT INTO report_stale (pair) SELECT id FROM pair;
                    CREATE TRIGGER report_stale_pair_insert AFTER INSERT ON pair BEGIN
                        INSERT OR IGNORE INTO report_stale (pair) VALUES (NEW.id); END;
                    CREATE TRIGGER report_stale_pair_update AFTER UPDATE ON pair BEGIN
                        INSERT OR IGNORE INTO report_stale (pair) VALUES (NEW.id); END;
                    CREATE TRIGGER report_stale_school AFTER UPDATE OF calendar_stamp ON school
                        WHEN OLD.calendar_stamp IS NOT NEW.calendar_stamp BEGIN
                        INSERT OR IGNORE INTO report_stale (pair) SELECT id FROM pair WHERE school = NEW.id; END;

                    """
                        + ["dropin", "followup", "adaptation", "cycle"].map { table in
                            """
                            CREATE TRIGGER report_stale_\(table)_insert AFTER INSERT ON \(table) BEGIN
                                INSERT OR IGNORE INTO report_stale (pair) VALUES (NEW.pair); END;
                            CREATE TRIGGER report_stale_\(table)_update AFTER UPDATE ON \(table) BEGIN
                                INSERT OR IGNORE INTO report_stale (pair) VALUES (OLD.pair), (NEW.pair); END;
                            CREATE TRIGGER report_stale_\(table)_delete AFTER DELETE ON \(table) BEGIN
                                INSERT OR IGNORE INTO report_stale (pair) VALUES (OLD.pair); END;

                            """
                        }.joined())
        }
        return migrator
    }()
}
