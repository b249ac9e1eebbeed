#!/usr/bin/env python3
"""Issue 12, performance: the same questions to two daemons on copies of one database, replies compared byte for byte.

Usage: compare_answers.py SOCKET_A SOCKET_B SCHOOLS [SCHOOLS...]
For each school: reports.summary over three ranges (a year, a term-sized range, one week), coverage.list
with and without asOf, schools.status; then a coach's and a pair's report for the school's first pair.
Each question is asked twice of each daemon (the second may be a kept answer). Prints one line per
difference and `compared N replies, D differ`; exits 1 when any differ. Standard library only.
"""
import socket, json, sys
def connect(path):
    s = socket.socket(socket.AF_UNIX); s.connect(path); return s.makefile('rwb')
a, b = connect(sys.argv[1]), connect(sys.argv[2])
def raw(f, method, params):
    f.write((json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}) + "\n").encode()); f.flush()
    return f.readline()
questions = []
for school in map(int, sys.argv[3:]):
    for frm, to in [("2025-12-01", "2026-11-29"), ("2026-09-01", "2026-11-27"), ("2026-11-16", "2026-11-20")]:
        questions.append(("reports.summary", {"school": school, "from": frm, "to": to}))
    questions += [("coverage.list", {"school": school}), ("coverage.list", {"school": school, "asOf": "2026-10-15"}),
                  ("schools.status", {"school": school})]
    first = json.loads(raw(a, "reports.summary", {"school": school, "from": "2025-12-01", "to": "2026-11-29"}))["result"]["byPair"]
    if first:
        questions.append(("reports.summary", {"from": "2025-12-01", "to": "2026-11-29", "coach": first[0]["coach"]}))
        questions.append(("reports.summary", {"from": "2025-12-01", "to": "2026-11-29", "pair": first[0]["pair"]}))
compared = differ = 0
for method, params in questions:
    for _ in range(2):
        x, y = raw(a, method, params), raw(b, method, params)
        compared += 1
        if x != y:
            differ += 1
            print(f"DIFFER {method} {params}: {len(x)} vs {len(y)} bytes")
        elif b'"error"' in x[:40]:
            print(f"both errors {method} {params}: {x[:200]!r}")
print(f"compared {compared} replies, {differ} differ")
sys.exit(1 if differ else 0)
