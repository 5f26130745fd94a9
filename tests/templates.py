#!/usr/bin/python3
"""Helper of tests/templates.t: the shipped templates (templates/).

  templates.py prepare TOP OUT   merge the variable layers of each case the
                                 way ztp-push does, render it with the real
                                 Python Jinja2, render the verify.yml
                                 strings and compile their regexes
  templates.py check OUT         assertions an engineer cares about, on
                                 what ztp-push rendered (OUT/CASE/ztp.out)
  templates.py sim OUT ZTP-SIM   push what ztp-push rendered into the device
                                 simulator, run each verify check there and
                                 match its regexes with grep -E (POSIX ERE)

Each case OUT/CASE/ gets data.yml, args (the ztp-push command line, one
argument a line), expected (Jinja2's output) or error, base when it is not
a variant, verify.json (the rendered checks) and verify/ (the verify
strings as one template, with args and expected).  Results are printed as "PASS name" / "FAIL name" lines,
details as "# ..." lines; tests/templates.t turns them into TAP.
"""
import ipaddress
import json
import os
import re
import sys

import jinja2
import yaml

PLATFORMS = ["cisco_iosxe", "juniper_junos", "huawei_vrp", "arista_eos"]
SERVICES = {"cisco_iosxe": ["internet-access", "mpls-l3vpn-ce", "l2vpn-access"],
            "juniper_junos": ["internet-access"], "huawei_vrp": ["internet-access"],
            "arista_eos": ["internet-access"]}
IDS = {"cisco_iosxe": "example-iosxe", "juniper_junos": "example-junos",
       "huawei_vrp": "example-vrp", "arista_eos": "example-eos"}
FACTS = {"cisco_iosxe": ("cisco", "ios-xe", "17.9.4a", "ISR4331/K9", "FDO21520TGH"),
         "juniper_junos": ("juniper", "junos", "22.4R3", "SRX340", "CV2616AF0042"),
         "huawei_vrp": ("huawei", "vrp", "V300R019C10SPC300", "AR6280", "2102113089P0SIM00001"),
         "arista_eos": ("arista", "eos", "4.27.6M", "CCS-720XP-24ZY4", "JPE11400249")}

RESULTS = []
SEP = "<<<ztp>>>\n"


def result(ok, name, detail=None):
    print("%s %s" % ("PASS" if ok else "FAIL", name))
    if not ok and detail:
        for line in str(detail).splitlines()[:60]:
            print("# " + line)
    RESULTS.append(ok)
    return ok


# ---- the Ansible ipaddr queries the templates use (netaddr semantics, as
# ansible.utils.ipaddr gives them for a host or network in CIDR form)

def ipaddr(value, query=""):
    if isinstance(value, (list, tuple)):
        return [r for r in (ipaddr(v, query) for v in value) if r]
    if value is None or isinstance(value, bool):
        return False
    try:
        iface = ipaddress.ip_interface(str(value))
    except ValueError:
        return False
    net = iface.network
    if query == "":
        return str(value)
    if query == "address":
        if net.num_addresses > 2 and iface.ip == net.network_address and "/" in str(value):
            return False
        return str(iface.ip)
    if query == "network":
        return str(net.network_address)
    if query == "netmask":
        return str(net.netmask)
    if query == "hostmask":
        return str(net.hostmask)
    if query == "prefix":
        return net.prefixlen
    if query in ("network/prefix", "subnet", "net"):
        return str(net)
    if query in ("host/prefix", "address/prefix"):
        return "%s/%d" % (iface.ip, net.prefixlen)
    raise jinja2.TemplateRuntimeError("ipaddr: query %r not in the test helper" % (query,))


def merge(low, high):
    """The engine's layering: maps merge recursively, anything else (lists
    too) is replaced by the higher layer."""
    if isinstance(low, dict) and isinstance(high, dict):
        out = dict(low)
        for k, v in high.items():
            out[k] = merge(low[k], v) if k in low else v
        return out
    return high


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def record(platform, service):
    vendor, os_, version, model, serial = FACTS[platform]
    i = PLATFORMS.index(platform)
    return {"id": IDS[platform], "mac": "02:00:5e:10:00:%02x" % (i + 1),
            "ip": "192.0.2.%d" % (40 + i), "rack": "rack1", "port": "Gi1/0/%d" % (i + 1),
            "console": "rack1:%d" % (i + 1), "service": service,
            "facts": {"vendor": vendor, "os": os_, "version": version, "model": model,
                      "serial": serial, "hostname": "Router", "modules": []}}


