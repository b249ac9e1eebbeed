import CoachClient
import CoachRPC
import Foundation
import Testing

/// uids the tests act as (no such users need exist: identity is the uid from SO_PEERCRED).
enum UID {
    static let teacher: UInt32 = 61001
    static let coach: UInt32 = 61002
    static let lead: UInt32 = 61003
    static let otherTeacher: UInt32 = 61004
    static let stranger: UInt32 = 61999
}

/// A school with a teacher, a coach, a lead and another teacher, set up through the real CLI.
struct School {
    var id: Int64
    var teacher: Int64
    var coach: Int64
    var lead: Int64
    var otherTeacher: Int64
    var pair: Int64

    init(_ daemon: RunningDaemon) throws {
        let school = try daemon.ctl(["--json", "school", "add", "Hill Primary", "--time-zone", "Europe/London"])
        #expect(school.status == 0, "\(school.stderr)")
        let schoolID = try school.json(CreatedID.self).id
        id = schoolID
        // A local function that captured `self` before init finished would not compile: use the local id.
        func person(_ name: String, _ roles: [String], _ uid: UInt32) throws -> Int64 {
            let out = try daemon.ctl(
                ["--json", "person", "add", name, "--school", "\(schoolID)", "--uid", "\(uid)"]
                    + roles.flatMap { ["--role", $0] })
            #expect(out.status == 0, "\(out.stderr)")
            return try out.json(CreatedID.self).id
        }
        teacher = try person("Ada Teacher", ["teacher"], UID.teacher)
        coach = try person("Cy Coach", ["coach"], UID.coach)
        lead = try person("Lee Lead", ["lead"], UID.lead)
        otherTeacher = try person("Bo Teacher", ["teacher"], UID.otherTeacher)
        let pair = try daemon.ctl(["--json", "pair", "add", "--teacher", "\(teacher)", "--coach", "\(coach)"])
        #expect(pair.status == 0, "\(pair.stderr)")
        self.pair = try pair.json(CreatedID.self).id
    }
}

extension EndToEnd {
    @Suite("End to end: the real coachd driven by the real coachctl", .serialized)
    struct MicroCycleEndToEndTests {
        @Test func ping_andInfo_answer_withoutAStore() throws {
            let daemon = try RunningDaemon()
            let client = try daemon.client()
            #expect(try client.call(DaemonPing.self, NoParams()) == "pong")
            let info = try client.call(DaemonInfo.self, NoParams())
            #expect(info.apiLevel == CoachAPI.level)
            // The build's commit, as `coachd --version` and `coachctl --version` print it.
            let commit = try #require(info.commit)
            #expect(commit.wholeMatch(of: /[0-9a-f]{12}(-dirty)?|unknown/) != nil, "\(commit)")
            #expect(try daemon.ctl(["--version"]).stdout == "\(info.version) (commit \(commit))\n")
            let discover = try client.call(RPCDiscover.self, NoParams())
            guard case .object(let document) = discover, case .array(let methods)? = document["methods"] else {
                Issue.record("rpc.discover returned no methods")
                return
            }
            #expect(methods.count == CoachAPI.methods.count)
        }

        /// `coachctl demo seed` fills an empty daemon so that due shows every kind of item, some
        /// overdue, and refuses a second run.
        @Test func demoSeed_fillsAnEmptyDaemon_withItemsDueAndOverdue_once() throws {
            let daemon = try RunningDaemon()
            let seeded = try daemon.ctl(["--json", "demo", "seed"])
            #expect(seeded.status == 0, "\(seeded.stderr)")
            let client = try daemon.client()
            #expect(try client.call(SchoolsList.self, NoParams()).schools.count == 3)
            let due = try client.call(DueListMethod.self, DueListMethod.Params()).items
            #expect(due.count >= 20)
            #expect(Set(due.map(\.kind)) == ["dropin", "followup"])
            #expect(due.contains { $0.overdue } && due.contains { !$0.overdue })
            let again = try daemon.ctl(["demo", "seed"])
            #expect(again.status == 64 && again.stderr.contains("already has data"), "\(again.stderr)")
        }

