/* sshwire.c: server banner and KEXINIT over one connection (see sshwire.h) */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "buf.h"
#include "os.h"
#include "str.h"
#include "sshwire.h"
#include "val.h"

#define SSH_MSG_DISCONNECT 1
#define SSH_MSG_IGNORE 2
#define SSH_MSG_DEBUG 4
#define SSH_MSG_KEXINIT 20

static const char *const list_keys[ZTP_KL_N] = {
	"kex", "hostkey", "enc_c2s", "enc_s2c", "mac_c2s", "mac_s2c",
	"comp_c2s", "comp_s2c", "lang_c2s", "lang_s2c",
};
static const char *const list_desc[ZTP_KL_N] = {
	"kex algorithms", "host key algorithms", "ciphers client to server",
	"ciphers server to client", "MACs client to server",
	"MACs server to client", "compression client to server",
	"compression server to client", "languages client to server",
	"languages server to client",
};

const char *ztp_sshwire_list_key(int list)
{
	return list >= 0 && list < ZTP_KL_N ? list_keys[list] : "?";
}

const char *ztp_sshwire_kind_name(int kind)
{
	switch (kind) {
	case ZTP_SSHWIRE_OK: return "ok";
	case ZTP_SSHWIRE_REFUSED: return "refused";
	case ZTP_SSHWIRE_TIMEOUT: return "timeout";
	case ZTP_SSHWIRE_UNREACHABLE: return "unreachable";
	case ZTP_SSHWIRE_CLOSED: return "closed";
	case ZTP_SSHWIRE_NOT_SSH: return "not-ssh";
	case ZTP_SSHWIRE_PROTO: return "protocol-error";
	}
	return "?";
}

/* ---- pure parsers ---------------------------------------------------- */

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int ztp_sshwire_parse_banner(const char *line, size_t len,
			     struct ztp_sshwire_banner *b, struct ztp_err *e)
{
	size_t i, dash, sp;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == 0 || c == 0xff || (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return ztp_err_set(e, ZTP_ERR_PARSE,
					   "expected an SSH identification line, got binary data (byte 0x%02x at offset %zu)",
					   c, i);
	}
	if (len < 4 || memcmp(line, "SSH-", 4) != 0)
		return 0;
	if (len > ZTP_SSHWIRE_MAX_LINE - 2)
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "identification line longer than %d bytes",
				   ZTP_SSHWIRE_MAX_LINE);
	memset(b, 0, sizeof *b);
	memcpy(b->line, line, len);
	b->line[len] = '\0';
	for (dash = 4; dash < len && line[dash] != '-'; dash++)
		;
	if (dash == len || dash == 4 || dash - 4 >= sizeof b->proto)
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "malformed identification line '%s'", ztp_esc(b->line));
	memcpy(b->proto, line + 4, dash - 4);
	b->proto[dash - 4] = '\0';
	if (strcmp(b->proto, "2.0") != 0 && strcmp(b->proto, "1.99") != 0)
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "server speaks SSH protocol %s only ('%s'), not 2.0",
				   ztp_esc(b->proto), ztp_esc(b->line));
	for (sp = dash + 1; sp < len && line[sp] != ' '; sp++)
		;
	if (sp == dash + 1)
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "identification line without software version '%s'",
				   ztp_esc(b->line));
	memcpy(b->software, line + dash + 1, sp - dash - 1);
	b->software[sp - dash - 1] = '\0';
	if (sp < len) {
		memcpy(b->comments, line + sp + 1, len - sp - 1);
		b->comments[len - sp - 1] = '\0';
	}
	return 1;
}

int ztp_sshwire_parse_packet(const uint8_t *p, size_t n, size_t max,
			     size_t *used, size_t *need,
			     const uint8_t **payload, size_t *plen,
			     struct ztp_err *e)
{
	uint32_t len;
	unsigned pad;

	*need = 5;
	if (n < 5)
		return 0;
	len = get_u32(p);
	if (len > max)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "packet length %lu exceeds the limit of %zu bytes",
				   (unsigned long)len, max);
	if (len < 2)
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "packet length %lu is too short", (unsigned long)len);
	pad = p[4];
	if ((size_t)pad + 1 >= len)
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "padding length %u does not fit in a packet of %lu bytes",
				   pad, (unsigned long)len);
	*need = (size_t)len + 4;
	if (n < *need)
		return 0;
	*payload = p + 5;
	*plen = len - 1 - pad;
	*used = *need;
	return 1;
}

static int name_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ',';
}

