import CoachDomain
import CoachStore
import CoachSupport
import Foundation
import GRDB

/// The shape of a generated database: how many schools, pairs and history rows.
struct DatasetProfile: Sendable {
    var name: String
    var schools: Int
    var pairsPerSchool: Int
    var coachesPerSchool: Int
    /// Micro-cycles (drop-in, its follow-up, an adaptation) each pair went through in the year.
    var cyclesPerPair: Int

    /// Two schools of ten pairs: enough to exercise every benchmark once (the smoke step).
    static let tiny = DatasetProfile(
        name: "tiny", schools: 2, pairsPerSchool: 10, coachesPerSchool: 2, cyclesPerPair: 3)
    /// 1,000 pairs in schools of the trust's size: the small side of B4.
    static let small = DatasetProfile(
        name: "small", schools: 10, pairsPerSchool: 100, coachesPerSchool: 10, cyclesPerPair: 9)
    /// A multi-academy trust: 20 schools, 2,000 pairs, a year of history.
    static let trust = DatasetProfile(
        name: "trust", schools: 20, pairsPerSchool: 100, coachesPerSchool: 10, cyclesPerPair: 9)
    /// National scale: 100,000 pairs and about 5,000,000 history rows.
    static let national = DatasetProfile(
        name: "national", schools: 1000, pairsPerSchool: 100, coachesPerSchool: 10, cyclesPerPair: 9)

    static let all = [tiny, small, trust, national]
}

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same database.
struct SeededRandom {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}

/// What a generation run produced.
struct DatasetSummary: Sendable {
    var pairs = 0
    var people = 0
    var history = 0
    var dropIns = 0
    var seconds = 0.0
    var bytes: Int64 = 0
}

/// Writes a database through the project's own schema: `SQLiteStore` creates and migrates the
/// file, then the rows go in with prepared statements in large transactions (no fsync while
/// generating; the file is renamed into place only when complete). The result is what a daemon
/// that had run the trust for a year would hold, and it opens it as its own.
struct DatasetGenerator {
    let profile: DatasetProfile
    /// The last day of the generated year (school-local); open items fall due after it.
    let anchor: LocalDate
    let seed: UInt64
    /// When the generated history ends: transitions before it count as raised already.
    let cutoff: Date

