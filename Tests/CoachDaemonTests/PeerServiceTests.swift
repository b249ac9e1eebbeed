import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 14 through the service: the trust's shape, pairing heads, sessions and who sees what.
@Suite("The service: the heads' peer programme")
struct PeerServiceTests {
    static let hal = Peer(uid: 5006, gid: 5006)
    static let ira = Peer(uid: 5007, gid: 5007)
    static let jo = Peer(uid: 5008, gid: 5008)
    static let tess = Peer(uid: 5009, gid: 5009)

    struct World {
        var f: ServiceFixture
        var north: Int64
        var south: Int64
        var hal: Int64
        var ira: Int64
        var jo: Int64
        var dale: Int64
    }

    /// Hill (North) with head Hal and trust lead Tess; Dale (South) with heads Ira and Jo. Hal and
    /// Ira are accredited; Jo is not yet.
    func world() async throws -> World {
        var f = try await ServiceFixture()
        try await f.seed()
        let s = f.service
        let north = try await s.regionsAdd(.init(name: "North"), Peers.admin).id
        let south = try await s.regionsAdd(.init(name: "South"), Peers.admin).id
        _ = try await s.schoolsSetRegion(.init(school: f.school, region: north), Peers.admin)
        let dale = try await s.schoolsList(Peers.admin).schools.first { $0.name == "Dale" }!.id
        _ = try await s.schoolsSetRegion(.init(school: dale, region: south), Peers.admin)
        let hal = try await s.peopleAdd(.init(name: "Hal", school: f.school, roles: ["head"], uid: 5006), Peers.admin)
            .id
        let ira = try await s.peopleAdd(.init(name: "Ira", school: dale, roles: ["head"], uid: 5007), Peers.admin).id
        let jo = try await s.peopleAdd(.init(name: "Jo", school: dale, roles: ["head"], uid: 5008), Peers.admin).id
        _ = try await s.peopleAdd(.init(name: "Tess", school: f.school, roles: ["trustlead"], uid: 5009), Peers.admin)
        for head in [hal, ira] { _ = try await s.peopleAccredit(.init(person: head, on: "2026-07-01"), Peers.admin) }
        return World(f: f, north: north, south: south, hal: hal, ira: ira, jo: jo, dale: dale)
    }

