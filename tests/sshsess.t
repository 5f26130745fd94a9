#!/bin/sh
# SSH sessions through lib/sshsess against real OpenSSH servers: an old
# router's algorithms, a gateway, password and key auth, host key policy,
# and every failure class with a message an engineer can act on.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
C=$BUILD/tests/unit/h-sshconnect
LEGACY='diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1;ssh-rsa;aes128-ctr,aes256-ctr;hmac-sha1'
PGW=$(free_port); PDEV=$(free_port)
U=ztpt$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
printf 'wrong-%s\n' "$$" >"$T/badpw"
chmod 600 "$T/badpw"

sshd_start gw "$PGW" ed25519 "AllowTcpForwarding yes" "PasswordAuthentication no"
sshd_start dev "$PDEV" rsa "MaxStartups 64" \
	"KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" \
	"HostKeyAlgorithms ssh-rsa" "PubkeyAcceptedAlgorithms +ssh-rsa" \
	"Ciphers aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc" \
	"MACs hmac-sha1,hmac-sha1-96" "PasswordAuthentication yes"
KH=$T/known_hosts

run "$C" -k "$KH" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo hi"
like "$out" "FAIL negotiation 1:" "libssh defaults against an old router: negotiation failure"
like "$out" "SSH algorithm negotiation fails in: kex, hostkey, mac_c2s, mac_s2c" \
	"names every failing category, not only the first one libssh saw"
like "$out" "KexAlgorithms +diffie-hellman-group14-sha1" "and carries kexcheck's fix"

# under load the server may see no match first and close the connection
# before libssh compares the lists ("Socket error: Success"): the diagnosis
# must not depend on who noticed first
i=0 pids=
while [ $i -lt 16 ]; do
	"$C" -k "$KH" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo hi" >"$T/par.$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
nneg=$(grep -l "FAIL negotiation 1:.*SSH algorithm negotiation fails in: kex" "$T"/par.* | wc -l)
is "$nneg" 16 "16 parallel sessions: every one reported as a negotiation failure with the diagnosis"
[ "$nneg" = 16 ] || for f in "$T"/par.*; do grep -q "FAIL negotiation 1:.*fails in: kex" "$f" || head -3 "$f" | sed "s/^/# /"; done

run "$C" -k "$KH" -A "$LEGACY" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo direct-ok"
is "$out" "direct-ok" "full explicit legacy lists: connected with a password, command ran"
ok $(grep -q "^\[127.0.0.1\]:$PDEV ssh-rsa" "$KH" && echo 0 || echo 1) "accept-new recorded the host key"

run "$C" -k "$KH" -A "$LEGACY" -i "$T/client_key" -p "$T/pw" \
	-H "127.0.0.1:$PGW:root" -H "127.0.0.1:$PDEV:$U" "echo via-gw"
is "$out" "via-gw" "through the gateway: key on hop 1, password on hop 2"

run "$C" -k "$KH" -A "$LEGACY" -p "$T/badpw" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo second"
is "$out" "second" "wrong password first, then the right one"
run "$C" -k "$KH" -A "$LEGACY" -p "$T/badpw" -H "127.0.0.1:$PDEV:$U" "echo no"
like "$out" "FAIL auth 1: device 127.0.0.1 port $PDEV: authentication failed: tried password1 (password as '$U')" \
	"wrong password: auth failure naming what was tried"
unlike "$out" "$(cat "$T/badpw")" "the password itself is never printed"

# a changed host key is loud, with both fingerprints
old=$(ssh-keygen -lf "$T/dev/host_key.pub" | awk '{print $2}')
sshd_stop dev
rm -f "$T/dev/host_key" "$T/dev/host_key.pub"
sshd_start dev "$PDEV" rsa \
	"KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" \
	"HostKeyAlgorithms ssh-rsa" "Ciphers aes128-ctr" "MACs hmac-sha1" "PasswordAuthentication yes"
