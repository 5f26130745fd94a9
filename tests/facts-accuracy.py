#!/usr/bin/python3
# tests/facts-accuracy.py [--sloppy MODE] PROBE H-FACTS CORPUS: parse every
# device output of the supported platforms in CORPUS (the shared ntc/ and
# genie/ test corpora) with the facts parsers and score the facts against
# what the upstream parsers expected, mapped to the toolkit's schema; and
# the outputs of tests/fixtures/facts (written for this project: the
# failure classes the corpus lacks) against their NAME.json.  The
# command is never given: it must be recognised from the text.  H-FACTS
# (tests/unit/h-facts) parses them all in one process and prints what
# `ztp-probe -P PLATFORM -r FILE -o json` prints; PROBE (ztp-probe) is run on
# one output per platform and command to check it prints the same.
#
# Scoring: precision, recall and F1, per field, per sample and per platform.
#   - A field is scored in a sample only when the upstream schema for that
#     command has it (its "cover"): show version covers hostname, version,
#     model, serial; an inventory covers the device's model and serial (the
#     chassis entry, or nothing when the output holds none) and the
#     modules' serial, model and name.
#   - Device fields: the expected value reported is a true positive; a
#     different value is a false negative and a false positive; a value
#     where the expected data has none is a false positive.
#   - Module fields (mod.serial, mod.model, mod.name): multisets; what the
#     parser reports beyond the expected count (an invented module, a module
#     listed twice) is a false positive, what it lacks a false negative.
#   - Placeholders count neither way, on either side: empty, N/A, BUILTIN,
#     masked values (******, XXXXXXXX).
#   - Micro F1 pools the counts of all samples; macro F1 is the mean of the
#     per-sample F1.  A platform fails when its overall F1 or any field's F1
#     is below MIN on either weighting.
#   - Samples of a supported platform that are not scored are counted and
#     printed with the reason.
#
# --sloppy MODE scores a deliberately bad parser instead (the facts of the
# real one, then: "tokens" every token of the output as a module serial,
# "twice" every module twice, "drop" the last module dropped) and only
# scores: the scorer must fail it.
#
# Mapping choices (upstream parsers differ; see the comments below):
#   - Cisco version is the one on the "Cisco IOS Software ..., Version X"
#     line (ntc and genie's ShowVersion), not the "IOS XE Software, Version"
#     line; genie's generic ShowVersion reports the latter on IOS-XE, so its
#     version is not compared when the output carries both lines.
#   - Cisco stacks: the device serial is member 1's System Serial Number
#     (genie's chassis_sn is the Processor board ID, which differs from it
#     on a few boxes); the other members are modules.
#   - NX-OS version: "NXOS: version X [build Y]" gives X.
#   - NX-OS model: the chassis line's words without the family word
#     (ntc's platform); compared without the "Nexus" family word.
#   - Huawei version: the product version (V800R011C00SPC200), the last word
#     of ntc's product_version; model: ntc keeps the words after the model
#     name ("S7706 Terabit Routing Switch"), the model is the first word
#     unless the second is the number of a spaced name ("ATN 910C-B").
#   - IOS-XR model: the product id; a chassis line "ASR 9006 4 Line Card
#     Slot Chassis" gives ASR-9006 (genie generic), ntc keeps "ASR 9006".
#   - Inventories: the chassis is the entry named "Chassis" (or "... Chassis",
#     "Rack N", "... Stack") or described as a chassis (not a fan or power
#     supply); without one the device's model and serial stay unknown.
#   - JunOS chassis hardware: module models are the part numbers, names
#     are not compared (ntc keeps only the item's number).
import collections
import glob
import json
import os
import re
import subprocess
import sys

import yaml

MIN = 0.97
PLATFORMS = ["cisco_ios", "cisco_iosxe", "cisco_xr", "cisco_nxos",
             "juniper_junos", "arista_eos", "huawei_vrp"]
# ntc's cisco_ios holds IOS-XE boxes too; an inventory alone cannot tell
OS_OK = {"cisco_ios": ("ios", "ios-xe"), "cisco_iosxe": ("ios-xe", "ios"),
         "cisco_xr": ("ios-xr",), "cisco_nxos": ("nx-os",),
         "juniper_junos": ("junos",), "arista_eos": ("eos",),
         "huawei_vrp": ("vrp",)}
NOSERIAL = {"", "n/a", "na", "builtin", "none", "-", "not available", "unknown",
            "not applicable", "null"}
