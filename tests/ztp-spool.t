#!/bin/sh
# ztp-spool as scripts and engineers use it
. "$(dirname "$0")/lib.sh"
export ZTP_CONFIG=/dev/null
S=$T/spool
sp() { ztp-spool -s "$S" "$@"; }

run sp ls
is "$rc" 2 "a spool that does not exist is a configuration error"
like "$err" "ztp-spool -s $S init" "and the message says how to create it"
run sp init
is "$rc" 0 "init"

printf 'mac: 0c:d9:96:aa:bb:01\nip: 10.20.0.17\nrack: rack1\nport: Gi1/0/7\nvendor_class: ciscopnp\ncustom: {keep: me}\n---\nmac: 0c:d9:96:aa:bb:02\nip: 10.20.0.18\n' >"$T/two.yml"
run sp put discovered "$T/two.yml"
is "$rc" 0 "put two records"
run sp ls
like "$out" "0c-d9-96-aa-bb-01    discovered" "ls shows id and stage"
like "$out" "ip=10.20.0.17 rack=rack1 port=Gi1/0/7 vendor_class=ciscopnp" "ls shows key facts"
is "$(echo "$out" | wc -l)" 2 "one line per record"

run sp put discovered "$T/two.yml"
is "$rc" 2 "putting the same devices again is refused"
like "$err" "record '0c-d9-96-aa-bb-01' already exists in 'discovered/0c-d9-96-aa-bb-01.yml'" "and says where"

run sp -o json ls discovered
like "$out" '{"id": "0c-d9-96-aa-bb-01", "stage": "discovered", "claimed": false' "ls -o json"
is "$(echo "$out" | /usr/bin/python3 -c 'import sys,json; print(sum(1 for l in sys.stdin if json.loads(l)["stage"]=="discovered"))')" 2 \
	"ls -o json is one valid JSON object per line"

# the pipeline: take | change | commit
sp take discovered >"$T/taken.yml"
is "$(grep -c '^---' "$T/taken.yml")" 2 "take prints the claimed records"
run sp ls discovered
like "$out" "leased" "taken records show as leased"
run sp recover
like "$out" "recovered 0 claims" "recover leaves a live pipeline's claims alone"
sed 's/^ip: /ip: /; s/^rack: rack1/rack: rack1\nfacts: {vendor: cisco, serial: FOC1234X5YZ, model: ISR4331}/' "$T/taken.yml" >"$T/changed.yml"
run sp commit probed "$T/changed.yml"
is "$rc" 0 "commit"
run sp ls
like "$out" "0c-d9-96-aa-bb-01    probed" "committed to probed"
like "$out" "serial=FOC1234X5YZ" "with the new facts"
unlike "$out" "leased" "no claim left"
run sp show 0c-d9-96-aa-bb-01
like "$out" "custom:
  keep: me" "unknown keys survive the round trip"

# a real pipe, as cron would run it
sp take probed | sed 's/^ip: 10.20.0.18/ip: 10.20.0.99/' | sp commit configured
run sp ls configured
like "$out" "ip=10.20.0.99" "take | sed | commit in one pipeline"
is "$(echo "$out" | wc -l)" 2 "both records moved"

# failed and retry
sp take configured -n 1 >/dev/null 2>&1 # wrong order on purpose: usage error
run sp take -n 1 configured
id=$(echo "$out" | sed -n 's/^id: //p')
printf '%s\n' "$out" | sed '1a\
error: {tool: ztp-push, kind: rejected, message: "% Invalid input", stage: configured}' | sp commit failed
run sp ls failed
like "$out" "error=rejected" "failed record shows its error"
run sp retry "$id"
is "$rc" 0 "retry"
run sp ls configured
like "$out" "$id" "retry moves it back to the stage that failed"
run sp show "$id"
unlike "$out" "error:" "the error is cleared"
like "$out" "result: retry" "and the retry is in the history"
run sp retry "$id"
is "$rc" 2 "retrying a record that is not in failed is refused"
like "$err" "is in 'configured', not in 'failed'" "with the reason"

