#!/bin/sh
# Every EXAMPLES block of every man page, run as a reader would run it.
#
# The `.Bd -literal` blocks under `.Sh EXAMPLES` of man/*.[1-9] are
# extracted at run time, so an edited example is the one tested, and each
# is looked up in the table below (cover()): a block the table does not
# know fails ("man/X #N: not covered").  Kinds:
#   session   "$ cmd" lines, each followed by the output the page shows:
#             the commands run word for word, their status is checked and
#             the lines shown must appear in that order ("..." = more)
#   commands  lines of commands: each runs, its status is checked
#   config    a ztp.yml (or a record): checked by the tools' own checks
#   template  rendered by ztp-push --render, compared with the page
#   static    not runnable here (systemctl, cron, dnsmasq lines): what it
#             names is installed by make install (see tests/install.t)
#   todo      the page and the software disagree and the fix is not small:
#             run anyway, the mismatch printed as a TODO, not hidden
#
# The world the pages talk about is made real inside private mount and
# network namespaces, so that the commands need no rewriting: the routers
# 10.20.0.17-20 and the gateway gw1 (10.20.0.1) are real OpenSSH servers on
# the namespace's loopback with the device simulator (tests/sim) as their
# ForceCommand; /etc/ztp/ztp.yml is the ztp.yml(5) example, with the
# secrets file, templates and variables beside it; users cisco, ztp and
# admin exist (an overlay on /etc); the spool is /var/spool/ztp (an
# overlay on /var); root's ~/.ssh/config names the client key for the
# gateway.  Nothing outside the namespaces changes, and the network
# namespace has no route out.
TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${ZTP_EXAMPLES_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
		! unshare -m -n true 2>/dev/null; then
		echo "1..0 # SKIP needs root and unshare (mount and network namespaces)"
		exit 0
	fi
	ZTP_EXAMPLES_NS=1 exec unshare -m -n --propagation private sh "$0" "$@"
fi
. "$TOP/tests/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
command -v jq >/dev/null || skip_all "jq is not installed (the pages pipe into it)"

# ---- the network: the pages' addresses on the namespace's loopback, the
# interfaces of the ztp-dhcpd(8) example
ip link set lo up
for a in 10.20.0.1 10.20.0.2 10.20.0.17 10.20.0.18 10.20.0.19 10.20.0.20; do
	ip addr add $a/32 dev lo
done
ip link add br0 type bridge && ip addr add 10.99.0.1/16 dev br0 && ip link set br0 up
ip link add eth1 type veth peer name eth1p && ip addr add 10.98.0.2/24 dev eth1 &&
	ip link set eth1 up && ip link set eth1p up

# ---- /etc, /var and /root: overlays, written only inside the namespace
chmod 755 "$T"
mkdir -p "$T/ov"
mount -t tmpfs tmpfs "$T/ov" || skip_all "cannot mount a tmpfs"
on_exit "umount -l '$T/ov'"
for d in /etc /var /root; do
	n=$(echo "$d" | tr / _)
	mkdir -p "$T/ov/$n.up" "$T/ov/$n.work"
	mount -t overlay overlay -o "lowerdir=$d,upperdir=$T/ov/$n.up,workdir=$T/ov/$n.work" "$d" ||
		skip_all "cannot mount an overlay on $d"
	on_exit "umount -l $d"
done
for u in cisco ztp admin; do
	id "$u" >/dev/null 2>&1 || useradd -M -d / -s /bin/sh "$u" || skip_all "cannot add user $u"
done
head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/ztp.pw"
printf 'cisco:cisco\nztp:%s\nadmin:%s\n' "$(cat "$T/ztp.pw")" "$(cat "$T/ztp.pw")" | chpasswd
printf '10.20.0.1 gw1 gw1.rack.example.net\n10.20.0.2 backend.example.net\n' >>/etc/hosts

# ---- the routers and the gateway
sshd_client_key
# where every user's sshd can read it
mkdir -p /etc/ssh/ztp-examples
cp "$T/authorized_keys" /etc/ssh/ztp-examples/authorized_keys
chmod 644 /etc/ssh/ztp-examples/authorized_keys
ns_sshd() { # NAME ADDRESS... -- sshd_config lines
	_name=$1
	shift
	mkdir -p "$T/$_name"
	_kt=ed25519
	case $_name in legacy) _kt=rsa ;; esac
	ssh-keygen -q -t $_kt -N '' -f "$T/$_name/host_key"
	{
		while [ "$1" != -- ]; do printf 'ListenAddress %s:22\n' "$1"; shift; done
		shift
		printf '%s\n' "HostKey $T/$_name/host_key" "PidFile $T/$_name/sshd.pid" \
			"AuthorizedKeysFile /etc/ssh/ztp-examples/authorized_keys" "StrictModes no" "UsePAM no" \
			"PermitRootLogin prohibit-password" "KbdInteractiveAuthentication no" "$@"
	} >"$T/$_name/sshd_config"
	/usr/sbin/sshd -D -e -f "$T/$_name/sshd_config" 2>>"$T/$_name/log" &
	bg_pid $!
}
ns_sshd gw 10.20.0.1 -- "AllowTcpForwarding yes" "PasswordAuthentication no"
# 10.20.0.17: the router of the kexcheck incident, SHA-1 only
ns_sshd legacy 10.20.0.17 -- "KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" \
	"HostKeyAlgorithms ssh-rsa" "Ciphers aes128-ctr,aes128-cbc" "MACs hmac-sha1" \
	"PasswordAuthentication yes" \
	"ForceCommand $SIM --platform juniper_junos --serial JN1234AB --hostname r17"
