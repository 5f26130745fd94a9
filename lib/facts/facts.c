/* facts.c: cleaning of captured output, platform and command recognition,
 * and the dispatch to the per-vendor parsers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "facts-int.h"
#include "str.h"

const char *const ztp_facts_platforms[] = {
	"cisco_ios", "cisco_iosxe", "cisco_xr", "cisco_nxos",
	"juniper_junos", "arista_eos", "huawei_vrp", NULL,
};

/* One platform: its names, and the commands its parsers read, in the order
 * ztp-probe runs them live.  A required command must answer and parse; the
 * others a box may lack (refused, or nothing recognisable in the output).
 * A fallback runs only when the command it backs up (the nearest one
 * before it that is none) failed, until one of them parses. */
struct fx_pcmd {
	const char *name;	/* canonical */
	enum fx_cmd cmd;
	fx_parser *parse;
	int flags;		/* ZTP_FACTS_REQUIRED, ZTP_FACTS_FALLBACK */
};

#define REQ ZTP_FACTS_REQUIRED
#define FB ZTP_FACTS_FALLBACK

/* a chassis switch answers show module, a router show license udi */
static const struct fx_pcmd cmds_ios[] = {
	{ "show version", FX_VERSION, fx_cisco_version, REQ },
	{ "show inventory", FX_INVENTORY, fx_cisco_inventory, 0 },
	{ "show module", FX_MODULE, fx_cisco_module, FB },
	{ "show license udi", FX_UDI, fx_cisco_udi, FB },
	{ "show platform", FX_PLATFORM, fx_cisco_module, FB },
	{ NULL, FX_NONE, NULL, 0 },
};
static const struct fx_pcmd cmds_xr[] = {
	{ "show version", FX_VERSION, fx_cisco_version, REQ },
	{ "show inventory", FX_INVENTORY, fx_cisco_inventory, 0 },
	{ "show diag details", FX_DIAG, fx_xr_diag, FB },
	{ "admin show diag chassis", FX_DIAG, fx_xr_diag, FB },
	{ "show platform", FX_PLATFORM, fx_cisco_module, FB },
	{ NULL, FX_NONE, NULL, 0 },
};
static const struct fx_pcmd cmds_nxos[] = {
	{ "show version", FX_VERSION, fx_cisco_version, REQ },
	{ "show inventory", FX_INVENTORY, fx_cisco_inventory, 0 },
	{ "show module", FX_MODULE, fx_cisco_module, FB },
	{ NULL, FX_NONE, NULL, 0 },
};
static const struct fx_pcmd cmds_junos[] = {
	{ "show version", FX_VERSION, fx_junos_version, REQ },
	{ "show chassis hardware", FX_CHASSIS_HW, fx_junos_chassis, 0 },
	{ NULL, FX_NONE, NULL, 0 },
};
static const struct fx_pcmd cmds_eos[] = {
	{ "show version", FX_VERSION, fx_eos_version, REQ },
	{ "show inventory", FX_INVENTORY, fx_eos_inventory, 0 },
	{ NULL, FX_NONE, NULL, 0 },
};
/* the ESN (the device's serial) before the elabel, whose boards then are
 * modules (a fixed box labels its main board with the ESN) */
static const struct fx_pcmd cmds_vrp[] = {
	{ "display version", FX_VERSION, fx_vrp_version, REQ },
	{ "display device", FX_DEVICE, fx_vrp_device, 0 },
	{ "display esn", FX_ESN, fx_vrp_esn, 0 },
	{ "display elabel", FX_ELABEL, fx_vrp_elabel, 0 },
	{ NULL, FX_NONE, NULL, 0 },
};

static const struct {
	const char *name, *vendor, *os;
	const struct fx_pcmd *cmds;
} plats[] = {
	{ "cisco_ios", "cisco", "ios", cmds_ios },
	{ "cisco_iosxe", "cisco", "ios-xe", cmds_ios },
	{ "cisco_xr", "cisco", "ios-xr", cmds_xr },
	{ "cisco_nxos", "cisco", "nx-os", cmds_nxos },
	{ "juniper_junos", "juniper", "junos", cmds_junos },
	{ "arista_eos", "arista", "eos", cmds_eos },
	{ "huawei_vrp", "huawei", "vrp", cmds_vrp },
};
#define NPLATS (sizeof(plats) / sizeof(plats[0]))

