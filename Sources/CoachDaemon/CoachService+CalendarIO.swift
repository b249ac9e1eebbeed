import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// Issue 13, calendars in and out. The reading, expansion and planning are `ICalendarReader`,
/// `CalendarFeed` and `CalendarImport` in the domain, the writing `ICalendarWriter`; here: who may
/// call, then one transaction that stores the plan (or, for a dry run, is rolled back).
extension CoachService {
    /// The result of a dry run, thrown to roll its transaction back.
    private struct DryRunRollback: Error {
        let result: CalendarImported
    }

    func calendarImport(_ params: CalendarImportMethod.Params, _ peer: Peer) async throws -> CalendarImported {
        guard CalendarImportFormat.all.contains(params.format) else {
            throw DomainError.invalid(
                "\"\(TextRules.printable(params.format, limit: 32))\" is not an import format", field: "format",
                hint: CalendarImportFormat.all.joined(separator: ", "))
        }
        let kind =
            try params.as.map { text in
                guard let kind = CalendarImportKind(rawValue: text) else {
                    throw DomainError.invalid(
                        "\"\(TextRules.printable(text, limit: 32))\" is not closures or terms", field: "as")
                }
                return kind
            } ?? .closures
        let feedName = try params.feed.map { try TextRules.line($0, field: "feed", maxCharacters: 200) }
        let isICS = params.format == "ics"
        var division: String?
        if isICS {
            guard params.division == nil else {
                throw DomainError.invalid("division is for format govuk-bank-holidays", field: "division")
            }
        } else {
            guard let given = params.division, BankHolidayDivision.all.contains(given) else {
                throw DomainError.invalid(
                    "give the division whose bank holidays to import", field: "division",
                    hint: BankHolidayDivision.all.joined(separator: ", "))
            }
            division = given
        }
        // Parsed before the transaction: pure and bounded, and a bad file costs the writer nothing.
        let document = isICS ? try ICalendarReader.read(params.data) : nil
        let bankHolidays = try division.map { try CalendarFeed.bankHolidays(params.data, division: $0) }
        let dryRun = params.dryRun ?? false
        let prune = params.prune ?? false
        let body: @Sendable (any StoreWriting, inout DueChanges) throws -> CalendarImported = { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            try self.managedSchool(params.school, by: caller, tx)
            let calendar = try self.calendar(params.school, tx)
            var feed: Feed
            if let document {
                let window = CalendarImport.window(today: calendar.localDate(of: self.now()), terms: calendar.terms)
                feed = try CalendarFeed.entries(document, zone: calendar.timeZone, window: window)
            } else {
                feed = bankHolidays!
            }
            if let feedName { feed.name = feedName }
            let existing: [ImportedItem] =
                switch kind {
                case .closures:
                    try tx.closures(school: params.school).map {
                        ImportedItem(id: $0.id, title: $0.reason, range: $0.range, source: $0.source)
                    }
                case .terms:
                    try tx.terms(school: params.school).map {
                        ImportedItem(id: $0.id, title: $0.name, range: $0.range, source: $0.source)
                    }
                }
            let plan = CalendarImport.plan(feed: feed, existing: existing, kind: kind, prune: prune)
            func event(_ entry: FeedEntry, id: Int64?) -> ImportedEvent {
                ImportedEvent(
                    summary: entry.title, line: entry.line, from: "\(entry.range.from)", to: "\(entry.range.to)", id: id
                )
            }
            func source(_ entry: FeedEntry) -> CalendarSource {
                CalendarSource(feed: feed.name, uid: entry.uid, recurrence: entry.recurrence)
            }
            let school = params.school
            let (addedKind, removedKind): (JournalEvent, JournalEvent) =
                kind == .closures ? (.closureAdded, .closureRemoved) : (.termAdded, .termRemoved)
            for item in plan.removed {
                if kind == .closures { try tx.deleteClosure(item.id) } else { try tx.deleteTerm(item.id) }
                try self.history(tx, &changes, caller, removedKind, school: school, pair: nil, subject: item.id)
            }
            var added: [ImportedEvent] = []
            for entry in plan.added {
                let id: Int64 =
                    kind == .closures
                    ? try tx.insert(
                        Closure(id: 0, school: school, range: entry.range, reason: entry.title, source: source(entry)))
                    : try tx.insert(
                        Term(id: 0, school: school, name: entry.title, range: entry.range, source: source(entry)))
                try self.history(tx, &changes, caller, addedKind, school: school, pair: nil, subject: id)
                added.append(event(entry, id: dryRun ? nil : id))
            }
            for match in plan.updated {
                if kind == .closures {
                    try tx.update(
                        Closure(
                            id: match.id, school: school, range: match.entry.range, reason: match.entry.title,
                            source: source(match.entry)))
                } else {
                    try tx.update(
                        Term(
                            id: match.id, school: school, name: match.entry.title, range: match.entry.range,
                            source: source(match.entry)))
                }
                // An update is journaled as the item added again, under its own id (Decisions, issue 13).
                try self.history(tx, &changes, caller, addedKind, school: school, pair: nil, subject: match.id)
            }
            let affected =
                plan.changes
                ? try self.calendarChanged(school, reason: "calendar imported", caller, tx, &changes)
                : CalendarAffected(cancelled: [], moved: [])
            return CalendarImported(
                dryRun: dryRun, kind: kind.rawValue, feed: feed.name, added: added,
                updated: plan.updated.map { event($0.entry, id: $0.id) },
                unchanged: plan.unchanged.map { event($0.entry, id: $0.id) },
                skipped: plan.skipped.map { ImportedEvent(summary: $0.summary, line: $0.line, reason: $0.reason) },
                removed: plan.removed.map {
                    ImportedEvent(
                        summary: $0.title, line: nil, from: "\($0.range.from)", to: "\($0.range.to)", id: $0.id)
                },
                affected: affected)
        }
        guard dryRun else { return try await change(body) }
        // A dry run does everything in a transaction that is then rolled back: what it reports,
        // `affected` included, is exactly what the import would do.
        do {
            _ = try await store.write { tx -> CalendarImported in
                var changes = DueChanges()
                throw DryRunRollback(result: try body(tx, &changes))
            }
        } catch let rollback as DryRunRollback {
            return rollback.result
        }
        throw DomainError(.invalidState, "the dry run did not roll back", field: "dryRun")
    }

