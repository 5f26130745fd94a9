/* opts.c: the command-line contract every tool shares (see opts.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "log.h"
#include "opts.h"
#include "str.h"

void ztp_version(const char *tool)
{
	printf("%s %s\n", tool, PACKAGE_VERSION);
	exit(ztp_out_status(ZTP_EXIT_OK));
}

void ztp_fleet_opts_init(struct ztp_fleet_opts *o, long long deadline, const char *other_fmt)
{
	memset(o, 0, sizeof *o);
	o->jmax = 8;
	o->jmax_limit = 256;
	o->deadline = deadline;
	o->other_fmt = other_fmt;
}

int ztp_fleet_opt(struct ztp_fleet_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'c':
		o->cfile = arg;
		return 1;
	case 'd':
		if (ztp_parse_ll(arg, 1, 86400, &o->deadline) < 0) {
			ztp_log(ZTP_LOG_ERR, "bad -d '%s': seconds from 1 to 86400", ztp_esc(arg));
			return -1;
		}
		break;
	case 'F':
		o->cli.config = arg;
		break;
	case 'J':
		o->cli.jump = arg;
		break;
	case 'j':
		if (ztp_parse_ll(arg, 1, o->jmax_limit, &o->jmax) < 0) {
			ztp_log(ZTP_LOG_ERR, "bad -j '%s': from 1 to %lld devices at once",
				ztp_esc(arg), o->jmax_limit);
			return -1;
		}
		break;
	case 'o':
		if (strcmp(arg, "json") == 0) {
			o->json = 1;
		} else if (strcmp(arg, o->other_fmt) == 0) {
			o->json = 0;
		} else {
			ztp_log(ZTP_LOG_ERR, "unknown output format '%s': use json or %s",
				ztp_esc(arg), o->other_fmt);
			return -1;
		}
		return 1;
	case 'T':
		o->print = 1;
		return 1;
	case 'v':
		o->verbose++;
		return 1;
	default:
		return 0;
	}
	/* -d -F -J -j: options of a live run */
	if (o->live == NULL) {
		static const char *const names[] = { "-d", "-F", "-J", "-j" };

		o->live = names[c == 'd' ? 0 : c == 'F' ? 1 : c == 'J' ? 2 : 3];
	}
	return 1;
}

int ztp_out_buf(const struct ztp_buf *b)
{
	if (fflush(stdout) != 0 || (b->len && ztp_write_all(STDOUT_FILENO, b->p, b->len) < 0)) {
		ztp_log(ZTP_LOG_ERR, "cannot write to standard output: %s", strerror(errno));
		return ZTP_EXIT_TEMPFAIL;
	}
	return ZTP_EXIT_OK;
}

int ztp_print_conf(const struct ztp_conf *conf,
		   int (*more)(void *arg, const struct ztp_conf *conf, struct ztp_buf *b),
		   void *arg)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	int st = ZTP_EXIT_OK;

	ztp_conf_print(conf, &b);
	if (more)
		st = more(arg, conf, &b);
	st = ztp_exit_merge(st, ztp_out_buf(&b));
	ztp_buf_free(&b);
	return st;
}

int ztp_out_status(int status)
{
	static int closed;

	if (closed++)
		return status;
	/* fflush catches a full disk, ferror an earlier failed write, fclose
	 * what only the close reports (NFS) */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write to standard output: %s", strerror(errno));
		return ztp_exit_merge(status, ZTP_EXIT_TEMPFAIL);
	}
	return status;
}
