/* tmpl-val.c: Python semantics for template values: str() and repr(),
 * ==, ordering, iteration, arithmetic, % and str.format() formatting, the
 * string methods, and a stable sort. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "tmpl-int.h"

/* ------------------------------------------------------------------ utf-8 */

size_t tmpl_u8next(const char *s, size_t n, size_t i)
{
	unsigned char c;
	size_t k, len;

	if (i >= n)
		return n;
	c = (unsigned char)s[i];
	len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
	      (c & 0xf8) == 0xf0 ? 4 : 1;
	for (k = 1; k < len; k++)
		if (i + k >= n || ((unsigned char)s[i + k] & 0xc0) != 0x80)
			return i + 1;
	return i + len;
}

size_t tmpl_u8len(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n) {
		i = tmpl_u8next(s, n, i);
		k++;
	}
	return k;
}

unsigned long tmpl_u8cp(const char *s, size_t n, size_t i, size_t *next)
{
	unsigned char c = (unsigned char)s[i];
	size_t j = tmpl_u8next(s, n, i), k;
	unsigned long cp;

	*next = j;
	if (j - i == 1)
		return c;
	cp = c & (0x3f >> (j - i - 1));
	for (k = i + 1; k < j; k++)
		cp = (cp << 6) | ((unsigned char)s[k] & 0x3f);
	return cp;
}

/* Simple case mapping for ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic (what names in network data use); other code points map to
 * themselves. */
unsigned long tmpl_ucase(unsigned long cp, int upper)
{
	if (cp < 0x80) {
		if (upper && cp >= 'a' && cp <= 'z')
			return cp - 32;
		if (!upper && cp >= 'A' && cp <= 'Z')
			return cp + 32;
		return cp;
	}
	if (cp >= 0xc0 && cp <= 0xfe && cp != 0xd7 && cp != 0xf7 && cp != 0xdf) {
		if (upper && cp >= 0xe0)
			return cp - 32;
		if (!upper && cp <= 0xde)
			return cp + 32;
		return cp;
	}
	if (cp == 0xff)
		return upper ? 0x178 : cp;
	if (cp == 0x178)
		return upper ? cp : 0xff;
	if ((cp >= 0x100 && cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) ||
	    (cp >= 0x14a && cp <= 0x177)) {
		if (upper)
			return cp & ~1UL;
		return cp | 1;
	}
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) {
		if (upper)
			return (cp & 1) ? cp : cp - 1;
		return (cp & 1) ? cp + 1 : cp;
	}
	if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
		return upper ? cp : cp + 32;
	if (cp >= 0x3b1 && cp <= 0x3c9)
		return upper ? (cp == 0x3c2 ? 0x3a3 : cp - 32) : cp;
	if (cp >= 0x410 && cp <= 0x42f)
		return upper ? cp : cp + 32;
	if (cp >= 0x430 && cp <= 0x44f)
		return upper ? cp - 32 : cp;
	if (cp >= 0x400 && cp <= 0x40f)
		return upper ? cp : cp + 80;
	if (cp >= 0x450 && cp <= 0x45f)
		return upper ? cp - 80 : cp;
	return cp;
}

/* ------------------------------------------------------------- str/repr */

static int printable(unsigned long cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad)
		return 0;
	if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
	    (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff ||
	    (cp >= 0xd800 && cp <= 0xf8ff) || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    cp >= 0xf0000)
		return 0;
	return 1;
}

static void repr_str(struct ztp_buf *b, const char *s, size_t n)
{
	char q = '\'';
	size_t i, j;

	if (memchr(s, '\'', n) && !memchr(s, '"', n))
		q = '"';
	ztp_buf_addc(b, q);
	for (i = 0; i < n; i = j) {
		unsigned long cp;

		/* a run of printable ASCII other than the quote and \\ at once */
		for (j = i; j < n && s[j] >= 0x20 && s[j] < 0x7f && s[j] != q && s[j] != '\\'; j++)
			;
		if (j > i) {
			ztp_buf_add(b, s + i, j - i);
			continue;
		}
		cp = tmpl_u8cp(s, n, i, &j);

		if (cp == (unsigned char)q || cp == '\\') {
			ztp_buf_addc(b, '\\');
			ztp_buf_addc(b, (int)cp);
		} else if (cp == '\n') {
			ztp_buf_adds(b, "\\n");
		} else if (cp == '\r') {
			ztp_buf_adds(b, "\\r");
		} else if (cp == '\t') {
			ztp_buf_adds(b, "\\t");
		} else if (!printable(cp)) {
			if (cp < 0x100)
				ztp_buf_addf(b, "\\x%02lx", cp);
			else if (cp < 0x10000)
				ztp_buf_addf(b, "\\u%04lx", cp);
			else
				ztp_buf_addf(b, "\\U%08lx", cp);
		} else {
			ztp_buf_add(b, s + i, j - i);
		}
	}
	ztp_buf_addc(b, q);
}

static int str_or_repr(struct ctx *c, const struct ztp_val *v, struct ztp_buf *b, int repr,
		       int depth)
{
	char num[64];
	size_t i;

	if (depth > 100)
		return tmpl_fail(c, ZTP_ERR_LIMIT, "value nested too deeply to print");
	switch (v->type) {
	case ZTP_V_NULL:
		return ztp_buf_adds(b, "None");
	case ZTP_V_BOOL:
		return ztp_buf_adds(b, v->u.b ? "True" : "False");
	case ZTP_V_INT:
		return ztp_buf_addll(b, v->u.i);
	case ZTP_V_FLOAT:
		ztp_fmt_double(v->u.f, num, sizeof num);
		return ztp_buf_adds(b, num);
	case ZTP_V_STR:
		if (repr) {
			repr_str(b, v->u.str.s, v->u.str.len);
			return b->len > (b->max ? b->max : ZTP_BUF_DEFAULT_MAX) - 1 ? -1 : 0;
		}
		return ztp_buf_add(b, v->u.str.s, v->u.str.len);
	case ZTP_V_LIST: {
		int tup = v->line == TAG_TUPLE;

		ztp_buf_addc(b, tup ? '(' : '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i)
				ztp_buf_adds(b, ", ");
			if (str_or_repr(c, v->u.list.v[i], b, 1, depth + 1) < 0)
				return -1;
		}
		if (tup && v->u.list.n == 1)
			ztp_buf_addc(b, ',');
		return ztp_buf_addc(b, tup ? ')' : ']');
	}
	case ZTP_V_MAP:
		if (v->line == TAG_NS)
			ztp_buf_adds(b, "<Namespace ");
		ztp_buf_addc(b, '{');
		for (i = 0; i < v->u.map.n; i++) {
			if (i)
				ztp_buf_adds(b, ", ");
			if (str_or_repr(c, v->u.map.e[i].key, b, 1, depth + 1) < 0)
				return -1;
			ztp_buf_adds(b, ": ");
			if (str_or_repr(c, v->u.map.e[i].val, b, 1, depth + 1) < 0)
				return -1;
		}
		ztp_buf_addc(b, '}');
		if (v->line == TAG_NS)
			ztp_buf_addc(b, '>');
		return 0;
	case TV_UNDEF:
		if (tmpl_undef_strict(c, v))
			return tmpl_undef_error(c, v);
		return repr ? ztp_buf_adds(b, "Undefined") : 0;
	case TV_FUNC:
		return ztp_buf_adds(b, "<function>");
	}
	return 0;
}

int tmpl_tostr(struct ctx *c, const struct ztp_val *v, struct ztp_buf *b)
{
	if (str_or_repr(c, v, b, 0, 0) < 0)
		return -1;
	if (b->len >= (b->max ? b->max : ZTP_BUF_DEFAULT_MAX) - 1 || (b->len && b->p == NULL))
		return tmpl_fail(c, ZTP_ERR_LIMIT, "output exceeds the limit of %zu bytes", b->max);
	return 0;
}

int tmpl_str_val(struct ctx *c, struct ztp_val *v, struct ztp_val **out)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t len;
	char *p;

	if (v->type == ZTP_V_STR) {
		*out = ztp_val_ref(v);
		return 0;
	}
	if (tmpl_tostr(c, v, &b) < 0) {
		ztp_buf_free(&b);
		return -1;
	}
	p = ztp_buf_detach(&b, &len);
	*out = ztp_val_str_take(p, len);
	return 0;
}

int tmpl_repr(struct ctx *c, const struct ztp_val *v, struct ztp_buf *b)
{
	return str_or_repr(c, v, b, 1, 0);
}

