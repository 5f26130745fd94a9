/* ztp-probe: learn a device's facts (vendor, OS, version, model, serial,
 * modules) from its CLI output.
 *
 *   ztp-probe [-v] [-P platform|auto] -r [command=]file ... [-o json|yaml]
 *   ztp-probe [-v] [-c ztp.yml] [-F ssh_config] [-J jump] [-j N] [-d secs]
 *             [-o json|yaml] host ... | --spool | < records
 *
 * Offline it parses recorded outputs.  Live it logs in over SSH (through
 * jump hosts), opens a CLI session (lib/cli.h), runs the platform's
 * commands and parses them: one worker process per device (at most -j at
 * once), each with its own deadline, the parent collecting the results
 * (live_main).  See ztp-probe(1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "facts.h"
#include "os.h"
#include "record.h"
#include "spool.h"
#include "sshset.h"
#include "log.h"
#include "str.h"
#include "yml.h"

#define MAX_FILES 64

enum outfmt { OUT_YAML, OUT_JSON };

struct input {
	const char *cmd;	/* NULL: recognise it */
	char *cmdbuf;
	const char *path;
	struct ztp_buf text;
};

static void usage(void)
{
	fprintf(stderr,
	    "usage: ztp-probe [-v] [-o json|yaml] [-P platform|auto] -r [command=]file ...\n"
	    "       ztp-probe [-v] [-c ztp.yml] [-F ssh_config] [-J jump] [-j N] [-d secs]\n"
	    "                 [-P platform] [-o json|yaml] host ... | --spool | < records\n"
	    "platforms: auto");
	for (size_t i = 0; ztp_facts_platforms[i]; i++)
		fprintf(stderr, " %s", ztp_facts_platforms[i]);
	fprintf(stderr, "\n");
	exit(ZTP_EXIT_USAGE);
}

static int worse(int cur, int st)
{
	if (st == ZTP_EXIT_USAGE || (st && cur == 0) ||
	    (st == ZTP_EXIT_NEGATIVE && cur == ZTP_EXIT_TEMPFAIL))
		return st;
	return cur;
}

/* "show version=out.txt" or "out.txt"; a path holding '=' can be given as
 * "=path" */
static void split_spec(const char *spec, struct input *in)
{
	const char *eq = strchr(spec, '=');

	memset(in, 0, sizeof(*in));
	ztp_buf_init(&in->text, ZTP_FACTS_MAX_INPUT + 1);
	if (eq == NULL) {
		in->path = spec;
		return;
	}
	in->path = eq + 1;
	if (eq > spec) {
		in->cmdbuf = ztp_xstrndup(spec, (size_t)(eq - spec));
		in->cmd = in->cmdbuf;
	}
}

static int read_input(struct input *in, struct ztp_err *e)
{
	if (strcmp(in->path, "-") == 0)
		return ztp_buf_read_fd(&in->text, 0, ZTP_FACTS_MAX_INPUT, "standard input", e);
	return ztp_buf_read_file(&in->text, in->path, ZTP_FACTS_MAX_INPUT, e);
}

/* auto: what all outputs together tell (a `show version` names the OS, an
 * inventory alone often does not) */
static const char *detect(struct input *ins, size_t n)
{
	struct ztp_buf all = ZTP_BUF_INIT;
	const char *p = NULL;
	size_t i;

	ztp_buf_init(&all, (size_t)MAX_FILES * (ZTP_FACTS_MAX_INPUT + 1));
	for (i = 0; i < n; i++)
		if (ztp_buf_add(&all, ins[i].text.p ? ins[i].text.p : "", ins[i].text.len) < 0 ||
		    ztp_buf_addc(&all, '\n') < 0)
			break;
	if (all.p)
		p = ztp_facts_detect_platform(all.p, all.len, NULL);
	ztp_buf_free(&all);
	return p;
}

/* ---- the live mode */

struct live {
	struct ztp_conf *conf;
	struct ztp_val *secrets;	/* without the enable credential */
	const char *enable;		/* the enable secret, or NULL */
	struct ztp_sshset_cli cli;
	struct ztp_sshalg_lib lib;
	const char *platform;		/* -P, or NULL */
	double deadline;		/* seconds per device */
	const char *logdir;		/* $SPOOL/log, or NULL */
	const char *const *redact;	/* passwords, NULL-terminated */
};

