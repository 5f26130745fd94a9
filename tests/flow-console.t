#!/bin/sh
# ztp-flow's console fallback against real peers: a factory device without
# SSH keys (the simulator's console on a socat pty behind ser2net, its real
# sshd started only once the simulator's --ssh-state says it would serve
# SSH) goes discovered -> failed (refused) -> console bootstrap ->
# discovered -> probed -> configured -> done in ztp-flow run passes; a
# device whose bootstrap line is refused ends failed with the console's
# reason and is not handed to the console again; a record whose rack has
# no terminal server is left alone.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
. "$TOP/tests/conline.sh"
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
if ! command -v ser2net >/dev/null || ! command -v socat >/dev/null; then
	skip_all "ser2net and socat needed"
fi
command -v flock >/dev/null || skip_all "flock(1) is not installed"
command -v jq >/dev/null || skip_all "jq(1) is not installed (the console fallback needs it)"
FLOW="sh $TOP/cmd/ztp-flow.sh"
U=ztpc$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"
PW=$(cat "$T/pw")
mkdir -m 1777 "$T/o"

# ---- devices: NAME PLATFORM SERIAL SIM-OPTIONS; console line NAME:1 of
# rack NAME, SSH at the host name dev-NAME
S2N="" RACKS=""
device() {
	_n=$1 _pf=$2 _sn=$3
	shift 3
	_cmd="$SIM --console --platform $_pf --serial $_sn --ssh-state $T/$_n.state --record $T/$_n.rec --dump $T/$_n.dump"
	[ $# -eq 0 ] || _cmd="$_cmd $*"
	console_line "$_n" "$_cmd"
	_sp=$(free_port)
	printf 'Host dev-%s\n  HostName 127.0.0.1\n  Port %s\n' "$_n" "$_sp" >>"$T/ssh_config"
	eval "SSHPORT_$_n=$_sp PF_$_n=$_pf SN_$_n=$_sn"
}

# the device's SSH server, once its bootstrap gave it keys (conline.sh)
dev_sshd() { # NAME
	eval "_sp=\$SSHPORT_$1 _pf=\$PF_$1 _sn=\$SN_$1"
	dev_sshd_when_ready "$1" "$_sp" "$SIM --platform $_pf --serial $_sn --hostname Router --record $T/o/$1.ssh.rec"
}

device boot cisco_iosxe FDO2231ZZ01
device bad cisco_iosxe FDO2231ZZ02 --reject '^ip.ssh.version'
dev_sshd boot
# no terminal server: its rack is not in ztp.yml, its SSH port is closed
PPLAIN=$(free_port)
printf 'Host dev-plain\n  HostName 127.0.0.1\n  Port %s\n' "$PPLAIN" >>"$T/ssh_config"

printf '%s' "$S2N" >"$T/ser2net.yaml"
ser2net -n -u -c "$T/ser2net.yaml" -P "$T/ser2net.pid" 2>"$T/ser2net.log" &
bg_pid $!
sleep 1
printf 'credentials:\n- {name: prov, username: %s, password: "%s"}\n' "$U" "$PW" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"

# the shipped variables; for the console, before the serial is known, the
# record's own id; for the push, the serial
mkdir -p "$T/vars/devices"
cp -R "$TOP/templates/vars/." "$T/vars/"
# the records' ids, from their MACs as ztp-dhcpd makes them
BOOT=0c-d9-96-00-01-01 BAD=0c-d9-96-00-01-02 PLAIN=0c-d9-96-00-01-03
for n in $BOOT $BAD $PLAIN; do
	printf 'hostname: r-%s\nmgmt: {interface: GigabitEthernet0, address: dhcp}\n' "$n" >"$T/vars/devices/$n.yml"
done
cp "$TOP/templates/vars/devices/example-iosxe.yml" "$T/vars/devices/FDO2231ZZ01.yml"

cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh: {timeout: 5, config: $T/ssh_config, known_hosts: accept-new}
templates: {path: [$TOP/templates], vars: $T/vars}
flow: {retries: 2, backoff: 1s, backoff_max: 2s}
racks:
$RACKS
EOF
export ZTP_CONFIG="$T/ztp.yml"
ztp-spool init >/dev/null 2>&1

rec() { # rec NAME MAC-LAST-BYTE
	printf -- '---\nmac: 0c:d9:96:00:01:%s\nip: dev-%s\nrack: %s\nport: Gi1/0/%s\nconsole: %s:1\nservice: internet-access\n' \
		"$2" "$1" "$1" "$2" "$1"
}
{
	rec boot 01
	rec bad 02
	rec plain 03
} | ztp-spool put discovered >/dev/null

# ---- the first pass: no SSH anywhere; the console brings one device in
run $FLOW run
is "$rc" 1 "first pass: exit 1 (a device failed)"
[ "$rc" = 1 ] || diag "$err"
like "$err" "console: $BAD:" "the console's failure is said"
run ztp-spool ls done
like "$out" "FDO2231ZZ01" "the device without SSH is done, under its serial, in one pass"
run ztp-spool show FDO2231ZZ01
H=$out
like "$H" "result: refused" "history: the probe found no SSH first"
like "$H" "bootstrapped over console line boot:1" "history: then the console bootstrap"
like "$H" "tool: ztp-push" "history: then the push"
like "$H" "stage: done" "history: then the post-check"
ok "$(printf '%s\n' "$H" | awk '/result: refused/ && !a {a=NR} /bootstrapped over console/ && !b {b=NR} /tool: ztp-push/ && !c {c=NR} END {exit !(a && b && c && a < b && b < c)}'; echo $?)" \
	"history in order: refused, console bootstrap, push"
like "$(cat "$T/boot.rec")" "username $U privilege 15 secret" "the bootstrap typed the local user on the console"
like "$(cat "$T/o/boot.ssh.rec" 2>/dev/null)" "hostname cpe-iosxe-1" "over SSH the device got the rendered configuration"
if grep -rqF -- "$PW" "$T/spool"; then ok 1 "the secret is nowhere in the spool"; else ok 0 "the secret is nowhere in the spool"; fi

run ztp-spool show "$BAD"
B=$out
like "$B" "kind: console" "the refused bootstrap: failed with the console's kind"
like "$B" "refused line" "the refused bootstrap: the console's reason in the error"
like "$B" "'ip ssh version 2'" "the refused bootstrap: the line named"
like "$B" "ztp-flow retry $BAD" "the refused bootstrap: the fix says what to do"
n=$(printf '%s\n' "$B" | grep -c 'tool: ztp-console')
is "$n" 2 "the refused bootstrap: in the error and in the history"
like "$(ztp-spool -o json show "$BAD" | jq -r '.history[-1].detail')" "refused line" "the history entry has the console's words"

run ztp-spool show "$PLAIN"
P=$out
like "$P" "kind: refused" "no terminal server: the record keeps the probe's error"
is "$(ztp-spool -o json show "$PLAIN" | jq -r '.error.hop')" device \
	"the probe's error says the device refused, not the gateway"
unlike "$P" "ztp-console" "no terminal server: the console never touched it"

run $FLOW status
like "$out" "refused line" "ztp-flow status shows the console's reason"

# ---- later passes: the refused bootstrap is not tried again; nor is a
# device the console already brought in whose login then failed (one
# console attempt per failure, then a person)
AGAIN=0c-d9-96-00-01-04
cat <<EOF | ztp-spool put failed >/dev/null
mac: 0c:d9:96:00:01:04
ip: dev-bad
rack: bad
console: bad:1
error: {tool: ztp-probe, kind: auth, hop: device, message: 'authentication failed', stage: discovered}
history:
- {at: '2026-12-06T09:00:00Z', tool: ztp-probe, stage: failed, result: refused, detail: 'connection refused'}
- {at: '2026-12-06T09:01:00Z', tool: ztp-console, stage: discovered, result: ok, detail: 'bootstrapped over console line bad:1'}
- {at: '2026-12-06T09:02:00Z', tool: ztp-probe, stage: failed, result: auth, detail: 'authentication failed'}
EOF
boots=$(grep -c 'bootstrap' "$T/spool/log/console/bad:1.log")
sleep 3
run $FLOW run
[ "$rc" != 2 ]
ok $? "second pass: no usage error (exit $rc)"
is "$(grep -c 'bootstrap' "$T/spool/log/console/bad:1.log")" "$boots" "second pass: the refused device's bootstrap not typed again"
is "$(ztp-spool -o json show "$BAD" | jq '[.history[] | select(.tool == "ztp-console")] | length')" 1 \
	"second pass: still one console attempt in its history"
run ztp-spool ls failed
like "$out" "$BAD " "second pass: the refused device stays failed"
like "$out" "$PLAIN " "second pass: the one without a terminal server too"
run ztp-spool ls done
like "$out" "FDO2231ZZ01" "second pass: the bootstrapped device stays done"
unlike "$(ztp-spool show "$PLAIN")" "ztp-console" "second pass: the console never touched the record without a terminal server"

run ztp-spool -o json show "$AGAIN"
is "$(printf '%s' "$out" | jq -r '.error.kind + " " + ([.history[] | select(.tool == "ztp-console")] | length | tostring)')" \
	"auth 1" "second pass: a login that fails after a bootstrap waits for a person, not the console again"

# ---- after a person's retry the console gets one more attempt
run $FLOW retry "$BAD"
is "$rc" 0 "retry by hand: exit 0"
run $FLOW run
is "$(ztp-spool -o json show "$BAD" | jq '[.history[] | select(.tool == "ztp-console" and .result == "error")] | length')" 2 \
	"after a retry by hand: the console tried once more"
# ---- timeouts: one in the middle of a session, one on the way through
# the gateway and a refusal by the gateway are not "no SSH"; one at the
# device's own port is (retried as often as flow.retries allows already:
# the probe leaves them)
for d in "05|timeout|device||cli session: wait for the first prompt: no prompt within 30 s (0 bytes read)" \
	"06|timeout|jump host|tcp|hop 1 of 2, gw: no answer within 5 s (device down, filtered, or wrong address)" \
	"08|refused|jump host||hop 1 of 2, gw: connection refused: nothing listens on port 22" \
	"07|timeout|device|tcp|hop 2 of 2, dev-bad: no answer within 5 s (device down, filtered, or wrong address)"; do
	printf '%s\n' "$d" | {
		IFS='|' read -r m kind hop phase msg
		printf -- "---\nmac: 0c:d9:96:00:01:%s\nip: dev-bad\nconsole: bad:1\nerror: {tool: ztp-probe, kind: %s, hop: %s, phase: '%s', message: '%s', stage: discovered}\nhistory:\n- {tool: ztp-spool, stage: discovered, result: auto-retry}\n- {tool: ztp-spool, stage: discovered, result: auto-retry}\n" \
			"$m" "$kind" "$hop" "$phase" "$msg"
	}
done | ztp-spool put failed >/dev/null
printf 'hostname: r-07\nmgmt: {interface: GigabitEthernet0, address: dhcp}\n' >"$T/vars/devices/0c-d9-96-00-01-07.yml"
run $FLOW run
for m in 05 06 08; do
	is "$(ztp-spool -o json show "0c-d9-96-00-01-$m" | jq '[.history[]? | select(.tool == "ztp-console")] | length')" 0 \
		"a failure that is not the device's 'no SSH' ($m) is not the console's"
done
is "$(ztp-spool -o json show 0c-d9-96-00-01-07 | jq -r '.error.tool')" ztp-console \
	"timeouts: a timeout at the device's own SSH port is the console's"

done_testing
