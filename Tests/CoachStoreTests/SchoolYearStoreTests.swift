import CoachDomain
import CoachStore
import Foundation
import Testing

/// The store's part of issue 11: cancelled drop-ins stay but no longer count, moves keep the old
/// times, pairs end and people are deactivated in place, and the bulk read agrees with the single one.
@Suite("Store conformance: the school year")
struct SchoolYearStoreTests {
    func dropIn(_ pair: Int64, _ coach: Int64, at offset: Double, done: Bool = false) -> DropIn {
        DropIn(
            id: 0, pair: pair, coach: coach, cycle: nil, start: t0.addingTimeInterval(offset), minutes: 15,
            completedAt: done ? t0.addingTimeInterval(offset + 900) : nil, notes: nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func cancelledDropIns_stay_butTheLatestLiveOneAndTheCancellationTimeAreWhatCounts(_ backend: StoreBackend)
        async throws
    {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        try await store.write { tx in
            let ids = try seed(tx)
            let first = try tx.insert(self.dropIn(ids.pair, ids.coach, at: 3600, done: true))
            let wrong = try tx.insert(self.dropIn(ids.pair, ids.coach, at: 7200))
            try tx.cancelDropIn(wrong, at: t0.addingTimeInterval(5000), reason: "wrong date")
            // Cancelling again, or a done one, changes nothing.
            try tx.cancelDropIn(wrong, at: t0.addingTimeInterval(9000), reason: "again")
            try tx.cancelDropIn(first, at: t0.addingTimeInterval(9000), reason: "done")
            #expect(try tx.dropIn(wrong)?.status == .cancelled)
            #expect(try tx.dropIn(wrong)?.cancelReason == "wrong date")
            #expect(try tx.dropIn(first)?.status == .done)
            #expect(try tx.lastDropIn(pair: ids.pair)?.id == first)
            #expect(try tx.lastCancelledAt(pair: ids.pair) == t0.addingTimeInterval(5000))
            #expect(try tx.dropIns(pair: ids.pair).count == 2)
            // A cancelled drop-in no longer holds the coach's slot.
            #expect(
                try tx.dropIns(coach: ids.coach, overlapping: t0.addingTimeInterval(7200), t0.addingTimeInterval(8100))
                    .isEmpty)
            // A later live booking makes the earlier cancellation history.
            _ = try tx.insert(self.dropIn(ids.pair, ids.coach, at: 10_000))
            #expect(try tx.lastCancelledAt(pair: ids.pair) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func bulkPairStates_agreeWithTheSingleRead_forCancelledBookings(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        try await store.write { tx in
            let ids = try seed(tx)
            let booked = try tx.insert(self.dropIn(ids.pair, ids.coach, at: 7200))
            try tx.cancelDropIn(booked, at: t0.addingTimeInterval(100), reason: "x")
            let pair = try #require(try tx.pair(ids.pair))
            let single = try tx.pairState(pair)
            let bulk = try #require(try tx.allPairStates().first { $0.pair.id == ids.pair })
            #expect(single == bulk)
            #expect(bulk.lastDropIn == nil)
            #expect(bulk.lastCancelledAt == t0.addingTimeInterval(100))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func moves_keepTheOldTimes(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        try await store.write { tx in
            let ids = try seed(tx)
            let booked = try tx.insert(self.dropIn(ids.pair, ids.coach, at: 7200))
            try tx.moveDropIn(booked, start: t0.addingTimeInterval(90_000), minutes: 10, at: t0.addingTimeInterval(60))
            let moved = try #require(try tx.dropIn(booked))
            #expect(moved.start == t0.addingTimeInterval(90_000))
            #expect(moved.minutes == 10)
            #expect(
                try tx.dropInMoves(dropIn: booked) == [
                    DropInMove(
                        dropIn: booked, fromStart: t0.addingTimeInterval(7200), fromMinutes: 15,
                        toStart: t0.addingTimeInterval(90_000), toMinutes: 10, at: t0.addingTimeInterval(60))
                ])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pairsEnd_peopleDeactivate_andCalendarRowsAreRemovedInPlace(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        try await store.write { tx in
            let ids = try seed(tx)
            try tx.endPair(ids.pair, at: t0, reason: "left")
            let pair = try #require(try tx.pair(ids.pair))
            #expect(!pair.active)
            #expect(pair.endReason == "left")
            #expect(try tx.allPairStates().isEmpty)
            try tx.deactivatePerson(ids.teacher, at: t0, reason: "left")
            #expect(try tx.person(ids.teacher)?.active == false)
            #expect(try tx.person(ids.teacher)?.deactivateReason == "left")
            var coach = try #require(try tx.person(ids.coach))
            coach.name = "Cy Coach"
            coach.roles = [.coach]
            try tx.update(coach)
            #expect(try tx.person(ids.coach)?.name == "Cy Coach")
            #expect(try tx.person(ids.coach)?.roles == [.coach])
            let closure = try tx.insert(
                Closure(
                    id: 0, school: ids.school,
                    range: DateRange(from: LocalDate("2026-11-23")!, to: LocalDate("2026-11-23")!)!, reason: "INSET"))
            let term = try tx.insert(
                Term(
                    id: 0, school: ids.school, name: "Autumn",
                    range: DateRange(from: LocalDate("2026-09-01")!, to: LocalDate("2026-12-18")!)!))
            #expect(try tx.closure(closure)?.reason == "INSET")
            #expect(try tx.term(term)?.name == "Autumn")
            #expect(try tx.deleteClosure(closure))
            #expect(try !tx.deleteClosure(closure))
            #expect(try tx.deleteTerm(term))
            #expect(try tx.calendar(school: ids.school)?.closures.isEmpty == true)
            #expect(try tx.calendar(school: ids.school)?.terms.isEmpty == true)
        }
    }
}
