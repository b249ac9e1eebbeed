import Foundation
import Testing

/// Issue 14's `coachctl agreement`, `theme`, `group`, `period` and `person accredit` against a fake
/// daemon: the params each sends, and what a head reads (wrapped at 80 columns, escaped).
@Suite struct PeerGroupCLITests {
    static let long =
        String(repeating: "We keep what is said between us and agree one next step ", count: 3) + "each time."
    static let agreements = """
        {"agreements":[{"id":3,"peer":1,"version":1,"text":"\(long)","coachExpectations":"Ask, do not tell \\u001b[2J",\
        "proposedBy":1,"status":"superseded","active":false,"acceptedBy":[1,4]},\
        {"id":5,"peer":1,"version":2,"text":"Meet each half-term.","proposedBy":4,"status":"pending","active":false,\
        "acceptedBy":[4]}]}
        """

    @Test func agreementList_printsEveryVersionWhole_within80Columns_escaped() throws {
        let server = try FakeServer(["agreements.list": .result(Self.agreements)])
        let run = try Coachctl.run(["agreement", "list", "--peer", "1", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect((server.requests(for: "agreements.list").first?["params"] as? [String: Any])?["peer"] as? Int == 1)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "Version 1 (agreement 3): superseded, accepted by 2 heads")
        #expect(lines.contains("Version 2 (agreement 5): pending, accepted by 1 head"))
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(run.stdout)")
        #expect(!run.stdout.contains("\u{1B}") && run.stdout.contains("\\u{1B}[2J"))
        // Wrapped, not cut: every word of the long text is there.
        #expect(run.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0 == "between" }.count == 3)
        #expect(run.stdout.contains("  As coach: Ask, do not tell"))
    }

    @Test func agreementSet_andAccept_sendTheirParams() throws {
        let server = try FakeServer([
            "agreements.set": .result(#"{"id":7}"#),
            "agreements.accept": .result(
                #"{"id":7,"peer":1,"version":3,"text":"t","proposedBy":1,"status":"active","active":true,"acceptedBy":[1,4]}"#
            ),
        ])
        let set = try Coachctl.run([
            "agreement", "set", "--peer", "1", "Meet each half-term.", "--learner-expectations", "Be candid.",
            "--socket", server.path,
        ])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("Proposed agreement 7 for peer pair 1"))
        #expect(set.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(set.stdout)")
        let sent = try #require(server.requests(for: "agreements.set").first?["params"] as? [String: Any])
        #expect(sent["text"] as? String == "Meet each half-term.")
        #expect(sent["learnerExpectations"] as? String == "Be candid.")
        #expect(sent["coachExpectations"] == nil)
        let accept = try Coachctl.run(["agreement", "accept", "7", "--socket", server.path])
        #expect(accept.status == 0, "\(accept.stderr)")
        #expect(accept.stdout.contains("Agreement 7 (version 3) is active"))
    }

    @Test func themeCommands_sendKindAndConsent_andNeedExactlyOneOfPeerOrGroup() throws {
        let theme =
            #"{"id":4,"peer":1,"kind":"impact","text":"x","shared":false,"addedOn":"2026-11-30","consented":[1]}"#
        let server = try FakeServer([
            "themes.add": .result(#"{"id":4}"#), "themes.consent": .result(theme),
        ])
        let add = try Coachctl.run([
            "theme", "add", "--group", "2", "--impact", "Fewer exclusions", "--socket", server.path,
        ])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("Added impact 4, shared with no one yet."))
        #expect(add.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(add.stdout)")
        let sent = try #require(server.requests(for: "themes.add").first?["params"] as? [String: Any])
        #expect(sent["group"] as? Int == 2 && sent["peer"] == nil && sent["kind"] as? String == "impact")
        let both = try Coachctl.run(["theme", "add", "--peer", "1", "--group", "2", "x", "--socket", server.path])
        #expect(both.status == 64 && both.stderr.contains("either --peer or --group"))
        let neither = try Coachctl.run(["theme", "add", "x", "--socket", server.path])
        #expect(neither.status == 64)
        #expect(server.requests(for: "themes.add").count == 1)
        let withdraw = try Coachctl.run(["theme", "withdraw", "4", "--socket", server.path])
        #expect(withdraw.status == 0, "\(withdraw.stderr)")
        #expect(withdraw.stdout.contains("Impact 4 is not shared (1 member consented)."))
        let consent = try Coachctl.run(["theme", "consent", "4", "--socket", server.path])
        #expect(consent.status == 0)
        let sentConsents = server.requests(for: "themes.consent").compactMap {
            ($0["params"] as? [String: Any])?["consent"] as? Bool
        }
        #expect(sentConsents == [false, true])
    }

    @Test func groupPeriodAndAccredit_sendTheirParams() throws {
        let server = try FakeServer([
            "groups.create": .result(#"{"id":2}"#),
            "groups.completeMeeting": .result(
                #"{"id":9,"group":2,"start":"2026-12-03T16:00:00Z","minutes":90,"completedAt":"2026-12-03T18:00:00Z","attended":[1,3]}"#
            ),
            "periods.add": .result(#"{"id":1}"#),
            "people.accredit": .result(
                #"{"id":4,"name":"Dan Head","school":4,"roles":["head"],"active":true,"accreditedOn":"2026-09-01"}"#),
        ])
        let create = try Coachctl.run([
            "group", "create", "North A", "--region", "1", "--member", "1", "--member", "2", "--member", "3",
            "--socket", server.path,
        ])
        #expect(create.status == 0, "\(create.stderr)")
        let members = (server.requests(for: "groups.create").first?["params"] as? [String: Any])?["members"] as? [Int]
        #expect(members == [1, 2, 3])
        let held = try Coachctl.run([
            "group", "held", "9", "--attended", "1", "--attended", "3", "--socket", server.path,
        ])
        #expect(held.status == 0 && held.stdout.contains("2 members present"), "\(held.stderr)")
        let period = try Coachctl.run([
            "period", "add", "Autumn 2", "--term", "Autumn 2026", "--from", "2026-11-02", "--to", "2026-12-18",
            "--socket", server.path,
        ])
        #expect(period.status == 0, "\(period.stderr)")
        let sent = try #require(server.requests(for: "periods.add").first?["params"] as? [String: Any])
        #expect(sent["term"] as? String == "Autumn 2026" && sent["from"] as? String == "2026-11-02")
        let accredit = try Coachctl.run(["person", "accredit", "4", "--on", "2026-09-01", "--socket", server.path])
        #expect(accredit.status == 0, "\(accredit.stderr)")
        #expect(accredit.stdout.contains("Dan Head (person 4) is accredited"))
    }
}
