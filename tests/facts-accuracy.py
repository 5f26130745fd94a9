#!/usr/bin/python3
# tests/facts-accuracy.py PROBE H-FACTS CORPUS: parse every device output of
# the supported platforms in CORPUS (the shared ntc/ and genie/ test
# corpora) with the facts parsers and compare the facts with what the
# upstream parsers expected, mapped to the toolkit's schema.  The command is
# never given: it must be recognised from the text.  H-FACTS
# (tests/unit/h-facts) parses them all in one process and prints what
# `ztp-probe -P PLATFORM -r FILE -o json` prints; PROBE (ztp-probe) is run on
# one output per platform and command to check it prints the same.
#
# Compared fields (each counted once when the expected file has it):
#   hostname, version, model, serial of the device, and every serial of a
#   module or stack member (found among facts.serial and modules[].serial);
#   for Huawei `display device`, which has no serials, every board model.
#
# Mapping choices (upstream parsers differ; see the comments below):
#   - Cisco version is the one on the "Cisco IOS Software ..., Version X"
#     line (ntc and genie's ShowVersion), not the "IOS XE Software, Version"
#     line; genie's generic ShowVersion reports the latter on IOS-XE, so its
#     version is not compared when the output carries both lines.
#   - Cisco stacks: the device serial is member 1's System Serial Number
#     (genie's chassis_sn is the Processor board ID, which differs from it
#     on a few boxes); the other members' serials are module serials.
#   - NX-OS version: "NXOS: version X [build Y]" gives X.
#   - NX-OS model: the chassis line's words without the family word
#     (ntc's platform); compared without the "Nexus" family word.
#   - Huawei version: the product version (V800R011C00SPC200), the last word
#     of ntc's product_version; model: ntc keeps the words after the model
#     name ("S7706 Terabit Routing Switch"), the model is the first word
#     unless the second is the number of a spaced name ("ATN 910C-B").
#   - IOS-XR model: the product id; a chassis line "ASR 9006 4 Line Card
#     Slot Chassis" gives ASR-9006 (genie generic), ntc keeps "ASR 9006".
#   - Inventory serials "N/A", "BUILTIN", empty ones are not serials.
#   - Model and serial from an inventory only when the item is the chassis
#     (genie main.chassis or a name/description saying chassis).
#
# Prints a per-platform table; exits 1 when a platform is below MIN percent.
import glob
import json
import os
import re
import subprocess
import sys

import yaml

MIN = 98.0
PLATFORMS = ["cisco_ios", "cisco_iosxe", "cisco_xr", "cisco_nxos",
             "juniper_junos", "arista_eos", "huawei_vrp"]
# ntc's cisco_ios holds IOS-XE boxes too; an inventory alone cannot tell
OS_OK = {"cisco_ios": ("ios", "ios-xe"), "cisco_iosxe": ("ios-xe", "ios"),
         "cisco_xr": ("ios-xr",), "cisco_nxos": ("nx-os",),
         "juniper_junos": ("junos",), "arista_eos": ("eos",),
         "huawei_vrp": ("vrp",)}
NOSERIAL = {"", "n/a", "na", "builtin", "none", "-", "not available", "unknown"}


def good_sn(s):
    return isinstance(s, str) and s.strip().lower() not in NOSERIAL


def newexp():
    return {"hostname": None, "version": None, "model": None, "serial": None,
            "module_serials": [], "module_models": []}


def nexus_norm(m):
    """NX-OS chassis names without the family word: Nexus9000 C9396PX,
    Nexus 3048, Nexus5548 -> C9396PX, 3048, 5548; ACI's N9K-C9396PX ->
    C9396PX"""
    if not isinstance(m, str):
        return m
    return re.sub(r"^N\dK-", "", re.sub(r"^Nexus\s*\d*\s+|^Nexus", "", m))


def strip_build(v):
    return re.sub(r"\s*\[.*$", "", v).strip() if isinstance(v, str) else v


