public import Foundation

/// One pair's record, as much as a report needs: the drop-ins, conversations, adaptations and cycles
/// with their times. The text they carry is never read here (Docs/Reports.md).
public struct ReportPairRecord: Sendable {
    public var pair: Pair
    public var dropIns: [DropIn]
    public var followUps: [FollowUp]
    public var adaptations: [Adaptation]
    /// When each cycle (focus) was started.
    public var cycleStarts: [Date]

    public init(pair: Pair, dropIns: [DropIn], followUps: [FollowUp], adaptations: [Adaptation], cycleStarts: [Date]) {
        self.pair = pair
        self.dropIns = dropIns
        self.followUps = followUps
        self.adaptations = adaptations
        self.cycleStarts = cycleStarts
    }
}

/// The figures of one group (a pair, a coach's pairs, or all of them), as Docs/Reports.md defines them.
public struct ReportFigures: Sendable, Hashable {
    public var dropinsDue = 0
    public var dropinsDone = 0
    public var dropinsOnTime = 0
    /// Drop-ins due in the range that took place on or before the range's last counted day.
    public var dropinsCompleted = 0
    public var followupsDone = 0
    public var followupsInWindow = 0
    public var adaptationsSet = 0
    public var outcomes = OutcomeTally()
    public var cyclesStarted = 0
    /// School days between consecutive done drop-ins of one pair, the later one in the range.
    public var gaps: [Int] = []

    public init() {}

    /// `dropinsCompleted / dropinsDue`; nil when nothing was due.
    public var completionRate: Double? { dropinsDue == 0 ? nil : Double(dropinsCompleted) / Double(dropinsDue) }

    /// `dropinsOnTime / dropinsDue`; nil when nothing was due.
    public var onTimeRate: Double? { dropinsDue == 0 ? nil : Double(dropinsOnTime) / Double(dropinsDue) }

    /// The median of `gaps` (the mean of the middle two for an even count); nil without any gap.
    public var medianSchoolDaysBetweenDropins: Double? {
        guard !gaps.isEmpty else { return nil }
        let middle = gaps.count / 2
        // Gaps are a few school days: count them by value (one pass, no sort) when they are small,
        // as they are; sort otherwise.
        if let smallest = gaps.min(), let largest = gaps.max(), smallest >= 0, largest < 256 {
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: largest + 1) { counts in
                counts.initialize(repeating: 0)
                for gap in gaps { counts[gap] += 1 }
                // The value at sorted position `k`.
                func value(at k: Int) -> Int {
                    var seen = 0
                    for gap in 0...largest {
                        seen += counts[gap]
                        if seen > k { return gap }
                    }
                    return largest
                }
                return gaps.count % 2 == 1
                    ? Double(value(at: middle)) : Double(value(at: middle - 1) + value(at: middle)) / 2
            }
        }
        let sorted = gaps.sorted()
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Adds another group's counts (for totals and per-coach figures).
    public mutating func add(_ other: ReportFigures) {
        dropinsDue += other.dropinsDue
        dropinsDone += other.dropinsDone
        dropinsOnTime += other.dropinsOnTime
        dropinsCompleted += other.dropinsCompleted
        followupsDone += other.followupsDone
        followupsInWindow += other.followupsInWindow
        adaptationsSet += other.adaptationsSet
        outcomes.add(other.outcomes)
        cyclesStarted += other.cyclesStarted
        gaps += other.gaps
    }
}

/// Adaptations closed, by outcome: a count per outcome (0 when none), no hashing to add one.
public struct OutcomeTally: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var embedded = 0
    public var continuing = 0
    public var dropped = 0

    public init() {}

    public init(dictionaryLiteral elements: (Outcome, Int)...) {
        for (outcome, count) in elements { self[outcome] += count }
    }

    public subscript(outcome: Outcome) -> Int {
        get {
            switch outcome {
            case .embedded: embedded
            case .continuing: continuing
            case .dropped: dropped
            }
        }
        set {
            switch outcome {
            case .embedded: embedded = newValue
            case .continuing: continuing = newValue
            case .dropped: dropped = newValue
            }
        }
    }

    public mutating func add(_ other: OutcomeTally) {
        embedded += other.embedded
        continuing += other.continuing
        dropped += other.dropped
    }
}

