#!/bin/sh
# tests/bench/kexcheck.sh [N]: one fleet, three scanners, two networks.
#
# Starts N (default 64) real OpenSSH sshd endpoints, one sshd process per
# port, in a mix like an ISP's access layer: half old IOS-like
# (diffie-hellman-group14-sha1 + gex-sha1, ssh-rsa, hmac-sha1), a quarter
# Huawei-like (gex-sha1 only, ssh-rsa, hmac-sha1) and a quarter modern
# OpenSSH defaults with an ed25519 host key.  Then scans the same list of
# host:port with each of
#   ztp-kexcheck -q -F /dev/null -j 64 -o json              (hosts on stdin)
#   ssh-audit -b -n -T targets --threads 64 [--skip-rate-test]
#   nmap -Pn -n -sV --version-intensity 0 -T4 -p PORTS --script ssh2-enum-algos HOST
# (--skip-rate-test only where the installed ssh-audit has it; ssh-audit's
# batch text is parsed, as its JSON lacks the port; nmap writes XML),
# KEXBENCH_RUNS times each (default 3), round robin, and checks that each
# run reported, for every endpoint, exactly the KEX and MAC lists that
# `sshd -T` says it offers (kex-strict-* and ext-info-* aside).  A scanner
# that missed an endpoint in any run is "not comparable".
#
# Two networks, the same fleet configuration and the same targets:
#  1. loopback: the fleet on 127.0.0.1, the scanners beside it;
#  2. with a round-trip time: the fleet in one network namespace, the
#     scanners in another, joined by a wire that delays every packet by
#     KEXBENCH_RTT_MS / 2 each way (default RTT 20 ms; 0 skips it), as
#     real routers are a WAN hop away.  The kernel here may lack sch_netem,
#     so the wire is tests/bench/delaywire.py (two TUN interfaces, one
#     Python process that holds each packet; its CPU is shared by all).
#     A scanner's extra connections and round trips cost time there.
# For each network and scanner it prints the median wall time (monotonic
# clock), hosts per second, the scanner's CPU and the CPU the fleet's sshd
# processes spent serving it, then the ratios and a verdict against the
# targets (10x ssh-audit, 3x nmap).  First it measures what a new process
# costs on this machine (tests/bench/machine.inc); for each network it
# prints the floor, the sshd CPU of one connection per host, which no
# scanner's run can undercut, and the largest ratios that floor allows.
#
# The fleet is made cheap per connection the same way for every scanner,
# so that the numbers are about the scanners rather than sshd's start-up
# on shared CPUs: sshd -r (no re-exec per connection; KEXBENCH_SSHD_R=0
# for a stock sshd), one host key each, no PAM, no DNS, quiet logging,
# MaxStartups high.
#
# Timings are printed, never asserted: the exit status is 1 only when the
# fleet does not start or ztp-kexcheck misses endpoints; a missing peer is
# "skipped".  Needs root (sshd, namespaces), perl (monotonic clock) and ss
# (iproute2); Linux /proc for the CPU columns.
# Rerun: sh tests/bench/kexcheck.sh [64]    (KEXBENCH_RUNS=5 KEXBENCH_RTT_MS=40 ...)
set -u
N=${1:-64}
J=64
RUNS=${KEXBENCH_RUNS:-3}
RTT=${KEXBENCH_RTT_MS:-20}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KC=$TOP/cmd/ztp-kexcheck
SSHD=/usr/sbin/sshd

skip() { echo "bench kexcheck: $*; skipped"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for sshd"
[ -x "$SSHD" ] || skip "no $SSHD"
command -v perl >/dev/null || skip "no perl for the monotonic clock"
command -v ss >/dev/null || skip "no ss (iproute2)"
[ -x "$KC" ] || { echo "bench kexcheck: $KC not built (make)"; exit 1; }
case $N$RUNS$RTT in '' | *[!0-9]*) echo "usage: $0 [N] (KEXBENCH_RUNS, KEXBENCH_RTT_MS: numbers)"; exit 2 ;; esac
[ "$N" -ge 4 ] && [ "$N" -le 1000 ] || { echo "bench kexcheck: N from 4 to 1000"; exit 2; }
[ "$RUNS" -ge 1 ] || RUNS=1
SSHD_R=-r
[ "${KEXBENCH_SSHD_R:-1}" = 0 ] && SSHD_R=
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

