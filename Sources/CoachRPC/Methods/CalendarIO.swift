// API level 6 (issue 13, calendars in and out): `calendar.import` reads a school's closures or
// terms from an iCalendar feed or GOV.UK's bank-holidays.json; `calendar.export` writes a person's
// drop-ins and follow-ups due as an iCalendar file.

/// Import formats on the wire.
public enum CalendarImportFormat {
    public static let all = ["ics", "govuk-bank-holidays"]
}

/// GOV.UK's divisions.
public enum BankHolidayDivision {
    public static let all = ["england-and-wales", "scotland", "northern-ireland"]
}

/// One event of an import: what it is called, where it is, and what became of it.
public struct ImportedEvent: Codable, Sendable, Hashable, RPCDescribed {
    public var summary: String
    /// The line of the event's `BEGIN:VEVENT` (absent for GOV.UK's JSON).
    public var line: Int?
    public var from: String?
    public var to: String?
    /// The closure or term it is (absent for a skipped event, and for an added one in a dry run).
    public var id: Int64?
    /// Why it was skipped.
    public var reason: String?
    public init(
        summary: String, line: Int?, from: String? = nil, to: String? = nil, id: Int64? = nil, reason: String? = nil
    ) {
        self.summary = summary
        self.line = line
        self.from = from
        self.to = to
        self.id = id
        self.reason = reason
    }
    public static let schema: RPCSchema = .object([
        RPCField("summary", .string(), "the event's SUMMARY (GOV.UK: its title)"),
        RPCField("line", .integer, required: false, "the line of its BEGIN:VEVENT in the file"),
        RPCField("from", .string(format: "date"), required: false, "first day"),
        RPCField("to", .string(format: "date"), required: false, "last day (inclusive)"),
        RPCField(
            "id", .integer, required: false, "the closure or term (not for a skipped event or a dry run's new one)"),
        RPCField("reason", .string(), required: false, "why it was skipped"),
    ])
}

/// What `calendar.import` returns.
public struct CalendarImported: Codable, Sendable, Hashable, RPCDescribed {
    public var dryRun: Bool
    /// `closures` or `terms`.
    public var kind: String
    /// The feed the imported items are remembered under (what `prune` compares).
    public var feed: String
    public var added: [ImportedEvent]
    /// Already imported, with new dates or title.
    public var updated: [ImportedEvent]
    public var unchanged: [ImportedEvent]
    public var skipped: [ImportedEvent]
    /// With `prune`: removed because the feed no longer has their UID.
    public var removed: [ImportedEvent]
    public var affected: CalendarAffected
    public init(
        dryRun: Bool, kind: String, feed: String, added: [ImportedEvent], updated: [ImportedEvent],
        unchanged: [ImportedEvent], skipped: [ImportedEvent], removed: [ImportedEvent], affected: CalendarAffected
    ) {
        self.dryRun = dryRun
        self.kind = kind
        self.feed = feed
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.skipped = skipped
        self.removed = removed
        self.affected = affected
    }
    public static let schema: RPCSchema = .object([
        RPCField("dryRun", .boolean, "true: nothing was stored"),
        RPCField("kind", .oneOf(["closures", "terms"]), "what the events became"),
        RPCField("feed", .string(), "the feed's name (its X-WR-CALNAME or PRODID, or govuk-bank-holidays:DIVISION)"),
        RPCField("added", .array(ImportedEvent.schema), "new closures or terms"),
        RPCField("updated", .array(ImportedEvent.schema), "imported before, now with new dates or title"),
        RPCField("unchanged", .array(ImportedEvent.schema), "imported before, the same"),
        RPCField("skipped", .array(ImportedEvent.schema), "not imported, each with its reason"),
        RPCField("removed", .array(ImportedEvent.schema), "with prune: gone from the feed, so removed"),
        RPCField("affected", CalendarAffected.schema, "drop-ins cancelled and due items moved by the change"),
    ])
}

public enum CalendarImportMethod: RPCMethod {
    public static let name = "calendar.import"
    public static let summary =
        "Imports closures or terms from an iCalendar (.ics) feed or GOV.UK's bank-holidays.json, all or nothing; a second import of the same file changes nothing. The school's lead or an admin."
    public static let since = 6
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var format: String
        public var data: String
        public var division: String?
        public var `as`: String?
        public var dryRun: Bool?
        public var prune: Bool?
        public var feed: String?
        public init(
            school: Int64, format: String, data: String, division: String? = nil, as kind: String? = nil,
            dryRun: Bool? = nil, prune: Bool? = nil, feed: String? = nil
        ) {
            self.school = school
            self.format = format
            self.data = data
            self.division = division
            self.as = kind
            self.dryRun = dryRun
            self.prune = prune
            self.feed = feed
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField(
                "format", .oneOf(CalendarImportFormat.all), "ics (RFC 5545) or govuk-bank-holidays (bank-holidays.json)"
            ),
            RPCField("data", .string(), "the file's text (at most 1 MiB)"),
            RPCField(
                "division", .oneOf(BankHolidayDivision.all), required: false,
                "for govuk-bank-holidays: which division's events (required there)"),
            RPCField(
                "as", .oneOf(["closures", "terms"]), required: false, "what each event becomes; default closures"),
            RPCField("dryRun", .boolean, required: false, "true: report what would happen, store nothing"),
            RPCField(
                "prune", .boolean, required: false,
                "true: remove what this feed imported before whose UID it no longer has"),
            RPCField(
                "feed", .string(), required: false,
                "the name the feed is remembered by; default its X-WR-CALNAME or PRODID (ics), govuk-bank-holidays:DIVISION"
            ),
        ]
    }
    public typealias Result = CalendarImported
}

/// What `calendar.export` returns.
public struct CalendarExported: Codable, Sendable, Hashable, RPCDescribed {
    public var ics: String
    /// Events in it.
    public var events: Int
    public init(ics: String, events: Int) {
        self.ics = ics
        self.events = events
    }
    public static let schema: RPCSchema = .object([
        RPCField("ics", .string(), "an RFC 5545 calendar (CRLF line ends), in the school's zone with its VTIMEZONE"),
        RPCField("events", .integer, "how many events it holds"),
    ])
}

public enum CalendarExportMethod: RPCMethod {
    public static let name = "calendar.export"
    public static let summary =
        "A person's booked, done and cancelled drop-ins and follow-ups due as an iCalendar file, titled with names only (never notes, focus or adaptations). Oneself; the school's lead or an admin for others."
    public static let since = 6
    public struct Params: RPCParams, Hashable {
        public var person: Int64?
        public var from: String?
        public var to: String?
        public init(person: Int64? = nil, from: String? = nil, to: String? = nil) {
            self.person = person
            self.from = from
            self.to = to
        }
        public static let fields = [
            RPCField("person", .integer, required: false, "person id; default the caller"),
            RPCField("from", .string(format: "date"), required: false, "first school-local date; default a year ago"),
            RPCField("to", .string(format: "date"), required: false, "last school-local date; default no end"),
        ]
    }
    public typealias Result = CalendarExported
}