/// A report: the figures of every pair, of every coach, and in total.
public struct CoachingReport: Sendable {
    public var range: DateRange
    /// The last day whose due drop-ins count (the range's end, or today when the range reaches past it).
    public var countedThrough: LocalDate
    public var totals: ReportFigures
    /// By coach person id.
    public var byCoach: [Int64: ReportFigures]
    /// By pair id.
    public var byPair: [Int64: ReportFigures]
}

/// The drop-in a pair's rhythm called for, and when.
public struct PlannedDropIn: Sendable, Hashable {
    /// The school day it fell due.
    public var dueDate: LocalDate
    /// The last school day it counts as on time (the due date plus the grace).
    public var onTimeThrough: LocalDate
    /// The school-local date the drop-in that answered it took place, if it has.
    public var doneOn: LocalDate?
}

/// Counts a report from pairs' records and the calendar. Pure: the same records, calendar, policy and
/// range give the same figures (Docs/Reports.md is the specification).
public enum ReportCalculator {
    /// The figures for `records` (all of one school: `calendar` is theirs) over `range`. Drop-ins due
    /// after `today` are not yet counted as due.
    public static func report(
        _ records: [ReportPairRecord], calendar: SchoolCalendar, policy: CyclePolicy, range: DateRange, today: LocalDate
    ) -> CoachingReport {
        // Pairs' rhythms start before the range (at creation) and run past it: index generously once.
        let days = dayIndex(
            calendar: calendar, around: range, earliest: records.map { calendar.localDate(of: $0.pair.createdAt) }.min()
        )
        return report(
            facts: records.map { ($0.pair, facts($0, days: days, policy: policy)) }, range: range, today: today)
    }

    /// Whether a pair belongs in a report over `range`: created on or before its end and not ended before
    /// its start.
    public static func overlaps(_ pair: Pair, _ range: DateRange, calendar: SchoolCalendar) -> Bool {
        guard calendar.localDate(of: pair.createdAt) <= range.to else { return false }
        guard let ended = pair.endedAt else { return true }
        return calendar.localDate(of: ended) >= range.from
    }

    /// One pair's figures.
    public static func pairFigures(
        _ record: ReportPairRecord, calendar: SchoolCalendar, policy: CyclePolicy, range: DateRange, through: LocalDate
    ) -> ReportFigures {
        pairFigures(
            record, days: SchoolDayIndex(calendar: calendar, span: DateRange(from: range.from, to: range.from)!),
            policy: policy, range: range, through: through)
    }

    static func pairFigures(
        _ record: ReportPairRecord, days: SchoolDayIndex, policy: CyclePolicy, range: DateRange, through: LocalDate
    ) -> ReportFigures {
        figures(facts(record, days: days, policy: policy), range: range, through: through)
    }

    /// The drop-ins the pair's rhythm called for, in order, each matched with the done drop-in that
    /// answered it: the first on the pair's first school day; each next one at the end of the practice
    /// window after the conversation that followed the previous drop-in (the adaptation's `practiseUntil`,
    /// or the policy's default window). While a done drop-in waits for its conversation, no next drop-in
    /// is due. Once the pair has ended, nothing more falls due. Cancelled and moved bookings do not change
    /// the rhythm.
    public static func plannedDropIns(
        _ record: ReportPairRecord, calendar: SchoolCalendar, policy: CyclePolicy
    ) -> [PlannedDropIn] {
        let created = calendar.localDate(of: record.pair.createdAt)
        return plannedDropIns(
            record, days: SchoolDayIndex(calendar: calendar, span: DateRange(from: created, to: created)!),
            policy: policy)
    }

