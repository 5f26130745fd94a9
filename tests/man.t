#!/bin/sh
# Man pages: mandoc -Tlint clean at warning level, every tool has a page,
# every cross-reference to a ztp page points at a page we ship.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || skip_all "mandoc not installed (tests/deps.sh installs it)"
cd "$TOP" || exit 2
for m in man/*.[1-9]; do
	run mandoc -Tlint -Wwarning "$m"
	is "$out$err" "" "mandoc -Tlint clean: $m"
	for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		case $m in *.[57]) [ "$s" = SYNOPSIS ] || [ "$s" = "EXIT STATUS" ] && continue ;; esac
		grep -q "^\.Sh $s\$" "$m" || { ok 1 "$m has $s"; continue; }
	done
	for x in $(sed -n 's/^\.Xr \(ztp[^ ]*\) \([0-9]\).*/\1.\2/p' "$m" | sort -u); do
		[ -f "man/$x" ] || ok 1 "$m refers to $x, which exists"
	done
done
for t in cmd/ztp-*; do
	case $t in *.c|*.sh) ;; *) continue ;; esac
	n=$(basename "$t"); n=${n%.c}; n=${n%.sh}
	ls man/"$n".[0-9] >/dev/null 2>&1
	ok $? "$n has a man page"
done
# ztp-templates(7) lists exactly what the engine's tables hold (h-tmpl -l),
# both ways: Ic names under .Ss Filters and .Ss Tests; the first Fn
# argument after "Methods of strings:", "Of dicts:" and "Of lists:"; the
# first Ic word of each .It under .Ss Statements and the {% word %} there;
# the Ic symbols (and in, not in) of the "Operators" item, but ~, which is
# a level of the parser rather than an entry of a table.
H=$BUILD/tests/unit/h-tmpl
[ -x "$H" ] || H=$TOP/tests/unit/h-tmpl
if [ -x "$H" ]; then
	"$H" -l | sort -u >"$T/engine"
	awk '
	/^\.Ss / {
		sec = $0 == ".Ss Filters" ? "filter" : $0 == ".Ss Tests" ? "test" : ""
		if ($0 == ".Ss Statements")
			sec = "statement"
	}
	/^Methods of strings:/ { sec = "method"; next }
	/^Of dicts:/ { sec = "dict"; next }
	/^Of lists:/ { sec = "list"; next }
	/^Lists and dicts are shared/ { sec = "" }
	/^Operators, by increasing precedence:/ { sec = "operator"; next }
	sec == "operator" && /^\.It/ { sec = "" }
	sec == "statement" {
		if ($0 == ".El")
			sec = ""
		else if ($1 == ".It" && $2 == "Ic")
			print sec, $3
		else if ($1 == ".Ic" && $2 == "{%" && $4 == "%}")
			print sec, $3
		next
	}
	sec != "" {
		line = line $0
		if (line ~ /\\$/) { sub(/\\$/, " ", line); next }
		n = split(line, w, " ")
		line = ""
		on = 0
		for (i = 1; i <= n; i++) {
			sub(/^\./, "", w[i])
			if (sec == "method" || sec == "dict" || sec == "list") {
				if (i > 1 && w[i - 1] == "Fn")
					print sec, w[i]
				continue
			}
			if (w[i] == "Ic")
				on = 1
			else if (w[i] ~ /^[A-Z][a-z][a-z]?$/)
				on = 0
			else if (sec == "operator") {
				if (!on)
					continue
				if (w[i] == "not" && w[i + 1] == "in")
					print sec, "not in"
				else if (w[i] == "in" && w[i - 1] != "not")
					print sec, "in"
				else if (w[i] ~ /^[-+*\/%=!<>]+$/)
					print sec, w[i]
			} else if (on && w[i] !~ /^[,;:()]$/ && w[i] !~ /\.$/)
				print sec, w[i]
		}
	}' man/ztp-templates.7 | sort -u >"$T/page"
	ok "$([ -s "$T/engine" ]; echo $?)" "h-tmpl -l lists the engine's names"
	is "$(comm -23 "$T/engine" "$T/page" | tr '\n' ' ')" "" \
		"every filter, test, method, statement and operator of the engine is in ztp-templates(7)"
	is "$(comm -13 "$T/engine" "$T/page" | tr '\n' ' ')" "" \
		"every filter, test, method, statement and operator ztp-templates(7) names is in the engine"
else
	ok 1 "h-tmpl is built (make check-build)"
fi
# ztp.yml(5) documents every key the tools accept (h-confkeys walks the
# schemas of ztp.yml and of the secrets file): each as an Ic word of a
# macro line, alone or in a list ("Ic ciphers" or ", ciphers"); a key only
# named in passing (".Ic flow.hooks" in a sentence) is not documented
K=$BUILD/tests/unit/h-confkeys
[ -x "$K" ] || K=$TOP/tests/unit/h-confkeys
if [ -x "$K" ]; then
	nk=0
	for p in $("$K"); do
		k=${p##*.}
		nk=$((nk + 1))
		grep -Eq "^\..*Ic (.*(Ic|,) )?$k( |\$)" man/ztp.yml.5 || ok 1 "ztp.yml(5) documents $p"
	done
	[ "$nk" -gt 100 ]
	ok $? "ztp.yml(5) checked against the $nk keys of the schemas"
else
	ok 1 "h-confkeys is built (make check-build)"
fi
done_testing
