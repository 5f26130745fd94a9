/* condialog.c: from a console line to a usable CLI (see condialog.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "condialog.h"
#include "os.h"
#include "str.h"
#include "val.h"

#define TAIL 4096		/* bytes of output the recogniser looks at */
#define KEEP ((size_t)16 << 10)	/* bytes of output kept between actions */
#define QUIET 0.3		/* silence before the end of the output is judged */
#define MAX_STEPS 200
#define MAX_WAKES 5
#define SECRET_MAX 256

/* ---- the recogniser (pure) */

static const char *const sit_names[ZTP_CON_NSIT] = {
	[ZTP_CON_NOTHING] = "nothing recognised",
	[ZTP_CON_PROMPT] = "CLI prompt",
	[ZTP_CON_CONFIG] = "configuration mode",
	[ZTP_CON_PAGER] = "pager",
	[ZTP_CON_PRESS_RETURN] = "press RETURN",
	[ZTP_CON_SETUP] = "initial configuration dialog",
	[ZTP_CON_SETUP_SECRET] = "setup enable secret",
	[ZTP_CON_SETUP_CONFIRM] = "setup enable secret confirmation",
	[ZTP_CON_SETUP_MENU] = "setup save menu",
	[ZTP_CON_SETUP_ENCRYPT] = "setup encryption selection",
	[ZTP_CON_AUTOINSTALL] = "autoinstall",
	[ZTP_CON_POAP] = "NX-OS Power On Auto Provisioning",
	[ZTP_CON_NXOS_SECURE] = "NX-OS secure password standard",
	[ZTP_CON_NXOS_ADMIN] = "NX-OS admin password",
	[ZTP_CON_NXOS_ADMIN2] = "NX-OS admin password confirmation",
	[ZTP_CON_XR_USER] = "IOS-XR root-system user",
	[ZTP_CON_XR_SECRET] = "IOS-XR root-system secret",
	[ZTP_CON_XR_SECRET2] = "IOS-XR root-system secret confirmation",
	[ZTP_CON_VRP_SET] = "VRP first-login password",
	[ZTP_CON_VRP_PW] = "VRP console password",
	[ZTP_CON_VRP_PW2] = "VRP console password confirmation",
	[ZTP_CON_VRP_AUTOCONFIG] = "VRP Auto-Config",
	[ZTP_CON_EXIT_CONFIRM] = "uncommitted changes question",
	[ZTP_CON_LOGIN] = "login prompt",
	[ZTP_CON_PASSWORD] = "password prompt",
	[ZTP_CON_JUNOS_SHELL] = "JunOS shell",
	[ZTP_CON_ROMMON] = "ROMMON",
	[ZTP_CON_SWITCH_BOOT] = "boot loader (switch:)",
	[ZTP_CON_GRUB] = "GRUB",
	[ZTP_CON_LOADER] = "loader",
	[ZTP_CON_BUSY] = "line in use",
	[ZTP_CON_NO_PASSWORD] = "line without a password",
};

const char *ztp_con_sit_name(enum ztp_con_sit s)
{
	return s < ZTP_CON_NSIT && sit_names[s] ? sit_names[s] : "?";
}

/* how a pattern matches the decisive line: C anywhere, E at its end;
 * both without regard to case */
enum how { C, E };

static const struct pat {
	enum ztp_con_sit sit;
	enum how how;
	const char *text;
} pats[] = {
	{ ZTP_CON_BUSY, C, "Port already in use" },
	{ ZTP_CON_BUSY, C, "Port's device already in use" },
	{ ZTP_CON_BUSY, C, " is being used by " },
	{ ZTP_CON_BUSY, C, "Connection refused by remote host" },
	{ ZTP_CON_BUSY, C, "Port disabled" },
	{ ZTP_CON_NO_PASSWORD, C, "Password required, but none set" },
	{ ZTP_CON_AUTOINSTALL, C, "terminate autoinstall?" },
	{ ZTP_CON_SETUP, C, "initial configuration dialog?" },
	{ ZTP_CON_SETUP, C, "Continue with configuration dialog?" },
	{ ZTP_CON_SETUP, C, "basic management setup?" },
	{ ZTP_CON_SETUP, C, "basic configuration dialog (yes/no)" },
	{ ZTP_CON_SETUP_SECRET, E, "Enter enable secret:" },
	{ ZTP_CON_SETUP_CONFIRM, E, "Confirm enable secret:" },
	{ ZTP_CON_SETUP_ENCRYPT, C, "Enter your encryption selection" },
	{ ZTP_CON_SETUP_MENU, C, "Enter your selection" },
	{ ZTP_CON_POAP, C, "Abort Power On Auto Provisioning" },
	{ ZTP_CON_NXOS_SECURE, C, "enforce secure password standard" },
	{ ZTP_CON_NXOS_ADMIN, C, "Enter the password for \"admin\"" },
	{ ZTP_CON_NXOS_ADMIN2, C, "Confirm the password for \"admin\"" },
	{ ZTP_CON_XR_USER, C, "Enter root-system username" },
	{ ZTP_CON_XR_SECRET2, E, "Enter secret again:" },
	{ ZTP_CON_XR_SECRET, E, "Enter secret:" },
	{ ZTP_CON_VRP_SET, C, "Continue to set it? [Y/N]" },
	{ ZTP_CON_VRP_PW2, E, "Confirm Password:" },
	{ ZTP_CON_VRP_PW, E, "Enter Password:" },
	{ ZTP_CON_VRP_AUTOCONFIG, C, "stop Auto-Config? [y/n]" },
	{ ZTP_CON_EXIT_CONFIRM, C, "Exit with uncommitted changes?" },
	{ ZTP_CON_EXIT_CONFIRM, C, "Uncommitted changes found, commit them" },
	{ ZTP_CON_PRESS_RETURN, C, "Press RETURN to get started" },
	{ ZTP_CON_PRESS_RETURN, C, "Press ENTER to get started" },
	{ ZTP_CON_PRESS_RETURN, C, "Please Press ENTER" },
	{ ZTP_CON_PRESS_RETURN, C, "press any key to log on" },
	{ ZTP_CON_LOGIN, E, "login:" },
	{ ZTP_CON_LOGIN, E, "username:" },
	{ ZTP_CON_LOGIN, E, "user name:" },
	{ ZTP_CON_LOGIN, E, "user:" },
	{ ZTP_CON_PASSWORD, E, "password:" },
	{ ZTP_CON_PASSWORD, E, "passcode:" },
	{ ZTP_CON_GRUB, E, "grub>" },
	{ ZTP_CON_LOADER, E, "loader>" },
};

static int has_ci(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w), i;

	for (i = 0; i + l <= n; i++)
		if (strncasecmp(s + i, w, l) == 0)
			return 1;
	return 0;
}

static int ends_ci(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);

	return n >= l && strncasecmp(s + n - l, w, l) == 0;
}

