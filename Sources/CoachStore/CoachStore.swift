public import CoachDomain
public import Foundation

/// Where coachd keeps its record. Every write runs as one transaction that is durable before the
/// call returns; a body that throws leaves nothing behind. SQLite is the embedded default; the
/// protocol admits other backends (PostgreSQL for a multi-school trust).
public protocol CoachStore: Sendable {
    /// Runs `body` over a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReading) throws -> T) async throws -> T
    /// Runs `body` in one serialised transaction; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreWriting) throws -> T) async throws -> T
    /// The last applied migration.
    func schemaVersion() async throws -> String
    /// Writes an online, consistent copy of the whole store to a new file at `path`.
    func backup(to path: String) async throws
    /// After an erasure: leaves no copy of changed or deleted text in the store's files (SQLite:
    /// rebuilds the file and empties the write-ahead log). Returns false when another reader kept
    /// the log from being emptied (it is at the next checkpoint).
    func purgeFreedSpace() async throws -> Bool
}

/// Reads, inside a transaction or snapshot.
public protocol StoreReading: QuestionReading, PeerGroupReading {
    func school(_ id: Int64) throws -> School?
    /// The calendar of a school, with its terms and closures; nil for an unknown school.
    func calendar(school id: Int64) throws -> SchoolCalendar?
    func schools() throws -> [School]
    func closures(school: Int64) throws -> [Closure]
    func terms(school: Int64) throws -> [Term]
    func person(_ id: Int64) throws -> Person?
    func person(uid: Int64) throws -> Person?
    func people(school: Int64?) throws -> [Person]
    func pair(_ id: Int64) throws -> Pair?
    /// Pairs, optionally of one school and/or with one person as teacher or coach.
    func pairs(school: Int64?, person: Int64?) throws -> [Pair]
    func activePair(teacher: Int64, coach: Int64) throws -> Pair?
    func cycles(pair: Int64) throws -> [Cycle]
    func currentCycle(pair: Int64) throws -> Cycle?
    func dropIn(_ id: Int64) throws -> DropIn?
    func dropIns(pair: Int64) throws -> [DropIn]
    /// The coach's drop-ins that meet the half-open interval [from, to).
    func dropIns(coach: Int64, overlapping from: Date, _ to: Date) throws -> [DropIn]
    func followUp(dropIn: Int64) throws -> FollowUp?
    func followUps(pair: Int64) throws -> [FollowUp]
    func adaptation(_ id: Int64) throws -> Adaptation?
    func activeAdaptation(pair: Int64) throws -> Adaptation?
    func adaptations(pair: Int64) throws -> [Adaptation]
    func history(pair: Int64) throws -> [HistoryEvent]
    /// What the due calculation needs for one pair.
    func pairState(_ pair: Pair) throws -> PairState
    /// Every active pair's state, read in bulk (start-up, catch-up).
    func allPairStates() throws -> [PairState]
    /// The active pairs of one school, by id, each with exactly what `pairState(_:)` reads for it,
    /// in one query per table instead of several per pair (a calendar change recomputes a school).
    func pairStates(school: Int64) throws -> [PairState]
    /// Keys of transitions already raised.
    func raisedTransitions() throws -> Set<String>
    /// The pair's most recent drop-in, done or not, leaving out cancelled ones.
    func lastDropIn(pair: Int64) throws -> DropIn?
    /// The pair's most recent follow-up.
    func lastFollowUp(pair: Int64) throws -> FollowUp?
    /// The pair's persisted next due item (kept current by every change).
    func dueItem(pair: Int64) throws -> DueItem?
    /// Persisted due items with their pairs, optionally of one school and/or with one person in the
    /// pair; read by index, so the cost follows the answer, not the database.
    func dueItems(school: Int64?, person: Int64?) throws -> [(pair: Pair, item: DueItem)]
    /// Names of people by id; unknown ids are left out.
    func names(of people: Set<Int64>) throws -> [Int64: String]
    /// When the soonest due/overdue transition not yet raised falls (the least persisted
    /// `DueSchedule.nextAt`, by index).
    func nextTransitionTime() throws -> Date?
    /// The pair's persisted schedule: its item and what of it was raised.
    func dueSchedule(pair: Int64) throws -> DueSchedule?
    /// The school's persisted schedules (`due_item.school`), by pair, in one query.
    func dueSchedules(school: Int64) throws -> [Int64: DueSchedule]
    /// At most `limit` schedules whose next transition falls by `instant`, soonest first.
    func dueSchedules(until instant: Date, limit: Int) throws -> [DueSchedule]
    /// Whether a transition (by `Transition.key`) was recorded as raised.
    func isRaised(_ key: String) throws -> Bool
    /// How many pairs have a due item.
    func dueItemCount() throws -> Int
    /// How many items are overdue at `instant`.
    func overdueCount(at instant: Date) throws -> Int
    /// How many items of the schools in `timeZone` fall due on `day` and are not overdue at `instant`.
    func dueCount(on day: LocalDate, timeZone: String, notOverdueAt instant: Date) throws -> Int
    /// The time zones schools are in.
    func timeZones() throws -> [String]
    /// The policy fingerprint the persisted due items were computed with (nil: never computed).
    func duePolicy() throws -> String?
    /// Counts of the tables, for status and tests.
    func count(of table: StoreTable) throws -> Int
    /// One closure, by id.
    func closure(_ id: Int64) throws -> Closure?
    /// One term, by id.
    func term(_ id: Int64) throws -> Term?
    /// When the latest drop-in booked after the pair's last live one was cancelled (nil: none).
    func lastCancelledAt(pair: Int64) throws -> Date?
    /// The earlier times of a moved drop-in, oldest first.
    func dropInMoves(dropIn: Int64) throws -> [DropInMove]
    /// This installation's random id (issue 13: the domain of exported UIDs); nil before v5.
    func installationID() throws -> String?
    /// Changes to a person themself (`person.*` events about them, outside any pair), oldest first.
    func personHistory(person: Int64) throws -> [HistoryEvent]
    /// Every drop-in, follow-up, adaptation and cycle of the school's pairs, grouped by pair, without
    /// their texts (`SchoolRecords`): one query per table instead of four per pair (reports and
    /// coverage read a whole school).
    func records(school: Int64) throws -> SchoolRecords
    /// The school's kept report facts by pair: only those counted under `policy`
    /// (`CyclePolicy.reportFingerprint`) and the school's current calendar, for pairs nothing has
    /// changed since, and whose bytes read back as facts. A pair left out is counted from its records.
    func reportFacts(school: Int64, policy: String) throws -> [Int64: ReportFacts]
    /// The policy pairs were last listed under (`markStaleReportFacts`); nil before the first time.
    func reportFactsPolicy() throws -> String?
    /// Pairs whose report facts wait to be counted again, lowest id first, at most `limit`.
    func staleReportPairs(limit: Int) throws -> [Int64]
    /// The school's drop-ins by pair, in id order, in one query, without their texts (notes and
    /// cancel reasons nil): what coverage counts.
    func dropIns(school: Int64) throws -> [Int64: [DropIn]]
    /// Kept live events with a seq greater than `seq`, oldest first, at most `limit`.
    func liveEvents(after seq: Int64, limit: Int) throws -> [LiveEvent]
    /// The highest seq ever recorded (pruned or not) and the highest pruned, 0 for none.
    func liveEventBounds() throws -> (newest: Int64, prunedThrough: Int64)

