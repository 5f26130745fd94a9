/* str.c: strings from untrusted places (see str.h) */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "xmalloc.h"

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int ztp_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, l;

	while (i < n) {
		if (u[i] == 0)
			return 0;
		l = utf8_seq(u + i, n - i, &cp);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

/* A code point shown as it is: not a C1 control, a line or paragraph
 * separator or a bidi override (which reorders what follows it). */
static int cp_shown(unsigned long cp)
{
	return !(cp >= 0x80 && cp < 0xa0) && cp != 0x2028 && cp != 0x2029 &&
	       !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069);
}

/* text: TAB, LF and CR (and a backslash) kept as they are (a transcript);
 * else escaped as \t \n \r and \\ (one line of a record or a log) */
static int escape(struct ztp_buf *b, const char *s, size_t n, int text)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, l;
	int rc = 0;

	while (i < n && rc == 0) {
		unsigned char c = u[i];
		const char *e = NULL;

		if (!text)
			e = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
		if (e)
			rc = ztp_buf_add(b, e, 2);
		else if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t')
			rc = ztp_buf_addc(b, c);
		else if (c >= 0x80 && (l = utf8_seq(u + i, n - i, &cp)) > 0 && cp_shown(cp)) {
			/* printable UTF-8; C1 controls, line separators and
			 * bidi overrides are escaped below */
			rc = ztp_buf_add(b, s + i, l);
			i += l;
			continue;
		} else
			rc = ztp_buf_addf(b, "\\x%02x", c);
		i++;
	}
	return rc;
}

int ztp_escape(struct ztp_buf *b, const char *s, size_t n)
{
	return escape(b, s, n, 0);
}

int ztp_escape_text(struct ztp_buf *b, const char *s, size_t n)
{
	return escape(b, s, n, 1);
}

const char *ztp_esc(const char *s)
{
	static char ring[8][520];
	static unsigned slot;
	struct ztp_buf b = ZTP_BUF_INIT;
	char *out = ring[slot++ % 8];
	size_t n;

	if (s == NULL)
		return "(null)";
	n = strlen(s);
	if (n > 512)
		n = 512;
	if (ztp_escape(&b, s, n) < 0 || b.p == NULL) {
		ztp_buf_free(&b);
		return "";
	}
	snprintf(out, 520, "%.*s%s", 512, b.p, b.len > 512 ? "..." : "");
	ztp_buf_free(&b);
	return out;
}

static int idchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

int ztp_id_valid(const char *id)
{
	size_t i;

	if (id == NULL || !isalnum((unsigned char)id[0]))
		return 0;
	for (i = 0; id[i]; i++)
		if (i >= ZTP_ID_MAX || !idchar((unsigned char)id[i]))
			return 0;
	return 1;
}

void ztp_id_from_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x-%02x-%02x-%02x-%02x-%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

int ztp_id_from_serial(const char *serial, char *out, size_t outsz)
{
	size_t i, j = 0;

	if (outsz < 2)
		return -1;
	for (i = 0; serial[i] && j + 1 < outsz && j < ZTP_ID_MAX; i++) {
		unsigned char c = (unsigned char)serial[i];

		if (j == 0 && !isalnum(c))
			continue;	/* no leading dot, dash or junk */
		out[j++] = idchar(c) ? (char)c : '_';
	}
	while (j > 0 && out[j - 1] == '_')
		j--;
	out[j] = '\0';
	return j ? 0 : -1;
}

int ztp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void ztp_utf8_put(struct ztp_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		ztp_buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		ztp_buf_addc(b, (int)(0xc0 | (cp >> 6)));
		ztp_buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		ztp_buf_addc(b, (int)(0xe0 | (cp >> 12)));
		ztp_buf_addc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		ztp_buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		ztp_buf_addc(b, (int)(0xf0 | (cp >> 18)));
		ztp_buf_addc(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
		ztp_buf_addc(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		ztp_buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

int ztp_mac_parse(const char *s, uint8_t mac[6])
{
	int digits[12], nd = 0, h;
	size_t len = strlen(s), i;
	char sep = 0;

	/* accepted shapes by length: 17 (xx:xx..), 14 (xxxx.xxxx.xxxx), 12 */
	if (len != 17 && len != 14 && len != 12)
		goto bad;
	for (i = 0; i < len; i++) {
		h = ztp_hexval((unsigned char)s[i]);
		if (h >= 0) {
			if (nd == 12)
				goto bad;
			digits[nd++] = h;
			continue;
		}
		if (len == 17 && (s[i] == ':' || s[i] == '-') && i % 3 == 2 &&
		    (sep == 0 || sep == s[i])) {
			sep = s[i];
			continue;
		}
		if (len == 14 && s[i] == '.' && i % 5 == 4)
			continue;
		goto bad;
	}
	if (nd != 12)
		goto bad;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)(digits[2 * i] << 4 | digits[2 * i + 1]);
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void ztp_mac_format(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

int ztp_parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int ztp_parse_duration(const char *s, long long *secs)
{
	char num[32];
	size_t n = strlen(s);
	long long mul = 1, v;

	if (n == 0 || n >= sizeof num) {
		errno = EINVAL;
		return -1;
	}
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mul = 1; num[--n] = '\0'; break;
	case 'm': mul = 60; num[--n] = '\0'; break;
	case 'h': mul = 3600; num[--n] = '\0'; break;
	case 'd': mul = 86400; num[--n] = '\0'; break;
	default: break;
	}
	if (ztp_parse_ll(num, 0, (long long)1 << 40, &v) < 0)
		return -1;
	*secs = v * mul;
	return 0;
}

static size_t editdist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65], prev, tmp;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *ztp_did_you_mean(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, limit = strlen(word) / 3, d;

	if (limit < 2)
		limit = 2;
	for (; cands && *cands; cands++) {
		d = editdist(word, *cands);
		if (d < bestd) {
			bestd = d;
			best = *cands;
		}
	}
	return bestd <= limit ? best : NULL;
}

void ztp_hex(char *out, const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void ztp_time_iso(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

int ztp_time_parse(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*t = timegm(&tm);
	return 0;
}

char *ztp_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int ztp_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int ztp_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- string lists */

void ztp_strlist_add(struct ztp_strlist *l, const char *s)
{
	l->v = ztp_xrealloc(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = ztp_xstrdup(s);
}

int ztp_strlist_has(const struct ztp_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void ztp_strlist_free(struct ztp_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
