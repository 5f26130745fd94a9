/* ztp-spool: look at and move records in the spool, for scripts and people.
 *
 *   ztp-spool [-qv] [-c ztp.yml] [-o text|yaml|json] [-s spool] command ...
 *
 * See ztp-spool(1) and ztp-spool(5). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "confcheck.h"
#include "events.h"
#include "input.h"
#include "log.h"
#include "opts.h"
#include "record.h"
#include "retry.h"
#include "spool.h"
#include "str.h"

enum outfmt { OUT_TEXT, OUT_YAML, OUT_JSON };

static struct ztp_spool *sp;
static enum outfmt out = OUT_TEXT;
static int quiet;
static int status;	/* the worst exit status so far */

/* -h: on stdout, exit 0; a usage error: on stderr, exit 2 */
static void usage(int st) __attribute__((noreturn));
static void usage(int st)
{
	fprintf(st ? stderr : stdout,
	    "usage: ztp-spool [-qTv] [-c ztp.yml] [-o text|yaml|json] [-s spool] command [argument ...]\n"
	    "       ztp-spool -h | --version\n"
	    "commands (the options may also follow the command):\n"
	    "  init [--shared]            create the spool directories (--shared: on the\n"
	    "                             shared filesystem mounted there, or refuse)\n"
	    "  ls [stage ...]             one line per record (stages, or bad)\n"
	    "  show [--log] id ...        print records (--log: their transcripts)\n"
	    "  status                     devices per stage; why each failed one failed\n"
	    "  notify                     stage changes to the hooks and the backend\n"
	    "  put stage [file | -] ...   add new records to stage\n"
	    "  take [-n max] [-t lease] stage  claim records and print them for a pipeline\n"
	    "  commit stage [file | -] ...  store records in stage, ending their claims\n"
	    "  release [-k token] id ...  give claimed records back to their stage\n"
	    "  retry id ... | --due       move failed records back to the stage that failed\n"
	    "  move stage id ...          move records to stage by hand (not to failed)\n"
	    "  recover                    take back claims of dead workers, sweep tmp/\n"
	    "  rm id ...                  remove records for good\n");
	exit(st ? st : ztp_out_status(0));
}

static void worse(int st)
{
	status = ztp_exit_merge(status, st);
}

static void fail(const struct ztp_err *e)
{
	ztp_log(ZTP_LOG_ERR, "%s", e->msg);
	worse(ztp_err_exit_status(e->code));
	/* fenced: the spool is not this host's to touch now (ztp-spool(5)) */
	if (e->code == ZTP_ERR_FENCED) {
		fflush(stdout);
		exit(ztp_out_status(status));
	}
}

static enum ztp_rec_fmt recfmt(void)
{
	return out == OUT_JSON ? ZTP_REC_JSON : ZTP_REC_YAML;
}

static void print_rec(const struct ztp_val *rec)
{
	struct ztp_err e;

	if (ztp_rec_print(stdout, rec, recfmt(), &e) < 0)
		fail(&e);
}

static void age(time_t t, char *buf, size_t n)
{
	long long d = (long long)(time(NULL) - t);

	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(buf, n, "%llds", d);
	else if (d < 7200)
		snprintf(buf, n, "%lldm", d / 60);
	else if (d < 172800)
		snprintf(buf, n, "%lldh", d / 3600);
	else
		snprintf(buf, n, "%lldd", d / 86400);
}

/* one JSON object per line (for jq); o is consumed */
static void json_line(struct ztp_val *o)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	ztp_json_emit(&b, o, 0);
	printf("%s\n", b.p);
	ztp_buf_free(&b);
	ztp_val_unref(o);
}

/* The holder of a claimed record as JSON: {host, pid, since, expires}
 * (expires only for a pipeline's lease); NULL when unclaimed or unknown. */
static struct ztp_val *claim_json(const struct ztp_spool_ent *ent)
{
	struct ztp_val *o;
	char at[21];

	if (!ent->claimed || !ent->host[0])
		return NULL;
	o = ztp_val_map();
	ztp_map_set_str(o, "host", ent->host);
	ztp_map_set(o, "pid", ztp_val_int(ent->pid));
	if (ent->since) {
		ztp_time_iso(ent->since, at);
		ztp_map_set_str(o, "since", at);
	}
	if (ent->expires) {
		ztp_time_iso(ent->expires, at);
		ztp_map_set_str(o, "expires", at);
	}
	return o;
}

/* The holder for a text column: host:pid, or "-" */
static const char *claim_text(const struct ztp_spool_ent *ent, char *buf, size_t n)
{
	if (!ent->claimed || !ent->host[0])
		return "-";
	snprintf(buf, n, "%s:%ld", ztp_esc(ent->host), ent->pid);
	return buf;
}

/* ---- ls ---- */

