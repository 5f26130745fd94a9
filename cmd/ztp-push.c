/* ztp-push: render a device's configuration from its service's Jinja2
 * template and its layered variables, show what changes, push it the way
 * the platform wants, verify, save, and roll back on error.
 *
 *   ztp-push --render TEMPLATE [--data FILE.yml] [--path DIR]... [Jinja2 options]
 *   ztp-push [-c ztp.yml] --vars ID|FILE|- [--service S] [-P platform]
 *   ztp-push [-c ztp.yml] -T
 *   ztp-push [-v] [-c ztp.yml] [-F ssh_config] [-J jump] [-n] [-j N] [-d secs]
 *            [-P platform] [--service S] [-o json|yaml] host|record ... | --spool | < records
 *
 * Live, one worker process per device (lib/fleet.h); the push itself is
 * lib/push.h.  See ztp-push(1). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "confcheck.h"
#include "err.h"
#include "facts.h"
#include "fleet.h"
#include "log.h"
#include "opts.h"
#include "push.h"
#include "record.h"
#include "spool.h"
#include "str.h"
#include "tmpl.h"
#include "val.h"
#include "vars.h"
#include "yml.h"

#define MAX_PATHS 64

/* -h: on stdout, exit 0; a usage error: on stderr, exit 2 */
static void usage(int status) __attribute__((noreturn));
static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: ztp-push [-nv] [-c ztp.yml] [-F ssh_config] [-J jump] [-j N] [-d secs]\n"
		"                [-P platform] [--service name] [-o json|yaml] host | record ...\n"
		"       ztp-push [-nv] [-c ztp.yml] [options as above] --spool | < records\n"
		"       ztp-push [-c ztp.yml] --vars id | file | - [--service name] [-P platform]\n"
		"                [-o json]\n"
		"       ztp-push [-c ztp.yml] -T\n"
		"       ztp-push --render template [--data file.yml] [--path dir ...]\n"
		"                [--trim-blocks] [--lstrip-blocks] [--keep-trailing-newline]\n"
		"                [--undefined strict | default | chainable]\n"
		"       ztp-push -h | --version\n");
	exit(status ? status : ztp_out_status(0));
}

/* ---- rendering for a device */

struct pushctx {
	struct ztp_pushconf pc;
	const char *platform;	/* -P */
	const char *service;	/* --service */
	const char *token;	/* source_token from the secrets file */
	int dry;
};

struct rendered {
	char *service, *tmpl, *verify;
	struct ztp_buf text;
	struct ztp_push_check *checks;
	size_t nchecks;
};

static void rendered_free(struct rendered *r)
{
	free(r->service);
	free(r->tmpl);
	free(r->verify);
	ztp_buf_free(&r->text);
	ztp_push_checks_free(r->checks, r->nchecks);
	memset(r, 0, sizeof *r);
}

static const char *service_of(const struct pushctx *X, const struct ztp_val *rec)
{
	const char *s = X->service ? X->service : ztp_map_str(rec, "service");

	return s && *s ? s : X->pc.default_service;
}

/* variables, template, checks: everything before touching the device */
static int render_for(const struct pushctx *X, const struct ztp_val *rec, const char *platform,
		      struct rendered *r, struct ztp_val *res)
{
	struct ztp_strlist dirs = { NULL, 0 };
	struct ztp_tmpl_opts o = X->pc.topts;
	struct ztp_tmpl_env *env;
	struct ztp_vars v;
	struct ztp_err e;
	int rc = -1;

