/* opts.h: the command-line contract every tool shares (ztp(7), section
 * THE COMMAND-LINE CONTRACT).
 *
 *   - -h prints the usage on standard output and exits 0; a usage error
 *     prints it on standard error and exits 2 (each tool's usage()).
 *   - --version prints "ztp-<tool> <version>" and exits 0.
 *   - The options of the fleet tools mean the same everywhere: -c ztp.yml,
 *     -F ssh_config, -J jump, -j N (devices at once), -d secs (deadline per
 *     device), -o json|<other>, -T (print the configuration), -v.  One
 *     parser, ztp_fleet_opt(), called from each tool's getopt loop.
 *   - Standard output is checked before exit (ztp_out_status): output that
 *     did not reach its file is a temporary failure (75), never a silent 0.
 *
 * Unlike the rest of libztp this module is the tools' side of the library,
 * like log.c: it prints (through ztp_log and on stdout) and ztp_version
 * exits. */
#ifndef ZTP_OPTS_H
#define ZTP_OPTS_H

#include "buf.h"
#include "conf.h"
#include "sshset.h"

/* the long option every tool has: { "version", no_argument, NULL,
 * ZTP_OPT_VERSION } */
#define ZTP_OPT_VERSION 0x7f01

/* Print "tool version" on stdout and exit 0 (75 when stdout fails). */
void ztp_version(const char *tool) __attribute__((noreturn));

/* The options shared by the fleet tools.  Set the defaults and the bounds
 * before the getopt loop. */
struct ztp_fleet_opts {
	const char *cfile;		/* -c */
	struct ztp_sshset_cli cli;	/* -F (config), -J (jump) */
	long long jmax, jmax_limit;	/* -j, 1..jmax_limit */
	long long deadline;		/* -d, seconds 1..86400 */
	int json;			/* -o json */
	const char *other_fmt;		/* the other -o name: "yaml" or "text" */
	int print;			/* -T */
	int verbose;			/* -v, counted */
	const char *live;		/* the first option that means a live run
					 * (-F -J -j -d), for messages; NULL */
};

/* Defaults: -j 8 (of at most 256), the deadline given, -o <other_fmt>. */
void ztp_fleet_opts_init(struct ztp_fleet_opts *o, long long deadline, const char *other_fmt);

/* One option of getopt: 1 when it is a fleet option (taken), 0 when it is
 * not one (the tool's own), -1 when its value is bad (the message logged:
 * the tool calls its usage()). */
int ztp_fleet_opt(struct ztp_fleet_opts *o, int c, const char *arg);

/* -T: the configuration as loaded (ztp_conf_print), then what more() adds
 * (comments, a tool's own section; NULL: nothing), on stdout.  Returns the
 * exit status: 0, 75 when stdout fails, or more()'s status. */
int ztp_print_conf(const struct ztp_conf *conf,
		   int (*more)(void *arg, const struct ztp_conf *conf, struct ztp_buf *b),
		   void *arg);

/* Write b to stdout now (stdio flushed first): 0 or 75 (message logged). */
int ztp_out_buf(const struct ztp_buf *b);

/* The last step of every tool: flush stdout and check it; returns status,
 * merged with 75 (the message logged) when what was written to stdout
 * did not all reach it.  A second call only returns status. */
int ztp_out_status(int status);

#endif
