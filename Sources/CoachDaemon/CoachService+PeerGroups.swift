import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// Issue 14, the heads' agreements, supervision groups and themes shared by consent. Agreement text
/// and unshared themes reach only their own heads: never a trust lead, an admin, the journal or an
/// event.
extension CoachService {
    // MARK: Who sees what

    /// A peer pair the caller is one of the two heads of; anyone else (admins and trust leads too)
    /// gets the same refusal whether it exists or not: what a pair agrees stays with the two.
    func ownPeerPair(_ id: Int64, caller: Caller, _ store: any StoreReading, field: String = "peer") throws
        -> (PeerPair, Person)
    {
        guard let person = caller.person, let pair = try store.peerPair(id), pair.includes(person.id) else {
            throw Self.hidden("peer pair", id, field: field)
        }
        return (pair, person)
    }

    /// A group the caller may see: a member, a trust lead, an admin.
    func visibleGroup(_ id: Int64, caller: Caller, _ store: any StoreReading, field: String = "group") throws
        -> SupervisionGroup
    {
        guard let group = try store.supervisionGroup(id), caller.canSee(group) else {
            throw Self.unseen("group", id, field: field, by: caller)
        }
        return group
    }

    /// Refuses a deactivated person (they only read).
    private func requireActive(_ caller: Caller) throws {
        guard caller.isAdmin || caller.isActive else {
            throw DomainError.denied("change the peer programme: your account is deactivated")
        }
    }

    /// Records a peer programme change in the history and queues its journal entry with `fields`
    /// (ids, kinds, counts: never a text that may be confidential).
    func peerHistory(
        _ tx: any StoreWriting, _ changes: inout DueChanges, _ caller: Caller, _ kind: JournalEvent, subject: Int64,
        fields: [String: String] = [:]
    ) throws {
        try history(tx, &changes, caller, kind, school: nil, pair: nil, subject: subject)
        if !fields.isEmpty { changes.journalFields[changes.events.count - 1] = fields }
    }

    // MARK: agreements.*

    func agreementsSet(_ params: AgreementsSet.Params, _ peer: Peer) async throws -> CreatedID {
        let limit = PeerGroupRules.maxAgreementCharacters
        let text = try TextRules.freeText(params.text, field: "text", maxCharacters: limit)
        let coach = try params.coachExpectations.map { value throws(DomainError) in
            try TextRules.freeText(value, field: "coachExpectations", maxCharacters: limit)
        }
        let learner = try params.learnerExpectations.map { value throws(DomainError) in
            try TextRules.freeText(value, field: "learnerExpectations", maxCharacters: limit)
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (pair, person) = try self.ownPeerPair(params.peer, caller: caller, tx)
            try self.requireActive(caller)
            guard pair.active else {
                throw DomainError(.invalidState, "peer pair \(pair.id) has ended", field: "peer")
            }
            let versions = try tx.agreements(peer: pair.id)
            // The latest proposal is the one to accept: a pending one is withdrawn.
            for pending in versions where pending.status == .pending {
                try tx.setAgreementStatus(pending.id, .superseded)
            }
            let now = self.now()
            let version = PeerGroupRules.nextVersion(after: versions)
            let id = try tx.insert(
                Agreement(
                    id: 0, peer: pair.id, version: version, text: text,
                    coachExpectations: coach, learnerExpectations: learner, proposedBy: person.id, createdAt: now,
                    status: .pending, acceptances: [person.id: now]))
            try self.peerHistory(
                tx, &changes, caller, .agreementSet, subject: id,
                fields: ["coachd.peer_pair": "\(pair.id)", "coachd.version": "\(version)"])
            return CreatedID(id: id)
        }
    }

