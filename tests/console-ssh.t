#!/bin/sh
# ztp-console over an SSH console server: a real sshd whose ForceCommand is
# the simulator in console mode stands for the console server (the user
# picks the line, as Opengear's "admin:port7" does).  Scripted mode over
# it, BREAK in band, a wrong port and a wrong user named as the SSH layer
# classifies them.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
U=ztpc$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"

P=$(free_port)
sshd_start cons "$P" ed25519 "PasswordAuthentication yes" \
	"ForceCommand $SIM --console --platform cisco_iosxe --serial SSHCON1 --hostname con-r1"
DEAD=$(free_port)
printf 'credentials:\n- {name: ts, username: %s, password: "%s"}\n- {name: other, username: nobody, password: x}\n' \
	"$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
mkdir -p "$T/spool"
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
racks:
  og:
    terminal_server:
      host: 127.0.0.1
      transport: ssh
      port_base: $((P - 7))
      user: $U
      ssh_user: '{user}'
      credential: ts
      break_sequence: '~b'
  ogbaduser:
    terminal_server: {host: 127.0.0.1, transport: ssh, port_base: $((P - 7)), ssh_user: 'port{line}', credential: ts}
  ogdead:
    terminal_server: {host: 127.0.0.1, transport: ssh, port_base: $((DEAD - 7)), user: $U, credential: ts}
EOF
con() { ztp-console -c "$T/ztp.yml" "$@"; }

run con -T og:7
is "$rc" 0 "-T succeeds"
like "$out" "line og:7 is 127.0.0.1:$P, ssh" "-T: the line is reached over ssh at the line's port"
like "$out" "ssh user $U" "-T: the user that picks the line"
like "$out" "# port $P" "-T: the SSH settings of the console server, with the line's port"
like "$out" "# user $U" "-T: the SSH settings with the line's user"

run con -t 10 -o json -x 'show version' og:7
is "$rc" 0 "scripted over ssh: exit 0"
like "$out" "SSHCON1" "scripted over ssh: show version of the device behind the console server"
like "$out" '"platform": "cisco_iosxe"' "scripted over ssh: the platform told from the console"
LOG=$T/spool/log/console/og:7.log
like "$(cat "$LOG")" "attach ztp-console -x" "the line's log has the session"
unlike "$(cat "$LOG")" "$(cat "$T/pw")" "the console server's password is not in the log"

run con -t 10 -x 'show version' ogbaduser:7
is "$rc" 2 "a user the console server refuses: exit 2 (settings to change)"
like "$err" "over ssh (auth)" "the wrong user is named as the SSH layer classifies it"
like "$err" "port7" "the message names the user tried"

run con -t 10 -x 'show version' ogdead:7
is "$rc" 75 "nothing listens at the line's port: exit 75"
like "$err" "over ssh (refused)" "the wrong port is named as the SSH layer classifies it"

# attach through a pipe: BREAK goes in band, output comes back
{ printf '\r'; sleep 2; printf '\r~b'; sleep 1; printf 'show clock\r'; sleep 2; } | con -t 10 og:7 >"$T/o1" 2>"$T/e1"
is "$?" 0 "attach over ssh: exit 0"
like "$(cat "$T/o1")" "con-r1" "attach over ssh: the device's prompt"
like "$(cat "$T/e1")" "BREAK sent" "attach over ssh: ~b sends the in-band sequence"
done_testing
