import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 14's agreements and shared themes as real Unix users: the trust lead never sees an
    /// agreement or an unshared theme, sees a theme once both heads consented and not after one
    /// withdraws; a head never sees another pair's agreement or themes.
    @Suite("End to end: agreements and shared themes", .serialized)
    struct PeerGroupsEndToEndTests {
        static let headA: UInt32 = 63001
        static let headB: UInt32 = 63002
        static let headC: UInt32 = 63003
        static let headD: UInt32 = 63004
        static let trustLead: UInt32 = 63100

        static func call(_ daemon: RunningDaemon, _ method: String, _ params: [String: JSONValue], uid: UInt32?) throws
            -> Outcome
        {
            let text = String(decoding: try RPCCodec.encoder.encode(JSONValue.object(params)), as: UTF8.self)
            return try daemon.ctl(["--json", "call", method, text], uid: uid)
        }

        /// Calls as an admin and returns the result's `id`.
        static func admin(_ daemon: RunningDaemon, _ method: String, _ params: [String: JSONValue]) throws -> Int64 {
            let outcome = try call(daemon, method, params, uid: nil)
            #expect(outcome.status == 0, "\(method): \(outcome.stderr)")
            return (try? outcome.json(CreatedID.self).id) ?? -1
        }

        /// Two regions, a school with a head in each of four schools (A and C North, B and D South),
        /// the trust lead; pairs A–B and C–D. Returns the two pairs' ids.
        static func trust(_ daemon: RunningDaemon) throws -> (ab: Int64, cd: Int64) {
            let north = try admin(daemon, "regions.add", ["name": "North"])
            let south = try admin(daemon, "regions.add", ["name": "South"])
            var heads: [UInt32: Int64] = [:]
            for (uid, region) in [(headA, north), (headB, south), (headC, north), (headD, south)] {
                let school = try admin(
                    daemon, "schools.add", ["name": .string("School \(uid)"), "timeZone": "Europe/London"])
                _ = try call(daemon, "schools.setRegion", ["school": .int(school), "region": .int(region)], uid: nil)
                let head = try admin(
                    daemon, "people.add",
                    [
                        "name": .string("Head \(uid)"), "school": .int(school), "roles": ["head"],
                        "uid": .int(Int64(uid)),
                    ])
                #expect(
                    try call(daemon, "people.accredit", ["person": .int(head), "on": "2026-09-01"], uid: nil).status
                        == 0)
                heads[uid] = head
                if uid == headA {
                    _ = try admin(
                        daemon, "people.add",
                        [
                            "name": "Tess Trust", "school": .int(school), "roles": ["trustlead"],
                            "uid": .int(Int64(trustLead)),
                        ])
                }
            }
            let ab = try admin(daemon, "peers.create", ["a": .int(heads[headA]!), "b": .int(heads[headB]!)])
            let cd = try admin(daemon, "peers.create", ["a": .int(heads[headC]!), "b": .int(heads[headD]!)])
            return (ab, cd)
        }

        @Test func trustLead_seesOnlyThemesBothHeadsShare_andNoHeadSeesAnotherPairs() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let (ab, cd) = try Self.trust(daemon)
            let agreementText = "AGREEMENT-\(UUID().uuidString.prefix(8))"
            let themeText = "THEME-\(UUID().uuidString.prefix(8))"

            let set = try Self.call(
                daemon, "agreements.set", ["peer": .int(ab), "text": .string(agreementText)], uid: Self.headA)
            #expect(set.status == 0, "\(set.stderr)")
            let agreement = try set.json(CreatedID.self).id
            let accepted = try Self.call(daemon, "agreements.accept", ["agreement": .int(agreement)], uid: Self.headB)
            #expect(accepted.status == 0, "\(accepted.stderr)")
            #expect(try accepted.json(AgreementInfo.self).active)

            let theme = try Self.call(
                daemon, "themes.add", ["peer": .int(ab), "kind": "theme", "text": .string(themeText)], uid: Self.headA)
            #expect(theme.status == 0, "\(theme.stderr)")
            let themeID = try theme.json(CreatedID.self).id

            /// What the trust lead's list and every read of the agreement show them, and other heads.
            func outsidersSee(_ text: String) throws -> Bool {
                var seen = false
                for uid in [Self.trustLead, Self.headC] {
                    for (method, params) in [
                        ("themes.list", [:]), ("agreements.list", ["peer": JSONValue.int(ab)]),
                        ("agreements.accept", ["agreement": .int(agreement)]),
                        ("themes.consent", ["theme": .int(themeID), "consent": true]),
                    ] as [(String, [String: JSONValue])] {
                        let outcome = try Self.call(daemon, method, params, uid: uid)
                        if uid == Self.headC, method != "themes.list" {
                            #expect(outcome.status != 0, "head C \(method) on another pair's: \(outcome.stdout)")
                        }
                        seen = seen || outcome.stdout.contains(text) || outcome.stderr.contains(text)
                    }
                }
                return seen
            }
            /// Whether the trust lead's list holds the theme.
            func trustLeadSees() throws -> Bool {
                let outcome = try Self.call(daemon, "themes.list", [:], uid: Self.trustLead)
                #expect(outcome.status == 0, "\(outcome.stderr)")
                return try outcome.json(ThemeList.self).themes.contains { $0.text == themeText }
            }

            #expect(try !outsidersSee(agreementText))
            #expect(try !outsidersSee(themeText))
            #expect(
                try Self.call(daemon, "themes.consent", ["theme": .int(themeID), "consent": true], uid: Self.headA)
                    .status == 0)
            #expect(try !trustLeadSees())
            #expect(
                try Self.call(daemon, "themes.consent", ["theme": .int(themeID), "consent": true], uid: Self.headB)
                    .status == 0)
            #expect(try trustLeadSees())
            // Head C still sees nothing of pair A–B's: their own list holds only their pair's.
            let cList = try Self.call(daemon, "themes.list", [:], uid: Self.headC)
            #expect(!cList.stdout.contains(themeText))
            #expect(try Self.call(daemon, "agreements.list", ["peer": .int(cd)], uid: Self.headC).status == 0)
            #expect(
                try Self.call(daemon, "themes.consent", ["theme": .int(themeID), "consent": false], uid: Self.headB)
                    .status == 0)
            #expect(try !trustLeadSees())
            #expect(try !outsidersSee(agreementText))
            // Both heads read their agreement back.
            let own = try Self.call(daemon, "agreements.list", ["peer": .int(ab)], uid: Self.headB)
            #expect(own.stdout.contains(agreementText))
            #expect(!daemon.log.contains(agreementText), "the daemon's log holds an agreement")
            #expect(!daemon.log.contains(themeText), "the daemon's log holds a theme")
        }
    }
}
