#!/bin/sh
# flow-watch.t: ztp-flow watch passes on its timer, and at once when a
# tool of its host puts work into the spool.  The spool library writes a
# line to the FIFO lock/flow.wake, which wakes only the watchers of its
# own host; a record another host puts into a stage comes with no wake-up
# at all (ztp-spool(5) "Several hosts").  First a record appears in
# discovered as another host's would (renamed in, no tool of this host,
# nothing on the FIFO) while watch waits: its timer finds it.  Then, with
# a timer of ten minutes, `ztp-spool put` wakes it.  The devices do not
# answer (a closed port), so a pass that picks a record up moves it to
# failed.  A missed wake-up costs the interval, never a record.
. "$(dirname "$0")/lib.sh"
command -v flock >/dev/null || skip_all "flock(1) is not installed"
FLOW="sh $TOP/cmd/ztp-flow.sh"
PDEAD=$(free_port)
printf 'Host dev-dead\n  HostName 127.0.0.1\n  Port %s\n' "$PDEAD" >"$T/ssh_config"
printf 'credentials:\n- {name: prov, username: nobody, password: "x"}\n' >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
secrets: $T/secrets.yml
ssh: {timeout: 5, config: $T/ssh_config, known_hosts: accept-new}
flow: {retries: 0}
EOF2
export ZTP_CONFIG="$T/ztp.yml"
ztp-spool init

# a watcher stuck on the FIFO is let go at the end
on_exit "timeout 1 sh -c 'echo >\"\$1\"' sh '$T/spool/lock/flow.wake' 2>/dev/null"
$FLOW -v watch -i 1 2>"$T/watch.err" &
w=$!
bg_pid $w
# its first pass is over (an empty spool) and it waits
i=0
while [ $i -lt 100 ] && ! [ -p "$T/spool/lock/flow.wake" ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
printf 'id: 0c-d9-96-06-00-01\nmac: 0c:d9:96:06:00:01\nip: dev-dead\nservice: internet-access\n' \
	>"$T/spool/tmp/other-host.yml"
mv "$T/spool/tmp/other-host.yml" "$T/spool/discovered/0c-d9-96-06-00-01.yml"
is "$(ztp-spool ls discovered | grep -c 0c-d9-96-06-00-01)" 1 "a record appears in discovered, no wake-up written"
i=0
while [ $i -lt 300 ] && ! [ -e "$T/spool/failed/0c-d9-96-06-00-01.yml" ]; do
	sleep 0.1
	i=$((i + 1))
done
like "$(ztp-spool ls failed)" "0c-d9-96-06-00-01" "watch's timer picks it up: probed, failed (its device does not answer)"
is "$(ztp-spool ls | grep -c 0c-d9-96-06-00-01)" 1 "one record"
kill $w
i=0
while [ $i -lt 50 ] && kill -0 $w 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $w 2>/dev/null; then
	kill -9 $w
	st=124
else
	wait $w
	st=$?
fi
is "$st" 0 "watch stops on SIGTERM with 0"
like "$(cat "$T/watch.err")" "a pass every 1s" "it says it passes on its timer"

# ---- a tool of this host wakes it: a timer of ten minutes, a record put
$FLOW -v watch -i 600 2>"$T/watch2.err" &
w=$!
bg_pid $w
i=0
while [ $i -lt 100 ] && ! grep -q "notify" "$T/watch2.err"; do sleep 0.1; i=$((i + 1)); done
sleep 1
printf 'mac: 0c:d9:96:06:00:02\nip: dev-dead\nservice: internet-access\n' | ztp-spool put discovered
i=0
while [ $i -lt 600 ] && ! [ -e "$T/spool/failed/0c-d9-96-06-00-02.yml" ]; do
	sleep 0.1
	i=$((i + 1))
done
like "$(ztp-spool ls failed)" "0c-d9-96-06-00-02" \
	"ztp-spool put wakes the watcher: the record is handled long before its ten-minute timer"
# a stop while it waits ends it at once, not after the interval (systemd's
# stop, then its SIGKILL, would otherwise be what ends it)
sleep 1
kill $w
i=0
while [ $i -lt 100 ] && kill -0 $w 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
ok "$(kill -0 $w 2>/dev/null && echo 1 || echo 0)" "SIGTERM during a ten-minute wait stops watch (within 10 s)"
done_testing
