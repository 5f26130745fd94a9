/* ztp-console: a device's console line through the rack's terminal server.
 *
 * Attach (a person): raw terminal, device output as is, typed bytes to the
 * line, "~." leave, "~b" BREAK, "~r" the last lines of the line's log,
 * "~?" help (after a newline; -e changes the character).  The line is
 * locked for the whole session and everything the device sends is logged.
 * Spy (-s): the line's log followed, read-only; the line is never opened.
 * Scripted (-x), --probe and --bootstrap: the dialog engine (condialog.h)
 * takes the line to a CLI prompt first; --bootstrap then types the
 * platform's console template (templates/console/<platform>.j2, rendered
 * with the variables ztp-push uses) and verifies SSH through the gateway
 * the way ztp-probe logs in. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "condialog.h"
#include "conf.h"
#include "confcheck.h"
#include "conline.h"
#include "facts.h"
#include "fleet.h"
#include "input.h"
#include "log.h"
#include "opts.h"
#include "os.h"
#include "pushconf.h"
#include "record.h"
#include "spool.h"
#include "str.h"
#include "tmpl.h"
#include "val.h"
#include "vars.h"
#include "yml.h"

#define REPLAY_LINES 20
#define QUIET_AFTER_EOF 2.0	/* stdin ended: wait for the device this long */

static volatile sig_atomic_t got_winch, got_term;
static struct termios saved_tio;
static int raw_on;

static void on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static void on_term(int sig)
{
	got_term = sig;
}

static void usage(void)
{
	fprintf(stderr,
	    "usage: ztp-console [-fsv] [-c file] [-e char] [-t seconds] line\n"
	    "       ztp-console [-fv] [-c file] [-o text|json] [-t seconds] [-u credential] -x command ... line\n"
	    "       ztp-console --probe [-fv] [-c file] [-o yaml|json] [-t seconds] [-u credential] line\n"
	    "       ztp-console --bootstrap [-fv] [-c file] [-o yaml|json] [-t seconds] [-u credential] line\n"
	    "       ztp-console -T [-c file] [line]\n");
	exit(ZTP_EXIT_USAGE);
}

static void raw_mode(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved_tio) < 0)
		return;
	t = saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(0, TCSAFLUSH, &t) == 0)
		raw_on = 1;
}

static void cooked_mode(void)
{
	if (raw_on)
		(void)tcsetattr(0, TCSAFLUSH, &saved_tio);
	raw_on = 0;
}

/* a message to the person: on the terminal, CR LF in raw mode */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char b[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s[ztp-console: %s]%s", raw_on ? "\r\n" : "", b, raw_on ? "\r\n" : "\n");
}

static void out_crlf(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && raw_on)
			(void)ztp_write_all(1, "\r", 1);
		(void)ztp_write_all(1, p + i, 1);
	}
}

static int parse_escape(const char *s, int *esc)
{
	if (strcmp(s, "none") == 0) {
		*esc = -1;
		return 0;
	}
	if (s[0] == '^' && s[1] && !s[2]) {
		*esc = s[1] == '?' ? 0x7f : (s[1] & 0x1f);
		return 0;
	}
	if (s[0] && !s[1] && (unsigned char)s[0] < 0x80) {
		*esc = (unsigned char)s[0];
		return 0;
	}
	return -1;
}

static void help(int esc)
{
	say("escapes after a newline: %c. leave, %cb BREAK, %cr replay the last %d lines of the log, %c? this help, %c%c send %c",
	    esc, esc, esc, REPLAY_LINES, esc, esc, esc, esc);
}

static void replay(const char *path)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;

	if (ztp_conlog_tail(path, REPLAY_LINES, &b, &e) < 0) {
		say("%s", e.msg);
		return;
	}
	say("the last %d lines of %s", REPLAY_LINES, path);
	out_crlf(b.p ? b.p : "", b.len);
	say("end of replay");
	ztp_buf_free(&b);
}

static void winsize(struct ztp_conline *c)
{
	struct winsize ws;
	struct ztp_err e;

	if (isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row &&
	    ztp_conline_winsize(c, ws.ws_col, ws.ws_row, &e) < 0)
		say("%s", e.msg);
}