/* --------------------------------------------------------- comparisons */

static int isnum(const struct ztp_val *v, double *d)
{
	if (v->type == ZTP_V_INT) {
		*d = (double)v->u.i;
		return 1;
	}
	if (v->type == ZTP_V_BOOL) {
		*d = v->u.b;
		return 1;
	}
	if (v->type == ZTP_V_FLOAT) {
		*d = v->u.f;
		return 1;
	}
	return 0;
}

int tmpl_eq(const struct ztp_val *a, const struct ztp_val *b)
{
	size_t i;

	if (a->type == TV_UNDEF || b->type == TV_UNDEF)
		return a->type == b->type;
	if (a->type == TV_FUNC || b->type == TV_FUNC)
		return a->type == b->type && a->u.i == b->u.i;
	if (a->type == ZTP_V_LIST && b->type == ZTP_V_LIST) {
		if ((a->line == TAG_TUPLE) != (b->line == TAG_TUPLE) || a->u.list.n != b->u.list.n)
			return 0;
		for (i = 0; i < a->u.list.n; i++)
			if (!tmpl_eq(a->u.list.v[i], b->u.list.v[i]))
				return 0;
		return 1;
	}
	return ztp_val_eq(a, b);
}

const char *tmpl_typename(const struct ztp_val *v)
{
	switch (v->type) {
	case ZTP_V_NULL: return "NoneType";
	case ZTP_V_BOOL: return "bool";
	case ZTP_V_INT: return "int";
	case ZTP_V_FLOAT: return "float";
	case ZTP_V_STR: return "str";
	case ZTP_V_LIST: return v->line == TAG_TUPLE ? "tuple" : "list";
	case ZTP_V_MAP: return v->line == TAG_NS ? "Namespace" : "dict";
	case TV_UNDEF: return "Undefined";
	default: return "function";
	}
}

int tmpl_cmp(struct ctx *c, const struct ztp_val *a, const struct ztp_val *b, int *out)
{
	double x, y;
	size_t i;

	if (isnum(a, &x) && isnum(b, &y)) {
		if (a->type != ZTP_V_FLOAT && b->type != ZTP_V_FLOAT) {
			long long p = a->type == ZTP_V_INT ? a->u.i : a->u.b;
			long long q = b->type == ZTP_V_INT ? b->u.i : b->u.b;

			*out = p < q ? -1 : p > q;
		} else {
			*out = x < y ? -1 : x > y;
		}
		return 0;
	}
	if (a->type == ZTP_V_STR && b->type == ZTP_V_STR) {
		size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
		int r = memcmp(a->u.str.s, b->u.str.s, n);

		*out = r ? (r < 0 ? -1 : 1) : a->u.str.len < b->u.str.len ? -1 :
		       a->u.str.len > b->u.str.len;
		return 0;
	}
	if (a->type == ZTP_V_LIST && b->type == ZTP_V_LIST &&
	    (a->line == TAG_TUPLE) == (b->line == TAG_TUPLE)) {
		for (i = 0; i < a->u.list.n && i < b->u.list.n; i++) {
			if (tmpl_eq(a->u.list.v[i], b->u.list.v[i]))
				continue;
			return tmpl_cmp(c, a->u.list.v[i], b->u.list.v[i], out);
		}
		*out = a->u.list.n < b->u.list.n ? -1 : a->u.list.n > b->u.list.n;
		return 0;
	}
	if (a->type == TV_UNDEF)
		return tmpl_undef_error(c, a);
	if (b->type == TV_UNDEF)
		return tmpl_undef_error(c, b);
	return tmpl_fail(c, ZTP_ERR_PARSE, "'<' not supported between instances of '%s' and '%s'",
			 tmpl_typename(a), tmpl_typename(b));
}

int tmpl_iterate(struct ctx *c, struct ztp_val *v, struct ztp_val **list)
{
	struct ztp_val *l;
	size_t i, j;

	switch (v->type) {
	case ZTP_V_LIST:
		l = ztp_val_list();
		for (i = 0; i < v->u.list.n; i++)
			ztp_list_push(l, ztp_val_ref(v->u.list.v[i]));
		break;
	case ZTP_V_MAP:
		l = ztp_val_list();
		for (i = 0; i < v->u.map.n; i++)
			ztp_list_push(l, ztp_val_ref(v->u.map.e[i].key));
		break;
	case ZTP_V_STR:
		l = ztp_val_list();
		for (i = 0; i < v->u.str.len; i = j) {
			j = tmpl_u8next(v->u.str.s, v->u.str.len, i);
			ztp_list_push(l, ztp_val_strn(v->u.str.s + i, j - i));
		}
		break;
	case TV_UNDEF:
		if (tmpl_undef_strict(c, v))
			return tmpl_undef_error(c, v);
		l = ztp_val_list();
		break;
	default:
		return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object is not iterable", tmpl_typename(v));
	}
	if (tmpl_step(c, (long long)l->u.list.n / 8) < 0) {
		ztp_val_unref(l);
		return -1;
	}
	*list = l;
	return 0;
}

/* ------------------------------------------------------------ arithmetic */

static int intval(const struct ztp_val *v, long long *i)
{
	if (v->type == ZTP_V_INT) {
		*i = v->u.i;
		return 1;
	}
	if (v->type == ZTP_V_BOOL) {
		*i = v->u.b;
		return 1;
	}
	return 0;
}

static struct ztp_val *repeat(struct ctx *c, const struct ztp_val *s, long long n, int *err)
{
	long long k;

	*err = 0;
	if (n < 0)
		n = 0;
	if (s->type == ZTP_V_STR) {
		struct ztp_buf b;
		size_t len;
		char *p;

		if (n > 0 && s->u.str.len > 0 && (unsigned long long)n > tmpl_max_output(c) / s->u.str.len) {
			*err = tmpl_fail(c, ZTP_ERR_LIMIT, "string repetition too large");
			return NULL;
		}
		ztp_buf_init(&b, 0);
		for (k = 0; k < n; k++)
			ztp_buf_add(&b, s->u.str.s, s->u.str.len);
		p = ztp_buf_detach(&b, &len);
		return ztp_val_str_take(p, len);
	} else {
		struct ztp_val *l = ztp_val_list();
		size_t i;

		if (n > 0 && s->u.list.n > 0 && (unsigned long long)n > tmpl_max_items(c) / s->u.list.n) {
			ztp_val_unref(l);
			*err = tmpl_fail(c, ZTP_ERR_LIMIT, "list repetition too large");
			return NULL;
		}
		l->line = s->line == TAG_TUPLE ? TAG_TUPLE : 0;
		for (k = 0; k < n; k++)
			for (i = 0; i < s->u.list.n; i++)
				ztp_list_push(l, ztp_val_ref(s->u.list.v[i]));
		return l;
	}
}

static int typeerr(struct ctx *c, const char *op, const struct ztp_val *a, const struct ztp_val *b)
{
	return tmpl_fail(c, ZTP_ERR_PARSE, "unsupported operand type(s) for %s: '%s' and '%s'",
			 op, tmpl_typename(a), tmpl_typename(b));
}

static int overflow(struct ctx *c)
{
	return tmpl_fail(c, ZTP_ERR_PARSE, "integer overflow (the result does not fit in 64 bits)");
}

static int int_out(long long r, struct ztp_val **out)
{
	*out = ztp_val_int(r);
	return 0;
}

static int float_out(double r, struct ztp_val **out)
{
	*out = ztp_val_float(r);
	return 0;
}

/* ---- integers (and booleans): 64 bits, an overflow is an error ---- */

static int int_add(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	long long r;

	return __builtin_add_overflow(x, y, &r) ? overflow(c) : int_out(r, out);
}

static int int_sub(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	long long r;

	return __builtin_sub_overflow(x, y, &r) ? overflow(c) : int_out(r, out);
}

static int int_mul(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	long long r;

	return __builtin_mul_overflow(x, y, &r) ? overflow(c) : int_out(r, out);
}

static int int_div(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	if (y == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "division by zero");
	return float_out((double)x / (double)y, out);
}

/* Python's // and %: the quotient rounds towards minus infinity, the
 * remainder takes the sign of the divisor */
static int int_divmod(struct ctx *c, long long x, long long y, long long *q, long long *m)
{
	if (y == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "integer division or modulo by zero");
	if (x == LLONG_MIN && y == -1)
		return overflow(c);
	*q = x / y;
	*m = x % y;
	if (*m != 0 && ((*m < 0) != (y < 0))) {
		(*q)--;
		*m += y;
	}
	return 0;
}

