#!/bin/sh
# The incident, end to end: an old router (SHA-1 kex, ssh-rsa, hmac-sha1),
# ssh_config lines that re-enable those algorithms are honoured (not
# silently ignored), ztp.yml settings layer over them with a documented
# precedence, the fix kexcheck prints makes a real libssh connection work,
# and all of it through a jump host too.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
R=$BUILD/tests/unit/h-sshrun
PGW=$(free_port); PDEV=$(free_port)
U=ztps$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
sshd_start gw "$PGW" ed25519 "AllowTcpForwarding yes" "PasswordAuthentication no"
sshd_start dev "$PDEV" rsa \
	"KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" \
	"HostKeyAlgorithms ssh-rsa" "Ciphers aes128-ctr,aes256-ctr,aes128-cbc" \
	"MACs hmac-sha1" "PasswordAuthentication yes"
mkdir -p "$T/spool"
printf 'credentials:\n- {name: factory, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
printf 'spool: %s\nsecrets: %s\n' "$T/spool" "$T/secrets.yml" >"$T/ztp.yml"
cat >"$T/plain.cfg" <<EOF2
Host r1
  HostName 127.0.0.1
  Port $PDEV
Host gw
  HostName 127.0.0.1
  Port $PGW
  User root
  IdentityFile $T/client_key
Host *
  UserKnownHostsFile $T/known_hosts
EOF2

# 1. what broke in the incident: libssh defaults against the old router
run ztp-kexcheck -q -F "$T/plain.cfg" r1
is "$rc" 1 "defaults: not negotiable (exit 1)"
like "$out" "KexAlgorithms +diffie-hellman-group14-sha1" "kexcheck prints the kex fix"
like "$out" "HostKeyAlgorithms +ssh-rsa" "the host key fix"
like "$out" "MACs +hmac-sha1" "the MAC fix"
run "$R" -c "$T/ztp.yml" -F "$T/plain.cfg" r1 "echo no"
like "$out" "FAIL negotiation 1: device 'r1' (127.0.0.1 port $PDEV): SSH algorithm negotiation fails in: kex, hostkey, mac_c2s, mac_s2c" \
	"a real connection fails on negotiation, naming every failing category (libssh names one)"
like "$out" "KexAlgorithms +diffie-hellman-group14-sha1" "and carries the full diagnosis with the fix"

# 2. the fix applied as an ssh_config Host block is honoured
echo "$out" >/dev/null
ztp-kexcheck -q -F "$T/plain.cfg" r1 | sed -n '/fix, in .*config/,/or once:/p' | sed '1d;$d; s/^ *//' >"$T/fix.cfg"
diag "fix block: $(tr '\n' '|' <"$T/fix.cfg")"
cat "$T/fix.cfg" "$T/plain.cfg" >"$T/fixed.cfg"
run ztp-kexcheck -q -F "$T/fixed.cfg" r1
is "$rc" 0 "with the printed Host block: negotiable (exit 0)"
run "$R" -c "$T/ztp.yml" -F "$T/fixed.cfg" r1 "echo fixed-ok"
is "$out" "fixed-ok" "and a real libssh connection and command succeed"

# the Huawei-like box (group exchange with SHA-1 only, hmac-sha1 only): its
# printed fix, applied as a Host block, makes a real login work too
PHW=$(free_port)
sshd_start hw "$PHW" rsa "KexAlgorithms diffie-hellman-group-exchange-sha1" \
	"HostKeyAlgorithms rsa-sha2-256,ssh-rsa" "Ciphers aes128-ctr,aes256-ctr" "MACs hmac-sha1" \
	"PasswordAuthentication yes"
printf 'Host hw\n  HostName 127.0.0.1\n  Port %s\n  UserKnownHostsFile %s/known_hosts\n' "$PHW" "$T" >"$T/hw.cfg"
run ztp-kexcheck -q -F "$T/hw.cfg" hw
is "$rc" 1 "Huawei-like: not negotiable with the defaults"
ztp-kexcheck -q -F "$T/hw.cfg" hw | sed -n '/fix, in .*config/,/or once:/p' | sed '1d;$d; s/^ *//' | cat - "$T/hw.cfg" >"$T/hwfixed.cfg"
run "$R" -c "$T/ztp.yml" -F "$T/hwfixed.cfg" hw "echo hw-ok"
is "$out" "hw-ok" "Huawei-like with its printed fix: real login and command (gex-sha1, hmac-sha1)"

