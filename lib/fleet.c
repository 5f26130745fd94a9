/* fleet.c: the device loop shared by ztp-probe and ztp-push (fleet.h) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "confcheck.h"
#include "facts.h"
#include "fleet.h"
#include "input.h"
#include "kexdiag.h"
#include "kexscan.h"
#include "log.h"
#include "os.h"
#include "record.h"
#include "spool.h"
#include "sshsess.h"
#include "str.h"
#include "yml.h"

#define MAX_JOBS 256

static const char *secret_str(const struct ztp_val *v)
{
	return v && v->type == ZTP_V_STR ? v->u.str.s : NULL;
}

int ztp_fleet_init(struct ztp_fleet_ctx *F, const char *cfile,
		   const struct ztp_sshset_cli *cli, struct ztp_err *e)
{
	struct ztp_val *creds;
	size_t k, n = 0;

	memset(F, 0, sizeof *F);
	if (cli)
		F->cli = *cli;
	if (ztp_conf_open(&F->conf, cfile, 0, e) < 0 ||
	    ztp_sshalg_lib_load(&F->lib, NULL, e) < 0 ||
	    (F->conf->secrets && ztp_secrets_load(F->conf, &F->secrets, e) < 0)) {
		int rc = e->code;

		ztp_fleet_fini(F);
		return rc;
	}
	F->enable = secret_str(ztp_map_get(F->secrets, "enable"));
	creds = ztp_map_get(F->secrets, "credentials");
	if (creds && creds->type == ZTP_V_LIST) {
		struct ztp_val *keep = ztp_val_list();

		for (k = 0; k < creds->u.list.n; k++) {
			const struct ztp_val *cr = creds->u.list.v[k];
			const char *pw = ztp_map_str(cr, "password");

			if (pw && n < ZTP_FLEET_MAX_REDACT - 2)
				F->redact[n++] = pw;
			if (ztp_streq(ztp_map_str(cr, "name"), "enable")) {
				if (F->enable == NULL)
					F->enable = pw;
				continue;
			}
			ztp_list_push(keep, ztp_val_ref(creds->u.list.v[k]));
		}
		F->allcreds = ztp_val_ref(creds);
		ztp_map_set(F->secrets, "credentials", keep);
	}
	if (F->enable)
		F->redact[n++] = F->enable;
	F->redact[n] = NULL;
	return 0;
}

int ztp_fleet_logdir(struct ztp_fleet_ctx *F)
{
	int n;

	if (F->conf->spool == NULL)
		return -1;
	n = snprintf(F->logbuf, sizeof F->logbuf, "%s/log", F->conf->spool);
	if (n < 0 || (size_t)n >= sizeof F->logbuf ||
	    (mkdir(F->logbuf, 0750) < 0 && errno != EEXIST) || access(F->logbuf, W_OK) < 0)
		return -1;
	F->logdir = F->logbuf;
	return 0;
}

void ztp_fleet_fini(struct ztp_fleet_ctx *F)
{
	ztp_val_unref(F->secrets);
	ztp_val_unref(F->allcreds);
	ztp_sshalg_lib_free(&F->lib);
	ztp_conf_free(F->conf);
	memset(F, 0, sizeof *F);
}

/* ---- transcripts */

void ztp_tlog_rotate(const char *logdir, const char *id)
{
	char from[1100], to[1100];
	struct stat st;
	int k;

	if (snprintf(from, sizeof from, "%s/%s.log", logdir, id) >= (int)sizeof from ||
	    stat(from, &st) < 0 || (size_t)st.st_size < ZTP_TLOG_CAP)
		return;
	for (k = ZTP_TLOG_KEEP; k > 0; k--) {
		if (snprintf(to, sizeof to, "%s/%s.log.%d", logdir, id, k) >= (int)sizeof to ||
		    (k > 1 ? snprintf(from, sizeof from, "%s/%s.log.%d", logdir, id, k - 1) :
			     snprintf(from, sizeof from, "%s/%s.log", logdir, id)) >= (int)sizeof from)
			return;
		(void)rename(from, to);
	}
}

void ztp_tlog_open(struct ztp_tlog *t, const struct ztp_fleet_ctx *F, const char *id)
{
	char path[1100];
	int n;

	memset(t, 0, sizeof *t);
	t->fd = -1;
	t->redact = F->redact;
	ztp_buf_init(&t->hold, 0);
	if (F->logdir == NULL || id == NULL)
		return;
	ztp_tlog_rotate(F->logdir, id);
	n = snprintf(path, sizeof path, "%s/%s.log", F->logdir, id);
	if (n > 0 && (size_t)n < sizeof path)
		t->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

/* bytes a device may put between the characters of a secret it echoes */
static int tlog_noise(unsigned char c)
{
	return c == '\r' || c == '\n' || c == '\b' || c == 0;
}

#define TLOG_NOISE_MAX 16	/* in one secret */

/* At s[0..n): 2 and *len when a secret is there whole, 1 when one may
 * start there but the bytes end first, else 0. */
static int tlog_secret_at(const char *const *redact, const char *s, size_t n, size_t *len)
{
	int found = 0;
	size_t k;

	for (k = 0; redact && redact[k]; k++) {
		const char *sec = redact[k];
		size_t l = strlen(sec), m = 0, j = 0, noise = 0;

		if (l < 3)
			continue;
		while (m < l) {
			if (j == n) {
				found = found ? found : 1;
				break;
			}
			if (s[j] == sec[m]) {
				j++;
				m++;
			} else if (m > 0 && tlog_noise((unsigned char)s[j]) && noise < TLOG_NOISE_MAX) {
				j++;
				noise++;
			} else {
				break;
			}
		}
		if (m == l) {
			*len = j;
			return 2;
		}
	}
	return found;
}

/* The length of the UTF-8 sequence its lead byte c announces (1 for
 * anything else: escaped byte by byte). */
static size_t tlog_seqlen(unsigned char c)
{
	return c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 1;
}

/* Write what is held, but (unless final) the start of a secret or of a
 * character that more bytes may complete; nocap: past the cap (notes) */
static void tlog_flush(struct ztp_tlog *t, int final, int nocap)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	const char *s = t->hold.p;
	size_t n = t->hold.len, i = 0, l;

	while (i < n) {
		int m = tlog_secret_at(t->redact, s + i, n - i, &l);

		if (m == 2) {
			ztp_buf_adds(&b, "<redacted>");
			i += l;
			continue;
		}
		if (m == 1 && !final)
			break;
		l = tlog_seqlen((unsigned char)s[i]);
		if (l > n - i) {
			if (!final)
				break;
			l = n - i;
		}
		ztp_escape_text(&b, s + i, l);
		i += l;
	}
	if (b.len && !nocap && t->written + b.len > ZTP_TLOG_CAP) {
		size_t room = ZTP_TLOG_CAP > t->written ? ZTP_TLOG_CAP - t->written : 0;

		t->cut += b.len - room;
		b.len = room;
	}
	if (b.len && ztp_write_all(t->fd, b.p, b.len) == 0)
		t->written += b.len;
	ztp_buf_free(&b);
	if (i == n)
		ztp_buf_reset(&t->hold);
	else if (i > 0) {
		memmove(t->hold.p, t->hold.p + i, n - i);
		t->hold.len = n - i;
	}
}