# errors
run sp put nowhere "$T/two.yml"
is "$rc" 2 "unknown stage"
like "$err" "unknown stage 'nowhere'" "names it"
run sp lss
is "$rc" 2 "unknown command"
like "$err" "did you mean 'ls'?" "suggests the right one"
run sp show nosuch
is "$rc" 2 "show of a missing record"
like "$err" "no record 'nosuch'" "says so"
run_in 'id: ok1
---
id: "../../etc/passwd"
' sp put discovered
is "$rc" 2 "a batch with a bad record exits 2"
like "$err" "'-' line 3: id '../../etc/passwd' is not file-name-safe" "names input and line"
run sp show ok1
is "$rc" 0 "the good record of the batch was stored"

# a pipeline's claim holds against rm and retry while the pipeline lives
printf 'id: held1\nip: 10.20.0.30\n' | sp put done >/dev/null
( sp take done >/dev/null; sleep 30 ) &
held=$!
bg_pid $held
i=0
while [ $i -lt 50 ] && ! sp ls done | grep -q "held1.*leased"; do sleep 0.1; i=$((i + 1)); done
run sp rm held1
is "$rc" 75 "rm of a record a live pipeline holds: busy (75)"
like "$err" "claimed by a pipeline" "saying who holds it"
run sp show held1
is "$rc" 0 "the record is still there"
printf 'id: held1\nip: 10.20.0.30\n' | sp commit probed
run sp ls probed
like "$out" "held1" "the pipeline's own commit still ends its claim"
kill $held 2>/dev/null

# a record with an error is a failed one, whatever the pipeline commits it to
printf 'id: fail1\nip: 10.20.0.31\n' | sp put configured >/dev/null
sp take configured | sed 's/^ip: 10.20.0.31/ip: 10.20.0.31\nerror: {tool: ztp-probe, kind: refused, message: nothing listens, stage: discovered}/' |
	sp -q commit probed
run sp ls failed
like "$out" "fail1" "committed to failed, not to probed"
run sp ls probed
unlike "$out" "fail1" "and not in probed"

# show --log: the transcripts, under the id and the MAC id before it, escaped
printf '{"id": "SER123", "mac": "0c:d9:96:aa:bb:cc"}\n' | sp put probed - >/dev/null
printf 'router# show version\n' >"$S/log/SER123.log"
printf 'Password: \033]52;c;cGF5bG9hZA==\007\033[2J\n' >"$S/log/0c-d9-96-aa-bb-cc.log"
run sp show --log SER123
is "$rc" 0 "show --log"
like "$out" "### transcript $S/log/SER123.log" "show --log: the transcript under the id"
like "$out" "### transcript $S/log/0c-d9-96-aa-bb-cc.log" "and the one under the MAC id it had first"
like "$out" 'Password: \x1b]52;c;cGF5bG9hZA==\x07\x1b[2J' "escape sequences shown escaped, never replayed"
unlike "$out" "$(printf '\033')" "no raw ESC reaches the terminal"
run sp show --log ok1
like "$err" "no transcript" "show --log without a session says so"
run sp ls --log
is "$rc" 2 "--log goes with show only"

# rm and -T
run sp rm ok1
is "$rc" 0 "rm"
run sp show ok1
is "$rc" 2 "gone"
printf 'spool: %s\nbackend:\n  url: http://127.0.0.1:9/x\n' "$S" >"$T/ztp.yml"
run ztp-spool -c "$T/ztp.yml" -T
like "$out" "spool: $S" "-T prints the effective spool"
like "$out" "url: http://127.0.0.1:9/x" "and the backend"
printf 'spool: %s\nbakend: {}\n' "$S" >"$T/bad.yml"
run ztp-spool -c "$T/bad.yml" ls
is "$rc" 2 "a bad ztp.yml stops the tool"
like "$err" "bad.yml: line 2: unknown key 'bakend' in 'the top level' (did you mean 'backend'?)" \
	"naming file, line, key and the likely fix"
done_testing
