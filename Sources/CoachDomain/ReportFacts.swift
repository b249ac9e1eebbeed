/// One pair's record reduced to what a report counts (Docs/Reports.md): every dated fact, each with what
/// the calendar and the cycle policy decided about it when it was made (a gap in school days, on time or
/// not, in window or not). A report over any range is then a count of these facts, with no calendar
/// arithmetic and no record read. They depend only on the pair's rows, its school's calendar and the
/// policy, never on the range or on today; the stores keep them per pair (`report_fact`), recomputed
/// when any of the three changes (Decisions, "Issue 12: B14, report facts kept per pair").
/// No text is ever part of them.
public struct ReportFacts: Sendable, Hashable {
    /// A done drop-in: its date and the school days since the pair's previous done drop-in (nil for the
    /// first).
    public struct Visit: Sendable, Hashable {
        public var on: LocalDate
        public var gap: Int?
    }

    /// A drop-in the rhythm called for (`PlannedDropIn`): when it fell due, when the drop-in that
    /// answered it took place, and whether that was on time.
    public struct Planned: Sendable, Hashable {
        public var due: LocalDate
        public var doneOn: LocalDate?
        public var onTime: Bool
    }

    /// A conversation held: its date and whether it was inside its drop-in's window.
    public struct Conversation: Sendable, Hashable {
        public var on: LocalDate
        public var inWindow: Bool
    }

    /// An adaptation closed: when, and how.
    public struct Closed: Sendable, Hashable {
        public var on: LocalDate
        public var outcome: Outcome
    }

    /// The facts as 32-bit words, the same as their encoding: the version, the six lists' counts, then
    /// each list's entries in order (a visit: day, gap; planned: due day, done day, on time; a
    /// conversation: day, in window; an adaptation set: day; closed: day, outcome; a cycle: day). Days
    /// are `LocalDate.dayNumber`s; `none` stands for a missing gap or done day. Counting walks these
    /// words, so a report over a school's kept facts allocates nothing per fact.
    var words: [Int32]

    static let version: Int32 = 1
    static let none = Int32.min
    static let header = 7
    /// Words per entry of each list, in order.
    static let widths = [2, 3, 2, 1, 2, 1]

    public init(
        visits: [Visit] = [], planned: [Planned] = [], conversations: [Conversation] = [],
        adaptationsSet: [LocalDate] = [], closed: [Closed] = [], cycleStarts: [LocalDate] = []
    ) {
        func day(_ date: LocalDate) -> Int32 { Int32(clamping: date.dayNumber) }
        var words: [Int32] = [
            Self.version, Int32(visits.count), Int32(planned.count), Int32(conversations.count),
            Int32(adaptationsSet.count), Int32(closed.count), Int32(cycleStarts.count),
        ]
        words.reserveCapacity(
            Self.header + 2 * visits.count + 3 * planned.count + 2 * conversations.count + adaptationsSet.count
                + 2 * closed.count + cycleStarts.count)
        for visit in visits { words += [day(visit.on), visit.gap.map { Int32(clamping: $0) } ?? Self.none] }
        for planned in planned {
            words += [day(planned.due), planned.doneOn.map(day) ?? Self.none, planned.onTime ? 1 : 0]
        }
        for conversation in conversations { words += [day(conversation.on), conversation.inWindow ? 1 : 0] }
        for date in adaptationsSet { words.append(day(date)) }
        for closed in closed { words += [day(closed.on), Int32(Outcome.allCases.firstIndex(of: closed.outcome)!)] }
        for date in cycleStarts { words.append(day(date)) }
        self.words = words
    }

    /// Where list `list` (0…5) starts, and how many entries it has.
    func section(_ list: Int) -> (start: Int, count: Int) {
        var start = Self.header
        for earlier in 0..<list { start += Int(words[1 + earlier]) * Self.widths[earlier] }
        return (start, Int(words[1 + list]))
    }

    /// List `list`'s entries, each read by `entry` from its first word's index.
    private func entries<T>(_ list: Int, _ entry: (Int) -> T) -> [T] {
        let (start, count) = section(list)
        return (0..<count).map { entry(start + $0 * Self.widths[list]) }
    }

    private func date(_ index: Int) -> LocalDate { LocalDate(dayNumber: Int(words[index])) }
    private func optionalDate(_ index: Int) -> LocalDate? { words[index] == Self.none ? nil : date(index) }

    public var visits: [Visit] {
        entries(0) { Visit(on: date($0), gap: words[$0 + 1] == Self.none ? nil : Int(words[$0 + 1])) }
    }
    public var planned: [Planned] {
        entries(1) { Planned(due: date($0), doneOn: optionalDate($0 + 1), onTime: words[$0 + 2] != 0) }
    }
    public var conversations: [Conversation] { entries(2) { Conversation(on: date($0), inWindow: words[$0 + 1] != 0) } }
    public var adaptationsSet: [LocalDate] { entries(3) { date($0) } }
    public var closed: [Closed] { entries(4) { Closed(on: date($0), outcome: Outcome.allCases[Int(words[$0 + 1])]) } }
    public var cycleStarts: [LocalDate] { entries(5) { date($0) } }
}

