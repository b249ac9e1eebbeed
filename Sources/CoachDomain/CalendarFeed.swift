public import Foundation

/// One closure or term a feed asks for: the dates, the title, and the identity that lets a second
/// import update it instead of adding it again.
public struct FeedEntry: Sendable, Hashable {
    /// The event's `UID` (GOV.UK: the date).
    public var uid: String
    /// The occurrence of a yearly `RRULE` (its first day); nil for a single event.
    public var recurrence: LocalDate?
    public var title: String
    public var range: DateRange
    /// The line of the event in the file (nil for GOV.UK's JSON).
    public var line: Int?

    public init(uid: String, recurrence: LocalDate?, title: String, range: DateRange, line: Int?) {
        self.uid = uid
        self.recurrence = recurrence
        self.title = title
        self.range = range
        self.line = line
    }
}

/// An event the feed has that is not imported, and why.
public struct FeedSkip: Sendable, Hashable {
    public var summary: String
    public var line: Int?
    public var reason: String

    public init(summary: String, line: Int?, reason: String) {
        self.summary = summary
        self.line = line
        self.reason = reason
    }
}

/// What a feed yields: its name (to tell feeds apart for pruning), the entries, what was skipped,
/// and every `UID` the feed holds (skipped ones too: an event still in the feed is never pruned).
public struct Feed: Sendable, Hashable {
    public var name: String
    public var entries: [FeedEntry]
    public var skipped: [FeedSkip]
    public var uids: Set<String>

    public init(name: String, entries: [FeedEntry], skipped: [FeedSkip], uids: Set<String>) {
        self.name = name
        self.entries = entries
        self.skipped = skipped
        self.uids = uids
    }
}

/// Turns iCalendar events and GOV.UK bank holidays into whole-day entries.
public enum CalendarFeed {
    /// Longest closure or term one event may make, in days (as `calendar.addClosure` allows).
    public static let maxDays = 366
    /// Longest title kept, in characters.
    public static let maxTitle = 200

    /// The entries of an iCalendar document. `zone` is the school's (a UTC time is read in it);
    /// `window` bounds the expansion of a yearly `RRULE` (single events are taken whatever their date).
    public static func entries(
        _ document: ICalendarDocument, zone: TimeZone, window: DateRange, limits: ICalendarLimits = ICalendarLimits()
    ) throws(DomainError) -> Feed {
        var feed = Feed(name: "ics:" + (document.name ?? "unnamed"), entries: [], skipped: [], uids: [])
        for event in document.events {
            let summary = title(event.first("SUMMARY").map { ICalendarReader.unescape($0.value) })
            func skip(_ reason: String) {
                feed.skipped.append(FeedSkip(summary: summary, line: event.line, reason: reason))
            }
            let uid = event.first("UID").map { ICalendarReader.unescape($0.value) }.flatMap { $0.isEmpty ? nil : $0 }
            // Without a UID the date and title stand in, so a second import still finds it.
            let key = uid ?? "no-uid:\(event.first("DTSTART")?.value ?? "")/\(summary)"
            feed.uids.insert(key)
            if let status = event.first("STATUS"), status.value.uppercased() == "CANCELLED" {
                skip("the event is cancelled (STATUS:CANCELLED)")
                continue
            }
            guard let startProperty = event.first("DTSTART") else {
                skip("no DTSTART")
                continue
            }
            let start: Moment
            switch try moment(startProperty, document: document, zone: zone) {
            case .success(let value): start = value
            case .failure(let reason):
                skip(reason)
                continue
            }
            var end: Moment?
            if let endProperty = event.first("DTEND") {
                switch try moment(endProperty, document: document, zone: zone) {
                case .success(let value): end = value
                case .failure(let reason):
                    skip(reason)
                    continue
                }
            } else if let duration = event.first("DURATION") {
                guard let seconds = durationSeconds(duration.value) else {
                    skip("DURATION \(TextRules.printable(duration.value, limit: 20)) is not understood")
                    continue
                }
                end = start.adding(seconds: seconds)
            }
            let days: DateRange
            switch wholeDays(start: start, end: end) {
            case .success(let range): days = range
            case .failure(let reason):
                skip(reason)
                continue
            }
            guard days.to.dayNumber - days.from.dayNumber < maxDays else {
                skip("it spans more than \(maxDays) days")
                continue
            }
            guard feed.entries.count < limits.maxEntries else {
                throw .invalid("the file makes more than \(limits.maxEntries) closures or terms", field: "data")
            }
            guard let rule = event.first("RRULE") else {
                feed.entries.append(FeedEntry(uid: key, recurrence: nil, title: summary, range: days, line: event.line))
                continue
            }
            let excluded = Set(
                event.all("EXDATE").flatMap { $0.value.split(separator: ",") }.compactMap { date(String($0)) })
            switch yearly(rule.value, first: days, window: window, excluded: excluded, limit: limits.maxOccurrences) {
            case .success(let occurrences):
                if occurrences.isEmpty {
                    skip("no occurrence of its RRULE falls in \(window.from)–\(window.to)")
                }
                for range in occurrences {
                    feed.entries.append(
                        FeedEntry(uid: key, recurrence: range.from, title: summary, range: range, line: event.line))
                }
            case .failure(let reason): skip(reason)
            }
            guard feed.entries.count <= limits.maxEntries else {
                throw .invalid("the file makes more than \(limits.maxEntries) closures or terms", field: "data")
            }
        }
        return feed
    }

