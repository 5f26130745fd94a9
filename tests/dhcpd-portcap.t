#!/bin/sh
# dhcpd-portcap.t: one port cannot exhaust a pool (D7).  With the rate
# limits off, floods of full exchanges (tests/dhcp-dora.py) from one port
# take at most the port's share of a 50-address pool, whatever MACs or
# client ids they use: a trusted relay's port (option 82 circuit id) holds
# port_leases, one MAC under rotating client ids the same, an interface
# link_leases; another port still gets its address, and the caps hold
# across a restart (each lease keeps its port in the journal).  A rack
# whose snooping switch inserts option 82 on the interface (giaddr 0,
# racks.<r>.option82: trusted): each switch port holds port_leases; without
# the setting the option is a client's own and ignored (D6), and the flood
# is not capped per port.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
for c in ip /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
. "$TOP/tests/netns.sh"
netns_pair zq
netns_port b
# ${C}b plays a relay agent the configuration trusts
ip -n $C addr add 10.99.0.3/16 dev ${C}b

cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
dhcp:
  lease_dir: $T/leases
  lease_time: 1h
  rate_limit: {per_mac: 0, per_port: 0, log_interval: 1s, link_leases: 10}
  subnets:
    rack1: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.0.100-10.99.0.149}
    rack2: {subnet: 10.97.0.0/24, relay: [10.99.0.3], range: 10.97.0.100-10.97.0.149}
EOF2
ztp-spool -s "$T/spool" init
start() {
	ip netns exec $S "$D" -d -c "$T/ztp.yml" 2>>"$T/srv.log" &
	srv=$!
	bg_pid $srv
	i=0
	while [ $i -lt 50 ] && [ "$(grep -c serving "$T/srv.log")" != "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
stop() { kill $srv 2>/dev/null; wait $srv 2>/dev/null; }
dora() { ip netns exec $C /usr/bin/python3 "$TOP/tests/dhcp-dora.py" "$@"; }
acked() { printf '%s\n' "$1" | sed -n 's/^acked //p'; }
start 1

out=$(dora ${C}b macs 100 200 2 10.99.0.3 Gi1/0/1)
n=$(acked "$out")
diag "relayed port Gi1/0/1, 100 new MACs: $n of 50 taken"
is "$n" 4 "a relay port flooding new MACs takes port_leases (4) of the pool"
like "$(cat "$T/srv.log")" "address cap: relay 10.99.0.3 circuit id 'Gi1/0/1' holds 4 addresses" \
	"the server names the port it refuses"
out=$(dora ${C}b cids 100 200 2 10.99.0.3 Gi1/0/2)
n=$(acked "$out")
diag "relayed port Gi1/0/2, one MAC, 100 client ids: $n of 50 taken"
is "$n" 4 "one MAC rotating client ids takes 4 as well"
out=$(dora ${C}b macs 1 10 2 10.99.0.3 Gi1/0/3)
is "$(acked "$out")" 1 "a device on another port of the relay gets its address"

out=$(dora ${C}a cids 100 200 2)
n=$(acked "$out")
diag "direct on br0, one MAC, 100 client ids: $n of 50 taken"
is "$n" 4 "directly attached, one MAC rotating client ids takes 4"
out=$(dora ${C}a macs 100 200 2)
n=$(acked "$out")
diag "direct on br0, 100 new MACs: $n of 50 taken"
is "$n" 6 "directly attached, new MACs fill the interface's link_leases (10) and no more"
like "$(cat "$T/srv.log")" "address cap: interface br0 holds 10 addresses" \
	"the server names the interface"
n=$(grep -c 'address cap:' "$T/srv.log")
ok "$([ "$n" -le 12 ] && echo 0 || echo 1)" "hundreds of refusals, a line per log_interval ($n lines)"

# a restart: the leases come back with their ports
stop
start 2
out=$(dora ${C}b macs 50 200 2 10.99.0.3 Gi1/0/1)
is "$(acked "$out")" 0 "after a restart the port that took its share gets nothing more"
out=$(dora ${C}a macs 50 200 2)
is "$(acked "$out")" 0 "nor does the interface"
out=$(dora ${C}b macs 1 10 2 10.99.0.3 Gi1/0/4)
is "$(acked "$out")" 1 "another port still gets its address"
stop

# a direct rack behind a snooping switch: option 82 with giaddr 0 on br0
snoop() { # snoop LEASE_DIR [OPTION82]
	cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
dhcp:
  lease_dir: $T/$1
  lease_time: 1h
  rate_limit: {per_mac: 0, per_port: 0, log_interval: 1s}
  subnets:
    rack1: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.0.100-10.99.0.149}
racks:
  rack1: {subnet: rack1, interface: br0, ${2:+option82: $2, }console: {Gi1/0/8: "cs1:8"}}
EOF2
}
snoop snoop0
: >"$T/srv.log"
start 1
out=$(dora ${C}a macs 20 200 2 0.0.0.0 Gi1/0/7)
n=$(acked "$out")
diag "direct on br0, option 82 without option82: trusted, 20 new MACs: $n of 50 taken"
is "$n" 20 "without option82: trusted the switch's option 82 is ignored: no cap per port"
stop

snoop snoop1 trusted
run ip netns exec $S "$D" -n -c "$T/ztp.yml"
is "$rc" 0 "ztp-dhcpd -n accepts option82: trusted on a rack with an interface"
: >"$T/srv.log"
start 1
out=$(dora ${C}a macs 20 200 2 0.0.0.0 Gi1/0/7)
n=$(acked "$out")
diag "direct on br0, option82: trusted, port Gi1/0/7, 20 new MACs: $n of 50 taken"
is "$n" 4 "a snooping switch's port flooding new MACs takes port_leases (4)"
like "$(cat "$T/srv.log")" "address cap: interface br0 circuit id 'Gi1/0/7' holds 4 addresses" \
	"the server names the interface and the switch port"
out=$(dora ${C}a macs 1 10 2 0.0.0.0 Gi1/0/8)
is "$(acked "$out")" 1 "a device on another port of the switch gets its address"
stop
rec=$(grep -l 'Gi1/0/8' "$T"/spool/*/* 2>/dev/null | head -1)
like "$(cat "$rec" 2>/dev/null)" "cs1:8" "its record has the switch port's console line"
like "$(cat "$rec" 2>/dev/null)" "rack1" "and its rack"

printf 'spool: %s\nracks:\n  rack1: {relay: [10.99.0.3], option82: trusted}\n' "$T/spool" >"$T/bad.yml"
run ztp-dhcpd -n -c "$T/bad.yml"
is "$rc" 2 "ztp-dhcpd -n refuses option82: trusted on a rack without an interface"
like "$err" "option82: trusted needs the rack's interface" "and says why"
done_testing
