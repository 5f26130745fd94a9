#!/bin/sh
# dhcpd-abuse.t: ztp-dhcpd against a hostile port, with real clients in
# network namespaces.  Option 82 counts only from the configured relays: a
# client that sends its own (giaddr 0) gets no port and no console line
# (D6).  A flood of random MACs from one port (perfdhcp) cannot empty the
# pool within a rate-limit window, and a device on another port still gets
# its lease (D7).  A 1-byte option 61 is logged at -vv (D17).  A full lease
# disk is one log line per log_interval, then a count, not a line per batch
# (D10).
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
for c in ip udhcpc dhcrelay perfdhcp mount; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
. "$TOP/tests/netns.sh"
netns_rack za

mkconf() { # mkconf LEASEDIR PER_PORT
	cat <<EOF2
spool: $T/spool
dhcp:
  lease_dir: $1
  lease_time: 1h
  rate_limit: {interval: 1h, per_mac: 20, per_port: $2}
  subnets:
    rack1: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.0.100-10.99.0.219, router: 10.99.0.1}
    rack2: {subnet: 10.98.0.0/24, range: 10.98.0.100-10.98.0.199, router: 10.98.0.1}
racks:
  rack1:
    interface: br0
    ports: {Gi1/0/7: ge-0/0/7}
    console: {ge-0/0/7: "cs1:7"}
  rack2:
    subnet: rack2
    relay: 10.98.0.1
    ports: {${R}d: ge-0/0/7}
    console: {ge-0/0/7: "cs2:7"}
EOF2
}
ztp-spool -s "$T/spool" init
mkconf "$T/leases" 100 >"$T/ztp.yml"
run ip netns exec $S "$D" -n -c "$T/ztp.yml"
is "$rc" 0 "-n accepts the configuration"

start() { # start CONF LOG
	ip netns exec $S "$D" -d -vv -c "$1" 2>"$2" &
	srv=$!
	bg_pid $srv
	i=0
	while [ $i -lt 50 ] && ! grep -q serving "$2" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}
start "$T/ztp.yml" "$T/srv.log"
like "$(cat "$T/srv.log")" "serving 2 subnets" "ztp-dhcpd is up"

waitrec() { # waitrec ID: records are written by a thread after the ACK
	i=0
	while [ $i -lt 50 ] && [ ! -f "$T/spool/discovered/$1.yml" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cat "$T/spool/discovered/$1.yml" 2>/dev/null
}
macof() { ip -n $C link show "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# D6: a directly attached client that sends option 82 itself (circuit id
# Gi1/0/7, the port of rack1's console line 7)
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}b -x 0x52:01074769312f302f37
is "$rc" 0 "a client sending its own option 82 gets a lease"
rec=$(waitrec "$(macof ${C}b | tr ':' '-')")
like "$rec" "rack: rack1" "its record has its rack (by interface)"
unlike "$rec" "port:" "but no port from its own option 82"
unlike "$rec" "cs1:7" "and not the console line of that port"
like "$(cat "$T/srv.log")" "option 82 from a client that is not relayed (giaddr 0): ignored" \
	"the server says why at -vv"

# D17: a 1-byte option 61 (RFC 2132 wants 2 or more) is dropped, and said
run ip netns exec $C udhcpc -f -q -n -t 2 -T 1 -i ${C}c -x 0x3d:01
like "$(cat "$T/srv.log")" "option 61 has length 1" "a 1-byte option 61 is logged at -vv"

# D7: perfdhcp, random MACs from one port, as fast as it can for 3 s:
# the port's requests count against one per_port (here per hour), so the
# flood is held to it whatever MACs it uses
ip -n $C addr add 10.99.0.50/16 dev ${C}a
run ip netns exec $C perfdhcp -4 -l ${C}a -r 400 -R 100000 -p 3 -t 1
diag "$(printf '%s\n' "$out" | grep -E 'sent packets|received packets' | tr '\n' ' ')"
# the addresses of rack1's pool offered or bound so far, as the log says
held=$(sed -n 's/.* \(offered\|bound\) \(10\.99\.0\.[0-9]*\) .*/\2/p' "$T/srv.log" | sort -u | wc -l)
diag "rack1 addresses held after the flood: $held of 120"
ok "$([ "$held" -lt 120 ] && echo 0 || echo 1)" "a flood of new MACs from one port is held to per_port: free addresses remain ($held of 120 held)"
like "$(cat "$T/srv.log")" "rate limit: dropping requests" "the server says it rate-limits"
# another port: the device behind the relay (option 82 from a listed relay)
ip netns exec $R dhcrelay -d -4 -a -iu ${R}u -id ${R}d 10.99.0.1 >"$T/relay.log" 2>&1 &
bg_pid $!
sleep 1
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}d
is "$rc" 0 "a device on another port still gets a lease"
rec=$(waitrec "$(macof ${C}d | tr ':' '-')")
like "$rec" "port: ge-0/0/7" "its relay's option 82 is believed (a configured relay)"
like "$rec" "console: cs2:7" "and gives its console line"
kill $srv 2>/dev/null
wait $srv 2>/dev/null

# D10: the lease journal on a full disk, no rate limits in the way
mkdir "$T/full"
mount -t tmpfs -o size=256k tmpfs "$T/full" || skip_all "cannot mount a tmpfs"
on_exit "umount '$T/full'"
mkconf "$T/full/leases" 0 | sed 's/per_mac: 20/per_mac: 0/' >"$T/full.yml"
start "$T/full.yml" "$T/full.log"
like "$(cat "$T/full.log")" "serving 2 subnets" "ztp-dhcpd is up on a small disk"
dd if=/dev/zero of="$T/full/filler" bs=4k count=1000 2>/dev/null
run ip netns exec $C perfdhcp -4 -l ${C}a -r 200 -R 100000 -p 3 -t 1
n=$(grep -c 'lease database: .*replies held back' "$T/full.log")
diag "lease database lines: $n"
ok "$([ "$n" -ge 1 ] && [ "$n" -le 2 ] && echo 0 || echo 1)" \
	"a full lease disk is said once per log_interval, not per batch ($n lines)"
rm -f "$T/full/filler"
# the flood's offers hold rack1's pool: a client behind the relay
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}d
is "$rc" 0 "with space again, a client gets its lease"
like "$(cat "$T/full.log")" "written again after" "and the server says the database is written again"
kill $srv 2>/dev/null
wait $srv 2>/dev/null
done_testing
