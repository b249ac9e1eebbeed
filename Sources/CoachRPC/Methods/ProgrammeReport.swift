// Issue 14, the programme report (API level 11): trust leads and admins see the programme's figures
// and the themes every member consented to share; never a session note, an agreement or an
// unshared theme.

/// A region's row of the programme report.
public struct ProgrammeRegionRow: Codable, Sendable, Hashable, RPCDescribed {
    public var region: Int64
    public var regionName: String
    public var sessionsDue: Int
    public var sessionsDone: Int
    public var accreditedHeads: Int
    public var meetingsDue: Int
    public var meetingsHeld: Int
    public var attendanceRate: Double?

    public init(
        region: Int64, regionName: String, sessionsDue: Int, sessionsDone: Int, accreditedHeads: Int,
        meetingsDue: Int, meetingsHeld: Int, attendanceRate: Double?
    ) {
        self.region = region
        self.regionName = regionName
        self.sessionsDue = sessionsDue
        self.sessionsDone = sessionsDone
        self.accreditedHeads = accreditedHeads
        self.meetingsDue = meetingsDue
        self.meetingsHeld = meetingsHeld
        self.attendanceRate = attendanceRate
    }

    public static let schema: RPCSchema = .object([
        RPCField("region", .integer, "region id"),
        RPCField("regionName", .string(), "the region's name"),
        RPCField("sessionsDue", .integer, "peer sessions due in the periods (a pair with a head here)"),
        RPCField("sessionsDone", .integer, "of those, done by a completed session in the period"),
        RPCField("accreditedHeads", .integer, "active accredited heads of the region's schools"),
        RPCField("meetingsDue", .integer, "supervision meetings due (one per group per term)"),
        RPCField("meetingsHeld", .integer, "supervision meetings completed in the periods"),
        RPCField(
            "attendanceRate", .number, required: false,
            "attendances ÷ members at the meetings held, 0 to 1; absent when none was held"),
    ])
}

/// The trust-wide totals of the programme report (each pair counted once).
public struct ProgrammeTotals: Codable, Sendable, Hashable, RPCDescribed {
    public var sessionsDue: Int
    public var sessionsDone: Int
    public var accreditedHeads: Int
    public var meetingsDue: Int
    public var meetingsHeld: Int
    public var attendanceRate: Double?

    public init(
        sessionsDue: Int, sessionsDone: Int, accreditedHeads: Int, meetingsDue: Int, meetingsHeld: Int,
        attendanceRate: Double?
    ) {
        self.sessionsDue = sessionsDue
        self.sessionsDone = sessionsDone
        self.accreditedHeads = accreditedHeads
        self.meetingsDue = meetingsDue
        self.meetingsHeld = meetingsHeld
        self.attendanceRate = attendanceRate
    }

    public static let schema: RPCSchema = .object([
        RPCField("sessionsDue", .integer, "peer sessions due, each pair once"),
        RPCField("sessionsDone", .integer, "of those, done"),
        RPCField("accreditedHeads", .integer, "active accredited heads trust-wide"),
        RPCField("meetingsDue", .integer, "supervision meetings due"),
        RPCField("meetingsHeld", .integer, "supervision meetings held"),
        RPCField("attendanceRate", .number, required: false, "attendances ÷ members at the meetings held"),
    ])
}

/// A peer pair's row: names and counts only, never its notes or agreements.
public struct ProgrammePairRow: Codable, Sendable, Hashable, RPCDescribed {
    public var peer: Int64
    public var aName: String
    public var bName: String
    public var aRegion: String?
    public var bRegion: String?
    public var sessionsDue: Int
    public var sessionsDone: Int

    public init(
        peer: Int64, aName: String, bName: String, aRegion: String?, bRegion: String?, sessionsDue: Int,
        sessionsDone: Int
    ) {
        self.peer = peer
        self.aName = aName
        self.bName = bName
        self.aRegion = aRegion
        self.bRegion = bRegion
        self.sessionsDue = sessionsDue
        self.sessionsDone = sessionsDone
    }

    public static let schema: RPCSchema = .object([
        RPCField("peer", .integer, "peer pair id"),
        RPCField("aName", .string(), "the first head's name"),
        RPCField("bName", .string(), "the second head's name"),
        RPCField("aRegion", .string(), required: false, "the first head's region name"),
        RPCField("bRegion", .string(), required: false, "the second head's region name"),
        RPCField("sessionsDue", .integer, "sessions due in the periods"),
        RPCField("sessionsDone", .integer, "of those, done"),
    ])
}

