/* val.c: reference-counted value trees (see val.h) */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "val.h"
#include "xmalloc.h"

/* Values are made and dropped by the thousand (a template render makes
 * one per expression), so each thread keeps up to VAL_CACHE freed ones
 * for reuse, linked through u.list.v (a thread that ends leaves its few
 * kilobytes behind).  Not under the sanitizers, which must see every free
 * to catch a use after it. */
#if defined(__SANITIZE_ADDRESS__)
#define VAL_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define VAL_CACHE 0
#endif
#endif
#ifndef VAL_CACHE
#define VAL_CACHE 1024
#endif

static _Thread_local struct ztp_val *val_cache;
static _Thread_local unsigned val_ncache;

static struct ztp_val *val_alloc(size_t extra)
{
	struct ztp_val *v = val_cache;

	if (extra == 0 && v != NULL) {
		val_cache = (struct ztp_val *)v->u.list.v;
		val_ncache--;
		return v;
	}
	return ztp_xmalloc(sizeof *v + extra);
}

static void val_release(struct ztp_val *v, int inline_str)
{
#if VAL_CACHE > 0
	if (!inline_str && val_ncache < VAL_CACHE) {
		v->u.list.v = (struct ztp_val **)val_cache;
		val_cache = v;
		val_ncache++;
		return;
	}
#else
	(void)inline_str;
#endif
	free(v);
}

static struct ztp_val *newval_extra(int type, size_t extra)
{
	struct ztp_val *v = val_alloc(extra);

	memset(v, 0, sizeof *v);
	v->type = (unsigned char)type;
	v->refs = 1;
	return v;
}

static struct ztp_val *newval(int type)
{
	return newval_extra(type, 0);
}

struct ztp_val *ztp_val_null(void)
{
	return newval(ZTP_V_NULL);
}

struct ztp_val *ztp_val_bool(int b)
{
	struct ztp_val *v = newval(ZTP_V_BOOL);

	v->u.b = b != 0;
	return v;
}

struct ztp_val *ztp_val_int(long long i)
{
	struct ztp_val *v = newval(ZTP_V_INT);

	v->u.i = i;
	return v;
}

struct ztp_val *ztp_val_float(double f)
{
	struct ztp_val *v = newval(ZTP_V_FLOAT);

	v->u.f = f;
	return v;
}

/* the bytes right after the value, in the same block */
struct ztp_val *ztp_val_strn(const char *s, size_t n)
{
	struct ztp_val *v;

	if (n >= (size_t)-1 - sizeof *v - 1)
		ztp_oom();
	v = newval_extra(ZTP_V_STR, n + 1);
	v->u.str.s = (char *)(v + 1);
	memcpy(v->u.str.s, s, n);
	v->u.str.s[n] = '\0';
	v->u.str.len = n;
	return v;
}

struct ztp_val *ztp_val_str(const char *s)
{
	return ztp_val_strn(s, strlen(s));
}

struct ztp_val *ztp_val_str_take(char *s, size_t n)
{
	struct ztp_val *v = newval(ZTP_V_STR);

	v->u.str.s = s;
	v->u.str.len = n;
	return v;
}

struct ztp_val *ztp_val_strf(const char *fmt, ...)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	va_list ap;
	int n;
	char *s;
	size_t len;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ztp_buf_grow(&b, (size_t)n) < 0)
		ztp_oom();
	va_start(ap, fmt);
	vsnprintf(b.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	s = ztp_buf_detach(&b, &len);
	if (s == NULL)
		ztp_oom();
	return ztp_val_str_take(s, len);
}

struct ztp_val *ztp_val_list(void)
{
	return newval(ZTP_V_LIST);
}

struct ztp_val *ztp_val_map(void)
{
	return newval(ZTP_V_MAP);
}

struct ztp_val *ztp_val_ref(struct ztp_val *v)
{
	if (v)
		v->refs++;
	return v;
}

void ztp_val_unref(struct ztp_val *v)
{
	size_t i;
	int inline_str = 0;

	if (v == NULL || --v->refs > 0)
		return;
	switch (v->type) {
	case ZTP_V_STR:
		inline_str = v->u.str.s == (char *)(v + 1);
		if (!inline_str)
			free(v->u.str.s);
		break;
	case ZTP_V_LIST:
		for (i = 0; i < v->u.list.n; i++)
			ztp_val_unref(v->u.list.v[i]);
		free(v->u.list.v);
		break;
	case ZTP_V_MAP:
		for (i = 0; i < v->u.map.n; i++) {
			ztp_val_unref(v->u.map.e[i].key);
			ztp_val_unref(v->u.map.e[i].val);
		}
		free(v->u.map.e);
		break;
	default:
		break;
	}
	val_release(v, inline_str);
}

struct ztp_val *ztp_val_copy(const struct ztp_val *v)
{
	struct ztp_val *c;
	size_t i;