    /// GOV.UK's `bank-holidays.json`: each event of `division` is a one-day entry titled by its title.
    public static func bankHolidays(_ data: String, division: String, limits: ICalendarLimits = ICalendarLimits())
        throws(DomainError) -> Feed
    {
        guard data.utf8.count <= limits.maxBytes else {
            throw .invalid("the file is \(data.utf8.count) bytes; at most \(limits.maxBytes) are read", field: "data")
        }
        struct Event: Decodable {
            var title: String
            var date: String
        }
        struct Division: Decodable {
            var events: [Event]
        }
        let divisions: [String: Division]
        do {
            divisions = try JSONDecoder().decode([String: Division].self, from: Data(data.utf8))
        } catch {
            throw .invalid(
                "this is not GOV.UK's bank-holidays.json: \(describe(error))", field: "data",
                hint: "download https://www.gov.uk/bank-holidays.json; nothing was imported")
        }
        guard let chosen = divisions[division] else {
            throw .invalid(
                "the file has no division \"\(TextRules.printable(division, limit: 40))\"", field: "division",
                hint: "one of: \(divisions.keys.sorted().joined(separator: ", "))")
        }
        guard chosen.events.count <= limits.maxEvents else {
            throw .invalid("more than \(limits.maxEvents) events in \(division)", field: "data")
        }
        var feed = Feed(name: "govuk-bank-holidays:\(division)", entries: [], skipped: [], uids: [])
        for (index, event) in chosen.events.enumerated() {
            guard let day = LocalDate(event.date) else {
                throw .invalid(
                    "event \(index + 1) of \(division) has the date \"\(TextRules.printable(event.date, limit: 20))\", not YYYY-MM-DD",
                    field: "data", hint: "nothing was imported")
            }
            let key = "\(day)"
            let summary = title(event.title)
            if feed.uids.contains(key) {
                feed.skipped.append(FeedSkip(summary: summary, line: nil, reason: "a second event on \(day)"))
                continue
            }
            feed.uids.insert(key)
            feed.entries.append(
                FeedEntry(uid: key, recurrence: nil, title: summary, range: DateRange(from: day, to: day)!, line: nil))
        }
        return feed
    }

    // MARK: Values

    /// A DTSTART or DTEND: a date, or a wall-clock time in some zone read as the school's local date and second.
    enum Moment: Hashable {
        case date(LocalDate)
        case time(LocalDate, second: Int)

        var day: LocalDate {
            switch self {
            case .date(let day), .time(let day, _): day
            }
        }

        func adding(seconds: Int) -> Moment {
            switch self {
            case .date(let day):
                return seconds % 86_400 == 0 ? .date(day.adding(days: seconds / 86_400)) : .time(day, second: seconds)
            case .time(let day, let second):
                let total = second + seconds
                let days = Int((Double(total) / 86_400).rounded(.down))
                return .time(day.adding(days: days), second: total - days * 86_400)
            }
        }
    }

