/* tmpl-eval.c: the renderer: environment and template cache, expressions
 * and statements (each a table keyed by node kind), calls, macros, the
 * methods of dicts and lists, include and import.  The render context
 * (scopes, undefined values, limits) is tmpl-ctx.c. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "str.h"
#include "tmpl-int.h"

/* ------------------------------------------------------------- templates */

static int load_source(struct ctx *c, const char *name, char **text, size_t *len,
		       int *notfound)
{
	struct ztp_tmpl_env *env = c->env;
	struct ztp_buf path = ZTP_BUF_INIT, data = ZTP_BUF_INIT;
	struct ztp_err e2;
	const char *p;
	size_t i;

	*notfound = 0;
	for (i = 0; i < env->nmem; i++)
		if (!strcmp(env->mem[i].name, name)) {
			*text = ztp_xstrndup(env->mem[i].text, env->mem[i].len);
			*len = env->mem[i].len;
			return 0;
		}
	/* FileSystemLoader: split on '/', refuse '..', drop '.' and '' */
	for (p = name; *p;) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*notfound = 1;
			return tmpl_fail(c, ZTP_ERR_NOTFOUND, "template '%s' not found",
					 ztp_esc(name));
		}
		p += n;
		if (*p == '/')
			p++;
	}
	for (i = 0; i < env->npaths; i++) {
		struct stat st;

		ztp_buf_reset(&path);
		ztp_buf_adds(&path, env->paths[i]);
		for (p = name; *p;) {
			const char *q = strchr(p, '/');
			size_t n = q ? (size_t)(q - p) : strlen(p);

			if (n > 0 && !(n == 1 && p[0] == '.')) {
				ztp_buf_addc(&path, '/');
				ztp_buf_add(&path, p, n);
			}
			p += n;
			if (*p == '/')
				p++;
		}
		if (path.p == NULL || stat(path.p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (ztp_buf_read_file(&data, path.p, env->o.max_template, &e2) < 0) {
			ztp_buf_free(&path);
			ztp_buf_free(&data);
			return tmpl_fail(c, e2.code, "%s", e2.msg);
		}
		ztp_buf_free(&path);
		*text = ztp_buf_detach(&data, len);
		return 0;
	}
	ztp_buf_reset(&path);
	for (i = 0; i < env->npaths; i++)
		ztp_buf_addf(&path, "%s'%s'", i ? ", " : "", ztp_esc(env->paths[i]));
	*notfound = 1;
	tmpl_fail(c, ZTP_ERR_NOTFOUND, "template '%s' not found (searched %s)", ztp_esc(name),
		  path.p ? path.p : "nothing");
	ztp_buf_free(&path);
	return ZTP_ERR_NOTFOUND;
}

static struct tmpl *get_template(struct ctx *c, const char *name, int *notfound)
{
	struct tmpl *t;
	char *text;
	size_t len;

	*notfound = 0;
	for (t = c->env->cache; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	if (load_source(c, name, &text, &len, notfound) < 0)
		return NULL;
	t = tmpl_parse(text, len, name, &c->env->o, c->e);
	free(text);
	if (t == NULL)
		return NULL;
	t->next = c->env->cache;
	c->env->cache = t;
	return t;
}

/* -------------------------------------------------------------- evaluate */

static int ev(struct ctx *c, struct node *n, struct ztp_val **out);
static int exec_body(struct ctx *c, struct nlist *body, struct scope *s);
static int call_func(struct ctx *c, struct func *f, struct ztp_val **args, size_t nargs,
		     char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_val **out);

#define cur_scope (c->cur)
#define S(c) ((c)->cur)

static int ev_args(struct ctx *c, struct node *n, struct ztp_val *subject, struct args *a)
{
	size_t i;
	struct ztp_val *v;

	memset(a, 0, sizeof *a);
	if (subject)
		tmpl_args_push(a, ztp_val_ref(subject));
	for (i = 0; i < n->l1.n; i++) {
		if (ev(c, n->l1.v[i], &v) < 0)
			return -1;
		tmpl_args_push(a, v);
	}
	if (n->b) {
		struct ztp_val *lst;

		if (ev(c, n->b, &v) < 0)
			return -1;
		if (tmpl_iterate(c, v, &lst) < 0) {
			ztp_val_unref(v);
			return -1;
		}
		ztp_val_unref(v);
		for (i = 0; i < lst->u.list.n; i++)
			tmpl_args_push(a, ztp_val_ref(lst->u.list.v[i]));
		ztp_val_unref(lst);
	}
	for (i = 0; i < n->nnames; i++) {
		if (ev(c, n->l2.v[i], &v) < 0)
			return -1;
		tmpl_args_kw(a, n->names[i], v);
	}
	if (n->c) {
		if (ev(c, n->c, &v) < 0)
			return -1;
		if (v->type != ZTP_V_MAP) {
			ztp_val_unref(v);
			return tmpl_fail(c, ZTP_ERR_PARSE, "argument after ** must be a mapping");
		}
		for (i = 0; i < v->u.map.n; i++) {
			struct ztp_buf kb = ZTP_BUF_INIT;

			tmpl_tostr(c, v->u.map.e[i].key, &kb);
			tmpl_args_kw(a, kb.p ? kb.p : "", ztp_val_ref(v->u.map.e[i].val));
			ztp_buf_free(&kb);
		}
		ztp_val_unref(v);
	}
	return 0;
}

static int has_method(int list, const char *name);

int tmpl_getattr(struct ctx *c, struct ztp_val *obj, const char *name, struct ztp_val **out)
{
	struct ztp_val *v;

	if (obj->type == TV_UNDEF) {
		if (c->env->o.undefined == ZTP_TMPL_UNDEF_CHAINABLE && !tmpl_undef_soft(c, obj)) {
			*out = ztp_val_ref(obj);
			return 0;
		}
		return tmpl_undef_error(c, obj);
	}
	if (obj->type == ZTP_V_MAP) {
		if (obj->line != TAG_NS && obj->line != TAG_MODULE && obj->line != TAG_LOOP &&
		    obj->line != TAG_CYCLER && has_method(0, name)) {
			*out = tmpl_func_new(c, F_METHOD, NULL, NULL, obj, name);
			return 0;
		}
		if ((obj->line == TAG_LOOP && (!strcmp(name, "cycle") || !strcmp(name, "changed"))) ||
		    (obj->line == TAG_CYCLER && (!strcmp(name, "next") || !strcmp(name, "reset")))) {
			*out = tmpl_func_new(c, F_METHOD, NULL, NULL, obj, name);
			return 0;
		}
		if (obj->line == TAG_CYCLER && !strcmp(name, "current")) {
			struct ztp_val *items = ztp_map_get(obj, "\001items"), *pos = ztp_map_get(obj, "\001pos");

			*out = ztp_val_ref(items->u.list.v[pos->u.i]);
			return 0;
		}
		if ((v = ztp_map_get(obj, name)) != NULL) {
			*out = ztp_val_ref(v);
			return 0;
		}
		if (obj->line == TAG_NS)
			*out = tmpl_undef(c, "'%s' has no attribute '%s'", "Namespace object", name);
		else
			*out = tmpl_undef(c, "'dict object' has no attribute '%s'", name);
		return 0;
	}
	if (obj->type == ZTP_V_STR || obj->type == ZTP_V_LIST) {
		if (obj->type == ZTP_V_STR ? tmpl_str_method_has(name) : has_method(1, name)) {
			*out = tmpl_func_new(c, F_METHOD, NULL, NULL, obj, name);
			return 0;
		}
	}
	if (obj->type == ZTP_V_LIST && obj->line == TAG_TUPLE && obj->u.list.n == 2 &&
	    (!strcmp(name, "grouper") || !strcmp(name, "list"))) {
		/* groupby() items are (grouper, list) named tuples */
		*out = ztp_val_ref(obj->u.list.v[name[0] == 'l']);
		return 0;
	}
	if (obj->type == TV_FUNC) {
		*out = tmpl_undef(c, "'function' object has no attribute '%s'", name);
		return 0;
	}
	if (obj->type == ZTP_V_NULL)
		*out = tmpl_undef(c, "'None' has no attribute '%s'", name);
	else
		*out = tmpl_undef(c, "'%s object' has no attribute '%s'",
				  obj->type == ZTP_V_STR ? "str" : obj->type == ZTP_V_LIST ?
				  (obj->line == TAG_TUPLE ? "tuple" : "list") :
				  obj->type == ZTP_V_INT ? "int" : obj->type == ZTP_V_FLOAT ?
				  "float" : obj->type == ZTP_V_BOOL ? "bool" : "object", name);
	return 0;
}

int tmpl_getitem(struct ctx *c, struct ztp_val *obj, struct ztp_val *key, struct ztp_val **out)
{
	struct ztp_val *v;

	if (obj->type == TV_UNDEF) {
		if (c->env->o.undefined == ZTP_TMPL_UNDEF_CHAINABLE && !tmpl_undef_soft(c, obj)) {
			*out = ztp_val_ref(obj);
			return 0;
		}
		return tmpl_undef_error(c, obj);
	}
	if (key->type == TV_UNDEF)
		return tmpl_undef_error(c, key);
	if (obj->type == ZTP_V_MAP) {
		if ((v = ztp_map_getv(obj, key)) != NULL) {
			*out = ztp_val_ref(v);
			return 0;
		}
	} else if ((obj->type == ZTP_V_LIST || obj->type == ZTP_V_STR) &&
		   (key->type == ZTP_V_INT || key->type == ZTP_V_BOOL)) {
		long long i = key->type == ZTP_V_INT ? key->u.i : key->u.b;
		long long n = obj->type == ZTP_V_LIST ? (long long)obj->u.list.n :
			      (long long)tmpl_u8len(obj->u.str.s, obj->u.str.len);

		if (i < 0)
			i += n;
		if (i >= 0 && i < n) {
			if (obj->type == ZTP_V_LIST) {
				*out = ztp_val_ref(obj->u.list.v[i]);
			} else {
				size_t p = 0, q;

				while (i-- > 0)
					p = tmpl_u8next(obj->u.str.s, obj->u.str.len, p);
				q = tmpl_u8next(obj->u.str.s, obj->u.str.len, p);
				*out = ztp_val_strn(obj->u.str.s + p, q - p);
			}
			return 0;
		}
	}
	if (key->type == ZTP_V_STR && obj->type != ZTP_V_MAP)
		return tmpl_getattr(c, obj, key->u.str.s, out);
	if (key->type == ZTP_V_STR && obj->line != TAG_NS && obj->line != TAG_MODULE) {
		/* dict: a method of that name, like getattr() */
		struct ztp_val *m;

		if (tmpl_getattr(c, obj, key->u.str.s, &m) < 0)
			return -1;
		*out = m;
		return 0;
	}
	{
		struct ztp_buf b = ZTP_BUF_INIT;
		const char *tn = obj->type == ZTP_V_MAP ? "dict object" :
				 obj->type == ZTP_V_LIST ? (obj->line == TAG_TUPLE ? "tuple object" : "list object") :
				 obj->type == ZTP_V_STR ? "str object" : obj->type == ZTP_V_NULL ? "None" :
				 obj->type == ZTP_V_INT ? "int object" : obj->type == ZTP_V_FLOAT ? "float object" :
				 obj->type == ZTP_V_BOOL ? "bool object" : "object";

		tmpl_repr(c, key, &b);
		if (key->type == ZTP_V_STR)
			*out = tmpl_undef(c, "'%s' has no attribute %s", tn, b.p ? b.p : "");
		else
			*out = tmpl_undef(c, "%s has no element %s", tn, b.p ? b.p : "");
		ztp_buf_free(&b);
	}
	return 0;
}

static long long slice_idx(long long i, long long n, int step_neg)
{
	if (i < 0) {
		i += n;
		if (i < 0)
			i = step_neg ? -1 : 0;
	} else if (i >= n) {
		i = step_neg ? n - 1 : n;
	}
	return i;
}

static int ev_slice(struct ctx *c, struct ztp_val *obj, struct node *sl, struct ztp_val **out)
{
	struct ztp_val *bv[3] = { NULL, NULL, NULL };
	struct node *bn[3] = { sl->a, sl->b, sl->c };
	long long st = 1, lo, hi, n, i;
	int k, rc = -1;
	struct ztp_val *res;

	for (k = 0; k < 3; k++) {
		if (bn[k] && ev(c, bn[k], &bv[k]) < 0)
			goto out;
		if (bv[k] && bv[k]->type == ZTP_V_NULL) {
			ztp_val_unref(bv[k]);
			bv[k] = NULL;
		}
		if (bv[k] && bv[k]->type != ZTP_V_INT && bv[k]->type != ZTP_V_BOOL) {
			if (bv[k]->type == TV_UNDEF) {
				tmpl_undef_error(c, bv[k]);
				goto out;
			}
			tmpl_fail(c, ZTP_ERR_PARSE, "slice indices must be integers or None");
			goto out;
		}
	}
	if (obj->type == TV_UNDEF) {
		{
			rc = tmpl_undef_error(c, obj);
			goto out;
		}
	}
	if (obj->type != ZTP_V_LIST && obj->type != ZTP_V_STR) {
		tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object is not subscriptable", tmpl_typename(obj));
		goto out;
	}
	if (bv[2]) {
		st = bv[2]->type == ZTP_V_INT ? bv[2]->u.i : bv[2]->u.b;
		if (st == 0) {
			tmpl_fail(c, ZTP_ERR_PARSE, "slice step cannot be zero");
			goto out;
		}
	}
	if (obj->type == ZTP_V_LIST) {
		n = (long long)obj->u.list.n;
	} else {
		n = (long long)tmpl_u8len(obj->u.str.s, obj->u.str.len);
	}
	lo = bv[0] ? slice_idx(bv[0]->type == ZTP_V_INT ? bv[0]->u.i : bv[0]->u.b, n, st < 0) :
	     (st < 0 ? n - 1 : 0);
	hi = bv[1] ? slice_idx(bv[1]->type == ZTP_V_INT ? bv[1]->u.i : bv[1]->u.b, n, st < 0) :
	     (st < 0 ? -1 : n);
	if (obj->type == ZTP_V_LIST) {
		res = ztp_val_list();
		res->line = obj->line == TAG_TUPLE ? TAG_TUPLE : 0;
		for (i = lo; st > 0 ? i < hi : i > hi; i += st)
			ztp_list_push(res, ztp_val_ref(obj->u.list.v[i]));
	} else {
		struct ztp_buf b = ZTP_BUF_INIT;
		size_t *off = ztp_xcalloc((size_t)n + 1, sizeof *off), p = 0;
		long long j;
		size_t blen;
		char *s;

		for (j = 0; j <= n; j++) {
			off[j] = p;
			if (j < n)
				p = tmpl_u8next(obj->u.str.s, obj->u.str.len, p);
		}
		for (i = lo; st > 0 ? i < hi : i > hi; i += st)
			ztp_buf_add(&b, obj->u.str.s + off[i], off[i + 1] - off[i]);
		free(off);
		s = ztp_buf_detach(&b, &blen);
		res = ztp_val_str_take(s, blen);
	}
	*out = res;
	rc = 0;
out:
	for (k = 0; k < 3; k++)
		ztp_val_unref(bv[k]);
	return rc;
}

/* Jinja2's global functions, made at the first use of their name in a
 * render (most renders use none) */
static struct ztp_val *global_func(struct ctx *c, const char *name)
{
	static const char *const globals[] = { "range", "dict", "namespace", "cycler", "joiner", NULL };
	struct ztp_val *v = ztp_map_get(c->globals->vars, name);
	int i;

	for (i = 0; v == NULL && globals[i]; i++)
		if (!strcmp(globals[i], name)) {
			v = tmpl_func_new(c, F_GLOBAL, NULL, NULL, NULL, name);
			ztp_map_set(c->globals->vars, name, v);
		}
	return v;
}

static int lookup_name(struct ctx *c, const char *name, struct ztp_val **out)
{
	struct ztp_val *v = tmpl_scope_find(S(c), name);

	if (v == NULL)
		v = global_func(c, name);
	if (v) {
		*out = ztp_val_ref(v);
		return 0;
	}
	*out = tmpl_undef(c, "'%s' is undefined", name);
	return 0;
}

static int assign(struct ctx *c, struct scope *s, struct node *target, struct ztp_val *v)
{
	size_t i, n;
	struct ztp_val *lst;

	if (target->kind == E_NAME) {
		/* the name as a key, made once per node (a loop assigns it
		 * on every iteration) */
		if (target->val == NULL)
			target->val = ztp_val_str(target->name);
		ztp_map_setv(s->vars, ztp_val_ref(target->val), ztp_val_ref(v));
		return 0;
	}
	if (target->kind == E_NSATTR) {
		struct ztp_val *ns = tmpl_scope_find(s, target->a->name);

		if (ns == NULL)
			ns = ztp_map_get(c->globals->vars, target->a->name);
		if (ns == NULL || ns->type != ZTP_V_MAP || ns->line != TAG_NS)
			return tmpl_fail(c, ZTP_ERR_PARSE, "cannot assign attribute on non-namespace object");
		ztp_map_set(ns, target->name, ztp_val_ref(v));
		return 0;
	}
	/* tuple unpacking */
	if (tmpl_iterate(c, v, &lst) < 0)
		return -1;
	n = target->l1.n;
	if (lst->u.list.n != n) {
		int rc;

		if (lst->u.list.n < n)
			rc = tmpl_fail(c, ZTP_ERR_PARSE, "not enough values to unpack (expected %zu, got %zu)",
				       n, lst->u.list.n);
		else
			rc = tmpl_fail(c, ZTP_ERR_PARSE, "too many values to unpack (expected %zu)", n);
		ztp_val_unref(lst);
		return rc;
	}
	for (i = 0; i < n; i++)
		if (assign(c, s, target->l1.v[i], lst->u.list.v[i]) < 0) {
			ztp_val_unref(lst);
			return -1;
		}
	ztp_val_unref(lst);
	return 0;
}

/* Render body into a fresh string with output captured. */
static int capture(struct ctx *c, struct nlist *body, struct scope *s, struct ztp_val **out)
{
	struct ztp_buf b, *saved = c->out;
	int rc;
	size_t len;
	char *str;

	ztp_buf_init(&b, c->max_output);
	c->out = &b;
	rc = exec_body(c, body, s);
	c->out = saved;
	if (rc < 0) {
		ztp_buf_free(&b);
		return rc;
	}
	str = ztp_buf_detach(&b, &len);
	*out = ztp_val_str_take(str, len);
	return 0;
}

static int filter_chain(struct ctx *c, struct node *f, struct ztp_val *subject, struct ztp_val **out)
{
	struct ztp_val *in, *r;
	struct args a;
	int rc;

	if (f == NULL) {
		*out = ztp_val_ref(subject);
		return 0;
	}
	if (f->kind != E_FILTER)
		return ev(c, f, out);
	if (filter_chain(c, f->a, subject, &in) < 0)
		return -1;
	c->line = f->line;
	if (ev_args(c, f, in, &a) < 0) {
		ztp_val_unref(in);
		tmpl_args_free(&a);
		return -1;
	}
	ztp_val_unref(in);
	c->line = f->line;
	rc = tmpl_apply_filter(c, f->name, &f->bi, a.pv, a.np, a.kn, a.kv, a.nk, &r);
	tmpl_args_free(&a);
	if (rc < 0)
		return rc;
	*out = r;
	return 0;
}

int tmpl_truthy(struct ctx *c, const struct ztp_val *v, int *out)
{
	if (v->type == TV_UNDEF) {
		if (tmpl_undef_strict(c, v))
			return tmpl_undef_error(c, v);
		*out = 0;
		return 0;
	}
	if (v->type == TV_FUNC) {
		*out = 1;
		return 0;
	}
	*out = ztp_val_truthy(v);
	return 0;
}

static int compare_op(struct ctx *c, int op, struct ztp_val *a, struct ztp_val *b, int *res)
{
	int r;

	switch (op) {
	case OP_EQ:
	case OP_NE:
		if (tmpl_undef_strict(c, a) || tmpl_undef_strict(c, b))
			return tmpl_undef_error(c, a->type == TV_UNDEF ? a : b);
		r = tmpl_eq(a, b);
		*res = op == OP_EQ ? r : !r;
		return 0;
	case OP_IN:
	case OP_NOTIN:
		if (b->type == TV_UNDEF) {
			if (tmpl_undef_strict(c, b))
				return tmpl_undef_error(c, b);
			*res = op == OP_NOTIN;
			return 0;
		}
		if (tmpl_undef_strict(c, a))
			return tmpl_undef_error(c, a);
		if (b->type == ZTP_V_STR) {
			if (a->type != ZTP_V_STR)
				return tmpl_fail(c, ZTP_ERR_PARSE,
						 "'in <string>' requires string as left operand, not %s",
						 a->type == TV_UNDEF ? "Undefined" : tmpl_typename(a));
			r = a->u.str.len == 0 ||
			    memmem(b->u.str.s, b->u.str.len, a->u.str.s, a->u.str.len) != NULL;
		} else if (b->type == ZTP_V_LIST) {
			size_t i;

			r = 0;
			for (i = 0; i < b->u.list.n && !r; i++)
				r = tmpl_eq(a, b->u.list.v[i]);
		} else if (b->type == ZTP_V_MAP) {
			if (a->type == ZTP_V_MAP || (a->type == ZTP_V_LIST && a->line != TAG_TUPLE))
				return tmpl_fail(c, ZTP_ERR_PARSE, "unhashable type: '%s'", tmpl_typename(a));
			r = ztp_map_getv(b, a) != NULL;
		} else {
			return tmpl_fail(c, ZTP_ERR_PARSE, "argument of type '%s' is not iterable",
					 b->type == ZTP_V_NULL ? "NoneType" : tmpl_typename(b));
		}
		*res = op == OP_IN ? r : !r;
		return 0;
	default:
		if (a->type == TV_UNDEF)
			return tmpl_undef_error(c, a);
		if (b->type == TV_UNDEF)
			return tmpl_undef_error(c, b);
		if (tmpl_cmp(c, a, b, &r) < 0) {
			const char *s = op == OP_LT ? "<" : op == OP_LE ? "<=" : op == OP_GT ? ">" : ">=";

			/* re-word the message with the operator */
			if (c->e && strstr(c->e->msg, "not supported between"))
				tmpl_fail(c, ZTP_ERR_PARSE, "'%s' not supported between instances of '%s' and '%s'",
					  s, a->type == ZTP_V_NULL ? "NoneType" : a->type == ZTP_V_MAP ? "dict" :
					  a->type == ZTP_V_LIST ? "list" : tmpl_typename(a),
					  b->type == ZTP_V_NULL ? "NoneType" : b->type == ZTP_V_MAP ? "dict" :
					  b->type == ZTP_V_LIST ? "list" : tmpl_typename(b));
			return -1;
		}
		*res = op == OP_LT ? r < 0 : op == OP_LE ? r <= 0 : op == OP_GT ? r > 0 : r >= 0;
		return 0;
	}
}

static int ev_call(struct ctx *c, struct node *n, struct ztp_val *caller, struct ztp_val **out)
{
	struct ztp_val *fn;
	struct args a;
	int rc;
	struct func *f;

	if (n->a->kind == E_GETATTR) {
		/* obj.method(...): call it without making a bound method */
		struct ztp_val *obj;

		if (ev(c, n->a->a, &obj) < 0)
			return -1;
		c->line = n->a->line;
		if (obj->type == ZTP_V_STR || obj->type == ZTP_V_LIST ||
		    (obj->type == ZTP_V_MAP && obj->line != TAG_NS && obj->line != TAG_MODULE)) {
			struct ztp_val *m;
			struct func *mf;

			if (tmpl_getattr(c, obj, n->a->name, &m) < 0) {
				ztp_val_unref(obj);
				return -1;
			}
			ztp_val_unref(obj);
			fn = m;
			if ((mf = tmpl_func_get(c, fn)) != NULL && mf->kind == F_METHOD &&
			    (size_t)fn->u.i + 1 == c->nfunc) {
				/* a bound method made just now: call it, then drop it */
				if (ev_args(c, n, NULL, &a) < 0) {
					tmpl_args_free(&a);
					rc = -1;
				} else {
					c->line = n->line;
					rc = call_func(c, mf, a.pv, a.np, a.kn, a.kv, a.nk, out);
					tmpl_args_free(&a);
				}
				if ((size_t)fn->u.i + 1 == c->nfunc) {
					c->nfunc--;
					ztp_val_unref(c->funcs[c->nfunc].self);
					free(c->funcs[c->nfunc].name);
				}
				ztp_val_unref(fn);
				return rc;
			}
		} else {
			if (tmpl_getattr(c, obj, n->a->name, &fn) < 0) {
				ztp_val_unref(obj);
				return -1;
			}
			ztp_val_unref(obj);
		}
	} else if (ev(c, n->a, &fn) < 0) {
		return -1;
	}
	if (ev_args(c, n, NULL, &a) < 0) {
		ztp_val_unref(fn);
		tmpl_args_free(&a);
		return -1;
	}
	if (caller)
		tmpl_args_kw(&a, "caller", ztp_val_ref(caller));
	c->line = n->line;
	if (fn->type == TV_UNDEF) {
		rc = tmpl_undef_error(c, fn);
	} else if ((f = tmpl_func_get(c, fn)) == NULL) {
		rc = tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object is not callable",
			       fn->type == ZTP_V_NULL ? "NoneType" : fn->type == ZTP_V_MAP ? "dict" :
			       tmpl_typename(fn));
	} else {
		rc = call_func(c, f, a.pv, a.np, a.kn, a.kv, a.nk, out);
	}
	tmpl_args_free(&a);
	ztp_val_unref(fn);
	return rc;
}

int tmpl_call_value(struct ctx *c, struct ztp_val *fn, struct ztp_val **args,
		    size_t nargs, char **kwn, struct ztp_val **kwv, size_t nkw,
		    struct ztp_val **out)
{
	struct func *f = tmpl_func_get(c, fn);

	if (f == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object is not callable", tmpl_typename(fn));
	return call_func(c, f, args, nargs, kwn, kwv, nkw, out);
}

#define MAX_EVDEPTH 1500

static int ev_inner(struct ctx *c, struct node *n, struct ztp_val **out);

/* Every nested expression, statement, macro call and include passes here:
 * bounding it bounds the C stack whatever the template does. */
static int ev(struct ctx *c, struct node *n, struct ztp_val **out)
{
	int rc;

	if (++c->evdepth > MAX_EVDEPTH) {
		c->evdepth--;
		*out = NULL;
		return tmpl_fail(c, ZTP_ERR_LIMIT, "template nested too deeply (expressions, macros "
				 "and includes deeper than %d)", MAX_EVDEPTH);
	}
	rc = ev_inner(c, n, out);
	c->evdepth--;
	return rc;
}

/* ---- one evaluator per expression kind (the table ev_kinds below) ---- */

typedef int (*ev_fn)(struct ctx *c, struct node *n, struct ztp_val **out);

static int ev_const(struct ctx *c, struct node *n, struct ztp_val **out)
{
	*out = ztp_val_ref(n->val);
	return 0;
}

static int ev_name(struct ctx *c, struct node *n, struct ztp_val **out)
{
	return lookup_name(c, n->name, out);
}

static int ev_attr(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a;
	int rc;

	if (ev(c, n->a, &a) < 0)
		return -1;
	c->line = n->line;
	rc = tmpl_getattr(c, a, n->name, out);
	ztp_val_unref(a);
	return rc;
}

static int ev_item(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = NULL, *b = NULL;
	int rc = -1;

	if (ev(c, n->a, &a) == 0 && ev(c, n->b, &b) == 0) {
		c->line = n->line;
		rc = tmpl_getitem(c, a, b, out);
	}
	ztp_val_unref(a);
	ztp_val_unref(b);
	return rc;
}

static int ev_sliced(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a;
	int rc;

	if (ev(c, n->a, &a) < 0)
		return -1;
	rc = ev_slice(c, a, n->c, out);
	ztp_val_unref(a);
	return rc;
}

/* a list or tuple display */
static int ev_seq(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = n->kind == E_LIST ? ztp_val_list() : tmpl_tuple(), *b;
	size_t i;

	for (i = 0; i < n->l1.n; i++) {
		if (ev(c, n->l1.v[i], &b) < 0) {
			ztp_val_unref(a);
			return -1;
		}
		ztp_list_push(a, b);
	}
	*out = a;
	return 0;
}

static int ev_dict(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = ztp_val_map(), *k, *v;
	size_t i;

	for (i = 0; i < n->l1.n; i++) {
		if (ev(c, n->l1.v[i], &k) < 0)
			goto fail;
		if (ev(c, n->l2.v[i], &v) < 0) {
			ztp_val_unref(k);
			goto fail;
		}
		if (k->type == ZTP_V_LIST && k->line != TAG_TUPLE) {
			ztp_val_unref(k);
			ztp_val_unref(v);
			tmpl_fail(c, ZTP_ERR_PARSE, "unhashable type: 'list'");
			goto fail;
		}
		ztp_map_setv(a, k, v);
	}
	*out = a;
	return 0;
fail:
	ztp_val_unref(a);
	return -1;
}

static int ev_binop(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = NULL, *b = NULL;
	int rc = -1;

	if (ev(c, n->a, &a) == 0 && ev(c, n->b, &b) == 0) {
		c->line = n->line;
		rc = tmpl_binop(c, n->flag, a, b, out);
	}
	ztp_val_unref(a);
	ztp_val_unref(b);
	return rc;
}

/* unary - and + */
static int ev_unary(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a;
	int rc = 0;

	if (ev(c, n->a, &a) < 0)
		return -1;
	c->line = n->line;
	if (a->type == TV_UNDEF) {
		rc = tmpl_undef_error(c, a);
	} else if (a->type == ZTP_V_INT || a->type == ZTP_V_BOOL) {
		long long v = a->type == ZTP_V_INT ? a->u.i : a->u.b;

		if (n->kind == E_NEG && v == LLONG_MIN)
			rc = tmpl_fail(c, ZTP_ERR_PARSE, "integer overflow");
		else
			*out = ztp_val_int(n->kind == E_NEG ? -v : v);
	} else if (a->type == ZTP_V_FLOAT) {
		*out = ztp_val_float(n->kind == E_NEG ? -a->u.f : a->u.f);
	} else {
		rc = tmpl_fail(c, ZTP_ERR_PARSE, "bad operand type for unary %s: '%s'",
			       n->kind == E_NEG ? "-" : "+", tmpl_typename(a));
	}
	ztp_val_unref(a);
	return rc;
}

/* and, or: the deciding operand itself, the right one evaluated only when needed */
static int ev_andor(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = NULL;
	int t = 0;

	if (ev(c, n->a, &a) < 0 || tmpl_truthy(c, a, &t) < 0) {
		ztp_val_unref(a);
		return -1;
	}
	if ((n->kind == E_AND) != (t != 0)) {
		*out = a;
		return 0;
	}
	ztp_val_unref(a);
	return ev(c, n->b, out);
}

static int ev_not(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = NULL;
	int t = 0, rc = -1;

	if (ev(c, n->a, &a) == 0 && tmpl_truthy(c, a, &t) == 0) {
		*out = tmpl_bool(!t);
		rc = 0;
	}
	ztp_val_unref(a);
	return rc;
}

/* a chain of comparisons (1 < x < 5): stops at the first false one */
static int ev_compare(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a, *b = NULL;
	int t = 0, rc = -1;
	size_t i;

	if (ev(c, n->a, &a) < 0)
		return -1;
	for (i = 0; i < n->l1.n; i++) {
		if (ev(c, n->l1.v[i], &b) < 0)
			goto out;
		c->line = n->line;
		if (compare_op(c, n->ops[i], a, b, &t) < 0)
			goto out;
		ztp_val_unref(a);
		a = b;
		b = NULL;
		if (!t)
			break;
	}
	*out = tmpl_bool(t);
	rc = 0;
out:
	ztp_val_unref(a);
	ztp_val_unref(b);
	return rc;
}

static int ev_cond(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a = NULL;
	int t = 0;

	if (ev(c, n->a, &a) < 0 || tmpl_truthy(c, a, &t) < 0) {
		ztp_val_unref(a);
		return -1;
	}
	ztp_val_unref(a);
	if (t)
		return ev(c, n->b, out);
	if (n->c)
		return ev(c, n->c, out);
	*out = tmpl_undef(c, "\001the inline if-expression on line %d evaluated to false and no "
			  "else section was defined.", n->line);
	return 0;
}

static int ev_filter(struct ctx *c, struct node *n, struct ztp_val **out)
{
	return filter_chain(c, n, NULL, out);
}

static int ev_test(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *a;
	struct args ar;
	int t = 0, rc = -1;

	if (ev(c, n->a, &a) < 0)
		return -1;
	if (ev_args(c, n, a, &ar) == 0) {
		c->line = n->line;
		rc = tmpl_apply_test(c, n->name, &n->bi, ar.pv, ar.np, ar.kn, ar.kv, ar.nk, &t);
		if (rc == 0)
			*out = tmpl_bool(n->flag ? !t : t);
	}
	tmpl_args_free(&ar);
	ztp_val_unref(a);
	return rc;
}

static int ev_callexpr(struct ctx *c, struct node *n, struct ztp_val **out)
{
	return ev_call(c, n, NULL, out);
}

/* a ~ b ~ ...: the strings of the operands joined */
static int ev_concat(struct ctx *c, struct node *n, struct ztp_val **out)
{
	struct ztp_val *b;
	struct ztp_buf bb;
	size_t i, len;
	char *s;

	ztp_buf_init(&bb, c->max_output);
	for (i = 0; i < n->l1.n; i++) {
		if (ev(c, n->l1.v[i], &b) < 0)
			goto fail;
		if (tmpl_tostr(c, b, &bb) < 0) {
			ztp_val_unref(b);
			goto fail;
		}
		ztp_val_unref(b);
	}
	s = ztp_buf_detach(&bb, &len);
	*out = ztp_val_str_take(s, len);
	return 0;
fail:
	ztp_buf_free(&bb);
	return -1;
}

/* by node kind, from E_CONST; E_NSATTR is only ever a target of set */
static const ev_fn ev_kinds[] = {
	[E_CONST - E_CONST] = ev_const,
	[E_NAME - E_CONST] = ev_name,
	[E_GETATTR - E_CONST] = ev_attr,
	[E_GETITEM - E_CONST] = ev_item,
	[E_SLICE - E_CONST] = ev_sliced,
	[E_LIST - E_CONST] = ev_seq,
	[E_TUPLE - E_CONST] = ev_seq,
	[E_DICT - E_CONST] = ev_dict,
	[E_BINOP - E_CONST] = ev_binop,
	[E_NEG - E_CONST] = ev_unary,
	[E_POS - E_CONST] = ev_unary,
	[E_AND - E_CONST] = ev_andor,
	[E_OR - E_CONST] = ev_andor,
	[E_NOT - E_CONST] = ev_not,
	[E_COMPARE - E_CONST] = ev_compare,
	[E_COND - E_CONST] = ev_cond,
	[E_FILTER - E_CONST] = ev_filter,
	[E_TEST - E_CONST] = ev_test,
	[E_CALL - E_CONST] = ev_callexpr,
	[E_CONCAT - E_CONST] = ev_concat,
	[E_NSATTR - E_CONST] = NULL,
};

static int ev_inner(struct ctx *c, struct node *n, struct ztp_val **out)
{
	ev_fn fn = NULL;

	if (tmpl_step(c, 1) < 0)
		return -1;
	c->line = n->line;
	*out = NULL;
	if (n->kind >= E_CONST && (size_t)(n->kind - E_CONST) < sizeof ev_kinds / sizeof ev_kinds[0])
		fn = ev_kinds[n->kind - E_CONST];
	if (fn == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "internal error: unexpected node %d", n->kind);
	return fn(c, n, out);
}

/* Filter and test lookup, at render time (an unknown filter in a branch
 * that never runs is not an error, like Jinja2 3). */
static const struct tmpl_builtin *find_builtin(const char *name, int test,
					       const struct tmpl_builtin **cache)
{
	const struct tmpl_builtin *b = cache ? *cache : NULL;

	if (b == NULL) {
		b = test ? tmpl_find_test(name) : tmpl_find_filter(name);
		if (b == NULL)
			b = test ? tmpl_find_net_test(name) : tmpl_find_net_filter(name);
		if (cache)
			*cache = b;
	}
	return b;
}

int tmpl_apply_filter(struct ctx *c, const char *name, const struct tmpl_builtin **cache,
		      struct ztp_val **args, size_t nargs, char **kwn, struct ztp_val **kwv,
		      size_t nkw, struct ztp_val **out)
{
	const struct tmpl_builtin *b = find_builtin(name, 0, cache);

	if (b == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "No filter named '%s' found.", name);
	return b->fn(c, args, nargs, kwn, kwv, nkw, out);
}

int tmpl_apply_test(struct ctx *c, const char *name, const struct tmpl_builtin **cache,
		    struct ztp_val **args, size_t nargs, char **kwn, struct ztp_val **kwv,
		    size_t nkw, int *res)
{
	const struct tmpl_builtin *b = find_builtin(name, 1, cache);
	struct ztp_val *out = NULL;
	int rc;

	if (b == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "No test named '%s' found.", name);
	rc = b->fn(c, args, nargs, kwn, kwv, nkw, &out);
	if (rc < 0)
		return rc;
	*res = out && ztp_val_truthy(out);
	ztp_val_unref(out);
	return 0;
}

/* ----------------------------------------------------------------- calls */

static int call_macro(struct ctx *c, struct func *f, struct ztp_val **args, size_t nargs,
		      char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_val **out)
{
	struct node *d = f->def;
	struct scope *s, *saved = cur_scope;
	struct ztp_val *varargs, *kwargs, *res;
	const char *saved_name = c->tname;
	int saved_line = c->line, rc = -1;
	size_t i, k;
	char *given;

	if (++c->depth > c->max_depth) {
		c->depth--;
		return tmpl_fail(c, ZTP_ERR_LIMIT, "macro calls nested deeper than %d", c->max_depth);
	}
	s = tmpl_scope_new(f->closure);
	given = ztp_xcalloc(d->nnames + 1, 1);
	varargs = tmpl_tuple();
	kwargs = ztp_val_map();
	for (i = 0; i < nargs; i++) {
		if (i < d->nnames) {
			ztp_map_set(s->vars, d->names[i], ztp_val_ref(args[i]));
			given[i] = 1;
		} else {
			ztp_list_push(varargs, ztp_val_ref(args[i]));
		}
	}
	for (k = 0; k < nkw; k++) {
		for (i = 0; i < d->nnames; i++)
			if (!strcmp(d->names[i], kwn[k]))
				break;
		if (i < d->nnames) {
			if (given[i]) {
				rc = tmpl_fail(c, ZTP_ERR_PARSE, "macro '%s' got multiple values for argument '%s'",
					       f->name, kwn[k]);
				goto out;
			}
			ztp_map_set(s->vars, d->names[i], ztp_val_ref(kwv[k]));
			given[i] = 1;
		} else if (!strcmp(kwn[k], "caller") && f->kind == F_MACRO) {
			ztp_map_set(s->vars, "caller", ztp_val_ref(kwv[k]));
		} else {
			ztp_map_set(kwargs, kwn[k], ztp_val_ref(kwv[k]));
		}
	}
	ztp_map_set(s->vars, "varargs", ztp_val_ref(varargs));
	ztp_map_set(s->vars, "kwargs", ztp_val_ref(kwargs));
	c->tname = f->tname;
	cur_scope = s;
	for (i = 0; i < d->nnames; i++) {
		if (given[i])
			continue;
		if (i < d->l2.n && d->l2.v[i]) {
			struct ztp_val *dv;

			if (ev(c, d->l2.v[i], &dv) < 0)
				goto out;
			ztp_map_set(s->vars, d->names[i], dv);
		} else {
			ztp_map_set(s->vars, d->names[i],
				    tmpl_undef(c, "parameter '%s' was not provided", d->names[i]));
		}
	}
	if (f->kind == F_MACRO && ztp_map_get(s->vars, "caller") == NULL)
		ztp_map_set(s->vars, "caller",
			    tmpl_undef(c, "No caller defined"));
	rc = capture(c, &d->l1, s, &res);
	if (rc == 0)
		*out = res;
out:
	cur_scope = saved;
	if (rc == 0) {
		c->tname = saved_name;
		c->line = saved_line;
	}
	c->brk = 0;
	free(given);
	ztp_val_unref(varargs);
	ztp_val_unref(kwargs);
	tmpl_scope_unref(s);
	c->depth--;
	return rc;
}

static int kwarg(char **kwn, struct ztp_val **kwv, size_t nkw, const char *name,
		 struct ztp_val **v)
{
	size_t i;

	for (i = 0; i < nkw; i++)
		if (!strcmp(kwn[i], name)) {
			*v = kwv[i];
			return 1;
		}
	return 0;
}

static int int_arg(struct ctx *c, struct ztp_val *v, long long *out)
{
	if (v->type == ZTP_V_INT) {
		*out = v->u.i;
		return 0;
	}
	if (v->type == ZTP_V_BOOL) {
		*out = v->u.b;
		return 0;
	}
	if (v->type == TV_UNDEF)
		return tmpl_undef_error(c, v);
	return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object cannot be interpreted as an integer",
			 v->type == ZTP_V_NULL ? "NoneType" : tmpl_typename(v));
}

static int call_global(struct ctx *c, struct func *f, struct ztp_val **args, size_t nargs,
		       char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_val **out)
{
	size_t i;

	if (!strcmp(f->name, "range")) {
		long long lo = 0, hi, st = 1, n, v;
		struct ztp_val *l;

		if (nargs < 1 || nargs > 3 || nkw)
			return tmpl_fail(c, ZTP_ERR_PARSE, "range expected 1 to 3 arguments, got %zu", nargs);
		if (nargs == 1) {
			if (int_arg(c, args[0], &hi) < 0)
				return -1;
		} else {
			if (int_arg(c, args[0], &lo) < 0 || int_arg(c, args[1], &hi) < 0)
				return -1;
			if (nargs == 3 && int_arg(c, args[2], &st) < 0)
				return -1;
		}
		if (st == 0)
			return tmpl_fail(c, ZTP_ERR_PARSE, "range() arg 3 must not be zero");
		if (st > 0)
			n = hi > lo ? (long long)(((unsigned long long)hi - (unsigned long long)lo - 1) /
						  (unsigned long long)st) + 1 : 0;
		else
			n = lo > hi ? (long long)(((unsigned long long)lo - (unsigned long long)hi - 1) /
						  (unsigned long long)(-(st + 1) + 1)) + 1 : 0;
		if (n > c->env->o.max_range || n < 0)
			return tmpl_fail(c, ZTP_ERR_LIMIT, "range() of %lld items exceeds the limit of %lld",
					 n, c->env->o.max_range);
		if (tmpl_step(c, n) < 0)
			return -1;
		l = ztp_val_list();
		for (v = lo, i = 0; (long long)i < n; i++, v += st)
			ztp_list_push(l, ztp_val_int(v));
		*out = l;
		return 0;
	}
	if (!strcmp(f->name, "cycler")) {
		struct ztp_val *m = ztp_val_map(), *items = ztp_val_list();

		if (nargs == 0) {
			ztp_val_unref(m);
			ztp_val_unref(items);
			return tmpl_fail(c, ZTP_ERR_PARSE, "at least one item has to be provided");
		}
		for (i = 0; i < nargs; i++)
			ztp_list_push(items, ztp_val_ref(args[i]));
		ztp_map_set(m, "\001items", items);
		ztp_map_set(m, "\001pos", ztp_val_int(0));
		m->line = TAG_CYCLER;
		*out = m;
		return 0;
	}
	if (!strcmp(f->name, "joiner")) {
		struct ztp_val *st = ztp_val_map();

		ztp_map_set(st, "sep", nargs ? ztp_val_ref(args[0]) : ztp_val_str(", "));
		ztp_map_set(st, "used", ztp_val_bool(0));
		*out = tmpl_func_new(c, F_JOINER, NULL, NULL, st, "joiner");
		ztp_val_unref(st);
		return 0;
	}
	if (!strcmp(f->name, "dict") || !strcmp(f->name, "namespace")) {
		struct ztp_val *m = ztp_val_map();

		if (nargs > 1) {
			ztp_val_unref(m);
			return tmpl_fail(c, ZTP_ERR_PARSE, "%s expected at most 1 argument, got %zu",
					 f->name, nargs);
		}
		if (nargs == 1) {
			struct ztp_val *src = args[0];

			if (src->type == ZTP_V_MAP) {
				for (i = 0; i < src->u.map.n; i++)
					ztp_map_setv(m, ztp_val_ref(src->u.map.e[i].key),
						     ztp_val_ref(src->u.map.e[i].val));
			} else {
				struct ztp_val *l;

				if (tmpl_iterate(c, src, &l) < 0) {
					ztp_val_unref(m);
					return -1;
				}
				for (i = 0; i < l->u.list.n; i++) {
					struct ztp_val *p = l->u.list.v[i];

					if (p->type != ZTP_V_LIST || p->u.list.n != 2) {
						ztp_val_unref(l);
						ztp_val_unref(m);
						return tmpl_fail(c, ZTP_ERR_PARSE,
								 "dictionary update sequence element #%zu has the wrong length", i);
					}
					ztp_map_setv(m, ztp_val_ref(p->u.list.v[0]), ztp_val_ref(p->u.list.v[1]));
				}
				ztp_val_unref(l);
			}
		}
		for (i = 0; i < nkw; i++)
			ztp_map_set(m, kwn[i], ztp_val_ref(kwv[i]));
		if (f->name[0] == 'n')
			m->line = TAG_NS;
		*out = m;
		return 0;
	}
	return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' is not supported", f->name);
}

/* loop.changed(values...) and loop.cycle(a, b, ...) */
static int loop_method(struct ctx *c, struct ztp_val *self, const char *m,
		       struct ztp_val **args, size_t nargs, struct ztp_val **out)
{
	struct ztp_val *ix;
	size_t i;

	if (!strcmp(m, "changed")) {
		/* differs from the last call's values */
		struct ztp_val *last = ztp_map_get(self, "\001changed"), *now = ztp_val_list();
		int ch;

		for (i = 0; i < nargs; i++)
			ztp_list_push(now, ztp_val_ref(args[i]));
		ch = last->u.list.n == 0 || !tmpl_eq(last->u.list.v[0], now);
		if (ch) {
			if (last->u.list.n)
				ztp_val_unref(last->u.list.v[0]);
			else
				ztp_list_push(last, NULL);
			last->u.list.v[0] = ztp_val_ref(now);
		}
		ztp_val_unref(now);
		*out = tmpl_bool(ch);
		return 0;
	}
	/* cycle */
	if (nargs == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "no items for cycling given");
	ix = ztp_map_get(self, "index0");
	*out = ztp_val_ref(args[(size_t)(ix ? ix->u.i : 0) % nargs]);
	return 0;
}

/* cycler(...).next() and .reset() */
static int cycler_method(struct ztp_val *self, const char *m, struct ztp_val **out)
{
	struct ztp_val *items = ztp_map_get(self, "\001items"), *pos = ztp_map_get(self, "\001pos");

	if (!strcmp(m, "reset")) {
		pos->u.i = 0;
		*out = ztp_val_null();
	} else {
		*out = ztp_val_ref(items->u.list.v[pos->u.i]);
		pos->u.i = (pos->u.i + 1) % (long long)items->u.list.n;
	}
	return 0;
}

/* ---- methods of dicts and lists: one function per method (family), found
 * in the tables dict_methods and list_methods below ---- */

#define MARGS struct ctx *c, struct ztp_val *self, const char *m, struct ztp_val **args, \
	size_t nargs, char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_val **out

struct method {
	const char *name;
	int (*fn)(MARGS);
};

/* items(), keys(), values() */
static int d_view(MARGS)
{
	struct ztp_val *l = ztp_val_list();
	size_t i;

	for (i = 0; i < self->u.map.n; i++) {
		if (m[0] == 'i') {
			struct ztp_val *t = tmpl_tuple();

			ztp_list_push(t, ztp_val_ref(self->u.map.e[i].key));
			ztp_list_push(t, ztp_val_ref(self->u.map.e[i].val));
			ztp_list_push(l, t);
		} else {
			ztp_list_push(l, ztp_val_ref(m[0] == 'k' ? self->u.map.e[i].key :
						     self->u.map.e[i].val));
		}
	}
	*out = l;
	return 0;
}

static void d_remove(struct ztp_val *self, struct ztp_val *k)
{
	size_t j;

	for (j = 0; j < self->u.map.n; j++)
		if (tmpl_eq(self->u.map.e[j].key, k)) {
			ztp_val_unref(self->u.map.e[j].key);
			ztp_val_unref(self->u.map.e[j].val);
			memmove(&self->u.map.e[j], &self->u.map.e[j + 1],
				(self->u.map.n - j - 1) * sizeof self->u.map.e[0]);
			self->u.map.n--;
			break;
		}
}

/* get(), pop(), setdefault() */
static int d_get(MARGS)
{
	struct ztp_val *d = NULL, *v;

	if (nargs < 1 || nargs > 2)
		return tmpl_fail(c, ZTP_ERR_PARSE, "%s expected 1 or 2 arguments, got %zu", m, nargs);
	if (args[0]->type == TV_UNDEF)
		return tmpl_undef_error(c, args[0]);
	if (nargs == 2)
		d = args[1];
	v = ztp_map_getv(self, args[0]);
	if (v) {
		*out = ztp_val_ref(v);
		if (m[0] == 'p')
			d_remove(self, args[0]);
		return 0;
	}
	if (m[0] == 'p' && d == NULL) {
		struct ztp_buf b = ZTP_BUF_INIT;

		tmpl_repr(c, args[0], &b);
		tmpl_fail(c, ZTP_ERR_PARSE, "KeyError: %s", b.p ? b.p : "");
		ztp_buf_free(&b);
		return -1;
	}
	*out = d ? ztp_val_ref(d) : ztp_val_null();
	if (m[0] == 's')
		ztp_map_setv(self, ztp_val_ref(args[0]), ztp_val_ref(*out));
	return 0;
}

static int d_update(MARGS)
{
	size_t i, j;

	for (i = 0; i < nargs; i++) {
		if (args[i]->type != ZTP_V_MAP)
			return tmpl_fail(c, ZTP_ERR_PARSE, "update() argument must be a mapping");
		for (j = 0; j < args[i]->u.map.n; j++)
			ztp_map_setv(self, ztp_val_ref(args[i]->u.map.e[j].key),
				     ztp_val_ref(args[i]->u.map.e[j].val));
	}
	for (i = 0; i < nkw; i++)
		ztp_map_set(self, kwn[i], ztp_val_ref(kwv[i]));
	*out = ztp_val_null();
	return 0;
}

static int d_copy(MARGS)
{
	struct ztp_val *r = ztp_val_map();
	size_t i;

	for (i = 0; i < self->u.map.n; i++)
		ztp_map_setv(r, ztp_val_ref(self->u.map.e[i].key), ztp_val_ref(self->u.map.e[i].val));
	*out = r;
	return 0;
}

static int d_clear(MARGS)
{
	size_t i;

	for (i = 0; i < self->u.map.n; i++) {
		ztp_val_unref(self->u.map.e[i].key);
		ztp_val_unref(self->u.map.e[i].val);
	}
	self->u.map.n = 0;
	*out = ztp_val_null();
	return 0;
}

static int l_append(MARGS)
{
	if (nargs != 1)
		return tmpl_fail(c, ZTP_ERR_PARSE, "append() takes exactly one argument (%zu given)", nargs);
	if (self->u.list.n >= tmpl_max_items(c))
		return tmpl_fail(c, ZTP_ERR_LIMIT, "list grows past %zu items", tmpl_max_items(c));
	ztp_list_push(self, ztp_val_ref(args[0]));
	*out = ztp_val_null();
	return 0;
}

static int l_extend(MARGS)
{
	struct ztp_val *l;
	size_t i;

	if (nargs != 1)
		return tmpl_fail(c, ZTP_ERR_PARSE, "extend() takes exactly one argument (%zu given)", nargs);
	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	if (self->u.list.n + l->u.list.n >= tmpl_max_items(c) ||
	    tmpl_step(c, (long long)l->u.list.n / 4) < 0) {
		ztp_val_unref(l);
		return c->e && c->e->code ? -1 :
		       tmpl_fail(c, ZTP_ERR_LIMIT, "list grows past %zu items", tmpl_max_items(c));
	}
	for (i = 0; i < l->u.list.n; i++)
		ztp_list_push(self, ztp_val_ref(l->u.list.v[i]));
	ztp_val_unref(l);
	*out = ztp_val_null();
	return 0;
}

static int l_insert(MARGS)
{
	long long ix;
	size_t n = self->u.list.n;

	if (nargs != 2)
		return tmpl_fail(c, ZTP_ERR_PARSE, "insert expected 2 arguments, got %zu", nargs);
	if (int_arg(c, args[0], &ix) < 0)
		return -1;
	if (ix < 0)
		ix = ix + (long long)n < 0 ? 0 : ix + (long long)n;
	if (ix > (long long)n)
		ix = (long long)n;
	ztp_list_push(self, ztp_val_null());
	ztp_val_unref(self->u.list.v[n]);
	memmove(&self->u.list.v[ix + 1], &self->u.list.v[ix],
		(n - (size_t)ix) * sizeof *self->u.list.v);
	self->u.list.v[ix] = ztp_val_ref(args[1]);
	*out = ztp_val_null();
	return 0;
}

static int l_pop(MARGS)
{
	long long ix = -1;
	size_t n = self->u.list.n;

	if (nargs > 1)
		return tmpl_fail(c, ZTP_ERR_PARSE, "pop expected at most 1 argument, got %zu", nargs);
	if (nargs == 1 && int_arg(c, args[0], &ix) < 0)
		return -1;
	if (n == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "pop from empty list");
	if (ix < 0)
		ix += (long long)n;
	if (ix < 0 || ix >= (long long)n)
		return tmpl_fail(c, ZTP_ERR_PARSE, "pop index out of range");
	*out = self->u.list.v[ix];
	memmove(&self->u.list.v[ix], &self->u.list.v[ix + 1],
		(n - (size_t)ix - 1) * sizeof *self->u.list.v);
	self->u.list.n--;
	return 0;
}

/* index(), count(), remove() */
static int l_find(MARGS)
{
	long long cnt = 0;
	size_t i;

	if (nargs != 1)
		return tmpl_fail(c, ZTP_ERR_PARSE, "%s() takes exactly one argument (%zu given)", m, nargs);
	for (i = 0; i < self->u.list.n; i++) {
		if (!tmpl_eq(self->u.list.v[i], args[0]))
			continue;
		if (m[0] == 'i') {
			*out = ztp_val_int((long long)i);
			return 0;
		}
		if (m[0] == 'r') {
			ztp_val_unref(self->u.list.v[i]);
			memmove(&self->u.list.v[i], &self->u.list.v[i + 1],
				(self->u.list.n - i - 1) * sizeof *self->u.list.v);
			self->u.list.n--;
			*out = ztp_val_null();
			return 0;
		}
		cnt++;
	}
	if (m[0] == 'c') {
		*out = ztp_val_int(cnt);
		return 0;
	}
	return tmpl_fail(c, ZTP_ERR_PARSE, m[0] == 'i' ? "value is not in list" :
			 "list.remove(x): x not in list");
}

static int l_reverse(MARGS)
{
	size_t n = self->u.list.n, i;
	struct ztp_val *v;

	for (i = 0; i < n / 2; i++) {
		v = self->u.list.v[i];
		self->u.list.v[i] = self->u.list.v[n - 1 - i];
		self->u.list.v[n - 1 - i] = v;
	}
	*out = ztp_val_null();
	return 0;
}

static int l_sort(MARGS)
{
	struct ztp_val *rv = NULL;
	int rev = 0;

	if (kwarg(kwn, kwv, nkw, "reverse", &rv))
		rev = ztp_val_truthy(rv);
	if (tmpl_sort(c, self->u.list.v, self->u.list.n, NULL, NULL, rev) < 0)
		return -1;
	*out = ztp_val_null();
	return 0;
}

static int l_copy(MARGS)
{
	struct ztp_val *r = ztp_val_list();
	size_t i;

	for (i = 0; i < self->u.list.n; i++)
		ztp_list_push(r, ztp_val_ref(self->u.list.v[i]));
	*out = r;
	return 0;
}

static int l_clear(MARGS)
{
	size_t i;

	for (i = 0; i < self->u.list.n; i++)
		ztp_val_unref(self->u.list.v[i]);
	self->u.list.n = 0;
	*out = ztp_val_null();
	return 0;
}

/* in the order of ztp-templates(7); NULL-terminated */
static const struct method dict_methods[] = {
	{ "items", d_view }, { "keys", d_view }, { "values", d_view }, { "get", d_get },
	{ "update", d_update }, { "pop", d_get }, { "setdefault", d_get }, { "copy", d_copy },
	{ "clear", d_clear }, { NULL, NULL },
};

static const struct method list_methods[] = {
	{ "append", l_append }, { "extend", l_extend }, { "insert", l_insert }, { "pop", l_pop },
	{ "index", l_find }, { "count", l_find }, { "remove", l_find }, { "reverse", l_reverse },
	{ "sort", l_sort }, { "copy", l_copy }, { "clear", l_clear }, { NULL, NULL },
};

static const struct method *method_find(const struct method *t, const char *name)
{
	for (; t->name; t++)
		if (t->name[0] == name[0] && !strcmp(t->name, name))
			return t;
	return NULL;
}

/* 1 when lists (list) or dicts have the method name */
static int has_method(int list, const char *name)
{
	return method_find(list ? list_methods : dict_methods, name) != NULL;
}

const char *tmpl_method_name(int list, size_t i)
{
	const struct method *t = list ? list_methods : dict_methods;
	size_t n;

	for (n = 0; n < i && t[n].name; n++)
		;
	return t[n].name;
}

static int dict_method(MARGS)
{
	const struct method *d = method_find(dict_methods, m);

	if (d == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object has no attribute '%s'",
				 tmpl_typename(self), m);
	return d->fn(c, self, m, args, nargs, kwn, kwv, nkw, out);
}

static int list_method(MARGS)
{
	const struct method *d;

	if (self->line == TAG_TUPLE && strcmp(m, "index") && strcmp(m, "count"))
		return tmpl_fail(c, ZTP_ERR_PARSE, "'tuple' object has no attribute '%s'", m);
	if ((d = method_find(list_methods, m)) == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object has no attribute '%s'",
				 tmpl_typename(self), m);
	return d->fn(c, self, m, args, nargs, kwn, kwv, nkw, out);
}

static int call_method(struct ctx *c, struct func *f, struct ztp_val **args, size_t nargs,
		       char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_val **out)
{
	struct ztp_val *self = f->self;
	const char *m = f->name;

	if (self->type == ZTP_V_STR)
		return tmpl_str_method(c, self, m, args, nargs, kwn, kwv, nkw, out);
	if (self->type == ZTP_V_MAP && self->line == TAG_LOOP)
		return loop_method(c, self, m, args, nargs, out);
	if (self->type == ZTP_V_MAP && self->line == TAG_CYCLER)
		return cycler_method(self, m, out);
	if (self->type == ZTP_V_MAP)
		return dict_method(c, self, m, args, nargs, kwn, kwv, nkw, out);
	if (self->type == ZTP_V_LIST)
		return list_method(c, self, m, args, nargs, kwn, kwv, nkw, out);
	return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object has no attribute '%s'",
			 tmpl_typename(self), m);
}

