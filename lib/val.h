/* val.h: a tree of dynamically typed values (null, bool, int, float,
 * string, list, map), reference counted, with Python semantics where that
 * matters (containers are shared by reference, maps keep insertion order,
 * keys may be any scalar).  YAML and JSON load into it and are written from
 * it; device records, ztp.yml and template variables are all ztp_val trees.
 *
 * Ownership: constructors return a new reference.  Functions that store a
 * value into a container take over the caller's reference ("steal");
 * functions that return an element return a borrowed one.  Memory
 * exhaustion aborts the process with a message (OpenSSH xmalloc style): the
 * inputs are bounded, so it only happens when the machine is dying. */
#ifndef ZTP_VAL_H
#define ZTP_VAL_H

#include <stddef.h>

#include "buf.h"
#include "xmalloc.h"

enum ztp_vtype {
	ZTP_V_NULL, ZTP_V_BOOL, ZTP_V_INT, ZTP_V_FLOAT, ZTP_V_STR,
	ZTP_V_LIST, ZTP_V_MAP,
};

struct ztp_val;

struct ztp_mapent {
	struct ztp_val *key;
	struct ztp_val *val;
};

struct ztp_val {
	unsigned char type;
	unsigned refs;
	int line;		/* source line where it was read, 0 if none */
	union {
		int b;
		long long i;
		double f;
		struct { char *s; size_t len; } str;
		struct { struct ztp_val **v; size_t n, cap; } list;
		struct { struct ztp_mapent *e; size_t n, cap; } map;
	} u;
};


struct ztp_val *ztp_val_null(void);
struct ztp_val *ztp_val_bool(int b);
struct ztp_val *ztp_val_int(long long i);
struct ztp_val *ztp_val_float(double f);
struct ztp_val *ztp_val_str(const char *s);
struct ztp_val *ztp_val_strn(const char *s, size_t n);
struct ztp_val *ztp_val_str_take(char *s, size_t n);	/* steals s (malloc'ed, NUL-terminated) */
struct ztp_val *ztp_val_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct ztp_val *ztp_val_list(void);
struct ztp_val *ztp_val_map(void);

struct ztp_val *ztp_val_ref(struct ztp_val *v);
void ztp_val_unref(struct ztp_val *v);		/* NULL is fine */
struct ztp_val *ztp_val_copy(const struct ztp_val *v);	/* deep copy */

const char *ztp_val_typename(const struct ztp_val *v);

/* lists */
void ztp_list_push(struct ztp_val *list, struct ztp_val *v);	/* steals v */
struct ztp_val *ztp_list_get(const struct ztp_val *list, size_t i);
size_t ztp_val_len(const struct ztp_val *v);	/* list/map entries, string bytes */

/* maps: keys compare like Python's == (1 == 1.0 == True) */
struct ztp_val *ztp_map_get(const struct ztp_val *map, const char *key);
struct ztp_val *ztp_map_getv(const struct ztp_val *map, const struct ztp_val *key);
struct ztp_mapent *ztp_map_find(const struct ztp_val *map, const char *key);
void ztp_map_set(struct ztp_val *map, const char *key, struct ztp_val *v);	/* steals v */
void ztp_map_setv(struct ztp_val *map, struct ztp_val *key, struct ztp_val *v);	/* steals both */
int ztp_map_del(struct ztp_val *map, const char *key);	/* 1 when it was there */

/* Convenience for records and configuration: the string at key, or NULL
 * when it is absent or not a string. */
const char *ztp_map_str(const struct ztp_val *map, const char *key);
void ztp_map_set_str(struct ztp_val *map, const char *key, const char *s);

/* A path "a.b.c" through nested maps, or NULL. */
struct ztp_val *ztp_val_path(const struct ztp_val *v, const char *path);

int ztp_val_eq(const struct ztp_val *a, const struct ztp_val *b);
int ztp_val_truthy(const struct ztp_val *v);	/* Python bool() */

/* Python repr() of a float: "1.0", "0.1", "1e+16", "inf", "nan". */
void ztp_fmt_double(double d, char *out, size_t outsz);

#endif
