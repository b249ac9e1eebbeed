import ArgumentParser
import CoachRPC
import Foundation

/// `coachctl cycle start`: agree a focus.
struct CycleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle", abstract: "Start a coaching cycle.", subcommands: [Start.self])

    struct Start: ParsableCommand {
        static let configuration = CyclesStart.command(
            "start", discussion: "Example: coachctl cycle start --pair 7 --focus \"questioning: wait time\"")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var pair: PairOption
        @Option(help: CyclesStart.help("focus", valueName: "TEXT")) var focus: String

        func run() throws {
            let session = try global.session()
            let id = try pair.resolve(session)
            try session.run(CyclesStart.self, CyclesStart.Params(pair: id, focus: focus)) {
                "Started cycle \($0.id) for pair \(id): the focus carries over until it is changed."
            }
        }
    }
}

/// The options shared by `dropin schedule` and `invite`.
struct BookingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Start: RFC 3339 with an offset, or in the school's local time: \(HumanTime.forms).", valueName: "TIME"))
    var at: String
    @Option(help: DropInsSchedule.help("minutes", valueName: "N")) var minutes: Int?

    func book(pair: PairOption, global: GlobalOptions, asInvitation: Bool) throws {
        let session = try global.session()
        let id = try pair.resolve(session)
        let start = try session.readTime(at, direction: .ahead)
        // Booking is for what is to come; a visit that already happened is recorded in one step
        // with `dropin log` (the API still takes a past start, for scripts that record history).
        if let instant = HumanTime.instant(start, zone: HumanTime.hasOffset(start) ? .current : session.schoolZone()),
            instant < Date().addingTimeInterval(-60)
        {
            throw UsageError(
                message: "\(at) is in the past; invite and dropin schedule book a visit to come",
                hint: "to record a visit that already happened: coachctl dropin log --pair \(id) --at \"\(start)\"")
        }
        let params = DropInsSchedule.Params(pair: id, start: start, minutes: minutes)
        try session.run(DropInsSchedule.self, params) { booked in
            let what = asInvitation ? "Invited the coach: drop-in \(booked.id)" : "Booked drop-in \(booked.id)"
            return "\(what) for pair \(id), \(HumanTime.span(booked.start, booked.end))."
        }
    }
}

/// `coachctl dropin …`: book and log classroom drop-ins.
struct DropInCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropin", abstract: "Book and log drop-ins of at most 15 minutes.",
        subcommands: [Schedule.self, Done.self, List.self, Cancel.self, Move.self, Log.self])

    struct Schedule: ParsableCommand {
        static let configuration = DropInsSchedule.command(
            "schedule", discussion: "Example: coachctl dropin schedule --pair 7 --at 2027-03-08T10:20 --minutes 10")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var pair: PairOption
        @OptionGroup var booking: BookingOptions

        func run() throws {
            try booking.book(pair: pair, global: global, asInvitation: false)
        }
    }

    struct Done: ParsableCommand {
        static let configuration = DropInsComplete.command(
            "done", discussion: "Example: coachctl dropin done 12 --notes \"pupils waited before answering\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: DropInsComplete.help("dropin", valueName: "DROPIN")) var dropin: Int64
        @Option(help: DropInsComplete.help("notes", valueName: "TEXT")) var notes: String?
        @Option(help: ArgumentHelp("When the visit happened (default now): \(HumanTime.forms).", valueName: "TIME"))
        var at: String?

        func run() throws {
            let session = try global.session()
            let when = try at.map { try session.readTime($0, direction: .back) }
            try session.run(DropInsComplete.self, DropInsComplete.Params(dropin: dropin, notes: notes, at: when)) {
                "Logged drop-in \($0.id) as done at \($0.completedAt ?? "-"). "
                    + "After the conversation: coachctl followup done \($0.id)"
            }
        }
    }
}

/// `coachctl invite`: the teacher's word for booking a drop-in.
struct InviteCommand: ParsableCommand {
    static let configuration = DropInsSchedule.command(
        "invite",
        discussion:
            "The same as `dropin schedule`. Example: coachctl invite --at \"2027-03-08 10:20\"; a visit already held: coachctl dropin log"
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var pair: PairOption
    @OptionGroup var booking: BookingOptions

    func run() throws {
        try booking.book(pair: pair, global: global, asInvitation: true)
    }
}

/// `coachctl followup done`: log the coaching conversation.
struct FollowUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followup", abstract: "Log follow-up conversations.", subcommands: [Done.self])

    struct Done: ParsableCommand {
        static let configuration = FollowUpsComplete.command(
            "done", discussion: "Example: coachctl followup done 12 --notes \"agreed: wait five seconds\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: FollowUpsComplete.help("dropin", valueName: "DROPIN")) var dropin: Int64
        @Option(help: FollowUpsComplete.help("notes", valueName: "TEXT")) var notes: String?
        @Option(
            help: ArgumentHelp("When the conversation happened (default now): \(HumanTime.forms).", valueName: "TIME"))
        var at: String?

        func run() throws {
            let session = try global.session()
            let when = try at.map { try session.readTime($0, direction: .back) }
            try session.run(FollowUpsComplete.self, FollowUpsComplete.Params(dropin: dropin, notes: notes, at: when)) {
                "Logged follow-up \($0.id) to drop-in \($0.dropin) at \($0.completedAt). "
                    + "Next: coachctl adaptation set \"…\""
            }
        }
    }
}