static int ls_one(void *ctx, const struct ztp_spool_ent *ent)
{
	static const char *const keys[] = { "mac", "ip", "rack", "port", "vendor_class", NULL };
	static const char *const fkeys[] = { "vendor", "model", "serial", "version", NULL };
	struct ztp_val *rec = NULL, *facts, *err, *cl;
	struct ztp_err e;
	char a[32], who[100];
	int i;

	(void)ctx;
	if (ztp_spool_read(sp, ent, &rec, &e) < 0) {
		rec = NULL;
		if (e.code != ZTP_ERR_PARSE && e.code != ZTP_ERR_LIMIT)
			return 0;	/* moved meanwhile */
	}
	age(ent->mtime, a, sizeof a);
	if (out == OUT_JSON) {
		struct ztp_val *o = ztp_val_map();

		ztp_map_set_str(o, "id", ent->id);
		ztp_map_set_str(o, "stage", ent->stage);
		ztp_map_set(o, "claimed", ztp_val_bool(ent->claimed));
		if ((cl = claim_json(ent)) != NULL)
			ztp_map_set(o, "claim", cl);
		ztp_map_set(o, "age", ztp_val_int((long long)(time(NULL) - ent->mtime)));
		ztp_map_set_str(o, "path", ent->path);
		for (i = 0; keys[i]; i++)
			if (ztp_map_get(rec, keys[i]))
				ztp_map_set(o, keys[i], ztp_val_ref(ztp_map_get(rec, keys[i])));
		if ((facts = ztp_map_get(rec, "facts")) != NULL)
			ztp_map_set(o, "facts", ztp_val_ref(facts));
		if ((err = ztp_map_get(rec, "error")) != NULL)
			ztp_map_set(o, "error", ztp_val_ref(err));
		json_line(o);
		ztp_val_unref(rec);
		return 0;
	}
	printf("%-20s %-10s %5s%s", ztp_esc(ent->id), ent->stage, a,
	       ent->leased ? " leased " : ent->claimed ? " claimed" : "        ");
	if (ent->claimed && ent->host[0])
		printf(" by=%s", claim_text(ent, who, sizeof who));
	for (i = 0; rec && keys[i]; i++)
		if (ztp_map_str(rec, keys[i]))
			printf(" %s=%s", keys[i], ztp_esc(ztp_map_str(rec, keys[i])));
	facts = ztp_map_get(rec, "facts");
	for (i = 0; facts && fkeys[i]; i++)
		if (ztp_map_str(facts, fkeys[i]))
			printf(" %s=%s", fkeys[i], ztp_esc(ztp_map_str(facts, fkeys[i])));
	if ((err = ztp_map_get(rec, "error")) != NULL && ztp_map_str(err, "kind"))
		printf(" error=%s", ztp_esc(ztp_map_str(err, "kind")));
	if (rec == NULL)
		printf(" unreadable");
	putchar('\n');
	ztp_val_unref(rec);
	return 0;
}

static void cmd_ls(int argc, char **argv)
{
	struct ztp_err e;
	int i;

	if (argc == 0 && ztp_spool_list(sp, NULL, ls_one, NULL, &e) < 0)
		fail(&e);
	for (i = 0; i < argc; i++)
		if (ztp_spool_list(sp, argv[i], ls_one, NULL, &e) < 0)
			fail(&e);
}

/* ---- status: devices per stage, and why each failed one is there ---- */

struct status_ctx {
	const struct ztp_conf *conf;
	int count[8];
	struct ztp_buf failed;	/* text: the failed records' details */
};

/* The ztp.yml lines of a kexcheck diagnosis ("or in ztp.yml:" and the
 * block under it) on one line, for status: "in ztp.yml, devices.r1.ssh:
 * kex_algorithms: '+...', hostkey_algorithms: '+ssh-rsa'"; -1 when the
 * fix has no such block. */
static int fix_in_conf(struct ztp_buf *b, const char *fix)
{
	const char *p = strstr(fix, "or in ztp.yml:\n"), *eol;
	char path[8][128];
	size_t ind[8], depth = 0, base = (size_t)-1, leaves = 0;

	if (p == NULL)
		return -1;
	for (p = strchr(p, '\n') + 1; *p; p = *eol ? eol + 1 : eol) {
		size_t n, k = strspn(p, " ");
		const char *colon;

		eol = p + strcspn(p, "\n");
		n = (size_t)(eol - p);
		if (base == (size_t)-1)
			base = k;
		if (k < base || k == n)
			break;
		colon = memchr(p + k, ':', n - k);
		if (colon == NULL)
			break;
		while (depth > 0 && ind[depth - 1] >= k)
			depth--;
		if (colon + 1 == eol) {
			if (depth == sizeof path / sizeof path[0])
				return -1;
			snprintf(path[depth], sizeof path[depth], "%.*s", (int)(colon - p - k), p + k);
			ind[depth++] = k;
			continue;
		}
		if (leaves++ == 0) {
			ztp_buf_adds(b, "in ztp.yml, ");
			for (size_t d = 0; d < depth; d++)
				ztp_buf_addf(b, "%s%s", d ? "." : "", path[d]);
			ztp_buf_adds(b, ": ");
		} else
			ztp_buf_adds(b, ", ");
		ztp_escape(b, p + k, n - k);
	}
	return leaves ? 0 : -1;
}

