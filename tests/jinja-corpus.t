#!/bin/sh
# Every template sample of the corpus ($SHARED/corpus/jinja: real network
# templates, their variables and the output of the real Python Jinja2
# 3.1.2) renders byte for byte the same with ztp-push --render, with the
# options of its META.yml.
. "$(dirname "$0")/lib.sh"

C=$SHARED/corpus/jinja
[ -d "$C" ] || skip_all "no corpus at $C"
[ -x /usr/bin/python3 ] || skip_all "needs /usr/bin/python3 with python3-yaml"

# META.yml -> the ztp-push command line, one argument per line, in
# $T/NAME.args (one python run for all samples)
/usr/bin/python3 - "$C" "$T" <<'PY' || exit 1
import os, sys, yaml
c, t = sys.argv[1], sys.argv[2]
for n in sorted(os.listdir(c)):
    d = os.path.join(c, n)
    if not (n[:2].isdigit() and os.path.isdir(d)):
        continue
    meta = yaml.safe_load(open(os.path.join(d, "META.yml")))
    env = meta.get("env") or {}
    a = ["--render", meta["template"], "--data", os.path.join(d, "data.yml")]
    for p in meta.get("loader_paths", ["."]):
        a += ["--path", os.path.join(d, p)]
    for k in ("trim_blocks", "lstrip_blocks", "keep_trailing_newline"):
        if env.get(k):
            a.append("--" + k.replace("_", "-"))
    a += ["--undefined", env.get("undefined", "strict")]
    open(os.path.join(t, n + ".args"), "w").write("\n".join(a))
PY

total=0 pass=0
for d in "$C"/[0-9][0-9]-*/; do
	d=${d%/}
	n=$(basename "$d")
	total=$((total + 1))
	args=$(cat "$T/$n.args") || { ok 1 "$n: read META.yml"; continue; }
	# one argument per line (no spaces in the corpus paths)
	set -f
	IFS='
'
	ztp-push $args >"$T/out" 2>"$T/err"
	rc=$?
	unset IFS
	set +f
	if [ $rc = 0 ] && cmp -s "$T/out" "$d/expected.txt"; then
		pass=$((pass + 1))
		ok 0 "$n renders like Jinja2"
	else
		ok 1 "$n renders like Jinja2 (exit $rc)"
		sed 's/^/#   /' "$T/err"
		diff "$d/expected.txt" "$T/out" | head -20 | sed 's/^/#   /'
	fi
done
diag "corpus: $pass of $total samples byte-identical to Jinja2 3.1.2"
is "$pass" "$total" "all corpus samples pass"
done_testing
