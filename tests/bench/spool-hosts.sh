#!/bin/sh
# tests/bench/spool-hosts.sh [N]: devices per minute through ztp-flow with
# 1, 2 and 3 worker hosts sharing one spool on CephFS (tests/cephfs.sh: a
# one-node cluster, one ceph-fuse per host, each host a network
# namespace), against the same hosts sharing one spool on the local disk,
# side by side.  Each run: N devices (default 30, at most 250) put in
# discovered, then every worker host runs `ztp-flow run` passes until
# none is left in discovered, probed or configured (tests/hosts.sh: the
# simulators behind one sshd).  The floor: the CPU the device side (sshd,
# the simulators) spent, spread over all the CPUs; no run can be shorter,
# so it bounds the devices per minute any spool can show.  What a new
# process costs here is printed first (tests/bench/machine.inc).
# Timings are printed, never asserted; "skipped" without root or Ceph.
#   sh tests/bench/spool-hosts.sh [N]      (make bench runs it)
set -u
cd "$(dirname "$0")/../.." || exit 2
[ "$(id -u)" = 0 ] || { echo "bench spool-hosts: needs root (namespaces, mounts); skipped"; exit 0; }
for c in ceph-mon ceph-fuse unshare; do
	[ -n "${ZTP_CEPHFS_FAKE:-}" ] && [ $c != unshare ] && continue
	command -v $c >/dev/null 2>&1 || { echo "bench spool-hosts: no $c (sh tests/deps.sh cephfs installs Ceph); skipped"; exit 0; }
done
N=${1:-30}
case $N in '' | *[!0-9]*) echo "usage: tests/bench/spool-hosts.sh [N]" >&2; exit 2 ;; esac
{ [ "$N" -ge 1 ] && [ "$N" -le 250 ]; } || { echo "bench spool-hosts: N from 1 to 250" >&2; exit 2; }
# the plumbing the test helpers expect (tests/lib.sh's, which is for
# tests): a scratch directory, PIDs stopped and cleanups run at exit; the
# optimized tools, not the sanitizer build
TOP=$PWD
BUILD=$TOP
BIN=$TOP/cmd
PATH=$BIN:$TOP/cmd:$PATH
export TOP BUILD BIN PATH
T=$(mktemp -d /tmp/ztp-bench.XXXXXX) || exit 2
chmod 755 "$T"
_bg_pids=
_cleanups=
bg_pid() { _bg_pids="$_bg_pids $1"; }
on_exit() { _cleanups="$1; $_cleanups"; }
diag() { :; }
skip_all() { echo "bench spool-hosts: $*; skipped"; exit 0; }
_finish() {
	for p in $_bg_pids; do kill "$p" 2>/dev/null; done
	sleep 1
	for p in $_bg_pids; do kill -9 "$p" 2>/dev/null; done
	eval "$_cleanups" 2>/dev/null
	rm -rf "$T"
}
trap _finish EXIT
trap 'exit 130' INT TERM
SIM=$TOP/tests/sim/ztp-sim
[ -x "$SIM" ] && [ -x "$TOP/cmd/ztp-probe" ] || make -s all tests/sim/ztp-sim >/dev/null || exit 2
# shellcheck disable=SC1091
. "$TOP/tests/bench/machine.inc"
# shellcheck disable=SC1091
. "$TOP/tests/sshd.sh"
# shellcheck disable=SC1091
. "$TOP/tests/cephfs.sh"
# shellcheck disable=SC1091
. "$TOP/tests/hosts.sh"

ceph_up "$T/ceph" 30 >/dev/null || { echo "bench spool-hosts: the CephFS lab did not start"; exit 1; }
hosts_rack || { echo "bench spool-hosts: the rack did not start"; exit 1; }
{ hosts_add h1 && hosts_add h2 && hosts_add h3; } || { echo "bench spool-hosts: the hosts did not mount"; exit 1; }
export HOSTS_VIEW=h1
sshd_pid=$(cat "$T/rack/sshd.pid")

# CPU seconds the sshd's reaped children (sessions, simulators) took
served() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($16 + $17) / hz }' "/proc/$sshd_pid/stat"; }

# one run: SUB (the spool: cephfs/NAME or a local directory), K hosts,
# devices of 10.78.A.0/24; prints "seconds cpu-served done"
bench_run() {
	_sub=$1 _k=$2 _a=$3
	if [ "${_sub#/}" != "$_sub" ]; then
		HOSTS_SUB='' HOSTS_LOCAL=$_sub
	else
		HOSTS_SUB=$_sub HOSTS_LOCAL=
	fi
	export HOSTS_LOCAL HOSTS_SUB
	hosts_spool init >/dev/null
	hosts_records "$_a" "$N" | hosts_spool put discovered >/dev/null
	_c0=$(served)
	_t0=$(date +%s.%N)
	_r=0
	while [ $_r -lt 10 ]; do
		_r=$((_r + 1))
		_pids=
		for _h in h1 h2 h3; do
			[ "${_h#h}" -le "$_k" ] || continue
			hosts_run "$_h" sh "$TOP/cmd/ztp-flow.sh" -q -j 8 run 2>>"$T/flow.err"
			_pids="$_pids $HPID"
		done
		# shellcheck disable=SC2086 # one PID a word
		wait $_pids
		[ "$(hosts_spool ls discovered probed configured | wc -l)" = 0 ] && break
	done
	_t1=$(date +%s.%N)
	echo "$(echo "$_t0 $_t1" | awk '{ printf "%.2f", $2 - $1 }') $(echo "$_c0 $(served)" | awk '{ printf "%.2f", $2 - $1 }') $(hosts_spool ls "done" | wc -l)"
}

echo "bench spool-hosts: $N devices through ztp-flow run (-j 8) on each of 1, 2, 3 worker hosts;" \
	"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
[ -z "${ZTP_CEPHFS_FAKE:-}" ] || echo "ZTP_CEPHFS_FAKE: the cephfs column is bind mounts of the local disk, not CephFS"
machine_line
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
mkdir -p "$T/local"
printf '%-6s %16s %16s %7s %22s\n' hosts "cephfs dev/min" "local dev/min" ratio "floor dev/min (ceph/local)"
a=0
for k in 1 2 3; do
	a=$((a + 1))
	# shellcheck disable=SC2046 # the three fields
	set -- $(bench_run "cephfs$k" "$k" "$a")
	cs=$1 cc=$2 cd=$3
	# shellcheck disable=SC2046
	set -- $(bench_run "$T/local/spool$k" "$k" "$a")
	ls_=$1 lc=$2 ld=$3
	{ [ "$cd" = "$N" ] && [ "$ld" = "$N" ]; } || {
		echo "bench spool-hosts: $k hosts: only $cd (cephfs) and $ld (local) of $N done; the flows said:"
		tail -n 5 "$T/flow.err"
	}
	awk -v n="$N" -v k="$k" -v cs="$cs" -v ls="$ls_" -v cc="$cc" -v lc="$lc" -v c="$cpus" 'BEGIN {
		cr = n * 60 / cs; lr = n * 60 / ls
		cf = cc > 0 ? n * 60 / (cc / c) : 0; lf = lc > 0 ? n * 60 / (lc / c) : 0
		printf "%-6d %16.1f %16.1f %6.2fx %10.0f / %-10.0f\n", k, cr, lr, cr / lr, cf, lf }'
done
echo "ratio: cephfs devices per minute over the local disk's with the same hosts (1.00x: the shared spool costs nothing)"
echo "floor: the device side's CPU (sshd, simulators) spread over $cpus CPUs; no run can beat it"
