/* buf.h: growable byte buffers with a hard size limit, and bounded readers.
 *
 * A buffer is always NUL-terminated (p[len] == 0 once anything was added) so
 * its contents can be used as a C string when they hold no NUL bytes.
 * Growing past .max fails with ZTP_ERR_LIMIT instead of eating memory.
 *
 *	struct ztp_buf b = ZTP_BUF_INIT;
 *	ztp_buf_addf(&b, "%s:%d", host, port);
 *	...
 *	ztp_buf_free(&b); */
#ifndef ZTP_BUF_H
#define ZTP_BUF_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define ZTP_BUF_DEFAULT_MAX ((size_t)64 << 20)	/* 64 MiB unless set */

struct ztp_buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;	/* 0 means ZTP_BUF_DEFAULT_MAX */
};

#define ZTP_BUF_INIT { NULL, 0, 0, 0 }

void ztp_buf_init(struct ztp_buf *b, size_t max);
void ztp_buf_free(struct ztp_buf *b);
void ztp_buf_reset(struct ztp_buf *b);	/* len = 0, keeps memory */
/* Make room for n more bytes; -1 (errno ENOMEM or E2BIG) on failure. */
int ztp_buf_grow(struct ztp_buf *b, size_t n);
int ztp_buf_add(struct ztp_buf *b, const void *p, size_t n);
int ztp_buf_adds(struct ztp_buf *b, const char *s);
int ztp_buf_addc(struct ztp_buf *b, int c);
int ztp_buf_addf(struct ztp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ztp_buf_addll(struct ztp_buf *b, long long v);	/* decimal, without printf */
/* Hand the memory to the caller (never NULL on success: "" when empty). */
char *ztp_buf_detach(struct ztp_buf *b, size_t *len);
/* A C string copy of the contents; NULL on ENOMEM. */
const char *ztp_buf_str(struct ztp_buf *b);

/* Read all of fd into b, failing with ZTP_ERR_LIMIT past max bytes
 * (what names the input in the message). */
int ztp_buf_read_fd(struct ztp_buf *b, int fd, size_t max, const char *what,
		    struct ztp_err *e);
int ztp_buf_read_file(struct ztp_buf *b, const char *path, size_t max,
		      struct ztp_err *e);

/* write(2) all of it, retrying short writes and EINTR. */
int ztp_write_all(int fd, const void *p, size_t n);
/* The same on a socket with send(2) and MSG_NOSIGNAL: a peer gone is an
 * error (EPIPE), never SIGPIPE, whatever the process does with it. */
int ztp_send_all(int fd, const void *p, size_t n);

#endif