# ---------------------------------------------------------------- ntc
def ntc_records(path):
    with open(path) as f:
        d = yaml.safe_load(f)
    return (d or {}).get("parsed_sample") or []


def ntc_cisco_version(recs, e, plat):
    r = recs[0]
    e["hostname"] = r.get("hostname") or None
    v = r.get("version") or r.get("os") or None
    if plat == "cisco_xr" and v:
        v = v.split()[0]  # "7.9.2 LNT": the label is not the version
    e["version"] = strip_build(v)
    hw = r.get("hardware")
    if isinstance(hw, list):
        e["model"] = hw[0] if hw else None
    elif hw:
        e["model"] = hw
    if plat == "cisco_nxos" and r.get("platform"):
        # ntc's platform is the chassis line without its family word
        # ("cisco Nexus9000 C9396PX Chassis": C9396PX; "Nexus 5596": 5596)
        e["model"] = ("nxos", r["platform"])
    if r.get("model") and plat == "cisco_xr":
        # the words of the chassis line ("ASR 9912 10 Line Card Slot
        # Chassis"); the product id is ASR-9912 (genie's choice too)
        e["model"] = re.sub(r"^([A-Za-z]+) (\d)", r"\1-\2", r["model"])
    sn = r.get("serial")
    if isinstance(sn, list):
        sns = [s for s in sn if good_sn(s)]
        if sns:
            e["serial"] = sns[0]
            e["module_serials"] = sns[1:]
    elif good_sn(sn):
        e["serial"] = sn


def ntc_inventory(recs, e):
    first = True
    for r in recs:
        sn = r.get("sn")
        name = (r.get("name") or "") + " " + (r.get("descr") or "")
        if first and "chassis" in name.lower():
            if good_sn(sn):
                e["serial"] = sn
            if r.get("pid"):
                e["model"] = r["pid"]
        elif good_sn(sn):
            e["module_serials"].append(sn)
        first = False


def ntc_sample(plat, cmd, path):
    recs = ntc_records(path)
    if not recs:
        return None
    e = newexp()
    if plat in ("cisco_ios", "cisco_nxos", "cisco_xr") and cmd.startswith("show_version"):
        ntc_cisco_version(recs, e, plat)
    elif plat in ("cisco_ios", "cisco_nxos", "cisco_xr") and cmd.endswith("show_inventory"):
        ntc_inventory(recs, e)
    elif plat == "arista_eos" and cmd == "show_version":
        r = recs[0]
        e["version"] = r.get("image") or None
        e["model"] = r.get("model") or None
        e["serial"] = r.get("serial_number") if good_sn(r.get("serial_number")) else None
    elif plat == "arista_eos" and cmd == "show_inventory":
        for i, r in enumerate(recs):
            if i == 0 and not r.get("port"):
                e["model"] = r.get("pid") or None
                e["serial"] = r.get("sn") if good_sn(r.get("sn")) else None
            elif good_sn(r.get("sn")):
                e["module_serials"].append(r["sn"])
    elif plat == "juniper_junos" and cmd == "show_version":
        r = recs[0]
        e["hostname"] = r.get("hostname") or None
        e["model"] = r.get("model") or None
        e["version"] = r.get("junos_version") or None
        # serial_number is the QFabric system id: not a device serial
    elif plat == "juniper_junos" and cmd == "show_chassis_hardware":
        for r in recs:
            for k, v in r.items():
                if k == "chassis_serial_number" and good_sn(v):
                    e["serial"] = v
                elif k == "chassis_description" and v:
                    e["model"] = v
                elif k.endswith("_serial_number") and good_sn(v):
                    e["module_serials"].append(v)
    elif plat == "huawei_vrp" and cmd == "display_version":
        r = recs[0]
        pv = (r.get("product_version") or "").split()
        e["version"] = pv[-1] if pv else None
        m = (r.get("model") or "").split()
        if m:
            e["model"] = m[0] + " " + m[1] if len(m) > 1 and m[1][:1].isdigit() else m[0]
    elif plat == "huawei_vrp" and cmd == "display_sn_license":
        e["serial"] = recs[0].get("serial_number") or None
    elif plat == "huawei_vrp" and cmd == "display_device":
        e["module_models"] = [r["pid"] for r in recs if r.get("pid")]
    else:
        return None
    return e