        @Test func fullMicroCycle_teacherCoachLead_withConfidentiality() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let secret = "SECRET-NOTE-\(UUID().uuidString.prefix(6))"

            // The teacher agrees a focus and invites the coach in (a drop-in already held: logged in the past).
            let focus = try daemon.ctl(["--json", "cycle", "start", "--focus", "questioning"], uid: UID.teacher)
            #expect(focus.status == 0, "\(focus.stderr)")
            let day = recentWeekday()
            // A visit already held: booked in the past through the API (coachctl's invite books only
            // what is to come, and points to `dropin log` for the past).
            let refused = try daemon.ctl(["invite", "--at", "\(day)T10:00", "--minutes", "12"], uid: UID.teacher)
            #expect(refused.status == 64 && refused.stderr.contains("dropin log"), "\(refused.stderr)")
            let booked = try daemon.ctl(
                [
                    "--json", "call", "dropins.schedule",
                    #"{"pair":\#(school.pair),"start":"\#(day)T10:00","minutes":12}"#,
                ], uid: UID.teacher)
            #expect(booked.status == 0, "\(booked.stderr)")
            let dropIn = try booked.json(ScheduledDropIn.self)
            #expect(dropIn.start.hasPrefix("\(day)T10:00:00"))

            // A follow-up needs its drop-in done first.
            let early = try daemon.ctl(["followup", "done", "\(dropIn.id)"], uid: UID.teacher)
            #expect(early.status == 1)
            #expect(early.stderr.contains("not done"))

            // Only the coach logs the drop-in.
            #expect(try daemon.ctl(["dropin", "done", "\(dropIn.id)"], uid: UID.teacher).status == 1)
            let done = try daemon.ctl(["--json", "dropin", "done", "\(dropIn.id)", "--notes", secret], uid: UID.coach)
            #expect(done.status == 0, "\(done.stderr)")
            let follow = try daemon.ctl(
                ["--json", "followup", "done", "\(dropIn.id)", "--notes", secret], uid: UID.teacher)
            #expect(follow.status == 0, "\(follow.stderr)")

            // One small adaptation; a second fails until the first is closed.
            let set = try daemon.ctl(
                ["--json", "adaptation", "set", "Wait five seconds after questions"], uid: UID.teacher)
            #expect(set.status == 0, "\(set.stderr)")
            let adaptation = try set.json(AdaptationSet.self)
            let again = try daemon.ctl(["adaptation", "set", "Another thing"], uid: UID.teacher)
            #expect(again.status == 1)
            #expect(again.stderr.contains("still active"))
            let replaced = try daemon.ctl(
                ["--json", "adaptation", "set", "Cold-call two pupils", "--close-previous", "embedded"],
                uid: UID.teacher)
            #expect(replaced.status == 0, "\(replaced.stderr)")

            // The lead sees cadence and dates, never notes or texts.
            let due = try daemon.ctl(["--json", "due"], uid: UID.lead)
            #expect(due.status == 0, "\(due.stderr)")
            let items = try due.json(DueList.self).items
            #expect(items.count == 1)
            #expect(items.first?.kind == "dropin")
            #expect(items.first?.teacherName == "Ada Teacher")
            let leadView = try daemon.ctl(["--json", "pair", "show", "\(school.pair)"], uid: UID.lead)
            #expect(leadView.status == 0, "\(leadView.stderr)")
            #expect(!leadView.stdout.contains(secret))
            #expect(!leadView.stdout.contains("Cold-call"))
            #expect(!leadView.stdout.contains("questioning"))

            // The pair's two people read their notes.
            let teacherView = try daemon.ctl(["--json", "pair", "show", "\(school.pair)"], uid: UID.teacher)
            #expect(teacherView.stdout.contains(secret))
            let detail = try teacherView.json(PairDetail.self)
            #expect(detail.adaptations.map(\.outcome) == ["embedded", nil])
            #expect(detail.adaptations.first?.id == adaptation.id)
            #expect(detail.history.map(\.event).contains("followup.completed"))

