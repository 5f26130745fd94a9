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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "confcheck.h"
#include "facts.h"
#include "fleet.h"
#include "log.h"
#include "opts.h"
#include "spool.h"
#include "str.h"
#include "yml.h"

#define MAX_FILES 64

struct input {
	const char *cmd;	/* NULL: recognise it */
	char *cmdbuf;
	const char *path;
	struct ztp_buf text;
};

/* -h: on stdout, exit 0; a usage error: on stderr, exit 2 */
static void usage(int status) __attribute__((noreturn));
static void usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f,
	    "usage: ztp-probe [-v] [-o json|yaml] [-P platform|auto] -r [command=]file [-r ...]\n"
	    "       ztp-probe [-v] [-c ztp.yml] [-d seconds] [-F ssh_config] [-J jump] [-j N]\n"
	    "                 [-o json|yaml] [-P platform] [--preflight]\n"
	    "                 host ... | - | --spool [--check]\n"
	    "       ztp-probe -T [-c ztp.yml] [-d seconds] [-F ssh_config] [-J jump] [-j N]\n"
	    "                 [-P platform]\n"
	    "       ztp-probe -h | --version\n"
	    "platforms: auto");
	for (size_t i = 0; ztp_facts_platforms[i]; i++)
		fprintf(f, " %s", ztp_facts_platforms[i]);
	fprintf(f, "\n");
	exit(status ? status : ztp_out_status(0));
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

struct probe_arg {
	const char *platform;	/* forced, or NULL */
	int check;		/* --check: the device must be the record's */
};

/* the job of one device, in its worker process: rec gets facts and
 * platform */
static int probe_job(void *arg, const struct ztp_fleet_ctx *F, struct ztp_val *rec,
		     struct ztp_val *res)
{
	const struct probe_arg *pa = arg;
	const char *forced = pa->platform, *platform;
	struct ztp_fleet_dev d;
	struct ztp_val *facts = NULL;
	struct ztp_err e;
	char detail[256];
	size_t i = 0, parsed = 0;
	int rc = -1, r;

	if (ztp_fleet_dev_open(&d, F, rec, forced, "ztp-probe", res) < 0)
		goto out;
	platform = d.platform;
	facts = ztp_facts_new();
	r = ztp_fleet_facts(d.cli, platform, facts, &parsed, &i, &e);
	if (r < 0) {
		ztp_fleet_fail(res, r == ZTP_ERR_TIMEOUT ? "timeout" : r == ZTP_ERR_USAGE ? "refused" :
			       r == ZTP_ERR_LIMIT ? "limit" : r == ZTP_ERR_PARSE ? "parse" : "closed",
			       "%s", e.msg);
		goto out;
	}
	if (pa->check) {
		const char *was = ztp_map_str(ztp_map_get(rec, "facts"), "serial");
		const char *now = ztp_map_str(facts, "serial");

		if (was && (now == NULL || strcmp(was, now) != 0)) {
			ztp_fleet_fail(res, "identity", "a different device answers at this address: "
				       "serial %s, where the record has %s", now ? ztp_esc(now) : "(none)",
				       ztp_esc(was));
			goto out;
		}
	}
	ztp_map_set(rec, "facts", ztp_val_ref(facts));
	if (ztp_map_get(rec, "platform") == NULL || forced)
		ztp_map_set_str(rec, "platform", platform);
	snprintf(detail, sizeof detail, "%s, %zu of %zu outputs parsed%s", platform, parsed, i,
		 ztp_cli_paging_off(d.cli) ? "" : ", pager answered");
	ztp_map_set_str(res, "detail", detail);
	rc = 0;
out:
	if (rc == 0)
		ztp_tlog_note(&d.tl, "ztp-probe: done: %s", detail);
	else
		ztp_tlog_note(&d.tl, "ztp-probe: failed: %s\n%s", ztp_map_str(res, "kind"),
			      ztp_map_str(res, "message"));
	ztp_val_unref(facts);
	ztp_fleet_dev_close(&d);
	return rc;
}