T=$(mktemp -d)
PIDS=
WIREPID=
NSA='' NSB=''
fleet_stop() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	PIDS=
}
cleanup() {
	fleet_stop
	[ -n "$WIREPID" ] && { kill "$WIREPID" 2>/dev/null; wait "$WIREPID" 2>/dev/null; }
	[ -n "$NSA" ] && ip netns del "$NSA" 2>/dev/null
	[ -n "$NSB" ] && ip netns del "$NSB" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- the fleet ----------------------------------------------------------

# N free ports: bound all at once (so they differ), then released; the
# namespace of the second network has them all free too
perl -MIO::Socket::INET -e 'my @s; for (1 .. $ARGV[0]) {
	push @s, IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
				      Proto => "tcp", Listen => 1) or die "bind: $!\n" }
	print $_->sockport, "\n" for @s' "$N" >"$T/ports" || exit 1

ssh-keygen -q -t rsa -b 2048 -N '' -f "$T/rsa_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$T/ed25519_key" || exit 1
profile() { # profile INDEX: the algorithm lines of endpoint INDEX
	case $(($1 % 4)) in
	0 | 1)	# old IOS-like
		echo "HostKey $T/rsa_key"
		echo "KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1"
		echo "HostKeyAlgorithms ssh-rsa"
		echo "Ciphers aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc"
		echo "MACs hmac-sha1,hmac-sha1-96" ;;
	2)	# Huawei-like
		echo "HostKey $T/rsa_key"
		echo "KexAlgorithms diffie-hellman-group-exchange-sha1"
		echo "HostKeyAlgorithms ssh-rsa"
		echo "Ciphers aes128-ctr,aes256-ctr,aes128-cbc,3des-cbc"
		echo "MACs hmac-sha1" ;;
	3)	# modern defaults
		echo "HostKey $T/ed25519_key" ;;
	esac
}
mkdir -p /run/sshd
NIOS=0 NHW=0 NMOD=0
i=0
: >"$T/expect"
while read -r port; do
	case $((i % 4)) in 0 | 1) NIOS=$((NIOS + 1)) ;; 2) NHW=$((NHW + 1)) ;; 3) NMOD=$((NMOD + 1)) ;; esac
	{
		echo "Port $port"
		echo "ListenAddress @ADDR@"
		echo "PidFile $T/sshd$i.pid"
		echo "UsePAM no"
		echo "UseDNS no"
		echo "LogLevel QUIET"
		echo "MaxStartups 1000"
		profile $i
	} >"$T/sshd$i.tmpl"
	if [ $i -lt 4 ]; then	# what each profile offers, as sshd itself says
		sed 's/@ADDR@/127.0.0.1/' "$T/sshd$i.tmpl" >"$T/sshd$i.conf"
		"$SSHD" -T -f "$T/sshd$i.conf" >"$T/t$i" || exit 1
		awk '$1 == "kexalgorithms" { k = $2 } $1 == "macs" { m = $2 }
		     END { print "kex=" k " mac=" m }' "$T/t$i" >"$T/offer$i"
	fi
	read -r offer <"$T/offer$((i % 4))"
	echo "$port $offer" >>"$T/expect"
	i=$((i + 1))
done <"$T/ports"
sort "$T/expect" >"$T/expect.sorted"
PORTLIST=$(paste -s -d, "$T/ports")

