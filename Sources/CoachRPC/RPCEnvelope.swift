public import Foundation

/// A JSON-RPC request id: a string, a number, or null.
public enum RPCID: Sendable, Hashable, Codable {
    case string(String)
    case int(Int64)
    case double(Double)
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    init?(_ value: JSONValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .null: self = .null
        default: return nil
        }
    }
}

/// A well-formed request or notification, its params still undecoded.
public struct RPCRequest: Sendable {
    /// The method name.
    public var method: String
    /// The id; nil for a notification (which gets no reply).
    public var id: RPCID?
    /// The named params (empty when omitted).
    public var params: [String: JSONValue]

    public init(method: String, id: RPCID?, params: [String: JSONValue]) {
        self.method = method
        self.id = id
        self.params = params
    }

    /// True when no reply may be sent.
    public var isNotification: Bool { id == nil }
}

/// One member of what a line carried: a request to run, or an error to send back as it is.
public enum RPCIncoming: Sendable {
    case request(RPCRequest)
    case invalid(RPCError, id: RPCID)
}

/// What one received line holds, per JSON-RPC 2.0 §4–§6.
public enum RPCMessage: Sendable {
    /// A single request or notification (or an invalid one).
    case single(RPCIncoming)
    /// A batch: each member answered on its own; the replies go back as one array.
    case batch([RPCIncoming])
}

/// Parses request lines and encodes replies: the pure half of the JSON-RPC 2.0 codec.
public enum RPCCodec {
    /// Parses one line. A line that is not JSON gives a parse error (id null); an empty batch
    /// and a non-object gives an invalid request.
    ///
    /// Before decoding, one pass over the text (`JSONShape`) refuses nesting deeper than 32 levels
    /// (a parse error: the decoder's cost grows steeply with depth) and an object that names a
    /// member twice (an invalid request, id null: which of the two values would count is exactly
    /// what must not be left to chance). In a batch, only the member holding the repeat is refused.
    public static func parse(_ line: some DataProtocol) -> RPCMessage {
        if let contiguous = line as? Data {
            return contiguous.withUnsafeBytes { parse(bytes: $0) }
        }
        return Array(line).withUnsafeBytes { parse(bytes: $0) }
    }

    /// Parses one line held in memory the caller owns (the socket server's read buffer).
    public static func parse(bytes line: UnsafeRawBufferPointer) -> RPCMessage {
        let shape = JSONShape(bytes: line)
        if shape.tooDeep {
            return .single(.invalid(.parseError("the JSON nests deeper than \(JSONShape.maxDepth) levels"), id: .null))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .single(.invalid(.parseError("the line is not valid JSON"), id: .null))
        }
        if case .array(let members) = value {
            if members.isEmpty {
                return .single(.invalid(.invalidRequest("an empty batch"), id: .null))
            }
            return .batch(
                members.enumerated().map { index, member in
                    shape.duplicateInElement[index].map(duplicateMember) ?? incoming(member)
                })
        }
        return .single(shape.duplicateAtTop.map(duplicateMember) ?? incoming(value))
    }

    private static func duplicateMember(_ name: String) -> RPCIncoming {
        let shown = name.count > 64 ? name.prefix(64) + "…" : Substring(name)
        return .invalid(
            .invalidRequest("the member \"\(shown)\" appears twice in one object; give each member once"), id: .null)
    }

    /// Validates one request object.
    public static func incoming(_ value: JSONValue) -> RPCIncoming {
        guard case .object(let members) = value else {
            return .invalid(.invalidRequest("a request must be a JSON object, got \(value.typeName)"), id: .null)
        }
        var id: RPCID?
        if let raw = members["id"] {
            guard let parsed = RPCID(raw) else {
                return .invalid(.invalidRequest("\"id\" must be a string, a number or null"), id: .null)
            }
            // A whole number beyond 64 bits reached us rounded: echoing it would not be the client's id.
            if case .double(let number) = parsed, number.rounded() == number {
                return .invalid(
                    .invalidRequest("\"id\" is a whole number beyond 64 bits; use a smaller number or a string"),
                    id: .null)
            }
            id = parsed
        }
        let replyID = id ?? .null
        guard members["jsonrpc"] == .string("2.0") else {
            return .invalid(.invalidRequest("\"jsonrpc\" must be exactly \"2.0\""), id: replyID)
        }
        guard case .string(let method)? = members["method"] else {
            return .invalid(.invalidRequest("\"method\" must be a string"), id: replyID)
        }
        for key in members.keys where !["jsonrpc", "method", "params", "id"].contains(key) {
            return .invalid(.invalidRequest("unknown member \"\(key)\""), id: replyID)
        }
        switch members["params"] {
        case nil:
            return .request(RPCRequest(method: method, id: id, params: [:]))
        case .object(let params)?:
            return .request(RPCRequest(method: method, id: id, params: params))
        case .array?:
            return .request(RPCRequest(method: method, id: id, params: ["": .null]))  // flagged below
        case let other?:
            return .invalid(.invalidRequest("\"params\" must be an object, got \(other.typeName)"), id: replyID)
        }
    }

