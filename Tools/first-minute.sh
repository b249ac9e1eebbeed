#!/bin/bash
# A newcomer's first minute (issue 16, Docs/Performance.md): fresh clone of SRC (default: this
# checkout's commits) → `make run` → the first `daemon.ping` answered. Prints the seconds and
# make's CPU time; ends the daemon it started by PID. PATCH (shell code run in the clone) and
# MAKE_ARGS vary the experiment. Usage: Tools/first-minute.sh [SRC]
set -u
SRC=${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}
DIR=/tmp/runclone-$$
git clone -q "$SRC" "$DIR" || exit 1
cd "$DIR"
[ -n "${PATCH:-}" ] && eval "$PATCH"
start=$(date +%s.%N)
( exec /usr/bin/time -f "make run: %e s wall, %U s user, %S s sys (until the daemon was stopped)" make run ${MAKE_ARGS:-} > make-run.log 2>&1 ) &
MAKE_PID=$!
answered=""
while kill -0 $MAKE_PID 2>/dev/null; do
    # `make run` builds coachd only, so the probe is a few lines of Python rather than coachctl.
    if [ -S .coachd/coachd.sock ] && python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(".coachd/coachd.sock")
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon.ping\"}\n")
sys.exit(0 if b"\"result\"" in s.recv(4096) else 1)' 2>/dev/null; then
        answered=$(date +%s.%N); break
    fi
    sleep 0.2
done
if [ -n "$answered" ]; then
    echo "fresh clone to daemon answering: $(echo "$answered - $start" | bc) s"
else
    echo "make run ended without a daemon answering"; tail -20 make-run.log
fi
# The daemon is a descendant of the make started here: end each descendant by PID, deepest first.
descendants() { for c in $(pgrep -P "$1"); do descendants "$c"; echo "$c"; done; }
for pid in $(descendants $MAKE_PID); do kill "$pid" 2>/dev/null; done
wait $MAKE_PID 2>/dev/null
grep -E "Compiling|Build of product|Building for" make-run.log | grep -E "Build of product|Building for" 
tail -1 make-run.log
cd /
[ -n "${KEEP:-}" ] || rm -rf "$DIR"
