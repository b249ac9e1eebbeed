import Foundation
import Testing

/// Docs/CLI.md documents every command the binary has: a new subcommand without its section fails.
@Suite struct CLIDocsTests {
    @Test func everyCommand_hasASectionInCLIDocs() throws {
        let dump = try Coachctl.run(["--experimental-dump-help"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let docs = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Docs/CLI.md"), encoding: .utf8)
        let headings = docs.split(separator: "\n").filter { $0.hasPrefix("#### `coachctl ") }
        let paths = Self.leafPaths(root["command"] as? [String: Any] ?? [:], prefix: [])
        #expect(paths.count > 10)
        for path in paths {
            let command = "coachctl " + path.joined(separator: " ")
            #expect(
                headings.contains { $0.hasPrefix("#### `\(command) ") || $0.hasPrefix("#### `\(command)`") },
                "Docs/CLI.md has no section for `\(command)`")
        }
    }

    /// The command paths below the root that run something (leaves), without `help`.
    static func leafPaths(_ command: [String: Any], prefix: [String]) -> [[String]] {
        let children = (command["subcommands"] as? [[String: Any]] ?? []).filter {
            ($0["commandName"] as? String) != "help"
        }
        if children.isEmpty { return prefix.isEmpty ? [] : [prefix] }
        return children.flatMap { child in
            leafPaths(child, prefix: prefix + [child["commandName"] as? String ?? "?"])
        }
    }
}

/// Every `coachctl …` a hint or message names is a command that exists: a renamed command cannot
/// leave a hint pointing nowhere.
@Suite struct HintCommandsTests {
    @Test func everyCommandNamedInTheSources_exists() throws {
        let dump = try Coachctl.run(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let tree = root["command"] as? [String: Any] ?? [:]
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files =
            FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
            .filter { file in
                ["coachctl/", "CoachDaemon/", "CoachDomain/", "CoachClient/"].contains { file.hasPrefix($0) }
            }
            ?? []
        var checked = 0
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            // Code only: comments describe, strings are what people read.
            let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                .joined(separator: "\n")
            for match in code.matches(of: /coachctl ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/) {
                let first = String(match.1)
                // "coachctl and coachd …" in prose, and "coachctl: …" error prefixes are not commands.
                guard !["and", "speaks", "is", "talks", "runs", "may", "prints", "the", "writes"].contains(first) else {
                    continue
                }
                let children = tree["subcommands"] as? [[String: Any]] ?? []
                let command = children.first { $0["commandName"] as? String == first }
                #expect(command != nil, "\(file): `coachctl \(first)` is not a command")
                let grandchildren = (command?["subcommands"] as? [[String: Any]] ?? []).compactMap {
                    $0["commandName"] as? String
                }
                if let second = match.2.map(String.init), !grandchildren.isEmpty {
                    #expect(grandchildren.contains(second), "\(file): `coachctl \(first) \(second)` is not a command")
                }
                checked += 1
            }
        }
        #expect(checked > 20)
    }
}
