import CSV
import CoachDomain
import CoachRPC
import CoachStore
import CoachSupport
import Foundation
import Logging

/// Issue 13: a staff list in (`people.import`), and everything held about a person out
/// (`people.export`) or erased (`people.erase`).
extension CoachService {
    /// What replaces an erased focus, adaptation or reason (the rows stay, so counts stay right).
    static let erasedText = "[erased]"

    /// The neutral name an erased person gets.
    static func erasedName(_ id: Int64) -> String { "Erased person \(id)" }

    // MARK: people.import

    func peopleImport(_ params: PeopleImport.Params, _ peer: Peer) async throws -> PeopleImportResult {
        let dryRun = params.dryRun == true
        // The school is the caller's before anything about the file is said.
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            try self.managedSchool(params.school, by: caller, store)
        }
        let table = try Self.parseStaffCSV(params.csv)
        let (columns, headerErrors) = StaffImport.columns(table.header)
        let ignored = table.header.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !StaffImport.knownColumns.contains($0.lowercased()) && !$0.isEmpty }
        @Sendable func failed(_ errors: [StaffImport.RowError]) -> PeopleImportResult {
            PeopleImportResult(
                added: 0, pairsCreated: 0, unchanged: 0,
                errors: errors.map { ImportRowError(row: $0.row, column: $0.column, message: $0.message) }, rows: [],
                dryRun: dryRun, ignoredColumns: ignored)
        }
        guard headerErrors.isEmpty else { return failed(headerErrors) }
        let (rows, rowErrors, failedLogins) = StaffImport.rows(table.records, columns: columns)
        // Logins are resolved outside the transaction (an account lookup may be slow).
        var resolved: [String: Int64] = [:]
        for login in Set(rows.compactMap(\.login) + rows.compactMap(\.coach)) {
            if let uid = UnixAccounts.uid(ofLogin: login) { resolved[login] = Int64(uid) }
        }
        let uids = resolved
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            try self.managedSchool(params.school, by: caller, tx)
            let people = try tx.people(school: params.school)
            var elsewhere = Set<Int64>()
            for uid in Set(rows.compactMap(\.uid) + uids.values) {
                if let person = try tx.person(uid: uid), person.school != params.school { elsewhere.insert(uid) }
            }
            let activePairs = Set(
                try tx.pairs(school: params.school, person: nil).filter(\.active).map { [$0.teacher, $0.coach] })
            let (steps, planErrors) = StaffImport.plan(
                rows, school: params.school, people: people, elsewhere: elsewhere, uids: uids, activePairs: activePairs,
                failedLogins: failedLogins)
            let errors = (rowErrors + planErrors).sorted { ($0.row, $0.column) < ($1.row, $1.column) }
            guard errors.isEmpty else { return failed(errors) }
            var ids: [Int64?] = steps.map { step in
                if case .existing(let person) = step.who { person.id } else { nil }
            }
            if !dryRun {
                for (index, step) in steps.enumerated() {
                    guard case .new(let uid) = step.who else { continue }
                    let person = Person(
                        id: 0, name: step.row.name, school: params.school, roles: step.row.roles, uid: uid,
                        login: step.row.login)
                    let id = try tx.insert(person)
                    ids[index] = id
                    try self.history(tx, &changes, caller, .personAdded, school: params.school, pair: nil, subject: id)
                }
            }
            var out: [ImportRowInfo] = []
            var pairsCreated = 0
            for (index, step) in steps.enumerated() {
                var info = ImportRowInfo(
                    row: step.row.row, name: step.row.name, outcome: step.isNew ? "added" : "unchanged",
                    person: ids[index], coach: step.row.coach)
                if step.row.coach != nil {
                    info.pair = step.createsPair ? "created" : "unchanged"
                }
                if step.createsPair {
                    pairsCreated += 1
                    if !dryRun, let teacher = ids[index],
                        let coach = step.coachStep.flatMap({ ids[$0] }) ?? step.coachPerson
                    {
                        let pair = Pair(
                            id: 0, school: params.school, teacher: teacher, coach: coach, active: true,
                            createdAt: self.now())
                        let id = try tx.insert(pair)
                        try self.history(
                            tx, &changes, caller, .pairCreated, school: params.school, pair: id, subject: id)
                        try changes.recompute(try self.pair(id, tx), in: tx, policy: self.policy)
                    }
                }
                out.append(info)
            }
            let added = steps.filter(\.isNew).count
            return PeopleImportResult(
                added: added, pairsCreated: pairsCreated, unchanged: steps.count - added, errors: nil, rows: out,
                dryRun: dryRun, ignoredColumns: ignored)
        }
    }

    /// The CSV's header and records, read with CSV.swift (RFC 4180: quoted fields with commas,
    /// quotes and line breaks; CRLF or LF). A leading byte-order mark is dropped.
    static func parseStaffCSV(_ text: String) throws -> (header: [String], records: [[String]]) {
        guard text.utf8.count <= StaffImport.maxBytes else {
            throw DomainError.invalid(
                "the CSV is \(text.utf8.count) bytes; at most \(StaffImport.maxBytes) are accepted", field: "csv",
                hint: "import the staff list in parts")
        }
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: String(body), hasHeaderRow: true)
        } catch {
            throw DomainError.invalid(
                "the CSV is empty", field: "csv", hint: "the first row names the columns: name,login,roles,coach")
        }
        let header = reader.headerRow ?? []
        guard header.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw DomainError.invalid(
                "the CSV's first row is empty", field: "csv",
                hint: "the first row names the columns: name,login,roles,coach")
        }
        var records: [[String]] = []
        while let record = reader.next() {
            guard records.count < StaffImport.maxRows else {
                throw DomainError.invalid(
                    "the CSV has more than \(StaffImport.maxRows) rows", field: "csv",
                    hint: "import the staff list in parts")
            }
            records.append(record)
        }
        return (header, records)
    }

    // MARK: people.export

    func peopleExport(_ params: PeopleExport.Params, _ peer: Peer) async throws -> PersonExport {
        let instant = now()
        let export = try await store.read { store in
            _ = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            guard let person = try store.person(params.person) else {
                throw DomainError.notFound("person", params.person, field: "person")
            }
            let calendar = try self.calendar(person.school, store)
            var pairs: [PairDetail] = []
            for pair in try store.pairs(school: nil, person: person.id).sorted(by: { $0.id < $1.id }) {
                // Their pairs in full, texts included (they belong to both of the pair); history
                // names only the two of them, not the leads or admins who acted on it.
                pairs.append(
                    try self.pairDetail(pair, confidential: true, store, instant, named: { pair.includes($0) }))
            }
            let history = try store.personHistory(person: person.id).map { event in
                var entry = HistoryEntry(event, calendar: calendar)
                if event.actor == person.id { entry.actorName = person.name }
                return entry
            }
            // The heads' peer programme: their pairs' texts belong to them as to the other head.
            let peerPairs = try store.peerPairs(person: person.id)
            let sessions = try peerPairs.flatMap { pair in
                try store.peerSessions(peer: pair.id).map { try self.sessionInfo($0, pair, confidential: true, store) }
            }
            let agreements = try peerPairs.flatMap { try store.agreements(peer: $0.id).map(Self.agreementInfo) }
            let periods = try store.periods()
            let themes = try store.allThemes().filter { try self.isOwn($0, person: person.id, store) }.map {
                try self.themeInfo($0, own: true, periods: periods, store)
            }
            return PersonExport(
                exportedAt: InstantFormat.rfc3339(instant, offsetSeconds: 0, zulu: true), person: PersonInfo(person),
                deactivateReason: person.deactivateReason, pairs: pairs, history: history,
                peerPairs: try peerPairs.map { try self.peerPairInfo($0, store) }, peerSessions: sessions,
                agreements: agreements, themes: themes)
        }
        // Journaled with ids only: the document went to the caller and nowhere else.
        logger.notice(
            "\(JournalEvent.personExported.rawValue) by uid \(peer.uid): person \(params.person)",
            metadata: [
                "coachd.event": "\(JournalEvent.personExported.rawValue)", "coachd.peer_uid": "\(peer.uid)",
                "coachd.subject": "\(params.person)", "coachd.school": "\(export.person.school)",
            ])
        return export
    }

    // MARK: people.erase

    func peopleErase(_ params: PeopleErase.Params, _ peer: Peer) async throws -> PersonErased {
        let confirm = params.confirm.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !confirm.isEmpty, confirm.utf8.count <= StaffImport.maxNameCharacters * TextRules.bytesPerCharacter else {
            throw DomainError.invalid(
                "confirm must be the person's name exactly as stored", field: "confirm",
                hint: "coachctl person list --all shows it")
        }
        var erased = try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard let person = try tx.person(params.person) else {
                throw DomainError.notFound("person", params.person, field: "person")
            }
            guard confirm == person.name else {
                throw DomainError.invalid(
                    "confirm does not match the name of person \(person.id); nothing was erased", field: "confirm",
                    hint: "give the name exactly as coachctl person list --all shows it")
            }
            var texts = ErasedTexts()
            var ended = 0
            // Texts first, then the pairs end: the reasons written on ending ("[erased]") hold nothing personal.
            for pair in try tx.pairs(school: nil, person: person.id) {
                texts = texts + (try tx.eraseTexts(pair: pair.id, placeholder: Self.erasedText))
                if pair.active {
                    try self.end(pair, reason: Self.erasedText, caller, tx, &changes)
                    ended += 1
                }
            }
            // Issue 14: the texts of their peer programme too (session notes, agreements, themes);
            // their peer pairs end.
            let peerTexts = try tx.erasePeerTexts(person: person.id, placeholder: Self.erasedText)
            let name = Self.erasedName(person.id)
            if try tx.erasePerson(person.id, name: name, reason: Self.erasedText, at: self.now()) { texts.reasons += 1 }
            try self.history(tx, &changes, caller, .personErased, school: person.school, pair: nil, subject: person.id)
            return PersonErased(
                person: person.id, name: name, pairsEnded: ended, focuses: texts.focuses,
                dropInNotes: texts.dropInNotes,
                followUpNotes: texts.followUpNotes, adaptations: texts.adaptations, reasons: texts.reasons,
                checkpointed: false, peerTexts: peerTexts)
        }
        // Committed. Snapshots taken before now hold the text: they go; then the file is rebuilt
        // and the write-ahead log emptied, so no copy survives in the state directory.
        let discarded = await backups.discardAll()
        do {
            erased.checkpointed = try await store.purgeFreedSpace()
        } catch {
            logger.error(
                "the database could not be compacted after an erasure: \(error)",
                metadata: ["coachd.event": "\(JournalEvent.storeError.rawValue)", "coachd.subject": "\(params.person)"])
        }
        if !erased.checkpointed || discarded > 0 {
            logger.notice(
                "after erasing person \(params.person): checkpointed \(erased.checkpointed), snapshots discarded \(discarded)"
            )
        }
        return erased
    }
}

extension StaffImport.Step {
    /// Whether the row adds someone new.
    var isNew: Bool {
        if case .new = who { return true }
        return false
    }

    /// The coach's id when they were already in coachd.
    var coachPerson: Int64? {
        if case .existing(let person)? = coach { return person.id }
        return nil
    }
}

/// People's data (issue 13): the school is checked inside people.import, as in people.add.
/// Its methods, who may call each, and the handlers above, registered together.
enum PeopleDataFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(PeopleImport.self, access: .managers) { params, peer in try await service.peopleImport(params, peer) }
        table.on(PeopleExport.self, access: .admin) { params, peer in try await service.peopleExport(params, peer) }
        table.on(PeopleErase.self, access: .admin) { params, peer in try await service.peopleErase(params, peer) }
    }
}
