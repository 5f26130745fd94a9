/* kexdeep.c: group-exchange sizes and host key size, on the wire (see
 * kexdeep.h). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kexdeep.h"
#include "os.h"
#include "sshalg.h"
#include "str.h"
#include "xmalloc.h"

#define MSG_DISCONNECT 1
#define MSG_IGNORE 2
#define MSG_UNIMPLEMENTED 3
#define MSG_DEBUG 4
#define MSG_KEXINIT 20
#define MSG_KEXDH_INIT 30	/* also KEX_ECDH_INIT */
#define MSG_KEXDH_REPLY 31	/* also KEX_ECDH_REPLY and KEX_DH_GEX_GROUP */
#define MSG_GEX_INIT 32
#define MSG_GEX_REPLY 33
#define MSG_GEX_REQUEST 34

#define IN_MAX (ZTP_SSHWIRE_MAX_PACKET + 64)

/* the fixed-group key exchanges this can carry to the server's reply,
 * best first, with the group size (0: curve25519, a 32-byte point) */
static const struct {
	const char *name;
	int bits;
} fixed_kex[] = {
	{ "curve25519-sha256", 0 },
	{ "curve25519-sha256@libssh.org", 0 },
	{ "diffie-hellman-group14-sha256", 2048 },
	{ "diffie-hellman-group16-sha512", 4096 },
	{ "diffie-hellman-group18-sha512", 8192 },
	{ "diffie-hellman-group15-sha512", 3072 },
	{ "diffie-hellman-group17-sha512", 6144 },
	{ "diffie-hellman-group14-sha1", 2048 },
	{ "diffie-hellman-group1-sha1", 1024 },
};

/* the group-exchange requests: paramiko 5, OpenSSH (its smallest n) and
 * libssh ask min 2048 (SSH-PROFILES.md: paramiko kex_gex.py 5.0, libssh
 * src/dh-gex.c DH_PMIN, OpenSSH dh.h DH_GRP_MIN); paramiko 2.12 to 4.0
 * asks min 1024, preferred 2048, max 8192 */
static const int gex_req[ZTP_KEXDEEP_NGEX][3] = {
	{ 2048, 2048, 8192 },
	{ 1024, 2048, 8192 },
};

struct dconn {
	int fd;
	double deadline;
	double timeout;
	uint8_t in[IN_MAX];
	size_t inlen;
	uint8_t *pkt;		/* the last packet's payload (malloc'ed) */
	size_t plen;
	char banner[ZTP_SSHWIRE_MAX_LINE + 1];
	uint64_t rnd;
};

/* Not secret: the client's public values only need the right size. */
static uint8_t rnd_byte(struct dconn *c)
{
	c->rnd ^= c->rnd << 13;
	c->rnd ^= c->rnd >> 7;
	c->rnd ^= c->rnd << 17;
	return (uint8_t)(c->rnd >> 24);
}

static void put32(struct ztp_buf *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	ztp_buf_add(b, p, 4);
}

static void put_str(struct ztp_buf *b, const void *p, size_t n)
{
	put32(b, (uint32_t)n);
	ztp_buf_add(b, p, n);
}

/* a positive mpint of nbytes random bytes, below any group prime of
 * more than 8 * nbytes bits and above 1 */
static void put_rand_mpint(struct dconn *c, struct ztp_buf *b, size_t nbytes)
{
	size_t i;

	put32(b, (uint32_t)nbytes);
	for (i = 0; i < nbytes; i++) {
		uint8_t x = rnd_byte(c);

		if (i == 0)
			x = (uint8_t)((x & 0x3f) | 0x10);	/* no sign bit, not zero */
		ztp_buf_addc(b, x);
	}
}

/* ---- cursor over untrusted bytes ----------------------------------------- */

struct cur {
	const uint8_t *p;
	size_t n;
};

static int get_u32(struct cur *c, uint32_t *v)
{
	if (c->n < 4)
		return -1;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->n -= 4;
	return 0;
}