new=$(ssh-keygen -lf "$T/dev/host_key.pub" | awk '{print $2}')
run "$C" -k "$KH" -A "$LEGACY" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo no"
like "$out" "FAIL hostkey-changed 1:" "changed host key refused"
like "$out" "knows ssh-rsa $old, the server now shows ssh-rsa $new" "naming the old and the new fingerprint"
like "$out" "ssh-keygen -R '[127.0.0.1]:$PDEV' -f $KH" "and how to clear the old key"

# devices share rack addresses: a record id as host key alias keeps them apart
run "$C" -k "$KH" -a 0c-d9-96-aa-bb-cc -A "$LEGACY" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo alias-ok"
is "$out" "alias-ok" "a new device at a known address is fine under its own id"
ok $(grep -q "^\[0c-d9-96-aa-bb-cc\]:$PDEV " "$KH" && echo 0 || echo 1) "its key is stored under the id"

run "$C" -k "$T/empty_kh" -P strict -A "$LEGACY" -p "$T/pw" -H "127.0.0.1:$PDEV:$U" "echo no"
like "$out" "FAIL hostkey-unknown 1:" "strict policy refuses an unknown key"
like "$out" "ssh-rsa SHA256:" "showing its fingerprint"

# reachability classes
PCLOSED=$(free_port)
run "$C" -k "$KH" -p "$T/pw" -H "127.0.0.1:$PCLOSED:$U" "true"
like "$out" "FAIL refused 1: device 127.0.0.1 port $PCLOSED: connection refused" "refused"
run "$C" -k "$KH" -i "$T/client_key" -p "$T/pw" -H "127.0.0.1:$PGW:root" -H "127.0.0.1:$PCLOSED:$U" "true"
like "$out" "FAIL refused 2: hop 2 of 2, device 127.0.0.1 port $PCLOSED: the previous hop cannot open a connection to it" \
	"refused behind the gateway: says which hop"

PJUNK=$(free_port)
/usr/bin/python3 - "$PJUNK" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
while True:
    c, _ = s.accept(); c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n"); c.close()
PY
bg_pid $!
wait_port "$PJUNK"
run "$C" -k "$KH" -p "$T/pw" -H "127.0.0.1:$PJUNK:$U" "true"
like "$out" "FAIL not-ssh 1:" "an HTTP server is not SSH"

PSILENT=$(free_port)
/usr/bin/python3 - "$PSILENT" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
time.sleep(600)
PY
bg_pid $!
wait_port "$PSILENT"
run "$C" -t 2 -k "$KH" -p "$T/pw" -H "127.0.0.1:$PSILENT:$U" "true"
like "$out" "FAIL timeout 1:" "a server that never speaks times out"
like "$out" "PHASE banner" "and the failure says what did not come: the banner"

# a server that drops new connections says so before its banner
PBUSY=$(free_port)
sshd_start busy "$PBUSY" ed25519 "MaxStartups 1:100:1"
/usr/bin/python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.recv(100); time.sleep(60)' "$PBUSY" &
bg_pid $!
sleep 0.5
run "$C" -k "$KH" -i "$T/client_key" -H "127.0.0.1:$PBUSY:root" "true"
like "$out" "FAIL closed 1: device 127.0.0.1 port $PBUSY: the server refused a new connection: 'Exceeded MaxStartups'" \
	"sshd's MaxStartups drop is a busy server, not a non-SSH service"

PNOFWD=$(free_port)
sshd_start nofwd "$PNOFWD" ed25519 "AllowTcpForwarding no" "PasswordAuthentication no"
run "$C" -k "$KH" -i "$T/client_key" -p "$T/pw" -H "127.0.0.1:$PNOFWD:root" -H "127.0.0.1:$PDEV:$U" "true"
like "$out" "FAIL forward-denied 2:" "a gateway without forwarding is named as such"
like "$out" "AllowTcpForwarding" "with the sshd_config line to check"
done_testing
