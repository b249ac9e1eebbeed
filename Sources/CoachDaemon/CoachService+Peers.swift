import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// The heads' peer programme (issue 14): regions, accreditation, periods and peer pairs. The
/// rules are `PeerRules` (CoachDomain); this loads, asks them, and stores.
extension CoachService {
    func regionsAdd(_ params: RegionsAdd.Params, _ peer: Peer) async throws -> CreatedID {
        let name = try TextRules.line(params.name, field: "name", maxCharacters: PeerRules.maxNameCharacters)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard caller.isAdmin else { throw DomainError.denied("add regions (admins only)") }
            if let existing = try tx.region(named: name) {
                throw DomainError(
                    .conflict, "there is already a region \"\(name)\" (region \(existing.id))", field: "name")
            }
            let id = try tx.insert(Region(id: 0, name: name))
            try self.history(tx, &changes, caller, .regionAdded, school: nil, pair: nil, subject: id)
            return CreatedID(id: id)
        }
    }

    func regionsList(_ peer: Peer) async throws -> RegionList {
        try await store.read { store in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            return RegionList(regions: try store.regions().map { RegionInfo(id: $0.id, name: $0.name) })
        }
    }

    /// The region named by id, or NotFound naming the field (regions are no secret).
    func region(_ id: Int64, _ store: any StoreReading, field: String = "region") throws -> Region {
        guard let region = try store.region(id) else { throw DomainError.notFound("region", id, field: field) }
        return region
    }

    func schoolsSetRegion(_ params: SchoolsSetRegion.Params, _ peer: Peer) async throws -> SchoolInfo {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard caller.isAdmin else { throw DomainError.denied("put schools in regions (admins only)") }
            guard var school = try tx.school(params.school) else {
                throw DomainError.notFound("school", params.school, field: "school")
            }
            _ = try self.region(params.region, tx)
            try tx.setRegion(school: school.id, region: params.region)
            school.region = params.region
            try self.history(
                tx, &changes, caller, .schoolRegionSet, school: school.id, pair: nil, subject: params.region)
            return SchoolInfo(school)
        }
    }

    func peopleAccredit(_ params: PeopleAccredit.Params, _ peer: Peer) async throws -> PersonInfo {
        let day = try date(params.on, field: "on")
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard caller.isAdmin else { throw DomainError.denied("accredit coaches (admins only)") }
            guard var person = try tx.person(params.person) else {
                throw DomainError.notFound("person", params.person, field: "person")
            }
            try tx.setAccredited(person: person.id, on: day)
            person.accreditedOn = day
            try self.history(
                tx, &changes, caller, .personAccredited, school: person.school, pair: nil, subject: person.id)
            return PersonInfo(person)
        }
    }

    func periodsAdd(_ params: PeriodsAdd.Params, _ peer: Peer) async throws -> CreatedID {
        let name = try TextRules.line(params.name, field: "name", maxCharacters: PeerRules.maxNameCharacters)
        let term = try TextRules.line(params.term, field: "term", maxCharacters: PeerRules.maxNameCharacters)
        let range = try range(params.from, params.to, maxDays: PeerRules.maxPeriodDays)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard caller.isAdmin else { throw DomainError.denied("add periods (admins only)") }
            try PeerRules.checkPeriod(range, against: try tx.periods())
            let id = try tx.insert(Period(id: 0, name: name, term: term, range: range))
            try self.history(tx, &changes, caller, .periodAdded, school: nil, pair: nil, subject: id)
            changes.sessions = true
            return CreatedID(id: id)
        }
    }

    func periodsList(_ peer: Peer) async throws -> PeriodList {
        try await store.read { store in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            return PeriodList(periods: try store.periods().map(PeriodInfo.init))
        }
    }

    /// A head as the rules see them: their person and their school's region.
    func peerCandidate(_ id: Int64, _ store: any StoreReading, field: String) throws -> PeerCandidate {
        guard let person = try store.person(id) else { throw DomainError.notFound("person", id, field: field) }
        return PeerCandidate(person: person, region: try store.school(person.school)?.region)
    }

    func peersCreate(_ params: PeersCreate.Params, _ peer: Peer) async throws -> CreatedPeerPair {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard caller.overseesPeerProgramme, caller.isAdmin || caller.isActive else {
                throw DomainError.denied("pair heads (admins and trust leads)")
            }
            let a = try self.peerCandidate(params.a, tx, field: "a")
            let b = try self.peerCandidate(params.b, tx, field: "b")
            try PeerRules.checkPair(a, b)
            if let existing = try tx.activePeerPair(a.person.id, b.person.id) {
                throw DomainError(
                    .conflict, "\(a.person.name) and \(b.person.name) are already peer pair \(existing.id)", field: "b")
            }
            let id = try tx.insert(PeerPair(id: 0, a: a.person.id, b: b.person.id, createdAt: self.now()))
            try self.history(tx, &changes, caller, .peerCreated, school: nil, pair: nil, subject: id)
            changes.sessions = true
            return CreatedPeerPair(id: id, aName: a.person.name, bName: b.person.name)
        }
    }

    func peersList(_ params: PeersList.Params, _ peer: Peer) async throws -> PeerPairList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let mine = params.mine == true || !caller.overseesPeerProgramme
            // Someone outside the programme (no person, or in no pair) gets an empty list.
            let pairs = mine ? try store.peerPairs(person: caller.person?.id ?? -1) : try store.peerPairs(person: nil)
            return PeerPairList(peers: try pairs.map { try self.peerPairInfo($0, store) })
        }
    }

    func peersSuggest(_ params: PeersSuggest.Params, _ peer: Peer) async throws -> PeerSuggestion {
        let instant = now()
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            guard caller.overseesPeerProgramme else {
                throw DomainError.denied("suggest peer pairs (admins and trust leads)")
            }
            var regionOf: [Int64: Int64] = [:]
            for school in try store.schools() { regionOf[school.id] = school.region }
            var names: [Int64: String] = [:]
            var heads: [PairingHead] = []
            var noRegion: [Int64] = []
            for person in try store.people(school: nil)
            where person.active && person.roles.contains(.head) && person.accreditedOn != nil {
                names[person.id] = person.name
                if let region = regionOf[person.school] {
                    heads.append(PairingHead(id: person.id, name: person.name, region: region))
                } else {
                    noRegion.append(person.id)
                }
            }
            var previous = Set<Partners>()
            if params.avoidPrevious ?? true {
                // The previous period's partners: every pair made before the current period began
                // (between periods, or with none, every pair made so far), ended or not.
                let calendar = try self.programmeCalendar(store)
                let today = calendar.localDate(of: instant)
                let cutoff = PeerRules.period(containing: today, in: try store.periods())?.range.from
                for pair in try store.peerPairs(person: nil)
                where cutoff.map({ calendar.localDate(of: pair.createdAt) < $0 }) ?? true {
                    previous.insert(Partners(pair.a, pair.b))
                }
            }
            let suggestion = PeerPairing.suggest(heads, previous: previous)
            return PeerSuggestion(
                pairs: suggestion.pairs.map {
                    SuggestedPairInfo(
                        a: $0.a, aName: names[$0.a] ?? "", b: $0.b, bName: names[$0.b] ?? "", c: $0.c,
                        cName: $0.c.map { names[$0] ?? "" })
                },
                leftOut: (noRegion + suggestion.leftOut).map { NamedHead(id: $0, name: names[$0] ?? "") })
        }
    }

    /// The calendar the programme's dates are read in when no pair is in question: the first
    /// school's (the trust's schools share a zone in practice), else UTC.
    func programmeCalendar(_ store: any StoreReading) throws -> SchoolCalendar {
        if let first = try store.schools().first, let calendar = try store.calendar(school: first.id) {
            return calendar
        }
        return SchoolCalendar(
            timeZone: TimeZone(identifier: "UTC")!, dayStart: LocalTime(minutes: 0)!, dayEnd: LocalTime(minutes: 1)!)
    }

    func peerPairInfo(_ pair: PeerPair, _ store: any StoreReading) throws -> PeerPairInfo {
        let a = try store.person(pair.a)
        let b = try store.person(pair.b)
        func regionName(_ person: Person?) throws -> String? {
            guard let school = try person.flatMap({ try store.school($0.school) }), let region = school.region else {
                return nil
            }
            return try store.region(region)?.name
        }
        return PeerPairInfo(
            id: pair.id, a: pair.a, aName: a?.name ?? "", b: pair.b, bName: b?.name ?? "", active: pair.active,
            aRegion: try regionName(a), bRegion: try regionName(b))
    }

    /// A peer pair the caller may see: an admin, a trust lead, or one of its two heads. Anyone
    /// else hears the same words whether it exists or not.
    func visiblePeerPair(_ id: Int64, to caller: Caller, _ store: any StoreReading, field: String = "peer") throws
        -> PeerPair
    {
        guard let pair = try store.peerPair(id), caller.canSee(pair) else {
            throw Self.unseen("peer pair", id, field: field, by: caller)
        }
        return pair
    }
}

