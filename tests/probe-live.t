#!/bin/sh
# ztp-probe live: the device simulator behind real OpenSSH servers (its
# ForceCommand), every platform, reached directly and through a gateway;
# paging on, enable with a password, a legacy-only Cisco that needs the
# ssh_config fix, a device that hangs, one that drops mid-output, a wrong
# then a right credential set, records on stdin, and --spool moving records.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
U=ztpp$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"

# one sshd, one port per device, a ForceCommand per port (Match LocalPort)
PORTS="" MATCH="" CFG="" first=""
for d in ios:cisco_ios:SIMIOS1 xe:cisco_iosxe:SIMXE1 xr:cisco_xr:SIMXR1 \
	nx:cisco_nxos:SIMNX1 junos:juniper_junos:SIMJ1 eos:arista_eos:SIMEOS1 \
	vrp:huawei_vrp:SIMVRP1 en:cisco_ios:SIMEN1 hang:cisco_ios:SIMH1 drop:arista_eos:SIMD1 \
	pios:cisco_ios:SIMP1 pj:juniper_junos:SIMPJ1 pv:huawei_vrp:SIMPV1; do
	n=${d%%:*} rest=${d#*:}
	pf=${rest%%:*} sn=${rest#*:}
	p=$(free_port)
	extra=""
	case $n in
	en) extra="--enable-secret en-s3cret" ;;
	xr) extra="--motd 'WARNING: authorised access only #' --ansi" ;;
	hang) extra="--hang-on 'show inventory'" ;;
	drop) extra="--drop-on 'show inventory'" ;;
	p*) extra="--pager-locked --page 8" ;;
	esac
	if [ -z "$first" ]; then first=$p; else PORTS="$PORTS|Port $p"; fi
	MATCH="$MATCH|Match LocalPort $p|  ForceCommand $SIM --platform $pf --serial $sn --hostname $n-r1 $extra"
	CFG="${CFG}Host $n
  HostName 127.0.0.1
  Port $p
