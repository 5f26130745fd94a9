#!/bin/sh
# make demo: the provisioning job on a built-in simulated rack.
#
# Until the flow lands (DHCP server, probe, push on the device simulator),
# this shows the part that exists for real: devices as records moving
# through the spool with ztp-spool, the way ztp-flow will move them.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH=$TOP/cmd:$PATH
D=$(mktemp -d /tmp/ztp-demo.XXXXXX)
trap 'rm -rf "$D"' EXIT
export ZTP_CONFIG=/dev/null ZTP_SPOOL=$D/spool

say() { printf '\n== %s\n' "$*"; }
say "a spool for a simulated rack ($ZTP_SPOOL)"
ztp-spool init
say "three devices boot and ask for an address (ztp-dhcpd will write these)"
for n in 1 2 3; do
	printf -- '---\nmac: 0c:d9:96:aa:bb:0%s\nip: 10.20.0.1%s\nrack: rack1\nport: Gi1/0/%s\nvendor_class: ciscopnp\n' "$n" "$n" "$n"
done | ztp-spool put discovered
ztp-spool ls
say "probe them (ztp-probe will learn these facts over SSH; here a sed stands in)"
ztp-spool take discovered |
	sed 's/^vendor_class: ciscopnp$/vendor_class: ciscopnp\nfacts: {vendor: cisco, os: ios-xe, model: ISR4331}/' |
	ztp-spool commit probed
ztp-spool ls
say "one device fails its push"
ztp-spool take -n 1 probed |
	sed '1a\
error: {tool: ztp-push, kind: rejected, message: "% Invalid input detected", stage: probed}' |
	ztp-spool commit failed
ztp-spool take probed | ztp-spool commit done
ztp-spool ls
say "the cause is fixed: retry it"
ztp-spool retry "$(ztp-spool -o json ls failed | sed -n 's/^{"id": "\([^"]*\)".*/\1/p')"
ztp-spool take probed | ztp-spool commit done
ztp-spool ls
cat <<'TXT'

== what the full demo will do
   A simulated rack in network namespaces: ztp-dhcpd leases addresses to
   DHCP clients, simulated Cisco/Juniper/Huawei/Arista routers run behind
   real OpenSSH servers and a terminal server; ztp-flow probes them through
   the gateway, renders and pushes their templates, verifies and saves, and
   ztp-kexcheck explains the ones whose SSH algorithms do not match.
TXT
