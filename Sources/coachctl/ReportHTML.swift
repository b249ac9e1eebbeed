import CoachRPC
import CoachctlCore
import Foundation
import Plot

/// What `coachctl report --html` draws: the report, its school weeks, each week's figures and the
/// visits per pair and week.
struct ReportChartData {
    /// One school week: its Monday, and the part of the range it covers.
    struct Week: Hashable {
        var monday: String
        var from: String
        var to: String
        /// Done drop-ins and drop-ins due in the week (the week's `reports.summary` totals).
        var done: Int
        var due: Int
    }

    var report: ReportSummary
    var weeks: [Week]
    /// Done drop-ins per pair and week index.
    var visits: [Int64: [Int: Int]]

    /// The school weeks of the range (weeks holding at least one school day), Monday first.
    static func weeks(ofSchoolDays days: [String]) -> [(monday: String, from: String, to: String)] {
        var order: [String] = []
        var spans: [String: (from: String, to: String)] = [:]
        for day in days.sorted() {
            guard let monday = mondayOf(day) else { continue }
            if let span = spans[monday] {
                spans[monday] = (span.from, day)
            } else {
                order.append(monday)
                spans[monday] = (day, day)
            }
        }
        return order.map { ($0, spans[$0]!.from, spans[$0]!.to) }
    }

    /// The Monday of a `YYYY-MM-DD` date.
    static func mondayOf(_ day: String) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let parts = HumanTime.ymd(day), let date = calendar.date(from: parts) else { return nil }
        let back = (calendar.component(.weekday, from: date) + 5) % 7
        let monday = calendar.date(byAdding: .day, value: -back, to: date)!
        let ymd = calendar.dateComponents([.year, .month, .day], from: monday)
        return String(format: "%04d-%02d-%02d", ymd.year!, ymd.month!, ymd.day!)
    }
}

/// The report as one self-contained HTML file: inline SVG charts (no script, no network), each with a
/// text summary and a table alternative, laid out for A4. Built with Plot; every name goes into text
/// nodes only (Plot escapes text, not attribute values), after the terminal escape has made control
/// characters visible and `&` has been escaped (Plot would keep an entity such as `&lt;` as it is).
enum ReportHTML {
    static let css = """
        @page { size: A4; margin: 14mm; }
        body { font: 10pt/1.35 sans-serif; color: #111; max-width: 182mm; margin: 0 auto; }
        h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
        figure { margin: 0 0 6mm; break-inside: avoid; page-break-inside: avoid; }
        svg { max-width: 100%; height: auto; display: block; }
        table { border-collapse: collapse; margin: 2mm 0; font-size: 8.5pt; break-inside: auto; }
        th, td { border: 0.2mm solid #999; padding: 0.6mm 1.6mm; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
        .summary { margin: 1mm 0; }
        """

    /// Text for a text node: control characters shown as `\\u{…}`, `&` escaped (Plot escapes `<`, `>`).
    static func safe(_ text: String) -> String {
        Terminal.escape(text).replacingOccurrences(of: "&", with: "&amp;")
    }

    static func render(_ data: ReportChartData, generated: String) -> String {
        let report = data.report
        let title = "Coaching report: \(safe(report.schoolName ?? "every school")), \(report.from) to \(report.to)"
        let html = HTML(
            .head(.title(title), .meta(.charset(.utf8)), .style(css)),
            .body(
                .h1(.text(title)),
                .p(
                    .class("summary"),
                    .text(
                        "Drop-ins due are counted through \(report.countedThrough). Generated \(generated). "
                            + "Dates, counts and names only: no coaching notes, foci or adaptations. "
                            + "How each figure is counted: Docs/Reports.md.")),
                totalsTable(report),
                heatMap(data),
                completion(data),
                outcomes(report)
            )
        )
        return html.render()
    }

    static func totalsTable(_ report: ReportSummary) -> Node<HTML.BodyContext> {
        let t = report.totals
        let rows: [(String, String)] = [
            ("Drop-ins due", "\(t.dropinsDue)"), ("Drop-ins done", "\(t.dropinsDone)"),
            ("On time", "\(t.dropinsOnTime)"), ("Completion", percent(t.completionRate)),
            ("On-time rate", percent(t.onTimeRate)), ("Conversations", "\(t.followupsDone)"),
            ("Conversations in window", "\(t.followupsInWindow)"), ("Adaptations set", "\(t.adaptationsSet)"),
            ("Foci agreed", "\(t.cyclesStarted)"),
            (
                "Median school days between visits",
                t.medianSchoolDaysBetweenDropins.map { String(format: "%.1f", $0) } ?? "-"
            ),
        ]
        return .table(
            .id("totals"), .caption(.text("Totals")),
            .forEach(rows) { name, value in .tr(.td(.text(name)), .td(.text(value))) })
    }

