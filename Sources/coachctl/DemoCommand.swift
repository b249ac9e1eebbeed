import ArgumentParser
import CoachClient
import CoachRPC
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `coachctl demo seed`: fills an empty daemon with a believable trust through the ordinary API
/// (the same methods every other command calls), so `due`, `coverage`, `report` and `watch`
/// show something on the first try (`make demo`; issue 16).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "A demonstration trust for a new daemon.", subcommands: [Seed.self])

    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill an empty daemon with three schools, their staff and pairs at every stage (admins only).",
            discussion: """
                Adds three schools with this school year's terms and closures, teachers, coaches and a \
                lead in each, and pairs at every stage of the micro-cycle: no focus yet, a drop-in to book, \
                one booked, one overdue, a follow-up due, an adaptation being practised, and pairs with a \
                term of drop-ins, follow-ups and closed adaptations behind them. Refused when the daemon \
                already has a school. People get no Unix account unless --create-users is given (root \
                only: useradd, in the group coaching).
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Create a Unix user (useradd, group coaching) for each person and link it.")
        var createUsers = false

        func run() throws {
            let session = try global.session()
            let me = try session.call(PeopleMe.self, NoParams())
            guard me.admin else {
                throw LocalFailure(
                    message: "demo seed: admins only",
                    hint: "run it as root, as coachd's user or as a member of admin.group", code: Failure.usage)
            }
            guard try session.call(SchoolsList.self, NoParams()).schools.isEmpty else {
                throw LocalFailure(
                    message: "demo seed: the daemon already has data",
                    hint: "a demo goes into an empty daemon only (no schools yet)", code: Failure.usage)
            }
            if createUsers && geteuid() != 0 {
                throw LocalFailure(
                    message: "demo seed: --create-users runs useradd, which needs root", hint: nil, code: Failure.usage)
            }
            var seeder = DemoSeeder(session: session, createUsers: createUsers, today: Date())
            let summary = try seeder.seed()
            session.show(summary) { $0.text }
        }
    }
}

/// What the seed made, for the summary line (and --json).
struct DemoSummary: Encodable {
    var schools = 0
    var people = 0
    var pairs = 0
    var dropIns = 0
    var followUps = 0
    var adaptations = 0
    var unixUsers = 0

    var text: String {
        "Seeded \(schools) schools, \(people) people (\(unixUsers) Unix users), \(pairs) pairs, "
            + "\(dropIns) drop-ins, \(followUps) follow-ups, \(adaptations) adaptations.\n"
            + "Try: coachctl due · coachctl due --overdue · coachctl pair list · coachctl daemon status"
    }
}

/// The stages a demo pair is left at, so every kind of due item shows.
enum DemoStage: CaseIterable {
    /// Paired, nothing agreed yet.
    case noFocus
    /// A focus agreed; the first drop-in is to be booked.
    case focusAgreed
    /// A drop-in booked on the next school day.
    case booked
    /// A drop-in that took place days ago and was never logged: overdue.
    case dropInOverdue
    /// A drop-in done yesterday; its follow-up conversation is due.
    case followUpDue
    /// A drop-in done a week ago whose follow-up never happened: overdue.
    case followUpOverdue
    /// Followed up; practising one small adaptation.
    case practising
    /// A term of rounds behind it (drop-in, follow-up, adaptation each), now practising again.
    case history
}

struct DemoSeeder {
    let session: Session
    let createUsers: Bool
    let today: Date
    var summary = DemoSummary()
    var nextUID = Self.firstUID

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    struct School {
        let name, dayStart, dayEnd: String
        let teachers: [String]
        let coaches: [String]
        let lead: String
    }

    static let schools = [
        School(
            name: "Harbour Lane Primary", dayStart: "08:45", dayEnd: "15:15",
            teachers: [
                "Amira Haddad", "Tom Whitfield", "Grace Okafor", "Lewis Pritchard", "Hannah Doyle", "Ravi Mistry",
                "Ellie Barnes", "Owen Jenkins",
            ],
            coaches: ["Claire Fenwick", "Marcus Bell"], lead: "Joanne Ashworth"),
        School(
            name: "St Aidan's CE Academy", dayStart: "08:30", dayEnd: "15:30",
            teachers: [
                "Priya Sharma", "Daniel Hughes", "Sophie Clarke", "Femi Adeyemi", "Niamh Byrne", "Jack Thornton",
                "Leah Goldberg", "Callum Reid",
            ],
            coaches: ["Helen Marsh", "Yusuf Khan"], lead: "Rachel Ingram"),
        School(
            name: "Northfield High School", dayStart: "08:25", dayEnd: "15:05",
            teachers: [
                "Martin Cole", "Zainab Ali", "Chloe Evans", "Ben Oduya", "Laura McKenzie", "Sam Novak",
                "Isla Fraser", "Kwame Mensah",
            ],
            coaches: ["Diane Porter", "Oliver Grant"], lead: "Andrew Lacey"),
    ]

    static let focuses = [
        "Checking for understanding before independent practice",
        "Cold calling so every pupil expects to answer",
        "Modelling worked examples step by step",
        "Tighter transitions between activities",
        "Questioning that stretches the most able",
        "Using mini-whiteboards for whole-class feedback",
        "Clear success criteria at the start of the lesson",
        "Retrieval practice in the first five minutes",
    ]
    static let adaptations = [
        "Ask three pupils to explain the method back before they start",
        "Say the name after the question, never before",
        "Think aloud while solving the second example",
        "Use a countdown and a fixed routine for handing out books",
        "Plan one 'why' question per episode for the top group",
        "Check every whiteboard before moving on",
    ]

    init(session: Session, createUsers: Bool, today: Date) {
        self.session = session
        self.createUsers = createUsers
        self.today = today
    }

    static func day(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    static func date(_ year: Int, _ month: Int, _ day: Int) -> Date {
        utc.date(from: DateComponents(year: year, month: month, day: day))!
    }

    static func adding(_ days: Int, to date: Date) -> Date { utc.date(byAdding: .day, value: days, to: date)! }

    /// The Monday on or after a date.
    static func monday(onOrAfter date: Date) -> Date {
        let weekday = utc.component(.weekday, from: date)  // 1 = Sunday
        return adding((9 - weekday) % 7, to: date)
    }

    /// This school year's terms and closures (English-style dates, shifted a little per school),
    /// for the school year that holds today; the seed writes last year's summer term too, so a
    /// term of history exists whenever it runs.
    static func calendar(for now: Date, shift: Int) -> (terms: [(String, Date, Date)], closures: [(String, Date, Date)])
    {
        let c = utc.dateComponents([.year, .month], from: now)
        let year = c.month! >= 8 ? c.year! : c.year! - 1
        let autumnStart = adding(shift, to: date(year, 9, 3))
        let autumnEnd = adding(shift, to: date(year, 12, 18))
        let springStart = adding(shift, to: date(year + 1, 1, 5))
        let springEnd = adding(shift, to: date(year + 1, 3, 26))
        let summerStart = adding(shift, to: date(year + 1, 4, 13))
        let summerEnd = adding(shift, to: date(year + 1, 7, 21))
        let lastSummerStart = adding(shift, to: date(year, 4, 14))
        let lastSummerEnd = adding(shift, to: date(year, 7, 22))
        let octHalf = monday(onOrAfter: date(year, 10, 23))
        let febHalf = monday(onOrAfter: date(year + 1, 2, 12))
        let mayHalf = monday(onOrAfter: date(year + 1, 5, 25))
        let lastMayHalf = monday(onOrAfter: date(year, 5, 25))
        // A Friday INSET day in the second half of the autumn term, a different week per school.
        let inset = adding(4 + 7 * (2 + shift), to: adding(7, to: octHalf))
        let terms = [
            ("Summer \(year)", lastSummerStart, lastSummerEnd),
            ("Autumn \(year)", autumnStart, autumnEnd),
            ("Spring \(year + 1)", springStart, springEnd),
            ("Summer \(year + 1)", summerStart, summerEnd),
        ]
        let closures = [
            ("May half-term", lastMayHalf, adding(4, to: lastMayHalf)),
            ("October half-term", octHalf, adding(4, to: octHalf)),
            ("INSET day", inset, inset),
            ("February half-term", febHalf, adding(4, to: febHalf)),
            ("May half-term", mayHalf, adding(4, to: mayHalf)),
        ]
        return (terms, closures)
    }

    mutating func seed() throws -> DemoSummary {
        for (index, school) in Self.schools.enumerated() {
            try seed(school, index: index)
        }
        return summary
    }

    private mutating func seed(_ school: School, index: Int) throws {
        let id = try session.call(
            SchoolsAdd.self,
            SchoolsAdd.Params(
                name: school.name, timeZone: "Europe/London", dayStart: school.dayStart, dayEnd: school.dayEnd)
        ).id
        summary.schools += 1
        let (terms, closures) = Self.calendar(for: today, shift: index)
        for (name, from, to) in terms {
            _ = try session.call(
                CalendarAddTerm.self,
                CalendarAddTerm.Params(school: id, name: name, from: Self.day(from), to: Self.day(to)))
        }
        for (reason, from, to) in closures {
            _ = try session.call(
                CalendarAddClosure.self,
                CalendarAddClosure.Params(school: id, from: Self.day(from), to: Self.day(to), reason: reason))
        }
        // School days of the last 120 days and the next 60, from the daemon's own calendar.
        let past = try session.call(
            CalendarSchoolDays.self,
            CalendarSchoolDays.Params(
                school: id, from: Self.day(Self.adding(-120, to: today)), to: Self.day(Self.adding(-1, to: today)))
        ).days
        let future = try session.call(
            CalendarSchoolDays.self,
            CalendarSchoolDays.Params(
                school: id, from: Self.day(Self.adding(1, to: today)), to: Self.day(Self.adding(60, to: today)))
        ).days

        _ = try person(school.lead, school: id, roles: ["lead"], index: index)
        let coaches = try school.coaches.map { try person($0, school: id, roles: ["coach"], index: index) }
        let stages = DemoStage.allCases
        for (n, teacherName) in school.teachers.enumerated() {
            let teacher = try person(teacherName, school: id, roles: ["teacher"], index: index)
            let coach = coaches[n % coaches.count]
            let pair = try session.call(PairsCreate.self, PairsCreate.Params(teacher: teacher, coach: coach)).id
            summary.pairs += 1
            try advance(pair, to: stages[n % stages.count], past: past, future: future, school: school, salt: n + index)
        }
    }

    /// A person, with a Unix account when asked for (login derived from the name).
    private mutating func person(_ name: String, school: Int64, roles: [String], index: Int) throws -> Int64 {
        var login: String?
        // Identity is the Unix user: without accounts, each person gets a uid of its own from a
        // range no account uses, which a later `useradd --uid` can claim.
        while getpwuid(uid_t(nextUID)) != nil { nextUID += 1 }
        var uid: Int64? = nextUID
        nextUID += 1
        if createUsers {
            uid = nil
            let parts = name.lowercased().split(separator: " ")
            let candidate = "\(parts.first?.first.map(String.init) ?? "x")\(parts.last ?? "demo")"
                .filter { $0.isLetter }
            try Self.useradd(candidate)
            login = candidate
            summary.unixUsers += 1
        }
        let id = try session.call(
            PeopleAdd.self, PeopleAdd.Params(name: name, school: school, roles: roles, login: login, uid: uid)
        ).id
        summary.people += 1
        return id
    }

    /// Where the uids of demo people without accounts start (in Debian's range for ordinary users,
    /// far above what a school server hands out); a uid that has an account is skipped.
    static let firstUID: Int64 = 42_000

    static func useradd(_ login: String) throws {
        if getpwnam(login) != nil { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/useradd")
        process.arguments = ["--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", "coaching", login]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LocalFailure(
                message: "demo seed: useradd \(login) failed (status \(process.terminationStatus))", hint: nil,
                code: Failure.cannotWrite)
        }
    }

    /// A drop-in start on a school day, mid-morning (school-local time).
    static func at(_ day: String, slot: Int, plus: Int = 0) -> String {
        let minutes = 9 * 60 + 30 + (slot % 10) * 20 + plus
        return String(format: "%@T%02d:%02d", day, minutes / 60, minutes % 60)
    }

    private mutating func round(_ pair: Int64, on day: String, slot: Int, followUp: Bool) throws -> Int64 {
        let start = Self.at(day, slot: slot)
        let dropIn = try session.call(
            DropInsSchedule.self, DropInsSchedule.Params(pair: pair, start: start, minutes: 15)
        ).id
        summary.dropIns += 1
        // A past round is recorded as it happened (`at`, API level 3): the visit when it ended, the
        // conversation after school that day; so the next round, later in the term, comes after it.
        _ = try session.call(
            DropInsComplete.self, DropInsComplete.Params(dropin: dropIn, at: Self.at(day, slot: slot, plus: 15)))
        if followUp {
            _ = try session.call(FollowUpsComplete.self, FollowUpsComplete.Params(dropin: dropIn, at: "\(day)T15:45"))
            summary.followUps += 1
        }
        return dropIn
    }

    private mutating func advance(
        _ pair: Int64, to stage: DemoStage, past: [String], future: [String], school: School, salt: Int
    ) throws {
        guard stage != .noFocus else { return }
        _ = try session.call(
            CyclesStart.self, CyclesStart.Params(pair: pair, focus: Self.focuses[salt % Self.focuses.count]))
        func pastDay(_ back: Int) -> String { past[max(past.count - back, 0)] }
        switch stage {
        case .noFocus, .focusAgreed:
            return
        case .booked:
            _ = try session.call(
                DropInsSchedule.self,
                DropInsSchedule.Params(pair: pair, start: Self.at(future[0], slot: salt), minutes: 15))
            summary.dropIns += 1
        case .dropInOverdue:
            _ = try session.call(
                DropInsSchedule.self,
                DropInsSchedule.Params(pair: pair, start: Self.at(pastDay(4), slot: salt), minutes: 15))
            summary.dropIns += 1
        case .followUpDue:
            _ = try round(pair, on: pastDay(1), slot: salt, followUp: false)
        case .followUpOverdue:
            _ = try round(pair, on: pastDay(6), slot: salt, followUp: false)
        case .practising:
            _ = try round(pair, on: pastDay(3), slot: salt, followUp: true)
            try adapt(pair, salt: salt, closing: nil)
        case .history:
            // One round about every two weeks back over the last term, each closing the adaptation before.
            var closing: String?
            for back in stride(from: min(60, past.count), to: 2, by: -10) {
                _ = try round(pair, on: pastDay(back), slot: salt + back, followUp: true)
                try adapt(pair, salt: salt + back, closing: closing)
                closing = ["embedded", "continuing", "embedded", "dropped"][back % 4]
            }
        }
    }

    private mutating func adapt(_ pair: Int64, salt: Int, closing: String?) throws {
        _ = try session.call(
            AdaptationsSet.self,
            AdaptationsSet.Params(
                pair: pair, text: Self.adaptations[salt % Self.adaptations.count], schoolDays: 5, closePrevious: closing
            ))
        summary.adaptations += 1
    }
}
