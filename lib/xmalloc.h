/* xmalloc.h: allocation that cannot fail.
 *
 * Out of memory, these write one line to stderr and abort: a provisioning
 * tool that cannot allocate a few bytes cannot do anything useful, and
 * every caller is spared a path it would never test.  A zero size
 * allocates one byte; ztp_xrealloc checks n * sz for overflow. */
#ifndef ZTP_XMALLOC_H
#define ZTP_XMALLOC_H

#include <stddef.h>

/* write "out of memory" and abort */
void ztp_oom(void) __attribute__((noreturn));
void *ztp_xmalloc(size_t n);
void *ztp_xcalloc(size_t n, size_t sz);
void *ztp_xrealloc(void *p, size_t n, size_t sz);
char *ztp_xstrdup(const char *s);
char *ztp_xstrndup(const char *s, size_t n);

#endif
