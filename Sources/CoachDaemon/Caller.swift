import CoachDomain
import CoachStore
import Foundation

/// Who is calling: the uid from SO_PEERCRED and the person linked to it.
struct Caller: Sendable {
    var uid: Int64
    var person: Person?
    var isAdmin: Bool

    /// Whether the caller is one of the pair's two people (and so may read its notes).
    func isMember(of pair: Pair) -> Bool {
        guard let person else { return false }
        return pair.includes(person.id)
    }

    /// Whether the caller leads the school.
    func leads(_ school: Int64) -> Bool {
        guard let person else { return false }
        return person.roles.contains(.lead) && person.school == school
    }

    /// Admins, the school's lead, and the pair's two people see a pair (leads without notes).
    func canSee(_ pair: Pair) -> Bool { isAdmin || isMember(of: pair) || leads(pair.school) }

    /// Admins and the pair's two people act on a pair.
    func canActOn(_ pair: Pair) -> Bool { isAdmin || isMember(of: pair) }

    /// Admins, and the school's lead, manage a school.
    func canManage(school: Int64) -> Bool { isAdmin || leads(school) }

    /// Roles as shown by `people.me`.
    var roleNames: [String] {
        var names = Role.allCases.filter { person?.roles.contains($0) ?? false }.map(\.rawValue)
        if isAdmin { names.insert("admin", at: 0) }
        return names
    }
}

/// Decides who is an admin: root, the daemon's own user, and members of the configured admin group.
final class AdminPolicy: @unchecked Sendable {
    let daemonUID: UInt32
    private let lock = NSLock()
    private var adminGroup: String?

    init(daemonUID: UInt32, adminGroup: String?) {
        self.daemonUID = daemonUID
        self.adminGroup = adminGroup
    }

    /// Changes the admin group (configuration reload).
    func set(group: String?) { lock.withLock { adminGroup = group } }

    func isAdmin(uid: UInt32, gid: UInt32) -> Bool {
        if uid == 0 || uid == daemonUID { return true }
        guard let adminGroup = lock.withLock({ adminGroup }), let group = getgrnam(adminGroup) else { return false }
        if gid == group.pointee.gr_gid { return true }
        // Supplementary membership: the group's member list names logins.
        guard let entry = getpwuid(uid), let login = entry.pointee.pw_name.map({ String(cString: $0) }) else {
            return false
        }
        var member = group.pointee.gr_mem
        while let name = member?.pointee {
            if String(cString: name) == login { return true }
            member = member?.advanced(by: 1)
        }
        return false
    }
}

/// Resolves a Unix login to its uid.
func uidForLogin(_ login: String) -> Int64? {
    guard let entry = getpwnam(login) else { return nil }
    return Int64(entry.pointee.pw_uid)
}
