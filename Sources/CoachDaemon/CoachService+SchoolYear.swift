import CoachDomain
import CoachRPC
import CoachStore
import CoachSupport
import Foundation

/// Issue 11: plans change (cancel, move, log a past visit), people leave (end a pair, update or
/// deactivate a person), the calendar is corrected (list and remove terms and closures). The rules
/// are `SchoolYearRules` in the domain; here: who may call, then validate, then store.
extension CoachService {
    // MARK: Plans change

    func dropInsCancel(_ params: DropInsCancel.Params, _ peer: Peer) async throws -> DropInInfo {
        let reason = try TextRules.line(params.reason, field: "reason", maxCharacters: SchoolYearRules.maxReasonLength)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (dropIn, pair) = try self.visibleDropIn(params.dropin, to: caller, tx)
            // Either person of the pair, the school's lead, or an admin: a wrong booking must never stall a pair.
            guard caller.canActOn(pair) || caller.canManage(school: pair.school) else {
                throw DomainError.denied("cancel drop-in \(dropIn.id)")
            }
            try SchoolYearRules.checkCanCancel(dropIn)
            try tx.cancelDropIn(dropIn.id, at: self.now(), reason: reason)
            try self.history(
                tx, &changes, caller, .dropInCancelled, school: pair.school, pair: pair.id, subject: dropIn.id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            return try self.dropInInfo(dropIn.id, pair: pair, caller: caller, tx)
        }
    }

    func dropInsReschedule(_ params: DropInsReschedule.Params, _ peer: Peer) async throws -> DropInInfo {
        // Validated before anything is computed from it (issue 10).
        if let minutes = params.minutes { try CycleRules.checkDropInMinutes(minutes, policy: policy) }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (dropIn, pair) = try self.visibleDropIn(params.dropin, to: caller, tx)
            guard caller.canActOn(pair) else { throw DomainError.denied("move drop-in \(dropIn.id)") }
            try SchoolYearRules.checkCanReschedule(dropIn)
            guard pair.active else { throw DomainError(.invalidState, "pair \(pair.id) has ended", field: "dropin") }
            let calendar = try self.calendar(pair.school, tx)
            let start = try self.instant(params.start, field: "start", calendar)
            let minutes = params.minutes ?? dropIn.minutes
            let instant = self.now()
            try SchoolYearRules.checkHorizon(start: start, now: instant, calendar: calendar, policy: self.policy)
            try SchoolYearRules.checkOrder(
                start: start, lastConversationAt: try tx.pairState(pair).lastFollowUpAt, calendar: calendar)
            // Clamped only to bound the overlap query; checkDropIn refuses a length out of range.
            let end = start.addingTimeInterval(Double(min(max(minutes, 0), 60) * 60))
            try CycleRules.checkDropIn(
                start: start, minutes: minutes, calendar: calendar, policy: self.policy,
                coachDropIns: try tx.dropIns(coach: dropIn.coach, overlapping: start, end).filter {
                    $0.id != dropIn.id
                },
                mayDescribe: { clash in clash.pair == pair.id || caller.isAdmin })
            try tx.moveDropIn(dropIn.id, start: start, minutes: minutes, at: instant)
            try self.history(tx, &changes, caller, .dropInMoved, school: pair.school, pair: pair.id, subject: dropIn.id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            return try self.dropInInfo(dropIn.id, pair: pair, caller: caller, tx)
        }
    }

