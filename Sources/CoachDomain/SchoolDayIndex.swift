/// A school calendar's school days over a span, counted once: a prefix sum, so "how many school days
/// between" is one subtraction and "the N-th school day after" a binary search, where the calendar itself
/// scans day by day and, for each day, every closure. Outside the span it answers as the calendar does.
public struct SchoolDayIndex: Sendable {
    public let calendar: SchoolCalendar
    private let first: Int
    /// `cumulative[i]`: the school days in `first ... first + i`.
    private let cumulative: [Int]

    /// Indexes `span` (a report's range with room either side; a year and a half at most is cheap).
    public init(calendar: SchoolCalendar, span: DateRange) {
        self.calendar = calendar
        first = span.from.dayNumber
        var total = 0
        cumulative = (span.from.dayNumber...span.to.dayNumber).map { day in
            if calendar.isSchoolDay(LocalDate(dayNumber: day)) { total += 1 }
            return total
        }
    }

    private func covers(_ date: LocalDate) -> Bool {
        date.dayNumber >= first && date.dayNumber - first < cumulative.count
    }

    /// The school days up to and including `date` since the span began.
    private func count(through date: LocalDate) -> Int { cumulative[date.dayNumber - first] }

    public func isSchoolDay(_ date: LocalDate) -> Bool {
        guard covers(date) else { return calendar.isSchoolDay(date) }
        let before = date.dayNumber == first ? 0 : cumulative[date.dayNumber - first - 1]
        return cumulative[date.dayNumber - first] > before
    }

    /// The school days after `start` up to and including `end` (0 when `end` is not after `start`).
    public func schoolDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard end > start else { return 0 }
        guard covers(start), covers(end) else {
            return calendar.schoolDays(in: DateRange(from: start.adding(days: 1), to: end)!).count
        }
        return count(through: end) - count(through: start)
    }

    /// As `SchoolCalendar.schoolDay(_:after:)`: the N-th school day strictly after `date`; for N ≤ 0,
    /// `date` when it is a school day, else the next.
    public func schoolDay(_ n: Int, after date: LocalDate) -> LocalDate {
        guard covers(date) else { return calendar.schoolDay(n, after: date) }
        if n <= 0 { return firstSchoolDay(onOrAfter: date) }
        let target = count(through: date) + n
        guard let last = cumulative.last, last >= target else { return calendar.schoolDay(n, after: date) }
        // The first index whose running count reaches the target is that school day.
        var low = date.dayNumber - first + 1
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] >= target { high = middle } else { low = middle + 1 }
        }
        return LocalDate(dayNumber: first + low)
    }

    /// `date` when it is a school day, else the next one.
    public func firstSchoolDay(onOrAfter date: LocalDate) -> LocalDate {
        isSchoolDay(date) ? date : schoolDay(1, after: date)
    }
}
