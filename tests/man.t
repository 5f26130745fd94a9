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
# ztp-templates(7) lists exactly the filters, tests and methods of strings
# the engine's tables hold (h-tmpl -l), both ways: Ic names under .Ss
# Filters and .Ss Tests, the first Fn argument between "Methods of
# strings:" and "Of dicts:".
H=$BUILD/tests/unit/h-tmpl
[ -x "$H" ] || H=$TOP/tests/unit/h-tmpl
if [ -x "$H" ]; then
	"$H" -l | sort -u >"$T/engine"
	awk '
	/^\.Ss / { sec = $0 == ".Ss Filters" ? "filter" : $0 == ".Ss Tests" ? "test" : "" }
	/^Methods of strings:/ { sec = "method"; next }
	/^Of dicts:/ { sec = "" }
	sec != "" {
		line = line $0
		if (line ~ /\\$/) { sub(/\\$/, " ", line); next }
		n = split(line, w, " ")
		line = ""
		on = 0
		for (i = 1; i <= n; i++) {
			sub(/^\./, "", w[i])
			if (sec == "method") {
				if (i > 1 && w[i - 1] == "Fn")
					print sec, w[i]
				continue
			}
			if (w[i] == "Ic")
				on = 1
			else if (w[i] ~ /^[A-Z][a-z][a-z]?$/)
				on = 0
			else if (on && w[i] !~ /^[,;:()]$/ && w[i] !~ /\.$/)
				print sec, w[i]
		}
	}' man/ztp-templates.7 | sort -u >"$T/page"
	ok "$([ -s "$T/engine" ]; echo $?)" "h-tmpl -l lists the engine's names"
	is "$(comm -23 "$T/engine" "$T/page" | tr '\n' ' ')" "" \
		"every filter, test and str method of the engine is in ztp-templates(7)"
	is "$(comm -13 "$T/engine" "$T/page" | tr '\n' ' ')" "" \
		"every filter, test and str method ztp-templates(7) names is in the engine"
else
	ok 1 "h-tmpl is built (make check-build)"
fi
done_testing
