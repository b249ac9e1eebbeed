import CoachDomain
import CoachRPC
import CoachStore
import Foundation

extension CoachService {
    func cyclesStart(_ params: CyclesStart.Params, _ peer: Peer) async throws -> CreatedID {
        let focus = try CycleRules.text(params.focus, field: "focus", maxLength: 500)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let pair = try self.visiblePair(params.pair, to: caller, tx)
            guard caller.canActOn(pair) else { throw DomainError.denied("agree a focus for pair \(pair.id)") }
            guard pair.active else { throw DomainError(.invalidState, "pair \(pair.id) is closed", field: "pair") }
            let id = try tx.insert(Cycle(id: 0, pair: pair.id, focus: focus, startedAt: self.now()))
            try self.history(tx, &changes, caller, .cycleStarted, school: pair.school, pair: pair.id, subject: id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            return CreatedID(id: id)
        }
    }

    func dropInsSchedule(_ params: DropInsSchedule.Params, _ peer: Peer) async throws -> ScheduledDropIn {
        let minutes = params.minutes ?? policy.defaultDropInMinutes
        // Validated before anything is computed from it: Int.max * 60 traps.
        try CycleRules.checkDropInMinutes(minutes, policy: policy)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let pair = try self.visiblePair(params.pair, to: caller, tx)
            guard caller.canActOn(pair) else { throw DomainError.denied("book drop-ins for pair \(pair.id)") }
            let calendar = try self.calendar(pair.school, tx)
            guard let start = calendar.parseInstant(params.start) else {
                throw DomainError.invalid(
                    "\"\(TextRules.printable(params.start, limit: 40))\" is not a time", field: "start",
                    hint: "use RFC 3339 (2026-11-23T10:00:00Z) or local school time (2026-11-23T10:00)")
            }
            let state = try tx.pairState(pair)
            try CycleRules.checkCanSchedule(state)
            // Issue 11: no booking past the horizon or the last term; events in the order they happened.
            try SchoolYearRules.checkHorizon(start: start, now: self.now(), calendar: calendar, policy: self.policy)
            try SchoolYearRules.checkOrder(start: start, lastConversationAt: state.lastFollowUpAt, calendar: calendar)
            let end = start.addingTimeInterval(Double(minutes * 60))
            try CycleRules.checkDropIn(
                start: start, minutes: minutes, calendar: calendar, policy: self.policy,
                coachDropIns: try tx.dropIns(coach: pair.coach, overlapping: start, end),
                mayDescribe: { clash in clash.pair == pair.id || caller.isAdmin })
            let cycle = try tx.currentCycle(pair: pair.id)
            let id = try tx.insert(
                DropIn(
                    id: 0, pair: pair.id, coach: pair.coach, cycle: cycle?.id, start: start, minutes: minutes,
                    completedAt: nil, notes: nil))
            try self.history(tx, &changes, caller, .dropInScheduled, school: pair.school, pair: pair.id, subject: id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            return ScheduledDropIn(id: id, start: calendar.format(start), end: calendar.format(end))
        }
    }

    func dropInsComplete(_ params: DropInsComplete.Params, _ peer: Peer) async throws -> DropInInfo {
        let notes = try params.notes.map { try CycleRules.text($0, field: "notes") }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (dropIn, pair) = try self.visibleDropIn(params.dropin, to: caller, tx)
            guard caller.isAdmin || caller.person?.id == pair.coach else {
                throw DomainError.denied("log drop-in \(dropIn.id): only its coach does")
            }
            let calendar = try self.calendar(pair.school, tx)
            try CycleRules.checkCanComplete(dropIn, now: self.now(), calendar: calendar)
            let instant = try SchoolYearRules.completionTime(
                at: try params.at.map { try self.instant($0, field: "at", calendar) }, dropIn: dropIn, now: self.now(),
                nextEventAt: try tx.followUp(dropIn: dropIn.id)?.completedAt, calendar: calendar)
            try tx.completeDropIn(dropIn.id, at: instant, notes: notes)
            try self.history(
                tx, &changes, caller, .dropInCompleted, school: pair.school, pair: pair.id, subject: dropIn.id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            guard let done = try tx.dropIn(dropIn.id) else {
                throw DomainError.notFound("drop-in", dropIn.id, field: "dropin")
            }
            return DropInInfo(done, followUp: nil, calendar: calendar, confidential: caller.isMember(of: pair))
        }
    }

