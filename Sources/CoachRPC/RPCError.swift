/// A stable, symbolic error name carried in `error.data.name`. Clients switch on the name, not
/// the message. New names may be added; existing ones never change meaning.
public struct RPCErrorName: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // JSON-RPC 2.0 standard errors.
    public static let parseError = RPCErrorName(rawValue: "ParseError")
    public static let invalidRequest = RPCErrorName(rawValue: "InvalidRequest")
    public static let methodNotFound = RPCErrorName(rawValue: "MethodNotFound")
    public static let invalidParams = RPCErrorName(rawValue: "InvalidParams")
    public static let internalError = RPCErrorName(rawValue: "InternalError")

    // Domain errors (codes -32000 … -32099).
    public static let notFound = RPCErrorName(rawValue: "NotFound")
    public static let permissionDenied = RPCErrorName(rawValue: "PermissionDenied")
    public static let conflict = RPCErrorName(rawValue: "Conflict")
    public static let invalidState = RPCErrorName(rawValue: "InvalidState")
    public static let outsideSchoolHours = RPCErrorName(rawValue: "OutsideSchoolHours")
    public static let adaptationAlreadyActive = RPCErrorName(rawValue: "AdaptationAlreadyActive")
    public static let busy = RPCErrorName(rawValue: "Busy")
    public static let notASchoolDay = RPCErrorName(rawValue: "NotASchoolDay")
    public static let storeUnavailable = RPCErrorName(rawValue: "StoreUnavailable")
    public static let deadlineExceeded = RPCErrorName(rawValue: "DeadlineExceeded")

    /// The JSON-RPC `error.code` for this name: the one place names map to numbers.
    public var code: Int {
        switch self {
        case .parseError: -32700
        case .invalidRequest: -32600
        case .methodNotFound: -32601
        case .invalidParams: -32602
        case .internalError: -32603
        case .notFound: -32001
        case .permissionDenied: -32002
        case .conflict: -32003
        case .invalidState: -32004
        case .outsideSchoolHours: -32005
        case .adaptationAlreadyActive: -32006
        case .busy: -32007
        case .notASchoolDay: -32008
        case .storeUnavailable: -32009
        case .deadlineExceeded: -32010
        default: -32000
        }
    }

    /// Every name this API level defines, in code order (for documentation and discovery).
    public static let all: [RPCErrorName] = [
        .parseError, .invalidRequest, .methodNotFound, .invalidParams, .internalError,
        .notFound, .permissionDenied, .conflict, .invalidState, .outsideSchoolHours,
        .adaptationAlreadyActive, .busy, .notASchoolDay, .storeUnavailable, .deadlineExceeded,
    ]

    /// The name for a received code, when the peer sent no `data.name`.
    public init(code: Int) {
        self = Self.all.first { $0.code == code } ?? RPCErrorName(rawValue: "Error\(code)")
    }
}

/// The `error.data` member: the stable name and, where there is one, the offending parameter.
public struct RPCErrorData: Codable, Sendable, Hashable {
    /// The symbolic error name.
    public var name: String
    /// The parameter that was wrong, by its wire name.
    public var field: String?
    /// What the caller can do about it.
    public var hint: String?

    public init(name: String, field: String? = nil, hint: String? = nil) {
        self.name = name
        self.field = field
        self.hint = hint
    }
}

/// A JSON-RPC error object, and the error type both sides throw.
public struct RPCError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The JSON-RPC error code.
    public var code: Int
    /// One sentence saying what was wrong.
    public var message: String
    /// Name, field and hint.
    public var data: RPCErrorData?

    public init(code: Int, message: String, data: RPCErrorData? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// An error with a stable name; the code follows from the name.
    public init(_ name: RPCErrorName, _ message: String, field: String? = nil, hint: String? = nil) {
        self.init(code: name.code, message: message, data: RPCErrorData(name: name.rawValue, field: field, hint: hint))
    }

    /// The symbolic name: `data.name` when present, else derived from the code.
    public var name: RPCErrorName {
        if let name = data?.name { return RPCErrorName(rawValue: name) }
        return RPCErrorName(code: code)
    }

    public var description: String {
        var text = message
        if let hint = data?.hint { text += " (\(hint))" }
        return text
    }

    public static func parseError(_ detail: String) -> RPCError {
        RPCError(.parseError, "Parse error: \(detail)", hint: "send one JSON text per line, UTF-8")
    }

    public static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(.invalidRequest, "Invalid Request: \(detail)")
    }

    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(
            .methodNotFound, "Method not found: \(method)", field: "method", hint: "rpc.discover lists the methods")
    }

    public static func invalidParams(_ message: String, field: String? = nil, hint: String? = nil) -> RPCError {
        RPCError(.invalidParams, message, field: field, hint: hint)
    }
}
