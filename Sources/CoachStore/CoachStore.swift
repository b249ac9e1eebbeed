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
}

/// Reads, inside a transaction or snapshot.
public protocol StoreReading {
    func school(_ id: Int64) throws -> School?
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
    /// Keys of transitions already raised.
    func raisedTransitions() throws -> Set<String>
    /// Counts of the tables, for status and tests.
    func count(of table: StoreTable) throws -> Int
}

/// Writes, inside one transaction. Inserts take an entity with any id and return the new id.
public protocol StoreWriting: StoreReading {
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
    /// Appends to the append-only history.
    func append(_ event: HistoryEvent) throws
    /// Records transitions as raised; returns the keys that were new (so each is raised once).
    func markRaised(_ keys: [String], at: Date) throws -> [String]
}

/// The tables, by name, for counts.
public enum StoreTable: String, Sendable, CaseIterable {
    case school, closure, term, person, pair, cycle, dropin, followup, adaptation, history
}

/// A store failure that is not the caller's fault: disk full, read-only, corrupt, too new.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unavailable, schemaTooNew, corrupt
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension StoreReading {
    public func pairState(_ pair: Pair) throws -> PairState {
        let dropIns = try dropIns(pair: pair.id)
        let last = dropIns.last
        let followUps = try followUps(pair: pair.id)
        return PairState(
            pair: pair, focus: try currentCycle(pair: pair.id), lastDropIn: last,
            lastDropInFollowedUp: last.map { dropIn in followUps.contains { $0.dropIn == dropIn.id } } ?? false,
            lastFollowUpAt: followUps.last?.completedAt, activeAdaptation: try activeAdaptation(pair: pair.id))
    }

    /// The calendar of a school, with its terms and closures.
    public func calendar(school id: Int64) throws -> SchoolCalendar? {
        guard let school = try school(id), let zone = TimeZone(identifier: school.timeZone) else { return nil }
        return SchoolCalendar(
            timeZone: zone, dayStart: school.dayStart, dayEnd: school.dayEnd,
            terms: try terms(school: id).map(\.range), closures: try closures(school: id).map(\.range))
    }
}
