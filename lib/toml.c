/* toml.c: a bounded reader for the TOML that lockfiles use (see toml.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "toml.h"
#include "xmalloc.h"

#define MAX_DEPTH 32
#define MAX_KEYS 16
#define MAX_STR ((size_t)1 << 20)

struct tp {
	const char *p, *end;
	const char *name;
	int line;
	struct ztp_err *e;
};

static int fail(struct tp *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct tp *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ztp_err_set(t->e, ZTP_ERR_PARSE, "%s:%d: %s", t->name, t->line, msg);
}

static void skip_ws(struct tp *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

/* whitespace, comments and newlines (inside arrays) */
static void skip_all(struct tp *t)
{
	for (;;) {
		skip_ws(t);
		if (t->p < t->end && *t->p == '#') {
			while (t->p < t->end && *t->p != '\n')
				t->p++;
		}
		if (t->p < t->end && *t->p == '\r' && t->p + 1 < t->end && t->p[1] == '\n')
			t->p++;
		if (t->p < t->end && *t->p == '\n') {
			t->p++;
			t->line++;
			continue;
		}
		return;
	}
}

/* the rest of a line: blanks, a comment, then the newline (or the end) */
static int end_of_line(struct tp *t)
{
	skip_ws(t);
	if (t->p < t->end && *t->p == '#')
		while (t->p < t->end && *t->p != '\n')
			t->p++;
	if (t->p < t->end && *t->p == '\r')
		t->p++;
	if (t->p >= t->end)
		return 0;
	if (*t->p != '\n')
		return fail(t, "expected the end of the line, found '%c'", *t->p);
	t->p++;
	t->line++;
	return 0;
}

static void put_utf8(struct ztp_buf *b, unsigned long c)
{
	if (c < 0x80) {
		ztp_buf_addc(b, (char)c);
	} else if (c < 0x800) {
		ztp_buf_addc(b, (char)(0xc0 | (c >> 6)));
		ztp_buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		ztp_buf_addc(b, (char)(0xe0 | (c >> 12)));
		ztp_buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		ztp_buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		ztp_buf_addc(b, (char)(0xf0 | (c >> 18)));
		ztp_buf_addc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		ztp_buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		ztp_buf_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/* A string at the cursor ("...", '...', """...""", '''...''') into b. */
static int parse_string(struct tp *t, struct ztp_buf *b)
{
	char q = *t->p;
	int multi = t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q;
	int start = t->line;

	t->p += multi ? 3 : 1;
	if (multi && t->p < t->end && *t->p == '\n') {	/* a newline right after the quotes goes */
		t->p++;
		t->line++;
	}
	for (;;) {
		char c;

		if (t->p >= t->end) {
			t->line = start;
			return fail(t, "string not closed");
		}
		if (b->len > MAX_STR)
			return ztp_err_set(t->e, ZTP_ERR_LIMIT, "%s:%d: string longer than %zu bytes",
					   t->name, start, MAX_STR);
		c = *t->p;
		if (c == q && (!multi || (t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q))) {
			t->p += multi ? 3 : 1;
			/* up to two more quotes belong to the string */
			while (multi && t->p < t->end && *t->p == q && b->len < MAX_STR) {
				ztp_buf_addc(b, q);
				t->p++;
			}
			return 0;
		}
		if (c == '\n') {
			if (!multi)
				return fail(t, "newline inside a one-line string");
			t->line++;
		}
		if ((unsigned char)c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return fail(t, "control character 0x%02x inside a string", (unsigned char)c);
		if (c != '\\' || q == '\'') {
			ztp_buf_addc(b, c);
			t->p++;
			continue;
		}
		/* an escape in a basic string */
		if (++t->p >= t->end)
			continue;
		c = *t->p++;
		switch (c) {
		case 'b': ztp_buf_addc(b, '\b'); break;
		case 't': ztp_buf_addc(b, '\t'); break;
		case 'n': ztp_buf_addc(b, '\n'); break;
		case 'f': ztp_buf_addc(b, '\f'); break;
		case 'r': ztp_buf_addc(b, '\r'); break;
		case 'e': ztp_buf_addc(b, '\033'); break;
		case '"': ztp_buf_addc(b, '"'); break;
		case '\\': ztp_buf_addc(b, '\\'); break;
		case 'u':
		case 'U': {
			int n = c == 'u' ? 4 : 8, i;
			unsigned long u = 0;

			for (i = 0; i < n; i++, t->p++) {
				char h = t->p < t->end ? *t->p : 0;

				if (h >= '0' && h <= '9')
					u = u * 16 + (unsigned long)(h - '0');
				else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
					u = u * 16 + (unsigned long)((h | 0x20) - 'a' + 10);
				else
					return fail(t, "bad \\%c escape", c);
			}
			if (u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff) || u == 0)
				return fail(t, "bad \\%c escape", c);
			put_utf8(b, u);
			break;
		}
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			if (!multi)
				return fail(t, "bad escape '\\%c'", c);
			/* a line-ending backslash: the newline and the blanks after it go */
			t->p--;
			while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\r'))
				t->p++;
			if (t->p >= t->end || *t->p != '\n')
				return fail(t, "bad escape: a backslash then blanks, not at the end of the line");
			while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\r' ||
						 *t->p == '\n')) {
				if (*t->p == '\n')
					t->line++;
				t->p++;
			}
			break;
		default:
			return fail(t, "bad escape '\\%c'", c);
		}
	}
}

