#!/bin/sh
# ztp-push --render: the command line, error messages that name the
# template, line and cause, and the limits that stop runaway templates
# with a clear error instead of a hang or an exhausted machine.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
cat >vars.yml <<'Y'
hostname: r1
interfaces:
  - {name: Gi1, ip: 10.0.0.1/24}
Y
mkdir -p tpl/sub other
cat >tpl/main.j2 <<'J'
hostname {{ hostname }}
{% for i in interfaces %}
interface {{ i.name }}
 ip address {{ i.ip | ipaddr('address') }} {{ i.ip | ipaddr('netmask') }}
{% endfor %}
{% include 'sub/part.j2' %}
J
printf 'part from tpl\n' >tpl/sub/part.j2
printf 'part from other\n' >other/part.j2
printf 'other only\n' >other/only.j2

run ztp-push --render main.j2 --data vars.yml --path tpl --trim-blocks
is "$rc" 0 "renders with --path and --trim-blocks"
is "$out" "hostname r1
interface Gi1
 ip address 10.0.0.1 255.255.255.0
part from tpl" "output is the rendered configuration"

printf 'hostname {{ hostname }}\n' >tpl/host.j2
run_in "hostname: piped" ztp-push --render host.j2 --data - --path tpl
like "$out" "hostname piped" "--data - reads the variables from standard input"

run ztp-push --render only.j2 --path tpl --path other
is "$out" "other only" "later --path directories are searched in order"

(cd tpl && ztp-push --render main.j2 --data ../vars.yml >"$T/o" 2>&1)
like "$(cat "$T/o")" "hostname r1" "the default path is the current directory"

run ztp-push --render main.j2 --path tpl
is "$rc" 2 "a missing variable is an error (strict undefined by default)"
like "$err" "main.j2:1: 'hostname' is undefined" "the error names template, line and variable"

printf 'a\n{{ x.y }}\nb\n' >tpl/undef.j2
run ztp-push --render undef.j2 --path tpl --undefined default
like "$err" "undef.j2:2: 'x' is undefined" "default undefined: attribute of undefined fails like Jinja2"
run ztp-push --render undef.j2 --path tpl --undefined chainable
is "$rc:$out" "0:a

b" "chainable undefined renders empty"

printf '{%% if x %%}\n{%% for %%}\n' >tpl/syntax.j2
run ztp-push --render syntax.j2 --path tpl
is "$rc" 2 "a syntax error exits 2"
like "$err" "syntax.j2:2:" "the syntax error names the line"

printf '{%% extends "base.j2" %%}\n' >tpl/ext.j2
run ztp-push --render ext.j2 --path tpl
like "$err" "'extends' tag is not supported" "unsupported syntax is refused when parsing"

printf '{%% if false %%}{{ x | no_such_filter }}{%% endif %%}ok\n' >tpl/deadf.j2
run ztp-push --render deadf.j2 --path tpl
is "$rc:$out" "0:ok" "an unknown filter in a branch that never runs is not an error"
printf '{{ 1 | no_such_filter }}\n' >tpl/badf.j2
run ztp-push --render badf.j2 --path tpl
like "$err" "No filter named 'no_such_filter'" "an unknown filter that runs is named"

run ztp-push --render nope.j2 --path tpl --path other
is "$rc" 2 "a missing template exits 2"
like "$err" "template 'nope.j2' not found (searched 'tpl', 'other')" "the message lists the search path"

run ztp-push --render ../vars.yml --path tpl
like "$err" "not found" "template names cannot climb out of the search path"

run ztp-push --render main.j2 --data missing.yml --path tpl
is "$rc" 2 "an unreadable data file exits 2"
printf -- '- a\n- b\n' >list.yml
run ztp-push --render main.j2 --data list.yml --path tpl
like "$err" "must be a mapping" "data that is not a mapping is refused"

run ztp-push --undefined sloppy --render main.j2
is "$rc" 2 "a bad --undefined value exits 2"
printf 'templates: {path: [%s]}\n' "$T" >"$T/push.yml"
run ztp-push -c "$T/push.yml" -d 20 no-such-device.invalid
is "$rc" 1 "push to a host that does not resolve: exit 1"
like "$err" "cannot resolve 'no-such-device.invalid'" "push: the resolver's error, with the host"

# limits: each of these would run for hours or eat the machine
lim() { # lim NAME TEMPLATE WANTED-MESSAGE
	printf '%s' "$2" >"tpl/$1.j2"
	timeout 60 ztp-push --render "$1.j2" --path tpl >"$T/out" 2>"$T/err"
	rc=$?
	is "$rc" 2 "$1: stopped with exit 2"
	like "$(cat "$T/err")" "$3" "$1: clear error"
	ok "$([ "$(wc -c <"$T/out")" = 0 ] && echo 0 || echo 1)" "$1: no partial output"
}
lim loops '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}' \
	"evaluation steps"
lim range '{% for i in range(10**12) %}{% endfor %}' "range() of 1000000000000 items exceeds"
lim recursion '{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}' "nested deeper than"
printf '{%% include "selfinc.j2" %%}' >tpl/selfinc.j2
timeout 60 ztp-push --render selfinc.j2 --path tpl >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "nested deeper than" "self-include: stopped"
lim output '{% set ns = namespace(s="xx") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}' \
	"exceeds the limit"
lim listgrow '{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}' \
	"list grows past"
lim repeat '{{ "x" * 10**10 }}' "too large"
lim nesting "$(printf '{{ %0500d }}' 0 | sed 's/0/(/g; s/}}$/1}}/')" "nested too deeply"
lim chain "{{ 1$(i=0; while [ $i -lt 3000 ]; do printf ' + 1'; i=$((i + 1)); done) }}" "nested too deeply"
lim filters "{{ x$(i=0; while [ $i -lt 3000 ]; do printf '|d(1)'; i=$((i + 1)); done) }}" "nested too deeply"

done_testing
