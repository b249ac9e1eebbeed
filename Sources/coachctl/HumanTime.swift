import CoachctlCore
import Foundation

/// Times as people read and type them. The daemon sends RFC 3339 with the school's offset, so a
/// time is shown in the school's zone without asking for it: `Mon 7 Dec 10:20`, `today 10:20`,
/// `tomorrow 10:20`. People type the full forms, or `today 10:20`, `tomorrow 10:20`, `mon 10:20`
/// and `10:20` (today), read in the school's zone. `--json` keeps RFC 3339.
enum HumanTime {
    /// Which way a weekday name points: the next one for bookings, the last one for what happened.
    enum Direction {
        case ahead, back
    }

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    // MARK: Showing

    /// `2026-12-07T10:20:00+00:00` → `Mon 7 Dec 10:20` (`today 10:20`, `tomorrow 10:20`); text that
    /// is not RFC 3339 is shown as it came.
    /// `fast` counts days with integers (`dayWordFast`) instead of a `Calendar` per time: what
    /// `coachctl due`'s fast path uses; the same text (Tests/CoachCtlTests/DueFastPathTests.swift).
    static func show(_ text: String, now: Date = Date(), fast: Bool = false) -> String {
        guard let parts = fast ? parseFast(text) : parse(text) else { return text }
        let day =
            fast
            ? dayWordFast(parts.date, offset: parts.offset, now: now)
            : dayWord(parts.date, offset: parts.offset, now: now)
        return "\(day) \(twoDigits(parts.hour)):\(twoDigits(parts.minute))"
    }

    /// `dayWord` by arithmetic on day numbers: in a zone a fixed offset from UTC a day is 86,400
    /// seconds, so "today", "tomorrow", the weekday and the year follow from the proleptic Gregorian
    /// day number. Falls back to `dayWord` where `Calendar` differs from that arithmetic or is not
    /// sure to agree: years before 1600 (Foundation's Gregorian calendar is Julian before 1582) or
    /// after 9999, and offsets that are not whole minutes within ±18 hours.
    static func dayWordFast(_ date: DateComponents, offset: Int, now: Date) -> String {
        guard let year = date.year, let month = date.month, let day = date.day,
            DueTime.covers(year: year, offset: offset), now.timeIntervalSince1970.isFinite,
            abs(now.timeIntervalSince1970) < 1e11
        else { return dayWord(date, offset: offset, now: now) }
        let local = (now.timeIntervalSince1970 + Double(offset)) / 86_400
        return DueTime.dayWord(year: year, month: month, day: day, today: Int(local.rounded(.down)))
    }

    /// `2026-12-07` → `Mon 7 Dec` (or `today`, `tomorrow`), in the zone `offset` seconds from UTC.
    static func showDay(_ text: String, offset: Int = TimeZone.current.secondsFromGMT(), now: Date = Date()) -> String {
        guard let date = ymd(text) else { return text }
        return dayWord(date, offset: offset, now: now)
    }

    /// The same day shown once: `Mon 7 Dec 10:20–10:35`.
    static func span(_ start: String, _ end: String, now: Date = Date()) -> String {
        guard let to = parse(end) else { return show(start, now: now) }
        return show(start, now: now) + "–\(twoDigits(to.hour)):\(twoDigits(to.minute))"
    }

    private static func dayWord(_ date: DateComponents, offset: Int, now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? TimeZone(identifier: "UTC")!
        guard let day = calendar.date(from: date) else { return "?" }
        let today = calendar.startOfDay(for: now)
        let days = calendar.dateComponents([.day], from: today, to: calendar.startOfDay(for: day)).day ?? 99
        if days == 0 { return "today" }
        if days == 1 { return "tomorrow" }
        let weekday = (calendar.component(.weekday, from: day) + 5) % 7  // Monday = 0
        let name = weekdays[weekday].prefix(1).uppercased() + weekdays[weekday].dropFirst()
        var text = "\(name) \(date.day ?? 0) \(monthNames[(date.month ?? 1) - 1])"
        if date.year != calendar.component(.year, from: now) { text += " \(date.year ?? 0)" }
        return text
    }

    /// Year, month, day, hour, minute and offset of an RFC 3339 text.
    static func parse(_ text: String) -> (date: DateComponents, hour: Int, minute: Int, offset: Int)? {
        let chars = Array(text)
        guard chars.count >= 20, chars[10] == "T" || chars[10] == " ", let date = ymd(String(chars[0..<10])),
            let hour = Int(String(chars[11..<13])), chars[13] == ":", let minute = Int(String(chars[14..<16]))
        else { return nil }
        let zone = String(chars[19...]).drop { $0 != "Z" && $0 != "+" && $0 != "-" }
        let offset: Int
        if zone == "Z" {
            offset = 0
        } else {
            let z = Array(zone)
            guard z.count == 6, let h = Int(String(z[1..<3])), let m = Int(String(z[4..<6])) else { return nil }
            offset = (z[0] == "-" ? -1 : 1) * (h * 3600 + m * 60)
        }
        return (date, hour, minute, offset)
    }

