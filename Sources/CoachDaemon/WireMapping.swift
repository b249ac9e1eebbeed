import CoachDomain
import CoachRPC
import Foundation

/// Domain values as wire values. `confidential` decides whether texts and notes are included:
/// only for the pair's two people.
extension SchoolInfo {
    init(_ school: School) {
        self.init(
            id: school.id, name: school.name, timeZone: school.timeZone, dayStart: "\(school.dayStart)",
            dayEnd: "\(school.dayEnd)", region: school.region)
    }
}

extension PersonInfo {
    init(_ person: Person) {
        self.init(
            id: person.id, name: person.name, school: person.school,
            roles: Role.allCases.filter(person.roles.contains).map(\.rawValue), uid: person.uid, login: person.login,
            active: person.active, accreditedOn: person.accreditedOn.map { "\($0)" })
    }
}

extension AdaptationInfo {
    init(_ adaptation: Adaptation, confidential: Bool) {
        self.init(
            id: adaptation.id, pair: adaptation.pair, text: confidential ? adaptation.text : nil,
            setOn: "\(adaptation.setOn)", schoolDays: adaptation.schoolDays,
            practiseUntil: "\(adaptation.practiseUntil)", active: adaptation.isActive,
            closedOn: adaptation.closedOn.map { "\($0)" }, outcome: adaptation.outcome?.rawValue)
    }
}

extension FollowUpInfo {
    init(_ followUp: FollowUp, calendar: SchoolCalendar, confidential: Bool) {
        self.init(
            id: followUp.id, dropin: followUp.dropIn, completedAt: calendar.format(followUp.completedAt),
            notes: confidential ? followUp.notes : nil)
    }
}

extension DropInInfo {
    init(_ dropIn: DropIn, followUp: FollowUp?, calendar: SchoolCalendar, confidential: Bool) {
        self.init(
            id: dropIn.id, pair: dropIn.pair, coach: dropIn.coach, cycle: dropIn.cycle,
            start: calendar.format(dropIn.start), end: calendar.format(dropIn.end), minutes: dropIn.minutes,
            completedAt: dropIn.completedAt.map(calendar.format), notes: confidential ? dropIn.notes : nil,
            followUp: followUp.map { FollowUpInfo($0, calendar: calendar, confidential: confidential) },
            status: dropIn.status.rawValue, cancelledAt: dropIn.cancelledAt.map(calendar.format),
            cancelReason: dropIn.cancelReason)
    }
}

extension CycleInfo {
    init(_ cycle: Cycle, calendar: SchoolCalendar, confidential: Bool) {
        self.init(
            id: cycle.id, pair: cycle.pair, focus: confidential ? cycle.focus : nil,
            startedAt: calendar.format(cycle.startedAt))
    }
}

extension DueItemInfo {
    init(_ item: DueItem, pair: Pair, names: [Int64: String], calendar: SchoolCalendar, now: Date) {
        self.init(
            kind: item.kind.rawValue, pair: item.pair, school: item.school, teacher: pair.teacher,
            teacherName: names[pair.teacher] ?? "#\(pair.teacher)", coach: pair.coach,
            coachName: names[pair.coach] ?? "#\(pair.coach)", dropin: item.dropIn, dueDate: "\(item.dueDate)",
            dueAt: calendar.format(item.dueAt), overdueAt: calendar.format(item.overdueAt),
            overdue: item.isOverdue(at: now))
    }
}

extension HistoryEntry {
    init(_ event: HistoryEvent, calendar: SchoolCalendar) {
        self.init(
            at: calendar.format(event.at), event: event.kind, actorUid: event.actorUid, actor: event.actor,
            subject: event.subject)
    }
}
