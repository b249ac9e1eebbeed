import Foundation
import Testing

/// Issue 14, finishing the programme: `coachctl due` with peer sessions and supervision meetings
/// under their own headings, `coachctl session cancel` and `list`, `coachctl peer create` naming
/// both heads, and hints for the programme's commands that never name drop-ins.
@Suite struct PeerFinishCLITests {
    static let mixedDue = """
        {"items":[\
        {"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann Teacher","coach":13,\
        "coachName":"Bob Coach","dropin":21,"dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00",\
        "overdueAt":"2026-03-10T15:30:00+00:00","overdue":false},\
        {"kind":"session","pair":3,"school":1,"teacher":40,"teacherName":"Hal Head","coach":41,\
        "coachName":"Ira Head","dueDate":"2026-02-23","dueAt":"2026-02-23T00:00:00+00:00",\
        "overdueAt":"2026-04-01T00:00:00+01:00","overdue":false,"period":2},\
        {"kind":"supervision","pair":5,"school":1,"teacher":0,"teacherName":"","coach":0,"coachName":"",\
        "dueDate":"2026-01-05","dueAt":"2026-01-05T00:00:00+00:00","overdueAt":"2026-04-01T00:00:00+01:00",\
        "overdue":true,"group":5,"groupName":"North circle \\u001b[2J","term":"Spring 2026"}]}
        """

