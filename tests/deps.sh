#!/bin/sh
# tests/deps.sh [build|test|demo|bench|cephfs]: install the Debian packages
# ztp needs for that job.  As root it runs apt-get; otherwise it prints the
# apt-get line and fails.  Packages that are already installed are not
# touched.  cephfs adds the CephFS lab of the tests of the spool shared by
# several hosts (tests/cephfs.sh; about 90 packages, 250 MB), on its own:
# when it cannot be installed, this says so and goes on, and those tests
# skip with the reason.  It is not part of test yet: the lab has not run
# against a real cluster on the machines that run CI.
set -u
what=${1:-test}
extra=

build="build-essential pkg-config autoconf automake libssh-dev libyaml-dev libcurl4-openssl-dev"
test="$build mandoc clang libclang-rt-14-dev openssh-server openssh-client ssh-audit nmap
 python3-netmiko python3-paramiko python3-jinja2 python3-yaml kea-dhcp4-server kea-admin dnsmasq
 isc-dhcp-client isc-dhcp-relay udhcpc dhcpcd-base ser2net socat telnet
 conserver-server conserver-client iproute2 procps jq"
cephfs="ceph-mon ceph-mgr ceph-osd ceph-mds ceph-fuse ceph-common uuid-runtime"
case $what in
build) want=$build ;;
test | bench | demo) want=$test ;;
cephfs) want=$test extra=$cephfs ;;
*) echo "usage: tests/deps.sh [build|test|demo|bench|cephfs]" >&2; exit 2 ;;
esac

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf ' %s' "$p"
	done
}
# shellcheck disable=SC2086 # one package a word
missing=$(missing $want)
# shellcheck disable=SC2086
extra=$(missing $extra)
[ -z "$missing$extra" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "ztp: missing Debian packages; as root run:" >&2
	echo "  apt-get install -y --no-install-recommends$missing$extra" >&2
	[ -n "$missing" ] && exit 1
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# keep packages from starting their services on install
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
fi
# apt-get update succeeds when the archive could not be reached (it only
# warns): no point then in downloading the lab's 90 packages
updated=1
ulog=$(mktemp) || exit 1
apt-get update -qq >"$ulog" 2>&1
urc=$?
grep -q 'Failed to fetch' "$ulog" && updated=0
cat "$ulog" >&2
rm -f "$ulog"
[ "$urc" = 0 ] || [ -z "$missing" ] || exit 1
[ "$urc" = 0 ] || updated=0
if [ -n "$missing" ]; then
	echo "ztp: installing$missing" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
fi
if [ -n "$extra" ] && [ "$updated" = 0 ]; then
	echo "ztp: cannot install the CephFS lab (${extra# }): the package lists did not update; the tests that need it skip" >&2
elif [ -n "$extra" ]; then
	echo "ztp: installing$extra (the CephFS lab)" >&2
	log=$(mktemp) || exit 1
	# shellcheck disable=SC2086
	if ! apt-get install -y -qq --no-install-recommends $extra >"$log" 2>&1; then
		grep '^E:' "$log" | tail -n 1 >&2
		echo "ztp: cannot install the CephFS lab; the tests that need it skip" >&2
	fi
	rm -f "$log"
fi
exit 0
