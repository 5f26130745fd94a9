#!/bin/sh
# ztp-kexcheck against real OpenSSH sshd instances configured like an old
# Cisco IOS box, a Huawei box and a modern server; offers cross-checked with
# nmap's ssh2-enum-algos; the printed fix, given back, makes it negotiable;
# the assembled full lists connect with the real libssh.
. "$(dirname "$0")/lib.sh"

[ -x /usr/sbin/sshd ] || skip_all "no /usr/sbin/sshd (openssh-server)"
need_root "sshd privilege separation"
mkdir -p /run/sshd
PY=/usr/bin/python3
[ -x $PY ] || PY=python3

ssh-keygen -q -t rsa -b 2048 -N '' -f "$T/rsa_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$T/ed_key" || exit 1

start_sshd() { # NAME PORT KEY EXTRA-LINES
	cat >"$T/$1.conf" <<CONF
Port $2
ListenAddress 127.0.0.1
HostKey $T/$3
PidFile $T/$1.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
$4
CONF
	/usr/sbin/sshd -D -e -f "$T/$1.conf" 2>"$T/$1.log" &
	bg_pid $!
}

P_IOS=$(free_port); P_HW=$(free_port); P_NEW=$(free_port)
start_sshd ios "$P_IOS" rsa_key "KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1
HostKeyAlgorithms ssh-rsa
Ciphers aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc
MACs hmac-sha1,hmac-sha1-96"
start_sshd huawei "$P_HW" rsa_key "KexAlgorithms diffie-hellman-group-exchange-sha1
HostKeyAlgorithms rsa-sha2-256,ssh-rsa
Ciphers aes128-ctr,aes256-ctr
MACs hmac-sha1"
start_sshd modern "$P_NEW" ed_key "KexAlgorithms curve25519-sha256
HostKeyAlgorithms ssh-ed25519"
# an ancient box: DSA host key, MD5 MAC; nothing in libssh 0.10 speaks that
P_OLD=
if ssh-keygen -q -t dsa -N '' -f "$T/dsa_key" 2>/dev/null; then
	P_OLD=$(free_port)
	start_sshd ancient "$P_OLD" dsa_key "KexAlgorithms diffie-hellman-group1-sha1
