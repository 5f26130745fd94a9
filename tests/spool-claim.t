#!/bin/sh
# claims across processes and hosts: the claim token of take | commit
# pipelines, who holds what, dead-claim recovery (ztp-spool(5) "Claims")
. "$(dirname "$0")/lib.sh"
export ZTP_CONFIG=/dev/null
S=$T/spool
sp() { ztp-spool -s "$S" "$@"; }

sp init
i=0
while [ $i -lt 200 ]; do
	printf 'mac: 0c:d9:96:00:%02x:%02x\n---\n' $((i / 256)) $((i % 256))
	i=$((i + 1))
done >"$T/200.yml"
sp put discovered "$T/200.yml"

# the exact scenario of issue 15: four loops started with & from one
# script, hence one process group, draining one stage at the same time
loop() {
	while sp ls discovered | grep -qv ' leased '; do
		sp take -n 3 discovered | sp commit done
	done 2>>"$T/err.$1"
}
for w in 1 2 3 4; do loop $w & done
wait
is "$(cat "$T"/err.* 2>/dev/null)" "" "four take | commit loops of one process group: no commit refused"
is "$(sp ls done | wc -l)" 200 "all 200 records reach done"
is "$(sp ls discovered | wc -l)" 0 "none left claimed or waiting"


# the token travels with the records from take to commit
printf 'mac: 0c:d9:96:01:00:01\n' | sp put probed
run sp take -n 1 probed
taken=$out
like "$taken" "claim:" "take prints the claim with each record"
like "$taken" "host: $(hostname)" "with the host that holds it"
run sp ls probed
like "$out" "leased  by=$(hostname):" "ls shows which host holds the claim"
run sp -o json ls probed
like "$out" "\"claim\": {\"host\": \"$(hostname)\", \"pid\": " "ls -o json: claim.host and claim.pid"
like "$out" "\"expires\": \"" "and claim.expires of the lease"
run sp status
like "$out" "* $(hostname):" "status has a column of who holds what"
tok=$(printf '%s\n' "$taken" | sed -n 's/^ *token: //p')
is "$(printf '%s' "$tok" | tr -d 0-9a-f | wc -c)" 0 "and a token of hex digits"
run sh -c "printf '%s\n' \"\$1\" | sed 's/token: .*/token: 0123456789abcdef/' | ztp-spool -s '$S' commit configured" sh "$taken"
is "$rc" 75 "a commit that presents another pipeline's token is refused (75)"
like "$err" "record '0c-d9-96-01-00-01' is no longer claimed by this pipeline" "saying the claim is not its own"
run sp ls probed
like "$out" "leased" "the record stays with the pipeline that took it"
run sh -c "printf '%s\n' \"\$1\" | ztp-spool -s '$S' commit configured" sh "$taken"
is "$rc" 0 "the token's own commit goes through"
run sp show 0c-d9-96-01-00-01
unlike "$out" "token" "the claim is not stored in the record"
run sh -c "printf '%s\n' \"\$1\" | ztp-spool -s '$S' commit configured" sh "$taken"
is "$rc" 0 "committing the same stream again finds the record there already"
like "$err" "in 'configured' already" "and says so instead of moving it again"
run sh -c "printf '%s\n' \"\$1\" | ztp-spool -s '$S' commit done" sh "$taken"
is "$rc" 75 "a stale stream whose claim ended moves nothing"
like "$err" "its claim ended" "and says why"
like "$(sp ls configured)" "0c-d9-96-01-00-01" "the record stays where it is"

# release presents the token too
printf 'mac: 0c:d9:96:01:00:02\n' | sp put discovered
run sp take -n 1 discovered
id=$(printf '%s\n' "$out" | sed -n 's/^id: //p')
tok=$(printf '%s\n' "$out" | sed -n 's/^ *token: //p')
run sp release -k 0123456789abcdef "$id"
is "$rc" 75 "release -k with another token is refused"
run sp release -k "$tok" "$id"
is "$rc" 0 "release -k with the take's token gives the record back"
unlike "$(sp ls discovered)" "leased" "unclaimed again"

done_testing
