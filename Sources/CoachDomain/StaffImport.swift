/// The roles a person may hold, as every method that takes them checks them (`people.add`,
/// `people.update`, `people.import`): one place, one limit, one message.
extension Role {
    /// At most this many role names in one request (there are four roles; a longer list is a mistake).
    public static let maxNamesPerPerson = 16

    /// The roles named, each exactly as the wire spells it; at least one, at most `maxNamesPerPerson`.
    public static func parse(_ names: [String], field: String = "roles") throws(DomainError) -> Set<Role> {
        let all = Role.allCases.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty else { throw .invalid("give at least one role", field: field, hint: all) }
        guard names.count <= maxNamesPerPerson else {
            throw .invalid("give at most \(maxNamesPerPerson) roles", field: field, hint: all)
        }
        var roles = Set<Role>()
        for text in names {
            guard let role = Role(rawValue: text) else {
                throw .invalid(
                    "\"\(TextRules.printable(text, limit: 32))\" is not a role", field: field, hint: "roles: \(all)")
            }
            roles.insert(role)
        }
        return roles
    }
}

/// A staff list (CSV with a header row: `name`, `login` or `uid`, `roles`, optional `coach`) turned
/// into people and pairs for one school. The shell parses the CSV and resolves logins to uids; this
/// decides, row by row, what is new, what is already there and what is wrong.
public enum StaffImport {
    /// The most CSV text accepted, in bytes (a school's staff list is a few kilobytes).
    public static let maxBytes = 512 * 1024
    /// The most data rows accepted (blank rows count).
    public static let maxRows = 2000
    /// Longest name, as `people.add` takes it.
    public static let maxNameCharacters = 200
    /// The columns read; any other column is ignored (an MIS export carries many).
    public static let knownColumns = ["name", "login", "uid", "roles", "coach"]

    /// One data row, checked field by field. `row` counts the header as row 1, as a spreadsheet does.
    public struct Row: Sendable, Hashable {
        public var row: Int
        public var name: String
        public var login: String?
        public var uid: Int64?
        public var roles: Set<Role>
        /// The login of the coach to pair this teacher with.
        public var coach: String?

        public init(row: Int, name: String, login: String?, uid: Int64?, roles: Set<Role>, coach: String?) {
            self.row = row
            self.name = name
            self.login = login
            self.uid = uid
            self.roles = roles
            self.coach = coach
        }
    }

    /// What is wrong with one field of one row (row 1 is the header).
    public struct RowError: Error, Sendable, Hashable {
        public var row: Int
        public var column: String
        public var message: String

        public init(row: Int, column: String, message: String) {
            self.row = row
            self.column = column
            self.message = message
        }
    }

    /// The header's columns by name (trimmed, any case), or the errors that make the file unreadable.
    public static func columns(_ header: [String]) -> (columns: [String: Int], errors: [RowError]) {
        var columns: [String: Int] = [:]
        var errors: [RowError] = []
        for (index, raw) in header.enumerated() {
            let name = raw.trimmingSpaces().lowercased()
            guard knownColumns.contains(name) else { continue }
            if columns[name] != nil {
                errors.append(RowError(row: 1, column: name, message: "the column \(name) appears twice in the header"))
            } else {
                columns[name] = index
            }
        }
        for required in ["name", "roles"] where columns[required] == nil {
            errors.append(
                RowError(
                    row: 1, column: required,
                    message: "the header has no \(required) column (columns: \(knownColumns.joined(separator: ", ")))"))
        }
        if columns["login"] == nil && columns["uid"] == nil {
            errors.append(RowError(row: 1, column: "login", message: "the header needs a login or a uid column"))
        }
        return (columns, errors)
    }

