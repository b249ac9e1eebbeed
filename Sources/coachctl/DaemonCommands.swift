import ArgumentParser
import CoachRPC

/// `coachctl daemon …`: the daemon's health and identity.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon", abstract: "Ask coachd about itself.", subcommands: [Status.self, Info.self, Ping.self])

    struct Status: ParsableCommand {
        static let configuration = DaemonStatus.command("status")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.session().run(DaemonStatus.self, NoParams()) { status in
                "coachd \(status.version): \(status.status)\n"
                    + Output.fields(
                        [
                            ("Started", "\(status.startedAt) (up \(Self.uptime(status.uptimeSeconds)))"),
                            ("Pairs", "\(status.pairs)"),
                            ("Due today", "\(status.dueToday)"),
                            ("Overdue", "\(status.overdue)"),
                            ("Connections", "\(status.connections)"),
                            ("Schema", status.schemaVersion),
                            ("Next wake", status.nextTransition ?? "-"),
                        ] + Self.scheduler(status.scheduler))
            }
        }

        /// Which instance raises due transitions (level 15; none from an older daemon).
        static func scheduler(_ isScheduler: Bool?) -> [(String, String)] {
            guard let isScheduler else { return [] }
            return [("Scheduler", isScheduler ? "this instance" : "another instance (shared PostgreSQL store)")]
        }

        static func uptime(_ seconds: Int) -> String {
            let days = seconds / 86_400
            let hours = seconds % 86_400 / 3600
            let minutes = seconds % 3600 / 60
            if days > 0 { return "\(days)d \(hours)h" }
            if hours > 0 { return "\(hours)h \(minutes)min" }
            if minutes > 0 { return "\(minutes)min \(seconds % 60)s" }
            return "\(seconds)s"
        }
    }

    struct Info: ParsableCommand {
        static let configuration = DaemonInfo.command("info")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.session().run(DaemonInfo.self, NoParams()) { info in
                Output.fields(
                    [
                        ("Version", info.commit.map { "\(info.version) (commit \($0))" } ?? info.version),
                        ("API level", "\(info.apiLevel) (coachctl speaks \(CoachAPI.level))"),
                        (
                            "Capabilities",
                            info.capabilities.isEmpty ? "none" : info.capabilities.joined(separator: ", ")
                        ),
                    ], indent: "")
            }
        }
    }

    struct Ping: ParsableCommand {
        static let configuration = DaemonPing.command("ping")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.session().run(DaemonPing.self, NoParams()) { $0 }
        }
    }
}
