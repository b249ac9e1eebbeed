/// One due item as the reply carries it (`DueItemInfo`'s members, plain values): what
/// `DueReply` reads and `DueTable` shows.
public struct DueItem: Equatable, Sendable {
    public var kind: String
    public var pair: Int64
    public var school: Int64
    public var teacher: Int64
    public var teacherName: String
    public var coach: Int64
    public var coachName: String
    public var dropin: Int64?
    public var dueDate: String
    public var dueAt: String
    public var overdueAt: String
    public var overdue: Bool
    public var period: Int64?
    public var group: Int64?
    public var groupName: String?
    public var term: String?

    public init(
        kind: String, pair: Int64, school: Int64, teacher: Int64, teacherName: String, coach: Int64, coachName: String,
        dropin: Int64? = nil, dueDate: String, dueAt: String, overdueAt: String, overdue: Bool, period: Int64? = nil,
        group: Int64? = nil, groupName: String? = nil, term: String? = nil
    ) {
        self.kind = kind
        self.pair = pair
        self.school = school
        self.teacher = teacher
        self.teacherName = teacherName
        self.coach = coach
        self.coachName = coachName
        self.dropin = dropin
        self.dueDate = dueDate
        self.dueAt = dueAt
        self.overdueAt = overdueAt
        self.overdue = overdue
        self.period = period
        self.group = group
        self.groupName = groupName
        self.term = term
    }
}

/// A hand-written reader for the one reply `coachctl due` waits for: `{"jsonrpc":"2.0",
/// "result":{"items":[…]},"id":N}` straight from its bytes to plain values, without Foundation
/// (CoachctlCore: the `coachctl` front reads the reply with it; coachctl-full through
/// CoachClient's `DueListReply`, which makes `DueList` of it). Benchmark B7 in Docs/Performance.md.
///
/// It reads a strict subset of what `JSONDecoder` reads, and gives the same value for it; for
/// anything else it returns nil, and the caller decodes the line with `JSONDecoder` as before (the
/// front: runs coachctl-full), so errors and unusual replies are reported exactly as they always
/// were. Nil for: an `error` or `method` member (an error reply, a notification), an `id` other than
/// the integer expected, a string with a backslash escape, an integer field not written as a 64-bit
/// integer, a duplicate member name, invalid UTF-8, nesting deeper than 32, and any member of the
/// wrong type or missing. `Tests/CoachCtlTests/DueListReplyTests.swift` checks it against `JSONDecoder`.
public enum DueReply {
    /// The items of the reply `line` to the request with `id`; nil when `JSONDecoder` must read it.
    public static func items(line: UnsafeRawBufferPointer, id: Int64) -> [DueItem]? {
        var reader = Reader(bytes: line)
        guard let envelope = reader.document() else { return nil }
        return items(from: envelope, id: id)
    }

    /// The same for the result alone (`{"items":[…]}`).
    public static func items(result: UnsafeRawBufferPointer) -> [DueItem]? {
        var reader = Reader(bytes: result)
        guard let value = reader.document() else { return nil }
        return items(value)
    }

