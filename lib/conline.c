/* conline.c: console lines: configuration, connection, lock, log (conline.h) */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conline.h"
#include "os.h"
#include "record.h"
#include "sshset.h"
#include "str.h"
#include "telnet.h"
#include "val.h"

/* ---- configuration */

static const char *const transports[] = { "telnet", "raw", "ssh", NULL };
static const char *const breaks[] = { "iac", "rfc2217", "inband", NULL };
/* Cisco's reverse telnet conventions, and none */
static const char *const presets[] = { "none", "cisco_telnet", "cisco_raw", "cisco_binary",
	"cisco_7000", NULL };
enum { P_NONE, P_TELNET, P_RAW, P_BINARY, P_7000 };

struct r_ts {
	char *host;
	int transport, preset, brk, binary, rfc2217;
	long long port_base, port_step, timeout;
	char *break_sequence, *user, *credential, *ssh_user, *conserver;
};

#define K(f) offsetof(struct r_ts, f)
static const struct ztp_conf_key ts_keys[] = {
	{ "host", ZTP_CT_STR, K(host), NULL, 0, 0, NULL, NULL, "terminal server name or address" },
	{ "transport", ZTP_CT_ENUM, K(transport), "telnet", 0, 0, transports, NULL, "telnet, raw (TCP) or ssh" },
	{ "preset", ZTP_CT_ENUM, K(preset), "none", 0, 0, presets, NULL,
	  "cisco_telnet 2000+N, cisco_raw 4000+N, cisco_binary 6000+N, cisco_7000 7000+N" },
	{ "port_base", ZTP_CT_INT, K(port_base), "-1", -1, 65535, NULL, NULL, "line N is at port_base + N * port_step" },
	{ "port_step", ZTP_CT_INT, K(port_step), "1", 0, 65535, NULL, NULL, "ports between lines" },
	{ "binary", ZTP_CT_BOOL, K(binary), "false", 0, 0, NULL, NULL, "telnet BINARY both ways" },
	{ "rfc2217", ZTP_CT_BOOL, K(rfc2217), "false", 0, 0, NULL, NULL, "offer COM-PORT-CONTROL (RFC 2217)" },
	{ "break", ZTP_CT_ENUM, K(brk), "iac", 0, 0, breaks, NULL, "BREAK as IAC BRK, RFC 2217 or break_sequence" },
	{ "break_sequence", ZTP_CT_STR, K(break_sequence), NULL, 0, 0, NULL, NULL, "in-band BREAK bytes (\\xNN escapes)" },
	{ "user", ZTP_CT_STR, K(user), NULL, 0, 0, NULL, NULL, "the terminal server's own login" },
	{ "credential", ZTP_CT_STR, K(credential), NULL, 0, 0, NULL, NULL, "its password: a credential name in the secrets file" },
	{ "ssh_user", ZTP_CT_STR, K(ssh_user), NULL, 0, 0, NULL, NULL, "ssh: user choosing the line, {line} and {user} replaced" },
	{ "timeout", ZTP_CT_DURATION, K(timeout), "10", 0, 0, NULL, NULL, "connect and wait deadline" },
	{ "conserver", ZTP_CT_STR, K(conserver), NULL, 0, 0, NULL, NULL,
	  "host:port of a conserver master that may hold these lines (asked when one is busy)" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
#undef K
const struct ztp_conf_schema ztp_ts_schema = { "terminal_server", sizeof(struct r_ts), ts_keys };

struct rack_ts {
	char *rack;
	struct r_ts ts;
};

struct ztp_conline_conf {
	struct rack_ts *v;
	size_t n;
	char *file;
};

void ztp_conline_conf_free(struct ztp_conline_conf *cc)
{
	size_t i;

	if (!cc)
		return;
	for (i = 0; i < cc->n; i++) {
		ztp_conf_release(&ztp_ts_schema, &cc->v[i].ts);
		free(cc->v[i].rack);
	}
	free(cc->v);
	free(cc->file);
	free(cc);
}

int ztp_conline_conf_load(struct ztp_conline_conf **out, const struct ztp_conf *c,
			  struct ztp_err *e)
{
	struct ztp_conline_conf *cc = ztp_xcalloc(1, sizeof *cc);
	const char *file = c->file ? c->file : "(defaults)";
	char where[160];
	size_t i;
	int rc = 0;

	*out = NULL;
	cc->file = c->file ? ztp_xstrdup(c->file) : NULL;
	if (!c->racks) {
		*out = cc;
		return 0;
	}
	if (c->racks->type != ZTP_V_MAP) {
		rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: racks: expected a mapping", file, c->racks->line);
		goto out;
	}
	cc->v = ztp_xcalloc(c->racks->u.map.n ? c->racks->u.map.n : 1, sizeof *cc->v);
	for (i = 0; i < c->racks->u.map.n; i++) {
		const struct ztp_mapent *me = &c->racks->u.map.e[i];
		const struct ztp_val *ts;
		struct rack_ts *r;
		char rack[64];
		int line;

		if (me->key->type != ZTP_V_STR || me->val->type != ZTP_V_MAP)
			continue;	/* dhcpd reports those */
		if (!(ts = ztp_map_get(me->val, "terminal_server")))
			continue;
		line = ts->line;
		if (snprintf(rack, sizeof rack, "%s", me->key->u.str.s) >= (int)sizeof rack ||
		    strchr(rack, ':') || strchr(rack, '/') || !rack[0]) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: racks.%s: a rack with a terminal server needs a name of 1 to 63 bytes without ':' or '/'",
					 file, line, ztp_esc(me->key->u.str.s));
			goto out;
		}
		if (snprintf(where, sizeof where, "racks.%s.terminal_server", rack) >= (int)sizeof where) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: racks.%s: name too long", file, line, rack);
			goto out;
		}
		r = &cc->v[cc->n];
		if ((rc = ztp_conf_apply(&ztp_ts_schema, &r->ts, ts, c->file, where, e)) < 0) {
			ztp_conf_release(&ztp_ts_schema, &r->ts);
			goto out;
		}
		r->rack = ztp_xstrdup(rack);
		cc->n++;
		if (!r->ts.host) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: %s.host: missing; name the terminal server", file, line, where);
			goto out;
		}
		if (r->ts.port_base < 0 && r->ts.preset == P_NONE) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: %s.port_base: missing; give the port of line 0 or a preset (cisco_telnet: 2000)",
					 file, line, where);
			goto out;
		}
		if (r->ts.brk == ZTP_CL_BRK_INBAND) {
			char tmp[32];

			if (!r->ts.break_sequence || ztp_conline_unescape(r->ts.break_sequence, tmp, sizeof tmp) <= 0) {
				rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: %s.break_sequence: break inband needs 1 to 32 bytes, such as '~b' or '\\x1bB'",
						 file, line, where);
				goto out;
			}
		}
		if (r->ts.brk == ZTP_CL_BRK_RFC2217 && !r->ts.rfc2217) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: %s.break: rfc2217 needs rfc2217: true", file, line, where);
			goto out;
		}
		if (r->ts.transport == ZTP_CL_RAW && r->ts.brk != ZTP_CL_BRK_INBAND && r->ts.break_sequence == NULL &&
		    ztp_map_get(ts, "break")) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: %s.break: a raw TCP line has no telnet BREAK; use break: inband with a break_sequence",
					 file, line, where);
			goto out;
		}
	}
	*out = cc;
	cc = NULL;
