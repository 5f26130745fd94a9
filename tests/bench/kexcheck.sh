#!/bin/sh
# tests/bench/kexcheck.sh [N]: scan one sshd (configured like an old IOS box)
# N times with ztp-kexcheck, once with nmap ssh2-enum-algos and once with
# ssh-audit, and print the time per scan and the ratios.  Needs root (sshd).
set -u
N=${1:-200}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "bench kexcheck: needs root for sshd; skipped"; exit 0; }
T=$(mktemp -d)
trap 'kill $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh-keygen -q -t rsa -b 2048 -N '' -f "$T/rsa_key"
cat >"$T/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/rsa_key
PidFile $T/sshd.pid
UsePAM no
MaxStartups 1000
LogLevel QUIET
KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1
HostKeyAlgorithms ssh-rsa
MACs hmac-sha1
CONF
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
SPID=$!
i=0
while ! python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || { cat "$T/sshd.log"; exit 1; }; sleep 0.1
done
now() { python3 -c 'import time; print(time.monotonic())'; }
secs() { python3 -c "print('%.3f' % ($2 - $1))"; }

i=0; : >"$T/hosts"
while [ $i -lt "$N" ]; do echo "127.0.0.1:$PORT" >>"$T/hosts"; i=$((i + 1)); done
t0=$(now); "$TOP/cmd/ztp-kexcheck" -j 16 -o json <"$T/hosts" >"$T/out"; t1=$(now)
ok=$(grep -c '"status": "ok"' "$T/out")
z=$(secs "$t0" "$t1")
echo "ztp-kexcheck: $N scans (-j 16) in $z s, $ok complete, $(python3 -c "print('%.1f' % ($z / $N * 1000))") ms per host"
if command -v nmap >/dev/null; then
	t0=$(now); nmap -Pn -n -sV --version-intensity 0 -p "$PORT" --script ssh2-enum-algos 127.0.0.1 >/dev/null 2>&1; t1=$(now)
	n=$(secs "$t0" "$t1")
	echo "nmap ssh2-enum-algos: 1 scan in $n s; per host ztp-kexcheck is $(python3 -c "print('%.0f' % ($n / ($z / $N)))")x faster"
fi
if command -v ssh-audit >/dev/null; then
	t0=$(now); ssh-audit -j -n -p "$PORT" 127.0.0.1 >/dev/null 2>&1; t1=$(now)
	a=$(secs "$t0" "$t1")
	echo "ssh-audit: 1 scan in $a s; per host ztp-kexcheck is $(python3 -c "print('%.0f' % ($a / ($z / $N)))")x faster"
fi