# fleet_start ADDR [NETNS]: the N sshd on ADDR (inside NETNS), and the
# targets file for them; waits until all listen (ss, so that nothing
# connects before the scans)
fleet_start() {
	_addr=$1 _ns=${2:-}
	_in=
	[ -n "$_ns" ] && _in="ip netns exec $_ns"
	: >"$T/targets"
	_i=0
	while read -r _port; do
		sed "s/@ADDR@/$_addr/" "$T/sshd$_i.tmpl" >"$T/sshd$_i.conf"
		$_in "$SSHD" -D -e $SSHD_R -f "$T/sshd$_i.conf" 2>>"$T/sshd.log" &
		PIDS="$PIDS $!"
		echo "$_addr:$_port" >>"$T/targets"
		_i=$((_i + 1))
	done <"$T/ports"
	_i=0
	while :; do
		_up=$($_in ss -Hltn 2>/dev/null | awk -v a="$_addr" 'NR == FNR { want[a ":" $1] = 1; next }
			($4 in want) { n++ } END { print n + 0 }' "$T/ports" -)
		[ "$_up" -ge "$N" ] && break
		_i=$((_i + 1))
		if [ $_i -ge 150 ]; then
			echo "bench kexcheck: only $_up of $N sshd endpoints listen after 15 s"
			sed 's/^/  sshd: /' "$T/sshd.log"
			exit 1
		fi
		sleep 0.1
	done
	sleep 1	# let the fleet's start-up finish (the scans wait for settle too)
	STATS=
	for _p in $PIDS; do STATS="$STATS /proc/$_p/stat"; done
}

# the namespaces and the delayed wire of the second network: scanners in
# $NSA (10.201.0.1), fleet in $NSB (10.201.0.2); "" and a reason in
# WIRE_WHY when they cannot be made
wire_start() {
	WIRE_WHY=
	command -v ip >/dev/null || { WIRE_WHY="no ip (iproute2)"; return 1; }
	[ -c /dev/net/tun ] || { WIRE_WHY="no /dev/net/tun"; return 1; }
	command -v "$PY" >/dev/null || { WIRE_WHY="no python3 for the wire"; return 1; }
	NSA=kbs$$ NSB=kbf$$
	ip netns add "$NSA" 2>"$T/wire.err" && ip netns add "$NSB" 2>>"$T/wire.err" ||
		{ WIRE_WHY="cannot create network namespaces: $(head -n 1 "$T/wire.err")"; return 1; }
	"$PY" "$TOP/tests/bench/delaywire.py" "kbw$$a" "kbw$$b" "$((RTT / 2)).$((RTT % 2 * 5))" \
		>"$T/wire.out" 2>"$T/wire.err" &
	WIREPID=$!
	_i=0
	until grep -q ready "$T/wire.out" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 50 ] && kill -0 "$WIREPID" 2>/dev/null ||
			{ WIRE_WHY="the delay wire did not start: $(head -n 1 "$T/wire.err")"; return 1; }
		sleep 0.1
	done
	ip link set "kbw$$a" netns "$NSA" && ip link set "kbw$$b" netns "$NSB" &&
	ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
	ip -n "$NSA" addr add 10.201.0.1 peer 10.201.0.2 dev "kbw$$a" &&
	ip -n "$NSB" addr add 10.201.0.2 peer 10.201.0.1 dev "kbw$$b" &&
	ip -n "$NSA" link set "kbw$$a" up && ip -n "$NSB" link set "kbw$$b" up ||
		{ WIRE_WHY="cannot set up the wire's interfaces"; return 1; }
	return 0
}

# ---- the scans ----------------------------------------------------------

# CPU seconds the fleet has spent so far: each sshd listener's own (the
# fork per connection) and that of the per-connection children it reaped
# (Linux /proc; "" elsewhere)
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
STATS=
fleet_cpu() {
	# shellcheck disable=SC2086
	awk -v hz="$HZ" -v n="$N" '
		{ sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15; k++ }	# [cu]time [cs]time
		END { if (k == n) printf "%.2f\n", t / hz }' $STATS 2>/dev/null
}

# settle: until the fleet has no connection left (at most 10 s), so that
# one scanner's tail neither slows the next nor counts as its CPU
settle() {
	_i=0
	while [ $_i -lt 100 ]; do
		ps -e -o ppid= | awk -v pids="$PIDS" '
			BEGIN { n = split(pids, a, " "); for (i = 1; i <= n; i++) p[a[i]] = 1 }
			($1 in p) { c++ } END { exit c > 0 }' && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
}

# timed NAME STDIN CMD...: runs CMD (in the scanners' namespace when there
# is one) with stdout to $T/NAME.out and stderr to $T/NAME.err; appends
# "WALL CPU FLEETCPU RIGHT" to $T/NAME.runs (wall seconds on the monotonic
# clock, CPU seconds of CMD and its children, of the fleet serving it, and
# how many endpoints it reported exactly right)
timed() {
	_name=$1 _in=$2
	shift 2
	[ -n "$SCAN_NS" ] && set -- ip netns exec "$SCAN_NS" "$@"
	settle
	_f0=$(fleet_cpu)
	_wc=$(perl "$TOP/tests/bench/timed.pl" "$_in" "$T/$_name" "$@")
	settle
	_f1=$(fleet_cpu)
	echo "$_wc $(awk -v a="$_f0" -v b="$_f1" 'BEGIN { if (a != "" && b != "") printf "%.2f", b - a; else print "?" }') $(verify "$_name")" \
		>>"$T/$_name.runs"
}

