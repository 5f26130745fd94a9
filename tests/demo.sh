#!/bin/sh
# make demo: the provisioning job on a simulated rack (tests/rack.sh).
#
# Network namespaces make a backend, a gateway (ztp-dhcpd, an OpenSSH jump
# host, ser2net as the terminal server), an access switch relaying DHCP
# with option 82, and six routers (IOS-XE, JunOS, EOS, VRP, an old IOS-XE
# whose SSH offers only SHA-1 key exchange, and an IOS-XE fresh from the
# factory, without SSH keys), each a real DHCP client (udhcpc), a real
# sshd in front of the device simulator, and a console line (the
# simulator on a socat pty) behind ser2net.  ztp-flow, run on the backend,
# provisions them through the gateway, the factory one through its console
# first.  Exits 0 only when every device is done.
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
# hist ID [TOOL RESULT]: the record's history, one entry a line
hist() {
	ztp-spool -o json show "$1" | /usr/bin/python3 -c '
import json, sys
for h in json.load(sys.stdin)["history"]:
    if len(sys.argv) > 1 and (h.get("tool"), h.get("result")) != tuple(sys.argv[1:3]):
        continue
    print("%(at)s  %(tool)-11s %(stage)-11s %(result)s  %(detail)s" % {k: h.get(k) or "" for k in ("at", "tool", "stage", "result", "detail")})' \
		${2:+"$2"} ${3:+"$3"}
}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
backend() { ip netns exec "$RB" "$@"; }

U=ztpdemo$$
# the factory router's MAC (tests/rack.sh: port N's is 0c:d9:96:00:00:0N)
FMAC=0c:d9:96:00:00:06
sshd_user "$U" "$T/pw" || { echo "cannot create a user for the demo" >&2; exit 1; }
chmod 755 "$T"

say "a rack in network namespaces: backend -- gateway -- switch -- 6 routers"
cat <<'EOF'
  backend 10.76.0.1 (ztp-flow runs here; it reaches devices only through the gateway)
     |
  gateway 10.76.0.2 / 10.77.0.1: ztp-dhcpd, OpenSSH jump host,
     |      ser2net: terminal server, console line rack1:N at 10.76.0.2:700N
     |
  switch: ports p1..p6 (10.78.N.1/24), DHCP relay adding option 82 (circuit id = port)
     |
  p1 IOS-XE   p2 JunOS   p3 EOS   p4 VRP   p5 old IOS-XE (SHA-1 key exchange only)
  p6 IOS-XE fresh from the factory: no SSH keys, so no SSH until someone
     types a few lines on its console
EOF
rack_up r1:cisco_iosxe:FDO2231A0BC:ciscopnp r2:juniper_junos:JN11F2AB3CDE:Juniper-mx240 \
	r3:arista_eos:JPE17281234:Arista r4:huawei_vrp:2102351931P0K8000123:HUAWEI-AR \
	r5:cisco_iosxe:FOC1932X0AB:ciscopnp:legacy r6:cisco_iosxe:FDO2240B1EF:ciscopnp:factory || { echo "make demo: the rack did not come up" >&2; exit 1; }

