public import Foundation

// The heads' peer programme, its second half (issue 14): learning agreements between two heads,
// themes and impacts shared with the trust lead only by everyone's consent, and regional
// supervision groups. Pure rules: the service loads, these decide, the service stores.

/// A regional supervision group of three to five heads.
public struct SupervisionGroup: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var region: Int64
    public var name: String
    public var members: [Int64]
    public var createdAt: Date

    public init(id: Int64, region: Int64, name: String, members: [Int64], createdAt: Date) {
        self.id = id
        self.region = region
        self.name = name
        self.members = members
        self.createdAt = createdAt
    }
}

/// A supervision meeting of a group; `attended` is known once it is completed.
public struct GroupMeeting: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var group: Int64
    public var start: Date
    public var minutes: Int
    public var completedAt: Date?
    public var attended: Set<Int64>

    public init(id: Int64, group: Int64, start: Date, minutes: Int, completedAt: Date? = nil, attended: Set<Int64> = [])
    {
        self.id = id
        self.group = group
        self.start = start
        self.minutes = minutes
        self.completedAt = completedAt
        self.attended = attended
    }

    public var isCompleted: Bool { completedAt != nil }
}

/// Where an agreement version stands.
public enum AgreementStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for the other head to accept.
    case pending
    /// Accepted by both heads: the pair's agreement in force.
    case active
    /// Replaced by a later version (or withdrawn by a newer proposal before it was accepted).
    case superseded
}

/// One version of a pair's learning agreement. Confidential to the pair's two heads.
public struct Agreement: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var peer: Int64
    public var version: Int
    public var text: String
    /// What each head expects of the other as coach.
    public var coachExpectations: String?
    /// What each head expects of the other as learner.
    public var learnerExpectations: String?
    public var proposedBy: Int64
    public var createdAt: Date
    public var status: AgreementStatus
    /// The heads who accepted, with when.
    public var acceptances: [Int64: Date]

    public init(
        id: Int64, peer: Int64, version: Int, text: String, coachExpectations: String?, learnerExpectations: String?,
        proposedBy: Int64, createdAt: Date, status: AgreementStatus, acceptances: [Int64: Date]
    ) {
        self.id = id
        self.peer = peer
        self.version = version
        self.text = text
        self.coachExpectations = coachExpectations
        self.learnerExpectations = learnerExpectations
        self.proposedBy = proposedBy
        self.createdAt = createdAt
        self.status = status
        self.acceptances = acceptances
    }
}

/// A theme (what came up) or an impact (what changed), kept by a pair or a group.
public enum ThemeKind: String, Sendable, Hashable, CaseIterable {
    case theme, impact
}

/// A theme or impact of a peer pair or of a supervision group. Its text reaches the trust lead
/// only while every one of its consenters has consented.
public struct Theme: Sendable, Hashable, Identifiable {
    public var id: Int64
    /// The peer pair it belongs to, or nil for a group's.
    public var peer: Int64?
    /// The group it belongs to, or nil for a pair's.
    public var group: Int64?
    /// For a group's theme: the completed meeting whose attendees must consent.
    public var meeting: Int64?
    public var kind: ThemeKind
    public var text: String
    public var addedBy: Int64
    public var addedAt: Date
    /// The day it was added, which places it in a period and so a term.
    public var addedOn: LocalDate

    public init(
        id: Int64, peer: Int64?, group: Int64?, meeting: Int64?, kind: ThemeKind, text: String, addedBy: Int64,
        addedAt: Date, addedOn: LocalDate
    ) {
        self.id = id
        self.peer = peer
        self.group = group
        self.meeting = meeting
        self.kind = kind
        self.text = text
        self.addedBy = addedBy
        self.addedAt = addedAt
        self.addedOn = addedOn
    }
}

/// The rules of agreements, themes and groups.
public enum PeerGroupRules {
    /// Fewest and most heads in a supervision group.
    public static let groupSizes = 3...5
    /// Longest group name, in characters.
    public static let maxNameCharacters = 200
    /// Longest agreement text or expectations, in characters.
    public static let maxAgreementCharacters = 10_000
    /// Longest theme or impact, in characters.
    public static let maxThemeCharacters = 2_000
    /// The longest supervision meeting, in minutes (a working day).
    public static let maxMeetingMinutes = 480

    // MARK: Groups

    /// A head proposed for a group, as the rules see them: found or not, their person, and the
    /// region of their school.
    public struct Candidate: Sendable, Hashable {
        public var person: Person
        public var region: Int64?
        /// The active group they already belong to, if any.
        public var group: Int64?

        public init(person: Person, region: Int64?, group: Int64? = nil) {
            self.person = person
            self.region = region
            self.group = group
        }
    }

