/* t-facts.c: facts parsers: recognition of platform and command, the
 * normalised schema, merging, and outputs as terminals capture them (CRLF,
 * echoed command, indentation, no final newline, bare CR, NUL bytes). */
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "tap.h"

static struct ztp_val *parse(const char *plat, const char *cmd, const char *text,
			     int *rc, struct ztp_err *e)
{
	struct ztp_val *f = ztp_facts_new();

	*rc = ztp_facts_parse(plat, cmd, text, strlen(text), f, e);
	return f;
}

static const char *mod_str(const struct ztp_val *f, size_t i, const char *key)
{
	const struct ztp_val *mods = ztp_map_get(f, "modules");

	if (mods == NULL || i >= ztp_val_len(mods))
		return NULL;
	return ztp_map_str(ztp_list_get(mods, i), key);
}

static size_t nmods(const struct ztp_val *f)
{
	return ztp_val_len(ztp_map_get(f, "modules"));
}

static const char ios_ver[] =
	"Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(2)E7, RELEASE SOFTWARE (fc3)\n"
	"Technical Support: http://www.cisco.com/techsupport\n"
	"\n"
	"sw-lab-3 uptime is 1 year, 2 weeks, 3 minutes\n"
	"System image file is \"flash:c2960x-universalk9-mz.152-2.E7.bin\"\n"
	"cisco WS-C2960X-48FPD-L (APM86XXX) processor (revision B0) with 524288K bytes of memory.\n"
	"Processor board ID FOC1913S46M\n"
	"Model number                    : WS-C2960X-48FPD-L\n"
	"System serial number            : FOC3333S00A\n"
	"\n"
	"Switch Ports Model                     SW Version            SW Image\n"
	"------ ----- -----                     ----------            ----------\n"
	"*    1 52    WS-C2960X-48FPD-L          15.2(2)E7             C2960X-UNIVERSALK9-M\n"
	"     2 52    WS-C2960X-48FPD-L          15.2(2)E7             C2960X-UNIVERSALK9-M\n"
	"\n"
	"Switch 02\n"
	"---------\n"
	"Model number                    : WS-C2960X-48FPD-L\n"
	"System serial number            : FOC4444S23V\n"
	"Configuration register is 0xF\n";

static void test_ios_stack(void)
{
	struct ztp_err e;
	struct ztp_val *f;
	int rc;

	f = parse("cisco_ios", NULL, ios_ver, &rc, &e);
	is_int(rc, 0, "ios: show version parses");
	is_str(ztp_map_str(f, "hostname"), "sw-lab-3", "ios: hostname from the uptime line");
	is_str(ztp_map_str(f, "vendor"), "cisco", "ios: vendor");
	is_str(ztp_map_str(f, "os"), "ios", "ios: os");
	is_str(ztp_map_str(f, "version"), "15.2(2)E7", "ios: version");
	is_str(ztp_map_str(f, "model"), "WS-C2960X-48FPD-L", "ios: model from the processor line");
	is_str(ztp_map_str(f, "serial"), "FOC3333S00A",
	       "ios: the serial is member 1's system serial, not the board id");
	is_int(nmods(f), 1, "ios: the other stack member is a module");
	is_str(mod_str(f, 0, "slot"), "2", "ios: member 2's slot");
	is_str(mod_str(f, 0, "serial"), "FOC4444S23V", "ios: member 2's serial");
	is_str(mod_str(f, 0, "model"), "WS-C2960X-48FPD-L", "ios: member 2's model");
	ok(ztp_map_get(f, "modules") != NULL && ztp_map_find(f, "hostname") != NULL,
	   "ios: the schema keys are there");
	ztp_val_unref(f);
}

/* the same text as a terminal shows it */
static char *captured(const char *echo, const char *text, const char *indent)
{
	size_t n = strlen(text), cap = n * 3 + strlen(echo) + 16, o = 0, i;
	char *out = malloc(cap);
	int bol = 1;

	o += (size_t)snprintf(out, cap, "%s\r\n", echo);
	for (i = 0; i < n; i++) {
		if (bol && text[i] != '\n') {
			memcpy(out + o, indent, strlen(indent));
			o += strlen(indent);
		}
		bol = text[i] == '\n';
		if (text[i] == '\n')
			out[o++] = '\r';
		out[o++] = text[i];
	}
	while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == '\r'))
		o--;	/* no final newline */
	out[o] = 0;
	return out;
}