extension CyclePolicy {
    /// What report facts depend on, as text: kept facts computed under another fingerprint are not used.
    /// Bump the version when `ReportCalculator.facts` or the encoding changes.
    public var reportFingerprint: String {
        "report-v1 followUp=\(followUpSchoolDays) practise=\(practiseSchoolDays) grace=\(graceSchoolDays)"
    }
}

// MARK: Counting

extension ReportCalculator {
    /// A pair's facts, from its record. `days` must be of the pair's school's calendar; outside its span
    /// it answers as the calendar does, so the facts are the same whatever span it covers.
    public static func facts(_ record: ReportPairRecord, days: SchoolDayIndex, policy: CyclePolicy) -> ReportFacts {
        let calendar = days.calendar
        let done = DoneDropIns(record, calendar: calendar)
        let visits = done.dates.indices.map { index in
            ReportFacts.Visit(
                on: done.dates[index],
                gap: index > 0 ? days.schoolDays(after: done.dates[index - 1], through: done.dates[index]) : nil)
        }
        let planned = plannedDropIns(record, done: done, days: days, policy: policy).map { planned in
            ReportFacts.Planned(
                due: planned.dueDate, doneOn: planned.doneOn,
                onTime: planned.doneOn.map { $0 <= planned.onTimeThrough } ?? false)
        }
        let conversations = record.followUps.map { followUp in
            let on = calendar.localDate(of: followUp.completedAt)
            let inWindow = done.date(of: followUp.dropIn).map {
                on <= days.schoolDay(policy.followUpSchoolDays, after: $0)
            }
            return ReportFacts.Conversation(on: on, inWindow: inWindow ?? false)
        }
        let closed = record.adaptations.compactMap { adaptation -> ReportFacts.Closed? in
            guard let on = adaptation.closedOn, let outcome = adaptation.outcome else { return nil }
            return ReportFacts.Closed(on: on, outcome: outcome)
        }
        return ReportFacts(
            visits: visits, planned: planned, conversations: conversations,
            adaptationsSet: record.adaptations.map(\.setOn), closed: closed,
            cycleStarts: record.cycleStarts.map { calendar.localDate(of: $0) })
    }

    /// The figures of one pair's facts over `range`, planned drop-ins counted through `through`.
    public static func figures(_ facts: ReportFacts, range: DateRange, through: LocalDate) -> ReportFigures {
        var figures = ReportFigures()
        add(facts, range: range, through: through, to: &figures)
        return figures
    }

    /// Adds one pair's figures to `figures` (a group's, counted in place: no pair's own figures are
    /// built).
    static func add(_ facts: ReportFacts, range: DateRange, through: LocalDate, to figures: inout ReportFigures) {
        let from = Int32(clamping: range.from.dayNumber)
        let to = Int32(clamping: range.to.dayNumber)
        let through = Int32(clamping: through.dayNumber)
        // Due in the range and on or before `through`.
        let dueBy = min(to, through)
        let words = facts.words
        let none = ReportFacts.none
        var index = ReportFacts.header
        for _ in 0..<Int(words[1]) {
            if from <= words[index] && words[index] <= to {
                figures.dropinsDone += 1
                if words[index + 1] != none { figures.gaps.append(Int(words[index + 1])) }
            }
            index += 2
        }
        for _ in 0..<Int(words[2]) {
            if from <= words[index] && words[index] <= dueBy {
                figures.dropinsDue += 1
                let doneOn = words[index + 1]
                if doneOn != none {
                    if words[index + 2] != 0 { figures.dropinsOnTime += 1 }
                    if doneOn <= through { figures.dropinsCompleted += 1 }
                }
            }
            index += 3
        }
        for _ in 0..<Int(words[3]) {
            if from <= words[index] && words[index] <= to {
                figures.followupsDone += 1
                if words[index + 1] != 0 { figures.followupsInWindow += 1 }
            }
            index += 2
        }
        for _ in 0..<Int(words[4]) {
            if from <= words[index] && words[index] <= to { figures.adaptationsSet += 1 }
            index += 1
        }
        for _ in 0..<Int(words[5]) {
            if from <= words[index] && words[index] <= to {
                figures.outcomes[Outcome.allCases[Int(words[index + 1])]] += 1
            }
            index += 2
        }
        for _ in 0..<Int(words[6]) {
            if from <= words[index] && words[index] <= to { figures.cyclesStarted += 1 }
            index += 1
        }
    }

