# shellcheck shell=sh
# tests/hosts.sh: several provisioning hosts sharing one spool on CephFS
# (sourced after lib.sh, sshd.sh and cephfs.sh, once ceph_up ran; root).
#
#   hosts_rack            the devices: network namespace $HR where every
#                         address of 10.78.0.0/16 is local and one sshd on
#                         port 22 starts, for each connection, the simulator
#                         the address names (10.78.A.B, A 1 to 3: platform by
#                         B mod 4, serial CF<A><B>, its vars in $T/vars); each
#                         simulator logs what it took to $HO/rec-<address>
#                         and every login to $HO/logins ("from to")
#   hosts_add NAME [norack]  host NAME: network namespace $HN_<NAME>, its
#                         own ceph-fuse mount at $T/mnt/NAME, a link to the
#                         rack (10.79.N.2, N its number; not with norack),
#                         its ztp.yml at $T/NAME.yml with the spool on its
#                         mount
#   hosts_run NAME CMD... CMD in the host's namespace, with its hostname
#                         (uname -n) NAME and its ztp.yml (the spool
#                         $HOSTS_SUB of its mount when set, or the local
#                         directory $HOSTS_LOCAL), in the background; its
#                         PID in $HPID
#   hosts_records A N     N device records (JSON lines) for 10.78.A.1-N
#   hosts_kill NAME       SIGKILLs every process of the host (its tools and
#                         its ceph-fuse) and clears its dead mount
#   hosts_freeze NAME     SIGSTOPs the host's tools (not its ceph-fuse)
#   hosts_thaw NAME       SIGCONTs them
#   hosts_stop NAME       stops the host's tools (SIGTERM, then SIGKILL)
#   hosts_verify N        what became of N devices: "records R", then a
#                         line "WRONG ..." for each device not done exactly
#                         once, or configured other than once; devices in
#                         $T/twice may have been configured twice (a dead
#                         host's unfinished claims)

HO=$T/out
_hosts_n=0

hosts_rack() {
	HR=zr$$
	mkdir -p "$HO" "$T/vars/devices" "$T/mnt"
	ip netns add "$HR" || return 1
	on_exit "ip netns del $HR"
	ip -n "$HR" link set lo up
	ip -n "$HR" route add local 10.78.0.0/16 dev lo
	cp -R "$TOP/templates/vars/." "$T/vars/"
	sshd_client_key
	cat >"$T/device.sh" <<EOF
#!/bin/sh
# shellcheck disable=SC2086 # the fields of SSH_CONNECTION
set -- \$SSH_CONNECTION
echo "\$1 \$3" >>"$HO/logins"
b=\${3##*.}
a=\${3%.*}
a=\${a##*.}
case \$((b % 4)) in 0) pf=cisco_iosxe ;; 1) pf=juniper_junos ;; 2) pf=arista_eos ;; *) pf=huawei_vrp ;; esac
exec "$SIM" --platform "\$pf" --serial "\$(printf 'CF%03d%03d' "\$a" "\$b")" --hostname Router \
	--record "$HO/rec-\$3"
EOF
	chmod 755 "$T/device.sh"
	awk -v d="$T/vars/devices" 'BEGIN { for (a = 1; a <= 3; a++) for (b = 1; b <= 250; b++) {
		f = sprintf("%s/CF%03d%03d.yml", d, a, b); printf "hostname: cpe-%d-%d\n", a, b >f; close(f) } }'
	mkdir -p "$T/rack"
	ssh-keygen -q -t ed25519 -N '' -f "$T/rack/host_key"
	printf '%s\n' "Port 22" "ListenAddress 0.0.0.0" "HostKey $T/rack/host_key" \
		"PidFile $T/rack/sshd.pid" "AuthorizedKeysFile $T/authorized_keys" \
		"PermitRootLogin prohibit-password" "StrictModes no" "UsePAM no" \
		"KbdInteractiveAuthentication no" "PasswordAuthentication no" \
		"MaxStartups 400" "SetEnv SHLVL=5" "ForceCommand $T/device.sh" >"$T/rack/sshd_config"
	ip netns exec "$HR" /usr/sbin/sshd -D -e -f "$T/rack/sshd_config" 2>>"$T/rack/log" &
	bg_pid $!
	printf 'credentials:\n- {name: prov, username: root, key_file: %s}\n' "$T/client_key" >"$T/secrets.yml"
	chmod 600 "$T/secrets.yml"
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$HR" sh -c 'i=0; while [ $i -lt 100 ]; do
		bash -c "exec 3<>/dev/tcp/10.78.1.1/22" 2>/dev/null && exit 0; sleep 0.1; i=$((i+1)); done; exit 1'
}

