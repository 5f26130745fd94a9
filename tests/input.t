#!/bin/sh
# The operand rule (lib/input.h, ztp(7) Operands) as the tools show it:
# records with or without a leading ---, JSON lines, host lines, record
# files and spool ids, for ztp-kexcheck and ztp-probe alike.  No device
# answers: the port that ssh_config gives refuses, which is enough to see
# which host and port each tool took.
# $K and $PR are commands with their options, split on purpose:
# shellcheck disable=SC2086
. "$(dirname "$0")/lib.sh"

P=$(free_port)
printf 'Host 127.0.0.1\n  Port %s\n' "$P" >"$T/ssh_config"
printf 'spool: %s/spool\nssh:\n  config: %s/ssh_config\n' "$T" "$T" >"$T/ztp.yml"
ztp-spool -c "$T/ztp.yml" init >/dev/null 2>&1
printf 'id: s1\nip: 127.0.0.1\n' | ztp-spool -c "$T/ztp.yml" put probed
K="ztp-kexcheck -c $T/ztp.yml -t 2"

# ---- ztp-kexcheck
run_in 'id: r1
ip: 127.0.0.1
' $K
is "$rc" 75 "kexcheck: a YAML record without --- is scanned (refused: 75)"
like "$out" "r1 (127.0.0.1:$P)" "kexcheck: the record's label has the port scanned (ssh_config's)"
unlike "$out" "127.0.0.1:22" "kexcheck: not :22"
run_in '---
id: r2
ip: 127.0.0.1
' $K -o json
like "$out" "\"target\": \"r2 (127.0.0.1:$P)\"" "kexcheck: a record with --- too, in JSON"
like "$out" "\"port\": $P" "kexcheck: JSON port is the one scanned"
run_in '# the rack
127.0.0.1

127.0.0.1:'"$P"'   # again, with the port
' $K
like "$out" "2 hosts" "kexcheck: host lines, comments and blank lines skipped"
run $K s1
like "$out" "s1 (127.0.0.1:$P)" "kexcheck: a spool id is its record"
unlike "$err" "not looked up" "kexcheck: no warning when the spool is read"
mkdir "$T/notaspool"
run env ZTP_SPOOL="$T/notaspool" $K s1
like "$err" "operands are not looked up as records: cannot use spool '$T/notaspool': it is not a spool" \
	"kexcheck: a spool that is there but unusable is said, not silently skipped"
run env ZTP_SPOOL="$T/nospool" $K 127.0.0.1
unlike "$err" "not looked up" "kexcheck: no spool at all (off the gateway): no warning"
printf 'id: f1\nip: 127.0.0.1\n---\nid: f2\nip: 127.0.0.1\n' >"$T/recs.yml"
run $K "$T/recs.yml"
like "$out" "f1 (127.0.0.1:$P)" "kexcheck: a record file, first record"
like "$out" "f2 (127.0.0.1:$P)" "kexcheck: a record file, second record"
printf '{"id": "j1", "ip": "127.0.0.1"}\n' | $K - >"$T/j.out" 2>&1
like "$(cat "$T/j.out")" "j1 (127.0.0.1:$P)" "kexcheck: - reads JSON lines"
run $K 'bad host'
is "$rc" 2 "kexcheck: a bad host operand: exit 2"

# ---- ztp-probe, the same rule
PR="ztp-probe -c $T/ztp.yml -d 10"
run_in '127.0.0.1
' $PR -o json
is "$rc" 1 "probe: a host line on stdin is probed (refused: 1)"
like "$out" '"id": "127.0.0.1"' "probe: the host line became a record"
like "$out" '"kind": "refused"' "probe: and was tried"
run_in 'id: r3
ip: 127.0.0.1
' $PR -o json
like "$out" '"id": "r3"' "probe: a YAML record without --- on stdin"
run $PR -o json s1 "$T/recs.yml"
like "$out" '"id": "s1"' "probe: a spool id is its record"
like "$out" '"id": "f2"' "probe: every record of a record file"
run $PR "127.0.0.1:$P"
is "$rc" 2 "probe: host:port is refused (a record has no place for the port)"
like "$err" "cannot use the port of '127.0.0.1:$P'" "probe: says why and where the port goes"
done_testing
