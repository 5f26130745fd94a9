#!/bin/sh
# make demo: the provisioning job on a built-in simulated rack.
#
# Five simulated routers (tests/sim/ztp-sim: IOS-XE, JunOS, VRP, EOS, and an
# old IOS-XE whose SSH offers only SHA-1 key exchange) run behind real
# OpenSSH servers on 127.0.0.1.  Their DHCP records land in the spool's
# discovered stage (what ztp-dhcpd writes), then the real tools run:
# ztp-probe learns their facts over SSH, ztp-kexcheck explains the one that
# cannot be reached and prints the fix, ztp-push renders the shipped
# templates (templates/) with the example variables, shows the diff, pushes,
# verifies and saves.  Needs root (sshd, a throw-away login user).
set -u
if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root (it starts OpenSSH servers and a test user)" >&2
	exit 1
fi
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
PATH=$TOP/cmd:$PATH
SIM=$TOP/tests/sim/ztp-sim
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

U=ztpdemo$$
sshd_user "$U" "$T/pw" || { echo "cannot create a user for the demo" >&2; exit 1; }
chmod 755 "$T"

say "a rack of simulated routers behind OpenSSH on 127.0.0.1"
PORTS="" MATCH="" first=""
for d in example-iosxe:cisco_iosxe:FDO2231A0BC example-junos:juniper_junos:JN11F2AB3CDE \
	example-vrp:huawei_vrp:2102351931P0K8000123 example-eos:arista_eos:JPE17281234; do
	n=${d%%:*} rest=${d#*:}
	pf=${rest%%:*} sn=${rest#*:}
	p=$(free_port)
	if [ -z "$first" ]; then first=$p; else PORTS="$PORTS|Port $p"; fi
	MATCH="$MATCH|Match LocalPort $p|  ForceCommand $SIM --platform $pf --serial $sn --hostname Router"
	eval "PORT_$(echo "$n" | tr - _)=$p"
	printf '  %-14s %-14s serial %-20s port %s\n' "$n" "$pf" "$sn" "$p"
done
IFS='|'
# shellcheck disable=SC2086
sshd_start rack "$first" ed25519 "PasswordAuthentication yes" "SetEnv SHLVL=5" ${PORTS#|} ${MATCH#|} ||
	exit 1
unset IFS
PORT_legacy=$(free_port)
sshd_start legacy "$PORT_legacy" rsa "KexAlgorithms diffie-hellman-group14-sha1" \
	"HostKeyAlgorithms ssh-rsa" "Ciphers aes128-ctr,aes128-cbc" "MACs hmac-sha1" \
	"PasswordAuthentication yes" "SetEnv SHLVL=5" \
	"ForceCommand $SIM --platform cisco_iosxe --serial FOC1932X0AB --hostname Router" || exit 1
printf '  %-14s %-14s serial %-20s port %s (SHA-1 key exchange only)\n' legacy-ios cisco_iosxe FOC1932X0AB "$PORT_legacy"

# the configuration: the shipped templates and example variables, plus an
# override for the old router; credentials in a 0600 secrets file
mkdir -p "$T/vars"
cp -R "$TOP/templates/vars/." "$T/vars/"
printf 'hostname: cpe-legacy-1\n' >"$T/vars/devices/legacy-ios.yml"
printf 'credentials:\n- {name: provisioning, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
conf() {
	cat <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh: {timeout: 10, known_hosts: accept-new}
templates: {path: [$TOP/templates], vars: $T/vars}
devices:
  example-iosxe: {ssh: {port: $PORT_example_iosxe}}
  example-junos: {ssh: {port: $PORT_example_junos}}
  example-vrp: {ssh: {port: $PORT_example_vrp}}
  example-eos: {ssh: {port: $PORT_example_eos}}
  legacy-ios:
    ssh:
      port: $PORT_legacy
EOF
}
conf >"$T/ztp.yml"
export ZTP_CONFIG=$T/ztp.yml

say "the devices boot and get an address: ztp-dhcpd writes their records"
ztp-spool init >/dev/null
n=0
for id in example-iosxe example-junos example-vrp example-eos legacy-ios; do
	n=$((n + 1))
	svc=internet-access
	[ "$id" = legacy-ios ] && svc=baseline
	printf -- '---\nid: %s\nmac: 0c:d9:96:aa:bb:0%s\nip: 127.0.0.1\nrack: rack1\nport: Gi1/0/%s\nservice: %s\n' \
		"$id" "$n" "$n" "$svc"
done | ztp-spool put discovered >/dev/null
show ztp-spool ls

say "ztp-probe: log in over SSH, learn vendor, model, serial, version"
show ztp-probe -j 8 --spool
show ztp-spool ls
printf '$ ztp-spool show example-junos | sed -n /facts/,/modules/p\n'
ztp-spool show example-junos | sed -n '/facts/,/modules/p'

say "the old router: ztp-kexcheck says why and prints the fix"
show ztp-kexcheck "127.0.0.1:$PORT_legacy" | sed -n '1,40p'
say "the fix goes into ztp.yml (devices.legacy-ios.ssh), and the device is retried"
conf >"$T/ztp.yml"
printf '      kex_algorithms: +diffie-hellman-group14-sha1\n      hostkey_algorithms: +ssh-rsa\n      macs: +hmac-sha1\n' >>"$T/ztp.yml"
sed -n '/legacy-ios:/,$p' "$T/ztp.yml"
show ztp-spool retry legacy-ios
show ztp-probe --spool
show ztp-spool ls

say "ztp-push -n: what the internet-access service would change on example-iosxe"
show ztp-push -n example-iosxe 2>&1 | sed -n '1,30p'
echo "   ..."
printf '$ ztp-push --vars example-iosxe | grep wan\n'
ztp-push --vars example-iosxe | grep wan

say "ztp-push: render, push, verify, save (JunOS: commit confirmed, then commit)"
show ztp-push -j 8 --spool
show ztp-spool ls
printf '$ ztp-spool show example-vrp | tail -4\n'
ztp-spool show example-vrp | tail -4
printf '$ tail -8 %s/spool/log/example-junos.log\n' "$T"
tail -8 "$T/spool/log/example-junos.log"
say "done: every device probed, configured, verified and saved"