static void test_capture(void)
{
	struct ztp_val *plain, *cap;
	struct ztp_err e;
	char *text;
	int rc;

	plain = parse("cisco_ios", NULL, ios_ver, &rc, &e);
	text = captured("sw-lab-3#show version", ios_ver, "   ");
	cap = parse("cisco_ios", NULL, text, &rc, &e);
	is_int(rc, 0, "capture: CRLF, echo, indent, no final newline parse");
	ok(ztp_val_eq(plain, cap), "capture: the same facts as the clean text");
	ztp_val_unref(cap);
	free(text);

	text = captured("show version", ios_ver, "");
	cap = parse("cisco_ios", "sh ver", text, &rc, &e);
	is_int(rc, 0, "capture: echo without prompt, abbreviated command");
	ok(ztp_val_eq(plain, cap), "capture: same facts");
	ztp_val_unref(cap);
	free(text);

	/* NUL bytes and a pager's bare CR overwrite */
	{
		static const char t[] =
			"Cisco IOS Software, C800 Software (C800-UNIVERSALK9-M), Version 15.4(3)M\0\n"
			" --More-- \r          \rr9 uptime is 2 days, 1 hour\n"
			"cisco C891F-K9 (revision 1.0) with 488524K/35763K bytes of memory.\n"
			"Processor board ID FGL000000AB\n";

		cap = ztp_facts_new();
		rc = ztp_facts_parse("cisco_ios", NULL, t, sizeof(t) - 1, cap, &e);
		is_int(rc, 0, "pager: parses");
		is_str(ztp_map_str(cap, "hostname"), "r9", "pager: the line after the CR wins");
		is_str(ztp_map_str(cap, "version"), "15.4(3)M", "pager: NUL byte is a blank");
		is_str(ztp_map_str(cap, "model"), "C891F-K9", "pager: model without 'processor'");
		is_str(ztp_map_str(cap, "serial"), "FGL000000AB", "pager: board id");
		ztp_val_unref(cap);
	}
	/* a hostile device: bidi override and C1 control in its facts are
	 * escaped as the DHCP path escapes them (ztp_escape) */
	{
		static const char t[] =
			"Cisco IOS Software, C800 Software (C800-UNIVERSALK9-M), Version 15.4(3)M\n"
			"r9\xe2\x80\xaegpj uptime is 2 days, 1 hour\n"
			"cisco C891F-K9 (revision 1.0) with 488524K/35763K bytes of memory.\n"
			"Processor board ID FGL0\xc2\x85\xe2\x80\xae" "1\n";

		cap = ztp_facts_new();
		rc = ztp_facts_parse("cisco_ios", NULL, t, sizeof(t) - 1, cap, &e);
		is_int(rc, 0, "hostile: parses");
		is_str(ztp_map_str(cap, "hostname"), "r9\\xe2\\x80\\xaegpj", "hostile: U+202E in the hostname escaped");
		is_str(ztp_map_str(cap, "serial"), "FGL0\\xc2\\x85\\xe2\\x80\\xae1",
		       "hostile: C1 NEL and U+202E in the serial escaped");
		ztp_val_unref(cap);
	}
	/* colours and the IOS pager's backspaces */
	{
		static const char t[] =
			"\x1b[1mCisco IOS Software\x1b[0m, C800 Software (C800-UNIVERSALK9-M), Version 15.4(3)M\n"
			" --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\br9 uptime is 2 days\n"
			"cisco C891F-K9 (revision 1.0) with 488524K/35763K bytes of memory.\x7f\n";

		cap = parse("cisco_ios", NULL, t, &rc, &e);
		is_int(rc, 0, "ansi: parses");
		is_str(ztp_map_str(cap, "version"), "15.4(3)M", "ansi: colour codes go");
		is_str(ztp_map_str(cap, "hostname"), "r9", "ansi: backspaces erase the pager prompt");
		is_str(ztp_map_str(cap, "model"), "C891F-K9", "ansi: DEL goes");
		is_str(ztp_facts_detect_platform(t, sizeof(t) - 1, NULL), "cisco_ios",
		       "ansi: recognised through the colours");
		ztp_val_unref(cap);
	}
	/* the same output cut from a transcript, where control bytes are
	 * stored escaped (lib/fleet.h) */
	{
		static const char t[] =
			"\\x1b[1mCisco IOS Software\\x1b[0m, C800 Software (C800-UNIVERSALK9-M), Version 15.4(3)M\n"
			" --More-- \\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08          "
			"\\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08r9 uptime is 2 days\n"
			"cisco C891F-K9 (revision 1.0) with 488524K/35763K bytes of memory.\\x7f\n";

		cap = parse("cisco_ios", NULL, t, &rc, &e);
		is_int(rc, 0, "escaped transcript: parses");
		is_str(ztp_map_str(cap, "version"), "15.4(3)M", "escaped transcript: colour codes go");
		is_str(ztp_map_str(cap, "hostname"), "r9", "escaped transcript: backspaces erase");
		is_str(ztp_map_str(cap, "model"), "C891F-K9", "escaped transcript: DEL goes");
		ztp_val_unref(cap);
	}
	ztp_val_unref(plain);
}

