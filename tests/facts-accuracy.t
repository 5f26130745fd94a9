#!/bin/sh
# facts-accuracy.t: ztp-probe's facts against what the ntc-templates and
# genieparser tests expect for the same real device outputs
# ($SHARED/corpus/ntc, $SHARED/corpus/genie), and against what our own
# outputs of the failure classes the corpus lacks hold
# (tests/fixtures/facts), scored by precision, recall and F1 per field, per
# sample and per platform (tests/facts-accuracy.py): F1 >= 0.97 pooled
# (micro) and averaged over the samples (macro), overall and for every
# field, and for every sample.  The command is never given (it is recognised from
# the text); more passes check -P auto and the same outputs as terminal
# captures.  Then the scorer itself: deliberately sloppy parsers must fail.
. "$(dirname "$0")/lib.sh"

[ -d "$SHARED/corpus/ntc" ] && [ -d "$SHARED/corpus/genie" ] ||
	skip_all "no corpus in $SHARED/corpus"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || skip_all "needs python3-yaml"

acc="$TOP/tests/facts-accuracy.py"
/usr/bin/python3 "$acc" "$BIN/ztp-probe" "$BUILD/tests/unit/h-facts" "$SHARED/corpus" >"$T/acc" 2>"$T/acc.err"
rc=$?
grep '^#' "$T/acc"
[ -s "$T/acc.err" ] && sed 's/^/# stderr: /' "$T/acc.err"
# 1 when $1 >= 0.97 ("-": nothing scored)
ge97() {
	awk -v x="$1" 'BEGIN { exit !(x != "-" && x + 0 >= 0.97) }' && echo 0 || echo 1
}
n=$(sed -n 's/^skipped //p' "$T/acc")
ok "$([ -n "$n" ] && echo 0 || echo 1)" "the samples not scored are counted (${n:-?}) and printed with the reason"
for p in cisco_ios cisco_iosxe cisco_xr cisco_nxos juniper_junos arista_eos huawei_vrp; do
	# shellcheck disable=SC2046  # the fields of the line
	set -- $(grep "^score $p " "$T/acc")
	ok "$([ "${3:-0}" -gt 0 ] && echo 0 || echo 1)" "$p: samples found in the corpus (${3:-0})"
	ok "$(ge97 "${4:--}")" "$p: F1 over every field pooled ${4:-?} >= 0.97"
	ok "$(ge97 "${5:--}")" "$p: F1 averaged over the samples ${5:-?} >= 0.97"
	bad=$(awk -v p="$p" '$1 == "field" && $2 == p {
		for (i = 7; i <= 8; i++) if ($i == "-" || $i + 0 < 0.97) { print $3 " " $7 "/" $8; break } }' "$T/acc" | tr '\n' ' ')
	nf=$(grep -c "^field $p " "$T/acc")
	ok "$([ "$nf" -gt 0 ] && [ -z "$bad" ] && echo 0 || echo 1)" \
		"$p: every field's F1 >= 0.97, pooled and averaged ($nf fields${bad:+; below: $bad})"
	# shellcheck disable=SC2046  # the fields of the line
	set -- $(grep "^auto $p " "$T/acc")
	ok "$([ "${3:-0}" -gt 0 ] && [ $((${4:-0} * 100)) -ge $((${3:-1} * 95)) ] && echo 0 || echo 1)" \
		"$p: -P auto tells the OS for ${4:-0} of ${3:-0} outputs (>= 95%)"
	# shellcheck disable=SC2046  # the fields of the line
	set -- $(grep "^variant $p " "$T/acc")
	ok "$([ "${3:-0}" -gt 0 ] && [ "${3:-0}" = "${4:-x}" ] && echo 0 || echo 1)" \
		"$p: as terminal captures (echo, CRLF, indent, no final newline) the facts stay (${4:-0}/${3:-0})"
	# shellcheck disable=SC2046  # the fields of the line
	set -- $(grep "^tool $p " "$T/acc")
	ok "$([ "${3:-0}" -gt 0 ] && [ "${3:-0}" = "${4:-x}" ] && echo 0 || echo 1)" \
		"$p: ztp-probe prints the same record (${4:-0}/${3:-0})"
done
n=$(sed -n 's/^lowsamples //p' "$T/acc")
ok "$([ "${n:-1}" = 0 ] && echo 0 || echo 1)" "every sample's F1 >= 0.97 (${n:-?} below, each printed as '# low:')"
n=$(sed -n 's/^robust //p' "$T/acc")
ok "$([ "${n:-0}" -gt 1000 ] && echo 0 || echo 1)" "every corpus output under every platform parses or is refused (${n:-0} runs)"
is "$rc" 0 "the accuracy script passes"

# the scorer bites: a parser that reports every token as a module serial,
# one that lists every module twice, one that drops a module per output
for mode in tokens twice drop; do
	/usr/bin/python3 "$acc" --sloppy "$mode" "$BIN/ztp-probe" "$BUILD/tests/unit/h-facts" \
		"$SHARED/corpus" >"$T/sloppy" 2>&1
	is "$?" 1 "a sloppy parser ($mode) fails the scorer"
	low=$(awk '$1 == "field" && $3 ~ /^mod\./ && ($7 + 0 < 0.97 || $8 + 0 < 0.97)' "$T/sloppy" | wc -l)
	ok "$([ "$low" -gt 0 ] && echo 0 || echo 1)" "$mode: the module fields score below 0.97 ($low platform fields)"
done
done_testing