static int get_str(struct cur *c, const uint8_t **p, size_t *n)
{
	uint32_t l;

	if (get_u32(c, &l) < 0 || l > c->n)
		return -1;
	*p = c->p;
	*n = l;
	c->p += l;
	c->n -= l;
	return 0;
}

/* the bit size of an mpint (0 for zero, -1 when malformed or negative) */
static int get_mpint_bits(struct cur *c)
{
	const uint8_t *p;
	size_t n;
	int bits;

	if (get_str(c, &p, &n) < 0)
		return -1;
	if (n > 0 && (p[0] & 0x80))
		return -1;
	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	if (n == 0)
		return 0;
	if (n > 4096)
		return -1;
	bits = (int)(n - 1) * 8;
	for (uint8_t x = p[0]; x; x >>= 1)
		bits++;
	return bits;
}

/* a name from the wire, printable and bounded, into out */
static int get_name(struct cur *c, char *out, size_t outsz)
{
	const uint8_t *p;
	size_t n, i;

	if (get_str(c, &p, &n) < 0 || n == 0 || n >= outsz)
		return -1;
	for (i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f)
			return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* ---- the connection ------------------------------------------------------ */

static int wait_fd(struct dconn *c, short ev, const char *what, struct ztp_err *e)
{
	struct pollfd pfd = { .fd = c->fd, .events = ev };
	double left;
	int rc;

	for (;;) {
		left = c->deadline - ztp_os_monotonic();
		if (left <= 0)
			return ztp_err_set(e, ZTP_ERR_TIMEOUT, "timed out after %.1f s %s", c->timeout,
					   what);
		rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return ztp_err_sys(e, "poll");
	}
}

static int dc_open(struct dconn *c, const char *host, const char *port, struct ztp_err *e)
{
	struct addrinfo hints, *ai0 = NULL, *ai;
	int rc, err = 0;
	socklen_t sl = sizeof err;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &ai0);
	if (rc != 0)
		return ztp_err_set(e, ZTP_ERR_SYS, "cannot resolve '%s': %s", ztp_esc(host),
				   rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	rc = ztp_err_set(e, ZTP_ERR_SYS, "cannot connect to '%s'", ztp_esc(host));
	for (ai = ai0; ai; ai = ai->ai_next) {
		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       ai->ai_protocol);
		if (c->fd < 0) {
			rc = ztp_err_sys(e, "socket");
			continue;
		}
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			rc = 0;
			break;
		}
		if (errno == EINPROGRESS) {
			if (wait_fd(c, POLLOUT, "connecting", e) < 0) {
				rc = e->code;
				close(c->fd);
				c->fd = -1;
				if (rc == ZTP_ERR_TIMEOUT)
					break;
				continue;
			}
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 && err == 0) {
				rc = 0;
				break;
			}
			errno = err;
		}
		rc = ztp_err_sys(e, "cannot connect to '%s' port %.8s", ztp_esc(host), port);
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(ai0);
	return rc;
}

static int dc_write(struct dconn *c, const void *p, size_t n, struct ztp_err *e)
{
	const uint8_t *q = p;
	ssize_t w;

	while (n > 0) {
		w = send(c->fd, q, n, MSG_NOSIGNAL);
		if (w > 0) {
			q += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return ztp_err_sys(e, "cannot send");
		if (wait_fd(c, POLLOUT, "sending", e) < 0)
			return e->code;
	}
	return 0;
}

/* more bytes from the server; what: "waiting for ..." */
static int dc_fill(struct dconn *c, const char *what, struct ztp_err *e)
{
	ssize_t r;

	if (c->inlen >= sizeof c->in)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "more than %zu bytes unread %s", sizeof c->in, what);
	for (;;) {
		r = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
		if (r > 0) {
			c->inlen += (size_t)r;
			return 0;
		}
		if (r == 0)
			return ztp_err_set(e, ZTP_ERR_PROTO, "the server closed the connection %s", what);
		if (errno != EAGAIN && errno != EINTR)
			return ztp_err_sys(e, "connection lost %s", what);
		if (wait_fd(c, POLLIN, what, e) < 0)
			return e->code;
	}
}