/* Validate one name-list of n bytes and copy it, dropping empty names. */
static int copy_list(const uint8_t *p, size_t n, int which, char **out, int *quirks,
		     struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t i = 0, start, names = 0;

	ztp_buf_init(&b, n + 1);
	if (ztp_buf_adds(&b, "") < 0)
		goto nomem;
	while (i <= n) {
		start = i;
		while (i < n && p[i] != ',') {
			if (!name_char(p[i])) {
				ztp_buf_free(&b);
				return ztp_err_set(e, ZTP_ERR_PROTO,
						   "KEXINIT %s: byte 0x%02x at offset %zu is not allowed in an algorithm name",
						   list_desc[which], p[i], i);
			}
			i++;
		}
		if (i == start) {
			if (n > 0)
				*quirks |= ZTP_SSHWIRE_Q_EMPTY_NAME;
		} else {
			if (i - start > ZTP_SSHWIRE_MAX_NAME) {
				ztp_buf_free(&b);
				return ztp_err_set(e, ZTP_ERR_PROTO,
						   "KEXINIT %s: name of %zu bytes exceeds %d",
						   list_desc[which], i - start, ZTP_SSHWIRE_MAX_NAME);
			}
			if (++names > ZTP_SSHWIRE_MAX_NAMES) {
				ztp_buf_free(&b);
				return ztp_err_set(e, ZTP_ERR_PROTO,
						   "KEXINIT %s: more than %d names",
						   list_desc[which], ZTP_SSHWIRE_MAX_NAMES);
			}
			if ((b.len > 0 && ztp_buf_addc(&b, ',') < 0) ||
			    ztp_buf_add(&b, p + start, i - start) < 0)
				goto nomem;
		}
		i++;	/* past the comma (or past the end) */
	}
	*out = ztp_buf_detach(&b, NULL);
	return 0;
nomem:
	ztp_buf_free(&b);
	return ztp_err_set(e, ZTP_ERR_LIMIT, "KEXINIT %s: out of memory", list_desc[which]);
}

void ztp_sshwire_kexinit_free(struct ztp_sshwire_kexinit *k)
{
	int i;

	if (k == NULL)
		return;
	for (i = 0; i < ZTP_KL_N; i++) {
		free(k->list[i]);
		k->list[i] = NULL;
	}
}

int ztp_sshwire_parse_kexinit(const uint8_t *p, size_t n,
			      struct ztp_sshwire_kexinit *k, struct ztp_err *e)
{
	size_t off = 0;
	uint32_t len;
	int i, rc;

	memset(k, 0, sizeof *k);
	if (n < 1 || p[0] != SSH_MSG_KEXINIT)
		return ztp_err_set(e, ZTP_ERR_PROTO, "expected SSH_MSG_KEXINIT (20), got message %d",
				   n < 1 ? -1 : p[0]);
	off = 1;
	if (n - off < 16)
		goto too_short;
	memcpy(k->cookie, p + off, 16);
	off += 16;
	for (i = 0; i < ZTP_KL_N; i++) {
		if (n - off < 4)
			goto too_short;
		len = get_u32(p + off);
		off += 4;
		if (len > n - off) {
			ztp_sshwire_kexinit_free(k);
			return ztp_err_set(e, ZTP_ERR_PROTO,
					   "KEXINIT %s: name-list of %lu bytes is longer than the %zu bytes left in the packet",
					   list_desc[i], (unsigned long)len, n - off);
		}
		rc = copy_list(p + off, len, i, &k->list[i], &k->quirks, e);
		if (rc < 0) {
			ztp_sshwire_kexinit_free(k);
			return rc;
		}
		off += len;
	}
	if (n - off < 5)
		goto too_short;
	k->first_kex_packet_follows = p[off] != 0;
	k->reserved = get_u32(p + off + 1);
	off += 5;
	if (off != n)
		k->quirks |= ZTP_SSHWIRE_Q_TRAILING;
	return 0;
too_short:
	ztp_sshwire_kexinit_free(k);
	return ztp_err_set(e, ZTP_ERR_PROTO, "KEXINIT truncated at byte %zu of %zu", off, n);
}

/* ---- the incremental reader ------------------------------------------ */

enum { R_BANNER, R_PACKET, R_DONE, R_ERROR };

struct ztp_sshwire_reader {
	int state;
	int kind;
	int prelines, max_prelines;
	int skipped;
	size_t max_packet;
	uint8_t *buf;
	size_t len, cap;
	size_t total;		/* bytes received */
	size_t need;		/* bytes of the current packet, when known */
	struct ztp_sshwire_banner banner;
	struct ztp_sshwire_kexinit kex;
	struct ztp_buf pre;	/* escaped pre-banner lines (a few) */
};

struct ztp_sshwire_reader *ztp_sshwire_reader_new(const struct ztp_sshwire_opts *o)
{
	struct ztp_sshwire_reader *r = ztp_xcalloc(1, sizeof *r);

