/* sshwire.h: what an SSH server says before key exchange.
 *
 * One TCP connection per host: send our identification line, read the
 * server's identification line (RFC 4253 4.2) and its plaintext
 * SSH_MSG_KEXINIT (RFC 4253 7.1), then hang up with SSH_MSG_DISCONNECT.
 * No key exchange, no authentication, nothing logged in on the device.
 *
 * Three layers, each usable alone:
 *  - pure parsers (no I/O, no allocation beyond the result) for fuzzing:
 *    ztp_sshwire_parse_banner(), ztp_sshwire_parse_packet(),
 *    ztp_sshwire_parse_kexinit();
 *  - an incremental reader fed with bytes (ztp_sshwire_reader_*): the
 *    whole server side of the exchange, bounded in lines, line length,
 *    packet size and packet count;
 *  - a non-blocking connection (ztp_sshwire_conn_*) driven by poll(2), so
 *    one event loop can scan many hosts at once; it also works on a
 *    descriptor that is already connected (a jump-host channel's
 *    socketpair), and ztp_sshwire_fetch() wraps it for one host.
 *
 * Everything the server sends is untrusted: names in the result are
 * validated (printable ASCII, no spaces, bounded length) but the banner
 * and pre-banner lines must be escaped (ztp_esc) before printing. */
#ifndef ZTP_SSHWIRE_H
#define ZTP_SSHWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ZTP_SSHWIRE_MAX_LINE 255	/* RFC 4253 4.2, CR LF included */
#define ZTP_SSHWIRE_PRELINES 64		/* default limit on lines before "SSH-" */
#define ZTP_SSHWIRE_MAX_PACKET 35000	/* RFC 4253 6.1 */
#define ZTP_SSHWIRE_MAX_NAME 64		/* RFC 4251 6: algorithm names */
#define ZTP_SSHWIRE_MAX_NAMES 128	/* names in one name-list */
#define ZTP_SSHWIRE_MAX_SKIP 16		/* IGNORE/DEBUG packets before KEXINIT */

/* The ten name-lists of SSH_MSG_KEXINIT, in packet order. */
enum ztp_kexlist {
	ZTP_KL_KEX, ZTP_KL_HOSTKEY, ZTP_KL_ENC_CS, ZTP_KL_ENC_SC,
	ZTP_KL_MAC_CS, ZTP_KL_MAC_SC, ZTP_KL_COMP_CS, ZTP_KL_COMP_SC,
	ZTP_KL_LANG_CS, ZTP_KL_LANG_SC, ZTP_KL_N
};
/* "kex", "hostkey", "enc_c2s", ... (stable keys for JSON) */
const char *ztp_sshwire_list_key(int list);

struct ztp_sshwire_banner {
	char line[ZTP_SSHWIRE_MAX_LINE + 1];	/* without CR LF, untrusted */
	char proto[16];				/* "2.0", "1.99" */
	char software[ZTP_SSHWIRE_MAX_LINE + 1];/* "OpenSSH_9.2p1", "Cisco-1.25" */
	char comments[ZTP_SSHWIRE_MAX_LINE + 1];/* after the first space, or "" */
};

struct ztp_sshwire_kexinit {
	uint8_t cookie[16];
	char *list[ZTP_KL_N];	/* comma-separated, validated; "" when empty */
	int first_kex_packet_follows;
	uint32_t reserved;
	int quirks;		/* ZTP_SSHWIRE_Q_* seen while parsing */
};
#define ZTP_SSHWIRE_Q_EMPTY_NAME 1	/* a list had an empty element (dropped) */
#define ZTP_SSHWIRE_Q_TRAILING 2	/* bytes after the reserved field */

/* Parse one line (CR LF already removed).  1: an SSH identification line
 * filled into *b; 0: some other line (allowed before the banner);
 * ZTP_ERR_PROTO: an "SSH-" line for a protocol other than 2.0/1.99 or a
 * malformed one; ZTP_ERR_PARSE: the line is not text (NUL, control bytes,
 * telnet IAC), i.e. this is not an SSH server. */
