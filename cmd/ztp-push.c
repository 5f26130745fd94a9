/* ztp-push: render device configuration from Jinja2 templates (and, later,
 * push, verify and save it).  Only the render mode exists so far. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "tmpl.h"
#include "val.h"
#include "yml.h"

#define MAX_PATHS 64

static void usage(void)
{
	fprintf(stderr,
		"usage: ztp-push --render TEMPLATE [--data FILE.yml] [--path DIR]...\n"
		"                [--trim-blocks] [--lstrip-blocks] [--keep-trailing-newline]\n"
		"                [--undefined strict|default|chainable]\n");
	exit(ZTP_EXIT_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "data", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-trailing-newline", no_argument, NULL, 'k' },
		{ "lstrip-blocks", no_argument, NULL, 'l' },
		{ "path", required_argument, NULL, 'P' },
		{ "render", required_argument, NULL, 'R' },
		{ "trim-blocks", no_argument, NULL, 't' },
		{ "undefined", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	const char *paths[MAX_PATHS], *tmpl = NULL, *data = NULL;
	struct ztp_tmpl_opts o;
	struct ztp_tmpl_env *env;
	struct ztp_val *vars = NULL;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_err e;
	size_t npaths = 0;
	int ch, rc;

	ztp_log_open("ztp-push", 0);
	memset(&o, 0, sizeof o);
	o.undefined = ZTP_TMPL_UNDEF_STRICT;
	while ((ch = getopt_long(argc, argv, "D:hklP:R:tU:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			data = optarg;
			break;
		case 'k':
			o.keep_trailing_newline = 1;
			break;
		case 'l':
			o.lstrip_blocks = 1;
			break;
		case 'P':
			if (npaths == MAX_PATHS)
				ztp_die(ZTP_EXIT_USAGE, "too many --path options (at most %d)", MAX_PATHS);
			paths[npaths++] = optarg;
			break;
		case 'R':
			tmpl = optarg;
			break;
		case 't':
			o.trim_blocks = 1;
			break;
		case 'U':
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
		default:
			usage();
		}
	}
	if (tmpl == NULL) {
		if (optind < argc || argc == 1)
			ztp_die(ZTP_EXIT_USAGE, "pushing to devices is not available yet; "
				"only --render TEMPLATE --data FILE.yml works");
		usage();
	}
	if (optind < argc)
		usage();
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
	o.paths = npaths ? paths : NULL;
	o.npaths = npaths;
	env = ztp_tmpl_env_new(&o);
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
