#!/bin/sh
# dhcpd-crash.t: perfdhcp load while ztp-dhcpd is killed with SIGKILL and
# restarted several times.  Every DHCPACK seen on the wire (a packet socket
# sniffer in the client namespace) must be in the lease database at the
# end, and no address may have been acknowledged to two clients.  Every
# acknowledged device has exactly one record in the spool: the records of
# devices acknowledged just before a SIGKILL (the lease was durable, the
# record not written yet) are made at the next start.  The records are
# written in group commits (ztp_spool_put_many) under this load: the diag
# at the end counts them (-vv logs each batch of more than one).
# Then a burst that overflows a record queue of 4 (dhcp.record_queue): the
# records that did not fit are made from their leases as the queue drains,
# each device exactly once.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
DUMP=$BUILD/tests/unit/h-leasedump
[ -x "$D" ] && [ -x "$DUMP" ] || skip_all "no $D or $DUMP"
command -v perfdhcp >/dev/null 2>&1 || skip_all "no perfdhcp (kea-admin)"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"

. "$TOP/tests/netns.sh"
netns_pair yk
ip -n $C addr add 10.99.0.50/16 dev ${C}a

cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
dhcp:
  lease_dir: $T/leases
  rate_limit: {per_mac: 0, per_port: 0}
  subnets:
    lab:
      subnet: 10.99.0.0/16
      interface: br0
      range: 10.99.1.0-10.99.254.254
      router: 10.99.0.1
EOF2

CONF=$T/ztp.yml SPOOL=$T/spool
ip netns exec $C /usr/bin/python3 "$TOP/tests/dhcp-sniff.py" ${C}a "$T/acks" &
bg_pid $!
start() {
	# compaction (in its thread) every 300 journal lines, checked each second
	ZTP_DHCPD_COMPACT=300 ip netns exec $S "$D" -d -vv -c "$CONF" 2>>"$T/srv.log" &
	srv=$!
	bg_pid $srv
}
# started: start, then until it serves (a TERM before that, while it
# opens its lease journal, ends it by the signal's default action)
started() {
	_n=$(grep -c 'serving' "$T/srv.log" 2>/dev/null)
	start
	_i=0
	while [ "$(grep -c 'serving' "$T/srv.log")" -le "${_n:-0}" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
started
ip netns exec $C perfdhcp -4 -l ${C}a -r 150 -R 60000 -p 7 -t 1 >"$T/perf.out" 2>&1 &
perf=$!
bg_pid $perf
kills=0
for n in 1 2 3 4 5 6; do
	sleep 0.8
	kill -KILL $srv 2>/dev/null && kills=$((kills + 1))
	wait $srv 2>/dev/null
	start
done
wait $perf
sleep 0.5
kill $srv
wait $srv
is "$?" 0 "the last ztp-dhcpd stops cleanly"
ok "$([ $kills -ge 5 ] && echo 0 || echo 1)" "ztp-dhcpd was killed $kills times under load"
sleep 0.3
run "$DUMP" "$T/leases"
is "$rc" 0 "the lease database opens after the crashes"
printf '%s\n' "$out" >"$T/db"
nack=$(sort -u "$T/acks" | wc -l)
diag "$nack distinct ACKs on the wire, $(grep -c ' bound ' "$T/db") bound leases in the database"
diag "$(grep -E 'sent packets|received packets' "$T/perf.out" | tr '\n' ' ')"
ok "$([ "$nack" -gt 100 ] && echo 0 || echo 1)" "perfdhcp got leases ($nack)"
missing=$(sort -u "$T/acks" | awk 'NR == FNR { if ($2 == "bound") b[$1 " " $3] = 1; next }
	!(($1 " " $2) in b) { print }' "$T/db" - | head -5)
is "$missing" "" "every acknowledged lease is in the database"
dup=$(sort -u "$T/acks" | awk '{print $1}' | uniq -d | head -5)
is "$dup" "" "no address acknowledged to two clients"
dupdb=$(awk '$2 == "bound" {print $1}' "$T/db" | sort | uniq -d | head -5)
is "$dupdb" "" "no address bound twice in the database"
like "$(cat "$T/srv.log")" "lease journal compacted" "the journal was compacted under load"
# one more start: it makes the records the killed servers owed
recs() { # the ids of the records in every stage (claimed ones too)
	ls "$SPOOL"/*/ "$SPOOL"/*/.work/ 2>/dev/null | sed -n 's/\.yml$//p'
}
missing_recs() { # acknowledged MACs without a record
	recs | awk 'NR == FNR { have[$1] = 1; next }
		{ id = $2; gsub(":", "-", id); if (!(id in have)) print $2 }' - "$T/acks" | sort -u
}
diag "$(missing_recs | wc -l) acknowledged devices without a record before the last start"
started
i=0
while [ $i -lt 300 ] && [ -n "$(missing_recs | head -1)" ]; do sleep 0.2; i=$((i + 1)); done
kill $srv
wait $srv
is "$?" 0 "the restarted ztp-dhcpd stops cleanly"
diag "$(grep -h 'had no device record yet' "$T/srv.log" | sed 's/.*ztp-dhcpd[^ ]* //' | tr '\n' ';')"
is "$(missing_recs | head -5)" "" "every acknowledged device has a record"
is "$(recs | sort | uniq -d | head -5)" "" "each exactly once in the spool"
is "$(ls "$SPOOL/ids" | wc -l)" "$(recs | wc -l)" "no registered id without its record"
unlike "$(cat "$T/srv.log")" "AddressSanitizer" "no sanitizer reports"
diag "$(grep -c 'device records in one commit' "$T/srv.log") record batches of more than one, the largest $(sed -n 's/.*writing \([0-9]*\) device records in one commit.*/\1/p' "$T/srv.log" | sort -n | tail -1)"

# the burst: a fresh server whose record queue holds 4
sed -e "s#^spool: .*#spool: $T/spool2#" -e "s#^  lease_dir: .*#  lease_dir: $T/leases2\\
  record_queue: 4#" "$T/ztp.yml" >"$T/ztp2.yml"
CONF=$T/ztp2.yml SPOOL=$T/spool2
: >"$T/acks"
: >"$T/srv.log"
started
ip netns exec $C perfdhcp -4 -l ${C}a -r 1500 -R 60000 -p 2 -t 1 >"$T/perf2.out" 2>&1
i=0
while [ $i -lt 300 ] && [ -n "$(missing_recs | head -1)" ]; do sleep 0.2; i=$((i + 1)); done
kill $srv
wait $srv
is "$?" 0 "after the burst, ztp-dhcpd stops cleanly"
nack=$(sort -u "$T/acks" | wc -l)
ok "$([ "$nack" -gt 100 ] && echo 0 || echo 1)" "the burst got leases ($nack)"
like "$(cat "$T/srv.log")" "record queue full (4 waiting)" "the queue of 4 overflowed, and said so"
like "$(cat "$T/srv.log")" "leases had no device record yet: writing them" "the missing records were made as it drained"
is "$(missing_recs | head -5)" "" "every device of the burst has a record"
is "$(recs | sort | uniq -d | head -5)" "" "each exactly once"
is "$(ls "$SPOOL/ids" | wc -l)" "$(recs | wc -l)" "no registered id without its record"
unlike "$(cat "$T/srv.log")" "AddressSanitizer" "no sanitizer reports"
done_testing