static int int_floordiv(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	long long q, m;

	return int_divmod(c, x, y, &q, &m) < 0 ? -1 : int_out(q, out);
}

static int int_mod(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	long long q, m;

	return int_divmod(c, x, y, &q, &m) < 0 ? -1 : int_out(m, out);
}

static int int_pow(struct ctx *c, long long x, long long y, struct ztp_val **out)
{
	long long r = 1;

	if (y < 0) {
		if (x == 0)
			return tmpl_fail(c, ZTP_ERR_PARSE, "0.0 cannot be raised to a negative power");
		return float_out(pow((double)x, (double)y), out);
	}
	if (x == 0 || x == 1)
		return int_out(y == 0 ? 1 : x, out);
	if (x == -1)
		return int_out((y % 2) ? -1 : 1, out);
	while (y-- > 0)
		if (__builtin_mul_overflow(r, x, &r))
			return overflow(c);
	return int_out(r, out);
}

/* ---- floats (one operand at least), CPython's results ---- */

static int float_add(struct ctx *c, double x, double y, struct ztp_val **out)
{
	return float_out(x + y, out);
}

static int float_sub(struct ctx *c, double x, double y, struct ztp_val **out)
{
	return float_out(x - y, out);
}

static int float_mul(struct ctx *c, double x, double y, struct ztp_val **out)
{
	return float_out(x * y, out);
}

static int float_div(struct ctx *c, double x, double y, struct ztp_val **out)
{
	if (y == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "float division by zero");
	return float_out(x / y, out);
}

/* CPython's float_floor_div: from fmod, not floor(x / y) */
static int float_floordiv(struct ctx *c, double x, double y, struct ztp_val **out)
{
	double mod, div, r;

	if (y == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "float floor division by zero");
	mod = fmod(x, y);
	div = (x - mod) / y;
	if (mod != 0 && ((y < 0) != (mod < 0)))
		div -= 1.0;
	if (div != 0) {
		r = floor(div);
		if (div - r > 0.5)
			r += 1.0;
	} else {
		r = copysign(0.0, x / y);
	}
	return float_out(r, out);
}

static int float_mod(struct ctx *c, double x, double y, struct ztp_val **out)
{
	double r;

	if (y == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "float modulo");
	r = fmod(x, y);
	if (r != 0) {
		if ((r < 0) != (y < 0))
			r += y;
	} else {
		r = copysign(0.0, y);
	}
	return float_out(r, out);
}

static int float_pow(struct ctx *c, double x, double y, struct ztp_val **out)
{
	if (x == 0 && y < 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "0.0 cannot be raised to a negative power");
	if (x < 0 && y != floor(y))
		return tmpl_fail(c, ZTP_ERR_PARSE, "a negative number raised to a fractional "
				 "power is complex: not supported");
	return float_out(pow(x, y), out);
}

/* ---- strings and lists: 1 when the operator does not apply to them ---- */

/* str + str, list + list, tuple + tuple */
static int seq_add(struct ctx *c, struct ztp_val *a, struct ztp_val *b, struct ztp_val **out)
{
	if (a->type == ZTP_V_STR && b->type == ZTP_V_STR) {
		char *p = ztp_xmalloc(a->u.str.len + b->u.str.len + 1);

		if (a->u.str.len + b->u.str.len > tmpl_max_output(c)) {
			free(p);
			return tmpl_fail(c, ZTP_ERR_LIMIT, "string exceeds the output limit");
		}
		if (tmpl_step(c, (long long)(a->u.str.len + b->u.str.len) / 64) < 0) {
			free(p);
			return -1;
		}
		memcpy(p, a->u.str.s, a->u.str.len);
		memcpy(p + a->u.str.len, b->u.str.s, b->u.str.len);
		p[a->u.str.len + b->u.str.len] = '\0';
		*out = ztp_val_str_take(p, a->u.str.len + b->u.str.len);
		return 0;
	}
	if (a->type == ZTP_V_LIST && b->type == ZTP_V_LIST &&
	    (a->line == TAG_TUPLE) == (b->line == TAG_TUPLE)) {
		struct ztp_val *l;
		size_t i;

		if (a->u.list.n + b->u.list.n > tmpl_max_items(c))
			return tmpl_fail(c, ZTP_ERR_LIMIT, "list grows past %zu items", tmpl_max_items(c));
		if (tmpl_step(c, (long long)(a->u.list.n + b->u.list.n) / 4) < 0)
			return -1;
		l = ztp_val_list();
		l->line = a->line == TAG_TUPLE ? TAG_TUPLE : 0;
		for (i = 0; i < a->u.list.n; i++)
			ztp_list_push(l, ztp_val_ref(a->u.list.v[i]));
		for (i = 0; i < b->u.list.n; i++)
			ztp_list_push(l, ztp_val_ref(b->u.list.v[i]));
		*out = l;
		return 0;
	}
	if (a->type == ZTP_V_STR || a->type == ZTP_V_LIST)
		return tmpl_fail(c, ZTP_ERR_PARSE, "can only concatenate %s (not \"%s\") to %s",
				 tmpl_typename(a), tmpl_typename(b), tmpl_typename(a));
	return 1;
}

/* str * int, list * int, either way round */
static int seq_mul(struct ctx *c, struct ztp_val *a, struct ztp_val *b, struct ztp_val **out)
{
	long long n;
	int err;

	if ((a->type == ZTP_V_STR || a->type == ZTP_V_LIST) && intval(b, &n))
		*out = repeat(c, a, n, &err);
	else if ((b->type == ZTP_V_STR || b->type == ZTP_V_LIST) && intval(a, &n))
		*out = repeat(c, b, n, &err);
	else
		return 1;
	return *out ? 0 : err;
}

/* str % args: printf-style formatting */
static int str_mod(struct ctx *c, struct ztp_val *a, struct ztp_val *b, struct ztp_val **out)
{
	struct ztp_buf bb;
	size_t len;
	char *p;

	if (a->type != ZTP_V_STR)
		return 1;
	ztp_buf_init(&bb, tmpl_max_output(c));
	if (tmpl_percent(c, a->u.str.s, a->u.str.len, b, &bb) < 0) {
		ztp_buf_free(&bb);
		return -1;
	}
	p = ztp_buf_detach(&bb, &len);
	*out = ztp_val_str_take(p, len);
	return 0;
}

/* The arithmetic operators by OP_* code: the symbol, then a handler per
 * class of operands, tried in this order: both integers (or booleans),
 * both numbers, then strings and lists (none: a type error). */
static const struct binop {
	const char *sym;
	int (*ints)(struct ctx *c, long long x, long long y, struct ztp_val **out);
	int (*floats)(struct ctx *c, double x, double y, struct ztp_val **out);
	int (*seqs)(struct ctx *c, struct ztp_val *a, struct ztp_val *b, struct ztp_val **out);
} binops[] = {
	[OP_ADD] = { "+", int_add, float_add, seq_add },
	[OP_SUB] = { "-", int_sub, float_sub, NULL },
	[OP_MUL] = { "*", int_mul, float_mul, seq_mul },
	[OP_DIV] = { "/", int_div, float_div, NULL },
	[OP_FLOORDIV] = { "//", int_floordiv, float_floordiv, NULL },
	[OP_MOD] = { "%", int_mod, float_mod, str_mod },
	[OP_POW] = { "**", int_pow, float_pow, NULL },
};

/* the i-th arithmetic operator's symbol, NULL past the end */
const char *tmpl_binop_name(size_t i)
{
	return i + OP_ADD < sizeof binops / sizeof binops[0] ? binops[i + OP_ADD].sym : NULL;
}

int tmpl_binop(struct ctx *c, int op, struct ztp_val *a, struct ztp_val *b, struct ztp_val **out)
{
	const struct binop *o;
	long long x, y;
	double fx, fy;
	int rc;

	if (op < OP_ADD || (size_t)op >= sizeof binops / sizeof binops[0])
		return tmpl_fail(c, ZTP_ERR_PARSE, "internal error: unexpected operator %d", op);
	o = &binops[op];
	if (a->type == TV_UNDEF)
		return tmpl_undef_error(c, a);
	if (b->type == TV_UNDEF && !(op == OP_MOD && a->type == ZTP_V_STR))
		return tmpl_undef_error(c, b);
	if (intval(a, &x) && intval(b, &y))
		return o->ints(c, x, y, out);
	if (isnum(a, &fx) && isnum(b, &fy))
		return o->floats(c, fx, fy, out);
	if (o->seqs && (rc = o->seqs(c, a, b, out)) <= 0)
		return rc;
	return typeerr(c, o->sym, a, b);
}

