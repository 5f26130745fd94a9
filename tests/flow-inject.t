#!/bin/sh
# Hostile strings through the real peers and the whole flow: real DHCP
# clients (udhcpc; ISC dhclient with them in its configuration's strings)
# send a host name and a vendor class holding $(...), backticks, ;, ../, a
# newline followed by YAML, U+202E and C1 controls; a relay adds option 82
# with the same in its circuit and remote ids; the devices (the simulator
# behind a real sshd) answer show version with a serial, a host name and a
# model holding them too.  ztp-dhcpd writes the records, ztp-flow run
# probes, pushes and checks, with hooks.d and the webhook.  Nothing runs,
# no record changes shape, nothing leaves the spool, and status and show
# print the controls escaped.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
for c in ip udhcpc jq flock /usr/bin/python3 /usr/sbin/sshd; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
FLOW="sh $TOP/cmd/ztp-flow.sh"
U=ztpi$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"
# everything runs from here: a relative `touch pwned` would land here
mkdir -m 1777 "$T/cwd" "$T/o"
cd "$T/cwd" || exit 1

# the hostile bytes: shell, paths, YAML after a newline, bidi, C1, ANSI
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
EVIL='a;$(touch pwned)`touch pwned2`;../../x
stage: done
id: ../../etc'
EVIL="$EVIL$(printf '\342\200\256\302\205\302\233\033[31m')"

. "$TOP/tests/netns.sh"
netns_rack ij
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh: {timeout: 10, config: $T/ssh_config, known_hosts: accept-new}
templates: {path: [$TOP/templates], vars: $T/vars}
flow: {retries: 1, backoff: 1s, backoff_max: 1s, hooks: $T/hooks.d, hook_timeout: 5s}
backend: {url: "http://127.0.0.1:8097/ztp/events"}
racks:
  rack1:
    relay: [10.98.0.1]
dhcp:
  lease_dir: $T/leases
  interfaces: [br0]
  server_id: 10.99.0.1
  subnets:
    port: {subnet: 10.98.0.0/24, relay: [10.98.0.1], range: 10.98.0.100-10.98.0.150, router: 10.98.0.1}
EOF
printf 'credentials:\n- {name: prov, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
: >"$T/ssh_config"
mkdir -p "$T/vars"
cp -R "$TOP/templates/vars/." "$T/vars/"
printf 'hostname: cpe-inject\n' >>"$T/vars/defaults.yml"
export ZTP_CONFIG="$T/ztp.yml"
ztp-spool init >/dev/null || { ok 1 "ztp-spool init"; done_testing; }

