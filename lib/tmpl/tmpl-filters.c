/* tmpl-filters.c: Jinja2's builtin filters and tests (the subset listed in
 * ztp-templates(7)), with Python's semantics. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "tmpl-int.h"
#include "yml.h"

static int truthy_arg(struct ztp_val *v)
{
	return v && v->type != TV_UNDEF && ztp_val_truthy(v);
}

static int to_int(struct ctx *c, struct ztp_val *v, long long *out, const char *what)
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
	return tmpl_fail(c, ZTP_ERR_PARSE, "%s: '%s' object cannot be interpreted as an integer",
			 what, tmpl_typename(v));
}


static struct ztp_val *strbuf(struct ztp_buf *b)
{
	size_t len;
	char *p = ztp_buf_detach(b, &len);

	return ztp_val_str_take(p, len);
}

/* call a str method on str(subject) */
static int via_str_method(struct ctx *c, struct ztp_val *v, const char *m,
			  struct ztp_val **a, size_t na, struct ztp_val **out)
{
	struct ztp_val *s;
	int rc;

	if (tmpl_str_val(c, v, &s) < 0)
		return -1;
	rc = tmpl_str_method(c, s, m, a, na, NULL, NULL, 0, out);
	ztp_val_unref(s);
	return rc;
}

/* make_attrgetter: "a.b.0" through getitem, digits as integers */
static int attr_get(struct ctx *c, struct ztp_val *item, struct ztp_val *attr,
		    struct ztp_val *dflt, struct ztp_val **out)
{
	struct ztp_val *cur = ztp_val_ref(item), *nx, *key;
	const char *s, *p;

	if (attr == NULL || attr->type == ZTP_V_NULL) {
		*out = cur;
		return 0;
	}
	if (attr->type != ZTP_V_STR) {
		if (tmpl_getitem(c, cur, attr, &nx) < 0) {
			ztp_val_unref(cur);
			return -1;
		}
		ztp_val_unref(cur);
		if (dflt && tmpl_is_undef(nx)) {
			ztp_val_unref(nx);
			nx = ztp_val_ref(dflt);
		}
		*out = nx;
		return 0;
	}
	s = attr->u.str.s;
	for (;;) {
		size_t n;
		int digits = 1;
		size_t i;

		p = strchr(s, '.');
		n = p ? (size_t)(p - s) : strlen(s);
		for (i = 0; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				digits = 0;
		if (digits && n > 0 && n < 18) {
			char tmp[20];

			memcpy(tmp, s, n);
			tmp[n] = 0;
			key = ztp_val_int(strtoll(tmp, NULL, 10));
		} else {
			key = ztp_val_strn(s, n);
		}
		if (tmpl_getitem(c, cur, key, &nx) < 0) {
			ztp_val_unref(key);
			ztp_val_unref(cur);
			return -1;
		}
		ztp_val_unref(key);
		ztp_val_unref(cur);
		cur = nx;
		if (dflt && tmpl_is_undef(cur)) {
			ztp_val_unref(cur);
			cur = ztp_val_ref(dflt);
		}
		if (!p)
			break;
		s = p + 1;
	}
	*out = cur;
	return 0;
}

static struct ztp_val *lower_if_str(struct ztp_val *v)
{
	size_t i;
	char *p;

	if (v->type != ZTP_V_STR)
		return v;
	p = ztp_xstrndup(v->u.str.s, v->u.str.len);
	for (i = 0; i < v->u.str.len; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] + 32);
	{
		struct ztp_val *r = ztp_val_str_take(p, v->u.str.len);

		ztp_val_unref(v);
		return r;
	}
}

struct keyarg {
	struct ztp_val *attr;	/* NULL: the item itself */
	int icase;
	int multi;		/* "a,b" attributes */
};

static int key_fn(struct ctx *c, struct ztp_val *item, void *argp, struct ztp_val **out)
{
	struct keyarg *k = argp;
	struct ztp_val *v;

	if (k->multi && k->attr && k->attr->type == ZTP_V_STR && strchr(k->attr->u.str.s, ',')) {
		struct ztp_val *l = ztp_val_list();
		const char *s = k->attr->u.str.s, *p;

		for (;;) {
			struct ztp_val *a, *x;

			p = strchr(s, ',');
			a = p ? ztp_val_strn(s, (size_t)(p - s)) : ztp_val_str(s);
			if (attr_get(c, item, a, NULL, &x) < 0) {
				ztp_val_unref(a);
				ztp_val_unref(l);
				return -1;
			}
			ztp_val_unref(a);
			ztp_list_push(l, k->icase ? lower_if_str(x) : x);
			if (!p)
				break;
			s = p + 1;
		}
		*out = l;
		return 0;
	}
	if (attr_get(c, item, k->attr, NULL, &v) < 0)
		return -1;
	if (v->type == TV_UNDEF) {
		int rc = tmpl_undef_error(c, v);

		ztp_val_unref(v);
		return rc;
	}
	*out = k->icase ? lower_if_str(v) : v;
	return 0;
}

/* ---------------------------------------------------------------- filters */

static int f_default(FARGS)
{
	struct ztp_val *v = args[0], *d = ARG(1, "default_value");
	int boolean = truthy_arg(ARG(2, "boolean"));

	if (v->type == TV_UNDEF || (boolean && !ztp_val_truthy(v)))
		*out = d ? ztp_val_ref(d) : ztp_val_str("");
	else
		*out = ztp_val_ref(v);
	return 0;
}

static int f_join(FARGS)
{
	struct ztp_val *d = ARG(1, "d"), *attr = ARG(2, "attribute"), *l, *ds = NULL;
	struct ztp_buf b;
	size_t i;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	if (d && tmpl_str_val(c, d, &ds) < 0) {
		ztp_val_unref(l);
		return -1;
	}
	ztp_buf_init(&b, 0);
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *x;

		if (i && ds)
			ztp_buf_add(&b, ds->u.str.s, ds->u.str.len);
		if (attr_get(c, l->u.list.v[i], attr, NULL, &x) < 0 || tmpl_tostr(c, x, &b) < 0) {
			ztp_val_unref(x);
			ztp_val_unref(l);
			ztp_val_unref(ds);
			ztp_buf_free(&b);
			return -1;
		}
		ztp_val_unref(x);
	}
	ztp_val_unref(l);
	ztp_val_unref(ds);
	*out = strbuf(&b);
	return 0;
}

/* Python's str.splitlines() boundaries (ASCII and the common Unicode ones):
 * the length of the line break at s[i], or 0 */
