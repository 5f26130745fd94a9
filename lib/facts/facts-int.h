/* facts-int.h: what the per-vendor parsers (facts-*.c) share with facts.c.
 * Not an API: only lib/facts*.c include it. */
#ifndef ZTP_FACTS_INT_H
#define ZTP_FACTS_INT_H

#include <stddef.h>

#include "val.h"

#define FX_MAX_LINES 200000
#define FX_VAL_MAX 256		/* bytes kept of one value */

/* A line of the cleaned text: no line end, no trailing blanks, the indent
 * common to the whole output removed.  s is not NUL-terminated. */
struct fx_line {
	const char *s;
	size_t n;
	size_t ind;		/* leading blanks still in s */
};

struct fx_text {
	char *buf;		/* the cleaned text, NUL-terminated */
	size_t len;
	struct fx_line *l;
	size_t nl;
	char prompt_host[FX_VAL_MAX];	/* from an echoed "host#command" */
};

/* A token: s[0..n) */
struct fx_tok {
	const char *s;
	size_t n;
	size_t col;		/* column of its first byte in the line */
};

enum fx_cmd {
	FX_NONE, FX_VERSION, FX_INVENTORY, FX_CHASSIS_HW, FX_DEVICE, FX_ELABEL,
	FX_ESN, FX_MODULE, FX_DIAG, FX_UDI, FX_PLATFORM,
};

struct fx_mod {
	char slot[FX_VAL_MAX], name[FX_VAL_MAX], model[FX_VAL_MAX];
	char serial[FX_VAL_MAX], descr[FX_VAL_MAX], hw_rev[FX_VAL_MAX];
};

/* text helpers (facts-text.c) */
int fx_is_blank(int c);
const char *fx_find(const char *s, size_t n, const char *needle);	/* case-insensitive */
const char *fx_find_cs(const char *s, size_t n, const char *needle);	/* case-sensitive */
int fx_starts(const char *s, size_t n, const char *prefix);	/* case-insensitive */
int fx_eq(const char *s, size_t n, const char *word);	/* case-insensitive */
/* "key<blanks>sep<blanks>value": 1 and the trimmed value when the line
 * (after its indent) starts with key followed by sep */
int fx_kv(const struct fx_line *l, const char *key, char sep,
	  const char **v, size_t *vn);
/* split into blank-separated tokens; returns the count (at most max) */
size_t fx_tokens(const char *s, size_t n, struct fx_tok *t, size_t max);
/* the token starting at s (up to a blank or one of stop) */
size_t fx_word(const char *s, size_t n, const char *stop);
void fx_trim(const char **s, size_t *n);
/* a dash ruler line ("---- ------", "---+-----") */
int fx_is_ruler(const struct fx_line *l);
/* copy s[0..n) trimmed into dst (bounded, NUL-terminated) */
void fx_cpy(char *dst, size_t dsz, const char *s, size_t n);

/* facts helpers (facts-text.c) */
/* add the keys of ztp_facts_new() that f lacks */
void fx_ensure_keys(struct ztp_val *f);
/* set key to the trimmed s[0..n) unless it already has a value */
void fx_set(struct ztp_val *f, const char *key, const char *s, size_t n);
void fx_sets(struct ztp_val *f, const char *key, const char *s);
/* set key even when it has a value (a more authoritative source) */
void fx_force(struct ztp_val *f, const char *key, const char *s);
int fx_has(const struct ztp_val *f, const char *key);
/* 1 when s is a serial placeholder (N/A, BUILTIN, ...) */
int fx_noserial(const char *s, size_t n);
void fx_mod_clear(struct fx_mod *m);
/* append m to facts.modules; 0 when it was empty.  Within one output
 * modules stay distinct, even with equal serials (or the device's: a
 * JunOS FPC, a C9500's supervisor, a stack's "Switch 1" are boards of
 * their own). */
int fx_add_module(struct ztp_val *f, const struct fx_mod *m);
/* old (the modules before this output) gets f's modules: one whose serial
 * an old module has fills that module's unknown fields (each old module
 * once), the others are appended; f.modules is old then */
void fx_merge_modules(struct ztp_val *f, struct ztp_val *old);
/* device model/serial and, for members > 1, a module */
void fx_stack_member(struct ztp_val *f, const char *member, const char *model,
		     const char *serial);

/* parsers (facts-<vendor>.c), one per platform and command, all of this
 * type: 1 when they found something; platform is the platform's name */
typedef int fx_parser(const struct fx_text *t, struct ztp_val *f, const char *platform);
fx_parser fx_cisco_version, fx_cisco_inventory;
fx_parser fx_cisco_module, fx_cisco_udi, fx_xr_diag;
fx_parser fx_junos_version, fx_junos_chassis;
fx_parser fx_eos_version, fx_eos_inventory;
fx_parser fx_vrp_version, fx_vrp_device, fx_vrp_elabel, fx_vrp_esn;

#endif
