import Foundation

/// Aligned columns with upper-case headers, like `systemctl list-timers`.
struct Table {
    var headers: [String]
    var rows: [[String]]
    /// How far each column may be narrowed before the others are cut too, by header: by default a
    /// date or time column not at all ("Mon 23 Nov 0…" hides what the line is for) and a NEXT column
    /// (what is due and when) to 26 characters; any other column down to 6.
    var keep: [String: Int]

    /// How tables are laid out in this run: `--wide` and `--no-headers`.
    struct Style {
        /// The widest a line may be; nil for no limit (`--wide`).
        var width: Int? = 80
        /// Whether the header line is printed (`--no-headers` leaves it out, for scripts).
        var headers = true
    }

    /// Set once from the global options before anything is printed (a one-threaded command line).
    nonisolated(unsafe) static var style = Style()

    /// Every table's date and time columns, and NEXT, by header.
    static let timeHeaders: [String: Int] = {
        var keep: [String: Int] = ["NEXT": 26]
        for header in [
            "DUE", "OVERDUE AT", "WHEN", "LAST VISIT", "UNTIL", "SET ON", "CLOSED ON", "STARTED", "AT", "FROM", "TO",
            "DONE",
        ] {
            keep[header] = Int.max
        }
        return keep
    }()

    init(_ headers: [String], _ rows: [[String]], keep: [String: Int] = Table.timeHeaders) {
        self.headers = headers
        self.rows = rows
        self.keep = keep
    }

    /// The table, two spaces between columns, no trailing blanks, at most `style.width` wide: the
    /// widest columns are cut (ending in `…`) until it fits.
    func render(indent: String = "", style: Style = Table.style) -> String {
        // Escaped before measuring, so a cell holding a control character keeps its column.
        let all = ((style.headers ? [headers] : []) + rows).map { $0.map(Terminal.escape) }
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        if let limit = style.width {
            Self.fit(&widths, into: limit - indent.count, floors: headers.map { keep[$0] ?? 6 })
        }
        let cut = all.map { row in
            row.enumerated().map { index, cell in
                index < widths.count && cell.count > widths[index]
                    ? String(cell.prefix(max(widths[index] - 1, 0))) + "…" : cell
            }
        }
        return cut.map { row in
            var line = indent
            for (index, cell) in row.enumerated() {
                let isLast = index == row.count - 1
                line += isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            return line.trimmingTrailingBlanks
        }.joined(separator: "\n")
    }
}

extension Table {
    /// Narrows the widest columns, one character at a time, until the line fits `limit`: first each
    /// column only down to its floor (`floors`, by position), then, if that is not enough, any column;
    /// never a column below 6 characters (a table that cannot fit is printed as narrow as that allows).
    static func fit(_ widths: inout [Int], into limit: Int, floors: [Int] = []) {
        func total() -> Int { widths.reduce(0, +) + 2 * max(widths.count - 1, 0) }
        let firstFloors = widths.indices.map { max(6, $0 < floors.count ? floors[$0] : 6) }
        for floor in [firstFloors, [Int](repeating: 6, count: widths.count)] {
            while total() > limit {
                var widest: Int? = nil
                for index in widths.indices where widths[index] > floor[index] {
                    if widest.map({ widths[index] > widths[$0] }) ?? true { widest = index }
                }
                guard let widest else { break }
                widths[widest] -= 1
            }
        }
    }
}

/// Small shared pieces of the human output.
enum Output {
    /// A value as JSON: sorted keys, pretty, slashes unescaped.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Labelled lines with the values aligned: `  Focus:       …`.
    static func fields(_ pairs: [(String, String)], indent: String = "  ") -> String {
        let width = (pairs.map(\.0.count).max() ?? 0) + 1
        return pairs.map { label, value in
            indent + (label + ":").padding(toLength: width + 2, withPad: " ", startingAt: 0) + value
        }.joined(separator: "\n")
    }

    /// "1 item", "3 items".
    static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
    }

    /// `dropin` → `drop-in`, `followup` → `follow-up`.
    static func kind(_ wire: String) -> String {
        switch wire {
        case "dropin": "drop-in"
        case "followup": "follow-up"
        default: wire
        }
    }

    /// Text cut to one line of at most `limit` characters.
    static func short(_ text: String, _ limit: Int = 48) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        if line.count <= limit && line.count == text.count { return line }
        return String(line.prefix(limit - 1)) + "…"
    }

    /// What stands in for a confidential text the caller may not read.
    static let hidden = "(visible to the pair only)"
}

extension String {
    var trimmingTrailingBlanks: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