static const char inv[] =
	"NAME: \"Chassis\", DESCR: \"Cisco ASR920 Series - 24GE and 4-10GE - Modular\"\n"
	"PID: ASR-920-24SZ-M    , VID: V01  , SN: CAT1234X5YZ\n"
	"\n"
	"NAME: \"Power Supply Module 0\", DESCR: \"ASR 920 AC Power Supply, with commas\"\n"
	"PID: ASR-920-PWR-A      , VID: V01  , SN: ART2222A0B1\n"
	"\n"
	"NAME: \"subslot 0/0 transceiver 1\", DESCR: \"GE T\"\n"
	"PID: GLC-TE               , VID: V01  , SN: N/A\n";

static void test_inventory_merge(void)
{
	static const char ver[] =
		"Cisco IOS XE Software, Version 17.09.04a\n"
		"Cisco IOS Software [Cupertino], ASR920 Software (PPC_LINUX_IOSD-UNIVERSALK9_NPE-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)\n"
		"pe1 uptime is 3 days\n"
		"cisco ASR-920-24SZ-M (Freescale P2020) processor (revision 1.0) with 700000K/6147K bytes of memory.\n"
		"Processor board ID CAT1234X5YZ\n";
	struct ztp_val *f = ztp_facts_new();
	struct ztp_err e;

	is_int(ztp_facts_parse("cisco_iosxe", "show version", ver, strlen(ver), f, &e), 0,
	       "merge: show version");
	is_int(ztp_facts_parse("cisco_iosxe", NULL, inv, strlen(inv), f, &e), 0,
	       "merge: show inventory recognised");
	is_str(ztp_map_str(f, "os"), "ios-xe", "merge: os");
	is_str(ztp_map_str(f, "version"), "17.9.4a", "merge: the IOS line's version");
	is_str(ztp_map_str(f, "serial"), "CAT1234X5YZ", "merge: serial");
	is_int(nmods(f), 2, "merge: the chassis is no module, the rest are");
	is_str(mod_str(f, 0, "descr"), "ASR 920 AC Power Supply, with commas",
	       "inventory: a quoted DESCR keeps its commas");
	is_str(mod_str(f, 0, "hw_rev"), "V01", "inventory: VID is hw_rev");
	ok(mod_str(f, 1, "serial") == NULL, "inventory: N/A serial is null");
	is_str(mod_str(f, 1, "model"), "GLC-TE", "inventory: the transceiver's PID");
	/* the same inventory again adds nothing with a serial twice */
	is_int(ztp_facts_parse("cisco_iosxe", "show inventory", inv, strlen(inv), f, &e), 0,
	       "merge: inventory again");
	is_int(nmods(f), 3, "merge: modules with a serial are not duplicated");
	ztp_val_unref(f);
}

static void test_junos(void)
{
	static const char ver[] =
		"{master:0}\n"
		"user@mx-edge-1> show version\n"
		"Hostname: mx-edge-1\n"
		"Model: mx204\n"
		"Junos: 21.4R3-S3.4\n"
		"JUNOS OS Kernel 64-bit  [20220825.064945_builder_stable_12]\n";
	static const char hw[] =
		"Hardware inventory:\n"
		"Item             Version  Part number  Serial number     Description\n"
		"Chassis                                JN123456AB        MX204\n"
		"Routing Engine 0          BUILTIN      BUILTIN           RE-S-1600x8\n"
		"FPC 0                     BUILTIN      BUILTIN           MPC\n"
		"  PIC 1                   BUILTIN      BUILTIN           8XSFPP PIC\n"
		"    Xcvr 0       REV 01   740-021308   AS1234XY          SFP+-10G-SR\n"
		"Fan Tray 0                                               Fan Tray\n";
	struct ztp_val *f = ztp_facts_new();
	struct ztp_err e;

	is_int(ztp_facts_parse("juniper_junos", NULL, ver, strlen(ver), f, &e), 0, "junos: version");
	is_int(ztp_facts_parse("juniper_junos", NULL, hw, strlen(hw), f, &e), 0, "junos: hardware");
	is_str(ztp_map_str(f, "hostname"), "mx-edge-1", "junos: hostname");
	{
		static const char v2[] = "{master:0}\nops@core-2> show version\nModel: ex4300-48t\nJunos: 20.4R3.8\n";
		struct ztp_val *g = ztp_facts_new();

		is_int(ztp_facts_parse("juniper_junos", NULL, v2, strlen(v2), g, &e), 0,
		       "junos: echo after the {master:0} line");
		is_str(ztp_map_str(g, "hostname"), "core-2", "junos: the prompt's host");
		ztp_val_unref(g);
	}
	is_str(ztp_map_str(f, "version"), "21.4R3-S3.4", "junos: version");
	is_str(ztp_map_str(f, "model"), "mx204", "junos: the first command's model stays");
	is_str(ztp_map_str(f, "serial"), "JN123456AB", "junos: chassis serial");
	is_int(nmods(f), 5, "junos: every other item is a module");
	ok(mod_str(f, 0, "serial") == NULL, "junos: BUILTIN is no serial");
	is_str(mod_str(f, 3, "serial"), "AS1234XY", "junos: transceiver serial");
	is_str(mod_str(f, 3, "slot"), "0/1/0", "junos: slot path FPC/PIC/Xcvr");
	is_str(mod_str(f, 3, "model"), "740-021308", "junos: part number is the model");
	is_str(mod_str(f, 3, "hw_rev"), "REV 01", "junos: version is hw_rev");
	is_str(mod_str(f, 4, "name"), "Fan Tray 0", "junos: item names with blanks");
	ztp_val_unref(f);
}

