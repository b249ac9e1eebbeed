import CoachctlCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `coachctl` as people run it: a small program without Foundation that answers a plain
// `coachctl due` itself (benchmark B7, Docs/Performance.md "fourth pass") and hands every other
// command line, unchanged, to coachctl-full by execv. It also hands over any `due` it cannot answer
// exactly as coachctl-full would: `--json`, `--today`/`--week` (they need the school's zone), an
// error or unusual reply, a `\u` escape in a text, a time outside the integer arithmetic, a socket it cannot
// reach or a daemon that does not answer in time. `due.list` is a read, so asking again is harmless.
// The table, the times, the escaping and argv are CoachctlCore's, the code coachctl-full prints
// `due` with. Docs/Decisions.md, issue 16 (fourth pass).

/// coachctl-full: next to this binary (a build directory), else `../libexec/coachd/` from it
/// (`/usr/bin` → `/usr/libexec/coachd`, and the same under any PREFIX). Found from
/// `/proc/self/exe`, never from PATH or the environment: whoever runs `coachctl` runs the
/// coachctl-full installed with it.
func runFull() -> Never {
    var candidates: [String] = []
    if let resolved = realpath("/proc/self/exe", nil) {
        let exe = String(cString: resolved)
        free(resolved)
        if let slash = exe.lastIndex(of: "/") {
            let directory = String(exe[..<slash])
            candidates = [directory + "/coachctl-full", directory + "/../libexec/coachd/coachctl-full"]
        }
    }
    for path in candidates where access(path, X_OK) == 0 {
        execv(path, CommandLine.unsafeArgv)
        let message = "coachctl: cannot run \(path): \(String(cString: strerror(errno)))\n"
        writeAll(STDERR_FILENO, message)
        exit(70)
    }
    writeAll(
        STDERR_FILENO,
        "coachctl: coachctl-full is not installed beside coachctl (looked for \(candidates.joined(separator: ", ")))\n"
            + "reinstall coachd (`make install` or the package)\n")
    exit(70)
}

/// Writes all of `text`, through EINTR; a failure ends the run as `print` would leave it.
func writeAll(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// The socket, resolved as coachctl-full resolves it (`SocketPath.resolve` in CoachRPC): the
/// flag, else `COACHD_SOCKET`, else the system socket when it exists, else the local one.
func socketPath(flag: String?) -> String {
    if let flag, !flag.isEmpty { return flag }
    if let value = getenv("COACHD_SOCKET"), value.pointee != 0 { return String(cString: value) }
    let system = "/run/coachd/coachd.sock"
    return access(system, F_OK) == 0 ? system : ".coachd/coachd.sock"
}

/// The reply line to one `due.list` request, without its newline; nil for anything but a prompt,
/// complete answer (coachctl-full then asks again and reports what went wrong, as always).
func exchange(path: String, request: String, timeout: Double) -> [UInt8]? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard path.utf8.count < capacity else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
    }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    guard connected == 0 else { return nil }
    var sent = true
    var text = request
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if written < 0 && errno == EINTR { continue }
            if written <= 0 {
                sent = false
                return
            }
            offset += written
        }
    }
    guard sent else { return nil }
    // The whole exchange within `timeout`, as coachctl-full's deadline (10⁹ s at most).
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    let limit = Int64(min(timeout, 1e9) * 1000)
    var line: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsed = Int64(now.tv_sec - start.tv_sec) * 1000 + Int64(now.tv_nsec - start.tv_nsec) / 1_000_000
        let left = limit - elapsed
        guard left > 0 else { return nil }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(min(left, Int64(Int32.max))))
        if ready < 0 && errno == EINTR { continue }
        guard ready > 0 else { return nil }
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return nil }
        if let newline = chunk[0..<count].firstIndex(of: 0x0A) {
            line.append(contentsOf: chunk[0..<newline])
            return line
        }
        line.append(contentsOf: chunk[0..<count])
        guard line.count <= 64 << 20 else { return nil }
    }
}

/// The front's run, in a function: top-level code is main-actor code, and each closure reading a
/// top-level variable checked the executor at run time (7 % of the front's samples in `perf`).
func front() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard getenv("COACHCTL_NO_FAST_PATH") == nil, let options = DueArguments.parse(arguments), !options.json,
        !options.today, !options.week,
        let request = DueReply.request(
            school: options.school, overdueOnly: options.overdue ? true : nil, from: nil, to: nil, id: 1),
        let line = exchange(path: socketPath(flag: options.socket), request: request, timeout: options.timeout),
        let items = line.withUnsafeBytes({ DueReply.items(line: $0, id: 1) })
    else { runFull() }

    let seconds = Int(time(nil))
    guard
        items.allSatisfy({
            DueTime.show($0.dueAt, secondsSince1970: seconds) != nil
                && DueTime.show($0.overdueAt, secondsSince1970: seconds) != nil
        })
    else { runFull() }

    if getenv("COACHCTL_FAST_PATH_TRACE") != nil { writeAll(STDERR_FILENO, "coachctl: fast path\n") }
    if getenv("COACHCTL_FRONT_TRACE") != nil { writeAll(STDERR_FILENO, "coachctl: front\n") }
    Table.style = Table.Style(width: options.wide ? nil : 80, headers: !options.noHeaders)
    let human = DueTable.render(items, overdueOnly: options.overdue) {
        DueTime.show($0, secondsSince1970: seconds) ?? $0
    }
    writeAll(STDOUT_FILENO, DueTable.output(human))
}

front()
