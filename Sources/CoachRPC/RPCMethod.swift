/// A described shape on the wire, enough for OpenRPC and for the CLI's help text.
public indirect enum RPCSchema: Sendable {
    case string(format: String? = nil)
    case integer
    /// A JSON number that may have a fraction (rates, medians).
    case number
    case boolean
    case array(RPCSchema)
    case object([RPCField])
    case oneOf([String])  // a string from a fixed set
    case any

    /// A JSON Schema rendering of the shape.
    public var jsonSchema: JSONValue {
        switch self {
        case .string(let format):
            if let format { return ["type": "string", "format": .string(format)] }
            return ["type": "string"]
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case .array(let items): return ["type": "array", "items": items.jsonSchema]
        case .oneOf(let values): return ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .any: return [:]
        case .object(let fields):
            var properties: [String: JSONValue] = [:]
            for field in fields {
                var schema = field.schema.jsonSchema
                if case .object(var members) = schema {
                    members["description"] = .string(field.summary)
                    schema = .object(members)
                }
                properties[field.name] = schema
            }
            let required = fields.filter(\.required).map { JSONValue.string($0.name) }
            return ["type": "object", "properties": .object(properties), "required": .array(required)]
        }
    }
}

/// One named member of a params or result object.
public struct RPCField: Sendable {
    public var name: String
    public var schema: RPCSchema
    public var required: Bool
    public var summary: String

    public init(_ name: String, _ schema: RPCSchema, required: Bool = true, _ summary: String) {
        self.name = name
        self.schema = schema
        self.required = required
        self.summary = summary
    }
}

/// A type whose wire shape is described, for discovery and documentation.
public protocol RPCDescribed {
    /// The shape of the encoded value.
    static var schema: RPCSchema { get }
}

/// The parameters of a method: always a JSON object with named members.
public protocol RPCParams: Codable, Sendable, RPCDescribed {
    /// The members this method accepts; anything else is rejected as an unknown parameter.
    static var fields: [RPCField] { get }
}

extension RPCParams {
    public static var schema: RPCSchema { .object(fields) }
}

/// One JSON-RPC method: its name, what it takes and what it returns.
public protocol RPCMethod: Sendable {
    associatedtype Params: RPCParams
    associatedtype Result: Codable & Sendable & RPCDescribed
    /// The wire name, `noun.verb`.
    static var name: String { get }
    /// One line for `rpc.discover`, the docs and the CLI.
    static var summary: String { get }
    /// The API level that introduced the method (see Docs/API-Changelog.md).
    static var since: Int { get }
}

extension RPCMethod {
    public static var since: Int { 1 }
}

/// Parameters for a method that takes none.
public struct NoParams: RPCParams, Hashable {
    public init() {}
    public static let fields: [RPCField] = []
}

/// An object result that only carries the new row's id.
public struct CreatedID: Codable, Sendable, Hashable, RPCDescribed {
    /// The id of what was created.
    public var id: Int64
    public init(id: Int64) { self.id = id }
    public static let schema: RPCSchema = .object([RPCField("id", .integer, "the new id")])
}

extension String: RPCDescribed {
    public static var schema: RPCSchema { .string() }
}

extension JSONValue: RPCDescribed {
    public static var schema: RPCSchema { .any }
}