static int call_func(struct ctx *c, struct func *f, struct ztp_val **args, size_t nargs,
		     char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_val **out)
{
	size_t i;

	for (i = 0; i < nargs; i++)
		if (args[i]->type == TV_UNDEF && f->kind != F_MACRO && f->kind != F_CALLER &&
		    tmpl_undef_strict(c, args[i]))
			return tmpl_undef_error(c, args[i]);
	switch (f->kind) {
	case F_MACRO:
	case F_CALLER:
		return call_macro(c, f, args, nargs, kwn, kwv, nkw, out);
	case F_GLOBAL:
		return call_global(c, f, args, nargs, kwn, kwv, nkw, out);
	case F_JOINER: {
		/* "" the first time, the separator after that */
		struct ztp_val *used = ztp_map_get(f->self, "used");

		if (used->u.b) {
			*out = ztp_val_ref(ztp_map_get(f->self, "sep"));
		} else {
			used->u.b = 1;
			*out = ztp_val_str("");
		}
		return 0;
	}
	default:
		return call_method(c, f, args, nargs, kwn, kwv, nkw, out);
	}
}

/* ------------------------------------------------------------ statements */

static int exec_node(struct ctx *c, struct node *n);

static int exec_body(struct ctx *c, struct nlist *body, struct scope *s)
{
	struct scope *saved = cur_scope;
	size_t i;
	int rc = 0;

	cur_scope = s;
	for (i = 0; i < body->n; i++) {
		if ((rc = exec_node(c, body->v[i])) < 0)
			break;
		if (c->brk)
			break;
	}
	cur_scope = saved;
	return rc;
}