	switch (v->type) {
	case ZTP_V_STR:
		c = ztp_val_strn(v->u.str.s, v->u.str.len);
		break;
	case ZTP_V_LIST:
		c = ztp_val_list();
		for (i = 0; i < v->u.list.n; i++)
			ztp_list_push(c, ztp_val_copy(v->u.list.v[i]));
		break;
	case ZTP_V_MAP:
		c = ztp_val_map();
		for (i = 0; i < v->u.map.n; i++)
			ztp_map_setv(c, ztp_val_copy(v->u.map.e[i].key),
				     ztp_val_copy(v->u.map.e[i].val));
		break;
	default:
		c = newval(v->type);
		c->u = v->u;
		break;
	}
	c->line = v->line;
	return c;
}

const char *ztp_val_typename(const struct ztp_val *v)
{
	static const char *const names[] = {
		"null", "bool", "int", "float", "string", "list", "map",
	};

	if (v == NULL)
		return "undefined";
	/* extensions (the template engine's runtime values) use higher codes */
	return v->type < sizeof names / sizeof names[0] ? names[v->type] : "object";
}

void ztp_list_push(struct ztp_val *list, struct ztp_val *v)
{
	if (list->u.list.n == list->u.list.cap) {
		list->u.list.cap = list->u.list.cap ? list->u.list.cap * 2 : 4;
		list->u.list.v = ztp_xrealloc(list->u.list.v, list->u.list.cap,
					      sizeof *list->u.list.v);
	}
	list->u.list.v[list->u.list.n++] = v;
}

struct ztp_val *ztp_list_get(const struct ztp_val *list, size_t i)
{
	if (list == NULL || list->type != ZTP_V_LIST || i >= list->u.list.n)
		return NULL;
	return list->u.list.v[i];
}

size_t ztp_val_len(const struct ztp_val *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case ZTP_V_STR: return v->u.str.len;
	case ZTP_V_LIST: return v->u.list.n;
	case ZTP_V_MAP: return v->u.map.n;
	default: return 0;
	}
}

static int num(const struct ztp_val *v, double *d)
{
	switch (v->type) {
	case ZTP_V_BOOL: *d = v->u.b; return 1;
	case ZTP_V_INT: *d = (double)v->u.i; return 1;
	case ZTP_V_FLOAT: *d = v->u.f; return 1;
	default: return 0;
	}
}

int ztp_val_eq(const struct ztp_val *a, const struct ztp_val *b)
{
	double da, db;
	size_t i;

	if (a == b)
		return 1;
	if (a == NULL || b == NULL)
		return 0;
	if (num(a, &da) && num(b, &db)) {
		if (a->type != ZTP_V_FLOAT && b->type != ZTP_V_FLOAT)
			return (a->type == ZTP_V_BOOL ? a->u.b : a->u.i) ==
			       (b->type == ZTP_V_BOOL ? b->u.b : b->u.i);
		return da == db;
	}
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case ZTP_V_NULL:
		return 1;
	case ZTP_V_STR:
		return a->u.str.len == b->u.str.len &&
		       memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
	case ZTP_V_LIST:
		if (a->u.list.n != b->u.list.n)
			return 0;
		for (i = 0; i < a->u.list.n; i++)
			if (!ztp_val_eq(a->u.list.v[i], b->u.list.v[i]))
				return 0;
		return 1;
	case ZTP_V_MAP:
		if (a->u.map.n != b->u.map.n)
			return 0;
		for (i = 0; i < a->u.map.n; i++) {
			struct ztp_val *o = ztp_map_getv(b, a->u.map.e[i].key);

			if (o == NULL || !ztp_val_eq(a->u.map.e[i].val, o))
				return 0;
		}
		return 1;
	}
	return 0;
}

int ztp_val_truthy(const struct ztp_val *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case ZTP_V_NULL: return 0;
	case ZTP_V_BOOL: return v->u.b;
	case ZTP_V_INT: return v->u.i != 0;
	case ZTP_V_FLOAT: return v->u.f != 0.0;
	default: return ztp_val_len(v) != 0;
	}
}

static struct ztp_mapent *findv(const struct ztp_val *map, const struct ztp_val *key)
{
	size_t i;

	if (map == NULL || map->type != ZTP_V_MAP)
		return NULL;
	if (key->type == ZTP_V_STR) {	/* most keys: compared without ztp_val_eq */
		for (i = 0; i < map->u.map.n; i++) {
			const struct ztp_val *k = map->u.map.e[i].key;

			if (k == key || (k->type == ZTP_V_STR && k->u.str.len == key->u.str.len &&
					 memcmp(k->u.str.s, key->u.str.s, key->u.str.len) == 0))
				return &map->u.map.e[i];
		}
		return NULL;
	}
	for (i = 0; i < map->u.map.n; i++)
		if (ztp_val_eq(map->u.map.e[i].key, key))
			return &map->u.map.e[i];
	return NULL;
}