FIELDS = ("hostname", "version", "model", "serial", "mod.serial", "mod.model", "mod.name")
SCALARS = FIELDS[:4]


def placeholder(v):
    """empty, N/A, BUILTIN, or masked (******, XXXXXXXX, SN****)"""
    if not isinstance(v, str):
        return v is None or not isinstance(v, tuple)
    s = v.strip()
    return (s.lower() in NOSERIAL or "***" in s or
            re.fullmatch(r"[xX#?]{4,}", s) is not None)


def good_sn(s):
    return not placeholder(s)


def newexp(fields=(), mods=()):
    """the expected facts: covered device fields (None: the output holds
    none) and covered module fields (lists)"""
    return {"f": {k: None for k in fields}, "m": {k: [] for k in mods}}


def setf(e, k, v):
    if k in e["f"]:
        e["f"][k] = v if isinstance(v, tuple) or good_sn(v) else None


def addmod(e, sn=None, pid=None, name=None):
    for k, v in (("serial", sn), ("model", pid), ("name", name)):
        if k in e["m"] and good_sn(v):
            e["m"][k].append(v.strip())


def nexus_norm(m):
    """NX-OS chassis names without the family word: Nexus9000 C9396PX,
    Nexus 3048, Nexus5548 -> C9396PX, 3048, 5548; ACI's N9K-C9396PX ->
    C9396PX"""
    if not isinstance(m, str):
        return m
    return re.sub(r"^N\dK-", "", re.sub(r"^Nexus\s*\d*\s+|^Nexus", "", m))


def strip_build(v):
    return re.sub(r"\s*\[.*$", "", v).strip() if isinstance(v, str) else v


def is_chassis_entry(name, descr):
    n = (name or "").strip().lower()
    d = (descr or "").lower()
    if (n in ("chassis", "switch system") or n.endswith(" chassis") or n.startswith("chassis ") or
            re.fullmatch(r"rack \d+", n)):
        return True
    if n.endswith(" stack") and "port" not in n:
        return True
    return ("chassis" in d and not any(w in d for w in ("fan", "power", "module", "supply"))
            and "fan" not in n and "power" not in n)


# ---------------------------------------------------------------- ntc
def ntc_records(path):
    with open(path) as f:
        d = yaml.safe_load(f)
    return (d or {}).get("parsed_sample") or []


def ntc_cisco_version(recs, plat):
    r = recs[0]
    e = newexp([k for k, src in (("hostname", "hostname"), ("version", "version"),
                                 ("version", "os"), ("model", "hardware"),
                                 ("model", "platform"), ("model", "model"),
                                 ("serial", "serial")) if src in r],
               ("serial", "model") if plat == "cisco_ios" else ())
    setf(e, "hostname", r.get("hostname"))
    v = r.get("version") or r.get("os") or None
    if plat == "cisco_xr" and v:
        v = v.split()[0]  # "7.9.2 LNT": the label is not the version
    setf(e, "version", strip_build(v))
    hw = r.get("hardware")
    if isinstance(hw, list):
        setf(e, "model", hw[0] if hw else None)
    elif hw:
        setf(e, "model", hw)
    if plat == "cisco_nxos" and r.get("platform"):
        # ntc's platform is the chassis line without its family word
        # ("cisco Nexus9000 C9396PX Chassis": C9396PX; "Nexus 5596": 5596)
        setf(e, "model", ("nxos", r["platform"]))
    if r.get("model") and plat == "cisco_xr":
        # the words of the chassis line ("ASR 9912 10 Line Card Slot
        # Chassis"); the product id is ASR-9912 (genie's choice too)
        setf(e, "model", re.sub(r"^([A-Za-z]+) (\d)", r"\1-\2", r["model"]))
    sn = r.get("serial")
    if isinstance(sn, list):
        sns = [s for s in sn if good_sn(s)]
        hws = hw if isinstance(hw, list) else []
        if sns:
            setf(e, "serial", sns[0])
            for i, s in enumerate(sns[1:]):
                addmod(e, sn=s, pid=hws[i + 1] if i + 1 < len(hws) else None)
    else:
        setf(e, "serial", sn)
    return e


def ntc_inventory(recs, names=True):
    e = newexp(("model", "serial"), ("serial", "model", "name") if names else ("serial", "model"))
    chassis = None
    for r in recs:
        sn = r.get("sn")
        if chassis is None and is_chassis_entry(r.get("name"), r.get("descr")):
            chassis = r
            setf(e, "serial", sn)
            setf(e, "model", r.get("pid"))
        else:
            addmod(e, sn, r.get("pid"), r.get("name"))
    return e


