import CoachSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Shared helpers: the socket address, the accounts, the generator")
struct CoachSupportTests {
    @Test func socketAddress_refusesWhatDoesNotFit_namingTheLimit() throws {
        #expect(throws: UnixSocketAddress.Refusal.empty) { try UnixSocketAddress(path: "") }
        #expect(throws: UnixSocketAddress.Refusal.containsNUL) { try UnixSocketAddress(path: "/tmp/a\u{0}b") }
        let longest = "/" + String(repeating: "x", count: UnixSocketAddress.maxPathBytes - 1)
        #expect(UnixSocketAddress.maxPathBytes == 107)
        #expect(try UnixSocketAddress(path: longest).path == longest)
        #expect(throws: UnixSocketAddress.Refusal.tooLong(bytes: 108)) { try UnixSocketAddress(path: longest + "y") }
        #expect(
            UnixSocketAddress.Refusal.tooLong(bytes: 108).description
                == "the socket path is 108 bytes long; a Unix socket path has at most 107")
    }

    @Test func socketAddress_bindsAndConnects_atTheLongestPath() throws {
        // The longest path the kernel takes, in a directory of its own: bind, listen, connect.
        var template = Array("/tmp/coachsupport-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { rmdir(directory) }
        let name = String(repeating: "s", count: UnixSocketAddress.maxPathBytes - directory.utf8.count - 1)
        let address = try UnixSocketAddress(path: directory + "/" + name)
        defer { unlink(address.path) }
        let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer {
            close(server)
            close(client)
        }
        #expect(address.bind(server) == 0)
        #expect(listen(server, 1) == 0)
        #expect(address.connect(client) == 0)
        // Nothing listens at a sibling path: refused, with errno set.
        let other = try UnixSocketAddress(path: directory + "/none")
        let third = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(third) }
        #expect(other.connect(third) == -1 && errno == ENOENT)
    }

    @Test func accounts_findRoot_andNothingForNames_noOneHas() {
        #expect(UnixAccounts.uid(ofLogin: "root") == 0)
        #expect(UnixAccounts.login(ofUID: 0) == "root")
        #expect(UnixAccounts.group(named: "root")?.gid == 0)
        #expect(UnixAccounts.uid(ofLogin: "no-such-login-coachd") == nil)
        #expect(UnixAccounts.group(named: "no-such-group-coachd") == nil)
    }

    @Test func splitMix64_givesTheReferenceSequence() {
        // The reference implementation (Vigna's splitmix64.c) from seed 0.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
        var other = SplitMix64(seed: 1)
        #expect(other.next() != 0xE220_A839_7B1D_CDAF)
    }
}
