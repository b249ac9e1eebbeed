import CoachDomain
import CoachRPC
import CoachStore
import Foundation
import Testing

@testable import CoachDaemon

@Suite("The service: rules, roles and confidentiality")
struct CoachServiceTests {
    @Test func microCycle_movesTheDueItemAlong() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        #expect(try await f.timer.items()[f.pair]?.kind == .dropIn)
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "questioning"), Peers.teacher)
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
        #expect(booked.start == "2026-11-23T10:00:00+00:00")
        #expect(booked.end == "2026-11-23T10:15:00+00:00")
        #expect(try await f.timer.items()[f.pair]?.dropIn == booked.id)

        f.clock.set(ServiceFixture.monday.addingTimeInterval(3600 * 2))
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id, notes: "n"), Peers.coach)
        let followUp = try await f.timer.items()[f.pair]
        #expect(followUp?.kind == .followUp)
        #expect(followUp?.dueDate == LocalDate("2026-11-25"))

        _ = try await f.service.followUpsComplete(.init(dropin: booked.id), Peers.teacher)
        let set = try await f.service.adaptationsSet(.init(pair: f.pair, text: "wait time"), Peers.teacher)
        #expect(set.practiseUntil == "2026-11-30")
        #expect(try await f.timer.items()[f.pair]?.dueDate == LocalDate("2026-11-30"))
    }

    @Test func addingAClosure_movesDueDatesOfTheSchool() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "f"), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "x"), Peers.teacher)
        #expect(try await f.timer.items()[f.pair]?.dueDate == LocalDate("2026-11-30"))
        _ = try await f.service.addClosure(
            .init(school: f.school, from: "2026-11-30", to: "2026-11-30", reason: "INSET"), Peers.lead)
        #expect(try await f.timer.items()[f.pair]?.dueDate == LocalDate("2026-12-01"))
    }

    @Test func refusedCalls_storeNothing() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let before = try await f.store.read { try $0.count(of: .history) }
        #expect(
            await wireError {
                _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T10:00"), Peers.teacher)
            }?.name == .invalidState)
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "f"), Peers.teacher)
        #expect(
            await wireError {
                _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-28T10:00"), Peers.teacher)
            }?.name == .notASchoolDay)
        #expect(
            await wireError {
                _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T16:00"), Peers.teacher)
            }?.name == .outsideSchoolHours)
        #expect(
            await wireError {
                _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "soon"), Peers.teacher)
            }?.data?.field == "start")
        #expect(
            await wireError {
                _ = try await f.service.dropInsSchedule(
                    .init(pair: f.pair, start: "2026-11-23T10:00", minutes: 16), Peers.teacher)
            }?.data?.field == "minutes")
        let after = try await f.store.read { try $0.count(of: .history) }
        #expect(after == before + 1)  // only the cycle
        #expect(try await f.store.read { try $0.count(of: .dropin) } == 0)
    }

    @Test func coachCannotBeDoubleBooked_acrossPairs() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let pairs = try await f.service.pairsList(.init(), Peers.admin).pairs.map(\.id)
        for pair in pairs { _ = try await f.service.cyclesStart(.init(pair: pair, focus: "f"), Peers.admin) }
        _ = try await f.service.dropInsSchedule(.init(pair: pairs[0], start: "2026-11-24T10:00"), Peers.admin)
        let clash = await wireError {
            _ = try await f.service.dropInsSchedule(
                .init(pair: pairs[1], start: "2026-11-24T10:05", minutes: 5), Peers.admin)
        }
        #expect(clash?.name == .conflict)
        _ = try await f.service.dropInsSchedule(.init(pair: pairs[1], start: "2026-11-24T10:15"), Peers.admin)
    }

    @Test func roles_whoMayDoWhat() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        // Unknown callers: only open methods.
        #expect(await wireError { _ = try await f.service.dueList(.init(), Peers.stranger) }?.name == .permissionDenied)
        #expect(try await f.service.peopleMe(Peers.stranger).person == nil)
        // Teachers and leads do not add schools; leads manage only their own school.
        #expect(
            await wireError { _ = try await f.service.schoolsAdd(.init(name: "X", timeZone: "UTC"), Peers.lead) }?.name
                == .permissionDenied)
        #expect(
            await wireError {
                _ = try await f.service.addClosure(
                    .init(school: f.school, from: "2026-12-01", to: "2026-12-01", reason: "x"), Peers.otherLead)
            }?.name == .permissionDenied)
        #expect(
            await wireError {
                _ = try await f.service.pairsCreate(.init(teacher: f.teacher, coach: f.coach), Peers.teacher)
            }?.name == .permissionDenied)
        // Another teacher cannot see or act on the pair.
        #expect(
            await wireError { _ = try await f.service.pairsShow(.init(pair: f.pair), Peers.otherTeacher) }?.name
                == .permissionDenied)
        #expect(
            await wireError {
                _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "x"), Peers.otherTeacher)
            }?.name == .permissionDenied)
        // A lead of another school sees nothing here.
        #expect(try await f.service.dueList(.init(), Peers.otherLead).items.isEmpty)
        #expect(
            await wireError { _ = try await f.service.pairsShow(.init(pair: f.pair), Peers.otherLead) }?.name
                == .permissionDenied)
        // The school's lead sees both pairs' due items; a teacher only her own.
        #expect(try await f.service.dueList(.init(), Peers.lead).items.count == 2)
        #expect(try await f.service.dueList(.init(), Peers.teacher).items.map(\.pair) == [f.pair])
        // Only the coach logs a drop-in.
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "f"), Peers.teacher)
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T08:30"), Peers.teacher)
        #expect(
            await wireError { _ = try await f.service.dropInsComplete(.init(dropin: booked.id), Peers.teacher) }?.name
                == .permissionDenied)
        #expect(
            await wireError { _ = try await f.service.daemonStatus(Peers.lead, connections: 0) }?.name
                == .permissionDenied)
        #expect(try await f.service.daemonStatus(Peers.admin, connections: 0).pairs == 2)
    }

    @Test func notes_reachOnlyThePairsTwoPeople_andNeverTheLog() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let secret = "SECRET-\(UUID().uuidString)"
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "focus-\(secret)"), Peers.teacher)
        let booked = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-23T08:30"), Peers.teacher)
        _ = try await f.service.dropInsComplete(.init(dropin: booked.id, notes: secret), Peers.coach)
        _ = try await f.service.followUpsComplete(.init(dropin: booked.id, notes: secret), Peers.teacher)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "text-\(secret)"), Peers.teacher)
        func rendered(_ peer: Peer) async throws -> String {
            let detail = try await f.service.pairsShow(.init(pair: f.pair), peer)
            let list = try await f.service.pairsList(.init(), peer)
            let due = try await f.service.dueList(.init(), peer)
            return String(decoding: try RPCCodec.encoder.encode(detail), as: UTF8.self)
                + String(decoding: try RPCCodec.encoder.encode(list), as: UTF8.self)
                + String(decoding: try RPCCodec.encoder.encode(due), as: UTF8.self)
        }
        #expect(try await rendered(Peers.teacher).contains(secret))
        #expect(try await rendered(Peers.coach).contains(secret))
        #expect(!(try await rendered(Peers.lead).contains(secret)))
        #expect(!(try await rendered(Peers.admin).contains(secret)))
        let denied = await wireError { _ = try await f.service.pairsShow(.init(pair: f.pair), Peers.otherTeacher) }
        #expect(!(denied?.description.contains(secret) ?? true))
        #expect(!f.log.text.contains(secret))
    }

    @Test func secondAdaptation_needsTheFirstClosed() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        let first = try await f.service.adaptationsSet(.init(pair: f.pair, text: "one"), Peers.teacher)
        let refused = await wireError {
            _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "two"), Peers.teacher)
        }
        #expect(refused?.name == .adaptationAlreadyActive)
        #expect(refused?.data?.field == "closePrevious")
        _ = try await f.service.adaptationsClose(.init(adaptation: first.id, outcome: "continuing"), Peers.coach)
        _ = try await f.service.adaptationsSet(.init(pair: f.pair, text: "two"), Peers.teacher)
        let closedAgain = await wireError {
            _ = try await f.service.adaptationsClose(.init(adaptation: first.id, outcome: "dropped"), Peers.teacher)
        }
        #expect(closedAgain?.name == .invalidState)
    }
}

