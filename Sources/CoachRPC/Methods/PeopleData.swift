/// `people.import`, `people.export`, `people.erase` (API level 7, issue 13): a staff list in, and
/// everything held about one person out or erased.

/// One row of an import that could not be taken, by its place in the file.
public struct ImportRowError: Codable, Sendable, Hashable, RPCDescribed {
    /// The CSV record, counting the header as row 1 (as a spreadsheet numbers it).
    public var row: Int
    /// The column at fault (`name`, `login`, `uid`, `roles`, `coach`; `csv` for the file as a whole).
    public var column: String
    public var message: String

    public init(row: Int, column: String, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }

    public static let schema: RPCSchema = .object([
        RPCField("row", .integer, "the CSV record, the header being row 1"),
        RPCField("column", .string(), "the column at fault"),
        RPCField("message", .string(), "what is wrong and what to do"),
    ])
}

/// What one row of an import did (or would do, in a dry run).
public struct ImportRowInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var row: Int
    public var name: String
    /// `added` or `unchanged` (someone already there).
    public var outcome: String
    /// The person's id (absent for someone a dry run would add).
    public var person: Int64?
    /// The coach's login, when the row pairs the teacher with one.
    public var coach: String?
    /// `created` or `unchanged` when the row names a coach.
    public var pair: String?

    public init(row: Int, name: String, outcome: String, person: Int64?, coach: String? = nil, pair: String? = nil) {
        self.row = row
        self.name = name
        self.outcome = outcome
        self.person = person
        self.coach = coach
        self.pair = pair
    }

    public static let schema: RPCSchema = .object([
        RPCField("row", .integer, "the CSV record, the header being row 1"),
        RPCField("name", .string(), "the person's name as the file gives it"),
        RPCField("outcome", .oneOf(["added", "unchanged"]), "added, or already there"),
        RPCField("person", .integer, required: false, "the person's id (absent when a dry run would add them)"),
        RPCField("coach", .string(), required: false, "the login of the coach the row pairs the teacher with"),
        RPCField("pair", .oneOf(["created", "unchanged"]), required: false, "what became of that pair"),
    ])
}

/// What `people.import` returns.
public struct PeopleImportResult: Codable, Sendable, Hashable, RPCDescribed {
    /// People added (in a dry run: that would be added). 0 when there are errors.
    public var added: Int
    public var pairsCreated: Int
    public var unchanged: Int
    /// Every row at fault; when present, nothing was stored.
    public var errors: [ImportRowError]?
    /// Row by row, what each did; empty when there are errors.
    public var rows: [ImportRowInfo]
    /// True when nothing was stored because `dryRun` was set.
    public var dryRun: Bool
    /// Header columns that were not read (an MIS export carries many).
    public var ignoredColumns: [String]

    public init(
        added: Int, pairsCreated: Int, unchanged: Int, errors: [ImportRowError]?, rows: [ImportRowInfo], dryRun: Bool,
        ignoredColumns: [String]
    ) {
        self.added = added
        self.pairsCreated = pairsCreated
        self.unchanged = unchanged
        self.errors = errors
        self.rows = rows
        self.dryRun = dryRun
        self.ignoredColumns = ignoredColumns
    }

    public static let schema: RPCSchema = .object([
        RPCField("added", .integer, "people added (0 when there are errors)"),
        RPCField("pairsCreated", .integer, "pairs created (0 when there are errors)"),
        RPCField("unchanged", .integer, "rows for people already there"),
        RPCField(
            "errors", .array(ImportRowError.schema), required: false,
            "every row at fault; when present nothing was stored"),
        RPCField(
            "rows", .array(ImportRowInfo.schema), "what each row did, in file order (empty when there are errors)"),
        RPCField("dryRun", .boolean, "true when nothing was stored because dryRun was set"),
        RPCField("ignoredColumns", .array(.string()), "header columns that were not read"),
    ])
}

public enum PeopleImport: RPCMethod {
    public static let name = "people.import"
    public static let summary =
        "Adds a school's staff from a CSV staff list (name, login or uid, roles separated by ';', optional coach), all or nothing. Admins, or the school's lead."
    public static let since = 7
    public struct Params: RPCParams, Hashable {
        public var school: Int64
        public var csv: String
        public var dryRun: Bool?
        public init(school: Int64, csv: String, dryRun: Bool? = nil) {
            self.school = school
            self.csv = csv
            self.dryRun = dryRun
        }
        public static let fields = [
            RPCField("school", .integer, "school id"),
            RPCField("csv", .string(), "the CSV file's text (RFC 4180, header row; at most 512 KiB and 2000 rows)"),
            RPCField("dryRun", .boolean, required: false, "check and report only; store nothing"),
        ]
    }
    public typealias Result = PeopleImportResult
}

/// Everything held about one person (`people.export`).
public struct PersonExport: Codable, Sendable, Hashable, RPCDescribed {
    /// When the export was made (RFC 3339).
    public var exportedAt: String
    public var person: PersonInfo
    /// Why they were deactivated, when they were.
    public var deactivateReason: String?
    /// Every pair they are or were in, with its cycles, drop-ins, follow-ups, adaptations, texts and
    /// notes, and the pair's history.
    public var pairs: [PairDetail]
    /// Changes to the person themself (added, updated, deactivated).
    public var history: [HistoryEntry]
    /// The heads' peer programme (API level 12; absent from older daemons): their peer pairs, the
    /// pairs' sessions with their notes, agreement versions, and the themes of their pairs and groups.
    public var peerPairs: [PeerPairInfo]?
    public var peerSessions: [SessionInfo]?
    public var agreements: [AgreementInfo]?
    public var themes: [ThemeInfo]?

