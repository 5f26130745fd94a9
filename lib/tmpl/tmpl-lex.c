/* tmpl-lex.c: the template lexer.  It follows Jinja2's lexer rules (3.1):
 * newlines normalised to "\n", one trailing newline dropped unless
 * keep_trailing_newline, "{%-"/"-%}" strip all whitespace, "+" keeps it,
 * trim_blocks eats the newline after a block or comment tag, lstrip_blocks
 * eats the indentation before one that starts a line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "tmpl-int.h"

#define MAX_TOKENS 4000000

struct lx {
	const char *s;
	size_t n, pos;
	int line;
	const char *name;
	const struct ztp_tmpl_opts *o;
	struct toks *out;
	struct ztp_err *e;
	int line_starting;
	struct ztp_buf b;	/* string literal scratch */
};

static int isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int lines_in(const char *s, size_t n)
{
	int k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

static int emit(struct lx *l, int type, int line, const char *s, size_t len,
		struct tok **tp)
{
	struct tok *t;

	if (l->out->n >= MAX_TOKENS)
		return ztp_err_set(l->e, ZTP_ERR_LIMIT, "%s:%d: template has too many tokens",
				   l->name, line);
	if (l->out->n == l->out->cap) {
		l->out->cap = l->out->cap ? l->out->cap * 2 : 64;
		l->out->v = ztp_xrealloc(l->out->v, l->out->cap, sizeof *l->out->v);
	}
	t = &l->out->v[l->out->n++];
	memset(t, 0, sizeof *t);
	t->type = type;
	t->line = line;
	if (s) {
		t->s = ztp_xstrndup(s, len);
		t->len = len;
	}
	if (tp)
		*tp = t;
	return 0;
}

static int fail(struct lx *l, const char *msg)
{
	return ztp_err_set(l->e, ZTP_ERR_PARSE, "%s:%d: %s", l->name, l->line, msg);
}

/* decode a string literal body like Python's unicode-escape */
static int unescape(struct lx *l, const char *s, size_t n, struct ztp_buf *b)
{
	size_t i = 0;

	while (i < n) {
		char c = s[i];
		unsigned long cp;
		int k, nd, h;

		if (c != '\\' || i + 1 >= n) {
			ztp_buf_addc(b, c);
			i++;
			continue;
		}
		c = s[i + 1];
		i += 2;
		switch (c) {
		case '\n': break;
		case '\\': ztp_buf_addc(b, '\\'); break;
		case '\'': ztp_buf_addc(b, '\''); break;
		case '"': ztp_buf_addc(b, '"'); break;
		case 'a': ztp_buf_addc(b, 7); break;
		case 'b': ztp_buf_addc(b, 8); break;
		case 'f': ztp_buf_addc(b, 12); break;
		case 'n': ztp_buf_addc(b, '\n'); break;
		case 'r': ztp_buf_addc(b, '\r'); break;
		case 't': ztp_buf_addc(b, '\t'); break;
		case 'v': ztp_buf_addc(b, 11); break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7':
			cp = (unsigned long)(c - '0');
			for (k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; k++, i++)
				cp = cp * 8 + (unsigned long)(s[i] - '0');
			ztp_utf8_put(b, cp);
			break;
		case 'x': case 'u': case 'U':
			nd = c == 'x' ? 2 : c == 'u' ? 4 : 8;
			cp = 0;
			for (k = 0; k < nd; k++) {
				if (i + (size_t)k >= n || (h = ztp_hexval((unsigned char)s[i + k])) < 0)
					return fail(l, c == 'x' ? "truncated \\xXX escape" :
						    "truncated \\uXXXX escape");
				cp = cp * 16 + (unsigned long)h;
			}
			i += (size_t)nd;
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0)
				return fail(l, "illegal Unicode character");
			ztp_utf8_put(b, cp);
			break;
		default:
			ztp_buf_addc(b, '\\');
			ztp_buf_addc(b, c);
			break;
		}
	}
	return 0;
}

static int is_name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int is_name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* digits with single '_' separators: returns the length matched */
static size_t digits_us(const char *s, size_t n, int (*ok)(int))
{
	size_t i = 0;

	if (i >= n || !ok((unsigned char)s[i]))
		return 0;
	i++;
	for (;;) {
		if (i < n && ok((unsigned char)s[i]))
			i++;
		else if (i + 1 < n && s[i] == '_' && ok((unsigned char)s[i + 1]))
			i += 2;
		else
			break;
	}
	return i;
}

