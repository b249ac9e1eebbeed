import CoachRPC
import CoachStore
import CoachVersion
import Foundation

/// The handler table: one entry per wire method, each decoding its params, running, and encoding
/// its result. The table is the daemon's whole API surface, like tailscale's localapi handlers.
struct MethodTable: Sendable {
    typealias Handler = @Sendable ([String: JSONValue], Peer) async throws -> Data
    /// Answers without waiting when it can (on the I/O thread); nil sends the request to `Handler`.
    typealias ImmediateHandler = @Sendable ([String: JSONValue], Peer) -> Data?
    /// Decides who may call a method, before its params are read.
    typealias Gate = @Sendable (Access, String, Peer) async throws -> Void
    let gate: Gate
    private(set) var handlers: [String: Handler] = [:]
    /// Each method's access, as the gate checks it (the access table's test reads it).
    private(set) var access: [String: Access] = [:]

    init(gate: @escaping Gate) { self.gate = gate }
    private(set) var immediate: [String: ImmediateHandler] = [:]

    /// Registers a method: who may call it, then its body. Registering a name twice is a programming error.
    mutating func on<M: RPCMethod>(
        _ method: M.Type, access: Access, _ body: @escaping @Sendable (M.Params, Peer) async throws -> M.Result
    ) {
        precondition(handlers[M.name] == nil, "\(M.name) registered twice")
        self.access[M.name] = access
        handlers[M.name] = { [gate] raw, peer in
            try await gate(access, M.name, peer)
            let params = try RPCCodec.decodeParams(M.Params.self, from: raw)
            let result = try await body(params, peer)
            return try RPCCodec.encoder.encode(result)
        }
    }

    /// Registers a method that encodes its own result (to cache it), with an optional fast path, and
    /// an optional answer for when the store is unavailable (the gate's read or the body's failed).
    mutating func onEncoded<M: RPCMethod>(
        _ method: M.Type, access: Access, immediately: ImmediateHandler? = nil,
        whenStoreUnavailable: ImmediateHandler? = nil,
        _ body: @escaping @Sendable (M.Params, Peer) async throws -> Data
    ) {
        precondition(handlers[M.name] == nil, "\(M.name) registered twice")
        self.access[M.name] = access
        handlers[M.name] = { [gate] raw, peer in
            do {
                try await gate(access, M.name, peer)
                return try await body(try RPCCodec.decodeParams(M.Params.self, from: raw), peer)
            } catch let error as StoreError where error.kind == .unavailable {
                guard let answer = whenStoreUnavailable?(raw, peer) else { throw error }
                return answer
            }
        }
        immediate[M.name] = immediately
    }

    /// Registers a method whose result never changes: encoded once, answered on the I/O thread
    /// when called without params (with any, the ordinary path explains what is wrong).
    mutating func constant<M: RPCMethod>(_ method: M.Type, _ result: M.Result) throws {
        let encoded = try RPCCodec.encoder.encode(result)
        access[M.name] = .anyone
        handlers[M.name] = { raw, _ in
            _ = try RPCCodec.decodeParams(M.Params.self, from: raw)
            return encoded
        }
        immediate[M.name] = { raw, _ in raw.isEmpty ? encoded : nil }
    }

    func handler(for name: String) -> Handler? { handlers[name] }

    func immediateHandler(for name: String) -> ImmediateHandler? { immediate[name] }
}

/// A part of the API that owns its methods: it registers each with who may call it (`Access`) and
/// its handler, in the file beside the handlers. `CoachService.features` lists them; the method
/// table is assembled from them (Docs/Architecture.md, "Adding a method").
protocol ServiceFeature: Sendable {
    /// Registers the feature's methods on `table`, bound to `service`.
    static func register(_ service: CoachService, into table: inout MethodTable) throws
}

extension CoachService {
    /// Every feature of the API, in the order they were added.
    static let features: [any ServiceFeature.Type] = [
        PeopleFeature.self, CalendarFeature.self, CycleFeature.self, BackupFeature.self, SchoolYearFeature.self,
        LeadsViewFeature.self, PeopleDataFeature.self, CalendarIOFeature.self, EventsFeature.self, PeersFeature.self,
        PeerSessionsFeature.self, QuestionsFeature.self, PeerGroupsFeature.self, ProgrammeFeature.self,
    ]

    /// Every method of the API, bound to this service: the daemon's own, then each feature's.
    func methodTable(connections: @escaping @Sendable () -> Int) throws -> MethodTable {
        var table = MethodTable(gate: { access, method, peer in try await self.authorize(access, method: method, peer) }
        )
        try table.constant(DaemonPing.self, "pong")
        try table.constant(
            DaemonInfo.self,
            DaemonInfoResult(
                version: version, apiLevel: CoachAPI.level, capabilities: Self.capabilities, commit: BuildStamp.commit))
        try table.constant(RPCDiscover.self, CoachAPI.openRPC(version: version))
        table.on(DaemonStatus.self, access: .admin) { _, peer in
            try await self.daemonStatus(peer, connections: connections())
        }
        for feature in Self.features { try feature.register(self, into: &table) }
        let missing = CoachAPI.methods.map { $0.name }.filter { table.handler(for: $0) == nil }
        precondition(missing.isEmpty, "methods without a handler: \(missing)")
        return table
    }

    /// Optional features, as `daemon.info` lists them.
    static let capabilities = [
        "backup", "calendar.terms", "openrpc", "leads-view", "peer-credentials", "people-data", "school-year",
        "calendar-io",
        "events", "peer-programme", "questions", "peer-groups",
    ]
}
