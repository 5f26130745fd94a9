#!/bin/sh
# shellcheck disable=SC2154 # HN_* and HADDR_*: set by hosts_add
# spool-cephfs-slow.t (ZTP_SLOW=1 only: each case waits out the MDS
# session timeout, 30 s at least): the cases of spool-cephfs.t that a
# fencing agent does not shorten.  Two worker hosts run `ztp-flow watch`
# over 40 devices on one CephFS spool, and in the middle of the pushes:
#
#   timeout    w1's tools and ceph-fuse are SIGKILLed and nobody evicts its
#              session: the MDS does when the session times out, and w2
#              then finishes w1's claims
#   partition  w1's link to the cluster is cut for longer than the session
#              timeout, its tools alive, then restored: w1 finds itself
#              fenced (its session evicted meanwhile), its tools stop
#              touching the spool and commit nothing stale; w1 remounts
#              and goes on
#
# Each time: every device done exactly once, in one place, configured once
# (twice only for a device whose claim w1 held when it was lost).
. "$(dirname "$0")/lib.sh"
[ -n "${ZTP_SLOW:-}" ] || skip_all "slow (the MDS session timeout, twice): ZTP_SLOW=1 runs it"
need_root "network namespaces, FUSE mounts"
. "$TOP/tests/sshd.sh"
. "$TOP/tests/cephfs.sh"
ceph_need
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$TOP/tests/sim/ztp-sim" ] && SIM=$TOP/tests/sim/ztp-sim	# the device is not under test
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
command -v unshare >/dev/null 2>&1 || skip_all "unshare(1) is not installed"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || skip_all "no python3-yaml"
. "$TOP/tests/hosts.sh"
N=40
TIMEOUT=30

t0=$(date +%s)
tick() { diag "$(($(date +%s) - t0)) s: $*"; }
ceph_up "$T/ceph" $TIMEOUT
ok $? "a one-node CephFS starts (session timeout $TIMEOUT s)" || { done_testing; }
hosts_rack
ok $? "the rack's sshd answers"
hosts_add w1 && hosts_add w2
ok $? "two worker hosts mount the file system"
export HOSTS_VIEW=w2
count() { hosts_spool ls "$@" 2>/dev/null | wc -l; }

# start CASE A: the case's spool with N devices of 10.78.A.0/24, both
# workers on it
start() {
	export HOSTS_SUB="$1"
	hosts_spool init >/dev/null
	hosts_records "$2" $N | hosts_spool put discovered >/dev/null
	: >"$T/twice"
	hosts_run w1 sh "$TOP/cmd/ztp-flow.sh" -q -j 8 watch -i 2 2>>"$T/w1.$1.err"
	hosts_run w2 sh "$TOP/cmd/ztp-flow.sh" -q -j 8 watch -i 2 2>>"$T/w2.$1.err"
	i=0
	while [ $i -lt 1200 ] && [ "$(count configured "done")" -lt $((N / 4)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# what w1 holds when it is lost (listed while its tools are stopped): only a device whose claim it holds may
# get its push twice (w1's reached it, then w2's)
held() {
	hosts_spool -o json ls >"$T/at-cut.json"
	jq -r 'select(.claim.host == "w1") | .ip' "$T/at-cut.json" | sort -u >"$T/twice"
	jq -r 'select(.claim.host == "w1") | .id' "$T/at-cut.json" | sort -u >"$T/w1-claims"
}

# finish CASE: all done (waiting out the session timeout), then w1's
# return, then the verdict
finish() {
	i=0
	while [ $i -lt 1500 ] && [ "$(count "done")" -lt $N ]; do sleep 0.1; i=$((i + 1)); done
	is "$(count "done")" "$N" "$1: w2 finishes the work, the $(wc -l <"$T/w1-claims") claims w1 held too"
	tick "$1: all done, $(($(date +%s) - tk)) s after w1 was lost"
	ceph_kill "$HN_w1"
	ceph_mount "$HN_w1" "$T/mnt/w1"
	ok $? "$1: w1 mounts the file system again"
	hosts_run w1 sh "$TOP/cmd/ztp-flow.sh" -q -j 8 run 2>>"$T/w1.$1.err"
	wait "$HPID"
	is "$?" 0 "$1: w1's first pass after its return succeeds"
	is "$(count "done")" "$N" "$1: and changes nothing: $N done"
	is "$(hosts_spool -o json ls | jq -r 'select(.claimed) | .id')" "" "$1: no claim is left"
	hosts_stop w2
	hosts_stop w1
	hosts_verify "$T/mnt/w2/$1" >"$T/verdict.$1"
	is "$(sed -n 1p "$T/verdict.$1")" "records $N files $N" "$1: none lost, none duplicated"
	is "$(grep -c '^WRONG' "$T/verdict.$1")" 0 "$1: every device done, one move to each stage, configured once"
	grep '^WRONG' "$T/verdict.$1" | head -n 20 | while IFS= read -r l; do diag "$l"; done
	unlike "$(cat "$T"/w*."$1".err)" "Sanitizer" "$1: no sanitizer report"
}

# the session timeout instead of an eviction
start timeout 2
hosts_freeze w1
held
hosts_kill w1
tk=$(date +%s)
tick "timeout: w1 killed, nobody evicts it"
finish timeout

# a partition longer than the session timeout
start partition 3
hosts_freeze w1
held
ceph_cut "$HN_w1"
hosts_thaw w1
tk=$(date +%s)
tick "partition: w1 cut off"
sleep $((TIMEOUT + 10))
ceph_heal "$HN_w1"
tick "partition: w1's link is back"
# w1 learns it was fenced at its next spool operation once its messenger
# reconnects (about 20 s): its tools say so and stop
if [ -z "$CEPH_FAKE" ]; then
	i=0
	while [ $i -lt 600 ] && ! grep -q 'spool unreachable (fenced)' "$T/w1.partition.err"; do
		sleep 0.1
		i=$((i + 1))
	done
	like "$(cat "$T/w1.partition.err")" "spool unreachable (fenced)" "partition: w1's tools report the fencing"
fi
hosts_stop w1
finish partition
done_testing