	r->max_prelines = o && o->max_prelines > 0 ? o->max_prelines : ZTP_SSHWIRE_PRELINES;
	r->max_packet = o && o->max_packet > 0 ? o->max_packet : ZTP_SSHWIRE_MAX_PACKET;
	/* enough for any line; grown to the packet's size once it is known,
	 * so a thousand idle connections do not hold 35 KB each */
	r->cap = 1024;
	r->buf = ztp_xmalloc(r->cap);
	ztp_buf_init(&r->pre, 4096);
	return r;
}

void ztp_sshwire_reader_free(struct ztp_sshwire_reader *r)
{
	if (r == NULL)
		return;
	ztp_sshwire_kexinit_free(&r->kex);
	ztp_buf_free(&r->pre);
	free(r->buf);
	free(r);
}

static int fail(struct ztp_sshwire_reader *r, int kind, int code)
{
	r->state = R_ERROR;
	r->kind = kind;
	return code;
}

static void consume(struct ztp_sshwire_reader *r, size_t n)
{
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

static void keep_preline(struct ztp_sshwire_reader *r, const char *s, size_t n)
{
	if (r->pre.len > 100)
		return;
	if (n > 120)
		n = 120;
	if (r->pre.len > 0)
		ztp_buf_adds(&r->pre, "\\n");
	ztp_escape(&r->pre, s, n);
}

/* the description string of SSH_MSG_DISCONNECT, escaped */
static int disconnect_msg(const uint8_t *p, size_t n, struct ztp_err *e)
{
	uint32_t reason, len;
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc;

	if (n < 9)
		return ztp_err_set(e, ZTP_ERR_PROTO, "server sent a truncated SSH_MSG_DISCONNECT");
	reason = get_u32(p + 1);
	len = get_u32(p + 5);
	if (len > n - 9)
		len = (uint32_t)(n - 9);
	if (len > 200)
		len = 200;
	ztp_escape(&b, (const char *)p + 9, len);
	rc = ztp_err_set(e, ZTP_ERR_PROTO, "server disconnected before key exchange (reason %lu): %s",
			 (unsigned long)reason, b.p ? b.p : "");
	ztp_buf_free(&b);
	return rc;
}

static int step_banner(struct ztp_sshwire_reader *r, struct ztp_err *e)
{
	uint8_t *nl = memchr(r->buf, '\n', r->len);
	size_t linelen, used;
	int rc;

	if (nl == NULL) {
		/* binary bytes mean "not SSH" at once, without waiting */
		if (ztp_sshwire_parse_banner((char *)r->buf, r->len, &r->banner, e) == ZTP_ERR_PARSE)
			return fail(r, ZTP_SSHWIRE_NOT_SSH, ZTP_ERR_PARSE);
		if (r->len >= ZTP_SSHWIRE_MAX_LINE) {
			if (r->len >= 4 && memcmp(r->buf, "SSH-", 4) == 0)
				return fail(r, ZTP_SSHWIRE_PROTO,
					    ztp_err_set(e, ZTP_ERR_LIMIT,
							"identification line longer than %d bytes (RFC 4253 4.2)",
							ZTP_SSHWIRE_MAX_LINE));
			return fail(r, ZTP_SSHWIRE_NOT_SSH,
				    ztp_err_set(e, ZTP_ERR_LIMIT,
						"no line end within %d bytes: not an SSH identification line",
						ZTP_SSHWIRE_MAX_LINE));
		}
		return 0;
	}
	used = (size_t)(nl - r->buf) + 1;
	linelen = used - 1;
	if (linelen > 0 && r->buf[linelen - 1] == '\r')
		linelen--;
	rc = ztp_sshwire_parse_banner((char *)r->buf, linelen, &r->banner, e);
	if (rc == ZTP_ERR_PARSE)
		return fail(r, ZTP_SSHWIRE_NOT_SSH, rc);
	if (rc < 0)
		return fail(r, ZTP_SSHWIRE_PROTO, rc);
	if (rc == 0) {
		keep_preline(r, (char *)r->buf, linelen);
		if (++r->prelines > r->max_prelines)
			return fail(r, ZTP_SSHWIRE_NOT_SSH,
				    ztp_err_set(e, ZTP_ERR_LIMIT,
						"more than %d lines without an SSH identification line (it said: '%s')",
						r->max_prelines, r->pre.p ? r->pre.p : ""));
		consume(r, used);
		return 1;
	}
	consume(r, used);
	r->state = R_PACKET;
	return 1;
}

static int step_packet(struct ztp_sshwire_reader *r, struct ztp_err *e)
{
	const uint8_t *pl = NULL;
	size_t plen = 0, used = 0;
	int rc;

	rc = ztp_sshwire_parse_packet(r->buf, r->len, r->max_packet, &used, &r->need,
				      &pl, &plen, e);
	if (rc < 0)
		return fail(r, ZTP_SSHWIRE_PROTO, rc);
	if (rc == 0)
		return 0;
	switch (pl[0]) {
	case SSH_MSG_KEXINIT:
		rc = ztp_sshwire_parse_kexinit(pl, plen, &r->kex, e);
		if (rc < 0)
			return fail(r, ZTP_SSHWIRE_PROTO, rc);
		consume(r, used);
		r->state = R_DONE;
		return 1;
	case SSH_MSG_IGNORE:
	case SSH_MSG_DEBUG:
		if (++r->skipped > ZTP_SSHWIRE_MAX_SKIP)
			return fail(r, ZTP_SSHWIRE_PROTO,
				    ztp_err_set(e, ZTP_ERR_LIMIT,
						"more than %d IGNORE/DEBUG packets before KEXINIT",
						ZTP_SSHWIRE_MAX_SKIP));
		consume(r, used);
		r->need = 0;
		return 1;
	case SSH_MSG_DISCONNECT:
		return fail(r, ZTP_SSHWIRE_PROTO, disconnect_msg(pl, plen, e));
	default:
		return fail(r, ZTP_SSHWIRE_PROTO,
			    ztp_err_set(e, ZTP_ERR_PROTO,
					"expected SSH_MSG_KEXINIT (20), got message %d", pl[0]));
	}
}

int ztp_sshwire_reader_feed(struct ztp_sshwire_reader *r, const void *p,
			    size_t n, struct ztp_err *e)
{
	const uint8_t *in = p;
	size_t take;
	int rc;

	if (r->state == R_DONE)
		return 1;
	if (r->state == R_ERROR)
		return ztp_err_set(e, ZTP_ERR_PROTO, "reader already failed");
	while (n > 0 || r->len > 0) {
		take = r->cap - r->len;
		if (take > n)
			take = n;
		memcpy(r->buf + r->len, in, take);
		r->len += take;
		r->total += take;
		in += take;
		n -= take;
		do {
			rc = r->state == R_BANNER ? step_banner(r, e) : step_packet(r, e);
			if (rc < 0)
				return rc;
			if (r->state == R_DONE)
				return 1;
		} while (rc == 1 && r->len > 0);
		if (r->state == R_PACKET && r->need > r->cap) {
			/* need is at most max_packet + 4: parse_packet checked */
			r->buf = ztp_xrealloc(r->buf, r->need, 1);
			r->cap = r->need;
		}
		if (n == 0)
			break;
		if (r->len == r->cap)	/* cannot happen: limits are checked first */
			return fail(r, ZTP_SSHWIRE_PROTO,
				    ztp_err_set(e, ZTP_ERR_LIMIT, "input buffer full"));
	}
	return 0;
}

int ztp_sshwire_reader_end(struct ztp_sshwire_reader *r, int timeout, double secs,
			   struct ztp_err *e)
{
	const char *what = timeout ? "timed out" : "connection closed";
	char when[64];

	when[0] = '\0';
	if (timeout && snprintf(when, sizeof when, " after %.1f s", secs) >= (int)sizeof when)
		when[0] = '\0';
	if (r->state == R_DONE || r->state == R_ERROR)
		return ztp_err_set(e, ZTP_ERR_PROTO, "reader already finished");
	if (r->state == R_BANNER) {
		size_t m = r->len < 4 ? r->len : 4;

		if (r->len > 0 && memcmp(r->buf, "SSH-", m) == 0) {
			/* the identification line started but never ended: slow */
			struct ztp_buf b = ZTP_BUF_INIT;
			int rc;

			r->state = R_ERROR;
			r->kind = timeout ? ZTP_SSHWIRE_TIMEOUT : ZTP_SSHWIRE_PROTO;
			ztp_escape(&b, (char *)r->buf, r->len > 80 ? 80 : r->len);
			rc = ztp_err_set(e, timeout ? ZTP_ERR_TIMEOUT : ZTP_ERR_PROTO,
					 "%s%s in the middle of the identification line (got '%s', %zu bytes)",
					 what, when, b.p ? b.p : "", r->len);
			ztp_buf_free(&b);
			return rc;
		}
		if (r->prelines > 0 || r->len > 0) {
			r->state = R_ERROR;
			r->kind = ZTP_SSHWIRE_NOT_SSH;
			if (r->prelines == 0) {
				struct ztp_buf b = ZTP_BUF_INIT;
				int rc;

				ztp_escape(&b, (char *)r->buf, r->len > 80 ? 80 : r->len);
				rc = ztp_err_set(e, ZTP_ERR_PARSE,
						 "%s%s: got '%s' but no SSH identification line: not an SSH server",
						 what, when, b.p ? b.p : "");
				ztp_buf_free(&b);
				return rc;
			}
			return ztp_err_set(e, ZTP_ERR_PARSE,
					   "%s%s: got %d line%s but no SSH identification line: not an SSH server (it said '%s')",
					   what, when, r->prelines, r->prelines == 1 ? "" : "s",
					   r->pre.p ? r->pre.p : "");
		}
		r->state = R_ERROR;
		r->kind = timeout ? ZTP_SSHWIRE_TIMEOUT : ZTP_SSHWIRE_CLOSED;
		if (timeout)
			return ztp_err_set(e, ZTP_ERR_TIMEOUT,
					   "timed out%s waiting for the SSH identification line (the port is open but silent)",
					   when);
		return ztp_err_set(e, ZTP_ERR_PROTO,
				   "connection closed before the SSH identification line (server busy, MaxStartups, or an access list?)");
	}
	r->state = R_ERROR;
	r->kind = timeout ? ZTP_SSHWIRE_TIMEOUT : ZTP_SSHWIRE_PROTO;
	if (r->need > 5)
		return ztp_err_set(e, timeout ? ZTP_ERR_TIMEOUT : ZTP_ERR_PROTO,
				   "%s%s after %zu of %zu bytes of the KEXINIT packet (banner '%s')",
				   what, when, r->len, r->need, ztp_esc(r->banner.line));
	return ztp_err_set(e, timeout ? ZTP_ERR_TIMEOUT : ZTP_ERR_PROTO,
			   "%s%s waiting for KEXINIT after the banner '%s'",
			   what, when, ztp_esc(r->banner.line));
}

int ztp_sshwire_reader_kind(const struct ztp_sshwire_reader *r)
{
	return r->state == R_DONE ? ZTP_SSHWIRE_OK : r->kind;
}

const struct ztp_sshwire_banner *ztp_sshwire_reader_banner(const struct ztp_sshwire_reader *r)
{
	return r->state == R_BANNER ? NULL : &r->banner;
}

void ztp_sshwire_reader_take(struct ztp_sshwire_reader *r, struct ztp_sshwire_kexinit *k)
{
	*k = r->kex;
	memset(&r->kex, 0, sizeof r->kex);
}

const char *ztp_sshwire_reader_prelines(const struct ztp_sshwire_reader *r)
{
	return r->pre.p ? r->pre.p : "";
}

/* ---- connections ------------------------------------------------------ */

enum { C_CONNECT, C_SEND, C_READ, C_DONE };

struct ztp_sshwire_conn {
	int state;
	int fd, own_fd;
	struct addrinfo *ai0, *ai;
	double start, deadline, timeout;
	char out[512];
	size_t outlen, outoff;
	int no_disconnect;
	struct ztp_sshwire_reader *r;
	struct ztp_sshwire_result res;
	char lasterr[200];	/* the error of an earlier address */
};

void ztp_sshwire_result_free(struct ztp_sshwire_result *r)
{
	if (r == NULL)
		return;
	ztp_sshwire_kexinit_free(&r->kex);
}

static void conn_close(struct ztp_sshwire_conn *c)
{
	if (c->fd >= 0 && c->own_fd)
		close(c->fd);
	c->fd = -1;
}

static void finish(struct ztp_sshwire_conn *c, double now, int kind)
{
	c->res.kind = kind;
	c->res.secs = now - c->start;
	if (kind != ZTP_SSHWIRE_OK)
		ztp_err_prefix(&c->res.err, "%s", c->res.target);
	conn_close(c);
	c->state = C_DONE;
}

static int kind_of_errno(int err)
{
	switch (err) {
	case ECONNREFUSED: return ZTP_SSHWIRE_REFUSED;
	case ETIMEDOUT: return ZTP_SSHWIRE_TIMEOUT;
	default: return ZTP_SSHWIRE_UNREACHABLE;
	}
}

static void set_addr(struct ztp_sshwire_conn *c, const struct addrinfo *ai)
{
	char h[NI_MAXHOST];

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof h, NULL, 0, NI_NUMERICHOST) == 0)
		if (snprintf(c->res.addr, sizeof c->res.addr, "%.63s", h) < 0)
			c->res.addr[0] = '\0';
}

