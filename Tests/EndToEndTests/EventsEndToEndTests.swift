import CoachClient
import CoachRPC
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `coachctl watch` running as a real user, its output in a file, stopped with Ctrl-C (SIGINT).
final class Watcher {
    let process = Process()
    let output: String
    let errors: String

    init(_ daemon: RunningDaemon, uid: UInt32?, _ arguments: [String] = []) throws {
        output = daemon.directory + "/watch-\(UUID().uuidString.prefix(6)).out"
        errors = output + ".err"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let command = [Binaries.coachctl, "--socket", daemon.socket, "--json", "watch"] + arguments
        if let uid {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + command
        } else {
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
    }

    /// Ctrl-C; returns the exit status.
    func interrupt() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

    /// The events printed so far (NDJSON).
    var events: [LiveEventNotice] {
        text.split(separator: "\n").compactMap { try? JSONDecoder().decode(LiveEventNotice.self, from: Data($0.utf8)) }
    }

    /// Waits until `count` events were printed (or 20 s).
    func wait(forEvents count: Int) {
        let deadline = Date().addingTimeInterval(20)
        while events.count < count && Date() < deadline { usleep(50_000) }
    }

    deinit { _ = interrupt() }
}

extension EndToEnd {
    /// Issue 12's live events as real Unix users: what `coachctl watch` prints is what `pairs.show`
    /// lets that user read, never text; a restart loses nothing and repeats nothing; a subscriber
    /// that does not read is closed alone.
    @Suite("End to end: live events", .serialized)
    struct EventsEndToEndTests {
        /// Waits until the daemon has served `count` subscriptions in all (its debug log says so).
        static func waitForSubscriptions(_ daemon: RunningDaemon, _ count: Int) {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let served = daemon.log.components(separatedBy: "\n").filter {
                    $0.contains("request served") && $0.contains("events.subscribe")
                }
                if served.count >= count { break }
                usleep(50_000)
            }
            usleep(200_000)
        }

        @Test func watch_printsOnlyWhatPairsShowAllows_neverText_andEndsCleanlyOnCtrlC() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let day = recentWeekday()
            let users: [(String, UInt32?)] = [
                ("teacher", UID.teacher), ("otherTeacher", UID.otherTeacher), ("lead", UID.lead),
                ("daleLead", UID.stranger), ("admin", nil),
            ]
            // Dale's lead is added before the watchers start (a watcher is someone the daemon knows).
            let dale = try LeadsViewEndToEndTests.otherSchool(daemon, day: day)
            var watchers: [String: Watcher] = [:]
            for (name, uid) in users { watchers[name] = try Watcher(daemon, uid: uid) }
            Self.waitForSubscriptions(daemon, users.count)

            _ = try LeadsViewEndToEndTests.cycle(daemon, day: day)
            let closure = try daemon.ctl([
                "--json", "call", "calendar.addClosure",
                #"{"school":\#(dale),"from":"2031-03-03","to":"2031-03-03","reason":"REASON-TEXT"}"#,
            ])
            #expect(closure.status == 0, "\(closure.stderr)")
            watchers["admin"]!.wait(forEvents: 5)
            watchers["daleLead"]!.wait(forEvents: 1)
            usleep(300_000)
            for (name, watcher) in watchers {
                #expect(watcher.interrupt() == 0, "\(name): \(watcher.stderr)")
            }

