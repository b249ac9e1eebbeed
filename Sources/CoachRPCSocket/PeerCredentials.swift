/// The process at the other end of a connection, as the kernel reports it (`SO_PEERCRED`).
public struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The peer's process id at connect time.
    public var pid: Int32
    /// The peer's effective user id: what permissions are decided on.
    public var uid: UInt32
    /// The peer's effective group id.
    public var gid: UInt32

    /// Credentials as given; the server fills them from the socket.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "pid \(pid), uid \(uid), gid \(gid)" }
}

/// Laid out like `struct ucred { pid_t pid; uid_t uid; gid_t gid; }`, which glibc hides without
/// `_GNU_SOURCE`; `getsockopt(SO_PEERCRED)` fills it.
struct UCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