static int status_one(void *ctx, const struct ztp_spool_ent *ent)
{
	struct status_ctx *st = ctx;
	struct ztp_val *rec = NULL, *facts, *err, *cl;
	const char *rack, *port, *where;
	char a[32], rp[160], why[200], who[100];
	time_t when = 0;
	int i, due = -1;

	for (i = 0; ztp_spool_stages[i]; i++)
		if (strcmp(ent->stage, ztp_spool_stages[i]) == 0)
			st->count[i]++;
	if (ztp_spool_read(sp, ent, &rec, NULL) < 0)
		rec = NULL;
	facts = ztp_map_get(rec, "facts");
	err = ztp_map_get(rec, "error");
	if (err)
		due = ztp_retry_due(rec, ent->mtime, time(NULL), &st->conf->flow, &when, why, sizeof why);
	if (out == OUT_JSON) {
		struct ztp_val *o = rec ? ztp_val_copy(rec) : ztp_val_map();

		ztp_map_del(o, "history");
		ztp_map_set_str(o, "id", ent->id);
		ztp_map_set_str(o, "stage", ent->stage);
		ztp_map_set(o, "claimed", ztp_val_bool(ent->claimed));
		ztp_map_del(o, "claim");
		if ((cl = claim_json(ent)) != NULL)
			ztp_map_set(o, "claim", cl);
		ztp_map_set(o, "age", ztp_val_int((long long)(time(NULL) - ent->mtime)));
		if (err) {
			struct ztp_val *r = ztp_val_map();

			ztp_map_set(r, "automatic", ztp_val_bool(due >= 0));
			if (due >= 0)
				ztp_map_set(r, "in", ztp_val_int(due ? 0 : (long long)(when - time(NULL))));
			ztp_map_set_str(r, "why", why);
			ztp_map_set(o, "retry", r);
		}
		json_line(o);
		ztp_val_unref(rec);
		return 0;
	}
	age(ent->mtime, a, sizeof a);
	rack = ztp_map_str(rec, "rack");
	port = ztp_map_str(rec, "port");
	snprintf(rp, sizeof rp, "%s%s%s", rack ? rack : "-", port ? "/" : "", port ? port : "");
	printf("%-22s %-10s %5s%s %-18s %-20s %-20s %-20s %s\n", ztp_esc(ent->id), ent->stage, a,
	       ent->claimed ? "*" : " ", claim_text(ent, who, sizeof who), ztp_esc(rp),
	       ztp_map_str(facts, "model") ? ztp_esc(ztp_map_str(facts, "model")) : "-",
	       ztp_map_str(facts, "serial") ? ztp_esc(ztp_map_str(facts, "serial")) : "-",
	       err && ztp_map_str(err, "kind") ? ztp_esc(ztp_map_str(err, "kind")) : "");
	if (err) {
		const char *fix = ztp_map_str(err, "fix");

		where = ztp_map_str(err, "stage");
		ztp_buf_addf(&st->failed, "%s (%s%s%s): %s\n", ztp_esc(ent->id),
			     ztp_map_str(err, "tool") ? ztp_esc(ztp_map_str(err, "tool")) : "?",
			     where ? ", from " : "", where ? ztp_esc(where) : "",
			     ztp_map_str(err, "message") ? ztp_esc(ztp_map_str(err, "message")) : "");
		if (fix && *fix) {
			struct ztp_buf f = ZTP_BUF_INIT;
			size_t n = strcspn(fix, "\n");

			if (fix_in_conf(&f, fix) < 0)
				ztp_escape(&f, fix, n);
			ztp_buf_addf(&st->failed, "    fix: %s%s\n", f.p ? f.p : "",
				     fix[n] ? " (more: ztp-flow show)" : "");
			ztp_buf_free(&f);
		}
		if (due == 1)
			ztp_buf_addf(&st->failed, "    retry: due now (%s)\n", why);
		else if (due == 0)
			ztp_buf_addf(&st->failed, "    retry: in %llds (%s)\n",
				     (long long)(when - time(NULL)), why);
		else
			ztp_buf_addf(&st->failed, "    retry: not automatic: %s\n", why);
	}
	ztp_val_unref(rec);
	return 0;
}

static void cmd_status(const struct ztp_conf *conf)
{
	struct status_ctx st = { .conf = conf, .failed = ZTP_BUF_INIT };
	struct ztp_err e;
	int i;

	if (out != OUT_JSON)
		printf("%-22s %-10s %5s  %-18s %-20s %-20s %-20s %s\n", "ID", "STAGE", "AGE", "CLAIMED BY",
		       "RACK/PORT", "MODEL", "SERIAL", "ERROR");
	for (i = 0; ztp_spool_stages[i]; i++)
		if (ztp_spool_list(sp, ztp_spool_stages[i], status_one, &st, &e) < 0)
			fail(&e);
	if (out != OUT_JSON) {
		printf("\n");
		for (i = 0; ztp_spool_stages[i]; i++)
			printf("%s%s %d", i ? ", " : "", ztp_spool_stages[i], st.count[i]);
		printf(" (* claimed, by host:pid)\n");
		if (st.failed.len)
			printf("\n%s", st.failed.p);
	}
	ztp_buf_free(&st.failed);
}

