import CoachDomain
import CoachStore
import CoachSupport
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

    /// Admins and the pair's two people act on a pair (a deactivated person only reads).
    func canActOn(_ pair: Pair) -> Bool { isAdmin || (isMember(of: pair) && isActive) }

    /// Admins, and the school's lead, manage a school (a deactivated lead only reads).
    func canManage(school: Int64) -> Bool { isAdmin || (leads(school) && isActive) }

    /// Admins, and the school's lead or head, read a school's figures (status, coverage, reports):
    /// dates and counts, never text. A deactivated lead still reads, as with `canSee`.
    func oversees(school: Int64) -> Bool {
        if isAdmin { return true }
        guard let person, person.school == school else { return false }
        return person.roles.contains(.lead) || person.roles.contains(.head)
    }

    /// Whether the linked person is active (deactivated people act on nothing).
    var isActive: Bool { person?.active ?? false }

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
        guard let name = lock.withLock({ adminGroup }), let group = UnixAccounts.group(named: name) else {
            return false
        }
        if gid == group.gid { return true }
        // Supplementary membership: the group's member list names logins.
        guard let login = UnixAccounts.login(ofUID: uid) else { return false }
        return group.members.contains(login)
    }
}