static int out_value(struct ctx *c, struct ztp_val *v)
{
	if (tmpl_tostr(c, v, c->out) < 0) {
		if (c->out->len + 1024 >= (c->max_output ? c->max_output : ZTP_BUF_DEFAULT_MAX) &&
		    (!c->e || c->e->code != ZTP_ERR_PARSE))
			return tmpl_fail(c, ZTP_ERR_LIMIT, "output exceeds the limit of %zu bytes",
					 c->max_output);
		return -1;
	}
	return 0;
}

/* The loop object of iteration I over LST, in *LP: made once, then its
 * values replaced in place while nothing else holds it */
static void loop_object(struct ctx *c, struct ztp_val **lp, size_t i, struct ztp_val *lst,
			struct ztp_val *changed)
{
	static const char *const keys[] = { "index", "index0", "revindex", "revindex0",
		"first", "last", "length", "depth", "depth0", "previtem", "nextitem",
		"\001changed" };
	size_t cnt = lst->u.list.n, k;
	struct ztp_val *v[12];

	v[0] = ztp_val_int((long long)i + 1);
	v[1] = ztp_val_int((long long)i);
	v[2] = ztp_val_int((long long)(cnt - i));
	v[3] = ztp_val_int((long long)(cnt - i - 1));
	v[4] = tmpl_bool(i == 0);
	v[5] = tmpl_bool(i + 1 == cnt);
	v[6] = ztp_val_int((long long)cnt);
	v[7] = ztp_val_int(1);
	v[8] = ztp_val_int(0);
	v[9] = i > 0 ? ztp_val_ref(lst->u.list.v[i - 1]) : tmpl_undef(c, "there is no previous item");
	v[10] = i + 1 < cnt ? ztp_val_ref(lst->u.list.v[i + 1]) : tmpl_undef(c, "there is no next item");
	v[11] = ztp_val_ref(changed);
	if (*lp && (*lp)->refs == 1 && (*lp)->u.map.n == 12) {
		for (k = 0; k < 12; k++) {
			ztp_val_unref((*lp)->u.map.e[k].val);
			(*lp)->u.map.e[k].val = v[k];
		}
		return;
	}
	ztp_val_unref(*lp);
	*lp = ztp_val_map();
	(*lp)->line = TAG_LOOP;
	for (k = 0; k < 12; k++)
		ztp_map_set(*lp, keys[k], v[k]);
}

