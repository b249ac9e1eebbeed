import Foundation
import PackagePlugin

/// Stamps the build with the package version (the first line of debian/changelog, the one place
/// it is written) and the git commit of the checkout. A prebuild command, so it runs on every
/// `swift build` and sees a new commit at once; the script rewrites the generated file only when
/// its text changes, so an unchanged stamp recompiles nothing.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let package = context.package.directoryURL
        return [
            .prebuildCommand(
                displayName: "Stamping the version and git commit",
                executable: URL(filePath: "/bin/sh"),
                arguments: [
                    package.appending(path: "Plugins/VersionStamp/stamp.sh").path(percentEncoded: false),
                    package.path(percentEncoded: false),
                    output.appending(path: "GeneratedStamp.swift").path(percentEncoded: false),
                ],
                outputFilesDirectory: output)
        ]
    }
}
