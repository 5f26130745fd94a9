#!/bin/sh
# tests/deps.sh [build|test|demo|bench]: install the Debian packages ztp needs
# for that job.  As root it runs apt-get; otherwise it prints the apt-get
# line and fails.  Packages that are already installed are not touched.
set -u
what=${1:-test}

build="build-essential pkg-config autoconf automake libssh-dev libyaml-dev libcurl4-openssl-dev"
test="$build mandoc clang libclang-rt-14-dev openssh-server openssh-client ssh-audit nmap
 python3-netmiko python3-paramiko python3-jinja2 python3-yaml kea-dhcp4-server kea-admin dnsmasq
 isc-dhcp-client isc-dhcp-relay udhcpc dhcpcd-base ser2net socat telnet
 conserver-server conserver-client iproute2 procps jq"
case $what in
build) want=$build ;;
test|demo|bench) want=$test ;;
*) echo "usage: tests/deps.sh [build|test|demo|bench]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "ztp: missing Debian packages; as root run:" >&2
	echo "  apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "ztp: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# keep packages from starting their services on install
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
fi
apt-get update -qq >&2 || exit 1
apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