hosts_add() { # hosts_add NAME
	_hosts_n=$((_hosts_n + 1))
	_ns=zh$$$1
	eval "HN_$1=$_ns"
	ip netns add "$_ns" || return 1
	# its processes first (they keep the namespace and the mount busy)
	on_exit "hosts_kill $1; ip netns del $_ns"
	ip -n "$_ns" link set lo up
	[ "${2:-}" = norack ] || hosts_link "$1" "$_ns" || return 1
	ceph_mount "$_ns" "$T/mnt/$1" || return 1
	{
		printf 'spool: %s\nsecrets: %s\n' "$T/mnt/$1/spool" "$T/secrets.yml"
		printf 'ssh: {timeout: 15, known_hosts: accept-new}\n'
		printf 'templates: {path: [%s], vars: %s}\n' "$TOP/templates" "$T/vars"
		printf 'flow: {retries: 0}\n'
	} >"$T/$1.yml"
}

hosts_link() { # hosts_link NAME NS: the host's link to the rack
	ip link add "zr$$$1" netns "$HR" type veth peer name rack0 netns "$2" || return 1
	ip -n "$HR" addr add "10.79.$_hosts_n.1/30" dev "zr$$$1"
	ip -n "$HR" link set "zr$$$1" up
	ip -n "$2" addr add "10.79.$_hosts_n.2/30" dev rack0
	ip -n "$2" link set rack0 up
	ip -n "$2" route add 10.78.0.0/16 via "10.79.$_hosts_n.1"
	eval "HADDR_$1=10.79.$_hosts_n.2"
}

hosts_run() { # hosts_run NAME COMMAND...
	_h=$1
	shift
	eval "_ns=\$HN_$_h"
	# shellcheck disable=SC2016 # expanded by the inner shell
	ZTP_CONFIG=$T/$_h.yml ZTP_SPOOL=${HOSTS_LOCAL:-${HOSTS_SUB:+$T/mnt/$_h/$HOSTS_SUB}} ip netns exec "$_ns" unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' \
		sh "$_h" "$@" &
	HPID=$!
	bg_pid $HPID
}

hosts_pids() { # the host's processes but its ceph-fuse
	_fp=
	eval "_ns=\${HN_$1:-} _fp=\${_ceph_fuse_$_ns:-}"
	[ -n "$_ns" ] || return 0
	ip netns pids "$_ns" 2>/dev/null | while read -r _p; do
		[ "$_p" = "$_fp" ] || echo "$_p"
	done
}

hosts_kill() { # hosts_kill NAME: the host dies, its file system client too
	eval "_ns=\${HN_$1:-}"
	[ -n "$_ns" ] || return 0
	# shellcheck disable=SC2046 # one PID a word
	kill -9 $(hosts_pids "$1") 2>/dev/null
	ceph_kill "$_ns"
	return 0
}

# hosts_freeze NAME / hosts_thaw NAME: the host's tools SIGSTOPped (its
# ceph-fuse still answers), so that what it holds can be listed from
# another host without a race; then SIGCONTed
hosts_freeze() {
	# shellcheck disable=SC2046 # one PID a word
	kill -STOP $(hosts_pids "$1") 2>/dev/null
	return 0
}
hosts_thaw() {
	# shellcheck disable=SC2046 # one PID a word
	kill -CONT $(hosts_pids "$1") 2>/dev/null
	return 0
}