    func generate(to path: String) async throws -> DatasetSummary {
        let started = Date()
        let temporary = path + ".partial"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        do {
            // The daemon's own store creates the schema, with every migration.
            _ = try SQLiteStore(path: temporary)
        }
        var summary = try writeRows(to: temporary)
        // Back to the daemon's journal mode; transitions before the cutoff were raised while it ran,
        // and its persisted due items are current, as after a year of running.
        try await Self.finish(temporary, raisedBefore: cutoff)
        // Everything into the main file (the WAL would not follow a rename), then into place.
        try Self.checkpoint(temporary)
        for suffix in ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
            try? FileManager.default.removeItem(atPath: temporary + suffix)
        }
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        summary.seconds = Date().timeIntervalSince(started)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        summary.bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return summary
    }

    /// Every row, in large transactions without fsync (the file is not in place until complete).
    private func writeRows(to path: String) throws -> DatasetSummary {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let summary = try queue.writeWithoutTransaction { db in
            var summary = DatasetSummary()
            var writer = try RowWriter(db: db)
            var random = SeededRandom(seed: seed)
            try db.execute(sql: "BEGIN")
            for school in 1...profile.schools {
                try generateSchool(Int64(school), into: &writer, random: &random, summary: &summary)
                if writer.pending > 400_000 {
                    try db.execute(sql: "COMMIT; BEGIN")
                    writer.pending = 0
                }
            }
            try db.execute(sql: "COMMIT")
            return summary
        }
        try queue.close()
        return summary
    }

    private static func checkpoint(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
    }

    /// Through the store, closed before returning: raised marks, then the persisted due items.
    private static func finish(_ path: String, raisedBefore cutoff: Date) async throws {
        let store = try SQLiteStore(path: path)
        try await markRaised(store: store, before: cutoff)
        try await store.rebuildDueItems(policy: CyclePolicy())
        // Every pair's report facts, as the daemon would have kept them (B14 measures a kept store).
        _ = try await store.write { try $0.markStaleReportFacts(policy: CyclePolicy().reportFingerprint) }
        while try await store.refreshReportFacts(policy: CyclePolicy(), limit: 5_000, now: Date()) > 0 {}
    }

    /// Records every transition at or before `cutoff` as raised, as the daemon that lived through the
    /// year would have: a restart then catches up only what fell due since.
    static func markRaised(store: SQLiteStore, before cutoff: Date) async throws {
        let keys: [String] = try await store.read { store in
            var calendars: [Int64: SchoolCalendar] = [:]
            for school in try store.schools() { calendars[school.id] = try store.calendar(school: school.id) }
            var keys: [String] = []
            for state in try store.allPairStates() {
                guard let calendar = calendars[state.pair.school],
                    let item = DueCalculator.next(for: state, calendar: calendar, policy: CyclePolicy())
                else { continue }
                for (kind, at) in [(Transition.Kind.due, item.dueAt), (.overdue, item.overdueAt)] where at <= cutoff {
                    keys.append(Transition(kind: kind, item: item, at: at).key)
                }
            }
            return keys
        }
        _ = try await store.write { tx in try tx.markRaised(keys, at: cutoff) }
    }

    // MARK: One school

    private static let focuses = [
        "Questioning: wait time", "Cold calling with no hands up", "Checking for understanding with mini whiteboards",
        "Modelling worked examples", "Retrieval practice at the start of lessons", "Clear routines for transitions",
    ]
    private static let adaptations = [
        "Pause five seconds after every question", "Name three pupils before asking", "Show-me boards after each step",
        "Think aloud through one example", "Three retrieval questions on the board at the door",
    ]

    private func generateSchool(
        _ school: Int64, into writer: inout RowWriter, random: inout SeededRandom, summary: inout DatasetSummary
    ) throws {
        let zone = TimeZone(identifier: "Europe/London")!
        let dayStart = LocalTime("08:30")!
        let dayEnd = LocalTime("15:30")!
        try writer.school(id: school, name: "School \(school)", zone: zone.identifier, start: dayStart, end: dayEnd)
        let yearStart = anchor.adding(days: -365)
        let (terms, closures) = Self.calendarRows(from: yearStart.adding(days: -120), to: anchor.adding(days: 400))
        for (name, range) in terms { try writer.term(school: school, name: name, range: range) }
        for (reason, range) in closures { try writer.closure(school: school, reason: reason, range: range) }
        let calendar = SchoolCalendar(
            timeZone: zone, dayStart: dayStart, dayEnd: dayEnd, terms: terms.map(\.1), closures: closures.map(\.1))
        let setUp = calendar.instant(yearStart, LocalTime("07:30")!)
        try writer.history(at: setUp, kind: "school.added", school: school, pair: nil, subject: school)
        for (_, range) in terms {
            try writer.history(at: setUp, kind: "calendar.term_added", school: school, pair: nil, subject: nil)
            _ = range
        }
        // Coaches first (the first also leads the school), then one teacher per pair.
        var coaches: [Int64] = []
        for index in 0..<profile.coachesPerSchool {
            let roles = index == 0 ? "coach,lead" : "coach"
            coaches.append(try writer.person(name: "Coach \(school)-\(index + 1)", school: school, roles: roles))
            try writer.history(at: setUp, kind: "person.added", school: school, pair: nil, subject: coaches.last)
        }
        summary.people += profile.coachesPerSchool + profile.pairsPerSchool
        for index in 0..<profile.pairsPerSchool {
            let teacher = try writer.person(name: "Teacher \(school)-\(index + 1)", school: school, roles: "teacher")
            try writer.history(at: setUp, kind: "person.added", school: school, pair: nil, subject: teacher)
            let coach = coaches[index % coaches.count]
            // Each coach's pairs get their own drop-in slot, so no coach is ever double-booked.
            let slot = index / coaches.count
            try generatePair(
                school: school, teacher: teacher, coach: coach, slot: slot, calendar: calendar, yearStart: yearStart,
                writer: &writer, random: &random)
            summary.pairs += 1
        }
        summary.history = writer.historyCount
        summary.dropIns = writer.dropInCount
    }

    /// One pair's year: a focus, then micro-cycles (book, visit, follow up, adapt, practise),
    /// spread over the year; the last one is left wherever the anchor falls.
    private func generatePair(
        school: Int64, teacher: Int64, coach: Int64, slot: Int, calendar: SchoolCalendar, yearStart: LocalDate,
        writer: inout RowWriter, random: inout SeededRandom
    ) throws {
        let created = calendar.instant(yearStart.adding(days: random.below(10)), LocalTime("08:00")!)
        let pair = try writer.pair(school: school, teacher: teacher, coach: coach, createdAt: created)
        try writer.history(at: created, kind: "pair.created", school: school, pair: pair, subject: pair)
        let visitTime = LocalTime(minutes: 9 * 60 + (slot % 18) * 20)!
        let schoolDaysInYear = 190
        let spacing = max(7, schoolDaysInYear / max(profile.cyclesPerPair, 1))
        var day = calendar.firstSchoolDay(onOrAfter: calendar.localDate(of: created).adding(days: 1))
        var cycle = try writer.cycle(pair: pair, focus: Self.focuses[random.below(Self.focuses.count)], at: created)
        try writer.history(at: created, kind: "cycle.started", school: school, pair: pair, subject: cycle)
        var openAdaptation: (id: Int64, until: LocalDate)?
        for number in 0..<(profile.cyclesPerPair + 2) {
            if number == profile.cyclesPerPair / 2 {
                let at = calendar.instant(day, LocalTime("08:15")!)
                if at > cutoff { break }
                cycle = try writer.cycle(pair: pair, focus: Self.focuses[random.below(Self.focuses.count)], at: at)
                try writer.history(at: at, kind: "cycle.started", school: school, pair: pair, subject: cycle)
            }
            // Book the visit the school day before; the coach comes in at the pair's slot.
            let start = calendar.instant(day, visitTime)
            let booked = start.addingTimeInterval(-86_400)
            if booked > cutoff { break }
            if let open = openAdaptation {
                let closedAt = booked
                try writer.closeAdaptation(
                    open.id, at: closedAt, on: calendar.localDate(of: closedAt),
                    outcome: ["embedded", "continuing", "dropped"][random.below(3)])
                try writer.history(
                    at: closedAt, kind: "adaptation.closed", school: school, pair: pair, subject: open.id)
                openAdaptation = nil
            }
            let minutes = 10 + random.below(6)
            let done = start.addingTimeInterval(Double(minutes * 60 + 60))
            let completed = done <= cutoff
            let dropIn = try writer.dropIn(
                pair: pair, coach: coach, cycle: cycle, start: start, minutes: minutes,
                completedAt: completed ? done : nil,
                notes: completed ? "Visited; pupils answered in full sentences." : nil)
            try writer.history(at: booked, kind: "dropin.scheduled", school: school, pair: pair, subject: dropIn)
            guard completed else { break }
            try writer.history(at: done, kind: "dropin.completed", school: school, pair: pair, subject: dropIn)
            // The conversation: usually the next school day, sometimes later.
            let followDay = calendar.schoolDay(1 + (random.below(4) == 0 ? 1 : 0), after: day)
            let followAt = calendar.instant(followDay, LocalTime("15:45")!)
            if followAt > cutoff { break }
            let followUp = try writer.followUp(
                dropIn: dropIn, pair: pair, at: followAt, notes: "Agreed one small change.")
            try writer.history(at: followAt, kind: "followup.completed", school: school, pair: pair, subject: followUp)
            let until = calendar.schoolDay(5, after: followDay)
            let adaptation = try writer.adaptation(
                pair: pair, text: Self.adaptations[random.below(Self.adaptations.count)], at: followAt, on: followDay,
                days: 5, until: until)
            try writer.history(at: followAt, kind: "adaptation.set", school: school, pair: pair, subject: adaptation)
            openAdaptation = (adaptation, until)
            // The next visit: at the end of the practice window, or later when the coach is busy.
            day = calendar.schoolDay(max(spacing - 2 + random.below(5) - 2, 6), after: followDay)
        }
    }

    /// English school terms and closures (half-terms, Christmas, Easter, summer, bank holidays)
    /// for every academic year meeting the range.
    static func calendarRows(from: LocalDate, to: LocalDate) -> (
        terms: [(String, DateRange)], closures: [(String, DateRange)]
    ) {
        var terms: [(String, DateRange)] = []
        var closures: [(String, DateRange)] = []
        func date(_ y: Int, _ m: Int, _ d: Int) -> LocalDate { LocalDate(year: y, month: m, day: d)! }
        for year in (from.components.year - 1)...(to.components.year) {
            let autumn = DateRange(from: date(year, 9, 3), to: date(year, 12, 18))!
            let spring = DateRange(from: date(year + 1, 1, 5), to: date(year + 1, 3, 27))!
            let summer = DateRange(from: date(year + 1, 4, 13), to: date(year + 1, 7, 21))!
            guard summer.to >= from, autumn.from <= to else { continue }
            terms += [("Autumn \(year)", autumn), ("Spring \(year + 1)", spring), ("Summer \(year + 1)", summer)]
            closures += [
                ("Autumn half-term", DateRange(from: date(year, 10, 26), to: date(year, 10, 30))!),
                ("INSET day", DateRange(from: date(year, 11, 20), to: date(year, 11, 20))!),
                ("Spring half-term", DateRange(from: date(year + 1, 2, 15), to: date(year + 1, 2, 19))!),
                ("Early May bank holiday", DateRange(from: date(year + 1, 5, 4), to: date(year + 1, 5, 4))!),
                ("Summer half-term", DateRange(from: date(year + 1, 5, 25), to: date(year + 1, 5, 29))!),
            ]
        }
        return (terms, closures)
    }
}

