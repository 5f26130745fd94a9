#!/bin/sh
# dhcpd-relay.t: ztp-dhcpd behind a real relay (ISC dhcrelay adding option
# 82, circuit id = the relay's port) with two relay ports, each its own
# segment and subnet (the second tied to its relay address, outside it):
#   - a full pool behind the relay is logged once per log interval, with
#     the number of refusals, not once per request;
#   - a flood of DISCOVERs (many MACs) on one port is cut by the per-port
#     rate limit, logged once, and a client on the other port still gets
#     its lease while the flood goes on.
# The floods come from tests/dhcp-flood.py (DISCOVERs broadcast out of the
# client's interface, as clients without an address send them).
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
for c in ip udhcpc dhcrelay /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done

. "$TOP/tests/netns.sh"
netns_rack yr
# a second relay port: ${R}e (10.98.1.1/24) -- ${C}e
ip link add ${R}e type veth peer name ${C}e
ip link set ${R}e netns $R
ip link set ${C}e netns $C
ip -n $R addr add 10.98.1.1/24 dev ${R}e
ip -n $R link set ${R}e up
ip -n $C link set ${C}e up
ip -n $S route add 10.98.1.0/24 via 10.99.0.2

cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
dhcp:
  lease_dir: $T/leases
  offer_time: 1h
  rate_limit: {interval: 1h, per_mac: 0, per_port: 40, log_interval: 2s}
  subnets:
    rack1: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.0.100-10.99.0.199}
    portd: {subnet: 10.98.0.0/24, range: 10.98.0.100-10.98.0.101, router: 10.98.0.1}
    porte: {subnet: 10.96.0.0/24, relay: [10.98.1.1], range: 10.96.0.100-10.96.0.199}
EOF2
ip netns exec $S "$D" -d -v -c "$T/ztp.yml" 2>"$T/srv.log" &
srv=$!
bg_pid $srv
i=0
while [ $i -lt 50 ] && ! grep -q serving "$T/srv.log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
ip netns exec $R dhcrelay -d -4 -a -iu ${R}u -id ${R}d -id ${R}e 10.99.0.1 >"$T/relay.log" 2>&1 &
bg_pid $!
sleep 1
flood() { ip netns exec $C /usr/bin/python3 "$TOP/tests/dhcp-flood.py" "$@"; }
fulls() { grep -c 'pool full' "$T/srv.log"; }

# port d: a pool of two addresses; 12 new clients, then 12 more after the
# log interval: two lines for 22 refusals (each line gives the count so far)
flood ${C}d 12 200 1
i=0
while [ $i -lt 30 ] && [ "$(fulls)" = 0 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
is "$(fulls)" 1 "a full pool behind the relay: one line for the first burst"
like "$(grep 'pool full' "$T/srv.log")" "(1 refusals)" "it counts the refusals"
sleep 2.2
flood ${C}d 12 200 2
i=0
while [ $i -lt 30 ] && [ "$(fulls)" = 1 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
is "$(fulls)" 2 "one more line after the log interval, not one per request"
n=$(grep 'pool full' "$T/srv.log" | tail -1 | sed -n 's/.*(\([0-9]*\) refusals).*/\1/p')
diag "last pool-full line: $(grep 'pool full' "$T/srv.log" | tail -1 | sed 's/.*ztp-dhcpd[^ ]* //')"
ok "$([ "${n:-0}" -ge 8 ] && echo 0 || echo 1)" "the second line counts the refusals not logged in between (${n:-0} so far)"
like "$(grep 'pool full' "$T/srv.log" | head -1)" "no free address for 02:00:00:01:" "it names a client behind the relay"

# port d floods (the port is over its 40 requests per hour); meanwhile a
# client on port e gets its lease; a client on port d does not
flood ${C}d 600 300 3 &
fl=$!
bg_pid $fl
sleep 0.5
cat >"$T/hook.sh" <<EOS
#!/bin/sh
case "\$1" in bound) echo "\$interface \$ip" >>"$T/leases.got" ;; esac
exit 0
EOS
chmod +x "$T/hook.sh"
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}e -s "$T/hook.sh"
is "$rc" 0 "during the flood on port d, a client on port e gets a lease"
like "$(cat "$T/leases.got" 2>/dev/null)" "${C}e 10.96.0.100" "from the subnet tied to port e's relay address"
run ip netns exec $C udhcpc -f -q -n -t 2 -T 1 -i ${C}d -s "$T/hook.sh"
ok "$([ "$rc" != 0 ] && echo 0 || echo 1)" "a client on the flooding port gets nothing"
wait $fl
like "$(cat "$T/srv.log")" "rate limit: dropping requests" "the rate limit is logged"
nrl=$(grep -c 'rate limit: dropping' "$T/srv.log")
ok "$([ "$nrl" -le 3 ] && echo 0 || echo 1)" "at most once per log interval ($nrl lines for ~600 requests)"
diag "$(grep 'rate limit: dropping' "$T/srv.log" | tail -1 | sed 's/.*ztp-dhcpd[^ ]* //')"
kill $srv
wait $srv
is "$?" 0 "clean exit"
unlike "$(cat "$T/srv.log")" "AddressSanitizer" "no sanitizer reports"
done_testing
