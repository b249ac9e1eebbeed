import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 14, finishing the programme through the service: supervision meetings due per term,
/// cancelling a peer session, the journal entries of the programme's changes (ids, never text) and
/// live events of peer sessions for those who may see them.
@Suite("The service: supervision due, cancelled sessions, the programme's journal and events")
struct PeerFinishServiceTests {
    typealias T = PeerGroupsServiceTests
    static let retention = EventRetention(days: 14)

    func trust() async throws -> T.Trust { try await PeerGroupsServiceTests().trust() }

    func lines(_ t: T.Trust, _ event: String) -> [String] {
        t.f.log.all.filter { $0.contains("coachd.event=\(event)") && !$0.contains("coachd.event=\(event)_") }
    }

    // MARK: Supervision meetings due

    @Test func aGroupsMeeting_isDueOncePerTerm_raisedOnce_andSeenByItsMembersTrustLeadsAndAdminsOnly() async throws {
        let t = try await trust()
        let s = t.service
        let group = try await s.groupsCreate(
            .init(region: t.northRegion, name: "North heads", members: Array(t.heads.prefix(3))), T.north[0]
        ).id
        await t.f.timer.fire()
        let due = lines(t, "supervision.due")
        #expect(due.count == 1, "\(t.f.log.all)")
        #expect(due.first?.contains("coachd.group=\(group)") == true)
        #expect(due.first?.contains("coachd.term=Autumn 2026") == true)
        #expect(due.first?.contains("coachd.due_date=2026-11-02") == true)
        #expect(due.first?.contains("Head 0") == false)
        // Created while the daemon runs, in a term already begun: due in the past, but not missed.
        #expect(due.first?.contains("coachd.catch_up=false") == true)
        await t.f.timer.fire()
        #expect(lines(t, "supervision.due").count == 1, "raised once")

        for (peer, seen) in [
            (T.north[0], true), (T.north[2], true), (T.trustLead, true), (Peers.admin, true), (T.south, false),
            (T.teacher, false),
        ] {
            let items = try await s.dueList(.init(), peer).items.filter { $0.kind == "supervision" }
            #expect(items.map(\.group) == (seen ? [group] : []), "\(peer)")
            for item in items {
                #expect(item.pair == group && item.groupName == "North heads" && item.term == "Autumn 2026")
                #expect(item.teacher == 0 && item.teacherName == "" && item.coachName == "")
                #expect(item.dueDate == "2026-11-02" && !item.overdue)
            }
        }
        // The last day of the term has passed with no meeting held: overdue, raised once.
        t.f.clock.set(utcDate("2026-12-19T00:00:01Z"))
        await t.f.timer.fire()
        await t.f.timer.fire()
        #expect(lines(t, "supervision.overdue").count == 1)
        let overdue = try await s.dueList(.init(overdueOnly: true), T.north[1]).items
        #expect(overdue.map(\.kind) == ["supervision"] && overdue.first?.overdue == true)
    }

    @Test func groupsList_showsAHeadTheirOwnGroup_trustLeadsEveryGroup_andNoOneElseAnything() async throws {
        let t = try await trust()
        let s = t.service
        let group = try await s.groupsCreate(
            .init(region: t.northRegion, name: "North heads", members: Array(t.heads.prefix(3))), Peers.admin
        ).id
        let meeting = try await s.groupsScheduleMeeting(
            .init(group: group, start: "2026-11-23T08:00", minutes: 90), T.north[1]
        ).id
        _ = try await s.groupsCompleteMeeting(.init(meeting: meeting, attended: [t.heads[0], t.heads[1]]), T.north[1])

        let own = try await s.groupsList(.init(), T.north[2]).groups
        #expect(own.map(\.id) == [group])
        #expect(own.first?.name == "North heads" && own.first?.regionName == "North")
        #expect(own.first?.members.map(\.name) == ["Head 0", "Head 1", "Head 2"])
        #expect(own.first?.meetings.map(\.id) == [meeting])
        #expect(own.first?.meetings.first?.attended == [t.heads[0], t.heads[1]])
        #expect(own.first?.meetings.first?.start == "2026-11-23T08:00:00+00:00")
        #expect(own.first?.meetings.first?.completedAt != nil)

        for peer in [T.trustLead, Peers.admin] {
            #expect(try await s.groupsList(.init(), peer).groups.map(\.id) == [group], "\(peer)")
            #expect(try await s.groupsList(.init(region: t.northRegion), peer).groups.map(\.id) == [group])
            #expect(try await s.groupsList(.init(region: t.southRegion), peer).groups.isEmpty)
        }
        // A head of no group, a teacher: nothing (there is nothing of theirs), not a refusal.
        #expect(try await s.groupsList(.init(), T.south).groups.isEmpty)
        #expect(try await s.groupsList(.init(), T.teacher).groups.isEmpty)
        #expect(try await s.groupsList(.init(region: t.northRegion), T.south).groups.isEmpty)
        // An unknown region is named (regions are no secret).
        await #expect(throws: DomainError.self) { try await s.groupsList(.init(region: 999), T.trustLead) }
        do {
            _ = try await s.groupsList(.init(region: 999), T.trustLead)
        } catch let error as DomainError {
            #expect(error.kind == .notFound && error.field == "region")
        }
    }