out:
	ztp_conline_conf_free(cc);
	return rc < 0 ? ZTP_ERR_CONFIG : 0;
}

int ztp_conline_conf_dump(const struct ztp_conline_conf *cc, struct ztp_buf *b)
{
	size_t i;

	if (!cc->n)
		return ztp_buf_adds(b, "# no rack has a terminal_server\n");
	ztp_buf_adds(b, "racks:\n");
	for (i = 0; i < cc->n; i++) {
		ztp_buf_addf(b, "  %s:\n    terminal_server:\n", cc->v[i].rack);
		if (ztp_conf_dump(&ztp_ts_schema, &cc->v[i].ts, b, 6) < 0)
			return -1;
	}
	return 0;
}

long ztp_conline_unescape(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	int hi, lo;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\') {
			s++;
			switch (*s) {
			case 'x':
				if ((hi = ztp_hexval(s[1])) < 0 || (lo = ztp_hexval(s[2])) < 0)
					return -1;
				c = (char)(hi << 4 | lo);
				s += 2;
				break;
			case 'e': c = 0x1b; break;
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case '0': c = 0; break;
			case '\\': c = '\\'; break;
			default:
				return -1;
			}
		}
		if (n >= outsz)
			return -1;
		out[n++] = c;
	}
	return (long)n;
}

static int copy(char *dst, size_t n, const char *src)
{
	return snprintf(dst, n, "%s", src ? src : "") < (int)n ? 0 : -1;
}

static int from_ts(struct ztp_conline_target *t, const char *rack, const struct r_ts *ts,
		   long line, struct ztp_err *e)
{
	long long base = ts->port_base, port;
	long k;

	switch (ts->preset) {
	case P_TELNET: if (base < 0) base = 2000; break;
	case P_RAW: if (base < 0) base = 4000; break;
	case P_BINARY: if (base < 0) base = 6000; break;
	case P_7000: if (base < 0) base = 7000; break;
	}
	port = base + line * ts->port_step;
	if (port < 1 || port > 65535)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot reach line %s:%ld: port %lld is out of range; check port_base and port_step",
				   rack, line, port);
	if (snprintf(t->name, sizeof t->name, "%s:%ld", rack, line) >= (int)sizeof t->name ||
	    copy(t->rack, sizeof t->rack, rack) < 0 || copy(t->host, sizeof t->host, ts->host) < 0 ||
	    copy(t->user, sizeof t->user, ts->user) < 0 ||
	    copy(t->credential, sizeof t->credential, ts->credential) < 0 ||
	    copy(t->conserver, sizeof t->conserver, ts->conserver) < 0)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use line %s:%ld: a name in its terminal_server is too long", rack, line);
	t->line = line;
	t->port = (int)port;
	t->transport = (enum ztp_conline_transport)ts->transport;
	t->binary = ts->binary || ts->preset == P_BINARY;
	t->rfc2217 = ts->rfc2217;
	t->brk = (enum ztp_conline_break)ts->brk;
	if (ts->preset == P_RAW)
		t->transport = ZTP_CL_RAW;
	t->timeout = ts->timeout > 0 ? (double)ts->timeout : 10;
	if (ts->break_sequence) {
		k = ztp_conline_unescape(ts->break_sequence, t->brkseq, sizeof t->brkseq);
		t->brklen = k > 0 ? (size_t)k : 0;
	}
	if (ts->ssh_user) {	/* "{user}:port{line}" */
		struct ztp_buf b = ZTP_BUF_INIT;
		const char *p;
		int rc = 0;

		for (p = ts->ssh_user; *p; p++) {
			if (ztp_startswith(p, "{line}")) {
				ztp_buf_addf(&b, "%ld", line);
				p += 5;
			} else if (ztp_startswith(p, "{user}")) {
				ztp_buf_adds(&b, ts->user ? ts->user : "");
				p += 5;
			} else
				ztp_buf_addc(&b, *p);
		}
		if (copy(t->ssh_user, sizeof t->ssh_user, b.p) < 0)
			rc = ztp_err_set(e, ZTP_ERR_USAGE, "cannot use line %s:%ld: ssh_user too long", rack, line);
		ztp_buf_free(&b);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int resolve(const struct ztp_conline_conf *cc, const char *op,
		   struct ztp_conline_target *t, int depth, struct ztp_err *e)
{
	const char *colon = strrchr(op, ':');
	struct stat st;
	long long n;
	size_t i;

	memset(t, 0, sizeof *t);
	t->line = -1;
	t->timeout = 10;
	if (colon && colon != op && ztp_parse_ll(colon + 1, 0, 65535, &n) == 0) {
		for (i = 0; i < cc->n; i++)
			if (strlen(cc->v[i].rack) == (size_t)(colon - op) &&
			    memcmp(cc->v[i].rack, op, (size_t)(colon - op)) == 0)
				return from_ts(t, cc->v[i].rack, &cc->v[i].ts, (long)n, e);
		/* host:port; [v6]:port */
		if (n < 1)
			return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use line '%s': port 0", ztp_esc(op));
		if (op[0] == '[' && colon[-1] == ']') {
			if ((size_t)(colon - op - 2) >= sizeof t->host)
				return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use line '%s': name too long", ztp_esc(op));
			memcpy(t->host, op + 1, (size_t)(colon - op - 2));
		} else {
			if ((size_t)(colon - op) >= sizeof t->host)
				return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use line '%s': name too long", ztp_esc(op));
			memcpy(t->host, op, (size_t)(colon - op));
		}
		if (copy(t->name, sizeof t->name, op) < 0)
			return ztp_err_set(e, ZTP_ERR_USAGE, "cannot use line '%s': name too long", ztp_esc(op));
		t->port = (int)n;
		t->transport = ZTP_CL_TELNET;
		return 0;
	}
	if (depth == 0 && stat(op, &st) == 0 && S_ISREG(st.st_mode)) {
		struct ztp_val *rec = NULL;
		int rc;

		if ((rc = ztp_rec_load_file(op, &rec, e)) < 0)
			return rc;
		rc = ztp_conline_resolve_record(cc, rec, op, t, e);
		ztp_val_unref(rec);
		return rc;
	}
	return ztp_err_set(e, ZTP_ERR_USAGE, "cannot find line '%s': not rack:line of a rack with a terminal_server, host:port, or a record file",
			   ztp_esc(op));
}

int ztp_conline_resolve(const struct ztp_conline_conf *cc, const char *operand,
			struct ztp_conline_target *t, struct ztp_err *e)
{
	return resolve(cc, operand, t, 0, e);
}

int ztp_conline_resolve_record(const struct ztp_conline_conf *cc, const struct ztp_val *rec,
			       const char *source, struct ztp_conline_target *t,
			       struct ztp_err *e)
{
	const struct ztp_val *con = ztp_map_get(rec, "console");
	const char *id = ztp_map_str(rec, "id");

	if (!con || con->type != ZTP_V_STR || !con->u.str.s[0])
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot find the console line of record '%s': it has no console field; set it (rack:line) or give the line",
				   ztp_esc(id ? id : source));
	return resolve(cc, con->u.str.s, t, 1, e);
}

