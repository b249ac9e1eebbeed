import CoachDaemon
import CoachDomain
import CoachRPCSocket
import Foundation
import Testing

/// Everything about a configuration key is derived from its one declaration (`ConfigurationKeys.all`).
@Suite("Configuration keys: declared once, everything else derived")
struct ConfigurationKeysTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    func file(_ yaml: String) throws -> String {
        let path = NSTemporaryDirectory() + "coachd-keys-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func load(environment: [String: String] = [:]) async throws -> DaemonConfiguration {
        try await DaemonConfiguration.load(
            file: try file("log:\n  level: info\n"), overrides: [:], environment: environment)
    }

    @Test func shippedSample_isGeneratedFromTheDeclarations() throws {
        #expect(try read("Config/coachd.yaml") == ConfigurationKeys.yamlSample(), "run `make docs`")
    }

    @Test func configurationPage_tableIsGeneratedFromTheDeclarations() throws {
        let page = try read("Docs/Configuration.md")
        let begin = try #require(page.range(of: ConfigurationKeys.tableBegin + "\n"), "no begin marker")
        let end = try #require(page.range(of: ConfigurationKeys.tableEnd), "no end marker")
        #expect(String(page[begin.upperBound..<end.lowerBound]) == ConfigurationKeys.markdownTable(), "run `make docs`")
    }

    @Test func names_areUnique_sectionDotCamelCase_andCellsHoldNoBar() throws {
        let names = ConfigurationKeys.all.map(\.name)
        #expect(Set(names).count == names.count)
        let shape = try Regex("^[a-z]+(\\.[a-z][a-zA-Z]*)+$")
        for key in ConfigurationKeys.all {
            #expect(key.name.wholeMatch(of: shape) != nil, "\(key.name)")
            for text in [key.doc, key.type, key.rule ?? "", key.defaultNote ?? "", key.defaultYAML] {
                #expect(!text.contains("|") && !text.contains("\n"), "\(key.name): \(text)")
            }
        }
        #expect(
            ConfigurationKeys.named("cycle.followUpSchoolDays")?.environmentVariable
                == "COACHD_CYCLE_FOLLOW_UP_SCHOOL_DAYS")
        #expect(
            ConfigurationKeys.named("limits.maxConnectionsPerUid")?.environmentVariable
                == "COACHD_LIMITS_MAX_CONNECTIONS_PER_UID")
    }

    /// The declared defaults are what a configuration with no file holds, as YAML text.
    @Test func declaredDefaults_areTheConfigurationsDefaults() async throws {
        let loaded = try await load()
        for key in ConfigurationKeys.all where key.name != "state.directory" {
            #expect(ConfigurationKeys.yamlValue(of: key, in: loaded) == key.defaultYAML, "\(key.name)")
            #expect(ConfigurationKeys.yamlValue(of: key, in: DaemonConfiguration()) == key.defaultYAML, "\(key.name)")
        }
        #expect(DaemonConfiguration().policy == CyclePolicy())
    }

    /// A valid value other than the default, as YAML text.
    func otherValue(_ key: ConfigurationKey) -> String {
        if let range = key.range, let number = Int(key.defaultYAML) {
            return String(range.contains(number + 1) ? number + 1 : number - 1)
        }
        if let allowed = key.allowed { return "\"\(allowed.first { "\"\($0)\"" != key.defaultYAML }!)\"" }
        switch key.type {
        case "bool": return key.defaultYAML == "true" ? "false" : "true"
        case "`HH:MM`":
            let time = LocalTime(key.defaultYAML.dropFirst().dropLast())!
            return "\"\(LocalTime(minutes: time.minutes + 1)!)\""
        case "octal string": return "\"0600\""
        default: return "\"/tmp/coachd-\(key.name)\""
        }
    }

    /// Every key is read from its COACHD_X_Y variable into the field it declares, and every field of
    /// DaemonConfiguration belongs to a key.
    @Test func everyKey_isReadFromItsEnvironmentVariable_andEveryFieldHasAKey() async throws {
        let defaults = try await load()
        var changedFields: Set<String> = []
        for key in ConfigurationKeys.all {
            let value = otherValue(key)
            let unquoted = value.hasPrefix("\"") ? String(value.dropFirst().dropLast()) : value
            let loaded = try await load(environment: [key.environmentVariable: unquoted])
            #expect(ConfigurationKeys.yamlValue(of: key, in: loaded) == value, "\(key.environmentVariable)")
            let changed = Self.fields(loaded).filter { Self.fields(defaults)[$0.key] != $0.value }.keys
            #expect(!changed.isEmpty, "\(key.name) changed no field")
            changedFields.formUnion(changed)
        }
        #expect(changedFields == Set(Self.fields(defaults).keys))
    }

    /// DaemonConfiguration's stored fields (the policy's one by one), as text.
    static func fields(_ configuration: DaemonConfiguration) -> [String: String] {
        var fields: [String: String] = [:]
        for child in Mirror(reflecting: configuration).children {
            guard let label = child.label else { continue }
            if label == "policy" {
                for inner in Mirror(reflecting: child.value).children {
                    fields["policy." + (inner.label ?? "")] = "\(inner.value)"
                }
            } else {
                fields[label] = "\(child.value)"
            }
        }
        return fields
    }

    @Test func outOfRange_namesTheKeyAndTheRange() async throws {
        do {
            _ = try await DaemonConfiguration.load(
                file: try file("cycle:\n  followUpSchoolDays: 21\n"), overrides: [:], environment: [:])
            Issue.record("accepted 21")
        } catch let error as ConfigurationError {
            #expect(error.key == "cycle.followUpSchoolDays")
            #expect(error.description == "configuration key cycle.followUpSchoolDays: 21 is out of range 0…20")
        }
    }

    @Test func reload_namesExactlyTheChangedRestartKeys() async throws {
        let old = try await load()
        for key in ConfigurationKeys.all {
            let value = otherValue(key)
            let unquoted = value.hasPrefix("\"") ? String(value.dropFirst().dropLast()) : value
            let new = try await load(environment: [key.environmentVariable: unquoted])
            let pending = ConfigurationKeys.needingRestart(from: old, to: new)
            switch key.reload {
            case .restart: #expect(pending == [key.name])
            case .live: #expect(pending.isEmpty, "\(key.name): \(pending)")
            }
        }
        #expect(ConfigurationKeys.named("cycle.followUpSchoolDays")?.reload == .live)
        #expect(ConfigurationKeys.named("limits.maxConnections")?.reload == .restart)
    }

    /// The server's limits come from the keys; its own defaults (what its tests use) are the declared ones.
    @Test func serverConfiguration_isDerivedFromTheKeys() throws {
        func numbers(_ server: RPCServerConfiguration) -> [String] {
            [
                "\(server.socketMode)", "\(server.socketGroup ?? "-")", "\(server.maxLineBytes)",
                "\(server.maxConnections)",
                "\(server.maxConnectionsPerUID)", "\(server.idleTimeout)", "\(server.requestTimeout)",
                "\(server.batchTimeout)", "\(server.drainTimeout)", "\(server.maxBatchRequests)",
                "\(server.maxBatchReplyBytes)", "\(server.maxUnsentReplyBytes)", "\(server.closeAtUnsentReplyBytes)",
                "\(server.maxUnsentReplyBytesTotal)", "\(server.reservedAdminConnections)",
            ]
        }
        let fromDefaults = DaemonConfiguration().serverConfiguration(inheritedFD: nil)
        #expect(numbers(fromDefaults) == numbers(RPCServerConfiguration(socketPath: "x")))
        var configuration = DaemonConfiguration()
        configuration.socketPath = "/run/x.sock"
        configuration.idleTimeoutSeconds = 7
        configuration.drainSeconds = 3
        configuration.reservedAdminConnections = 9
        configuration.socketGroup = "staff"
        let server = configuration.serverConfiguration(inheritedFD: 5)
        #expect(server.socketPath == "/run/x.sock")
        #expect(server.inheritedFD == 5)
        #expect(server.idleTimeout == .seconds(7))
        #expect(server.drainTimeout == .seconds(3))
        #expect(server.reservedAdminConnections == 9)
        #expect(server.socketGroup == "staff")
    }
}