# what the backend ordered for each router: by its serial (the highest
# variable layer), and by the MAC on its shipping label for the few lines
# a console bootstrap types before anything can read the serial
n=0
for s in FDO2231A0BC:example-iosxe JN11F2AB3CDE:example-junos JPE17281234:example-eos \
	2102351931P0K8000123:example-vrp FOC1932X0AB:cpe-legacy-1 FDO2240B1EF:cpe-iosxe-2; do
	n=$((n + 1))
	case ${s#*:} in
	example-*)
		cp "$TOP/templates/vars/devices/${s#*:}.yml" "$T/vars/devices/${s%%:*}.yml"
		h=$(sed -n 's/^hostname: //p' "$T/vars/devices/${s%%:*}.yml")
		;;
	*) h=${s#*:} ;;
	esac
	printf 'hostname: %s\nmgmt: {address: dhcp}\n' "$h" >"$T/vars/devices/0c-d9-96-00-00-0$n.yml"
done
printf 'hostname: cpe-legacy-1\n' >"$T/vars/devices/FOC1932X0AB.yml"
sed 's/cpe-iosxe-1/cpe-iosxe-2/; s/192.0.2.10/192.0.2.11/' "$TOP/templates/vars/devices/example-iosxe.yml" \
	>"$T/vars/devices/FDO2240B1EF.yml"

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
sed -n 's/.*\(new device [^ ]*\).*/  \1/p' "$T/rack/dhcpd.log" | head -6
show ztp-spool ls

say "ztp-flow run (on the backend): probe over SSH through the gateway, push, check"
backend sh "$FLOW" -v run
echo "(exit $?: some devices failed)"
show ztp-spool status

say "the factory router: ztp-probe was refused, so ztp-flow went to its console"
fid=$(ztp-spool -o json ls | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("mac") == sys.argv[1]:
        print(r["id"]); break' "$FMAC")
[ -n "$fid" ] || { echo "make demo: no record of the factory router" >&2; exit 1; }
echo "  ztp-probe, through the gateway (its record, $fid):"
hist "$fid" ztp-probe refused | head -n 1 | fold -s -w 90 | sed 's/^/    /'
line=$(ztp-spool -o json show "$fid" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["console"])')
cat <<EOF
  Its SSH port is closed: a factory IOS-XE has no SSH keys.  Its record
  names console line $line (ztp-dhcpd took it from option 82's port and
  ztp.yml's racks.rack1.console), and rack1 has a terminal server, so
  ztp-flow handed the device to ztp-console --bootstrap:
EOF
printf '$ ztp-console -T %s\n' "$line"
ztp-console -T "$line" | tail -n 1
echo "  ztp-console typed on the line (from its log; the secret is redacted there):"
sed -n '/#configure terminal$/,/#write memory$/s/^[^ ]* /    /p' "$T/spool/log/console/$line.log"
cat <<EOF
  That made RSA keys and a local user with the credential ztp-probe logs
  in with; the device's sshd came up, ztp-console checked that SSH works
  through the gateway and gave the record back to discovered; the same
  pass probed it over SSH (its id became its serial), pushed, checked:
EOF
hist "$fid" | sed 's/^/  /'
if grep -rqF -- "$(cat "$T/pw")" "$T/spool" "$T/webhook.log"; then
	echo "make demo: the bootstrap's secret is in the spool" >&2
	exit 1
fi
echo "  (the secret it typed is nowhere in the spool, the logs or the webhook)"

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
while [ "$(ztp-spool ls "done" | wc -l)" -lt 6 ] && [ $i -lt 6 ]; do
	sleep 5
	backend sh "$FLOW" -v run
	i=$((i + 1))
done

say "done: every router probed, configured, verified, saved, and checked"
show ztp-spool status
printf '$ ztp-flow show FDO2231A0BC  (its history)\n'
hist FDO2231A0BC | sed 's/^/  /'
say "the backend's webhook got every stage change"
sed 's/^/  /' "$T/webhook.log"
say "what each router received is the rendered template"
# the lines each simulator recorded in configuration mode, against
# ztp-push --render of the template its push named, with its variables
# (JunOS takes its curly template as set lines: not compared line by line)
norm() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v -x -e '' -e '!' -e '#' -e exit -e end -e quit -e return; }
same=0
n=0
for s in FDO2231A0BC JN11F2AB3CDE JPE17281234 2102351931P0K8000123 FOC1932X0AB FDO2240B1EF; do
	n=$((n + 1))
	pf=$(ztp-spool -o json show "$s" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["platform"])' 2>/dev/null)
	tpl=$(hist "$s" ztp-push ok | tail -n 1 | sed -n 's/.*(\([a-z0-9_-]*\.j2\)).*/\1/p')
	[ "$pf" != juniper_junos ] || { printf '  %-22s %s: set lines, not compared\n' "$s" "$pf"; continue; }
	if [ -z "$tpl" ] || ! ztp-push -o json --vars "$s" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["vars"], sys.stdout)' >"$T/vars.$n.json" ||
		! ztp-push --render "$tpl" --data "$T/vars.$n.json" --path "$TOP/templates/$pf" --trim-blocks --lstrip-blocks >"$T/rendered.$n"; then
		printf '  %-22s cannot render its template\n' "$s"
		continue
	fi
	norm <"$T/rendered.$n" >"$T/want.$n"
	cut -f 2- "$T/rack/rec.$n" | norm >"$T/got.$n"
	if cmp -s "$T/want.$n" "$T/got.$n"; then
		printf '  %-22s %s, %s: %s lines, the same as rendered\n' "$s" "$pf" "$tpl" "$(wc -l <"$T/got.$n")"
		same=$((same + 1))
	else
		printf '  %-22s %s, %s: differs from the rendered template:\n' "$s" "$pf" "$tpl"
		diff "$T/want.$n" "$T/got.$n" | head -n 10 | sed 's/^/    /'
	fi
done
n=$(ztp-spool ls "done" | wc -l)
all=$(ztp-spool ls | wc -l)
hooks=$(wc -l <"$T/webhook.log")
if [ "$n" = 6 ] && [ "$all" = 6 ] && [ "$hooks" -ge 18 ] && [ "$same" = 5 ]; then
	say "all 6 routers done"
	exit 0
fi
[ "$same" = 5 ] || say "only $same of 5 routers received what was rendered"
say "$n of 6 routers done"
exit 1