# 3. -G shows full lists, and where they came from
run ztp-kexcheck -v -G -F "$T/fixed.cfg" r1
like "$out" "hostname 127.0.0.1" "-G: hostname from ssh_config"
like "$out" "port $PDEV" "-G: port from ssh_config"
like "$out" "kexalgorithms curve25519-sha256" "-G: kex is a full list (libssh defaults first)"
like "$out" "diffie-hellman-group14-sha1" "-G: with the appended algorithm"
like "$out" "#   from $T/fixed.cfg:2" "-G -v: says which line set it"

# 4. precedence: command line > devices > platforms > racks > ssh > ssh_config
cat >"$T/layers.yml" <<EOF2
spool: $T/spool
secrets: $T/secrets.yml
ssh:
  kex_algorithms: "+diffie-hellman-group-exchange-sha1"
  hostkey_algorithms: "+ssh-rsa"
  macs: "+hmac-sha1"
racks:
  rack1:
    ssh: {kex_algorithms: "diffie-hellman-group14-sha1"}
platforms:
  cisco_ios:
    ssh: {kex_algorithms: "+diffie-hellman-group14-sha1"}
devices:
  r-7:
    ssh: {kex_algorithms: "ecdh-sha2-nistp256,diffie-hellman-group14-sha1"}
EOF2
kexg() { ztp-kexcheck -q -c "$T/layers.yml" -F "$T/plain.cfg" "$@" -G 2>&1 | sed -n 's/^kexalgorithms //p'; }
is "$(printf '{"id": "x", "ip": "r1"}\n' | kexg)" \
	"$(ztp-kexcheck -q -F /dev/null --kex +diffie-hellman-group-exchange-sha1 -G r1 | sed -n 's/^kexalgorithms //p')" \
	"ssh: applies when nothing more specific does"
is "$(printf '{"id": "x", "ip": "r1", "rack": "rack1"}\n' | kexg)" "diffie-hellman-group14-sha1" \
	"racks.<rack>.ssh wins over ssh:"
is "$(printf '{"id": "x", "ip": "r1", "rack": "rack1", "platform": "cisco_ios"}\n' | kexg | grep -c 'curve25519-sha256,.*diffie-hellman-group14-sha1$')" 1 \
	"platforms.<platform>.ssh wins over racks"
is "$(printf '{"id": "r-7", "ip": "r1", "rack": "rack1", "platform": "cisco_ios"}\n' | kexg)" \
	"ecdh-sha2-nistp256,diffie-hellman-group14-sha1" "devices.<id>.ssh wins over platforms"
is "$(printf '{"id": "r-7", "ip": "r1", "rack": "rack1"}\n' | kexg --kex diffie-hellman-group-exchange-sha1)" \
	"diffie-hellman-group-exchange-sha1" "the command line wins over everything"
run "$R" -c "$T/layers.yml" -F "$T/plain.cfg" -r rack1 r1 "echo layered-ok"
is "$out" "layered-ok" "ztp.yml layers make a real connection work"

run ztp-kexcheck -c "$T/layers.yml" -T
like "$out" "kex_algorithms: +diffie-hellman-group-exchange-sha1" "-T prints the effective configuration"
unlike "$out" "$(cat "$T/pw")" "and never a secret"

# a bad ztp.yml ssh section is refused with file, line and key
printf 'spool: %s\ndevices:\n  r-7:\n    ssh:\n      kex_algoritms: x\n' "$T/spool" >"$T/bad.yml"
run ztp-kexcheck -c "$T/bad.yml" r1
is "$rc" 2 "bad ztp.yml: exit 2"
like "$err" "bad.yml: line 5: unknown key 'kex_algoritms' in 'devices.r-7.ssh' (did you mean 'kex_algorithms'?)" \
	"names file, line, key and the likely fix"

# 5. through the gateway: scan and connect with the jump inside the process
run ztp-kexcheck -q -F "$T/fixed.cfg" -J gw r1
is "$rc" 0 "kexcheck through the jump host: negotiable"
like "$out" "r1 (127.0.0.1:$PDEV)" "reports where r1 really went"
run ztp-kexcheck -q -F "$T/plain.cfg" -J gw -o json r1
like "$out" '"offer": {"kex": ["diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"' \
	"the offer read through the gateway is the device's"
