/* facts-cisco-hw.c: the Cisco hardware listings other than `show
 * inventory` that engineers paste and that a box answers when it lacks
 * `show inventory`: `show module` (Catalyst 4500/6500/9400, stacks,
 * NX-OS), `show diag details` and `admin show diag chassis` (IOS-XR),
 * `show license udi` and `show platform` (IOS-XE, IOS-XR). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "facts-int.h"
#include "xmalloc.h"

#define L(i) (&t->l[i])
#define LS(i) (t->l[i].s + t->l[i].ind)
#define LN(i) (t->l[i].n - t->l[i].ind)

#define MAXCOLS 16
#define MAXITEMS ZTP_FACTS_MAX_MODULES

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* a product id has a digit or a dash ("NCS-CRFT"); a word alone names a
 * role ("RP", "Slice") */
static int pid_like(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_digit((unsigned char)s[i]) || s[i] == '-')
			return 1;
	return 0;
}

/* ------------------------------------------------------------ tables */

/* What a column of a table holds, from its header label */
enum col_role { R_NONE, R_KEY, R_MODEL, R_SERIAL, R_DESCR, R_HW };

struct col {
	size_t start, end;	/* of the ruler's dash run */
	enum col_role role;
};

/* The columns of a table: the dash runs of the ruler line ("---  -----",
 * "---+-----+----"), labelled by the header text above each run. */
static size_t table_cols(const struct fx_line *hdr, const struct fx_line *rule,
			 struct col *c, size_t max, int *sub)
{
	size_t i = 0, nc = 0, k;

	*sub = 0;
	while (i < rule->n && nc < max) {
		while (i < rule->n && rule->s[i] != '-' && rule->s[i] != '=')
			i++;
		if (i >= rule->n)
			break;
		c[nc].start = i;
		while (i < rule->n && (rule->s[i] == '-' || rule->s[i] == '='))
			i++;
		c[nc].end = i;
		c[nc].role = R_NONE;
		nc++;
	}
	if (nc == 1) {
		/* one ruler across the table (IOS-XR): the columns start
		 * where the header's labels do, after two blanks or more */
		nc = 0;
		for (i = 0; i < hdr->n && nc < max; i++)
			if (!fx_is_blank((unsigned char)hdr->s[i]) &&
			    (i == 0 || (i >= 2 && fx_is_blank((unsigned char)hdr->s[i - 1]) &&
					fx_is_blank((unsigned char)hdr->s[i - 2])))) {
				if (nc > 0)
					c[nc - 1].end = i;
				c[nc].start = i;
				c[nc].end = hdr->n;
				c[nc].role = R_NONE;
				nc++;
			}
	}
	for (k = 0; k < nc; k++) {
		size_t a = c[k].start, b = k + 1 < nc ? c[k + 1].start : hdr->n;
		const char *s;
		size_t n;

		if (a >= hdr->n)
			continue;
		if (b > hdr->n)
			b = hdr->n;
		/* a label may start a little left of its run ("Serial No.") */
		while (a > 0 && !fx_is_blank((unsigned char)hdr->s[a - 1]))
			a--;
		s = hdr->s + a;
		n = b - a;
		fx_trim(&s, &n);
		if (k == 0)
			c[k].role = R_KEY;
		else if (fx_starts(s, n, "Model") || fx_eq(s, n, "Type"))
			c[k].role = R_MODEL;	/* show platform: the slot's PID */
		else if (fx_find(s, n, "Serial"))
			c[k].role = R_SERIAL;
		else if (fx_starts(s, n, "Card Type") || fx_starts(s, n, "Module-Type") ||
			 fx_starts(s, n, "Module Type"))
			c[k].role = R_DESCR;
		else if (fx_starts(s, n, "Sub-Module")) {
			c[k].role = R_DESCR;
			*sub = 1;
		} else if (fx_eq(s, n, "Hw") || fx_starts(s, n, "Hw Ver"))
			c[k].role = R_HW;
	}
	return nc;
}

struct trow {
	char ns[40], key[40];	/* "Mod" 3, "Xbar" 1, "2:Mod" 1 (VSS), "Mod DPU" 1/2 */
	struct fx_mod m;
};

static size_t row_find(struct trow *r, size_t n, const char *ns, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i].ns, ns) == 0 && strcmp(r[i].key, key) == 0)
			return i;
	return (size_t)-1;
}