static void consume(struct dconn *c, size_t n)
{
	memmove(c->in, c->in + n, c->inlen - n);
	c->inlen -= n;
}

static int dc_banner(struct dconn *c, struct ztp_err *e)
{
	struct ztp_sshwire_banner b;
	int lines = 0, rc;
	uint8_t *nl;
	size_t len;

	for (;;) {
		nl = memchr(c->in, '\n', c->inlen);
		if (nl == NULL) {
			if (c->inlen > ZTP_SSHWIRE_MAX_LINE)
				return ztp_err_set(e, ZTP_ERR_PROTO, "identification line longer than %d bytes",
						   ZTP_SSHWIRE_MAX_LINE);
			if (dc_fill(c, "waiting for the SSH identification line", e) < 0)
				return e->code;
			continue;
		}
		len = (size_t)(nl - c->in);
		if (len > 0 && c->in[len - 1] == '\r')
			len--;
		rc = ztp_sshwire_parse_banner((const char *)c->in, len, &b, e);
		consume(c, (size_t)(nl - c->in) + 1);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			snprintf(c->banner, sizeof c->banner, "%s", b.line);
			return 0;
		}
		if (++lines > ZTP_SSHWIRE_PRELINES)
			return ztp_err_set(e, ZTP_ERR_PROTO, "more than %d lines without an SSH identification line",
					   ZTP_SSHWIRE_PRELINES);
	}
}

/* The next packet that is not IGNORE/DEBUG/UNIMPLEMENTED into c->pkt. */
static int dc_packet(struct dconn *c, const char *what, struct ztp_err *e)
{
	const uint8_t *payload;
	size_t used, need, plen;
	int rc, skipped = 0;

	for (;;) {
		rc = ztp_sshwire_parse_packet(c->in, c->inlen, ZTP_SSHWIRE_MAX_PACKET, &used, &need,
					      &payload, &plen, e);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (dc_fill(c, what, e) < 0)
				return e->code;
			continue;
		}
		if (plen == 0) {
			consume(c, used);
			return ztp_err_set(e, ZTP_ERR_PROTO, "empty packet %s", what);
		}
		if (payload[0] == MSG_DISCONNECT) {
			struct cur cu = { payload + 1, plen - 1 };
			uint32_t reason = 0;
			const uint8_t *m = (const uint8_t *)"";
			size_t mn = 0;
			struct ztp_buf esc = ZTP_BUF_INIT;

			if (get_u32(&cu, &reason) < 0 || get_str(&cu, &m, &mn) < 0)
				mn = 0;
			ztp_escape(&esc, (const char *)m, mn > 200 ? 200 : mn);
			ztp_err_set(e, ZTP_ERR_PROTO, "the server disconnected %s (reason %u): %s", what,
				    (unsigned)reason, esc.p ? esc.p : "");
			ztp_buf_free(&esc);
			return e->code;
		}
		if (payload[0] == MSG_IGNORE || payload[0] == MSG_DEBUG || payload[0] == MSG_UNIMPLEMENTED) {
			consume(c, used);
			if (++skipped > ZTP_SSHWIRE_MAX_SKIP)
				return ztp_err_set(e, ZTP_ERR_LIMIT, "more than %d IGNORE/DEBUG packets %s",
						   ZTP_SSHWIRE_MAX_SKIP, what);
			continue;
		}
		free(c->pkt);
		c->pkt = ztp_xmalloc(plen);
		memcpy(c->pkt, payload, plen);
		c->plen = plen;
		consume(c, used);
		return 0;
	}
}

static int dc_send_packet(struct dconn *c, const struct ztp_buf *payload, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t pad = 8 - ((5 + payload->len) % 8), i;
	int rc;

	if (pad < 4)
		pad += 8;
	put32(&b, (uint32_t)(1 + payload->len + pad));
	ztp_buf_addc(&b, (int)pad);
	ztp_buf_add(&b, payload->p, payload->len);
	for (i = 0; i < pad; i++)
		ztp_buf_addc(&b, 0);
	rc = dc_write(c, b.p, b.len, e);
	ztp_buf_free(&b);
	return rc;
}