    public init(
        exportedAt: String, person: PersonInfo, deactivateReason: String?, pairs: [PairDetail], history: [HistoryEntry],
        peerPairs: [PeerPairInfo]? = nil, peerSessions: [SessionInfo]? = nil, agreements: [AgreementInfo]? = nil,
        themes: [ThemeInfo]? = nil
    ) {
        self.exportedAt = exportedAt
        self.person = person
        self.deactivateReason = deactivateReason
        self.pairs = pairs
        self.history = history
        self.peerPairs = peerPairs
        self.peerSessions = peerSessions
        self.agreements = agreements
        self.themes = themes
    }

    public static let schema: RPCSchema = .object([
        RPCField("exportedAt", .string(format: "date-time"), "when the export was made"),
        RPCField("person", PersonInfo.schema, "the person"),
        RPCField("deactivateReason", .string(), required: false, "why they were deactivated"),
        RPCField("pairs", .array(PairDetail.schema), "every pair they are or were in, with all its texts and notes"),
        RPCField("history", .array(HistoryEntry.schema), "changes to the person themself"),
        RPCField("peerPairs", .array(PeerPairInfo.schema), required: false, "their peer pairs (level 12)"),
        RPCField(
            "peerSessions", .array(SessionInfo.schema), required: false,
            "their peer pairs' sessions, notes included (level 12)"),
        RPCField(
            "agreements", .array(AgreementInfo.schema), required: false,
            "every version of their peer pairs' learning agreements (level 12)"),
        RPCField(
            "themes", .array(ThemeInfo.schema), required: false,
            "the themes and impacts of their peer pairs and supervision groups, shared or not (level 12)"),
    ])
}

public enum PeopleExport: RPCMethod {
    public static let name = "people.export"
    public static let summary =
        "Everything held about a person as one document: the person, their pairs with cycles, drop-ins, follow-ups, adaptations, texts, notes and history (UK GDPR art. 15). Admins only."
    public static let since = 7
    public struct Params: RPCParams, Hashable {
        public var person: Int64
        public init(person: Int64) { self.person = person }
        public static let fields = [RPCField("person", .integer, "person id")]
    }
    public typealias Result = PersonExport
}

/// What `people.erase` erased.
public struct PersonErased: Codable, Sendable, Hashable, RPCDescribed {
    public var person: Int64
    /// The placeholder the name was replaced with.
    public var name: String
    public var pairsEnded: Int
    /// Texts blanked in the person's pairs, by kind.
    public var focuses: Int
    public var dropInNotes: Int
    public var followUpNotes: Int
    public var adaptations: Int
    /// Reasons given when drop-ins were cancelled, pairs ended or the person deactivated.
    public var reasons: Int
    /// Whether the write-ahead log was emptied into the database file afterwards (false: it will
    /// be at the next checkpoint; see Docs/Operations.md).
    public var checkpointed: Bool
    /// Texts of the heads' peer programme blanked: session notes, agreements and themes of their peer
    /// pairs, and themes they added to a supervision group (API level 11; absent from older daemons).
    public var peerTexts: Int?

    public init(
        person: Int64, name: String, pairsEnded: Int, focuses: Int, dropInNotes: Int, followUpNotes: Int,
        adaptations: Int, reasons: Int, checkpointed: Bool, peerTexts: Int? = nil
    ) {
        self.person = person
        self.name = name
        self.pairsEnded = pairsEnded
        self.focuses = focuses
        self.dropInNotes = dropInNotes
        self.followUpNotes = followUpNotes
        self.adaptations = adaptations
        self.reasons = reasons
        self.checkpointed = checkpointed
        self.peerTexts = peerTexts
    }

    public static let schema: RPCSchema = .object([
        RPCField("person", .integer, "person id (kept, so counts and reports stay right)"),
        RPCField("name", .string(), "the neutral name that replaced theirs"),
        RPCField("pairsEnded", .integer, "active pairs ended"),
        RPCField("focuses", .integer, "cycle focuses erased in their pairs"),
        RPCField("dropInNotes", .integer, "drop-in notes erased in their pairs"),
        RPCField("followUpNotes", .integer, "follow-up notes erased in their pairs"),
        RPCField("adaptations", .integer, "adaptation texts erased in their pairs"),
        RPCField("reasons", .integer, "cancel, end and deactivation reasons erased"),
        RPCField("checkpointed", .boolean, "true when the database files hold no copy of the erased text any more"),
        RPCField(
            "peerTexts", .integer, required: false,
            "peer session notes, agreements and themes erased (their peer pairs', and themes they added to a group; "
                + "level 11)"),
    ])
}

public enum PeopleErase: RPCMethod {
    public static let name = "people.erase"
    public static let summary =
        "Erases a person (UK GDPR art. 17): their name and Unix link, and every note and text of the pairs they were in; their pairs end; history keeps anonymous events. Admins only."
    public static let since = 7
    public struct Params: RPCParams, Hashable {
        public var person: Int64
        public var confirm: String
        public init(person: Int64, confirm: String) {
            self.person = person
            self.confirm = confirm
        }
        public static let fields = [
            RPCField("person", .integer, "person id"),
            RPCField("confirm", .string(), "the person's name exactly as stored, as a guard against the wrong id"),
        ]
    }
    public typealias Result = PersonErased
}
