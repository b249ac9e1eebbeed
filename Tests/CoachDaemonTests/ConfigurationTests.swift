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
        #expect(configuration.stateDirectory == ".coachd" || FileManager.default.fileExists(atPath: DaemonConfiguration.systemFile))
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
            file: try file("log:\n  level: info\n"), overrides: [:], environment: ["STATE_DIRECTORY": "/var/lib/coachd"])
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
    ])
    func badValue_isRefused_namingTheKey(_ yaml: String, _ key: String) async throws {
        do {
            _ = try await DaemonConfiguration.load(file: try file(yaml), overrides: [:], environment: [:])
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
        }
    }

    @Test func unparsableFile_isRefused() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await DaemonConfiguration.load(file: try file("cycle: [unclosed\n"), overrides: [:], environment: [:])
        }
    }

    @Test func missingExplicitFile_isRefused() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await DaemonConfiguration.load(file: "/nonexistent/coachd.yaml", overrides: [:], environment: [:])
        }
    }
}
