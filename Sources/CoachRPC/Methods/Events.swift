// API level 8 (issue 12; built as 5 beside levels 6 and 7): live events. `events.subscribe` answers the current sequence number,
// replays what a reconnecting client missed, then pushes `events.event` notifications on the
// same connection. Ids, kinds, times and names only: never a note, a focus or an adaptation's text.

/// What `events.subscribe` returns: the sequence number of the newest event when it was asked.
public struct EventsSubscribed: Codable, Sendable, Hashable, RPCDescribed {
    public var seq: Int64
    public init(seq: Int64) { self.seq = seq }
    public static let schema: RPCSchema = .object([
        RPCField("seq", .integer, "the newest event's sequence number (0: none yet); later events come as events.event")
    ])
}

/// The params of one `events.event` notification.
public struct LiveEventNotice: Codable, Sendable, Hashable, RPCDescribed {
    /// The notification's method name.
    public static let method = "events.event"
    public var seq: Int64
    /// When it happened, RFC 3339 in UTC.
    public var at: String
    public var kind: String
    public var school: Int64
    public var pair: Int64?
    public var teacher: Int64?
    public var teacherName: String?
    public var coach: Int64?
    public var coachName: String?
    /// The drop-in it is about, when there is one.
    public var dropin: Int64?
    /// For `due` and `overdue`: what is due (`dropin` or `followup`).
    public var item: String?
    /// API level 13, a peer session's event: the peer pair, the session and its two heads.
    public var peer: Int64?
    public var session: Int64?
    public var a: Int64?
    public var aName: String?
    public var b: Int64?
    public var bName: String?

    public init(
        seq: Int64, at: String, kind: String, school: Int64, pair: Int64?, teacher: Int64?, teacherName: String?,
        coach: Int64?, coachName: String?, dropin: Int64?, item: String?, peer: Int64? = nil, session: Int64? = nil,
        a: Int64? = nil, aName: String? = nil, b: Int64? = nil, bName: String? = nil
    ) {
        self.peer = peer
        self.session = session
        self.a = a
        self.aName = aName
        self.b = b
        self.bName = bName
        self.seq = seq
        self.at = at
        self.kind = kind
        self.school = school
        self.pair = pair
        self.teacher = teacher
        self.teacherName = teacherName
        self.coach = coach
        self.coachName = coachName
        self.dropin = dropin
        self.item = item
    }

    /// Every kind an event may have.
    public static let kinds = [
        "due", "overdue", "dropin.booked", "dropin.cancelled", "dropin.moved", "dropin.done", "followup.done",
        "adaptation.set", "adaptation.closed", "pair.created", "pair.ended", "calendar.changed",
        "session.booked", "session.done", "session.cancelled",
    ]

    public static let schema: RPCSchema = .object([
        RPCField("seq", .integer, "the event's sequence number: increasing, never reused"),
        RPCField("at", .string(format: "date-time"), "when it happened"),
        RPCField("kind", .oneOf(kinds), "what happened"),
        RPCField("school", .integer, "school id"),
        RPCField("pair", .integer, required: false, "pair id (absent for calendar.changed)"),
        RPCField("teacher", .integer, required: false, "teacher's person id"),
        RPCField("teacherName", .string(), required: false, "teacher's name"),
        RPCField("coach", .integer, required: false, "coach's person id"),
        RPCField("coachName", .string(), required: false, "coach's name"),
        RPCField("dropin", .integer, required: false, "the drop-in it is about"),
        RPCField("item", .oneOf(["dropin", "followup"]), required: false, "for due and overdue: what is due"),
        RPCField("peer", .integer, required: false, "for session.*: the peer pair (level 13)"),
        RPCField("session", .integer, required: false, "for session.*: the peer session (level 13)"),
        RPCField("a", .integer, required: false, "for session.*: the pair's head a"),
        RPCField("aName", .string(), required: false, "head a's name"),
        RPCField("b", .integer, required: false, "for session.*: the pair's head b"),
        RPCField("bName", .string(), required: false, "head b's name"),
    ])
}

/// The params of the final `events.overflow` notification, sent before the daemon closes a
/// subscriber that fell behind.
public struct EventsOverflowNotice: Codable, Sendable, Hashable, RPCDescribed {
    /// The notification's method name.
    public static let method = "events.overflow"
    /// Events the subscriber may hold unread before it is closed.
    public var limit: Int
    public var hint: String
    public init(limit: Int, hint: String) {
        self.limit = limit
        self.hint = hint
    }
    public static let schema: RPCSchema = .object([
        RPCField("limit", .integer, "events a subscriber may hold unread (events.queueLimit)"),
        RPCField("hint", .string(), "what to do: reconnect with since set to the last seq received"),
    ])
}

public enum EventsSubscribe: RPCMethod {
    public static let name = "events.subscribe"
    public static let summary =
        "Live events on this connection: replies {seq}, then replays kept events after since, then sends events.event notifications about pairs the caller may see (as pairs.show); a subscriber that falls behind gets events.overflow and is closed."
    public static let since = 8
    public struct Params: RPCParams, Hashable {
        public var since: Int64?
        public var school: Int64?
        public init(since: Int64? = nil, school: Int64? = nil) {
            self.since = since
            self.school = school
        }
        public static let fields = [
            RPCField(
                "since", .integer, required: false,
                "the last seq received: every kept event after it comes first (an error when older than the retention window)"
            ),
            RPCField("school", .integer, required: false, "only events of this school"),
        ]
    }
    public typealias Result = EventsSubscribed
}