    func dropInsLog(_ params: DropInsLog.Params, _ peer: Peer) async throws -> DropInInfo {
        let notes = try params.notes.map { try CycleRules.text($0, field: "notes") }
        let minutes = params.minutes ?? policy.defaultDropInMinutes
        try CycleRules.checkDropInMinutes(minutes, policy: policy)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let pair = try self.visiblePair(params.pair, to: caller, tx)
            guard caller.isAdmin || (caller.person?.id == pair.coach && caller.person?.active == true) else {
                throw DomainError.denied("log visits for pair \(pair.id): only its coach does")
            }
            let calendar = try self.calendar(pair.school, tx)
            let start = try self.instant(params.start, field: "start", calendar)
            let instant = self.now()
            try SchoolYearRules.checkLogged(start: start, now: instant, calendar: calendar)
            let state = try tx.pairState(pair)
            try CycleRules.checkCanSchedule(state)
            try SchoolYearRules.checkOrder(start: start, lastConversationAt: state.lastFollowUpAt, calendar: calendar)
            let end = start.addingTimeInterval(Double(min(max(minutes, 0), 60) * 60))
            try CycleRules.checkDropIn(
                start: start, minutes: minutes, calendar: calendar, policy: self.policy,
                coachDropIns: try tx.dropIns(coach: pair.coach, overlapping: start, end),
                mayDescribe: { clash in clash.pair == pair.id || caller.isAdmin })
            let id = try tx.insert(
                DropIn(
                    id: 0, pair: pair.id, coach: pair.coach, cycle: try tx.currentCycle(pair: pair.id)?.id,
                    start: start,
                    minutes: minutes, completedAt: min(end, instant), notes: notes))
            try self.history(tx, &changes, caller, .dropInLogged, school: pair.school, pair: pair.id, subject: id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            return try self.dropInInfo(id, pair: pair, caller: caller, tx)
        }
    }

