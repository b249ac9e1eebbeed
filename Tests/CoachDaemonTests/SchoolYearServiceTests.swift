import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

/// Issue 11 through the service: plans change, people leave, the calendar is corrected.
@Suite("The service: the school year as it really goes")
struct SchoolYearServiceTests {
    /// A fixture with a focus agreed on the main pair.
    func fixture() async throws -> ServiceFixture {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        return f
    }

    @Test(arguments: [Peers.teacher, Peers.coach, Peers.lead, Peers.admin])
    func wrongDate_isCancelledByAnyOfThem_andTheDropInIsDueAgainAtOnce(peer: Peer) async throws {
        let f = try await fixture()
        let before = try await f.timer.items()[f.pair]
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2027-06-30T10:00"), Peers.teacher)
        #expect(try await f.timer.items()[f.pair]?.dropIn == booked.id)
        let cancelled = try await f.service.dropInsCancel(.init(dropin: booked.id, reason: "wrong date"), peer)
        #expect(cancelled.status == "cancelled")
        #expect(cancelled.cancelReason == "wrong date")
        let after = try #require(try await f.timer.items()[f.pair])
        #expect(after.kind == .dropIn)
        #expect(after.dropIn == nil)
        #expect(after.dueDate == before?.dueDate)
        // The pair books again straight away.
        _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-24T10:00"), Peers.teacher)
        #expect(f.log.text.contains("coachd.event=dropin.cancelled"))
        #expect(!f.log.text.contains("wrong date"))
    }

