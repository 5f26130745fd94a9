/* facts-cisco.c: Cisco IOS, IOS-XE, IOS-XR and NX-OS `show version`, and
 * the NAME:/PID: inventory all four print for `show inventory`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "facts-int.h"

#define L(i) (&t->l[i])
#define LS(i) (t->l[i].s + t->l[i].ind)
#define LN(i) (t->l[i].n - t->l[i].ind)

/* the token after "Version " on s[0..n): "15.2(2)E8", "7.9.2", "6.1.4" */
static int version_after(const char *s, size_t n, const char **v, size_t *vn)
{
	const char *p = s, *end = s + n;

	while ((p = fx_find_cs(p, (size_t)(end - p), "Version ")) != NULL) {
		size_t k;

		p += 8;
		while (p < end && fx_is_blank((unsigned char)*p))
			p++;
		k = fx_word(p, (size_t)(end - p), ",[");
		if (k > 0 && p[0] >= '0' && p[0] <= '9') {
			*v = p;
			*vn = k;
			return 1;
		}
	}
	return 0;
}

/* "<host> uptime is ..." (not "Uptime for this control processor is") */
static int uptime_host(const char *s, size_t n, const char **h, size_t *hn)
{
	const char *u = fx_find_cs(s, n, " uptime is ");
	size_t k;

	if (u == NULL || u == s)
		return 0;
	k = fx_word(s, n, NULL);
	if (s + k != u)
		return 0;	/* more than one word before "uptime" */
	if (fx_eq(s, k, "System") || fx_eq(s, k, "Kernel"))
		return 0;	/* XR 7 "System uptime is", not a host */
	*h = s;
	*hn = k;
	return 1;
}

/* "cisco WS-C3750X-24S (PowerPC405) processor (revision A0) with ...",
 * "Cisco CISCO1941/K9 (revision 1.0) with 491520K/32768K bytes of memory.",
 * "cisco IOS-XRv 9000 () processor", "Allen-Bradley 1783-CMS20DN (ARM)
 * processor ...": the words between the vendor and " (". */
static int processor_model(const char *s, size_t n, const char **m, size_t *mn)
{
	const char *par;
	size_t k;

	if (fx_find_cs(s, n, " processor") == NULL &&
	    fx_find_cs(s, n, "bytes of") == NULL)
		return 0;
	if (!fx_starts(s, n, "cisco ") &&
	    (fx_find_cs(s, n, " processor") == NULL || fx_find_cs(s, n, "bytes of") == NULL))
		return 0;
	k = fx_word(s, n, NULL);
	s += k;
	n -= k;
	fx_trim(&s, &n);
	if (fx_starts(s, n, "IOS ") || fx_starts(s, n, "Systems") ||
	    fx_starts(s, n, "IOS-XE ") || fx_starts(s, n, "IOS XE"))
		return 0;
	par = fx_find_cs(s, n, " (");
	if (par == NULL)
		par = fx_find_cs(s, n, " processor");
	if (par == NULL || par == s)
		return 0;
	*m = s;
	*mn = (size_t)(par - s);
	return 1;
}

/* NX-OS "cisco Nexus9000 C9396PX Chassis": "C9396PX" (the family word goes
 * when a model follows it) */
static int nexus_model(const char *s, size_t n, const char **m, size_t *mn)
{
	struct fx_tok tok[8];
	const char *ch;
	size_t nt, first = 1;

	if (!fx_starts(s, n, "cisco ") || (ch = fx_find(s, n, " chassis")) == NULL)
		return 0;
	nt = fx_tokens(s, (size_t)(ch - s), tok, 8);
	if (nt < 2)
		return 0;
	if (nt >= 3 && fx_starts(tok[1].s, tok[1].n, "Nexus") && tok[1].n > 5)
		first = 2;
	*m = tok[first].s;
	*mn = (size_t)(tok[nt - 1].s + tok[nt - 1].n - tok[first].s);
	return 1;
}