static int bare_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static void free_keys(char **keys, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(keys[i]);
}

/* a dotted key: up to MAX_KEYS parts, malloc'ed (none left on failure) */
static int parse_key(struct tp *t, char **keys, int *n)
{
	*n = 0;
	for (;;) {
		struct ztp_buf b = ZTP_BUF_INIT;

		skip_ws(t);
		if (*n == MAX_KEYS) {
			fail(t, "key with more than %d parts", MAX_KEYS);
			goto bad;
		}
		if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
			if (t->end - t->p >= 3 && t->p[1] == *t->p && t->p[2] == *t->p) {
				fail(t, "a multi-line string cannot be a key");
				goto bad;
			}
			if (parse_string(t, &b) < 0) {
				ztp_buf_free(&b);
				goto bad;
			}
		} else {
			const char *s = t->p;

			while (t->p < t->end && bare_char(*t->p))
				t->p++;
			if (t->p == s) {
				fail(t, "expected a key, found '%c'", t->p < t->end ? *t->p : ' ');
				goto bad;
			}
			ztp_buf_add(&b, s, (size_t)(t->p - s));
		}
		keys[(*n)++] = b.p ? b.p : ztp_xstrdup("");
		skip_ws(t);
		if (t->p < t->end && *t->p == '.') {
			t->p++;
			continue;
		}
		return 0;
	}
bad:
	free_keys(keys, *n);
	*n = 0;
	return -1;
}

static struct ztp_val *at_line(struct ztp_val *v, int line)
{
	v->line = line;
	return v;
}

static int parse_value(struct tp *t, int depth, struct ztp_val **out);

/* key = value into map m (the dotted parts make tables) */
static int parse_keyval(struct tp *t, struct ztp_val *m, int depth)
{
	char *keys[MAX_KEYS];
	int n, i, rc = -1, line = t->line;
	struct ztp_val *v = NULL, *cur = m;

	if (parse_key(t, keys, &n) < 0)
		return -1;
	if (t->p >= t->end || *t->p != '=') {
		fail(t, "expected '=' after the key '%s'", keys[n - 1]);
		goto out;
	}
	t->p++;
	skip_ws(t);
	for (i = 0; i < n - 1; i++) {
		struct ztp_val *s = ztp_map_get(cur, keys[i]);

		if (s == NULL) {
			s = at_line(ztp_val_map(), line);
			ztp_map_set(cur, keys[i], s);
		} else if (s->type != ZTP_V_MAP) {
			fail(t, "key '%s' is not a table", keys[i]);
			goto out;
		}
		cur = s;
	}
	if (ztp_map_get(cur, keys[n - 1]) != NULL) {
		fail(t, "key '%s' defined twice", keys[n - 1]);
		goto out;
	}
	if (parse_value(t, depth, &v) < 0)
		goto out;
	ztp_map_set(cur, keys[n - 1], v);
	rc = 0;
out:
	free_keys(keys, n);
	return rc;
}

