import CoachctlCore
import Foundation

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
        Words.count(number, singular, plural)
    }

    /// `dropin` → `drop-in`, `followup` → `follow-up`.
    static func kind(_ wire: String) -> String { Words.kind(wire) }

    /// Text cut to one line of at most `limit` characters.
    static func short(_ text: String, _ limit: Int = 48) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        if line.count <= limit && line.count == text.count { return line }
        return String(line.prefix(limit - 1)) + "…"
    }

    /// What stands in for a confidential text the caller may not read.
    static let hidden = "(visible to the pair only)"
}