static int nxos_version(const struct fx_text *t, struct ztp_val *f)
{
	const char *v;
	size_t vn, i;
	int found = 0, pass;

	for (i = 0; i < t->nl; i++) {
		if (fx_kv(L(i), "Device name", ':', &v, &vn)) {
			fx_set(f, "hostname", v, vn);
			found = 1;
		} else if (fx_starts(LS(i), LN(i), "Processor board ID ")) {
			v = LS(i) + 19;
			vn = LN(i) - 19;
			fx_set(f, "serial", v, fx_word(v, vn, NULL));
			found = 1;
		} else if (nexus_model(LS(i), LN(i), &v, &vn)) {
			fx_set(f, "model", v, vn);
			found = 1;
		} else if (fx_starts(LS(i), LN(i), "cisco ") &&
			   fx_find_cs(LS(i), LN(i), " (\"") != NULL) {
			/* ACI: "cisco N9K-C9396PX ("supervisor")" */
			v = LS(i) + 6;
			vn = LN(i) - 6;
			fx_trim(&v, &vn);
			fx_set(f, "model", v, fx_word(v, vn, "("));
			found = 1;
		}
	}
	/* NXOS: version 9.3(6) / system: version 6.1(2)I3(1) / kickstart: */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < t->nl; i++) {
			static const char *const keys[2][3] = {
				{ "NXOS", "system", NULL }, { "kickstart", NULL, NULL },
			};
			size_t k;

			for (k = 0; keys[pass][k]; k++)
				if (fx_kv(L(i), keys[pass][k], ':', &v, &vn) &&
				    fx_starts(v, vn, "version ")) {
					v += 8;
					vn -= 8;
					fx_trim(&v, &vn);
					fx_set(f, "version", v, fx_word(v, vn, "["));
					found = 1;
				}
		}
	return found;
}

struct member {
	char num[16], model[FX_VAL_MAX], serial[FX_VAL_MAX];
	int implicit;	/* the first block, no table told whose it is */
};

/* the member a model or serial line belongs to: the open block, else one
 * for the active switch (or 1, implicit) opened now; -1 when full */
static size_t member_of(struct member *mem, size_t *nmem, size_t cur, const char *active)
{
	if (cur != (size_t)-1 || *nmem >= 64)
		return cur;
	cur = (*nmem)++;
	fx_cpy(mem[cur].num, sizeof(mem[cur].num), active ? active : "1", active ? strlen(active) : 1);
	mem[cur].implicit = active == NULL;
	return cur;
}

