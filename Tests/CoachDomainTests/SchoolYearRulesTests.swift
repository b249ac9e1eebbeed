import CoachDomain
import Foundation
import Testing

/// Issue 11's rules, one test each: plans change, people leave, the calendar is corrected.
@Suite("The school year as it really goes")
struct SchoolYearRulesTests {
    let calendar = englishCalendar()
    let policy = CyclePolicy()
    let pair = Pair(id: 1, school: 1, teacher: 10, coach: 20, active: true, createdAt: utc("2026-11-21T12:00:00Z"))
    /// Monday 23 November 2026, 12:00 in London.
    let now = utc("2026-11-23T12:00:00Z")

    func dropIn(_ start: String, done: Bool = false, cancelled: Bool = false, id: Int64 = 7) -> DropIn {
        let at = calendar.parseInstant(start)!
        return DropIn(
            id: id, pair: 1, coach: 20, cycle: nil, start: at, minutes: 15,
            completedAt: done ? at.addingTimeInterval(900) : nil,
            notes: nil, cancelledAt: cancelled ? at.addingTimeInterval(-3600) : nil, cancelReason: cancelled ? "x" : nil
        )
    }

    func state(
        lastDropIn: DropIn? = nil, followedUp: Bool = false, followUpAt: Date? = nil, cancelledAt: Date? = nil
    ) -> PairState {
        PairState(
            pair: pair, focus: Cycle(id: 1, pair: 1, focus: "f", startedAt: pair.createdAt), lastDropIn: lastDropIn,
            lastDropInFollowedUp: followedUp, lastFollowUpAt: followUpAt, activeAdaptation: nil,
            lastCancelledAt: cancelledAt)
    }

    /// The domain's refusal, nil when the body passed (any other error fails the test).
    func refusal(_ body: () throws -> Void) -> DomainError? {
        do {
            try body()
            return nil
        } catch let error as DomainError {
            return error
        } catch {
            Issue.record("not a DomainError: \(error)")
            return nil
        }
    }

    // MARK: Status

    @Test func dropInStatus_isBookedDoneOrCancelled() {
        #expect(dropIn("2026-11-24T10:00").status == .booked)
        #expect(dropIn("2026-11-24T10:00", done: true).status == .done)
        #expect(dropIn("2026-11-24T10:00", cancelled: true).status == .cancelled)
    }

    // MARK: Cancel and move

