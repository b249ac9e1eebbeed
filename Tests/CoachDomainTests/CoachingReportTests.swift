import CoachDomain
import CoachSupport
import Foundation
import Testing

/// The report's definitions (Docs/Reports.md) on a hand-built term, every figure worked out by hand.
///
/// The term: 2 November – 18 December 2026 in London (GMT, so local = UTC), Friday 13 November an
/// INSET day. Policy: conversation within 2 school days, practice 5 school days, no grace.
///
/// - Pair 1 (coach 10, teacher 20), from Mon 2 Nov. Due 2 Nov, visited Tue 3 Nov (late); conversation
///   Wed 4 Nov (window ends Thu 5: in); adaptation set 4 Nov practised until Wed 11 Nov, closed
///   `embedded` Thu 12 Nov. Due 11 Nov, visited 11 Nov (on time; 6 school days after 3 Nov). Conversation
///   Mon 16 Nov (window: Thu 12, [Fri 13 closed], Mon 16: in). No adaptation, so the next visit is due
///   5 school days after 16 Nov: Mon 23 Nov, not yet made.
/// - Pair 2 (coach 10, teacher 21), from Mon 9 Nov, ended Fri 20 Nov. A booking on 9 Nov cancelled; due
///   9 Nov, visited Tue 10 Nov (late); conversation Mon 16 Nov (window ended Thu 12: out); adaptation set
///   16 Nov until 23 Nov, closed `dropped` 20 Nov. The next visit (23 Nov) falls after the pair ended.
/// - Pair 3 (coach 11, teacher 22), from Mon 16 Nov: due 16 Nov, never visited.
@Suite("Report figures on a hand-built term")
struct CoachingReportTests {
    let calendar = SchoolCalendar(
        timeZone: london, dayStart: time("08:30"), dayEnd: time("15:30"), terms: [range("2026-11-02", "2026-12-18")],
        closures: [range("2026-11-13", "2026-11-13")])
    let policy = CyclePolicy()

    func at(_ text: String) -> Date { utc(text + ":00Z") }

    func done(_ id: Int64, pair: Int64, coach: Int64, _ start: String) -> DropIn {
        DropIn(
            id: id, pair: pair, coach: coach, cycle: nil, start: at(start), minutes: 15,
            completedAt: at(start).addingTimeInterval(900), notes: "never read by a report")
    }

    var records: [ReportPairRecord] {
        let one = Pair(id: 1, school: 1, teacher: 20, coach: 10, active: true, createdAt: at("2026-11-02T08:00"))
        let two = Pair(
            id: 2, school: 1, teacher: 21, coach: 10, active: false, createdAt: at("2026-11-09T08:00"),
            endedAt: at("2026-11-20T12:00"), endReason: "left")
        let three = Pair(id: 3, school: 1, teacher: 22, coach: 11, active: true, createdAt: at("2026-11-16T08:00"))
        let cancelled = DropIn(
            id: 20, pair: 2, coach: 10, cycle: nil, start: at("2026-11-09T09:00"), minutes: 15, completedAt: nil,
            notes: nil, cancelledAt: at("2026-11-09T07:00"), cancelReason: "ill")
        return [
            ReportPairRecord(
                pair: one,
                dropIns: [
                    done(11, pair: 1, coach: 10, "2026-11-03T09:00"), done(12, pair: 1, coach: 10, "2026-11-11T10:00"),
                ],
                followUps: [
                    FollowUp(id: 1, dropIn: 11, pair: 1, completedAt: at("2026-11-04T14:00"), notes: "x"),
                    FollowUp(id: 2, dropIn: 12, pair: 1, completedAt: at("2026-11-16T15:00"), notes: "x"),
                ],
                adaptations: [
                    Adaptation(
                        id: 1, pair: 1, text: "x", setAt: at("2026-11-04T14:05"), setOn: day("2026-11-04"),
                        schoolDays: 5,
                        practiseUntil: day("2026-11-11"), closedAt: at("2026-11-12T10:00"), closedOn: day("2026-11-12"),
                        outcome: .embedded)
                ],
                cycleStarts: [at("2026-11-02T09:00")]),
            ReportPairRecord(
                pair: two, dropIns: [cancelled, done(21, pair: 2, coach: 10, "2026-11-10T09:30")],
                followUps: [FollowUp(id: 3, dropIn: 21, pair: 2, completedAt: at("2026-11-16T12:00"), notes: nil)],
                adaptations: [
                    Adaptation(
                        id: 2, pair: 2, text: "x", setAt: at("2026-11-16T12:05"), setOn: day("2026-11-16"),
                        schoolDays: 5,
                        practiseUntil: day("2026-11-23"), closedAt: at("2026-11-20T12:00"), closedOn: day("2026-11-20"),
                        outcome: .dropped)
                ],
                cycleStarts: [at("2026-11-09T09:00")]),
            ReportPairRecord(pair: three, dropIns: [], followUps: [], adaptations: [], cycleStarts: []),
        ]
    }

