import CoachDaemon
import CoachRPC
import Foundation
import Testing

@testable import CoachSystemd

/// Files generated from, or kept in step with, the code: they cannot drift.
@Suite("Docs and catalog stay in step with the code")
struct ContractFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func catalog_explainsEveryMessageID_andNoOthers() throws {
        let catalog = try read("systemd/coachd.catalog")
        let ids = Set(catalog.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) })
        #expect(ids == Set(JournalEvent.allCases.map(\.messageID)))
        #expect(Set(JournalEvent.allCases.map(\.messageID)).count == JournalEvent.allCases.count)
        for id in ids { #expect(id.count == 32 && id.allSatisfy(\.isHexDigit), "\(id)") }
    }

    @Test func journalPage_documentsEveryEventAndMessageID() throws {
        let page = try read("Docs/Journal.md")
        for event in JournalEvent.allCases {
            #expect(page.contains("| `\(event.rawValue)` "), "Docs/Journal.md has no row for \(event.rawValue)")
            #expect(page.contains("`\(event.messageID)`"), "Docs/Journal.md lacks the MESSAGE_ID of \(event.rawValue)")
        }
    }

    @Test func apiReference_isGeneratedFromTheTypes() throws {
        #expect(try read("Docs/API.md") == CoachAPI.markdownReference(), "run `make docs`")
    }

    @Test func openRPCDocument_isGeneratedFromTheTypes() throws {
        let committed = try JSONDecoder().decode(JSONValue.self, from: Data(try read("Docs/openrpc.json").utf8))
        #expect(committed == CoachAPI.openRPC(version: coachdVersion), "run `make docs`")
    }

    /// Docs/Configuration.md's key table and coachd.yaml(5) (man/generate.sh) are generated from the
    /// declared keys, which are the keys DaemonConfiguration reads: the table lists exactly those.
    @Test func configurationTable_listsExactlyTheKeysTheDaemonReads() throws {
        let declared = Set(ConfigurationKeys.all.map(\.name))
        let table = try Regex(#"(?m)^\| `([a-zA-Z]+(?:\.[a-zA-Z]+)+)` \|"#)
        let documented = Set(
            try self.read("Docs/Configuration.md").matches(of: table).compactMap {
                $0.output[1].substring.map(String.init)
            })
        #expect(declared.count > 15)
        #expect(declared.subtracting(documented).isEmpty, "keys without a row in Docs/Configuration.md")
        #expect(documented.subtracting(declared).isEmpty, "rows in Docs/Configuration.md for keys coachd does not read")
    }

    /// coachd(8) lists the MESSAGE_IDs from the catalog (man/generate.sh), which the test above
    /// keeps equal to JournalEvent's; the generator reads every entry's id and Subject.
    @Test func catalog_everyEntryHasASubjectForTheManPage() throws {
        let entries = try read("systemd/coachd.catalog").components(separatedBy: "\n-- ").dropFirst()
        #expect(entries.count == JournalEvent.allCases.count)
        for entry in entries {
            let lines = entry.split(separator: "\n")
            #expect(
                lines.count > 1 && lines[1].hasPrefix("Subject: "),
                "catalog entry \(lines.first ?? "") has no Subject line next")
        }
    }

    @Test func journalFieldNames_areUpperSnakeCase() {
        #expect(JournalLogHandler.fieldName("coachd.peer_uid") == "COACHD_PEER_UID")
        #expect(JournalLogHandler.fieldName("coachd.event") == "COACHD_EVENT")
        #expect(JournalLogHandler.fieldName("9lives.x-y") == "LIVES_X_Y")
    }
}