hosts_stop() { # hosts_stop NAME: the host's tools stop, its mount stays
	# shellcheck disable=SC2046 # one PID a word
	kill $(hosts_pids "$1") 2>/dev/null
	_i=0
	while [ -n "$(hosts_pids "$1")" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	# shellcheck disable=SC2046 # one PID a word
	kill -9 $(hosts_pids "$1") 2>/dev/null
	return 0
}

# hosts_spool ARGS...: ztp-spool on the spool as host $HOSTS_VIEW mounts
# it ($HOSTS_SUB: a spool in that directory of the file system instead)
hosts_spool() {
	if [ -n "${HOSTS_LOCAL:-}" ]; then
		ZTP_CONFIG=$T/$HOSTS_VIEW.yml ZTP_SPOOL=$HOSTS_LOCAL ztp-spool "$@"
	elif [ -n "${HOSTS_SUB:-}" ]; then
		ZTP_CONFIG=$T/$HOSTS_VIEW.yml ZTP_SPOOL=$T/mnt/$HOSTS_VIEW/$HOSTS_SUB ztp-spool "$@"
	else
		ZTP_CONFIG=$T/$HOSTS_VIEW.yml ztp-spool "$@"
	fi
}

hosts_records() { # hosts_records A N: the records of devices 10.78.A.1 to .N
	awk -v a="$1" -v n="$2" 'BEGIN { for (b = 1; b <= n; b++) {
		m = sprintf("0c:d9:97:00:%02x:%02x", a, b); id = m; gsub(":", "-", id)
		printf "{\"id\": \"%s\", \"mac\": \"%s\", \"ip\": \"10.78.%d.%d\"}\n", id, m, a, b } }'
}

hosts_verify() { # hosts_verify SPOOL-DIR
	hosts_spool -o json ls >"$T/all.json"
	: >>"$T/twice"
	/usr/bin/python3 - "$1" "$T/all.json" "$HO" "$T/twice" <<'PY'
import json, os, sys
spool, lsfile, out, twice = sys.argv[1:5]
recs = [json.loads(l) for l in open(lsfile) if l.strip()]
may_twice = set(open(twice).read().split())
wrong = []
# every file of every stage, claimed or not: one per record
seen = {}
for st in ("discovered", "probed", "configured", "done", "failed"):
    for d in (os.path.join(spool, st), os.path.join(spool, st, ".work")):
        for f in os.listdir(d) if os.path.isdir(d) else []:
            if f.endswith(".yml"):
                seen.setdefault(f[:-4], []).append(os.path.relpath(os.path.join(d, f), spool))
for rid, where in sorted(seen.items()):
    if len(where) != 1:
        wrong.append("%s: in %d places: %s" % (rid, len(where), " ".join(where)))
    elif where[0] != "done/%s.yml" % rid:
        wrong.append("%s: in %s, not done" % (rid, where[0]))
import yaml
for r in recs:
    try:
        full = yaml.safe_load(open(os.path.join(spool, r.get("path", ""))))
    except Exception as e:
        wrong.append("%s: unreadable: %s" % (r["id"], e))
        continue
    hist = [h for h in (full.get("history") or []) if isinstance(h, dict)]
    for st in ("probed", "configured", "done"):
        n = sum(1 for h in hist if h.get("stage") == st)
        if n != 1:
            wrong.append("%s: history has %d moves to %s" % (r["id"], n, st))
    ip = r.get("ip", "?")
    pushes = 0
    log = os.path.join(out, "rec-" + ip)
    if os.path.exists(log):
        t = open(log, errors="replace").read()
        pushes = sum(t.count(w) for w in ("\thostname cpe-", "\tset system host-name cpe-", "\tsysname cpe-"))
    if pushes != 1 and not (pushes == 2 and ip in may_twice):
        wrong.append("%s %s: configured %d times" % (r["id"], ip, pushes))
print("records %d files %d" % (len(recs), len(seen)))
for w in wrong:
    print("WRONG " + w)
PY
}
