/* dl.c: loading a library at first use, for the stubs of dl-*.c (see
 * dl.h, dl-int.h) */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl-int.h"
#include "str.h"
#include "val.h"

static const char *env_file(const struct ztp_dl_lib *l)
{
	const char *s;

#ifdef HAVE_SECURE_GETENV
	s = secure_getenv(l->env);
#else
	s = getenv(l->env);
#endif
	return s && *s ? s : l->soname;
}

const char *ztp_dl_file(struct ztp_dl_lib *l)
{
	const char *f;

	pthread_mutex_lock(&l->lock);
	f = l->file ? l->file : env_file(l);
	pthread_mutex_unlock(&l->lock);
	return f;
}

/* why: the dynamic loader's reason, or NULL when sym resolved to NULL */
static int fail(struct ztp_dl_lib *l, void *h, const char *why, const char *sym)
{
	size_t n = strlen(l->file);

	/* "FILE: cannot open shared object file: ...": FILE is in the message already */
	if (why && strncmp(why, l->file, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
		why += n + 2;
	if (why)
		ztp_err_set(&l->err, ZTP_ERR_SYS, "cannot load %s '%s': %s", l->what,
			    ztp_esc(l->file), ztp_esc(why));
	else
		ztp_err_set(&l->err, ZTP_ERR_SYS, "cannot load %s '%s': its symbol '%s' is NULL",
			    l->what, ztp_esc(l->file), sym ? sym : "?");
	if (h)
		dlclose(h);
	l->state = -1;
	return -1;
}

/* l->lock held */
static int load(struct ztp_dl_lib *l)
{
	void **fn;
	void *h;
	size_t i;

	l->file = env_file(l);
	(void)dlerror();
	h = dlopen(l->file, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return fail(l, NULL, dlerror(), NULL);
	fn = ztp_xcalloc(l->n, sizeof *fn);
	for (i = 0; i < l->n; i++) {
		(void)dlerror();
		fn[i] = dlsym(h, l->names[i]);
		if (fn[i] == NULL) {
			const char *why = dlerror();

			free(fn);
			return fail(l, h, why, l->names[i]);
		}
	}
	/* all or nothing: a stub sees NULL or the real function */
	memcpy(l->fn, fn, l->n * sizeof *fn);
	free(fn);
	l->state = 1;
	return 0;
}

int ztp_dl_load(struct ztp_dl_lib *l, struct ztp_err *e)
{
	int rc = 0;

	pthread_mutex_lock(&l->lock);
	if (l->state == 0)
		load(l);
	if (l->state < 0) {
		rc = l->err.code;
		if (e)
			*e = l->err;
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void ztp_dl_unloaded(const struct ztp_dl_lib *l, size_t i)
{
	static const char a[] = "libztp: ";
	static const char b[] = "() called before ";
	static const char c[] = " was loaded\n";

	/* a bug in ztp, not a run-time condition: say where and stop */
	if (write(2, a, sizeof a - 1) < 0 || write(2, l->names[i], strlen(l->names[i])) < 0 ||
	    write(2, b, sizeof b - 1) < 0 || write(2, l->what, strlen(l->what)) < 0 ||
	    write(2, c, sizeof c - 1) < 0)
		abort();
	abort();
}
