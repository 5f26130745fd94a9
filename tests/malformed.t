#!/bin/sh
# Malformed records: each gets a clear error naming what and where, nothing
# is written outside the spool, nothing crashes (this runs against the
# ASan/UBSan build under make check), and good records next to bad ones
# still go through.
. "$(dirname "$0")/lib.sh"
export ZTP_CONFIG=/dev/null
S=$T/spool
sp() { ztp-spool -s "$S" "$@"; }
sp init

# the inputs
printf 'id: broken\nfoo: [1, 2\nbar: 3\n' >"$T/broken.yml"
{ printf 'id: huge\npayload: "'; head -c 100000000 /dev/zero | tr '\0' 'A'; printf '"\n'; } >"$T/huge.yml"
cat >"$T/bomb.yml" <<'Y'
id: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
Y
printf 'id: "../../etc/passwd"\n' >"$T/traversal.yml"
printf 'id: ".hidden"\n' >"$T/hidden.yml"
printf 'id: bytes\nhostname: "caf\351 \377"\n' >"$T/latin1.yml"
printf 'id: "esc\\e[31mred"\n' >"$T/ansi.yml"
{ printf 'id: deep\nx: '; head -c 5000 /dev/zero | tr '\0' '['; echo; } >"$T/deep.yml"
printf 'id: good1\n' >"$T/good1.yml"
sleep 1
touch "$T/.marker"

try() { # try FILE EXPECTED-MESSAGE-PART NAME
	run sp put discovered "$T/$1"
	is "$rc" 2 "$3: exit 2"
	like "$err" "$2" "$3: clear error"
	unlike "$err" "Sanitizer" "$3: no sanitizer report"
}
try broken.yml "$T/broken.yml': line 3 column 4: did not find expected ',' or ']'" "broken YAML"
try huge.yml "document larger than 1048576 bytes" "100 MB record"
try bomb.yml "an alias bomb?" "billion laughs"
try traversal.yml "id '../../etc/passwd' is not file-name-safe" "path traversal id"
try hidden.yml "id '.hidden' is not file-name-safe" "hidden-file id"
try latin1.yml "invalid" "non-UTF-8 bytes"
try deep.yml "nested deeper than 32 levels" "deep nesting"
run sp put discovered "$T/ansi.yml"
is "$rc" 2 "id with a terminal escape refused"
like "$err" 'esc\x1b[31mred' "and the escape is shown escaped"
case $err in *"$(printf '\033')"*) ok 1 "no raw ESC reaches the terminal" ;; *) ok 0 "no raw ESC reaches the terminal" ;; esac

run sp put discovered "$T/good1.yml" "$T/broken.yml" "$T/traversal.yml"
is "$rc" 2 "a batch with bad records exits 2"
run sp show good1
is "$rc" 0 "the good record of that batch is stored"

# the same garbage dropped straight into a stage (by hand, by a bug)
cp "$T/broken.yml" "$S/discovered/broken.yml"
cp "$T/huge.yml" "$S/discovered/huge.yml"
cp "$T/bomb.yml" "$S/discovered/bomb.yml"
cp "$T/latin1.yml" "$S/discovered/bytes.yml"
printf 'id: someone-else\n' >"$S/discovered/liar.yml"
printf 'id: good2\n' >"$S/discovered/good2.yml"
run sp take discovered
is "$rc" 2 "take reports the bad records (exit 2)"
is "$(echo "$err" | grep -c "moved to '$S/bad/")" 5 "each bad record is moved aside, with a message"
like "$err" "huge.yml': larger than the limit" "the 100 MB one is refused without reading it all"
like "$err" "id 'someone-else' does not match the file name" "an id that lies about its file"
like "$out" "id: good2" "good records are still taken"
like "$out" "id: good1" "all of them"
run sp ls bad
is "$(echo "$out" | grep -c bad)" 5 "ls bad lists them"
is "$(ls "$S/bad" | grep -c '\.err$')" 5 "each with a .err file saying why"
ls "$S/discovered" | grep -q . && ok 1 "nothing bad left in the stage" || ok 0 "nothing bad left in the stage"

# nothing was written outside the spool
outside=$(find "$T" -newer "$T/.marker" -type f ! -path "$S/*" ! -name '.out' ! -name '.err' | head -5)
is "$outside" "" "no file written outside the spool"
ok $([ ! -e /etc/passwd.yml ] && [ ! -e "$S/../etc" ] && echo 0 || echo 1) "no traversal happened"
done_testing
