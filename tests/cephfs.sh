# shellcheck shell=sh
# tests/cephfs.sh: a one-node CephFS for the tests of the spool shared by
# several hosts (sourced after lib.sh; needs root, iproute2 and Debian's
# ceph-mon ceph-mgr ceph-osd ceph-mds ceph-fuse ceph-common, which
# `sh tests/deps.sh cephfs` installs).  Nothing here is left behind: every daemon is
# stopped by its PID, every mount unmounted, every namespace deleted.
#
#   ceph_need                  skip the test (with the reason) when the lab
#                              cannot start here: not root, packages missing
#   ceph_up DIR [TIMEOUT]      mon, mgr, one OSD on memstore and one MDS in
#                              the network namespace $CEPH_NS (10.97.0.1 on
#                              a bridge), all files under DIR; TIMEOUT is the
#                              MDS session timeout (seconds, 30 at least;
#                              default 30): a silent client is evicted then
#   ceph_mount HOSTNS MNT      mounts the file system at MNT with a ceph-fuse
#                              of its own (client.HOSTNS) running in network
#                              namespace HOSTNS, which gets a link ceph0 to
#                              the cluster's bridge the first time
#   ceph_kill HOSTNS           SIGKILLs that host's ceph-fuse (a dead host)
#                              and clears the dead mount point
#   ceph_evict HOSTNS          evicts the host's client session, as a
#                              fencing agent would
#   ceph_cut HOSTNS / ceph_heal HOSTNS   the host's link down / up again
#   ceph_sessions              the clients the MDS knows: "HOSTNS STATE"
#   ceph_down                  unmounts, stops everything by PID (at exit too)
#
# ZTP_CEPHFS_FAKE=1 puts a bind mount of one local directory in place of
# each ceph-fuse (same namespaces and links, no Ceph): only for debugging a
# test's own logic on a machine without the packages; it proves nothing
# about CephFS, and the tests say so.
#
# The daemons are given a few seconds to stop and are then SIGKILLed: the
# data is thrown away.  `mds early reply = false` is required: with Ceph's
# default, a metadata change from one host holds its locks until the next
# journal flush (5 s), and every other host touching the directory stalls.

CEPH_PKGS="ceph-mon ceph-mgr ceph-osd ceph-mds ceph-fuse ceph-common"
CEPH_NS=
CEPH_DIR=
CEPH_RUN=
_ceph_pids=
_ceph_mnts=
_ceph_links=
_ceph_n=10

CEPH_FAKE=${ZTP_CEPHFS_FAKE:-}

ceph_need() {
	[ "$(id -u)" = 0 ] || skip_all "needs root for the CephFS lab (namespaces, FUSE mounts)"
	[ -z "$CEPH_FAKE" ] || return 0
	for _c in ceph-mon ceph-mgr ceph-osd ceph-mds ceph-fuse ceph ceph-authtool monmaptool; do
		command -v "$_c" >/dev/null 2>&1 ||
			skip_all "no $_c: the CephFS lab needs Debian's $CEPH_PKGS (sh tests/deps.sh cephfs installs them)"
	done
	[ -e /dev/fuse ] || skip_all "no /dev/fuse: ceph-fuse cannot mount"
	command -v uuidgen >/dev/null 2>&1 || skip_all "no uuidgen (uuid-runtime)"
}

ceph_cli() { # the admin CLI, in the cluster's namespace
	ip netns exec "$CEPH_NS" ceph -c "$CEPH_DIR/ceph.conf" --connect-timeout 10 "$@"
}

