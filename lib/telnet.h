/* telnet.h: the client side of a telnet connection to a terminal server,
 * as a pure state machine (no I/O: bytes in, bytes out).
 *
 *   - option negotiation per RFC 854/855 with the Q method of RFC 1143 (a
 *     state per option and side, so two peers that both insist never loop);
 *   - the options a console line needs: ECHO (857) and SUPPRESS-GO-AHEAD
 *     (858) from the server, BINARY (856) both ways when asked for,
 *     NAWS (1073) with window size changes, TERMINAL-TYPE (1091), and
 *     COM-PORT-CONTROL (RFC 2217) for a serial BREAK; everything else is
 *     refused;
 *   - IAC escaping both ways: a 0xFF data byte goes out as IAC IAC, IAC IAC
 *     in is one 0xFF; CR goes out as CR NUL when the line is not binary
 *     (RFC 854), CR NUL in is CR;
 *   - subnegotiations bounded in size (longer ones are dropped whole);
 *   - BREAK three ways: IAC BRK, RFC 2217 SET-CONTROL break on/off, or an
 *     in-band byte sequence (SSH console servers: "~b", "\x1bB").
 *
 * Typical use:
 *	ztp_telnet_new(&t, &opts, e);
 *	ztp_telnet_start(t, &out);               send out
 *	on bytes from the network: ztp_telnet_recv(t, p, n, &data, &out, e);
 *	                           data to the user, out to the network
 *	to send user bytes:        ztp_telnet_send(t, p, n, &out);
 */
#ifndef ZTP_TELNET_H
#define ZTP_TELNET_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* commands and options, for tests and traces */
#define ZTP_TN_IAC 255
#define ZTP_TN_DONT 254
#define ZTP_TN_DO 253
#define ZTP_TN_WONT 252
#define ZTP_TN_WILL 251
#define ZTP_TN_SB 250
#define ZTP_TN_GA 249
#define ZTP_TN_BRK 243
#define ZTP_TN_SE 240

#define ZTP_TNO_BINARY 0
#define ZTP_TNO_ECHO 1
#define ZTP_TNO_SGA 3
#define ZTP_TNO_TTYPE 24
#define ZTP_TNO_NAWS 31
#define ZTP_TNO_COMPORT 44

#define ZTP_TELNET_SB_MAX 512	/* longest subnegotiation kept */

enum ztp_telnet_break {
	ZTP_TELNET_BRK_IAC,	/* IAC BRK (ser2net, Cisco) */
	ZTP_TELNET_BRK_RFC2217,	/* COM-PORT SET-CONTROL 5 (on), 6 (off) */
	ZTP_TELNET_BRK_INBAND,	/* the configured byte sequence, as data */
};

struct ztp_telnet_opts {
	int telnet;		/* 0: a raw TCP line (no IAC processing at all) */
	int binary;		/* ask for BINARY both ways */
	int rfc2217;		/* offer COM-PORT-CONTROL */
	const char *term;	/* TERMINAL-TYPE answer; NULL: "VT100" */
	unsigned cols, rows;	/* NAWS; 0: 80 x 24 */
	const char *inband_break;	/* ZTP_TELNET_BRK_INBAND bytes; NULL: none */
	size_t inband_len;
};

struct ztp_telnet;

int ztp_telnet_new(struct ztp_telnet **t, const struct ztp_telnet_opts *o,
		   struct ztp_err *e);
void ztp_telnet_free(struct ztp_telnet *t);	/* NULL is fine */

/* The opening offer (appended to out): what we want to do and want the
 * server to do.  Nothing for a raw line. */
int ztp_telnet_start(struct ztp_telnet *t, struct ztp_buf *out, struct ztp_err *e);

/* Bytes from the network: the data for the user appended to data, the
 * answers for the network to out.  Any split of the stream into calls gives
 * the same result.  Fails only when a buffer cannot grow. */
int ztp_telnet_recv(struct ztp_telnet *t, const void *p, size_t n,
		    struct ztp_buf *data, struct ztp_buf *out, struct ztp_err *e);

/* User bytes to send, escaped, appended to out. */
int ztp_telnet_send(struct ztp_telnet *t, const void *p, size_t n,
		    struct ztp_buf *out, struct ztp_err *e);

/* A BREAK, appended to out.  For RFC 2217, on = 1 starts the break and
 * on = 0 ends it (the caller waits in between); the other ways ignore
 * on = 0.  ZTP_ERR_USAGE when the way is not available (raw line, no
 * COM-PORT agreed, no in-band sequence): the message says so. */
int ztp_telnet_break(struct ztp_telnet *t, enum ztp_telnet_break how, int on,
		     struct ztp_buf *out, struct ztp_err *e);

/* The window size changed: remembered, and sent when NAWS is on. */
int ztp_telnet_winsize(struct ztp_telnet *t, unsigned cols, unsigned rows,
		       struct ztp_buf *out, struct ztp_err *e);

/* What was agreed: 1 when the option is on for that side (us: we do it;
 * else the server does). */
int ztp_telnet_enabled(const struct ztp_telnet *t, int opt, int us);

/* RFC 2217 answers seen: the last SET-CONTROL value the server confirmed
 * (-1: none yet). */
int ztp_telnet_control_ack(const struct ztp_telnet *t);

/* Counters, for tests and the fuzzer: negotiation commands sent, and
 * subnegotiations dropped for their size. */
unsigned long ztp_telnet_sent_cmds(const struct ztp_telnet *t);
unsigned long ztp_telnet_dropped_sb(const struct ztp_telnet *t);

#endif