/* ------------------------------------------------------------ formatting */

/* One conversion: flags, width, precision, type; Python's rules for the
 * common cases (d i s r f F e E g G x X o c %). */
struct spec {
	char fill, align, sign, type;
	int alt, zero, width, prec, grouping;
};

static void pad(struct ztp_buf *b, const char *s, size_t n, const struct spec *sp, int numeric)
{
	size_t w = sp->width > 0 ? (size_t)sp->width : 0;
	size_t len = tmpl_u8len(s, n), k;
	char align = sp->align ? sp->align : (numeric ? '>' : '<');
	char fill = sp->fill ? sp->fill : ' ';

	if (len >= w) {
		ztp_buf_add(b, s, n);
		return;
	}
	if (align == '=' && numeric) {
		size_t pre = (n > 0 && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;

		if (n > pre + 1 && s[pre] == '0' && (s[pre + 1] == 'x' || s[pre + 1] == 'X' ||
						    s[pre + 1] == 'o' || s[pre + 1] == 'b'))
			pre += 2;
		ztp_buf_add(b, s, pre);
		for (k = len; k < w; k++)
			ztp_buf_addc(b, fill);
		ztp_buf_add(b, s + pre, n - pre);
		return;
	}
	if (align == '>') {
		for (k = len; k < w; k++)
			ztp_buf_addc(b, fill);
		ztp_buf_add(b, s, n);
	} else if (align == '^') {
		size_t left = (w - len) / 2, right = w - len - left;

		for (k = 0; k < left; k++)
			ztp_buf_addc(b, fill);
		ztp_buf_add(b, s, n);
		for (k = 0; k < right; k++)
			ztp_buf_addc(b, fill);
	} else {
		ztp_buf_add(b, s, n);
		for (k = len; k < w; k++)
			ztp_buf_addc(b, fill);
	}
}

static int fmt_one(struct ctx *c, struct ztp_buf *b, struct spec *sp, struct ztp_val *v)
{
	char tmp[512];
	long long i;
	double d;
	struct ztp_buf s = ZTP_BUF_INIT;
	int n;

	switch (sp->type) {
	case 0:
	case 's':
	case 'r':
		if (sp->type == 'r' ? tmpl_repr(c, v, &s) < 0 : tmpl_tostr(c, v, &s) < 0) {
			ztp_buf_free(&s);
			return -1;
		}
		if (sp->prec >= 0) {
			size_t k = 0, p = 0;

			while (p < s.len && k < (size_t)sp->prec) {
				p = tmpl_u8next(s.p, s.len, p);
				k++;
			}
			s.len = p;
		}
		pad(b, s.p ? s.p : "", s.len, sp, sp->type == 0 && (v->type == ZTP_V_INT ||
						 v->type == ZTP_V_FLOAT));
		ztp_buf_free(&s);
		return 0;
	case 'd': case 'i': case 'x': case 'X': case 'o': case 'c': case 'b':
		if (v->type == ZTP_V_FLOAT && sp->type != 'c')
			i = (long long)v->u.f;
		else if (!intval(v, &i))
			return tmpl_fail(c, ZTP_ERR_PARSE, "%%%c format: a number is required, not %s",
					 sp->type, tmpl_typename(v));
		if (sp->type == 'c') {
			struct ztp_buf cb = ZTP_BUF_INIT;
			char one[8];
			int k = 0;
			unsigned long cp = (unsigned long)i;

			if (cp < 0x80) one[k++] = (char)cp;
			else if (cp < 0x800) { one[k++] = (char)(0xc0 | (cp >> 6)); one[k++] = (char)(0x80 | (cp & 0x3f)); }
			else { one[k++] = (char)(0xe0 | ((cp >> 12) & 0xf)); one[k++] = (char)(0x80 | ((cp >> 6) & 0x3f)); one[k++] = (char)(0x80 | (cp & 0x3f)); }
			pad(b, one, (size_t)k, sp, 0);
			ztp_buf_free(&cb);
			return 0;
		}
		{
			unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
			char digits[160];
			int k = 0;
			const char *pfx = "";

			if (sp->type == 'b') {
				do { digits[k++] = (char)('0' + (u & 1)); u >>= 1; } while (u);
				digits[k] = 0;
				for (n = 0; n < k / 2; n++) { char t = digits[n]; digits[n] = digits[k - 1 - n]; digits[k - 1 - n] = t; }
				if (sp->alt) pfx = "0b";
			} else {
				snprintf(digits, sizeof digits, sp->type == 'x' ? "%llx" : sp->type == 'X' ? "%llX" :
					 sp->type == 'o' ? "%llo" : "%llu", u);
				if (sp->alt)
					pfx = sp->type == 'x' ? "0x" : sp->type == 'X' ? "0X" : sp->type == 'o' ? "0o" : "";
			}
			if (sp->grouping && (sp->type == 'd' || sp->type == 'i')) {
				char g[120];
				int len = (int)strlen(digits), o = 0, q;

				for (q = 0; q < len; q++) {
					if (q && (len - q) % 3 == 0)
						g[o++] = ',';
					g[o++] = digits[q];
				}
				g[o] = 0;
				snprintf(digits, sizeof digits, "%s", g);
			}
			n = snprintf(tmp, sizeof tmp, "%s%s%s", i < 0 ? "-" : sp->sign == '+' ? "+" :
				     sp->sign == ' ' ? " " : "", pfx, digits);
		}
		break;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case '%':
		if (!isnum(v, &d)) {
			if (v->type == ZTP_V_STR)
				return tmpl_fail(c, ZTP_ERR_PARSE, "must be real number, not str");
			return tmpl_fail(c, ZTP_ERR_PARSE, "must be real number, not %s", tmpl_typename(v));
		}
		if (sp->type == '%') {
			d *= 100;
		}
		{
			int pr = sp->prec >= 0 ? sp->prec : 6, k = 0;
			char conv = sp->type == '%' ? 'f' : sp->type;

			if (!signbit(d) && sp->sign)
				tmp[k++] = sp->sign;
			switch (conv) {
			case 'f': n = snprintf(tmp + k, sizeof tmp - (size_t)k, sp->alt ? "%#.*f" : "%.*f", pr, d); break;
			case 'F': n = snprintf(tmp + k, sizeof tmp - (size_t)k, sp->alt ? "%#.*F" : "%.*F", pr, d); break;
			case 'e': n = snprintf(tmp + k, sizeof tmp - (size_t)k, sp->alt ? "%#.*e" : "%.*e", pr, d); break;
			case 'E': n = snprintf(tmp + k, sizeof tmp - (size_t)k, sp->alt ? "%#.*E" : "%.*E", pr, d); break;
			case 'g': n = snprintf(tmp + k, sizeof tmp - (size_t)k, sp->alt ? "%#.*g" : "%.*g", pr, d); break;
			default: n = snprintf(tmp + k, sizeof tmp - (size_t)k, sp->alt ? "%#.*G" : "%.*G", pr, d); break;
			}
			if (n >= 0)
				n += k;
		}
		if (sp->type == '%' && n > 0 && n + 1 < (int)sizeof tmp) {
			tmp[n++] = '%';
			tmp[n] = 0;
		}
		break;
	default:
		return tmpl_fail(c, ZTP_ERR_PARSE, "unsupported format character '%c'", sp->type);
	}
	if (n < 0 || n >= (int)sizeof tmp)
		return tmpl_fail(c, ZTP_ERR_PARSE, "formatted value too long");
	if (sp->zero && !sp->align) {
		struct spec z = *sp;

		z.fill = '0';
		z.align = '=';
		pad(b, tmp, (size_t)n, &z, 1);
	} else {
		pad(b, tmp, (size_t)n, sp, 1);
	}
	return 0;
}

/* "fmt" % arg: arg a tuple (positional), a dict (%(name)s) or one value */
int tmpl_percent(struct ctx *c, const char *fmt, size_t len, struct ztp_val *arg, struct ztp_buf *b)
{
	size_t i = 0, ai = 0, nargs;
	struct ztp_val **av, *one[1];
	int is_map = arg->type == ZTP_V_MAP;

	if (arg->type == ZTP_V_LIST && arg->line == TAG_TUPLE) {
		av = arg->u.list.v;
		nargs = arg->u.list.n;
	} else {
		one[0] = arg;
		av = one;
		nargs = 1;
	}
	while (i < len) {
		struct spec sp;
		struct ztp_val *v = NULL;

		if (fmt[i] != '%') {
			ztp_buf_addc(b, fmt[i++]);
			continue;
		}
		i++;
		if (i >= len)
			return tmpl_fail(c, ZTP_ERR_PARSE, "incomplete format");
		if (fmt[i] == '%') {
			ztp_buf_addc(b, '%');
			i++;
			continue;
		}
		memset(&sp, 0, sizeof sp);
		sp.prec = -1;
		if (fmt[i] == '(') {
			size_t j = i + 1;

			while (j < len && fmt[j] != ')')
				j++;
			if (j >= len)
				return tmpl_fail(c, ZTP_ERR_PARSE, "incomplete format key");
			if (!is_map)
				return tmpl_fail(c, ZTP_ERR_PARSE, "format requires a mapping");
			{
				char *k = ztp_xstrndup(fmt + i + 1, j - i - 1);

				v = ztp_map_get(arg, k);
				if (v == NULL) {
					tmpl_fail(c, ZTP_ERR_PARSE, "KeyError: '%s'", k);
					free(k);
					return -1;
				}
				free(k);
			}
			i = j + 1;
		}
		for (; i < len && strchr("-+ #0", fmt[i]); i++) {
			if (fmt[i] == '-') sp.align = '<';
			else if (fmt[i] == '+') sp.sign = '+';
			else if (fmt[i] == ' ') { if (!sp.sign) sp.sign = ' '; }
			else if (fmt[i] == '#') sp.alt = 1;
			else sp.zero = 1;
		}
		if (i < len && fmt[i] == '*') {
			long long w;

			if (ai >= nargs || !intval(av[ai], &w))
				return tmpl_fail(c, ZTP_ERR_PARSE, "* wants int");
			ai++;
			if (w < 0) { sp.align = '<'; w = -w; }
			sp.width = w > 10000 ? 10000 : (int)w;
			i++;
		}
		for (; i < len && fmt[i] >= '0' && fmt[i] <= '9'; i++)
			if (sp.width < 10000)
				sp.width = sp.width * 10 + (fmt[i] - '0');
		if (i < len && fmt[i] == '.') {
			sp.prec = 0;
			for (i++; i < len && fmt[i] >= '0' && fmt[i] <= '9'; i++)
				if (sp.prec < 1000)
					sp.prec = sp.prec * 10 + (fmt[i] - '0');
		}
		while (i < len && (fmt[i] == 'l' || fmt[i] == 'h' || fmt[i] == 'L'))
			i++;
		if (i >= len)
			return tmpl_fail(c, ZTP_ERR_PARSE, "incomplete format");
		sp.type = fmt[i++];
		if (sp.type == 'u')
			sp.type = 'd';
		if (sp.align == '<')
			sp.zero = 0;
		else
			sp.align = sp.zero ? 0 : '>';
		if (sp.type == 's' || sp.type == 'r')
			sp.zero = 0;
		if (v == NULL) {
			if (is_map && nargs == 1 && av[0] == arg) {
				v = arg;
			} else {
				if (ai >= nargs)
					return tmpl_fail(c, ZTP_ERR_PARSE, "not enough arguments for format string");
				v = av[ai++];
			}
		}
		if (sp.type == 'r' || sp.type == 's' || sp.type == 'a') {
			if (sp.type == 'a')
				sp.type = 'r';
		}
		if (fmt_one(c, b, &sp, v) < 0)
			return -1;
	}
	/* like PyUnicode_Format: leftover arguments are an error unless the
	 * argument is a mapping (anything with items but a tuple or a str) */
	if (ai < nargs && !is_map && !(arg->type == ZTP_V_LIST && arg->line != TAG_TUPLE))
		return tmpl_fail(c, ZTP_ERR_PARSE, "not all arguments converted during string formatting");
	return 0;
}

static int parse_fspec(struct ctx *c, const char *s, size_t n, struct spec *sp)
{
	size_t i = 0;

	memset(sp, 0, sizeof *sp);
	sp->prec = -1;
	if (n >= 2 && strchr("<>=^", s[1])) {
		sp->fill = s[0];
		sp->align = s[1];
		i = 2;
	} else if (n >= 1 && strchr("<>=^", s[0])) {
		sp->align = s[0];
		i = 1;
	}
	if (i < n && strchr("+- ", s[i])) {
		sp->sign = s[i] == '-' ? 0 : s[i];
		i++;
	}
	if (i < n && s[i] == '#') {
		sp->alt = 1;
		i++;
	}
	if (i < n && s[i] == '0') {
		sp->zero = 1;
		i++;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (sp->width < 10000)
			sp->width = sp->width * 10 + (s[i] - '0');
	if (i < n && s[i] == ',') {
		sp->grouping = 1;
		i++;
	}
	if (i < n && s[i] == '.') {
		sp->prec = 0;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (sp->prec < 1000)
				sp->prec = sp->prec * 10 + (s[i] - '0');
	}
	if (i < n)
		sp->type = s[i++];
	if (i != n)
		return tmpl_fail(c, ZTP_ERR_PARSE, "Invalid format specifier");
	return 0;
}

int tmpl_pyformat(struct ctx *c, const char *fmt, size_t len, struct ztp_val **args,
		  size_t nargs, char **kwn, struct ztp_val **kwv, size_t nkw, struct ztp_buf *b)
{
	size_t i = 0, auto_i = 0, k;

	while (i < len) {
		size_t j, colon, bang;
		struct ztp_val *v = NULL;
		struct spec sp;

		if (fmt[i] == '}') {
			if (i + 1 < len && fmt[i + 1] == '}') {
				ztp_buf_addc(b, '}');
				i += 2;
				continue;
			}
			return tmpl_fail(c, ZTP_ERR_PARSE, "Single '}' encountered in format string");
		}
		if (fmt[i] != '{') {
			ztp_buf_addc(b, fmt[i++]);
			continue;
		}
		if (i + 1 < len && fmt[i + 1] == '{') {
			ztp_buf_addc(b, '{');
			i += 2;
			continue;
		}
		for (j = i + 1; j < len && fmt[j] != '}'; j++)
			;
		if (j >= len)
			return tmpl_fail(c, ZTP_ERR_PARSE, "Single '{' encountered in format string");
		colon = i + 1;
		while (colon < j && fmt[colon] != ':' && fmt[colon] != '!')
			colon++;
		bang = colon;
		/* field name */
		if (colon == i + 1) {
			if (auto_i >= nargs)
				return tmpl_fail(c, ZTP_ERR_PARSE, "Replacement index %zu out of range for positional args tuple", auto_i);
			v = args[auto_i++];
		} else if (fmt[i + 1] >= '0' && fmt[i + 1] <= '9') {
			size_t ix = 0;

			for (k = i + 1; k < colon; k++) {
				if (fmt[k] < '0' || fmt[k] > '9')
					return tmpl_fail(c, ZTP_ERR_PARSE, "unsupported format field");
				ix = ix * 10 + (size_t)(fmt[k] - '0');
				if (ix > 100000)
					break;
			}
			if (ix >= nargs)
				return tmpl_fail(c, ZTP_ERR_PARSE, "Replacement index %zu out of range for positional args tuple", ix);
			v = args[ix];
		} else {
			for (k = 0; k < nkw; k++)
				if (strlen(kwn[k]) == colon - i - 1 && !memcmp(kwn[k], fmt + i + 1, colon - i - 1))
					v = kwv[k];
			if (v == NULL) {
				char *nm = ztp_xstrndup(fmt + i + 1, colon - i - 1);

				tmpl_fail(c, ZTP_ERR_PARSE, "KeyError: '%s'", nm);
				free(nm);
				return -1;
			}
		}
		memset(&sp, 0, sizeof sp);
		sp.prec = -1;
		if (bang < j && fmt[bang] == '!') {
			char conv = bang + 1 < j ? fmt[bang + 1] : 0;

			colon = bang + 2;
			if (conv == 'r')
				sp.type = 'r';
			else if (conv != 's')
				return tmpl_fail(c, ZTP_ERR_PARSE, "Unknown conversion specifier");
			if (colon < j && fmt[colon] == ':') {
				struct spec s2;

				if (parse_fspec(c, fmt + colon + 1, j - colon - 1, &s2) < 0)
					return -1;
				s2.type = sp.type;
				sp = s2;
			}
		} else if (colon < j) {
			if (parse_fspec(c, fmt + colon + 1, j - colon - 1, &sp) < 0)
				return -1;
		}
		if (sp.type == 0 && v->type == ZTP_V_FLOAT && sp.prec >= 0)
			sp.type = 'g';
		if (sp.type == 0 && (v->type == ZTP_V_INT) && (sp.sign || sp.zero || sp.grouping))
			sp.type = 'd';
		if (sp.type == 'd' && v->type == ZTP_V_FLOAT)
			return tmpl_fail(c, ZTP_ERR_PARSE, "Unknown format code 'd' for object of type 'float'");
		if (sp.type == 'd' && v->type == ZTP_V_STR)
			return tmpl_fail(c, ZTP_ERR_PARSE, "Unknown format code 'd' for object of type 'str'");
		if (fmt_one(c, b, &sp, v) < 0)
			return -1;
		i = j + 1;
	}
	return 0;
}

/* ------------------------------------------------------------ str methods */

static int is_space(unsigned char ch)
{
	return ch == ' ' || (ch >= 9 && ch <= 13) || ch == 0x1c || ch == 0x1d || ch == 0x1e || ch == 0x1f;
}

static struct ztp_val *mkstr(struct ztp_buf *b)
{
	size_t len;
	char *p = ztp_buf_detach(b, &len);

	return ztp_val_str_take(p, len);
}

static int need_str(struct ctx *c, struct ztp_val *v, const char *m)
{
	if (v->type == ZTP_V_STR)
		return 0;
	if (v->type == TV_UNDEF)
		return tmpl_undef_error(c, v);
	return tmpl_fail(c, ZTP_ERR_PARSE, "%s() argument must be str, not %s", m, tmpl_typename(v));
}

static void strip(const char *s, size_t n, const char *chars, size_t cn, int left, int right,
		  size_t *a, size_t *z)
{
	size_t i = 0, j = n;

	if (chars == NULL) {
		while (left && i < j && is_space((unsigned char)s[i]))
			i++;
		while (right && j > i && is_space((unsigned char)s[j - 1]))
			j--;
	} else {
		while (left && i < j && memchr(chars, s[i], cn))
			i++;
		while (right && j > i && memchr(chars, s[j - 1], cn))
			j--;
	}
	*a = i;
	*z = j;
}

/* ------------------------------------------------------------------ str methods */

/* One function per method (or per family sharing one body: the name tells
 * the variant), found in the sorted table below; the table holds Python's
 * argument counts, checked before the call. */
#define SARGS struct ctx *c, struct ztp_val *sv, const char *m, \
	struct ztp_val **args, size_t nargs, char **kwn, struct ztp_val **kwv, \
	size_t nkw, struct ztp_val **out

static int s_case(SARGS)
{
	const char *s = sv->u.str.s;
	size_t n = sv->u.str.len, i, j;
	int prev_cased = 0;
	struct ztp_buf b;

	ztp_buf_init(&b, tmpl_max_output(c));
	for (i = 0; i < n; i = j) {
		unsigned long cp = tmpl_u8cp(s, n, i, &j), up = tmpl_ucase(cp, 1), lo = tmpl_ucase(cp, 0);
		int cased = up != lo || tmpl_ucase(up, 0) != up;
		unsigned long o;

		if (m[0] == 'u')
			o = up;
		else if (m[0] == 'l' || !strcmp(m, "casefold"))
			o = lo;
		else if (m[0] == 's')
			o = cp == up ? lo : up;
		else if (m[0] == 'c')
			o = i == 0 ? up : lo;
		else
			o = prev_cased ? lo : up;
		prev_cased = cased;
		if (o == cp)
			ztp_buf_add(&b, s + i, j - i);
		else
			ztp_utf8_put(&b, o);
	}
	*out = mkstr(&b);
	return 0;
}

static int s_strip(SARGS)
{
	const char *s = sv->u.str.s, *chars = NULL;
	size_t n = sv->u.str.len, cn = 0, a, z;

	if (nargs > 0 && args[0]->type != ZTP_V_NULL) {
		if (need_str(c, args[0], m) < 0)
			return -1;
		chars = args[0]->u.str.s;
		cn = args[0]->u.str.len;
	}
	strip(s, n, chars, cn, m[0] != 'r', m[0] != 'l', &a, &z);
	*out = ztp_val_strn(s + a, z - a);
	return 0;
}

/* startswith, endswith: a str or a tuple of str */
static int s_affix(SARGS)
{
	const char *s = sv->u.str.s;
	size_t n = sv->u.str.len, k, cnt;
	struct ztp_val *p = args[0];
	int r = 0;

	cnt = p->type == ZTP_V_LIST && p->line == TAG_TUPLE ? p->u.list.n : 1;
	for (k = 0; k < cnt && !r; k++) {
		struct ztp_val *x = cnt == 1 && p->type != ZTP_V_LIST ? p : p->u.list.v[k];

		if (x->type != ZTP_V_STR) {
			if (x->type == TV_UNDEF)
				return tmpl_undef_error(c, x);
			return tmpl_fail(c, ZTP_ERR_PARSE, "%s first arg must be str or a tuple of str, not %s",
					 m, tmpl_typename(x));
		}
		if (x->u.str.len <= n)
			r = m[0] == 's' ? !memcmp(s, x->u.str.s, x->u.str.len) :
			    !memcmp(s + n - x->u.str.len, x->u.str.s, x->u.str.len);
	}
	*out = tmpl_bool(r);
	return 0;
}

static int s_replace(SARGS)
{
	const char *s = sv->u.str.s, *o, *w;
	size_t n = sv->u.str.len, i = 0, on, wn;
	long long cnt = -1;
	struct ztp_buf b;

	if (need_str(c, args[0], m) < 0 || need_str(c, args[1], m) < 0)
		return -1;
	if (nargs > 2 && !intval(args[2], &cnt))
		return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object cannot be interpreted as an integer",
				 tmpl_typename(args[2]));
	o = args[0]->u.str.s;
	on = args[0]->u.str.len;
	w = args[1]->u.str.s;
	wn = args[1]->u.str.len;
	ztp_buf_init(&b, tmpl_max_output(c));
	if (on == 0) {
		/* Python inserts between every character */
		size_t j;

		for (i = 0; i <= n && cnt != 0; i = j) {
			if (ztp_buf_add(&b, w, wn) < 0)
				break;
			if (cnt > 0)
				cnt--;
			if (i == n) {
				i = n + 1;
				break;
			}
			j = tmpl_u8next(s, n, i);
			ztp_buf_add(&b, s + i, j - i);
		}
		if (i <= n)
			ztp_buf_add(&b, s + i, n - i);
	} else {
		while (i < n) {
			const char *hit = cnt != 0 ? memmem(s + i, n - i, o, on) : NULL;

			if (hit == NULL) {
				ztp_buf_add(&b, s + i, n - i);
				break;
			}
			ztp_buf_add(&b, s + i, (size_t)(hit - (s + i)));
			if (ztp_buf_add(&b, w, wn) < 0)
				break;
			i = (size_t)(hit - s) + on;
			if (cnt > 0)
				cnt--;
		}
	}
	if (b.len >= (b.max ? b.max : ZTP_BUF_DEFAULT_MAX) - 1) {
		ztp_buf_free(&b);
		return tmpl_fail(c, ZTP_ERR_LIMIT, "string exceeds the output limit");
	}
	*out = mkstr(&b);
	return 0;
}

/* rsplit with a limit: split from the right into l */
static void rsplit_max(const char *s, size_t n, const struct ztp_val *sep, long long maxs,
		       struct ztp_val *l)
{
	struct ztp_val *tmp = ztp_val_list();
	size_t i, j = n;
	long long cnt = 0;

	if (sep == NULL) {
		while (j > 0) {
			size_t e2;

			while (j > 0 && is_space((unsigned char)s[j - 1]))
				j--;
			if (j == 0)
				break;
			e2 = j;
			if (cnt == maxs) {
				/* the rest keeps its leading white space */
				ztp_list_push(tmp, ztp_val_strn(s, e2));
				break;
			}
			while (j > 0 && !is_space((unsigned char)s[j - 1]))
				j--;
			ztp_list_push(tmp, ztp_val_strn(s + j, e2 - j));
			cnt++;
		}
	} else {
		const char *sp = sep->u.str.s;
		size_t sn = sep->u.str.len, e2 = n;

		while (cnt < maxs && j >= sn) {
			if (!memcmp(s + j - sn, sp, sn)) {
				ztp_list_push(tmp, ztp_val_strn(s + j, e2 - j));
				j -= sn;
				e2 = j;
				cnt++;
			} else {
				j--;
			}
		}
		ztp_list_push(tmp, ztp_val_strn(s, e2));
	}
	for (i = tmp->u.list.n; i > 0; i--)
		ztp_list_push(l, ztp_val_ref(tmp->u.list.v[i - 1]));
	ztp_val_unref(tmp);
}

/* split (and rsplit without a limit: the same pieces) into l */
static void split_fwd(const char *s, size_t n, const struct ztp_val *sep, long long maxs,
		      struct ztp_val *l)
{
	size_t i = 0;
	long long cnt = 0;

	if (sep == NULL) {
		for (;;) {
			size_t st;

			while (i < n && is_space((unsigned char)s[i]))
				i++;
			if (i >= n)
				break;
			if (maxs >= 0 && cnt == maxs) {
				/* the rest keeps its trailing white space */
				ztp_list_push(l, ztp_val_strn(s + i, n - i));
				break;
			}
			st = i;
			while (i < n && !is_space((unsigned char)s[i]))
				i++;
			ztp_list_push(l, ztp_val_strn(s + st, i - st));
			cnt++;
		}
	} else {
		const char *sp = sep->u.str.s;
		size_t sn = sep->u.str.len, st = 0;

		while (i + sn <= n) {
			if ((maxs < 0 || cnt < maxs) && !memcmp(s + i, sp, sn)) {
				ztp_list_push(l, ztp_val_strn(s + st, i - st));
				i += sn;
				st = i;
				cnt++;
			} else {
				i++;
			}
		}
		ztp_list_push(l, ztp_val_strn(s + st, n - st));
	}
}

static int s_split(SARGS)
{
	struct ztp_val *l, *sep = NULL, *mx = NULL;
	long long maxs = -1;
	size_t i;

	if (nargs > 0)
		sep = args[0];
	if (nargs > 1)
		mx = args[1];
	for (i = 0; i < nkw; i++) {
		if (!strcmp(kwn[i], "sep"))
			sep = kwv[i];
		else if (!strcmp(kwn[i], "maxsplit"))
			mx = kwv[i];
	}
	if (mx && !intval(mx, &maxs))
		return tmpl_fail(c, ZTP_ERR_PARSE, "'%s' object cannot be interpreted as an integer", tmpl_typename(mx));
	if (sep && sep->type == ZTP_V_NULL)
		sep = NULL;
	if (sep && need_str(c, sep, m) < 0)
		return -1;
	if (sep && sep->u.str.len == 0)
		return tmpl_fail(c, ZTP_ERR_PARSE, "empty separator");
	l = ztp_val_list();
	if (m[0] == 'r' && maxs >= 0) {
		rsplit_max(sv->u.str.s, sv->u.str.len, sep, maxs, l);
		*out = l;
		return 0;
	}
	split_fwd(sv->u.str.s, sv->u.str.len, sep, maxs, l);
	if (tmpl_step(c, (long long)l->u.list.n) < 0) {
		ztp_val_unref(l);
		return -1;
	}
	*out = l;
	return 0;
}

static int s_splitlines(SARGS)
{
	const char *s = sv->u.str.s;
	size_t n = sv->u.str.len, i, st = 0;
	struct ztp_val *l = ztp_val_list();

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r') {
			ztp_list_push(l, ztp_val_strn(s + st, i - st));
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			st = i + 1;
		}
	}
	if (st < n)
		ztp_list_push(l, ztp_val_strn(s + st, n - st));
	*out = l;
	return 0;
}

