import CoachDomain
import Foundation
import Testing

/// Issue 14's rules for peer pairs, periods and sessions, without a store.
@Suite("The peer programme's rules")
struct PeerProgrammeTests {
    func head(
        _ id: Int64, region: Int64?, roles: Set<Role> = [.head], accredited: Bool = true, active: Bool = true
    ) -> PeerCandidate {
        PeerCandidate(
            person: Person(
                id: id, name: "Head \(id)", school: id, roles: roles, uid: id, login: nil, active: active,
                accreditedOn: accredited ? day("2026-07-01") : nil),
            region: region)
    }

    func refusal(_ a: PeerCandidate, _ b: PeerCandidate) -> DomainError? {
        do {
            try PeerRules.checkPair(a, b)
            return nil
        } catch { return error }
    }

    @Test func twoAccreditedHeads_ofDifferentRegions_arePaired() {
        #expect(refusal(head(1, region: 1), head(2, region: 2)) == nil)
    }

    @Test func eachRefusal_namesItsRule_andTheHead() throws {
        let sameRegion = try #require(refusal(head(1, region: 1), head(2, region: 1)))
        #expect(sameRegion.message.contains("different regions") && sameRegion.field == "b")
        let notHead = try #require(refusal(head(1, region: 1), head(2, region: 2, roles: [.teacher])))
        #expect(notHead.message.contains("must be heads") && notHead.message.contains("Head 2"))
        #expect(notHead.field == "b")
        let notAccredited = try #require(refusal(head(1, region: 1, accredited: false), head(2, region: 2)))
        #expect(notAccredited.message.contains("accredited") && notAccredited.field == "a")
        let noRegion = try #require(refusal(head(1, region: nil), head(2, region: 2)))
        #expect(noRegion.message.contains("in a region") && noRegion.field == "a")
        let themselves = try #require(refusal(head(1, region: 1), head(1, region: 1)))
        #expect(themselves.message.contains("themselves"))
        let inactive = try #require(refusal(head(1, region: 1), head(2, region: 2, active: false)))
        #expect(inactive.kind == .invalidState && inactive.message.contains("deactivated"))
        #expect([sameRegion, notHead, notAccredited, noRegion].allSatisfy { $0.message.hasPrefix("rule:") })
    }

    @Test func periods_neverOverlap_andTheClashIsNamed() throws {
        let autumn1 = Period(id: 1, name: "Autumn 1", term: "Autumn 2026", range: range("2026-09-02", "2026-10-23"))
        try PeerRules.checkPeriod(range("2026-11-02", "2026-12-18"), against: [autumn1])
        // Touching on one day is overlapping; the day after is not.
        try PeerRules.checkPeriod(range("2026-10-24", "2026-10-30"), against: [autumn1])
        #expect(throws: DomainError.self) {
            try PeerRules.checkPeriod(range("2026-10-23", "2026-12-18"), against: [autumn1])
        }
        do {
            try PeerRules.checkPeriod(range("2026-08-01", "2026-12-31"), against: [autumn1])
            Issue.record("an enclosing period was accepted")
        } catch {
            #expect(error.kind == .conflict && error.message.contains("Autumn 1"))
        }
        #expect(throws: DomainError.self) { try PeerRules.checkPeriod(range("2026-01-01", "2026-12-31"), against: []) }
    }

    @Test func periodContaining_andThePreviousOne() {
        let periods = [
            Period(id: 1, name: "Autumn 1", term: "Autumn 2026", range: range("2026-09-02", "2026-10-23")),
            Period(id: 2, name: "Autumn 2", term: "Autumn 2026", range: range("2026-11-02", "2026-12-18")),
        ]
        #expect(PeerRules.period(containing: day("2026-11-10"), in: periods)?.id == 2)
        #expect(PeerRules.period(containing: day("2026-10-28"), in: periods) == nil)
        #expect(PeerRules.previousPeriod(before: day("2026-11-10"), in: periods)?.id == 1)
        // Between periods: the one that ended last.
        #expect(PeerRules.previousPeriod(before: day("2026-10-28"), in: periods)?.id == 1)
        #expect(PeerRules.previousPeriod(before: day("2026-09-10"), in: periods) == nil)
    }

    @Test func aSession_hasTwoHalves_withTheRolesSwapped() {
        let pair = PeerPair(id: 1, a: 10, b: 20, createdAt: Date(timeIntervalSince1970: 0))
        let start = utc("2026-11-10T09:00:00Z")
        let session = PeerSession(id: 1, peer: 1, start: start, minutes: 121, mode: .video, firstCoach: 20)
        let halves = session.halves(of: pair)
        #expect(halves.count == 2)
        #expect(halves[0].coach == 20 && halves[0].learner == 10)
        #expect(halves[1].coach == 10 && halves[1].learner == 20)
        #expect(halves[0].start == start && halves[0].end == halves[1].start && halves[1].end == session.end)
        #expect(halves[0].end == start.addingTimeInterval(61 * 60))
    }

    @Test func firstCoach_minutes_andMode_areChecked() {
        let pair = PeerPair(id: 1, a: 10, b: 20, createdAt: Date(timeIntervalSince1970: 0))
        #expect(throws: Never.self) { try PeerRules.checkFirstCoach(10, of: pair) }
        #expect(throws: DomainError.self) { try PeerRules.checkFirstCoach(30, of: pair) }
        #expect(throws: DomainError.self) { try PeerRules.checkMinutes(0) }
        #expect(throws: DomainError.self) { try PeerRules.checkMinutes(Int.max) }
        #expect(throws: Never.self) { try PeerRules.checkMinutes(120) }
        #expect((try? PeerRules.mode("inPerson")) == .inPerson)
        #expect(throws: DomainError.self) { try PeerRules.mode("in person") }
    }
}

