/* err.c: error messages for the library (see err.h) */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static void vset(struct ztp_err *e, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vset(struct ztp_err *e, int code, const char *fmt, va_list ap)
{
	int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);

	if (n < 0)
		e->msg[0] = '\0';
	e->code = code;
}

int ztp_err_set(struct ztp_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	e->sys = 0;
	return code;
}

int ztp_err_sys(struct ztp_err *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	if (e == NULL) {
		errno = saved;
		return ZTP_ERR_SYS;
	}
	va_start(ap, fmt);
	vset(e, ZTP_ERR_SYS, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
	e->sys = saved;
	errno = saved;
	return ZTP_ERR_SYS;
}

void ztp_err_prefix(struct ztp_err *e, const char *fmt, ...)
{
	char pre[ZTP_ERR_MSG], old[ZTP_ERR_MSG];
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(pre, sizeof pre, fmt, ap) < 0)
		pre[0] = '\0';
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	if (snprintf(e->msg, sizeof e->msg, "%s: %s", pre, old) >= (int)sizeof e->msg)
		memcpy(e->msg + sizeof e->msg - 4, "...", 4);	/* truncated */
}

void ztp_err_clear(struct ztp_err *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->sys = 0;
	e->msg[0] = '\0';
}

int ztp_err_exit_status(int code)
{
	switch (code) {
	case ZTP_OK:
		return ZTP_EXIT_OK;
	case ZTP_ERR_BUSY:
	case ZTP_ERR_FENCED:
	case ZTP_ERR_TIMEOUT:
	case ZTP_ERR_SYS:
		return ZTP_EXIT_TEMPFAIL;
	default:
		return ZTP_EXIT_USAGE;
	}
}

static int exit_rank(int st)
{
	switch (st) {
	case ZTP_EXIT_OK:
		return 0;
	case ZTP_EXIT_NEGATIVE:
		return 1;
	case ZTP_EXIT_TEMPFAIL:
		return 2;
	default:
		return 3;	/* ZTP_EXIT_USAGE and anything unknown */
	}
}

int ztp_exit_merge(int a, int b)
{
	int ra = exit_rank(a), rb = exit_rank(b);

	if (ra == 3 && a != ZTP_EXIT_USAGE)
		a = ZTP_EXIT_USAGE;
	if (rb == 3 && b != ZTP_EXIT_USAGE)
		b = ZTP_EXIT_USAGE;
	return rb > ra ? b : a;
}
