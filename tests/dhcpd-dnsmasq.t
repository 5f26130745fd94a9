#!/bin/sh
# dhcpd-dnsmasq.t: `ztp-dhcpd --from-dnsmasq` as the --dhcp-script of a real
# dnsmasq makes the same device records (spool `discovered`, rack by
# interface) and webhook notifications as the daemon, once per device.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/netns.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
for c in ip udhcpc /usr/sbin/dnsmasq /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
netns_pair yd

cat >"$T/hook.py" <<'EOP'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        with open(sys.argv[2], "a") as f:
            f.write(self.headers.get("Authorization", "-") + " " + self.rfile.read(n).decode() + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOP
ip netns exec $S /usr/bin/python3 "$T/hook.py" 8932 "$T/posts" &
bg_pid $!
cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
backend:
  url: http://127.0.0.1:8932/devices
dhcp:
  lease_dir: $T/ztpq
racks:
  r9:
    interface: br0
EOF2
printf '#!/bin/sh\nexec "%s" --from-dnsmasq -c "%s" "$@" 2>>"%s"\n' "$D" "$T/ztp.yml" "$T/script.err" >"$T/script.sh"
chmod +x "$T/script.sh"
cat >"$T/hook-u.sh" <<'EOS'
#!/bin/sh
exit 0
EOS
chmod +x "$T/hook-u.sh"

ip netns exec $S /usr/sbin/dnsmasq -k --conf-file=/dev/null --port=0 --user=root \
	--interface=br0 --bind-interfaces --dhcp-range=10.99.0.100,10.99.0.199,1h \
	--dhcp-leasefile="$T/dnsmasq.leases" --dhcp-script="$T/script.sh" \
	--pid-file="$T/dnsmasq.pid" --log-facility="$T/dnsmasq.log" --no-ping &
bg_pid $!
sleep 0.5
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-u.sh" -V Arista-7050 -x hostname:leaf7
is "$rc" 0 "udhcpc gets a lease from dnsmasq"
mac=$(ip -n $C link show ${C}a | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
rid=$(printf '%s' "$mac" | tr ':' '-')
i=0
while [ $i -lt 100 ] && ! grep -q "$mac" "$T/posts" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
rec=$(cat "$T/spool/discovered/$rid.yml" 2>/dev/null)
like "$rec" "ip: 10.99.0.1" "record: ip"
like "$rec" "vendor_class: Arista-7050" "record: vendor class from DNSMASQ_VENDOR_CLASS"
like "$rec" "hostname: leaf7" "record: hostname"
like "$rec" "rack: r9" "record: rack by DNSMASQ_INTERFACE"
like "$(cat "$T/posts" 2>/dev/null)" "\"mac\": \"$mac\"" "webhook: the record arrived"
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-u.sh" -V Arista-7050
sleep 0.5
is "$(grep -c "$mac" "$T/posts")" 1 "a device seen again: no second notification"
is "$(cat "$T/script.err" 2>/dev/null)" "" "the script reports no errors"
done_testing
