/// What this build is: the package version (debian/changelog's first line) and the git commit it
/// was built from, both filled in at build time by the VersionStamp plugin (Plugins/VersionStamp).
/// `coachd --version`, `coachctl --version` and `daemon.info` all read them from here.
public enum BuildStamp {
    /// `coachd --version` and `coachctl --version`: "0.1.0 (commit 1a2b3c4d5e6f)".
    public static var versionLine: String { "\(version) (commit \(commit))" }
}
