import CoachDaemon
import Foundation
import Testing

@Suite("Configuration: flags > environment > file > defaults")
struct ConfigurationTests {
    func file(_ yaml: String) throws -> String {
        let path = NSTemporaryDirectory() + "coachd-config-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaults_withNoFile() async throws {
        let configuration = try await DaemonConfiguration.load(file: nil, overrides: [:], environment: [:])
        #expect(
            configuration.stateDirectory == ".coachd"
                || FileManager.default.fileExists(atPath: DaemonConfiguration.systemFile))
        #expect(configuration.policy.followUpSchoolDays == 2)
        #expect(configuration.policy.practiseSchoolDays == 5)
        #expect(configuration.socketMode == 0o660)
        #expect(configuration.maxLineBytes == 1 << 20)
    }

    @Test func shippedFile_parses_andMatchesTheDefaults() async throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/coachd.yaml").path
        let fromFile = try await DaemonConfiguration.load(file: shipped, overrides: [:], environment: [:])
        var expected = DaemonConfiguration()
        expected.stateDirectory = ".coachd"
        #expect(fromFile == expected)
    }

    /// The shipped file is installed as /etc/coachd/coachd.yaml: under systemd it must not override
    /// StateDirectory=, and `make run` (which passes --state-dir .coachd) must keep its checkout dir.
    @Test func shippedFile_leavesTheStateDirectoryToSystemd_andToTheFlag() async throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/coachd.yaml").path
        let underSystemd = try await DaemonConfiguration.load(
            file: shipped, overrides: [:], environment: ["STATE_DIRECTORY": "/var/lib/coachd"])
        #expect(underSystemd.stateDirectory == "/var/lib/coachd")
        #expect(underSystemd.databasePath == "/var/lib/coachd/coachd.sqlite")
        let makeRun = try await DaemonConfiguration.load(
            file: shipped, overrides: ["state.directory": ".coachd"],
            environment: ["STATE_DIRECTORY": "/var/lib/coachd"])
        #expect(makeRun.stateDirectory == ".coachd")
    }

    @Test func environment_overridesFile_andFlags_overrideBoth() async throws {
        let path = try file("cycle:\n  followUpSchoolDays: 3\n  practiseSchoolDays: 6\nsocket:\n  mode: \"0600\"\n")
        let configuration = try await DaemonConfiguration.load(
            file: path, overrides: ["socket.mode": "0666"],
            environment: ["COACHD_CYCLE_PRACTISE_SCHOOL_DAYS": "7"])
        #expect(configuration.policy.followUpSchoolDays == 3)
        #expect(configuration.policy.practiseSchoolDays == 7)
        #expect(configuration.socketMode == 0o666)
    }

    @Test func systemdStateDirectory_isTheDefault_underSystemd() async throws {
        let configuration = try await DaemonConfiguration.load(
            file: try file("log:\n  level: info\n"), overrides: [:], environment: ["STATE_DIRECTORY": "/var/lib/coachd"]
        )
        #expect(configuration.stateDirectory == "/var/lib/coachd")
        #expect(configuration.databasePath == "/var/lib/coachd/coachd.sqlite")
        #expect(configuration.effectiveSocketPath == "/var/lib/coachd/coachd.sock")
    }

    @Test(arguments: [
        ("cycle:\n  followUpSchoolDays: lots\n", "cycle.followUpSchoolDays"),
        ("cycle:\n  maxDropInMinutes: 30\n", "cycle.maxDropInMinutes"),
        ("socket:\n  mode: \"rwx\"\n", "socket.mode"),
        ("school:\n  dayStart: \"8am\"\n", "school.dayStart"),
        ("school:\n  dayStart: \"16:00\"\n", "school.dayEnd"),
        ("log:\n  level: loud\n", "log.level"),
        ("limits:\n  reservedAdminConnections: -1\n", "limits.reservedAdminConnections"),
        ("limits:\n  maxUnsentReplyBytes: 100\n", "limits.maxUnsentReplyBytes"),
        ("limits:\n  maxUnsentReplyBytesTotal: 1000\n", "limits.maxUnsentReplyBytesTotal"),
        // Below pause + batch + 2 MiB: a batch reply a client does read would close its connection.
        ("limits:\n  closeAtUnsentReplyBytes: 4194304\n", "limits.closeAtUnsentReplyBytes"),
        (
            "limits:\n  maxBatchReplyBytes: 16777216\n  closeAtUnsentReplyBytes: 8388608\n",
            "limits.closeAtUnsentReplyBytes"
        ),
    ])
    func badValue_isRefused_namingTheKey(_ yaml: String, _ key: String) async throws {
        do {
            _ = try await DaemonConfiguration.load(file: try file(yaml), overrides: [:], environment: [:])
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
        }
    }

    @Test func closeLimit_followsALargerBatchLimit_whenNotSet() async throws {
        let configuration = try await DaemonConfiguration.load(
            file: try file("limits:\n  maxBatchReplyBytes: 16777216\n"), overrides: [:], environment: [:])
        #expect(configuration.closeAtUnsentReplyBytes == (256 << 10) + (16 << 20) + (2 << 20))
        let defaults = try await DaemonConfiguration.load(
            file: try file("log:\n  level: info\n"), overrides: [:], environment: [:])
        #expect(defaults.closeAtUnsentReplyBytes == 8 << 20)
        #expect(defaults.maxUnsentReplyBytes == 256 << 10)
        #expect(defaults.maxUnsentReplyBytesTotal == 64 << 20)
        #expect(defaults.reservedAdminConnections == 4)
    }

    /// Every key the shipped file sets has its row in Docs/Configuration.md.
    @Test func everyShippedKey_isDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let yaml = try String(contentsOf: root.appendingPathComponent("Config/coachd.yaml"), encoding: .utf8)
        let page = try String(contentsOf: root.appendingPathComponent("Docs/Configuration.md"), encoding: .utf8)
        // Sections nest by two spaces (`store:`, `  postgresql:`, `    url: ""`); a line with a value is a key.
        var sections: [String] = []
        var keys: [String] = []
        for line in yaml.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let depth = line.prefix { $0 == " " }.count / 2
            sections = Array(sections.prefix(depth))
            if line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).isEmpty {
                sections.append(name)
            } else {
                keys.append((sections + [name]).joined(separator: "."))
            }
        }
        #expect(keys.contains("store.postgresql.url"))
        #expect(keys.contains("limits.reservedAdminConnections"))
        for key in keys { #expect(page.contains("| `\(key)` |"), "Docs/Configuration.md has no row for \(key)") }
    }

    @Test func unparsableFile_isRefused() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await DaemonConfiguration.load(
                file: try file("cycle: [unclosed\n"), overrides: [:], environment: [:])
        }
    }

    @Test func missingExplicitFile_isRefused() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await DaemonConfiguration.load(file: "/nonexistent/coachd.yaml", overrides: [:], environment: [:])
        }
    }
}