static void test_eos_vrp(void)
{
	static const char eos[] =
		"Arista DCS-7050SX3-48YC8-R\n"
		"Hardware version: 11.00\n"
		"Serial number: JPE20001234\n"
		"Hardware MAC address: 444c.a8aa.bbcc\n"
		"System MAC address: 444c.a8aa.bbcc\n"
		"\n"
		"Software image version: 4.28.3M\n";
	static const char vrp[] =
		"<PE-7>display version\n"
		"Huawei Versatile Routing Platform Software\n"
		"VRP (R) software, Version 8.180 (NE8000 V800R012C10SPC300)\n"
		"Copyright (C) 2012-2020 Huawei Technologies Co., Ltd.\n"
		"HUAWEI NE8000 M8 uptime is 12 days, 3 hours, 1 minute\n";
	static const char elabel[] =
		"[Slot_1]\n"
		"/$[Board Integration Version]\n"
		"/$BoardIntegrationVersion=3.0\n"
		"[Board Properties]\n"
		"BoardType=CR5D00E4XF90\n"
		"BarCode=030QFD10B1000123\n"
		"Item=03030QFD\n"
		"Description=Function Module,CR5D00E4XF90,4-Port 10GBase LAN/WAN-SFP+\n";
	struct ztp_val *f;
	struct ztp_err e;
	int rc;

	f = parse("arista_eos", NULL, eos, &rc, &e);
	is_int(rc, 0, "eos: show version");
	is_str(ztp_map_str(f, "model"), "DCS-7050SX3-48YC8-R", "eos: model");
	is_str(ztp_map_str(f, "serial"), "JPE20001234", "eos: serial");
	is_str(ztp_map_str(f, "version"), "4.28.3M", "eos: version");
	ok(ztp_map_get(f, "hostname")->type == ZTP_V_NULL, "eos: no hostname is null");
	ztp_val_unref(f);

	f = parse("huawei_vrp", NULL, vrp, &rc, &e);
	is_int(rc, 0, "vrp: display version");
	is_str(ztp_map_str(f, "version"), "V800R012C10SPC300", "vrp: product version");
	is_str(ztp_map_str(f, "model"), "NE8000", "vrp: model");
	is_str(ztp_map_str(f, "hostname"), "PE-7", "vrp: hostname from the echoed prompt");
	is_int(ztp_facts_parse("huawei_vrp", "disp elabel", elabel, strlen(elabel), f, &e), 0,
	       "vrp: display elabel");
	is_str(ztp_map_str(f, "serial"), "030QFD10B1000123",
	       "vrp: elabel of a box without a chassis label: the main board is the box");
	is_str(ztp_map_str(f, "model"), "NE8000", "vrp: the model stays display version's");
	ztp_val_unref(f);
	{
		static const char el2[] =
			"/$[System Integration Version]\n"
			"/$SystemIntegrationVersion=3.0\n"
			"\n"
			"[Slot_0]\n"
			"/$[Board Integration Version]\n"
			"/$BoardIntegrationVersion=3.0\n"
			"\n"
			"[Main_Board]\n"
			"\n"
			"[Board Properties]\n"
			"BoardType=S5720-28X-SI-AC\n"
			"BarCode=2102358ABCDEF0000001\n"
			"Item=02358XXX\n"
			"Description=S5720-28X-SI-AC(24 Ethernet 10/100/1000 ports,4 10 Gig SFP+)\n"
			"\n"
			"[Slot_1]\n"
			"[Main_Board]\n"
			"[Board Properties]\n"
			"BoardType=S5720-28X-SI-AC\n"
			"BarCode=2102358ABCDEF0000002\n"
			"[Port_1]\n"
			"[Board Properties]\n"
			"BoardType=SFP-10G-SR\n"
			"BarCode=INH123456\n";

		f = parse("huawei_vrp", NULL, el2, &rc, &e);
		is_int(rc, 0, "vrp elabel (stack): parses");
		is_str(ztp_map_str(f, "serial"), "2102358ABCDEF0000001", "vrp elabel: slot 0 is the box");
		is_str(ztp_map_str(f, "model"), "S5720-28X-SI-AC", "vrp elabel: its board type the model");
		is_int(nmods(f), 2, "vrp elabel: the other member and the optic are modules");
		is_str(mod_str(f, 0, "slot"), "1", "vrp elabel: member slot");
		is_str(mod_str(f, 1, "name"), "Port_1", "vrp elabel: the optic's section names it");
		is_str(mod_str(f, 1, "serial"), "INH123456", "vrp elabel: optic bar code");
		ztp_val_unref(f);
	}
	{
		static const char esn[] =
			"<sw-9>display esn\r\n"
			"ESN of slot 0: 2102358ABCDEF0000001\r\n"
			"ESN of slot 1: 2102358ABCDEF0000002\r\n";
		static const char snl[] = " ESN of device: 21500104792SM8504636";

		f = parse("huawei_vrp", NULL, esn, &rc, &e);
		is_int(rc, 0, "vrp esn: parses");
		is_str(ztp_map_str(f, "serial"), "2102358ABCDEF0000001", "vrp esn: slot 0 is the device");
		is_str(mod_str(f, 0, "slot"), "1", "vrp esn: slot 1 a member");
		is_str(mod_str(f, 0, "serial"), "2102358ABCDEF0000002", "vrp esn: its ESN");
		ztp_val_unref(f);
		f = parse("huawei_vrp", "display sn license", snl, &rc, &e);
		is_int(rc, 0, "vrp sn license: parses");
		is_str(ztp_map_str(f, "serial"), "21500104792SM8504636", "vrp sn license: ESN of device");
		ztp_val_unref(f);
	}
}

