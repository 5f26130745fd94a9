#!/bin/sh
# ztp-probe and ztp-push against hostile conditions, the device simulator
# behind a real OpenSSH sshd: the tool killed mid-push (SIGKILL, SIGTERM)
# leaves no worker behind and no second session; a probe worker killed
# alone leaves its record for the next pass; a device echoing secrets a
# byte at a time and across lines leaves none in the transcripts, nor its
# escape sequences; commits failing on a full spool do not probe a device
# twice in one pass.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
U=ztph$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"
PW=$(cat "$T/pw")
EN=en-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
O=$T/out	# written by the simulators, which run as the test user
mkdir -m 1777 "$O"

TP=$T/tpl
mkdir -p "$TP/cisco_iosxe" "$T/vars"
{
	printf 'hostname {{ hostname }}\n'
	i=1
	while [ $i -le 12 ]; do printf 'ntp server 192.0.2.%s\n' "$i"; i=$((i + 1)); done
	printf 'end\n'
} >"$TP/cisco_iosxe/svc.j2"
ln -s cisco_iosxe "$TP/cisco_ios"
printf 'hostname: cpe-unnamed\n' >"$T/vars/defaults.yml"

# one sshd, a port and a ForceCommand per device
PORTS="" MATCH="" first=""
for d in slowa:cisco_iosxe:SLOWA slowb:cisco_iosxe:SLOWB slowp:cisco_ios:SLOWP \
	leak:cisco_ios:LEAK1 leakpush:cisco_ios:LEAK2 full1:cisco_ios:FULL1 \
	full2:cisco_ios:FULL2 full3:cisco_ios:FULL3; do
	n=${d%%:*} rest=${d#*:}
	pf=${rest%%:*} sn=${rest#*:}
	p=$(free_port)
	extra=""
	case $n in
	slow*) extra="--slow 300" ;;
	leak*) extra="--ansi --user-mode --enable-secret $EN --echo-secrets --echo-slow 20 --motd 'login $PW'" ;;
	esac
	if [ -z "$first" ]; then first=$p; else PORTS="$PORTS|Port $p"; fi
	MATCH="$MATCH|Match LocalPort $p|  ForceCommand $SIM --platform $pf --serial $sn --hostname $n-r1 --record $O/rec-$n $extra"
	printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n' "$n" "$p" >>"$T/ssh_config"