static int s_join(SARGS)
{
	struct ztp_val *l;
	struct ztp_buf b;
	size_t i;

	if (tmpl_iterate(c, args[0], &l) < 0)
		return -1;
	ztp_buf_init(&b, tmpl_max_output(c));
	for (i = 0; i < l->u.list.n; i++) {
		if (l->u.list.v[i]->type != ZTP_V_STR) {
			ztp_val_unref(l);
			ztp_buf_free(&b);
			return tmpl_fail(c, ZTP_ERR_PARSE, "sequence item %zu: expected str instance, %s found",
					 i, tmpl_typename(args[0]->type == ZTP_V_LIST ? args[0]->u.list.v[i] : l->u.list.v[i]));
		}
		if (i)
			ztp_buf_add(&b, sv->u.str.s, sv->u.str.len);
		if (ztp_buf_add(&b, l->u.list.v[i]->u.str.s, l->u.list.v[i]->u.str.len) < 0) {
			ztp_val_unref(l);
			ztp_buf_free(&b);
			return tmpl_fail(c, ZTP_ERR_LIMIT, "string exceeds the output limit");
		}
	}
	ztp_val_unref(l);
	*out = mkstr(&b);
	return 0;
}

static int s_format(SARGS)
{
	struct ztp_buf b;

	ztp_buf_init(&b, tmpl_max_output(c));
	if (tmpl_pyformat(c, sv->u.str.s, sv->u.str.len, args, nargs, kwn, kwv, nkw, &b) < 0) {
		ztp_buf_free(&b);
		return -1;
	}
	*out = mkstr(&b);
	return 0;
}

