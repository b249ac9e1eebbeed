import Foundation

/// One pass over a request line before it is decoded: how deeply it nests, and which objects name
/// a member twice. Foundation's `JSONDecoder` keeps one of two equal keys without a word (so a
/// request could say two things, and whoever reads it first decides which counts), and its
/// decoding time grows faster than the square of the nesting depth; this scan lets `RPCCodec`
/// refuse both before decoding. It never fails: on text that is not JSON its findings are
/// meaningless, and the decoder rejects that text anyway.
struct JSONShape {
    /// The deepest nesting a request may have. A batch of requests whose params hold arrays of
    /// objects is 5 deep; anything near the limit is not a coachd request.
    static let maxDepth = 32

    /// True when the text nests deeper than `maxDepth` (the scan stopped there).
    private(set) var tooDeep = false
    /// Whether an object outside any top-level array element repeats a member name.
    private(set) var duplicateAtTop: String?
    /// Top-level array elements (batch members) holding an object that repeats a member name.
    private(set) var duplicateInElement: [Int: String] = [:]

    /// Scans bytes the caller owns (UTF-8).
    init(bytes: UnsafeRawBufferPointer) {
        scan(bytes.bindMemory(to: UInt8.self))
    }

    /// Objects with more members than this get a hash set; smaller ones are searched in place.
    private static let linearSearchLimit = 16

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        // One array of the member names of every open object, innermost last; each open container
        // remembers where its names start. Typical requests allocate nothing else.
        var stack: [Container] = []
        stack.reserveCapacity(8)
        var names: [String] = []
        names.reserveCapacity(16)
        var largeObjects: [Int: Set<String>] = [:]  // by stack depth, for objects past the limit
        var inString = false
        var escaped = false
        var keyStart: Int? = nil  // where the member name being read starts
        var keyHasEscape = false
        var element = 0  // index of the current element of a top-level array
        var topIsArray = false

        for index in 0..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    keyHasEscape = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if let start = keyStart {
                        keyStart = nil
                        let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                        let name = keyHasEscape ? Self.unescape(Array(raw)) : String(decoding: raw, as: UTF8.self)
                        let depth = stack.count
                        let first = stack[depth - 1].firstName
                        var repeated: Bool
                        if var large = largeObjects[depth] {
                            repeated = !large.insert(name).inserted
                            largeObjects[depth] = large
                        } else {
                            repeated = names[first...].contains(name)
                            if !repeated, names.count - first >= Self.linearSearchLimit {
                                largeObjects[depth] = Set(names[first...] + [name])
                            }
                        }
                        names.append(name)
                        if repeated {
                            if topIsArray && depth > 1 {
                                duplicateInElement[element] = duplicateInElement[element] ?? name
                            } else {
                                duplicateAtTop = duplicateAtTop ?? name
                            }
                        }
                    }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if let top = stack.last, top.isObject, top.expectsKey {
                    keyStart = index + 1
                    keyHasEscape = false
                    stack[stack.count - 1].expectsKey = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if stack.isEmpty { topIsArray = byte == UInt8(ascii: "[") }
                stack.append(Container(isObject: byte == UInt8(ascii: "{"), firstName: names.count))
                if stack.count > Self.maxDepth {
                    tooDeep = true
                    return
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let closed = stack.popLast() {
                    largeObjects[stack.count + 1] = nil
                    names.removeSubrange(closed.firstName...)
                }
            case UInt8(ascii: ","):
                if stack.count == 1 && topIsArray { element += 1 }
                if let top = stack.last, top.isObject { stack[stack.count - 1].expectsKey = true }
            default:
                break
            }
        }
    }

    private struct Container {
        var isObject: Bool
        var expectsKey: Bool
        /// Where this object's member names start in the shared list.
        var firstName: Int

        init(isObject: Bool, firstName: Int) {
            self.isObject = isObject
            self.expectsKey = isObject
            self.firstName = firstName
        }
    }

    /// A member name as the decoder sees it: escapes resolved (`"p\u0061ir"` is `"pair"`), and
    /// compared as a Swift `String`, so canonically equivalent spellings count as the same name.
    static func unescape(_ raw: [UInt8]) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var units: [UInt16] = []  // \u escapes, decoded together so surrogate pairs combine
        func flushUnits() {
            for scalar in UTF16.decode(units) { scalars.append(scalar) }
            units.removeAll()
        }
        var plain: [UInt8] = []
        func flushPlain() {
            scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars)
            plain.removeAll()
        }
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                flushUnits()
                plain.append(byte)
                index += 1
                continue
            }
            flushPlain()
            let code = raw[index + 1]
            if code == UInt8(ascii: "u"), index + 6 <= raw.count,
                let unit = UInt16(String(decoding: raw[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16)
            {
                units.append(unit)
                index += 6
                continue
            }
            flushUnits()
            let simple: UInt8 =
                switch code {
                case UInt8(ascii: "n"): 0x0A
                case UInt8(ascii: "t"): 0x09
                case UInt8(ascii: "r"): 0x0D
                case UInt8(ascii: "b"): 0x08
                case UInt8(ascii: "f"): 0x0C
                default: code  // \" \\ \/ (and anything else, which the decoder refuses)
                }
            plain.append(simple)
            index += 2
        }
        flushUnits()
        flushPlain()
        return String(scalars)
    }
}

extension UTF16 {
    /// The scalars of a UTF-16 sequence; a lone surrogate becomes U+FFFD.
    fileprivate static func decode(_ units: [UInt16]) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .error: scalars.append("\u{FFFD}")
            case .emptyInput: break loop
            }
        }
        return scalars
    }
}