            // Another teacher sees nothing of the pair; a stranger only what is open to all.
            let other = try daemon.ctl(["pair", "show", "\(school.pair)"], uid: UID.otherTeacher)
            #expect(other.status == 1)
            #expect(!other.stderr.contains(secret))
            #expect(try daemon.ctl(["--json", "due"], uid: UID.otherTeacher).json(DueList.self).items.isEmpty)
            let stranger = try daemon.ctl(["due"], uid: UID.stranger)
            #expect(stranger.status == 1)
            #expect(try daemon.ctl(["--json", "me"], uid: UID.stranger).json(MeResult.self).person == nil)

            // Nothing confidential reached the log.
            #expect(!daemon.log.contains(secret))
            #expect(!daemon.log.contains("Cold-call"))
        }

        @Test func rules_areEnforcedEndToEnd_withClearErrors() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            #expect(try daemon.ctl(["cycle", "start", "--pair", "\(school.pair)", "--focus", "feedback"]).status == 0)
            let saturday = try daemon.ctl([
                "--json", "dropin", "schedule", "--pair", "\(school.pair)", "--at", "\(nextSaturday())T10:00",
            ])
            #expect(saturday.status == 1)
            #expect(saturday.stderr.contains("not a school day"))
            let evening = try daemon.ctl([
                "dropin", "schedule", "--pair", "\(school.pair)", "--at", "\(nextWeekday())T18:00",
            ])
            #expect(evening.status == 1)
            #expect(evening.stderr.contains("school hours"))
            let long = try daemon.ctl([
                "dropin", "schedule", "--pair", "\(school.pair)", "--at", "\(nextWeekday())T10:00", "--minutes", "20",
            ])
            #expect(long.status != 0)
            // Nothing was stored by the refused calls.
            let detail = try daemon.client().call(PairsShow.self, .init(pair: school.pair))
            #expect(detail.dropins.isEmpty)
        }

        @Test func aKilledDaemon_losesNoAcknowledgedWrite() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let client = try daemon.client()
            var focuses: [Int64] = []
            for index in 0..<20 {
                focuses.append(try client.call(CyclesStart.self, .init(pair: school.pair, focus: "focus \(index)")).id)
            }
            daemon.stop(signal: SIGKILL)
            try daemon.start()
            let detail = try daemon.client().call(PairsShow.self, .init(pair: school.pair))
            #expect(detail.cycles.map(\.id) == focuses)
        }

        @Test func rawSocket_speaksJSONRPC2() throws {
            let daemon = try RunningDaemon()
            let client = try daemon.client()
            func send(_ line: String) throws -> JSONValue {
                try JSONDecoder().decode(JSONValue.self, from: client.callRaw(Data(line.utf8)))
            }
            let parse = try send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]")
            #expect(parse.objectValue?["error"]?.objectValue?["code"] == .int(-32700))
            let empty = try send("[]")
            #expect(empty.objectValue?["error"]?.objectValue?["code"] == .int(-32600))
            let unknown = try send("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":\"x\"}")
            #expect(unknown.objectValue?["error"]?.objectValue?["code"] == .int(-32601))
            #expect(unknown.objectValue?["id"] == .string("x"))
            let batch = try send(
                "[{\"jsonrpc\":\"2.0\",\"method\":\"daemon.ping\",\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"daemon.ping\"},1]"
            )
            guard case .array(let replies) = batch else {
                Issue.record("a batch must get an array")
                return
            }
            #expect(replies.count == 2)
            let badParams = try send(
                "{\"jsonrpc\":\"2.0\",\"method\":\"pairs.show\",\"params\":{\"pair\":\"one\"},\"id\":2}")
            let error = badParams.objectValue?["error"]?.objectValue
            #expect(error?["code"] == .int(-32602))
            #expect(error?["data"]?.objectValue?["field"] == .string("pair"))
        }
    }
}