static int plat_index(const char *p)
{
	size_t i;

	if (p == NULL)
		return -1;
	for (i = 0; i < NPLATS; i++)
		if (strcmp(plats[i].name, p) == 0)
			return (int)i;
	return -1;
}

int ztp_facts_platform_valid(const char *platform)
{
	return plat_index(platform) >= 0;
}

int ztp_facts_platform_check(const char *platform, struct ztp_err *e)
{
	const char *dym;

	if (plat_index(platform) >= 0)
		return 0;
	dym = ztp_did_you_mean(platform, ztp_facts_platforms);
	return ztp_err_set(e, ZTP_ERR_USAGE, "unknown platform '%s'%s%s%s", ztp_esc(platform),
			   dym ? ": did you mean '" : "", dym ? dym : "", dym ? "'?" : "");
}

const char *ztp_facts_command(const char *platform, size_t i, int *flags)
{
	const struct fx_pcmd *c;
	int pi = plat_index(platform);
	size_t k;

	if (pi < 0)
		return NULL;
	for (c = plats[pi].cmds, k = 0; c->name && k < i; c++, k++)
		;
	if (c->name && flags)
		*flags = c->flags;
	return c->name;
}

/* ------------------------------------------------------------ cleaning */

/* An echoed command: "show ...", "display ...", possibly after a prompt
 * ("R1#", "<HUAWEI>", "user@host> ", "[~HUAWEI]").  On a match the host
 * part of the prompt goes to host. */
static int echo_line(const char *s, size_t n, char *host, size_t hostsz)
{
	static const char *const verbs[] = {
		"show ", "sh ", "display ", "dis ", "disp ", "admin show ", NULL,
	};
	const char *p = s, *cmd = s, *hs = NULL, *he = NULL;
	size_t i, k;

	fx_trim(&p, &n);
	s = p;
	/* a prompt ends at the first '#' or '>' (or ']' for VRP) */
	for (i = 0; i < n && i < 128; i++) {
		char c = p[i];

		if (c == '#' || c == '>' || c == ']' || c == '%' || c == '$') {
			if (i + 1 < n && p[i + 1] != ' ' && c != '#' && c != '>' && c != ']')
				continue;
			cmd = p + i + 1;
			hs = p;
			he = p + i;
			break;
		}
		if (c == ' ')
			break;
	}
	k = n - (size_t)(cmd - s);
	while (k > 0 && fx_is_blank((unsigned char)*cmd)) {
		cmd++;
		k--;
	}
	for (i = 0; verbs[i]; i++)
		if (fx_starts(cmd, k, verbs[i]))
			break;
	if (verbs[i] == NULL)
		return 0;
	if (hs && host) {
		/* "<HUAWEI>", "[~HUAWEI]", "user@host>", "RP/0/RSP0/CPU0:host#",
		 * "host(config)#" */
		while (hs < he && (*hs == '<' || *hs == '[' || *hs == '~' || *hs == '*'))
			hs++;
		for (p = hs; p < he; p++)
			if (*p == '@' || *p == ':')
				hs = p + 1;
		for (p = hs; p < he; p++)
			if (*p == '(') {
				he = p;
				break;
			}
		fx_cpy(host, hostsz, hs, (size_t)(he - hs));
	}
	return 1;
}

/* The control byte at src[i], raw or as a transcript stores it escaped
 * ("\x1b", lib/fleet.h), so that an output cut from a transcript parses
 * as the live one: its length in *len. */
static unsigned char ctl_at(const char *src, size_t n, size_t i, size_t *len)
{
	int hi, lo;

	*len = 1;
	if (src[i] == '\\' && n - i >= 4 && src[i + 1] == 'x' &&
	    (hi = ztp_hexval((unsigned char)src[i + 2])) >= 0 &&
	    (lo = ztp_hexval((unsigned char)src[i + 3])) >= 0 &&
	    (hi < 2 || (hi == 7 && lo == 15))) {
		*len = 4;
		return (unsigned char)(hi << 4 | lo);
	}
	return (unsigned char)src[i];
}

/* a prompt alone on its line: one word ending in '#' or '>' ("R1#",
 * "user@host>", "RP/0/RSP0/CPU0:pe1#", "<HUAWEI>", "[~HUAWEI]"), or
 * JunOS's "{master}" */
static int bare_prompt(const char *s, size_t n)
{
	if (fx_word(s, n, NULL) != n || n < 2)
		return 0;
	if (s[0] == '{' && s[n - 1] == '}')
		return 1;
	return s[n - 1] == '#' || s[n - 1] == '>' || (s[0] == '[' && s[n - 1] == ']');
}