/* Start connecting to c->ai or the next address that can be started. */
static void start_connect(struct ztp_sshwire_conn *c, double now)
{
	int err = 0;

	for (; c->ai != NULL; c->ai = c->ai->ai_next) {
		c->fd = socket(c->ai->ai_family, c->ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       c->ai->ai_protocol);
		if (c->fd < 0) {
			err = errno;
			continue;
		}
		set_addr(c, c->ai);
		if (connect(c->fd, c->ai->ai_addr, c->ai->ai_addrlen) == 0) {
			c->state = C_SEND;
			return;
		}
		if (errno == EINPROGRESS) {
			c->state = C_CONNECT;
			return;
		}
		err = errno;
		if (snprintf(c->lasterr, sizeof c->lasterr, "%s", strerror(err)) >= (int)sizeof c->lasterr)
			c->lasterr[sizeof c->lasterr - 1] = '\0';	/* truncated is fine */
		close(c->fd);
		c->fd = -1;
	}
	errno = err;
	ztp_err_sys(&c->res.err, "cannot connect to '%s'", c->res.addr[0] ? c->res.addr : c->res.target);
	finish(c, now, kind_of_errno(err));
}

static void init_common(struct ztp_sshwire_conn *c, const struct ztp_sshwire_opts *o, double now)
{
	const char *ident = o && o->ident ? o->ident : "SSH-2.0-ztp_kexcheck";
	int n;

	c->fd = -1;
	c->start = now;
	c->timeout = o && o->timeout > 0 ? o->timeout : 10;
	c->deadline = now + c->timeout;
	c->no_disconnect = o ? o->no_disconnect : 0;
	c->r = ztp_sshwire_reader_new(o);
	n = snprintf(c->out, sizeof c->out, "%s\r\n", ident);
	if (n < 0 || (size_t)n >= sizeof c->out)
		n = snprintf(c->out, sizeof c->out, "SSH-2.0-ztp_kexcheck\r\n");
	c->outlen = (size_t)n;
}

