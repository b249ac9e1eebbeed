public import Foundation

// Hand-written encoders for the largest replies (issue 12, performance): `reports.summary` and
// `coverage.list`. Foundation's `JSONEncoder` was about a fifth of the daemon's time answering them
// (a keyed container, a boxed value and a sort of the keys for every field of every row). These write
// the same bytes as `RPCCodec.encoder` (sorted keys, slashes unescaped, nil members left out), which
// `ReplyWriterTests` checks against `JSONEncoder` byte for byte; a field added to one of these types
// must be added here too (the test's round trip fails until it is).

/// Appends JSON text to a byte buffer: the members of each object are written by the caller in
/// sorted order, as `JSONEncoder`'s `.sortedKeys` orders them.
public struct ReplyWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var first = true

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public var data: Data { Data(bytes) }

    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// A separator before an array element (objects' members get theirs from `key`).
    public mutating func element() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// A member's name (plain ASCII, written as is) and its colon.
    public mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func value(_ number: Int64) {
        appendDecimal(number)
    }

    public mutating func value(_ number: Int) {
        appendDecimal(Int64(number))
    }

    public mutating func value(_ flag: Bool) {
        bytes.append(contentsOf: flag ? Array("true".utf8) : Array("false".utf8))
    }

    /// A finite number as `JSONEncoder` writes it: Swift's shortest description, without a
    /// trailing `.0` for whole numbers. (The replies' numbers are rates and medians, always finite.)
    public mutating func value(_ number: Double) {
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A string, escaped as `JSONEncoder` escapes it: quote, backslash and control characters;
    /// everything else (slashes and non-ASCII included) as is.
    public mutating func value(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22: bytes.append(UInt8(ascii: "\""))
                case 0x5C: bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: Array("u00".utf8))
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// An optional member: left out when nil, as `JSONEncoder` leaves it out.
    public mutating func member(_ name: StaticString, _ number: Int64?) {
        guard let number else { return }
        key(name)
        value(number)
    }

    public mutating func member(_ name: StaticString, _ number: Int?) {
        guard let number else { return }
        key(name)
        value(number)
    }

    public mutating func member(_ name: StaticString, _ number: Double?) {
        guard let number else { return }
        key(name)
        value(number)
    }

    public mutating func member(_ name: StaticString, _ text: String?) {
        guard let text else { return }
        key(name)
        value(text)
    }

    private mutating func appendDecimal(_ number: Int64) {
        if number >= 0 && number < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(number))
            return
        }
        // Digits from the right into a small buffer on the stack: no String per number.
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }
}

extension OutcomeCounts {
    public func write(to out: inout ReplyWriter) {
        out.beginObject()
        out.key("continuing")
        out.value(continuing)
        out.key("dropped")
        out.value(dropped)
        out.key("embedded")
        out.value(embedded)
        out.endObject()
    }
}

extension ReportRow {
    public func write(to out: inout ReplyWriter) {
        out.beginObject()
        out.key("adaptationsSet")
        out.value(adaptationsSet)
        out.member("coach", coach)
        out.member("coachName", coachName)
        out.member("completionRate", completionRate)
        out.member("countedThrough", countedThrough)
        out.key("cyclesStarted")
        out.value(cyclesStarted)
        out.key("dropinsDone")
        out.value(dropinsDone)
        out.key("dropinsDue")
        out.value(dropinsDue)
        out.key("dropinsOnTime")
        out.value(dropinsOnTime)
        out.key("followupsDone")
        out.value(followupsDone)
        out.key("followupsInWindow")
        out.value(followupsInWindow)
        out.member("medianSchoolDaysBetweenDropins", medianSchoolDaysBetweenDropins)
        out.member("onTimeRate", onTimeRate)
        out.key("outcomes")
        outcomes.write(to: &out)
        out.member("pair", pair)
        out.member("school", school)
        out.member("schoolName", schoolName)
        out.member("teacher", teacher)
        out.member("teacherName", teacherName)
        out.endObject()
    }
}

extension ReportSummary {
    /// The reply's bytes, the same as `RPCCodec.encoder.encode(self)`.
    public func encodedJSON() -> Data {
        var out = ReplyWriter(capacity: 512 + 440 * (byPair.count + byCoach.count + (bySchool?.count ?? 0)))
        func rows(_ name: StaticString, _ rows: [ReportRow]) {
            out.key(name)
            out.beginArray()
            for row in rows {
                out.element()
                row.write(to: &out)
            }
            out.endArray()
        }
        out.beginObject()
        rows("byCoach", byCoach)
        rows("byPair", byPair)
        if let bySchool { rows("bySchool", bySchool) }
        out.key("countedThrough")
        out.value(countedThrough)
        out.key("from")
        out.value(from)
        out.member("school", school)
        out.member("schoolName", schoolName)
        out.key("to")
        out.value(to)
        out.key("totals")
        totals.write(to: &out)
        out.endObject()
        return out.data
    }
}

extension DueItemInfo {
    public func write(to out: inout ReplyWriter) {
        out.beginObject()
        out.key("coach")
        out.value(coach)
        out.key("coachName")
        out.value(coachName)
        out.member("dropin", dropin)
        out.key("dueAt")
        out.value(dueAt)
        out.key("dueDate")
        out.value(dueDate)
        out.member("group", group)
        out.member("groupName", groupName)
        out.key("kind")
        out.value(kind)
        out.key("overdue")
        out.value(overdue)
        out.key("overdueAt")
        out.value(overdueAt)
        out.key("pair")
        out.value(pair)
        out.member("period", period)
        out.key("school")
        out.value(school)
        out.key("teacher")
        out.value(teacher)
        out.key("teacherName")
        out.value(teacherName)
        out.member("term", term)
        out.endObject()
    }
}

extension CoverageItem {
    public func write(to out: inout ReplyWriter) {
        out.beginObject()
        out.member("coach", coach)
        out.member("coachName", coachName)
        out.member("lastDropIn", lastDropIn)
        if let next {
            out.key("next")
            next.write(to: &out)
        }
        out.member("pair", pair)
        out.member("schoolDaysSince", schoolDaysSince)
        out.key("teacher")
        out.value(teacher)
        out.key("teacherName")
        out.value(teacherName)
        out.endObject()
    }
}

extension CoverageList {
    /// The reply's bytes, the same as `RPCCodec.encoder.encode(self)`.
    public func encodedJSON() -> Data {
        var out = ReplyWriter(capacity: 128 + 560 * items.count)
        out.beginObject()
        out.key("asOf")
        out.value(asOf)
        out.key("items")
        out.beginArray()
        for item in items {
            out.element()
            item.write(to: &out)
        }
        out.endArray()
        out.key("school")
        out.value(school)
        out.endObject()
        return out.data
    }
}