/* the offset of a syslog mnemonic "%FAC-N-MNEMONIC:" (or " :") in s, -1 */
static long syslog_at(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		int sev = 0, after = 0;

		if (s[i] == '%' && i + 3 < n && s[i + 1] == '%' && s[i + 2] >= '0' && s[i + 2] <= '9') {
			/* VRP: "%%01IFNET/4/LINK_STATE(l)[0]:" */
			int slashes = 0;

			for (j = i + 2; j < n && j < i + 80; j++) {
				if (s[j] == '/')
					slashes++;
				else if (s[j] == '(' || s[j] == ':')
					break;
				else if (!((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9') ||
					   s[j] == '_'))
					break;
			}
			if (slashes == 2 && j < n && (s[j] == '(' || s[j] == ':'))
				return (long)i;
			continue;
		}
		if (s[i] != '%' || i + 1 >= n || s[i + 1] < 'A' || s[i + 1] > 'Z')
			continue;
		for (j = i + 1; j < n && j < i + 80; j++) {
			char ch = s[j];

			if (ch == '-' && j + 2 < n && s[j + 1] >= '0' && s[j + 1] <= '7' && s[j + 2] == '-' &&
			    s[j - 1] != '-') {
				sev = 1;
				j += 2;
				after = 0;
				continue;
			}
			if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-') {
				after++;
				continue;
			}
			break;
		}
		if (sev && after > 0 && j < n &&
		    (s[j] == ':' || (s[j] == ' ' && j + 1 < n && s[j + 1] == ':')))
			return (long)i;
	}
	return -1;
}

int ztp_con_is_syslog(const char *line, size_t n)
{
	return syslog_at(line, n) >= 0;
}

/* an E pattern in a line with a syslog message printed into it at sl: it
 * ends before the message (blanks aside) */
static int ends_before(const char *p, size_t sl, const char *w)
{
	while (sl > 0 && p[sl - 1] == ' ')
		sl--;
	/* the message's own prefix ("RP/0/RP0/CPU0:... envmon[187]: ") */
	while (sl > 0) {
		if (ends_ci(p, sl, w))
			return 1;
		sl--;
	}
	return 0;
}

/* a situation told by a message on a line of its own, not a question or
 * a prompt waiting at the end of its line */
static int is_message(enum ztp_con_sit sit)
{
	return sit == ZTP_CON_BUSY || sit == ZTP_CON_NO_PASSWORD || sit == ZTP_CON_PRESS_RETURN;
}

/* a question is whole when its line ends the way the questions end
 * ("[yes/no]: ", "(yes/no) [y]: ", "[yes,no] (yes) "): its first words
 * alone ("... initial configuration dialog?" before " [yes/no]: ") may be
 * all a slow line has delivered so far */
static int question_ends(const char *p, size_t l)
{
	while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
		l--;
	return l > 0 && (p[l - 1] == ':' || p[l - 1] == ']' || p[l - 1] == ')');
}

static enum ztp_con_sit match_line(const char *t, size_t s, size_t l, size_t prev_s, size_t prev_l,
				   int has_prev, long sl)
{
	const char *p = t + s;
	size_t i;

	for (i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		if (pats[i].how == C ? has_ci(p, sl >= 0 ? (size_t)sl : l, pats[i].text) :
		    sl >= 0 ? ends_before(p, (size_t)sl, pats[i].text) : ends_ci(p, l, pats[i].text)) {
			if (pats[i].how == C && sl < 0 && !is_message(pats[i].sit) && !question_ends(p, l))
				return ZTP_CON_NOTHING;
			return pats[i].sit;
		}
	}
	if (sl >= 0 || l == 0)
		return ZTP_CON_NOTHING;
	if (l >= 6 && memcmp(p, "rommon", 6) == 0 && p[l - 1] == '>')
		return ZTP_CON_ROMMON;
	if (l == 7 && memcmp(p, "switch:", 7) == 0)
		return ZTP_CON_SWITCH_BOOT;
	if (l >= 6 && memcmp(p, "root@", 5) == 0 && p[l - 1] == '%' && memchr(p, ' ', l) == NULL)
		return ZTP_CON_JUNOS_SHELL;
	if (ztp_cli_looks_like_prompt(p, l)) {
		if (memmem(p, l, "(config", 7) || (p[0] == '[' && p[l - 1] == ']') ||
		    (has_prev && prev_l >= 5 && memcmp(t + prev_s, "[edit", 5) == 0 && p[l - 1] == '#'))
			return ZTP_CON_CONFIG;
		return ZTP_CON_PROMPT;
	}
	return ZTP_CON_NOTHING;
}

enum ztp_con_sit ztp_con_classify(const char *raw, size_t n, char *line, size_t lsz)
{
	char clean[TAIL + 1];
	size_t cn, end, s, l, ps = 0, pl = 0, rn;
	enum ztp_con_sit sit = ZTP_CON_NOTHING;
	int skipped = 0;

	if (lsz)
		line[0] = 0;
	if (n > TAIL) {
		raw += n - TAIL;
		n = TAIL;
	}
	rn = n;
	/* a pager prompt standing at the end (the clean text drops them) */
	while (rn > 0 && (raw[rn - 1] == ' ' || raw[rn - 1] == '\r'))
		rn--;
	if (rn > 0 && ztp_cli_pager_at_end(raw, rn) >= 0) {
		if (lsz)
			snprintf(line, lsz, "%s", "--More--");
		return ZTP_CON_PAGER;
	}
	cn = ztp_cli_clean(raw, n, clean);
	/* the decisive line: the last one that is not blank and not a syslog
	 * message; one with a syslog message printed into it only counts
	 * for the questions (matched anywhere in it) */
	end = cn;
	while (end > 0) {
		long sl;
		int nl_after = end > 0 && clean[end - 1] == '\n';

		while (end > 0 && clean[end - 1] == '\n')
			end--;
		for (s = end; s > 0 && clean[s - 1] != '\n'; s--)
			;
		l = end - s;
		while (l > 0 && (clean[s + l - 1] == ' ' || clean[s + l - 1] == '\t'))
			l--;
		end = s;
		if (l == 0)
			continue;
		sl = syslog_at(clean + s, l);
		/* the line above (JunOS "[edit]" over its prompt) */
		pl = 0;
		if (s > 0) {
			for (ps = s - 1; ps > 0 && clean[ps - 1] != '\n'; ps--)
				;
			pl = s - 1 - ps;
		}
		sit = match_line(clean, s, l, ps, pl, s > 0, sl);
		/* a prompt or a question waits at the end of its line: one
		 * with a newline after it (and no syslog message) is not
		 * waiting, the device is still talking (a banner's "#####"
		 * line before its login prompt, JunOS "[edit]" before the
		 * prompt under it) */
		if (sit != ZTP_CON_NOTHING && !is_message(sit) && sl < 0 && !skipped && nl_after)
			sit = ZTP_CON_NOTHING;
		if (sit != ZTP_CON_NOTHING || sl < 0 || ++skipped > 16) {
			if (lsz)
				snprintf(line, lsz, "%.*s", (int)(l < 512 ? l : 512), clean + s);
			return sit;
		}
	}
	return sit;
}