    func report(_ from: String, _ to: String, today: String) -> CoachingReport {
        ReportCalculator.report(
            records, calendar: calendar, policy: policy, range: range(from, to), today: day(today))
    }

    @Test func plannedDropIns_followTheConversationsAndAdaptations_andStopWhenThePairEnds() {
        let planned = records.map { ReportCalculator.plannedDropIns($0, calendar: calendar, policy: policy) }
        #expect(planned[0].map(\.dueDate) == [day("2026-11-02"), day("2026-11-11"), day("2026-11-23")])
        #expect(planned[0].map(\.doneOn) == [day("2026-11-03"), day("2026-11-11"), nil])
        #expect(planned[1].map(\.dueDate) == [day("2026-11-09")])
        #expect(planned[2].map(\.dueDate) == [day("2026-11-16")])
    }

    @Test func wholeRange_eachPairsFigures_matchTheHandCount() throws {
        let report = report("2026-11-02", "2026-11-27", today: "2026-11-25")
        let one = try #require(report.byPair[1])
        #expect(one.dropinsDue == 3)
        #expect(one.dropinsDone == 2)
        #expect(one.dropinsOnTime == 1)
        #expect(one.dropinsCompleted == 2)
        #expect(one.followupsDone == 2)
        #expect(one.followupsInWindow == 2)  // the second only because 13 November was closed
        #expect(one.adaptationsSet == 1)
        #expect(one.outcomes == [.embedded: 1])
        #expect(one.cyclesStarted == 1)
        #expect(one.medianSchoolDaysBetweenDropins == 6)
        #expect(one.completionRate == 2.0 / 3.0)
        let two = try #require(report.byPair[2])
        #expect(two.dropinsDue == 1)
        #expect(two.dropinsDone == 1)  // the cancelled booking is not a visit
        #expect(two.dropinsOnTime == 0)
        #expect(two.followupsDone == 1)
        #expect(two.followupsInWindow == 0)
        #expect(two.outcomes == [.dropped: 1])
        #expect(two.medianSchoolDaysBetweenDropins == nil)
        let three = try #require(report.byPair[3])
        #expect(three.dropinsDue == 1)
        #expect(three.dropinsDone == 0)
        #expect(three.completionRate == 0)
    }

    @Test func wholeRange_totalsAndCoaches_addThePairsUp() throws {
        let report = report("2026-11-02", "2026-11-27", today: "2026-11-25")
        #expect(report.totals.dropinsDue == 5)
        #expect(report.totals.dropinsDone == 3)
        #expect(report.totals.dropinsOnTime == 1)
        #expect(report.totals.followupsDone == 3)
        #expect(report.totals.followupsInWindow == 2)
        #expect(report.totals.adaptationsSet == 2)
        #expect(report.totals.outcomes == [.embedded: 1, .dropped: 1])
        #expect(report.totals.cyclesStarted == 2)
        #expect(report.totals.completionRate == 0.6)
        #expect(report.totals.onTimeRate == 0.2)
        #expect(report.totals.medianSchoolDaysBetweenDropins == 6)
        let ten = try #require(report.byCoach[10])
        #expect(ten.dropinsDue == 4)
        #expect(ten.completionRate == 0.75)
        #expect(report.byCoach[11]?.completionRate == 0)
    }

    @Test func dropInsDueAfterToday_areNotYetDue() {
        // On Friday 20 November pair 1's third visit (due Monday 23rd) is not yet due.
        let report = report("2026-11-02", "2026-11-27", today: "2026-11-20")
        #expect(report.countedThrough == day("2026-11-20"))
        #expect(report.byPair[1]?.dropinsDue == 2)
        #expect(report.byPair[1]?.completionRate == 1)
        #expect(report.totals.dropinsDue == 4)
    }

    @Test func aShortRange_countsOnlyWhatFallsInIt() {
        let report = report("2026-11-10", "2026-11-13", today: "2026-11-25")
        #expect(report.byPair[1]?.dropinsDue == 1)  // due 11 November, made that day
        #expect(report.byPair[1]?.dropinsOnTime == 1)
        #expect(report.byPair[1]?.medianSchoolDaysBetweenDropins == 6)  // the later visit is in the range
        #expect(report.byPair[1]?.followupsDone == 0)
        #expect(report.byPair[2]?.dropinsDue == 0)  // due 9 November: before the range
        #expect(report.byPair[2]?.dropinsDone == 1)
        #expect(report.byPair[2]?.completionRate == nil)
        #expect(report.byPair[3]?.dropinsDue == 0)
        #expect(report.totals.outcomes == [.embedded: 1])
    }

