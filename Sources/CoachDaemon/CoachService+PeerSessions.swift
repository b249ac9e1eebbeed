import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// Peer sessions (issue 14): booked by the pair's two heads (or an admin), logged by the heads
/// alone; notes reach no one else.
extension CoachService {
    /// The calendar a peer pair's times are read and written in: head a's school's.
    func peerCalendar(_ pair: PeerPair, _ store: any StoreReading) throws -> SchoolCalendar {
        guard let head = try store.person(pair.a) else { throw DomainError.notFound("person", pair.a, field: "peer") }
        return try calendar(head.school, store)
    }

    func sessionsSchedule(_ params: SessionsSchedule.Params, _ peer: Peer) async throws -> ScheduledSession {
        let minutes = params.minutes ?? configuration.peerSessionMinutes
        // Checked before anything is computed from it: Int.max * 60 traps.
        try PeerRules.checkMinutes(minutes)
        let mode = try PeerRules.mode(params.mode)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let pair = try self.visiblePeerPair(params.peer, to: caller, tx)
            guard caller.isAdmin || (caller.isMember(of: pair) && caller.isActive) else {
                throw Self.hidden("peer pair", pair.id, field: "peer")
            }
            guard pair.active else {
                throw DomainError(.invalidState, "peer pair \(pair.id) has ended", field: "peer")
            }
            try PeerRules.checkFirstCoach(params.firstCoach, of: pair)
            let calendar = try self.peerCalendar(pair, tx)
            guard let start = calendar.parseInstant(params.start) else {
                throw DomainError.invalid(
                    "\"\(TextRules.printable(params.start, limit: 40))\" is not a time", field: "start",
                    hint: "use RFC 3339 (2026-11-23T10:00:00Z) or local time (2026-11-23T10:00)")
            }
            let session = PeerSession(
                id: 0, peer: pair.id, start: start, minutes: minutes, mode: mode, firstCoach: params.firstCoach)
            let id = try tx.insert(session)
            try self.peerHistory(
                tx, &changes, caller, .sessionScheduled, subject: id, fields: ["coachd.peer_pair": "\(pair.id)"])
            var booked = session
            booked.id = id
            try self.recordSessionEvent(.sessionBooked, booked, pair, at: self.now(), tx)
            // A session may be booked in the past and logged: the timer looks again either way.
            changes.sessions = true
            return ScheduledSession(
                id: id, start: calendar.format(start), end: calendar.format(session.end),
                halves: try self.halves(session, pair, calendar, tx))
        }
    }

    func sessionsComplete(_ params: SessionsComplete.Params, _ peer: Peer) async throws -> SessionInfo {
        let notes = try params.notes.map {
            try TextRules.freeText($0, field: "notes", maxCharacters: PeerRules.maxNotesCharacters)
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (session, pair) = try self.visibleSession(params.session, to: caller, tx)
            // The notes are the two heads' alone: an admin may log a session as done, never with notes.
            if caller.isAdmin && !caller.isMember(of: pair) {
                guard notes == nil else {
                    throw DomainError.denied("write notes for session \(session.id): only the pair's two heads do")
                }
            } else if !caller.isMember(of: pair) || !caller.isActive {
                throw Self.hidden("session", session.id, field: "session")
            }
            guard !session.isCancelled else {
                throw DomainError(.invalidState, "session \(session.id) was cancelled", field: "session")
            }
            guard !session.isCompleted else {
                throw DomainError(.invalidState, "session \(session.id) is already logged as done", field: "session")
            }
            let instant = self.now()
            guard session.start <= instant else {
                throw DomainError(
                    .invalidState, "session \(session.id) has not started yet", field: "session",
                    hint: "log it once it has started")
            }
            try tx.completePeerSession(session.id, at: instant, notes: notes)
            try self.peerHistory(
                tx, &changes, caller, .sessionCompleted, subject: session.id,
                fields: ["coachd.peer_pair": "\(pair.id)"])
            try self.recordSessionEvent(.sessionDone, session, pair, at: instant, tx)
            changes.sessions = true
            var done = session
            done.completedAt = instant
            done.notes = notes
            return try self.sessionInfo(done, pair, confidential: caller.isMember(of: pair), tx)
        }
    }

    /// `sessions.cancel` (API level 13): either head of the pair, or an admin. The reason is kept
    /// for the two heads; the journal and the live event carry ids only.
    func sessionsCancel(_ params: SessionsCancel.Params, _ peer: Peer) async throws -> SessionInfo {
        let reason = try TextRules.line(params.reason, field: "reason", maxCharacters: PeerRules.maxReasonCharacters)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            let (session, pair) = try self.visibleSession(params.session, to: caller, tx)
            // A trust lead sees the session but does not run it: same refusal as for a stranger.
            guard caller.isAdmin || (caller.isMember(of: pair) && caller.isActive) else {
                throw Self.hidden("session", session.id, field: "session")
            }
            try PeerRules.checkCanCancel(session)
            let instant = self.now()
            try tx.cancelPeerSession(session.id, at: instant, reason: reason)
            try self.peerHistory(
                tx, &changes, caller, .sessionCancelled, subject: session.id,
                fields: ["coachd.peer_pair": "\(pair.id)"])
            try self.recordSessionEvent(.sessionCancelled, session, pair, at: instant, tx)
            changes.sessions = true
            var cancelled = session
            cancelled.cancelledAt = instant
            cancelled.cancelReason = reason
            return try self.sessionInfo(cancelled, pair, confidential: caller.isMember(of: pair), tx)
        }
    }

    func sessionsList(_ params: SessionsList.Params, _ peer: Peer) async throws -> SessionList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let pair = try self.visiblePeerPair(params.peer, to: caller, store)
            let confidential = caller.isMember(of: pair)
            return SessionList(
                sessions: try store.peerSessions(peer: pair.id).map {
                    try self.sessionInfo($0, pair, confidential: confidential, store)
                })
        }
    }

    /// Records a peer session's live event in the transaction (API level 13): ids and the heads,
    /// for the two heads, trust leads and admins; never its notes or a reason.
    func recordSessionEvent(
        _ kind: LiveEvent.Kind, _ session: PeerSession, _ pair: PeerPair, at instant: Date, _ tx: any StoreWriting
    ) throws {
        guard let head = try tx.person(pair.a) else { return }
        try tx.record(
            LiveEvent(
                at: instant, kind: kind, school: head.school, teacher: pair.a, coach: pair.b, peer: pair.id,
                session: session.id))
    }

    /// A session of a peer pair the caller may see, with its pair.
    func visibleSession(_ id: Int64, to caller: Caller, _ store: any StoreReading) throws -> (PeerSession, PeerPair) {
        guard let session = try store.peerSession(id), let pair = try store.peerPair(session.peer), caller.canSee(pair)
        else {
            throw Self.unseen("session", id, field: "session", by: caller)
        }
        return (session, pair)
    }

    func halves(_ session: PeerSession, _ pair: PeerPair, _ calendar: SchoolCalendar, _ store: any StoreReading)
        throws -> [SessionHalfInfo]
    {
        let names = try self.names([pair.a, pair.b], store)
        return session.halves(of: pair).map { half in
            SessionHalfInfo(
                start: calendar.format(half.start), end: calendar.format(half.end), coach: half.coach,
                coachName: names[half.coach] ?? "", learner: half.learner, learnerName: names[half.learner] ?? "")
        }
    }

    /// A session on the wire; its notes only when `confidential` (the caller is one of the heads).
    func sessionInfo(_ session: PeerSession, _ pair: PeerPair, confidential: Bool, _ store: any StoreReading) throws
        -> SessionInfo
    {
        let calendar = try peerCalendar(pair, store)
        let status = session.isCancelled ? "cancelled" : session.isCompleted ? "done" : "booked"
        return SessionInfo(
            id: session.id, peer: pair.id, start: calendar.format(session.start), end: calendar.format(session.end),
            minutes: session.minutes, mode: session.mode.rawValue, firstCoach: session.firstCoach,
            halves: try halves(session, pair, calendar, store), status: status,
            completedAt: session.completedAt.map(calendar.format), notes: confidential ? session.notes : nil,
            cancelledAt: session.cancelledAt.map(calendar.format),
            cancelReason: confidential ? session.cancelReason : nil)
    }

    /// The peer sessions due that `caller` may see (`due.list`): not done, and due by now, or with
    /// `from`/`to` due on those dates; with `school`, those of a pair with a head in that school.
    func sessionDueItems(
        _ caller: Caller, school: Int64?, from: LocalDate?, to: LocalDate?, _ store: any StoreReading, _ instant: Date
    ) throws -> [(SessionDue, DueItemInfo)] {
        guard caller.overseesPeerProgramme || caller.person?.roles.contains(.head) == true else { return [] }
        var out: [(SessionDue, DueItemInfo)] = []
        var pairs: [Int64: PeerPair] = [:]
        for pair in try store.peerPairs(person: caller.overseesPeerProgramme ? nil : caller.person?.id ?? -1) {
            pairs[pair.id] = pair
        }
        for due in try store.sessionDues() where !due.done {
            guard let pair = pairs[due.peer], caller.canSee(pair) else { continue }
            let ranged = from != nil || to != nil
            guard ranged || due.dueAt <= instant else { continue }
            guard from.map({ due.dueDate >= $0 }) ?? true, to.map({ due.dueDate <= $0 }) ?? true else { continue }
            guard let a = try store.person(pair.a), let b = try store.person(pair.b) else { continue }
            if let school, a.school != school, b.school != school { continue }
            let calendar = try self.calendar(a.school, store)
            out.append(
                (
                    due,
                    DueItemInfo(
                        kind: "session", pair: pair.id, school: a.school, teacher: a.id, teacherName: a.name,
                        coach: b.id, coachName: b.name, dropin: nil, dueDate: "\(due.dueDate)",
                        dueAt: calendar.format(due.dueAt), overdueAt: calendar.format(due.overdueAt),
                        overdue: due.isOverdue(at: instant), period: due.period)
                ))
        }
        return out
    }
}

/// The peer programme's sessions (issue 14).
/// Its methods, who may call each, and the handlers above, registered together.
enum PeerSessionsFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(SessionsSchedule.self, access: .heads) { params, peer in
            try await service.sessionsSchedule(params, peer)
        }
        table.on(SessionsComplete.self, access: .heads) { params, peer in
            try await service.sessionsComplete(params, peer)
        }
        table.on(SessionsList.self, access: .known) { params, peer in try await service.sessionsList(params, peer) }
        // API level 13: either head of the pair or an admin (checked inside).
        table.on(SessionsCancel.self, access: .heads) { params, peer in try await service.sessionsCancel(params, peer) }
    }
}