static int isdig(int c) { return c >= '0' && c <= '9'; }
static int isoct(int c) { return c >= '0' && c <= '7'; }
static int isbin(int c) { return c == '0' || c == '1'; }
static int ishex(int c) { return ztp_hexval(c) >= 0; }

static int copy_nous(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (k + 1 >= outsz)
			return -1;
		out[k++] = s[i];
	}
	out[k] = '\0';
	return 0;
}

/* a number at s: float first (like Jinja2's rule order), then integer */
static int lex_number(struct lx *l, const char *s, size_t n)
{
	size_t i, m, q;
	char buf[128];
	struct tok *t;
	char *end;

	/* float: digits ( (.digits)? e[+-]digits | .digits ) */
	i = digits_us(s, n, isdig);
	if (i > 0 && (l->pos == 0 || l->s[l->pos - 1] != '.')) {
		m = i;
		q = 0;
		if (m < n && s[m] == '.' && (q = digits_us(s + m + 1, n - m - 1, isdig)) > 0)
			m += 1 + q;
		if (m < n && (s[m] == 'e' || s[m] == 'E')) {
			size_t k = m + 1, d;

			if (k < n && (s[k] == '+' || s[k] == '-'))
				k++;
			if ((d = digits_us(s + k, n - k, isdig)) > 0) {
				m = k + d;
				q = 1;
			}
		}
		if (q > 0) {
			if (copy_nous(s, m, buf, sizeof buf) < 0)
				return fail(l, "number literal too long");
			if (emit(l, T_FLOAT, l->line, s, m, &t) < 0)
				return -1;
			t->f = strtod(buf, &end);
			l->pos += m;
			return 0;
		}
	}
	/* integer */
	if (n >= 2 && s[0] == '0' && strchr("bBoOxX", s[1])) {
		int base = (s[1] == 'b' || s[1] == 'B') ? 2 : (s[1] == 'o' || s[1] == 'O') ? 8 : 16;
		size_t k = 2;
		int (*ok)(int) = base == 2 ? isbin : base == 8 ? isoct : ishex;

		/* 0b(_?[01])+ */
		m = 0;
		for (;;) {
			if (k < n && ok((unsigned char)s[k]))
				k++, m++;
			else if (k + 1 < n && s[k] == '_' && ok((unsigned char)s[k + 1]))
				k += 2, m++;
			else
				break;
		}
		if (m > 0) {
			unsigned long long v;

			if (copy_nous(s + 2, k - 2, buf, sizeof buf) < 0)
				return fail(l, "number literal too long");
			v = strtoull(buf, &end, base);
			if (v > (unsigned long long)9223372036854775807LL)
				return fail(l, "integer literal out of range");
			if (emit(l, T_INT, l->line, s, k, &t) < 0)
				return -1;
			t->i = (long long)v;
			l->pos += k;
			return 0;
		}
	}
	if (s[0] == '0') {
		m = 1;
		for (;;) {
			if (m < n && s[m] == '0')
				m++;
			else if (m + 1 < n && s[m] == '_' && s[m + 1] == '0')
				m += 2;
			else
				break;
		}
		if (emit(l, T_INT, l->line, s, m, &t) < 0)
			return -1;
		t->i = 0;
		l->pos += m;
		return 0;
	}
	if (copy_nous(s, i, buf, sizeof buf) < 0)
		return fail(l, "number literal too long");
	{
		long long v;

		v = 0;
		for (m = 0; buf[m]; m++) {
			if (v > (9223372036854775807LL - (buf[m] - '0')) / 10)
				return fail(l, "integer literal out of range");
			v = v * 10 + (buf[m] - '0');
		}
		if (emit(l, T_INT, l->line, s, i, &t) < 0)
			return -1;
		t->i = v;
	}
	l->pos += i;
	return 0;
}

static const char *const ops2[] = { "//", "**", "==", "!=", ">=", "<=", NULL };
static const char ops1[] = "+-/*%~[](){}><=.:|,;";