    static func plannedDropIns(_ record: ReportPairRecord, days: SchoolDayIndex, policy: CyclePolicy) -> [PlannedDropIn]
    {
        plannedDropIns(record, done: DoneDropIns(record, calendar: days.calendar), days: days, policy: policy)
    }

    static func plannedDropIns(
        _ record: ReportPairRecord, done: DoneDropIns, days: SchoolDayIndex, policy: CyclePolicy
    ) -> [PlannedDropIn] {
        let calendar = days.calendar
        let endedOn = record.pair.endedAt.map { calendar.localDate(of: $0) }
        // The conversation that followed each done drop-in (the first, should there be two).
        var followUps = [FollowUp?](repeating: nil, count: done.dropIns.count)
        for followUp in record.followUps {
            if let index = done.index(of: followUp.dropIn), followUps[index] == nil { followUps[index] = followUp }
        }
        var sortedAdaptations: [Adaptation]?
        var planned: [PlannedDropIn] = []
        var due: LocalDate? = days.firstSchoolDay(onOrAfter: calendar.localDate(of: record.pair.createdAt))
        var index = 0
        while let dueDate = due {
            if let endedOn, dueDate >= endedOn { break }
            let answered = index < done.dropIns.count
            let onTimeThrough = days.schoolDay(policy.graceSchoolDays, after: dueDate)
            planned.append(
                PlannedDropIn(
                    dueDate: dueDate, onTimeThrough: onTimeThrough, doneOn: answered ? done.dates[index] : nil))
            guard answered, let followUp = followUps[index] else { break }
            let nextStart = index + 1 < done.dropIns.count ? done.dropIns[index + 1].start : Date.distantFuture
            let adaptations =
                sortedAdaptations ?? record.adaptations.sorted { ($0.setAt, $0.id) < ($1.setAt, $1.id) }
            sortedAdaptations = adaptations
            // The adaptation named in (or after) this conversation and before the next visit sets the window.
            if let adaptation = adaptations.last(where: { $0.setAt >= followUp.completedAt && $0.setAt < nextStart }) {
                due = days.firstSchoolDay(onOrAfter: adaptation.practiseUntil)
            } else {
                due = days.schoolDay(policy.practiseSchoolDays, after: calendar.localDate(of: followUp.completedAt))
            }
            index += 1
        }
        return planned
    }

    /// The school days after `start` up to and including `end` (0 when `end` is not after `start`).
    public static func schoolDays(after start: LocalDate, through end: LocalDate, calendar: SchoolCalendar) -> Int {
        guard end > start, let range = DateRange(from: start.adding(days: 1), to: end) else { return 0 }
        return calendar.schoolDays(in: range).count
    }

    /// The pair's done drop-ins by start (cancelled ones never count).
    static func doneDropIns(_ record: ReportPairRecord) -> [DropIn] {
        record.dropIns.filter { $0.status == .done }.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }
}

/// A pair's done drop-ins by start, each with its school-local date, and where each id stands: what
/// every count of a pair's figures reads, found once per pair (Decisions, issue 12: performance,
/// second pass).
struct DoneDropIns {
    let dropIns: [DropIn]
    let dates: [LocalDate]
    private let positions: [Int64: Int]

    init(_ record: ReportPairRecord, calendar: SchoolCalendar) {
        dropIns = ReportCalculator.doneDropIns(record)
        dates = dropIns.map { calendar.localDate(of: $0.start) }
        var positions: [Int64: Int] = [:]
        positions.reserveCapacity(dropIns.count)
        for (index, dropIn) in dropIns.enumerated() where positions[dropIn.id] == nil { positions[dropIn.id] = index }
        self.positions = positions
    }

    /// Where the done drop-in `id` stands (nil when it is not a done drop-in of the pair).
    func index(of id: Int64) -> Int? { positions[id] }

    /// The school-local date of the done drop-in `id`.
    func date(of id: Int64) -> LocalDate? { positions[id].map { dates[$0] } }
}