	memset(r, 0, sizeof *r);
	r->service = ztp_xstrdup(service_of(X, rec));
	if (ztp_pushconf_service(&X->pc, r->service, platform, &r->tmpl, &r->verify, &e) < 0)
		return ztp_fleet_fail(res, "template", "%s", e.msg);
	if (ztp_vars_build(&X->pc, rec, r->service, platform, X->token, &v, &e) < 0)
		return ztp_fleet_fail(res, e.code == ZTP_ERR_BUSY ? "source" : "vars", "%s", e.msg);
	ztp_pushconf_search(&X->pc, platform, &dirs);
	o.paths = (const char *const *)dirs.v;
	o.npaths = dirs.n;
	env = ztp_tmpl_env_new(&o);
	if (ztp_tmpl_render(env, r->tmpl, v.vars, &r->text, &e) < 0) {
		ztp_fleet_fail(res, "template", "cannot render '%s' (service %s, platform %s): %s",
			       r->tmpl, r->service, platform, e.msg);
		goto out;
	}
	if (r->verify && ztp_push_checks_load(r->verify, env, v.vars, &r->checks, &r->nchecks, &e) < 0) {
		ztp_fleet_fail(res, "template", "%s", e.msg);
		goto out;
	}
	rc = 0;
out:
	ztp_tmpl_env_free(env);
	ztp_strlist_free(&dirs);
	ztp_vars_free(&v);
	return rc;
}

/* the job of one device, in its worker process */
static int push_job(void *arg, const struct ztp_fleet_ctx *F, struct ztp_val *rec,
		    struct ztp_val *res)
{
	struct pushctx *X = arg;
	const char *platform = X->platform ? X->platform : ztp_map_str(rec, "platform");
	struct ztp_fleet_dev d;
	struct rendered r;
	struct ztp_push_opts po;
	struct ztp_push_result pr;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	char tag[32];
	int rc = -1, have = 0;

	memset(&d, 0, sizeof d);
	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	d.tl.fd = -1;
	if (platform && !ztp_facts_platform_valid(platform))
		return ztp_fleet_fail(res, "config", "unknown platform '%s' in the record",
				      ztp_esc(platform));
	/* a bad template or variable fails before the device is touched */
	if (platform) {
		if (render_for(X, rec, platform, &r, res) < 0)
			goto out;
		have = 1;
	}
	if (ztp_fleet_dev_open(&d, F, rec, platform, "ztp-push", res) < 0)
		goto out;
	if (!have) {
		platform = d.platform;
		if (render_for(X, rec, platform, &r, res) < 0)
			goto out;
	}
	ztp_tlog_note(&d.tl, "ztp-push: service %s, template %s, %zu checks%s", r.service, r.tmpl,
		      r.nchecks, X->dry ? ", dry run" : "");
	memset(&po, 0, sizeof po);
	po.platform = d.platform;
	po.dry_run = X->dry;
	po.confirm_minutes = X->pc.confirm_minutes;
	snprintf(tag, sizeof tag, "%ld", (long)getpid());
	po.tag = tag;
	rc = ztp_push_run(d.cli, &po, r.text.p ? r.text.p : "", r.text.len, r.checks, r.nchecks, &pr, &e);
	ztp_tlog_note(&d.tl, "ztp-push: changes:\n%s", pr.diff.p ? pr.diff.p : "(none)");
	if (X->dry) {
		ztp_buf_addf(&b, "### %s (%s, service %s, template %s)\n%s", ztp_esc(ztp_rec_id(rec)),
			     d.platform, r.service, r.tmpl,
			     pr.diff.len ? pr.diff.p : "(no changes)\n");
		ztp_map_set_str(res, "output", b.p);
	}
	if (rc < 0) {
		if (rc != ZTP_ERR_USAGE)
			ztp_map_set(res, "requeue", ztp_val_bool(1));
		ztp_buf_reset(&b);
		ztp_buf_addf(&b, "%s%s", pr.msg, rc != ZTP_ERR_USAGE ? "" : pr.rolled_back ?
			     "; rolled back" : pr.changed || pr.sent ? "; ROLLBACK FAILED: check the device" : "");
		ztp_fleet_fail(res, pr.kind[0] ? pr.kind : "closed", "%s", b.p);
		goto out;
	}
	ztp_map_set_str(rec, "service", r.service);
	if (ztp_map_get(rec, "platform") == NULL)
		ztp_map_set_str(rec, "platform", d.platform);
	ztp_buf_reset(&b);
	ztp_buf_addf(&b, "service %s (%s): %zu lines, %zu sent, %zu of %zu checks passed%s", r.service,
		     r.tmpl, pr.lines, pr.sent, pr.checks, r.nchecks, pr.saved ? ", saved" : "");
	ztp_map_set_str(res, "detail", b.p);
	rc = 0;
out:
	if (rc == 0)
		ztp_tlog_note(&d.tl, "ztp-push: done: %s", ztp_map_str(res, "detail"));
	else
		ztp_tlog_note(&d.tl, "ztp-push: failed: %s\n%s", ztp_map_str(res, "kind"),
			      ztp_map_str(res, "message"));
	ztp_buf_free(&b);
	ztp_push_result_free(&pr);
	rendered_free(&r);
	ztp_fleet_dev_close(&d);
	return rc < 0 ? -1 : 0;
}

