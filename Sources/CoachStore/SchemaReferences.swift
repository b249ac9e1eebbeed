/// Which column of the schema holds an id, and of which table: the one description that
/// `coachd --migrate-to-postgresql --renumber` (issue 15) follows to give a school's rows fresh ids
/// and to carry every reference along. Every column of every table is named here, as an id or as a
/// plain value; `SchemaReferencesTests` fails when a migration adds a table or a column this does
/// not name (so a new id-bearing column cannot be copied with a stale id), and when a foreign key of
/// either schema is not described as the reference it is.
public enum SchemaReferences {
    /// What a column holds.
    public enum Column: Sendable, Hashable {
        /// The table's own id.
        case id
        /// An id of that table.
        case reference(String)
        /// `history.subject`: an id of the table `historySubjects` gives for the row's `kind`.
        case historySubject
        /// `raised_transition.key`: a text embedding ids (`remapTransitionKey`).
        case transitionKey
        /// Not an id.
        case value
    }

    /// How a table's rows are moved into a database that already holds other schools'.
    public enum Rows: Sendable, Hashable {
        /// A school's own rows: each gets a fresh id.
        case renumbered
        /// Trust-wide rows every school's database may hold a copy of (the question bank every
        /// database is born with, the peer programme's regions and periods): a row equal in these
        /// columns to one already there is that row (its references follow it), not a new one.
        case matched(by: [String])
    }

    public struct Table: Sendable {
        public let name: String
        public let rows: Rows
        /// Every column, in no particular order.
        public let columns: [String: Column]

        public var hasID: Bool { columns["id"] == .id }
    }

    /// Tables of an installation rather than of a school (never copied): the migration tables of
    /// either store, the installation's id, `store_meta`'s counters and policy, and the live-event
    /// replay buffer (`live_event`: a trust database keeps its own; its `school`, `pair`, `teacher`,
    /// `coach`, `dropin`, `peer` and `session` are ids, which is why it must never be copied as is).
    public static let notCopied: Set<String> = [
        "grdb_migrations", "coachd_migration", "store_meta", "installation", "live_event",
        // Derived from the copied rows: the trust database's triggers list every copied pair as stale,
        // and its daemons count their report facts again.
        "report_fact", "report_stale",
    ]

    private static func table(_ name: String, _ rows: Rows = .renumbered, ids: [String: Column], values: String)
        -> Table
    {
        var columns = ids
        for value in values.split(separator: " ") { columns[String(value)] = .value }
        return Table(name: name, rows: rows, columns: columns)
    }

    /// Every table that is copied, with every column.
    public static let tables: [Table] = [
        table(
            "school", ids: ["id": .id, "region": .reference("region")],
            values: "name time_zone day_start day_end calendar_stamp"),
        table(
            "closure", ids: ["id": .id, "school": .reference("school")],
            values: "from_day to_day reason source_feed source_uid source_recurrence"),
        table(
            "term", ids: ["id": .id, "school": .reference("school")],
            values: "name from_day to_day source_feed source_uid source_recurrence"),
        table(
            "person", ids: ["id": .id, "school": .reference("school")],
            values: "name roles uid login active deactivated_at deactivate_reason accredited_on"),
        table(
            "pair",
            ids: [
                "id": .id, "school": .reference("school"), "teacher": .reference("person"),
                "coach": .reference("person"),
            ],
            values: "active created_at ended_at end_reason"),
        table("cycle", ids: ["id": .id, "pair": .reference("pair")], values: "focus started_at"),
        table(
            "dropin",
            ids: [
                "id": .id, "pair": .reference("pair"), "coach": .reference("person"),
                "cycle": .reference("cycle"),
            ],
            values: "start minutes completed_at notes cancelled_at cancel_reason"),
        table(
            "followup", ids: ["id": .id, "dropin": .reference("dropin"), "pair": .reference("pair")],
            values: "completed_at notes"),
        table(
            "adaptation", ids: ["id": .id, "pair": .reference("pair")],
            values: "text set_at set_on school_days practise_until closed_at closed_on outcome"),
        table(
            "history",
            ids: [
                "id": .id, "actor": .reference("person"), "school": .reference("school"),
                "pair": .reference("pair"), "subject": .historySubject,
            ],
            values: "at actor_uid kind"),
        table("raised_transition", ids: ["key": .transitionKey], values: "at"),
        table(
            "due_item",
            ids: ["pair": .reference("pair"), "school": .reference("school"), "dropin": .reference("dropin")],
            values: "kind due_day due_at overdue_at due_raised overdue_raised next_at"),
        table(
            "dropin_move", ids: ["id": .id, "dropin": .reference("dropin")],
            values: "from_start from_minutes to_start to_minutes at"),
        table("region", .matched(by: ["name"]), ids: ["id": .id], values: "name"),
        table(
            "period", .matched(by: ["name", "term", "from_day", "to_day"]), ids: ["id": .id],
            values: "name term from_day to_day"),
        table(
            "peer_pair", ids: ["id": .id, "a": .reference("person"), "b": .reference("person")],
            values: "created_at active"),
        table(
            "peer_session",
            ids: ["id": .id, "peer": .reference("peer_pair"), "first_coach": .reference("person")],
            values: "start minutes mode notes completed_at cancelled_at cancel_reason"),
        table(
            "question", .matched(by: ["programme", "phase", "audience", "text"]), ids: ["id": .id],
            values: "programme phase audience text"),
        table(
            "supervision_group", ids: ["id": .id, "region": .reference("region")],
            values: "name created_at active"),
        table(
            "group_member",
            ids: ["group_id": .reference("supervision_group"), "person": .reference("person")], values: ""),
        table(
            "group_meeting", ids: ["id": .id, "group_id": .reference("supervision_group")],
            values: "start minutes completed_at"),
        table(
            "meeting_attendance",
            ids: ["meeting": .reference("group_meeting"), "person": .reference("person")], values: ""),
        table(
            "agreement",
            ids: ["id": .id, "peer": .reference("peer_pair"), "proposed_by": .reference("person")],
            values: "version text coach_expectations learner_expectations created_at status"),
        table(
            "agreement_acceptance",
            ids: ["agreement": .reference("agreement"), "person": .reference("person")], values: "at"),
        table(
            "theme",
            ids: [
                "id": .id, "peer": .reference("peer_pair"), "group_id": .reference("supervision_group"),
                "meeting": .reference("group_meeting"), "added_by": .reference("person"),
            ],
            values: "kind text added_at added_on"),
        table(
            "theme_consent", ids: ["theme": .reference("theme"), "person": .reference("person")],
            values: "consent at"),
    ]

