#!/bin/sh
# tests/bench/render.sh [N [RUNS]]: template render throughput, the ztp
# renderer (lib/tmpl/) against the real Python Jinja2 (/usr/bin/python3,
# Debian python3-jinja2), on the same cases, in the same run:
#   corpus     every sample of $SHARED/corpus/jinja (real network templates,
#              each with its META.yml options and data.yml; Python gets the
#              Environment and filter shims of the corpus' render.py)
#   templates  the shipped templates/ (each platform x service and console
#              template with the example variables merged layer by layer by
#              tests/templates.py prepare; Python gets that script's
#              Environment)
# Two modes, each for both sides:
#   warm  many renders in one process: the environment built once, the
#         variables loaded once, the template parsed/compiled by the first
#         render and cached, then N renders per case (default 300) --
#         tests/unit/h-tmpl -n N for ztp, tests/bench/render.py warm for
#         Python; the time of the renders only (monotonic clock, in process)
#   cold  one process per render, as a user or a script calling it:
#         `ztp-push --render ... --data ...` against `python3 render.py cold`
#         (interpreter start, import jinja2 + yaml, Environment, load the
#         variables, render); the wall time of all cases one after another
# RUNS times (default 3), medians.  Prints renders/s of each side, the
# ratio and a verdict against the target (10x).  Every output of both
# sides is compared with Jinja2's expected output first: a side that
# differs anywhere makes the comparison "not comparable".
#
# Timings are printed, never asserted: exit 0 unless nothing is built;
# "skipped" when python3-jinja2, python3-yaml, perl or the corpus is
# missing.  Rerun: sh tests/bench/render.sh [N [RUNS]]
#   (RENDERBENCH_ZTP=path/to/ztp-push measures another ztp-push build)
set -u
N=${1:-300}
RUNS=${2:-3}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${ZTP_SHARED:-$TOP/../shared}
CORPUS=$SHARED/corpus/jinja
ZP=${RENDERBENCH_ZTP:-$TOP/cmd/ztp-push}
HB=$TOP/tests/unit/h-tmpl
PY=/usr/bin/python3
RP=$TOP/tests/bench/render.py
skip() { echo "bench render: $*; skipped"; exit 0; }
case $N$RUNS in '' | *[!0-9]*) echo "usage: $0 [N [RUNS]]"; exit 2 ;; esac
[ "$N" -gt 0 ] && [ "$RUNS" -gt 0 ] || { echo "usage: $0 [N [RUNS]] (both > 0)"; exit 2; }
[ -x "$PY" ] && "$PY" -c 'import jinja2, yaml' 2>/dev/null ||
	skip "needs /usr/bin/python3 with python3-jinja2 and python3-yaml"
command -v perl >/dev/null || skip "no perl for the monotonic clock"
[ -d "$CORPUS" ] || skip "no corpus at $CORPUS"
[ -x "$HB" ] || (cd "$TOP" && make -s tests/unit/h-tmpl) >/dev/null 2>&1
[ -x "$ZP" ] && [ -x "$HB" ] || { echo "bench render: build first (make)"; exit 1; }

