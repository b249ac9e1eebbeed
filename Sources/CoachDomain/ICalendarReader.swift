import Foundation

/// Bounds on an iCalendar file, so hostile input is refused before it costs much: the reader is a
/// single loop over lines with an explicit component stack (no recursion).
public struct ICalendarLimits: Sendable, Hashable {
    /// Largest file, in UTF-8 bytes.
    public var maxBytes = 1 << 20
    /// Most physical lines.
    public var maxLines = 50_000
    /// Longest logical line (after unfolding), in UTF-8 bytes.
    public var maxLineBytes = 16_384
    /// Most `VEVENT`s in one file.
    public var maxEvents = 2_000
    /// Deepest nesting of components (`VCALENDAR` > `VEVENT` > `VALARM` is 3).
    public var maxDepth = 8
    /// Most occurrences one `RRULE` expands to.
    public var maxOccurrences = 100
    /// Most closures or terms one import yields, all events together.
    public var maxEntries = 5_000

    public init() {}
}

/// One content line, unfolded: `NAME;PARAM=VALUE:value`, with the physical line it started on.
public struct ICalendarProperty: Sendable, Hashable {
    /// Upper-cased name (`DTSTART`).
    public var name: String
    /// Parameters by upper-cased name, values unquoted (`TZID`, `VALUE`).
    public var parameters: [String: String]
    /// The value as written (text escapes still in place).
    public var value: String
    /// 1-based line number in the file.
    public var line: Int
}

/// One `VEVENT`: its properties (those of nested components such as `VALARM` left out) and the line
/// of its `BEGIN:VEVENT`.
public struct ICalendarEventRecord: Sendable, Hashable {
    public var line: Int
    public var properties: [ICalendarProperty]

    /// The first property with this name.
    public func first(_ name: String) -> ICalendarProperty? { properties.first { $0.name == name } }
    /// Every property with this name.
    public func all(_ name: String) -> [ICalendarProperty] { properties.filter { $0.name == name } }
}

/// A parsed iCalendar file: the calendar's own properties, its events and the `TZID`s its
/// `VTIMEZONE`s define.
public struct ICalendarDocument: Sendable, Hashable {
    public var properties: [ICalendarProperty]
    public var events: [ICalendarEventRecord]
    public var timeZoneIDs: Set<String>

    /// `X-WR-CALNAME`, else `PRODID`, unescaped.
    public var name: String? {
        (properties.first { $0.name == "X-WR-CALNAME" } ?? properties.first { $0.name == "PRODID" })
            .map { ICalendarReader.unescape($0.value) }
    }
}

/// Reads RFC 5545 text as real feeds write it: CRLF or LF (or CR) line ends, folded lines (a line
/// starting with a space or tab continues the one before), quoted parameter values, nested
/// components. A file that is not iCalendar is refused with the line that shows it.
public enum ICalendarReader {
    public static func read(_ text: String, limits: ICalendarLimits = ICalendarLimits()) throws(DomainError)
        -> ICalendarDocument
    {
        guard text.utf8.count <= limits.maxBytes else {
            throw .invalid(
                "the file is \(text.utf8.count) bytes; at most \(limits.maxBytes) are read", field: "data",
                hint: "split the calendar into smaller files")
        }
        var document = ICalendarDocument(properties: [], events: [], timeZoneIDs: [])
        var stack: [String] = []
        var event: ICalendarEventRecord?
        var sawCalendar = false
        for (content, line) in try unfold(text, limits: limits) {
            if content.isEmpty { continue }
            let property = try parse(content, line: line)
            switch property.name {
            case "BEGIN":
                let component = property.value.uppercased()
                if stack.isEmpty {
                    guard component == "VCALENDAR" else {
                        throw fail(line, "the file must start with BEGIN:VCALENDAR, not BEGIN:\(component)")
                    }
                    guard !sawCalendar else { throw fail(line, "a second VCALENDAR; import one calendar per file") }
                    sawCalendar = true
                }
                guard stack.count < limits.maxDepth else { throw fail(line, "components nest too deeply") }
                if component == "VEVENT" {
                    guard stack == ["VCALENDAR"] else { throw fail(line, "a VEVENT inside \(stack.last ?? "")") }
                    guard document.events.count < limits.maxEvents else {
                        throw fail(line, "more than \(limits.maxEvents) events; split the file")
                    }
                    event = ICalendarEventRecord(line: line, properties: [])
                }
                stack.append(component)
            case "END":
                let component = property.value.uppercased()
                guard let open = stack.last else { throw fail(line, "END:\(component) without a BEGIN") }
                guard open == component else { throw fail(line, "END:\(component) closes BEGIN:\(open)") }
                stack.removeLast()
                if component == "VEVENT", let done = event {
                    document.events.append(done)
                    event = nil
                }
            default:
                guard let top = stack.last else {
                    throw fail(line, "\(property.name) outside BEGIN:VCALENDAR … END:VCALENDAR")
                }
                if top == "VEVENT" {
                    event?.properties.append(property)
                } else if top == "VCALENDAR" {
                    document.properties.append(property)
                } else if top == "VTIMEZONE", property.name == "TZID" {
                    document.timeZoneIDs.insert(property.value)
                }
            }
        }
        guard sawCalendar else { throw fail(nil, "no BEGIN:VCALENDAR: this is not an iCalendar file") }
        if let open = stack.last { throw fail(nil, "the file ends inside \(open) (no END:\(open))") }
        return document
    }

