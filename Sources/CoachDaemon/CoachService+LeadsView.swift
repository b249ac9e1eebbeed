import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// Issue 12: the lead's view. Who may ask is decided first, before anything is said about an id (the
/// same `PermissionDenied` words whether it exists or not); the figures are `ReportCalculator`'s, in the
/// domain. Nothing here reads out a note, a focus or an adaptation's text. Every read goes by index
/// (a school's pairs, a pair's rows), so the cost follows the answer, not the database.
extension CoachService {
    /// Longest range `reports.summary` accepts, in days (a school year and a little).
    static let maxReportDays = 400
    /// Longest range `agenda.list` accepts, in days.
    static let maxAgendaDays = 62

    // MARK: schools.status

    func schoolsStatus(_ params: SchoolsStatus.Params, _ peer: Peer) async throws -> SchoolStatus {
        let instant = now()
        let policy = self.policy
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            guard caller.oversees(school: params.school), let school = try store.school(params.school) else {
                throw DomainError.notYours("school", params.school, field: "school")
            }
            let calendar = try self.calendar(school.id, store)
            let today = calendar.localDate(of: instant)
            let week = Self.week(of: today)
            let items = try store.dueItems(school: school.id, person: nil).filter { $0.pair.active }.map(\.item)
            var lateness: [Int: Int] = [:]
            for item in items where item.isOverdue(at: instant) {
                let late = max(1, ReportCalculator.schoolDays(after: item.dueDate, through: today, calendar: calendar))
                lateness[late, default: 0] += 1
            }
            let pairs = try store.pairs(school: school.id, person: nil)
            let term = try store.terms(school: school.id).first { $0.range.contains(today) }
            // One read of the records serves both the week and the term (the week is inside the term when
            // there is one).
            let span =
                term.map { DateRange(from: min($0.range.from, week.from), to: max($0.range.to, week.to))! } ?? week
            let facts = try self.reportFacts(
                pairs.filter { ReportCalculator.overlaps($0, span, calendar: calendar) }, calendar: calendar,
                around: span, policy: policy, store)
            let weekReport = ReportCalculator.report(
                facts: facts.filter { ReportCalculator.overlaps($0.pair, week, calendar: calendar) }, range: week,
                today: today)
            let termRate = term.flatMap { term in
                ReportCalculator.report(
                    facts: facts.filter { ReportCalculator.overlaps($0.pair, term.range, calendar: calendar) },
                    range: term.range, today: today
                ).totals.completionRate
            }
            return SchoolStatus(
                school: school.id, schoolName: school.name, today: "\(today)", pairs: pairs.filter(\.active).count,
                dueToday: items.filter { $0.dueDate == today }.count,
                dueThisWeek: items.filter { week.contains($0.dueDate) }.count,
                overdue: items.filter { $0.isOverdue(at: instant) }.count,
                overdueByDays: lateness.sorted { $0.key < $1.key }.map {
                    OverdueBucket(schoolDays: $0.key, count: $0.value)
                },
                dropinsDoneThisWeek: weekReport.totals.dropinsDone, term: term?.name, completionRateThisTerm: termRate)
        }
    }

    /// Monday to Sunday around `day`.
    static func week(of day: LocalDate) -> DateRange {
        DateRange(from: day.adding(days: 1 - day.isoWeekday), to: day.adding(days: 7 - day.isoWeekday))!
    }

    // MARK: agenda.list

    func agendaList(_ params: AgendaListMethod.Params, _ peer: Peer) async throws -> AgendaList {
        let from = try params.from.map { try date($0, field: "from") }
        let to = try params.to.map { try date($0, field: "to") }
        let instant = now()
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            guard let id = params.person ?? caller.person?.id else {
                throw DomainError.invalid("give the person whose agenda to list", field: "person")
            }
            // Asked about before anything is said: someone else's id, known or not, gets the same refusal.
            let found = try store.person(id)
            guard let person = found, caller.person?.id == id || caller.oversees(school: person.school) else {
                throw DomainError.notYours("person", id, field: "person")
            }
            let calendar = try self.calendar(person.school, store)
            let today = calendar.localDate(of: instant)
            let start = from ?? today
            let end = to ?? start.adding(days: 6)
            guard let range = DateRange(from: start, to: end) else {
                throw DomainError.invalid("\"to\" (\(end)) is before \"from\" (\(start))", field: "to")
            }
            guard end.dayNumber - start.dayNumber < Self.maxAgendaDays else {
                throw DomainError.invalid("the range spans more than \(Self.maxAgendaDays) days", field: "to")
            }
            // Overdue items stay on the agenda of a range that includes today, however long ago they fell due.
            let includesToday = range.contains(today)
            let pairs = try store.pairs(school: nil, person: person.id).filter(\.active)
            let names = try store.names(of: Set(pairs.flatMap { [$0.teacher, $0.coach] }))
            var calendars: [Int64: SchoolCalendar] = [person.school: calendar]
            var out: [(Date, AgendaItem)] = []
            for pair in pairs {
                let pairCalendar = try calendars[pair.school] ?? self.calendar(pair.school, store)
                calendars[pair.school] = pairCalendar
                func item(_ kind: DueKind, dropIn: Int64, date: LocalDate, start: Date?, minutes: Int?, overdue: Bool)
                    -> AgendaItem
                {
                    AgendaItem(
                        kind: kind.rawValue, pair: pair.id, dropin: dropIn, teacher: pair.teacher,
                        teacherName: names[pair.teacher] ?? "#\(pair.teacher)", coach: pair.coach,
                        coachName: names[pair.coach] ?? "#\(pair.coach)", date: "\(date)",
                        start: start.map(pairCalendar.format), minutes: minutes, overdue: overdue)
                }
                let due = try store.dueItem(pair: pair.id)
                for dropIn in try store.dropIns(pair: pair.id) where dropIn.status == .booked {
                    let day = pairCalendar.localDate(of: dropIn.start)
                    let overdue = due?.dropIn == dropIn.id && due?.isOverdue(at: instant) == true
                    guard range.contains(day) || (includesToday && overdue) else { continue }
                    out.append(
                        (
                            dropIn.start,
                            item(
                                .dropIn, dropIn: dropIn.id, date: day, start: dropIn.start, minutes: dropIn.minutes,
                                overdue: overdue)
                        ))
                }
                if let due, due.kind == .followUp, let dropIn = due.dropIn {
                    let overdue = due.isOverdue(at: instant)
                    if range.contains(due.dueDate) || (includesToday && overdue) {
                        out.append(
                            (
                                due.dueAt,
                                item(
                                    .followUp, dropIn: dropIn, date: due.dueDate, start: nil, minutes: nil,
                                    overdue: overdue)
                            ))
                    }
                }
            }
            return AgendaList(
                person: person.id, personName: person.name,
                items: out.sorted { ($0.0, $0.1.pair, $0.1.kind) < ($1.0, $1.1.pair, $1.1.kind) }.map(\.1))
        }
    }

    // MARK: coverage.list

    func coverageList(_ params: CoverageListMethod.Params, _ peer: Peer) async throws -> CoverageList {
        let asOf = try params.asOf.map { try date($0, field: "asOf") }
        let instant = now()
        return try await store.read { store in
            let (calendar, day) = try self.coverageScope(params, asOf, peer, instant, store)
            return try self.coverage(params.school, calendar: calendar, day: day, instant: instant, store).list
        }
    }

    /// `coverage.list` encoded, through the leads' view cache (the caller is checked first, every time).
    func coverageListEncoded(_ params: CoverageListMethod.Params, _ peer: Peer) async throws -> Data {
        let asOf = try params.asOf.map { try date($0, field: "asOf") }
        let instant = now()
        let generation = leadsViewCache.generation
        return try await store.read { store in
            let (calendar, day) = try self.coverageScope(params, asOf, peer, instant, store)
            let key = LeadsViewCache.Key(kind: .coverage, school: params.school, from: "", to: "", day: "\(day)")
            if let data = self.leadsViewCache.lookup(key, now: instant) { return data }
            let (list, validUntil) = try self.coverage(
                params.school, calendar: calendar, day: day, instant: instant, store)
            let data = list.encodedJSON()
            self.leadsViewCache.store(key, data, generation: generation, validUntil: validUntil)
            return data
        }
    }

    /// Who may ask about the school's coverage (its lead and head, admins), its calendar and the day counted to.
    private func coverageScope(
        _ params: CoverageListMethod.Params, _ asOf: LocalDate?, _ peer: Peer, _ instant: Date,
        _ store: any StoreReading
    ) throws -> (SchoolCalendar, LocalDate) {
        let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
        guard caller.oversees(school: params.school), try store.school(params.school) != nil else {
            throw DomainError.notYours("school", params.school, field: "school")
        }
        let calendar = try self.calendar(params.school, store)
        return (calendar, asOf ?? calendar.localDate(of: instant))
    }

    /// A school's coverage as of `day`, and until when it holds (the first of its next items to turn
    /// overdue, at most the cache's `maxAge` away).
    private func coverage(
        _ school: Int64, calendar: SchoolCalendar, day: LocalDate, instant: Date, _ store: any StoreReading
    ) throws -> (list: CoverageList, validUntil: Date) {
        let teachers = try store.people(school: school).filter { $0.active && $0.roles.contains(.teacher) }
        let pairs = Dictionary(grouping: try store.pairs(school: school, person: nil), by: \.teacher)
        let due = Dictionary(try store.dueItems(school: school, person: nil).map { ($0.pair.id, $0.item) }) {
            a, _ in a
        }
        let names = try store.names(of: Set(teachers.map(\.id) + pairs.values.flatMap { $0.map(\.coach) }))
        // One read of the school's drop-ins, not one per pair.
        let dropIns = try store.dropIns(school: school)
        // The school days are counted once for every teacher (two school years back; older visits are
        // counted by the calendar itself, with the same answer).
        let days = SchoolDayIndex(calendar: calendar, span: DateRange(from: day.adding(days: -800), to: day)!)
        var items: [CoverageItem] = []
        for teacher in teachers {
            let theirs = pairs[teacher.id] ?? []
            var last: LocalDate?
            for pair in theirs {
                for dropIn in dropIns[pair.id] ?? [] where dropIn.status == .done {
                    let on = calendar.localDate(of: dropIn.start)
                    if on <= day, last.map({ on > $0 }) ?? true { last = on }
                }
            }
            // The active pair whose next item is soonest stands for the teacher (most have one).
            let active = theirs.filter(\.active).sorted {
                (due[$0.id]?.dueAt ?? .distantFuture, $0.id) < (due[$1.id]?.dueAt ?? .distantFuture, $1.id)
            }.first
            let next = active.flatMap { pair in
                due[pair.id].map { DueItemInfo($0, pair: pair, names: names, calendar: calendar, now: instant) }
            }
            items.append(
                CoverageItem(
                    teacher: teacher.id, teacherName: teacher.name, pair: active?.id, coach: active?.coach,
                    coachName: active.map { names[$0.coach] ?? "#\($0.coach)" }, lastDropIn: last.map { "\($0)" },
                    schoolDaysSince: last.map { days.schoolDays(after: $0, through: day) },
                    next: next))
        }
        // Never seen first, then the longest unseen; ties by name, then id, so the order is stable.
        items.sort { a, b in
            let ka = a.schoolDaysSince.map { -$0 } ?? Int.min
            let kb = b.schoolDaysSince.map { -$0 } ?? Int.min
            return (ka, a.teacherName, a.teacher) < (kb, b.teacherName, b.teacher)
        }
        var validUntil = instant.addingTimeInterval(self.leadsViewCache.maxAge)
        for item in items {
            if let pair = item.next?.pair, let item = due[pair], item.overdueAt > instant {
                validUntil = min(validUntil, item.overdueAt)
            }
        }
        return (CoverageList(school: school, asOf: "\(day)", items: items), validUntil)
    }

    // MARK: reports.summary

    func reportsSummary(_ params: ReportsSummary.Params, _ peer: Peer) async throws -> ReportSummary {
        let range = try self.range(params.from, params.to, maxDays: Self.maxReportDays)
        let instant = now()
        return try await store.read { store in
            if params.allSchools == true {
                try self.allSchoolsScope(params, peer, store)
                return try self.allSchoolsReport(range: range, instant: instant, store)
            }
            let (school, pairs, calendar) = try self.reportScope(params, peer, store)
            return try self.report(school, pairs, calendar: calendar, range: range, instant: instant, store)
        }
    }

    /// `reports.summary` encoded; a whole school's report through the leads' view cache (the caller
    /// is checked first, every time; a coach's or a pair's report is always counted).
    func reportsSummaryEncoded(_ params: ReportsSummary.Params, _ peer: Peer) async throws -> Data {
        let range = try self.range(params.from, params.to, maxDays: Self.maxReportDays)
        let instant = now()
        let generation = leadsViewCache.generation
        return try await store.read { store in
            if params.allSchools == true {
                try self.allSchoolsScope(params, peer, store)
                // Kept while no change commits and every school's today stays the same.
                let key = LeadsViewCache.Key(
                    kind: .allSchoolsReport, school: 0, from: "\(range.from)", to: "\(range.to)",
                    day: try store.timeZones().map { zone in
                        // The local date in each of the schools' zones (UTC's for a zone unknown here).
                        let timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0)!
                        return "\(zone):\(SchoolCalendar.localDate(of: instant, in: timeZone))"
                    }.joined(separator: ","))
                if let data = self.leadsViewCache.lookup(key, now: instant) { return data }
                let data = try self.allSchoolsReport(range: range, instant: instant, store).encodedJSON()
                self.leadsViewCache.store(
                    key, data, generation: generation,
                    validUntil: instant.addingTimeInterval(self.leadsViewCache.maxAge))
                return data
            }
            let (school, pairs, calendar) = try self.reportScope(params, peer, store)
            guard params.coach == nil, params.pair == nil else {
                return try self.report(school, pairs, calendar: calendar, range: range, instant: instant, store)
                    .encodedJSON()
            }
            let key = LeadsViewCache.Key(
                kind: .report, school: school.id, from: "\(range.from)", to: "\(range.to)",
                day: "\(calendar.localDate(of: instant))")
            if let data = self.leadsViewCache.lookup(key, now: instant) { return data }
            let data = try self.report(school, pairs, calendar: calendar, range: range, instant: instant, store)
                .encodedJSON()
            self.leadsViewCache.store(
                key, data, generation: generation, validUntil: instant.addingTimeInterval(self.leadsViewCache.maxAge))
            return data
        }
    }

    /// The caller's report scope (`reportScope`), its school and the school's calendar.
    private func reportScope(
        _ params: ReportsSummary.Params, _ peer: Peer, _ store: any StoreReading
    ) throws -> (School, [Pair], SchoolCalendar) {
        let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
        let (schoolID, pairs) = try self.reportScope(params, caller, store)
        guard let school = try store.school(schoolID) else {
            throw DomainError.notYours("school", schoolID, field: "school")
        }
        return (school, pairs, try self.calendar(school.id, store))
    }

    /// The figures of `pairs` (of `school`) over `range`, counted through today.
    private func report(
        _ school: School, _ pairs: [Pair], calendar: SchoolCalendar, range: DateRange, instant: Date,
        _ store: any StoreReading
    ) throws -> ReportSummary {
        let included = pairs.filter {
            $0.school == school.id && ReportCalculator.overlaps($0, range, calendar: calendar)
        }
        let report = ReportCalculator.report(
            facts: try self.reportFacts(included, calendar: calendar, around: range, policy: self.policy, store),
            range: range, today: calendar.localDate(of: instant))
        let names = try store.names(of: Set(included.flatMap { [$0.teacher, $0.coach] }))
        func name(_ id: Int64) -> String { names[id] ?? "#\(id)" }
        let byCoach = report.byCoach.map { coach, figures in
            ReportRow(figures, coach: coach, coachName: name(coach))
        }
        .sorted { ($0.coachName ?? "", $0.coach ?? 0) < ($1.coachName ?? "", $1.coach ?? 0) }
        let byPair = included.compactMap { pair in
            report.byPair[pair.id].map {
                ReportRow(
                    $0, coach: pair.coach, coachName: name(pair.coach), pair: pair.id, teacher: pair.teacher,
                    teacherName: name(pair.teacher))
            }
        }.sorted { ($0.teacherName ?? "", $0.pair ?? 0) < ($1.teacherName ?? "", $1.pair ?? 0) }
        return ReportSummary(
            school: school.id, schoolName: school.name, from: "\(range.from)", to: "\(range.to)",
            countedThrough: "\(report.countedThrough)", totals: ReportRow(report.totals), byCoach: byCoach,
            byPair: byPair)
    }

    /// `allSchools` is for admins, and covers every school: it takes no school, coach or pair.
    private func allSchoolsScope(_ params: ReportsSummary.Params, _ peer: Peer, _ store: any StoreReading) throws {
        guard try self.knownCaller(peer.uid, gid: peer.gid, in: store).isAdmin else {
            throw DomainError.denied("report on every school: allSchools is for admins")
        }
        for (field, given) in [
            ("school", params.school != nil), ("coach", params.coach != nil), ("pair", params.pair != nil),
        ]
        where given {
            throw DomainError.invalid(
                "allSchools reports on every school, so \(field) cannot be given with it", field: field,
                hint: "drop \(field), or drop allSchools to report on one school, coach or pair")
        }
    }

    /// Every school's figures over `range` in one report: the totals and a row per school (by name),
    /// each school counted in its own calendar through its own today, exactly as its own report. No
    /// coach or pair rows: a national deployment's would be 100,000 rows, past what one reply may hold
    /// (`closeAtUnsentReplyBytes`); each school's report has them.
    private func allSchoolsReport(range: DateRange, instant: Date, _ store: any StoreReading) throws -> ReportSummary {
        let schools = try store.schools().sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let pairs = Dictionary(grouping: try store.pairs(school: nil, person: nil), by: \.school)
        var parts: [SchoolReportFacts] = []
        parts.reserveCapacity(schools.count)
        for school in schools {
            let calendar = try self.calendar(school.id, store)
            let included = (pairs[school.id] ?? []).filter { ReportCalculator.overlaps($0, range, calendar: calendar) }
            parts.append(
                SchoolReportFacts(
                    school: school.id, today: calendar.localDate(of: instant),
                    facts: try self.reportFacts(included, calendar: calendar, around: range, policy: self.policy, store)
                ))
        }
        let report = ReportCalculator.report(schools: parts, range: range)
        let bySchool = schools.compactMap { school in
            report.bySchool[school.id].map {
                ReportRow($0.totals, school: school.id, schoolName: school.name, countedThrough: "\($0.countedThrough)")
            }
        }
        return ReportSummary(
            school: nil, schoolName: nil, from: "\(range.from)", to: "\(range.to)",
            countedThrough: "\(report.countedThrough)", totals: ReportRow(report.totals), bySchool: bySchool,
            byCoach: [], byPair: [])
    }

    /// The school and pairs a report may cover for this caller: a pair (its two people, or whoever
    /// oversees its school), a coach's pairs (the coach, or whoever oversees the coach's school), or a
    /// whole school (whoever oversees it). Everything else is refused before anything is said about an id.
    func reportScope(
        _ params: ReportsSummary.Params, _ caller: Caller, _ store: any StoreReading
    ) throws -> (school: Int64, pairs: [Pair]) {
        if let id = params.pair {
            guard let pair = try store.pair(id), caller.isMember(of: pair) || caller.oversees(school: pair.school),
                params.school == nil || params.school == pair.school,
                params.coach == nil || params.coach == pair.coach
            else { throw DomainError.notYours("pair", id, field: "pair") }
            return (pair.school, [pair])
        }
        if let id = params.coach {
            guard let coach = try store.person(id),
                caller.person?.id == id || caller.oversees(school: params.school ?? coach.school)
            else { throw DomainError.notYours("person", id, field: "coach") }
            let school = params.school ?? coach.school
            return (school, try store.pairs(school: school, person: id).filter { $0.coach == id })
        }
        guard let school = params.school ?? caller.person?.school else {
            throw DomainError.invalid("give the school to report on", field: "school")
        }
        guard caller.oversees(school: school) else { throw DomainError.notYours("school", school, field: "school") }
        return (school, try store.pairs(school: school, person: nil))
    }

    /// Each pair's report facts (all of one school), in `pairs`' order: the store's kept facts where
    /// they are current (one read of the school's), the others counted from the pairs' records with
    /// the same figures (issue 12, B14).
    func reportFacts(
        _ pairs: [Pair], calendar: SchoolCalendar, around range: DateRange, policy: CyclePolicy,
        _ store: any StoreReading
    ) throws -> [(pair: Pair, facts: ReportFacts)] {
        // The kept ones, then the others counted from their records.
        var facts: [Int64: ReportFacts] = [:]
        if let school = pairs.first?.school, pairs.allSatisfy({ $0.school == school }) {
            facts = try store.reportFacts(school: school, policy: policy.reportFingerprint)
        }
        let missing = pairs.filter { facts[$0.id] == nil }
        if !missing.isEmpty {
            let days = ReportCalculator.dayIndex(
                calendar: calendar, around: range, earliest: missing.map { calendar.localDate(of: $0.createdAt) }.min())
            for record in try reportRecords(missing, store) {
                facts[record.pair.id] = ReportCalculator.facts(record, days: days, policy: policy)
            }
        }
        return pairs.compactMap { pair in facts[pair.id].map { (pair, $0) } }
    }

    /// Each pair's rows, read by the pair's indexes.
    func reportRecords(_ pairs: [Pair], _ store: any StoreReading) throws -> [ReportPairRecord] {
        // A handful of pairs: four indexed reads each. A school's worth: one read per table.
        guard pairs.count > 8, let school = pairs.first?.school, pairs.allSatisfy({ $0.school == school }) else {
            return try pairs.map { try store.reportRecord(of: $0) }
        }
        let records = try store.records(school: school)
        return pairs.map { pair in
            ReportPairRecord(
                pair: pair, dropIns: records.dropIns[pair.id] ?? [], followUps: records.followUps[pair.id] ?? [],
                adaptations: records.adaptations[pair.id] ?? [],
                cycleStarts: (records.cycles[pair.id] ?? []).map(\.startedAt))
        }
    }
}

