/* telnet.c: the client side of telnet as a pure state machine (telnet.h) */
#include <stdlib.h>
#include <string.h>

#include "telnet.h"

/* RFC 1143 Q method: a state and a queue bit per option and side */
enum q { Q_NO, Q_YES, Q_WANTNO, Q_WANTYES };

struct side {
	unsigned char state;	/* enum q */
	unsigned char opposite;	/* the queue bit */
};

enum rx { RX_DATA, RX_CR, RX_IAC, RX_OPT, RX_SB, RX_SB_IAC };

#define CPC_SET_CONTROL 5
#define CPC_SERVER_BASE 100
#define TTYPE_IS 0
#define TTYPE_SEND 1

struct ztp_telnet {
	int telnet, binary, rfc2217;
	char term[41];
	unsigned cols, rows;
	char *inband;
	size_t inband_len;

	struct side us[256], him[256];
	enum rx rx;
	unsigned char verb;	/* WILL/WONT/DO/DONT being read */
	unsigned char sb[ZTP_TELNET_SB_MAX];
	size_t sblen;
	int sb_over;
	int control_ack;
	unsigned long sent, dropped;
};

static int nomem(struct ztp_err *e)
{
	return ztp_err_set(e, ZTP_ERR_LIMIT, "cannot buffer telnet data: out of memory or over the limit");
}

int ztp_telnet_new(struct ztp_telnet **tp, const struct ztp_telnet_opts *o,
		   struct ztp_err *e)
{
	struct ztp_telnet *t;
	const char *term = o->term ? o->term : "VT100";
	size_t i;

	*tp = NULL;
	if (strlen(term) == 0 || strlen(term) >= sizeof t->term)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use terminal type '%s': 1 to 40 characters", term);
	for (i = 0; term[i]; i++)
		if ((unsigned char)term[i] <= 0x20 || (unsigned char)term[i] >= 0x7f)
			return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use terminal type '%s': printable ASCII only", term);
	if (!(t = calloc(1, sizeof *t)))
		return ztp_err_sys(e, "cannot start a telnet session");
	t->telnet = o->telnet;
	t->binary = o->binary;
	t->rfc2217 = o->rfc2217;
	memcpy(t->term, term, strlen(term) + 1);
	t->cols = o->cols ? o->cols : 80;
	t->rows = o->rows ? o->rows : 24;
	if (t->cols > 0xffff)
		t->cols = 0xffff;
	if (t->rows > 0xffff)
		t->rows = 0xffff;
	if (o->inband_break && o->inband_len) {
		if (!(t->inband = malloc(o->inband_len))) {
			free(t);
			return ztp_err_sys(e, "cannot start a telnet session");
		}
		memcpy(t->inband, o->inband_break, o->inband_len);
		t->inband_len = o->inband_len;
	}
	t->control_ack = -1;
	*tp = t;
	return 0;
}

void ztp_telnet_free(struct ztp_telnet *t)
{
	if (!t)
		return;
	free(t->inband);
	free(t);
}

/* what we accept: us = we do it, else the server does it */
static int agree(const struct ztp_telnet *t, int opt, int us)
{
	switch (opt) {
	case ZTP_TNO_BINARY:
		return t->binary;
	case ZTP_TNO_SGA:
		return 1;
	case ZTP_TNO_ECHO:
		return !us;	/* the server (the device) echoes; we never do */
	case ZTP_TNO_NAWS:
	case ZTP_TNO_TTYPE:
		return us;
	case ZTP_TNO_COMPORT:
		return us && t->rfc2217;
	}
	return 0;
}

static int cmd(struct ztp_telnet *t, struct ztp_buf *out, int verb, int opt)
{
	unsigned char c[3] = { ZTP_TN_IAC, (unsigned char)verb, (unsigned char)opt };

	t->sent++;
	return ztp_buf_add(out, c, 3);
}

