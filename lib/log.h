/* log.h: messages from the tools and the daemon.
 *
 * Tools print "progname: message" on stderr.  The daemon (ztp_log_open with
 * ZTP_LOG_SYSLOG) writes to syslog instead; in the foreground it uses stderr.
 * Only tools and the daemon call this module, never library code. */
#ifndef ZTP_LOG_H
#define ZTP_LOG_H

#include <stdarg.h>

enum ztp_loglevel { ZTP_LOG_ERR, ZTP_LOG_WARN, ZTP_LOG_INFO, ZTP_LOG_DEBUG };

#define ZTP_LOG_SYSLOG 1	/* flag for ztp_log_open */

void ztp_log_open(const char *progname, int flags);
void ztp_log_verbosity(int v);	/* 0 = errors and warnings, 1 info, 2 debug */
int ztp_log_verbose(void);
const char *ztp_progname(void);

void ztp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ztp_vlog(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
#define ztp_warnx(...) ztp_log(ZTP_LOG_WARN, __VA_ARGS__)
#define ztp_info(...) ztp_log(ZTP_LOG_INFO, __VA_ARGS__)
#define ztp_debug(...) ztp_log(ZTP_LOG_DEBUG, __VA_ARGS__)

/* Print the message and exit with status. */
void ztp_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
