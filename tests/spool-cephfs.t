#!/bin/sh
# shellcheck disable=SC2154 # HN_* and HADDR_*: set by hosts_add
# spool-cephfs.t: one spool on CephFS shared by three hosts, one of which
# dies in the middle of the run.
#
# A one-node CephFS (tests/cephfs.sh) is mounted by three hosts, each a
# network namespace with its own ceph-fuse.  First the scenario of issue
# 15 across hosts: two `take -n 3 | commit done` loops per worker host,
# four in all, over 200 records: none stranded.  Then the gateway runs
# ztp-dhcpd into the shared spool with 100 DHCP clients (perfdhcp) behind
# it, and two worker hosts run `ztp-flow watch` against the devices those
# clients stand for (tests/hosts.sh: simulators behind one sshd).  When a
# quarter of the devices are configured, worker w1 dies: its tools and its
# ceph-fuse are SIGKILLed and its session evicted, as a fencing agent
# would.  w2 finishes w1's claims; w1 comes back (a new mount, a new flow)
# and commits nothing stale.  At the end every device is done, in exactly
# one place, with one move to each stage in its history, configured once
# (twice only for a device whose claim w1 held when it died: its push may
# have reached it).  The session-timeout and partition cases:
# spool-cephfs-slow.t (ZTP_SLOW=1).  ZTP_CEPHFS_FAKE=1 runs the same on
# bind mounts of the local disk (tests/cephfs.sh), which proves nothing
# about CephFS.
. "$(dirname "$0")/lib.sh"
need_root "network namespaces, FUSE mounts"
. "$TOP/tests/sshd.sh"
. "$TOP/tests/cephfs.sh"
ceph_need
SIM=$BUILD/tests/sim/ztp-sim
[ -x "$TOP/tests/sim/ztp-sim" ] && SIM=$TOP/tests/sim/ztp-sim	# the device is not under test
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
command -v perfdhcp >/dev/null 2>&1 || skip_all "no perfdhcp (kea-admin)"
command -v unshare >/dev/null 2>&1 || skip_all "unshare(1) is not installed"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || skip_all "no python3-yaml"
. "$TOP/tests/hosts.sh"
N=100

t0=$(date +%s)
ceph_up "$T/ceph" 30
ok $? "a one-node CephFS starts" || { done_testing; }
tick() { diag "$(($(date +%s) - t0)) s: $*"; }
tick "CephFS up"
hosts_rack
ok $? "the rack's sshd answers for every device address"
tick "rack up"
hosts_add gw norack && hosts_add w1 && hosts_add w2
ok $? "three hosts mount the file system, each with its own ceph-fuse"
tick "hosts up"
export HOSTS_VIEW=gw
SP=$T/mnt/gw/spool

# the scenario of issue 15 across hosts: on each worker host one script
# starts two `take -n 3 | commit done` loops with & (one process group
# per host), four in all over 200 records; none is stranded
P=$T/mnt/gw/pipes
ztp-spool -s "$P" init >/dev/null
i=0
while [ $i -lt 200 ]; do
	printf 'mac: 0c:d9:96:01:%02x:%02x\n---\n' $((i / 256)) $((i % 256))
	i=$((i + 1))
done | ztp-spool -s "$P" put discovered >/dev/null
cat >"$T/loops.sh" <<'EOF'
#!/bin/sh
# two loops from one script, on the spool as this host mounts it
loop() {
	while ztp-spool -s "$1" ls discovered | grep -qv ' leased '; do
		ztp-spool -s "$1" take -n 3 discovered | ztp-spool -s "$1" commit done
	done 2>>"$2"
}
loop "$1" "$2.a" &
loop "$1" "$2.b" &
wait
EOF
hosts_run w1 sh "$T/loops.sh" "$T/mnt/w1/pipes" "$T/pipes-w1.err"
p1=$HPID
hosts_run w2 sh "$T/loops.sh" "$T/mnt/w2/pipes" "$T/pipes-w2.err"
wait "$p1" "$HPID"
is "$(cat "$T"/pipes-*.err* 2>/dev/null)" "" "four take | commit loops on two hosts: no commit refused"
is "$(ztp-spool -s "$P" ls "done" | wc -l)" 200 "all 200 records reach done"
is "$(ztp-spool -s "$P" ls discovered | wc -l)" 0 "none stranded: none left claimed or waiting"
tick "take | commit loops on two hosts"

# the gateway: ztp-dhcpd on g0, the DHCP clients' segment (10.78.1.0/24)
ZTP_CONFIG=$T/gw.yml ztp-spool init >/dev/null
ok $? "ztp-spool init on the shared spool"
K=zk$$
ip netns add "$K"
on_exit "ip netns del $K"
ip link add g1 netns "$HN_gw" type veth peer name k0 netns "$K"
ip -n "$HN_gw" addr add 10.78.0.1/16 dev g1
ip -n "$HN_gw" link set g1 up
ip -n "$K" addr add 10.78.0.50/16 dev k0
ip -n "$K" link set k0 up
ip -n "$K" link set lo up
cat >>"$T/gw.yml" <<EOF
dhcp:
  lease_dir: $T/leases
  rate_limit: {per_mac: 0, per_port: 0}
  subnets:
    lab:
      subnet: 10.78.0.0/16
      interface: g1
      range: 10.78.1.1-10.78.1.250
      router: 10.78.0.1