static int exec_for(struct ctx *c, struct node *n)
{
	struct ztp_val *it, *lst, *items;
	struct scope *s, *outer;
	struct ztp_val *changed = NULL, *lp = NULL;
	size_t i, cnt;
	int rc = -1, t = 0;

	if (ev(c, n->b, &it) < 0)
		return -1;
	c->line = n->line;
	if (tmpl_iterate(c, it, &lst) < 0) {
		ztp_val_unref(it);
		return -1;
	}
	ztp_val_unref(it);
	outer = cur_scope;
	s = tmpl_scope_new(outer);
	if (n->c) {
		struct scope *saved = cur_scope;

		items = ztp_val_list();
		cur_scope = s;
		for (i = 0; i < lst->u.list.n; i++) {
			struct ztp_val *cv;

			if (tmpl_step(c, 1) < 0 || assign(c, s, n->a, lst->u.list.v[i]) < 0 ||
			    ev(c, n->c, &cv) < 0) {
				cur_scope = saved;
				goto out2;
			}
			if (tmpl_truthy(c, cv, &t) < 0) {
				ztp_val_unref(cv);
				cur_scope = saved;
				goto out2;
			}
			ztp_val_unref(cv);
			if (t)
				ztp_list_push(items, ztp_val_ref(lst->u.list.v[i]));
		}
		cur_scope = saved;
		ztp_val_unref(lst);
		lst = items;
	}
	cnt = lst->u.list.n;
	if (cnt == 0) {
		rc = exec_body(c, &n->l2, cur_scope);
		goto out;
	}
	for (i = 0; i < cnt; i++) {
		if (tmpl_step(c, 1) < 0)
			goto out;
		c->line = n->line;
		/* each iteration starts from the enclosing scope: a set in
		 * the body does not carry over to the next iteration */
		if (s->refs == 1 && s->vars->refs == 1) {
			/* nothing kept it (no macro or caller closure): reuse */
			size_t k;

			for (k = 0; k < s->vars->u.map.n; k++) {
				ztp_val_unref(s->vars->u.map.e[k].key);
				ztp_val_unref(s->vars->u.map.e[k].val);
			}
			s->vars->u.map.n = 0;
		} else {
			tmpl_scope_unref(s);
			s = tmpl_scope_new(outer);
		}
		if (assign(c, s, n->a, lst->u.list.v[i]) < 0)
			goto out;
		if (n->flag) {
			if (changed == NULL)
				changed = ztp_val_list();
			loop_object(c, &lp, i, lst, changed);
			ztp_map_set(s->vars, "loop", ztp_val_ref(lp));
		}
		if (exec_body(c, &n->l1, s) < 0)
			goto out;
		if (c->brk == 1) {
			c->brk = 0;
			break;
		}
		c->brk = 0;
	}
	rc = 0;
out:
	ztp_val_unref(lp);
	ztp_val_unref(changed);
	ztp_val_unref(lst);
	tmpl_scope_unref(s);
	return rc;
out2:
	ztp_val_unref(items);
	goto out;
}