static void dc_close(struct dconn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->pkt);
	c->pkt = NULL;
}

/* Connect, exchange identifications and KEXINITs (ours asks for kex and
 * hostkey, and takes the server's own lists for the rest). */
static int dc_start(struct dconn *c, const char *host, const char *port, double timeout,
		    const char *kex, const char *hostkey, struct ztp_err *e)
{
	static const char ident[] = "SSH-2.0-ztp_kexcheck\r\n";
	struct ztp_sshwire_kexinit k;
	struct ztp_buf b = ZTP_BUF_INIT;
	int i, rc;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->timeout = timeout;
	c->deadline = ztp_os_monotonic() + timeout;
	c->rnd = (uint64_t)time(NULL) * 6364136223846793005ULL ^ (uint64_t)getpid() << 17 ^
		 ((uint64_t)(ztp_os_monotonic() * 1e6) | 1);
	if ((rc = dc_open(c, host, port, e)) < 0)
		return rc;
	if ((rc = dc_write(c, ident, sizeof ident - 1, e)) < 0 || (rc = dc_banner(c, e)) < 0 ||
	    (rc = dc_packet(c, "waiting for its KEXINIT", e)) < 0)
		return rc;
	if (c->pkt[0] != MSG_KEXINIT)
		return ztp_err_set(e, ZTP_ERR_PROTO, "message %u where its KEXINIT belongs", c->pkt[0]);
	if ((rc = ztp_sshwire_parse_kexinit(c->pkt, c->plen, &k, e)) < 0)
		return rc;
	ztp_buf_addc(&b, MSG_KEXINIT);
	for (i = 0; i < 16; i++)
		ztp_buf_addc(&b, rnd_byte(c));
	for (i = 0; i < ZTP_KL_N; i++) {
		const char *l = i == ZTP_KL_KEX ? kex : i == ZTP_KL_HOSTKEY ? hostkey : k.list[i];

		put_str(&b, l ? l : "", l ? strlen(l) : 0);
	}
	ztp_buf_addc(&b, 0);	/* first_kex_packet_follows */
	put32(&b, 0);
	ztp_sshwire_kexinit_free(&k);
	rc = dc_send_packet(c, &b, e);
	ztp_buf_free(&b);
	return rc;
}

/* SSH_MSG_KEX_DH_GEX_REQUEST, then the group's prime size */
static int dc_gex_group(struct dconn *c, const int req[3], int *bits, int *pbytes, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct cur cu;
	int rc;

	ztp_buf_addc(&b, MSG_GEX_REQUEST);
	put32(&b, (uint32_t)req[0]);
	put32(&b, (uint32_t)req[1]);
	put32(&b, (uint32_t)req[2]);
	rc = dc_send_packet(c, &b, e);
	ztp_buf_free(&b);
	if (rc < 0 || (rc = dc_packet(c, "after the group-exchange request", e)) < 0)
		return rc;
	if (c->pkt[0] != MSG_KEXDH_REPLY)
		return ztp_err_set(e, ZTP_ERR_PROTO, "message %u where KEX_DH_GEX_GROUP belongs", c->pkt[0]);
	cu = (struct cur){ c->pkt + 1, c->plen - 1 };
	*bits = get_mpint_bits(&cu);
	if (*bits <= 0 || get_mpint_bits(&cu) <= 0)
		return ztp_err_set(e, ZTP_ERR_PROTO, "malformed KEX_DH_GEX_GROUP");
	*pbytes = (*bits + 7) / 8;
	return 0;
}

