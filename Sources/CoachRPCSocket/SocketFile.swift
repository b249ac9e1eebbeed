import CoachSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file-system side of a socket the daemon binds itself: its directory, a stale file left by
/// a crash, and the mode and group other users need to connect.
enum SocketFile {
    /// Room in `sockaddr_un.sun_path`, less the terminating NUL.
    static var maxPathBytes: Int { UnixSocketAddress.maxPathBytes }

    /// Makes the parent directory when missing and removes a stale socket file. Throws when the
    /// path is too long, holds something other than a socket, or a live server answers there.
    static func prepare(_ path: String) throws(RPCSocketError) {
        guard path.utf8.count <= maxPathBytes else { throw .pathTooLong(path, limit: maxPathBytes) }
        try makeParentDirectory(of: path)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return }
            throw .socketFile(path, "lstat", errno: code)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path) }
        if try isListening(path) { throw .addressInUse(path) }
        guard unlink(path) == 0 || errno == ENOENT else { throw .socketFile(path, "unlink stale socket", errno: errno) }
    }

    /// Sets the mode and, when given, the group of the bound socket file.
    static func applyPermissions(_ path: String, mode: UInt32, group: gid_t?) throws(RPCSocketError) {
        if let group, chown(path, uid_t.max, group) != 0 {  // uid_t.max is (uid_t)-1: keep the owner
            throw .socketFile(path, "chown to gid \(group)", errno: errno)
        }
        guard chmod(path, mode_t(mode)) == 0 else { throw .socketFile(path, "chmod", errno: errno) }
    }

    /// The gid of a group name; throws when there is no such group.
    static func groupID(named name: String) throws(RPCSocketError) -> gid_t {
        guard let group = UnixAccounts.group(named: name) else { throw .unknownGroup(name) }
        return group.gid
    }

    /// True when something accepts connections at `path`.
    private static func isListening(_ path: String) throws(RPCSocketError) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .socketFile(path, "socket", errno: errno) }
        defer { close(fd) }
        // `prepare` has checked the length; an address that cannot be built is not a listener.
        guard let address = try? UnixSocketAddress(path: path) else { return false }
        let status = address.connect(fd)
        if status == 0 { return true }
        let code = errno
        // Refused: a file with no listener behind it, left by a crash. Anything else (EACCES, …)
        // means we cannot tell, and must not delete it.
        if code == ECONNREFUSED { return false }
        throw .socketFile(path, "connect to check", errno: code)
    }

    private static func makeParentDirectory(of path: String) throws(RPCSocketError) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        guard !components.isEmpty else { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        if components.first == "" { components = components.dropFirst() }
        for component in components where !component.isEmpty {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw .socketFile(prefix, "mkdir", errno: errno)
            }
            prefix += "/"
        }
    }
}