    func dropInsList(_ params: DropInsList.Params, _ peer: Peer) async throws -> DropInList {
        let status = try params.status.map { text in
            guard let status = DropInStatus(rawValue: text) else {
                throw DomainError.invalid(
                    "\"\(TextRules.printable(text, limit: 32))\" is not a drop-in status", field: "status",
                    hint: DropInStatusName.all.joined(separator: ", "))
            }
            return status
        }
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let pairs: [Pair]
            if let id = params.pair {
                pairs = [try self.visiblePair(id, to: caller, store)]
            } else {
                pairs = try self.visiblePairs(caller, store)
            }
            var out: [(Date, DropInInfo)] = []
            var calendars: [Int64: SchoolCalendar] = [:]
            for pair in pairs {
                let calendar = try calendars[pair.school] ?? self.calendar(pair.school, store)
                calendars[pair.school] = calendar
                let followUps = Dictionary(try store.followUps(pair: pair.id).map { ($0.dropIn, $0) }) { first, _ in
                    first
                }
                for dropIn in try store.dropIns(pair: pair.id) where status == nil || dropIn.status == status {
                    var info = DropInInfo(
                        dropIn, followUp: followUps[dropIn.id], calendar: calendar,
                        confidential: caller.isMember(of: pair))
                    info.movedFrom = try self.movedFrom(dropIn.id, calendar, store)
                    out.append((dropIn.start, info))
                }
            }
            return DropInList(dropins: out.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1))
        }
    }

    // MARK: People leave

    func pairsEnd(_ params: PairsEnd.Params, _ peer: Peer) async throws -> PairSummary {
        let reason = try TextRules.line(params.reason, field: "reason", maxCharacters: SchoolYearRules.maxReasonLength)
        let instant = now()
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let pair = try self.visiblePair(params.pair, to: caller, tx)
            guard caller.canManage(school: pair.school) else { throw DomainError.denied("end pair \(pair.id)") }
            guard pair.active else {
                throw DomainError(.invalidState, "pair \(pair.id) has already ended", field: "pair")
            }
            try self.end(pair, reason: reason, caller, tx, &changes)
            let ended = try self.pair(pair.id, tx)
            return try self.summary(
                ended, item: nil, tx, try self.calendar(pair.school, tx), caller.isMember(of: pair), instant)
        }
    }

    func peopleUpdate(_ params: PeopleUpdate.Params, _ peer: Peer) async throws -> PersonInfo {
        let name = try params.name.map { try TextRules.line($0, field: "name", maxCharacters: 200) }
        let roles = try params.roles.map { try Role.parse($0) }
        let login = try params.login.map { try TextRules.login($0) }
        guard name != nil || roles != nil || login != nil || params.uid != nil else {
            throw DomainError.invalid("give at least one of name, roles, login or uid to change", field: "person")
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            // The person is the caller's to manage before any account is looked up (issue 10).
            let person = try self.managedPerson(params.person, by: caller, tx, field: "person")
            let identity = try Self.identity(login: login, uid: params.uid)
            var updated = person
            if let name { updated.name = name }
            if let roles {
                let pairs = try tx.pairs(school: nil, person: person.id).filter(\.active)
                try SchoolYearRules.checkRoleChange(person: person, newRoles: roles, activePairs: pairs)
                updated.roles = roles
            }
            if let identity {
                if let existing = try tx.person(uid: identity.uid), existing.id != person.id {
                    // Another school's person is not named to a lead.
                    let named =
                        caller.canManage(school: existing.school) ? " (person \(existing.id), \(existing.name))" : ""
                    throw DomainError(
                        .conflict, "uid \(identity.uid) is already linked to someone in coachd\(named)",
                        field: params.login == nil ? "uid" : "login")
                }
                updated.uid = identity.uid
                updated.login = identity.login
            }
            try tx.update(updated)
            try self.history(tx, &changes, caller, .personUpdated, school: person.school, pair: nil, subject: person.id)
            return PersonInfo(updated)
        }
    }

    func peopleDeactivate(_ params: PeopleDeactivate.Params, _ peer: Peer) async throws -> PersonInfo {
        let reason = try TextRules.line(params.reason, field: "reason", maxCharacters: SchoolYearRules.maxReasonLength)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let person = try self.managedPerson(params.person, by: caller, tx, field: "person")
            guard person.active else {
                throw DomainError(.invalidState, "\(person.name) is already deactivated", field: "person")
            }
            for pair in try tx.pairs(school: nil, person: person.id) where pair.active {
                try self.end(pair, reason: reason, caller, tx, &changes)
            }
            try tx.deactivatePerson(person.id, at: self.now(), reason: reason)
            try self.history(
                tx, &changes, caller, .personDeactivated, school: person.school, pair: nil, subject: person.id)
            guard let stored = try tx.person(person.id) else {
                throw DomainError.notFound("person", person.id, field: "person")
            }
            return PersonInfo(stored)
        }
    }

    // MARK: The calendar is corrected

    func calendarList(_ params: CalendarList.Params, _ peer: Peer) async throws -> CalendarListing {
        let from = try params.from.map { try date($0, field: "from") }
        let to = try params.to.map { try date($0, field: "to") }
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            guard caller.isAdmin || caller.person?.school == params.school else {
                throw Self.hidden("school", params.school, field: "school")
            }
            guard try store.school(params.school) != nil else {
                throw DomainError.notFound("school", params.school, field: "school")
            }
            func meets(_ range: DateRange) -> Bool {
                (from.map { range.to >= $0 } ?? true) && (to.map { range.from <= $0 } ?? true)
            }
            return CalendarListing(
                terms: try store.terms(school: params.school).filter { meets($0.range) }.map(TermInfo.init),
                closures: try store.closures(school: params.school).filter { meets($0.range) }.map(ClosureInfo.init))
        }
    }

    func removeClosure(_ params: CalendarRemoveClosure.Params, _ peer: Peer) async throws -> ClosureRemoved {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let closure = try tx.closure(params.closure), caller.canManage(school: closure.school) else {
                throw Self.unseen("closure", params.closure, field: "closure", by: caller)
            }
            try tx.deleteClosure(closure.id)
            try self.history(
                tx, &changes, caller, .closureRemoved, school: closure.school, pair: nil, subject: closure.id)
            let affected = try self.calendarChanged(
                closure.school, reason: "calendar changed", caller, tx, &changes)
            return ClosureRemoved(closure: ClosureInfo(closure), affected: affected)
        }
    }

    func removeTerm(_ params: CalendarRemoveTerm.Params, _ peer: Peer) async throws -> TermRemoved {
        try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let term = try tx.term(params.term), caller.canManage(school: term.school) else {
                throw Self.unseen("term", params.term, field: "term", by: caller)
            }
            try tx.deleteTerm(term.id)
            try self.history(tx, &changes, caller, .termRemoved, school: term.school, pair: nil, subject: term.id)
            let affected = try self.calendarChanged(
                term.school, reason: "term \(term.name) removed", caller, tx, &changes)
            return TermRemoved(term: TermInfo(term), affected: affected)
        }
    }

    /// A school's calendar changed in this transaction: booked drop-ins now on a day that is not a
    /// school day are cancelled ("school closed: REASON"), every active pair's due item is
    /// recomputed, and what moved is recorded and returned. The school is read at once (its pairs'
    /// states and schedules, one query per table); a pair whose last drop-in is cancelled here is
    /// read again, as its state changed.
    func calendarChanged(
        _ school: Int64, reason: String, _ caller: Caller, _ tx: any StoreWriting, _ changes: inout DueChanges
    ) throws -> CalendarAffected {
        let schedules = try tx.dueSchedules(school: school)
        let before = schedules.mapValues(\.item)
        let calendar = try self.calendar(school, tx)
        changes.calendars[school] = calendar
        let instant = now()
        let why = "school closed: \(reason)"
        var cancelled: [CancelledDropIn] = []
        var after: [Int64: DueItem?] = [:]
        for read in try tx.pairStates(school: school) {
            var state = read
            let pair = state.pair
            if let last = state.lastDropIn {
                let toCancel = SchoolYearRules.dropInsToCancel([last], calendar: calendar)
                for dropIn in toCancel {
                    try tx.cancelDropIn(dropIn.id, at: instant, reason: why)
                    try history(
                        tx, &changes, caller, .dropInCancelled, school: school, pair: pair.id, subject: dropIn.id)
                    cancelled.append(
                        CancelledDropIn(
                            dropin: dropIn.id, pair: pair.id, start: calendar.format(dropIn.start), reason: why))
                }
                if !toCancel.isEmpty { state = try tx.pairState(pair) }
            }
            try changes.recompute(state, over: schedules[pair.id], calendar: calendar, in: tx, policy: policy)
            after[pair.id] = changes.items[pair.id] ?? nil
        }
        let moves = SchoolYearRules.moves(before: before, after: after)
        for move in moves {
            try history(tx, &changes, caller, .dueMoved, school: school, pair: move.pair, subject: nil)
            changes.journalFields[changes.events.count - 1] = [
                "coachd.due_kind": move.kind.rawValue, "coachd.due_from": move.from.map { "\($0)" } ?? "none",
                "coachd.due_date": move.to.map { "\($0)" } ?? "none",
            ]
        }
        return CalendarAffected(
            cancelled: cancelled,
            moved: moves.map {
                MovedDueItem(
                    pair: $0.pair, kind: $0.kind.rawValue, from: $0.from.map { "\($0)" }, to: $0.to.map { "\($0)" })
            })
    }

    // MARK: Helpers

    /// Ends a pair in the transaction: its booked drop-in is cancelled, its due item removed.
    func end(_ pair: Pair, reason: String, _ caller: Caller, _ tx: any StoreWriting, _ changes: inout DueChanges) throws
    {
        let instant = now()
        if let last = try tx.lastDropIn(pair: pair.id), last.status == .booked {
            try tx.cancelDropIn(last.id, at: instant, reason: "pair ended: \(reason)")
            try history(tx, &changes, caller, .dropInCancelled, school: pair.school, pair: pair.id, subject: last.id)
        }
        try tx.endPair(pair.id, at: instant, reason: reason)
        try history(tx, &changes, caller, .pairEnded, school: pair.school, pair: pair.id, subject: pair.id)
        try changes.recompute(try self.pair(pair.id, tx), in: tx, policy: policy)
    }

    func dropIn(_ id: Int64, _ store: any StoreReading) throws -> DropIn {
        guard let dropIn = try store.dropIn(id) else { throw DomainError.notFound("drop-in", id, field: "dropin") }
        return dropIn
    }

    /// An instant as the wire gives it: RFC 3339, or local school time.
    func instant(_ text: String, field: String, _ calendar: SchoolCalendar) throws -> Date {
        guard let instant = calendar.parseInstant(text) else {
            throw DomainError.invalid(
                "\"\(TextRules.printable(text, limit: 40))\" is not a time", field: field,
                hint: "use RFC 3339 (2026-11-23T10:00:00Z) or local school time (2026-11-23T10:00)")
        }
        return instant
    }

    /// A drop-in as the caller may see it, with its earlier starts.
    func dropInInfo(_ id: Int64, pair: Pair, caller: Caller, _ store: any StoreReading) throws -> DropInInfo {
        let dropIn = try self.dropIn(id, store)
        let calendar = try self.calendar(pair.school, store)
        var info = DropInInfo(
            dropIn, followUp: try store.followUp(dropIn: id), calendar: calendar,
            confidential: caller.isMember(of: pair))
        info.movedFrom = try movedFrom(id, calendar, store)
        return info
    }

    func movedFrom(_ id: Int64, _ calendar: SchoolCalendar, _ store: any StoreReading) throws -> [String]? {
        let moves = try store.dropInMoves(dropIn: id)
        return moves.isEmpty ? nil : moves.map { calendar.format($0.fromStart) }
    }

    /// The pairs the caller may see: all for admins, the school's for a lead, else their own.
    func visiblePairs(_ caller: Caller, _ store: any StoreReading) throws -> [Pair] {
        if caller.isAdmin { return try store.pairs(school: nil, person: nil) }
        guard let person = caller.person else { return [] }
        var pairs = try store.pairs(school: nil, person: person.id)
        if person.roles.contains(.lead) {
            let own = Set(pairs.map(\.id))
            pairs += try store.pairs(school: person.school, person: nil).filter { !own.contains($0.id) }
        }
        return pairs.filter(caller.canSee).sorted { $0.id < $1.id }
    }

    /// A Unix identity from a login and/or uid (nil when neither is given).
    static func identity(login: String?, uid: Int64?) throws -> (uid: Int64, login: String?)? {
        var resolved = uid
        if let login {
            guard let found = UnixAccounts.uid(ofLogin: login).map(Int64.init) else {
                throw DomainError.invalid("there is no Unix user \"\(login)\" on this machine", field: "login")
            }
            if let given = uid, given != found {
                throw DomainError.invalid("login \(login) has uid \(found), not \(given)", field: "uid")
            }
            resolved = found
        }
        guard let value = resolved else { return nil }
        guard value >= 0, value < Int64(UInt32.max) else {
            throw DomainError.invalid("uid \(value) is out of range", field: "uid")
        }
        return (value, login)
    }
}