/* ---- an open line */

#define LAST_MAX 160
#define BUSY_SCAN 4096

struct ztp_conline {
	int fd;
	struct ztp_conline_target t;
	struct ztp_telnet *tn;
	struct ztp_buf in, data, out;
	size_t seen;		/* bytes of device output so far */
	char head[BUSY_SCAN + 1];	/* the first bytes, for busy messages */
	size_t headlen;
	char last[LAST_MAX + 1], cur[LAST_MAX + 1];
	size_t curlen;
	/* the ssh transport: a shell channel of an SSH session */
	struct ztp_ssh *ssh;
	struct ztp_cli_transport st;
	struct ztp_sshalg_lib lib;
	int have_lib;
};

static const struct {
	const char *words, *fix;
} busy_words[] = {
	{ "Port already in use", "another client holds this ser2net port: close it, or set kickolduser on the connection" },
	{ "Port's device already in use", "another ser2net port holds the device: close that session" },
	{ "Connection refused by remote host", "a session (often a stale one) holds the line: 'clear line N' on the terminal server, and 'service tcp-keepalives-in' keeps it from happening" },
	{ "is being used by", "someone holds the port on the console server: ask them, or disconnect them there" },
	{ "Port disabled", "the port is disabled on the terminal server: enable it there" },
};

int ztp_conline_fd(const struct ztp_conline *c)
{
	return c->ssh ? ssh_get_fd(ztp_ssh_session(c->ssh)) : c->fd;
}

const char *ztp_conline_last_line(const struct ztp_conline *c)
{
	return c->curlen ? c->cur : c->last;
}

static void track_last(struct ztp_conline *c, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\n') {
			if (c->curlen) {
				memcpy(c->last, c->cur, c->curlen + 1);
				c->curlen = 0;
				c->cur[0] = 0;
			}
		} else if (ch >= 0x20 && ch < 0x7f && c->curlen < LAST_MAX) {
			c->cur[c->curlen++] = (char)ch;
			c->cur[c->curlen] = 0;
		}
	}
}

static int busy_check(struct ztp_conline *c, struct ztp_err *e)
{
	size_t i;

	for (i = 0; i < sizeof busy_words / sizeof busy_words[0]; i++)
		if (memmem(c->head, c->headlen, busy_words[i].words, strlen(busy_words[i].words)))
			return ztp_err_set(e, ZTP_ERR_BUSY, "line %s is in use: the terminal server %s:%d says \"%s\"; %s",
					   c->t.name, c->t.host, c->t.port, busy_words[i].words, busy_words[i].fix);
	return 0;
}

static int flush_out(struct ztp_conline *c, double deadline, struct ztp_err *e)
{
	size_t off = 0;

	while (off < c->out.len) {
		ssize_t w = send(c->fd, c->out.p + off, c->out.len - off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { c->fd, POLLOUT, 0 };
			double left = deadline - ztp_os_monotonic();

			if (left <= 0) {
				ztp_buf_reset(&c->out);
				return ztp_err_set(e, ZTP_ERR_TIMEOUT, "cannot write to line %s: the terminal server %s:%d took nothing for the whole deadline",
						   c->t.name, c->t.host, c->t.port);
			}
			(void)poll(&pf, 1, (int)(left * 1000) + 1);
			continue;
		}
		ztp_buf_reset(&c->out);
		if (errno == EPIPE || errno == ECONNRESET) {
			/* a terminal server says why before it hangs up */
			int saved = errno;
			ssize_t r;

			while (c->headlen < BUSY_SCAN &&
			       (r = recv(c->fd, c->head + c->headlen, BUSY_SCAN - c->headlen, MSG_DONTWAIT)) > 0)
				c->headlen += (size_t)r;
			if (busy_check(c, e) < 0)
				return -1;
			errno = saved;
		}
		return ztp_err_sys(e, "cannot write to line %s (%s:%d)", c->t.name, c->t.host, c->t.port);
	}
	ztp_buf_reset(&c->out);
	return 0;
}

static int pump(struct ztp_conline *c, double deadline, struct ztp_err *e);

/* SSH failures by kind: what the person can retry (75) and what needs a
 * change of settings (2) */
static int ssh_code(enum ztp_ssh_kind k)
{
	switch (k) {
	case ZTP_SSH_REFUSED:
	case ZTP_SSH_UNREACHABLE:
	case ZTP_SSH_CLOSED:
	case ZTP_SSH_PROTOCOL:
		return ZTP_ERR_SYS;
	case ZTP_SSH_TIMEOUT:
		return ZTP_ERR_TIMEOUT;
	default:
		return ZTP_ERR_CONFIG;
	}
}

