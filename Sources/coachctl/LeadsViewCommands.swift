import ArgumentParser
import CoachRPC
import CoachctlCore
import Foundation

/// Issue 12's commands: the lead's Monday (`status`, `coverage`, `report`) and anyone's `agenda`.

/// The school given, or the caller's only school (leads and heads see one).
func resolveSchool(_ school: Int64?, _ session: Session) throws -> Int64 {
    if let school { return school }
    let schools = try session.call(SchoolsList.self, NoParams()).schools
    guard schools.count == 1 else {
        throw UsageError(
            message: schools.isEmpty
                ? "you see no school, so --school ID is needed" : "you see several schools: give --school ID",
            hint: "`coachctl school list` shows them")
    }
    return schools[0].id
}

/// Today's date, and the dates of this Monday and Sunday, in `zone`, as YYYY-MM-DD.
func localDays(in zone: TimeZone, now: Date = Date()) -> (today: String, monday: String, sunday: String) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let today = calendar.startOfDay(for: now)
    let back = (calendar.component(.weekday, from: today) + 5) % 7  // Monday = 0
    let monday = calendar.date(byAdding: .day, value: -back, to: today)!
    let sunday = calendar.date(byAdding: .day, value: 6, to: monday)!
    func ymd(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
    return (ymd(today), ymd(monday), ymd(sunday))
}

/// A rate as people read it: `67%`, or `-` when nothing was due.
func percent(_ rate: Double?) -> String {
    guard let rate else { return "-" }
    return "\(Int((rate * 100).rounded()))%"
}

/// `coachctl status`: the school at a glance.
struct StatusCommand: ParsableCommand {
    static let configuration = SchoolsStatus.command(
        "status", discussion: "Examples: coachctl status; coachctl status --school 2")
    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp("The school (default: your only school).", valueName: "ID"), completion: IDCompletion.schools
    ) var school: Int64?

    func run() throws {
        let session = try global.session()
        let id = try resolveSchool(school, session)
        try session.run(SchoolsStatus.self, SchoolsStatus.Params(school: id), human: Self.render)
    }

    static func render(_ status: SchoolStatus) -> String {
        var lines = [
            "\(status.schoolName) on \(HumanTime.showDay(status.today)) (\(status.today))",
            "  pairs                 \(status.pairs)",
            "  due today             \(status.dueToday)",
            "  due this week         \(status.dueThisWeek)",
            "  overdue               \(status.overdue)",
        ]
        if !status.overdueByDays.isEmpty {
            let buckets = status.overdueByDays.map {
                "\($0.count) by \($0.schoolDays) school day\($0.schoolDays == 1 ? "" : "s")"
            }
            lines.append("    " + buckets.joined(separator: ", "))
        }
        lines.append("  drop-ins this week    \(status.dropinsDoneThisWeek)")
        if let term = status.term {
            lines.append("  completion this term  \(percent(status.completionRateThisTerm)) (\(term))")
        } else {
            lines.append("  completion this term  - (today is in no term)")
        }
        return lines.joined(separator: "\n")
    }
}

/// `coachctl agenda`: booked drop-ins and conversations due.
struct AgendaCommand: ParsableCommand {
    static let configuration = AgendaListMethod.command(
        "agenda", discussion: "Examples: coachctl agenda; coachctl agenda --week; coachctl agenda --person 7")
    @OptionGroup var global: GlobalOptions
    @Option(help: AgendaListMethod.help("person", valueName: "ID"), completion: IDCompletion.people) var person: Int64?
    @Flag(help: "This Monday to Sunday (default: today).") var week = false

    func run() throws {
        let session = try global.session()
        let days = localDays(in: session.schoolZone())
        let params = AgendaListMethod.Params(
            person: person, from: week ? days.monday : days.today, to: week ? days.sunday : days.today)
        try session.run(AgendaListMethod.self, params, human: Self.render)
    }

    static func render(_ agenda: AgendaList) -> String {
        guard !agenda.items.isEmpty else { return "Nothing on \(agenda.personName)'s agenda." }
        let table = Table(
            ["WHEN", "WHAT", "TEACHER", "COACH", "PAIR", "DROP-IN", "STATE"],
            agenda.items.map { item in
                [
                    item.start.map { HumanTime.show($0) } ?? HumanTime.showDay(item.date),
                    item.kind == "dropin" ? "drop-in (\(item.minutes ?? 0) min)" : "conversation",
                    item.teacherName, item.coachName, "\(item.pair)", "\(item.dropin)",
                    item.overdue ? "overdue" : "due",
                ]
            })
        return "\(agenda.personName)\n\n" + table.render()
    }
}

