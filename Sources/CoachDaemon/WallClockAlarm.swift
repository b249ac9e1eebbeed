import CLinux
import Dispatch
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
/// `TFD_TIMER_CANCEL_ON_SET`, so a sleep neither polls nor oversleeps a clock that jumps. While it
/// waits, the process makes no wake-ups at all.
struct TimerFDAlarm: WallClockAlarm {
    /// With no deadline the timer is armed this far ahead: it still reports clock changes.
    static let farFuture: TimeInterval = 10 * 365 * 86_400

    func sleep(until deadline: Date?) async -> AlarmWake {
        let at = deadline?.timeIntervalSince1970 ?? Date().timeIntervalSince1970 + Self.farFuture
        let fd = timerfd_create(CLOCK_REALTIME, Int32(TFD_NONBLOCK) | Int32(TFD_CLOEXEC))
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
            waiter.finish(.cancelled)
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

/// One armed timerfd and the one continuation waiting on it; whichever of expiry, clock change
/// and cancellation comes first resumes it, once, and the descriptor is closed.
private final class TimerFDWaiter: Sendable {
    /// Only read or changed under the lock (the Dispatch source is not `Sendable` on Linux).
    private enum State: @unchecked Sendable {
        case armed
        case waiting(CheckedContinuation<AlarmWake, Never>, any DispatchSourceRead)
        case finished(AlarmWake)
    }

    private let fd: Int32
    private let state = NIOLockedValueBox<State>(.armed)

    init(fd: Int32) { self.fd = fd }

    func start(_ continuation: CheckedContinuation<AlarmWake, Never>) {
        let fd = self.fd
        let early: AlarmWake? = state.withLockedValue { state in
            if case .finished(let wake) = state { return wake }
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
            source.setEventHandler { [weak self] in self?.readable() }
            source.setCancelHandler { close(fd) }
            state = .waiting(continuation, source)
            source.activate()
            return nil
        }
        if let early {
            // Cancelled before it started waiting: no source was made.
            close(fd)
            continuation.resume(returning: early)
        }
    }

    func finish(_ wake: AlarmWake) {
        let waiting: (CheckedContinuation<AlarmWake, Never>, any DispatchSourceRead)? = state.withLockedValue { state in
            switch state {
            case .armed:
                state = .finished(wake)
                return nil
            case .waiting(let continuation, let source):
                state = .finished(wake)
                return (continuation, source)
            case .finished:
                return nil
            }
        }
        guard let (continuation, source) = waiting else { return }
        source.cancel()
        continuation.resume(returning: wake)
    }

    private func readable() {
        var expirations: UInt64 = 0
        let count = read(fd, &expirations, MemoryLayout<UInt64>.size)
        if count == MemoryLayout<UInt64>.size {
            finish(.reached)
        } else if count < 0, errno == ECANCELED {
            finish(.clockChanged)
        }
        // EAGAIN: a spurious wake-up; keep waiting.
    }
}