    // MARK: The peer programme (issue 14)
    func region(_ id: Int64) throws -> Region?
    /// The region with exactly this name.
    func region(named name: String) throws -> Region?
    /// Every region, by name.
    func regions() throws -> [Region]
    /// Every period, oldest first.
    func periods() throws -> [Period]
    func peerPair(_ id: Int64) throws -> PeerPair?
    /// Peer pairs, optionally only those with `person` as one of the two heads, by id.
    func peerPairs(person: Int64?) throws -> [PeerPair]
    /// The active peer pair of these two heads, in either order.
    func activePeerPair(_ a: Int64, _ b: Int64) throws -> PeerPair?
    func peerSession(_ id: Int64) throws -> PeerSession?
    /// A peer pair's sessions, by start.
    func peerSessions(peer: Int64) throws -> [PeerSession]
}

/// How many texts an erasure blanked in one pair.
public struct ErasedTexts: Sendable, Hashable {
    public var focuses = 0
    public var dropInNotes = 0
    public var followUpNotes = 0
    public var adaptations = 0
    /// Cancel reasons of its drop-ins and the pair's end reason.
    public var reasons = 0

    public init() {}

    public static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.focuses += rhs.focuses
        sum.dropInNotes += rhs.dropInNotes
        sum.followUpNotes += rhs.followUpNotes
        sum.adaptations += rhs.adaptations
        sum.reasons += rhs.reasons
        return sum
    }
}

