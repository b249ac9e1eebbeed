import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Logging

/// The application: turns wire requests into domain decisions and store transactions, checks
/// who may do what, and keeps the due timer current. Each changing call is one transaction,
/// durable before it returns.
final class CoachService: Sendable {
    let store: any CoachStore
    let timer: DueTimer
    private let settings: Settings
    let admins: AdminPolicy
    let now: @Sendable () -> Date
    let logger: Logger
    let version: String
    let startedAt: Date
    /// Snapshots being taken or read by `backup.*`.
    let backups: BackupSnapshots
    /// Encoded due.list answers per caller, dropped on every committed change.
    let dueListCache: DueListCache
    /// Whole-school `reports.summary` and `coverage.list` answers (issue 12, performance).
    let leadsViewCache: LeadsViewCache
    /// Live events to subscribers (`events.subscribe`).
    let events: EventHub
    /// Counts the report facts a change made stale (issue 12, B14).
    let reportFacts: ReportFactsKeeper

    init(
        store: any CoachStore, timer: DueTimer, configuration: DaemonConfiguration, admins: AdminPolicy,
        now: @escaping @Sendable () -> Date, logger: Logger, version: String
    ) {
        self.store = store
        self.timer = timer
        let settings = Settings(configuration)
        self.settings = settings
        self.admins = admins
        self.now = now
        self.logger = logger
        self.version = version
        self.startedAt = now()
        self.backups = BackupSnapshots(
            stateDirectory: configuration.stateDirectory, store: store, logger: logger, now: now)
        self.dueListCache = DueListCache(enabled: configuration.cacheDueList)
        self.leadsViewCache = LeadsViewCache(enabled: configuration.cacheLeadsView, shared: store is any SharedStore)
        self.events = EventHub(store: store, logger: logger, now: now)
        self.reportFacts = ReportFactsKeeper(
            store: store, policy: { settings.current.policy }, now: now, logger: logger)
    }

    /// The configuration in effect (replaced on reload).
    var configuration: DaemonConfiguration { settings.current }

    var policy: CyclePolicy { configuration.policy }

    /// Applies a reloaded configuration's reloadable parts; returns what could not be applied live.
    func reload(_ new: DaemonConfiguration) async throws -> [String] {
        let old = settings.current
        let needsRestart = ConfigurationKeys.needingRestart(from: old, to: new)
        settings.replace(new)
        admins.set(group: new.adminGroup)
        if new.policy != old.policy {
            try await timer.load(policy: new.policy)
        }
        if new.policy.reportFingerprint != old.policy.reportFingerprint {
            try await reportFacts.policyLoaded()
        }
        dropCachedAnswers()
        return needsRestart
    }

    /// Every cached answer (`due.list`, the lead's view) is stale: after a committed change, a
    /// reload, or a change another instance on the same database committed.
    func dropCachedAnswers() {
        dueListCache.invalidate()
        leadsViewCache.invalidate()
    }

    /// Resolves the caller inside the transaction that serves them.
    func caller(_ uid: UInt32, gid: UInt32, in store: any StoreReading) throws -> Caller {
        Caller(uid: Int64(uid), person: try store.person(uid: Int64(uid)), isAdmin: admins.isAdmin(uid: uid, gid: gid))
    }

    /// A caller who must be known (admin or linked person).
    func knownCaller(_ uid: UInt32, gid: UInt32, in store: any StoreReading) throws -> Caller {
        let caller = try caller(uid, gid: gid, in: store)
        guard caller.isAdmin || caller.person != nil else { throw DomainError.unknownCaller }
        return caller
    }