NTC_CMDS = {
    "cisco_ios": ["show_version", "show_inventory"],
    "cisco_nxos": ["show_version", "show_inventory"],
    "cisco_xr": ["show_version", "show_version_brief", "show_inventory", "admin_show_inventory"],
    "arista_eos": ["show_version", "show_inventory"],
    "juniper_junos": ["show_version", "show_chassis_hardware"],
    "huawei_vrp": ["display_version", "display_device", "display_sn_license"],
}


def ntc_samples(corpus):
    for plat, cmds in NTC_CMDS.items():
        for cmd in cmds:
            for y in sorted(glob.glob(os.path.join(corpus, "ntc", plat, cmd, "*.yml"))):
                raw = y[:-4] + ".raw"
                if os.path.exists(raw):
                    e = ntc_sample(plat, cmd, y)
                    if e:
                        yield plat, "ntc/%s/%s" % (cmd, os.path.basename(raw)), raw, e


# ---------------------------------------------------------------- genie
def walk_items(o, out):
    """every dict holding a pid/sn/serial_number, as found"""
    if isinstance(o, dict):
        if any(k in o for k in ("sn", "serial_number", "pid")) and not isinstance(o.get("sn", ""), dict):
            out.append(o)
        for v in o.values():
            walk_items(v, out)
    elif isinstance(o, list):
        for v in o:
            walk_items(v, out)


def genie_inventory(d, e):
    chassis = None
    main = d.get("main") or {}
    if isinstance(main.get("chassis"), dict):
        for pid, it in main["chassis"].items():
            chassis = it
            break
    names = d.get("name") or d.get("module_name") or {}
    if chassis is None and isinstance(names, dict):
        for n, it in names.items():
            if n.lower() == "chassis" or "chassis" in (it.get("description") or it.get("descr") or "").lower():
                chassis = it
                break
    items = []
    walk_items(d, items)
    csn = None
    m = re.match(r"switch (\d+) chassis", (chassis or {}).get("name") or "", re.I)
    if m and m.group(1) != "1":
        # genie keys chassis by pid: a stack's last member overwrote
        # member 1; that member is a module in the toolkit's schema
        chassis = None
    if chassis is not None:
        csn = chassis.get("sn") or chassis.get("serial_number")
        e["serial"] = csn if good_sn(csn) else None
        e["model"] = chassis.get("pid") or None
    seen = set()
    for it in items:
        sn = it.get("sn") or it.get("serial_number")
        if it is chassis or not good_sn(sn) or sn in seen:
            continue
        seen.add(sn)
        if sn != csn:
            e["module_serials"].append(sn)


