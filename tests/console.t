#!/bin/sh
# ztp-console against a real terminal server: ser2net (telnet with RFC 2217,
# and raw TCP) in front of the simulator on a socat pty.  Lines reached by
# rack:line, the log (no password in it), BREAK reaching the serial line
# (seen as ser2net's break ioctls on the line, with strace: a pty cannot
# show a break to the program behind it), a busy line (ours, ser2net's,
# conserver holding it), a line dropped mid-output, attach as a person
# does it in tmux (type, ~?, ~b, ~r, ~.), spy, take-over.
. "$(dirname "$0")/lib.sh"

SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
if ! command -v ser2net >/dev/null || ! command -v socat >/dev/null; then
	skip_all "ser2net and socat needed"
fi

# ---- the lab
printf 'login admin:adminpw\n' >"$T/console.pw"
. "$TOP/tests/conline.sh"
line_pty "$SIM --console --password-file $T/console.pw --platform cisco_iosxe"
p1=$(free_port)
p2=$(free_port)
p3=$(free_port)
cat >"$T/ser2net.yaml" <<EOF
connection: &dev1
    accepter: telnet(rfc2217),tcp,127.0.0.1,$p1
    enable: on
    connector: serialdev,$T/ttyDEV,9600n81,local
connection: &dev1raw
    accepter: tcp,127.0.0.1,$p2
    enable: on
    connector: serialdev,$T/ttyDEV,9600n81,local
connection: &dev1cons
    accepter: telnet,tcp,127.0.0.1,$p3
    enable: on
    connector: serialdev,$T/ttyDEV,9600n81,local
EOF
ser2net -n -u -c "$T/ser2net.yaml" -P "$T/ser2net.pid" 2>"$T/ser2net.log" &
s2n=$!
bg_pid $s2n
wait_port "$p1" 10 || diag "ser2net did not start: $(cat "$T/ser2net.log")"
mkdir -p "$T/spool"
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
racks:
  lab:
    terminal_server:
      host: 127.0.0.1
      port_base: $((p1 - 1))
  lab2217:
    terminal_server: {host: 127.0.0.1, port_base: $((p1 - 1)), rfc2217: true, break: rfc2217}
  labraw:
    terminal_server: {host: 127.0.0.1, port_base: $((p2 - 1)), transport: raw}
EOF
con() { ztp-console -c "$T/ztp.yml" "$@"; }
LOG=$T/spool/log/console/lab:1.log

run con -T lab:1
is "$rc" 0 "-T succeeds"
like "$out" "line lab:1 is 127.0.0.1:$p1, telnet" "-T shows where the line is"
like "$out" "port_base: $((p1 - 1))" "-T shows the effective terminal_server"
is "$(printf '%s\n' "$out" | grep -c '^racks:')" 1 "-T: racks: once (the terminal servers with their defaults as comments)"
printf '%s\n' "$out" | /usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); sys.exit(0 if "lab" in d["racks"] else 1)' 2>/dev/null
ok $? "-T: the output is a loadable ztp.yml with the racks"
like "$out" "#       transport: telnet" "-T: the defaults filled in, as comments"
ztp-console -c "$T/ztp.yml" -T lab:1 >/dev/full 2>"$T/full.err"
is "$?" 75 "-T >/dev/full: exit 75"
like "$(cat "$T/full.err")" "cannot write to standard output" "-T >/dev/full: says so"

# ---- a person's keystrokes through a pipe: log in over telnet
slow() { # slow TEXT...: each argument, then a pause
	for a in "$@"; do printf '%b' "$a"; sleep 1; done
}
slow '\r' 'admin\r' 'adminpw\r' 'show clock\r' | con lab:1 >"$T/o1" 2>"$T/e1"
is "$?" 0 "telnet: login and a command, exit 0"
like "$(cat "$T/o1")" "Username:" "telnet: the device's login prompt"
like "$(cat "$T/o1")" "Router#show clock" "telnet: the command echoed at the prompt"
like "$(cat "$LOG")" "Z Router#show clock" "the log has the device's output, timestamped"
unlike "$(cat "$LOG")" "adminpw" "the password typed at the prompt is not in the log"
like "$(cat "$LOG")" "[-- attach ztp-console (pid" "attach event"
like "$(cat "$LOG")" "[-- detach ztp-console (pid" "detach event"