    enum Outcome<Value> {
        case success(Value)
        case failure(String)
    }

    /// Reads a DTSTART/DTEND. A bad value refuses the file (naming the line); a time zone nobody
    /// defines skips the event.
    static func moment(_ property: ICalendarProperty, document: ICalendarDocument, zone: TimeZone)
        throws(DomainError) -> Outcome<Moment>
    {
        let value = property.value.trimmingCharacters(in: .whitespaces)
        func bad() -> DomainError {
            ICalendarReader.fail(
                property.line,
                "\(property.name) \"\(TextRules.printable(value, limit: 30))\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)"
            )
        }
        if property.parameters["VALUE"]?.uppercased() == "DATE" || value.count == 8 {
            guard let day = date(value) else { throw bad() }
            return .success(.date(day))
        }
        let utf8 = Array(value.utf8)
        guard
            utf8.count == 15 || (utf8.count == 16 && (utf8[15] == UInt8(ascii: "Z") || utf8[15] == UInt8(ascii: "z"))),
            utf8[8] == UInt8(ascii: "T") || utf8[8] == UInt8(ascii: "t"),
            let day = date(String(value.prefix(8))),
            let hour = Int(String(decoding: utf8[9..<11], as: UTF8.self)),
            let minute = Int(String(decoding: utf8[11..<13], as: UTF8.self)),
            let second = Int(String(decoding: utf8[13..<15], as: UTF8.self)),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            utf8[9..<15].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { throw bad() }
        let wall = hour * 3600 + minute * 60 + min(second, 59)
        if utf8.count == 16 {
            // UTC: the school's local date and time of that instant.
            let instant = Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + wall))
            return .success(Moment.time(day, second: wall).adding(seconds: zone.secondsFromGMT(for: instant)))
        }
        if let tzid = property.parameters["TZID"] {
            if let named = TimeZone(identifier: tzid), named.identifier != zone.identifier {
                // A known zone other than the school's: the instant, read in the school's zone.
                let guess = Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + wall))
                let offset = named.secondsFromGMT(
                    for: guess.addingTimeInterval(-Double(named.secondsFromGMT(for: guess))))
                let instant = guess.addingTimeInterval(-Double(offset))
                let local = zone.secondsFromGMT(for: instant) - offset
                return .success(Moment.time(day, second: wall).adding(seconds: local))
            }
            guard TimeZone(identifier: tzid) != nil || document.timeZoneIDs.contains(tzid) else {
                return .failure("its TZID \(TextRules.printable(tzid, limit: 40)) has no VTIMEZONE in the file")
            }
            // The school's zone, or one only the file defines (e.g. Outlook's "GMT Standard Time"):
            // the wall-clock time as written is the local one.
        }
        return .success(.time(day, second: wall))
    }

    /// The whole days an event covers. A date DTEND is exclusive; one not after DTSTART (feeds that
    /// repeat DTSTART) or none means one day. Timed events count only when they run from midnight
    /// to midnight (how some programs write all-day events).
    static func wholeDays(start: Moment, end: Moment?) -> Outcome<DateRange> {
        switch (start, end) {
        case (.date(let first), nil):
            return .success(DateRange(from: first, to: first)!)
        case (.date(let first), .date(let after)?):
            return .success(DateRange(from: first, to: max(first, after.adding(days: -1)))!)
        case (.time(let first, 0), .time(let after, 0)?) where after > first,
            (.time(let first, 0), .date(let after)?) where after > first:
            return .success(DateRange(from: first, to: after.adding(days: -1))!)
        case (.time(let day, let second), _):
            return .failure(
                "a timed event (\(day) \(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2))); only all-day events are imported"
            )
        case (.date(let first), .time?):
            return .failure("DTSTART is a date (\(first)) but DTEND a time")
        }
    }

    /// `YYYYMMDD` (the first eight characters of a date or date-time).
    static func date(_ text: String) -> LocalDate? {
        let digits = Array(text.utf8.prefix(8))
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let y = Int(String(decoding: digits[0..<4], as: UTF8.self)),
            let m = Int(String(decoding: digits[4..<6], as: UTF8.self)),
            let d = Int(String(decoding: digits[6..<8], as: UTF8.self))
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// `P1D`, `P2W`, `PT24H`, `P1DT0H0M0S`: seconds, or nil for anything else (or negative).
    static func durationSeconds(_ text: String) -> Int? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var total = 0
        var number = ""
        var inTime = false
        for character in rest {
            if character.isASCII, character.isNumber {
                guard number.count < 6 else { return nil }
                number.append(character)
                continue
            }
            if character == "T" {
                inTime = true
                continue
            }
            guard let value = Int(number) else { return nil }
            number = ""
            switch (character, inTime) {
            case ("W", false): total += value * 7 * 86_400
            case ("D", false): total += value * 86_400
            case ("H", true): total += value * 3600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
        }
        return number.isEmpty && total <= 400 * 86_400 ? total : nil
    }

    /// The occurrences of `FREQ=YEARLY` (with `INTERVAL`, `COUNT`, `UNTIL`, and `BYMONTH`/`BYMONTHDAY`
    /// naming the first date's own) that fall in `window`, each as long as the first. An invalid date
    /// (29 February in a common year) is no occurrence, as RFC 5545 says.
    static func yearly(_ rule: String, first: DateRange, window: DateRange, excluded: Set<LocalDate>, limit: Int)
        -> Outcome<[DateRange]>
    {
        var parts: [String: String] = [:]
        for part in rule.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else {
                return .failure("its RRULE \(TextRules.printable(rule, limit: 60)) is not understood")
            }
            parts[pair[0].uppercased()] = String(pair[1])
        }
        let (year, month, day) = first.from.components
        guard parts["FREQ"]?.uppercased() == "YEARLY" else {
            return .failure(
                "its RRULE repeats \(TextRules.printable(parts["FREQ"] ?? "?", limit: 12)); only FREQ=YEARLY is expanded"
            )
        }
        for (name, value) in parts where !["FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"].contains(name) {
            let fits = (name == "BYMONTH" && Int(value) == month) || (name == "BYMONTHDAY" && Int(value) == day)
            guard fits else {
                return .failure("its RRULE uses \(TextRules.printable(name, limit: 12)); list the dates instead")
            }
        }
        let interval = parts["INTERVAL"].flatMap { Int($0) } ?? 1
        guard (1...100).contains(interval) else { return .failure("its RRULE INTERVAL is out of range") }
        var count: Int?
        if let text = parts["COUNT"] {
            guard let value = Int(text), value >= 1 else { return .failure("its RRULE COUNT is not a positive number") }
            count = value
        }
        var until: LocalDate?
        if let text = parts["UNTIL"] {
            guard let value = date(text) else { return .failure("its RRULE UNTIL is not a date") }
            until = value
        }
        let length = first.to.dayNumber - first.from.dayNumber
        var out: [DateRange] = []
        var seen = 0
        var step = 0
        // Every step is one candidate year: bounded by the window's end year, and by 10,000 years.
        while step < 10_000 {
            let candidateYear = year + step * interval
            step += 1
            guard candidateYear <= min(window.to.components.year, 9999) else { break }
            guard let start = LocalDate(year: candidateYear, month: month, day: day) else { continue }
            if let until, start > until { break }
            seen += 1
            if let count, seen > count { break }
            guard !excluded.contains(start), start >= window.from, start <= window.to else { continue }
            out.append(DateRange(from: start, to: start.adding(days: length))!)
            guard out.count < limit else { break }
        }
        return .success(out)
    }

    /// One line of plain text for a title: control characters (an unescaped `\n`) become spaces, runs
    /// of spaces one, at most `maxTitle` characters; "Untitled event" when nothing is left.
    static func title(_ text: String?) -> String {
        var out = ""
        var space = false
        for scalar in (text ?? "").unicodeScalars {
            let blank =
                scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.isWhitespace
            if blank {
                space = !out.isEmpty
                continue
            }
            if space { out.unicodeScalars.append(" ") }
            space = false
            out.unicodeScalars.append(scalar)
        }
        if out.count > maxTitle { out = String(out.prefix(maxTitle)) }
        return out.isEmpty ? "Untitled event" : out
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "it does not parse as JSON"
        }
    }
}
