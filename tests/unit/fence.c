/* fence.c: an LD_PRELOAD shim that fences this process off the spool, as
 * a network filesystem does when it evicts a host (tests/spool-fence.t).
 *
 *   ZTP_FENCE=OP:ERRNO:MATCH   the first OP (rename, flock, fsync, open)
 *                              on a path containing MATCH fails with
 *                              ERRNO (EIO, ESHUTDOWN, ENOTCONN, ESTALE);
 *                              OP rename+ makes the rename first and then
 *                              fails (it happened; the caller cannot know)
 *   ZTP_FENCE_SKIP=N           let the first N such calls through
 *   ZTP_FENCE_UNDER=DIR        once struck, only calls on paths under DIR
 *                              fail (the spool's mount; a daemon's other
 *                              files, its lease journal, are on a local
 *                              disk); unset: every wrapped call
 *
 * Once it has struck, every wrapped call fails with ERRNO: an evicted
 * session does not come back by itself.  For flock and fsync the path is
 * the descriptor's (/proc/self/fd); a relative one is taken from its
 * directory descriptor's. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int struck, err, skip = -1;

static int parse_errno(const char *s)
{
	if (strcmp(s, "EIO") == 0) return EIO;
	if (strcmp(s, "ESHUTDOWN") == 0) return ESHUTDOWN;
	if (strcmp(s, "ENOTCONN") == 0) return ENOTCONN;
	if (strcmp(s, "ESTALE") == 0) return ESTALE;
	return 0;
}

static const char *fd_path(int fd, char *buf, size_t n);

/* Once struck: is this call on the fenced filesystem?  (path may be
 * relative to dfd) */
static int under(int dfd, const char *path)
{
	const char *dir = getenv("ZTP_FENCE_UNDER");
	char buf[4096], full[8192];

	if (dir == NULL || *dir == '\0')
		return 1;
	if (path == NULL)
		return 0;
	if (path[0] != '/') {
		const char *d = dfd == AT_FDCWD ? getcwd(buf, sizeof buf) : fd_path(dfd, buf, sizeof buf);

		if (d == NULL)
			return 0;
		snprintf(full, sizeof full, "%s/%s", d, path);
		path = full;
	}
	return strncmp(path, dir, strlen(dir)) == 0;
}

/* Does this call strike (or has the fence struck already)?  1: fail it */
static int strike(const char *op, int dfd, const char *path, int *after)
{
	const char *spec = getenv("ZTP_FENCE"), *c1, *c2;
	char want[16], e[16];

	*after = 0;
	if (struck)
		return under(dfd, path);
	if (spec == NULL || (c1 = strchr(spec, ':')) == NULL || (c2 = strchr(c1 + 1, ':')) == NULL)
		return 0;
	snprintf(want, sizeof want, "%.*s", (int)(c1 - spec), spec);
	snprintf(e, sizeof e, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	if ((err = parse_errno(e)) == 0)
		return 0;
	if (strcmp(want, "rename+") == 0 && strcmp(op, "rename") == 0)
		*after = 1;
	else if (strcmp(want, op) != 0)
		return 0;
	if (path == NULL || strstr(path, c2 + 1) == NULL)
		return 0;
	if (skip < 0)
		skip = getenv("ZTP_FENCE_SKIP") ? (int)strtol(getenv("ZTP_FENCE_SKIP"), NULL, 10) : 0;
	if (skip > 0) {
		skip--;
		return 0;
	}
	struck = 1;
	return 1;
}

static const char *fd_path(int fd, char *buf, size_t n)
{
	char link[64];
	ssize_t r;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	r = readlink(link, buf, n - 1);
	if (r < 0)
		return NULL;
	buf[r] = '\0';
	return buf;
}

int renameat(int ofd, const char *old, int nfd, const char *new)
{
	int (*real)(int, const char *, int, const char *) =
	    (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
	int after;

	if (strike("rename", nfd, new, &after) || (!struck && strike("rename", ofd, old, &after))) {
		if (after && real(ofd, old, nfd, new) < 0)
			return -1;
		errno = err;
		return -1;
	}
	return real(ofd, old, nfd, new);
}

int flock(int fd, int op)
{
	int (*real)(int, int) = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
	char buf[4096];
	int after;

	if (strike("flock", AT_FDCWD, fd_path(fd, buf, sizeof buf), &after)) {
		errno = err;
		return -1;
	}
	return real(fd, op);
}

int fsync(int fd)
{
	int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	char buf[4096];
	int after;

	if (strike("fsync", AT_FDCWD, fd_path(fd, buf, sizeof buf), &after)) {
		errno = err;
		return -1;
	}
	return real(fd);
}

int openat(int dfd, const char *path, int flags, ...)
{
	int (*real)(int, const char *, int, ...) =
	    (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	mode_t mode = 0;
	int after;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	/* the spool's own files only: relative to its descriptor */
	if (dfd != AT_FDCWD && strike("open", dfd, path, &after)) {
		errno = err;
		return -1;
	}
	return real(dfd, path, flags, mode);
}
