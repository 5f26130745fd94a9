#!/bin/sh
# fencing: a host that its network filesystem shut out (ESHUTDOWN, EIO,
# ENOTCONN, ESTALE) stops touching the spool, exits 75, and never commits
# blindly again (ztp-spool(5) "Several hosts").  The fence is an
# LD_PRELOAD shim (tests/unit/fence.c) that fails the chosen call.
. "$(dirname "$0")/lib.sh"
export ZTP_CONFIG=/dev/null
SHIM=$TOP/tests/unit/fence.so
[ -f "$SHIM" ] || skip_all "no $SHIM (make)"
S=$T/spool
sp() { ztp-spool -s "$S" "$@"; }
# fenced SPEC CMD...: run CMD with the fence armed
fenced() {
	_spec=$1
	shift
	ZTP_FENCE=$_spec LD_PRELOAD=$SHIM \
	ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" "$@"
}

sp init
printf 'mac: 0c:d9:96:02:00:01\n---\nmac: 0c:d9:96:02:00:02\n---\nmac: 0c:d9:96:02:00:03\n' | sp put probed
sp take -n 2 probed >"$T/two.yml"
first=$(sed -n 's/^id: //p' "$T/two.yml" | head -n 1)

# the commit's rename fails: fenced before it happened
run fenced "rename:ESHUTDOWN:configured/" ztp-spool -s "$S" commit configured "$T/two.yml"
is "$rc" 75 "a fenced commit exits 75"
like "$err" "spool unreachable (fenced): rename '$S/probed/.work/$first.yml': " \
	"and says the spool is unreachable, what failed and where"
is "$(printf '%s\n' "$err" | grep -c 'fenced')" 1 "it stops at the first fenced call: the second record is not tried"
run sp ls probed
is "$(printf '%s\n' "$out" | grep -c leased)" 2 "both records stay with the pipeline's claim"
run sp commit configured "$T/two.yml"
is "$rc" 0 "back on the spool, the same stream commits (its lease still holds)"
is "$(sp ls configured | wc -l)" 2 "both in configured"

# the rename happened and still reported an error (a network filesystem
# may answer so): the next pass looks before acting
sp take -n 1 probed >"$T/one.yml"
third=$(sed -n 's/^id: //p' "$T/one.yml")
run fenced "rename+:EIO:done/" ztp-spool -s "$S" commit "done" "$T/one.yml"
is "$rc" 75 "a commit fenced after its rename exits 75 too"
like "$(sp ls "done")" "$third" "the record did move"
run sp commit "done" "$T/one.yml"
is "$rc" 0 "committing the stream again does not fail"
like "$err" "in 'done' already (an earlier commit went through)" "it finds the record where the failed rename put it"
is "$(sp ls | grep -c "$third")" 1 "one record, not two"

# other calls: the flock of a take, a directory fsync of a put
printf 'mac: 0c:d9:96:02:00:04\n' | sp put discovered
run fenced "flock:ENOTCONN:discovered/" ztp-spool -s "$S" take discovered
is "$rc" 75 "a take whose flock is fenced exits 75"
like "$err" "spool unreachable (fenced): flock '$S/discovered/0c-d9-96-02-00-04.yml': " "with the flock named"
is "$out" "" "and prints no record"
run fenced "fsync:ESTALE:/spool/discovered" sh -c "printf 'mac: 0c:d9:96:02:00:05\n' | ztp-spool -s '$S' put discovered"
is "$rc" 75 "a put whose fsync is fenced exits 75"
like "$err" "spool unreachable (fenced): fsync '$S/discovered': " "with the fsync named"
run sp recover
is "$rc" 0 "the spool is whole for the hosts that were not fenced"
is "$(sp ls discovered | grep -c 0c-d9-96-02-00-04)" 1 "the record of the fenced take waits in its stage"

# a worker tool (ztp-probe --spool) fenced as it claims: 75, nothing done
run fenced "flock:ESHUTDOWN:discovered/" env ZTP_SPOOL="$S" ztp-probe --spool
is "$rc" 75 "ztp-probe --spool fenced as it claims exits 75 (not 2)"
like "$err" "spool unreachable (fenced): flock '$S/discovered/" "and says the spool is unreachable"
like "$(sp ls discovered)" "0c-d9-96-02-00-04    discovered" "the record waits unclaimed"

# a worker fenced as it commits, after the work (its device does not
# answer: the record goes to failed): 75, the record not moved, no more
# records taken
PDEAD=$(free_port)
printf 'Host dev-dead\n  HostName 127.0.0.1\n  Port %s\n' "$PDEAD" >"$T/ssh_config"
printf 'credentials:\n- {name: prov, username: nobody, password: "x"}\n' >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
printf 'spool: %s\nsecrets: %s/secrets.yml\nssh: {timeout: 5, config: %s/ssh_config}\n' \
	"$S" "$T" "$T" >"$T/ztp.yml"
printf 'mac: 0c:d9:96:02:00:06\nip: dev-dead\n---\nmac: 0c:d9:96:02:00:07\nip: dev-dead\n' |
	sp put discovered
run fenced "rename:ESHUTDOWN:failed/" env ZTP_CONFIG="$T/ztp.yml" ztp-probe -j 1 --spool
is "$rc" 75 "ztp-probe --spool fenced as it commits exits 75"
like "$err" "spool unreachable (fenced): rename '$S/discovered/.work/" "and says the spool is unreachable"
is "$(printf '%s\n' "$err" | grep -c 'spool unreachable')" 1 "it takes no second record"
is "$(sp ls failed | grep -c 0c-d9-96-02-00-0)" 0 "nothing committed"
is "$(sp ls discovered | grep -c '0c-d9-96-02-00-0[67]')" 2 "both records wait in discovered"

printf 'mac: 0c:d9:96:02:00:08\nip: dev-dead\nservice: internet-access\n' | sp put probed
run fenced "rename:EIO:failed/" env ZTP_CONFIG="$T/ztp.yml" ztp-push --spool
is "$rc" 75 "ztp-push --spool fenced as it commits exits 75"
like "$err" "cannot commit '0c-d9-96-02-00-08': spool unreachable (fenced): rename " "saying why"
like "$(sp ls probed)" "0c-d9-96-02-00-08    probed" "the record waits in probed, not committed"

# a spool made shared (init on a network filesystem writes .shared) and
# found on a local disk: the shared filesystem is not mounted there
echo ceph >"$S/.shared"
run sp ls
is "$rc" 75 "a shared spool found on a local filesystem is refused (75: the mount may come)"
like "$err" "it was made on ceph, shared by several hosts, and is on the local" "saying why"
like "$err" "mount the shared filesystem there" "and what to do"
rm "$S/.shared"

done_testing