# the normalised result lines "PORT kex=LIST mac=LIST" of each tool
AWKLIB='function add(l, x) { if (x ~ /^(kex-strict-|ext-info-)/) return l; return l == "" ? x : l "," x }'
got_ztp() {	# JSON lines
	awk "$AWKLIB"'
	{
		if (!match($0, /"port": [0-9]+/)) next
		port = substr($0, RSTART + 8, RLENGTH - 8)
		if (!match($0, /"offer": \{"kex": \[[^]]*\]/)) next
		k = substr($0, RSTART + 18, RLENGTH - 19)
		if (!match($0, /"mac_c2s": \[[^]]*\]/)) next
		m = substr($0, RSTART + 12, RLENGTH - 13)
		gsub(/[" ]/, "", k); gsub(/[" ]/, "", m)
		nk = split(k, a, ","); k = ""; for (i = 1; i <= nk; i++) k = add(k, a[i])
		print port " kex=" k " mac=" m
	}' "$1"
}
got_audit() {	# batch text: "(gen) target: H:P" then "(kex) NAME ..." lines
	awk "$AWKLIB"'
	function flush() { if (port != "") print port " kex=" k " mac=" m; port = "" }
	match($0, /\(gen\) target: [^ ]+/) {
		flush()
		t = substr($0, RSTART + 14, RLENGTH - 14)
		sub(/.*:/, "", t)
		port = t; k = ""; m = ""; lk = ""; lm = ""
		next
	}
	port != "" && /^\(kex\) / && $2 != lk { k = add(k, $2); lk = $2 }
	port != "" && /^\(mac\) / && $2 != lm { m = add(m, $2); lm = $2 }
	END { flush() }' "$1"
}
got_nmap() {	# XML: <port portid=P> ... <table key="kex_algorithms"><elem>..
	awk "$AWKLIB"'
	match($0, /<port protocol="tcp" portid="[0-9]+"/) {
		port = substr($0, RSTART + 29, RLENGTH - 30); k = ""; m = ""; mode = ""; got = 0
	}
	/<table key="kex_algorithms">/ { mode = "k"; got = 1 }
	/<table key="mac_algorithms">/ { mode = "m" }
	/<elem>/ && mode != "" {
		e = $0; sub(/.*<elem>/, "", e); sub(/<\/elem>.*/, "", e)
		if (mode == "k") k = add(k, e); else m = add(m, e)
	}
	/<\/table>/ { mode = "" }
	/<\/port>/ { if (got) print port " kex=" k " mac=" m; got = 0 }' "$1"
}
# verify NAME: how many endpoints NAME reported exactly right
verify() {
	"got_$1" "$T/$1.out" | sort -u >"$T/$1.got"
	comm -12 "$T/expect.sorted" "$T/$1.got" | wc -l | tr -d ' '
}
median() {	# median COLUMN FILE
	awk -v c="$1" '{ print $c }' "$2" 2>/dev/null | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
minright() { awk 'NR == 1 || $4 < m { m = $4 } END { print m + 0 }' "$1" 2>/dev/null; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", (t > 0 ? n / t : 0) }'; }
row() { # row LABEL NAME
	_w=$(median 1 "$T/$2.runs")
	printf '%-36s %7.2f %8s %6s %7.2f %8s  %s\n' "$1" "$_w" "$(rate "$N" "$_w")" \
		"$(minright "$T/$2.runs")/$N" "$(median 2 "$T/$2.runs")" "$(median 3 "$T/$2.runs")" \
		"$(awk '{ printf "%s%s", s, $1; s = " " }' "$T/$2.runs")"
}
# compare NAME LABEL TARGET: "meets 10x ssh-audit (12.3x)"
compare() {
	_r=$(minright "$T/$1.runs")
	if [ ! -s "$T/$1.runs" ]; then echo "$2 not installed"; return; fi
	if [ "$_r" != "$N" ]; then echo "$2 not comparable (only $_r/$N right in some run)"; return; fi
	awk -v z="$(median 1 "$T/ztp.runs")" -v t="$(median 1 "$T/$1.runs")" -v x="$3" -v name="$2" 'BEGIN {
		r = z > 0 ? t / z : 0
		printf "%s %sx %s (%.2fx)", (r >= x ? "meets" : "MISSES"), x, name, r }'
}

AUDIT='' SKIPRATE='' AV=''
if command -v ssh-audit >/dev/null; then
	AUDIT=yes
	ssh-audit --help 2>&1 | grep -q -e '--skip-rate-test' && SKIPRATE=--skip-rate-test
	AV=$(ssh-audit --help 2>&1 | sed -n 's/.*ssh-audit \(v[0-9][0-9.]*\).*/\1/p' | head -n 1)
fi
NMAP='' NV=''
if command -v nmap >/dev/null; then
	NMAP=yes
	NV=$(nmap --version 2>/dev/null | awk 'NR == 1 { print $3 }')
fi

# bench_net LABEL ADDR: the scans of one network (fleet already started)
bench_net() {
	_label=$1 _addr=$2
	rm -f "$T"/*.runs
	_r=1
	while [ $_r -le "$RUNS" ]; do
		timed ztp "$T/targets" "$KC" -q -F /dev/null -j "$J" -o json
		[ -n "$AUDIT" ] && timed audit /dev/null ssh-audit -b -n -T "$T/targets" --threads "$J" $SKIPRATE
		[ -n "$NMAP" ] && timed nmap /dev/null nmap -Pn -n -sV --version-intensity 0 -T4 -p "$PORTLIST" \
			--script ssh2-enum-algos -oX - "$_addr"
		_r=$((_r + 1))
	done
	echo
	echo "== $_label: $N sshd${SSHD_R:+ -r} endpoints on $_addr ($NIOS IOS-like, $NHW Huawei-like," \
		"$NMOD modern), $RUNS runs, medians; $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs," \
		"load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
	printf '%-36s %7s %8s %6s %7s %8s  %s\n' tool seconds hosts/s right "cpu(s)" "sshd(s)" "runs (s)"
	row "ztp-kexcheck -j $J" ztp
	[ -n "$AUDIT" ] && row "ssh-audit ${AV:-?} -b --threads $J" audit
	[ -n "$NMAP" ] && row "nmap $NV -sV -T4 ssh2-enum-algos" nmap
	[ -n "$AUDIT" ] && echo "  (ssh-audit ${SKIPRATE:+with --skip-rate-test}${SKIPRATE:-without --skip-rate-test: not in this version})"
	if [ "$(minright "$T/ztp.runs")" != "$N" ]; then
		echo "verdict ($_label): ztp-kexcheck got only $(minright "$T/ztp.runs")/$N endpoints right; no comparison"
		sed -n '1,5p' "$T/ztp.err"
		ZTP_BAD=1
		return
	fi
	_z=$(median 1 "$T/ztp.runs")
	echo "ratios (hosts/s): ztp-kexcheck/ssh-audit $(awk -v z="$_z" -v t="$(median 1 "$T/audit.runs")" 'BEGIN { printf "%.1f", (z > 0 ? t / z : 0) }')," \
		"ztp-kexcheck/nmap $(awk -v z="$_z" -v t="$(median 1 "$T/nmap.runs")" 'BEGIN { printf "%.1f", (z > 0 ? t / z : 0) }')"
	ms() { awk -v f="$(median 3 "$T/$1.runs")" -v n="$N" 'BEGIN { if (f == "?" || f == "") print "?"; else printf "%.0f", f * 1000 / n }'; }
	echo "sshd CPU per host (ms): ztp-kexcheck $(ms ztp), ssh-audit $(ms audit), nmap $(ms nmap)"
	# the floor: the sshd side of one connection per host, which no
	# scanner can skip; where process creation does not scale across
	# CPUs (machine line) more CPUs do not shorten it
	awk -v z="$_z" -v s="$(median 3 "$T/ztp.runs")" -v a="$(median 1 "$T/audit.runs")" \
	    -v m="$(median 1 "$T/nmap.runs")" -v n="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" 'BEGIN {
		if (s == "?" || s <= 0) exit
		printf "floor: one connection per host costs the fleet sshd %.2f s of CPU (%.2f s if spread over %d CPUs); ztp-kexcheck took %.2f s\n", s, s / n, n, z
		printf "  the most a one-connection scanner can show against that floor: %.1fx ssh-audit, %.1fx nmap (%.1fx and %.1fx if spread)\n", a / s, m / s, a * n / s, m * n / s }'
	echo "verdict ($_label): $(compare audit ssh-audit 10); $(compare nmap nmap 3)"
}

ZTP_BAD=
SCAN_NS=
. "$TOP/tests/bench/machine.inc"
machine_line
fleet_start 127.0.0.1
bench_net loopback 127.0.0.1
fleet_stop

if [ "$RTT" = 0 ]; then
	echo
	echo "== with a round-trip time: KEXBENCH_RTT_MS=0; skipped"
elif wire_start; then
	fleet_start 10.201.0.2 "$NSB"
	SCAN_NS=$NSA
	bench_net "RTT ${RTT} ms" 10.201.0.2
	fleet_stop
else
	echo
	echo "== with a round-trip time: $WIRE_WHY; skipped"
fi
[ -z "$ZTP_BAD" ] || exit 1
exit 0