W=$(mktemp -d)
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now() { perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e 'printf "%.6f\n", clock_gettime(CLOCK_MONOTONIC)'; }
median() {	# median FILE (one number a line)
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- the cases: $W/corpus/NN-NAME/ and the base cases of templates/
mkdir -p "$W/corpus" "$W/tall"
"$PY" "$RP" prep "$CORPUS" "$W/corpus" || { echo "bench render: cannot prepare the corpus cases"; exit 1; }
"$PY" "$TOP/tests/templates.py" prepare "$TOP" "$W/tall" >"$W/tall.log" 2>&1 ||
	{ echo "bench render: tests/templates.py prepare failed:"; tail -n 5 "$W/tall.log"; exit 1; }
: >"$W/corpus.list"
for d in "$W"/corpus/*/; do echo "${d%/}"; done >"$W/corpus.list"
: >"$W/templates.list"
for d in "$W"/tall/*/; do
	d=${d%/}
	[ -e "$d/base" ] && [ -e "$d/expected" ] && echo "$d"
done >"$W/templates.list"
NC=$(wc -l <"$W/corpus.list")
NT=$(wc -l <"$W/templates.list")
[ "$NC" -gt 0 ] && [ "$NT" -gt 0 ] || { echo "bench render: no cases ($NC corpus, $NT templates)"; exit 1; }

# the cold scripts: one command per case, quoted (paths from mktemp and
# the corpus have no single quotes)
q() { printf "'%s'" "$1"; }
for set in corpus templates; do
	: >"$W/cold-ztp-$set.sh"
	: >"$W/cold-py-$set.sh"
	while IFS= read -r d; do
		{
			q "$ZP"
			while IFS= read -r a || [ -n "$a" ]; do printf ' '; q "$a"; done <"$d/args"
			printf ' >%s\n' "$(q "$d/cold.ztp.out")"
		} >>"$W/cold-ztp-$set.sh"
		printf '%s %s cold %s >%s\n' "$(q "$PY")" "$(q "$RP")" "$(q "$d")" "$(q "$d/cold.py.out")" \
			>>"$W/cold-py-$set.sh"
	done <"$W/$set.list"
done

# ---- same: every output of a side equals Jinja2's expected output
# same SET SUFFIX: prints the number of cases that differ, names them on stderr
same() {
	_bad=0
	while IFS= read -r d; do
		if ! cmp -s "$d/expected" "$d/$2"; then
			_bad=$((_bad + 1))
			echo "  $(basename "$d"): $2 differs from Jinja2's expected output" >&2
		fi
	done <"$W/$1.list"
	echo $_bad
}
BAD=0
note_bad() { [ "$1" = 0 ] || BAD=$((BAD + $1)); }

echo "bench render: $NC corpus samples, $NT shipped template cases; warm: $N renders per case" \
	"in one process; cold: one process per render; $RUNS runs (medians);" \
	"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)"
r=1
while [ "$r" -le "$RUNS" ]; do
	for set in corpus templates; do
		# shellcheck disable=SC2046
		"$HB" -n "$N" $(cat "$W/$set.list") >"$W/out" 2>"$W/err" ||
			{ echo "bench render: h-tmpl failed:"; head -n 5 "$W/err"; exit 1; }
		awk '{ s += $2 } END { printf "%.6f\n", s }' "$W/out" >>"$W/warm-ztp-$set"
		note_bad "$(same "$set" ztp.out 2>>"$W/diffs")"
		# shellcheck disable=SC2046
		"$PY" "$RP" warm "$N" $(cat "$W/$set.list") >"$W/out" 2>"$W/err" ||
			{ echo "bench render: python warm failed:"; tail -n 5 "$W/err"; exit 1; }
		awk '{ s += $2 } END { printf "%.6f\n", s }' "$W/out" >>"$W/warm-py-$set"
		note_bad "$(same "$set" py.out 2>>"$W/diffs")"
		for side in ztp py; do
			t0=$(now)
			sh "$W/cold-$side-$set.sh" 2>>"$W/cold.err"
			t1=$(now)
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$W/cold-$side-$set"
			note_bad "$(same "$set" "cold.$side.out" 2>>"$W/diffs")"
		done
	done
	r=$((r + 1))
done
if [ "$BAD" != 0 ]; then
	sort -u "$W/diffs" | head -n 10
	[ -s "$W/cold.err" ] && sort -u "$W/cold.err" | head -n 5 | sed 's/^/  stderr: /'
fi

printf '%-10s %-5s %10s %12s %12s %8s\n' set mode renders "ztp r/s" "jinja2 r/s" ratio
verdict=
row() { # row SET MODE RENDERS
	_z=$(median "$W/$2-ztp-$1") _p=$(median "$W/$2-py-$1")
	awk -v s="$1" -v m="$2" -v n="$3" -v z="$_z" -v p="$_p" 'BEGIN {
		zr = z > 0 ? n / z : 0; pr = p > 0 ? n / p : 0
		printf "%-10s %-5s %10d %12.0f %12.1f %7.1fx\n", s, m, n, zr, pr, (pr > 0 ? zr / pr : 0) }'
	_v=$(awk -v z="$_z" -v p="$_p" 'BEGIN { printf "%.1f", (z > 0 ? p / z : 0) }')
	verdict="$verdict${verdict:+; }$1 $2 ${_v}x"
	echo "$_v" >>"$W/ratios"
}
row corpus warm $((N * NC))
row templates warm $((N * NT))
row corpus cold "$NC"
row templates cold "$NT"
if [ "$BAD" != 0 ]; then
	echo "verdict: not comparable ($BAD outputs differ from Jinja2's; rerun with KEEP=1 to look in $W)"
	exit 0
fi
min=$(sort -n "$W/ratios" | head -n 1)
echo "verdict: $(awk -v m="$min" 'BEGIN { print (m >= 10 ? "meets" : "MISSES") }') the 10x target" \
	"(lowest ratio ${min}x; $verdict); every output byte-identical to Jinja2's"
echo "rerun: sh tests/bench/render.sh $N $RUNS"
exit 0
