#!/bin/sh
# ztp-flow: whole provisioning passes over a spool of simulated devices
# behind a real OpenSSH sshd: discovered -> probed -> configured -> done;
# the record id follows the serial; a device seen again is not provisioned
# again unless asked; transient failures come back by themselves with a
# backoff, the others wait for a person; one pass per host at a time;
# strings from DHCP and devices never run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
command -v flock >/dev/null || skip_all "flock(1) is not installed"
FLOW="sh $TOP/cmd/ztp-flow.sh"
U=ztpf$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"
O=$T/out
mkdir -m 1777 "$O"

# a device per platform, each at a name the ssh_config maps to its port
PORTS="" MATCH="" first=""
for d in xe:cisco_iosxe:FDO2231A0BC junos:juniper_junos:JN11F2AB3CDE eos:arista_eos:JPE17281234 \
	twin:cisco_iosxe:FDO2231A0BC; do
	n=${d%%:*} rest=${d#*:}
	pf=${rest%%:*} sn=${rest#*:}
	p=$(free_port)
	if [ -z "$first" ]; then first=$p; else PORTS="$PORTS|Port $p"; fi
	MATCH="$MATCH|Match LocalPort $p|  ForceCommand $SIM --platform $pf --serial $sn --hostname Router --record $O/rec-$n"
	printf 'Host dev-%s\n  HostName 127.0.0.1\n  Port %s\n' "$n" "$p" >>"$T/ssh_config"
done
IFS='|'
# shellcheck disable=SC2086
sshd_start rack "$first" ed25519 "PasswordAuthentication yes" "SetEnv SHLVL=5" ${PORTS#|} ${MATCH#|}
unset IFS
PDEAD=$(free_port)
printf 'Host dev-dead\n  HostName 127.0.0.1\n  Port %s\n' "$PDEAD" >>"$T/ssh_config"
PLEG=$(free_port)
sshd_start legacy "$PLEG" rsa "KexAlgorithms diffie-hellman-group14-sha1" "HostKeyAlgorithms ssh-rsa" \
	"PasswordAuthentication yes" "ForceCommand $SIM --platform cisco_iosxe --serial FOC1932X0AB"
printf 'Host dev-legacy\n  HostName 127.0.0.1\n  Port %s\n' "$PLEG" >>"$T/ssh_config"

mkdir -p "$T/vars/devices"
cp -R "$TOP/templates/vars/." "$T/vars/"
cp "$TOP/templates/vars/devices/example-iosxe.yml" "$T/vars/devices/FDO2231A0BC.yml"
cp "$TOP/templates/vars/devices/example-junos.yml" "$T/vars/devices/JN11F2AB3CDE.yml"
cp "$TOP/templates/vars/devices/example-eos.yml" "$T/vars/devices/JPE17281234.yml"
cp "$TOP/templates/vars/devices/example-iosxe.yml" "$T/vars/devices/FOC1932X0AB.yml"
printf 'credentials:\n- {name: prov, username: %s, password: "%s"}\nbackend_token: tok-%s\n' "$U" "$(cat "$T/pw")" "$$" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
# the backend's webhook receiver, and a local hook
PW=$(free_port)
/usr/bin/python3 - "$PW" "$T/webhook.log" <<'PY' &
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        ev = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(sys.argv[2], "a") as f:
            f.write("%s %s %s %s %s\n" % (ev["id"], ev["from"], ev["to"], self.headers.get("Authorization"),
                                         ev.get("event_id")))
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
bg_pid $!
wait_port "$PW"
mkdir "$T/hooks.d"
printf '#!/bin/sh\nread -r line\necho "$ZTP_EVENT_ID $ZTP_EVENT_FROM $ZTP_EVENT_TO ${#line}" >>%s/hook.log\n' "$T" >"$T/hooks.d/10-log"
printf '#!/bin/sh\nexit 3\n' >"$T/hooks.d/20-fails"
printf '#!/bin/sh\nsleep 30\n' >"$T/hooks.d/30-hangs"
chmod 755 "$T/hooks.d/"*
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh: {timeout: 10, config: $T/ssh_config, known_hosts: accept-new}
templates: {path: [$TOP/templates], vars: $T/vars}
flow: {retries: 2, backoff: 1s, backoff_max: 2s, hooks: $T/hooks.d, hook_timeout: 1s}
backend: {url: "http://127.0.0.1:$PW/hook"}
EOF
export ZTP_CONFIG="$T/ztp.yml"
ztp-spool init >/dev/null

rec() { # rec MAC-LAST-BYTE NAME [extra yaml]
	printf -- '---\nmac: 0c:d9:96:00:00:%s\nip: dev-%s\nrack: rack1\nport: Gi1/0/%s\nservice: internet-access\n%s\n' \
		"$1" "$2" "$1" "${3:-}"
}
{
	rec 01 xe
	rec 02 junos
	rec 03 eos "hostname: '\$(touch $T/pwned)'
vendor_class: '\`touch $T/pwned2\`; touch $T/pwned3'"
} | ztp-spool put discovered >/dev/null

# ---- a whole pass: three devices to done, under their serials
run $FLOW run
is "$rc" 1 "run: exit 1: every device got through, but a hook failed"
[ "$rc" = 1 ] || diag "$err"
like "$err" "hook '$T/hooks.d/20-fails' for FDO2231A0BC (configured -> done): exit 3" "a failing hook is named with its event"
like "$err" "30-hangs' for" "a hook past its deadline is killed and named"
for st in "discovered probed" "probed configured" "configured done"; do
	n=$(grep -c "^FDO2231A0BC $st Bearer tok-$$ [0-9]" "$T/webhook.log")
	is "$n" 1 "webhook: FDO2231A0BC $st exactly once, with the token"
done
is "$(wc -l <"$T/webhook.log")" 9 "webhook: 9 transitions for 3 devices, nothing more"
# the backend sees each record's changes in the order they were made (the
# queue is sent four at a time: one record's events one after another)
for id in FDO2231A0BC JN11F2AB3CDE JPE17281234; do
	is "$(awk -v id="$id" '$1 == id { printf "%s>%s ", $2, $3 }' "$T/webhook.log")" \
		"discovered>probed probed>configured configured>done " "webhook: $id's changes in order"
done
is "$(awk '{ print $6 }' "$T/webhook.log" | sort -u | grep -c '^[0-9]*-[0-9]*-[0-9]*$')" 9 \
	"webhook: each event has its own event_id (a backend drops a repeated delivery by it)"
is "$(grep -c ' configured done [0-9]' "$T/hook.log")" 3 "the hook ran once per event, with the event on stdin"
is "$(ls "$T/spool/events" | grep -c json)" 0 "nothing left in events/"
rm "$T/hooks.d/20-fails" "$T/hooks.d/30-hangs"
run ztp-spool ls done
like "$out" "FDO2231A0BC" "the IOS-XE device is done, its id its serial"
like "$out" "JN11F2AB3CDE" "the JunOS device is done"
like "$out" "JPE17281234" "the EOS device is done"
is "$(ztp-spool ls | wc -l)" 3 "three records in all: nothing left behind, nothing duplicated"
run ztp-spool show FDO2231A0BC
like "$out" "mac: 0c:d9:96:00:00:01" "the MAC stays a field"
like "$out" "tool: ztp-push" "history: pushed"
like "$out" "stage: done" "history: the post-check moved it to done"
ok "$(grep -q 'hostname cpe-iosxe-1' "$O/rec-xe" 2>/dev/null && echo 0 || echo 1)" \
	"the device's running configuration got the rendered hostname"
ok "$([ -e "$T/spool/log/FDO2231A0BC.log" ] && echo 0 || echo 1)" "the transcript follows the id"
ok "$([ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ] && [ ! -e "$T/pwned3" ] && echo 0 || echo 1)" \
	"DHCP strings with \$(...), backticks and ; never ran"
run ztp-spool show JPE17281234
like "$out" "touch $T/pwned)" "the hostile hostname is kept as data"

# ---- the same device on another port (a new MAC record): not again
rec 11 twin | ztp-spool put discovered >/dev/null
run $FLOW run
is "$rc" 0 "a device seen again: exit 0"
[ "$rc" = 0 ] || diag "$err"
is "$(ztp-spool ls | wc -l)" 3 "still three records: the sighting joined the known one"
run ztp-spool show FDO2231A0BC
like "$out" "mac: 0c:d9:96:00:00:11" "the known record took the new MAC"
like "$out" "port: Gi1/0/11" "and the new port"
like "$out" "seen again as 0c-d9-96-00-00-11" "history says so"
ok "$([ ! -e "$O/rec-twin" ] || ! grep -q 'hostname cpe-iosxe-1' "$O/rec-twin"; echo $?)" \
	"it was not configured again"
run ztp-spool ls done
like "$out" "FDO2231A0BC" "and stays done"

# ---- reprovision by hand: back through the whole pass
run $FLOW reprovision FDO2231A0BC
is "$rc" 0 "reprovision: exit 0"
run ztp-spool ls discovered
like "$out" "FDO2231A0BC" "the record is back in discovered"
run $FLOW run
is "$rc" 0 "the pass provisions it again"
ok "$(grep -q 'hostname cpe-iosxe-1' "$O/rec-twin" 2>/dev/null && echo 0 || echo 1)" \
	"this time the device at its new port got the configuration"

# ---- failures: a dead device is retried with a backoff, a legacy one waits for a person
{
	rec 21 dead
	rec 22 legacy
} | ztp-spool put discovered >/dev/null
run $FLOW run
is "$rc" 1 "run: exit 1 when devices failed"
run $FLOW status
like "$out" "0c-d9-96-00-00-21" "status lists the dead device"
like "$out" "refused" "with its kind"
like "$out" "(retry 1 of 2)" "and when it comes back"
like "$out" "negotiation" "the legacy device failed to negotiate"
like "$out" "fix: in ztp.yml, devices.0c-d9-96-00-00-22.ssh: kex_algorithms: '+diffie-hellman-group14-sha1'" \
	"status shows the fix as the ztp.yml lines, on one line"
like "$out" "retry: not automatic: a 'negotiation' failure needs a person" "not retried blindly"
like "$out" "done 3" "the counts per stage"
sleep 1.2
run $FLOW run
run ztp-spool show 0c-d9-96-00-00-21
like "$out" "result: auto-retry" "the dead device came back by itself once its time came"
sleep 2.2
$FLOW run >/dev/null 2>&1
sleep 2.2
$FLOW run >/dev/null 2>&1
run ztp-spool show 0c-d9-96-00-00-21
is "$(printf '%s\n' "$out" | grep -c 'result: auto-retry')" 2 "retried flow.retries times, no more"
run $FLOW status
like "$out" "retried 2 times already" "status says why it waits now"
run $FLOW -o json status
like "$out" '"retry": {"automatic": false, "why": "retried 2 times already' "status -o json: the retry plan"
run ztp-spool show 0c-d9-96-00-00-22
unlike "$out" "auto-retry" "the negotiation failure was never retried by itself"

# the printed fix, then a retry by hand
cat >>"$T/ztp.yml" <<EOF
devices:
  0c-d9-96-00-00-22:
    ssh: {kex_algorithms: +diffie-hellman-group14-sha1, hostkey_algorithms: +ssh-rsa}
EOF
run $FLOW retry 0c-d9-96-00-00-22
is "$rc" 0 "retry by hand"
run $FLOW run
run ztp-spool ls done
like "$out" "FOC1932X0AB" "the legacy device goes through once the fix is in, to done: the fix keyed by its MAC id holds after its id became its serial"

# ---- one pass per host at a time
exec 8>>"$T/spool/lock/flow.$(uname -n)"
flock -n 8
run $FLOW -v run
is "$rc" 0 "a second pass on the same host stops quietly"
like "$err" "a pass runs on" "saying why with -v"
exec 8>&-

run $FLOW show FDO2231A0BC
like "$out" "transcript: $T/spool/log/FDO2231A0BC.log" "show: the transcript's path"
run $FLOW bogus
is "$rc" 2 "an unknown command: exit 2"

# ---- a spool path that is not a spool (a typo, a share not mounted) is
# said, and no pass makes one there
mkdir "$T/notaspool"
run $FLOW -s "$T/notaspol/spool" run
is "$rc" 2 "a mistyped spool path: exit 2"
like "$err" "it is not a spool" "saying so"
like "$err" "ztp-spool -s '$T/notaspol/spool' init" "and how to make one"
is "$(ls -d "$T/notaspol" 2>&1)" "ls: cannot access '$T/notaspol': No such file or directory" "nothing created there"
for tool in ztp-probe ztp-push; do
	run env ZTP_SPOOL="$T/notaspool" $tool --spool
	is "$rc" 2 "$tool --spool on a directory that is not a spool: exit 2"
	like "$err" "create it with: ztp-spool -s $T/notaspool init" "$tool says how to make one"
done
is "$(ls -A "$T/notaspool")" "" "and makes nothing in it"
if command -v shellcheck >/dev/null; then
	run shellcheck -s sh "$TOP/cmd/ztp-flow.sh"
	is "$rc" 0 "shellcheck is clean"
	[ "$rc" = 0 ] && : || diag "$out"
fi
done_testing