ns_sshd devs 10.20.0.18 10.20.0.19 10.20.0.20 -- "PasswordAuthentication yes" \
	"Match LocalAddress 10.20.0.18" \
	"  ForceCommand $SIM --platform cisco_iosxe --serial CAT1234X5YZ --hostname pe1" \
	"Match LocalAddress 10.20.0.19" \
	"  ForceCommand $SIM --platform arista_eos --serial JPE1234ABCD --hostname r19" \
	"Match LocalAddress 10.20.0.20" \
	"  ForceCommand $SIM --platform cisco_iosxe --serial FGL2231X0AB --hostname rej-1 --reject '^ntp server 192.0.2.123 prefer'"
for a in 10.20.0.1 10.20.0.17 10.20.0.18 10.20.0.19 10.20.0.20; do
	i=0
	until bash -c "exec 3<>/dev/tcp/$a/22" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$T"/*/log; skip_all "sshd on $a did not start"; }
		sleep 0.1
	done
done
# the backend of ztp.yml(5) (https://backend.example.net/api/ztp/devices),
# its certificate from a private CA: each POST is kept in $T/posts
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=backend.example.net" \
	-addext "subjectAltName=DNS:backend.example.net" \
	-keyout "$T/backend.key" -out "$T/backend.crt" >/dev/null 2>&1 ||
	skip_all "openssl cannot make a certificate"
