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

/* A chunk: words one blank apart.  The columns of `show chassis hardware`
 * are two blanks apart or more, except where a value fills its column
 * ("Routing Engine 0 REV 07"). */
struct chunk {
	const char *s;
	size_t n, col;
};

static size_t chunks(const char *s, size_t n, struct chunk *c, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		while (i < n && fx_is_blank((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		c[k].s = s + i;
		c[k].col = i;
		while (i < n && !(fx_is_blank((unsigned char)s[i]) &&
				  (i + 1 >= n || fx_is_blank((unsigned char)s[i + 1]))))
			i++;
		c[k].n = (size_t)(s + i - c[k].s);
		k++;
	}
	return k;
}

/* the offset of " REV xx"/" Rev xx" in a chunk: a version behind a name
 * that fills the item column */
static size_t rev_at(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i + 5 <= n; i++)
		if (s[i - 1] == ' ' && (fx_starts(s + i, n - i, "REV ") ||
					fx_starts(s + i, n - i, "Rev ")))
			return i;
	return 0;
}

/* Lines of `detail` and `extensive` that are no inventory item: the
 * EEPROM dump ("Jedec Code:   0x7fb0", "Address 0x00: 7f b0 ...",
 * "I2C Hex Data:", "ID: Gibraltar Backplane"), which labels its values,
 * and a disk's or a USB device's line ("ad0   3919 MB  ...", "usb0 (addr
 * 1)  EHCI root hub 0"). */
static int not_item(const char *s, size_t n)
{
	struct fx_tok tok[4];
	size_t nt = fx_tokens(s, n, tok, 4), i;

	for (i = 0; i < n; i++)
		if (s[i] == ':' && (i + 1 == n || fx_is_blank((unsigned char)s[i + 1])))
			return 1;
	if (nt >= 3 && (fx_eq(tok[2].s, tok[2].n, "MB") || fx_eq(tok[2].s, tok[2].n, "GB") ||
			fx_eq(tok[2].s, tok[2].n, "TB")) && tok[1].s[0] >= '0' && tok[1].s[0] <= '9')
		return 1;
	return nt >= 2 && fx_starts(tok[1].s, tok[1].n, "(addr");
}

/* Parsed by the format's structure: an item per line, its children two
 * blanks further in; the fields are the chunks of the line, each in the
 * column its start is in (a part number or a serial never holds a blank:
 * such a chunk is a description that starts left of its column).  Below a
 * Routing Engine, `detail` lists its memory, disks and USB devices: parts
 * of the engine, no modules; `extensive` adds the EEPROM of each item. */
int fx_junos_chassis(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	static const char *const names[NCOL] = {
		"Item", "Version", "Part number", "Serial number", "Description",
	};
	size_t col[NCOL], i, c, depth, re_ind = (size_t)-1;
	char path[8][FX_VAL_MAX], node[FX_VAL_MAX] = "";
	int have_hdr = 0, found = 0, nchassis = 0;

	memset(path, 0, sizeof(path));
	for (i = 0; i < t->nl; i++) {
		const char *s = t->l[i].s, *p;
		size_t n = t->l[i].n, nk, k;
		struct chunk ch[16];
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
		if (LN(i) > 1 && LS(i)[LN(i) - 1] == ':' &&
		    fx_tokens(s, n, (struct fx_tok[2]){0}, 2) == 1) {
			/* "node0:", "fpc1:": a cluster or virtual chassis member */
			fx_cpy(node, sizeof(node), LS(i), LN(i) - 1);
			re_ind = (size_t)-1;
			continue;
		}
		/* the engine's own parts (detail), until the next item at its
		 * level or above */
		if (re_ind != (size_t)-1 && t->l[i].ind > re_ind)
			continue;
		re_ind = (size_t)-1;
		if (not_item(LS(i), LN(i)))
			continue;
		nk = chunks(s, n, ch, 16);
		for (c = 0; c < NCOL; c++) {
			cs[c] = NULL;
			cn[c] = 0;
		}
		for (k = 0; k < nk; k++) {
			size_t cc, r;

again:
			/* "Routing Engine 0 REV 07": the name filled its column */
			if (cs[C_ITEM] == NULL && (r = rev_at(ch[k].s, ch[k].n)) != 0 &&
			    ch[k].col + r + 1 >= col[C_VER]) {
				size_t vn = 4 + fx_word(ch[k].s + r + 4, ch[k].n - r - 4, NULL);

				cs[C_ITEM] = ch[k].s;
				cn[C_ITEM] = r - 1;
				cs[C_VER] = ch[k].s + r;
				cn[C_VER] = vn;
				if (r + vn + 1 < ch[k].n) {
					/* "REV 0x10 650-061152": the part number
					 * follows, one blank on */
					ch[k].s += r + vn + 1;
					ch[k].col += r + vn + 1;
					ch[k].n -= r + vn + 1;
					goto again;
				}
				continue;
			}
			for (cc = NCOL - 1; cc > 0 && col[cc] > ch[k].col + 1; cc--)
				;
			if (cs[C_ITEM] == NULL)
				cc = C_ITEM;	/* the name, however long */
			if ((cc == C_PART || cc == C_SER) && memchr(ch[k].s, ' ', ch[k].n)) {
				size_t off = col[cc + 1] - ch[k].col;

				if (col[cc + 1] > ch[k].col && off < ch[k].n &&
				    ch[k].s[off - 1] == ' ' && ch[k].s[off] != ' ' &&
				    memchr(ch[k].s, ' ', off - 1) == NULL) {
					/* the value filled its column: the rest is
					 * the next column's */
					if (cs[cc] == NULL) {
						cs[cc] = ch[k].s;
						cn[cc] = off - 1;
					}
					ch[k].s += off;
					ch[k].n -= off;
					ch[k].col += off;
					goto again;
				}
				cc = C_DESC;	/* a description starting left */
			}
			if (cs[cc] == NULL) {
				cs[cc] = ch[k].s;
				cn[cc] = ch[k].n;
			} else if (cc == C_DESC) {
				cn[cc] = (size_t)(ch[k].s + ch[k].n - cs[cc]);
			}
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
		if (fx_starts(m.name, strlen(m.name), "Routing Engine"))
			re_ind = t->l[i].ind;
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