void ztp_tlog_close(struct ztp_tlog *t)
{
	if (t->fd >= 0) {
		tlog_flush(t, 1, 0);
		if (t->cut)
			ztp_tlog_note(t, "transcript cut: %zu bytes over the cap of %zu KiB per "
				      "session not kept", t->cut, ZTP_TLOG_CAP >> 10);
		close(t->fd);
	}
	ztp_buf_free(&t->hold);
	t->fd = -1;
}

void ztp_tlog_write(void *ctx, enum ztp_cli_dir d, const char *p, size_t n)
{
	struct ztp_tlog *t = ctx;

	(void)d;
	if (t->fd < 0 || n == 0)
		return;
	if (t->written >= ZTP_TLOG_CAP && t->hold.len == 0) {
		t->cut += n;	/* cut: not even looked at */
		return;
	}
	if (ztp_buf_add(&t->hold, p, n) < 0)
		return;
	tlog_flush(t, 0, 0);
}

void ztp_tlog_note(struct ztp_tlog *t, const char *fmt, ...)
{
	char line[2048], ts[21];
	va_list ap;
	int n;

	if (t->fd < 0)
		return;
	tlog_flush(t, 1, 0);
	ztp_time_iso(time(NULL), ts);
	n = snprintf(line, sizeof line, "\n### %s ", ts);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	line[n] = 0;
	/* the tool's own words: escaped (they quote the server's banner),
	 * never redacted (a password that is a common word, "cisco", would
	 * turn them into nonsense) */
	{
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_escape_text(&b, line, (size_t)n);
		if (b.len && ztp_write_all(t->fd, b.p, b.len) == 0)
			t->written += b.len;
		ztp_buf_free(&b);
	}
}

/* ---- the device session */

int ztp_fleet_facts(struct ztp_cli *cli, const char *platform, struct ztp_val *facts,
		    size_t *parsed, size_t *ran, struct ztp_err *e)
{
	struct ztp_buf out = ZTP_BUF_INIT;
	const char *cmd;
	size_t i, np = 0, nrun = 0;
	int rc = 0, flags = 0, backed = 1;

	/* the platform's commands (lib/facts): the required ones must answer
	 * and parse, the others a box may lack; a fallback runs while the
	 * command it backs up and its fallbacks so far failed */
	for (i = 0; (cmd = ztp_facts_command(platform, i, &flags)) != NULL; i++) {
		int required = flags & ZTP_FACTS_REQUIRED, r;

		if ((flags & ZTP_FACTS_FALLBACK) && backed)
			continue;
		if (!(flags & ZTP_FACTS_FALLBACK))
			backed = 0;
		nrun++;
		r = ztp_cli_run(cli, cmd, 0, &out, e);
		if (r == ZTP_ERR_USAGE && !required)
			continue;	/* the box lacks it */
		if (r < 0) {
			rc = r;
			break;
		}
		if (ztp_facts_parse(platform, cmd, out.p, out.len, facts, e) == 0) {
			np++;
			backed = 1;
		} else if (required) {
			ztp_err_prefix(e, "'%s'", cmd);
			rc = ZTP_ERR_PARSE;
			break;
		}
	}
	if (rc == 0)
		ztp_err_clear(e);
	if (parsed)
		*parsed = np;
	if (ran)
		*ran = nrun;
	ztp_buf_free(&out);
	return rc;
}

int ztp_fleet_fail(struct ztp_val *res, const char *kind, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);	/* cut when longer */
	va_end(ap);
	ztp_map_set_str(res, "kind", kind);
	ztp_map_set_str(res, "message", msg);
	return -1;
}

/* ---- the pre-flight: the device's offer against its settings, before
 * any login (lib/kexscan.h, the engine of ztp-kexcheck) */

struct preflight {
	const struct ztp_fleet_ctx *F;
	struct ztp_val *res;
	int failed;
};