static int ios_version(const struct fx_text *t, struct ztp_val *f,
		       const char *platform)
{
	struct member mem[64];
	size_t nmem = 0, i, cur = (size_t)-1;
	const char *v, *active = NULL;
	char activebuf[16];
	size_t vn;
	int found = 0, xe = 0;

	memset(mem, 0, sizeof(mem));
	/* the switch table: "*    2 52    WS-C3650-48PD  03.06.07E ..." marks
	 * the member the first block of details belongs to */
	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i);
		size_t n = LN(i);
		struct fx_tok tok[4];

		if (n > 2 && s[0] == '*' && fx_tokens(s + 1, n - 1, tok, 4) >= 3 &&
		    tok[0].n < sizeof(activebuf) && tok[0].s[0] >= '0' && tok[0].s[0] <= '9') {
			fx_cpy(activebuf, sizeof(activebuf), tok[0].s, tok[0].n);
			active = activebuf;
			break;
		}
	}
	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i);
		size_t n = LN(i);

		if (fx_find_cs(s, n, "IOS-XE") || fx_find_cs(s, n, "IOS XE"))
			xe = 1;
		if (!fx_has(f, "version") &&
		    (fx_starts(s, n, "Cisco IOS Software") || fx_starts(s, n, "IOS (tm)") ||
		     fx_starts(s, n, "Cisco IOS-XE Software")) &&
		    version_after(s, n, &v, &vn)) {
			fx_set(f, "version", v, vn);
			found = 1;
		} else if (uptime_host(s, n, &v, &vn)) {
			fx_set(f, "hostname", v, vn);
			found = 1;
		} else if (processor_model(s, n, &v, &vn)) {
			fx_set(f, "model", v, vn);
			found = 1;
		} else if (fx_starts(s, n, "Processor board ID ")) {
			/* kept for after the members: a stack's member 1 wins */
			found = 1;
		} else if (fx_starts(s, n, "Switch ") && n <= 12 &&
			   fx_tokens(s, n, (struct fx_tok[2]){0}, 2) == 2) {
			/* "Switch 02" opens a member's block */
			const char *num = s + 7;
			size_t nn = n - 7;

			fx_trim(&num, &nn);
			while (nn > 1 && *num == '0') {
				num++;
				nn--;
			}
			if (nmem < 64 && nn > 0 && num[0] >= '0' && num[0] <= '9') {
				cur = nmem++;
				fx_cpy(mem[cur].num, sizeof(mem[cur].num), num, nn);
			}
		} else if (fx_kv(L(i), "Model number", ':', &v, &vn) ||
			   fx_kv(L(i), "Model Number", ':', &v, &vn)) {
			if ((cur = member_of(mem, &nmem, cur, active)) != (size_t)-1)
				fx_cpy(mem[cur].model, sizeof(mem[cur].model), v, vn);
		} else if (fx_kv(L(i), "System serial number", ':', &v, &vn)) {
			if ((cur = member_of(mem, &nmem, cur, active)) != (size_t)-1)
				fx_cpy(mem[cur].serial, sizeof(mem[cur].serial), v, vn);
		}
	}
	if (!fx_has(f, "version"))
		for (i = 0; i < t->nl; i++)
			if (fx_starts(LS(i), LN(i), "Cisco IOS XE Software") &&
			    version_after(LS(i), LN(i), &v, &vn)) {
				fx_set(f, "version", v, vn);
				found = 1;
				break;
			}
	/* a "Switch 01" block beats a first block nobody numbered; that one
	 * is some other member then */
	for (i = 0; i < nmem; i++) {
		size_t j;

		if (!mem[i].implicit)
			continue;
		for (j = 0; j < nmem; j++)
			if (j != i && !mem[j].implicit && strcmp(mem[j].num, mem[i].num) == 0)
				mem[i].num[0] = 0;
	}
	/* member 1 first: it is the device */
	for (i = 0; i < nmem; i++)
		if (strcmp(mem[i].num, "1") == 0 && mem[i].serial[0])
			fx_sets(f, "serial", mem[i].serial);
	for (i = 0; i < nmem; i++)
		if (strcmp(mem[i].num, "1") != 0)
			fx_stack_member(f, mem[i].num, mem[i].model, mem[i].serial);
	for (i = 0; i < t->nl; i++)
		if (fx_starts(LS(i), LN(i), "Processor board ID ")) {
			v = LS(i) + 19;
			vn = LN(i) - 19;
			fx_trim(&v, &vn);
			fx_set(f, "serial", v, fx_word(v, vn, ","));
			break;
		}
	if (xe && strcmp(platform, "cisco_ios") == 0)
		fx_sets(f, "os", "ios-xe");
	return found;
}

static int has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

/* XR: "ASR-9001 Chassis", "ASR 9912 10 Line Card Slot Chassis with V2 AC
 * PEM", "CRS 16 Slots Line Card Chassis for CRS-16/S-B" */
static int xr_chassis_line(const char *s, size_t n, char *out, size_t outsz)
{
	const char *ch = fx_find_cs(s, n, " Chassis"), *fo;
	struct fx_tok tok[4];
	size_t nt;

	if (ch == NULL || fx_starts(s, n, "cisco") || memchr(s, ':', n))
		return 0;
	if ((fo = fx_find_cs(ch, n - (size_t)(ch - s), " for ")) != NULL) {
		fo += 5;
		fx_cpy(out, outsz, fo, fx_word(fo, n - (size_t)(fo - s), NULL));
		return out[0] != 0;
	}
	nt = fx_tokens(s, (size_t)(ch - s), tok, 4);
	if (nt == 0)
		return 0;
	if (nt >= 2 && !has_digit(tok[0].s, tok[0].n) &&
	    tok[1].s[0] >= '0' && tok[1].s[0] <= '9') {
		/* "ASR 9006": the product id is ASR-9006 */
		if (snprintf(out, outsz, "%.*s-%.*s", (int)tok[0].n, tok[0].s,
			     (int)tok[1].n, tok[1].s) >= (int)outsz)
			out[0] = 0;
	} else
		fx_cpy(out, outsz, tok[0].s, tok[0].n);
	return 1;
}

