#!/bin/sh
# tests/bench/probe.sh [N] [J]: N simulated routers (tests/sim, cisco_ios,
# paging on) behind one OpenSSH sshd, probed in the same run by
#   ztp-probe -j J                       (show version + show inventory)
#   netmiko (Debian python3-netmiko, /usr/bin/python3), J threads, each
#     ConnectHandler + send_command('show version') + ('show inventory')
#     + disconnect, with its defaults and with fast_cli=True
# each PROBEBENCH_RUNS times (default 3), round robin.  Prints per client
# the median wall time (monotonic clock), devices/s, the client's CPU and
# the CPU the sshd side (sshd, the shell, the simulator) spent serving it,
# then the ratios and a verdict against the targets (20x netmiko defaults,
# 5x fast_cli), and the floor: the server side's CPU for the devices; no
# client's run can be shorter than that CPU spread over all the CPUs, so
# it bounds the ratios any client can show (what a new process costs here
# is measured first, tests/bench/machine.inc).
# A client counts only when every device gave its facts
# (the simulated serial in both outputs).
#
# The server is made cheap the same way for both clients, so that the
# numbers are about the clients rather than about sshd's per-connection
# cost on shared CPUs: sshd -r (no re-exec per connection; set
# PROBEBENCH_SSHD_R=0 for a stock sshd), no PAM, no DNS, no MOTD or
# lastlog, no ~/.ssh/rc, quiet logging, MaxStartups high, SHLVL set so
# that the user's bash does not read .bashrc for the ForceCommand.
#
# Timings are printed, never asserted: exit 0 unless the server does not
# start or nothing is built; "skipped" when root, perl or netmiko is
# missing.  Rerun: sh tests/bench/probe.sh [50 [8]]; PROBEBENCH_PROBE=path
# measures another ztp-probe build, NETMIKO_MODES="1" only fast_cli.
set -u
N=${1:-50}
J=${2:-8}
RUNS=${PROBEBENCH_RUNS:-3}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SIM=$TOP/tests/sim/ztp-sim
PROBE=${PROBEBENCH_PROBE:-$TOP/cmd/ztp-probe}	# another build to compare with
PY=/usr/bin/python3
skip() { echo "bench probe: $*; skipped"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for sshd"
[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd"
command -v perl >/dev/null || skip "no perl for the monotonic clock"
[ -x "$SIM" ] && [ -x "$PROBE" ] || { echo "bench probe: build first (make)"; exit 1; }
case $N$J$RUNS in *[!0-9]*) echo "usage: $0 [N [J]] (PROBEBENCH_RUNS=R)"; exit 2 ;; esac
NETMIKO=yes
[ -x "$PY" ] && "$PY" -c 'import netmiko' 2>/dev/null || NETMIKO=
SSHD_R=-r
[ "${PROBEBENCH_SSHD_R:-1}" = 0 ] && SSHD_R=

. "$TOP/tests/bench/sshd.inc"
bench_sshd probe "$SSHD_R" "$SIM --platform cisco_ios --serial BENCH1"

: >"$T/ssh_config"
i=1
while [ $i -le "$N" ]; do
	printf 'Host d%d\n  HostName 127.0.0.1\n  Port %s\n' "$i" "$PORT" >>"$T/ssh_config"
	i=$((i + 1))
done
printf 'Host *\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n' \
	"$T/id" "$T/known_hosts" >>"$T/ssh_config"
mkdir -p "$T/spool"
printf 'spool: %s\nssh:\n  known_hosts: "off"\n' "$T/spool" >"$T/ztp.yml"
i=1
while [ $i -le "$N" ]; do echo "d$i"; i=$((i + 1)); done >"$T/hosts"

cat >"$T/nm.py" <<'PY'
import sys
from concurrent.futures import ThreadPoolExecutor
from netmiko import ConnectHandler
port, key, n, j, fast = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
def one(i):
    try:
        c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=port, username="root",
                           use_keys=True, key_file=key, allow_agent=False, fast_cli=fast)
        a = c.send_command("show version")
        b = c.send_command("show inventory")
        c.disconnect()
        return "BENCH1" in a and "BENCH1" in b
    except Exception as e:  # one device's failure is counted, not the whole run's
        print("device %d: %s: %s" % (i, type(e).__name__, e), file=sys.stderr)
        return False
with ThreadPoolExecutor(j) as ex:
    print(sum(ex.map(one, range(n))))
PY

