#!/bin/sh
# probe-offline.t: ztp-probe's offline mode as a user drives it: recorded
# outputs in, one record out (JSON and YAML), merging, recognition, terminal
# captures, exit codes, and the live mode refused for now.
. "$(dirname "$0")/lib.sh"

C=$SHARED/corpus
[ -d "$C/ntc" ] || skip_all "no corpus in $C"

# a 3850 stack's show version and an ASR9K inventory from the corpus
ver=$C/ntc/cisco_ios/show_version/cisco_ios_show_version1.raw
xrinv=$C/ntc/cisco_xr/admin_show_inventory/cisco_xr_admin_show_inventory.raw
[ -r "$ver" ] && [ -r "$xrinv" ] || skip_all "corpus samples missing"

run ztp-probe -P cisco_ios -r "$ver" -o json
is "$rc" 0 "show version parses"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "-o json: one line"
like "$out" '{"facts": {"hostname": "city-building-4-sw", "vendor": "cisco", "os": "ios-xe", "version": "03.06.05E", "model": "WS-C3850-48U", "serial": "FOC11111111", "modules": [' "the facts, in schema order"
like "$out" '{"slot": "2", "name": "Switch 2", "model": "WS-C3850-48U", "serial": "FCW22222222", "descr": null, "hw_rev": null}' "stack member 2 is a module"
is "$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["facts"]["modules"]))')" 3 "python reads the JSON: 3 other members"

run ztp-probe -P cisco_ios -r "$ver"
is "$rc" 0 "YAML by default"
like "$out" "---
facts:
  hostname: city-building-4-sw" "a YAML document"
is "$(printf '%s\n' "$out" | /usr/bin/python3 -c 'import yaml,sys; print(yaml.safe_load(sys.stdin)["facts"]["modules"][2]["serial"])')" FCW44444444 "PyYAML reads it"

# terminal capture: prompt + echo, CRLF, indented, no final newline
{ printf 'city-sw#show version\r\n'; sed 's/^/   /; s/$/\r/' "$ver"; } | head -c -2 >"$T/cap.txt"
run ztp-probe -P cisco_ios -r "$T/cap.txt" -o json
plain=$(ztp-probe -P cisco_ios -r "$ver" -o json)
is "$out" "$plain" "a terminal capture gives the same record"

# -P auto (the default) and stdin
run_in "$(cat "$ver")" ztp-probe -v -r - -o json
is "$rc" 0 "stdin with platform recognition"
like "$err" "platform: cisco_iosxe" "-v says which platform"
like "$out" '"os": "ios-xe"' "auto: IOS-XE recognised"

# merge: a given command name, abbreviated; first command wins
run ztp-probe -P cisco_xr -r "admin sh inv=$xrinv" -o json
is "$rc" 0 "command=file with an abbreviation"
like "$out" '"model": "ASR-9006"' "XR inventory: chassis PID"
like "$out" '"serial": "JCY98XR393D"' "XR inventory: chassis serial"
like "$out" '"slot": "0/RSP0/CPU0", "name": "module 0/RSP0/CPU0", "model": "A9K-RSP440-TR", "serial": "M9YXCZV9QF"' "XR inventory: RSP module"

printf 'Hostname: r1\nModel: mx960\nJunos: 18.4R2.7\n' >"$T/jver"
run ztp-probe -P juniper_junos -r "$T/jver" -r "$C/ntc/juniper_junos/show_chassis_hardware/juniper_junos_show_chassis_hardware4.raw" -o json
is "$rc" 0 "JunOS: version + chassis hardware"
like "$out" '"hostname": "r1", "vendor": "juniper", "os": "junos", "version": "18.4R2.7", "model": "mx960", "serial": "JN1111111"' "merged: model from the first, serial from the second"

# errors and exit codes
run ztp-probe -P cisco_ios -r "$T/nonexistent"
is "$rc" 2 "missing file: 2"
like "$err" "ztp-probe: cannot open '$T/nonexistent'" "says which file"
is "$out" "" "no record"

