/* events.c: stage changes to hooks and to the backend (see events.h) */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "events.h"
#include "notify.h"
#include "os.h"
#include "str.h"
#include "val.h"
#include "yml.h"

#define MAX_EVENT_BYTES ((size_t)2 << 20)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the names in dir that pass keep(), sorted */
static int names(const char *dir, int (*keep)(const char *dir, const char *name),
		 char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !keep(dir, de->d_name))
			continue;
		v = ztp_xrealloc(v, k + 1, sizeof *v);
		v[k++] = ztp_xstrdup(de->d_name);
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof *v, cmp_str);
	*out = v;
	*n = k;
	return 0;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int is_event(const char *dir, const char *name)
{
	size_t l = strlen(name);

	(void)dir;
	return l > 5 && strcmp(name + l - 5, ".json") == 0;
}

static int is_hook(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;
	size_t l = strlen(name);

	if (l == 0 || name[l - 1] == '~' || snprintf(p, sizeof p, "%s/%s", dir, name) >= (int)sizeof p)
		return 0;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

static void logf_(void (*log)(void *, int, const char *), void *ctx, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void logf_(void (*log)(void *, int, const char *), void *ctx, int ok, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log(ctx, ok, msg);
}

/* one hook with the event on stdin; 0 when it exited 0 in time */
static int run_hook(const char *path, const char *spooldir, const char *body, size_t len,
		    const struct ztp_val *ev, double secs, char *why, size_t whysz)
{
	static const char *const keys[] = { "id", "from", "to", "at", "tool", NULL };
	double end = ztp_os_monotonic() + secs;
	int in[2], st = 0, i;
	pid_t pid, w;
	size_t off = 0;

	if (pipe(in) < 0) {
		snprintf(why, whysz, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(why, whysz, "cannot fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pid == 0) {
		char env[64];

		setpgid(0, 0);
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		for (i = 0; keys[i]; i++) {
			const char *v = ztp_map_str(ev, keys[i]);
			size_t k;

			snprintf(env, sizeof env, "ZTP_EVENT_%s", keys[i]);
			for (k = 10; env[k]; k++)
				env[k] = (char)(env[k] >= 'a' && env[k] <= 'z' ? env[k] - 32 : env[k]);
			if (v)
				setenv(env, v, 1);
			else
				unsetenv(env);
		}
		setenv("ZTP_SPOOL", spooldir, 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(in[0]);
	/* the event is small; a hook that does not read it gets EPIPE */
	signal(SIGPIPE, SIG_IGN);
	while (off < len) {
		ssize_t k = write(in[1], body + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	close(in[1]);
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(why, whysz, "lost it: %s", strerror(errno));
			return -1;
		}
		if (ztp_os_monotonic() >= end) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			snprintf(why, whysz, "no end within %.0f s: killed", secs);
			return -1;
		}
		usleep(10000);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(why, whysz, "exit %d", WEXITSTATUS(st));
	else
		snprintf(why, whysz, "killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return -1;
}

static int read_all(const char *path, struct ztp_buf *b)
{
	char tmp[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t k;

	if (fd < 0)
		return -1;
	while ((k = read(fd, tmp, sizeof tmp)) > 0) {
		if (b->len + (size_t)k > MAX_EVENT_BYTES || ztp_buf_add(b, tmp, (size_t)k) < 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return k < 0 ? -1 : 0;
}

int ztp_events_deliver(const char *spooldir, const struct ztp_conf *c, double secs,
		       void (*log)(void *ctx, int ok, const char *msg), void *ctx,
		       struct ztp_events_count *n, struct ztp_err *e)
{
	const char *hooks = c->flow.hooks;
	double hook_secs = c->flow.hook_timeout > 0 ? (double)c->flow.hook_timeout : 30;
	char dir[4096], qdir[4096], src[8192], dst[8192], hp[8192], why[256];
	char **ev = NULL, **hk = NULL;
	size_t nev = 0, nhk = 0, i, j;
	struct ztp_notify *nq = NULL;
	int rc = 0, lk = -1, k;

	memset(n, 0, sizeof *n);
	if (snprintf(dir, sizeof dir, "%s/events", spooldir) >= (int)sizeof dir ||
	    snprintf(qdir, sizeof qdir, "%s/events/http", spooldir) >= (int)sizeof qdir ||
	    snprintf(hp, sizeof hp, "%s/lock/events.lock", spooldir) >= (int)sizeof hp)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "spool path '%s' is too long", spooldir);
	/* read-write: an exclusive flock on NFSv4 needs it */
	snprintf(src, sizeof src, "%s/lock", spooldir);
	if (mkdir(src, 0755) < 0 && errno != EEXIST)
		return ztp_err_sys(e, "cannot create '%s'", src);
	if ((lk = open(hp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return ztp_err_sys(e, "cannot open '%s'", hp);
	if (flock(lk, LOCK_EX | LOCK_NB) < 0) {
		close(lk);
		if (errno != EWOULDBLOCK)
			return ztp_err_sys(e, "cannot lock '%s'", hp);
		n->busy = 1;
		return 0;
	}
	if (names(dir, is_event, &ev, &nev) < 0) {
		rc = ztp_err_sys(e, "cannot read '%s'", dir);
		goto out;
	}
	if (hooks && names(hooks, is_hook, &hk, &nhk) < 0) {
		rc = ztp_err_sys(e, "cannot read the hooks directory '%s' (flow.hooks)", hooks);
		goto out;
	}
	if (c->backend.url && mkdir(qdir, 0700) < 0 && errno != EEXIST) {
		rc = ztp_err_sys(e, "cannot create '%s'", qdir);
		goto out;
	}
	for (i = 0; i < nev; i++) {
		struct ztp_buf body = ZTP_BUF_INIT;
		struct ztp_val *v = NULL;

		snprintf(src, sizeof src, "%s/%s", dir, ev[i]);
		snprintf(dst, sizeof dst, "%s/%s", qdir, ev[i]);
		if ((k = read_all(src, &body)) < 0 && errno == ENOENT) {
			ztp_buf_free(&body);	/* removed by hand meanwhile */
			continue;
		}
		if (k < 0 || ztp_yml_load_buf(body.p ? body.p : "", body.len, src, NULL, &v, NULL) < 0) {
			logf_(log, ctx, 0, "event '%s': unreadable, removed", src);
			unlink(src);
			ztp_buf_free(&body);
			continue;
		}
		n->events++;
		for (j = 0; j < nhk; j++) {
			snprintf(hp, sizeof hp, "%s/%s", hooks, hk[j]);
			n->hook_runs++;
			if (run_hook(hp, spooldir, body.p, body.len, v, hook_secs, why, sizeof why) < 0) {
				n->hook_failures++;
				logf_(log, ctx, 0, "hook '%s' for %s (%s -> %s): %s", hp,
				      ztp_esc(ztp_map_str(v, "id")), ztp_esc(ztp_map_str(v, "from")),
				      ztp_esc(ztp_map_str(v, "to")), why);
			}
		}
		if (c->backend.url ? rename(src, dst) < 0 : unlink(src) < 0)
			logf_(log, ctx, 0, "event '%s': %s", src, strerror(errno));
		ztp_val_unref(v);
		ztp_buf_free(&body);
	}
	if (c->backend.url) {
		if ((rc = ztp_notify_open_conf(&nq, qdir, c, 1, ztp_notify_token(c, log, ctx), e)) < 0)
			goto out;
		n->pending = ztp_notify_flush(nq, secs, log, ctx);
		ztp_notify_close(nq);
	}
out:
	free_names(ev, nev);
	free_names(hk, nhk);
	close(lk);
	return rc;
}
