import CLinux
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Why a sleep on the wall clock ended. The sleeper re-reads the clock in every case.
enum AlarmWake: Sendable, Hashable {
    /// The deadline has come.
    case reached
    /// The wall clock was set (NTP step, `date -s`, suspend): deadlines must be re-checked.
    case clockChanged
    /// The sleeping task was cancelled (a change re-arms the timer, or shutdown).
    case cancelled
}

/// Sleeps until an instant on the wall clock, the time due items are kept in.
protocol WallClockAlarm: Sendable {
    /// Returns when `deadline` is reached (never, when nil), when the clock is set, or on cancellation.
    func sleep(until deadline: Date?) async -> AlarmWake
}

/// The wall-clock alarm of Linux: a timerfd armed at an absolute `CLOCK_REALTIME` deadline with
/// `TFD_TIMER_CANCEL_ON_SET`, so a sleep neither polls nor oversleeps a clock that jumps. A thread
/// of its own blocks in `read` on it (not a Dispatch source: the first Dispatch worker thread
/// starts libdispatch's 1 s pool monitor, issue 9), so while it waits the process makes no
/// wake-ups at all.
struct TimerFDAlarm: WallClockAlarm {
    /// With no deadline the timer is armed this far ahead: it still reports clock changes.
    static let farFuture: TimeInterval = 10 * 365 * 86_400

    func sleep(until deadline: Date?) async -> AlarmWake {
        let at = deadline?.timeIntervalSince1970 ?? Date().timeIntervalSince1970 + Self.farFuture
        // Blocking: the waiting thread sleeps in read(2) until expiry, a clock change, or cancellation.
        let fd = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC))
        guard fd >= 0 else { return await Self.fallback(until: at) }
        let seconds = max(0, at.rounded(.down))
        let nanoseconds = Int(((at - seconds) * 1e9).rounded(.down))
        guard coachd_timerfd_arm_realtime(fd, Int64(seconds), nanoseconds) == 0 else {
            let code = errno
            close(fd)
            // ECANCELED: the clock was set between creating and arming.
            return code == ECANCELED ? .clockChanged : await Self.fallback(until: at)
        }
        let waiter = TimerFDWaiter(fd: fd)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in waiter.start(continuation) }
        } onCancel: {
            waiter.cancel()
        }
    }

    /// Without a timerfd (descriptors exhausted): sleep at most a minute on the monotonic clock, so
    /// a clock change is noticed within that minute.
    private static func fallback(until at: TimeInterval) async -> AlarmWake {
        let seconds = min(60, max(0, at - Date().timeIntervalSince1970))
        do {
            try await Task.sleep(for: .seconds(seconds))
            return .reached
        } catch {
            return .cancelled
        }
    }
}

/// One armed timerfd and the thread blocked reading it. The thread alone resumes the continuation,
/// once, and closes the descriptor; cancellation re-arms the timer in the past, so the read returns
/// at once and reports `.cancelled`.
private final class TimerFDWaiter: Sendable {
    private struct State {
        var cancelled = false
        var closed = false
    }

    private let fd: Int32
    private let state = NIOLockedValueBox(State())

    init(fd: Int32) { self.fd = fd }

    func start(_ continuation: CheckedContinuation<AlarmWake, Never>) {
        Thread.detachNewThread { [self] in
            // Named from inside: Foundation sets the kernel's thread name only for the current thread.
            Thread.current.name = "coachd-alarm"
            continuation.resume(returning: wait())
        }
    }

    /// Ends the sleep soon: the timer expires at once and the thread sees the flag.
    func cancel() {
        state.withLockedValue { state in
            guard !state.closed else { return }
            state.cancelled = true
            _ = coachd_timerfd_arm_realtime(fd, 0, 1)
        }
    }

    private func wait() -> AlarmWake {
        var wake: AlarmWake
        while true {
            var expirations: UInt64 = 0
            let count = read(fd, &expirations, MemoryLayout<UInt64>.size)
            if count < 0, errno == EINTR { continue }
            // ECANCELED: the clock was set. Any other failure is reported the same way, so the
            // timer re-reads the clock and arms a new alarm rather than spinning on this one.
            wake = count == MemoryLayout<UInt64>.size ? .reached : .clockChanged
            break
        }
        return state.withLockedValue { state in
            state.closed = true
            close(fd)
            return state.cancelled ? .cancelled : wake
        }
    }
}