static void preflight_result(void *ctx, const struct ztp_kexscan_host *h)
{
	struct preflight *pf = ctx;
	const char *offer[ZTP_KL_N];
	struct ztp_kexdiag *kd;
	struct ztp_buf b = ZTP_BUF_INIT, cats = ZTP_BUF_INIT;
	int i;

	if (h->res.kind != ZTP_SSHWIRE_OK)
		return;	/* the login reports it, classified as always */
	for (i = 0; i < ZTP_KL_N; i++)
		offer[i] = h->res.kex.list[i] ? h->res.kex.list[i] : "";
	kd = ztp_kexdiag_run(offer, h->client, &pf->F->lib);
	if (!kd->negotiable) {
		struct ztp_kexdiag_dest w = {
			.target = h->label, .host = h->t->host, .port = h->t->port, .id = h->t->id,
		};

		ztp_kexdiag_report(&b, kd, &w, h->res.banner_ok ? h->res.banner.line : NULL, 0);
		ztp_map_set_str(pf->res, "fix", b.p ? b.p : "");
		for (i = 0; i < ZTP_KD_N; i++)
			if (!kd->s[i].ok)
				ztp_buf_addf(&cats, "%s%s", cats.len ? ", " : "", kd->s[i].key);
		ztp_fleet_fail(pf->res, "negotiation",
			       "device %s: pre-flight: SSH algorithm negotiation fails in: %s "
			       "(no login attempted; %s)", h->label, cats.p ? cats.p : "?",
			       kd->fixable ? "the fix follows" :
			       "no configuration can fix it with this libssh; see below");
		pf->failed = 1;
	}
	ztp_buf_free(&b);
	ztp_buf_free(&cats);
	ztp_kexdiag_free(kd);
}

/* -1 (res filled) when the device cannot negotiate; 0 otherwise, also
 * when the pre-flight could not reach it (the login then says why) */
static int preflight(const struct ztp_fleet_ctx *F, const struct ztp_sshdest *dest,
		     double timeout, struct ztp_val *res)
{
	struct ztp_kexscan_target t = {
		.host = dest->host, .port = "22", .id = dest->id, .rack = dest->rack,
		.platform = dest->platform, .label = dest->id ? dest->id : dest->host,
	};
	struct ztp_kexscan_opts o = {
		.jobs = 1, .timeout = timeout, .conf = F->conf, .cli = &F->cli, .lib = &F->lib,
	};
	struct preflight pf = { .F = F, .res = res };
	struct ztp_kexscan ks;
	struct ztp_err e;

	ztp_kexscan_init(&ks, &o);
	if (ztp_kexscan_run(&ks, &t, 1, preflight_result, &pf, &e) < 0)
		pf.failed = 0;	/* the settings' error comes again at the login */
	ztp_kexscan_fini(&ks);
	return pf.failed ? -1 : 0;
}

int ztp_fleet_dev_open(struct ztp_fleet_dev *d, const struct ztp_fleet_ctx *F,
		       const struct ztp_val *rec, const char *platform, const char *tool,
		       struct ztp_val *res)
{
	const char *host = ztp_map_str(rec, "ip"), *id = ztp_map_str(rec, "id");
	struct ztp_sshdest dest;
	struct ztp_ssh_opts o;
	struct ztp_ssh_failure f;
	struct ztp_cli_transport t;
	struct ztp_cli_opts co;
	const char *banner;
	struct ztp_err e;
	char alias[18];

	memset(d, 0, sizeof *d);
	d->tl.fd = -1;
	memset(&dest, 0, sizeof dest);
	if (platform == NULL)
		platform = ztp_map_str(rec, "platform");
	if (host == NULL)
		host = id;
	if (host == NULL)
		return ztp_fleet_fail(res, "config", "the record has neither ip nor id");
	dest.host = host;
	dest.id = id;
	dest.alias = ztp_rec_mac_alias(rec, alias);
	dest.rack = ztp_map_str(rec, "rack");
	dest.platform = platform && ztp_facts_platform_valid(platform) ? platform : NULL;
	ztp_tlog_open(&d->tl, F, id);
	ztp_tlog_note(&d->tl, "%s: connecting to %s", tool, ztp_esc(host));
	if (ztp_sshset_resolve(F->conf, &F->cli, &dest, &F->lib, &d->set, &e) < 0 ||
	    ztp_sshset_connect_opts(&d->set, F->secrets, &o, &e) < 0)
		return ztp_fleet_fail(res, "config", "%s", e.msg);
	if (F->preflight &&
	    preflight(F, &dest, d->set.connect_timeout > 0 ? d->set.connect_timeout : 10, res) < 0) {
		ztp_tlog_note(&d->tl, "%s: pre-flight: cannot negotiate; no login attempted", tool);
		return -1;
	}
	if (ztp_ssh_connect(&d->ssh, &o, &f) < 0) {
		if (f.diagnosis[0])
			ztp_map_set_str(res, "fix", f.diagnosis);
		ztp_map_set_str(res, "hop", f.hop + 1 == f.nhops ? "device" : "jump host");
		if (f.phase)
			ztp_map_set_str(res, "phase", f.phase);
		return ztp_fleet_fail(res, ztp_ssh_kind_name(f.kind), "%s", f.msg);
	}
	banner = ssh_get_serverbanner(ztp_ssh_session(d->ssh));
	ztp_tlog_note(&d->tl, "connected, server %s", banner ? ztp_esc(banner) : "?");
	if (ztp_cli_ssh_transport(&t, ztp_ssh_session(d->ssh), &e) < 0)
		return ztp_fleet_fail(res, "protocol", "%s", e.msg);
	memset(&co, 0, sizeof co);
	co.platform = dest.platform;
	co.banner = banner;
	co.enable_secret = F->enable;
	co.timeout = d->set.command_timeout > 0 ? d->set.command_timeout : 30;
	co.log = ztp_tlog_write;
	co.log_ctx = &d->tl;
	if (ztp_cli_open(&d->cli, &t, &co, &e) < 0)
		return ztp_fleet_fail(res, e.code == ZTP_ERR_TIMEOUT ? "timeout" :
				      e.code == ZTP_ERR_PERM ? "enable" : "closed",
				      "cli session: %s", e.msg);
	d->platform = ztp_cli_platform(d->cli);
	if (d->platform == NULL)
		return ztp_fleet_fail(res, "platform", "cannot tell the platform (prompt '%s'): "
				      "set platform in the record or give -P",
				      ztp_esc(ztp_cli_prompt(d->cli)));
	return 0;
}

