import CoachRPC
import CoachRPCSocket
import CoachSupport
import Foundation

/// One fuzz input through the line framer and the JSON-RPC decoder, with the properties that must
/// hold for every input. A broken property stops the process (`fatalError`), which libFuzzer
/// reports as a finding; the regression tests replay the corpus through `violation`, the same
/// checks, where a broken property is a test failure naming the input.
///
/// - Framer: feeding the bytes in arbitrary pieces gives the same frames as a plain model of the
///   framing rule (split on `\n`, drop one `\r`, refuse a line over the limit and stop there);
///   no line is ever longer than the limit.
/// - Decoder: every line parses into requests or JSON-RPC errors with a standard code; the params
///   of every request decode with every method's `Params` type or are refused as invalid params
///   naming a field that was sent or declared; what decodes re-encodes to the same value.
/// - Replies: every reply is one line of valid JSON carrying the id that was sent.
public enum FuzzHarness {
    /// The limits the framer is run with: a tiny one (to reach the overflow paths) and the default.
    static let lineLimits = [16, 1 << 20]

    /// Checks every property for one input.
    public static func check(_ input: [UInt8]) {
        if let broken = violation(input) { fatalError(broken.description) }
    }

    /// The first property `input` breaks, or nil: what the tests call, so a broken property is a
    /// test failure naming the input instead of a trap that ends the whole test run.
    public static func violation(_ input: [UInt8]) -> PropertyBroken? {
        do throws(PropertyBroken) {
            for limit in lineLimits {
                try checkFraming(input, maxLineBytes: limit)
            }
            try checkDecoding(input)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Framing

    static func checkFraming(_ input: [UInt8], maxLineBytes: Int) throws(PropertyBroken) {
        let expected = modelFrames(input, maxLineBytes: maxLineBytes)
        var whole = LineFramer(maxLineBytes: maxLineBytes)
        let inOneGo = whole.feed(input) + whole.finish()
        try require(inOneGo == expected, "framing in one piece differs from the model", input)
        var pieces = LineFramer(maxLineBytes: maxLineBytes)
        var generator = SplitMix64(seed: UInt64(input.count) &* 0x9E37_79B9 &+ UInt64(input.first ?? 0))
        var frames: [LineFramer.Frame] = []
        var start = 0
        while start < input.count {
            let end = min(input.count, start + 1 + Int(generator.next() % 7))
            frames += pieces.feed(input[start..<end], compact: generator.next() % 3 == 0)
            start = end
        }
        frames += pieces.finish()
        try require(frames == expected, "framing in pieces differs from the model", input)
        for case .line(let line) in frames {
            try require(line.count <= maxLineBytes, "a line longer than the limit got through", input)
            try require(!line.contains(UInt8(ascii: "\n")), "a line holds a line break", input)
        }
    }

    /// The framing rule, written plainly: what `LineFramer` must produce for `input` followed by
    /// the end of the stream.
    static func modelFrames(_ input: [UInt8], maxLineBytes: Int) -> [LineFramer.Frame] {
        var frames: [LineFramer.Frame] = []
        var lineStart = 0
        func line(_ bytes: ArraySlice<UInt8>) -> LineFramer.Frame {
            var bytes = bytes
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            return bytes.count > maxLineBytes ? .tooLong : .line(Array(bytes))
        }
        for (index, byte) in input.enumerated() where byte == UInt8(ascii: "\n") {
            // A line that can no longer fit is refused as soon as it is seen, before its `\n`.
            if index - lineStart > maxLineBytes + 1 { return frames + [.tooLong] }
            let frame = line(input[lineStart..<index])
            frames.append(frame)
            if frame == .tooLong { return frames }
            lineStart = index + 1
        }
        let rest = input[lineStart...]
        if rest.count > maxLineBytes + 1 { return frames + [.tooLong] }
        if !rest.isEmpty { frames.append(line(rest)) }
        return frames
    }

    // MARK: - Decoding

    static func checkDecoding(_ input: [UInt8]) throws(PropertyBroken) {
        for line in [input[...]] + input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            try checkLine(Array(line))
        }
    }

    static func checkLine(_ line: [UInt8]) throws(PropertyBroken) {
        switch RPCCodec.parse(Data(line)) {
        case .single(let incoming):
            if let reply = try checkIncoming(incoming, line) { try checkReply(reply, isBatch: false, line) }
        case .batch(let members):
            try require(!members.isEmpty, "an empty batch was not refused", line)
            var replies: [Data] = []
            for member in members {
                if let reply = try checkIncoming(member, line) { replies.append(reply) }
            }
            if let reply = RPCCodec.batch(replies) { try checkReply(reply, isBatch: true, line) }
        }
    }

    /// Checks one request or refusal; returns the reply it would get (nil for a notification).
    static func checkIncoming(_ incoming: RPCIncoming, _ line: [UInt8]) throws(PropertyBroken) -> Data? {
        switch incoming {
        case .invalid(let error, let id):
            try require([-32700, -32600].contains(error.code), "an envelope error with code \(error.code)", line)
            return RPCCodec.failure(error, id: id)
        case .request(let request):
            for method in CoachAPI.methods {
                try checkParams(method, request.params, line)
            }
            guard let id = request.id else { return nil }
            return RPCCodec.success(result: Data("null".utf8), id: id)
        }
    }

    static func checkParams<M: RPCMethod>(_ method: M.Type, _ params: [String: JSONValue], _ line: [UInt8])
        throws(PropertyBroken)
    {
        let first: M.Params
        do {
            first = try RPCCodec.decodeParams(M.Params.self, from: params)
        } catch {
            try require(error.code == -32602, "\(M.name): params refused with code \(error.code)", line)
            if let field = error.data?.field {
                let top = field.split(separator: ".", maxSplits: 1).first.map(String.init) ?? field
                let known = Set(M.Params.fields.map(\.name)).union(params.keys)
                try require(known.contains(field) || known.contains(top), "\(M.name): refusal names \(field)", line)
            }
            _ = RPCCodec.failure(error, id: .null)
            return
        }
        for field in M.Params.fields where field.required {
            try require(params[field.name].map { $0 != .null } ?? false, "\(M.name): \(field.name) missing", line)
        }
        // What decodes must survive its own encoding unchanged.
        do {
            let encoded = try RPCCodec.encoder.encode(first)
            let members = try JSONDecoder().decode([String: JSONValue].self, from: encoded)
            let second = try RPCCodec.decodeParams(M.Params.self, from: members)
            try require(try RPCCodec.encoder.encode(second) == encoded, "\(M.name): params do not round-trip", line)
        } catch {
            throw fail("\(M.name): decoded params do not re-encode: \(error)", line)
        }
    }

    static func checkReply(_ reply: Data, isBatch: Bool, _ line: [UInt8]) throws(PropertyBroken) {
        try require(!reply.contains(UInt8(ascii: "\n")), "a reply holds a line break", line)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: reply)
        } catch {
            throw fail("a reply is not valid JSON: \(String(decoding: reply, as: UTF8.self))", line)
        }
        let objects: [JSONValue]
        if isBatch, case .array(let members) = value { objects = members } else { objects = [value] }
        for object in objects {
            try require(object.objectValue?["jsonrpc"] == "2.0", "a reply without jsonrpc 2.0", line)
            try require(object.objectValue?["id"] != nil, "a reply without an id", line)
        }
    }

    // MARK: - Reporting

    static func require(_ condition: @autoclosure () throws -> Bool, _ message: String, _ input: [UInt8])
        throws(PropertyBroken)
    {
        let holds = (try? condition()) ?? false
        if !holds { throw fail(message, input) }
    }

    static func fail(_ message: String, _ input: [UInt8]) -> PropertyBroken {
        let shown = String(decoding: input.prefix(300), as: UTF8.self)
        return PropertyBroken(description: "fuzz property broken: \(message)\ninput (\(input.count) bytes): \(shown)")
    }
}

/// A property the fuzz checks found broken, with the input that broke it.
public struct PropertyBroken: Error, CustomStringConvertible {
    public var description: String
}