static size_t linebreak(const char *s, size_t n, size_t i)
{
	unsigned char ch = (unsigned char)s[i];

	if (ch == '\r')
		return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
	if (ch == '\n' || ch == '\v' || ch == '\f' || ch == 0x1c || ch == 0x1d || ch == 0x1e)
		return 1;
	if (ch == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85)
		return 2;
	if (ch == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
		return 3;
	return 0;
}

static int f_indent(FARGS)
{
	struct ztp_val *s, *w = ARG(1, "width");
	int first = truthy_arg(ARG(2, "first")), blank = truthy_arg(ARG(3, "blank"));
	struct ztp_buf ind = ZTP_BUF_INIT, b, src = ZTP_BUF_INIT;
	const char *p;
	size_t n, i, st, ln = 0, k;

	if (w && w->type == ZTP_V_STR) {
		ztp_buf_add(&ind, w->u.str.s, w->u.str.len);
	} else {
		long long cnt = 4;

		if (w && to_int(c, w, &cnt, "indent") < 0)
			return -1;
		for (; cnt > 0 && ind.len < 10000; cnt--)
			ztp_buf_addc(&ind, ' ');
	}
	if (args[0]->type != ZTP_V_STR) {
		/* Jinja2 does s += "\n" */
		ztp_buf_free(&ind);
		if (args[0]->type == TV_UNDEF)
			return tmpl_undef_error(c, args[0]);
		return tmpl_fail(c, ZTP_ERR_PARSE, "unsupported operand type(s) for +=: '%s' and 'str'",
				 tmpl_typename(args[0]));
	}
	s = ztp_val_ref(args[0]);
	/* s += "\n"; lines = s.splitlines(); then join */
	ztp_buf_add(&src, s->u.str.s, s->u.str.len);
	ztp_buf_addc(&src, '\n');
	ztp_val_unref(s);
	p = src.p;
	n = src.len;
	ztp_buf_init(&b, tmpl_max_output(c));
	if (first)
		ztp_buf_add(&b, ind.p ? ind.p : "", ind.len);
	for (i = 0, st = 0; i < n; i++) {
		if ((k = linebreak(p, n, i)) == 0)
			continue;
		if (ln > 0) {
			ztp_buf_addc(&b, '\n');
			if (blank || i > st)
				ztp_buf_add(&b, ind.p ? ind.p : "", ind.len);
		}
		ztp_buf_add(&b, p + st, i - st);
		ln++;
		i += k - 1;
		st = i + 1;
	}
	ztp_buf_free(&ind);
	ztp_buf_free(&src);
	if (b.len >= (b.max ? b.max : ZTP_BUF_DEFAULT_MAX) - 1) {
		ztp_buf_free(&b);
		return tmpl_fail(c, ZTP_ERR_LIMIT, "indent: result exceeds the output limit");
	}
	*out = strbuf(&b);
	return 0;
}

static int f_sort(FARGS)
{
	struct keyarg k;
	struct ztp_val *l;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	k.attr = ARG(3, "attribute");
	k.icase = !truthy_arg(ARG(2, "case_sensitive"));
	k.multi = 1;
	if (tmpl_sort(c, l->u.list.v, l->u.list.n, key_fn, &k, truthy_arg(ARG(1, "reverse"))) < 0) {
		ztp_val_unref(l);
		return -1;
	}
	*out = l;
	return 0;
}

static int f_replace(FARGS)
{
	struct ztp_val *o = ARG(1, "old"), *n = ARG(2, "new"), *cnt = ARG(3, "count");
	struct ztp_val *a[3], *s;
	int rc;

	if (!o || !n)
		return tmpl_fail(c, ZTP_ERR_PARSE, "replace() needs the old and the new string");
	if (tmpl_str_val(c, o, &a[0]) < 0)
		return -1;
	if (tmpl_str_val(c, n, &a[1]) < 0) {
		ztp_val_unref(a[0]);
		return -1;
	}
	a[2] = cnt && cnt->type != ZTP_V_NULL ? cnt : NULL;
	if (tmpl_str_val(c, args[0], &s) < 0) {
		ztp_val_unref(a[0]);
		ztp_val_unref(a[1]);
		return -1;
	}
	rc = tmpl_str_method(c, s, "replace", a, a[2] ? 3 : 2, NULL, NULL, 0, out);
	ztp_val_unref(s);
	ztp_val_unref(a[0]);
	ztp_val_unref(a[1]);
	return rc;
}

static int f_length(FARGS)
{
	struct ztp_val *v = args[0];

	switch (v->type) {
	case ZTP_V_STR:
		*out = ztp_val_int((long long)tmpl_u8len(v->u.str.s, v->u.str.len));
		return 0;
	case ZTP_V_LIST:
	case ZTP_V_MAP:
		*out = ztp_val_int((long long)ztp_val_len(v));
		return 0;
	case TV_UNDEF:
		if (tmpl_undef_strict(c, v))
			return tmpl_undef_error(c, v);
		*out = ztp_val_int(0);
		return 0;
	default:
		return tmpl_fail(c, ZTP_ERR_PARSE, "object of type '%s' has no len()",
				 v->type == ZTP_V_NULL ? "NoneType" : tmpl_typename(v));
	}
}

static int f_string(FARGS)
{
	return tmpl_str_val(c, args[0], out);
}

/* Python int(str, base): whitespace, sign, underscores between digits */
static int py_int(const char *s, size_t n, int base, long long *out)
{
	size_t i = 0, j;
	int neg = 0, nd = 0;
	unsigned long long v = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i + 1 < n && s[i] == '0' && base == 16 && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;
	else if (i + 1 < n && s[i] == '0' && base == 8 && (s[i + 1] == 'o' || s[i + 1] == 'O'))
		i += 2;
	else if (i + 1 < n && s[i] == '0' && base == 2 && (s[i + 1] == 'b' || s[i + 1] == 'B'))
		i += 2;
	for (j = i; j < n; j++) {
		int d;

		if (s[j] == '_' && j > i && j + 1 < n && s[j - 1] != '_')
			continue;
		d = isdigit((unsigned char)s[j]) ? s[j] - '0' :
		    isalpha((unsigned char)s[j]) ? tolower((unsigned char)s[j]) - 'a' + 10 : 99;
		if (d >= base)
			return -1;
		if (v > (9223372036854775807ULL - (unsigned long long)d) / (unsigned long long)base)
			return -1;
		v = v * (unsigned long long)base + (unsigned long long)d;
		nd++;
	}
	if (nd == 0)
		return -1;
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

static int py_float(const char *s, size_t n, double *out)
{
	char buf[128], *end;
	size_t i = 0, k = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	if (n - i == 0 || n - i >= sizeof buf)
		return -1;
	for (; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (!isalnum((unsigned char)s[i]) && !strchr("+-.", s[i]))
			return -1;
		buf[k++] = s[i];
	}
	buf[k] = 0;
	if ((buf[0] == '0' || ((buf[0] == '+' || buf[0] == '-') && buf[1] == '0')) &&
	    strpbrk(buf, "xX"))
		return -1;	/* hex floats are not Python syntax */
	errno = 0;
	*out = strtod(buf, &end);
	if (*end != 0)
		return -1;
	return 0;
}

static int f_int(FARGS)
{
	struct ztp_val *v = args[0], *d = ARG(1, "default"), *bv = ARG(2, "base");
	long long base = 10, r;
	double f;

	if (bv && to_int(c, bv, &base, "int") < 0)
		return -1;
	if (v->type == ZTP_V_INT || v->type == ZTP_V_BOOL) {
		*out = ztp_val_int(v->type == ZTP_V_INT ? v->u.i : v->u.b);
		return 0;
	}
	if (v->type == ZTP_V_FLOAT && isfinite(v->u.f) && fabs(v->u.f) < 9.2e18) {
		*out = ztp_val_int((long long)v->u.f);
		return 0;
	}
	if (v->type == ZTP_V_STR) {
		if (base >= 2 && base <= 36 && py_int(v->u.str.s, v->u.str.len, (int)base, &r) == 0) {
			*out = ztp_val_int(r);
			return 0;
		}
		if (py_float(v->u.str.s, v->u.str.len, &f) == 0 && isfinite(f) && fabs(f) < 9.2e18) {
			*out = ztp_val_int((long long)f);
			return 0;
		}
	}
	if (v->type == TV_UNDEF)
		return tmpl_undef_error(c, v);
	*out = d ? ztp_val_ref(d) : ztp_val_int(0);
	return 0;
}

static int f_float(FARGS)
{
	struct ztp_val *v = args[0], *d = ARG(1, "default");
	double f;

	if (v->type == ZTP_V_INT || v->type == ZTP_V_BOOL) {
		*out = ztp_val_float(v->type == ZTP_V_INT ? (double)v->u.i : v->u.b);
		return 0;
	}
	if (v->type == ZTP_V_FLOAT) {
		*out = ztp_val_ref(v);
		return 0;
	}
	if (v->type == ZTP_V_STR && py_float(v->u.str.s, v->u.str.len, &f) == 0) {
		*out = ztp_val_float(f);
		return 0;
	}
	if (v->type == TV_UNDEF)
		return tmpl_undef_error(c, v);
	*out = d ? ztp_val_ref(d) : ztp_val_float(0.0);
	return 0;
}

static int do_select(struct ctx *c, struct ztp_val **args, size_t nargs, char **kwn,
		     struct ztp_val **kwv, size_t nkw, struct ztp_val **out, int attr, int reject)
{
	struct ztp_val *l, *r;
	size_t i, off = attr ? 2 : 1;
	const struct tmpl_builtin *bi = NULL;	/* the test, found once */
	int t;

	r = ztp_val_list();
	/* "if value:" first, like Jinja2 */
	if (tmpl_truthy(c, args[0], &t) < 0) {
		ztp_val_unref(r);
		return -1;
	}
	if (!t) {
		*out = r;
		return 0;
	}
	if (tmpl_iterate(c, args[0], &l) < 0) {
		ztp_val_unref(r);
		return -1;
	}
	if (attr && nargs < 2) {
		ztp_val_unref(l);
		ztp_val_unref(r);
		return tmpl_fail(c, ZTP_ERR_PARSE, "Missing parameter for attribute name");
	}
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *x;

		if (attr_get(c, l->u.list.v[i], attr ? args[1] : NULL, NULL, &x) < 0)
			goto bad;
		if (nargs > off) {
			struct ztp_val **ta = ztp_xcalloc(nargs - off + 1, sizeof *ta);
			size_t k;
			int rc;

			if (args[off]->type != ZTP_V_STR) {
				free(ta);
				ztp_val_unref(x);
				tmpl_fail(c, ZTP_ERR_PARSE, "test name must be a string");
				goto bad;
			}
			ta[0] = x;
			for (k = off + 1; k < nargs; k++)
				ta[k - off] = args[k];
			rc = tmpl_apply_test(c, args[off]->u.str.s, &bi, ta, nargs - off, kwn, kwv, nkw, &t);
			free(ta);
			if (rc < 0) {
				ztp_val_unref(x);
				goto bad;
			}
		} else if (tmpl_truthy(c, x, &t) < 0) {
			ztp_val_unref(x);
			goto bad;
		}
		ztp_val_unref(x);
		if ((t != 0) != reject)
			ztp_list_push(r, ztp_val_ref(l->u.list.v[i]));
	}
	ztp_val_unref(l);
	*out = r;
	return 0;
bad:
	ztp_val_unref(l);
	ztp_val_unref(r);
	return -1;
}

static int f_select(FARGS) { return do_select(c, args, nargs, kwn, kwv, nkw, out, 0, 0); }
static int f_reject(FARGS) { return do_select(c, args, nargs, kwn, kwv, nkw, out, 0, 1); }
static int f_selectattr(FARGS) { return do_select(c, args, nargs, kwn, kwv, nkw, out, 1, 0); }
static int f_rejectattr(FARGS) { return do_select(c, args, nargs, kwn, kwv, nkw, out, 1, 1); }

static int f_map(FARGS)
{
	struct ztp_val *l, *r, *attr = NULL, *dflt = NULL;
	size_t i, k;
	const struct tmpl_builtin *bi = NULL;	/* the filter, found once */

	if (nargs < 2) {
		attr = ARG(99, "attribute");
		dflt = ARG(99, "default");
		if (attr == NULL)
			return tmpl_fail(c, ZTP_ERR_PARSE, "map requires a filter argument");
	}
	{
		int t;

		/* "if value:" first, like Jinja2 */
		if (tmpl_truthy(c, args[0], &t) < 0)
			return -1;
		if (!t) {
			*out = ztp_val_list();
			return 0;
		}
	}
	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	r = ztp_val_list();
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *x;

		if (attr) {
			if (attr_get(c, l->u.list.v[i], attr, dflt && dflt->type != ZTP_V_NULL ? dflt : NULL, &x) < 0)
				goto bad;
		} else {
			struct ztp_val **fa = ztp_xcalloc(nargs, sizeof *fa);
			int rc;

			if (args[1]->type != ZTP_V_STR) {
				free(fa);
				tmpl_fail(c, ZTP_ERR_PARSE, "filter name must be a string");
				goto bad;
			}
			fa[0] = l->u.list.v[i];
			for (k = 2; k < nargs; k++)
				fa[k - 1] = args[k];
			rc = tmpl_apply_filter(c, args[1]->u.str.s, &bi, fa, nargs - 1, kwn, kwv, nkw, &x);
			free(fa);
			if (rc < 0)
				goto bad;
		}
		ztp_list_push(r, x);
	}
	ztp_val_unref(l);
	*out = r;
	return 0;
bad:
	ztp_val_unref(l);
	ztp_val_unref(r);
	return -1;
}