PCLOSED=$(free_port)
run ztp-kexcheck -q -F "$T/fixed.cfg" -J gw r1 "127.0.0.1:$PCLOSED"
is "$rc" 75 "one device refused behind the gateway: exit 75 when nothing else is wrong"
like "$out" "through jump host" "the refused one is reported through the gateway"
run "$R" -c "$T/ztp.yml" -F "$T/fixed.cfg" -J gw r1 "echo via-jump"
is "$out" "via-jump" "connect and run through the jump host, settings from ssh_config"
printf 'Host r1\n  ProxyJump gw\n' | cat - "$T/fixed.cfg" >"$T/pj.cfg"
run "$R" -c "$T/ztp.yml" -F "$T/pj.cfg" r1 "echo via-proxyjump"
is "$out" "via-proxyjump" "ProxyJump from ssh_config, handled inside the process"
run ztp-kexcheck -G -F "$T/pj.cfg" r1
like "$out" "jumphost 1 root@127.0.0.1:$PGW" "-G shows the resolved jump host"
run "$R" -c "$T/ztp.yml" -F "$T/pj.cfg" r1 "echo no" </dev/null
run "$R" -c "$T/ztp.yml" -F "$T/plain.cfg" -J gw r1 "echo no"
like "$out" "FAIL negotiation 2: hop 2 of 2" "negotiation failure behind the gateway: says which hop"
like "$out" "MACs +hmac-sha1" "and the diagnosis is read through the gateway too"

# ProxyCommand from ssh_config is run, not ignored (tokens expanded)
printf 'Host r1\n  ProxyCommand socat - TCP:%%h:%%p\n' | cat - "$T/fixed.cfg" >"$T/pc.cfg"
run "$R" -c "$T/ztp.yml" -F "$T/pc.cfg" r1 "echo via-proxycommand"
is "$out" "via-proxycommand" "ProxyCommand (socat) carries the connection"
run ztp-kexcheck -q -F "$T/pc.cfg" r1
is "$rc" 0 "kexcheck scans through the ProxyCommand too"
printf 'Host r1\n  ProxyCommand exit 3\n' | cat - "$T/fixed.cfg" >"$T/pcbad.cfg"
run "$R" -c "$T/ztp.yml" -F "$T/pcbad.cfg" r1 "echo no"
like "$out" "FAIL closed 1:" "a ProxyCommand that dies is a closed connection, not a hang"

# 6. every hop: key (above), agent, password; chains of two gateways
PGW2=$(free_port)
sshd_start gw2 "$PGW2" ecdsa "AllowTcpForwarding yes" "PasswordAuthentication yes"
cat >>"$T/fixed.cfg" <<EOF2
Host gw2
  HostName 127.0.0.1
  Port $PGW2
  User $U
  IdentitiesOnly yes
EOF2
printf 'spool: %s\nsecrets: %s\nssh:\n  jump_credentials: [factory]\n' "$T/spool" "$T/secrets.yml" >"$T/jump.yml"
run "$R" -c "$T/ztp.yml" -F "$T/fixed.cfg" -J gw2 r1 "echo pw-jump"
like "$out" "jump host uses its ssh_config IdentityFile, ~/.ssh/id_* and the agent, and the secrets file's credential sets named in ssh.jump_credentials" \
	"a jump host without credentials: the failure says where they come from"
run "$R" -c "$T/jump.yml" -F "$T/fixed.cfg" -J gw2 r1 "echo pw-jump"
is "$out" "pw-jump" "password authentication on the jump host (jump_credentials)"
run "$R" -c "$T/jump.yml" -F "$T/fixed.cfg" -J gw,gw2 r1 "echo two-jumps"
is "$out" "two-jumps" "a chain of two jump hosts: key on the first, password on the second"
ssh-agent -D -a "$T/agent.sock" >/dev/null 2>&1 &
bg_pid $!
i=0; while [ ! -S "$T/agent.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
SSH_AUTH_SOCK=$T/agent.sock ssh-add -q "$T/client_key" 2>/dev/null
sed 's|^  IdentityFile .*client_key$||' "$T/fixed.cfg" >"$T/agent.cfg"
run env SSH_AUTH_SOCK="$T/agent.sock" "$R" -c "$T/ztp.yml" -F "$T/agent.cfg" -J gw r1 "echo agent-jump"
is "$out" "agent-jump" "agent authentication on the jump host"
run env SSH_AUTH_SOCK= "$R" -c "$T/ztp.yml" -F "$T/agent.cfg" -J gw r1 "echo no"
like "$out" "FAIL auth 1: hop 1 of 2, jump host 'gw'" "without the agent the jump host refuses, and it says which hop"
done_testing