struct ztp_sshwire_conn *ztp_sshwire_conn_new(const char *host, const char *port,
					      const struct ztp_sshwire_opts *o,
					      double now)
{
	struct ztp_sshwire_conn *c = ztp_xcalloc(1, sizeof *c);
	struct addrinfo hints;
	int rc;

	init_common(c, o, now);
	c->own_fd = 1;
	if (port == NULL)
		port = "22";
	/* precision-bounded: 200 + 16 + 3 bytes always fit in 300 */
	if (snprintf(c->res.target, sizeof c->res.target,
		     strchr(host, ':') != NULL ? "[%.200s]:%.16s" : "%.200s:%.16s",
		     ztp_esc(host), ztp_esc(port)) >= (int)sizeof c->res.target)
		c->res.target[0] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &c->ai0);
	if (rc != 0) {
		ztp_err_set(&c->res.err, ZTP_ERR_SYS, "cannot resolve '%s': %s", ztp_esc(host),
			    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		finish(c, now, ZTP_SSHWIRE_UNREACHABLE);
		return c;
	}
	c->ai = c->ai0;
	start_connect(c, now);
	return c;
}

struct ztp_sshwire_conn *ztp_sshwire_conn_new_fd(int fd, int own_fd, const char *label,
						 const struct ztp_sshwire_opts *o,
						 double now)
{
	struct ztp_sshwire_conn *c = ztp_xcalloc(1, sizeof *c);
	int fl;

	init_common(c, o, now);
	c->fd = fd;
	c->own_fd = own_fd;
	if (snprintf(c->res.target, sizeof c->res.target, "%.250s",
		     label ? ztp_esc(label) : "fd") >= (int)sizeof c->res.target)
		c->res.target[0] = '\0';
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		ztp_err_sys(&c->res.err, "cannot make descriptor %d non-blocking", fd);
		finish(c, now, ZTP_SSHWIRE_UNREACHABLE);
		return c;
	}
	c->state = C_SEND;
	return c;
}

