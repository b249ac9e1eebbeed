import ArgumentParser
import CoachClient
import CoachRPC
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `coachctl backup FILE`: an online, consistent copy of the database, taken by the daemon in its
/// own state directory and streamed here; written to FILE only once its SHA-256 matches.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an online, consistent copy of coachd's database to FILE (admins only).",
        discussion: """
            The daemon snapshots its database while it keeps serving (SQLite's online backup), checks \
            the snapshot's integrity, and streams it in chunks; coachctl writes FILE.partial (mode 0600: \
            it holds every note), checks size and SHA-256, then renames it to FILE. FILE must not exist. \
            Restore with `coachd --restore-database FILE` while coachd is stopped (Docs/Reliability.md).

            Calls `backup.create`, `backup.read`, `backup.finish`.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Where to write the copy; must not exist.", valueName: "FILE"), completion: .file())
    var file: String

    func run() throws {
        guard access(file, F_OK) != 0 else {
            throw UsageError(
                message: "\(file) already exists", hint: "a backup never overwrites: choose a new file name")
        }
        let session = try global.session()
        let info = try session.call(BackupCreate.self, NoParams())
        let partial = file + ".partial"
        do {
            try receive(info, into: partial, session: session)
            guard rename(partial, file) == 0 else { throw LocalFailure.io("rename \(partial) to \(file)", errno) }
            syncDirectory(of: file)
        } catch {
            unlink(partial)
            _ = try? session.call(BackupFinish.self, .init(backup: info.backup))
            throw error
        }
        _ = try? session.call(BackupFinish.self, .init(backup: info.backup))
        session.show(BackupWritten(file: file, backup: info)) { written in
            "Backup of \(written.backup.bytes) bytes (schema \(written.backup.schemaVersion), taken "
                + "\(written.backup.createdAt)) written to \(written.file)\nsha256 \(written.backup.sha256)\n"
                + "Restore it with coachd stopped: coachd --restore-database \(written.file)"
        }
    }

    /// Reads every chunk into `path` (created new, 0600), then checks size and digest and syncs.
    private func receive(_ info: BackupInfo, into path: String, session: Session) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LocalFailure.io("create \(path)", errno) }
        defer { close(fd) }
        var hasher = SHA256()
        var offset: Int64 = 0
        while true {
            let chunk = try session.call(BackupRead.self, .init(backup: info.backup, offset: offset))
            guard chunk.offset == offset, let data = Data(base64Encoded: chunk.data), data.count == chunk.bytes,
                !data.isEmpty || chunk.eof
            else {
                throw LocalFailure.mismatch("chunk at offset \(offset) is malformed")
            }
            try data.withUnsafeBytes { raw in
                var written = 0
                while written < raw.count {
                    let count = write(fd, raw.baseAddress! + written, raw.count - written)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { throw LocalFailure.io("write \(path)", errno) }
                    written += count
                }
            }
            hasher.update(data)
            offset += Int64(data.count)
            if chunk.eof { break }
        }
        let digest = hasher.finalize()
        guard offset == info.bytes, digest == info.sha256 else {
            throw LocalFailure.mismatch(
                "received \(offset) bytes with sha256 \(digest); the daemon announced \(info.bytes) bytes, \(info.sha256)"
            )
        }
        guard fsync(fd) == 0 else { throw LocalFailure.io("fsync \(path)", errno) }
    }

    /// Makes the rename durable too.
    private func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}

/// What `coachctl --json backup` prints.
struct BackupWritten: Encodable {
    var file: String
    var backup: BackupInfo
}

/// A failure on this side of the socket: a file that cannot be written, a copy that does not match.
struct LocalFailure: Error {
    var message: String
    var hint: String?
    var code: Int32

    static func io(_ what: String, _ code: Int32) -> LocalFailure {
        LocalFailure(
            message: "cannot \(what): \(String(cString: strerror(code)))",
            hint: "nothing was written to the backup file",
            code: Failure.cannotWrite)
    }

    static func mismatch(_ detail: String) -> LocalFailure {
        LocalFailure(
            message: "the backup did not arrive intact: \(detail)", hint: "nothing was kept; run the backup again",
            code: Failure.protocolError)
    }
}
