#!/usr/bin/env bash
# The system test (issue 3, DESIGN.md §10): boots a real systemd as PID 1 in private namespaces
# over a throwaway overlay of /, runs `make install` inside it (the release build made just
# before by `make test-system`), and checks coachd as a systemd service for real:
#   1 socket activation, READY=1 before active, the STATUS= line
#   2 journal fields and MESSAGE_IDs, catalog text with journalctl -x, no note text anywhere
#   3 reload with a good and with broken configurations
#   4 the watchdog: a frozen daemon is aborted and restarted; SIGABRT ends it at once
#   5 SIGKILL: back with nothing lost, a client that connected meanwhile is served
#   6 an unprivileged, hardened daemon; callers outside the coaching group cannot connect
# With the argument `deb` (make test-package) it installs the Debian package instead, with
# `apt install ./coachd_*.deb` (the package `make deb` built just before), runs the same checks
# 1-6, then upgrades to a second build of the package (same binaries, a higher version), shows the
# data and the administrator's configuration kept and the service restarted, removes the package
# (data kept) and purges it (state directory gone).
# Prints SKIPPED where the machine cannot do it. Always kills the PID 1 it started and removes
# what it made (the mounts live in the private mount namespace and go with it).
set -uo pipefail
mode=${1:-make}
case $mode in make | deb) ;; *) echo "usage: system-test.sh [make|deb]" >&2; exit 64 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

skip() {
    printf '\n%s\n%s\n%s\n\n' "==========================================================" \
        "SKIPPED: system test (real systemd in namespaces): $*" \
        "=========================================================="
    exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root"
for tool in unshare nsenter setsid pivot_root findmnt jq setpriv useradd sqlite3; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done
[ -x /lib/systemd/systemd ] || skip "no /lib/systemd/systemd"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || skip "no overlay file system"
grep -qw overlay /proc/filesystems || skip "no overlay file system"
[ "$(stat -f -c %T /sys/fs/cgroup/systemd 2>/dev/null)" = cgroupfs ] ||
    skip "expects the hybrid cgroup layout (a name=systemd hierarchy at /sys/fs/cgroup/systemd)"
unshare --pid --fork --mount --uts --ipc --net --propagation private true 2>/dev/null ||
    skip "unshare cannot make PID, mount, UTS, IPC and network namespaces here"
# The release build that `make install` inside will find up to date (built only once the machine
# is known to be able to run the test), or the package and its upgrade.
if [ "$mode" = make ]; then
    make -C "$src" --no-print-directory release man || { echo "system test: make release man failed" >&2; exit 1; }
elif [ -z "${COACHD_DEB:-}" ]; then
    make -C "$src" --no-print-directory deb || { echo "system test: make deb failed" >&2; exit 1; }
fi

work=$(mktemp -d /tmp/coachd-systest.XXXXXX)
base=$work/base
mkdir "$base"
log=$work/boot.log
cgroup=coachd-systest-$$
unit=coachd-systest.target
unshare_pid=""
pid1=""
passed=0

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # The namespace's PID 1 (boot.sh, then systemd); every process inside dies with it.
    pid1=${pid1:-$(cat "$work/pid1" 2>/dev/null)}
    if [ -n "$pid1" ]; then kill -KILL "$pid1" 2>/dev/null; fi
    if [ -n "$unshare_pid" ]; then wait "$unshare_pid" 2>/dev/null; fi
    for _ in $(seq 50); do
        [ -n "$pid1" ] && kill -0 "$pid1" 2>/dev/null || break
        sleep 0.1
    done
    # Every process of the namespace died with its PID 1; its cgroups can go now (deepest first).
    for hierarchy in systemd unified; do
        local dir=/sys/fs/cgroup/$hierarchy/$cgroup
        [ -d "$dir" ] || continue
        for _ in $(seq 50); do
            find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
            [ -d "$dir" ] || break
            sleep 0.1
        done
        [ -d "$dir" ] && echo "system test: could not remove $dir" >&2
    done
    if findmnt -rn -o TARGET | grep -q "^$base"; then
        echo "system test: $base is still mounted on the host" >&2
        status=1
    fi
    rm -rf "$work"
    if [ -n "${upgrade_deb:-}" ]; then rm -f "$upgrade_deb"; rmdir "$(dirname "$upgrade_deb")" 2>/dev/null; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$mode" = deb ]; then
    # COACHD_DEB: a package (inside the checkout, which the booted system sees) to test instead of `make deb`'s.
    deb=${COACHD_DEB:-$(make -C "$src" --no-print-directory -s print-deb)}
    deb=$(realpath "$deb")
    [ -f "$deb" ] || { echo "system test: no package at $deb" >&2; exit 1; }
    version=$(dpkg-deb -f "$deb" Version)
    # The second build: the same files under a higher version (what an upgrade installs).
    upgrade_version=$version+systest1
    # It goes beside the first, in the checkout (the booted system sees the checkout, not our /tmp).
    dpkg-deb -R "$deb" "$work/upgrade-tree"
    sed -i "s/^Version: .*/Version: $upgrade_version/" "$work/upgrade-tree/DEBIAN/control"
    upgrade_deb=$(dirname "$deb")/systest/coachd_${upgrade_version}_$(dpkg-deb -f "$deb" Architecture).deb
    mkdir -p "$(dirname "$upgrade_deb")"
    dpkg-deb --root-owner-group -Zgzip -z1 -b "$work/upgrade-tree" "$upgrade_deb" >/dev/null ||
        { echo "system test: could not build the upgrade package" >&2; exit 1; }
    rm -rf "$work/upgrade-tree"
fi

# Runs a command inside the booted system (its root, namespaces and a clean environment).
inside() {
    nsenter -t "$pid1" -m -p -u -i -n -r -w -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 "$@"
}
insh() { inside /bin/bash -c "set -o pipefail; $1"; }

fail() {
    echo "FAILED: $*" >&2
    echo "--- systemctl status coachd.service coachd.socket" >&2
    insh "systemctl --no-pager status coachd.service coachd.socket" >&2
    echo "--- journal (last 60 entries of coachd and PID 1 about it)" >&2
    insh "journalctl --no-pager -n 60 -u coachd.service -u coachd.socket" >&2
    echo "system: $passed passed, 1 failed"
    exit 1
}
ok() {
    passed=$((passed + 1))
    echo "ok $passed - $*"
}
# Waits up to $1 seconds (in 0.1 s steps) for a shell condition inside; fails with $3.
wait_inside() {
    local limit=$(($1 * 10)) condition=$2
    for _ in $(seq "$limit"); do
        insh "$condition" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
prop() { insh "systemctl show -P $1 $2"; }

# ---------------------------------------------------------------------------------------------
echo "== system test: booting systemd in namespaces over an overlay of / (log: $log)"
mkdir "/sys/fs/cgroup/systemd/$cgroup"
[ -d /sys/fs/cgroup/unified ] && mkdir "/sys/fs/cgroup/unified/$cgroup"
setsid unshare --pid --fork --mount --uts --ipc --net --propagation private -- \
    bash "$here/boot.sh" "$base" "$src" "$(readlink /proc/self/ns/mnt)" "$cgroup" "$unit" "$work/pid1" >"$log" 2>&1 </dev/null &
unshare_pid=$!
for _ in $(seq 100); do
    pid1=$(cat "$work/pid1" 2>/dev/null)
    [ -n "$pid1" ] && break
    sleep 0.1
done
[ -n "$pid1" ] || { cat "$log" >&2; echo "system test: the namespace did not start" >&2; exit 1; }
state=""
for _ in $(seq 1200); do
    if [ "$(cat "/proc/$pid1/comm" 2>/dev/null)" = systemd ]; then
        state=$(inside systemctl is-system-running 2>/dev/null)
        case $state in running | degraded) break ;; esac
    fi
    kill -0 "$pid1" 2>/dev/null || break
    sleep 0.1
done
case $state in
    running | degraded) ;;
    *)
        cat "$log" >&2
        echo "system test: systemd did not boot (PID 1 $pid1: $(cat "/proc/$pid1/comm" 2>&1), state '$state')" >&2
        exit 1
        ;;