def genie_sample(os_, cls, exp_path, out_path):
    with open(exp_path) as f:
        d = json.load(f)
    e = newexp()
    if cls == "ShowVersion" and os_ in ("ios", "iosxe"):
        v = d.get("version") or {}
        e["hostname"] = v.get("hostname")
        e["version"] = v.get("version")
        e["model"] = v.get("chassis")
        sw = v.get("switch_num") or {}
        m1 = sw.get("1") or {}
        e["serial"] = m1.get("system_sn") or v.get("chassis_sn")
        for k in sorted(sw):
            if k != "1" and good_sn(sw[k].get("system_sn")):
                e["module_serials"].append(sw[k]["system_sn"])
    elif cls == "ShowVersion" and os_ == "nxos":
        p = d.get("platform") or {}
        hw = p.get("hardware") or {}
        sw = p.get("software") or {}
        e["hostname"] = hw.get("device_name")
        e["serial"] = hw.get("processor_board_id")
        e["version"] = strip_build(sw.get("system_version"))
        if hw.get("model"):
            e["model"] = ("nxos", hw["model"])
    elif cls == "ShowVersion" and os_ == "iosxr":
        e["version"] = d.get("software_version")
    elif cls in ("ShowInventory", "ShowInventoryRaw", "ShowInventoryName") and os_ in ("ios", "iosxe", "iosxr", "nxos"):
        genie_inventory(d, e)
    elif os_ == "junos" and cls.startswith("ShowVersion"):
        si = d.get("software-information")
        if si is None:
            it = (d.get("multi-routing-engine-results") or {}).get("multi-routing-engine-item")
            if isinstance(it, list):
                it = it[0]
            si = (it or {}).get("software-information") or {}
        e["hostname"] = si.get("host-name")
        e["version"] = si.get("junos-version")
        e["model"] = si.get("product-model")
    elif os_ == "generic" and cls == "ShowVersion":
        e["version"] = d.get("version")
        e["model"] = d.get("pid")
        with open(out_path, errors="replace") as f:
            text = f.read()
        if re.search(r"Cisco IOS XE Software, Version", text):
            e["version"] = None  # the XE release line: see the header
        if d.get("os") == "nxos":
            e["version"] = None  # generic mixes the NXOS and system lines
    elif os_ == "generic" and cls == "ShowInventory":
        genie_inventory(d, e)
    else:
        return None
    return e


GENIE_OS = {"ios": "cisco_ios", "iosxe": "cisco_iosxe", "iosxr": "cisco_xr",
            "nxos": "cisco_nxos", "junos": "juniper_junos"}


def genie_samples(corpus):
    for os_ in ("ios", "iosxe", "iosxr", "nxos", "junos", "generic"):
        for cdir in sorted(glob.glob(os.path.join(corpus, "genie", os_, "*"))):
            cls = os.path.basename(cdir)
            for ex in sorted(glob.glob(os.path.join(cdir, "*_expected.json"))):
                out = ex[:-len("_expected.json")] + "_output.txt"
                if not os.path.exists(out):
                    continue
                plat = GENIE_OS.get(os_)
                if os_ == "generic":
                    m = re.match(r"(?:rv\d__)?golden_output_([a-z]+)", os.path.basename(ex))
                    plat = GENIE_OS.get(m.group(1)) if m else None
                if not plat:
                    continue
                e = genie_sample(os_, cls, ex, out)
                if e:
                    yield plat, "genie/%s/%s/%s" % (os_, cls, os.path.basename(out)), out, e


# Expected values that contradict the raw text they were parsed from (the
# upstream template misread a line), checked by hand: compared with what
# the text says instead.
UPSTREAM_ERRORS = {
    # "Chassis  A0000  JNP204 [MX204]": ntc took the description for the
    # serial and its bracketed part for the model
    ("ntc/show_chassis_hardware/juniper_junos_show_chassis_hardware3.raw", "serial"): "A0000",
    ("ntc/show_chassis_hardware/juniper_junos_show_chassis_hardware3.raw", "model"): "JNP204 [MX204]",
    # "Chassis  XH3123120000  Virtual Chassis": same misreading
    ("ntc/show_chassis_hardware/juniper_junos_show_chassis_hardware_dac_no_revision.raw", "serial"): "XH3123120000",
    ("ntc/show_chassis_hardware/juniper_junos_show_chassis_hardware_dac_no_revision.raw", "model"): "Virtual Chassis",
}