int ztp_sshwire_conn_fd(const struct ztp_sshwire_conn *c)
{
	return c->state == C_DONE ? -1 : c->fd;
}

short ztp_sshwire_conn_events(const struct ztp_sshwire_conn *c)
{
	switch (c->state) {
	case C_CONNECT: return POLLOUT;
	case C_SEND: return POLLOUT | POLLIN;
	case C_READ: return POLLIN;
	}
	return 0;
}

double ztp_sshwire_conn_deadline(const struct ztp_sshwire_conn *c)
{
	return c->deadline;
}

int ztp_sshwire_conn_done(const struct ztp_sshwire_conn *c)
{
	return c->state == C_DONE;
}

/* A polite goodbye in plaintext (allowed before key exchange), best effort. */
static void send_disconnect(struct ztp_sshwire_conn *c)
{
	static const char desc[] = "ztp-kexcheck: algorithm scan only";
	uint8_t pkt[128];
	size_t payload = 1 + 4 + 4 + (sizeof desc - 1) + 4;
	size_t pad = 8 - ((4 + 1 + payload) % 8), len, off = 0;
	ssize_t w;

	if (pad < 4)
		pad += 8;
	len = 1 + payload + pad;
	pkt[off++] = (uint8_t)(len >> 24); pkt[off++] = (uint8_t)(len >> 16);
	pkt[off++] = (uint8_t)(len >> 8); pkt[off++] = (uint8_t)len;
	pkt[off++] = (uint8_t)pad;
	pkt[off++] = SSH_MSG_DISCONNECT;
	pkt[off++] = 0; pkt[off++] = 0; pkt[off++] = 0; pkt[off++] = 11;	/* by application */
	pkt[off++] = 0; pkt[off++] = 0; pkt[off++] = 0; pkt[off++] = sizeof desc - 1;
	memcpy(pkt + off, desc, sizeof desc - 1);
	off += sizeof desc - 1;
	memset(pkt + off, 0, 4 + pad);	/* empty language tag, then padding */
	off += 4 + pad;
	w = send(c->fd, pkt, off, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)w;
}

