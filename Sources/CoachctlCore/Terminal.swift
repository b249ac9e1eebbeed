#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Foundation-free: part of CoachctlCore, which both the `coachctl` front and `coachctl-full` link.
/// Stored text (names, reasons, notes) reaches the terminal only through `Terminal.escape`: a
/// control character in a name must never move the cursor, clear the screen or retitle the window.
public enum Terminal {
    /// `text` with every control character shown as a Swift-style escape, `\u{1B}` for ESC: the C0
    /// controls (tab included), DEL, the C1 controls (U+0080–U+009F, where CSI U+009B starts a
    /// sequence on its own) and the bidirectional overrides that reorder what is shown. A newline
    /// stays a newline, since the output is laid out in lines; any other character is kept as is.
    /// Idempotent: escaping escaped text changes nothing, so a cell escaped for a table may pass again.
    public static func escape(_ text: String) -> String {
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

    /// Colour only for a person at a terminal: stdout is a tty, `NO_COLOR` is not set (no-color.org)
    /// and `TERM` is not `dumb`.
    public static let colour: Bool = {
        // getenv, not ProcessInfo's environment dictionary: built for two keys, it cost `due` 0.2 ms.
        isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
            && getenv("TERM").map { String(cString: $0) } != "dumb"
    }()

    /// Escaped text with what needs attention in colour when `colour` allows: a state column's
    /// `overdue` in red. Runs after `escape`, so the only escape sequences are the ones added here.
    public static func paint(_ escaped: String, colour: Bool = Terminal.colour) -> String {
        guard colour else { return escaped }
        return escaped.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.hasSuffix("  overdue") else { return String(line) }
            return line.dropLast("overdue".count) + "\u{1B}[31moverdue\u{1B}[0m"
        }.joined(separator: "\n")
    }

    /// Whether a character must not reach a terminal as it is.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional embeddings, overrides and isolates
        default: false
        }
    }
}
