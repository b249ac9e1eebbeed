#if canImport(Glibc)
    public import Glibc
#elseif canImport(Musl)
    public import Musl
#elseif canImport(Darwin)
    public import Darwin
#endif

/// A Unix-domain socket address, built in one place for the daemon, the client, the benchmarks and
/// the tests: the path is checked against `sun_path`'s room once, so no caller can overrun it.
public struct UnixSocketAddress: Sendable, Hashable {
    /// The most bytes a socket path may have: `sun_path` less its terminating NUL (107 on Linux).
    public static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Why a path cannot be a socket address, in words a person can act on.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case tooLong(bytes: Int)
        case containsNUL

        public var description: String {
            switch self {
            case .empty: "the socket path is empty"
            case .tooLong(let bytes):
                "the socket path is \(bytes) bytes long; a Unix socket path has at most \(UnixSocketAddress.maxPathBytes)"
            case .containsNUL: "the socket path contains a NUL byte"
            }
        }
    }

    public let path: String
    private let bytes: [UInt8]

    /// The address of `path`; throws when the path is empty, holds a NUL or does not fit.
    public init(path: String) throws(Refusal) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard !bytes.contains(0) else { throw .containsNUL }
        guard bytes.count <= Self.maxPathBytes else { throw .tooLong(bytes: bytes.count) }
        self.path = path
        self.bytes = bytes
    }

    /// Calls `body` with the `sockaddr` and its length, as `connect` and `bind` take them.
    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                try body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// `connect(2)` of `fd` to this address: 0, or -1 with `errno` set.
    public func connect(_ fd: Int32) -> Int32 {
        withSockaddr { address, length in
            #if canImport(Glibc)
                Glibc.connect(fd, address, length)
            #elseif canImport(Musl)
                Musl.connect(fd, address, length)
            #else
                Darwin.connect(fd, address, length)
            #endif
        }
    }

    /// `bind(2)` of `fd` to this address: 0, or -1 with `errno` set.
    public func bind(_ fd: Int32) -> Int32 {
        withSockaddr { address, length in
            #if canImport(Glibc)
                Glibc.bind(fd, address, length)
            #elseif canImport(Musl)
                Musl.bind(fd, address, length)
            #else
                Darwin.bind(fd, address, length)
            #endif
        }
    }
}