/// A school's coaching record by pair, each list in id order (`StoreReading.records(school:)`), for
/// counting: the texts are not read (notes and cancel reasons nil, adaptations' text and cycles' focus
/// empty), so a report reads only the columns it counts and no text can reach it.
public struct SchoolRecords: Sendable {
    public var dropIns: [Int64: [DropIn]] = [:]
    public var followUps: [Int64: [FollowUp]] = [:]
    public var adaptations: [Int64: [Adaptation]] = [:]
    public var cycles: [Int64: [Cycle]] = [:]
    public init() {}
}

/// A drop-in's earlier start and length, kept when it is moved.
public struct DropInMove: Sendable, Hashable {
    public var dropIn: Int64
    public var fromStart: Date
    public var fromMinutes: Int
    public var toStart: Date
    public var toMinutes: Int
    public var at: Date

    public init(dropIn: Int64, fromStart: Date, fromMinutes: Int, toStart: Date, toMinutes: Int, at: Date) {
        self.dropIn = dropIn
        self.fromStart = fromStart
        self.fromMinutes = fromMinutes
        self.toStart = toStart
        self.toMinutes = toMinutes
        self.at = at
    }
}

/// Writes, inside one transaction. Inserts take an entity with any id and return the new id.
public protocol StoreWriting: StoreReading, QuestionWriting, PeerGroupWriting {
    func insert(_ school: School) throws -> Int64
    func insert(_ closure: Closure) throws -> Int64
    func insert(_ term: Term) throws -> Int64
    func insert(_ person: Person) throws -> Int64
    func insert(_ pair: Pair) throws -> Int64
    func insert(_ cycle: Cycle) throws -> Int64
    func insert(_ dropIn: DropIn) throws -> Int64
    func completeDropIn(_ id: Int64, at: Date, notes: String?) throws
    func insert(_ followUp: FollowUp) throws -> Int64
    func insert(_ adaptation: Adaptation) throws -> Int64
    func closeAdaptation(_ id: Int64, at: Date, on: LocalDate, outcome: Outcome) throws
    /// Marks a booked drop-in cancelled, with why.
    func cancelDropIn(_ id: Int64, at: Date, reason: String) throws
    /// Moves a booked drop-in, keeping its old times in the record.
    func moveDropIn(_ id: Int64, start: Date, minutes: Int, at: Date) throws
    /// Ends a pair (kept, inactive), with why.
    func endPair(_ id: Int64, at: Date, reason: String) throws
    /// Replaces a person's name, roles and Unix identity.
    func update(_ person: Person) throws
    /// Deactivates a person, with why.
    func deactivatePerson(_ id: Int64, at: Date, reason: String) throws
    /// Replaces every text of a pair (focuses, notes, adaptations, reasons) with `placeholder` or
    /// nothing; the rows stay, so counts stay right. Returns how many texts there were.
    func eraseTexts(pair: Int64, placeholder: String) throws -> ErasedTexts
    /// Replaces a person's name, drops their Unix link and deactivation reason, and deactivates
    /// them if active. Returns whether they had a deactivation reason.
    func erasePerson(_ id: Int64, name: String, reason: String, at: Date) throws -> Bool
    /// Removes a closure; returns whether there was one.
    /// Changes a closure's dates, reason and source (a re-import).
    func update(_ closure: Closure) throws
    /// Changes a term's name, dates and source (a re-import).
    func update(_ term: Term) throws
    @discardableResult func deleteClosure(_ id: Int64) throws -> Bool
    /// Removes a term; returns whether there was one.
    @discardableResult func deleteTerm(_ id: Int64) throws -> Bool
    /// Appends to the append-only history.
    func append(_ event: HistoryEvent) throws
    /// Records transitions as raised; returns the keys that were new (so each is raised once).
    func markRaised(_ keys: [String], at: Date) throws -> [String]
    /// Persists a pair's schedule as the domain made it (nil removes it), with its `nextAt`.
    func setDueSchedule(pair: Int64, _ schedule: DueSchedule?) throws
    /// Removes every persisted due item (before a rebuild).
    func removeAllDueItems() throws
    /// Records the policy fingerprint the persisted items were computed with.
    func setDuePolicy(_ fingerprint: String) throws
    /// Keeps a pair's report facts, counted in this transaction under `policy` and the school's
    /// current calendar (nil: the pair has none, e.g. it is gone), and takes it off the stale list.
    func putReportFacts(pair: Int64, school: Int64, policy: String, facts: [UInt8]?) throws
    /// When `policy` is not the one pairs were last listed under (the first time after the
    /// `v11-report-facts` migration, or after a change of `cycle.*`): lists every pair whose kept facts
    /// are missing or counted under another policy or calendar, and records `policy`. Returns how many
    /// pairs were added (0 without a change of policy: the triggers list everything else).
    @discardableResult func markStaleReportFacts(policy: String) throws -> Int