/// One session per pair per period: due from its first day, overdue after its last, done by a
/// logged session inside it.
@Suite("Peer sessions due")
struct SessionDueTests {
    let pair = PeerPair(id: 7, a: 1, b: 2, createdAt: utc("2026-10-01T12:00:00Z"))
    let periods = [
        Period(id: 1, name: "Autumn 1", term: "Autumn 2026", range: range("2026-09-02", "2026-10-23")),
        Period(id: 2, name: "Autumn 2", term: "Autumn 2026", range: range("2026-11-02", "2026-12-18")),
        Period(id: 3, name: "Summer 1", term: "Summer 2026", range: range("2026-04-13", "2026-05-22")),
    ]

    func session(_ start: String, done: Bool = true, cancelled: Bool = false) -> PeerSession {
        PeerSession(
            id: 1, peer: 7, start: utc(start), minutes: 120, mode: .video, firstCoach: 1,
            completedAt: done ? utc(start) : nil, cancelledAt: cancelled ? utc(start) : nil)
    }

    @Test func onePerPeriod_fromItsFirstDay_overdueAfterItsLast_notBeforeThePairExisted() {
        let dues = PeerRules.sessionsDue(
            pair, createdOn: day("2026-10-01"), periods: periods, sessions: [], calendar: plainCalendar())
        #expect(dues.map(\.period) == [1, 2])
        let autumn2 = dues[1]
        #expect(autumn2.dueAt == utc("2026-11-02T00:00:00Z") && autumn2.overdueAt == utc("2026-12-19T00:00:00Z"))
        #expect(
            !autumn2.isOverdue(at: utc("2026-12-18T23:59:00Z")) && autumn2.isOverdue(at: utc("2026-12-19T00:00:00Z")))
        #expect(autumn2.transitions.map(\.key) == ["session:7:2:due", "session:7:2:overdue"])
        // In summer time the midnights are London's.
        let summer = PeerRules.sessionsDue(
            pair, createdOn: day("2026-01-01"), periods: periods, sessions: [], calendar: plainCalendar())
        #expect(summer.first { $0.period == 3 }?.dueAt == utc("2026-04-12T23:00:00Z"))
    }

    @Test func aLoggedSessionInThePeriod_isDone_aBookedOrCancelledOneIsNot() {
        func dues(_ sessions: [PeerSession]) -> [Bool] {
            PeerRules.sessionsDue(
                pair, createdOn: day("2026-10-01"), periods: periods, sessions: sessions, calendar: plainCalendar()
            ).map(\.done)
        }
        #expect(dues([session("2026-11-10T09:00:00Z")]) == [false, true])
        #expect(dues([session("2026-11-10T09:00:00Z", done: false)]) == [false, false])
        #expect(dues([session("2026-11-10T09:00:00Z", cancelled: true)]) == [false, false])
        // Between periods it counts for none.
        #expect(dues([session("2026-10-28T09:00:00Z")]) == [false, false])
        #expect(
            PeerRules.sessionsDue(
                pair, createdOn: day("2026-10-01"), periods: periods, sessions: [session("2026-10-05T09:00:00Z")],
                calendar: plainCalendar()
            ).first?.transitions.isEmpty == true)
        var ended = pair
        ended.active = false
        #expect(
            PeerRules.sessionsDue(
                ended, createdOn: day("2026-10-01"), periods: periods, sessions: [], calendar: plainCalendar()
            ).isEmpty)
    }
}