    func followUpsComplete(_ params: FollowUpsComplete.Params, _ peer: Peer) async throws -> FollowUpInfo {
        let notes = try params.notes.map { try CycleRules.text($0, field: "notes") }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (dropIn, pair) = try self.visibleDropIn(params.dropin, to: caller, tx)
            guard caller.canActOn(pair) else { throw DomainError.denied("log follow-ups for pair \(pair.id)") }
            try CycleRules.checkCanFollowUp(dropIn, existing: try tx.followUp(dropIn: dropIn.id))
            let calendar = try self.calendar(pair.school, tx)
            let at = try SchoolYearRules.conversationTime(
                at: try params.at.map { try self.instant($0, field: "at", calendar) }, dropIn: dropIn, now: self.now(),
                calendar: calendar)
            let followUp = FollowUp(id: 0, dropIn: dropIn.id, pair: pair.id, completedAt: at, notes: notes)
            let id = try tx.insert(followUp)
            try self.history(tx, &changes, caller, .followUpCompleted, school: pair.school, pair: pair.id, subject: id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            var stored = followUp
            stored.id = id
            return FollowUpInfo(
                stored, calendar: try self.calendar(pair.school, tx), confidential: caller.isMember(of: pair))
        }
    }

    func adaptationsSet(_ params: AdaptationsSet.Params, _ peer: Peer) async throws -> AdaptationSet {
        let text = try CycleRules.text(params.text, field: "text", maxLength: 500)
        let days = params.schoolDays ?? policy.practiseSchoolDays
        let closing = try params.closePrevious.map { raw in
            guard let outcome = Outcome(rawValue: raw) else {
                throw DomainError.invalid(
                    "\"\(TextRules.printable(raw, limit: 32))\" is not an outcome", field: "closePrevious",
                    hint: OutcomeName.all.joined(separator: ", "))
            }
            return outcome
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let pair = try self.visiblePair(params.pair, to: caller, tx)
            guard caller.canActOn(pair) else { throw DomainError.denied("set adaptations for pair \(pair.id)") }
            guard pair.active else { throw DomainError(.invalidState, "pair \(pair.id) is closed", field: "pair") }
            let calendar = try self.calendar(pair.school, tx)
            let active = try tx.activeAdaptation(pair: pair.id)
            try SchoolYearRules.checkCanSetAdaptation(try tx.pairState(pair))
            try CycleRules.checkCanSetAdaptation(active: active, closePrevious: closing)
            let instant = self.now()
            let today = calendar.localDate(of: instant)
            let until = try CycleRules.practiseUntil(
                setOn: today, schoolDays: days, calendar: calendar, policy: self.policy)
            if let active, let closing {
                try tx.closeAdaptation(active.id, at: instant, on: today, outcome: closing)
                try self.history(
                    tx, &changes, caller, .adaptationClosed, school: pair.school, pair: pair.id, subject: active.id)
            }
            let id = try tx.insert(
                Adaptation(
                    id: 0, pair: pair.id, text: text, setAt: instant, setOn: today, schoolDays: days,
                    practiseUntil: until))
            try self.history(tx, &changes, caller, .adaptationSet, school: pair.school, pair: pair.id, subject: id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            return AdaptationSet(id: id, practiseUntil: "\(until)")
        }
    }

    func adaptationsClose(_ params: AdaptationsClose.Params, _ peer: Peer) async throws -> AdaptationInfo {
        guard let outcome = Outcome(rawValue: params.outcome) else {
            throw DomainError.invalid(
                "\"\(TextRules.printable(params.outcome, limit: 32))\" is not an outcome", field: "outcome",
                hint: OutcomeName.all.joined(separator: ", "))
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let adaptation = try tx.adaptation(params.adaptation), let pair = try tx.pair(adaptation.pair),
                caller.canSee(pair)
            else {
                throw Self.unseen("adaptation", params.adaptation, field: "adaptation", by: caller)
            }
            guard caller.canActOn(pair) else { throw DomainError.denied("close adaptations for pair \(pair.id)") }
            guard adaptation.isActive else {
                throw DomainError(
                    .invalidState,
                    "adaptation \(adaptation.id) is already closed (\(adaptation.outcome?.rawValue ?? ""))",
                    field: "adaptation")
            }
            let instant = self.now()
            let today = try self.calendar(pair.school, tx).localDate(of: instant)
            try tx.closeAdaptation(adaptation.id, at: instant, on: today, outcome: outcome)
            try self.history(
                tx, &changes, caller, .adaptationClosed, school: pair.school, pair: pair.id, subject: adaptation.id)
            try changes.recompute(pair, in: tx, policy: self.policy)
            guard let closed = try tx.adaptation(adaptation.id) else {
                throw DomainError.notFound("adaptation", adaptation.id, field: "adaptation")
            }
            return AdaptationInfo(closed, confidential: caller.isMember(of: pair))
        }
    }

    /// The caller's due items, soonest first. Read by index (the school's items, or the person's
    /// pairs'), so the cost follows the answer, not the size of the database.
    func dueList(_ params: DueListMethod.Params, _ peer: Peer) async throws -> DueList {
        try await dueListAnswer(params, peer).list
    }

    /// The answer, how long it may be served from the cache (`validUntil`: `DueListCache.maxAge`, or sooner),
    /// and when time alone changes it (`changesAt`: the first listed item turning overdue).
    func dueListAnswer(_ params: DueListMethod.Params, _ peer: Peer) async throws -> (
        list: DueList, validUntil: Date, changesAt: Date
    ) {
        let instant = now()
        // `from`/`to` compare with each item's school-local due date (API level 4).
        let from = try params.from.map { try date($0, field: "from") }
        let to = try params.to.map { try date($0, field: "to") }
        if let from, let to, to < from {
            throw DomainError.invalid("\"to\" (\(to)) is before \"from\" (\(from))", field: "to")
        }
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let rows: [(pair: Pair, item: DueItem)]
            if caller.isAdmin {
                rows = try store.dueItems(school: params.school, person: nil)
            } else if let person = caller.person, person.roles.contains(.lead),
                params.school == nil || params.school == person.school
            {
                // A lead sees the whole school (status and dates, never notes).
                rows = try store.dueItems(school: person.school, person: nil)
            } else {
                rows = try store.dueItems(school: params.school, person: caller.person?.id ?? -1)
            }
            let visible = rows.filter { caller.canSee($0.pair) && $0.pair.active }
                .filter { params.overdueOnly != true || $0.item.isOverdue(at: instant) }
                .filter { row in
                    from.map { row.item.dueDate >= $0 } ?? true && to.map { row.item.dueDate <= $0 } ?? true
                }
            let names = try store.names(of: Set(visible.flatMap { [$0.pair.teacher, $0.pair.coach] }))
            var calendars: [Int64: SchoolCalendar] = [:]
            var out: [(Date, DueItemInfo)] = []
            var changesAt = Date.distantFuture
            for (pair, item) in visible {
                let calendar = try calendars[pair.school] ?? self.calendar(pair.school, store)
                calendars[pair.school] = calendar
                out.append((item.dueAt, DueItemInfo(item, pair: pair, names: names, calendar: calendar, now: instant)))
                if item.overdueAt > instant { changesAt = min(changesAt, item.overdueAt) }
            }
            // Issue 14: peer sessions due, for their two heads, trust leads and admins.
            for (due, info) in try self.sessionDueItems(
                caller, school: params.school, from: from, to: to, store, instant)
            where params.overdueOnly != true || due.isOverdue(at: instant) {
                out.append((due.dueAt, info))
                if due.overdueAt > instant { changesAt = min(changesAt, due.overdueAt) }
            }
            // Supervision meetings due (level 13), for the group's members, trust leads and admins.
            for (due, info) in try self.supervisionDueItems(
                caller, school: params.school, from: from, to: to, store, instant)
            where params.overdueOnly != true || due.isOverdue(at: instant) {
                out.append((due.dueAt, info))
                if due.overdueAt > instant { changesAt = min(changesAt, due.overdueAt) }
            }
            let list = DueList(items: out.sorted { ($0.0, $0.1.pair) < ($1.0, $1.1.pair) }.map(\.1))
            return (list, min(instant.addingTimeInterval(DueListCache.maxAge), changesAt), changesAt)
        }
    }

