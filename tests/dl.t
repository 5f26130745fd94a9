#!/bin/sh
# libssh and libcurl are loaded at first use, not linked: the tools start
# without them (ldd), the offline modes run with neither present, and a
# library that cannot be loaded (ZTP_LIBSSH, ZTP_LIBCURL) is a clean error
# naming the file and the reason, with the documented exit status.
. "$(dirname "$0")/lib.sh"

NOSSH=/nonexistent/libssh.so.4
NOCURL=/nonexistent/libcurl.so.4
# nocrash TEXT: 0 unless TEXT shows a sanitizer report or an abort
nocrash() { case $1 in *Sanitizer* | *"called before"* | *Abort* | *"core dumped"*) echo 1 ;; *) echo 0 ;; esac; }

# what the dynamic loader maps at exec
if command -v ldd >/dev/null; then
	for t in "$BIN"/ztp-*; do
		[ -x "$t" ] || continue
		l=$(ldd "$t" 2>&1)
		unlike "$l" "libssh" "ldd $(basename "$t"): no libssh"
		unlike "$l" "libcurl" "ldd $(basename "$t"): no libcurl"
		unlike "$l" "libcrypto" "ldd $(basename "$t"): no libcrypto"
	done
	like "$(ldd "$BIN/ztp-push")" "libyaml" "ldd ztp-push: libyaml is still linked"
else
	diag "no ldd: the link check is skipped"
fi

# ztp-kexcheck -Q needs the linked libssh (its version, its names)
run env ZTP_LIBSSH=$NOSSH ztp-kexcheck -Q
is "$rc" 75 "kexcheck -Q without libssh: exit 75"
like "$err" "ztp-kexcheck: cannot load libssh '$NOSSH': cannot open shared object file: No such file or directory" \
	"the message names the file and the reason"
ok "$(nocrash "$err")" "no crash"
is "$out" "" "nothing on stdout"
printf 'not a library\n' >"$T/fake.so"
run env ZTP_LIBSSH=$T/fake.so ztp-kexcheck -Q
is "$rc" 75 "a file that is no library: exit 75"
like "$err" "cannot load libssh '$T/fake.so': " "named"
ok "$(nocrash "$err")" "no crash"
# a real library without libssh's functions: a missing symbol is a load failure
run env ZTP_LIBSSH=libyaml-0.so.2 ztp-kexcheck -Q
is "$rc" 75 "another library than libssh: exit 75"
like "$err" "cannot load libssh 'libyaml-0.so.2': " "named"
like "$err" "undefined symbol: ssh_" "the reason: the first libssh function it lacks"
# by name, searched like any library: the one the build found
run env ZTP_LIBSSH=libssh.so.4 ztp-kexcheck -Q
is "$rc" 0 "ZTP_LIBSSH=libssh.so.4: kexcheck -Q works"
like "$out" "libssh 0." "and prints the loaded library's version"
run ztp-kexcheck -Q kex
is "$rc" 0 "without ZTP_LIBSSH: the build's libssh"
like "$out" "curve25519-sha256" "its algorithms"
# a version given with --libssh needs no library
run env ZTP_LIBSSH=$NOSSH ztp-kexcheck --libssh 0.11.1 -Q
is "$rc" 0 "kexcheck --libssh 0.11.1 -Q: no libssh needed"
like "$out" "libssh 0.11.1" "the asked version's table"

# a live ztp-probe: the load fails before any connection
printf 'spool: %s/spool\n' "$T" >"$T/ztp.yml"
PORT=$(free_port)
printf 'Host dev1\n  HostName 127.0.0.1\n  Port %s\n' "$PORT" >"$T/ssh_config"
run env ZTP_LIBSSH=$NOSSH ztp-probe -c "$T/ztp.yml" -F "$T/ssh_config" -d 5 dev1
is "$rc" 75 "live probe without libssh: exit 75 (a temporary failure)"
like "$err" "ztp-probe: cannot load libssh '$NOSSH': cannot open shared object file" "named, with the reason"
ok "$(nocrash "$err")" "no crash"
is "$out" "" "no record printed"
run ztp-probe -c "$T/ztp.yml" -F "$T/ssh_config" -d 5 dev1
is "$rc" 1 "with libssh: the probe runs and the device fails"
like "$out" "kind: refused" "the connection was tried (nothing listens)"
run env ZTP_LIBSSH=$NOSSH ztp-push -c "$T/ztp.yml" -F "$T/ssh_config" -d 5 dev1
is "$rc" 75 "live push without libssh: exit 75"
like "$err" "ztp-push: cannot load libssh '$NOSSH'" "named"

