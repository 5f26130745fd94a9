#!/bin/sh
# make demo, asserted: the whole job on the simulated rack (tests/rack.sh)
# ends with every router done; the old router's record carried the fix;
# the factory router without SSH keys went through its console line (the
# gateway's ser2net) before it was finished over SSH; what the routers
# received is the rendered template; the backend's webhook got each stage
# change once.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
for c in ip udhcpc dhcrelay /usr/sbin/sshd ser2net socat; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
run sh "$TOP/tests/demo.sh"
is "$rc" 0 "make demo exits 0"
# why, on standard error, where make check shows it
[ "$rc" = 0 ] || printf '%s\n' "$out" "$err" |
	grep -E 'ztp-(probe|push|flow|spool|dhcpd|console):|failed|retry|differs|make demo|^  [A-Za-z0-9-]+ +[a-z]+ ' |
	sed 's/^/# /' >&2
like "$out" "all 6 routers done" "every router reached done"
like "$out" "rack=rack1 port=Gi1/0/5 vendor_class=ciscopnp" "ztp-dhcpd wrote the records with option 82's port"
like "$out" "NOT NEGOTIABLE with libssh" "the old router's record carries the diagnosis"
like "$out" "kex_algorithms: '+diffie-hellman-group14-sha1'" "and the ztp.yml fix"

# the factory router: refused, the console, then SSH
F=$(printf '%s\n' "$out" | sed -n '/the factory router: ztp-probe was refused/,/== the old router/p')
like "$F" "ztp-probe   failed      refused  hop 2 of 2, device 10.78.6.10 port 22" "factory router: the probe through the gateway was refused"
like "$F" "line rack1:6 is 10.76.0.2:7006, telnet" "factory router: its console line is the gateway's ser2net"
like "$F" "(config)#crypto key generate rsa general-keys modulus 2048" "factory router: the bootstrap typed the key generation"
like "$F" "secret <redacted>" "factory router: the bootstrap's secret is shown redacted"
ok "$(printf '%s\n' "$F" | grep -q 'username ztpdemo[0-9]* privilege 15 secret [^<]'; [ $? = 1 ]; echo $?)" "factory router: the secret itself is not shown"
like "$F" "ztp-console discovered  ok  bootstrapped over console line rack1:6" "factory router: the history has the console step"
ok "$(printf '%s\n' "$F" | awk '/ztp-probe   failed      refused/ && !a {a=NR} /ztp-console discovered  ok/ && !b {b=NR}
	/ztp-push    configured  ok/ && !c {c=NR} /ztp-probe   done        ok/ && !d {d=NR}
	END {exit !(a && b && c && d && a < b && b < c && c < d)}'; echo $?)" \
	"factory router: refused, console bootstrap, push, done, in that order"
like "$F" "nowhere in the spool" "factory router: the secret is nowhere in the spool"
like "$out" "FDO2240B1EF            done" "factory router: done, under its serial"

# what the routers received
for s in FDO2231A0BC JPE17281234 2102351931P0K8000123 FOC1932X0AB FDO2240B1EF; do
	printf '%s\n' "$out" | grep -Eq "^  $s +[a-z_]+, baseline.j2: [0-9]+ lines, the same as rendered"
	ok $? "$s received the rendered template, line for line"
done
hooks=$(printf '%s\n' "$out" | sed -n '/webhook got every stage change/,/what each router received/p' | grep -- ' -> ')
n=$(printf '%s\n' "$hooks" | wc -l)
ok "$([ "$n" -ge 22 ] && echo 0 || echo 1)" "the webhook got every stage change ($n: 3 per router, 2 more for the retried one and for the one the console brought in, more when a busy router was retried)"
is "$(printf '%s\n' "$hooks" | sort | uniq -d)" "" "none twice"
for id in FDO2231A0BC JN11F2AB3CDE JPE17281234 2102351931P0K8000123 FOC1932X0AB FDO2240B1EF; do
	like "$hooks" "$id configured -> done" "$id: configured -> done announced"
done
like "$hooks" "0c-d9-96-00-00-06 failed -> discovered (ztp-console)" "the console's transition announced"
done_testing
