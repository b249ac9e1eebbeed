/// `agreements.*`, `groups.*`, `themes.*` (API level 10, issue 14): the heads' learning agreements,
/// regional supervision groups, and themes and impacts shared with the trust lead by consent.

/// One version of a pair's learning agreement (only ever sent to the pair's two heads).
public struct AgreementInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var peer: Int64
    public var version: Int
    public var text: String
    public var coachExpectations: String?
    public var learnerExpectations: String?
    public var proposedBy: Int64
    /// `pending`, `active` or `superseded`.
    public var status: String
    /// True once both heads have accepted (and no later version replaced it).
    public var active: Bool
    /// The heads who have accepted, by person id.
    public var acceptedBy: [Int64]

    public init(
        id: Int64, peer: Int64, version: Int, text: String, coachExpectations: String?, learnerExpectations: String?,
        proposedBy: Int64, status: String, active: Bool, acceptedBy: [Int64]
    ) {
        self.id = id
        self.peer = peer
        self.version = version
        self.text = text
        self.coachExpectations = coachExpectations
        self.learnerExpectations = learnerExpectations
        self.proposedBy = proposedBy
        self.status = status
        self.active = active
        self.acceptedBy = acceptedBy
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "agreement id (one version)"),
        RPCField("peer", .integer, "the peer pair"),
        RPCField("version", .integer, "1 for the first, one more for each later version"),
        RPCField("text", .string(), "the agreement"),
        RPCField("coachExpectations", .string(), required: false, "what each head expects of the other as coach"),
        RPCField(
            "learnerExpectations", .string(), required: false, "what each head expects of the other as learner"),
        RPCField("proposedBy", .integer, "the head who set this version"),
        RPCField("status", .oneOf(["pending", "active", "superseded"]), "where the version stands"),
        RPCField("active", .boolean, "true once both heads have accepted it"),
        RPCField("acceptedBy", .array(.integer), "the heads who have accepted"),
    ])
}

public enum AgreementsSet: RPCMethod {
    public static let name = "agreements.set"
    public static let summary =
        "Sets a new version of a peer pair's learning agreement, pending until the other head accepts; confidential to the two heads."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var peer: Int64
        public var text: String
        public var coachExpectations: String?
        public var learnerExpectations: String?

        public init(peer: Int64, text: String, coachExpectations: String? = nil, learnerExpectations: String? = nil) {
            self.peer = peer
            self.text = text
            self.coachExpectations = coachExpectations
            self.learnerExpectations = learnerExpectations
        }

        public static let fields = [
            RPCField("peer", .integer, "peer pair id"),
            RPCField("text", .string(), "the agreement (free text, at most 10,000 characters)"),
            RPCField(
                "coachExpectations", .string(), required: false, "what each head expects of the other as coach"),
            RPCField(
                "learnerExpectations", .string(), required: false, "what each head expects of the other as learner"),
        ]
    }
    public typealias Result = CreatedID
}

public enum AgreementsAccept: RPCMethod {
    public static let name = "agreements.accept"
    public static let summary =
        "Accepts a pending agreement version (the other head of the pair); active once both heads have accepted."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var agreement: Int64
        public init(agreement: Int64) { self.agreement = agreement }
        public static let fields = [RPCField("agreement", .integer, "agreement id")]
    }
    public typealias Result = AgreementInfo
}

/// What `agreements.list` returns.
public struct AgreementList: Codable, Sendable, Hashable, RPCDescribed {
    public var agreements: [AgreementInfo]
    public init(agreements: [AgreementInfo]) { self.agreements = agreements }
    public static let schema: RPCSchema = .object([
        RPCField("agreements", .array(AgreementInfo.schema), "every version, oldest first")
    ])
}

public enum AgreementsList: RPCMethod {
    public static let name = "agreements.list"
    public static let summary = "A peer pair's agreement versions, oldest first. The pair's two heads only."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var peer: Int64
        public init(peer: Int64) { self.peer = peer }
        public static let fields = [RPCField("peer", .integer, "peer pair id")]
    }
    public typealias Result = AgreementList
}