/* the commands read per platform: the first must answer, the rest may be
 * refused (an inventory the box lacks) */
static const char *const *platform_cmds(const char *platform)
{
	static const char *const cisco[] = { "show version", "show inventory", NULL };
	static const char *const junos[] = { "show version", "show chassis hardware", NULL };
	static const char *const vrp[] = { "display version", "display device", "display esn", NULL };

	if (strcmp(platform, "juniper_junos") == 0)
		return junos;
	if (strcmp(platform, "huawei_vrp") == 0)
		return vrp;
	return cisco;
}

struct tlog {
	int fd;
	const char *const *redact;
};

/* the transcript: device bytes as they came, secrets replaced */
static void tlog_write(void *ctx, enum ztp_cli_dir d, const char *p, size_t n)
{
	struct tlog *t = ctx;
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t i, k;

	if (t->fd < 0)
		return;
	(void)d;
	for (i = 0; i < n;) {
		size_t hit = 0;

		for (k = 0; t->redact && t->redact[k]; k++) {
			size_t l = strlen(t->redact[k]);

			if (l >= 3 && l <= n - i && memcmp(p + i, t->redact[k], l) == 0)
				hit = l;
		}
		if (hit) {
			ztp_buf_adds(&b, "<redacted>");
			i += hit;
		} else {
			ztp_buf_addc(&b, p[i++]);
		}
	}
	if (b.len)
		(void)ztp_write_all(t->fd, b.p, b.len);
	ztp_buf_free(&b);
}

