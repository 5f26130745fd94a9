# tests/conline.sh: a console line for the tests (sourced after lib.sh;
# needs socat and ser2net, ../shared/LAB.md).  Daemons are stopped by PID.
#
#   line_pty 'COMMAND ARGS'   the command (the simulator in console mode) on a
#                             socat pty at $T/ttyDEV that keeps its state
#                             across connections, as a real console line
#   line_ser2net_raw          ser2net in front of it with a raw TCP
#                             accepter on 127.0.0.1:$cport

line_pty() {
	socat PTY,link="$T/ttyDEV",raw,echo=0 EXEC:"$1",pty,stderr 2>"$T/socat.log" &
	bg_pid $!
	_i=0
	while [ ! -e "$T/ttyDEV" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}

line_ser2net_raw() {
	cport=$(free_port)
	cat >"$T/ser2net.yaml" <<EOF2
connection: &dev1raw
    accepter: tcp,127.0.0.1,$cport
    enable: on
    connector: serialdev,$T/ttyDEV,9600n81,local
EOF2
	ser2net -n -u -c "$T/ser2net.yaml" -P "$T/ser2net.pid" 2>"$T/ser2net.log" &
	bg_pid $!
	wait_port "$cport" 10 || diag "ser2net did not start: $(cat "$T/ser2net.log")"
}

# dev_sshd_when_ready NAME PORT 'COMMAND ARGS': the SSH server of a simulated
# device that has no SSH until its console bootstrap (the simulator's
# --ssh-state $T/NAME.state): started on 127.0.0.1:PORT once the device
# reports it would serve SSH, allowing only the local users it has, with the
# command (the simulator) as its ForceCommand
dev_sshd_when_ready() {
	mkdir -p "$T/$1"
	ssh-keygen -q -t ed25519 -N '' -f "$T/$1/host_key"
	(
		while [ ! -s "$T/$1.state" ]; do sleep 0.1; done
		{
			printf '%s\n' "Port $2" "ListenAddress 127.0.0.1" "HostKey $T/$1/host_key" \
				"PidFile $T/$1/sshd.pid" "StrictModes no" "UsePAM no" \
				"KbdInteractiveAuthentication no" "PasswordAuthentication yes" \
				"AllowUsers $(sed -n 's/^user //p' "$T/$1.state" | tr '\n' ' ')" \
				"ForceCommand $3"
		} >"$T/$1/sshd_config"
		exec /usr/sbin/sshd -D -e -f "$T/$1/sshd_config" 2>>"$T/$1/log"
	) &
	bg_pid $!
}

# console_line NAME 'COMMAND ARGS': the command on a socat pty at
# $T/tty.NAME, and its ser2net telnet (RFC 2217) accepter on a free port:
# appends the accepter to $S2N (ser2net's YAML) and rack NAME with that
# line as its line 1 to $RACKS (ztp.yml's racks:)
console_line() {
	socat PTY,link="$T/tty.$1",raw,echo=0 EXEC:"$2",pty,stderr 2>"$T/socat.$1.log" &
	bg_pid $!
	_i=0
	while [ ! -e "$T/tty.$1" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	_cp=$(free_port)
	S2N="${S2N}connection: &$1
    accepter: telnet(rfc2217),tcp,127.0.0.1,$_cp
    enable: on
    connector: serialdev,$T/tty.$1,9600n81,local
"
	RACKS="$RACKS  $1:
    terminal_server: {host: 127.0.0.1, port_base: $((_cp - 1))}
"
}