/* an integer, a float, a boolean or a date (a string here) */
static int parse_scalar(struct tp *t, struct ztp_val **out)
{
	const char *s = t->p;
	char tok[80], *end;
	size_t n, i, j;
	int line = t->line;

	while (t->p < t->end && (bare_char(*t->p) || *t->p == '.' || *t->p == ':' || *t->p == '+'))
		t->p++;
	/* a date and a time separated by one space */
	if (t->p - s == 10 && s[4] == '-' && t->end - t->p > 1 && *t->p == ' ' &&
	    t->p[1] >= '0' && t->p[1] <= '9') {
		t->p++;
		while (t->p < t->end && (bare_char(*t->p) || *t->p == '.' || *t->p == ':' || *t->p == '+'))
			t->p++;
	}
	n = (size_t)(t->p - s);
	if (n == 0)
		return fail(t, "expected a value, found '%c'", t->p < t->end ? *t->p : ' ');
	if (n >= sizeof tok)
		return fail(t, "value too long");
	if (n == 4 && memcmp(s, "true", 4) == 0) {
		*out = at_line(ztp_val_bool(1), line);
		return 0;
	}
	if (n == 5 && memcmp(s, "false", 5) == 0) {
		*out = at_line(ztp_val_bool(0), line);
		return 0;
	}
	if (n >= 8 && s[0] >= '0' && s[0] <= '9' && (s[4] == '-' || s[2] == ':')) {
		*out = at_line(ztp_val_strn(s, n), line);	/* a date or a time */
		return 0;
	}
	for (i = j = 0; i < n; i++)
		if (s[i] != '_')
			tok[j++] = s[i];
	tok[j] = '\0';
	errno = 0;
	if (strspn(tok + (tok[0] == '+' || tok[0] == '-'), "0123456789") == strlen(tok) - (tok[0] == '+' || tok[0] == '-') &&
	    j > 0) {
		long long ll = strtoll(tok, &end, 10);

		if (errno || *end)
			return fail(t, "integer out of range: '%s'", tok);
		*out = at_line(ztp_val_int(ll), line);
		return 0;
	}
	if (strspn(tok, "0123456789+-.eE") == j || strcmp(tok, "inf") == 0 || strcmp(tok, "nan") == 0 ||
	    strcmp(tok, "+inf") == 0 || strcmp(tok, "-inf") == 0) {
		double d = strtod(tok, &end);

		if (*end == '\0' && end != tok) {
			*out = at_line(ztp_val_float(d), line);
			return 0;
		}
	}
	return fail(t, "bad value '%s' (a string needs quotes)", tok);
}

static int parse_value(struct tp *t, int depth, struct ztp_val **out)
{
	int line = t->line;

	*out = NULL;
	if (depth >= MAX_DEPTH)
		return ztp_err_set(t->e, ZTP_ERR_LIMIT, "%s:%d: values nested more than %d deep",
				   t->name, t->line, MAX_DEPTH);
	if (t->p >= t->end)
		return fail(t, "expected a value at the end of the file");
	if (*t->p == '"' || *t->p == '\'') {
		struct ztp_buf b = ZTP_BUF_INIT;

		if (parse_string(t, &b) < 0) {
			ztp_buf_free(&b);
			return -1;
		}
		*out = at_line(b.p ? ztp_val_str_take(b.p, b.len) : ztp_val_str(""), line);
		return 0;
	}
	if (*t->p == '[') {
		struct ztp_val *l = at_line(ztp_val_list(), line), *v;

		t->p++;
		for (;;) {
			skip_all(t);
			if (t->p >= t->end) {
				t->line = line;
				ztp_val_unref(l);
				return fail(t, "array not closed");
			}
			if (*t->p == ']') {
				t->p++;
				*out = l;
				return 0;
			}
			if (parse_value(t, depth + 1, &v) < 0) {
				ztp_val_unref(l);
				return -1;
			}
			ztp_list_push(l, v);
			skip_all(t);
			if (t->p < t->end && *t->p == ',') {
				t->p++;
				continue;
			}
			if (t->p < t->end && *t->p == ']')
				continue;
			ztp_val_unref(l);
			if (t->p >= t->end) {
				t->line = line;
				return fail(t, "array not closed");
			}
			return fail(t, "expected ',' or ']' in an array");
		}
	}
	if (*t->p == '{') {
		struct ztp_val *m = at_line(ztp_val_map(), line);

		t->p++;
		skip_ws(t);
		if (t->p < t->end && *t->p == '}') {
			t->p++;
			*out = m;
			return 0;
		}
		for (;;) {
			if (parse_keyval(t, m, depth + 1) < 0) {
				ztp_val_unref(m);
				return -1;
			}
			skip_ws(t);
			if (t->p < t->end && *t->p == ',') {
				t->p++;
				continue;
			}
			if (t->p < t->end && *t->p == '}') {
				t->p++;
				*out = m;
				return 0;
			}
			ztp_val_unref(m);
			return fail(t, "expected ',' or '}' in an inline table (one line)");
		}
	}
	return parse_scalar(t, out);
}

