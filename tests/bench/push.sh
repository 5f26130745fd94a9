#!/bin/sh
# tests/bench/push.sh [LINES]: pushing a LINES-line configuration (default
# 2000: 400 interfaces x 4 lines + 400 static routes, rendered from one
# Jinja2 template by ztp-push --render) to the device simulator
# (tests/sim/ztp-sim --platform cisco_iosxe) behind a real OpenSSH sshd
# (its ForceCommand, a pty, key authentication as root), in the same run:
#   ztp-push              the whole push of a device record: connect,
#                         detect, show running-config (the diff), copy
#                         running-config flash:ztp-rollback.cfg, configure
#                         terminal, every line waiting for the prompt after
#                         it (a rejected line stops and rolls back), end,
#                         write memory (no verify checks); process wall time
#   netmiko defaults      Debian python3-netmiko (/usr/bin/python3):
#                         ConnectHandler(device_type='cisco_xe') +
#                         send_config_set(lines) + disconnect, its defaults
#   netmiko + same work   the same plus what ztp-push does besides: the
#                         backup copy, show running-config, write memory
#   netmiko fast_cli      fast_cli=True: every line written at once without
#                         waiting (no per-line error detection; this
#                         netmiko has no cmd_verify) -- a second data point
# netmiko's times are taken inside Python (ConnectHandler to disconnect:
# no interpreter start, no import), ztp-push's around the whole process.
# A push counts only when the simulator recorded every configuration line
# (--record: one line per configuration line received, none rejected).
# ztp-push and fast_cli run PUSHBENCH_RUNS times (default 3), the slow
# netmiko modes PUSHBENCH_SLOW_RUNS times (default 1: about 2 minutes
# each at 2,000 lines); medians.  Prints lines/s of each, the ratios and a
# verdict against the target (10x netmiko defaults).
#
# Timings are printed, never asserted: exit 0 unless the server does not
# start, nothing is built or ztp-push fails; "skipped" when root, sshd,
# perl or netmiko is missing.
# Rerun: sh tests/bench/push.sh [2000]   (PUSHBENCH_RUNS=5, NETMIKO_MODES="fast"
#   for only fast_cli, PUSHBENCH_ZTP=path measures another ztp-push build)
set -u
L=${1:-2000}
RUNS=${PUSHBENCH_RUNS:-3}
SLOW=${PUSHBENCH_SLOW_RUNS:-1}
MODES=${NETMIKO_MODES:-defaults same fast}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SIM=$TOP/tests/sim/ztp-sim
ZP=${PUSHBENCH_ZTP:-$TOP/cmd/ztp-push}
PY=/usr/bin/python3
skip() { echo "bench push: $*; skipped"; exit 0; }
case $L$RUNS$SLOW in '' | *[!0-9]*) echo "usage: $0 [LINES] (PUSHBENCH_RUNS=R)"; exit 2 ;; esac
[ "$L" -ge 5 ] && [ $((L % 5)) = 0 ] || { echo "usage: $0 [LINES] (a multiple of 5)"; exit 2; }
[ "$(id -u)" = 0 ] || skip "needs root for sshd"
[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd"
command -v perl >/dev/null || skip "no perl for the monotonic clock"
[ -x "$SIM" ] && [ -x "$ZP" ] || { echo "bench push: build first (make)"; exit 1; }
NETMIKO=yes
[ -x "$PY" ] && "$PY" -c 'import netmiko' 2>/dev/null || NETMIKO=

. "$TOP/tests/bench/sshd.inc"
bench_sshd push "" "$SIM --platform cisco_iosxe --hostname bench-r1 --serial BENCH1 --record \$T/rec"

# ---- ztp-push's side: ztp.yml, a service "bench" and its template, a record
mkdir -p "$T/tpl/cisco_iosxe" "$T/vars" "$T/spool"
cat >"$T/tpl/cisco_iosxe/bench.j2" <<'EOF'
{% for i in range(count) %}
interface GigabitEthernet1/0/{{ i }}
 description customer {{ 1000 + i }} access port
 ip address 10.{{ 100 + i // 256 }}.{{ i % 256 }}.1 255.255.255.0
 no shutdown
{% endfor %}
{% for i in range(count) %}
ip route 172.{{ 16 + i // 256 }}.{{ i % 256 }}.0 255.255.255.0 192.0.2.{{ 1 + i % 250 }}
{% endfor %}
EOF
printf 'hostname: bench-r1\ncount: %d\n' $((L / 5)) >"$T/vars/defaults.yml"
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
ssh:
  timeout: 30
  known_hosts: "off"
templates:
  path: [$T/tpl]
  vars: $T/vars
services:
  bench: {description: $L configuration lines}
EOF
printf 'Host bench\n  HostName 127.0.0.1\n  Port %s\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n' \
	"$PORT" "$T/id" >"$T/ssh_config"
printf '{"id":"bench","ip":"bench","platform":"cisco_iosxe","service":"bench"}\n' >"$T/bench.yml"
# the same lines for netmiko
"$ZP" --render bench.j2 --data "$T/vars/defaults.yml" --path "$T/tpl/cisco_iosxe" --trim-blocks \
	--lstrip-blocks >"$T/lines" || { echo "bench push: cannot render the template"; exit 1; }
n=$(grep -c . "$T/lines")
[ "$n" = "$L" ] || { echo "bench push: the template renders $n lines, not $L"; exit 1; }

cat >"$T/nm.py" <<'PY'
import sys, time
from netmiko import ConnectHandler
port, key, path, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
lines = [l for l in open(path).read().split("\n") if l.strip()]
t0 = time.monotonic()
c = ConnectHandler(device_type="cisco_xe", host="127.0.0.1", port=port, username="root",
                   use_keys=True, key_file=key, allow_agent=False, fast_cli=(mode == "fast"))
if mode == "same":
    out = c.send_command("copy running-config flash:ztp-rollback.cfg",
                         expect_string=r"\?|#")
    if "?" in out:
        c.send_command("", expect_string=r"#")
    c.send_command("show running-config")
c.send_config_set(lines)
if mode == "same":
    c.save_config()
c.disconnect()
print("%.3f" % (time.monotonic() - t0))
PY

# timed NAME CMD...: stdout to $T/NAME.out, stderr to $T/NAME.err; appends
# the wall time to $T/NAME.wall
timed() {
	_name=$1
	shift
	perl "$TOP/tests/bench/timed.pl" /dev/null "$T/$_name" "$@" | awk '{ print $1 }' >>"$T/$_name.wall"
}
# lines of the last push the simulator recorded as applied, in order, as
# sent (its record: CONTEXT<TAB>LINE[<TAB>rejected])
applied() {
	awk -F '\t' 'NR == FNR { if ($0 != "") want[++n] = $0; next }
		$3 == "" && k < n { l = $2; w = want[k + 1]; sub(/^ +/, "", w); sub(/^ +/, "", l)
			if (l == w) k++ }
		END { print k + 0 }' "$T/lines" "$T/rec"
}
median() {	# median FILE
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# push NAME CMD...: one timed push; the applied count to $T/NAME.ok
push() {
	_n=$1
	shift
	bench_sshd_settle
	: >"$T/rec"
	timed "$_n" "$@"
	bench_sshd_settle
	applied >>"$T/$_n.ok"
}

echo "bench push: $L configuration lines to one simulated cisco_iosxe behind sshd on 127.0.0.1;" \
	"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
r=1
while [ "$r" -le "$RUNS" ]; do
	push ztp "$ZP" -c "$T/ztp.yml" -F "$T/ssh_config" -d 600 "$T/bench.yml"
	if ! grep -q "saved" "$T/ztp.out"; then
		echo "bench push: ztp-push did not configure the device:"
		sed -n '1,10p' "$T/ztp.out" "$T/ztp.err"
		exit 1
	fi
	if [ -n "$NETMIKO" ]; then
		for m in $MODES; do
			[ "$m" = fast ] || [ "$r" -le "$SLOW" ] || continue
			push "nm-$m" "$PY" "$T/nm.py" "$PORT" "$T/id" "$T/lines" "$m"
			tail -n 1 "$T/nm-$m.out" | grep -E '^[0-9.]+$' >>"$T/nm-$m.in" ||
				{ echo "bench push: netmiko $m failed:"; tail -n 3 "$T/nm-$m.err"; }
		done
	fi
	r=$((r + 1))
done

printf '%-34s %8s %9s %8s  %s\n' client "s(med)" lines/s applied "runs (s)"
row() { # row LABEL FILE OKFILE
	_w=$(median "$2")
	_ok=$(sort -n "$3" | head -n 1)
	printf '%-34s %8.2f %9.0f %8s  %s\n' "$1" "$_w" \
		"$(awk -v n="$L" -v w="$_w" 'BEGIN { print (w > 0 ? n / w : 0) }')" "${_ok:-0}/$L" \
		"$(awk '{ printf "%s%s", sep, $1; sep = " " }' "$2")"
}
row "ztp-push (whole process)" "$T/ztp.wall" "$T/ztp.ok"
ZOK=$(sort -n "$T/ztp.ok" | head -n 1)
[ "$ZOK" = "$L" ] || { echo "bench push: the simulator got $ZOK of $L lines from ztp-push"; exit 1; }
if [ -z "$NETMIKO" ]; then
	echo "netmiko: not installed (/usr/bin/python3 -c 'import netmiko' fails); skipped"
	exit 0
fi
NV=$("$PY" -c 'import netmiko; print(netmiko.__version__)' 2>/dev/null)
Z=$(median "$T/ztp.wall")
verdict=
for m in $MODES; do
	case $m in
	defaults) label="netmiko $NV defaults" ;;
	same) label="netmiko $NV + backup/show/save" ;;
	fast) label="netmiko $NV fast_cli=True" ;;
	*) continue ;;
	esac
	[ -s "$T/nm-$m.in" ] || { verdict="$verdict${verdict:+; }$label failed"; continue; }
	row "$label" "$T/nm-$m.in" "$T/nm-$m.ok"
	ok=$(sort -n "$T/nm-$m.ok" | head -n 1)
	if [ "$ok" != "$L" ]; then
		verdict="$verdict${verdict:+; }$label not comparable ($ok/$L lines applied)"
		continue
	fi
	verdict="$verdict${verdict:+; }$(awk -v z="$Z" -v t="$(median "$T/nm-$m.in")" -v l="$label" -v m="$m" 'BEGIN {
		r = (z > 0 ? t / z : 0)
		if (m == "defaults") printf "%s the 10x target against %s (%.1fx)", (r >= 10 ? "meets" : "MISSES"), l, r
		else printf "%.1fx %s", r, l }')"
	awk -v n="$L" -v w="$(median "$T/nm-$m.wall")" -v l="$label" 'BEGIN {
		printf "  (%s: %.2f s with the interpreter start and import)\n", l, w }'
done
echo "verdict: ztp-push does more than send_config_set (detection, diff, backup, save);" \
	"ratios are netmiko time / ztp-push time: $verdict"
echo "rerun: sh tests/bench/push.sh $L"
exit 0
