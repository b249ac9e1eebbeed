import ArgumentParser
import CoachClient
import CoachRPC
import CoachVersion

/// `coachctl`: the command line for coachd. Each command group lives in its own file; this root
/// only lists them and maps failures to exit codes (Failure.swift).
@main
struct Coachctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachctl",
        abstract: "Track incremental coaching: drop-ins, follow-ups and adaptations, through coachd.",
        discussion: Failure.exitCodesDiscussion,
        version: BuildStamp.versionLine,
        subcommands: [
            DueCommand.self, MyCommand.self, MeCommand.self,
            SchoolCommand.self, ClosureCommand.self, TermCommand.self, CalendarCommand.self,
            PersonCommand.self, PairCommand.self, CycleCommand.self,
            DropInCommand.self, InviteCommand.self, FollowUpCommand.self, AdaptationCommand.self,
            StatusCommand.self, AgendaCommand.self, CoverageCommand.self, ReportCommand.self, WatchCommand.self,
            RegionCommand.self, PeriodCommand.self, PeerCommand.self, SessionCommand.self, AgreementCommand.self,
            ThemeCommand.self, GroupCommand.self, ProgrammeCommand.self,
            QuestionsCommand.self, DaemonCommand.self, BackupCommand.self, CallCommand.self, DemoCommand.self,
        ]
    )

    /// Declared here too, so the global options may come before the command: `coachctl --json due`.
    @OptionGroup var global: GlobalOptions

    static func main() {
        // `coachctl due` as typed dozens of times a day skips building the command tree (B7).
        if DueFastPath.runIfPlain(Array(CommandLine.arguments.dropFirst())) { return }
        var parsed: (any ParsableCommand)?
        do {
            var command = try parseAsRoot()
            parsed = command
            try command.run()
        } catch let error as ClientError {
            Failure.exit(error, peerProgramme: parsed.map(Failure.isPeerProgramme) ?? false)
        } catch let error as UsageError {
            Failure.exit(error)
        } catch let error as LocalFailure {
            Failure.exit(error)
        } catch {
            if let unknown = Suggestion.unknownCommand(in: Array(CommandLine.arguments.dropFirst())) {
                Failure.exit(unknown)
            }
            exit(withError: error)
        }
    }
}
