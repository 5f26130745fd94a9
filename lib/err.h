/* err.h: how libztp reports failures.
 *
 * Library functions never print and never exit.  They return 0 (or a count)
 * on success and a negative ZTP_ERR_* code on failure, with a message in a
 * caller-supplied struct ztp_err.  Messages follow the tools' style: lower
 * case, no full stop, the failed action first, the subject in quotes, then
 * the cause ("cannot open 'x': No such file or directory").  Every function
 * taking a struct ztp_err * accepts NULL there. */
#ifndef ZTP_ERR_H
#define ZTP_ERR_H

#include <stddef.h>

enum ztp_errcode {
	ZTP_OK = 0,
	ZTP_ERR_SYS = -1,	/* a system call failed; errno was kept in .sys */
	ZTP_ERR_PARSE = -2,	/* malformed input (file and line in the message) */
	ZTP_ERR_LIMIT = -3,	/* input exceeds a size, depth or count limit */
	ZTP_ERR_CONFIG = -4,	/* configuration error: do not retry */
	ZTP_ERR_NOTFOUND = -5,
	ZTP_ERR_EXISTS = -6,
	ZTP_ERR_BUSY = -7,	/* someone else holds it; try again later */
	ZTP_ERR_TIMEOUT = -8,
	ZTP_ERR_PROTO = -9,	/* the peer broke the protocol */
	ZTP_ERR_USAGE = -10,
	ZTP_ERR_PERM = -11,	/* refused for safety (file mode, path escape) */
	ZTP_ERR_FENCED = -12,	/* the spool's filesystem shut this host out
				 * (ESHUTDOWN, EIO, ENOTCONN, ESTALE): stop */
};

#define ZTP_ERR_MSG 1024

struct ztp_err {
	int code;
	int sys;		/* errno for ZTP_ERR_SYS, else 0 */
	char msg[ZTP_ERR_MSG];
};

/* Set e (if not NULL) and return code. */
int ztp_err_set(struct ztp_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like ztp_err_set(e, ZTP_ERR_SYS, ...) with ": strerror(errno)" appended. */
int ztp_err_sys(struct ztp_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Put "prefix: " in front of the message already in e. */
void ztp_err_prefix(struct ztp_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ztp_err_clear(struct ztp_err *e);

/* The exit status DESIGN.md gives each class of error: 2 for usage,
 * configuration and data errors, 75 for temporary ones. */
int ztp_err_exit_status(int code);

#define ZTP_EXIT_OK 0
#define ZTP_EXIT_NEGATIVE 1
#define ZTP_EXIT_USAGE 2
#define ZTP_EXIT_TEMPFAIL 75

/* The one precedence of every tool, in every mode, when a run meets several
 * outcomes: usage/configuration/data error (2) > temporary failure (75) >
 * negative answer (1) > success (0).  A 2 needs a person before any retry
 * helps; a 75 says "run me again" and its records are still in the spool;
 * a 1 is a finished answer.  Returns the more serious of a and b; an
 * unknown status counts as 2. */
int ztp_exit_merge(int a, int b);

#endif