# raw TCP: the same line, no telnet negotiation
slow '\r' | con labraw:1 >"$T/o2" 2>"$T/e2"
is "$?" 0 "raw: exit 0"
like "$(cat "$T/o2")" "Router#" "raw: the prompt, where the last session left the line"
unlike "$(od -An -tx1 "$T/o2")" "ff" "raw: no telnet bytes reach the user"

# ---- BREAK: IAC BRK becomes tcsendbreak, RFC 2217 break on/off becomes
# TIOCSBRK/TIOCCBRK on the line
if command -v strace >/dev/null; then
	strace -f -p "$s2n" -e trace=ioctl -o "$T/strace.out" 2>/dev/null &
	st=$!
	bg_pid $st
	sleep 1
	slow '~b' '\r' | con lab:1 >"$T/o3" 2>"$T/e3"
	is "$?" 0 "~b over telnet: exit 0"
	like "$(cat "$T/e3")" "BREAK sent" "~b: said"
	slow '~b' '\r' | con lab2217:1 >/dev/null 2>"$T/e4"
	like "$(cat "$T/e4")" "BREAK sent" "~b over RFC 2217: said"
	sleep 1
	kill "$st"
	wait "$st" 2>/dev/null
	like "$(cat "$T/strace.out")" "TCSBRK" "IAC BRK reached the serial line (ser2net called tcsendbreak)"
	like "$(cat "$T/strace.out")" "TIOCSBRK" "RFC 2217 break on reached the serial line"
	like "$(cat "$LOG")" "[-- break --]" "the break is in the log"
	slow '~b' | con labraw:1 >/dev/null 2>"$T/e5"
	like "$(cat "$T/e5")" "no break sequence configured" "raw line without a sequence: BREAK refused, says why"
else
	diag "no strace: BREAK not checked at the serial line"
fi

# ---- a busy line: ours (the lock), then ser2net's own words
mkfifo "$T/hold"
ztp-console -c "$T/ztp.yml" lab:1 <"$T/hold" >"$T/o6" 2>"$T/e6" &
holder=$!
bg_pid $holder
exec 7>"$T/hold"
i=0
while ! grep -q "attach ztp-console (pid $holder" "$LOG" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
run con lab:1
is "$rc" 75 "a second writer: exit 75"
like "$err" "line lab:1 is in use by ztp-console (pid $holder, host $(hostname)) since " "the holder named"
# the spy watches without touching the line
ztp-console -c "$T/ztp.yml" -s lab:1 </dev/null >"$T/o7" 2>"$T/e7" &
spy=$!
bg_pid $spy
printf '\r' >&7
i=0
while ! grep -q "Router#" "$T/o7" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/o7")" "Router#" "spy: sees the writer's session"
like "$(cat "$T/e7")" "(read-only), held by ztp-console (pid $holder" "spy: says it is read-only and who writes"
kill "$spy"
wait "$spy" 2>/dev/null
# -f takes it over: the holder leaves, the log says so
run_in "$(printf '\r')" con -f lab:1
is "$rc" 0 "-f: the line taken over"
wait "$holder"
is "$?" 75 "the old holder left with 75"
like "$(cat "$T/e6")" "taken it over" "the old holder was told"
like "$(cat "$LOG")" "take-over by ztp-console" "the log has the take-over"
exec 7>&-