    /// Every data row checked: the rows that are sound, and one error per bad field. Blank rows
    /// (every field empty) are skipped but keep their number.
    /// `failedLogins`: the logins of rows at fault, so a teacher naming one as coach is not blamed too.
    public static func rows(_ records: [[String]], columns: [String: Int]) -> (
        rows: [Row], errors: [RowError], failedLogins: Set<String>
    ) {
        var failedLogins = Set<String>()
        var rows: [Row] = []
        var errors: [RowError] = []
        for (index, record) in records.enumerated() {
            let number = index + 2
            func field(_ name: String) -> String? {
                guard let column = columns[name], column < record.count else { return nil }
                let value = record[column].trimmingSpaces()
                return value.isEmpty ? nil : value
            }
            if record.allSatisfy({ $0.trimmingSpaces().isEmpty }) { continue }
            var rowErrors: [RowError] = []
            func check<T>(_ column: String, _ body: () throws(DomainError) -> T) -> T? {
                do throws(DomainError) { return try body() } catch {
                    rowErrors.append(RowError(row: number, column: column, message: error.message))
                    return nil
                }
            }
            let name = check("name") { () throws(DomainError) in
                try TextRules.line(field("name") ?? "", field: "name", maxCharacters: maxNameCharacters)
            }
            let login = field("login").flatMap { text in
                check("login") { () throws(DomainError) in try TextRules.login(text) }
            }
            var uid: Int64?
            if let text = field("uid") {
                if let value = Int64(text), value >= 0, value < Int64(UInt32.max) {
                    uid = value
                } else {
                    rowErrors.append(
                        RowError(
                            row: number, column: "uid",
                            message: "\"\(TextRules.printable(text, limit: 20))\" is not a uid (0–4294967294)"))
                }
            }
            if field("login") == nil && field("uid") == nil {
                rowErrors.append(
                    RowError(
                        row: number, column: columns["login"] != nil ? "login" : "uid",
                        message: "give the person's Unix login or uid: identity is the Unix user"))
            }
            let roleNames = (field("roles") ?? "").split(separator: ";").map { $0.trimmingSpaces().lowercased() }
                .filter { !$0.isEmpty }
            let roles = check("roles") { () throws(DomainError) in try Role.parse(roleNames) }
            let coach = field("coach").flatMap { text in
                check("coach") { () throws(DomainError) in try TextRules.login(text, field: "coach") }
            }
            if let roles, coach != nil, !roles.contains(.teacher) {
                rowErrors.append(
                    RowError(
                        row: number, column: "coach",
                        message:
                            "only a teacher is paired with a coach; give this row the teacher role or leave coach empty"
                    ))
            }
            if let login, let coach, login == coach {
                rowErrors.append(RowError(row: number, column: "coach", message: "a teacher cannot coach themselves"))
            }
            if rowErrors.isEmpty, let name, let roles {
                rows.append(Row(row: number, name: name, login: login, uid: uid, roles: roles, coach: coach))
            } else if let text = field("login") {
                failedLogins.insert(text)
            }
            errors += rowErrors
        }
        return (rows, errors, failedLogins)
    }

    /// Who a row is once its login is resolved: someone new, or a person already in coachd.
    public enum Who: Sendable, Hashable {
        case new(uid: Int64)
        case existing(Person)
    }

    /// What one row comes to.
    public struct Step: Sendable, Hashable {
        public var row: Row
        public var who: Who
        /// The coach to pair with: a row of this file (its index in `steps`) or a person already there.
        public var coach: Who?
        public var coachStep: Int?
        /// Whether the pair is new (false: already there, or no coach named).
        public var createsPair: Bool
    }

