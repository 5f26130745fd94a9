/* tmpl-int.h: internals shared by the tmpl-*.c files (not an API).
 *
 * Runtime values are ztp_val trees.  Values that only exist while a
 * template renders use type codes past ZTP_V_MAP (undefined, callables) or
 * a negative .line tag (tuples, namespaces, the loop object).  They index
 * tables owned by the render context, so they never outlive a render. */
#ifndef ZTP_TMPL_INT_H
#define ZTP_TMPL_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "tmpl.h"
#include "val.h"

/* ---- tokens ---- */
enum {
	T_EOF, T_DATA, T_VAR_BEGIN, T_VAR_END, T_BLOCK_BEGIN, T_BLOCK_END,
	T_NAME, T_STRING, T_INT, T_FLOAT, T_OP,
};

struct tok {
	int type;
	int line;
	char *s;		/* DATA, NAME, STRING (decoded), OP text */
	size_t len;
	long long i;
	double f;
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

int tmpl_lex(const char *src, size_t len, const struct ztp_tmpl_opts *o,
	     const char *name, struct toks *out, struct ztp_err *e);
void tmpl_toks_free(struct toks *t);

/* ---- syntax tree ---- */
enum {
	/* statements */
	N_DATA, N_PRINT, N_IF, N_FOR, N_SET, N_SETBLOCK, N_MACRO, N_CALLBLOCK,
	N_INCLUDE, N_IMPORT, N_FROMIMPORT, N_FILTERBLOCK, N_BREAK, N_CONTINUE,
	N_DO, N_WITH,
	/* expressions */
	E_CONST, E_NAME, E_GETATTR, E_GETITEM, E_SLICE, E_LIST, E_TUPLE, E_DICT,
	E_BINOP, E_NEG, E_POS, E_AND, E_OR, E_NOT, E_COMPARE, E_COND,
	E_FILTER, E_TEST, E_CALL, E_CONCAT, E_NSATTR,
};

enum {
	OP_ADD = 1, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN,
};

struct node;
struct nlist {
	struct node **v;
	size_t n, cap;
};

struct node {
	int kind;
	int line;
	int flag;		/* negated test, with context, ignore missing, uses loop */
	char *name;		/* name, attribute, filter, test, macro */
	struct ztp_val *val;	/* E_CONST */
	struct node *a, *b, *c;	/* operands / target, iterable, condition */
	struct nlist l1;	/* body, positional args, items, dict keys */
	struct nlist l2;	/* else body, dict values, kwarg values, defaults */
	char **names;		/* kwarg names, macro arg names, import names */
	char **alias;		/* import aliases */
	size_t nnames;
	int *ops;		/* E_COMPARE operators, one per l1 entry */
	const struct tmpl_builtin *bi;	/* E_FILTER, E_TEST: found at first use */
};

struct tmpl {
	char *name;
	struct nlist body;
	size_t out_hint;	/* size of its last output: the next buffer starts there */
	struct tmpl *next;	/* env cache list */
};

void tmpl_nlist_push(struct nlist *l, struct node *n);
struct tmpl *tmpl_parse(const char *src, size_t len, const char *name,
			const struct ztp_tmpl_opts *o, struct ztp_err *e);
void tmpl_free(struct tmpl *t);
void tmpl_node_free(struct node *n);
const char *tmpl_statement_name(size_t i);	/* i-th statement keyword, NULL past the end */
const char *tmpl_compare_name(size_t i);	/* i-th comparison operator, NULL past the end */

/* ---- runtime values ---- */
#define TV_UNDEF 16		/* u.i: index into ctx->undefs */
#define TV_FUNC 17		/* u.i: index into ctx->funcs */
#define TAG_TUPLE (-1)		/* LIST */
#define TAG_NS (-2)		/* MAP: namespace() */
#define TAG_LOOP (-3)		/* MAP: the loop object */
#define TAG_MODULE (-4)		/* MAP: an imported template */
#define TAG_SAFE (-5)		/* STR: markup from |safe / |escape (prints the same) */
#define TAG_CYCLER (-6)		/* MAP: cycler() state */

/* ---- the render context (tmpl-ctx.c) ---- */

struct ztp_tmpl_env {
	struct ztp_tmpl_opts o;
	char **paths;
	size_t npaths;
	struct tmpl *cache;
	struct memt { char *name, *text; size_t len; } *mem;
	size_t nmem;
};

struct scope {
	struct ztp_val *vars;
	struct scope *parent;
	unsigned refs;
};

enum { F_MACRO, F_CALLER, F_GLOBAL, F_METHOD, F_JOINER };

struct func {
	int kind;
	struct node *def;
	struct scope *closure;
	const char *tname;
	struct ztp_val *self;
	char *name;
};

struct ctx {
	struct ztp_tmpl_env *env;
	struct ztp_err *e;
	struct ztp_buf *out;
	char **undefs;
	size_t nundef, capundef;
	uint32_t *uhash;	/* message -> index + 1 */
	size_t nslots;		/* of uhash: grows to UNDEF_SLOTS */
	struct func *funcs;
	size_t nfunc, capfunc;
	long long steps, max_steps;
	int depth, max_depth;
	const char *tname;
	int line;
	int brk;
	struct scope *root;
	struct scope *globals;
	struct scope *cur;	/* innermost scope of the running code */
	int evdepth;		/* C recursion of ev()/exec_node() */
	size_t max_output;
};

/* positional and keyword arguments of a call node, with star arguments */
struct args {
	struct ztp_val **pv;
	size_t np, cap;
	char **kn;
	struct ztp_val **kv;
	size_t nk;
	struct ztp_val *inl[4];	/* pv, while it fits (most calls) */
};

int tmpl_undef_soft(struct ctx *c, const struct ztp_val *v);	/* an inline if's Undefined */
struct scope *tmpl_scope_new(struct scope *parent);	/* refs 1, holds a reference on parent */
void tmpl_scope_unref(struct scope *s);
/* a callable value of the render (F_*): closure and self get a reference */
struct ztp_val *tmpl_func_new(struct ctx *c, int kind, struct node *def,
			      struct scope *closure, struct ztp_val *self, const char *name);
/* The innermost binding of NAME (the scopes' keys are strings; the
 * length is measured once for the whole chain) */
static inline struct ztp_val *tmpl_scope_find(struct scope *s, const char *name)
{
	size_t n = strlen(name), i;

	for (; s; s = s->parent) {
		const struct ztp_mapent *e = s->vars->u.map.e;

		for (i = 0; i < s->vars->u.map.n; i++)
			if (e[i].key->type == ZTP_V_STR && e[i].key->u.str.len == n &&
			    e[i].key->u.str.s[0] == name[0] && memcmp(e[i].key->u.str.s, name, n) == 0)
				return e[i].val;
	}
	return NULL;
}

/* the callable v is, NULL when it is none */
static inline struct func *tmpl_func_get(struct ctx *c, const struct ztp_val *v)
{
	if (v && v->type == TV_FUNC && v->u.i >= 0 && (size_t)v->u.i < c->nfunc)
		return &c->funcs[v->u.i];
	return NULL;
}

void tmpl_args_free(struct args *a);
void tmpl_args_push(struct args *a, struct ztp_val *v);	/* takes v */
void tmpl_args_kw(struct args *a, const char *k, struct ztp_val *v);	/* takes v */
void tmpl_ctx_init(struct ctx *c, struct ztp_tmpl_env *env, struct ztp_err *e);
void tmpl_ctx_free(struct ctx *c);


/* Builtin filter / test: args[0] is the subject. */
typedef int (*tmpl_fn)(struct ctx *c, struct ztp_val **args, size_t nargs,
		       char **kwn, struct ztp_val **kwv, size_t nkw,
		       struct ztp_val **out);

/* the parameters of a tmpl_fn, for defining one */
#define FARGS struct ctx *c, struct ztp_val **args, size_t nargs, char **kwn, \
	struct ztp_val **kwv, size_t nkw, struct ztp_val **out

/* argument pos (the subject is 0) or keyword name of a filter or test;
 * borrowed or NULL */
static inline struct ztp_val *tmpl_arg(struct ztp_val **args, size_t nargs, char **kwn,
				       struct ztp_val **kwv, size_t nkw, size_t pos,
				       const char *name)
{
	size_t i;

	if (pos < nargs)
		return args[pos];
	for (i = 0; name && i < nkw; i++)
		if (!strcmp(kwn[i], name))
			return kwv[i];
	return NULL;
}

#define ARG(pos, name) tmpl_arg(args, nargs, kwn, kwv, nkw, pos, name)

struct tmpl_builtin {
	const char *name;
	tmpl_fn fn;
};

const struct tmpl_builtin *tmpl_find_filter(const char *name);
const struct tmpl_builtin *tmpl_find_test(const char *name);
const struct tmpl_builtin *tmpl_find_net_filter(const char *name);
const struct tmpl_builtin *tmpl_find_net_test(const char *name);
const char *tmpl_net_name(int test, size_t i);	/* i-th net filter or test, NULL past the end */

/* evaluator services used by the filters */
int tmpl_fail(struct ctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tmpl_is_undef(const struct ztp_val *v);
struct ztp_val *tmpl_undef(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* 1 when v is undefined and using it must fail (StrictUndefined) */
int tmpl_undef_strict(struct ctx *c, const struct ztp_val *v);
int tmpl_undef_error(struct ctx *c, const struct ztp_val *v);
int tmpl_tostr(struct ctx *c, const struct ztp_val *v, struct ztp_buf *b);
/* str(v) as a string value (a new reference in *out); -1 on error */
int tmpl_str_val(struct ctx *c, struct ztp_val *v, struct ztp_val **out);
int tmpl_repr(struct ctx *c, const struct ztp_val *v, struct ztp_buf *b);
int tmpl_truthy(struct ctx *c, const struct ztp_val *v, int *out);
int tmpl_cmp(struct ctx *c, const struct ztp_val *a, const struct ztp_val *b, int *out);
int tmpl_eq(const struct ztp_val *a, const struct ztp_val *b);
int tmpl_iterate(struct ctx *c, struct ztp_val *v, struct ztp_val **list);
int tmpl_getattr(struct ctx *c, struct ztp_val *obj, const char *name,
		 struct ztp_val **out);
int tmpl_getitem(struct ctx *c, struct ztp_val *obj, struct ztp_val *key,
		 struct ztp_val **out);
int tmpl_call_value(struct ctx *c, struct ztp_val *fn, struct ztp_val **args,
		    size_t nargs, char **kwn, struct ztp_val **kwv, size_t nkw,
		    struct ztp_val **out);
/* Filter or test NAME on args[0]; *cache (when not NULL) keeps the builtin
 * found, for the next call with the same name. */
int tmpl_apply_filter(struct ctx *c, const char *name, const struct tmpl_builtin **cache,
		      struct ztp_val **args, size_t nargs, char **kwn, struct ztp_val **kwv,
		      size_t nkw, struct ztp_val **out);
int tmpl_apply_test(struct ctx *c, const char *name, const struct tmpl_builtin **cache,
		    struct ztp_val **args, size_t nargs, char **kwn, struct ztp_val **kwv,
		    size_t nkw, int *out);
int tmpl_step(struct ctx *c, long long n);
size_t tmpl_max_output(struct ctx *c);
size_t tmpl_max_items(struct ctx *c);
int tmpl_binop(struct ctx *c, int op, struct ztp_val *a, struct ztp_val *b,
	       struct ztp_val **out);
const char *tmpl_binop_name(size_t i);	/* i-th arithmetic operator, NULL past the end */
struct ztp_val *tmpl_tuple(void);
struct ztp_val *tmpl_bool(int b);	/* shared True / False: never change them */
int tmpl_pyformat(struct ctx *c, const char *fmt, size_t len, struct ztp_val **args,
		  size_t nargs, char **kwn, struct ztp_val **kwv, size_t nkw,
		  struct ztp_buf *b);
int tmpl_percent(struct ctx *c, const char *fmt, size_t len, struct ztp_val *arg,
		 struct ztp_buf *b);
int tmpl_str_method(struct ctx *c, struct ztp_val *s, const char *m,
		    struct ztp_val **args, size_t nargs, char **kwn,
		    struct ztp_val **kwv, size_t nkw, struct ztp_val **out);
const char *tmpl_str_method_name(size_t i);	/* the i-th, NULL past the end */
int tmpl_str_method_has(const char *m);		/* 1 when strings have method m */
/* the i-th method of lists (list) or dicts, NULL past the end */
const char *tmpl_method_name(int list, size_t i);
int tmpl_sort(struct ctx *c, struct ztp_val **v, size_t n,
	      int (*key)(struct ctx *, struct ztp_val *, void *, struct ztp_val **),
	      void *arg, int reverse);

/* utf-8 */
size_t tmpl_u8len(const char *s, size_t n);
const char *tmpl_typename(const struct ztp_val *v);	/* Python type name */
size_t tmpl_u8next(const char *s, size_t n, size_t i);
unsigned long tmpl_u8cp(const char *s, size_t n, size_t i, size_t *next);
unsigned long tmpl_ucase(unsigned long cp, int upper);

#endif
