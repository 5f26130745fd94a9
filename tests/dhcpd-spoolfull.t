#!/bin/sh
# dhcpd-spoolfull.t: the spool fills up (a small tmpfs) while ztp-dhcpd
# serves.  Devices are still acknowledged (their leases are on another
# file system), their records are refused with ENOSPC and kept; once space
# is freed, every acknowledged device gets its record and its notification
# file, without a restart, exactly once.  The adapter (--from-dnsmasq) on
# the same full spool exits 75 and says why.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces and a tmpfs"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
command -v perfdhcp >/dev/null 2>&1 || skip_all "no perfdhcp (kea-admin)"

. "$TOP/tests/netns.sh"
netns_pair ys
ip -n $C addr add 10.99.0.50/16 dev ${C}a

mkdir "$T/sz"
mount -t tmpfs -o size=512k,nr_inodes=4096 tmpfs "$T/sz" || skip_all "cannot mount a tmpfs"
on_exit "umount '$T/sz'"
SPOOL=$T/sz/spool
cat >"$T/ztp.yml" <<EOF2
spool: $SPOOL
backend:
  url: http://127.0.0.1:9/devices
dhcp:
  lease_dir: $T/leases
  rate_limit: {per_mac: 0, per_port: 0}
  subnets:
    lab: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.1.0-10.99.1.200,
          router: 10.99.0.1}
EOF2

ip netns exec $S "$D" -d -v -c "$T/ztp.yml" 2>>"$T/srv.log" &
srv=$!
bg_pid $srv
i=0
while [ $i -lt 50 ] && ! [ -e "$T/leases/leases.lock" ]; do sleep 0.1; i=$((i + 1)); done
# fill the spool's file system
dd if=/dev/zero of="$T/sz/filler" bs=4k >/dev/null 2>&1
sync
ip netns exec $C perfdhcp -4 -l ${C}a -r 20 -R 20 -n 40 -p 4 >"$T/perf.out" 2>&1
bound() { # devices acknowledged (the server holds the lease database)
	sed -n 's/.*DHCPREQUEST bound [0-9.]* //p' "$T/srv.log" | sort -u | wc -l
}
recs() { ls "$SPOOL/discovered" 2>/dev/null | grep -c '\.yml$'; }
notes() { ls "$T/leases/notify" 2>/dev/null | grep -c '\.json$'; }
sleep 1
nb=$(bound)
diag "$nb bound leases; $(grep -E 'received packets' "$T/perf.out" | tr '\n' ' ')"
ok "$([ "$nb" -ge 5 ] && echo 0 || echo 1)" "devices are acknowledged while the spool is full ($nb)"
is "$(recs)" 0 "no record fits"
like "$(cat "$T/srv.log")" "No space left on device" "the refusal is logged with its cause"
is "$(grep -c 'spool the record of' "$T/srv.log")" 1 "once, not per record"

# the adapter on the full spool: the record cannot be written, and it says so
cat >"$T/ad.yml" <<EOF2
spool: $SPOOL
dhcp:
  lease_dir: $T/adleases
EOF2
run "$D" --from-dnsmasq -c "$T/ad.yml" add 0c:00:00:00:aa:01 10.99.1.250
is "$rc" 75 "--from-dnsmasq on a full spool: exit 75"
like "$err" "No space left on device" "--from-dnsmasq says why"

rm -f "$T/sz/filler"
i=0
while [ $i -lt 150 ] && { [ "$(recs)" -lt "$nb" ] || [ "$(notes)" -lt "$nb" ]; }; do sleep 0.2; i=$((i + 1)); done
is "$(recs)" "$nb" "space freed: every acknowledged device gets its record, no restart"
is "$(notes)" "$nb" "and its notification is queued"
like "$(cat "$T/srv.log")" "the spool takes records again" "the recovery is logged"
kill $srv
wait $srv
is "$?" 0 "ztp-dhcpd stops cleanly"
is "$(ls "$SPOOL/ids" | grep -vc '^\.')" "$(recs)" "each record exactly once, no registered id without its record"
unlike "$(cat "$T/srv.log")" "made at the next start" "nothing left for a restart"
unlike "$(cat "$T/srv.log")" "AddressSanitizer" "no sanitizer reports"
done_testing
