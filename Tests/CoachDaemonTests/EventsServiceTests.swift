import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import CoachDaemon

/// A subscriber's connection, recorded: every line pushed to it, decoded.
final class RecordingSink: EventSink {
    private let state = NIOLockedValueBox<
        (lines: [ByteBuffer], closed: Bool, enabled: Bool, onClose: [@Sendable () -> Void])
    >(
        ([], false, false, []))

    func enablePush(queueLimit: Int, overflow: ByteBuffer) { state.withLockedValue { $0.enabled = true } }
    func push(_ line: ByteBuffer) { state.withLockedValue { $0.lines.append(line) } }
    func close() {
        let bodies = state.withLockedValue { state -> [@Sendable () -> Void] in
            state.closed = true
            defer { state.onClose = [] }
            return state.onClose
        }
        for body in bodies { body() }
    }
    var isClosed: Bool { state.withLockedValue { $0.closed } }
    func onClose(_ body: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state -> Bool in
            if state.closed { return true }
            state.onClose.append(body)
            return false
        }
        if now { body() }
    }

    /// The raw lines, as text.
    var texts: [String] { state.withLockedValue { $0.lines.map { String(buffer: $0) } } }

    /// The `events.event` notices received, in order.
    var notices: [LiveEventNotice] {
        texts.compactMap { text in
            struct Envelope: Decodable {
                var method: String
                var params: LiveEventNotice
            }
            guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(text.utf8)),
                envelope.method == "events.event"
            else { return nil }
            return envelope.params
        }
    }
}

/// Issue 12's live events through the service: who receives what (the `pairs.show` rule), that no
/// text ever goes out, that `since` replays each missed event once, and the retention window.
@Suite("The service: live events")
struct EventsServiceTests {
    static let retention = EventRetention(days: 14)

    func subscribe(_ f: ServiceFixture, _ peer: Peer, since: Int64? = nil, school: Int64? = nil) async throws
        -> (RecordingSink, Int64)
    {
        let sink = RecordingSink()
        let seq = try await f.service.eventsSubscribe(.init(since: since, school: school), peer, outlet: sink).seq
        return (sink, seq)
    }

