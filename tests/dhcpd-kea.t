#!/bin/sh
# dhcpd-kea.t: `ztp-dhcpd --from-kea` as the script of Kea's run_script hook
# (kea-dhcp4 2.2, leases4_committed) makes the same device record and
# webhook notification as the daemon.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/netns.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
HOOK=/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_run_script.so
[ -x "$D" ] || skip_all "no $D"
[ -f "$HOOK" ] || skip_all "no $HOOK"
for c in ip udhcpc kea-dhcp4 /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
netns_pair yf

cat >"$T/hook.py" <<'EOP'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        with open(sys.argv[2], "a") as f:
            f.write(self.rfile.read(n).decode() + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOP
ip netns exec $S /usr/bin/python3 "$T/hook.py" 8933 "$T/posts" &
bg_pid $!
cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
backend:
  url: http://127.0.0.1:8933/devices
dhcp:
  lease_dir: $T/ztpq
racks:
  r5:
    interface: br0
EOF2
printf '#!/bin/sh\nexec "%s" --from-kea -c "%s" "$@" 2>>"%s"\n' "$D" "$T/ztp.yml" "$T/script.err" >"$T/script.sh"
chmod +x "$T/script.sh"
printf '#!/bin/sh\nexit 0\n' >"$T/hook-u.sh"
chmod +x "$T/hook-u.sh"
cat >"$T/kea.json" <<EOF2
{"Dhcp4": {"interfaces-config": {"interfaces": ["br0"], "dhcp-socket-type": "raw"},
 "lease-database": {"type": "memfile", "persist": true, "name": "$T/kea-leases.csv"},
 "hooks-libraries": [{"library": "$HOOK", "parameters": {"name": "$T/script.sh", "sync": false}}],
 "subnet4": [{"id": 1, "subnet": "10.99.0.0/16", "pools": [{"pool": "10.99.0.100-10.99.0.199"}], "interface": "br0"}],
 "loggers": [{"name": "kea-dhcp4", "severity": "WARN", "output_options": [{"output": "$T/kea.log"}]}]}}
EOF2
KEA_PIDFILE_DIR=$T KEA_LOCKFILE_DIR=$T ip netns exec $S kea-dhcp4 -c "$T/kea.json" >"$T/kea.out" 2>&1 &
bg_pid $!
sleep 1
run ip netns exec $C udhcpc -f -q -n -t 4 -T 1 -i ${C}a -s "$T/hook-u.sh" -x hostname:leaf3
is "$rc" 0 "udhcpc gets a lease from kea-dhcp4"
mac=$(ip -n $C link show ${C}a | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
rid=$(printf '%s' "$mac" | tr ':' '-')
i=0
while [ $i -lt 100 ] && ! grep -q "$mac" "$T/posts" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
rec=$(cat "$T/spool/discovered/$rid.yml" 2>/dev/null)
like "$rec" "ip: 10.99.0.100" "record: ip"
like "$rec" "hostname: leaf3" "record: hostname"
like "$rec" "rack: r5" "record: rack by QUERY4_IFACE_NAME"
like "$(cat "$T/posts" 2>/dev/null)" "\"mac\": \"$mac\"" "webhook: the record arrived"
is "$(cat "$T/script.err" 2>/dev/null)" "" "the script reports no errors"
done_testing
