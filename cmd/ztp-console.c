/* ztp-console: a device's console line through the rack's terminal server.
 *
 * Attach (a person): raw terminal, device output as is, typed bytes to the
 * line, "~." leave, "~b" BREAK, "~r" the last lines of the line's log,
 * "~?" help (after a newline; -e changes the character).  The line is
 * locked for the whole session and everything the device sends is logged.
 * Spy (-s): the line's log followed, read-only; the line is never opened. */
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
#include "os.h"
#include "str.h"
#include "val.h"
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

/* --probe: the platform's probe commands and parsers (ztp_fleet_facts,
 * as ztp-probe) over the line; rec (the operand's record, or NULL: a new
 * one naming the line) gets facts and, when it has none, platform, and is
 * printed as ztp-probe prints it */
static int probe_facts(struct ztp_cli *cli, const struct ztp_conline_target *t,
		       const struct ztp_val *rec, int json)
{
	const char *platform = ztp_cli_platform(cli);
	struct ztp_val *out = NULL, *facts = NULL;
	struct ztp_buf b = ZTP_BUF_INIT;
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
	if (json) {
		if (ztp_json_emit(&b, out, 0) == 0)
			ztp_buf_addc(&b, '\n');
	} else if (ztp_yml_emit(&b, out, 1, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: %s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	if (ztp_write_all(1, b.p, b.len) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: standard output: %s", strerror(errno));
		status = ZTP_EXIT_TEMPFAIL;
	}
out:
	ztp_val_unref(facts);
	ztp_val_unref(out);
	ztp_buf_free(&b);
	return status;
}

static int scripted(const struct ztp_conline_target *t, const struct ztp_conf *conf,
		    char **cmds, size_t ncmds, const char *credname, int json, int force,
		    double step, int probe, const struct ztp_val *rec)
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
		} else if (credname) {
			ztp_log(ZTP_LOG_ERR, "cannot log in to line %s: no credential '%s' in the secrets file",
				t->name, ztp_esc(credname));
			status = ZTP_EXIT_USAGE;
			goto out;
		}
		if ((en = ztp_map_str(secrets, "enable")) || ((cr = cred_by_name(secrets, "enable")) &&
							      (en = ztp_map_str(cr, "password"))))
			o.enable_secret = en;
	} else if (credname) {
		ztp_log(ZTP_LOG_ERR, "cannot use credential '%s': no secrets file in ztp.yml", ztp_esc(credname));
		return ZTP_EXIT_USAGE;
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
		ztp_conlog_event(lg, "%s", e.msg);
		ztp_log(ZTP_LOG_ERR, "line %s: %s", t->name, e.msg);
		status = ztp_err_exit_status(e.code);
		goto events;
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
			status = ztp_exit_merge(status, ztp_err_exit_status(rc));
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
	if (json && !probe) {
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
		{ "probe", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, probe = 0;
	int c, esc = '~', force = 0, spymode = 0, printconf = 0, verbose = 0, status = ZTP_EXIT_OK;

	ztp_log_open("ztp-console", 0);
	while ((c = getopt_long(argc, argv, "c:e:fho:sTt:u:vx:", lopts, NULL)) != -1) {
		switch (c) {
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
	    ((json || credname) && !ncmds && !probe) || (probe && (ncmds || spymode)))
		usage();
	if (ztp_conf_open(&conf, cfile, printconf ? ZTP_CHECK_FILES : 0, &e) < 0 ||
	    ztp_conline_conf_load(&cc, conf, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	if (argc == 1) {
		struct ztp_input_opts io = { conf->spool };
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
		ztp_conf_print(conf, &b);
		ztp_buf_adds(&b, "# ztp-console: terminal servers\n");
		ztp_conline_conf_dump(cc, &b);
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
	if (ncmds || probe)
		status = scripted(&t, conf, cmds, ncmds, credname, json, force, tmo ? (double)tmo : 20,
				  probe, rec);
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