/* What a terminal would show: escape sequences (colours, erase line) and
 * DEL go, a backspace erases the byte before it, NUL and other control
 * bytes are blanks; control bytes stored escaped count as such.  Returns
 * the new length (at most n); dst gets a NUL. */
static size_t clean(char *dst, const char *src, size_t n)
{
	size_t i = 0, o = 0, l;

	while (i < n) {
		unsigned char c = ctl_at(src, n, i, &l);

		if (c == 0x1b) {
			i += l;
			if (i < n && src[i] == '[') {	/* CSI: parameters, final byte */
				i++;
				while (i < n && !((unsigned char)src[i] >= 0x40 &&
						  (unsigned char)src[i] <= 0x7e))
					i++;
			}
			if (i < n)
				i++;
			continue;
		}
		i += l;
		if (c == '\b') {
			if (o > 0 && dst[o - 1] != '\n')
				o--;
		} else if (c == 0x7f) {
			continue;
		} else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
			dst[o++] = ' ';
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = 0;
	return o;
}

static void text_free(struct fx_text *t)
{
	free(t->buf);
	free(t->l);
	memset(t, 0, sizeof(*t));
}

static int text_load(struct fx_text *t, const char *text, size_t len,
		     struct ztp_err *e)
{
	size_t i, start, nl = 0, cap = 64, minind = (size_t)-1, first = 0;
	char *b;

	memset(t, 0, sizeof(*t));
	if (len > ZTP_FACTS_MAX_INPUT)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot parse output: %zu bytes is over the limit of %zu",
				   len, ZTP_FACTS_MAX_INPUT);
	b = ztp_xmalloc(len + 1);
	len = clean(b, text, len);
	t->buf = b;
	t->len = len;
	t->l = ztp_xcalloc(cap, sizeof(*t->l));
	start = 0;
	for (i = 0; i <= len; i++) {
		const char *s;
		size_t n, ind = 0, j;

		if (i < len && b[i] != '\n')
			continue;
		s = b + start;
		n = i - start;
		start = i + 1;
		while (n > 0 && (b[(size_t)(s - b) + n - 1] == '\r' ||
				 fx_is_blank((unsigned char)s[n - 1])))
			n--;
		/* a bare CR inside a line: what follows it overwrote the line */
		for (j = n; j > 0; j--)
			if (s[j - 1] == '\r') {
				s += j;
				n -= j;
				break;
			}
		while (ind < n && fx_is_blank((unsigned char)s[ind]))
			ind++;
		if (nl >= FX_MAX_LINES)
			break;
		if (nl == cap) {
			t->l = ztp_xrealloc(t->l, cap * 2, sizeof(*t->l));
			cap *= 2;
		}
		t->l[nl].s = s;
		t->l[nl].n = n;
		t->l[nl].ind = ind;
		nl++;
	}
	/* the echoed command: the first line with text, after JunOS's
	 * "{master:0}" banner lines */
	for (;;) {
		while (first < nl && t->l[first].n == 0)
			first++;
		if (first < nl && t->l[first].s[t->l[first].ind] == '{' &&
		    t->l[first].s[t->l[first].n - 1] == '}') {
			t->l[first].n = 0;
			t->l[first].ind = 0;
			continue;
		}
		break;
	}
	if (first < nl && echo_line(t->l[first].s, t->l[first].n,
				    t->prompt_host, sizeof(t->prompt_host))) {
		t->l[first].n = 0;
		t->l[first].ind = 0;
	}
	/* the prompt after the output ("R1#", "user@host>", "<HUAWEI>"),
	 * behind JunOS's "{master}" */
	for (i = nl; i > first + 1; i--) {
		struct fx_line *l = &t->l[i - 1];
		const char *s = l->s + l->ind;
		size_t n = l->n - l->ind;

		if (n == 0)
			continue;
		if (!bare_prompt(s, n))
			break;
		l->n = 0;
		l->ind = 0;
	}
	for (i = 0; i < nl; i++)
		if (t->l[i].n > 0 && t->l[i].ind < minind)
			minind = t->l[i].ind;
	if (minind != (size_t)-1 && minind > 0)
		for (i = 0; i < nl; i++)
			if (t->l[i].n > 0) {
				t->l[i].s += minind;
				t->l[i].n -= minind;
				t->l[i].ind -= minind;
			}
	t->nl = nl;
	return 0;
}

