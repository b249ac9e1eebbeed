import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 14 through the service: learning agreements kept between two heads, supervision groups of
/// a region, and themes reaching the trust lead only while every member consents.
@Suite("The service: agreements, groups and shared themes")
struct PeerGroupsServiceTests {
    /// Heads of North's three schools, a head of South's school, the trust lead, a North teacher.
    static let north = [Peer(uid: 7001, gid: 7001), Peer(uid: 7002, gid: 7002), Peer(uid: 7003, gid: 7003)]
    static let south = Peer(uid: 7004, gid: 7004)
    static let trustLead = Peer(uid: 7100, gid: 7100)
    static let teacher = Peer(uid: 7200, gid: 7200)

    struct Trust {
        var f: ServiceFixture
        var northRegion: Int64
        var southRegion: Int64
        /// Person ids of the North heads, then the South head.
        var heads: [Int64]
        /// North head 1 with the South head.
        var pair: Int64
        var service: CoachService { f.service }
    }

    func trust() async throws -> Trust {
        let f = try await ServiceFixture()
        let service = f.service
        let admin = Peers.admin
        let northRegion = try await service.regionsAdd(.init(name: "North"), admin).id
        let southRegion = try await service.regionsAdd(.init(name: "South"), admin).id
        var heads: [Int64] = []
        for (index, peer) in (Self.north + [Self.south]).enumerated() {
            let school = try await service.schoolsAdd(.init(name: "School \(index)", timeZone: "Europe/London"), admin)
                .id
            _ = try await service.schoolsSetRegion(
                .init(school: school, region: index < 3 ? northRegion : southRegion), admin)
            let head = try await service.peopleAdd(
                .init(name: "Head \(index)", school: school, roles: ["head"], uid: Int64(peer.uid)), admin
            ).id
            _ = try await service.peopleAccredit(.init(person: head, on: "2026-09-01"), admin)
            heads.append(head)
            if index == 0 {
                _ = try await service.peopleAdd(
                    .init(name: "Tess Trust", school: school, roles: ["trustlead"], uid: Int64(Self.trustLead.uid)),
                    admin)
                _ = try await service.peopleAdd(
                    .init(name: "Tom Teacher", school: school, roles: ["teacher"], uid: Int64(Self.teacher.uid)),
                    admin)
            }
        }
        _ = try await service.periodsAdd(
            .init(name: "Autumn 2", term: "Autumn 2026", from: "2026-11-02", to: "2026-12-18"), admin)
        let pair = try await service.peersCreate(.init(a: heads[0], b: heads[3]), admin).id
        return Trust(f: f, northRegion: northRegion, southRegion: southRegion, heads: heads, pair: pair)
    }

    // MARK: Agreements