static void do_read(struct ztp_sshwire_conn *c, double now)
{
	uint8_t tmp[4096];
	ssize_t n;
	int rc, i;

	for (i = 0; i < 16; i++) {
		n = recv(c->fd, tmp, sizeof tmp, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == ECONNRESET && ztp_sshwire_reader_banner(c->r) != NULL)
				n = 0;	/* a reset after the banner: report it like a close */
			else {
				ztp_err_sys(&c->res.err, "cannot read from '%s'", c->res.addr[0] ? c->res.addr : c->res.target);
				finish(c, now, errno == ECONNREFUSED ? ZTP_SSHWIRE_REFUSED : ZTP_SSHWIRE_UNREACHABLE);
				return;
			}
		}
		if (n == 0) {
			ztp_sshwire_reader_end(c->r, 0, now - c->start, &c->res.err);
			if (ztp_sshwire_reader_banner(c->r) != NULL) {
				c->res.banner = *ztp_sshwire_reader_banner(c->r);
				c->res.banner_ok = 1;
			}
			finish(c, now, ztp_sshwire_reader_kind(c->r));
			return;
		}
		rc = ztp_sshwire_reader_feed(c->r, tmp, (size_t)n, &c->res.err);
		if (ztp_sshwire_reader_banner(c->r) != NULL) {
			c->res.banner = *ztp_sshwire_reader_banner(c->r);
			c->res.banner_ok = 1;
		}
		if (rc < 0) {
			finish(c, now, ztp_sshwire_reader_kind(c->r));
			return;
		}
		if (rc == 1) {
			ztp_sshwire_reader_take(c->r, &c->res.kex);
			if (!c->no_disconnect)
				send_disconnect(c);
			finish(c, now, ZTP_SSHWIRE_OK);
			return;
		}
	}
}

int ztp_sshwire_conn_step(struct ztp_sshwire_conn *c, short revents, double now)
{
	int err;
	socklen_t sl = sizeof err;
	ssize_t w;

	if (c->state == C_DONE)
		return 1;
	if (c->state == C_CONNECT && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
			err = errno;
		if (err != 0) {
			if (snprintf(c->lasterr, sizeof c->lasterr, "%s", strerror(err)) >= (int)sizeof c->lasterr)
			c->lasterr[sizeof c->lasterr - 1] = '\0';	/* truncated is fine */
			close(c->fd);
			c->fd = -1;
			if (c->ai->ai_next != NULL && now < c->deadline) {
				c->ai = c->ai->ai_next;
				start_connect(c, now);
				return c->state == C_DONE;
			}
			errno = err;
			ztp_err_sys(&c->res.err, "cannot connect to '%s'", c->res.addr);
			finish(c, now, kind_of_errno(err));
			return 1;
		}
		c->state = C_SEND;
		revents = POLLOUT;
	}
	if (c->state == C_SEND && (revents & (POLLOUT | POLLIN | POLLERR | POLLHUP))) {
		w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			int saved = errno;

			/* the server may have spoken (and hung up) first: read it */
			if (errno == EPIPE || errno == ECONNRESET) {
				c->state = C_READ;
				do_read(c, now);
				if (c->state == C_DONE)
					return 1;
			}
			errno = saved;
			ztp_err_sys(&c->res.err, "cannot send our identification to '%s'",
				    c->res.addr[0] ? c->res.addr : c->res.target);
			finish(c, now, ZTP_SSHWIRE_UNREACHABLE);
			return 1;
		}
		if (w > 0)
			c->outoff += (size_t)w;
		if (c->outoff == c->outlen)
			c->state = C_READ;
	}
	if ((c->state == C_READ || c->state == C_SEND) && (revents & (POLLIN | POLLERR | POLLHUP)))
		do_read(c, now);
	if (c->state != C_DONE && now >= c->deadline) {
		if (c->state == C_CONNECT) {
			ztp_err_set(&c->res.err, ZTP_ERR_TIMEOUT,
				    "timed out after %.1f s connecting (no answer: filtered, or the host is down)",
				    c->timeout);
			finish(c, now, ZTP_SSHWIRE_TIMEOUT);
		} else {
			ztp_sshwire_reader_end(c->r, 1, now - c->start, &c->res.err);
			if (ztp_sshwire_reader_banner(c->r) != NULL) {
				c->res.banner = *ztp_sshwire_reader_banner(c->r);
				c->res.banner_ok = 1;
			}
			finish(c, now, ztp_sshwire_reader_kind(c->r));
		}
	}
	return c->state == C_DONE;
}

