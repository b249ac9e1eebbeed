import CoachClient
import CoachRPC
import Foundation
import Testing

extension EndToEnd {
    /// Issue 11 as real Unix users through the real coachctl: the user trial's worst case (a drop-in
    /// booked on a wrong date, or years ahead, stalled the pair) is cancelled or moved by either
    /// person of the pair, and the next due item is right at once.
    @Suite("End to end: the school year as it really goes", .serialized)
    struct SchoolYearEndToEndTests {
        /// `days` after the last weekday, as YYYY-MM-DD (a weekday when `days` is a multiple of 7).
        static func weekday(_ days: Int) -> String { AccessEndToEndTests.shift(recentWeekday(), by: days) }

        static func due(_ daemon: RunningDaemon, as uid: UInt32) throws -> DueItemInfo? {
            let out = try daemon.ctl(["--json", "due"], uid: uid)
            #expect(out.status == 0, "\(out.stderr)")
            return try out.json(DueList.self).items.first
        }

        @Test(arguments: [UID.teacher, UID.coach])
        func wrongDate_isCancelledByEitherPerson_andTheDropInIsDueAgainAtOnce(uid: UInt32) throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            // A horizon of ten years, so the far-future booking the trial made can be made here too.
            let daemon = try RunningDaemon(configuration: "cycle:\n  startHorizonDays: 3660\n")
            _ = try School(daemon)
            #expect(try daemon.ctl(["cycle", "start", "--focus", "questioning"], uid: UID.teacher).status == 0)
            let before = try #require(try Self.due(daemon, as: UID.teacher))

            // Nine years ahead (a Monday-to-Friday day): the pair's next item becomes that booking.
            let far = Self.weekday(7 * 470)
            let booked = try daemon.ctl(["--json", "invite", "--at", "\(far)T10:00"], uid: UID.teacher)
            #expect(booked.status == 0, "\(booked.stderr)")
            let dropIn = try booked.json(ScheduledDropIn.self).id
            #expect(try Self.due(daemon, as: UID.teacher)?.dropin == dropIn)

            let cancel = try daemon.ctl(["dropin", "cancel", "\(dropIn)", "--reason", "wrong year"], uid: uid)
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(cancel.stdout.contains("Cancelled drop-in \(dropIn)"))
            for viewer in [UID.teacher, UID.coach, UID.lead] {
                let after = try #require(try Self.due(daemon, as: viewer))
                #expect(after.kind == "dropin")
                #expect(after.dropin == nil)
                #expect(after.dueDate == before.dueDate)
            }
            let list = try daemon.ctl(["--json", "dropin", "list", "--status", "cancelled"], uid: UID.lead)
            #expect(try list.json(DropInList.self).dropins.map(\.id) == [dropIn])
            // The pair books the right date straight away.
            let again = try daemon.ctl(["invite", "--at", "\(Self.weekday(7))T10:00"], uid: UID.teacher)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(!daemon.log.contains("wrong year"))
        }

        @Test(arguments: [UID.teacher, UID.coach])
        func wrongDate_isMovedByEitherPerson_andTheDueItemFollows(uid: UInt32) throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            _ = try School(daemon)
            #expect(try daemon.ctl(["cycle", "start", "--focus", "questioning"], uid: UID.teacher).status == 0)
            let booked = try daemon.ctl(["--json", "invite", "--at", "\(Self.weekday(21))T10:00"], uid: UID.teacher)
            let dropIn = try booked.json(ScheduledDropIn.self).id