    /// A report from the pairs' facts (all of one school) over `range`, counted through `today`.
    public static func report(
        facts pairs: [(pair: Pair, facts: ReportFacts)], range: DateRange, today: LocalDate
    ) -> CoachingReport {
        let through = min(range.to, today)
        var byPair: [Int64: ReportFigures] = [:]
        var byCoach: [Int64: ReportFigures] = [:]
        var totals = ReportFigures()
        byPair.reserveCapacity(pairs.count)
        for (pair, facts) in pairs {
            let figures = figures(facts, range: range, through: through)
            byPair[pair.id] = figures
            byCoach[pair.coach, default: ReportFigures()].add(figures)
            totals.add(figures)
        }
        return CoachingReport(range: range, countedThrough: through, totals: totals, byCoach: byCoach, byPair: byPair)
    }

    /// A report over several schools (`reports.summary` with `allSchools`): each school counted in its
    /// own calendar through its own today, exactly as its own report; the totals add every school's.
    public static func report(schools: [SchoolReportFacts], range: DateRange) -> SchoolsReport {
        var totals = ReportFigures()
        var bySchool: [Int64: (countedThrough: LocalDate, totals: ReportFigures)] = [:]
        bySchool.reserveCapacity(schools.count)
        var countedThrough: LocalDate?
        for school in schools {
            // The school's totals, as its own report counts them, without its pairs' and coaches' rows.
            let through = min(range.to, school.today)
            var figures = ReportFigures()
            for (_, facts) in school.facts { add(facts, range: range, through: through, to: &figures) }
            totals.add(figures)
            countedThrough = max(countedThrough ?? through, through)
            bySchool[school.school] = (through, figures)
        }
        // Without any school nothing is counted: the range's first day stands.
        return SchoolsReport(
            range: range, countedThrough: countedThrough ?? range.from, totals: totals, bySchool: bySchool)
    }

    /// The school days a report around `range` reads, indexed once (a pair's rhythm starts before the
    /// range and runs past it); `earliest` is the earliest date a pair began.
    public static func dayIndex(calendar: SchoolCalendar, around range: DateRange, earliest: LocalDate?)
        -> SchoolDayIndex
    {
        let earliest = earliest.map { min($0, range.from) }
        return SchoolDayIndex(
            calendar: calendar,
            span: DateRange(
                from: max(earliest ?? range.from, range.from.adding(days: -800)), to: range.to.adding(days: 400))!)
    }
}

// MARK: Encoding

extension ReportFacts {
    /// `words` as little-endian bytes: what the stores keep.
    public var encoded: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: words.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (index, word) in words.enumerated() {
                raw.storeBytes(of: UInt32(bitPattern: word).littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        return bytes
    }

    /// Reads `encoded`'s bytes; nil for anything else (another version, a wrong length, a bad value).
    public init?(encoded bytes: some Collection<UInt8>) {
        guard let facts = Array(bytes).withUnsafeBytes({ ReportFacts(encoded: $0) }) else { return nil }
        self = facts
    }

    /// Reads `encoded`'s bytes in place (a store's blob); nil for anything else.
    public init?(encoded raw: UnsafeRawBufferPointer) {
        guard raw.count % 4 == 0, raw.count >= Self.header * 4 else { return nil }
        let words = [Int32](unsafeUninitializedCapacity: raw.count / 4) { buffer, count in
            for index in 0..<raw.count / 4 {
                buffer[index] = Int32(
                    bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
            count = raw.count / 4
        }
        guard words[0] == Self.version, words[1...6].allSatisfy({ $0 >= 0 && Int($0) <= words.count }) else {
            return nil
        }
        guard zip(words[1...6], Self.widths).reduce(Self.header, { $0 + Int($1.0) * $1.1 }) == words.count else {
            return nil
        }
        self.words = words
        // Every closed adaptation's outcome must name one.
        let (start, count) = section(4)
        for entry in 0..<count where !Outcome.allCases.indices.contains(Int(words[start + entry * 2 + 1])) {
            return nil
        }
    }
}

/// One school's part of a report over several schools: its pairs' facts and its own today.
public struct SchoolReportFacts: Sendable {
    public var school: Int64
    public var today: LocalDate
    public var facts: [(pair: Pair, facts: ReportFacts)]

    public init(school: Int64, today: LocalDate, facts: [(pair: Pair, facts: ReportFacts)]) {
        self.school = school
        self.today = today
        self.facts = facts
    }
}

/// A report over several schools: every school's totals (as its own report's), and all of them.
public struct SchoolsReport: Sendable {
    public var range: DateRange
    /// The latest of the schools' counted-through days.
    public var countedThrough: LocalDate
    public var totals: ReportFigures
    /// By school id: the last day the school's due drop-ins count (its today, or the range's end), and
    /// its totals.
    public var bySchool: [Int64: (countedThrough: LocalDate, totals: ReportFigures)]
}