public enum GroupsCreate: RPCMethod {
    public static let name = "groups.create"
    public static let summary =
        "Creates a regional supervision group of 3–5 heads of schools in that region. Admins and trust leads."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var region: Int64
        public var name: String
        public var members: [Int64]

        public init(region: Int64, name: String, members: [Int64]) {
            self.region = region
            self.name = name
            self.members = members
        }

        public static let fields = [
            RPCField("region", .integer, "region id"),
            RPCField("name", .string(), "the group's name"),
            RPCField("members", .array(.integer), "3–5 person ids: heads of schools in the region"),
        ]
    }
    public typealias Result = CreatedID
}

public enum GroupsScheduleMeeting: RPCMethod {
    public static let name = "groups.scheduleMeeting"
    public static let summary = "Books a supervision meeting of a group. Its members, trust leads and admins."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var group: Int64
        public var start: String
        public var minutes: Int

        public init(group: Int64, start: String, minutes: Int) {
            self.group = group
            self.start = start
            self.minutes = minutes
        }

        public static let fields = [
            RPCField("group", .integer, "group id"),
            RPCField("start", .string(format: "date-time"), "RFC 3339 with an offset"),
            RPCField("minutes", .integer, "1–480"),
        ]
    }
    public typealias Result = CreatedID
}

/// A supervision meeting.
public struct MeetingInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var group: Int64
    public var start: String
    public var minutes: Int
    public var completedAt: String?
    public var attended: [Int64]

    public init(id: Int64, group: Int64, start: String, minutes: Int, completedAt: String?, attended: [Int64]) {
        self.id = id
        self.group = group
        self.start = start
        self.minutes = minutes
        self.completedAt = completedAt
        self.attended = attended
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "meeting id"),
        RPCField("group", .integer, "group id"),
        RPCField("start", .string(format: "date-time"), "when it starts (UTC)"),
        RPCField("minutes", .integer, "how long"),
        RPCField("completedAt", .string(format: "date-time"), required: false, "when it was recorded as held"),
        RPCField("attended", .array(.integer), "the members present"),
    ])
}

public enum GroupsCompleteMeeting: RPCMethod {
    public static let name = "groups.completeMeeting"
    public static let summary =
        "Records a supervision meeting as held, with the members present. Its members, trust leads and admins."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var meeting: Int64
        public var attended: [Int64]

        public init(meeting: Int64, attended: [Int64]) {
            self.meeting = meeting
            self.attended = attended
        }

        public static let fields = [
            RPCField("meeting", .integer, "meeting id"),
            RPCField("attended", .array(.integer), "person ids of the members present"),
        ]
    }
    public typealias Result = MeetingInfo
}

/// A supervision group as `groups.list` shows it (API level 14): its members by name and its
/// meetings with attendance; never a theme.
public struct GroupInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var region: Int64
    public var regionName: String
    public var name: String
    public var members: [NamedHead]
    public var meetings: [MeetingInfo]

    public init(
        id: Int64, region: Int64, regionName: String, name: String, members: [NamedHead], meetings: [MeetingInfo]
    ) {
        self.id = id
        self.region = region
        self.regionName = regionName
        self.name = name
        self.members = members
        self.meetings = meetings
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "group id"),
        RPCField("region", .integer, "region id"),
        RPCField("regionName", .string(), "the region's name"),
        RPCField("name", .string(), "the group's name"),
        RPCField("members", .array(NamedHead.schema), "its heads, by name"),
        RPCField("meetings", .array(MeetingInfo.schema), "its meetings, soonest start first"),
    ])
}

/// What `groups.list` returns.
public struct GroupList: Codable, Sendable, Hashable, RPCDescribed {
    public var groups: [GroupInfo]
    public init(groups: [GroupInfo]) { self.groups = groups }
    public static let schema: RPCSchema = .object([RPCField("groups", .array(GroupInfo.schema), "by id")])
}

public enum GroupsList: RPCMethod {
    public static let name = "groups.list"
    public static let summary =
        "Supervision groups with their members and meetings: a head's own; every group (or one region's) for trust leads and admins."
    public static let since = 14
    public struct Params: RPCParams, Hashable {
        public var region: Int64?
        public init(region: Int64? = nil) { self.region = region }
        public static let fields = [
            RPCField("region", .integer, required: false, "only the groups of this region")
        ]
    }
    public typealias Result = GroupList
}

