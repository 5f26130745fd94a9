#!/bin/sh
# secrets.t: the secrets file as a careless operator leaves it.  A FIFO is
# refused at once, not read forever (D8); a typo or a list where a string
# goes is an error naming the file and line (D9); a missing file is a
# configuration error, exit 2 (D17); a tool holding secrets cannot dump
# core and is not dumpable (D11).
. "$(dirname "$0")/lib.sh"
unset ZTP_CONFIG ZTP_SPOOL

conf() { # conf SECRETS: a ztp.yml naming it
	printf 'spool: %s\nsecrets: %s\nbackend:\n  url: http://127.0.0.1:9/x\n' "$T/spool" "$1" >"$T/c.yml"
	printf 'dhcp:\n  lease_dir: %s\n  subnets:\n    a: {subnet: 10.1.0.0/16, range: 10.1.0.10-10.1.0.20}\n' \
		"$T/leases" >>"$T/c.yml"
}

# D8: a FIFO
mkfifo "$T/fifo"
conf "$T/fifo"
run timeout 10 ztp-probe -c "$T/c.yml" -T
is "$rc" 2 "ztp-probe -T: a FIFO as secrets file exits 2 (not 124: it did not block)"
like "$out$err" "not a regular file (a FIFO" "ztp-probe -T says it is a FIFO"
run timeout 10 ztp-probe -c "$T/c.yml" -d 5 127.0.0.1:9
is "$rc" 2 "ztp-probe: a FIFO as secrets file exits 2"
like "$err" "not a regular file" "ztp-probe says why"
run timeout 10 ztp-dhcpd -c "$T/c.yml" -n
is "$rc" 2 "ztp-dhcpd -n: a FIFO as secrets file exits 2"
like "$err" "not a regular file (a FIFO" "ztp-dhcpd -n says it is a FIFO"

# D9: typos and wrong types in the secrets file
i=0
while IFS='|' read -r body want; do
	i=$((i + 1))
	printf '%b' "$body" >"$T/s$i.yml"
	chmod 600 "$T/s$i.yml"
	conf "$T/s$i.yml"
	run timeout 10 ztp-probe -c "$T/c.yml" -T
	is "$rc" 2 "secrets case $i: ztp-probe -T exits 2"
	like "$out$err" "$T/s$i.yml: line $want" "secrets case $i: file, line and key named"
done <<'EOF'
credentials:\n- {name: a, username: u, pasword: x}\n|2: unknown key 'pasword' in 'credentials[0]' (did you mean 'password'?)
credentials:\n- name: a\n  password: [x]\n|3: key 'credentials[0].password': expected a string
credentials: {name: a, password: x}\n|1: key 'credentials': expected a list
credentials: []\nbakend_token: x\n|2: unknown key 'bakend_token' in 'the top level' (did you mean 'backend_token'?)
enable: {secret: x}\n|1: key 'enable': expected a string
credentials:\n- {name: a, password: 0123}\n|2: key 'credentials[0].password': expected a string (fix: quote it)
EOF
printf 'credentials:\n- {name: a, username: u, password: "12345"}\nenable: en\nbackend_token: t\nsource_token: s\n' >"$T/good.yml"
chmod 600 "$T/good.yml"
conf "$T/good.yml"
run ztp-probe -c "$T/c.yml" -T
is "$rc" 0 "a correct secrets file passes"
like "$out" "a (user u, password set)" "and its credential set is listed"

# D17: -T lists the credential sets the live run tries: those that
# ssh.credentials names, in its order
printf 'credentials:\n- {name: factory, username: f, password: "1"}\n- {name: prov, username: p, password: "2"}\n' \
	>"$T/two.yml"
chmod 600 "$T/two.yml"
printf 'spool: %s\nsecrets: %s\nssh:\n  credentials: [prov]\n' "$T/spool" "$T/two.yml" >"$T/named.yml"
run ztp-probe -c "$T/named.yml" -T
is "$rc" 0 "-T with ssh.credentials: exit 0"
like "$out" "credentials tried in order (ssh.credentials): prov (user p, password set)" \
	"-T lists the named set"
unlike "$out" "factory" "-T does not list a set the live run will not try"

# D17: a missing secrets file is a configuration error
conf "$T/nonexistent.yml"
run ztp-probe -c "$T/c.yml" -T
is "$rc" 2 "ztp-probe -T: a missing secrets file exits 2"
like "$out$err" "nonexistent.yml" "and names it"

# D11: a tool that read the secrets has no core limit and is not dumpable.
# Run as nobody (root's /proc entries are root's anyway) against a port
# that accepts and never speaks, and look at the process while it waits.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 711 "$T"
	mkdir "$T/nb"
	cp "$T/good.yml" "$T/nb/s.yml"
	P=$(free_port)
	printf 'spool: %s\nsecrets: %s\nssh:\n  port: %s\n  timeout: 20s\n  known_hosts: accept-new\n' \
		"$T/nb/spool" "$T/nb/s.yml" "$P" >"$T/nb/c.yml"
	chown -R 65534:65534 "$T/nb"
	/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
c = []
while True:
    c.append(s.accept()[0])
' "$P" &
	bg_pid $!
	wait_port "$P"
	# shellcheck disable=SC3045 # dash and bash have ulimit -c
	(ulimit -c unlimited; HOME=$T/nb exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BIN/ztp-probe" -c "$T/nb/c.yml" -d 20 127.0.0.1 >/dev/null 2>&1) &
	PP=$!
	bg_pid $PP
	n=0
	# the parent has read the secrets once its worker exists
	while [ $n -lt 100 ] && ! pgrep -P $PP >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
	is "$(stat -c %u /proc/$PP/status 2>/dev/null)" 0 \
		"ztp-probe running as nobody is not dumpable (its /proc entries are root's)"
	is "$(awk '/^Max core file size/ {print $5 "/" $6}' /proc/$PP/limits)" "0/0" \
		"ztp-probe's core size limit is 0 though it was started with unlimited"
	kill $PP 2>/dev/null
else
	ok 0 "# SKIP needs root and setpriv"
	ok 0 "# SKIP needs root and setpriv"
fi
done_testing