static void test_detect(void)
{
	static const char nx[] = "Cisco Nexus Operating System (NX-OS) Software\n";

	is_str(ztp_facts_detect_platform(NULL, 0, "SSH-2.0-Cisco-1.25"), "cisco_ios", "banner: Cisco");
	is_str(ztp_facts_detect_platform(NULL, 0, "SSH-1.99-HUAWEI-1.5"), "huawei_vrp", "banner: Huawei");
	is_str(ztp_facts_detect_platform(NULL, 0, "JUNOS login\r\nSSH-2.0-OpenSSH_7.5"),
	       "juniper_junos", "banner: OpenSSH with a JunOS hint");
	ok(ztp_facts_detect_platform(NULL, 0, "SSH-2.0-OpenSSH_9.2p1 Debian-2") == NULL,
	   "banner: a plain OpenSSH tells nothing");
	is_str(ztp_facts_detect_platform(nx, strlen(nx), "SSH-2.0-Cisco-1.25"), "cisco_nxos",
	       "text beats banner");
	is_str(ztp_facts_detect_platform(ios_ver, strlen(ios_ver), NULL), "cisco_ios", "text: IOS");
	is_str(ztp_facts_detect_platform(inv, strlen(inv), NULL), "cisco_ios",
	       "text: a Cisco inventory alone");
	is_str(ztp_facts_detect_command("cisco_ios", inv, strlen(inv)), "show inventory",
	       "command: inventory");
	is_str(ztp_facts_detect_command("cisco_ios", ios_ver, strlen(ios_ver)), "show version",
	       "command: version");
	ok(ztp_facts_detect_command("cisco_ios", "hello\n", 6) == NULL, "command: unknown text");
	ok(ztp_facts_platform_valid("arista_eos") && !ztp_facts_platform_valid("eos"),
	   "platform names");
	{
		int req = -1, req2 = -1;

		is_str(ztp_facts_command("juniper_junos", 0, &req), "show version",
		       "commands: JunOS first runs show version");
		ok(req == 1, "commands: which must answer");
		is_str(ztp_facts_command("juniper_junos", 1, &req2), "show chassis hardware",
		       "commands: then show chassis hardware");
		ok(req2 == 0, "commands: which a box may lack");
		ok(ztp_facts_command("juniper_junos", 2, NULL) == NULL, "commands: and no more");
		is_str(ztp_facts_command("huawei_vrp", 3, NULL), "display elabel",
		       "commands: VRP reads its elabel");
		ok(ztp_facts_command("x", 0, NULL) == NULL, "commands: unknown platform");
		is_str(ztp_facts_command("cisco_ios", 2, &req), "show module",
		       "commands: IOS falls back to show module");
		ok(req == ZTP_FACTS_FALLBACK, "commands: only where show inventory failed");
		is_str(ztp_facts_command("cisco_xr", 2, &req), "show diag details",
		       "commands: IOS-XR falls back to show diag details");
		is_str(ztp_facts_command("cisco_nxos", 2, &req), "show module",
		       "commands: NX-OS to show module");
	}
}

