import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 14 as real Unix users: two peer pairs of heads, a trust lead, a school lead and someone
    /// unknown. A head reads their own pair's session notes and never another pair's; the trust lead
    /// sees every pair's sessions and never a note; the lead and the stranger see nothing.
    @Suite("End to end: the heads' peer programme", .serialized)
    struct PeerProgrammeEndToEndTests {
        static let hal: UInt32 = 62_201
        static let ira: UInt32 = 62_202
        static let kim: UInt32 = 62_203
        static let lou: UInt32 = 62_204
        static let tess: UInt32 = 62_205

        static func call(_ daemon: RunningDaemon, _ method: String, _ params: [String: JSONValue], uid: UInt32?)
            throws -> (Outcome, JSONValue?)
        {
            try LeadsViewEndToEndTests.call(daemon, method, params, uid: uid)
        }

        /// Calls as an admin, expecting success; the result's id (or -1).
        @discardableResult
        static func admin(_ daemon: RunningDaemon, _ method: String, _ params: [String: JSONValue]) throws -> Int64 {
            let (outcome, reply) = try call(daemon, method, params, uid: nil)
            #expect(outcome.status == 0, "\(method): \(outcome.stderr)")
            guard case .int(let id)? = reply?.objectValue?["id"] else { return -1 }
            return id
        }

        @Test func headsReadOnlyTheirOwnNotes_theTrustLeadNone_othersNothing() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let hill = try School(daemon)
            let day = recentWeekday()
            let north = try Self.admin(daemon, "regions.add", ["name": "North"])
            let south = try Self.admin(daemon, "regions.add", ["name": "South"])
            try Self.admin(daemon, "schools.setRegion", ["school": .int(hill.id), "region": .int(north)])
            let moor = try Self.admin(
                daemon, "schools.add", ["name": "Moor", "timeZone": "Europe/London", "region": .int(north)])
            let dale = try Self.admin(
                daemon, "schools.add", ["name": "Dale", "timeZone": "Europe/London", "region": .int(south)])
            let vale = try Self.admin(
                daemon, "schools.add", ["name": "Vale", "timeZone": "Europe/London", "region": .int(south)])
            var heads: [UInt32: Int64] = [:]
            for (name, school, uid) in [
                ("Hal Head", hill.id, Self.hal), ("Ira Head", dale, Self.ira), ("Kim Head", moor, Self.kim),
                ("Lou Head", vale, Self.lou),
            ] {
                heads[uid] = try Self.admin(
                    daemon, "people.add",
                    ["name": .string(name), "school": .int(school), "roles": ["head"], "uid": .int(Int64(uid))])
                try Self.admin(daemon, "people.accredit", ["person": .int(heads[uid]!), "on": "2026-07-01"])
            }
            try Self.admin(
                daemon, "people.add",
                ["name": "Tess Trust", "school": .int(hill.id), "roles": ["trustlead"], "uid": .int(Int64(Self.tess))])

            // The trust lead pairs the heads across regions; a lead may not.
            let (leadRefused, _) = try Self.call(
                daemon, "peers.create", ["a": .int(heads[Self.hal]!), "b": .int(heads[Self.ira]!)], uid: UID.lead)
            #expect(leadRefused.status == 1 && leadRefused.stdout.contains("PermissionDenied"))
            var pairs: [Int64] = []
            for (a, b) in [(Self.hal, Self.ira), (Self.kim, Self.lou)] {
                let (outcome, reply) = try Self.call(
                    daemon, "peers.create", ["a": .int(heads[a]!), "b": .int(heads[b]!)], uid: Self.tess)
                #expect(outcome.status == 0, "\(outcome.stderr)")
                let id = try #require(AccessEndToEndTests.int(reply?.objectValue?["id"] ?? .null), "no pair id")
                pairs.append(id)
            }

            // Each pair records a session that happened this morning, with notes.
            let secrets = ["PEER-NOTE-A-\(UUID().uuidString.prefix(6))", "PEER-NOTE-B-\(UUID().uuidString.prefix(6))"]
            for (index, (booker, logger)) in [(Self.hal, Self.ira), (Self.kim, Self.lou)].enumerated() {
                let (booked, reply) = try Self.call(
                    daemon, "sessions.schedule",
                    [
                        "peer": .int(pairs[index]), "start": .string("\(day)T08:00"), "mode": "inPerson",
                        "firstCoach": .int(heads[booker]!),
                    ], uid: booker)
                #expect(booked.status == 0, "\(booked.stderr)")
                let session = try #require(AccessEndToEndTests.int(reply?.objectValue?["id"] ?? .null), "no session id")
                let (done, _) = try Self.call(
                    daemon, "sessions.complete", ["session": .int(session), "notes": .string(secrets[index])],
                    uid: logger)
                #expect(done.status == 0, "\(done.stderr)")
            }

            // The same through coachctl: a human table of names, and a booking with its two halves.
            let listed = try daemon.ctl(["peer", "list"], uid: Self.tess)
            #expect(listed.status == 0 && listed.stdout.contains("Hal Head") && listed.stdout.contains("South"))
            #expect(listed.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
            let suggested = try daemon.ctl(["peer", "suggest"], uid: Self.tess)
            #expect(suggested.status == 0 && suggested.stdout.contains("Head"), "\(suggested.stderr)")
            let booked = try daemon.ctl(
                [
                    "session", "schedule", "--peer", "\(pairs[0])", "--start", "\(day)T12:00", "--mode", "video",
                    "--first-coach", "\(heads[Self.ira]!)",
                ], uid: Self.hal)
            #expect(booked.status == 0 && booked.stdout.contains("Ira Head coaches Hal Head"), "\(booked.stderr)")
            let refused = try daemon.ctl(["session", "complete", "1"], uid: Self.kim)
            #expect(refused.status != 0 && refused.stderr.contains("not found or is not yours"), "\(refused.stderr)")

            // A head reads their own pair's notes, and of another pair hears "not found or is not yours".
            let (own, _) = try Self.call(daemon, "sessions.list", ["peer": .int(pairs[0])], uid: Self.hal)
            #expect(own.status == 0 && own.stdout.contains(secrets[0]), "\(own.stdout)")
            let (other, _) = try Self.call(daemon, "sessions.list", ["peer": .int(pairs[1])], uid: Self.hal)
            #expect(other.status == 1 && other.stdout.contains("not found or is not yours"), "\(other.stdout)")
            let (mine, _) = try Self.call(daemon, "peers.list", [:], uid: Self.hal)
            #expect(mine.stdout.contains("Ira Head") && !mine.stdout.contains("Kim Head"))

            // The trust lead sees both pairs' sessions, never a note.
            for pair in pairs {
                let (seen, reply) = try Self.call(daemon, "sessions.list", ["peer": .int(pair)], uid: Self.tess)
                #expect(seen.status == 0, "\(seen.stderr)")
                guard case .array(let sessions)? = reply?.objectValue?["sessions"] else {
                    Issue.record("no sessions: \(seen.stdout)")
                    continue
                }
                #expect(sessions.count == (pair == pairs[0] ? 2 : 1))
                #expect(secrets.allSatisfy { !seen.stdout.contains($0) })
            }
            // The school's lead and someone unknown see no pair and no session.
            for uid in [UID.lead, UID.stranger] {
                for pair in pairs {
                    let (seen, _) = try Self.call(daemon, "sessions.list", ["peer": .int(pair)], uid: uid)
                    #expect(seen.status == 1 && seen.stdout.contains("PermissionDenied"), "\(seen.stdout)")
                    #expect(secrets.allSatisfy { !seen.stdout.contains($0) && !seen.stderr.contains($0) })
                }
            }
            let (leadList, _) = try Self.call(daemon, "peers.list", [:], uid: UID.lead)
            #expect(leadList.status == 0 && !leadList.stdout.contains("Head"))
            #expect(secrets.allSatisfy { !daemon.log.contains($0) }, "the daemon's log holds a session note")
        }
    }
}
