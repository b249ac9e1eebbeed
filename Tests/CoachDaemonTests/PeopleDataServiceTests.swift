import CoachDomain
import CoachRPC
import CoachStore
import CoachSupport
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 13 through the service: a staff CSV in (all or nothing, again and again), everything held
/// about a person out, and erasure.
@Suite("The service: people in and personal data")
struct PeopleDataServiceTests {
    /// Logins every Debian machine has (base-passwd), so the import resolves real accounts.
    static func uid(_ login: String) throws -> Int64 { Int64(try #require(UnixAccounts.uid(ofLogin: login))) }

    /// The fixture's school, plus a coach already there with the login `sys`.
    func fixture() async throws -> ServiceFixture {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.peopleAdd(
            .init(name: "Sy Coach", school: f.school, roles: ["coach"], login: "sys"), Peers.admin)
        return f
    }

    /// A staff list as a spreadsheet exports it: a byte-order mark, CRLF, a name with a comma, a
    /// column coachd does not read holding a quoted line break and quotes, roles in any case with
    /// spaces around `;`, a uid instead of a login, a blank row, and coaches named by login (one
    /// further down the same file, one already in the school).
    static let staff =
        "\u{FEFF}Name,Login,UID,Roles,Coach,Notes\r\n"
        + "\"Lovelace, Ada\",daemon,,teacher,bin,\"Year 3,\r\nroom 2\"\r\n"
        + "Bin Coach,bin,,Coach ; lead,,\r\n"
        + "\r\n"
        + "Uma Uid,,6001,teacher,sys,\"said \"\"hi\"\"\"\r\n"

    func people(_ f: ServiceFixture) async throws -> [PersonInfo] {
        try await f.service.peopleList(.init(school: f.school, includeInactive: true), Peers.admin).people
    }

    @Test func import_readsEveryQuirk_addsPeople_andPairsTeachersWithTheirCoaches() async throws {
        let f = try await fixture()
        let result = try await f.service.peopleImport(.init(school: f.school, csv: Self.staff), Peers.lead)
        #expect(result.errors == nil)
        #expect(result.added == 3)
        #expect(result.pairsCreated == 2)
        #expect(result.unchanged == 0)
        #expect(result.dryRun == false)
        #expect(result.ignoredColumns == ["Notes"])
        #expect(result.rows.map(\.row) == [2, 3, 5])
        #expect(result.rows.map(\.outcome) == ["added", "added", "added"])
        #expect(result.rows.map(\.pair) == ["created", nil, "created"])

        let people = try await people(f)
        let ada = try #require(people.first { $0.name == "Lovelace, Ada" })
        #expect(ada.uid == (try Self.uid("daemon")))
        #expect(ada.login == "daemon")
        #expect(ada.roles == ["teacher"])
        let bin = try #require(people.first { $0.name == "Bin Coach" })
        #expect(bin.roles == ["coach", "lead"])
        let uma = try #require(people.first { $0.name == "Uma Uid" })
        #expect(uma.uid == 6001 && uma.login == nil)
        let sy = try #require(people.first { $0.login == "sys" })

        let pairs = try await f.service.pairsList(.init(school: f.school), Peers.admin).pairs
        #expect(pairs.contains { $0.teacher == ada.id && $0.coach == bin.id })
        #expect(pairs.contains { $0.teacher == uma.id && $0.coach == sy.id })
        // Each new person and pair is in the history, and journaled with ids only.
        #expect(!f.log.text.contains("Lovelace"))
    }

    @Test func importingTwice_changesNothing_andSaysEveryRowIsUnchanged() async throws {
        let f = try await fixture()
        _ = try await f.service.peopleImport(.init(school: f.school, csv: Self.staff), Peers.admin)
        let people = try await people(f)
        let pairs = try await f.service.pairsList(.init(school: f.school), Peers.admin).pairs
        let history = try await f.store.read { try $0.count(of: .history) }

        let again = try await f.service.peopleImport(.init(school: f.school, csv: Self.staff), Peers.lead)
        #expect(again.errors == nil)
        #expect(again.added == 0 && again.pairsCreated == 0 && again.unchanged == 3)
        #expect(again.rows.map(\.outcome) == ["unchanged", "unchanged", "unchanged"])
        #expect(again.rows.map(\.pair) == ["unchanged", nil, "unchanged"])
        #expect(again.rows.allSatisfy { $0.person != nil })
        #expect(try await self.people(f) == people)
        #expect(try await f.service.pairsList(.init(school: f.school), Peers.admin).pairs == pairs)
        #expect(try await f.store.read { try $0.count(of: .history) } == history)
    }

    @Test func oneBadRow_storesNothing_andNamesTheRowAndColumn() async throws {
        let f = try await fixture()
        let before = try await people(f)
        let csv = """
            name,login,roles,coach
            Ada Lovelace,daemon,teacher,bin
            Bin Coach,bin,coach;pilot,
            Gus Games,games,teacher,nosuchcoach
            Man Page,man,teacher,
            """
        let result = try await f.service.peopleImport(.init(school: f.school, csv: csv), Peers.lead)
        let errors = try #require(result.errors)
        #expect(errors.map(\.row) == [3, 4])
        #expect(errors.map(\.column) == ["roles", "coach"])
        #expect(errors[0].message.contains("\"pilot\" is not a role"))
        #expect(errors[1].message.contains("nosuchcoach"))
        #expect(result.added == 0 && result.pairsCreated == 0 && result.rows.isEmpty)
        #expect(try await people(f) == before)
    }

    @Test func rowErrors_coverEveryField() async throws {
        let f = try await fixture()
        let csv = """
            name,login,uid,roles,coach
            ,daemon,,teacher,
            Bad Login,-x,,teacher,
            Bad Uid,,-3,teacher,
            No Identity,,,teacher,
            No Roles,games,,,
            Coach Of Coach,man,,coach,sys
            Twice,daemon,,teacher,
            Other School,,5005,teacher,
            Wrong Uid,lp,4,teacher,
            Self Coach,mail,,teacher;coach,mail
            """
        let errors = try #require(
            try await f.service.peopleImport(.init(school: f.school, csv: csv), Peers.admin).errors)
        let named = errors.map { "\($0.row):\($0.column)" }
        #expect(
            named == [
                "2:name", "3:login", "4:uid", "5:login", "6:roles", "7:coach", "9:uid", "10:uid", "11:coach",
            ])
        // Row 8 repeats row 2's login, but row 2 already failed, so it is taken on its own.
        #expect(errors.first { $0.row == 9 }?.message.contains("another school") == true)
    }

