#!/bin/sh
# make install and make uninstall: the installed tools find the installed
# templates and example configuration wherever the tree was put (DESTDIR),
# render a shipped template with the shipped variables, and the dnsmasq
# script, the systemd units, the cron example and the shell completion
# name this installation's paths and work; uninstall takes back what
# install put and keeps a configuration someone changed.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 2
[ -f config.mk ] || skip_all "not configured yet"

D=$T/root
P=/opt/ztp
make -s install DESTDIR="$D" PREFIX=$P >"$T/inst.out" 2>&1
is "$?" 0 "make install DESTDIR=... PREFIX=$P"
[ -s "$T/inst.out" ] && diag "$(cat "$T/inst.out")"
for f in bin/ztp-spool bin/ztp-probe bin/ztp-push bin/ztp-console bin/ztp-kexcheck bin/ztp-flow \
	sbin/ztp-dhcpd libexec/ztp/dnsmasq-script; do
	ok "$([ -x "$D$P/$f" ]; echo $?)" "installed: $f"
done
for f in share/man/man1/ztp-flow.1 share/man/man5/ztp.yml.5 share/man/man7/ztp-templates.7 \
	share/man/man8/ztp-dhcpd.8 share/ztp/templates/cisco_iosxe/baseline.j2 \
	share/ztp/templates/vars/defaults.yml share/ztp/examples/ztp.yml \
	share/ztp/examples/secrets.yml share/ztp/examples/ztp-flow.cron \
	lib/systemd/system/ztp-dhcpd.service lib/systemd/system/ztp-flow.timer \
	share/bash-completion/completions/ztp-spool; do
	ok "$([ -f "$D$P/$f" ]; echo $?)" "installed: $f"
done
is "$(stat -c %a "$D$P/share/ztp/examples/secrets.yml")" 600 "the example secrets file is mode 0600"
C=$D/etc/ztp/ztp.yml
ok "$([ -f "$C" ]; echo $?)" "the example configuration installed as /etc/ztp/ztp.yml"

# the installed configuration passes every tool's check; it names
# /etc/ztp/secrets.yml, which an install under DESTDIR does not make: for
# the checks, the installed example secrets file stands in (put back below)
cp -p "$C" "$T/ztp.yml.installed"
sed -i "s|^secrets: .*|secrets: $D$P/share/ztp/examples/secrets.yml|" "$C"
run "$D$P/bin/ztp-spool" -c "$C" -T
is "$rc" 0 "ztp-spool -T accepts the installed ztp.yml"
[ "$rc" = 0 ] || diag "$err"
# (-n also looks for the interfaces the example serves: in a network
# namespace of its own that has them)
run unshare -n sh -c 'ip link add eth1 type veth peer name eth1p && exec "$@"' sh \
	"$D$P/sbin/ztp-dhcpd" -n -c "$C"
is "$rc" 0 "ztp-dhcpd -n accepts it"
[ "$rc" = 0 ] || diag "$err"

# the installed tools find the installed templates and shipped variables
# beside themselves, not at the prefix they were built for
run "$D$P/bin/ztp-push" -c "$C" -T
like "$out" "    - $D$P/share/ztp/templates" "ztp-push searches the installed templates"
like "$out" "  vars: $D$P/share/ztp/templates/vars" "and reads the shipped example variables"
printf '{"id":"example-iosxe","platform":"cisco_iosxe","service":"internet-access"}\n' >"$T/rec"
run "$D$P/bin/ztp-push" -c "$C" --vars "$T/rec" -o json
is "$rc" 0 "ztp-push --vars: the layers of a record, from the installed files"
like "$out" '"hostname": "cpe-iosxe-1"' "the device layer is the shipped one"
python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["vars"], sys.stdout)' <"$T/.out" >"$T/vars.json"
run "$D$P/bin/ztp-push" --render internet-access.j2 --data "$T/vars.json" \
	--path "$D$P/share/ztp/templates/cisco_iosxe" --path "$D$P/share/ztp/templates"
is "$rc" 0 "the installed ztp-push renders a shipped template"
[ "$rc" = 0 ] || diag "$err"
like "$out" "hostname cpe-iosxe-1" "with the shipped variables"
cp -p "$T/ztp.yml.installed" "$C"

# the paths written into the support files are this installation's
like "$(cat "$D$P/lib/systemd/system/ztp-dhcpd.service")" "ExecStart=$P/sbin/ztp-dhcpd -d -c /etc/ztp/ztp.yml" \
	"ztp-dhcpd.service runs the installed ztp-dhcpd"