/* ------------------------------------------------------------ recognition */

static int has(const char *text, size_t len, const char *needle)
{
	return fx_find_cs(text, len, needle) != NULL;
}

static int hasi(const char *text, size_t len, const char *needle)
{
	return fx_find(text, len, needle) != NULL;
}

/* needle at the start of a line (after blanks) */
static int has_bol(const char *s, size_t n, const char *needle)
{
	const char *p = s, *end = s + n, *q;

	while ((p = fx_find_cs(p, (size_t)(end - p), needle)) != NULL) {
		for (q = p; q > s && fx_is_blank((unsigned char)q[-1]); q--)
			;
		if (q == s || q[-1] == '\n' || q[-1] == '\r')
			return 1;
		p++;
	}
	return 0;
}

static const char *detect_text(const char *s, size_t n)
{
	if (s == NULL || n == 0)
		return NULL;
	/* the Cisco OS names itself in show version */
	if (has(s, n, "Cisco Nexus Operating System") || has(s, n, "NX-OS") ||
	    has(s, n, "NXOS: version") || has(s, n, "Nexus"))
		return "cisco_nxos";
	if (has(s, n, "Cisco IOS XR Software") || has(s, n, "IOS-XR") ||
	    has(s, n, "IOS XR"))
		return "cisco_xr";
	if (has(s, n, "IOS-XE") || has(s, n, "IOS XE") ||
	    has(s, n, "Cisco IOS-XE software"))
		return "cisco_iosxe";
	if (has(s, n, "Cisco IOS Software") || has(s, n, "IOS (tm)") ||
	    has(s, n, "Cisco Internetwork Operating System"))
		return "cisco_ios";
	/* a Cisco inventory, whatever optics it lists */
	if (hasi(s, n, "NAME:") && (hasi(s, n, "PID:") || hasi(s, n, "DESCR:"))) {
		/* an inventory alone: XR names its slots 0/RSP0/CPU0, "Rack 0" */
		if (has(s, n, "/CPU0") || has(s, n, "Rack 0") || has(s, n, "0/RP0") ||
		    has(s, n, "0/RSP0"))
			return "cisco_xr";
		return "cisco_ios";
	}
	/* the other hardware listings: IOS-XR's diag blocks, NX-OS's and
	 * the Catalysts' module tables, a license UDI */
	if (has(s, n, "IDPROM") || has_bol(s, n, "NODE module ") ||
	    (has_bol(s, n, "Rack ") && has(s, n, "S/N:") && has(s, n, "PID:")) ||
	    ((has_bol(s, n, "Node ") || has_bol(s, n, "Location ")) && hasi(s, n, "Config state")))
		return "cisco_xr";
	if (has_bol(s, n, "Mod ") && has(s, n, "Module-Type"))
		return "cisco_nxos";
	if ((has_bol(s, n, "Mod ") && has(s, n, "Card Type")) ||
	    has_bol(s, n, "Chassis Type") || has_bol(s, n, "Chassis type:") ||
	    (has_bol(s, n, "Switch ") && has(s, n, "Ports") && has(s, n, "Serial No")) ||
	    (has_bol(s, n, "Slot ") && has(s, n, "Insert time")) ||
	    (has(s, n, "UDI") && ((has(s, n, "PID:") && has(s, n, "SN:")) ||
				   (has(s, n, " PID ") && has(s, n, " SN ")))))
		return "cisco_ios";
	if (has(s, n, "JUNOS") || has_bol(s, n, "Junos:") ||
	    has_bol(s, n, "Hardware inventory:"))
		return "juniper_junos";
	if (has_bol(s, n, "Arista ") || has_bol(s, n, "Software image version:") ||
	    (has_bol(s, n, "System information") && has_bol(s, n, "System has ")))
		return "arista_eos";
	if (has(s, n, "Huawei Versatile Routing Platform") ||
	    has(s, n, "VRP (R) software") || has(s, n, "HUAWEI TECH") ||
	    has(s, n, "Huawei Technologies") || has_bol(s, n, "HUAWEI ") ||
	    has_bol(s, n, "Quidway ") || has(s, n, "Device status:") ||
	    has_bol(s, n, "[Board Properties]") || has_bol(s, n, "ESN of "))
		return "huawei_vrp";
	if (has_bol(s, n, "Slot") && has(s, n, "Online") && has(s, n, "Register"))
		return "huawei_vrp";	/* display device */
	return NULL;
}

