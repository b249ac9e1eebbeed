/// Peer sessions (issue 14, API level 9): booked and logged by the pair's two heads.
public struct SessionHalfInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var start: String
    public var end: String
    public var coach: Int64
    public var coachName: String
    public var learner: Int64
    public var learnerName: String
    public init(start: String, end: String, coach: Int64, coachName: String, learner: Int64, learnerName: String) {
        self.start = start
        self.end = end
        self.coach = coach
        self.coachName = coachName
        self.learner = learner
        self.learnerName = learnerName
    }
    public static let schema: RPCSchema = .object([
        RPCField("start", .string(format: "date-time"), "the half's start"),
        RPCField("end", .string(format: "date-time"), "the half's end"),
        RPCField("coach", .integer, "the head coaching in this half"),
        RPCField("coachName", .string(), "their name"),
        RPCField("learner", .integer, "the head being coached"),
        RPCField("learnerName", .string(), "their name"),
    ])
}

/// What `sessions.schedule` returns.
public struct ScheduledSession: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var start: String
    public var end: String
    public var halves: [SessionHalfInfo]
    public init(id: Int64, start: String, end: String, halves: [SessionHalfInfo]) {
        self.id = id
        self.start = start
        self.end = end
        self.halves = halves
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "session id"),
        RPCField("start", .string(format: "date-time"), "start, with the offset of head a's school"),
        RPCField("end", .string(format: "date-time"), "end"),
        RPCField("halves", .array(SessionHalfInfo.schema), "the two halves, the roles swapped in the second"),
    ])
}

public enum SessionsSchedule: RPCMethod {
    public static let name = "sessions.schedule"
    public static let summary =
        "Books a peer session of the pair's two heads (minutes default peer.sessionMinutes): the first coach coaches for the first half, the other head for the second. The pair's heads and admins."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var peer: Int64
        public var start: String
        public var minutes: Int?
        public var mode: String
        public var firstCoach: Int64
        public init(peer: Int64, start: String, minutes: Int? = nil, mode: String, firstCoach: Int64) {
            self.peer = peer
            self.start = start
            self.minutes = minutes
            self.mode = mode
            self.firstCoach = firstCoach
        }
        public static let fields = [
            RPCField("peer", .integer, "peer pair id"),
            RPCField(
                "start", .string(format: "date-time"),
                "RFC 3339 with an offset, or YYYY-MM-DDTHH:MM[:SS] in the local time of head a's school; may be past, to record a session that happened"
            ),
            RPCField("minutes", .integer, required: false, "1–480, default peer.sessionMinutes (120)"),
            RPCField("mode", .oneOf(SessionModeName.all), "how the heads meet"),
            RPCField("firstCoach", .integer, "the head who coaches in the first half: one of the pair's two"),
        ]
    }
    public typealias Result = ScheduledSession
}

/// Session modes on the wire.
public enum SessionModeName {
    public static let all = ["inPerson", "video", "phone"]
}

/// A peer session.
public struct SessionInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var peer: Int64
    public var start: String
    public var end: String
    public var minutes: Int
    public var mode: String
    public var firstCoach: Int64
    public var halves: [SessionHalfInfo]
    /// `booked`, `done` or `cancelled`.
    public var status: String
    public var completedAt: String?
    /// Only for the pair's two heads.
    public var notes: String?
    /// API level 13: when it was cancelled, and why (the reason only for the pair's two heads).
    public var cancelledAt: String?
    public var cancelReason: String?
    public init(
        id: Int64, peer: Int64, start: String, end: String, minutes: Int, mode: String, firstCoach: Int64,
        halves: [SessionHalfInfo], status: String, completedAt: String?, notes: String?,
        cancelledAt: String? = nil, cancelReason: String? = nil
    ) {
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.id = id
        self.peer = peer
        self.start = start
        self.end = end
        self.minutes = minutes
        self.mode = mode
        self.firstCoach = firstCoach
        self.halves = halves
        self.status = status
        self.completedAt = completedAt
        self.notes = notes
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "session id"),
        RPCField("peer", .integer, "peer pair id"),
        RPCField("start", .string(format: "date-time"), "start"),
        RPCField("end", .string(format: "date-time"), "end"),
        RPCField("minutes", .integer, "length"),
        RPCField("mode", .oneOf(SessionModeName.all), "how the heads meet"),
        RPCField("firstCoach", .integer, "who coaches in the first half"),
        RPCField("halves", .array(SessionHalfInfo.schema), "the two halves"),
        RPCField("status", .oneOf(["booked", "done", "cancelled"]), "where it stands"),
        RPCField("completedAt", .string(format: "date-time"), required: false, "when logged as done"),
        RPCField("notes", .string(), required: false, "confidential: only for the pair's two heads"),
        RPCField("cancelledAt", .string(format: "date-time"), required: false, "when cancelled (level 13)"),
        RPCField(
            "cancelReason", .string(), required: false, "why it was cancelled: only for the pair's two heads (level 13)"
        ),
    ])
}

