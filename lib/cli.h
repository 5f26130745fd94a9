/* cli.h: interactive CLI sessions with network devices.
 *
 * A session runs over a transport (a byte stream with deadlines: an SSH
 * shell channel on a pty here; telnet and console lines later) and does
 * what an engineer at the keyboard does:
 *
 *   - learns the prompt: sends a newline, reads until the output goes quiet
 *     with a prompt-looking last line (banners and MOTD before it are kept
 *     as the session's banner), and from it a pattern that also matches the
 *     prompts of the other modes ("Router>", "Router#", "Router(config)#",
 *     "user@r1> ", "<HUAWEI>", "[HUAWEI-GigabitEthernet0/0/1]");
 *   - tells the platform when not given (prompt shape, SSH banner, then the
 *     text of show version), enters enable mode with the enable secret when
 *     the prompt ends with '>' (Cisco-like platforms), turns paging off
 *     (terminal length 0, screen-length 0 temporary, set cli screen-length 0)
 *     and answers pager prompts with a space when that failed;
 *   - runs a command with a deadline and returns its output clean: the echo
 *     and the prompt removed, ANSI escapes, backspaces, carriage returns and
 *     pager remnants resolved the way a terminal would show them; and says
 *     whether the device refused it (% Invalid input, syntax error, ...).
 *
 * Everything is bounded: bytes per command, time per step.  Secrets sent
 * (the enable password) never reach the transcript hook. */
#ifndef ZTP_CLI_H
#define ZTP_CLI_H

#include <stddef.h>
#include <sys/types.h>

#include <libssh/libssh.h>

#include "buf.h"
#include "err.h"

/* deadlines are ztp_os_monotonic() seconds */
struct ztp_cli_transport {
	void *ctx;
	/* Up to n bytes.  >0: bytes read; 0: nothing before the deadline;
	 * -1: the stream ended or failed (e says which: ZTP_ERR_PROTO for an
	 * end of stream, ZTP_ERR_SYS ...). */
	ssize_t (*read)(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e);
	/* All n bytes or -1 */
	int (*write)(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e);
	void (*close)(void *ctx);
};

/* A shell channel on a pty (vt100, 511 x 24) of an SSH session.  The
 * session stays the caller's; close() frees the channel only. */
int ztp_cli_ssh_transport(struct ztp_cli_transport *t, ssh_session s,
			  struct ztp_err *e);

enum ztp_cli_dir { ZTP_CLI_IN, ZTP_CLI_OUT };	/* from / to the device */

struct ztp_cli_opts {
	const char *platform;	/* ztp_facts_platforms, or NULL: detect */
	const char *banner;	/* SSH server banner (detection), or NULL */
	const char *enable_secret;	/* NULL: no enable password known */
	double timeout;		/* seconds per step and per command; 0: 30 */
	size_t max_output;	/* bytes per command; 0: 4 MiB */
	/* transcript hook: every byte read and written, secrets replaced by
	 * "<redacted>" */
	void (*log)(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n);
	void *log_ctx;
};

struct ztp_cli;

/* Learn the prompt, detect the platform, enable, paging off.  On success
 * the session owns the transport (ztp_cli_close closes it); on failure the
 * transport is closed too.  Errors: ZTP_ERR_TIMEOUT (no prompt), ZTP_ERR_PROTO
 * (stream ended), ZTP_ERR_PERM (enable refused or no secret). */
int ztp_cli_open(struct ztp_cli **c, const struct ztp_cli_transport *t,
		 const struct ztp_cli_opts *o, struct ztp_err *e);

/* Run cmd; the clean output into out (replacing its contents).  timeout 0:
 * the session's.  A command the device refused returns ZTP_ERR_USAGE with
 * the device's error line in the message (out holds the output).  The
 * session is unusable after ZTP_ERR_TIMEOUT, ZTP_ERR_PROTO, ZTP_ERR_LIMIT. */
int ztp_cli_run(struct ztp_cli *c, const char *cmd, double timeout,
		struct ztp_buf *out, struct ztp_err *e);

/* A question a command may ask ("Destination filename [startup-config]? ",
 * "Are you sure to continue?[Y/N]:") and the line that answers it. */
struct ztp_cli_answer {
	const char *ask;	/* a part of the question's line */
	const char *reply;	/* sent with a newline; "" is just the newline */
};

/* ztp_cli_run, plus: input (inlen bytes, e.g. a configuration and ^D for
 * JunOS "load merge terminal") sent right after the command line, and the
 * questions in answers (NULL, or ending with { NULL, NULL }) answered,
 * each once it is whole: at once when it ends as questions do ("]? ",
 * ": ", "[confirm]"), else once the device is quiet after it. */
int ztp_cli_run_ex(struct ztp_cli *c, const char *cmd, const char *input, size_t inlen,
		   const struct ztp_cli_answer *answers, double timeout, struct ztp_buf *out,
		   struct ztp_err *e);

const char *ztp_cli_platform(const struct ztp_cli *c);	/* NULL: unknown */
const char *ztp_cli_prompt(const struct ztp_cli *c);	/* the current one */
const char *ztp_cli_banner(const struct ztp_cli *c);	/* text before the first prompt */
int ztp_cli_paging_off(const struct ztp_cli *c);	/* 0: the pager is answered */
void ztp_cli_close(struct ztp_cli *c);	/* NULL is fine */

/* ---- the pure parts (for tests and fuzzing) */

/* Render text the way a terminal shows it: ANSI/VT100 escapes dropped
 * (cursor-left and erase-line applied), backspace and bare CR move the
 * cursor back (later bytes overwrite), CR LF is LF, other control bytes
 * dropped, trailing blanks of each line cut, pager prompts removed.  out
 * gets at most n + 1 bytes (NUL-terminated); returns the length. */
size_t ztp_cli_clean(const char *in, size_t n, char *out);

/* 1 when the last line of text (clean, after the last LF) looks like a
 * prompt: 1..80 bytes, no control bytes, ending (spaces aside) in one of
 * # > $ % ] and not a pager prompt. */
int ztp_cli_looks_like_prompt(const char *text, size_t n);

/* The base of a prompt ("Router" for "Router(config)#", "user@r1" for
 * "user@r1> ", "HUAWEI" for "<HUAWEI>") into base (size bsz); -1 when it
 * is not a prompt. */
int ztp_cli_prompt_base(const char *prompt, size_t n, char *base, size_t bsz);

/* 1 when line (n bytes) is a prompt of the device whose base is base. */
int ztp_cli_prompt_match(const char *base, const char *line, size_t n);

/* The offset of the pager prompt ending text ("--More--", "---- More ----",
 * "---(more)---", "---(more 42%)---"), or -1. */
long ztp_cli_pager_at_end(const char *text, size_t n);

/* The first line of out (clean) that is a device's error message for
 * platform (NULL: any), copied into line (size lsz); 1 when found. */
int ztp_cli_error_line(const char *platform, const char *out, size_t n,
		       char *line, size_t lsz);

#endif