/* the host key in the first field of a key exchange reply */
static int parse_hostkey(const uint8_t *p, size_t n, struct ztp_kexdeep *d, struct ztp_err *e)
{
	struct cur blob, cu = { p, n };
	const uint8_t *bp, *np;
	size_t bn, nn;
	char type[72], curve[32];

	if (get_str(&cu, &bp, &bn) < 0)
		return ztp_err_set(e, ZTP_ERR_PROTO, "malformed key exchange reply");
	blob = (struct cur){ bp, bn };
	if (get_name(&blob, type, sizeof type) < 0)
		return ztp_err_set(e, ZTP_ERR_PROTO, "malformed host key");
	snprintf(d->hk_type, sizeof d->hk_type, "%s", type);
	/* certificates carry a nonce before the key */
	if (strstr(type, "-cert-v01@openssh.com") && get_str(&blob, &np, &nn) < 0)
		return ztp_err_set(e, ZTP_ERR_PROTO, "malformed host key certificate");
	if (strncmp(type, "ssh-rsa", 7) == 0) {
		if (get_mpint_bits(&blob) < 0 || (d->hk_bits = get_mpint_bits(&blob)) <= 0)
			return ztp_err_set(e, ZTP_ERR_PROTO, "malformed RSA host key");
	} else if (strncmp(type, "ssh-dss", 7) == 0) {
		if ((d->hk_bits = get_mpint_bits(&blob)) <= 0)
			return ztp_err_set(e, ZTP_ERR_PROTO, "malformed DSA host key");
	} else if (strncmp(type, "ecdsa-sha2-", 11) == 0) {
		if (get_name(&blob, curve, sizeof curve) < 0)
			return ztp_err_set(e, ZTP_ERR_PROTO, "malformed ECDSA host key");
		d->hk_bits = strcmp(curve, "nistp256") == 0 ? 256 : strcmp(curve, "nistp384") == 0 ? 384 :
			     strcmp(curve, "nistp521") == 0 ? 521 : 0;
	} else if (strstr(type, "ed25519")) {
		d->hk_bits = 256;
	} else if (strstr(type, "ed448")) {
		d->hk_bits = 456;
	}
	return 0;
}

/* the reply to our public value: KEXDH_REPLY, KEX_ECDH_REPLY or
 * KEX_DH_GEX_REPLY */
static int dc_hostkey(struct dconn *c, int init_msg, int reply_msg, int pbytes,
		      struct ztp_kexdeep *d, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc, i;

	ztp_buf_addc(&b, init_msg);
	if (pbytes == 0) {	/* curve25519: a 32-byte string */
		put32(&b, 32);
		for (i = 0; i < 32; i++)
			ztp_buf_addc(&b, rnd_byte(c));
	} else {
		put_rand_mpint(c, &b, (size_t)pbytes - 1);
	}
	rc = dc_send_packet(c, &b, e);
	ztp_buf_free(&b);
	if (rc < 0 || (rc = dc_packet(c, "after our key exchange value", e)) < 0)
		return rc;
	if (c->pkt[0] != reply_msg)
		return ztp_err_set(e, ZTP_ERR_PROTO, "message %u where the key exchange reply belongs",
				   c->pkt[0]);
	return parse_hostkey(c->pkt + 1, c->plen - 1, d, e);
}

static void note(char *out, size_t outsz, const struct ztp_err *e)
{
	if (snprintf(out, outsz, "%s", e->msg) >= (int)outsz)
		out[outsz - 1] = '\0';
}

/* the first name of want (comma-separated) that the offer has */
static int pick(const char *offer, const char *want, char *out, size_t outsz)
{
	size_t k, n = ztp_sshalg_count(want);

	for (k = 0; k < n; k++)
		if (ztp_sshalg_nth(want, k, out, outsz) == 0 && ztp_sshalg_has(offer, out))
			return 0;
	out[0] = '\0';
	return -1;
}

/* the RSA host key algorithms the server offers, best first; else its
 * own list */