# a hook that keeps what it was given, and the backend's webhook receiver
mkdir "$T/hooks.d"
printf '#!/bin/sh\ncat >>%s/o/hook.in\nenv | grep "^ZTP_" >>%s/o/hook.env\n' "$T" "$T" >"$T/hooks.d/10-keep"
chmod 755 "$T/hooks.d/10-keep"
ip netns exec "$S" /usr/bin/python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        with open(sys.argv[1], "ab") as f:
            f.write(self.rfile.read(int(self.headers["Content-Length"])) + b"\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 8097), H).serve_forever()' "$T/o/webhook.log" &
bg_pid $!

ip netns exec "$S" ztp-dhcpd -d -v -c "$T/ztp.yml" 2>"$T/dhcpd.log" &
bg_pid $!
i=0
while ! grep -q serving "$T/dhcpd.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip netns exec "$R" /usr/bin/python3 "$TOP/tests/dhcp-relay82.py" "${R}d" "${R}u" 10.98.0.1 10.99.0.1 \
	"$(hex "$EVIL")" "$(hex "r;\`touch pwned3\`$(printf '\302\205')../x")" 2>"$T/relay.log" &
bg_pid $!
sleep 0.5

# ---- (a) two devices boot on the relay's port: real DHCP clients with
# the hostile host name and vendor class
printf '#!/bin/sh\ncase $1 in\nbound | renew) ip addr add "$ip/${mask:-24}" dev "$interface"; printf "%%s\\n" "$ip" >"$ADDR" ;;\nesac\nexit 0\n' >"$T/hook.sh"
chmod 755 "$T/hook.sh"
for n in 1 2; do
	ip -n "$C" link set "${C}d" address "0c:d9:96:00:0e:0$n"
	ip netns exec "$C" env ADDR="$T/o/addr.$n" udhcpc -f -q -n -t 5 -T 2 -i "${C}d" -V '' \
		-x "0x0c:$(hex "$EVIL")" -x "0x3c:$(hex "vc$n;\$(touch pwned4)$EVIL")" \
		-s "$T/hook.sh" >"$T/udhcpc.$n.log" 2>&1
	ok $? "device $n got a lease from ztp-dhcpd through the relay"
done
# and a third, ISC dhclient, sending them as its configuration's strings
# (it has no SSH: its record stays failed, the console not configured)
ip -n "$C" link set "${C}d" address 0c:d9:96:00:0e:03
cat >"$T/dhclient.conf" <<'EOF'
send host-name "d3;$(touch pwned9)`touch pwned10`;../../x\nstage: done";
send vendor-class-identifier "vc3;$(touch pwned11)\342\200\256\302\205";
EOF
ip netns exec "$C" dhclient -4 -1 -cf "$T/dhclient.conf" -sf /bin/true -lf "$T/o/dhclient.leases" \
	-pf "$T/o/dhclient.pid" "${C}d" >"$T/dhclient.log" 2>&1
ok $? "device 3 got a lease from ztp-dhcpd through the relay (dhclient)"
# it stays in the background once leased; its pid file comes a moment later
i=0
while [ ! -s "$T/o/dhclient.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/o/dhclient.pid" ] && bg_pid "$(cat "$T/o/dhclient.pid")"
ip -n "$C" route add default via 10.98.0.1 2>/dev/null
A1=$(cat "$T/o/addr.1" 2>/dev/null) A2=$(cat "$T/o/addr.2" 2>/dev/null)
i=0
while [ "$(ztp-spool ls discovered 2>/dev/null | wc -l)" -lt 3 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(ztp-spool ls discovered | wc -l)" 3 "ztp-dhcpd wrote three records"

# ---- (b) the devices answer with the hostile strings: device 1's serial,
# host name and model, device 2's host name (a newline with YAML after it)
printf '%s' "$EVIL" >"$T/o/evil"
# a prompt must stay one word on one line for a device to be reached at all
printf 'r1;$(touch${IFS}pwned5)`touch${IFS}pwned6`;../../x\342\200\256\302\233' >"$T/o/evil-host1"
printf 'r2\nstage: done\nid: ../x' >"$T/o/evil-host"
printf 'M;$(touch${IFS}pwned7)`touch${IFS}pwned8`;../../x\342\200\256\302\205' >"$T/o/evil-model"
chmod 644 "$T/o/evil" "$T/o/evil-host" "$T/o/evil-host1" "$T/o/evil-model"
dev_sshd() { # N ADDR SIM-ARGS
	mkdir -p "$T/dev$1"
	ssh-keygen -q -t ed25519 -N '' -f "$T/dev$1/host_key"
	printf '%s\n' "Port 22" "ListenAddress $2" "HostKey $T/dev$1/host_key" "PidFile $T/dev$1/sshd.pid" \
		"StrictModes no" "UsePAM no" "KbdInteractiveAuthentication no" "PasswordAuthentication yes" \
		"SetEnv SHLVL=5" "ForceCommand $SIM --platform cisco_iosxe $3 --record $T/o/rec.$1" >"$T/dev$1/sshd_config"
	ip netns exec "$C" /usr/sbin/sshd -D -e -f "$T/dev$1/sshd_config" 2>>"$T/dev$1/log" &
	bg_pid $!
}
# the device's shell expands these: the strings reach the simulator whole
# shellcheck disable=SC2016
dev_sshd 1 "$A1" '--serial "$(cat '"$T"'/o/evil)" --hostname "$(cat '"$T"'/o/evil-host1)" --replace "C9500-32QC=$(cat '"$T"'/o/evil-model)"'
# shellcheck disable=SC2016
dev_sshd 2 "$A2" '--serial FDO9999INJ2 --hostname "$(cat '"$T"'/o/evil-host)"'
sleep 0.5

touch "$T/o/mark"
sleep 1
run ip netns exec "$S" $FLOW run
[ "$rc" != 2 ]
ok $? "ztp-flow run: no usage or data error of its own (exit $rc)"
printf '%s\n' "$err" | sed 's/^/# run 1: /' | head -n 20
sleep 1
run ip netns exec "$S" $FLOW run
diag "second pass: exit $rc"

# ---- nothing ran
run find "$T" "$TOP" -name 'pwned*'
is "$out" "" "nothing ran: no pwned file in the scratch tree, the cwd or the source tree"

# ---- no record changes shape; each is in the stage its file says
KEYS='["client_id","console","dhcp","error","facts","history","hostname","id","ip","mac","platform","port","rack","remote_id","seen","service","subnet","vendor_class"]'
bad=0 nrec=0
for f in "$T"/spool/discovered/*.yml "$T"/spool/probed/*.yml "$T"/spool/configured/*.yml \
	"$T"/spool/done/*.yml "$T"/spool/failed/*.yml; do
	[ -e "$f" ] || continue
	nrec=$((nrec + 1))
	st=$(basename "$(dirname "$f")") id=$(basename "$f" .yml)
	j=$(ztp-spool -o json show "$id" 2>/dev/null)
	if ! printf '%s' "$j" | jq -e --argjson k "$KEYS" --arg id "$id" \
		'type == "object" and (keys - $k == []) and .id == $id and (.mac | test("^0c:d9:96:00:0e:0[123]$"))' >/dev/null; then
		diag "record $f: $(printf '%s' "$j" | jq -c 'keys' 2>&1)"
		bad=1
	fi
	run ztp-spool ls "$st"
	case $out in *"$id"*) ;; *) diag "record $id not listed in $st"; bad=1 ;; esac
done
is "$nrec" 3 "still three records, one per device"
run ztp-spool ls done
like "$out" "0c-d9-96-00-0e-01 " "the device with the hostile serial, host name and model is done, under its MAC's id"
like "$(cat "$T/o/rec.1" 2>/dev/null)" "hostname cpe-inject" "and it received the rendered configuration"
run ztp-spool ls failed
like "$out" "0c-d9-96-00-0e-02 " "the device whose prompt has a newline failed"
like "$out" "0c-d9-96-00-0e-03 " "the device without SSH failed"
run ztp-spool -o json show 0c-d9-96-00-0e-03
is "$(printf '%s' "$out" | jq -r '.hostname')" 'd3;$(touch pwned9)`touch pwned10`;../../x\nstage: done' \
	"dhclient's host name is in its record, as text, the newline escaped"
is "$bad" 0 "every record parses with the expected keys only, its id and MAC its own, in its stage's directory"
run ztp-spool -o json ls
is "$(printf '%s\n' "$out" | jq -r '.id' | grep -cv '^[A-Za-z0-9._-]*$')" 0 "ids are of letters, digits, . - _ only"
ok "$(printf '%s\n' "$out" | jq -r '.id' | grep -q '^\.*$'; [ $? = 1 ]; echo $?)" "no id is . or .."

# ---- nothing left the spool
# (the daemons' logs the test keeps grow on their own: dhcpd, relay, clients)
run find "$T" -newer "$T/o/mark" ! -path "$T/spool/*" ! -path "$T/o/*" ! -path "$T/leases*" \
	! -path "$T/dev[12]/*" ! -path "$T/spool" ! -path "$T/o" ! -path "$T" ! -path "$T/.out" ! -path "$T/.err" \
	! -path "$T/dhcpd.log" ! -path "$T/relay.log" ! -path "$T/dhclient.log" ! -path "$T/udhcpc.[12].log"
is "$out" "" "no file written outside the spool (and the test's own)"
run find "$T/spool" -name '*..*' -o -name '*[!A-Za-z0-9._:-]*'
is "$out" "" "every name in the spool is plain: no ../, no hostile bytes"
run find / -xdev -newer "$T/o/mark" -name x ! -path '/proc/*'
is "$(printf '%s\n' "$out" | grep -c .)" 0 "no ../../x anywhere on the file system"

# ---- status, show, the hook and the webhook
ctl() { LC_ALL=C grep -c "$(printf '[\001-\010\013-\037\177]\\|\302[\200-\237]\\|\342\200\256')"; }
run $FLOW status
is "$(printf '%s' "$out$err" | ctl)" 0 "ztp-flow status prints no control, C1 or bidi character"
allout=""
for id in $(ztp-spool -o json ls | jq -r '.id'); do
	run $FLOW show "$id"
	allout="$allout$out$err"
done
is "$(printf '%s' "$allout" | ctl)" 0 "ztp-flow show prints none either"
like "$allout" 'touch pwned' "show keeps the hostile text, as data"
ok "$([ -s "$T/o/hook.in" ] && echo 0 || echo 1)" "the hook ran, with the records on stdin"
ok "$([ -s "$T/o/webhook.log" ] && echo 0 || echo 1)" "the webhook got the stage changes"
run jq -c . "$T/o/webhook.log"
is "$rc" 0 "every webhook body is JSON"
is "$(jq -r '.id' "$T/o/webhook.log" | grep -cv '^[A-Za-z0-9._-]*$')" 0 "the webhook's ids are plain"
done_testing