    /// Whether `members` may form a group of `region`: 3–5 different people, each an active head of
    /// a school in that region, none already in another group. `found` holds the members that exist.
    /// Each refusal names its rule.
    public static func checkGroup(region: Int64, members: [Int64], found: [Int64: Candidate]) throws(DomainError) {
        guard Set(members).count == members.count else {
            throw .invalid("members names a head twice: give each head once", field: "members")
        }
        guard groupSizes.contains(members.count) else {
            throw .invalid(
                "a supervision group has 3 to 5 heads; members names \(members.count)", field: "members",
                hint: "give between 3 and 5 person ids")
        }
        for id in members {
            guard let candidate = found[id] else { throw DomainError.notFound("person", id, field: "members") }
            let name = candidate.person.name
            guard candidate.person.roles.contains(.head) else {
                throw .invalid(
                    "\(name) (person \(id)) is not a head: a supervision group is of heads", field: "members",
                    hint: "coachctl person update gives a person the head role")
            }
            guard candidate.person.active else {
                throw .invalid("\(name) (person \(id)) is deactivated", field: "members")
            }
            guard candidate.region == region else {
                throw .invalid(
                    "\(name) (person \(id)) leads a school in "
                        + (candidate.region == nil ? "no region" : "another region")
                        + ": every member of a group heads a school in the group's region", field: "members",
                    hint: "schools.setRegion puts a school in a region")
            }
            if let group = candidate.group {
                throw DomainError(
                    .conflict,
                    "\(name) (person \(id)) is already in supervision group \(group): a head is in one group",
                    field: "members")
            }
        }
    }

    /// Whether everyone said to have attended a meeting is a member of its group.
    public static func checkAttendance(_ attended: [Int64], members: [Int64]) throws(DomainError) {
        guard Set(attended).count == attended.count else {
            throw .invalid("attended names a person twice", field: "attended")
        }
        let outsiders = attended.filter { !members.contains($0) }
        guard outsiders.isEmpty else {
            throw .invalid(
                "person \(outsiders.map(String.init).joined(separator: ", ")) is not a member of the group: "
                    + "only members attend its meetings", field: "attended")
        }
    }

    // MARK: Agreements

    /// The next version's number: one more than the pair's highest.
    public static func nextVersion(after versions: [Agreement]) -> Int {
        (versions.map(\.version).max() ?? 0) + 1
    }

    /// What accepting `agreement` by `person` does: refused unless it is pending and `person` is one
    /// of the two heads who has not accepted yet; returns whether it becomes active (both accepted).
    public static func accept(_ agreement: Agreement, by person: Int64, heads: Set<Int64>) throws(DomainError) -> Bool {
        guard heads.contains(person) else {
            throw DomainError(
                .permissionDenied, "agreement \(agreement.id) was not found or is not yours", field: "agreement")
        }
        guard agreement.status == .pending else {
            throw DomainError(
                .invalidState,
                "agreement \(agreement.id) is \(agreement.status.rawValue): only a pending agreement is accepted",
                field: "agreement", hint: "agreements.set proposes a new version")
        }
        guard agreement.acceptances[person] == nil else {
            throw DomainError(
                .invalidState, "you have already accepted agreement \(agreement.id); it waits for your partner",
                field: "agreement")
        }
        return heads.isSubset(of: Set(agreement.acceptances.keys).union([person]))
    }

    // MARK: Themes and consent

    /// Who must consent before a theme is shared: the pair's two heads, or the members present at
    /// the group meeting the theme was added after.
    public static func consenters(pair: (a: Int64, b: Int64)?, meeting: GroupMeeting?) -> Set<Int64> {
        if let pair { return [pair.a, pair.b] }
        return meeting?.attended ?? []
    }

    /// Whether a theme is shared with the trust lead: everyone who must consent has, and has not
    /// withdrawn. No consenters (a meeting nobody attended) shares nothing.
    public static func isShared(consenters: Set<Int64>, consents: [Int64: Bool]) -> Bool {
        !consenters.isEmpty && consenters.allSatisfy { consents[$0] == true }
    }

    /// Whether `person` may give or withdraw consent to a theme with these consenters.
    public static func checkConsenter(_ person: Int64, theme: Int64, consenters: Set<Int64>, isGroup: Bool)
        throws(DomainError)
    {
        guard consenters.contains(person) else {
            throw isGroup
                ? DomainError(
                    .invalidState,
                    "only the members present at the meeting theme \(theme) came from consent to sharing it",
                    field: "theme")
                : DomainError(.permissionDenied, "theme \(theme) was not found or is not yours", field: "theme")
        }
    }

    /// The meeting a group's theme is added after: the group's latest completed meeting; refused
    /// when the group has not met yet.
    public static func latestCompletedMeeting(_ meetings: [GroupMeeting], group: Int64) throws(DomainError)
        -> GroupMeeting
    {
        let completed = meetings.filter { $0.group == group && $0.isCompleted }
        guard
            let latest = completed.max(by: { ($0.start, $0.id) < ($1.start, $1.id) })
        else {
            throw DomainError(
                .invalidState, "group \(group) has no completed meeting: a group's themes come from a meeting",
                field: "group", hint: "groups.completeMeeting records the meeting and who attended")
        }
        return latest
    }
}
