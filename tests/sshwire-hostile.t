#!/bin/sh
# Hostile and broken SSH servers: each gives a clear error naming host:port
# within the deadline, and a batch of them is scanned concurrently.
. "$(dirname "$0")/lib.sh"

"$BUILD/tests/unit/h-sshserver" "$T" 2>"$T/h.err" &
bg_pid $!
i=0
while [ ! -e "$T/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$T/ready" ] || skip_all "h-sshserver did not start: $(cat "$T/h.err")"
port() { cat "$T/$1.port"; }

# one mode: run ztp-kexcheck, check status, kind and message
check() { # MODE KIND MESSAGE-PART
	p=$(port "$1")
	run ztp-kexcheck -t 2 "127.0.0.1:$p"
	is "$rc" 75 "$1: exit 75 (unreachable, nothing else wrong)"
	like "$out" "127.0.0.1:$p" "$1: names host:port"
	like "$out" "UNREACHABLE ($2)" "$1: classified as $2"
	like "$out" "$3" "$1: says what happened"
}

check garbage not-ssh "got binary data (byte 0x16 at offset 0)"
check prelines not-ssh "more than 64 lines without an SSH identification line (it said: 'Welcome to the router, line 0"
check endless protocol-error "identification line longer than 255 bytes"
check bigkex protocol-error "packet length 35132 exceeds the limit of 35000 bytes"
check truncated protocol-error "connection closed after 80 of 160 bytes of the KEXINIT packet (banner 'SSH-2.0-Hostile_1.0')"
check namelist protocol-error "name-list of 100000 bytes is longer than the 123 bytes left in the packet"
check slow timeout "timed out after 2.0 s in the middle of the identification line"
check silent timeout "timed out after 2.0 s waiting for the SSH identification line"
check ssh1 protocol-error "server speaks SSH protocol 1.5 only"
check disconnect protocol-error "server disconnected before key exchange (reason 2): Too many connections\\x1b[2J"

run ztp-kexcheck -t 2 "127.0.0.1:$(port ignore)"
is "$rc" 0 "IGNORE packets before KEXINIT are skipped"

# the whole zoo at once, side by side in one event loop
args=
for m in ok garbage prelines endless bigkex truncated namelist slow silent ssh1 disconnect ignore; do
	args="$args 127.0.0.1:$(port "$m")"
done
run ztp-kexcheck -t 2 -o json $args
is "$rc" 75 "batch: exit 75"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 12 "batch: one JSON line per host"
is "$(printf '%s\n' "$out" | grep -c '"status": "ok"')" 2 "batch: the two good servers are ok"

# refused
p=$(free_port)
run ztp-kexcheck -t 2 "127.0.0.1:$p"
is "$rc" 75 "refused: exit 75"
like "$out" "UNREACHABLE (refused): cannot connect to '127.0.0.1': Connection refused" "refused: says so"
done_testing