    /// Runs a changing call: one transaction that also returns the pairs whose due item changed,
    /// which the timer learns after the commit.
    func change<T: Sendable>(
        _ body: @escaping @Sendable (any StoreWriting, inout DueChanges) throws -> T
    ) async throws -> T {
        let (result, changes) = try await store.write { tx in
            var changes = DueChanges()
            let result = try body(tx, &changes)
            return (result, changes)
        }
        // Committed: the live events it recorded go out first (never waits: the hub's pump reads
        // them), so no subscriber waits for the timer's actor or the journal (issue 12, B16).
        events.poke()
        reportFacts.poke()
        // No cached answer may predate it once the caller hears back.
        dropCachedAnswers()
        await timer.apply(changes)
        for event in changes.events
        where event.kind == JournalEvent.personUpdated.rawValue
            || event.kind == JournalEvent.personDeactivated.rawValue
        {
            if let person = event.subject { await events.drop(person: person) }
        }
        // Logged only once committed: the journal never tells of a change that did not happen.
        // Ids and kinds only (never note text); a field the event does not have is left out.
        for (index, event) in changes.events.enumerated() {
            var metadata: Logger.Metadata = ["coachd.event": "\(event.kind)", "coachd.peer_uid": "\(event.actorUid)"]
            for (key, value) in changes.journalFields[index] ?? [:] { metadata[key] = "\(value)" }
            if let pair = event.pair { metadata["coachd.pair"] = "\(pair)" }
            if let school = event.school { metadata["coachd.school"] = "\(school)" }
            if let subject = event.subject { metadata["coachd.subject"] = "\(subject)" }
            logger.info("\(event.kind) by uid \(event.actorUid)\(Self.journalIDs(event))", metadata: metadata)
        }
        return result
    }

    /// `: pair 3, school 1, subject 12` — the ids an event names, for its journal MESSAGE.
    static func journalIDs(_ event: HistoryEvent) -> String {
        let ids = [("pair", event.pair), ("school", event.school), ("subject", event.subject)]
            .compactMap { name, id in id.map { "\(name) \($0)" } }
        return ids.isEmpty ? "" : ": " + ids.joined(separator: ", ")
    }

    /// Appends to the history in the transaction, and queues the journal event for after the commit.
    func history(
        _ tx: any StoreWriting, _ changes: inout DueChanges, _ caller: Caller, _ kind: JournalEvent, school: Int64?,
        pair: Int64?, subject: Int64?
    ) throws {
        // The history's kind is the journal event's name, so every recorded change has a MESSAGE_ID.
        let event = HistoryEvent(
            at: now(), actorUid: caller.uid, actor: caller.person?.id, school: school, pair: pair, kind: kind.rawValue,
            subject: subject)
        try tx.append(event)
        changes.events.append(event)
        // The live event, in the same transaction: never lost, never told of a change rolled back.
        if let live = LiveEvent.Kind(history: kind.rawValue), let school {
            var record = LiveEvent(at: event.at, kind: live, school: school, pair: pair)
            if let pair, let row = try tx.pair(pair) {
                record.teacher = row.teacher
                record.coach = row.coach
            }
            if [.dropInBooked, .dropInCancelled, .dropInMoved, .dropInDone].contains(live) { record.dropIn = subject }
            try tx.record(record)
        }
    }

    func calendar(_ school: Int64, _ store: any StoreReading) throws -> SchoolCalendar {
        guard let calendar = try store.calendar(school: school) else {
            throw DomainError.notFound("school", school, field: "school")
        }
        return calendar
    }

    func pair(_ id: Int64, _ store: any StoreReading, field: String = "pair") throws -> Pair {
        guard let pair = try store.pair(id) else { throw DomainError.notFound("pair", id, field: field) }
        return pair
    }

    // MARK: Ids the caller names, checked before anything about them is said

    /// The refusal for an id the caller may not see: the same whether it exists or not, so it
    /// tells nothing about another school's people, pairs or bookings.
    static func hidden(_ what: String, _ id: Int64, field: String) -> DomainError {
        DomainError(
            .permissionDenied, "\(what) \(id) was not found or is not yours", field: field,
            hint: "check the id; \(whereToLook(what))")
    }

    /// The command that lists what the caller may see of `what`, for a refusal's hint.
    static func whereToLook(_ what: String) -> String {
        switch what {
        case "school": "coachctl school list shows the schools"
        case "person": "coachctl person list shows the people you may see"
        case "closure", "term": "coachctl calendar list shows a school's terms and closures"
        case "peer pair", "session", "agreement", "theme":
            "coachctl peer list shows the peer pairs you may see, coachctl session list --peer ID their sessions"
        case "group", "meeting": "coachctl group list shows the supervision groups you may see"
        default: "coachctl pair list shows the pairs you may see"
        }
    }

    /// The refusal for an id `caller` may not see or that does not exist: `NotFound` for an admin
    /// (who may see everything), the same `hidden` words for everyone else.
    static func unseen(_ what: String, _ id: Int64, field: String, by caller: Caller) -> DomainError {
        caller.isAdmin ? DomainError.notFound(what, id, field: field) : hidden(what, id, field: field)
    }