EOF
hosts_run gw ztp-dhcpd -d -v 2>"$T/dhcpd.log"
rack_ok=1
i=0
while [ $i -lt 100 ]; do grep -q serving "$T/dhcpd.log" && { rack_ok=0; break; }; sleep 0.1; i=$((i + 1)); done
ok $rack_ok "ztp-dhcpd serves on the gateway" || sed 's/^/# /' "$T/dhcpd.log"

# 100 devices boot: perfdhcp's 100 clients, until each has its lease (a
# round picks its clients at random among the 100)
count() { hosts_spool ls "$@" 2>/dev/null | wc -l; }
# the devices (MACs) with a record: while ztp-probe gives a record its
# serial as id, it may be listed under both for a moment
macs() { hosts_spool -o json ls 2>/dev/null | jq -r .mac | sort -u | grep -c .; }
r=0
while [ $r -lt 10 ] && [ "$(macs)" -lt $N ]; do
	ip netns exec "$K" perfdhcp -4 -l k0 -R $N -r 100 -n 150 -t 1 >"$T/perf.$r" 2>&1
	sleep 0.5
	r=$((r + 1))
done
is "$(macs)" "$N" "the gateway made one record for each of the $N devices (perfdhcp rounds: $r)"

tick "$N devices discovered"
# then the workers: a pass every 2 s, or at once on a local wake-up
hosts_run w1 sh "$TOP/cmd/ztp-flow.sh" -q -j 8 watch -i 2 2>"$T/w1.err"
hosts_run w2 sh "$TOP/cmd/ztp-flow.sh" -q -j 8 watch -i 2 2>"$T/w2.err"
# w1 dies in the middle of the pushes: when a quarter is configured
i=0
while [ $i -lt 1200 ] && [ "$(count configured "done")" -lt $((N / 4)) ]; do sleep 0.1; i=$((i + 1)); done
done_at_kill=$(count configured "done")
# what w1 holds when it dies, listed while its tools are stopped
hosts_freeze w1
hosts_spool -o json ls >"$T/at-kill.json"
jq -r 'select(.claim.host == "w1") | .mac' "$T/at-kill.json" | sort -u >"$T/w1-claims"
hosts_kill w1
ceph_evict "$HN_w1"
ok $? "w1 is dead (SIGKILL) and its session evicted, with $done_at_kill configured or done"
tk=$(date +%s)
# only a device whose claim w1 held when it died may have had its push
# twice (w1's reached it, then w2's)
jq -r 'select(.claim.host == "w1") | .ip' "$T/at-kill.json" | sort -u >"$T/twice"
tick "w1 killed holding $(wc -l <"$T/twice") claims"

# w2 alone finishes what w1 held
i=0
while [ $i -lt 900 ] && [ "$(count "done")" -lt $N ]; do sleep 0.1; i=$((i + 1)); done
is "$(count "done")" "$N" "w2 finishes the work, w1's claims too"
tick "all done, $(($(date +%s) - tk)) s after w1 died"
hosts_spool -o json ls "done" | jq -r .mac | sort -u >"$T/done-macs"
is "$(comm -23 "$T/w1-claims" "$T/done-macs")" "" \
	"the $(wc -l <"$T/w1-claims") records w1 held when it died are done"
is "$(hosts_spool -o json ls | jq -r 'select(.claimed) | .id')" "" "no claim is left"

# w1 comes back: a new mount, a new flow; nothing is left for it, and it
# commits nothing stale
ceph_mount "$HN_w1" "$T/mnt/w1"
ok $? "w1 mounts the file system again"
hosts_run w1 sh "$TOP/cmd/ztp-flow.sh" -q -j 8 run 2>"$T/w1.back.err"
wait "$HPID"
is "$?" 0 "w1's first pass after its death succeeds"
is "$(count "done")" "$N" "and changes nothing: $N done"

tick "w1 back"
hosts_stop w2
hosts_stop gw
hosts_verify "$SP" >"$T/verdict"
tick "verified"
is "$(sed -n 1p "$T/verdict")" "records $N files $N" "none lost, none duplicated: one record and one file per device"
is "$(grep -c '^WRONG' "$T/verdict")" 0 "every device done, one move to each stage, configured once"
grep '^WRONG' "$T/verdict" | head -n 20 | while IFS= read -r l; do diag "$l"; done
unlike "$(cat "$T"/w1.err "$T"/w2.err "$T"/w1.back.err "$T/dhcpd.log")" "AddressSanitizer" "no sanitizer report"
unlike "$(cat "$T"/w1.err "$T"/w2.err "$T"/w1.back.err "$T/dhcpd.log")" "runtime error" "no undefined behaviour"
done_testing
