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


#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "facts.h"
#include "fleet.h"
#include "spool.h"
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
	    "       ztp-probe -T [-c ztp.yml] [-F ssh_config] [-J jump] [-j N] [-d secs] [-P platform]\n"
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

/* the job of one device, in its worker process: rec gets facts and
 * platform */
static int probe_job(void *arg, const struct ztp_fleet_ctx *F, struct ztp_val *rec,
		     struct ztp_val *res)
{
	const char *forced = arg, *platform;
	struct ztp_fleet_dev d;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_val *facts = NULL;
	const char *cmd;
	struct ztp_err e;
	char detail[256];
	size_t i, parsed = 0;
	int rc = -1, required = 0;

	if (ztp_fleet_dev_open(&d, F, rec, forced, "ztp-probe", res) < 0)
		goto out;
	platform = d.platform;
	facts = ztp_facts_new();
	/* the platform's commands (lib/facts): the required ones must
	 * answer and parse, the others a box may lack */
	for (i = 0; (cmd = ztp_facts_command(platform, i, &required)) != NULL; i++) {
		int r = ztp_cli_run(d.cli, cmd, 0, &out, &e);

		if (r == ZTP_ERR_USAGE && !required)
			continue;	/* the box lacks it */
		if (r < 0) {
			ztp_fleet_fail(res, r == ZTP_ERR_TIMEOUT ? "timeout" : r == ZTP_ERR_USAGE ? "refused" :
				       r == ZTP_ERR_LIMIT ? "limit" : "closed", "%s", e.msg);
			goto out;
		}
		if (ztp_facts_parse(platform, cmd, out.p, out.len, facts, &e) == 0)
			parsed++;
		else if (required) {
			ztp_fleet_fail(res, "parse", "'%s': %s", cmd, e.msg);
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
	ztp_buf_free(&out);
	ztp_fleet_dev_close(&d);
	return rc;
}

/* -T: the effective configuration (ztp.yml as loaded), then what this
 * run would do, as YAML comments so that the output stays a loadable
 * ztp.yml: workers, deadline, platform, command-line SSH settings, where
 * transcripts go, and the credential sets in the order they are tried, by
 * name and user.  No secret is ever printed: passwords and the enable
 * secret only as "set". */
static int print_conf(const char *cfile, const struct ztp_sshset_cli *cli, const char *platform,
		      long jmax, double deadline)
{
	struct ztp_conf *conf = NULL;
	struct ztp_val *secrets = NULL, *creds, *en;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	int enable = 0, st = 0;
	size_t k, n = 0;

	if (ztp_conf_load(&conf, cfile, &e) < 0 || ztp_sshset_check_conf(conf, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_conf_free(conf);
		return ZTP_EXIT_USAGE;
	}
	ztp_conf_print(conf, &b);
	ztp_buf_addf(&b, "# ztp-probe: jobs %ld, device deadline %.0fs, platform %s\n", jmax, deadline,
		     platform ? ztp_esc(platform) : "auto (prompt, SSH banner, show version)");
	ztp_buf_addf(&b, "# ztp-probe: ssh_config %s, jump %s\n",
		     cli->config ? ztp_esc(cli->config) :
		     "(ztp.yml ssh.config, else ~/.ssh/config and /etc/ssh/ssh_config)",
		     cli->jump ? ztp_esc(cli->jump) : "(ztp.yml and ssh_config)");
	if (conf->spool)
		ztp_buf_addf(&b, "# ztp-probe: transcripts %s/log\n", ztp_esc(conf->spool));
	else
		ztp_buf_adds(&b, "# ztp-probe: transcripts none (no spool)\n");
	if (conf->secrets == NULL) {
		ztp_buf_adds(&b, "# ztp-probe: credentials none (no secrets file): SSH keys and agent only\n");
	} else if (ztp_secrets_load(conf, &secrets, &e) < 0) {
		ztp_buf_addf(&b, "# ztp-probe: credentials unreadable: %s\n", ztp_esc(e.msg));
		st = ztp_err_exit_status(e.code);
	} else {
		en = ztp_map_get(secrets, "enable");
		enable = en && en->type == ZTP_V_STR;
		creds = ztp_map_get(secrets, "credentials");
		ztp_buf_adds(&b, "# ztp-probe: credentials tried in order:");
		for (k = 0; creds && creds->type == ZTP_V_LIST && k < creds->u.list.n; k++) {
			const struct ztp_val *cr = creds->u.list.v[k];
			const char *name = ztp_map_str(cr, "name"), *user = ztp_map_str(cr, "username");

			if (ztp_streq(name, "enable")) {
				enable = 1;
				continue;
			}
			ztp_buf_addf(&b, "%s %s", n++ ? "," : "", name ? ztp_esc(name) : "(unnamed)");
			ztp_buf_addf(&b, " (user %s, password %s)", user ? ztp_esc(user) : "(default)",
				     ztp_map_str(cr, "password") ? "set" : "none");
		}
		ztp_buf_addf(&b, "%s\n# ztp-probe: enable secret %s\n", n ? "" : " none",
			     enable ? "set" : "none");
	}
	if (fputs(b.p ? b.p : "", stdout) == EOF || fflush(stdout) != 0)
		st = ZTP_EXIT_TEMPFAIL;
	ztp_buf_free(&b);
	ztp_val_unref(secrets);
	ztp_conf_free(conf);
	return st;
}

static int live_main(int nhosts, char **hosts, const char *cfile, struct ztp_sshset_cli *cli,
		     const char *platform, long jmax, double deadline, int spool_mode,
		     enum outfmt fmt)
{
	struct ztp_fleet_ctx F;
	struct ztp_fleet_pass P;
	struct ztp_err e;
	int status;

	if (ztp_fleet_init(&F, cfile, cli, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	memset(&P, 0, sizeof P);
	P.F = &F;
	P.tool = "ztp-probe";
	P.from = "discovered";
	P.ok_stage = "probed";
	P.fail_stage = "failed";
	P.json = fmt == OUT_JSON;
	P.jmax = jmax;
	P.deadline = deadline;
	P.job = probe_job;
	P.arg = (void *)platform;
	P.vlog = ztp_vlog;
	status = ztp_fleet_drive(&P, spool_mode, hosts, nhosts);
	ztp_fleet_fini(&F);
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
	int c, verbose = 0, status = 0, usage_err = 0, spool_mode = 0, printconf = 0;
	const char *cfile = NULL;
	struct ztp_sshset_cli cli;
	long long jmax = 8, dl = 120;
	static const struct option lopts[] = {
		{ "spool", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};

	memset(&cli, 0, sizeof cli);
	ztp_log_open("ztp-probe", 0);
	while ((c = getopt_long(argc, argv, "c:d:F:hJ:j:o:P:r:Tv", lopts, NULL)) != -1) {
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
		case 'T': printconf = 1; break;
		case 'v': verbose++; break;
		default:
			usage();
		}
	}
	ztp_log_verbosity(verbose);
	argc -= optind;
	argv += optind;
	if (printconf) {
		if (nin > 0 || argc > 0 || spool_mode) {
			ztp_log(ZTP_LOG_ERR, "-T takes no -r, --spool or host operands");
			usage();
		}
		if (platform && ztp_facts_platform_check(platform, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			usage();
		}
		return print_conf(cfile, &cli, platform, (long)jmax, (double)dl);
	}
	if (nin == 0 && (argc > 0 || live)) {
		if (platform && ztp_facts_platform_check(platform, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
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
	if (strcmp(platform, "auto") != 0 && ztp_facts_platform_check(platform, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
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