/// A theme or impact, as its members or (once shared) the trust lead see it.
public struct ThemeInfo: Codable, Sendable, Hashable, RPCDescribed {
    public var id: Int64
    public var peer: Int64?
    public var group: Int64?
    /// `theme` or `impact`.
    public var kind: String
    public var text: String
    public var shared: Bool
    /// The term of the period it was added in, if any.
    public var term: String?
    public var addedOn: String
    /// Who has consented (present for the theme's own members only).
    public var consented: [Int64]?

    public init(
        id: Int64, peer: Int64?, group: Int64?, kind: String, text: String, shared: Bool, term: String?,
        addedOn: String, consented: [Int64]?
    ) {
        self.id = id
        self.peer = peer
        self.group = group
        self.kind = kind
        self.text = text
        self.shared = shared
        self.term = term
        self.addedOn = addedOn
        self.consented = consented
    }

    public static let schema: RPCSchema = .object([
        RPCField("id", .integer, "theme id"),
        RPCField("peer", .integer, required: false, "the peer pair it came from"),
        RPCField("group", .integer, required: false, "the supervision group it came from"),
        RPCField("kind", .oneOf(["theme", "impact"]), "a theme, or an impact"),
        RPCField("text", .string(), "what was agreed"),
        RPCField("shared", .boolean, "true while every member whose consent it needs has consented"),
        RPCField("term", .string(), required: false, "the term of the period it was added in"),
        RPCField("addedOn", .string(format: "date"), "the day it was added"),
        RPCField("consented", .array(.integer), required: false, "who has consented (to its members only)"),
    ])
}

public enum ThemesAdd: RPCMethod {
    public static let name = "themes.add"
    public static let summary =
        "Adds a theme or impact of a peer pair or a supervision group; shared with no one until every member consents."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var peer: Int64?
        public var group: Int64?
        public var kind: String
        public var text: String

        public init(peer: Int64? = nil, group: Int64? = nil, kind: String, text: String) {
            self.peer = peer
            self.group = group
            self.kind = kind
            self.text = text
        }

        public static let fields = [
            RPCField("peer", .integer, required: false, "peer pair id (or group)"),
            RPCField("group", .integer, required: false, "supervision group id (or peer)"),
            RPCField("kind", .oneOf(["theme", "impact"]), "theme or impact"),
            RPCField("text", .string(), "the theme or impact (free text, at most 2,000 characters)"),
        ]
    }
    public typealias Result = CreatedID
}

public enum ThemesConsent: RPCMethod {
    public static let name = "themes.consent"
    public static let summary =
        "Gives (true) or withdraws (false) one's consent to share a theme with the trust lead; returns the theme."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var theme: Int64
        public var consent: Bool

        public init(theme: Int64, consent: Bool) {
            self.theme = theme
            self.consent = consent
        }

        public static let fields = [
            RPCField("theme", .integer, "theme id"),
            RPCField("consent", .boolean, "true to share, false to withdraw"),
        ]
    }
    public typealias Result = ThemeInfo
}

/// What `themes.list` returns.
public struct ThemeList: Codable, Sendable, Hashable, RPCDescribed {
    public var themes: [ThemeInfo]
    public init(themes: [ThemeInfo]) { self.themes = themes }
    public static let schema: RPCSchema = .object([RPCField("themes", .array(ThemeInfo.schema), "in id order")])
}

public enum ThemesList: RPCMethod {
    public static let name = "themes.list"
    public static let summary =
        "Themes and impacts: the shared ones for trust leads and admins; a head's own (shared or not) for a head."
    public static let since = 10
    public struct Params: RPCParams, Hashable {
        public var term: String?
        public var region: Int64?

        public init(term: String? = nil, region: Int64? = nil) {
            self.term = term
            self.region = region
        }

        public static let fields = [
            RPCField("term", .string(), required: false, "only this term (e.g. Autumn 2026)"),
            RPCField("region", .integer, required: false, "only this region"),
        ]
    }
    public typealias Result = ThemeList
}
