import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// Idle means idle (issue 9, B8): `coachd` runs Swift concurrency on NIO's event loops, its
    /// store work on its own threads and waits for signals in `sigwait`, so no libdispatch worker
    /// thread starts, and with it no 1 s pool monitor (the 20 wake-ups in 20 s B8 measured before).
    /// The thread names are the check: a Dispatch worker would show up as `…-qos…`. How many times
    /// the threads wake is `make bench`'s B8 (Docs/Performance.md), not a test: the host's clock
    /// steps wake the due alarm by design.
    @Suite("End to end: idle means idle")
    struct IdleEndToEndTests {
        /// The names of the process's threads (`/proc/PID/task/*/comm`).
        static func threadNames(_ pid: Int32) -> [String] {
            let tasks = "/proc/\(pid)/task"
            return ((try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []).compactMap { tid in
                (try? String(contentsOfFile: "\(tasks)/\(tid)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }

        /// The main thread, NIO's loops (the singleton's run the tasks, `NIO-ELT-…` serve the socket),
        /// the store's and the alarm's threads (which may carry the name of the thread that started
        /// them: Foundation names a thread from inside it, and not always before it is looked at).
        static func isCoachdsOwn(_ name: String) -> Bool {
            name == "coachd" || name.hasPrefix("NIO-SGLTN-") || name.hasPrefix("NIO-ELT-")
                || name.hasPrefix("coachd-store-")
                || name == "coachd-alarm"
        }

        @Test func afterWritesReadsAndAReload_noDispatchThreadRuns_andSigtermStillStopsIt() throws {
            let daemon = try RunningDaemon()
            // Writes (the group committer), reads (the reader pool), a due item (the alarm re-armed).
            _ = try School(daemon)
            let due = try daemon.ctl(["due"])
            #expect(due.status == 0, "\(due.stderr)")
            let pid = try #require(daemon.process).processIdentifier
            // SIGHUP reaches the daemon through the main thread's sigwait and reloads.
            kill(pid, SIGHUP)
            let deadline = Date().addingTimeInterval(15)
            while !daemon.log.contains("configuration reloaded"), Date() < deadline { usleep(50_000) }
            #expect(
                daemon.log.contains("configuration reloaded"), "no reload after SIGHUP:\n\(daemon.log.suffix(2000))")
            let status = try daemon.ctl(["daemon", "status"])
            #expect(status.status == 0, "\(status.stderr)")

            let names = Self.threadNames(pid)
            #expect(names.contains("coachd"))
            let foreign = names.filter { !Self.isCoachdsOwn($0) }
            #expect(foreign.isEmpty, "threads that are not coachd's own (a Dispatch worker?): \(foreign) of \(names)")

            // SIGTERM, also through sigwait: a graceful stop, exit status 0.
            daemon.stop(signal: SIGTERM)
            #expect(daemon.process?.terminationStatus == 0)
            #expect(daemon.log.contains("coachd stopped"))
        }
    }
}