void ztp_fleet_dev_close(struct ztp_fleet_dev *d)
{
	ztp_cli_close(d->cli);
	ztp_ssh_close(d->ssh);
	ztp_sshset_free(&d->set);
	ztp_tlog_close(&d->tl);
	d->cli = NULL;
	d->ssh = NULL;
}

/* ---- the pass */

struct job {
	struct ztp_val *rec;
	struct ztp_claim *claim;
	pid_t pid;
	int fd;
	double deadline;
	struct ztp_buf res;
	int killed;		/* by its deadline */
	int status;		/* waitpid's */
};

/* the signal that told the pass to stop (SIGTERM, SIGINT, SIGHUP), and
 * the dispositions the pass replaced: an ignored one (nohup, a background
 * job's SIGINT) stays ignored */
static volatile sig_atomic_t fleet_stop;
static const int stop_sigs[3] = { SIGTERM, SIGINT, SIGHUP };
static struct sigaction stop_old[3];
static int stop_caught[3];

static void on_stop(int sig)
{
	fleet_stop = sig;
}

struct pass_state {
	struct ztp_fleet_pass *p;
	struct ztp_rec_reader *rd;
	int next;
};

static void plog(struct ztp_fleet_pass *p, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void plog(struct ztp_fleet_pass *p, int level, const char *fmt, ...)
{
	va_list ap;

	if (p->vlog == NULL)
		return;
	va_start(ap, fmt);
	p->vlog(level, fmt, ap);
	va_end(ap);
}

/* the worker: the job, then the result as one JSON document on fd */
static void worker(struct ztp_fleet_pass *p, struct ztp_val *rec, int fd)
{
	struct ztp_val *res = ztp_val_map();
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc = p->job(p->arg, p->F, rec, res);

	ztp_map_set(res, "ok", ztp_val_bool(rc == 0));
	ztp_map_set(res, "record", ztp_val_ref(rec));
	ztp_json_emit(&b, res, 0);
	(void)ztp_write_all(fd, b.p, b.len);
	_exit(0);
}

/* close every descriptor from 3 up but keep and keep2: the open ones as
 * /proc/self/fd lists them (a few), else all up to the limit (tens of
 * thousands of close calls: half of a worker's CPU under a hypervisor) */
static void close_from3_but(int keep, int keep2)
{
	long fd, maxfd = sysconf(_SC_OPEN_MAX);
	DIR *d = opendir("/proc/self/fd");

	if (d) {
		int open_fds[1024], n = 0, i, dfd = dirfd(d);
		struct dirent *de;
		long long v;

		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (ztp_parse_ll(de->d_name, 0, 1 << 30, &v) < 0 || n == 1024) {
				n = -1;	/* not what we expect: the slow way */
				break;
			}
			open_fds[n++] = (int)v;
		}
		closedir(d);
		if (n >= 0) {
			for (i = 0; i < n; i++)
				if (open_fds[i] >= 3 && open_fds[i] != keep && open_fds[i] != keep2 &&
				    open_fds[i] != dfd)
					close(open_fds[i]);
			return;
		}
	}
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (fd = 3; fd < maxfd; fd++)
		if (fd != keep && fd != keep2)
			close((int)fd);
}

