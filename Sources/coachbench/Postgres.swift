import Foundation
import PostgresTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 15: coachd on PostgreSQL beside coachd on SQLite, on the same trust dataset (2,000 pairs),
/// with the same load generator and requests as the SQLite rows (B2 `due.list`, B6 durable changes,
/// B5 READY). One PostgreSQL server (Debian's package, `initdb` into a temporary directory, a Unix
/// socket only, fsync on: `PostgresTestSupport`, the one the store and end-to-end tests use) is
/// started for the rows and stopped by its PID after; the generated trust database is copied into it
/// with `coachd --migrate-to-postgresql`, as an operator moves a school.
extension BenchRunner {
    /// What coachd is started with to keep its data in the database at `url`.
    static func onPostgres(_ url: String, _ more: [String: String] = [:]) -> [String: String] {
        ["COACHD_STORE_BACKEND": "postgresql", "COACHD_STORE_POSTGRESQL_URL": url].merging(more) { _, new in new }
    }

    static let dueListRequest = #"{"jsonrpc":"2.0","method":"due.list","params":{"school":1},"id":1}"#

    /// B17–B19, when any is wanted.
    func postgresRows() throws {
        guard ["B17", "B18", "B19"].contains(where: wanted) else { return }
        let server = try PostgresTestServer()
        defer { server.stop() }
        let version =
            (try? PostgresTestServer.runToEnd(server.binaries + "/postgres", ["--version"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let name = try server.newDatabaseName()
        let url = server.url(database: name)
        // The migration takes the state directory's lock and reads its coachd.sqlite: a copy of the trust.
        let state = work + "/pg-migrate"
        try? FileManager.default.removeItem(atPath: state)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try Shell.check(["cp", "--reflink=auto", dataset("trust"), state + "/coachd.sqlite"])
        let started = Date()
        let migrated = try Shell.check([
            bin + "/coachd", "--config", work + "/coachd.yaml", "--state-dir", state, "--migrate-to-postgresql", url,
        ])
        let setup =
            "server: \(version), initdb'd for this run, Unix socket, fsync on, shared_buffers 16 MB, on the same "
            + "cores as coachd and the load generator; the trust copied in with `coachd --migrate-to-postgresql` in "
            + String(format: "%.1f s", Date().timeIntervalSince(started)) + " ("
            + migrated.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            + ")"
        // Reads and restarts first; B19 writes (cycles.start), so it runs last.
        if wanted("B17") { try b17(url, server: server, setup: setup) }
        if wanted("B18") { try b18(url, setup: setup) }
        if wanted("B19") { try b19(url, setup: setup) }
    }

    // MARK: B17 due.list on PostgreSQL vs SQLite

    /// B2's request and caller against coachd on PostgreSQL and the trust coachd on SQLite, alternated;
    /// as served (the answer cache on, as B2) and computed every time (`COACHD_CACHE_DUE_LIST=false`,
    /// which is what reaches the store). Both must reach half SQLite's throughput.
    private func b17(_ url: String, server: PostgresTestServer, setup: String) throws {
        let request = Self.dueListRequest
        let lead: Int? = getuid() == 0 ? 100_001 : nil
        var served: [String: LoadRun] = [:]
        var computed: [String: LoadRun] = [:]
        var answers: [String: Data] = [:]
        do {
            let postgres = try startCoachd(name: "b17-pg", database: nil, environment: Self.onPostgres(url))
            defer { postgres.server.stop() }
            let sqlite = trust!
            for (label, socket) in [("sqlite", sqlite.socket), ("postgresql", postgres.socket)] {
                let saved = work + "/sockets/b17-\(label).json"
                _ = try load(
                    socket, connections: 1, line: request, expect: "\"result\"", requests: 1, asUID: lead,
                    saveReply: saved)
                answers[label] = try Data(contentsOf: URL(fileURLWithPath: saved))
            }
            served = try alternate([
                (
                    "sqlite",
                    { try self.load(sqlite.socket, connections: 8, line: request, expect: "\"result\"", asUID: lead) }
                ),
                (
                    "postgresql",
                    { try self.load(postgres.socket, connections: 8, line: request, expect: "\"result\"", asUID: lead) }
                ),
            ])
        }
        let off = ["COACHD_CACHE_DUE_LIST": "false"]
        let sqliteCold = try startCoachd(name: "b17-sqlite-computed", database: dataset("trust"), environment: off)
        defer { sqliteCold.server.stop() }
        let postgresCold = try startCoachd(
            name: "b17-pg-computed", database: nil, environment: Self.onPostgres(url, off))
        defer { postgresCold.server.stop() }
        // Where the computed runs spend CPU: each coachd, and the server (postmaster and backends).
        let postmaster = server.process.processIdentifier
        func serverCPU() -> Double {
            ([postmaster] + PostgresTestServer.children(of: postmaster)).map { cpuSeconds(of: $0) }.reduce(0, +)
        }
        let cpuBefore = (cpuSeconds(of: sqliteCold.pid), cpuSeconds(of: postgresCold.pid), serverCPU())
        let wallBefore = Date()
        computed = try alternate([
            (
                "sqlite",
                { try self.load(sqliteCold.socket, connections: 8, line: request, expect: "\"result\"", asUID: lead) }
            ),
            (
                "postgresql",
                { try self.load(postgresCold.socket, connections: 8, line: request, expect: "\"result\"", asUID: lead) }
            ),
        ])
        let wall = Date().timeIntervalSince(wallBefore)
        let cpuAfter = (cpuSeconds(of: sqliteCold.pid), cpuSeconds(of: postgresCold.pid), serverCPU())
        let ratio = served["postgresql"]!.rps / served["sqlite"]!.rps
        let computedRatio = computed["postgresql"]!.rps / computed["sqlite"]!.rps
        let items = { (data: Data?) in
            String(decoding: data ?? Data(), as: UTF8.self).components(separatedBy: "\"pair\":").count - 1
        }
        report.add(
            Row(
                id: "B17",
                what:
                    "`due.list` for one school (trust, B2's request and caller), 8 connections, coachd on PostgreSQL vs on SQLite; as served and computed (cache off)",
                coachd:
                    "served \(Format.rate(served["postgresql"]!.rps)), computed \(Format.rate(computed["postgresql"]!.rps)), p99 \(Format.micros(computed["postgresql"]!.p99))",
                reference:
                    "SQLite served \(Format.rate(served["sqlite"]!.rps)), computed \(Format.rate(computed["sqlite"]!.rps))",
                ratio: min(ratio, computedRatio),
                ratioText: "\(Format.ratio(ratio)) served; \(Format.ratio(computedRatio)) computed",
                target: "≥ 0.5× SQLite (both)", pass: ratio >= 0.5 && computedRatio >= 0.5),
            details: [
                setup,
                "answers: SQLite \(items(answers["sqlite"])) items, \(answers["sqlite"]?.count ?? 0) bytes; PostgreSQL \(items(answers["postgresql"])) items, \(answers["postgresql"]?.count ?? 0) bytes"
                    + (answers["sqlite"] == answers["postgresql"] ? " (byte for byte the same)" : " (they differ)"),
                "as served: PostgreSQL \(Format.run(served["postgresql"]!)); SQLite \(Format.run(served["sqlite"]!))",
                "computed: PostgreSQL \(Format.run(computed["postgresql"]!)); SQLite \(Format.run(computed["sqlite"]!))",
                String(
                    format:
                        "CPU over the computed runs (%.0f s wall, each contender about half of it): coachd on PostgreSQL %.1f s, "
                        + "the PostgreSQL server %.1f s, coachd on SQLite %.1f s",
                    wall, cpuAfter.1 - cpuBefore.1, cpuAfter.2 - cpuBefore.2, cpuAfter.0 - cpuBefore.0),
            ])
    }

    // MARK: B19 durable changes on PostgreSQL vs SQLite

    /// B6's `cycles.start` requests, 8 connections, on PostgreSQL and on a fresh copy of the trust on
    /// SQLite, alternated. Reported, not judged (the issue sets no target).
    private func b19(_ url: String, setup: String) throws {
        let requests = (1...8).map { pair in
            #"{"jsonrpc":"2.0","method":"cycles.start","params":{"pair":\#(pair),"focus":"Questioning: wait time"},"id":\#(pair)}"#
        }
        let file = work + "/b19-requests.jsonl"
        try (requests.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let sqlite = try startCoachd(name: "b19-sqlite", database: dataset("trust"))
        defer { sqlite.server.stop() }
        let postgres = try startCoachd(name: "b19-pg", database: nil, environment: Self.onPostgres(url))
        defer { postgres.server.stop() }
        let runs = try alternate([
            ("sqlite", { try self.load(sqlite.socket, connections: 8, file: file, expect: "\"result\"") }),
            ("postgresql", { try self.load(postgres.socket, connections: 8, file: file, expect: "\"result\"") }),
        ])
        let single = try load(postgres.socket, connections: 1, file: file, expect: "\"result\"")
        let p = runs["postgresql"]!
        let s = runs["sqlite"]!
        let ratio = p.rps / s.rps
        report.add(
            Row(
                id: "B19",
                what:
                    "acknowledged durable changes/s (`cycles.start`, B6's requests), 8 connections, coachd on PostgreSQL vs on SQLite",
                coachd: "\(Format.rate(p.rps, unit: "changes/s")), p99 \(Format.micros(p.p99))",
                reference: "SQLite \(Format.rate(s.rps, unit: "changes/s"))", ratio: ratio,
                ratioText: Format.ratio(ratio), target: "none (reported)", pass: p.rps > 0, judged: false),
            details: [
                "PostgreSQL 8 connections \(Format.run(p)); 1 connection \(Format.run(single))",
                "SQLite 8 connections \(Format.run(s))",
            ])
    }

    // MARK: B18 READY on PostgreSQL vs SQLite

    /// Start to READY=1 on the trust, restarts alternated (after a first start each, which catches up
    /// and, on PostgreSQL, finds the schema current); medians. Reported, not judged.
    private func b18(_ url: String, setup: String) throws {
        let environment = Self.onPostgres(url)
        let firstSQLite = try startCoachd(name: "b18-sqlite", database: dataset("trust"))
        firstSQLite.server.stop()
        let firstPostgres = try startCoachd(name: "b18-pg", database: nil, environment: environment)
        firstPostgres.server.stop()
        var ready: [String: [Double]] = [:]
        var rss: [String: [Double]] = [:]
        for _ in 0..<(quick ? 1 : 7) {
            for (label, state, more) in [
                ("sqlite", firstSQLite.stateDirectory, [String: String]()),
                ("postgresql", firstPostgres.stateDirectory, environment),
            ] {
                let instance = try launchCoachd(name: "b18-\(label)", state: state, environment: more)
                ready[label, default: []].append(instance.readyMilliseconds)
                rss[label, default: []].append(instance.rssKB)
                instance.server.stop()
            }
        }
        let p = median(ready["postgresql"]!)
        let s = median(ready["sqlite"]!)
        let ratio = s > 0 ? p / s : 0
        func list(_ values: [Double], _ scale: Double, _ format: String) -> String {
            values.map { String(format: format, $0 / scale) }.joined(separator: ", ")
        }
        report.add(
            Row(
                id: "B18",
                what: "start to `READY=1` on the trust (2,000 pairs), coachd on PostgreSQL vs on SQLite; RSS at READY",
                coachd: String(format: "%.0f ms; %.1f MB", p, median(rss["postgresql"]!) / 1024),
                reference: String(format: "SQLite %.0f ms; %.1f MB", s, median(rss["sqlite"]!) / 1024), ratio: ratio,
                ratioText: Format.ratio(ratio), target: "none (reported)", pass: p > 0, judged: false),
            details: [
                String(
                    format: "first starts: PostgreSQL %.0f ms, SQLite %.0f ms", firstPostgres.readyMilliseconds,
                    firstSQLite.readyMilliseconds),
                "restarts: PostgreSQL " + list(ready["postgresql"]!, 1, "%.0f") + " ms (RSS "
                    + list(rss["postgresql"]!, 1024, "%.1f") + " MB); SQLite " + list(ready["sqlite"]!, 1, "%.0f")
                    + " ms (RSS " + list(rss["sqlite"]!, 1024, "%.1f") + " MB)",
            ])
    }
}

/// User plus system CPU seconds a process has used (/proc/PID/stat, fields 14 and 15); 0 when it is gone.
func cpuSeconds(of pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    // After the name: state is field 3, so utime (14) and stime (15) are the 12th and 13th here.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