    /// Columns whose names look like ids (a table's name, `…_id`, `…_uid`) but are not, and why.
    public static let notIDs: [String: String] = [
        "period.term": "the programme term's name (text), not a row of `term`",
        "person.uid": "a Unix uid (a unique key across the trust, checked, never renumbered)",
        "history.actor_uid": "the Unix uid that made the change",
        "closure.source_uid": "a calendar feed's event UID (text)",
        "term.source_uid": "a calendar feed's event UID (text)",
    ]

    /// Columns that must be unique across the whole trust database but are not ids: a school's row
    /// whose value is already another's is refused, never renumbered.
    public static let uniqueAcrossSchools: [(table: String, column: String)] = [("person", "uid")]

    /// The table a history row's `subject` is an id of, by the row's `kind` (the journal event's
    /// name, `CoachService.history`); nil: the kind records no subject. A kind not here is refused
    /// by the move (a test checks every journal event is here or is never written to the history).
    public static let historySubjects: [String: String?] = {
        var subjects: [String: String?] = ["due.moved": .none]
        let byTable: [String: [String]] = [
            "school": ["school.added"],
            "closure": ["calendar.closure_added", "calendar.closure_removed"],
            "term": ["calendar.term_added", "calendar.term_removed"],
            "person": [
                "person.added", "person.updated", "person.deactivated", "person.erased", "person.accredited",
            ],
            "pair": ["pair.created", "pair.ended"],
            "cycle": ["cycle.started"],
            "dropin": [
                "dropin.scheduled", "dropin.completed", "dropin.cancelled", "dropin.moved", "dropin.logged",
            ],
            "followup": ["followup.completed"],
            "adaptation": ["adaptation.set", "adaptation.closed"],
            "region": ["region.added", "school.region_set"],
            "period": ["period.added"],
            "peer_pair": ["peer.created"],
            "peer_session": ["session.scheduled", "session.completed", "session.cancelled"],
            "agreement": ["agreement.set", "agreement.accepted"],
            "supervision_group": ["group.created"],
            "group_meeting": ["group.meeting_scheduled", "group.meeting_held"],
            "theme": ["theme.added", "theme.shared", "theme.withdrawn"],
        ]
        for (table, kinds) in byTable {
            for kind in kinds { subjects[kind] = .some(table) }
        }
        return subjects
    }()

    /// `key` of `raised_transition` with the ids it embeds replaced through `id(table, old)`; nil
    /// when the key has none of the forms this build writes:
    /// - a pair's due item: `PAIR/dropin|followup/DROPIN or 0/YYYY-MM-DD/due|overdue`
    ///   (`Transition.key`, `DueItem.key`);
    /// - a peer session: `session:PEER_PAIR:PERIOD:due|overdue` (`SessionDue`);
    /// - a supervision meeting: `supervision:GROUP:TERM NAME:due|overdue` (`SupervisionDue`; the term
    ///   is a name, which may itself hold colons).
    public static func remapTransitionKey(_ key: String, _ id: (String, Int64) throws -> Int64) rethrows
        -> String?
    {
        let kinds: Set<Substring> = ["due", "overdue"]
        if key.hasPrefix("session:") {
            let parts = key.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 4, let peer = Int64(parts[1]), let period = Int64(parts[2]), kinds.contains(parts[3])
            else { return nil }
            return "session:\(try id("peer_pair", peer)):\(try id("period", period)):\(parts[3])"
        }
        if key.hasPrefix("supervision:") {
            let parts = key.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 4, let group = Int64(parts[1]), let last = parts.last, kinds.contains(last) else {
                return nil
            }
            let term = parts[2..<(parts.count - 1)].joined(separator: ":")
            return "supervision:\(try id("supervision_group", group)):\(term):\(last)"
        }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, let pair = Int64(parts[0]), ["dropin", "followup"].contains(parts[1]),
            let dropIn = Int64(parts[2]), !parts[3].isEmpty, kinds.contains(parts[4])
        else { return nil }
        let newDropIn = dropIn == 0 ? 0 : try id("dropin", dropIn)
        return "\(try id("pair", pair))/\(parts[1])/\(newDropIn)/\(parts[3])/\(parts[4])"
    }
}
