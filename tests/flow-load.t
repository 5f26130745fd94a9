#!/bin/sh
# ztp-flow under load: 80 simulated devices discovered at once, drained
# by 4 ztp-flow passes running at the same time on 4 "hosts" (UTS
# namespaces sharing the spool), with 10% faulty devices: slow, dead,
# rejecting a line, offering only SHA-1 key exchange.  Every good device
# ends done, every faulty one where its fault sends it with its reason;
# none lost, none duplicated, none configured twice.
#
# The rack is one network namespace: every device is an address of
# 127.0.0.0/8 there, served by one sshd listening on all of them whose
# ForceCommand starts the simulator the address names (a few sshd: the
# main one, a legacy one; dead devices point at a port nobody listens on).
# ZTP_LOAD_N sets the number of devices (default 80, a multiple of 20):
# 80 is more than the 32 workers of the 4 passes (8 each) that start
# together on the same discovered records, so every worker has a device
# and the passes race for the same claims; 4 of each kind of fault.
# ZTP_LOAD_N=200 is the bigger run.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces and sshd"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$TOP/tests/sim/ztp-sim" ] && SIM=$TOP/tests/sim/ztp-sim	# the device is not under test
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
command -v unshare >/dev/null || skip_all "unshare(1) is not installed"
N=${ZTP_LOAD_N:-80}
NS=zl$$
ip netns add "$NS" 2>/dev/null || skip_all "cannot create network namespaces"
on_exit "ip netns del $NS"
ip -n "$NS" link set lo up
inns() { ip netns exec "$NS" "$@"; }

O=$T/out F=$T/fleet
mkdir -p "$O" "$F" "$T/vars/devices"
cp -R "$TOP/templates/vars/." "$T/vars/"
sshd_client_key

# the device behind an address: $F/<address> says which simulator to start
cat >"$T/device.sh" <<EOF
#!/bin/sh
# shellcheck disable=SC2086 # the fields of SSH_CONNECTION
set -- \$SSH_CONNECTION
[ -f "$F/\$3" ] || { echo "no device at \$3" >&2; exit 1; }
. "$F/\$3"
exec "$SIM" --platform "\$pf" --serial "\$sn" --hostname Router --record "$O/rec-\$3" \
	\${slow:+--slow "\$slow"} \${reject:+--reject "\$reject"}
EOF
chmod 755 "$T/device.sh"

start_sshd() { # start_sshd NAME PORT KEYTYPE [config lines]: all addresses, in $NS
	_n=$1 _p=$2 _kt=$3
	shift 3
	mkdir -p "$T/$_n"
	ssh-keygen -q -t "$_kt" -N '' -f "$T/$_n/host_key"
	{
		printf '%s\n' "Port $_p" "ListenAddress 0.0.0.0" "HostKey $T/$_n/host_key" \
			"PidFile $T/$_n/sshd.pid" "AuthorizedKeysFile $T/authorized_keys" \
			"PermitRootLogin prohibit-password" "StrictModes no" "UsePAM no" \
			"KbdInteractiveAuthentication no" "PasswordAuthentication no" \
			"MaxStartups 400" "SetEnv SHLVL=5" "ForceCommand $T/device.sh"
		for _l in "$@"; do printf '%s\n' "$_l"; done
	} >"$T/$_n/sshd_config"
	ip netns exec "$NS" /usr/sbin/sshd -D -e -f "$T/$_n/sshd_config" 2>>"$T/$_n/log" &
	bg_pid $!	# ip netns exec execs sshd: this is its PID
}
start_sshd rack 22 ed25519
start_sshd legacy 2222 rsa "KexAlgorithms diffie-hellman-group14-sha1" "HostKeyAlgorithms ssh-rsa"

