import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// What the `coachd` executable does first in `main`, before any Swift concurrency runs, so an idle
/// daemon makes no wake-ups (issue 9, B8 in Docs/Performance.md): Swift concurrency runs on NIO's
/// event loops, not on libdispatch's worker pool, and the signals are waited for by the main thread
/// in `sigwait`, not by Dispatch signal sources. The first Dispatch worker thread a process starts
/// (to run a job of the global executor, a Dispatch source's handler, a `Task.sleep` timer) starts
/// libdispatch's pool monitor, a 1 s timer that then wakes the process every second while it lives.
///
/// Only the executable does this (`main.swift`): the takeover is process-wide, may happen once, and
/// only before any task has run, which a test process cannot promise; `Daemon.run` in tests keeps
/// Dispatch and swift-service-lifecycle's signal sources (`DaemonSignals.dispatch`).
public enum DaemonProcess {
    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling (main) thread, before any other thread
    /// exists, so every thread started later inherits the mask and only `SignalRelay.waitForever`
    /// receives them; then installs NIO's singleton event-loop group as Swift concurrency's global
    /// executor. Returns whether the executor was installed (false: Dispatch's pool runs tasks).
    @discardableResult
    public static func prepareMainThread() -> Bool {
        SignalRelay.blockInThisThread()
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}

/// How `Daemon.run` hears SIGTERM, SIGINT (graceful shutdown) and SIGHUP (reload).
public enum DaemonSignals: Sendable {
    /// swift-service-lifecycle's `UnixSignalsSequence` (Dispatch signal sources): works in any
    /// process, the tests' included.
    case dispatch
    /// `SignalRelay.shared`, fed by the main thread's `sigwait` (`coachd` after `DaemonProcess.prepareMainThread()`).
    case relay
}

/// Hands the signals the main thread waits for to the daemon that listens.
public final class SignalRelay: Sendable {
    public static let shared = SignalRelay()
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    private let listener = NIOLockedValueBox<AsyncStream<Int32>.Continuation?>(nil)

    static func blockInThisThread() {
        var set = Self.signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        return set
    }

    /// Waits in `sigwait` for ever (a blocked thread makes no wake-ups) and hands each signal to
    /// the listening daemon; with none listening (start-up, `--print-openrpc`, a restore), ends the
    /// process as the default action of the signal would.
    public func waitForever() -> Never {
        var set = Self.signalSet()
        while true {
            var signal: Int32 = 0
            guard sigwait(&set, &signal) == 0 else { continue }
            let delivered = listener.withLockedValue { listener -> Bool in
                guard let listener else { return false }
                listener.yield(signal)
                return true
            }
            if !delivered {
                // As the default action would: no handler, end now (the shell sees 128+N).
                var one = sigset_t()
                sigemptyset(&one)
                sigaddset(&one, signal)
                Glibc.signal(signal, SIG_DFL)
                pthread_sigmask(SIG_UNBLOCK, &one, nil)
                raise(signal)
                _exit(128 + signal)
            }
        }
    }

    /// The signals from now on, until `stopListening`.
    func listen() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        listener.withLockedValue { $0 = continuation }
        return stream
    }

    func stopListening() {
        let old = listener.withLockedValue { listener in
            defer { listener = nil }
            return listener
        }
        old?.finish()
    }
}

/// Sleeps on an event loop's timer. Not `Task.sleep`, whose timer is libdispatch's: the first one
/// starts a Dispatch worker thread, and with it Dispatch's 1 s pool monitor (issue 9).
func sleepOnEventLoop(_ duration: Duration, _ loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next())
    async throws
{
    let (seconds, attoseconds) = duration.components
    let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let total =
        nanoseconds.overflow
        ? Int64.max : nanoseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    let scheduled = loop.scheduleTask(in: .nanoseconds(max(0, total))) {}
    try await withTaskCancellationHandler {
        try await scheduled.futureResult.get()
    } onCancel: {
        scheduled.cancel()
    }
}
