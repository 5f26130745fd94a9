#!/bin/sh
# Plain YAML scalars get the same type and value as PyYAML's safe_load
# gives them (templates see what Python Jinja2 would see).  Checked through
# ztp-spool: put YAML, show as JSON, compare with Python's json.dumps.
. "$(dirname "$0")/lib.sh"
export ZTP_CONFIG=/dev/null
S=$T/spool
ztp-spool -s "$S" init

cat >"$T/scalars" <<'EOF2'
yes
No
TRUE
off
On
y
n
~
null
Null
NULL
0
-0
+12
010
0o17
0x1F
0b1011
1_000
012_3
1:30
190:20:30
65000:100
10:60
1.5
-1.5
1.
.5
1e3
1.0e+3
1.0E-3
1.0e3
6.8523015e+5
.inf
-.Inf
.NaN
+.inf
0.1
100.0
3.14159265358979
00:11:22:33:44:55
10.0.0.1
192.168.1.0/24
Gi1/0/7
2001:db8::1
2001-12-14
FOC1234X5YZ
"quoted"
'single'
abc def
--
a:b
12abc
1_
0x
+
.
EOF2
i=0
while IFS= read -r s; do
	i=$((i + 1))
	printf -- '---\nid: s%03d\nv: %s\n' "$i" "$s"
done <"$T/scalars" >"$T/in.yml"
run ztp-spool -s "$S" put discovered "$T/in.yml"
is "$rc" 0 "all scalars accepted"
ztp-spool -s "$S" -o json show $(seq -f 's%03g' 1 "$i") >"$T/ours.json"
/usr/bin/python3 - "$T/in.yml" "$T/ours.json" <<'PY' >"$T/diff.out"
import json, math, sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
ours = [json.loads(l) for l in open(sys.argv[2])]
def norm(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None          # JSON has neither: both sides write null
    if hasattr(v, "isoformat"):
        return str(v)        # dates: the text is what a template prints
    return v
bad = 0
for d, o in zip(docs, ours):
    want = norm(d["v"])
    if json.dumps(want) != json.dumps(o["v"]) or type(want) != type(o["v"]):
        bad += 1
        print("# %s: PyYAML %r, ztp %r" % (d["id"], want, o["v"]))
print("mismatches %d of %d" % (bad, len(docs)))
PY
cat "$T/diff.out" | grep '^#'
is "$(tail -1 "$T/diff.out")" "mismatches 0 of $i" "every scalar typed like PyYAML"
# What ztp writes, PyYAML reads back as the same strings (D15): strings
# that look like numbers too long for 64 bits, or like dates and times,
# are quoted in the record files and in show's YAML.
cat >"$T/strings" <<'EOF2'
11111111111111111111
0042424242424242424242424242424242
-99999999999999999999999
0x1ffffffffffffffffffff
2026-01-01
2026-1-2
2001-12-14t21:59:43.10-05:00
2001-12-14 21:59:43.10 -5
1_000
0017
10.0.0.1
Gi1/0/7
EOF2
{
	printf -- '---\nid: strs\n'
	i=0
	while IFS= read -r s; do
		i=$((i + 1))
		printf "s%02d: '%s'\n" "$i" "$s"
	done <"$T/strings"
} >"$T/strs.yml"
run ztp-spool -s "$S" put discovered "$T/strs.yml"
is "$rc" 0 "string record accepted"
ztp-spool -s "$S" -o yaml show strs >"$T/strs.show"
for f in "$S/discovered/strs.yml" "$T/strs.show"; do
	/usr/bin/python3 - "$T/strings" "$f" <<'PY' >"$T/rb.out"
import sys, yaml
want = [l.rstrip("\n") for l in open(sys.argv[1])]
doc = yaml.safe_load(open(sys.argv[2]))
bad = 0
for i, w in enumerate(want, 1):
    got = doc.get("s%02d" % i)
    if got != w or not isinstance(got, str):
        bad += 1
        print("# s%02d: wrote %r, PyYAML read %r" % (i, w, got))
print("mismatches %d" % bad)
PY
	grep '^#' "$T/rb.out"
	is "$(tail -1 "$T/rb.out")" "mismatches 0" "PyYAML reads back every string of $(basename "$f")"
done

done_testing
