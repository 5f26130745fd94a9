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
#include "input.h"
#include "log.h"
#include "opts.h"
#include "record.h"
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
	    "  init                       create the spool directories\n"
	    "  ls [stage ...]             one line per record (stages, or bad)\n"
	    "  show id ...                print records\n"
	    "  put stage [file | -] ...   add new records to stage\n"
	    "  take [-n max] [-t lease] stage  claim records and print them for a pipeline\n"
	    "  commit stage [file | -] ...  store records in stage, ending their claims\n"
	    "  release id ...             give claimed records back to their stage\n"
	    "  retry id ...               move failed records back to the stage that failed\n"
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

/* ---- ls ---- */

static int ls_one(void *ctx, const struct ztp_spool_ent *ent)
{
	static const char *const keys[] = { "mac", "ip", "rack", "port", "vendor_class", NULL };
	static const char *const fkeys[] = { "vendor", "model", "serial", "version", NULL };
	struct ztp_val *rec = NULL, *facts, *err;
	struct ztp_err e;
	char a[32];
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
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_map_set_str(o, "id", ent->id);
		ztp_map_set_str(o, "stage", ent->stage);
		ztp_map_set(o, "claimed", ztp_val_bool(ent->claimed));
		ztp_map_set(o, "age", ztp_val_int((long long)(time(NULL) - ent->mtime)));
		ztp_map_set_str(o, "path", ent->path);
		for (i = 0; keys[i]; i++)
			if (ztp_map_get(rec, keys[i]))
				ztp_map_set(o, keys[i], ztp_val_ref(ztp_map_get(rec, keys[i])));
		if ((facts = ztp_map_get(rec, "facts")) != NULL)
			ztp_map_set(o, "facts", ztp_val_ref(facts));
		if ((err = ztp_map_get(rec, "error")) != NULL)
			ztp_map_set(o, "error", ztp_val_ref(err));
		ztp_json_emit(&b, o, 0);
		printf("%s\n", b.p);
		ztp_buf_free(&b);
		ztp_val_unref(o);
		ztp_val_unref(rec);
		return 0;
	}
	printf("%-20s %-10s %5s%s", ztp_esc(ent->id), ent->stage, a,
	       ent->leased ? " leased " : ent->claimed ? " claimed" : "        ");
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

/* ---- show ---- */

static void cmd_show(int argc, char **argv)
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
};

static int store_one(void *ctx, struct ztp_val *rec, const struct ztp_err *bad)
{
	struct store *s = ctx;
	struct ztp_claim *c;
	struct ztp_err e;
	int rc;

	if (bad) {
		fail(bad);
		return 0;
	}
	if (!s->commit) {
		rc = ztp_spool_put(sp, s->stage, rec, &e);
	} else {
		rc = ztp_spool_claim_id(sp, ztp_rec_id(rec), 1, &c, &e);
		if (rc == ZTP_ERR_NOTFOUND)
			rc = ztp_spool_put(sp, s->stage, rec, &e);
		else if (rc == 0 && (rc = ztp_claim_commit(c, s->stage, rec, &e)) < 0)
			ztp_claim_abandon(c);
	}
	if (rc < 0) {
		fail(&e);
		return 0;
	}
	s->n++;
	if (!quiet && ztp_log_verbose())
		ztp_info("%s: %s", s->stage, ztp_rec_id(rec));
	return 0;
}

static void cmd_store(int argc, char **argv, int commit)
{
	struct store s = { NULL, commit, 0 };
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
	struct ztp_err e;
	int n = 0, rc;

	if (argc != 1)
		usage(ZTP_EXIT_USAGE);
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
		/* the lease is on disk before the record reaches anyone */
		print_rec(ztp_claim_record(c));
		fflush(stdout);
		if (ztp_claim_lease(c, (long)lease, &e) < 0) {
			fail(&e);
			ztp_claim_abandon(c);
			continue;
		}
		n++;
	}
}

