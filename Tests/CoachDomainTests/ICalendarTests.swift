import CoachDomain
import CoachSupport
import Foundation
import Testing

/// Issue 13: iCalendar as real feeds write it, one quirk per test, in samples written for these
/// tests (no real council's or GOV.UK's file is shipped).
@Suite("iCalendar in")
struct ICalendarReadingTests {
    let window = range("2026-01-01", "2027-12-31")

    /// A calendar around `events`, with the given line end.
    func feed(_ events: String, end: String = "\r\n", header: String = "X-WR-CALNAME:Hill Primary term dates") -> String
    {
        let lines =
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Feeds//EN", header]
            + events.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
            + ["END:VCALENDAR"]
        return lines.joined(separator: end) + end
    }

    func entries(_ text: String, zone: TimeZone = london) throws -> Feed {
        try CalendarFeed.entries(try ICalendarReader.read(text), zone: zone, window: window)
    }

    @Test func allDayEvent_dtendIsExclusive() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:half-term-1@hill
                SUMMARY:October half-term
                DTSTART;VALUE=DATE:20261026
                DTEND;VALUE=DATE:20261031
                END:VEVENT
                """))
        #expect(
            result.entries == [
                FeedEntry(
                    uid: "half-term-1@hill", recurrence: nil, title: "October half-term",
                    range: range("2026-10-26", "2026-10-30"), line: 5)
            ])
        #expect(result.name == "ics:Hill Primary term dates")
        #expect(result.skipped.isEmpty)
    }

    @Test func lfOnlyAndLoneCR_lineEnds_readTheSame() throws {
        let events = """
            BEGIN:VEVENT
            UID:inset@hill
            SUMMARY:INSET day
            DTSTART;VALUE=DATE:20261127
            DTEND;VALUE=DATE:20261128
            END:VEVENT
            """
        let crlf = try entries(feed(events, end: "\r\n")).entries
        #expect(try entries(feed(events, end: "\n")).entries == crlf)
        #expect(try entries(feed(events, end: "\r")).entries == crlf)
        #expect(crlf.map(\.range) == [range("2026-11-27", "2026-11-27")])
    }

    @Test func foldedLines_continueWithSpaceOrTab() throws {
        let text = feed(
            """
            BEGIN:VEVENT
            UID:long-uid-
             folded@hill
            SUMMARY:Spring half-
            \tterm (Feb
              ruary)
            DTSTART;VALUE=DATE:20270215
            DTEND;VALUE=DATE:20270220
            END:VEVENT
            """)
        let result = try entries(text)
        #expect(result.entries.first?.uid == "long-uid-folded@hill")
        #expect(result.entries.first?.title == "Spring half-term (Feb ruary)")
        #expect(result.entries.first?.line == 5)
    }

    @Test func escapedText_isUnescaped() throws {
        let result = try entries(
            feed(
                #"""
                BEGIN:VEVENT
                UID:a\,b@hill
                SUMMARY:Closed\, staff training\; no pupils\nsee letter \\ office
                DTSTART;VALUE=DATE:20261201
                END:VEVENT
                """#))
        #expect(result.entries.first?.uid == "a,b@hill")
        // A line break in a summary becomes a space: a closure's reason is one line.
        #expect(result.entries.first?.title == #"Closed, staff training; no pupils see letter \ office"#)
        #expect(ICalendarReader.unescape(#"a\,b\;c\nd\Ne\\f\x"#) == "a,b;c\nd\ne\\f\\x")
    }

    @Test func dtendRepeatingDtstart_isOneDay() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:bank@hill
                SUMMARY:Bank holiday
                DTSTART;VALUE=DATE:20260831
                DTEND;VALUE=DATE:20260831
                END:VEVENT
                """))
        #expect(result.entries.map(\.range) == [range("2026-08-31", "2026-08-31")])
    }

    @Test func missingDtend_isOneDay_andDurationIsRead() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:one@hill
                SUMMARY:One day
                DTSTART;VALUE=DATE:20261106
                END:VEVENT
                BEGIN:VEVENT
                UID:two@hill
                SUMMARY:Two days
                DTSTART;VALUE=DATE:20261109
                DURATION:P2D
                END:VEVENT
                """))
        #expect(result.entries.map(\.range) == [range("2026-11-06", "2026-11-06"), range("2026-11-09", "2026-11-10")])
    }

    @Test func tzidWithVTimezone_midnightToMidnight_isAllDay_inThatZone() throws {
        // Outlook writes all-day events as midnight to midnight in its own zone name.
        let result = try entries(
            feed(
                """
                BEGIN:VTIMEZONE
                TZID:GMT Standard Time
                BEGIN:STANDARD
                DTSTART:16011028T020000
                TZOFFSETFROM:+0100
                TZOFFSETTO:+0000
                END:STANDARD
                END:VTIMEZONE
                BEGIN:VEVENT
                UID:outlook@hill
                SUMMARY:Staff day
                DTSTART;TZID="GMT Standard Time":20261204T000000
                DTEND;TZID="GMT Standard Time":20261205T000000
                END:VEVENT
                BEGIN:VEVENT
                UID:ny@hill
                SUMMARY:Written in New York
                DTSTART;TZID=America/New_York:20261206T190000
                DTEND;TZID=America/New_York:20261207T190000
                END:VEVENT
                BEGIN:VEVENT
                UID:nowhere@hill
                SUMMARY:Undefined zone
                DTSTART;TZID=Nowhere Standard Time:20261208T000000
                DTEND;TZID=Nowhere Standard Time:20261209T000000
                END:VEVENT
                """))
        #expect(result.entries.map(\.uid) == ["outlook@hill", "ny@hill"])
        #expect(result.entries[0].range == range("2026-12-04", "2026-12-04"))
        // 19:00 in New York is midnight in London: a whole London day.
        #expect(result.entries[1].range == range("2026-12-07", "2026-12-07"))
        #expect(result.skipped.map(\.reason) == ["its TZID Nowhere Standard Time has no VTIMEZONE in the file"])
    }

    @Test func utcTimes_areReadInTheSchoolsZone() throws {
        // 23:00Z on 31 May is midnight on 1 June in London (summer time).
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:utc@hill
                SUMMARY:Half-term
                DTSTART:20270530T230000Z
                DTEND:20270604T230000Z
                END:VEVENT
                """))
        #expect(result.entries.map(\.range) == [range("2027-05-31", "2027-06-04")])
    }

    @Test func timedEvent_isSkipped_withTheReasonAndLine() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:meeting@hill
                SUMMARY:Parents' evening
                DTSTART:20261119T160000
                DTEND:20261119T190000
                END:VEVENT
                """))
        #expect(result.entries.isEmpty)
        #expect(
            result.skipped == [
                FeedSkip(
                    summary: "Parents' evening", line: 5,
                    reason: "a timed event (2026-11-19 16:00); only all-day events are imported")
            ])
        #expect(result.uids == ["meeting@hill"])
    }

    @Test func yearlyRule_expandsOverTheWindow_withCountUntilAndExdate() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:xmas@hill
                SUMMARY:Christmas Day
                DTSTART;VALUE=DATE:20201225
                DTEND;VALUE=DATE:20201226
                RRULE:FREQ=YEARLY
                END:VEVENT
                BEGIN:VEVENT
                UID:founders@hill
                SUMMARY:Founders' day
                DTSTART;VALUE=DATE:20260312
                RRULE:FREQ=YEARLY;COUNT=1
                END:VEVENT
                BEGIN:VEVENT
                UID:may@hill
                SUMMARY:May break
                DTSTART;VALUE=DATE:20260504
                DTEND;VALUE=DATE:20260506
                RRULE:FREQ=YEARLY;BYMONTH=5;UNTIL=20301231
                EXDATE;VALUE=DATE:20270504
                END:VEVENT
                BEGIN:VEVENT
                UID:weekly@hill
                SUMMARY:Every Friday
                DTSTART;VALUE=DATE:20260102
                RRULE:FREQ=WEEKLY
                END:VEVENT
                """))
        let xmas = result.entries.filter { $0.uid == "xmas@hill" }
        #expect(xmas.map(\.range) == [range("2026-12-25", "2026-12-25"), range("2027-12-25", "2027-12-25")])
        #expect(xmas.map(\.recurrence) == [day("2026-12-25"), day("2027-12-25")])
        #expect(result.entries.filter { $0.uid == "founders@hill" }.map(\.range) == [range("2026-03-12", "2026-03-12")])
        // Two days long each year; 2027 excluded.
        #expect(result.entries.filter { $0.uid == "may@hill" }.map(\.range) == [range("2026-05-04", "2026-05-05")])
        #expect(result.skipped.map(\.reason) == ["its RRULE repeats WEEKLY; only FREQ=YEARLY is expanded"])
    }

    @Test func yearlyRule_isBounded() throws {
        let wide = range("0001-01-01", "9999-12-31")
        let document = try ICalendarReader.read(
            feed(
                """
                BEGIN:VEVENT
                UID:forever@hill
                SUMMARY:Forever
                DTSTART;VALUE=DATE:00010101
                RRULE:FREQ=YEARLY
                END:VEVENT
                """))
        var limits = ICalendarLimits()
        limits.maxOccurrences = 100
        let result = try CalendarFeed.entries(document, zone: london, window: wide, limits: limits)
        #expect(result.entries.count == 100)
    }

    @Test func propertiesOfAnAlarm_areNotTheEvents() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:alarm@hill
                SUMMARY:Training day
                DTSTART;VALUE=DATE:20261130
                BEGIN:VALARM
                ACTION:DISPLAY
                SUMMARY:Reminder
                DTSTART;VALUE=DATE:20200101
                END:VALARM
                END:VEVENT
                """))
        #expect(result.entries.map(\.title) == ["Training day"])
        #expect(result.entries.map(\.range) == [range("2026-11-30", "2026-11-30")])
    }

    @Test func cancelledEvent_andMissingDtstart_areSkipped_missingUidStillHasAKey() throws {
        let result = try entries(
            feed(
                """
                BEGIN:VEVENT
                UID:off@hill
                SUMMARY:Called off
                STATUS:CANCELLED
                DTSTART;VALUE=DATE:20261130
                END:VEVENT
                BEGIN:VEVENT
                UID:nostart@hill
                SUMMARY:No start
                END:VEVENT
                BEGIN:VEVENT
                SUMMARY:No UID
                DTSTART;VALUE=DATE:20261201
                END:VEVENT
                """))
        #expect(result.skipped.map(\.reason) == ["the event is cancelled (STATUS:CANCELLED)", "no DTSTART"])
        #expect(result.entries.map(\.uid) == ["no-uid:20261201/No UID"])
    }

    @Test(arguments: [
        ("BEGIN:VEVENT\nSUMMARY oops\nEND:VEVENT", "line 6: \"SUMMARY oops\" is not a property (NAME:value)"),
        (
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-01\nEND:VEVENT",
            "line 6: DTSTART \"2026-12-01\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)"
        ),
        (
            "BEGIN:VEVENT\nDTSTART:20261301\nEND:VEVENT",
            "line 6: DTSTART \"20261301\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)"
        ),
        ("BEGIN:VEVENT\nEND:VTODO", "line 6: END:VTODO closes BEGIN:VEVENT"),
        ("BEGIN:VEVENT", "line 6: END:VCALENDAR closes BEGIN:VEVENT"),
        ("END:VEVENT", "line 5: END:VEVENT closes BEGIN:VCALENDAR"),
    ])
    func badFile_isRefused_namingTheLine(body: String, message: String) throws {
        #expect(
            throws: DomainError.invalid(
                message, field: "data", hint: "check the file is an iCalendar (.ics) file; nothing was imported")
        ) {
            try entries(feed(body))
        }
    }

    @Test func truncatedFile_isRefused() {
        #expect(
            throws: DomainError.invalid(
                "the file ends inside VEVENT (no END:VEVENT)", field: "data",
                hint: "check the file is an iCalendar (.ics) file; nothing was imported")
        ) {
            try ICalendarReader.read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n")
        }
    }

    @Test func notICalendar_isRefused() {
        #expect(throws: DomainError.self) { try ICalendarReader.read("name,date\nxmas,2026-12-25\n") }
        #expect(throws: DomainError.self) { try ICalendarReader.read("") }
        #expect(throws: DomainError.self) { try ICalendarReader.read("BEGIN:VEVENT\r\nEND:VEVENT\r\n") }
    }

    @Test func hostileInput_isBounded() {
        var limits = ICalendarLimits()
        limits.maxBytes = 1000
        #expect(throws: DomainError.self) {
            try ICalendarReader.read(String(repeating: "X", count: 1001), limits: limits)
        }
        // Deep nesting is refused, not recursed into.
        let deep = "BEGIN:VCALENDAR\n" + String(repeating: "BEGIN:X\n", count: 100)
        #expect(throws: DomainError.self) { try ICalendarReader.read(deep) }
        // One logical line folded a million times.
        let folded = "BEGIN:VCALENDAR\nX-A:" + String(repeating: "\n a", count: 20_000)
        #expect(throws: DomainError.self) { try ICalendarReader.read(folded) }
        // Too many events.
        limits = ICalendarLimits()
        limits.maxEvents = 3
        let many = feed(String(repeating: "BEGIN:VEVENT\nEND:VEVENT\n", count: 4))
        #expect(throws: DomainError.self) { try ICalendarReader.read(many, limits: limits) }
        // Too many lines.
        limits = ICalendarLimits()
        limits.maxLines = 10
        #expect(throws: DomainError.self) {
            try ICalendarReader.read(feed(String(repeating: "X-A:b\n", count: 20)), limits: limits)
        }
    }

    @Test func randomBytes_neverCrash() {
        var generator = SplitMix64(seed: 13)
        let alphabet = Array("BEGIN:VCALENDAREVENTDTSTART;VALUE=DATE:2026\r\n \t\\,;\"=RRULE:FREQ=YEARLY;COUNT=9TZID")
        for _ in 0..<300 {
            var text = "BEGIN:VCALENDAR\r\n"
            for _ in 0..<Int.random(in: 0..<200, using: &generator) {
                text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
            }
            if let document = try? ICalendarReader.read(text) {
                _ = try? CalendarFeed.entries(document, zone: london, window: window)
            }
        }
    }

    @Test func nameFallsBackToProdID() throws {
        let document = try ICalendarReader.read("BEGIN:VCALENDAR\nPRODID:-//Council//Terms//EN\nEND:VCALENDAR\n")
        #expect(document.name == "-//Council//Terms//EN")
    }
}

@Suite("GOV.UK bank holidays in")
struct BankHolidayTests {
    /// Shaped like https://www.gov.uk/bank-holidays.json; written for this test.
    static let sample = """
        {"england-and-wales":{"division":"england-and-wales","events":[
          {"title":"Christmas Day","date":"2026-12-25","notes":"","bunting":true},
          {"title":"Boxing Day","date":"2026-12-28","notes":"Substitute day","bunting":true},
          {"title":"Boxing Day again","date":"2026-12-28","notes":"","bunting":false}]},
         "scotland":{"division":"scotland","events":[
          {"title":"St Andrew\\u2019s Day","date":"2026-11-30","notes":"","bunting":true}]},
         "northern-ireland":{"division":"northern-ireland","events":[]}}
        """

    @Test func eachEventOfTheDivision_isOneDay_titledByItsTitle() throws {
        let feed = try CalendarFeed.bankHolidays(Self.sample, division: "england-and-wales")
        #expect(feed.name == "govuk-bank-holidays:england-and-wales")
        #expect(
            feed.entries == [
                FeedEntry(
                    uid: "2026-12-25", recurrence: nil, title: "Christmas Day",
                    range: range("2026-12-25", "2026-12-25"), line: nil),
                FeedEntry(
                    uid: "2026-12-28", recurrence: nil, title: "Boxing Day", range: range("2026-12-28", "2026-12-28"),
                    line: nil),
            ])
        #expect(feed.skipped.map(\.reason) == ["a second event on 2026-12-28"])
        #expect(
            try CalendarFeed.bankHolidays(Self.sample, division: "scotland").entries.map(\.title) == ["St Andrew’s Day"]
        )
    }

    @Test func unknownDivision_andBadFiles_areRefused() {
        #expect(throws: DomainError.self) { try CalendarFeed.bankHolidays(Self.sample, division: "wales") }
        #expect(throws: DomainError.self) { try CalendarFeed.bankHolidays("[1,2]", division: "scotland") }
        #expect(throws: DomainError.self) {
            try CalendarFeed.bankHolidays(
                #"{"scotland":{"events":[{"title":"x","date":"30/11/2026"}]}}"#, division: "scotland")
        }
        #expect(throws: DomainError.self) {
            try CalendarFeed.bankHolidays(String(repeating: "[", count: 100_000), division: "scotland")
        }
    }
}

@Suite("Import plans")
struct CalendarImportPlanTests {
    func entry(_ uid: String, _ title: String, _ from: String, _ to: String, line: Int? = 1) -> FeedEntry {
        FeedEntry(uid: uid, recurrence: nil, title: title, range: range(from, to), line: line)
    }

    func feed(_ entries: [FeedEntry], uids: Set<String>? = nil, name: String = "ics:Hill") -> Feed {
        Feed(name: name, entries: entries, skipped: [], uids: uids ?? Set(entries.map(\.uid)))
    }

    @Test func firstImport_addsEverything_secondChangesNothing() {
        let entries = [
            entry("a", "Half-term", "2026-10-26", "2026-10-30"), entry("b", "INSET", "2026-11-27", "2026-11-27"),
        ]
        let first = CalendarImport.plan(feed: feed(entries), existing: [], kind: .closures, prune: false)
        #expect(first.added == entries)
        #expect(first.changes)
        let stored = entries.enumerated().map { index, entry in
            ImportedItem(
                id: Int64(index + 1), title: entry.title, range: entry.range,
                source: CalendarSource(feed: "ics:Hill", uid: entry.uid, recurrence: nil))
        }
        let second = CalendarImport.plan(feed: feed(entries), existing: stored, kind: .closures, prune: true)
        #expect(!second.changes)
        #expect(second.unchanged.map(\.id) == [1, 2])
    }

    @Test func changedDatesOrTitle_updateTheSameItem() {
        let stored = [
            ImportedItem(
                id: 4, title: "INSET", range: range("2026-11-27", "2026-11-27"),
                source: CalendarSource(feed: "ics:Hill", uid: "b", recurrence: nil))
        ]
        let plan = CalendarImport.plan(
            feed: feed([entry("b", "INSET day", "2026-11-30", "2026-11-30")]), existing: stored, kind: .closures,
            prune: false)
        #expect(plan.updated.map(\.id) == [4])
        #expect(plan.added.isEmpty)
    }

    @Test func prune_removesOnlyThisFeedsItemsNoLongerInIt() {
        let stored = [
            ImportedItem(
                id: 1, title: "Gone", range: range("2026-10-26", "2026-10-30"),
                source: CalendarSource(feed: "ics:Hill", uid: "gone", recurrence: nil)),
            ImportedItem(
                id: 2, title: "Other feed", range: range("2026-11-02", "2026-11-02"),
                source: CalendarSource(feed: "ics:Other", uid: "x", recurrence: nil)),
            ImportedItem(id: 3, title: "Typed in", range: range("2026-11-03", "2026-11-03"), source: nil),
            ImportedItem(
                id: 4, title: "Still there but skipped now", range: range("2026-11-04", "2026-11-04"),
                source: CalendarSource(feed: "ics:Hill", uid: "skipped", recurrence: nil)),
        ]
        let incoming = feed([entry("new", "New", "2026-12-01", "2026-12-01")], uids: ["new", "skipped"])
        #expect(
            CalendarImport.plan(feed: incoming, existing: stored, kind: .closures, prune: true).removed.map(\.id) == [1]
        )
        #expect(CalendarImport.plan(feed: incoming, existing: stored, kind: .closures, prune: false).removed.isEmpty)
    }

    @Test func closureOnTheSameDatesAsAnother_isSkipped() {
        let stored = [ImportedItem(id: 9, title: "Typed in", range: range("2026-12-25", "2026-12-25"), source: nil)]
        let plan = CalendarImport.plan(
            feed: feed([
                entry("x", "Christmas", "2026-12-25", "2026-12-25"), entry("y", "Xmas", "2026-12-25", "2026-12-25"),
                entry("x", "Christmas", "2026-12-25", "2026-12-25", line: 9),
            ]),
            existing: stored, kind: .closures, prune: false)
        #expect(plan.added.isEmpty)
        #expect(
            plan.skipped.map(\.reason) == [
                "closure 9 (Typed in) already closes 2026-12-25–2026-12-25",
                "closure 9 (Typed in) already closes 2026-12-25–2026-12-25",
                "the same UID as line 1",
            ])
    }

    @Test func overlappingTerms_areSkipped() {
        let stored = [ImportedItem(id: 1, title: "Autumn", range: range("2026-09-02", "2026-12-18"), source: nil)]
        let plan = CalendarImport.plan(
            feed: feed([
                entry("s", "Spring", "2027-01-05", "2027-03-26"), entry("o", "Overlap", "2026-12-01", "2027-01-04"),
                entry("t", "Also spring", "2027-03-01", "2027-04-01", line: 7),
            ]),
            existing: stored, kind: .terms, prune: false)
        #expect(plan.added.map(\.uid) == ["s"])
        #expect(
            plan.skipped.map(\.reason) == [
                "overlaps term 1 (Autumn, 2026-09-02–2026-12-18)", "overlaps Spring (line 1)",
            ])
    }

    @Test func yearlyOccurrences_areKeyedByTheirDay_soASecondImportChangesNothing() {
        let occurrences = ["2026-12-25", "2027-12-25"].map {
            FeedEntry(uid: "xmas", recurrence: day($0), title: "Christmas", range: range($0, $0), line: 3)
        }
        let first = CalendarImport.plan(feed: feed(occurrences), existing: [], kind: .closures, prune: false)
        #expect(first.added == occurrences)
        let stored = occurrences.enumerated().map { index, entry in
            ImportedItem(
                id: Int64(index + 1), title: entry.title, range: entry.range,
                source: CalendarSource(feed: "ics:Hill", uid: "xmas", recurrence: entry.recurrence))
        }
        let second = CalendarImport.plan(feed: feed(occurrences), existing: stored, kind: .closures, prune: true)
        #expect(second.unchanged.map(\.id) == [1, 2])
        #expect(!second.changes)
    }

    @Test func window_coversThisYearAndNext_andEveryTerm() {
        #expect(CalendarImport.window(today: day("2026-11-29"), terms: []) == range("2026-01-01", "2027-12-31"))
        #expect(
            CalendarImport.window(today: day("2026-11-29"), terms: [range("2025-09-01", "2028-07-20")])
                == range("2025-09-01", "2028-07-20"))
    }
}

@Suite("iCalendar out")
struct ICalendarWritingTests {
    @Test func linesAreFoldedAt75Octets_neverInsideACharacter_withCRLF() {
        let long = "SUMMARY:" + String(repeating: "é↔", count: 60)
        let folded = ICalendarWriter.fold(long)
        #expect(folded.hasSuffix("\r\n"))
        let lines = String(folded.unicodeScalars.dropLast(2)).components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(
            lines.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == long)
    }

    @Test func oneCharacterOfManyScalars_isStillFolded() {
        let long = "SUMMARY:e" + String(repeating: "\u{301}", count: 100)
        let lines = String(ICalendarWriter.fold(long).unicodeScalars.dropLast(2)).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
    }

    @Test func textIsEscaped() {
        #expect(ICalendarWriter.escape("a,b;c\\d\ne\u{7}") == #"a\,b\;c\\d\ne"#)
    }

    @Test func calendar_hasTheZoneTheEventsAndNoBareLF() throws {
        let start = utc("2026-11-23T10:00:00Z")
        let text = ICalendarWriter.calendar(
            name: "Coaching: Ada",
            events: [
                ExportEvent(
                    uid: "dropin-1@x.coachd", sequence: 2, summary: "Drop-in: Ada Lovelace ↔ Cy Coach",
                    when: .timed(start: start, minutes: 15), cancelled: true),
                ExportEvent(
                    uid: "followup-1@x.coachd", sequence: 0, summary: "Follow-up due: Ada Lovelace ↔ Cy Coach",
                    when: .day(day("2026-11-25")), cancelled: false),
            ], zone: london, now: start)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"))
        #expect(
            text.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\n"))
        #expect(
            text.contains("DTSTART;TZID=Europe/London:20261123T100000\r\nDTEND;TZID=Europe/London:20261123T101500\r\n"))
        #expect(text.contains("STATUS:CANCELLED\r\n"))
        #expect(text.contains("SEQUENCE:2\r\n"))
        #expect(text.contains("DTSTART;VALUE=DATE:20261125\r\nDTEND;VALUE=DATE:20261126\r\n"))
        // And it reads back with our own reader.
        let document = try ICalendarReader.read(text)
        #expect(document.events.count == 2)
        #expect(
            document.events.first?.first("SUMMARY").map { ICalendarReader.unescape($0.value) }
                == "Drop-in: Ada Lovelace ↔ Cy Coach")
        #expect(document.timeZoneIDs == ["Europe/London"])
    }

    @Test func zoneWithoutChanges_hasOneStandardObservance() {
        let text = ICalendarWriter.calendar(
            name: "x", events: [], zone: TimeZone(identifier: "Asia/Kolkata")!, now: utc("2026-11-23T10:00:00Z"))
        #expect(
            text.contains(
                "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\n"
            ))
    }
}
