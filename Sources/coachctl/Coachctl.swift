import ArgumentParser
import CoachClient
import CoachRPC

/// `coachctl`: the command line for coachd. Each command group lives in its own file; this root
/// only lists them and maps failures to exit codes (Failure.swift).
@main
struct Coachctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coachctl",
        abstract: "Track incremental coaching: drop-ins, follow-ups and adaptations, through coachd.",
        discussion: Failure.exitCodesDiscussion,
        version: "coachctl \(CoachAPI.softwareVersion) (API level \(CoachAPI.level))",
        subcommands: [
            DueCommand.self, MyCommand.self, MeCommand.self,
            SchoolCommand.self, ClosureCommand.self, TermCommand.self, CalendarCommand.self,
            PersonCommand.self, PairCommand.self, CycleCommand.self,
            DropInCommand.self, InviteCommand.self, FollowUpCommand.self, AdaptationCommand.self,
            StatusCommand.self, AgendaCommand.self, CoverageCommand.self, ReportCommand.self,
            DaemonCommand.self, BackupCommand.self, CallCommand.self,
        ]
    )

    /// Declared here too, so the global options may come before the command: `coachctl --json due`.
    @OptionGroup var global: GlobalOptions

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ClientError {
            Failure.exit(error)
        } catch let error as UsageError {
            Failure.exit(error)
        } catch let error as LocalFailure {
            Failure.exit(error)
        } catch {
            exit(withError: error)
        }
    }
}
