public import Foundation

/// One event of an exported calendar.
public struct ExportEvent: Sendable, Hashable {
    public enum When: Sendable, Hashable {
        /// A timed event, from `start` for `minutes`.
        case timed(start: Date, minutes: Int)
        /// A whole day.
        case day(LocalDate)
    }

    public var uid: String
    public var sequence: Int
    public var summary: String
    public var when: When
    public var cancelled: Bool

    public init(uid: String, sequence: Int, summary: String, when: When, cancelled: Bool) {
        self.uid = uid
        self.sequence = sequence
        self.summary = summary
        self.when = when
        self.cancelled = cancelled
    }
}

/// Writes RFC 5545: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence),
/// text escaped, times in the school's zone with a `VTIMEZONE` that lists its offsets over the
/// span of the events.
public enum ICalendarWriter {
    /// The calendar. `now` is the `DTSTAMP` of every event.
    public static func calendar(name: String, events: [ExportEvent], zone: TimeZone, now: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//coachd//coaching calendar//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:\(escape(name))", "X-WR-TIMEZONE:\(zone.identifier)",
        ]
        let instants = events.map { event -> Date in
            switch event.when {
            case .timed(let start, _): start
            case .day(let day): Date(timeIntervalSince1970: Double(day.dayNumber * 86_400))
            }
        }
        lines += timeZone(zone, from: (instants.min() ?? now), to: (instants.max() ?? now))
        let stamp = utc(now)
        for event in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:\(escape(event.uid))")
            lines.append("DTSTAMP:\(stamp)")
            lines.append("SEQUENCE:\(max(0, event.sequence))")
            lines.append("SUMMARY:\(escape(event.summary))")
            switch event.when {
            case .timed(let start, let minutes):
                lines.append("DTSTART;TZID=\(zone.identifier):\(local(start, zone))")
                lines.append(
                    "DTEND;TZID=\(zone.identifier):\(local(start.addingTimeInterval(Double(minutes * 60)), zone))")
            case .day(let day):
                lines.append("DTSTART;VALUE=DATE:\(compact(day))")
                lines.append("DTEND;VALUE=DATE:\(compact(day.adding(days: 1)))")
            }
            lines.append("STATUS:\(event.cancelled ? "CANCELLED" : "CONFIRMED")")
            lines.append("TRANSP:\(event.cancelled ? "TRANSPARENT" : "OPAQUE")")
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined()
    }

    /// Text as RFC 5545 writes it: `\` `;` `,` and line breaks escaped; other control characters dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            default:
                if scalar.properties.generalCategory != .control { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// One content line with CRLF, folded so no physical line exceeds 75 octets.
    public static func fold(_ line: String) -> String {
        // By scalar, not by character: one character may be many scalars (and more than 75 octets).
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if count + size > 75 {
                out.append(contentsOf: "\r\n ".unicodeScalars)
                count = 1
            }
            out.append(scalar)
            count += size
        }
        return String(out) + "\r\n"
    }

    /// A `VTIMEZONE` for `zone`: one observance per offset change between a year before `from` and a
    /// year after `to` (at most 60), or a single `STANDARD` for a zone that never changes.
    static func timeZone(_ zone: TimeZone, from: Date, to: Date) -> [String] {
        let lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.identifier)"]
        let start = from.addingTimeInterval(-366 * 86_400)
        let end = to.addingTimeInterval(366 * 86_400)
        var offset = zone.secondsFromGMT(for: start)
        var cursor = start
        var observances: [[String]] = []
        while observances.count < 60, let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= end {
            let after = zone.secondsFromGMT(for: next)
            let kind = zone.isDaylightSavingTime(for: next) ? "DAYLIGHT" : "STANDARD"
            observances.append([
                "BEGIN:\(kind)", "DTSTART:\(local(next, offset: offset))", "TZOFFSETFROM:\(utcOffset(offset))",
                "TZOFFSETTO:\(utcOffset(after))", "END:\(kind)",
            ])
            offset = after
            cursor = next
        }
        if observances.isEmpty {
            let fixed = zone.secondsFromGMT(for: from)
            observances.append([
                "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:\(utcOffset(fixed))",
                "TZOFFSETTO:\(utcOffset(fixed))", "END:STANDARD",
            ])
        }
        return lines + observances.flatMap { $0 } + ["END:VTIMEZONE"]
    }

    static func local(_ instant: Date, _ zone: TimeZone) -> String {
        local(instant, offset: zone.secondsFromGMT(for: instant))
    }

    /// `YYYYMMDDTHHMMSS` of an instant at a fixed offset.
    static func local(_ instant: Date, offset: Int) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        let day = Int((Double(seconds) / 86_400).rounded(.down))
        let second = seconds - day * 86_400
        return
            "\(compact(LocalDate(dayNumber: day)))T\(pad(second / 3600, 2))\(pad(second / 60 % 60, 2))\(pad(second % 60, 2))"
    }

    static func utc(_ instant: Date) -> String { local(instant, offset: 0) + "Z" }

    static func compact(_ day: LocalDate) -> String {
        let (y, m, d) = day.components
        return "\(pad(y, 4))\(pad(m, 2))\(pad(d, 2))"
    }

    static func utcOffset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let value = abs(seconds)
        let text = "\(sign)\(pad(value / 3600, 2))\(pad(value / 60 % 60, 2))"
        return value % 60 == 0 ? text : text + pad(value % 60, 2)
    }
}
