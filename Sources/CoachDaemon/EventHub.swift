import CoachDomain
import CoachRPC
import CoachRPCSocket
import CoachStore
import Foundation
import Logging
import NIOCore

/// The connection a request came in on, for the one method that keeps it (`events.subscribe`).
enum Connection {
    @TaskLocal static var outlet: (any EventSink)?
}

/// Where a subscriber's events go: the connection's `RPCOutlet`, or a recording sink in tests.
protocol EventSink: AnyObject, Sendable {
    /// Allows pushing, at most `queueLimit` lines unsent before `overflow` is sent and it closes.
    func enablePush(queueLimit: Int, overflow: ByteBuffer)
    /// Sends one notification line.
    func push(_ line: ByteBuffer)
    /// Ends the subscription (the connection closes).
    func close()
    var isClosed: Bool { get }
    /// Runs `body` once closed (at once when already closed).
    func onClose(_ body: @escaping @Sendable () -> Void)
}

extension RPCOutlet: EventSink {}

/// Delivers live events to subscribers: after every commit it reads the events recorded since
/// the last delivery, in seq order, and pushes each to the subscribers that may see it.
///
/// One pump does all reading and delivering, so every subscriber gets every event once, in order:
/// a new subscriber's replay (events after its `since`) and the live stream meet at the pump's
/// last delivered seq. Subscribers are grouped by audience: whether a group sees an event is
/// decided once per group, and an event is encoded once for everyone (what a subscriber may see
/// of an event it sees is the same for all: ids, kind, time and the pair's two names).
actor EventHub {
    private let store: any CoachStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let pokes: AsyncStream<Void>
    private let poker: AsyncStream<Void>.Continuation
    /// Subscribers by audience, then by id.
    private var groups: [EventAudience: [Int: Subscriber]] = [:]
    private var waiting: [Pending] = []
    /// Outlets with a subscription (one per connection).
    private var outlets: Set<ObjectIdentifier> = []
    private var nextID = 0
    /// The highest seq delivered (or known to be older than any subscriber).
    private(set) var delivered: Int64 = 0
    private var started = false
    private var lastPrune: Date?
    /// Events read per store read.
    static let page = 1000

    private struct Subscriber {
        let outlet: any EventSink
        var after: Int64
        let person: Int64?
    }

    private struct Pending {
        let id: Int
        let audience: EventAudience
        let subscriber: Subscriber
    }

    init(store: any CoachStore, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.logger = logger
        self.now = now
        (pokes, poker) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Something was committed: deliver it soon (never waits).
    nonisolated func poke() { poker.yield() }

    /// Delivers on every poke until cancelled; prunes old events now and then.
    func run(retention: @escaping @Sendable () -> EventRetention) async {
        await pump(retention: retention())
        for await _ in pokes {
            if Task.isCancelled { break }
            await pump(retention: retention())
        }
    }

    /// How many subscribers there are now (status, tests).
    var subscriberCount: Int { groups.values.reduce(0) { $0 + $1.count } + waiting.count }

    /// Adds a subscriber that receives every event after `after` that `audience` sees, from the
    /// next delivery on. Returns false when the connection already has a subscription.
    func subscribe(_ outlet: any EventSink, audience: EventAudience, after: Int64, person: Int64?) -> Bool {
        let key = ObjectIdentifier(outlet)
        guard !outlets.contains(key) else { return false }
        outlets.insert(key)
        nextID += 1
        let id = nextID
        waiting.append(
            Pending(id: id, audience: audience, subscriber: Subscriber(outlet: outlet, after: after, person: person)))
        outlet.onClose { [weak self] in
            Task { await self?.remove(id, audience: audience, outlet: key) }
        }
        poke()
        return true
    }

    private func remove(_ id: Int, audience: EventAudience, outlet: ObjectIdentifier) {
        outlets.remove(outlet)
        waiting.removeAll { $0.id == id }
        groups[audience]?[id] = nil
        if groups[audience]?.isEmpty == true { groups[audience] = nil }
    }

    /// Closes the subscriptions of a person whose roles or school changed: what they may see is
    /// decided when they subscribe, so they subscribe again (coachctl watch does, with since).
    func drop(person: Int64) {
        for (_, members) in groups {
            for (_, subscriber) in members where subscriber.person == person { subscriber.outlet.close() }
        }
        for pending in waiting where pending.subscriber.person == person { pending.subscriber.outlet.close() }
    }

    /// Replays to new subscribers, then delivers what was recorded since the last delivery.
    /// Serialised by the actor and never re-entered: the awaits inside read the store only.
    func pump(retention: EventRetention) async {
        do {
            if !started {
                delivered = try await store.read { try $0.liveEventBounds().newest }
                started = true
            }
            try await prune(retention)
            // New subscribers first: each gets what it missed up to `delivered`.
            while !waiting.isEmpty {
                let pending = waiting.removeFirst()
                var subscriber = pending.subscriber
                if subscriber.outlet.isClosed { continue }
                while subscriber.after < delivered {
                    let from = subscriber.after
                    let upTo = delivered
                    let batch = try await encoded(after: from, upTo: upTo)
                    if batch.isEmpty { break }
                    for (event, line) in batch where pending.audience.sees(event) { subscriber.outlet.push(line) }
                    subscriber.after = batch.last!.0.seq
                }
                subscriber.after = max(subscriber.after, delivered)
                if subscriber.outlet.isClosed { continue }
                groups[pending.audience, default: [:]][pending.id] = subscriber
            }
            // Then everything new, to everyone who may see it.
            while true {
                let batch = try await encoded(after: delivered, upTo: .max)
                guard let last = batch.last else { break }
                // No await from here to the end of the loop: the groups cannot change meanwhile.
                for (audience, var members) in groups {
                    let visible = batch.filter { audience.sees($0.0) }
                    for (id, var subscriber) in members {
                        for (event, line) in visible where event.seq > subscriber.after { subscriber.outlet.push(line) }
                        subscriber.after = max(subscriber.after, last.0.seq)
                        members[id] = subscriber
                    }
                    groups[audience] = members
                }
                delivered = last.0.seq
                if batch.count < Self.page { break }
            }
        } catch {
            logger.error(
                "could not read live events; delivering at the next change",
                metadata: ["coachd.event": "\(JournalEvent.storeError.rawValue)", "coachd.error": "\(error)"])
        }
    }

    /// Prunes events older than the window, at most once an hour.
    private func prune(_ retention: EventRetention) async throws {
        let instant = now()
        if let lastPrune, instant.timeIntervalSince(lastPrune) < 3600, instant >= lastPrune { return }
        lastPrune = instant
        let cutoff = retention.cutoff(now: instant)
        let removed = try await store.write { try $0.pruneLiveEvents(before: cutoff) }
        if removed > 0 {
            logger.info("pruned \(removed) live events older than \(retention.days) days")
        }
    }

    /// Forgets when it last pruned (tests, a changed retention).
    func pruneSoon() { lastPrune = nil }

    /// Events after `seq` (up to `upTo`), each with its notification line, encoded once.
    private func encoded(after seq: Int64, upTo: Int64) async throws -> [(LiveEvent, ByteBuffer)] {
        let (events, names) = try await store.read { store in
            let events = try store.liveEvents(after: seq, limit: Self.page).filter { $0.seq <= upTo }
            let people = Set(events.flatMap { [$0.teacher, $0.coach].compactMap { $0 } })
            return (events, try store.names(of: people))
        }
        return events.map { ($0, Self.line($0, names: names)) }
    }

    private static let head = Array(#"{"jsonrpc":"2.0","method":"events.event","params":"#.utf8)

    /// The `events.event` notification for `event`: ids, kind, time and names, never text.
    static func line(_ event: LiveEvent, names: [Int64: String]) -> ByteBuffer {
        let notice = notice(event, names: names)
        let params = (try? RPCCodec.encoder.encode(notice)) ?? Data("{}".utf8)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(head.count + params.count + 2)
        buffer.writeBytes(head)
        buffer.writeBytes(params)
        buffer.writeInteger(UInt8(ascii: "}"))
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    static func notice(_ event: LiveEvent, names: [Int64: String]) -> LiveEventNotice {
        if let peer = event.peer {
            // A peer session: its two heads, never a teacher or a coach (and never its notes).
            return LiveEventNotice(
                seq: event.seq, at: InstantFormat.rfc3339(event.at, offsetSeconds: 0, zulu: true),
                kind: event.kind.rawValue, school: event.school, pair: nil, teacher: nil, teacherName: nil,
                coach: nil, coachName: nil, dropin: nil, item: nil, peer: peer, session: event.session,
                a: event.teacher, aName: event.teacher.flatMap { names[$0] }, b: event.coach,
                bName: event.coach.flatMap { names[$0] })
        }
        return LiveEventNotice(
            seq: event.seq, at: InstantFormat.rfc3339(event.at, offsetSeconds: 0, zulu: true),
            kind: event.kind.rawValue,
            school: event.school, pair: event.pair, teacher: event.teacher,
            teacherName: event.teacher.flatMap { names[$0] },
            coach: event.coach, coachName: event.coach.flatMap { names[$0] }, dropin: event.dropIn,
            item: event.due?.rawValue)
    }

    /// The final notice to a subscriber that fell behind.
    static func overflowLine(limit: Int) -> ByteBuffer {
        let notice = EventsOverflowNotice(
            limit: limit,
            hint: "read events faster, or subscribe again with since set to the last seq received")
        let params = (try? RPCCodec.encoder.encode(notice)) ?? Data("{}".utf8)
        var buffer = ByteBuffer()
        buffer.writeBytes(Array(#"{"jsonrpc":"2.0","method":"events.overflow","params":"#.utf8))
        buffer.writeBytes(params)
        buffer.writeBytes(Array("}\n".utf8))
        return buffer
    }
}
