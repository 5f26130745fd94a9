#!/bin/sh
# Every fix ztp-kexcheck prints works, with every tool that connects
# (issue 18): against a real legacy sshd (SHA-1 kex, ssh-rsa, hmac-sha1),
# the ssh_config block with -F, the `ssh -o` line with real OpenSSH (ssh -G
# and a real connection), the ztp.yml lines with -c, each with ztp-kexcheck
# and ztp-probe; the ztp.yml key is the record id for records; the
# ztp.yml(5) example's rack-level fix reaches a device DHCP just found (no
# platform yet); ztp-probe --preflight reports the diagnosis without a
# login attempt; --replay agrees with the live scan on the same settings.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
command -v ssh >/dev/null || skip_all "OpenSSH client not installed"
U=ztpk$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"

POLD=$(free_port)
POLD2=$(free_port)
PNEW=$(free_port)
legacy="KexAlgorithms diffie-hellman-group14-sha1|HostKeyAlgorithms ssh-rsa|Ciphers aes128-ctr,aes128-cbc|MACs hmac-sha1|PasswordAuthentication yes|SetEnv SHLVL=5"
IFS='|'
# shellcheck disable=SC2086
sshd_start old "$POLD" rsa $legacy "ForceCommand $SIM --platform cisco_ios --serial SIMOLD1 --hostname old-r1"
# shellcheck disable=SC2086
sshd_start old2 "$POLD2" rsa $legacy "ForceCommand $SIM --platform cisco_ios --serial SIMOLD2 --hostname old2-r1"
unset IFS
sshd_start new "$PNEW" ed25519 "PasswordAuthentication yes" "SetEnv SHLVL=5" \
	"ForceCommand $SIM --platform cisco_ios --serial SIMNEW1 --hostname new-r1"

printf 'Host legacy\n  HostName 127.0.0.1\n  Port %s\nHost legacy2\n  HostName 127.0.0.1\n  Port %s\nHost modern\n  HostName 127.0.0.1\n  Port %s\n' \
	"$POLD" "$POLD2" "$PNEW" >"$T/base.conf"
printf 'credentials:\n- {name: factory, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
printf 'secrets: %s\nssh:\n  timeout: 10\n' "$T/secrets.yml" >"$T/base.yml"

# the printed fix, in its three dialects, from a kexcheck report on stdin
fix_ssh_config() { sed -n '/^  fix, in ~\/.ssh\/config/,/^  or once:/p' | sed '1d;$d' | sed 's/^    //'; }
fix_ssh_o() { sed -n '/^  or once:/{n;p;}' | sed 's/^    //'; }
fix_yml() { sed -n '/^  or in ztp.yml:/,/^  [^ ]/p' | sed '1d' | grep '^    ' | sed 's/^    //'; }

# ---- a host named on the command line
run ztp-kexcheck -F "$T/base.conf" legacy
is "$rc" 1 "legacy host without a fix: exit 1"
like "$out" "NOT NEGOTIABLE" "legacy host: not negotiable"
report=$out
printf '%s\n' "$report" | fix_ssh_config >"$T/fix.block"
printf '%s\n' "$report" | fix_ssh_o >"$T/fix.ssh"
printf '%s\n' "$report" | fix_yml >"$T/fix.lines"
like "$(cat "$T/fix.block")" "Host legacy" "the ssh_config block is for the name given"
like "$(cat "$T/fix.lines")" "  legacy:" "the ztp.yml lines are keyed by the name given"
like "$(cat "$T/fix.ssh")" "ssh -o KexAlgorithms=+diffie-hellman-group14-sha1" "the ssh -o line"

# the ssh_config block with -F
cat "$T/fix.block" "$T/base.conf" >"$T/fix.conf"
run ztp-kexcheck -F "$T/fix.conf" legacy
is "$rc" 0 "kexcheck -F with the printed ssh_config block: negotiable"
[ "$rc" = 0 ] || diag "$out"
run ztp-probe -c "$T/base.yml" -F "$T/fix.conf" -o json legacy </dev/null
is "$rc" 0 "probe -F with the printed ssh_config block: logs in"
like "$out" '"serial": "SIMOLD1"' "probe with the ssh_config block: facts"

# the ztp.yml lines with -c
cat "$T/base.yml" "$T/fix.lines" >"$T/fix.yml"
run ztp-kexcheck -c "$T/fix.yml" -F "$T/base.conf" legacy
is "$rc" 0 "kexcheck -c with the printed ztp.yml lines: negotiable (issue 18)"
[ "$rc" = 0 ] || diag "$out"
run ztp-kexcheck -G -v -c "$T/fix.yml" -F "$T/base.conf" legacy
like "$out" "diffie-hellman-group14-sha1" "kexcheck -G shows the fix"
like "$out" "devices.legacy.ssh" "and where it came from"
run ztp-probe -c "$T/fix.yml" -F "$T/base.conf" -o json legacy </dev/null
is "$rc" 0 "probe -c with the printed ztp.yml lines: logs in"
like "$out" '"serial": "SIMOLD1"' "probe with the ztp.yml lines: facts"