/* [a.b] or [[a.b]]: the table that keys go into next */
static int header(struct tp *t, struct ztp_val *root, struct ztp_val **cur)
{
	int arr = t->end - t->p >= 2 && t->p[1] == '[', n, i, rc = -1, line = t->line;
	char *keys[MAX_KEYS];
	struct ztp_val *m = root, *v;

	t->p += arr ? 2 : 1;
	if (parse_key(t, keys, &n) < 0)
		return -1;
	if (t->p >= t->end || *t->p != ']' || (arr && (t->end - t->p < 2 || t->p[1] != ']'))) {
		fail(t, "expected '%s' after the table name", arr ? "]]" : "]");
		goto out;
	}
	t->p += arr ? 2 : 1;
	for (i = 0; i < n; i++) {
		v = ztp_map_get(m, keys[i]);
		if (i == n - 1 && arr) {
			if (v == NULL) {
				v = at_line(ztp_val_list(), line);
				ztp_map_set(m, keys[i], v);
			} else if (v->type != ZTP_V_LIST) {
				fail(t, "'%s' is not an array of tables", keys[i]);
				goto out;
			}
			ztp_list_push(v, at_line(ztp_val_map(), line));
			m = ztp_list_get(v, ztp_val_len(v) - 1);
			break;
		}
		if (v == NULL) {
			v = at_line(ztp_val_map(), line);
			ztp_map_set(m, keys[i], v);
		} else if (v->type == ZTP_V_LIST && ztp_val_len(v) > 0 &&
			   ztp_list_get(v, ztp_val_len(v) - 1)->type == ZTP_V_MAP) {
			v = ztp_list_get(v, ztp_val_len(v) - 1);
		} else if (v->type != ZTP_V_MAP) {
			fail(t, "'%s' is not a table", keys[i]);
			goto out;
		}
		m = v;
	}
	*cur = m;
	rc = end_of_line(t);
out:
	free_keys(keys, n);
	return rc;
}

int ztp_toml_parse(const char *data, size_t len, const char *name, struct ztp_val **out,
		   struct ztp_err *e)
{
	struct tp t = { data, data + len, name, 1, e };
	struct ztp_val *root, *cur;

	*out = NULL;
	if (memchr(data, '\0', len) != NULL)
		return ztp_err_set(e, ZTP_ERR_PARSE, "%s: a NUL byte: not a text file", name);
	root = cur = ztp_val_map();
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		t.p += 3;
	for (;;) {
		skip_all(&t);
		if (t.p >= t.end)
			break;
		if (*t.p == '[') {
			if (header(&t, root, &cur) < 0)
				goto bad;
			continue;
		}
		if (parse_keyval(&t, cur, 0) < 0 || end_of_line(&t) < 0)
			goto bad;
	}
	*out = root;
	return 0;
bad:
	ztp_val_unref(root);
	return e->code;
}
