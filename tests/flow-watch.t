#!/bin/sh
# flow-watch.t: ztp-flow watch passes on its timer, not only on wake-ups.
# A FIFO byte (lock/flow.wake) wakes only the watchers of its own host;
# a record another host puts into a stage comes with no wake-up at all
# (ztp-spool(5) "Several hosts").  Here a record is put by another
# process, with nothing written to the FIFO, into discovered while watch
# waits; its device does not answer (a closed port), so the pass that
# picks it up moves it to failed.  A missed wake-up costs the interval,
# never a record.
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
printf 'mac: 0c:d9:96:06:00:01\nip: dev-dead\nservice: internet-access\n' | ztp-spool put discovered
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
done_testing
