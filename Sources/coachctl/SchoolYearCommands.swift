import ArgumentParser
import CoachRPC
import CoachctlCore

// Issue 11: the commands for a school year as it really goes. Each adds a subcommand to an
// existing group (registered in that group's configuration).

/// Dates typed as `YYYY-MM-DD`: anything else is a usage error (exit 64) before any call.
enum DateOption {
    static func check(_ options: [String: String?]) throws {
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            guard let value, HumanTime.ymd(value) == nil else { continue }
            throw ValidationError("\(name) takes a date as YYYY-MM-DD, not '\(value)'")
        }
    }
}

/// How pairs and drop-ins read: names, not ids.
enum YearText {
    /// `Ada Lovelace ↔ Cy Coach`.
    static func pair(_ pair: PairSummary) -> String { "\(pair.teacherName) ↔ \(pair.coachName)" }

    /// Pair names by id, ended pairs included (one call).
    static func pairNames(_ session: Session) throws -> [Int64: String] {
        let pairs = try session.call(PairsList.self, PairsList.Params(includeEnded: true)).pairs
        // The id in brackets: `--pair ID` needs it.
        return Dictionary(pairs.map { ($0.id, "\(pair($0)) [\($0.id)]") }) { first, _ in first }
    }

    /// School names by id (one call); empty when they cannot be read, so ids show instead.
    static func schoolNames(_ session: Session) -> [Int64: String] {
        let schools = (try? session.call(SchoolsList.self, NoParams()).schools) ?? []
        return Dictionary(schools.map { ($0.id, $0.name) }) { first, _ in first }
    }

    /// What a calendar change did, in a few lines; empty when nothing moved.
    static func affected(_ affected: CalendarAffected?, names: [Int64: String]) -> String {
        guard let affected, !(affected.cancelled.isEmpty && affected.moved.isEmpty) else { return "" }
        var lines: [String] = []
        for dropIn in affected.cancelled {
            lines.append(
                "  cancelled drop-in \(dropIn.dropin) of \(names[dropIn.pair] ?? "pair \(dropIn.pair)") "
                    + "(\(HumanTime.show(dropIn.start))): \(dropIn.reason)")
        }
        for move in affected.moved {
            lines.append(
                "  \(Output.kind(move.kind)) of \(names[move.pair] ?? "pair \(move.pair)") now due "
                    + "\(move.to.map { HumanTime.showDay($0) } ?? "never") (was \(move.from.map { HumanTime.showDay($0) } ?? "none"))"
            )
        }
        return "\n" + lines.joined(separator: "\n")
    }
}

extension DropInCommand {
    struct List: ParsableCommand {
        static let configuration = DropInsList.command(
            "list", discussion: "Example: coachctl dropin list --pair 7 --status booked")
        @OptionGroup var global: GlobalOptions
        @Option(help: DropInsList.help("pair", valueName: "ID"), completion: IDCompletion.pairs) var pair: Int64?
        @Option(help: DropInsList.help("status", valueName: "STATUS"), completion: .list(DropInStatusName.all))
        var status: String?

        func validate() throws {
            if let status, !DropInStatusName.all.contains(status) {
                throw ValidationError(
                    "--status is one of \(DropInStatusName.all.joined(separator: ", ")), not '\(status)'")
            }
        }

