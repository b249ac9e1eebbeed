import CoachRPC
import CoachVersion
import Foundation

/// The handler table: one entry per wire method, each decoding its params, running, and encoding
/// its result. The table is the daemon's whole API surface, like tailscale's localapi handlers.
struct MethodTable: Sendable {
    typealias Handler = @Sendable ([String: JSONValue], Peer) async throws -> Data
    /// Answers without waiting when it can (on the I/O thread); nil sends the request to `Handler`.
    typealias ImmediateHandler = @Sendable ([String: JSONValue], Peer) -> Data?
    /// Decides who may call a method, before its params are read.
    typealias Gate = @Sendable (Access, String, Peer) async throws -> Void
    let gate: Gate
    private(set) var handlers: [String: Handler] = [:]
    /// Each method's access, as the gate checks it (the access table's test reads it).
    private(set) var access: [String: Access] = [:]

    init(gate: @escaping Gate) { self.gate = gate }
    private(set) var immediate: [String: ImmediateHandler] = [:]

    /// Registers a method: who may call it, then its body. Registering a name twice is a programming error.
    mutating func on<M: RPCMethod>(
        _ method: M.Type, access: Access, _ body: @escaping @Sendable (M.Params, Peer) async throws -> M.Result
    ) {
        precondition(handlers[M.name] == nil, "\(M.name) registered twice")
        self.access[M.name] = access
        handlers[M.name] = { [gate] raw, peer in
            try await gate(access, M.name, peer)
            let params = try RPCCodec.decodeParams(M.Params.self, from: raw)
            let result = try await body(params, peer)
            return try RPCCodec.encoder.encode(result)
        }
    }

    /// Registers a method that encodes its own result (to cache it), with an optional fast path.
    mutating func onEncoded<M: RPCMethod>(
        _ method: M.Type, access: Access, immediately: ImmediateHandler? = nil,
        _ body: @escaping @Sendable (M.Params, Peer) async throws -> Data
    ) {
        precondition(handlers[M.name] == nil, "\(M.name) registered twice")
        self.access[M.name] = access
        handlers[M.name] = { [gate] raw, peer in
            try await gate(access, M.name, peer)
            return try await body(try RPCCodec.decodeParams(M.Params.self, from: raw), peer)
        }
        immediate[M.name] = immediately
    }

    /// Registers a method whose result never changes: encoded once, answered on the I/O thread
    /// when called without params (with any, the ordinary path explains what is wrong).
    mutating func constant<M: RPCMethod>(_ method: M.Type, _ result: M.Result) throws {
        let encoded = try RPCCodec.encoder.encode(result)
        access[M.name] = .anyone
        handlers[M.name] = { raw, _ in
            _ = try RPCCodec.decodeParams(M.Params.self, from: raw)
            return encoded
        }
        immediate[M.name] = { raw, _ in raw.isEmpty ? encoded : nil }
    }

    func handler(for name: String) -> Handler? { handlers[name] }

    func immediateHandler(for name: String) -> ImmediateHandler? { immediate[name] }
}