/* A table's header at line i: the line below it (or below a wrapped
 * header's rest, or below a blank line of a double-spaced output) is a
 * ruler.  Returns the ruler's line, 0 when i starts no table. */
static size_t table_at(const struct fx_text *t, size_t i, int *dbl)
{
	size_t r = i + 1;

	*dbl = 0;
	if (LN(i) == 0 || fx_is_ruler(L(i)))
		return 0;
	if (r < t->nl && LN(r) == 0 && r + 1 < t->nl) {
		r++;	/* double-spaced */
		*dbl = 1;
	} else if (r + 1 < t->nl && LN(r) > 0 && t->l[r].ind > 0 && !fx_is_ruler(L(r)) &&
		   fx_is_ruler(L(r + 1)) && fx_tokens(LS(r), LN(r), (struct fx_tok[3]){0}, 3) <= 2) {
		r++;	/* the header wrapped at the terminal's width */
	}
	return r < t->nl && fx_is_ruler(L(r)) ? r : 0;
}

/* How far right of the ruler a row is printed (negative: left), in
 * [-6, 6]: the shift that puts most of its words at a column's start. */
static long row_shift(const struct fx_tok *tok, size_t nt, const struct col *c, size_t nc)
{
	long best = 0, sh;
	size_t besthits = 0, w, k;

	for (sh = 0; sh <= 12; sh++) {
		long d = sh % 2 ? (sh + 1) / 2 : -(sh / 2);	/* 0, 1, -1, 2, -2 ... */
		size_t hits = 0;

		for (w = 0; w < nt; w++)
			for (k = 0; k < nc; k++)
				if ((long)tok[w].col - d == (long)c[k].start)
					hits++;
		if (hits > besthits) {
			besthits = hits;
			best = d;
		}
	}
	return best;
}

/* the column a word starting at col (shifted back) is in: the last whose
 * start is at most one to its right */
static size_t col_of(const struct col *c, size_t nc, long col)
{
	size_t k;

	for (k = nc - 1; k > 0 && (long)c[k].start > col + 1; k--)
		;
	return k;
}

/* a row's words into its item: model, serial and hardware revision are one
 * word each (the first), a description runs over its column */
static void row_fill(struct fx_mod *m, const struct fx_tok *tok, size_t nt, size_t first,
		     const struct col *c, size_t nc, long shift)
{
	size_t w, prev = (size_t)-1;

	for (w = first; w < nt; w++) {
		size_t cc = col_of(c, nc, (long)tok[w].col - shift), o;

		switch (c[cc].role) {
		case R_MODEL:	/* "A9K-RSP440-SE(Active)"; not a role: "Slice", "RP" */
			o = fx_word(tok[w].s, tok[w].n, "(");
			if (m->model[0] == 0 && pid_like(tok[w].s, o))
				fx_cpy(m->model, sizeof(m->model), tok[w].s, o);
			break;
		case R_SERIAL:
			if (m->serial[0] == 0)
				fx_cpy(m->serial, sizeof(m->serial), tok[w].s, tok[w].n);
			break;
		case R_HW:
			if (m->hw_rev[0] == 0)
				fx_cpy(m->hw_rev, sizeof(m->hw_rev), tok[w].s, tok[w].n);
			break;
		case R_DESCR:
			if (m->descr[0] && prev != cc)
				break;
			o = strlen(m->descr);
			if (o && o + 1 < sizeof(m->descr))
				m->descr[o++] = ' ';
			fx_cpy(m->descr + o, sizeof(m->descr) - o, tok[w].s, tok[w].n);
			break;
		default:
			break;
		}
		prev = cc;
	}
}

/* the key of a row: the words of the first column, and of the second
 * when the first repeats within the table (sub-modules, DPUs) */
static int row_key(const struct fx_tok *tok, size_t nt, int sub, char *key, size_t ksz)
{
	if (!sub || nt < 2) {
		fx_cpy(key, ksz, tok[0].s, tok[0].n);
		return 1;
	}
	if (snprintf(key, ksz, "%.*s/%.*s", (int)tok[0].n, tok[0].s, (int)tok[1].n,
		     tok[1].s) >= (int)ksz)
		fx_cpy(key, ksz, tok[0].s, tok[0].n);
	return 2;
}

