public import Foundation

/// What text the daemon accepts. Two kinds: a *line* (a name, a reason, a term's name) never holds a
/// control character; *free text* (a focus, notes, an adaptation) may hold line breaks and tabs and
/// nothing else of the kind. Both are bounded in characters (what people count) and in UTF-8 bytes
/// (what memory and the database count: one letter with 100,000 combining marks is one character).
/// Nothing is silently changed but the surrounding white space trimmed.
public enum TextRules {
    /// Bytes allowed per character of a limit: UTF-8 needs at most 4 per scalar, and a character
    /// of ordinary text (with an accent or two) fits in that.
    public static let bytesPerCharacter = 4

    /// A single-line text: not blank, no control characters, no bidirectional overrides or line
    /// separators (they make a name display as something it is not), at most `maxCharacters`.
    public static func line(_ value: String, field: String, maxCharacters: Int) throws(DomainError) -> String {
        let trimmed = try bounded(value, field: field, maxCharacters: maxCharacters)
        if let bad = trimmed.unicodeScalars.first(where: { isControl($0) || isFormatting($0) }) {
            throw .invalid(
                "\(field) holds the control character \(describe(bad)); it must be one line of plain text",
                field: field, hint: "remove line breaks, tabs and other control characters")
        }
        return trimmed
    }

    /// Free text: not blank, line breaks (`\n`, `\r`) and tabs allowed, no other control character
    /// (a NUL would cut the text short where it is stored, an escape sequence would drive the
    /// terminal of whoever reads it), at most `maxCharacters`.
    public static func freeText(_ value: String, field: String, maxCharacters: Int) throws(DomainError) -> String {
        let trimmed = try bounded(value, field: field, maxCharacters: maxCharacters)
        if let bad = trimmed.unicodeScalars.first(where: { isControl($0) && !["\n", "\r", "\t"].contains($0) }) {
            throw .invalid(
                "\(field) holds the control character \(describe(bad))", field: field,
                hint: "only line breaks and tabs are kept in free text; remove the others")
        }
        return trimmed
    }

    /// An IANA time zone name (`Europe/London`): ASCII letters, digits, `/`, `_`, `+`, `-`, at most
    /// 64 bytes, and known to this machine's time zone database.
    public static func timeZone(_ value: String, field: String = "timeZone") throws(DomainError) -> TimeZone {
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-")
        }
        guard !value.isEmpty, value.utf8.count <= 64, allowed, let zone = TimeZone(identifier: value) else {
            throw .invalid(
                "\"\(printable(value, limit: 64))\" is not an IANA time zone", field: field, hint: "e.g. Europe/London")
        }
        return zone
    }

    /// A Unix login name as POSIX's portable set allows it: letters, digits, `.`, `_`, `-` (not
    /// first), an optional final `$`, 1–32 bytes. Checked before any account lookup, so a name with
    /// a NUL can never be looked up as a shorter one.
    public static func login(_ value: String, field: String = "login") throws(DomainError) -> String {
        let bytes = Array(value.utf8)
        func portable(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        let body = bytes.last == UInt8(ascii: "$") ? bytes.dropLast() : bytes[...]
        guard (1...32).contains(bytes.count), !body.isEmpty, body.first != UInt8(ascii: "-"), body.allSatisfy(portable)
        else {
            throw .invalid(
                "\"\(printable(value, limit: 40))\" is not a Unix login name", field: field,
                hint: "a login is 1–32 letters, digits, '.', '_' or '-'")
        }
        return value
    }

    /// Trimmed, not blank, and within the limit in characters and in bytes.
    static func bounded(_ value: String, field: String, maxCharacters: Int) throws(DomainError) -> String {
        let maxBytes = maxCharacters * bytesPerCharacter
        // A text far past the byte limit is refused before anything counts its characters.
        guard value.utf8.count <= maxBytes * 2 + 1024 else {
            throw .invalid("\(field) is \(value.utf8.count) bytes; at most \(maxBytes) are accepted", field: field)
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid("\(field) must not be empty", field: field) }
        guard trimmed.utf8.count <= maxBytes else {
            throw .invalid(
                "\(field) is \(trimmed.utf8.count) bytes; at most \(maxBytes) are accepted", field: field,
                hint: "shorten it (at most \(maxCharacters) characters of ordinary text)")
        }
        let count = trimmed.count
        guard count <= maxCharacters else {
            throw .invalid("\(field) is \(count) characters; at most \(maxCharacters) are accepted", field: field)
        }
        return trimmed
    }

    /// C0 controls, DEL and C1 controls (Unicode general category Cc).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Bidirectional embeddings, overrides and isolates, and the line and paragraph separators.
    static func isFormatting(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x200E || scalar.value == 0x200F
    }

    /// `U+001B`: how an error names a character it refuses (never the raw character).
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A value as an error message may quote it: control characters as `U+XXXX`, cut at `limit`.
    public static func printable(_ value: String, limit: Int) -> String {
        var out = ""
        for scalar in value.unicodeScalars.prefix(limit) {
            if isControl(scalar) || isFormatting(scalar) {
                out += describe(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > limit ? out + "…" : out
    }
}
