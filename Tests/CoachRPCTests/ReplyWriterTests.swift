import CoachRPC
import Foundation
import Testing

/// The hand-written encoders of `reports.summary` and `coverage.list` write exactly what
/// `RPCCodec.encoder` (`JSONEncoder`, sorted keys) writes, for every field set or absent, hostile
/// names and awkward numbers; and every field survives a round trip (a field added to the wire type
/// and forgotten in the writer fails here).
struct ReplyWriterTests {
    static let names = [
        "", "Ada Lovelace", "O'Brien \"Bob\"", "back\\slash", "a/b", "tab\there", "new\nline", "cr\r",
        "\u{01}\u{1F}\u{7F}", "\u{08}\u{0C}", "Zoë Ñúñez", "日本語", "emoji 👩‍🏫", "\u{2028}\u{2029}",
    ]
    static let doubles: [Double] = [
        0, 1, 0.5, 1.0 / 3, 2.0 / 3, 0.1, 0.7, 0.25, 12.5, 3, 100, 1e-7, 123456789.125, 1e16, 1.5e300, 0.999999,
        .leastNonzeroMagnitude,
    ]

    static func row(_ seed: Int, named: Bool) -> ReportRow {
        let pick = { (n: Int) in (seed * 7919 + n * 104729) % 1000 }
        return ReportRow(
            school: named && seed % 5 != 0 ? Int64(seed % 9) : nil,
            schoolName: named && seed % 7 == 1 ? names[(seed + 2) % names.count] : nil,
            countedThrough: named && seed % 3 == 1 ? "2026-11-2\(seed % 10)" : nil,
            coach: named && seed % 3 != 0 ? Int64(seed) * 1_000_003 : nil,
            coachName: named && seed % 3 != 0 ? names[seed % names.count] : nil,
            pair: named && seed % 2 == 0 ? Int64.max - Int64(seed) : nil,
            teacher: named && seed % 2 == 0 ? Int64(seed) : nil,
            teacherName: named && seed % 2 == 0 ? names[(seed + 5) % names.count] : nil,
            dropinsDue: pick(1), dropinsDone: pick(2), dropinsOnTime: pick(3), followupsDone: pick(4),
            followupsInWindow: pick(5), adaptationsSet: pick(6) - 500,
            outcomes: OutcomeCounts(embedded: pick(7), continuing: Int.max - pick(8), dropped: Int.min + pick(9)),
            cyclesStarted: pick(10),
            completionRate: seed % 4 == 0 ? nil : doubles[seed % doubles.count],
            onTimeRate: seed % 5 == 0 ? nil : doubles[(seed + 3) % doubles.count],
            medianSchoolDaysBetweenDropins: seed % 6 == 0 ? nil : doubles[(seed + 7) % doubles.count])
    }

    static func dueItem(_ seed: Int) -> DueItemInfo? {
        guard seed % 4 != 0 else { return nil }
        return DueItemInfo(
            kind: ["dropin", "followup", "session", "supervision"][seed % 4], pair: Int64(seed), school: 3,
            teacher: Int64(seed + 1), teacherName: names[seed % names.count], coach: Int64(seed + 2),
            coachName: names[(seed + 1) % names.count], dropin: seed % 3 == 0 ? nil : Int64(seed * 10),
            dueDate: "2026-11-30", dueAt: "2026-11-30T09:00:00+01:00", overdueAt: "2026-12-02T17:00:00+01:00",
            overdue: seed % 2 == 0, period: seed % 5 == 0 ? 7 : nil, group: seed % 7 == 0 ? 9 : nil,
            groupName: seed % 7 == 0 ? names[(seed + 2) % names.count] : nil, term: seed % 7 == 0 ? "Autumn" : nil)
    }

    static func summary(_ rows: Int) -> ReportSummary {
        // An odd count of rows stands for an `allSchools` report: no school, rows per school.
        ReportSummary(
            school: rows % 2 == 0 ? 42 : nil, schoolName: rows % 2 == 0 ? names[rows % names.count] : nil,
            from: "2025-12-01", to: "2026-11-30", countedThrough: "2026-11-30", totals: row(rows, named: false),
            bySchool: rows % 2 == 0 ? nil : (0..<rows / 2).map { row($0 + 2, named: true) },
            byCoach: (0..<rows / 3).map { row($0, named: true) }, byPair: (0..<rows).map { row($0 + 1, named: true) })
    }

    static func coverage(_ items: Int) -> CoverageList {
        CoverageList(
            school: -1, asOf: "2026-11-30",
            items: (0..<items).map { seed in
                CoverageItem(
                    teacher: Int64(seed), teacherName: names[seed % names.count],
                    pair: seed % 3 == 0 ? nil : Int64(seed),
                    coach: seed % 3 == 0 ? nil : Int64(seed + 1),
                    coachName: seed % 3 == 0 ? nil : names[(seed + 3) % names.count],
                    lastDropIn: seed % 5 == 0 ? nil : "2026-10-0\(seed % 9 + 1)",
                    schoolDaysSince: seed % 5 == 0 ? nil : seed * 3, next: dueItem(seed))
            })
    }

    @Test(arguments: [0, 1, 2, 3, 30, 101])
    func reportSummary_isEncodedAsJSONEncoderDoes(rows: Int) throws {
        let summary = Self.summary(rows)
        let expected = try RPCCodec.encoder.encode(summary)
        #expect(String(decoding: summary.encodedJSON(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(try JSONDecoder().decode(ReportSummary.self, from: summary.encodedJSON()) == summary)
    }

    @Test(arguments: [0, 1, 2, 29, 100])
    func coverageList_isEncodedAsJSONEncoderDoes(items: Int) throws {
        let list = Self.coverage(items)
        let expected = try RPCCodec.encoder.encode(list)
        #expect(String(decoding: list.encodedJSON(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(try JSONDecoder().decode(CoverageList.self, from: list.encodedJSON()) == list)
    }

    @Test(arguments: doubles)
    func numbers_areWrittenAsJSONEncoderWritesThem(value: Double) throws {
        var out = ReplyWriter()
        out.value(value)
        #expect(out.data == (try RPCCodec.encoder.encode(value)))
    }

    @Test(arguments: names)
    func strings_areEscapedAsJSONEncoderEscapesThem(text: String) throws {
        var out = ReplyWriter()
        out.value(text)
        #expect(
            String(decoding: out.data, as: UTF8.self)
                == String(decoding: try RPCCodec.encoder.encode(text), as: UTF8.self))
    }

    @Test func everyControlCharacter_isEscapedAsJSONEncoderEscapesIt() throws {
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) {
            let text = "a\(Character(scalar))b"
            var out = ReplyWriter()
            out.value(text)
            #expect(out.data == (try RPCCodec.encoder.encode(text)), "U+\(String(scalar.value, radix: 16))")
        }
    }
}