/* find, rfind, index, count */
static int s_find(SARGS)
{
	const char *s = sv->u.str.s, *hit = NULL, *p;
	size_t n = sv->u.str.len;
	long long cnt = 0;

	if (need_str(c, args[0], m) < 0)
		return -1;
	if (args[0]->u.str.len == 0) {
		*out = ztp_val_int(m[0] == 'c' ? (long long)tmpl_u8len(s, n) + 1 :
				   m[0] == 'r' ? (long long)tmpl_u8len(s, n) : 0);
		return 0;
	}
	for (p = s; (p = memmem(p, n - (size_t)(p - s), args[0]->u.str.s, args[0]->u.str.len)) != NULL;
	     p += args[0]->u.str.len) {
		if (!hit || m[0] == 'r')
			hit = p;
		cnt++;
		if (m[0] == 'f' || m[0] == 'i')
			break;
	}
	if (m[0] == 'c') {
		*out = ztp_val_int(cnt);
		return 0;
	}
	if (hit == NULL && m[0] == 'i')
		return tmpl_fail(c, ZTP_ERR_PARSE, "substring not found");
	*out = ztp_val_int(hit ? (long long)tmpl_u8len(s, (size_t)(hit - s)) : -1);
	return 0;
}

/* the is* predicates, ASCII: every byte passes, the string is not empty */
static int is_letter(int ch) { return (ch | 32) >= 'a' && (ch | 32) <= 'z'; }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_alnum(int ch) { return is_letter(ch) || is_digit(ch); }
static int is_sp(int ch) { return is_space((unsigned char)ch); }
static int not_upper(int ch) { return !(ch >= 'A' && ch <= 'Z'); }
static int not_lower(int ch) { return !(ch >= 'a' && ch <= 'z'); }

