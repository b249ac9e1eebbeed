// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    import CoachStore
    import Foundation

    // The question bank, supervision groups, agreements and themes (issue 14): the queries of
    // SQLiteStore+Questions.swift and SQLiteStore+PeerGroups.swift, in PostgreSQL's dialect.

    extension PostgresAccess: QuestionWriting {
        func questions() throws -> [Question] {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM question ORDER BY id")).compactMap(Self.question)
        }

        func question(_ id: Int64) throws -> Question? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM question WHERE id = ?"), arguments: [id])
                .flatMap(Self.question)
        }

        func insert(_ question: Question) throws -> Int64 {
            try Self.insertQuestion(question, db)
        }

        func deleteQuestion(_ id: Int64) throws -> Bool {
            try db.cachedStatement(sql: "DELETE FROM question WHERE id = ?").execute(arguments: [id])
            return db.changesCount > 0
        }

        static func insertQuestion(_ question: Question, _ db: Database) throws -> Int64 {
            try db.cachedStatement(sql: "INSERT INTO question (programme, phase, audience, text) VALUES (?, ?, ?, ?)")
                .execute(arguments: [
                    question.programme.rawValue, question.phase.rawValue, question.audience.rawValue, question.text,
                ])
            return db.lastInsertedRowID
        }

        /// A row as a question (the CHECKs keep every row readable; one that is not is left out).
        static func question(_ row: Row) -> Question? {
            guard let phase = Question.Phase(rawValue: row["phase"]),
                let audience = Question.Audience(rawValue: row["audience"]),
                let programme = Question.Programme(rawValue: row["programme"])
            else { return nil }
            return Question(id: row["id"], phase: phase, audience: audience, programme: programme, text: row["text"])
        }
    }

    extension PostgresAccess: PeerGroupWriting {
        func supervisionGroup(_ id: Int64) throws -> SupervisionGroup? {
            guard
                let row = try Row.fetchOne(
                    try db.cachedStatement(sql: "SELECT * FROM supervision_group WHERE id = ?"), arguments: [id])
            else { return nil }
            return try group(row)
        }

        func supervisionGroups(region: Int64?) throws -> [SupervisionGroup] {
            let rows =
                if let region {
                    try Row.fetchAll(
                        try db.cachedStatement(
                            sql: "SELECT * FROM supervision_group WHERE active AND region = ? ORDER BY id"),
                        arguments: [region])
                } else {
                    try Row.fetchAll(
                        db.cachedStatement(sql: "SELECT * FROM supervision_group WHERE active ORDER BY id"))
                }
            return try rows.map(group)
        }

        func supervisionGroup(member person: Int64) throws -> Int64? {
            try Int64.fetchOne(
                try db.cachedStatement(
                    sql: """
                        SELECT g.id FROM group_member m JOIN supervision_group g ON g.id = m.group_id
                        WHERE m.person = ? AND g.active ORDER BY g.id LIMIT 1
                        """), arguments: [person])
        }

        private func group(_ row: Row) throws -> SupervisionGroup {
            let id: Int64 = row["id"]
            let members = try Int64.fetchAll(
                try db.cachedStatement(sql: "SELECT person FROM group_member WHERE group_id = ? ORDER BY person"),
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
                try db.cachedStatement(sql: "SELECT * FROM group_meeting WHERE group_id = ? ORDER BY start, id"),
                arguments: [group]
            ).map(meeting)
        }

        private func meeting(_ row: Row) throws -> GroupMeeting {
            let id: Int64 = row["id"]
            let attended = try Int64.fetchAll(
                try db.cachedStatement(sql: "SELECT person FROM meeting_attendance WHERE meeting = ?"), arguments: [id])
            let completed: Double? = row["completed_at"]
            return GroupMeeting(
                id: id, group: row["group_id"], start: Date(timeIntervalSince1970: row["start"]),
                minutes: row["minutes"],
                completedAt: completed.map(Date.init(timeIntervalSince1970:)), attended: Set(attended))
        }

        func agreement(_ id: Int64) throws -> Agreement? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM agreement WHERE id = ?"), arguments: [id])
                .map(agreement)
        }

        func agreements(peer: Int64) throws -> [Agreement] {
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM agreement WHERE peer = ? ORDER BY version"),
                arguments: [peer]
            ).map(agreement)
        }

        private func agreement(_ row: Row) throws -> Agreement {
            let id: Int64 = row["id"]
            var acceptances: [Int64: Date] = [:]
            for accepted in try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT person, at FROM agreement_acceptance WHERE agreement = ?"),
                arguments: [id])
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
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM theme WHERE id = ?"), arguments: [id]).map(
                Self.theme)
        }

        func themes(peer: Int64?, group: Int64?) throws -> [Theme] {
            try Row.fetchAll(
                try db.cachedStatement(
                    sql:
                        "SELECT * FROM theme WHERE peer IS NOT DISTINCT FROM ? AND group_id IS NOT DISTINCT FROM ? ORDER BY id"
                ),
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
                try db.cachedStatement(sql: "SELECT person, consent FROM theme_consent WHERE theme = ?"),
                arguments: [theme]
            ) {
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
#endif
