import CoachDomain
import Foundation
import Testing

/// Issue 14: supervision groups, learning agreements and consent to share themes, one rule a test.
@Suite("Peer groups, agreements and consent")
struct PeerGroupRulesTests {
    let now = Date(timeIntervalSince1970: 1_795_424_400)

    func head(_ id: Int64, region: Int64?, roles: Set<Role> = [.head], active: Bool = true, group: Int64? = nil)
        -> PeerGroupRules.Candidate
    {
        PeerGroupRules.Candidate(
            person: Person(
                id: id, name: "Head \(id)", school: id, roles: roles, uid: nil, login: nil, active: active),
            region: region, group: group)
    }

    func heads(_ ids: [Int64], region: Int64 = 1) -> [Int64: PeerGroupRules.Candidate] {
        Dictionary(uniqueKeysWithValues: ids.map { ($0, head($0, region: region)) })
    }

    func refusal(_ body: () throws -> Void) -> DomainError? {
        do {
            try body()
            return nil
        } catch let error as DomainError {
            return error
        } catch {
            Issue.record("not a DomainError: \(error)")
            return nil
        }
    }

    func agreement(acceptedBy: [Int64], status: AgreementStatus = .pending) -> Agreement {
        Agreement(
            id: 7, peer: 1, version: 1, text: "We listen first.", coachExpectations: nil, learnerExpectations: nil,
            proposedBy: 10, createdAt: now, status: status,
            acceptances: Dictionary(uniqueKeysWithValues: acceptedBy.map { ($0, now) }))
    }

    // MARK: Groups

    @Test func group_ofThreeToFiveHeadsOfTheRegion_isAccepted() throws {
        for size in 3...5 {
            let ids = (1...Int64(size)).map { $0 }
            try PeerGroupRules.checkGroup(region: 1, members: ids, found: heads(ids))
        }
    }

    @Test func group_ofTwoOrSix_isRefusedNamingTheSizeRule() {
        for ids: [Int64] in [[1, 2], [1, 2, 3, 4, 5, 6]] {
            let error = refusal { try PeerGroupRules.checkGroup(region: 1, members: ids, found: heads(ids)) }
            #expect(error?.field == "members")
            #expect(error?.message.contains("3 to 5 heads") == true)
        }
    }