static int f_list(FARGS)
{
	return tmpl_iterate(c, args[0], out);
}

static int f_unique(FARGS)
{
	struct ztp_val *l, *r, *seen;
	struct keyarg k;
	size_t i, j;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	k.icase = !truthy_arg(ARG(1, "case_sensitive"));
	k.attr = ARG(2, "attribute");
	k.multi = 0;
	r = ztp_val_list();
	seen = ztp_val_list();
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *key;

		if (key_fn(c, l->u.list.v[i], &k, &key) < 0) {
			ztp_val_unref(l);
			ztp_val_unref(r);
			ztp_val_unref(seen);
			return -1;
		}
		if (key->type == ZTP_V_MAP || (key->type == ZTP_V_LIST && key->line != TAG_TUPLE)) {
			ztp_val_unref(key);
			ztp_val_unref(l);
			ztp_val_unref(r);
			ztp_val_unref(seen);
			return tmpl_fail(c, ZTP_ERR_PARSE, "unhashable type: '%s'", tmpl_typename(key));
		}
		if (tmpl_step(c, (long long)seen->u.list.n / 16) < 0) {
			ztp_val_unref(key);
			ztp_val_unref(l);
			ztp_val_unref(r);
			ztp_val_unref(seen);
			return -1;
		}
		for (j = 0; j < seen->u.list.n; j++)
			if (tmpl_eq(seen->u.list.v[j], key))
				break;
		if (j == seen->u.list.n) {
			ztp_list_push(seen, key);
			ztp_list_push(r, ztp_val_ref(l->u.list.v[i]));
		} else {
			ztp_val_unref(key);
		}
	}
	ztp_val_unref(l);
	ztp_val_unref(seen);
	*out = r;
	return 0;
}

static int pair_key(struct ctx *c, struct ztp_val *item, void *argp, struct ztp_val **out)
{
	int *p = argp;
	struct ztp_val *v = ztp_val_ref(item->u.list.v[p[0]]);

	(void)c;
	*out = p[1] ? lower_if_str(v) : v;
	return 0;
}

static int f_dictsort(FARGS)
{
	struct ztp_val *v = args[0], *by = ARG(2, "by"), *l;
	int p[2];
	size_t i;

	if (v->type != ZTP_V_MAP) {
		if (v->type == TV_UNDEF)
			return tmpl_undef_error(c, v);
		return tmpl_fail(c, ZTP_ERR_PARSE, "dictsort: '%s' object has no attribute 'items'",
				 tmpl_typename(v));
	}
	p[0] = 0;
	if (by && by->type == ZTP_V_STR && !strcmp(by->u.str.s, "value"))
		p[0] = 1;
	else if (by && !(by->type == ZTP_V_STR && !strcmp(by->u.str.s, "key")))
		return tmpl_fail(c, ZTP_ERR_PARSE, "You can only sort by either \"key\" or \"value\"");
	p[1] = !truthy_arg(ARG(1, "case_sensitive"));
	l = ztp_val_list();
	for (i = 0; i < v->u.map.n; i++) {
		struct ztp_val *t = tmpl_tuple();

		ztp_list_push(t, ztp_val_ref(v->u.map.e[i].key));
		ztp_list_push(t, ztp_val_ref(v->u.map.e[i].val));
		ztp_list_push(l, t);
	}
	if (tmpl_sort(c, l->u.list.v, l->u.list.n, pair_key, p, truthy_arg(ARG(3, "reverse"))) < 0) {
		ztp_val_unref(l);
		return -1;
	}
	*out = l;
	return 0;
}

static int f_format(FARGS)
{
	struct ztp_val *s, *a;
	struct ztp_buf b;
	size_t i;
	int rc;

	if (nargs > 1 && nkw)
		return tmpl_fail(c, ZTP_ERR_PARSE, "can't handle positional and keyword arguments at the same time");
	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	if (nkw) {
		a = ztp_val_map();
		for (i = 0; i < nkw; i++)
			ztp_map_set(a, kwn[i], ztp_val_ref(kwv[i]));
	} else {
		a = tmpl_tuple();
		for (i = 1; i < nargs; i++)
			ztp_list_push(a, ztp_val_ref(args[i]));
	}
	ztp_buf_init(&b, 0);
	rc = tmpl_percent(c, s->u.str.s, s->u.str.len, a, &b);
	ztp_val_unref(a);
	ztp_val_unref(s);
	if (rc < 0) {
		ztp_buf_free(&b);
		return -1;
	}
	*out = strbuf(&b);
	return 0;
}

static int f_lower(FARGS) { return via_str_method(c, args[0], "lower", NULL, 0, out); }
static int f_upper(FARGS) { return via_str_method(c, args[0], "upper", NULL, 0, out); }
static int f_capitalize(FARGS) { return via_str_method(c, args[0], "capitalize", NULL, 0, out); }

static int f_title(FARGS)
{
	struct ztp_val *s;
	struct ztp_buf b;
	size_t i, j;
	int start = 1;

	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	ztp_buf_init(&b, 0);
	for (i = 0; i < s->u.str.len; i = j) {
		unsigned long cp = tmpl_u8cp(s->u.str.s, s->u.str.len, i, &j);

		if (cp < 0x80 && (strchr("-({[<", (int)cp) || isspace((int)cp))) {
			start = 1;
			ztp_buf_addc(&b, (int)cp);
			continue;
		}
		ztp_utf8_put(&b, tmpl_ucase(cp, start));
		start = 0;
	}
	ztp_val_unref(s);
	*out = strbuf(&b);
	return 0;
}

static int f_trim(FARGS)
{
	struct ztp_val *ch = ARG(1, "chars");

	return via_str_method(c, args[0], "strip", ch ? &ch : NULL, ch ? 1 : 0, out);
}

