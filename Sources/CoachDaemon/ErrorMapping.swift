import CoachDomain
import CoachRPC
import CoachStore

/// The one place where errors become wire errors.
extension RPCError {
    init(_ error: DomainError) {
        let name: RPCErrorName =
            switch error.kind {
            case .invalidValue: .invalidParams
            case .notFound: .notFound
            case .permissionDenied: .permissionDenied
            case .conflict: .conflict
            case .invalidState: .invalidState
            case .outsideSchoolHours: .outsideSchoolHours
            case .notASchoolDay: .notASchoolDay
            case .adaptationAlreadyActive: .adaptationAlreadyActive
            }
        self.init(name, error.message, field: error.field, hint: error.hint)
    }

    init(_ error: StoreError) {
        switch error.kind {
        case .unavailable, .corrupt:
            self.init(
                .storeUnavailable, error.message, hint: "nothing was changed; the operator should check the journal")
        case .schemaTooNew:
            self.init(.storeUnavailable, error.message)
        case .conflict:
            // Another instance on the same PostgreSQL database changed it at the same moment (issue 15).
            self.init(
                .conflict, error.message,
                hint: "read it again (it may have changed) and, if your change still applies, try again")
        }
    }

    /// Any error thrown while handling a request.
    static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case let error as DomainError: RPCError(error)
        case let error as StoreError: RPCError(error)
        case is CancellationError: RPCError(.busy, "the daemon is shutting down", hint: "retry in a moment")
        default: RPCError(.internalError, "Internal error", hint: "the journal has the details")
        }
    }
}

extension DomainError {
    static func denied(_ what: String) -> DomainError {
        DomainError(.permissionDenied, "you may not \(what)", hint: "ask an admin or your school's lead")
    }

    /// The same words whether `what` exists or not, so a refusal never tells whether an id is in use.
    static func notYours(_ what: String, _ id: Int64, field: String) -> DomainError {
        DomainError(
            .permissionDenied, "\(what) \(id) was not found or is not yours", field: field,
            hint: "ask an admin or your school's lead")
    }

    static let unknownCaller = DomainError(
        .permissionDenied, "your Unix user is not linked to anyone in coachd",
        hint: "ask an admin to add you: coachctl person add NAME --school ID --role ROLE --login YOURLOGIN")
}