    @Test func theTrustsShape_regionsSchoolsAccreditationAndPeriods() async throws {
        let w = try await world()
        let s = w.f.service
        #expect(try await s.regionsList(Self.hal).regions.map(\.name) == ["North", "South"])
        #expect(await wireError { _ = try await s.regionsAdd(.init(name: "North"), Peers.admin) }?.name == .conflict)
        #expect(try await s.schoolsList(Peers.admin).schools.first { $0.id == w.dale }?.region == w.south)
        let accredited = try await s.peopleAccredit(.init(person: w.jo, on: "2026-09-01"), Peers.admin)
        #expect(accredited.accreditedOn == "2026-09-01")
        #expect(
            await wireError { _ = try await s.peopleAccredit(.init(person: w.jo, on: "1 Sept"), Peers.admin) }?.name
                == .invalidParams)
        #expect(
            await wireError { _ = try await s.peopleAccredit(.init(person: w.jo, on: "2026-09-01"), Self.tess) }?.name
                == .permissionDenied)
        let school = try await s.schoolsAdd(
            .init(name: "Moor", timeZone: "Europe/London", region: w.north), Peers.admin)
        #expect(try await s.schoolsList(Peers.admin).schools.first { $0.id == school.id }?.region == w.north)
        #expect(
            await wireError {
                _ = try await s.schoolsAdd(.init(name: "X", timeZone: "Europe/London", region: 99), Peers.admin)
            }?.name == .notFound)

        _ = try await s.periodsAdd(
            .init(name: "Autumn 2", term: "Autumn 2026", from: "2026-11-02", to: "2026-12-18"), Peers.admin)
        let clash = await wireError {
            _ = try await s.periodsAdd(
                .init(name: "Late", term: "Autumn 2026", from: "2026-12-18", to: "2026-12-20"), Peers.admin)
        }
        #expect(clash?.name == .conflict && clash?.message.contains("Autumn 2") == true)
        #expect(try await s.periodsList(Self.ira).periods.map(\.name) == ["Autumn 2"])
    }

    @Test func peersCreate_byATrustLead_andEachRefusalNamesItsRule() async throws {
        let w = try await world()
        let s = w.f.service
        let notAccredited = await wireError { _ = try await s.peersCreate(.init(a: w.hal, b: w.jo), Self.tess) }
        #expect(notAccredited?.message.contains("accredited") == true)
        let sameRegion = await wireError { _ = try await s.peersCreate(.init(a: w.ira, b: w.jo), Self.tess) }
        #expect(sameRegion?.message.contains("accredited") == true)  // Jo's accreditation is checked first
        _ = try await s.peopleAccredit(.init(person: w.jo, on: "2026-09-01"), Peers.admin)
        let same = await wireError { _ = try await s.peersCreate(.init(a: w.ira, b: w.jo), Self.tess) }
        #expect(same?.message.contains("different regions") == true)
        let notHead = await wireError { _ = try await s.peersCreate(.init(a: w.hal, b: w.f.teacher), Self.tess) }
        #expect(notHead?.message.contains("must be heads") == true)
        // Heads and leads do not pair heads.
        #expect(
            await wireError { _ = try await s.peersCreate(.init(a: w.hal, b: w.ira), Self.hal) }?.name
                == .permissionDenied)
        let id = try await s.peersCreate(.init(a: w.hal, b: w.ira), Self.tess).id
        let twice = await wireError { _ = try await s.peersCreate(.init(a: w.ira, b: w.hal), Peers.admin) }
        #expect(twice?.name == .conflict)
        // The two heads see their pair; Jo sees none; the trust lead sees every pair.
        #expect(try await s.peersList(.init(), Self.hal).peers.map(\.id) == [id])
        #expect(try await s.peersList(.init(), Self.jo).peers.isEmpty)
        #expect(try await s.peersList(.init(), Peers.lead).peers.isEmpty)
        let seen = try await s.peersList(.init(), Self.tess).peers
        #expect(seen.map(\.aName) == ["Hal"] && seen.first?.bRegion == "South")
    }

    @Test func sessions_bookedByTheHeads_withSwappedHalves_andNotesOnlyForThem() async throws {
        let w = try await world()
        let s = w.f.service
        let pair = try await s.peersCreate(.init(a: w.hal, b: w.ira), Peers.admin).id
        let booked = try await s.sessionsSchedule(
            .init(peer: pair, start: "2026-11-25T13:00", mode: "video", firstCoach: w.ira), Self.hal)
        #expect(booked.start == "2026-11-25T13:00:00+00:00" && booked.end == "2026-11-25T15:00:00+00:00")
        #expect(
            booked.halves.map(\.coachName) == ["Ira", "Hal"] && booked.halves.map(\.learnerName) == ["Hal", "Ira"])
        #expect(booked.halves[0].end == "2026-11-25T14:00:00+00:00")
        // The first coach must be one of the two; the mode one of three; other heads hear nothing.
        let stranger = await wireError {
            _ = try await s.sessionsSchedule(
                .init(peer: pair, start: "2026-11-25T13:00", mode: "video", firstCoach: w.jo), Self.hal)
        }
        #expect(stranger?.message.contains("first coach") == true)
        #expect(
            await wireError {
                _ = try await s.sessionsSchedule(
                    .init(peer: pair, start: "2026-11-25T13:00", mode: "walk", firstCoach: w.hal), Self.hal)
            }?.name == .invalidParams)
        let hidden = await wireError {
            _ = try await s.sessionsSchedule(
                .init(peer: pair, start: "2026-11-25T13:00", mode: "video", firstCoach: w.hal), Self.jo)
        }
        #expect(hidden?.name == .permissionDenied && hidden?.message.contains("not found or is not yours") == true)
        let trustLead = await wireError {
            _ = try await s.sessionsSchedule(
                .init(peer: pair, start: "2026-11-25T13:00", mode: "video", firstCoach: w.hal), Self.tess)
        }
        #expect(trustLead?.name == .permissionDenied)
        // An admin may book (no notes), with the configured default length.
        let byAdmin = try await s.sessionsSchedule(
            .init(peer: pair, start: "2026-11-20T09:00", mode: "phone", firstCoach: w.hal), Peers.admin)
        #expect(byAdmin.end == "2026-11-20T11:00:00+00:00")

        // Not before it starts; a past one may be logged; then only by the two heads.
        #expect(
            await wireError { _ = try await s.sessionsComplete(.init(session: booked.id, notes: "n"), Self.hal) }?.name
                == .invalidState)
        #expect(
            await wireError { _ = try await s.sessionsComplete(.init(session: byAdmin.id, notes: "x"), Peers.admin) }?
                .name == .permissionDenied)
        #expect(
            await wireError { _ = try await s.sessionsComplete(.init(session: byAdmin.id, notes: "x"), Self.jo) }?
                .message.contains("not found or is not yours") == true)
        #expect(
            await wireError { _ = try await s.sessionsComplete(.init(session: byAdmin.id, notes: "x"), Self.tess) }?
                .name == .permissionDenied)
        let done = try await s.sessionsComplete(.init(session: byAdmin.id, notes: "between us"), Self.ira)
        // An admin may log one as done, without notes.
        let third = try await s.sessionsSchedule(
            .init(peer: pair, start: "2026-11-19T09:00", minutes: 30, mode: "phone", firstCoach: w.hal), Peers.admin)
        #expect(try await s.sessionsComplete(.init(session: third.id), Peers.admin).status == "done")
        #expect(done.status == "done" && done.notes == "between us")
        #expect(
            await wireError { _ = try await s.sessionsComplete(.init(session: byAdmin.id), Self.hal) }?.name
                == .invalidState)

        for (peer, notes) in [(Self.hal, true), (Self.ira, true), (Self.tess, false), (Peers.admin, false)] {
            let list = try await s.sessionsList(.init(peer: pair), peer).sessions
            #expect(list.map(\.id) == [third.id, byAdmin.id, booked.id])
            #expect((list[1].notes == "between us") == notes)
        }
        #expect(await wireError { _ = try await s.sessionsList(.init(peer: pair), Self.jo) }?.name == .permissionDenied)
        #expect(
            await wireError { _ = try await s.sessionsList(.init(peer: pair), Peers.lead) }?.name == .permissionDenied)
        #expect(!w.f.log.text.contains("between us"))
    }

    @Test func suggest_pairsAcrossRegions_namesWhoIsLeftOut_andStoresNothing() async throws {
        let w = try await world()
        let s = w.f.service
        _ = try await s.peopleAccredit(.init(person: w.jo, on: "2026-09-01"), Peers.admin)
        let first = try await s.peersSuggest(.init(), Self.tess)
        // Hal (North) with one of Ira and Jo (South); the other left out, named.
        #expect(first.pairs.count == 1 && first.pairs[0].aName != first.pairs[0].bName)
        #expect(first.pairs.allSatisfy { [$0.a, $0.b].contains(w.hal) })
        #expect(first.leftOut.count == 1 && ["Ira", "Jo"].contains(first.leftOut[0].name))
        #expect(try await s.peersList(.init(), Self.tess).peers.isEmpty)
        // With Hal and Ira paired before, Jo is proposed for Hal.
        _ = try await s.peersCreate(.init(a: w.hal, b: w.ira), Self.tess)
        let again = try await s.peersSuggest(.init(), Self.tess)
        #expect(again.pairs.map { Set([$0.a, $0.b]) } == [[w.hal, w.jo]])
        let regardless = try await s.peersSuggest(.init(avoidPrevious: false), Self.tess)
        #expect(regardless.pairs.map { Set([$0.a, $0.b]) } == [[w.hal, w.ira]])
        #expect(await wireError { _ = try await s.peersSuggest(.init(), Self.hal) }?.name == .permissionDenied)
    }

    @Test func aSessionIsDuePerPeriod_raisedOnceByTheTimer_andOverdueUnlessDone() async throws {
        let w = try await world()
        let s = w.f.service
        let events = {
            w.f.log.all.filter {
                $0.contains("coachd.event=session.due") || $0.contains("coachd.event=session.overdue")
            }
        }
        let first = try await s.peersCreate(.init(a: w.hal, b: w.ira), Peers.admin).id
        _ = try await s.peopleAccredit(.init(person: w.jo, on: "2026-09-01"), Peers.admin)
        // Monday 23 November 2026: Autumn 2 began on the 2nd; the pairs owe one session each.
        _ = try await s.periodsAdd(
            .init(name: "Autumn 2", term: "Autumn 2026", from: "2026-11-02", to: "2026-11-27"), Peers.admin)
        await w.f.timer.fire()
        #expect(events().count == 1 && events()[0].contains("coachd.event=session.due"))
        #expect(events()[0].contains("coachd.peer_pair=\(first)") && events()[0].contains("coachd.due_date=2026-11-02"))
        await w.f.timer.fire()
        #expect(events().count == 1, "raised once")
        // A second pair's session is logged before the period ends: nothing more for it.
        _ = try await s.schoolsSetRegion(.init(school: w.f.school, region: w.north), Peers.admin)
        let hill2 = try await s.schoolsAdd(.init(name: "Moor", timeZone: "Europe/London", region: w.north), Peers.admin)
            .id
        let kim = try await s.peopleAdd(.init(name: "Kim", school: hill2, roles: ["head"], uid: 5010), Peers.admin).id
        _ = try await s.peopleAccredit(.init(person: kim, on: "2026-09-01"), Peers.admin)
        let second = try await s.peersCreate(.init(a: kim, b: w.jo), Peers.admin).id
        let session = try await s.sessionsSchedule(
            .init(peer: second, start: "2026-11-23T08:00", mode: "video", firstCoach: kim), Peers.admin)
        _ = try await s.sessionsComplete(.init(session: session.id, notes: "private"), Self.jo)
        await w.f.timer.fire()
        #expect(events().count == 1, "the second pair's session is done: \(events())")
        // After the period's last day, the first pair's session is overdue; the second's never.
        w.f.clock.advance(days: 5)
        await w.f.timer.fire()
        #expect(events().count == 2 && events()[1].contains("coachd.event=session.overdue"))
        // due.list shows the first pair's session, overdue, to its heads and the trust lead only.
        for (peer, seen) in [
            (Self.hal, true), (Self.ira, true), (Self.tess, true), (Peers.admin, true), (Self.jo, false),
            (Peers.lead, false),
        ] {
            let items = try await s.dueList(.init(), peer).items.filter { $0.kind == "session" }
            #expect(items.map(\.pair) == (seen ? [first] : []), "\(peer)")
            #expect(items.allSatisfy { $0.overdue && $0.dueDate == "2026-11-02" })
        }
        #expect(try await s.dueList(.init(overdueOnly: true), Self.hal).items.contains { $0.kind == "session" })
        #expect(events().allSatisfy { !$0.contains("peer_pair=\(second)") && !$0.contains("private") })
    }

    @Test func erasingAHead_erasesTheirPeerSessionNotes_andEndsTheirPairs() async throws {
        let w = try await world()
        let s = w.f.service
        let pair = try await s.peersCreate(.init(a: w.hal, b: w.ira), Peers.admin).id
        let session = try await s.sessionsSchedule(
            .init(peer: pair, start: "2026-11-20T09:00", mode: "video", firstCoach: w.hal), Self.hal)
        _ = try await s.sessionsComplete(.init(session: session.id, notes: "PEER-SECRET"), Self.ira)
        let erased = try await s.peopleErase(.init(person: w.hal, confirm: "Hal"), Peers.admin)
        #expect(erased.peerTexts == 1 && erased.dropInNotes == 0)
        let left = try await w.f.store.read { try $0.peerSession(session.id) }
        #expect(left?.notes != "PEER-SECRET" && left?.notes != nil)
        #expect(try await s.peersList(.init(), Self.ira).peers.first?.active == false)
    }
}