static int include_names(struct ctx *c, struct ztp_val *v, struct tmpl **t, int ignore)
{
	struct ztp_val *l = NULL;
	size_t i;
	int nf;

	*t = NULL;
	if (v->type == TV_UNDEF)
		return tmpl_undef_error(c, v);
	if (v->type == ZTP_V_STR) {
		*t = get_template(c, v->u.str.s, &nf);
		if (*t == NULL && nf && ignore) {
			ztp_err_clear(c->e);
			return 0;
		}
		return *t ? 0 : -1;
	}
	if (v->type != ZTP_V_LIST)
		return tmpl_fail(c, ZTP_ERR_PARSE, "template name must be a string or a list of strings");
	l = v;
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *s = l->u.list.v[i];

		if (s->type != ZTP_V_STR)
			continue;
		*t = get_template(c, s->u.str.s, &nf);
		if (*t)
			return 0;
		if (!nf)
			return -1;
	}
	if (ignore) {
		ztp_err_clear(c->e);
		return 0;
	}
	{
		struct ztp_buf b = ZTP_BUF_INIT;

		tmpl_repr(c, v, &b);
		tmpl_fail(c, ZTP_ERR_NOTFOUND, "none of the templates given were found: %s",
			  b.p ? b.p : "");
		ztp_buf_free(&b);
	}
	return -1;
}

