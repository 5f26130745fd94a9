#!/bin/sh
# The shipped templates (templates/): every platform x service and every
# console bootstrap, with the example variables merged layer by layer as
# the engine does, renders byte-identically with ztp-push and with the real
# Python Jinja2 (trim_blocks + lstrip_blocks, StrictUndefined); the result
# holds what an engineer expects (tests/templates.py check); the verify.yml
# checks render, compile as POSIX ERE, and pass on the device simulator
# after the rendered configuration was pushed into it; a missing required
# variable is an error naming it.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c 'import jinja2, yaml' 2>/dev/null ||
	skip_all "needs /usr/bin/python3 with python3-jinja2 and python3-yaml"
H=$TOP/tests/templates.py
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || SIM=$TOP/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes

# "PASS name" / "FAIL name" / "# detail" lines of the helper -> TAP (runs
# in this shell: a redirected loop is no subshell)
tap() {
	while IFS= read -r l; do
		case $l in
		"PASS "*) ok 0 "${l#PASS }" ;;
		"FAIL "*) ok 1 "${l#FAIL }" ;;
		*) printf '%s\n' "$l" ;;
		esac
	done <"$1"
}

mkdir -p "$T/c"
/usr/bin/python3 "$H" prepare "$TOP" "$T/c" >"$T/prep" 2>&1
ok $? "the cases are prepared and rendered by Jinja2"
tap "$T/prep"

# Every case in one process with tests/unit/h-tmpl (the library ztp-push
# uses: one process instead of one per case keeps the sanitizer run fast);
# the cases that are not variants with ztp-push itself as well.
HT=$BUILD/tests/unit/h-tmpl
[ -x "$HT" ] || HT=$TOP/tests/unit/h-tmpl
"$HT" "$T"/c/*/ "$T"/c/*/verify/
ok $? "h-tmpl renders the cases"
for d in "$T"/c/*/; do
	d=${d%/}
	[ -e "$d/base" ] || continue
	set -f
	IFS='
'
	ztp-push $(cat "$d/args") >"$T/out" 2>"$T/err"
	rc=$?
	unset IFS
	set +f
	[ $rc = 0 ] && cmp -s "$d/ztp.out" "$T/out"
	ok $? "${d##*/}: ztp-push --render gives the same as h-tmpl"
done

# h-tmpl's renders are compared with Jinja2's by the check step
/usr/bin/python3 "$H" check "$T/c" >"$T/check" 2>&1
ok $? "the assertions ran"
tap "$T/check"

if [ -x "$SIM" ]; then
	/usr/bin/python3 "$H" sim "$T/c" "$SIM" >"$T/sim" 2>&1
	ok $? "the verify checks ran on the simulator"
	tap "$T/sim"
	# the checks can fail: the internet-access checks against a device
	# that only got the baseline
	mkdir -p "$T/neg/x"
	cp "$T/c/cisco_iosxe-internet-access/verify.json" "$T/c/cisco_iosxe-baseline/platform" "$T/neg/x/"
	cp "$T/c/cisco_iosxe-baseline/ztp.out" "$T/neg/x/"
	/usr/bin/python3 "$H" sim "$T/neg" "$SIM" >"$T/neg.out" 2>&1
	like "$(cat "$T/neg.out")" "FAIL x: the 5 verify checks" \
		"internet-access checks fail on a device with the baseline only"
	like "$(cat "$T/neg.out")" "expect '^ip nat inside source list NAT-LAN" \
		"... naming the missing NAT rule"
	# JunOS quoting (D18): a serial that tries to close the location string
	# and open a root-authentication statement stays inside the string on
	# a device whose parser honours \" (the simulator's does)
	d=$T/c/juniper_junos-baseline
	sed "s|serial: CV2616AF0042|serial: 'X\";} system { root-authentication { plain-text-password-value \"evil'|" \
		"$d/data.yml" >"$T/evil.yml"
	run ztp-push --render baseline.j2 --data "$T/evil.yml" --path "$TOP/templates/juniper_junos" \
		--trim-blocks --lstrip-blocks
	is "$rc" 0 "JunOS: a quote-breaking serial renders"
	{ printf 'configure\nload merge terminal\n'; printf '%s\n' "$out"; printf '\004commit\n'; } |
		"$SIM" --platform juniper_junos --record "$T/evil.rec" >"$T/evil.out"
	like "$(cat "$T/evil.out")" "commit complete" "JunOS: the device takes the configuration"
	unlike "$(cat "$T/evil.rec")" "set system root-authentication plain-text-password-value" \
		"JunOS: the serial opened no statement of its own"
	like "$(cat "$T/evil.rec")" 'set snmp location "Example Telecom provisioning rack 1 (SN X\";} system { root-authentication { plain-text-password-value \"evil)"' \
		"JunOS: it is all inside the location string"
else
	diag "no simulator built: verify checks not run on it"
fi

# A required variable missing: an error naming it, exit 2, no output
for v in wan lan hostname users; do
	run ztp-push --render internet-access.j2 --path "$TOP/templates/cisco_iosxe" \
		--data "$T/c/no-$v.yml" --trim-blocks --lstrip-blocks
	is "$rc:$out" "2:" "no $v: exit 2 and no output"
	like "$err" "'$v' is undefined" "no $v: the error names it"
done
run ztp-push --render internet-access.j2 --path "$TOP/templates/juniper_junos" \
	--data "$T/c/no-wan.yml" --trim-blocks --lstrip-blocks
like "$rc:$err" "2:ztp-push: cannot render 'internet-access.j2': internet-access.j2:" \
	"JunOS: the error names the template and the line"
done_testing
