import CoachRPC

/// A request or notification as the client sends it: named params only.
struct RequestEnvelope<Params: Encodable>: Encodable {
    let jsonrpc = "2.0"
    let method: String
    let params: Params
    /// Nil for a notification; the member is then left out.
    let id: Int64?
}

/// A reply, or a notification the daemon pushed in between (recognised by its `method`).
struct ReplyEnvelope<Result: Decodable>: Decodable {
    var result: Result?
    var error: WireError?
    var id: RPCID?
    var isNotification = false

    enum CodingKeys: String, CodingKey {
        case result, error, id, method
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.method) && !container.contains(.result) && !container.contains(.error) {
            isNotification = true
            return
        }
        id = try container.decodeIfPresent(RPCID.self, forKey: .id)
        error = try container.decodeIfPresent(WireError.self, forKey: .error)
        if error == nil && container.contains(.result) {
            result = try container.decode(Result.self, forKey: .result)
        }
    }
}

/// An error object, read leniently: `data` that is not `{name, field, hint}` is not a reason to
/// lose the daemon's message.
struct WireError: Decodable {
    var code: Int
    var message: String
    var data: RPCErrorData?

    enum CodingKeys: String, CodingKey {
        case code, message, data
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(Int.self, forKey: .code)
        message = try container.decode(String.self, forKey: .message)
        data = try? container.decodeIfPresent(RPCErrorData.self, forKey: .data)
    }

    var rpcError: RPCError {
        RPCError(code: code, message: message, data: data)
    }
}
