#!/bin/sh
# ztp-kexcheck --deep: the group-exchange sizes and the host key size that
# the offer cannot show, measured on the wire, checked against what the
# server really holds (the moduli file, ssh-keygen -lf of the host key)
# and against what the real OpenSSH client of this machine does with the
# same server.  Real sshd for what sshd can be made to do; for what it
# refuses to do (a 1024-bit group to a client asking 2048, a 768-bit RSA
# key) tests/kexdeep-server.py plays the old device, far enough for the
# real client to judge the group or the key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
command -v ssh >/dev/null || skip_all "no ssh (openssh-client)"
PY=/usr/bin/python3
SSHV=$(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([0-9]*\.[0-9]*\).*/\1/p')
OSSH=openssh-$SSHV
diag "real client: $OSSH"

real_ssh() { # PORT [ssh -o options...]: 0 when the login works
	_p=$1
	shift
	timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o ConnectTimeout=10 \
		-i "$T/client_key" "$@" -p "$_p" root@127.0.0.1 true >"$T/ssh.out" 2>&1
}
# jget FILE PATH: a field of the first JSON line ("deep/gex/min2048/bits")
jget() {
	$PY -c 'import json,sys
d=json.loads(open(sys.argv[1]).readline())
for k in sys.argv[2].split("/"):
    d=d.get(k, "") if isinstance(d, dict) else ""
print(d)' "$@"
}

# ---- old devices (tests/kexdeep-server.py) --------------------------------
sshd_client_key
for m in gex1024 rsa768 gexshut gexsilent gexbad; do
	$PY "$(dirname "$0")/kexdeep-server.py" "$T" "$m" 2>"$T/$m.err" &
	bg_pid $!
done
for m in gex1024 rsa768 gexshut gexsilent gexbad; do
	i=0
	while [ ! -e "$T/$m.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$T/$m.port" ] || skip_all "kexdeep-server.py $m did not start: $(cat "$T/$m.err")"
done
P_G1=$(cat "$T/gex1024.port") P_R7=$(cat "$T/rsa768.port") P_GS=$(cat "$T/gexshut.port")

# a device that answers every group request with 1024 bits
run ztp-kexcheck --deep -t 5 -o json "127.0.0.1:$P_G1"
printf '%s\n' "$out" >"$T/g1.json"
is "$(jget "$T/g1.json" deep/gex/min2048/bits)" 1024 "gex1024: the group sent for min 2048 is 1024 bits"
is "$(jget "$T/g1.json" deep/gex/min1024/bits)" 1024 "gex1024: and for min 1024"
is "$(jget "$T/g1.json" deep/hostkey/bits)" 2048 "gex1024: its host key is 2048 bits (through the group exchange)"
is "$rc" 1 "gex1024: exit 1 (the fix for libssh is not enough)"
run ztp-kexcheck --deep -t 5 "127.0.0.1:$P_G1"
like "$out" "asked min 2048 n 2048 max 8192: 1024-bit group (BELOW the minimum asked)" "gex1024: text names the size"
like "$out" "the fix above is NOT ENOUGH" "gex1024: says the algorithm fix does not help"

# the real client, with the algorithm change that the offer alone calls enough
real_ssh "$P_G1" -o KexAlgorithms=+diffie-hellman-group-exchange-sha1
ssh_rc=$?
ok "$([ $ssh_rc -ne 0 ] && echo 0 || echo 1)" "gex1024: real ssh with +diffie-hellman-group-exchange-sha1 fails"
like "$(cat "$T/ssh.out")" "DH GEX group out of range" "gex1024: real ssh says the group is out of range"
run ztp-kexcheck --deep -t 5 -o json --client "$OSSH" "127.0.0.1:$P_G1"
printf '%s\n' "$out" >"$T/g1c.json"
is "$(jget "$T/g1c.json" "clients/$OSSH/verdict")" cannot "gex1024: $OSSH verdict is cannot, as the real client"
like "$(jget "$T/g1c.json" "clients/$OSSH/why")" "with a 1024-bit group" "gex1024: why names the group size"
# without --deep the offer alone says a change is enough: that is what --deep is for
run ztp-kexcheck -t 5 -o json --client "$OSSH" "127.0.0.1:$P_G1"
printf '%s\n' "$out" >"$T/g1n.json"
is "$(jget "$T/g1n.json" "clients/$OSSH/verdict")" change "gex1024: without --deep the offer says 'change'"

# the device-side fix: the platform from the banner (Cisco-1.25), or from
# the record, which wins
run ztp-kexcheck --deep -t 5 --client "$OSSH" "127.0.0.1:$P_G1"
like "$out" "    on the device (Cisco IOS/IOS-XE):
      configure terminal
      ip ssh server algorithm kex ecdh-sha2-nistp256" "gex1024: the IOS commands (platform from the banner)"
like "$out" "      ip ssh dh min size 2048" "gex1024: with the group-exchange minimum the client asks"
like "$out" "(platform from the SSH banner: check it)" "gex1024: says the platform is a guess from the banner"
run_in '{"id": "r1", "ip": "127.0.0.1", "platform": "huawei_vrp"}
' ztp-kexcheck -p "$P_G1" --deep -t 5 --client "$OSSH"
like "$out" "    on the device (Huawei VRP):
      system-view" "record with platform huawei_vrp: the VRP commands"
like "$out" "      ssh server dh-exchange min-len 2048" "record: the VRP group-exchange minimum"
unlike "$out" "from the SSH banner" "record: the platform is not a guess"
run_in '{"id": "r1", "ip": "127.0.0.1", "platform": "huawei_vrp"}
' ztp-kexcheck -p "$P_G1" --deep -t 5 -o json --client "$OSSH"
printf '%s\n' "$out" >"$T/vrp.json"
like "$(jget "$T/vrp.json" "clients/$OSSH/device")" "ssh server dh-exchange min-len 2048" "record, JSON: the commands under device"

# the real paramiko of this machine (Debian's 2.12: min 1024) takes the
# 1024-bit group and fails only later, on the stand-in's signature.  (Its
# check of the group is fixed at 1024..8192 bits whatever min_bits says:
# whether paramiko 5's is tied to its new min_bits 2048 cannot be run here.)
if PMV=$($PY -c 'import paramiko; print(paramiko.__version__)' 2>/dev/null); then
	PMK=paramiko-$(printf %s "$PMV" | cut -d. -f1,2)
	pm=$(timeout 20 $PY "$TOP/tests/paramiko-neg.py" "$P_G1" 2>&1)
	unlike "$pm" "out of range" "gex1024: real $PMK accepts the 1024-bit group (it fails later, on the stand-in's signature)"
	like "$pm" "Signature verification" "gex1024: real $PMK got as far as the signature"
	run ztp-kexcheck --deep -t 5 -o json --client "$PMK" "127.0.0.1:$P_G1"
	printf '%s\n' "$out" >"$T/pm.json"
	is "$(jget "$T/pm.json" "clients/$PMK/verdict")" connects "gex1024: $PMK verdict connects (it asks min 1024)"
else
	diag "no python3-paramiko: the paramiko checks are skipped"
fi

# a device that refuses a request for 2048 bits
run ztp-kexcheck --deep -t 5 -o json "127.0.0.1:$P_GS"
printf '%s\n' "$out" >"$T/gs.json"
like "$(jget "$T/gs.json" deep/gex/min2048/refused)" "disconnected after the group-exchange request (reason 3): no group of that size" \
	"gexshut: the refusal is reported with the server's words"
is "$(jget "$T/gs.json" deep/gex/min1024/bits)" 1024 "gexshut: a min 1024 request gets 1024 bits"

# hostile: no answer to the request (bounded by -t), a malformed group
P_SI=$(cat "$T/gexsilent.port") P_BD=$(cat "$T/gexbad.port")
run ztp-kexcheck --deep -t 2 -o json "127.0.0.1:$P_SI"
printf '%s\n' "$out" >"$T/si.json"
like "$(jget "$T/si.json" deep/gex/min2048/refused)" "timed out after 2.0 s after the group-exchange request" \
	"gexsilent: the deadline bounds the wait, and says where"
run ztp-kexcheck --deep -t 2 -o json "127.0.0.1:$P_BD"
printf '%s\n' "$out" >"$T/bd.json"
is "$(jget "$T/bd.json" deep/gex/min2048/refused)" "malformed KEX_DH_GEX_GROUP" "gexbad: a malformed group is named, not measured"
like "$(jget "$T/bd.json" deep/hostkey/error)" "malformed" "gexbad: a malformed host key reply is named"

# a 768-bit RSA host key
run ztp-kexcheck --deep -t 5 -o json --client "$OSSH" "127.0.0.1:$P_R7"
printf '%s\n' "$out" >"$T/r7.json"
is "$(jget "$T/r7.json" deep/hostkey/bits)" 768 "rsa768: the host key is 768 bits"
is "$(jget "$T/r7.json" deep/hostkey/type)" ssh-rsa "rsa768: of type ssh-rsa"
is "$(jget "$T/r7.json" "clients/$OSSH/verdict")" cannot "rsa768: $OSSH verdict is cannot"
is "$rc" 1 "rsa768: exit 1"
real_ssh "$P_R7"
ssh_rc=$?
ok "$([ $ssh_rc -ne 0 ] && echo 0 || echo 1)" "rsa768: real ssh fails"
like "$(cat "$T/ssh.out")" "nvalid key length" "rsa768: real ssh rejects the key's length"
run ztp-kexcheck --deep -t 5 "127.0.0.1:$P_R7"
like "$out" "  on the device (Cisco IOS/IOS-XE):
    configure terminal
    crypto key generate rsa modulus 2048
    end" "rsa768, without --client: the new key, on the device"

# ---- real sshd -----------------------------------------------------------------
# moduli files: 3072-bit groups only (from this machine's), and 1024-bit
# only (RFC 2409 group 2, the size of old devices' groups)
grep -E '^[0-9]+ 2 [0-9]+ [0-9]+ 3071 ' /etc/ssh/moduli | head -3 >"$T/moduli-3072"
[ -s "$T/moduli-3072" ] || skip_all "no 3072-bit groups in /etc/ssh/moduli"
printf '%s\n' "20260101000000 2 6 100 1023 2 FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF" >"$T/moduli-1024"
mkdir -p "$T/rsa1024" "$T/g3072"
ssh-keygen -q -t rsa -b 1024 -N '' -f "$T/rsa1024/host_key" || skip_all "ssh-keygen cannot make a 1024-bit RSA key"
P_3K=$(free_port) P_1K=$(free_port) P_R1=$(free_port) P_R3=$(free_port)
sshd_start g3072 "$P_3K" rsa "KexAlgorithms diffie-hellman-group-exchange-sha1" "ModuliFile $T/moduli-3072" || exit 1
sshd_start g1024 "$P_1K" rsa "KexAlgorithms diffie-hellman-group-exchange-sha1" "ModuliFile $T/moduli-1024" || exit 1
sshd_start rsa1024 "$P_R1" rsa "HostKeyAlgorithms rsa-sha2-256,rsa-sha2-512" || exit 1
sshd_start rsa3072 "$P_R3" rsa "HostKeyAlgorithms rsa-sha2-256,rsa-sha2-512" || exit 1

run ztp-kexcheck --deep -t 10 -o json "127.0.0.1:$P_3K"
printf '%s\n' "$out" >"$T/3k.json"
is "$(jget "$T/3k.json" deep/gex/min2048/bits)" 3072 "sshd, 3072-bit moduli: the group for min 2048 is what the file holds"
is "$(jget "$T/3k.json" deep/gex/min1024/bits)" 3072 "sshd, 3072-bit moduli: and for min 1024"
real_ssh "$P_3K" -o KexAlgorithms=+diffie-hellman-group-exchange-sha1
is "$?" 0 "sshd, 3072-bit moduli: the real client connects with the algorithm change"
run ztp-kexcheck --deep -t 10 -o json --client "$OSSH" "127.0.0.1:$P_3K"
printf '%s\n' "$out" >"$T/3kc.json"
is "$(jget "$T/3kc.json" "clients/$OSSH/verdict")" change "sshd, 3072-bit moduli: $OSSH verdict stays 'change'"

# OpenSSH's sshd never goes below 2048 bits (DH_GRP_MIN): with only
# 1024-bit groups it falls back to a built-in group, and says so in its log
run ztp-kexcheck --deep -t 10 -o json "127.0.0.1:$P_1K"
printf '%s\n' "$out" >"$T/1k.json"
b=$(jget "$T/1k.json" deep/gex/min1024/bits)
ok "$([ "${b:-0}" -ge 2048 ] && echo 0 || echo 1)" "sshd, 1024-bit moduli: a min 1024 request still gets $b bits (sshd's own minimum)"
like "$(cat "$T/g1024/log")" "no suitable primes" "sshd, 1024-bit moduli: sshd fell back (its log)"

# host keys: the size reported is what ssh-keygen -lf says of the key
for k in rsa1024 rsa3072; do
	case $k in rsa1024) p=$P_R1 ;; *) p=$P_R3 ;; esac
	want=$(ssh-keygen -lf "$T/$k/host_key.pub" | cut -d' ' -f1)
	run ztp-kexcheck --deep -t 10 -o json --client "$OSSH" "127.0.0.1:$p"
	printf '%s\n' "$out" >"$T/$k.json"
	is "$(jget "$T/$k.json" deep/hostkey/bits)" "$want" "$k: host key bits as ssh-keygen -lf says ($want)"
	is "$(jget "$T/$k.json" deep/hostkey/type)" ssh-rsa "$k: type ssh-rsa"
	is "$(jget "$T/$k.json" "clients/$OSSH/verdict")" connects "$k: $OSSH connects"
	real_ssh "$p"
	is "$?" 0 "$k: and the real client does"
