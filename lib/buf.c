/* buf.c: growable bounded buffers (see buf.h) */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"

void ztp_buf_init(struct ztp_buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void ztp_buf_free(struct ztp_buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void ztp_buf_reset(struct ztp_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

int ztp_buf_grow(struct ztp_buf *b, size_t n)
{
	size_t max = b->max ? b->max : ZTP_BUF_DEFAULT_MAX;
	size_t need, cap;
	char *p;

	if (n > max || b->len > max - n) {
		errno = E2BIG;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > max + 1)
		cap = max + 1;
	p = realloc(b->p, cap);
	if (p == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int ztp_buf_add(struct ztp_buf *b, const void *p, size_t n)
{
	/* room already, within the limit */
	if (b->p != NULL && n < b->cap - b->len &&
	    b->len + n <= (b->max ? b->max : ZTP_BUF_DEFAULT_MAX)) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
		b->p[b->len] = '\0';
		return 0;
	}
	if (ztp_buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int ztp_buf_adds(struct ztp_buf *b, const char *s)
{
	return ztp_buf_add(b, s, strlen(s));
}

int ztp_buf_addc(struct ztp_buf *b, int c)
{
	char ch = (char)c;

	return ztp_buf_add(b, &ch, 1);
}

int ztp_buf_addf(struct ztp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ztp_buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *ztp_buf_detach(struct ztp_buf *b, size_t *len)
{
	char *p;

	if (b->p == NULL && ztp_buf_grow(b, 0) < 0)
		return NULL;
	b->p[b->len] = '\0';
	p = b->p;
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *ztp_buf_str(struct ztp_buf *b)
{
	if (b->p == NULL && ztp_buf_grow(b, 0) < 0)
		return NULL;
	b->p[b->len] = '\0';
	return b->p;
}

int ztp_buf_read_fd(struct ztp_buf *b, int fd, size_t max, const char *what,
		    struct ztp_err *e)
{
	size_t oldmax = b->max;
	char tmp[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ztp_err_sys(e, "cannot read '%s'", what);
		if (n == 0)
			return 0;
		if (b->len + (size_t)n > max)
			return ztp_err_set(e, ZTP_ERR_LIMIT,
			    "cannot read '%s': larger than the limit of %zu bytes",
			    what, max);
		b->max = max + 1;
		if (ztp_buf_add(b, tmp, (size_t)n) < 0) {
			b->max = oldmax;
			return ztp_err_sys(e, "cannot read '%s'", what);
		}
		b->max = oldmax;
	}
}

int ztp_buf_read_file(struct ztp_buf *b, const char *path, size_t max,
		      struct ztp_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int rc;

	if (fd < 0)
		return ztp_err_sys(e, "cannot open '%s'", path);
	rc = ztp_buf_read_fd(b, fd, max, path, e);
	close(fd);
	return rc;
}

static int out_all(int fd, const void *p, size_t n, int sock)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = sock ? send(fd, c, n, MSG_NOSIGNAL) : write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int ztp_write_all(int fd, const void *p, size_t n)
{
	return out_all(fd, p, n, 0);
}

int ztp_send_all(int fd, const void *p, size_t n)
{
	return out_all(fd, p, n, 1);
}

int ztp_buf_addll(struct ztp_buf *b, long long v)
{
	char d[24], *p = d + sizeof d;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return ztp_buf_add(b, p, (size_t)(d + sizeof d - p));
}