    @Test func medianOfAnEvenNumberOfGaps_isTheMeanOfTheMiddleTwo() {
        var figures = ReportFigures()
        figures.gaps = [9, 3, 5, 4]
        #expect(figures.medianSchoolDaysBetweenDropins == 4.5)
    }

    /// The facts a store keeps (issue 12, B14) give every figure of the hand-built term for any range,
    /// whatever span the school-day index covered when they were counted, and read back from their bytes
    /// as they were.
    @Test func keptFacts_giveTheSameFigures_forEveryRange_andSurviveTheirEncoding() throws {
        let narrow = SchoolDayIndex(calendar: calendar, span: range("2026-11-10", "2026-11-10"))
        let wide = SchoolDayIndex(calendar: calendar, span: range("2025-01-01", "2027-12-31"))
        let facts = records.map { ReportCalculator.facts($0, days: narrow, policy: policy) }
        #expect(facts == records.map { ReportCalculator.facts($0, days: wide, policy: policy) })
        let decoded = try facts.map { try #require(ReportFacts(encoded: $0.encoded)) }
        #expect(decoded == facts)
        #expect(facts[0].visits.map(\.gap) == [nil, 6])
        #expect(facts[0].closed.map(\.outcome) == [.embedded])
        let first = day("2026-10-26").dayNumber
        for from in stride(from: first, to: first + 40, by: 3) {
            for length in [0, 4, 11, 30] {
                let range = DateRange(from: LocalDate(dayNumber: from), to: LocalDate(dayNumber: from + length))!
                let today = LocalDate(dayNumber: from + length / 2)
                let counted = ReportCalculator.report(
                    records, calendar: calendar, policy: policy, range: range, today: today)
                let kept = ReportCalculator.report(
                    facts: zip(records, decoded).map { ($0.pair, $1) }, range: range, today: today)
                #expect(kept.byPair == counted.byPair, "\(range)")
                #expect(kept.totals == counted.totals, "\(range)")
                for (pair, record) in zip(records.map(\.pair), records) {
                    let alone = ReportCalculator.pairFigures(
                        record, calendar: calendar, policy: policy, range: range, through: min(range.to, today))
                    #expect(kept.byPair[pair.id] == alone, "\(pair.id) \(range)")
                }
            }
        }
    }

    /// A report over several schools (`allSchools`): each school's totals are its own report's,
    /// counted through its own today; the totals add them (a median over every school's gaps).
    @Test func severalSchools_eachTheirOwnReport_andTheTotalsAddThemUp() {
        let days = SchoolDayIndex(calendar: calendar, span: range("2026-10-01", "2027-01-31"))
        let facts = records.map { ($0.pair, ReportCalculator.facts($0, days: days, policy: policy)) }
        // Pairs 1 and 2 in one school whose today is 20 November; pair 3 in another already on the 25th.
        let schools = [
            SchoolReportFacts(school: 7, today: day("2026-11-20"), facts: Array(facts[0..<2])),
            SchoolReportFacts(school: 8, today: day("2026-11-25"), facts: [facts[2]]),
            SchoolReportFacts(school: 9, today: day("2026-11-25"), facts: []),
        ]
        let span = range("2026-11-02", "2026-11-27")
        let all = ReportCalculator.report(schools: schools, range: span)
        var sum = ReportFigures()
        for school in schools {
            let own = ReportCalculator.report(facts: school.facts, range: span, today: school.today)
            #expect(all.bySchool[school.school]?.totals == own.totals)
            #expect(all.bySchool[school.school]?.countedThrough == own.countedThrough)
            sum.add(own.totals)
        }
        #expect(all.totals == sum)
        #expect(all.countedThrough == day("2026-11-25"))
        // By hand: pair 1 has 2 due by the 20th (both made), pair 2 one (made), pair 3 one (not made).
        #expect(all.totals.dropinsDue == 4 && all.totals.completionRate == 0.75)
        #expect(all.bySchool[9]?.totals == ReportFigures())
        #expect(ReportCalculator.report(schools: [], range: span).countedThrough == span.from)
        // A range wholly ahead of every school's today is counted through the latest today, as one
        // school's report is through its own.
        let ahead = ReportCalculator.report(schools: schools, range: range("2027-01-04", "2027-01-08"))
        #expect(ahead.countedThrough == day("2026-11-25"))
        #expect(ahead.bySchool[7]?.countedThrough == day("2026-11-20"))
    }

    /// `pairFigures` with `through` past the range's end (a caller's choice; reports pass the earlier of
    /// the end and today): a drop-in due in the range counts as completed when it was answered by
    /// `through`, even after the range ended, as the record-wise count did.
    @Test func completedBy_through_evenPastTheRangesEnd() throws {
        let one = ReportCalculator.pairFigures(
            records[0], calendar: calendar, policy: policy, range: range("2026-11-02", "2026-11-02"),
            through: day("2026-11-05"))
        #expect(one.dropinsDue == 1)  // due 2 November
        #expect(one.dropinsCompleted == 1)  // answered 3 November, by `through`
        #expect(one.dropinsOnTime == 0)  // grace 0: only the due day itself is on time
    }

    /// Bytes that are not facts of this version are refused (the store's facts are then counted again),
    /// never read as something else.
    @Test func factBytes_ofAnotherVersionOrShape_areRefused() {
        let bytes = ReportCalculator.facts(
            records[0], days: SchoolDayIndex(calendar: calendar, span: range("2026-11-02", "2026-11-27")),
            policy: policy
        ).encoded
        #expect(ReportFacts(encoded: bytes) != nil)
        #expect(ReportFacts(encoded: [UInt8]()) == nil)
        #expect(ReportFacts(encoded: bytes.dropLast(4)) == nil)
        #expect(ReportFacts(encoded: bytes + [0, 0, 0, 0]) == nil)
        #expect(ReportFacts(encoded: bytes.dropLast()) == nil)
        var otherVersion = bytes
        otherVersion[0] = 2
        #expect(ReportFacts(encoded: otherVersion) == nil)
        var hugeCount = bytes
        hugeCount[7] = 0x7F
        #expect(ReportFacts(encoded: hugeCount) == nil)
        var negativeCount = bytes
        negativeCount[7] = 0xFF
        #expect(ReportFacts(encoded: negativeCount) == nil)
        // The one closed adaptation's outcome is the last word but the cycle starts'; 3 is no outcome.
        var badOutcome = bytes
        badOutcome[bytes.count - 4 * (1 + records[0].cycleStarts.count)] = 3
        #expect(ReportFacts(encoded: badOutcome) == nil)
    }

    /// The median counted by value (small gaps) is the median of the sorted gaps, for odd and even
    /// counts, repeated values, zero, and gaps too large to count by value.
    @Test func median_isTheSortedMiddle_forSmallAndLargeGaps() {
        var generator = SplitMix64(seed: 7)
        for round in 0..<500 {
            var figures = ReportFigures()
            let largest = round % 5 == 0 ? 5_000 : 40
            figures.gaps = (0..<Int.random(in: 1...60, using: &generator)).map { _ in
                Int.random(in: 0...largest, using: &generator)
            }
            let sorted = figures.gaps.sorted()
            let middle = sorted.count / 2
            let expected =
                sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
            #expect(figures.medianSchoolDaysBetweenDropins == expected, "\(figures.gaps)")
        }
        #expect(ReportFigures().medianSchoolDaysBetweenDropins == nil)
    }

    @Test func pairsOutsideTheRange_areLeftOut() {
        let pairs = records.map(\.pair)
        let before = range("2026-10-01", "2026-10-30")
        #expect(pairs.filter { ReportCalculator.overlaps($0, before, calendar: calendar) }.isEmpty)
        let after = range("2026-11-23", "2026-11-27")
        #expect(pairs.filter { ReportCalculator.overlaps($0, after, calendar: calendar) }.map(\.id) == [1, 3])
    }
}

/// The report's school-day index answers exactly as the calendar does, inside its span and beyond it.
@Suite("School-day index")
struct SchoolDayIndexTests {
    @Test func index_agreesWithTheCalendar_onRandomDates() {
        let calendar = englishCalendar()
        let index = SchoolDayIndex(calendar: calendar, span: range("2026-10-01", "2027-02-28"))
        var generator = SplitMix64(seed: 12)
        let base = day("2026-09-01").dayNumber
        for _ in 0..<2000 {
            let a = LocalDate(dayNumber: base + Int.random(in: 0..<240, using: &generator))
            let b = LocalDate(dayNumber: a.dayNumber + Int.random(in: -5..<60, using: &generator))
            let n = Int.random(in: -1..<30, using: &generator)
            #expect(index.isSchoolDay(a) == calendar.isSchoolDay(a), "\(a)")
            #expect(index.schoolDay(n, after: a) == calendar.schoolDay(n, after: a), "\(n) after \(a)")
            #expect(index.firstSchoolDay(onOrAfter: a) == calendar.firstSchoolDay(onOrAfter: a), "\(a)")
            let expected = b > a ? calendar.schoolDays(in: DateRange(from: a.adding(days: 1), to: b)!).count : 0
            #expect(index.schoolDays(after: a, through: b) == expected, "\(a)…\(b)")
        }
    }
}