public enum SessionsComplete: RPCMethod {
    public static let name = "sessions.complete"
    public static let summary =
        "Logs a peer session as done (not before it starts), with optional notes confidential to the pair's two heads: they log it, or an admin without notes."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var session: Int64
        public var notes: String?
        public init(session: Int64, notes: String? = nil) {
            self.session = session
            self.notes = notes
        }
        public static let fields = [
            RPCField("session", .integer, "session id"),
            RPCField("notes", .string(), required: false, "confidential to the pair's two heads"),
        ]
    }
    public typealias Result = SessionInfo
}

public enum SessionsCancel: RPCMethod {
    public static let name = "sessions.cancel"
    public static let summary =
        "Cancels a booked peer session (not a done one): either head of the pair or an admin. The period's session falls due again; the reason stays with the pair's two heads."
    public static let since = 13
    public struct Params: RPCParams, Hashable {
        public var session: Int64
        public var reason: String
        public init(session: Int64, reason: String) {
            self.session = session
            self.reason = reason
        }
        public static let fields = [
            RPCField("session", .integer, "session id"),
            RPCField("reason", .string(), "why, e.g. a governors' meeting; only the pair's two heads read it"),
        ]
    }
    public typealias Result = SessionInfo
}

/// What `sessions.list` returns.
public struct SessionList: Codable, Sendable, Hashable, RPCDescribed {
    public var sessions: [SessionInfo]
    public init(sessions: [SessionInfo]) { self.sessions = sessions }
    public static let schema: RPCSchema = .object([RPCField("sessions", .array(SessionInfo.schema), "by start")])
}

public enum SessionsList: RPCMethod {
    public static let name = "sessions.list"
    public static let summary =
        "A peer pair's sessions: for its two heads (with notes), trust leads and admins (never notes)."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var peer: Int64
        public init(peer: Int64) { self.peer = peer }
        public static let fields = [RPCField("peer", .integer, "peer pair id")]
    }
    public typealias Result = SessionList
}

/// One proposed pair (a group of three when `c` is set).
public struct SuggestedPairInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var a: Int64
    public var aName: String
    public var b: Int64
    public var bName: String
    public var c: Int64?
    public var cName: String?
    public init(a: Int64, aName: String, b: Int64, bName: String, c: Int64? = nil, cName: String? = nil) {
        self.a = a
        self.aName = aName
        self.b = b
        self.bName = bName
        self.c = c
        self.cName = cName
    }
    public static let schema: RPCSchema = .object([
        RPCField("a", .integer, "a head"),
        RPCField("aName", .string(), "their name"),
        RPCField("b", .integer, "a head of another region"),
        RPCField("bName", .string(), "their name"),
        RPCField("c", .integer, required: false, "a third head, for the one group of three"),
        RPCField("cName", .string(), required: false, "their name"),
    ])
}

/// A head the suggestion could not pair.
public struct NamedHead: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var name: String
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "person id"),
        RPCField("name", .string(), "their name"),
    ])
}

/// What `peers.suggest` returns.
public struct PeerSuggestion: Codable, Sendable, Hashable, RPCDescribed {
    public var pairs: [SuggestedPairInfo]
    public var leftOut: [NamedHead]
    public init(pairs: [SuggestedPairInfo], leftOut: [NamedHead]) {
        self.pairs = pairs
        self.leftOut = leftOut
    }
    public static let schema: RPCSchema = .object([
        RPCField("pairs", .array(SuggestedPairInfo.schema), "the proposed pairs"),
        RPCField("leftOut", .array(NamedHead.schema), "accredited heads no pair could take"),
    ])
}

public enum PeersSuggest: RPCMethod {
    public static let name = "peers.suggest"
    public static let summary =
        "Proposes a pairing of every active accredited head with a head of another region (one group of three, or a head left out, for an odd count), avoiding the previous period's partners where possible. Nothing is stored. Admins and trust leads."
    public static let since = 9
    public struct Params: RPCParams, Hashable {
        public var avoidPrevious: Bool?
        public init(avoidPrevious: Bool? = nil) { self.avoidPrevious = avoidPrevious }
        public static let fields = [
            RPCField(
                "avoidPrevious", .boolean, required: false,
                "avoid pairing heads who were partners before the current period (default true)")
        ]
    }
    public typealias Result = PeerSuggestion
}