    /// The request line for `due.list`, newline included, byte for byte as `RPCCodec.encoder` writes
    /// it (sorted keys, nil members left out); nil when a text would need escaping, for `JSONEncoder`.
    public static func request(
        school: Int64?, overdueOnly: Bool?, from: String?, to: String?, method: String = "due.list", id: Int64
    ) -> String? {
        func plain(_ text: String) -> Bool {
            text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        var members: [String] = []
        if let from {
            guard plain(from) else { return nil }
            members.append("\"from\":\"\(from)\"")
        }
        if let overdueOnly { members.append("\"overdueOnly\":\(overdueOnly)") }
        if let school { members.append("\"school\":\(school)") }
        if let to {
            guard plain(to) else { return nil }
            members.append("\"to\":\"\(to)\"")
        }
        return "{\"id\":\(id),\"jsonrpc\":\"2.0\",\"method\":\"\(method)\",\"params\":{"
            + members.joined(separator: ",") + "}}\n"
    }

    private static func items(from envelope: Value, id: Int64) -> [DueItem]? {
        guard case .object(let members) = envelope,
            members.contains(where: { $0.name == "id" }), members.contains(where: { $0.name == "result" }),
            !members.contains(where: { $0.name == "error" || $0.name == "method" }),
            case .int(id)? = member("id", of: members), let result = member("result", of: members)
        else { return nil }
        return items(result)
    }

    private static func items(_ result: Value) -> [DueItem]? {
        guard case .object(let members) = result, case .array(let elements)? = member("items", of: members) else {
            return nil
        }
        var items: [DueItem] = []
        items.reserveCapacity(elements.count)
        for element in elements {
            guard let item = dueItem(element) else { return nil }
            items.append(item)
        }
        return items
    }

    private static func dueItem(_ value: Value) -> DueItem? {
        guard case .object(let members) = value,
            case .string(let kind)? = member("kind", of: members),
            case .int(let pair)? = member("pair", of: members),
            case .int(let school)? = member("school", of: members),
            case .int(let teacher)? = member("teacher", of: members),
            case .string(let teacherName)? = member("teacherName", of: members),
            case .int(let coach)? = member("coach", of: members),
            case .string(let coachName)? = member("coachName", of: members),
            case .string(let dueDate)? = member("dueDate", of: members),
            case .string(let dueAt)? = member("dueAt", of: members),
            case .string(let overdueAt)? = member("overdueAt", of: members),
            case .bool(let overdue)? = member("overdue", of: members),
            let dropin = optionalInt("dropin", of: members), let period = optionalInt("period", of: members),
            let group = optionalInt("group", of: members), let groupName = optionalString("groupName", of: members),
            let term = optionalString("term", of: members)
        else { return nil }
        return DueItem(
            kind: kind, pair: pair, school: school, teacher: teacher, teacherName: teacherName, coach: coach,
            coachName: coachName, dropin: dropin, dueDate: dueDate, dueAt: dueAt, overdueAt: overdueAt,
            overdue: overdue, period: period, group: group, groupName: groupName, term: term)
    }

    /// Every member of a due item this reader reads. `DueListReplyTests` checks it against
    /// `DueItemInfo.schema`, so a member added to the contract cannot be dropped here unnoticed.
    public static let itemMembers: Set<String> = [
        "kind", "pair", "school", "teacher", "teacherName", "coach", "coachName", "dropin", "dueDate", "dueAt",
        "overdueAt", "overdue", "period", "group", "groupName", "term",
    ]

    /// An optional string as `decodeIfPresent` reads it (see `optionalInt`).
    private static func optionalString(_ name: String, of members: [Member]) -> String?? {
        switch member(name, of: members) {
        case nil, .null?: return .some(nil)
        case .string(let value)?: return .some(value)
        default: return nil
        }
    }

    /// An optional integer as `decodeIfPresent` reads it: absent or null is nil; `.some(nil)` then.
    /// The outer nil means "not readable here".
    private static func optionalInt(_ name: String, of members: [Member]) -> Int64?? {
        switch member(name, of: members) {
        case nil, .null?: return .some(nil)
        case .int(let value)?: return .some(value)
        default: return nil
        }
    }

    private static func member(_ name: String, of members: [Member]) -> Value? {
        for member in members where member.name == name { return member.value }
        return nil
    }

    private struct Member {
        var name: String
        var value: Value
    }

    private indirect enum Value {
        case null, bool(Bool), int(Int64), string(String), array([Value]), object([Member])
        /// A number that is not an Int64 as written (`1.5`, `1e2`, `-0`, beyond 64 bits).
        case other
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func document() -> Value? {
            skipWhitespace()
            guard let value = value(depth: 0) else { return nil }
            skipWhitespace()
            return index == bytes.count ? value : nil
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) -> Value? {
            guard index < bytes.count, depth <= 32 else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(depth: depth + 1)
            case UInt8(ascii: "["): return array(depth: depth + 1)
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return nil
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func object(depth: Int) -> Value? {
            index += 1  // {
            var members: [Member] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let name = string() else { return nil }
                // JSONDecoder and this reader might disagree on which of two equal names counts.
                guard !members.contains(where: { $0.name == name }) else { return nil }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipWhitespace()
                guard let value = value(depth: depth) else { return nil }
                members.append(Member(name: name, value: value))
                skipWhitespace()
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(members)
                default: return nil
                }
            }
        }

        mutating func array(depth: Int) -> Value? {
            index += 1  // [
            var elements: [Value] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                guard let value = value(depth: depth) else { return nil }
                elements.append(value)
                skipWhitespace()
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                default: return nil
                }
            }
        }

        /// A string without escapes or control characters, as validated UTF-8.
        mutating func string() -> String? {
            index += 1  // opening quote
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return String(validating: slice, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        /// A JSON number (RFC 8259's grammar): `.int` when it is written as an integer within Int64
        /// (not `-0`), else `.other`, which no field of a due item accepts.
        mutating func number() -> Value? {
            let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            let start = index
            var magnitude: UInt64 = 0
            var overflow = false
            while index < bytes.count, digit.contains(bytes[index]) {
                let (times, over1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, over2) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                overflow = overflow || over1 || over2
                magnitude = sum
                index += 1
            }
            let digits = index - start
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            var integral = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                integral = false
                index += 1
                guard skipDigits() else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                integral = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard skipDigits() else { return nil }
            }
            guard integral, !overflow else { return .other }
            if negative {
                guard magnitude > 0, magnitude <= UInt64(Int64.max) + 1 else { return .other }
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            guard magnitude <= UInt64(Int64.max) else { return .other }
            return .int(Int64(magnitude))
        }

        /// One or more digits; false when there is none.
        mutating func skipDigits() -> Bool {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index > start
        }
    }
}