/* issue 17: facts that are right, not merely present */
static void test_precision(void)
{
	static const char masked[] =
		"NAME: \"Chassis\", DESCR: \"Cisco ISR4331 Chassis\"\n"
		"PID: ISR4331/K9       , VID: V04  , SN: ***********\n\n"
		"NAME: \"Power Supply Module 0\", DESCR: \"250W AC Power Supply for Cisco ISR 4330\"\n"
		"PID: PWR-4330-AC      , VID: V02  , SN: XXXXXXXXXXX\n\n"
		"NAME: \"Power Supply Module 1\", DESCR: \"250W AC Power Supply for Cisco ISR 4330\"\n"
		"PID: PWR-4330-AC      , VID: V02  , SN: XXXXXXXXXXX\n\n"
		"NAME: \"module 0\", DESCR: \"Cisco ISR4331 Built-In NIM controller\"\n"
		"PID: ISR4331/K9       , VID:      , SN: FDO2107A0QL****\n";
	static const char one[] =
		"rtr#show inventory \"Power Supply Module 0\"\n"
		"NAME: \"Power Supply Module 0\", DESCR: \"250W AC Power Supply for Cisco ISR 4330\"\n"
		"PID: PWR-4330-AC      , VID: V02  , SN: DCA2104X1BB\n";
	static const char hw[] =
		"Hardware inventory:\n"
		"Item             Version  Part number  Serial number     Description\n"
		"Chassis                                CV4718AF0441      SRX300\n"
		"Routing Engine 0 REV 0x10 650-061152   CV4718AF0441      RE-SRX300\n"
		"  da0     7695 MB  8GB eMMC              0x55b1f0c0       eMMC\n"
		"  DIMM 0         SGU04G72H1BD2SA-BB DIE REV-0 PCB REV-0  MFR ID-ce80\n"
		"FPC 0            REV 05   711-061263   CV4718AF0441ABCDE FPC\n"
		"  Jedec Code:   0x7fb0            EEPROM Version:    0x02\n"
		"  Address 0x00: 7f b0 02 ff 0b c4 00 00 00 00 00 00 00 00 00 00\n"
		"  PIC 0                   BUILTIN      BUILTIN           6xGE,2xGE SFP Base PIC\n"
		"Fan Tray 0                             Fan Tray, Front to Back Airflow\n";
	struct ztp_err e;
	int rc;
	struct ztp_val *f = parse("cisco_iosxe", NULL, masked, &rc, &e);

	is_int(rc, 0, "masked: parsed");
	ok(ztp_map_str(f, "serial") == NULL, "masked: a masked chassis serial is unknown");
	is_str(ztp_map_str(f, "model"), "ISR4331/K9", "masked: the chassis model stays");
	is_int(nmods(f), 3, "masked: the modules stay distinct");
	ok(mod_str(f, 1, "serial") == NULL && mod_str(f, 2, "serial") == NULL,
	   "masked: XXXXXXXXXXX and FDO2107A0QL**** are no serials");
	ztp_val_unref(f);

	f = parse("cisco_iosxe", NULL, one, &rc, &e);
	is_int(rc, 0, "one entry: parsed");
	ok(ztp_map_str(f, "serial") == NULL && ztp_map_str(f, "model") == NULL,
	   "one entry: a power supply is no chassis");
	is_str(mod_str(f, 0, "serial"), "DCA2104X1BB", "one entry: it is a module");
	ztp_val_unref(f);

	f = parse("juniper_junos", NULL, hw, &rc, &e);
	is_int(rc, 0, "junos detail: parsed");
	is_int(nmods(f), 4, "junos detail: disks, memory and EEPROM lines are no modules");
	is_str(mod_str(f, 0, "model"), "650-061152", "junos: a version behind a full name, then the part");
	is_str(mod_str(f, 0, "hw_rev"), "REV 0x10", "junos: the version");
	is_str(mod_str(f, 1, "serial"), "CV4718AF0441ABCDE", "junos: a serial filling its column");
	is_str(mod_str(f, 1, "descr"), "FPC", "junos: the description after one blank");
	ok(mod_str(f, 3, "serial") == NULL, "junos: a description starting left of its column is no serial");
	is_str(mod_str(f, 3, "descr"), "Fan Tray, Front to Back Airflow", "junos: it is the description");
	ztp_val_unref(f);
}

