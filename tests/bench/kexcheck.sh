#!/bin/sh
# tests/bench/kexcheck.sh [N]: one fleet, three scanners.
#
# Starts N (default 64) real OpenSSH sshd endpoints on 127.0.0.1, one sshd
# process per port, in a mix like an ISP's access layer: half old IOS-like
# (diffie-hellman-group14-sha1 + gex-sha1, ssh-rsa, hmac-sha1), a quarter
# Huawei-like (gex-sha1 only, ssh-rsa, hmac-sha1) and a quarter modern
# OpenSSH defaults with an ed25519 host key.  Then scans the same list of
# host:port once with each of
#   ztp-kexcheck -q -F /dev/null -j 64 -o json              (hosts on stdin)
#   ssh-audit -b -n -T targets --threads 64 [--skip-rate-test]
#   nmap -Pn -n -sV --version-intensity 0 -T4 -p PORTS --script ssh2-enum-algos 127.0.0.1
# (--skip-rate-test only where the installed ssh-audit has it; ssh-audit's
# batch text is parsed, as its JSON lacks the port; nmap writes XML),
# checks that each one reported, for every endpoint, exactly the KEX and
# MAC lists that `sshd -T` says it offers (kex-strict-* and ext-info-*
# aside), and prints for each: wall time on the monotonic clock, hosts per
# second, the CPU time of the scanner and the CPU time the fleet's sshd
# processes spent serving it; then the ratios and a verdict against the
# targets (10x ssh-audit, 3x nmap).
#
# On loopback the scanners share the CPUs with the fleet, and an OpenSSH
# connection costs the server a fork and a re-exec of sshd: the sshd CPU
# column shows how much of a run is the fleet's, not the scanner's.
# KEXBENCH_SSHD_R=1 runs the fleet with sshd -r (no re-exec per
# connection, a debugging option of sshd) to see the scanners with a
# cheaper server.
#
# Timings are printed, never asserted: the exit status is 1 only when the
# fleet does not start or ztp-kexcheck misses endpoints.  Needs root
# (sshd), perl (monotonic clock) and ss (iproute2); Linux /proc for the
# sshd CPU column.
set -u
N=${1:-64}
J=64
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KC=$TOP/cmd/ztp-kexcheck
SSHD=/usr/sbin/sshd

skip() { echo "bench kexcheck: $*; skipped"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root for sshd"
[ -x "$SSHD" ] || skip "no $SSHD"
command -v perl >/dev/null || skip "no perl for the monotonic clock"
command -v ss >/dev/null || skip "no ss (iproute2)"
[ -x "$KC" ] || { echo "bench kexcheck: $KC not built (make)"; exit 1; }
case $N in '' | *[!0-9]*) echo "usage: $0 [N]"; exit 2 ;; esac
[ "$N" -ge 4 ] && [ "$N" -le 1000 ] || { echo "bench kexcheck: N from 4 to 1000"; exit 2; }
SSHD_R=
[ "${KEXBENCH_SSHD_R:-0}" = 1 ] && SSHD_R=-r

T=$(mktemp -d)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- the fleet ----------------------------------------------------------

# N free ports: bound all at once (so they differ), then released
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
i=0
: >"$T/targets"
: >"$T/expect"
PORTLIST=
NIOS=0 NHW=0 NMOD=0
while read -r port; do
	case $((i % 4)) in 0 | 1) NIOS=$((NIOS + 1)) ;; 2) NHW=$((NHW + 1)) ;; 3) NMOD=$((NMOD + 1)) ;; esac
	{
		echo "Port $port"
		echo "ListenAddress 127.0.0.1"
		echo "PidFile $T/sshd$i.pid"
		echo "UsePAM no"
		echo "LogLevel QUIET"
		echo "MaxStartups 1000"
		profile $i
	} >"$T/sshd$i.conf"
	"$SSHD" -D -e $SSHD_R -f "$T/sshd$i.conf" 2>>"$T/sshd.log" &
	PIDS="$PIDS $!"
	echo "127.0.0.1:$port" >>"$T/targets"
	PORTLIST=${PORTLIST:+$PORTLIST,}$port
	if [ $i -lt 4 ]; then	# what each profile offers, as sshd itself says
		"$SSHD" -T -f "$T/sshd$i.conf" >"$T/t$i" || { cat "$T/sshd.log"; exit 1; }
		awk '$1 == "kexalgorithms" { k = $2 } $1 == "macs" { m = $2 }
		     END { print "kex=" k " mac=" m }' "$T/t$i" >"$T/offer$i"
	fi
	read -r offer <"$T/offer$((i % 4))"
	echo "$port $offer" >>"$T/expect"
	i=$((i + 1))
done <"$T/ports"
sort "$T/expect" >"$T/expect.sorted"