    @Test func aRefusalOfASession_pointsAtThePeerLists_notTheTeachersPairs() async throws {
        let t = try await trust()
        let session = try await t.service.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-20T09:00", mode: "inPerson", firstCoach: t.heads[0]), T.north[0]
        ).id
        do {
            _ = try await t.service.sessionsCancel(.init(session: session, reason: "x"), T.north[2])
            Issue.record("a head of another pair cancelled the session")
        } catch let error as DomainError {
            #expect(error.kind == .permissionDenied)
            #expect(error.message == "session \(session) was not found or is not yours")
            #expect(error.hint?.contains("coachctl peer list") == true)
            #expect(error.hint?.contains("pair list shows the pairs") == false)
        }
    }

    @Test func aHeldMeetingInTheTerm_makesItDone_aScheduledOneDoesNot() async throws {
        let t = try await trust()
        let s = t.service
        let group = try await s.groupsCreate(
            .init(region: t.northRegion, name: "North heads", members: Array(t.heads.prefix(3))), Peers.admin
        ).id
        let meeting = try await s.groupsScheduleMeeting(
            .init(group: group, start: "2026-11-23T08:00", minutes: 90), T.north[1]
        ).id
        #expect(try await s.dueList(.init(), T.north[0]).items.contains { $0.kind == "supervision" })
        _ = try await s.groupsCompleteMeeting(.init(meeting: meeting, attended: [t.heads[0], t.heads[1]]), T.north[1])
        #expect(try await s.dueList(.init(), T.north[0]).items.allSatisfy { $0.kind != "supervision" })
        t.f.clock.set(utcDate("2026-12-20T12:00:00Z"))
        await t.f.timer.fire()
        #expect(lines(t, "supervision.overdue").isEmpty)
        // The journal says a meeting was held by how many, never who or a theme.
        let held = lines(t, "group.meeting_held")
        #expect(held.count == 1 && held[0].contains("coachd.attended=2") && held[0].contains("coachd.group=\(group)"))
        #expect(lines(t, "group.meeting_scheduled").first?.contains("coachd.subject=\(meeting)") == true)
        #expect(lines(t, "group.created").first?.contains("coachd.region=\(t.northRegion)") == true)
    }

    // MARK: sessions.cancel

    @Test func sessionsCancel_byEitherHeadOrAnAdmin_keepsTheReasonForTheTwo_andRefusesADoneOne() async throws {
        let t = try await trust()
        let s = t.service
        let booked = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-25T13:00", mode: "video", firstCoach: t.heads[0]), T.north[0])
        // The trust lead sees the session but does not run it; another head hears nothing.
        for peer in [T.trustLead, T.north[1]] {
            let refused = await wireError {
                _ = try await s.sessionsCancel(.init(session: booked.id, reason: "no"), peer)
            }
            #expect(refused?.name == .permissionDenied)
            #expect(refused?.message.contains("was not found or is not yours") == true)
        }
        #expect(
            await wireError {
                _ = try await s.sessionsCancel(.init(session: booked.id, reason: "bad\u{1B}[2J"), T.south)
            }?.name == .invalidParams)
        let cancelled = try await s.sessionsCancel(
            .init(session: booked.id, reason: "PRIVATE-REASON an inspection"), T.south)
        #expect(cancelled.status == "cancelled" && cancelled.cancelReason == "PRIVATE-REASON an inspection")
        #expect(cancelled.cancelledAt != nil)
        // The reason is the two heads'; the trust lead reads the status and when.
        let seen = try await s.sessionsList(.init(peer: t.pair), T.trustLead).sessions
        #expect(seen.map(\.status) == ["cancelled"] && seen[0].cancelReason == nil && seen[0].cancelledAt != nil)
        #expect(try await s.sessionsList(.init(peer: t.pair), T.north[0]).sessions[0].cancelReason != nil)
        let twice = await wireError {
            _ = try await s.sessionsCancel(.init(session: booked.id, reason: "x"), T.north[0])
        }
        #expect(twice?.name == .invalidState && twice?.message.contains("already cancelled") == true)
        t.f.clock.set(utcDate("2026-11-26T09:00:00Z"))
        #expect(
            await wireError { _ = try await s.sessionsComplete(.init(session: booked.id), T.north[0]) }?.name
                == .invalidState)

        // A done session stays on the record.
        let held = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-25T15:00", mode: "phone", firstCoach: t.heads[3]), Peers.admin)
        _ = try await s.sessionsComplete(.init(session: held.id, notes: "PRIVATE-NOTES"), T.south)
        let done = await wireError { _ = try await s.sessionsCancel(.init(session: held.id, reason: "x"), Peers.admin) }
        #expect(done?.name == .invalidState && done?.message.contains("already logged as done") == true)
        #expect(done?.data?.hint?.contains("book the next one") == true)
        // An admin may cancel a booked one.
        let third = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-12-02T13:00", mode: "video", firstCoach: t.heads[0]), T.north[0])
        #expect(try await s.sessionsCancel(.init(session: third.id, reason: "clash"), Peers.admin).cancelReason == nil)

        let journal = lines(t, "session.cancelled")
        #expect(journal.count == 2 && journal[0].contains("coachd.peer_pair=\(t.pair)"))
        #expect(!t.f.log.text.contains("PRIVATE-"))
    }

    @Test func aCancelledSession_isNotDone_forTheDueList() async throws {
        let t = try await trust()
        let s = t.service
        let booked = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-23T08:00", mode: "video", firstCoach: t.heads[0]), T.north[0])
        _ = try await s.sessionsCancel(.init(session: booked.id, reason: "ill"), T.north[0])
        let items = try await s.dueList(.init(), T.north[0]).items.filter { $0.kind == "session" }
        #expect(items.map(\.pair) == [t.pair])
        let report = try await s.reportsProgramme(.init(), T.trustLead)
        #expect(report.totals.sessionsDone == 0 && report.totals.sessionsDue == 1)
    }

    // MARK: The journal of agreements and themes

    @Test func agreementsAndThemes_areJournalled_withIdsAndKindsOnly() async throws {
        let t = try await trust()
        let s = t.service
        let agreement = try await s.agreementsSet(
            .init(peer: t.pair, text: "SECRET-AGREEMENT", coachExpectations: "SECRET-COACH"), T.north[0]
        ).id
        _ = try await s.agreementsAccept(.init(agreement: agreement), T.south)
        #expect(lines(t, "agreement.set").first?.contains("coachd.version=1") == true)
        #expect(lines(t, "agreement.accepted").first?.contains("coachd.active=true") == true)

        let theme = try await s.themesAdd(.init(peer: t.pair, kind: "impact", text: "SECRET-THEME"), T.north[0]).id
        #expect(lines(t, "theme.added").first?.contains("coachd.kind=impact") == true)
        _ = try await s.themesConsent(.init(theme: theme, consent: true), T.north[0])
        #expect(lines(t, "theme.shared").isEmpty, "one of two consents shares nothing")
        _ = try await s.themesConsent(.init(theme: theme, consent: true), T.south)
        #expect(lines(t, "theme.shared").count == 1)
        _ = try await s.themesConsent(.init(theme: theme, consent: true), T.south)
        #expect(lines(t, "theme.shared").count == 1, "consenting again changes nothing")
        _ = try await s.themesConsent(.init(theme: theme, consent: false), T.north[0])
        let withdrawn = lines(t, "theme.withdrawn")
        #expect(withdrawn.count == 1 && withdrawn[0].contains("coachd.subject=\(theme)"))
        #expect(withdrawn[0].contains("coachd.peer_pair=\(t.pair)"))
        #expect(!t.f.log.text.contains("SECRET"))
    }

    // MARK: Live events of peer sessions

    @Test func sessionEvents_reachTheTwoHeadsTrustLeadsAndAdmins_withoutNotes() async throws {
        let t = try await trust()
        let s = t.service
        func subscribe(_ peer: Peer) async throws -> RecordingSink {
            let sink = RecordingSink()
            _ = try await s.eventsSubscribe(.init(), peer, outlet: sink)
            return sink
        }
        let headA = try await subscribe(T.north[0])
        let headB = try await subscribe(T.south)
        let trustLead = try await subscribe(T.trustLead)
        let admin = try await subscribe(Peers.admin)
        let otherHead = try await subscribe(T.north[1])
        let teacher = try await subscribe(T.teacher)
        await s.events.pump(retention: Self.retention)

        let first = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-23T08:00", mode: "video", firstCoach: t.heads[0]), T.north[0])
        _ = try await s.sessionsComplete(.init(session: first.id, notes: "SECRET-NOTES"), T.south)
        let second = try await s.sessionsSchedule(
            .init(peer: t.pair, start: "2026-12-01T13:00", mode: "video", firstCoach: t.heads[0]), T.north[0])
        _ = try await s.sessionsCancel(.init(session: second.id, reason: "SECRET-REASON"), T.north[0])
        await s.events.pump(retention: Self.retention)

        let kinds = ["session.booked", "session.done", "session.booked", "session.cancelled"]
        for sink in [headA, headB, trustLead, admin] {
            #expect(sink.notices.map(\.kind) == kinds)
            #expect(!sink.texts.joined().contains("SECRET"))
        }
        #expect(otherHead.notices.isEmpty && teacher.notices.isEmpty)
        let notice = try #require(headB.notices.last)
        #expect(notice.peer == t.pair && notice.session == second.id)
        #expect(notice.aName == "Head 0" && notice.bName == "Head 3")
        #expect(notice.teacher == nil && notice.coach == nil && notice.pair == nil)
    }
}

/// An instant from RFC 3339 text, for moving the fixture's clock.
private func utcDate(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text)!
}