# CPU seconds of the server side so far: the listener and every process
# it reaped (connection, session, shell and simulator processes)
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
srv_cpu() {
	awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13 + $14 + $15) / hz }' \
		"/proc/$SPID/stat" 2>/dev/null
}
# timed NAME CMD...: stdout to $T/NAME.out, stderr to $T/NAME.err; appends
# "WALL CPU SERVERCPU" to $T/NAME.times
timed() {
	_name=$1
	shift
	bench_sshd_settle
	_s0=$(srv_cpu)
	_wc=$(perl "$TOP/tests/bench/timed.pl" /dev/null "$T/$_name" "$@")
	bench_sshd_settle
	_s1=$(srv_cpu)
	echo "$_wc $(awk -v a="$_s0" -v b="$_s1" 'BEGIN { if (a != "" && b != "") printf "%.2f", b - a; else print "?" }')" \
		>>"$T/$_name.times"
}
median() {	# median COLUMN FILE
	awk -v c="$1" '{ print $c }' "$2" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

. "$TOP/tests/bench/machine.inc"
machine_line
echo "bench probe: $N simulated cisco_ios devices behind one sshd${SSHD_R:+ -r} on 127.0.0.1," \
	"$J at a time, $RUNS runs (medians); $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs," \
	"load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
ZOK=$N NDOK=$N NFOK=$N
r=1
while [ "$r" -le "$RUNS" ]; do
	# shellcheck disable=SC2046
	timed ztp "$PROBE" -c "$T/ztp.yml" -F "$T/ssh_config" -j "$J" -o json $(cat "$T/hosts")
	k=$(grep -c '"serial": "BENCH1"' "$T/ztp.out")
	[ "$k" -lt "$ZOK" ] && ZOK=$k
	if [ -n "$NETMIKO" ]; then
		for fast in ${NETMIKO_MODES:-0 1}; do
			timed "nm$fast" "$PY" "$T/nm.py" "$PORT" "$T/id" "$N" "$J" "$fast"
			k=$(tail -n 1 "$T/nm$fast.out"); k=${k:-0}
			case $k in *[!0-9]*) k=0 ;; esac
			if [ "$fast" = 1 ]; then [ "$k" -lt "$NFOK" ] && NFOK=$k; else [ "$k" -lt "$NDOK" ] && NDOK=$k; fi
			[ "$k" = "$N" ] || sort "$T/nm$fast.err" | uniq -c | sort -rn | head -n 3 | sed 's/^/  netmiko: /'
		done
	fi
	r=$((r + 1))
done

printf '%-30s %8s %9s %7s %8s %10s  %s\n' client "s(med)" devices/s facts "cpu(s)" "server(s)" "runs (s)"
row() { # row LABEL NAME OK
	_w=$(median 1 "$T/$2.times")
	printf '%-30s %8.2f %9.1f %7s %8.2f %10s  %s\n' "$1" "$_w" \
		"$(awk -v n="$N" -v w="$_w" 'BEGIN { print (w > 0 ? n / w : 0) }')" "$3/$N" \
		"$(median 2 "$T/$2.times")" "$(median 3 "$T/$2.times")" \
		"$(awk '{ printf "%s%s", sep, $1; sep = " " }' "$T/$2.times")"
}
row "ztp-probe -j $J" ztp "$ZOK"
[ "$ZOK" = "$N" ] || { echo "bench probe: ztp-probe gave facts for $ZOK/$N devices; no comparison"; sed -n '1,5p' "$T/ztp.err"; exit 1; }
if [ -z "$NETMIKO" ]; then
	echo "netmiko: not installed (/usr/bin/python3 -c 'import netmiko' fails); skipped"
	exit 0
fi
NV=$("$PY" -c 'import netmiko; print(netmiko.__version__)' 2>/dev/null)
Z=$(median 1 "$T/ztp.times")
verdict=
for fast in ${NETMIKO_MODES:-0 1}; do
	if [ "$fast" = 1 ]; then label="netmiko $NV fast_cli=True" ok=$NFOK target=5
	else label="netmiko $NV defaults" ok=$NDOK target=20; fi
	row "$label ($J threads)" "nm$fast" "$ok"
	if [ "$ok" != "$N" ]; then
		verdict="$verdict${verdict:+; }$label not comparable ($ok/$N with facts)"
		continue
	fi
	verdict="$verdict${verdict:+; }$(awk -v z="$Z" -v t="$(median 1 "$T/nm$fast.times")" -v x="$target" -v l="$label" 'BEGIN {
		r = z > 0 ? t / z : 0
		printf "%s %sx %s (%.1fx)", (r >= x ? "meets" : "MISSES"), x, l, r }')"
done
awk -v n="$N" -v z="$(median 3 "$T/ztp.times")" -v d="$(median 3 "$T/nm0.times" 2>/dev/null)" \
	-v f="$(median 3 "$T/nm1.times" 2>/dev/null)" 'BEGIN {
	printf "server CPU per device (ms): ztp-probe %.0f, netmiko defaults %.0f, fast_cli %.0f\n",
		z * 1000 / n, d * 1000 / n, f * 1000 / n }'
# the floor: what the sshd side (sshd's processes, the shell, the
# simulator) spends whoever the client is; no run is shorter than that
# CPU spread over all the CPUs, and where process creation does not scale
# across them (machine line) the real floor is higher
awk -v n="$N" -v z="$Z" -v s="$(median 3 "$T/ztp.times")" -v d="$(median 1 "$T/nm0.times" 2>/dev/null)" \
    -v f="$(median 1 "$T/nm1.times" 2>/dev/null)" -v c="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" 'BEGIN {
	if (s == "?" || s <= 0) exit
	printf "floor: the server side of %d devices took %.2f s of CPU (%.2f s if spread over %d CPUs); ztp-probe took %.2f s\n", n, s, s / c, c, z
	printf "  the most any client can show against that floor: %.1fx netmiko defaults, %.1fx fast_cli (%.1fx and %.1fx if spread)\n", d / s, f / s, d * c / s, f * c / s }'
echo "verdict: $verdict"
exit 0