static int start_job(struct ztp_fleet_pass *p, struct job *j)
{
	pid_t parent = getpid();
	int fds[2];

	if (ztp_os_pipe_cloexec(fds) < 0)
		return -1;
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (j->pid == 0) {
		int i;

		/* the worker takes the signals as the tool got them, and dies
		 * with its parent: no device is configured by a job nobody
		 * waits for */
		for (i = 0; i < 3; i++)
			if (stop_caught[i])
				sigaction(stop_sigs[i], &stop_old[i], NULL);
		if (ztp_os_die_with_parent(parent) < 0)
			_exit(0);
		/* nothing of the parent's, above all not the flock'ed files
		 * of other claims, which would outlive their commit; but its
		 * own claim's: the claim is held while the worker lives */
		close_from3_but(fds[1], j->claim ? ztp_claim_fd(j->claim) : -1);
		signal(SIGPIPE, SIG_DFL);
		worker(p, j->rec, fds[1]);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->deadline = ztp_os_monotonic() + p->deadline;
	ztp_buf_init(&j->res, (size_t)4 << 20);
	j->killed = 0;
	return 0;
}

static void emit(struct ztp_fleet_pass *p, const struct ztp_val *rec)
{
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_err e;

	if (ztp_rec_format(&out, rec, p->json ? ZTP_REC_JSON : ZTP_REC_YAML, &e) < 0 ||
	    ztp_write_all(1, out.p, out.len) < 0) {
		plog(p, ZTP_LOG_ERR, "cannot write the record '%s'", ztp_esc(ztp_rec_id(rec)));
		p->tempfail = 1;
	}
	ztp_buf_free(&out);
}

/* claims given back at the end of the pass, so that it does not claim
 * them again */
static void hold_claim(struct ztp_fleet_pass *p, struct ztp_claim *c)
{
	p->held = ztp_xrealloc(p->held, p->nheld + 1, sizeof *p->held);
	p->held[p->nheld++] = c;
}

static void release_held(struct ztp_fleet_pass *p)
{
	struct ztp_err e;

	while (p->nheld > 0) {
		struct ztp_claim *c = p->held[--p->nheld];

		if (ztp_claim_release(c, NULL, &e) < 0) {
			/* fenced: said once already; the filesystem frees the
			 * claim's lock when it lets this host go */
			if (e.code != ZTP_ERR_FENCED)
				plog(p, ZTP_LOG_ERR, "cannot release '%s': %s",
				     ztp_esc(ztp_claim_id(c)), e.msg);
			ztp_claim_abandon(c);
		}
	}
	free(p->held);
	p->held = NULL;
}

/* A commit failed (a full disk, mostly): the claim is held to the end of
 * the pass and given back then, untouched, and the pass claims no more
 * records.  Its job's work is lost and done again by a later pass, but
 * never twice in this one, and no more jobs are run for nothing. */
static void commit_failed(struct ztp_fleet_pass *p, struct ztp_claim *c, const char *id,
			  const struct ztp_err *e)
{
	plog(p, ZTP_LOG_ERR, "cannot commit '%s': %s (left in %s for the next pass; "
	     "no more records taken in this pass)", ztp_esc(id), e->msg, ztp_claim_stage(c));
	hold_claim(p, c);
	p->tempfail = 1;
	p->nomore = 1;
}

/* The keys DHCP and the rack give a sighting of a device; a device seen
 * again (moved, re-plugged) keeps its record and takes these. */
static const char *const sighting_keys[] = {
	"mac", "ip", "rack", "port", "console", "vendor_class", "client_id", "hostname", "facts", NULL
};

/* Identity by serial (DESIGN.md): once the job learnt facts.serial, the
 * claimed record takes it as its id.  When a record with that id exists,
 * this is a device seen before: that record takes the new sighting (and
 * stays in done/ when it is done; anywhere else it goes on to ok_stage),
 * and the new record is dropped.  Returns 1 when the job's record was
 * handled here, 0 when the commit goes on (possibly under the new id). */
static int identify(struct ztp_fleet_pass *p, struct job *j, struct ztp_val *rec,
		    const char *detail)
{
	const char *serial = ztp_map_str(ztp_map_get(rec, "facts"), "serial");
	char old[ZTP_ID_MAX + 1], det[512], from[600], to[600], macid[18] = "";
	struct ztp_claim *known = NULL;
	struct ztp_val *krec;
	const char *stage;
	struct ztp_err e;
	int rc, i;

	if (serial == NULL || !ztp_id_valid(serial) || strcmp(serial, ztp_rec_id(rec)) == 0)
		return 0;
	/* only the id made from the MAC follows the serial: a name a person
	 * gave a record stays */
	if (ztp_rec_mac_alias(rec, macid) != NULL || strcmp(macid, ztp_rec_id(rec)) != 0)
		return 0;
	snprintf(old, sizeof old, "%s", ztp_rec_id(rec));
	if ((rc = ztp_claim_rekey(j->claim, serial, &e)) == 0) {
		ztp_map_set_str(rec, "id", serial);
		/* the transcript and its rotated parts follow */
		for (i = 0; p->F->logdir && i <= ZTP_TLOG_KEEP; i++) {
			char sfx[16] = "";

			if (i > 0)
				snprintf(sfx, sizeof sfx, ".%d", i);
			if (snprintf(from, sizeof from, "%s/%s.log%s", p->F->logdir, old, sfx) <
			    (int)sizeof from &&
			    snprintf(to, sizeof to, "%s/%s.log%s", p->F->logdir, serial, sfx) <
			    (int)sizeof to)
				(void)rename(from, to);
		}
		plog(p, ZTP_LOG_INFO, "%s: identified by its serial: the record is now '%s'", old, serial);
		return 0;
	}
	if (rc != ZTP_ERR_EXISTS) {
		plog(p, ZTP_LOG_ERR, "%s: cannot take its serial '%s' as id: %s", old, ztp_esc(serial), e.msg);
		return 0;
	}
	if ((rc = ztp_spool_claim_id(p->sp, serial, 0, &known, &e)) < 0) {
		/* busy: the other record's worker finishes first; the next
		 * pass tries again.  gone: it was removed, its id stays taken */
		plog(p, ZTP_LOG_ERR, "%s: is '%s', seen before: %s (left in %s for the next pass)",
		     old, ztp_esc(serial), e.msg, p->from);
		hold_claim(p, j->claim);
		j->claim = NULL;
		p->requeued++;
		p->tempfail = 1;
		return 1;
	}
	krec = ztp_val_ref(ztp_claim_record(known));
	for (i = 0; sighting_keys[i]; i++) {
		struct ztp_val *v = ztp_map_get(rec, sighting_keys[i]);

		if (v)
			ztp_map_set(krec, sighting_keys[i], ztp_val_ref(v));
	}
	stage = strcmp(ztp_claim_stage(known), "done") == 0 ? "done" : p->ok_stage;
	ztp_map_del(krec, "error");
	snprintf(det, sizeof det, "seen again as %s%s%s%s", old,
		 ztp_map_str(rec, "port") ? " on port " : "", ztp_map_str(rec, "port") ?
		 ztp_map_str(rec, "port") : "", strcmp(stage, "done") == 0 ?
		 "; provisioned already, not again (ztp-flow reprovision to redo it)" : "");
	ztp_rec_history(krec, p->tool, stage, "ok", det);
	if (detail && *detail && strcmp(stage, "done") != 0)
		ztp_rec_history(krec, p->tool, stage, "ok", detail);
	if (ztp_claim_commit(known, stage, krec, &e) < 0) {
		commit_failed(p, known, serial, &e);
		hold_claim(p, j->claim);
		j->claim = NULL;
	} else {
		plog(p, ZTP_LOG_INFO, "%s: is '%s', seen before (in %s): %s", old, serial,
		     stage, det);
		if (ztp_claim_remove(j->claim, &e) < 0) {
			plog(p, ZTP_LOG_ERR, "cannot remove '%s': %s", old, e.msg);
			ztp_claim_abandon(j->claim);
		}
		j->claim = NULL;
	}
	ztp_val_unref(krec);
	return 1;
}

/* A failed job.  A temporary failure (the job asked for a requeue: the
 * device timed out, the session closed) is the same failure whether the
 * record was claimed from the spool or read from stdin or an operand: 75
 * in both, so that a wrapper retries it either way.  With a claim it goes
 * back to its stage (finish); without one the record carries the error
 * like any other. */
static void fail_count(struct ztp_fleet_pass *p, int temporary)
{
	p->failed++;
	if (temporary)
		p->tempfail = 1;
	else
		p->negative = 1;
}

/* a finished job: the record with its result, to the spool or stdout */
static void finish(struct ztp_fleet_pass *p, struct job *j)
{
	struct ztp_val *res = NULL, *rec;
	struct ztp_err e;
	const char *kind = "protocol", *msg = "the worker died without a result", *detail = "";
	const char *fix = NULL;
	char tmsg[256];
	int ok = 0, requeue = 0;

	if (j->killed) {
		snprintf(tmsg, sizeof tmsg, "no result within the device deadline of %.0f s",
			 p->deadline);
		kind = "timeout";
		msg = tmsg;
		requeue = p->deadline_requeue;
	} else if (j->res.len == 0 && WIFSIGNALED(j->status)) {
		int sig = WTERMSIG(j->status);

		/* killed from outside (kill, the OOM killer, a stop of the
		 * pass): nothing the device did; the record is tried again
		 * by the next pass.  A crash is a failure like any other. */
		snprintf(tmsg, sizeof tmsg, "the worker was killed by signal %d (%s)", sig,
			 strsignal(sig));
		kind = "killed";
		msg = tmsg;
		requeue = sig == SIGKILL || sig == SIGTERM || sig == SIGINT || sig == SIGHUP;
	} else if (j->res.len && ztp_yml_load_buf(j->res.p, j->res.len, "worker", NULL, &res, &e) == 0 &&
		   res && res->type == ZTP_V_MAP) {
		ok = ztp_val_truthy(ztp_map_get(res, "ok"));
		requeue = ztp_val_truthy(ztp_map_get(res, "requeue"));
		kind = ztp_map_str(res, "kind");
		msg = ztp_map_str(res, "message");
		detail = ztp_map_str(res, "detail");
		fix = ztp_map_str(res, "fix");
		if (ztp_map_get(res, "record") && ztp_map_get(res, "record")->type == ZTP_V_MAP) {
			ztp_val_unref(j->rec);
			j->rec = ztp_val_ref(ztp_map_get(res, "record"));
		}
	}
	if (kind == NULL)
		kind = "protocol";
	if (msg == NULL)
		msg = "";
	rec = j->rec;
	if (p->dry) {
		const char *text = ztp_map_str(res, "output");

		if (!ok) {
			plog(p, ZTP_LOG_ERR, "%s: %s: %s", ztp_esc(ztp_rec_id(rec)), kind, ztp_esc(msg));
			fail_count(p, requeue);
		}
		if (text && *text && ztp_write_all(1, text, strlen(text)) < 0)
			p->tempfail = 1;
		if (j->claim)
			hold_claim(p, j->claim);
		j->claim = NULL;
		p->done++;
		ztp_val_unref(res);
		return;
	}
	if (requeue && j->claim) {
		plog(p, ZTP_LOG_ERR, "%s: %s: %s (left in %s for the next pass)", ztp_esc(ztp_rec_id(rec)),
		     kind, ztp_esc(msg), p->from);
		hold_claim(p, j->claim);
		j->claim = NULL;
		p->requeued++;
		p->tempfail = 1;
		p->done++;
		ztp_val_unref(res);
		return;
	}
	if (ok && j->claim && identify(p, j, rec, detail)) {
		p->done++;
		ztp_val_unref(res);
		return;
	}
	if (ok) {
		ztp_map_del(rec, "error");
		ztp_rec_history(rec, p->tool, p->ok_stage, "ok", detail ? detail : "");
	} else {
		ztp_rec_set_error(rec, p->tool, kind, msg, fix, p->from ? p->from : "");
		ztp_rec_error_where(rec, ztp_map_str(res, "hop"), ztp_map_str(res, "phase"));
		ztp_rec_history(rec, p->tool, p->fail_stage, kind, msg);
		plog(p, ZTP_LOG_ERR, "%s: %s: %s", ztp_esc(ztp_rec_id(rec)), kind, ztp_esc(msg));
		fail_count(p, requeue);
	}
	if (j->claim) {
		if (ztp_claim_commit(j->claim, ok ? p->ok_stage : p->fail_stage, rec, &e) < 0)
			commit_failed(p, j->claim, ztp_rec_id(rec), &e);
		j->claim = NULL;
	} else {
		emit(p, rec);
	}
	p->done++;
	ztp_val_unref(res);
}

/* wait for the running jobs; returns when one finished or a deadline passed */
static void reap_some(struct ztp_fleet_pass *p, struct job *jobs, size_t *nj)
{
	struct pollfd pf[MAX_JOBS];
	size_t i, n = *nj;
	double now = ztp_os_monotonic(), next = now + 1;	/* and a stop is seen */
	int ms;

	for (i = 0; i < n; i++) {
		pf[i].fd = jobs[i].fd;
		pf[i].events = POLLIN;
		pf[i].revents = 0;
		if (jobs[i].deadline < next)
			next = jobs[i].deadline;
	}
	ms = next <= now ? 0 : (int)((next - now) * 1000) + 1;
	if (poll(pf, n, ms) < 0 && errno != EINTR)
		return;
	now = ztp_os_monotonic();
	for (i = 0; i < n;) {
		struct job *j = &jobs[i];
		int ended = 0;

		if (pf[i].revents) {
			char buf[65536];
			ssize_t r = read(j->fd, buf, sizeof buf);

			if (r > 0) {
				if (ztp_buf_add(&j->res, buf, (size_t)r) < 0)
					ended = 1;
			} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
				ended = 1;
			}
		}
		if (!ended && now >= j->deadline) {
			kill(j->pid, SIGKILL);
			j->killed = 1;
			ended = 1;
		}
		if (ended) {
			close(j->fd);
			while (waitpid(j->pid, &j->status, 0) < 0 && errno == EINTR)
				;
			finish(p, j);
			ztp_buf_free(&j->res);
			ztp_val_unref(j->rec);
			jobs[i] = jobs[n - 1];
			pf[i] = pf[n - 1];
			n--;
			continue;
		}
		i++;
	}
	*nj = n;
}

