import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// Issue 14, the programme report for trust leads and admins (`reports.programme`, gated
/// `.trustLeads`): the store is read, `ProgrammeReport` counts. Only names, counts and shared themes
/// leave: never a session's notes, an agreement or an unshared theme.
extension CoachService {
    func reportsProgramme(_ params: ReportsProgramme.Params, _ peer: Peer) async throws -> ProgrammeReportResult {
        let term = try params.term.map { value throws(DomainError) in
            try TextRules.line(value, field: "term", maxCharacters: 200)
        }
        return try await store.read { store in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let periods = try store.periods()
            if let term, !periods.contains(where: { $0.term == term }) {
                let known = Array(Set(periods.map(\.term))).sorted().joined(separator: ", ")
                throw DomainError.invalid(
                    "no period has the term \"\(TextRules.printable(term, limit: 60))\"; the terms are: "
                        + (known.isEmpty ? "none yet (add periods with periods.add)" : known),
                    field: "term")
            }
            let regions = try store.regions()
            var schoolRegion: [Int64: Int64] = [:]
            for school in try store.schools() { schoolRegion[school.id] = school.region }
            var people: [Int64: Person] = [:]
            for person in try store.people(school: nil) { people[person.id] = person }
            let heads = people.values.filter { $0.roles.contains(.head) }.map {
                ProgrammeReport.HeadInput(person: $0, region: schoolRegion[$0.school])
            }
            let pairs = try store.peerPairs(person: nil).map { pair in
                ProgrammeReport.PairInput(
                    peer: pair.id, aName: people[pair.a]?.name ?? "person \(pair.a)",
                    bName: people[pair.b]?.name ?? "person \(pair.b)",
                    aRegion: people[pair.a].flatMap { schoolRegion[$0.school] },
                    bRegion: people[pair.b].flatMap { schoolRegion[$0.school] })
            }
            var groups: [ProgrammeReport.GroupInput] = []
            for group in try store.supervisionGroups(region: nil) {
                let calendar = try group.members.lazy.compactMap { people[$0] }.first.map {
                    try self.calendar($0.school, store)
                }
                guard let calendar else { continue }
                groups.append(
                    ProgrammeReport.GroupInput(
                        group: group, createdOn: calendar.localDate(of: group.createdAt),
                        meetings: try store.groupMeetings(group: group.id).map {
                            ($0, calendar.localDate(of: $0.start))
                        }
                    ))
            }
            var themes: [ProgrammeReport.ThemeInput] = []
            for theme in try store.allThemes() {
                // Shared exactly as `themes.list` decides it, and in the same regions.
                let shared = PeerGroupRules.isShared(
                    consenters: try self.consenters(theme, store), consents: try store.consents(theme: theme.id))
                themes.append(
                    ProgrammeReport.ThemeInput(
                        theme: theme, shared: shared, regions: try self.regions(of: theme, store)))
            }
            let result = ProgrammeReport.count(
                term: term, periods: periods, regions: regions, heads: heads, pairs: pairs,
                dues: try store.sessionDues(), groups: groups, themes: themes)
            return Self.programmeResult(result, term: term)
        }
    }

    static func programmeResult(_ result: ProgrammeReport.Result, term: String?) -> ProgrammeReportResult {
        let names = Dictionary(result.byRegion.map { ($0.region.id, $0.region.name) }, uniquingKeysWith: { a, _ in a })
        return ProgrammeReportResult(
            term: term, periods: result.periods.map(PeriodInfo.init),
            byRegion: result.byRegion.map {
                ProgrammeRegionRow(
                    region: $0.region.id, regionName: $0.region.name, sessionsDue: $0.counts.sessionsDue,
                    sessionsDone: $0.counts.sessionsDone, accreditedHeads: $0.counts.accreditedHeads,
                    meetingsDue: $0.counts.meetingsDue, meetingsHeld: $0.counts.meetingsHeld,
                    attendanceRate: $0.counts.attendanceRate)
            },
            byPair: result.byPair.map {
                ProgrammePairRow(
                    peer: $0.pair.peer, aName: $0.pair.aName, bName: $0.pair.bName,
                    aRegion: $0.pair.aRegion.flatMap { names[$0] }, bRegion: $0.pair.bRegion.flatMap { names[$0] },
                    sessionsDue: $0.sessionsDue, sessionsDone: $0.sessionsDone)
            },
            groups: result.groups.map {
                ProgrammeGroupRow(
                    group: $0.group.id, name: $0.group.name, regionName: $0.regionName, members: $0.group.members.count,
                    meetingsDue: $0.meetingsDue, meetingsHeld: $0.counts.meetingsHeld, attended: $0.counts.attended,
                    attendanceRate: $0.counts.attendanceRate)
            },
            totals: ProgrammeTotals(
                sessionsDue: result.totals.sessionsDue, sessionsDone: result.totals.sessionsDone,
                accreditedHeads: result.totals.accreditedHeads, meetingsDue: result.totals.meetingsDue,
                meetingsHeld: result.totals.meetingsHeld, attendanceRate: result.totals.attendanceRate),
            themes: result.themes.map {
                ProgrammeRegionThemes(
                    regionName: $0.regionName,
                    items: $0.items.map { ProgrammeThemeItem(kind: $0.kind.rawValue, text: $0.text, term: $0.term) })
            })
    }
}

/// The programme report (issue 14), for trust leads and admins (counts and shared themes only).
/// Its methods, who may call each, and the handlers above, registered together.
enum ProgrammeFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(ReportsProgramme.self, access: .trustLeads) { params, peer in
            try await service.reportsProgramme(params, peer)
        }
    }
}
