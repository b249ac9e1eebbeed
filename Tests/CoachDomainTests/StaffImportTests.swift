import CoachDomain
import Foundation
import Testing

/// Issue 13's staff list rules, without a store or a CSV parser: header, fields, and the plan.
@Suite("A staff list in")
struct StaffImportTests {
    let columns = ["name": 0, "login": 1, "roles": 2, "coach": 3]
    let sy = Person(id: 9, name: "Sy", school: 1, roles: [.coach], uid: 3, login: "sys")

    @Test func header_isMatchedInAnyCase_andNeedsNameRolesAndAnIdentity() {
        #expect(StaffImport.columns([" Name ", "LOGIN", "Roles", "Dept"]).errors.isEmpty)
        #expect(StaffImport.columns(["name", "uid", "roles"]).columns["uid"] == 1)
        let missing = StaffImport.columns(["name", "name", "email"]).errors
        #expect(missing.map(\.column) == ["name", "roles", "login"])
        #expect(missing.allSatisfy { $0.row == 1 })
    }

    @Test func fields_areTrimmed_rolesSplitOnSemicolons_andBlankRowsSkippedButCounted() {
        let (rows, errors, _) = StaffImport.rows(
            [["  Ada  ", "ada", "Teacher ; coach;", ""], ["", "", "", ""], ["Cy", "cy", "coach", ""]], columns: columns)
        #expect(errors.isEmpty)
        #expect(rows.map(\.row) == [2, 4])
        #expect(rows[0].name == "Ada" && rows[0].roles == [.teacher, .coach] && rows[0].coach == nil)
    }

    @Test func everyBadField_isNamedByRowAndColumn() {
        let (rows, errors, failed) = StaffImport.rows(
            [
                ["Ada\u{1B}", "ada", "teacher", ""], ["Bo", "b o", "teacher", ""], ["Cy", "cy", "pilot", ""],
                ["Di", "di", "coach", "sys"],
            ],
            columns: columns)
        #expect(rows.isEmpty)
        #expect(errors.map { "\($0.row):\($0.column)" } == ["2:name", "3:login", "4:roles", "5:coach"])
        #expect(failed == ["ada", "b o", "cy", "di"])
    }

    @Test func plan_addsNewPeople_keepsThoseThere_andPairsWithACoachInTheFileOrTheSchool() {
        let (rows, _, _) = StaffImport.rows(
            [["Ada", "ada", "teacher", "cy"], ["Cy", "cy", "coach", ""], ["Uma", "uma", "teacher", "sys"]],
            columns: columns)
        let uids: [String: Int64] = ["ada": 101, "cy": 102, "uma": 103, "sys": 3]
        let (steps, errors) = StaffImport.plan(
            rows, school: 1, people: [sy], elsewhere: [], uids: uids, activePairs: [])
        #expect(errors.isEmpty)
        #expect(steps.map(\.who) == [.new(uid: 101), .new(uid: 102), .new(uid: 103)])
        #expect(steps[0].coachStep == 1 && steps[0].createsPair)
        #expect(steps[2].coach == .existing(sy) && steps[2].createsPair)

        // Everyone already there, pairs too: nothing is new.
        let ada = Person(id: 1, name: "Ada", school: 1, roles: [.teacher], uid: 101, login: "ada")
        let cy = Person(id: 2, name: "Cy", school: 1, roles: [.coach], uid: 102, login: "cy")
        let uma = Person(id: 3, name: "Uma", school: 1, roles: [.teacher], uid: 103, login: "uma")
        let (again, none) = StaffImport.plan(
            rows, school: 1, people: [ada, cy, uma, sy], elsewhere: [], uids: uids, activePairs: [[1, 2], [3, 9]])
        #expect(none.isEmpty)
        #expect(again.allSatisfy { if case .existing = $0.who { true } else { false } })
        #expect(again.allSatisfy { !$0.createsPair })
    }

    @Test func plan_refusesUnknownLogins_otherSchools_duplicates_andCoachesWhoAreNot() {
        let (rows, _, _) = StaffImport.rows(
            [
                ["Ada", "ada", "teacher", "nobody-here"], ["Bo", "bo", "teacher", ""],
                ["Bo again", "bo", "teacher", ""],
                ["Gus", "gus", "teacher", ""], ["Tim", "tim", "teacher", "bo"],
            ],
            columns: columns)
        let uids: [String: Int64] = ["ada": 101, "bo": 102, "tim": 104]
        let (_, errors) = StaffImport.plan(
            rows, school: 1, people: [], elsewhere: [101], uids: uids, activePairs: [])
        #expect(errors.map { "\($0.row):\($0.column)" } == ["2:login", "4:login", "5:login", "6:coach"])
        #expect(errors[0].message.contains("another school"))
        #expect(errors[1].message.contains("row 3"))
        #expect(errors[2].message.contains("no Unix user \"gus\""))
        #expect(errors[3].message.contains("not an active coach"))
    }
}