static int f_first(FARGS)
{
	struct ztp_val *l;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	*out = l->u.list.n ? ztp_val_ref(l->u.list.v[0]) :
	       tmpl_undef(c, "No first item, sequence was empty.");
	ztp_val_unref(l);
	return 0;
}

static int f_last(FARGS)
{
	struct ztp_val *l;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	*out = l->u.list.n ? ztp_val_ref(l->u.list.v[l->u.list.n - 1]) :
	       tmpl_undef(c, "No last item, sequence was empty.");
	ztp_val_unref(l);
	return 0;
}

static int minmax(FARGS, int want_max)
{
	struct ztp_val *l, *best = NULL, *bk = NULL;
	struct keyarg k;
	size_t i;

	(void)kwn;
	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	if (l->u.list.n == 0) {
		ztp_val_unref(l);
		*out = tmpl_undef(c, "No aggregated item, sequence was empty.");
		return 0;
	}
	k.icase = !truthy_arg(ARG(1, "case_sensitive"));
	k.attr = ARG(2, "attribute");
	k.multi = 0;
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *key;
		int r;

		if (key_fn(c, l->u.list.v[i], &k, &key) < 0)
			goto bad;
		if (best == NULL) {
			best = l->u.list.v[i];
			bk = key;
			continue;
		}
		if (tmpl_cmp(c, key, bk, &r) < 0) {
			ztp_val_unref(key);
			goto bad;
		}
		if (want_max ? r > 0 : r < 0) {
			ztp_val_unref(bk);
			bk = key;
			best = l->u.list.v[i];
		} else {
			ztp_val_unref(key);
		}
	}
	*out = ztp_val_ref(best);
	ztp_val_unref(bk);
	ztp_val_unref(l);
	return 0;
bad:
	ztp_val_unref(bk);
	ztp_val_unref(l);
	return -1;
}

static int f_max(FARGS) { return minmax(c, args, nargs, kwn, kwv, nkw, out, 1); }
static int f_min(FARGS) { return minmax(c, args, nargs, kwn, kwv, nkw, out, 0); }

static int f_sum(FARGS)
{
	struct ztp_val *l, *acc, *attr = ARG(1, "attribute"), *start = ARG(2, "start");
	size_t i;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	acc = start ? ztp_val_ref(start) : ztp_val_int(0);
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *x, *r;

		if (attr_get(c, l->u.list.v[i], attr, NULL, &x) < 0)
			goto bad;
		if (tmpl_binop(c, OP_ADD, acc, x, &r) < 0) {
			ztp_val_unref(x);
			goto bad;
		}
		ztp_val_unref(x);
		ztp_val_unref(acc);
		acc = r;
	}
	ztp_val_unref(l);
	*out = acc;
	return 0;
bad:
	ztp_val_unref(acc);
	ztp_val_unref(l);
	return -1;
}

static int f_items(FARGS)
{
	struct ztp_val *v = args[0], *l;
	size_t i;

	if (v->type == TV_UNDEF) {
		*out = ztp_val_list();
		return 0;
	}
	if (v->type != ZTP_V_MAP)
		return tmpl_fail(c, ZTP_ERR_PARSE, "Can only get item pairs from a mapping.");
	l = ztp_val_list();
	for (i = 0; i < v->u.map.n; i++) {
		struct ztp_val *t = tmpl_tuple();

		ztp_list_push(t, ztp_val_ref(v->u.map.e[i].key));
		ztp_list_push(t, ztp_val_ref(v->u.map.e[i].val));
		ztp_list_push(l, t);
	}
	*out = l;
	return 0;
}

static int f_center(FARGS)
{
	struct ztp_val *w = ARG(1, "width"), *a[1];
	int rc;

	a[0] = w ? ztp_val_ref(w) : ztp_val_int(80);
	rc = via_str_method(c, args[0], "center", a, 1, out);
	ztp_val_unref(a[0]);
	return rc;
}

static int f_batch(FARGS)
{
	struct ztp_val *l, *r, *cur = NULL, *fill = ARG(2, "fill_with"), *nv = ARG(1, "linecount");
	long long n;
	size_t i;

	if (!nv || to_int(c, nv, &n, "batch") < 0)
		return nv ? -1 : tmpl_fail(c, ZTP_ERR_PARSE, "batch() needs a line count");
	if (n <= 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "batch() line count must be positive");
	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	r = ztp_val_list();
	for (i = 0; i < l->u.list.n; i++) {
		if (cur == NULL || (long long)cur->u.list.n == n) {
			cur = ztp_val_list();
			ztp_list_push(r, cur);
		}
		ztp_list_push(cur, ztp_val_ref(l->u.list.v[i]));
	}
	if (cur && fill && fill->type != ZTP_V_NULL)
		while ((long long)cur->u.list.n < n)
			ztp_list_push(cur, ztp_val_ref(fill));
	ztp_val_unref(l);
	*out = r;
	return 0;
}

static int group_key(struct ctx *c, struct ztp_val *item, void *argp, struct ztp_val **out)
{
	struct ztp_val **p = argp;	/* attribute, default, icase flag (non-NULL) */
	struct ztp_val *v;

	if (attr_get(c, item, p[0], p[1], &v) < 0)
		return -1;
	if (v->type == TV_UNDEF) {
		int rc = tmpl_undef_error(c, v);

		ztp_val_unref(v);
		return rc;
	}
	*out = p[2] ? lower_if_str(v) : v;
	return 0;
}

static int f_groupby(FARGS)
{
	struct ztp_val *l, *r, *p[3], *one = ztp_val_bool(1);
	struct ztp_val *cur_key = NULL, *cur = NULL;
	size_t i;

	p[0] = ARG(1, "attribute");
	p[1] = ARG(2, "default");
	if (p[1] && p[1]->type == ZTP_V_NULL)
		p[1] = NULL;
	p[2] = truthy_arg(ARG(3, "case_sensitive")) ? NULL : one;
	if (p[0] == NULL) {
		ztp_val_unref(one);
		return tmpl_fail(c, ZTP_ERR_PARSE, "groupby() needs an attribute");
	}
	if (tmpl_iterate(c, args[0], &l) < 0) {
		ztp_val_unref(one);
		return -1;
	}
	if (tmpl_sort(c, l->u.list.v, l->u.list.n, group_key, p, 0) < 0)
		goto bad;
	r = ztp_val_list();
	for (i = 0; i < l->u.list.n; i++) {
		struct ztp_val *k;

		if (group_key(c, l->u.list.v[i], p, &k) < 0) {
			ztp_val_unref(r);
			ztp_val_unref(cur_key);
			goto bad;
		}
		if (cur_key == NULL || !tmpl_eq(cur_key, k)) {
			struct ztp_val *t = tmpl_tuple(), *real;

			ztp_val_unref(cur_key);
			cur_key = k;
			if (attr_get(c, l->u.list.v[i], p[0], p[1], &real) < 0) {
				ztp_val_unref(t);
				ztp_val_unref(r);
				ztp_val_unref(cur_key);
				goto bad;
			}
			ztp_list_push(t, real);
			cur = ztp_val_list();
			ztp_list_push(t, cur);
			ztp_list_push(r, t);
		} else {
			ztp_val_unref(k);
		}
		ztp_list_push(cur, ztp_val_ref(l->u.list.v[i]));
	}
	ztp_val_unref(cur_key);
	ztp_val_unref(l);
	ztp_val_unref(one);
	*out = r;
	return 0;
bad:
	ztp_val_unref(l);
	ztp_val_unref(one);
	return -1;
}

/* json.dumps(sort_keys=True) made HTML-safe, like Jinja2's tojson */
static int json_str(struct ztp_buf *b, const char *s, size_t n)
{
	size_t i = 0, j;

	ztp_buf_addc(b, '"');
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		unsigned long cp;

		if (ch < 0x80) {
			switch (ch) {
			case '"': ztp_buf_adds(b, "\\\""); break;
			case '\\': ztp_buf_adds(b, "\\\\"); break;
			case '\n': ztp_buf_adds(b, "\\n"); break;
			case '\r': ztp_buf_adds(b, "\\r"); break;
			case '\t': ztp_buf_adds(b, "\\t"); break;
			case '\b': ztp_buf_adds(b, "\\b"); break;
			case '\f': ztp_buf_adds(b, "\\f"); break;
			case '<': ztp_buf_adds(b, "\\u003c"); break;
			case '>': ztp_buf_adds(b, "\\u003e"); break;
			case '&': ztp_buf_adds(b, "\\u0026"); break;
			case '\'': ztp_buf_adds(b, "\\u0027"); break;
			default:
				if (ch < 0x20 || ch == 0x7f)
					ztp_buf_addf(b, "\\u%04x", ch);
				else
					ztp_buf_addc(b, ch);
			}
			i++;
			continue;
		}
		j = tmpl_u8next(s, n, i);
		if (j - i == 1) {
			cp = ch;
		} else {
			size_t k;

			cp = ch & (0x3f >> (j - i - 1));
			for (k = i + 1; k < j; k++)
				cp = (cp << 6) | ((unsigned char)s[k] & 0x3f);
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			ztp_buf_addf(b, "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		} else {
			ztp_buf_addf(b, "\\u%04lx", cp);
		}
		i = j;
	}
	return ztp_buf_addc(b, '"');
}

