#!/bin/sh
# dhcpd.t: ztp-dhcpd, configured from ztp.yml, serves real clients in network
# namespaces: udhcpc as a Cisco PnP device (renew and release), ISC dhclient
# as a Juniper one, dhcpcd, udhcpc behind ISC dhcrelay adding option 82
# (mapped to rack, port and console line in the device record).  New devices
# become records in the spool's `discovered` stage and a webhook POST to a
# real HTTP server (python3 http.server) that is down at first.  SIGHUP with
# a bad configuration keeps the old one; SIGTERM stops cleanly.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
for c in ip udhcpc dhclient dhcpcd dhcrelay /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done

. "$TOP/tests/netns.sh"
netns_rack y

mkhook() { # mkhook NAME [SETADDR]: save the environment on a lease
	cat >"$T/hook-$1.sh" <<EOS
#!/bin/sh
case "\$1\$reason" in bound|BOUND|REBOOT|RENEW|renew)
	env | sort >"$T/$1.env"
	[ -n "${2:-}" ] && ip addr replace "\$ip/16" dev "\$interface"
	echo "\$1\$reason" >>"$T/$1.events" ;;
esac
exit 0
EOS
	chmod +x "$T/hook-$1.sh"
}
for n in udhcpc dhclient dhcpcd relay after; do mkhook $n; done
mkhook renew setaddr

# the webhook receiver: records each POST (Authorization header, body)
cat >"$T/hook.py" <<'EOP'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        with open(sys.argv[2], "a") as f:
            f.write(self.headers.get("Authorization", "-") + " " + body + "\n")
        self.send_response(201)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOP
printf 'backend_token: s3cr3t-tok\n' >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"

mkconf() { # mkconf DOMAIN
	cat <<EOF2
spool: $T/spool
secrets: $T/secrets.yml
backend:
  url: http://127.0.0.1:8931/devices
dhcp:
  lease_dir: $T/leases
  lease_time: 1h
  offer_time: 30
  classes:
    pnp:
      vendor_class: ciscopnp
      cisco_pnp: {server: 10.99.0.1, port: 80}
      tftp_servers: [10.99.0.1]
    junos:
      vendor_class: "Juniper-*"
      tftp_server: 10.99.0.1
      bootfile: ex2300.conf
      juniper: {image: jinstall-ex.tgz, config: ex2300.conf, transfer_mode: http}
  subnets:
    rack1:
      subnet: 10.99.0.0/16
      interface: br0
      range: 10.99.0.100-10.99.0.199
      router: 10.99.0.1
      dns: [10.99.0.1]
      domain: $1
    rack2:
      subnet: 10.98.0.0/24
      range: 10.98.0.100-10.98.0.199
      router: 10.98.0.1
      lease_time: 30m
racks:
  rack1:
    interface: br0
  rack2:
    subnet: rack2
    relay: 10.98.0.1
    ports: {${R}d: ge-0/0/7}
    console: {ge-0/0/7: "cs2:7"}
EOF2
}
mkconf rack1.ztp.test >"$T/ztp.yml"

run ip netns exec $S "$D" -n -c "$T/ztp.yml"
is "$rc" 0 "-n accepts the configuration"
run "$D" -T -c "$T/ztp.yml"
like "$out" "ge-0/0/7: cs2:7" "-T prints the rack map"
sed 's/range: 10.98.0.100-10.98.0.199/range: 10.97.0.1-10.97.0.9/' "$T/ztp.yml" >"$T/bad.yml"
run "$D" -n -c "$T/bad.yml"
is "$rc" 2 "-n refuses a range outside its subnet (exit 2: configuration error)"
like "$err" "bad.yml: line " "the error names the file and line"
like "$err" "dhcp.subnets.rack2" "the error names the key"

ip netns exec $S "$D" -d -v -c "$T/ztp.yml" 2>"$T/srv.log" &
srv=$!
bg_pid $srv
i=0
while [ $i -lt 50 ] && ! grep -q serving "$T/srv.log" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
like "$(cat "$T/srv.log")" "serving 2 subnets as 10.99.0.1" "ztp-dhcpd is up"