# ntc's JunOS hardware kinds and the kind each is filled down from
JUNOS_PARENT = {"mic": "fpc", "pic": "mic", "xcvr": "pic", "qxm": "tfeb"}


def ntc_sample(plat, cmd, path):
    recs = ntc_records(path)
    if not recs:
        return None
    if plat in ("cisco_ios", "cisco_nxos", "cisco_xr") and cmd.startswith("show_version"):
        return ntc_cisco_version(recs, plat)
    if plat in ("cisco_ios", "cisco_nxos", "cisco_xr") and cmd.endswith("show_inventory"):
        return ntc_inventory(recs)
    if plat == "arista_eos" and cmd == "show_version":
        r = recs[0]
        e = newexp(("version", "model", "serial"))
        setf(e, "version", r.get("image"))
        setf(e, "model", r.get("model"))
        setf(e, "serial", r.get("serial_number"))
        return e
    if plat == "arista_eos" and cmd == "show_inventory":
        e = newexp(("model", "serial"), ("serial", "model"))
        for i, r in enumerate(recs):
            if i == 0 and not r.get("port"):
                setf(e, "model", r.get("pid"))
                setf(e, "serial", r.get("sn"))
            else:
                addmod(e, r.get("sn"), r.get("pid"))
        return e
    if plat == "juniper_junos" and cmd == "show_version":
        r = recs[0]
        e = newexp(("hostname", "model", "version"))
        setf(e, "hostname", r.get("hostname"))
        setf(e, "model", r.get("model"))
        setf(e, "version", r.get("junos_version"))
        # serial_number is the QFabric system id: not a device serial
        return e
    if plat == "juniper_junos" and cmd == "show_chassis_hardware":
        # one record per line, the parents' fields filled down (an Xcvr's
        # record repeats its FPC, MIC and PIC): an item counts where it
        # first appears under its FPC
        e = newexp(("model", "serial"), ("serial", "model"))
        last = {}
        for r in recs:
            if good_sn(r.get("chassis_serial_number")):
                setf(e, "serial", r["chassis_serial_number"])
            if r.get("chassis_description"):
                setf(e, "model", r["chassis_description"])
            kinds = sorted({k[:-len("_serial_number")] for k in r if k.endswith("_serial_number")} - {"chassis"})
            item = {k: tuple(r.get(k + f) for f in ("_number", "_part", "_serial_number", "_description", "_version"))
                    for k in kinds}
            for k in kinds:
                if not any(item[k]):
                    continue
                anc, a = [], JUNOS_PARENT.get(k)
                while a:
                    anc.append(a)
                    a = JUNOS_PARENT.get(a)
                if item[k] == last.get(k) and all(item.get(a) == last.get(a) for a in anc):
                    continue  # filled down from an earlier line
                sn, pid = r.get(k + "_serial_number"), r.get(k + "_part")
                addmod(e, sn, pid)
            last = item
        return e
    if plat == "huawei_vrp" and cmd == "display_version":
        r = recs[0]
        e = newexp(("version", "model"))
        pv = (r.get("product_version") or "").split()
        setf(e, "version", pv[-1] if pv else None)
        m = (r.get("model") or "").split()
        if m:
            setf(e, "model", m[0] + " " + m[1] if len(m) > 1 and m[1][:1].isdigit() else m[0])
        return e
    if plat == "huawei_vrp" and cmd == "display_sn_license":
        e = newexp(("serial",))
        setf(e, "serial", recs[0].get("serial_number"))
        return e
    if plat == "huawei_vrp" and cmd == "display_device":
        e = newexp((), ("model",))
        for r in recs:
            addmod(e, pid=r.get("pid"))
        return e
    if plat in ("cisco_ios", "cisco_nxos") and cmd == "show_module":
        # the module table (and the sub-module table of a 6500); ntc's
        # NX-OS template has no serials
        e = newexp((), ("serial", "model") if plat == "cisco_ios" else ("model",))
        seen = set()
        for r in recs:
            k = (r.get("module"), r.get("model"), r.get("serial"))
            if k not in seen:
                seen.add(k)
                addmod(e, r.get("serial"), r.get("model"))
            if good_sn(r.get("submodule_serial")) or good_sn(r.get("submodule_model")):
                addmod(e, r.get("submodule_serial"), r.get("submodule_model"))
        return e
    if plat in ("cisco_ios", "cisco_xr") and cmd in ("show_platform", "admin_show_platform"):
        # a slot's type is its PID; one without a digit or a dash names a
        # role ("RP(Active)", "Slice"), not a module model
        e = newexp((), ("serial", "model"))
        for r in recs:
            t = re.sub(r"\(.*", "", r.get("type") or "")
            addmod(e, r.get("serial") or r.get("sn"),
                   r.get("model") or (t if re.search(r"[-0-9]", t) else None))
        return e if any(e["m"].values()) else None
    return None