esac
[ "$(inside findmnt -n -o FSTYPE /)" = overlay ] || fail "the booted system's / is not the overlay"
ok "systemd booted as PID 1 in its namespaces over the overlay ($state)"
# PID 1's debug log shows each notification and state change (the readiness check reads it).
inside systemctl log-level debug

# ---------------------------------------------------------------------------------------------
echo "== install ($mode)"
if [ "$mode" = make ]; then
    sbin=/usr/local/bin bin=/usr/local/bin units=/usr/local/lib/systemd/system
    completions=(/usr/local/share/bash-completion/completions/coachctl /usr/local/share/zsh/site-functions/_coachctl
        /usr/local/share/fish/vendor_completions.d/coachctl.fish)
    man_dir=/usr/local/share/man
else
    sbin=/usr/sbin bin=/usr/bin units=/lib/systemd/system
    completions=(/usr/share/bash-completion/completions/coachctl /usr/share/zsh/vendor-completions/_coachctl
        /usr/share/fish/vendor_completions.d/coachctl.fish)
    man_dir=/usr/share/man
fi
# The toolchain is on PATH for `make install` only (its release build is already up to date);
# everything after runs without it.
swift_bin=$(dirname "$(command -v swift)")
install_inside() { insh "cd $src && PATH=$swift_bin:\$PATH make --no-print-directory install"; }
if [ "$mode" = make ]; then
    install_inside >"$work/install.log" 2>&1 ||
        { cat "$work/install.log" >&2; fail "make install"; }