    @Test func farFuture_isRefused_andAnotherTeacherCannotCancel() async throws {
        let f = try await fixture()
        let far = await wireError {
            _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "9999-12-31T10:00"), Peers.teacher)
        }
        #expect(far?.data?.field == "start")
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-24T10:00"), Peers.teacher)
        #expect(
            await wireError {
                _ = try await f.service.dropInsCancel(.init(dropin: booked.id, reason: "x"), Peers.otherTeacher)
            }?.name == .permissionDenied)
        #expect(
            await wireError {
                _ = try await f.service.dropInsCancel(.init(dropin: booked.id, reason: "x"), Peers.otherLead)
            }?.name == .permissionDenied)
    }

    @Test func reschedule_movesTheDropIn_keepsTheOldStart_andTheDueItemFollows() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-12-10T10:00"), Peers.teacher)
        let moved = try await f.service.dropInsReschedule(
            .init(dropin: booked.id, start: "2026-11-24T11:00", minutes: 10), Peers.coach)
        #expect(moved.start == "2026-11-24T11:00:00+00:00")
        #expect(moved.minutes == 10)
        #expect(moved.movedFrom == ["2026-12-10T10:00:00+00:00"])
        #expect(try await f.timer.items()[f.pair]?.dueDate == LocalDate("2026-11-24"))
        // The same rules as booking.
        #expect(
            await wireError {
                _ = try await f.service.dropInsReschedule(
                    .init(dropin: booked.id, start: "2026-11-28T10:00"), Peers.coach)
            }?.name == .notASchoolDay)
        #expect(
            await wireError {
                _ = try await f.service.dropInsReschedule(
                    .init(dropin: booked.id, start: "2026-11-24T10:00"), Peers.lead)
            }?.name == .permissionDenied)
        let detail = try await f.service.pairsShow(.init(pair: f.pair), Peers.teacher)
        #expect(detail.history.map(\.event).contains("dropin.moved"))
        // History says who did what by name.
        #expect(detail.history.last { $0.event == "dropin.moved" }?.actorName == "Cy")
        #expect(detail.history.first { $0.event == "pair.created" }?.actorName == "Lee")
    }

    @Test func doneDropIn_cannotBeCancelled() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T08:30"), Peers.teacher)
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id), Peers.coach)
        #expect(
            await wireError {
                _ = try await f.service.dropInsCancel(.init(dropin: booked.id, reason: "x"), Peers.teacher)
            }?.name == .invalidState)
    }

    @Test func completeAndFollowUp_takeWhenTheyHappened() async throws {
        let f = try await fixture()
        f.clock.set(ServiceFixture.monday.addingTimeInterval(3 * 86_400))  // Thursday 09:00
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        let done = try await f.service.dropInsComplete(.init(dropin: booked.id, at: "2026-11-23T10:15"), Peers.coach)
        #expect(done.completedAt == "2026-11-23T10:15:00+00:00")
        #expect(
            await wireError {
                _ = try await f.service.followUpsComplete(
                    .init(dropin: booked.id, at: "2026-11-23T09:00"), Peers.teacher)
            }?.data?.field == "at")
        #expect(
            await wireError {
                _ = try await f.service.followUpsComplete(
                    .init(dropin: booked.id, at: "2026-11-27T09:00"), Peers.teacher)
            }?.data?.field == "at")
        let talked = try await f.service.followUpsComplete(
            .init(dropin: booked.id, at: "2026-11-23T14:00"), Peers.teacher)
        #expect(talked.completedAt == "2026-11-23T14:00:00+00:00")
        // Five school days after Monday's conversation, not after Thursday's typing.
        #expect(try await f.timer.items()[f.pair]?.dueDate == LocalDate("2026-11-30"))
        // A drop-in cannot start before that conversation.
        let early = await wireError {
            _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T11:00"), Peers.teacher)
        }
        #expect(early?.name == .invalidState)
    }

    @Test func log_booksAndCompletesAPastVisit_onlyForTheCoach() async throws {
        let f = try await fixture()
        #expect(
            await wireError {
                _ = try await f.service.dropInsLog(.init(pair: f.pair, start: "2026-11-23T08:40"), Peers.teacher)
            }?.name == .permissionDenied)
        #expect(
            await wireError {
                _ = try await f.service.dropInsLog(.init(pair: f.pair, start: "2026-11-23T11:00"), Peers.coach)
            }?.data?.field == "start")
        let logged = try await f.service.dropInsLog(
            .init(pair: f.pair, start: "2026-11-23T08:40", minutes: 10, notes: "seen"), Peers.coach)
        #expect(logged.status == "done")
        #expect(logged.completedAt == "2026-11-23T08:50:00+00:00")
        #expect(logged.notes == "seen")
        #expect(try await f.timer.items()[f.pair]?.kind == .followUp)
    }

    @Test func adaptation_waitsForTheConversation() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T08:30"), Peers.teacher)
        #expect(
            await wireError { _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "x"), Peers.teacher) }?
                .name == .invalidState)
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id), Peers.coach)
        let refused = await wireError {
            _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "x"), Peers.teacher)
        }
        #expect(refused?.data?.hint?.contains("coachctl followup done \(booked.id)") == true)
        _ = try await f.service.followUpsComplete(.init(dropin: booked.id), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "x"), Peers.teacher)
    }

    @Test func closureOnABookedDay_cancelsTheDropIn_movesTheDueItem_andReportsBoth() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-25T10:00"), Peers.teacher)
        let added = try await f.service.addClosure(
            .init(school: f.school, from: "2026-11-25", to: "2026-11-25", reason: "INSET"), Peers.lead)
        let affected = try #require(added.affected)
        #expect(affected.cancelled.map(\.dropin) == [booked.id])
        #expect(affected.cancelled.first?.reason == "school closed: INSET")
        #expect(affected.moved.contains { $0.pair == f.pair && $0.from == "2026-11-25" })
        let item = try #require(try await f.timer.items()[f.pair])
        #expect(item.dropIn == nil)
        // The journal logs the cancellation and the move: ids and dates.
        #expect(f.log.text.contains("coachd.event=dropin.cancelled"))
        #expect(f.log.text.contains("coachd.due_from=2026-11-25"))
        #expect(f.log.text.contains("coachd.event=due.moved"))
        let list = try await f.service.dropInsList(.init(pair: f.pair, status: "cancelled"), Peers.teacher)
        #expect(list.dropins.map(\.id) == [booked.id])
        // The same dates again: Conflict naming it; an overlap is fine.
        let duplicate = await wireError {
            _ = try await f.service.addClosure(
                .init(school: f.school, from: "2026-11-25", to: "2026-11-25", reason: "again"), Peers.lead)
        }
        #expect(duplicate?.name == .conflict)
        #expect(duplicate?.message.contains("closure \(added.id)") == true)
        _ = try await f.service.addClosure(
            .init(school: f.school, from: "2026-11-24", to: "2026-11-26", reason: "strike"), Peers.lead)
        // Removing closures gives the day back; the listing has ids.
        let listing = try await f.service.calendarList(.init(school: f.school), Peers.teacher)
        #expect(listing.closures.count == 2)
        for closure in listing.closures {
            _ = try await f.service.removeClosure(.init(closure: closure.id), Peers.lead)
        }
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.teacher).closures.isEmpty)
        // Gone: a lead hears "not found or not yours" (issue 10: the same for any id not theirs), an admin NotFound.
        #expect(
            await wireError { _ = try await f.service.removeClosure(.init(closure: added.id), Peers.lead) }?.name
                == .permissionDenied)
        #expect(
            await wireError { _ = try await f.service.removeClosure(.init(closure: added.id), Peers.admin) }?.name
                == .notFound)
    }

    @Test func addingAndRemovingATerm_recomputesAndReports() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-12-21T10:00"), Peers.teacher)
        let autumn = try await f.service.addTerm(
            .init(school: f.school, name: "Autumn", from: "2026-09-01", to: "2026-12-18"), Peers.lead)
        // Days after the last term still count as weekdays (Scheduling.md): the booking stands.
        #expect(autumn.affected?.cancelled.isEmpty == true)
        // With a spring term, 21 December falls between terms: the booking is cancelled.
        let spring = try await f.service.addTerm(
            .init(school: f.school, name: "Spring", from: "2027-01-05", to: "2027-03-26"), Peers.lead)
        #expect(spring.affected?.cancelled.map(\.dropin) == [booked.id])
        #expect(spring.affected?.cancelled.first?.reason == "school closed: outside the terms")
        let listing = try await f.service.calendarList(.init(school: f.school, from: "2027-01-01"), Peers.lead)
        #expect(listing.terms.map(\.name) == ["Spring"])
        #expect(
            await wireError { _ = try await f.service.removeTerm(.init(term: spring.id), Peers.teacher) }?.name
                == .permissionDenied)
        let removed = try await f.service.removeTerm(.init(term: spring.id), Peers.lead)
        #expect(removed.term.name == "Spring")
        #expect(try await f.service.calendarList(.init(school: f.school), Peers.lead).terms.map(\.id) == [autumn.id])
    }

    @Test func endingAPair_removesItsDueItem_cancelsItsBooking_andHidesItFromLists() async throws {
        let f = try await fixture()
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-24T10:00"), Peers.teacher)
        #expect(
            await wireError { _ = try await f.service.pairsEnd(.init(pair: f.pair, reason: "left"), Peers.teacher) }?
                .name == .permissionDenied)
        let ended = try await f.service.pairsEnd(.init(pair: f.pair, reason: "left"), Peers.lead)
        #expect(ended.active == false)
        #expect(ended.endReason == "left")
        #expect(try await f.timer.items()[f.pair] == nil)
        #expect(
            try await f.service.dropInsList(.init(pair: f.pair), Peers.teacher).dropins.first { $0.id == booked.id }?
                .status == "cancelled")
        #expect(!(try await f.service.pairsList(.init(), Peers.lead).pairs.map(\.id).contains(f.pair)))
        #expect(try await f.service.pairsList(.init(includeEnded: true), Peers.lead).pairs.map(\.id).contains(f.pair))
        #expect(
            await wireError { _ = try await f.service.pairsEnd(.init(pair: f.pair, reason: "again"), Peers.lead) }?.name
                == .invalidState)
    }

    @Test func updatingAPerson_refusesDroppingTheCoachRoleWhileCoaching() async throws {
        let f = try await fixture()
        let refused = await wireError {
            _ = try await f.service.peopleUpdate(.init(person: f.coach, roles: ["lead"]), Peers.lead)
        }
        #expect(refused?.name == .invalidState)
        #expect(refused?.message.contains("\(f.pair)") == true)
        let renamed = try await f.service.peopleUpdate(.init(person: f.coach, name: "Cy Coach", uid: 6002), Peers.lead)
        #expect(renamed.name == "Cy Coach")
        #expect(renamed.uid == 6002)
        #expect(
            await wireError { _ = try await f.service.peopleUpdate(.init(person: f.coach, uid: 5001), Peers.lead) }?
                .name == .conflict)
        #expect(
            await wireError {
                _ = try await f.service.peopleUpdate(.init(person: f.coach, name: "x"), Peers.otherLead)
            }?.name == .permissionDenied)
    }

    @Test func deactivatedPerson_pairsEnd_readsOwnHistory_actsOnNothing() async throws {
        let f = try await fixture()
        let person = try await f.service.peopleDeactivate(.init(person: f.teacher, reason: "left"), Peers.lead)
        #expect(person.active == false)
        #expect(try await f.timer.items()[f.pair] == nil)
        let own = try await f.service.pairsShow(.init(pair: f.pair), Peers.teacher)
        #expect(own.pair.focus == "questioning")
        #expect(
            await wireError { _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "x"), Peers.teacher) }?
                .name == .permissionDenied)
        #expect(
            !(try await f.service.peopleList(.init(school: f.school), Peers.lead).people.map(\.id).contains(f.teacher)))
        #expect(
            try await f.service.peopleList(.init(school: f.school, includeInactive: true), Peers.lead).people.map(\.id)
                .contains(f.teacher))
    }
}