# the commands whose expected data maps to facts; the others are skipped
NTC_OK = {
    "cisco_ios": ["show_version", "show_inventory", "show_module", "show_platform"],
    "cisco_nxos": ["show_version", "show_inventory", "show_module"],
    "cisco_xr": ["show_version", "show_version_brief", "show_inventory", "admin_show_inventory",
                 "show_platform", "admin_show_platform"],
    "arista_eos": ["show_version", "show_inventory"],
    "juniper_junos": ["show_version", "show_chassis_hardware"],
    "huawei_vrp": ["display_version", "display_device", "display_sn_license"],
}


def ntc_samples(corpus, skipped):
    for plat in PLATFORMS:
        for cdir in sorted(glob.glob(os.path.join(corpus, "ntc", plat, "*"))):
            cmd = os.path.basename(cdir)
            for y in sorted(glob.glob(os.path.join(cdir, "*.yml"))):
                raw = y[:-4] + ".raw"
                name = "ntc/%s/%s" % (cmd, os.path.basename(raw))
                if not os.path.exists(raw):
                    skipped.append((plat, name, "no raw output next to the expected file"))
                elif cmd not in NTC_OK.get(plat, ()):
                    skipped.append((plat, name, "no facts in the expected data of '%s'" % cmd.replace("_", " ")))
                else:
                    e = ntc_sample(plat, cmd, y)
                    if e:
                        yield plat, name, raw, e
                    else:
                        skipped.append((plat, name, "no serial, model or module in the expected data"))


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


def walk_module(o, out):
    """every dict holding a module's model or serial"""
    if isinstance(o, dict):
        if any(k in o for k in ("model", "serial_number", "serial")):
            out.append(o)
        for v in o.values():
            walk_module(v, out)


def platform_pids(slots):
    """genie's show platform slots: {slot: {lc|rp|other|oc: {PID: {...}}}}
    (IOS-XE), {rp|lc|oc: {node: {name: PID}}} (IOS-XR), {slot: {name:
    PID}} (Catalyst 9500)"""
    out = []
    for k, v in slots.items():
        if not isinstance(v, dict):
            continue
        if isinstance(v.get("name"), str):
            out.append(v["name"])
            continue
        if k in ("rp", "lc", "oc"):  # IOS-XR: {rp: {node: {name: PID, subslot}}}
            for it in v.values():
                if isinstance(it, dict) and isinstance(it.get("name"), str):
                    out.append(it["name"])
                    out.extend(b["name"] for b in (it.get("subslot") or {}).values()
                               if isinstance(b, dict) and isinstance(b.get("name"), str))
            continue
        for role, items in v.items():
            if not isinstance(items, dict) or role not in ("lc", "rp", "other"):
                continue
            for pid, it in items.items():
                out.append(pid)
                for sub in ((it or {}).get("subslot") or {}).values():
                    out.extend(sub.keys())
    return out


def genie_inventory(d, names=True):
    """genie's inventory schemas: one entry per item ("name", "module_name",
    "index", "inventory_item_index"), or "main"/"slot" keyed by PID, where
    a slot's items of one PID overwrite each other: those are compared as
    sets (each value once on either side)"""
    e = newexp(("model", "serial"), ("serial", "model", "name") if names else ("serial", "model"))
    items = []
    for key in ("name", "module_name", "index", "inventory_item_index"):
        if isinstance(d.get(key), dict):
            for k, it in d[key].items():
                it = dict(it)
                if key in ("name", "module_name"):
                    it["name"] = k
                items.append(it)
            break
    else:
        walk_items(d, items)
        e["set"] = True
    chassis = None
    main = d.get("main") or {}
    if isinstance(main.get("chassis"), dict):
        for pid, it in main["chassis"].items():
            chassis = it
            break
    if chassis is None:
        for it in items:
            if is_chassis_entry(it.get("name"), it.get("descr") or it.get("description")):
                chassis = it
                break
    csn = None
    m = re.match(r"switch (\d+) chassis", (chassis or {}).get("name") or "", re.I)
    if m and m.group(1) != "1":
        # genie keys chassis by pid: a stack's last member overwrote
        # member 1, whose serial is unknown then
        chassis = None
        del e["f"]["model"], e["f"]["serial"]
    if chassis is not None:
        csn = chassis.get("sn") or chassis.get("serial_number")
        setf(e, "serial", csn)
        setf(e, "model", chassis.get("pid"))
    for it in items:
        if it is chassis:
            continue
        sn = it.get("sn") or it.get("serial_number")
        addmod(e, sn, it.get("pid"), it.get("name"))
    return e