/* ---- release / retry / rm ---- */

static void cmd_byid(int argc, char **argv, const char *what)
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
		if (ztp_spool_claim_id(sp, argv[i], 1, &c, &e) < 0) {
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
		/* retry */
		{
			struct ztp_val *rec = ztp_val_copy(ztp_claim_record(c));
			struct ztp_val *err = ztp_map_get(rec, "error");
			const char *to = err ? ztp_map_str(err, "stage") : NULL;
			char dest[16];

			if (strcmp(ztp_claim_stage(c), "failed") != 0) {
				ztp_err_set(&e, ZTP_ERR_USAGE, "record '%s' is in '%s', not in 'failed'",
					    argv[i], ztp_claim_stage(c));
				fail(&e);
				ztp_claim_release(c, NULL, NULL);
				ztp_val_unref(rec);
				continue;
			}
			if (to == NULL || !ztp_spool_stage_valid(to) || strcmp(to, "failed") == 0)
				to = "discovered";
			snprintf(dest, sizeof dest, "%s", to);
			ztp_map_del(rec, "error");
			ztp_rec_history(rec, "ztp-spool", dest, "retry", NULL);
			if (ztp_claim_commit(c, dest, rec, &e) < 0) {
				fail(&e);
				ztp_claim_abandon(c);
			} else if (!quiet && isatty(2))
				fprintf(stderr, "%s: %s back to '%s'\n", ztp_progname(), argv[i], dest);
			ztp_val_unref(rec);
		}
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
	long long max, lease;		/* take -n, -t */
	int printconf, verbose;
};

/* the options before the command, and those after it (with take's own) */
static void options(int argc, char **argv, const char *optstr, struct mainopts *m)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, optstr, lopts, NULL)) != -1) {
		switch (ch) {
		case 'c': m->cfile = optarg; break;
		case 'h': usage(0);
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
	struct mainopts m = { NULL, NULL, -1, 3600, 0, 0 };
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
		options(argc, argv, strcmp(cmd, "take") == 0 ? "c:hn:o:qs:t:Tv" : "c:ho:qs:Tv", &m);
		argv[optind - 1] = argv[0];
		argv += optind - 1;
		argc -= optind - 1;
	}
	ztp_log_verbosity(m.verbose);
	if (ztp_conf_load(&conf, m.cfile, &e) < 0)
		ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
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
	if (ztp_spool_open(&sp, conf->spool, strcmp(cmd, "init") == 0, &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	if (strcmp(cmd, "init") == 0) {
		if (argc)
			usage(ZTP_EXIT_USAGE);
	} else if (strcmp(cmd, "ls") == 0)
		cmd_ls(argc, argv);
	else if (strcmp(cmd, "show") == 0)
		cmd_show(argc, argv);
	else if (strcmp(cmd, "put") == 0)
		cmd_store(argc, argv, 0);
	else if (strcmp(cmd, "commit") == 0)
		cmd_store(argc, argv, 1);
	else if (strcmp(cmd, "take") == 0)
		cmd_take(argc, argv, m.max, m.lease);
	else if (strcmp(cmd, "release") == 0 || strcmp(cmd, "retry") == 0 ||
		 strcmp(cmd, "rm") == 0)
		cmd_byid(argc, argv, cmd);
	else if (strcmp(cmd, "recover") == 0 && argc == 0)
		cmd_recover();
	else {
		static const char *const cmds[] = { "init", "ls", "show", "put", "take", "commit",
			"release", "retry", "recover", "rm", NULL };
		const char *d = ztp_did_you_mean(cmd, cmds);

		ztp_log(ZTP_LOG_ERR, "unknown command '%s'%s%s%s", ztp_esc(cmd),
			d ? " (did you mean '" : "", d ? d : "", d ? "'?)" : "");
		usage(ZTP_EXIT_USAGE);
	}
	ztp_spool_close(sp);
	ztp_conf_free(conf);
	return ztp_out_status(status);
}