    @Test func theSamePersonTwice_inOneFile_isAnError() async throws {
        let f = try await fixture()
        let csv = "name,login,roles\nAda,daemon,teacher\nAda again,daemon,teacher\n"
        let errors = try #require(
            try await f.service.peopleImport(.init(school: f.school, csv: csv), Peers.admin).errors)
        #expect(errors.map { "\($0.row):\($0.column)" } == ["3:login"])
        #expect(errors[0].message.contains("row 2"))
    }

    @Test func dryRun_saysWhatWouldHappen_andChangesNothing() async throws {
        let f = try await fixture()
        let before = try await people(f)
        let history = try await f.store.read { try $0.count(of: .history) }
        let result = try await f.service.peopleImport(
            .init(school: f.school, csv: Self.staff, dryRun: true), Peers.lead)
        #expect(result.dryRun)
        #expect(result.added == 3 && result.pairsCreated == 2)
        #expect(result.rows.allSatisfy { $0.person == nil })
        #expect(try await people(f) == before)
        #expect(try await f.store.read { try $0.count(of: .history) } == history)
        #expect(try await f.store.read { try $0.count(of: .pair) } == 2)
    }

    @Test func theFileIsBounded_andMustNameItsColumns() async throws {
        let f = try await fixture()
        let big = "name,login,roles\n" + String(repeating: "x", count: StaffImport.maxBytes)
        #expect(
            await wireError { _ = try await f.service.peopleImport(.init(school: f.school, csv: big), Peers.admin) }?
                .data?.field == "csv")
        let rows =
            "name,uid,roles\n" + (0...StaffImport.maxRows).map { "P\($0),\(7000 + $0),teacher" }.joined(separator: "\n")
        let tooMany = await wireError {
            _ = try await f.service.peopleImport(.init(school: f.school, csv: rows), Peers.admin)
        }
        #expect(tooMany?.message.contains("more than \(StaffImport.maxRows) rows") == true)
        #expect(
            await wireError { _ = try await f.service.peopleImport(.init(school: f.school, csv: ""), Peers.admin) }?
                .data?.field == "csv")
        let header = try await f.service.peopleImport(
            .init(school: f.school, csv: "full name,email\nAda,a@b\n"), Peers.admin)
        #expect(try #require(header.errors).map(\.column) == ["name", "roles", "login"])
        #expect(header.errors?.allSatisfy { $0.row == 1 } == true)
    }

    @Test func import_isForTheSchoolsLeadAndAdmins() async throws {
        let f = try await fixture()
        let otherLead = await wireError {
            _ = try await f.service.peopleImport(.init(school: f.school, csv: Self.staff), Peers.otherLead)
        }
        #expect(otherLead?.name == .permissionDenied)
        // Through the method table, a teacher is refused before the params are read.
        let table = try f.service.methodTable(connections: { 0 })
        let handler = try #require(table.handler(for: PeopleImport.name))
        let teacher = await wireError {
            _ = try await handler(["school": .int(f.school), "csv": .string(Self.staff)], Peers.teacher)
        }
        #expect(teacher?.name == .permissionDenied)
        #expect(try await people(f).count == 5)
    }

    @Test func roles_areCheckedByOneRule_inAddUpdateAndImport() async throws {
        let f = try await fixture()
        let many = Array(repeating: "teacher", count: Role.maxNamesPerPerson + 1)
        let update = await wireError {
            _ = try await f.service.peopleUpdate(.init(person: f.teacher, roles: many), Peers.admin)
        }
        #expect(update?.message == "give at most 16 roles")
        let add = await wireError {
            _ = try await f.service.peopleAdd(.init(name: "Z", school: f.school, roles: many, uid: 7777), Peers.admin)
        }
        #expect(add?.message == update?.message)
        #expect(throws: DomainError.self) { try Role.parse(["Teacher"]) }
        #expect(try Role.parse(["teacher", "coach", "teacher"]) == [.teacher, .coach])
    }

    // MARK: Export and erasure

    /// The fixture with a full cycle in Ada's pair and notes in Bo's pair, which must never leak.
    func cycled() async throws -> (ServiceFixture, bo: Int64) {
        let f = try await fixture()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "ADA-FOCUS wait time"), Peers.teacher)
        let booked = try await f.service.dropInsSchedule(
            .init(pair: f.pair, start: "2026-11-23T10:00:00Z", minutes: 10), Peers.teacher)
        f.clock.advance(days: 0.1)
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id, notes: "ADA-DROPIN-NOTE"), Peers.coach)
        _ = try await f.service.followUpsComplete(.init(dropin: booked.id, notes: "ADA-FOLLOWUP-NOTE"), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "ADA-ADAPTATION"), Peers.teacher)
        let bo = try await f.service.pairsList(.init(school: f.school), Peers.admin).pairs.first {
            $0.teacherName == "Bo"
        }!
        _ = try await f.service.cyclesStart(.init(pair: bo.id, focus: "BO-SECRET"), Peers.otherTeacher)
        return (f, bo.id)
    }

    @Test func export_holdsEverythingAboutThePerson_andNothingAboutOthers() async throws {
        let (f, _) = try await cycled()
        let export = try await f.service.peopleExport(.init(person: f.teacher), Peers.admin)
        #expect(export.person.name == "Ada")
        #expect(export.pairs.map(\.pair.id) == [f.pair])
        let pair = try #require(export.pairs.first)
        #expect(pair.confidentialVisible)
        #expect(pair.cycles.map(\.focus) == ["ADA-FOCUS wait time"])
        #expect(pair.dropins.first?.notes == "ADA-DROPIN-NOTE")
        #expect(pair.dropins.first?.followUp?.notes == "ADA-FOLLOWUP-NOTE")
        #expect(pair.adaptations.first?.text == "ADA-ADAPTATION")
        #expect(pair.history.map(\.event).contains("dropin.completed"))
        #expect(export.history.map(\.event) == ["person.added"])
        let json = String(decoding: try JSONEncoder().encode(export), as: UTF8.self)
        #expect(!json.contains("BO-SECRET"))
        #expect(!json.contains("\"Bo\""))
        // The lead who created the pair acted on it, but is not named in Ada's export.
        #expect(!json.contains("\"Lee\""))
        // Journaled with ids only.
        let line = try #require(f.log.all.first { $0.contains("person.exported") })
        #expect(line.contains("coachd.subject=\(f.teacher)"))
        #expect(!line.contains("Ada"))
    }

    @Test func exportAndErase_areForAdminsOnly_andEraseNeedsTheName() async throws {
        let (f, _) = try await cycled()
        let table = try f.service.methodTable(connections: { 0 })
        for method in [PeopleExport.name, PeopleErase.name] {
            let handler = try #require(table.handler(for: method))
            for peer in [Peers.lead, Peers.teacher] {
                let refused = await wireError {
                    _ = try await handler(["person": .int(f.teacher), "confirm": .string("Ada")], peer)
                }
                #expect(refused?.name == .permissionDenied, "\(method) as uid \(peer.uid)")
            }
        }
        let wrong = await wireError {
            _ = try await f.service.peopleErase(.init(person: f.teacher, confirm: "Bo"), Peers.admin)
        }
        #expect(wrong?.data?.field == "confirm")
        #expect(try await f.store.read { try $0.person(f.teacher)?.name } == "Ada")
        let missing = await wireError { _ = try await f.service.peopleExport(.init(person: 999), Peers.admin) }
        #expect(missing?.name == .notFound)
    }

    @Test func erase_removesNameLinkAndEveryTextOfTheirPairs_andKeepsTheCounts() async throws {
        let (f, bo) = try await cycled()
        let history = try await f.store.read { try $0.count(of: .history) }
        let erased = try await f.service.peopleErase(.init(person: f.teacher, confirm: "Ada"), Peers.admin)
        #expect(erased.name == "Erased person \(f.teacher)")
        #expect(erased.pairsEnded == 1)
        #expect(erased.focuses == 1 && erased.dropInNotes == 1 && erased.followUpNotes == 1 && erased.adaptations == 1)
        #expect(erased.checkpointed)

        let person = try #require(try await f.store.read { try $0.person(f.teacher) })
        #expect(person.name == "Erased person \(f.teacher)")
        #expect(person.uid == nil && person.login == nil && !person.active)
        // Ada's uid is no one now.
        #expect(try await f.service.peopleMe(Peers.teacher).person == nil)
        let pair = try await f.service.pairsShow(.init(pair: f.pair), Peers.admin)
        #expect(pair.pair.active == false)
        let detail = try await f.service.peopleExport(.init(person: f.teacher), Peers.admin)
        let json = String(decoding: try JSONEncoder().encode(detail), as: UTF8.self)
        for text in ["ADA-FOCUS", "ADA-DROPIN-NOTE", "ADA-FOLLOWUP-NOTE", "ADA-ADAPTATION", "\"Ada\""] {
            #expect(!json.contains(text), "\(text) survived")
        }
        // The rows stay, so counts and reports stay right; the history keeps anonymous events.
        #expect(detail.pairs.first?.dropins.count == 1)
        #expect(detail.pairs.first?.dropins.first?.status == "done")
        #expect(try await f.store.read { try $0.count(of: .history) } > history)
        #expect(detail.history.map(\.event).suffix(1) == ["person.erased"])
        // Bo's pair, with the same coach, is untouched.
        let other = try await f.service.pairsShow(.init(pair: bo), Peers.otherTeacher)
        #expect(other.cycles.map(\.focus) == ["BO-SECRET"])
        #expect(other.pair.active == true)
        let line = try #require(f.log.all.first { $0.contains("person.erased") })
        #expect(!line.contains("Ada"))
        // Erasing again (the name is now the placeholder) finds nothing left to erase.
        let again = try await f.service.peopleErase(.init(person: f.teacher, confirm: erased.name), Peers.admin)
        #expect(again.pairsEnded == 0 && again.focuses == 0 && again.dropInNotes == 0 && again.adaptations == 0)
        #expect(again.reasons <= 1)
    }
}
