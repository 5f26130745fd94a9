#!/bin/sh
# ztp-kexcheck --client with -F: every ssh_config line a client does not
# read, with file:line, why, and what the client reads instead.  Real
# ssh_config files: this machine's /etc/ssh/ssh_config, and a user file
# with the fix ztp-kexcheck prints (+ lists).  What libssh 0.10 does with
# a '+' list is checked against the real library (tests/unit/h-libsshkex,
# which hands the list to ssh_options_set as libssh's config reader does).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
P_IOS=$(free_port) P_NEW=$(free_port)
sshd_start ios "$P_IOS" rsa "KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" \
	"HostKeyAlgorithms ssh-rsa" "Ciphers aes128-ctr,aes128-cbc" "MACs hmac-sha1" || exit 1
sshd_start modern "$P_NEW" ed25519 "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org" || exit 1
IOS=127.0.0.1:$P_IOS

# ---- this machine's /etc/ssh/ssh_config, as netmiko reads it
SYS=/etc/ssh/ssh_config
if [ -r "$SYS" ]; then
	run ztp-kexcheck -F "$SYS" --client netmiko-4.6 "$IOS"
	# the lines netmiko does not read, by the file itself
	want=$(awk 'tolower($1) !~ /^(#|host|match|include|proxycommand|proxyjump|hostname|port|user|identityfile)/ && NF { print NR }' "$SYS" | tr '\n' ' ')
	got=$(printf '%s\n' "$out" | sed -n "s|^  $SYS:\([0-9]*\): .*not read by netmiko-4.6: .*|\1|p" | tr '\n' ' ')
	is "$got" "$want" "$SYS: every line netmiko does not read is named with its line ($want)"
	if [ -n "$want" ]; then
		n=$(echo $want | wc -w)
		like "$out" "$n line$([ "$n" = 1 ] || echo s) of ssh_config not read by netmiko-4.6:" "$SYS: counted"
	fi
	run ztp-kexcheck -F "$SYS" --client openssh-9.2 "$IOS"
	unlike "$out" "not read by" "$SYS: OpenSSH reads every line"
fi

# ---- a user file with the fix as printed for OpenSSH, and an Include
mkdir -p "$T/ssh"
cat >"$T/ssh/config" <<EOF
# the rack's legacy routers
Host 127.0.0.1
    User admin
    KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1
    HostKeyAlgorithms +ssh-rsa
    MACs=+hmac-sha1
    ConnectTimeout 10
Include $T/ssh/extra.conf
EOF
printf 'Host *\n    Ciphers -aes128-cbc\n    ServerAliveInterval 30\n' >"$T/ssh/extra.conf"
C=$T/ssh/config X=$T/ssh/extra.conf
run ztp-kexcheck -F "$C" --client netmiko-4.6,paramiko-3.5,libssh-0.10,libssh-0.11,openssh-9.2 "$IOS"
like "$out" "$C:4: KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1: not read by netmiko-4.6: netmiko reads only ProxyCommand, ProxyJump, HostName, Port, User and IdentityFile; instead: ConnectHandler(disabled_algorithms=...) only removes" \
	"netmiko: the KexAlgorithms line, why, and what it reads instead"
like "$(printf '%s\n' "$out" | grep "$C:7: ConnectTimeout 10: not read by netmiko-4.6")" "instead: ConnectHandler(conn_timeout=...)" \
	"netmiko: ConnectTimeout and its ConnectHandler argument"
like "$out" "$X:3: ServerAliveInterval 30: not read by netmiko-4.6" "netmiko: a line of the included file, with its own file:line"
unlike "$out" "$C:3: User admin: not read by netmiko" "netmiko reads User"
like "$out" "$C:4: KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1: not read by paramiko-3.5: paramiko's SSHClient reads no ssh_config" \
	"paramiko: reads no ssh_config"
like "$out" "instead: nothing: paramiko has no KexAlgorithms (or like) option" "paramiko: no KexAlgorithms option at all"
like "$(printf '%s\n' "$out" | grep "$C:3: User admin: not read by paramiko-3.5")" "instead: SSHClient.connect(username=...)" \
	"paramiko: User and its connect() argument"
like "$out" "$C:4: KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1: not read as meant by libssh-0.10: it takes no '+' lists, drops '+diffie-hellman-group14-sha1' as an unknown name and silently replaces its default list with 'diffie-hellman-group-exchange-sha1'" \
	"libssh 0.10: '+a,b' silently replaces the default list with b"
like "$out" "$C:5: HostKeyAlgorithms +ssh-rsa: not read by libssh-0.10: it takes no '+' lists and refuses the line" \
	"libssh 0.10: '+a' alone is refused"
like "$out" "$X:2: Ciphers -aes128-cbc: not read by libssh-0.10: it takes no '-' lists" "libssh 0.10: '-' too"
full=$(printf '%s\n' "$out" | sed -n "s|^  $C:4: .*instead, the full list: KexAlgorithms ||p")
like "$full" "curve25519-sha256," "libssh 0.10: the full list starts from its defaults"
unlike "$out" "by libssh-0.11" "libssh 0.11 reads '+' lists"
unlike "$out" "by openssh-9.2" "OpenSSH reads every line"

# JSON: the report goes to standard error, the JSON lines stay clean
run ztp-kexcheck -o json -F "$C" --client netmiko-4.6 "$IOS"
like "$err" "not read by netmiko-4.6" "-o json: the report is on standard error"
is "$(printf '%s\n' "$out" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]; print("ok")')" ok \
	"-o json: standard output is JSON lines"

# ---- the real libssh, when it is 0.10: what the report says it does
LSK=$BUILD/tests/unit/h-libsshkex
LSV=$(ztp-kexcheck -Q -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["libssh"])')
case $LSV in
0.10.*)
	if [ -x "$LSK" ]; then
		"$LSK" 127.0.0.1 "$P_NEW" +diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1 - - - >"$T/ls.out" 2>&1
		is "$?" 1 "libssh $LSV: with '+a,b' it cannot reach a modern server: its default list is gone"
		"$LSK" 127.0.0.1 "$P_NEW" - - - - >"$T/ls.out" 2>&1
		is "$?" 0 "libssh $LSV: with its defaults it can"
		# the helper leaves its session to exit on this path: no leak report
		ASAN_OPTIONS=detect_leaks=0 "$LSK" 127.0.0.1 "$P_NEW" +diffie-hellman-group14-sha1 - - - >"$T/ls.out" 2>&1
		is "$?" 1 "libssh $LSV: '+a' alone is refused"
		like "$(cat "$T/ls.out")" "no allowed algorithm" "libssh $LSV: refused as the report says"
		"$LSK" 127.0.0.1 "$P_NEW" "$full" - - - >"$T/ls.out" 2>&1
		is "$?" 0 "libssh $LSV: the printed full list keeps the modern server: $(head -c 80 "$T/ls.out")"
	else
		diag "h-libsshkex not built: the real libssh not asked"
	fi ;;
*) diag "the linked libssh is $LSV, not 0.10: its '+' behaviour not checked here" ;;
esac
done_testing
