#!/usr/bin/env python3
"""Issue 12, performance (B14, B15 by hand): reports.summary and coverage.list for every school.

Usage: lead_view.py SOCKET SCHOOLS FROM TO [ROUNDS [METHODS]]
Times one reports.summary (FROM..TO) and one coverage.list per school, schools 1..SCHOOLS in turn,
on one connection as the calling user (an admin); prints the median total and the per-school p50,
then one `METHOD total_ms=… p50_ms=… p99_ms=… max_ms=…` line each for coachbench (B14, B15).
A call is timed from sending the request to receiving the whole reply line; the reply is parsed and
checked (a result, not an error) after the clock stops, so Python's own JSON parsing of a 40 KB reply
(about 0.5 ms) is not counted as the daemon's time.
METHODS: `reports.summary`, `coverage.list`, `reports.summary.all`, comma-separated (default the first two).
`reports.summary.all` is one `reports.summary` with `allSchools` per round (every school in one report,
B14): its `total_ms` is the median call, not a sum.
Standard library only.
"""
import socket, json, time, sys, statistics
sock_path = sys.argv[1]; schools = int(sys.argv[2]); frm, to = sys.argv[3], sys.argv[4]; rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
methods = sys.argv[6].split(",") if len(sys.argv) > 6 else ["reports.summary", "coverage.list"]
s = socket.socket(socket.AF_UNIX); s.connect(sock_path); f = s.makefile('rwb')
def send(method, params):
    f.write((json.dumps({"jsonrpc":"2.0","method":method,"params":params,"id":1})+"\n").encode()); f.flush()
    return f.readline()
def check(line):
    r = json.loads(line)
    if "error" in r or "result" not in r: raise SystemExit(str(r.get("error", r)))
    return r["result"]
for name, method, mk in [("reports.summary", "reports.summary", lambda i: {"school": i, "from": frm, "to": to}),
                         ("coverage.list", "coverage.list", lambda i: {"school": i})]:
    if name not in methods: continue
    totals = []; per = []
    for r in range(rounds):
        round_ms = 0.0
        for i in range(1, schools + 1):
            a = time.perf_counter(); line = send(method, mk(i)); ms = (time.perf_counter() - a) * 1000
            check(line); per.append(ms); round_ms += ms
        totals.append(round_ms)
    print(f"{name}: all {schools} schools median {statistics.median(totals):.1f} ms; per school p50 {statistics.median(per):.2f} ms, max {max(per):.2f} ms")
    per.sort(); p99 = per[min(len(per) - 1, int(0.99 * len(per)))]
    print(f"{name} total_ms={statistics.median(totals):.3f} p50_ms={statistics.median(per):.3f} p99_ms={p99:.3f} max_ms={per[-1]:.3f}")
if "reports.summary.all" in methods:
    calls = []
    for r in range(rounds):
        a = time.perf_counter(); line = send("reports.summary", {"from": frm, "to": to, "allSchools": True}); ms = (time.perf_counter() - a) * 1000
        result = check(line); calls.append(ms)
        if len(result.get("bySchool", [])) < schools: raise SystemExit(f"allSchools: {len(result.get('bySchool', []))} schools, expected {schools}")
    calls.sort(); p99 = calls[min(len(calls) - 1, int(0.99 * len(calls)))]
    print(f"reports.summary.all: every school ({schools}) in one call, {rounds} call(s): median {statistics.median(calls):.1f} ms, fastest {calls[0]:.1f} ms")
    print(f"reports.summary.all total_ms={statistics.median(calls):.3f} p50_ms={statistics.median(calls):.3f} p99_ms={p99:.3f} max_ms={calls[-1]:.3f}")