    @Test func eachSubscriber_receivesOnlyEventsAboutPairsItMaySee_andNeverText() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let (teacher, _) = try await subscribe(f, Peers.teacher)
        let (lead, _) = try await subscribe(f, Peers.lead)
        let (otherTeacher, _) = try await subscribe(f, Peers.otherTeacher)
        let (otherLead, _) = try await subscribe(f, Peers.otherLead)
        let (admin, _) = try await subscribe(f, Peers.admin)
        await f.service.events.pump(retention: Self.retention)

        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "SECRET-FOCUS"), Peers.teacher)
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(3600 * 2))
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id, notes: "SECRET-NOTE"), Peers.coach)
        _ = try await f.service.followUpsComplete(.init(dropin: booked.id, notes: "SECRET-AGREEMENT"), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "SECRET-ADAPTATION"), Peers.teacher)
        _ = try await f.service.addClosure(
            .init(school: f.school, from: "2026-12-01", to: "2026-12-01", reason: "SECRET-REASON"), Peers.lead)
        await f.service.events.pump(retention: Self.retention)

        let kinds = ["dropin.booked", "dropin.done", "followup.done", "adaptation.set", "calendar.changed"]
        #expect(teacher.notices.map(\.kind) == kinds)
        #expect(lead.notices.map(\.kind) == kinds)
        #expect(admin.notices.map(\.kind) == kinds)
        // Bo is in another pair: the school's calendar only. The other school's lead: nothing.
        #expect(otherTeacher.notices.map(\.kind) == ["calendar.changed"])
        #expect(otherLead.notices.isEmpty)
        let booking = try #require(teacher.notices.first)
        #expect(booking.pair == f.pair && booking.teacherName == "Ada" && booking.coachName == "Cy")
        #expect(booking.dropin == booked.id && booking.school == f.school)
        for sink in [teacher, lead, admin, otherTeacher] {
            #expect(!sink.texts.joined().contains("SECRET"))
        }
        // Sequence numbers increase by one: nothing lost, nothing twice.
        let seqs = admin.notices.map(\.seq)
        #expect(seqs == Array(seqs.first!...seqs.last!))
    }

    @Test func aSchoolFilter_narrowsTheStream_andAnotherSchoolIsRefused() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        let (admin, _) = try await subscribe(f, Peers.admin, school: f.school + 1)
        await f.service.events.pump(retention: Self.retention)
        _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        await f.service.events.pump(retention: Self.retention)
        #expect(admin.notices.isEmpty)
        let refused = await wireError { _ = try await subscribe(f, Peers.lead, school: f.school + 1) }
        #expect(refused?.name == .permissionDenied)
        #expect(refused?.message.contains("was not found or is not yours") == true)
        #expect(await wireError { _ = try await subscribe(f, Peers.stranger) }?.name == .permissionDenied)
    }

    @Test func since_replaysEachMissedEventOnce_thenTheLiveOnes() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        let (first, start) = try await subscribe(f, Peers.lead)
        await f.service.events.pump(retention: Self.retention)
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        await f.service.events.pump(retention: Self.retention)
        #expect(first.notices.map(\.kind) == ["dropin.booked"])
        // Disconnected after the first event; two more happen meanwhile.
        first.close()
        f.clock.set(ServiceFixture.monday.addingTimeInterval(3600 * 2))
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id), Peers.coach)
        _ = try await f.service.pairsEnd(.init(pair: f.pair, reason: "left"), Peers.lead)
        let (again, now) = try await subscribe(f, Peers.lead, since: first.notices.last!.seq)
        #expect(now == start + 3)  // booked, done, ended
        await f.service.events.pump(retention: Self.retention)
        _ = try await f.service.addTerm(
            .init(school: f.school, name: "Spring", from: "2027-01-05", to: "2027-03-26"), Peers.lead)
        await f.service.events.pump(retention: Self.retention)
        await f.service.events.pump(retention: Self.retention)
        let seqs = again.notices.map(\.seq)
        #expect(again.notices.map(\.kind).prefix(2) == ["dropin.done", "pair.ended"])
        #expect(again.notices.last?.kind == "calendar.changed")
        #expect(Set(seqs).count == seqs.count)
        #expect(seqs == seqs.sorted())
        #expect(seqs.first == first.notices.last!.seq + 1)
    }

    @Test func dueAndOverdue_areEvents_raisedOnce() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let (lead, _) = try await subscribe(f, Peers.lead)
        await f.service.events.pump(retention: Self.retention)
        await f.timer.fire()
        await f.timer.fire()
        await f.service.events.pump(retention: Self.retention)
        #expect(lead.notices.map(\.kind) == ["due", "due"])
        #expect(lead.notices.allSatisfy { $0.item == "dropin" && $0.teacherName != nil })
        let (teacher, _) = try await subscribe(f, Peers.teacher, since: 0)
        await f.service.events.pump(retention: Self.retention)
        #expect(teacher.notices.map(\.kind) == ["pair.created", "due"])
        #expect(teacher.notices.allSatisfy { $0.pair == f.pair })
    }

    @Test func aSinceOlderThanTheWindow_isRefused_sayingSo_andOldEventsArePruned() async throws {
        var f = try await ServiceFixture(configure: { $0.eventRetentionDays = 3 })
        try await f.seed()
        let (_, early) = try await subscribe(f, Peers.admin)
        #expect(early == 2)  // the two pairs created
        f.clock.advance(days: 4)
        _ = try await f.service.addTerm(
            .init(school: f.school, name: "Spring", from: "2027-01-05", to: "2027-03-26"), Peers.lead)
        await f.service.events.pump(retention: EventRetention(days: 3))
        let bounds = try await f.store.read { try $0.liveEventBounds() }
        #expect(bounds == (newest: 3, prunedThrough: 2))
        let refused = await wireError { _ = try await subscribe(f, Peers.admin, since: 1) }
        #expect(refused?.name == .invalidParams)
        #expect(refused?.message.contains("older than the retention window") == true)
        #expect(refused?.message.contains("3 days") == true)
        // Exactly at the window's edge, and ahead of the newest.
        let (edge, _) = try await subscribe(f, Peers.admin, since: 2)
        await f.service.events.pump(retention: EventRetention(days: 3))
        #expect(edge.notices.map(\.seq) == [3])
        #expect(
            await wireError { _ = try await subscribe(f, Peers.lead, since: 99) }?.message.contains("ahead") == true)
    }

    @Test func aSecondSubscriptionOnOneConnection_isRefused_andAClosedOneIsForgotten() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let sink = RecordingSink()
        _ = try await f.service.eventsSubscribe(.init(), Peers.lead, outlet: sink)
        let twice = await wireError { _ = try await f.service.eventsSubscribe(.init(), Peers.lead, outlet: sink) }
        #expect(twice?.name == .conflict)
        await f.service.events.pump(retention: Self.retention)
        #expect(await f.service.events.subscriberCount == 1)
        sink.close()
        try await Task.sleep(for: .milliseconds(50))
        #expect(await f.service.events.subscriberCount == 0)
    }

    /// What a subscriber may see follows the pairs as they are when each event happens, not as they
    /// were when it subscribed: a pair created afterwards reaches its two people (and the school's
    /// lead) at once, and once ended its people are told so and nothing of its people's next pairs
    /// reaches anyone outside them.
    @Test func aPairCreatedAfterSubscribing_isSeenByItsPeople_andEndedIsTheLastOfIt() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let eve = try await f.service.peopleAdd(
            .init(name: "Eve", school: f.school, roles: ["teacher"], uid: 5006), Peers.admin
        ).id
        let evePeer = Peer(uid: 5006, gid: 5006)
        // Eve has no pair yet when she subscribes; Bo, Cy and the lead are subscribed too.
        let (eveSink, _) = try await subscribe(f, evePeer)
        let (bo, _) = try await subscribe(f, Peers.otherTeacher)
        let (cy, _) = try await subscribe(f, Peers.coach)
        let (lead, _) = try await subscribe(f, Peers.lead)
        let (otherLead, _) = try await subscribe(f, Peers.otherLead)
        await f.service.events.pump(retention: Self.retention)

        let pair = try await f.service.pairsCreate(.init(teacher: eve, coach: f.coach), Peers.lead).id
        await f.service.events.pump(retention: Self.retention)
        _ = try await f.service.cyclesStart(.init(pair: pair, focus: "SECRET-FOCUS"), evePeer)
        _ = try await f.service.dropInsSchedule(.init(pair: pair, start: "2026-11-23T10:00"), evePeer)
        await f.service.events.pump(retention: Self.retention)
        _ = try await f.service.pairsEnd(.init(pair: pair, reason: "SECRET-REASON"), Peers.lead)
        await f.service.events.pump(retention: Self.retention)
        // After the end: Bo's pair books a drop-in; Eve is in neither pair any more.
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-24T10:00"), Peers.teacher)
        await f.service.events.pump(retention: Self.retention)

        // Ending the pair cancels its booked drop-in first.
        let ofEvesPair = ["pair.created", "dropin.booked", "dropin.cancelled", "pair.ended"]
        #expect(eveSink.notices.map(\.kind) == ofEvesPair)
        #expect(eveSink.notices.allSatisfy { $0.pair == pair && $0.teacherName == "Eve" && $0.coachName == "Cy" })
        #expect(cy.notices.filter { $0.pair == pair }.map(\.kind) == ofEvesPair)
        #expect(lead.notices.filter { $0.pair == pair }.map(\.kind) == ofEvesPair)
        #expect(bo.notices.isEmpty)
        #expect(otherLead.notices.isEmpty)
        // Ada's booking after Eve's pair ended reaches Ada's pair's people and the lead, not Eve.
        #expect(cy.notices.last?.pair == f.pair && lead.notices.last?.pair == f.pair)
        for sink in [eveSink, cy, lead] { #expect(!sink.texts.joined().contains("SECRET")) }
    }

    @Test func aPersonWhoseRolesChange_isUnsubscribed_toSubscribeAgainAsWhoTheyAreNow() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let (teacher, _) = try await subscribe(f, Peers.teacher)
        await f.service.events.pump(retention: Self.retention)
        _ = try await f.service.peopleUpdate(.init(person: f.teacher, roles: ["teacher", "lead"]), Peers.admin)
        #expect(teacher.isClosed)
    }
}

