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

/// Online backups.
/// Its methods, who may call each, and the handlers above, registered together.
enum BackupFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(BackupCreate.self, access: .admin) { _, peer in try await service.backupCreate(peer) }
        table.on(BackupRead.self, access: .admin) { params, peer in try await service.backupRead(params, peer) }
        table.on(BackupFinish.self, access: .admin) { params, peer in try await service.backupFinish(params, peer) }
    }
}
