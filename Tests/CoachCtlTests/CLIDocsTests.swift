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
