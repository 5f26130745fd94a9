/* tmpl-ctx.c: the render context: errors and limits, undefined values,
 * variable scopes, the callables a render makes (macros, callers, globals,
 * bound methods) and the arguments of a call. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl-int.h"

/* ---------------------------------------------------------------- errors */

int tmpl_fail(struct ctx *c, int code, const char *fmt, ...)
{
	char m[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	if (c->line <= 0)
		return ztp_err_set(c->e, code, "%s", m);
	return ztp_err_set(c->e, code, "%s:%d: %s", c->tname ? c->tname : "<template>",
			   c->line, m);
}

size_t tmpl_max_items(struct ctx *c)
{
	return (size_t)c->env->o.max_range;
}

size_t tmpl_max_output(struct ctx *c)
{
	return c->max_output;
}

int tmpl_step(struct ctx *c, long long n)
{
	c->steps += n;
	if (c->steps > c->max_steps)
		return tmpl_fail(c, ZTP_ERR_LIMIT, "template exceeds the limit of %lld evaluation steps",
				 c->max_steps);
	return 0;
}

/* ------------------------------------------------------------- undefined */

int tmpl_is_undef(const struct ztp_val *v)
{
	return v == NULL || v->type == TV_UNDEF;
}

#define UNDEF_SLOTS 65536

static uint32_t undef_hash(const char *m)
{
	uint32_t h = 2166136261u;

	for (; *m; m++)
		h = (h ^ (unsigned char)*m) * 16777619u;
	return h;
}

/* double the message table (64 slots first), up to UNDEF_SLOTS */
static void undef_grow(struct ctx *c)
{
	size_t n = c->nslots ? c->nslots * 2 : 64, i;
	uint32_t *t = ztp_xcalloc(n, sizeof *t);

	for (i = 0; i < c->nundef; i++) {
		uint32_t s = undef_hash(c->undefs[i]) & (uint32_t)(n - 1);

		while (t[s])
			s = (s + 1) & (uint32_t)(n - 1);
		t[s] = (uint32_t)i + 1;
	}
	free(c->uhash);
	c->uhash = t;
	c->nslots = n;
}

/* vsnprintf for formats of only %s and %% (the messages of undefined
 * values, made by the thousand); -1 for any other format */
static int fmt_only_s(char *m, size_t size, const char *fmt, va_list ap)
{
	size_t n = 0, len;
	const char *s;

	while (*fmt) {
		s = fmt;
		if (*fmt != '%') {
			len = strcspn(fmt, "%");
			fmt += len;
		} else if (fmt[1] == 's') {
			s = va_arg(ap, const char *);
			len = strlen(s);
			fmt += 2;
		} else if (fmt[1] == '%') {
			len = 1;
			fmt += 2;
		} else {
			return -1;
		}
		if (len > size - 1 - n)
			len = size - 1 - n;
		memcpy(m + n, s, len);
		n += len;
	}
	m[n] = '\0';
	return 0;
}

struct ztp_val *tmpl_undef(struct ctx *c, const char *fmt, ...)
{
	struct ztp_val *v;
	char m[512];
	va_list ap, ap2;

	uint32_t h, slot;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	if (fmt_only_s(m, sizeof m, fmt, ap) < 0)
		vsnprintf(m, sizeof m, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	/* one entry per distinct message (a loop makes the same ones again),
	 * and a bounded number of them; the table starts small (most renders
	 * make a few) and stays at most half full */
	if (c->uhash == NULL || (c->nundef + 1 > c->nslots / 2 && c->nslots < UNDEF_SLOTS))
		undef_grow(c);
	if (c->nundef >= UNDEF_SLOTS / 2)
		snprintf(m, sizeof m, "value is undefined");
	h = undef_hash(m);
	for (slot = h & (uint32_t)(c->nslots - 1); c->uhash[slot];
	     slot = (slot + 1) & (uint32_t)(c->nslots - 1))
		if (!strcmp(c->undefs[c->uhash[slot] - 1], m))
			break;
	if (c->uhash[slot] == 0) {
		if (c->nundef == c->capundef) {
			c->capundef = c->capundef ? c->capundef * 2 : 16;
			c->undefs = ztp_xrealloc(c->undefs, c->capundef, sizeof *c->undefs);
		}
		c->undefs[c->nundef] = ztp_xstrdup(m);
		c->uhash[slot] = (uint32_t)++c->nundef;
	}
	v = ztp_val_null();
	v->type = TV_UNDEF;
	v->u.i = (long long)c->uhash[slot] - 1;
	return v;
}

/* An inline if without else gives a plain Undefined whatever the mode
 * (Jinja2's cond_expr_undefined): its message starts with \001. */
int tmpl_undef_soft(struct ctx *c, const struct ztp_val *v)
{
	return v && v->type == TV_UNDEF && v->u.i >= 0 && (size_t)v->u.i < c->nundef &&
	       c->undefs[v->u.i][0] == '\001';
}

int tmpl_undef_strict(struct ctx *c, const struct ztp_val *v)
{
	return v && v->type == TV_UNDEF && c->env->o.undefined == ZTP_TMPL_UNDEF_STRICT &&
	       !tmpl_undef_soft(c, v);
}

int tmpl_undef_error(struct ctx *c, const struct ztp_val *v)
{
	const char *m = "value is undefined";

	if (v && v->type == TV_UNDEF && v->u.i >= 0 && (size_t)v->u.i < c->nundef)
		m = c->undefs[v->u.i] + tmpl_undef_soft(c, v);
	return tmpl_fail(c, ZTP_ERR_PARSE, "%s", m);
}

/* ---------------------------------------------------------------- scopes */

struct scope *tmpl_scope_new(struct scope *parent)
{
	struct scope *s = ztp_xcalloc(1, sizeof *s);

	s->vars = ztp_val_map();
	s->parent = parent;
	if (parent)
		parent->refs++;
	s->refs = 1;
	return s;
}

void tmpl_scope_unref(struct scope *s)
{
	while (s && --s->refs == 0) {
		struct scope *p = s->parent;

		ztp_val_unref(s->vars);
		free(s);
		s = p;
	}
}

struct ztp_val *tmpl_func_new(struct ctx *c, int kind, struct node *def,
			      struct scope *closure, struct ztp_val *self, const char *name)
{
	struct ztp_val *v;
	struct func *f;

	if (c->nfunc == c->capfunc) {
		c->capfunc = c->capfunc ? c->capfunc * 2 : 16;
		c->funcs = ztp_xrealloc(c->funcs, c->capfunc, sizeof *c->funcs);
	}
	f = &c->funcs[c->nfunc];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->def = def;
	f->closure = closure;
	if (closure)
		closure->refs++;
	f->tname = c->tname;
	f->self = self ? ztp_val_ref(self) : NULL;
	f->name = ztp_xstrdup(name ? name : "");
	v = ztp_val_null();
	v->type = TV_FUNC;
	v->u.i = (long long)c->nfunc++;
	return v;
}

/* True and False of the running templates: shared, never freed (their
 * count starts far from zero), since comparisons and tests make them by
 * the thousand.  Never changed in place: the joiner's flag is its own. */
struct ztp_val *tmpl_bool(int b)
{
	static struct ztp_val t = { .type = ZTP_V_BOOL, .refs = 1u << 30, .u.b = 1 };
	static struct ztp_val f = { .type = ZTP_V_BOOL, .refs = 1u << 30, .u.b = 0 };

	return ztp_val_ref(b ? &t : &f);
}

struct ztp_val *tmpl_tuple(void)
{
	struct ztp_val *t = ztp_val_list();

	t->line = TAG_TUPLE;
	return t;
}

void tmpl_args_free(struct args *a)
{
	size_t i;

	for (i = 0; i < a->np; i++)
		ztp_val_unref(a->pv[i]);
	if (a->pv != a->inl)
		free(a->pv);
	for (i = 0; i < a->nk; i++) {
		free(a->kn[i]);
		ztp_val_unref(a->kv[i]);
	}
	free(a->kn);
	free(a->kv);
	memset(a, 0, sizeof *a);
}

void tmpl_args_push(struct args *a, struct ztp_val *v)
{
	if (a->pv == NULL) {
		a->pv = a->inl;
		a->cap = sizeof a->inl / sizeof a->inl[0];
	} else if (a->np == a->cap) {
		struct ztp_val **p = ztp_xrealloc(a->pv == a->inl ? NULL : a->pv, a->cap * 2,
						  sizeof *p);

		if (a->pv == a->inl)
			memcpy(p, a->inl, sizeof a->inl);
		a->pv = p;
		a->cap *= 2;
	}
	a->pv[a->np++] = v;
}

void tmpl_args_kw(struct args *a, const char *k, struct ztp_val *v)
{
	a->kn = ztp_xrealloc(a->kn, a->nk + 1, sizeof *a->kn);
	a->kv = ztp_xrealloc(a->kv, a->nk + 1, sizeof *a->kv);
	a->kn[a->nk] = ztp_xstrdup(k);
	a->kv[a->nk++] = v;
}

void tmpl_ctx_init(struct ctx *c, struct ztp_tmpl_env *env, struct ztp_err *e)
{
	memset(c, 0, sizeof *c);
	c->env = env;
	c->e = e;
	c->max_steps = env->o.max_steps;
	c->max_depth = env->o.max_depth;
	c->max_output = env->o.max_output;
	c->globals = tmpl_scope_new(NULL);	/* filled by global_func() */
}

void tmpl_ctx_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nundef; i++)
		free(c->undefs[i]);
	free(c->undefs);
	free(c->uhash);
	for (i = 0; i < c->nfunc; i++) {
		tmpl_scope_unref(c->funcs[i].closure);
		ztp_val_unref(c->funcs[i].self);
		free(c->funcs[i].name);
	}
	free(c->funcs);
	tmpl_scope_unref(c->globals);
}