def genie_sample(os_, cls, exp_path, out_path):
    with open(exp_path) as f:
        d = json.load(f)
    if cls == "ShowVersion" and os_ in ("ios", "iosxe"):
        v = d.get("version") or {}
        e = newexp(("hostname", "version", "model", "serial"), ("serial",))
        setf(e, "hostname", v.get("hostname"))
        setf(e, "version", v.get("version"))
        setf(e, "model", v.get("chassis"))
        sw = v.get("switch_num") or {}
        m1 = sw.get("1") or {}
        setf(e, "serial", m1.get("system_sn") or v.get("chassis_sn"))
        if "chassis_sn" not in v and not any("system_sn" in m for m in sw.values()):
            del e["f"]["serial"]  # this revision of the schema has none
        if not sw:
            e["m"] = {}  # nor stack members
        for k in sorted(sw):
            if k != "1":
                addmod(e, sw[k].get("system_sn"))
        return e
    if cls == "ShowVersion" and os_ == "nxos":
        p = d.get("platform") or {}
        hw = p.get("hardware") or {}
        sw = p.get("software") or {}
        # model only where the schema has it (older tests lack the key)
        e = newexp(("hostname", "serial", "version") + (("model",) if "model" in hw else ()))
        setf(e, "hostname", hw.get("device_name"))
        setf(e, "serial", hw.get("processor_board_id"))
        setf(e, "version", strip_build(sw.get("system_version")))
        if hw.get("model"):
            setf(e, "model", ("nxos", hw["model"]))
        return e
    if cls == "ShowVersion" and os_ == "iosxr":
        e = newexp(("version",))
        setf(e, "version", d.get("software_version"))
        return e
    if cls in ("ShowInventory", "ShowInventoryRaw", "ShowInventoryName") and os_ in ("ios", "iosxe", "iosxr", "nxos"):
        return genie_inventory(d)
    if os_ == "junos" and cls.startswith("ShowVersion"):
        si = d.get("software-information")
        if si is None:
            it = (d.get("multi-routing-engine-results") or {}).get("multi-routing-engine-item")
            if isinstance(it, list):
                it = it[0]
            si = (it or {}).get("software-information") or {}
        e = newexp(("hostname", "version", "model"))
        setf(e, "hostname", si.get("host-name"))
        setf(e, "version", si.get("junos-version"))
        setf(e, "model", si.get("product-model"))
        return e
    if os_ == "generic" and cls == "ShowVersion":
        e = newexp(("version",) + (("model",) if "pid" in d else ()))
        setf(e, "version", d.get("version"))
        setf(e, "model", d.get("pid"))
        with open(out_path, errors="replace") as f:
            text = f.read()
        if re.search(r"Cisco IOS XE Software, Version", text):
            del e["f"]["version"]  # the XE release line: see the header
        if d.get("os") == "nxos":
            del e["f"]["version"]  # generic mixes the NXOS and system lines
        return e
    if os_ == "generic" and cls == "ShowInventory":
        e = genie_inventory(d, names=False)  # generic lower-cases names
        if len((d.get("inventory_item_index") or {})) < 2:
            e["m"] = {}  # a test that kept the chassis only
        return e
    if cls in ("ShowModule", "ShowModulecat4k"):
        # every module with a model or serial; genie's 3850 test lower-cases
        # them: compared without case there
        e = newexp(("model",) if "chassis_type" in d else (), ("serial", "model"))
        setf(e, "model", d.get("chassis_type"))
        items = []
        walk_module(d, items)
        for it in items:
            addmod(e, it.get("serial_number") or it.get("serial"), it.get("model"))
        if "c3850" in exp_path:
            e["nocase"] = True
        return e
    if cls == "ShowPlatform":
        # the chassis and each slot's PID (genie keys slots' items by PID:
        # compared as sets)
        e = newexp(("model",), ("model",))
        main = d.get("main") or {}
        setf(e, "model", main.get("chassis") if isinstance(main.get("chassis"), str) else d.get("chassis"))
        for pid in platform_pids(d.get("slot") or {}):
            addmod(e, pid=pid)
        e["set"] = True
        return e
    if os_ == "iosxr" and cls == "AdminShowDiagChassis":
        # the chassis's own label: the device
        e = newexp(("model", "serial"))
        setf(e, "model", d.get("pid"))
        setf(e, "serial", d.get("sn"))
        return e
    if os_ == "iosxr" and cls == "ShowDiagDetails":
        # every card's label; the chassis (Rack 0 / 0/0-chassis) is the device
        items = d.get("item") or {}
        # the pid only where the schema has it (the classic ASR 9000
        # blocks' PID line is not in it)
        e = newexp(("model", "serial"), ("serial", "model") if any("pid" in it for it in items.values()) else ("serial",))
        for loc, it in sorted(items.items()):
            sn = it.get("sn") or it.get("pcb_serial_number")
            if re.fullmatch(r"rack \d+(-chassis)?", loc, re.I):
                setf(e, "serial", it.get("chassis_serial_number") or sn)
                setf(e, "model", it.get("pid"))
            else:
                addmod(e, sn, it.get("pid"))
        return e
    return None