    /// `due.list` encoded, through the answer cache: computed when missing, then kept for the
    /// same caller until a change commits, an item turns overdue, or `DueListCache.maxAge` passes.
    func dueListEncoded(_ params: DueListMethod.Params, _ peer: Peer) async throws -> Data {
        let key = DueListCache.Key(
            uid: peer.uid, gid: peer.gid, school: params.school, overdueOnly: params.overdueOnly == true)
        let generation = dueListCache.generation
        // The cache's key has no dates: a ranged answer is never kept (the fast path never serves one either).
        let answer = try await dueListAnswer(params, peer)
        let data = try RPCCodec.encoder.encode(answer.list)
        if params.from == nil && params.to == nil {
            dueListCache.store(
                key, data, generation: generation, validUntil: answer.validUntil, changesAt: answer.changesAt)
        }
        return data
    }

    /// `due.list` from the cache, without waiting: nil when it must be computed.
    func dueListCached(_ raw: [String: JSONValue], _ peer: Peer) -> Data? {
        guard let key = DueListCache.key(raw, peer: peer) else { return nil }
        return dueListCache.lookup(key, now: now())
    }

    /// While the database is unavailable (PostgreSQL, issue 15): the caller's last answer, which
    /// nothing can have changed since but time (no commit is possible anywhere), or nil. Like
    /// `dueListCached`, it answers without the gate: the answer was computed for this caller after
    /// the gate let them in, and any commit since (a person deactivated, say) would have dropped it.
    func dueListLastAnswer(_ raw: [String: JSONValue], _ peer: Peer) -> Data? {
        guard let key = DueListCache.key(raw, peer: peer), let data = dueListCache.lastAnswer(key, now: now()) else {
            return nil
        }
        logger.debug("due.list answered with the caller's last answer: the database is unavailable")
        return data
    }