/* a target of the input rule as a record: a record as it is, a host as
 * {id: host, ip: host}; NULL with e set for a host with a port (the
 * record has no place for one) */
static struct ztp_val *target_record(const struct ztp_target *t, struct ztp_err *e)
{
	struct ztp_val *r;

	if (t->kind == ZTP_TARGET_RECORD)
		return ztp_val_ref(t->rec);
	if (t->port[0]) {
		ztp_err_set(e, ZTP_ERR_USAGE, "cannot use the port of '%s': give it in ssh_config "
			    "(Host %s, Port %s) or in ztp.yml (ssh: port:)", ztp_esc(t->source),
			    ztp_esc(t->host), t->port);
		return NULL;
	}
	r = ztp_val_map();
	ztp_map_set_str(r, "id", t->host);
	ztp_map_set_str(r, "ip", t->host);
	return r;
}

struct first {
	struct ztp_val *rec;
	struct ztp_err *e;
	int failed;
};

static int take_first(void *ctx, const struct ztp_target *t, const struct ztp_err *bad)
{
	struct first *f = ctx;

	if (bad) {
		if (f->e)
			*f->e = *bad;
		f->failed = 1;
		return 1;
	}
	f->rec = target_record(t, f->e);
	f->failed = f->rec == NULL;
	return 1;
}

