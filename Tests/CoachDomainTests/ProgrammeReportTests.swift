import CoachDomain
import Foundation
import Testing

/// Issue 14's programme report, counted on a hand-built trust: two regions, three pairs, a group.
@Suite("The programme report's counting")
struct ProgrammeReportTests {
    let north = Region(id: 1, name: "North")
    let south = Region(id: 2, name: "South")
    let autumn1 = Period(id: 1, name: "Autumn 1", term: "Autumn 2026", range: range("2026-09-02", "2026-10-23"))
    let autumn2 = Period(id: 2, name: "Autumn 2", term: "Autumn 2026", range: range("2026-11-02", "2026-12-18"))
    let spring1 = Period(id: 3, name: "Spring 1", term: "Spring 2027", range: range("2027-01-05", "2027-02-12"))
    var periods: [Period] { [autumn1, autumn2, spring1] }
    let calendar = plainCalendar()

    func head(_ id: Int64, accredited: Bool = true, active: Bool = true) -> Person {
        Person(
            id: id, name: "Head \(id)", school: id, roles: [.head], uid: id, login: nil, active: active,
            accreditedOn: accredited ? day("2026-07-01") : nil)
    }

    func session(_ id: Int64, peer: Int64, _ start: String, completed: Bool = true, cancelled: Bool = false)
        -> PeerSession
    {
        PeerSession(
            id: id, peer: peer, start: utc(start), minutes: 120, mode: .video, firstCoach: 1,
            notes: "confidential note \(id)", completedAt: completed ? utc(start) : nil,
            cancelledAt: cancelled ? utc(start) : nil)
    }

    func dues(_ pair: PeerPair, _ sessions: [PeerSession]) -> [SessionDue] {
        PeerRules.sessionsDue(
            pair, createdOn: day("2026-09-01"), periods: periods, sessions: sessions, calendar: calendar)
    }

    func theme(_ id: Int64, peer: Int64? = nil, group: Int64? = nil, on added: String, _ text: String) -> Theme {
        Theme(
            id: id, peer: peer, group: group, meeting: nil, kind: id % 2 == 0 ? .impact : .theme, text: text,
            addedBy: 1, addedAt: utc("2026-10-01T10:00:00Z"), addedOn: day(added))
    }

    /// Pair 1: heads 1 (North) and 2 (South); pair 2: heads 3 (North) and 4 (South); pair 3: heads 5
    /// (North) and 6 (no region).
    func report(term: String?, themes: [ProgrammeReport.ThemeInput] = []) -> ProgrammeReport.Result {
        let created = utc("2026-09-01T08:00:00Z")
        let pair1 = PeerPair(id: 1, a: 1, b: 2, createdAt: created)
        let pair2 = PeerPair(id: 2, a: 3, b: 4, createdAt: created)
        let pair3 = PeerPair(id: 3, a: 5, b: 6, createdAt: created)
        let sessions1 = [
            session(1, peer: 1, "2026-10-01T09:00:00Z"),
            // Outside every period (half-term): not counted anywhere.
            session(2, peer: 1, "2026-10-28T09:00:00Z"),
            session(3, peer: 1, "2027-01-20T09:00:00Z"),
        ]
        let sessions2 = [
            // Cancelled: not done.
            session(4, peer: 2, "2026-10-05T09:00:00Z", cancelled: true),
            // Scheduled, never completed: not done.
            session(5, peer: 2, "2026-11-10T09:00:00Z", completed: false),
        ]
        let sessions3 = [session(6, peer: 3, "2026-11-12T09:00:00Z")]
        let group = SupervisionGroup(id: 7, region: 1, name: "North group", members: [1, 3, 5], createdAt: created)
        let meetings: [(meeting: GroupMeeting, day: LocalDate)] = [
            (
                GroupMeeting(
                    id: 1, group: 7, start: utc("2026-10-07T09:00:00Z"), minutes: 90,
                    completedAt: utc("2026-10-07T11:00:00Z"), attended: [1, 3]), day("2026-10-07")
            ),
            (GroupMeeting(id: 2, group: 7, start: utc("2027-01-13T09:00:00Z"), minutes: 90), day("2027-01-13")),
        ]
        return ProgrammeReport.count(
            term: term, periods: periods, regions: [south, north],
            heads: [1, 2, 3, 4, 5, 6].map { id in
                ProgrammeReport.HeadInput(
                    person: head(id, accredited: id != 4), region: id == 6 ? nil : (id % 2 == 1 ? 1 : 2))
            },
            pairs: [
                .init(peer: 1, aName: "Head 1", bName: "Head 2", aRegion: 1, bRegion: 2),
                .init(peer: 2, aName: "Head 3", bName: "Head 4", aRegion: 1, bRegion: 2),
                .init(peer: 3, aName: "Head 5", bName: "Head 6", aRegion: 1, bRegion: nil),
            ],
            dues: dues(pair1, sessions1) + dues(pair2, sessions2) + dues(pair3, sessions3),
            groups: [.init(group: group, createdOn: day("2026-09-01"), meetings: meetings)], themes: themes)
    }

    @Test func aTerm_countsItsPeriodsOnly() {
        let result = report(term: "Autumn 2026")
        #expect(result.periods.map(\.id) == [1, 2])
        #expect(report(term: nil).periods.map(\.id) == [1, 2, 3])
        #expect(report(term: "Summer 2027").periods.isEmpty)
    }

