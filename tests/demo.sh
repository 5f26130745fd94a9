#!/bin/sh
# make demo: the provisioning job on a simulated rack (tests/rack.sh).
#
# Network namespaces make a backend, a gateway (ztp-dhcpd and an OpenSSH
# jump host), an access switch relaying DHCP with option 82, and five
# routers (IOS-XE, JunOS, EOS, VRP, and an old IOS-XE whose SSH offers only
# SHA-1 key exchange), each a real DHCP client (udhcpc) and a real sshd in
# front of the device simulator.  ztp-flow, run on the backend, provisions
# them through the gateway.  Exits 0 only when every device is done.
set -u
if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root (network namespaces, sshd, a throw-away login user)" >&2
	exit 1
fi
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
. "$TOP/tests/rack.sh"

SIM=$BUILD/tests/sim/ztp-sim
FLOW=$TOP/cmd/ztp-flow.sh
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
backend() { ip netns exec "$RB" "$@"; }

U=ztpdemo$$
sshd_user "$U" "$T/pw" || { echo "cannot create a user for the demo" >&2; exit 1; }
chmod 755 "$T"

say "a rack in network namespaces: backend -- gateway -- switch -- 5 routers"
cat <<'EOF'
  backend 10.76.0.1 (ztp-flow runs here; it reaches devices only through the gateway)
     |
  gateway 10.76.0.2 / 10.77.0.1: ztp-dhcpd, OpenSSH jump host
     |
  switch: ports p1..p5 (10.78.N.1/24), DHCP relay adding option 82 (circuit id = port)
     |
  p1 IOS-XE   p2 JunOS   p3 EOS   p4 VRP   p5 old IOS-XE (SHA-1 key exchange only)
EOF
rack_up r1:cisco_iosxe:FDO2231A0BC:ciscopnp r2:juniper_junos:JN11F2AB3CDE:Juniper-mx240 \
	r3:arista_eos:JPE17281234:Arista r4:huawei_vrp:2102351931P0K8000123:HUAWEI-AR \
	r5:cisco_iosxe:FOC1932X0AB:ciscopnp:legacy || { echo "make demo: the rack did not come up" >&2; exit 1; }

# what the backend ordered for each serial (the highest variable layer)
for s in FDO2231A0BC:example-iosxe JN11F2AB3CDE:example-junos JPE17281234:example-eos \
	2102351931P0K8000123:example-vrp; do
	cp "$TOP/templates/vars/devices/${s#*:}.yml" "$T/vars/devices/${s%%:*}.yml"
done
printf 'hostname: cpe-legacy-1\n' >"$T/vars/devices/FOC1932X0AB.yml"

# the backend's webhook receiver: every stage change of every record
ip netns exec "$RB" /usr/bin/python3 - "$T/webhook.log" <<'PY' &
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        ev = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(sys.argv[1], "a") as f:
            f.write("%s %s -> %s (%s)\n" % (ev["id"], ev["from"], ev["to"], ev["tool"]))
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 8099), H).serve_forever()
PY
bg_pid $!
printf 'backend: {url: "http://127.0.0.1:8099/ztp/events"}\n' >>"$T/ztp.yml"

say "the routers boot and ask for an address: ztp-dhcpd leases one and writes a record"
sed -n 's/.*\(new device [^ ]*\).*/  \1/p' "$T/rack/dhcpd.log" | head -5
show ztp-spool ls

say "ztp-flow run (on the backend): probe over SSH through the gateway, push, check"
backend sh "$FLOW" -v run
echo "(exit $?: some devices failed)"
show ztp-spool status

say "the old router: the record carries ztp-kexcheck's diagnosis and the fix"
id=$(ztp-spool -o json ls failed | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("error", {}).get("kind") == "negotiation":
        print(r["id"]); break')
[ -n "$id" ] || { echo "make demo: the old router did not fail to negotiate" >&2; ztp-spool status; exit 1; }
ztp-spool -o json show "$id" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["error"]["fix"])' |
	sed -n '1,40p'

say "the fix goes into ztp.yml, and the device is retried"
cat >>"$T/ztp.yml" <<EOF
devices:
  $id:
    ssh:
      kex_algorithms: +diffie-hellman-group14-sha1
      hostkey_algorithms: +ssh-rsa
EOF
sed -n '/^devices:/,$p' "$T/ztp.yml"
show sh "$FLOW" retry "$id"
backend sh "$FLOW" -v run
echo "(exit $?)"
# as cron would: further passes while something waits for a retry (a
# device that was slow to answer comes back after its backoff)
i=0
while [ "$(ztp-spool ls "done" | wc -l)" -lt 5 ] && [ $i -lt 6 ]; do
	sleep 5
	backend sh "$FLOW" -v run
	i=$((i + 1))
done

say "done: every router probed, configured, verified, saved, and checked"
show ztp-spool status
printf '$ ztp-flow show FDO2231A0BC  (its history)\n'
ztp-spool -o json show FDO2231A0BC | /usr/bin/python3 -c '
import json, sys
for h in json.load(sys.stdin)["history"]:
    print("  %(at)s  %(tool)-10s %(stage)-11s %(result)s  %(detail)s" % {k: h.get(k) or "" for k in ("at", "tool", "stage", "result", "detail")})'
say "the backend's webhook got every stage change"
sed 's/^/  /' "$T/webhook.log"
printf '$ grep hostname %s/rack/rec.1\n' "$T"
grep hostname "$T/rack/rec.1"
n=$(ztp-spool ls "done" | wc -l)
all=$(ztp-spool ls | wc -l)
hooks=$(wc -l <"$T/webhook.log")
if [ "$n" = 5 ] && [ "$all" = 5 ] && [ "$hooks" -ge 15 ]; then
	say "all 5 routers done"
	exit 0
fi
say "only $n of 5 routers done"
exit 1