extension CoachService {
    /// Every method of the API, bound to this service.
    func methodTable(connections: @escaping @Sendable () -> Int) throws -> MethodTable {
        var table = MethodTable(gate: { access, method, peer in try await self.authorize(access, method: method, peer) }
        )
        try table.constant(DaemonPing.self, "pong")
        try table.constant(
            DaemonInfo.self,
            DaemonInfoResult(
                version: version, apiLevel: CoachAPI.level, capabilities: Self.capabilities, commit: BuildStamp.commit))
        try table.constant(RPCDiscover.self, CoachAPI.openRPC(version: version))
        table.on(DaemonStatus.self, access: .admin) { _, peer in
            try await self.daemonStatus(peer, connections: connections())
        }
        table.on(PeopleMe.self, access: .anyone) { _, peer in try await self.peopleMe(peer) }
        table.on(SchoolsAdd.self, access: .admin) { params, peer in try await self.schoolsAdd(params, peer) }
        table.on(SchoolsList.self, access: .known) { _, peer in try await self.schoolsList(peer) }
        table.on(CalendarAddClosure.self, access: .managers) { params, peer in try await self.addClosure(params, peer) }
        table.on(CalendarAddTerm.self, access: .managers) { params, peer in try await self.addTerm(params, peer) }
        table.on(CalendarSchoolDays.self, access: .known) { params, peer in try await self.schoolDays(params, peer) }
        table.on(PeopleAdd.self, access: .managers) { params, peer in try await self.peopleAdd(params, peer) }
        table.on(PeopleList.self, access: .managers) { params, peer in try await self.peopleList(params, peer) }
        table.on(PairsCreate.self, access: .managers) { params, peer in try await self.pairsCreate(params, peer) }
        table.on(PairsShow.self, access: .known) { params, peer in try await self.pairsShow(params, peer) }
        table.on(PairsList.self, access: .known) { params, peer in try await self.pairsList(params, peer) }
        table.on(CyclesStart.self, access: .members) { params, peer in try await self.cyclesStart(params, peer) }
        table.on(DropInsSchedule.self, access: .members) { params, peer in try await self.dropInsSchedule(params, peer)
        }
        table.on(DropInsComplete.self, access: .coaches) { params, peer in try await self.dropInsComplete(params, peer)
        }
        table.on(FollowUpsComplete.self, access: .members) { params, peer in
            try await self.followUpsComplete(params, peer)
        }
        table.on(AdaptationsSet.self, access: .members) { params, peer in try await self.adaptationsSet(params, peer) }
        table.on(AdaptationsClose.self, access: .members) { params, peer in
            try await self.adaptationsClose(params, peer)
        }
        table.onEncoded(DueListMethod.self, access: .known, immediately: { raw, peer in self.dueListCached(raw, peer) })
        { params, peer in
            try await self.dueListEncoded(params, peer)
        }
        table.on(BackupCreate.self, access: .admin) { _, peer in try await self.backupCreate(peer) }
        table.on(BackupRead.self, access: .admin) { params, peer in try await self.backupRead(params, peer) }
        table.on(BackupFinish.self, access: .admin) { params, peer in try await self.backupFinish(params, peer) }
        table.on(CalendarList.self, access: .known) { params, peer in try await self.calendarList(params, peer) }
        table.on(CalendarRemoveClosure.self, access: .managers) { params, peer in
            try await self.removeClosure(params, peer)
        }
        table.on(CalendarRemoveTerm.self, access: .managers) { params, peer in try await self.removeTerm(params, peer) }
        table.on(PeopleUpdate.self, access: .managers) { params, peer in try await self.peopleUpdate(params, peer) }
        table.on(PeopleDeactivate.self, access: .managers) { params, peer in
            try await self.peopleDeactivate(params, peer)
        }
        table.on(PairsEnd.self, access: .managers) { params, peer in try await self.pairsEnd(params, peer) }
        table.on(DropInsList.self, access: .known) { params, peer in try await self.dropInsList(params, peer) }
        table.on(DropInsCancel.self, access: .known) { params, peer in try await self.dropInsCancel(params, peer) }
        table.on(DropInsReschedule.self, access: .members) { params, peer in
            try await self.dropInsReschedule(params, peer)
        }
        table.on(DropInsLog.self, access: .coaches) { params, peer in try await self.dropInsLog(params, peer) }
        // Issue 12: who may ask is checked inside each (a school, a coach, a pair).
        table.on(SchoolsStatus.self, access: .known) { params, peer in try await self.schoolsStatus(params, peer) }
        table.on(AgendaListMethod.self, access: .known) { params, peer in try await self.agendaList(params, peer) }
        table.on(CoverageListMethod.self, access: .known) { params, peer in try await self.coverageList(params, peer) }
        table.on(ReportsSummary.self, access: .known) { params, peer in try await self.reportsSummary(params, peer) }
        // Issue 13: the school is checked inside people.import, as in people.add.
        table.on(PeopleImport.self, access: .managers) { params, peer in try await self.peopleImport(params, peer) }
        table.on(PeopleExport.self, access: .admin) { params, peer in try await self.peopleExport(params, peer) }
        table.on(PeopleErase.self, access: .admin) { params, peer in try await self.peopleErase(params, peer) }
        // Issue 13: calendars in (a school's lead or an admin) and out (oneself, or checked inside).
        table.on(CalendarImportMethod.self, access: .managers) { params, peer in
            try await self.calendarImport(params, peer)
        }
        table.on(CalendarExportMethod.self, access: .known) { params, peer in
            try await self.calendarExport(params, peer)
        }
        table.on(EventsSubscribe.self, access: .known) { params, peer in
            try await self.eventsSubscribe(params, peer, outlet: Connection.outlet)
        }
        // Issue 14, the heads' peer programme: the trust's shape (admins), pairs (trust leads).
        table.on(RegionsAdd.self, access: .admin) { params, peer in try await self.regionsAdd(params, peer) }
        table.on(RegionsList.self, access: .known) { _, peer in try await self.regionsList(peer) }
        table.on(SchoolsSetRegion.self, access: .admin) { params, peer in try await self.schoolsSetRegion(params, peer)
        }
        table.on(PeopleAccredit.self, access: .admin) { params, peer in try await self.peopleAccredit(params, peer) }
        table.on(PeriodsAdd.self, access: .admin) { params, peer in try await self.periodsAdd(params, peer) }
        table.on(PeriodsList.self, access: .known) { _, peer in try await self.periodsList(peer) }
        table.on(PeersCreate.self, access: .trustLeads) { params, peer in try await self.peersCreate(params, peer) }
        table.on(PeersList.self, access: .known) { params, peer in try await self.peersList(params, peer) }
        table.on(PeersSuggest.self, access: .trustLeads) { params, peer in try await self.peersSuggest(params, peer) }
        table.on(SessionsSchedule.self, access: .heads) { params, peer in try await self.sessionsSchedule(params, peer)
        }
        table.on(SessionsComplete.self, access: .heads) { params, peer in try await self.sessionsComplete(params, peer)
        }
        table.on(SessionsList.self, access: .known) { params, peer in try await self.sessionsList(params, peer) }
        // API level 13: either head of the pair or an admin (checked inside).
        table.on(SessionsCancel.self, access: .heads) { params, peer in try await self.sessionsCancel(params, peer) }
        // Issue 14: the question bank, read by anyone known, edited by admins.
        table.on(QuestionsList.self, access: .known) { params, peer in try await self.questionsList(params, peer) }
        table.on(QuestionsAdd.self, access: .admin) { params, peer in try await self.questionsAdd(params, peer) }
        table.on(QuestionsRemove.self, access: .admin) { params, peer in try await self.questionsRemove(params, peer) }
        // Issue 14: agreements are the two heads' alone (checked inside); groups are made by admins and
        // trust leads and met by their members; themes are added and consented to by heads, listed by
        // heads (their own) and trust leads (the shared ones).
        table.on(AgreementsSet.self, access: .heads) { params, peer in try await self.agreementsSet(params, peer) }
        table.on(AgreementsAccept.self, access: .heads) { params, peer in try await self.agreementsAccept(params, peer)
        }
        table.on(AgreementsList.self, access: .heads) { params, peer in try await self.agreementsList(params, peer) }
        table.on(GroupsCreate.self, access: .trustLeads) { params, peer in try await self.groupsCreate(params, peer) }
        table.on(GroupsScheduleMeeting.self, access: .known) { params, peer in
            try await self.groupsScheduleMeeting(params, peer)
        }
        table.on(GroupsCompleteMeeting.self, access: .known) { params, peer in
            try await self.groupsCompleteMeeting(params, peer)
        }
        table.on(ThemesAdd.self, access: .heads) { params, peer in try await self.themesAdd(params, peer) }
        table.on(ThemesConsent.self, access: .heads) { params, peer in try await self.themesConsent(params, peer) }
        table.on(ThemesList.self, access: .known) { params, peer in try await self.themesList(params, peer) }
        // Issue 14: the programme report, for trust leads and admins (counts and shared themes only).
        table.on(ReportsProgramme.self, access: .trustLeads) { params, peer in
            try await self.reportsProgramme(params, peer)
        }
        let missing = CoachAPI.methods.map { $0.name }.filter { table.handler(for: $0) == nil }
        precondition(missing.isEmpty, "methods without a handler: \(missing)")
        return table
    }

    /// Optional features, as `daemon.info` lists them.
    static let capabilities = [
        "backup", "calendar.terms", "openrpc", "leads-view", "peer-credentials", "people-data", "school-year",
        "calendar-io",
        "events", "peer-programme", "questions", "peer-groups",
    ]
}