# the fleet: platforms in turn; of every 20 devices one is slow (it must
# still get through), one dead, one rejects a line of its configuration,
# one offers only SHA-1 key exchange
{
	printf 'spool: %s\nsecrets: %s\n' "$T/spool" "$T/secrets.yml"
	printf 'ssh: {timeout: 15, known_hosts: accept-new}\n'
	printf 'templates: {path: [%s], vars: %s}\n' "$TOP/templates" "$T/vars"
	printf 'flow: {retries: 0, hooks: %s}\n' "$T/hooks.d"
	printf 'devices:\n'
} >"$T/ztp.yml"
printf 'credentials:\n- {name: prov, username: root, key_file: %s}\n' "$T/client_key" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
: >"$T/records"
: >"$T/expect"
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	k=$(((i - 1) % 4 + 1))
	case $k in 1) pf=cisco_iosxe ;; 2) pf=juniper_junos ;; 3) pf=arista_eos ;; *) pf=huawei_vrp ;; esac
	addr=127.0.$((i / 250 + 1)).$((i % 250 + 1))
	sn=$(printf 'LD%02d%07d' "$k" "$i")
	mac=$(printf '0c:d9:96:%02x:%02x:%02x' $((i / 65536)) $((i / 256 % 256)) $((i % 256)))
	id=$(printf '%s' "$mac" | tr : -)
	slow='' reject='' fate='done'
	case $((i % 20)) in
	3) slow=20 ;;
	7) fate=failed:refused ;;
	11) pf=cisco_iosxe reject='^ntp server' fate=failed:rejected ;;
	15) fate=failed:negotiation ;;
	esac
	printf "pf=%s\nsn=%s\nslow='%s'\nreject='%s'\n" "$pf" "$sn" "$slow" "$reject" >"$F/$addr"
	case $fate in
	*refused) printf '  %s: {ssh: {port: 2223}}\n' "$id" >>"$T/ztp.yml" ;;
	*negotiation) printf '  %s: {ssh: {port: 2222}}\n' "$id" >>"$T/ztp.yml" ;;
	esac
	printf 'hostname: cpe-%s\n' "$i" >"$T/vars/devices/$sn.yml"
	printf '{"id": "%s", "mac": "%s", "ip": "%s", "rack": "rack1", "port": "Gi1/0/%s"}\n' \
		"$id" "$mac" "$addr" "$i" >>"$T/records"
	# where each device must end: under its serial once probed, else under
	# its MAC id
	case $fate in
	done | *rejected) printf '%s %s %s %s\n' "$addr" "$sn" "$fate" "$pf" >>"$T/expect" ;;
	*) printf '%s %s %s %s\n' "$addr" "$id" "$fate" "$pf" >>"$T/expect" ;;
	esac
done
# a local hook that logs every stage change it is given
mkdir "$T/hooks.d"
printf '#!/bin/sh\necho "$ZTP_EVENT_ID $ZTP_EVENT_FROM $ZTP_EVENT_TO" >>%s/events.log\n' "$T" >"$T/hooks.d/10-log"
chmod 755 "$T/hooks.d/10-log"
export ZTP_CONFIG="$T/ztp.yml"
ztp-spool init >/dev/null
# shellcheck disable=SC2016 # expanded by the inner shell
inns sh -c 'i=0; while [ $i -lt 100 ]; do (exec 3<>/dev/tcp/127.0.0.1/22) 2>/dev/null && exit 0;
	bash -c "exec 3<>/dev/tcp/127.0.0.1/22" 2>/dev/null && exit 0; sleep 0.1; i=$((i+1)); done; exit 1'
ok $? "the rack's sshd listens"

# all discovered at once, then 4 hosts run passes at the same time until
# nothing is left to do (a pass that finds work claimed elsewhere leaves it)
ztp-spool put discovered "$T/records" >/dev/null
is "$(ztp-spool ls discovered | wc -l)" "$N" "$N devices discovered at once"
round=0
while [ $round -lt 6 ]; do
	round=$((round + 1))
	for h in 1 2 3 4; do
		# shellcheck disable=SC2016 # expanded by the inner shell
		inns unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' sh "flow$h" \
			sh "$TOP/cmd/ztp-flow.sh" -q -j 8 run >"$T/flow$h.$round.out" 2>&1 &
		eval "fp$h=\$!"
	done
	for h in 1 2 3 4; do
		eval "wait \$fp$h"
	done
	left=$(ztp-spool ls discovered probed configured | wc -l)
	[ "$left" = 0 ] && break
