#!/bin/sh
# dhcpd-adapter.t: the record comes first.  --from-dnsmasq and --from-kea
# write the device record even when its notification cannot be queued (no
# queue directory) or sent (libcurl cannot be loaded); they exit 75 and say
# why.  And the daemon's start-up errors: on stderr without -d, exit 2 for
# a configuration error, 75 when -T cannot write its output.
. "$(dirname "$0")/lib.sh"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"

# a queue directory that cannot be made (its parent is a file: the lease
# directory is made with its parents otherwise)
: >"$T/afile"
cat >"$T/noq.yml" <<EOF2
spool: $T/spool
backend:
  url: http://127.0.0.1:9/devices
dhcp:
  lease_dir: $T/afile/leases
EOF2
run "$D" --from-dnsmasq -c "$T/noq.yml" add 0c:00:00:00:00:01 10.99.0.11 r1
is "$rc" 75 "no queue directory: exit 75"
like "$err" "notification" "no queue directory: it says the notification is the problem"
like "$(cat "$T/spool/discovered/0c-00-00-00-00-01.yml" 2>/dev/null)" "ip: 10.99.0.11" \
	"no queue directory: the record is written all the same"

cat >"$T/q.yml" <<EOF2
spool: $T/spool
backend:
  url: http://127.0.0.1:9/devices
dhcp:
  lease_dir: $T/leases
EOF2
ZTP_LIBCURL=/nonexistent/libcurl.so run "$D" --from-dnsmasq -c "$T/q.yml" add 0c:00:00:00:00:02 10.99.0.12
is "$rc" 75 "no libcurl: exit 75"
like "$err" "/nonexistent/libcurl.so" "no libcurl: it names the file"
like "$(cat "$T/spool/discovered/0c-00-00-00-00-02.yml" 2>/dev/null)" "ip: 10.99.0.12" \
	"no libcurl: the record is written all the same"
ok "$([ -s "$T/leases/notify/0c-00-00-00-00-02.json" ] && echo 0 || echo 1)" \
	"no libcurl: the notification waits in the queue for a later run"

LEASES4_SIZE=1 LEASES4_AT0_ADDRESS=10.99.0.13 LEASES4_AT0_HWADDR=0c:00:00:00:00:03 \
	ZTP_LIBCURL=/nonexistent/libcurl.so run "$D" --from-kea -c "$T/q.yml" leases4_committed
is "$rc" 75 "--from-kea, no libcurl: exit 75"
ok "$([ -f "$T/spool/discovered/0c-00-00-00-00-03.yml" ] && echo 0 || echo 1)" \
	"--from-kea, no libcurl: the record is written"

printf 'spool: [\n' >"$T/bad.yml"
run "$D" --from-dnsmasq -c "$T/bad.yml" add 0c:00:00:00:00:04 10.99.0.14
is "$rc" 2 "--from-dnsmasq with a broken configuration: exit 2"

# the daemon, without -d: start-up errors on stderr
printf 'spool: %s\n' "$T/spool" >"$T/nosub.yml"
run "$D" -c "$T/nosub.yml"
is "$rc" 2 "a configuration error: exit 2"
like "$err" "no subnet configured" "the configuration error is on stderr without -d"
unlike "$err" "line 0" "a key that is not in the file has no line (D17)"
run "$D" -n -c "$T/nope.yml"
is "$rc" 2 "-n: a missing configuration file: exit 2"
cat >"$T/ok.yml" <<EOF2
spool: $T/spool
dhcp:
  server_id: 10.99.0.1
  subnets:
    lab: {subnet: 10.99.0.0/24, range: 10.99.0.10-10.99.0.20}
EOF2
run "$D" -n -c "$T/ok.yml"
is "$rc" 0 "-n: a good configuration: exit 0"
if [ -w /dev/full ]; then
	"$D" -T -c "$T/ok.yml" >/dev/full 2>"$T/full.err"
	is "$?" 75 "-T to a full device: exit 75"
	like "$(cat "$T/full.err")" "No space left" "-T to a full device: says why"
fi
# dhcp.user without access to the spool: the error says the fix
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	chmod 711 "$T"
	mkdir -p "$T/rootspool"
	chmod 700 "$T/rootspool"
	cat >"$T/user.yml" <<EOF2
spool: $T/rootspool/spool
dhcp:
  user: nobody
  lease_dir: $T/uleases
  server_id: 10.99.0.1
  subnets:
    lab: {subnet: 10.99.0.0/24, range: 10.99.0.10-10.99.0.20}
EOF2
	run unshare -n "$D" -c "$T/user.yml"
	is "$rc" 75 "dhcp.user cannot open the spool: exit 75"
	like "$err" "chown -R nobody $T/rootspool/spool" "and the error says the fix"
fi
done_testing
