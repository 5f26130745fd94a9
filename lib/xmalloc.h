/* xmalloc.h: allocation that cannot fail.
 *
 * Out of memory, these write one line to stderr and abort: a provisioning
 * tool that cannot allocate a few bytes cannot do anything useful, and
 * every caller is spared a path it would never test.  A zero size
 * allocates one byte; ztp_xrealloc checks n * sz for overflow. */
#ifndef ZTP_XMALLOC_H
#define ZTP_XMALLOC_H

#include <stddef.h>
#include <stdlib.h>

/* write "out of memory" and abort */
void ztp_oom(void) __attribute__((noreturn));
void *ztp_xcalloc(size_t n, size_t sz);

/* the two the value tree calls per node: inline, as they were in val.c */
static inline void *ztp_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		ztp_oom();
	return p;
}

static inline void *ztp_xrealloc(void *p, size_t n, size_t sz)
{
	if (sz && n > (size_t)-1 / sz)
		ztp_oom();
	p = realloc(p, (n * sz) != 0 ? n * sz : 1);
	if (p == NULL)
		ztp_oom();
	return p;
}
char *ztp_xstrdup(const char *s);
char *ztp_xstrndup(const char *s, size_t n);

#endif
