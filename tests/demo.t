#!/bin/sh
# make demo, asserted: the whole job on the simulated rack (tests/rack.sh)
# ends with every router done; the old router's record carried the fix;
# the backend's webhook got each stage change once.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces"
for c in ip udhcpc dhcrelay /usr/sbin/sshd; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done
run sh "$TOP/tests/demo.sh"
is "$rc" 0 "make demo exits 0"
[ "$rc" = 0 ] || printf '%s\n' "$out" "$err" | grep -E 'ztp-(probe|push|flow|spool|dhcpd):|failed|retry' | sed 's/^/# /'
like "$out" "all 5 routers done" "every router reached done"
like "$out" "rack=rack1 port=Gi1/0/5 vendor_class=ciscopnp" "ztp-dhcpd wrote the records with option 82's port"
like "$out" "NOT NEGOTIABLE with libssh" "the old router's record carries the diagnosis"
like "$out" "kex_algorithms: '+diffie-hellman-group14-sha1'" "and the ztp.yml fix"
like "$out" "config	hostname cpe-iosxe-1" "a router received the rendered configuration"
hooks=$(printf '%s\n' "$out" | sed -n '/webhook got every stage change/,/^\$ grep/p' | grep -- ' -> ')
n=$(printf '%s\n' "$hooks" | wc -l)
ok "$([ "$n" -ge 17 ] && echo 0 || echo 1)" "the webhook got every stage change ($n: 3 per router, 2 more for the retried one, more when a busy router was retried)"
is "$(printf '%s\n' "$hooks" | sort | uniq -d)" "" "none twice"
for id in FDO2231A0BC JN11F2AB3CDE JPE17281234 2102351931P0K8000123 FOC1932X0AB; do
	like "$hooks" "$id configured -> done" "$id: configured -> done announced"
done
done_testing