def variables(top, platform, service, rec):
    v = os.path.join(top, "templates", "vars")
    data = {}
    for layer in ("defaults.yml", "racks/%s.yml" % rec["rack"],
                  "services/%s.yml" % service, "platforms/%s.yml" % platform):
        path = os.path.join(v, layer)
        if os.path.exists(path):
            data = merge(data, load(path))
    data = merge(data, {"device": rec})
    path = os.path.join(v, "devices", "%s.yml" % rec["id"])
    if os.path.exists(path):
        data = merge(data, load(path))
    return data


def env(path):
    e = jinja2.Environment(loader=jinja2.FileSystemLoader([path]), trim_blocks=True,
                           lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                           extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"])
    e.filters["ipaddr"] = ipaddr
    return e


# Variants: the same variables with a change, to render the other branches
# (name suffix, templates it applies to, change: a map merged on top; a
# value None deletes the key)
MINIMAL = {"snmp": None, "banner": None, "name_servers": None, "syslog_servers": None,
           "ntp_servers": None}
NULL = object()      # in a change: set the value to None (null in YAML)
VARIANTS = [
    ("minimal", "baseline", MINIMAL),
    ("no-record", "baseline", {"device": None}),
    ("null-facts", "baseline", {"device": {"facts": NULL}}),
    ("vrf", "mpls-l3vpn-ce", {"vrf": "CUST-A", "bgp": {"password": "example-md5",
                                                         "networks": None}}),
    ("default-route", "l2vpn-access", {"l2vpn": {"default_route": True,
                                                 "peer": "198.51.100.129"}}),
    ("quoted", "internet-access", {"wan": {"description": 'Acme "HQ" fibre \\ 1G'}}),
    ("dhcp-nonat", "internet-access", {"wan": {"address": "dhcp", "gateway": None},
                                       "nat": False}),
]
# variants whose checks are the base case's: not run on the simulator again
NOT_ON_SIM = ("-quoted", "-no-record", "-null-facts")
# required variables: without one, the IOS-XE internet-access render fails
REQUIRED = ["wan", "lan", "hostname", "users"]


def patch(data, change):
    out = dict(data)
    for k, v in change.items():
        if v is None:
            out.pop(k, None)
        elif v is NULL:
            out[k] = None
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = patch(out[k], v)
        else:
            out[k] = v
    return out


def cases(top):
    """(name, platform, search dir, template, service, verify file, change)"""
    t = os.path.join(top, "templates")
    out = []
    for p in PLATFORMS:
        for s in ["baseline"] + SERVICES[p]:
            vf = os.path.join(t, p, s + ".verify.yml")
            svc = "internet-access" if s == "baseline" else s
            out.append(("%s-%s" % (p, s), p, os.path.join(t, p), s + ".j2", svc, vf, {}))
            for suffix, tmpl, change in VARIANTS:
                if tmpl == s:
                    out.append(("%s-%s-%s" % (p, s, suffix), p, os.path.join(t, p), s + ".j2",
                                svc, vf, change))
        out.append(("console-%s" % p, p, os.path.join(t, "console"), p + ".j2",
                    "internet-access", None, {}))
        out.append(("console-%s-dhcp" % p, p, os.path.join(t, "console"), p + ".j2",
                    "internet-access", None, {"mgmt": {"address": "dhcp", "vrf": None}}))
    return out


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def prepare(top, outdir):
    for name, platform, path, tmpl, service, vf, change in cases(top):
        d = os.path.join(outdir, name)
        os.makedirs(d)
        data = patch(variables(top, platform, service, record(platform, service)), change)
        write(os.path.join(d, "data.yml"), yaml.safe_dump(data, sort_keys=False))
        write(os.path.join(d, "args"), "\n".join(
            ["--render", tmpl, "--data", os.path.join(d, "data.yml"), "--path", path,
             "--trim-blocks", "--lstrip-blocks", "--undefined", "strict"]))
        write(os.path.join(d, "platform"), platform)
        if not change:
            write(os.path.join(d, "base"), "")
        write(os.path.join(d, "template"), tmpl[:-3] if "console" not in name else "console")
        e = env(path)
        try:
            write(os.path.join(d, "expected"), e.get_template(tmpl).render(**data))
        except Exception as ex:
            write(os.path.join(d, "error"), "%s: %s\n" % (type(ex).__name__, ex))
        if name == "cisco_iosxe-internet-access":
            for v in REQUIRED:
                write(os.path.join(outdir, "no-%s.yml" % v),
                      yaml.safe_dump(patch(data, {v: None}), sort_keys=False))
        if vf is None:
            continue
        if not result(os.path.exists(vf), "%s: %s exists" % (name, os.path.basename(vf))):
            continue
        checks = load_checks(vf)
        rendered = []
        problems = []
        for i, c in enumerate(checks or []):
            where = "check %d (%s)" % (i + 1, c.get("name", "?") if isinstance(c, dict) else "?")
            if not isinstance(c, dict) or set(c) - {"name", "command", "expect", "reject"} or \
                    not {"name", "command"} <= set(c) or not (c.get("expect") or c.get("reject")):
                problems.append("%s: needs name, command and expect and/or reject, nothing else"
                                % where)
                continue
            try:
                r = {"name": c["name"],
                     "command": e.from_string(c["command"]).render(**data)}
                for k in ("expect", "reject"):
                    r[k] = [e.from_string(x).render(**data) for x in c.get(k, [])]
            except Exception as ex:
                problems.append("%s: cannot render: %s: %s" % (where, type(ex).__name__, ex))
                continue
            for x in r["expect"] + r["reject"]:
                try:
                    re.compile(x, re.M)
                    ere_search(x, "")
                except (re.error, ValueError) as ex:
                    problems.append("%s: regex %r: %s" % (where, x, ex))
                if re.search(r"\\[dDwWsSbB]|\(\?|\{\{|\{%", x):
                    problems.append("%s: regex %r is not POSIX ERE (or not rendered)" % (where, x))
            rendered.append(r)
        result(not problems and len(rendered) >= 3,
               "%s: %d verify checks render and their regexes compile as ERE"
               % (name, len(rendered)), "\n".join(problems))
        write(os.path.join(d, "verify.json"), json.dumps(rendered, indent=1))
        # the same strings for ztp-push: one template, a separator after each
        strings = [x for c in checks if isinstance(c, dict)
                   for x in [c.get("command", "")] + c.get("expect", []) + c.get("reject", [])]
        v = os.path.join(d, "verify")
        os.makedirs(v)
        write(os.path.join(v, "verify.j2"), "".join(x + SEP for x in strings))
        write(os.path.join(v, "expected"),
              "".join(e.from_string(x).render(**data) + SEP for x in strings))
        write(os.path.join(v, "args"), "\n".join(
            ["--render", "verify.j2", "--data", os.path.join(d, "data.yml"), "--path", v,
             "--trim-blocks", "--lstrip-blocks", "--keep-trailing-newline",
             "--undefined", "strict"]))


def load_checks(vf):
    with open(vf, encoding="utf-8") as f:
        return yaml.safe_load(f)


# ---- assertions on ztp-push's output

def lines_of(text):
    return text.split("\n")


def generic(name, text, platform):
    ok = True
    bad = [l for l in lines_of(text) if l != l.rstrip()]
    ok &= result(not bad, "%s: no line ends in spaces" % name, "\n".join(bad))
    left = [l for l in lines_of(text) if re.search(r"\{\{|\}\}|\{%|%\}|\{#|#\}", l)]
    ok &= result(not left, "%s: every template tag was rendered" % name, "\n".join(left))
    junk = [l for l in lines_of(text) if re.search(r"\bNone\b|\bUndefined\b|\bFalse\b|\bTrue\b", l)]
    ok &= result(not junk, "%s: no None/True/False leaked into the configuration" % name,
                 "\n".join(junk))
    ok &= result(text.endswith("\n") and not text.endswith("\n\n") and "\n\n" not in text,
                 "%s: ends with one newline, no empty lines" % name)
    return ok


def blocks_not_empty(name, text, header, indent):
    """No sub-mode block without content (a header directly followed by its
    own exit/quit or by another header)."""
    ls = lines_of(text)
    empty = []
    for i, l in enumerate(ls):
        if re.match(header, l):
            nxt = ls[i + 1] if i + 1 < len(ls) else ""
            if not nxt.startswith(indent) or nxt.strip() in ("exit", "quit"):
                empty.append(l)
    return result(not empty, "%s: no empty configuration block" % name, "\n".join(empty))


def has(name, text, regex, what):
    return result(re.search(regex, text, re.M) is not None, "%s: %s" % (name, what),
                  "no line matches %s" % regex)


def check_iosxe(name, text, data, service):
    blocks_not_empty(name, text, r"^(interface|line|ip access-list|router|vrf definition) ", " ")
    has(name, text, r"^hostname %s$" % re.escape(data["hostname"]), "hostname")
    n = len(re.findall(r"^username \S+ privilege 15 secret 9 \$9\$", text, re.M))
    result(n == len(data["users"]), "%s: one type-9 username line per user (%d)" % (name, n))
    has(name, text, r"^line vty 0 15\n( .*\n)* transport input ssh$", "vty: SSH only")
    if name.startswith("console"):
        has(name, text, r"^crypto key generate rsa general-keys modulus 2048$", "RSA keys")
        if data["mgmt"]["address"] == "dhcp":
            has(name, text, r"^interface GigabitEthernet0\n ip address dhcp$", "management by DHCP")
            result(" route" not in text, "%s: no static route with DHCP" % name)
        else:
            has(name, text, r"^interface GigabitEthernet0\n vrf forwarding Mgmt-intf\n"
                r" ip address 192\.0\.2\.10 255\.255\.255\.192$", "management address in the VRF")
            has(name, text, r"^ip route vrf Mgmt-intf 0\.0\.0\.0 0\.0\.0\.0 192\.0\.2\.1 name MGMT$",
                "management default route in the VRF")
        return
    result("crypto key generate" not in text, "%s: no key generation over SSH" % name)
    has(name, text, r"^no ip http server$", "HTTP server off")
    if service == "internet-access":
        wan = data["wan"]["interface"]
        has(name, text, r"^ip nat inside source list NAT-LAN interface %s overload$" %
            re.escape(wan), "NAT overload on the WAN interface")
        has(name, text, r"^ip route 0\.0\.0\.0 0\.0\.0\.0 %s( |$)" %
            re.escape(data["wan"]["gateway"]), "default route to the provider gateway")
        has(name, text, r"^interface %s\n( .*\n)* ip nat outside$" % re.escape(wan),
            "WAN is NAT outside")
        has(name, text, r"^ip access-list standard NAT-LAN\n permit 203\.0\.113\.0 0\.0\.0\.15$",
            "NAT ACL: the LAN with its wildcard mask")
    elif service == "mpls-l3vpn-ce" and "vrf" in data:
        has(name, text, r"^vrf definition CUST-A\n rd 64510:1$", "CE VRF with an RD")
        has(name, text, r"^interface GigabitEthernet0/0/0\n( .*\n)* vrf forwarding CUST-A$", "WAN in the VRF")
        has(name, text, r"^ip route vrf CUST-A 203\.0\.113\.16 255\.255\.255\.240 203\.0\.113\.14$",
            "static route in the VRF")
        has(name, text, r"^ address-family ipv4 vrf CUST-A\n neighbor 198\.51\.100\.1 remote-as 64500$",
            "PE neighbor in the VRF address family")
        has(name, text, r"^ neighbor 198\.51\.100\.1 password example-md5$", "MD5 password")
        has(name, text, r"^ network 203\.0\.113\.0 mask 255\.255\.255\.240$",
            "the LAN announced by default")
    elif service == "mpls-l3vpn-ce":
        has(name, text, r"^router bgp 64510$", "BGP in the CE AS")
        has(name, text, r"^ neighbor 198\.51\.100\.1 remote-as 64500$", "PE neighbor")
        has(name, text, r"^ network 203\.0\.113\.16 mask 255\.255\.255\.240$",
            "customer network announced")
    elif service == "l2vpn-access":
        has(name, text, r"^interface GigabitEthernet0/0/0\.100\n( .*\n)* encapsulation dot1Q 100$",
            "dot1Q subinterface of the circuit VLAN")
        if data["l2vpn"].get("default_route"):
            has(name, text, r"^ip route 0\.0\.0\.0 0\.0\.0\.0 198\.51\.100\.129 name L2VPN$",
                "default route over the circuit")
        else:
            result("0.0.0.0 0.0.0.0" not in text, "%s: no default route unless asked" % name)


def check_junos(name, text, data, service):
    if name.startswith("console"):
        bad = [l for l in lines_of(text) if l and not re.match(r"^(set|delete) \S", l)]
        result(not bad, "%s: only set/delete commands" % name, "\n".join(bad))
        if data["mgmt"]["address"] == "dhcp":
            has(name, text, r"^set interfaces ge-0/0/7 unit 0 family inet dhcp$", "management by DHCP")
            has(name, text, r"system-services dhcp$", "DHCP admitted on the management port")
            result(" route " not in text, "%s: no static route with DHCP" % name)
        else:
            has(name, text, r"^set routing-instances MGMT routing-options static route 0\.0\.0\.0/0 "
                r"next-hop 192\.0\.2\.1$", "management default route")
        has(name, text, r"^delete interfaces ge-0/0/1 unit 0 family ethernet-switching$",
            "the LAN port leaves the factory switching setup")
        has(name, text, r"^set security zones security-zone MGMT interfaces ge-0/0/7\.0 "
            r"host-inbound-traffic system-services ssh$", "SSH admitted on the management port")
        return
    depth, worst, bad = 0, 0, []
    for l in lines_of(text):
        s = l.strip()
        if not s:
            continue
        if s.endswith("{"):
            if len(l) - len(l.lstrip()) != 4 * depth:
                bad.append(l)
            depth += 1
        elif s == "}":
            depth -= 1
            if len(l) - len(l.lstrip()) != 4 * depth:
                bad.append(l)
        elif not s.endswith(";") or len(l) - len(l.lstrip()) != 4 * depth:
            bad.append(l)
        worst = min(worst, depth)
    result(depth == 0 and worst == 0, "%s: braces balance" % name)
    result(not bad, "%s: statements end with ';', indented 4 per level" % name, "\n".join(bad))
    has(name, text, r"^    host-name %s;$" % re.escape(data["hostname"]), "host-name")
    has(name, text, r"^        encrypted-password \"\$6\$", "root-authentication (commit needs it)")
    if service == "internet-access" and "quoted" in name:
        has(name, text, r'^        description "Acme \\"HQ\\" fibre \\\\ 1G";$',
            "quotes and backslashes escaped in a description")
    if service == "internet-access":
        has(name, text, r"^                            interface;$", "source NAT to the interface")
        has(name, text, r"^        route 0\.0\.0\.0/0 next-hop 198\.51\.100\.5;$", "default route")


def check_vrp(name, text, data, service):
    bad = [l for l in lines_of(text) if l.startswith("#")]
    result(not bad, "%s: no '#' separator lines" % name, "\n".join(bad))
    # every view is left with quit before the next view or the end
    views, open_view, problems = 0, None, []
    for l in lines_of(text):
        if re.match(r"^(aaa|interface |user-interface |acl )", l):
            if open_view:
                problems.append("%s: not left before %s" % (open_view, l))
            open_view = l
            views += 1
        elif l == "quit":
            if not open_view:
                problems.append("quit outside a view")
            open_view = None
        elif l and not l.startswith(" ") and open_view:
            problems.append("%s: not left before %s" % (open_view, l))
            open_view = None
    if open_view:
        problems.append("%s: not left at the end" % open_view)
    result(not problems and views >= 2, "%s: each of %d views ends with quit" % (name, views),
           "\n".join(problems))
    blocks_not_empty(name, text, r"^(aaa|interface |user-interface |acl )", " ")
    has(name, text, r"^sysname %s$" % re.escape(data["hostname"]), "sysname")
    has(name, text, r"^ protocol inbound ssh$", "vty: SSH only")
    if name.startswith("console"):
        has(name, text, r"^rsa local-key-pair create$", "SSH server key pair")
        if data["mgmt"]["address"] == "dhcp":
            has(name, text, r"^interface GigabitEthernet0/0/8\n ip address dhcp-alloc$", "management by DHCP")
        else:
            has(name, text, r"^ip route-static 0\.0\.0\.0 0\.0\.0\.0 192\.0\.2\.1 description MGMT$",
                "management default route")
        return
    if service == "internet-access":
        has(name, text, r"^interface GigabitEthernet0/0/1\n( .*\n)* nat outbound 2000$",
            "Easy IP NAT on the WAN")
        has(name, text, r"^ip route-static 0\.0\.0\.0 0\.0\.0\.0 198\.51\.100\.9( |$)",
            "default route")


def check_eos(name, text, data, service):
    blocks_not_empty(name, text, r"^(interface|ip access-list|management) ", "   ")
    has(name, text, r"^hostname %s$" % re.escape(data["hostname"]), "hostname")
    n = len(re.findall(r"^username \S+ privilege 15 role network-admin secret sha512 \$6\$",
                       text, re.M))
    result(n == len(data["users"]), "%s: one sha512 username line per user" % name)
    if name.startswith("console"):
        if data["mgmt"]["address"] == "dhcp":
            has(name, text, r"^interface Management1\n   ip address dhcp$", "management by DHCP")
            has(name, text, r"^management ssh\n   no shutdown$", "SSH on")
        else:
            has(name, text, r"^management ssh\n   vrf MGMT\n      no shutdown$", "SSH in the MGMT VRF")
            has(name, text, r"^ip route vrf MGMT 0\.0\.0\.0/0 192\.0\.2\.1 name MGMT$",
                "management default route")
        return
    has(name, text, r"^ip routing$", "ip routing")
    if service == "internet-access":
        has(name, text, r"^interface Ethernet1\n   description .*\n   no switchport\n"
            r"   ip address 198\.51\.100\.14/30\n   ip nat source dynamic access-list NAT-LAN "
            r"overload$", "routed WAN with NAT overload")
        has(name, text, r"^ip route 0\.0\.0\.0/0 198\.51\.100\.13 name DEFAULT$", "default route")


# internet-access with a DHCP WAN and without NAT: what must be there and
# what must not
DHCP_NONAT = {"cisco_iosxe": (r"^ ip address dhcp$", "ip nat", "ip route 0.0.0.0"),
              "juniper_junos": (r"^                dhcp;$", "source-nat", "route 0.0.0.0/0"),
              "huawei_vrp": (r"^ ip address dhcp-alloc$", "nat outbound", "ip route-static 0.0.0.0"),
              "arista_eos": (r"^   dhcp client accept default-route$", "ip nat", "ip route 0.0.0.0/0")}


def check_dhcp_nonat(name, text, platform):
    dhcp, nat, route = DHCP_NONAT[platform]
    has(name, text, dhcp, "WAN by DHCP")
    result(nat not in text, "%s: no NAT when nat is false" % name)
    result(route not in text, "%s: no static default route with a DHCP WAN" % name)


CHECKS = {"cisco_iosxe": check_iosxe, "juniper_junos": check_junos, "huawei_vrp": check_vrp,
          "arista_eos": check_eos}


def same(outdir):
    """h-tmpl's renders (ztp.out, ztp.rc) against Jinja2's (expected)."""
    n = 0
    for name in sorted(os.listdir(outdir)):
        for d, what in ((os.path.join(outdir, name), name),
                        (os.path.join(outdir, name, "verify"), name + " verify strings")):
            if not os.path.exists(os.path.join(d, "args")):
                continue
            n += 1
            if os.path.exists(os.path.join(d, "error")):
                result(False, "%s: Jinja2 renders it" % what, open(os.path.join(d, "error")).read())
                continue
            want = open(os.path.join(d, "expected"), "rb").read()
            got = open(os.path.join(d, "ztp.out"), "rb").read()
            rc = open(os.path.join(d, "ztp.rc")).read().strip()
            if rc == "0" and got == want:
                result(True, "%s: ztp's renderer and Jinja2 give the same %d lines"
                       % (what, got.count(b"\n")))
            else:
                import difflib
                diff = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(),
                                            "jinja2", "ztp", lineterm="")
                result(False, "%s: ztp's renderer and Jinja2 give the same output (exit %s)"
                       % (what, rc), open(os.path.join(d, "ztp.err")).read() + "\n".join(diff))
    result(n >= 40, "%d renders (4 platforms: baseline, services, variants, console "
           "bootstraps, verify strings)" % n)