static int run_template(struct ctx *c, struct tmpl *t, struct scope *s)
{
	const char *saved = c->tname;
	int saved_line = c->line, rc;

	if (++c->depth > c->max_depth) {
		c->depth--;
		return tmpl_fail(c, ZTP_ERR_LIMIT, "includes/imports nested deeper than %d", c->max_depth);
	}
	c->tname = t->name;
	rc = exec_body(c, &t->body, s);
	c->brk = 0;
	c->depth--;
	if (rc == 0) {
		c->tname = saved;
		c->line = saved_line;
	}
	return rc;
}

static int do_import(struct ctx *c, struct node *n, struct ztp_val **mod)
{
	struct ztp_val *name, *m;
	struct tmpl *t;
	struct scope *s;
	struct ztp_buf sink, *saved = c->out;
	int rc;

	if (ev(c, n->a, &name) < 0)
		return -1;
	rc = include_names(c, name, &t, 0);
	ztp_val_unref(name);
	if (rc < 0)
		return -1;
	s = tmpl_scope_new(n->flag ? c->root : c->globals);
	ztp_buf_init(&sink, c->max_output);
	c->out = &sink;
	rc = run_template(c, t, s);
	c->out = saved;
	ztp_buf_free(&sink);
	if (rc < 0) {
		tmpl_scope_unref(s);
		return -1;
	}
	m = ztp_val_ref(s->vars);
	m->line = TAG_MODULE;
	tmpl_scope_unref(s);
	*mod = m;
	return 0;
}

