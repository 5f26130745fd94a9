#!/bin/sh
# Every libFuzzer target (tests/fuzz/fz-*.c) runs for a short time under
# ASan/UBSan; `make fuzz` runs them longer.
. "$(dirname "$0")/lib.sh"
command -v clang >/dev/null || skip_all "clang not installed"
secs=${FUZZ_SECONDS:-8}
for f in "$TOP"/tests/fuzz/fz-*.c; do
	[ -e "$f" ] || continue
	t=$(basename "$f" .c)
	run sh "$TOP/tests/fuzz/run.sh" "$secs" "$t"
	is "$rc" 0 "fuzz target $t ran ${secs}s without a crash"
	[ "$rc" = 0 ] || diag "$err"
done
done_testing