static int xr_version(const struct fx_text *t, struct ztp_val *f)
{
	char chassis[FX_VAL_MAX] = "";
	const char *v;
	size_t vn, i;
	int found = 0;

	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i);
		size_t n = LN(i);

		if (fx_starts(s, n, "Cisco IOS XR Software") &&
		    version_after(s, n, &v, &vn)) {
			fx_set(f, "version", v, vn);
			found = 1;
		} else if (uptime_host(s, n, &v, &vn)) {
			fx_set(f, "hostname", v, vn);
			found = 1;
		} else if (processor_model(s, n, &v, &vn)) {
			/* "ASR9K Series" names a family: the chassis line names the
			 * model */
			if (vn > 7 && fx_eq(v + vn - 7, 7, " Series")) {
				size_t j;

				for (j = i + 1; j < t->nl && j < i + 8; j++)
					if (xr_chassis_line(LS(j), LN(j), chassis, sizeof(chassis)))
						break;
				if (chassis[0])
					fx_sets(f, "model", chassis);
			}
			fx_set(f, "model", v, vn);
			found = 1;
		} else if (fx_kv(L(i), "Version", ':', &v, &vn) && !fx_has(f, "version")) {
			fx_set(f, "version", v, fx_word(v, vn, "["));
			found = 1;
		}
	}
	return found;
}

int fx_cisco_version(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	if (strcmp(platform, "cisco_nxos") == 0)
		return nxos_version(t, f);
	if (strcmp(platform, "cisco_xr") == 0)
		return xr_version(t, f);
	return ios_version(t, f, platform);
}

/* ------------------------------------------------------------ inventory */

/* the value after "KEY:" in s[0..n): quoted ("...") or up to a comma (or
 * the next KEY: for lines without commas) */
static int inv_field(const char *s, size_t n, const char *key, const char **v, size_t *vn)
{
	const char *p = s, *end = s + n;
	size_t k = strlen(key);

	for (;;) {
		p = fx_find(p, (size_t)(end - p), key);
		if (p == NULL)
			return 0;
		/* a whole word: at the start or after a blank or a comma */
		if ((p == s || fx_is_blank((unsigned char)p[-1]) || p[-1] == ',') &&
		    (size_t)(end - p) > k && p[k] == ':')
			break;
		p += k;
	}
	p += k + 1;
	while (p < end && fx_is_blank((unsigned char)*p))
		p++;
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

		*v = p + 1;
		*vn = q ? (size_t)(q - p - 1) : (size_t)(end - p - 1);
		return 1;
	}
	*v = p;
	while (p < end && *p != ',') {
		/* "PID: X  VID: Y" without commas */
		if (fx_is_blank((unsigned char)*p)) {
			const char *q = p;

			while (q < end && fx_is_blank((unsigned char)*q))
				q++;
			if (fx_starts(q, (size_t)(end - q), "VID:") ||
			    fx_starts(q, (size_t)(end - q), "SN:") ||
			    fx_starts(q, (size_t)(end - q), "DESCR:"))
				break;
		}
		p++;
	}
	*vn = (size_t)(p - *v);
	fx_trim(v, vn);
	return 1;
}

/* a slot from an inventory name: "0/RSP0/CPU0", "module 0/RSP0/CPU0",
 * "Slot 1", "Switch 2", "1" */
static void inv_slot(char *dst, size_t dsz, const char *name)
{
	static const char *const pre[] = {
		"module ", "slot ", "switch ", "linecard", "line card ", NULL,
	};
	size_t n = strlen(name), i, k;
	const char *s = name;

	dst[0] = 0;
	for (i = 0; pre[i]; i++)
		if (fx_starts(s, n, pre[i])) {
			s += strlen(pre[i]);
			n -= strlen(pre[i]);
			fx_trim(&s, &n);
			break;
		}
	k = fx_word(s, n, NULL);
	if (k != n || n == 0)
		return;
	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			break;
	if (i == n || (s[0] < '0' || s[0] > '9'))
		return;
	fx_cpy(dst, dsz, s, n);
}

