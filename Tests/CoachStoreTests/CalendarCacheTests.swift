import CoachDomain
import CoachStore
import Foundation
import Testing

/// The store reads a school's calendar once per change of it: every change of hours, terms or
/// closures is seen at once, in the transaction that makes it too, and a rolled-back one never.
@Suite("Calendar cache: reused while unchanged, never stale")
struct CalendarCacheTests {
    static let halfTerm = DateRange(
        from: LocalDate(year: 2026, month: 10, day: 26)!, to: LocalDate(year: 2026, month: 10, day: 30)!)!
    static let inset = DateRange(
        from: LocalDate(year: 2026, month: 11, day: 27)!, to: LocalDate(year: 2026, month: 11, day: 27)!)!

    @Test(arguments: StoreBackend.allCases)
    func aClosureAdded_isInTheNextCalendarRead_andInItsOwnTransaction(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let school = try await store.write { tx in try seed(tx).school }
        #expect(try await store.read { try $0.calendar(school: school)?.closures } == [])  // now cached
        let seenInside = try await store.write { tx in
            _ = try tx.insert(Closure(id: 0, school: school, range: Self.halfTerm, reason: "half-term"))
            return try tx.calendar(school: school)?.closures
        }
        #expect(seenInside == [Self.halfTerm])
        #expect(try await store.read { try $0.calendar(school: school)?.closures } == [Self.halfTerm])
        #expect(try await store.read { try $0.calendar(school: school)?.isSchoolDay(Self.halfTerm.from) } == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRolledBackClosure_isNeverServedFromTheCache(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        let school = try await store.write { tx in try seed(tx).school }
        await #expect(throws: Boom.self) {
            try await store.write { tx in
                _ = try tx.insert(Closure(id: 0, school: school, range: Self.inset, reason: "INSET"))
                // Read (and cached) inside the transaction that is then rolled back.
                #expect(try tx.calendar(school: school)?.closures == [Self.inset])
                throw Boom()
            }
        }
        #expect(try await store.read { try $0.calendar(school: school)?.closures } == [])
        // A different closure committed afterwards is what is read, not the rolled-back one.
        try await store.write { tx in
            _ = try tx.insert(Closure(id: 0, school: school, range: Self.halfTerm, reason: "half-term"))
        }
        #expect(try await store.read { try $0.calendar(school: school)?.closures } == [Self.halfTerm])
    }

    @Test(arguments: StoreBackend.allCases)
    func anUnknownSchool_hasNoCalendar(_ backend: StoreBackend) async throws {
        let dir = try TemporaryDirectory()
        let store = try backend.open(dir)
        #expect(try await store.read { try $0.calendar(school: 42) } == nil)
    }
}