like "$(cat "$D$P/lib/systemd/system/ztp-flow.service")" "ExecStart=$P/bin/ztp-flow -q" "ztp-flow.service runs the installed ztp-flow"
like "$(cat "$D$P/share/ztp/examples/ztp-flow.cron")" "PATH=$P/bin:$P/sbin:" "the cron example finds the tools"
is "$(grep -l '@[A-Z]*@' "$D$P"/lib/systemd/system/* "$D$P"/share/ztp/examples/* "$D$P/libexec/ztp/dnsmasq-script")" "" \
	"no placeholder left in what was installed"
if command -v systemd-analyze >/dev/null; then
	for u in ztp-dhcpd.service ztp-flow.service ztp-flow.timer; do
		run systemd-analyze verify --man=no "$D$P/lib/systemd/system/$u"
		unlike "$err" "Unknown|Invalid|[Ff]ailed to parse|bad-setting" "systemd-analyze: $u is well formed"
	done
fi
if command -v shellcheck >/dev/null; then
	run shellcheck "$D$P/libexec/ztp/dnsmasq-script"
	is "$rc" 0 "the dnsmasq script is shellcheck-clean"
	run shellcheck -s bash "$D$P/share/bash-completion/completions/ztp-spool"
	is "$rc" 0 "the completion is shellcheck-clean"
fi

# install without DESTDIR into a scratch prefix, so that the paths inside
# are real: the dnsmasq script records a lease through the installed tool
Q=$T/prefix
make -s install PREFIX="$Q" SYSCONFDIR="$Q/etc" >"$T/inst2.out" 2>&1
is "$?" 0 "make install PREFIX=scratch"
printf 'spool: %s\n' "$T/spool" >"$T/ztp.yml"
"$Q/bin/ztp-spool" -c "$T/ztp.yml" init >/dev/null
ZTP_CONFIG=$T/ztp.yml run "$Q/libexec/ztp/dnsmasq-script" add 0c:d9:96:aa:bb:01 192.0.2.61 sw1
is "$rc" 0 "the installed dnsmasq script: add"
[ "$rc" = 0 ] || diag "$err"
like "$("$Q/bin/ztp-spool" -c "$T/ztp.yml" -o json ls)" '"ip": "192.0.2.61"' \
	"the device dnsmasq leased is in the spool"

# the completion, as bash uses it: commands, stages, record ids
cat >"$T/comp.sh" <<'EOF'
. "$1"
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ztp; echo "${COMPREPLY[*]}"; }
comp ztp-spool ''
comp ztp-spool -c "$2" show ''
comp ztp-spool ls d
comp ztp-flow ''
comp ztp-probe -P j
comp ztp-kexcheck --w
EOF
PATH=$Q/bin:$Q/sbin:$PATH bash "$T/comp.sh" "$Q/share/bash-completion/completions/ztp-spool" "$T/ztp.yml" >"$T/comp.out" 2>&1
is "$(sed -n 1p "$T/comp.out")" "init ls show status notify put take commit release retry move recover rm" \
	"completion: the commands of ztp-spool, from its -h"
is "$(sed -n 2p "$T/comp.out")" "0c-d9-96-aa-bb-01" "completion: record ids from the spool"
is "$(sed -n 3p "$T/comp.out")" "discovered done" "completion: stages"
is "$(sed -n 4p "$T/comp.out")" "run watch status show retry reprovision" "completion: the commands of ztp-flow"
is "$(sed -n 5p "$T/comp.out")" "juniper_junos" "completion: platforms after -P"
is "$(sed -n 6p "$T/comp.out")" "--without" "completion: long options"

# uninstall: nothing of ours left, a changed configuration kept
make -s uninstall DESTDIR="$D" PREFIX=$P >/dev/null 2>&1
is "$?" 0 "make uninstall"
is "$(find "$D" -type f | sort)" "" "uninstall removed every file install put"
echo "# changed" >>"$Q/etc/ztp.yml"
make -s uninstall PREFIX="$Q" SYSCONFDIR="$Q/etc" >"$T/un.out" 2>&1
is "$(find "$Q" -type f)" "$Q/etc/ztp.yml" "uninstall keeps a configuration someone changed"
like "$(cat "$T/un.out")" "kept $Q/etc/ztp.yml" "and says so"

done_testing
