/* t-err.c: error messages and exit statuses; tool logging; the input rule */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "err.h"
#include "input.h"
#include "log.h"
#include "tap.h"

static int seen_ok, seen_bad;

static int count(void *ctx, struct ztp_val *rec, const struct ztp_err *bad)
{
	(void)ctx;
	if (rec)
		seen_ok++;
	else {
		seen_bad++;
		like(bad->msg, "", "bad document carries a message");
	}
	return 0;
}

int main(void)
{
	struct ztp_err e;
	char buf[512];
	int fds[2], saved, n;
	char *argv[3];

	ok(ztp_err_set(&e, ZTP_ERR_PARSE, "cannot parse '%s'", "x") == ZTP_ERR_PARSE, "set returns the code");
	is_str(e.msg, "cannot parse 'x'", "message");
	errno = ENOENT;
	ok(ztp_err_sys(&e, "cannot open '%s'", "/nope") == ZTP_ERR_SYS, "sys returns ZTP_ERR_SYS");
	is_str(e.msg, "cannot open '/nope': No such file or directory", "strerror appended");
	is_int(e.sys, ENOENT, "errno kept");
	ztp_err_prefix(&e, "record '%s'", "r1");
	is_str(e.msg, "record 'r1': cannot open '/nope': No such file or directory", "prefix");
	ok(ztp_err_set(NULL, ZTP_ERR_LIMIT, "x") == ZTP_ERR_LIMIT, "NULL error struct is fine");
	is_int(ztp_err_exit_status(ZTP_ERR_CONFIG), 2, "config error exits 2");
	is_int(ztp_err_exit_status(ZTP_ERR_PARSE), 2, "data error exits 2");
	is_int(ztp_err_exit_status(ZTP_ERR_BUSY), 75, "busy exits 75");
	is_int(ztp_err_exit_status(ZTP_ERR_TIMEOUT), 75, "timeout exits 75");
	is_int(ztp_err_exit_status(0), 0, "success exits 0");
	/* one precedence: 2 > 75 > 1 > 0, whichever order they come in */
	is_int(ztp_exit_merge(ZTP_EXIT_NEGATIVE, ZTP_EXIT_TEMPFAIL), 75, "75 outranks 1");
	is_int(ztp_exit_merge(ZTP_EXIT_TEMPFAIL, ZTP_EXIT_NEGATIVE), 75, "75 outranks 1, either order");
	is_int(ztp_exit_merge(ZTP_EXIT_TEMPFAIL, ZTP_EXIT_USAGE), 2, "2 outranks 75");
	is_int(ztp_exit_merge(ZTP_EXIT_USAGE, ZTP_EXIT_NEGATIVE), 2, "2 outranks 1");
	is_int(ztp_exit_merge(0, ZTP_EXIT_NEGATIVE), 1, "1 outranks 0");
	is_int(ztp_exit_merge(ZTP_EXIT_NEGATIVE, 0), 1, "0 never lowers");
	is_int(ztp_exit_merge(0, 0), 0, "0 and 0 is 0");
	is_int(ztp_exit_merge(0, 3), 2, "an unknown status counts as 2");

	/* tools print "progname: message"; -v levels */
	if (pipe(fds) < 0)
		return 1;
	saved = dup(2);
	dup2(fds[1], 2);
	ztp_log_open("/usr/bin/ztp-test", 0);
	ztp_log(ZTP_LOG_ERR, "cannot do '%s'", "it");
	ztp_info("hidden at verbosity 0");
	ztp_log_verbosity(1);
	ztp_info("shown at verbosity 1");
	ztp_debug("hidden at verbosity 1");
	fflush(stderr);
	dup2(saved, 2);
	close(fds[1]);
	n = (int)read(fds[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	is_str(buf, "ztp-test: cannot do 'it'\nztp-test: shown at verbosity 1\n", "log lines and levels");

	/* the input rule: operands are files, "-" is stdin */
	if (pipe(fds) < 0)
		return 1;
	(void)!write(fds[1], "id: a\n---\nid: b\n---\n- not a record\n", 34);
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	argv[0] = "-";
	argv[1] = "/nonexistent/records.yml";
	argv[2] = NULL;
	ztp_input_records(2, argv, count, NULL, &n);
	dup2(saved, 0);
	is_int(seen_ok, 2, "two records from stdin");
	is_int(seen_bad, 2, "a bad document and a missing file reported");
	is_int(n, 2, "counted as bad");
	return done_testing();
}
