// coachd on PostgreSQL: only when it is built with the PostgreSQL trait (the default).
#if PostgreSQL
    import CoachClient
    import CoachRPC
    import Foundation
    import PostgresTestSupport
    import Testing

    #if canImport(Glibc)
        import Glibc
    #endif

    extension EndToEnd {
        /// Issue 15's several instances: three real coachd processes on one PostgreSQL database, one
        /// scheduler among them, SIGKILLed while transitions are about to fall; another takes over within
        /// `scheduler.takeoverSeconds` and every transition is raised exactly once. A change through one
        /// instance is seen by the next `due.list` of another, and its live events reach the subscribers
        /// of every instance.
        @Suite("End to end: several coachd instances on one PostgreSQL database", .serialized)
        struct SeveralInstancesEndToEndTests {
            static let takeoverSeconds = 2

            /// A zone where it is a weekday now, with at least 40 minutes of it left (the school's day
            /// runs 00:00–23:59 there, so a drop-in booked a minute or two ahead is within its hours).
            static func weekdayZone(now: Date = Date()) -> TimeZone? {
                let preferred = [
                    "UTC", "Europe/London", "Pacific/Kiritimati", "Pacific/Auckland", "Asia/Tokyo",
                    "Asia/Kolkata", "America/New_York", "America/Los_Angeles", "Pacific/Pago_Pago", "Etc/GMT+12",
                ]
                for identifier in preferred + TimeZone.knownTimeZoneIdentifiers {
                    guard let zone = TimeZone(identifier: identifier) else { continue }
                    var calendar = Calendar(identifier: .gregorian)
                    calendar.timeZone = zone
                    let parts = calendar.dateComponents([.weekday, .hour, .minute], from: now)
                    guard let weekday = parts.weekday, (2...6).contains(weekday), let hour = parts.hour,
                        let minute = parts.minute
                    else { continue }
                    if hour * 60 + minute <= 23 * 60 { return zone }
                }
                return nil
            }

            static func local(_ instant: Date, in zone: TimeZone) -> String {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = zone
                formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
                return formatter.string(from: instant)
            }

            static func isScheduler(_ daemon: RunningDaemon) -> Bool? {
                guard let process = daemon.process, process.isRunning,
                    let client = try? CoachClient(socketPath: daemon.socket, timeout: .seconds(5)),
                    let status = try? client.call(DaemonStatus.self, NoParams())
                else { return nil }
                return status.scheduler
            }

            /// Waits up to `seconds` for `condition`.
            static func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    if condition() { return true }
                    usleep(50_000)
                }
                return condition()
            }

            @Test func threeInstances_theSchedulerKilled_anotherTakesOver_andEveryTransitionIsRaisedOnce() throws {
                let server = try PostgresTestServer.shared.get()
                let database = try server.newDatabaseName()
                let configuration = """
                    store:
                      backend: postgresql
                      postgresql:
                        url: "\(server.url(database: database))"
                    scheduler:
                      takeoverSeconds: \(Self.takeoverSeconds)

                    """
                let daemons = try (0..<3).map { _ in try RunningDaemon(configuration: configuration) }

                // Exactly one is the scheduler.
                var roles: [Bool?] = []
                #expect(
                    Self.wait(10) {
                        roles = daemons.map(Self.isScheduler)
                        return roles.filter { $0 == true }.count == 1 && roles.filter { $0 == false }.count == 2
                    }, "daemon.status scheduler of the three: \(roles)")
                let holder = try #require(roles.firstIndex { $0 == true })
                let status = try daemons[holder].ctl(["daemon", "status"])
                #expect(
                    status.stdout.contains("Scheduler:") && status.stdout.contains("this instance"), "\(status.stdout)")
                let a = daemons[(holder + 1) % 3]  // changes go through this one
                let c = daemons[(holder + 2) % 3]  // this one is watched and read
                // A subscriber of C, before anything happens: it must see what A and the scheduler cause.
                let watcher = try Watcher(c, uid: nil)
                defer { _ = watcher.interrupt() }
                usleep(500_000)

                let zone = try #require(
                    Self.weekdayZone(), "no time zone is on a weekday now (Saturday 12:00 to Sunday 10:00 UTC)")
                let client = try a.client()
                let school = try client.call(
                    SchoolsAdd.self,
                    .init(name: "Hill Primary", timeZone: zone.identifier, dayStart: "00:00", dayEnd: "23:59")
                ).id
                var pairs: [Int64] = []
                for index in 0..<4 {
                    let teacher = try client.call(
                        PeopleAdd.self,
                        .init(name: "Teacher \(index)", school: school, roles: ["teacher"], uid: Int64(62_100 + index))
                    ).id
                    let coach = try client.call(
                        PeopleAdd.self,
                        .init(name: "Coach \(index)", school: school, roles: ["coach"], uid: Int64(62_200 + index))
                    )
                    .id
                    pairs.append(try client.call(PairsCreate.self, .init(teacher: teacher, coach: coach)).id)
                }
                // Each new pair's first drop-in is due today, from 00:00: raised at once by the scheduler
                // (on another instance: it heard of the change through NOTIFY), told to C's subscriber.
                #expect(
                    Self.wait(15) { watcher.events.filter { $0.kind == "due" }.count >= 4 },
                    "first drop-ins due: \(watcher.text)")

                // C answers due.list (and keeps the answer); a booking through A is in C's next answer.
                let cClient = try c.client()
                let before = try cClient.call(DueListMethod.self, .init(school: school))
                #expect(before.items.count == 4)
                #expect(before.items.allSatisfy { $0.dropin == nil })
                // So does the lead's view (its whole-school answers are kept too).
                let coverageBefore = try cClient.call(CoverageListMethod.self, .init(school: school))
                #expect(coverageBefore.items.count == 4 && coverageBefore.items.allSatisfy { $0.next?.dropin == nil })
                // Booked a minute boundary at least 20 s ahead: they fall due after the scheduler is killed.
                let now = Date().timeIntervalSince1970
                let boundary = Date(timeIntervalSince1970: ((now + 20) / 60).rounded(.up) * 60)
                var booked: [Int64] = []
                for pair in pairs {
                    _ = try client.call(CyclesStart.self, .init(pair: pair, focus: "wait time"))
                    booked.append(
                        try client.call(
                            DropInsSchedule.self, .init(pair: pair, start: Self.local(boundary, in: zone), minutes: 10)
                        ).id)
                }
                let after = try cClient.call(DueListMethod.self, .init(school: school))
                #expect(Set(after.items.compactMap(\.dropin)) == Set(booked))
                let coverageAfter = try cClient.call(CoverageListMethod.self, .init(school: school))
                #expect(
                    Set(coverageAfter.items.compactMap { $0.next?.dropin }) == Set(booked),
                    "C's coverage after A's bookings")

                // The scheduler's instance is killed before they fall; another takes over in time.
                daemons[holder].stop(signal: SIGKILL)
                let killedAt = Date()
                var newRoles: [Bool?] = []
                #expect(
                    Self.wait(Double(Self.takeoverSeconds) + 8) {
                        newRoles = [a, c].map(Self.isScheduler)
                        return newRoles.filter { $0 == true }.count == 1
                    }, "after the kill: \(newRoles)")
                let tookOver = Date().timeIntervalSince(killedAt)
                #expect(tookOver < Double(Self.takeoverSeconds) + 5, "took \(tookOver) s")
                #expect(Date() < boundary, "the takeover ended after the transitions fell: the test proves less")

                // The booked drop-ins fall due: each raised once, by the new scheduler, seen on C once.
                #expect(
                    Self.wait(boundary.timeIntervalSinceNow + 20) {
                        Set(watcher.events.filter { $0.kind == "due" }.compactMap(\.dropin)).isSuperset(of: booked)
                    }, "booked drop-ins due: \(watcher.text)")
                usleep(UInt32(Self.takeoverSeconds) * 1_000_000 + 500_000)
                let dues = watcher.events.filter { $0.kind == "due" }
                #expect(dues.count == 8, "\(watcher.text)")
                for dropIn in booked { #expect(dues.filter { $0.dropin == dropIn }.count == 1) }
                let seqs = watcher.events.map(\.seq)
                #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "in seq order, once each: \(seqs)")
                // The table agrees: one live event and one raised key per transition.
                let rows = try server.psql(
                    database, "SELECT count(*), count(DISTINCT (pair, dropin)) FROM live_event WHERE kind = 'due'")
                #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "8|8")
                let keys = try server.psql(database, "SELECT count(*) FROM raised_transition WHERE key LIKE '%/due'")
                #expect(keys.trimmingCharacters(in: .whitespacesAndNewlines) == "8")
            }
        }
    }
#endif