/* ---- notify: stage changes to the hooks and the backend ---- */

static void notify_log(void *ctx, int ok, const char *msg)
{
	(void)ctx;
	if (ok)
		ztp_info("%s", msg);
	else
		ztp_log(ZTP_LOG_ERR, "%s", msg);
}

static void cmd_notify(const struct ztp_conf *conf)
{
	struct ztp_events_count n;
	struct ztp_err e;
	double secs = conf->backend.timeout > 0 ? 2.0 * (double)conf->backend.timeout : 20;

	if (ztp_events_deliver(ztp_spool_dir(sp), conf, secs, notify_log, NULL, &n, &e) < 0) {
		fail(&e);
		return;
	}
	if (n.busy) {
		/* the passes of several hosts take turns: the other delivers */
		ztp_log(ZTP_LOG_INFO, "another process is delivering this spool's events: left to it");
		return;
	}
	if (n.hook_failures)
		worse(ZTP_EXIT_NEGATIVE);
	if (n.pending) {
		ztp_log(ZTP_LOG_ERR, "%zu notification%s not delivered yet: tried again at the next run",
			n.pending, n.pending == 1 ? "" : "s");
		worse(ZTP_EXIT_TEMPFAIL);
	}
	if (!quiet && n.events)
		fprintf(stderr, "%s: %zu stage change%s: %zu hook run%s (%zu failed)%s\n", ztp_progname(),
			n.events, n.events == 1 ? "" : "s", n.hook_runs, n.hook_runs == 1 ? "" : "s",
			n.hook_failures, conf->backend.url ? ", queued for the backend" : "");
}

/* ---- show ---- */

/* The transcripts of a record: log/<id>.log, and those written under
 * the id it had before its id became its serial, each after a header
 * line; escaped again as they are shown (a transcript written by an
 * older ztp may hold the device's escape sequences raw). */
static void show_log(const struct ztp_spool_ent *ent, const struct ztp_val *rec)
{
	char mac[18], path[4096];
	const char *ids[2] = { ent->id, ztp_rec_mac_alias(rec, mac) };
	int i, found = 0;

	for (i = 0; i < 2; i++) {
		struct ztp_buf raw = ZTP_BUF_INIT, b = ZTP_BUF_INIT;
		struct ztp_err e;

		if (ids[i] == NULL || (i == 1 && strcmp(ids[1], ids[0]) == 0))
			continue;
		snprintf(path, sizeof path, "%s/log/%s.log", ztp_spool_dir(sp), ids[i]);
		if (access(path, F_OK) != 0)
			continue;
		found = 1;
		if (ztp_buf_read_file(&raw, path, (size_t)64 << 20, &e) < 0) {
			fail(&e);
			continue;
		}
		ztp_buf_addf(&b, "### transcript %s\n", path);
		ztp_escape_text(&b, raw.p ? raw.p : "", raw.len);
		if (b.len && b.p[b.len - 1] != '\n')
			ztp_buf_addc(&b, '\n');
		if (ztp_write_all(1, b.p, b.len) < 0)
			worse(ZTP_EXIT_TEMPFAIL);
		ztp_buf_free(&raw);
		ztp_buf_free(&b);
	}
	if (!found)
		ztp_log(ZTP_LOG_WARN, "%s: no transcript in %s/log (no session yet)", ent->id,
			ztp_spool_dir(sp));
}

static void cmd_show(int argc, char **argv, int log)
{
	struct ztp_spool_ent ent;
	struct ztp_val *rec;
	struct ztp_err e;
	int i;

	if (argc == 0)
		usage(ZTP_EXIT_USAGE);
	for (i = 0; i < argc; i++) {
		if (ztp_spool_locate(sp, argv[i], &ent, &e) < 0 ||
		    ztp_spool_read(sp, &ent, &rec, &e) < 0) {
			fail(&e);
			continue;
		}
		if (log) {
			show_log(&ent, rec);
			ztp_val_unref(rec);
			continue;
		}
		if (out == OUT_TEXT && !quiet && isatty(1))
			fprintf(stderr, "# %s: %s%s\n", ent.id, ent.stage,
				ent.claimed ? " (claimed)" : "");
		print_rec(rec);
		ztp_val_unref(rec);
	}
}

/* ---- put / commit ---- */

struct store {
	const char *stage;
	int commit;
	int n;
	int stopped;		/* fenced: touch the spool no more */
};

