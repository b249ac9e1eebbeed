import CoachDomain
import CoachRPC
import CoachStore
import Foundation

extension CoachService {
    func peopleMe(_ peer: Peer) async throws -> MeResult {
        try await store.read { store in
            let caller = try self.caller(peer.uid, gid: peer.gid, in: store)
            return MeResult(
                uid: caller.uid, person: caller.person.map(PersonInfo.init), roles: caller.roleNames,
                admin: caller.isAdmin)
        }
    }

    func peopleAdd(_ params: PeopleAdd.Params, _ peer: Peer) async throws -> CreatedID {
        let name = try TextRules.line(params.name, field: "name", maxCharacters: 200)
        let roles = try Role.parse(params.roles)
        let login = try params.login.map { try TextRules.login($0) }
        if let given = params.uid, given < 0 || given >= Int64(UInt32.max) {
            throw DomainError.invalid("uid \(given) is out of range", field: "uid")
        }
        if login == nil, params.uid == nil {
            throw DomainError.invalid("give the person's Unix login or uid: identity is the Unix user", field: "login")
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            // The school is checked before the login is looked up: a lead learns nothing about
            // the machine's accounts or another school's people through this method.
            try self.managedSchool(params.school, by: caller, tx)
            guard let uid = try Self.identity(login: login, uid: params.uid)?.uid else {
                throw DomainError.invalid("give the person's Unix login or uid", field: "login")
            }
            if let existing = try tx.person(uid: uid) {
                // Another school's person is not named to a lead.
                let named =
                    caller.canManage(school: existing.school) ? " (person \(existing.id), \(existing.name))" : ""
                throw DomainError(
                    .conflict, "uid \(uid) is already linked to someone in coachd\(named)",
                    field: params.login == nil ? "uid" : "login")
            }
            let person = Person(id: 0, name: name, school: params.school, roles: roles, uid: uid, login: login)
            let id = try tx.insert(person)
            try self.history(tx, &changes, caller, .personAdded, school: params.school, pair: nil, subject: id)
            return CreatedID(id: id)
        }
    }

