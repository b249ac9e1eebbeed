public import CoachRPC
import Foundation

/// Values generated from the wire contract itself (`CoachAPI.methods`, `Params.fields`): a
/// well-typed sample for every parameter and values of every other JSON type. The fuzz seeds and
/// the hostile-input tests are built from them, so a new method or parameter is covered without
/// anyone writing a case for it.
public enum WireSamples {
    /// A value of the right JSON type for `schema` (not necessarily one the daemon accepts).
    public static func valid(_ schema: RPCSchema) -> JSONValue {
        switch schema {
        case .string(let format):
            switch format {
            case "date": return "2026-11-23"
            case "date-time": return "2026-11-23T10:00"
            case "HH:MM": return "08:30"
            case "IANA time zone": return "Europe/London"
            default: return "text"
            }
        case .integer: return 1
        case .number: return .double(0.5)
        case .boolean: return true
        case .array(let items): return [valid(items)]
        case .object(let fields):
            return .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, valid($0.schema)) }))
        case .oneOf(let values): return .string(values.first ?? "")
        case .any: return .null
        }
    }

    /// Values whose JSON type `schema` does not admit: each must be refused as invalid params,
    /// naming the field. For arrays, also an array holding a wrong element.
    public static func wrongTypes(_ schema: RPCSchema) -> [JSONValue] {
        let all: [JSONValue] = ["text", 7, .double(1.5), true, ["text"], ["key": 1]]
        var wrong = all.filter { RPCCodec.fits($0, schema) == false }
        if case .array(let items) = schema, let element = wrongTypes(items).first {
            wrong.append([valid(items), element])
        }
        return wrong
    }

    /// Params for `method` with every field given a well-typed sample.
    public static func params(for method: any RPCMethod.Type) -> [String: JSONValue] {
        fields(of: method).reduce(into: [:]) { params, field in params[field.name] = valid(field.schema) }
    }

    /// The parameters `method` declares.
    public static func fields(of method: any RPCMethod.Type) -> [RPCField] {
        func fields<M: RPCMethod>(_ method: M.Type) -> [RPCField] { M.Params.fields }
        return fields(method)
    }

    /// A request line for `method` with `params` and `id`.
    public static func request(_ method: String, params: [String: JSONValue], id: JSONValue = 1) -> String {
        let object: JSONValue = ["jsonrpc": "2.0", "method": .string(method), "params": .object(params), "id": id]
        return String(decoding: (try? RPCCodec.encoder.encode(object)) ?? Data(), as: UTF8.self)
    }
}