/* a subnegotiation, its payload escaped */
static int sb(struct ztp_buf *out, int opt, const unsigned char *p, size_t n)
{
	unsigned char head[3] = { ZTP_TN_IAC, ZTP_TN_SB, (unsigned char)opt };
	unsigned char tail[2] = { ZTP_TN_IAC, ZTP_TN_SE };
	size_t i;

	if (ztp_buf_add(out, head, 3) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] == ZTP_TN_IAC && ztp_buf_addc(out, ZTP_TN_IAC) < 0)
			return -1;
		if (ztp_buf_addc(out, p[i]) < 0)
			return -1;
	}
	return ztp_buf_add(out, tail, 2);
}

static int send_naws(struct ztp_telnet *t, struct ztp_buf *out)
{
	unsigned char v[4] = {
		(unsigned char)(t->cols >> 8), (unsigned char)t->cols,
		(unsigned char)(t->rows >> 8), (unsigned char)t->rows,
	};

	return sb(out, ZTP_TNO_NAWS, v, 4);
}

/* an option just turned on for our side */
static int now_on(struct ztp_telnet *t, int opt, struct ztp_buf *out)
{
	if (opt == ZTP_TNO_NAWS)
		return send_naws(t, out);
	return 0;
}

/* RFC 1143: ask to enable (verb DO for him, WILL for us) */
static int ask(struct ztp_telnet *t, int opt, int us, struct ztp_buf *out)
{
	struct side *s = us ? &t->us[opt] : &t->him[opt];

	switch (s->state) {
	case Q_NO:
		s->state = Q_WANTYES;
		return cmd(t, out, us ? ZTP_TN_WILL : ZTP_TN_DO, opt);
	case Q_WANTNO:
		s->opposite = 1;
		break;
	case Q_WANTYES:
		s->opposite = 0;
		break;
	}
	return 0;
}

/* RFC 1143: the peer said WILL/DO (yes = 1) or WONT/DONT (yes = 0) */
static int got(struct ztp_telnet *t, int opt, int us, int yes, struct ztp_buf *out)
{
	struct side *s = us ? &t->us[opt] : &t->him[opt];
	int pos = us ? ZTP_TN_WILL : ZTP_TN_DO, neg = us ? ZTP_TN_WONT : ZTP_TN_DONT;

	if (yes) {
		switch (s->state) {
		case Q_NO:
			if (!agree(t, opt, us))
				return cmd(t, out, neg, opt);
			s->state = Q_YES;
			if (cmd(t, out, pos, opt) < 0)
				return -1;
			return us ? now_on(t, opt, out) : 0;
		case Q_YES:
			return 0;
		case Q_WANTNO:
			s->state = s->opposite ? Q_YES : Q_NO;
			s->opposite = 0;
			return 0;
		case Q_WANTYES:
			if (s->opposite) {
				s->state = Q_WANTNO;
				s->opposite = 0;
				return cmd(t, out, neg, opt);
			}
			s->state = Q_YES;
			return us ? now_on(t, opt, out) : 0;
		}
		return 0;
	}
	switch (s->state) {
	case Q_YES:
		s->state = Q_NO;
		return cmd(t, out, neg, opt);
	case Q_WANTNO:
		if (s->opposite) {
			s->state = Q_WANTYES;
			s->opposite = 0;
			return cmd(t, out, pos, opt);
		}
		s->state = Q_NO;
		return 0;
	case Q_WANTYES:
		s->state = Q_NO;
		s->opposite = 0;
		return 0;
	}
	return 0;
}

int ztp_telnet_start(struct ztp_telnet *t, struct ztp_buf *out, struct ztp_err *e)
{
	if (!t->telnet)
		return 0;
	if (ask(t, ZTP_TNO_SGA, 0, out) < 0 || ask(t, ZTP_TNO_ECHO, 0, out) < 0 ||
	    ask(t, ZTP_TNO_SGA, 1, out) < 0)
		return nomem(e);
	if (t->binary && (ask(t, ZTP_TNO_BINARY, 1, out) < 0 || ask(t, ZTP_TNO_BINARY, 0, out) < 0))
		return nomem(e);
	if (t->rfc2217 && ask(t, ZTP_TNO_COMPORT, 1, out) < 0)
		return nomem(e);
	return 0;
}

