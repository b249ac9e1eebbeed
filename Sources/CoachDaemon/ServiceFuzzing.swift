import CoachRPC
import CoachRPCSocket
import CoachStore
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The service-level fuzz target (issue 10): each input is a short script of requests run through
/// the real dispatcher (access gate, params decoding, handlers) against a real SQLite store seeded
/// with two schools, their people and pairs. Everything a request computes from its params is
/// reached; a trap anywhere ends the process, which libFuzzer reports as a finding.
///
/// An input is lines. A line starting with `~` moves the clock on by its second byte in hours.
/// Any other line is one request: its first byte chooses the caller (`0`…`6`: admin, teacher,
/// coach, lead, another teacher, another school's lead, a stranger), its second the method (`A`…,
/// in name order), and the rest is the params object as JSON text, parsed by the real parser.
///
/// Properties checked for every request: the reply is a result or a client's error — never
/// `InternalError` or `StoreUnavailable` — and a refused request left the history as it was.
public enum ServiceFuzzing {
    static let peers: [Peer] = [
        Peer(uid: 0, gid: 0), Peer(uid: 5001, gid: 5001), Peer(uid: 5002, gid: 5002), Peer(uid: 5003, gid: 5003),
        Peer(uid: 5004, gid: 5004), Peer(uid: 5005, gid: 5005), Peer(uid: 5999, gid: 5999),
    ]
    /// Monday 23 November 2026, 09:00 in London.
    static let monday = Date(timeIntervalSince1970: 1_795_424_400)
    static let methods = CoachAPI.methods.map { $0.name }.sorted()

    /// Runs one input; stops the process with a message when a property fails.
    public static func check(_ input: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        let broken = NIOLockedValueBox<[String]>([])
        Task {
            let world = await run(input)
            broken.withLockedValue { $0 = world.violations }
            done.signal()
        }
        done.wait()
        if let first = broken.withLockedValue({ $0.first }) { fatalError("service fuzz property broken: \(first)") }
    }