# wait until all N listen (ss, so that nothing connects before the scans)
i=0
while :; do
	up=$(ss -Hltn 2>/dev/null | awk 'NR == FNR { want["127.0.0.1:" $1] = 1; next }
		($4 in want) { n++ } END { print n + 0 }' "$T/ports" -)
	[ "$up" -ge "$N" ] && break
	i=$((i + 1))
	if [ $i -ge 150 ]; then
		echo "bench kexcheck: only $up of $N sshd endpoints listen after 15 s"
		sed 's/^/  sshd: /' "$T/sshd.log"
		exit 1
	fi
	sleep 0.1
done
sleep 1	# let the fleet's start-up finish (the scans wait for settle too)

# ---- the scans ----------------------------------------------------------

# CPU seconds the fleet has spent so far: each sshd listener's own (the
# fork per connection) and that of the per-connection children it reaped
# (Linux /proc; "" elsewhere)
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
STATS=
for p in $PIDS; do STATS="$STATS /proc/$p/stat"; done
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

# timed NAME STDIN CMD...: runs CMD with stdout to $T/NAME.out and stderr
# to $T/NAME.err; sets W (wall seconds, monotonic clock), C (CPU seconds
# of CMD and its children) and F (CPU seconds of the fleet serving it)
timed() {
	_name=$1 _in=$2
	shift 2
	settle
	_f0=$(fleet_cpu)
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e '
		my ($in, $out) = (shift, shift);
		open(my $res, ">&", \*STDOUT) or die;
		open(STDIN, "<", $in) or die "$in: $!\n";
		open(STDOUT, ">", "$out.out") or die;
		open(STDERR, ">", "$out.err") or die;
		my @c0 = times;
		my $t = clock_gettime(CLOCK_MONOTONIC);
		system(@ARGV);
		my $w = clock_gettime(CLOCK_MONOTONIC) - $t;
		my @c1 = times;
		printf $res "%.3f %.2f\n", $w, $c1[2] + $c1[3] - $c0[2] - $c0[3];' \
		"$_in" "$T/$_name" "$@")
	W=${1:-0} C=${2:-0}
	settle
	_f1=$(fleet_cpu)
	F=$(awk -v a="$_f0" -v b="$_f1" 'BEGIN { if (a != "" && b != "") printf "%.2f", b - a; else print "?" }')
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
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", (t > 0 ? n / t : 0) }'; }
row() { # row LABEL WALL RIGHT CPU FLEET
	printf '%-34s %7.2f %8s %6s %8.2f %8s\n' "$1" "$2" "$(rate "$N" "$2")" "$3/$N" "$4" "$5"
}

echo "bench kexcheck: $N sshd endpoints on 127.0.0.1, one sshd${SSHD_R:+ -r} process per port" \
	"($NIOS IOS-like, $NHW Huawei-like, $NMOD modern); $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs," \
	"load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
printf '%-34s %7s %8s %6s %8s %8s\n' tool seconds hosts/s right "cpu(s)" "sshd(s)"

timed ztp "$T/targets" "$KC" -q -F /dev/null -j "$J" -o json
Z=$W FZ=$F
Z_N=$(verify ztp)
row "ztp-kexcheck -j $J" "$W" "$Z_N" "$C" "$F"

A_N=none
if command -v ssh-audit >/dev/null; then
	SKIPRATE=
	ssh-audit --help 2>&1 | grep -q -e '--skip-rate-test' && SKIPRATE=--skip-rate-test
	AV=$(ssh-audit --help 2>&1 | sed -n 's/.*ssh-audit \(v[0-9][0-9.]*\).*/\1/p' | head -n 1)
	timed audit /dev/null ssh-audit -b -n -T "$T/targets" --threads "$J" $SKIPRATE
	A=$W FA=$F
	A_N=$(verify audit)
	row "ssh-audit ${AV:-?} -b --threads $J" "$W" "$A_N" "$C" "$F"
	echo "  (ssh-audit ${SKIPRATE:+with --skip-rate-test}${SKIPRATE:-without --skip-rate-test: not in this version})"
fi

M_N=none
if command -v nmap >/dev/null; then
	timed nmap /dev/null nmap -Pn -n -sV --version-intensity 0 -T4 -p "$PORTLIST" \
		--script ssh2-enum-algos -oX - 127.0.0.1
	M=$W FM=$F
	M_N=$(verify nmap)
	row "nmap $(nmap --version 2>/dev/null | awk 'NR == 1 { print $3 }') -sV -T4 ssh2-enum-algos" \
		"$W" "$M_N" "$C" "$F"
fi

# ---- the comparison -------------------------------------------------------

if [ "$Z_N" != "$N" ]; then
	echo "verdict: ztp-kexcheck got only $Z_N/$N endpoints right; no comparison"
	sed -n '1,5p' "$T/ztp.err"
	exit 1
fi
# compare NAME SECONDS RIGHT TARGET: "meets 10x ssh-audit (12.3x)"
compare() {
	case $3 in
	none) echo "$1 not installed" ;;
	"$N") awk -v z="$Z" -v t="$2" -v x="$4" -v name="$1" 'BEGIN {
		r = z > 0 ? t / z : 0
		printf "%s %sx %s (%.2fx)", (r >= x ? "meets" : "MISSES"), x, name, r }' ;;
	*) echo "$1 not comparable ($3/$N right)" ;;
	esac
}
echo "ratios (hosts/s): ztp-kexcheck/ssh-audit $(awk -v z="$Z" -v t="${A:-0}" 'BEGIN { printf "%.1f", (z > 0 ? t / z : 0) }')," \
	"ztp-kexcheck/nmap $(awk -v z="$Z" -v t="${M:-0}" 'BEGIN { printf "%.1f", (z > 0 ? t / z : 0) }')"
ms() { awk -v f="$1" -v n="$N" 'BEGIN { if (f == "?" || f == "") print "?"; else printf "%.0f", f * 1000 / n }'; }
echo "sshd CPU per host (ms): ztp-kexcheck $(ms "$FZ"), ssh-audit $(ms "${FA:-}"), nmap $(ms "${FM:-}")"
echo "verdict: $(compare ssh-audit "${A:-0}" "$A_N" 10); $(compare nmap "${M:-0}" "$M_N" 3)"
exit 0