    /// Encodes a success reply around an already encoded result.
    public static func success(result: Data, id: RPCID) -> Data {
        var out = Data("{\"jsonrpc\":\"2.0\",\"result\":".utf8)
        out.append(result)
        out.append(contentsOf: ",\"id\":".utf8)
        out.append(encodeID(id))
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Encodes an error reply.
    public static func failure(_ error: RPCError, id: RPCID) -> Data {
        var out = Data("{\"jsonrpc\":\"2.0\",\"error\":".utf8)
        out.append((try? encoder.encode(error)) ?? Data("{\"code\":-32603,\"message\":\"Internal error\"}".utf8))
        out.append(contentsOf: ",\"id\":".utf8)
        out.append(encodeID(id))
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Joins the replies of a batch into one array (nil when all were notifications).
    public static func batch(_ replies: [Data]) -> Data? {
        guard !replies.isEmpty else { return nil }
        var out = Data([UInt8(ascii: "[")])
        for (index, reply) in replies.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(reply)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// Encodes a request id as it goes back in the reply.
    public static func encodeID(_ id: RPCID) -> Data {
        switch id {
        case .null: Data("null".utf8)
        case .int(let value): Data(String(value).utf8)
        default: (try? encoder.encode(id)) ?? Data("null".utf8)
        }
    }

    /// The encoder every wire value goes through: sorted keys, so output is stable and testable.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decodes a method's params from the request's named members, naming the bad field.
    public static func decodeParams<P: RPCParams>(_ type: P.Type, from params: [String: JSONValue]) throws(RPCError)
        -> P
    {
        if params.keys.contains("") {
            throw .invalidParams(
                "params must be an object of named parameters", hint: "positional params are not supported")
        }
        let known = Set(P.fields.map(\.name))
        for key in params.keys.sorted() where !known.contains(key) {
            let list = P.fields.map(\.name).joined(separator: ", ")
            throw .invalidParams(
                "unknown parameter \"\(key)\"", field: key,
                hint: list.isEmpty ? "this method takes no params" : "accepted: \(list)")
        }
        for field in P.fields where field.required && (params[field.name] == nil || params[field.name] == .null) {
            throw .invalidParams("missing parameter \"\(field.name)\": \(field.summary)", field: field.name)
        }
        // JSON types first: Foundation reports some mismatches (1.5 for an integer) as "not valid
        // JSON" with no coding path, which would lose the field.
        for field in P.fields {
            guard let value = params[field.name], value != .null,
                let path = mismatch(value, field.schema, path: field.name)
            else { continue }
            throw .invalidParams(
                "parameter \"\(path)\" has the wrong type; expected \(field.schema.wireDescription)", field: path)
        }
        do {
            let data = try encoder.encode(JSONValue.object(params))
            return try JSONDecoder().decode(P.self, from: data)
        } catch let error as DecodingError {
            throw describe(error, fields: P.fields)
        } catch let error as RPCError {
            throw error
        } catch {
            throw .invalidParams("params could not be read: \(error)")
        }
    }

    /// Whether the JSON type of `value` (and of its elements) is what `schema` describes.
    public static func fits(_ value: JSONValue, _ schema: RPCSchema) -> Bool {
        mismatch(value, schema, path: "") == nil
    }

    /// The path of the first value whose JSON type does not fit `schema`, or nil when all fit.
    /// Only the JSON kind is checked; values (formats, enumerations) are left to decoding.
    static func mismatch(_ value: JSONValue, _ schema: RPCSchema, path: String) -> String? {
        switch (schema, value) {
        case (.any, _), (.string, .string), (.oneOf, .string), (.integer, .int), (.boolean, .bool), (.object, .object),
            (.number, .int), (.number, .double):
            return nil
        case (.array(let items), .array(let elements)):
            for (index, element) in elements.enumerated() {
                if let inner = mismatch(element, items, path: "\(path).\(index)") { return inner }
            }
            return nil
        default:
            return path
        }
    }

    static func describe(_ error: DecodingError, fields: [RPCField]) -> RPCError {
        func name(_ path: [any CodingKey]) -> String? {
            path.isEmpty ? nil : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        func expected(_ field: String?) -> String {
            guard let top = field?.split(separator: ".").first,
                let spec = fields.first(where: { $0.name == top })
            else { return "" }
            return "; expected \(spec.schema.wireDescription)"
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = name(context.codingPath)
            return .invalidParams(
                "parameter \"\(field ?? "params")\" has the wrong type\(expected(field))", field: field)
        case .keyNotFound(let key, let context):
            let field = name(context.codingPath + [key])
            return .invalidParams("missing parameter \"\(field ?? key.stringValue)\"", field: field)
        case .dataCorrupted(let context):
            let field = name(context.codingPath)
            return .invalidParams(
                "parameter \"\(field ?? "params")\" is not valid: \(context.debugDescription)\(expected(field))",
                field: field)
        @unknown default:
            return .invalidParams("params could not be read")
        }
    }
}

extension RPCSchema {
    /// A few words naming the expected wire type ("a string (date)", "an integer").
    public var wireDescription: String {
        switch self {
        case .string(let format): format.map { "a string (\($0))" } ?? "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "a boolean"
        case .array(let items): "an array of \(items.wireDescription)"
        case .object: "an object"
        case .oneOf(let values): "one of \(values.joined(separator: ", "))"
        case .any: "any value"
        }
    }
}
