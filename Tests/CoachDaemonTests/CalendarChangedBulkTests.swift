import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 12 (B16): `calendarChanged` reads the school at once (`pairStates(school:)`,
/// `dueSchedules(school:)`). A closure applied that way must give exactly what the per-pair path
/// gave: the same answer, cancelled drop-ins, due items, history, live events and journal lines.
@Suite("The service: a calendar change read at once, as the per-pair path did it")
struct CalendarChangedBulkTests {
    static func teacher(_ n: Int) -> Peer { Peer(uid: UInt32(6000 + n), gid: UInt32(6000 + n)) }

    /// The seeded school with pairs at every stage (Monday 23 November 2026, 09:00), built the same
    /// way every time, so two fixtures hold the same rows with the same ids.
    static func school() async throws -> (ServiceFixture, [String: Int64]) {
        var f = try await ServiceFixture()
        try await f.seed()
        let s = f.service
        var pairs: [String: Int64] = ["main": f.pair]
        for (n, name) in ["bookedInClosure", "bookedAfter", "waiting", "followedUp", "rebooked", "ended"].enumerated() {
            let person = try await s.peopleAdd(
                .init(name: "T\(n)", school: f.school, roles: ["teacher"], uid: Int64(6000 + n)), Peers.admin
            ).id
            let pair = try await s.pairsCreate(.init(teacher: person, coach: f.coach), Peers.lead).id
            _ = try await s.cyclesStart(.init(pair: pair, focus: "questioning"), teacher(n))
            pairs[name] = pair
        }
        // The main pair: a focus and an adaptation practised until 30 November.
        _ = try await s.cyclesStart(.init(pair: f.pair, focus: "wait time"), Peers.teacher)
        _ = try await s.adaptationsSet(.init(pair: f.pair, text: "wait time"), Peers.teacher)
        // Booked on a day the closure takes: cancelled.
        _ = try await s.dropInsSchedule(.init(pair: pairs["bookedInClosure"]!, start: "2026-11-25T10:00"), teacher(0))
        // Booked after it: kept.
        _ = try await s.dropInsSchedule(.init(pair: pairs["bookedAfter"]!, start: "2026-12-02T10:00"), teacher(1))
        // Done this morning, its follow-up due within the closure.
        _ = try await s.dropInsLog(
            .init(pair: pairs["waiting"]!, start: "2026-11-23T08:30", minutes: 5), Peers.coach)
        // Done and followed up: the next drop-in due.
        let done = try await s.dropInsLog(
            .init(pair: pairs["followedUp"]!, start: "2026-11-23T08:40", minutes: 5), Peers.coach)
        _ = try await s.followUpsComplete(.init(dropin: done.id), teacher(3))
        // Done and followed up, then booked in the closure: the booking is cancelled and the pair
        // is read again, its done drop-in the last once more.
        let earlier = try await s.dropInsLog(
            .init(pair: pairs["rebooked"]!, start: "2026-11-23T08:50", minutes: 5), Peers.coach)
        _ = try await s.followUpsComplete(.init(dropin: earlier.id), teacher(4))
        _ = try await s.dropInsSchedule(.init(pair: pairs["rebooked"]!, start: "2026-11-26T11:00"), teacher(4))
        // Ended, with its booking cancelled by the ending: left alone.
        _ = try await s.dropInsSchedule(.init(pair: pairs["ended"]!, start: "2026-11-25T12:00"), teacher(5))
        _ = try await s.pairsEnd(.init(pair: pairs["ended"]!, reason: "left"), Peers.lead)
        return (f, pairs)
    }

    /// Adds the closure as `calendar.addClosure` does, with the given recompute, and returns the
    /// answer and the transaction's changes.
    static func close(
        _ f: ServiceFixture,
        _ recompute:
            @escaping @Sendable (CoachService, Int64, Caller, any StoreWriting, inout DueChanges) throws ->
            CalendarAffected
    ) async throws -> (CalendarAffected, DueChanges) {
        let service = f.service
        let school = f.school
        return try await service.change { tx, changes in
            let caller = try service.knownCaller(Peers.lead.uid, gid: Peers.lead.gid, in: tx)
            let range = DateRange(from: LocalDate("2026-11-25")!, to: LocalDate("2026-11-30")!)!
            let id = try tx.insert(Closure(id: 0, school: school, range: range, reason: "INSET"))
            try service.history(tx, &changes, caller, .closureAdded, school: school, pair: nil, subject: id)
            return (try recompute(service, school, caller, tx, &changes), changes)
        }
    }

    /// Everything a closure may touch, pair by pair.
    struct Record: Equatable {
        var history: [[HistoryEvent]]
        var dropIns: [[DropIn]]
        var schedules: [DueSchedule?]
        var states: [PairState]
        var live: [LiveEvent]
        var timer: [Int64: DueItem]
    }

    static func record(_ f: ServiceFixture) async throws -> Record {
        let school = f.school
        var record = try await f.store.read { r in
            let pairs = try r.pairs(school: school, person: nil)
            return Record(
                history: try pairs.map { try r.history(pair: $0.id) },
                dropIns: try pairs.map { try r.dropIns(pair: $0.id) },
                schedules: try pairs.map { try r.dueSchedule(pair: $0.id) },
                states: try pairs.map { try r.pairState($0) },
                live: try r.liveEvents(after: 0, limit: 10_000), timer: [:])
        }
        record.timer = try await f.timer.items()
        return record
    }

    @Test func closure_readAtOnce_changesExactlyWhatThePerPairPathChanged() async throws {
        let (bulk, pairs) = try await Self.school()
        let (single, samePairs) = try await Self.school()
        #expect(pairs == samePairs)
        #expect(try await Self.record(bulk) == Self.record(single))
        let bulkLog = bulk.log.all.count
        let singleLog = single.log.all.count

        let (bulkAnswer, bulkChanges) = try await Self.close(bulk) { service, school, caller, tx, changes in
            try service.calendarChanged(school, reason: "INSET", caller, tx, &changes)
        }
        let (singleAnswer, singleChanges) = try await Self.close(single) { service, school, caller, tx, changes in
            try service.calendarChangedPairByPair(school, reason: "INSET", caller, tx, &changes)
        }

        #expect(bulkAnswer == singleAnswer)
        #expect(bulkChanges.items == singleChanges.items)
        #expect(bulkChanges.nextTransitions == singleChanges.nextTransitions)
        #expect(bulkChanges.events == singleChanges.events)
        #expect(bulkChanges.journalFields == singleChanges.journalFields)
        #expect(try await Self.record(bulk) == Self.record(single))
        #expect(Array(bulk.log.all[bulkLog...]) == Array(single.log.all[singleLog...]))

        // The school really had every case: two bookings cancelled (one pair read again), the
        // ended pair left alone, due dates moved.
        #expect(
            Set(bulkAnswer.cancelled.map(\.pair)) == [pairs["bookedInClosure"]!, pairs["rebooked"]!])
        #expect(bulkAnswer.cancelled.allSatisfy { $0.reason == "school closed: INSET" })
        let moved = Set(bulkAnswer.moved.map(\.pair))
        #expect(moved.isSuperset(of: [pairs["main"]!, pairs["waiting"]!]))
        #expect(!moved.contains(pairs["ended"]!))
        #expect(bulkAnswer.moved.contains { $0.kind == "followup" })
        let after = try await bulk.timer.items()
        #expect(after[pairs["ended"]!] == nil)
        #expect(after[pairs["bookedAfter"]!]?.dueDate == LocalDate("2026-12-02"))
    }
}

