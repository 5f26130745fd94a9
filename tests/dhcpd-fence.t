#!/bin/sh
# dhcpd-fence.t: the spool's network filesystem fences the DHCP server's
# host (ztp-spool(5) "Several hosts"; the fence is the LD_PRELOAD shim
# tests/unit/fence.c, on the spool's directory only: the lease journal is
# on a local disk).  ztp-dhcpd hands out no more addresses whose records
# it cannot write: it says so on one line with the fix, stops cleanly and
# exits 75 (the unit's Restart=on-failure brings it back); started again
# on the spool, it makes the record its lease owes, exactly once, whether
# the fenced rename had happened or not.  The adapters exit 75 and try
# nothing more on the spool.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
D=$BIN/ztp-dhcpd
SHIM=$TOP/tests/unit/fence.so
[ -x "$D" ] || skip_all "no $D"
[ -f "$SHIM" ] || skip_all "no $SHIM (make)"
for c in ip /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
. "$TOP/tests/netns.sh"
netns_pair zf

# the shim compares real paths
SP=$(cd "$T" && pwd -P)/spool
cat >"$T/ztp.yml" <<EOF2
spool: $SP
dhcp:
  lease_dir: $T/leases
  lease_time: 1h
  rate_limit: {per_mac: 0, per_port: 0}
  subnets:
    rack1: {subnet: 10.99.0.0/16, interface: br0, range: 10.99.0.100-10.99.0.149}
EOF2
ztp-spool -s "$SP" init
# start [SPEC]: the server, fenced by SPEC when given
start() {
	if [ -n "${1:-}" ]; then
		ZTP_FENCE=$1 ZTP_FENCE_UNDER=$SP LD_PRELOAD=$SHIM \
		ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
			ip netns exec $S "$D" -d -v -c "$T/ztp.yml" 2>"$T/srv.log" &
	else
		ip netns exec $S "$D" -d -v -c "$T/ztp.yml" 2>"$T/srv.log" &
	fi
	srv=$!
	bg_pid $srv
	i=0
	while [ $i -lt 50 ] && ! grep -q serving "$T/srv.log"; do
		sleep 0.1
		i=$((i + 1))
	done
}
# ends: st is the server's exit status once it stopped by itself (124:
# it did not)
ends() {
	i=0
	while [ $i -lt 100 ] && kill -0 $srv 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 $srv 2>/dev/null; then
		kill $srv
		wait $srv
		st=124
		return
	fi
	wait $srv
	st=$?
}
dora() { ip netns exec $C /usr/bin/python3 "$TOP/tests/dhcp-dora.py" "$@"; }
acked() { printf '%s\n' "$1" | sed -n 's/^acked //p'; }
recs() { ls "$SP/discovered" | grep -c '\.yml$'; }
log() { cat "$T/srv.log"; }

# the record's rename is fenced before it happened
start "rename:ESHUTDOWN:discovered/"
is "$(acked "$(dora ${C}a macs 1 10 2)")" 1 "a device gets its address (its lease is on disk)"
ends
is "$st" 75 "the fenced server stops by itself with exit 75"
like "$(log)" "spool unreachable (fenced): rename '$SP/tmp/" "it says the spool is unreachable and what failed"
like "$(log)" "stopping: the leases stay in '$T/leases'" "that it stops, and where the leases are"
like "$(log)" "mount the spool '$SP' again, then start ztp-dhcpd" "and what to do"
is "$(grep -c 'spool unreachable' "$T/srv.log")" 1 "one line, no retries of the put"
like "$(log)" "1 device records not written yet: made at the next start" "the record owed is counted"
is "$(recs)" 0 "no record in the spool"
cp "$T/srv.log" "$T/srv1.log"

start
i=0
while [ $i -lt 50 ] && [ "$(recs)" != 1 ]; do sleep 0.1; i=$((i + 1)); done
is "$(recs)" 1 "started on the spool again, it writes the record the lease owes"
like "$(log)" "1 leases had no device record yet" "made from the lease"
kill $srv
wait $srv
is "$?" 0 "and stops cleanly"
first=$(ls "$SP/discovered")

# the rename happened, and the call still failed (a network filesystem
# may answer so): the next start finds the record, no second one
start "rename+:EIO:discovered/"
is "$(acked "$(dora ${C}a macs 1 10 2)")" 1 "a second device gets its address"
ends
is "$st" 75 "fenced after the rename, the server stops with exit 75 too"
like "$(log)" "spool unreachable (fenced): rename '$SP/tmp/" "saying why"
is "$(recs)" 2 "the record did move"
start
sleep 1
kill $srv
wait $srv
is "$?" 0 "started again, it serves and stops cleanly"
unlike "$(log)" "had no device record yet" "it makes no record: both devices have theirs"
is "$(recs)" 2 "each record once"
is "$(ls "$SP/ids" | grep -vc '^\.')" 2 "each id registered once"
like "$(ls "$SP/discovered")" "$first" "the first device's record is one of them"

# the adapters: exit 75, the first fenced put stops them
fenced() {
	_spec=$1
	shift
	ZTP_FENCE=$_spec ZTP_FENCE_UNDER=$SP LD_PRELOAD=$SHIM \
	ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" "$@"
}
cat >"$T/ad.yml" <<EOF2
spool: $SP
dhcp:
  lease_dir: $T/adleases
EOF2
run fenced "rename:ENOTCONN:discovered/" "$D" --from-dnsmasq -c "$T/ad.yml" add 0c:00:00:00:fe:01 10.99.0.201
is "$rc" 75 "--from-dnsmasq fenced: exit 75"
like "$err" "spool the record of '0c-00-00-00-fe-01': spool unreachable (fenced): rename " \
	"--from-dnsmasq says the spool is unreachable"
like "$err" "mount the spool '$SP' again" "and the fix"
LEASES4_SIZE=2 LEASES4_AT0_ADDRESS=10.99.0.202 LEASES4_AT0_HWADDR=0c:00:00:00:fe:02 \
LEASES4_AT1_ADDRESS=10.99.0.203 LEASES4_AT1_HWADDR=0c:00:00:00:fe:03 \
	run fenced "rename:ESTALE:discovered/" "$D" --from-kea -c "$T/ad.yml" leases4_committed
is "$rc" 75 "--from-kea fenced: exit 75"
is "$(printf '%s\n' "$err" | grep -c 'spool unreachable')" 1 "the second lease is not tried"
is "$(recs)" 2 "no record written by the fenced adapters"
LEASES4_SIZE=2 LEASES4_AT0_ADDRESS=10.99.0.202 LEASES4_AT0_HWADDR=0c:00:00:00:fe:02 \
LEASES4_AT1_ADDRESS=10.99.0.203 LEASES4_AT1_HWADDR=0c:00:00:00:fe:03 \
	run "$D" --from-kea -c "$T/ad.yml" leases4_committed
is "$rc" 0 "the same event on the spool again: exit 0"
is "$(recs)" 4 "both records written"
unlike "$(cat "$T/srv1.log" "$T/srv.log")" "AddressSanitizer" "no sanitizer reports"
done_testing