static int subneg(struct ztp_telnet *t, struct ztp_buf *out)
{
	const unsigned char *p = t->sb;
	size_t n = t->sblen;

	if (n < 1)
		return 0;
	switch (p[0]) {
	case ZTP_TNO_TTYPE:
		if (n >= 2 && p[1] == TTYPE_SEND && t->us[ZTP_TNO_TTYPE].state == Q_YES) {
			unsigned char v[1 + sizeof t->term];
			size_t k = strlen(t->term);

			v[0] = TTYPE_IS;
			memcpy(v + 1, t->term, k);
			return sb(out, ZTP_TNO_TTYPE, v, 1 + k);
		}
		return 0;
	case ZTP_TNO_COMPORT:
		if (n >= 3 && p[1] == CPC_SERVER_BASE + CPC_SET_CONTROL)
			t->control_ack = p[2];
		return 0;
	}
	return 0;
}

int ztp_telnet_recv(struct ztp_telnet *t, const void *vp, size_t n,
		    struct ztp_buf *data, struct ztp_buf *out, struct ztp_err *e)
{
	const unsigned char *p = vp;
	size_t i, run;

	if (!t->telnet)
		return ztp_buf_add(data, p, n) < 0 ? nomem(e) : 0;
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (t->rx) {
		case RX_CR:
			t->rx = RX_DATA;
			if (c == 0)	/* CR NUL is a CR */
				break;
			/* FALLTHROUGH */
		case RX_DATA:
			if (c == ZTP_TN_IAC) {
				t->rx = RX_IAC;
				break;
			}
			/* a run of plain bytes at once */
			for (run = 1; i + run < n && p[i + run] != ZTP_TN_IAC && p[i + run] != '\r'; run++)
				;
			if (c == '\r')
				run = 1;
			if (ztp_buf_add(data, p + i, run) < 0)
				return nomem(e);
			if (c == '\r' && t->him[ZTP_TNO_BINARY].state != Q_YES)
				t->rx = RX_CR;
			i += run - 1;
			break;
		case RX_IAC:
			t->rx = RX_DATA;
			switch (c) {
			case ZTP_TN_IAC:
				if (ztp_buf_addc(data, ZTP_TN_IAC) < 0)
					return nomem(e);
				break;
			case ZTP_TN_WILL: case ZTP_TN_WONT: case ZTP_TN_DO: case ZTP_TN_DONT:
				t->verb = c;
				t->rx = RX_OPT;
				break;
			case ZTP_TN_SB:
				t->sblen = 0;
				t->sb_over = 0;
				t->rx = RX_SB;
				break;
			default:	/* GA, NOP, DM, ...: nothing for a console */
				break;
			}
			break;
		case RX_OPT:
			t->rx = RX_DATA;
			if (got(t, c, t->verb == ZTP_TN_DO || t->verb == ZTP_TN_DONT,
				t->verb == ZTP_TN_WILL || t->verb == ZTP_TN_DO, out) < 0)
				return nomem(e);
			break;
		case RX_SB:
			if (c == ZTP_TN_IAC) {
				t->rx = RX_SB_IAC;
				break;
			}
			goto sb_byte;
		case RX_SB_IAC:
			if (c == ZTP_TN_IAC) {
				t->rx = RX_SB;
				goto sb_byte;
			}
			if (c == ZTP_TN_SE) {
				t->rx = RX_DATA;
				if (t->sb_over)
					t->dropped++;
				else if (subneg(t, out) < 0)
					return nomem(e);
				break;
			}
			/* IAC and a command inside a subnegotiation: the
			 * subnegotiation was cut; read the command */
			t->dropped++;
			t->rx = RX_IAC;
			i--;
			break;
sb_byte:
			if (t->sblen < sizeof t->sb)
				t->sb[t->sblen++] = c;
			else
				t->sb_over = 1;
			break;
		}
	}
	return 0;
}

