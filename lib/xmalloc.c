/* xmalloc.c: allocation that cannot fail (see xmalloc.h) */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

void ztp_oom(void)
{
	static const char m[] = "ztp: out of memory\n";

	(void)!write(2, m, sizeof m - 1);
	abort();
}

void *ztp_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		ztp_oom();
	return p;
}

char *ztp_xstrdup(const char *s)
{
	return ztp_xstrndup(s, strlen(s));
}

char *ztp_xstrndup(const char *s, size_t n)
{
	char *p = ztp_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