# offline: neither library is needed
mkdir -p "$T/tpl"
printf 'hostname {{ hostname }}\n{%% for s in ntp %%}ntp server {{ s }}\n{%% endfor %%}' >"$T/tpl/t.j2"
printf 'hostname: r1\nntp: [192.0.2.1, 192.0.2.2]\n' >"$T/vars.yml"
run env ZTP_LIBSSH=$NOSSH ZTP_LIBCURL=$NOCURL ztp-push --render t.j2 --path "$T/tpl" --data "$T/vars.yml"
is "$rc" 0 "push --render with neither library: exit 0"
is "$out" "hostname r1
ntp server 192.0.2.1
ntp server 192.0.2.2" "renders"
is "$err" "" "quietly"
ver=$SHARED/corpus/ntc/cisco_ios/show_version/cisco_ios_show_version1.raw
if [ -r "$ver" ]; then
	run env ZTP_LIBSSH=$NOSSH ZTP_LIBCURL=$NOCURL ztp-probe -P cisco_ios -r "$ver" -o json
	is "$rc" 0 "probe -r (recorded output) with neither library: exit 0"
	like "$out" '"serial": "FOC11111111"' "parses"
fi

# the HTTP source of truth needs libcurl; without it a clear error
cat >"$T/vz.yml" <<EOF
spool: $T/spool
templates:
  vars: $T/vars
  source: {url: "http://127.0.0.1:$PORT/api/ztp/{serial}", timeout: 5}
EOF
mkdir -p "$T/vars"
printf '{"id": "dev1", "platform": "cisco_iosxe", "facts": {"serial": "SER1"}}\n' >"$T/rec.yml"
run env ZTP_LIBCURL=$NOCURL ztp-push -c "$T/vz.yml" --vars "$T/rec.yml"
is "$rc" 75 "push --vars with a source and no libcurl: exit 75"
like "$err" "ztp-push: cannot load libcurl '$NOCURL': cannot open shared object file: No such file or directory" \
	"the message names the file and the reason"
ok "$(nocrash "$err")" "no crash"
run ztp-push -c "$T/vz.yml" --vars "$T/rec.yml"
is "$rc" 75 "with libcurl: the source is asked (nothing listens: exit 75)"
like "$err" "127.0.0.1:$PORT" "the error is about the source now"
unlike "$err" "cannot load" "not about loading"

# ztp-dhcpd: notifications need libcurl
cat >"$T/dz.yml" <<EOF
spool: $T/dspool
backend:
  url: http://127.0.0.1:$PORT/devices
dhcp:
  lease_dir: $T/dq
racks:
  r9:
    interface: br0
EOF
run env ZTP_LIBCURL=$NOCURL DNSMASQ_INTERFACE=br0 ztp-dhcpd --from-dnsmasq -c "$T/dz.yml" add 0c:d9:96:aa:bb:cc 10.99.0.5
is "$rc" 75 "dhcpd with a backend and no libcurl: exit 75, as the other tools"
like "$err" "ztp-dhcpd: cannot load libcurl '$NOCURL'" "named"
ok "$([ -f "$T/dspool/discovered/0c-d9-96-aa-bb-cc.yml" ] && echo 0 || echo 1)" \
	"the device record is written all the same"
ok "$(nocrash "$err")" "no crash"
run env ZTP_LIBCURL=$NOCURL ztp-dhcpd -n -c "$T/dz.yml"
unlike "$err" "cannot load" "dhcpd -n never loads libcurl"
done_testing
