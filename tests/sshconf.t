#!/bin/sh
# ssh_config semantics: for a set of config files and destinations, the
# values lib/sshconf computes equal what OpenSSH's `ssh -G` prints.
. "$(dirname "$0")/lib.sh"
command -v ssh >/dev/null || skip_all "OpenSSH client not installed"
H=$BUILD/tests/unit/h-sshconf
KEYS='hostname|port|user|identityfile|identitiesonly|proxyjump|proxycommand|connecttimeout|stricthostkeychecking|userknownhostsfile|serveraliveinterval'
ALGS='kexalgorithms|hostkeyalgorithms|pubkeyacceptedalgorithms|ciphers|macs'

mkdir -p "$T/inc"
cat >"$T/c1" <<EOF2
# the classic: a rack of routers behind a gateway
Host gw
    HostName 192.0.2.1
    User jump
Host r-* !r-bad*
    HostName %h.rack1.example
    User   admin
    Port=2222
    ProxyJump gw
    IdentityFile ~/.ssh/rack_%h
    IdentitiesOnly yes
Host *.example R-*
    ConnectTimeout 1m30s
Host *
    User nobody
    Port 22
    IdentityFile ~/.ssh/fallback
    StrictHostKeyChecking accept-new
    ServerAliveInterval 15
EOF2
cat >"$T/c2" <<EOF2
Match originalhost edge* user netops
    Port 830
Match host *.core.example
    User core
Host edge1
    HostName EDGE1.Core.Example
Match !host *.core.example all
    User other
Match localuser $(id -un)
    ConnectTimeout 5
Host *
    UserKnownHostsFile $T/kh_%h_%p_%r %d/known "$T/with space"
EOF2
cat >"$T/c3" <<EOF2
Include $T/inc/*.conf
Host x
  Include $T/inc/only-x.conf
Host *
  ProxyCommand nc -X connect -x proxy:3128 %h %p
  ProxyJump never-used
EOF2
cat >"$T/inc/10-a.conf" <<EOF2
Host a*
  User from-include
Host x
  ProxyJump none
EOF2
cat >"$T/inc/20-b.conf" <<EOF2
Host a1
  User too-late
  Port 2001
EOF2
cat >"$T/inc/only-x.conf" <<EOF2
Port 2022
EOF2
cat >"$T/c4" <<EOF2
Host j
  ProxyJump admin@gw1:2200,gw2
  ProxyCommand ignored %h
HOST K
  STRICTHOSTKEYCHECKING no
  CONNECTTIMEOUT 0
  KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1
  HostKeyAlgorithms ssh-rsa
  Ciphers aes128-ctr,aes256-ctr
  MACs hmac-sha1
  PubkeyAcceptedKeyTypes ssh-rsa,ssh-ed25519
Host *
  StrictHostKeyChecking yes
  IdentityFile ~/.ssh/a
  IdentityFile ~/.ssh/b
  IdentityFile ~/.ssh/a
EOF2

cat >"$T/c5" <<EOF2
  # indented comment
Host "q 1" q2   # trailing comment
	Port = 2201
	User	"quoted user"
Host q*
	HostName=%h.Q.example
	UserKnownHostsFile ~/kh_%n_%r %%literal
	ServerAliveInterval 1h
	IdentityFile "~/.ssh/with space"
EOF2

fails=0
n=0
check() { # check CONFIG [ssh options] HOST
	cfg=$1
	shift
	ssh -G -F "$T/$cfg" "$@" 2>/dev/null | grep -E "^($KEYS|$ALGS) " | sort >"$T/want"
	"$H" -F "$T/$cfg" "$@" 2>"$T/warn" | grep -E "^($KEYS) " | sort >"$T/got.all"
	# algorithm lists: compare only when written as full lists (no + - ^),
	# the ones the SSH algorithm layer does not rewrite
	"$H" -F "$T/$cfg" "$@" 2>/dev/null | grep -E "^($ALGS) [^-+^]" | sort >>"$T/got.all"
	sort "$T/got.all" >"$T/got"
	grep -E "^($ALGS) " "$T/want" | while read -r k v; do
		grep -q "^$k " "$T/got" || echo "$k default"
	done >"$T/defaults"
	# keywords left at OpenSSH's own default algorithm lists are not compared
	for k in $(cut -d' ' -f1 "$T/defaults"); do
		grep -v "^$k " "$T/want" >"$T/w2"; mv "$T/w2" "$T/want"
	done
	n=$((n + 1))
	if cmp -s "$T/want" "$T/got"; then
		ok 0 "ssh -G agrees: $cfg $*"
	else
		ok 1 "ssh -G agrees: $cfg $*"
		diff "$T/want" "$T/got" | sed 's/^/#   /'
	fi
}
for h in gw r-1 r-bad7 R-2 foo.example other 10.0.0.1; do check c1 "$h"; done
check c1 -l override -p 4000 r-1
for h in edge1 edge2 x.core.example y; do check c2 "$h"; done
check c2 -l netops edge7
for h in a1 a2 x b; do check c3 "$h"; done
for h in j K k z; do check c4 "$h"; done
for h in q2 q3; do check c5 "$h"; done
check c5 -l someone q3

# what OpenSSH refuses, we refuse; what ztp does not use, it says
for h in "q 1" 'x;reboot' '-oProxyCommand=x' 'a$(id)'; do
	run "$H" -F "$T/c5" -- "$h"
	like "$rc:$err" "2:h-sshconf: host name '$h' contains invalid characters" "host name '$h' refused"
	ssh -G -F "$T/c5" -- "$h" >/dev/null 2>&1 && ok 1 "OpenSSH accepts '$h'?" || ok 0 "OpenSSH refuses '$h' too"
done
printf 'Host x\n  Bogus yes\n' >"$T/bad"
run "$H" -F "$T/bad" x
is "$rc" 2 "an unknown keyword is an error, as in OpenSSH"
like "$err" "$T/bad: line 2: Bad configuration option: 'bogus'" "naming file and line"
printf 'IgnoreUnknown bog*\nHost x\n  Bogus yes\n  ForwardAgent yes\nMatch exec "true"\n  User e\n' >"$T/warn.conf"
run "$H" -F "$T/warn.conf" x
is "$rc" 0 "IgnoreUnknown, unused keywords and Match exec do not stop it"
like "$err" "$T/warn.conf:3: unknown keyword 'bogus' ignored (IgnoreUnknown)" "but IgnoreUnknown is said"
like "$err" "$T/warn.conf:4: note: 'forwardagent' concerns interactive sessions only: not used by ztp" \
	"an interactive-only keyword is a note with file:line"
like "$err" "$T/warn.conf:5: Match exec is refused by ztp" "Match exec is clearly refused"
unlike "$out" "user e" "and does not match"
printf 'Host x\n  ConnectionAttempts 3\n  Compression yes\n' >"$T/unused.conf"
run "$H" -F "$T/unused.conf" x
like "$err" "$T/unused.conf:2: ztp does not implement 'connectionattempts': ignored for this host" \
	"a keyword that changes the connection and is not implemented is a warning"
printf 'Host x\n  Port 70000\n' >"$T/port"
run "$H" -F "$T/port" x
like "$err" "line 2: bad port '70000'" "a bad value names file and line"
printf 'Include %s\n' "$T/loop" >"$T/loop"
run "$H" -F "$T/loop" x
like "$err" "Include nested too deeply" "an Include loop stops"
done_testing