/* The ssh transport: the SSH layer's settings for the console server
 * (racks.<rack>.ssh, ssh, ssh_config, jump hosts, algorithm fixes), its
 * port and user chosen by the line, credentials from the secrets file
 * (only the terminal server's credential set when it names one). */
static int ssh_settings(const struct ztp_conline_target *t, const struct ztp_conf *conf,
			const struct ztp_sshalg_lib *lib, struct ztp_sshset *set,
			struct ztp_err *e)
{
	struct ztp_sshset_cli cli;
	struct ztp_sshdest d;
	int rc;

	memset(&cli, 0, sizeof cli);
	memset(&d, 0, sizeof d);
	cli.port = t->port;
	cli.user = t->ssh_user[0] ? t->ssh_user : t->user[0] ? t->user : NULL;
	cli.timeout = t->timeout;
	d.host = t->host;
	d.rack = t->rack[0] ? t->rack : NULL;
	if ((rc = ztp_sshset_resolve(conf, &cli, &d, lib, set, e)) < 0)
		return rc;
	if (t->credential[0]) {
		ztp_strlist_free(&set->credentials);
		ztp_strlist_add(&set->credentials, t->credential);
	}
	return 0;
}

int ztp_conline_ssh_print(const struct ztp_conline_target *t, const struct ztp_conf *conf,
			  int verbose, struct ztp_buf *b, struct ztp_err *e)
{
	struct ztp_sshalg_lib lib;
	struct ztp_sshset set;
	int rc;

	memset(&set, 0, sizeof set);
	if (ztp_sshalg_lib_load(&lib, NULL, e) < 0)
		return e ? e->code : ZTP_ERR_CONFIG;
	if ((rc = ssh_settings(t, conf, &lib, &set, e)) == 0)
		rc = ztp_sshset_print(&set, verbose, b);
	ztp_sshset_free(&set);
	ztp_sshalg_lib_free(&lib);
	return rc;
}

static int open_ssh(struct ztp_conline *c, const struct ztp_conf *conf,
		    const struct ztp_val *secrets, struct ztp_err *e)
{
	const struct ztp_conline_target *t = &c->t;
	struct ztp_sshset set;
	struct ztp_ssh_opts o;
	struct ztp_ssh_failure f;
	size_t i;
	int rc = 0;

	memset(&set, 0, sizeof set);
	if (conf == NULL)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot open line %s over ssh: no configuration given for the SSH layer",
				   t->name);
	if (ztp_sshalg_lib_load(&c->lib, NULL, e) < 0)
		return e ? e->code : ZTP_ERR_CONFIG;
	c->have_lib = 1;
	if ((rc = ssh_settings(t, conf, &c->lib, &set, e)) < 0)
		goto out;
	if ((rc = ztp_sshset_connect_opts(&set, secrets, &o, e)) < 0)
		goto out;
	if (t->ssh_user[0])	/* "admin:port7": the user picks the line */
		for (i = 0; i < set.sshhop[set.nhops - 1].ncreds; i++)
			set.creds[set.sshhop[set.nhops - 1].creds - set.creds + i].user = NULL;
	if (ztp_ssh_connect(&c->ssh, &o, &f) < 0) {
		rc = ztp_err_set(e, ssh_code(f.kind), "cannot connect to line %s over ssh (%s): %s",
				 t->name, ztp_ssh_kind_name(f.kind), f.msg);
		goto out;
	}
	if ((rc = ztp_cli_ssh_transport(&c->st, ztp_ssh_session(c->ssh), e)) < 0)
		goto out;
out:
	ztp_sshset_free(&set);
	return rc;
}

int ztp_conline_open(struct ztp_conline **cp, const struct ztp_conline_target *t,
		     struct ztp_err *e)
{
	return ztp_conline_open_with(cp, t, NULL, NULL, e);
}

int ztp_conline_open_with(struct ztp_conline **cp, const struct ztp_conline_target *t,
			 const struct ztp_conf *conf, const struct ztp_val *secrets,
			 struct ztp_err *e)
{
	struct ztp_conline *c;
	struct ztp_telnet_opts o;
	struct addrinfo hints, *ai = NULL, *a;
	char port[8];
	double deadline = ztp_os_monotonic() + (t->timeout > 0 ? t->timeout : 10);
	int rc = 0, gai, fd = -1, soerr = 0;

	*cp = NULL;
	c = ztp_xcalloc(1, sizeof *c);
	c->fd = -1;
	c->t = *t;
	if (t->transport == ZTP_CL_SSH) {
		if ((rc = open_ssh(c, conf, secrets, e)) < 0)
			goto out;
		*cp = c;
		return 0;
	}
	memset(&o, 0, sizeof o);
	o.telnet = t->transport == ZTP_CL_TELNET;
	o.binary = t->binary;
	o.rfc2217 = t->rfc2217;
	o.inband_break = t->brklen ? t->brkseq : NULL;
	o.inband_len = t->brklen;
	if ((rc = ztp_telnet_new(&c->tn, &o, e)) < 0)
		goto out;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(port, sizeof port, "%d", t->port);
	if ((gai = getaddrinfo(t->host, port, &hints, &ai)) != 0) {
		rc = ztp_err_set(e, ZTP_ERR_CONFIG, "cannot resolve terminal server '%s' of line %s: %s",
				 ztp_esc(t->host), t->name, gai_strerror(gai));
		goto out;
	}
	for (a = ai; a; a = a->ai_next) {
		struct pollfd pf;
		socklen_t sl = sizeof soerr;
		double left;

		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol)) < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			soerr = errno;
			close(fd);
			fd = -1;
			continue;
		}
		pf.fd = fd;
		pf.events = POLLOUT;
		for (;;) {
			left = deadline - ztp_os_monotonic();
			if (left <= 0 || poll(&pf, 1, (int)(left * 1000) + 1) != 0)
				break;
		}
		if (left <= 0 && !(pf.revents & (POLLOUT | POLLERR | POLLHUP))) {
			close(fd);
			rc = ztp_err_set(e, ZTP_ERR_TIMEOUT, "cannot connect to line %s: the terminal server %s:%d did not answer within %.0fs",
					 t->name, ztp_esc(t->host), t->port, t->timeout);
			fd = -1;
			goto out;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		errno = soerr ? soerr : ECONNREFUSED;
		/* ZTP_ERR_SYS: a temporary failure (75) */
		rc = ztp_err_sys(e, "cannot connect to line %s at %s:%d%s", t->name, ztp_esc(t->host), t->port,
				 errno == ECONNREFUSED ? " (is the port enabled on the terminal server?)" : "");
		goto out;
	}
	c->fd = fd;
	/* A terminal server speaks first: its own offer, or why the line is
	 * busy before it hangs up (and our offer would make that a reset
	 * that loses its words).  A quiet one gets our offer soon. */
	if (t->transport == ZTP_CL_TELNET && pump(c, ztp_os_monotonic() + 0.5, e) < 0) {
		rc = e ? e->code : ZTP_ERR_PROTO;
		goto out;
	}
	if (ztp_telnet_start(c->tn, &c->out, e) < 0 || flush_out(c, deadline, e) < 0) {
		rc = e ? e->code : ZTP_ERR_SYS;
		goto out;
	}
	*cp = c;
	c = NULL;