/* spy: follow the line's log; the line itself is never opened */
static int spy(const char *spool, const char *line, int esc)
{
	char path[4352], who[512], buf[4096];
	struct ztp_err e;
	struct stat st;
	off_t off = 0;
	int fd = -1, bol = 1, state = 0, stdin_open = 1;

	if (ztp_conlog_pathname(spool, line, path, sizeof path) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot spy on line %s: no spool; set spool in ztp.yml", line);
		return ZTP_EXIT_USAGE;
	}
	if (ztp_conline_holder(spool, line, who, sizeof who, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	raw_mode();
	say("spying on line %s (read-only), held by %s; %c. leaves", line, who, esc >= 0 ? esc : '-');
	replay(path);
	if (stat(path, &st) == 0)
		off = st.st_size;
	while (!got_term) {
		struct pollfd pf = { stdin_open ? 0 : -1, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, 200) > 0 && (pf.revents & (POLLIN | POLLHUP))) {
			char k[64];
			ssize_t i, n = read(0, k, sizeof k);

			if (n <= 0)
				stdin_open = 0;
			for (i = 0; i < n; i++) {	/* only escapes; never to the line */
				if (state == 1) {
					state = 0;
					if (k[i] == '.') {
						cooked_mode();
						return ZTP_EXIT_OK;
					}
					if (k[i] == 'r')
						replay(path);
					else if (k[i] == '?')
						help(esc);
				} else if (bol && esc >= 0 && (unsigned char)k[i] == esc)
					state = 1;
				bol = k[i] == '\r' || k[i] == '\n';
			}
		}
		if (fd < 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_size < off)
			off = 0;	/* rotated or cut */
		while ((r = pread(fd, buf, sizeof buf, off)) > 0) {
			out_crlf(buf, (size_t)r);
			off += r;
		}
		{
			struct stat now;

			if (stat(path, &now) == 0 && fstat(fd, &st) == 0 && now.st_ino != st.st_ino) {
				close(fd);	/* rotated: the new file from its start */
				fd = -1;
				off = 0;
			}
		}
	}
	if (fd >= 0)
		close(fd);
	cooked_mode();
	return ZTP_EXIT_OK;
}

/* ---- the operand: the rule of every tool (lib/input.c), a record's
 * "console" field naming its line, "rack:N" and "host:port" the line */

struct pick {
	const struct ztp_conline_conf *cc;
	struct ztp_conline_target *t;
	struct ztp_val *rec;	/* the record named, or NULL */
	int n, status;
};

static int pick_target(void *ctx, const struct ztp_target *tg, const struct ztp_err *bad)
{
	struct pick *p = ctx;
	struct ztp_err e;
	char op[300];
	int rc;

	if (bad) {
		ztp_log(ZTP_LOG_ERR, "%s", bad->msg);
		p->status = ztp_err_exit_status(bad->code);
		return 1;
	}
	if (p->n++) {
		ztp_log(ZTP_LOG_ERR, "cannot use '%s': it holds more than one device; name one line",
			ztp_esc(tg->source));
		p->status = ZTP_EXIT_USAGE;
		return 1;
	}
	if (tg->kind == ZTP_TARGET_RECORD) {
		rc = ztp_conline_resolve_record(p->cc, tg->rec, tg->source, p->t, &e);
		if (rc == 0)
			p->rec = ztp_val_ref(tg->rec);
	} else if (!tg->port[0]) {
		rc = ztp_err_set(&e, ZTP_ERR_USAGE, "cannot find line '%s': not rack:line of a rack with a terminal_server, host:port, a record id in the spool, or a record file",
				 ztp_esc(tg->source));
	} else if (snprintf(op, sizeof op, strchr(tg->host, ':') ? "[%s]:%s" : "%s:%s", tg->host,
			    tg->port) >= (int)sizeof op) {
		rc = ztp_err_set(&e, ZTP_ERR_USAGE, "cannot use line '%s': name too long", ztp_esc(tg->source));
	} else
		rc = ztp_conline_resolve(p->cc, op, p->t, &e);
	if (rc < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		p->status = ztp_err_exit_status(rc);
		return 1;
	}
	return 0;
}

/* a line the terminal server says is busy, on a terminal server fronted
 * by a conserver: when conserver is the holder, say so (its console, who
 * is attached) instead of the terminal server's words */
static void busy_who(const struct ztp_conline_target *t, struct ztp_err *e)
{
	char who[512];
	struct ztp_err ce;
	int rc;

	if (e->code != ZTP_ERR_BUSY || !t->conserver[0])
		return;
	if ((rc = ztp_conline_conserver(t, who, sizeof who, &ce)) == 1)
		ztp_err_set(e, ZTP_ERR_BUSY, "line %s is in use by %s; attach with conserver's console client, or let conserver give the line up",
			    t->name, who);
	else if (rc < 0)
		ztp_log(ZTP_LOG_WARN, "line %s: %s", t->name, ce.msg);
}

/* the secrets file, when ztp.yml names one (the ssh transport's
 * credentials); 0 or an exit status */
static int load_secrets(const struct ztp_conf *conf, struct ztp_val **secrets)
{
	struct ztp_err e;

	*secrets = NULL;
	if (conf->secrets && ztp_secrets_load(conf, secrets, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	return ZTP_EXIT_OK;
}

static int attach(const struct ztp_conline_target *t, const struct ztp_conf *conf, int esc,
		  int force)
{
	const char *spool = conf->spool;
	struct ztp_val *secrets = NULL;
	struct ztp_conline_lock *lk = NULL;
	struct ztp_conlog *lg = NULL;
	struct ztp_conline *c = NULL;
	struct ztp_err e;
	char from[512], host[256] = "?", buf[4096];
	int status = ZTP_EXIT_OK, bol = 1, state = 0, stdin_open = 1;
	double quiet_until = 0;

	if (ztp_conline_lock(&lk, spool, t->name, "ztp-console", force, from, sizeof from, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	gethostname(host, sizeof host - 1);
	if (ztp_conlog_open(&lg, spool, t->name, 0, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	if (from[0])
		ztp_conlog_event(lg, "take-over by ztp-console (pid %ld, host %s) from %s",
				 (long)getpid(), host, from);
	ztp_conlog_event(lg, "attach ztp-console (pid %ld, host %s) to %s:%d", (long)getpid(), host,
			 t->host, t->port);
	if ((t->transport == ZTP_CL_SSH && (status = load_secrets(conf, &secrets)) != ZTP_EXIT_OK))
		goto out;
	if (ztp_conline_open_with(&c, t, conf, secrets, &e) < 0) {
		busy_who(t, &e);
		ztp_conlog_event(lg, "cannot connect: %s", e.msg);
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	raw_mode();
	if (isatty(0))
		say("attached to line %s (%s:%d); %c? for help, %c. to leave", t->name, t->host, t->port,
		    esc >= 0 ? esc : '-', esc >= 0 ? esc : '-');
	winsize(c);
	while (!got_term) {
		struct pollfd pf[2] = { { stdin_open ? 0 : -1, POLLIN, 0 }, { ztp_conline_fd(c), POLLIN, 0 } };
		int tmo = -1;
		ssize_t r;

		if (!stdin_open) {
			double left = quiet_until - ztp_os_monotonic();

			if (left <= 0)
				break;
			tmo = (int)(left * 1000) + 1;
		}
		if (t->transport == ZTP_CL_SSH && (tmo < 0 || tmo > 200))
			tmo = 200;	/* libssh may hold bytes the socket no longer shows */
		if (got_winch) {
			got_winch = 0;
			winsize(c);
		}
		if (poll(pf, 2, tmo) < 0 && errno != EINTR) {
			status = ZTP_EXIT_TEMPFAIL;
			break;
		}
		if (pf[1].revents || t->transport == ZTP_CL_SSH) {
			while ((r = ztp_conline_read(c, buf, sizeof buf, 0, &e)) > 0) {
				(void)ztp_write_all(1, buf, (size_t)r);
				ztp_conlog_data(lg, buf, (size_t)r);
				quiet_until = ztp_os_monotonic() + QUIET_AFTER_EOF;
			}
			if (r < 0) {
				busy_who(t, &e);
				ztp_conlog_event(lg, "%s", e.msg);
				cooked_mode();
				ztp_log(ZTP_LOG_ERR, "%s", e.msg);
				status = ztp_err_exit_status(e.code == ZTP_ERR_PROTO ? ZTP_ERR_TIMEOUT : e.code);
				goto out;
			}
		}
		if (pf[0].revents & (POLLIN | POLLHUP)) {
			char k[1024], snd[2048];
			ssize_t i, n = read(0, k, sizeof k);
			size_t m = 0;

			if (n <= 0) {
				stdin_open = 0;
				quiet_until = ztp_os_monotonic() + QUIET_AFTER_EOF;
				continue;
			}
			for (i = 0; i < n; i++) {
				unsigned char ch = (unsigned char)k[i];

				if (state == 1) {
					state = 0;
					if (ch == '.') {
						if (m)
							(void)ztp_conline_write(c, snd, m, ztp_os_monotonic() + t->timeout, &e);
						goto leave;
					}
					if (ch == 'b' || ch == 'B') {
						if (m && ztp_conline_write(c, snd, m, ztp_os_monotonic() + t->timeout, &e) < 0)
							break;
						m = 0;
						if (ztp_conline_break(c, &e) < 0)
							say("%s", e.msg);
						else {
							ztp_conlog_event(lg, "break");
							say("BREAK sent");
						}
						continue;
					}
					if (ch == 'r') {
						replay(ztp_conlog_path(lg));
						continue;
					}
					if (ch == '?') {
						help(esc);
						continue;
					}
					if ((int)ch != esc)
						snd[m++] = (char)esc;
					snd[m++] = (char)ch;
					bol = 0;
					continue;
				}
				if (bol && esc >= 0 && (int)ch == esc) {
					state = 1;
					continue;
				}
				snd[m++] = (char)ch;
				bol = ch == '\r' || ch == '\n' || ch == 0x03 || ch == 0x15;
			}
			if (m && ztp_conline_write(c, snd, m, ztp_os_monotonic() + t->timeout, &e) < 0) {
				ztp_conlog_event(lg, "%s", e.msg);
				cooked_mode();
				ztp_log(ZTP_LOG_ERR, "%s", e.msg);
				status = ZTP_EXIT_TEMPFAIL;
				goto out;
			}
		}
	}
	if (got_term) {
		ztp_conlog_event(lg, "detach ztp-console (pid %ld): signal %d (taken over?)", (long)getpid(), (int)got_term);
		cooked_mode();
		ztp_log(ZTP_LOG_ERR, "left line %s: signal %d (another writer may have taken it over with -f)",
			t->name, (int)got_term);
		status = ZTP_EXIT_TEMPFAIL;
		goto out;
	}
leave:
	ztp_conlog_event(lg, "detach ztp-console (pid %ld)", (long)getpid());
	cooked_mode();
	if (isatty(0))
		say("left line %s", t->name);
out:
	cooked_mode();
	ztp_conline_close(c);
	ztp_conlog_close(lg);
	ztp_conline_unlock(lk);
	ztp_val_unref(secrets);
	return status;
}

/* the exit status of a dialog or command error: a line that closed
 * (dropped mid-output) is a temporary failure like a deadline, not a
 * usage error */
static int line_status(int code)
{
	return code == ZTP_ERR_PROTO ? ZTP_EXIT_TEMPFAIL : ztp_err_exit_status(code);
}

/* a credential set of the secrets file by name; NULL name: the first that
 * is not the enable secret */
static const struct ztp_val *cred_by_name(const struct ztp_val *secrets, const char *name)
{
	const struct ztp_val *l = ztp_map_get(secrets, "credentials");
	size_t i;

	for (i = 0; l && l->type == ZTP_V_LIST && i < l->u.list.n; i++) {
		const char *n = ztp_map_str(l->u.list.v[i], "name");

		if (name ? ztp_streq(n, name) : !ztp_streq(n, "enable"))
			return l->u.list.v[i];
	}
	return NULL;
}

/* the engine's transcript (secrets already redacted): what the device
 * sends goes to the line's log */
static void dialog_log(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n)
{
	if (dir == ZTP_CLI_IN)
		ztp_conlog_data(ctx, p, n);
}

/* a record on standard output, JSON on one line or YAML: its exit status */
static int print_record(const struct ztp_val *r, int json)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	int status = ZTP_EXIT_OK;

	if (json) {
		if (ztp_json_emit(&b, r, 0) == 0)
			ztp_buf_addc(&b, '\n');
	} else if (ztp_yml_emit(&b, r, 1, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: %s", e.msg);
		ztp_buf_free(&b);
		return ZTP_EXIT_USAGE;
	}
	if (ztp_write_all(1, b.p, b.len) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: standard output: %s", strerror(errno));
		status = ZTP_EXIT_TEMPFAIL;
	}
	ztp_buf_free(&b);
	return status;
}

/* --probe: the platform's probe commands and parsers (ztp_fleet_facts,
 * as ztp-probe) over the line; rec (the operand's record, or NULL: a new
 * one naming the line) gets facts and, when it has none, platform, and is
 * printed as ztp-probe prints it */
static int probe_facts(struct ztp_cli *cli, const struct ztp_conline_target *t,
		       const struct ztp_val *rec, int json)
{
	const char *platform = ztp_cli_platform(cli);
	struct ztp_val *out = NULL, *facts = NULL;
	struct ztp_err e;
	size_t parsed = 0, ran = 0;
	int rc, status = ZTP_EXIT_OK;

	if (platform == NULL) {
		ztp_log(ZTP_LOG_ERR, "cannot probe line %s: cannot tell the platform (prompt '%s'); set platform in the record",
			t->name, ztp_esc(ztp_cli_prompt(cli)));
		return ZTP_EXIT_USAGE;
	}
	facts = ztp_facts_new();
	if ((rc = ztp_fleet_facts(cli, platform, facts, &parsed, &ran, &e)) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot probe line %s: %s", t->name, e.msg);
		status = rc == ZTP_ERR_PARSE || rc == ZTP_ERR_USAGE ? ZTP_EXIT_USAGE : ZTP_EXIT_TEMPFAIL;
		goto out;
	}
	ztp_log(ZTP_LOG_INFO, "line %s: %s, %zu of %zu outputs parsed", t->name, platform, parsed, ran);
	if (rec)
		out = ztp_val_copy(rec);
	else {
		out = ztp_val_map();
		ztp_map_set_str(out, "console", t->name);
	}
	ztp_map_set(out, "facts", facts);
	facts = NULL;
	if (ztp_map_get(out, "platform") == NULL)
		ztp_map_set_str(out, "platform", platform);
	status = print_record(out, json);
out:
	ztp_val_unref(facts);
	ztp_val_unref(out);
	return status;
}

/* ---- --bootstrap */

struct bootctx {
	struct ztp_pushconf pc;
	const char *user, *secret;	/* the local user to create (a credential) */
	const char *token;		/* source_token */
	struct ztp_val *vrec;		/* the record the variables are built for */
	const char *platform;		/* the record's, else pfbuf */
	char pfbuf[64];			/* the console's (the CLI session's is freed with it) */
	char tmpl[80];
	struct ztp_buf text;		/* the rendered bootstrap */
	char domain[256];
	char mgmt_ip[64];		/* mgmt.address of the variables, or "" */
	int rendered;
	struct ztp_con_boot_result br;
};

/* the bootstrap template of platform, rendered: 0 or an exit status */
static int render_boot(struct bootctx *bc, const char *platform, const char *line)
{
	struct ztp_strlist dirs = { NULL, 0 };
	struct ztp_tmpl_opts o = bc->pc.topts;
	struct ztp_tmpl_env *env = NULL;
	struct ztp_vars v;
	struct ztp_val *bv;
	struct ztp_err e;
	const char *svc = ztp_map_str(bc->vrec, "service"), *dom;
	int status = ZTP_EXIT_USAGE;

	memset(&v, 0, sizeof v);
	if (!ztp_facts_platform_valid(platform)) {
		ztp_log(ZTP_LOG_ERR, "cannot bootstrap line %s: unknown platform '%s'", line,
			ztp_esc(platform));
		return ZTP_EXIT_USAGE;
	}
	snprintf(bc->tmpl, sizeof bc->tmpl, "console/%s.j2", platform);
	if (ztp_vars_build(&bc->pc, bc->vrec, svc && *svc ? svc : bc->pc.default_service, platform,
			   bc->token, &v, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot bootstrap line %s: %s", line, e.msg);
		return e.code == ZTP_ERR_BUSY || e.code == ZTP_ERR_TIMEOUT ? ZTP_EXIT_TEMPFAIL : ZTP_EXIT_USAGE;
	}
	bv = ztp_val_map();
	ztp_map_set_str(bv, "user", bc->user);
	ztp_map_set_str(bv, "secret", bc->secret);
	ztp_map_set(v.vars, "bootstrap", bv);
	ztp_pushconf_search(&bc->pc, platform, &dirs);
	o.paths = (const char *const *)dirs.v;
	o.npaths = dirs.n;
	env = ztp_tmpl_env_new(&o);
	ztp_buf_reset(&bc->text);
	if (ztp_tmpl_render(env, bc->tmpl, v.vars, &bc->text, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot bootstrap line %s: cannot render '%s' (platform %s): %s", line,
			bc->tmpl, platform, e.msg);
		goto out;
	}
	dom = ztp_map_str(v.vars, "domain_name");
	snprintf(bc->domain, sizeof bc->domain, "%s", dom ? dom : "");
	if ((dom = ztp_map_str(ztp_map_get(v.vars, "mgmt"), "address")) && strcmp(dom, "dhcp") != 0)
		snprintf(bc->mgmt_ip, sizeof bc->mgmt_ip, "%.*s", (int)strcspn(dom, "/"), dom);
	bc->rendered = 1;
	if (platform != bc->platform) {
		snprintf(bc->pfbuf, sizeof bc->pfbuf, "%s", platform);
		bc->platform = bc->pfbuf;
	}
	status = ZTP_EXIT_OK;
out:
	ztp_tmpl_env_free(env);
	ztp_strlist_free(&dirs);
	ztp_vars_free(&v);
	return status;
}

/* on the console: render (the platform now known) and type it */
static int boot_apply(struct ztp_cli *cli, const struct ztp_conline_target *t, struct bootctx *bc,
		      double step)
{
	struct ztp_con_boot b;
	struct ztp_err e;
	int rc, status;

	if (!bc->rendered) {
		if (ztp_cli_platform(cli) == NULL) {
			ztp_log(ZTP_LOG_ERR, "cannot bootstrap line %s: cannot tell the platform (prompt '%s'); set platform in the record",
				t->name, ztp_esc(ztp_cli_prompt(cli)));
			return ZTP_EXIT_USAGE;
		}
		if ((status = render_boot(bc, ztp_cli_platform(cli), t->name)) != ZTP_EXIT_OK)
			return status;
	}
	memset(&b, 0, sizeof b);
	b.platform = bc->platform;
	b.config = bc->text.p ? bc->text.p : "";
	b.len = bc->text.len;
	b.secret = bc->secret;
	b.domain = bc->domain[0] ? bc->domain : NULL;
	b.timeout = step;
	rc = ztp_con_bootstrap(cli, &b, &bc->br, &e);
	if (rc == 0) {
		ztp_log(ZTP_LOG_INFO, "line %s: bootstrap %s: %s", t->name, bc->tmpl, bc->br.done);
		return ZTP_EXIT_OK;
	}
	ztp_log(ZTP_LOG_ERR, "cannot bootstrap line %s (%s): %s%s", t->name, bc->tmpl, bc->br.msg,
		rc == ZTP_ERR_USAGE ? "; nothing saved" : "");
	return rc == ZTP_ERR_USAGE ? ZTP_EXIT_NEGATIVE : rc == ZTP_ERR_CONFIG ? ZTP_EXIT_USAGE :
		ZTP_EXIT_TEMPFAIL;
}

/* after the bootstrap: SSH to the device through the gateway, logged in
 * as ztp-probe does (ztp_fleet_dev_open), retried while the device brings
 * its SSH server up; 0 or 1, the SSH layer's words in why */
static int boot_verify(const char *cfile, const struct ztp_conline_target *t, struct bootctx *bc,
		       double step, const char *host, struct ztp_buf *why)
{
	struct ztp_fleet_ctx F;
	struct ztp_sshset_cli cli;
	struct ztp_val *vr = NULL, *res = NULL;
	struct ztp_err e;
	double until;
	int status = ZTP_EXIT_NEGATIVE;

	memset(&cli, 0, sizeof cli);
	cli.timeout = step;
	if (ztp_fleet_init(&F, cfile, &cli, &e) < 0) {
		ztp_buf_addf(why, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	(void)ztp_fleet_logdir(&F);
	vr = ztp_val_copy(bc->vrec);
	ztp_map_set_str(vr, "ip", host);
	until = ztp_os_monotonic() + (step * 3 > 15 ? step * 3 : 15);
	for (;;) {
		struct ztp_fleet_dev d;
		const char *kind;
		int rc;

		ztp_val_unref(res);
		res = ztp_val_map();
		rc = ztp_fleet_dev_open(&d, &F, vr, bc->platform, "ztp-console", res);
		ztp_fleet_dev_close(&d);
		if (rc == 0) {
			status = ZTP_EXIT_OK;
			break;
		}
		kind = ztp_map_str(res, "kind");
		/* a device brings SSH up some time after its keys */
		if (ztp_os_monotonic() >= until ||
		    !(ztp_streq(kind, "refused") || ztp_streq(kind, "timeout") ||
		      ztp_streq(kind, "unreachable") || ztp_streq(kind, "closed")))
			break;
		ztp_log(ZTP_LOG_INFO, "line %s: SSH to %s not yet (%s): retrying", t->name, ztp_esc(host),
			kind ? kind : "?");
		sleep(1);
	}
	if (status != ZTP_EXIT_OK) {
		ztp_buf_addf(why, "(%s) %s", ztp_map_str(res, "kind") ? ztp_map_str(res, "kind") : "?",
			     ztp_map_str(res, "message") ? ztp_map_str(res, "message") : "");
		if (ztp_map_str(res, "fix"))
			ztp_buf_addf(why, "; %s", ztp_map_str(res, "fix"));
	}
	ztp_val_unref(res);
	ztp_val_unref(vr);
	ztp_fleet_fini(&F);
	return status;
}

/* the record after a bootstrap that worked: back to discovered (a spool
 * id), else printed (a record file) */
static int boot_record(const struct ztp_conf *conf, const char *op, const struct ztp_val *rec,
		       const struct bootctx *bc, const char *detail, int json)
{
	struct ztp_spool *sp = NULL;
	struct ztp_claim *cl = NULL;
	struct ztp_val *nr = NULL;
	struct ztp_err e;
	const char *id = ztp_map_str(rec, "id");
	int status = ZTP_EXIT_OK;

	if (conf->spool && id && strcmp(id, op) == 0 && !strchr(op, '/') && access(op, F_OK) != 0) {
		if (ztp_spool_open(&sp, conf->spool, ztp_conf_spool_flags(conf), &e) < 0 ||
		    ztp_spool_claim_id(sp, id, ZTP_ADOPT_DEAD, &cl, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "cannot move record %s to discovered: %s", ztp_esc(id), e.msg);
			status = ztp_err_exit_status(e.code);
			goto out;
		}
		nr = ztp_val_copy(ztp_claim_record(cl));
	} else
		nr = ztp_val_copy(rec);
	ztp_map_del(nr, "error");
	if (ztp_map_get(nr, "platform") == NULL && bc->platform)
		ztp_map_set_str(nr, "platform", bc->platform);
	ztp_rec_history(nr, "ztp-console", "discovered", "ok", detail);
	if (cl) {
		if (ztp_claim_commit(cl, "discovered", nr, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "cannot move record %s to discovered: %s", ztp_esc(id), e.msg);
			ztp_claim_abandon(cl);
			status = ztp_err_exit_status(e.code);
		}
		goto out;
	}
	status = print_record(nr, json);
out:
	ztp_val_unref(nr);
	ztp_spool_close(sp);
	return status;
}

static int scripted(const struct ztp_conline_target *t, const struct ztp_conf *conf,
		    char **cmds, size_t ncmds, const char *credname, int json, int force,
		    double step, int probe, const struct ztp_val *rec, struct bootctx *bc)
{
	struct ztp_conline_lock *lk = NULL;
	struct ztp_conlog *lg = NULL;
	struct ztp_conline *c = NULL;
	struct ztp_cli *cli = NULL;
	struct ztp_cli_transport tr;
	struct ztp_con_opts o;
	struct ztp_con_result r;
	struct ztp_val *secrets = NULL, *doc = NULL, *list = NULL, *ev;
	const struct ztp_val *cr;
	struct ztp_buf out = ZTP_BUF_INIT, b = ZTP_BUF_INIT;
	struct ztp_err e;
	char from[512], host[256] = "?";
	const char *en;
	int status = ZTP_EXIT_OK, i;
	size_t k;

	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	if (conf->secrets) {
		if (ztp_secrets_load(conf, &secrets, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			return ztp_err_exit_status(e.code);
		}
		if (t->transport == ZTP_CL_SSH)
			;	/* the SSH layer logs in to the console server */
		else if (t->credential[0]) {
			if (!(cr = cred_by_name(secrets, t->credential))) {
				ztp_log(ZTP_LOG_ERR, "cannot log in to the terminal server of line %s: no credential '%s' in the secrets file",
					t->name, ztp_esc(t->credential));
				status = ZTP_EXIT_USAGE;
				goto out;
			}
			o.server.user = t->user[0] ? t->user : ztp_map_str(cr, "username");
			o.server.password = ztp_map_str(cr, "password");
		} else if (t->user[0])
			o.server.user = t->user;
		if ((cr = cred_by_name(secrets, credname))) {
			o.device.user = ztp_map_str(cr, "username");
			o.device.password = ztp_map_str(cr, "password");
		} else if (credname || bc) {
			ztp_log(ZTP_LOG_ERR, "cannot %s line %s: no credential '%s' in the secrets file",
				bc ? "bootstrap" : "log in to", t->name, credname ? ztp_esc(credname) : "(any)");
			status = ZTP_EXIT_USAGE;
			goto out;
		}
		if ((en = ztp_map_str(secrets, "enable")) || ((cr = cred_by_name(secrets, "enable")) &&
							      (en = ztp_map_str(cr, "password"))))
			o.enable_secret = en;
	} else if (credname || bc) {
		ztp_log(ZTP_LOG_ERR, "cannot %s: no secrets file in ztp.yml", bc ?
			"bootstrap: the local user's secret comes from the secrets file" : "use a credential");
		return ZTP_EXIT_USAGE;
	}
	if (bc) {
		bc->user = o.device.user;
		bc->secret = o.device.password;
		if (bc->user == NULL || bc->secret == NULL || !*bc->secret) {
			ztp_log(ZTP_LOG_ERR, "cannot bootstrap line %s: the credential needs username and password (the local user to create)",
				t->name);
			status = ZTP_EXIT_USAGE;
			goto out;
		}
		/* a template or variable error fails before the line is touched */
		if (bc->platform && (status = render_boot(bc, bc->platform, t->name)) != ZTP_EXIT_OK)
			goto out;
		o.other_secret = bc->secret;
		o.platform = bc->platform;
	}
	if (ztp_conline_lock(&lk, conf->spool, t->name, "ztp-console", force, from, sizeof from, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	gethostname(host, sizeof host - 1);
	if (ztp_conlog_open(&lg, conf->spool, t->name, 0, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	if (from[0])
		ztp_conlog_event(lg, "take-over by ztp-console (pid %ld, host %s) from %s", (long)getpid(), host, from);
	ztp_conlog_event(lg, "attach ztp-console -x (pid %ld, host %s) to %s:%d", (long)getpid(), host,
			 t->host, t->port);
	if (ztp_conline_open_with(&c, t, conf, secrets, &e) < 0) {
		busy_who(t, &e);
		ztp_conlog_event(lg, "cannot connect: %s", e.msg);
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	ztp_conline_transport(c, &tr);
	c = NULL;	/* the engine owns it now */
	o.step = step;
	o.timeout = step * 6;
	o.cmd_timeout = step;
	o.log = dialog_log;
	o.log_ctx = lg;
	doc = ztp_val_map();
	ztp_map_set_str(doc, "line", t->name);
	if (ztp_con_open(&cli, &tr, &o, &r, &e) < 0) {
		busy_who(t, &e);
		ztp_conlog_event(lg, "%s", e.msg);
		ztp_log(ZTP_LOG_ERR, "line %s: %s", t->name, e.msg);
		status = line_status(e.code);
		goto events;
	}
	if (bc) {
		status = boot_apply(cli, t, bc, step);
		if (r.owns)
			ztp_log(ZTP_LOG_WARN, "line %s: a factory dialog was answered; the device's own provisioning (PnP, autoinstall, POAP) is stopped",
				t->name);
		ztp_conlog_event(lg, "bootstrap %s: %s", bc->tmpl, status == ZTP_EXIT_OK ? "applied" :
				 "failed");
		goto close;
	}
	if (probe) {
		status = probe_facts(cli, t, rec, json);
		if (r.owns)
			ztp_log(ZTP_LOG_WARN, "line %s: a factory dialog was answered; the device's own provisioning (PnP, autoinstall, POAP) is stopped",
				t->name);
		goto close;
	}
	ztp_map_set_str(doc, "platform", ztp_cli_platform(cli) ? ztp_cli_platform(cli) : "unknown");
	list = ztp_val_list();
	for (k = 0; k < ncmds; k++) {
		struct ztp_val *one = ztp_val_map();
		int rc = ztp_cli_run(cli, cmds[k], 0, &out, &e);

		ztp_map_set_str(one, "command", cmds[k]);
		ztp_map_set(one, "output", ztp_val_strn(out.p ? out.p : "", out.len));
		if (rc < 0) {
			ztp_map_set_str(one, "error", e.msg);
			ztp_log(ZTP_LOG_ERR, "line %s: '%s': %s", t->name, ztp_esc(cmds[k]), e.msg);
			status = ztp_exit_merge(status, line_status(rc));
		}
		if (!json && out.len) {
			fwrite(out.p, 1, out.len, stdout);
			if (out.p[out.len - 1] != '\n')
				putchar('\n');
		}
		ztp_list_push(list, one);
		if (rc == ZTP_ERR_TIMEOUT || rc == ZTP_ERR_PROTO || rc == ZTP_ERR_LIMIT)
			break;	/* the session is unusable */
	}
	ztp_map_set(doc, "commands", list);
	list = NULL;
events:
	ztp_map_set(doc, "owns", ztp_val_bool(r.owns));
	ev = ztp_val_list();
	for (i = 0; i < r.nevents && i < ZTP_CON_EVENTS; i++)
		ztp_list_push(ev, ztp_val_str(r.events[i]));
	ztp_map_set(doc, "events", ev);
	if (r.owns)
		ztp_log(ZTP_LOG_WARN, "line %s: a factory dialog was answered; the device's own provisioning (PnP, autoinstall, POAP) is stopped",
			t->name);
	if (json && !probe && !bc) {
		ztp_json_emit(&b, doc, 0);
		ztp_buf_addc(&b, '\n');
		fwrite(b.p, 1, b.len, stdout);
	}
close:
	if (fflush(stdout) != 0)
		status = ztp_exit_merge(status, ZTP_EXIT_TEMPFAIL);
	ztp_cli_close(cli);	/* it may still log what the line says */
	cli = NULL;
	ztp_conlog_event(lg, "detach ztp-console -x (pid %ld)", (long)getpid());
out:
	ztp_cli_close(cli);
	ztp_conline_close(c);
	ztp_conlog_close(lg);
	ztp_conline_unlock(lk);
	ztp_val_unref(doc);
	ztp_val_unref(list);
	ztp_val_unref(secrets);
	ztp_buf_free(&out);
	ztp_buf_free(&b);
	return status;
}

/* --bootstrap: render, type it on the console, verify SSH, the record */
static int bootstrap(const struct ztp_conline_target *t, const struct ztp_conf *conf,
		     const char *cfile, const char *op, const struct ztp_val *rec,
		     const char *credname, int json, int force, double step)
{
	struct bootctx bc;
	struct ztp_val *secrets = NULL;
	struct ztp_buf why = ZTP_BUF_INIT, detail = ZTP_BUF_INIT;
	struct ztp_err e;
	const char *host;
	int status;

	memset(&bc, 0, sizeof bc);
	if (ztp_pushconf_load(conf, &bc.pc, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ZTP_EXIT_USAGE;
	}
	if (bc.pc.source_url && conf->secrets && ztp_secrets_load(conf, &secrets, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	bc.token = ztp_map_str(secrets, "source_token");
	if (rec)
		bc.vrec = ztp_val_copy(rec);
	else {
		bc.vrec = ztp_val_map();
		ztp_map_set_str(bc.vrec, "console", t->name);
	}
	if (ztp_map_get(bc.vrec, "rack") == NULL && t->rack[0])
		ztp_map_set_str(bc.vrec, "rack", t->rack);
	bc.platform = ztp_map_str(bc.vrec, "platform");
	status = scripted(t, conf, NULL, 0, credname, json, force, step, 0, rec, &bc);
	if (status != ZTP_EXIT_OK)
		goto out;
	host = ztp_map_str(bc.vrec, "ip");
	if (host == NULL && bc.mgmt_ip[0])
		host = bc.mgmt_ip;
	if (host == NULL) {
		ztp_log(ZTP_LOG_ERR, "line %s: bootstrap applied; cannot verify SSH: no address (the record's ip, or a static mgmt.address in the variables)",
			t->name);
		status = ZTP_EXIT_NEGATIVE;
		goto out;
	}
	status = boot_verify(cfile, t, &bc, step, host, &why);
	if (status != ZTP_EXIT_OK) {
		ztp_log(ZTP_LOG_ERR, "line %s: bootstrap applied, but SSH to %s still fails: %s", t->name,
			ztp_esc(host), why.p ? why.p : "");
		goto out;
	}
	ztp_buf_addf(&detail, "bootstrapped over console line %s (%s: %s); SSH to %s works", t->name,
		     bc.tmpl, bc.br.done, host);
	ztp_log(ZTP_LOG_INFO, "%s", detail.p);
	if (rec)
		status = boot_record(conf, op, rec, &bc, detail.p, json);
out:
	ztp_val_unref(bc.vrec);
	ztp_val_unref(secrets);
	ztp_buf_free(&bc.text);
	ztp_buf_free(&why);
	ztp_buf_free(&detail);
	ztp_pushconf_free(&bc.pc);
	return status;
}

int main(int argc, char **argv)
{
	struct ztp_conf *conf = NULL;
	struct ztp_conline_conf *cc = NULL;
	struct ztp_conline_target t;
	struct ztp_val *rec = NULL;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	struct sigaction sa;
	const char *cfile = NULL, *credname = NULL;
	char **cmds = NULL;
	size_t ncmds = 0;
	long long tmo = 0;
	static const struct option lopts[] = {
		{ "bootstrap", no_argument, NULL, 'B' },
		{ "probe", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, probe = 0, boot = 0;
	int c, esc = '~', force = 0, spymode = 0, printconf = 0, verbose = 0, status = ZTP_EXIT_OK;

	ztp_log_open("ztp-console", 0);
	while ((c = getopt_long(argc, argv, "c:e:fho:sTt:u:vx:", lopts, NULL)) != -1) {
		switch (c) {
		case 'B': boot = 1; break;
		case 'P': probe = 1; break;
		case 'c': cfile = optarg; break;
		case 'e':
			if (parse_escape(optarg, &esc) < 0) {
				ztp_log(ZTP_LOG_ERR, "cannot use escape '%s': one character, ^X or none", ztp_esc(optarg));
				usage();
			}
			break;
		case 'f': force = 1; break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") == 0 || strcmp(optarg, "yaml") == 0)
				json = 0;
			else {
				ztp_log(ZTP_LOG_ERR, "cannot use output format '%s': text or json", ztp_esc(optarg));
				usage();
			}
			break;
		case 's': spymode = 1; break;
		case 'T': printconf = 1; break;
		case 't':
			if (ztp_parse_duration(optarg, &tmo) < 0 || tmo < 1 || tmo > 3600) {
				ztp_log(ZTP_LOG_ERR, "cannot use timeout '%s': 1s to 1h", ztp_esc(optarg));
				usage();
			}
			break;
		case 'u': credname = optarg; break;
		case 'v': verbose++; break;
		case 'x':
			cmds = ztp_xrealloc(cmds, ncmds + 1, sizeof *cmds);
			cmds[ncmds++] = optarg;
			break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	ztp_log_verbosity(verbose);
	if ((argc != 1 && !printconf) || argc > 1 || (force && spymode) || (spymode && ncmds) ||
	    ((json || credname) && !ncmds && !probe && !boot) || (probe && (ncmds || spymode)) ||
	    (boot && (ncmds || spymode || probe || printconf)))
		usage();
	if (ztp_conf_open(&conf, cfile, printconf ? ZTP_CHECK_FILES : 0, &e) < 0 ||
	    ztp_conline_conf_load(&cc, conf, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	if (argc == 1) {
		struct ztp_input_opts io = { conf->spool, ztp_conf_spool_flags(conf) };
		struct pick pk = { cc, &t, NULL, 0, ZTP_EXIT_OK };
		int nbad = 0;

		(void)ztp_input_targets(argc, argv, &io, pick_target, &pk, &nbad);
		rec = pk.rec;
		status = pk.status;
		if (status == ZTP_EXIT_OK && pk.n == 0) {
			ztp_log(ZTP_LOG_ERR, "cannot find line '%s': nothing in it", ztp_esc(argv[0]));
			status = ZTP_EXIT_USAGE;
		}
		if (status != ZTP_EXIT_OK)
			goto out;
	}
	if (argc == 1 && tmo)
		t.timeout = (double)tmo;
	if (printconf) {
		struct ztp_buf d = ZTP_BUF_INIT;
		size_t di;

		ztp_conf_print(conf, &b);
		/* as comments: racks: is printed above as read; a second
		 * racks: key would make the output an invalid ztp.yml */
		ztp_buf_adds(&b, "# ztp-console: the terminal servers, defaults filled in:\n# ");
		ztp_conline_conf_dump(cc, &d);
		for (di = 0; di < d.len; di++) {
			ztp_buf_addc(&b, d.p[di]);
			if (d.p[di] == '\n' && di + 1 < d.len)
				ztp_buf_adds(&b, "# ");
		}
		if (d.len == 0 || d.p[d.len - 1] != '\n')
			ztp_buf_addc(&b, '\n');
		ztp_buf_free(&d);
		ztp_buf_addf(&b, "# ztp-console: locks %s/lock/console, logs %s/log/console\n",
			     conf->spool ? ztp_esc(conf->spool) : "(no spool)",
			     conf->spool ? ztp_esc(conf->spool) : "(no spool)");
		if (argc == 1) {
			static const char *const tn[] = { "telnet", "raw", "ssh" };
			static const char *const bn[] = { "iac", "rfc2217", "inband" };

			const char *su = t.ssh_user[0] ? t.ssh_user : t.user;

			ztp_buf_addf(&b, "# ztp-console: line %s is %s:%d, %s%s%s, break %s, timeout %.0fs%s%s\n",
				     t.name, ztp_esc(t.host), t.port, tn[t.transport],
				     t.binary ? " binary" : "", t.rfc2217 ? " rfc2217" : "",
				     t.transport == ZTP_CL_SSH && t.brk != ZTP_CL_BRK_INBAND ? "inband" : bn[t.brk],
				     t.timeout,
				     t.transport == ZTP_CL_SSH ? (su[0] ? ", ssh user " : "") :
				     t.user[0] ? ", terminal server login " : "",
				     t.transport == ZTP_CL_SSH ? ztp_esc(su) : t.user[0] ? ztp_esc(t.user) : "");
			if (t.transport == ZTP_CL_SSH) {
				struct ztp_buf g = ZTP_BUF_INIT;
				size_t k;

				/* as comments: the output stays a loadable ztp.yml */
				ztp_buf_adds(&b, "# ztp-console: its SSH settings (ssh -G style):\n# ");
				if (ztp_conline_ssh_print(&t, conf, verbose, &g, &e) < 0) {
					ztp_log(ZTP_LOG_ERR, "%s", e.msg);
					status = ztp_err_exit_status(e.code);
				}
				for (k = 0; k < g.len; k++) {
					ztp_buf_addc(&b, g.p[k]);
					if (g.p[k] == '\n' && k + 1 < g.len)
						ztp_buf_adds(&b, "# ");
				}
				if (g.len == 0 || g.p[g.len - 1] != '\n')
					ztp_buf_addc(&b, '\n');
				ztp_buf_free(&g);
			}
			if (rec)
				ztp_buf_addf(&b, "# ztp-console: line of record %s (its console field)\n",
					     ztp_map_str(rec, "id") ? ztp_esc(ztp_map_str(rec, "id")) : "?");
		}
		fwrite(b.p ? b.p : "", 1, b.len, stdout);
		status = ztp_out_status(status);
		goto out;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (boot)
		status = bootstrap(&t, conf, cfile, argv[0], rec, credname, json, force,
				   tmo ? (double)tmo : 20);
	else if (ncmds || probe)
		status = scripted(&t, conf, cmds, ncmds, credname, json, force, tmo ? (double)tmo : 20,
				  probe, rec, NULL);
	else if (spymode)
		status = spy(conf->spool, t.name, esc);
	else
		status = attach(&t, conf, esc, force);
out:
	free(cmds);
	ztp_val_unref(rec);
	ztp_buf_free(&b);
	ztp_conline_conf_free(cc);
	ztp_conf_free(conf);
	return status;
}