    func calendarExport(_ params: CalendarExportMethod.Params, _ peer: Peer) async throws -> CalendarExported {
        let from = try params.from.map { try date($0, field: "from") }
        let to = try params.to.map { try date($0, field: "to") }
        if let from, let to, to < from {
            throw DomainError.invalid("\"to\" (\(to)) is before \"from\" (\(from))", field: "to")
        }
        let instant = now()
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let person: Person
            if let id = params.person, id != caller.person?.id {
                // Someone else's: an admin, or the lead of their school (Decisions, issue 13).
                person = try self.managedPerson(id, by: caller, store, field: "person")
            } else if let me = caller.person {
                person = me
            } else {
                throw DomainError.invalid(
                    "an admin with no person in coachd has no calendar of their own; give person", field: "person")
            }
            let calendar = try self.calendar(person.school, store)
            let first = from ?? calendar.localDate(of: instant).adding(days: -365)
            func inRange(_ day: LocalDate) -> Bool { day >= first && (to.map { day <= $0 } ?? true) }
            let pairs = try store.pairs(school: nil, person: person.id)
            let names = try store.names(of: Set(pairs.flatMap { [$0.teacher, $0.coach] }))
            let domain = "\(try store.installationID() ?? "local").coachd"
            var events: [(Date, ExportEvent)] = []
            for pair in pairs {
                func title(coach: Int64) -> String {
                    "\(names[pair.teacher] ?? "person \(pair.teacher)") ↔ \(names[coach] ?? "person \(coach)")"
                }
                for dropIn in try store.dropIns(pair: pair.id) where inRange(calendar.localDate(of: dropIn.start)) {
                    // Raised by every move and by the end of the booking (done or cancelled).
                    let sequence = try store.dropInMoves(dropIn: dropIn.id).count + (dropIn.status == .booked ? 0 : 1)
                    events.append(
                        (
                            dropIn.start,
                            ExportEvent(
                                uid: "dropin-\(dropIn.id)@\(domain)", sequence: sequence,
                                summary: "Drop-in: \(title(coach: dropIn.coach))",
                                when: .timed(start: dropIn.start, minutes: dropIn.minutes),
                                cancelled: dropIn.isCancelled)
                        ))
                }
                guard pair.active, let item = try store.dueItem(pair: pair.id), item.kind == .followUp,
                    let dropInID = item.dropIn, inRange(item.dueDate)
                else { continue }
                // Raised each time a calendar change moved this follow-up's date.
                let since = try store.dropIn(dropInID)?.completedAt ?? .distantPast
                let moves = try store.history(pair: pair.id).filter {
                    $0.kind == JournalEvent.dueMoved.rawValue && $0.at >= since
                }.count
                events.append(
                    (
                        item.dueAt,
                        ExportEvent(
                            uid: "followup-\(dropInID)@\(domain)", sequence: moves,
                            summary: "Follow-up due: \(title(coach: pair.coach))", when: .day(item.dueDate),
                            cancelled: false)
                    ))
            }
            let ordered = events.sorted { ($0.0, $0.1.uid) < ($1.0, $1.1.uid) }.map(\.1)
            let ics = ICalendarWriter.calendar(
                name: "Coaching: \(person.name)", events: ordered, zone: calendar.timeZone, now: instant)
            return CalendarExported(ics: ics, events: ordered.count)
        }
    }
}

/// Calendars in (a school's lead or an admin) and out (oneself, or checked inside) (issue 13).
/// Its methods, who may call each, and the handlers above, registered together.
enum CalendarIOFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(CalendarImportMethod.self, access: .managers) { params, peer in
            try await service.calendarImport(params, peer)
        }
        table.on(CalendarExportMethod.self, access: .known) { params, peer in
            try await service.calendarExport(params, peer)
        }
    }
}
