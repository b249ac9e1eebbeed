import CoachDomain
import Foundation
import GRDB

/// Reads and writes over one GRDB `Database` connection, inside the transaction GRDB opened.
struct SQLiteAccess: StoreWriting {
    let db: Database
    let calendars: CalendarCache

    // MARK: Reading

    /// From the cache when the school's `calendar_stamp` is the one it was read under. The stamp is
    /// a random number a trigger sets whenever the school's hours, terms or closures change, read
    /// in this transaction: a change of this transaction, committed or rolled back, never matches
    /// an older entry.
    func calendar(school id: Int64) throws -> SchoolCalendar? {
        guard
            let stamp = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT calendar_stamp FROM school WHERE id = ?"), arguments: [id])
        else { return nil }
        if let cached = calendars.calendar(school: id, stamp: stamp) { return cached }
        let calendar = try readCalendar(school: id)
        if let calendar { calendars.store(calendar, school: id, stamp: stamp) }
        return calendar
    }

    func school(_ id: Int64) throws -> School? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM school WHERE id = ?"), arguments: [id]).map(Self.school)
    }

    func schools() throws -> [School] {
        try decoded(db.cachedStatement(sql: "SELECT * FROM school ORDER BY id"), [], Self.school)
    }

    func closures(school: Int64) throws -> [Closure] {
        try decodedSome(
            db.cachedStatement(sql: "SELECT * FROM closure WHERE school = ? ORDER BY from_day"), [school]
        ) { _ in
            { (row: Row) -> Closure? in
                DateRange(from: LocalDate(dayNumber: row["from_day"]), to: LocalDate(dayNumber: row["to_day"])).map {
                    Closure(
                        id: row["id"], school: row["school"], range: $0, reason: row["reason"],
                        source: Self.source(row))
                }
            }
        }
    }

    func terms(school: Int64) throws -> [Term] {
        try decodedSome(
            db.cachedStatement(sql: "SELECT * FROM term WHERE school = ? ORDER BY from_day"), [school]
        ) { _ in
            { (row: Row) -> Term? in
                DateRange(from: LocalDate(dayNumber: row["from_day"]), to: LocalDate(dayNumber: row["to_day"])).map {
                    Term(id: row["id"], school: row["school"], name: row["name"], range: $0, source: Self.source(row))
                }
            }
        }
    }

    func person(_ id: Int64) throws -> Person? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM person WHERE id = ?"), arguments: [id]).map(Self.person)
    }

    func person(uid: Int64) throws -> Person? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM person WHERE uid = ?"), arguments: [uid]).map(
            Self.person)
    }

    func people(school: Int64?) throws -> [Person] {
        if let school {
            return try decoded(
                db.cachedStatement(sql: "SELECT * FROM person WHERE school = ? ORDER BY id"), [school], Self.person)
        }
        return try decoded(db.cachedStatement(sql: "SELECT * FROM person ORDER BY id"), [], Self.person)
    }

    func pair(_ id: Int64) throws -> Pair? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM pair WHERE id = ?"), arguments: [id]).map(Self.pair)
    }

    func pairs(school: Int64?, person: Int64?) throws -> [Pair] {
        var sql = "SELECT * FROM pair WHERE 1"
        var arguments: StatementArguments = []
        if let school {
            sql += " AND school = ?"
            arguments += [school]
        }
        if let person {
            sql += " AND (teacher = ? OR coach = ?)"
            arguments += [person, person]
        }
        return try decoded(db.cachedStatement(sql: sql + " ORDER BY id"), arguments, Self.pair)
    }

    func activePair(teacher: Int64, coach: Int64) throws -> Pair? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM pair WHERE teacher = ? AND coach = ? AND active", arguments: [teacher, coach]
        ).map(Self.pair)
    }

    func cycles(pair: Int64) throws -> [Cycle] {
        try decoded(db.cachedStatement(sql: "SELECT * FROM cycle WHERE pair = ? ORDER BY id"), [pair], Self.cycle)
    }

    func currentCycle(pair: Int64) throws -> Cycle? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM cycle WHERE pair = ? ORDER BY id DESC LIMIT 1"), arguments: [pair]
        )
        .map(Self.cycle)
    }

    func dropIn(_ id: Int64) throws -> DropIn? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM dropin WHERE id = ?"), arguments: [id]).map(Self.dropIn)
    }

    func dropIns(pair: Int64) throws -> [DropIn] {
        try decoded(db.cachedStatement(sql: "SELECT * FROM dropin WHERE pair = ? ORDER BY id"), [pair], Self.dropIn)
    }

    func dropIns(coach: Int64, overlapping from: Date, _ to: Date) throws -> [DropIn] {
        // Drop-ins last at most an hour (schema CHECK), so only starts within an hour before `from` can reach in.
        try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM dropin WHERE coach = ? AND start > ? AND start < ? AND cancelled_at IS NULL ORDER BY start",
            arguments: [coach, from.timeIntervalSince1970 - 3600, to.timeIntervalSince1970]
        ).map(Self.dropIn).filter { $0.overlaps(start: from, end: to) }
    }

    func followUp(dropIn: Int64) throws -> FollowUp? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM followup WHERE dropin = ?"), arguments: [dropIn]).map(
            Self.followUp)
    }

    func followUps(pair: Int64) throws -> [FollowUp] {
        try decoded(db.cachedStatement(sql: "SELECT * FROM followup WHERE pair = ? ORDER BY id"), [pair], Self.followUp)
    }

    func adaptation(_ id: Int64) throws -> Adaptation? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM adaptation WHERE id = ?"), arguments: [id]).map(
            Self.adaptation)
    }

    func activeAdaptation(pair: Int64) throws -> Adaptation? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM adaptation WHERE pair = ? AND outcome IS NULL"), arguments: [pair]
        )
        .map(Self.adaptation)
    }

    func adaptations(pair: Int64) throws -> [Adaptation] {
        try decoded(
            db.cachedStatement(sql: "SELECT * FROM adaptation WHERE pair = ? ORDER BY id"), [pair], Self.adaptation)
    }

    func history(pair: Int64) throws -> [HistoryEvent] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM history WHERE pair = ? ORDER BY id"), arguments: [pair])
            .map { row in
                HistoryEvent(
                    at: Date(timeIntervalSince1970: row["at"]), actorUid: row["actor_uid"], actor: row["actor"],
                    school: row["school"], pair: row["pair"], kind: row["kind"], subject: row["subject"])
            }
    }

    func personHistory(person: Int64) throws -> [HistoryEvent] {
        // No index on subject: this is read for an export, rarely, by an admin.
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM history WHERE pair IS NULL AND subject = ? AND kind LIKE 'person.%' ORDER BY id"),
            arguments: [person]
        ).map { row in
            HistoryEvent(
                at: Date(timeIntervalSince1970: row["at"]), actorUid: row["actor_uid"], actor: row["actor"],
                school: row["school"], pair: row["pair"], kind: row["kind"], subject: row["subject"])
        }
    }

    func allPairStates() throws -> [PairState] {
        // Bulk reads keyed by pair, so start-up costs a handful of queries, not several per pair.
        let pairs = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM pair WHERE active ORDER BY id")).map(
            Self.pair)
        var focus: [Int64: Cycle] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT * FROM cycle WHERE id IN (SELECT max(id) FROM cycle GROUP BY pair)")
        {
            let cycle = Self.cycle(row)
            focus[cycle.pair] = cycle
        }
        var lastDropIn: [Int64: DropIn] = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT * FROM dropin WHERE id IN (SELECT max(id) FROM dropin WHERE cancelled_at IS NULL GROUP BY pair)"
        ) {
            let dropIn = Self.dropIn(row)
            lastDropIn[dropIn.pair] = dropIn
        }
        var lastCancelled: [Int64: Date] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT pair, max(cancelled_at) AS at FROM dropin AS d WHERE cancelled_at IS NOT NULL
                AND id > coalesce((SELECT max(id) FROM dropin WHERE pair = d.pair AND cancelled_at IS NULL), 0)
                GROUP BY pair
                """)
        {
            lastCancelled[row["pair"]] = Date(timeIntervalSince1970: row["at"])
        }
        var lastFollowUp: [Int64: FollowUp] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT * FROM followup WHERE id IN (SELECT max(id) FROM followup GROUP BY pair)")
        {
            let followUp = Self.followUp(row)
            lastFollowUp[followUp.pair] = followUp
        }
        var active: [Int64: Adaptation] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM adaptation WHERE outcome IS NULL")) {
            let adaptation = Self.adaptation(row)
            active[adaptation.pair] = adaptation
        }
        return pairs.map { pair in
            let last = lastDropIn[pair.id]
            let followUp = lastFollowUp[pair.id]
            return PairState(
                pair: pair, focus: focus[pair.id], lastDropIn: last,
                lastDropInFollowedUp: last != nil && followUp?.dropIn == last?.id,
                lastFollowUpAt: followUp?.completedAt, activeAdaptation: active[pair.id],
                lastCancelledAt: lastCancelled[pair.id])
        }
    }

    func pairStates(school: Int64) throws -> [PairState] {
        // The same reads as `pairState(_:)`, each for the whole school in one query (its pairs by the
        // pair_school index, then each table's (pair, id) index).
        let pairs = try decoded(
            db.cachedStatement(sql: "SELECT * FROM pair WHERE school = ? AND active ORDER BY id"), [school], Self.pair)
        let ofSchool = "SELECT p.id FROM pair p WHERE p.school = ? AND p.active"
        // Each list decoded with its columns found once per statement; the last row of a pair wins.
        let focus = byPair(
            try decoded(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM cycle WHERE id IN (SELECT max(id) FROM cycle WHERE pair IN (\(ofSchool)) GROUP BY pair)"
                ), [school], Self.cycle), \.pair)
        var lastDropIn: [Int64: (dropIn: DropIn, followedUp: Bool)] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT d.*, (SELECT f.id FROM followup f WHERE f.dropin = d.id) AS followup_id FROM dropin d
                    WHERE d.id IN (SELECT max(id) FROM dropin WHERE pair IN (\(ofSchool)) AND cancelled_at IS NULL
                    GROUP BY pair)
                    """), arguments: [school])
        {
            let dropIn = Self.dropIn(row)
            lastDropIn[dropIn.pair] = (dropIn, (row["followup_id"] as Int64?) != nil)
        }
        var lastCancelled: [Int64: Date] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT pair, max(cancelled_at) AS at FROM dropin AS d WHERE pair IN (\(ofSchool))
                    AND cancelled_at IS NOT NULL
                    AND id > coalesce((SELECT max(id) FROM dropin WHERE pair = d.pair AND cancelled_at IS NULL), 0)
                    GROUP BY pair
                    """), arguments: [school])
        {
            lastCancelled[row["pair"]] = Date(timeIntervalSince1970: row["at"])
        }
        let lastFollowUp = byPair(
            try decoded(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM followup WHERE id IN (SELECT max(id) FROM followup WHERE pair IN (\(ofSchool)) GROUP BY pair)"
                ), [school], Self.followUp), \.pair)
        let active = byPair(
            try decoded(
                db.cachedStatement(sql: "SELECT * FROM adaptation WHERE pair IN (\(ofSchool)) AND outcome IS NULL"),
                [school], Self.adaptation), \.pair)
        return pairs.map { pair in
            let last = lastDropIn[pair.id]
            return PairState(
                pair: pair, focus: focus[pair.id], lastDropIn: last?.dropIn,
                lastDropInFollowedUp: last?.followedUp ?? false,
                lastFollowUpAt: lastFollowUp[pair.id]?.completedAt, activeAdaptation: active[pair.id],
                lastCancelledAt: lastCancelled[pair.id])
        }
    }

    func raisedTransitions() throws -> Set<String> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT key FROM raised_transition")))
    }

    func lastDropIn(pair: Int64) throws -> DropIn? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM dropin WHERE pair = ? AND cancelled_at IS NULL ORDER BY id DESC LIMIT 1"),
            arguments: [pair]
        ).map(Self.dropIn)
    }

    func lastCancelledAt(pair: Int64) throws -> Date? {
        try Double.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT max(cancelled_at) FROM dropin WHERE pair = ?1 AND cancelled_at IS NOT NULL
                    AND id > coalesce((SELECT max(id) FROM dropin WHERE pair = ?1 AND cancelled_at IS NULL), 0)
                    """), arguments: [pair]
        ).map(Date.init(timeIntervalSince1970:))
    }

    func closure(_ id: Int64) throws -> Closure? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM closure WHERE id = ?"), arguments: [id]).flatMap {
            row in
            DateRange(from: LocalDate(dayNumber: row["from_day"]), to: LocalDate(dayNumber: row["to_day"])).map {
                Closure(
                    id: row["id"], school: row["school"], range: $0, reason: row["reason"], source: Self.source(row))
            }
        }
    }

    func term(_ id: Int64) throws -> Term? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM term WHERE id = ?"), arguments: [id]).flatMap { row in
            DateRange(from: LocalDate(dayNumber: row["from_day"]), to: LocalDate(dayNumber: row["to_day"])).map {
                Term(id: row["id"], school: row["school"], name: row["name"], range: $0, source: Self.source(row))
            }
        }
    }

    func dropInMoves(dropIn: Int64) throws -> [DropInMove] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM dropin_move WHERE dropin = ? ORDER BY id"), arguments: [dropIn]
        )
        .map { row in
            DropInMove(
                dropIn: row["dropin"], fromStart: Date(timeIntervalSince1970: row["from_start"]),
                fromMinutes: row["from_minutes"], toStart: Date(timeIntervalSince1970: row["to_start"]),
                toMinutes: row["to_minutes"], at: Date(timeIntervalSince1970: row["at"]))
        }
    }

    func dropIns(school: Int64) throws -> [Int64: [DropIn]] {
        try schoolRows("dropin", Self.countedDropInColumns, school, { Self.dropIn($0, texts: false) })
    }

    /// A school's rows of `table` (the `columns` of `t`), by pair.
    private func schoolRows<T>(
        _ table: String, _ columns: String, _ school: Int64, _ decoder: (Columns) -> (Row) -> T
    ) throws -> [Int64: [T]] {
        var out: [Int64: [T]] = [:]
        // The pair index picks the school's pairs in id order, each table's (pair, id) index their rows in
        // id order: ordered by `p.id` (not `t.pair`, the same values) SQLite sees the order the two indexes
        // already give and sorts nothing ("USE TEMP B-TREE FOR ORDER BY" is gone from the query plan).
        let statement = try db.cachedStatement(
            sql: "SELECT \(columns) FROM pair p JOIN \(table) t ON t.pair = p.id WHERE p.school = ? ORDER BY p.id, t.id"
        )
        let columns = Columns(statement)
        let decode = decoder(columns)
        let pairColumn = columns["pair"]
        let cursor = try Row.fetchCursor(statement, arguments: [school])
        // Rows come ordered by pair: one dictionary write per pair, not per row.
        var pair: Int64?
        var rows: [T] = []
        while let row = try cursor.next() {
            let rowPair: Int64 = row[pairColumn]
            if rowPair != pair {
                if let pair { out[pair] = rows }
                pair = rowPair
                rows = []
            }
            rows.append(decode(row))
        }
        if let pair { out[pair] = rows }
        return out
    }

    func records(school: Int64) throws -> SchoolRecords {
        var records = SchoolRecords()
        records.dropIns = try dropIns(school: school)
        records.followUps = try schoolRows(
            "followup", Self.countedFollowUpColumns, school, { Self.followUp($0, texts: false) })
        records.adaptations = try schoolRows(
            "adaptation", Self.countedAdaptationColumns, school, { Self.adaptation($0, texts: false) })
        records.cycles = try schoolRows("cycle", Self.countedCycleColumns, school, { Self.cycle($0, texts: false) })
        return records
    }

    func liveEvents(after seq: Int64, limit: Int) throws -> [LiveEvent] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM live_event WHERE seq > ? ORDER BY seq LIMIT ?"),
            arguments: [seq, limit]
        ).compactMap { row in
            guard let kind = LiveEvent.Kind(rawValue: row["kind"]) else { return nil }
            return LiveEvent(
                seq: row["seq"], at: Date(timeIntervalSince1970: row["at"]), kind: kind, school: row["school"],
                pair: row["pair"], teacher: row["teacher"], coach: row["coach"], dropIn: row["dropin"],
                due: (row["due"] as String?).flatMap(DueKind.init(rawValue:)), peer: row["peer"],
                session: row["session"])
        }
    }

    func liveEventBounds() throws -> (newest: Int64, prunedThrough: Int64) {
        let newest =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'live_event'")) ?? 0
        let pruned =
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM store_meta WHERE key = 'live_event.pruned_through'")
            ).flatMap { Int64($0) } ?? 0
        return (newest, pruned)
    }

    func lastFollowUp(pair: Int64) throws -> FollowUp? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM followup WHERE pair = ? ORDER BY id DESC LIMIT 1"), arguments: [pair]
        )
        .map(Self.followUp)
    }

    func dueItem(pair: Int64) throws -> DueItem? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM due_item WHERE pair = ?"), arguments: [pair]).flatMap(
            Self.dueItem)
    }

    func dueItems(school: Int64?, person: Int64?) throws -> [(pair: Pair, item: DueItem)] {
        var sql = """
            SELECT pair.*, due_item.kind AS d_kind, due_item.dropin AS d_dropin, due_item.due_day AS d_day,
                   due_item.due_at AS d_due, due_item.overdue_at AS d_overdue
            FROM due_item JOIN pair ON pair.id = due_item.pair WHERE 1
            """
        var arguments: StatementArguments = []
        if let school {
            sql += " AND due_item.school = ?"
            arguments += [school]
        }
        if let person {
            sql +=
                " AND due_item.pair IN (SELECT id FROM pair WHERE teacher = ? UNION SELECT id FROM pair WHERE coach = ?)"
            arguments += [person, person]
        }
        return try decodedSome(db.cachedStatement(sql: sql + " ORDER BY due_item.due_at, due_item.pair"), arguments) {
            columns in
            let decodePair = Self.pair(columns)
            let (kindColumn, dropIn, day, dueAt, overdueAt) = (
                columns["d_kind"], columns["d_dropin"], columns["d_day"], columns["d_due"], columns["d_overdue"]
            )
            return { (row: Row) -> (pair: Pair, item: DueItem)? in
                let pair = decodePair(row)
                guard let kind = DueKind(rawValue: row[kindColumn]) else { return nil }
                let item = DueItem(
                    kind: kind, pair: pair.id, school: pair.school, dropIn: row[dropIn],
                    dueDate: LocalDate(dayNumber: row[day]), dueAt: Date(timeIntervalSince1970: row[dueAt]),
                    overdueAt: Date(timeIntervalSince1970: row[overdueAt]))
                return (pair, item)
            }
        }
    }

    func names(of people: Set<Int64>) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        out.reserveCapacity(people.count)
        // The ids as one JSON array: one cached statement for any number of them (a report's or a
        // coverage list's hundred people no longer parse a statement of a hundred parameters).
        let list = "[" + people.map(String.init).joined(separator: ",") + "]"
        let cursor = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT id, name FROM person WHERE id IN (SELECT value FROM json_each(?))"),
            arguments: [list])
        while let row = try cursor.next() { out[row[0]] = row[1] }
        return out
    }

    func nextTransitionTime() throws -> Date? {
        try Double.fetchOne(
            db, sql: "SELECT next_at FROM due_item WHERE next_at IS NOT NULL ORDER BY next_at LIMIT 1"
        ).map(Date.init(timeIntervalSince1970:))
    }

    func dueSchedule(pair: Int64) throws -> DueSchedule? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM due_item WHERE pair = ?"), arguments: [pair])
            .flatMap(Self.dueSchedule)
    }

    func dueSchedules(school: Int64) throws -> [Int64: DueSchedule] {
        var out: [Int64: DueSchedule] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM due_item WHERE school = ?"), arguments: [school])
        {
            if let schedule = Self.dueSchedule(row) { out[schedule.item.pair] = schedule }
        }
        return out
    }

    func dueSchedules(until instant: Date, limit: Int) throws -> [DueSchedule] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM due_item WHERE next_at <= ? ORDER BY next_at, pair LIMIT ?",
            arguments: [instant.timeIntervalSince1970, limit]
        ).compactMap(Self.dueSchedule)
    }

    func isRaised(_ key: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM raised_transition WHERE key = ?"), arguments: [key])
            ?? false
    }

    func dueItemCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM due_item")) ?? 0
    }

    func overdueCount(at instant: Date) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM due_item WHERE overdue_at <= ?", arguments: [instant.timeIntervalSince1970]
        ) ?? 0
    }

    func dueCount(on day: LocalDate, timeZone: String, notOverdueAt instant: Date) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM due_item WHERE due_day = ? AND overdue_at > ?
                AND school IN (SELECT id FROM school WHERE time_zone = ?)
                """,
            arguments: [day.dayNumber, instant.timeIntervalSince1970, timeZone]) ?? 0
    }

    func timeZones() throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT time_zone FROM school ORDER BY time_zone"))
    }

    func duePolicy() throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM store_meta WHERE key = 'due_item.policy'"))
    }

    func reportFacts(school: Int64, policy: String) throws -> [Int64: ReportFacts] {
        var facts: [Int64: ReportFacts] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT f.pair, f.facts FROM report_fact f
                    WHERE f.school = ? AND f.policy = ?
                      AND f.calendar_stamp = (SELECT calendar_stamp FROM school WHERE id = ?)
                      AND NOT EXISTS (SELECT 1 FROM report_stale r WHERE r.pair = f.pair)
                    """), arguments: [school, policy, school])
        while let row = try rows.next() {
            // Decoded from the blob in place; bytes that are not facts are left out (counted again).
            let decoded = try row.withUnsafeData(atIndex: 1) { data in
                data?.withUnsafeBytes { ReportFacts(encoded: $0) }
            }
            if let decoded { facts[row[0]] = decoded }
        }
        return facts
    }

    func reportFactsPolicy() throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM store_meta WHERE key = 'report_fact.policy'"))
    }

    func count(of table: StoreTable) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(table.rawValue)")) ?? 0
    }

    // MARK: Writing

    func insert(_ school: School) throws -> Int64 {
        try db.cachedStatement(
            sql: "INSERT INTO school (name, time_zone, day_start, day_end, region) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            school.name, school.timeZone, school.dayStart.minutes, school.dayEnd.minutes, school.region,
        ])
        return db.lastInsertedRowID
    }

    func insert(_ closure: Closure) throws -> Int64 {
        try db.cachedStatement(
            sql:
                "INSERT INTO closure (school, from_day, to_day, reason, source_feed, source_uid, source_recurrence) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            closure.school, closure.range.from.dayNumber, closure.range.to.dayNumber, closure.reason,
            closure.source?.feed, closure.source?.uid, closure.source?.recurrence?.dayNumber,
        ])
        return db.lastInsertedRowID
    }

    func insert(_ term: Term) throws -> Int64 {
        try db.cachedStatement(
            sql:
                "INSERT INTO term (school, name, from_day, to_day, source_feed, source_uid, source_recurrence) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            term.school, term.name, term.range.from.dayNumber, term.range.to.dayNumber, term.source?.feed,
            term.source?.uid, term.source?.recurrence?.dayNumber,
        ])
        return db.lastInsertedRowID
    }

    func insert(_ person: Person) throws -> Int64 {
        let roles = Role.allCases.filter(person.roles.contains).map(\.rawValue).joined(separator: ",")
        try db.cachedStatement(sql: "INSERT INTO person (name, school, roles, uid, login) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [person.name, person.school, roles, person.uid, person.login])
        return db.lastInsertedRowID
    }

    func insert(_ pair: Pair) throws -> Int64 {
        try db.cachedStatement(
            sql: "INSERT INTO pair (school, teacher, coach, active, created_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [pair.school, pair.teacher, pair.coach, pair.active, pair.createdAt.timeIntervalSince1970])
        return db.lastInsertedRowID
    }

    func insert(_ cycle: Cycle) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO cycle (pair, focus, started_at) VALUES (?, ?, ?)").execute(arguments: [
            cycle.pair, cycle.focus, cycle.startedAt.timeIntervalSince1970,
        ])
        return db.lastInsertedRowID
    }

    func insert(_ dropIn: DropIn) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO dropin (pair, coach, cycle, start, minutes, completed_at, notes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            dropIn.pair, dropIn.coach, dropIn.cycle, dropIn.start.timeIntervalSince1970, dropIn.minutes,
            dropIn.completedAt?.timeIntervalSince1970, dropIn.notes,
        ])
        return db.lastInsertedRowID
    }

    func completeDropIn(_ id: Int64, at: Date, notes: String?) throws {
        try db.cachedStatement(
            sql: "UPDATE dropin SET completed_at = ?, notes = ? WHERE id = ? AND completed_at IS NULL"
        ).execute(arguments: [at.timeIntervalSince1970, notes, id])
    }

    func insert(_ followUp: FollowUp) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO followup (dropin, pair, completed_at, notes) VALUES (?, ?, ?, ?)")
            .execute(arguments: [
                followUp.dropIn, followUp.pair, followUp.completedAt.timeIntervalSince1970, followUp.notes,
            ])
        return db.lastInsertedRowID
    }

    func insert(_ adaptation: Adaptation) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO adaptation (pair, text, set_at, set_on, school_days, practise_until)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            adaptation.pair, adaptation.text, adaptation.setAt.timeIntervalSince1970,
            adaptation.setOn.dayNumber, adaptation.schoolDays, adaptation.practiseUntil.dayNumber,
        ])
        return db.lastInsertedRowID
    }

    func closeAdaptation(_ id: Int64, at: Date, on: LocalDate, outcome: Outcome) throws {
        try db.cachedStatement(
            sql: "UPDATE adaptation SET closed_at = ?, closed_on = ?, outcome = ? WHERE id = ? AND outcome IS NULL"
        ).execute(arguments: [at.timeIntervalSince1970, on.dayNumber, outcome.rawValue, id])
    }

    func cancelDropIn(_ id: Int64, at: Date, reason: String) throws {
        try db.cachedStatement(
            sql:
                "UPDATE dropin SET cancelled_at = ?, cancel_reason = ? WHERE id = ? AND cancelled_at IS NULL AND completed_at IS NULL"
        ).execute(arguments: [at.timeIntervalSince1970, reason, id])
    }

    func moveDropIn(_ id: Int64, start: Date, minutes: Int, at: Date) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO dropin_move (dropin, from_start, from_minutes, to_start, to_minutes, at)
                SELECT id, start, minutes, ?, ?, ? FROM dropin WHERE id = ?
                """
        ).execute(arguments: [start.timeIntervalSince1970, minutes, at.timeIntervalSince1970, id])
        try db.cachedStatement(sql: "UPDATE dropin SET start = ?, minutes = ? WHERE id = ?").execute(arguments: [
            start.timeIntervalSince1970, minutes, id,
        ])
    }

    func endPair(_ id: Int64, at: Date, reason: String) throws {
        try db.cachedStatement(sql: "UPDATE pair SET active = 0, ended_at = ?, end_reason = ? WHERE id = ? AND active")
            .execute(arguments: [at.timeIntervalSince1970, reason, id])
    }

    func update(_ person: Person) throws {
        let roles = Role.allCases.filter(person.roles.contains).map(\.rawValue).joined(separator: ",")
        try db.cachedStatement(sql: "UPDATE person SET name = ?, roles = ?, uid = ?, login = ? WHERE id = ?").execute(
            arguments: [person.name, roles, person.uid, person.login, person.id])
    }

    func deactivatePerson(_ id: Int64, at: Date, reason: String) throws {
        try db.cachedStatement(
            sql: "UPDATE person SET active = 0, deactivated_at = ?, deactivate_reason = ? WHERE id = ? AND active"
        ).execute(arguments: [at.timeIntervalSince1970, reason, id])
    }

    func update(_ closure: Closure) throws {
        try db.cachedStatement(
            sql:
                "UPDATE closure SET from_day = ?, to_day = ?, reason = ?, source_feed = ?, source_uid = ?, source_recurrence = ? WHERE id = ?"
        ).execute(arguments: [
            closure.range.from.dayNumber, closure.range.to.dayNumber, closure.reason, closure.source?.feed,
            closure.source?.uid, closure.source?.recurrence?.dayNumber, closure.id,
        ])
    }

    func update(_ term: Term) throws {
        try db.cachedStatement(
            sql:
                "UPDATE term SET name = ?, from_day = ?, to_day = ?, source_feed = ?, source_uid = ?, source_recurrence = ? WHERE id = ?"
        ).execute(arguments: [
            term.name, term.range.from.dayNumber, term.range.to.dayNumber, term.source?.feed, term.source?.uid,
            term.source?.recurrence?.dayNumber, term.id,
        ])
    }

    func installationID() throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT uid_domain FROM installation WHERE id = 1"))
    }

    /// An imported row's feed, UID and occurrence (nil for one typed in).
    static func source(_ row: Row) -> CalendarSource? {
        guard let feed: String = row["source_feed"], let uid: String = row["source_uid"] else { return nil }
        let recurrence: Int? = row["source_recurrence"]
        return CalendarSource(feed: feed, uid: uid, recurrence: recurrence.map(LocalDate.init(dayNumber:)))
    }

    func eraseTexts(pair: Int64, placeholder: String) throws -> ErasedTexts {
        var erased = ErasedTexts()
        func run(_ sql: String, _ arguments: StatementArguments) throws -> Int {
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
        // Only texts people wrote are counted: erasing the same pair again finds none.
        erased.focuses = try run(
            "UPDATE cycle SET focus = ? WHERE pair = ? AND focus <> ?", [placeholder, pair, placeholder])
        erased.dropInNotes = try run("UPDATE dropin SET notes = NULL WHERE pair = ? AND notes IS NOT NULL", [pair])
        erased.reasons = try run(
            "UPDATE dropin SET cancel_reason = ? WHERE pair = ? AND cancel_reason IS NOT NULL AND cancel_reason <> ?",
            [placeholder, pair, placeholder])
        erased.reasons += try run(
            "UPDATE pair SET end_reason = ? WHERE id = ? AND end_reason IS NOT NULL AND end_reason <> ?",
            [placeholder, pair, placeholder])
        erased.followUpNotes = try run("UPDATE followup SET notes = NULL WHERE pair = ? AND notes IS NOT NULL", [pair])
        erased.adaptations = try run(
            "UPDATE adaptation SET text = ? WHERE pair = ? AND text <> ?", [placeholder, pair, placeholder])
        return erased
    }

    func erasePerson(_ id: Int64, name: String, reason: String, at: Date) throws -> Bool {
        let hadReason =
            try Bool.fetchOne(
                db, sql: "SELECT deactivate_reason IS NOT NULL AND deactivate_reason <> ? FROM person WHERE id = ?",
                arguments: [reason, id])
            ?? false
        try db.execute(
            sql: """
                UPDATE person SET name = ?, uid = NULL, login = NULL, deactivate_reason = ?,
                    deactivated_at = COALESCE(deactivated_at, ?), active = 0 WHERE id = ?
                """, arguments: [name, reason, at.timeIntervalSince1970, id])
        return hadReason
    }

    @discardableResult
    func deleteClosure(_ id: Int64) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM closure WHERE id = ?").execute(arguments: [id])
        return db.changesCount > 0
    }

    @discardableResult
    func deleteTerm(_ id: Int64) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM term WHERE id = ?").execute(arguments: [id])
        return db.changesCount > 0
    }

    func append(_ event: HistoryEvent) throws {
        try db.cachedStatement(
            sql: "INSERT INTO history (at, actor_uid, actor, school, pair, kind, subject) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            event.at.timeIntervalSince1970, event.actorUid, event.actor, event.school, event.pair, event.kind,
            event.subject,
        ])
    }

    func markRaised(_ keys: [String], at: Date) throws -> [String] {
        var fresh: [String] = []
        for key in keys {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO raised_transition (key, at) VALUES (?, ?)").execute(
                arguments: [key, at.timeIntervalSince1970])
            if db.changesCount > 0 { fresh.append(key) }
        }
        return fresh
    }

    /// In place when the pair has a row (a raise changes only the marks and `next_at`, and SQLite
    /// then touches only the indexes over those), as the `UPDATE` of the raise did before issue 9.
    func setDueSchedule(pair: Int64, _ schedule: DueSchedule?) throws {
        guard let schedule else {
            try db.cachedStatement(sql: "DELETE FROM due_item WHERE pair = ?").execute(arguments: [pair])
            return
        }
        let item = schedule.item
        try db.cachedStatement(
            sql: """
                INSERT INTO due_item
                (pair, school, kind, dropin, due_day, due_at, overdue_at, due_raised, overdue_raised, next_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (pair) DO UPDATE SET school = excluded.school, kind = excluded.kind,
                dropin = excluded.dropin, due_day = excluded.due_day, due_at = excluded.due_at,
                overdue_at = excluded.overdue_at, due_raised = excluded.due_raised,
                overdue_raised = excluded.overdue_raised, next_at = excluded.next_at
                """
        ).execute(arguments: [
            pair, item.school, item.kind.rawValue, item.dropIn, item.dueDate.dayNumber,
            item.dueAt.timeIntervalSince1970, item.overdueAt.timeIntervalSince1970, schedule.dueRaised,
            schedule.overdueRaised, schedule.nextAt?.timeIntervalSince1970,
        ])
    }

    func removeAllDueItems() throws {
        try db.cachedStatement(sql: "DELETE FROM due_item").execute()
    }

    func staleReportPairs(limit: Int) throws -> [Int64] {
        try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT pair FROM report_stale ORDER BY pair LIMIT ?"), arguments: [limit])
    }

    func putReportFacts(pair: Int64, school: Int64, policy: String, facts: [UInt8]?) throws {
        if let facts {
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO report_fact (pair, school, calendar_stamp, policy, facts)
                    SELECT ?, id, calendar_stamp, ?, ? FROM school WHERE id = ?
                    """
            ).execute(arguments: [pair, policy, Data(facts), school])
        } else {
            try db.cachedStatement(sql: "DELETE FROM report_fact WHERE pair = ?").execute(arguments: [pair])
        }
        try db.cachedStatement(sql: "DELETE FROM report_stale WHERE pair = ?").execute(arguments: [pair])
    }

    func markStaleReportFacts(policy: String) throws -> Int {
        guard try reportFactsPolicy() != policy else { return 0 }
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('report_fact.policy', ?)"
        ).execute(arguments: [policy])
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO report_stale (pair)
                SELECT p.id FROM pair p JOIN school s ON s.id = p.school LEFT JOIN report_fact f ON f.pair = p.id
                WHERE f.pair IS NULL OR f.policy <> ? OR f.calendar_stamp <> s.calendar_stamp OR f.school <> p.school
                """
        ).execute(arguments: [policy])
        return db.changesCount
    }

    func setDuePolicy(_ fingerprint: String) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('due_item.policy', ?)")
            .execute(arguments: [fingerprint])
    }

    func recordLiveEvent(raising transition: Transition) throws {
        let item = transition.item
        try db.cachedStatement(
            sql: """
                INSERT INTO live_event (at, kind, school, pair, teacher, coach, dropin, due)
                SELECT ?, ?, school, id, teacher, coach, ?, ? FROM pair WHERE id = ?
                """
        ).execute(arguments: [
            transition.at.timeIntervalSince1970, transition.kind == .due ? "due" : "overdue", item.dropIn,
            item.kind.rawValue, item.pair,
        ])
    }

    @discardableResult
    func record(_ event: LiveEvent) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO live_event (at, kind, school, pair, teacher, coach, dropin, due, peer, session)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            event.at.timeIntervalSince1970, event.kind.rawValue, event.school, event.pair, event.teacher, event.coach,
            event.dropIn, event.due?.rawValue, event.peer, event.session,
        ])
        return db.lastInsertedRowID
    }

    @discardableResult
    func pruneLiveEvents(before cutoff: Date) throws -> Int {
        guard
            let last = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT max(seq) FROM live_event WHERE at < ?"),
                arguments: [cutoff.timeIntervalSince1970])
        else { return 0 }
        try db.cachedStatement(sql: "DELETE FROM live_event WHERE seq <= ?").execute(arguments: [last])
        let count = db.changesCount
        try db.cachedStatement(
            sql: """
                INSERT INTO store_meta (key, value) VALUES ('live_event.pruned_through', ?)
                ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))
                """
        ).execute(arguments: [String(last)])
        return count
    }

    // MARK: Rows to entities

    /// Each row of `statement` made into a value while the statement stands on it. Not `Row.fetchAll`:
    /// that copies every row first, and a copied GRDB row finds a column by name by lowercasing every
    /// column name on every lookup, which was most of `reports.summary`'s and `coverage.list`'s time
    /// (Decisions, issue 12: performance). `decoder` is told where each column stands, once per
    /// statement, and answers the function that reads a row by those positions (Decisions, issue 12:
    /// performance, second pass). That function must not run another query.
    func decoded<T>(
        _ statement: Statement, _ arguments: StatementArguments, _ decoder: (Columns) throws -> (Row) throws -> T
    ) throws -> [T] {
        let decode = try decoder(Columns(statement))
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        var out: [T] = []
        while let row = try cursor.next() { out.append(try decode(row)) }
        return out
    }

    /// As `decoded`, leaving out the rows the decoder answers nil for.
    func decodedSome<T>(
        _ statement: Statement, _ arguments: StatementArguments, _ decoder: (Columns) throws -> (Row) throws -> T?
    ) throws -> [T] {
        let decode = try decoder(Columns(statement))
        let cursor = try Row.fetchCursor(statement, arguments: arguments)
        var out: [T] = []
        while let row = try cursor.next() { if let value = try decode(row) { out.append(value) } }
        return out
    }

    // Each entity has two decoders: `(Row) -> T` for a single row (it finds that row's columns), and
    // `(Columns) -> (Row) -> T` for lists, which finds them once per statement.

    static func dueItem(_ row: Row) -> DueItem? { dueItem(Columns(row))(row) }

    static func dueSchedule(_ row: Row) -> DueSchedule? {
        dueItem(row).map { DueSchedule(item: $0, dueRaised: row["due_raised"], overdueRaised: row["overdue_raised"]) }
    }

    static func dueItem(_ columns: Columns) -> (Row) -> DueItem? {
        let (kind, pair, school, dropIn, dueDay, dueAt, overdueAt) = (
            columns["kind"], columns["pair"], columns["school"], columns["dropin"], columns["due_day"],
            columns["due_at"], columns["overdue_at"]
        )
        return { row in
            guard let kind = DueKind(rawValue: row[kind]) else { return nil }
            return DueItem(
                kind: kind, pair: row[pair], school: row[school], dropIn: row[dropIn],
                dueDate: LocalDate(dayNumber: row[dueDay]), dueAt: Date(timeIntervalSince1970: row[dueAt]),
                overdueAt: Date(timeIntervalSince1970: row[overdueAt]))
        }
    }

    static func school(_ row: Row) -> School { school(Columns(row))(row) }

    static func school(_ columns: Columns) -> (Row) -> School {
        let (id, name, timeZone, dayStart, dayEnd, region) = (
            columns["id"], columns["name"], columns["time_zone"], columns["day_start"], columns["day_end"],
            columns["region"]
        )
        return { row in
            School(
                id: row[id], name: row[name], timeZone: row[timeZone],
                dayStart: LocalTime(minutes: row[dayStart]) ?? LocalTime(minutes: 0)!,
                dayEnd: LocalTime(minutes: row[dayEnd]) ?? LocalTime(minutes: 0)!, region: row[region])
        }
    }

    static func person(_ row: Row) -> Person { person(Columns(row))(row) }

    static func person(_ columns: Columns) -> (Row) -> Person {
        let (id, name, school, roles, uid, login, active, reason, accreditedOn) = (
            columns["id"], columns["name"], columns["school"], columns["roles"], columns["uid"], columns["login"],
            columns["active"], columns["deactivate_reason"], columns["accredited_on"]
        )
        return { row in
            let roles = (row[roles] as String).split(separator: ",").compactMap { Role(rawValue: String($0)) }
            return Person(
                id: row[id], name: row[name], school: row[school], roles: Set(roles), uid: row[uid],
                login: row[login], active: row[active], deactivateReason: row[reason],
                accreditedOn: (row[accreditedOn] as Int?).map(LocalDate.init(dayNumber:)))
        }
    }

    static func pair(_ row: Row) -> Pair { pair(Columns(row))(row) }

    static func pair(_ columns: Columns) -> (Row) -> Pair {
        let (id, school, teacher, coach, active, createdAt, endedAt, endReason) = (
            columns["id"], columns["school"], columns["teacher"], columns["coach"], columns["active"],
            columns["created_at"], columns["ended_at"], columns["end_reason"]
        )
        return { row in
            Pair(
                id: row[id], school: row[school], teacher: row[teacher], coach: row[coach], active: row[active],
                createdAt: Date(timeIntervalSince1970: row[createdAt]),
                endedAt: (row[endedAt] as Double?).map(Date.init(timeIntervalSince1970:)), endReason: row[endReason])
        }
    }

    static func cycle(_ row: Row) -> Cycle { cycle(Columns(row))(row) }

    static func cycle(_ columns: Columns) -> (Row) -> Cycle { cycle(columns, texts: true) }

    /// With `texts: false`, for a statement that leaves the focus out (`countedCycleColumns`): "".
    static func cycle(_ columns: Columns, texts: Bool) -> (Row) -> Cycle {
        let (id, pair, startedAt) = (columns["id"], columns["pair"], columns["started_at"])
        let focus: Int? = texts ? columns["focus"] : nil
        return { row in
            Cycle(
                id: row[id], pair: row[pair], focus: focus.map { row[$0] as String } ?? "",
                startedAt: Date(timeIntervalSince1970: row[startedAt]))
        }
    }

    static func dropIn(_ row: Row) -> DropIn { dropIn(Columns(row))(row) }

    static func dropIn(_ columns: Columns) -> (Row) -> DropIn { dropIn(columns, texts: true) }

    /// With `texts: false`, for a statement that leaves the texts out (`countedDropInColumns`): notes
    /// and cancel reason nil.
    static func dropIn(_ columns: Columns, texts: Bool) -> (Row) -> DropIn {
        let (id, pair, coach, cycle, start, minutes) = (
            columns["id"], columns["pair"], columns["coach"], columns["cycle"], columns["start"], columns["minutes"]
        )
        let (completedAt, cancelledAt) = (columns["completed_at"], columns["cancelled_at"])
        let notes: Int? = texts ? columns["notes"] : nil
        let cancelReason: Int? = texts ? columns["cancel_reason"] : nil
        return { row in
            DropIn(
                id: row[id], pair: row[pair], coach: row[coach], cycle: row[cycle],
                start: Date(timeIntervalSince1970: row[start]), minutes: row[minutes],
                completedAt: (row[completedAt] as Double?).map(Date.init(timeIntervalSince1970:)),
                notes: notes.flatMap { row[$0] as String? },
                cancelledAt: (row[cancelledAt] as Double?).map(Date.init(timeIntervalSince1970:)),
                cancelReason: cancelReason.flatMap { row[$0] as String? })
        }
    }

    static func followUp(_ row: Row) -> FollowUp { followUp(Columns(row))(row) }

    static func followUp(_ columns: Columns) -> (Row) -> FollowUp { followUp(columns, texts: true) }

    /// With `texts: false`, for a statement that leaves the notes out (`countedFollowUpColumns`): nil.
    static func followUp(_ columns: Columns, texts: Bool) -> (Row) -> FollowUp {
        let (id, dropIn, pair, completedAt) = (
            columns["id"], columns["dropin"], columns["pair"], columns["completed_at"]
        )
        let notes: Int? = texts ? columns["notes"] : nil
        return { row in
            FollowUp(
                id: row[id], dropIn: row[dropIn], pair: row[pair],
                completedAt: Date(timeIntervalSince1970: row[completedAt]), notes: notes.flatMap { row[$0] as String? })
        }
    }

    static func adaptation(_ row: Row) -> Adaptation { adaptation(Columns(row))(row) }

    static func adaptation(_ columns: Columns) -> (Row) -> Adaptation { adaptation(columns, texts: true) }

    /// With `texts: false`, for a statement that leaves the text out (`countedAdaptationColumns`): "".
    static func adaptation(_ columns: Columns, texts: Bool) -> (Row) -> Adaptation {
        let (id, pair, setAt, setOn, schoolDays) = (
            columns["id"], columns["pair"], columns["set_at"], columns["set_on"], columns["school_days"]
        )
        let text: Int? = texts ? columns["text"] : nil
        let (practiseUntil, closedAt, closedOn, outcome) = (
            columns["practise_until"], columns["closed_at"], columns["closed_on"], columns["outcome"]
        )
        return { row in
            Adaptation(
                id: row[id], pair: row[pair], text: text.map { row[$0] as String } ?? "",
                setAt: Date(timeIntervalSince1970: row[setAt]),
                setOn: LocalDate(dayNumber: row[setOn]), schoolDays: row[schoolDays],
                practiseUntil: LocalDate(dayNumber: row[practiseUntil]),
                closedAt: (row[closedAt] as Double?).map(Date.init(timeIntervalSince1970:)),
                closedOn: (row[closedOn] as Int?).map(LocalDate.init(dayNumber:)),
                outcome: (row[outcome] as String?).flatMap(Outcome.init(rawValue:)))
        }
    }

    // MARK: Counted rows (issue 12, performance, third pass)

    // What reports and coverage count (`records(school:)`, `dropIns(school:)`): every column but the
    // texts, which are never read: notes and cancel reasons are nil, an adaptation's text and a cycle's
    // focus empty. Nothing counted reads a text, so no text can leave through these reads either.

    static let countedDropInColumns =
        "t.id, t.pair, t.coach, t.cycle, t.start, t.minutes, t.completed_at, t.cancelled_at"

    static let countedFollowUpColumns = "t.id, t.dropin, t.pair, t.completed_at"

    static let countedAdaptationColumns =
        "t.id, t.pair, t.set_at, t.set_on, t.school_days, t.practise_until, t.closed_at, t.closed_on, t.outcome"

    static let countedCycleColumns = "t.id, t.pair, t.started_at"
}

/// Where each column of a statement's rows stands, found once per statement. GRDB finds `row["name"]`
/// by lowercasing the name and hashing it into the statement's column dictionary on every lookup: after
/// the cursor change that was the largest cost left in `reports.summary`'s row decoding (Decisions,
/// issue 12: performance, second pass). `row[position]` reads the column directly.
struct Columns {
    private let positions: [String: Int]

    init(_ names: some Sequence<String>) {
        var positions: [String: Int] = [:]
        // The leftmost of equal names, as GRDB's own lookup.
        for (index, name) in names.enumerated() where positions[name.lowercased()] == nil {
            positions[name.lowercased()] = index
        }
        self.positions = positions
    }

    init(_ statement: Statement) { self.init(statement.columnNames) }

    init(_ row: Row) { self.init(row.columnNames) }

    /// The position of the column `name` (lowercase). Decoders name the columns of their own table, so a
    /// missing one is a programming error, as GRDB's lookup of a missing non-optional column is.
    subscript(_ name: String) -> Int {
        guard let position = positions[name] else { preconditionFailure("the statement has no column \(name)") }
        return position
    }
}
