import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// The declared configuration keys (issue 9), seen from outside: the generator flags of the
    /// real coachd, and SIGHUP applying live keys while naming each restart-only key.
    @Suite("End to end: configuration keys")
    struct ConfigurationEndToEndTests {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()

        @Test func generatorFlags_printTheCheckedInSampleAndTable() throws {
            let sample = try run(Binaries.coachd, ["--print-config-sample"])
            #expect(sample.status == 0)
            let shipped = try String(
                contentsOf: Self.root.appendingPathComponent("Config/coachd.yaml"), encoding: .utf8)
            #expect(sample.stdout == shipped)
            let table = try run(Binaries.coachd, ["--print-config-reference"])
            #expect(table.status == 0)
            #expect(table.stdout.hasPrefix("| key | type | default | flag | applied | meaning |\n"))
            let page = try String(
                contentsOf: Self.root.appendingPathComponent("Docs/Configuration.md"), encoding: .utf8)
            #expect(page.contains(table.stdout))
        }

        /// The printed sample is a configuration coachd starts with.
        @Test func printedSample_isAConfigurationCoachdStartsWith() throws {
            let daemon = try RunningDaemon(start: false)
            let sample = try run(Binaries.coachd, ["--print-config-sample"]).stdout
            try sample.write(toFile: daemon.directory + "/coachd.yaml", atomically: true, encoding: .utf8)
            try daemon.start()
            #expect(try daemon.ctl(["daemon", "ping"]).status == 0)
        }

        @Test func sighup_appliesLiveKeys_andNamesEachRestartOnlyKeyThatChanged() throws {
            let daemon = try RunningDaemon()
            let pid = try #require(daemon.process?.processIdentifier)
            try
                "log:\n  level: debug\ncycle:\n  followUpSchoolDays: 3\nlimits:\n  maxConnections: 100\n  idleTimeoutSeconds: 200\n"
                .write(toFile: daemon.directory + "/coachd.yaml", atomically: true, encoding: .utf8)
            kill(pid, SIGHUP)
            let deadline = Date().addingTimeInterval(15)
            var line: String?
            while Date() < deadline {
                line = daemon.log.split(separator: "\n").first { $0.contains("configuration reloaded") }.map(
                    String.init)
                if line != nil { break }
                usleep(50_000)
            }
            let reloaded = try #require(line, "no reload logged:\n\(daemon.log)")
            #expect(
                reloaded.contains("restart to apply limits.maxConnections, limits.idleTimeoutSeconds"), "\(reloaded)")
            #expect(!reloaded.contains("cycle."), "\(reloaded)")
            #expect(try daemon.ctl(["daemon", "ping"]).status == 0)
        }
    }
}