/// `coachctl coverage`: who has gone longest without a visit.
struct CoverageCommand: ParsableCommand {
    static let configuration = CoverageListMethod.command(
        "coverage", discussion: "Examples: coachctl coverage; coachctl coverage --as-of 2026-12-18")
    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp("The school (default: your only school).", valueName: "ID"), completion: IDCompletion.schools
    ) var school: Int64?
    @Option(name: .customLong("as-of"), help: CoverageListMethod.help("asOf", valueName: "DATE")) var asOf: String?

    func run() throws {
        let session = try global.session()
        let id = try resolveSchool(school, session)
        try session.run(CoverageListMethod.self, CoverageListMethod.Params(school: id, asOf: asOf), human: Self.render)
    }

    static func render(_ coverage: CoverageList) -> String {
        guard !coverage.items.isEmpty else { return "No active teachers." }
        let table = Table(
            ["TEACHER", "LAST VISIT", "SCHOOL DAYS", "COACH", "PAIR", "NEXT"],
            coverage.items.map { item in
                [
                    item.teacherName, item.lastDropIn.map { HumanTime.showDay($0) } ?? "never",
                    item.schoolDaysSince.map { "\($0)" } ?? "-", item.coachName ?? "-",
                    item.pair.map { "\($0)" } ?? "-",
                    item.next.map {
                        "\(Output.kind($0.kind)) \(HumanTime.show($0.dueAt))\($0.overdue ? " (overdue)" : "")"
                    }
                        ?? "-",
                ]
            })
        let unseen = coverage.items.filter { $0.lastDropIn == nil }.count
        return table.render() + "\n\n" + Output.count(coverage.items.count, "teacher") + ", \(unseen) never visited."
    }
}

