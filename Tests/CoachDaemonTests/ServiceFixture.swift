import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Logging

@testable import CoachDaemon

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func set(_ date: Date) { lock.withLock { current = date } }
    func advance(days: Double) { lock.withLock { current = current.addingTimeInterval(days * 86_400) } }
}

/// Captures log lines (message and metadata) for assertions.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
    var text: String { all.joined(separator: "\n") }
}

struct CapturingHandler: LogHandler {
    let sink: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        sink.append(
            "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
        )
    }
}

/// Peers as the transport would report them.
enum Peers {
    static let admin = Peer(uid: 0, gid: 0)
    static let teacher = Peer(uid: 5001, gid: 5001)
    static let coach = Peer(uid: 5002, gid: 5002)
    static let lead = Peer(uid: 5003, gid: 5003)
    static let otherTeacher = Peer(uid: 5004, gid: 5004)
    static let otherLead = Peer(uid: 5005, gid: 5005)
    static let stranger = Peer(uid: 5999, gid: 5999)
}

/// A state directory of one fixture's own, removed with the fixture's last copy. Backups live in
/// `<state directory>/backups`, and an erasure removes every snapshot there: with one directory
/// shared by every fixture, a test erasing someone removed the snapshot another test, running
/// beside it, was still checking, and `backup.create` failed now and then under load.
final class FixtureDirectory: Sendable {
    let path = NSTemporaryDirectory() + "coachd-service-\(UUID().uuidString)"
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A service on an in-memory SQLite store with a manual clock: one school, its people and a pair.
struct ServiceFixture {
    let clock: ManualClock
    let log = CapturedLog()
    let directory = FixtureDirectory()
    let store: SQLiteStore
    let service: CoachService
    let timer: DueTimer
    var school: Int64 = 0
    var pair: Int64 = 0
    var teacher: Int64 = 0
    var coach: Int64 = 0

    /// Monday 23 November 2026, 09:00 in London.
    static let monday = Date(timeIntervalSince1970: 1_795_424_400)

    init(
        now: Date = ServiceFixture.monday, store: SQLiteStore? = nil, alarm: any WallClockAlarm = ManualAlarm(),
        configure: (inout DaemonConfiguration) -> Void = { _ in }
    ) async throws {
        clock = ManualClock(now)
        self.store = try store ?? SQLiteStore()
        let sink = log
        let logger = Logger(label: "test") { _ in CapturingHandler(sink: sink) }
        let clock = self.clock
        timer = DueTimer(store: self.store, logger: logger, now: { clock.now }, alarm: alarm)
        var configuration = DaemonConfiguration()
        configuration.stateDirectory = directory.path
        configure(&configuration)
        try await timer.load(policy: configuration.policy)
        service = CoachService(
            store: self.store, timer: timer, configuration: configuration,
            admins: AdminPolicy(daemonUID: 4242, adminGroup: nil), now: { clock.now }, logger: logger, version: "test")
    }

    /// Adds the school, a teacher, a coach, a lead, another teacher with her own pair, and a lead of another school.
    mutating func seed() async throws {
        school = try await service.schoolsAdd(.init(name: "Hill", timeZone: "Europe/London"), Peers.admin).id
        teacher = try await service.peopleAdd(
            .init(name: "Ada", school: school, roles: ["teacher"], uid: 5001), Peers.admin
        ).id
        coach = try await service.peopleAdd(.init(name: "Cy", school: school, roles: ["coach"], uid: 5002), Peers.admin)
            .id
        _ = try await service.peopleAdd(.init(name: "Lee", school: school, roles: ["lead"], uid: 5003), Peers.admin)
        let other = try await service.peopleAdd(
            .init(name: "Bo", school: school, roles: ["teacher"], uid: 5004), Peers.admin
        ).id
        let otherSchool = try await service.schoolsAdd(.init(name: "Dale", timeZone: "Europe/London"), Peers.admin).id
        _ = try await service.peopleAdd(.init(name: "Di", school: otherSchool, roles: ["lead"], uid: 5005), Peers.admin)
        pair = try await service.pairsCreate(.init(teacher: teacher, coach: coach), Peers.lead).id
        _ = try await service.pairsCreate(.init(teacher: other, coach: coach), Peers.admin)
    }
}

/// The wire error a call threw, or nil.
func wireError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch {
        return RPCError.from(error)
    }
}