/// The audience rule on its own, as `Caller.canSee` states it for `pairs.show`.
@Suite("Live events: who sees what")
struct EventAudienceTests {
    let inPair = LiveEvent(
        at: Date(timeIntervalSince1970: 0), kind: .dropInBooked, school: 1, pair: 7, teacher: 10, coach: 11)
    let calendar = LiveEvent(at: Date(timeIntervalSince1970: 0), kind: .calendarChanged, school: 1)

    @Test func thePairsTwoPeople_theSchoolsLead_andAdmins_seeAPairsEvent() {
        #expect(EventAudience(isAdmin: false, person: 10, school: 1, leads: false).sees(inPair))
        #expect(EventAudience(isAdmin: false, person: 11, school: 1, leads: false).sees(inPair))
        #expect(EventAudience(isAdmin: false, person: 12, school: 1, leads: true).sees(inPair))
        #expect(EventAudience(isAdmin: true, person: nil, school: nil, leads: false).sees(inPair))
    }

    @Test func anotherTeacher_aHead_andAnotherSchoolsLead_doNot() {
        #expect(!EventAudience(isAdmin: false, person: 13, school: 1, leads: false).sees(inPair))
        #expect(!EventAudience(isAdmin: false, person: 14, school: 2, leads: true).sees(inPair))
        #expect(!EventAudience(isAdmin: false, person: nil, school: nil, leads: false).sees(inPair))
        #expect(!EventAudience(isAdmin: true, person: nil, school: nil, leads: false, only: 2).sees(inPair))
    }

