/* push.h: put a rendered configuration on a device, the way each platform
 * wants it, over an open CLI session (cli.h).
 *
 *   Cisco IOS/IOS-XE  copy running-config flash:ztp-rollback.cfg; configure
 *                     terminal, line by line, each checked for the device's
 *                     error; end; rollback: configure replace
 *                     flash:ztp-rollback.cfg force; save: write memory
 *   NX-OS             checkpoint; the same; rollback running-config
 *                     checkpoint; save: copy running-config startup-config
 *   Arista EOS        copy running-config flash:ztp-rollback.cfg; configure
 *                     session; lines; commit (abort on a rejected line);
 *                     rollback: configure replace; save: copy running-config
 *                     startup-config
 *   IOS XR            configure; lines; commit (abort on a rejected line or
 *                     a failed commit); rollback configuration last 1
 *   JunOS             configure private; load merge terminal; commit check;
 *                     commit confirmed N; verify; commit (confirms it);
 *                     rollback 1 + commit when verification fails (and the
 *                     device rolls back by itself after N minutes when the
 *                     session is lost)
 *   Huawei VRP        system-view; lines, each checked; return; save (Y);
 *                     rollback: undo of the lines this push added, in
 *                     reverse, in their views
 *
 * Verification runs the post-checks (command + regexes) after the change;
 * a check that fails rolls the change back.  Errors keep the device's own
 * words: the rejected line, its number in the rendered text, the error. */
#ifndef ZTP_PUSH_H
#define ZTP_PUSH_H

#include "buf.h"
#include "cli.h"
#include "err.h"
#include "tmpl.h"
#include "val.h"

struct ztp_push_check {
	char *name;
	char *command;
	char **expect;		/* POSIX EREs, multiline */
	size_t nexpect;
	char **reject;
	size_t nreject;
};

/* Read a verify.yml (a list of {name, command, expect, reject}); each
 * string is a Jinja2 template rendered with vars in env. */
int ztp_push_checks_load(const char *path, struct ztp_tmpl_env *env, struct ztp_val *vars,
			 struct ztp_push_check **checks, size_t *n, struct ztp_err *e);
void ztp_push_checks_free(struct ztp_push_check *checks, size_t n);

/* The running configuration as the platform shows it. */
const char *ztp_push_show_config_cmd(const char *platform);

/* What the candidate adds to the running configuration, hierarchy-aware
 * (an indented line belongs to the section above it): candidate lines
 * prefixed "+ " when new, their section lines "  " for context; comment
 * and mode-leaving lines (!, #, end, exit, quit, return) ignored.  Returns
 * the number of new lines. */
size_t ztp_push_diff(const char *running, size_t rlen, const char *cand, size_t clen,
		     struct ztp_buf *out);

struct ztp_push_opts {
	const char *platform;
	double timeout;			/* per command; 0: the session's */
	int dry_run;			/* diff only */
	long confirm_minutes;		/* JunOS; 0: 5 */
	const char *tag;		/* names the EOS session / NX-OS checkpoint */
};

struct ztp_push_result {
	char kind[32];			/* rejected, commit, verify, closed, timeout ... */
	char msg[2048];
	struct ztp_buf diff;		/* what changes (dry run and transcript) */
	size_t sent, lines, checks;	/* lines sent / in the candidate, checks passed */
	int changed, rolled_back, saved;
};

/* Push config (the rendered text) with checks.  0: done (or the dry run's
 * diff); ZTP_ERR_USAGE: the device refused a line, a commit or a check,
 * and the change was rolled back (r->kind, r->msg say what and
 * r->rolled_back whether the rollback worked); ZTP_ERR_PROTO,
 * ZTP_ERR_TIMEOUT, ZTP_ERR_LIMIT: the session broke (the device may hold
 * part of the change, unsaved). */
int ztp_push_run(struct ztp_cli *c, const struct ztp_push_opts *o, const char *config, size_t len,
		 const struct ztp_push_check *checks, size_t nchecks, struct ztp_push_result *r,
		 struct ztp_err *e);
void ztp_push_result_free(struct ztp_push_result *r);

#endif