/* cased: islower and isupper also need one cased character */
static int s_is(struct ztp_val *sv, int (*pass)(int), int cased, struct ztp_val **out)
{
	const char *s = sv->u.str.s;
	size_t n = sv->u.str.len, i;
	int r = n > 0, any = 0;

	for (i = 0; i < n && r; i++) {
		r = pass((unsigned char)s[i]);
		any |= is_letter((unsigned char)s[i]);
	}
	*out = tmpl_bool(r && (!cased || any));
	return 0;
}

static int s_isalnum(SARGS) { return s_is(sv, is_alnum, 0, out); }
static int s_isalpha(SARGS) { return s_is(sv, is_letter, 0, out); }
static int s_isdigit(SARGS) { return s_is(sv, is_digit, 0, out); }
static int s_islower(SARGS) { return s_is(sv, not_upper, 1, out); }
static int s_isspace(SARGS) { return s_is(sv, is_sp, 0, out); }
static int s_isupper(SARGS) { return s_is(sv, not_lower, 1, out); }

/* zfill, center, ljust, rjust */
static int s_pad(SARGS)
{
	const char *s = sv->u.str.s;
	size_t n = sv->u.str.len;
	long long w;
	struct spec sp;
	struct ztp_buf b;

	if (!intval(args[0], &w))
		return tmpl_fail(c, ZTP_ERR_PARSE, "%s() needs an integer width", m);
	memset(&sp, 0, sizeof sp);
	sp.width = w > 100000 ? 100000 : w < 0 ? 0 : (int)w;
	sp.fill = ' ';
	if (nargs > 1 && args[1]->type == ZTP_V_STR && args[1]->u.str.len == 1)
		sp.fill = args[1]->u.str.s[0];
	ztp_buf_init(&b, tmpl_max_output(c));
	if (m[0] == 'z') {
		sp.fill = '0';
		sp.align = '=';
		pad(&b, s, n, &sp, 1);
	} else if (m[0] == 'c') {
		/* Python's center puts the odd space on the right when the
		 * padding is odd and the length is even, else on the left */
		size_t len = tmpl_u8len(s, n), total, left, k;

		if ((size_t)sp.width <= len) {
			ztp_buf_add(&b, s, n);
		} else {
			total = (size_t)sp.width - len;
			left = total / 2 + (total & (size_t)sp.width & 1);
			for (k = 0; k < left; k++)
				ztp_buf_addc(&b, sp.fill);
			ztp_buf_add(&b, s, n);
			for (k = left; k < total; k++)
				ztp_buf_addc(&b, sp.fill);
		}
	} else {
		sp.align = m[0] == 'l' ? '<' : '>';
		pad(&b, s, n, &sp, 0);
	}
	*out = mkstr(&b);
	return 0;
}

