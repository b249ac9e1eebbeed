import CoachDomain
import Foundation
import Testing

/// One supervision meeting per group per term: due from the term's first day, overdue after its
/// last, done by a held meeting inside one of its periods.
@Suite("Supervision meetings due")
struct SupervisionDueTests {
    let group = SupervisionGroup(
        id: 4, region: 1, name: "North", members: [1, 2, 3], createdAt: utc("2026-10-01T12:00:00Z"))
    let periods = [
        Period(id: 2, name: "Autumn 2", term: "Autumn 2026", range: range("2026-11-02", "2026-12-18")),
        Period(id: 1, name: "Autumn 1", term: "Autumn 2026", range: range("2026-09-02", "2026-10-23")),
        Period(id: 3, name: "Summer 1", term: "Summer 2026", range: range("2026-04-13", "2026-05-22")),
        Period(id: 4, name: "Spring 1", term: "Spring 2027", range: range("2027-01-05", "2027-02-12")),
    ]

    func meeting(_ start: String, held: Bool = true, group: Int64 = 4) -> GroupMeeting {
        GroupMeeting(
            id: 1, group: group, start: utc(start), minutes: 90, completedAt: held ? utc(start) : nil,
            attended: held ? [1, 2] : [])
    }

    func dues(_ meetings: [GroupMeeting], createdOn: String = "2026-10-01") -> [SupervisionDue] {
        PeerGroupRules.supervisionDues(
            group, createdOn: day(createdOn), periods: periods, meetings: meetings, calendar: plainCalendar())
    }

    @Test func termsAreThePeriodsSharingAName_fromTheFirstDayToTheLast() {
        let terms = PeerGroupRules.terms(periods)
        #expect(terms.map(\.name) == ["Summer 2026", "Autumn 2026", "Spring 2027"])
        let autumn = terms[1]
        #expect(autumn.firstDay == day("2026-09-02") && autumn.lastDay == day("2026-12-18"))
        #expect(autumn.periods.map(\.id) == [1, 2])
        // The half-term break is not in the term's periods.
        #expect(autumn.contains(day("2026-10-01")) && !autumn.contains(day("2026-10-28")))
        #expect(PeerGroupRules.terms([]).isEmpty)
    }

    @Test func onePerTerm_fromItsFirstDay_overdueAfterItsLast_notBeforeTheGroupExisted() {
        let owed = dues([])
        // Summer 2026 ended before the group was created: it owes nothing for it.
        #expect(owed.map(\.term) == ["Autumn 2026", "Spring 2027"])
        let autumn = owed[0]
        #expect(autumn.group == 4 && autumn.groupName == "North")
        #expect(autumn.dueDate == day("2026-09-02") && autumn.lastDay == day("2026-12-18"))
        // London midnights: summer time in September, GMT in December.
        #expect(autumn.dueAt == utc("2026-09-01T23:00:00Z") && autumn.overdueAt == utc("2026-12-19T00:00:00Z"))
        #expect(!autumn.isOverdue(at: utc("2026-12-18T23:59:00Z")) && autumn.isOverdue(at: utc("2026-12-19T00:00:00Z")))
        #expect(
            autumn.transitions.map(\.key) == ["supervision:4:Autumn 2026:due", "supervision:4:Autumn 2026:overdue"])
        // Created on the term's last day, it still owes that term.
        #expect(dues([], createdOn: "2026-12-18").map(\.term) == ["Autumn 2026", "Spring 2027"])
        #expect(dues([], createdOn: "2026-12-19").map(\.term) == ["Spring 2027"])
    }

    @Test func aHeldMeetingInTheTerm_isDone_aScheduledOneOrAnotherGroupsIsNot() {
        func done(_ meetings: [GroupMeeting]) -> [Bool] { dues(meetings).map(\.done) }
        #expect(done([meeting("2026-11-10T16:00:00Z")]) == [true, false])
        // Either period of the term counts.
        #expect(done([meeting("2026-09-10T16:00:00Z")]) == [true, false])
        #expect(done([meeting("2026-11-10T16:00:00Z", held: false)]) == [false, false])
        #expect(done([meeting("2026-11-10T16:00:00Z", group: 5)]) == [false, false])
        // In the half-term break, or in another term, it counts for none of this term.
        #expect(done([meeting("2026-10-28T16:00:00Z")]) == [false, false])
        #expect(done([meeting("2027-01-06T16:00:00Z")]) == [false, true])
        #expect(dues([meeting("2026-11-10T16:00:00Z")]).first?.transitions.isEmpty == true)
        #expect(
            PeerGroupRules.supervisionDues(
                group, createdOn: day("2026-10-01"), periods: [], meetings: [], calendar: plainCalendar()
            ).isEmpty)
    }
}

/// A peer session may be cancelled while booked only; its live events reach its two heads, trust
/// leads and admins, never a school's lead.
@Suite("Cancelling peer sessions and who sees their events")
struct PeerSessionCancelTests {
    func session(done: Bool = false, cancelled: Bool = false) -> PeerSession {
        PeerSession(
            id: 3, peer: 7, start: utc("2026-11-25T13:00:00Z"), minutes: 120, mode: .video, firstCoach: 1,
            completedAt: done ? utc("2026-11-25T15:00:00Z") : nil,
            cancelledAt: cancelled ? utc("2026-11-24T09:00:00Z") : nil)
    }

    func refusal(_ session: PeerSession) -> DomainError? {
        do {
            try PeerRules.checkCanCancel(session)
            return nil
        } catch { return error }
    }

    @Test func aBookedSession_mayBeCancelled_aDoneOrCancelledOneMayNot() {
        #expect(refusal(session()) == nil)
        let done = refusal(session(done: true))
        #expect(done?.kind == .invalidState && done?.message.contains("already logged as done") == true)
        #expect(done?.field == "session" && done?.hint != nil)
        #expect(refusal(session(cancelled: true))?.message.contains("already cancelled") == true)
    }

    @Test func aSessionsEvent_reachesItsHeadsTrustLeadsAndAdmins_notASchoolsLead() {
        let event = LiveEvent(
            at: utc("2026-11-24T09:00:00Z"), kind: .sessionCancelled, school: 1, teacher: 10, coach: 20, peer: 7,
            session: 3)
        #expect(EventAudience(isAdmin: true, person: nil, school: nil, leads: false).sees(event))
        #expect(EventAudience(isAdmin: false, person: 10, school: 1, leads: false).sees(event))
        // Head b is in another school; a school filter does not hide their own pair's session.
        #expect(EventAudience(isAdmin: false, person: 20, school: 2, leads: false, only: 2).sees(event))
        #expect(EventAudience(isAdmin: false, person: 30, school: 5, leads: false, overseesPeers: true).sees(event))
        #expect(
            !EventAudience(isAdmin: false, person: 30, school: 5, leads: false, only: 5, overseesPeers: true)
                .sees(event))
        // A school's lead, a teacher of head a's school, another head: nothing.
        #expect(!EventAudience(isAdmin: false, person: 40, school: 1, leads: true).sees(event))
        #expect(!EventAudience(isAdmin: false, person: 41, school: 1, leads: false).sees(event))
        #expect(!EventAudience(isAdmin: false, person: nil, school: nil, leads: false, overseesPeers: true).sees(event))
    }
}