int ztp_sshwire_parse_banner(const char *line, size_t len,
			     struct ztp_sshwire_banner *b, struct ztp_err *e);

/* One unencrypted binary packet at p[0..n): 1 and the payload position
 * when complete, 0 when more bytes are needed (*need says how many in
 * total), ZTP_ERR_PROTO/ZTP_ERR_LIMIT when malformed or larger than max. */
int ztp_sshwire_parse_packet(const uint8_t *p, size_t n, size_t max,
			     size_t *used, size_t *need,
			     const uint8_t **payload, size_t *plen,
			     struct ztp_err *e);

/* The payload of SSH_MSG_KEXINIT (message byte 20 first).  On success the
 * lists are malloc'ed (free with ztp_sshwire_kexinit_free). */
int ztp_sshwire_parse_kexinit(const uint8_t *p, size_t n,
			      struct ztp_sshwire_kexinit *k, struct ztp_err *e);
void ztp_sshwire_kexinit_free(struct ztp_sshwire_kexinit *k);

/* What went wrong, for reports and exit codes. */
enum ztp_sshwire_kind {
	ZTP_SSHWIRE_OK,
	ZTP_SSHWIRE_REFUSED,	/* connection refused */
	ZTP_SSHWIRE_TIMEOUT,	/* deadline passed */
	ZTP_SSHWIRE_UNREACHABLE,/* name lookup, no route, reset, other socket errors */
	ZTP_SSHWIRE_CLOSED,	/* closed before sending anything */
	ZTP_SSHWIRE_NOT_SSH,	/* something answered, but not an SSH server */
	ZTP_SSHWIRE_PROTO,	/* an SSH server that broke the protocol */
};
const char *ztp_sshwire_kind_name(int kind);	/* "refused", "timeout", ... */

struct ztp_sshwire_opts {
	double timeout;		/* whole exchange per host, seconds; 0: 10 */
	int max_prelines;	/* 0: ZTP_SSHWIRE_PRELINES */
	size_t max_packet;	/* 0: ZTP_SSHWIRE_MAX_PACKET */
	const char *ident;	/* our identification; NULL: "SSH-2.0-ztp_kexcheck" */
	int no_disconnect;	/* 1: just close, do not send SSH_MSG_DISCONNECT */
};

/* The incremental reader (the server half of the exchange). */
struct ztp_sshwire_reader;
struct ztp_sshwire_reader *ztp_sshwire_reader_new(const struct ztp_sshwire_opts *o);
void ztp_sshwire_reader_free(struct ztp_sshwire_reader *r);
/* 1 when the KEXINIT is complete, 0 when more input is wanted, <0 on a
 * protocol error (kind in ztp_sshwire_reader_kind). Bytes after the
 * KEXINIT are ignored. */
int ztp_sshwire_reader_feed(struct ztp_sshwire_reader *r, const void *p,
			    size_t n, struct ztp_err *e);
/* The peer closed the connection (or the deadline passed when timeout is
 * 1): always <0 with the error that describes where it stopped. */
int ztp_sshwire_reader_end(struct ztp_sshwire_reader *r, int timeout,
			   double secs, struct ztp_err *e);
int ztp_sshwire_reader_kind(const struct ztp_sshwire_reader *r);
const struct ztp_sshwire_banner *ztp_sshwire_reader_banner(const struct ztp_sshwire_reader *r);
/* The KEXINIT (valid after feed returned 1; ownership stays with r unless
 * taken: ztp_sshwire_reader_take moves it into *k). */
void ztp_sshwire_reader_take(struct ztp_sshwire_reader *r, struct ztp_sshwire_kexinit *k);
/* Non-SSH lines seen before the banner (escaped, "\n"-separated, at most
 * a few hundred bytes), for "not an SSH server" messages. */