else
    # This image forbids starting services from maintainer scripts (policy-rc.d exits 101): the
    # overlay's copy goes (never the host's), so the package's scripts start coachd as on a real system.
    host_policy=$(ls -l /usr/sbin/policy-rc.d 2>&1)
    insh "rm -f /usr/sbin/policy-rc.d && test ! -e /usr/sbin/policy-rc.d" || fail "removing policy-rc.d in the overlay"
    [ "$(ls -l /usr/sbin/policy-rc.d 2>&1)" = "$host_policy" ] || fail "removing policy-rc.d in the overlay changed the host's"
    insh "cd $(dirname "$deb") && DEBIAN_FRONTEND=noninteractive apt install -y ./$(basename "$deb")" >"$work/install.log" 2>&1 ||
        { cat "$work/install.log" >&2; fail "apt install ./$(basename "$deb")"; }
    [ "$(insh "dpkg-query -W -f '\${Status} \${Version}' coachd")" = "install ok installed $version" ] ||
        fail "dpkg does not list coachd $version as installed"
    [ "$(insh "systemctl is-enabled coachd.socket coachd.service" | tr '\n' ' ')" = "enabled enabled " ] ||
        fail "the package did not enable coachd.socket and coachd.service"
    [ "$(prop ActiveState coachd.socket) $(prop ActiveState coachd.service)" = "active active" ] ||
        fail "the package did not start coachd.socket and coachd.service"
    insh "dpkg-query -W -f '\${Conffiles}' coachd | grep -q '^ /etc/coachd/coachd.yaml '" ||
        fail "/etc/coachd/coachd.yaml is not a conffile"
    insh "MANWIDTH=80 man --warnings coachctl 2>&1 >/dev/null | grep . ; MANWIDTH=80 man --warnings 8 coachd 2>&1 >/dev/null | grep . ;
        MANWIDTH=80 man --warnings 5 coachd.yaml 2>&1 >/dev/null | grep ." && fail "an installed man page renders with warnings"
    [ "$(insh "/usr/sbin/coachd --version")" = "$(insh "/usr/bin/coachctl --version")" ] ||
        fail "coachd --version and coachctl --version differ"
    insh "/usr/bin/coachctl --version" | grep -qE "^${version//+/\\+} \(commit [0-9a-f]{12}(-dirty)?\)$" ||
        fail "coachctl --version: $(insh "/usr/bin/coachctl --version")"
    # The rest of the test starts from a stopped service, as after `make install` (still enabled,
    # as the package left it: deb-systemd-invoke restarts only enabled units on upgrade).
    inside systemctl stop coachd.service coachd.socket >/dev/null 2>&1 || fail "stopping what the package started"
fi
insh "test -x $sbin/coachd && test -x $bin/coachctl && test -x $bin/../libexec/coachd/coachctl-full" ||
    fail "binaries not installed"
insh "! ldd $sbin/coachd | grep -q libswift && ! ldd $bin/coachctl | grep -q libswift &&
    ! ldd $bin/../libexec/coachd/coachctl-full | grep -q libswift" ||
    fail "the installed binaries link the Swift runtime dynamically"
insh "getent group coaching && getent passwd coachd" >/dev/null || fail "sysusers did not create coaching and coachd"
insh "systemd-analyze verify $units/coachd.socket $units/coachd.service" ||
    fail "systemd-analyze verify"
exposure=$(insh "systemd-analyze security --offline=yes $units/coachd.service | tail -n 1")
insh "systemd-analyze security --offline=yes --threshold=5 $units/coachd.service >/dev/null" ||
    fail "exposure above 0.5: $exposure"
insh "journalctl --list-catalog 233b97726e8644f0b80d3a11c3d851aa | grep -q 'coachd started'" ||
    fail "the catalog was not indexed"
insh "test -s /etc/coachd/coachd.yaml && grep -q coachctl ${completions[0]} && test -s ${completions[1]} && test -s ${completions[2]}" ||
    fail "configuration or completions missing"
insh "test -s $man_dir/man1/coachctl.1* && test -s $man_dir/man8/coachd.8* && test -s $man_dir/man5/coachd.yaml.5*" ||
    fail "man pages missing"
ok "$mode install: static binaries, units verified, users, catalog, config, completions, man pages (${exposure#→ })"

# People of the test: two members of the coaching group and one outsider.
insh "useradd -M -u 2001 -G coaching teacher && useradd -M -u 2002 -G coaching coach && useradd -M -u 2003 outsider" ||
    fail "useradd"
as() {
    local user=$1
    shift
    inside setpriv --reuid="$user" --regid="$user" --init-groups "$bin/coachctl" "$@"
}

# ---------------------------------------------------------------------------------------------
echo "== 1. socket activation, readiness, status"
# Only this start counts (the package started coachd once already): journal entries from now on.
sleep 1
activation=$(insh "date +%s")
inside systemctl enable --now coachd.socket >/dev/null 2>&1 || fail "enable --now coachd.socket"
[ "$(prop ActiveState coachd.socket)" = active ] || fail "coachd.socket is not active"
[ "$(prop ActiveState coachd.service)" = inactive ] || fail "coachd.service runs before any client"
[ "$(insh "stat -c '%a %U %G %F' /run/coachd/coachd.sock")" = "660 root coaching socket" ] ||
    fail "socket mode/owner: $(insh 'stat -c "%a %U %G %F" /run/coachd/coachd.sock')"