struct ztp_val *ztp_fleet_operand(const struct ztp_fleet_ctx *F, const char *arg, struct ztp_err *e)
{
	struct ztp_input_opts io = { F && F->conf ? F->conf->spool : NULL,
				     ztp_conf_spool_flags(F ? F->conf : NULL) };
	struct first f = { NULL, e, 0 };
	char *argv[1] = { (char *)arg };
	int nbad;

	ztp_input_targets(1, argv, &io, take_first, &f, &nbad);
	if (f.rec == NULL && !f.failed)
		ztp_err_set(e, ZTP_ERR_USAGE, "no record in '%s'", ztp_esc(arg));
	return f.rec;
}

struct operands {
	struct ztp_fleet_pass *p;
	size_t cap;
};

static int add_operand(void *ctx, const struct ztp_target *t, const struct ztp_err *bad)
{
	struct operands *o = ctx;
	struct ztp_fleet_pass *p = o->p;
	struct ztp_val *r;
	struct ztp_err e;

	if (bad) {
		plog(p, ZTP_LOG_ERR, "%s", bad->msg);
		p->bad = 1;
		return 0;
	}
	if ((r = target_record(t, &e)) == NULL) {
		plog(p, ZTP_LOG_ERR, "%s", e.msg);
		p->bad = 1;
		return 0;
	}
	if (p->nrecs == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		p->recs = ztp_xrealloc(p->recs, o->cap, sizeof *p->recs);
	}
	p->recs[p->nrecs++] = r;
	return 0;
}

void ztp_fleet_operands(struct ztp_fleet_pass *p, char **ops, int n)
{
	struct ztp_input_opts io = { p->F && p->F->conf ? p->F->conf->spool : NULL,
				     ztp_conf_spool_flags(p->F ? p->F->conf : NULL) };
	struct operands o = { p, 1 };
	int nbad;

	p->recs = ztp_xcalloc(1, sizeof *p->recs);	/* not NULL: the pass reads no fd */
	ztp_input_targets(n, ops, &io, add_operand, &o, &nbad);
}

void ztp_fleet_pass_free(struct ztp_fleet_pass *p)
{
	while (p->nrecs > 0)
		ztp_val_unref(p->recs[--p->nrecs]);
	free(p->recs);
	p->recs = NULL;
	ztp_spool_close(p->sp);
	p->sp = NULL;
}

/* the next record: host operands, claims from the spool, records on
 * in_fd; NULL at the end */
static struct ztp_val *next_record(struct pass_state *S, struct ztp_claim **claim)
{
	struct ztp_fleet_pass *p = S->p;
	struct ztp_val *rec = NULL;
	struct ztp_err e;
	int rc;