out:
	if (ai)
		freeaddrinfo(ai);
	ztp_conline_close(c);
	return rc;
}

/* One read from the network into c->data (answers sent): 1 read, 0
 * nothing before the deadline, -1 */
static int pump(struct ztp_conline *c, double deadline, struct ztp_err *e)
{
	char buf[4096];

	if (c->ssh) {
		ssize_t r = c->st.read(c->st.ctx, buf, sizeof buf, deadline, e);

		if (r < 0 && busy_check(c, e) == 0)
			ztp_err_set(e, ZTP_ERR_PROTO, "line %s dropped: the console server %s:%d closed the session; last line seen: \"%s\"",
				    c->t.name, c->t.host, c->t.port, ztp_esc(ztp_conline_last_line(c)));
		if (r <= 0)
			return r < 0 ? -1 : 0;
		ztp_buf_add(&c->data, buf, (size_t)r);
		if (c->headlen < BUSY_SCAN) {
			size_t k = (size_t)r < BUSY_SCAN - c->headlen ? (size_t)r : BUSY_SCAN - c->headlen;

			memcpy(c->head + c->headlen, buf, k);
			c->headlen += k;
			if (busy_check(c, e) < 0)
				return -1;
		}
		return 1;
	}
	for (;;) {
		struct pollfd pf = { c->fd, POLLIN, 0 };
		double left = deadline - ztp_os_monotonic();
		ssize_t r;
		int pr;

		if (left < 0)
			left = 0;
		pr = poll(&pf, 1, (int)(left * 1000));
		if (pr < 0 && errno == EINTR)
			return 0;
		if (pr < 0)
			return ztp_err_sys(e, "cannot read line %s", c->t.name), -1;
		if (pr == 0)
			return 0;
		r = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r <= 0) {
			if (busy_check(c, e) < 0)
				return -1;
			if (r < 0)
				return ztp_err_sys(e, "line %s dropped: the terminal server %s:%d reset the connection; last line seen: \"%s\"",
						   c->t.name, c->t.host, c->t.port, ztp_esc(ztp_conline_last_line(c))), -1;
			return ztp_err_set(e, ZTP_ERR_PROTO, "line %s dropped: the terminal server %s:%d closed the connection; last line seen: \"%s\"",
					   c->t.name, c->t.host, c->t.port, ztp_esc(ztp_conline_last_line(c))), -1;
		}
		if (ztp_telnet_recv(c->tn, buf, (size_t)r, &c->data, &c->out, e) < 0)
			return -1;
		if (c->out.len && flush_out(c, deadline, e) < 0)
			return -1;
		if (c->headlen < BUSY_SCAN && c->data.len) {
			size_t k = c->data.len < BUSY_SCAN - c->headlen ? c->data.len : BUSY_SCAN - c->headlen;

			memcpy(c->head + c->headlen, c->data.p, k);
			c->headlen += k;
			if (busy_check(c, e) < 0)
				return -1;
		}
		return 1;
	}
}

ssize_t ztp_conline_read(struct ztp_conline *c, char *p, size_t n, double deadline,
			 struct ztp_err *e)
{
	int r;

	while (c->data.len == 0)
		if ((r = pump(c, deadline, e)) <= 0)
			return r;
	if (n > c->data.len)
		n = c->data.len;
	memcpy(p, c->data.p, n);
	memmove(c->data.p, c->data.p + n, c->data.len - n);
	c->data.len -= n;
	c->seen += n;
	track_last(c, p, n);
	return (ssize_t)n;
}

int ztp_conline_write(struct ztp_conline *c, const char *p, size_t n, double deadline,
		      struct ztp_err *e)
{
	if (c->ssh)
		return c->st.write(c->st.ctx, p, n, deadline, e) < 0 ? -1 : 0;
	if (ztp_telnet_send(c->tn, p, n, &c->out, e) < 0)
		return -1;
	return flush_out(c, deadline, e) < 0 ? -1 : 0;
}

int ztp_conline_break(struct ztp_conline *c, struct ztp_err *e)
{
	double deadline = ztp_os_monotonic() + c->t.timeout;
	enum ztp_telnet_break how = c->t.brk == ZTP_CL_BRK_RFC2217 ? ZTP_TELNET_BRK_RFC2217 :
		c->t.brk == ZTP_CL_BRK_INBAND ? ZTP_TELNET_BRK_INBAND : ZTP_TELNET_BRK_IAC;

	if (c->ssh) {	/* only in band: the console server's own sequence */
		if (c->t.brklen == 0)
			return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot send BREAK on line %s: an ssh console server takes it in band; set break_sequence of the terminal_server (Opengear: \"~b\")",
					   c->t.name);
		return ztp_conline_write(c, c->t.brkseq, c->t.brklen, deadline, e);
	}
	if (c->t.transport == ZTP_CL_RAW && how != ZTP_TELNET_BRK_INBAND)
		how = ZTP_TELNET_BRK_INBAND;	/* the message says what to configure */
	/* right after connecting the server may not have agreed yet */
	while (how == ZTP_TELNET_BRK_RFC2217 && c->t.transport == ZTP_CL_TELNET &&
	       !ztp_telnet_enabled(c->tn, ZTP_TNO_COMPORT, 1) && ztp_os_monotonic() < deadline)
		if (pump(c, ztp_os_monotonic() + 0.2, e) < 0)
			return -1;
	if (ztp_telnet_break(c->tn, how, 1, &c->out, e) < 0 || flush_out(c, deadline, e) < 0)
		return -1;
	if (how == ZTP_TELNET_BRK_RFC2217) {
		struct timespec ts = { 0, 250 * 1000 * 1000 };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (ztp_telnet_break(c->tn, how, 0, &c->out, e) < 0 || flush_out(c, deadline, e) < 0)
			return -1;
	}
	return 0;
}