static int is_chassis(const struct fx_mod *m)
{
	size_t dn = strlen(m->descr), nn = strlen(m->name);

	if (fx_eq(m->name, nn, "chassis") || (nn >= 7 && fx_eq(m->name + nn - 7, 7, "chassis")) ||
	    fx_starts(m->name, nn, "chassis ") || fx_eq(m->name, nn, "switch system"))
		return 1;
	if (fx_find(m->name, nn, " stack") && !fx_find(m->name, nn, "port"))
		return 1;
	/* XR names its chassis "Rack 0" whatever the description says (an
	 * XRv9K's is "Cisco XRv9K Centralized Virtual Router") */
	if (nn > 5 && fx_starts(m->name, nn, "Rack ") && m->name[5] >= '0' && m->name[5] <= '9')
		return 1;
	if (fx_find(m->descr, dn, "chassis") &&
	    !fx_find(m->descr, dn, "fan") && !fx_find(m->descr, dn, "power") &&
	    !fx_find(m->descr, dn, "module") && !fx_find(m->descr, dn, "supply") &&
	    !fx_find(m->name, nn, "fan") && !fx_find(m->name, nn, "power"))
		return 1;
	return 0;
}

#define MAXITEMS ZTP_FACTS_MAX_MODULES

int fx_cisco_inventory(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	struct fx_mod *items = NULL;
	size_t nitems = 0, cap = 0, i, chassis = (size_t)-1;
	int open = 0, pid_seen = 0;

	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i), *v;
		size_t n = LN(i), vn;
		struct fx_mod *m;
		int name = inv_field(s, n, "NAME", &v, &vn);

		/* an entry opens at its NAME line; a PID line whose NAME line a
		 * filter dropped ("| include PID") is an entry of its own */
		if (name || (inv_field(s, n, "PID", &v, &vn) && (!open || pid_seen))) {
			if (nitems >= MAXITEMS)
				break;
			if (nitems == cap) {
				cap = cap ? cap * 2 : 16;
				items = ztp_xrealloc(items, cap, sizeof(*items));
			}
			m = &items[nitems++];
			fx_mod_clear(m);
			if (name && inv_field(s, n, "NAME", &v, &vn))
				fx_cpy(m->name, sizeof(m->name), v, vn);
			open = 1;
			pid_seen = 0;
		}
		if (!open)
			continue;
		m = &items[nitems - 1];
		if (inv_field(s, n, "PID", &v, &vn))
			pid_seen = 1;
		if (inv_field(s, n, "DESCR", &v, &vn))
			fx_cpy(m->descr, sizeof(m->descr), v, vn);
		if (inv_field(s, n, "PID", &v, &vn))
			fx_cpy(m->model, sizeof(m->model), v, vn);
		if (inv_field(s, n, "VID", &v, &vn))
			fx_cpy(m->hw_rev, sizeof(m->hw_rev), v, vn);
		if (inv_field(s, n, "SN", &v, &vn))
			fx_cpy(m->serial, sizeof(m->serial), v, vn);
	}
	for (i = 0; i < nitems; i++) {
		if (fx_noserial(items[i].hw_rev, strlen(items[i].hw_rev)))
			items[i].hw_rev[0] = 0;
		if (fx_noserial(items[i].model, strlen(items[i].model)))
			items[i].model[0] = 0;
		inv_slot(items[i].slot, sizeof(items[i].slot), items[i].name);
	}
	for (i = 0; i < nitems && chassis == (size_t)-1; i++)
		if (is_chassis(&items[i]))
			chassis = i;
	if (chassis != (size_t)-1) {
		/* the chassis entry names the box: its PID and the serial on its
		 * label beat show version's processor line and board id (an
		 * ISR4k's board id is not the chassis serial) */
		fx_force(f, "model", items[chassis].model);
		fx_force(f, "serial", items[chassis].serial);
	}
	/* no entry says chassis (a filtered inventory, one stack member, an
	 * XR inventory without its Rack entry): the box stays unknown, every
	 * entry is a module */
	for (i = 0; i < nitems; i++)
		if (i != chassis)
			fx_add_module(f, &items[i]);
	free(items);
	return nitems > 0;
}