int ztp_telnet_send(struct ztp_telnet *t, const void *vp, size_t n,
		    struct ztp_buf *out, struct ztp_err *e)
{
	const unsigned char *p = vp;
	size_t i, run;
	int bin;

	if (!t->telnet)
		return ztp_buf_add(out, p, n) < 0 ? nomem(e) : 0;
	bin = t->us[ZTP_TNO_BINARY].state == Q_YES;
	for (i = 0; i < n; i += run) {
		for (run = 0; i + run < n && p[i + run] != ZTP_TN_IAC && p[i + run] != '\r'; run++)
			;
		if (run) {
			if (ztp_buf_add(out, p + i, run) < 0)
				return nomem(e);
			continue;
		}
		run = 1;
		if (ztp_buf_addc(out, p[i]) < 0)
			return nomem(e);
		if (p[i] == ZTP_TN_IAC) {
			if (ztp_buf_addc(out, ZTP_TN_IAC) < 0)
				return nomem(e);
		} else if (!bin && (i + 1 >= n || p[i + 1] != '\n')) {
			if (ztp_buf_addc(out, 0) < 0)	/* CR NUL */
				return nomem(e);
		}
	}
	return 0;
}

int ztp_telnet_break(struct ztp_telnet *t, enum ztp_telnet_break how, int on,
		     struct ztp_buf *out, struct ztp_err *e)
{
	unsigned char v[2];

	switch (how) {
	case ZTP_TELNET_BRK_IAC:
		if (!t->telnet)
			return ztp_err_set(e, ZTP_ERR_USAGE, "cannot send a telnet BREAK on a raw TCP line: use transport telnet or an in-band break sequence");
		if (!on)
			return 0;
		v[0] = ZTP_TN_IAC;
		v[1] = ZTP_TN_BRK;
		return ztp_buf_add(out, v, 2) < 0 ? nomem(e) : 0;
	case ZTP_TELNET_BRK_RFC2217:
		if (!t->telnet || t->us[ZTP_TNO_COMPORT].state != Q_YES)
			return ztp_err_set(e, ZTP_ERR_USAGE, "cannot send an RFC 2217 BREAK: the terminal server did not agree to COM-PORT-CONTROL; use break iac");
		v[0] = CPC_SET_CONTROL;
		v[1] = on ? 5 : 6;
		return sb(out, ZTP_TNO_COMPORT, v, 2) < 0 ? nomem(e) : 0;
	case ZTP_TELNET_BRK_INBAND:
		if (!t->inband_len)
			return ztp_err_set(e, ZTP_ERR_USAGE, "cannot send an in-band BREAK: no break sequence configured");
		if (!on)
			return 0;
		return ztp_telnet_send(t, t->inband, t->inband_len, out, e);
	}
	return ztp_err_set(e, ZTP_ERR_USAGE, "cannot send a BREAK: unknown way %d", (int)how);
}

int ztp_telnet_winsize(struct ztp_telnet *t, unsigned cols, unsigned rows,
		       struct ztp_buf *out, struct ztp_err *e)
{
	t->cols = cols > 0xffff ? 0xffff : cols;
	t->rows = rows > 0xffff ? 0xffff : rows;
	if (t->telnet && t->us[ZTP_TNO_NAWS].state == Q_YES && send_naws(t, out) < 0)
		return nomem(e);
	return 0;
}

int ztp_telnet_enabled(const struct ztp_telnet *t, int opt, int us)
{
	if (opt < 0 || opt > 255)
		return 0;
	return (us ? t->us[opt].state : t->him[opt].state) == Q_YES;
}

int ztp_telnet_control_ack(const struct ztp_telnet *t)
{
	return t->control_ack;
}

unsigned long ztp_telnet_sent_cmds(const struct ztp_telnet *t)
{
	return t->sent;
}

unsigned long ztp_telnet_dropped_sb(const struct ztp_telnet *t)
{
	return t->dropped;
}