/* inside {{ }} or {% %}: until the end tag */
static int lex_tag(struct lx *l, int var)
{
	char stack[256];
	int depth = 0;
	int start_line = l->line;
	struct ztp_buf *bp = &l->b;

	for (;;) {
		const char *s = l->s + l->pos;
		size_t n = l->n - l->pos, k;
		int i;

		if (n == 0) {
			l->line = start_line;
			return fail(l, var ? "unexpected end of template, expected 'end of print statement'"
				    : "unexpected end of template, expected 'end of statement block'");
		}
		if (depth == 0) {
			if (var) {
				if (n >= 3 && s[0] == '-' && s[1] == '}' && s[2] == '}') {
					k = 3;
					while (k < n && isws((unsigned char)s[k]))
						k++;
					goto end;
				}
				if (n >= 2 && s[0] == '}' && s[1] == '}') {
					k = 2;
					goto end;
				}
			} else {
				if (n >= 3 && s[0] == '+' && s[1] == '%' && s[2] == '}') {
					k = 3;
					goto end;
				}
				if (n >= 3 && s[0] == '-' && s[1] == '%' && s[2] == '}') {
					k = 3;
					while (k < n && isws((unsigned char)s[k]))
						k++;
					goto end;
				}
				if (n >= 2 && s[0] == '%' && s[1] == '}') {
					k = 2;
					if (l->o->trim_blocks && k < n && s[k] == '\n')
						k++;
					goto end;
				}
			}
		}
		if (isws((unsigned char)s[0])) {
			for (k = 0; k < n && isws((unsigned char)s[k]); k++)
				l->line += s[k] == '\n';
			l->pos += k;
			continue;
		}
		if (isdig((unsigned char)s[0])) {
			if (lex_number(l, s, n) < 0)
				return -1;
			continue;
		}
		if (is_name_start((unsigned char)s[0])) {
			for (k = 1; k < n && is_name_char((unsigned char)s[k]); k++)
				;
			if (emit(l, T_NAME, l->line, s, k, NULL) < 0)
				return -1;
			l->pos += k;
			continue;
		}
		if (s[0] == '\'' || s[0] == '"') {
			char q = s[0];
			struct tok *t;

			for (k = 1; k < n && s[k] != q; k++)
				if (s[k] == '\\')
					k++;
			if (k >= n)
				return fail(l, "unexpected char '\\'' (unterminated string)");
			ztp_buf_reset(bp);
			if (unescape(l, s + 1, k - 1, bp) < 0 ||
			    emit(l, T_STRING, l->line, bp->p ? bp->p : "", bp->len, &t) < 0)
				return -1;
			l->line += lines_in(s, k + 1);
			l->pos += k + 1;
			continue;
		}
		for (i = 0; ops2[i]; i++)
			if (n >= 2 && s[0] == ops2[i][0] && s[1] == ops2[i][1])
				break;
		if (ops2[i]) {
			k = 2;
		} else if (strchr(ops1, s[0]) && s[0]) {
			k = 1;
			if (s[0] == '(' || s[0] == '[' || s[0] == '{') {
				if (depth >= (int)sizeof stack) {
					return fail(l, "brackets nested too deeply");
				}
				stack[depth++] = s[0] == '(' ? ')' : s[0] == '[' ? ']' : '}';
			} else if (s[0] == ')' || s[0] == ']' || s[0] == '}') {
				char m[64];

				if (depth == 0) {
					snprintf(m, sizeof m, "unexpected '%c'", s[0]);
					return fail(l, m);
				}
				if (stack[depth - 1] != s[0]) {
					snprintf(m, sizeof m, "unexpected '%c', expected '%c'",
						 s[0], stack[depth - 1]);
					return fail(l, m);
				}
				depth--;
			}
		} else {
			char m[64];

			if ((unsigned char)s[0] >= 0x20 && (unsigned char)s[0] < 0x7f)
				snprintf(m, sizeof m, "unexpected char '%c' at %zu", s[0], l->pos);
			else
				snprintf(m, sizeof m, "unexpected char '\\x%02x' at %zu",
					 (unsigned char)s[0], l->pos);
			return fail(l, m);
		}
		if (emit(l, T_OP, l->line, s, k, NULL) < 0) {
			return -1;
		}
		l->pos += k;
		continue;
end:
		if (emit(l, var ? T_VAR_END : T_BLOCK_END, l->line, NULL, 0, NULL) < 0)
			return -1;
		l->line += lines_in(s, k);
		l->pos += k;
		l->line_starting = s[k - 1] == '\n';
		return 0;
	}
}