/* ---- the transcript: secrets replaced on each stream, across writes */

struct red {
	const char *sec[5];
	size_t nsec;
	char pend[2][SECRET_MAX];
	size_t npend[2];
	void (*log)(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n);
	void *log_ctx;
};

static void red_add(struct red *r, const char *s)
{
	if (s == NULL || *s == 0 || r->nsec == 5)
		return;
	r->sec[r->nsec++] = s;
}

/* emit t[0..upto) redacted; the rest stays pending */
static void red_emit(struct red *r, enum ztp_cli_dir d, const char *t, size_t n, size_t upto)
{
	size_t i = 0, run = 0, k;

	while (i < upto) {
		for (k = 0; k < r->nsec; k++) {
			size_t l = strlen(r->sec[k]);

			if (i + l <= n && memcmp(t + i, r->sec[k], l) == 0)
				break;
		}
		if (k < r->nsec) {
			if (i > run)
				r->log(r->log_ctx, d, t + run, i - run);
			r->log(r->log_ctx, d, "<redacted>", 10);
			i += strlen(r->sec[k]);
			run = i;
			continue;
		}
		i++;
	}
	if (upto > run && i > run)
		r->log(r->log_ctx, d, t + run, (i < upto ? i : upto) - run);
	/* what was consumed past upto (a secret reaching over it) */
	k = i > upto ? i : upto;
	memmove(r->pend[d], t + k, n - k);
	r->npend[d] = n - k;
}

/* the longest end of t[0..n) that is the start of a secret (shorter than
 * it): what may become a secret with the next bytes */
static size_t red_tail(const struct red *r, const char *t, size_t n)
{
	size_t k, m, best = 0;

	for (k = 0; k < r->nsec; k++) {
		size_t l = strlen(r->sec[k]);

		for (m = l - 1 < n ? l - 1 : n; m > best; m--)
			if (memcmp(t + n - m, r->sec[k], m) == 0) {
				best = m;
				break;
			}
	}
	return best;
}

static void red_feed(struct red *r, enum ztp_cli_dir d, const char *p, size_t n)
{
	char *t;
	size_t tn, keep;

	if (r->log == NULL || n == 0)
		return;
	if (r->nsec == 0) {
		r->log(r->log_ctx, d, p, n);
		return;
	}
	/* what came before we write goes first: the transcript keeps the
	 * order (a secret cannot be half echoed before it is sent) */
	if (d == ZTP_CLI_OUT && r->npend[ZTP_CLI_IN]) {
		char t0[SECRET_MAX];
		size_t n0 = r->npend[ZTP_CLI_IN];

		memcpy(t0, r->pend[ZTP_CLI_IN], n0);
		red_emit(r, ZTP_CLI_IN, t0, n0, n0 - red_tail(r, t0, n0));
	}
	tn = r->npend[d] + n;
	t = ztp_xmalloc(tn);
	memcpy(t, r->pend[d], r->npend[d]);
	memcpy(t + r->npend[d], p, n);
	/* what we send comes in whole writes; what comes back may be cut
	 * anywhere (a device echoing a byte at a time) */
	keep = d == ZTP_CLI_IN ? red_tail(r, t, tn) : 0;
	red_emit(r, d, t, tn, tn - keep);
	free(t);
}

static void red_flush(struct red *r)
{
	char t[SECRET_MAX];
	int d;

	if (r->log == NULL)
		return;
	for (d = 0; d < 2; d++) {
		size_t n = r->npend[d];

		memcpy(t, r->pend[d], n);
		red_emit(r, (enum ztp_cli_dir)d, t, n, n);
	}
}

/* ---- the line: a transport around the caller's (CR for LF, transcript) */

struct line {
	struct ztp_cli_transport in;
	struct red red;
};

static ssize_t ln_read(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct line *l = ctx;

	return l->in.read(l->in.ctx, p, n, deadline, e);
}

/* a console key sends CR for Enter */
static int ln_write(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct line *l = ctx;
	char *t = ztp_xmalloc(n ? n : 1);
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		t[i] = p[i] == '\n' ? '\r' : p[i];
	rc = l->in.write(l->in.ctx, t, n, deadline, e);
	free(t);
	return rc;
}

static void ln_close(void *ctx)
{
	struct line *l = ctx;

	if (l == NULL)
		return;
	red_flush(&l->red);
	if (l->in.close)
		l->in.close(l->in.ctx);
	free(l);
}

static void ln_log(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n)
{
	struct line *l = ctx;

	red_feed(&l->red, dir, p, n);
}

/* ---- the engine */

struct eng {
	struct line *l;
	const struct ztp_con_opts *o;
	struct ztp_con_result *r;
	struct ztp_buf out;		/* output since the last action */
	struct ztp_con_cred creds[3];	/* server, device, the factory login */
	const char *who[3];
	int ncred, cred;
	int login_sent;			/* a login name was sent for creds[cred] */
	int password_sent;		/* and a password after it */
	int count[ZTP_CON_NSIT];
	const char *hint;		/* the platform the dialogs told */
	int amnesiac, eos_ztp, pnp_stopped, pressed;
	int on_device;			/* the device spoke: the server's login is over */
	char what[200];
	double last_tx;
	int wakes;
};

