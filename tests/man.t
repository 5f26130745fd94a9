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
done_testing