# a Cisco PnP device, while the backend is down
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-udhcpc.sh" -V ciscopnp -O 43 -O 150
is "$rc" 0 "udhcpc gets a lease (backend down)"
env=$(cat "$T/udhcpc.env" 2>/dev/null)
like "$env" "ip=10.99.0.100" "udhcpc: first address of the pool"
like "$env" "router=10.99.0.1" "udhcpc: router"
like "$env" "domain=rack1.ztp.test" "udhcpc: domain"
pnp=$(printf '5A1D;B2;K4;I10.99.0.1;J80' | od -An -tx1 | tr -d ' \n')
like "$env" "opt43=$pnp" "udhcpc: option 43 is the Cisco PnP string"
like "$env" "opt150=0a630001" "udhcpc: option 150"
mac_a=$(ip -n $C link show ${C}a | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
rid=$(printf '%s' "$mac_a" | tr ':' '-')
waitrec() { # waitrec DIR ID: records are written by a thread after the ACK
	_i=0
	while [ $_i -lt 100 ] && ! ls "$1" 2>/dev/null | grep -qi "$2"; do sleep 0.05; _i=$((_i + 1)); done
}
waitrec "$T/spool/discovered" "$rid"
recf=$(ls "$T/spool/discovered/" 2>/dev/null | grep -i "$rid" | head -1)
ok "$([ -n "$recf" ] && echo 0 || echo 1)" "a record in discovered ($recf)"
rec=$(cat "$T/spool/discovered/$recf" 2>/dev/null)
like "$rec" "$mac_a" "record: mac"
like "$rec" "10.99.0.100" "record: ip"
like "$rec" "vendor_class: ciscopnp" "record: vendor class"
like "$rec" "rack: rack1" "record: rack by interface"
i=0
while [ $i -lt 100 ] && ! ls "$T/leases/notify/" 2>/dev/null | grep -q json; do sleep 0.05; i=$((i + 1)); done
ls "$T/leases/notify/" >"$T/q" 2>/dev/null
like "$(cat "$T/q")" ".json" "the notification waits in the queue"

# the backend comes up: the queued notification arrives
ip netns exec $S /usr/bin/python3 "$T/hook.py" 8931 "$T/posts" 2>"$T/hook.err" &
bg_pid $!
i=0
while [ $i -lt 200 ] && ! grep -q "$mac_a" "$T/posts" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
posts=$(cat "$T/posts" 2>/dev/null)
like "$posts" "\"mac\": \"$mac_a\"" "webhook: the record arrived when the backend came back"
like "$posts" "Bearer s3cr3t-tok" "webhook: bearer token from the secrets file"
like "$(cat "$T/srv.log")" "notified" "server: logs the delivery"

# the same device again: no second record, no second notification
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-udhcpc.sh" -V ciscopnp
is "$rc" 0 "udhcpc: lease again"
is "$(ls "$T/spool/discovered/" | grep -ci "$rid")" 1 "still one record"

# renew and release with a running udhcpc that sets its address
ip netns exec $C udhcpc -f -i ${C}a -s "$T/hook-renew.sh" -V ciscopnp -t 4 -T 1 >"$T/renew.out" 2>&1 &
cl=$!
bg_pid $cl
i=0
while [ $i -lt 100 ] && ! grep -q bound "$T/renew.events" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/renew.events" 2>/dev/null)" "bound" "udhcpc (running) bound"
kill -USR1 $cl
i=0
while [ $i -lt 100 ] && ! grep -q renew "$T/renew.events" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/renew.events" 2>/dev/null)" "renew" "udhcpc renewed its lease"
kill -USR2 $cl
i=0
while [ $i -lt 50 ] && ! grep -q released "$T/srv.log"; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/srv.log")" "DHCPRELEASE released 10.99.0.100" "server: release"
kill $cl
ip -n $C addr flush dev ${C}a

# a Juniper device: ISC dhclient
cat >"$T/dhclient.conf" <<'EOF2'
timeout 15;
initial-interval 1;
send vendor-class-identifier "Juniper-ex2300-48p";
request subnet-mask, routers, domain-name-servers, domain-name, vendor-encapsulated-options, tftp-server-name, bootfile-name;
EOF2
on_exit "[ -s '$T/dhclient.pid' ] && kill \$(cat '$T/dhclient.pid')"
run ip netns exec $C dhclient -4 -1 -cf "$T/dhclient.conf" -sf "$T/hook-dhclient.sh" -lf "$T/dhclient.leases" -pf "$T/dhclient.pid" ${C}b
is "$rc" 0 "dhclient gets a lease"
env=$(cat "$T/dhclient.env" 2>/dev/null)
like "$env" "new_ip_address=10.99.0.1" "dhclient: an address from the pool"
like "$env" "new_bootfile_name=ex2300.conf" "dhclient: bootfile (67)"
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
like "$env" "lease=1800" "relay: that subnet's lease time"
mac_d=$(ip -n $C link show ${C}d | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
waitrec "$T/spool/discovered" "$(printf '%s' "$mac_d" | tr ':' '-')"
recf=$(ls "$T/spool/discovered/" 2>/dev/null | grep -i "$(printf '%s' "$mac_d" | tr ':' '-')" | head -1)
rec=$(cat "$T/spool/discovered/$recf" 2>/dev/null)
like "$rec" "rack: rack2" "relayed record: rack by relay address"
like "$rec" "port: ge-0/0/7" "relayed record: port from option 82 through the rack map"
like "$rec" "console: cs2:7" "relayed record: console line"
i=0
while [ $i -lt 100 ] && ! grep -q "$mac_d" "$T/posts" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/posts")" "ge-0/0/7" "webhook: the relayed device's record"

# SIGHUP with a bad configuration: refused, the old one serves on
cp "$T/ztp.yml" "$T/good.yml"
printf 'dhcp:\n  subnets:\n    rack1: {subnet: 10.99.0.0/33}\n' >"$T/ztp.yml"
kill -HUP $srv
i=0
while [ $i -lt 50 ] && ! grep -q "reload refused" "$T/srv.log"; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/srv.log")" "reload refused" "SIGHUP: a bad configuration is refused"
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-after.sh"
is "$rc" 0 "the old configuration still serves"
like "$(cat "$T/after.env" 2>/dev/null)" "domain=rack1.ztp.test" "with the old options"
# and a good one is taken
mkconf rack1.example.net >"$T/ztp.yml"
kill -HUP $srv
i=0
while [ $i -lt 50 ] && ! grep -q "configuration reloaded" "$T/srv.log"; do sleep 0.1; i=$((i + 1)); done
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-after.sh"
like "$(cat "$T/after.env" 2>/dev/null)" "domain=rack1.example.net" "SIGHUP: the new configuration serves"
like "$(cat "$T/after.env" 2>/dev/null)" "ip=10.99.0.100" "leases survive the reload"

kill $srv
wait $srv
is "$?" 0 "SIGTERM: clean exit"
like "$(cat "$T/srv.log")" "stopped" "server: stopped"
unlike "$(cat "$T/srv.log")" "ERROR\|runtime error\|AddressSanitizer" "server: no errors"
# a second server as user nobody, a pool of one address, 2 requests per
# client per hour: the pool cannot be exhausted by one client, a full pool
# is logged, and replies to clients without an address still arrive
# (broadcast: SIOCSARP needs root)
chmod 711 "$T"
mkdir -p "$T/spool2"
chown nobody "$T/spool2"
cat >"$T/small.yml" <<EOF2
spool: $T/spool2
dhcp:
  user: nobody
  lease_dir: $T/leases2
  rate_limit: {interval: 1h, per_mac: 2}
  subnets:
    rack1:
      subnet: 10.99.0.0/16
      interface: br0
      range: 10.99.0.150-10.99.0.150
EOF2
ip netns exec $S "$D" -d -v -c "$T/small.yml" 2>"$T/srv2.log" &
srv2=$!
bg_pid $srv2
i=0
while [ $i -lt 50 ] && ! grep -q serving "$T/srv2.log" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
is "$(awk '/^Uid:/ {print $2}' /proc/$srv2/status)" "$(id -u nobody)" "runs as the configured user"
run ip netns exec $C udhcpc -f -q -n -t 3 -T 1 -i ${C}a -s "$T/hook-after.sh"
is "$rc" 0 "as nobody: a client gets the pool's one address"
like "$(cat "$T/after.env" 2>/dev/null)" "ip=10.99.0.150" "the address"
waitrec "$T/spool2/discovered" "$rid"
ls "$T/spool2/discovered" >"$T/q2" 2>/dev/null
like "$(cat "$T/q2")" "$rid" "as nobody: the record is written"
run ip netns exec $C udhcpc -f -q -n -t 2 -T 1 -i ${C}a -s "$T/hook-after.sh"
ok "$([ "$rc" != 0 ] && echo 0 || echo 1)" "the same client over its rate limit gets no answer"
like "$(cat "$T/srv2.log")" "rate limit: dropping requests (e.g. from $mac_a)" "rate limiting is logged"
run ip netns exec $C udhcpc -f -q -n -t 2 -T 1 -i ${C}c -s "$T/hook-after.sh"
ok "$([ "$rc" != 0 ] && echo 0 || echo 1)" "another client: the pool is full"
is "$(grep -c 'pool full' "$T/srv2.log")" 1 "a full pool is logged once"
kill $srv2
wait $srv2
is "$?" 0 "the second server stops cleanly"
done_testing