int ztp_conline_winsize(struct ztp_conline *c, unsigned cols, unsigned rows,
			struct ztp_err *e)
{
	if (c->ssh)
		return 0;	/* the channel's pty stays 511 x 24 */
	if (ztp_telnet_winsize(c->tn, cols, rows, &c->out, e) < 0)
		return -1;
	return flush_out(c, ztp_os_monotonic() + c->t.timeout, e);
}

void ztp_conline_close(struct ztp_conline *c)
{
	if (!c)
		return;
	if (c->st.close)
		c->st.close(c->st.ctx);
	ztp_ssh_close(c->ssh);
	if (c->have_lib)
		ztp_sshalg_lib_free(&c->lib);
	if (c->fd >= 0)
		close(c->fd);
	ztp_telnet_free(c->tn);
	ztp_buf_free(&c->in);
	ztp_buf_free(&c->data);
	ztp_buf_free(&c->out);
	free(c);
}

static ssize_t tr_read(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	return ztp_conline_read(ctx, p, n, deadline, e);
}

static int tr_write(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	return ztp_conline_write(ctx, p, n, deadline, e);
}

static void tr_close(void *ctx)
{
	ztp_conline_close(ctx);
}

void ztp_conline_transport(struct ztp_conline *c, struct ztp_cli_transport *t)
{
	t->ctx = c;
	t->read = tr_read;
	t->write = tr_write;
	t->close = tr_close;
}

/* ---- the lock */

struct ztp_conline_lock {
	int fd;
	int held;	/* 0: taken by force from a holder that kept its flock */
};

/* a line name as a file name: [A-Za-z0-9._:-] kept, others '_', never
 * starting with '.' */
static int safe_name(const char *line, char *out, size_t n)
{
	size_t i;

	if (!line[0] || strlen(line) >= n)
		return -1;
	for (i = 0; line[i]; i++) {
		char ch = line[i];

		out[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			ch == '.' || ch == '_' || ch == ':' || ch == '-' ? ch : '_';
	}
	out[i] = 0;
	if (out[0] == '.')
		out[0] = '_';
	return 0;
}

static int mkdirs(const char *spool, const char *a, const char *b, char *dir, size_t n,
		  struct ztp_err *e)
{
	if (snprintf(dir, n, "%s/%s", spool, a) >= (int)n)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s': path too long", ztp_esc(spool));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ztp_err_sys(e, "cannot create '%s'", ztp_esc(dir));
	if (snprintf(dir, n, "%s/%s/%s", spool, a, b) >= (int)n)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s': path too long", ztp_esc(spool));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ztp_err_sys(e, "cannot create '%s'", ztp_esc(dir));
	return 0;
}

static int lock_path(const char *spool, const char *line, char *path, size_t n,
		     struct ztp_err *e)
{
	char dir[4096], name[256];

	if (!spool)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot lock line %s: no spool; set spool in ztp.yml", line);
	if (safe_name(line, name, sizeof name) < 0)
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot lock line '%s': bad name", ztp_esc(line));
	if (mkdirs(spool, "lock", "console", dir, sizeof dir, e) < 0)
		return ZTP_ERR_SYS;
	if (snprintf(path, n, "%s/%s.lock", dir, name) >= (int)n)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot lock line %s: path too long", line);
	return 0;
}

/* "ztp-push 1234 gw1 1765000000" -> "ztp-push (pid 1234, host gw1) since 10:02" */
static void describe(int fd, char *who, size_t n, long *pid, char *host, size_t hn)
{
	char b[512], tool[64] = "", h[256] = "", when[16] = "?";
	long long since = 0;
	ssize_t r = pread(fd, b, sizeof b - 1, 0);
	struct tm tm;
	time_t t;

	*pid = 0;
	if (r <= 0) {
		snprintf(who, n, "another process (it has not said who yet)");
		return;
	}
	b[r] = 0;
	if (sscanf(b, "%63s %ld %255s %lld", tool, pid, h, &since) != 4) {
		snprintf(who, n, "another process (its lock file says '%s')", ztp_esc(b));
		return;
	}
	t = (time_t)since;
	if (localtime_r(&t, &tm))
		strftime(when, sizeof when, "%H:%M", &tm);
	snprintf(who, n, "%s (pid %ld, host %s) since %s", ztp_esc(tool), *pid, ztp_esc(h), when);
	if (host)
		snprintf(host, hn, "%s", h);
}

int ztp_conline_holder(const char *spool, const char *line, char *who, size_t n,
		       struct ztp_err *e)
{
	char path[4352];
	long pid;
	int fd, rc;

	if (lock_path(spool, line, path, sizeof path, e) < 0)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return ztp_err_sys(e, "cannot open lock '%s'", ztp_esc(path)), -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		rc = 1;
		snprintf(who, n, "nobody");
	} else {
		describe(fd, who, n, &pid, NULL, 0);
		rc = 0;
	}
	close(fd);
	return rc;
}

int ztp_conline_lock(struct ztp_conline_lock **lp, const char *spool, const char *line,
		     const char *tool, int force, char *forced_from, size_t fsz,
		     struct ztp_err *e)
{
	char path[4352], who[512], host[256], me[256] = "";
	struct ztp_buf b = ZTP_BUF_INIT;
	long pid;
	int fd, got = 0, i;

