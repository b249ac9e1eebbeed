import ArgumentParser
import CoachRPC
import CoachctlCore

// Issue 14, the heads' peer programme: `coachctl region`, `coachctl peer`, `coachctl session`.

/// `coachctl region …`: the trust's regional groups.
struct RegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region", abstract: "Add and list the trust's regions, and put schools in them.",
        subcommands: [Add.self, List.self, Assign.self])

    struct Add: ParsableCommand {
        static let configuration = RegionsAdd.command("add", discussion: "Example: coachctl region add North")
        @OptionGroup var global: GlobalOptions
        @Argument(help: RegionsAdd.help("name", valueName: "NAME")) var name: String

        func run() throws {
            try global.session().run(RegionsAdd.self, .init(name: name)) {
                "Added region \($0.id): \(Terminal.escape(name))."
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = RegionsList.command("list")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.session().run(RegionsList.self, NoParams()) { result in
                guard !result.regions.isEmpty else { return "No regions." }
                return Table(["ID", "NAME"], result.regions.map { ["\($0.id)", $0.name] }).render()
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = SchoolsSetRegion.command(
            "set", discussion: "Example: coachctl region set --school 1 --region 2")
        @OptionGroup var global: GlobalOptions
        @Option(help: SchoolsSetRegion.help("school", valueName: "ID")) var school: Int64
        @Option(help: SchoolsSetRegion.help("region", valueName: "ID")) var region: Int64

        func run() throws {
            try global.session().run(SchoolsSetRegion.self, .init(school: school, region: region)) {
                "School \($0.id) (\(Terminal.escape($0.name))) is in region \(region)."
            }
        }
    }
}

/// `coachctl peer …`: pairs of heads of schools in different regions.
struct PeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer", abstract: "Pair heads across regions, propose a pairing, list peer pairs.",
        subcommands: [Create.self, Suggest.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = PeersCreate.command("create", discussion: "Example: coachctl peer create 4 9")
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeersCreate.help("a", valueName: "PERSON")) var a: Int64
        @Argument(help: PeersCreate.help("b", valueName: "PERSON")) var b: Int64

        func run() throws {
            try global.session().run(PeersCreate.self, .init(a: a, b: b)) { created in
                let first = created.aName.map { "\(Terminal.escape($0)) (\(a))" } ?? "person \(a)"
                let second = created.bName.map { "\(Terminal.escape($0)) (\(b))" } ?? "person \(b)"
                return "Created peer pair \(created.id): \(first) and \(second)."
            }
        }
    }

    struct Suggest: ParsableCommand {
        static let configuration = PeersSuggest.command(
            "suggest", discussion: "Nothing is stored: create the pairs you keep with coachctl peer create.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Allow the previous period's partners again.") var allowPrevious = false

        func run() throws {
            try global.session().run(PeersSuggest.self, .init(avoidPrevious: !allowPrevious)) { result in
                var lines: [String] = []
                if result.pairs.isEmpty {
                    lines.append("No pairs to propose.")
                } else {
                    lines.append(
                        Table(
                            ["A", "B", "THIRD"],
                            result.pairs.map { pair in
                                [
                                    "\(pair.aName) (\(pair.a))", "\(pair.bName) (\(pair.b))",
                                    pair.c.map { "\(pair.cName ?? "") (\($0))" } ?? "",
                                ]
                            }
                        ).render())
                }
                if !result.leftOut.isEmpty {
                    lines.append(
                        "Left out: "
                            + result.leftOut.map { "\(Terminal.escape($0.name)) (\($0.id))" }.joined(separator: ", ")
                            + ".")
                }
                return lines.joined(separator: "\n\n")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = PeersList.command("list")
        @OptionGroup var global: GlobalOptions
        @Flag(help: PeersList.help("mine")) var mine = false

        func run() throws {
            try global.session().run(PeersList.self, .init(mine: mine ? true : nil)) { result in
                guard !result.peers.isEmpty else { return "No peer pairs." }
                let table = Table(
                    ["ID", "HEAD", "REGION", "HEAD", "REGION"],
                    result.peers.map { ["\($0.id)", $0.aName, $0.aRegion ?? "", $0.bName, $0.bRegion ?? ""] })
                return table.render() + "\n\n" + Output.count(result.peers.count, "peer pair") + " listed."
            }
        }
    }
}

/// `coachctl session …`: the peer sessions of a pair of heads.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Book and log peer sessions of two heads.",
        subcommands: [Schedule.self, Complete.self, Cancel.self, List.self])

    struct Schedule: ParsableCommand {
        static let configuration = SessionsSchedule.command(
            "schedule",
            discussion:
                "Example: coachctl session schedule --peer 1 --start 2026-11-25T13:00 --mode video --first-coach 4")
        @OptionGroup var global: GlobalOptions
        @Option(help: SessionsSchedule.help("peer", valueName: "ID")) var peer: Int64
        @Option(help: SessionsSchedule.help("start", valueName: "TIME")) var start: String
        @Option(help: SessionsSchedule.help("minutes", valueName: "N")) var minutes: Int?
        @Option(help: SessionsSchedule.help("mode", valueName: "MODE")) var mode: String = "inPerson"
        @Option(help: SessionsSchedule.help("firstCoach", valueName: "PERSON")) var firstCoach: Int64

        func run() throws {
            let params = SessionsSchedule.Params(
                peer: peer, start: start, minutes: minutes, mode: mode, firstCoach: firstCoach)
            try global.session().run(SessionsSchedule.self, params) { booked in
                var lines = [
                    "Booked session \(booked.id) for peer pair \(peer), \(HumanTime.span(booked.start, booked.end))."
                ]
                for half in booked.halves {
                    lines.append(
                        "  \(HumanTime.span(half.start, half.end)): \(Terminal.escape(half.coachName)) coaches "
                            + Terminal.escape(half.learnerName))
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    struct Complete: ParsableCommand {
        static let configuration = SessionsComplete.command(
            "complete", discussion: "Example: coachctl session complete 3 --notes \"agreed to try ...\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: SessionsComplete.help("session", valueName: "ID")) var session: Int64
        @Option(help: SessionsComplete.help("notes", valueName: "TEXT")) var notes: String?

        func run() throws {
            try global.session().run(SessionsComplete.self, .init(session: session, notes: notes)) {
                "Logged session \($0.id) as done."
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = SessionsCancel.command(
            "cancel", discussion: "Example: coachctl session cancel 3 --reason \"an inspection\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: SessionsCancel.help("session", valueName: "ID")) var session: Int64
        @Option(help: SessionsCancel.help("reason", valueName: "TEXT")) var reason: String

        func run() throws {
            try global.session().run(SessionsCancel.self, .init(session: session, reason: reason)) {
                "Cancelled session \($0.id) of peer pair \($0.peer), \(HumanTime.span($0.start, $0.end)).\n"
                    + "The period's session is due again until one is logged."
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = SessionsList.command(
            "list", discussion: "Example: coachctl session list --peer 1")
        @OptionGroup var global: GlobalOptions
        @Option(help: SessionsList.help("peer", valueName: "ID")) var peer: Int64

        func run() throws {
            try global.session().run(SessionsList.self, .init(peer: peer)) { result in
                guard !result.sessions.isEmpty else { return "No sessions for peer pair \(peer)." }
                var lines = [
                    Table(
                        ["ID", "WHEN", "MODE", "FIRST COACH", "STATE"],
                        result.sessions.map { session in
                            [
                                "\(session.id)", HumanTime.span(session.start, session.end), session.mode,
                                session.halves.first?.coachName ?? "\(session.firstCoach)", session.status,
                            ]
                        }
                    ).render()
                ]
                // The reasons and notes come only to the pair's two heads.
                for session in result.sessions {
                    if let reason = session.cancelReason {
                        lines.append("Session \(session.id) cancelled: \(Terminal.escape(reason))")
                    }
                }
                return lines.joined(separator: "\n\n")
            }
        }
    }
}