cat >"$T/backend.py" <<'EOP'
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode()
        with open(sys.argv[3], "a") as f:
            f.write(self.path + " " + self.headers.get("Authorization", "") + " " + body + "\n")
        self.send_response(201)
        self.end_headers()
    def log_message(self, *a):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s = http.server.HTTPServer(("10.20.0.2", 443), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
EOP
python3 "$T/backend.py" "$T/backend.crt" "$T/backend.key" "$T/posts" 2>>"$T/backend.err" &
bg_pid $!
touch "$T/posts"
i=0
until bash -c "exec 3<>/dev/tcp/10.20.0.2/443" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || skip_all "the backend did not start: $(cat "$T/backend.err")"
	sleep 0.1
done
mkdir -p /root/.ssh
cat >/root/.ssh/config <<EOF
Host gw1 gw1.rack.example.net 10.20.0.*
    IdentityFile $T/client_key
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
EOF

# ---- /etc/ztp: the ztp.yml(5) example itself (extracted below), the
# secrets file of ztp.yml(5), the shipped templates and variables
mkdir -p /etc/ztp
cp -r "$TOP/templates" /etc/ztp/templates
mv /etc/ztp/templates/vars /etc/ztp/vars
# the variables of the device of ztp-push(1), by its serial
# the variables of the world's devices, by serial: those of the shipped
# examples of their platforms
for d in CAT1234X5YZ:iosxe JN1234AB:junos JPE1234ABCD:eos FGL2231X0AB:iosxe; do
	sed "s/^hostname: .*/hostname: ${d%%:*}/" "/etc/ztp/vars/devices/example-${d#*:}.yml" \
		>"/etc/ztp/vars/devices/${d%%:*}.yml"
done
sed -i 's/^hostname: .*/hostname: cpe-iosxe-1/' /etc/ztp/vars/devices/CAT1234X5YZ.yml
cat >/etc/ztp/secrets.yml <<EOF
credentials:
- {name: factory, username: cisco, password: cisco}
- {name: provisioning, username: ztp, password: "$(cat "$T/ztp.pw")"}
backend_token: "t0ken"
EOF
chmod 600 /etc/ztp/secrets.yml

# ---- the blocks
# extract PAGE: $T/ex/PAGE.N for each .Bd -literal under .Sh EXAMPLES,
# with the mdoc escapes a reader sees resolved (\e is \, \& is nothing)
mkdir -p "$T/ex"
extract() {
	awk -v out="$T/ex/$(basename "$1")" '
		/^\.Sh / { ex = ($0 ~ /^\.Sh EXAMPLES/) }
		ex && /^\.Bd -literal/ { n++; inb = 1; f = out "." n; printf "" > f; next }
		inb && /^\.Ed/ { inb = 0; close(f); next }
		inb {
			l = $0
			gsub(/\\e/, "\001", l); gsub(/\\&/, "", l); gsub(/\\\(aq/, "\047", l)
			gsub(/\\-/, "-", l); gsub(/\001/, "\\", l)
			print l > f
		}' "$1"
}
for f in "$TOP"/man/*.[1-9]; do extract "$f"; done
# completed with the one thing the example cannot know: the private CA
# of the test's backend; and a minute per SSH step and per login, since
# the world runs beside the whole suite (a probe of three routers through
# the gateway passed the defaults under that load: 30 s for a command, then,
# once that was raised, 10 s for two hops' logins)
cp "$T/backend.crt" /etc/ztp/backend-ca.pem
sed -e '/^  url: /a\
  ca_file: /etc/ztp/backend-ca.pem' -e '/^ssh:$/a\
  timeout: 60\
  connect_timeout: 60' "$T/ex/ztp.yml.5.1" >/etc/ztp/ztp.yml

# ztp-flow as installed (a script in the tree)
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec sh %s/cmd/ztp-flow.sh "$@"\n' "$TOP" >"$T/bin/ztp-flow"
chmod 755 "$T/bin/ztp-flow"
PATH=$T/bin:$PATH

W=$T/w	# the reader's current directory
mkdir -p "$W"

# matches EXPECTED-FILE OUTPUT-FILE: each line of the page is a whole line
# of the output (leading and trailing blanks aside), in order; "..."
# within a line stands for anything, a line of only "..." for any number
# of lines.  With MATCH=part a page line may be part of an output line (a
# long line the page wraps).
matches() {
	python3 - "$1" "$2" "${MATCH:-line}" <<'EOF'
import re, sys
exp = open(sys.argv[1]).read().split("\n")
out = open(sys.argv[2]).read()
pos = 0
for line in exp:
    line = line.strip()
    if line in ("", "..."):
        continue
    parts = [re.escape(p.strip()) for p in line.split("...")]
    rx = r".*?".join(parts)
    if sys.argv[3] != "part":
        rx = r"^[ \t]*" + rx + r"[ \t]*$"
    rx = re.compile(rx, re.M)
    m = rx.search(out, pos)
    if not m:
        print("missing (in this order): " + line)
        sys.exit(1)
    pos = m.end()
EOF
}

# session KEY STATUS...: the "$ " commands of the block, one status each
session() {
	_key=$1
	shift
	_f=$T/ex/$_key
	_n=0
	python3 - "$_f" "$T/sess.$_key" <<'EOF'
import sys
cmds, cur, cont = [], None, False
for line in open(sys.argv[1]).read().split("\n"):
    if cont:
        cur[0] += "\n" + line
    elif line.startswith("$ "):
        cur = [line[2:], []]
        cmds.append(cur)
    elif cur is not None:
        cur[1].append(line)
    cont = cur is not None and not cur[1] and line.endswith("\\")
for i, (c, o) in enumerate(cmds):
    open("%s.%d.cmd" % (sys.argv[2], i + 1), "w").write(c + "\n")
    open("%s.%d.exp" % (sys.argv[2], i + 1), "w").write("\n".join(o) + "\n")
EOF
	for _want in "$@"; do
		_n=$((_n + 1))
		_c=$T/sess.$_key.$_n
		if [ ! -f "$_c.cmd" ]; then
			ok 1 "$_key: command $_n is not in the block"
			continue
		fi
		(cd "$W" && bash -o pipefail "$_c.cmd") >"$_c.out" 2>&1
		_rc=$?
		_line=$(head -n 1 "$_c.cmd")
		is "$_rc" "$_want" "$_key: \$ $_line: exit $_want"
		[ "$_rc" = "$_want" ] || diag "$(head -c 3000 "$_c.out")"
		if [ -n "$(tr -d ' \n' <"$_c.exp")" ]; then
			if _m=$(matches "$_c.exp" "$_c.out"); then
				ok 0 "$_key: \$ $_line: shows what the page shows"
			else
				ok 1 "$_key: \$ $_line: shows what the page shows"
				diag "$_m"
				diag "$(head -c 3000 "$_c.out")"
			fi
		fi
	done
	[ ! -f "$T/sess.$_key.$((_n + 1)).cmd" ] || ok 1 "$_key: more commands in the block than the table knows"
}

# commands KEY STATUS...: each line of the block is a command
commands() {
	_key=$1
	shift
	_n=0
	for _want in "$@"; do
		_n=$((_n + 1))
		_line=$(sed -n "${_n}p" "$T/ex/$_key")
		(cd "$W" && bash -o pipefail -c "$_line") >"$T/cmd.out" 2>&1
		_rc=$?
		is "$_rc" "$_want" "$_key: $_line: exit $_want"
		[ "$_rc" = "$_want" ] || diag "$(head -c 3000 "$T/cmd.out")"
	done
	is "$(wc -l <"$T/ex/$_key" | tr -d ' ')" "$_n" "$_key: every line of the block ran"
}

# installed KEY PATH...: a block not runnable here names what make install puts
D=$T/root
installed() {
	_key=$1
	shift
	if [ ! -d "$D" ]; then
		(cd "$TOP" && make -s install DESTDIR="$D") >"$T/inst.out" 2>&1 ||
			diag "make install: $(cat "$T/inst.out")"
	fi
	for _p in "$@"; do
		ok "$([ -e "$D$_p" ]; echo $?)" "$_key: $_p is installed"
	done
}

# script KEY STATUS: the block is one script (commands over several lines)
script() {
	(cd "$W" && bash -o pipefail "$T/ex/$1") >"$T/cmd.out" 2>&1
	_rc=$?
	is "$_rc" "$2" "$1: $(head -n 1 "$T/ex/$1")...: exit $2"
	[ "$_rc" = "$2" ] || diag "$(head -c 3000 "$T/cmd.out")"
}

# kexcheck_offers: the rack's saved offers of ztp-kexcheck(1), for the
# blocks that use them and run before the one that saves them (1.3)
kexcheck_offers() {
	[ -s "$W/offers.json" ] && return
	printf '10.20.0.17\n10.20.0.18\n10.20.0.19\n' >"$W/rack1.hosts"
	(cd "$W" && ztp-kexcheck -j 64 -o json <rack1.hosts >offers.json 2>/dev/null)
}

# ci_job KEY STATUS: a GitLab CI or GitHub Actions job: the commands of
# its script (GitLab) or run steps (GitHub) run as the runner would run
# them, the last one's status checked
ci_job() {
	python3 - "$T/ex/$1" >"$T/ci.sh" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
cmds = []
for name, job in doc.items():
    if name == "jobs":
        for j in job.values():
            cmds += [s["run"] for s in j.get("steps", []) if "run" in s]
    elif isinstance(job, dict) and "script" in job:
        cmds += job["script"]
print("\n".join(cmds))
EOF
	[ -n "$(tr -d ' \n' <"$T/ci.sh")" ] || { ok 1 "$1: the job has commands"; return; }
	(cd "$W" && bash -e -o pipefail "$T/ci.sh") >"$T/cmd.out" 2>&1
	_rc=$?
	is "$_rc" "$2" "$1: the job's $(tr '\n' ';' <"$T/ci.sh") exit $2"
	[ "$_rc" = "$2" ] || diag "$(head -c 3000 "$T/cmd.out")"
}

# todo WHY: a known failure (page and software disagree, the fix is not
# small): the block runs anyway and the test prints the mismatch; none now
# shellcheck disable=SC2317
todo() { diag "TODO $*"; }

# ---------------------------------------------------------------- the table
# cover KEY: runs the block, returns 1 when the table does not know it
cover() {
	case $1 in
	# ztp.yml(5): the example is /etc/ztp/ztp.yml of the world; every tool's
	# check accepts it, and the check the page shows runs on it
	ztp.yml.5.1)
		for c in "ztp-spool -T" "ztp-probe -T" "ztp-push -T" "ztp-kexcheck -T"; do
			run $c -c /etc/ztp/ztp.yml
			is "$rc" 0 "$1: $c accepts the example"
			[ "$rc" = 0 ] || diag "$err"
		done ;;
	ztp.yml.5.2)
		cp /etc/ztp/ztp.yml "$W/ztp.yml"
		commands "$1" 0 ;;
	ztp.7.1) commands "$1" 0 ;;
	ztp.7.2)
		commands "$1" 0 0
		like "$(cat "$T/cmd.out")" "3 devices replayed against libssh 0.11" "$1: the replay of the rack" ;;
	ztp.7.3)
		printf '10.20.0.17\n10.20.0.18\n10.20.0.19\n' >"$W/rack1.hosts"
		script "$1" 0
		like "$(cat "$T/cmd.out")" '"10.20.0.18","cisco_iosxe",' "$1: one CSV line per device"
		like "$(cat "$T/cmd.out")" '"10.20.0.17","juniper_junos",' "$1: with the platform of each" ;;
	ztp.7.4)
		script "$1" 0
		like "$(cat "$T/cmd.out")" "hostname cpe-iosxe-1" "$1: the configuration of the device" ;;
	ztp.7.5)
		# interactive (a person types ~. to leave): where the line goes
		run ztp-console -c "$W/console.yml" -T rack1:7
		is "$rc" 0 "$1: not runnable here (interactive); ztp-console -T finds the line" ;;
	# ztp-console(1): a rack's console line in ztp.yml
	ztp-console.1.1)
		{ printf 'spool: %s\n' /var/spool/ztp; cat "$T/ex/$1"; } >"$W/console.yml"
		run ztp-console -c "$W/console.yml" -T rack1:7
		is "$rc" 0 "$1: ztp-console -T accepts the racks: section"
		[ "$rc" = 0 ] || diag "$err"
		like "$out" "ts1.rack1" "$1: and the line goes to the terminal server" ;;
	# ztp-dhcpd(8): the rack's configuration, checked, then the daemon
	ztp-dhcpd.8.1)
		cp "$T/ex/$1" "$W/ztp.yml"
		run ztp-dhcpd -n -c "$W/ztp.yml"
		is "$rc" 0 "$1: ztp-dhcpd -n accepts the example"
		[ "$rc" = 0 ] || diag "$err" ;;
	ztp-dhcpd.8.2)
		cp "$T/ex/ztp-dhcpd.8.1" "$W/ztp.yml"
		# what the page says to do for dhcp.user with a spool made by root
		chown -R ztp /var/spool/ztp
		_l=$(sed -n 1p "$T/ex/$1")
		(cd "$W" && bash -c "$_l") >"$T/cmd.out" 2>&1
		is "$?" 0 "$1: $_l: exit 0"
		_l=$(sed -n 2p "$T/ex/$1")
		(cd "$W" && exec $_l) >"$T/dhcpd.out" 2>&1 &
		_p=$!
		bg_pid $_p
		i=0
		while kill -0 $_p 2>/dev/null && ! grep -q 'listening\|serving\|started' "$T/dhcpd.out" && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		ok "$(kill -0 $_p 2>/dev/null; echo $?)" "$1: $_l: the daemon runs"
		kill $_p 2>/dev/null
		wait $_p
		is "$?" 0 "$1: $_l: and stops cleanly on SIGTERM"
		diag "$(head -c 2000 "$T/dhcpd.out")" ;;
	ztp-dhcpd.8.3)
		like "$(cat "$T/ex/$1")" "=/usr/local/libexec/ztp/dnsmasq-script" "$1: a dnsmasq.conf line (not runnable here)"
		installed "$1" /usr/local/libexec/ztp/dnsmasq-script ;;
	ztp-dhcpd.8.4)
		installed "$1" /usr/local/lib/systemd/system/ztp-dhcpd.service ;;
	# ztp-flow(1)
	ztp-flow.1.1)
		installed "$1" /usr/local/lib/systemd/system/ztp-flow.timer /usr/local/lib/systemd/system/ztp-flow.service ;;
	ztp.7.6)
		# the cron line of ztp-flow(1) #2, run there
		is "$(cat "$T/ex/$1")" "$(cat "$T/ex/ztp-flow.1.2")" "$1: the cron line of ztp-flow(1)" ;;
	ztp-flow.1.2)
		installed "$1" /usr/local/share/ztp/examples/ztp-flow.cron
		like "$(cat "$D/usr/local/share/ztp/examples/ztp-flow.cron" 2>/dev/null)" "ztp-flow -q run" "$1: the cron file runs what the page shows"
		(cd "$W" && bash -c "$(sed 's/^\([^ ]* \)\{5\}//' "$T/ex/$1")") >"$T/cmd.out" 2>&1
		_rc=$?
		is "$_rc" 0 "$1: the cron job's command: exit 0"
		if [ "$_rc" != 0 ]; then
			diag "$(cat "$T/cmd.out")"
			for l in /var/spool/ztp/log/*.log; do diag "$l: $(tail -n 30 "$l")"; done
		fi ;;
	ztp-flow.1.3) commands "$1" 0 0 ;;
	ztp-flow.1.4)
		printf 'id: 0c-d9-96-aa-bb-cc\nip: 10.20.0.19\nerror: {kind: negotiation, message: no common kex}\n' |
			ztp-spool put failed >/dev/null 2>&1
		commands "$1" 0
		like "$(ztp-spool ls 2>&1 | tr -s ' ')" "0c-d9-96-aa-bb-cc discovered" "$1: the device is back in discovered" ;;
	# ztp-kexcheck(1): the incident, the fix checked, the rack's offers kept
	# and replayed; the stand-in router is OpenSSH, not Cisco, so its banner
	# differs (the only line the test maps)
	ztp-kexcheck.1.1)
		sed -i 's/SSH-2.0-Cisco-1.25/SSH-2.0-OpenSSH_.../' "$T/ex/$1"
		session "$1" 1
		# the fix it printed, in ~/.ssh/config above any "Host *": every
		# tool that connects to 10.20.0.17 negotiates from now on
		{ sed -n '/fix, in ~\/.ssh\/config/,/or once:/p' "$T/sess.$1.1.out" | sed '1d;$d;s/^    //'
			cat /root/.ssh/config; } >"$T/sshc" && cp "$T/sshc" /root/.ssh/config ;;
	ztp-kexcheck.1.2) session "$1" 0 ;;
	ztp-kexcheck.1.3)
		printf '10.20.0.17\n10.20.0.18\n10.20.0.19\n' >"$W/rack1.hosts"
		session "$1" 0
		is "$(wc -l <"$W/offers.json" | tr -d ' ')" 3 "$1: offers.json keeps one line per device" ;;
	ztp-kexcheck.1.4) session "$1" 0 ;;
	ztp-kexcheck.1.5)
		session "$1" 1
		like "$(cat "$T/sess.$1.1.out")" "10.20.0.17" "$1: names the device the update would cut off" ;;
	ztp-kexcheck.1.6)
		# the SHA-1 router of the rack cannot be reached by paramiko 5
		# whatever the setting: exit 1, and the way out is named
		session "$1" 1
		like "$(grep '10.20.0.17' "$T/sess.$1.1.out")" "10.20.0.17" "$1: the verdicts name the SHA-1 router"
		like "$(cat "$T/sess.$1.1.out")" "paramiko<5" "$1: and the way out for paramiko 5 (pin paramiko<5)" ;;
	ztp-kexcheck.1.7)
		session "$1" 0
		like "$(cat "$T/sess.$1.1.out")" "diffie-hellman-group14-sha1" "$1: the profile says what paramiko 5 removed" ;;
	ztp-kexcheck.1.8)
		# the rack's stand-in routers are OpenSSH: groups of 2048 bits and
		# more, RSA keys of 3072; paramiko 5 still loses the SHA-1 router
		session "$1" 0 1
		like "$(cat "$W/offers.json")" '"deep": {' "$1: the measurements are saved with the offers"
		like "$(cat "$T/sess.$1.2.out")" "paramiko-5.0: CANNOT CONNECT" "$1: the verdicts from the saved file" ;;
	# the incident's uv.lock (netmiko 4.6.0, paramiko 5.0.0) beside the
	# rack's offers: the guard fails and names the SHA-1 router
	ztp-kexcheck.1.9)
		cp "$TOP/tests/fixtures/lock/incident/uv.lock" "$W/uv.lock"
		session "$1" 0 1
		unlike "$(grep 'CUTS OFF' "$T/sess.$1.2.out")" "10.20.0.18" "$1: the modern devices are not named" ;;
	# the CI jobs: their commands, run in the repository of the example,
	# fail the pipeline on the incident's lock
	ztp-kexcheck.1.10 | ztp-kexcheck.1.11)
		# the blocks run in name order: 1.10 and 1.11 come before 1.3 and 1.9
		kexcheck_offers
		cp "$TOP/tests/fixtures/lock/incident/uv.lock" "$W/uv.lock"
		ci_job "$1" 1
		like "$(cat "$T/cmd.out")" "paramiko-5.0 CUTS OFF 1 device" "$1: the job's log names the device" ;;
	# this machine's packages, with the fix of 1.1 in ~/.ssh/config
	ztp-kexcheck.1.12)
		kexcheck_offers
		session "$1" 0 ;;
	# ztp-probe(1)
	ztp-probe.1.1)
		cp "$TOP/tests/fixtures/examples/ver.txt" "$TOP/tests/fixtures/examples/inv.txt" "$W/"
		# the page wraps the JSON line
		MATCH=part session "$1" 0 ;;
	ztp-probe.1.2)
		session "$1" 0
		like "$(cat "$T/sess.$1.1.out")" 'serial: JN1234AB' "$1: the facts of the JunOS router from its output" ;;
	ztp-probe.1.3)
		session "$1" 0
		for s in JN1234AB CAT1234X5YZ JPE1234ABCD; do
			like "$(cat "$T/sess.$1.1.out")" "\"serial\": \"$s\"" "$1: the facts of $s"
		done ;;
	ztp-probe.1.4)
		for r in 17:rack1 18:rack1 19:rack1; do
			printf 'id: r%s\nip: 10.20.0.%s\nrack: %s\n' "${r%%:*}" "${r%%:*}" "${r#*:}" | ztp-spool put discovered >/dev/null
		done
		session "$1" 0
		is "$(ztp-spool ls probed 2>&1 | grep -c '^r1[789] ')" 3 "$1: the three devices are in probed" ;;
	ztp-probe.1.5)
		for r in 1:18 2:19; do
			printf 'id: r%s\nip: 10.20.0.%s\n' "${r%%:*}" "${r#*:}" | ztp-spool put discovered >/dev/null
		done
		session "$1" 0
		like "$(cat "$T/sess.$1.1.out")" 'serial: JPE1234ABCD' "$1: the facts of r2" ;;
	ztp-probe.1.6)
		session "$1" 0
		like "$(cat "$T/sess.$1.1.out")" "factory" "$1: names the credential sets" ;;
	# ztp-push(1): the router pe1 has the record CAT1234X5YZ (its serial),
	# rej-1 refuses one line
	ztp-push.1.1)
		printf 'id: CAT1234X5YZ\nip: 10.20.0.18\nrack: rack1\nplatform: cisco_iosxe\nservice: internet-access\nfacts: {serial: CAT1234X5YZ}\n' |
			ztp-spool put probed >/dev/null
		printf 'id: rej-1\nip: 10.20.0.20\nplatform: cisco_iosxe\nservice: internet-access\nfacts: {serial: FGL2231X0AB}\n' |
			ztp-spool put probed >/dev/null
		session "$1" 0 ;;
	ztp-push.1.2) MATCH=part session "$1" 1 ;;	# the page wraps the line
	ztp-push.1.3) session "$1" 0 ;;
	ztp-push.1.4)
		mkdir -p "$W/templates"
		sed -n '2,/^\$ /p' "$T/ex/$1" | sed '$d' >"$W/templates/ios.j2"
		printf 'hostname: r1\ninterfaces:\n- {name: Gi1, ip: 10.0.0.1/24}\n' >"$W/r1.yml"
		session "$1" 0 0 ;;
	ztp-push.1.5) session "$1" 2 ;;
	# ztp-spool(1)
	ztp-spool.1.1)
		printf '#!/bin/sh\nexec cat\n' >"$W/my-filter"
		chmod 755 "$W/my-filter"
		commands "$1" 0 ;;
	ztp-spool.1.2)
		run ztp-spool -o json ls failed
		[ -n "$out" ] || printf 'id: f1\nip: 10.20.0.30\nerror: {kind: auth, message: wrong password}\n' | ztp-spool put failed >/dev/null
		commands "$1" 0 ;;
	ztp-spool.1.3)
		ztp-spool rm 0c-d9-96-aa-bb-cc >/dev/null 2>&1
		printf 'id: 0c-d9-96-aa-bb-cc\nip: 10.20.0.19\nerror: {kind: negotiation, message: no common kex}\n' |
			ztp-spool put failed >/dev/null 2>&1
		commands "$1" 0 ;;
	# ztp-spool(5): the record, as ztp-spool stores and shows it
	ztp-spool.5.1)
		# a spool of its own: in the world, 10.20.0.17 is another device
		ztp-spool -s "$T/spool5" init >/dev/null 2>&1
		run ztp-spool -s "$T/spool5" put probed <"$T/ex/$1"
		is "$rc" 0 "$1: ztp-spool put accepts the record"
		run ztp-spool -s "$T/spool5" show 0c-d9-96-aa-bb-cc
		like "$out" "serial: CAT1234X5YZ" "$1: and shows it" ;;
	# ztp-templates(7): the loop, rendered
	ztp-templates.7.1)
		cp "$T/ex/$1" "$W/loop.j2"
		printf 'interfaces:\n- {name: Gi1, ipv4: 10.0.0.1/24, mtu: 9000}\n- {name: Gi2}\n- {name: Gi3, enabled: false, mtu: 9216}\n' >"$W/loop.yml"
		run ztp-push --render loop.j2 --path "$W" --data "$W/loop.yml" --trim-blocks --lstrip-blocks
		is "$rc" 0 "$1: renders"
		is "$out" "interface Gi1
 ip address 10.0.0.1 255.255.255.0
interface Gi2
! largest MTU 9000" "$1: the loop skips the disabled interface, the namespace keeps the largest MTU" ;;
	*) return 1 ;;
	esac
	return 0
}

# the spool of the world, with the records the pages name
ztp-spool init >"$T/init.out" 2>&1 || diag "ztp-spool init: $(cat "$T/init.out")"

for f in "$T"/ex/*; do
	k=$(basename "$f")
	# EX_ONLY=REGEX: only the blocks whose key matches (while editing a page)
	if [ -n "${EX_ONLY:-}" ] && ! expr "$k" : "$EX_ONLY" >/dev/null; then continue; fi
	_t0=$(date +%s)
	cover "$k" || ok 1 "man/${k%.*} #${k##*.}: not covered"
	[ -z "${EX_TIME:-}" ] || diag "$k: $(($(date +%s) - _t0)) s"
done
# a table entry whose block is gone from its page is stale
sed -n 's/^\t\([a-z][a-z0-9.-]*\.[0-9][0-9]*\)\( | [a-z][a-z0-9.-]*\.[0-9]*\)*)[ \t].*$/\1/p; s/^\t\([a-z][a-z0-9.-]*\.[0-9][0-9]*\))$/\1/p' "$0" >"$T/keys"
while read -r k; do
	[ -f "$T/ex/$k" ] || ok 1 "the table's $k: no such block in man/${k%.*}"
done <"$T/keys"

# what the cron job's next pass would do last: the stage changes the
# pages made reach the backend of ztp.yml(5)
[ -n "${EX_ONLY:-}" ] || ztp-spool -q notify >"$T/notify.out" 2>&1 || diag "notify: $(cat "$T/notify.out")"
[ -n "${EX_ONLY:-}" ] ||
	like "$(cat "$T/posts")" "/api/ztp/devices Bearer t0ken {" "the backend of ztp.yml(5) was told about the devices"
done_testing
