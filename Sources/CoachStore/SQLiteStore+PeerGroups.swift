public import CoachDomain
public import Foundation
import GRDB

/// Supervision groups, learning agreements and shared themes (issue 14): reads.
public protocol PeerGroupReading {
    func supervisionGroup(_ id: Int64) throws -> SupervisionGroup?
    /// Active groups, optionally of one region, in id order.
    func supervisionGroups(region: Int64?) throws -> [SupervisionGroup]
    /// The active group a person belongs to, if any.
    func supervisionGroup(member person: Int64) throws -> Int64?
    func groupMeeting(_ id: Int64) throws -> GroupMeeting?
    /// A group's meetings, by start.
    func groupMeetings(group: Int64) throws -> [GroupMeeting]
    func agreement(_ id: Int64) throws -> Agreement?
    /// A peer pair's agreement versions, oldest first.
    func agreements(peer: Int64) throws -> [Agreement]
    func theme(_ id: Int64) throws -> Theme?
    /// Themes of a peer pair or of a group, in id order.
    func themes(peer: Int64?, group: Int64?) throws -> [Theme]
    /// Every theme, in id order (the trust lead's list filters them by consent).
    func allThemes() throws -> [Theme]
    /// Each consenter's latest word on a theme.
    func consents(theme: Int64) throws -> [Int64: Bool]
}

/// Supervision groups, learning agreements and shared themes: writes.
public protocol PeerGroupWriting: PeerGroupReading {
    func insert(_ group: SupervisionGroup) throws -> Int64
    func insert(_ meeting: GroupMeeting) throws -> Int64
    /// Marks a meeting completed with who attended.
    func completeMeeting(_ id: Int64, at: Date, attended: Set<Int64>) throws
    /// Adds an agreement version with its acceptances.
    func insert(_ agreement: Agreement) throws -> Int64
    func setAgreementStatus(_ id: Int64, _ status: AgreementStatus) throws
    func acceptAgreement(_ id: Int64, by person: Int64, at: Date) throws
    func insert(_ theme: Theme) throws -> Int64
    /// Records a person's consent (true) or withdrawal (false), replacing their earlier word.
    func setConsent(theme: Int64, person: Int64, consent: Bool, at: Date) throws
}

extension SQLiteStore {
    /// `v9-peer-groups`: supervision groups and their members, meetings and attendance, learning
    /// agreements (versions, each head's acceptance), themes and impacts and each consent to share.
    /// After `v7-peer-programme` (regions, peer pairs) and `v8-questions`.
    static func registerPeerGroupMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-peer-groups") { db in
            try db.execute(
                sql: """
                    CREATE TABLE supervision_group (
                        id INTEGER PRIMARY KEY,
                        region INTEGER NOT NULL REFERENCES region(id),
                        name TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        active INTEGER NOT NULL DEFAULT 1
                    );
                    CREATE INDEX supervision_group_region ON supervision_group(region);
                    CREATE TABLE group_member (
                        group_id INTEGER NOT NULL REFERENCES supervision_group(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        PRIMARY KEY (group_id, person)
                    ) WITHOUT ROWID;
                    CREATE INDEX group_member_person ON group_member(person);
                    CREATE TABLE group_meeting (
                        id INTEGER PRIMARY KEY,
                        group_id INTEGER NOT NULL REFERENCES supervision_group(id),
                        start REAL NOT NULL,
                        minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 480),
                        completed_at REAL
                    );
                    CREATE INDEX group_meeting_group ON group_meeting(group_id, start);
                    CREATE TABLE meeting_attendance (
                        meeting INTEGER NOT NULL REFERENCES group_meeting(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        PRIMARY KEY (meeting, person)
                    ) WITHOUT ROWID;
                    CREATE TABLE agreement (
                        id INTEGER PRIMARY KEY,
                        peer INTEGER NOT NULL REFERENCES peer_pair(id),
                        version INTEGER NOT NULL CHECK (version > 0),
                        text TEXT NOT NULL,
                        coach_expectations TEXT,
                        learner_expectations TEXT,
                        proposed_by INTEGER NOT NULL REFERENCES person(id),
                        created_at REAL NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'superseded')),
                        UNIQUE (peer, version)
                    );
                    CREATE UNIQUE INDEX agreement_one_active ON agreement(peer) WHERE status = 'active';
                    CREATE UNIQUE INDEX agreement_one_pending ON agreement(peer) WHERE status = 'pending';
                    CREATE TABLE agreement_acceptance (
                        agreement INTEGER NOT NULL REFERENCES agreement(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        at REAL NOT NULL,
                        PRIMARY KEY (agreement, person)
                    ) WITHOUT ROWID;
                    CREATE TABLE theme (
                        id INTEGER PRIMARY KEY,
                        peer INTEGER REFERENCES peer_pair(id),
                        group_id INTEGER REFERENCES supervision_group(id),
                        meeting INTEGER REFERENCES group_meeting(id),
                        kind TEXT NOT NULL CHECK (kind IN ('theme', 'impact')),
                        text TEXT NOT NULL,
                        added_by INTEGER NOT NULL REFERENCES person(id),
                        added_at REAL NOT NULL,
                        added_on INTEGER NOT NULL,
                        CHECK ((peer IS NULL) <> (group_id IS NULL)),
                        CHECK (group_id IS NULL OR meeting IS NOT NULL)
                    );
                    CREATE INDEX theme_peer ON theme(peer);
                    CREATE INDEX theme_group ON theme(group_id);
                    CREATE TABLE theme_consent (
                        theme INTEGER NOT NULL REFERENCES theme(id),
                        person INTEGER NOT NULL REFERENCES person(id),
                        consent INTEGER NOT NULL,
                        at REAL NOT NULL,
                        PRIMARY KEY (theme, person)
                    ) WITHOUT ROWID;
                    """)
        }
    }
}