extension ClosureInfo {
    init(_ closure: Closure) {
        self.init(
            id: closure.id, school: closure.school, from: "\(closure.range.from)", to: "\(closure.range.to)",
            reason: closure.reason)
    }
}

extension TermInfo {
    init(_ term: Term) {
        self.init(id: term.id, school: term.school, name: term.name, from: "\(term.range.from)", to: "\(term.range.to)")
    }
}

/// The school year as it goes: calendars listed and corrected, people and pairs changed, drop-ins moved, cancelled
/// and logged.
/// Its methods, who may call each, and the handlers above, registered together.
enum SchoolYearFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(CalendarList.self, access: .known) { params, peer in try await service.calendarList(params, peer) }
        table.on(CalendarRemoveClosure.self, access: .managers) { params, peer in
            try await service.removeClosure(params, peer)
        }
        table.on(CalendarRemoveTerm.self, access: .managers) { params, peer in
            try await service.removeTerm(params, peer)
        }
        table.on(PeopleUpdate.self, access: .managers) { params, peer in try await service.peopleUpdate(params, peer) }
        table.on(PeopleDeactivate.self, access: .managers) { params, peer in
            try await service.peopleDeactivate(params, peer)
        }
        table.on(PairsEnd.self, access: .managers) { params, peer in try await service.pairsEnd(params, peer) }
        table.on(DropInsList.self, access: .known) { params, peer in try await service.dropInsList(params, peer) }
        table.on(DropInsCancel.self, access: .known) { params, peer in try await service.dropInsCancel(params, peer) }
        table.on(DropInsReschedule.self, access: .members) { params, peer in
            try await service.dropInsReschedule(params, peer)
        }
        table.on(DropInsLog.self, access: .coaches) { params, peer in try await service.dropInsLog(params, peer) }
    }
}