static int key_cmp_sort(struct ctx *c, struct ztp_val *item, void *argp, struct ztp_val **out)
{
	(void)c;
	(void)argp;
	*out = ztp_val_ref(item->u.map.e[0].key);
	return 0;
}

static int json_val(struct ctx *c, struct ztp_buf *b, struct ztp_val *v, long long indent, int level)
{
	char num[64];
	size_t i;

	if (level > 100)
		return tmpl_fail(c, ZTP_ERR_LIMIT, "value nested too deeply for tojson");
	switch (v->type) {
	case ZTP_V_NULL: return ztp_buf_adds(b, "null");
	case ZTP_V_BOOL: return ztp_buf_adds(b, v->u.b ? "true" : "false");
	case ZTP_V_INT: return ztp_buf_addll(b, v->u.i);
	case ZTP_V_FLOAT:
		if (isnan(v->u.f))
			return ztp_buf_adds(b, "NaN");
		if (isinf(v->u.f))
			return ztp_buf_adds(b, v->u.f < 0 ? "-Infinity" : "Infinity");
		ztp_fmt_double(v->u.f, num, sizeof num);
		return ztp_buf_adds(b, num);
	case ZTP_V_STR:
		return json_str(b, v->u.str.s, v->u.str.len);
	case ZTP_V_LIST:
	case ZTP_V_MAP: {
		int map = v->type == ZTP_V_MAP;
		size_t n = map ? v->u.map.n : v->u.list.n;
		struct ztp_val **order = NULL;

		if (n == 0)
			return ztp_buf_adds(b, map ? "{}" : "[]");
		ztp_buf_addc(b, map ? '{' : '[');
		if (map) {
			/* sort_keys: sort the entries by key (each wrapped in a map) */
			order = ztp_xcalloc(n, sizeof *order);
			for (i = 0; i < n; i++) {
				order[i] = ztp_val_map();
				ztp_map_setv(order[i], ztp_val_ref(v->u.map.e[i].key),
					     ztp_val_ref(v->u.map.e[i].val));
			}
			if (tmpl_sort(c, order, n, key_cmp_sort, NULL, 0) < 0) {
				for (i = 0; i < n; i++)
					ztp_val_unref(order[i]);
				free(order);
				return -1;
			}
		}
		for (i = 0; i < n; i++) {
			int rc;

			if (i)
				ztp_buf_adds(b, indent >= 0 ? "," : ", ");
			if (indent >= 0) {
				long long k;

				ztp_buf_addc(b, '\n');
				for (k = 0; k < indent * (level + 1); k++)
					ztp_buf_addc(b, ' ');
			}
			if (map) {
				struct ztp_val *key = order[i]->u.map.e[0].key;

				if (key->type == ZTP_V_STR) {
					json_str(b, key->u.str.s, key->u.str.len);
				} else {
					struct ztp_buf kb = ZTP_BUF_INIT;

					if (key->type == ZTP_V_NULL)
						ztp_buf_adds(&kb, "null");
					else if (key->type == ZTP_V_BOOL)
						ztp_buf_adds(&kb, key->u.b ? "true" : "false");
					else
						tmpl_tostr(c, key, &kb);
					json_str(b, kb.p ? kb.p : "", kb.len);
					ztp_buf_free(&kb);
				}
				ztp_buf_adds(b, ": ");
				rc = json_val(c, b, order[i]->u.map.e[0].val, indent, level + 1);
			} else {
				rc = json_val(c, b, v->u.list.v[i], indent, level + 1);
			}
			if (rc < 0) {
				if (order) {
					for (i = 0; i < n; i++)
						ztp_val_unref(order[i]);
					free(order);
				}
				return -1;
			}
		}
		if (order) {
			for (i = 0; i < n; i++)
				ztp_val_unref(order[i]);
			free(order);
		}
		if (indent >= 0) {
			long long k;

			ztp_buf_addc(b, '\n');
			for (k = 0; k < indent * level; k++)
				ztp_buf_addc(b, ' ');
		}
		return ztp_buf_addc(b, map ? '}' : ']');
	}
	case TV_UNDEF:
		return tmpl_undef_error(c, v);
	default:
		return tmpl_fail(c, ZTP_ERR_PARSE, "Object of type function is not JSON serializable");
	}
}

static int f_tojson(FARGS)
{
	struct ztp_val *ind = ARG(1, "indent");
	long long indent = -1;
	struct ztp_buf b;

	if (ind && ind->type != ZTP_V_NULL && to_int(c, ind, &indent, "tojson") < 0)
		return -1;
	if (indent > 100)
		indent = 100;
	ztp_buf_init(&b, 0);
	if (json_val(c, &b, args[0], indent, 0) < 0) {
		ztp_buf_free(&b);
		return -1;
	}
	*out = strbuf(&b);
	return 0;
}

static int f_escape(FARGS)
{
	struct ztp_val *s;
	struct ztp_buf b;
	size_t i;

	if (args[0]->type == ZTP_V_STR && args[0]->line == TAG_SAFE) {
		*out = ztp_val_ref(args[0]);
		return 0;
	}
	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	ztp_buf_init(&b, 0);
	for (i = 0; i < s->u.str.len; i++) {
		char ch = s->u.str.s[i];

		switch (ch) {
		case '&': ztp_buf_adds(&b, "&amp;"); break;
		case '<': ztp_buf_adds(&b, "&lt;"); break;
		case '>': ztp_buf_adds(&b, "&gt;"); break;
		case '"': ztp_buf_adds(&b, "&#34;"); break;
		case '\'': ztp_buf_adds(&b, "&#39;"); break;
		default: ztp_buf_addc(&b, ch);
		}
	}
	ztp_val_unref(s);
	*out = strbuf(&b);
	(*out)->line = TAG_SAFE;
	return 0;
}

static int f_safe(FARGS)
{
	struct ztp_val *s;

	if (args[0]->type == ZTP_V_STR && args[0]->line == TAG_SAFE) {
		*out = ztp_val_ref(args[0]);
		return 0;
	}
	/* Markup(str(value)): a marked copy (never mark shared data) */
	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	*out = ztp_val_strn(s->u.str.s, s->u.str.len);
	(*out)->line = TAG_SAFE;
	ztp_val_unref(s);
	return 0;
}

static int f_abs(FARGS)
{
	struct ztp_val *v = args[0];

	if (v->type == ZTP_V_INT) {
		if (v->u.i == (-9223372036854775807LL - 1))
			return tmpl_fail(c, ZTP_ERR_PARSE, "integer overflow");
		*out = ztp_val_int(v->u.i < 0 ? -v->u.i : v->u.i);
	} else if (v->type == ZTP_V_BOOL) {
		*out = ztp_val_int(v->u.b);
	} else if (v->type == ZTP_V_FLOAT) {
		*out = ztp_val_float(fabs(v->u.f));
	} else {
		if (v->type == TV_UNDEF)
			return tmpl_undef_error(c, v);
		return tmpl_fail(c, ZTP_ERR_PARSE, "bad operand type for abs(): '%s'", tmpl_typename(v));
	}
	return 0;
}