_ceph_wait() { # _ceph_wait TENTHS COMMAND...
	_w=$1
	shift
	while [ "$_w" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_w=$((_w - 1))
	done
	return 1
}

_ceph_bg() { # _ceph_bg NAME COMMAND...: a daemon in the cluster's namespace
	_n=$1
	shift
	ip netns exec "$CEPH_NS" "$@" >"$CEPH_DIR/log/$_n.out" 2>&1 &
	_ceph_pids="$_ceph_pids $!"
}

_ceph_conf() {
	cat >"$CEPH_DIR/ceph.conf" <<EOF
[global]
fsid = $1
mon host = [v2:10.97.0.1:3300,v1:10.97.0.1:6789]
keyring = $CEPH_DIR/keyring
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $CEPH_RUN
admin socket = $CEPH_RUN/\$name.asok
log file = $CEPH_DIR/log/\$name.log
pid file = $CEPH_RUN/\$name.pid
crash dir = $CEPH_DIR/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
paxos propose interval = 0.1
paxos min wait = 0.01
mds beacon interval = 1

[mon]
public addr = 10.97.0.1
mgr initial modules = iostat
mon data = $CEPH_DIR/mon/\$cluster-\$id
mon cluster log file = $CEPH_DIR/log/cluster.log

[osd]
public addr = 10.97.0.1
osd data = $CEPH_DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 1073741824

[mds]
public addr = 10.97.0.1
mds data = $CEPH_DIR/mds/\$cluster-\$id
mds early reply = false

[mgr]
public addr = 10.97.0.1
mgr data = $CEPH_DIR/mgr/\$cluster-\$id

[client]
log file = $CEPH_DIR/log/\$name.log
admin socket = $CEPH_RUN/\$name.\$pid.asok
EOF
}

# shellcheck disable=SC2015 # each chain's last step fails too
ceph_up() { # ceph_up DIR [SESSION-TIMEOUT]
	CEPH_DIR=$1
	_to=${2:-30}
	CEPH_NS=zc$$
	mkdir -p "$CEPH_DIR/log" "$CEPH_DIR/mon" "$CEPH_DIR/osd/ceph-0" "$CEPH_DIR/mds/ceph-a" \
		"$CEPH_DIR/mgr/ceph-x" "$CEPH_DIR/crash" || return 1
	# admin sockets: a short path (sun_path holds 107 bytes)
	CEPH_RUN=$(mktemp -d /tmp/ztp-ceph.XXXXXX) || return 1
	on_exit ceph_down
	ip netns add "$CEPH_NS" || return 1
	ip -n "$CEPH_NS" link set lo up
	ip -n "$CEPH_NS" link add br0 type bridge
	ip -n "$CEPH_NS" addr add 10.97.0.1/24 dev br0
	ip -n "$CEPH_NS" link set br0 up
	if [ -n "$CEPH_FAKE" ]; then
		diag "ZTP_CEPHFS_FAKE: bind mounts of one local directory, not CephFS"
		mkdir -p "$CEPH_DIR/fs"
		return 0
	fi
	_fsid=$(uuidgen)
	_ceph_conf "$_fsid"
	export CEPH_CONF="$CEPH_DIR/ceph.conf"
	{
		ceph-authtool --create-keyring "$CEPH_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' &&
			ceph-authtool "$CEPH_DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' \
				--cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *'
	} >"$CEPH_DIR/log/keys.out" 2>&1 &&
		monmaptool --create --fsid "$_fsid" --addv a '[v2:10.97.0.1:3300,v1:10.97.0.1:6789]' \
			"$CEPH_DIR/monmap" >"$CEPH_DIR/log/monmap.out" 2>&1 &&
		ceph-mon -c "$CEPH_CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" \
			--keyring "$CEPH_DIR/keyring" >"$CEPH_DIR/log/mkfs.out" 2>&1 || {
		diag "cannot make the monitor's store:"
		sed 's/^/#   /' "$CEPH_DIR/log/mkfs.out"
		return 1
	}
	_ceph_bg mon ceph-mon -c "$CEPH_CONF" -i a -f
	_ceph_wait 300 ceph_cli mon stat || { _ceph_fail "the monitor did not answer"; return 1; }
	ceph_cli auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
		>>"$CEPH_DIR/keyring" 2>/dev/null || { _ceph_fail "cannot create the mgr's key"; return 1; }
	_ceph_bg mgr ceph-mgr -c "$CEPH_CONF" -i x -f
	_uuid=$(uuidgen)
	ceph_cli osd new "$_uuid" >/dev/null 2>&1 &&
		ceph_cli auth get-or-create osd.0 mon 'allow profile osd' mgr 'allow profile osd' \
			osd 'allow *' >>"$CEPH_DIR/keyring" 2>/dev/null &&
		ip netns exec "$CEPH_NS" ceph-osd -c "$CEPH_CONF" -i 0 --mkfs --osd-uuid "$_uuid" \
			>"$CEPH_DIR/log/osd-mkfs.out" 2>&1 || { _ceph_fail "cannot make the OSD"; return 1; }
	_ceph_bg osd ceph-osd -c "$CEPH_CONF" -i 0 -f
	_ceph_wait 600 _ceph_osd_up || { _ceph_fail "the OSD did not come up"; return 1; }
	{
		ceph_cli osd pool create cephfs_metadata 8 8 &&
			ceph_cli osd pool create cephfs_data 8 8 &&
			ceph_cli fs new cephfs cephfs_metadata cephfs_data &&
			ceph_cli fs set cephfs session_timeout "$_to" &&
			ceph_cli auth get-or-create mds.a mon 'allow profile mds' osd 'allow rw tag cephfs *=*' \
				mds 'allow' mgr 'allow profile mds' >>"$CEPH_DIR/keyring"
	} >"$CEPH_DIR/log/fs-new.out" 2>&1 || { _ceph_fail "cannot create the file system"; return 1; }
	_ceph_bg mds ceph-mds -c "$CEPH_CONF" -i a -f
	_ceph_wait 600 _ceph_mds_active || { _ceph_fail "the MDS did not become active"; return 1; }
	return 0
}

_ceph_osd_up() { ceph_cli osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
_ceph_mds_active() { ceph_cli mds stat 2>/dev/null | grep -q 'up:active'; }
_ceph_fail() {
	diag "CephFS lab: $1; the logs:"
	tail -n 5 "$CEPH_DIR"/log/*.out "$CEPH_DIR"/log/*.log 2>/dev/null | sed 's/^/#   /'
}

ceph_mount() { # ceph_mount HOSTNS MNT
	case " $_ceph_links " in *" $1 "*) ;; *)
		_ceph_n=$((_ceph_n + 1))
		ip link add "zcv$$x$_ceph_n" netns "$CEPH_NS" type veth peer name ceph0 netns "$1" || return 1
		ip -n "$CEPH_NS" link set "zcv$$x$_ceph_n" master br0 up
		ip -n "$1" addr add "10.97.0.$_ceph_n/24" dev ceph0
		ip -n "$1" link set ceph0 up
		ip -n "$1" link set lo up
		_ceph_links="$_ceph_links $1"
		;;
	esac
	mkdir -p "$2"
	case " $_ceph_mnts " in *" $2 "*) ;; *) _ceph_mnts="$_ceph_mnts $2" ;; esac
	if [ -n "$CEPH_FAKE" ]; then
		eval "_ceph_fuse_$1=fake _ceph_mnt_$1=\$2"
		mount --bind "$CEPH_DIR/fs" "$2"
		return
	fi
	if ! ceph_cli auth get "client.$1" >/dev/null 2>&1; then
		ceph_cli fs authorize cephfs "client.$1" / rw >>"$CEPH_DIR/keyring" 2>/dev/null ||
			{ _ceph_fail "cannot authorize client.$1"; return 1; }
	fi
	ip netns exec "$1" ceph-fuse -c "$CEPH_CONF" -n "client.$1" -f "$2" >>"$CEPH_DIR/log/fuse.$1.out" 2>&1 &
	eval "_ceph_fuse_$1=$!"
	eval "_ceph_mnt_$1=\$2"
	_ceph_pids="$_ceph_pids $!"
	_ceph_wait 300 mountpoint -q "$2" || { _ceph_fail "ceph-fuse did not mount $2 for $1"; return 1; }
}

ceph_kill() { # ceph_kill HOSTNS: the host's file system client dies
	eval "_p=\${_ceph_fuse_$1:-} _m=\${_ceph_mnt_$1:-}"
	[ -n "$_p" ] || return 1
	if [ "$_p" != fake ]; then
		kill -9 "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	fi
	umount -l "$_m" 2>/dev/null
	return 0
}

ceph_session_id() { # ceph_session_id HOSTNS: the MDS's id of its session
	ceph_cli tell mds.a session ls 2>/dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if (s.get("client_metadata") or {}).get("entity_id") == sys.argv[1]:
        print(s["id"])' "$1"
}

ceph_evict() { # ceph_evict HOSTNS
	[ -z "$CEPH_FAKE" ] || return 0
	_ids=$(ceph_session_id "$1")
	[ -n "$_ids" ] || return 1
	for _id in $_ids; do
		ceph_cli tell mds.a client evict "id=$_id" >/dev/null 2>&1 || return 1
	done
}

ceph_sessions() {
	[ -z "$CEPH_FAKE" ] || return 0
	ceph_cli tell mds.a session ls 2>/dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    print((s.get("client_metadata") or {}).get("entity_id", "?"), s.get("state", "?"))'
}

ceph_cut() { ip -n "$1" link set ceph0 down; }
ceph_heal() { ip -n "$1" link set ceph0 up; }

ceph_down() {
	for _m in $_ceph_mnts; do while mountpoint -q "$_m"; do umount -l "$_m" || break; done; done
	# ceph-fuse and the daemons: no graceful shutdown needed, the data goes
	for _p in $_ceph_pids; do kill "$_p" 2>/dev/null; done
	_i=0
	while [ $_i -lt 30 ]; do
		_alive=
		for _p in $_ceph_pids; do kill -0 "$_p" 2>/dev/null && _alive=1; done
		[ -n "$_alive" ] || break
		sleep 0.1
		_i=$((_i + 1))
	done
	for _p in $_ceph_pids; do kill -9 "$_p" 2>/dev/null; done
	for _p in $_ceph_pids; do wait "$_p" 2>/dev/null; done
	_ceph_pids=
	_ceph_mnts=
	[ -n "$CEPH_NS" ] && ip netns del "$CEPH_NS" 2>/dev/null
	CEPH_NS=
	[ -n "$CEPH_RUN" ] && rm -rf "$CEPH_RUN"
	CEPH_RUN=
	return 0
}
