import ArgumentParser
import CoachRPC
import CoachctlCore

// Issue 14, the heads' peer programme: `coachctl period`, `coachctl agreement`, `coachctl theme`,
// `coachctl group` (and `coachctl person accredit`, in PersonCommands.swift).

/// `coachctl period …`: the programme's half-terms.
struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period", abstract: "Add and list the peer programme's periods (its half-terms).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = PeriodsAdd.command(
            "add",
            discussion:
                "Example: coachctl period add \"Autumn 2\" --term \"Autumn 2026\" --from 2026-11-02 --to 2026-12-18")
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeriodsAdd.help("name", valueName: "NAME")) var name: String
        @Option(help: PeriodsAdd.help("term", valueName: "TERM")) var term: String
        @Option(help: PeriodsAdd.help("from", valueName: "YYYY-MM-DD")) var from: String
        @Option(help: PeriodsAdd.help("to", valueName: "YYYY-MM-DD")) var to: String

        func run() throws {
            try global.session().run(PeriodsAdd.self, .init(name: name, term: term, from: from, to: to)) {
                "Added period \($0.id): \(Terminal.escape(name)) (\(Terminal.escape(term))), "
                    + "\(HumanTime.showDay(from)) to \(HumanTime.showDay(to))."
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = PeriodsList.command("list")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.session().run(PeriodsList.self, NoParams()) { result in
                guard !result.periods.isEmpty else { return "No periods." }
                return Table(
                    ["ID", "NAME", "TERM", "FROM", "TO"],
                    result.periods.map {
                        ["\($0.id)", $0.name, $0.term, HumanTime.showDay($0.from), HumanTime.showDay($0.to)]
                    }
                ).render()
            }
        }
    }
}