# ser2net's own busy answer: another client on the telnet port
socat -u "TCP:127.0.0.1:$p1" /dev/null &
other=$!
bg_pid $other
sleep 1
run con lab:1
is "$rc" 75 "ser2net busy: exit 75"
like "$err" "Port already in use" "in the terminal server's words"
like "$err" "kickolduser" "with the fix"
kill "$other"
wait "$other" 2>/dev/null

# ---- a line dropped mid-output: a terminal server that hangs up
dp=$(free_port)
cat >"$T/hangup.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
while True:
    c, _ = s.accept()
    c.sendall(b"Building configuration...\r\ninterface Gi1/0/1\r\n description upl")
    c.close()
PY
/usr/bin/python3 "$T/hangup.py" "$dp" &
bg_pid $!
wait_port "$dp" 10
mkfifo "$T/never"
exec 8<>"$T/never"
con -t 5 "127.0.0.1:$dp" <"$T/never" >"$T/o8" 2>"$T/e8"
is "$?" 75 "dropped line: exit 75"
like "$(cat "$T/e8")" "line 127.0.0.1:$dp dropped" "dropped line: said"
like "$(cat "$T/e8")" 'last line seen: " description upl"' "with the last line seen"
like "$(cat "$T/o8")" "interface Gi1/0/1" "the output before the drop reached the user"
exec 8>&-

# scripted: the line drops in the middle of a command's output (a device
# on a raw port that answers every line with its prompt, and hangs up half
# way through show version): temporary (75), not a usage error
mp=$(free_port)
cat >"$T/midcmd.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
while True:
    c, _ = s.accept()
    line = b""
    try:
        while True:
            d = c.recv(1024)
            if not d:
                break
            for ch in d:
                if ch == 10:
                    continue
                if ch != 13:
                    line += bytes([ch])
                    continue
                if line.strip() == b"show version":
                    c.sendall(b"show version\r\nCisco IOS XE Software, Version 17.09.04a\r\n"
                              b"cisco C9500-24Y4C (X86) processor\r\nProcessor board ID CAT22")
                    raise EOFError
                c.sendall(line + b"\r\nRouter#")
                line = b""
    except (EOFError, OSError):
        pass
    c.close()
PY
/usr/bin/python3 "$T/midcmd.py" "$mp" &
bg_pid $!
wait_port "$mp" 10
printf '  dropmid:\n    terminal_server: {host: 127.0.0.1, port_base: %s, transport: raw}\n' "$((mp - 1))" >>"$T/ztp.yml"
run con -t 5 -x 'show clock' -x 'show version' dropmid:1
is "$rc" 75 "scripted, the line dropped mid-output: exit 75"
like "$err" "'show version'" "scripted, dropped mid-output: the command named"
like "$err" "Processor board ID CAT22" "scripted, dropped mid-output: the last line seen"

# ---- attach as a person does it: tmux, a real pty
if command -v tmux >/dev/null; then
	TM="tmux -S $T/tmux.sock"
	on_exit "$TM kill-server"
	$TM new-session -d -x 100 -y 30 "ztp-console -c $T/ztp.yml lab:1; echo EXIT=\$?; sleep 60"
	screen() { $TM capture-pane -p -S -100; }
	wait_screen() { # wait_screen TEXT: until the pane shows it (10 s at most)
		_i=0
		while ! screen | grep -qF -- "$1" && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	}
	wait_screen "to leave"
	like "$(screen)" "attached to line lab:1" "tmux: attached, says how to leave"
	$TM send-keys Enter
	$TM send-keys 'show clock' Enter
	wait_screen "UTC"
	like "$(screen)" "Router#show clock" "tmux: typed command echoed by the device"
	$TM send-keys '~?'
	wait_screen "this help"
	like "$(screen)" "~b BREAK" "tmux: ~? lists the escapes"
	$TM send-keys Enter '~b'
	wait_screen "BREAK sent"
	like "$(screen)" "BREAK sent" "tmux: ~b"
	$TM send-keys Enter '~r'
	wait_screen "end of replay"
	like "$(screen)" "Z Router#show clock" "tmux: ~r replays the log"
	$TM send-keys Enter '~.'
	wait_screen "EXIT="
	like "$(screen)" "left line lab:1" "tmux: ~. leaves"
	like "$(screen)" "EXIT=0" "tmux: exit 0"
