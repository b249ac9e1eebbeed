import CoachDomain
import CoachSupport
import Foundation
import Testing

@Suite("Local dates and times")
struct LocalDateTests {
    @Test func date_parsesAndPrints_roundTrip() {
        #expect(day("2026-11-23").description == "2026-11-23")
        #expect(day("1970-01-01").dayNumber == 0)
        #expect(day("2024-02-29").description == "2024-02-29")
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-32", "abcd-ef-gh", ""])
    func date_rejectsInvalidText(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test(arguments: [
        "２０２６-01-01", "2026-01-0١", " 2026-01-01", "2026-01-01 ", "+026-01-01", "2026/01/01", "20260101",
        "2026-01-01\u{0}", "2026--1-01", "0000-01-01", "2026-01-1\u{0301}",
    ])
    func date_rejectsAnythingButASCIIDigits(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    /// The byte-wise parser accepts exactly what splitting on "-" and checking each part's characters
    /// accepted, on random text over digits, dashes and look-alikes.
    @Test func parser_agreesWithTheCharacterWiseReading_property() {
        func reference(_ text: String) -> LocalDate? {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
            else { return nil }
            return LocalDate(year: y, month: m, day: d)
        }
        let alphabet: [Character] = Array("0123456789-") + ["0", "1", "2", "-", "+", " ", "٣", "２", "\u{0301}", "x"]
        var rng = SplitMix64(seed: 9)
        for round in 0..<5000 {
            let text =
                round % 3 == 0
                ? LocalDate(dayNumber: Int.random(in: -800_000...2_900_000, using: &rng)).description
                : String((0..<Int.random(in: 8...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            #expect(LocalDate(text) == reference(text), "\(text.debugDescription)")
        }
    }

    @Test func weekday_isISO() {
        #expect(day("2026-11-23").isoWeekday == 1)  // Monday
        #expect(day("2026-11-22").isoWeekday == 7)  // Sunday
        #expect(day("1969-12-31").isoWeekday == 3)  // before the epoch too
    }

    @Test func time_parsesHHMM() {
        #expect(time("08:30").minutes == 510)
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("8:30") == nil)
    }

    @Test func dayNumbers_roundTrip_property() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            let number = Int.random(in: -100_000...100_000, using: &rng)
            let date = LocalDate(dayNumber: number)
            #expect(LocalDate(date.description) == date)
        }
    }
}

@Suite("School-day arithmetic")
struct SchoolDayTests {
    @Test func nextSchoolDay_afterFriday_isMonday() {
        let calendar = plainCalendar()
        #expect(calendar.schoolDay(1, after: day("2026-11-20")) == day("2026-11-23"))
    }

    @Test func fiveSchoolDays_afterMonday_isNextMonday() {
        #expect(plainCalendar().schoolDay(5, after: day("2026-11-23")) == day("2026-11-30"))
    }

    @Test func schoolDay_skipsHalfTerm() {
        let calendar = englishCalendar()
        #expect(calendar.schoolDay(1, after: day("2027-02-12")) == day("2027-02-22"))
        #expect(calendar.schoolDay(2, after: day("2026-10-22")) == day("2026-11-02"))
    }

    @Test func schoolDay_skipsInsetDay() {
        #expect(englishCalendar().schoolDay(1, after: day("2026-11-26")) == day("2026-11-30"))
    }

    @Test func dueDateInHoliday_movesToNextSchoolDay() {
        let calendar = englishCalendar()
        #expect(calendar.firstSchoolDay(onOrAfter: day("2026-12-21")) == day("2027-01-05"))
        #expect(calendar.firstSchoolDay(onOrAfter: day("2027-02-17")) == day("2027-02-22"))
    }

    @Test func termsBoundTheYear_christmasIsNotSchool() {
        let calendar = englishCalendar()
        #expect(!calendar.isSchoolDay(day("2026-12-21")))
        #expect(calendar.schoolDay(1, after: day("2026-12-18")) == day("2027-01-05"))
    }

    @Test func beyondLastTerm_weekdaysCount() {
        #expect(englishCalendar().isSchoolDay(day("2027-09-06")))
    }

    @Test func noTerms_everyWeekdayOutsideClosuresIsSchool() {
        let calendar = plainCalendar(closures: [range("2026-12-24", "2026-12-25")])
        #expect(
            calendar.schoolDays(in: range("2026-12-21", "2026-12-27")).map(\.description)
                == ["2026-12-21", "2026-12-22", "2026-12-23"])
    }

    @Test func zeroSchoolDays_isTheDayItselfWhenSchool() {
        #expect(plainCalendar().schoolDay(0, after: day("2026-11-23")) == day("2026-11-23"))
        #expect(plainCalendar().schoolDay(0, after: day("2026-11-22")) == day("2026-11-23"))
    }

    @Test func nthSchoolDayAfter_isSchoolDay_andCountsExactlyN_property() {
        let calendar = englishCalendar()
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let start = day("2026-08-01").adding(days: Int.random(in: 0...400, using: &rng))
            let n = Int.random(in: 1...15, using: &rng)
            let result = calendar.schoolDay(n, after: start)
            #expect(result > start)
            #expect(calendar.isSchoolDay(result))
            let between = calendar.schoolDays(in: DateRange(from: start.adding(days: 1), to: result)!)
            #expect(between.count == n, "\(n) school days after \(start) gave \(result)")
        }
    }
}

@Suite("Local time in Europe/London across DST")
struct DSTTests {
    @Test func schoolStart_beforeAndAfterSpringForward() {
        let calendar = englishCalendar()
        #expect(calendar.instant(day("2027-03-26"), time("09:00")) == utc("2027-03-26T09:00:00Z"))
        #expect(calendar.instant(day("2027-03-29"), time("09:00")) == utc("2027-03-29T08:00:00Z"))
    }

    @Test func schoolStart_beforeAndAfterAutumnBack() {
        let calendar = englishCalendar()
        #expect(calendar.instant(day("2026-10-23"), time("09:00")) == utc("2026-10-23T08:00:00Z"))
        #expect(calendar.instant(day("2026-11-02"), time("09:00")) == utc("2026-11-02T09:00:00Z"))
    }

    @Test func format_usesTheOffsetInForceThen() {
        let calendar = englishCalendar()
        #expect(calendar.format(utc("2026-10-23T08:00:00Z")) == "2026-10-23T09:00:00+01:00")
        #expect(calendar.format(utc("2026-11-23T09:00:00Z")) == "2026-11-23T09:00:00+00:00")
    }

    @Test func parseInstant_localAndOffset() {
        let calendar = englishCalendar()
        #expect(calendar.parseInstant("2027-03-29T09:00") == utc("2027-03-29T08:00:00Z"))
        #expect(calendar.parseInstant("2027-03-29T09:00:00+02:00") == utc("2027-03-29T07:00:00Z"))
        #expect(calendar.parseInstant("2027-03-29T09:00:00Z") == utc("2027-03-29T09:00:00Z"))
        #expect(calendar.parseInstant("2027-03-29 09:00") == utc("2027-03-29T08:00:00Z"))
        #expect(calendar.parseInstant("tomorrow at nine") == nil)
        #expect(calendar.parseInstant("2027-03-29T25:00") == nil)
    }

    @Test func localDate_ofLateEveningUTC_inSummer_isNextDay() {
        #expect(englishCalendar().localDate(of: utc("2027-06-01T23:30:00Z")) == day("2027-06-02"))
    }
}