static void hostkey_ask(const char *offer, struct ztp_buf *b)
{
	static const char *const rsa[] = {
		"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
	};
	size_t i;

	for (i = 0; i < sizeof rsa / sizeof rsa[0]; i++)
		if (ztp_sshalg_has(offer, rsa[i]))
			ztp_buf_addf(b, "%s%s", b->len ? "," : "", rsa[i]);
	if (b->len == 0)
		ztp_buf_adds(b, offer);
}

int ztp_kexdeep_measure(const char *host, const char *port, const char *const *offer,
			double timeout, struct ztp_kexdeep *d)
{
	struct dconn *c = ztp_xcalloc(1, sizeof *c);
	struct ztp_buf hk = ZTP_BUF_INIT;
	struct ztp_err e;
	char fixed[72];
	int g, bits = 0, pbytes = 0, hk_bits = 0;
	size_t i;

	memset(d, 0, sizeof *d);
	d->measured = 1;
	for (g = 0; g < ZTP_KEXDEEP_NGEX; g++) {
		d->gex[g].min = gex_req[g][0];
		d->gex[g].n = gex_req[g][1];
		d->gex[g].max = gex_req[g][2];
	}
	pick(offer[ZTP_KL_KEX], "diffie-hellman-group-exchange-sha256,diffie-hellman-group-exchange-sha1",
	     d->gex_kex, sizeof d->gex_kex);
	hostkey_ask(offer[ZTP_KL_HOSTKEY], &hk);
	/* the group sizes, one connection per request */
	for (g = 0; g < ZTP_KEXDEEP_NGEX && d->gex_kex[0]; g++) {
		c->fd = -1;
		if (dc_start(c, host, port, timeout, d->gex_kex, hk.p, &e) < 0 ||
		    dc_gex_group(c, gex_req[g], &bits, &pbytes, &e) < 0) {
			d->gex[g].bits = -1;
			note(d->gex[g].note, sizeof d->gex[g].note, &e);
		} else {
			d->gex[g].bits = bits;
			/* the host key on the way, when no fixed group is offered */
			if (d->hk_alg[0] == '\0' &&
			    dc_hostkey(c, MSG_GEX_INIT, MSG_GEX_REPLY, pbytes, d, &e) == 0) {
				pick(offer[ZTP_KL_HOSTKEY], hk.p, d->hk_alg, sizeof d->hk_alg);
				snprintf(d->hk_kex, sizeof d->hk_kex, "%s", d->gex_kex);
				hk_bits = d->hk_bits;
			}
		}
		dc_close(c);
	}
	/* the host key through a fixed group, when not had already */
	if (hk_bits == 0) {
		fixed[0] = '\0';
		for (i = 0; i < sizeof fixed_kex / sizeof fixed_kex[0]; i++)
			if (ztp_sshalg_has(offer[ZTP_KL_KEX], fixed_kex[i].name)) {
				snprintf(fixed, sizeof fixed, "%s", fixed_kex[i].name);
				pbytes = fixed_kex[i].bits / 8;
				break;
			}
		if (fixed[0] == '\0') {
			if (d->hk_note[0] == '\0')
				snprintf(d->hk_note, sizeof d->hk_note, "%s",
					 d->gex_kex[0] ? "the group exchange did not get as far as the host key" :
					 "no key exchange offered that --deep can carry out");
		} else if (dc_start(c, host, port, timeout, fixed, hk.p, &e) < 0 ||
			   dc_hostkey(c, MSG_KEXDH_INIT, MSG_KEXDH_REPLY, pbytes, d, &e) < 0) {
			note(d->hk_note, sizeof d->hk_note, &e);
			d->hk_type[0] = '\0';
			d->hk_bits = 0;
		} else {
			pick(offer[ZTP_KL_HOSTKEY], hk.p, d->hk_alg, sizeof d->hk_alg);
			snprintf(d->hk_kex, sizeof d->hk_kex, "%s", fixed);
			d->hk_note[0] = '\0';
		}
		dc_close(c);
	}
	ztp_buf_free(&hk);
	free(c);
	return 0;
}

/* ---- records -------------------------------------------------------------- */