else
	diag "no tmux: attach through a pty not tested"
fi

# ---- scripted: the dialog engine logs in (secrets file), runs commands
printf 'credentials:\n- {name: lab, username: admin, password: adminpw}\n' >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
sed -i "1a secrets: $T/secrets.yml" "$T/ztp.yml"
slow '\r' 'exit\r' | con lab:1 >/dev/null 2>&1
run con -x 'show clock' -x 'show version' lab:1
is "$rc" 0 "scripted: exit 0"
like "$out" "UTC" "scripted: the first command's output"
like "$out" "Configuration register is" "scripted: the second command's output"
unlike "$out" "Router#" "scripted: no prompt in the output"
like "$(cat "$LOG")" "Password:" "scripted: the login went through the log"
unlike "$(cat "$LOG")" "adminpw" "scripted: the password is not in the log"
like "$(cat "$LOG")" "[-- attach ztp-console -x (pid" "scripted: attach event"
run con -o json -x 'show clock' -x 'bogus cmd' labraw:1
is "$rc" 2 "scripted: a refused command is exit 2"
like "$out" '"line": "labraw:1", "platform": "cisco_iosxe", "commands": [{"command": "show clock", "output": "*' "json: the line, platform, each command"
like "$out" '"error": "the device refused' "json: the refusal"
like "$err" "'bogus cmd'" "the refused command named on stderr"

# ---- a record id names the line by its console field (the operand rule)
ztp-spool -c "$T/ztp.yml" init >/dev/null 2>&1
printf 'id: FOCCON1\nconsole: lab:1\n---\nid: NOCON1\nip: 192.0.2.9\n' |
	ztp-spool -c "$T/ztp.yml" put discovered >/dev/null
run con -x 'show clock' FOCCON1
is "$rc" 0 "a record id: exit 0"
like "$out" "UTC" "a record id: the command ran on its console line"
like "$(cat "$LOG")" "attach ztp-console -x" "a record id: the session is in lab:1's log"
run con -T FOCCON1
like "$out" "line lab:1 is 127.0.0.1:$p1" "-T of a record id: its line"
like "$out" "line of record FOCCON1" "-T of a record id: whose line it is"
run con -x 'show clock' NOCON1
is "$rc" 2 "a record without a console field: exit 2"
like "$err" "record 'NOCON1': it has no console field" "a record without a console field: said so"

# ---- --probe: the probe's commands and parsers over the line, the same
# facts as ztp-probe reading the same device's outputs
run con --probe -o json FOCCON1
is "$rc" 0 "--probe on a record id: exit 0"
printf '%s\n' "$out" >"$T/con.json"
for c in 'show version' 'show inventory'; do
	"$SIM" --platform cisco_iosxe --exec "$c" >"$T/out.$(printf '%s' "$c" | tr ' ' _)"
done
ztp-probe -o json -P cisco_iosxe -r "show version=$T/out.show_version" \
	-r "show inventory=$T/out.show_inventory" >"$T/probe.json"
run python3 -c 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))["facts"]
print(a["facts"].get("serial"), a["facts"].get("model"), b.get("serial"), b.get("model"))
sys.exit(0 if a["facts"]["serial"] and a["facts"]["serial"] == b["serial"] and
	 a["facts"]["model"] == b["model"] and a["facts"] == b else 1)' "$T/con.json" "$T/probe.json"
