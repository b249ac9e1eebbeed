import CoachDomain
import CoachRPC
import CoachRPCSocket
import CoachStore
import Foundation
import Logging
import Testing

@testable import CoachDaemon

/// Issue 10 through the real dispatcher (the method table with its access gate) and a real store:
/// a request can be refused, never crash the daemon; who may call is decided before params are
/// read; authority stops at the school; text is bounded and free of control characters.
@Suite("Hostile callers: through the dispatcher")
struct HostileCallerTests {
    /// The fixture's service behind the dispatcher the socket server uses.
    struct Dispatch {
        let fixture: ServiceFixture
        let dispatcher: CoachDispatcher

        init() async throws {
            var fixture = try await ServiceFixture()
            try await fixture.seed()
            self.fixture = fixture
            dispatcher = CoachDispatcher(
                table: try fixture.service.methodTable(connections: { 0 }),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        /// The reply's error, or nil on success.
        func call(_ method: String, _ params: [String: JSONValue], as peer: Peer) async -> RPCError? {
            let context = RPCContext(peer: PeerCredentials(pid: 1, uid: peer.uid, gid: peer.gid), connectionID: 1)
            do {
                _ = try await dispatcher.dispatch(
                    RPCRequest(method: method, id: .int(1), params: params), context: context)
                return nil
            } catch {
                return error
            }
        }
    }

    // MARK: 1. Arithmetic on a parameter before it is validated

    @Test(arguments: [Int64.max, Int64.min, Int64(Int32.max) * 60, -1, 0, 16, 1 << 53])
    func dropInMinutes_atTheExtremes_areRefusedNamingTheField(minutes: Int64) async throws {
        let d = try await Dispatch()
        _ = try await d.fixture.service.cyclesStart(.init(pair: d.fixture.pair, focus: "f"), Peers.teacher)
        let error = await d.call(
            "dropins.schedule",
            ["pair": .int(d.fixture.pair), "start": "2026-11-23T10:00", "minutes": .int(minutes)], as: Peers.teacher)
        #expect(error?.name == .invalidParams)
        #expect(error?.data?.field == "minutes")
        #expect(try await d.fixture.store.read { try $0.count(of: .dropin) } == 0)
    }

    // MARK: 6. Who may call, before the params are read

    @Test func aCallerWithNoRights_isDenied_beforeTheParamsAreLookedAt() async throws {
        let d = try await Dispatch()
        let hostile: [(String, [String: JSONValue])] = [
            ("people.add", ["name": "X", "school": 1, "roles": ["teacher"], "login": "no-such-user-here"]),
            ("people.add", ["name": "X", "school": 1, "roles": ["teacher"], "login": "root"]),
            ("schools.add", ["name": "X", "timeZone": "Europe/Nowhere\u{0}"]),
            ("schools.add", ["name": 12]),
            ("calendar.addClosure", ["school": 1, "from": "nonsense", "to": "2026-01-01", "reason": "x"]),
            ("pairs.create", ["teacher": "one"]),
            ("backup.read", ["backup": "x", "offset": .int(Int64.min)]),
        ]
        for (method, params) in hostile {
            for peer in [Peers.stranger, Peers.teacher] {
                let error = await d.call(method, params, as: peer)
                #expect(error?.name == .permissionDenied, "\(method) as uid \(peer.uid): \(String(describing: error))")
                #expect(!(error?.message.contains("there is no Unix user") ?? false))
            }
        }
        // The stranger is refused even methods every known person may call, whatever the params.
        #expect(await d.call("pairs.show", ["pair": "x"], as: Peers.stranger)?.name == .permissionDenied)
        #expect(await d.call("due.list", ["school": .int(Int64.max)], as: Peers.stranger)?.name == .permissionDenied)
        // The gate leaves the open methods open.
        #expect(await d.call("people.me", [:], as: Peers.stranger) == nil)
    }

    // MARK: 5. Authority stops at the school

    @Test func aLead_cannotPairTheirTeacher_withAnotherSchoolsCoach_norLearnTheirName() async throws {
        let d = try await Dispatch()
        let otherSchool: Int64 = 2
        let outsider = try await d.fixture.service.peopleAdd(
            .init(name: "Zed Outsider", school: otherSchool, roles: ["coach"], uid: 5101), Peers.admin
        ).id
        let error = await d.call(
            "pairs.create", ["teacher": .int(d.fixture.teacher), "coach": .int(outsider)], as: Peers.lead)
        #expect(error?.name == .permissionDenied)
        #expect(!(error?.message.contains("Zed") ?? true))
        // The same words whether the person exists or not.
        let missing = await d.call(
            "pairs.create", ["teacher": .int(d.fixture.teacher), "coach": 99_999], as: Peers.lead)
        #expect(missing?.message == error?.message.replacingOccurrences(of: "\(outsider)", with: "99999"))
        // Even an admin cannot make a pair across two schools.
        let admin = await d.call(
            "pairs.create", ["teacher": .int(d.fixture.teacher), "coach": .int(outsider)], as: Peers.admin)
        #expect(admin?.name == .invalidParams)
        #expect(admin?.data?.field == "coach")
    }

    @Test func errorsAboutAnotherSchool_sayNoMoreThanNotFoundOrNotYours() async throws {
        let d = try await Dispatch()
        // A uid already linked in another school: the lead is not told whose it is.
        let taken = await d.call(
            "people.add", ["name": "Dup", "school": .int(d.fixture.school), "roles": ["teacher"], "uid": 5005],
            as: Peers.lead)
        #expect(taken?.name == .conflict)
        #expect(!(taken?.message.contains("Di") ?? true), "\(String(describing: taken))")
        // Another school's calendar, people and pairs: the same refusal as for ids that do not exist.
        for (method, params) in [
            (
                "calendar.addClosure",
                ["school": JSONValue.int(1), "from": "2026-12-01", "to": "2026-12-01", "reason": "x"]
            ),
            ("people.list", ["school": .int(1)]),
            ("calendar.schoolDays", ["school": .int(1), "from": "2026-12-01", "to": "2026-12-02"]),
        ] {
            let real = await d.call(method, params, as: Peers.otherLead)
            var ghostParams = params
            ghostParams["school"] = 4242
            let ghost = await d.call(method, ghostParams, as: Peers.otherLead)
            #expect(real?.name == .permissionDenied, "\(method)")
            #expect(
                real?.message.contains("not found or is not yours") == true, "\(method): \(String(describing: real))")
            #expect(real?.message.replacingOccurrences(of: "1", with: "4242") == ghost?.message, "\(method)")
        }
        let otherPair = await d.call("pairs.show", ["pair": .int(d.fixture.pair)], as: Peers.otherTeacher)
        let noPair = await d.call("pairs.show", ["pair": 777], as: Peers.otherTeacher)
        #expect(otherPair?.name == .permissionDenied)
        #expect(noPair?.name == .permissionDenied)
        #expect(otherPair?.message.replacingOccurrences(of: "\(d.fixture.pair)", with: "777") == noPair?.message)
    }