/* `show module` and `show platform`: every table under a ruler with a
 * model (or a slot's type) or serial column, whose rows start with a slot
 * number (`show platform`: a slot name, "R0", "0/RSP0/CPU0"); the tables
 * of one kind ("Mod", "Xbar") describe the same slots (NX-OS prints the
 * model in one, the serial in another), a sub-module table adds rows of
 * its own, and a VSS pair or a stack of chassis repeats them per
 * "Switch Number N".  "Chassis Type: C9410R" is the device's model. */
int fx_cisco_module(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	struct trow *rows = NULL;
	size_t nrows = 0, cap = 0, i, j;
	char unit[16] = "";
	int found = 0;

	(void)platform;
	for (i = 0; i < t->nl; i++) {
		struct col c[MAXCOLS];
		char ns[40], word[16];
		size_t nc, r, k, first, end, t0 = nrows;
		int sub, any = 0, named, dbl, hasmodel = 0;
		const char *v;
		size_t vn;

		if (fx_kv(L(i), "Chassis Type", ':', &v, &vn)) {
			fx_set(f, "model", v, fx_word(v, vn, NULL));
			found = 1;
			continue;
		}
		/* "Switch Number 2", "Switch 2": the chassis the next tables are of */
		if (fx_starts(LS(i), LN(i), "Switch ") && LN(i) <= 20) {
			struct fx_tok tk[4];
			size_t n2 = fx_tokens(LS(i), LN(i), tk, 4);

			if (n2 >= 2 && n2 <= 3 && is_digit((unsigned char)tk[n2 - 1].s[0]) &&
			    (n2 == 2 || fx_eq(tk[1].s, tk[1].n, "Number")))
				fx_cpy(unit, sizeof(unit), tk[n2 - 1].s, tk[n2 - 1].n);
			continue;
		}
		if ((r = table_at(t, i, &dbl)) == 0)
			continue;
		nc = table_cols(L(i), L(r), c, MAXCOLS, &sub);
		fx_cpy(word, sizeof(word), LS(i), fx_word(LS(i), LN(i), NULL));
		named = fx_eq(word, strlen(word), "Slot") || fx_eq(word, strlen(word), "Node") ||
			fx_eq(word, strlen(word), "Location");
		for (k = 1; k < nc; k++) {
			if (c[k].role == R_MODEL || c[k].role == R_SERIAL)
				any = 1;
			if (c[k].role == R_MODEL)
				hasmodel = 1;
		}
		/* IOS-XR's admin show platform: the card type is the PID */
		for (k = 1; named && !hasmodel && k < nc; k++)
			if (c[k].role == R_DESCR) {
				c[k].role = R_MODEL;
				any = 1;
				break;
			}
		if (nc < 2 || !any)
			continue;
		/* the rows: to a blank line (in a double-spaced output, to a
		 * line that is no row); a wrapped row's rest is skipped */
		first = r + 1;
		for (end = first; end < t->nl; end++) {
			struct fx_tok tk[2];

			if (LN(end) == 0) {
				if (dbl)
					continue;
				break;
			}
			if (fx_is_ruler(L(end)))
				continue;
			if (fx_tokens(LS(end), LN(end), tk, 1) == 0)
				break;
			if (!named && !is_digit((unsigned char)tk[0].s[0]) && tk[0].s[0] != '*') {
				if (t->l[end].ind > 0)
					continue;	/* the rest of a wrapped row */
				break;
			}
		}
		/* a first column that repeats: rows of their own */
		for (j = first; j < end && !sub; j++) {
			struct fx_tok a[1], b[1];
			size_t m2;

			if (LN(j) == 0 || fx_tokens(LS(j), LN(j), a, 1) == 0)
				continue;
			for (m2 = first; m2 < j; m2++)
				if (LN(m2) > 0 && fx_tokens(LS(m2), LN(m2), b, 1) == 1 &&
				    a[0].n == b[0].n && memcmp(a[0].s, b[0].s, a[0].n) == 0 &&
				    (named || is_digit((unsigned char)a[0].s[0]))) {
					sub = 1;
					break;
				}
		}
		if (snprintf(ns, sizeof(ns), "%s%s%s%s%s", unit, unit[0] ? ":" : "", word,
			     sub ? "+" : "", sub && nc > 1 ? "sub" : "") >= (int)sizeof(ns))
			ns[0] = 0;
		for (j = first; j < end; j++) {
			const char *s = t->l[j].s;
			size_t n = t->l[j].n, nt, kw;
			struct fx_tok tok[32];
			struct trow *row;
			char key[40];
			long shift;

			if (n == 0 || fx_is_ruler(L(j)))
				continue;
			nt = fx_tokens(s, n, tok, 32);
			if (nt == 0 || (!named && !is_digit((unsigned char)tok[0].s[0]) &&
					tok[0].s[0] != '*'))
				continue;
			if (tok[0].s[0] == '*' && tok[0].n == 1 && nt > 1) {
				/* "*1 Active": the starred is the current one */
				memmove(tok, tok + 1, (nt - 1) * sizeof(tok[0]));
				nt--;
			} else if (tok[0].s[0] == '*' && tok[0].n > 1) {
				tok[0].s++;
				tok[0].n--;
			}
			kw = row_key(tok, nt, sub, key, sizeof(key));
			k = row_find(rows, nrows, ns, key);
			if (k == (size_t)-1 || k >= t0) {	/* new, or again in one table */
				if (nrows >= MAXITEMS)
					break;
				if (nrows == cap) {
					cap = cap ? cap * 2 : 16;
					rows = ztp_xrealloc(rows, cap, sizeof(*rows));
				}
				k = nrows++;
				memset(&rows[k], 0, sizeof(rows[k]));
				memcpy(rows[k].ns, ns, sizeof(ns));
				fx_cpy(rows[k].key, sizeof(rows[k].key), tok[0].s, tok[0].n);
				if (unit[0] && snprintf(rows[k].m.slot, sizeof(rows[k].m.slot), "%s/%s",
							unit, rows[k].key) >= (int)sizeof(rows[k].m.slot))
					rows[k].m.slot[0] = 0;
				else if (!unit[0])
					fx_cpy(rows[k].m.slot, sizeof(rows[k].m.slot), tok[0].s, tok[0].n);
				if (sub)
					memcpy(rows[k].key, key, sizeof(key));
			}
			row = &rows[k];
			shift = row_shift(tok, nt, c, nc);
			row_fill(&row->m, tok, nt, kw, c, nc, shift);
		}
		i = end > i ? end - 1 : i;
	}
	for (i = 0; i < nrows; i++) {
		struct fx_mod *m = &rows[i].m;

		if (fx_noserial(m->model, strlen(m->model)))
			m->model[0] = 0;
		if (!m->model[0] && fx_noserial(m->serial, strlen(m->serial)))
			continue;	/* an empty slot, an unknown module */
		if (fx_add_module(f, m))
			found = 1;
	}
	free(rows);
	return found;
}

