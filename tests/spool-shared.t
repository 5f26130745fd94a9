#!/bin/sh
# spool-shared.t: ztp-spool init --shared, and every tool when ztp.yml
# says spool_shared, use a spool only on the shared filesystem mounted
# there (ztp-spool(5) "Several hosts").  A directory on the root
# filesystem (the mount is missing) and one on a local tmpfs are refused
# with the reason and the fix, exit 75 (the mount may come), and nothing
# is made: not by init, not by ztp-dhcpd's adapter that would make the
# spool.  A filesystem mounted there that is not known to be local (minix
# on a loop device stands in for a network one: unknown filesystems whose
# locks work are accepted) gets the spool and its .shared mark.  Unmounted
# again, the spool is not there for any tool, and init --shared refuses.
# Runs in a mount namespace of its own.
TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${ZTP_SHARED_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
		! unshare -m true 2>/dev/null; then
		echo "1..0 # SKIP needs root and unshare (a mount namespace)"
		exit 0
	fi
	ZTP_SHARED_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$TOP/tests/lib.sh"
export ZTP_CONFIG=/dev/null
M=$T/mnt
mkdir "$M"

# the mount is missing: the directory is on the root filesystem (or on
# whatever local one holds the tests)
run ztp-spool -s "$M/spool" init --shared
is "$rc" 75 "init --shared where nothing is mounted: exit 75"
like "$err" "cannot use spool '$M/spool', shared by several hosts: " "it refuses"
like "$err" "mount the shared filesystem (CephFS, NFS 4.1+) " "and says to mount it first"
is "$(ls -A "$M")" "" "nothing is made"
# the configuration says so: every tool
printf 'spool: %s/spool\nspool_shared: true\ndhcp:\n  lease_dir: %s/leases\n' "$M" "$T" >"$T/shared.yml"
run ztp-spool -c "$T/shared.yml" init
is "$rc" 75 "spool_shared: init refuses too"
run ztp-spool -c "$T/shared.yml" ls
is "$rc" 75 "spool_shared: ls refuses"
like "$err" "cannot use spool '$M/spool', shared by several hosts: " "with the reason"
D=$BIN/ztp-dhcpd
if [ -x "$D" ]; then
	run "$D" --from-dnsmasq -c "$T/shared.yml" add 0c:00:00:00:05:01 10.99.0.201
	is "$rc" 75 "spool_shared: ztp-dhcpd's adapter refuses (exit 75)"
	like "$err" "mount the shared filesystem" "saying what to do"
fi
is "$(ls -A "$M")" "" "no spool made on the local disk"

# a local filesystem mounted there: other hosts do not see it
mount -t tmpfs -o size=1m tmpfs "$M" || skip_all "cannot mount a tmpfs"
run ztp-spool -s "$M/spool" init --shared
is "$rc" 75 "init --shared on a tmpfs: exit 75"
like "$err" "it is on the local tmpfs mounted at '$M', which no other host sees" "saying why"
is "$(ls -A "$M")" "" "nothing is made there either"
run ztp-spool -c "$T/shared.yml" ls
is "$rc" 75 "spool_shared: a tool refuses the tmpfs too"
run ztp-spool -s "$M/spool" init
is "$rc" 0 "init without --shared makes a spool of this host there"
umount "$M"

# a filesystem mounted there, not known to be local
command -v mkfs.minix >/dev/null 2>&1 || { done_testing; }
dd if=/dev/zero of="$T/disk" bs=1k count=2048 2>/dev/null
if ! mkfs.minix "$T/disk" >/dev/null 2>&1 || ! mount -o loop "$T/disk" "$M" 2>/dev/null; then
	diag "no loop mount of a minix filesystem here: its part is left out"
	done_testing
fi
run ztp-spool -s "$M/spool" init --shared
is "$rc" 0 "init --shared on the filesystem mounted there"
is "$(cat "$M/spool/.shared")" "minix" "the spool is marked shared, with its filesystem"
printf 'mac: 0c:d9:96:05:00:01\n' | ztp-spool -s "$M/spool" put discovered
is "$(ztp-spool -s "$M/spool" ls | grep -c 0c-d9-96-05-00-01)" 1 "and holds records"
umount "$M"
run ztp-spool -s "$M/spool" ls
is "$rc" 2 "unmounted, the spool is not there for the tools"
run ztp-spool -s "$M/spool" init --shared
is "$rc" 75 "and init --shared refuses to make one on the root filesystem"
is "$(ls -A "$M")" "" "nothing made"
done_testing
