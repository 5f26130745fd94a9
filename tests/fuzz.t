#!/bin/sh
# Every libFuzzer target (tests/fuzz/fz-*.c) under ASan/UBSan: a smoke run
# in make check (its seed corpus and what earlier runs kept, replayed in
# full, then 2 s of new inputs); `make fuzz` runs each for 300 s
# (FUZZ_SECONDS sets either).
. "$(dirname "$0")/lib.sh"
command -v clang >/dev/null || skip_all "clang not installed"
secs=${FUZZ_SECONDS:-2}
for f in "$TOP"/tests/fuzz/fz-*.c; do
	[ -e "$f" ] || continue
	t=$(basename "$f" .c)
	run sh "$TOP/tests/fuzz/run.sh" "$secs" "$t"
	is "$rc" 0 "fuzz target $t ran ${secs}s without a crash"
	[ "$rc" = 0 ] || diag "$err"
	# libFuzzer reads the whole corpus before the clock counts
	log=$(cat "$TOP/tests/.fuzz/$t.log" 2>/dev/null)
	if [ -d "$TOP/tests/fuzz/corpus/$t" ]; then
		like "$log" "found in tests/fuzz/corpus/$t" "fuzz target $t: its seed corpus was read"
	fi
	like "$log" "INITED" "fuzz target $t: every input of its corpus ran before the new ones"
done
done_testing