/* ------------------------------------------------------------ XR diag */

struct diag {
	char name[FX_VAL_MAX], descr[FX_VAL_MAX], pid[FX_VAL_MAX];
	char sn[FX_VAL_MAX], chassis_sn[FX_VAL_MAX], vid[FX_VAL_MAX];
};

/* a block's header: "NODE module 0/RSP0/CPU0  ASR9K Route Switch ...",
 * "Rack 0 - ASR 9006 4 Line Card Slot Chassis with V2 AC PEM",
 * "0/RP0/CPU0-Base Board IDPROM - Cisco 8000 Series ...",
 * "HundredGigE0/0/0/0-IDPROM - Cisco QSFP28 100G AOC ..." */
static int diag_header(const char *s, size_t n, struct diag *d)
{
	const char *dash = fx_find_cs(s, n, " - ");
	size_t k;

	memset(d, 0, sizeof(*d));
	if (fx_starts(s, n, "NODE ")) {
		s += 5;
		n -= 5;
		fx_trim(&s, &n);
		if (fx_starts(s, n, "module ")) {
			s += 7;
			n -= 7;
			fx_trim(&s, &n);
		}
		k = fx_word(s, n, NULL);
		if (k == 0)
			return 0;
		fx_cpy(d->name, sizeof(d->name), s, k);
		fx_cpy(d->descr, sizeof(d->descr), s + k, n - k);
		return 1;
	}
	if (dash == NULL && (dash = fx_find_cs(s, n, " : ")) != NULL &&
	    (memchr(s, '/', (size_t)(dash - s)) == NULL || memchr(s, ' ', (size_t)(dash - s)) == NULL))
		dash = NULL;	/* "MPA 0/0/1 : ASR 9000 20-port ...", not "Key : value" */
	if (dash == NULL && n > 12 && fx_eq(s + n - 12, 12, " IDPROM Info")) {
		/* "Rack 0-Chassis IDPROM Info" */
		fx_cpy(d->name, sizeof(d->name), s, n - 12);
		return d->name[0] != 0;
	}
	if (dash == NULL || dash == s)
		return 0;
	k = (size_t)(dash - s);
	if (s[k] == ' ' && s[k + 1] == ':') {	/* "MPA 0/0/1 : ..." */
		fx_cpy(d->name, sizeof(d->name), s, k);
		fx_cpy(d->descr, sizeof(d->descr), dash + 3, n - (size_t)(dash + 3 - s));
		return d->name[0] != 0;
	}
	/* "...-IDPROM", "... IDPROM" is the label, not the location */
	if (k > 7 && fx_eq(s + k - 6, 6, "IDPROM") &&
	    (s[k - 7] == '-' || s[k - 7] == ' '))
		k -= 7;
	else if (!fx_starts(s, n, "Rack "))
		return 0;
	fx_cpy(d->name, sizeof(d->name), s, k);
	fx_cpy(d->descr, sizeof(d->descr), dash + 3, n - (size_t)(dash + 3 - s));
	return d->name[0] != 0;
}