    /// Decides every row, given the school's people, the uids linked to people of other schools,
    /// the uid of each login (as the machine resolves them; absent: no such user), and the school's
    /// active pairs as (teacher, coach). Nothing is stored here.
    public static func plan(
        _ rows: [Row], school: Int64, people: [Person], elsewhere: Set<Int64>, uids: [String: Int64],
        activePairs: Set<[Int64]>, failedLogins: Set<String> = []
    ) -> (steps: [Step], errors: [RowError]) {
        var failedLogins = failedLogins
        var errors: [RowError] = []
        var steps: [Step] = []
        var byUID: [Int64: Person] = [:]
        for person in people { if let uid = person.uid { byUID[uid] = person } }
        var rowOfUID: [Int64: Int] = [:]
        for row in rows {
            var uid = row.uid
            if let login = row.login {
                guard let found = uids[login] else {
                    failedLogins.insert(login)
                    errors.append(
                        RowError(
                            row: row.row, column: "login", message: "there is no Unix user \"\(login)\" on this machine"
                        ))
                    continue
                }
                if let given = row.uid, given != found {
                    errors.append(
                        RowError(row: row.row, column: "uid", message: "login \(login) has uid \(found), not \(given)"))
                    continue
                }
                uid = found
            }
            guard let uid else { continue }
            if let earlier = rowOfUID[uid] {
                if let login = row.login { failedLogins.insert(login) }
                errors.append(
                    RowError(
                        row: row.row, column: row.login != nil ? "login" : "uid",
                        message: "the same person as row \(earlier)"))
                continue
            }
            if elsewhere.contains(uid) {
                if let login = row.login { failedLogins.insert(login) }
                errors.append(
                    RowError(
                        row: row.row, column: row.login != nil ? "login" : "uid",
                        message: "uid \(uid) is already linked to someone in another school"))
                continue
            }
            rowOfUID[uid] = row.row
            let who: Who = byUID[uid].map { .existing($0) } ?? .new(uid: uid)
            steps.append(Step(row: row, who: who, coach: nil, coachStep: nil, createsPair: false))
        }
        // Coaches: a row of this file (by login), else someone already in the school (by stored
        // login, or by the uid the login resolves to).
        var stepOfLogin: [String: Int] = [:]
        var stepOfUID: [Int64: Int] = [:]
        for (index, step) in steps.enumerated() {
            if let login = step.row.login { stepOfLogin[login] = index }
            if case .new(let uid) = step.who { stepOfUID[uid] = index }
            if case .existing(let person) = step.who, let uid = person.uid { stepOfUID[uid] = index }
        }
        var pairsPlanned = Set<[Int64]>()
        for index in steps.indices {
            guard let login = steps[index].row.coach else { continue }
            let row = steps[index].row.row
            let coachStep = stepOfLogin[login] ?? uids[login].flatMap { stepOfUID[$0] }
            let found: Who? =
                if let coachStep {
                    steps[coachStep].who
                } else {
                    (people.first { $0.login == login } ?? uids[login].flatMap { byUID[$0] }).map { .existing($0) }
                }
            guard let found else {
                // The coach's own row is at fault and named already: blaming this row too would mislead.
                if failedLogins.contains(login) { continue }
                errors.append(
                    RowError(
                        row: row, column: "coach",
                        message:
                            "no coach with login \(login) in this file or in the school; add a row for them or check the spelling"
                    ))
                continue
            }
            // Someone already in coachd keeps their stored roles; a new row has the file's.
            let coachRoles: Set<Role>
            let coachActive: Bool
            switch found {
            case .existing(let person): (coachRoles, coachActive) = (person.roles, person.active)
            case .new: (coachRoles, coachActive) = (steps[coachStep ?? index].row.roles, true)
            }
            guard coachRoles.contains(.coach), coachActive else {
                errors.append(
                    RowError(row: row, column: "coach", message: "\(login) is not an active coach of this school"))
                continue
            }
            if case .existing(let person) = steps[index].who, !person.roles.contains(.teacher) || !person.active {
                errors.append(
                    RowError(
                        row: row, column: "coach",
                        message:
                            "person \(person.id) is already in coachd but not an active teacher; only a teacher is paired with a coach"
                    ))
                continue
            }
            guard found != steps[index].who else {
                errors.append(RowError(row: row, column: "coach", message: "a teacher cannot coach themselves"))
                continue
            }
            steps[index].coach = found
            steps[index].coachStep = coachStep
            if case .existing(let teacher) = steps[index].who, case .existing(let coachPerson) = found {
                let key = [teacher.id, coachPerson.id]
                steps[index].createsPair = !activePairs.contains(key) && !pairsPlanned.contains(key)
                pairsPlanned.insert(key)
            } else {
                steps[index].createsPair = true
            }
        }
        return (steps, errors.sorted { ($0.row, $0.column) < ($1.row, $1.column) })
    }
}

extension StringProtocol {
    /// Without the spaces and tabs around it (a CSV field's padding).
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