@Suite("The due timer: each transition once, caught up after downtime")
struct DueTimerTests {
    @Test func transitions_areRaisedOnce_andCaughtUpAfterRestart() async throws {
        let directory = NSTemporaryDirectory() + "coachd-timer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/coachd.sqlite")
        var f = try await ServiceFixture(store: store)
        try await f.seed()
        await f.timer.fire()
        let dueNow = f.log.all.filter { $0.contains("coachd.event=dropin.due") }.count
        #expect(dueNow == 2)  // both pairs' first drop-ins fell due at 08:30 today
        await f.timer.fire()
        #expect(f.log.all.filter { $0.contains("coachd.event=dropin.due") }.count == 2)

        // Down for a week: a new daemon on the same store raises the missed overdue transitions once.
        let later = try await ServiceFixture(now: ServiceFixture.monday.addingTimeInterval(7 * 86_400), store: store)
        await later.timer.fire()
        #expect(later.log.all.filter { $0.contains("coachd.event=dropin.overdue") }.count == 2)
        #expect(later.log.all.filter { $0.contains("coachd.event=dropin.due") }.isEmpty)
        #expect(later.log.all.contains { $0.contains("coachd.catch_up=true") })
        let again = try await ServiceFixture(now: ServiceFixture.monday.addingTimeInterval(7 * 86_400), store: store)
        await again.timer.fire()
        #expect(
            again.log.all.filter { $0.contains("coachd.event=dropin.") || $0.contains("coachd.event=followup.") }
                .isEmpty)
    }

    @Test func aBackDatedBooking_whileRunning_isNotACatchUp() async throws {
        var f = try await ServiceFixture()
        try await f.seed()
        await f.timer.fire()
        _ = try await f.service.cyclesStart(.init(pair: f.pair, focus: "f"), Peers.teacher)
        // Last Friday's visit, recorded on Monday: its transitions fall in the past, but the daemon
        // was running all along, so nothing was missed.
        _ = try await f.service.dropInsSchedule(.init(pair: f.pair, start: "2026-11-20T10:00"), Peers.teacher)
        f.clock.set(ServiceFixture.monday.addingTimeInterval(60))
        await f.timer.fire()
        let raised = f.log.all.filter { $0.contains("coachd.pair=\(f.pair)") && $0.contains("coachd.catch_up=") }
        #expect(!raised.isEmpty)
        #expect(raised.allSatisfy { $0.contains("coachd.catch_up=false") }, "\(raised)")
    }

    @Test func nextTransition_isTheSoonest() async throws {
        var f = try await ServiceFixture(now: ServiceFixture.monday.addingTimeInterval(-86_400 * 2))  // Saturday
        try await f.seed()
        let next = try await f.timer.nextTransition()
        #expect(
            next
                == SchoolCalendar(
                    timeZone: TimeZone(identifier: "Europe/London")!, dayStart: LocalTime("08:30")!,
                    dayEnd: LocalTime("15:30")!
                ).dayStartInstant(LocalDate("2026-11-23")!))
    }
}