def check(outdir):
    same(outdir)
    for name in sorted(os.listdir(outdir)):
        d = os.path.join(outdir, name)
        if not os.path.exists(os.path.join(d, "platform")) or \
                open(os.path.join(d, "ztp.rc")).read().strip() != "0":
            continue
        platform = open(os.path.join(d, "platform")).read()
        text = open(os.path.join(d, "ztp.out"), encoding="utf-8").read()
        data = load(os.path.join(d, "data.yml"))
        service = open(os.path.join(d, "template")).read()
        generic(name, text, platform)
        serial = ((data.get("device") or {}).get("facts") or {}).get("serial")
        if serial and "location" in data.get("snmp", {}) and service != "console":
            result("(SN %s)" % serial in text, "%s: the serial is in the SNMP location" % name)
        elif not serial:
            result("(SN" not in text, "%s: no serial without facts" % name)
        if service == "internet-access" and data["wan"]["address"] == "dhcp":
            check_dhcp_nonat(name, text, platform)
            service = "internet-access-dhcp"
        CHECKS[platform](name, text, data, service)


# ---- the verify checks against the device simulator

def ere_search(rx, text):
    """The engine's matching: regcomp(REG_EXTENDED | REG_NEWLINE) and
    regexec on the whole output (libc's POSIX ERE, not Python's re).
    Raises ValueError when the regex does not compile."""
    import ctypes
    libc = ctypes.CDLL(None)
    preg = ctypes.create_string_buffer(1024)       # > sizeof(regex_t)
    if libc.regcomp(preg, rx.encode(), 1 | 4):     # glibc REG_EXTENDED | REG_NEWLINE
        raise ValueError("regcomp fails on %r" % rx)
    hit = libc.regexec(preg, text.encode(), ctypes.c_size_t(0), None, 0) == 0
    libc.regfree(preg)
    return hit


