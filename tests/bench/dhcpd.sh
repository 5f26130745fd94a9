#!/bin/sh
# dhcpd.sh: perfdhcp (DISCOVER-OFFER-REQUEST-ACK, 60000 simulated clients
# through perfdhcp's relay mode) against ztp-dhcpd itself (lease journal
# on disk, one fdatasync per loop turn, rate limits off).  Prints ACKs per
# second and the number of fdatasyncs seen in the journal's group commits.
#   sh tests/bench/dhcpd.sh [RATE] [SECONDS]
set -u
cd "$(dirname "$0")/../.." || exit 2
rate=${1:-3000}
secs=${2:-5}
D=$PWD/cmd/ztp-dhcpd
[ "$(id -u)" = 0 ] || { echo "dhcpd bench: needs root (network namespaces)"; exit 0; }
for c in perfdhcp ip; do
	command -v $c >/dev/null 2>&1 || { echo "dhcpd bench: no $c"; exit 0; }
done
[ -x "$D" ] || make -s cmd/ztp-dhcpd || exit 2
W=$(mktemp -d /tmp/ztp-bench.XXXXXX)
S=zds$$ C=zdc$$
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid"
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
cat >"$W/ztp.yml" <<EOF2
spool: $W/spool
dhcp:
  lease_dir: $W/leases
  rate_limit: {per_mac: 0, per_port: 0}
  subnets:
    lab: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.1.0-10.99.254.254}
EOF2
ip netns exec $S "$D" -d -c "$W/ztp.yml" 2>"$W/srv.log" &
pid=$!
sleep 0.5
out=$(ip netns exec $C perfdhcp -4 -l ${C}a -r "$rate" -R 60000 -p "$secs" -t 1 2>&1)
acks=$(printf '%s\n' "$out" | sed -n '/REQUEST-ACK/,$p' | sed -n 's/^received packets: //p' | head -1)
echo "ztp-dhcpd: rate $rate/s for ${secs}s: ${acks:-0} ACKs, $(( ${acks:-0} / secs ))/s"
printf '%s\n' "$out" | grep -E 'drops ratio|rejected|non unique'
