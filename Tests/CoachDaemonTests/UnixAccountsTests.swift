import CoachSupport
import Foundation
import Testing

@testable import CoachDaemon

/// The account lookups behind `login` resolution and the admin group, on the machine's real NSS.
@Suite("Unix accounts and the admin group")
struct UnixAccountsTests {
    @Test func root_isFoundByLoginAndByUID() {
        #expect(UnixAccounts.uid(ofLogin: "root") == 0)
        #expect(UnixAccounts.login(ofUID: 0) == "root")
        #expect(UnixAccounts.group(named: "root")?.gid == 0)
    }

    @Test func unknownNames_areNil() {
        #expect(UnixAccounts.uid(ofLogin: "no-such-login-coachd") == nil)
        #expect(UnixAccounts.login(ofUID: 3_999_999_999) == nil)
        #expect(UnixAccounts.group(named: "no-such-group-coachd") == nil)
    }

    @Test func admins_areRoot_theDaemonsUser_andTheAdminGroupByPrimaryGID() {
        let policy = AdminPolicy(daemonUID: 4242, adminGroup: "root")
        #expect(policy.isAdmin(uid: 0, gid: 1))
        #expect(policy.isAdmin(uid: 4242, gid: 4242))
        #expect(policy.isAdmin(uid: 61_000, gid: 0))
        #expect(!policy.isAdmin(uid: 61_000, gid: 61_000))
        policy.set(group: nil)
        #expect(!policy.isAdmin(uid: 61_000, gid: 0))
    }

    /// A group in /etc/group that lists a member whose login resolves (only read), or nil.
    static let groupWithMember: [Substring]? = {
        let groups = (try? String(contentsOfFile: "/etc/group", encoding: .utf8)) ?? ""
        return groups.split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false) }
            .first {
                $0.count == 4 && !$0[3].isEmpty
                    && UnixAccounts.uid(ofLogin: String($0[3].split(separator: ",")[0])) != nil
            }
    }()

    /// Supplementary membership is read from the group's member list, which needs a group with a
    /// listed member on this machine; the runner reports the test as skipped where there is none.
    @Test(.enabled(if: groupWithMember != nil, "no group in /etc/group lists a member whose login resolves"))
    func admins_includeSupplementaryMembersOfTheAdminGroup() throws {
        let entry = try #require(Self.groupWithMember)
        let member = String(entry[3].split(separator: ",")[0])
        let uid = try #require(UnixAccounts.uid(ofLogin: member))
        let policy = AdminPolicy(daemonUID: 4242, adminGroup: String(entry[0]))
        #expect(policy.isAdmin(uid: uid, gid: 3_999_999_998))
        #expect(UnixAccounts.group(named: String(entry[0]))?.members.contains(member) == true)
    }

    /// Lookups run from concurrent requests: the reentrant calls keep answers apart.
    @Test func concurrentLookups_agree() async {
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    index.isMultiple(of: 2)
                        ? UnixAccounts.login(ofUID: 0) == "root" : UnixAccounts.group(named: "root")?.gid == 0
                }
            }
            for await agreed in group { #expect(agreed) }
        }
    }
}