    // MARK: Coverage heat-map

    static func heatMap(_ data: ReportChartData) -> Node<HTML.BodyContext> {
        let pairs = data.report.byPair
        let weeks = data.weeks
        let labelWidth = 150
        let cell = max(8, min(40, 560 / max(weeks.count, 1)))
        let rowHeight = 18
        let width = labelWidth + cell * weeks.count + 10
        let height = rowHeight * pairs.count + 24
        func shade(_ count: Int) -> String {
            switch count {
            case 0: "#f0f0f0"
            case 1: "#9ecae1"
            case 2: "#4292c6"
            default: "#08519c"
            }
        }
        var nodes: [Node<HTML.BodyContext>] = []
        for (index, week) in weeks.enumerated() where index % max(1, weeks.count / 8) == 0 {
            nodes.append(
                svg(
                    "text", ["x": "\(labelWidth + index * cell)", "y": "10", "font-size": "8"],
                    [.text(String(week.monday.dropFirst(5)))]))
        }
        for (row, pair) in pairs.enumerated() {
            let y = 16 + row * rowHeight
            var cells: [Node<HTML.BodyContext>] = [
                svg("text", ["x": "0", "y": "\(y + 10)", "font-size": "9"], [.text(safe(pair.teacherName ?? "-"))])
            ]
            for (index, _) in weeks.enumerated() {
                let count = data.visits[pair.pair ?? -1]?[index] ?? 0
                cells.append(
                    svg(
                        "rect",
                        [
                            "x": "\(labelWidth + index * cell)", "y": "\(y)", "width": "\(cell - 1)",
                            "height": "\(rowHeight - 2)", "fill": shade(count), "class": "cell",
                        ], [svg("title", [:], [.text("\(count)")])]))
            }
            nodes.append(svg("g", ["class": "row"], cells))
        }
        let never = pairs.filter { pair in (data.visits[pair.pair ?? -1]?.values.reduce(0, +) ?? 0) == 0 }.count
        let summary =
            "\(pairs.count) pair\(pairs.count == 1 ? "" : "s") over \(weeks.count) school week\(weeks.count == 1 ? "" : "s"); "
            + "\(never) had no drop-in in the range. Darker cells: more drop-ins done that week."
        return figure(
            id: "coverage", title: "Coverage: drop-ins done per teacher and school week", summary: summary,
            chart: svgRoot(id: "coverage-chart", width: width, height: height, label: "Coverage heat-map", nodes),
            table: .table(
                .class("alternative"),
                .tr(.th(.text("Teacher")), .forEach(weeks) { .th(.text(String($0.monday.dropFirst(5)))) }),
                .forEach(pairs) { pair in
                    .tr(
                        .td(.text(safe(pair.teacherName ?? "-"))),
                        .forEach(Array(weeks.indices)) { index in
                            .td(.text("\(data.visits[pair.pair ?? -1]?[index] ?? 0)"))
                        })
                }))
    }

    // MARK: Completion per week against the rhythm

