import ArgumentParser
import CoachClient
import CoachRPC
import CoachctlCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tab completion of ids with names (issue 16): `coachctl pair show <TAB>` offers the pairs the
/// caller may see with their two people, `--person <TAB>` people, `--school <TAB>` schools.
///
/// The shell runs `coachctl ---completion … -- WORDS`; the closure asks the daemon as the caller
/// (the same socket `--socket`/`$COACHD_SOCKET` name, the same access rules), with a short timeout:
/// a daemon that is down or slow gives no candidates, never a hanging Tab.
enum IDCompletion {
    /// How long one completion may wait for the daemon, connecting and answering together.
    static let timeout: Duration = .milliseconds(800)

    static let pairs = CompletionKind.custom { words, index, prefix in
        candidates(words, word(words, index, prefix), pairCandidates)
    }
    static let people = CompletionKind.custom { words, index, prefix in
        candidates(words, word(words, index, prefix), personCandidates)
    }
    static let schools = CompletionKind.custom { words, index, prefix in
        candidates(words, word(words, index, prefix), schoolCandidates)
    }

    /// The word being completed: the parser's prefix is cut from the line's last word, which is the
    /// wrong one when Tab is pressed in the middle of a line, so the word at `index` wins.
    static func word(_ words: [String], _ index: Int, _ prefix: String) -> String {
        words.indices.contains(index) ? unquote(words[index]) : prefix
    }

    /// An id and what it stands for.
    struct Candidate: Equatable {
        var id: Int64
        var label: String
    }

    static func pairCandidates(_ client: CoachClient) throws -> [Candidate] {
        try client.call(PairsList.self, PairsList.Params()).pairs.map {
            Candidate(id: $0.id, label: "\($0.teacherName) & \($0.coachName)")
        }
    }

    /// People: the school lists where the caller may read them (admins, leads), else the people of
    /// the pairs the caller may see (a teacher, a coach): never more than the caller is shown anyway.
    static func personCandidates(_ client: CoachClient) throws -> [Candidate] {
        do {
            return try client.call(PeopleList.self, PeopleList.Params()).people.map {
                Candidate(id: $0.id, label: $0.name)
            }
        } catch  where error.rpcError == nil {
            throw error  // a daemon that timed out or broke the contract is not asked twice
        } catch {}
        var seen: [Int64: String] = [:]
        for pair in try client.call(PairsList.self, PairsList.Params()).pairs {
            seen[pair.teacher] = pair.teacherName
            seen[pair.coach] = pair.coachName
        }
        return seen.map { Candidate(id: $0.key, label: $0.value) }
    }

    static func schoolCandidates(_ client: CoachClient) throws -> [Candidate] {
        try client.call(SchoolsList.self, NoParams()).schools.map { Candidate(id: $0.id, label: $0.name) }
    }

    /// The completion lines for the requesting shell; empty when the daemon cannot be asked.
    static func candidates(
        _ words: [String], _ prefix: String, _ fetch: (CoachClient) throws -> [Candidate],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        let path = SocketPath.resolve(
            flag: socketFlag(in: words), environment: environment, exists: { access($0, F_OK) == 0 })
        guard let client = try? CoachClient(socketPath: path, timeout: timeout),
            let found = try? fetch(client)
        else { return [] }
        let shell = environment["SAP_SHELL"].flatMap(CompletionShell.init(rawValue:))
        return lines(found, prefix: prefix, shell: shell)
    }

    /// Formats candidates: zsh `ID:LABEL` and fish `ID<TAB>LABEL` show the label beside the id; bash
    /// has no descriptions, so it gets `ID  (LABEL)` while several match (shown as the choice) and the
    /// bare id once one does (what is inserted). Labels are escaped, on one line, and never empty.
    static func lines(_ found: [Candidate], prefix: String, shell: CompletionShell?) -> [String] {
        let sorted = found.sorted { $0.id < $1.id }
        func label(_ candidate: Candidate) -> String {
            let text = Terminal.escape(candidate.label).replacingOccurrences(of: "\n", with: " ")
            return text.isEmpty ? "-" : text
        }
        switch shell {
        case .zsh:
            return sorted.map { "\($0.id):\(label($0).replacingOccurrences(of: ":", with: "\\:"))" }
        case .fish:
            return sorted.map { "\($0.id)\t\(label($0).replacingOccurrences(of: "\t", with: " "))" }
        default:
            // bash expands each word of `compgen -W` (a `$(…)` in a name would run): labels keep
            // none of the characters that expansion acts on.
            let matching = sorted.filter { "\($0.id)".hasPrefix(prefix) }
            if matching.count == 1 { return ["\(matching[0].id)"] }
            return matching.map { "\($0.id)  (\(bashSafe(label($0))))" }
        }
    }

    /// A label with the characters bash's word expansion acts on replaced by `_`.
    static func bashSafe(_ text: String) -> String {
        String(text.map { "$`\\\"'{}~*?[]!".contains($0) ? "_" : $0 })
    }

    /// The `--socket` given on the command line being completed, if any (`--socket P` or `--socket=P`).
    static func socketFlag(in words: [String]) -> String? {
        var flag: String?
        for (index, word) in words.enumerated() {
            if word == "--socket", index + 1 < words.count {
                flag = unquote(words[index + 1])
            } else if word.hasPrefix("--socket=") {
                flag = unquote(String(word.dropFirst("--socket=".count)))
            }
        }
        return flag.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Shell words arrive verbatim: drop one level of plain quotes and a leading `~/`.
    static func unquote(_ word: String) -> String {
        var text = word
        if text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first {
            text = String(text.dropFirst().dropLast())
        }
        text = text.replacingOccurrences(of: "\\ ", with: " ")
        if text.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            text = home + text.dropFirst(1)
        }
        return text
    }
}