    /// Records the live event of a raised transition (`due`/`overdue`, with the pair's people).
    func recordLiveEvent(raising transition: Transition) throws
    /// Records a live event in the transaction; returns its seq (increasing, never reused).
    @discardableResult func record(_ event: LiveEvent) throws -> Int64
    /// Removes the oldest events up to the last one that happened before `cutoff` (a prefix of
    /// the sequence, so what is kept has no gaps); returns how many went.
    @discardableResult func pruneLiveEvents(before cutoff: Date) throws -> Int

    // MARK: The peer programme (issue 14)
    func insert(_ region: Region) throws -> Int64
    /// Puts a school in a region (nil: in none).
    func setRegion(school: Int64, region: Int64?) throws
    /// Records when a person was accredited as a coach (nil: not accredited).
    func setAccredited(person: Int64, on day: LocalDate?) throws
    func insert(_ period: Period) throws -> Int64
    func insert(_ pair: PeerPair) throws -> Int64
    func insert(_ session: PeerSession) throws -> Int64
    /// Marks a peer session done, with its notes (confidential to the two heads).
    func completePeerSession(_ id: Int64, at: Date, notes: String?) throws
    /// Marks a booked peer session cancelled, with why (confidential to the two heads).
    func cancelPeerSession(_ id: Int64, at: Date, reason: String) throws
    /// An erasure (`people.erase`): replaces the notes of every session of the person's peer pairs
    /// with `placeholder` and ends those pairs; returns how many notes there were.
    /// Blanks every text of the person's peer pairs (session notes, agreements, themes) and the
    /// themes they added to a group; ends their peer pairs. Returns how many texts were blanked.
    func erasePeerTexts(person: Int64, placeholder: String) throws -> Int
}

extension StoreWriting {
    /// Sets a pair's next due item (nil removes it) as the domain schedules it
    /// (`DueSchedule.setting`: the same item keeps its marks, a new one takes them from the raised
    /// record), and persists it when it changed. Returns when its next transition not yet raised falls.
    @discardableResult
    public func setDueItem(pair: Int64, _ item: DueItem?) throws -> Date? {
        try setDueItem(pair: pair, item, over: try dueSchedule(pair: pair))
    }

    /// The same, over the pair's schedule as already read in this transaction (`current`, nil: none).
    @discardableResult
    public func setDueItem(pair: Int64, _ item: DueItem?, over current: DueSchedule?) throws -> Date? {
        let schedule = try DueSchedule.setting(item, over: current, isRaised: isRaised)
        if schedule != current { try setDueSchedule(pair: pair, schedule) }
        return schedule?.nextAt
    }