static int f_round(FARGS)
{
	struct ztp_val *v = args[0], *pv = ARG(1, "precision"), *mv = ARG(2, "method");
	long long prec = 0;
	const char *m = "common";
	double d, r;
	char buf[400];

	if (pv && to_int(c, pv, &prec, "round") < 0)
		return -1;
	if (mv) {
		if (mv->type != ZTP_V_STR || (strcmp(mv->u.str.s, "common") && strcmp(mv->u.str.s, "ceil") &&
					      strcmp(mv->u.str.s, "floor")))
			return tmpl_fail(c, ZTP_ERR_PARSE, "method must be common, ceil or floor");
		m = mv->u.str.s;
	}
	if (v->type == ZTP_V_INT || v->type == ZTP_V_BOOL) {
		long long i = v->type == ZTP_V_INT ? v->u.i : v->u.b;

		if (!strcmp(m, "common")) {
			long long p10 = 1, q, r2;
			int k;

			for (k = 0; k < -prec && p10 <= 1000000000000000000LL / 10; k++)
				p10 *= 10;
			if (prec >= 0 || k < -prec) {
				*out = ztp_val_int(prec >= 0 ? i : 0);
				return 0;
			}
			/* round half to even, like Python's round(int, -n) */
			q = i / p10;
			r2 = i % p10;
			if (r2 < 0) {
				q--;
				r2 += p10;
			}
			if (r2 * 2 > p10 || (r2 * 2 == p10 && (q % 2 != 0)))
				q++;
			*out = ztp_val_int(q * p10);
			return 0;
		}
		d = (double)i;
	} else if (v->type == ZTP_V_FLOAT) {
		d = v->u.f;
	} else {
		if (v->type == TV_UNDEF)
			return tmpl_undef_error(c, v);
		return tmpl_fail(c, ZTP_ERR_PARSE, "type %s doesn't define __round__ method",
				 tmpl_typename(v));
	}
	if (prec > 300)
		prec = 300;
	if (prec < -300)
		prec = -300;
	if (!strcmp(m, "common")) {
		if (!isfinite(d)) {
			r = d;
		} else if (prec >= 0) {
			snprintf(buf, sizeof buf, "%.*f", (int)prec, d);
			r = strtod(buf, NULL);
		} else {
			double p10 = pow(10, (double)-prec), q = d / p10, fl = floor(q);

			r = (q - fl > 0.5 || (q - fl == 0.5 && fmod(fl, 2) != 0)) ? fl + 1 : fl;
			r *= p10;
		}
	} else {
		double p10 = pow(10, (double)prec);

		r = (m[0] == 'c' ? ceil(d * p10) : floor(d * p10)) / p10;
	}
	*out = ztp_val_float(r);
	return 0;
}

static int f_wordcount(FARGS)
{
	struct ztp_val *s;
	size_t i;
	long long n = 0;
	int in = 0;

	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	for (i = 0; i < s->u.str.len; i++) {
		unsigned char ch = (unsigned char)s->u.str.s[i];
		int w = isalnum(ch) || ch == '_' || ch >= 0x80;

		if (w && !in)
			n++;
		in = w;
	}
	ztp_val_unref(s);
	*out = ztp_val_int(n);
	return 0;
}

static int f_truncate(FARGS)
{
	struct ztp_val *s, *lv = ARG(1, "length"), *endv = ARG(3, "end"), *lw = ARG(4, "leeway");
	long long length = 255, leeway = 5, len, endlen;
	int kill = truthy_arg(ARG(2, "killwords"));
	const char *end = "...";
	struct ztp_buf b;
	size_t i, p;

	if (lv && to_int(c, lv, &length, "truncate") < 0)
		return -1;
	if (lw && lw->type != ZTP_V_NULL && to_int(c, lw, &leeway, "truncate") < 0)
		return -1;
	if (endv) {
		if (endv->type != ZTP_V_STR)
			return tmpl_fail(c, ZTP_ERR_PARSE, "truncate: end must be a string");
		end = endv->u.str.s;
	}
	endlen = (long long)tmpl_u8len(end, strlen(end));
	if (length < endlen)
		return tmpl_fail(c, ZTP_ERR_PARSE, "expected length >= %lld, got %lld", endlen, length);
	if (leeway < 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "expected leeway >= 0, got %lld", leeway);
	if (args[0]->type != ZTP_V_STR) {
		/* Jinja2 takes len() of the value itself: a short list or dict
		 * passes unchanged, anything else fails */
		if (args[0]->type == TV_UNDEF)
			return tmpl_undef_error(c, args[0]);
		if ((args[0]->type == ZTP_V_LIST || args[0]->type == ZTP_V_MAP) &&
		    (long long)ztp_val_len(args[0]) <= length + leeway) {
			*out = ztp_val_ref(args[0]);
			return 0;
		}
		return tmpl_fail(c, ZTP_ERR_PARSE, "truncate: expected a string, not %s",
				 tmpl_typename(args[0]));
	}
	s = ztp_val_ref(args[0]);
	len = (long long)tmpl_u8len(s->u.str.s, s->u.str.len);
	if (len <= length + leeway) {
		*out = s;
		return 0;
	}
	for (i = 0, p = 0; (long long)i < length - endlen; i++)
		p = tmpl_u8next(s->u.str.s, s->u.str.len, p);
	if (!kill) {
		size_t q = p;

		while (q > 0 && s->u.str.s[q - 1] != ' ')
			q--;
		if (q > 0)
			p = q - 1;
	}
	ztp_buf_init(&b, 0);
	ztp_buf_add(&b, s->u.str.s, p);
	ztp_buf_adds(&b, end);
	ztp_val_unref(s);
	*out = strbuf(&b);
	return 0;
}

static int f_reverse(FARGS)
{
	struct ztp_val *v = args[0], *l, *r;
	size_t i;

	if (v->type == ZTP_V_STR) {
		struct ztp_buf b;
		size_t n = v->u.str.len, j;
		size_t *offs = ztp_xcalloc(n + 1, sizeof *offs), k = 0;

		for (i = 0; i < n; i = j) {
			j = tmpl_u8next(v->u.str.s, n, i);
			offs[k++] = i;
		}
		ztp_buf_init(&b, 0);
		while (k-- > 0) {
			j = tmpl_u8next(v->u.str.s, n, offs[k]);
			ztp_buf_add(&b, v->u.str.s + offs[k], j - offs[k]);
		}
		free(offs);
		*out = strbuf(&b);
		return 0;
	}
	if (tmpl_iterate(c, v, &l) < 0)
		return -1;
	r = ztp_val_list();
	for (i = l->u.list.n; i > 0; i--)
		ztp_list_push(r, ztp_val_ref(l->u.list.v[i - 1]));
	ztp_val_unref(l);
	*out = r;
	return 0;
}

static int f_attr(FARGS)
{
	struct ztp_val *v = args[0], *name = ARG(1, "name");

	if (!name || name->type != ZTP_V_STR)
		return tmpl_fail(c, ZTP_ERR_PARSE, "attr() needs an attribute name");
	if (v->type == ZTP_V_MAP && v->line != TAG_NS && v->line != TAG_MODULE && v->line != TAG_LOOP) {
		/* only the dict's methods are attributes */
		struct ztp_val *r;

		if (tmpl_getattr(c, v, name->u.str.s, &r) < 0)
			return -1;
		if (r->type == TV_FUNC) {
			*out = r;
			return 0;
		}
		ztp_val_unref(r);
		*out = tmpl_undef(c, "'dict object' has no attribute '%s'", name->u.str.s);
		return 0;
	}
	return tmpl_getattr(c, v, name->u.str.s, out);
}

static int f_count(FARGS)
{
	return f_length(c, args, nargs, kwn, kwv, nkw, out);
}

static int f_dict2items(FARGS)
{
	struct ztp_val *v = args[0], *kn = ARG(1, "key_name"), *vn = ARG(2, "value_name"), *l;
	size_t i;

	if (v->type != ZTP_V_MAP)
		return tmpl_fail(c, ZTP_ERR_PARSE, "dict2items requires a dictionary, got %s",
				 tmpl_typename(v));
	l = ztp_val_list();
	for (i = 0; i < v->u.map.n; i++) {
		struct ztp_val *m = ztp_val_map();

		ztp_map_set(m, kn && kn->type == ZTP_V_STR ? kn->u.str.s : "key", ztp_val_ref(v->u.map.e[i].key));
		ztp_map_set(m, vn && vn->type == ZTP_V_STR ? vn->u.str.s : "value", ztp_val_ref(v->u.map.e[i].val));
		ztp_list_push(l, m);
	}
	*out = l;
	return 0;
}

static int f_ternary(FARGS)
{
	struct ztp_val *t = ARG(1, "true_val"), *f = ARG(2, "false_val"), *n = ARG(3, "none_val");
	int b;

	if (!t || !f)
		return tmpl_fail(c, ZTP_ERR_PARSE, "ternary() needs a true and a false value");
	if (args[0]->type == ZTP_V_NULL && n && n->type != ZTP_V_NULL) {
		*out = ztp_val_ref(n);
		return 0;
	}
	if (tmpl_truthy(c, args[0], &b) < 0)
		return -1;
	*out = ztp_val_ref(b ? t : f);
	return 0;
}

static int f_bool(FARGS)
{
	struct ztp_val *v = args[0], *s;
	size_t i;
	int r;

	if (v->type == ZTP_V_BOOL) {
		*out = ztp_val_ref(v);
		return 0;
	}
	if (tmpl_str_val(c, v, &s) < 0)
		return -1;
	for (i = 0; i < s->u.str.len; i++)
		s->u.str.s[i] = (char)tolower((unsigned char)s->u.str.s[i]);
	r = !strcmp(s->u.str.s, "yes") || !strcmp(s->u.str.s, "on") || !strcmp(s->u.str.s, "1") ||
	    !strcmp(s->u.str.s, "true") || !strcmp(s->u.str.s, "y");
	ztp_val_unref(s);
	*out = tmpl_bool(r);
	return 0;
}

