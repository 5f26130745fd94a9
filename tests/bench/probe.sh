#!/bin/sh
# tests/bench/probe.sh [N] [J]: N simulated routers (tests/sim, cisco_ios,
# paging on) behind one OpenSSH sshd, probed by ztp-probe (-j J) and by
# netmiko 2.4.2 (send_command show version + show inventory, J threads,
# default and fast_cli=True) in the same run.  Prints devices/s and the
# ratios.  Needs root (sshd) and /usr/bin/python3 with netmiko.
set -u
N=${1:-50}
J=${2:-8}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SIM=$TOP/tests/sim/ztp-sim
[ "$(id -u)" = 0 ] || { echo "bench probe: needs root for sshd; skipped"; exit 0; }
[ -x "$SIM" ] || { echo "bench probe: build first (make)"; exit 1; }
T=$(mktemp -d)
trap 'kill $SPID 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
cp "$T/id.pub" "$T/authorized_keys"
chmod 600 "$T/authorized_keys"
cat >"$T/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 1000
LogLevel QUIET
SetEnv SHLVL=5
ForceCommand $SIM --platform cisco_ios --serial BENCH1
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
rate() { python3 -c "print('%.2f' % ($N / $1))"; }

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
hosts=$(i=1; while [ $i -le "$N" ]; do printf 'd%d ' $i; i=$((i + 1)); done)

t0=$(now)
# shellcheck disable=SC2086
/usr/bin/time -f "# ztp-probe cpu: %U user %S sys" "$TOP/cmd/ztp-probe" -c "$T/ztp.yml" -F "$T/ssh_config" -j "$J" -o json $hosts >"$T/out" 2>"$T/err"; tail -1 "$T/err"
t1=$(now)
okz=$(grep -c '"serial": "BENCH1"' "$T/out")
z=$(secs "$t0" "$t1")
echo "ztp-probe:          $N devices (-j $J) in $z s, $okz with facts, $(rate "$z") devices/s"

cat >"$T/nm.py" <<'PY'
import sys, time
from concurrent.futures import ThreadPoolExecutor
from netmiko import ConnectHandler
port, key, n, j, fast = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
def one(i):
    c = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=port, username="root",
                       use_keys=True, key_file=key, allow_agent=False, fast_cli=fast)
    a = c.send_command("show version")
    b = c.send_command("show inventory")
    c.disconnect()
    return "BENCH1" in a and "BENCH1" in b
with ThreadPoolExecutor(j) as ex:
    print(sum(ex.map(one, range(n))))
PY
for fast in ${NETMIKO_MODES:-0 1}; do
	t0=$(now)
	okn=$(/usr/bin/time -o "$T/nm.time" -f "%U user %S sys" /usr/bin/python3 "$T/nm.py" "$PORT" "$T/id" "$N" "$J" "$fast" 2>"$T/nm.err")
	t1=$(now)
	n=$(secs "$t0" "$t1")
	[ "$fast" = 1 ] && label="netmiko fast_cli:" || label="netmiko default: "
	echo "$label  $N devices ($J threads) in $n s, ${okn:-0} with facts, $(rate "$n") devices/s," \
		"ztp-probe is $(python3 -c "print('%.1f' % ($n / $z))")x faster"
	echo "# netmiko cpu: $(cat "$T/nm.time")"
	[ -n "$okn" ] || tail -3 "$T/nm.err"
done
