import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import PropertyBased
import Testing

@testable import CoachDaemon

/// Every method of the API, called by every kind of caller with params drawn from extreme values
/// (integers at their limits, dates at the ends of the calendar, texts with NULs, escapes, a
/// hundred thousand combining marks) mixed with ordinary ones so the deeper rules are reached too,
/// through the real dispatcher and a real store. What must hold for every call: the process is
/// still here (a trap ends the test run), the reply is a result or a client error (never an
/// internal one), and a refused call stores nothing.
@Suite("Every method with extreme params (property-based)")
struct ExtremeParamsPropertyTests {
    /// Values a field may get: extremes first, then values that make a call get further.
    static let pool: [JSONValue] = {
        var values: [JSONValue] = [
            .int(.min), .int(.max), .int(-1), .int(0), .int(1), .int(2), .int(3), .int(4), .int(15), .int(16),
            .int(Int64(Int32.max)), .int(Int64(Int32.max) + 1), .int(1 << 53), .int(-(1 << 53)),
            .double(1e308), .double(-1e308), .double(0.5),
            .bool(true), .bool(false), .null, [], [:], ["teacher"], ["teacher", "coach", "lead"], ["nope"],
            "", " ", "\u{0}", "x\u{0}y", "\u{1B}[2J\u{1B}]0;title\u{7}", "\u{202E}gnp.exe", "\r\n",
            .string(String(repeating: "a", count: 70_000)),
            .string("a" + String(repeating: "\u{0301}", count: 20_000)),
            "9999-12-31", "0000-01-01", "0001-01-01", "2026-02-30", "2026-11-24", "2026-11-23", "2027-07-31",
            "9999-12-31T23:59:59+23:59", "0001-01-01T00:00:00-23:59", "2026-11-24T10:00", "2026-11-24T10:00:00Z",
            "2026-11-23T10:00:00.99999999999999999999Z", "2026-11-24T25:00", "+8:30", "08:30", "15:30", "24:00",
            "Europe/London", "UTC", "Europe/London\u{0}", "../../etc/passwd", "root", "teacher", "embedded",
            "snapshot-00000000-0000-0000-0000-000000000000", "Hill",
        ]
        values.append(.array(Array(repeating: "teacher", count: 5_000)))
        return values
    }()

    /// An ordinary value for a member, by name: half the draws use it, so a call with one extreme
    /// member and ordinary others gets past the first check to the rules behind it.
    static let ordinary: [String: JSONValue] = [
        "pair": 1, "dropin": 1, "adaptation": 1, "school": 1, "teacher": 1, "coach": 2, "person": 1,
        "start": "2026-11-24T10:00", "from": "2026-11-24", "to": "2026-11-30", "minutes": 10, "focus": "ok",
        "notes": "ok", "text": "ok", "name": "Ok Name", "reason": "ok", "timeZone": "Europe/London",
        "roles": ["teacher"], "outcome": "embedded", "closePrevious": "embedded", "uid": 7001, "login": "root",
        "offset": 0, "length": 4096, "schoolDays": 5, "dayStart": "08:30", "dayEnd": "15:30", "overdueOnly": true,
        "mine": true,
    ]

    static let peers = [Peers.admin, Peers.teacher, Peers.coach, Peers.lead, Peers.otherLead, Peers.stranger]

    /// The params members each method declares.
    static let fields: [String: [String]] = {
        var fields: [String: [String]] = [:]
        for method in CoachAPI.methods {
            func names<M: RPCMethod>(_: M.Type) -> [String] { M.Params.fields.map(\.name) }
            fields[method.name] = names(method)
        }
        return fields
    }()

    /// The seeded fixture with a focus agreed (so drop-ins can be booked and the checks behind that
    /// are reached), renewed after every call that changed something. Cases run one at a time.
    final class World: @unchecked Sendable {
        private(set) var current: HostileCallerTests.Dispatch
        init() async throws { current = try await Self.make() }
        func renew() async throws { current = try await Self.make() }
        static func make() async throws -> HostileCallerTests.Dispatch {
            let d = try await HostileCallerTests.Dispatch()
            _ = try await d.fixture.service.cyclesStart(.init(pair: d.fixture.pair, focus: "f"), Peers.teacher)
            return d
        }
    }

    @Test(arguments: CoachAPI.methods.map { $0.name })
    func extremeParams_neverCrashOrFailInternally_andRefusalsStoreNothing(method: String) async throws {
        let world = try await World()
        let fields = Self.fields[method] ?? []
        // For each declared member: an index into the pool; one past it: left out; beyond: ordinary.
        let choices = Gen.int(in: 0...(Self.pool.count * 2)).array(of: fields.count)
        let peer = Gen.int(in: 0..<Self.peers.count)
        // Members nobody declared are sent too, now and then.
        let stray = Gen.bool(0.1)
        await propertyCheck(count: 60, input: choices, peer, stray) { choices, peer, stray in
            var params: [String: JSONValue] = [:]
            for (field, choice) in zip(fields, choices) where choice != Self.pool.count {
                params[field] = choice < Self.pool.count ? Self.pool[choice] : Self.ordinary[field] ?? .int(1)
            }
            if stray { params["unexpected"] = .int(.max) }
            let d = world.current
            let before = try? await d.fixture.store.read { try $0.count(of: .history) }
            let error = await d.call(method, params, as: Self.peers[peer])
            if error == nil {
                // The state moved on (a drop-in booked, say): the next case starts from the seeded
                // one again, so every case can reach the checks behind that state.
                try? await world.renew()
            }
            if let error {
                #expect(
                    ![.internalError, .storeUnavailable, .parseError, .invalidRequest].contains(error.name),
                    "\(method) as uid \(Self.peers[peer].uid) with \(params.keys.sorted()): \(error)")
                let after = try? await d.fixture.store.read { try $0.count(of: .history) }
                #expect(before == after, "\(method) was refused (\(error.name)) but changed the history")
            }
        }
    }
}