        func run() throws {
            let session = try global.session()
            let result = try session.call(DropInsList.self, DropInsList.Params(pair: pair, status: status))
            let names = session.json ? [:] : try YearText.pairNames(session)
            session.show(result) { list in
                guard !list.dropins.isEmpty else { return "No drop-ins." }
                let table = Table(
                    ["ID", "WHEN", "MIN", "STATUS", "PAIR"],
                    list.dropins.map { dropIn in
                        [
                            "\(dropIn.id)", HumanTime.show(dropIn.start), "\(dropIn.minutes)", dropIn.status ?? "-",
                            names[dropIn.pair] ?? "pair \(dropIn.pair)",
                        ]
                    })
                return table.render() + "\n\n" + Output.count(list.dropins.count, "drop-in") + " listed."
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = DropInsCancel.command(
            "cancel", discussion: "Example: coachctl dropin cancel 12 --reason \"booked on the wrong date\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: DropInsCancel.help("dropin", valueName: "DROPIN")) var dropin: Int64
        @Option(help: DropInsCancel.help("reason", valueName: "TEXT")) var reason: String

        func run() throws {
            try global.session().run(DropInsCancel.self, DropInsCancel.Params(dropin: dropin, reason: reason)) {
                "Cancelled drop-in \($0.id) (\(HumanTime.show($0.start))). The next drop-in is due again: "
                    + "coachctl due; book it with coachctl invite --at TIME"
            }
        }
    }

    struct Move: ParsableCommand {
        static let configuration = DropInsReschedule.command(
            "move", discussion: "Example: coachctl dropin move 12 --at \"tue 10:20\" --minutes 10")
        @OptionGroup var global: GlobalOptions
        @Argument(help: DropInsReschedule.help("dropin", valueName: "DROPIN")) var dropin: Int64
        @Option(help: ArgumentHelp("The new start: \(HumanTime.forms).", valueName: "TIME")) var at: String
        @Option(help: DropInsReschedule.help("minutes", valueName: "N")) var minutes: Int?

        func run() throws {
            let session = try global.session()
            let start = try session.readTime(at, direction: .ahead)
            try session.run(
                DropInsReschedule.self, DropInsReschedule.Params(dropin: dropin, start: start, minutes: minutes)
            ) {
                let was = $0.movedFrom?.last.map { " (was \(HumanTime.show($0)))" } ?? ""
                return "Moved drop-in \($0.id) to \(HumanTime.span($0.start, $0.end))\(was)."
            }
        }
    }

    struct Log: ParsableCommand {
        static let configuration = DropInsLog.command(
            "log",
            discussion:
                "A visit that already happened, booked and done in one step. Example: coachctl dropin log --pair 7 --at \"fri 10:20\" --minutes 10"
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var pair: PairOption
        @Option(help: ArgumentHelp("When the visit started: \(HumanTime.forms).", valueName: "TIME")) var at: String
        @Option(help: DropInsLog.help("minutes", valueName: "N")) var minutes: Int?
        @Option(help: DropInsLog.help("notes", valueName: "TEXT")) var notes: String?

        func run() throws {
            let session = try global.session()
            let start = try session.readTime(at, direction: .back)
            let id = try pair.resolve(session)
            try session.run(DropInsLog.self, DropInsLog.Params(pair: id, start: start, minutes: minutes, notes: notes))
            {
                "Logged drop-in \($0.id), \(HumanTime.span($0.start, $0.end)), as done. "
                    + "After the conversation: coachctl followup done \($0.id)"
            }
        }
    }
}

extension ClosureCommand {
    struct Remove: ParsableCommand {
        static let configuration = CalendarRemoveClosure.command(
            "remove", abstract: "Opens the days of a closure again; prints the due dates it moves.",
            discussion: "Example: coachctl closure remove 3 (coachctl calendar list --school ID shows the ids)")
        @OptionGroup var global: GlobalOptions
        @Argument(help: CalendarRemoveClosure.help("closure", valueName: "ID")) var closure: Int64

        func run() throws {
            let session = try global.session()
            let result = try session.call(CalendarRemoveClosure.self, CalendarRemoveClosure.Params(closure: closure))
            let names = session.json || result.affected.moved.isEmpty ? [:] : try YearText.pairNames(session)
            session.show(result) { removed in
                let c = removed.closure
                return "Removed closure \(c.id): \(c.from) to \(c.to) (\(c.reason))."
                    + YearText.affected(removed.affected, names: names)
            }
        }
    }
}

extension TermCommand {
    struct Remove: ParsableCommand {
        static let configuration = CalendarRemoveTerm.command(
            "remove", abstract: "Removes a term; prints the drop-ins it cancels and the due dates it moves.",
            discussion: "Example: coachctl term remove 2 (coachctl calendar list --school ID shows the ids)")
        @OptionGroup var global: GlobalOptions
        @Argument(help: CalendarRemoveTerm.help("term", valueName: "ID")) var term: Int64

        func run() throws {
            let session = try global.session()
            let result = try session.call(CalendarRemoveTerm.self, CalendarRemoveTerm.Params(term: term))
            let quiet = result.affected.moved.isEmpty && result.affected.cancelled.isEmpty
            let names = session.json || quiet ? [:] : try YearText.pairNames(session)
            session.show(result) { removed in
                "Removed term \(removed.term.id): \(removed.term.name), \(removed.term.from) to \(removed.term.to)."
                    + YearText.affected(removed.affected, names: names)
            }
        }
    }
}

extension CalendarCommand {
    struct List: ParsableCommand {
        static let configuration = CalendarList.command(
            "list", abstract: "A school's terms and closures with their ids; --from/--to keep those meeting the dates.",
            discussion: "Example: coachctl calendar list --school 1 --from 2026-09-01")
        @OptionGroup var global: GlobalOptions
        @Option(help: CalendarList.help("school", valueName: "ID"), completion: IDCompletion.schools) var school: Int64
        @Option(help: CalendarList.help("from", valueName: "DATE")) var from: String?
        @Option(help: CalendarList.help("to", valueName: "DATE")) var to: String?

        func validate() throws { try DateOption.check(["--from": from, "--to": to]) }

        func run() throws {
            try global.session().run(CalendarList.self, CalendarList.Params(school: school, from: from, to: to)) {
                result in
                let terms =
                    result.terms.isEmpty
                    ? "No terms: every weekday outside a closure is a school day."
                    : Table(
                        ["TERM", "NAME", "FROM", "TO"], result.terms.map { ["\($0.id)", $0.name, $0.from, $0.to] }
                    ).render()
                let closures =
                    result.closures.isEmpty
                    ? "No closures."
                    : Table(
                        ["CLOSURE", "FROM", "TO", "REASON"],
                        result.closures.map { ["\($0.id)", $0.from, $0.to, $0.reason] }
                    ).render()
                return terms + "\n\n" + closures
            }
        }
    }
}

extension PairCommand {
    struct End: ParsableCommand {
        static let configuration = PairsEnd.command(
            "end", discussion: "Example: coachctl pair end 7 --reason \"teacher left the school\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: PairsEnd.help("pair", valueName: "PAIR"), completion: IDCompletion.pairs) var pair: Int64
        @Option(help: PairsEnd.help("reason", valueName: "TEXT")) var reason: String

        func run() throws {
            try global.session().run(PairsEnd.self, PairsEnd.Params(pair: pair, reason: reason)) {
                "Ended pair \($0.id), \(YearText.pair($0)): nothing is due for it any more; its history is kept "
                    + "(coachctl pair show \($0.id))."
            }
        }
    }
}

extension PersonCommand {
    struct Update: ParsableCommand {
        static let configuration = PeopleUpdate.command(
            "update",
            discussion:
                "Give only what changes; --role replaces the roles (repeatable). Example: coachctl person update 12 --name \"Ann Smith\""
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeopleUpdate.help("person", valueName: "PERSON"), completion: IDCompletion.people) var person:
            Int64
        @Option(help: PeopleUpdate.help("name", valueName: "NAME")) var name: String?
        @Option(
            name: .customLong("role"), help: ArgumentHelp("A role the person holds (repeatable).", valueName: "ROLE"),
            completion: .list(RoleName.all))
        var roles: [String] = []
        @Option(help: PeopleUpdate.help("login", valueName: "NAME"), completion: .default) var login: String?
        @Option(help: PeopleUpdate.help("uid", valueName: "N")) var uid: Int64?

        func validate() throws {
            for role in roles where !RoleName.all.contains(role) {
                throw ValidationError("unknown role '\(role)'; roles are \(RoleName.all.joined(separator: ", "))")
            }
            if login != nil && uid != nil { throw ValidationError("give --login or --uid, not both") }
            if name == nil && roles.isEmpty && login == nil && uid == nil {
                throw ValidationError("give what changes: --name, --role, --login or --uid")
            }
        }

        func run() throws {
            let params = PeopleUpdate.Params(
                person: person, name: name, roles: roles.isEmpty ? nil : roles, login: login, uid: uid)
            try global.session().run(PeopleUpdate.self, params) {
                "Updated person \($0.id): \($0.name), \($0.roles.joined(separator: ", "))."
            }
        }
    }

    struct Deactivate: ParsableCommand {
        static let configuration = PeopleDeactivate.command(
            "deactivate", discussion: "Example: coachctl person deactivate 12 --reason \"left the school\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeopleDeactivate.help("person", valueName: "PERSON"), completion: IDCompletion.people)
        var person: Int64
        @Option(help: PeopleDeactivate.help("reason", valueName: "TEXT")) var reason: String

        func run() throws {
            try global.session().run(PeopleDeactivate.self, PeopleDeactivate.Params(person: person, reason: reason)) {
                "Deactivated \($0.name) (person \($0.id)): their active pairs ended; they can still read their own history."
            }
        }
    }
}