/* -T: the effective configuration (ztp.yml as loaded), then what this
 * run would do, as YAML comments so that the output stays a loadable
 * ztp.yml: workers, deadline, platform, command-line SSH settings, where
 * transcripts go, and the credential sets in the order they are tried, by
 * name and user.  No secret is ever printed: passwords and the enable
 * secret only as "set". */
struct probe_T {
	const struct ztp_fleet_opts *fo;
	const char *platform;
};

static int probe_conf_more(void *arg, const struct ztp_conf *conf, struct ztp_buf *b)
{
	const struct probe_T *T = arg;
	const struct ztp_sshset_cli *cli = &T->fo->cli;
	struct ztp_val *secrets = NULL, *creds, *en;
	const struct ztp_val *named;
	struct ztp_err e;
	int enable = 0;
	size_t k, n = 0, ntry;

	ztp_buf_addf(b, "# ztp-probe: jobs %lld, device deadline %llds, platform %s\n", T->fo->jmax,
		     T->fo->deadline,
		     T->platform ? ztp_esc(T->platform) : "auto (prompt, SSH banner, show version)");
	ztp_buf_addf(b, "# ztp-probe: ssh_config %s, jump %s\n",
		     cli->config ? ztp_esc(cli->config) :
		     "(ztp.yml ssh.config, else ~/.ssh/config and /etc/ssh/ssh_config)",
		     cli->jump ? ztp_esc(cli->jump) : "(ztp.yml and ssh_config)");
	if (conf->spool)
		ztp_buf_addf(b, "# ztp-probe: transcripts %s/log\n", ztp_esc(conf->spool));
	else
		ztp_buf_adds(b, "# ztp-probe: transcripts none (no spool)\n");
	if (conf->secrets == NULL) {
		ztp_buf_adds(b, "# ztp-probe: credentials none (no secrets file): SSH keys and agent only\n");
		return 0;
	}
	if (ztp_secrets_load(conf, &secrets, &e) < 0) {
		ztp_buf_addf(b, "# ztp-probe: credentials unreadable: %s\n", ztp_esc(e.msg));
		return ztp_err_exit_status(e.code);
	}
	en = ztp_map_get(secrets, "enable");
	enable = en && en->type == ZTP_V_STR;
	creds = ztp_map_get(secrets, "credentials");
	/* the sets the live run tries: those ssh.credentials names, in its
	 * order, else all of them but the enable secret */
	named = ztp_map_get(conf->ssh, "credentials");
	for (k = 0; creds && creds->type == ZTP_V_LIST && k < creds->u.list.n; k++)
		if (ztp_streq(ztp_map_str(creds->u.list.v[k], "name"), "enable"))
			enable = 1;
	ztp_buf_addf(b, "# ztp-probe: credentials tried in order%s:",
		     named ? " (ssh.credentials)" : "");
	if (named)
		ntry = named->type == ZTP_V_LIST ? named->u.list.n : 1;
	else
		ntry = creds && creds->type == ZTP_V_LIST ? creds->u.list.n : 0;
	for (k = 0; k < ntry; k++) {
		const struct ztp_val *cr = NULL;
		const char *name, *user;
		size_t j;

		if (named) {
			const struct ztp_val *nv = named->type == ZTP_V_LIST ? named->u.list.v[k] : named;

			for (j = 0; creds && creds->type == ZTP_V_LIST && j < creds->u.list.n; j++)
				if (nv->type == ZTP_V_STR &&
				    ztp_streq(ztp_map_str(creds->u.list.v[j], "name"), nv->u.str.s))
					cr = creds->u.list.v[j];
			if (cr == NULL)
				continue;	/* the configuration check refuses that */
		} else {
			cr = creds->u.list.v[k];
		}
		name = ztp_map_str(cr, "name");
		user = ztp_map_str(cr, "username");
		if (!named && ztp_streq(name, "enable"))
			continue;
		ztp_buf_addf(b, "%s %s", n++ ? "," : "", name ? ztp_esc(name) : "(unnamed)");
		ztp_buf_addf(b, " (user %s, password %s)", user ? ztp_esc(user) : "(default)",
			     ztp_map_str(cr, "password") ? "set" : "none");
	}
	ztp_buf_addf(b, "%s\n# ztp-probe: enable secret %s\n", n ? "" : " none",
		     enable ? "set" : "none");
	ztp_val_unref(secrets);
	return 0;
}

