import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 12 as real Unix users: the lead sees every figure of their school and nothing of another's;
    /// a teacher's agenda holds only their own; coaches and pairs report on themselves only.
    @Suite("End to end: the lead's view", .serialized)
    struct LeadsViewEndToEndTests {
        /// Runs `coachctl --json call` as `uid` (nil: the test's user, an admin).
        static func call(_ daemon: RunningDaemon, _ method: String, _ params: [String: JSONValue], uid: UInt32?) throws
            -> (Outcome, JSONValue?)
        {
            let text = String(decoding: try RPCCodec.encoder.encode(JSONValue.object(params)), as: UTF8.self)
            let outcome = try daemon.ctl(["--json", "call", method, text], uid: uid)
            return (outcome, try? JSONDecoder().decode(JSONValue.self, from: Data(outcome.stdout.utf8)))
        }

        static func decode<T: Decodable>(_ type: T.Type, _ outcome: Outcome) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(outcome.stdout.utf8))
        }

        /// A second school, Dale, with its own lead (the stranger's uid), a teacher and a coach in a pair,
        /// and a visit logged; returns its id.
        static func otherSchool(_ daemon: RunningDaemon, day: String) throws -> Int64 {
            func admin(_ method: String, _ params: [String: JSONValue]) throws -> Int64 {
                let (outcome, reply) = try call(daemon, method, params, uid: nil)
                #expect(outcome.status == 0, "\(method): \(outcome.stderr)")
                guard case .int(let id)? = reply?.objectValue?["id"] else { return -1 }
                return id
            }
            let school = try admin("schools.add", ["name": "Dale Secondary", "timeZone": "Europe/London"])
            _ = try admin(
                "people.add",
                ["name": "Dee Lead", "school": .int(school), "roles": ["lead"], "uid": .int(Int64(UID.stranger))])
            let teacher = try admin(
                "people.add", ["name": "Zed Elsewhere", "school": .int(school), "roles": ["teacher"], "uid": 62_101])
            let coach = try admin(
                "people.add", ["name": "Yan Elsewhere", "school": .int(school), "roles": ["coach"], "uid": 62_102])
            let pair = try admin("pairs.create", ["teacher": .int(teacher), "coach": .int(coach)])
            _ = try admin("cycles.start", ["pair": .int(pair), "focus": "Dale focus"])
            _ = try admin("dropins.log", ["pair": .int(pair), "start": .string("\(day)T09:00"), "minutes": 10])
            return school
        }

        /// School A's cycle: a visit on `day`, its conversation, one adaptation. Returns the drop-in id.
        static func cycle(_ daemon: RunningDaemon, day: String) throws -> Int64 {
            #expect(try daemon.ctl(["cycle", "start", "--focus", "FOCUS-TEXT"], uid: UID.teacher).status == 0)
            // A visit already held: booked in the past through the API (coachctl's invite books only what is to come).
            let mine = try daemon.ctl(["--json", "call", "pairs.list", #"{"mine":true}"#], uid: UID.teacher)
            let pair = try #require(try decode(PairList.self, mine).pairs.first?.id)
            let booked = try daemon.ctl(
                ["--json", "call", "dropins.schedule", #"{"pair":\#(pair),"start":"\#(day)T10:00","minutes":12}"#],
                uid: UID.teacher)
            #expect(booked.status == 0, "\(booked.stderr)")
            let dropIn = try booked.json(ScheduledDropIn.self).id
            #expect(
                try daemon.ctl(["dropin", "done", "\(dropIn)", "--notes", "NOTE-TEXT"], uid: UID.coach).status == 0)
            #expect(
                try daemon.ctl(["followup", "done", "\(dropIn)", "--notes", "TALK-TEXT"], uid: UID.teacher).status == 0)
            #expect(try daemon.ctl(["adaptation", "set", "ADAPT-TEXT"], uid: UID.teacher).status == 0)
            return dropIn
        }

        @Test func lead_seesEveryFigureOfTheirSchool_andNothingOfAnother() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let day = recentWeekday()
            let dale = try Self.otherSchool(daemon, day: day)
            _ = try Self.cycle(daemon, day: day)
            let from = AccessEndToEndTests.shift(day, by: -20)
            let to = AccessEndToEndTests.shift(day, by: 20)

            let (statusOut, _) = try Self.call(daemon, "schools.status", ["school": .int(school.id)], uid: UID.lead)
            #expect(statusOut.status == 0, "\(statusOut.stderr)")
            let status = try Self.decode(SchoolStatus.self, statusOut)
            #expect(status.pairs == 1)
            #expect(status.schoolName == "Hill Primary")

            let (coverageOut, _) = try Self.call(daemon, "coverage.list", ["school": .int(school.id)], uid: UID.lead)
            #expect(coverageOut.status == 0, "\(coverageOut.stderr)")
            let coverage = try Self.decode(CoverageList.self, coverageOut)
            // Bo has never been seen (and has no pair), so comes first; Ada was seen on `day`.
            #expect(coverage.items.map(\.teacherName) == ["Bo Teacher", "Ada Teacher"])
            #expect(coverage.items.first?.lastDropIn == nil)
            #expect(coverage.items.last?.lastDropIn == day)
            #expect(coverage.items.last?.pair == school.pair)
            #expect(coverage.items.last?.coachName == "Cy Coach")
            #expect(coverage.items.last?.next?.kind == "dropin")

            let (reportOut, _) = try Self.call(
                daemon, "reports.summary", ["school": .int(school.id), "from": .string(from), "to": .string(to)],
                uid: UID.lead)
            #expect(reportOut.status == 0, "\(reportOut.stderr)")
            let report = try Self.decode(ReportSummary.self, reportOut)
            #expect(report.totals.dropinsDone == 1)
            #expect(report.totals.followupsDone == 1)
            #expect(report.totals.followupsInWindow == 1)
            #expect(report.totals.adaptationsSet == 1)
            #expect(report.totals.cyclesStarted == 1)
            #expect(report.byPair.map(\.pair) == [school.pair])
            #expect(report.byPair.first?.teacherName == "Ada Teacher")
            #expect(report.byCoach.map(\.coachName) == ["Cy Coach"])

            // No text, and nothing of Dale, in anything the lead read.
            for out in [statusOut, coverageOut, reportOut] {
                for text in ["FOCUS-TEXT", "NOTE-TEXT", "TALK-TEXT", "ADAPT-TEXT", "Elsewhere", "Dale"] {
                    #expect(!out.stdout.contains(text), "\(text) in \(out.stdout)")
                }
            }

            // Another school, or one that does not exist: the same refusal, in the same words.
            for (method, extra) in [
                ("schools.status", [:]), ("coverage.list", [:]),
                ("reports.summary", ["from": JSONValue.string(from), "to": .string(to)]),
            ] as [(String, [String: JSONValue])] {
                for id in [dale, 9_999] {
                    var params = extra
                    params["school"] = .int(id)
                    let (outcome, reply) = try Self.call(daemon, method, params, uid: UID.lead)
                    #expect(outcome.status == 1)
                    #expect(reply?.errorName == "PermissionDenied", "\(method) \(id): \(outcome.stdout)")
                    #expect(reply?.errorMessage == "school \(id) was not found or is not yours", "\(outcome.stdout)")
                }
                // Dale's lead is refused Hill's figures.
                var params = extra
                params["school"] = .int(school.id)
                let (outcome, reply) = try Self.call(daemon, method, params, uid: UID.stranger)
                #expect(reply?.errorName == "PermissionDenied", "\(method) as Dale's lead: \(outcome.stdout)")
            }
            // Dale's lead sees Dale's visit, and only that.
            let (daleOut, _) = try Self.call(
                daemon, "reports.summary", ["school": .int(dale), "from": .string(from), "to": .string(to)],
                uid: UID.stranger)
            let daleReport = try Self.decode(ReportSummary.self, daleOut)
            #expect(daleReport.totals.dropinsDone == 1)
            #expect(daleReport.byPair.map(\.teacherName) == ["Zed Elsewhere"])

            // Every school in one report: an admin's (root's), with each school's totals and no text;
            // a lead is refused it, whatever they oversee.
            let span: [String: JSONValue] = ["from": .string(from), "to": .string(to), "allSchools": .bool(true)]
            let (allOut, _) = try Self.call(daemon, "reports.summary", span, uid: nil)
            #expect(allOut.status == 0, "\(allOut.stderr)")
            let all = try Self.decode(ReportSummary.self, allOut)
            #expect(all.bySchool?.map(\.schoolName) == ["Dale Secondary", "Hill Primary"])
            #expect(all.bySchool?.map(\.dropinsDone) == [1, 1] && all.totals.dropinsDone == 2)
            #expect(all.byPair.isEmpty && all.byCoach.isEmpty)
            for text in ["FOCUS-TEXT", "NOTE-TEXT", "TALK-TEXT", "ADAPT-TEXT", "Zed", "Ada"] {
                #expect(!allOut.stdout.contains(text), "\(text) in \(allOut.stdout)")
            }
            for uid in [UID.lead, UID.stranger, UID.teacher] {
                let (refused, reply) = try Self.call(daemon, "reports.summary", span, uid: uid)
                #expect(refused.status == 1 && reply?.errorName == "PermissionDenied", "\(refused.stdout)")
            }
        }

        @Test func teachersAgenda_showsOnlyTheirOwn() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            // Bo gets a pair with the same coach, and both teachers book a visit a week ahead.
            let (pairOut, pairReply) = try Self.call(
                daemon, "pairs.create", ["teacher": .int(school.otherTeacher), "coach": .int(school.coach)], uid: nil)
            #expect(pairOut.status == 0, "\(pairOut.stderr)")
            guard case .int(let boPair)? = pairReply?.objectValue?["id"] else {
                Issue.record("no pair id: \(pairOut.stdout)")
                return
            }
            let ahead = AccessEndToEndTests.shift(recentWeekday(), by: 7)
            #expect(try daemon.ctl(["cycle", "start", "--focus", "one"], uid: UID.teacher).status == 0)
            #expect(try daemon.ctl(["cycle", "start", "--focus", "two"], uid: UID.otherTeacher).status == 0)
            #expect(try daemon.ctl(["invite", "--at", "\(ahead)T10:00"], uid: UID.teacher).status == 0)
            #expect(try daemon.ctl(["invite", "--at", "\(ahead)T11:00"], uid: UID.otherTeacher).status == 0)
            let range: [String: JSONValue] = [
                "from": .string(AccessEndToEndTests.shift(ahead, by: -7)),
                "to": .string(AccessEndToEndTests.shift(ahead, by: 1)),
            ]

            let (mine, _) = try Self.call(daemon, "agenda.list", range, uid: UID.teacher)
            #expect(mine.status == 0, "\(mine.stderr)")
            let agenda = try Self.decode(AgendaList.self, mine)
            #expect(agenda.person == school.teacher)
            #expect(agenda.items.map(\.pair) == [school.pair])
            #expect(agenda.items.first?.kind == "dropin")
            #expect(agenda.items.first?.start?.hasPrefix("\(ahead)T10:00") == true)
            #expect(!mine.stdout.contains("Bo Teacher"))

            // Bo's agenda is not Ada's to read (nor is a person who does not exist).
            for id in [school.otherTeacher, 9_999] {
                var params = range
                params["person"] = .int(id)
                let (outcome, reply) = try Self.call(daemon, "agenda.list", params, uid: UID.teacher)
                #expect(reply?.errorName == "PermissionDenied", "\(outcome.stdout)")
                #expect(reply?.errorMessage == "person \(id) was not found or is not yours")
            }
            // The coach's agenda holds both visits, soonest first; the lead may read Bo's.
            let (coach, _) = try Self.call(daemon, "agenda.list", range, uid: UID.coach)
            #expect(try Self.decode(AgendaList.self, coach).items.map(\.pair) == [school.pair, boPair])
            var bo = range
            bo["person"] = .int(school.otherTeacher)
            let (lead, _) = try Self.call(daemon, "agenda.list", bo, uid: UID.lead)
            #expect(try Self.decode(AgendaList.self, lead).items.map(\.pair) == [boPair])

            // Reports: a coach on themselves, a teacher on their pair; nobody on someone else's.
            let day = recentWeekday()
            let span: [String: JSONValue] = ["from": .string(day), "to": .string(ahead)]
            var asCoach = span
            asCoach["coach"] = .int(school.coach)
            let (coachReport, _) = try Self.call(daemon, "reports.summary", asCoach, uid: UID.coach)
            #expect(try Self.decode(ReportSummary.self, coachReport).byPair.count == 2)
            let (teacherOnCoach, denied) = try Self.call(daemon, "reports.summary", asCoach, uid: UID.teacher)
            #expect(denied?.errorName == "PermissionDenied", "\(teacherOnCoach.stdout)")
            var ownPair = span
            ownPair["pair"] = .int(school.pair)
            let (teacherReport, _) = try Self.call(daemon, "reports.summary", ownPair, uid: UID.teacher)
            #expect(try Self.decode(ReportSummary.self, teacherReport).byPair.map(\.pair) == [school.pair])
            var otherPair = span
            otherPair["pair"] = .int(boPair)
            let (_, refused) = try Self.call(daemon, "reports.summary", otherPair, uid: UID.teacher)
            #expect(refused?.errorName == "PermissionDenied")
            let (_, wholeSchool) = try Self.call(daemon, "reports.summary", span, uid: UID.teacher)
            #expect(wholeSchool?.errorName == "PermissionDenied")
        }

        @Test func dueList_fromTo_keepsOnlyItemsDueInTheRange() throws {
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let ahead = AccessEndToEndTests.shift(recentWeekday(), by: 7)
            _ = try Self.call(daemon, "cycles.start", ["pair": .int(school.pair), "focus": "questioning"], uid: nil)
            let (booked, _) = try Self.call(
                daemon, "dropins.schedule", ["pair": .int(school.pair), "start": .string("\(ahead)T10:00")], uid: nil)
            #expect(booked.status == 0, "\(booked.stderr)")
            let (inside, _) = try Self.call(
                daemon, "due.list", ["from": .string(ahead), "to": .string(ahead)], uid: nil)
            #expect(try Self.decode(DueList.self, inside).items.map(\.pair) == [school.pair])
            let before = AccessEndToEndTests.shift(ahead, by: -1)
            let (outside, _) = try Self.call(daemon, "due.list", ["to": .string(before)], uid: nil)
            #expect(try Self.decode(DueList.self, outside).items.isEmpty)
            // The unranged question right after is not answered from the ranged one.
            let (all, _) = try Self.call(daemon, "due.list", [:], uid: nil)
            #expect(try Self.decode(DueList.self, all).items.count == 1)
        }
    }
}
