/// Times of `coachctl due` shown with integer arithmetic, without Foundation's `Calendar`: the one
/// implementation the `coachctl` front and coachctl-full's `HumanTime` (`fast: true`) use. In a
/// zone a fixed offset from UTC a day is 86,400 seconds, so "today", "tomorrow", the weekday and
/// the year follow from the proleptic Gregorian day number. `HumanTime` keeps the `Calendar` path
/// for what this arithmetic does not cover (`DueTime.covers`).
public enum DueTime {
    /// The parts of an RFC 3339 text: `2026-12-07T10:20:00+01:00`.
    public struct Parts: Equatable, Sendable {
        public var year: Int
        public var month: Int
        public var day: Int
        public var hour: Int
        public var minute: Int
        /// Seconds east of UTC.
        public var offset: Int
    }

    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Whether `dayWord` agrees with `Calendar` for this date and offset: years 1600–9999
    /// (Foundation's Gregorian calendar is Julian before 1582) and offsets that are whole minutes
    /// within ±18 hours.
    public static func covers(year: Int, offset: Int) -> Bool {
        (1600...9999).contains(year) && abs(offset) <= 18 * 3600 && offset % 60 == 0
    }

    /// The day number of "today" at `secondsSince1970` in the zone `offset` seconds east of UTC.
    public static func today(secondsSince1970: Int, offset: Int) -> Int {
        let local = secondsSince1970 + offset
        return local >= 0 ? local / 86_400 : -((-local + 86_399) / 86_400)
    }

    /// `today`, `tomorrow`, or `Mon 7 Dec` (with the year when it is not today's).
    public static func dayWord(year: Int, month: Int, day: Int, today: Int) -> String {
        let number = dayNumber(year: year, month: month, day: day)
        let days = number - today
        if days == 0 { return "today" }
        if days == 1 { return "tomorrow" }
        let weekday = ((number + 3) % 7 + 7) % 7  // 1970-01-01 was a Thursday; Monday = 0
        var text = "\(weekdays[weekday]) \(day) \(monthNames[month - 1])"
        if year != civilYear(dayNumber: today) { text += " \(year)" }
        return text
    }

    /// `Mon 7 Dec 10:20` (`today 10:20`) for the front: nil when the text is not one `parse` reads
    /// or the arithmetic does not cover it (coachctl-full then shows it).
    public static func show(_ text: String, secondsSince1970: Int) -> String? {
        guard let parts = parse(text), covers(year: parts.year, offset: parts.offset) else { return nil }
        let today = today(secondsSince1970: secondsSince1970, offset: parts.offset)
        let day = dayWord(year: parts.year, month: parts.month, day: parts.day, today: today)
        return "\(day) \(twoDigits(parts.hour)):\(twoDigits(parts.minute))"
    }

    public static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The year of a day number (`civil_from_days`, year only).
    public static func civilYear(dayNumber: Int) -> Int {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// An RFC 3339 text read from its bytes, the same answer as coachctl-full's `HumanTime.parse`
    /// where it answers; nil for anything it does not read here (and `HumanTime.parse` then reads
    /// it): anything but plain ASCII digits where numbers are, non-ASCII text or a carriage return
    /// (where Characters and bytes part ways), and texts that are no time at all.
    public static func parse(_ text: String) -> Parts? {
        var text = text
        return text.withUTF8 { bytes -> Parts? in
            func digit(_ i: Int) -> Int? {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) ? Int(bytes[i] - UInt8(ascii: "0")) : nil
            }
            /// `Int(String)` of two ASCII bytes: digits, or a sign and a digit.
            func int2(_ i: Int) -> Int? {
                guard let low = digit(i + 1) else { return nil }
                if let high = digit(i) { return high * 10 + low }
                if bytes[i] == UInt8(ascii: "+") { return low }
                if bytes[i] == UInt8(ascii: "-") { return -low }
                return nil
            }
            guard bytes.count >= 20, !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0D }),
                let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
                bytes[4] == UInt8(ascii: "-"),
                let mo0 = digit(5), let mo1 = digit(6), bytes[7] == UInt8(ascii: "-"), let d0 = digit(8),
                let d1 = digit(9), let h0 = digit(11), let h1 = digit(12), let mi0 = digit(14), let mi1 = digit(15)
            else { return nil }
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":")
            else {
                return nil
            }
            let year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            let month = mo0 * 10 + mo1
            let day = d0 * 10 + d1
            guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
            var start = 19
            while start < bytes.count, bytes[start] != UInt8(ascii: "Z"), bytes[start] != UInt8(ascii: "+"),
                bytes[start] != UInt8(ascii: "-")
            {
                start += 1
            }
            let zoneCount = bytes.count - start
            let offset: Int
            if zoneCount == 1 && bytes[start] == UInt8(ascii: "Z") {
                offset = 0
            } else {
                guard zoneCount == 6, let h = int2(start + 1), let m = int2(start + 4) else { return nil }
                offset = (bytes[start] == UInt8(ascii: "-") ? -1 : 1) * (h * 3600 + m * 60)
            }
            return Parts(year: year, month: month, day: day, hour: h0 * 10 + h1, minute: mi0 * 10 + mi1, offset: offset)
        }
    }
}
