/// Aligned tables and the small words of the human output: Foundation-free, in CoachctlCore, so
/// the `coachctl` front (Sources/CoachctlFront) and `coachctl-full` print them with the same code.
/// Aligned columns with upper-case headers, like `systemctl list-timers`.
public struct Table {
    public var headers: [String]
    public var rows: [[String]]
    /// How far each column may be narrowed before the others are cut too, by header: by default a
    /// date or time column not at all ("Mon 23 Nov 0…" hides what the line is for); any other column
    /// down to 6.
    public var keep: [String: Int]

    /// How tables are laid out in this run: `--wide` and `--no-headers`.
    public struct Style {
        /// The widest a line may be; nil for no limit (`--wide`).
        public var width: Int? = 80
        /// Whether the header line is printed (`--no-headers` leaves it out, for scripts).
        public var headers = true

        public init(width: Int? = 80, headers: Bool = true) {
            self.width = width
            self.headers = headers
        }
    }

    /// Set once from the global options before anything is printed (a one-threaded command line).
    nonisolated(unsafe) public static var style = Style()

    /// Every table's date and time columns, by header (not NEXT, a sentence that ends in a time:
    /// kept whole it left a pair list's names six characters wide).
    public static let timeHeaders: [String: Int] = {
        var keep: [String: Int] = [:]
        for header in [
            "DUE", "OVERDUE AT", "WHEN", "LAST VISIT", "UNTIL", "SET ON", "CLOSED ON", "STARTED", "AT", "FROM", "TO",
            "DONE",
        ] {
            keep[header] = Int.max
        }
        return keep
    }()

    public init(_ headers: [String], _ rows: [[String]], keep: [String: Int] = Table.timeHeaders) {
        self.headers = headers
        self.rows = rows
        self.keep = keep
    }

    /// The table, two spaces between columns, no trailing blanks, at most `style.width` wide: the
    /// widest columns are cut (ending in `…`) until it fits, dates and times last (`keep`).
    public func render(indent: String = "", style: Style = Table.style) -> String {
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
    public static func fit(_ widths: inout [Int], into limit: Int, floors: [Int] = []) {
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

/// Words shared by the human output (`Output.count`, `Output.kind` in coachctl-full call these).
public enum Words {
    /// "1 item", "3 items".
    public static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
    }

    /// `dropin` → `drop-in`, `followup` → `follow-up`.
    public static func kind(_ wire: String) -> String {
        switch wire {
        case "dropin": "drop-in"
        case "followup": "follow-up"
        default: wire
        }
    }
}

extension String {
    public var trimmingTrailingBlanks: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
