#!/bin/sh
# dhcp-engine.sh: perfdhcp (DISCOVER-OFFER-REQUEST-ACK, 80 simulated
# clients) against Kea's kea-dhcp4 (memfile, persist, no fsync) and against
# the ztp protocol engine on a socket (tests/unit/h-dhcpsrv: one fdatasync
# of the lease journal per loop turn), same namespaces, same rate, same run.
# Prints the ACKs per second of each and the ratio.  Needs root.
#   sh tests/bench/dhcp-engine.sh [RATE] [SECONDS]
set -u
cd "$(dirname "$0")/../.." || exit 2
rate=${1:-4000}
secs=${2:-5}
H=$PWD/tests/unit/h-dhcpsrv
[ "$(id -u)" = 0 ] || { echo "dhcp-engine: needs root (network namespaces)"; exit 0; }
for c in kea-dhcp4 perfdhcp ip; do
	command -v $c >/dev/null 2>&1 || { echo "dhcp-engine: no $c"; exit 0; }
done
[ -x "$H" ] || make -s tests/unit/h-dhcpsrv || exit 2
W=$(mktemp -d /tmp/ztp-bench.XXXXXX)
S=zbs$$ C=zbc$$
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	ip netns del $S 2>/dev/null
	ip netns del $C 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
ip netns add $S && ip netns add $C || exit 2
ip -n $S link add br0 type bridge
ip -n $S addr add 10.99.0.1/16 dev br0
ip -n $S link set br0 up
ip link add ${S}a type veth peer name ${C}a
ip link set ${S}a netns $S
ip link set ${C}a netns $C
ip -n $S link set ${S}a master br0
ip -n $S link set ${S}a up
ip -n $C link set ${C}a up
ip -n $C addr add 10.99.0.50/16 dev ${C}a
cat >"$W/kea.json" <<EOK
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "br0" ], "dhcp-socket-type": "raw" },
  "lease-database": { "type": "memfile", "persist": true,
                      "name": "$W/kea-leases.csv", "lfc-interval": 0 },
  "valid-lifetime": 3600,
  "subnet4": [ { "id": 1, "subnet": "10.99.0.0/16",
    "pools": [ { "pool": "10.99.0.100 - 10.99.0.199" } ],
    "option-data": [ { "name": "routers", "data": "10.99.0.1" },
                     { "name": "domain-name-servers", "data": "10.99.0.1" } ] } ],
  "loggers": [ { "name": "kea-dhcp4",
    "output_options": [ { "output": "$W/kea.log" } ], "severity": "WARN" } ]
} }
EOK

acks() { # acks: run perfdhcp, print the REQUEST-ACK replies received
	ip netns exec $C perfdhcp -4 -l ${C}a -r "$rate" -R 80 -p "$secs" -t 1 2>&1 |
	    sed -n '/REQUEST-ACK/,$p' | sed -n 's/^received packets: //p' | head -1
}
KEA_PIDFILE_DIR=$W KEA_LOCKFILE_DIR=$W ip netns exec $S kea-dhcp4 -c "$W/kea.json" >"$W/kea.out" 2>&1 &
pid=$!
sleep 2
kea=$(acks)
kill $pid; wait $pid 2>/dev/null
ip netns exec $S "$H" br0 10.99.0.1 "$W/leases" >/dev/null 2>"$W/ztp.err" &
pid=$!
sleep 0.5
ztp=$(acks)
kill $pid; wait $pid 2>/dev/null
pid=
echo "dhcp-engine: perfdhcp at $rate/s for ${secs}s, 80 clients"
echo "dhcp-engine: kea-dhcp4 $(kea-dhcp4 -v): $(( ${kea:-0} / secs )) ACK/s"
echo "dhcp-engine: ztp engine (fdatasync per turn): $(( ${ztp:-0} / secs )) ACK/s"
awk -v a="${ztp:-0}" -v b="${kea:-0}" 'BEGIN { if (b > 0) printf "dhcp-engine: ratio ztp/kea %.2f\n", a / b }'