/// `coachctl agreement …`: a peer pair's learning agreement, the two heads' alone.
struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Set, accept and read your peer pair's learning agreement (the two heads only).",
        subcommands: [Set.self, Accept.self, List.self])

    struct Set: ParsableCommand {
        static let configuration = AgreementsSet.command(
            "set",
            discussion:
                "Example: coachctl agreement set --peer 1 \"We meet each half-term and keep what is said between us.\"")
        @OptionGroup var global: GlobalOptions
        @Option(help: AgreementsSet.help("peer", valueName: "ID")) var peer: Int64
        @Argument(help: AgreementsSet.help("text", valueName: "TEXT")) var text: String
        @Option(help: AgreementsSet.help("coachExpectations", valueName: "TEXT")) var coachExpectations: String?
        @Option(help: AgreementsSet.help("learnerExpectations", valueName: "TEXT")) var learnerExpectations: String?

        func run() throws {
            let params = AgreementsSet.Params(
                peer: peer, text: text, coachExpectations: coachExpectations, learnerExpectations: learnerExpectations)
            try global.session().run(AgreementsSet.self, params) {
                "Proposed agreement \($0.id) for peer pair \(peer).\n"
                    + "It is active once the other head accepts it: coachctl agreement accept \($0.id)"
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = AgreementsAccept.command(
            "accept", discussion: "Example: coachctl agreement accept 3")
        @OptionGroup var global: GlobalOptions
        @Argument(help: AgreementsAccept.help("agreement", valueName: "ID")) var agreement: Int64

        func run() throws {
            try global.session().run(AgreementsAccept.self, .init(agreement: agreement)) {
                $0.active
                    ? "Agreement \($0.id) (version \($0.version)) is active: both heads have accepted it."
                    : "Accepted agreement \($0.id) (version \($0.version)); it waits for the other head."
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = AgreementsList.command(
            "list", discussion: "Example: coachctl agreement list --peer 1")
        @OptionGroup var global: GlobalOptions
        @Option(help: AgreementsList.help("peer", valueName: "ID")) var peer: Int64

        func run() throws {
            try global.session().run(AgreementsList.self, .init(peer: peer)) { AgreementText.list($0) }
        }
    }
}

/// The agreement versions, each as a heading line and its wrapped, escaped texts.
enum AgreementText {
    static func list(_ result: AgreementList) -> String {
        guard !result.agreements.isEmpty else { return "No agreement yet." }
        var lines: [String] = []
        for agreement in result.agreements {
            if !lines.isEmpty { lines.append("") }
            lines.append(
                "Version \(agreement.version) (agreement \(agreement.id)): \(agreement.status), "
                    + "accepted by \(Output.count(agreement.acceptedBy.count, "head"))")
            lines += QuestionText.wrap(Terminal.escape(agreement.text), first: "      ", width: 80)
            if let coach = agreement.coachExpectations {
                lines += QuestionText.wrap(Terminal.escape(coach), first: "  As coach: ", width: 80)
            }
            if let learner = agreement.learnerExpectations {
                lines += QuestionText.wrap(Terminal.escape(learner), first: "  As learner: ", width: 80)
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `coachctl theme …`: themes and impacts, shared with the trust lead only by consent.
struct ThemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theme",
        abstract: "Add themes and impacts of your pair or group; share them with the trust lead by consent.",
        subcommands: [Add.self, Consent.self, Withdraw.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = ThemesAdd.command(
            "add",
            discussion:
                "Example: coachctl theme add --peer 1 \"Growing middle leaders\" (--impact for an impact; --group for "
                + "a supervision group's)")
        @OptionGroup var global: GlobalOptions
        @Option(help: ThemesAdd.help("peer", valueName: "ID")) var peer: Int64?
        @Option(help: ThemesAdd.help("group", valueName: "ID")) var group: Int64?
        @Flag(help: "An impact (what changed) rather than a theme (what came up).") var impact = false
        @Argument(help: ThemesAdd.help("text", valueName: "TEXT")) var text: String

        func validate() throws {
            guard (peer == nil) != (group == nil) else {
                throw ValidationError("give either --peer or --group (the pair or the supervision group it is from)")
            }
        }

        func run() throws {
            let params = ThemesAdd.Params(peer: peer, group: group, kind: impact ? "impact" : "theme", text: text)
            try global.session().run(ThemesAdd.self, params) {
                "Added \(impact ? "impact" : "theme") \($0.id), shared with no one yet.\n"
                    + "It reaches the trust lead once every member consents: coachctl theme consent \($0.id)"
            }
        }
    }

    struct Consent: ParsableCommand {
        static let configuration = ThemesConsent.command(
            "consent", abstract: "Consents to share a theme with the trust lead.",
            discussion: "Example: coachctl theme consent 4")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ThemesConsent.help("theme", valueName: "ID")) var theme: Int64

        func run() throws {
            try global.session().run(ThemesConsent.self, .init(theme: theme, consent: true)) { ThemeText.state($0) }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = ThemesConsent.command(
            "withdraw", abstract: "Withdraws your consent: the theme is hidden from the trust lead at once.",
            discussion: "Example: coachctl theme withdraw 4")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ThemesConsent.help("theme", valueName: "ID")) var theme: Int64

        func run() throws {
            try global.session().run(ThemesConsent.self, .init(theme: theme, consent: false)) { ThemeText.state($0) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = ThemesList.command(
            "list", discussion: "Example: coachctl theme list --term \"Autumn 2026\"")
        @OptionGroup var global: GlobalOptions
        @Option(help: ThemesList.help("term", valueName: "TERM")) var term: String?
        @Option(help: ThemesList.help("region", valueName: "ID")) var region: Int64?

        func run() throws {
            try global.session().run(ThemesList.self, .init(term: term, region: region)) { result in
                guard !result.themes.isEmpty else { return "No themes." }
                let rows = result.themes.map { theme -> [String] in
                    let from = theme.peer.map { "pair \($0)" } ?? theme.group.map { "group \($0)" } ?? ""
                    return [
                        "\(theme.id)", theme.kind, from, theme.term ?? "", theme.shared ? "shared" : "not shared",
                        theme.text,
                    ]
                }
                return Table(["ID", "KIND", "FROM", "TERM", "STATE", "TEXT"], rows).render() + "\n\n"
                    + Output.count(result.themes.count, "theme") + " listed."
            }
        }
    }
}

enum ThemeText {
    static func state(_ theme: ThemeInfo) -> String {
        let who = theme.consented.map { " (\(Output.count($0.count, "member")) consented)" } ?? ""
        return theme.shared
            ? "\(theme.kind.capitalized) \(theme.id) is shared with the trust lead\(who)."
            : "\(theme.kind.capitalized) \(theme.id) is not shared\(who)."
    }
}

/// `coachctl group …`: regional supervision groups of three to five heads.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Create and list supervision groups; book and record their meetings.",
        subcommands: [Create.self, List.self, Meeting.self, Held.self])

    struct Create: ParsableCommand {
        static let configuration = GroupsCreate.command(
            "create",
            discussion: "Example: coachctl group create \"North A\" --region 1 --member 1 --member 2 --member 3")
        @OptionGroup var global: GlobalOptions
        @Argument(help: GroupsCreate.help("name", valueName: "NAME")) var name: String
        @Option(help: GroupsCreate.help("region", valueName: "ID")) var region: Int64
        @Option(name: .customLong("member"), help: "A member's person id (3 to 5 of them: heads of the region).")
        var members: [Int64] = []

        func run() throws {
            try global.session().run(GroupsCreate.self, .init(region: region, name: name, members: members)) {
                "Created supervision group \($0.id): \(Terminal.escape(name)), \(Output.count(members.count, "member"))."
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = GroupsList.command(
            "list", discussion: "Example: coachctl group list --region 1")
        @OptionGroup var global: GlobalOptions
        @Option(help: GroupsList.help("region", valueName: "ID")) var region: Int64?

        func run() throws {
            try global.session().run(GroupsList.self, .init(region: region)) { GroupText.list($0.groups) }
        }
    }

    struct Meeting: ParsableCommand {
        static let configuration = GroupsScheduleMeeting.command(
            "meeting", discussion: "Example: coachctl group meeting --group 1 --start 2026-12-03T16:00:00Z --minutes 90"
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: GroupsScheduleMeeting.help("group", valueName: "ID")) var group: Int64
        @Option(help: GroupsScheduleMeeting.help("start", valueName: "TIME")) var start: String
        @Option(help: GroupsScheduleMeeting.help("minutes", valueName: "N")) var minutes: Int

        func run() throws {
            try global.session().run(GroupsScheduleMeeting.self, .init(group: group, start: start, minutes: minutes)) {
                "Booked meeting \($0.id) of group \(group) for \(minutes) minutes."
            }
        }
    }

    struct Held: ParsableCommand {
        static let configuration = GroupsCompleteMeeting.command(
            "held", discussion: "Example: coachctl group held 2 --attended 1 --attended 2 --attended 3")
        @OptionGroup var global: GlobalOptions
        @Argument(help: GroupsCompleteMeeting.help("meeting", valueName: "ID")) var meeting: Int64
        @Option(name: .customLong("attended"), help: "A member present (repeat for each).") var attended: [Int64] = []

        func run() throws {
            try global.session().run(GroupsCompleteMeeting.self, .init(meeting: meeting, attended: attended)) {
                "Recorded meeting \($0.id) as held, \(Output.count($0.attended.count, "member")) present."
            }
        }
    }
}

enum GroupText {
    /// The groups, then their meetings, soonest first: names and local times, 80 columns.
    static func list(_ groups: [GroupInfo]) -> String {
        guard !groups.isEmpty else { return "No supervision groups." }
        let rows = groups.map { group in
            ["\(group.id)", group.name, group.regionName, group.members.map(\.name).joined(separator: ", ")]
        }
        var text = Table(["ID", "GROUP", "REGION", "MEMBERS"], rows).render()
        let meetings = groups.flatMap { group in group.meetings.map { (group, $0) } }
        if !meetings.isEmpty {
            let rows = meetings.map { group, meeting in
                [
                    "\(meeting.id)", group.name, HumanTime.show(meeting.start), "\(meeting.minutes)",
                    meeting.completedAt == nil
                        ? "booked" : "held, \(meeting.attended.count) of \(group.members.count) present",
                ]
            }
            text += "\n\nMeetings:\n" + Table(["MEETING", "GROUP", "WHEN", "MINUTES", "STATE"], rows).render()
        }
        return text + "\n\n" + Output.count(groups.count, "group") + " listed."
    }
}