    /// The seed inputs: every method called once by each caller with ordinary params, and the
    /// micro-cycle from focus to adaptation as one script.
    public static func seeds() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for (index, method) in methods.enumerated() {
            for peer in [0, 1, 2, 3, 6] {
                seeds.append(line(peer: peer, method: index, params: ordinary(for: method)))
            }
        }
        func call(_ peer: Int, _ method: String, _ params: String) -> [UInt8] {
            line(peer: peer, method: methods.firstIndex(of: method) ?? 0, params: params)
        }
        let cycle: [[UInt8]] = [
            call(1, "cycles.start", #"{"pair":1,"focus":"wait time"}"#),
            call(1, "dropins.schedule", #"{"pair":1,"start":"2026-11-23T10:00","minutes":15}"#),
            Array("~\u{2}".utf8),
            call(2, "dropins.complete", #"{"dropin":1,"notes":"seen"}"#),
            call(1, "followups.complete", #"{"dropin":1}"#),
            call(1, "adaptations.set", #"{"pair":1,"text":"pause","schoolDays":5}"#),
            call(3, "due.list", "{}"),
        ]
        seeds.append(Array(cycle.joined(separator: [UInt8(ascii: "\n")])))
        return seeds
    }

    static func line(peer: Int, method: Int, params: String) -> [UInt8] {
        [UInt8(ascii: "0") + UInt8(peer), UInt8(ascii: "A") + UInt8(method)] + Array(params.utf8)
    }

    /// Ordinary params for a method, from the names of its members.
    static func ordinary(for method: String) -> String {
        let values: [String: String] = [
            "pair": "1", "dropin": "1", "adaptation": "1", "school": "1", "teacher": "1", "coach": "2",
            "start": #""2026-11-24T10:00""#, "from": #""2026-11-24""#, "to": #""2026-11-30""#, "minutes": "10",
            "focus": #""f""#, "notes": #""n""#, "text": #""t""#, "name": #""N""#, "reason": #""r""#,
            "timeZone": #""Europe/London""#, "roles": #"["teacher"]"#, "outcome": #""embedded""#,
            "closePrevious": #""embedded""#, "uid": "7001", "login": #""root""#, "offset": "0", "length": "4096",
            "schoolDays": "5", "dayStart": #""08:30""#, "dayEnd": #""15:30""#, "overdueOnly": "true", "mine": "true",
            "backup": #""snapshot-x""#, "closure": "1", "term": "1", "status": #""booked""#,
            "at": #""2026-11-23T10:10""#, "includeEnded": "true", "includeInactive": "true",
        ]
        guard let type = CoachAPI.methods.first(where: { $0.name == method }) else { return "{}" }
        func names<M: RPCMethod>(_: M.Type) -> [String] { M.Params.fields.map(\.name) }
        let members = names(type).map { "\"\($0)\":\(values[$0] ?? "1")" }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Runs the script on a fresh world, and returns the world for a test to look at.
    @discardableResult
    static func run(_ input: [UInt8]) async -> World {
        let world: World
        do {
            world = try await World()
        } catch {
            fatalError("the fuzz world could not be set up: \(error)")
        }
        // At most 16 requests an input: deeper scripts add little and slow every execution.
        for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).prefix(16) {
            if line.first == UInt8(ascii: "~") {
                let hours = line.dropFirst().first.map { Double($0) } ?? 1
                world.clock.advance(seconds: hours * 3600)
                continue
            }
            guard line.count >= 2 else { continue }
            // Digits from `0` and letters from `A` read as they look, any byte counts.
            let peer = peers[Int(line[line.startIndex] &- UInt8(ascii: "0")) % peers.count]
            let method = methods[Int(line[line.startIndex + 1] &- UInt8(ascii: "A")) % methods.count]
            let text = Array(line.dropFirst(2))
            let params: [String: JSONValue]
            if text.isEmpty {
                params = [:]
            } else {
                // The params through the real parser, as the socket would hand them over.
                let envelope =
                    Array(#"{"jsonrpc":"2.0","id":1,"method":"x","params":"#.utf8) + text + [UInt8(ascii: "}")]
                guard case .single(.request(let request)) = RPCCodec.parse(envelope) else { continue }
                params = request.params
            }
            await world.call(method, params, peer, input: input)
        }
        // Snapshots an input took are files: never let them pile up over millions of executions.
        await world.service.backups.removeLeftovers()
        return world
    }

    /// A seeded service on an in-memory store, with a clock the input moves.
    final class World: Sendable {
        let clock = FuzzClock(ServiceFuzzing.monday)
        let store: SQLiteStore
        let service: CoachService
        let dispatcher: CoachDispatcher
        /// Properties the script broke (a test reports them; the fuzzer traps on the first).
        private let broken = NIOLockedValueBox<[String]>([])
        var violations: [String] { broken.withLockedValue { $0 } }

        init() async throws {
            store = try SQLiteStore()
            let clock = self.clock
            let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
            let timer = DueTimer(store: store, logger: logger, now: { clock.now })
            var configuration = DaemonConfiguration()
            configuration.stateDirectory = NSTemporaryDirectory() + "coachd-fuzz-\(getpid())"
            try await timer.load(policy: configuration.policy)
            service = CoachService(
                store: store, timer: timer, configuration: configuration,
                admins: AdminPolicy(daemonUID: 4242, adminGroup: nil), now: { clock.now }, logger: logger,
                version: "fuzz")
            dispatcher = CoachDispatcher(table: try service.methodTable(connections: { 0 }), logger: logger)
            let admin = peers[0]
            let hill = try await service.schoolsAdd(.init(name: "Hill", timeZone: "Europe/London"), admin).id
            let dale = try await service.schoolsAdd(.init(name: "Dale", timeZone: "America/New_York"), admin).id
            let teacher = try await service.peopleAdd(
                .init(name: "Ada", school: hill, roles: ["teacher"], uid: 5001), admin
            ).id
            let coach = try await service.peopleAdd(.init(name: "Cy", school: hill, roles: ["coach"], uid: 5002), admin)
                .id
            _ = try await service.peopleAdd(.init(name: "Lee", school: hill, roles: ["lead"], uid: 5003), admin)
            let other = try await service.peopleAdd(
                .init(name: "Bo", school: hill, roles: ["teacher"], uid: 5004), admin
            ).id
            _ = try await service.peopleAdd(
                .init(name: "Di", school: dale, roles: ["lead", "coach"], uid: 5005), admin)
            _ = try await service.pairsCreate(.init(teacher: teacher, coach: coach), admin)
            _ = try await service.pairsCreate(.init(teacher: other, coach: coach), admin)
        }

        func call(_ method: String, _ params: [String: JSONValue], _ peer: Peer, input: [UInt8]) async {
            let context = RPCContext(peer: PeerCredentials(pid: 1, uid: peer.uid, gid: peer.gid), connectionID: 1)
            let before = try? await store.read { try $0.count(of: .history) }
            do {
                _ = try await dispatcher.dispatch(
                    RPCRequest(method: method, id: .int(1), params: params), context: context)
            } catch {
                if [.internalError, .storeUnavailable].contains(error.name) {
                    broken.withLockedValue {
                        $0.append("\(method) as uid \(peer.uid) failed inside: \(error.message); input \(input)")
                    }
                }
                let after = try? await store.read { try $0.count(of: .history) }
                if before != after {
                    broken.withLockedValue {
                        $0.append("\(method) as uid \(peer.uid) was refused (\(error.name)) but changed the history")
                    }
                }
            }
        }
    }

    /// The fuzz input's clock.
    final class FuzzClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date
        init(_ start: Date) { current = start }
        var now: Date { lock.withLock { current } }
        func advance(seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }
}