# the ssh -o line with real OpenSSH: its options, then the name
opts=$(sed 's/^ssh //; s/ legacy$//' "$T/fix.ssh")
set -f
# shellcheck disable=SC2086
set -- $opts
set +f
sshargs="-F $T/base.conf -i $T/client_key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -l root"
# shellcheck disable=SC2086
run ssh -G $sshargs "$@" legacy
like "$(printf "%s\n" "$out" | grep "^kexalgorithms")" "curve25519-sha256," "ssh -G with the printed options keeps the defaults"
like "$(printf '%s\n' "$out" | grep '^kexalgorithms')" "diffie-hellman-group14-sha1" "and adds the SHA-1 kex"
# shellcheck disable=SC2086
run ssh -v $sshargs legacy true </dev/null
like "$err" "no matching" "real ssh without the printed options: cannot negotiate"
# shellcheck disable=SC2086
run ssh -v $sshargs "$@" legacy true </dev/null
like "$err" "kex: algorithm: diffie-hellman-group14-sha1" "real ssh with the printed options negotiates"
like "$err" "Authenticated to" "and logs in"

# ---- records: the ztp.yml fix is keyed by the record id
printf 'Host 127.0.0.1\n  Port %s\n' "$POLD" >"$T/rec.conf"
recd='{"id": "legacy-ios", "ip": "127.0.0.1"}'
run_in "$recd" ztp-kexcheck -F "$T/rec.conf"
is "$rc" 1 "a record: not negotiable"
printf '%s\n' "$out" | fix_yml >"$T/rec.lines"
like "$(cat "$T/rec.lines")" "  legacy-ios:" "the ztp.yml fix of a record is keyed by its id"
cat "$T/base.yml" "$T/rec.lines" >"$T/rec.yml"
run_in "$recd" ztp-kexcheck -c "$T/rec.yml" -F "$T/rec.conf"
is "$rc" 0 "kexcheck with the record's fix: negotiable"
run_in "$recd" ztp-probe -c "$T/rec.yml" -F "$T/rec.conf" -o json
is "$rc" 0 "probe with the record's fix: logs in"
like "$out" '"serial": "SIMOLD1"' "probe with the record's fix: facts"

# ---- the ztp.yml(5) example: the fix at rack level reaches a device that
# DHCP just discovered (a rack, no platform yet)
sed -n '/^\.Sh EXAMPLES/,/^\.Ed/p' "$TOP/man/ztp.yml.5" | sed -n '/^racks:/,/^\.Ed/p' | sed '$d' >"$T/example.racks"
like "$(cat "$T/example.racks")" "kex_algorithms: '+diffie-hellman-group14-sha1'" "ztp.yml(5): the example's SHA-1 fix is at rack level"
rack=$(sed -n '2s/^  \([A-Za-z0-9_-]*\):$/\1/p' "$T/example.racks")
cat "$T/base.yml" "$T/example.racks" >"$T/rack.yml"
recr="{\"id\": \"aabbccddeeff\", \"ip\": \"127.0.0.1\", \"rack\": \"$rack\"}"
run_in "$recr" ztp-kexcheck -c "$T/rack.yml" -F "$T/rec.conf"
is "$rc" 0 "kexcheck: the example's rack fix reaches a newly discovered device"
run_in "$recr" ztp-probe -c "$T/rack.yml" -F "$T/rec.conf" -o json
is "$rc" 0 "probe: the example's rack fix reaches a newly discovered device"
like "$out" '"platform": "cisco_ios"' "and the platform is learnt"

# ---- probe --preflight: the diagnosis, no login attempted
: >"$T/old/log.before"
cp "$T/old/log" "$T/old/log.before"
run ztp-probe --preflight -c "$T/base.yml" -F "$T/base.conf" -o json legacy </dev/null
is "$rc" 1 "probe --preflight on a legacy device: exit 1"
like "$out" '"kind": "negotiation"' "error.kind negotiation"
like "$out" "pre-flight" "the message says the pre-flight found it"
like "$out" "KexAlgorithms +diffie-hellman-group14-sha1" "error.fix holds the kexcheck fix"
unlike "$(diff "$T/old/log.before" "$T/old/log")" "$U" "no login attempted for the user"
run ztp-probe --preflight -c "$T/fix.yml" -F "$T/base.conf" -o json legacy modern </dev/null
is "$rc" 0 "probe --preflight with the fix: both log in"
like "$out" '"serial": "SIMNEW1"' "the modern device too"

# ---- --replay resolves every device's settings as the live scan does
cat "$T/base.yml" >"$T/mixed.yml"
sed 's/^  legacy:/  legacy2:/' "$T/fix.lines" >>"$T/mixed.yml"
cat "$T/fix.block" "$T/base.conf" >"$T/mixed.conf"
run ztp-kexcheck -q -c "$T/base.yml" -F "$T/base.conf" -o json legacy legacy2 modern
is "$rc" 1 "scan without fixes: exit 1"
printf '%s\n' "$out" >"$T/offers.json"
run ztp-kexcheck -c "$T/mixed.yml" -F "$T/mixed.conf" legacy legacy2 modern
live=$rc
is "$live" 0 "live: legacy fixed in ssh_config, legacy2 in ztp.yml, modern needs none"
run ztp-kexcheck -c "$T/mixed.yml" -F "$T/mixed.conf" --replay "$T/offers.json"
is "$rc" "$live" "replay with the same settings agrees with the live scan (issue 14)"
like "$out" "3 devices replayed" "replay: every device"
like "$out" "0 would become unreachable, 0 already not negotiable" "replay: none cut off"
cat "$T/base.yml" >"$T/half.yml"
run ztp-kexcheck -c "$T/half.yml" -F "$T/mixed.conf" legacy legacy2 modern
live=$rc
run ztp-kexcheck -c "$T/half.yml" -F "$T/mixed.conf" --replay "$T/offers.json"
is "$rc" "$live" "a fix for some only: replay and live agree"
like "$out" "legacy2 (127.0.0.1:$POLD2): already not negotiable" "replay names the device without a fix"
unlike "$out" "legacy (127.0.0.1:$POLD): already" "and not the device fixed in ssh_config"
done_testing
