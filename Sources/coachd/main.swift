import CoachDaemon
import Foundation

// Issue 9, "idle means idle": before any Swift concurrency runs, block the daemon's signals (the
// main thread waits for them in sigwait below) and make NIO's event loops Swift concurrency's
// global executor, so no libdispatch worker thread, and with it no 1 s pool monitor, ever starts.
// Only here, in the executable: tests build the daemon in-process and keep Dispatch
// (Docs/Decisions.md, issue 9). `Coachd` is the argument parser's command; its `run` is the daemon.
DaemonProcess.prepareMainThread()
// Detached: top-level code is on the main actor, whose executor (Dispatch's main queue) never
// runs here; the main thread stays in sigwait.
Task.detached {
    await Coachd.main()
    exit(0)
}
SignalRelay.shared.waitForever()
