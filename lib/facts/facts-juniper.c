/* facts-juniper.c: JunOS `show version` and `show chassis hardware`. */
#include <stdio.h>
#include <string.h>

#include "facts-int.h"

#define L(i) (&t->l[i])
#define LS(i) (t->l[i].s + t->l[i].ind)
#define LN(i) (t->l[i].n - t->l[i].ind)

/* a JunOS release: 18.2R2-S1, 13.2X51-D35.3, 21.1X3.3 (not the
 * 20201028.e1cef1d_builder build stamps) */
static int junos_release(const char *s, size_t n)
{
	size_t i = 0, d;

	for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	if (d == 0 || d > 2 || i >= n || s[i] != '.')
		return 0;
	for (i++, d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	return d > 0 && i < n && s[i] >= 'A' && s[i] <= 'Z';
}

int fx_junos_version(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	static const char *const pref[] = {
		"JUNOS Software Release [", "JUNOS Base OS Software Suite [",
		"JUNOS Base OS boot [", "JUNOS EX  Software Suite [",
		"JUNOS Software Suite [", NULL,
	};
	const char *v;
	size_t vn, i, p;
	int found = 0;

	for (i = 0; i < t->nl; i++) {
		if (fx_kv(L(i), "Hostname", ':', &v, &vn)) {
			fx_set(f, "hostname", v, vn);
			found = 1;
		} else if (fx_kv(L(i), "Model", ':', &v, &vn)) {
			fx_set(f, "model", v, vn);
			found = 1;
		} else if (fx_kv(L(i), "Junos", ':', &v, &vn) ||
			   fx_kv(L(i), "JUNOS version", ':', &v, &vn)) {
			fx_set(f, "version", v, fx_word(v, vn, NULL));
			found = 1;
		}
	}
	/* older releases: the release of a known package, then of any */
	for (p = 0; pref[p] && !fx_has(f, "version"); p++)
		for (i = 0; i < t->nl; i++)
			if (fx_starts(LS(i), LN(i), pref[p])) {
				v = LS(i) + strlen(pref[p]);
				vn = LN(i) - strlen(pref[p]);
				vn = fx_word(v, vn, "]");
				if (junos_release(v, vn)) {
					fx_set(f, "version", v, vn);
					found = 1;
					break;
				}
			}
	for (i = 0; i < t->nl && !fx_has(f, "version"); i++) {
		const char *s = LS(i), *b;
		size_t n = LN(i);

		if (!fx_starts(s, n, "JUNOS") || (b = memchr(s, '[', n)) == NULL)
			continue;
		v = b + 1;
		vn = fx_word(v, n - (size_t)(v - s), "]");
		if (junos_release(v, vn)) {
			fx_set(f, "version", v, vn);
			found = 1;
		}
	}
	return found;
}

/* ------------------------------------------------------------ hardware */

enum { C_ITEM, C_VER, C_PART, C_SER, C_DESC, NCOL };

int fx_junos_chassis(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	static const char *const names[NCOL] = {
		"Item", "Version", "Part number", "Serial number", "Description",
	};
	size_t col[NCOL], i, c, depth;
	char path[8][FX_VAL_MAX], node[FX_VAL_MAX] = "";
	int have_hdr = 0, found = 0, nchassis = 0;

	memset(path, 0, sizeof(path));
	for (i = 0; i < t->nl; i++) {
		const char *s = t->l[i].s, *p;
		size_t n = t->l[i].n, nt, k;
		struct fx_tok tok[64];
		const char *cs[NCOL];
		size_t cn[NCOL];
		struct fx_mod m;

		if (fx_starts(LS(i), LN(i), "Item") && fx_find(s, n, "Serial number")) {
			for (c = 0; c < NCOL; c++) {
				p = fx_find(s, n, names[c]);
				if (p == NULL)
					break;
				col[c] = (size_t)(p - s);
			}
			have_hdr = c == NCOL;
			continue;
		}
		if (!have_hdr || t->l[i].n == 0 || fx_is_ruler(L(i)))
			continue;
		if (fx_starts(LS(i), LN(i), "Hardware inventory"))
			continue;
		if (LN(i) > 1 && LS(i)[LN(i) - 1] == ':' && fx_tokens(s, n, tok, 2) == 1) {
			/* "node0:", "fpc1:": a cluster or virtual chassis member */
			fx_cpy(node, sizeof(node), LS(i), LN(i) - 1);
			continue;
		}
		nt = fx_tokens(s, n, tok, 64);
		for (c = 0; c < NCOL; c++) {
			cs[c] = NULL;
			cn[c] = 0;
		}
		for (k = 0; k < nt; k++) {
			size_t tc = tok[k].col + 1;	/* a column off is still its column */

			for (c = NCOL - 1; c > 0 && col[c] > tc; c--)
				;
			/* item names never reach into the version column far */
			if (cs[c] == NULL)
				cs[c] = tok[k].s;
			cn[c] = (size_t)(tok[k].s + tok[k].n - cs[c]);
		}
		if (cs[C_ITEM] == NULL)
			continue;
		fx_mod_clear(&m);
		fx_cpy(m.name, sizeof(m.name), cs[C_ITEM], cn[C_ITEM]);
		depth = t->l[i].ind / 2;
		if (depth >= 8)
			depth = 7;
		fx_cpy(path[depth], sizeof(path[depth]), cs[C_ITEM], cn[C_ITEM]);
		for (c = depth + 1; c < 8; c++)
			path[c][0] = 0;
		if (cs[C_VER])
			fx_cpy(m.hw_rev, sizeof(m.hw_rev), cs[C_VER], cn[C_VER]);
		if (cs[C_PART])
			fx_cpy(m.model, sizeof(m.model), cs[C_PART], cn[C_PART]);
		if (cs[C_SER])
			fx_cpy(m.serial, sizeof(m.serial), cs[C_SER], cn[C_SER]);
		if (cs[C_DESC])
			fx_cpy(m.descr, sizeof(m.descr), cs[C_DESC], cn[C_DESC]);
		if (fx_noserial(m.model, strlen(m.model)))
			m.model[0] = 0;
		if (depth == 0 && fx_eq(m.name, strlen(m.name), "Chassis")) {
			const char *dev = ztp_map_str(f, "serial");

			found = 1;
			if (nchassis++ == 0 || !fx_has(f, "serial") ||
			    (dev && strcmp(dev, m.serial) == 0)) {
				fx_sets(f, "serial", m.serial);
				fx_sets(f, "model", m.descr);
				continue;
			}
			/* the second node of a cluster: a module, like a stack member */
			fx_cpy(m.slot, sizeof(m.slot), node, strlen(node));
			fx_cpy(m.model, sizeof(m.model), m.descr, strlen(m.descr));
			fx_add_module(f, &m);
			continue;
		}
		/* slot: the numbers of the path, "1/0/2" for FPC 1 MIC 0 PIC 2,
		 * behind the node on a cluster's second node ("node1/0") */
		if (nchassis > 1 && node[0] &&
		    snprintf(m.slot, sizeof(m.slot), "%s", node) >= (int)sizeof(m.slot))
			m.slot[0] = 0;
		for (c = 0; c <= depth; c++) {
			struct fx_tok pt[8];
			size_t np = fx_tokens(path[c], strlen(path[c]), pt, 8), o = strlen(m.slot);

			if (np >= 2 && pt[np - 1].s[0] >= '0' && pt[np - 1].s[0] <= '9' &&
			    o + pt[np - 1].n + 2 < sizeof(m.slot)) {
				if (o)
					m.slot[o++] = '/';
				memcpy(m.slot + o, pt[np - 1].s, pt[np - 1].n);
				m.slot[o + pt[np - 1].n] = 0;
			}
		}
		if (fx_add_module(f, &m))
			found = 1;
	}
	return found;
}