static int live_main(int nops, char **ops, const struct ztp_fleet_opts *fo, struct pushctx *X,
		     int spool_mode)
{
	struct ztp_fleet_ctx F;
	struct ztp_fleet_pass P;
	struct ztp_err e;
	int status;

	if (ztp_fleet_init(&F, fo->cfile, &fo->cli, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		return ztp_err_exit_status(e.code);
	}
	if (ztp_pushconf_load(F.conf, &X->pc, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_fleet_fini(&F);
		return ZTP_EXIT_USAGE;
	}
	X->token = ztp_map_str(F.secrets, "source_token");
	memset(&P, 0, sizeof P);
	P.F = &F;
	P.tool = "ztp-push";
	P.deadline_requeue = 1;	/* a timeout mid-push, like ssh.timeout */
	P.from = "probed";
	P.ok_stage = "configured";
	P.fail_stage = "failed";
	P.json = fo->json;
	P.dry = X->dry;
	P.jmax = (long)fo->jmax;
	P.deadline = (double)fo->deadline;
	P.job = push_job;
	P.arg = X;
	P.vlog = ztp_vlog;
	status = ztp_fleet_drive(&P, spool_mode, ops, nops);
	ztp_pushconf_free(&X->pc);
	ztp_fleet_fini(&F);
	if (P.stopped) {
		/* told to stop: the workers are gone; die of the signal */
		signal(P.stopped, SIG_DFL);
		raise(P.stopped);
	}
	return status;
}

/* --vars: the merged variables of one device and where each came from */
static int vars_main(const char *cfile, const char *which, struct pushctx *X, int json)
{
	struct ztp_conf *conf = NULL;
	struct ztp_val *rec = NULL, *secrets = NULL;
	struct ztp_spool *sp = NULL;
	struct ztp_vars v;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	const char *platform;
	int status = ZTP_EXIT_USAGE;

	memset(&v, 0, sizeof v);
	if (ztp_conf_open(&conf, cfile, 0, &e) < 0 || ztp_pushconf_load(conf, &X->pc, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_conf_free(conf);
		return ZTP_EXIT_USAGE;
	}
	if (strcmp(which, "-") == 0) {
		struct ztp_rec_reader *rd;

		if (ztp_rec_reader_open(&rd, 0, "standard input", &e) < 0 ||
		    ztp_rec_reader_next(rd, &rec, &e) != 1) {
			ztp_log(ZTP_LOG_ERR, "%s", rec ? "" : "no record on standard input");
			goto out;
		}
		ztp_rec_reader_close(rd);
	} else if (strchr(which, '/') || access(which, F_OK) == 0) {
		if ((rec = ztp_fleet_operand(NULL, which, &e)) == NULL) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			goto out;
		}
	} else {
		struct ztp_spool_ent ent;

		if (ztp_spool_open(&sp, conf->spool, ztp_conf_spool_flags(conf), &e) < 0 ||
		    ztp_spool_locate(sp, which, &ent, &e) < 0 || ztp_spool_read(sp, &ent, &rec, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			status = ztp_err_exit_status(e.code);
			goto out;
		}
	}
	platform = X->platform ? X->platform : ztp_map_str(rec, "platform");
	if (X->pc.source_url && conf->secrets && ztp_secrets_load(conf, &secrets, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		goto out;
	}
	if (ztp_vars_build(&X->pc, rec, service_of(X, rec), platform,
			   ztp_map_str(secrets, "source_token"), &v, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		status = ztp_err_exit_status(e.code);
		goto out;
	}
	if (json) {
		struct ztp_val *o = ztp_val_map();

		ztp_map_set(o, "vars", ztp_val_ref(v.vars));
		ztp_map_set(o, "origin", ztp_val_ref(v.origin));
		ztp_json_emit(&b, o, 0);
		ztp_buf_addc(&b, '\n');
		ztp_val_unref(o);
	} else {
		ztp_buf_addf(&b, "# %s: service %s, platform %s\n", ztp_esc(ztp_rec_id(rec)),
			     service_of(X, rec), platform ? platform : "unknown (probe it first or give -P)");
		ztp_vars_explain(&v, &b);
	}
	status = ztp_write_all(1, b.p, b.len) < 0 ? ZTP_EXIT_TEMPFAIL : 0;
out:
	ztp_buf_free(&b);
	ztp_vars_free(&v);
	ztp_val_unref(rec);
	ztp_val_unref(secrets);
	ztp_spool_close(sp);
	ztp_pushconf_free(&X->pc);
	ztp_conf_free(conf);
	return status;
}

static int push_conf_more(void *arg, const struct ztp_conf *conf, struct ztp_buf *b)
{
	ztp_buf_adds(b, "# as ztp-push reads it\n");
	ztp_pushconf_print(arg, b);
	return 0;
}

static int print_conf(const char *cfile)
{
	struct ztp_conf *conf = NULL;
	struct ztp_pushconf pc;
	struct ztp_err e;
	int rc;

	if (ztp_conf_open(&conf, cfile, ZTP_CHECK_FILES, &e) < 0 ||
	    ztp_pushconf_load(conf, &pc, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		ztp_conf_free(conf);
		return ZTP_EXIT_USAGE;
	}
	rc = ztp_print_conf(conf, push_conf_more, &pc);
	ztp_pushconf_free(&pc);
	ztp_conf_free(conf);
	return rc;
}

static int render_main(const char *tmpl, const char *data, const char **paths, size_t npaths,
		       struct ztp_tmpl_opts *o)
{
	struct ztp_tmpl_env *env;
	struct ztp_val *vars = NULL;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_err e;
	int rc;

	if (data) {
		if (strcmp(data, "-") == 0) {
			struct ztp_buf in = ZTP_BUF_INIT;

			if (ztp_buf_read_fd(&in, STDIN_FILENO, (size_t)256 << 20, "standard input", &e) < 0 ||
			    ztp_yml_load_buf(in.p ? in.p : "", in.len, "-", NULL, &vars, &e) < 0)
				ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
			ztp_buf_free(&in);
		} else if (ztp_yml_load_file(data, NULL, &vars, &e) < 0) {
			ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
		}
		if (vars->type == ZTP_V_NULL) {
			ztp_val_unref(vars);
			vars = ztp_val_map();
		}
		if (vars->type != ZTP_V_MAP)
			ztp_die(ZTP_EXIT_USAGE, "cannot use '%s': the variables must be a mapping, not a %s",
				data, ztp_val_typename(vars));
	}
	o->paths = npaths ? paths : NULL;
	o->npaths = npaths;
	env = ztp_tmpl_env_new(o);
	rc = ztp_tmpl_render(env, tmpl, vars, &out, &e);
	if (rc < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot render '%s': %s", tmpl, e.msg);
		rc = ztp_err_exit_status(rc);
	} else if (out.len && ztp_write_all(STDOUT_FILENO, out.p, out.len) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the output: %s", strerror(errno));
		rc = ZTP_EXIT_TEMPFAIL;
	}
	ztp_buf_free(&out);
	ztp_tmpl_env_free(env);
	ztp_val_unref(vars);
	return rc;
}

enum { OPT_DATA = 256, OPT_KEEP, OPT_LSTRIP, OPT_PATH, OPT_RENDER, OPT_SERVICE, OPT_SPOOL,
       OPT_TRIM, OPT_UNDEF, OPT_VARS };

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "data", required_argument, NULL, OPT_DATA },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-trailing-newline", no_argument, NULL, OPT_KEEP },
		{ "lstrip-blocks", no_argument, NULL, OPT_LSTRIP },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "render", required_argument, NULL, OPT_RENDER },
		{ "service", required_argument, NULL, OPT_SERVICE },
		{ "spool", no_argument, NULL, OPT_SPOOL },
		{ "trim-blocks", no_argument, NULL, OPT_TRIM },
		{ "undefined", required_argument, NULL, OPT_UNDEF },
		{ "vars", required_argument, NULL, OPT_VARS },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *paths[MAX_PATHS], *tmpl = NULL, *data = NULL, *vars = NULL;
	struct ztp_fleet_opts fo;
	struct ztp_tmpl_opts o;
	struct pushctx X;
	struct ztp_err e;
	size_t npaths = 0;
	int ch, spool_mode = 0;

	ztp_log_open("ztp-push", 0);
	ztp_fleet_opts_init(&fo, 300, "yaml");
	memset(&o, 0, sizeof o);
	memset(&X, 0, sizeof X);
	o.undefined = ZTP_TMPL_UNDEF_STRICT;
	while ((ch = getopt_long(argc, argv, "c:d:F:hJ:j:no:P:Tv", lopts, NULL)) != -1) {
		switch (ztp_fleet_opt(&fo, ch, optarg)) {
		case 1: continue;
		case -1: usage(ZTP_EXIT_USAGE);
		}
		switch (ch) {
		case 'h': usage(0);
		case 'n': X.dry = 1; break;
		case 'P':
			if (ztp_facts_platform_check(optarg, &e) < 0)
				ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
			X.platform = optarg;
			break;
		case OPT_DATA: data = optarg; break;
		case OPT_KEEP: o.keep_trailing_newline = 1; break;
		case OPT_LSTRIP: o.lstrip_blocks = 1; break;
		case OPT_PATH:
			if (npaths == MAX_PATHS)
				ztp_die(ZTP_EXIT_USAGE, "too many --path options (at most %d)", MAX_PATHS);
			paths[npaths++] = optarg;
			break;
		case OPT_RENDER: tmpl = optarg; break;
		case OPT_SERVICE: X.service = optarg; break;
		case OPT_SPOOL: spool_mode = 1; break;
		case OPT_TRIM: o.trim_blocks = 1; break;
		case OPT_UNDEF:
			if (!strcmp(optarg, "strict"))
				o.undefined = ZTP_TMPL_UNDEF_STRICT;
			else if (!strcmp(optarg, "default"))
				o.undefined = ZTP_TMPL_UNDEF_DEFAULT;
			else if (!strcmp(optarg, "chainable"))
				o.undefined = ZTP_TMPL_UNDEF_CHAINABLE;
			else
				ztp_die(ZTP_EXIT_USAGE, "invalid --undefined '%s': use strict, default or chainable",
					optarg);
			break;
		case OPT_VARS: vars = optarg; break;
		case ZTP_OPT_VERSION: ztp_version("ztp-push");
		default:
			usage(ZTP_EXIT_USAGE);
		}
	}
	ztp_log_verbosity(fo.verbose);
	argc -= optind;
	argv += optind;
	if (tmpl) {
		if (argc > 0 || fo.live || X.dry || spool_mode || vars || fo.print)
			ztp_die(ZTP_EXIT_USAGE, "--render works offline: no hosts, -T, --vars or live options");
		return ztp_out_status(render_main(tmpl, data, paths, npaths, &o));
	}
	if (data || npaths)
		ztp_die(ZTP_EXIT_USAGE, "--data and --path go with --render TEMPLATE");
	if (fo.print)
		return ztp_out_status(print_conf(fo.cfile));
	if (vars) {
		if (argc > 0)
			ztp_die(ZTP_EXIT_USAGE, "--vars shows one device's variables: no host operands");
		return ztp_out_status(vars_main(fo.cfile, vars, &X, fo.json));
	}
	if (spool_mode && argc > 0)
		ztp_die(ZTP_EXIT_USAGE, "--spool takes no host or record operands");
	if (argc == 0 && !spool_mode && isatty(0))
		usage(ZTP_EXIT_USAGE);
	return ztp_out_status(live_main(argc, argv, &fo, &X, spool_mode));
}
