#!/bin/sh
# ztp-push live: the device simulator behind a real OpenSSH sshd (its
# ForceCommand, one port per device), every platform; the spool moves
# probed -> configured / failed; a rejected line (rolled back), a failed
# commit, a failed verification (rolled back), a connection lost mid-push
# (the record stays in probed, untouched); the dry run; --vars.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
U=ztpu$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"
O=$T/out	# written by the simulators, which run as the test user
mkdir -m 1777 "$O"

# ---- templates and variables of a small "svc" service per platform
TP=$T/tpl
mkdir -p "$TP/cisco_iosxe" "$TP/juniper_junos" "$TP/huawei_vrp" "$T/vars/devices"
cat >"$TP/cisco_iosxe/svc.j2" <<'EOF'
hostname {{ hostname }}
!
interface GigabitEthernet1
 description {{ wan.description }}
 ip address {{ wan.address | ipaddr('address') }} {{ wan.address | ipaddr('netmask') }}
!
ip route 0.0.0.0 0.0.0.0 {{ wan.gateway }}
{% for s in ntp_servers %}
ntp server {{ s }}
{% endfor %}
end
EOF
cat >"$TP/cisco_iosxe/svc.verify.yml" <<'EOF'
- name: hostname applied
  command: show running-config | include ^hostname
  expect: '^hostname {{ hostname }}$'
- name: default route
  command: show running-config | include ^ip route
  expect: ['^ip route 0\.0\.0\.0 0\.0\.0\.0 {{ wan.gateway }}$']
  reject: ['^ip route 0\.0\.0\.0 0\.0\.0\.0 dhcp']
EOF
# the same configuration, a check that cannot pass
cp "$TP/cisco_iosxe/svc.j2" "$TP/cisco_iosxe/svcbad.j2"
cat >"$TP/cisco_iosxe/svcbad.verify.yml" <<'EOF'
- name: wan description
  command: show running-config | section ^interface GigabitEthernet1
  expect: 'description {{ wan.description }} and more'
EOF
for p in arista_eos cisco_xr cisco_nxos cisco_ios; do
	ln -s cisco_iosxe "$TP/$p"
done
cat >"$TP/juniper_junos/svc.j2" <<'EOF'
system {
    host-name {{ hostname }};
{% for s in ntp_servers %}
    ntp server {{ s }};
{% endfor %}
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop {{ wan.gateway }};
    }
}
EOF
cat >"$TP/juniper_junos/svc.verify.yml" <<'EOF'
- name: hostname applied
  command: show configuration | display set | match host-name
  expect: '^set system host-name {{ hostname }}$'
EOF
cat >"$TP/huawei_vrp/svc.j2" <<'EOF'
sysname {{ hostname }}
#
interface GigabitEthernet0/0/1
 description {{ wan.description }}
 quit
ip route-static 0.0.0.0 0.0.0.0 {{ wan.gateway }}
return
EOF
cat >"$TP/huawei_vrp/svc.verify.yml" <<'EOF'
- name: hostname applied
  command: display current-configuration | include ^sysname
  expect: '^sysname {{ hostname }}$'
EOF
cat >"$T/vars/defaults.yml" <<'EOF'
hostname: cpe-unnamed
ntp_servers: [192.0.2.123, 192.0.2.124]
wan: {description: to the provider, address: 198.51.100.2/30, gateway: 198.51.100.1}
EOF

# ---- the devices: a port and a ForceCommand each, on one sshd per group
# (sshd listens on at most 16 ports)
devices() {
	group=$1
	shift
	PORTS="" MATCH="" first=""
	for d in "$@"; do
		n=${d%%:*} pf=${d#*:}
		p=$(free_port)
		extra=""
		case $n in
		rej) extra="--reject '^ip route'" ;;
		jrej) extra="--reject 'next-hop'" ;;
		xrc) extra="--reject-commit '^ip route'" ;;
		vrej) extra="--reject '^ip route-static'" ;;
		erej) extra="--reject '^ip route'" ;;
		drop) extra="--drop-on 'copy running-config startup-config'" ;;
		hang) extra="--hang-on 'show running-config'" ;;
		esac
		if [ -z "$first" ]; then first=$p; else PORTS="$PORTS|Port $p"; fi
		MATCH="$MATCH|Match LocalPort $p|  ForceCommand $SIM --platform $pf --hostname $n-r1 --dump $O/dump-$n --record $O/rec-$n $extra"
		printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n' "$n" "$p" >>"$T/ssh_config"
		case $n in
		example-*)
			printf '{"id":"%s","ip":"%s","platform":"%s","service":"internet-access","rack":"rack1"}\n' \
				"$n" "$n" "$pf" >>"$T/examples" ;;
		*)
			printf 'hostname: %s-cpe\n' "$n" >"$T/vars/devices/$n.yml"
			printf '{"id":"%s","ip":"%s","platform":"%s","service":"svc"}\n' "$n" "$n" "$pf" >>"$T/recs" ;;
		esac
	done
	IFS='|'
	# shellcheck disable=SC2086
	sshd_start "$group" "$first" ed25519 "PasswordAuthentication yes" "SetEnv SHLVL=5" ${PORTS#|} ${MATCH#|}
	unset IFS
}
devices devs xe:cisco_iosxe eos:arista_eos xr:cisco_xr nx:cisco_nxos junos:juniper_junos \
	vrp:huawei_vrp rej:cisco_iosxe jrej:juniper_junos xrc:cisco_xr vrej:huawei_vrp \
	bad:cisco_iosxe drop:arista_eos dry:cisco_iosxe hang:cisco_iosxe erej:arista_eos