    func daemonStatus(_ peer: Peer, connections: Int) async throws -> DaemonStatusResult {
        let caller = try await store.read { store in try self.knownCaller(peer.uid, gid: peer.gid, in: store) }
        guard caller.isAdmin else { throw DomainError.denied("read the daemon's status (admins only)") }
        let instant = now()
        let counts = try await timer.counts(at: instant)
        let next = try await timer.nextTransition()
        return DaemonStatusResult(
            version: version, startedAt: InstantFormat.rfc3339(startedAt, offsetSeconds: 0, zulu: true),
            uptimeSeconds: Int(instant.timeIntervalSince(startedAt)), pairs: counts.pairs, dueToday: counts.dueToday,
            overdue: counts.overdue, connections: connections, schemaVersion: try await store.schemaVersion(),
            nextTransition: next.map { InstantFormat.rfc3339($0, offsetSeconds: 0, zulu: true) },
            status: Self.statusLine(counts), scheduler: await timer.isScheduler)
    }

    /// `12 pairs · 3 due today · 1 overdue`, as systemd's STATUS= shows it.
    static func statusLine(_ counts: (pairs: Int, dueToday: Int, overdue: Int)) -> String {
        "\(counts.pairs) pair\(counts.pairs == 1 ? "" : "s") · \(counts.dueToday) due today · \(counts.overdue) overdue"
    }
}

/// The coaching cycle and what falls due.
/// Its methods, who may call each, and the handlers above, registered together.
enum CycleFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(CyclesStart.self, access: .members) { params, peer in try await service.cyclesStart(params, peer) }
        table.on(DropInsSchedule.self, access: .members) { params, peer in
            try await service.dropInsSchedule(params, peer)
        }
        table.on(DropInsComplete.self, access: .coaches) { params, peer in
            try await service.dropInsComplete(params, peer)
        }
        table.on(FollowUpsComplete.self, access: .members) { params, peer in
            try await service.followUpsComplete(params, peer)
        }
        table.on(AdaptationsSet.self, access: .members) { params, peer in try await service.adaptationsSet(params, peer)
        }
        table.on(AdaptationsClose.self, access: .members) { params, peer in
            try await service.adaptationsClose(params, peer)
        }
        table.onEncoded(
            DueListMethod.self, access: .known, immediately: { raw, peer in service.dueListCached(raw, peer) },
            whenStoreUnavailable: { raw, peer in service.dueListLastAnswer(raw, peer) }
        ) { params, peer in
            try await service.dueListEncoded(params, peer)
        }
    }
}
