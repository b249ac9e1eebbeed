import CoachDomain
public import CoachRPCSocket
import Configuration

/// The declared configuration keys (`ConfigurationKeys.all`, in ConfigurationKeys.swift) and what is
/// derived from them.
public enum ConfigurationKeys {}

/// One configuration key, as declared in `ConfigurationKeys.all`: what the documentation says about
/// it, and how it is read, checked, compared on reload and handed to the socket server.
public struct ConfigurationKey: Sendable {
    /// When a changed value takes effect.
    public enum Reload: String, Sendable {
        /// On SIGHUP (`systemctl reload coachd`).
        case live
        /// Only when coachd restarts; a reload names the key in its log line.
        case restart
    }

    /// How the shipped sample shows the key.
    public enum Sample: Sendable {
        /// `key: default`.
        case shown
        /// `# key: default`, after this comment (why it is better left unset).
        case commentedOut(String)
    }

    /// `section.name`, as in YAML; the environment variable and the flag are derived from it.
    public let name: String
    /// The type as the documentation names it (`int`, `bool`, `path`, …).
    public let type: String
    /// The accepted range of a number.
    public let range: ClosedRange<Int>?
    /// The accepted values of a word.
    public let allowed: [String]?
    /// What a number counts (`minutes`, `bytes`, …).
    public let unit: String?
    /// A rule that depends on other keys (checked after every key is read), in Markdown.
    public let rule: String?
    /// The default as YAML text (`15`, `"0660"`, `true`).
    public let defaultYAML: String
    /// What the default means beyond its value, in Markdown (`$STATE_DIRECTORY` under systemd, …).
    public let defaultNote: String?
    /// The coachd flag that sets it (`--state-dir`), if any.
    public let flag: String?
    public let reload: Reload
    /// What it does: one sentence in Markdown, lower case first, no final full stop.
    public let doc: String
    public let sample: Sample

    let field: any AnyKeyPath & Sendable
    let defaultValue: any Sendable
    /// Reads the key into the configuration when it is present (true), refusing a bad value by name.
    let read: @Sendable (inout DaemonConfiguration, ConfigurationKeyReader) throws -> Bool
    let differs: @Sendable (DaemonConfiguration, DaemonConfiguration) -> Bool
    let yamlValue: @Sendable (DaemonConfiguration) -> String
    let applyToServer: (@Sendable (DaemonConfiguration, inout RPCServerConfiguration) -> Void)?

    init<Value: Sendable & Equatable>(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, Value> & Sendable, type: String,
        default value: Value, range: ClosedRange<Int>? = nil, allowed: [String]? = nil, unit: String? = nil,
        rule: String?, defaultNote: String?, flag: String?, reload: Reload, doc: String, sample: Sample,
        yaml: @escaping @Sendable (Value) -> String,
        parse: @escaping @Sendable (ConfigurationKeyReader, String) throws -> Value?,
        check: @escaping @Sendable (Value) -> String? = { _ in nil },
        server: (@Sendable (inout RPCServerConfiguration, Value) -> Void)?
    ) {
        self.name = name
        self.type = type
        self.range = range
        self.allowed = allowed
        self.unit = unit
        self.rule = rule
        self.defaultYAML = yaml(value)
        self.defaultNote = defaultNote
        self.flag = flag
        self.reload = reload
        self.doc = doc
        self.sample = sample
        self.field = field
        self.defaultValue = value
        read = { configuration, reader in
            guard let parsed = try parse(reader, name) else { return false }
            if let problem = check(parsed) { throw ConfigurationError(key: name, problem) }
            configuration[keyPath: field] = parsed
            return true
        }
        differs = { $0[keyPath: field] != $1[keyPath: field] }
        yamlValue = { yaml($0[keyPath: field]) }
        if let server {
            applyToServer = { configuration, target in server(&target, configuration[keyPath: field]) }
        } else {
            applyToServer = nil
        }
    }

