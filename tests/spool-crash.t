#!/bin/sh
# Crash test of the spool invariants: 8 workers move 2,000 records through
# three stages while being killed with SIGKILL at random moments (at least
# 200 kills) and restarted.  At the end every record is in exactly one
# place, in done/, none lost, none duplicated, none truncated.
. "$(dirname "$0")/lib.sh"

N=${CRASH_RECORDS:-2000}
KILLS=${CRASH_KILLS:-200}
WORKER=$BUILD/tests/unit/h-spoolworker
S=$T/spool
export ZTP_CONFIG=/dev/null

rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }

ztp-spool -s "$S" init
/usr/bin/python3 - "$N" >"$T/recs.yml" <<'PY'
import hashlib, random, sys
for i in range(int(sys.argv[1])):
    p = "%064x" % random.getrandbits(256)
    print("---\nid: r%05d\npayload: \"%s\"\nsum: \"%s\"" % (i, p, hashlib.sha256(p.encode()).hexdigest()))
PY
run ztp-spool -s "$S" put discovered "$T/recs.yml"
is "$rc" 0 "put $N records"
is "$(ls "$S/discovered" | grep -c '\.yml$')" "$N" "all $N waiting in discovered"

# 8 workers, a random one killed every 2-12 ms and restarted, 200 times
CRASH_LOG=$T/events "$BUILD/tests/unit/h-killer" -n 8 -k "$KILLS" -i 2:12 -- "$WORKER" "$S" \
	>"$T/killer.out" 2>>"$T/worker.err"
kills=$(sed -n 's/^kills \([0-9]*\).*/\1/p' "$T/killer.out")
diag "$(cat "$T/killer.out"); $(ls "$S/done" | wc -l) of $N records done when the killing stopped"
ok $([ "${kills:-0}" -ge "$KILLS" ] && echo 0 || echo 1) "at least $KILLS workers killed"
# a worker whose last event is a claim died holding it
held=$(awk '{ last[$1] = $2 } END { for (p in last) if (last[p] == "claim") n++; print n + 0 }' "$T/events")
diag "$held kills hit a worker holding a claim"
ok $([ "$held" -ge 20 ] && echo 0 || echo 1) "kills landed on claimed records (the case recovery is for)"

# drain whatever the dead left behind
deadline=$(( $(date +%s) + 300 ))
while [ "$(ls "$S/done" | wc -l)" -lt "$N" ] && [ "$(date +%s)" -lt "$deadline" ]; do
	ztp-spool -s "$S" -q recover
	"$WORKER" "$S" >/dev/null 2>>"$T/worker.err"
done

/usr/bin/python3 - "$S" "$N" >"$T/verify.out" <<'PY'
import hashlib, os, sys, yaml
spool, n = sys.argv[1], int(sys.argv[2])
seen, problems, where = {}, [], {}
for stage in ("discovered", "probed", "configured", "done", "failed"):
    for d in (os.path.join(spool, stage), os.path.join(spool, stage, ".work")):
        for f in os.listdir(d):
            if not f.endswith(".yml"):
                continue
            path = os.path.join(d, f)
            try:
                rec = yaml.safe_load(open(path))
            except Exception as e:
                problems.append("unparsable %s: %s" % (path, e)); continue
            rid = rec.get("id")
            if rid + ".yml" != f:
                problems.append("id %s in file %s" % (rid, path))
            if hashlib.sha256(rec["payload"].encode()).hexdigest() != rec["sum"]:
                problems.append("truncated or damaged %s" % path)
            stages = [h["stage"] for h in rec.get("history", [])]
            for want in ("probed", "configured", "done"):
                if want not in stages:
                    problems.append("%s never passed %s" % (rid, want))
            seen[rid] = seen.get(rid, 0) + 1
            where[rid] = d
dups = [r for r, c in seen.items() if c > 1]
missing = ["r%05d" % i for i in range(n) if "r%05d" % i not in seen]
notdone = [r for r, d in where.items() if not d.endswith("/done")]
print("records %d unique %d duplicated %d missing %d not-done %d problems %d" % (
    sum(seen.values()), len(seen), len(dups), len(missing), len(notdone), len(problems)))
for p in (problems + ["dup " + d for d in dups] + ["missing " + m for m in missing])[:20]:
    print("#", p)
PY
diag "$(cat "$T/verify.out")"
is "$(head -1 "$T/verify.out")" "records $N unique $N duplicated 0 missing 0 not-done 0 problems 0" \
	"every record exactly once, in done, intact"
is "$(ls -A "$S/discovered/.work" "$S/probed/.work" "$S/configured/.work" | grep -c yml)" 0 \
	"no claim left behind"
is "$(grep -v '^$' "$T/worker.err" | head -5)" "" "workers reported no errors"
done_testing