static void event(struct eng *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void event(struct eng *g, const char *fmt, ...)
{
	va_list ap;

	if (g->r->nevents >= ZTP_CON_EVENTS)
		return;
	va_start(ap, fmt);
	vsnprintf(g->r->events[g->r->nevents++], ZTP_CON_EVENT_LEN, fmt, ap);
	va_end(ap);
}

/* send s and Enter (CR); enter 0: s alone */
static int send_keys(struct eng *g, const char *s, int enter, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	double dl = ztp_os_monotonic() + (g->o->step > 0 ? g->o->step : 20);
	int rc;

	ztp_buf_adds(&b, s);
	if (enter)
		ztp_buf_addc(&b, '\r');
	if (b.p == NULL)
		ztp_buf_adds(&b, "");
	red_feed(&g->l->red, ZTP_CLI_OUT, b.p, b.len);
	rc = g->l->in.write(g->l->in.ctx, b.p, b.len, dl, e);
	ztp_buf_free(&b);
	g->last_tx = ztp_os_monotonic();
	return rc < 0 ? -1 : 0;
}

static void last_seen(struct eng *g)
{
	char line[128];

	if (g->out.len == 0)
		return;
	(void)ztp_con_classify(g->out.p, g->out.len, line, sizeof line);
	if (line[0] == 0) {
		/* nothing decisive: the last non-blank line as is */
		char clean[TAIL + 1];
		size_t n = g->out.len > TAIL ? TAIL : g->out.len;
		size_t cn = ztp_cli_clean(g->out.p + g->out.len - n, n, clean), s, ll;

		while (cn > 0 && (clean[cn - 1] == '\n' || clean[cn - 1] == ' '))
			cn--;
		for (s = cn; s > 0 && clean[s - 1] != '\n'; s--)
			;
		ll = cn - s;
		snprintf(line, sizeof line, "%.*s", (int)(ll < 127 ? ll : 127), clean + s);
	}
	if (line[0])
		snprintf(g->r->last_line, sizeof g->r->last_line, "%s", line);
}

static int factory_ok(struct eng *g, enum ztp_con_sit sit, const char *line, struct ztp_err *e)
{
	if (g->o->factory == ZTP_CON_FACTORY_ANSWER)
		return 0;
	return ztp_err_set(e, ZTP_ERR_PERM, "stop at the device's %s ('%s'): answering it "
			   "stops its zero-touch provisioning; allow factory dialogs to take "
			   "the device over the console", ztp_con_sit_name(sit), ztp_esc(line));
}

/* A device's own zero-touch process, stopped by answering its question
 * (when factory dialogs may be answered): the console now owns it. */
static int stop_factory(struct eng *g, enum ztp_con_sit sit, const char *line, const char *what,
			const char *hint, const char *answer, struct ztp_err *e)
{
	if (factory_ok(g, sit, line, e) < 0)
		return -1;
	event(g, "stopped %s", what);
	g->r->owns = 1;
	if (hint)
		g->hint = hint;
	snprintf(g->what, sizeof g->what, "a prompt after stopping %s", what);
	return send_keys(g, answer, 1, e);
}

static const char *factory_secret(struct eng *g)
{
	return g->o->factory_secret ? g->o->factory_secret : g->o->device.password;
}

static int need_secret(const char *s, enum ztp_con_sit sit, struct ztp_err *e)
{
	if (s && *s)
		return 0;
	return ztp_err_set(e, ZTP_ERR_CONFIG, "answer the %s: the device insists on a secret "
			   "and none is given (factory secret or device password)",
			   ztp_con_sit_name(sit));
}

static const char *const fails[] = {
	"incorrect", "invalid", "failed", "rejected", "denied", "do not match", NULL
};

static int login_failed(const struct ztp_buf *b)
{
	int i;

	for (i = 0; fails[i]; i++)
		if (b->len && has_ci(b->p, b->len, fails[i]))
			return 1;
	return 0;
}

/* the login of creds[cred] is over: it worked (another stage came) or
 * it was refused */
static void login_done(struct eng *g, int failed)
{
	const struct ztp_con_cred *c = &g->creds[g->cred];

	if (!g->login_sent)
		return;
	if (failed)
		event(g, "login to the %s as %s refused", g->who[g->cred], c->user);
	else
		event(g, "logged in to the %s as %s", g->who[g->cred], c->user);
	g->login_sent = g->password_sent = 0;
	g->cred++;
}

/* a factory dialog set the device's login: use it from now on */
static void set_device_cred(struct eng *g, const char *user, const char *pw)
{
	int i;

	for (i = 0; i < g->ncred; i++)
		if (!strcmp(g->who[i], "device"))
			break;
	if (i == g->ncred) {
		if (g->ncred == 3)
			return;
		g->ncred++;
		g->who[i] = "device";
	}
	if (user)
		g->creds[i].user = user;
	g->creds[i].password = pw;
}

static const char *device_user(struct eng *g)
{
	if (g->cred < g->ncred && g->creds[g->cred].user)
		return g->creds[g->cred].user;
	if (g->amnesiac || (g->hint && !strcmp(g->hint, "juniper_junos")))
		return "root";
	if (g->eos_ztp || (g->hint && !strcmp(g->hint, "arista_eos")) ||
	    (g->o->platform && !strcmp(g->o->platform, "arista_eos")))
		return "admin";
	if (g->o->platform && !strcmp(g->o->platform, "juniper_junos"))
		return "root";
	return NULL;
}

/* a login prompt line in the output before its last line */
static int login_before(struct eng *g)
{
	char clean[TAIL + 1];
	size_t n = g->out.len > TAIL ? TAIL : g->out.len;
	size_t cn = ztp_cli_clean(g->out.p + g->out.len - n, n, clean), i = 0;

	while (cn > 0 && clean[cn - 1] != '\n')
		cn--;
	while (i < cn) {
		size_t j = i, l;

		while (j < cn && clean[j] != '\n')
			j++;
		l = j - i;
		while (l > 0 && clean[i + l - 1] == ' ')
			l--;
		if (ends_ci(clean + i, l, "username:") || ends_ci(clean + i, l, "login:") ||
		    ends_ci(clean + i, l, "user name:"))
			return 1;
		i = j + 1;
	}
	return 0;
}

/* facts noticed anywhere in the output, not only at its end */
static void notice(struct eng *g)
{
	const char *p = g->out.p;
	size_t n = g->out.len;

	if (n == 0)
		return;
	if (!g->amnesiac && memmem(p, n, "Amnesiac (ttyu0)", 16)) {
		g->amnesiac = 1;
		g->on_device = 1;
		g->hint = "juniper_junos";
		event(g, "the JunOS device has no configuration (Amnesiac)");
	}
	if (!g->eos_ztp && (memmem(p, n, "Zero Touch Provisioning mode", 28) ||
			    memmem(p, n, "%ZTP-6-INIT", 11) || memmem(p, n, "%ZTP-6-RETRY", 12))) {
		g->eos_ztp = 1;
		g->on_device = 1;
		g->hint = "arista_eos";
		event(g, "the EOS device is in Zero Touch Provisioning mode: left running "
		      "(zerotouch cancel reloads the switch)");
	}
	if (!g->pnp_stopped && memmem(p, n, "PNP_DISCOVERY_STOPPED", 21)) {
		g->pnp_stopped = 1;
		event(g, "PnP discovery stopped by the console input");
	}
}

static int act(struct eng *g, enum ztp_con_sit sit, const char *line, struct ztp_err *e)
{
	const char *s, *u;
	static const int limit[ZTP_CON_NSIT] = {
		[ZTP_CON_PAGER] = 100, [ZTP_CON_PRESS_RETURN] = 8, [ZTP_CON_LOGIN] = 6,
		[ZTP_CON_PASSWORD] = 6, [ZTP_CON_SETUP] = 4, [ZTP_CON_CONFIG] = 4,
	};
	int lim = limit[sit] ? limit[sit] : 3;

	if (++g->count[sit] > lim)
		return ztp_err_set(e, ZTP_ERR_PERM, "the device keeps asking the same (%s, '%s') "
				   "after %d answers", ztp_con_sit_name(sit), ztp_esc(line), lim);
	if (sit != ZTP_CON_LOGIN && sit != ZTP_CON_PASSWORD && g->password_sent)
		login_done(g, 0);
	if (sit != ZTP_CON_LOGIN && sit != ZTP_CON_PASSWORD && sit != ZTP_CON_BUSY)
		g->on_device = 1;
	if ((sit == ZTP_CON_LOGIN || sit == ZTP_CON_PASSWORD) && g->on_device && !g->login_sent &&
	    g->cred < g->ncred && !strcmp(g->who[g->cred], "terminal server"))
		g->cred++;	/* no terminal server login on this line */
	switch (sit) {
	case ZTP_CON_NOTHING:
	case ZTP_CON_PROMPT:
	case ZTP_CON_NSIT:
		return 0;
	case ZTP_CON_BUSY:
		return ztp_err_set(e, ZTP_ERR_BUSY, "the line is in use: the terminal server says "
				   "'%s'; wait, or take the line over (ser2net kickolduser, "
				   "clear line on a Cisco terminal server)", ztp_esc(line));
	case ZTP_CON_NO_PASSWORD:
		return ztp_err_set(e, ZTP_ERR_CONFIG, "log in on the line: it says '%s' (set a "
				   "login on the terminal server's line)", ztp_esc(line));
	case ZTP_CON_ROMMON:
	case ZTP_CON_SWITCH_BOOT:
	case ZTP_CON_LOADER:
	case ZTP_CON_GRUB:
		if (g->o->boot && sit != ZTP_CON_GRUB && g->count[sit] == 1) {
			event(g, "booted from %s ('%s')", ztp_con_sit_name(sit), line);
			snprintf(g->what, sizeof g->what, "the device to boot from %s",
				 ztp_con_sit_name(sit));
			return send_keys(g, "boot", 1, e);
		}
		event(g, "the device is at its boot loader: %s", line);
		return ztp_err_set(e, ZTP_ERR_PERM, "the device is at its boot loader (%s: '%s'); "
				   "not driven unless asked to boot it", ztp_con_sit_name(sit),
				   ztp_esc(line));
	case ZTP_CON_PAGER:
		if (g->count[sit] == 1)
			event(g, "stopped a pager left running");
		snprintf(g->what, sizeof g->what, "a prompt after stopping the pager");
		return send_keys(g, "q", 0, e);
	case ZTP_CON_PRESS_RETURN:
		if (!g->pressed++)
			event(g, "pressed RETURN to get started");
		snprintf(g->what, sizeof g->what, "a prompt after pressing RETURN");
		return send_keys(g, "", 1, e);
	case ZTP_CON_SETUP:
		if (factory_ok(g, sit, line, e) < 0)
			return -1;
		event(g, "answered the initial configuration dialog: no");
		g->r->owns = 1;
		snprintf(g->what, sizeof g->what, "a prompt after answering 'no' to the initial "
			 "configuration dialog");
		return send_keys(g, "no", 1, e);
	case ZTP_CON_SETUP_SECRET:
	case ZTP_CON_SETUP_CONFIRM:
		if (g->out.len && has_ci(g->out.p, g->out.len, "validation failed"))
			return ztp_err_set(e, ZTP_ERR_CONFIG, "set the enable secret in the initial "
					   "dialog: the device refused it (at least 10 characters, "
					   "upper and lower case and a digit)");
		s = g->o->enable_secret ? g->o->enable_secret : g->o->factory_secret;
		if (need_secret(s, sit, e) < 0)
			return -1;
		if (sit == ZTP_CON_SETUP_CONFIRM)
			event(g, "set the enable secret in the initial dialog");
		snprintf(g->what, sizeof g->what, "the next question after the %s", ztp_con_sit_name(sit));
		return send_keys(g, s, 1, e);
	case ZTP_CON_SETUP_MENU:
		event(g, "left the setup menu with 0: to the prompt, nothing saved");
		snprintf(g->what, sizeof g->what, "a prompt after choosing 0 in the setup menu");
		return send_keys(g, "0", 1, e);
	case ZTP_CON_SETUP_ENCRYPT:
		event(g, "kept the default encryption selection");
		snprintf(g->what, sizeof g->what, "a prompt after the encryption selection");
		return send_keys(g, "", 1, e);
	case ZTP_CON_AUTOINSTALL:
		return stop_factory(g, sit, line, "autoinstall", NULL, "yes", e);
	case ZTP_CON_POAP:
		return stop_factory(g, sit, line, "Power On Auto Provisioning", "cisco_nxos", "yes", e);
	case ZTP_CON_NXOS_SECURE:
		snprintf(g->what, sizeof g->what, "the admin password question");
		return send_keys(g, "yes", 1, e);
	case ZTP_CON_NXOS_ADMIN:
	case ZTP_CON_NXOS_ADMIN2:
	case ZTP_CON_XR_SECRET:
	case ZTP_CON_XR_SECRET2:
	case ZTP_CON_VRP_PW:
	case ZTP_CON_VRP_PW2:
		s = factory_secret(g);
		if (need_secret(s, sit, e) < 0)
			return -1;
		if (sit == ZTP_CON_NXOS_ADMIN2) {
			event(g, "set the admin password");
			set_device_cred(g, "admin", s);
		}
		else if (sit == ZTP_CON_XR_SECRET2) {
			event(g, "created the root-system user %s",
			      g->o->device.user ? g->o->device.user : "admin");
			set_device_cred(g, g->o->device.user ? g->o->device.user : "admin", s);
		} else if (sit == ZTP_CON_VRP_PW2) {
			event(g, "set the console password at the first login");
			set_device_cred(g, NULL, s);
		}
		if (sit == ZTP_CON_XR_SECRET || sit == ZTP_CON_XR_SECRET2)
			g->hint = "cisco_xr";
		if (sit == ZTP_CON_VRP_PW || sit == ZTP_CON_VRP_PW2)
			g->hint = "huawei_vrp";
		snprintf(g->what, sizeof g->what, "the next question after the %s", ztp_con_sit_name(sit));
		return send_keys(g, s, 1, e);
	case ZTP_CON_XR_USER:
		if (factory_ok(g, sit, line, e) < 0 || need_secret(factory_secret(g), sit, e) < 0)
			return -1;
		g->hint = "cisco_xr";
		g->r->owns = 1;
		u = g->o->device.user ? g->o->device.user : "admin";
		snprintf(g->what, sizeof g->what, "the secret question of the root-system user");
		return send_keys(g, u, 1, e);
	case ZTP_CON_VRP_SET:
		g->hint = "huawei_vrp";
		snprintf(g->what, sizeof g->what, "the console password question");
		return send_keys(g, "Y", 1, e);
	case ZTP_CON_VRP_AUTOCONFIG:
		return stop_factory(g, sit, line, "Auto-Config", "huawei_vrp", "y", e);
	case ZTP_CON_CONFIG:
		event(g, "left configuration mode ('%s')", line);
		snprintf(g->what, sizeof g->what, "a prompt after leaving configuration mode");
		if (line[0] == '[')
			return send_keys(g, "return", 1, e);
		if (g->out.len && memmem(g->out.p, g->out.len, "[edit", 5))
			return send_keys(g, "exit configuration-mode", 1, e);
		return send_keys(g, "end", 1, e);
	case ZTP_CON_EXIT_CONFIRM:
		event(g, "discarded the uncommitted changes left in configuration mode");
		snprintf(g->what, sizeof g->what, "a prompt after discarding uncommitted changes");
		return send_keys(g, has_ci(line, strlen(line), "Exit with") ? "yes" : "no", 1, e);
	case ZTP_CON_JUNOS_SHELL:
		event(g, "started the CLI from the shell");
		g->hint = "juniper_junos";
		snprintf(g->what, sizeof g->what, "the CLI prompt after 'cli'");
		return send_keys(g, "cli", 1, e);
	case ZTP_CON_LOGIN:
		if (g->login_sent)
			login_done(g, login_failed(&g->out));
		if (g->cred >= g->ncred && g->ncred > 0 && g->creds[g->ncred - 1].user)
			return ztp_err_set(e, ZTP_ERR_PERM, "log in on the console: refused ('%s' "
					   "again after the last credentials)", ztp_esc(line));
		u = device_user(g);
		if ((g->amnesiac || g->eos_ztp) && (g->cred >= g->ncred ||
						     !strcmp(g->who[g->cred], "device"))) {
			/* the factory login, whatever the inventory says */
			u = g->amnesiac ? "root" : "admin";
			if (g->cred >= g->ncred)
				g->ncred++;
			g->creds[g->cred].user = u;
			g->creds[g->cred].password = NULL;
			g->who[g->cred] = "device";
		}
		if (u == NULL)
			return ztp_err_set(e, ZTP_ERR_CONFIG, "log in on the console: it asks '%s' and "
					   "no user is given", ztp_esc(line));
		if (g->cred >= g->ncred) {	/* the factory login */
			g->creds[g->ncred].user = u;
			g->creds[g->ncred].password = NULL;
			g->who[g->ncred] = "device";
			g->ncred++;
		}
		g->login_sent = 1;
		snprintf(g->what, sizeof g->what, "the next prompt after the login name %s (%s)", u,
			 g->who[g->cred]);
		return send_keys(g, u, 1, e);
	case ZTP_CON_PASSWORD:
		if (g->password_sent)
			login_done(g, 1);
		if (!g->login_sent && g->out.len && login_before(g)) {
			/* our CR was taken for a user name: let it fail (also
			 * when no password is known: the factory login follows) */
			snprintf(g->what, sizeof g->what, "the login prompt again after an empty "
				 "user name");
			return send_keys(g, "", 1, e);
		}
		if (g->cred >= g->ncred)
			return ztp_err_set(e, ZTP_ERR_PERM, "log in on the console: '%s' and no "
					   "(more) password to give", ztp_esc(line));
		s = g->creds[g->cred].password ? g->creds[g->cred].password : "";
		if (!g->login_sent) {
			g->login_sent = 1;
			if (g->creds[g->cred].user == NULL)
				g->creds[g->cred].user = "(password only)";
		}
		g->password_sent = 1;
		snprintf(g->what, sizeof g->what, "the next prompt after the password (%s)",
			 g->who[g->cred]);
		return send_keys(g, s, 1, e);
	}
	return 0;
}

/* wait and act until a CLI prompt stands: 0, or -1 */
static int drive(struct eng *g, struct ztp_err *e)
{
	const struct ztp_con_opts *o = g->o;
	double total = ztp_os_monotonic() + (o->timeout > 0 ? o->timeout : 120);
	double step = o->step > 0 ? o->step : 20, wake = o->wake > 0 ? o->wake : 2;
	double step_dl = ztp_os_monotonic() + step;
	char buf[4096], line[128];
	int steps = 0, fresh = 0;

	snprintf(g->what, sizeof g->what, "the console to answer the wake-up (CR)");
	if (send_keys(g, "", 1, e) < 0)
		return -1;
	for (;;) {
		double now = ztp_os_monotonic(), dl = now + QUIET;
		enum ztp_con_sit sit;
		ssize_t got;

		if (now >= step_dl || now >= total) {
			last_seen(g);
			return ztp_err_set(e, ZTP_ERR_TIMEOUT, "wait for %s: nothing usable within %.0f s "
					   "(%d wake-up CRs sent); last line seen '%s'", g->what,
					   now >= total ? (o->timeout > 0 ? o->timeout : 120) : step,
					   g->wakes + 1, ztp_esc(g->r->last_line));
		}
		if (dl > step_dl)
			dl = step_dl;
		if (dl > total)
			dl = total;
		got = g->l->in.read(g->l->in.ctx, buf, sizeof buf, dl, e);
		if (got < 0) {
			last_seen(g);
			sit = ztp_con_classify(g->out.p ? g->out.p : "", g->out.len, line, sizeof line);
			if (sit == ZTP_CON_BUSY)
				return act(g, sit, line, e) < 0 ? -1 : -1;
			ztp_err_prefix(e, "wait for %s (last line seen '%s')", g->what,
				       ztp_esc(g->r->last_line));
			return -1;
		}
		if (got > 0) {
			red_feed(&g->l->red, ZTP_CLI_IN, buf, (size_t)got);
			if (g->out.len + (size_t)got > KEEP) {
				size_t drop = g->out.len + (size_t)got - KEEP;

				if (drop > g->out.len)
					drop = g->out.len;
				memmove(g->out.p, g->out.p + drop, g->out.len - drop);
				g->out.len -= drop;
			}
			ztp_buf_add(&g->out, buf, (size_t)got);
			fresh = 1;
			continue;
		}
		/* quiet */
		if (!fresh) {
			if (now - g->last_tx >= wake && g->wakes < MAX_WAKES) {
				g->wakes++;
				if (send_keys(g, "", 1, e) < 0)
					return -1;
			}
			continue;
		}
		notice(g);
		last_seen(g);
		sit = ztp_con_classify(g->out.p, g->out.len, line, sizeof line);
		if (sit == ZTP_CON_NOTHING) {
			fresh = 0;	/* more may come; CR after a pause */
			continue;
		}
		g->r->sit = sit;
		if (sit == ZTP_CON_PROMPT) {
			if (g->password_sent || g->login_sent)
				login_done(g, 0);
			return 0;
		}
		if (++steps > MAX_STEPS)
			return ztp_err_set(e, ZTP_ERR_PERM, "the console dialog did not end after %d "
					   "steps; last line seen '%s'", MAX_STEPS, ztp_esc(line));
		if (act(g, sit, line, e) < 0)
			return -1;
		ztp_buf_reset(&g->out);
		fresh = 0;
		g->wakes = 0;
		step_dl = ztp_os_monotonic() + step;
	}
}

int ztp_con_open(struct ztp_cli **cp, const struct ztp_cli_transport *t,
		 const struct ztp_con_opts *o, struct ztp_con_result *r, struct ztp_err *e)
{
	struct eng g;
	struct line *l = ztp_xcalloc(1, sizeof *l);
	struct ztp_cli_transport lt;
	struct ztp_cli_opts co;
	const char *sec[5] = { o->server.password, o->device.password, o->enable_secret,
			       o->factory_secret, o->other_secret };
	int i, rc;

	*cp = NULL;
	memset(r, 0, sizeof *r);
	memset(&g, 0, sizeof g);
	l->in = *t;
	l->red.log = o->log;
	l->red.log_ctx = o->log_ctx;
	for (i = 0; i < 5; i++) {
		if (sec[i] && strlen(sec[i]) >= SECRET_MAX) {
			ln_close(l);
			return ztp_err_set(e, ZTP_ERR_CONFIG, "a console secret is longer than %d bytes",
					   SECRET_MAX - 1);
		}
		red_add(&l->red, sec[i]);
	}
	g.l = l;
	g.o = o;
	g.r = r;
	if (o->server.user || o->server.password) {
		g.creds[g.ncred] = o->server;
		g.who[g.ncred++] = "terminal server";
	}
	if (o->device.user || o->device.password) {
		g.creds[g.ncred] = o->device;
		g.who[g.ncred++] = "device";
	}
	rc = drive(&g, e);
	ztp_buf_free(&g.out);
	if (rc < 0) {
		ln_close(l);
		return e ? e->code : ZTP_ERR_PROTO;
	}
	lt.ctx = l;
	lt.read = ln_read;
	lt.write = ln_write;
	lt.close = ln_close;
	memset(&co, 0, sizeof co);
	co.platform = o->platform ? o->platform : g.hint;
	co.enable_secret = o->enable_secret;
	co.timeout = o->cmd_timeout;
	co.log = o->log ? ln_log : NULL;
	co.log_ctx = l;
	rc = ztp_cli_open(cp, &lt, &co, e);
	if (rc < 0) {
		ztp_err_prefix(e, "open the CLI on the console");
		return rc;
	}
	event(&g, "at the CLI prompt '%s'", ztp_cli_prompt(*cp));
	return 0;
}

/* ---- the console bootstrap */

enum bfam { B_NONE, B_IOS, B_EOS, B_JUNOS, B_VRP };

static enum bfam boot_fam(const char *platform)
{
	if (platform == NULL)
		return B_NONE;
	if (!strcmp(platform, "cisco_ios") || !strcmp(platform, "cisco_iosxe"))
		return B_IOS;
	if (!strcmp(platform, "arista_eos"))
		return B_EOS;
	if (!strcmp(platform, "juniper_junos"))
		return B_JUNOS;
	if (!strcmp(platform, "huawei_vrp"))
		return B_VRP;
	return B_NONE;
}

/* src with every copy of secret replaced by <redacted>, into b */
static void unsecret(struct ztp_buf *b, const char *src, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0;
	const char *p = src, *q;

	while (sl && (q = strstr(p, secret)) != NULL) {
		ztp_buf_add(b, p, (size_t)(q - p));
		ztp_buf_adds(b, "<redacted>");
		p = q + sl;
	}
	ztp_buf_adds(b, p);
}

/* src into dst (size n), the secret redacted, escaped */
static void redact(char *dst, size_t n, const char *src, const char *secret)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	unsecret(&b, src, secret);
	snprintf(dst, n, "%s", ztp_esc(b.p ? b.p : ""));
	ztp_buf_free(&b);
}