extension ReportRow {
    init(
        _ figures: ReportFigures, school: Int64? = nil, schoolName: String? = nil, countedThrough: String? = nil,
        coach: Int64? = nil, coachName: String? = nil, pair: Int64? = nil, teacher: Int64? = nil,
        teacherName: String? = nil
    ) {
        self.init(
            school: school, schoolName: schoolName, countedThrough: countedThrough, coach: coach, coachName: coachName,
            pair: pair, teacher: teacher, teacherName: teacherName,
            dropinsDue: figures.dropinsDue, dropinsDone: figures.dropinsDone, dropinsOnTime: figures.dropinsOnTime,
            followupsDone: figures.followupsDone, followupsInWindow: figures.followupsInWindow,
            adaptationsSet: figures.adaptationsSet,
            outcomes: OutcomeCounts(
                embedded: figures.outcomes[.embedded], continuing: figures.outcomes[.continuing],
                dropped: figures.outcomes[.dropped]),
            cyclesStarted: figures.cyclesStarted, completionRate: figures.completionRate,
            onTimeRate: figures.onTimeRate,
            medianSchoolDaysBetweenDropins: figures.medianSchoolDaysBetweenDropins)
    }
}

/// The leads' view (issue 12): who may ask is checked inside each (a school, a coach, a pair).
/// Its methods, who may call each, and the handlers above, registered together.
enum LeadsViewFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(SchoolsStatus.self, access: .known) { params, peer in try await service.schoolsStatus(params, peer) }
        table.on(AgendaListMethod.self, access: .known) { params, peer in try await service.agendaList(params, peer) }
        // The two largest replies are written by hand (`ReplyWriter`), the same bytes as `JSONEncoder`'s.
        table.onEncoded(CoverageListMethod.self, access: .known) { params, peer in
            try await service.coverageListEncoded(params, peer)
        }
        table.onEncoded(ReportsSummary.self, access: .known) { params, peer in
            try await service.reportsSummaryEncoded(params, peer)
        }
    }
}
