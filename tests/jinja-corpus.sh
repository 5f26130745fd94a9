#!/bin/sh
# helper: render one corpus sample with ztp-push; prints the output
# usage: jinja-corpus.sh BIN SAMPLEDIR
bin=$1 d=$2
/usr/bin/python3 - "$bin" "$d" <<'PY'
import sys, yaml, subprocess, os
bin, d = sys.argv[1], sys.argv[2]
meta = yaml.safe_load(open(os.path.join(d, "META.yml")))
env = meta.get("env") or {}
args = [bin, "--render", meta["template"], "--data", os.path.join(d, "data.yml")]
for p in meta.get("loader_paths", ["."]):
    args += ["--path", os.path.join(d, p)]
if env.get("trim_blocks"): args.append("--trim-blocks")
if env.get("lstrip_blocks"): args.append("--lstrip-blocks")
if env.get("keep_trailing_newline"): args.append("--keep-trailing-newline")
args += ["--undefined", env.get("undefined", "strict")]
r = subprocess.run(args, stdout=subprocess.PIPE)
sys.stdout.buffer.write(r.stdout)
sys.exit(r.returncode)
PY
