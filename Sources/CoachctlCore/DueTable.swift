/// `coachctl due`'s human output: the one implementation, which the `coachctl` front and
/// coachctl-full's `DueCommand` (both of its ways in) print with. `show` turns a wire time into
/// what people read (`Mon 7 Dec 10:20`); the front passes `DueTime.show`, coachctl-full
/// `HumanTime.show`, the same text (Tests/CoachCtlTests/DueFastPathTests.swift).
public enum DueTable {
    public static func render(_ items: [DueItem], overdueOnly: Bool, show: (String) -> String) -> String {
        guard !items.isEmpty else { return overdueOnly ? "Nothing overdue." : "Nothing due." }
        // Within 80 columns the overdue time is left out (the state says whether it has passed); --wide shows it.
        let wide = Table.style.width == nil
        func state(_ item: DueItem) -> [String] {
            (wide ? [show(item.overdueAt)] : []) + [item.overdue ? "overdue" : "due"]
        }
        let end = (wide ? ["OVERDUE AT"] : []) + ["STATE"]
        // One table per programme, each under its own headings: a session's two heads are never
        // shown as a teacher and a coach, nor a group's meeting as a pair's.
        let coaching = items.filter { $0.kind != "session" && $0.kind != "supervision" }
        let sessions = items.filter { $0.kind == "session" }
        let meetings = items.filter { $0.kind == "supervision" }
        var sections: [String] = []
        if !coaching.isEmpty {
            sections.append(
                Table(
                    ["DUE", "KIND", "TEACHER", "COACH", "PAIR", "DROP-IN"] + end,
                    coaching.map { item in
                        [
                            show(item.dueAt), Words.kind(item.kind), item.teacherName, item.coachName,
                            "\(item.pair)", item.dropin.map { "\($0)" } ?? "-",
                        ] + state(item)
                    }
                ).render())
        }
        if !sessions.isEmpty {
            sections.append(
                (coaching.isEmpty ? "" : "Peer sessions:\n")
                    + Table(
                        ["DUE", "PEER SESSION OF", "AND", "PEER"] + end,
                        sessions.map { item in
                            [show(item.dueAt), item.teacherName, item.coachName, "\(item.pair)"] + state(item)
                        }
                    ).render())
        }
        if !meetings.isEmpty {
            sections.append(
                (coaching.isEmpty && sessions.isEmpty ? "" : "Supervision meetings:\n")
                    + Table(
                        ["DUE", "SUPERVISION GROUP", "TERM", "GROUP"] + end,
                        meetings.map { item in
                            [
                                show(item.dueAt), item.groupName ?? "", item.term ?? "",
                                "\(item.group ?? item.pair)",
                            ] + state(item)
                        }
                    ).render())
        }
        let overdueCount = items.filter(\.overdue).count
        var footer = Words.count(items.count, "item") + " listed"
        if overdueCount > 0 && !overdueOnly { footer += ", \(overdueCount) overdue" }
        return sections.joined(separator: "\n\n") + "\n\n" + footer + "."
    }

    /// What is printed for `items`: escaped, painted when `colour`, with its final newline — as
    /// coachctl-full's `Session.show` prints any human result.
    public static func output(_ human: String, colour: Bool = Terminal.colour) -> String {
        let text = Terminal.paint(Terminal.escape(human), colour: colour)
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