extension PeriodInfo {
    init(_ period: Period) {
        self.init(
            id: period.id, name: period.name, term: period.term, from: "\(period.range.from)",
            to: "\(period.range.to)")
    }
}

extension Caller {
    /// Admins and trust leads see the whole programme (never its notes).
    var overseesPeerProgramme: Bool { isAdmin || (person?.roles.contains(.trustlead) ?? false) }

    /// Whether the caller is one of the peer pair's two heads (and so may read its notes).
    func isMember(of pair: PeerPair) -> Bool {
        guard let person else { return false }
        return pair.includes(person.id)
    }

    /// Admins, trust leads and the pair's two heads see a peer pair (only the heads its notes).
    func canSee(_ pair: PeerPair) -> Bool { overseesPeerProgramme || isMember(of: pair) }

    /// Admins, trust leads and the group's members see a supervision group (never its themes
    /// unless shared).
    func canSee(_ group: SupervisionGroup) -> Bool {
        overseesPeerProgramme || person.map { group.members.contains($0.id) } == true
    }
}

/// The heads' peer programme (issue 14): the trust's shape (admins), pairs (trust leads).
/// Its methods, who may call each, and the handlers above, registered together.
enum PeersFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(RegionsAdd.self, access: .admin) { params, peer in try await service.regionsAdd(params, peer) }
        table.on(RegionsList.self, access: .known) { _, peer in try await service.regionsList(peer) }
        table.on(SchoolsSetRegion.self, access: .admin) { params, peer in
            try await service.schoolsSetRegion(params, peer)
        }
        table.on(PeopleAccredit.self, access: .admin) { params, peer in try await service.peopleAccredit(params, peer) }
        table.on(PeriodsAdd.self, access: .admin) { params, peer in try await service.periodsAdd(params, peer) }
        table.on(PeriodsList.self, access: .known) { _, peer in try await service.periodsList(peer) }
        table.on(PeersCreate.self, access: .trustLeads) { params, peer in try await service.peersCreate(params, peer) }
        table.on(PeersList.self, access: .known) { params, peer in try await service.peersList(params, peer) }
        table.on(PeersSuggest.self, access: .trustLeads) { params, peer in try await service.peersSuggest(params, peer)
        }
    }
}