done
IFS='|'
# shellcheck disable=SC2086
sshd_start devs "$first" ed25519 "PasswordAuthentication yes" "SetEnv SHLVL=5" ${PORTS#|} ${MATCH#|}
unset IFS
printf 'credentials:\n- {name: prov, username: %s, password: "%s"}\nenable: "%s"\n' "$U" "$PW" "$EN" \
	>"$T/secrets.yml"
chmod 600 "$T/secrets.yml"

# a configuration per scenario: its own spool
conf() { # conf NAME SPOOLDIR
	cat >"$T/$1.yml" <<EOF
spool: $2
secrets: $T/secrets.yml
ssh:
  timeout: 10
templates:
  path: [$TP]
  vars: $T/vars
services:
  svc: {description: the test service}
EOF
	ztp-spool -c "$T/$1.yml" init >/dev/null 2>&1
}
rec() { # rec NAME PLATFORM
	printf '{"id":"%s","ip":"%s","platform":"%s","service":"svc"}\n' "$1" "$1" "$2"
}
# the processes whose parent is $1
children() {
	for f in /proc/[0-9]*/stat; do
		{ read -r _pid _comm _st _ppid _rest <"$f"; } 2>/dev/null || continue
		[ "$_ppid" = "$1" ] && echo "$_pid"
	done
}
# alive and not a zombie
alive() {
	{ read -r _pid _comm _st _rest <"/proc/$1/stat"; } 2>/dev/null || return 1
	[ "$_st" != Z ]
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
gone() { ! alive "$1"; }
grep_q() { grep -q "$@" 2>/dev/null; }
logins() { grep -c "Accepted password for $U" "$T/devs/log"; }

# ---- D1: ztp-push killed mid-push (SIGKILL: what timeout -s KILL and the
# OOM killer do) leaves no worker configuring the device
conf ka "$T/ska"
rec slowa cisco_iosxe | ztp-spool -c "$T/ka.yml" put probed >/dev/null
ztp-push -c "$T/ka.yml" -F "$T/ssh_config" -d 60 --spool >"$T/ka.out" 2>"$T/ka.err" &
P=$!
bg_pid "$P"
wait_for 30 grep_q "connected" "$T/ska/log/slowa.log"
W=$(children "$P")
ok "$([ -n "$W" ]; echo $?)" "kill: the push has a worker"
like "$(ls -l "/proc/$W/fd/" 2>/dev/null)" "$T/ska/probed/.work/slowa.yml" \
	"kill: the worker holds its record's claim itself"
# mid-push: the device has taken a line of its configuration (killed at
# "connected", the simulator had sometimes not started: its record file
# did not exist and nothing was compared); the slow device takes seconds
# for the remaining lines
wait_for 30 test -s "$O/rec-slowa"
ok "$?" "kill: the device is receiving its configuration"
kill -KILL "$P"
wait "$P" 2>/dev/null
ok "$(wait_for 2 gone "$W"; echo $?)" "SIGKILL: the worker died with its parent"
sleep 1	# a line in flight when the worker died
n1=$(wc -c <"$O/rec-slowa")
sleep 3
is "$(wc -c <"$O/rec-slowa")" "$n1" "SIGKILL: nothing more was sent to the device"
alive "$W" && kill -KILL "$W"
run ztp-push -c "$T/ka.yml" -F "$T/ssh_config" -d 60 --spool
is "$rc" 0 "SIGKILL: the next pass pushes the record again"
[ "$rc" = 0 ] || diag "$err"
ok "$([ -f "$T/ska/configured/slowa.yml" ]; echo $?)" "SIGKILL: configured by the next pass"

# SIGTERM: the tool stops its worker, gives the record back, dies of it
conf kb "$T/skb"
rec slowb cisco_iosxe | ztp-spool -c "$T/kb.yml" put probed >/dev/null
# shellcheck disable=SC2016
sh -c 'trap "" HUP; exec "$@"' sh ztp-push -c "$T/kb.yml" -F "$T/ssh_config" -d 60 --spool \
	>"$T/kb.out" 2>"$T/kb.err" &
P=$!
bg_pid "$P"
wait_for 30 grep_q "connected" "$T/skb/log/slowb.log"
W=$(children "$P")
ok "$([ -n "$W" ]; echo $?)" "SIGTERM: the push has a worker"
kill -HUP "$P"
sleep 1
ok "$(alive "$P" && alive "$W"; echo $?)" "SIGHUP ignored as by nohup: stays ignored by the tool and its worker"
kill -TERM "$P"
wait "$P" 2>/dev/null # the shell's "Terminated": that death is what is tested
rc=$?
is "$rc" 143 "SIGTERM: the tool dies of the signal"
ok "$(gone "$W"; echo $?)" "SIGTERM: its worker was stopped before it exited"
alive "$W" && kill -KILL "$W"
ok "$([ -f "$T/skb/probed/slowb.yml" ]; echo $?)" "SIGTERM: the record is back in probed"
like "$(cat "$T/kb.err")" "slowb: stopped by signal 15 (left in probed for the next pass)" \
	"SIGTERM: says so"

# ---- D17: a probe worker killed alone: its record stays for the next pass
conf kp "$T/skp"
rec slowp cisco_ios | ztp-spool -c "$T/kp.yml" put discovered >/dev/null
ztp-probe -c "$T/kp.yml" -F "$T/ssh_config" -d 60 --spool >"$T/kp.out" 2>"$T/kp.err" &
P=$!
bg_pid "$P"
wait_for 30 grep_q "connected" "$T/skp/log/slowp.log"
W=$(children "$P")
[ -n "$W" ] && kill -KILL "$W"
wait "$P"
rc=$?
is "$rc" 75 "probe worker killed: exit 75"
ok "$([ -f "$T/skp/discovered/slowp.yml" ]; echo $?)" "probe worker killed: the record stays in discovered"
ok "$([ ! -f "$T/skp/failed/slowp.yml" ]; echo $?)" "probe worker killed: not in failed"
like "$(cat "$T/kp.err")" "killed by signal 9" "probe worker killed: says how"

# ---- D2, D14: a device that echoes the enable secret a byte at a time,
# broken across two lines, and prints the login password a byte at a time
conf lp "$T/slp"
rec leak cisco_ios | ztp-spool -c "$T/lp.yml" put discovered >/dev/null
run ztp-probe -c "$T/lp.yml" -F "$T/ssh_config" -d 60 --spool
is "$rc" 0 "leaky device: probed"
[ "$rc" = 0 ] || diag "$err"
L=$(cat "$T/slp/log/"*.log 2>/dev/null)
# the secret echoed across two lines is as bad as on one
J=$(printf %s "$L" | tr -d '\r\n')
like "$L" "enable" "leaky device: enable was used"
unlike "$J" "$EN" "probe: the enable secret echoed in pieces is not in the transcript"
unlike "$L" "$PW" "probe: the login password printed in pieces is not in the transcript"
like "$L" "<redacted>" "probe: redacted where it was"
ok "$(cat "$T/slp/log/"*.log | grep -c "$(printf '\033')")" "probe: no raw ESC in the transcript"
like "$L" '\x1b[' "probe: the device's escape sequences stored escaped"
unlike "$out$err" "$EN" "probe: nor on stdout or stderr"

conf lq "$T/slq"
rec leakpush cisco_ios | ztp-spool -c "$T/lq.yml" put probed >/dev/null
run ztp-push -c "$T/lq.yml" -F "$T/ssh_config" -d 60 --spool
is "$rc" 0 "leaky device: pushed"
[ "$rc" = 0 ] || diag "$err"
L=$(cat "$T/slq/log/"*.log 2>/dev/null)
# the secret echoed across two lines is as bad as on one
J=$(printf %s "$L" | tr -d '\r\n')
unlike "$J" "$EN" "push: the enable secret echoed in pieces is not in the transcript"
unlike "$L" "$PW" "push: the login password printed in pieces is not in the transcript"
like "$L" "<redacted>" "push: redacted where it was"
ok "$(cat "$T/slq/log/"*.log | grep -c "$(printf '\033')")" "push: no raw ESC in the transcript"

# ---- D12: commits failing on a full spool: no device probed twice
if mkdir -p "$T/full" && mount -t tmpfs -o size=256k tmpfs "$T/full" 2>/dev/null; then
	on_exit "umount '$T/full'"
	conf fu "$T/full/spool"
	for n in full1 full2 full3; do rec "$n" cisco_ios; done |
		ztp-spool -c "$T/fu.yml" put discovered >/dev/null
	dd if=/dev/zero of="$T/full/filler" bs=4k count=1000 2>/dev/null
	before=$(logins)
	run ztp-probe -c "$T/fu.yml" -F "$T/ssh_config" -d 60 -j 2 --spool
	after=$(logins)
	is "$rc" 75 "full spool: exit 75"
	like "$err" "No space left on device" "full spool: says why"
	ok "$([ $((after - before)) -le 3 ]; echo $?)" "full spool: at most one login per device in the pass ($((after - before)) for 3)"
	is "$(ls "$T/full/spool/discovered/" | sort | tr '\n' ' ')" "full1.yml full2.yml full3.yml " \
		"full spool: every record back in discovered, none claimed"
else
	ok 0 "# SKIP cannot mount a tmpfs"
fi

done_testing