printf '%% Invalid input detected at marker.\n' >"$T/junk"
run ztp-probe -P cisco_ios -r "$ver" -r "$T/junk" -o json
is "$rc" 1 "one of two outputs unparsable: 1"
like "$err" "$T/junk: cannot recognise the command" "names the bad file"
like "$out" '"serial": "FOC11111111"' "the record still has the other's facts"

run ztp-probe -P cisco_ios -r "$T/junk"
is "$rc" 2 "nothing parsable: 2"

run ztp-probe -P cisco_ios -r "$ver" -r "$T/nonexistent" -o json
is "$rc" 1 "one of two files missing: 1"
like "$out" '"serial": "FOC11111111"' "the record has the readable one's facts"

run ztp-probe -P huawei_vrp -r "$ver"
is "$rc" 2 "Cisco output given as huawei_vrp: 2"
like "$err" "it looks like cisco_iosxe output" "says what it looks like"

run ztp-probe -P cisco_ios -r "show chassis hardware=$ver"
is "$rc" 2 "a command the platform has not: 2"
like "$err" "not a command parsed on cisco_ios" "says so"

run ztp-probe -P cisco_iso -r "$ver"
is "$rc" 2 "unknown platform: 2"
like "$err" "did you mean 'cisco_ios'" "suggests the name"

printf 'hello\n' >"$T/hello"
run ztp-probe -r "$T/hello"
is "$rc" 2 "auto on text of no platform: 2"
like "$err" "cannot tell the platform" "says so"

run ztp-probe -o xml -r "$ver"
is "$rc" 2 "unknown output format: 2"

run ztp-probe -P cisco_ios
is "$rc" 2 "no -r: 2"
like "$err" "usage: ztp-probe" "prints usage"

# the live mode (tests/probe-live.t) does not mix with -r
run ztp-probe -r "$T/x" router1
is "$rc" 2 "-r with host operands: 2"
like "$err" "do not mix" "-r with host operands says why"
run ztp-probe -j 0 router1
is "$rc" 2 "-j 0: 2"

# -T: the effective configuration and what a live run would do; the
# credential sets by name and user, never a secret
mkdir -p "$T/tspool"
printf 'credentials:\n- {name: factory, username: admin, password: "f4ctory-PW"}\n- {name: prov, username: ztp, password: "pr0v-PW"}\n- {name: enable, password: "en4ble-PW"}\n' >"$T/sec.yml"
chmod 600 "$T/sec.yml"
printf 'spool: %s\nsecrets: %s\nssh:\n  timeout: 7\n' "$T/tspool" "$T/sec.yml" >"$T/t.yml"
run ztp-probe -T -c "$T/t.yml" -j 3 -d 40 -F "$T/my_ssh_config" -P huawei_vrp
is "$rc" 0 "-T: exit 0"
like "$out" "spool: $T/tspool" "-T: the spool of ztp.yml"
like "$out" "timeout: 7" "-T: the ssh section"
like "$out" "jobs 3, device deadline 40s, platform huawei_vrp" "-T: -j, -d and -P as this run would use them"
like "$out" "ssh_config $T/my_ssh_config" "-T: -F"
like "$out" "transcripts $T/tspool/log" "-T: where the transcripts go"
like "$out" "credentials tried in order: factory (user admin, password set), prov (user ztp, password set)" \
	"-T: the credential sets in order, by name and user"
like "$out" "enable secret set" "-T: the enable secret is known"
unlike "$out" "PW" "-T: no password or enable secret is ever printed"
if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	printf '%s\n' "$out" | /usr/bin/python3 -c 'import sys, yaml; yaml.safe_load(sys.stdin)'
	is "$?" 0 "-T: the output is YAML (the run's own settings are comments)"
fi
chmod 644 "$T/sec.yml"
run ztp-probe -T -c "$T/t.yml"
is "$rc" 2 "-T: an unsafe secrets file is a configuration error"
like "$err" "refusing to read secrets file" "-T: says why the secrets file is refused"
run ztp-probe -T -c "$T/t.yml" router1
is "$rc" 2 "-T with host operands: 2"

# the man page is clean
if command -v mandoc >/dev/null; then
	run mandoc -Tlint -Wwarning "$TOP/man/ztp-probe.1"
	is "$rc$out$err" 0 "man page passes mandoc -Tlint"
fi
done_testing