extension SQLiteAccess: PeerGroupWriting {
    func supervisionGroup(_ id: Int64) throws -> SupervisionGroup? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM supervision_group WHERE id = ?"), arguments: [id])
        else { return nil }
        return try group(row)
    }

    func supervisionGroups(region: Int64?) throws -> [SupervisionGroup] {
        let rows =
            if let region {
                try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM supervision_group WHERE active AND region = ? ORDER BY id"),
                    arguments: [region])
            } else {
                try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM supervision_group WHERE active ORDER BY id"))
            }
        return try rows.map(group)
    }

    func supervisionGroup(member person: Int64) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT g.id FROM group_member m JOIN supervision_group g ON g.id = m.group_id
                    WHERE m.person = ? AND g.active ORDER BY g.id LIMIT 1
                    """), arguments: [person])
    }

    private func group(_ row: Row) throws -> SupervisionGroup {
        let id: Int64 = row["id"]
        let members = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT person FROM group_member WHERE group_id = ? ORDER BY person"),
            arguments: [id])
        return SupervisionGroup(
            id: id, region: row["region"], name: row["name"], members: members,
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    func groupMeeting(_ id: Int64) throws -> GroupMeeting? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM group_meeting WHERE id = ?"), arguments: [id])
            .map(meeting)
    }

    func groupMeetings(group: Int64) throws -> [GroupMeeting] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM group_meeting WHERE group_id = ? ORDER BY start, id"),
            arguments: [group]
        ).map(meeting)
    }

    private func meeting(_ row: Row) throws -> GroupMeeting {
        let id: Int64 = row["id"]
        let attended = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT person FROM meeting_attendance WHERE meeting = ?"), arguments: [id])
        let completed: Double? = row["completed_at"]
        return GroupMeeting(
            id: id, group: row["group_id"], start: Date(timeIntervalSince1970: row["start"]), minutes: row["minutes"],
            completedAt: completed.map(Date.init(timeIntervalSince1970:)), attended: Set(attended))
    }

    func agreement(_ id: Int64) throws -> Agreement? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM agreement WHERE id = ?"), arguments: [id])
            .map(agreement)
    }

    func agreements(peer: Int64) throws -> [Agreement] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM agreement WHERE peer = ? ORDER BY version"), arguments: [peer]
        ).map(agreement)
    }

    private func agreement(_ row: Row) throws -> Agreement {
        let id: Int64 = row["id"]
        var acceptances: [Int64: Date] = [:]
        for accepted in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT person, at FROM agreement_acceptance WHERE agreement = ?"), arguments: [id])
        {
            acceptances[accepted["person"]] = Date(timeIntervalSince1970: accepted["at"])
        }
        return Agreement(
            id: id, peer: row["peer"], version: row["version"], text: row["text"],
            coachExpectations: row["coach_expectations"], learnerExpectations: row["learner_expectations"],
            proposedBy: row["proposed_by"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            status: AgreementStatus(rawValue: row["status"]) ?? .superseded, acceptances: acceptances)
    }

    func theme(_ id: Int64) throws -> Theme? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM theme WHERE id = ?"), arguments: [id]).map(Self.theme)
    }

    func themes(peer: Int64?, group: Int64?) throws -> [Theme] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM theme WHERE peer IS ? AND group_id IS ? ORDER BY id"),
            arguments: [peer, group]
        ).map(Self.theme)
    }

    func allThemes() throws -> [Theme] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM theme ORDER BY id")).map(Self.theme)
    }

    static func theme(_ row: Row) -> Theme {
        Theme(
            id: row["id"], peer: row["peer"], group: row["group_id"], meeting: row["meeting"],
            kind: ThemeKind(rawValue: row["kind"]) ?? .theme, text: row["text"], addedBy: row["added_by"],
            addedAt: Date(timeIntervalSince1970: row["added_at"]), addedOn: LocalDate(dayNumber: row["added_on"]))
    }

    func consents(theme: Int64) throws -> [Int64: Bool] {
        var consents: [Int64: Bool] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT person, consent FROM theme_consent WHERE theme = ?"), arguments: [theme])
        {
            consents[row["person"]] = row["consent"]
        }
        return consents
    }

    func insert(_ group: SupervisionGroup) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO supervision_group (region, name, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [group.region, group.name, group.createdAt.timeIntervalSince1970])
        let id = db.lastInsertedRowID
        for person in group.members {
            try db.cachedStatement(sql: "INSERT INTO group_member (group_id, person) VALUES (?, ?)")
                .execute(arguments: [id, person])
        }
        return id
    }

    func insert(_ meeting: GroupMeeting) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO group_meeting (group_id, start, minutes) VALUES (?, ?, ?)")
            .execute(arguments: [meeting.group, meeting.start.timeIntervalSince1970, meeting.minutes])
        return db.lastInsertedRowID
    }

    func completeMeeting(_ id: Int64, at: Date, attended: Set<Int64>) throws {
        try db.cachedStatement(sql: "UPDATE group_meeting SET completed_at = ? WHERE id = ?")
            .execute(arguments: [at.timeIntervalSince1970, id])
        for person in attended.sorted() {
            try db.cachedStatement(sql: "INSERT INTO meeting_attendance (meeting, person) VALUES (?, ?)")
                .execute(arguments: [id, person])
        }
    }

    func insert(_ agreement: Agreement) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO agreement (peer, version, text, coach_expectations, learner_expectations, proposed_by,
                    created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            agreement.peer, agreement.version, agreement.text, agreement.coachExpectations,
            agreement.learnerExpectations, agreement.proposedBy, agreement.createdAt.timeIntervalSince1970,
            agreement.status.rawValue,
        ])
        let id = db.lastInsertedRowID
        for (person, at) in agreement.acceptances.sorted(by: { $0.key < $1.key }) {
            try acceptAgreement(id, by: person, at: at)
        }
        return id
    }

    func setAgreementStatus(_ id: Int64, _ status: AgreementStatus) throws {
        try db.cachedStatement(sql: "UPDATE agreement SET status = ? WHERE id = ?")
            .execute(arguments: [status.rawValue, id])
    }

    func acceptAgreement(_ id: Int64, by person: Int64, at: Date) throws {
        try db.cachedStatement(sql: "INSERT INTO agreement_acceptance (agreement, person, at) VALUES (?, ?, ?)")
            .execute(arguments: [id, person, at.timeIntervalSince1970])
    }

    func insert(_ theme: Theme) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO theme (peer, group_id, meeting, kind, text, added_by, added_at, added_on)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            theme.peer, theme.group, theme.meeting, theme.kind.rawValue, theme.text, theme.addedBy,
            theme.addedAt.timeIntervalSince1970, theme.addedOn.dayNumber,
        ])
        return db.lastInsertedRowID
    }

    func setConsent(theme: Int64, person: Int64, consent: Bool, at: Date) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO theme_consent (theme, person, consent, at) VALUES (?, ?, ?, ?)
                ON CONFLICT (theme, person) DO UPDATE SET consent = excluded.consent, at = excluded.at
                """
        ).execute(arguments: [theme, person, consent, at.timeIntervalSince1970])
    }
}