devices exdevs example-iosxe:cisco_iosxe example-junos:juniper_junos example-vrp:huawei_vrp \
	example-eos:arista_eos
printf 'credentials:\n- {name: prov, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh:
  timeout: 10
templates:
  path: [$TP]
  vars: $T/vars
services:
  svc: {description: the test service}
  svcbad: {description: its checks cannot pass}
EOF
ztp-spool -c "$T/ztp.yml" init >/dev/null 2>&1
grep -v '"dry"\|"hang"' "$T/recs" | sed 's/"id":"bad","ip":"bad","platform":"cisco_iosxe","service":"svc"/"id":"bad","ip":"bad","platform":"cisco_iosxe","service":"svcbad"/' |
	ztp-spool -c "$T/ztp.yml" put probed >/dev/null 2>"$T/put.err" || diag "put: $(cat "$T/put.err")"
P="ztp-push -c $T/ztp.yml -F $T/ssh_config -d 40"
section() { sed -n "/^=== $1/,/^===/p" "$2" 2>/dev/null; }

# ---- --vars: the layers and where each value comes from
run $P --vars xe
is "$rc" 0 "--vars: exit 0"
[ "$rc" = 0 ] || diag "$err"
like "$out" "defaults: $T/vars/defaults.yml" "--vars: the defaults layer"
like "$out" "service: $T/vars/services/svc.yml (none)" "--vars: an absent layer is listed"
like "$out" 'hostname: "xe-cpe"    <- overrides' "--vars: hostname from the device's override file"
like "$out" 'wan.gateway: "198.51.100.1"    <- defaults' "--vars: a nested value and its layer"
like "$out" 'device.platform: "cisco_iosxe"    <- record' "--vars: the record as device"

# ---- the dry run: the diff, nothing changes, the record stays
printf '{"id":"dry","ip":"dry","platform":"cisco_iosxe","service":"svc"}\n' >"$T/dry.yml"
run $P -n "$T/dry.yml"
is "$rc" 0 "-n: exit 0"
[ "$rc" = 0 ] || diag "$err"
like "$out" "### dry (cisco_iosxe, service svc" "-n: a header per device"
like "$out" "+ hostname dry-cpe" "-n: the new hostname line"
like "$out" "
  interface GigabitEthernet1
+  description to the provider" "-n: a section shown for context, then its new line"
like "$(section running "$O/dump-dry")" "hostname dry-r1" "-n: the device keeps its configuration"
unlike "$(cat "$O/rec-dry" 2>/dev/null)" "hostname" "-n: no configuration line was sent"

# ---- every platform through the spool
t0=$(date +%s); run $P -j 8 --spool; diag "spool pass: $(( $(date +%s) - t0 )) s"
is "$rc" 75 "--spool with failures, one of them temporary (connection lost): exit 75, which outranks 1"
[ "$rc" = 75 ] || diag "$err"
for n in xe eos xr nx junos vrp; do
	ok "$([ -f "$T/spool/configured/$n.yml" ]; echo $?)" "$n: configured"
	like "$(section running "$O/dump-$n")" "$n-cpe" "$n: the new hostname is running"
	like "$(cat "$T/spool/configured/$n.yml" 2>/dev/null)" "checks passed, saved" "$n: checks passed, saved"
done
for n in xe eos nx vrp; do
	like "$(section startup "$O/dump-$n")" "$n-cpe" "$n: saved to the startup configuration"