    @Test func cancel_bookedOnly_doneIsRefused_cancelledIsAConflict() {
        #expect(refusal { try SchoolYearRules.checkCanCancel(dropIn("2026-11-24T10:00")) } == nil)
        #expect(
            refusal { try SchoolYearRules.checkCanCancel(dropIn("2026-11-24T10:00", done: true)) }?.kind
                == .invalidState)
        #expect(
            refusal { try SchoolYearRules.checkCanCancel(dropIn("2026-11-24T10:00", cancelled: true)) }?.kind
                == .conflict)
    }

    @Test func reschedule_bookedOnly() {
        #expect(refusal { try SchoolYearRules.checkCanReschedule(dropIn("2026-11-24T10:00")) } == nil)
        #expect(
            refusal { try SchoolYearRules.checkCanReschedule(dropIn("2026-11-24T10:00", done: true)) }?.field
                == "dropin")
        let cancelled = refusal { try SchoolYearRules.checkCanReschedule(dropIn("2026-11-24T10:00", cancelled: true)) }
        #expect(cancelled?.hint?.contains("coachctl dropin schedule") == true)
    }

    @Test func completingACancelledDropIn_isRefused() {
        let error = refusal {
            try CycleRules.checkCanComplete(dropIn("2026-11-23T10:00", cancelled: true), now: now, calendar: calendar)
        }
        #expect(error?.kind == .invalidState)
    }

    @Test func cancelledBooking_putsTheDropInBackOnTheDateItHad_whenThatIsStillAhead() throws {
        // A new pair's first drop-in is due Mon 23; cancelled on Sat 21, it stays due Mon 23.
        let item = try #require(
            DueCalculator.next(for: state(cancelledAt: utc("2026-11-21T15:00:00Z")), calendar: calendar, policy: policy)
        )
        #expect(item.kind == .dropIn)
        #expect(item.dropIn == nil)
        #expect(item.dueDate == day("2026-11-23"))
    }

    @Test func cancelledBooking_whoseDateHasPassed_isDueOnTheNextSchoolDayFromTheCancellation() throws {
        // Due Mon 23 before the booking; cancelled on Thu 26: due Thu 26 (not overdue since Monday).
        let thursday = try #require(
            DueCalculator.next(for: state(cancelledAt: utc("2026-11-26T11:00:00Z")), calendar: calendar, policy: policy)
        )
        #expect(thursday.dueDate == day("2026-11-26"))
        // Cancelled on the INSET day, Fri 27: the next school day, Mon 30.
        let inset = try #require(
            DueCalculator.next(for: state(cancelledAt: utc("2026-11-27T11:00:00Z")), calendar: calendar, policy: policy)
        )
        #expect(inset.dueDate == day("2026-11-30"))
    }

    // MARK: Order, horizon, past visits

    @Test func dropIn_cannotStartBeforeThePairsLatestConversation() {
        let talked = calendar.parseInstant("2026-11-24T14:00")!
        let before = refusal {
            try SchoolYearRules.checkOrder(
                start: calendar.parseInstant("2026-11-24T10:00")!, lastConversationAt: talked, calendar: calendar)
        }
        #expect(before?.field == "start")
        #expect(before?.kind == .invalidState)
        #expect(
            refusal {
                try SchoolYearRules.checkOrder(
                    start: calendar.parseInstant("2026-11-25T10:00")!, lastConversationAt: talked, calendar: calendar)
            } == nil)
        #expect(
            refusal {
                try SchoolYearRules.checkOrder(
                    start: calendar.parseInstant("2020-01-06T10:00")!, lastConversationAt: nil, calendar: calendar)
            } == nil)
    }

    @Test func start_pastTheHorizon_isRefused_thePastIsNot() {
        let plain = plainCalendar()
        #expect(
            refusal {
                try SchoolYearRules.checkHorizon(
                    start: utc("9999-12-31T10:00:00Z"), now: now, calendar: plain, policy: policy)
            }?.field == "start")
        #expect(
            refusal {
                try SchoolYearRules.checkHorizon(
                    start: utc("2027-11-24T10:00:00Z"), now: now, calendar: plain, policy: policy)
            } != nil)
        #expect(
            refusal {
                try SchoolYearRules.checkHorizon(
                    start: utc("2027-11-22T10:00:00Z"), now: now, calendar: plain, policy: policy)
            } == nil)
        #expect(
            refusal {
                try SchoolYearRules.checkHorizon(
                    start: utc("2020-01-06T10:00:00Z"), now: now, calendar: plain, policy: policy)
            } == nil)
        var short = policy
        short.startHorizonDays = 7
        #expect(
            refusal {
                try SchoolYearRules.checkHorizon(
                    start: utc("2026-12-01T10:00:00Z"), now: now, calendar: plain, policy: short)
            } != nil)
    }

    @Test func start_afterTheLastTerm_isRefused_onceTermsAreEntered() {
        // The English calendar's last term ends 26 March 2027.
        let error = refusal {
            try SchoolYearRules.checkHorizon(
                start: utc("2027-04-12T10:00:00Z"), now: now, calendar: calendar, policy: policy)
        }
        #expect(error?.message.contains("2027-03-26") == true)
        #expect(error?.hint?.contains("coachctl term add") == true)
        #expect(
            refusal {
                try SchoolYearRules.checkHorizon(
                    start: utc("2027-03-26T10:00:00Z"), now: now, calendar: calendar, policy: policy)
            } == nil)
    }

    @Test func loggedVisit_mustHaveStarted() {
        #expect(
            refusal {
                try SchoolYearRules.checkLogged(start: utc("2026-11-23T10:00:00Z"), now: now, calendar: calendar)
            } == nil)
        #expect(
            refusal {
                try SchoolYearRules.checkLogged(start: utc("2026-11-23T13:00:00Z"), now: now, calendar: calendar)
            }?.field == "start")
    }

    // MARK: `at` on completion and conversation

    @Test func completionTime_defaultsToNow_notBeforeStart_notInTheFuture_notAfterTheNextEvent() throws {
        let booked = dropIn("2026-11-23T10:00")
        #expect(
            try SchoolYearRules.completionTime(at: nil, dropIn: booked, now: now, nextEventAt: nil, calendar: calendar)
                == now)
        let at = utc("2026-11-23T10:20:00Z")
        #expect(
            try SchoolYearRules.completionTime(at: at, dropIn: booked, now: now, nextEventAt: nil, calendar: calendar)
                == at)
        let early = refusal {
            _ = try SchoolYearRules.completionTime(
                at: utc("2026-11-23T09:59:00Z"), dropIn: booked, now: now, nextEventAt: nil, calendar: calendar)
        }
        #expect(early?.field == "at")
        let future = refusal {
            _ = try SchoolYearRules.completionTime(
                at: utc("2026-11-23T12:01:00Z"), dropIn: booked, now: now, nextEventAt: nil, calendar: calendar)
        }
        #expect(future?.message.contains("future") == true)
        let afterNext = refusal {
            _ = try SchoolYearRules.completionTime(
                at: at, dropIn: booked, now: now, nextEventAt: utc("2026-11-23T10:15:00Z"), calendar: calendar)
        }
        #expect(afterNext?.field == "at")
    }

    @Test func conversationTime_notBeforeItsDropIn_notInTheFuture() throws {
        let done = dropIn("2026-11-23T10:00", done: true)
        #expect(try SchoolYearRules.conversationTime(at: nil, dropIn: done, now: now, calendar: calendar) == now)
        #expect(
            try SchoolYearRules.conversationTime(
                at: utc("2026-11-23T11:00:00Z"), dropIn: done, now: now, calendar: calendar)
                == utc("2026-11-23T11:00:00Z"))
        #expect(
            refusal {
                _ = try SchoolYearRules.conversationTime(
                    at: utc("2026-11-23T09:00:00Z"), dropIn: done, now: now, calendar: calendar)
            }?.field == "at")
        #expect(
            refusal {
                _ = try SchoolYearRules.conversationTime(
                    at: utc("2026-11-24T09:00:00Z"), dropIn: done, now: now, calendar: calendar)
            }?.field == "at")
    }

    // MARK: Adaptation after the conversation

    @Test func adaptation_needsTheLatestDropInFollowedUp() {
        let notDone = refusal {
            try SchoolYearRules.checkCanSetAdaptation(state(lastDropIn: dropIn("2026-11-23T10:00")))
        }
        #expect(notDone?.kind == .invalidState)
        #expect(notDone?.hint?.contains("coachctl dropin done 7") == true)
        let notTalked = refusal {
            try SchoolYearRules.checkCanSetAdaptation(state(lastDropIn: dropIn("2026-11-23T10:00", done: true)))
        }
        #expect(notTalked?.hint?.contains("coachctl followup done 7") == true)
        #expect(
            refusal {
                try SchoolYearRules.checkCanSetAdaptation(
                    state(lastDropIn: dropIn("2026-11-23T10:00", done: true), followedUp: true))
            } == nil)
        // A pair with no drop-in yet may record one from an earlier conversation.
        #expect(refusal { try SchoolYearRules.checkCanSetAdaptation(state()) } == nil)
    }

    // MARK: People leave

    @Test func removingTheCoachRole_whileCoachingActivePairs_isRefusedNamingThePairs() {
        let coach = Person(id: 20, name: "Cy", school: 1, roles: [.coach, .lead], uid: 1, login: nil)
        let pairs = [
            pair, Pair(id: 4, school: 1, teacher: 11, coach: 20, active: true, createdAt: pair.createdAt),
            Pair(id: 5, school: 1, teacher: 12, coach: 20, active: false, createdAt: pair.createdAt),
        ]
        let error = refusal {
            try SchoolYearRules.checkRoleChange(person: coach, newRoles: [.lead], activePairs: pairs)
        }
        #expect(error?.message.contains("active pairs 1, 4") == true)
        #expect(error?.field == "roles")
        #expect(
            refusal { try SchoolYearRules.checkRoleChange(person: coach, newRoles: [.lead], activePairs: [pairs[2]]) }
                == nil)
        #expect(
            refusal { try SchoolYearRules.checkRoleChange(person: coach, newRoles: [.coach], activePairs: pairs) }
                == nil)
    }

    // MARK: The calendar is corrected

    @Test func duplicateClosure_isTheOneWithTheSameDates_overlapsAreNot() {
        let closures = [Closure(id: 3, school: 1, range: range("2026-10-26", "2026-10-30"), reason: "half-term")]
        #expect(SchoolYearRules.duplicate(of: range("2026-10-26", "2026-10-30"), in: closures)?.id == 3)
        #expect(SchoolYearRules.duplicate(of: range("2026-10-26", "2026-10-26"), in: closures) == nil)
    }

    @Test func calendarChange_cancelsOnlyBookedDropInsOnDaysNoLongerSchoolDays() {
        let closed = plainCalendar(closures: [range("2026-11-24", "2026-11-24")])
        let dropIns = [
            dropIn("2026-11-24T10:00", id: 1), dropIn("2026-11-24T11:00", done: true, id: 2),
            dropIn("2026-11-25T10:00", id: 3), dropIn("2026-11-24T12:00", cancelled: true, id: 4),
        ]
        #expect(SchoolYearRules.dropInsToCancel(dropIns, calendar: closed).map(\.id) == [1])
    }

    @Test func moves_listOnlyItemsWhoseDateChanged() {
        func item(_ pair: Int64, _ date: String) -> DueItem {
            DueItem(
                kind: .dropIn, pair: pair, school: 1, dropIn: nil, dueDate: day(date), dueAt: utc("\(date)T08:30:00Z"),
                overdueAt: utc("\(date)T15:30:00Z"))
        }
        let moves = SchoolYearRules.moves(
            before: [1: item(1, "2026-11-24"), 2: item(2, "2026-11-25")],
            after: [1: item(1, "2026-11-25"), 2: item(2, "2026-11-25"), 3: item(3, "2026-11-26")])
        #expect(
            moves == [
                .init(pair: 1, kind: .dropIn, from: day("2026-11-24"), to: day("2026-11-25")),
                .init(pair: 3, kind: .dropIn, from: nil, to: day("2026-11-26")),
            ])
    }
}