static const char *plat_vendor(const char *p)
{
	int i = plat_index(p);

	return i < 0 ? NULL : plats[i].vendor;
}

const char *ztp_facts_detect_platform(const char *text, size_t len,
				      const char *banner)
{
	const char *p = NULL;
	size_t bn;

	if (text != NULL && len > 0 && len <= ZTP_FACTS_MAX_INPUT) {
		char *b = ztp_xmalloc(len + 1);

		p = detect_text(b, clean(b, text, len));
		free(b);
	}

	if (p || banner == NULL)
		return p;
	bn = strlen(banner);
	if (hasi(banner, bn, "huawei") || hasi(banner, bn, "vrp"))
		return "huawei_vrp";
	if (hasi(banner, bn, "junos") || hasi(banner, bn, "juniper"))
		return "juniper_junos";
	if (hasi(banner, bn, "arista"))
		return "arista_eos";
	if (hasi(banner, bn, "nx-os") || hasi(banner, bn, "nexus"))
		return "cisco_nxos";
	if (hasi(banner, bn, "-cisco"))
		return "cisco_ios";
	return NULL;
}

static enum fx_cmd cmd_from_text(int pi, const char *s, size_t n)
{
	const char *name = plats[pi].name;

	if (strcmp(name, "juniper_junos") == 0) {
		if (has(s, n, "Hardware inventory") ||
		    (hasi(s, n, "Part number") && hasi(s, n, "Serial number")))
			return FX_CHASSIS_HW;
		if (has(s, n, "JUNOS") || has(s, n, "Junos"))
			return FX_VERSION;
		return FX_NONE;
	}
	if (strcmp(name, "huawei_vrp") == 0) {
		if (has_bol(s, n, "ESN of "))
			return FX_ESN;
		if (has(s, n, "[Board Properties]") || has(s, n, "BoardType=") ||
		    has(s, n, "BarCode="))
			return FX_ELABEL;
		if (hasi(s, n, "Device status") ||
		    (has(s, n, "Slot") && has(s, n, "Online") && has(s, n, "Register")))
			return FX_DEVICE;
		if (has(s, n, "VRP") || hasi(s, n, "uptime is"))
			return FX_VERSION;
		return FX_NONE;
	}
	if (strcmp(name, "arista_eos") == 0) {
		if (has(s, n, "System information") || has(s, n, "System has "))
			return FX_INVENTORY;
		if (has(s, n, "Software image version") || has(s, n, "Arista"))
			return FX_VERSION;
		return FX_NONE;
	}
	if (hasi(s, n, "NAME:") && (hasi(s, n, "PID:") || hasi(s, n, "SN:") ||
				     hasi(s, n, "DESCR:")))
		return FX_INVENTORY;
	/* before show version: the labels name Cisco and a Version */
	if (has(s, n, "IDPROM") || has_bol(s, n, "NODE ") ||
	    (has_bol(s, n, "Rack ") && has(s, n, "S/N:") && has(s, n, "PID:")))
		return FX_DIAG;
	/* every Cisco show version names Cisco (in its copyright at least) */
	if (hasi(s, n, "cisco") && (hasi(s, n, "version") || hasi(s, n, "uptime is")))
		return FX_VERSION;
	/* after show version: a stack's holds a "Switch Ports Model" table */
	if ((has_bol(s, n, "Mod ") && (has(s, n, "Card Type") || has(s, n, "Module-Type") ||
				       has(s, n, "Serial"))) ||
	    (has_bol(s, n, "Switch ") && has(s, n, "Ports") && has(s, n, "Serial")))
		return FX_MODULE;
	if ((has_bol(s, n, "Slot ") || has_bol(s, n, "Node ") || has_bol(s, n, "Location ")) &&
	    has(s, n, "Type") && hasi(s, n, "State"))
		return FX_PLATFORM;
	/* after show version: an ISR's holds its license UDI too */
	if (has(s, n, "UDI") && has(s, n, "PID") && has(s, n, "SN"))
		return FX_UDI;
	return FX_NONE;
}

/* "sh inv", "show inventory raw", "admin show inventory", "disp elabel" */
static enum fx_cmd cmd_from_name(const char *c)
{
	static const struct { const char *word; enum fx_cmd cmd; } words[] = {
		{ "inventory", FX_INVENTORY }, { "elabel", FX_ELABEL },
		{ "hardware", FX_CHASSIS_HW }, { "device", FX_DEVICE },
		{ "module", FX_MODULE }, { "diag", FX_DIAG }, { "udi", FX_UDI },
		{ "platform", FX_PLATFORM }, { "version", FX_VERSION },
	};
	struct fx_tok tok[16];
	size_t nt, i, w, n = strlen(c);