static void tlog_note(struct tlog *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tlog_note(struct tlog *t, const char *fmt, ...)
{
	char line[2048], ts[21];
	va_list ap;
	int n;

	if (t->fd < 0)
		return;
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
	tlog_write(t, ZTP_CLI_IN, line, (size_t)n);
}

/* one device, in the worker process: fills rec (facts, platform) or kind
 * and msg; returns 0 or -1 */
/* a negotiation failure's kexcheck diagnosis, for error.fix (one device
 * per worker process) */
static char neg_fix[sizeof ((struct ztp_ssh_failure *)0)->diagnosis];

static int probe_one(struct live *L, struct ztp_val *rec, char *kind, size_t ksz,
		     char *msg, size_t msz, char *detail, size_t dsz)
{
	const char *host = ztp_map_str(rec, "ip"), *id = ztp_map_str(rec, "id");
	const char *platform = L->platform ? L->platform : ztp_map_str(rec, "platform");
	struct ztp_sshdest d;
	struct ztp_sshset set;
	struct ztp_ssh_opts o;
	struct ztp_ssh_failure f;
	struct ztp_ssh *s = NULL;
	struct ztp_cli_transport t;
	struct ztp_cli *c = NULL;
	struct ztp_cli_opts co;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_val *facts = NULL;
	struct tlog tl = { -1, L->redact };
	const char *const *cmds;
	const char *banner;
	struct ztp_err e;
	size_t i, parsed = 0;
	int rc = -1;

	memset(&set, 0, sizeof set);
	memset(&d, 0, sizeof d);
	if (host == NULL)
		host = id;
	d.host = host;
	d.id = id;
	d.rack = ztp_map_str(rec, "rack");
	d.platform = platform && ztp_facts_platform_valid(platform) ? platform : NULL;
	if (L->logdir && id) {
		char path[1024];
		int n = snprintf(path, sizeof path, "%s/%s.log", L->logdir, id);

		if (n > 0 && (size_t)n < sizeof path)
			tl.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	}
	tlog_note(&tl, "ztp-probe: connecting to %s", ztp_esc(host));
	if (ztp_sshset_resolve(L->conf, &L->cli, &d, &L->lib, &set, &e) < 0 ||
	    ztp_sshset_connect_opts(&set, L->secrets, &o, &e) < 0) {
		snprintf(kind, ksz, "config");
		snprintf(msg, msz, "%s", e.msg);
		goto out;
	}
	if (ztp_ssh_connect(&s, &o, &f) < 0) {
		snprintf(kind, ksz, "%s", ztp_ssh_kind_name(f.kind));
		snprintf(msg, msz, "%s", f.msg);
		snprintf(neg_fix, sizeof neg_fix, "%s", f.diagnosis);
		goto out;
	}
	banner = ssh_get_serverbanner(ztp_ssh_session(s));
	tlog_note(&tl, "connected, server %s", banner ? ztp_esc(banner) : "?");
	if (ztp_cli_ssh_transport(&t, ztp_ssh_session(s), &e) < 0) {
		snprintf(kind, ksz, "protocol");
		snprintf(msg, msz, "%s", e.msg);
		goto out;
	}
	memset(&co, 0, sizeof co);
	co.platform = d.platform;
	co.banner = banner;
	co.enable_secret = L->enable;
	co.timeout = set.command_timeout > 0 ? set.command_timeout : 30;
	co.log = tlog_write;
	co.log_ctx = &tl;
	if (ztp_cli_open(&c, &t, &co, &e) < 0) {
		snprintf(kind, ksz, "%s", e.code == ZTP_ERR_TIMEOUT ? "timeout" :
			 e.code == ZTP_ERR_PERM ? "enable" : "closed");
		snprintf(msg, msz, "cli session: %s", e.msg);
		goto out;
	}
	platform = ztp_cli_platform(c);
	if (platform == NULL) {
		snprintf(kind, ksz, "platform");
		snprintf(msg, msz, "cannot tell the platform (prompt '%s'): set platform in the record "
			 "or give -P", ztp_esc(ztp_cli_prompt(c)));
		goto out;
	}
	facts = ztp_facts_new();
	cmds = platform_cmds(platform);
	for (i = 0; cmds[i]; i++) {
		int r = ztp_cli_run(c, cmds[i], 0, &out, &e);

		if (r == ZTP_ERR_USAGE && i > 0)
			continue;	/* the box lacks it */
		if (r < 0) {
			snprintf(kind, ksz, "%s", r == ZTP_ERR_TIMEOUT ? "timeout" :
				 r == ZTP_ERR_USAGE ? "refused" : r == ZTP_ERR_LIMIT ? "limit" : "closed");
			snprintf(msg, msz, "%s", e.msg);
			goto out;
		}
		if (ztp_facts_parse(platform, cmds[i], out.p, out.len, facts, &e) == 0)
			parsed++;
		else if (i == 0) {
			snprintf(kind, ksz, "parse");
			snprintf(msg, msz, "'%s': %s", cmds[i], e.msg);
			goto out;
		}
	}
	ztp_map_set(rec, "facts", ztp_val_ref(facts));
	if (ztp_map_get(rec, "platform") == NULL || L->platform)
		ztp_map_set_str(rec, "platform", platform);
	snprintf(detail, dsz, "%s, %zu of %zu outputs parsed%s", platform, parsed, i,
		 ztp_cli_paging_off(c) ? "" : ", pager answered");
	rc = 0;
out:
	tlog_note(&tl, "ztp-probe: %s%s%s", rc == 0 ? "done: " : "failed: ",
		  rc == 0 ? detail : kind, rc == 0 ? "" : "");
	if (rc < 0)
		tlog_note(&tl, "%s", msg);
	ztp_val_unref(facts);
	ztp_buf_free(&out);
	ztp_cli_close(c);
	ztp_ssh_close(s);
	ztp_sshset_free(&set);
	if (tl.fd >= 0)
		close(tl.fd);
	return rc;
}

/* the worker: probe, then the result as one JSON document on fd */
static void worker(struct live *L, struct ztp_val *rec, int fd)
{
	char kind[64] = "", msg[2048] = "", detail[256] = "";
	struct ztp_val *res = ztp_val_map();
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc = probe_one(L, rec, kind, sizeof kind, msg, sizeof msg, detail, sizeof detail);

	ztp_map_set(res, "ok", ztp_val_bool(rc == 0));
	ztp_map_set_str(res, "kind", kind);
	ztp_map_set_str(res, "message", msg);
	ztp_map_set_str(res, "detail", detail);
	if (neg_fix[0])
		ztp_map_set_str(res, "fix", neg_fix);
	ztp_map_set(res, "record", ztp_val_ref(rec));
	ztp_json_emit(&b, res, 0);
	(void)ztp_write_all(fd, b.p, b.len);
	_exit(0);
}

struct job {
	struct ztp_val *rec;
	struct ztp_claim *claim;	/* --spool */
	pid_t pid;
	int fd;
	double deadline;
	struct ztp_buf res;
	int killed;
};

struct runner {
	struct live *L;
	struct ztp_spool *sp;		/* --spool */
	enum outfmt fmt;
	int failed, tempfail;
	size_t done;
};

/* a finished job: the record with its facts or its error, to stdout or the
 * spool */
static void finish(struct runner *R, struct job *j)
{
	struct ztp_val *res = NULL, *rec;
	struct ztp_err e;
	const char *kind = "protocol", *msg = "the worker died without a result", *detail = "";
	const char *fix = NULL;
	char tmsg[256];
	int ok = 0;

	if (j->killed) {
		snprintf(tmsg, sizeof tmsg, "no result within the device deadline of %.0f s",
			 R->L->deadline);
		kind = "timeout";
		msg = tmsg;
	} else if (j->res.len && ztp_yml_load_buf(j->res.p, j->res.len, "worker", NULL, &res, &e) == 0 &&
		   res && res->type == ZTP_V_MAP) {
		ok = ztp_val_truthy(ztp_map_get(res, "ok"));
		kind = ztp_map_str(res, "kind");
		msg = ztp_map_str(res, "message");
		detail = ztp_map_str(res, "detail");
		fix = ztp_map_str(res, "fix");
		if (ztp_map_get(res, "record") && ztp_map_get(res, "record")->type == ZTP_V_MAP) {
			ztp_val_unref(j->rec);
			j->rec = ztp_val_ref(ztp_map_get(res, "record"));
		}
	}
	rec = j->rec;
	if (ok) {
		ztp_map_del(rec, "error");
		ztp_rec_history(rec, "ztp-probe", "probed", "ok", detail);
	} else {
		ztp_rec_set_error(rec, "ztp-probe", kind ? kind : "protocol", msg ? msg : "",
				  fix, "discovered");
		ztp_rec_history(rec, "ztp-probe", "failed", kind ? kind : "protocol", msg);
		ztp_log(ZTP_LOG_ERR, "%s: %s: %s", ztp_esc(ztp_rec_id(rec)), kind ? kind : "?",
			msg ? ztp_esc(msg) : "");
		R->failed++;
	}
	if (j->claim) {
		if (ztp_claim_commit(j->claim, ok ? "probed" : "failed", rec, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "cannot commit '%s': %s", ztp_esc(ztp_rec_id(rec)), e.msg);
			ztp_claim_abandon(j->claim);
			R->tempfail = 1;
		}
		j->claim = NULL;
	} else {
		struct ztp_buf out = ZTP_BUF_INIT;

		if (ztp_rec_format(&out, rec, R->fmt == OUT_JSON ? ZTP_REC_JSON : ZTP_REC_YAML, &e) < 0 ||
		    ztp_write_all(1, out.p, out.len) < 0) {
			ztp_log(ZTP_LOG_ERR, "cannot write the record '%s'", ztp_esc(ztp_rec_id(rec)));
			R->tempfail = 1;
		}
		ztp_buf_free(&out);
	}
	R->done++;
	ztp_val_unref(res);
}

static int start_job(struct runner *R, struct job *j)
{
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
		long fd, maxfd = sysconf(_SC_OPEN_MAX);

		/* nothing of the parent's: above all not the flock'ed files
		 * of other claims, which would outlive their commit */
		if (maxfd < 0 || maxfd > 65536)
			maxfd = 65536;
		for (fd = 3; fd < maxfd; fd++)
			if (fd != fds[1])
				close((int)fd);
		signal(SIGPIPE, SIG_DFL);
		worker(R->L, j->rec, fds[1]);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->deadline = ztp_os_monotonic() + R->L->deadline;
	ztp_buf_init(&j->res, (size_t)4 << 20);
	j->killed = 0;
	return 0;
}

/* wait for the running jobs; returns when one finished */
static void reap_some(struct runner *R, struct job *jobs, size_t *nj)
{
	struct pollfd pf[256];
	size_t i, n = *nj;
	double now = ztp_os_monotonic(), next = now + 3600;
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
			while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
				;
			finish(R, j);
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

/* a record for a host operand */
static struct ztp_val *host_record(const char *host)
{
	struct ztp_val *r = ztp_val_map();

	ztp_map_set_str(r, "id", host);
	ztp_map_set_str(r, "ip", host);
	return r;
}

static const char *secret_str(const struct ztp_val *v)
{
	return v && v->type == ZTP_V_STR ? v->u.str.s : NULL;
}

/* the next record to probe: host operands, records on stdin, or claims
 * from the spool's discovered stage; NULL at the end */
struct source {
	char **hosts;
	int nhosts, next;
	struct ztp_rec_reader *rd;
	struct ztp_spool *sp;
	int bad;
};

static struct ztp_val *next_record(struct source *S, struct ztp_claim **claim)
{
	struct ztp_val *rec = NULL;
	struct ztp_err e;
	int rc;

	*claim = NULL;
	if (S->hosts) {
		if (S->next >= S->nhosts)
			return NULL;
		return host_record(S->hosts[S->next++]);
	}
	if (S->sp) {
		for (;;) {
			rc = ztp_spool_claim(S->sp, "discovered", claim, &e);
			if (rc == 0)
				return ztp_val_copy(ztp_claim_record(*claim));
			if (rc == ZTP_ERR_PARSE) {
				ztp_log(ZTP_LOG_WARN, "%s", e.msg);
				continue;
			}
			if (rc != ZTP_ERR_NOTFOUND) {
				ztp_log(ZTP_LOG_ERR, "cannot claim a record: %s", e.msg);
				S->bad = 1;
			}
			return NULL;
		}
	}
	while ((rc = ztp_rec_reader_next(S->rd, &rec, &e)) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		S->bad = 1;
	}
	return rc == 1 ? rec : NULL;
}

static int live_main(int nhosts, char **hosts, const char *cfile, struct ztp_sshset_cli *cli,
		     const char *platform, long jmax, double deadline, int spool_mode,
		     enum outfmt fmt)
{
	struct live L;
	struct runner R;
	struct source S;
	struct job jobs[256];
	size_t nj = 0, k;
	struct ztp_err e;
	struct ztp_val *creds, *oldcreds = NULL;
	const char *redact[64];
	size_t nredact = 0;
	char logdir[1024];
	int status = 0;

	memset(&L, 0, sizeof L);
	memset(&R, 0, sizeof R);
	memset(&S, 0, sizeof S);
	L.cli = *cli;
	L.platform = platform;
	L.deadline = deadline;
	if (ztp_conf_load(&L.conf, cfile, &e) < 0 || ztp_sshset_check_conf(L.conf, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_conf_free(L.conf);
		return ZTP_EXIT_USAGE;
	}
	if (ztp_sshalg_lib_load(&L.lib, NULL, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_conf_free(L.conf);
		return ZTP_EXIT_USAGE;
	}
	if (L.conf->secrets && ztp_secrets_load(L.conf, &L.secrets, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	/* the enable secret: `enable: SECRET` or the credential named enable
	 * (not an SSH login: taken out of the list) */
	L.enable = secret_str(ztp_map_get(L.secrets, "enable"));
	creds = ztp_map_get(L.secrets, "credentials");
	if (creds && creds->type == ZTP_V_LIST) {
		struct ztp_val *keep = ztp_val_list();

		for (k = 0; k < creds->u.list.n; k++) {
			const struct ztp_val *cr = creds->u.list.v[k];
			const char *pw = ztp_map_str(cr, "password");

			if (pw && nredact < 62)
				redact[nredact++] = pw;
			if (ztp_streq(ztp_map_str(cr, "name"), "enable")) {
				if (L.enable == NULL)
					L.enable = pw;
				continue;
			}
			ztp_list_push(keep, ztp_val_ref(creds->u.list.v[k]));
		}
		oldcreds = ztp_val_ref(creds);	/* the strings above point into it */
		ztp_map_set(L.secrets, "credentials", keep);
	}
	if (L.enable && nredact < 63)
		redact[nredact++] = L.enable;
	redact[nredact] = NULL;
	L.redact = redact;
	if (spool_mode) {
		if (ztp_spool_open(&S.sp, L.conf->spool, 1, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			status = ztp_err_exit_status(e.code);
			goto out;
		}
		R.sp = S.sp;
	} else if (nhosts > 0) {
		S.hosts = hosts;
		S.nhosts = nhosts;
	} else if (ztp_rec_reader_open(&S.rd, 0, "standard input", &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	/* transcripts go to $SPOOL/log when the spool is there */
	if (L.conf->spool && snprintf(logdir, sizeof logdir, "%s/log", L.conf->spool) < (int)sizeof logdir &&
	    (mkdir(logdir, 0750) == 0 || errno == EEXIST) && access(logdir, W_OK) == 0)
		L.logdir = logdir;
	else
		ztp_info("no transcripts: cannot write to the spool's log directory");
	R.L = &L;
	R.fmt = fmt;
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		while (nj < (size_t)jmax) {
			struct ztp_claim *claim;
			struct ztp_val *rec = next_record(&S, &claim);

			if (rec == NULL)
				break;
			memset(&jobs[nj], 0, sizeof jobs[nj]);
			jobs[nj].rec = rec;
			jobs[nj].claim = claim;
			if (start_job(&R, &jobs[nj]) < 0) {
				ztp_log(ZTP_LOG_ERR, "cannot start a worker: %s", strerror(errno));
				if (claim)
					ztp_claim_release(claim, NULL, &e);
				ztp_val_unref(rec);
				R.tempfail = 1;
				break;
			}
			nj++;
		}
		if (nj == 0)
			break;
		reap_some(&R, jobs, &nj);
	}
	if (R.failed)
		status = ZTP_EXIT_NEGATIVE;
	else if (R.tempfail)
		status = ZTP_EXIT_TEMPFAIL;
	else if (S.bad)
		status = ZTP_EXIT_USAGE;
	if (R.done == 0 && !spool_mode && status == 0 && S.bad == 0)
		ztp_info("no records on standard input");
out:
	if (S.rd)
		ztp_rec_reader_close(S.rd);
	ztp_spool_close(S.sp);
	ztp_val_unref(L.secrets);
	ztp_val_unref(oldcreds);
	ztp_sshalg_lib_free(&L.lib);
	ztp_conf_free(L.conf);
	return status;
}

int main(int argc, char **argv)
{
	struct input ins[MAX_FILES];
	const char *platform = NULL, *live = NULL;
	struct ztp_val *rec = NULL, *facts;
	struct ztp_buf out = ZTP_BUF_INIT;
	enum outfmt fmt = OUT_YAML;
	struct ztp_err e;
	size_t nin = 0, i, parsed = 0;
	int c, verbose = 0, status = 0, usage_err = 0, spool_mode = 0;
	const char *cfile = NULL;
	struct ztp_sshset_cli cli;
	long long jmax = 8, dl = 120;
	static const struct option lopts[] = {
		{ "spool", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};

	memset(&cli, 0, sizeof cli);
	ztp_log_open("ztp-probe", 0);
	while ((c = getopt_long(argc, argv, "c:d:F:hJ:j:o:P:r:v", lopts, NULL)) != -1) {
		switch (c) {
		case 'c': cfile = optarg; live = "-c"; break;
		case 'F': cli.config = optarg; live = "-F"; break;
		case 'J': cli.jump = optarg; live = "-J"; break;
		case 'S': spool_mode = 1; live = "--spool"; break;
		case 'd':
			if (ztp_parse_ll(optarg, 1, 86400, &dl) < 0) {
				ztp_log(ZTP_LOG_ERR, "bad -d '%s': seconds from 1 to 86400", ztp_esc(optarg));
				usage();
			}
			live = "-d";
			break;
		case 'j':
			if (ztp_parse_ll(optarg, 1, 256, &jmax) < 0) {
				ztp_log(ZTP_LOG_ERR, "bad -j '%s': from 1 to 256 devices at once", ztp_esc(optarg));
				usage();
			}
			live = "-j";
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				fmt = OUT_JSON;
			else if (strcmp(optarg, "yaml") == 0)
				fmt = OUT_YAML;
			else {
				ztp_log(ZTP_LOG_ERR, "unknown output format '%s': use json or yaml",
					ztp_esc(optarg));
				usage();
			}
			break;
		case 'P':
			platform = optarg;
			break;
		case 'r':
			if (nin == MAX_FILES)
				ztp_die(ZTP_EXIT_USAGE, "too many -r files: at most %d", MAX_FILES);
			split_spec(optarg, &ins[nin++]);
			break;
		case 'v': verbose++; break;
		default:
			usage();
		}
	}
	ztp_log_verbosity(verbose);
	argc -= optind;
	argv += optind;
	if (nin == 0 && (argc > 0 || live)) {
		if (platform && !ztp_facts_platform_valid(platform)) {
			ztp_log(ZTP_LOG_ERR, "unknown platform '%s'", ztp_esc(platform));
			usage();
		}
		if (spool_mode && argc > 0) {
			ztp_log(ZTP_LOG_ERR, "--spool takes no host operands");
			usage();
		}
		if (argc == 1 && strcmp(argv[0], "-") == 0)
			argc = 0;	/* records on stdin */
		return live_main(argc, argv, cfile, &cli, platform, (long)jmax, (double)dl,
				 spool_mode, fmt);
	}
	if (argc > 0 || live) {
		ztp_log(ZTP_LOG_ERR, "-r (offline) and the live mode (%s) do not mix",
			argc > 0 ? "host operands" : live);
		usage();
	}
	if (nin == 0) {
		ztp_log(ZTP_LOG_ERR, "nothing to parse: give recorded outputs with -r [command=]file");
		usage();
	}
	if (platform == NULL)
		platform = "auto";
	if (strcmp(platform, "auto") != 0 && !ztp_facts_platform_valid(platform)) {
		const char *dym = ztp_did_you_mean(platform, ztp_facts_platforms);

		ztp_log(ZTP_LOG_ERR, "unknown platform '%s'%s%s%s", ztp_esc(platform),
			dym ? ": did you mean '" : "", dym ? dym : "", dym ? "'?" : "");
		usage();
	}
	for (i = 0; i < nin; i++)
		if (read_input(&ins[i], &e) < 0) {
			int st = ztp_err_exit_status(e.code);

			/* a file that is not there will not be there on a retry */
			if (e.code == ZTP_ERR_SYS && (e.sys == ENOENT || e.sys == EACCES ||
			    e.sys == EISDIR || e.sys == ENOTDIR))
				st = ZTP_EXIT_USAGE;
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			status = worse(status, st);
			ins[i].path = NULL;
		}
	for (i = 0; i < nin && ins[i].path == NULL; i++)
		;
	if (i == nin)
		goto out;	/* nothing could be read */
	if (strcmp(platform, "auto") == 0) {
		platform = detect(ins, nin);
		if (platform == NULL) {
			ztp_log(ZTP_LOG_ERR, "cannot tell the platform from the outputs: give it with -P");
			status = ZTP_EXIT_USAGE;
			goto out;
		}
		if (verbose)
			ztp_info("platform: %s", platform);
	}
	facts = ztp_facts_new();
	for (i = 0; i < nin; i++) {
		if (ins[i].path == NULL)
			continue;
		if (ztp_facts_parse(platform, ins[i].cmd, ins[i].text.p ? ins[i].text.p : "",
				    ins[i].text.len, facts, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s: %s", ztp_esc(ins[i].path), e.msg);
			status = worse(status, ztp_err_exit_status(e.code));
			if (e.code == ZTP_ERR_USAGE)
				usage_err = 1;
			continue;
		}
		parsed++;
	}
	if (parsed == 0) {
		ztp_val_unref(facts);
		status = worse(status, ZTP_EXIT_USAGE);
		goto out;
	}
	rec = ztp_val_map();
	ztp_map_set(rec, "facts", facts);
	if (fmt == OUT_JSON) {
		if (ztp_json_emit(&out, rec, 0) == 0)
			ztp_buf_addc(&out, '\n');
	} else if (ztp_yml_emit(&out, rec, 1, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: %s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	if (ztp_write_all(1, out.p, out.len) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: standard output: %s", strerror(errno));
		status = worse(status, ZTP_EXIT_TEMPFAIL);
	}
	/* some outputs parsed and others not: a partial answer */
	if (parsed > 0 && status == ZTP_EXIT_USAGE && !usage_err)
		status = ZTP_EXIT_NEGATIVE;
out:
	ztp_buf_free(&out);
	ztp_val_unref(rec);
	for (i = 0; i < nin; i++) {
		ztp_buf_free(&ins[i].text);
		free(ins[i].cmdbuf);
	}
	return status;
}
