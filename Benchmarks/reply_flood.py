#!/usr/bin/env python3
"""Issue 10, item 3: clients that send large batches and never read their replies.

Opens CONNECTIONS connections to a running coachd, and on each keeps sending one line holding a
batch of BATCH requests (`daemon.ping` by default) whenever the socket takes more, never reading a
byte back, for SECONDS. Meanwhile one more client connects every 100 ms, sends one `daemon.ping`
and waits for the answer (the "everyone else is served" part). At the end it prints the daemon's
peak resident memory (VmHWM from /proc/PID/status), its RSS then, the MiB each flooding connection
got the daemon to take, and the served client's answers.

Usage: reply_flood.py --socket PATH --pid PID [--connections 64] [--batch 1000]
                      [--method daemon.ping] [--seconds 10] [--probe-every 0.1]

`--probe-every 0` sends no probes (a probe takes a connection slot while it runs). With
`--stop-file PATH` the flood also ends as soon as PATH exists (a test's signal).

The daemon must allow the connections (limits.maxConnectionsPerUid, when they all come from one
uid). Uses only the standard library.
"""

import argparse
import json
import os
import selectors
import socket
import time


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def batch_line(method, size):
    members = [{"jsonrpc": "2.0", "method": method, "id": i} for i in range(size)]
    return (json.dumps(members, separators=(",", ":")) + "\n").encode()


def served_call(path, timeout):
    """One ping on a fresh connection: the latency in ms, or the reason it failed."""
    start = time.monotonic()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            client.connect(path)
            client.sendall(b'{"jsonrpc":"2.0","method":"daemon.ping","id":1}\n')
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = client.recv(65536)
                if not chunk:
                    return None, "closed"
                reply += chunk
        answer = json.loads(reply)
        if answer.get("result") == "pong":
            return (time.monotonic() - start) * 1000, None
        return None, answer.get("error", {}).get("message", "error")
    except OSError as error:
        return None, str(error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--pid", required=True, type=int)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--method", default="daemon.ping")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--probe-every", type=float, default=0.1)
    parser.add_argument("--stop-file")
    options = parser.parse_args()

    line = batch_line(options.method, options.batch)
    rss_before = status_kib(options.pid, "VmRSS")
    selector = selectors.DefaultSelector()
    sent = {}
    closed = 0
    for _ in range(options.connections):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(options.socket)
        connection.setblocking(False)
        sent[connection] = 0
        selector.register(connection, selectors.EVENT_WRITE)

    latencies, failures = [], []
    started = time.monotonic()
    deadline = started + options.seconds
    next_probe = time.monotonic() + 0.5
    peak_rss = rss_before
    while time.monotonic() < deadline:
        if options.stop_file and os.path.exists(options.stop_file):
            break
        for key, _ in selector.select(timeout=0.05):
            connection = key.fileobj
            offset = sent[connection] % len(line)
            try:
                sent[connection] += connection.send(line[offset:])
            except BlockingIOError:
                pass
            except OSError:
                # The daemon closed it (the hard limit): the flood is over for this one.
                selector.unregister(connection)
                closed += 1
        now = time.monotonic()
        if options.probe_every > 0 and now >= next_probe:
            next_probe = now + options.probe_every
            latency, failure = served_call(options.socket, timeout=5)
            if failure is None:
                latencies.append(latency)
            else:
                failures.append(failure)
            peak_rss = max(peak_rss, status_kib(options.pid, "VmRSS"))

    elapsed = time.monotonic() - started
    taken = sorted(count / (1 << 20) for count in sent.values())
    latencies.sort()
    print(f"connections {options.connections}, batch {options.batch} x {options.method} "
          f"({len(line) / 1024:.0f} KiB a line), {elapsed:.0f} s, never reading")
    print(f"coachd VmHWM {status_kib(options.pid, 'VmHWM') / 1024:.0f} MiB; "
          f"RSS before {rss_before / 1024:.0f} MiB, peak seen {peak_rss / 1024:.0f} MiB, "
          f"at the end {status_kib(options.pid, 'VmRSS') / 1024:.0f} MiB")
    print(f"sent per flooding connection: median {taken[len(taken) // 2]:.1f} MiB, max {taken[-1]:.1f} MiB; "
          f"closed by the daemon: {closed}")
    if options.probe_every <= 0:
        print("served client: no probes")
    elif latencies:
        print(f"served client: {len(latencies)} pings answered, p50 {latencies[len(latencies) // 2]:.1f} ms, "
              f"max {latencies[-1]:.1f} ms; {len(failures)} failed {sorted(set(failures))[:3]}")
    else:
        print(f"served client: none answered; {len(failures)} failed {sorted(set(failures))[:3]}")
    for connection in sent:
        connection.close()


if __name__ == "__main__":
    main()