            let move = try daemon.ctl(
                ["--json", "dropin", "move", "\(dropIn)", "--at", "\(Self.weekday(7))T11:00", "--minutes", "10"],
                uid: uid)
            #expect(move.status == 0, "\(move.stderr)")
            let moved = try move.json(DropInInfo.self)
            #expect(moved.start.hasPrefix("\(Self.weekday(7))T11:00"))
            #expect(moved.movedFrom?.first?.hasPrefix("\(Self.weekday(21))T10:00") == true)
            let due = try #require(try Self.due(daemon, as: UID.coach))
            #expect(due.dropin == dropIn)
            #expect(due.dueDate == Self.weekday(7))
            // Another teacher may not touch it.
            let other = try daemon.ctl(["dropin", "cancel", "\(dropIn)", "--reason", "x"], uid: UID.otherTeacher)
            #expect(other.status == 1)
        }

        @Test func farFuture_isRefused_withAHint_andAMalformedTimeIsAUsageError() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            _ = try School(daemon)
            #expect(try daemon.ctl(["cycle", "start", "--focus", "questioning"], uid: UID.teacher).status == 0)
            let far = try daemon.ctl(["invite", "--at", "9999-12-31T10:00"], uid: UID.teacher)
            #expect(far.status == 1)
            #expect(far.stderr.contains("days ahead"))
            let typo = try daemon.ctl(["invite", "--at", "next week"], uid: UID.teacher)
            #expect(typo.status == 64)
        }

        @Test func aTermLoggedAfterwards_inOrder_andTheCalendarCorrected() throws {
            try #require(canSwitchUsers, "SKIPPED: acting as other uids needs root and setpriv")
            let daemon = try RunningDaemon()
            let school = try School(daemon)
            #expect(try daemon.ctl(["cycle", "start", "--focus", "questioning"], uid: UID.teacher).status == 0)
            // The coach logs last week's visit; the teacher logs the conversation when it happened.
            let day = Self.weekday(-7)
            let logged = try daemon.ctl(
                ["--json", "dropin", "log", "--at", "\(day)T09:00", "--minutes", "10"], uid: UID.coach)
            #expect(logged.status == 0, "\(logged.stderr)")
            let dropIn = try logged.json(DropInInfo.self)
            #expect(dropIn.status == "done")
            #expect(try daemon.ctl(["dropin", "log", "--at", "\(day)T10:00"], uid: UID.teacher).status == 1)
            let talked = try daemon.ctl(["followup", "done", "\(dropIn.id)", "--at", "\(day)T14:00"], uid: UID.teacher)
            #expect(talked.status == 0, "\(talked.stderr)")
            // An adaptation after the conversation; the next drop-in counts from that day's practice window.
            #expect(try daemon.ctl(["adaptation", "set", "wait five seconds"], uid: UID.teacher).status == 0)

            // A duplicate closure is refused naming the first; removing one gives its day back.
            let closureDay = Self.weekday(14)
            let first = try daemon.ctl(
                [
                    "--json", "closure", "add", "--school", "\(school.id)", "--from", closureDay, "--to", closureDay,
                    "--reason", "INSET",
                ], uid: UID.lead)
            #expect(first.status == 0, "\(first.stderr)")
            let twice = try daemon.ctl(
                [
                    "closure", "add", "--school", "\(school.id)", "--from", closureDay, "--to", closureDay, "--reason",
                    "INSET",
                ],
                uid: UID.lead)
            #expect(twice.status == 1)
            #expect(twice.stderr.contains("closure \(try first.json(CalendarAdded.self).id)"))
            let listing = try daemon.ctl(["--json", "calendar", "list", "--school", "\(school.id)"], uid: UID.teacher)
            let closures = try listing.json(CalendarListing.self).closures
            #expect(closures.count == 1)
            let removed = try daemon.ctl(["closure", "remove", "\(closures[0].id)"], uid: UID.lead)
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(try daemon.ctl(["closure", "remove", "\(closures[0].id)"], uid: UID.teacher).status == 1)

            // People leave: the lead ends the pair; the teacher still reads it, and nothing is due.
            let end = try daemon.ctl(["pair", "end", "\(school.pair)", "--reason", "moved school"], uid: UID.lead)
            #expect(end.status == 0, "\(end.stderr)")
            #expect(try Self.due(daemon, as: UID.teacher) == nil)
            #expect(try daemon.ctl(["pair", "show", "\(school.pair)"], uid: UID.teacher).status == 0)
            let deactivate = try daemon.ctl(
                ["person", "deactivate", "\(school.teacher)", "--reason", "moved school"], uid: UID.lead)
            #expect(deactivate.status == 0, "\(deactivate.stderr)")
            #expect(
                try daemon.ctl(["cycle", "start", "--pair", "\(school.pair)", "--focus", "x"], uid: UID.teacher).status
                    == 1)
            let people = try daemon.ctl(["--json", "person", "list", "--school", "\(school.id)"], uid: UID.lead)
            #expect(!(try people.json(PersonList.self).people.map(\.id).contains(school.teacher)))
        }
    }
}
