#!/bin/sh
# tests/bench/flow.sh [DEVICES]: the whole provisioning job for DEVICES
# simulated routers (default 40, IOS-XE), with the same concurrency
# (FLOWBENCH_JOBS, default 8) and the same simulators, in one run:
#   ztp-flow run          one pass over DEVICES records in discovered:
#                         kexcheck pre-flight, probe (show version,
#                         inventory), push of the shipped baseline template
#                         (render, show running-config for the diff, backup
#                         copy, configure, every line checked, save, the
#                         verify checks), post-check, done; whole process
#   netmiko               Debian python3-netmiko (/usr/bin/python3) the way a
#                         Python provisioning backend does it, in a pool of
#                         the same number of threads: per device
#                         ConnectHandler(device_type='cisco_xe'), show
#                         version (serial by regex), send_config_set(the
#                         lines ztp-flow pushed to that device, taken from
#                         the simulator's record, so rendering costs netmiko
#                         nothing), set_base_prompt() (the hostname changed),
#                         save_config(), one show as the check, disconnect;
#                         whole process
# The routers sit in a network namespace the bench creates: each is an
# address of 127.0.0.0/8 there, served by one OpenSSH sshd whose
# ForceCommand starts the simulator that address names (as tests/flow-load.t
# does).  A run counts only when every device ended done (ztp-flow) or
# returned (netmiko) and the simulator recorded every line for it.
# Prints devices per minute of each and the ratio; the floor the machine
# allows is the sshd side (two processes per connection before the server
# says a word, tests/bench/machine.inc), paid by both alike.
#
# Timings are printed, never asserted: exit 0 unless nothing is built or a
# run fails; "skipped" without root, sshd, netmiko or network namespaces.
# Rerun: sh tests/bench/flow.sh [40]   (FLOWBENCH_JOBS=8, KEEP=1 keeps the
#   scratch directory)
set -u
N=${1:-40}
J=${FLOWBENCH_JOBS:-8}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SIM=$TOP/tests/sim/ztp-sim
PY=/usr/bin/python3
PATH=$TOP/cmd:$PATH
export PATH
skip() { echo "bench flow: $*; skipped"; exit 0; }
case $N$J in '' | *[!0-9]*) echo "usage: $0 [DEVICES] (FLOWBENCH_JOBS=N)"; exit 2 ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 2000 ] || { echo "usage: $0 [DEVICES] (1 to 2000)"; exit 2; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces and sshd"
[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd"
command -v perl >/dev/null || skip "no perl for the monotonic clock"
[ -x "$PY" ] && "$PY" -c 'import netmiko' 2>/dev/null || skip "no netmiko (apt-get install python3-netmiko)"
[ -x "$SIM" ] && [ -x "$TOP/cmd/ztp-probe" ] || { echo "bench flow: build first (make)"; exit 1; }
. "$TOP/tests/bench/machine.inc"

T=$(mktemp -d)
NS=zfb$$
SPID=
cleanup() {
	[ -n "$SPID" ] && { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
	ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "bench flow: kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
ip netns add "$NS" 2>/dev/null || skip "cannot create network namespaces"
ip -n "$NS" link set lo up
inns() { ip netns exec "$NS" "$@"; }

O=$T/out F=$T/fleet
mkdir -p "$O" "$F" "$T/vars/devices" /run/sshd
cp -R "$TOP/templates/vars/." "$T/vars/"
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$T/id" || exit 1
cp "$T/id.pub" "$T/authorized_keys"
chmod 600 "$T/authorized_keys"
cat >"$T/device.sh" <<EOF
#!/bin/sh
# shellcheck disable=SC2086 # the fields of SSH_CONNECTION
set -- \$SSH_CONNECTION
[ -f "$F/\$3" ] || { echo "no device at \$3" >&2; exit 1; }
. "$F/\$3"
exec "$SIM" --platform cisco_iosxe --serial "\$sn" --hostname Router --record "$O/rec-\$3"
EOF
chmod 755 "$T/device.sh"
cat >"$T/sshd_config" <<EOF
Port 22
ListenAddress 0.0.0.0
HostKey $T/host_key
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
PermitUserRC no
StrictModes no
MaxStartups 1000
LogLevel QUIET
SetEnv SHLVL=5
ForceCommand $T/device.sh
EOF
# not through inns: a function in the background is a subshell, whose PID
# is not sshd's (the stop left sshd running); ip netns exec execs sshd
ip netns exec "$NS" /usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
SPID=$!
i=0
until inns ss -Hltn 2>/dev/null | awk '$4 == "0.0.0.0:22" { f = 1 } END { exit !f }'; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "bench flow: sshd did not start"; cat "$T/sshd.log"; exit 1; }
	sleep 0.1
done

# the fleet: ztp.yml, the secrets (the key), one record and one hostname per
# device
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh: {timeout: 30, known_hosts: "off"}
templates: {path: [$TOP/templates], vars: $T/vars}
flow: {retries: 0}
EOF
printf 'credentials:\n- {name: prov, username: root, key_file: %s}\n' "$T/id" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
: >"$T/records"
: >"$T/hosts"
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	addr=127.0.$((i / 250 + 1)).$((i % 250 + 1))
	sn=$(printf 'BF%07d' "$i")
	mac=$(printf '0c:d9:97:%02x:%02x:%02x' $((i / 65536)) $((i / 256 % 256)) $((i % 256)))
	printf 'sn=%s\n' "$sn" >"$F/$addr"
	printf 'hostname: cpe-%s\n' "$i" >"$T/vars/devices/$sn.yml"
	printf '{"id": "%s", "mac": "%s", "ip": "%s", "rack": "bench", "port": "Gi1/0/%s"}\n' \
		"$(printf '%s' "$mac" | tr : -)" "$mac" "$addr" "$i" >>"$T/records"
	printf '%s %s\n' "$addr" "$sn" >>"$T/hosts"
done
export ZTP_CONFIG="$T/ztp.yml"
ztp-spool init >/dev/null || exit 1
ztp-spool put discovered "$T/records" >/dev/null || exit 1

# lines the simulator took from each device's pushes (its record:
# CONTEXT<TAB>LINE[<TAB>rejected]), counting configuration lines only
took() { # took ADDR
	awk -F '\t' '$3 == "" && $2 != "" { n++ } END { print n + 0 }' "$O/rec-$1" 2>/dev/null || echo 0
}

echo "bench flow: $N simulated IOS-XE routers behind one sshd in a network namespace, $J at a time;" \
	"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
machine_line

# ---- ztp-flow: one pass, the whole process timed
ZW=$(inns perl "$TOP/tests/bench/timed.pl" /dev/null "$T/flow" sh "$TOP/cmd/ztp-flow.sh" -q -j "$J" run |
	awk '{ print $1 }')
ndone=$(ztp-spool ls "done" | wc -l)
if [ "$ndone" != "$N" ]; then
	echo "bench flow: ztp-flow left $((N - ndone)) of $N devices out of done:"
	ztp-spool ls discovered probed configured failed | head -n 5
	sed -n '1,10p' "$T/flow.out" "$T/flow.err"
	exit 1
fi
# the configuration each device got, for netmiko to push the same
mkdir "$T/lines"
bad=0
while read -r addr sn; do
	awk -F '\t' '$3 == "" && $2 != "" { print $2 }' "$O/rec-$addr" >"$T/lines/$addr"
	[ -s "$T/lines/$addr" ] || bad=$((bad + 1))
	mv "$O/rec-$addr" "$O/flow-rec-$addr"
done <"$T/hosts"
[ "$bad" = 0 ] || { echo "bench flow: $bad devices done without configuration lines"; exit 1; }
ZL=$(cat "$T/lines"/* | wc -l)

# ---- netmiko, the same job as a Python backend writes it
cat >"$T/nm.py" <<'PY'
import re, sys, time
from concurrent.futures import ThreadPoolExecutor
from netmiko import ConnectHandler
hosts, key, lines_dir, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fleet = [l.split() for l in open(hosts) if l.strip()]

def provision(dev):
    addr, want = dev
    lines = [l for l in open(lines_dir + "/" + addr).read().split("\n") if l.strip()]
    c = ConnectHandler(device_type="cisco_xe", host=addr, username="root", use_keys=True,
                       key_file=key, allow_agent=False)
    try:
        ver = c.send_command("show version")
        m = re.search(r"[Pp]rocessor board ID (\S+)", ver)
        serial = m.group(1) if m else None
        c.send_config_set(lines)
        c.set_base_prompt()  # the configuration renamed the device: its prompt changed
        c.save_config()
        check = c.send_command("show running-config | include hostname")
    finally:
        c.disconnect()
    return serial == want and "hostname" in check

t0 = time.monotonic()
with ThreadPoolExecutor(max_workers=jobs) as pool:
    results = list(pool.map(provision, fleet))
print("%d %.3f" % (sum(1 for r in results if r), time.monotonic() - t0))
PY
NW=$(inns perl "$TOP/tests/bench/timed.pl" /dev/null "$T/nm" "$PY" "$T/nm.py" "$T/hosts" "$T/id" "$T/lines" "$J" |
	awk '{ print $1 }')
read -r NOK NIN <<EOF
$(tail -n 1 "$T/nm.out")
EOF
NOK=${NOK:-0} NIN=${NIN:-0}
NL=0
while read -r addr sn; do
	NL=$((NL + $(took "$addr")))
done <"$T/hosts"
if [ "$NOK" != "$N" ] || [ "$NL" != "$ZL" ]; then
	echo "bench flow: netmiko provisioned $NOK of $N devices, the simulators took $NL of $ZL lines:"
	tail -n 5 "$T/nm.err"
	exit 1
fi

printf '%-44s %8s %12s\n' "job ($N devices, $ZL lines, $J at a time)" "s" "devices/min"
row() { printf '%-44s %8.2f %12.1f\n' "$1" "$2" "$(awk -v n="$N" -v w="$2" 'BEGIN { print (w > 0 ? 60 * n / w : 0) }')"; }
row "ztp-flow run (whole process)" "$ZW"
NV=$("$PY" -c 'import netmiko; print(netmiko.__version__)' 2>/dev/null)
row "netmiko $NV (whole process)" "$NW"
row "netmiko $NV (inside Python, no import)" "$NIN"
awk -v z="$ZW" -v n="$NW" 'BEGIN {
	printf "verdict: ztp-flow provisions %.1fx the devices per minute of netmiko (whole process each);", (z > 0 ? n / z : 0)
	print " ztp-flow does more per device (pre-flight, diff, backup, verify checks, post-check)" }'
echo "rerun: sh tests/bench/flow.sh $N"
exit 0
