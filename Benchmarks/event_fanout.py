#!/usr/bin/env python3
"""Issue 12, performance (B16 by hand): one event delivered to N subscribers.

Usage: event_fanout.py SOCKET N ROUNDS SCHOOL
Opens N connections that each call events.subscribe, then ROUNDS times adds a closure to SCHOOL
(one calendar.changed event each) and times from sending that request until the last of the N
subscribers has read the event (an upper bound on commit to last socket: it includes the commit
and this client reading N sockets). The daemon must allow N+1 connections from one uid
(limits.maxConnections, limits.maxConnectionsPerUid). Standard library only.
"""
# One event to N subscribers: from sending the change to the last subscriber reading the event.
import socket, json, time, sys, selectors, resource, statistics
path, n, rounds, school = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
subs = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    s.sendall(b'{"jsonrpc":"2.0","method":"events.subscribe","id":1}\n')
    subs.append(s)
for s in subs:
    buf = b""
    while b"\n" not in buf: buf += s.recv(65536)
    assert b'"result"' in buf, buf
    s.setblocking(False)
ctl = socket.socket(socket.AF_UNIX); ctl.connect(path); cf = ctl.makefile("rwb")
sel = selectors.DefaultSelector()
for s in subs: sel.register(s, selectors.EVENT_READ)
lat, first, spread = [], [], []
import datetime
day0 = datetime.date(2032, 1, 5)
for r in range(rounds):
    d = (day0 + datetime.timedelta(days=r)).isoformat()
    t0 = time.perf_counter()
    cf.write((json.dumps({"jsonrpc":"2.0","method":"calendar.addClosure","params":{"school":school,"from":d,"to":d,"reason":"bench"},"id":1})+"\n").encode()); cf.flush()
    pending = set(subs)
    t1 = None
    while pending:
        if time.perf_counter() - t0 > 30: raise SystemExit(f"{len(pending)} subscribers got no event within 30 s")
        for key, _ in sel.select(timeout=5):
            data = key.fileobj.recv(65536)
            if b"events.event" in data:
                pending.discard(key.fileobj)
                if t1 is None: t1 = time.perf_counter()
    t2 = time.perf_counter()
    lat.append((t2 - t0) * 1000); first.append((t1 - t0) * 1000); spread.append((t2 - t1) * 1000)
    cf.readline()
for series in (lat, first, spread): series.sort()
def p(q, series=lat): return series[min(len(series) - 1, int(q * len(series)))]
print(f"one event to {n} subscribers, {rounds} rounds: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {lat[-1]:.1f} ms (request sent -> last subscriber read it)")
print(f"first subscriber read it: p50 {p(0.5, first):.1f} ms, p99 {p(0.99, first):.1f} ms; first to last read: p50 {p(0.5, spread):.1f} ms, p99 {p(0.99, spread):.1f} ms")
print(f"fanout p50_ms={p(0.5):.3f} p99_ms={p(0.99):.3f} max_ms={lat[-1]:.3f} first_p50_ms={p(0.5, first):.3f} first_p99_ms={p(0.99, first):.3f} spread_p50_ms={p(0.5, spread):.3f} spread_p99_ms={p(0.99, spread):.3f}")