/* Commit a record a take printed, under the claim its token names.  When
 * the claim is gone, look where the record is before doing anything: a
 * commit whose rename failed on a network filesystem may have happened
 * (then the record is in stage to: 1), else it is not ours to move. */
static int commit_token(struct ztp_val *rec, const char *tok, const char *to,
			struct ztp_err *e)
{
	struct ztp_spool_ent ent;
	struct ztp_claim *c;
	const char *id = ztp_rec_id(rec);
	int rc = ztp_spool_claim_token(sp, id, tok, &c, e);

	if (rc == 0) {
		if ((rc = ztp_claim_commit(c, to, rec, e)) < 0)
			ztp_claim_abandon(c);
		return rc;
	}
	if (rc != ZTP_ERR_NOTFOUND)
		return rc;
	if (ztp_spool_locate(sp, id, &ent, NULL) < 0)
		return ztp_spool_put(sp, to, rec, e);	/* a new one (as without a token) */
	if (!ent.claimed && strcmp(ent.stage, to) == 0) {
		if (!quiet)
			ztp_warnx("%s: in '%s' already (an earlier commit went through): left as it is",
				 id, to);
		return 1;
	}
	return ztp_err_set(e, ZTP_ERR_BUSY, "cannot commit '%s' to '%s': its claim ended (the lease "
			   "expired or its holder was found dead) and the record is in '%s/%s' now: "
			   "left there, take it again", id, to, ztp_spool_dir(sp), ent.path);
}

static int store_one(void *ctx, struct ztp_val *rec, const struct ztp_err *bad)
{
	struct store *s = ctx;
	struct ztp_claim *c;
	struct ztp_err e;
	const char *token;
	char tok[ZTP_SPOOL_TOKEN_MAX + 1];
	int rc;

	if (bad) {
		fail(bad);
		return 0;
	}
	if (s->stopped)
		return 0;
	/* the claim a take printed: presented, never stored */
	token = ztp_map_str(ztp_map_get(rec, "claim"), "token");
	snprintf(tok, sizeof tok, "%s", token ? token : "");
	ztp_map_del(rec, "claim");
	if (!s->commit) {
		rc = ztp_spool_put(sp, s->stage, rec, &e);
	} else {
		/* a record that carries an error is a failed one (ztp-spool(5)),
		 * whatever stage the pipeline meant for the others */
		const char *to = ztp_map_get(rec, "error") ? "failed" : s->stage;

		if (to != s->stage && !quiet)
			ztp_info("%s: has an error: to failed, not %s", ztp_rec_id(rec), s->stage);
		if (*tok)
			rc = commit_token(rec, tok, to, &e);
		else {
			rc = ztp_spool_claim_id(sp, ztp_rec_id(rec), ZTP_ADOPT_LEASE, &c, &e);
			if (rc == ZTP_ERR_NOTFOUND)
				rc = ztp_spool_put(sp, to, rec, &e);
			else if (rc == 0 && (rc = ztp_claim_commit(c, to, rec, &e)) < 0)
				ztp_claim_abandon(c);
		}
	}
	if (rc == 1)
		return 0;	/* there already */
	if (rc < 0) {
		fail(&e);
		if (rc == ZTP_ERR_FENCED)
			s->stopped = 1;	/* the spool is not ours to touch now */
		return 0;
	}
	s->n++;
	if (!quiet && ztp_log_verbose())
		ztp_info("%s: %s", s->stage, ztp_rec_id(rec));
	return 0;
}

static void cmd_store(int argc, char **argv, int commit)
{
	struct store s = { NULL, commit, 0, 0 };
	int nbad;

	if (argc < 1)
		usage(ZTP_EXIT_USAGE);
	s.stage = argv[0];
	if (!ztp_spool_stage_valid(s.stage))
		ztp_die(ZTP_EXIT_USAGE, "unknown stage '%s' (stages: discovered probed configured done failed)",
			ztp_esc(s.stage));
	if (ztp_input_none(argc - 1))
		ztp_die(ZTP_EXIT_USAGE, "no records: give files or pipe records to stdin");
	ztp_input_records(argc - 1, argv + 1, store_one, &s, &nbad);
	if (!quiet && isatty(2))
		fprintf(stderr, "%s: %d record%s %s '%s'\n", ztp_progname(), s.n,
			s.n == 1 ? "" : "s", commit ? "committed to" : "put in", s.stage);
}

/* ---- take ---- */