struct ztp_mapent *ztp_map_find(const struct ztp_val *map, const char *key)
{
	size_t i, n = strlen(key);

	if (map == NULL || map->type != ZTP_V_MAP)
		return NULL;
	for (i = 0; i < map->u.map.n; i++) {
		const struct ztp_val *k = map->u.map.e[i].key;

		if (k->type == ZTP_V_STR && k->u.str.len == n &&
		    memcmp(k->u.str.s, key, n) == 0)
			return &map->u.map.e[i];
	}
	return NULL;
}

struct ztp_val *ztp_map_get(const struct ztp_val *map, const char *key)
{
	struct ztp_mapent *e = ztp_map_find(map, key);

	return e ? e->val : NULL;
}

struct ztp_val *ztp_map_getv(const struct ztp_val *map, const struct ztp_val *key)
{
	struct ztp_mapent *e = findv(map, key);

	return e ? e->val : NULL;
}

void ztp_map_setv(struct ztp_val *map, struct ztp_val *key, struct ztp_val *v)
{
	struct ztp_mapent *e = findv(map, key);

	if (e) {
		ztp_val_unref(key);
		ztp_val_unref(e->val);
		e->val = v;
		return;
	}
	if (map->u.map.n == map->u.map.cap) {
		map->u.map.cap = map->u.map.cap ? map->u.map.cap * 2 : 8;
		map->u.map.e = ztp_xrealloc(map->u.map.e, map->u.map.cap,
					    sizeof *map->u.map.e);
	}
	map->u.map.e[map->u.map.n].key = key;
	map->u.map.e[map->u.map.n].val = v;
	map->u.map.n++;
}

void ztp_map_set(struct ztp_val *map, const char *key, struct ztp_val *v)
{
	struct ztp_mapent *e = ztp_map_find(map, key);

	if (e) {
		ztp_val_unref(e->val);
		e->val = v;
		return;
	}
	ztp_map_setv(map, ztp_val_str(key), v);
}

int ztp_map_del(struct ztp_val *map, const char *key)
{
	struct ztp_mapent *e = ztp_map_find(map, key);
	size_t i;

	if (e == NULL)
		return 0;
	i = (size_t)(e - map->u.map.e);
	ztp_val_unref(e->key);
	ztp_val_unref(e->val);
	memmove(e, e + 1, (map->u.map.n - i - 1) * sizeof *e);
	map->u.map.n--;
	return 1;
}

const char *ztp_map_str(const struct ztp_val *map, const char *key)
{
	struct ztp_val *v = ztp_map_get(map, key);

	return v && v->type == ZTP_V_STR ? v->u.str.s : NULL;
}

void ztp_map_set_str(struct ztp_val *map, const char *key, const char *s)
{
	ztp_map_set(map, key, s ? ztp_val_str(s) : ztp_val_null());
}

struct ztp_val *ztp_val_path(const struct ztp_val *v, const char *path)
{
	char part[256];
	const char *dot;
	size_t n;

	while (v && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		v = ztp_map_get(v, part);
		path += n + (dot != NULL);
	}
	return (struct ztp_val *)v;
}

void ztp_fmt_double(double d, char *out, size_t outsz)
{
	char tmp[40], digits[24], *p, *e;
	int prec, exp, nd = 0, i;

	if (isnan(d)) {
		snprintf(out, outsz, "nan");
		return;
	}
	if (isinf(d)) {
		snprintf(out, outsz, d < 0 ? "-inf" : "inf");
		return;
	}
	/* shortest %e that reads back exactly, like Python's repr */
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(tmp, sizeof tmp, "%.16e", d);
	p = tmp;
	if (*p == '-')
		p++;
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = '\0';
	e = strchr(tmp, 'e');
	exp = (int)strtol(e + 1, NULL, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	{
		struct ztp_buf b = ZTP_BUF_INIT;

		if (d < 0 || (d == 0 && signbit(d)))
			ztp_buf_addc(&b, '-');
		if (exp >= -4 && exp < 16) {
			if (exp < 0) {
				ztp_buf_adds(&b, "0.");
				for (i = -1; i > exp; i--)
					ztp_buf_addc(&b, '0');
				ztp_buf_adds(&b, digits);
			} else {
				for (i = 0; i <= exp; i++)
					ztp_buf_addc(&b, i < nd ? digits[i] : '0');
				ztp_buf_addc(&b, '.');
				if (nd > exp + 1)
					ztp_buf_adds(&b, digits + exp + 1);
				else
					ztp_buf_addc(&b, '0');
			}
		} else {
			ztp_buf_addc(&b, digits[0]);
			if (nd > 1) {
				ztp_buf_addc(&b, '.');
				ztp_buf_adds(&b, digits + 1);
			}
			ztp_buf_addf(&b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		}
		snprintf(out, outsz, "%s", b.p ? b.p : "");
		ztp_buf_free(&b);
	}
}