    func peopleList(_ params: PeopleList.Params, _ peer: Peer) async throws -> PersonList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            if let school = params.school { try self.managedSchool(school, by: caller, store) }
            let people = try store.people(school: params.school).filter { caller.canManage(school: $0.school) }
                .filter { params.includeInactive == true || $0.active }
            return PersonList(people: people.map(PersonInfo.init))
        }
    }

    func pairsCreate(_ params: PairsCreate.Params, _ peer: Peer) async throws -> CreatedID {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            // Both people must be the caller's to manage, and of one school: a lead cannot pair
            // their teacher with another school's coach, nor learn who is there.
            let teacher = try self.managedPerson(params.teacher, by: caller, tx, field: "teacher")
            let coach = try self.managedPerson(params.coach, by: caller, tx, field: "coach")
            guard coach.school == teacher.school else {
                throw DomainError.invalid(
                    "the teacher and the coach are in different schools; a pair belongs to one school", field: "coach",
                    hint: "add the coach to the teacher's school first: coachctl person add")
            }
            guard teacher.roles.contains(.teacher) else {
                throw DomainError.invalid("\(teacher.name) does not have the teacher role", field: "teacher")
            }
            guard coach.roles.contains(.coach) else {
                throw DomainError.invalid("\(coach.name) does not have the coach role", field: "coach")
            }
            guard teacher.id != coach.id else {
                throw DomainError.invalid("a teacher cannot coach themselves", field: "coach")
            }
            if let existing = try tx.activePair(teacher: teacher.id, coach: coach.id) {
                throw DomainError(
                    .conflict, "\(teacher.name) and \(coach.name) are already pair \(existing.id)", field: "coach")
            }
            let pair = Pair(
                id: 0, school: teacher.school, teacher: teacher.id, coach: coach.id, active: true, createdAt: self.now()
            )
            let id = try tx.insert(pair)
            try self.history(tx, &changes, caller, .pairCreated, school: pair.school, pair: id, subject: id)
            try changes.recompute(try self.pair(id, tx), in: tx, policy: self.policy)
            return CreatedID(id: id)
        }
    }

    func pairsShow(_ params: PairsShow.Params, _ peer: Peer) async throws -> PairDetail {
        let instant = now()
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let pair = try self.visiblePair(params.pair, to: caller, store)
            return try self.pairDetail(pair, confidential: caller.isMember(of: pair), store, instant)
        }
    }

    /// A pair with its cycles, drop-ins, adaptations and history; texts when `confidential`.
    /// History names its actors, or only those `named` allows (an export names no one else).
    func pairDetail(
        _ pair: Pair, confidential: Bool, _ store: any StoreReading, _ instant: Date,
        named: (Int64) -> Bool = { _ in true }
    ) throws -> PairDetail {
        let calendar = try self.calendar(pair.school, store)
        let summary = try self.summary(
            pair, item: try store.dueItem(pair: pair.id), store, calendar, confidential, instant)
        let followUps = Dictionary(try store.followUps(pair: pair.id).map { ($0.dropIn, $0) }) { first, _ in first }
        let events = try store.history(pair: pair.id)
        // History says who did what by name (issue 11): names only, never a text.
        let actors = try store.names(of: Set(events.compactMap(\.actor).filter(named)))
        return PairDetail(
            pair: summary,
            cycles: try store.cycles(pair: pair.id).map {
                CycleInfo($0, calendar: calendar, confidential: confidential)
            },
            dropins: try store.dropIns(pair: pair.id).map {
                DropInInfo($0, followUp: followUps[$0.id], calendar: calendar, confidential: confidential)
            },
            adaptations: try store.adaptations(pair: pair.id).map { AdaptationInfo($0, confidential: confidential) },
            history: events.map { event in
                var entry = HistoryEntry(event, calendar: calendar)
                entry.actorName = event.actor.flatMap { actors[$0] }
                return entry
            },
            confidentialVisible: confidential)
    }

    func pairsList(_ params: PairsList.Params, _ peer: Peer) async throws -> PairList {
        let instant = now()
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let person = params.mine == true ? (caller.person?.id ?? -1) : nil
            var items: [Int64: DueItem] = [:]
            for (_, item) in try store.dueItems(school: params.school, person: person) { items[item.pair] = item }
            var calendars: [Int64: SchoolCalendar] = [:]
            var out: [PairSummary] = []
            for pair in try store.pairs(school: params.school, person: person)
            where caller.canSee(pair) && (pair.active || params.includeEnded == true) {
                let calendar = try calendars[pair.school] ?? self.calendar(pair.school, store)
                calendars[pair.school] = calendar
                out.append(
                    try self.summary(pair, item: items[pair.id], store, calendar, caller.isMember(of: pair), instant))
            }
            return PairList(pairs: out)
        }
    }

    func summary(
        _ pair: Pair, item: DueItem?, _ store: any StoreReading, _ calendar: SchoolCalendar, _ confidential: Bool,
        _ instant: Date
    ) throws -> PairSummary {
        let names = try self.names([pair.teacher, pair.coach], store)
        let focus = try store.currentCycle(pair: pair.id)
        return PairSummary(
            id: pair.id, school: pair.school, teacher: pair.teacher, teacherName: names[pair.teacher] ?? "",
            coach: pair.coach, coachName: names[pair.coach] ?? "", focus: confidential ? focus?.focus : nil,
            hasFocus: focus != nil,
            adaptation: try store.activeAdaptation(pair: pair.id).map {
                AdaptationInfo($0, confidential: confidential)
            },
            next: item.map { DueItemInfo($0, pair: pair, names: names, calendar: calendar, now: instant) },
            active: pair.active, endedAt: pair.endedAt.map(calendar.format), endReason: pair.endReason)
    }

    func names(_ ids: [Int64], _ store: any StoreReading) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for id in ids where names[id] == nil {
            names[id] = try store.person(id)?.name
        }
        return names
    }
}

/// People and pairs.
/// Its methods, who may call each, and the handlers above, registered together.
enum PeopleFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(PeopleMe.self, access: .anyone) { _, peer in try await service.peopleMe(peer) }
        table.on(PeopleAdd.self, access: .managers) { params, peer in try await service.peopleAdd(params, peer) }
        table.on(PeopleList.self, access: .managers) { params, peer in try await service.peopleList(params, peer) }
        table.on(PairsCreate.self, access: .managers) { params, peer in try await service.pairsCreate(params, peer) }
        table.on(PairsShow.self, access: .known) { params, peer in try await service.pairsShow(params, peer) }
        table.on(PairsList.self, access: .known) { params, peer in try await service.pairsList(params, peer) }
    }
}
