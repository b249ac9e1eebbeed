import ArgumentParser
import CoachDomain
import Foundation

/// `coachbench`: the benchmark tools behind `make bench` (Docs/Performance.md).
@main
struct Coachbench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Generates benchmark datasets, runs B1–B8 side by side against redis-server and the socket floor, B13–B16, "
            + "and B17–B19 (coachd on PostgreSQL beside SQLite).",
        subcommands: [DatasetCommand.self, RunCommand.self])
}

/// `coachbench dataset`: writes one generated database.
struct DatasetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Write a deterministic database (tiny, small, trust or national).")

    @Option(help: "tiny (20 pairs), small (1,000 pairs), trust (2,000 pairs) or national (100,000 pairs).")
    var profile: String
    @Option(help: "The database file to write (replaced when it exists).")
    var out: String
    @Option(help: "The last day of the generated year, YYYY-MM-DD (default: today, UTC).")
    var anchor: String?
    @Option(help: "The generator's seed.")
    var seed: UInt64 = 20_261_124

    func run() async throws {
        guard let profile = DatasetProfile.all.first(where: { $0.name == self.profile }) else {
            throw ValidationError("--profile must be one of \(DatasetProfile.all.map(\.name).joined(separator: ", "))")
        }
        let anchorDate = try anchor.map { text in
            guard let date = LocalDate(text) else { throw ValidationError("--anchor must be YYYY-MM-DD, got \(text)") }
            return date
        }
        let summary = try await DatasetGenerator.make(profile: profile, anchor: anchorDate, seed: seed)
            .generate(to: out)
        print(
            "dataset=\(profile.name) pairs=\(summary.pairs) people=\(summary.people) history=\(summary.history) "
                + "dropins=\(summary.dropIns) seconds=\(String(format: "%.1f", summary.seconds)) bytes=\(summary.bytes)"
        )
    }
}

extension DatasetGenerator {
    /// A generator whose history ends now (or at the end of `anchor`'s day).
    static func make(profile: DatasetProfile, anchor: LocalDate?, seed: UInt64) -> DatasetGenerator {
        let now = Date()
        let today = LocalDate(dayNumber: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
        let day = anchor ?? today
        let cutoff =
            anchor == nil || day == today ? now : Date(timeIntervalSince1970: Double(day.dayNumber + 1) * 86_400 - 1)
        return DatasetGenerator(profile: profile, anchor: day, seed: seed, cutoff: cutoff)
    }
}

/// `coachbench run`: starts the servers, runs B1–B8 and B13 and writes the report.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run B1–B8 and B13 and write the results as Markdown.")

    @Option(help: "Directory holding the coachd and coachctl binaries to measure.")
    var bin: String
    @Option(help: "Directory holding the compiled C tools (loadgen, floor, fsync_ceiling, notify_ready).")
    var tools: String
    @Option(help: "Directory caching generated datasets.")
    var data: String
    @Option(help: "Scratch directory for sockets, state and logs (emptied first).")
    var work: String
    @Option(help: "Where to write the Markdown report.")
    var out: String
    @Option(help: "Hand-written notes appended to the report (profiling findings, before/after).")
    var notes: String?
    @Flag(help: "Smoke run: tiny data, every benchmark once, briefly; reports figures but judges nothing.")
    var quick = false
    @Option(help: "Run only these benchmarks (comma-separated ids, e.g. B1,B3).")
    var only: String?

    func run() async throws {
        let runner = try BenchRunner(
            bin: bin, tools: tools, data: data, work: work, quick: quick,
            only: only.map { Set($0.split(separator: ",").map { $0.uppercased() }) })
        let report = try await runner.runAll()
        var markdown = report.markdown(quick: quick)
        if let notes, let text = try? String(contentsOfFile: notes, encoding: .utf8) {
            markdown += "\n" + text
        }
        try markdown.write(toFile: out, atomically: true, encoding: .utf8)
        print(report.summaryTable())
        print("wrote \(out)")
    }
}
