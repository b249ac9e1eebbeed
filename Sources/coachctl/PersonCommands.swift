import ArgumentParser
import CoachRPC
import CoachctlCore

/// `coachctl person …`: people, their roles and the Unix login they connect as.
struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "Add, list, update, deactivate, import, export and erase people.",
        subcommands: [
            Add.self, List.self, Update.self, Deactivate.self, Import.self, Export.self, Erase.self, Accredit.self,
        ])

    struct Add: ParsableCommand {
        static let configuration = PeopleAdd.command(
            "add",
            discussion: """
                Roles: \(RoleName.all.joined(separator: ", ")). Give --role once per role.
                Example: coachctl person add "Ann Teacher" --school 1 --role teacher --login ann
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeopleAdd.help("name", valueName: "NAME")) var name: String
        @Option(help: PeopleAdd.help("school", valueName: "ID"), completion: IDCompletion.schools) var school: Int64
        @Option(
            name: .customLong("role"), help: ArgumentHelp("A role the person holds (repeatable).", valueName: "ROLE"),
            completion: .list(RoleName.all))
        var roles: [String] = []
        @Option(help: PeopleAdd.help("login", valueName: "NAME"), completion: .default) var login: String?
        @Option(help: PeopleAdd.help("uid", valueName: "N")) var uid: Int64?

        func validate() throws {
            guard !roles.isEmpty else {
                throw ValidationError("give at least one --role (\(RoleName.all.joined(separator: ", ")))")
            }
            for role in roles where !RoleName.all.contains(role) {
                throw ValidationError("unknown role '\(role)'; roles are \(RoleName.all.joined(separator: ", "))")
            }
            if login != nil && uid != nil { throw ValidationError("give --login or --uid, not both") }
        }

        func run() throws {
            let params = PeopleAdd.Params(name: name, school: school, roles: roles, login: login, uid: uid)
            try global.session().run(PeopleAdd.self, params) { "Added person \($0.id): \(name)." }
        }
    }

    struct List: ParsableCommand {
        static let configuration = PeopleList.command(
            "list",
            abstract: "The active people of a school (admins and the school's lead); --all adds deactivated ones.")
        @OptionGroup var global: GlobalOptions
        @Option(help: PeopleList.help("school", valueName: "ID"), completion: IDCompletion.schools) var school: Int64?
        @Flag(name: .customLong("all"), help: "Deactivated people too.") var includeInactive = false

        func run() throws {
            let params = PeopleList.Params(school: school, includeInactive: includeInactive ? true : nil)
            let session = try global.session()
            let result = try session.call(PeopleList.self, params)
            let schools = session.json ? [:] : YearText.schoolNames(session)
            session.show(result) { result in
                guard !result.people.isEmpty else { return "No people." }
                let table = Table(
                    ["ID", "NAME", "SCHOOL", "ROLES", "LOGIN"],
                    result.people.map { person in
                        let login = person.login ?? person.uid.map { "uid \($0)" } ?? "-"
                        return [
                            "\(person.id)", person.active == false ? "\(person.name) (deactivated)" : person.name,
                            schools[person.school] ?? "\(person.school)", person.roles.joined(separator: ","), login,
                        ]
                    })
                return table.render() + "\n\n" + Output.count(result.people.count, "person", "people") + " listed."
            }
        }
    }
}

/// `coachctl me`: who the daemon takes the caller to be.
struct MeCommand: ParsableCommand {
    static let configuration = PeopleMe.command("me")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.session().run(PeopleMe.self, NoParams()) { me in
            var lines: [(String, String)] = [("Uid", "\(me.uid)")]
            if let person = me.person {
                lines.append(("Person", "\(person.name) (person \(person.id), school \(person.school))"))
            } else {
                lines.append(("Person", "none: this login is not linked to a person"))
            }
            lines.append(("Roles", me.roles.isEmpty ? "none" : me.roles.joined(separator: ", ")))
            var text = Output.fields(lines, indent: "")
            if me.person == nil && !me.admin {
                text +=
                    "\n\nAsk an admin to link your login: coachctl person add NAME --school ID --role ROLE "
                    + "--login \(Failure.currentLogin)"
            }
            return text
        }
    }
}

extension PersonCommand {
    /// `coachctl person accredit ID --on DATE`: the heads' programme pairs accredited heads only.
    struct Accredit: ParsableCommand {
        static let configuration = PeopleAccredit.command(
            "accredit", discussion: "Example: coachctl person accredit 4 --on 2026-09-01")
        @OptionGroup var global: GlobalOptions
        @Argument(help: PeopleAccredit.help("person", valueName: "ID"), completion: IDCompletion.people)
        var person: Int64
        @Option(help: PeopleAccredit.help("on", valueName: "YYYY-MM-DD")) var on: String

        func run() throws {
            try global.session().run(PeopleAccredit.self, .init(person: person, on: on)) {
                "\(Terminal.escape($0.name)) (person \($0.id)) is accredited as a coach from \(HumanTime.showDay(on))."
            }
        }
    }
}
