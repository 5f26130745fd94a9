#!/bin/sh
# The command-line contract every tool shares (ztp(7), THE COMMAND-LINE
# CONTRACT): -h prints the usage on stdout and exits 0, --version says
# which ztp it is, a bad option exits 2 with the usage on stderr, the usage
# is the man page's SYNOPSIS; output that cannot be written is a temporary
# failure (75); the exit statuses of the situations where the tools
# disagreed before.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || skip_all "mandoc not installed (tests/deps.sh installs it)"

# a usage or SYNOPSIS as one line: options apart, alternatives as a|b
flat() { tr '\n' ' ' | sed 's/ *| */|/g; s/  */ /g; s/^ //; s/ $//'; }
version=$(sed -n 's/^AC_INIT(\[ztp\], \[\([^]]*\)\].*/\1/p' "$TOP/configure.ac")

for t in ztp-dhcpd ztp-kexcheck ztp-probe ztp-push ztp-spool; do
	run "$t" -h
	is "$rc" 0 "$t -h: exit 0"
	like "$out" "usage: $t " "$t -h: the usage on stdout"
	is "$err" "" "$t -h: nothing on stderr"
	# the synopsis part of the usage (it may go on with a list of
	# platforms or commands)
	usage=$(printf '%s\n' "$out" | sed '/^[a-z][a-z ()]*[a-z)]:/{/^usage:/!Q}' | sed 's/^usage: //' | flat)
	synopsis=$(mandoc -Tascii -Owidth=400 "$TOP"/man/"$t".[18] | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | flat)
	is "$usage" "$synopsis" "$t: the usage is the man page's SYNOPSIS"
	run "$t" --help
	is "$rc:$(printf '%s' "$out" | head -c 7)" "0:usage: " "$t --help: as -h"
	run "$t" --version
	is "$rc:$out" "0:$t $version" "$t --version: name and version, exit 0"
	run "$t" --no-such-option
	is "$rc" 2 "$t with a bad option: exit 2"
	like "$err" "usage: $t " "$t with a bad option: the usage on stderr"
	is "$out" "" "$t with a bad option: nothing on stdout"
done

# ---- -T: output that does not reach stdout is a temporary failure
printf 'spool: %s/spool\n' "$T" >"$T/ztp.yml"
for t in ztp-kexcheck ztp-probe ztp-push ztp-spool; do
	run "$t" -c "$T/ztp.yml" -T
	is "$rc" 0 "$t -T: exit 0"
	like "$out" "spool: $T/spool" "$t -T: the configuration"
	"$t" -c "$T/ztp.yml" -T >/dev/full 2>"$T/full.err"
	is "$?" 75 "$t -T >/dev/full: exit 75"
	like "$(cat "$T/full.err")" "cannot write to standard output" "$t -T >/dev/full: says so"
done
for t in ztp-kexcheck ztp-probe ztp-push ztp-spool; do
	"$t" --version >/dev/full 2>/dev/null
	is "$?" 75 "$t --version >/dev/full: exit 75"
done

# ---- a secrets file the configuration names but that is not there: a
# configuration error (2), in -T and in a live run alike
printf 'spool: %s/spool\nsecrets: %s/nosuch.yml\n' "$T" "$T" >"$T/nosecrets.yml"
run ztp-probe -c "$T/nosecrets.yml" -T
is "$rc" 2 "ztp-probe -T, secrets file missing: exit 2 (as the page says)"
like "$err" "nosuch.yml" "ztp-probe -T, secrets file missing: names the file on stderr"
run ztp-probe -c "$T/nosecrets.yml" 127.0.0.1
is "$rc" 2 "ztp-probe live, secrets file missing: exit 2"
like "$err" "nosuch.yml" "ztp-probe live, secrets file missing: names the file"

# ---- ztp-spool: options after the command's operands
ztp-spool -c "$T/ztp.yml" init >/dev/null 2>&1
printf 'id: r1\nip: 192.0.2.1\n---\nid: r2\nip: 192.0.2.2\n' | ztp-spool -c "$T/ztp.yml" put probed
run ztp-spool -c "$T/ztp.yml" show r1 r2 -o json
is "$rc" 0 "ztp-spool show r1 r2 -o json: exit 0"
is "$out" '{"id": "r1", "ip": "192.0.2.1"}
{"id": "r2", "ip": "192.0.2.2"}' "ztp-spool show r1 r2 -o json: both records, as JSON lines"
run ztp-spool show -c "$T/ztp.yml" -o json r2
is "$rc:$out" '0:{"id": "r2", "ip": "192.0.2.2"}' "ztp-spool show: -c and -o after the command"
run ztp-spool -c "$T/ztp.yml" take probed -n 1 -o json
is "$rc:$(printf '%s\n' "$out" | grep -c '^{"id": "r[12]", ')" "0:1" "ztp-spool take: its -n and -o after the stage"
run ztp-spool -c "$T/ztp.yml" ls -- -o
is "$rc" 2 "ztp-spool: -- ends the options (a stage named -o does not exist: exit 2)"

# ---- the precedence: a bad operand (2) outranks a failed device
# (refused: 1) in the live mode, as it does offline
printf 'id: r9\nip: 127.0.0.1\n' >"$T/r9.yml"
run ztp-probe -c "$T/ztp.yml" -d 5 "$T/r9.yml" "$T/nosuch.yml"
is "$rc" 2 "ztp-probe live: a missing record file and a failed device: exit 2"
done_testing