    func agreementsAccept(_ params: AgreementsAccept.Params, _ peer: Peer) async throws -> AgreementInfo {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let person = caller.person, let agreement = try tx.agreement(params.agreement),
                let pair = try tx.peerPair(agreement.peer), pair.includes(person.id)
            else { throw Self.hidden("agreement", params.agreement, field: "agreement") }
            try self.requireActive(caller)
            let becomesActive = try PeerGroupRules.accept(agreement, by: person.id, heads: [pair.a, pair.b])
            try tx.acceptAgreement(agreement.id, by: person.id, at: self.now())
            if becomesActive {
                for old in try tx.agreements(peer: pair.id) where old.status == .active {
                    try tx.setAgreementStatus(old.id, .superseded)
                }
                try tx.setAgreementStatus(agreement.id, .active)
            }
            try self.peerHistory(
                tx, &changes, caller, .agreementAccepted, subject: agreement.id,
                fields: ["coachd.peer_pair": "\(pair.id)", "coachd.active": "\(becomesActive)"])
            guard let stored = try tx.agreement(agreement.id) else {
                throw DomainError.notFound("agreement", agreement.id, field: "agreement")
            }
            return Self.agreementInfo(stored)
        }
    }

    func agreementsList(_ params: AgreementsList.Params, _ peer: Peer) async throws -> AgreementList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let (pair, _) = try self.ownPeerPair(params.peer, caller: caller, store)
            return AgreementList(agreements: try store.agreements(peer: pair.id).map(Self.agreementInfo))
        }
    }

    static func agreementInfo(_ agreement: Agreement) -> AgreementInfo {
        AgreementInfo(
            id: agreement.id, peer: agreement.peer, version: agreement.version, text: agreement.text,
            coachExpectations: agreement.coachExpectations, learnerExpectations: agreement.learnerExpectations,
            proposedBy: agreement.proposedBy, status: agreement.status.rawValue, active: agreement.status == .active,
            acceptedBy: agreement.acceptances.keys.sorted())
    }

    // MARK: groups.*

    func groupsCreate(_ params: GroupsCreate.Params, _ peer: Peer) async throws -> CreatedID {
        let name = try TextRules.line(params.name, field: "name", maxCharacters: PeerGroupRules.maxNameCharacters)
        guard params.members.count <= 64 else {
            throw DomainError.invalid(
                "a supervision group has 3 to 5 heads; members names \(params.members.count)", field: "members")
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            try self.requireActive(caller)
            guard try tx.region(params.region) != nil else {
                throw DomainError.notFound("region", params.region, field: "region")
            }
            var found: [Int64: PeerGroupRules.Candidate] = [:]
            for id in Set(params.members) {
                guard let person = try tx.person(id), let school = try tx.school(person.school) else { continue }
                found[id] = PeerGroupRules.Candidate(
                    person: person, region: school.region, group: try tx.supervisionGroup(member: id))
            }
            try PeerGroupRules.checkGroup(region: params.region, members: params.members, found: found)
            let id = try tx.insert(
                SupervisionGroup(
                    id: 0, region: params.region, name: name, members: params.members, createdAt: self.now()))
            try self.peerHistory(
                tx, &changes, caller, .groupCreated, subject: id, fields: ["coachd.region": "\(params.region)"])
            // Its meetings due per term: the timer looks again.
            changes.sessions = true
            return CreatedID(id: id)
        }
    }

    /// The calendar a group's times are read and shown in: its first member's school's.
    private func groupCalendar(_ group: SupervisionGroup, _ store: any StoreReading) throws -> SchoolCalendar {
        for member in group.members {
            if let person = try store.person(member), let calendar = try store.calendar(school: person.school) {
                return calendar
            }
        }
        throw DomainError.notFound("school of group", group.id, field: "group")
    }

    func groupsScheduleMeeting(_ params: GroupsScheduleMeeting.Params, _ peer: Peer) async throws -> CreatedID {
        guard (1...PeerGroupRules.maxMeetingMinutes).contains(params.minutes) else {
            throw DomainError.invalid(
                "minutes is \(params.minutes); a meeting lasts 1 to \(PeerGroupRules.maxMeetingMinutes) minutes",
                field: "minutes")
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let group = try self.visibleGroup(params.group, caller: caller, tx)
            try self.requireActive(caller)
            let calendar = try self.groupCalendar(group, tx)
            guard let start = calendar.parseInstant(params.start) else {
                throw DomainError.invalid(
                    "\"\(TextRules.printable(params.start, limit: 40))\" is not a time", field: "start",
                    hint: "e.g. 2026-11-30T16:00 (the schools' local time) or 2026-11-30T16:00:00Z")
            }
            let id = try tx.insert(GroupMeeting(id: 0, group: group.id, start: start, minutes: params.minutes))
            try self.peerHistory(
                tx, &changes, caller, .meetingScheduled, subject: id, fields: ["coachd.group": "\(group.id)"])
            return CreatedID(id: id)
        }
    }

    func groupsCompleteMeeting(_ params: GroupsCompleteMeeting.Params, _ peer: Peer) async throws -> MeetingInfo {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let meeting = try tx.groupMeeting(params.meeting) else {
                throw Self.unseen("meeting", params.meeting, field: "meeting", by: caller)
            }
            let group = try self.visibleGroup(meeting.group, caller: caller, tx, field: "meeting")
            try self.requireActive(caller)
            guard !meeting.isCompleted else {
                throw DomainError(.invalidState, "meeting \(meeting.id) is already recorded as held", field: "meeting")
            }
            try PeerGroupRules.checkAttendance(params.attended, members: group.members)
            try tx.completeMeeting(meeting.id, at: self.now(), attended: Set(params.attended))
            try self.peerHistory(
                tx, &changes, caller, .meetingHeld, subject: meeting.id,
                fields: ["coachd.group": "\(group.id)", "coachd.attended": "\(Set(params.attended).count)"])
            // The term's supervision meeting may now be done: the timer looks again.
            changes.sessions = true
            guard let stored = try tx.groupMeeting(meeting.id) else {
                throw DomainError.notFound("meeting", meeting.id, field: "meeting")
            }
            return Self.meetingInfo(stored, try self.groupCalendar(group, tx))
        }
    }

    /// A meeting as the wire shows it, its times in the group's calendar.
    static func meetingInfo(_ meeting: GroupMeeting, _ calendar: SchoolCalendar) -> MeetingInfo {
        MeetingInfo(
            id: meeting.id, group: meeting.group, start: calendar.format(meeting.start), minutes: meeting.minutes,
            completedAt: meeting.completedAt.map(calendar.format), attended: meeting.attended.sorted())
    }

    /// The supervision groups `caller` may see (`groups.list`, API level 14): a head their own;
    /// trust leads and admins every group, or one region's. Anyone else gets an empty list, as from
    /// `peers.list`. Names, times and attendance only: a group's themes are read with `themes.list`.
    func groupsList(_ params: GroupsList.Params, _ peer: Peer) async throws -> GroupList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            if let region = params.region { _ = try self.region(region, store) }
            let groups = try store.supervisionGroups(region: params.region).filter(caller.canSee)
            guard !groups.isEmpty else { return GroupList(groups: []) }
            let regions = Dictionary(
                try store.regions().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let names = try store.names(of: Set(groups.flatMap(\.members)))
            return GroupList(
                groups: try groups.map { group in
                    let calendar = try self.groupCalendar(group, store)
                    return GroupInfo(
                        id: group.id, region: group.region, regionName: regions[group.region] ?? "",
                        name: group.name, members: group.members.map { NamedHead(id: $0, name: names[$0] ?? "") },
                        meetings: try store.groupMeetings(group: group.id).map { Self.meetingInfo($0, calendar) })
                })
        }
    }

    /// The supervision meetings due that `caller` may see (`due.list`, API level 13): the group's
    /// members, trust leads and admins; not held, and due by now, or with `from`/`to` due on those
    /// dates; with `school`, those of a group with a member in that school. Names and dates only.
    func supervisionDueItems(
        _ caller: Caller, school: Int64?, from: LocalDate?, to: LocalDate?, _ store: any StoreReading, _ instant: Date
    ) throws -> [(SupervisionDue, DueItemInfo)] {
        guard caller.overseesPeerProgramme || caller.person?.roles.contains(.head) == true else { return [] }
        var groups: [Int64: SupervisionGroup] = [:]
        for group in try store.supervisionGroups(region: nil) where caller.canSee(group) {
            groups[group.id] = group
        }
        guard !groups.isEmpty else { return [] }
        var out: [(SupervisionDue, DueItemInfo)] = []
        for due in try store.supervisionDues() where !due.done {
            guard let group = groups[due.group] else { continue }
            let ranged = from != nil || to != nil
            guard ranged || due.dueAt <= instant else { continue }
            guard from.map({ due.dueDate >= $0 }) ?? true, to.map({ due.dueDate <= $0 }) ?? true else { continue }
            let schools = try group.members.compactMap { try store.person($0)?.school }
            if let school, !schools.contains(school) { continue }
            guard let home = schools.first else { continue }
            let calendar = try self.groupCalendar(group, store)
            out.append(
                (
                    due,
                    DueItemInfo(
                        kind: "supervision", pair: group.id, school: home, teacher: 0, teacherName: "", coach: 0,
                        coachName: "", dropin: nil, dueDate: "\(due.dueDate)", dueAt: calendar.format(due.dueAt),
                        overdueAt: calendar.format(due.overdueAt), overdue: due.isOverdue(at: instant),
                        group: group.id, groupName: group.name, term: due.term)
                ))
        }
        return out
    }

    // MARK: themes.*

    /// Whether `person` is one of a theme's own members (the pair's heads, the group's members).
    func isOwn(_ theme: Theme, person: Int64?, _ store: any StoreReading) throws -> Bool {
        guard let person else { return false }
        if let peer = theme.peer { return try store.peerPair(peer)?.includes(person) == true }
        if let group = theme.group { return try store.supervisionGroup(group)?.members.contains(person) == true }
        return false
    }

    /// Who must consent before the theme is shared.
    func consenters(_ theme: Theme, _ store: any StoreReading) throws -> Set<Int64> {
        let pair = try theme.peer.flatMap { try store.peerPair($0) }.map { (a: $0.a, b: $0.b) }
        let meeting = try theme.meeting.flatMap { try store.groupMeeting($0) }
        return PeerGroupRules.consenters(pair: pair, meeting: meeting)
    }

    func themesAdd(_ params: ThemesAdd.Params, _ peer: Peer) async throws -> CreatedID {
        guard let kind = ThemeKind(rawValue: params.kind) else {
            throw DomainError.invalid(
                "\"\(TextRules.printable(params.kind, limit: 40))\" is neither theme nor impact", field: "kind")
        }
        let text = try TextRules.freeText(params.text, field: "text", maxCharacters: PeerGroupRules.maxThemeCharacters)
        guard (params.peer == nil) != (params.group == nil) else {
            throw DomainError.invalid("give either peer or group, not both and not neither", field: "peer")
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            var meeting: Int64?
            let person: Person
            if let peerID = params.peer {
                person = try self.ownPeerPair(peerID, caller: caller, tx).1
            } else {
                let groupID = params.group ?? 0
                guard let member = caller.person, let group = try tx.supervisionGroup(groupID),
                    group.members.contains(member.id)
                else { throw Self.hidden("group", groupID, field: "group") }
                person = member
                meeting = try PeerGroupRules.latestCompletedMeeting(
                    try tx.groupMeetings(group: group.id), group: group.id
                ).id
            }
            try self.requireActive(caller)
            let now = self.now()
            let day = try self.calendar(person.school, tx).localDate(of: now)
            let id = try tx.insert(
                Theme(
                    id: 0, peer: params.peer, group: params.group, meeting: meeting, kind: kind, text: text,
                    addedBy: person.id, addedAt: now, addedOn: day))
            try self.peerHistory(
                tx, &changes, caller, .themeAdded, subject: id,
                fields: Self.themeFields(kind, params.peer, params.group))
            return CreatedID(id: id)
        }
    }

    /// A theme's journal fields: its kind and its pair or group (never its text).
    static func themeFields(_ kind: ThemeKind, _ peer: Int64?, _ group: Int64?) -> [String: String] {
        var fields = ["coachd.kind": kind.rawValue]
        if let peer { fields["coachd.peer_pair"] = "\(peer)" }
        if let group { fields["coachd.group"] = "\(group)" }
        return fields
    }

    func themesConsent(_ params: ThemesConsent.Params, _ peer: Peer) async throws -> ThemeInfo {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let person = caller.person, let theme = try tx.theme(params.theme),
                try self.isOwn(theme, person: person.id, tx)
            else { throw Self.hidden("theme", params.theme, field: "theme") }
            try self.requireActive(caller)
            let consenters = try self.consenters(theme, tx)
            try PeerGroupRules.checkConsenter(
                person.id, theme: theme.id, consenters: consenters, isGroup: theme.group != nil)
            let wasShared = PeerGroupRules.isShared(consenters: consenters, consents: try tx.consents(theme: theme.id))
            try tx.setConsent(theme: theme.id, person: person.id, consent: params.consent, at: self.now())
            let isShared = PeerGroupRules.isShared(consenters: consenters, consents: try tx.consents(theme: theme.id))
            // Journalled only when consent changes who may read it: the moment it is shared, or hidden again.
            if wasShared != isShared {
                try self.peerHistory(
                    tx, &changes, caller, isShared ? .themeShared : .themeWithdrawn, subject: theme.id,
                    fields: Self.themeFields(theme.kind, theme.peer, theme.group))
            }
            return try self.themeInfo(theme, own: true, periods: try tx.periods(), tx)
        }
    }

    func themesList(_ params: ThemesList.Params, _ peer: Peer) async throws -> ThemeList {
        let term = try params.term.map { value throws(DomainError) in
            try TextRules.line(value, field: "term", maxCharacters: 200)
        }
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let readsShared = caller.overseesPeerProgramme
            let isHead = caller.person?.roles.contains(.head) == true
            guard readsShared || isHead else {
                throw DomainError.denied("list themes: they are for heads, trust leads and admins")
            }
            if let region = params.region, try store.region(region) == nil {
                throw DomainError.notFound("region", region, field: "region")
            }
            let periods = try store.periods()
            var out: [ThemeInfo] = []
            for theme in try store.allThemes() {
                let own = try self.isOwn(theme, person: caller.person?.id, store)
                guard own || readsShared else { continue }
                let info = try self.themeInfo(theme, own: own, periods: periods, store)
                // Not shared and not one's own: the text never leaves.
                guard own || info.shared else { continue }
                if let term, info.term != term { continue }
                if let region = params.region, !(try self.regions(of: theme, store).contains(region)) { continue }
                out.append(info)
            }
            return ThemeList(themes: out)
        }
    }

    /// The regions a theme belongs to: both heads' for a pair's, the group's for a group's.
    func regions(of theme: Theme, _ store: any StoreReading) throws -> Set<Int64> {
        if let peer = theme.peer, let pair = try store.peerPair(peer) {
            var regions = Set<Int64>()
            for head in [pair.a, pair.b] {
                if let person = try store.person(head), let region = try store.school(person.school)?.region {
                    regions.insert(region)
                }
            }
            return regions
        }
        if let group = theme.group, let found = try store.supervisionGroup(group) { return [found.region] }
        return []
    }

    func themeInfo(_ theme: Theme, own: Bool, periods: [Period], _ store: any StoreReading) throws
        -> ThemeInfo
    {
        let consents = try store.consents(theme: theme.id)
        let shared = PeerGroupRules.isShared(consenters: try consenters(theme, store), consents: consents)
        let term = PeerRules.period(containing: theme.addedOn, in: periods)?.term
        return ThemeInfo(
            id: theme.id, peer: theme.peer, group: theme.group, kind: theme.kind.rawValue, text: theme.text,
            shared: shared, term: term, addedOn: theme.addedOn.description,
            consented: own ? consents.filter(\.value).keys.sorted() : nil)
    }
}