    static func completion(_ data: ReportChartData) -> Node<HTML.BodyContext> {
        let weeks = data.weeks
        let top = max(1, weeks.map { max($0.due, $0.done) }.max() ?? 1)
        let slot = max(10, min(40, 560 / max(weeks.count, 1)))
        let plotHeight = 120
        let width = 30 + slot * weeks.count + 10
        func y(_ value: Int) -> Int { 10 + plotHeight - value * plotHeight / top }
        var nodes: [Node<HTML.BodyContext>] = [
            svg(
                "line",
                [
                    "x1": "30", "y1": "\(10 + plotHeight)", "x2": "\(width)", "y2": "\(10 + plotHeight)",
                    "stroke": "#333",
                ], []),
            svg("text", ["x": "0", "y": "16", "font-size": "8"], [.text("\(top)")]),
        ]
        for (index, week) in weeks.enumerated() {
            let x = 30 + index * slot
            nodes.append(
                svg(
                    "g", ["class": "row"],
                    [
                        // Outline: due under the planned rhythm; filled: done.
                        svg(
                            "rect",
                            [
                                "x": "\(x + 2)", "y": "\(y(week.due))", "width": "\(slot - 4)",
                                "height": "\(10 + plotHeight - y(week.due))", "fill": "none", "stroke": "#d62728",
                                "stroke-dasharray": "3 2",
                            ], []),
                        svg(
                            "rect",
                            [
                                "x": "\(x + 4)", "y": "\(y(week.done))", "width": "\(max(slot - 8, 2))",
                                "height": "\(10 + plotHeight - y(week.done))", "fill": "#4292c6",
                            ], [svg("title", [:], [.text("\(week.monday): \(week.done) done, \(week.due) due")])]),
                        svg(
                            "text", ["x": "\(x + 2)", "y": "\(plotHeight + 22)", "font-size": "7"],
                            [.text(String(week.monday.dropFirst(5)))]),
                    ]))
        }
        let done = weeks.map(\.done).reduce(0, +)
        let due = weeks.map(\.due).reduce(0, +)
        let behind = weeks.filter { $0.done < $0.due }.count
        let summary =
            "\(done) drop-ins done against \(due) due by the planned rhythm over \(weeks.count) school weeks; "
            + "\(behind) week\(behind == 1 ? "" : "s") fell short. Filled bars: done; dashed outlines: due."
        return figure(
            id: "completion", title: "Completion per week against the planned rhythm", summary: summary,
            chart: svgRoot(
                id: "completion-chart", width: width, height: plotHeight + 30, label: "Completion per week", nodes),
            table: .table(
                .class("alternative"),
                .tr(.th(.text("Week of")), .th(.text("Due")), .th(.text("Done"))),
                .forEach(weeks) { week in
                    .tr(.td(.text(week.monday)), .td(.text("\(week.due)")), .td(.text("\(week.done)")))
                }
            ))
    }

    // MARK: Adaptation outcomes

    static func outcomes(_ report: ReportSummary) -> Node<HTML.BodyContext> {
        let o = report.totals.outcomes
        let rows = [
            ("embedded", o.embedded, "#2ca02c"), ("continuing", o.continuing, "#ff7f0e"),
            ("dropped", o.dropped, "#7f7f7f"),
        ]
        let top = max(1, rows.map(\.1).max() ?? 1)
        var nodes: [Node<HTML.BodyContext>] = []
        for (index, (name, count, colour)) in rows.enumerated() {
            let y = 4 + index * 20
            nodes.append(
                svg(
                    "g", ["class": "row"],
                    [
                        svg("text", ["x": "0", "y": "\(y + 12)", "font-size": "9"], [.text(name)]),
                        svg(
                            "rect",
                            ["x": "70", "y": "\(y)", "width": "\(count * 300 / top)", "height": "16", "fill": colour],
                            []),
                        svg(
                            "text", ["x": "\(74 + count * 300 / top)", "y": "\(y + 12)", "font-size": "9"],
                            [.text("\(count)")]),
                    ]))
        }
        let total = o.embedded + o.continuing + o.dropped
        let summary =
            "\(total) adaptation\(total == 1 ? "" : "s") closed in the range: \(o.embedded) embedded, \(o.continuing) continuing, "
            + "\(o.dropped) dropped; \(report.totals.adaptationsSet) set."
        return figure(
            id: "outcomes", title: "Adaptation outcomes", summary: summary,
            chart: svgRoot(id: "outcomes-chart", width: 420, height: 66, label: "Adaptation outcomes", nodes),
            table: .table(
                .class("alternative"),
                .tr(.th(.text("Outcome")), .th(.text("Adaptations"))),
                .forEach(rows) { row in .tr(.td(.text(row.0)), .td(.text("\(row.1)"))) }))
    }

    // MARK: Building blocks

    static func figure(
        id: String, title: String, summary: String, chart: Node<HTML.BodyContext>, table: Node<HTML.BodyContext>
    ) -> Node<HTML.BodyContext> {
        .element(
            named: "figure",
            nodes: [
                .id(id), .h2(.text(title)), chart, .p(.class("summary"), .text(summary)), table,
            ])
    }

    /// An `<svg>` with a title for screen readers; attribute values are numbers and fixed words only.
    static func svgRoot(id: String, width: Int, height: Int, label: String, _ nodes: [Node<HTML.BodyContext>])
        -> Node<HTML.BodyContext>
    {
        svg(
            "svg",
            [
                "id": id, "width": "\(width)", "height": "\(height)",
                "viewBox": "0 0 \(width) \(height)", "role": "img", "aria-label": label,
            ], nodes)
    }

    static func svg(_ name: String, _ attributes: KeyValuePairs<String, String>, _ nodes: [Node<HTML.BodyContext>])
        -> Node<HTML.BodyContext>
    {
        .element(named: name, nodes: attributes.map { .attribute(named: $0.key, value: $0.value) } + nodes)
    }
}
