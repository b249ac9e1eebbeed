import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 13 through the service: calendars in (all or nothing, dry runs, twice is a no-op, prune)
/// and out (UIDs, SEQUENCE, STATUS, names only).
@Suite("The service: calendars in and out")
struct CalendarIOServiceTests {
    func fixture() async throws -> ServiceFixture {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "SECRET-FOCUS questioning"), Peers.teacher)
        return f
    }

    static func ics(_ events: [(uid: String, summary: String, from: String, to: String)], name: String = "Hill terms")
        -> String
    {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "X-WR-CALNAME:\(name)"]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:\(event.uid)", "SUMMARY:\(event.summary)", "DTSTART;VALUE=DATE:\(event.from)",
                "DTEND;VALUE=DATE:\(event.to)", "END:VEVENT",
            ]
        }
        return (lines + ["END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
    }

    static let closures = ics([
        ("inset@hill", "INSET day", "20261125", "20261126"),
        ("xmas@hill", "Christmas holiday", "20261221", "20270105"),
    ])

    @Test func import_addsClosures_movesWhatTheyTouch_andTwiceChangesNothing() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-25T10:00"), Peers.teacher)
        let first = try await f.service.calendarImport(
            .init(school: f.school, format: "ics", data: Self.closures), Peers.lead)
        #expect(first.added.map(\.summary) == ["INSET day", "Christmas holiday"])
        #expect(first.added.map(\.from) == ["2026-11-25", "2026-12-21"])
        #expect(first.added.map(\.to) == ["2026-11-25", "2027-01-04"])
        #expect(first.added.map(\.line) == [5, 11])
        #expect(first.feed == "ics:Hill terms")
        #expect(first.affected.cancelled.map(\.dropin) == [booked.id])
        let listed = try await f.service.calendarList(.init(school: f.school), Peers.lead).closures
        #expect(listed.map(\.reason) == ["INSET day", "Christmas holiday"])
        #expect(
            try await f.store.read { try $0.closures(school: f.school) }.map(\.source?.uid) == [
                "inset@hill", "xmas@hill",
            ])

        let second = try await f.service.calendarImport(
            .init(school: f.school, format: "ics", data: Self.closures), Peers.lead)
        #expect(second.added.isEmpty)
        #expect(second.updated.isEmpty)
        #expect(second.unchanged.map(\.id) == listed.map(\.id))
        #expect(second.affected == CalendarAffected(cancelled: [], moved: []))
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.lead).closures == listed)
    }

    @Test func dryRun_reportsEverything_andStoresNothing() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-25T10:00"), Peers.teacher)
        let dueBefore = try await f.timer.items()[f.pair]
        let dry = try await f.service.calendarImport(
            .init(school: f.school, format: "ics", data: Self.closures, dryRun: true), Peers.lead)
        #expect(dry.dryRun)
        #expect(dry.added.count == 2)
        #expect(dry.added.allSatisfy { $0.id == nil })
        #expect(dry.affected.cancelled.map(\.dropin) == [booked.id])
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.lead).closures.isEmpty)
        #expect(try await f.service.dropInsList(.init(pair: f.pair), Peers.teacher).dropins.first?.status == "booked")
        #expect(try await f.timer.items()[f.pair] == dueBefore)
        #expect(!f.log.text.contains("calendar.closure_added"))
    }

    @Test func changedFeed_updatesByUID_andPruneRemovesWhatItDropped() async throws {
        let f = try await fixture()
        _ = try await f.service.calendarImport(.init(school: f.school, format: "ics", data: Self.closures), Peers.lead)
        let typed = try await f.service.addClosure(
            .init(school: f.school, from: "2026-12-01", to: "2026-12-01", reason: "typed in"), Peers.lead)
        let changed = Self.ics([("inset@hill", "INSET day (moved)", "20261130", "20261201")])
        let kept = try await f.service.calendarImport(.init(school: f.school, format: "ics", data: changed), Peers.lead)
        #expect(kept.updated.map(\.summary) == ["INSET day (moved)"])
        #expect(kept.removed.isEmpty)
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.lead).closures.count == 3)
        let pruned = try await f.service.calendarImport(
            .init(school: f.school, format: "ics", data: changed, prune: true), Peers.lead)
        #expect(pruned.removed.map(\.summary) == ["Christmas holiday"])
        let left = try await f.service.calendarList(.init(school: f.school), Peers.lead).closures
        #expect(left.map(\.reason) == ["INSET day (moved)", "typed in"])
        #expect(left.map(\.id).contains(typed.id))
    }

    @Test func badFile_isRefused_namingTheLine_andNothingIsStored() async throws {
        let f = try await fixture()
        let bad = Self.closures.replacingOccurrences(
            of: "DTSTART;VALUE=DATE:20261221", with: "DTSTART;VALUE=DATE:2026-12-21")
        let error = await wireError {
            _ = try await f.service.calendarImport(.init(school: f.school, format: "ics", data: bad), Peers.lead)
        }
        #expect(error?.name == .invalidParams)
        #expect(error?.message.hasPrefix("line 14: DTSTART \"2026-12-21\"") == true)
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.lead).closures.isEmpty)
    }

    @Test func termsAndBankHolidays() async throws {
        let f = try await fixture()
        let terms = Self.ics(
            [
                ("autumn@council", "Autumn term", "20260902", "20261219"),
                ("spring@council", "Spring term", "20270105", "20270327"),
            ], name: "Council term dates")
        let imported = try await f.service.calendarImport(
            .init(school: f.school, format: "ics", data: terms, as: "terms"), Peers.lead)
        #expect(imported.kind == "terms")
        #expect(
            try await f.service.calendarList(.init(school: f.school), Peers.lead).terms.map(\.name) == [
                "Autumn term", "Spring term",
            ])
        let json = """
            {"england-and-wales":{"division":"england-and-wales","events":[
              {"title":"Christmas Day","date":"2026-12-25","notes":"","bunting":true},
              {"title":"New Year’s Day","date":"2027-01-01","notes":"","bunting":true}]},
             "scotland":{"division":"scotland","events":[]},"northern-ireland":{"division":"northern-ireland","events":[]}}
            """
        let holidays = try await f.service.calendarImport(
            .init(school: f.school, format: "govuk-bank-holidays", data: json, division: "england-and-wales"),
            Peers.admin)
        #expect(holidays.added.map(\.summary) == ["Christmas Day", "New Year’s Day"])
        #expect(holidays.feed == "govuk-bank-holidays:england-and-wales")
        let again = try await f.service.calendarImport(
            .init(school: f.school, format: "govuk-bank-holidays", data: json, division: "england-and-wales"),
            Peers.lead)
        #expect(again.unchanged.count == 2)
        #expect(again.added.isEmpty)
        // A division is required for GOV.UK, refused for ics.
        #expect(
            await wireError {
                _ = try await f.service.calendarImport(
                    .init(school: f.school, format: "govuk-bank-holidays", data: json), Peers.lead)
            }?.data?.field == "division")
        #expect(
            await wireError {
                _ = try await f.service.calendarImport(
                    .init(school: f.school, format: "ics", data: terms, division: "scotland"), Peers.lead)
            }?.data?.field == "division")
    }

    @Test func onlyTheSchoolsLeadOrAnAdmin_imports() async throws {
        let f = try await fixture()
        for peer in [Peers.otherLead] {
            let error = await wireError {
                _ = try await f.service.calendarImport(
                    .init(school: f.school, format: "ics", data: Self.closures), peer)
            }
            #expect(error?.name == .permissionDenied)
        }
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.lead).closures.isEmpty)
    }

    // MARK: Out

    @Test func export_hasStableUIDs_raisedSequence_cancelledStatus_andNoConfidentialText() async throws {
        let f = try await fixture()
        let first = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(2 * 3600))
        _ = try await f.service.dropInsComplete(.init(dropin: first.id, notes: "SECRET-NOTES"), Peers.coach)
        _ = try await f.service.followUpsComplete(.init(dropin: first.id, notes: "SECRET-TALK"), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "SECRET-ADAPTATION"), Peers.teacher)
        let second = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-26T10:00"), Peers.coach)
        let before = try await f.service.calendarExport(.init(), Peers.teacher)
        let uid = "dropin-\(second.id)@"
        #expect(before.ics.contains("SUMMARY:Drop-in: Ada ↔ Cy\r\n"))
        #expect(before.ics.contains(uid))
        #expect(before.ics.contains("DTSTART;TZID=Europe/London:20261126T100000"))
        #expect(!before.ics.contains("SECRET"))
        _ = try await f.service.dropInsReschedule(.init(dropin: second.id, start: "2026-11-26T11:00"), Peers.teacher)
        let moved = try await f.service.calendarExport(.init(), Peers.teacher)
        #expect(Self.uids(moved.ics) == Self.uids(before.ics))
        #expect(Self.sequence(of: uid, in: moved.ics) == Self.sequence(of: uid, in: before.ics)! + 1)
        _ = try await f.service.dropInsCancel(.init(dropin: second.id, reason: "SECRET-REASON ill"), Peers.teacher)
        let cancelled = try await f.service.calendarExport(.init(), Peers.coach)
        #expect(Self.sequence(of: uid, in: cancelled.ics) == Self.sequence(of: uid, in: moved.ics)! + 1)
        #expect(Self.block(of: uid, in: cancelled.ics)?.contains("STATUS:CANCELLED") == true)
        #expect(!cancelled.ics.contains("SECRET"))
        // The coach's calendar has the other pair too; both see the same UID for the shared drop-in.
        #expect(Self.uids(cancelled.ics).isSuperset(of: Self.uids(moved.ics)))
    }

    @Test func export_followUpDue_isAnAllDayEvent() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(2 * 3600))
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id), Peers.coach)
        let export = try await f.service.calendarExport(.init(), Peers.teacher)
        let block = try #require(Self.block(of: "followup-\(booked.id)@", in: export.ics))
        #expect(block.contains("SUMMARY:Follow-up due: Ada ↔ Cy"))
        #expect(block.contains("DTSTART;VALUE=DATE:"))
    }

    @Test func export_ofSomeoneElse_isForTheirLeadAndAdmins() async throws {
        let f = try await fixture()
        _ = try await f.service.calendarExport(.init(person: f.teacher), Peers.lead)
        _ = try await f.service.calendarExport(.init(person: f.teacher), Peers.admin)
        for peer in [Peers.coach, Peers.otherTeacher, Peers.otherLead] {
            #expect(
                await wireError { _ = try await f.service.calendarExport(.init(person: f.teacher), peer) }?.name
                    == .permissionDenied)
        }
        #expect(
            await wireError { _ = try await f.service.calendarExport(.init(), Peers.admin) }?.data?.field == "person")
        #expect(
            await wireError {
                _ = try await f.service.calendarExport(.init(from: "2027-01-02", to: "2027-01-01"), Peers.teacher)
            }?
            .data?.field == "to")
    }

    static func uids(_ ics: String) -> Set<String> {
        Set(ics.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") })
    }

    static func block(of uid: String, in ics: String) -> String? {
        ics.components(separatedBy: "BEGIN:VEVENT").first { $0.contains("UID:\(uid)") }
    }

    static func sequence(of uid: String, in ics: String) -> Int? {
        block(of: uid, in: ics)?.components(separatedBy: "\r\n").first { $0.hasPrefix("SEQUENCE:") }
            .flatMap { Int($0.dropFirst("SEQUENCE:".count)) }
    }
}
