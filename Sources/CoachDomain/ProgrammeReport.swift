import Foundation

// Issue 14, the programme report for trust leads: sessions due and done per region and per pair,
// supervision meetings due and held with attendance, and the themes every member consented to share.
// Pure counting over plain values: the service loads, this counts.

/// The programme report's counting.
public enum ProgrammeReport {
    /// A peer pair as the report sees it: its heads' names and regions (never its notes).
    public struct PairInput: Sendable, Hashable {
        public var peer: Int64
        public var aName: String
        public var bName: String
        public var aRegion: Int64?
        public var bRegion: Int64?

        public init(peer: Int64, aName: String, bName: String, aRegion: Int64?, bRegion: Int64?) {
            self.peer = peer
            self.aName = aName
            self.bName = bName
            self.aRegion = aRegion
            self.bRegion = bRegion
        }
    }

    /// A supervision group with the day it was created and its meetings, each with the local day it
    /// started.
    public struct GroupInput: Sendable {
        public var group: SupervisionGroup
        public var createdOn: LocalDate
        public var meetings: [(meeting: GroupMeeting, day: LocalDate)]

        public init(group: SupervisionGroup, createdOn: LocalDate, meetings: [(meeting: GroupMeeting, day: LocalDate)])
        {
            self.group = group
            self.createdOn = createdOn
            self.meetings = meetings
        }
    }

    /// A theme, whether every member whose consent it needs has consented, and its regions.
    public struct ThemeInput: Sendable, Hashable {
        public var theme: Theme
        public var shared: Bool
        public var regions: Set<Int64>

        public init(theme: Theme, shared: Bool, regions: Set<Int64>) {
            self.theme = theme
            self.shared = shared
            self.regions = regions
        }
    }

    /// A head for the accredited count: their region (nil: their school is in none).
    public struct HeadInput: Sendable, Hashable {
        public var person: Person
        public var region: Int64?

        public init(person: Person, region: Int64?) {
            self.person = person
            self.region = region
        }
    }

    /// The counts of one region, or of the trust.
    public struct Counts: Sendable, Hashable {
        public var sessionsDue = 0
        public var sessionsDone = 0
        public var accreditedHeads = 0
        public var meetingsDue = 0
        public var meetingsHeld = 0
        /// Attendances at the meetings held.
        public var attended = 0
        /// Members of the groups at the meetings held (the most attendances there could have been).
        public var places = 0

        public init() {}

        /// Attendances over places at the meetings held, 0...1; nil when no meeting was held.
        public var attendanceRate: Double? { places == 0 ? nil : Double(attended) / Double(places) }
    }

    public struct RegionRow: Sendable, Hashable {
        public var region: Region
        public var counts: Counts
    }

    public struct PairRow: Sendable, Hashable {
        public var pair: PairInput
        public var sessionsDue: Int
        public var sessionsDone: Int
    }

    public struct GroupRow: Sendable, Hashable {
        public var group: SupervisionGroup
        public var regionName: String
        public var meetingsDue: Int
        public var counts: Counts
    }

    public struct ThemeItem: Sendable, Hashable {
        public var kind: ThemeKind
        public var text: String
        public var term: String?
    }

    public struct RegionThemes: Sendable, Hashable {
        public var regionName: String
        public var items: [ThemeItem]
    }

    public struct Result: Sendable, Hashable {
        public var periods: [Period]
        public var byRegion: [RegionRow]
        public var byPair: [PairRow]
        public var groups: [GroupRow]
        public var totals: Counts
        public var themes: [RegionThemes]
    }

    /// The periods counted: those of `term`, or every one.
    public static func periods(_ all: [Period], term: String?) -> [Period] {
        all.filter { term == nil || $0.term == term }.sorted { $0.range.from < $1.range.from }
    }

    /// Counts the report. `dues` are the sessions due as `PeerRules.sessionsDue` gives them (any period:
    /// only those of the counted periods count); a pair spanning two regions counts in both regions'
    /// rows and once in the totals. A group owes one meeting per counted term whose last day is on or
    /// after the day it was created; a meeting is held when completed and starting in a counted period.
    /// Themes: only the shared ones, of the term (any when no term), under each of their regions.
    public static func count(
        term: String?, periods allPeriods: [Period], regions: [Region], heads: [HeadInput], pairs: [PairInput],
        dues: [SessionDue], groups: [GroupInput], themes: [ThemeInput]
    ) -> Result {
        let periods = periods(allPeriods, term: term)
        let counted = Set(periods.map(\.id))
        let regionsByName = regions.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        var byRegion: [Int64: Counts] = [:]
        var totals = Counts()

        for head in heads
        where head.person.roles.contains(.head) && head.person.active
            && head.person.accreditedOn != nil
        {
            totals.accreditedHeads += 1
            if let region = head.region { byRegion[region, default: Counts()].accreditedHeads += 1 }
        }

        var pairRows: [PairRow] = []
        for pair in pairs.sorted(by: { $0.peer < $1.peer }) {
            let owed = dues.filter { $0.peer == pair.peer && counted.contains($0.period) }
            guard !owed.isEmpty else { continue }
            let done = owed.filter(\.done).count
            pairRows.append(PairRow(pair: pair, sessionsDue: owed.count, sessionsDone: done))
            totals.sessionsDue += owed.count
            totals.sessionsDone += done
            for region in Set([pair.aRegion, pair.bRegion].compactMap { $0 }) {
                byRegion[region, default: Counts()].sessionsDue += owed.count
                byRegion[region, default: Counts()].sessionsDone += done
            }
        }

        let regionName = Dictionary(regions.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var groupRows: [GroupRow] = []
        for input in groups.sorted(by: { $0.group.id < $1.group.id }) {
            let group = input.group
            let terms = Set(periods.map(\.term)).filter { name in
                periods.filter { $0.term == name }.contains { $0.range.to >= input.createdOn }
            }
            var counts = Counts()
            counts.meetingsDue = terms.count
            for (meeting, day) in input.meetings
            where meeting.isCompleted && meeting.group == group.id
                && periods.contains(where: { $0.range.contains(day) })
            {
                counts.meetingsHeld += 1
                counts.attended += meeting.attended.intersection(group.members).count
                counts.places += group.members.count
            }
            groupRows.append(
                GroupRow(
                    group: group, regionName: regionName[group.region] ?? "", meetingsDue: terms.count, counts: counts))
            for target in [true, false] {
                var row = target ? byRegion[group.region, default: Counts()] : totals
                row.meetingsDue += counts.meetingsDue
                row.meetingsHeld += counts.meetingsHeld
                row.attended += counts.attended
                row.places += counts.places
                if target { byRegion[group.region] = row } else { totals = row }
            }
        }

        var themeRows: [RegionThemes] = []
        for region in regionsByName {
            let items = themes.filter { $0.shared && $0.regions.contains(region.id) }
                .sorted { $0.theme.id < $1.theme.id }
                .compactMap { input -> ThemeItem? in
                    let themeTerm = PeerRules.period(containing: input.theme.addedOn, in: allPeriods)?.term
                    if let term, themeTerm != term { return nil }
                    return ThemeItem(kind: input.theme.kind, text: input.theme.text, term: themeTerm)
                }
            if !items.isEmpty { themeRows.append(RegionThemes(regionName: region.name, items: items)) }
        }

        return Result(
            periods: periods,
            byRegion: regionsByName.map { RegionRow(region: $0, counts: byRegion[$0.id] ?? Counts()) },
            byPair: pairRows, groups: groupRows, totals: totals, themes: themeRows)
    }
}