    /// `parse` on the text's bytes (CoachctlCore's `DueTime.parse`), for `coachctl due`'s fast path:
    /// the same answer for every text; what it does not read goes to `parse` itself.
    static func parseFast(_ text: String) -> (date: DateComponents, hour: Int, minute: Int, offset: Int)? {
        guard let parts = DueTime.parse(text) else { return parse(text) }
        return (
            DateComponents(year: parts.year, month: parts.month, day: parts.day), parts.hour, parts.minute, parts.offset
        )
    }

    static func ymd(_ text: String) -> DateComponents? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        return DateComponents(year: year, month: month, day: day)
    }

    static func daysIn(month: Int, year: Int) -> Int { DueTime.daysIn(month: month, year: year) }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    // MARK: Reading

    /// What `--at` may be, for usage errors.
    static let forms =
        "YYYY-MM-DDTHH:MM (or \"YYYY-MM-DD HH:MM\"), \"today 10:20\", \"tomorrow 10:20\", \"mon 10:20\" or 10:20"

    /// The full forms the daemon reads: local time, or RFC 3339 with an offset.
    static let fullForm =
        #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$"#

    /// Whether `text` needs the school's zone to be read (`today`, a weekday, a bare time).
    /// Whether a full form carries its own offset (`Z` or `±HH:MM` after the time).
    static func hasOffset(_ full: String) -> Bool {
        let tail = full.dropFirst(16)
        return tail.contains("Z") || tail.contains("z") || tail.contains("+") || tail.contains("-")
    }

    /// The instant of a full form (`YYYY-MM-DDTHH:MM[:SS][.fff][Z|±HH:MM]`), read in `zone` when it
    /// carries no offset; nil when it is not one.
    static func instant(_ full: String, zone: TimeZone) -> Date? {
        let chars = Array(full)
        guard chars.count >= 16, let date = ymd(String(chars[0..<10])), let hour = Int(String(chars[11..<13])),
            let minute = Int(String(chars[14..<16]))
        else { return nil }
        var second = 0
        var rest = chars[16...]
        if rest.first == ":", rest.count >= 3, let s = Int(String(rest.dropFirst().prefix(2))) {
            second = s
            rest = rest.dropFirst(3)
        }
        while let first = rest.first, first == "." || first.isNumber { rest = rest.dropFirst() }
        var zone = zone
        if rest.first == "Z" || rest.first == "z" {
            zone = TimeZone(secondsFromGMT: 0) ?? zone
        } else if let sign = rest.first, sign == "+" || sign == "-", rest.count == 6,
            let h = Int(String(rest.dropFirst().prefix(2))), let m = Int(String(rest.suffix(2)))
        {
            zone = TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)) ?? zone
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(
            from: DateComponents(
                year: date.year, month: date.month, day: date.day, hour: hour, minute: minute, second: second))
    }

    static func isRelative(_ text: String) -> Bool {
        let first = text.split(separator: " ").first.map { $0.lowercased() } ?? ""
        return first == "today" || first == "tomorrow" || weekdays.contains(first) || weekdayNames.contains(first)
            || (text.count <= 5 && text.contains(":"))
    }

    /// A full form passed on as the wire takes it, or a relative one resolved in `zone` to local
    /// `YYYY-MM-DDTHH:MM`; anything else is a usage error (exit 64).
    static func read(_ text: String, zone: TimeZone, now: Date = Date(), direction: Direction, option: String = "--at")
        throws -> String
    {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let chars = Array(trimmed)
        if chars.count >= 16, chars[10] == " " || chars[10] == "T", ymd(String(chars[0..<10])) != nil {
            let full = String(chars[..<10]) + "T" + String(chars[11...])
            guard full.range(of: fullForm, options: .regularExpression) != nil else {
                throw UsageError(message: "\"\(text)\" is not a time for \(option)", hint: "use \(forms)")
            }
            return full
        }
        let words = trimmed.lowercased().split(separator: " ").map(String.init)
        let (dayWord, timeWord): (String, String)
        switch words.count {
        case 1: (dayWord, timeWord) = ("today", words[0])
        case 2: (dayWord, timeWord) = (words[0], words[1])
        default: throw UsageError(message: "\"\(text)\" is not a time for \(option)", hint: "use \(forms)")
        }
        let clock = timeWord.split(separator: ":")
        guard clock.count == 2, clock[1].count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else {
            throw UsageError(message: "\"\(text)\" is not a time for \(option)", hint: "use \(forms)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: now)
        let offset: Int
        if dayWord == "today" {
            offset = 0
        } else if dayWord == "tomorrow" {
            offset = 1
        } else if let index = weekdays.firstIndex(of: String(dayWord.prefix(3))),
            dayWord.count == 3 || weekdayNames.contains(dayWord)
        {
            let current = (calendar.component(.weekday, from: today) + 5) % 7
            offset = direction == .ahead ? (index - current + 7) % 7 : -((current - index + 7) % 7)
        } else {
            throw UsageError(message: "\"\(text)\" is not a time for \(option)", hint: "use \(forms)")
        }
        guard let day = calendar.date(byAdding: .day, value: offset, to: today) else {
            throw UsageError(message: "\"\(text)\" is not a time for \(option)", hint: "use \(forms)")
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, hour, minute)
    }
}