done
like "$(section running "$O/dump-xe")" "ntp server 192.0.2.124" "xe: the loop's lines are there"
like "$(section running "$O/dump-junos")" "set routing-options static route 0.0.0.0/0 next-hop 198.51.100.1" \
	"junos: hierarchical text loaded"
like "$(cat "$O/rec-junos")" "load merge terminal" "junos: pushed with load merge terminal"
like "$(cat "$O/rec-eos")" "session ztp-" "eos: pushed in a configuration session"

# a rejected line: rolled back, the line and the device's words recorded
f=$T/spool/failed/rej.yml
ok "$([ -f "$f" ]; echo $?)" "rejected line: the record is in failed"
like "$(cat "$f" 2>/dev/null)" "kind: rejected" "rejected line: kind"
like "$(cat "$f" 2>/dev/null)" "line 7 ''ip route 0.0.0.0 0.0.0.0 198.51.100.1'': % Invalid input detected" "rejected line: its number and text, then the device's words"
like "$(cat "$f" 2>/dev/null)" "Invalid input detected" "rejected line: the device's error"
like "$(cat "$f" 2>/dev/null)" "rolled back" "rejected line: says it was rolled back"
like "$(section running "$O/dump-rej")" "hostname rej-r1" "rejected line: the hostname is back"
unlike "$(section running "$O/dump-rej")" "description to the provider" "rejected line: the lines before it are gone"
f=$T/spool/failed/jrej.yml
like "$(cat "$f" 2>/dev/null)" "kind: rejected" "junos rejected: kind"
like "$(cat "$f" 2>/dev/null)" "next-hop" "junos rejected: the line"
like "$(section running "$O/dump-jrej")" "host-name jrej-r1" "junos rejected: nothing committed"
# EOS: the configure session is aborted, which is the rollback
f=$T/spool/failed/erej.yml
like "$(cat "$f" 2>/dev/null)" "kind: rejected" "eos rejected: kind"
like "$(cat "$f" 2>/dev/null)" "rolled back" "eos rejected: the aborted session is a rollback"
unlike "$(cat "$f" 2>/dev/null)" "ROLLBACK FAILED" "eos rejected: not reported as a failed rollback"
like "$(section running "$O/dump-erej")" "hostname erej-r1" "eos rejected: nothing applied"
f=$T/spool/failed/xrc.yml
like "$(cat "$f" 2>/dev/null)" "kind: commit" "xr failed commit: kind"
like "$(section running "$O/dump-xrc")" "hostname xrc-r1" "xr failed commit: nothing applied"
f=$T/spool/failed/vrej.yml
like "$(cat "$f" 2>/dev/null)" "kind: rejected" "vrp rejected: kind"
unlike "$(section running "$O/dump-vrej")" "description to the provider" "vrp rejected: the added lines undone"
like "$(cat "$O/rec-vrej")" "undo description to the provider" "vrp rejected: with undo"
# verification fails: rolled back, not saved
f=$T/spool/failed/bad.yml
like "$(cat "$f" 2>/dev/null)" "kind: verify" "verify failure: kind"
like "$(cat "$f" 2>/dev/null)" "check ''wan description''" "verify failure: names the check"
like "$(section running "$O/dump-bad")" "hostname bad-r1" "verify failure: rolled back"
unlike "$(section startup "$O/dump-bad")" "bad-cpe" "verify failure: not saved"
# the connection lost while saving: back in probed, untouched
ok "$([ -f "$T/spool/probed/drop.yml" ]; echo $?)" "connection lost: the record stays in probed"
unlike "$(cat "$T/spool/probed/drop.yml" 2>/dev/null)" "history|error" "connection lost: nothing half-recorded"
like "$err" "drop: closed" "connection lost: said on stderr"
# the same temporary failure gives the same status wherever the record came
# from: the spool (it stays in probed) or standard input (it is printed
# with its error)
run $P --spool
is "$rc" 75 "connection lost, --spool: exit 75"
ok "$([ -f "$T/spool/probed/drop.yml" ]; echo $?)" "connection lost, --spool again: still in probed"
run_in "$(grep '"drop"' "$T/recs")" $P
is "$rc" 75 "connection lost, the record on stdin: exit 75 as with --spool"
like "$out" "kind: closed" "connection lost, on stdin: the record printed carries the error"
# a device that stops answering while its configuration is read: a
# timeout, not a closed connection (D17)
run_in "$(grep '"hang"' "$T/recs")" $P
is "$rc" 75 "no answer to show running-config: exit 75"
like "$out" "kind: timeout" "no answer to show running-config: kind timeout, not closed"
# the same device past the -d deadline (shorter than ssh.timeout): the
# record stays in probed for the next pass and the run exits 75, as for
# any timeout, whatever the records came from
grep '"hang"' "$T/recs" | ztp-spool -c "$T/ztp.yml" put probed >/dev/null
run $P -d 3 --spool
is "$rc" 75 "past the -d deadline mid-push: exit 75"
ok "$([ -f "$T/spool/probed/hang.yml" ]; echo $?)" "past the -d deadline: the record stays in probed"
like "$err" "hang: timeout: no result within the device deadline of 3 s (left in probed for the next pass)" \
	"past the -d deadline: said on stderr"
