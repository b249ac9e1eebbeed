import CoachDomain
import CoachRPC
import CoachStore
import Foundation

extension CoachService {
    /// `events.subscribe`: who the caller is decides, once, what they receive (`EventAudience`,
    /// the `pairs.show` rule); a `since` older than the retention window is refused, saying so.
    func eventsSubscribe(_ params: EventsSubscribe.Params, _ peer: Peer, outlet: (any EventSink)?) async throws
        -> EventsSubscribed
    {
        guard let outlet else {
            throw DomainError(
                .invalidState, "events.subscribe needs a connection to send events on", field: nil,
                hint: "call it over the daemon's socket")
        }
        let retention = EventRetention(days: configuration.eventRetentionDays)
        let (caller, bounds) = try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            if let school = params.school {
                // A school the caller is not part of is refused like one that does not exist.
                guard caller.isAdmin || caller.person?.school == school else {
                    throw Self.hidden("school", school, field: "school")
                }
                guard try store.school(school) != nil else {
                    throw DomainError.notFound("school", school, field: "school")
                }
            }
            return (caller, try store.liveEventBounds())
        }
        if let since = params.since,
            let refusal = retention.refusal(since: since, prunedThrough: bounds.prunedThrough, newest: bounds.newest)
        {
            throw refusal
        }
        let audience = EventAudience(
            isAdmin: caller.isAdmin, person: caller.person?.id, school: caller.person?.school,
            leads: caller.person?.roles.contains(.lead) ?? false, only: params.school,
            overseesPeers: caller.person?.roles.contains(.trustlead) ?? false)
        outlet.enablePush(
            queueLimit: configuration.eventQueueLimit,
            overflow: EventHub.overflowLine(limit: configuration.eventQueueLimit))
        guard
            await events.subscribe(
                outlet, audience: audience, after: params.since ?? bounds.newest, person: caller.person?.id)
        else {
            throw DomainError(
                .conflict, "this connection is already subscribed", field: nil,
                hint: "open another connection for another subscription")
        }
        return EventsSubscribed(seq: bounds.newest)
    }
}

/// The live event stream.
/// Its methods, who may call each, and the handlers above, registered together.
enum EventsFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(EventsSubscribe.self, access: .known) { params, peer in
            try await service.eventsSubscribe(params, peer, outlet: Connection.outlet)
        }
    }
}