is "$rc" 0 "--probe: serial and model (all the facts) as ztp-probe -r gives them"
diag "serial, model (console, probe): $out"
like "$(cat "$T/con.json")" '"id": "FOCCON1"' "--probe: the record named is the one printed"
like "$(cat "$T/con.json")" '"platform": "cisco_iosxe"' "--probe: the record gets the platform"
like "$(cat "$T/con.json")" '"console": "lab:1"' "--probe: the record keeps its console line"
run con --probe lab:1
is "$rc" 0 "--probe on a line: exit 0"
like "$out" "console: lab:1" "--probe on a line: a YAML record naming the line"
like "$out" "serial: " "--probe on a line: with the facts"
run con -x 'show clock' NOSUCH
is "$rc" 2 "neither a line nor a record: exit 2"
like "$err" "cannot find line 'NOSUCH'" "neither a line nor a record: said so"
# a device that never answers: the deadline says what it waited for
qp=$(free_port)
cat >"$T/quiet.py" <<'PY'
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
held = []
while True:
    c, _ = s.accept()
    c.sendall(b"\r\nBOOTING please wait")
    held.append(c)
PY
/usr/bin/python3 "$T/quiet.py" "$qp" &
bg_pid $!
wait_port "$qp" 10
run con -t 2 -x 'show clock' "127.0.0.1:$qp"
is "$rc" 75 "a device that never answers: exit 75"
like "$err" "BOOTING please wait" "the message has the last line seen"
diag "never answers: $err"

# ---- conserver holds the line; ztp-console reports it busy
if command -v conserver >/dev/null && command -v console >/dev/null; then
	cp=$(free_port)
	cat >"$T/conserver.cf" <<EOF
default * { logfile $T/conserver-&.log; rw *; }
console dev1 { master localhost; type host; host 127.0.0.1; port $p3; protocol telnet; }
access * { trusted 127.0.0.1; }
EOF
	printf 'root:*any*\n' >"$T/conserver.passwd"
	conserver -E -M 127.0.0.1 -p "$cp" -C "$T/conserver.cf" -P "$T/conserver.passwd" \
		>"$T/conserver.log" 2>&1 &
	bg_pid $!
	wait_port "$cp" 10
	i=0
	while ! grep -q "dev1.*up" "$T/conserver.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	run con -t 5 "127.0.0.1:$p3"
	is "$rc" 75 "conserver holds the line: exit 75"
	like "$err" "Port already in use" "conserver holds the line: the terminal server's words"
	run con -t 5 lab:1
	is "$rc" 75 "the same device through another port: busy too"
	like "$err" "in use" "in ser2net's words"
	# a terminal server fronted by conserver: ztp-console asks it and
	# names it as the holder, with who is attached through its client
	printf '  labcons:\n    terminal_server: {host: 127.0.0.1, port_base: %s, conserver: "127.0.0.1:%s"}\n' \
		"$((p3 - 1))" "$cp" >>"$T/ztp.yml"
	run con -t 5 -x 'show clock' labcons:1
	is "$rc" 75 "conserver holds the line: exit 75"
	like "$err" "line labcons:1 is in use by conserver (its console dev1, master 127.0.0.1:$cp; attached: nobody)" \
		"conserver named as the holder, nobody attached"
	if command -v script >/dev/null; then
		mkfifo "$T/cin"
		exec 9<>"$T/cin"
		script -qc "console -M 127.0.0.1 -p $cp dev1" /dev/null <"$T/cin" >"$T/cons.out" 2>&1 &
		cl=$!
		bg_pid $cl
		i=0
		while ! console -M 127.0.0.1 -p "$cp" -u 2>/dev/null | grep -q 'dev1 .*up .*@' && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		run con -t 5 labcons:1
		is "$rc" 75 "conserver's console client attached: exit 75"
		like "$err" "in use by conserver (its console dev1" "conserver's client attached: conserver named"
		like "$err" "attached: read-write $(id -un)@" "conserver's client attached: who, read-write"
		kill "$cl"
		exec 9>&-
	else
		diag "no script(1): conserver's client not attached"
	fi
else
	diag "no conserver: coexistence not tested"
fi

done_testing