	*claim = NULL;
	if (p->nomore || fleet_stop)
		return NULL;
	if (p->recs) {
		if ((size_t)S->next >= p->nrecs)
			return NULL;
		return ztp_val_ref(p->recs[S->next++]);
	}
	if (p->sp) {
		for (;;) {
			rc = ztp_spool_claim(p->sp, p->from, claim, &e);
			if (rc == 0)
				return ztp_val_copy(ztp_claim_record(*claim));
			if (rc == ZTP_ERR_PARSE) {
				plog(p, ZTP_LOG_WARN, "%s", e.msg);
				continue;
			}
			if (rc == ZTP_ERR_FENCED) {
				/* shut out of a shared spool: 75, and no more */
				plog(p, ZTP_LOG_ERR, "%s", e.msg);
				p->tempfail = 1;
				p->nomore = 1;
			} else if (rc != ZTP_ERR_NOTFOUND) {
				plog(p, ZTP_LOG_ERR, "cannot claim a record: %s", e.msg);
				p->bad = 1;
			}
			return NULL;
		}
	}
	if (S->rd == NULL) {
		if (ztp_rec_reader_open(&S->rd, p->in_fd, "standard input", &e) < 0) {
			plog(p, ZTP_LOG_ERR, "%s", e.msg);
			p->bad = 1;
			return NULL;
		}
	}
	while ((rc = ztp_rec_reader_next(S->rd, &rec, &e)) < 0) {
		plog(p, ZTP_LOG_ERR, "%s", e.msg);
		p->bad = 1;
	}
	return rc == 1 ? rec : NULL;
}

/* Told to stop: the workers are killed and reaped (none goes on alone),
 * their records given back to their stage for the next pass. */
static void stop_jobs(struct ztp_fleet_pass *p, struct job *jobs, size_t *nj)
{
	size_t i;

	for (i = 0; i < *nj; i++)
		kill(jobs[i].pid, SIGKILL);
	for (i = 0; i < *nj; i++) {
		struct job *j = &jobs[i];

		close(j->fd);
		while (waitpid(j->pid, &j->status, 0) < 0 && errno == EINTR)
			;
		plog(p, ZTP_LOG_ERR, "%s: stopped by signal %d%s%s%s", ztp_esc(ztp_rec_id(j->rec)),
		     (int)fleet_stop, j->claim ? " (left in " : "", j->claim ? p->from : "",
		     j->claim ? " for the next pass)" : "");
		if (j->claim)
			hold_claim(p, j->claim);
		p->requeued += j->claim != NULL;
		ztp_buf_free(&j->res);
		ztp_val_unref(j->rec);
	}
	*nj = 0;
	p->tempfail = 1;
}

int ztp_fleet_run(struct ztp_fleet_pass *p)
{
	struct sigaction sa;
	struct pass_state S;
	struct job jobs[MAX_JOBS];
	size_t nj = 0;
	struct ztp_err e;
	long jmax = p->jmax < 1 ? 1 : p->jmax > MAX_JOBS ? MAX_JOBS : p->jmax;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int i;

	memset(&S, 0, sizeof S);
	S.p = p;
	/* no SA_RESTART: the signal ends the wait for the workers */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	fleet_stop = 0;
	for (i = 0; i < 3; i++) {
		stop_caught[i] = sigaction(stop_sigs[i], NULL, &stop_old[i]) == 0 &&
				 stop_old[i].sa_handler != SIG_IGN;
		if (stop_caught[i])
			sigaction(stop_sigs[i], &sa, NULL);
	}
	ztp_ssh_prefork();	/* the workers' crypto set-up, done once here */
	for (;;) {
		while (nj < (size_t)jmax) {
			struct ztp_claim *claim;
			struct ztp_val *rec = next_record(&S, &claim);

			if (rec == NULL)
				break;
			memset(&jobs[nj], 0, sizeof jobs[nj]);
			jobs[nj].rec = rec;
			jobs[nj].claim = claim;
			if (start_job(p, &jobs[nj]) < 0) {
				plog(p, ZTP_LOG_ERR, "cannot start a worker: %s", strerror(errno));
				if (claim)
					ztp_claim_release(claim, NULL, &e);
				ztp_val_unref(rec);
				p->tempfail = 1;
				break;
			}
			nj++;
		}
		if (nj == 0)
			break;
		reap_some(p, jobs, &nj);
		if (fleet_stop)
			stop_jobs(p, jobs, &nj);
	}
	release_held(p);
	if (S.rd)
		ztp_rec_reader_close(S.rd);
	signal(SIGPIPE, old);
	for (i = 0; i < 3; i++)
		if (stop_caught[i])
			sigaction(stop_sigs[i], &stop_old[i], NULL);
	p->stopped = (int)fleet_stop;
	return ztp_exit_merge(ztp_exit_merge(p->negative ? ZTP_EXIT_NEGATIVE : 0,
					     p->tempfail ? ZTP_EXIT_TEMPFAIL : 0),
			      p->bad ? ZTP_EXIT_USAGE : 0);
}

int ztp_fleet_drive(struct ztp_fleet_pass *p, int spool_mode, char **ops, int nops)
{
	struct ztp_err e;
	int status;

	if (spool_mode) {
		/* the spool is made by ztp-spool init or ztp-dhcpd, never here:
		 * a mistyped path is an error, not a new empty spool */
		if (ztp_spool_open(&p->sp, p->F->conf->spool, ztp_conf_spool_flags(p->F->conf),
				   &e) < 0) {
			plog(p, ZTP_LOG_ERR, "%s", e.msg);
			return ztp_err_exit_status(e.code);
		}
	} else {
		ztp_fleet_operands(p, ops, nops);
	}
	if (ztp_fleet_logdir(p->F) < 0)
		plog(p, ZTP_LOG_INFO, "no transcripts: cannot write to the spool's log directory");
	status = ztp_fleet_run(p);
	if (p->done == 0 && !spool_mode && nops == 0 && status == 0)
		plog(p, ZTP_LOG_INFO, "no records on standard input");
	if (p->bad)
		status = ztp_exit_merge(status, ZTP_EXIT_USAGE);
	ztp_fleet_pass_free(p);
	return status;
}
