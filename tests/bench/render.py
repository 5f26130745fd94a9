#!/usr/bin/python3
"""Python side of tests/bench/render.sh (run with /usr/bin/python3 and
Debian's python3-jinja2, the reference).

  render.py prep CORPUS OUT      a case directory OUT/NN-NAME per corpus
                                 sample: "args" (the ztp-push --render
                                 command line, one argument a line) and
                                 "sample" (the sample's directory)
  render.py warm N DIR...        per case: the Environment built once, the
                                 variables loaded once, then N renders
                                 (the first compiles the template); prints
                                 "DIR SECONDS", writes the last result to
                                 DIR/py.out
  render.py cold DIR             one render to stdout (one process each)

A corpus case (a "sample" file) gets the Environment its META.yml asks for
with the filter shims of the corpus' render.py, exactly as the corpus'
expected.txt was made; a case of tests/templates.py (templates/) gets that
script's Environment (trim_blocks, lstrip_blocks, StrictUndefined,
loopcontrols, do, its ipaddr).
"""
import importlib.util
import os
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def args_of(d):
    with open(os.path.join(d, "args"), encoding="utf-8") as f:
        a = f.read().split("\n")
    out = {"paths": []}
    i = 0
    while i < len(a):
        if a[i] == "--render":
            out["template"] = a[i + 1]
            i += 1
        elif a[i] == "--data":
            out["data"] = a[i + 1]
            i += 1
        elif a[i] == "--path":
            out["paths"].append(a[i + 1])
            i += 1
        i += 1
    return out


def case(d):
    """(template object, variables) of the case directory d"""
    a = args_of(d)
    sp = os.path.join(d, "sample")
    if os.path.exists(sp):
        with open(sp, encoding="utf-8") as f:
            sample = f.read().strip()
        r = module("corpus_render", os.path.join(os.path.dirname(sample), "render.py"))
        with open(os.path.join(sample, "META.yml"), encoding="utf-8") as f:
            meta = yaml.safe_load(f)
        env = r.make_env(sample, meta)
    else:
        t = module("ztp_templates", os.path.join(HERE, "..", "templates.py"))
        env = t.env(a["paths"][0])
    with open(a["data"], encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return env, a["template"], data


def prep(corpus, out):
    for n in sorted(os.listdir(corpus)):
        s = os.path.join(corpus, n)
        if not (n[:2].isdigit() and os.path.isdir(s)):
            continue
        with open(os.path.join(s, "META.yml"), encoding="utf-8") as f:
            meta = yaml.safe_load(f)
        e = meta.get("env") or {}
        a = ["--render", meta["template"], "--data", os.path.join(s, "data.yml")]
        for p in meta.get("loader_paths", ["."]):
            a += ["--path", os.path.join(s, p)]
        for k in ("trim_blocks", "lstrip_blocks", "keep_trailing_newline"):
            if e.get(k):
                a.append("--" + k.replace("_", "-"))
        a += ["--undefined", e.get("undefined", "strict")]
        d = os.path.join(out, n)
        os.makedirs(d)
        with open(os.path.join(d, "args"), "w", encoding="utf-8") as f:
            f.write("\n".join(a))
        with open(os.path.join(d, "sample"), "w", encoding="utf-8") as f:
            f.write(s + "\n")
        with open(os.path.join(d, "expected"), "wb") as f:
            with open(os.path.join(s, "expected.txt"), "rb") as g:
                f.write(g.read())


def warm(n, dirs):
    for d in dirs:
        env, name, data = case(d)
        t0 = time.monotonic()
        tpl = env.get_template(name)
        for _ in range(n):
            text = tpl.render(**data)
        print("%s %.6f" % (d, time.monotonic() - t0), flush=True)
        with open(os.path.join(d, "py.out"), "wb") as f:
            f.write(text.encode("utf-8"))


def main(argv):
    if len(argv) == 3 and argv[0] == "prep":
        prep(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "warm":
        warm(int(argv[1]), argv[2:])
    elif len(argv) == 2 and argv[0] == "cold":
        env, name, data = case(argv[1])
        sys.stdout.buffer.write(env.get_template(name).render(**data).encode("utf-8"))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
