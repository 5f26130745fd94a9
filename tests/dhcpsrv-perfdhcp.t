#!/bin/sh
# dhcpsrv-perfdhcp.t: Kea's perfdhcp runs DISCOVER-OFFER-REQUEST-ACK
# exchanges for 80 simulated clients at 300 per second against the protocol
# engine on a socket (tests/unit/h-dhcpsrv, one fdatasync per ACK): every
# lease it gets is valid and no address goes to two clients.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
H=$BUILD/tests/unit/h-dhcpsrv
[ -x "$H" ] || skip_all "no $H (run make check-build)"
command -v perfdhcp >/dev/null 2>&1 || skip_all "no perfdhcp (kea-admin)"

. "$TOP/tests/netns.sh"
netns_pair zp
ip -n $C addr add 10.99.0.50/16 dev ${C}a

ip netns exec $S "$H" br0 10.99.0.1 "$T/leases" >"$T/srv.log" 2>"$T/srv.err" &
bg_pid $!
i=0
while [ $i -lt 50 ] && ! grep -q READY "$T/srv.log" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
run ip netns exec $C perfdhcp -4 -l ${C}a -r 300 -R 80 -p 3 -t 1
diag "$(printf '%s\n' "$out" | grep -E 'sent packets|received packets' | tr '\n' ' ')"
ack=$(printf '%s\n' "$out" | sed -n '/REQUEST-ACK/,$p' | sed -n 's/^received packets: //p' | head -1)
ok "$([ "${ack:-0}" -gt 0 ] && echo 0 || echo 1)" "perfdhcp got ACKs (${ack:-0})"
like "$out" "rejected leases: 0" "no lease rejected"
unlike "$out" "non unique addresses: [1-9]" "no address given to two clients"
bound=$(grep -c ' bound ' "$T/srv.log")
ok "$([ "$bound" -ge "${ack:-0}" ] && echo 0 || echo 1)" "server bound at least as many ($bound)"
is "$(cat "$T/srv.err")" "" "server: no errors"
done_testing