            // The visit was booked in the past, so it may also have fallen due and overdue at once.
            func changes(_ name: String) -> [String] {
                watchers[name]!.events.map(\.kind).filter { $0 != "due" && $0 != "overdue" }
            }
            let hill = ["dropin.booked", "dropin.done", "followup.done", "adaptation.set"]
            #expect(changes("teacher") == hill)
            #expect(changes("lead") == hill)
            #expect(changes("admin") == hill + ["calendar.changed"])
            #expect(watchers["otherTeacher"]!.events.isEmpty)
            #expect(watchers["daleLead"]!.events.map(\.kind) == ["calendar.changed"])
            #expect(
                watchers["teacher"]!.events.allSatisfy { $0.pair == school.pair && $0.teacherName == "Ada Teacher" })
            for (name, uid) in users {
                let watcher = watchers[name]!
                for secret in ["FOCUS-TEXT", "NOTE-TEXT", "TALK-TEXT", "ADAPT-TEXT", "REASON-TEXT", "Dale focus"] {
                    #expect(!watcher.text.contains(secret), "\(name) received \(secret)")
                }
                // Every pair an event names is one this user may read with pairs.show.
                for pair in Set(watcher.events.compactMap(\.pair)) {
                    let shown = try daemon.ctl(["--json", "call", "pairs.show", #"{"pair":\#(pair)}"#], uid: uid)
                    #expect(shown.status == 0, "\(name) got an event about pair \(pair) it may not read")
                }
            }
        }

        @Test func watch_reconnectsAfterARestart_gettingEveryMissedEventExactlyOnce() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let watcher = try Watcher(daemon, uid: UID.lead)
            Self.waitForSubscriptions(daemon, 1)
            func closure(_ day: String) throws {
                let out = try daemon.ctl([
                    "--json", "call", "calendar.addClosure",
                    #"{"school":\#(school.id),"from":"\#(day)","to":"\#(day)","reason":"inset"}"#,
                ])
                #expect(out.status == 0, "\(out.stderr)")
            }
            try closure("2031-03-03")
            watcher.wait(forEvents: 1)
            daemon.stop()
            try daemon.start()
            // Before the watcher is back (it retries every half second): missed, then replayed.
            try closure("2031-03-04")
            try closure("2031-03-05")
            try closure("2031-03-06")
            watcher.wait(forEvents: 4)
            try closure("2031-03-07")
            watcher.wait(forEvents: 5)
            usleep(300_000)
            #expect(watcher.interrupt() == 0, "\(watcher.stderr)")
            #expect(watcher.stderr.contains("reconnecting"))

            // Everything recorded since the watcher started, each once, in order.
            let client = try daemon.client()
            _ = try client.call(EventsSubscribe.self, .init(since: 0))
            var all: [Int64] = []
            while let notice = try client.nextNotification(wait: .milliseconds(300)) {
                if case .object(let params) = notice.params, case .int(let seq)? = params["seq"] { all.append(seq) }
            }
            let seen = watcher.events.map(\.seq)
            #expect(watcher.events.filter { $0.kind == "calendar.changed" }.count == 5)
            #expect(seen == all.filter { $0 >= seen.first ?? 0 })
        }

        @Test func aSubscriberThatDoesNotRead_getsOverflowAndIsClosed_andTheOthersGetEverything() throws {
            try #require(canSwitchUsers, "acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon(configuration: "events:\n  queueLimit: 5\n")
            let school = try School(daemon)
            let slow = try RawConnection(path: daemon.socket)
            let reply = try slow.call(#"{"jsonrpc":"2.0","method":"events.subscribe","id":1}"#)
            #expect(reply?.objectValue?["result"] != nil)
            let fast = try Watcher(daemon, uid: UID.lead)
            Self.waitForSubscriptions(daemon, 2)

            // 400 closures in one batch: 400 events, each its own transaction.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.date(from: DateComponents(year: 2031, month: 1, day: 1))!
            let requests = (0..<400).map { index -> String in
                let day = calendar.date(byAdding: .day, value: index, to: start)!
                let parts = calendar.dateComponents([.year, .month, .day], from: day)
                let text = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
                return
                    #"{"jsonrpc":"2.0","method":"calendar.addClosure","params":{"school":\#(school.id),"from":"\#(text)","to":"\#(text)","reason":"r"},"id":\#(index)}"#
            }
            let admin = try RawConnection(path: daemon.socket)
            guard case .array(let replies)? = try admin.call("[" + requests.joined(separator: ",") + "]") else {
                Issue.record("no batch reply")
                return
            }
            let done = replies.filter { $0.objectValue?["result"] != nil }.count
            #expect(done > 300)
            fast.wait(forEvents: done)
            #expect(fast.events.filter { $0.kind == "calendar.changed" }.count == done)

            // The slow one: what its socket held, then the overflow notice, then the end.
            var methods: [String] = []
            while let line = try slow.readLine() {
                let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line))
                if case .string(let method)? = value?.objectValue?["method"] { methods.append(method) }
            }
            #expect(methods.last == "events.overflow")
            #expect(methods.filter { $0 == "events.event" }.count < done)
            #expect(fast.interrupt() == 0, "\(fast.stderr)")
        }
    }
}
