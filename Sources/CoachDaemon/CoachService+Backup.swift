import CoachDomain
import CoachRPC
import Foundation

extension CoachService {
    func backupCreate(_ peer: Peer) async throws -> BackupInfo {
        try await requireAdmin(peer, "take backups")
        return try await backups.create()
    }

    func backupRead(_ params: BackupRead.Params, _ peer: Peer) async throws -> BackupChunk {
        try await requireAdmin(peer, "read backups")
        return try await backups.read(params.backup, offset: params.offset, length: params.length)
    }

    func backupFinish(_ params: BackupFinish.Params, _ peer: Peer) async throws -> BackupFinished {
        try await requireAdmin(peer, "remove backups")
        return BackupFinished(backup: params.backup, removed: await backups.finish(params.backup))
    }

    /// A backup holds every note: only admins take, read or remove one.
    private func requireAdmin(_ peer: Peer, _ what: String) async throws {
        let caller = try await store.read { store in try self.knownCaller(peer.uid, gid: peer.gid, in: store) }
        guard caller.isAdmin else { throw DomainError.denied("\(what) (admins only)") }
    }
}