HostKeyAlgorithms ssh-dss
Ciphers 3des-cbc
MACs hmac-md5"
fi
for p in $P_IOS $P_HW $P_NEW $P_OLD; do
	wait_port "$p" 10 || { cat "$T"/*.log; skip_all "sshd did not start on $p"; }
done
IOS=127.0.0.1:$P_IOS HW=127.0.0.1:$P_HW NEW=127.0.0.1:$P_NEW

# --- the scan, in JSON ---
run ztp-kexcheck -t 5 -o json "$IOS" "$HW" "$NEW"
is "$rc" 1 "two of three not negotiable: exit 1"
printf '%s\n' "$out" >"$T/scan.json"
# one not negotiable (1) and one not scanned (75): the answer is not
# complete, 75 outranks 1 (ztp_exit_merge)
run ztp-kexcheck -t 5 "$IOS" "127.0.0.1:$(free_port)"
is "$rc" 75 "one not negotiable, one refused: exit 75"
like "$out" "NOT NEGOTIABLE" "one not negotiable, one refused: the fix is still printed"
is "$(wc -l <"$T/scan.json" | tr -d ' ')" 3 "one JSON line per host"

# field from the JSON line of a target
jget() { # TARGET PYTHON-EXPR(d)
	$PY -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["target"] == sys.argv[2]:
        print(eval(sys.argv[3]))' "$T/scan.json" "$1" "$2"
}

# nmap's view of the same server, as "kex|hostkey|enc|mac|comp" lines
nmap_offer() { # PORT
	nmap -Pn -n -sV --version-intensity 0 -p "$1" --script ssh2-enum-algos 127.0.0.1 2>/dev/null |
	awk '/^\|   kex_algorithms:/{k="kex";next}
	     /^\|   server_host_key_algorithms:/{k="hostkey";next}
	     /^\|   encryption_algorithms:/{k="enc";next}
	     /^\|   mac_algorithms:/{k="mac";next}
	     /^\|   compression_algorithms:/{k="comp";next}
	     /^\|_?      /{ sub(/^\|_?[ ]+/, ""); v[k]=v[k] (v[k]==""?"":",") $0 }
	     END { print "kex=" v["kex"]; print "hostkey=" v["hostkey"]; print "enc=" v["enc"];
	           print "mac=" v["mac"]; print "comp=" v["comp"] }'
}
our_offer() { # TARGET
	jget "$1" '"kex=" + ",".join(d["offer"]["kex"]) + "\nhostkey=" + ",".join(d["offer"]["hostkey"]) + "\nenc=" + ",".join(d["offer"]["enc_c2s"]) + "\nmac=" + ",".join(d["offer"]["mac_c2s"]) + "\ncomp=" + ",".join(d["offer"]["comp_c2s"])'
}
if command -v nmap >/dev/null; then
	for t in "$IOS" "$HW" "$NEW"; do
		n=$(nmap_offer "${t#*:}")
		like "$n" "kex=" "nmap reports $t"
		is "$(our_offer "$t")" "$n" "offer of $t equals nmap ssh2-enum-algos exactly"
	done
else
	diag "nmap not installed: no cross-check"
fi
# ssh-audit's view too (JSON)
if command -v ssh-audit >/dev/null; then
	for t in "$IOS" "$HW" "$NEW"; do
		a=$(ssh-audit -j -n -p "${t#*:}" 127.0.0.1 2>/dev/null | $PY -c 'import json,sys
d = json.load(sys.stdin)
print("kex=" + ",".join(x["algorithm"] for x in d["kex"]))
print("hostkey=" + ",".join(x["algorithm"] for x in d["key"]))
print("enc=" + ",".join(d["enc"]))
print("mac=" + ",".join(d["mac"]))
print("comp=" + ",".join(d["compression"]))')
		is "$(our_offer "$t")" "$a" "offer of $t equals ssh-audit -j exactly"
	done
else
	diag "ssh-audit not installed: no cross-check"
fi
is "$(jget "$IOS" 'd["offer"]["enc_s2c"] == d["offer"]["enc_c2s"]')" True "both cipher directions kept"
is "$(jget "$IOS" '" ".join(d["diagnosis"]["failing"])')" "kex hostkey mac_c2s mac_s2c" \
	"IOS: every failing category at once"
is "$(jget "$HW" '" ".join(d["diagnosis"]["failing"])')" "kex mac_c2s mac_s2c" "Huawei: kex and MAC fail"
is "$(jget "$NEW" 'd["diagnosis"]["negotiable"]')" True "modern server negotiable"
is "$(jget "$NEW" 'd["status"]')" ok "status ok"

# --- the text report and its fix ---
run ztp-kexcheck -t 5 "$IOS"
is "$rc" 1 "IOS alone: exit 1"
like "$out" "NOT NEGOTIABLE with libssh" "says not negotiable"
like "$out" "failing: kex host key mac c2s mac s2c" "names every failing category"
like "$out" "    Host 127.0.0.1
        KexAlgorithms +diffie-hellman-group14-sha1
        HostKeyAlgorithms +ssh-rsa
        MACs +hmac-sha1" "ssh_config block"
like "$out" "ssh -o KexAlgorithms=+diffie-hellman-group14-sha1 -o HostKeyAlgorithms=+ssh-rsa -o MACs=+hmac-sha1 -p $P_IOS 127.0.0.1" "ssh -o line, with the port"
like "$out" "kex_algorithms: '+diffie-hellman-group14-sha1'" "ztp.yml lines"
like "$out" "weak, in use (information only): diffie-hellman-group14-sha1 (SHA-1 key exchange)" "weak flagged apart"
unlike "$out" "kex-strict" "pseudo-algorithms never shown"

# the fix as printed, handed back as options
fix_args() { # TEXT -> --kex ... --hostkey ... --macs ...
	printf '%s\n' "$1" | awk '$1=="KexAlgorithms"{printf " --kex %s", $2}
		$1=="HostKeyAlgorithms"{printf " --hostkey %s", $2}
		$1=="Ciphers"{printf " --ciphers %s", $2}
		$1=="MACs"{printf " --macs %s", $2}'
}
FIX_IOS=$(fix_args "$out")
is "$FIX_IOS" " --kex +diffie-hellman-group14-sha1 --hostkey +ssh-rsa --macs +hmac-sha1" "fix extracted"
run ztp-kexcheck -t 5 $FIX_IOS "$IOS"
is "$rc" 0 "IOS with the printed fix: negotiable (exit 0)"
like "$out" "negotiable with libssh" "says negotiable"

run ztp-kexcheck -t 5 "$HW"
FIX_HW=$(fix_args "$out")
is "$FIX_HW" " --kex +diffie-hellman-group-exchange-sha1 --macs +hmac-sha1" "Huawei: only kex and MAC in the fix"
run ztp-kexcheck -t 5 $FIX_HW "$HW"
is "$rc" 0 "Huawei with its fix: exit 0"

# the union for the fleet
run ztp-kexcheck -t 5 "$IOS" "$HW" "$NEW"
like "$out" "3 hosts: 1 negotiable, 2 not negotiable (0 of them not fixable), 0 unreachable" "summary line"
like "$out" "kex_algorithms: '+diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1'" "fleet fix for ztp.yml"

# --- a box no configuration can save ---
if [ -n "$P_OLD" ]; then
	run ztp-kexcheck -t 5 "127.0.0.1:$P_OLD"
	is "$rc" 1 "ancient box: exit 1"
	like "$out" "no configuration can fix this with libssh" "says nothing can fix it"
	like "$out" "host key: the server offers only ssh-dss, and libssh" "names the host key"
	like "$out" "mac: the server offers only hmac-md5" "names the MAC"
	like "$out" "the other categories would then need: KexAlgorithms +diffie-hellman-group1-sha1, Ciphers +3des-cbc" \
		"and what the rest would need"
	unlike "$out" "Host 127.0.0.1" "no fix block that would not work"
else
	diag "ssh-keygen cannot make DSA keys: no ancient box"
fi

# --- the fixed lists, assembled by ztp, work in the real libssh ---
enabled() { # CATEGORY OPTIONS...
	_c=$1; shift
	ztp-kexcheck -Q -o json "$@" | $PY -c 'import json,sys; print(",".join(json.load(sys.stdin)["categories"][sys.argv[1]]["enabled"]))' "$_c"
}
KEX=$(enabled kex $FIX_IOS) HK=$(enabled hostkey $FIX_IOS) MAC=$(enabled mac $FIX_IOS)
like "$KEX" "curve25519-sha256," "full explicit kex list (defaults kept)"
run "$BUILD/tests/unit/h-libsshkex" 127.0.0.1 "$P_IOS"
is "$rc" 1 "libssh with its defaults fails against IOS"
like "$out" "no match for method kex algos" "with libssh's one-category-at-a-time error"
run "$BUILD/tests/unit/h-libsshkex" 127.0.0.1 "$P_IOS" "$KEX" "$HK" - "$MAC"
is "$rc" 0 "libssh with ztp's assembled lists connects to IOS"
like "$out" "ok diffie-hellman-group14-sha1" "over group14-sha1"

# what ztp-kexcheck predicts is what libssh then negotiates
predict() { # OPTIONS... TARGET -> "ok KEX CIPHER-S2C"
	ztp-kexcheck -t 5 -o json "$@" | $PY -c 'import json,sys
d = json.load(sys.stdin)["diagnosis"]["slots"]
print("ok", d["kex"]["agreed"], d["enc_s2c"]["agreed"])'
}
run "$BUILD/tests/unit/h-libsshkex" 127.0.0.1 "$P_NEW"
is "$out" "$(predict "$NEW")" "modern: libssh negotiates what ztp-kexcheck predicted ($out)"
run "$BUILD/tests/unit/h-libsshkex" 127.0.0.1 "$P_IOS" "$KEX" "$HK" - "$MAC"
is "$out" "$(predict $FIX_IOS "$IOS")" "IOS with the fix: libssh negotiates the predicted kex and cipher"

# group exchange works too, though libssh then cannot name its kex
KEX_HW=$(enabled kex $FIX_HW) MAC_HW=$(enabled mac $FIX_HW)
run "$BUILD/tests/unit/h-libsshkex" 127.0.0.1 "$P_HW" "$KEX_HW" - - "$MAC_HW"
is "$rc" 0 "libssh with ztp's lists connects to the Huawei box (gex-sha1)"
like "$out" "ok (unknown) aes" "ssh_get_kex_algo() is NULL after group exchange (DESIGN.md)"

# --- -Q ---
run ztp-kexcheck -Q kex
like "$out" "diffie-hellman-group14-sha1" "-Q kex lists what the build supports"
run ztp-kexcheck -Q
like "$out" "diffie-hellman-group14-sha1                available  weak: SHA-1 key exchange" "-Q marks enabled/available and weak"
run ztp-kexcheck -Q --kex +diffie-hellman-group14-sha1 kex mac
is "$rc" 0 "-Q with categories"

# --- --replay: which devices a library change would cut off ---
run ztp-kexcheck --replay "$T/scan.json" --hostkey +ssh-rsa --macs +hmac-sha1 \
	--kex +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1
is "$rc" 0 "replay with the fleet fix: all negotiable"
run ztp-kexcheck --replay "$T/scan.json" --kex +diffie-hellman-group14-sha1 --kex +diffie-hellman-group-exchange-sha1
like "$err" "--kex given again: '+diffie-hellman-group-exchange-sha1' ignored, the first ('+diffie-hellman-group14-sha1') wins" \
	"a repeated option is reported, first wins like ssh -o"
like "$out" "3 devices replayed" "replay counts devices"
run ztp-kexcheck --replay "$T/scan.json" --kex +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1 \
	--hostkey +ssh-rsa --macs +hmac-sha1 --without 'diffie-hellman-*-sha1'
is "$rc" 1 "a build without SHA-1 kex: exit 1"
like "$out" "127.0.0.1:$P_IOS: WOULD BECOME UNREACHABLE" "IOS would be cut off"
like "$out" "127.0.0.1:$P_HW: WOULD BECOME UNREACHABLE" "Huawei would be cut off"
unlike "$out" "127.0.0.1:$P_NEW:" "modern one is not listed"
like "$out" "no configuration can fix this" "and no configuration can bring them back"
like "$out" "2 would become unreachable" "summary"
like "$err" "'diffie-hellman-group14-sha1' is not supported by libssh" "the config lines that no longer work are reported"
run ztp-kexcheck --replay "$T/scan.json" --libssh 0.11 --hostkey +ssh-rsa --macs +hmac-sha1 \
	--kex +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1
is "$rc" 0 "replay against the libssh 0.11 table with the fleet's fix: all negotiable"
like "$out" "replayed against libssh 0.11" "names the table"
run ztp-kexcheck --replay "$T/scan.json" -o json --without 'ssh-rsa'
is "$(printf '%s\n' "$out" | grep -c '"after": false')" 2 "replay -o json: one line per device"

# --- usage ---
run ztp-kexcheck -j 0 "$IOS"
is "$rc" 2 "bad -j: exit 2"
run ztp-kexcheck --kex '+diffie-hellman-*' "$IOS"
is "$rc" 2 "wildcard after + in kex: exit 2 like OpenSSH"
run_in "$IOS
# comment

$NEW
" ztp-kexcheck -t 5
is "$rc" 1 "hosts from stdin"
like "$out" "2 hosts" "both read"
# --- each server behind a gateway: the same offer through the jump host ---
. "$TOP/tests/sshd.sh"
P_GW=$(free_port)
sshd_start gw "$P_GW" ed25519 "AllowTcpForwarding yes" "PasswordAuthentication no"
printf 'Host gw\n  HostName 127.0.0.1\n  Port %s\n  User root\n  IdentityFile %s\n  UserKnownHostsFile %s\n' \
	"$P_GW" "$T/client_key" "$T/kh" >"$T/gw.cfg"
OLD=${P_OLD:+127.0.0.1:$P_OLD}
run ztp-kexcheck -q -F "$T/gw.cfg" -J gw -t 5 -o json "$IOS" "$HW" "$NEW" $OLD
is "$rc" 1 "through the gateway: the same verdicts (exit 1)"
printf '%s\n' "$out" >"$T/gw.json"
direct=$(ztp-kexcheck -q -F /dev/null -t 5 -o json "$IOS" "$HW" "$NEW" $OLD)
for t in "$IOS" "$HW" "$NEW" $OLD; do
	is "$(printf '%s\n' "$out" | $PY -c "import json,sys; print([json.dumps(d['offer'], sort_keys=True) for d in map(json.loads, sys.stdin) if d['target']=='$t'])")" \
	   "$(printf '%s\n' "$direct" | $PY -c "import json,sys; print([json.dumps(d['offer'], sort_keys=True) for d in map(json.loads, sys.stdin) if d['target']=='$t'])")" \
	   "offer of $t through the gateway equals the direct one"
done
is "$(grep -c '"status": "ok"' "$T/gw.json")" "$(printf '%s\n' "$direct" | grep -c '"status": "ok"')" \
	"every host reached through the gateway"
done_testing