static void diag_field(const struct fx_line *l, struct diag *d)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "PID", offsetof(struct diag, pid) },
		{ "Product ID", offsetof(struct diag, pid) },
		{ "S/N", offsetof(struct diag, sn) },
		{ "PCB Serial Number", offsetof(struct diag, sn) },
		{ "Serial Number", offsetof(struct diag, sn) },
		{ "Chassis Serial Number", offsetof(struct diag, chassis_sn) },
		{ "VID", offsetof(struct diag, vid) },
		{ "Version Identifier", offsetof(struct diag, vid) },
		{ "HwRev (UDI_VID)", offsetof(struct diag, vid) },
	};
	const char *v;
	size_t vn, i;

	/* "         S/N FOC1805N1GD" under an ASR 9000 MPA's MAIN */
	if (fx_starts(l->s + l->ind, l->n - l->ind, "S/N ") && d->sn[0] == 0) {
		v = l->s + l->ind + 4;
		vn = l->n - l->ind - 4;
		fx_trim(&v, &vn);
		fx_cpy(d->sn, sizeof(d->sn), v, fx_word(v, vn, NULL));
		return;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (fx_kv(l, keys[i].key, ':', &v, &vn)) {
			char *dst = (char *)d + keys[i].off;

			if (dst[0] == 0)	/* a block's first: the board's own */
				fx_cpy(dst, FX_VAL_MAX, v, fx_word(v, vn, NULL));
			return;
		}
}

static int diag_done(struct ztp_val *f, struct diag *d, int *chassis)
{
	struct fx_mod m;
	size_t nn = strlen(d->name);

	if (!d->name[0])
		return 0;
	if (fx_noserial(d->pid, strlen(d->pid)))
		d->pid[0] = 0;
	if (!*chassis && fx_starts(d->name, nn, "Rack ")) {
		/* the chassis: its label is the device's */
		*chassis = 1;
		fx_force(f, "model", d->pid);
		fx_force(f, "serial", d->chassis_sn[0] ? d->chassis_sn : d->sn);
		return d->pid[0] || d->sn[0] || d->chassis_sn[0];
	}
	if (!d->pid[0] && fx_noserial(d->sn, strlen(d->sn)))
		return 0;
	fx_mod_clear(&m);
	fx_cpy(m.name, sizeof(m.name), d->name, nn);
	fx_cpy(m.slot, sizeof(m.slot), d->name, fx_word(d->name, nn, "-"));
	fx_cpy(m.model, sizeof(m.model), d->pid, strlen(d->pid));
	fx_cpy(m.serial, sizeof(m.serial), d->sn, strlen(d->sn));
	fx_cpy(m.descr, sizeof(m.descr), d->descr, strlen(d->descr));
	fx_cpy(m.hw_rev, sizeof(m.hw_rev), d->vid, strlen(d->vid));
	return fx_add_module(f, &m);
}

