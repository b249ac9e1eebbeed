import CSystemd
public import Foundation

/// Talks to the service manager (sd_notify). Off systemd — no `NOTIFY_SOCKET` — every call is a
/// quiet no-op, so the daemon runs the same by hand and under systemd.
public struct ServiceNotifier: Sendable {
    /// Whether a service manager listens.
    public let isActive: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        isActive = environment["NOTIFY_SOCKET"] != nil
    }

    /// Sends raw `KEY=value` lines; returns whether they were delivered.
    @discardableResult
    public func send(_ state: String) -> Bool {
        guard isActive else { return false }
        return sd_notify(0, state) > 0
    }

    /// `READY=1` (with a status line).
    public func ready(status: String? = nil) {
        send(["READY=1", status.map { "STATUS=\($0)" }].compactMap { $0 }.joined(separator: "\n"))
    }

    /// `STATUS=…`, as `systemctl status` shows it.
    public func status(_ text: String) { send("STATUS=\(text)") }

    /// `RELOADING=1` with the monotonic time systemd 253+ wants; 252 takes it too.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let micros = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(micros)")
    }

    /// `STOPPING=1`.
    public func stopping() { send("STOPPING=1") }

    /// `WATCHDOG=1`: proof of life.
    public func watchdog() { send("WATCHDOG=1") }

    /// The watchdog interval systemd expects pings within, when `WatchdogSec=` is set for us.
    public var watchdogInterval: Duration? {
        var micros: UInt64 = 0
        guard isActive, sd_watchdog_enabled(0, &micros) > 0, micros > 0 else { return nil }
        return .microseconds(Int64(micros))
    }
}

/// Sockets passed by systemd (socket activation).
public enum SocketActivation {
    /// The listening Unix stream sockets systemd passed, in order; empty when not socket-activated.
    public static func listeningSockets() -> [Int32] {
        let count = sd_listen_fds(1)
        guard count > 0 else { return [] }
        return (0..<count).map { SD_LISTEN_FDS_START + $0 }.filter { fd in
            sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), 1, nil, 0) > 0
        }
    }
}
