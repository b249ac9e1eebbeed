// Built with the PostgreSQL trait only (the default; `--disable-default-traits` leaves it out).
#if PostgreSQL
    import CoachDomain
    import CoachStore
    import Foundation

    /// The peer programme's rows (issue 14, migration `v7-peer-programme`).
    extension PostgresAccess {
        func region(_ id: Int64) throws -> Region? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM region WHERE id = ?"), arguments: [id]).map(
                Self.region)
        }

        func region(named name: String) throws -> Region? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM region WHERE name = ?"), arguments: [name]).map(
                Self.region)
        }

        func regions() throws -> [Region] {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM region ORDER BY name, id")).map(Self.region)
        }

        func periods() throws -> [Period] {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM period ORDER BY from_day, id")).compactMap { row in
                DateRange(from: LocalDate(dayNumber: row["from_day"]), to: LocalDate(dayNumber: row["to_day"])).map {
                    Period(id: row["id"], name: row["name"], term: row["term"], range: $0)
                }
            }
        }

        func peerPair(_ id: Int64) throws -> PeerPair? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM peer_pair WHERE id = ?"), arguments: [id]).map(
                Self.peerPair)
        }

        func peerPairs(person: Int64?) throws -> [PeerPair] {
            if let person {
                return try Row.fetchAll(
                    try db.cachedStatement(sql: "SELECT * FROM peer_pair WHERE a = ? OR b = ? ORDER BY id"),
                    arguments: [person, person]
                ).map(Self.peerPair)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM peer_pair ORDER BY id")).map(Self.peerPair)
        }

        func activePeerPair(_ a: Int64, _ b: Int64) throws -> PeerPair? {
            try Row.fetchOne(
                try db.cachedStatement(
                    sql: "SELECT * FROM peer_pair WHERE active AND ((a = ? AND b = ?) OR (a = ? AND b = ?))"),
                arguments: [a, b, b, a]
            ).map(Self.peerPair)
        }

        func peerSession(_ id: Int64) throws -> PeerSession? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM peer_session WHERE id = ?"), arguments: [id]).map(
                Self.peerSession)
        }

        func peerSessions(peer: Int64) throws -> [PeerSession] {
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM peer_session WHERE peer = ? ORDER BY start, id"),
                arguments: [peer]
            ).map(Self.peerSession)
        }

        func insert(_ region: Region) throws -> Int64 {
            try db.cachedStatement(sql: "INSERT INTO region (name) VALUES (?)").execute(arguments: [region.name])
            return db.lastInsertedRowID
        }

        func setRegion(school: Int64, region: Int64?) throws {
            try db.cachedStatement(sql: "UPDATE school SET region = ? WHERE id = ?").execute(arguments: [
                region, school,
            ])
        }

        func setAccredited(person: Int64, on day: LocalDate?) throws {
            try db.cachedStatement(sql: "UPDATE person SET accredited_on = ? WHERE id = ?").execute(arguments: [
                day?.dayNumber, person,
            ])
        }

        func insert(_ period: Period) throws -> Int64 {
            try db.cachedStatement(sql: "INSERT INTO period (name, term, from_day, to_day) VALUES (?, ?, ?, ?)")
                .execute(
                    arguments: [period.name, period.term, period.range.from.dayNumber, period.range.to.dayNumber])
            return db.lastInsertedRowID
        }

        func insert(_ pair: PeerPair) throws -> Int64 {
            try db.cachedStatement(sql: "INSERT INTO peer_pair (a, b, created_at, active) VALUES (?, ?, ?, ?)").execute(
                arguments: [pair.a, pair.b, pair.createdAt.timeIntervalSince1970, pair.active])
            return db.lastInsertedRowID
        }

        func insert(_ session: PeerSession) throws -> Int64 {
            try db.cachedStatement(
                sql:
                    "INSERT INTO peer_session (peer, start, minutes, mode, first_coach, notes, completed_at, cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [
                session.peer, session.start.timeIntervalSince1970, session.minutes, session.mode.rawValue,
                session.firstCoach, session.notes, session.completedAt?.timeIntervalSince1970,
                session.cancelledAt?.timeIntervalSince1970,
            ])
            return db.lastInsertedRowID
        }

        func completePeerSession(_ id: Int64, at: Date, notes: String?) throws {
            try db.cachedStatement(sql: "UPDATE peer_session SET completed_at = ?, notes = ? WHERE id = ?").execute(
                arguments: [at.timeIntervalSince1970, notes, id])
        }

        func cancelPeerSession(_ id: Int64, at: Date, reason: String) throws {
            try db.cachedStatement(
                sql:
                    "UPDATE peer_session SET cancelled_at = ?, cancel_reason = ? WHERE id = ? AND cancelled_at IS NULL AND completed_at IS NULL"
            ).execute(arguments: [at.timeIntervalSince1970, reason, id])
        }

        func erasePeerTexts(person: Int64, placeholder: String) throws -> Int {
            // Every text of their peer pairs (session notes, agreements, themes: each belongs to both
            // heads), and the themes they added to a supervision group (their words).
            let pairs = "SELECT id FROM peer_pair WHERE a = ? OR b = ?"
            var erased = 0
            try db.execute(
                sql: "UPDATE peer_session SET notes = ? WHERE notes IS NOT NULL AND notes <> ? AND peer IN (\(pairs))",
                arguments: [placeholder, placeholder, person, person])
            erased += db.changesCount
            try db.execute(
                sql:
                    "UPDATE peer_session SET cancel_reason = ? WHERE cancel_reason IS NOT NULL AND cancel_reason <> ? AND peer IN (\(pairs))",
                arguments: [placeholder, placeholder, person, person])
            erased += db.changesCount
            try db.execute(
                sql: """
                    UPDATE agreement SET text = ?,
                        coach_expectations = CASE WHEN coach_expectations IS NULL THEN NULL ELSE ? END,
                        learner_expectations = CASE WHEN learner_expectations IS NULL THEN NULL ELSE ? END
                    WHERE peer IN (\(pairs)) AND NOT (text = ? AND coalesce(coach_expectations, ?) = ?
                        AND coalesce(learner_expectations, ?) = ?)
                    """,
                arguments: [
                    placeholder, placeholder, placeholder, person, person, placeholder, placeholder, placeholder,
                    placeholder, placeholder,
                ])
            erased += db.changesCount
            try db.execute(
                sql: "UPDATE theme SET text = ? WHERE text <> ? AND (peer IN (\(pairs)) OR added_by = ?)",
                arguments: [placeholder, placeholder, person, person, person])
            erased += db.changesCount
            try db.execute(
                sql: "UPDATE peer_pair SET active = FALSE WHERE active AND (a = ? OR b = ?)",
                arguments: [person, person])
            return erased
        }

        static func region(_ row: Row) -> Region { Region(id: row["id"], name: row["name"]) }

        static func peerPair(_ row: Row) -> PeerPair {
            PeerPair(
                id: row["id"], a: row["a"], b: row["b"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                active: row["active"])
        }

        static func peerSession(_ row: Row) -> PeerSession {
            PeerSession(
                id: row["id"], peer: row["peer"], start: Date(timeIntervalSince1970: row["start"]),
                minutes: row["minutes"], mode: SessionMode(rawValue: row["mode"]) ?? .inPerson,
                firstCoach: row["first_coach"], notes: row["notes"],
                completedAt: (row["completed_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                cancelledAt: (row["cancelled_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                cancelReason: row["cancel_reason"])
        }
    }
#endif