struct boot {
	struct ztp_cli *c;
	const struct ztp_con_boot *b;
	struct ztp_con_boot_result *r;
	struct ztp_cli_answer answers[12];
	struct ztp_buf out;
	struct ztp_err *e;
	enum bfam f;
};

/* a failure: kind, the message (secret redacted) into r and e */
static int boot_fail(struct boot *s, int code, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int boot_fail(struct boot *s, int code, const char *kind, const char *fmt, ...)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char m[ZTP_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	snprintf(s->r->kind, sizeof s->r->kind, "%s", kind);
	/* the pieces were escaped when they went in; only the secret goes */
	unsecret(&b, m, s->b->secret);
	snprintf(s->r->msg, sizeof s->r->msg, "%s", b.p ? b.p : "");
	ztp_buf_free(&b);
	return ztp_err_set(s->e, code, "%s", s->r->msg);
}

/* run one command with the bootstrap's answers; a broken line is a
 * failure (rc < 0 and r filled), a refusal is returned as ZTP_ERR_USAGE
 * with the device's error line in eline */
static int boot_cmd(struct boot *s, const char *cmd, char *eline, size_t esz)
{
	char ec[200];
	int rc;

	eline[0] = 0;
	rc = ztp_cli_run_ex(s->c, cmd, NULL, 0, s->answers, s->b->timeout, &s->out, s->e);
	if (rc == ZTP_ERR_USAGE) {
		if (!ztp_cli_error_line(s->b->platform, s->out.p ? s->out.p : "", s->out.len, eline, esz))
			snprintf(eline, esz, "%s", "refused");
		return rc;
	}
	if (rc < 0) {
		redact(ec, sizeof ec, cmd, s->b->secret);
		return boot_fail(s, rc, rc == ZTP_ERR_TIMEOUT ? "timeout" : "closed",
				 "the console line broke at '%s': %s", ec, s->e->msg);
	}
	return 0;
}

/* leave configuration mode without saving (after a refusal) */
static void boot_abandon(struct boot *s)
{
	char eline[200];
	struct ztp_err keep = *s->e;
	struct ztp_con_boot_result kr = *s->r;

	switch (s->f) {
	case B_JUNOS:
		(void)boot_cmd(s, "rollback 0", eline, sizeof eline);
		(void)boot_cmd(s, "exit configuration-mode", eline, sizeof eline);
		break;
	case B_VRP:
		(void)boot_cmd(s, "return", eline, sizeof eline);
		break;
	default:
		(void)boot_cmd(s, "end", eline, sizeof eline);
		break;
	}
	*s->e = keep;
	*s->r = kr;
}

static int has_text(const struct ztp_buf *b, const char *w)
{
	return b->len && memmem(b->p, b->len, w, strlen(w)) != NULL;
}

/* one configuration line, its prerequisites met */
static int boot_line(struct boot *s, const char *line, size_t no)
{
	char eline[200], ec[300], cmd[300];
	int rc, tries;

	for (tries = 0; tries < 2; tries++) {
		rc = boot_cmd(s, line, eline, sizeof eline);
		if (rc != 0 && rc != ZTP_ERR_USAGE)
			return rc;
		s->r->sent++;
		redact(ec, sizeof ec, line, s->b->secret);
		if (rc == ZTP_ERR_USAGE)
			return boot_fail(s, rc, "rejected", "the device refused line %zu '%s': %s", no, ec,
					 ztp_esc(eline));
		if (s->f == B_IOS && has_text(&s->out, "Please define a hostname other than"))
			return boot_fail(s, ZTP_ERR_USAGE, "prerequisite",
					 "line %zu '%s': the device says '%% Please define a hostname "
					 "other than Router.' (the bootstrap must set hostname before it)",
					 no, ec);
		if (s->f == B_IOS && has_text(&s->out, "Please define a domain-name first")) {
			if (tries > 0 || s->b->domain == NULL || !*s->b->domain)
				return boot_fail(s, ZTP_ERR_USAGE, "prerequisite",
						 "line %zu '%s': the device says '%% Please define a "
						 "domain-name first.'; set domain_name in the variables", no, ec);
			if (snprintf(cmd, sizeof cmd, "%s %s", strcmp(s->b->platform, "cisco_ios") ?
				     "ip domain name" : "ip domain-name", s->b->domain) >= (int)sizeof cmd)
				return boot_fail(s, ZTP_ERR_USAGE, "prerequisite", "domain name '%s' too long",
						 ztp_esc(s->b->domain));
			rc = boot_cmd(s, cmd, eline, sizeof eline);
			if (rc == ZTP_ERR_USAGE)
				return boot_fail(s, rc, "rejected", "the device refused '%s' (asked for "
						 "by line %zu): %s", ztp_esc(cmd), no, ztp_esc(eline));
			if (rc < 0)
				return rc;
			s->r->sent++;
			continue;	/* the line again */
		}
		if (has_text(&s->out, "Generating") || has_text(&s->out, "++++++"))
			s->r->keys = 1;
		return 0;
	}
	return 0;
}

/* JunOS commit, root-authentication first when the device asks for it */
static int boot_commit(struct boot *s)
{
	char eline[200];
	int rc, tries;

	for (tries = 0; tries < 2; tries++) {
		rc = boot_cmd(s, "commit", eline, sizeof eline);
		if (rc != 0 && rc != ZTP_ERR_USAGE)
			return rc;
		if (rc == 0)
			return 0;
		if (tries == 0 && has_text(&s->out, "Missing mandatory statement: 'root-authentication'")) {
			if (s->b->secret == NULL || !*s->b->secret)
				return boot_fail(s, ZTP_ERR_USAGE, "prerequisite", "the commit needs "
						 "root-authentication and no secret is given");
			rc = boot_cmd(s, "set system root-authentication plain-text-password", eline,
				      sizeof eline);
			if (rc == ZTP_ERR_USAGE)
				return boot_fail(s, rc, "rejected", "the device refused root-authentication: %s",
						 ztp_esc(eline));
			if (rc < 0)
				return rc;
			s->r->sent++;
			continue;
		}
		return boot_fail(s, ZTP_ERR_USAGE, "rejected", "the commit failed: %s", ztp_esc(eline));
	}
	return 0;
}

int ztp_con_bootstrap(struct ztp_cli *c, const struct ztp_con_boot *b,
		      struct ztp_con_boot_result *r, struct ztp_err *e)
{
	static const char *const enter[] = {
		[B_IOS] = "configure terminal", [B_EOS] = "configure", [B_JUNOS] = "configure",
		[B_VRP] = "system-view",
	};
	static const char *const leave[] = {
		[B_IOS] = "end", [B_EOS] = "end", [B_JUNOS] = "exit configuration-mode",
		[B_VRP] = "return",
	};
	static const char *const save[] = {
		[B_IOS] = "write memory", [B_EOS] = "write memory", [B_VRP] = "save",
	};
	struct boot s;
	const char *sec = b->secret ? b->secret : "";
	const char *p, *end;
	char eline[200], line[1024];
	size_t no = 0, n = 0;
	int rc = 0;

	memset(r, 0, sizeof *r);
	memset(&s, 0, sizeof s);
	s.c = c;
	s.b = b;
	s.r = r;
	s.e = e;
	s.f = boot_fam(b->platform);
	if (s.f == B_NONE)
		return boot_fail(&s, ZTP_ERR_CONFIG, "platform", "no console bootstrap sequence for "
				 "platform '%s' (cisco_ios, cisco_iosxe, arista_eos, juniper_junos, "
				 "huawei_vrp)", b->platform ? ztp_esc(b->platform) : "unknown");
	s.answers[n++] = (struct ztp_cli_answer){ "bits in the modulus", "2048" };
	s.answers[n++] = (struct ztp_cli_answer){ "Do you really want to replace them? [yes/no]", "no" };
	s.answers[n++] = (struct ztp_cli_answer){ "replace them? [y/n]", "n" };
	s.answers[n++] = (struct ztp_cli_answer){ "replace it? [Y/N]", "N" };
	s.answers[n++] = (struct ztp_cli_answer){ "Are you sure to continue?[Y/N]", "y" };
	s.answers[n++] = (struct ztp_cli_answer){ "Destination filename [", "" };
	s.answers[n++] = (struct ztp_cli_answer){ "[confirm]", "" };
	s.answers[n++] = (struct ztp_cli_answer){ "Exit with uncommitted changes? [yes,no]", "yes" };
	if (*sec) {
		s.answers[n++] = (struct ztp_cli_answer){ "Retype new password:", sec };
		s.answers[n++] = (struct ztp_cli_answer){ "New password:", sec };
	}
	s.answers[n] = (struct ztp_cli_answer){ NULL, NULL };
	rc = boot_cmd(&s, enter[s.f], eline, sizeof eline);
	if (rc == ZTP_ERR_USAGE)
		rc = boot_fail(&s, rc, "rejected", "the device refused '%s': %s", enter[s.f], ztp_esc(eline));
	if (rc < 0)
		goto out;
	for (p = b->config, end = b->config + b->len; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q = p;

		no++;
		p = nl ? nl + 1 : end;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		while (le > q && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
			le--;
		if (le == q || *q == '!' || (*q == '#' && s.f != B_JUNOS))
			continue;
		if ((size_t)(le - q) >= sizeof line) {
			rc = boot_fail(&s, ZTP_ERR_USAGE, "rejected", "line %zu is longer than %zu bytes", no,
				       sizeof line - 1);
			boot_abandon(&s);
			goto out;
		}
		memcpy(line, q, (size_t)(le - q));
		line[le - q] = 0;
		r->lines++;
		if ((rc = boot_line(&s, line, no)) < 0) {
			if (rc == ZTP_ERR_USAGE)
				boot_abandon(&s);
			goto out;
		}
	}
	if (s.f == B_JUNOS && (rc = boot_commit(&s)) < 0) {
		if (rc == ZTP_ERR_USAGE)
			boot_abandon(&s);
		goto out;
	}
	rc = boot_cmd(&s, leave[s.f], eline, sizeof eline);
	if (rc == ZTP_ERR_USAGE)
		rc = boot_fail(&s, rc, "rejected", "the device refused '%s': %s", leave[s.f], ztp_esc(eline));
	if (rc < 0)
		goto out;
	if (s.f != B_JUNOS) {
		rc = boot_cmd(&s, save[s.f], eline, sizeof eline);
		if (rc == ZTP_ERR_USAGE)
			rc = boot_fail(&s, rc, "rejected", "the device refused '%s': %s", save[s.f],
				       ztp_esc(eline));
		if (rc < 0)
			goto out;
	}
	r->saved = 1;
	snprintf(r->done, sizeof r->done, "%zu lines typed (%zu configuration lines)%s, %s", r->sent,
		 r->lines, r->keys ? ", SSH keys generated" : "",
		 s.f == B_JUNOS ? "committed" : "saved");
	rc = 0;
out:
	ztp_buf_free(&s.out);
	return rc;
}