    /// A pair the caller may see (an admin, the school's lead, or one of its two people).
    func visiblePair(_ id: Int64, to caller: Caller, _ store: any StoreReading, field: String = "pair") throws -> Pair {
        guard let pair = try store.pair(id), caller.canSee(pair) else {
            throw Self.unseen("pair", id, field: field, by: caller)
        }
        return pair
    }

    /// A drop-in of a pair the caller may see, with its pair.
    func visibleDropIn(_ id: Int64, to caller: Caller, _ store: any StoreReading, field: String = "dropin") throws
        -> (DropIn, Pair)
    {
        guard let dropIn = try store.dropIn(id), let pair = try store.pair(dropIn.pair), caller.canSee(pair) else {
            throw Self.unseen("drop-in", id, field: field, by: caller)
        }
        return (dropIn, pair)
    }

    /// A school the caller manages (an admin, or its lead).
    func managedSchool(_ id: Int64, by caller: Caller, _ store: any StoreReading, field: String = "school") throws {
        guard caller.canManage(school: id) else { throw Self.hidden("school", id, field: field) }
        guard try store.school(id) != nil else { throw DomainError.notFound("school", id, field: field) }
    }

    /// A person the caller manages (an admin, or the lead of the person's school).
    func managedPerson(_ id: Int64, by caller: Caller, _ store: any StoreReading, field: String) throws -> Person {
        guard let person = try store.person(id), caller.canManage(school: person.school) else {
            throw Self.unseen("person", id, field: field, by: caller)
        }
        return person
    }

    func date(_ text: String, field: String) throws -> LocalDate {
        guard let date = LocalDate(text) else {
            throw DomainError.invalid(
                "\"\(TextRules.printable(text, limit: 40))\" is not a date as YYYY-MM-DD", field: field)
        }
        return date
    }

    func range(_ from: String, _ to: String, maxDays: Int) throws -> DateRange {
        let start = try date(from, field: "from")
        let end = try date(to, field: "to")
        guard let range = DateRange(from: start, to: end) else {
            throw DomainError.invalid("\"to\" (\(end)) is before \"from\" (\(start))", field: "to")
        }
        guard end.dayNumber - start.dayNumber < maxDays else {
            throw DomainError.invalid("the range spans more than \(maxDays) days", field: "to")
        }
        return range
    }
}

/// The configuration, replaceable on reload.
final class Settings: @unchecked Sendable {
    private let lock = NSLock()
    private var value: DaemonConfiguration
    init(_ value: DaemonConfiguration) { self.value = value }
    var current: DaemonConfiguration { lock.withLock { value } }
    func replace(_ new: DaemonConfiguration) { lock.withLock { value = new } }
}

/// Due items that changed in a transaction: persisted in it, and told to the timer after commit.
struct DueChanges: Sendable {
    var items: [Int64: DueItem?] = [:]
    /// Each changed item's next transition not yet raised (nil: none), as the store computed it.
    var nextTransitions: [Int64: Date?] = [:]
    var calendars: [Int64: SchoolCalendar] = [:]
    var events: [HistoryEvent] = []
    /// Journal fields beyond the ids, by index in `events` (a moved due item's dates; never text).
    var journalFields: [Int: [String: String]] = [:]
    /// A peer pair, period or session changed (issue 14): the timer looks again for sessions due.
    var sessions = false

    /// Recomputes the pair's next due item from the store as the transaction sees it, and
    /// persists it in the same transaction.
    mutating func recompute(_ pair: Pair, in store: any StoreWriting, policy: CyclePolicy) throws {
        guard let calendar = try calendars[pair.school] ?? store.calendar(school: pair.school) else { return }
        calendars[pair.school] = calendar
        let item = DueCalculator.next(for: try store.pairState(pair), calendar: calendar, policy: policy)
        items[pair.id] = item
        nextTransitions[pair.id] = try store.setDueItem(pair: pair.id, item)
    }

    /// The same over a state and schedule already read in this transaction (a whole school read at
    /// once, `StoreReading.pairStates(school:)`), in the pair's school's `calendar`.
    mutating func recompute(
        _ state: PairState, over schedule: DueSchedule?, calendar: SchoolCalendar, in store: any StoreWriting,
        policy: CyclePolicy
    ) throws {
        let item = DueCalculator.next(for: state, calendar: calendar, policy: policy)
        items[state.pair.id] = item
        nextTransitions[state.pair.id] = try store.setDueItem(pair: state.pair.id, item, over: schedule)
    }

}
