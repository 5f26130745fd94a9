#!/bin/sh
# dhcpd-ifaces.t: ztp-dhcpd on a server with two client-facing interfaces
# (the bridge br0 and a second veth): each subnet's pool serves the clients
# on its own interface; with dhcp.interfaces listing only br0, requests on
# the other interface are not answered; a subnet tied to an interface that
# dhcp.interfaces leaves out is a configuration error.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
command -v udhcpc >/dev/null 2>&1 || skip_all "no udhcpc"

. "$TOP/tests/netns.sh"
netns_pair yi
# the second interface: ${S}x (10.97.0.1/24) -- ${C}x, not on the bridge
ip link add ${S}x type veth peer name ${C}x
ip link set ${S}x netns $S
ip link set ${C}x netns $C
ip -n $S addr add 10.97.0.1/24 dev ${S}x
ip -n $S link set ${S}x up
ip -n $C link set ${C}x up

cat >"$T/hook.sh" <<EOS
#!/bin/sh
case "\$1" in bound) echo "\$interface \$ip \$router" >>"$T/leases" ;; esac
exit 0
EOS
chmod +x "$T/hook.sh"
mkconf() { # mkconf [INTERFACES-LINE] [X-INTERFACE-LINE]
	cat <<EOF2
spool: $T/spool
dhcp:
  lease_dir: $T/leases.d
$1
  subnets:
    rack1: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.0.100-10.99.0.199, router: 10.99.0.1}
    rack3:
      subnet: 10.97.0.0/24
      range: 10.97.0.100-10.97.0.199
      router: 10.97.0.1
$2
EOF2
}
waitlog() { _i=0; while [ $_i -lt 50 ] && ! grep -q "$1" "$T/srv.log" 2>/dev/null; do sleep 0.1; _i=$((_i + 1)); done; }
lease() { # lease IFACE: udhcpc on IFACE, prints what it got
	: >"$T/leases"
	ip netns exec $C udhcpc -f -q -n -t 3 -T 1 -i "$1" -s "$T/hook.sh" >/dev/null 2>&1
	cat "$T/leases"
}

mkconf "  interfaces: [br0]" "      interface: ${S}x" >"$T/bad.yml"
run "$D" -n -c "$T/bad.yml"
is "$rc" 2 "-n: a subnet on an interface left out of dhcp.interfaces is refused"
like "$err" "interface: not in dhcp.interfaces: '${S}x'" "the error says why"
like "$err" "dhcp.subnets.rack3" "and names the subnet"

mkconf "" "      interface: ${S}x" >"$T/ztp.yml"
ip netns exec $S "$D" -d -vv -c "$T/ztp.yml" 2>"$T/srv.log" &
srv=$!
bg_pid $srv
waitlog serving
like "$(lease ${C}a)" "${C}a 10.99.0.100 10.99.0.1" "a client on br0 gets an address of rack1's pool"
like "$(lease ${C}x)" "${C}x 10.97.0.100 10.97.0.1" "a client on the second interface gets one of rack3's pool"

# only br0 served: the second interface's clients get no answer
mkconf "  interfaces: [br0]" "" >"$T/ztp.yml"
kill -HUP $srv
waitlog "configuration reloaded"
like "$(cat "$T/srv.log")" "configuration reloaded" "SIGHUP: dhcp.interfaces [br0] taken"
: >"$T/leases"
run ip netns exec $C udhcpc -f -q -n -t 2 -T 1 -i ${C}x -s "$T/hook.sh"
ok "$([ "$rc" != 0 ] && [ ! -s "$T/leases" ] && echo 0 || echo 1)" "a client on the interface left out gets no answer"
like "$(cat "$T/srv.log")" "not on a served interface (dhcp.interfaces): ignored" "the server logs why (debug)"
like "$(lease ${C}a)" "${C}a 10.99.0.100" "br0 is still served"
run "$D" -T -c "$T/ztp.yml"
like "$out" "interfaces:" "-T shows dhcp.interfaces"
kill $srv
wait $srv
is "$?" 0 "clean exit"
unlike "$(cat "$T/srv.log")" "AddressSanitizer" "no sanitizer reports"
done_testing
