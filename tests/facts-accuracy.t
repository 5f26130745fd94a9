#!/bin/sh
# facts-accuracy.t: ztp-probe's facts against what the ntc-templates and
# genieparser tests expect for the same real device outputs
# ($SHARED/corpus/ntc, $SHARED/corpus/genie): serial, model, version,
# hostname and module serials, per platform; at least 98% of the fields
# the expected files hold must match.  The command is never given (it is
# recognised from the text); more passes check -P auto and the same
# outputs as terminal captures.
. "$(dirname "$0")/lib.sh"

[ -d "$SHARED/corpus/ntc" ] && [ -d "$SHARED/corpus/genie" ] ||
	skip_all "no corpus in $SHARED/corpus"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || skip_all "needs python3-yaml"

/usr/bin/python3 "$TOP/tests/facts-accuracy.py" "$BIN/ztp-probe" "$BUILD/tests/unit/h-facts" "$SHARED/corpus" >"$T/acc" 2>"$T/acc.err"
rc=$?
grep '^#' "$T/acc"
[ -s "$T/acc.err" ] && sed 's/^/# stderr: /' "$T/acc.err"
for p in cisco_ios cisco_iosxe cisco_xr cisco_nxos juniper_junos arista_eos huawei_vrp; do
	line=$(grep "^$p " "$T/acc")
	set -- $line
	ok "$([ "${2:-0}" -gt 0 ] && echo 0 || echo 1)" "$p: samples found in the corpus (${2:-0})"
	# percent with one decimal: compare tenths
	pct=${5:-0}
	tenths=$(echo "$pct" | tr -d .)
	ok "$([ "${3:-0}" -gt 0 ] && [ "$tenths" -ge 980 ] && echo 0 || echo 1)" \
		"$p: ${4:-0} of ${3:-0} expected fields match ($pct% >= 98%)"
	aline=$(grep "^auto $p " "$T/acc")
	set -- $aline
	ok "$([ "${3:-0}" -gt 0 ] && [ $((${4:-0} * 100)) -ge $((${3:-1} * 95)) ] && echo 0 || echo 1)" \
		"$p: -P auto tells the OS for ${4:-0} of ${3:-0} outputs (>= 95%)"
	vline=$(grep "^variant $p " "$T/acc")
	set -- $vline
	ok "$([ "${3:-0}" -gt 0 ] && [ "${3:-0}" = "${4:-x}" ] && echo 0 || echo 1)" \
		"$p: as terminal captures (echo, CRLF, indent, no final newline) the facts stay (${4:-0}/${3:-0})"
	tline=$(grep "^tool $p " "$T/acc")
	set -- $tline
	ok "$([ "${3:-0}" -gt 0 ] && [ "${3:-0}" = "${4:-x}" ] && echo 0 || echo 1)" \
		"$p: ztp-probe prints the same record (${4:-0}/${3:-0})"
done
n=$(sed -n 's/^robust //p' "$T/acc")
ok "$([ "${n:-0}" -gt 1000 ] && echo 0 || echo 1)" "every corpus output under every platform parses or is refused (${n:-0} runs)"
is "$rc" 0 "the accuracy script passes"
done_testing