PROMPT = {"cisco_iosxe": r"[A-Za-z0-9._-]+#$", "arista_eos": r"[A-Za-z0-9._-]+#$",
          "juniper_junos": r"[A-Za-z0-9._-]+@[A-Za-z0-9._-]+> $", "huawei_vrp": r"<[A-Za-z0-9._-]+>$"}


def session(platform, config, commands):
    """What the engine does, in the simplest form: enter configuration
    mode, type or load the configuration, commit, leave, run command."""
    if platform == "juniper_junos":
        return ("configure\nload merge terminal\n" + config + "\x04\ncommit and-quit\n" +
                "".join(c + "\n" for c in commands))
    if platform == "huawei_vrp":
        return "system-view\n" + config + "return\n" + "".join(c + "\n" for c in commands)
    return "configure terminal\n" + config + "end\n" + "".join(c + "\n" for c in commands)


def sim(outdir, simbin):
    import subprocess
    for name in sorted(os.listdir(outdir)):
        d = os.path.join(outdir, name)
        vf = os.path.join(d, "verify.json")
        if not os.path.exists(vf) or name.endswith(NOT_ON_SIM):
            continue
        platform = open(os.path.join(d, "platform")).read()
        config = open(os.path.join(d, "ztp.out"), encoding="utf-8").read()
        problems = []
        shown = ""
        checks = json.load(open(vf))
        # one session: the push, then every check's command; the outputs
        # are what lies between the exec prompts that follow
        # the simulator is test equipment here: its leak check at exit (a
        # third of the test's time under the sanitizers) is sim.t's business
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        p = subprocess.run([simbin, "--platform", platform, "--page", "0"], env=env,
                           input=session(platform, config, [c["command"] for c in checks]).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        text = p.stdout.decode("utf-8", "replace")
        m = re.search(PROMPT[platform], text)
        parts = text.split(m.group(0)) if m else []
        if p.returncode != 0 or len(parts) < len(checks) + 2:
            result(False, "%s: the simulator session works (exit %d)" % (name, p.returncode),
                   p.stderr.decode()[:400])
            continue
        for c, output in zip(checks, parts[-len(checks) - 1:-1]):
            if re.search(r"(Invalid input|Unrecognized command|syntax error|unknown command)",
                         output):
                problems.append("%s: %r refused: %s" % (c["name"], c["command"], output[:200]))
                continue
            for kind in ("expect", "reject"):
                for rx in c[kind]:
                    if ere_search(rx, output) != (kind == "expect"):
                        problems.append("%s: %s %r fails on the output of %r" %
                                        (c["name"], kind, rx, c["command"]))
                        shown = shown or output
        result(not problems, "%s: the %d verify checks pass on the simulator after the push"
               % (name, len(checks)), "\n".join(problems + ["the first output that failed:"] +
                                                 shown.splitlines()[:40]))


def main():
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "check":
        check(sys.argv[2])
    elif sys.argv[1] == "sim":
        sim(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: templates.py prepare TOP OUT | check OUT")


if __name__ == "__main__":
    main()
