#!/bin/sh
# ztp-console --bootstrap against real peers: ser2net (telnet) in front of
# the simulator on a socat pty per device, a jump sshd as the gateway, and
# per device a real sshd that starts only once the simulated device would
# serve SSH (its keys generated, the SSH service on, a local user: the
# simulator's --ssh-state file), allowing only the users the bootstrap
# created.  IOS-XE, JunOS (factory: root-authentication demanded by the
# commit), VRP (keys already there: "Confirm to replace them?"), classic
# IOS with a site template that forgets the domain and the modulus ("%
# Please define a domain-name first.", "How many bits in the modulus"), a
# rejected line (named, exit 1, nothing saved), SSH that never comes (exit
# 1 with the SSH layer's words), a template error (exit 2, the line never
# touched); the secret never in the line's log, the transcript or stderr.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
. "$TOP/tests/conline.sh"
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
if ! command -v ser2net >/dev/null || ! command -v socat >/dev/null; then
	skip_all "ser2net and socat needed"
fi
U=ztpb$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"
PW=$(cat "$T/pw")

# ---- the gateway
PGW=$(free_port)
sshd_start gw "$PGW" ed25519 "AllowTcpForwarding yes" "PasswordAuthentication no"

# ---- devices: NAME PLATFORM SIM-OPTIONS; console line NAME:1, SSH as NAME
S2N="" SSHCFG="" RACKS=""
device() {
	_n=$1 _pf=$2
	shift 2
	_cmd="$SIM --console --platform $_pf --ssh-state $T/$_n.state --record $T/$_n.rec --dump $T/$_n.dump"
	[ $# -eq 0 ] || _cmd="$_cmd $*"
	console_line "$_n" "$_cmd"
	_sp=$(free_port)
	SSHCFG="${SSHCFG}Host $_n
  HostName 127.0.0.1
  Port $_sp
"
	eval "SSHPORT_$_n=$_sp PF_$_n=$_pf"
}

# the device's SSH server, once its bootstrap gave it keys (conline.sh)
dev_sshd() { # NAME
	eval "_sp=\$SSHPORT_$1 _pf=\$PF_$1"
	dev_sshd_when_ready "$1" "$_sp" "$SIM --platform $_pf --hostname $1-r1"
}

device xe cisco_iosxe
device junos juniper_junos --amnesiac
device vrp huawei_vrp --has-keys
device ios cisco_ios
device bad cisco_iosxe --reject '^ip.ssh.version'
device nossh cisco_iosxe
for d in xe junos vrp ios bad; do dev_sshd $d; done

printf '%s' "$S2N" >"$T/ser2net.yaml"
ser2net -n -u -c "$T/ser2net.yaml" -P "$T/ser2net.pid" 2>"$T/ser2net.log" &
bg_pid $!
sleep 1
{
	printf '%s' "$SSHCFG"
	printf 'Host gw\n  HostName 127.0.0.1\n  Port %s\n  User root\n  IdentityFile %s\n' "$PGW" "$T/client_key"
} >"$T/ssh_config"
printf 'credentials:\n- {name: dev, username: %s, password: "%s"}\n' "$U" "$PW" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"

# variables: the lab's domain, no fleet users, no enable secret (so the
# JunOS commit asks for root-authentication); per device its hostname and
# management port
mkdir -p "$T/vars/devices" "$T/tpl/console" "$T/spool"
printf 'domain_name: lab.example.net\nusers: []\n' >"$T/vars/defaults.yml"
for d in xe:cisco_iosxe:GigabitEthernet0 junos:juniper_junos:ge-0/0/7 vrp:huawei_vrp:GigabitEthernet0/0/8 \
	ios:cisco_ios:GigabitEthernet0/1 bad:cisco_iosxe:GigabitEthernet0 nossh:cisco_iosxe:GigabitEthernet0; do
	n=${d%%:*} rest=${d#*:}
	printf 'hostname: %s-r1\nmgmt: {interface: %s, address: dhcp}\n' "$n" "${rest#*:}" >"$T/vars/devices/$n.yml"
done
# a site template for classic IOS that forgets the domain and the modulus
grep -v '^ip domain-name' "$TOP/templates/console/cisco_ios.j2" |
	sed 's/^crypto key generate rsa general-keys modulus 2048$/crypto key generate rsa/' \
		>"$T/tpl/console/cisco_ios.j2"

# a minute per command and per login: the test runs beside the whole suite
# (its probe through the gateway once passed 10 s there); no step here
# waits a timeout out
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh:
  config: $T/ssh_config
  jump: gw
  timeout: 60
  connect_timeout: 60
templates:
  path: [$T/tpl, $TOP/templates]
  vars: $T/vars
racks:
$RACKS
EOF
ztp-spool -c "$T/ztp.yml" init >/dev/null 2>&1
for n in xe junos vrp ios bad nossh; do
	printf 'id: %s\nconsole: %s:1\nip: %s\n---\n' "$n" "$n" "$n"
done | ztp-spool -c "$T/ztp.yml" put failed >/dev/null
con() { ztp-console -c "$T/ztp.yml" "$@"; }
nosecret() { # nosecret NAME FILE...: the secret is in none of them
	if cat "$@" 2>/dev/null | grep -qF -- "$PW"; then ok 1 "$1: the secret is not in $*"; else ok 0 "$1: the secret is in no log, transcript or message"; fi
}

# ---- before: no keys, no SSH
run ztp-probe -c "$T/ztp.yml" -o json xe
[ "$rc" != 0 ]
ok $? "before the bootstrap: ztp-probe cannot reach the device (exit $rc)"
like "$out$err" "refused" "before: the device's SSH port is closed (no keys)"

# ---- IOS-XE: a factory box made reachable
run con -v --bootstrap xe
is "$rc" 0 "IOS-XE: bootstrap, then SSH works: exit 0"
[ "$rc" = 0 ] || diag "$err"
like "$err" "SSH to xe works" "IOS-XE: verified over SSH"
like "$(cat "$T/xe.rec")" "crypto key generate rsa general-keys modulus 2048" "IOS-XE: the key line typed"
like "$(cat "$T/xe.rec")" "username $U privilege 15 secret" "IOS-XE: the local user typed"
like "$(sed -n '/=== startup/,$p' "$T/xe.dump")" "username $U" "IOS-XE: saved"
run ztp-spool -c "$T/ztp.yml" ls discovered
like "$out" "xe" "IOS-XE: the record is back in discovered"
rec=$(cat "$T/spool/discovered/xe.yml" 2>/dev/null)
like "$rec" "bootstrapped over console line xe:1" "IOS-XE: the history says how"
like "$rec" "platform: cisco_iosxe" "IOS-XE: the platform the console told"
like "$(cat "$T/spool/log/console/xe:1.log")" "Generating 2048 bit RSA keys" "IOS-XE: the line's log has the device's words"
like "$(cat "$T/spool/log/console/xe:1.log")" "username $U privilege 15 secret <redacted>" \
	"IOS-XE: the echoed user line is in the log, its secret redacted"
nosecret xe "$T/spool/log/console/xe:1.log" "$T/spool/log/xe.log" "$T/spool/discovered/xe.yml"
unlike "$err" "$PW" "IOS-XE: the secret is not on stderr"
run ztp-probe -c "$T/ztp.yml" -o json xe
is "$rc" 0 "IOS-XE: ztp-probe reaches it now, through the gateway"

# ---- JunOS factory: the commit demands root-authentication
run con -v --bootstrap junos
is "$rc" 0 "JunOS: bootstrap, then SSH works: exit 0"
[ "$rc" = 0 ] || diag "$err"
like "$(cat "$T/spool/log/console/junos:1.log")" "Missing mandatory statement: 'root-authentication'" \
	"JunOS: the first commit asked for root-authentication"
like "$(cat "$T/junos.rec")" "set system root-authentication plain-text-password" "JunOS: root-authentication set"
like "$(cat "$T/spool/log/console/junos:1.log")" "New password:" "JunOS: the password prompts answered"
like "$(cat "$T/spool/log/console/junos:1.log")" "commit complete" "JunOS: committed"
nosecret junos "$T/spool/log/console/junos:1.log" "$T/spool/log/junos.log" "$T/spool/discovered/junos.yml"
like "$(cat "$T/spool/discovered/junos.yml" 2>/dev/null)" "bootstrapped over console line junos:1" "JunOS: back in discovered"

# ---- VRP with keys already: not replaced
run con -v --bootstrap vrp
is "$rc" 0 "VRP: bootstrap, then SSH works: exit 0"
[ "$rc" = 0 ] || diag "$err"
like "$(cat "$T/spool/log/console/vrp:1.log")" "Confirm to replace them? [y/n]" "VRP: asked to replace the keys"
unlike "$(cat "$T/spool/log/console/vrp:1.log")" "Input the bits in the modulus" "VRP: answered no: the keys kept"
like "$(sed -n '/=== startup/,$p' "$T/vrp.dump")" "stelnet server enable" "VRP: saved"
nosecret vrp "$T/spool/log/console/vrp:1.log" "$T/spool/log/vrp.log" "$T/spool/discovered/vrp.yml"

# ---- classic IOS, a site template without domain and modulus
run con -v --bootstrap ios
is "$rc" 0 "IOS: bootstrap, then SSH works: exit 0"
[ "$rc" = 0 ] || diag "$err"
L=$(cat "$T/spool/log/console/ios:1.log")
like "$L" "% Please define a domain-name first." "IOS: the device asked for a domain"
like "$(cat "$T/ios.rec")" "ip domain-name lab.example.net" "IOS: the domain set from the variables"
like "$L" "How many bits in the modulus [512]:" "IOS: the modulus asked"
like "$L" "Generating 2048 bit RSA keys" "IOS: answered 2048"
nosecret ios "$T/spool/log/console/ios:1.log" "$T/spool/log/ios.log"

# ---- a line the device refuses: named, exit 1, nothing saved
run con --bootstrap bad
is "$rc" 1 "a refused line: exit 1"
like "$err" "refused line" "a refused line: said so"
like "$err" "'ip ssh version 2'" "a refused line: the line named"
like "$err" "% Invalid input" "a refused line: the device's words"
like "$err" "nothing saved" "a refused line: nothing saved, says so"
unlike "$(sed -n '/=== startup/,$p' "$T/bad.dump")" "username" "a refused line: the startup configuration is untouched"
unlike "$err" "$PW" "a refused line: the secret is not in the message"
[ -e "$T/spool/failed/bad.yml" ]
ok $? "a refused line: the record stays where it was"

# ---- applied, but SSH never comes
run con -t 5 --bootstrap nossh
is "$rc" 1 "SSH still fails after the bootstrap: exit 1"
like "$err" "bootstrap applied, but SSH to nossh still fails: (refused)" "the SSH layer's words"

# ---- a template error: exit 2, the line untouched
printf 'id: tpl1\nconsole: xe:1\nip: xe\nplatform: cisco_iosxe\n' >"$T/tpl1.yml"
before=$(wc -l <"$T/spool/log/console/xe:1.log")
run con --bootstrap "$T/tpl1.yml"
is "$rc" 2 "a template error: exit 2"
like "$err" "cannot render 'console/cisco_iosxe.j2'" "a template error: the template named"
like "$err" "is undefined" "a template error: the variable named"
is "$(wc -l <"$T/spool/log/console/xe:1.log")" "$before" "a template error: the line was not touched"

# a record file: printed with its history
printf 'id: xe\nconsole: xe:1\nip: xe\n' >"$T/xe.yml"
run con --bootstrap "$T/xe.yml"
is "$rc" 0 "a record file: exit 0 (keys already there: kept)"
like "$out" "bootstrapped over console line xe:1" "a record file: printed with the history entry"

# the spool fences this host as the record goes back to discovered (the
# shim of spool-fence.t): 75, said once, the record left where it was
if [ -f "$TOP/tests/unit/fence.so" ]; then
	ztp-spool -c "$T/ztp.yml" rm xe >/dev/null
	printf 'id: xe\nconsole: xe:1\nip: xe\n' | ztp-spool -c "$T/ztp.yml" put failed >/dev/null
	run env ZTP_FENCE=rename:ESHUTDOWN:discovered/ ZTP_FENCE_UNDER="$(cd "$T/spool" && pwd -P)" \
		LD_PRELOAD="$TOP/tests/unit/fence.so" ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
		ztp-console -c "$T/ztp.yml" --bootstrap xe
	is "$rc" 75 "fenced as it commits: exit 75"
	like "$err" "cannot move record xe to discovered: spool unreachable (fenced): rename " "saying why"
	is "$(printf '%s\n' "$err" | grep -c 'spool unreachable')" 1 "once"
	like "$(ztp-spool -c "$T/ztp.yml" ls failed)" "xe" "the record is left in failed"
fi

run con --bootstrap -x 'show clock' xe
is "$rc" 2 "--bootstrap with -x: usage error"
done_testing
