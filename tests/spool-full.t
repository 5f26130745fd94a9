#!/bin/sh
# ztp-spool take on a full disk (a small tmpfs): it prints only records it
# holds with a lease; none leased, it prints nothing, gives them back and
# exits 75 naming the spool and the cause.
. "$(dirname "$0")/lib.sh"
need_root "mounts a tmpfs"
export ZTP_CONFIG=/dev/null
mkdir -p "$T/full"
mount -t tmpfs -o size=128k tmpfs "$T/full" 2>/dev/null || skip_all "cannot mount a tmpfs"
on_exit "umount '$T/full'"
S=$T/full/spool
sp() { ztp-spool -s "$S" "$@"; }
sp init >/dev/null 2>&1
i=1
while [ $i -le 20 ]; do
	printf -- '---\nid: dev%s\nip: 10.20.0.%s\n' "$i" "$i"
	i=$((i + 1))
done >"$T/recs.yml"
run sp put discovered "$T/recs.yml"
is "$rc" 0 "twenty records put"
dd if=/dev/zero of="$T/full/filler" bs=4k count=100 2>/dev/null

run sp take -n 5 discovered
is "$rc" 75 "take on a full disk: exit 75"
is "$out" "" "take on a full disk: prints no record it does not hold"
like "$err" "'$S/discovered'" "take on a full disk: names the spool"
like "$err" "No space left on device" "take on a full disk: and the cause"
is "$(echo "$err" | grep -c 'cannot take')" 1 "take on a full disk: stops at the first failure"
is "$(ls "$S/discovered" | wc -l)" 20 "take on a full disk: every record still waits in discovered"
is "$(ls -A "$S/discovered/.work" | wc -l)" 0 "take on a full disk: none claimed, no lease"

rm -f "$T/full/filler"
run sp take -n 5 discovered
is "$rc" 0 "space again: take succeeds"
is "$(echo "$out" | grep -c '^id:')" 5 "space again: five records"
is "$(ls "$S/discovered/.work/"*.lease | wc -l)" 5 "space again: each with its lease"

done_testing
