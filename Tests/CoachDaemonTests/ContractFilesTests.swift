import CoachDaemon
import CoachRPC
@testable import CoachSystemd
import Foundation
import Testing

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

    @Test func journalFieldNames_areUpperSnakeCase() {
        #expect(JournalLogHandler.fieldName("coachd.peer_uid") == "COACHD_PEER_UID")
        #expect(JournalLogHandler.fieldName("coachd.event") == "COACHD_EVENT")
        #expect(JournalLogHandler.fieldName("9lives.x-y") == "LIVES_X_Y")
    }
}