static int lex_root(struct lx *l)
{
	while (l->pos < l->n) {
		const char *s = l->s + l->pos;
		size_t n = l->n - l->pos, i, tlen, k;
		char kind = 0, sign = 0;

		for (i = 0; i + 1 < n; i++)
			if (s[i] == '{' && (s[i + 1] == '{' || s[i + 1] == '%' || s[i + 1] == '#')) {
				kind = s[i + 1];
				break;
			}
		if (!kind) {
			if (emit(l, T_DATA, l->line, s, n, NULL) < 0)
				return -1;
			l->line += lines_in(s, n);
			l->pos = l->n;
			return 0;
		}
		tlen = i;
		if (i + 2 < n && (s[i + 2] == '-' || s[i + 2] == '+'))
			sign = s[i + 2];
		/* {% raw %} is not supported: say so */
		if (kind == '%') {
			k = i + 2 + (sign ? 1 : 0);
			while (k < n && isws((unsigned char)s[k]))
				k++;
			if (n - k >= 3 && memcmp(s + k, "raw", 3) == 0 &&
			    (k + 3 >= n || !is_name_char((unsigned char)s[k + 3]))) {
				l->line += lines_in(s, i);
				return fail(l, "the 'raw' tag is not supported (see ztp-templates(7))");
			}
		}
		if (sign == '-') {
			while (tlen > 0 && isws((unsigned char)s[tlen - 1]))
				tlen--;
		} else if (sign != '+' && l->o->lstrip_blocks && kind != '{') {
			size_t lp = tlen;

			while (lp > 0 && s[lp - 1] != '\n')
				lp--;
			if (lp > 0 || l->line_starting) {
				size_t j;

				for (j = lp; j < tlen && isws((unsigned char)s[j]); j++)
					;
				if (j == tlen && tlen > lp)
					tlen = lp;
			}
		}
		if (tlen > 0 && emit(l, T_DATA, l->line, s, tlen, NULL) < 0)
			return -1;
		l->line += lines_in(s, i);
		l->pos += i + 2 + (sign ? 1 : 0);
		l->line_starting = 0;
		if (kind == '#') {
			const char *c = l->s + l->pos;
			size_t cn = l->n - l->pos, j;

			for (j = 0; j + 1 < cn; j++) {
				if (c[j] == '+' && j + 2 < cn && c[j + 1] == '#' && c[j + 2] == '}') {
					k = j + 3;
					break;
				}
				if (c[j] == '-' && j + 2 < cn && c[j + 1] == '#' && c[j + 2] == '}') {
					k = j + 3;
					while (k < cn && isws((unsigned char)c[k]))
						k++;
					break;
				}
				if (c[j] == '#' && c[j + 1] == '}') {
					k = j + 2;
					if (l->o->trim_blocks && k < cn && c[k] == '\n')
						k++;
					break;
				}
			}
			if (j + 1 >= cn)
				return fail(l, "Missing end of comment tag");
			l->line += lines_in(c, k);
			l->pos += k;
			l->line_starting = c[k - 1] == '\n';
			continue;
		}
		if (emit(l, kind == '{' ? T_VAR_BEGIN : T_BLOCK_BEGIN, l->line, NULL, 0, NULL) < 0)
			return -1;
		if (lex_tag(l, kind == '{') < 0)
			return -1;
	}
	return 0;
}

int tmpl_lex(const char *src, size_t len, const struct ztp_tmpl_opts *o,
	     const char *name, struct toks *out, struct ztp_err *e)
{
	struct lx l;
	char *norm = ztp_xmalloc(len + 1);
	size_t i, k = 0;
	int rc;

	for (i = 0; i < len; i++) {
		if (src[i] == '\r') {
			norm[k++] = '\n';
			if (i + 1 < len && src[i + 1] == '\n')
				i++;
		} else {
			norm[k++] = src[i];
		}
	}
	if (!o->keep_trailing_newline && k > 0 && norm[k - 1] == '\n')
		k--;
	norm[k] = '\0';
	memset(&l, 0, sizeof l);
	l.s = norm;
	l.n = k;
	l.line = 1;
	l.name = name;
	l.o = o;
	l.out = out;
	l.e = e;
	l.line_starting = 1;
	rc = lex_root(&l);
	ztp_buf_free(&l.b);
	if (rc == 0)
		rc = emit(&l, T_EOF, l.line, NULL, 0, NULL);
	free(norm);
	if (rc < 0) {
		tmpl_toks_free(out);
		return rc;
	}
	return 0;
}

void tmpl_toks_free(struct toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}