    @Test func theCalendar_goesToTheSchoolsPeople() {
        #expect(EventAudience(isAdmin: false, person: 13, school: 1, leads: false).sees(calendar))
        #expect(!EventAudience(isAdmin: false, person: 14, school: 2, leads: true).sees(calendar))
    }

    @Test func everyRecordedChange_withALiveKind_mapsToOneOfTheWiresKinds() {
        let mapped = JournalEvent.allCases.compactMap { LiveEvent.Kind(history: $0.rawValue) }
        #expect(Set(mapped.map(\.rawValue)).isSubset(of: Set(LiveEventNotice.kinds)))
        #expect(Set(LiveEvent.Kind.allCases.map(\.rawValue)) == Set(LiveEventNotice.kinds))
        #expect(LiveEvent.Kind(history: "cycle.started") == nil)  // a focus is set: not an event
    }

    @Test func retention_refusesASinceBeforeWhatIsKept_andOneAheadOfTheNewest() {
        let retention = EventRetention(days: 14)
        #expect(retention.refusal(since: 5, prunedThrough: 5, newest: 9) == nil)
        #expect(retention.refusal(since: 9, prunedThrough: 5, newest: 9) == nil)
        #expect(retention.refusal(since: 4, prunedThrough: 5, newest: 9)?.message.contains("14 days") == true)
        #expect(retention.refusal(since: 10, prunedThrough: 5, newest: 9) != nil)
        #expect(retention.refusal(since: -1, prunedThrough: 0, newest: 9) != nil)
        let now = Date(timeIntervalSince1970: 30 * 86_400)
        #expect(retention.cutoff(now: now) == Date(timeIntervalSince1970: 16 * 86_400))
    }
}