    /// The environment variable that overrides it: `cycle.followUpSchoolDays` →
    /// `COACHD_CYCLE_FOLLOW_UP_SCHOOL_DAYS` (swift-configuration's mapping).
    public var environmentVariable: String {
        var text = "COACHD"
        for component in name.split(separator: ".") {
            text += "_"
            for character in component {
                if character.isUppercase { text += "_" }
                text += character.uppercased()
            }
        }
        return text
    }
}

// MARK: - The kinds of key

extension ConfigurationKey {
    static func int(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, Int> & Sendable, default value: Int,
        in range: ClosedRange<Int>, unit: String, reload: Reload, rule: String? = nil, defaultNote: String? = nil,
        server: (@Sendable (inout RPCServerConfiguration, Int) -> Void)? = nil, _ doc: String
    ) -> ConfigurationKey {
        precondition(range.contains(value), "the default of \(name) is outside its range")
        return ConfigurationKey(
            name, field, type: "int", default: value, range: range, unit: unit, rule: rule, defaultNote: defaultNote,
            flag: nil, reload: reload, doc: doc, sample: .shown, yaml: { String($0) },
            parse: { reader, key in try reader.int(key) },
            check: { number in
                range.contains(number) ? nil : "\(number) is out of range \(range.lowerBound)…\(range.upperBound)"
            }, server: server)
    }

    static func bool(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, Bool> & Sendable, default value: Bool,
        reload: Reload, _ doc: String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name, field, type: "bool", default: value, rule: nil, defaultNote: nil, flag: nil, reload: reload,
            doc: doc, sample: .shown, yaml: { String($0) }, parse: { reader, key in try reader.bool(key) },
            server: nil)
    }

    static func path(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, String> & Sendable, default value: String,
        flag: String?, reload: Reload, defaultNote: String?, _ doc: String, sample: Sample = .shown
    ) -> ConfigurationKey {
        ConfigurationKey(
            name, field, type: "path", default: value, rule: nil, defaultNote: defaultNote, flag: flag,
            reload: reload, doc: doc, sample: sample, yaml: quoted, parse: { reader, key in reader.string(key) },
            server: nil)
    }

    /// A text whose empty value (the default) means none.
    static func optionalText(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, String?> & Sendable, type: String,
        flag: String? = nil, reload: Reload, whenEmpty: String, _ doc: String,
        server: (@Sendable (inout RPCServerConfiguration, String?) -> Void)? = nil
    ) -> ConfigurationKey {
        ConfigurationKey(
            name, field, type: type, default: nil, rule: nil, defaultNote: whenEmpty, flag: flag, reload: reload,
            doc: doc, sample: .shown, yaml: { quoted($0 ?? "") },
            parse: { reader, key in reader.string(key).map { $0.isEmpty ? nil : $0 } }, server: server)
    }

    static func oneOf(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, String> & Sendable, default value: String,
        allowed: [String], flag: String?, reload: Reload, _ doc: String
    ) -> ConfigurationKey {
        precondition(allowed.contains(value), "the default of \(name) is not one of its values")
        return ConfigurationKey(
            name, field, type: "string", default: value, allowed: allowed, rule: nil, defaultNote: nil, flag: flag,
            reload: reload, doc: doc, sample: .shown, yaml: quoted, parse: { reader, key in reader.string(key) },
            check: { allowed.contains($0) ? nil : "\"\($0)\" is not one of \(allowed.joined(separator: ", "))" },
            server: nil)
    }

    static func time(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, LocalTime> & Sendable,
        default value: LocalTime, reload: Reload, rule: String? = nil, _ doc: String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name, field, type: "`HH:MM`", default: value, rule: rule, defaultNote: nil, flag: nil, reload: reload,
            doc: doc, sample: .shown, yaml: { quoted($0.description) },
            parse: { reader, key in
                guard let raw = reader.string(key) else { return nil }
                guard let time = LocalTime(raw) else {
                    throw ConfigurationError(key: key, "\"\(raw)\" is not a time of day as HH:MM")
                }
                return time
            }, server: nil)
    }

    static func octalMode(
        _ name: String, _ field: any WritableKeyPath<DaemonConfiguration, UInt32> & Sendable, default value: UInt32,
        flag: String?, reload: Reload, server: @escaping @Sendable (inout RPCServerConfiguration, UInt32) -> Void,
        _ doc: String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name, field, type: "octal string", default: value, rule: nil, defaultNote: nil, flag: flag,
            reload: reload, doc: doc, sample: .shown, yaml: { quoted(octal($0)) },
            parse: { reader, key in
                guard let raw = reader.string(key) else { return nil }
                guard let mode = UInt32(raw, radix: 8), mode <= 0o777 else {
                    throw ConfigurationError(key: key, "\"\(raw)\" is not an octal file mode such as 0660")
                }
                return mode
            }, server: server)
    }
}