    /// Raises what has come by `instant` from at most `limit` schedules (soonest first), as the
    /// domain decides (`DueScheduler.fire`): records each transition's key, then the live event of
    /// each recorded for the first time, and the schedules as they become. Returns the transitions
    /// raised for the first time, soonest first: each is raised exactly once.
    public func raiseTransitions(until instant: Date, limit: Int) throws -> [Transition] {
        let (transitions, schedules) = DueScheduler.fire(
            try dueSchedules(until: instant, limit: limit), now: instant)
        let fresh = Set(try markRaised(transitions.map(\.key), at: instant))
        // The live event, in the transaction that raises it: raised once, told once.
        for transition in transitions where fresh.contains(transition.key) {
            try recordLiveEvent(raising: transition)
        }
        for schedule in schedules { try setDueSchedule(pair: schedule.item.pair, schedule) }
        return transitions.filter { fresh.contains($0.key) }.sorted { ($0.at, $0.item.pair) < ($1.at, $1.item.pair) }
    }
}

extension CoachStore {
    /// Recomputes every active pair's due item from its history, in one transaction, and records
    /// the policy they were computed with. Run on the first start after the `v2-due-item`
    /// migration and whenever the cycle policy changes; returns how many items there are.
    @discardableResult
    public func rebuildDueItems(policy: CyclePolicy) async throws -> Int {
        try await write { tx in
            var calendars: [Int64: SchoolCalendar] = [:]
            for school in try tx.schools() { calendars[school.id] = try tx.calendar(school: school.id) }
            try tx.removeAllDueItems()
            var count = 0
            for state in try tx.allPairStates() {
                guard let calendar = calendars[state.pair.school],
                    let item = DueCalculator.next(for: state, calendar: calendar, policy: policy)
                else { continue }
                try tx.setDueItem(pair: state.pair.id, item)
                count += 1
            }
            try tx.setDuePolicy(policy.dueFingerprint)
            return count
        }
    }
}

extension CoachStore {
    /// Counts again the report facts of at most `limit` stale pairs (lowest ids first), in one
    /// transaction, so each is counted from rows no other write can change meanwhile; returns how many
    /// pairs it took off the list (0: none waited). `now` only places the school-day index: the facts
    /// are the same whatever it covers.
    @discardableResult
    public func refreshReportFacts(policy: CyclePolicy, limit: Int, now: Date) async throws -> Int {
        let fingerprint = policy.reportFingerprint
        return try await write { tx in
            let stale = try tx.staleReportPairs(limit: limit)
            var indexes: [Int64: SchoolDayIndex] = [:]
            for id in stale {
                guard let pair = try tx.pair(id), let calendar = try tx.calendar(school: pair.school) else {
                    try tx.putReportFacts(pair: id, school: 0, policy: fingerprint, facts: nil)
                    continue
                }
                let today = calendar.localDate(of: now)
                let days =
                    indexes[pair.school]
                    ?? ReportCalculator.dayIndex(
                        calendar: calendar, around: DateRange(from: today, to: today)!, earliest: nil)
                indexes[pair.school] = days
                try tx.putReportFacts(
                    pair: id, school: pair.school, policy: fingerprint,
                    facts: ReportCalculator.facts(try tx.reportRecord(of: pair), days: days, policy: policy).encoded)
            }
            return stale.count
        }
    }
}

/// The tables, by name, for counts.
public enum StoreTable: String, Sendable, CaseIterable {
    case school, closure, term, person, pair, cycle, dropin, followup, adaptation, history
    case dueItem = "due_item"
}

/// A store failure that is not the caller's fault: disk full, read-only, corrupt, too new.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unavailable, schemaTooNew, corrupt
        /// Another instance on the same database changed what this transaction read, at the same
        /// moment (PostgreSQL's serialization failure or deadlock, issue 15): nothing was changed.
        case conflict
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// `values` by the pair each belongs to; of two for one pair, the later in `values` wins. The school-wide
/// reads of both stores (`pairStates(school:)`) key their rows this way.
package func byPair<T>(_ values: [T], _ pair: (T) -> Int64) -> [Int64: T] {
    Dictionary(values.map { (pair($0), $0) }, uniquingKeysWith: { _, later in later })
}

