/* memline.h: the fuzz input as a CLI transport (lib/cli.h) for the fuzz
 * targets that drive a session: reads come from the input, cut at NUL
 * bytes (each cut is a quiet moment: a read of 0), the end of the input is
 * the end of the stream; what the session writes is dropped. */
#ifndef ZTP_FUZZ_MEMLINE_H
#define ZTP_FUZZ_MEMLINE_H

#include <stdint.h>
#include <string.h>

#include "cli.h"

struct mem {
	const uint8_t *p;
	size_t n, off;
};

static ssize_t mem_read(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct mem *m = ctx;
	size_t k = 0;

	(void)deadline;
	if (m->off >= m->n)
		return ztp_err_set(e, ZTP_ERR_PROTO, "the input ended"), -1;
	while (m->off + k < m->n && m->p[m->off + k] != 0 && k < n)
		k++;
	memcpy(p, m->p + m->off, k);
	m->off += k;
	if (m->off < m->n && m->p[m->off] == 0)
		m->off++;
	return (ssize_t)k;	/* 0: a quiet moment */
}

static int mem_write(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	(void)ctx; (void)p; (void)n; (void)deadline; (void)e;
	return 0;
}

static void mem_close(void *ctx)
{
	(void)ctx;
}

#endif