    @Test func due_showsSessionsAndSupervision_underTheirOwnHeadings_never_asATeacherAndCoach() throws {
        let server = try FakeServer(["due.list": .result(Self.mixedDue)])
        let run = try Coachctl.run(["due", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(run.stdout)")
        // The coaching table keeps its headings and holds only the drop-in.
        #expect(lines[0].contains("TEACHER") && lines[1].contains("Ann Teacher") && lines.count > 3)
        let sessions = try #require(lines.firstIndex(of: "Peer sessions:"), "\(run.stdout)")
        #expect(lines[sessions + 1].contains("PEER SESSION OF") && !lines[sessions + 1].contains("TEACHER"))
        #expect(lines[sessions + 2].contains("Hal Head") && lines[sessions + 2].contains("Ira Head"))
        let meetings = try #require(lines.firstIndex(of: "Supervision meetings:"), "\(run.stdout)")
        #expect(lines[meetings + 1].contains("SUPERVISION GROUP") && lines[meetings + 1].contains("TERM"))
        #expect(lines[meetings + 2].contains("North circle") && lines[meetings + 2].contains("Spring 2026"))
        #expect(lines[meetings + 2].hasSuffix("overdue"))
        #expect(!run.stdout.contains("\u{1B}"))
        #expect(run.stdout.contains("3 items listed, 1 overdue."))
    }

    @Test func due_withOnlyPeerItems_hasNoTeacherColumn() throws {
        let only = Self.mixedDue.replacingOccurrences(
            of:
                #"{"kind":"dropin","pair":7,"school":1,"teacher":12,"teacherName":"Ann Teacher","coach":13,"coachName":"Bob Coach","dropin":21,"dueDate":"2026-03-09","dueAt":"2026-03-09T10:20:00+00:00","overdueAt":"2026-03-10T15:30:00+00:00","overdue":false},"#,
            with: "")
        let server = try FakeServer(["due.list": .result(only)])
        let run = try Coachctl.run(["due", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("TEACHER") && !run.stdout.contains("COACH "), "\(run.stdout)")
        #expect(run.stdout.hasPrefix("DUE") && run.stdout.contains("Supervision meetings:"))
    }

    static let cancelled = """
        {"id":9,"peer":3,"start":"2026-03-02T10:00:00+00:00","end":"2026-03-02T12:00:00+00:00","minutes":120,\
        "mode":"video","firstCoach":40,"halves":[],"status":"cancelled","cancelledAt":"2026-02-27T09:00:00+00:00",\
        "cancelReason":"an inspection"}
        """

    @Test func sessionCancel_sendsSessionAndReason_andSessionList_showsTheState() throws {
        let server = try FakeServer([
            "sessions.cancel": .result(Self.cancelled),
            "sessions.list": .result(#"{"sessions":[\#(Self.cancelled)]}"#),
        ])
        let run = try Coachctl.run(["session", "cancel", "9", "--reason", "an inspection", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        let sent = try #require(server.requests(for: "sessions.cancel").first?["params"] as? [String: Any])
        #expect(sent["session"] as? Int == 9 && sent["reason"] as? String == "an inspection")
        #expect(run.stdout.contains("Cancelled session 9 of peer pair 3"))
        #expect(run.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(run.stdout)")
        // The reason is required.
        #expect(try Coachctl.run(["session", "cancel", "9", "--socket", server.path]).status == 64)

        let list = try Coachctl.run(["session", "list", "--peer", "3", "--socket", server.path])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("cancelled") && list.stdout.contains("Session 9 cancelled: an inspection"))
        #expect((server.requests(for: "sessions.list").first?["params"] as? [String: Any])?["peer"] as? Int == 3)
    }

    @Test func peerCreate_namesBothHeads() throws {
        let server = try FakeServer([
            "peers.create": .result(#"{"id":4,"aName":"Hal Head","bName":"Ira \u001b[2JHead"}"#)
        ])
        let run = try Coachctl.run(["peer", "create", "40", "41", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Created peer pair 4: Hal Head (40) and Ira"), "\(run.stdout)")
        #expect(!run.stdout.contains("\u{1B}"))
    }

    @Test func aConflict_inThePeerProgramme_hintsAtItsOwnLists_neverDropIns() throws {
        let conflict =
            #"{"code":-32003,"message":"Hal Head and Ira Head are already peer pair 4","data":{"name":"Conflict"}}"#
        let server = try FakeServer(["peers.create": .error(conflict), "pairs.create": .error(conflict)])
        let peer = try Coachctl.run(["peer", "create", "40", "41", "--socket", server.path])
        #expect(peer.status == 1)
        #expect(peer.stderr.contains("coachctl peer list") && !peer.stderr.contains("dropin"), "\(peer.stderr)")
        // The teacher–coach commands keep the general hint.
        let pair = try Coachctl.run(["pair", "add", "--teacher", "1", "--coach", "2", "--socket", server.path])
        #expect(pair.stderr.contains("coachctl dropin list"), "\(pair.stderr)")
        // So does `coachctl call` by the method it names.
        let call = try Coachctl.run(["call", "peers.create", #"{"a":40,"b":41}"#, "--socket", server.path])
        #expect(call.stderr.contains("coachctl peer list") && !call.stderr.contains("dropin"), "\(call.stderr)")
    }

    static let groups = """
        {"groups":[{"id":5,"region":1,"regionName":"North","name":"North circle \\u001b[2J",\
        "members":[{"id":40,"name":"Hal Head"},{"id":41,"name":"Ira Head"},{"id":42,"name":"Jo Head"}],\
        "meetings":[{"id":8,"group":5,"start":"2026-03-02T16:00:00+00:00","minutes":90,\
        "completedAt":"2026-03-02T18:00:00+00:00","attended":[40,42]},\
        {"id":9,"group":5,"start":"2026-05-04T16:00:00+01:00","minutes":60,"attended":[]}]}]}
        """

    @Test func groupList_namesTheMembers_andShowsEachMeetingsState_in80Columns() throws {
        let server = try FakeServer(["groups.list": .result(Self.groups)])
        let run = try Coachctl.run(["group", "list", "--region", "1", "--socket", server.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect((server.requests(for: "groups.list").first?["params"] as? [String: Any])?["region"] as? Int == 1)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(run.stdout)")
        #expect(lines[0].hasPrefix("ID") && lines[0].contains("MEMBERS"))
        #expect(lines[1].contains("North") && lines[1].contains("Hal Head, Ira Head, Jo Head"))
        #expect(!run.stdout.contains("\u{1B}"))
        let meetings = try #require(lines.firstIndex(of: "Meetings:"), "\(run.stdout)")
        #expect(lines[meetings + 1].hasPrefix("MEETING"))
        #expect(lines[meetings + 2].hasSuffix("held, 2 of 3 present"))
        #expect(lines[meetings + 3].hasSuffix("booked"))
        #expect(run.stdout.hasSuffix("1 group listed.\n"))

        let empty = try FakeServer(["groups.list": .result(#"{"groups":[]}"#)])
        #expect(try Coachctl.run(["group", "list", "--socket", empty.path]).stdout == "No supervision groups.\n")
    }
}
