/// Why the domain refused a change. The daemon maps the kind to a wire error in one place.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of refusal. New kinds may be added.
    public enum Kind: String, Sendable, Hashable {
        case invalidValue
        case notFound
        case permissionDenied
        case conflict
        case invalidState
        case outsideSchoolHours
        case notASchoolDay
        case adaptationAlreadyActive
    }

    public var kind: Kind
    /// One sentence: what was wrong.
    public var message: String
    /// The offending input, by its wire name.
    public var field: String?
    /// What to do about it.
    public var hint: String?

    public init(_ kind: Kind, _ message: String, field: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.hint = hint
    }

    public var description: String { message }

    public static func invalid(_ message: String, field: String, hint: String? = nil) -> DomainError {
        DomainError(.invalidValue, message, field: field, hint: hint)
    }

    public static func notFound(_ what: String, _ id: Int64, field: String) -> DomainError {
        DomainError(.notFound, "no \(what) with id \(id)", field: field)
    }
}
