import Foundation
import PackagePlugin

/// Stamps the build with the package version (the first line of debian/changelog, the one place
/// it is written) and the git commit of the checkout. A build command whose inputs are the
/// changelog and git's HEAD reflog and index, so a new commit (or a change staged) runs it again;
/// SwiftPM does not re-run a prebuild command when no source changed, which left a stale commit.
/// The script rewrites the generated file only when its text changes.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated/GeneratedStamp.swift")
        let package = context.package.directoryURL
        var inputs = [
            package.appending(path: "debian/changelog"), package.appending(path: "Plugins/VersionStamp/stamp.sh"),
        ]
        if let gitDirectory = Self.gitDirectory(of: package) {
            for file in ["logs/HEAD", "index", "HEAD"]
            where FileManager.default.fileExists(atPath: gitDirectory.appending(path: file).path(percentEncoded: false))
            {
                inputs.append(gitDirectory.appending(path: file))
            }
        }
        return [
            .buildCommand(
                displayName: "Stamping the version and git commit",
                executable: URL(filePath: "/bin/sh"),
                arguments: [
                    package.appending(path: "Plugins/VersionStamp/stamp.sh").path(percentEncoded: false),
                    package.path(percentEncoded: false),
                    output.path(percentEncoded: false),
                ],
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }

    /// `.git` is a directory in a clone and a file (`gitdir: PATH`) in a worktree.
    static func gitDirectory(of package: URL) -> URL? {
        let dotGit = package.appending(path: ".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path(percentEncoded: false), isDirectory: &isDirectory)
        else {
            return nil
        }
        if isDirectory.boolValue { return dotGit }
        guard let text = try? String(contentsOf: dotGit, encoding: .utf8), text.hasPrefix("gitdir: ") else {
            return nil
        }
        let path = text.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.hasPrefix("/") ? URL(filePath: path) : package.appending(path: path)
    }
}