GENIE_OS = {"ios": "cisco_ios", "iosxe": "cisco_iosxe", "iosxr": "cisco_xr",
            "nxos": "cisco_nxos", "junos": "juniper_junos"}


def genie_samples(corpus, skipped):
    for os_ in ("ios", "iosxe", "iosxr", "nxos", "junos", "generic"):
        for cdir in sorted(glob.glob(os.path.join(corpus, "genie", os_, "*"))):
            cls = os.path.basename(cdir)
            for ex in sorted(glob.glob(os.path.join(cdir, "*_expected.json"))):
                out = ex[:-len("_expected.json")] + "_output.txt"
                plat = GENIE_OS.get(os_)
                if os_ == "generic":
                    m = re.match(r"(?:rv\d__)?golden_output_([a-z]+)", os.path.basename(ex))
                    plat = GENIE_OS.get(m.group(1)) if m else None
                if not plat:
                    continue  # not a supported platform
                name = "genie/%s/%s/%s" % (os_, cls, os.path.basename(out))
                if not os.path.exists(out):
                    skipped.append((plat, name, "no output next to the expected file"))
                    continue
                e = genie_sample(os_, cls, ex, out)
                if e:
                    yield plat, name, out, e
                else:
                    skipped.append((plat, name, "no facts in the expected data of %s" % cls))


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
    # "JUNOS ... [21.1X3.3]" package lines: the template found no release
    ("ntc/show_version/juniper_junos_show_version_vmhost.raw", "version"): "21.1X3.3",
}


# ---------------------------------------------------------------- own
def own_samples(fixtures):
    """tests/fixtures/facts/NAME.txt, written for this project, and
    NAME.json, the facts a careful reader takes from it: every key of its
    "facts" is compared (null: the output does not tell), and with
    "modules" each module's serial, model and name"""
    for js in sorted(glob.glob(os.path.join(fixtures, "*.json"))):
        txt = js[:-5] + ".txt"
        with open(js) as f:
            d = json.load(f)
        e = newexp(tuple(d.get("facts") or {}), ("serial", "model", "name") if "modules" in d else ())
        for k, v in (d.get("facts") or {}).items():
            setf(e, k, v)
        for m in d.get("modules") or []:
            addmod(e, m.get("serial"), m.get("model"), m.get("name"))
        yield d["platform"], "own/" + os.path.basename(txt), txt, e