extension StoreReading {
    /// A handful of indexed lookups, whatever the length of the pair's history.
    public func pairState(_ pair: Pair) throws -> PairState {
        let last = try lastDropIn(pair: pair.id)
        let lastFollowUp = try lastFollowUp(pair: pair.id)
        let followedUp: Bool
        if let last {
            followedUp = lastFollowUp?.dropIn == last.id ? true : try followUp(dropIn: last.id) != nil
        } else {
            followedUp = false
        }
        return PairState(
            pair: pair, focus: try currentCycle(pair: pair.id), lastDropIn: last, lastDropInFollowedUp: followedUp,
            lastFollowUpAt: lastFollowUp?.completedAt, activeAdaptation: try activeAdaptation(pair: pair.id),
            lastCancelledAt: try lastCancelledAt(pair: pair.id))
    }

    /// The pair's rows as a report counts them: four indexed reads.
    public func reportRecord(of pair: Pair) throws -> ReportPairRecord {
        ReportPairRecord(
            pair: pair, dropIns: try dropIns(pair: pair.id), followUps: try followUps(pair: pair.id),
            adaptations: try adaptations(pair: pair.id), cycleStarts: try cycles(pair: pair.id).map(\.startedAt))
    }

    /// The calendar of a school, with its terms and closures (the default: read every time).
    public func calendar(school id: Int64) throws -> SchoolCalendar? {
        try readCalendar(school: id)
    }

    /// The calendar of a school, read from its rows.
    public func readCalendar(school id: Int64) throws -> SchoolCalendar? {
        guard let school = try school(id), let zone = TimeZone(identifier: school.timeZone) else { return nil }
        return SchoolCalendar(
            timeZone: zone, dayStart: school.dayStart, dayEnd: school.dayEnd,
            terms: try terms(school: id).map(\.range), closures: try closures(school: id).map(\.range))
    }
}

extension StoreReading {
    /// Every active peer pair's sessions due (issue 14), computed from the periods and sessions:
    /// a few rows per pair, so computed when asked rather than kept.
    public func sessionDues() throws -> [SessionDue] {
        let periods = try periods()
        guard !periods.isEmpty else { return [] }
        var out: [SessionDue] = []
        for pair in try peerPairs(person: nil) where pair.active {
            guard let head = try person(pair.a), let calendar = try calendar(school: head.school) else { continue }
            out += PeerRules.sessionsDue(
                pair, createdOn: calendar.localDate(of: pair.createdAt), periods: periods,
                sessions: try peerSessions(peer: pair.id), calendar: calendar)
        }
        return out
    }

    /// When the soonest session or supervision transition not yet raised falls (nil: none).
    public func nextSessionTransitionTime() throws -> Date? {
        try nextSessionTransitionTime(sessions: sessionDues(), meetings: supervisionDues())
    }

    /// The same, over dues already loaded in this transaction.
    public func nextSessionTransitionTime(sessions: [SessionDue], meetings: [SupervisionDue]) throws -> Date? {
        let raised = try raisedTransitions()
        let times =
            sessions.flatMap(\.transitions).filter { !raised.contains($0.key) }.map(\.at)
            + meetings.flatMap(\.transitions).filter { !raised.contains($0.key) }.map(\.at)
        return times.min()
    }

    /// The calendar a supervision group's times are read in: its first member's school's.
    public func groupCalendar(_ group: SupervisionGroup) throws -> SchoolCalendar? {
        for member in group.members {
            if let person = try person(member), let calendar = try calendar(school: person.school) {
                return calendar
            }
        }
        return nil
    }

    /// Every supervision group's meetings due, one per term (issue 14), computed when asked like
    /// the sessions due.
    public func supervisionDues() throws -> [SupervisionDue] {
        let periods = try periods()
        guard !periods.isEmpty else { return [] }
        var out: [SupervisionDue] = []
        for group in try supervisionGroups(region: nil) {
            guard let calendar = try groupCalendar(group) else { continue }
            out += PeerGroupRules.supervisionDues(
                group, createdOn: calendar.localDate(of: group.createdAt), periods: periods,
                meetings: try groupMeetings(group: group.id), calendar: calendar)
        }
        return out
    }
}