"
done
IFS='|'
# shellcheck disable=SC2086
sshd_start devs "$first" ed25519 "PasswordAuthentication yes" "SetEnv SHLVL=5" ${PORTS#|} ${MATCH#|}
unset IFS
PGW=$(free_port)
POLD=$(free_port)
sshd_start gw "$PGW" ed25519 "AllowTcpForwarding yes" "PasswordAuthentication no"
sshd_start old "$POLD" rsa \
	"KexAlgorithms diffie-hellman-group14-sha1" "HostKeyAlgorithms ssh-rsa" \
	"Ciphers aes128-ctr,aes128-cbc" "MACs hmac-sha1" "PasswordAuthentication yes" \
	"SetEnv SHLVL=5" "ForceCommand $SIM --platform cisco_ios --serial SIMOLD1 --hostname old-r1"
{
	printf '%s' "$CFG"
	printf 'Host old\n  HostName 127.0.0.1\n  Port %s\n' "$POLD"
	printf 'Host gw\n  HostName 127.0.0.1\n  Port %s\n  User root\n  IdentityFile %s\n' "$PGW" "$T/client_key"
} >"$T/ssh_config"
{
	printf 'Host old\n  KexAlgorithms +diffie-hellman-group14-sha1\n'
	printf '  HostKeyAlgorithms +ssh-rsa\n  MACs +hmac-sha1\n'
	cat "$T/ssh_config"
} >"$T/fixed_config"
# a wrong credential set first, then the right one; the enable secret
printf 'credentials:\n- {name: wrong, username: %s, password: "not-it-9"}\n- {name: factory, username: %s, password: "%s"}\n- {name: enable, password: en-s3cret}\n' \
	"$U" "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
mkdir -p "$T/spool"
printf 'spool: %s\nsecrets: %s\nssh:\n  timeout: 10\n' "$T/spool" "$T/secrets.yml" >"$T/ztp.yml"
P="ztp-probe -c $T/ztp.yml -F $T/fixed_config -o json"
rec() { printf '%s\n' "$out" | grep "\"id\": \"$1\","; }

# ---- every platform, straight to the sshd (paging on: the sim's default)
run $P -j 8 ios xe xr nx junos eos vrp en </dev/null
is "$rc" 0 "all platforms: exit 0"
[ "$rc" = 0 ] || diag "$err"
for d in ios:cisco_ios:SIMIOS1 xe:cisco_iosxe:SIMXE1 xr:cisco_xr:SIMXR1 nx:cisco_nxos:SIMNX1 \
	junos:juniper_junos:SIMJ1 eos:arista_eos:SIMEOS1 vrp:huawei_vrp:SIMVRP1 en:cisco_ios:SIMEN1; do
	n=${d%%:*} rest=${d#*:}
	pf=${rest%%:*} sn=${rest#*:}
	r=$(rec "$n")
	like "$r" "\"serial\": \"$sn\"" "$n: serial from --serial"
	like "$r" "\"platform\": \"$pf\"" "$n: platform $pf detected"
	like "$r" '"result": "ok"' "$n: history entry"
done
like "$(rec ios)" '"model": "IOSv"' "ios: model"
like "$(rec ios)" '"version": "15.8(3)M2"' "ios: version"
like "$(rec vrp)" '"vendor": "huawei"' "vrp: vendor"
like "$(rec en)" '"hostname": "en-r1"' "enable: facts read after enable"
like "$(cat "$T/spool/log/xr.log")" "authorised access only" "xr: a MOTD with prompt-like lines and colours before the prompt"
ok "$([ -f "$T/spool/log/en.log" ]; echo $?)" "transcript written to \$SPOOL/log/ID.log"
unlike "$(cat "$T/spool/log/en.log")" "en-s3cret" "transcript: the enable secret is redacted"
like "$(cat "$T/spool/log/en.log")" "<redacted>" "transcript: marks the redaction"
unlike "$(cat "$T/spool/log/"*.log)" "$(cat "$T/pw")" "transcripts never hold the login password"

like "$(cat "$T/devs/log")" "Failed password for $U" "the wrong credential set was tried first"
like "$(cat "$T/devs/log")" "Accepted password for $U" "then the right one"

# each command ztp-probe runs per platform (the table in lib/facts/facts.c)
# went to the device, and each output was parsed into the facts: the
# chassis serial (the sim's --serial replaced the model's own) is the
# record's own serial, not a module's
for d in ios:"show version|show inventory" xe:"show version|show inventory" \
	xr:"show version|show inventory" nx:"show version|show inventory" \
	junos:"show version|show chassis hardware" eos:"show version|show inventory" \
	vrp:"display version|display device|display esn|display elabel"; do
	n=${d%%:*} cmds=${d#*:}
	IFS='|'
	# shellcheck disable=SC2086
	set -- $cmds
	unset IFS
	like "$(rec "$n")" "$# of $# outputs parsed" "$n: all $# outputs parsed ($cmds)"
	for c in "$@"; do
		like "$(cat "$T/spool/log/$n.log" 2>/dev/null)" "$c" "$n: '$c' ran on the device"
	done
done
like "$(rec xr)" '"model": "R-IOSXRV9000-CC", "serial": "SIMXR1", "modules"' \
	"xr: show inventory's Rack 0 is the chassis (model and serial)"
like "$(rec xr)" '"model": "R-IOSXRV9000-LC-C", "serial": "AB7FB950B88"' "xr: show inventory's line card is a module"
like "$(rec xr)" '"version": "6.2.1.23I"' "xr: version from show version"
like "$(rec vrp)" '"serial": "SIMVRP1", "modules"' "vrp: display esn gives the device's serial"
like "$(rec vrp)" '"slot": "3", "name": "Slot 3", "model": "CE-L24LQ-EC1"' "vrp: display device gives the boards"
like "$(rec vrp)" '"slot": "PWR1"' "vrp: display device gives the power supplies"
like "$(rec vrp)" '"slot": "1", "name": "Slot 1", "model": "SIC-4GE", "serial": "020JFM10K3000123"' \
	"vrp: display elabel gives the cards with their bar codes"
like "$(rec junos)" '"serial": "SIMJ1", "modules"' "junos: show chassis hardware gives the chassis serial"
like "$(rec junos)" '"name": "Routing Engine 0"' "junos: and the modules"
for n in xe nx eos; do	# (the IOSv inventory lists the chassis only)
	like "$(rec "$n")" '"modules": [{' "$n: show inventory gives modules"
done

# ---- paging cannot be turned off: the pager is answered (JunOS: | no-more)
run $P pios pj pv </dev/null
is "$rc" 0 "pager locked: exit 0"
for d in pios:SIMP1 pj:SIMPJ1 pv:SIMPV1; do
	like "$(rec "${d%%:*}")" "\"serial\": \"${d#*:}\"" "pager locked, ${d%%:*}: facts"
done
like "$(rec pios)" "pager answered" "pager locked: the history says the pager was answered"
like "$(rec pios)" '"version": "15.8(3)M2"' "pager locked: show version parsed across pages"
unlike "$(cat "$T/spool/log/pj.log")" "---(more" "junos: | no-more instead of the pager"

# ---- through the gateway
run $P -J gw eos vrp </dev/null
is "$rc" 0 "through the gateway: exit 0"
like "$(rec eos)" '"serial": "SIMEOS1"' "through the gateway: eos facts"
like "$(rec vrp)" '"serial": "SIMVRP1"' "through the gateway: vrp facts"

# ---- the legacy Cisco: negotiation failure classified, then the fix works
run ztp-probe -c "$T/ztp.yml" -F "$T/ssh_config" -o json old </dev/null
is "$rc" 1 "legacy cisco without the fix: exit 1"
like "$out" '"kind": "negotiation"' "legacy cisco: error.kind negotiation"
like "$out" '"message": "device' "legacy cisco: error.message says what failed"
like "$out" 'server offers: diffie-hellman-group14-sha1' "legacy cisco: error.fix carries the kexcheck diagnosis with the offer"
like "$out" 'KexAlgorithms +diffie-hellman-group14-sha1' "and the fix to paste"
run $P old </dev/null
is "$rc" 0 "legacy cisco with the ssh_config fix: exit 0"
like "$out" '"serial": "SIMOLD1"' "legacy cisco: facts"

# ---- a hanging device times out within its deadline, the others finish
run $P -d 6 hang ios drop </dev/null
is "$rc" 1 "hang + drop: exit 1"
like "$(rec hang)" '"kind": "timeout"' "hang: error.kind timeout"
like "$(rec ios)" '"serial": "SIMIOS1"' "hang: the other device finished"
like "$(rec drop)" '"kind": "closed"' "drop: error.kind closed"
like "$(rec drop)" "show inventory" "drop: the message names the command"

# ---- records on stdin
printf '{"id":"r-ios","ip":"ios","rack":"rack1"}\n{"id":"r-nx","ip":"nx","platform":"cisco_nxos"}\n' >"$T/in.jsonl"
run $P - <"$T/in.jsonl"
is "$rc" 0 "records on stdin: exit 0"
like "$(rec r-ios)" '"rack": "rack1"' "stdin: the record keeps its keys"
like "$(rec r-nx)" '"serial": "SIMNX1"' "stdin: facts added"

# ---- --spool: discovered -> probed, failures -> failed
ztp-spool -c "$T/ztp.yml" init >/dev/null 2>&1
for n in xe junos drop; do
	printf '{"id":"s-%s","ip":"%s"}\n' "$n" "$n"
done | ztp-spool -c "$T/ztp.yml" put discovered >/dev/null 2>"$T/put.err" || diag "put: $(cat "$T/put.err")"
run $P --spool </dev/null
is "$rc" 1 "--spool with one failure: exit 1"
ok "$([ -f "$T/spool/probed/s-xe.yml" ]; echo $?)" "--spool: s-xe probed"
ok "$([ -f "$T/spool/probed/s-junos.yml" ]; echo $?)" "--spool: s-junos probed"
ok "$([ -f "$T/spool/failed/s-drop.yml" ]; echo $?)" "--spool: s-drop failed"
like "$(cat "$T/spool/probed/s-xe.yml" 2>/dev/null)" "SIMXE1" "--spool: the probed record has the facts"
like "$(cat "$T/spool/failed/s-drop.yml" 2>/dev/null)" "kind: closed" "--spool: the failed record has the kind"
like "$(cat "$T/spool/failed/s-drop.yml" 2>/dev/null)" "stage: discovered" "--spool: and the stage"
is "$(find "$T/spool/discovered" -name '*.yml' | wc -l)" 0 "--spool: discovered is drained"

# ---- usage
run ztp-probe -j 0 x </dev/null
is "$rc" 2 "-j 0: usage error"
done_testing