    @Test func agreement_isPendingUntilTheOtherHeadAccepts_andANewVersionReplacesTheOldOnceAccepted() async throws {
        let t = try await trust()
        let first = try await t.service.agreementsSet(
            .init(peer: t.pair, text: "We keep it between us.", coachExpectations: "Ask, don't tell."), Self.north[0]
        ).id
        var list = try await t.service.agreementsList(.init(peer: t.pair), Self.south).agreements
        #expect(list.map(\.status) == ["pending"])
        #expect(list[0].coachExpectations == "Ask, don't tell.")
        let accepted = try await t.service.agreementsAccept(.init(agreement: first), Self.south)
        #expect(accepted.active)
        #expect(accepted.acceptedBy == [t.heads[0], t.heads[3]].sorted())

        let second = try await t.service.agreementsSet(.init(peer: t.pair, text: "Version two."), Self.south).id
        list = try await t.service.agreementsList(.init(peer: t.pair), Self.north[0]).agreements
        #expect(list.map(\.status) == ["active", "pending"])
        #expect(list.map(\.version) == [1, 2])
        // The proposer cannot accept again; the other head makes it active and the first superseded.
        #expect(
            await wireError { _ = try await t.service.agreementsAccept(.init(agreement: second), Self.south) }?.code
                == RPCErrorName.invalidState.code)
        _ = try await t.service.agreementsAccept(.init(agreement: second), Self.north[0])
        list = try await t.service.agreementsList(.init(peer: t.pair), Self.north[0]).agreements
        #expect(list.map(\.status) == ["superseded", "active"])
    }

    @Test func agreement_isHiddenFromTheTrustLead_admins_andOtherHeads() async throws {
        let t = try await trust()
        let id = try await t.service.agreementsSet(.init(peer: t.pair, text: "SECRET-AGREEMENT"), Self.north[0]).id
        for outsider in [Self.trustLead, Peers.admin, Self.north[1]] {
            let list = await wireError { _ = try await t.service.agreementsList(.init(peer: t.pair), outsider) }
            #expect(list?.code == RPCErrorName.permissionDenied.code)
            #expect(list?.message.contains("SECRET") == false)
            let accept = await wireError { _ = try await t.service.agreementsAccept(.init(agreement: id), outsider) }
            #expect(accept?.code == RPCErrorName.permissionDenied.code)
        }
        let table = try t.service.methodTable(connections: { 0 })
        #expect(table.access["agreements.set"] == .heads)
    }

    @Test func agreement_refusesControlCharactersAndOverlongText() async throws {
        let t = try await trust()
        for text in ["bad \u{1B}[2J", String(repeating: "x", count: 10_001), "  "] {
            #expect(
                await wireError { _ = try await t.service.agreementsSet(.init(peer: t.pair, text: text), Self.south) }?
                    .code == RPCErrorName.invalidParams.code)
        }
    }

    // MARK: Groups

    @Test func group_ofTheRegionsThreeHeads_isCreated_othersRefusedNamingTheRule() async throws {
        let t = try await trust()
        let north = Array(t.heads[0..<3])
        let tooFew = await wireError {
            _ = try await t.service.groupsCreate(
                .init(region: t.northRegion, name: "Two", members: Array(north.prefix(2))), Self.trustLead)
        }
        #expect(tooFew?.message.contains("3 to 5") == true)
        let elsewhere = await wireError {
            _ = try await t.service.groupsCreate(
                .init(region: t.northRegion, name: "Mixed", members: [north[0], north[1], t.heads[3]]), Self.trustLead
            )
        }
        #expect(elsewhere?.message.contains("region") == true)
        // Who may create one is the gate's: admins and trust leads.
        #expect(try t.service.methodTable(connections: { 0 }).access["groups.create"] == .trustLeads)
        let group = try await t.service.groupsCreate(
            .init(region: t.northRegion, name: "North heads", members: north), Self.trustLead
        ).id
        #expect(group > 0)
        let again = await wireError {
            _ = try await t.service.groupsCreate(
                .init(region: t.northRegion, name: "Again", members: north), Peers.admin)
        }
        #expect(again?.code == RPCErrorName.conflict.code)
    }

    @Test func meeting_isCompletedWithMembersOnly_once() async throws {
        let t = try await trust()
        let north = Array(t.heads[0..<3])
        let group = try await t.service.groupsCreate(
            .init(region: t.northRegion, name: "North", members: north), Peers.admin
        ).id
        let meeting = try await t.service.groupsScheduleMeeting(
            .init(group: group, start: "2026-11-24T16:00", minutes: 90), Self.north[1]
        ).id
        #expect(
            await wireError {
                _ = try await t.service.groupsScheduleMeeting(
                    .init(group: group, start: "2026-11-24T16:00", minutes: 90), Self.south)
            }?.code == RPCErrorName.permissionDenied.code)
        let outsider = await wireError {
            _ = try await t.service.groupsCompleteMeeting(
                .init(meeting: meeting, attended: [north[0], t.heads[3]]), Self.north[0])
        }
        #expect(outsider?.data?.field == "attended")
        // A head outside the group is refused the meeting they asked for, named as a meeting.
        let stranger = await wireError {
            _ = try await t.service.groupsCompleteMeeting(.init(meeting: meeting, attended: [north[0]]), Self.south)
        }
        #expect(stranger?.code == RPCErrorName.permissionDenied.code)
        #expect(stranger?.message.contains("meeting \(meeting) ") == true)
        #expect(stranger?.data?.field == "meeting")
        let done = try await t.service.groupsCompleteMeeting(
            .init(meeting: meeting, attended: [north[0], north[1]]), Self.north[0])
        #expect(done.attended == [north[0], north[1]].sorted())
        #expect(done.completedAt != nil)
        #expect(
            await wireError {
                _ = try await t.service.groupsCompleteMeeting(.init(meeting: meeting, attended: []), Self.north[0])
            }?.code == RPCErrorName.invalidState.code)
    }

    // MARK: Themes

    func trustLeadSees(_ t: Trust, _ text: String) async throws -> Bool {
        try await t.service.themesList(.init(), Self.trustLead).themes.contains { $0.text == text }
    }

    @Test func pairTheme_reachesTheTrustLead_onlyWhileBothConsent() async throws {
        let t = try await trust()
        let theme = try await t.service.themesAdd(
            .init(peer: t.pair, kind: "theme", text: "Recruiting middle leaders"), Self.north[0]
        ).id
        #expect(try await !trustLeadSees(t, "Recruiting middle leaders"))
        _ = try await t.service.themesConsent(.init(theme: theme, consent: true), Self.north[0])
        #expect(try await !trustLeadSees(t, "Recruiting middle leaders"))
        let shared = try await t.service.themesConsent(.init(theme: theme, consent: true), Self.south)
        #expect(shared.shared)
        #expect(try await trustLeadSees(t, "Recruiting middle leaders"))
        let listed = try await t.service.themesList(.init(term: "Autumn 2026", region: t.southRegion), Peers.admin)
        #expect(listed.themes.map(\.id) == [theme])
        #expect(listed.themes[0].consented == nil)
        #expect(try await t.service.themesList(.init(term: "Spring 2027"), Self.trustLead).themes.isEmpty)
        _ = try await t.service.themesConsent(.init(theme: theme, consent: false), Self.south)
        #expect(try await !trustLeadSees(t, "Recruiting middle leaders"))
        // Its heads still see it, and who consented.
        let own = try await t.service.themesList(.init(), Self.south).themes
        #expect(own.first?.consented == [t.heads[0]])
        #expect(own.first?.shared == false)
        // Another head sees nothing of it, and cannot consent to it.
        #expect(try await t.service.themesList(.init(), Self.north[1]).themes.isEmpty)
        #expect(
            await wireError {
                _ = try await t.service.themesConsent(.init(theme: theme, consent: true), Self.north[1])
            }?
            .code == RPCErrorName.permissionDenied.code)
        #expect(
            await wireError { _ = try await t.service.themesList(.init(), Self.teacher) }?.code
                == RPCErrorName.permissionDenied.code)
    }

    @Test func groupTheme_isSharedWhenEveryMemberPresentConsented() async throws {
        let t = try await trust()
        let north = Array(t.heads[0..<3])
        let group = try await t.service.groupsCreate(
            .init(region: t.northRegion, name: "North", members: north), Peers.admin
        ).id
        let early = await wireError {
            _ = try await t.service.themesAdd(.init(group: group, kind: "impact", text: "Too early"), Self.north[0])
        }
        #expect(early?.code == RPCErrorName.invalidState.code)
        let meeting = try await t.service.groupsScheduleMeeting(
            .init(group: group, start: "2026-11-24T16:00", minutes: 90), Self.trustLead
        ).id
        _ = try await t.service.groupsCompleteMeeting(
            .init(meeting: meeting, attended: [north[0], north[1]]), Self.north[0])
        let theme = try await t.service.themesAdd(
            .init(group: group, kind: "impact", text: "Fewer exclusions"), Self.north[2]
        ).id
        _ = try await t.service.themesConsent(.init(theme: theme, consent: true), Self.north[0])
        #expect(try await !trustLeadSees(t, "Fewer exclusions"))
        // The absent member reads it but has no say.
        #expect(try await t.service.themesList(.init(), Self.north[2]).themes.map(\.id) == [theme])
        #expect(
            await wireError {
                _ = try await t.service.themesConsent(.init(theme: theme, consent: true), Self.north[2])
            }?
            .code == RPCErrorName.invalidState.code)
        _ = try await t.service.themesConsent(.init(theme: theme, consent: true), Self.north[1])
        #expect(try await trustLeadSees(t, "Fewer exclusions"))
        #expect(
            try await t.service.themesList(.init(region: t.southRegion), Self.trustLead).themes.isEmpty)
        _ = try await t.service.themesConsent(.init(theme: theme, consent: false), Self.north[0])
        #expect(try await !trustLeadSees(t, "Fewer exclusions"))
    }

    /// `people.erase` reaches the peer programme's texts: their pairs' agreements and themes (each
    /// belongs to both heads) and the themes they added to a group; a second erasure finds nothing.
    @Test func erasingAHead_blanksTheirAgreementsAndThemes_evenOnesAlreadyShared() async throws {
        let t = try await trust()
        let north = Array(t.heads[0..<3])
        let agreement = try await t.service.agreementsSet(
            .init(peer: t.pair, text: "AGREEMENT-SECRET", coachExpectations: "COACH-SECRET"), Self.north[0]
        ).id
        _ = try await t.service.agreementsAccept(.init(agreement: agreement), Self.south)
        let pairTheme = try await t.service.themesAdd(
            .init(peer: t.pair, kind: "theme", text: "PAIR-THEME-SECRET"), Self.south
        ).id
        for head in [Self.north[0], Self.south] {
            _ = try await t.service.themesConsent(.init(theme: pairTheme, consent: true), head)
        }
        let group = try await t.service.groupsCreate(
            .init(region: t.northRegion, name: "North", members: north), Peers.admin
        ).id
        let meeting = try await t.service.groupsScheduleMeeting(
            .init(group: group, start: "2026-11-24T16:00", minutes: 90), Self.trustLead
        ).id
        _ = try await t.service.groupsCompleteMeeting(.init(meeting: meeting, attended: north), Self.north[0])
        let mine = try await t.service.themesAdd(
            .init(group: group, kind: "impact", text: "GROUP-THEME-BY-HEAD-0"), Self.north[0]
        ).id
        let theirs = try await t.service.themesAdd(
            .init(group: group, kind: "impact", text: "GROUP-THEME-BY-HEAD-1"), Self.north[1]
        ).id
        #expect(try await trustLeadSees(t, "PAIR-THEME-SECRET"))

        let erased = try await t.service.peopleErase(.init(person: t.heads[0], confirm: "Head 0"), Peers.admin)
        // The agreement, the pair's theme and the theme Head 0 added to the group; not Head 1's.
        #expect(erased.peerTexts == 3)
        let agreements = try await t.service.agreementsList(.init(peer: t.pair), Self.south).agreements
        #expect(agreements.map(\.text) == ["[erased]"] && agreements[0].coachExpectations == "[erased]")
        #expect(agreements[0].learnerExpectations == nil)
        let texts = try await t.service.themesList(.init(), Self.trustLead).themes.map(\.text)
        #expect(texts.allSatisfy { !$0.contains("SECRET") && !$0.contains("HEAD-0") }, "\(texts)")
        let own = try await t.service.themesList(.init(), Self.north[1]).themes
        #expect(own.first { $0.id == mine }?.text == "[erased]")
        #expect(own.first { $0.id == theirs }?.text == "GROUP-THEME-BY-HEAD-1")
        let again = try await t.service.peopleErase(
            .init(person: t.heads[0], confirm: "Erased person \(t.heads[0])"), Peers.admin)
        #expect(again.peerTexts == 0)
    }

    /// `people.export` (a subject access request) holds the person's peer programme: their pairs,
    /// the sessions with their notes, the agreement versions and their pairs' and groups' themes,
    /// and nothing of a pair they are not in.
    @Test func exportingAHead_includesTheirPeerProgramme_andNoOtherPairs() async throws {
        let t = try await trust()
        let session = try await t.service.sessionsSchedule(
            .init(peer: t.pair, start: "2026-11-20T09:00", mode: "video", firstCoach: t.heads[0]), Self.north[0])
        _ = try await t.service.sessionsComplete(.init(session: session.id, notes: "SESSION-NOTE"), Self.south)
        _ = try await t.service.agreementsSet(.init(peer: t.pair, text: "AGREEMENT-TEXT"), Self.north[0])
        let theme = try await t.service.themesAdd(.init(peer: t.pair, kind: "theme", text: "PAIR-THEME"), Self.south)
            .id
        let other = try await t.service.peersCreate(.init(a: t.heads[1], b: t.heads[3]), Peers.admin).id
        _ = try await t.service.agreementsSet(.init(peer: other, text: "OTHER-AGREEMENT"), Self.north[1])

        let export = try await t.service.peopleExport(.init(person: t.heads[0]), Peers.admin)
        #expect(export.peerPairs?.map(\.id) == [t.pair])
        #expect(export.peerSessions?.map(\.notes) == ["SESSION-NOTE"])
        #expect(export.agreements?.map(\.text) == ["AGREEMENT-TEXT"])
        #expect(export.themes?.map(\.id) == [theme] && export.themes?.first?.consented == [])
        let south = try await t.service.peopleExport(.init(person: t.heads[3]), Peers.admin)
        #expect(Set(south.peerPairs?.map(\.id) ?? []) == [t.pair, other])
        #expect(Set(south.agreements?.map(\.text) ?? []) == ["AGREEMENT-TEXT", "OTHER-AGREEMENT"])
        let bystander = try await t.service.peopleExport(.init(person: t.heads[2]), Peers.admin)
        #expect(bystander.peerPairs == [] && bystander.peerSessions == [] && bystander.agreements == [])
        #expect(bystander.themes == [])
    }

    @Test func themesAdd_needsExactlyOneOfPeerAndGroup_andAKnownKind() async throws {
        let t = try await trust()
        for params in [
            ThemesAdd.Params(kind: "theme", text: "x"),
            ThemesAdd.Params(peer: t.pair, group: 1, kind: "theme", text: "x"),
            ThemesAdd.Params(peer: t.pair, kind: "idea", text: "x"),
        ] {
            #expect(
                await wireError { _ = try await t.service.themesAdd(params, Self.north[0]) }?.code
                    == RPCErrorName.invalidParams.code)
        }
    }
}