extension CoachService {
    /// The per-pair path `calendarChanged` replaced (issue 12, B16), kept here only as the
    /// reference the test compares with: each active pair's last drop-in read and its due item
    /// recomputed one by one.
    func calendarChangedPairByPair(
        _ school: Int64, reason: String, _ caller: Caller, _ tx: any StoreWriting, _ changes: inout DueChanges
    ) throws -> CalendarAffected {
        var before: [Int64: DueItem] = [:]
        for (_, item) in try tx.dueItems(school: school, person: nil) { before[item.pair] = item }
        let calendar = try self.calendar(school, tx)
        changes.calendars[school] = calendar
        let instant = now()
        let why = "school closed: \(reason)"
        var cancelled: [CancelledDropIn] = []
        var after: [Int64: DueItem?] = [:]
        for pair in try tx.pairs(school: school, person: nil) where pair.active {
            if let last = try tx.lastDropIn(pair: pair.id) {
                for dropIn in SchoolYearRules.dropInsToCancel([last], calendar: calendar) {
                    try tx.cancelDropIn(dropIn.id, at: instant, reason: why)
                    try history(
                        tx, &changes, caller, .dropInCancelled, school: school, pair: pair.id, subject: dropIn.id)
                    cancelled.append(
                        CancelledDropIn(
                            dropin: dropIn.id, pair: pair.id, start: calendar.format(dropIn.start), reason: why))
                }
            }
            try changes.recompute(pair, in: tx, policy: policy)
            after[pair.id] = changes.items[pair.id] ?? nil
        }
        let moves = SchoolYearRules.moves(before: before, after: after)
        for move in moves {
            try history(tx, &changes, caller, .dueMoved, school: school, pair: move.pair, subject: nil)
            changes.journalFields[changes.events.count - 1] = [
                "coachd.due_kind": move.kind.rawValue, "coachd.due_from": move.from.map { "\($0)" } ?? "none",
                "coachd.due_date": move.to.map { "\($0)" } ?? "none",
            ]
        }
        return CalendarAffected(
            cancelled: cancelled,
            moved: moves.map {
                MovedDueItem(
                    pair: $0.pair, kind: $0.kind.rawValue, from: $0.from.map { "\($0)" }, to: $0.to.map { "\($0)" })
            })
    }
}
