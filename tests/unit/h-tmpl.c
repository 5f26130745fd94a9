/* h-tmpl: render many template cases in one process (for jinja-diff.t,
 * which would otherwise start ztp-push once per case under the sanitizers,
 * and for tests/bench/render.sh).
 *
 *	h-tmpl [-n N] DIR...
 *	h-tmpl -l
 *
 * Each DIR holds "args" (a ztp-push command line, one argument per line:
 * --render NAME --data FILE --path DIR [--trim-blocks] [--lstrip-blocks]
 * [--keep-trailing-newline] --undefined MODE).  The result goes to
 * DIR/ztp.out, the error message to DIR/ztp.err, the exit status ztp-push
 * would give to DIR/ztp.rc.
 *
 * -n N (the benchmark): the variables and the environment (with its cache
 * of parsed templates) are made once per DIR, the template is rendered N
 * times (the first render parses it, like Jinja2's first get_template),
 * and one line "DIR SECONDS" (the N renders, monotonic clock) goes to
 * stdout; a failed render exits 1.
 *
 * -l: the names the engine knows, "filter NAME", "test NAME", "method
 * NAME" (of strings), "dict NAME", "list NAME", "statement NAME" and
 * "operator NAME" lines (tests/man.t checks its manual against them). */
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

static void put(const char *dir, const char *name, const char *p, size_t n)
{
	char path[4096];
	FILE *f;

	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		exit(2);
	if ((f = fopen(path, "wb")) == NULL || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static int one(const char *dir, long long reps)
{
	struct ztp_buf args = ZTP_BUF_INIT, out = ZTP_BUF_INIT;
	struct ztp_tmpl_opts o;
	struct ztp_tmpl_env *env;
	struct ztp_val *vars = NULL;
	struct ztp_err e;
	const char *paths[16], *tmpl = NULL;
	char path[4096], rcs[16], *lines[64], *p;
	size_t np = 0, nl, i;
	long long k;
	double t0;
	int rc;

	memset(&o, 0, sizeof o);
	if (snprintf(path, sizeof path, "%s/args", dir) >= (int)sizeof path ||
	    ztp_buf_read_file(&args, path, 1 << 20, &e) < 0) {
		fprintf(stderr, "h-tmpl: %s\n", e.msg);
		return -1;
	}
	e.msg[0] = 0;
	/* one argument per line */
	for (p = args.p, nl = 0; p && *p && nl < 64; nl++) {
		char *q = strchr(p, '\n');

		lines[nl] = p;
		if (q == NULL)
			break;
		*q = 0;
		p = q + 1;
	}
	if (p && *p)
		nl++;
	for (i = 0; i < nl; i++) {
		const char *a = lines[i], *v = i + 1 < nl ? lines[i + 1] : NULL;

		if (!strcmp(a, "--render") && v)
			tmpl = lines[++i];
		else if (!strcmp(a, "--data") && v) {
			i++;
			if (ztp_yml_load_file(v, NULL, &vars, &e) < 0)
				return -1;
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
	if (vars && vars->type == ZTP_V_NULL) {
		ztp_val_unref(vars);
		vars = NULL;
	}
	o.paths = paths;
	o.npaths = np;
	env = ztp_tmpl_env_new(&o);
	t0 = ztp_os_monotonic();
	for (k = 0, rc = 0; k < (reps ? reps : 1) && rc == 0; k++) {
		ztp_buf_reset(&out);
		rc = tmpl ? ztp_tmpl_render(env, tmpl, vars, &out, &e) : ZTP_ERR_USAGE;
	}
	if (reps && rc == 0)
		printf("%s %.6f\n", dir, ztp_os_monotonic() - t0);
	rc = rc < 0 ? ztp_err_exit_status(rc) : 0;
	put(dir, "ztp.out", rc ? "" : out.p, rc ? 0 : out.len);
	put(dir, "ztp.err", e.msg, rc ? strlen(e.msg) : 0);
	snprintf(rcs, sizeof rcs, "%d\n", rc);
	put(dir, "ztp.rc", rcs, strlen(rcs));
	ztp_tmpl_env_free(env);
	ztp_buf_free(&out);
	ztp_buf_free(&args);
	ztp_val_unref(vars);
	if (reps && rc) {
		fprintf(stderr, "h-tmpl: %s: %s\n", dir, e.msg);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long long reps = 0;
	int i = 1, rc;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		static const char *const kind[] = { "filter", "test", "method", "dict", "list",
			"statement", "operator" };
		const char *name;
		size_t k, j;

		for (k = 0; k < sizeof kind / sizeof kind[0]; k++)
			for (j = 0; (name = ztp_tmpl_builtin((enum ztp_tmpl_kind)k, j)) != NULL; j++)
				printf("%s %s\n", kind[k], name);
		return fflush(stdout) == 0 ? 0 : 2;
	}
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		if (ztp_parse_ll(argv[2], 1, 100000000, &reps) < 0) {
			fprintf(stderr, "usage: h-tmpl [-n N] DIR...\n");
			return 2;
		}
		i = 3;
	}
	for (; i < argc; i++)
		if ((rc = one(argv[i], reps)) != 0)
			return rc < 0 ? 2 : rc;
	return 0;
}