	*lp = NULL;
	if (forced_from && fsz)
		forced_from[0] = 0;
	if (lock_path(spool, line, path, sizeof path, e) < 0)
		return e ? e->code : ZTP_ERR_CONFIG;
	/* read-write: an exclusive flock on NFSv4 needs it */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return ztp_err_sys(e, "cannot open lock '%s'", ztp_esc(path));
	gethostname(me, sizeof me - 1);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		got = 1;
	else if (errno != EWOULDBLOCK) {
		ztp_err_sys(e, "cannot lock '%s'", ztp_esc(path));
		close(fd);
		return ZTP_ERR_SYS;
	}
	if (!got) {
		describe(fd, who, sizeof who, &pid, host, sizeof host);
		if (!force) {
			close(fd);
			return ztp_err_set(e, ZTP_ERR_BUSY, "line %s is in use by %s; -s watches it, -f takes it over",
					   line, who);
		}
		if (forced_from)
			snprintf(forced_from, fsz, "%s", who);
		if (pid > 1 && strcmp(host, me) == 0 && pid != (long)getpid())
			(void)kill((pid_t)pid, SIGTERM);
		for (i = 0; i < 100 && !got; i++) {	/* 5 s */
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			got = flock(fd, LOCK_EX | LOCK_NB) == 0;
		}
		/* not let go (another host, a hung process): taken anyway */
	}
	ztp_buf_addf(&b, "%s %ld %s %lld\n", tool, (long)getpid(), me[0] ? me : "?", (long long)time(NULL));
	if (got && (ftruncate(fd, 0) < 0 || pwrite(fd, b.p, b.len, 0) != (ssize_t)b.len)) {
		ztp_err_sys(e, "cannot write lock '%s'", ztp_esc(path));
		ztp_buf_free(&b);
		close(fd);
		return ZTP_ERR_SYS;
	}
	ztp_buf_free(&b);
	*lp = ztp_xcalloc(1, sizeof **lp);
	(*lp)->fd = fd;
	(*lp)->held = got;
	return 0;
}

void ztp_conline_unlock(struct ztp_conline_lock *l)
{
	if (!l)
		return;
	/* who held it is cleared by the holder only (never by a writer that
	 * forced its way past a holder that kept its lock) */
	if (l->held && ftruncate(l->fd, 0) < 0) {
		/* the next holder overwrites it anyway */
	}
	close(l->fd);
	free(l);
}

/* ---- the log */

struct ztp_conlog {
	int fd;
	int bol;		/* at the beginning of a log line */
	size_t max;
	char path[4352];
	char dir[4096];
	char name[256];
};

int ztp_conlog_pathname(const char *spool, const char *line, char *out, size_t n)
{
	char name[256];

	if (!spool || safe_name(line, name, sizeof name) < 0)
		return -1;
	return snprintf(out, n, "%s/log/console/%s.log", spool, name) < (int)n ? 0 : -1;
}

int ztp_conlog_open(struct ztp_conlog **lp, const char *spool, const char *line,
		    size_t max, struct ztp_err *e)
{
	struct ztp_conlog *l;

	*lp = NULL;
	if (!spool)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot log line %s: no spool; set spool in ztp.yml", line);
	l = ztp_xcalloc(1, sizeof *l);
	l->fd = -1;
	l->bol = 1;
	l->max = max ? max : (size_t)4 << 20;
	if (safe_name(line, l->name, sizeof l->name) < 0) {
		free(l);
		return ztp_err_set(e, ZTP_ERR_USAGE, "cannot log line '%s': bad name", ztp_esc(line));
	}
	if (mkdirs(spool, "log", "console", l->dir, sizeof l->dir, e) < 0) {
		free(l);
		return ZTP_ERR_SYS;
	}
	if (snprintf(l->path, sizeof l->path, "%s/%s.log", l->dir, l->name) >= (int)sizeof l->path ||
	    (l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0) {
		ztp_err_sys(e, "cannot open log '%s'", ztp_esc(l->path));
		free(l);
		return ZTP_ERR_SYS;
	}
	*lp = l;
	return 0;
}

const char *ztp_conlog_path(const struct ztp_conlog *l)
{
	return l->path;
}

/* past max: rename to <line>-YYYYMMDD-HHMMSS.log (UTC) and start again */
static void rotate(struct ztp_conlog *l)
{
	struct stat st;
	char to[4608], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	if (fstat(l->fd, &st) < 0 || (size_t)st.st_size < l->max)
		return;
	if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm) == 0)
		return;
	if (snprintf(to, sizeof to, "%s/%s-%s.log", l->dir, l->name, stamp) >= (int)sizeof to)
		return;
	if (rename(l->path, to) < 0)
		return;
	if ((fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0)
		return;	/* keep writing to the renamed one */
	close(l->fd);
	l->fd = fd;
}

static void stamp(struct ztp_buf *b)
{
	char t[21];

	ztp_time_iso(time(NULL), t);
	ztp_buf_adds(b, t);
	ztp_buf_addc(b, ' ');
}

void ztp_conlog_data(struct ztp_conlog *l, const char *p, size_t n)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t i = 0, j;

	if (!l)
		return;
	while (i < n) {
		if (l->bol) {
			rotate(l);
			stamp(&b);
			l->bol = 0;
		}
		for (j = i; j < n && p[j] != '\n'; j++)
			;
		/* CRs are how a terminal moves; the log keeps the text */
		{
			size_t k, s = i;

			for (k = i; k < j; k++)
				if (p[k] == '\r') {
					ztp_escape(&b, p + s, k - s);
					s = k + 1;
				}
			ztp_escape(&b, p + s, j - s);
		}
		if (j < n) {
			ztp_buf_addc(&b, '\n');
			l->bol = 1;
			j++;
		}
		i = j;
		if (l->bol && b.len) {
			(void)ztp_write_all(l->fd, b.p, b.len);
			ztp_buf_reset(&b);
		}
	}
	if (b.len)
		(void)ztp_write_all(l->fd, b.p, b.len);
	ztp_buf_free(&b);
}

void ztp_conlog_event(struct ztp_conlog *l, const char *fmt, ...)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char msg[512];
	va_list ap;

	if (!l)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);	/* a cut event is still an event */
	va_end(ap);
	if (!l->bol)
		ztp_buf_addc(&b, '\n');
	rotate(l);
	stamp(&b);
	ztp_buf_adds(&b, "[-- ");
	ztp_escape(&b, msg, strlen(msg));
	ztp_buf_adds(&b, " --]\n");
	l->bol = 1;
	(void)ztp_write_all(l->fd, b.p, b.len);
	ztp_buf_free(&b);
}

void ztp_conlog_close(struct ztp_conlog *l)
{
	if (!l)
		return;
	if (!l->bol)
		(void)ztp_write_all(l->fd, "\n", 1);
	close(l->fd);
	free(l);
}