/* IOS-XR `show diag details`, `admin show diag chassis`: blocks, each a
 * header line at the left margin and the board's label below it,
 * indented ("S/N:", "PID:" or "PCB Serial Number :", "PID :").  A "Rack"
 * block is the chassis. */
int fx_xr_diag(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	struct diag d;
	size_t i;
	int found = 0, chassis = 0;

	(void)platform;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < t->nl; i++) {
		struct diag nd;

		if (LN(i) == 0)
			continue;
		if (t->l[i].ind == 0 && diag_header(LS(i), LN(i), &nd)) {
			found |= diag_done(f, &d, &chassis);
			d = nd;
			continue;
		}
		if (d.name[0] && t->l[i].ind > 0)
			diag_field(L(i), &d);
	}
	found |= diag_done(f, &d, &chassis);
	return found;
}

/* ------------------------------------------------------------ license udi */

/* "PID:C9300-24P,SN:FCW2133G0VS", "CISCO2911/K9:FGL1234567A": 1 with
 * the PID and serial */
static int udi_pair(const char *s, size_t n, char *pid, char *sn)
{
	const char *p = fx_find(s, n, "PID:"), *q;
	size_t k;

	if (p != NULL) {
		p += 4;
		k = fx_word(p, n - (size_t)(p - s), ",");
		fx_cpy(pid, FX_VAL_MAX, p, k);
		q = fx_find(p, n - (size_t)(p - s), "SN:");
		if (q == NULL)
			return 0;
		q += 3;
		fx_cpy(sn, FX_VAL_MAX, q, fx_word(q, n - (size_t)(q - s), ","));
		return pid[0] != 0;
	}
	q = memchr(s, ':', n);
	if (q == NULL || q == s || q + 1 >= s + n)
		return 0;
	fx_cpy(pid, FX_VAL_MAX, s, (size_t)(q - s));
	fx_cpy(sn, FX_VAL_MAX, q + 1, (size_t)(s + n - q - 1));
	return pid[0] && sn[0];
}

/* `show license udi`: the device's PID and serial.  IOS-XE prints
 * "UDI: PID:C9300-24P,SN:FCW2133G0VS" (per stack member under "Slot N:",
 * or "Active:" and "Standby:" of an HA pair); IOS 15 a table "SlotID PID
 * SN UDI" whose active row is starred.  The first is the device, the
 * others are modules. */
int fx_cisco_udi(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	char pid[FX_VAL_MAX], sn[FX_VAL_MAX], slot[FX_VAL_MAX] = "";
	char pid0[FX_VAL_MAX] = "", sn0[FX_VAL_MAX] = "";
	size_t i, n = 0;
	int found = 0;

	(void)platform;
	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i);
		size_t ln = LN(i), k;
		struct fx_tok tok[8];

		if (ln == 0)
			continue;
		if (fx_starts(s, ln, "Slot ") && s[ln - 1] == ':') {
			fx_cpy(slot, sizeof(slot), s + 5, ln - 6);
			continue;
		}
		pid[0] = sn[0] = 0;
		if (fx_find(s, ln, "PID:") != NULL) {
			if (!udi_pair(s, ln, pid, sn))
				continue;
		} else {
			/* a table row: its last word is the UDI PID:SN */
			k = fx_tokens(s, ln, tok, 8);
			if (k < 3 || !udi_pair(tok[k - 1].s, tok[k - 1].n, pid, sn) ||
			    !fx_eq(tok[k - 2].s, tok[k - 2].n, sn))
				continue;
		}
		if (fx_noserial(pid, strlen(pid)))
			continue;
		if (n++ == 0) {
			fx_force(f, "model", pid);
			fx_force(f, "serial", sn);
			fx_cpy(pid0, sizeof(pid0), pid, strlen(pid));
			fx_cpy(sn0, sizeof(sn0), sn, strlen(sn));
			found = 1;
		} else if (strcmp(pid, pid0) != 0 || strcmp(sn, sn0) != 0) {
			/* another member; "HA UDI List: Active:..." repeats the
			 * box's own */
			struct fx_mod m;

			fx_mod_clear(&m);
			fx_cpy(m.slot, sizeof(m.slot), slot, strlen(slot));
			fx_cpy(m.model, sizeof(m.model), pid, strlen(pid));
			fx_cpy(m.serial, sizeof(m.serial), sn, strlen(sn));
			found |= fx_add_module(f, &m);
		}
	}
	return found;
}
