#!/bin/sh
# lease-crash.t: the lease database keeps every acknowledged lease when the
# process dies with SIGKILL at any moment (mid-write, mid-sync, during a
# compaction in a thread), and never gives one address to two clients.
. "$(dirname "$0")/lib.sh"

H=$BUILD/tests/unit/h-leasecrash
[ -x "$H" ] || skip_all "no $H (run make check-build)"
db=$T/db
rounds=${ZTP_CRASH_ROUNDS:-30}
i=0
rc=0
out=
err=
acked=0
torn=0
while [ $i -lt $rounds ]; do
	"$H" run "$db" >"$T/acked.$i" 2>"$T/err.$i" &
	pid=$!
	bg_pid $pid
	ms=$(( $(od -An -N2 -tu2 /dev/urandom) % 400 + 30 ))
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ -s "$T/err.$i" ]; then
		diag "run $i: $(cat "$T/err.$i")"
		rc=1
		break
	fi
	# every third round, a crash in the middle of a write (power loss):
	# a partial record at the end of the live journal
	if [ $((i % 3)) = 1 ]; then
		g=$(ls "$db" | sed -n 's/^leases\.jnl\.//p' | sort -n | tail -1)
		[ -z "$g" ] || printf '%s' "$(( 900000 + i )) B 10.0.7" \
		    >>"$db/leases.jnl.$g"
	fi
	run "$H" check "$db" "$T"/acked.*
	[ "$rc" = 0 ] || break
	case $out in *", 0 torn bytes"*) ;; *) torn=$((torn + 1)) ;; esac
	i=$((i + 1))
done
# a loaded machine may kill every round before the first compaction: one
# more round that lives until a snapshot exists (bounded), then dies too
if [ "$rc" = 0 ] && [ ! -f "$db/leases.snap" ]; then
	"$H" run "$db" >"$T/acked.last" 2>"$T/err.last" &
	pid=$!
	bg_pid $pid
	k=0
	while [ ! -f "$db/leases.snap" ] && [ $k -lt 600 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.1
		k=$((k + 1))
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	run "$H" check "$db" "$T"/acked.*
fi
is "$rc" 0 "every acknowledged lease is there after each of $rounds SIGKILLs"
if [ "$rc" != 0 ]; then
	printf '%s\n' "$out" | head -20 | sed 's/^/# /'
	printf '%s\n' "$err" | head -40 | sed 's/^/# /'
fi
like "$out" "checked" "the checker ran"
diag "$out"
acked=$(cat "$T"/acked.* | wc -l)
ok "$([ "$acked" -gt "$rounds" ] && echo 0 || echo 1)" "leases were acknowledged ($acked)"
ok "$([ -f "$db/leases.snap" ] && echo 0 || echo 1)" "a compaction ran"
ok "$([ "$torn" -gt 0 ] && echo 0 || echo 1)" "torn records were cut off ($torn times)"
done_testing
