#!/bin/sh
# confcheck.t: one check of the whole ztp.yml, the same in every tool (D4).
# Each file of tests/fixtures/badconf/ holds one mistake and, on its first
# line, the line and message expected ("# LINE: text", 0 for none).  Each
# is refused with exit 2 and that message, naming the file and the line,
# by every tool's -T and ztp-dhcpd -n; the mistakes in the file itself
# (not in the files it names) also by a tool's plain start.  Every
# configuration the man pages show is accepted.
. "$(dirname "$0")/lib.sh"
unset ZTP_CONFIG ZTP_SPOOL

cp -r "$TOP/tests/fixtures/badconf" "$T/bc"
printf 'credentials:\n- {name: factory, username: cisco, password: "x"}\n- {name: provisioning, username: ztp, password: "y"}\n' \
	>"$T/bc/secrets.yml"
chmod 600 "$T/bc/secrets.yml"
ztp-spool -s "$T/bc/spool" init

# mistakes only -T / -n see: in the files the configuration names
files_only=" cred-unknown jumpcred-unknown tscred-unknown secrets-missing sshconfig-missing cafile-missing tmplpath-missing hooks-missing "

for f in "$T"/bc/*.yml; do
	n=$(basename "$f" .yml)
	[ "$n" = secrets ] && continue
	head=$(head -1 "$f")
	line=${head#\# }
	line=${line%%:*}
	want=${head#\# *: }
	for tool in "ztp-spool -T" "ztp-probe -T" "ztp-push -T" "ztp-kexcheck -T" "ztp-console -T" \
		"ztp-dhcpd -n"; do
		# shellcheck disable=SC2086 # the tool and its option
		run timeout 20 $tool -c "$f"
		is "$rc" 2 "$n: $tool exits 2"
		like "$err" "$want" "$n: $tool says why"
		if [ "$line" != 0 ]; then
			like "$err" "$f" "$n: $tool names the file"
			like "$err" "line $line" "$n: $tool names line $line"
		fi
	done
	case $files_only in *" $n "*) continue ;; esac
	run timeout 20 ztp-spool -c "$f" ls
	is "$rc" 2 "$n: ztp-spool ls refuses it at start"
	run timeout 20 ztp-probe -c "$f" -r 'show version=/dev/null' -P cisco_ios
	is "$rc" 2 "$n: ztp-probe refuses it at start"
done

# the configurations of the man pages, with this test's spool and secrets
/usr/bin/python3 - "$TOP/man" "$T/ex" <<'PY'
import glob, os, re, sys
top = {"spool", "secrets", "backend", "flow", "ssh", "racks", "dhcp", "templates",
       "services", "platforms", "devices"}
os.makedirs(sys.argv[2])
k = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.[0-9]")):
    s = open(f).read()
    for m in re.finditer(r"^\.Bd -literal[^\n]*\n(.*?)^\.Ed", s, re.M | re.S):
        b = m.group(1)
        first = re.match(r"^([a-z_]+):", b)
        if not first or first.group(1) not in top:
            continue
        b = b.replace("\\e", "\\").replace("\\-", "-").replace("\\&", "")
        k += 1
        open("%s/%02d-%s.yml" % (sys.argv[2], k, os.path.basename(f)), "w").write(b)
PY
n=0
for f in "$T"/ex/*.yml; do
	n=$((n + 1))
	sed -i -e "s|^spool: .*|spool: $T/bc/spool|" -e "s|^secrets: .*|secrets: $T/bc/secrets.yml|" "$f"
	grep -q '^spool:' "$f" || printf 'spool: %s\n' "$T/bc/spool" >>"$f"
	run ztp-spool -c "$f" -T
	is "$rc" 0 "man page example $(basename "$f"): accepted by ztp-spool -T"
	[ "$rc" = 0 ] || diag "$err"
	run ztp-probe -c "$f" -T
	is "$rc" 0 "man page example $(basename "$f"): accepted by ztp-probe -T"
done
ok "$([ "$n" -ge 4 ] && echo 0 || echo 1)" "found $n configurations in the man pages"
done_testing
