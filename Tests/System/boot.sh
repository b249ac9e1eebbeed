#!/usr/bin/env bash
# Becomes PID 1 of the system test: run by system-test.sh under
#   setsid unshare --pid --fork --mount --uts --ipc --net --propagation private
# it builds a throwaway overlay of / on a fresh tmpfs, pivots into it and execs systemd there
# (DESIGN.md §10). It refuses to exec systemd unless it is PID 1 of a new PID namespace, in a
# mount namespace that is not the host's, with an overlay as its root.
# Arguments: BASE (an empty directory), SRC (the checkout), HOST_MNT_NS (readlink /proc/self/ns/mnt
# of the host), CGROUP (the name of the cgroups prepared for it), UNIT (the target to boot),
# PIDFILE (where to write its PID as the host sees it).
set -euo pipefail
base=$1 src=$2 host_mnt_ns=$3 cgroup=$4 unit=$5 pidfile=$6

die() {
    echo "boot.sh: $*" >&2
    exit 1
}

[ "$$" = 1 ] || die "not PID 1 of a new PID namespace"
[ "$(readlink /proc/self/ns/mnt)" != "$host_mnt_ns" ] || die "still in the host's mount namespace"
[ -d "$base" ] && [ -z "$(ls -A "$base")" ] || die "$base is not an empty directory"
# /proc is still the host's: /proc/self/stat, read by this shell itself, starts with our host PID.
read -r host_pid _ </proc/self/stat
echo "$host_pid" >"$pidfile"

# Our own cgroups (made by the caller), so systemd takes them as its root and sees only itself.
echo 0 > "/sys/fs/cgroup/systemd/$cgroup/cgroup.procs"
if [ -d "/sys/fs/cgroup/unified/$cgroup" ]; then echo 0 > "/sys/fs/cgroup/unified/$cgroup/cgroup.procs"; fi

mount --make-rprivate /
mount -t tmpfs -o mode=0755 coachd-systest "$base"
mkdir "$base/upper" "$base/work" "$base/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
root=$base/root
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
# Only the named systemd hierarchy and the unified one: the controllers (memory, cpu, …) stay
# as the host set them, so nothing started inside leaves the cgroups it was started in.
mount -t tmpfs -o mode=0755 cgroup "$root/sys/fs/cgroup"
mkdir "$root/sys/fs/cgroup/systemd" "$root/sys/fs/cgroup/unified"
mount --bind /sys/fs/cgroup/systemd "$root/sys/fs/cgroup/systemd"
if [ -d /sys/fs/cgroup/unified ]; then mount --bind /sys/fs/cgroup/unified "$root/sys/fs/cgroup/unified"; fi
mount -t proc proc "$root/proc"
# A read-only /proc/sys, as systemd-nspawn does: PID 1 must not change the host's kernel settings.
mount --bind "$root/proc/sys" "$root/proc/sys"
mount -o remount,bind,ro "$root/proc/sys"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
# The checkout at the same path as on the host (the release build's module cache records it);
# after the tmpfs mounts, so that a checkout under /tmp or /run stays visible.
mkdir -p "$root$src"
mount --bind "$src" "$root$src"
: > "$root/etc/machine-id"

# Units that would touch the host (or are not wanted in a test), masked in the overlay.
units=$root/etc/systemd/system
mkdir -p "$units"
for masked in systemd-sysctl.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
    proc-sys-fs-binfmt_misc.mount systemd-modules-load.service systemd-timesyncd.service \
    systemd-random-seed.service systemd-update-utmp.service systemd-journal-flush.service \
    systemd-remount-fs.service getty.target systemd-logind.service dbus.service dbus.socket \
    systemd-tmpfiles-setup-dev.service kmod-static-nodes.service systemd-pstore.service; do
    ln -sfn /dev/null "$units/$masked"
done
cat > "$units/$unit" <<EOF
[Unit]
Description=coachd system test
Requires=sysinit.target sockets.target
After=sysinit.target sockets.target
AllowIsolate=yes
EOF

cd "$root"
mkdir -p oldroot
pivot_root . oldroot
cd /
umount -l /oldroot
rmdir /oldroot

[ "$(findmnt -n -o FSTYPE /)" = overlay ] || die "/ is not the overlay"
[ "$(readlink /proc/self/ns/mnt)" != "$host_mnt_ns" ] || die "still in the host's mount namespace"
exec env -i container=coachd-systest PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /lib/systemd/systemd --system --unit="$unit"
