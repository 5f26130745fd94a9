/* facts-arista.c: Arista EOS `show version` and `show inventory`. */
#include <stdio.h>
#include <string.h>

#include "facts-int.h"

#define L(i) (&t->l[i])
#define LS(i) (t->l[i].s + t->l[i].ind)
#define LN(i) (t->l[i].n - t->l[i].ind)

int fx_eos_version(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	const char *v;
	size_t vn, i;
	int found = 0;

	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i);
		size_t n = LN(i);

		if (fx_starts(s, n, "Arista ") && !fx_has(f, "model") &&
		    !fx_find(s, n, "Networks") && !fx_find(s, n, ":")) {
			v = s + 7;
			vn = n - 7;
			fx_trim(&v, &vn);
			fx_set(f, "model", v, fx_word(v, vn, NULL));
			found = 1;
		} else if (fx_kv(L(i), "Serial number", ':', &v, &vn)) {
			fx_set(f, "serial", v, fx_word(v, vn, NULL));
			found = 1;
		} else if (fx_kv(L(i), "Software image version", ':', &v, &vn)) {
			fx_set(f, "version", v, fx_word(v, vn, NULL));
			found = 1;
		} else if (fx_kv(L(i), "Hostname", ':', &v, &vn)) {
			fx_set(f, "hostname", v, fx_word(v, vn, NULL));
			found = 1;
		}
	}
	return found;
}

/* ------------------------------------------------------------ inventory */

/* the columns EOS prints; multi-word ones first */
static const char *const colnames[] = {
	"Number of Fans", "Serial Number", "HW Version", "Mfg Date",
	"Manufacturer", "Description", "Model", "Slot", "Port", "Module",
	"Linecard", "Rev", "Epoch", "Type", "Count", "Serial", "Version", NULL,
};

enum { MAXCOL = 12 };

struct hdr {
	size_t n;
	int name[MAXCOL];	/* index into colnames, -1 unknown */
	size_t col[MAXCOL];
};

static int parse_header(const char *s, size_t n, struct hdr *h)
{
	size_t i = 0, k;

	h->n = 0;
	while (i < n && h->n < MAXCOL) {
		while (i < n && fx_is_blank((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		for (k = 0; colnames[k]; k++) {
			size_t cl = strlen(colnames[k]);

			if (fx_starts(s + i, n - i, colnames[k]) &&
			    (i + cl == n || fx_is_blank((unsigned char)s[i + cl])))
				break;
		}
		if (colnames[k] == NULL)
			return 0;	/* not a header line */
		h->name[h->n] = (int)k;
		h->col[h->n] = i;
		h->n++;
		i += strlen(colnames[k]);
	}
	return h->n >= 2;
}

static int hdr_find(const struct hdr *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(colnames[h->name[i]], name) == 0)
			return (int)i;
	return -1;
}

/* Assign the row's tokens to the header's columns: one token a column,
 * extra tokens to the free-text column (Manufacturer, Description). */
static void split_row(const struct hdr *h, const struct fx_tok *tok, size_t nt,
		      const char **cs, size_t *cn)
{
	int multi = hdr_find(h, "Manufacturer");
	size_t c, k, before, after;

	if (multi < 0)
		multi = hdr_find(h, "Description");
	for (c = 0; c < h->n; c++) {
		cs[c] = NULL;
		cn[c] = 0;
	}
	if (nt == 0)
		return;
	if (nt <= h->n || multi < 0) {
		for (k = 0; k < nt && k < h->n; k++) {
			cs[k] = tok[k].s;
			cn[k] = tok[k].n;
		}
		if (nt > h->n) {	/* the rest to the last column */
			cn[h->n - 1] = (size_t)(tok[nt - 1].s + tok[nt - 1].n - cs[h->n - 1]);
		}
		return;
	}
	before = (size_t)multi;
	after = h->n - before - 1;
	for (k = 0; k < before; k++) {
		cs[k] = tok[k].s;
		cn[k] = tok[k].n;
	}
	cs[multi] = tok[before].s;
	cn[multi] = (size_t)(tok[nt - after - 1].s + tok[nt - after - 1].n - tok[before].s);
	for (k = 0; k < after; k++) {
		cs[before + 1 + k] = tok[nt - after + k].s;
		cn[before + 1 + k] = tok[nt - after + k].n;
	}
}

static int is_date(const char *s, size_t n)
{
	return n == 10 && s[4] == '-' && s[7] == '-';
}

int fx_eos_inventory(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	struct hdr h;
	size_t i, c;
	int sysinfo = 0, have_hdr = 0, found = 0, sysline = 0;

	memset(&h, 0, sizeof(h));
	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i);
		size_t n = LN(i), nt;
		struct fx_tok tok[32];
		const char *cs[MAXCOL];
		size_t cn[MAXCOL];
		struct fx_mod m;
		struct hdr nh;
		int ci;

		if (n == 0 || fx_is_ruler(L(i)))
			continue;
		if (fx_starts(s, n, "System information")) {
			sysinfo = 1;
			have_hdr = 0;
			sysline = 0;
			continue;
		}
		if (fx_starts(s, n, "System has ")) {
			sysinfo = 0;
			have_hdr = 0;
			continue;
		}
		if (parse_header(s, n, &nh)) {
			h = nh;
			have_hdr = 1;
			continue;
		}
		nt = fx_tokens(s, n, tok, 32);
		if (sysinfo) {
			/* model + description, then version, serial, date */
			if (sysline == 0) {
				fx_set(f, "model", tok[0].s, tok[0].n);
				sysline = 1;
				found = 1;
			} else if (sysline == 1) {
				size_t k;

				for (k = 1; k < nt; k++)
					if (is_date(tok[k].s, tok[k].n)) {
						fx_set(f, "serial", tok[k - 1].s, tok[k - 1].n);
						break;
					}
				if (k == nt && nt >= 2)
					fx_set(f, "serial", tok[1].s, tok[1].n);
				sysline = 2;
			}
			continue;
		}
		if (!have_hdr || hdr_find(&h, "Model") < 0 || nt < 2)
			continue;
		if (fx_find(s, n, "Not Inserted") || fx_find(s, n, "Not Present"))
			continue;	/* an empty slot */
		split_row(&h, tok, nt, cs, cn);
		fx_mod_clear(&m);
		for (c = 0; c < h.n; c++) {
			const char *name = colnames[h.name[c]];

			if (cs[c] == NULL)
				continue;
			if (c == 0)
				fx_cpy(m.slot, sizeof(m.slot), cs[c], cn[c]);
			else if (strcmp(name, "Model") == 0)
				fx_cpy(m.model, sizeof(m.model), cs[c], cn[c]);
			else if (strcmp(name, "Serial Number") == 0 || strcmp(name, "Serial") == 0)
				fx_cpy(m.serial, sizeof(m.serial), cs[c], cn[c]);
			else if (strcmp(name, "Rev") == 0 || strcmp(name, "HW Version") == 0)
				fx_cpy(m.hw_rev, sizeof(m.hw_rev), cs[c], cn[c]);
			else if (strcmp(name, "Description") == 0 || strcmp(name, "Manufacturer") == 0)
				fx_cpy(m.descr, sizeof(m.descr), cs[c], cn[c]);
		}
		ci = hdr_find(&h, "Model");
		if (ci < 0)
			continue;
		if (snprintf(m.name, sizeof(m.name), "%s %s", colnames[h.name[0]], m.slot) >= (int)sizeof(m.name))
			m.name[0] = 0;
		if (fx_add_module(f, &m))
			found = 1;
	}
	return found;
}
