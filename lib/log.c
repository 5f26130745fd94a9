/* log.c: stderr or syslog output for tools and the daemon (see log.h) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char *prog = "ztp";
static int use_syslog;
static int verbosity;

void ztp_log_open(const char *progname, int flags)
{
	const char *slash = strrchr(progname, '/');

	prog = slash ? slash + 1 : progname;
	use_syslog = (flags & ZTP_LOG_SYSLOG) != 0;
	if (use_syslog)
		openlog(prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void ztp_log_verbosity(int v)
{
	verbosity = v;
}

int ztp_log_verbose(void)
{
	return verbosity;
}

const char *ztp_progname(void)
{
	return prog;
}

void ztp_vlog(int level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	if (level == ZTP_LOG_INFO && verbosity < 1)
		return;
	if (level == ZTP_LOG_DEBUG && verbosity < 2)
		return;
	if (use_syslog) {
		vsyslog(prio[level], fmt, ap);
		return;
	}
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ztp_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ztp_vlog(level, fmt, ap);
	va_end(ap);
}

void ztp_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ztp_vlog(ZTP_LOG_ERR, fmt, ap);
	va_end(ap);
	exit(status);
}