static void test_errors(void)
{
	struct ztp_val *f;
	struct ztp_err e;
	int rc;

	f = parse("cisco_foo", NULL, ios_ver, &rc, &e);
	is_int(rc, ZTP_ERR_USAGE, "unknown platform");
	like(e.msg, "unknown platform 'cisco_foo'", "message names it");
	ztp_val_unref(f);
	f = parse("cisco_ios", "show chassis hardware", ios_ver, &rc, &e);
	is_int(rc, ZTP_ERR_USAGE, "a command the platform has not");
	like(e.msg, "show chassis hardware", "message names the command");
	ztp_val_unref(f);
	f = parse("cisco_ios", NULL, "% Invalid input detected at '^' marker.\n", &rc, &e);
	is_int(rc, ZTP_ERR_PARSE, "an error message is no output");
	ztp_val_unref(f);
	f = parse("cisco_ios", NULL, "Hostname: r1\nModel: mx480\nJunos: 19.4R3.11\n", &rc, &e);
	is_int(rc, ZTP_ERR_PARSE, "the wrong platform: JunOS output given as cisco_ios");
	like(e.msg, "looks like juniper_junos output", "the message says what it looks like");
	ok(ztp_map_get(f, "model")->type == ZTP_V_NULL, "and no facts taken from it");
	ztp_val_unref(f);
	f = parse("juniper_junos", "show version", "\n\n", &rc, &e);
	is_int(rc, ZTP_ERR_PARSE, "empty output: nothing found");
	ok(ztp_map_get(f, "serial") != NULL, "the schema is filled in even then");
	ztp_val_unref(f);
	{
		size_t big = ZTP_FACTS_MAX_INPUT + 1;
		char *t = calloc(1, big + 1);

		memset(t, 'x', big);
		f = ztp_facts_new();
		rc = ztp_facts_parse("cisco_ios", NULL, t, big, f, &e);
		is_int(rc, ZTP_ERR_LIMIT, "input over the limit");
		ztp_val_unref(f);
		free(t);
	}
}