/// `coachctl report`: a range's figures, as tables, CSV or JSON.
struct ReportCommand: ParsableCommand {
    static let configuration = ReportsSummary.command(
        "report",
        discussion: """
            Examples: coachctl report --term Autumn; coachctl report --from 2026-09-01 --to 2026-10-23 --csv > autumn.csv
            How each figure is counted: Docs/Reports.md.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: ReportsSummary.help("from", valueName: "DATE")) var from: String?
    @Option(help: ReportsSummary.help("to", valueName: "DATE")) var to: String?
    @Option(help: "A term entered in the calendar, by name: its dates as --from and --to.") var term: String?
    @Option(help: ReportsSummary.help("school", valueName: "ID"), completion: IDCompletion.schools) var school: Int64?
    @Option(help: ReportsSummary.help("coach", valueName: "ID"), completion: IDCompletion.people) var coach: Int64?
    @Option(help: ReportsSummary.help("pair", valueName: "ID"), completion: IDCompletion.pairs) var pair: Int64?
    @Flag(
        help:
            "Every school in one report, each in its own calendar (admins): totals and a row per school; --csv gives every pair."
    )
    var allSchools = false
    @Flag(help: "One row per pair as CSV (RFC 4180, with a header row).") var csv = false
    @Option(
        help: ArgumentHelp(
            "Also write one self-contained HTML file with charts (coverage, completion per week, outcomes).",
            valueName: "FILE"))
    var html: String?

    func validate() throws {
        if term != nil && (from != nil || to != nil) {
            throw ValidationError("give either --term or --from and --to, not both")
        }
        if term == nil && (from == nil || to == nil) {
            throw ValidationError("give --from DATE and --to DATE, or --term NAME")
        }
        if csv && global.json { throw ValidationError("give either --csv or --json, not both") }
        if html?.isEmpty == true { throw ValidationError("--html needs a file name") }
        if allSchools {
            if school != nil || coach != nil || pair != nil {
                throw ValidationError("--all-schools covers every school: give it without --school, --coach or --pair")
            }
            if term != nil {
                throw ValidationError("--term names one school's term: give --from and --to with --all-schools")
            }
            if html != nil {
                throw ValidationError("--html draws one school's report: give --school ID instead of --all-schools")
            }
        }
    }

    func run() throws {
        let session = try global.session()
        var range = (from: from ?? "", to: to ?? "")
        if let term {
            let id = try resolveSchool(school, session)
            let terms = try session.call(CalendarList.self, CalendarList.Params(school: id)).terms
            guard let found = terms.first(where: { $0.name.caseInsensitiveCompare(term) == .orderedSame }) else {
                throw UsageError(
                    message: "school \(id) has no term named \(Terminal.escape(term))",
                    hint: "terms: "
                        + (terms.isEmpty
                            ? "none entered" : terms.map { Terminal.escape($0.name) }.joined(separator: ", ")))
            }
            range = (found.from, found.to)
        }
        let params = ReportsSummary.Params(
            from: range.from, to: range.to, school: school, coach: coach, pair: pair,
            allSchools: allSchools ? true : nil)
        let report = try session.call(ReportsSummary.self, params)
        if let html {
            let data = try Self.chartData(report, params, session)
            let page = ReportHTML.render(data, generated: localDays(in: session.schoolZone()).today)
            do {
                try Data(page.utf8).write(to: URL(fileURLWithPath: html))
            } catch {
                throw UsageError(
                    message: "cannot write \(Terminal.escape(html)): \(error.localizedDescription)", hint: nil)
            }
            FileHandle.standardError.write(Data("wrote \(Terminal.escape(html))\n".utf8))
        }
        if csv {
            // CSV is data for a spreadsheet, not terminal text: written as it is, quoted by the CSV rules.
            // Every school's pairs: each school's own report (an `allSchools` report has no pair rows).
            let reports = try (report.bySchool ?? []).compactMap(\.school).map { school in
                try session.call(
                    ReportsSummary.self, ReportsSummary.Params(from: range.from, to: range.to, school: school))
            }
            print(try ReportCSV.render(report.bySchool == nil ? [report] : reports), terminator: "")
        } else {
            session.show(report, human: Self.render)
        }
    }

    /// What the charts need besides the report: the range's school weeks with each week's figures (one
    /// `reports.summary` per week, same scope), and each pair's done drop-ins per week (`dropins.list`,
    /// which gives a lead dates and never notes).
    static func chartData(_ report: ReportSummary, _ params: ReportsSummary.Params, _ session: Session) throws
        -> ReportChartData
    {
        guard let school = report.school else {
            throw UsageError(message: "the HTML report draws one school", hint: "give --school ID")
        }
        let days = try session.call(
            CalendarSchoolDays.self, CalendarSchoolDays.Params(school: school, from: report.from, to: report.to)
        ).days
        let spans = ReportChartData.weeks(ofSchoolDays: days)
        var weeks: [ReportChartData.Week] = []
        for span in spans {
            var weekly = params
            weekly.from = span.from
            weekly.to = span.to
            let totals = try session.call(ReportsSummary.self, weekly).totals
            weeks.append(
                ReportChartData.Week(
                    monday: span.monday, from: span.from, to: span.to, done: totals.dropinsDone, due: totals.dropinsDue)
            )
        }
        let index = Dictionary(spans.enumerated().map { ($1.monday, $0) }) { first, _ in first }
        let pairs = Set(report.byPair.compactMap(\.pair))
        var visits: [Int64: [Int: Int]] = [:]
        let done = try session.call(DropInsList.self, DropInsList.Params(pair: params.pair, status: "done")).dropins
        for dropIn in done where pairs.contains(dropIn.pair) {
            // The start carries the school's offset, so its first ten characters are the school-local date.
            let day = String(dropIn.start.prefix(10))
            guard day >= report.from, day <= report.to, let monday = ReportChartData.mondayOf(day),
                let week = index[monday]
            else { continue }
            visits[dropIn.pair, default: [:]][week, default: 0] += 1
        }
        return ReportChartData(report: report, weeks: weeks, visits: visits)
    }

    static func render(_ report: ReportSummary) -> String {
        let headers = ["DUE", "DONE", "ON TIME", "DONE %", "CONV.", "IN WIN.", "ADAPT.", "MEDIAN"]
        func figures(_ row: ReportRow) -> [String] {
            [
                "\(row.dropinsDue)", "\(row.dropinsDone)", "\(row.dropinsOnTime)", percent(row.completionRate),
                "\(row.followupsDone)", "\(row.followupsInWindow)", "\(row.adaptationsSet)",
                row.medianSchoolDaysBetweenDropins.map { String(format: "%.1f", $0) } ?? "-",
            ]
        }
        let total = report.totals
        var text = "\(report.schoolName ?? "Every school"), \(report.from) to \(report.to)"
        if report.countedThrough != report.to { text += " (due counted through \(report.countedThrough))" }
        text += "\n\n" + Table(["TOTAL"] + headers, [["all"] + figures(total)]).render()
        text +=
            "\n\nOutcomes: \(total.outcomes.embedded) embedded, \(total.outcomes.continuing) continuing, "
            + "\(total.outcomes.dropped) dropped; \(total.cyclesStarted) foci agreed."
        if let bySchool = report.bySchool {
            // Every school: a row each here; a coach's and a pair's rows are in --csv and --json.
            // Schools in zones on different days are each counted through their own today.
            let days = Dictionary(grouping: bySchool.compactMap(\.countedThrough)) { $0 }
            if days.count > 1 {
                text += "\n\nDue counted through each school's own today:"
                for day in days.keys.sorted() {
                    let count = days[day]?.count ?? 0
                    text += "\n  \(day): \(count) school\(count == 1 ? "" : "s")"
                }
            }
            if !bySchool.isEmpty {
                text +=
                    "\n\n" + Table(["SCHOOL"] + headers, bySchool.map { [$0.schoolName ?? "-"] + figures($0) }).render()
            }
            text += "\n\nOne row per pair, every school's: --csv."
            return text
        }
        if !report.byCoach.isEmpty {
            text +=
                "\n\n" + Table(["COACH"] + headers, report.byCoach.map { [$0.coachName ?? "-"] + figures($0) }).render()
        }
        if !report.byPair.isEmpty {
            text +=
                "\n\n"
                + Table(["TEACHER"] + headers, report.byPair.map { [$0.teacherName ?? "-"] + figures($0) }).render()
        }
        return text
    }
}

/// `coachctl due --today`, `--week`: the range of due dates, in the school's zone.
extension DueCommand {
    static func dueRange(_ session: Session, today: Bool, week: Bool) -> (from: String?, to: String?) {
        guard today || week else { return (nil, nil) }
        let days = localDays(in: session.schoolZone())
        return today ? (days.today, days.today) : (days.monday, days.sunday)
    }
}
