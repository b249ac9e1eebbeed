/// Stored text (names, reasons, notes) reaches the terminal only through `Terminal.escape`: a
/// control character in a name must never move the cursor, clear the screen or retitle the window.
enum Terminal {
    /// `text` with every control character shown as a Swift-style escape, `\u{1B}` for ESC: the C0
    /// controls (tab included), DEL, the C1 controls (U+0080–U+009F, where CSI U+009B starts a
    /// sequence on its own) and the bidirectional overrides that reorder what is shown. A newline
    /// stays a newline, since the output is laid out in lines; any other character is kept as is.
    /// Idempotent: escaping escaped text changes nothing, so a cell escaped for a table may pass again.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether a character must not reach a terminal as it is.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional embeddings, overrides and isolates
        default: false
        }
    }
}
