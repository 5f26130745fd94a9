/* h-tmplbench: render throughput of the template library, many renders in
 * one process (for tests/bench/render.sh, the counterpart of a Python
 * program that builds its jinja2.Environment once and renders N times).
 *
 *	h-tmplbench N DIR...
 *
 * Each DIR holds "args" (a ztp-push --render command line, one argument per
 * line, as for tests/unit/h-tmpl).  Per DIR: the variables are loaded and
 * the environment (with its cache of parsed templates) is made once, then
 * the template is rendered N times; the first render parses it, like
 * Jinja2's first get_template.  The last result goes to DIR/ztp.out and
 * one line "DIR SECONDS" (the N renders, monotonic clock) to stdout.
 * Exit 1 when a render fails (the message on stderr), 2 on usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "os.h"
#include "str.h"
#include "tmpl.h"
#include "val.h"
#include "yml.h"

static int put(const char *dir, const char *name, const char *p, size_t n)
{
	char path[4096];
	FILE *f;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return -1;
	if ((f = fopen(path, "wb")) == NULL || (n && fwrite(p, 1, n, f) != n)) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int one(const char *dir, long long n)
{
	struct ztp_buf args = ZTP_BUF_INIT, out = ZTP_BUF_INIT;
	struct ztp_tmpl_opts o;
	struct ztp_tmpl_env *env = NULL;
	struct ztp_val *vars = NULL;
	struct ztp_err e;
	const char *paths[16], *tmpl = NULL;
	char path[4096], *lines[64], *p;
	size_t np = 0, nl, i;
	long long k;
	double t0;
	int rc = -1;

	memset(&o, 0, sizeof o);
	e.msg[0] = 0;
	if (snprintf(path, sizeof path, "%s/args", dir) >= (int)sizeof path ||
	    ztp_buf_read_file(&args, path, 1 << 20, &e) < 0)
		goto out;
	for (p = args.p, nl = 0; p && *p && nl < 64; nl++) {
		char *q = strchr(p, '\n');

		lines[nl] = p;
		if (q == NULL)
			break;
		*q = 0;
		p = q + 1;
	}
	if (p && *p && nl < 64)
		nl++;
	for (i = 0; i < nl; i++) {
		const char *a = lines[i], *v = i + 1 < nl ? lines[i + 1] : NULL;

		if (!strcmp(a, "--render") && v)
			tmpl = lines[++i];
		else if (!strcmp(a, "--data") && v) {
			i++;
			if (ztp_yml_load_file(v, NULL, &vars, &e) < 0)
				goto out;
		} else if (!strcmp(a, "--path") && v && np < 16) {
			paths[np++] = v;
			i++;
		} else if (!strcmp(a, "--trim-blocks"))
			o.trim_blocks = 1;
		else if (!strcmp(a, "--lstrip-blocks"))
			o.lstrip_blocks = 1;
		else if (!strcmp(a, "--keep-trailing-newline"))
			o.keep_trailing_newline = 1;
		else if (!strcmp(a, "--undefined") && v) {
			i++;
			o.undefined = !strcmp(v, "default") ? ZTP_TMPL_UNDEF_DEFAULT :
				      !strcmp(v, "chainable") ? ZTP_TMPL_UNDEF_CHAINABLE :
				      ZTP_TMPL_UNDEF_STRICT;
		}
	}
	if (tmpl == NULL) {
		ztp_err_set(&e, ZTP_ERR_USAGE, "read '%s': no --render", path);
		goto out;
	}
	if (vars && vars->type == ZTP_V_NULL) {
		ztp_val_unref(vars);
		vars = NULL;
	}
	o.paths = paths;
	o.npaths = np;
	env = ztp_tmpl_env_new(&o);
	t0 = ztp_os_monotonic();
	for (k = 0; k < n; k++) {
		ztp_buf_reset(&out);
		if (ztp_tmpl_render(env, tmpl, vars, &out, &e) < 0)
			goto out;
	}
	printf("%s %.6f\n", dir, ztp_os_monotonic() - t0);
	if (put(dir, "ztp.out", out.p, out.len) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "h-tmplbench: %s: %s\n", dir, ztp_esc(e.msg));
	ztp_tmpl_env_free(env);
	ztp_buf_free(&out);
	ztp_buf_free(&args);
	ztp_val_unref(vars);
	return rc;
}

int main(int argc, char **argv)
{
	long long n;
	int i, rc = 0;

	if (argc < 3 || ztp_parse_ll(argv[1], 1, 100000000, &n) < 0) {
		fprintf(stderr, "usage: h-tmplbench N DIR...\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (one(argv[i], n) < 0)
			rc = 1;
	return rc;
}
