import CoachRPC
import Foundation

/// What a server does with one line, at the codec level only: parse, run, encode. Its methods
/// are those of the JSON-RPC 2.0 specification's §7 examples, with named params.
enum SpecServer {
    struct SubtractParams: RPCParams, Hashable {
        var minuend: Int64
        var subtrahend: Int64
        static let fields = [
            RPCField("minuend", .integer, "what is subtracted from"),
            RPCField("subtrahend", .integer, "what is subtracted"),
        ]
    }

    struct SumParams: RPCParams, Hashable {
        var values: [Int64]
        static let fields = [RPCField("values", .array(.integer), "the numbers to add")]
    }

    struct HelloParams: RPCParams, Hashable {
        var value: Int64
        static let fields = [RPCField("value", .integer, "anything")]
    }

    /// The reply line to `line`, or nil when nothing is sent.
    static func respond(_ line: String) -> String? {
        let reply: Data?
        switch RPCCodec.parse(Data(line.utf8)) {
        case .single(let incoming):
            reply = answer(incoming)
        case .batch(let members):
            reply = RPCCodec.batch(members.compactMap(answer))
        }
        return reply.map { String(decoding: $0, as: UTF8.self) }
    }

    static func answer(_ incoming: RPCIncoming) -> Data? {
        switch incoming {
        case .invalid(let error, let id):
            return RPCCodec.failure(error, id: id)
        case .request(let request):
            let outcome = run(request)
            guard let id = request.id else { return nil }
            switch outcome {
            case .success(let result): return RPCCodec.success(result: result, id: id)
            case .failure(let error): return RPCCodec.failure(error, id: id)
            }
        }
    }

    static func run(_ request: RPCRequest) -> Result<Data, RPCError> {
        do throws(RPCError) {
            switch request.method {
            case "subtract":
                let params = try RPCCodec.decodeParams(SubtractParams.self, from: request.params)
                return .success(encode(.int(params.minuend - params.subtrahend)))
            case "sum", "notify_sum":
                let params = try RPCCodec.decodeParams(SumParams.self, from: request.params)
                return .success(encode(.int(params.values.reduce(0, +))))
            case "notify_hello", "update":
                _ = try RPCCodec.decodeParams(HelloParams.self, from: request.params)
                return .success(encode(.null))
            case "get_data":
                _ = try RPCCodec.decodeParams(NoParams.self, from: request.params)
                return .success(encode(["hello", 5]))
            default:
                throw RPCError.methodNotFound(request.method)
            }
        } catch {
            return .failure(error)
        }
    }

    private static func encode(_ value: JSONValue) -> Data {
        (try? RPCCodec.encoder.encode(value)) ?? Data("null".utf8)
    }
}

/// A reply line, parsed back for checks that do not depend on message wording.
struct Reply: Equatable, CustomStringConvertible {
    var id: JSONValue
    var result: JSONValue?
    var code: Int?
    var name: String?

    init?(_ value: JSONValue) {
        guard case .object(let members) = value, members["jsonrpc"] == "2.0", let id = members["id"] else {
            return nil
        }
        self.id = id
        result = members["result"]
        if case .object(let error)? = members["error"] {
            if case .int(let code)? = error["code"] { self.code = Int(code) }
            name = error["data"]?.objectValue?["name"]?.stringValue
        }
        // Exactly one of result and error.
        guard (result == nil) != (members["error"] == nil) else { return nil }
    }

    init(id: JSONValue, result: JSONValue) {
        self.id = id
        self.result = result
    }

    init(id: JSONValue, code: Int, name: String) {
        self.id = id
        self.code = code
        self.name = name
    }

    var description: String {
        if let result { return "result \(result) id \(id)" }
        return "error \(code ?? 0) \(name ?? "-") id \(id)"
    }

    /// One reply line.
    static func single(_ line: String?) -> Reply? {
        guard let line, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)) else {
            return nil
        }
        return Reply(value)
    }

    /// A batch reply line.
    static func batch(_ line: String?) -> [Reply]? {
        guard let line, case .array(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        else { return nil }
        let replies = members.compactMap(Reply.init)
        return replies.count == members.count ? replies : nil
    }
}