/* partition, rpartition */
static int s_partition(SARGS)
{
	const char *s = sv->u.str.s, *hit = NULL, *p;
	size_t n = sv->u.str.len;
	struct ztp_val *t;

	if (need_str(c, args[0], m) < 0)
		return -1;
	for (p = s; args[0]->u.str.len &&
	     (p = memmem(p, n - (size_t)(p - s), args[0]->u.str.s, args[0]->u.str.len)) != NULL; p++) {
		hit = p;
		if (m[0] == 'p')
			break;
	}
	t = tmpl_tuple();
	if (hit == NULL) {
		ztp_list_push(t, m[0] == 'p' ? ztp_val_strn(s, n) : ztp_val_str(""));
		ztp_list_push(t, ztp_val_str(""));
		ztp_list_push(t, m[0] == 'p' ? ztp_val_str("") : ztp_val_strn(s, n));
	} else {
		ztp_list_push(t, ztp_val_strn(s, (size_t)(hit - s)));
		ztp_list_push(t, ztp_val_ref(args[0]));
		ztp_list_push(t, ztp_val_strn(hit + args[0]->u.str.len,
					      n - (size_t)(hit - s) - args[0]->u.str.len));
	}
	*out = t;
	return 0;
}

/* removeprefix, removesuffix */
static int s_remove(SARGS)
{
	const char *s = sv->u.str.s;
	size_t n = sv->u.str.len, pn;

	if (need_str(c, args[0], m) < 0)
		return -1;
	pn = args[0]->u.str.len;
	if (pn <= n && m[6] == 'p' && !memcmp(s, args[0]->u.str.s, pn))
		*out = ztp_val_strn(s + pn, n - pn);
	else if (pn <= n && m[6] == 's' && !memcmp(s + n - pn, args[0]->u.str.s, pn))
		*out = ztp_val_strn(s, n - pn);
	else
		*out = ztp_val_ref(sv);
	return 0;
}

#define NARGS_ANY 255

/* sorted by name (strcmp): bsearch */
static const struct str_method {
	const char *name;
	unsigned char min, max;	/* positional arguments, as Python's str */
	int (*fn)(SARGS);
} str_methods[] = {
	{ "capitalize", 0, 0, s_case },
	{ "casefold", 0, 0, s_case },
	{ "center", 1, 2, s_pad },
	{ "count", 1, 3, s_find },
	{ "endswith", 1, 3, s_affix },
	{ "find", 1, 3, s_find },
	{ "format", 0, NARGS_ANY, s_format },
	{ "index", 1, 3, s_find },
	{ "isalnum", 0, 0, s_isalnum },
	{ "isalpha", 0, 0, s_isalpha },
	{ "isdecimal", 0, 0, s_isdigit },
	{ "isdigit", 0, 0, s_isdigit },
	{ "islower", 0, 0, s_islower },
	{ "isnumeric", 0, 0, s_isdigit },
	{ "isspace", 0, 0, s_isspace },
	{ "isupper", 0, 0, s_isupper },
	{ "join", 1, 1, s_join },
	{ "ljust", 1, 2, s_pad },
	{ "lower", 0, 0, s_case },
	{ "lstrip", 0, 1, s_strip },
	{ "partition", 1, 1, s_partition },
	{ "removeprefix", 1, 1, s_remove },
	{ "removesuffix", 1, 1, s_remove },
	{ "replace", 2, 3, s_replace },
	{ "rfind", 1, 3, s_find },
	{ "rjust", 1, 2, s_pad },
	{ "rpartition", 1, 1, s_partition },
	{ "rsplit", 0, 2, s_split },
	{ "rstrip", 0, 1, s_strip },
	{ "split", 0, 2, s_split },
	{ "splitlines", 0, 1, s_splitlines },
	{ "startswith", 1, 3, s_affix },
	{ "strip", 0, 1, s_strip },
	{ "swapcase", 0, 0, s_case },
	{ "title", 0, 0, s_case },
	{ "upper", 0, 0, s_case },
	{ "zfill", 1, 1, s_pad },
};

static int str_method_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct str_method *)e)->name);
}

const char *tmpl_str_method_name(size_t i)
{
	return i < sizeof str_methods / sizeof str_methods[0] ? str_methods[i].name : NULL;
}

int tmpl_str_method_has(const char *m)
{
	return bsearch(m, str_methods, sizeof str_methods / sizeof str_methods[0],
		       sizeof str_methods[0], str_method_cmp) != NULL;
}

int tmpl_str_method(struct ctx *c, struct ztp_val *sv, const char *m,
		    struct ztp_val **args, size_t nargs, char **kwn,
		    struct ztp_val **kwv, size_t nkw, struct ztp_val **out)
{
	const struct str_method *sm;

	sm = bsearch(m, str_methods, sizeof str_methods / sizeof str_methods[0],
		     sizeof str_methods[0], str_method_cmp);
	if (sm == NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "'str' object has no attribute '%s'", m);
	if (nargs < sm->min || (sm->max != NARGS_ANY && nargs > sm->max))
		return tmpl_fail(c, ZTP_ERR_PARSE, "%s() takes %s %u argument%s (%zu given)", m,
				 sm->min == sm->max ? "exactly" : nargs < sm->min ? "at least" : "at most",
				 nargs < sm->min ? sm->min : sm->max,
				 (nargs < sm->min ? sm->min : sm->max) == 1 ? "" : "s", nargs);
	return sm->fn(c, sv, m, args, nargs, kwn, kwv, nkw, out);
}

/* ------------------------------------------------------------------ sort */

struct sitem {
	struct ztp_val *v, *key;
};

static int msort(struct ctx *c, struct sitem *a, struct sitem *tmp, size_t n, int rev)
{
	size_t mid = n / 2, i = 0, j, k = 0;
	int r;

	if (n < 2)
		return 0;
	if (msort(c, a, tmp, mid, rev) < 0 || msort(c, a + mid, tmp, n - mid, rev) < 0)
		return -1;
	j = mid;
	while (i < mid && j < n) {
		if (tmpl_cmp(c, a[j].key, a[i].key, &r) < 0)
			return -1;
		/* stable: take from the right only when strictly before */
		if (rev ? r > 0 : r < 0)
			tmp[k++] = a[j++];
		else
			tmp[k++] = a[i++];
	}
	while (i < mid)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof *a);
	return 0;
}

int tmpl_sort(struct ctx *c, struct ztp_val **v, size_t n,
	      int (*key)(struct ctx *, struct ztp_val *, void *, struct ztp_val **),
	      void *arg, int reverse)
{
	struct sitem *a = ztp_xcalloc(n + 1, sizeof *a), *tmp = ztp_xcalloc(n + 1, sizeof *tmp);
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		a[i].v = v[i];
		if (key) {
			if (key(c, v[i], arg, &a[i].key) < 0) {
				rc = -1;
				n = i;
				goto out;
			}
		} else {
			a[i].key = ztp_val_ref(v[i]);
		}
	}
	if (tmpl_step(c, (long long)n) < 0) {
		rc = -1;
		goto out;
	}
	/* Python sorts reverse=True as a stable sort of the reversed order
	 * reversed back: equal items keep their original order. */
	if ((rc = msort(c, a, tmp, n, reverse)) == 0)
		for (i = 0; i < n; i++)
			v[i] = a[i].v;
out:
	for (i = 0; i < n; i++)
		ztp_val_unref(a[i].key);
	free(a);
	free(tmp);
	return rc;
}