static int f_mandatory(FARGS)
{
	struct ztp_val *msg = ARG(1, "msg");

	if (args[0]->type == TV_UNDEF) {
		if (msg && msg->type == ZTP_V_STR)
			return tmpl_fail(c, ZTP_ERR_PARSE, "%s", msg->u.str.s);
		return tmpl_fail(c, ZTP_ERR_PARSE, "Mandatory variable not defined.");
	}
	*out = ztp_val_ref(args[0]);
	return 0;
}

static int merge(struct ctx *c, struct ztp_val *a, struct ztp_val *b, int rec, struct ztp_val **out)
{
	struct ztp_val *r = ztp_val_map();
	size_t i;

	for (i = 0; i < a->u.map.n; i++)
		ztp_map_setv(r, ztp_val_ref(a->u.map.e[i].key), ztp_val_ref(a->u.map.e[i].val));
	for (i = 0; i < b->u.map.n; i++) {
		struct ztp_val *k = b->u.map.e[i].key, *v = b->u.map.e[i].val, *o = ztp_map_getv(r, k);

		if (rec && v->type == ZTP_V_MAP && o && o->type == ZTP_V_MAP) {
			struct ztp_val *m;

			if (merge(c, o, v, rec, &m) < 0) {
				ztp_val_unref(r);
				return -1;
			}
			ztp_map_setv(r, ztp_val_ref(k), m);
		} else {
			ztp_map_setv(r, ztp_val_ref(k), ztp_val_ref(v));
		}
	}
	*out = r;
	return 0;
}

static int f_combine(FARGS)
{
	struct ztp_val *r = ztp_val_map(), *m;
	int rec = truthy_arg(ARG(99, "recursive"));
	size_t i, j;

	for (i = 0; i < nargs; i++) {
		struct ztp_val *d = args[i];
		size_t cnt = d->type == ZTP_V_LIST ? d->u.list.n : 1;

		for (j = 0; j < cnt; j++) {
			struct ztp_val *x = d->type == ZTP_V_LIST ? d->u.list.v[j] : d;

			if (x->type != ZTP_V_MAP) {
				ztp_val_unref(r);
				return tmpl_fail(c, ZTP_ERR_PARSE, "combine expects dictionaries, got %s",
						 tmpl_typename(x));
			}
			if (merge(c, r, x, rec, &m) < 0) {
				ztp_val_unref(r);
				return -1;
			}
			ztp_val_unref(r);
			r = m;
		}
	}
	*out = r;
	return 0;
}

static int flatten(struct ctx *c, struct ztp_val *v, long long levels, struct ztp_val *r, int depth)
{
	size_t i;

	if (depth > 100)
		return tmpl_fail(c, ZTP_ERR_LIMIT, "flatten: value nested too deeply");
	for (i = 0; i < v->u.list.n; i++) {
		struct ztp_val *x = v->u.list.v[i];

		if (x->type == ZTP_V_LIST && levels != 0) {
			if (flatten(c, x, levels < 0 ? -1 : levels - 1, r, depth + 1) < 0)
				return -1;
		} else if (x->type != ZTP_V_NULL) {
			ztp_list_push(r, ztp_val_ref(x));
		}
	}
	return 0;
}

static int f_flatten(FARGS)
{
	struct ztp_val *lv = ARG(1, "levels"), *r;
	long long levels = -1;

	if (lv && lv->type != ZTP_V_NULL && to_int(c, lv, &levels, "flatten") < 0)
		return -1;
	if (args[0]->type != ZTP_V_LIST)
		return tmpl_fail(c, ZTP_ERR_PARSE, "flatten expects a list");
	r = ztp_val_list();
	if (flatten(c, args[0], levels, r, 0) < 0) {
		ztp_val_unref(r);
		return -1;
	}
	*out = r;
	return 0;
}

static int f_to_json(FARGS)
{
	struct ztp_buf b;

	ztp_buf_init(&b, 0);
	if (ztp_json_emit(&b, args[0], 0) < 0) {
		ztp_buf_free(&b);
		return tmpl_fail(c, ZTP_ERR_PARSE, "to_json: cannot serialise the value");
	}
	*out = strbuf(&b);
	return 0;
}

static const struct tmpl_builtin filters[] = {
	{ "abs", f_abs }, { "attr", f_attr }, { "batch", f_batch }, { "bool", f_bool },
	{ "capitalize", f_capitalize }, { "center", f_center }, { "combine", f_combine },
	{ "count", f_count }, { "d", f_default }, { "default", f_default },
	{ "dict2items", f_dict2items }, { "dictsort", f_dictsort }, { "e", f_escape },
	{ "escape", f_escape }, { "first", f_first }, { "flatten", f_flatten },
	{ "float", f_float }, { "format", f_format }, { "groupby", f_groupby },
	{ "indent", f_indent }, { "int", f_int }, { "items", f_items }, { "join", f_join },
	{ "last", f_last }, { "length", f_length }, { "list", f_list }, { "lower", f_lower },
	{ "mandatory", f_mandatory }, { "map", f_map }, { "max", f_max }, { "min", f_min },
	{ "reject", f_reject }, { "rejectattr", f_rejectattr }, { "replace", f_replace },
	{ "reverse", f_reverse }, { "round", f_round }, { "safe", f_safe },
	{ "select", f_select }, { "selectattr", f_selectattr }, { "sort", f_sort },
	{ "string", f_string }, { "sum", f_sum }, { "ternary", f_ternary }, { "title", f_title },
	{ "to_json", f_to_json }, { "tojson", f_tojson }, { "trim", f_trim },
	{ "truncate", f_truncate }, { "unique", f_unique }, { "upper", f_upper },
	{ "wordcount", f_wordcount },
	{ NULL, NULL },
};

/* ------------------------------------------------------------------ tests */

static int ret(struct ztp_val **out, int b)
{
	*out = tmpl_bool(b);
	return 0;
}

static int t_defined(FARGS) { return ret(out, args[0]->type != TV_UNDEF); }
static int t_undefined(FARGS) { return ret(out, args[0]->type == TV_UNDEF); }
static int t_none(FARGS) { return ret(out, args[0]->type == ZTP_V_NULL); }
static int t_string(FARGS) { return ret(out, args[0]->type == ZTP_V_STR); }
static int t_number(FARGS)
{
	int t = args[0]->type;

	return ret(out, t == ZTP_V_INT || t == ZTP_V_FLOAT || t == ZTP_V_BOOL);
}
static int t_integer(FARGS) { return ret(out, args[0]->type == ZTP_V_INT); }
static int t_float(FARGS) { return ret(out, args[0]->type == ZTP_V_FLOAT); }
static int t_mapping(FARGS) { return ret(out, args[0]->type == ZTP_V_MAP); }
static int t_sequence(FARGS)
{
	int t = args[0]->type;

	if (tmpl_undef_strict(c, args[0]))
		return tmpl_undef_error(c, args[0]);
	return ret(out, t == ZTP_V_STR || t == ZTP_V_LIST || t == ZTP_V_MAP ||
		   (t == TV_UNDEF && 1));
}
static int t_iterable(FARGS)
{
	int t = args[0]->type;

	if (tmpl_undef_strict(c, args[0]))
		return tmpl_undef_error(c, args[0]);
	return ret(out, t == ZTP_V_STR || t == ZTP_V_LIST || t == ZTP_V_MAP || t == TV_UNDEF);
}
static int t_boolean(FARGS) { return ret(out, args[0]->type == ZTP_V_BOOL); }
static int t_true(FARGS) { return ret(out, args[0]->type == ZTP_V_BOOL && args[0]->u.b); }
static int t_false(FARGS) { return ret(out, args[0]->type == ZTP_V_BOOL && !args[0]->u.b); }
static int t_callable(FARGS) { return ret(out, args[0]->type == TV_FUNC); }

static int t_sameas(FARGS)
{
	struct ztp_val *a = args[0], *b = ARG(1, "other");

	if (!b)
		return tmpl_fail(c, ZTP_ERR_PARSE, "sameas() needs a value");
	if (a == b)
		return ret(out, 1);
	if (a->type != b->type)
		return ret(out, 0);
	if (a->type == ZTP_V_NULL)
		return ret(out, 1);
	if (a->type == ZTP_V_BOOL)
		return ret(out, a->u.b == b->u.b);
	if (a->type == ZTP_V_INT)
		return ret(out, a->u.i == b->u.i && a->u.i >= -5 && a->u.i <= 256);
	if (a->type == TV_UNDEF || a->type == TV_FUNC)
		return ret(out, a->u.i == b->u.i);
	return ret(out, 0);
}