static const char *const gex_key[ZTP_KEXDEEP_NGEX] = { "min2048", "min1024" };

struct ztp_val *ztp_kexdeep_val(const struct ztp_kexdeep *d)
{
	struct ztp_val *m = ztp_val_map(), *gm, *r, *h;
	int g;

	if (d->gex_kex[0]) {
		gm = ztp_val_map();
		ztp_map_set(gm, "method", ztp_val_str(d->gex_kex));
		for (g = 0; g < ZTP_KEXDEEP_NGEX; g++) {
			r = ztp_val_map();
			ztp_map_set(r, "request", ztp_val_strf("%d,%d,%d", d->gex[g].min, d->gex[g].n,
							       d->gex[g].max));
			if (d->gex[g].bits > 0)
				ztp_map_set(r, "bits", ztp_val_int(d->gex[g].bits));
			if (d->gex[g].note[0])
				ztp_map_set(r, "refused", ztp_val_str(d->gex[g].note));
			ztp_map_set(gm, gex_key[g], r);
		}
		ztp_map_set(m, "gex", gm);
	}
	h = ztp_val_map();
	if (d->hk_bits > 0) {
		ztp_map_set(h, "algorithm", ztp_val_str(d->hk_alg));
		ztp_map_set(h, "type", ztp_val_str(d->hk_type));
		ztp_map_set(h, "bits", ztp_val_int(d->hk_bits));
		ztp_map_set(h, "kex", ztp_val_str(d->hk_kex));
	} else {
		ztp_map_set(h, "error", ztp_val_str(d->hk_note[0] ? d->hk_note : "not measured"));
	}
	ztp_map_set(m, "hostkey", h);
	return m;
}

static int int_of(const struct ztp_val *m, const char *key, int *out)
{
	const struct ztp_val *v = ztp_map_get(m, key);

	if (v == NULL)
		return 0;
	if (v->type != ZTP_V_INT || v->u.i < 0 || v->u.i > 100000)
		return -1;
	*out = (int)v->u.i;
	return 0;
}

static void str_of(const struct ztp_val *m, const char *key, char *out, size_t outsz)
{
	const char *s = ztp_map_str(m, key);

	if (snprintf(out, outsz, "%s", s ? s : "") >= (int)outsz)
		out[outsz - 1] = '\0';
}

int ztp_kexdeep_from_val(const struct ztp_val *doc, struct ztp_kexdeep *d)
{
	const struct ztp_val *m = ztp_map_get(doc, "deep"), *gm, *r, *h;
	int g;

	memset(d, 0, sizeof *d);
	if (m == NULL)
		return 0;
	if (m->type != ZTP_V_MAP)
		return -1;
	d->measured = 1;
	for (g = 0; g < ZTP_KEXDEEP_NGEX; g++) {
		d->gex[g].min = gex_req[g][0];
		d->gex[g].n = gex_req[g][1];
		d->gex[g].max = gex_req[g][2];
	}
	gm = ztp_map_get(m, "gex");
	if (gm != NULL) {
		if (gm->type != ZTP_V_MAP)
			return -1;
		str_of(gm, "method", d->gex_kex, sizeof d->gex_kex);
		for (g = 0; g < ZTP_KEXDEEP_NGEX; g++) {
			r = ztp_map_get(gm, gex_key[g]);
			if (r == NULL)
				continue;
			if (r->type != ZTP_V_MAP || int_of(r, "bits", &d->gex[g].bits) < 0)
				return -1;
			str_of(r, "refused", d->gex[g].note, sizeof d->gex[g].note);
			if (d->gex[g].bits == 0 && d->gex[g].note[0])
				d->gex[g].bits = -1;
		}
	}
	h = ztp_map_get(m, "hostkey");
	if (h != NULL) {
		if (h->type != ZTP_V_MAP || int_of(h, "bits", &d->hk_bits) < 0)
			return -1;
		str_of(h, "algorithm", d->hk_alg, sizeof d->hk_alg);
		str_of(h, "type", d->hk_type, sizeof d->hk_type);
		str_of(h, "kex", d->hk_kex, sizeof d->hk_kex);
		str_of(h, "error", d->hk_note, sizeof d->hk_note);
	}
	return 0;
}