done
diag "$N devices drained by 4 concurrent flows in $round round(s) of passes"
is "$left" 0 "nothing left in discovered, probed or configured"
# the passes took turns delivering the stage changes; what the last one
# made is delivered by the next run, as cron's next minute would
ztp-spool -q notify
is "$(sort "$T/events.log" | uniq -d | wc -l)" 0 "the hook got no stage change twice"
is "$(grep -c ' configured done$' "$T/events.log")" "$((N * 17 / 20))" "and every device's arrival in done once"
is "$(grep -c ' failed$' "$T/events.log")" "$((N * 3 / 20))" "and every failure once"

# every device where it belongs, with its reason
ztp-spool -o json ls >"$T/all.json"
python3 - "$T/expect" "$T/all.json" "$O" >"$T/verdict" <<'PY'
import json, os, sys
expect = [l.split() for l in open(sys.argv[1])]
recs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
by_id = {}
for r in recs:
    by_id.setdefault(r["id"], []).append(r)
wrong = []
os_of = {"cisco_iosxe": "ios-xe", "juniper_junos": "junos", "arista_eos": "eos", "huawei_vrp": "vrp"}
for addr, key, fate, pf in expect:
    stage, _, kind = fate.partition(":")
    rs = by_id.get(key, [])
    if len(rs) != 1:
        wrong.append("%s %s: %d records" % (addr, key, len(rs)))
        continue
    r = rs[0]
    if r.get("stage") != stage:
        wrong.append("%s %s: in %s, want %s (%s)" % (addr, key, r.get("stage"), stage,
                     (r.get("error") or {}).get("message", "")))
    elif kind and (r.get("error") or {}).get("kind") != kind:
        wrong.append("%s %s: kind %s, want %s" % (addr, key, (r.get("error") or {}).get("kind"), kind))
    elif stage == "done" and (r.get("facts") or {}).get("os") != os_of[pf]:
        wrong.append("%s %s: os %s, want %s" % (addr, key, (r.get("facts") or {}).get("os"), os_of[pf]))
    # configured once: the simulator logs every configuration line it took;
    # the hostname is the first line of every platform's template
    log = os.path.join(sys.argv[3], "rec-" + addr)
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    pushes = sum(text.count(w) for w in ("\thostname cpe-", "\tset system host-name cpe-", "\tsysname cpe-"))
    want = 1 if stage == "done" or kind == "rejected" else 0
    if pushes != want:
        wrong.append("%s %s: configured %d times, want %d" % (addr, key, pushes, want))
print("records %d expected %d" % (len(recs), len(expect)))
for w in wrong:
    print("WRONG " + w)
PY
is "$(sed -n 1p "$T/verdict")" "records $N expected $N" "none lost, none invented: one record per device"
is "$(grep -c '^WRONG' "$T/verdict")" 0 "every device in its stage, with its reason, configured once"
grep '^WRONG' "$T/verdict" | head -n 20 | while IFS= read -r l; do diag "$l"; done
is "$(ztp-spool ls "done" | wc -l)" "$((N * 17 / 20))" "every good device is done (slow ones too)"
is "$(ztp-spool ls failed | wc -l)" "$((N * 3 / 20))" "every faulty one is failed"
like "$(ztp-spool show "$(sed -n 's/.* \(0c-[^ ]*\) failed:negotiation .*/\1/p' "$T/expect" | head -n 1)")" \
	"kex_algorithms: '+diffie-hellman-group14-sha1'" "a legacy device's record carries the fix"
unlike "$(cat "$T"/flow*.out)" "ERROR: AddressSanitizer|runtime error" "no sanitizer report from any tool"
done_testing