inside coachctl daemon ping >/dev/null || fail "the first coachctl call was not served"
[ "$(prop ActiveState coachd.service)" = active ] || fail "coachd.service did not start on the first call"
main=$(prop MainPID coachd.service)
# PID 1 went start -> running only on READY=1, which came after coachd had opened its store
# and listened (daemon.started is logged before READY=1 is sent).
# journald takes entries in asynchronously: wait for the last one before reading.
wait_inside 10 "journalctl -o cat --since @$activation _PID=1 UNIT=coachd.service | grep -q ': Changed start -> running$'" ||
    fail "PID 1 never logged coachd.service going to running"
order=$(insh "journalctl -o json --no-pager --since @$activation _PID=1 UNIT=coachd.service + MESSAGE_ID=233b97726e8644f0b80d3a11c3d851aa" |
    jq -r --arg pid "$main" '
      if .MESSAGE_ID == "233b97726e8644f0b80d3a11c3d851aa" then "started"
      elif (.MESSAGE | test(": Got notification message from PID " + $pid + " \\(READY=1")) then "ready"
      elif (.MESSAGE | test(": Changed start -> running$")) then "running"
      else empty end')
[ "$(echo $order)" = "started ready running" ] || fail "readiness order was: $(echo $order)"
[ "$(prop Type coachd.service) $(prop NotifyAccess coachd.service)" = "notify main" ] || fail "Type/NotifyAccess"
insh "systemctl --no-pager status coachd.service" | grep -q 'Status: "0 pairs · 0 due today · 0 overdue"' ||
    fail "systemctl status shows no STATUS line"
ready_ms=$(( ($(prop ActiveEnterTimestampMonotonic coachd.service) - $(prop ExecMainStartTimestampMonotonic coachd.service)) / 1000 ))
ok "socket activation on the first call; active only after READY=1 (${ready_ms} ms after exec); STATUS line shown"

# ---------------------------------------------------------------------------------------------
echo "== 2. journal"
school=$(inside coachctl --json school add "Hill Primary" --time-zone Europe/London | jq -r .id) || fail "school add"
teacher=$(inside coachctl --json person add "Ada Teacher" --school "$school" --role teacher --login teacher | jq -r .id) ||
    fail "person add teacher"
coach=$(inside coachctl --json person add "Cy Coach" --school "$school" --role coach --uid 2002 | jq -r .id) ||
    fail "person add coach"
pair=$(inside coachctl --json pair add --teacher "$teacher" --coach "$coach" | jq -r .id) || fail "pair add"
wait_inside 10 "systemctl show -P StatusText coachd | grep -q '^1 pair'" || fail "STATUS did not follow: $(prop StatusText coachd)"
# A Monday two weeks back: the drop-in, its follow-up and their overdue times have all passed.
monday=$(date -d "-14 days -$(($(date -d '-14 days' +%u) - 1)) days" +%F)
as teacher cycle start --focus "FOCUS-CONFIDENTIAL-1" >/dev/null || fail "cycle start as the teacher"
# A visit already held, booked through the API (coachctl's invite refuses a start in the past).
dropin=$(as teacher --json call dropins.schedule "{\"pair\":$pair,\"start\":\"${monday}T10:00\",\"minutes\":15}" | jq -r .id) ||
    fail "dropins.schedule in the past"
as coach dropin done "$dropin" --notes "NOTE-CONFIDENTIAL-2" >/dev/null || fail "dropin done as the coach"
as outsider daemon ping >/dev/null 2>&1 && fail "outsider connected"
denied=$(as teacher daemon status 2>&1)
[ $? = 1 ] && grep -q "admins only" <<<"$denied" || fail "the teacher was not refused daemon.status: $denied"
json() { insh "journalctl -o json --no-pager -u coachd.service $1"; }
has() { # MESSAGE_ID, jq condition; waits up to 10 s for journald to take the entry in
    for _ in $(seq 100); do
        json "MESSAGE_ID=$1" | jq -e -s "map(select($2)) | length > 0" >/dev/null && return 0
        sleep 0.1
    done
    return 1
}
has 233b97726e8644f0b80d3a11c3d851aa '.COACHD_EVENT == "daemon.started" and .COACHD_SOCKET == "/run/coachd/coachd.sock"
    and .COACHD_SOCKET_ACTIVATED == "true" and .PRIORITY == "6" and .SYSLOG_IDENTIFIER == "coachd"
    and (.CODE_FILE | length > 0) and (.CODE_LINE | tonumber > 0) and (.CODE_FUNC | length > 0)' ||
    fail "daemon.started entry and its fields"
has 9406f86bdc324d93b9e89a672d69a6d7 ".COACHD_EVENT == \"pair.created\" and .COACHD_PAIR == \"$pair\"
    and .COACHD_SCHOOL == \"$school\" and .COACHD_PEER_UID == \"0\"" || fail "pair.created entry"
has e3e150a05bf54e28bf230cd2d7d2565d ".COACHD_SCHOOL == \"$school\"" || fail "school.added entry"
has 8e7d8a98312147df95753b5e803b453b ".COACHD_PAIR == \"$pair\" and .COACHD_PEER_UID == \"2001\"" ||
    fail "cycle.started entry with the teacher's uid"
# A back-dated booking falls due at once, but the daemon was running all along: not a catch-up
# (catch_up=true means missed while down; monitoring filters on it).
has aee1031c831f49faaec199b16a7bb277 ".COACHD_PAIR == \"$pair\" and (.COACHD_DUE | startswith(\"$monday\"))
    and .COACHD_CATCH_UP == \"false\" and .PRIORITY == \"5\"" || fail "dropin.due entry"
has 9f2736ca92084c7e863c6bd0331ce00b ".COACHD_PAIR == \"$pair\"" || fail "dropin.overdue entry"
has 5c48ba7b3e864c47a5cfbcf0758a2038 ".COACHD_PAIR == \"$pair\" and .COACHD_PEER_UID == \"2002\"" || fail "dropin.completed entry"
has a52fb13269b64e2fb706e3b394b5ba6b ".COACHD_PAIR == \"$pair\"" || fail "followup.due entry"
has c388de372a5a44838c8741a978529fba '.COACHD_PEER_UID == "2001" and .COACHD_METHOD == "daemon.status" and .PRIORITY == "5"' ||
    fail "request.denied entry"
insh "journalctl --no-pager -x -u coachd.service MESSAGE_ID=233b97726e8644f0b80d3a11c3d851aa" |
    grep -q "Subject: coachd started and is listening" || fail "journalctl -x shows no catalog text"
insh "journalctl --no-pager -x -u coachd.service MESSAGE_ID=9f2736ca92084c7e863c6bd0331ce00b" |
    grep -q "coachctl due --overdue" || fail "journalctl -x shows no catalog text for dropin.overdue"
ok "journal: MESSAGE_IDs, COACHD_* and CODE_* fields, priorities; journalctl -x explains them"

# ---------------------------------------------------------------------------------------------
echo "== 3. reload"
followup_due() { inside coachctl --json due | jq -r --arg p "$pair" '.items[] | select(.pair == ($p | tonumber)) | "\(.kind) \(.dueDate)"'; }
before=$(followup_due)
[[ $before == follow* ]] || fail "expected the follow-up to be due, got '$before'"
cp_config() { insh "cp /etc/coachd/coachd.yaml /tmp/coachd.yaml.orig"; }
cp_config
main=$(prop MainPID coachd.service)
insh "sed -i 's/followUpSchoolDays: 2/followUpSchoolDays: 3/' /etc/coachd/coachd.yaml && grep -q 'followUpSchoolDays: 3' /etc/coachd/coachd.yaml" ||
    fail "editing the configuration"
since=$(insh "date +%s")
inside systemctl reload coachd.service || fail "systemctl reload (good configuration)"
[ "$(prop ActiveState coachd.service) $(prop MainPID coachd.service)" = "active $main" ] || fail "not active, or restarted, after reload"
after=$(followup_due)
[ "$before" != "$after" ] && [[ $after == follow* ]] || fail "the new follow-up days were not applied ($before -> $after)"
wait_inside 5 "journalctl -u coachd --since @$since -o json MESSAGE_ID=684b593cf9cb4936a6c1ba96096573c7 | grep -q ." ||
    fail "no daemon.reloaded entry"
for broken in 'cycle:\n  followUpSchoolDays: lots\n' 'cycle: [unclosed\n'; do
    insh "printf '$broken' > /etc/coachd/coachd.yaml"
    since=$(insh "date +%s")
    inside systemctl reload coachd.service || fail "systemctl reload (broken configuration)"
    [ "$(prop ActiveState coachd.service) $(prop MainPID coachd.service)" = "active $main" ] ||
        fail "not active, or restarted, after a broken reload"
    wait_inside 5 "journalctl -u coachd --since @$since -o json MESSAGE_ID=5283942e41894177b3a49f9437fb81c6 PRIORITY=3 | grep -q ." ||
        fail "no daemon.reload_failed error for $broken"
    [ "$(followup_due)" = "$after" ] || fail "a broken configuration changed the running one"
done
insh "journalctl -u coachd -o cat MESSAGE_ID=5283942e41894177b3a49f9437fb81c6" | grep -q "cycle.followUpSchoolDays" ||
    fail "the rejection does not name the key"
# Broken at start: exit 78 (EX_CONFIG), an error naming the key, and no restart loop.
insh "printf 'cycle:\n  followUpSchoolDays: lots\n' > /etc/coachd/coachd.yaml"
since=$(insh "date +%s")
inside systemctl restart coachd.service 2>/dev/null && fail "coachd started with a broken configuration"
[ "$(prop ExecMainStatus coachd.service) $(prop SubState coachd.service)" = "78 failed" ] ||
    fail "a broken configuration at start: $(prop ExecMainStatus coachd.service) $(prop SubState coachd.service)"
wait_inside 5 "journalctl -u coachd --since @$since -o cat | grep -q 'configuration key cycle.followUpSchoolDays'" ||
    fail "the start-up error does not name the key"
insh "cp /tmp/coachd.yaml.orig /etc/coachd/coachd.yaml && echo '# local change' >> /etc/coachd/coachd.yaml"
inside systemctl reset-failed coachd.service
inside systemctl start coachd.socket coachd.service || fail "start again with the configuration mended"
if [ "$mode" = make ]; then
    install_inside >>"$work/install.log" 2>&1 || fail "make install again"
    insh "tail -n 1 /etc/coachd/coachd.yaml | grep -q '# local change' && test -s /etc/coachd/coachd.yaml.default" ||
        fail "make install overwrote the administrator's configuration"
    kept="install keeps the config"
else
    kept="the upgrade below shows the config kept"
fi
ok "reload: a good file applied, broken ones rejected as errors naming the key, same process; broken at start: exit 78, not retried; $kept"

# ---------------------------------------------------------------------------------------------
echo "== 4. watchdog"
[ "$(prop WatchdogUSec coachd.service)" = 10s ] || fail "WatchdogSec is $(prop WatchdogUSec coachd.service)"
main=$(prop MainPID coachd.service)
insh "tr '\\0' '\\n' </proc/$main/environ | grep -qx SWIFT_BACKTRACE=enable=no" ||
    fail "coachd runs with Swift's backtracer on: SIGABRT would hang it until TimeoutAbortSec"
since=$(insh "date +%s")
started=$(date +%s%N)
inside kill -STOP "$main"
wait_inside 60 "[ \"\$(systemctl show -P MainPID coachd)\" != $main ] && [ \"\$(systemctl show -P MainPID coachd)\" != 0 ] \
    && systemctl is-active -q coachd" || fail "a frozen coachd was not restarted by the watchdog"
watchdog_seconds=$(( ($(date +%s%N) - started) / 1000000 ))
wait_inside 10 "journalctl -o cat --since @$since _PID=1 UNIT=coachd.service | grep -q ': Main process exited'" ||
    fail "PID 1 did not log how coachd ended"
pid1_log=$(insh "journalctl -o cat --no-pager --since @$since _PID=1 UNIT=coachd.service")
grep -q "Watchdog timeout" <<<"$pid1_log" || fail "no watchdog timeout logged"
grep -qE "Main process exited, code=(dumped|killed), status=6/ABRT" <<<"$pid1_log" || fail "not ended by SIGABRT"
grep -q "stop-watchdog' timed out" <<<"$pid1_log" && fail "SIGABRT did not end coachd: systemd had to SIGKILL it"
inside coachctl daemon ping >/dev/null || fail "not served after the watchdog restart"
main=$(prop MainPID coachd.service)
since=$(insh "date +%s")
inside systemctl kill -s ABRT coachd.service
wait_inside 30 "[ \"\$(systemctl show -P MainPID coachd)\" != $main ] && systemctl is-active -q coachd" ||
    fail "not back after SIGABRT"
wait_inside 10 "journalctl -o cat --since @$since _PID=1 UNIT=coachd.service | grep -qE 'Main process exited, code=(dumped|killed), status=6/ABRT'" ||
    fail "SIGABRT did not end coachd at once"
ok "watchdog: frozen coachd aborted and back in $((watchdog_seconds / 1000)).$((watchdog_seconds % 1000 / 100)) s; SIGABRT ends it at once"

# ---------------------------------------------------------------------------------------------
echo "== 5. SIGKILL"
for n in $(seq 1 20); do
    inside coachctl --json person add "Person $n" --school "$school" --role teacher --uid $((3000 + n)) >/dev/null ||
        fail "person add $n"
done
main=$(prop MainPID coachd.service)
inode=$(insh "stat -c %i /run/coachd/coachd.sock")
inside systemctl kill -s KILL coachd.service
wait_inside 10 "[ \"\$(systemctl show -P SubState coachd)\" = auto-restart ]" || fail "coachd did not wait to restart"
# Connects now, while no coachd runs: systemd holds the socket, so the call waits and is served.
status=$(inside coachctl --json daemon status) || fail "a client connecting during the restart was not served"
newmain=$(prop MainPID coachd.service)
[ "$newmain" != "$main" ] && [ "$newmain" != 0 ] || fail "no new coachd process"
[ "$(jq -r .pairs <<<"$status")" = 1 ] || fail "daemon.status after the restart: $status"
[ "$(insh "stat -c %i /run/coachd/coachd.sock")" = "$inode" ] || fail "the socket was recreated"
[ "$(prop ActiveState coachd.socket)" = active ] || fail "coachd.socket not active"
count=$(inside coachctl --json person list --school "$school" | jq '[.people[] | select(.name | startswith("Person "))] | length')
[ "$count" = 20 ] || fail "after SIGKILL $count of 20 acknowledged people are there"
as teacher --json my | jq -e '.. | strings | select(. == "FOCUS-CONFIDENTIAL-1")' >/dev/null ||
    fail "the teacher's focus is gone"
ok "SIGKILL: restarted on systemd's socket, a client connected meanwhile served, all 20 acknowledged writes kept"

# ---------------------------------------------------------------------------------------------
echo "== 6. unprivileged and hardened"
main=$(prop MainPID coachd.service)
coachd_uid=$(insh "id -u coachd")
insh "grep -E '^(Uid|Gid):' /proc/$main/status" | awk '{print $2, $3, $4, $5}' | sort -u | grep -qx "$coachd_uid $coachd_uid $coachd_uid $coachd_uid" ||
    fail "coachd does not run as the coachd user"
insh "grep -qx 'CapEff:	0000000000000000' /proc/$main/status && grep -qx 'CapBnd:	0000000000000000' /proc/$main/status \
    && grep -qx 'NoNewPrivs:	1' /proc/$main/status && grep -qx 'Seccomp:	2' /proc/$main/status" ||
    fail "capabilities, no_new_privs or seccomp not in force"
[ "$(insh "stat -c '%a %U' /var/lib/coachd /var/lib/coachd/coachd.sqlite")" = "$(printf '700 coachd\n600 coachd')" ] ||
    fail "state directory or database permissions: $(insh "stat -c '%n %a %U' /var/lib/coachd /var/lib/coachd/coachd.sqlite")"
[ "$(insh "readlink /proc/$main/ns/net")" != "$(insh 'readlink /proc/1/ns/net')" ] || fail "PrivateNetwork not in force"
out=$(as outsider daemon ping 2>&1)
code=$?
[ "$code" = 69 ] && grep -qi "permission denied" <<<"$out" || fail "an outsider was not refused at connect ($code: $out)"
[ "$(as teacher --json me | jq -r .uid)" = 2001 ] || fail "the teacher's uid did not reach coachd"
ok "runs as coachd, no capabilities, seccomp and no_new_privs, private network; outsiders cannot connect, uids arrive"

# Why there is no PrivateUsers=: under it SO_PEERCRED maps every other uid to 65534.
insh "mkdir -p /run/systemd/system/coachd.service.d && printf '[Service]\nPrivateUsers=yes\n' > /run/systemd/system/coachd.service.d/probe.conf && systemctl daemon-reload && systemctl restart coachd"
seen=$(as teacher --json me 2>&1)
insh "rm -r /run/systemd/system/coachd.service.d && systemctl daemon-reload && systemctl restart coachd"
grep -q 65534 <<<"$seen" || fail "expected PrivateUsers=yes to hide the caller's uid, got: $seen"
[ "$(as teacher --json me | jq -r .uid)" = 2001 ] || fail "uid not back after removing the PrivateUsers probe"
ok "PrivateUsers=yes would make every caller uid 65534: left out deliberately"

# ---------------------------------------------------------------------------------------------
echo "== backup and restore (Operations.md's fallback: SQLite's online copy, restored while stopped)"
insh "setpriv --reuid=coachd --regid=coachd --clear-groups sqlite3 /var/lib/coachd/coachd.sqlite \".backup '/var/lib/coachd/backup.sqlite'\" \
    && mv /var/lib/coachd/backup.sqlite /root/coachd-backup.sqlite" || fail "online backup with sqlite3"
inside coachctl person add "After Backup" --school "$school" --role teacher --uid 3999 >/dev/null || fail "person add after the backup"
insh "systemctl stop coachd.socket coachd.service \
    && install -o coachd -g coachd -m 0600 /root/coachd-backup.sqlite /var/lib/coachd/coachd.sqlite \
    && rm -f /var/lib/coachd/coachd.sqlite-wal /var/lib/coachd/coachd.sqlite-shm \
    && systemctl start coachd.socket coachd.service" 2>/dev/null || fail "restore"
names=$(inside coachctl --json person list --school "$school" | jq -r '.people[].name') || fail "not served after the restore"
grep -q "^Person 20$" <<<"$names" && ! grep -q "^After Backup$" <<<"$names" || fail "the restore did not bring back the backup's state"
ok "backup while running and restore while stopped: the copy's state is back, later changes are not"

# ---------------------------------------------------------------------------------------------
echo "== stop, and no note text anywhere"
since=$(insh "date +%s")
inside systemctl stop coachd.service 2>/dev/null || fail "systemctl stop"
[ "$(prop Result coachd.service) $(prop ExecMainStatus coachd.service)" = "success 0" ] ||
    fail "stop result: $(prop Result coachd.service) $(prop ExecMainStatus coachd.service)"
wait_inside 5 "journalctl -u coachd --since @$since -o json MESSAGE_ID=0881648e34a644d2997c676e47691750 | grep -q ." ||
    fail "no daemon.stopping entry"
[ "$(prop ActiveState coachd.socket)" = active ] || fail "the socket stopped with the service"
inside coachctl daemon ping >/dev/null || fail "not activated again after a stop"
leaks=$(insh "journalctl -o export --no-pager | grep -a -c CONFIDENTIAL" || true)
[ "$leaks" = 0 ] || fail "note or focus text reached the journal ($leaks entries)"
priority=$(insh "journalctl -u coachd -o cat --no-pager | grep -c 'Failed to set thread priority'" || true)
ok "clean stop (STOPPING=1, exit 0), activated again, no confidential text in the journal (Dispatch setpriority notices: $priority)"

if [ "$mode" = deb ]; then
    # -----------------------------------------------------------------------------------------
    echo "== upgrade to a second build ($upgrade_version)"
    people_before=$(inside coachctl --json person list --school "$school" | jq '.people | length') || fail "person list before the upgrade"
    main=$(prop MainPID coachd.service)
    [ "$main" != 0 ] || fail "coachd not running before the upgrade"
    insh "cd $(dirname "$upgrade_deb") && DEBIAN_FRONTEND=noninteractive apt install -y ./$(basename "$upgrade_deb")" >>"$work/install.log" 2>&1 ||
        { tail -n 40 "$work/install.log" >&2; fail "apt install of the upgrade"; }
    [ "$(insh "dpkg-query -W -f '\${Version}' coachd")" = "$upgrade_version" ] || fail "the upgrade is not the installed version"
    # Read before any client connects: a running coachd now was started by the package's scripts.
    wait_inside 10 "systemctl is-active -q coachd.service && [ \"\$(systemctl show -P MainPID coachd.service)\" != 0 ]" ||
        fail "the upgrade did not start coachd again: $(prop ActiveState coachd.service)"
    newmain=$(prop MainPID coachd.service)
    [ "$newmain" != "$main" ] && [ "$newmain" != 0 ] || fail "the upgrade did not restart coachd (MainPID $main -> $newmain)"
    [ "$(inside coachctl --json person list --school "$school" | jq '.people | length')" = "$people_before" ] ||
        fail "people lost in the upgrade"
    as teacher --json my | jq -e '.. | strings | select(. == "FOCUS-CONFIDENTIAL-1")' >/dev/null ||
        fail "the teacher's focus is gone after the upgrade"
    insh "tail -n 1 /etc/coachd/coachd.yaml | grep -q '# local change'" || fail "the upgrade overwrote the administrator's configuration"
    [ "$(insh "systemctl is-enabled coachd.socket")" = enabled ] || fail "coachd.socket not enabled after the upgrade"
    ok "upgrade $version -> $upgrade_version: coachd restarted (PID $main -> $newmain), $people_before people and the focus kept, local config kept"

    # -----------------------------------------------------------------------------------------
    echo "== remove, then purge"
    insh "DEBIAN_FRONTEND=noninteractive apt-get remove -y coachd" >>"$work/install.log" 2>&1 || fail "apt-get remove"
    [ "$(prop ActiveState coachd.service) $(prop ActiveState coachd.socket)" = "inactive inactive" ] ||
        fail "remove left coachd running: $(prop ActiveState coachd.service) $(prop ActiveState coachd.socket)"
    insh "test ! -e /usr/sbin/coachd && test ! -e /usr/bin/coachctl && test ! -e /usr/libexec/coachd/coachctl-full &&
    test ! -e /lib/systemd/system/coachd.service" ||
        fail "remove left the binaries or units"
    insh "test -s /var/lib/coachd/coachd.sqlite && test -s /etc/coachd/coachd.yaml" || fail "remove deleted the data or the configuration"
    insh "DEBIAN_FRONTEND=noninteractive apt-get purge -y coachd" >>"$work/install.log" 2>&1 || fail "apt-get purge"
    insh "test ! -e /var/lib/coachd" || fail "purge left /var/lib/coachd"
    insh "test ! -e /etc/coachd" || fail "purge left /etc/coachd: $(insh 'ls -la /etc/coachd')"
    insh "dpkg-query -W -f '\${Status}' coachd 2>/dev/null | grep -q 'not-installed' || ! dpkg-query -W coachd >/dev/null 2>&1" ||
        fail "dpkg still knows coachd: $(insh "dpkg-query -W -f '\${Status}' coachd")"
    insh "test ! -e /etc/systemd/system/sockets.target.wants/coachd.socket && test ! -e /etc/systemd/system/multi-user.target.wants/coachd.service" ||
        fail "purge left the enablement links"
    ok "remove stopped coachd and kept /var/lib/coachd and the config; purge deleted them"

    # -----------------------------------------------------------------------------------------
    echo "== a fresh install, and the demo with Unix users"
    insh "cd $(dirname "$deb") && DEBIAN_FRONTEND=noninteractive apt install -y ./$(basename "$deb")" >>"$work/install.log" 2>&1 ||
        fail "apt install after the purge"
    seeded=$(inside coachctl demo seed --create-users 2>&1) || fail "demo seed --create-users: $seeded"
    insh "getent passwd ahaddad >/dev/null && id -nG ahaddad | grep -qw coaching" || fail "demo seed did not create ahaddad in coaching"
    [ "$(as ahaddad --json me | jq -r .person.name)" = "Amira Haddad" ] || fail "the demo teacher's login is not linked to her"
    overdue=$(inside coachctl --json due --overdue | jq '.items | length')
    [ "$overdue" -gt 0 ] || fail "the demo has nothing overdue"
    refused=$(inside coachctl demo seed 2>&1)
    [ $? = 64 ] && grep -q "already has data" <<<"$refused" || fail "a second demo seed was not refused: $refused"
    insh "DEBIAN_FRONTEND=noninteractive apt-get purge -y coachd" >>"$work/install.log" 2>&1 && insh "test ! -e /var/lib/coachd" ||
        fail "purge after the demo"
    ok "demo seed --create-users on a fresh install: ${seeded%%.*}; $overdue overdue; a second seed refused"
fi

echo "system: $passed passed, 0 failed"