/// Agreements, groups and themes (issue 14): agreements are the two heads' alone (checked inside); groups are made
/// by admins and trust leads and met by their members; themes are added and consented to by heads, listed by heads
/// (their own) and trust leads (the shared ones).
/// Its methods, who may call each, and the handlers above, registered together.
enum PeerGroupsFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(AgreementsSet.self, access: .heads) { params, peer in try await service.agreementsSet(params, peer) }
        table.on(AgreementsAccept.self, access: .heads) { params, peer in
            try await service.agreementsAccept(params, peer)
        }
        table.on(AgreementsList.self, access: .heads) { params, peer in try await service.agreementsList(params, peer) }
        table.on(GroupsCreate.self, access: .trustLeads) { params, peer in try await service.groupsCreate(params, peer)
        }
        table.on(GroupsScheduleMeeting.self, access: .known) { params, peer in
            try await service.groupsScheduleMeeting(params, peer)
        }
        table.on(GroupsCompleteMeeting.self, access: .known) { params, peer in
            try await service.groupsCompleteMeeting(params, peer)
        }
        table.on(ThemesAdd.self, access: .heads) { params, peer in try await service.themesAdd(params, peer) }
        table.on(ThemesConsent.self, access: .heads) { params, peer in try await service.themesConsent(params, peer) }
        table.on(ThemesList.self, access: .known) { params, peer in try await service.themesList(params, peer) }
        // API level 14: a head's own groups; every group for trust leads and admins (checked inside).
        table.on(GroupsList.self, access: .known) { params, peer in try await service.groupsList(params, peer) }
    }
}