static int cmp_test(struct ctx *c, struct ztp_val **args, size_t nargs, char **kwn,
		    struct ztp_val **kwv, size_t nkw, struct ztp_val **out, int op)
{
	struct ztp_val *b = ARG(1, "other");
	int r;

	if (!b)
		return tmpl_fail(c, ZTP_ERR_PARSE, "comparison test needs a value");
	if (op == 0 || op == 1) {
		if (tmpl_undef_strict(c, args[0]) || tmpl_undef_strict(c, b))
			return tmpl_undef_error(c, args[0]->type == TV_UNDEF ? args[0] : b);
		r = tmpl_eq(args[0], b);
		return ret(out, op == 0 ? r : !r);
	}
	if (args[0]->type == TV_UNDEF)
		return tmpl_undef_error(c, args[0]);
	if (b->type == TV_UNDEF)
		return tmpl_undef_error(c, b);
	if (tmpl_cmp(c, args[0], b, &r) < 0)
		return -1;
	return ret(out, op == 2 ? r < 0 : op == 3 ? r <= 0 : op == 4 ? r > 0 : r >= 0);
}

static int t_eq(FARGS) { return cmp_test(c, args, nargs, kwn, kwv, nkw, out, 0); }
static int t_ne(FARGS) { return cmp_test(c, args, nargs, kwn, kwv, nkw, out, 1); }
static int t_lt(FARGS) { return cmp_test(c, args, nargs, kwn, kwv, nkw, out, 2); }
static int t_le(FARGS) { return cmp_test(c, args, nargs, kwn, kwv, nkw, out, 3); }
static int t_gt(FARGS) { return cmp_test(c, args, nargs, kwn, kwv, nkw, out, 4); }
static int t_ge(FARGS) { return cmp_test(c, args, nargs, kwn, kwv, nkw, out, 5); }

static int t_in(FARGS)
{
	struct ztp_val *seq = ARG(1, "seq"), *v = args[0];
	size_t i;

	if (!seq)
		return tmpl_fail(c, ZTP_ERR_PARSE, "in() needs a sequence");
	if (seq->type == ZTP_V_STR) {
		if (v->type != ZTP_V_STR)
			return tmpl_fail(c, ZTP_ERR_PARSE, "'in <string>' requires string as left operand, not %s",
					 tmpl_typename(v));
		return ret(out, v->u.str.len == 0 ||
			   memmem(seq->u.str.s, seq->u.str.len, v->u.str.s, v->u.str.len) != NULL);
	}
	if (seq->type == ZTP_V_LIST) {
		for (i = 0; i < seq->u.list.n; i++)
			if (tmpl_eq(v, seq->u.list.v[i]))
				return ret(out, 1);
		return ret(out, 0);
	}
	if (seq->type == ZTP_V_MAP)
		return ret(out, ztp_map_getv(seq, v) != NULL);
	if (seq->type == TV_UNDEF) {
		if (tmpl_undef_strict(c, seq))
			return tmpl_undef_error(c, seq);
		return ret(out, 0);
	}
	return tmpl_fail(c, ZTP_ERR_PARSE, "argument of type '%s' is not iterable", tmpl_typename(seq));
}

static int t_divisibleby(FARGS)
{
	struct ztp_val *n = ARG(1, "num"), *r;
	int rc, z;

	if (!n)
		return tmpl_fail(c, ZTP_ERR_PARSE, "divisibleby() needs a number");
	if (tmpl_binop(c, OP_MOD, args[0], n, &r) < 0)
		return -1;
	rc = tmpl_truthy(c, r, &z);
	ztp_val_unref(r);
	return rc < 0 ? rc : ret(out, !z);
}

static int oddeven(struct ctx *c, struct ztp_val *v, struct ztp_val **out, int odd)
{
	long long i;

	if (v->type == ZTP_V_INT || v->type == ZTP_V_BOOL)
		i = v->type == ZTP_V_INT ? v->u.i : v->u.b;
	else if (v->type == ZTP_V_FLOAT) {
		/* value % 2 == 1 (or == 0) with Python's float modulo */
		double m = fmod(v->u.f, 2);

		if (m != 0 && m < 0)
			m += 2;
		return ret(out, odd ? m == 1 : m == 0);
	}
	else if (v->type == TV_UNDEF)
		return tmpl_undef_error(c, v);
	else
		return tmpl_fail(c, ZTP_ERR_PARSE, "unsupported operand type(s) for %%: '%s' and 'int'",
				 tmpl_typename(v));
	return ret(out, odd ? (i % 2 != 0) : (i % 2 == 0));
}

static int t_odd(FARGS) { return oddeven(c, args[0], out, 1); }
static int t_even(FARGS) { return oddeven(c, args[0], out, 0); }

static int t_lower(FARGS)
{
	struct ztp_val *r;
	int rc;

	rc = via_str_method(c, args[0], "islower", NULL, 0, &r);
	if (rc == 0)
		*out = r;
	return rc;
}

static int t_upper(FARGS)
{
	struct ztp_val *r;
	int rc;

	rc = via_str_method(c, args[0], "isupper", NULL, 0, &r);
	if (rc == 0)
		*out = r;
	return rc;
}

static int t_filter(FARGS)
{
	struct ztp_val *v = args[0];

	return ret(out, v->type == ZTP_V_STR && (tmpl_find_filter(v->u.str.s) ||
						 tmpl_find_net_filter(v->u.str.s)));
}

static int t_test(FARGS)
{
	struct ztp_val *v = args[0];

	return ret(out, v->type == ZTP_V_STR && (tmpl_find_test(v->u.str.s) ||
						 tmpl_find_net_test(v->u.str.s)));
}

static int t_escaped(FARGS) { return ret(out, args[0]->type == ZTP_V_STR && args[0]->line == TAG_SAFE); }

static const struct tmpl_builtin tests[] = {
	{ "!=", t_ne }, { "<", t_lt }, { "<=", t_le }, { "==", t_eq }, { ">", t_gt },
	{ ">=", t_ge }, { "boolean", t_boolean }, { "callable", t_callable },
	{ "defined", t_defined }, { "divisibleby", t_divisibleby }, { "eq", t_eq },
	{ "equalto", t_eq }, { "escaped", t_escaped }, { "even", t_even }, { "false", t_false },
	{ "filter", t_filter }, { "float", t_float }, { "ge", t_ge }, { "greaterthan", t_gt },
	{ "gt", t_gt }, { "in", t_in }, { "integer", t_integer }, { "iterable", t_iterable },
	{ "le", t_le }, { "lessthan", t_lt }, { "lower", t_lower }, { "lt", t_lt },
	{ "mapping", t_mapping }, { "ne", t_ne }, { "none", t_none }, { "number", t_number },
	{ "odd", t_odd }, { "sameas", t_sameas }, { "sequence", t_sequence },
	{ "string", t_string }, { "test", t_test }, { "true", t_true },
	{ "undefined", t_undefined }, { "upper", t_upper },
	{ NULL, NULL },
};

const struct tmpl_builtin *tmpl_find_filter(const char *name)
{
	size_t i;

	for (i = 0; filters[i].name; i++)
		if (!strcmp(filters[i].name, name))
			return &filters[i];
	return NULL;
}

const struct tmpl_builtin *tmpl_find_test(const char *name)
{
	size_t i;

	for (i = 0; tests[i].name; i++)
		if (!strcmp(tests[i].name, name))
			return &tests[i];
	return NULL;
}

static const char *table_name(const struct tmpl_builtin *t, size_t i, size_t *n)
{
	for (*n = 0; *n < i && t[*n].name; (*n)++)
		;
	return t[*n].name;
}

const char *ztp_tmpl_builtin(enum ztp_tmpl_kind kind, size_t i)
{
	const char *name;
	size_t n;

	switch (kind) {
	case ZTP_TMPL_FILTER:
	case ZTP_TMPL_TEST:
		name = table_name(kind == ZTP_TMPL_TEST ? tests : filters, i, &n);
		return name ? name : tmpl_net_name(kind == ZTP_TMPL_TEST, i - n);
	case ZTP_TMPL_STR_METHOD:
		return tmpl_str_method_name(i);
	case ZTP_TMPL_DICT_METHOD:
	case ZTP_TMPL_LIST_METHOD:
		return tmpl_method_name(kind == ZTP_TMPL_LIST_METHOD, i);
	case ZTP_TMPL_STATEMENT:
		return tmpl_statement_name(i);
	case ZTP_TMPL_OPERATOR:
		for (n = 0; n < i && tmpl_binop_name(n); n++)
			;
		name = tmpl_binop_name(n);
		return name ? name : tmpl_compare_name(i - n);
	}
	return NULL;
}