# ---------------------------------------------------------------- compare
def run_probe(probe, plat, path):
    p = subprocess.run([probe, "-P", plat, "-r", path, "-o", "json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return None, p.stderr.decode(errors="replace").strip()
    try:
        return json.loads(p.stdout.decode()).get("facts") or {}, ""
    except ValueError as ex:
        return None, "bad json: %s" % ex


def run_batch(helper, jobs):
    """[(platform, path)] -> [(facts or None, error)] from one h-facts"""
    inp = "".join("%s\t%s\n" % j for j in jobs).encode()
    p = subprocess.run([helper], input=inp, stdout=subprocess.PIPE)
    res = []
    for line in p.stdout.decode(errors="replace").splitlines():
        d = json.loads(line)
        res.append((d.get("facts"), d.get("error", "")) if "error" not in d else (None, d["error"]))
    if p.returncode != 0 or len(res) != len(jobs):
        sys.exit("h-facts failed (status %d, %d of %d results)" % (p.returncode, len(res), len(jobs)))
    return res


def main():
    probe, helper, corpus = sys.argv[1], sys.argv[2], sys.argv[3]
    samples = list(ntc_samples(corpus)) + list(genie_samples(corpus))
    plain = run_batch(helper, [(plat, path) for plat, name, path, e in samples])
    verbose = os.environ.get("FACTS_VERBOSE")
    stats = {p: [0, 0, 0] for p in PLATFORMS}  # samples, present, matched
    kinds = ("hostname", "version", "model", "serial", "module serial", "module model")
    bykind = {p: {k: [0, 0] for k in kinds} for p in PLATFORMS}
    misses = []
    for (plat, name, path, e), (facts, err) in zip(samples, plain):
        st = stats[plat]
        st[0] += 1
        if facts is None:
            facts = {}
            misses.append("%s %s: ztp-probe failed: %s" % (plat, name, err))
        mods = facts.get("modules") or []
        have_sn = {facts.get("serial")} | {m.get("serial") for m in mods if isinstance(m, dict)}
        have_models = [m.get("model") for m in mods if isinstance(m, dict)]
        for k in ("hostname", "version", "model", "serial"):
            want = e[k]
            if (name, k) in UPSTREAM_ERRORS:
                want = UPSTREAM_ERRORS[(name, k)]  # what the text says
            if want is None or want == "":
                continue
            st[1] += 1
            bykind[plat][k][0] += 1
            got = facts.get(k)
            if isinstance(want, tuple):  # ("nxos", chassis words)
                want = want[1]
                got = nexus_norm(got)
                want = nexus_norm(want)
            if got == want:
                st[2] += 1
                bykind[plat][k][1] += 1
            else:
                misses.append("%s %s: %s: got %r want %r" % (plat, name, k, got, want))
        for sn in e["module_serials"]:
            st[1] += 1
            bykind[plat]["module serial"][0] += 1
            if sn in have_sn:
                st[2] += 1
                bykind[plat]["module serial"][1] += 1
            else:
                misses.append("%s %s: module serial %r missing" % (plat, name, sn))
        for pid in e["module_models"]:
            st[1] += 1
            bykind[plat]["module model"][0] += 1
            if pid in have_models:
                st[2] += 1
                bykind[plat]["module model"][1] += 1
                have_models.remove(pid)
            else:
                misses.append("%s %s: module model %r missing" % (plat, name, pid))
    # platform recognition: the same outputs with -P auto
    det = {p: [0, 0] for p in PLATFORMS}
    auto = run_batch(helper, [("auto", path) for plat, name, path, e in samples])
    for (plat, name, path, e), (facts, err) in zip(samples, auto):
        ok_os = OS_OK[plat]
        det[plat][0] += 1
        if facts and facts.get("os") in ok_os:
            det[plat][1] += 1
        else:
            misses.append("%s %s: -P auto gave os %r" % (plat, name, (facts or {}).get("os")))
    # the same outputs as a terminal capture: the command echoed, CRLF,
    # indented, no final newline: the facts must not change
    var = {p: [0, 0] for p in PLATFORMS}
    tmp = os.environ.get("T") or "/tmp"
    vjobs = []
    for i, (plat, name, path, e) in enumerate(samples):
        with open(path, "rb") as f:
            raw = f.read()
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        verb = b"display" if plat == "huawei_vrp" else b"show"
        body = [b"  " + l if l.strip() else l for l in lines]
        first = next((l for l in lines if l.strip()), b"")
        echo = [] if re.match(rb"^\s*(\S*[#>]\s*)?(sh|show|dis|display)\b", first) else [verb + b" this"]
        text = b"\r\n".join(echo + body).rstrip(b"\r\n")
        vpath = os.path.join(tmp, "facts-variant-%d.txt" % i)
        with open(vpath, "wb") as f:
            f.write(text)
        vjobs.append((plat, vpath))
    variant = run_batch(helper, vjobs)
    for (plat, name, path, e), (want, _), (got, err), (_, vpath) in zip(samples, plain, variant, vjobs):
        os.unlink(vpath)
        var[plat][0] += 1
        if want is not None and got == want:
            var[plat][1] += 1
        else:
            misses.append("%s %s: captured variant differs: %s" % (plat, name, err or got))
    # ztp-probe itself on one output of each platform and command: the
    # same record as the batch helper
    tool = {p: [0, 0] for p in PLATFORMS}
    seen = set()
    for (plat, name, path, e), (want, _) in zip(samples, plain):
        key = (plat, os.path.dirname(name))
        if key in seen:
            continue
        seen.add(key)
        got, err = run_probe(probe, plat, path)
        tool[plat][0] += 1
        if got is not None and got == want:
            tool[plat][1] += 1
        else:
            misses.append("%s %s: ztp-probe differs from h-facts: %s" % (plat, name, err or got))
    # every output in the corpus (other platforms and commands too) under
    # every platform: parsed or refused, never a crash (h-facts is the
    # sanitizer build under make check)
    every = sorted(glob.glob(os.path.join(corpus, "ntc", "*", "*", "*.raw")) +
                   glob.glob(os.path.join(corpus, "genie", "*", "*", "*_output.txt")))
    alljobs = [(p, f) for f in every for p in PLATFORMS + ["auto"]]
    allres = run_batch(helper, alljobs)
    print("# every corpus output under every platform: %d parses, %d gave facts, "
          "%d refused, no crash" % (len(allres), sum(1 for r in allres if r[0] is not None),
                                   sum(1 for r in allres if r[0] is None)))
    print("robust %d" % len(allres))
    rc = 0
    print("# %-14s %7s %7s %7s %7s" % ("platform", "samples", "fields", "matched", "%"))
    for p in PLATFORMS:
        n, f, m = stats[p]
        pct = 100.0 * m / f if f else 0.0
        print("# %-14s %7d %7d %7d %7.1f" % (p, n, f, m, pct))
        print("%s %d %d %d %.1f" % (p, n, f, m, pct))
        if pct < MIN:
            rc = 1
    print("# matched/present by field: " + ", ".join(kinds))
    for p in PLATFORMS:
        print("# %-14s %s" % (p, "  ".join("%d/%d" % (bykind[p][k][1], bykind[p][k][0]) for k in kinds)))
    print("# -P auto: the right OS")
    for p in PLATFORMS:
        n, k = det[p]
        print("# %-14s %7d %7d %7.1f" % (p, n, k, 100.0 * k / n if n else 0.0))
        print("auto %s %d %d" % (p, n, k))
    print("# echoed command + CRLF + indent + no final newline: same facts")
    for p in PLATFORMS:
        n, k = var[p]
        print("# %-14s %7d %7d" % (p, n, k))
        print("variant %s %d %d" % (p, n, k))
    print("# ztp-probe gives the same record (one output per platform and command)")
    for p in PLATFORMS:
        n, k = tool[p]
        print("# %-14s %7d %7d" % (p, n, k))
        print("tool %s %d %d" % (p, n, k))
    for line in misses if (verbose or rc) else []:
        print("# miss: " + line)
    return rc


if __name__ == "__main__":
    sys.exit(main())
