/* facts-huawei.c: Huawei VRP `display version`, `display device` and
 * `display elabel`. */
#include <stdio.h>
#include <string.h>

#include "facts-int.h"

#define L(i) (&t->l[i])
#define LS(i) (t->l[i].s + t->l[i].ind)
#define LN(i) (t->l[i].n - t->l[i].ind)

int fx_vrp_version(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	const char *v;
	size_t vn, i;
	int found = 0;

	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i), *u;
		size_t n = LN(i);
		struct fx_tok tok[16];
		size_t nt;

		if (fx_starts(s, n, "VRP (R) software") || fx_starts(s, n, "VRP software")) {
			/* "..., Version 8.180 (NE40E V800R011C00SPC200)": the product
			 * version is the last word in the parentheses */
			const char *op = memchr(s, '(', n), *cp;

			if (op && (op = fx_find_cs(s, n, "Version ")) != NULL &&
			    (op = memchr(op, '(', n - (size_t)(op - s))) != NULL &&
			    (cp = memchr(op, ')', n - (size_t)(op - s))) != NULL) {
				nt = fx_tokens(op + 1, (size_t)(cp - op - 1), tok, 16);
				if (nt > 0)
					fx_set(f, "version", tok[nt - 1].s, tok[nt - 1].n);
			} else if ((v = fx_find_cs(s, n, "Version ")) != NULL) {
				v += 8;
				vn = n - (size_t)(v - s);
				fx_set(f, "version", v, fx_word(v, vn, ","));
			}
			found = 1;
		} else if ((u = fx_find_cs(s, n, " uptime is ")) != NULL &&
			   (fx_starts(s, n, "HUAWEI ") || fx_starts(s, n, "Huawei ") ||
			    fx_starts(s, n, "Quidway "))) {
			/* "HUAWEI NE40E-X2-M8A uptime is", "Quidway S7706 Terabit
			 * Routing Switch uptime is", "HUAWEI ATN 910C-B uptime is" */
			nt = fx_tokens(s, (size_t)(u - s), tok, 16);
			if (nt >= 3 && tok[2].s[0] >= '0' && tok[2].s[0] <= '9')
				fx_set(f, "model", tok[1].s,
				       (size_t)(tok[2].s + tok[2].n - tok[1].s));
			else if (nt >= 2)
				fx_set(f, "model", tok[1].s, tok[1].n);
			found = 1;
		} else if (fx_kv(L(i), "ESN of Master", ':', &v, &vn) ||
			   fx_kv(L(i), "ESN", ':', &v, &vn)) {
			fx_set(f, "serial", v, fx_word(v, vn, NULL));
			found = 1;
		}
	}
	return found;
}

/* ------------------------------------------------------------ device */

int fx_vrp_device(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	size_t i, k, c, ncol = 0, col[16];
	int typec = -1, cardc = -1, found = 0;
	char slot[FX_VAL_MAX] = "";

	for (i = 0; i < t->nl; i++) {
		const char *s = t->l[i].s, *p;
		size_t n = t->l[i].n, nt;
		struct fx_tok tok[16];
		const char *cs[16];
		size_t cn[16];
		struct fx_mod m;

		if (n == 0 || fx_is_ruler(L(i)))
			continue;
		if ((p = fx_find_cs(s, n, "'s Device status")) != NULL) {
			fx_set(f, "model", LS(i), (size_t)(p - LS(i)));
			found = 1;
			continue;
		}
		if (fx_starts(LS(i), LN(i), "Device status") || s[0] == '*' ||
		    fx_starts(LS(i), LN(i), "Note"))
			continue;
		if (fx_starts(LS(i), LN(i), "Slot") && fx_find(s, n, "Online")) {
			nt = fx_tokens(s, n, tok, 16);
			ncol = nt;
			typec = cardc = -1;
			for (k = 0; k < nt; k++) {
				col[k] = tok[k].col;
				if (fx_eq(tok[k].s, tok[k].n, "Type") ||
				    fx_eq(tok[k].s, tok[k].n, "Card-Type") ||
				    fx_eq(tok[k].s, tok[k].n, "BoardType"))
					typec = (int)k;
				else if (fx_eq(tok[k].s, tok[k].n, "Card") ||
					 fx_eq(tok[k].s, tok[k].n, "Sub") ||
					 fx_eq(tok[k].s, tok[k].n, "Sub-slot"))
					cardc = (int)k;
			}
			/* "Slot #" is one column */
			continue;
		}
		if (typec < 0)
			continue;
		nt = fx_tokens(s, n, tok, 16);
		for (c = 0; c < ncol; c++) {
			cs[c] = NULL;
			cn[c] = 0;
		}
		for (k = 0; k < nt; k++) {
			size_t tc = tok[k].col + 1;

			for (c = ncol - 1; c > 0 && col[c] > tc; c--)
				;
			if (cs[c] == NULL)
				cs[c] = tok[k].s;
			cn[c] = (size_t)(tok[k].s + tok[k].n - cs[c]);
		}
		fx_mod_clear(&m);
		if (cs[0] != NULL && tok[0].col < (ncol > 1 ? col[1] : 1))
			fx_cpy(slot, sizeof(slot), cs[0], cn[0]);
		else
			cs[0] = NULL;
		fx_cpy(m.slot, sizeof(m.slot), slot, strlen(slot));
		if (cardc >= 0 && cs[cardc] && !fx_eq(cs[cardc], cn[cardc], "-"))
			fx_cpy(m.name, sizeof(m.name), cs[cardc], cn[cardc]);
		if (cs[typec] == NULL)
			continue;
		p = cs[typec];
		k = cn[typec];
		if (k > 1 && p[0] == '*') {	/* configured, not present */
			p++;
			k--;
		}
		fx_cpy(m.model, sizeof(m.model), p, k);
		if (m.name[0] == 0 && slot[0]) {
			if (snprintf(m.name, sizeof(m.name), "Slot %s", slot) >= (int)sizeof(m.name))
				m.name[0] = 0;
		}
		if (fx_add_module(f, &m))
			found = 1;
	}
	return found;
}