    /// Text with the RFC 5545 escapes undone: `\\`, `\,`, `\;`, `\n` / `\N`. Any other backslash is kept.
    public static func unescape(_ value: String) -> String {
        guard value.contains("\\") else { return value }
        var out = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case "n", "N": out.append("\n")
                case "\\", ",", ";": out.append(character)
                default: out.append("\\"); out.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        if escaped { out.append("\\") }
        return out
    }

    // MARK: Lines

    /// Logical lines with the number of the physical line each starts on.
    static func unfold(_ text: String, limits: ICalendarLimits) throws(DomainError) -> [(String, Int)] {
        var lines: [(String, Int)] = []
        var current: [UInt8] = []
        var currentLine = 0
        var physical = 0
        var started = false
        func flush() {
            if started { lines.append((String(decoding: current, as: UTF8.self), currentLine)) }
        }
        // Split on CRLF, LF or a lone CR.
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte-order mark
        var start = 0
        var index = 0
        var rawLines: [ArraySlice<UInt8>] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                rawLines.append(bytes[start..<index])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
                guard rawLines.count <= limits.maxLines else {
                    throw .invalid("the file has more than \(limits.maxLines) lines", field: "data")
                }
            }
            index += 1
        }
        if start < bytes.count { rawLines.append(bytes[start..<bytes.count]) }
        for raw in rawLines {
            physical += 1
            if let first = raw.first, first == 0x20 || first == 0x09, started {
                current.append(contentsOf: raw.dropFirst())
            } else {
                flush()
                current = Array(raw)
                currentLine = physical
                started = true
            }
            guard current.count <= limits.maxLineBytes else {
                throw fail(currentLine, "a line longer than \(limits.maxLineBytes) bytes")
            }
        }
        flush()
        return lines
    }

    /// `NAME;P=V;P="V:W":value`.
    static func parse(_ content: String, line: Int) throws(DomainError) -> ICalendarProperty {
        var name = ""
        var parameters: [String: String] = [:]
        var index = content.startIndex
        // The name: up to `;` or `:`.
        while index < content.endIndex, content[index] != ";", content[index] != ":" {
            name.append(content[index])
            index = content.index(after: index)
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw fail(line, "\"\(TextRules.printable(content, limit: 40))\" is not a property (NAME:value)")
        }
        while index < content.endIndex, content[index] == ";" {
            index = content.index(after: index)
            var key = ""
            while index < content.endIndex, content[index] != "=", content[index] != ":", content[index] != ";" {
                key.append(content[index])
                index = content.index(after: index)
            }
            guard index < content.endIndex, content[index] == "=" else {
                throw fail(line, "parameter \"\(TextRules.printable(key, limit: 40))\" of \(name) has no value")
            }
            index = content.index(after: index)
            var value = ""
            var quoted = false
            while index < content.endIndex {
                let character = content[index]
                if character == "\"" {
                    quoted.toggle()
                } else if !quoted && (character == ";" || character == ":") {
                    break
                } else {
                    value.append(character)
                }
                index = content.index(after: index)
            }
            guard !quoted else { throw fail(line, "an unclosed quote in a parameter of \(name)") }
            parameters[key.uppercased()] = value
        }
        guard index < content.endIndex, content[index] == ":" else {
            throw fail(line, "\(name) has no ':' before its value")
        }
        return ICalendarProperty(
            name: name.uppercased(), parameters: parameters, value: String(content[content.index(after: index)...]),
            line: line)
    }

    static func fail(_ line: Int?, _ message: String) -> DomainError {
        DomainError.invalid(
            line.map { "line \($0): \(message)" } ?? message, field: "data",
            hint: "check the file is an iCalendar (.ics) file; nothing was imported")
    }
}