    @Test func aClash_withAnotherPairsBooking_doesNotShowItsTimeOrId() async throws {
        let d = try await Dispatch()
        let service = d.fixture.service
        let pairs = try await service.pairsList(.init(), Peers.admin).pairs.map(\.id)
        let bosPair = try #require(pairs.first { $0 != d.fixture.pair })
        _ = try await service.cyclesStart(.init(pair: d.fixture.pair, focus: "f"), Peers.teacher)
        _ = try await service.cyclesStart(.init(pair: bosPair, focus: "f"), Peers.otherTeacher)
        let adas = try await service.dropInsSchedule(
            .init(pair: d.fixture.pair, start: "2026-11-24T10:00"), Peers.teacher)
        let clash = await d.call(
            "dropins.schedule", ["pair": .int(bosPair), "start": "2026-11-24T10:05", "minutes": 5],
            as: Peers.otherTeacher)
        #expect(clash?.name == .conflict)
        #expect(!(clash?.message.contains("10:00") ?? true))
        #expect(!(clash?.message.contains("drop-in \(adas.id)") ?? true))
        // The admin is told which booking it is.
        let told = await d.call(
            "dropins.schedule", ["pair": .int(bosPair), "start": "2026-11-24T10:05", "minutes": 5], as: Peers.admin)
        #expect(told?.message.contains("drop-in \(adas.id)") == true)
    }

    // MARK: 7. Text that lies

    @Test func texts_withControlCharacters_orTooManyBytes_areRefused() async throws {
        let d = try await Dispatch()
        let pair = JSONValue.int(d.fixture.pair)
        let zalgo = "a" + String(repeating: "\u{0301}", count: 100_000)
        let refused: [(String, [String: JSONValue], String)] = [
            ("cycles.start", ["pair": pair, "focus": "wait\u{0}time"], "focus"),
            ("cycles.start", ["pair": pair, "focus": "\u{1B}[2Jcleared"], "focus"),
            ("cycles.start", ["pair": pair, "focus": .string(zalgo)], "focus"),
            ("people.add", ["name": "Eve\u{1B}]0;owned\u{7}", "school": 1, "roles": ["teacher"], "uid": 6001], "name"),
            ("people.add", ["name": "Bob\nRoot", "school": 1, "roles": ["teacher"], "uid": 6002], "name"),
            ("people.add", ["name": "evil\u{202E}txt.exe", "school": 1, "roles": ["teacher"], "uid": 6003], "name"),
            ("people.add", ["name": "Lo", "school": 1, "roles": ["teacher"], "login": "root\u{0}x"], "login"),
            ("schools.add", ["name": "Z", "timeZone": "Europe/London\u{0}"], "timeZone"),
            ("schools.add", ["name": "Z", "timeZone": "UTC", "dayStart": "+8:30"], "dayStart"),
            (
                "calendar.addClosure", ["school": 1, "from": "2026-12-01", "to": "2026-12-01", "reason": "a\tb"],
                "reason"
            ),
        ]
        for (method, params, field) in refused {
            let error = await d.call(method, params, as: Peers.admin)
            #expect(error?.name == .invalidParams, "\(method) \(field): \(String(describing: error))")
            #expect(error?.data?.field == field, "\(method): \(String(describing: error))")
            #expect(!(error?.message.contains("\u{1B}") ?? false))
        }
        // Line breaks and tabs stay in free text, intact.
        #expect(
            await d.call("cycles.start", ["pair": pair, "focus": "line one\n\tline two"], as: Peers.teacher) == nil)
        let shown = try await d.fixture.service.pairsShow(.init(pair: d.fixture.pair), Peers.teacher)
        #expect(shown.pair.focus == "line one\n\tline two")
    }

    @Test func timeOfDay_isTwoDigitsColonTwoDigits() {
        #expect(LocalTime("+8:30") == nil)
        #expect(LocalTime("-1:30") == nil)
        #expect(LocalTime(" 8:30") == nil)
        #expect(LocalTime("٠٨:٣٠") == nil)
        #expect(LocalTime("08:30")?.minutes == 510)
    }
}
