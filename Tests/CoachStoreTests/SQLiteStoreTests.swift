import CoachDomain
import CoachStore
import Foundation
import Testing

/// A fresh directory for one test's database files.
struct TemporaryDirectory: ~Copyable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "coachd-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var database: String { path + "/coachd.sqlite" }
}

let t0 = Date(timeIntervalSince1970: 1_795_000_000)

/// A school with a teacher, a coach and their pair.
func seed(_ tx: any StoreWriting) throws -> (school: Int64, teacher: Int64, coach: Int64, pair: Int64) {
    let school = try tx.insert(
        School(
            id: 0, name: "Hill Primary", timeZone: "Europe/London", dayStart: LocalTime("08:30")!,
            dayEnd: LocalTime("15:30")!))
    let teacher = try tx.insert(Person(id: 0, name: "Ada", school: school, roles: [.teacher], uid: 2001, login: nil))
    let coach = try tx.insert(
        Person(id: 0, name: "Cy", school: school, roles: [.coach, .lead], uid: 2002, login: "cy"))
    let pair = try tx.insert(Pair(id: 0, school: school, teacher: teacher, coach: coach, active: true, createdAt: t0))
    return (school, teacher, coach, pair)
}

struct Boom: Error {}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test func migratesFromEmpty_andReportsSchemaVersion() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.database)
        #expect(try await store.schemaVersion() == SQLiteStore.migrationNames.last)
        #expect(try await store.read { try $0.count(of: .pair) } == 0)
    }

    @Test func writes_surviveReopening() async throws {
        let dir = try TemporaryDirectory()
        do {
            let store = try SQLiteStore(path: dir.database)
            _ = try await store.write { tx in try seed(tx) }
        }
        let reopened = try SQLiteStore(path: dir.database)
        #expect(try await reopened.read { try $0.count(of: .pair) } == 1)
    }

    @Test func history_isAppendOnly() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.database)
        let ids = try await store.write { tx in
            let ids = try seed(tx)
            try tx.append(
                HistoryEvent(
                    at: t0, actorUid: 0, actor: nil, school: ids.school, pair: ids.pair, kind: "pair.created",
                    subject: ids.pair))
            return ids
        }
        #expect(try await store.read { try $0.history(pair: ids.pair) }.map(\.kind) == ["pair.created"])
        // The SQL layer refuses to rewrite history, whatever code tries.
        let raw = SQLiteStoreProbe(path: dir.database)
        #expect(throws: (any Error).self) { try raw.execute("UPDATE history SET kind = 'x'") }
        #expect(throws: (any Error).self) { try raw.execute("DELETE FROM history") }
    }

    @Test func aNewerSchema_isRefusedWithAClearMessage() async throws {
        let dir = try TemporaryDirectory()
        _ = try SQLiteStore(path: dir.database)
        try SQLiteStoreProbe(path: dir.database).execute(
            "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
        do {
            _ = try SQLiteStore(path: dir.database)
            Issue.record("opened a database from the future")
        } catch let error as StoreError {
            #expect(error.kind == .schemaTooNew)
            #expect(error.message.contains("v99-future"))
        }
    }

    @Test func backup_isAConsistentCopy() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.database)
        _ = try await store.write { tx in try seed(tx) }
        try await store.backup(to: dir.path + "/backup.sqlite")
        let copy = try SQLiteStore(path: dir.path + "/backup.sqlite")
        #expect(try await copy.read { try $0.count(of: .person) } == 2)
        await #expect(throws: StoreError.self) { try await store.backup(to: dir.path + "/backup.sqlite") }
    }
}