# Expected files that lack items their output has (the upstream test kept a
# part, its schema overwrote items, its parser lost blocks): scored on
# recall only, a reported value they lack is not counted against.
RECALL_ONLY = {
    # genie lost the Rack, power and fan blocks (and the RP's Product ID)
    "genie/iosxr/ShowDiagDetails/rv1__golden_output_2_output.txt",
    # ntc keeps one sub-module per module: the 6500's second (the MSFC)
    # is lost
    "ntc/show_module/cisco_ios_show_module1.raw",
    # ntc's template reads the Mod tables only: the N7K's fabric modules
    # (the Xbar tables) are lost
    "ntc/show_module/cisco_nxos_show_module1.raw",
    # module R0/F0 and the crypto ASIC share PIDs with the chassis: genie
    # keyed them away
    "genie/iosxe/ShowInventory/rv1__golden_output_2_output.txt",
    "genie/iosxe/ShowInventory/cat9k.c9500.rv1__golden_output_2_output.txt",
    # `show inventory name` of one entry: genie keeps only the chassis's
    # power supplies and transceivers
    "genie/iosxe/ShowInventoryName/golden_output_chassis_output.txt",
    # a DESCR without its closing quote: genie gave the DFC the next
    # entry's PID and serial and lost that transceiver
    "genie/ios/ShowInventory/cat6k__golden_output_2_output.txt",
}
# Module values the text contradicts, checked by hand: (sample, field) ->
# (values to drop from the expected, values the text has)
MOD_SAYS = {
    # "4   0    Unknown Module": no model, ntc took the word Module
    ("ntc/show_module/cisco_ios_show_module_01.raw", "model"): (["Module"], []),
    # genie read the stack table "1  Member  0  Provisioned" as a slot
    # named Member; the slot table has switch 2, a C9500-40X
    ("genie/iosxe/ShowPlatform/cat9k.c9500__golden_output_1_output.txt", "model"): (["Member"], ["C9500-40X"]),
}
# Expected values the text contradicts, checked by hand: (sample, field) ->
# what the output says
SAYS = {
    # NAME: "1" is the only entry of the switch, nothing says chassis:
    # genie's main.chassis is its own choice
    ("genie/iosxe/ShowInventory/rv2__golden_output_3_output.txt", "model"): None,
    ("genie/iosxe/ShowInventory/rv2__golden_output_3_output.txt", "serial"): None,
}


# ---------------------------------------------------------------- score
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


def sloppy(mode, facts, path):
    """what a careless parser would report"""
    facts = dict(facts or {})
    mods = list(facts.get("modules") or [])
    if mode == "tokens":
        with open(path, errors="replace") as f:
            mods = [{"serial": w, "model": None, "name": None} for w in f.read().split()]
    elif mode == "twice":
        mods = mods + [dict(m) for m in mods]
    elif mode == "drop":
        mods = mods[:-1]
    facts["modules"] = mods
    return facts


def norm(v):
    return None if placeholder(v) else (v.strip() if isinstance(v, str) else v)


def score(name, e, facts, misses):
    """{field: [tp, fp, fn]} of one sample"""
    c = {}
    for k, want in e["f"].items():
        if (name, k) in UPSTREAM_ERRORS:
            want = UPSTREAM_ERRORS[(name, k)]  # what the text says
        if (name, k) in SAYS:
            want = SAYS[(name, k)]
        got = norm(facts.get(k))
        if isinstance(want, tuple):  # ("nxos", chassis words)
            want, got = nexus_norm(want[1]), nexus_norm(got)
        t = c.setdefault(k, [0, 0, 0])
        if want is not None and got == want:
            t[0] += 1
            continue
        if want is not None:
            t[2] += 1
        if got is not None and (want is not None or name not in RECALL_ONLY):
            t[1] += 1
        if want is not None or (got is not None and name not in RECALL_ONLY):
            misses.append("%s: %s: got %r want %r" % (name, k, got, want))
    mods = [m for m in facts.get("modules") or [] if isinstance(m, dict)]
    for k, want in e["m"].items():
        if (name, k) in MOD_SAYS:
            drop, add = MOD_SAYS[(name, k)]
            want = [x for x in want if x not in drop] + add
        got = [norm(m.get(k)) for m in mods]
        if e.get("nocase"):
            want = [x.lower() for x in want]
            got = [x.lower() if isinstance(x, str) else x for x in got]
        if e.get("set"):
            # the schema keeps one item per PID and slot: each value once,
            # and a module whose PID it has may be one it overwrote
            pids = set(e["m"].get("model") or ())
            got = set(norm(m.get(k)) for m in mods
                      if k == "model" or norm(m.get("model")) not in pids or norm(m.get(k)) in want)
            want = set(want)
        w = collections.Counter(want)
        g = collections.Counter(x for x in got if x is not None)
        tp = sum((w & g).values())
        fp = sum(g.values()) - tp if name not in RECALL_ONLY else 0
        fn = sum(w.values()) - tp
        c["mod." + k] = [tp, fp, fn]
        if fp and name not in RECALL_ONLY:
            misses.append("%s: mod.%s: %d not expected: %s" % (name, k, fp, " ".join(sorted((g - w).elements()))[:300]))
        if fn:
            misses.append("%s: mod.%s: %d missing: %s" % (name, k, fn, " ".join(sorted((w - g).elements()))[:300]))
    return c