const char *ztp_sshwire_reader_prelines(const struct ztp_sshwire_reader *r);

/* The result of one fetch. */
struct ztp_sshwire_result {
	int kind;			/* enum ztp_sshwire_kind */
	struct ztp_err err;		/* message names host:port */
	char target[300];		/* "host:port" as given (or the fd label) */
	char addr[64];			/* the address connected to, "" if none */
	struct ztp_sshwire_banner banner;/* valid when banner_ok */
	int banner_ok;
	struct ztp_sshwire_kexinit kex;	/* valid when kind == OK */
	double secs;			/* time taken */
};
void ztp_sshwire_result_free(struct ztp_sshwire_result *r);

/* A connection in progress.  Typical event loop:
 *
 *	c = ztp_sshwire_conn_new(host, port, &o, &e);
 *	while (!ztp_sshwire_conn_done(c)) {
 *		pfd.fd = ztp_sshwire_conn_fd(c);
 *		pfd.events = ztp_sshwire_conn_events(c);
 *		ms = (ztp_sshwire_conn_deadline(c) - ztp_os_monotonic()) * 1000;
 *		poll(&pfd, 1, ms > 0 ? ms : 0);
 *		ztp_sshwire_conn_step(c, pfd.revents, ztp_os_monotonic());
 *	}
 *	ztp_sshwire_conn_result(c, &res);
 *	ztp_sshwire_conn_free(c);
 *
 * conn_new resolves the name with getaddrinfo (blocking; numeric
 * addresses never block) and starts a non-blocking connect to the first
 * address; a refused or unreachable address moves on to the next one.
 * A failure to even start is not an error of conn_new: the connection is
 * born done with its result set, so batches need no special case. */
struct ztp_sshwire_conn;
struct ztp_sshwire_conn *ztp_sshwire_conn_new(const char *host, const char *port,
					      const struct ztp_sshwire_opts *o,
					      double now);
/* On an already connected descriptor (made non-blocking here).  The
 * descriptor is closed by conn_free only when own_fd is 1. */
struct ztp_sshwire_conn *ztp_sshwire_conn_new_fd(int fd, int own_fd, const char *label,
						 const struct ztp_sshwire_opts *o,
						 double now);
int ztp_sshwire_conn_fd(const struct ztp_sshwire_conn *c);	/* -1 when done */
short ztp_sshwire_conn_events(const struct ztp_sshwire_conn *c);	/* POLLIN/POLLOUT */
double ztp_sshwire_conn_deadline(const struct ztp_sshwire_conn *c);
/* Make progress after poll (revents may be 0 on a timeout); 1 when done. */
int ztp_sshwire_conn_step(struct ztp_sshwire_conn *c, short revents, double now);
int ztp_sshwire_conn_done(const struct ztp_sshwire_conn *c);
/* Move the result out (call once, when done). */
void ztp_sshwire_conn_result(struct ztp_sshwire_conn *c, struct ztp_sshwire_result *r);
void ztp_sshwire_conn_free(struct ztp_sshwire_conn *c);

/* Blocking convenience: one host ("host", port "22" when NULL).  Returns 0
 * or the negative error code also stored in r->err. */
int ztp_sshwire_fetch(const char *host, const char *port,
		      const struct ztp_sshwire_opts *o, struct ztp_sshwire_result *r);
int ztp_sshwire_fetch_fd(int fd, const char *label, const struct ztp_sshwire_opts *o,
			 struct ztp_sshwire_result *r);

/* Split "host", "host:port", "[v6]:port", "v6" (more than one colon, no
 * brackets: all host) into host and port (default_port when absent).
 * 0 or ZTP_ERR_USAGE. */
int ztp_sshwire_split_target(const char *s, const char *default_port,
			     char *host, size_t hostsz, char *port, size_t portsz,
			     struct ztp_err *e);

#endif