done
like "$(jget "$T/rsa1024.json" "clients/$OSSH/notes")" "has 1024 bits (measured): accepted, but clients that ask 2048 (RequiredRSASize 2048" \
	"rsa1024: the note names the clients that refuse it"
real_ssh "$P_R1" -o RequiredRSASize=2048
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "rsa1024: the real client with RequiredRSASize 2048 refuses it"
real_ssh "$P_R3" -o RequiredRSASize=2048
is "$?" 0 "rsa3072: the real client with RequiredRSASize 2048 connects"

# ---- --replay --deep: the saved measurements, and old files ------------------
ztp-kexcheck --deep -t 5 -o json "127.0.0.1:$P_G1" "127.0.0.1:$P_R7" >"$T/offers.json"
run ztp-kexcheck --replay "$T/offers.json" --deep -o json --client "$OSSH"
printf '%s\n' "$out" >"$T/rp.json"
is "$(jget "$T/rp.json" "clients/$OSSH/verdict")" cannot "replay --deep: the saved group size gives the live verdict"
is "$rc" 1 "replay --deep: exit 1"
run ztp-kexcheck --replay "$T/offers.json" -o json --client "$OSSH"
printf '%s\n' "$out" >"$T/rpn.json"
is "$(jget "$T/rpn.json" "clients/$OSSH/verdict")" change "replay without --deep: the offer alone"
run ztp-kexcheck --replay "$T/offers.json" --deep
like "$out" "1024-bit group (BELOW the minimum asked)" "replay --deep, text: the saved measurement"
like "$out" "already not negotiable" "replay --deep, text: the gex device is not negotiable"
# an offers file saved before --deep existed still loads
ztp-kexcheck -t 5 -o json "127.0.0.1:$P_R7" >"$T/old.json"
run ztp-kexcheck --replay "$T/old.json" --deep -o json --client "$OSSH"
printf '%s\n' "$out" >"$T/rpo.json"
is "$(jget "$T/rpo.json" "clients/$OSSH/verdict")" connects "replay --deep of an old file: loads, verdict from the offer"
like "$err" "1 device without --deep measurements" "replay --deep of an old file: says there is nothing measured"
# a bad "deep" is a data error, not a wrong verdict
sed 's/"bits": 768/"bits": "many"/' "$T/offers.json" >"$T/bad.json"
run ztp-kexcheck --replay "$T/bad.json" --deep --client "$OSSH"
like "$err" "bad \"deep\"" "replay --deep: a malformed measurement is named"
is "$rc" 2 "replay --deep: exit 2 for it"

done_testing