    @Test func group_withAHeadOfAnotherRegion_isRefusedNamingTheRegionRule() {
        var found = heads([1, 2, 3])
        found[3] = head(3, region: 2)
        let error = refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 3], found: found) }
        #expect(error?.message.contains("another region") == true)
        #expect(error?.message.contains("group's region") == true)
        found[3] = head(3, region: nil)
        #expect(refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 3], found: found) } != nil)
    }

    @Test func group_withATeacher_aDeactivatedHead_aMissingOrRepeatedPerson_isRefused() {
        var found = heads([1, 2, 3])
        found[3] = head(3, region: 1, roles: [.teacher])
        #expect(
            refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 3], found: found) }?.message
                .contains("not a head") == true)
        found[3] = head(3, region: 1, active: false)
        #expect(refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 3], found: found) } != nil)
        #expect(
            refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 4], found: heads([1, 2, 3])) }?.kind
                == .notFound)
        #expect(
            refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 2], found: heads([1, 2, 3])) }?.message
                .contains("twice") == true)
    }

    @Test func group_withAHeadInAnotherGroup_isAConflict() {
        var found = heads([1, 2, 3])
        found[2] = head(2, region: 1, group: 9)
        #expect(
            refusal { try PeerGroupRules.checkGroup(region: 1, members: [1, 2, 3], found: found) }?.kind == .conflict)
    }

    @Test func attendance_mustBeMembers() throws {
        try PeerGroupRules.checkAttendance([1, 3], members: [1, 2, 3])
        try PeerGroupRules.checkAttendance([], members: [1, 2, 3])
        #expect(refusal { try PeerGroupRules.checkAttendance([1, 4], members: [1, 2, 3]) }?.field == "attended")
        #expect(refusal { try PeerGroupRules.checkAttendance([1, 1], members: [1, 2, 3]) } != nil)
    }

    // MARK: Agreements

    @Test func agreement_becomesActive_onlyOnceBothHeadsAccepted() throws {
        #expect(try PeerGroupRules.accept(agreement(acceptedBy: [10]), by: 20, heads: [10, 20]))
        #expect(try !PeerGroupRules.accept(agreement(acceptedBy: []), by: 20, heads: [10, 20]))
    }

    @Test func agreement_acceptedTwiceBySamehead_orByAnOutsider_orOnceNotPending_isRefused() {
        #expect(
            refusal { _ = try PeerGroupRules.accept(agreement(acceptedBy: [10]), by: 10, heads: [10, 20]) }?.kind
                == .invalidState)
        #expect(
            refusal { _ = try PeerGroupRules.accept(agreement(acceptedBy: [10]), by: 30, heads: [10, 20]) }?.kind
                == .permissionDenied)
        #expect(
            refusal {
                _ = try PeerGroupRules.accept(
                    agreement(acceptedBy: [10], status: .superseded), by: 20, heads: [10, 20])
            }?.kind == .invalidState)
    }

    @Test func nextVersion_isOneMoreThanTheHighest() {
        var second = agreement(acceptedBy: [])
        second.version = 4
        #expect(PeerGroupRules.nextVersion(after: []) == 1)
        #expect(PeerGroupRules.nextVersion(after: [agreement(acceptedBy: []), second]) == 5)
    }

    // MARK: Consent

    @Test func pairTheme_isShared_onlyWhenBothHeadsConsented() {
        let consenters = PeerGroupRules.consenters(pair: (a: 10, b: 20), meeting: nil)
        #expect(consenters == [10, 20])
        #expect(!PeerGroupRules.isShared(consenters: consenters, consents: [:]))
        #expect(!PeerGroupRules.isShared(consenters: consenters, consents: [10: true]))
        #expect(PeerGroupRules.isShared(consenters: consenters, consents: [10: true, 20: true]))
    }

    @Test func theme_isHiddenAgain_whenOneWithdraws() {
        let consenters: Set<Int64> = [10, 20]
        #expect(!PeerGroupRules.isShared(consenters: consenters, consents: [10: true, 20: false]))
    }

    @Test func groupTheme_needsEveryMemberPresentAtTheMeeting_notTheAbsent() {
        let meeting = GroupMeeting(id: 1, group: 5, start: now, minutes: 90, completedAt: now, attended: [1, 2, 3])
        let consenters = PeerGroupRules.consenters(pair: nil, meeting: meeting)
        #expect(consenters == [1, 2, 3])
        #expect(!PeerGroupRules.isShared(consenters: consenters, consents: [1: true, 2: true]))
        #expect(PeerGroupRules.isShared(consenters: consenters, consents: [1: true, 2: true, 3: true]))
        // Member 4 was absent: their word neither shares nor hides.
        #expect(PeerGroupRules.isShared(consenters: consenters, consents: [1: true, 2: true, 3: true, 4: false]))
    }

    @Test func noConsenters_sharesNothing() {
        let empty = GroupMeeting(id: 1, group: 5, start: now, minutes: 90, completedAt: now, attended: [])
        #expect(
            !PeerGroupRules.isShared(consenters: PeerGroupRules.consenters(pair: nil, meeting: empty), consents: [:]))
    }

    @Test func consent_byAnAbsentMember_orAnOutsider_isRefused() {
        #expect(
            refusal { try PeerGroupRules.checkConsenter(4, theme: 9, consenters: [1, 2, 3], isGroup: true) }?.kind
                == .invalidState)
        #expect(
            refusal { try PeerGroupRules.checkConsenter(30, theme: 9, consenters: [10, 20], isGroup: false) }?.kind
                == .permissionDenied)
    }

    @Test func groupTheme_comesFromTheLatestCompletedMeeting() throws {
        let later = now.addingTimeInterval(86_400 * 30)
        let meetings = [
            GroupMeeting(id: 1, group: 5, start: now, minutes: 90, completedAt: now, attended: [1, 2, 3]),
            GroupMeeting(id: 2, group: 5, start: later, minutes: 90, completedAt: later, attended: [1, 2]),
            GroupMeeting(id: 3, group: 5, start: later.addingTimeInterval(86_400 * 30), minutes: 90),
            GroupMeeting(id: 4, group: 6, start: later, minutes: 90, completedAt: later, attended: [7]),
        ]
        #expect(try PeerGroupRules.latestCompletedMeeting(meetings, group: 5).id == 2)
        #expect(refusal { _ = try PeerGroupRules.latestCompletedMeeting(meetings, group: 8) }?.kind == .invalidState)
    }
}