/// A supervision group's row.
public struct ProgrammeGroupRow: Codable, Sendable, Hashable, RPCDescribed {
    public var group: Int64
    public var name: String
    public var regionName: String
    public var members: Int
    public var meetingsDue: Int
    public var meetingsHeld: Int
    public var attended: Int
    public var attendanceRate: Double?

    public init(
        group: Int64, name: String, regionName: String, members: Int, meetingsDue: Int, meetingsHeld: Int,
        attended: Int, attendanceRate: Double?
    ) {
        self.group = group
        self.name = name
        self.regionName = regionName
        self.members = members
        self.meetingsDue = meetingsDue
        self.meetingsHeld = meetingsHeld
        self.attended = attended
        self.attendanceRate = attendanceRate
    }

    public static let schema: RPCSchema = .object([
        RPCField("group", .integer, "group id"),
        RPCField("name", .string(), "the group's name"),
        RPCField("regionName", .string(), "its region's name"),
        RPCField("members", .integer, "how many heads it has"),
        RPCField("meetingsDue", .integer, "meetings due: one per term counted"),
        RPCField("meetingsHeld", .integer, "meetings completed in the periods"),
        RPCField("attended", .integer, "attendances at those meetings (sum)"),
        RPCField("attendanceRate", .number, required: false, "attended ÷ (members × meetings held)"),
    ])
}

/// A shared theme or impact in the report.
public struct ProgrammeThemeItem: Codable, Sendable, Hashable, RPCDescribed {
    public var kind: String
    public var text: String
    public var term: String?

    public init(kind: String, text: String, term: String?) {
        self.kind = kind
        self.text = text
        self.term = term
    }

    public static let schema: RPCSchema = .object([
        RPCField("kind", .oneOf(["theme", "impact"]), "a theme, or an impact"),
        RPCField("text", .string(), "the theme (shared by every member's consent)"),
        RPCField("term", .string(), required: false, "the term it was added in"),
    ])
}

/// A region's shared themes.
public struct ProgrammeRegionThemes: Codable, Sendable, Hashable, RPCDescribed {
    public var regionName: String
    public var items: [ProgrammeThemeItem]

    public init(regionName: String, items: [ProgrammeThemeItem]) {
        self.regionName = regionName
        self.items = items
    }

    public static let schema: RPCSchema = .object([
        RPCField("regionName", .string(), "the region"),
        RPCField("items", .array(ProgrammeThemeItem.schema), "its shared themes and impacts, oldest first"),
    ])
}

/// What `reports.programme` returns.
public struct ProgrammeReportResult: Codable, Sendable, Hashable, RPCDescribed {
    public var term: String?
    public var periods: [PeriodInfo]
    public var byRegion: [ProgrammeRegionRow]
    public var byPair: [ProgrammePairRow]
    public var groups: [ProgrammeGroupRow]
    public var totals: ProgrammeTotals
    public var themes: [ProgrammeRegionThemes]

    public init(
        term: String?, periods: [PeriodInfo], byRegion: [ProgrammeRegionRow], byPair: [ProgrammePairRow],
        groups: [ProgrammeGroupRow], totals: ProgrammeTotals, themes: [ProgrammeRegionThemes]
    ) {
        self.term = term
        self.periods = periods
        self.byRegion = byRegion
        self.byPair = byPair
        self.groups = groups
        self.totals = totals
        self.themes = themes
    }

    public static let schema: RPCSchema = .object([
        RPCField("term", .string(), required: false, "the term counted; absent: every period"),
        RPCField("periods", .array(PeriodInfo.schema), "the periods counted, oldest first"),
        RPCField("byRegion", .array(ProgrammeRegionRow.schema), "per region, by name"),
        RPCField("byPair", .array(ProgrammePairRow.schema), "per active peer pair with a session due, by id"),
        RPCField("groups", .array(ProgrammeGroupRow.schema), "per supervision group, by id"),
        RPCField("totals", ProgrammeTotals.schema, "trust-wide, each pair once"),
        RPCField(
            "themes", .array(ProgrammeRegionThemes.schema), "shared themes by region (regions with none left out)"),
    ])
}

public enum ReportsProgramme: RPCMethod {
    public static let name = "reports.programme"
    public static let summary =
        "The heads' peer programme for trust leads and admins: sessions, accreditation, supervision and shared themes per region, pair and group."
    public static let since = 11
    public struct Params: RPCParams, Hashable {
        public var term: String?

        public init(term: String? = nil) { self.term = term }

        public static let fields = [
            RPCField(
                "term", .string(), required: false, "only this term's periods (e.g. Autumn 2026); absent: every period")
        ]
    }
    public typealias Result = ProgrammeReportResult
}
