import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 13 as real Unix users: a lead sets up the school from files (term dates as terms, bank
    /// holidays as closures, twice changing nothing); a teacher exports their own calendar, which a
    /// real iCalendar parser reads (Python's icalendar, `make ics-test`); a stranger is refused.
    @Suite("End to end: calendars in and out", .serialized)
    struct CalendarIOEndToEndTests {
        static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        static let exports = repository.appendingPathComponent(".build/calendar-export")

        /// Whether Python's icalendar can be imported here.
        static let hasICalendar: Bool = {
            (try? run("/usr/bin/env", ["python3", "-c", "import icalendar"]).status) == 0
        }()

        /// A file every test uid can read.
        static func file(_ name: String, _ text: String) throws -> String {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coachd-ics-\(getpid())")
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            return path
        }

        static func compact(_ day: String) -> String { day.replacingOccurrences(of: "-", with: "") }

        /// Term dates as a council publishes them: LF line ends, a folded summary, exclusive DTENDs.
        static func termDates(today: String) -> String {
            let shift = AccessEndToEndTests.shift
            return [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//County Council//Term Dates//EN",
                "X-WR-CALNAME:County term dates", "BEGIN:VEVENT", "UID:term-1@county.example",
                "SUMMARY:This term (county", "  schools)", "DTSTART;VALUE=DATE:\(compact(shift(today, -200)))",
                "DTEND;VALUE=DATE:\(compact(shift(today, 101)))", "END:VEVENT", "BEGIN:VEVENT",
                "UID:term-2@county.example", "SUMMARY:Next term", "DTSTART;VALUE=DATE:\(compact(shift(today, 101)))",
                "DTEND;VALUE=DATE:\(compact(shift(today, 301)))", "END:VEVENT", "BEGIN:VEVENT",
                "UID:evening@county.example", "SUMMARY:Governors' meeting",
                "DTSTART:\(compact(shift(today, 3)))T180000", "DTEND:\(compact(shift(today, 3)))T200000",
                "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\n") + "\n"
        }

        @Test func lead_setsUpTheSchoolFromFiles_twiceChangesNothing_aBadFileNamesItsLine() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let today = recentWeekday()
            let terms = try Self.file("terms.ics", Self.termDates(today: today))
            let id = "\(school.id)"

            let dry = try daemon.ctl(
                ["calendar", "import", terms, "--school", id, "--as", "terms", "--dry-run"], uid: UID.lead)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("Dry run (nothing stored)"))
            #expect(dry.stdout.contains("2 added, 0 updated, 0 unchanged, 0 removed, 1 skipped."))
            let listed = try daemon.ctl(["--json", "calendar", "list", "--school", id], uid: UID.lead)
            #expect(try listed.json(CalendarListing.self).terms.isEmpty)

            let first = try daemon.ctl(["calendar", "import", terms, "--school", id, "--as", "terms"], uid: UID.lead)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("This term (county schools)"))
            #expect(first.stdout.contains("Governors' meeting"))
            #expect(first.stdout.contains("a timed event"))
            let again = try daemon.ctl(["calendar", "import", terms, "--school", id, "--as", "terms"], uid: UID.lead)
            #expect(again.stdout.contains("0 added, 0 updated, 2 unchanged, 0 removed, 1 skipped."), "\(again.stdout)")

            let shift = AccessEndToEndTests.shift
            let holidays = try Self.file(
                "bank-holidays.json",
                """
                {"england-and-wales":{"division":"england-and-wales","events":[
                  {"title":"Spring bank holiday","date":"\(shift(today, 150))","notes":"","bunting":true},
                  {"title":"Summer bank holiday","date":"\(shift(today, 250))","notes":"","bunting":true}]},
                 "scotland":{"division":"scotland","events":[]},
                 "northern-ireland":{"division":"northern-ireland","events":[]}}
                """)
            let bank = try daemon.ctl(
                ["--json", "calendar", "import", holidays, "--school", id, "--division", "england-and-wales"],
                uid: UID.lead)
            #expect(bank.status == 0, "\(bank.stderr)")
            #expect(
                try bank.json(CalendarImported.self).added.map(\.summary) == [
                    "Spring bank holiday", "Summer bank holiday",
                ])
            let listing = try daemon.ctl(["--json", "calendar", "list", "--school", id], uid: UID.teacher)
            let calendar = try listing.json(CalendarListing.self)
            #expect(calendar.terms.map(\.name) == ["This term (county schools)", "Next term"])
            #expect(calendar.closures.map(\.reason) == ["Spring bank holiday", "Summer bank holiday"])

            let bad = try Self.file(
                "bad.ics",
                "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n")
            let refused = try daemon.ctl(["calendar", "import", bad, "--school", id], uid: UID.lead)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("line 4: DTSTART"), "\(refused.stderr)")
            // Not the school's lead: refused, whatever the file.
            for uid in [UID.teacher, UID.stranger] {
                let denied = try daemon.ctl(["calendar", "import", terms, "--school", id, "--as", "terms"], uid: uid)
                #expect(denied.status != 0)
            }
            #expect(
                try daemon.ctl(["--json", "calendar", "list", "--school", id], uid: UID.lead)
                    .json(CalendarListing.self).closures.count == 2)
        }

        @Test func teacher_exportsTheirOwn_parsedByICalendar_rescheduleKeepsUIDs_strangerRefused() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let required = ProcessInfo.processInfo.environment["COACHD_ICALENDAR"] == "required"
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            let done = try LeadsViewEndToEndTests.cycle(daemon, day: recentWeekday())
            let next = nextWeekday()
            let booked = try daemon.ctl(
                [
                    "--json", "call", "dropins.schedule",
                    #"{"pair":\#(school.pair),"start":"\#(next)T10:00","minutes":15}"#,
                ],
                uid: UID.teacher)
            #expect(booked.status == 0, "\(booked.stderr)")
            let dropIn = try booked.json(ScheduledDropIn.self).id

            let before = try daemon.ctl(["calendar", "export"], uid: UID.teacher)
            #expect(before.status == 0, "\(before.stderr)")
            #expect(before.stdout.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(before.stdout.contains("SUMMARY:Drop-in: Ada Teacher ↔ Cy Coach\r\n"))
            #expect(before.stdout.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"))
            let moved = try daemon.ctl(
                ["--json", "call", "dropins.reschedule", #"{"dropin":\#(dropIn),"start":"\#(next)T11:00"}"#],
                uid: UID.teacher)
            #expect(moved.status == 0, "\(moved.stderr)")
            let after = try daemon.ctl(["calendar", "export"], uid: UID.teacher)
            #expect(after.status == 0, "\(after.stderr)")
            for text in ["NOTE-TEXT", "TALK-TEXT", "ADAPT-TEXT", "FOCUS-TEXT"] {
                #expect(!before.stdout.contains(text) && !after.stdout.contains(text))
            }
            func uids(_ ics: String) -> [String] { ics.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") } }
            #expect(uids(after.stdout) == uids(before.stdout))
            #expect(uids(before.stdout).contains { $0.hasPrefix("UID:dropin-\(done)@") })
            let movedUID = try #require(uids(before.stdout).first { $0.hasPrefix("UID:dropin-\(dropIn)@") }).dropFirst(
                4)

            try FileManager.default.createDirectory(at: Self.exports, withIntermediateDirectories: true)
            let beforePath = Self.exports.appendingPathComponent("before.ics").path
            let afterPath = Self.exports.appendingPathComponent("after.ics").path
            try Data(before.stdout.utf8).write(to: URL(fileURLWithPath: beforePath))
            try Data(after.stdout.utf8).write(to: URL(fileURLWithPath: afterPath))
            if Self.hasICalendar || required {
                let check = try run(
                    "/usr/bin/env",
                    [
                        "python3", Self.repository.appendingPathComponent("Tools/check-ics.py").path, beforePath,
                        afterPath, String(movedUID),
                    ]
                        + ["NOTE-TEXT", "TALK-TEXT", "ADAPT-TEXT", "FOCUS-TEXT"].flatMap { ["--forbid", $0] })
                #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
                #expect(check.stdout.contains("every UID kept, 1 raised SEQUENCE"), "\(check.stdout)")
            }

            // The lead may export the teacher's; another teacher and a stranger may not.
            #expect(try daemon.ctl(["calendar", "export", "--person", "\(school.teacher)"], uid: UID.lead).status == 0)
            let other = try daemon.ctl(["calendar", "export", "--person", "\(school.teacher)"], uid: UID.otherTeacher)
            #expect(other.status != 0)
            #expect(other.stderr.contains("was not found or is not yours"), "\(other.stderr)")
            #expect(!other.stdout.contains("BEGIN:VCALENDAR"))
            let stranger = try daemon.ctl(["calendar", "export", "--person", "\(school.teacher)"], uid: UID.stranger)
            #expect(stranger.status != 0)
            #expect(!stranger.stdout.contains("BEGIN:VCALENDAR"))
        }
    }
}