def f1(tp, fp, fn):
    """precision, recall, F1; None when nothing was there to find or report"""
    if tp + fp + fn == 0:
        return None
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(x):
    return "-" if x is None else "%.4f" % x


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def main():
    args = sys.argv[1:]
    mode = None
    if args[:1] == ["--sloppy"]:
        mode, args = args[1], args[2:]
    probe, helper, corpus = args
    skipped = []
    samples = (list(ntc_samples(corpus, skipped)) + list(genie_samples(corpus, skipped)) +
               list(own_samples(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "fixtures", "facts"))))
    plain = run_batch(helper, [(plat, path) for plat, name, path, e in samples])
    verbose = os.environ.get("FACTS_VERBOSE")
    misses = []
    # per platform: field -> [tp, fp, fn], field -> [per-sample F1],
    # [per-sample F1]
    micro = {p: {k: [0, 0, 0] for k in FIELDS} for p in PLATFORMS}
    macro = {p: {k: [] for k in FIELDS} for p in PLATFORMS}
    persample = {p: [] for p in PLATFORMS}
    nsamples = {p: 0 for p in PLATFORMS}
    low = []
    for (plat, name, path, e), (facts, err) in zip(samples, plain):
        nsamples[plat] += 1
        if facts is None:
            misses.append("%s %s: ztp-probe failed: %s" % (plat, name, err))
        if mode:
            facts = sloppy(mode, facts, path)
        sm = []
        c = score(name, e, facts or {}, sm)
        misses.extend("%s %s" % (plat, m) for m in sm)
        tot = [0, 0, 0]
        for k, t in c.items():
            for i in range(3):
                micro[plat][k][i] += t[i]
                tot[i] += t[i]
            r = f1(*t)
            if r:
                macro[plat][k].append(r[2])
        r = f1(*tot)
        if r:
            persample[plat].append(r[2])
            if r[2] < MIN:
                low.append("%s %s: F1 %.3f (P %.3f R %.3f)%s" % (plat, name, r[2], r[0], r[1],
                                                                 ": " + err if facts is None else ""))
    rc = 0
    print("# %d samples scored, %d skipped" % (len(samples), len(skipped)))
    reasons = collections.Counter(r for p, n, r in skipped)
    for r, n in sorted(reasons.items(), key=lambda x: -x[1]):
        print("# skipped %4d: %s" % (n, r))
    for p, n, r in skipped:
        print("# skipped: %s %s: %s" % (p, n, r))
    print("skipped %d" % len(skipped))
    print("# %-14s %7s %8s %8s %8s %8s" % ("platform", "samples", "P", "R", "F1", "macroF1"))
    for p in PLATFORMS:
        tot = [sum(micro[p][k][i] for k in FIELDS) for i in range(3)]
        r = f1(*tot) or (None, None, None)
        mac = mean(persample[p])
        print("# %-14s %7d %8s %8s %8s %8s" % (p, nsamples[p], fmt(r[0]), fmt(r[1]), fmt(r[2]), fmt(mac)))
        print("score %s %d %s %s" % (p, nsamples[p], fmt(r[2]), fmt(mac)))
        if r[2] is None or r[2] < MIN or mac is None or mac < MIN:
            rc = 1
    print("# per field: tp fp fn, P R F1 (micro), F1 (macro over the samples having it)")
    for p in PLATFORMS:
        for k in FIELDS:
            t = micro[p][k]
            r = f1(*t)
            mac = mean(macro[p][k])
            if r is None:
                continue
            print("# %-14s %-10s %5d %4d %4d  %s %s %s  %s" % (p, k, t[0], t[1], t[2], fmt(r[0]),
                                                           fmt(r[1]), fmt(r[2]), fmt(mac)))
            print("field %s %s %d %d %d %s %s" % (p, k, t[0], t[1], t[2], fmt(r[2]), fmt(mac)))
            if r[2] < MIN or mac < MIN:
                rc = 1
    for line in low:
        print("# low: " + line)
    print("lowsamples %d" % len(low))
    if mode:
        for line in misses if verbose else []:
            print("# miss: " + line)
        return rc
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
        first = next((l for l in lines if l.strip() and not re.match(rb"^\s*\{.*\}\s*$", l)), b"")
        echo = [] if re.match(rb"^\s*(\S*[#>]\s*)?(sh|show|dis|display|admin)\b", first) else [verb + b" this"]
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
