#!/bin/sh
# Differential test against the real Python Jinja2: every case of
# tests/fixtures/jinja-cases/*.cases is rendered by /usr/bin/python3 +
# python3-jinja2 at test time and by ztp-push --render; the outputs must be
# byte-identical, and where Jinja2 fails ztp-push must fail too (exit 2).
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c 'import jinja2, yaml' 2>/dev/null ||
	skip_all "needs /usr/bin/python3 with python3-jinja2 and python3-yaml"
F=$TOP/tests/fixtures/jinja-cases
mkdir -p "$T/cases"
ZTP_CORPUS_JINJA=$SHARED/corpus/jinja /usr/bin/python3 "$F/render.py" "$T/cases" "$F"/*.cases ||
	{ ok 1 "split and render the cases with Jinja2"; done_testing; }
# plus generated ones: random whitespace control and random expressions
# (set ZTP_JINJA_SEED to explore other seeds)
mkdir -p "$T/rnd"
seed=${ZTP_JINJA_SEED:-1}
/usr/bin/python3 "$F/render.py" --random 400 "$seed" "$T/rnd" ||
	{ ok 1 "generate random cases"; done_testing; }
"$BUILD/tests/unit/h-tmpl" "$T"/rnd/*/ 2>/dev/null || "$TOP/tests/unit/h-tmpl" "$T"/rnd/*/
rsame=0 rn=0
for d in "$T"/rnd/*/; do
	rn=$((rn + 1))
	rc=$(cat "$d/ztp.rc")
	if [ -e "$d/error" ]; then
		[ "$rc" = 2 ]
	else
		[ "$rc" = 0 ] && cmp -s "$d/expected" "$d/ztp.out"
	fi
	if [ $? = 0 ]; then
		rsame=$((rsame + 1))
	else
		diag "random case $(basename "$d") (seed $seed) differs:"
		sed 's/^/#   template: /' "$d/t.j2"
		[ -e "$d/expected" ] && sed 's/^/#   jinja2: /' "$d/expected"
		[ -e "$d/error" ] && sed 's/^/#   jinja2: /' "$d/error"
		sed 's/^/#   ztp: /' "$d/ztp.out" "$d/ztp.err"
	fi
done
is "$rsame" "$rn" "$rn random templates (seed $seed) behave like Jinja2"

# Render every case in one process with tests/unit/h-tmpl (the library
# ztp-push uses; one process instead of one per case keeps the sanitizer
# run fast), and every 10th case with ztp-push itself as well.
H=$BUILD/tests/unit/h-tmpl
[ -x "$H" ] || H=$TOP/tests/unit/h-tmpl
"$H" "$T"/cases/*/ || { ok 1 "h-tmpl renders the cases"; done_testing; }

n=0 same=0
for d in "$T"/cases/*/; do
	d=${d%/}
	name=$(basename "$d")
	n=$((n + 1))
	rc=$(cat "$d/ztp.rc")
	cp "$d/ztp.out" "$T/out"
	cp "$d/ztp.err" "$T/err"
	if [ $((n % 10)) = 0 ]; then
		set -f
		IFS='
'
		ztp-push $(cat "$d/args") >"$T/out.cli" 2>"$T/err.cli"
		rc2=$?
		unset IFS
		set +f
		cmp -s "$T/out" "$T/out.cli" && [ "$rc" = "$rc2" ]
		ok $? "$name: ztp-push gives the same result (exit $rc2)"
	fi
	if [ -e "$d/unsupported" ]; then
		case $(cat "$T/err") in
		*"not supported"*) [ $rc = 2 ] && [ ! -s "$T/out" ] ;;
		*) false ;;
		esac
		ok $? "$name: refused as not supported"
	elif [ -e "$d/error" ]; then
		if [ $rc = 2 ] && [ -s "$T/err" ] && [ ! -s "$T/out" ]; then
			same=$((same + 1))
			ok 0 "$name: fails like Jinja2"
		else
			ok 1 "$name: fails like Jinja2 (exit $rc)"
			sed 's/^/#   jinja2: /' "$d/error"
			head -5 "$T/out" | sed 's/^/#   ztp: /'
			echo
		fi
	elif [ $rc = 0 ] && cmp -s "$T/out" "$d/expected"; then
		same=$((same + 1))
		ok 0 "$name"
	else
		ok 1 "$name (exit $rc)"
		sed 's/^/#   /' "$T/err"
		diff "$d/expected" "$T/out" | head -20 | sed 's/^/#   /'
	fi
done
diag "differential: $same of $n cases behave like Jinja2"
done_testing
