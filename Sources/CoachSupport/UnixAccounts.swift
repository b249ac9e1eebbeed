#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// File scope, where `passwd` and `group` name the C structs, not the methods below.
private typealias PasswdEntry = passwd
private typealias GroupEntry = group

/// The account database (passwd and group, through NSS), read with the reentrant `_r` calls:
/// requests run concurrently, and `getpwnam`/`getgrnam` return pointers into one static buffer.
public enum UnixAccounts {
    /// A group's id and the logins listed as its supplementary members.
    public struct Group: Sendable, Hashable {
        public var gid: UInt32
        public var members: [String]

        public init(gid: UInt32, members: [String]) {
            self.gid = gid
            self.members = members
        }
    }

    /// The uid of a login; nil when there is no such user.
    public static func uid(ofLogin login: String) -> UInt32? {
        passwd { entry, buffer, capacity, result in getpwnam_r(login, &entry, buffer, capacity, &result) }?.uid
    }

    /// The login of a uid; nil when no user has it.
    public static func login(ofUID uid: UInt32) -> String? {
        passwd { entry, buffer, capacity, result in getpwuid_r(uid, &entry, buffer, capacity, &result) }?.login
    }

    /// A group by name; nil when there is no such group.
    public static func group(named name: String) -> Group? {
        var entry = GroupEntry()
        var result: UnsafeMutablePointer<GroupEntry>?
        return lookup { buffer, capacity in
            let status = getgrnam_r(name, &entry, buffer, capacity, &result)
            if status == ERANGE { return .retry }
            guard status == 0, let found = result?.pointee else { return .done(nil) }
            var members: [String] = []
            var cursor = found.gr_mem
            while let member = cursor?.pointee {
                members.append(String(cString: member))
                cursor = cursor?.advanced(by: 1)
            }
            return .done(Group(gid: found.gr_gid, members: members))
        }
    }

    /// A passwd entry's uid and login, copied while the scratch buffer its strings point into lives.
    private static func passwd(
        _ call: (inout PasswdEntry, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<PasswdEntry>?) -> Int32
    ) -> (uid: UInt32, login: String)? {
        var entry = PasswdEntry()
        var result: UnsafeMutablePointer<PasswdEntry>?
        return lookup { buffer, capacity in
            let status = call(&entry, buffer, capacity, &result)
            if status == ERANGE { return .retry }
            guard status == 0, let found = result?.pointee, let name = found.pw_name else { return .done(nil) }
            return .done((found.pw_uid, String(cString: name)))
        }
    }

    private enum Step<T> {
        case retry
        case done(T?)
    }

    /// Calls `body` with a scratch buffer, four times larger after each `.retry` (ERANGE), up to 1 MiB.
    private static func lookup<T>(_ body: (UnsafeMutablePointer<CChar>, Int) -> Step<T>) -> T? {
        var capacity = 1024
        while capacity <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: capacity)
            if case .done(let value) = buffer.withUnsafeMutableBufferPointer({ body($0.baseAddress!, capacity) }) {
                return value
            }
            capacity *= 4
        }
        return nil
    }
}