@Sendable private func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

/// `0660`: four digits, as chmod takes them.
private func octal(_ mode: UInt32) -> String {
    let digits = String(mode, radix: 8)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

// MARK: - Derived from the declarations

extension ConfigurationKeys {
    /// The declared default of a DaemonConfiguration field (its initial value). A field with no key
    /// stops the program at its first use, naming the field.
    static func `default`<Value>(_ field: WritableKeyPath<DaemonConfiguration, Value>) -> Value {
        guard let index = byField[field], let value = all[index].defaultValue as? Value else {
            preconditionFailure("DaemonConfiguration\(field) has no entry in ConfigurationKeys.all")
        }
        return value
    }

    // Immutable once built; key paths are values.
    nonisolated(unsafe) private static let byField: [AnyKeyPath: Int] = Dictionary(
        uniqueKeysWithValues: all.enumerated().map { ($0.element.field as AnyKeyPath, $0.offset) })

    /// The key declared with this name.
    public static func named(_ name: String) -> ConfigurationKey? { all.first { $0.name == name } }

    /// The keys whose value differs between two configurations and that take effect only on restart:
    /// what a reload cannot apply.
    public static func needingRestart(from old: DaemonConfiguration, to new: DaemonConfiguration) -> [String] {
        all.filter { $0.reload == .restart && $0.differs(old, new) }.map(\.name)
    }

    /// The key's value in a configuration, as YAML text.
    public static func yamlValue(of key: ConfigurationKey, in configuration: DaemonConfiguration) -> String {
        key.yamlValue(configuration)
    }
}

extension DaemonConfiguration {
    /// The socket server's configuration: every key that has a server counterpart, applied to
    /// `RPCServerConfiguration(socketPath: effectiveSocketPath)`.
    public func serverConfiguration(inheritedFD: Int32?) -> RPCServerConfiguration {
        var server = RPCServerConfiguration(socketPath: effectiveSocketPath)
        server.inheritedFD = inheritedFD
        for key in ConfigurationKeys.all { key.applyToServer?(self, &server) }
        return server
    }
}

/// Reads typed keys, telling a missing key (nil) from a present but unusable one (error).
struct ConfigurationKeyReader {
    let reader: ConfigReader

    func string(_ key: String) -> String? {
        if let text = reader.string(forKey: ConfigKey(key)) { return text }
        if let number = reader.int(forKey: ConfigKey(key)) { return String(number) }
        return nil
    }

    func int(_ key: String) throws -> Int? {
        if let number = reader.int(forKey: ConfigKey(key)) ?? reader.string(forKey: ConfigKey(key)).flatMap({ Int($0) })
        {
            return number
        }
        if let raw = reader.string(forKey: ConfigKey(key)) ?? reader.bool(forKey: ConfigKey(key)).map(String.init) {
            throw ConfigurationError(key: key, "\"\(raw)\" is not a whole number")
        }
        return nil
    }

    func bool(_ key: String) throws -> Bool? {
        if let flag = reader.bool(forKey: ConfigKey(key)) { return flag }
        guard let raw = reader.string(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(String.init)
        else {
            return nil
        }
        switch raw.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError(key: key, "\"\(raw)\" is not true or false")
        }
    }
}