int ztp_conlog_tail(const char *path, int nlines, struct ztp_buf *out, struct ztp_err *e)
{
	struct stat st;
	char *buf;
	off_t from;
	size_t want = 64 * 1024, k;
	ssize_t r;
	int fd, seen = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ztp_err_sys(e, "cannot read log '%s'", ztp_esc(path));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return ztp_err_sys(e, "cannot read log '%s'", ztp_esc(path));
	}
	from = st.st_size > (off_t)want ? st.st_size - (off_t)want : 0;
	buf = ztp_xmalloc(want + 1);
	r = pread(fd, buf, want, from);
	close(fd);
	if (r < 0) {
		free(buf);
		return ztp_err_sys(e, "cannot read log '%s'", ztp_esc(path));
	}
	k = (size_t)r;
	if (k && buf[k - 1] == '\n')
		k--;
	while (k > 0) {
		if (buf[k - 1] == '\n' && ++seen >= nlines)
			break;
		k--;
	}
	ztp_buf_add(out, buf + k, (size_t)r - k);
	free(buf);
	return 0;
}

/* ---- conserver holding a line */

#define CONSERVER_OUT ((size_t)256 << 10)
#define CONSERVER_WAIT 5.0

extern char **environ;

/* one "console -i" line: name:host,pid,sock:type:details:users:state:...
 * (conserver 8.2); 1 when it is a remote port at host:port */
static int cs_line(const char *l, size_t n, const char *host, int port, char *name, size_t nsz,
		   char *users, size_t usz)
{
	const char *f[6];
	size_t fl[6], k = 0, i, start = 0;
	char det[300], pbuf[16];
	const char *c1, *c2;

	for (i = 0; i <= n && k < 6; i++)
		if (i == n || l[i] == ':') {
			f[k] = l + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	if (k < 6 || fl[2] != 1 || f[2][0] != '!' || fl[3] >= sizeof det)
		return 0;
	memcpy(det, f[3], fl[3]);
	det[fl[3]] = 0;
	if ((c1 = strchr(det, ',')) == NULL || (c2 = strchr(c1 + 1, ',')) == NULL)
		return 0;
	snprintf(pbuf, sizeof pbuf, "%d", port);
	if ((size_t)(c1 - det) != strlen(host) || strncmp(det, host, strlen(host)) != 0 ||
	    (size_t)(c2 - c1 - 1) != strlen(pbuf) || strncmp(c1 + 1, pbuf, strlen(pbuf)) != 0)
		return 0;
	snprintf(name, nsz, "%.*s", (int)fl[0], f[0]);
	/* "w@root@localhost@3,s@bob@h2@10": mode@user@host@idle */
	users[0] = 0;
	for (i = 0, start = 0; i <= fl[4]; i++) {
		if (i < fl[4] && f[4][i] != ',')
			continue;
		if (i > start) {
			const char *u = f[4] + start, *a1 = memchr(u, '@', i - start), *a3;
			size_t ul = i - start, len = strlen(users);

			if (a1 && (a3 = memchr(a1 + 1, '@', (size_t)(u + ul - a1 - 1))) != NULL &&
			    (a3 = memchr(a3 + 1, '@', (size_t)(u + ul - a3 - 1))) != NULL)
				ul = (size_t)(a3 - u);
			snprintf(users + len, usz - len, "%s%s %.*s", len ? ", " : "",
				 u[0] == 'w' ? "read-write" : u[0] == 's' ? "suspended" : "spy",
				 a1 ? (int)(ul - (size_t)(a1 + 1 - u)) : (int)ul, a1 ? a1 + 1 : u);
		}
		start = i + 1;
	}
	return 1;
}

int ztp_conline_conserver(const struct ztp_conline_target *t, char *who, size_t n,
			  struct ztp_err *e)
{
	char host[256], port[16], name[128], users[256];
	const char *colon = strrchr(t->conserver, ':');
	char *argv[] = { "console", "-M", host, "-p", port, "-i", NULL };
	posix_spawn_file_actions_t fa;
	struct ztp_buf out = ZTP_BUF_INIT;
	double dl = ztp_os_monotonic() + CONSERVER_WAIT;
	int pfd[2], rc = 0, status;
	pid_t pid;
	size_t i, st;

	if (!colon || colon == t->conserver ||
	    snprintf(host, sizeof host, "%.*s", (int)(colon - t->conserver), t->conserver) >= (int)sizeof host ||
	    snprintf(port, sizeof port, "%s", colon + 1) >= (int)sizeof port)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot ask conserver '%s': want host:port",
				   ztp_esc(t->conserver));
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return ztp_err_sys(e, "cannot ask conserver %s", ztp_esc(t->conserver));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "console", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		errno = rc;
		return ztp_err_sys(e, "cannot run conserver's console client to ask %s", ztp_esc(t->conserver));
	}
	for (;;) {
		struct pollfd pf = { pfd[0], POLLIN, 0 };
		double left = dl - ztp_os_monotonic();
		char buf[4096];
		ssize_t r;

		if (left <= 0) {
			rc = ztp_err_set(e, ZTP_ERR_TIMEOUT, "conserver %s did not answer 'console -i' within %.0f s",
					 ztp_esc(t->conserver), CONSERVER_WAIT);
			kill(pid, SIGTERM);
			break;
		}
		if (poll(&pf, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR) {
			rc = ztp_err_sys(e, "cannot read conserver's answer");
			kill(pid, SIGTERM);
			break;
		}
		if ((r = read(pfd[0], buf, sizeof buf)) < 0 && errno != EINTR && errno != EAGAIN) {
			rc = ztp_err_sys(e, "cannot read conserver's answer");
			kill(pid, SIGTERM);
			break;
		}
		if (r == 0)
			break;
		if (r > 0 && out.len + (size_t)r <= CONSERVER_OUT)
			ztp_buf_add(&out, buf, (size_t)r);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0)
		goto out;
	rc = 0;
	for (i = 0, st = 0; i <= out.len; i++) {
		if (i < out.len && out.p[i] != '\n')
			continue;
		if (cs_line(out.p + st, i - st, t->host, t->port, name, sizeof name, users, sizeof users)) {
			snprintf(who, n, "conserver (its console %s, master %s; attached: %s)", ztp_esc(name),
				 ztp_esc(t->conserver), users[0] ? ztp_esc(users) : "nobody");
			rc = 1;
			break;
		}
		st = i + 1;
	}
out:
	ztp_buf_free(&out);
	return rc;
}