run_in "$(grep '"hang"' "$T/recs")" $P -d 3
is "$rc" 75 "past the -d deadline, the record on stdin: exit 75 as with --spool"
ztp-spool -c "$T/ztp.yml" rm hang >/dev/null 2>&1
# transcripts
like "$(cat "$T/spool/log/xe.log" 2>/dev/null)" "ztp-push: done" "transcript of the push"
unlike "$(cat "$T/spool/log/"*.log)" "$(cat "$T/pw")" "transcripts never hold the password"

# ---- the shipped templates and example variables (templates/), pushed
# what is tested here is the templates, not time: every step gets a minute
# (ssh.timeout) and the device five (-d), so that a machine saturated by the
# rest of the suite cannot turn a slow step into a timeout, which leaves the
# record in probed (75) as it should
sed -e "s|^spool: .*|spool: $T/spool2|" -e "s|^  path: .*|  path: [$TOP/templates]|" \
	-e "s|^  vars: .*|  vars: $TOP/templates/vars|" -e "s|^  timeout: 10$|  timeout: 60|" \
	"$T/ztp.yml" >"$T/ztp2.yml"
ztp-spool -c "$T/ztp2.yml" init >/dev/null 2>&1
ztp-spool -c "$T/ztp2.yml" put probed <"$T/examples" >/dev/null 2>"$T/put.err" || diag "put: $(cat "$T/put.err")"
run ztp-push -c "$T/ztp2.yml" -F "$T/ssh_config" -d 300 -j 4 --spool
is "$rc" 0 "shipped templates: every platform configured"
# (on standard error, so that a run of make check, which shows only that,
# keeps why: this failed now and then under the whole suite's load)
if [ "$rc" != 0 ]; then
	{
		diag "$err"
		for f in "$T"/spool2/*/example-*.yml; do diag "$f: $(cat "$f")"; done
		for f in "$T"/spool2/log/example-*.log; do diag "$f: $(tail -n 40 "$f")"; done
	} >&2
fi
for n in iosxe junos vrp eos; do
	f=$T/spool2/configured/example-$n.yml
	like "$(cat "$f" 2>/dev/null)" "service internet-access (internet-access.j2)" "shipped $n: internet-access pushed"
	like "$(cat "$f" 2>/dev/null)" "checks passed, saved" "shipped $n: its post-checks passed"
	like "$(section running "$O/dump-example-$n")" "cpe-$n-1" "shipped $n: the example hostname is running"
done
like "$(section running "$O/dump-example-iosxe")" "ip nat inside source list NAT-LAN interface" \
	"shipped iosxe: NAT overload in the running configuration"
like "$(section running "$O/dump-example-junos")" "set security nat source rule-set" \
	"shipped junos: source NAT loaded from hierarchical text"
run ztp-push -c "$T/ztp2.yml" --vars example-iosxe
like "$out" "rack: $TOP/templates/vars/racks/rack1.yml" "shipped --vars: the rack layer"
like "$out" 'hostname: "cpe-iosxe-1"    <- overrides' "shipped --vars: the device override wins"

# ---- a template error fails before the device is touched
printf 'hostname {{ nosuchvar }}\n' >"$TP/cisco_iosxe/broken.j2"
printf '{"id":"xe","ip":"xe","platform":"cisco_iosxe","service":"broken"}\n' >"$T/broken.yml"
: >"$O/rec-xe"
run $P "$T/broken.yml"
is "$rc" 1 "template error: exit 1"
like "$out" "kind: template" "template error: kind"
like "$out" "broken.j2:1: ''nosuchvar'' is undefined" "template error: file, line and Jinja2's words"
is "$(wc -c <"$O/rec-xe")" 0 "template error: nothing sent to the device"
run $P --service nosuch "$T/broken.yml"
like "$out" "no template ''nosuch.j2'' for service ''nosuch''" "unknown service: named"

done_testing
