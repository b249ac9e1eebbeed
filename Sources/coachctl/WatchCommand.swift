import ArgumentParser
import CoachClient
import CoachRPC
import CoachctlCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Set by SIGINT/SIGTERM: `watch` finishes its loop and exits 0.
nonisolated(unsafe) private var watchStopRequested: sig_atomic_t = 0

/// `coachctl watch`: live events as they come, until Ctrl-C.
struct WatchCommand: ParsableCommand {
    static let configuration = EventsSubscribe.command(
        "watch",
        abstract:
            "Prints live events as they come (drop-ins booked and done, items due and overdue, ...), about the pairs you may see; reconnects by itself after a daemon restart, missing nothing. Ctrl-C ends it.",
        discussion:
            "Examples: coachctl watch; coachctl watch --school 2; coachctl watch --json | jq .kind\n\nWith --json, one JSON object per line (NDJSON), as the daemon sends it."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: EventsSubscribe.help("school", valueName: "ID")) var school: Int64?

    /// How long one wait for an event lasts before Ctrl-C is checked again.
    static let tick: Duration = .milliseconds(200)

    func run() throws {
        signal(SIGINT) { _ in watchStopRequested = 1 }
        signal(SIGTERM) { _ in watchStopRequested = 1 }
        // A parent may have started us with them blocked (a test runner, a service manager).
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGINT)
        sigaddset(&stops, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &stops, nil)
        var since: Int64?
        var zones: [Int64: TimeZone] = [:]
        var announcedLoss = false
        while watchStopRequested == 0 {
            let session: Session
            do {
                session = try subscribe(since: &since, zones: &zones)
            } catch {
                // The daemon answered: since too old, not allowed... say so and stop.
                if error.rpcError != nil { throw error }
                // The daemon is restarting (or not up yet): try again until it is, or until Ctrl-C.
                if !announcedLoss {
                    note("coachctl: lost the daemon (\(error.summary)); reconnecting...")
                    announcedLoss = true
                }
                Self.pause()
                continue
            }
            if announcedLoss {
                note("coachctl: connected again; carrying on from event \(since ?? 0)")
                announcedLoss = false
            }
            do {
                while watchStopRequested == 0 {
                    guard let notification = try session.client.nextNotification(wait: Self.tick) else { continue }
                    switch notification.method {
                    case LiveEventNotice.method:
                        guard let notice = try? JSONDecoder().decode(Envelope.self, from: notification.line).params
                        else { continue }
                        since = max(since ?? 0, notice.seq)
                        // Written at once, unbuffered: a pipe (`| jq`) sees each event as it comes.
                        var line =
                            global.json
                            ? (try? RPCCodec.encoder.encode(notice)) ?? Data()
                            : Data(Terminal.escape(Self.render(notice, zone: zones[notice.school] ?? .current)).utf8)
                        line.append(UInt8(ascii: "\n"))
                        FileHandle.standardOutput.write(line)
                    case EventsOverflowNotice.method:
                        note("coachctl: fell behind the daemon's events; subscribing again from event \(since ?? 0)")
                    default:
                        continue
                    }
                }
            } catch {
                if !announcedLoss {
                    note("coachctl: lost the daemon (\(error.summary)); reconnecting...")
                    announcedLoss = true
                }
                Self.pause()
            }
        }
    }

    /// Connects and subscribes from `since` (nil: from now, which sets it).
    private func subscribe(since: inout Int64?, zones: inout [Int64: TimeZone]) throws(ClientError) -> Session {
        let session = try global.session()
        // The zones first: once subscribed, the replay follows the reply at once, and a later call's
        // read would pass over (and lose) the events in front of its reply.
        if zones.isEmpty, let schools = try? session.call(SchoolsList.self, NoParams()).schools {
            for info in schools { zones[info.id] = TimeZone(identifier: info.timeZone) }
        }
        let seq = try session.call(EventsSubscribe.self, EventsSubscribe.Params(since: since, school: school)).seq
        if since == nil { since = seq }
        return session
    }

    private struct Envelope: Decodable {
        var params: LiveEventNotice
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data((Terminal.escape(text) + "\n").utf8))
    }

    /// Half a second, cut short by Ctrl-C.
    private static func pause() {
        for _ in 0..<5 where watchStopRequested == 0 { usleep(100_000) }
    }

    /// `today 10:20  dropin.done          pair 3: Ada Lovelace with coach Bob Hope`: one line of at
    /// most 80 characters (the names are cut, then the line).
    static func render(_ event: LiveEventNotice, zone: TimeZone) -> String {
        let time = HumanTime.show(localTime(event.at, zone: zone))
        var what = event.kind
        if let item = event.item { what += item == "followup" ? " (follow-up)" : " (drop-in)" }
        let subject: String
        if let peer = event.peer {
            // A peer session (level 13): its two heads, never as a teacher and a coach.
            let a = Output.short(event.aName ?? "head \(event.a.map(String.init) ?? "?")", 18)
            let b = Output.short(event.bName ?? "head \(event.b.map(String.init) ?? "?")", 18)
            subject = "session \(event.session.map(String.init) ?? "?") of peer pair \(peer): \(a) and \(b)"
        } else if let pair = event.pair {
            let teacher = Output.short(event.teacherName ?? "teacher \(event.teacher.map(String.init) ?? "?")", 18)
            let coach = Output.short(event.coachName ?? "coach \(event.coach.map(String.init) ?? "?")", 18)
            subject = "pair \(pair): \(teacher) with coach \(coach)"
        } else {
            subject = "school \(event.school)"
        }
        return Output.short("\(time)  \(what.padding(toLength: 19, withPad: " ", startingAt: 0)) \(subject)", width)
    }

    /// A human line's width.
    static let width = 80

    /// `2026-12-07T09:20:00Z` in `zone` as RFC 3339 with its offset (what HumanTime shows).
    static func localTime(_ utc: String, zone: TimeZone) -> String {
        let parser = ISO8601DateFormatter()
        guard let instant = parser.date(from: utc) else { return utc }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: instant)
    }
}