	nt = fx_tokens(c, n, tok, 16);
	if (nt < 2)
		return FX_NONE;
	/* "display esn", "display sn license" */
	for (i = 1; i < nt; i++)
		if (fx_eq(tok[i].s, tok[i].n, "esn") || fx_eq(tok[i].s, tok[i].n, "sn"))
			return FX_ESN;
	if (!(fx_eq(tok[0].s, tok[0].n, "admin") ||
	    (tok[0].n >= 2 && (strncasecmp(tok[0].s, "show", tok[0].n) == 0 ||
			       strncasecmp(tok[0].s, "display", tok[0].n) == 0))))
		return FX_NONE;
	for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		for (i = 1; i < nt; i++)
			if (tok[i].n >= 3 && tok[i].n <= strlen(words[w].word) &&
			    strncasecmp(tok[i].s, words[w].word, tok[i].n) == 0)
				return words[w].cmd;
	return FX_NONE;
}

/* the platform's entry for c, NULL when its parsers do not read c */
static const struct fx_pcmd *cmd_find(int pi, enum fx_cmd c)
{
	const struct fx_pcmd *p;

	for (p = plats[pi].cmds; p->name; p++)
		if (p->cmd == c)
			return p;
	return NULL;
}

const char *ztp_facts_detect_command(const char *platform, const char *text,
				     size_t len)
{
	int pi = plat_index(platform);
	const struct fx_pcmd *pc;
	struct fx_text t;

	if (pi < 0 || text == NULL || len > ZTP_FACTS_MAX_INPUT)
		return NULL;
	if (text_load(&t, text, len, NULL) < 0)
		return NULL;
	pc = cmd_find(pi, cmd_from_text(pi, t.buf, t.len));
	text_free(&t);
	return pc ? pc->name : NULL;
}

/* ------------------------------------------------------------ dispatch */

int ztp_facts_parse(const char *platform, const char *command,
		    const char *text, size_t len, struct ztp_val *facts,
		    struct ztp_err *e)
{
	int pi = plat_index(platform), rc = 0, ok;
	const struct fx_pcmd *pc;
	struct ztp_val *old = NULL;
	struct fx_text t;

	if (pi < 0)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot parse output: unknown platform '%s'",
				   platform ? platform : "(null)");
	if (facts == NULL || facts->type != ZTP_V_MAP)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot parse output: facts is not a map");
	if (text == NULL)
		len = 0;
	if ((rc = text_load(&t, text ? text : "", len, e)) < 0)
		return rc;
	/* the wrong -P gives wrong facts: refuse output that names another
	 * vendor's OS */
	{
		const char *other = detect_text(t.buf, t.len);

		if (other && strcmp(plat_vendor(other), plats[pi].vendor) != 0) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE,
					 "cannot parse output as %s: it looks like %s output",
					 platform, other);
			goto out;
		}
	}
	if (command) {
		pc = cmd_find(pi, cmd_from_name(command));
		if (pc == NULL) {
			rc = ztp_err_set(e, ZTP_ERR_USAGE,
					 "cannot parse output of '%s': not a command parsed on %s",
					 command, platform);
			goto out;
		}
	} else {
		pc = cmd_find(pi, cmd_from_text(pi, t.buf, t.len));
		if (pc == NULL) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE,
					 "cannot recognise the command: the text is no %s output this tool parses",
					 platform);
			goto out;
		}
	}
	fx_ensure_keys(facts);
	/* the modules of this output apart, merged by serial after it */
	old = ztp_val_ref(ztp_map_get(facts, "modules"));
	ztp_map_set(facts, "modules", ztp_val_list());
	ok = pc->parse(&t, facts, plats[pi].name);
	fx_merge_modules(facts, old);
	if (!ok) {
		rc = ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s' output: no facts found in it",
				 pc->name);
		goto out;
	}
	fx_sets(facts, "vendor", plats[pi].vendor);
	fx_sets(facts, "os", plats[pi].os);
	if (t.prompt_host[0])
		fx_sets(facts, "hostname", t.prompt_host);
out:
	ztp_val_unref(old);
	text_free(&t);
	return rc;
}
