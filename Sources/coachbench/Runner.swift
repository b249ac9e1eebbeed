import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A coachd the runner started under `notify_ready` (our own NOTIFY_SOCKET listener).
struct CoachdInstance {
    let server: Background
    let socket: String
    let pid: Int32
    let readyMilliseconds: Double
    let rssKB: Double
    let stateDirectory: String
}

/// Starts the servers, runs B1–B8 side by side with one load generator, B13 (issue 10's flood of
/// clients that never read), B14–B16 (issue 12: the lead's view and live events) and B17–B19
/// (issue 15: coachd on PostgreSQL beside SQLite, Postgres.swift), and collects the figures.
final class BenchRunner {
    let bin: String
    let tools: String
    let data: String
    let work: String
    let quick: Bool
    let only: Set<String>?
    var report = Report()
    private var floor: Background?
    private var redis: Background?
    var trust: CoachdInstance?

    /// Seconds per measured run and warm-up, and how many alternating rounds.
    var seconds: Double { quick ? 0.3 : 4 }
    private var warmup: Double { quick ? 0 : 1 }
    var rounds: Int { quick ? 1 : 3 }
    private let cores = ProcessInfo.processInfo.activeProcessorCount

    init(bin: String, tools: String, data: String, work: String, quick: Bool, only: Set<String>?) throws {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        }
        self.bin = absolute(bin)
        self.tools = absolute(tools)
        self.data = absolute(data)
        self.work = absolute(work)
        self.quick = quick
        self.only = only
        try? FileManager.default.removeItem(atPath: self.work)
        for directory in [self.work, self.data, self.work + "/sockets"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Other uids (B2 acts as a school's lead) reach the sockets and the tools.
        chmod(self.work, 0o755)
        chmod(self.work + "/sockets", 0o777)
        try "log:\n  level: warning\n".write(toFile: self.work + "/coachd.yaml", atomically: true, encoding: .utf8)
    }

    func wanted(_ id: String) -> Bool { only.map { $0.contains(id) } ?? true }

    func runAll() async throws -> Report {
        report.machine = Self.machine()
        report.loadBefore = Self.loadAverage()
        defer { stopAll() }
        try await prepareDatasets()
        try startReferenceServers()
        trust = try startCoachd(name: "trust", database: dataset("trust"))
        try validateLoadGenerator()
        if wanted("B1") { try b1() }
        if wanted("B2") { try b2() }
        if wanted("B3") { try b3() }
        if wanted("B4") { try b4() }
        if wanted("B5") { try b5() }
        if wanted("B6") { try b6() }
        if wanted("B7") { try b7() }
        if wanted("B8") { try b8() }
        if wanted("B13") { try b13() }
        if wanted("B14") { try b14() }
        if wanted("B15") { try b15() }
        if wanted("B16") { try b16() }
        try postgresRows()
        report.loadAfter = Self.loadAverage()
        return report
    }

    private func stopAll() {
        trust?.server.stop()
        redis?.stop()
        floor?.stop()
    }

    // MARK: Datasets

    private var profiles: [String: DatasetProfile] {
        quick
            ? ["trust": .tiny, "small": .tiny, "national": .tiny]
            : ["trust": .trust, "small": .small, "national": .national]
    }

    func dataset(_ role: String) -> String {
        let profile = profiles[role]!
        return "\(data)/\(profile.name)-\(Self.datasetVersion).sqlite"
    }

    /// Bumped when the generator's output changes, so stale caches are not measured.
    static let datasetVersion = "v5"

    private func prepareDatasets() async throws {
        var done = Set<String>()
        // Only B4 (small, national), B5, B14 and B15 (national) need the big ones: `--only B8` makes none.
        // (`--only B15` alone used to make none and measure an empty national database.)
        let roles =
            ["B4", "B5", "B14", "B15"].contains(where: wanted) ? ["trust", "small", "national"] : ["trust"]
        for role in roles {
            let profile = profiles[role]!
            guard done.insert(profile.name).inserted else { continue }
            let path = dataset(role)
            // The trust (seconds to make) is regenerated every run, so its items fall due around
            // today; the bigger ones are cached.
            if !["trust", "tiny"].contains(profile.name), FileManager.default.fileExists(atPath: path) {
                report.datasets.append("\(profile.name): cached (\(path))")
                continue
            }
            let summary = try await DatasetGenerator.make(profile: profile, anchor: nil, seed: 20_261_124).generate(
                to: path)
            report.datasets.append(
                "\(profile.name): \(summary.pairs) pairs, \(summary.people) people, \(summary.history) history rows, "
                    + "\(summary.dropIns) drop-ins, \(summary.bytes / 1_000_000) MB, generated in "
                    + String(format: "%.1f s", summary.seconds))
        }
    }

    // MARK: Servers

    private func startReferenceServers() throws {
        let floorSocket = work + "/sockets/floor.sock"
        floor = try Background(name: "floor", [tools + "/floor", "-s", floorSocket], log: work + "/floor.log")
        let redisSocket = work + "/sockets/redis.sock"
        redis = try Background(
            name: "redis-server",
            [
                "redis-server", "--port", "0", "--unixsocket", redisSocket, "--unixsocketperm", "777", "--save", "",
                "--appendonly", "no", "--daemonize", "no",
            ], log: work + "/redis.log")
        try waitForSocket(floorSocket, process: floor)
        try waitForSocket(redisSocket, process: redis)
        report.redisVersion =
            (try? Shell.check(["redis-server", "--version"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    }

    private var floorSocket: String { work + "/sockets/floor.sock" }
    private var redisSocket: String { work + "/sockets/redis.sock" }

    /// Starts coachd on a copy of `database` and waits for READY=1.
    func startCoachd(name: String, database: String?, environment: [String: String] = [:], copy: Bool = true) throws
        -> CoachdInstance
    {
        let state = work + "/" + name
        try? FileManager.default.removeItem(atPath: state)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        if let database {
            if copy {
                try Shell.check(["cp", "--reflink=auto", database, state + "/coachd.sqlite"])
            } else {
                try FileManager.default.createSymbolicLink(
                    atPath: state + "/coachd.sqlite", withDestinationPath: database)
            }
        }
        return try launchCoachd(name: name, state: state, environment: environment)
    }

    /// Starts coachd on an existing state directory and waits for READY=1.
    func launchCoachd(name: String, state: String, environment: [String: String] = [:]) throws -> CoachdInstance {
        let socket = work + "/sockets/\(name).sock"
        let readyFile = state + "/ready"
        try? FileManager.default.removeItem(atPath: readyFile)
        let server = try Background(
            name: "coachd (\(name))",
            [
                tools + "/notify_ready", "-t", "120000", "-o", readyFile, "--", bin + "/coachd", "--config",
                work + "/coachd.yaml", "--state-dir", state, "--socket", socket, "--socket-mode", "0666",
            ], log: state + "/coachd.log", environment: environment)
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: readyFile, encoding: .utf8), text.hasSuffix("\n") {
                let values = Shell.values(text)
                server.child = pid_t(values["pid"] ?? 0)
                return CoachdInstance(
                    server: server, socket: socket, pid: Int32(values["pid"] ?? 0),
                    readyMilliseconds: values["ready_ms"] ?? 0, rssKB: values["rss_kb"] ?? 0, stateDirectory: state)
            }
            if !server.isRunning { break }
            usleep(2_000)
        }
        let log = (try? String(contentsOfFile: state + "/coachd.log", encoding: .utf8)) ?? ""
        server.stop()
        throw BenchError("coachd (\(name)) did not report READY=1: \(log.suffix(3000))")
    }

    // MARK: The load generator

    struct LoadRun {
        var rps: Double
        var p50: Double
        var p90: Double
        var p99: Double
        var max: Double
        var replyBytes: Double
        var cpu: Double
        var requests: Double
    }

    /// One closed-loop run of the load generator.
    func load(
        _ socket: String, connections: Int, line: String? = nil, file: String? = nil, resp: Bool = false,
        expect: String? = nil, seconds: Double? = nil, requests: Int? = nil, pin: String? = nil, asUID: Int? = nil,
        saveReply: String? = nil
    ) throws -> LoadRun {
        var arguments: [String] = []
        if let asUID {
            arguments += ["setpriv", "--reuid=\(asUID)", "--regid=\(asUID)", "--clear-groups"]
        }
        if let pin { arguments += ["taskset", "-c", pin] }
        arguments += [tools + "/loadgen", "-s", socket, "-c", "\(connections)"]
        if let requests {
            arguments += ["-n", "\(requests)"]
        } else {
            arguments += ["-d", "\(seconds ?? self.seconds)", "-w", "\(warmup)"]
        }
        if let line { arguments += ["-l", line] }
        if let file { arguments += ["-f", file] }
        if resp { arguments += ["-p", "resp"] }
        if let expect { arguments += ["-e", expect] }
        if let saveReply { arguments += ["-o", saveReply] }
        let values = Shell.values(try Shell.check(arguments))
        return LoadRun(
            rps: values["rps"] ?? 0, p50: values["p50_us"] ?? 0, p90: values["p90_us"] ?? 0, p99: values["p99_us"] ?? 0,
            max: values["max_us"] ?? 0, replyBytes: values["reply_bytes"] ?? 0, cpu: values["cpu_pct"] ?? 0,
            requests: values["requests"] ?? 0)
    }

    /// Alternates the contenders `rounds` times (so a burst of load elsewhere hits both alike) and
    /// keeps each one's median run by throughput.
    func alternate(_ contenders: [(String, () throws -> LoadRun)]) throws -> [String: LoadRun] {
        var runs: [String: [LoadRun]] = [:]
        for _ in 0..<rounds {
            for (name, body) in contenders { runs[name, default: []].append(try body()) }
        }
        return runs.mapValues { list in list.sorted { $0.rps < $1.rps }[list.count / 2] }
    }

    static let ping = #"{"jsonrpc":"2.0","method":"daemon.ping","id":1}"#

    /// The generator drives the bare floor server faster than anything measured, using well under
    /// one core: it is not what limits the figures.
    private func validateLoadGenerator() throws {
        let floor8 = try load(floorSocket, connections: 8, line: Self.ping, expect: "pong")
        let redis8 = try load(redisSocket, connections: 8, line: "PING", resp: true, expect: "PONG")
        var lines = [
            "loadgen → floor server, 8 connections: \(Format.rate(floor8.rps)) (generator CPU \(Int(floor8.cpu)) %)",
            "loadgen → redis-server PING, 8 connections: \(Format.rate(redis8.rps)) (generator CPU \(Int(redis8.cpu)) %)",
        ]
        if let benchmark = try? Shell.run([
            "redis-benchmark", "-s", redisSocket, "-c", "8", "-n", quick ? "2000" : "200000", "-t", "ping_inline", "-q",
        ]), benchmark.status == 0 {
            let text = benchmark.stdout.split(separator: "\r").last.map(String.init) ?? benchmark.stdout
            lines.append(
                "redis-benchmark (redis's own client) PING_INLINE, 8 clients: \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        report.generator = lines
    }

    // MARK: B1 ping throughput

    private func b1() throws {
        let coachd = trust!.socket
        let runs = try alternate([
            ("coachd", { try self.load(coachd, connections: 8, line: Self.ping, expect: "pong") }),
            ("redis", { try self.load(self.redisSocket, connections: 8, line: "PING", resp: true, expect: "PONG") }),
            ("floor", { try self.load(self.floorSocket, connections: 8, line: Self.ping, expect: "pong") }),
        ])
        let ratio = runs["coachd"]!.rps / runs["redis"]!.rps
        report.add(
            Row(
                id: "B1", what: "`daemon.ping` throughput, 8 connections, vs redis `PING`",
                coachd: Format.rate(runs["coachd"]!.rps), reference: "redis \(Format.rate(runs["redis"]!.rps))",
                ratio: ratio, ratioText: Format.ratio(ratio), target: "≥ 1.0× redis", pass: ratio >= 1.0),
            details: [
                "coachd \(Format.run(runs["coachd"]!)); redis \(Format.run(runs["redis"]!)); floor \(Format.run(runs["floor"]!))"
            ])
    }

    // MARK: B2 due.list for one school

    private func b2() throws {
        let coachd = trust!.socket
        let request = #"{"jsonrpc":"2.0","method":"due.list","params":{"school":1},"id":1}"#
        // The school's lead asks (a person, not an admin), when we can act as another uid.
        let lead: Int? = getuid() == 0 ? 100_001 : nil
        let saved = work + "/sockets/due-list-reply.json"  // writable by the lead's uid
        _ = try load(
            coachd, connections: 1, line: request, expect: "\"result\"", requests: 1, asUID: lead, saveReply: saved)
        var value = try Data(contentsOf: URL(fileURLWithPath: saved))
        if value.last == UInt8(ascii: "\n") { value.removeLast() }
        let items = (String(decoding: value, as: UTF8.self).components(separatedBy: "\"pair\":").count - 1)
        // redis GET of a value of the same bytes: the same reply size on the wire.
        try Shell.check(["redis-cli", "-s", redisSocket, "-x", "SET", "duelist"], input: value)
        let runs = try alternate([
            ("coachd", { try self.load(coachd, connections: 8, line: request, expect: "\"result\"", asUID: lead) }),
            (
                "redis",
                { try self.load(self.redisSocket, connections: 8, line: "GET duelist", resp: true, expect: "$") }
            ),
        ])
        let c = runs["coachd"]!
        let r = runs["redis"]!
        let ratio = c.rps / r.rps
        report.add(
            Row(
                id: "B2",
                what:
                    "`due.list` for one school (trust: 20 schools, 2,000 pairs), 8 connections, vs redis `GET` of a value of the same size",
                coachd: "\(Format.rate(c.rps)), p99 \(Format.micros(c.p99))", reference: "redis \(Format.rate(r.rps))",
                ratio: ratio, ratioText: Format.ratio(ratio), target: "≥ 0.5× redis; p99 ≤ 2 ms",
                pass: ratio >= 0.5 && c.p99 <= 2000),
            details: [
                "answer: \(items) items, \(value.count) bytes; caller: \(lead.map { "uid \($0), the school's lead (setpriv)" } ?? "the runner's uid")",
                "coachd \(Format.run(c)); redis GET \(Format.run(r))",
            ])
    }

    // MARK: B3 ping latency vs the floor

    private func b3() throws {
        let coachd = trust!
        let last = "\(cores - 1)"
        // Servers on CPU 0; the client on CPU 0 too (same CPU) or on the last CPU (cross CPU).
        let servers: [(String, Int32)] = [("coachd", coachd.pid), ("floor", floor!.pid), ("redis", redis!.pid)]
        for (_, pid) in servers { _ = try? Shell.run(["taskset", "-a", "-p", "-c", "0", "\(pid)"]) }
        defer { for (_, pid) in servers { _ = try? Shell.run(["taskset", "-a", "-p", "-c", "0-\(last)", "\(pid)"]) } }
        for (placement, cpu) in [("same CPU", "0"), ("cross CPU", last)] where cores > 1 || cpu == "0" {
            let runs = try alternate([
                ("coachd", { try self.load(coachd.socket, connections: 1, line: Self.ping, expect: "pong", pin: cpu) }),
                (
                    "floor",
                    { try self.load(self.floorSocket, connections: 1, line: Self.ping, expect: "pong", pin: cpu) }
                ),
                (
                    "redis",
                    {
                        try self.load(
                            self.redisSocket, connections: 1, line: "PING", resp: true, expect: "PONG", pin: cpu)
                    }
                ),
            ])
            let ratio = runs["coachd"]!.p50 / runs["floor"]!.p50
            report.add(
                Row(
                    id: placement == "same CPU" ? "B3" : "B3x",
                    what:
                        "`daemon.ping` p50, 1 connection, vs bare socket round trip (\(placement): servers on CPU 0, client on CPU \(cpu))",
                    coachd: Format.micros(runs["coachd"]!.p50), reference: "floor \(Format.micros(runs["floor"]!.p50))",
                    ratio: ratio, ratioText: Format.ratio(ratio), target: "≤ 1.5×", pass: ratio <= 1.5),
                details: [
                    "\(placement): coachd \(Format.run(runs["coachd"]!)); floor \(Format.run(runs["floor"]!)); redis \(Format.run(runs["redis"]!))"
                ])
        }
    }

    // MARK: B4 due.list cost follows the answer

    private func b4() throws {
        let request = #"{"jsonrpc":"2.0","method":"due.list","params":{"school":1},"id":1}"#
        var results: [String: LoadRun] = [:]
        var uncached: [String: LoadRun] = [:]
        for role in ["small", "national"] {
            let instance = try startCoachd(name: "b4-\(role)", database: dataset(role), copy: false)
            defer { instance.server.stop() }
            results[role] = try load(instance.socket, connections: 1, line: request, expect: "\"result\"")
            instance.server.stop()
            let cold = try launchCoachd(
                name: "b4-\(role)", state: instance.stateDirectory, environment: ["COACHD_CACHE_DUE_LIST": "false"])
            defer { cold.server.stop() }
            uncached[role] = try load(cold.socket, connections: 1, line: request, expect: "\"result\"")
        }
        let ratio = uncached["national"]!.p50 / uncached["small"]!.p50
        let cachedRatio = results["national"]!.p50 / results["small"]!.p50
        report.add(
            Row(
                id: "B4",
                what:
                    "`due.list` p50 for a 100-pair school at 100,000 pairs vs at 1,000 pairs (answer computed, cache off)",
                coachd: Format.micros(uncached["national"]!.p50),
                reference: "1,000 pairs \(Format.micros(uncached["small"]!.p50))",
                ratio: ratio, ratioText: Format.ratio(ratio), target: "≤ 2×", pass: ratio <= 2),
            details: [
                "answer computed (COACHD_CACHE_DUE_LIST=false): 100k pairs \(Format.run(uncached["national"]!)); 1k pairs \(Format.run(uncached["small"]!))",
                "as served (answer cache on): 100k pairs \(Format.run(results["national"]!)); 1k pairs \(Format.run(results["small"]!)); ratio \(Format.ratio(cachedRatio))",
            ])
    }

    // MARK: B5 start-up

    private func b5() throws {
        let state = work + "/b5"
        try? FileManager.default.removeItem(atPath: state)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: state + "/coachd.sqlite", withDestinationPath: dataset("national"))
        // The first start after generation catches up transitions since the dataset was written;
        // it is reported, then the restarts are measured (page cache warm, as on a restart).
        let first = try launchCoachd(name: "b5", state: state)
        usleep(quick ? 100_000 : 2_000_000)
        first.server.stop()
        var ready: [Double] = []
        var rss: [Double] = []
        for _ in 0..<(quick ? 1 : 7) {
            let instance = try launchCoachd(name: "b5", state: state)
            ready.append(instance.readyMilliseconds)
            rss.append(instance.rssKB)
            instance.server.stop()
        }
        let readyMs = median(ready)
        let rssMB = median(rss) / 1024
        report.add(
            Row(
                id: "B5", what: "start to `READY=1` with 100,000 pairs and 5,000,000 history rows; RSS at READY",
                coachd: String(format: "%.0f ms; %.1f MB", readyMs, rssMB), reference: "—", ratio: nil,
                ratioText: "—", target: "≤ 200 ms; ≤ 50 MB", pass: readyMs <= 200 && rssMB <= 50),
            details: [
                String(
                    format: "first start after generation: %.0f ms to READY, RSS %.1f MB", first.readyMilliseconds,
                    first.rssKB / 1024),
                "restarts: " + ready.map { String(format: "%.0f", $0) }.joined(separator: ", ") + " ms; RSS "
                    + rss.map { String(format: "%.1f", $0 / 1024) }.joined(separator: ", ") + " MB",
            ])
    }

    // MARK: B6 durable changes

    private func b6() throws {
        let instance = try startCoachd(name: "b6", database: dataset("trust"))
        defer { instance.server.stop() }
        let requests = (1...8).map { pair in
            #"{"jsonrpc":"2.0","method":"cycles.start","params":{"pair":\#(pair),"focus":"Questioning: wait time"},"id":\#(pair)}"#
        }
        let file = work + "/b6-requests.jsonl"
        try (requests.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let ceilingFile = instance.stateDirectory + "/fsync-ceiling.sqlite"
        var ceilings: [Double] = []
        var ceilingLine = ""
        let runs = try alternate([
            ("coachd", { try self.load(instance.socket, connections: 8, file: file, expect: "\"result\"") }),
            (
                "ceiling",
                {
                    let output = try Shell.check([
                        self.tools + "/fsync_ceiling", "-f", ceilingFile, "-d", "\(self.seconds)",
                    ])
                    ceilingLine = output.trimmingCharacters(in: .whitespacesAndNewlines)
                    let tps = Shell.values(output)["tps"] ?? 0
                    ceilings.append(tps)
                    return LoadRun(rps: tps, p50: 0, p90: 0, p99: 0, max: 0, replyBytes: 0, cpu: 0, requests: 0)
                }
            ),
        ])
        let single = try load(instance.socket, connections: 1, file: file, expect: "\"result\"")
        let c = runs["coachd"]!
        let ceiling = runs["ceiling"]!.rps
        let ratio = c.rps / ceiling
        report.add(
            Row(
                id: "B6",
                what:
                    "acknowledged durable changes/s (`cycles.start`), 8 connections, vs the fsync ceiling (single-row WAL transactions, synchronous=FULL, same disk)",
                coachd: Format.rate(c.rps, unit: "changes/s"),
                reference: "ceiling \(Format.rate(ceiling, unit: "tx/s"))",
                ratio: ratio, ratioText: Format.ratio(ratio), target: "≥ 0.8× (more with group commit)",
                pass: ratio >= 0.8),
            details: [
                "coachd 8 connections \(Format.run(c)); 1 connection \(Format.run(single))",
                "fsync ceiling runs: " + ceilings.map { Format.rate($0, unit: "tx/s") }.joined(separator: ", ")
                    + " (last: \(ceilingLine))",
            ])
    }

    // MARK: B7 coachctl wall time

    private func b7() throws {
        let socket = trust!.socket
        let json = work + "/b7.json"
        let runs = quick ? "3" : "60"
        try Shell.check([
            "hyperfine", "-N", "--warmup", quick ? "1" : "10", "--runs", runs, "--export-json", json,
            "\(bin)/coachctl due --school 1 --socket \(socket)", "redis-cli -s \(redisSocket) ping",
        ])
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let results = parsed?["results"] as? [[String: Any]] ?? []
        guard results.count == 2, let coachctl = results[0]["median"] as? Double,
            let redisCLI = results[1]["median"] as? Double
        else { throw BenchError("hyperfine wrote no results to \(json)") }
        let ratio = coachctl / redisCLI
        report.add(
            Row(
                id: "B7", what: "`coachctl due --school 1` wall time (100 items) vs `redis-cli -s SOCKET ping`",
                coachd: Format.millis(coachctl * 1000), reference: "redis-cli \(Format.millis(redisCLI * 1000))",
                ratio: ratio, ratioText: Format.ratio(ratio), target: "≤ 1×", pass: ratio <= 1),
            details: [
                "hyperfine medians over \(runs) runs (no shell): coachctl \(Format.millis(coachctl * 1000)), redis-cli \(Format.millis(redisCLI * 1000))"
            ])
    }

    // MARK: B8 idle wake-ups

    private func b8() throws {
        let idle = quick ? 1.0 : 20.0
        var details: [String] = []
        var counts: [String: Int] = [:]
        for (label, environment) in [
            ("no watchdog", [String: String]()), ("WatchdogSec=20s", ["WATCHDOG_USEC": "20000000"]),
        ] {
            let instance = try startCoachd(name: "b8", database: dataset("trust"), environment: environment)
            defer { instance.server.stop() }
            let status = try? Shell.check([
                bin + "/coachctl", "daemon", "status", "--json", "--socket", instance.socket,
            ])
            let next =
                (status.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any])?[
                    "nextTransition"]
                as? String ?? "none"
            // Idle means after the last request: start-up work (catch-up, the first status line,
            // the status query just made) and Dispatch retiring its then-idle worker threads
            // (about 5 s after their last job) are over before the watch starts.
            usleep(quick ? 100_000 : 10_000_000)
            // Steps of the wall clock in the same window (issue 9): each wakes the due alarm once,
            // by design (TFD_TIMER_CANCEL_ON_SET), and is the host's doing, not coachd's.
            let clockLog = work + "/clockwatch-\(label.filter(\.isLetter)).log"
            let clock = try Background(name: "clockwatch", [tools + "/clockwatch", "\(Int(idle))"], log: clockLog)
            let before = contextSwitches(of: instance.pid)
            usleep(UInt32(idle * 1_000_000))
            let after = contextSwitches(of: instance.pid)
            for _ in 0..<40 where clock.isRunning { usleep(50_000) }
            clock.stop()
            let steps =
                ((try? String(contentsOfFile: clockLog, encoding: .utf8)) ?? "").split(separator: "\n")
                .first { $0.hasPrefix("changes=") }.flatMap { Shell.values(String($0))["changes"] }.map { "\(Int($0))" }
                ?? "?"
            var woken: [String] = []
            var total = 0
            for (thread, count) in after.sorted(by: { $0.key < $1.key }) {
                let delta = count - (before[thread] ?? 0)
                if delta > 0 {
                    woken.append("\(thread.split(separator: " ", maxSplits: 1).last ?? "?") ×\(delta)")
                    total += delta
                }
            }
            counts[label] = total
            details.append(
                "\(label): \(total) context switches in \(Int(idle)) s idle (\(woken.isEmpty ? "no thread woke" : woken.joined(separator: ", "))); "
                    + "wall clock set \(steps) times meanwhile; next transition \(next)"
            )
        }
        let quiet = counts["no watchdog"] ?? -1
        let withWatchdog = counts["WatchdogSec=20s"] ?? -1
        report.add(
            Row(
                id: "B8",
                what:
                    "wake-ups while idle for \(Int(idle)) s with due items hours away (context switches of every thread)",
                coachd: "\(quiet) without watchdog; \(withWatchdog) with WatchdogSec=20s", reference: "—", ratio: nil,
                ratioText: "—", target: "≤ 2 without watchdog (none but watchdog pings)", pass: quiet >= 0 && quiet <= 2
            ),
            details: details)
    }

    /// Issue 10: 64 connections send 1,000-request `rpc.discover` batches (27 KB a reply) and never
    /// read, while `Benchmarks/reply_flood.py` probes with a ping every 100 ms; the daemon's peak RSS.
    private func b13() throws {
        let instance = try startCoachd(
            name: "b13", database: nil, environment: ["COACHD_LIMITS_MAX_CONNECTIONS_PER_UID": "100"])
        defer { instance.server.stop() }
        let output = try Shell.check([
            "python3", "Benchmarks/reply_flood.py", "--socket", instance.socket, "--pid", "\(instance.pid)",
            "--connections", "64", "--batch", "1000", "--method", "rpc.discover", "--seconds", quick ? "3" : "15",
        ])
        let lines = output.split(separator: "\n").map(String.init)
        // "coachd VmHWM 182 MiB; …" and "served client: 140 pings answered, p50 0.8 ms, …"
        let peak = lines.first { $0.hasPrefix("coachd VmHWM") }.flatMap { Int($0.split(separator: " ")[2]) } ?? -1
        let served = lines.first { $0.hasPrefix("served client:") } ?? "served client: none"
        let answered = Int(served.split(separator: " ")[2]) ?? 0
        let what =
            "peak RSS while 64 connections send 1,000-request `rpc.discover` batches and never read; "
            + "another client pings"
        report.add(
            Row(
                id: "B13", what: what, coachd: "\(peak) MiB; \(served.dropFirst("served client: ".count))",
                reference: "1,450 MiB before issue 10", ratio: nil, ratioText: "—",
                target: "< 256 MiB, others answered",
                pass: peak >= 0 && peak < 256 && answered > 0),
            details: lines)
    }

    // MARK: B14–B16 the lead's view and live events (issue 12)

    /// The last year up to today (the datasets' history ends around today).
    private var lastYear: (from: String, to: String) {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withFullDate]
        let today = Date()
        return (format.string(from: today.addingTimeInterval(-364 * 86_400)), format.string(from: today))
    }

    /// `Benchmarks/lead_view.py` over schools 1...`schools`: its `METHOD total_ms=… p50_ms=…` figures.
    private func leadView(_ socket: String, schools: Int, rounds: Int, method: String) throws -> (
        figures: [String: Double], lines: [String]
    ) {
        let range = lastYear
        let output = try Shell.check([
            "python3", "Benchmarks/lead_view.py", socket, "\(schools)", range.from, range.to, "\(rounds)", method,
        ])
        let lines = output.split(separator: "\n").map(String.init)
        let figures = lines.first { $0.hasPrefix(method + " total_ms=") }.map(Shell.values) ?? [:]
        return (figures, lines)
    }

    /// The daemon's kept whole-school answers off: the rows judge answers computed every time.
    private static let computeEveryAnswer = ["COACHD_CACHE_LEADS_VIEW": "false"]

    /// `reports.summary` over the last year for every school in one call (`allSchools`, each school in
    /// its own calendar), on the trust (20 schools, 2,000 pairs) and the national dataset (1,000
    /// schools, 100,000 pairs): the median call, each answer computed (`cache.leadsView=false`). Beside
    /// it, every school's own report in turn (the sum of 20 and 1,000 calls), and the trust's as served.
    private func b14() throws {
        var medians: [String: Double] = [:]
        var details: [String] = []
        for role in ["trust", "national"] {
            let instance = try startCoachd(
                name: "b14-\(role)", database: dataset(role), environment: Self.computeEveryAnswer, copy: false)
            defer { instance.server.stop() }
            let schools = profiles[role]!.schools
            let all = try leadView(
                instance.socket, schools: schools, rounds: quick ? 1 : 5, method: "reports.summary.all")
            medians[role] = all.figures["total_ms"] ?? -1
            details.append("\(role), computed: " + all.lines.joined(separator: "; "))
            let rounds = quick || role == "national" ? 1 : 3
            let each = try leadView(instance.socket, schools: schools, rounds: rounds, method: "reports.summary")
            details.append(
                "\(role), each school's report in turn (\(rounds) round(s), computed): "
                    + each.lines.joined(separator: "; "))
        }
        let served = try leadView(
            trust!.socket, schools: profiles["trust"]!.schools, rounds: quick ? 2 : 4, method: "reports.summary")
        details.append(
            "trust, each school's report as served (answers kept after the first round): "
                + served.lines.joined(separator: "; "))
        let trustMs = medians["trust"]!
        let nationalMs = medians["national"]!
        report.add(
            Row(
                id: "B14",
                what:
                    "`reports.summary` over a year, every school in one report: the trust (2,000 pairs), the nation (100,000)",
                coachd: String(format: "trust %.1f ms; national %.0f ms", trustMs, nationalMs), reference: "—",
                ratio: nil, ratioText: "—", target: "≤ 50 ms; ≤ 1 s",
                pass: trustMs >= 0 && nationalMs >= 0 && trustMs <= 50 && nationalMs <= 1000),
            details: details)
    }

    /// `coverage.list` for one school at national scale: schools 1–20 of the national dataset in turn,
    /// per-call p50, each answer computed (`cache.leadsView=false`).
    private func b15() throws {
        let instance = try startCoachd(
            name: "b15", database: dataset("national"), environment: Self.computeEveryAnswer, copy: false)
        defer { instance.server.stop() }
        let schools = min(20, profiles["national"]!.schools)
        let run = try leadView(instance.socket, schools: schools, rounds: quick ? 1 : 5, method: "coverage.list")
        let p50 = run.figures["p50_ms"] ?? -1
        report.add(
            Row(
                id: "B15", what: "`coverage.list` for one school (100 teachers) at 100,000 pairs, p50 per call",
                coachd: String(format: "%.2f ms (p99 %.2f ms)", p50, run.figures["p99_ms"] ?? -1), reference: "—",
                ratio: nil, ratioText: "—", target: "≤ 5 ms", pass: p50 >= 0 && p50 <= 5),
            details: run.lines)
    }

    /// One event (`calendar.changed`, from `calendar.addClosure`) delivered to 1,000 subscribers, all
    /// admins: from sending the change to the last subscriber reading it (`Benchmarks/fanout.c`;
    /// includes the commit and one client reading 1,000 sockets with epoll, so an upper bound).
    private func b16() throws {
        let subscribers = quick ? 20 : 1000
        let instance = try startCoachd(
            name: "b16", database: dataset("trust"),
            environment: [
                "COACHD_LIMITS_MAX_CONNECTIONS_PER_UID": "\(subscribers + 50)",
                "COACHD_LIMITS_MAX_CONNECTIONS": "\(subscribers + 100)",
            ])
        defer { instance.server.stop() }
        let output = try Shell.check([
            "\(tools)/fanout", instance.socket, "\(subscribers)", quick ? "5" : "100", "1",
        ])
        let lines = output.split(separator: "\n").map(String.init)
        let figures = lines.first { $0.hasPrefix("fanout ") }.map(Shell.values) ?? [:]
        let p99 = figures["p99_ms"] ?? -1
        report.add(
            Row(
                id: "B16", what: "one event to \(subscribers) subscribers, request sent to the last one's read",
                coachd: String(format: "p99 %.1f ms (p50 %.1f ms)", p99, figures["p50_ms"] ?? -1), reference: "—",
                ratio: nil, ratioText: "—", target: "p99 ≤ 20 ms", pass: p99 >= 0 && p99 <= 20),
            details: lines)
    }

    // MARK: Machine

    static func machine() -> [(String, String)] {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }.map {
                $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
            } ?? "?"
        let kernel = (try? Shell.check(["uname", "-sr"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let date = ISO8601DateFormatter().string(from: Date())
        let commit =
            (try? Shell.check(["git", "rev-parse", "--short", "HEAD"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? "?"
        let dirty =
            ((try? Shell.check(["git", "status", "--porcelain", "--untracked-files=no"])) ?? "").isEmpty
            ? "" : " (with uncommitted changes)"
        return [
            ("CPU", model), ("cores", "\(ProcessInfo.processInfo.activeProcessorCount)"), ("kernel", kernel),
            ("date", date), ("commit", commit + dirty),
        ]
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
            .joined(separator: " ")
    }
}