/* -T: the effective configuration (ztp.yml as loaded), then what this
 * run would do, as YAML comments so that the output stays a loadable
 * ztp.yml: workers, deadline, platform, command-line SSH settings, where
 * transcripts go, and the credential sets in the order they are tried, by
 * name and user.  No secret is ever printed: passwords and the enable
 * secret only as "set". */
static int print_conf(const struct ztp_fleet_opts *fo, const char *platform)
{
	struct probe_T T = { fo, platform };
	struct ztp_conf *conf = NULL;
	struct ztp_err e;
	int st;

	if (ztp_conf_open(&conf, fo->cfile, ZTP_CHECK_FILES, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_conf_free(conf);
		return ZTP_EXIT_USAGE;
	}
	st = ztp_print_conf(conf, probe_conf_more, &T);
	ztp_conf_free(conf);
	return st;
}

static int live_main(int nhosts, char **hosts, const struct ztp_fleet_opts *fo,
		     const char *platform, int spool_mode, int check, int preflight)
{
	struct probe_arg pa = { .platform = platform, .check = check };
	struct ztp_fleet_ctx F;
	struct ztp_fleet_pass P;
	struct ztp_err e;
	int status;

	if (ztp_fleet_init(&F, fo->cfile, &fo->cli, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	F.preflight = preflight;
	memset(&P, 0, sizeof P);
	P.F = &F;
	P.tool = "ztp-probe";
	/* --check: after the push, a fresh login proves the device answers
	 * and is the one the record says */
	P.from = check ? "configured" : "discovered";
	P.ok_stage = check ? "done" : "probed";
	P.fail_stage = "failed";
	P.json = fo->json;
	P.jmax = (long)fo->jmax;
	P.deadline = (double)fo->deadline;
	P.job = probe_job;
	P.arg = &pa;
	P.vlog = ztp_vlog;
	status = ztp_fleet_drive(&P, spool_mode, hosts, nhosts);
	ztp_fleet_fini(&F);
	if (P.stopped) {
		/* told to stop: the workers are gone; die of the signal */
		signal(P.stopped, SIG_DFL);
		raise(P.stopped);
	}
	return status;
}

int main(int argc, char **argv)
{
	struct input ins[MAX_FILES];
	const char *platform = NULL, *live;
	struct ztp_val *rec = NULL, *facts;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_fleet_opts fo;
	struct ztp_err e;
	size_t nin = 0, i, parsed = 0;
	int c, status = 0, usage_err = 0, spool_mode = 0, check = 0, preflight = 0;
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "spool", no_argument, NULL, 'S' },
		{ "check", no_argument, NULL, 'K' },
		{ "preflight", no_argument, NULL, 'E' },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};

	ztp_log_open("ztp-probe", 0);
	ztp_fleet_opts_init(&fo, 120, "yaml");
	while ((c = getopt_long(argc, argv, "c:d:F:hJ:j:o:P:r:Tv", lopts, NULL)) != -1) {
		switch (ztp_fleet_opt(&fo, c, optarg)) {
		case 1: continue;
		case -1: usage(ZTP_EXIT_USAGE);
		}
		switch (c) {
		case 'h': usage(0);
		case 'P': platform = optarg; break;
		case 'r':
			if (nin == MAX_FILES)
				ztp_die(ZTP_EXIT_USAGE, "too many -r files: at most %d", MAX_FILES);
			split_spec(optarg, &ins[nin++]);
			break;
		case 'S': spool_mode = 1; break;
		case 'K': check = spool_mode = 1; break;
		case 'E': preflight = 1; break;
		case ZTP_OPT_VERSION: ztp_version("ztp-probe");
		default:
			usage(ZTP_EXIT_USAGE);
		}
	}
	ztp_log_verbosity(fo.verbose);
	argc -= optind;
	argv += optind;
	live = spool_mode ? "--spool" : fo.live ? fo.live : fo.cfile ? "-c" : NULL;
	if (fo.print) {
		if (nin > 0 || argc > 0 || spool_mode) {
			ztp_log(ZTP_LOG_ERR, "-T takes no -r, --spool or host operands");
			usage(ZTP_EXIT_USAGE);
		}
		if (platform && ztp_facts_platform_check(platform, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			usage(ZTP_EXIT_USAGE);
		}
		return ztp_out_status(print_conf(&fo, platform));
	}
	if (nin == 0 && (argc > 0 || live)) {
		if (platform && ztp_facts_platform_check(platform, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			usage(ZTP_EXIT_USAGE);
		}
		if (spool_mode && argc > 0) {
			ztp_log(ZTP_LOG_ERR, "--spool takes no host operands");
			usage(ZTP_EXIT_USAGE);
		}
		return ztp_out_status(live_main(argc, argv, &fo, platform, spool_mode, check, preflight));
	}
	if (argc > 0 || live) {
		ztp_log(ZTP_LOG_ERR, "-r (offline) and the live mode (%s) do not mix",
			argc > 0 ? "host operands" : live);
		usage(ZTP_EXIT_USAGE);
	}
	if (nin == 0) {
		ztp_log(ZTP_LOG_ERR, "nothing to parse: give recorded outputs with -r [command=]file");
		usage(ZTP_EXIT_USAGE);
	}
	if (platform == NULL)
		platform = "auto";
	if (strcmp(platform, "auto") != 0 && ztp_facts_platform_check(platform, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		usage(ZTP_EXIT_USAGE);
	}
	for (i = 0; i < nin; i++)
		if (read_input(&ins[i], &e) < 0) {
			int st = ztp_err_exit_status(e.code);

			/* a file that is not there will not be there on a retry */
			if (e.code == ZTP_ERR_SYS && (e.sys == ENOENT || e.sys == EACCES ||
			    e.sys == EISDIR || e.sys == ENOTDIR))
				st = ZTP_EXIT_USAGE;
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			status = ztp_exit_merge(status, st);
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
		ztp_info("platform: %s", platform);
	}
	facts = ztp_facts_new();
	for (i = 0; i < nin; i++) {
		if (ins[i].path == NULL)
			continue;
		if (ztp_facts_parse(platform, ins[i].cmd, ins[i].text.p ? ins[i].text.p : "",
				    ins[i].text.len, facts, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s: %s", ztp_esc(ins[i].path), e.msg);
			status = ztp_exit_merge(status, ztp_err_exit_status(e.code));
			if (e.code == ZTP_ERR_USAGE)
				usage_err = 1;
			continue;
		}
		parsed++;
	}
	if (parsed == 0) {
		ztp_val_unref(facts);
		status = ztp_exit_merge(status, ZTP_EXIT_USAGE);
		goto out;
	}
	rec = ztp_val_map();
	ztp_map_set(rec, "facts", facts);
	if (fo.json) {
		if (ztp_json_emit(&out, rec, 0) == 0)
			ztp_buf_addc(&out, '\n');
	} else if (ztp_yml_emit(&out, rec, 1, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: %s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	if (ztp_write_all(1, out.p, out.len) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: standard output: %s", strerror(errno));
		status = ztp_exit_merge(status, ZTP_EXIT_TEMPFAIL);
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
	return ztp_out_status(status);
}
