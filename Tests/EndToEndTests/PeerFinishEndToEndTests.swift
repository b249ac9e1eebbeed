import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 14, finishing the programme, as real Unix users: a supervision group's meeting falls
    /// due for the term (journalled, listed by `coachctl due` to its members and the trust lead, never
    /// to a head of another region or a school's lead), and a head cancels a peer session whose reason
    /// stays with the pair.
    @Suite("End to end: supervision due and cancelled peer sessions", .serialized)
    struct PeerFinishEndToEndTests {
        static let hal: UInt32 = 62_301
        static let ira: UInt32 = 62_302
        static let kim: UInt32 = 62_303
        static let max: UInt32 = 62_304
        static let tess: UInt32 = 62_305

        typealias P = PeerProgrammeEndToEndTests

        /// `day` moved by `days`, as YYYY-MM-DD.
        static func shift(_ day: String, _ days: Int) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            let date = formatter.date(from: day)!.addingTimeInterval(Double(days) * 86_400)
            return formatter.string(from: date)
        }

        @Test func supervisionFallsDue_forTheGroupAndTrustLead_andAHeadCancelsASession() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let hill = try School(daemon)
            let day = recentWeekday()
            let north = try P.admin(daemon, "regions.add", ["name": "North"])
            let south = try P.admin(daemon, "regions.add", ["name": "South"])
            try P.admin(daemon, "schools.setRegion", ["school": .int(hill.id), "region": .int(north)])
            let moor = try P.admin(
                daemon, "schools.add", ["name": "Moor", "timeZone": "Europe/London", "region": .int(north)])
            let dale = try P.admin(
                daemon, "schools.add", ["name": "Dale", "timeZone": "Europe/London", "region": .int(south)])
            var heads: [UInt32: Int64] = [:]
            for (name, school, uid) in [
                ("Hal Head", hill.id, Self.hal), ("Ira Head", dale, Self.ira), ("Kim Head", moor, Self.kim),
                ("Max Head", moor, Self.max),
            ] {
                heads[uid] = try P.admin(
                    daemon, "people.add",
                    ["name": .string(name), "school": .int(school), "roles": ["head"], "uid": .int(Int64(uid))])
                try P.admin(daemon, "people.accredit", ["person": .int(heads[uid]!), "on": "2026-07-01"])
            }
            try P.admin(
                daemon, "people.add",
                ["name": "Tess Trust", "school": .int(hill.id), "roles": ["trustlead"], "uid": .int(Int64(Self.tess))])
            // A term of two periods around today: the group's meeting is due from its first day.
            let first = Self.shift(day, -40)
            try P.admin(
                daemon, "periods.add",
                ["name": "Half 1", "term": "Term E2E", "from": .string(first), "to": .string(Self.shift(day, -25))])
            try P.admin(
                daemon, "periods.add",
                [
                    "name": "Half 2", "term": "Term E2E", "from": .string(Self.shift(day, -20)),
                    "to": .string(Self.shift(day, 30)),
                ])
            let (created, reply) = try P.call(
                daemon, "groups.create",
                [
                    "region": .int(north), "name": "North circle",
                    "members": [.int(heads[Self.hal]!), .int(heads[Self.kim]!), .int(heads[Self.max]!)],
                ], uid: Self.tess)
            #expect(created.status == 0, "\(created.stderr)")
            let group = try #require(AccessEndToEndTests.int(reply?.objectValue?["id"] ?? .null), "no group id")

            // The timer raises it once, with ids and dates only.
            var waited = 0
            while !daemon.log.contains("supervision.due") && waited < 50 {
                usleep(100_000)
                waited += 1
            }
            let raised = daemon.log.split(separator: "\n").filter { $0.contains("supervision.due") }
            #expect(raised.count == 1, "\(daemon.log)")
            #expect(raised.first?.contains("Hal Head") == false)

            // coachctl due: the group's name and the term, under the group's own headings.
            for uid in [Self.hal, Self.tess] {
                let due = try daemon.ctl(["due"], uid: uid)
                #expect(due.status == 0, "\(due.stderr)")
                #expect(
                    due.stdout.contains("SUPERVISION GROUP") && due.stdout.contains("North circle"), "\(due.stdout)")
                #expect(due.stdout.contains("Term E2E") && !due.stdout.contains("TEACHER"), "\(due.stdout)")
                #expect(due.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(due.stdout)")
            }
            for uid in [Self.ira, UID.lead] {
                let (seen, _) = try P.call(daemon, "due.list", [:], uid: uid)
                #expect(seen.status == 0 && !seen.stdout.contains("supervision"), "\(seen.stdout)")
            }
            let (json, _) = try P.call(daemon, "due.list", [:], uid: Self.kim)
            #expect(json.stdout.contains("\"group\"") && json.stdout.contains("\(group)"))

            // A meeting held today makes it done.
            let meeting = try P.admin(
                daemon, "groups.scheduleMeeting",
                ["group": .int(group), "start": .string("\(day)T08:00"), "minutes": 90])
            let (held, _) = try P.call(
                daemon, "groups.completeMeeting",
                ["meeting": .int(meeting), "attended": [.int(heads[Self.hal]!), .int(heads[Self.kim]!)]],
                uid: Self.kim)
            #expect(held.status == 0, "\(held.stderr)")
            let after = try daemon.ctl(["due"], uid: Self.hal)
            #expect(!after.stdout.contains("North circle"), "\(after.stdout)")

            // Hal and Ira's session is booked, then cancelled by Hal through coachctl.
            let (paired, pairReply) = try P.call(
                daemon, "peers.create", ["a": .int(heads[Self.hal]!), "b": .int(heads[Self.ira]!)], uid: Self.tess)
            #expect(paired.status == 0, "\(paired.stderr)")
            let pair = try #require(AccessEndToEndTests.int(pairReply?.objectValue?["id"] ?? .null), "no pair id")
            let create = try daemon.ctl(
                ["peer", "create", "\(heads[Self.kim]!)", "\(heads[Self.ira]!)"], uid: Self.tess)
            #expect(create.stdout.contains("Kim Head") && create.stdout.contains("Ira Head"), "\(create.stderr)")
            let (booked, bookReply) = try P.call(
                daemon, "sessions.schedule",
                [
                    "peer": .int(pair), "start": .string("\(Self.shift(day, 7))T10:00"), "mode": "video",
                    "firstCoach": .int(heads[Self.hal]!),
                ], uid: Self.ira)
            #expect(booked.status == 0, "\(booked.stderr)")
            let session = try #require(AccessEndToEndTests.int(bookReply?.objectValue?["id"] ?? .null), "no session")
            let reason = "CANCEL-REASON-\(UUID().uuidString.prefix(6))"
            // The trust lead is no head: refused before anything about the session is read; Kim, a head of
            // another pair, hears that it is not theirs.
            let refused = try daemon.ctl(["session", "cancel", "\(session)", "--reason", "no"], uid: Self.tess)
            #expect(refused.status == 1 && refused.stderr.contains("for heads"), "\(refused.stderr)")
            let stranger = try daemon.ctl(["session", "cancel", "\(session)", "--reason", "no"], uid: Self.kim)
            #expect(stranger.status == 1 && stranger.stderr.contains("not found or is not yours"), "\(stranger.stderr)")
            let cancelled = try daemon.ctl(["session", "cancel", "\(session)", "--reason", reason], uid: Self.hal)
            #expect(
                cancelled.status == 0 && cancelled.stdout.contains("Cancelled session \(session)"),
                "\(cancelled.stderr)")
            let again = try daemon.ctl(["session", "cancel", "\(session)", "--reason", "x"], uid: Self.ira)
            #expect(again.status == 1 && again.stderr.contains("already cancelled"), "\(again.stderr)")
            #expect(!again.stderr.contains("dropin"), "\(again.stderr)")
            let own = try daemon.ctl(["session", "list", "--peer", "\(pair)"], uid: Self.ira)
            #expect(own.stdout.contains("cancelled") && own.stdout.contains(reason), "\(own.stdout)")
            let overseen = try daemon.ctl(["session", "list", "--peer", "\(pair)"], uid: Self.tess)
            #expect(overseen.stdout.contains("cancelled") && !overseen.stdout.contains(reason), "\(overseen.stdout)")
            #expect(!daemon.log.contains(reason), "the daemon's log holds a cancellation reason")
            #expect(daemon.log.contains("session.cancelled"))
        }
    }
}
