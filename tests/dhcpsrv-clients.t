#!/bin/sh
# dhcpsrv-clients.t: the protocol engine (lib/dhcp, lib/lease,
# lib/dhcpsrv) on a socket (tests/unit/h-dhcpsrv) serves real DHCP clients
# in network namespaces: udhcpc as a Cisco PnP device, ISC dhclient as a
# Juniper one, dhcpcd, and udhcpc behind ISC dhcrelay adding option 82.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
H=$BUILD/tests/unit/h-dhcpsrv
[ -x "$H" ] || skip_all "no $H (run make check-build)"
for c in ip udhcpc dhclient dhcpcd dhcrelay; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done

. "$TOP/tests/netns.sh"
netns_rack z

mkhook() { # mkhook NAME: a client hook that saves its environment on a lease
	cat >"$T/hook-$1.sh" <<EOS
#!/bin/sh
case "\$1\$reason" in bound|BOUND|REBOOT|RENEW|renew) env | sort >"$T/$1.env" ;; esac
exit 0
EOS
	chmod +x "$T/hook-$1.sh"
}
for n in udhcpc udhcpc2 dhclient dhcpcd relay; do mkhook $n; done

start_server() {
	ip netns exec $S "$H" br0 10.99.0.1 "$T/leases" >>"$T/srv.log" 2>>"$T/srv.err" &
	srv=$!
	bg_pid $srv
	i=0
	while [ $i -lt 50 ] && [ "$(grep -c READY "$T/srv.log" 2>/dev/null)" != "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
start_server 1

# a Cisco PnP device (vendor class ciscopnp, asks for 43 and 150)
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-udhcpc.sh" -V ciscopnp -O 43 -O 150
is "$rc" 0 "udhcpc gets a lease"
env=$(cat "$T/udhcpc.env" 2>/dev/null)
like "$env" "ip=10.99.0.100" "udhcpc: first address of the pool"
like "$env" "router=10.99.0.1" "udhcpc: router"
like "$env" "domain=rack1.ztp.test" "udhcpc: domain"
like "$env" "lease=3600" "udhcpc: lease time"
pnp=$(printf '5A1D;B2;K4;I10.99.0.1;J80' | od -An -tx1 | tr -d ' \n')
like "$env" "opt43=$pnp" "udhcpc: option 43 is the Cisco PnP string"
like "$(cat "$T/srv.log")" "DHCPREQUEST bound 10.99.0.100" "server: bound"
like "$(cat "$T/srv.log")" "class=pnp" "server: class pnp matched option 60"

# a Juniper device: ISC dhclient with vendor class Juniper-ex2300-48p
cat >"$T/dhclient.conf" <<'EOF2'
timeout 15;
initial-interval 1;
send vendor-class-identifier "Juniper-ex2300-48p";
request subnet-mask, routers, domain-name-servers, domain-name, vendor-encapsulated-options, tftp-server-name, bootfile-name;
EOF2
on_exit "[ -s '$T/dhclient.pid' ] && kill \$(cat '$T/dhclient.pid')"
run ip netns exec $C dhclient -4 -1 -cf "$T/dhclient.conf" -sf "$T/hook-dhclient.sh" -lf "$T/dhclient.leases" -pf "$T/dhclient.pid" ${C}b
# dhclient forks once bound; its pid file is how it is stopped
is "$rc" 0 "dhclient gets a lease"
env=$(cat "$T/dhclient.env" 2>/dev/null)
like "$env" "new_ip_address=10.99.0.10" "dhclient: an address from the pool"
unlike "$env" "new_ip_address=10.99.0.100" "dhclient: not the one udhcpc holds"
like "$env" "new_bootfile_name=ex2300.conf" "dhclient: bootfile (67)"
like "$env" "new_filename=ex2300.conf" "dhclient: file field"
like "$env" "new_tftp_server_name=10.99.0.1" "dhclient: tftp server (66)"
like "$env" "new_vendor_encapsulated_options=0:f:6a:69:6e:73:74:61:6c:6c" "dhclient: Juniper sub-option 0 (image)"
[ -s "$T/dhclient.pid" ] && kill "$(cat "$T/dhclient.pid")" 2>/dev/null

# dhcpcd
printf 'nohook resolv.conf\nnoarp\nnoipv6\n' >"$T/dhcpcd.conf"
run ip netns exec $C timeout 30 dhcpcd -4 -1 -B -t 20 -f "$T/dhcpcd.conf" -c "$T/hook-dhcpcd.sh" ${C}c
is "$rc" 0 "dhcpcd gets a lease"
like "$(cat "$T/dhcpcd.env" 2>/dev/null)" "new_ip_address=10.99.0.1" "dhcpcd: an address from the pool"

# through ISC dhcrelay with option 82
ip netns exec $R dhcrelay -d -4 -a -iu ${R}u -id ${R}d 10.99.0.1 >"$T/relay.log" 2>&1 &
bg_pid $!
sleep 0.5
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}d -s "$T/hook-relay.sh"
is "$rc" 0 "udhcpc behind dhcrelay gets a lease"
env=$(cat "$T/relay.env" 2>/dev/null)
like "$env" "ip=10.98.0.100" "relay: address from the relay's subnet"
like "$env" "router=10.98.0.1" "relay: that subnet's router"
like "$env" "lease=1800" "relay: that subnet's lease time"
like "$(cat "$T/srv.log")" "circuit=${R}d" "server: option 82 circuit id from dhcrelay"

# the leases survive a restart: the first client gets its address back
kill $srv
wait $srv 2>/dev/null
start_server 2
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-udhcpc2.sh" -V ciscopnp
like "$(cat "$T/udhcpc2.env" 2>/dev/null)" "ip=10.99.0.100" "after a restart a client keeps its address"
is "$(cat "$T/srv.err")" "" "server: no errors"
done_testing