/* ------------------------------------------------------------ elabel */

/* Sections "[Slot_3]", "[Main_Board]", "[Port_1]", "[Backplane]" and the
 * "[Board Properties]" under them with "BoardType=", "BarCode=",
 * "Description=" lines; "/$" lines are version notes. */
int fx_vrp_elabel(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	struct fx_mod m;
	char slot[FX_VAL_MAX] = "", sub[FX_VAL_MAX] = "";
	size_t i;
	struct fx_mod first;
	int in = 0, found = 0, chassis = 0, inchassis = 0, mainboard = 0;
	int held = 0, sawchassis = 0;

	fx_mod_clear(&m);
	for (i = 0; i <= t->nl; i++) {
		const char *s = i < t->nl ? LS(i) : "", *v;
		size_t n = i < t->nl ? LN(i) : 0, vn;

		if (n >= 2 && s[0] == '/' && s[1] == '$')
			continue;
		if (i == t->nl || (n >= 2 && s[0] == '[' && s[n - 1] == ']')) {
			if (in && (m.serial[0] || m.model[0])) {
				if (chassis) {
					fx_sets(f, "serial", m.serial);
					fx_sets(f, "model", m.model);
					sawchassis = 1;
				} else if (mainboard && !held && !sawchassis && !fx_has(f, "serial")) {
					first = m;	/* maybe the box itself: see below */
					held = 1;
				} else {
					fx_add_module(f, &m);
				}
				found = 1;
			}
			in = 0;
			if (i == t->nl)
				break;
			v = s + 1;
			vn = n - 2;
			if (fx_eq(v, vn, "Board Properties")) {
				fx_mod_clear(&m);
				fx_cpy(m.slot, sizeof(m.slot), slot, strlen(slot));
				if (sub[0])
					fx_cpy(m.name, sizeof(m.name), sub, strlen(sub));
				else if (slot[0] &&
					 snprintf(m.name, sizeof(m.name), "Slot %s", slot) >= (int)sizeof(m.name))
					m.name[0] = 0;
				chassis = inchassis && !sub[0];
				mainboard = !inchassis && !sub[0];
				in = 1;
			} else if (fx_starts(v, vn, "Slot_") || fx_starts(v, vn, "Slot ")) {
				fx_cpy(slot, sizeof(slot), v + 5, vn - 5);
				sub[0] = 0;
				inchassis = 0;
			} else if (fx_starts(v, vn, "Backplane") || fx_starts(v, vn, "Chassis")) {
				slot[0] = sub[0] = 0;
				inchassis = 1;
			} else {
				fx_cpy(sub, sizeof(sub), v, vn);
				if (fx_eq(v, vn, "Main_Board"))
					sub[0] = 0;	/* the slot's own board */
			}
			continue;
		}
		if (!in)
			continue;
		if (fx_kv(L(i), "BoardType", '=', &v, &vn))
			fx_cpy(m.model, sizeof(m.model), v, vn);
		else if (fx_kv(L(i), "BarCode", '=', &v, &vn))
			fx_cpy(m.serial, sizeof(m.serial), v, vn);
		else if (fx_kv(L(i), "Description", '=', &v, &vn))
			fx_cpy(m.descr, sizeof(m.descr), v, vn);
	}
	/* a fixed box labels no chassis: its first main board is the box (its
	 * bar code is the ESN) */
	if (held) {
		if (!sawchassis && !fx_has(f, "serial")) {
			fx_sets(f, "serial", first.serial);
			fx_sets(f, "model", first.model);
		} else {
			fx_add_module(f, &first);
		}
	}
	return found;
}

/* ------------------------------------------------------------ esn */

/* `display esn` / `display sn license`: "ESN of device: 2150...",
 * "ESN of slot 0: 2102...", "ESN of Master: ..."; the first is the device,
 * the other slots (stack members) are modules. */
int fx_vrp_esn(const struct fx_text *t, struct ztp_val *f, const char *platform)
{
	size_t i;
	int found = 0;

	for (i = 0; i < t->nl; i++) {
		const char *s = LS(i), *c, *v;
		size_t n = LN(i), vn;
		struct fx_mod m;

		if (!fx_starts(s, n, "ESN of ") || (c = memchr(s, ':', n)) == NULL)
			continue;
		v = c + 1;
		vn = n - (size_t)(v - s);
		fx_trim(&v, &vn);
		vn = fx_word(v, vn, NULL);
		if (vn == 0)
			continue;
		found = 1;
		if (!fx_has(f, "serial")) {
			fx_set(f, "serial", v, vn);
			continue;
		}
		fx_mod_clear(&m);
		fx_cpy(m.serial, sizeof(m.serial), v, vn);
		fx_cpy(m.name, sizeof(m.name), s + 7, (size_t)(c - s) - 7);
		if (fx_starts(m.name, strlen(m.name), "slot "))
			fx_cpy(m.slot, sizeof(m.slot), m.name + 5, strlen(m.name) - 5);
		fx_add_module(f, &m);
	}
	return found;
}
