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
        let name = try CycleRules.text(params.name, field: "name", maxLength: 200)
        guard !params.roles.isEmpty else {
            throw DomainError.invalid("give at least one role", field: "roles", hint: RoleName.all.joined(separator: ", "))
        }
        var roles = Set<Role>()
        for text in params.roles {
            guard let role = Role(rawValue: text) else {
                throw DomainError.invalid(
                    "\"\(text)\" is not a role", field: "roles", hint: "roles: \(RoleName.all.joined(separator: ", "))")
            }
            roles.insert(role)
        }
        var uid = params.uid
        if let login = params.login {
            guard let resolved = UnixAccounts.uid(ofLogin: login).map(Int64.init) else {
                throw DomainError.invalid("there is no Unix user \"\(login)\" on this machine", field: "login")
            }
            if let given = uid, given != resolved {
                throw DomainError.invalid("login \(login) has uid \(resolved), not \(given)", field: "uid")
            }
            uid = resolved
        }
        guard let uid else {
            throw DomainError.invalid(
                "give the person's Unix login or uid: identity is the Unix user", field: "login")
        }
        guard uid >= 0, uid < Int64(UInt32.max) else { throw DomainError.invalid("uid \(uid) is out of range", field: "uid") }
        let person = Person(id: 0, name: name, school: params.school, roles: roles, uid: uid, login: params.login)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard try tx.school(params.school) != nil else {
                throw DomainError.notFound("school", params.school, field: "school")
            }
            guard caller.canManage(school: params.school) else { throw DomainError.denied("add people to this school") }
            if let existing = try tx.person(uid: uid) {
                throw DomainError(
                    .conflict, "uid \(uid) is already linked to person \(existing.id) (\(existing.name))",
                    field: params.login == nil ? "uid" : "login")
            }
            let id = try tx.insert(person)
            try self.history(tx, &changes, caller, .personAdded, school: params.school, pair: nil, subject: id)
            return CreatedID(id: id)
        }
    }

    func peopleList(_ params: PeopleList.Params, _ peer: Peer) async throws -> PersonList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let people = try store.people(school: params.school).filter { caller.canManage(school: $0.school) }
                .filter { params.includeInactive == true || $0.active }
            if let school = params.school, !caller.canManage(school: school) {
                throw DomainError.denied("list this school's people")
            }
            return PersonList(people: people.map(PersonInfo.init))
        }
    }

    func pairsCreate(_ params: PairsCreate.Params, _ peer: Peer) async throws -> CreatedID {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let teacher = try tx.person(params.teacher) else {
                throw DomainError.notFound("person", params.teacher, field: "teacher")
            }
            guard let coach = try tx.person(params.coach) else {
                throw DomainError.notFound("person", params.coach, field: "coach")
            }
            guard caller.canManage(school: teacher.school) else { throw DomainError.denied("pair people in this school") }
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
                throw DomainError(.conflict, "\(teacher.name) and \(coach.name) are already pair \(existing.id)", field: "coach")
            }
            let pair = Pair(id: 0, school: teacher.school, teacher: teacher.id, coach: coach.id, active: true, createdAt: self.now())
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
            let pair = try self.pair(params.pair, store)
            guard caller.canSee(pair) else { throw DomainError.denied("see pair \(pair.id)") }
            let confidential = caller.isMember(of: pair)
            let calendar = try self.calendar(pair.school, store)
            let summary = try self.summary(pair, item: try store.dueItem(pair: pair.id), store, calendar, confidential, instant)
            let followUps = Dictionary(try store.followUps(pair: pair.id).map { ($0.dropIn, $0) }) { first, _ in first }
            let events = try store.history(pair: pair.id)
            // History says who did what by name (issue 11): names only, never a text.
            let actors = try store.names(of: Set(events.compactMap(\.actor)))
            return PairDetail(
                pair: summary,
                cycles: try store.cycles(pair: pair.id).map { CycleInfo($0, calendar: calendar, confidential: confidential) },
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
            adaptation: try store.activeAdaptation(pair: pair.id).map { AdaptationInfo($0, confidential: confidential) },
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