void ztp_kexdeep_text(struct ztp_buf *b, const struct ztp_kexdeep *d, const char *indent)
{
	int g;

	if (!d->measured)
		return;
	if (d->gex_kex[0] == '\0')
		ztp_buf_addf(b, "%sgroup exchange: not offered\n", indent);
	for (g = 0; g < ZTP_KEXDEEP_NGEX && d->gex_kex[0]; g++) {
		ztp_buf_addf(b, "%sgroup exchange (%s), asked min %d n %d max %d: ", indent, d->gex_kex,
			     d->gex[g].min, d->gex[g].n, d->gex[g].max);
		if (d->gex[g].bits > 0)
			ztp_buf_addf(b, "%d-bit group%s\n", d->gex[g].bits,
				     d->gex[g].bits < d->gex[g].min ? " (BELOW the minimum asked)" : "");
		else
			ztp_buf_addf(b, "refused: %s\n", ztp_esc(d->gex[g].note));
	}
	if (d->hk_bits > 0)
		ztp_buf_addf(b, "%shost key: %s, %d bits (%s, through %s)\n", indent, ztp_esc(d->hk_type),
			     d->hk_bits, ztp_esc(d->hk_alg), ztp_esc(d->hk_kex));
	else
		ztp_buf_addf(b, "%shost key: not measured: %s\n", indent,
			     ztp_esc(d->hk_note[0] ? d->hk_note : "unknown"));
}

int ztp_kexdeep_judge(const struct ztp_kexdeep *d, int gex_min, int rsa_min, const char *kex,
		      const char *hostkey, struct ztp_buf *why, struct ztp_buf *notes)
{
	int cannot = 0, g = gex_min > 1024 ? ZTP_KEXDEEP_GEX2048 : ZTP_KEXDEEP_GEX1024;
	int rsa = hostkey && (strncmp(hostkey, "rsa-sha2-", 9) == 0 || strncmp(hostkey, "ssh-rsa", 7) == 0);

	if (!d->measured)
		return 0;
	if (kex && strncmp(kex, "diffie-hellman-group-exchange-", 30) == 0 && d->gex_kex[0] && gex_min > 0) {
		const struct ztp_kexdeep_gex *x = &d->gex[g];

		if (x->bits > 0 && x->bits < gex_min) {
			ztp_buf_addf(why, "%sthe device answers a group-exchange request for at least %d bits "
				     "with a %d-bit group (the client rejects it)", why->len ? "; " : "",
				     x->min, x->bits);
			cannot = 1;
		} else if (x->bits < 0) {
			ztp_buf_addf(why, "%sthe device refuses a group-exchange request for at least %d bits: %s",
				     why->len ? "; " : "", x->min, ztp_esc(x->note));
			cannot = 1;
		} else if (x->bits > 0) {
			ztp_buf_addf(notes, "group exchange: the device sends a %d-bit group for min %d "
				     "(measured)\n", x->bits, x->min);
		}
	}
	if (rsa && d->hk_bits > 0 && strncmp(d->hk_type, "ssh-rsa", 7) == 0) {
		if (rsa_min > 0 && d->hk_bits < rsa_min) {
			ztp_buf_addf(why, "%sthe device's RSA host key has %d bits, the client accepts "
				     "%d at least", why->len ? "; " : "", d->hk_bits, rsa_min);
			cannot = 1;
		} else if (d->hk_bits < 2048) {
			ztp_buf_addf(notes, "the device's RSA host key has %d bits (measured): accepted, but "
				     "clients that ask 2048 (RequiredRSASize 2048, FIPS mode) refuse it\n",
				     d->hk_bits);
		} else {
			ztp_buf_addf(notes, "the device's RSA host key has %d bits (measured)\n", d->hk_bits);
		}
	}
	return cannot;
}
