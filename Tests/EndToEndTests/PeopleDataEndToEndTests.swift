import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 13 as real Unix users through the real coachctl: a staff list imported (twice), a
    /// person exported and erased, and then no byte of what was erased left in any file of the
    /// state directory once the daemon has stopped.
    @Suite("End to end: people in and personal data", .serialized)
    struct PeopleDataEndToEndTests {
        @Test func staffList_isImportedRowByRow_andAgainChangesNothing() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let file = daemon.directory + "/staff.csv"
            let csv =
                "\u{FEFF}name,uid,roles,coach,department\r\n"
                + "\"Lovelace, Ada\",62001,teacher,daemon,\"Maths,\r\nYear 3\"\r\n"
                + "Dee Daemon,,coach;lead,,\r\n"
            // Dee's row has no login and no uid: the file is refused whole, the row and column named.
            try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
            let bad = try daemon.ctl(["person", "import", file, "--school", "\(school.id)"], uid: UID.lead)
            #expect(bad.status == 1)
            #expect(bad.stdout.contains("row 3, uid: give the person's Unix login or uid"), "\(bad.stdout)")
            #expect(bad.stderr.contains("nothing was stored"))

            let fixed = csv.replacingOccurrences(of: "Dee Daemon,,", with: "Dee Daemon,1,")
            try Data(fixed.utf8).write(to: URL(fileURLWithPath: file))
            // `daemon` is a login on every Debian machine, with uid 1.
            let dry = try daemon.ctl(
                ["person", "import", file, "--school", "\(school.id)", "--dry-run"], uid: UID.lead)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("row 2: would add Lovelace, Ada, would pair with daemon"), "\(dry.stdout)")
            #expect(dry.stdout.contains("Dry run: nothing was stored."))
            let listed = try daemon.ctl(["--json", "person", "list", "--school", "\(school.id)"], uid: UID.lead)
            #expect(try listed.json(PersonList.self).people.count == 4)

            let done = try daemon.ctl(["person", "import", file, "--school", "\(school.id)"], uid: UID.lead)
            #expect(done.status == 0, "\(done.stderr)")
            #expect(done.stdout.contains("Added 2 people and 1 pair; 0 unchanged."), "\(done.stdout)")
            #expect(done.stdout.contains("Columns not read: department."))
            let again = try daemon.ctl(["--json", "person", "import", file, "--school", "\(school.id)"], uid: UID.lead)
            #expect(again.status == 0, "\(again.stderr)")
            let result = try again.json(PeopleImportResult.self)
            #expect(result.added == 0 && result.pairsCreated == 0 && result.unchanged == 2)
            // A teacher may not import.
            #expect(
                try daemon.ctl(["person", "import", file, "--school", "\(school.id)"], uid: UID.teacher).status == 1)
        }

        @Test func eraseEndToEnd_leavesNoByteOfTheNameOrNotes_inAnyFileOfTheStateDirectory() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let day = AccessEndToEndTests.shift(recentWeekday(), by: -7)
            let focus = "Zebra-focus-7Q3 wait time"
            let dropInNote = "Xylophone-dropin-9K2"
            let followUpNote = "Quokka-followup-4M8"
            let adaptation = "Narwhal-adaptation-2P5"
            #expect(try daemon.ctl(["cycle", "start", "--focus", focus], uid: UID.teacher).status == 0)
            let logged = try daemon.ctl(
                ["--json", "dropin", "log", "--at", "\(day)T09:00", "--minutes", "10", "--notes", dropInNote],
                uid: UID.coach)
            #expect(logged.status == 0, "\(logged.stderr)")
            let dropIn = try logged.json(DropInInfo.self).id
            let talked = try daemon.ctl(
                ["followup", "done", "\(dropIn)", "--at", "\(day)T14:00", "--notes", followUpNote], uid: UID.teacher)
            #expect(talked.status == 0, "\(talked.stderr)")
            #expect(try daemon.ctl(["adaptation", "set", adaptation], uid: UID.teacher).status == 0)

            // Export: admins only; the document holds every text of Ada's pair.
            #expect(try daemon.ctl(["person", "export", "\(school.teacher)"], uid: UID.teacher).status == 1)
            #expect(try daemon.ctl(["person", "export", "\(school.teacher)"], uid: UID.lead).status == 1)
            let export = try daemon.ctl(["person", "export", "\(school.teacher)"])
            #expect(export.status == 0, "\(export.stderr)")
            let document = try export.json(PersonExport.self)
            #expect(document.person.name == "Ada Teacher")
            for text in [focus, dropInNote, followUpNote, adaptation] { #expect(export.stdout.contains(text)) }
            #expect(!export.stdout.contains("Bo Teacher"))

            // Erase: admins only, and the name must match.
            let lead = try daemon.ctl(
                ["person", "erase", "\(school.teacher)", "--confirm", "Ada Teacher"], uid: UID.lead)
            #expect(lead.status == 1)
            let wrong = try daemon.ctl(["person", "erase", "\(school.teacher)", "--confirm", "Ada"])
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("confirm"))
            let erase = try daemon.ctl(["--json", "person", "erase", "\(school.teacher)", "--confirm", "Ada Teacher"])
            #expect(erase.status == 0, "\(erase.stderr)")
            let erased = try erase.json(PersonErased.self)
            #expect(erased.pairsEnded == 1 && erased.focuses == 1 && erased.dropInNotes == 1)
            #expect(erased.followUpNotes == 1 && erased.adaptations == 1)
            #expect(erased.checkpointed)
            // Ada's uid is no one now; the pair's history keeps its events.
            let me = try daemon.ctl(["--json", "me"], uid: UID.teacher)
            #expect(try me.json(MeResult.self).person == nil)
            let shown = try daemon.ctl(["--json", "pair", "show", "\(school.pair)"])
            #expect(try shown.json(PairDetail.self).history.count >= 5)

            daemon.stop()
            let files = try FileManager.default.subpathsOfDirectory(atPath: daemon.stateDirectory)
            #expect(files.contains("coachd.sqlite"))
            for name in files {
                var isDirectory: ObjCBool = false
                let path = daemon.stateDirectory + "/" + name
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                for secret in ["Ada Teacher", focus, dropInNote, followUpNote, adaptation] {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) survives in \(name)")
                }
            }
            // The journal (here the daemon's log) never held any of it.
            for secret in ["Ada Teacher", focus, dropInNote, followUpNote, adaptation] {
                #expect(!daemon.log.contains(secret), "\(secret) is in the log")
            }
            // What stays is still there: Bo's name, in the same file.
            let database = try Data(contentsOf: URL(fileURLWithPath: daemon.stateDirectory + "/coachd.sqlite"))
            #expect(database.range(of: Data("Bo Teacher".utf8)) != nil)
        }
    }
}