static void cmd_take(int argc, char **argv, long long max, long long lease)
{
	struct ztp_claim *c;
	struct ztp_val *rec, *cl;
	struct ztp_err e;
	char tok[ZTP_SPOOL_TOKEN_MAX + 1], host[256], at[21];
	int n = 0, rc;

	if (argc != 1)
		usage(ZTP_EXIT_USAGE);
	/* one token names this take's claims for the commit that ends them */
	if (ztp_spool_token(tok, sizeof tok) < 0)
		ztp_die(ZTP_EXIT_TEMPFAIL, "cannot make a claim token");
	if (gethostname(host, sizeof host) < 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	while (max < 0 || n < max) {
		rc = ztp_spool_claim(sp, argv[0], &c, &e);
		if (rc == ZTP_ERR_NOTFOUND)
			break;
		if (rc < 0) {
			fail(&e);
			if (rc == ZTP_ERR_PARSE)
				continue;	/* moved aside; go on */
			break;
		}
		/* the lease is on disk before the record reaches anyone:
		 * a record that cannot be leased (a full disk) goes back to
		 * its stage unprinted, and nothing more is taken */
		rec = ztp_val_copy(ztp_claim_record(c));
		if (ztp_claim_lease(c, (long)lease, tok, &e) < 0) {
			char id[ZTP_ID_MAX + 1];

			snprintf(id, sizeof id, "%s", ztp_claim_id(c));
			ztp_log(ZTP_LOG_ERR, "cannot take '%s' from '%s/%s': %s (left there; "
				"nothing more taken)", id, ztp_spool_dir(sp), argv[0], e.msg);
			worse(ztp_err_exit_status(e.code));
			if (ztp_claim_release(c, NULL, &e) < 0) {
				fail(&e);
				ztp_claim_abandon(c);	/* recovered by the next claim */
			}
			ztp_val_unref(rec);
			break;
		}
		cl = ztp_val_map();
		ztp_map_set_str(cl, "token", tok);
		ztp_map_set_str(cl, "host", host);
		ztp_map_set(cl, "pid", ztp_val_int((long long)getpid()));
		ztp_time_iso(time(NULL), at);
		ztp_map_set_str(cl, "since", at);
		ztp_time_iso(time(NULL) + (time_t)lease, at);
		ztp_map_set_str(cl, "expires", at);
		ztp_map_set(rec, "claim", cl);
		print_rec(rec);
		fflush(stdout);
		ztp_val_unref(rec);
		n++;
	}
}

/* ---- release / retry / rm ---- */

static void retry_one(struct ztp_claim *c, const char *result, const char *detail);

static void cmd_byid(int argc, char **argv, const char *what, const char *token)
{
	struct ztp_claim *c;
	struct ztp_err e;
	int i;

	if (argc == 0)
		usage(ZTP_EXIT_USAGE);
	for (i = 0; i < argc; i++) {
		if (strcmp(what, "rm") == 0) {
			if (ztp_spool_remove(sp, argv[i], &e) < 0)
				fail(&e);
			continue;
		}
		if (token ? ztp_spool_claim_token(sp, argv[i], token, &c, &e) < 0 :
		    ztp_spool_claim_id(sp, argv[i], strcmp(what, "release") == 0 ? ZTP_ADOPT_LEASE :
				       ZTP_ADOPT_DEAD, &c, &e) < 0) {
			fail(&e);
			continue;
		}
		if (strcmp(what, "release") == 0) {
			if (ztp_claim_release(c, NULL, &e) < 0) {
				fail(&e);
				ztp_claim_abandon(c);
			}
			continue;
		}
		if (strcmp(what, "retry") == 0)
			retry_one(c, "retry", NULL);
	}
}

/* A claimed failed record back to the stage that failed, with a history
 * entry of result ("retry" by hand, "auto-retry" when due) */
static void retry_one(struct ztp_claim *c, const char *result, const char *detail)
{
	struct ztp_val *rec = ztp_val_copy(ztp_claim_record(c));
	struct ztp_val *err = ztp_map_get(rec, "error");
	const char *to = err ? ztp_map_str(err, "stage") : NULL;
	struct ztp_err e;
	char dest[16];

	if (strcmp(ztp_claim_stage(c), "failed") != 0) {
		ztp_err_set(&e, ZTP_ERR_USAGE, "record '%s' is in '%s', not in 'failed'",
			    ztp_claim_id(c), ztp_claim_stage(c));
		fail(&e);
		ztp_claim_release(c, NULL, NULL);
		ztp_val_unref(rec);
		return;
	}
	if (to == NULL || !ztp_spool_stage_valid(to) || strcmp(to, "failed") == 0)
		to = "discovered";
	snprintf(dest, sizeof dest, "%s", to);
	ztp_map_del(rec, "error");
	ztp_rec_history(rec, "ztp-spool", dest, result, detail);
	if (ztp_claim_commit(c, dest, rec, &e) < 0) {
		fail(&e);
		ztp_claim_abandon(c);
	} else if (!quiet && (isatty(2) || detail))
		fprintf(stderr, "%s: %s back to '%s'%s%s\n", ztp_progname(), ztp_rec_id(rec), dest,
			detail ? ": " : "", detail ? detail : "");
	ztp_val_unref(rec);
}

/* retry --due: the failed records whose retry time has come (retry.h) */
struct due_ctx {
	const struct ztp_conf_flow *flow;
	time_t now;
	char **ids;
	size_t n;
};

static int due_one(void *ctx, const struct ztp_spool_ent *ent)
{
	struct due_ctx *d = ctx;
	struct ztp_val *rec;
	time_t when;
	char why[200];

	if (ent->claimed || ztp_spool_read(sp, ent, &rec, NULL) < 0)
		return 0;
	if (ztp_retry_due(rec, ent->mtime, d->now, d->flow, &when, why, sizeof why) == 1) {
		d->ids = ztp_xrealloc(d->ids, d->n + 1, sizeof *d->ids);
		d->ids[d->n++] = ztp_xstrdup(ent->id);
	}
	ztp_val_unref(rec);
	return 0;
}

static void cmd_retry_due(const struct ztp_conf *conf)
{
	struct due_ctx d = { .flow = &conf->flow, .now = time(NULL) };
	struct ztp_claim *c;
	struct ztp_err e;
	size_t i;

	if (ztp_spool_list(sp, "failed", due_one, &d, &e) < 0)
		fail(&e);
	for (i = 0; i < d.n; i++) {
		if (ztp_spool_claim_id(sp, d.ids[i], 0, &c, &e) == 0) {
			char det[200];
			time_t when;

			/* decided again under the claim (the record may have
			 * changed since it was read); its time has come */
			if (ztp_retry_due(ztp_claim_record(c), 0, d.now, &conf->flow, &when,
					  det, sizeof det) < 1)
				ztp_claim_release(c, NULL, NULL);
			else
				retry_one(c, "auto-retry", det);
		}
		free(d.ids[i]);
	}
	free(d.ids);
}

/* move STAGE ID ...: by hand, wherever the records are (not claimed) */
static void cmd_move(int argc, char **argv)
{
	struct ztp_claim *c;
	struct ztp_err e;
	char det[64];
	int i;

	if (argc < 2)
		usage(ZTP_EXIT_USAGE);
	if (!ztp_spool_stage_valid(argv[0]) || strcmp(argv[0], "failed") == 0)
		ztp_die(ZTP_EXIT_USAGE, "cannot move records to '%s': a stage other than failed",
			ztp_esc(argv[0]));
	for (i = 1; i < argc; i++) {
		struct ztp_val *rec;

		if (ztp_spool_claim_id(sp, argv[i], 0, &c, &e) < 0) {
			fail(&e);
			continue;
		}
		rec = ztp_val_copy(ztp_claim_record(c));
		snprintf(det, sizeof det, "moved by hand from %s", ztp_claim_stage(c));
		ztp_map_del(rec, "error");
		ztp_rec_history(rec, "ztp-spool", argv[0], "moved", det);
		if (ztp_claim_commit(c, argv[0], rec, &e) < 0) {
			fail(&e);
			ztp_claim_abandon(c);
		}
		ztp_val_unref(rec);
	}
}

static void cmd_recover(void)
{
	struct ztp_err e;
	int rec = 0, swept = 0;

	if (ztp_spool_recover(sp, &rec, &swept, &e) < 0)
		fail(&e);
	if (!quiet)
		printf("recovered %d claim%s, removed %d stale tmp file%s\n", rec,
		       rec == 1 ? "" : "s", swept, swept == 1 ? "" : "s");
}

struct mainopts {
	const char *cfile, *spooldir;
	const char *token;		/* release -k */
	long long max, lease;		/* take -n, -t */
	int printconf, verbose;
	int due;			/* retry --due */
	int log;			/* show --log */
	int shared;			/* init --shared */
};

/* the options before the command, and those after it (with take's own) */
static void options(int argc, char **argv, const char *optstr, struct mainopts *m)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ "due", no_argument, NULL, 'D' },
		{ "log", no_argument, NULL, 'L' },
		{ "shared", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, optstr, lopts, NULL)) != -1) {
		switch (ch) {
		case 'c': m->cfile = optarg; break;
		case 'D': m->due = 1; break;
		case 'L': m->log = 1; break;
		case 'S': m->shared = 1; break;
		case 'h': usage(0);
		case 'k':
			if (!*optarg || strlen(optarg) > ZTP_SPOOL_TOKEN_MAX || strpbrk(optarg, " \t\n"))
				ztp_die(ZTP_EXIT_USAGE, "bad -k '%s': a claim token as take printed it",
					ztp_esc(optarg));
			m->token = optarg;
			break;
		case 'n':
			if (ztp_parse_ll(optarg, 1, 1000000, &m->max) < 0)
				ztp_die(ZTP_EXIT_USAGE, "bad -n '%s': a number from 1 to 1000000", ztp_esc(optarg));
			break;
		case 'o':
			if (strcmp(optarg, "text") == 0) out = OUT_TEXT;
			else if (strcmp(optarg, "yaml") == 0) out = OUT_YAML;
			else if (strcmp(optarg, "json") == 0) out = OUT_JSON;
			else ztp_die(ZTP_EXIT_USAGE, "bad -o '%s': text, yaml or json", ztp_esc(optarg));
			break;
		case 'q': quiet = 1; break;
		case 's': m->spooldir = optarg; break;
		case 't':
			if (ztp_parse_duration(optarg, &m->lease) < 0 || m->lease < 1)
				ztp_die(ZTP_EXIT_USAGE, "bad -t '%s': a duration like 600, 10m or 1h", ztp_esc(optarg));
			break;
		case 'T': m->printconf = 1; break;
		case 'v': m->verbose++; break;
		case ZTP_OPT_VERSION: ztp_version("ztp-spool");
		default: usage(ZTP_EXIT_USAGE);
		}
	}
}

