/// Where an imported closure or term came from: the feed (to prune it), the event's `UID` and,
/// for an occurrence of a yearly rule, its first day (to update it rather than add it again).
public struct CalendarSource: Sendable, Hashable {
    /// `ics:<X-WR-CALNAME or PRODID>`, `govuk-bank-holidays:<division>`, or the name the caller gave.
    public var feed: String
    public var uid: String
    public var recurrence: LocalDate?

    public init(feed: String, uid: String, recurrence: LocalDate?) {
        self.feed = feed
        self.uid = uid
        self.recurrence = recurrence
    }
}

/// What an import becomes: closures or terms.
public enum CalendarImportKind: String, Sendable, Hashable {
    case closures, terms
}

/// A closure or term already in the school's calendar, as the plan sees it.
public struct ImportedItem: Sendable, Hashable {
    public var id: Int64
    public var title: String
    public var range: DateRange
    public var source: CalendarSource?

    public init(id: Int64, title: String, range: DateRange, source: CalendarSource?) {
        self.id = id
        self.title = title
        self.range = range
        self.source = source
    }
}

/// An entry the calendar already has (unchanged) or will have changed (updated), by id.
public struct ImportMatch: Sendable, Hashable {
    public var id: Int64
    public var entry: FeedEntry
}

/// What an import will do, decided before anything is stored.
public struct ImportPlan: Sendable, Hashable {
    public var added: [FeedEntry] = []
    public var updated: [ImportMatch] = []
    public var unchanged: [ImportMatch] = []
    public var skipped: [FeedSkip] = []
    /// With prune: what this feed imported before whose `UID` it no longer has.
    public var removed: [ImportedItem] = []

    /// Whether the calendar changes at all.
    public var changes: Bool { !added.isEmpty || !updated.isEmpty || !removed.isEmpty }
}

/// Decides, entry by entry, what an import does. Pure: the daemon stores what it returns.
public enum CalendarImport {
    /// The plan for `feed` against the school's closures (or terms) in `existing`.
    ///
    /// - An entry whose `UID` (and occurrence) is already there is unchanged, or updated when its
    ///   dates or title changed (whatever feed imported it).
    /// - A new closure on exactly the dates of another closure is skipped; a new or moved term that
    ///   overlaps another term is skipped (terms never overlap, as `calendar.addTerm` requires).
    /// - The same `UID` twice in the file: the second is skipped.
    /// - With `prune`, items this feed imported whose `UID` the feed no longer has are removed.
    public static func plan(feed: Feed, existing: [ImportedItem], kind: CalendarImportKind, prune: Bool) -> ImportPlan {
        var plan = ImportPlan(skipped: feed.skipped)
        if prune {
            plan.removed = existing.filter { item in
                guard let source = item.source else { return false }
                return source.feed == feed.name && !feed.uids.contains(source.uid)
            }
        }
        let removedIDs = Set(plan.removed.map(\.id))
        struct Key: Hashable {
            var uid: String
            var recurrence: LocalDate?
        }
        var byKey: [Key: ImportedItem] = [:]
        for item in existing where !removedIDs.contains(item.id) {
            if let source = item.source { byKey[Key(uid: source.uid, recurrence: source.recurrence)] = item }
        }
        // The calendar as it will stand: what stays, by id, and what this import places.
        var standing: [Int64: ImportedItem] = [:]
        for item in existing where !removedIDs.contains(item.id) { standing[item.id] = item }
        var placed: [(entry: FeedEntry, range: DateRange)] = []
        var seen: [Key: FeedEntry] = [:]
        let ordered = feed.entries.enumerated().sorted {
            ($0.element.range.from, $0.offset) < ($1.element.range.from, $1.offset)
        }
        for entry in ordered.map(\.element) {
            func skip(_ reason: String) {
                plan.skipped.append(FeedSkip(summary: entry.title, line: entry.line, reason: reason))
            }
            let key = Key(uid: entry.uid, recurrence: entry.recurrence)
            if let earlier = seen[key] {
                skip("the same UID as \(earlier.line.map { "line \($0)" } ?? "an earlier event")")
                continue
            }
            seen[key] = entry
            let match = byKey[key]
            if let match, match.range == entry.range, match.title == entry.title,
                match.source?.feed == feed.name
            {
                plan.unchanged.append(ImportMatch(id: match.id, entry: entry))
                placed.append((entry, entry.range))
                continue
            }
            // A clash with what else stands (not the item this entry replaces).
            let others = standing.values.filter { $0.id != match?.id }.sorted { $0.id < $1.id }
            switch kind {
            case .closures:
                if let same = others.first(where: { $0.range == entry.range }) {
                    skip("closure \(same.id) (\(same.title)) already closes \(same.range.from)–\(same.range.to)")
                    continue
                }
                if let same = placed.first(where: { $0.range == entry.range }) {
                    skip("the same dates as \(same.entry.title)\(same.entry.line.map { " (line \($0))" } ?? "")")
                    continue
                }
            case .terms:
                if let clash = others.first(where: { overlap($0.range, entry.range) }) {
                    skip("overlaps term \(clash.id) (\(clash.title), \(clash.range.from)–\(clash.range.to))")
                    continue
                }
                if let clash = placed.first(where: { overlap($0.range, entry.range) }) {
                    skip("overlaps \(clash.entry.title)\(clash.entry.line.map { " (line \($0))" } ?? "")")
                    continue
                }
            }
            placed.append((entry, entry.range))
            if let match {
                plan.updated.append(ImportMatch(id: match.id, entry: entry))
                standing[match.id] = nil
            } else {
                plan.added.append(entry)
            }
        }
        return plan
    }

    static func overlap(_ a: DateRange, _ b: DateRange) -> Bool { a.from <= b.to && b.from <= a.to }

    /// The span a yearly rule is expanded over: this year and the next (from `today`), widened to
    /// cover every term the school has.
    public static func window(today: LocalDate, terms: [DateRange]) -> DateRange {
        let year = today.components.year
        var from = LocalDate(year: year, month: 1, day: 1) ?? today
        var to = LocalDate(year: min(year + 1, 9999), month: 12, day: 31) ?? today
        for term in terms {
            from = min(from, term.from)
            to = max(to, term.to)
        }
        return DateRange(from: from, to: max(from, to))!
    }
}
