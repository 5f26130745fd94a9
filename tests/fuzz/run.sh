#!/bin/sh
# tests/fuzz/run.sh SECONDS [TARGET...]: build every tests/fuzz/fz-*.c (or the
# ones named) with clang's libFuzzer + ASan + UBSan against the library
# sources, and run each for SECONDS with its seed corpus
# tests/fuzz/corpus/<target>/.  Exit 1 when a target crashes; the crashing
# input is kept in tests/.fuzz/<target>/.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
shift 2>/dev/null
out=tests/.fuzz
mkdir -p "$out"
[ -f config.mk ] || make config.mk >/dev/null || exit 2
flags=$(make -s --no-print-directory -f Makefile -f - print-fuzz-flags <<'MK'
print-fuzz-flags: ; @echo $(SSH_CFLAGS) $(YAML_CFLAGS) $(CURL_CFLAGS) '|' $(LIBS_ALL) '|' $(LIB_SRC)
MK
)
cflags=${flags%%|*}
rest=${flags#*|}
libs=${rest%%|*}
srcs=${rest#*|}
targets=$*
[ -n "$targets" ] || targets=$(for f in tests/fuzz/fz-*.c; do [ -e "$f" ] && basename "$f" .c; done)
# the library once, instrumented (fuzzer-no-link), in parallel; an object
# is rebuilt when its source or any library header is newer
cc_fuzz="clang -g -O1 -std=c11 -D_GNU_SOURCE -I. -Ilib $cflags -fno-sanitize-recover=undefined"
mkdir -p "$out/obj"
newest_h=$(ls -t lib/*.h lib/*/*.h | head -1)
for s in $srcs; do
	o=$out/obj/$(basename "$s" .c).o
	if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
		printf '%s %s\n' "$s" "$o"
	fi
done | xargs -r -n 2 -P "$(nproc 2>/dev/null || echo 2)" sh -c \
	"$cc_fuzz -fsanitize=fuzzer-no-link,address,undefined -c -o \"\$1\" \"\$0\"" || exit 1
objs=$(for s in $srcs; do printf '%s ' "$out/obj/$(basename "$s" .c).o"; done)
rc=0
for t in $targets; do
	bin=$out/$t
	if [ ! -x "$bin" ] || [ -n "$(find tests/fuzz/$t.c $objs -newer "$bin" 2>/dev/null | head -1)" ]; then
		$cc_fuzz -fsanitize=fuzzer,address,undefined -o "$bin" "tests/fuzz/$t.c" $objs $libs ||
			{ rc=1; continue; }
	fi
	mkdir -p "$out/$t.crash" "$out/$t.corpus"
	seeds=tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=
	echo "# fuzzing $t for ${secs}s" >&2
	if ! "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$out/$t.crash/" -print_final_stats=0 \
	    "$out/$t.corpus" $seeds >"$out/$t.log" 2>&1; then
		echo "fuzz target $t failed; see $out/$t.log and $out/$t.crash/" >&2
		tail -30 "$out/$t.log" >&2
		rc=1
	fi
done
exit $rc
