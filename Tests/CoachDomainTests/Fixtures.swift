import CoachDomain
import Foundation

func day(_ text: String) -> LocalDate { LocalDate(text)! }
func time(_ text: String) -> LocalTime { LocalTime(text)! }
func range(_ from: String, _ to: String) -> DateRange { DateRange(from: day(from), to: day(to))! }

let london = TimeZone(identifier: "Europe/London")!

/// A school calendar like a real English one: Autumn and Spring terms with a half-term between.
func englishCalendar() -> SchoolCalendar {
    SchoolCalendar(
        timeZone: london, dayStart: time("08:30"), dayEnd: time("15:30"),
        terms: [range("2026-09-02", "2026-12-18"), range("2027-01-05", "2027-03-26")],
        closures: [
            range("2026-10-26", "2026-10-30"), range("2027-02-15", "2027-02-19"), range("2026-11-27", "2026-11-27"),
        ])
}

func plainCalendar(closures: [DateRange] = []) -> SchoolCalendar {
    SchoolCalendar(timeZone: london, dayStart: time("08:30"), dayEnd: time("15:30"), closures: closures)
}

func utc(_ text: String) -> Date {
    InstantFormat.parse(text).map { parsed in
        Date(
            timeIntervalSince1970: Double(
                parsed.date.dayNumber * 86_400 + parsed.secondOfDay - (parsed.offsetSeconds ?? 0)))
    }!
}