int main(int argc, char **argv)
{
	const char *cmd;
	struct mainopts m = { .max = -1, .lease = 3600 };
	struct ztp_conf *conf;
	struct ztp_err e;

	ztp_log_open(argv[0], 0);
	options(argc, argv, "+c:ho:qs:Tv", &m);
	argc -= optind;
	argv += optind;
	if (argc >= 1) {
		/* options after the command too ("show r1 r2 -o json"); argv[0],
		 * the command, stands where getopt expects the program name */
		cmd = argv[0];
		optind = 0;	/* GNU getopt: start afresh */
		options(argc, argv, strcmp(cmd, "take") == 0 ? "c:hn:o:qs:t:Tv" :
			strcmp(cmd, "release") == 0 ? "c:hk:o:qs:Tv" : "c:ho:qs:Tv", &m);
		argv[optind - 1] = argv[0];
		argv += optind - 1;
		argc -= optind - 1;
	}
	ztp_log_verbosity(m.verbose);
	if (m.log && (argc < 1 || strcmp(argv[0], "show") != 0)) {
		ztp_log(ZTP_LOG_ERR, "--log goes with show (ztp-spool show --log ID)");
		usage(ZTP_EXIT_USAGE);
	}
	if (m.shared && (argc != 1 || strcmp(argv[0], "init") != 0)) {
		ztp_log(ZTP_LOG_ERR, "--shared goes with init alone (ztp-spool init --shared)");
		usage(ZTP_EXIT_USAGE);
	}
	if (m.due && (argc != 1 || strcmp(argv[0], "retry") != 0)) {
		ztp_log(ZTP_LOG_ERR, "--due goes with retry alone (ztp-spool retry --due)");
		usage(ZTP_EXIT_USAGE);
	}
	if (ztp_conf_open(&conf, m.cfile, m.printconf ? ZTP_CHECK_FILES : 0, &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	if (m.spooldir)
		ztp_conf_set_spool(conf, m.spooldir);
	if (m.printconf) {
		status = ztp_print_conf(conf, NULL, NULL);
		ztp_conf_free(conf);
		return ztp_out_status(status);
	}
	if (argc < 1)
		usage(ZTP_EXIT_USAGE);
	cmd = argv[0];
	argc--;
	argv++;
	if (ztp_spool_open(&sp, conf->spool, (m.shared ? ZTP_SPOOL_SHARED : 0) |
			   ztp_conf_spool_flags(conf) |
			   (strcmp(cmd, "init") == 0 ? ZTP_SPOOL_CREATE : 0), &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	if (strcmp(cmd, "init") == 0) {
		if (argc)
			usage(ZTP_EXIT_USAGE);
	} else if (strcmp(cmd, "ls") == 0)
		cmd_ls(argc, argv);
	else if (strcmp(cmd, "show") == 0)
		cmd_show(argc, argv, m.log);
	else if (strcmp(cmd, "put") == 0)
		cmd_store(argc, argv, 0);
	else if (strcmp(cmd, "commit") == 0)
		cmd_store(argc, argv, 1);
	else if (strcmp(cmd, "take") == 0)
		cmd_take(argc, argv, m.max, m.lease);
	else if (strcmp(cmd, "retry") == 0 && m.due && argc == 0)
		cmd_retry_due(conf);
	else if (strcmp(cmd, "notify") == 0 && argc == 0)
		cmd_notify(conf);
	else if (strcmp(cmd, "status") == 0 && argc == 0)
		cmd_status(conf);
	else if (strcmp(cmd, "move") == 0)
		cmd_move(argc, argv);
	else if (strcmp(cmd, "release") == 0 || strcmp(cmd, "retry") == 0 ||
		 strcmp(cmd, "rm") == 0)
		cmd_byid(argc, argv, cmd, m.token);
	else if (strcmp(cmd, "recover") == 0 && argc == 0)
		cmd_recover();
	else {
		static const char *const cmds[] = { "init", "ls", "show", "put", "take", "commit",
			"release", "retry", "move", "status", "notify", "recover", "rm", NULL };
		const char *d = ztp_did_you_mean(cmd, cmds);

		ztp_log(ZTP_LOG_ERR, "unknown command '%s'%s%s%s", ztp_esc(cmd),
			d ? " (did you mean '" : "", d ? d : "", d ? "'?)" : "");
		usage(ZTP_EXIT_USAGE);
	}
	ztp_spool_close(sp);
	ztp_conf_free(conf);
	return ztp_out_status(status);
}