static void test_more(void)
{
	static const char isr_ver[] =
		"Cisco IOS XE Software, Version 16.09.05\n"
		"Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc1)\n"
		"br-7 uptime is 1 week\n"
		"cisco ISR4331/K9 (1RU) processor with 1795979K/6147K bytes of memory.\n"
		"Processor board ID FLM2233W0AB\n";
	static const char isr_inv[] =
		"br-7#show inventory\n"
		"NAME: \"Chassis\", DESCR: \"Cisco ISR4331 Chassis\"\n"
		"PID: ISR4331/K9        , VID: V04  , SN: FDO22340XYZ\n";
	static const char cluster[] =
		"node0:\n"
		"--------------------------------------------------------------------------\n"
		"Hardware inventory:\n"
		"Item             Version  Part number  Serial number     Description\n"
		"Chassis                                DB1234AA0001      SRX1500\n"
		"PEM 0            REV 04   740-041741   1EDL30100AB       PS 400W 90-264V AC in\n"
		"\n"
		"node1:\n"
		"--------------------------------------------------------------------------\n"
		"Hardware inventory:\n"
		"Item             Version  Part number  Serial number     Description\n"
		"Chassis                                DB1234AA0002      SRX1500\n"
		"PEM 0            REV 04   740-041741   1EDL30100CD       PS 400W 90-264V AC in\n";
	static const char eos_inv[] =
		"System information\n"
		" Model                    Description\n"
		" ------------------------ ----------------------------------------------------\n"
		" DCS-7280SR-48C6-M 48x10GE (SFP+) & 6x100GE (QSFP100) switch\n"
		" HW Version  Serial Number  Mfg Date\n"
		" ----------- -------------- ----------\n"
		" 11.01 JPE17112233 2017-03-20\n"
		"System has 2 power supply slots\n"
		" Slot Model Serial Number\n"
		" ---- ---------------- ----------------\n"
		" 1 PWR-500AC-R EEWT1234567\n"
		" 2 Not Inserted\n"
		"System has 54 transceiver slots\n"
		" Port Manufacturer Model Serial Number Rev\n"
		" ---- ---------------- ---------------- ---------------- ----\n"
		" 49 Arista Networks QSFP-100G-SR4 XKA1712345 20\n";
	static const char vrp_dev[] =
		"<ce-1>display device\n"
		"CE6850-48S4Q-EI's Device status:\n"
		"--------------------------------------------------------------------------------------\n"
		"Slot  Card   Type                Online   Power Register     Alarm     Primary\n"
		"--------------------------------------------------------------------------------------\n"
		"1     -      CE6850-48S4Q-EI     Present  On    Registered   Normal    Master\n"
		"      FAN1   FAN-40SA-B          Present  On    Registered   Normal    NA\n"
		"2     -      *CE6850-48S4Q-EI    Offline  -     Unregistered -         NA\n"
		"--------------------------------------------------------------------------------------\n";
	struct ztp_val *f;
	struct ztp_err e;
	int rc;

	{
		static const char xr7[] =
			"RP/0/RP0/CPU0:ncs540-3#show version\r\n"
			"Tue Nov 24 01:02:03.456 UTC\r\n"
			"Cisco IOS XR Software, Version 7.3.2\r\n"
			"Copyright (c) 2013-2021 by Cisco Systems, Inc.\r\n"
			"\r\n"
			"Build Information:\r\n"
			" Built By     : ingunawa\r\n"
			" Version      : 7.3.2\r\n"
			"\r\n"
			"cisco NCS-540 () processor\r\n"
			"System uptime is 3 weeks 2 days 1 hour 9 minutes\r\n";

		f = parse("cisco_xr", NULL, xr7, &rc, &e);
		is_int(rc, 0, "xr7: parses");
		is_str(ztp_map_str(f, "version"), "7.3.2", "xr7: version");
		is_str(ztp_map_str(f, "model"), "NCS-540", "xr7: model");
		is_str(ztp_map_str(f, "hostname"), "ncs540-3",
		       "xr7: 'System uptime' is no host; the prompt names it");
		is_str(ztp_facts_detect_platform(xr7, strlen(xr7), NULL), "cisco_xr", "xr7: recognised");
		ztp_val_unref(f);
	}
	f = parse("cisco_iosxe", NULL, isr_ver, &rc, &e);
	is_str(ztp_map_str(f, "serial"), "FLM2233W0AB", "isr: board id from show version");
	is_int(ztp_facts_parse("cisco_iosxe", NULL, isr_inv, strlen(isr_inv), f, &e), 0, "isr: inventory");
	is_str(ztp_map_str(f, "serial"), "FDO22340XYZ", "isr: the chassis serial replaces the board id");
	is_str(ztp_map_str(f, "model"), "ISR4331/K9", "isr: model");
	is_str(ztp_map_str(f, "hostname"), "br-7", "isr: hostname from show version, not the prompt");
	ztp_val_unref(f);

	f = parse("juniper_junos", NULL, cluster, &rc, &e);
	is_int(rc, 0, "srx cluster: parses");
	is_str(ztp_map_str(f, "serial"), "DB1234AA0001", "srx cluster: node0 is the device");
	is_int(nmods(f), 3, "srx cluster: node1's chassis and both PEMs are modules");
	is_str(mod_str(f, 1, "serial"), "DB1234AA0002", "srx cluster: node1's chassis serial");
	is_str(mod_str(f, 1, "slot"), "node1", "srx cluster: its slot is the node");
	is_str(mod_str(f, 2, "slot"), "node1/0", "srx cluster: node1's PEM 0 is node1/0");
	ztp_val_unref(f);

	f = parse("arista_eos", NULL, eos_inv, &rc, &e);
	is_int(rc, 0, "eos inventory: parses");
	is_str(ztp_map_str(f, "model"), "DCS-7280SR-48C6-M", "eos inventory: model");
	is_str(ztp_map_str(f, "serial"), "JPE17112233", "eos inventory: serial");
	is_int(nmods(f), 2, "eos inventory: an empty slot is no module");
	is_str(mod_str(f, 0, "serial"), "EEWT1234567", "eos inventory: power supply serial");
	is_str(mod_str(f, 1, "descr"), "Arista Networks", "eos inventory: a manufacturer with a blank");
	is_str(mod_str(f, 1, "model"), "QSFP-100G-SR4", "eos inventory: transceiver model");
	is_str(mod_str(f, 1, "hw_rev"), "20", "eos inventory: transceiver rev");
	ztp_val_unref(f);

	f = parse("huawei_vrp", NULL, vrp_dev, &rc, &e);
	is_int(rc, 0, "vrp device: parses");
	is_str(ztp_map_str(f, "model"), "CE6850-48S4Q-EI", "vrp device: model from the title");
	is_int(nmods(f), 3, "vrp device: three boards");
	is_str(mod_str(f, 1, "slot"), "1", "vrp device: a card row keeps its slot");
	is_str(mod_str(f, 1, "name"), "FAN1", "vrp device: the card column names it");
	is_str(mod_str(f, 2, "model"), "CE6850-48S4Q-EI", "vrp device: '*' (configured) is no part of the type");
	is_str(ztp_map_str(f, "hostname"), "ce-1", "vrp device: hostname from the prompt");
	ztp_val_unref(f);
}

int main(void)
{
	test_more();
	test_ios_stack();
	test_capture();
	test_inventory_merge();
	test_junos();
	test_eos_vrp();
	test_detect();
	test_errors();
	test_precision();
	return done_testing();
}
