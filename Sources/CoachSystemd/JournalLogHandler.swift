import CSystemd
public import Foundation
public import Logging

/// A swift-log handler that writes native journal entries (sd_journal_sendv): `MESSAGE`,
/// `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, a `MESSAGE_ID` for known
/// events, and every metadata key as a field (`coachd.pair` → `COACHD_PAIR`).
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let identifier: String
    private let messageIDs: [String: String]
    private let eventKey: String

    /// - Parameters:
    ///   - identifier: `SYSLOG_IDENTIFIER`.
    ///   - messageIDs: event name → 128-bit id (32 hex digits), looked up by the `eventKey` metadata.
    public init(identifier: String, messageIDs: [String: String], eventKey: String = "coachd.event") {
        self.identifier = identifier
        self.messageIDs = messageIDs
        self.eventKey = eventKey
    }

    /// Whether this process's output goes to journald (so native entries should be used).
    public static func isJournalConnected(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard environment["JOURNAL_STREAM"] != nil || environment["INVOCATION_ID"] != nil else { return false }
        return FileManager.default.fileExists(atPath: "/run/systemd/journal/socket")
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String] = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
        ]
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if case .string(let name)? = merged[eventKey] ?? nil, let id = messageIDs[name] {
            fields.append("MESSAGE_ID=\(id)")
        } else if case .stringConvertible(let name)? = merged[eventKey] ?? nil, let id = messageIDs[name.description] {
            fields.append("MESSAGE_ID=\(id)")
        }
        for (key, value) in merged {
            fields.append("\(Self.fieldName(key))=\(value)")
        }
        Self.send(fields)
    }

    /// `coachd.peer_uid` → `COACHD_PEER_UID`: journal field names are upper case, digits and `_`.
    static func fieldName(_ key: String) -> String {
        var name = String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        while name.first == "_" || name.first?.isNumber == true { name.removeFirst() }
        return name.isEmpty ? "FIELD" : String(name.prefix(64))
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func send(_ fields: [String]) {
        // One contiguous buffer, and every iovec built and used inside the one closure that owns
        // the pointer: a pointer taken inside `withUnsafeMutableBytes` is not valid after it returns.
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        lengths.reserveCapacity(fields.count)
        for field in fields {
            bytes.append(contentsOf: field.utf8)
            lengths.append(field.utf8.count)
        }
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var vectors: [iovec] = []
            vectors.reserveCapacity(lengths.count)
            var offset = 0
            for length in lengths {
                vectors.append(iovec(iov_base: base + offset, iov_len: length))
                offset += length
            }
            _ = sd_journal_sendv(vectors, Int32(vectors.count))
        }
    }
}
