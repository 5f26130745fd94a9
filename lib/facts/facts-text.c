/* facts-text.c: the helpers every parser (facts-*.c) uses: bounded
 * searches and tokens over a line of captured text, and the setters that
 * merge one value or one module into a facts map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "facts-int.h"
#include "str.h"
#include "xmalloc.h"

/* ------------------------------------------------------------ text helpers */

int fx_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

const char *fx_find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, j;
	int f0;

	if (k == 0)
		return s;
	if (s == NULL || k > n)
		return NULL;
	f0 = lc((unsigned char)needle[0]);
	for (i = 0; i + k <= n; i++) {
		if (lc((unsigned char)s[i]) != f0)
			continue;
		for (j = 1; j < k; j++)
			if (lc((unsigned char)s[i + j]) != lc((unsigned char)needle[j]))
				break;
		if (j == k)
			return s + i;
	}
	return NULL;
}

const char *fx_find_cs(const char *s, size_t n, const char *needle)
{
	if (s == NULL)
		return NULL;
	return memmem(s, n, needle, strlen(needle));
}
int fx_starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return k <= n && strncasecmp(s, prefix, k) == 0;
}

int fx_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

void fx_trim(const char **s, size_t *n)
{
	while (*n > 0 && (fx_is_blank((unsigned char)**s) || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (fx_is_blank((unsigned char)(*s)[*n - 1]) ||
			  (*s)[*n - 1] == '\r'))
		(*n)--;
}

int fx_kv(const struct fx_line *l, const char *key, char sep,
	  const char **v, size_t *vn)
{
	const char *s = l->s + l->ind;
	size_t n = l->n - l->ind, k = strlen(key);

	if (!fx_starts(s, n, key))
		return 0;
	s += k;
	n -= k;
	while (n > 0 && fx_is_blank((unsigned char)*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s != sep)
		return 0;
	s++;
	n--;
	fx_trim(&s, &n);
	*v = s;
	*vn = n;
	return 1;
}

size_t fx_tokens(const char *s, size_t n, struct fx_tok *t, size_t max)
{
	size_t i = 0, c = 0;

	while (i < n && c < max) {
		while (i < n && fx_is_blank((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		t[c].s = s + i;
		t[c].col = i;
		while (i < n && !fx_is_blank((unsigned char)s[i]))
			i++;
		t[c].n = (size_t)(s + i - t[c].s);
		c++;
	}
	return c;
}

size_t fx_word(const char *s, size_t n, const char *stop)
{
	size_t i = 0;

	while (i < n && !fx_is_blank((unsigned char)s[i]) &&
	       (stop == NULL || strchr(stop, s[i]) == NULL))
		i++;
	return i;
}

int fx_is_ruler(const struct fx_line *l)
{
	size_t i, dashes = 0;

	for (i = l->ind; i < l->n; i++) {
		if (l->s[i] == '-' || l->s[i] == '=')
			dashes++;
		else if (!fx_is_blank((unsigned char)l->s[i]) && l->s[i] != '+')
			return 0;
	}
	return dashes >= 3;
}

void fx_cpy(char *dst, size_t dsz, const char *s, size_t n)
{
	size_t i, o = 0;

	if (dsz == 0)
		return;
	if (s == NULL)
		n = 0;
	fx_trim(&s, &n);
	for (i = 0; i < n && o + 1 < dsz; i++)
		dst[o++] = s[i];
	dst[o] = 0;
}

/* ------------------------------------------------------------ facts */

static const char *const fact_keys[] = {
	"hostname", "vendor", "os", "version", "model", "serial", NULL,
};

struct ztp_val *ztp_facts_new(void)
{
	struct ztp_val *f = ztp_val_map();
	size_t i;

	for (i = 0; fact_keys[i]; i++)
		ztp_map_set(f, fact_keys[i], ztp_val_null());
	ztp_map_set(f, "modules", ztp_val_list());
	return f;
}

void fx_ensure_keys(struct ztp_val *f)
{
	struct ztp_val *m;
	size_t i;

	for (i = 0; fact_keys[i]; i++)
		if (ztp_map_find(f, fact_keys[i]) == NULL)
			ztp_map_set(f, fact_keys[i], ztp_val_null());
	m = ztp_map_get(f, "modules");
	if (m == NULL || m->type != ZTP_V_LIST)
		ztp_map_set(f, "modules", ztp_val_list());
}

int fx_has(const struct ztp_val *f, const char *key)
{
	const struct ztp_val *v = ztp_map_get(f, key);

	return v != NULL && v->type != ZTP_V_NULL;
}

/* A fact as the record keeps it: escaped as the DHCP path escapes what
 * a device sends (ztp_escape): no control, C1 or bidi override reaches
 * the record, `ztp-spool show`, JSON or a template. */
static struct ztp_val *fact_str(const char *s)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_val *v;

	ztp_escape(&b, s, strlen(s));
	v = ztp_val_str(b.p ? b.p : "");
	ztp_buf_free(&b);
	return v;
}

void fx_set(struct ztp_val *f, const char *key, const char *s, size_t n)
{
	char tmp[FX_VAL_MAX];

	if (fx_has(f, key) || s == NULL)
		return;
	fx_cpy(tmp, sizeof(tmp), s, n);
	if (tmp[0] == 0)
		return;
	if (strcmp(key, "serial") == 0 && fx_noserial(tmp, strlen(tmp)))
		return;
	ztp_map_set(f, key, fact_str(tmp));
}

void fx_force(struct ztp_val *f, const char *key, const char *s)
{
	char tmp[FX_VAL_MAX];

	if (s == NULL)
		return;
	fx_cpy(tmp, sizeof(tmp), s, strlen(s));
	if (tmp[0] == 0 || (strcmp(key, "serial") == 0 && fx_noserial(tmp, strlen(tmp))))
		return;
	ztp_map_set(f, key, fact_str(tmp));
}

void fx_sets(struct ztp_val *f, const char *key, const char *s)
{
	if (s != NULL)
		fx_set(f, key, s, strlen(s));
}

/* a masked value: "******", "XXXXXXXX", "FOC1234****" (a serial someone
 * hid before pasting; "XXXX2118" keeps digits and stays a value) */
static int masked(const char *s, size_t n)
{
	size_t i, star = 0, x = 0;

	if (fx_find_cs(s, n, "***") != NULL)
		return 1;
	for (i = 0; i < n; i++) {
		if (s[i] == '*')
			star++;
		else if (s[i] == 'X' || s[i] == 'x' || s[i] == '#')
			x++;
	}
	return star == n || (x == n && n >= 4);
}

int fx_noserial(const char *s, size_t n)
{
	static const char *const none[] = {
		"n/a", "na", "builtin", "none", "-", "unknown", "not available",
		"not applicable", "0", "null", NULL,
	};
	size_t i;

	fx_trim(&s, &n);
	if (n == 0 || masked(s, n))
		return 1;
	for (i = 0; none[i]; i++)
		if (fx_eq(s, n, none[i]))
			return 1;
	return 0;
}

void fx_mod_clear(struct fx_mod *m)
{
	memset(m, 0, sizeof(*m));
}

static void mod_field(struct ztp_val *mod, const char *key, const char *s)
{
	ztp_map_set(mod, key, s[0] ? fact_str(s) : ztp_val_null());
}

int fx_add_module(struct ztp_val *f, const struct fx_mod *in)
{
	struct fx_mod m = *in;
	struct ztp_val *mods, *mod;

	if (fx_noserial(m.serial, strlen(m.serial)))
		m.serial[0] = 0;
	if (fx_noserial(m.model, strlen(m.model)))
		m.model[0] = 0;
	if (!m.slot[0] && !m.name[0] && !m.model[0] && !m.serial[0] && !m.descr[0])
		return 0;
	fx_ensure_keys(f);
	mods = ztp_map_get(f, "modules");
	if (mods->u.list.n >= ZTP_FACTS_MAX_MODULES)
		return 0;
	mod = ztp_val_map();
	ztp_list_push(mods, mod);
	mod_field(mod, "slot", m.slot);
	mod_field(mod, "name", m.name);
	mod_field(mod, "model", m.model);
	mod_field(mod, "serial", m.serial);
	mod_field(mod, "descr", m.descr);
	mod_field(mod, "hw_rev", m.hw_rev);
	return 1;
}

/* a field of from where into has none */
static void mod_fill(struct ztp_val *into, const struct ztp_val *from)
{
	static const char *const keys[] = {
		"slot", "name", "model", "serial", "descr", "hw_rev", NULL,
	};
	size_t i;

	for (i = 0; keys[i]; i++) {
		const struct ztp_val *v = ztp_map_get(from, keys[i]);

		if (v != NULL && v->type != ZTP_V_NULL && !fx_has(into, keys[i]))
			ztp_map_set(into, keys[i], ztp_val_copy(v));
	}
}

void fx_merge_modules(struct ztp_val *f, struct ztp_val *old)
{
	struct ztp_val *add = ztp_map_get(f, "modules");
	unsigned char *used;
	size_t i, j, nold;

	if (add == NULL || add->type != ZTP_V_LIST) {
		ztp_map_set(f, "modules", ztp_val_ref(old));
		return;
	}
	nold = old->u.list.n;
	used = ztp_xcalloc(nold ? nold : 1, 1);
	for (i = 0; i < add->u.list.n; i++) {
		struct ztp_val *m = add->u.list.v[i];
		const char *s = ztp_map_str(m, "serial");

		for (j = 0; s && j < nold; j++) {
			const char *o = ztp_map_str(old->u.list.v[j], "serial");

			if (!used[j] && o && strcmp(o, s) == 0)
				break;
		}
		if (s && j < nold) {
			used[j] = 1;
			mod_fill(old->u.list.v[j], m);
		} else if (old->u.list.n < ZTP_FACTS_MAX_MODULES) {
			ztp_list_push(old, ztp_val_ref(m));
		}
	}
	free(used);
	ztp_map_set(f, "modules", ztp_val_ref(old));
}

void fx_stack_member(struct ztp_val *f, const char *member, const char *model,
		     const char *serial)
{
	struct fx_mod m;

	if (member == NULL || strcmp(member, "1") == 0) {
		fx_sets(f, "model", model);
		fx_sets(f, "serial", serial);
		return;
	}
	fx_mod_clear(&m);
	fx_cpy(m.slot, sizeof(m.slot), member, strlen(member));
	if (member[0] &&
	    snprintf(m.name, sizeof(m.name), "Switch %s", member) >= (int)sizeof(m.name))
		m.name[0] = 0;
	if (model)
		fx_cpy(m.model, sizeof(m.model), model, strlen(model));
	if (serial)
		fx_cpy(m.serial, sizeof(m.serial), serial, strlen(serial));
	fx_add_module(f, &m);
}