static int exec_node_inner(struct ctx *c, struct node *n);

static int exec_node(struct ctx *c, struct node *n)
{
	int rc;

	if (++c->evdepth > MAX_EVDEPTH) {
		c->evdepth--;
		return tmpl_fail(c, ZTP_ERR_LIMIT, "template nested too deeply (statements, macros "
				 "and includes deeper than %d)", MAX_EVDEPTH);
	}
	rc = exec_node_inner(c, n);
	c->evdepth--;
	return rc;
}

/* ---- one executor per statement kind (the table exec_kinds below) ---- */

typedef int (*exec_fn)(struct ctx *c, struct node *n);

static int exec_data(struct ctx *c, struct node *n)
{
	if (ztp_buf_add(c->out, n->val->u.str.s, n->val->u.str.len) < 0)
		return tmpl_fail(c, ZTP_ERR_LIMIT, "output exceeds the limit of %zu bytes",
				 c->max_output);
	return 0;
}

static int exec_print(struct ctx *c, struct node *n)
{
	struct ztp_val *v;
	int rc;

	if (ev(c, n->a, &v) < 0)
		return -1;
	rc = out_value(c, v);
	ztp_val_unref(v);
	return rc;
}

/* if, and its elif chain (an else holding only an if) without recursion */
static int exec_if(struct ctx *c, struct node *n)
{
	struct ztp_val *v = NULL;
	int t = 0;

	for (;;) {
		if (ev(c, n->a, &v) < 0 || tmpl_truthy(c, v, &t) < 0) {
			ztp_val_unref(v);
			return -1;
		}
		ztp_val_unref(v);
		v = NULL;
		if (t)
			return exec_body(c, &n->l1, cur_scope);
		if (n->l2.n == 1 && n->l2.v[0]->kind == N_IF) {
			n = n->l2.v[0];
			if (tmpl_step(c, 1) < 0)
				return -1;
			c->line = n->line;
			continue;
		}
		return exec_body(c, &n->l2, cur_scope);
	}
}

