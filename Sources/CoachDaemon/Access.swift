import CoachDomain
import Foundation

/// Who may call a method at all, decided from the caller's roles before its params are read: a
/// caller with no right to a method learns nothing from it, not even whether a login or a time
/// zone exists (issue 10). Rules about one pair or one school stay in the handlers, after this.
enum Access: Sendable, Hashable {
    /// Anyone who can reach the socket (ping, info, discovery, `people.me`).
    case anyone
    /// Admins and every person coachd knows.
    case known
    /// Admins, and leads (of their own school, checked by the handler).
    case managers
    /// Admins, teachers and coaches (of their own pairs, checked by the handler).
    case members
    /// Admins and coaches (of their own pairs, checked by the handler).
    case coaches
    /// Admins and trust leads (issue 14: the peer programme across the trust).
    case trustLeads
    /// Admins and heads (issue 14: of their own peer pairs, checked by the handler).
    case heads
    /// Admins only.
    case admin

    /// Whether `caller` may call a method with this access at all.
    func allows(_ caller: Caller) -> Bool {
        if caller.isAdmin { return true }
        guard let roles = caller.person?.roles else { return self == .anyone }
        switch self {
        case .anyone, .known: return true
        case .managers: return roles.contains(.lead)
        case .members: return roles.contains(.teacher) || roles.contains(.coach)
        case .coaches: return roles.contains(.coach)
        case .trustLeads: return roles.contains(.trustlead)
        case .heads: return roles.contains(.head)
        case .admin: return false
        }
    }

    /// The refusal, in the caller's words.
    func refusal(_ method: String) -> DomainError {
        switch self {
        case .anyone, .known: DomainError.unknownCaller
        case .managers: DomainError.denied("call \(method): it is for admins and school leads")
        case .members: DomainError.denied("call \(method): it is for a pair's teacher and coach")
        case .coaches: DomainError.denied("call \(method): it is for coaches")
        case .trustLeads: DomainError.denied("call \(method): it is for admins and trust leads")
        case .heads: DomainError.denied("call \(method): it is for heads in the peer programme")
        case .admin: DomainError.denied("call \(method) (admins only)")
        }
    }
}

extension CoachService {
    /// The gate every method passes before its params are decoded.
    func authorize(_ access: Access, method: String, _ peer: Peer) async throws {
        guard access != .anyone else { return }
        let caller = try await store.read { store in try self.caller(peer.uid, gid: peer.gid, in: store) }
        guard caller.isAdmin || caller.person != nil else { throw DomainError.unknownCaller }
        guard access.allows(caller) else { throw access.refusal(method) }
    }
}