/// Prepared INSERTs with explicit ids, so no row needs a read-back.
struct RowWriter {
    let db: Database
    private let schoolStatement: Statement
    private let termStatement: Statement
    private let closureStatement: Statement
    private let personStatement: Statement
    private let pairStatement: Statement
    private let cycleStatement: Statement
    private let dropInStatement: Statement
    private let followUpStatement: Statement
    private let adaptationStatement: Statement
    private let closeStatement: Statement
    private let historyStatement: Statement
    private var nextPerson: Int64 = 1
    private var nextPair: Int64 = 1
    private var nextCycle: Int64 = 1
    private var nextDropIn: Int64 = 1
    private var nextFollowUp: Int64 = 1
    private var nextAdaptation: Int64 = 1
    private(set) var historyCount = 0
    var dropInCount: Int { Int(nextDropIn - 1) }
    /// Rows written since the last commit.
    var pending = 0

    /// The uid given to person `id`: every person can be acted as with `setpriv`.
    static func uid(ofPerson id: Int64) -> Int64 { 100_000 + id }

    init(db: Database) throws {
        self.db = db
        schoolStatement = try db.makeStatement(
            sql: "INSERT INTO school (id, name, time_zone, day_start, day_end) VALUES (?, ?, ?, ?, ?)")
        termStatement = try db.makeStatement(
            sql: "INSERT INTO term (school, name, from_day, to_day) VALUES (?, ?, ?, ?)")
        closureStatement = try db.makeStatement(
            sql: "INSERT INTO closure (school, from_day, to_day, reason) VALUES (?, ?, ?, ?)")
        personStatement = try db.makeStatement(
            sql: "INSERT INTO person (id, name, school, roles, uid, login) VALUES (?, ?, ?, ?, ?, NULL)")
        pairStatement = try db.makeStatement(
            sql: "INSERT INTO pair (id, school, teacher, coach, active, created_at) VALUES (?, ?, ?, ?, 1, ?)")
        cycleStatement = try db.makeStatement(
            sql: "INSERT INTO cycle (id, pair, focus, started_at) VALUES (?, ?, ?, ?)")
        dropInStatement = try db.makeStatement(
            sql:
                "INSERT INTO dropin (id, pair, coach, cycle, start, minutes, completed_at, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        followUpStatement = try db.makeStatement(
            sql: "INSERT INTO followup (id, dropin, pair, completed_at, notes) VALUES (?, ?, ?, ?, ?)")
        adaptationStatement = try db.makeStatement(
            sql: """
                INSERT INTO adaptation (id, pair, text, set_at, set_on, school_days, practise_until)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        closeStatement = try db.makeStatement(
            sql: "UPDATE adaptation SET closed_at = ?, closed_on = ?, outcome = ? WHERE id = ?")
        historyStatement = try db.makeStatement(
            sql:
                "INSERT INTO history (at, actor_uid, actor, school, pair, kind, subject) VALUES (?, 0, NULL, ?, ?, ?, ?)"
        )
    }

    mutating func school(id: Int64, name: String, zone: String, start: LocalTime, end: LocalTime) throws {
        try schoolStatement.execute(arguments: [id, name, zone, start.minutes, end.minutes])
        pending += 1
    }

    mutating func term(school: Int64, name: String, range: DateRange) throws {
        try termStatement.execute(arguments: [school, name, range.from.dayNumber, range.to.dayNumber])
        pending += 1
    }

    mutating func closure(school: Int64, reason: String, range: DateRange) throws {
        try closureStatement.execute(arguments: [school, range.from.dayNumber, range.to.dayNumber, reason])
        pending += 1
    }

    mutating func person(name: String, school: Int64, roles: String) throws -> Int64 {
        let id = nextPerson
        nextPerson += 1
        try personStatement.execute(arguments: [id, name, school, roles, Self.uid(ofPerson: id)])
        pending += 1
        return id
    }

    mutating func pair(school: Int64, teacher: Int64, coach: Int64, createdAt: Date) throws -> Int64 {
        let id = nextPair
        nextPair += 1
        try pairStatement.execute(arguments: [id, school, teacher, coach, createdAt.timeIntervalSince1970])
        pending += 1
        return id
    }

    mutating func cycle(pair: Int64, focus: String, at: Date) throws -> Int64 {
        let id = nextCycle
        nextCycle += 1
        try cycleStatement.execute(arguments: [id, pair, focus, at.timeIntervalSince1970])
        pending += 1
        return id
    }

    mutating func dropIn(
        pair: Int64, coach: Int64, cycle: Int64, start: Date, minutes: Int, completedAt: Date?, notes: String?
    ) throws -> Int64 {
        let id = nextDropIn
        nextDropIn += 1
        try dropInStatement.execute(arguments: [
            id, pair, coach, cycle, start.timeIntervalSince1970, minutes, completedAt?.timeIntervalSince1970, notes,
        ])
        pending += 1
        return id
    }

    mutating func followUp(dropIn: Int64, pair: Int64, at: Date, notes: String?) throws -> Int64 {
        let id = nextFollowUp
        nextFollowUp += 1
        try followUpStatement.execute(arguments: [id, dropIn, pair, at.timeIntervalSince1970, notes])
        pending += 1
        return id
    }

    mutating func adaptation(pair: Int64, text: String, at: Date, on: LocalDate, days: Int, until: LocalDate) throws
        -> Int64
    {
        let id = nextAdaptation
        nextAdaptation += 1
        try adaptationStatement.execute(arguments: [
            id, pair, text, at.timeIntervalSince1970, on.dayNumber, days, until.dayNumber,
        ])
        pending += 1
        return id
    }

    mutating func closeAdaptation(_ id: Int64, at: Date, on: LocalDate, outcome: String) throws {
        try closeStatement.execute(arguments: [at.timeIntervalSince1970, on.dayNumber, outcome, id])
        pending += 1
    }

    mutating func history(at: Date, kind: String, school: Int64, pair: Int64?, subject: Int64?) throws {
        try historyStatement.execute(arguments: [at.timeIntervalSince1970, school, pair, kind, subject])
        historyCount += 1
        pending += 1
    }
}