static int exec_set(struct ctx *c, struct node *n)
{
	struct ztp_val *v;
	int rc;

	if (ev(c, n->b, &v) < 0)
		return -1;
	rc = assign(c, cur_scope, n->a, v);
	ztp_val_unref(v);
	return rc;
}

/* set name | filters %} block {% endset */
static int exec_setblock(struct ctx *c, struct node *n)
{
	struct ztp_val *v, *r;
	int rc;

	if (capture(c, &n->l1, cur_scope, &v) < 0)
		return -1;
	if (n->b) {
		if (filter_chain(c, n->b, v, &r) < 0) {
			ztp_val_unref(v);
			return -1;
		}
		ztp_val_unref(v);
		v = r;
	}
	rc = assign(c, cur_scope, n->a, v);
	ztp_val_unref(v);
	return rc;
}

static int exec_macro(struct ctx *c, struct node *n)
{
	struct ztp_val *v = tmpl_func_new(c, F_MACRO, n, cur_scope, NULL, n->name);

	ztp_map_set(cur_scope->vars, n->name, v);
	return 0;
}

static int exec_callblock(struct ctx *c, struct node *n)
{
	struct ztp_val *caller = tmpl_func_new(c, F_CALLER, n, cur_scope, NULL, "caller");
	struct ztp_val *v = NULL;
	int rc;

	rc = ev_call(c, n->a, caller, &v);
	ztp_val_unref(caller);
	if (rc == 0)
		rc = out_value(c, v);
	ztp_val_unref(v);
	return rc;
}

static int exec_filterblock(struct ctx *c, struct node *n)
{
	struct ztp_val *v, *r;
	int rc;

	if (capture(c, &n->l1, cur_scope, &v) < 0)
		return -1;
	rc = filter_chain(c, n->a, v, &r);
	ztp_val_unref(v);
	if (rc < 0)
		return -1;
	rc = out_value(c, r);
	ztp_val_unref(r);
	return rc;
}

static int exec_include(struct ctx *c, struct node *n)
{
	struct ztp_val *v;
	struct tmpl *tp;
	struct scope *s;
	int rc;

	if (ev(c, n->a, &v) < 0)
		return -1;
	rc = include_names(c, v, &tp, n->flag & 2);
	if (rc == 0 && tp) {
		s = tmpl_scope_new((n->flag & 1) ? cur_scope : c->globals);
		rc = run_template(c, tp, s);
		tmpl_scope_unref(s);
	}
	ztp_val_unref(v);
	return rc;
}

static int exec_import(struct ctx *c, struct node *n)
{
	struct ztp_val *v;

	if (do_import(c, n, &v) < 0)
		return -1;
	ztp_map_set(cur_scope->vars, n->name, v);
	return 0;
}

static int exec_fromimport(struct ctx *c, struct node *n)
{
	struct ztp_val *v;
	size_t i;

	if (do_import(c, n, &v) < 0)
		return -1;
	for (i = 0; i < n->nnames; i++) {
		struct ztp_val *x = ztp_map_get(v, n->names[i]);
		const char *as = n->alias[i] ? n->alias[i] : n->names[i];

		if (x)
			ztp_map_set(cur_scope->vars, as, ztp_val_ref(x));
		else {
			struct ztp_val *nm;

			ev(c, n->a, &nm);
			ztp_map_set(cur_scope->vars, as,
				    tmpl_undef(c, "the template %s%s%s (imported on line %d) does not export the requested name '%s'",
					       "'", nm && nm->type == ZTP_V_STR ? nm->u.str.s : "?", "'",
					       n->line, n->names[i]));
			ztp_val_unref(nm);
		}
	}
	ztp_val_unref(v);
	return 0;
}

/* break and continue: c->brk stops the bodies up to the loop */
static int exec_loopctl(struct ctx *c, struct node *n)
{
	c->brk = n->kind == N_BREAK ? 1 : 2;
	return 0;
}

static int exec_do(struct ctx *c, struct node *n)
{
	struct ztp_val *v;

	if (ev(c, n->a, &v) < 0)
		return -1;
	ztp_val_unref(v);
	return 0;
}

static int exec_with(struct ctx *c, struct node *n)
{
	struct scope *s = tmpl_scope_new(cur_scope);
	struct scope *saved = cur_scope;
	size_t i;
	int rc;

	for (i = 0; i < n->l1.n; i++) {
		struct ztp_val *x;

		if (ev(c, n->l2.v[i], &x) < 0) {
			tmpl_scope_unref(s);
			return -1;
		}
		cur_scope = s;
		rc = assign(c, s, n->l1.v[i], x);
		cur_scope = saved;
		ztp_val_unref(x);
		if (rc < 0) {
			tmpl_scope_unref(s);
			return -1;
		}
	}
	rc = exec_body(c, &n->a->l1, s);
	tmpl_scope_unref(s);
	return rc;
}

/* by node kind, from N_DATA */
static const exec_fn exec_kinds[] = {
	[N_DATA] = exec_data,
	[N_PRINT] = exec_print,
	[N_IF] = exec_if,
	[N_FOR] = exec_for,
	[N_SET] = exec_set,
	[N_SETBLOCK] = exec_setblock,
	[N_MACRO] = exec_macro,
	[N_CALLBLOCK] = exec_callblock,
	[N_INCLUDE] = exec_include,
	[N_IMPORT] = exec_import,
	[N_FROMIMPORT] = exec_fromimport,
	[N_FILTERBLOCK] = exec_filterblock,
	[N_BREAK] = exec_loopctl,
	[N_CONTINUE] = exec_loopctl,
	[N_DO] = exec_do,
	[N_WITH] = exec_with,
};

static int exec_node_inner(struct ctx *c, struct node *n)
{
	exec_fn fn = NULL;

	if (tmpl_step(c, 1) < 0)
		return -1;
	c->line = n->line;
	if (n->kind >= 0 && (size_t)n->kind < sizeof exec_kinds / sizeof exec_kinds[0])
		fn = exec_kinds[n->kind];
	if (fn == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "internal error: unexpected statement %d", n->kind);
	return fn(c, n);
}

/* ------------------------------------------------------------------- API */

struct ztp_tmpl_env *ztp_tmpl_env_new(const struct ztp_tmpl_opts *o)
{
	struct ztp_tmpl_env *env = ztp_xcalloc(1, sizeof *env);
	size_t i;

	if (o)
		env->o = *o;
	if (env->o.paths == NULL || env->o.npaths == 0) {
		env->npaths = 1;
		env->paths = ztp_xcalloc(1, sizeof *env->paths);
		env->paths[0] = ztp_xstrdup(".");
	} else {
		env->npaths = env->o.npaths;
		env->paths = ztp_xcalloc(env->npaths, sizeof *env->paths);
		for (i = 0; i < env->npaths; i++)
			env->paths[i] = ztp_xstrdup(env->o.paths[i]);
	}
	env->o.paths = NULL;
	env->o.npaths = 0;
	if (env->o.max_output == 0)
		env->o.max_output = (size_t)16 << 20;
	if (env->o.max_template == 0)
		env->o.max_template = (size_t)4 << 20;
	if (env->o.max_steps <= 0)
		env->o.max_steps = 10000000;
	if (env->o.max_range <= 0)
		env->o.max_range = 1000000;
	if (env->o.max_depth <= 0)
		env->o.max_depth = 100;
	return env;
}

void ztp_tmpl_env_free(struct ztp_tmpl_env *env)
{
	size_t i;

	if (env == NULL)
		return;
	while (env->cache) {
		struct tmpl *t = env->cache;

		env->cache = t->next;
		tmpl_free(t);
	}
	for (i = 0; i < env->npaths; i++)
		free(env->paths[i]);
	free(env->paths);
	for (i = 0; i < env->nmem; i++) {
		free(env->mem[i].name);
		free(env->mem[i].text);
	}
	free(env->mem);
	free(env);
}

void ztp_tmpl_env_add(struct ztp_tmpl_env *env, const char *name, const char *text, size_t len)
{
	env->mem = ztp_xrealloc(env->mem, env->nmem + 1, sizeof *env->mem);
	env->mem[env->nmem].name = ztp_xstrdup(name);
	env->mem[env->nmem].text = ztp_xstrndup(text, len);
	env->mem[env->nmem].len = len;
	env->nmem++;
}

int ztp_tmpl_check(struct ztp_tmpl_env *env, const char *name, struct ztp_err *e)
{
	struct ctx c;
	struct tmpl *t;
	int nf;

	tmpl_ctx_init(&c, env, e);
	c.tname = name;
	t = get_template(&c, name, &nf);
	tmpl_ctx_free(&c);
	return t ? 0 : (e && e->code ? e->code : ZTP_ERR_PARSE);
}

int ztp_tmpl_render(struct ztp_tmpl_env *env, const char *name, struct ztp_val *vars,
		    struct ztp_buf *out, struct ztp_err *e)
{
	struct ctx c;
	struct tmpl *t;
	struct scope *data, *root;
	struct ztp_buf b;
	int nf, rc;

	ztp_err_clear(e);
	tmpl_ctx_init(&c, env, e);
	c.tname = name;
	t = get_template(&c, name, &nf);
	if (t == NULL) {
		rc = e && e->code ? e->code : ZTP_ERR_PARSE;
		tmpl_ctx_free(&c);
		return rc;
	}
	/* the caller's variables are the data scope itself, not a copy: the
	 * template only ever writes to root and the scopes below it */
	data = tmpl_scope_new(c.globals);
	if (vars && vars->type == ZTP_V_MAP) {
		ztp_val_unref(data->vars);
		data->vars = ztp_val_ref(vars);
	}
	root = tmpl_scope_new(data);
	c.root = root;
	ztp_buf_init(&b, env->o.max_output);
	if (t->out_hint)
		(void)ztp_buf_grow(&b, t->out_hint);
	c.out = &b;
	c.tname = t->name;
	c.depth = 1;
	rc = exec_body(&c, &t->body, root);
	t->out_hint = b.len;
	if (rc == 0 && b.len && ztp_buf_add(out, b.p, b.len) < 0)
		rc = ztp_err_set(e, ZTP_ERR_LIMIT, "output of '%s' exceeds the buffer limit", name);
	ztp_buf_free(&b);
	tmpl_scope_unref(root);
	tmpl_scope_unref(data);
	tmpl_ctx_free(&c);
	if (rc < 0)
		return e && e->code ? e->code : rc;
	return 0;
}