void ztp_sshwire_conn_result(struct ztp_sshwire_conn *c, struct ztp_sshwire_result *r)
{
	*r = c->res;
	memset(&c->res.kex, 0, sizeof c->res.kex);
}

void ztp_sshwire_conn_free(struct ztp_sshwire_conn *c)
{
	if (c == NULL)
		return;
	conn_close(c);
	if (c->ai0 != NULL)
		freeaddrinfo(c->ai0);
	ztp_sshwire_reader_free(c->r);
	ztp_sshwire_kexinit_free(&c->res.kex);
	free(c);
}

static int run_blocking(struct ztp_sshwire_conn *c, struct ztp_sshwire_result *r)
{
	struct pollfd pfd;
	double now = ztp_os_monotonic(), left;
	int rc;

	while (!ztp_sshwire_conn_step(c, 0, now)) {
		pfd.fd = ztp_sshwire_conn_fd(c);
		pfd.events = ztp_sshwire_conn_events(c);
		pfd.revents = 0;
		left = ztp_sshwire_conn_deadline(c) - now;
		rc = poll(&pfd, 1, left > 0 ? (int)(left * 1000) + 1 : 0);
		now = ztp_os_monotonic();
		if (rc < 0 && errno != EINTR)
			pfd.revents = POLLERR;
		if (ztp_sshwire_conn_step(c, rc > 0 ? pfd.revents : 0, now))
			break;
	}
	ztp_sshwire_conn_result(c, r);
	ztp_sshwire_conn_free(c);
	return r->kind == ZTP_SSHWIRE_OK ? 0 : (r->err.code < 0 ? r->err.code : ZTP_ERR_PROTO);
}

int ztp_sshwire_fetch(const char *host, const char *port,
		      const struct ztp_sshwire_opts *o, struct ztp_sshwire_result *r)
{
	return run_blocking(ztp_sshwire_conn_new(host, port, o, ztp_os_monotonic()), r);
}

int ztp_sshwire_fetch_fd(int fd, const char *label, const struct ztp_sshwire_opts *o,
			 struct ztp_sshwire_result *r)
{
	return run_blocking(ztp_sshwire_conn_new_fd(fd, 0, label, o, ztp_os_monotonic()), r);
}

int ztp_sshwire_split_target(const char *s, const char *default_port,
			     char *host, size_t hostsz, char *port, size_t portsz,
			     struct ztp_err *e)
{
	const char *h = s, *p = NULL, *colon, *end;
	size_t hl;
	long long v;
	int n;

	if (s == NULL || *s == '\0')
		return ztp_err_set(e, ZTP_ERR_USAGE, "empty host");
	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL)
			return ztp_err_set(e, ZTP_ERR_USAGE, "missing ']' in '%s'", ztp_esc(s));
		h = s + 1;
		hl = (size_t)(end - h);
		if (end[1] == ':')
			p = end + 2;
		else if (end[1] != '\0')
			return ztp_err_set(e, ZTP_ERR_USAGE, "junk after ']' in '%s'", ztp_esc(s));
	} else {
		colon = strchr(s, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			hl = (size_t)(colon - s);
			p = colon + 1;
		} else {
			hl = strlen(s);
		}
	}
	if (hl == 0 || hl >= hostsz)
		return ztp_err_set(e, ZTP_ERR_USAGE, "bad host in '%s'", ztp_esc(s));
	for (size_t i = 0; i < hl; i++)
		if ((unsigned char)h[i] <= 0x20 || h[i] == 0x7f || h[i] == '/')
			return ztp_err_set(e, ZTP_ERR_USAGE, "bad host in '%s'", ztp_esc(s));
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (p == NULL)
		p = default_port ? default_port : "22";
	if (ztp_parse_ll(p, 1, 65535, &v) < 0)
		return ztp_err_set(e, ZTP_ERR_USAGE, "bad port '%s' in '%s'", ztp_esc(p), ztp_esc(s));
	n = snprintf(port, portsz, "%lld", v);
	if (n < 0 || (size_t)n >= portsz)
		return ztp_err_set(e, ZTP_ERR_USAGE, "port buffer too small");
	return 0;
}
