import CoachDomain
import CoachRPC
import CoachStore
import Foundation

/// The caller's identity as the transport saw it.
struct Peer: Sendable, Hashable {
    var uid: UInt32
    var gid: UInt32
}

extension CoachService {
    func schoolsAdd(_ params: SchoolsAdd.Params, _ peer: Peer) async throws -> CreatedID {
        let name = try TextRules.line(params.name, field: "name", maxCharacters: 200)
        _ = try TextRules.timeZone(params.timeZone)
        let start =
            try params.dayStart.map { text in
                guard let time = LocalTime(text) else {
                    throw DomainError.invalid(
                        "\"\(TextRules.printable(text, limit: 16))\" is not HH:MM", field: "dayStart")
                }
                return time
            } ?? configuration.dayStart
        let end =
            try params.dayEnd.map { text in
                guard let time = LocalTime(text) else {
                    throw DomainError.invalid(
                        "\"\(TextRules.printable(text, limit: 16))\" is not HH:MM", field: "dayEnd")
                }
                return time
            } ?? configuration.dayEnd
        guard start < end else {
            throw DomainError.invalid("the school day must end (\(end)) after it starts (\(start))", field: "dayEnd")
        }
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            guard caller.isAdmin else { throw DomainError.denied("add schools (admins only)") }
            if let region = params.region { _ = try self.region(region, tx) }
            let id = try tx.insert(
                School(
                    id: 0, name: name, timeZone: params.timeZone, dayStart: start, dayEnd: end, region: params.region))
            changes.calendars[id] = try tx.calendar(school: id)
            try self.history(tx, &changes, caller, .schoolAdded, school: id, pair: nil, subject: id)
            return CreatedID(id: id)
        }
    }

    func schoolsList(_ peer: Peer) async throws -> SchoolList {
        try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            let schools = try store.schools().filter { caller.isAdmin || $0.id == caller.person?.school }
            return SchoolList(schools: schools.map(SchoolInfo.init))
        }
    }

    func addClosure(_ params: CalendarAddClosure.Params, _ peer: Peer) async throws -> CalendarAdded {
        let range = try range(params.from, params.to, maxDays: 366)
        let reason = try TextRules.line(params.reason, field: "reason", maxCharacters: 200)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            try self.managedSchool(params.school, by: caller, tx)
            if let same = SchoolYearRules.duplicate(of: range, in: try tx.closures(school: params.school)) {
                throw DomainError(
                    .conflict, "closure \(same.id) (\(same.reason)) already closes \(range.from)–\(range.to)",
                    field: "from", hint: "see the calendar: coachctl calendar list --school \(params.school)")
            }
            let id = try tx.insert(Closure(id: 0, school: params.school, range: range, reason: reason))
            try self.history(tx, &changes, caller, .closureAdded, school: params.school, pair: nil, subject: id)
            let affected = try self.calendarChanged(params.school, reason: reason, caller, tx, &changes)
            return CalendarAdded(id: id, affected: affected)
        }
    }

    func addTerm(_ params: CalendarAddTerm.Params, _ peer: Peer) async throws -> CalendarAdded {
        let range = try range(params.from, params.to, maxDays: 366)
        let name = try TextRules.line(params.name, field: "name", maxCharacters: 200)
        return try await change { tx, changes in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: tx)
            try self.managedSchool(params.school, by: caller, tx)
            if let clash = try tx.terms(school: params.school).first(where: {
                $0.range.from <= range.to && range.from <= $0.range.to
            }) {
                throw DomainError(
                    .conflict,
                    "the term overlaps term \(clash.id) (\(clash.name), \(clash.range.from)–\(clash.range.to))",
                    field: "from")
            }
            let id = try tx.insert(Term(id: 0, school: params.school, name: name, range: range))
            try self.history(tx, &changes, caller, .termAdded, school: params.school, pair: nil, subject: id)
            let affected = try self.calendarChanged(params.school, reason: "outside the terms", caller, tx, &changes)
            return CalendarAdded(id: id, affected: affected)
        }
    }

    func schoolDays(_ params: CalendarSchoolDays.Params, _ peer: Peer) async throws -> SchoolDays {
        let range = try range(params.from, params.to, maxDays: 400)
        return try await store.read { store in
            let caller = try self.knownCaller(peer.uid, gid: peer.gid, in: store)
            guard caller.isAdmin || caller.person?.school == params.school else {
                throw Self.hidden("school", params.school, field: "school")
            }
            let calendar = try self.calendar(params.school, store)
            return SchoolDays(days: calendar.schoolDays(in: range).map(\.description))
        }
    }
}

/// Schools and their calendars.
/// Its methods, who may call each, and the handlers above, registered together.
enum CalendarFeature: ServiceFeature {
    static func register(_ service: CoachService, into table: inout MethodTable) {
        table.on(SchoolsAdd.self, access: .admin) { params, peer in try await service.schoolsAdd(params, peer) }
        table.on(SchoolsList.self, access: .known) { _, peer in try await service.schoolsList(peer) }
        table.on(CalendarAddClosure.self, access: .managers) { params, peer in
            try await service.addClosure(params, peer)
        }
        table.on(CalendarAddTerm.self, access: .managers) { params, peer in try await service.addTerm(params, peer) }
        table.on(CalendarSchoolDays.self, access: .known) { params, peer in try await service.schoolDays(params, peer) }
    }
}