    @Test func eachPair_owesOnePerPeriod_andIsDoneByACompletedSessionInIt() {
        let result = report(term: "Autumn 2026")
        let rows = result.byPair.map { ($0.pair.peer, $0.sessionsDue, $0.sessionsDone) }
        // Pair 1: 1 Oct done, 28 Oct outside the periods: 1 of 2. Pair 2: cancelled and uncompleted: 0 of
        // 2. Pair 3: 12 Nov done: 1 of 2.
        #expect(rows.map(\.0) == [1, 2, 3])
        #expect(rows.map(\.1) == [2, 2, 2])
        #expect(rows.map(\.2) == [1, 0, 1])
        let all = report(term: nil)
        #expect(all.byPair.map(\.sessionsDue) == [3, 3, 3])
        #expect(all.byPair.map(\.sessionsDone) == [2, 0, 1])
    }

    @Test func aPairAcrossTwoRegions_countsInBoth_andOnceInTheTotals() {
        let result = report(term: "Autumn 2026")
        #expect(result.byRegion.map(\.region.name) == ["North", "South"])
        let north = result.byRegion[0].counts
        let south = result.byRegion[1].counts
        #expect(north.sessionsDue == 6 && north.sessionsDone == 2)
        #expect(south.sessionsDue == 4 && south.sessionsDone == 1)
        #expect(result.totals.sessionsDue == 6 && result.totals.sessionsDone == 2)
    }

    @Test func accreditedHeads_arePerRegion_andTrustWide() {
        let result = report(term: nil)
        #expect(result.byRegion[0].counts.accreditedHeads == 3)
        #expect(result.byRegion[1].counts.accreditedHeads == 1)
        #expect(result.totals.accreditedHeads == 5)
    }

    @Test func aGroup_owesOneMeetingPerTerm_andItsAttendanceIsCounted() {
        let autumn = report(term: "Autumn 2026")
        let group = autumn.groups[0]
        #expect(group.regionName == "North" && group.meetingsDue == 1)
        #expect(group.counts.meetingsHeld == 1 && group.counts.attended == 2)
        #expect(group.counts.attendanceRate == 2.0 / 3.0)
        #expect(autumn.byRegion[0].counts.meetingsDue == 1 && autumn.byRegion[0].counts.meetingsHeld == 1)
        #expect(autumn.byRegion[1].counts.meetingsDue == 0 && autumn.byRegion[1].counts.attendanceRate == nil)
        // Over both terms: two due, the spring meeting not yet completed.
        let all = report(term: nil)
        #expect(all.groups[0].meetingsDue == 2 && all.groups[0].counts.meetingsHeld == 1)
        #expect(all.totals.meetingsDue == 2 && all.totals.attended == 2 && all.totals.places == 3)
        let spring = report(term: "Spring 2027")
        #expect(spring.groups[0].counts.meetingsHeld == 0 && spring.groups[0].counts.attendanceRate == nil)
    }

    @Test func onlySharedThemes_appear_underEachOfTheirRegions() {
        let themes: [ProgrammeReport.ThemeInput] = [
            .init(theme: theme(1, peer: 1, on: "2026-10-01", "Shared pair theme"), shared: true, regions: [1, 2]),
            .init(theme: theme(2, peer: 2, on: "2026-10-02", "Unshared impact"), shared: false, regions: [1, 2]),
            .init(theme: theme(3, group: 7, on: "2026-11-03", "Shared group theme"), shared: true, regions: [1]),
            .init(theme: theme(4, peer: 1, on: "2027-01-20", "Spring impact"), shared: true, regions: [1, 2]),
        ]
        let autumn = report(term: "Autumn 2026", themes: themes)
        #expect(autumn.themes.map(\.regionName) == ["North", "South"])
        #expect(autumn.themes[0].items.map(\.text) == ["Shared pair theme", "Shared group theme"])
        #expect(autumn.themes[1].items.map(\.text) == ["Shared pair theme"])
        #expect(autumn.themes[0].items.allSatisfy { $0.term == "Autumn 2026" })
        let all = report(term: nil, themes: themes)
        #expect(!all.themes.flatMap(\.items).contains { $0.text == "Unshared impact" })
        #expect(all.themes[0].items.last?.kind == .impact && all.themes[0].items.last?.term == "Spring 2027")
    }

    @Test func aWithdrawnConsent_takesTheThemeOut() {
        let consenters: Set<Int64> = [1, 2]
        let given = PeerGroupRules.isShared(consenters: consenters, consents: [1: true, 2: true])
        let withdrawn = PeerGroupRules.isShared(consenters: consenters, consents: [1: true, 2: false])
        let text = "Both heads said yes once"
        let before = report(
            term: nil,
            themes: [.init(theme: theme(1, peer: 1, on: "2026-10-01", text), shared: given, regions: [1, 2])])
        let after = report(
            term: nil,
            themes: [.init(theme: theme(1, peer: 1, on: "2026-10-01", text), shared: withdrawn, regions: [1, 2])])
        #expect(before.themes.flatMap(\.items).map(\.text) == [text, text])
        #expect(after.themes.isEmpty)
    }
}
