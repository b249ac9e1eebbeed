public import Foundation

/// A school's calendar: its time zone, school-day hours, terms and closures. Pure arithmetic:
/// every answer depends only on the calendar and the arguments.
///
/// A school day is a weekday, not inside a closure, and — once terms are defined — inside a
/// term when it falls between the first term's start and the last term's end. Dates beyond the
/// last defined term count as weekdays, so a school whose next year's terms are not yet entered
/// keeps a working schedule (Docs/Scheduling.md).
public struct SchoolCalendar: Sendable {
    public var timeZone: TimeZone
    public var dayStart: LocalTime
    public var dayEnd: LocalTime
    public private(set) var terms: [DateRange]
    public private(set) var closures: [DateRange]
    private var termSpan: DateRange?

    public init(
        timeZone: TimeZone, dayStart: LocalTime, dayEnd: LocalTime, terms: [DateRange] = [], closures: [DateRange] = []
    ) {
        self.timeZone = timeZone
        self.dayStart = dayStart
        self.dayEnd = dayEnd
        self.terms = terms.sorted { $0.from < $1.from }
        self.closures = closures.sorted { $0.from < $1.from }
        if let first = self.terms.first?.from, let last = self.terms.map(\.to).max() {
            termSpan = DateRange(from: first, to: last)
        }
    }

    /// Whether children are in school that day.
    public func isSchoolDay(_ date: LocalDate) -> Bool {
        if date.isWeekend { return false }
        if closures.contains(where: { $0.contains(date) }) { return false }
        if let termSpan, termSpan.contains(date), !terms.contains(where: { $0.contains(date) }) { return false }
        return true
    }

    /// The N-th school day strictly after `date` (N ≥ 1); `date` itself for N = 0 when it is a school day,
    /// else the next one.
    public func schoolDay(_ count: Int, after date: LocalDate) -> LocalDate {
        if count <= 0 { return firstSchoolDay(onOrAfter: date) }
        var day = date
        var remaining = count
        // A calendar could close every day; stop after ten years rather than loop for ever.
        for _ in 0..<3660 {
            day = day.adding(days: 1)
            if isSchoolDay(day) {
                remaining -= 1
                if remaining == 0 { return day }
            }
        }
        return day
    }

    /// `date` when it is a school day, else the next school day.
    public func firstSchoolDay(onOrAfter date: LocalDate) -> LocalDate {
        isSchoolDay(date) ? date : schoolDay(1, after: date)
    }

    /// The school days in an inclusive range.
    public func schoolDays(in range: DateRange) -> [LocalDate] {
        (range.from.dayNumber...range.to.dayNumber).map(LocalDate.init(dayNumber:)).filter(isSchoolDay)
    }

    // MARK: Local time ↔ instants

    /// The instant of a local date and time in the school's zone. In a DST gap the later offset wins.
    public func instant(_ date: LocalDate, _ time: LocalTime, second: Int = 0) -> Date {
        let local = Double(date.dayNumber * 86_400 + time.minutes * 60 + second)
        let guess = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        var utc = local - guess
        let actual = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: utc)))
        if actual != guess { utc = local - actual }
        return Date(timeIntervalSince1970: utc)
    }

    /// Start of the school day on `date`.
    public func dayStartInstant(_ date: LocalDate) -> Date { instant(date, dayStart) }

    /// End of the school day on `date`.
    public func dayEndInstant(_ date: LocalDate) -> Date { instant(date, dayEnd) }

    /// The school-local date of an instant.
    public func localDate(of instant: Date) -> LocalDate { Self.localDate(of: instant, in: timeZone) }

    /// The date of an instant in `timeZone` (what any school in that zone calls it).
    public static func localDate(of instant: Date, in timeZone: TimeZone) -> LocalDate {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        return LocalDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// Seconds since local midnight of an instant.
    public func localSecondOfDay(of instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        return seconds - day * 86_400
    }

    /// RFC 3339 with the school's offset at that instant, to the second: `2026-11-23T09:00:00+00:00`.
    public func format(_ instant: Date) -> String {
        InstantFormat.rfc3339(instant, offsetSeconds: timeZone.secondsFromGMT(for: instant))
    }

    /// Parses an RFC 3339 instant with an offset, or `YYYY-MM-DDTHH:MM[:SS]` in the school's local time.
    public func parseInstant(_ text: String) -> Date? {
        guard let parsed = InstantFormat.parse(text) else { return nil }
        if let offset = parsed.offsetSeconds {
            let local = Double(parsed.date.dayNumber * 86_400 + parsed.secondOfDay) + parsed.fraction
            return Date(timeIntervalSince1970: local - Double(offset))
        }
        guard let time = LocalTime(minutes: parsed.secondOfDay / 60) else { return nil }
        return instant(parsed.date, time, second: parsed.secondOfDay % 60)
    }
}

/// RFC 3339 formatting and parsing, without Foundation's formatters (which are slow and locale-bound).
public enum InstantFormat {
    /// `YYYY-MM-DDTHH:MM:SS±HH:MM` (or `Z` when the offset is zero and `zulu` is set).
    public static func rfc3339(_ instant: Date, offsetSeconds: Int, zulu: Bool = false) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        let sod = seconds - day * 86_400
        let date = LocalDate(dayNumber: day)
        var text = "\(date)T\(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2))"
        if offsetSeconds == 0 && zulu {
            text += "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let magnitude = abs(offsetSeconds) / 60
            text += "\(sign)\(pad(magnitude / 60, 2)):\(pad(magnitude % 60, 2))"
        }
        return text
    }

    /// The parts of `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (a space may stand for `T`).
    public static func parse(_ text: String) -> (
        date: LocalDate, secondOfDay: Int, fraction: Double, offsetSeconds: Int?
    )? {
        let scalars = Array(text.utf8)
        guard scalars.count >= 16,
            scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: "t")
                || scalars[10] == UInt8(ascii: " ")
        else { return nil }
        guard let date = LocalDate(String(decoding: scalars[0..<10], as: UTF8.self)) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let hour = number(11..<13), scalars[13] == UInt8(ascii: ":"), let minute = number(14..<16),
            hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = 0
        var fraction = 0.0
        if index < scalars.count, scalars[index] == UInt8(ascii: ":") {
            guard let s = number(17..<19), s < 60 else { return nil }
            second = s
            index = 19
            if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let start = index
                while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                    fraction += Double(scalars[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
        }
        var offset: Int?
        if index < scalars.count {
            let sign = scalars[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                offset = 0
                index += 1
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let oh = number(index + 1..<index + 3), index + 3 < scalars.count,
                    scalars[index + 3] == UInt8(ascii: ":"), let om = number(index + 4..<index + 6), oh < 24, om < 60
                else { return nil }
                offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            } else {
                return nil
            }
        }
        guard index == scalars.count else { return nil }
        return (date, hour * 3600 + minute * 60 + second, fraction, offset)
    }
}
