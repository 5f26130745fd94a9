/* fleet.h: the device loop shared by ztp-probe and ztp-push.
 *
 * A pass takes records from host operands, from records on a file
 * descriptor, or by claiming them from a spool stage, and runs one job per
 * device in its own worker process (at most jmax at once), each with its
 * own deadline: one slow or dead device never delays the others beyond
 * that.  The worker does the job (logs in over SSH through the jump hosts,
 * opens a CLI session, ...) and sends back the result; the parent adds the
 * history entry or the error to the record and commits it to the success
 * or the failure stage, or prints it.
 *
 * The library does not print: messages for the operator go to the vlog
 * hook (tools pass ztp_vlog). */
#ifndef ZTP_FLEET_H
#define ZTP_FLEET_H

#include <stdarg.h>

#include "buf.h"

#include "cli.h"
#include "conf.h"
#include "sshalg.h"
#include "sshset.h"
#include "val.h"

#define ZTP_FLEET_MAX_REDACT 64

/* what every worker needs, set up once by the parent */
struct ztp_fleet_ctx {
	struct ztp_conf *conf;
	struct ztp_val *secrets;	/* credentials without the enable one */
	const char *enable;		/* the enable secret, or NULL */
	struct ztp_sshset_cli cli;
	struct ztp_sshalg_lib lib;
	const char *logdir;		/* $SPOOL/log for transcripts, or NULL */
	const char *redact[ZTP_FLEET_MAX_REDACT];	/* passwords, NULL-terminated */
	struct ztp_val *allcreds;	/* the strings above point into it */
	/* before each login, read the device's offer (lib/kexscan.h) and
	 * fail with the kexcheck diagnosis when it cannot negotiate: no
	 * login attempted.  Off unless the tool sets it. */
	int preflight;
	char logbuf[1024];
};

/* Load the configuration (cfile NULL: the default), the secrets file and
 * the algorithm tables; the enable secret is `enable:` or the credential
 * named "enable" (taken out of the login list).  Errors are the
 * configuration's: ZTP_ERR_USAGE and friends. */
int ztp_fleet_init(struct ztp_fleet_ctx *F, const char *cfile,
		   const struct ztp_sshset_cli *cli, struct ztp_err *e);
/* Transcripts into $SPOOL/log (created): 0, or -1 when not writable. */
int ztp_fleet_logdir(struct ztp_fleet_ctx *F);
void ztp_fleet_fini(struct ztp_fleet_ctx *F);

/* ---- transcripts: the device's bytes as they came, secrets replaced by
 * "<redacted>" also when the device sends them in pieces (a window of the
 * longest secret is held back across writes; CR, LF, BS and NUL between
 * its characters are skipped), and stored escaped (ztp_escape_text: no
 * escape sequence, C1 control or bidi override, "\x1b" for ESC).  A
 * session keeps at most ZTP_TLOG_CAP bytes, then a line says how much was
 * cut; a transcript that reached the cap is rotated at the next session
 * (<id>.log.1 ... .ZTP_TLOG_KEEP). */
#define ZTP_TLOG_CAP ((size_t)1 << 20)
#define ZTP_TLOG_KEEP 3
struct ztp_tlog {
	int fd;
	const char *const *redact;
	struct ztp_buf hold;	/* not written yet: maybe a secret's start */
	size_t written, cut;	/* this session's bytes: kept, over the cap */
};

/* $logdir/<id>.log, appended; fd -1 when there is none */
void ztp_tlog_open(struct ztp_tlog *t, const struct ztp_fleet_ctx *F, const char *id);
/* writes what is held back, and the cut line */
void ztp_tlog_close(struct ztp_tlog *t);
/* the ztp_cli_opts.log hook (ctx: struct ztp_tlog) */
void ztp_tlog_write(void *ctx, enum ztp_cli_dir d, const char *p, size_t n);
/* a "### <time> text" line (kept past the cap) */
void ztp_tlog_note(struct ztp_tlog *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Rotate $logdir/<id>.log when it has ZTP_TLOG_CAP bytes or more. */
void ztp_tlog_rotate(const char *logdir, const char *id);

/* ---- in the worker: a device session */
struct ztp_fleet_dev {
	struct ztp_sshset set;
	struct ztp_ssh *ssh;
	struct ztp_cli *cli;
	struct ztp_tlog tl;
	const char *platform;	/* the session's, once open */
};

/* Log in to the record's device (ip, else id; its rack and platform pick
 * the ssh settings; after the pre-flight when F->preflight) and open a
 * CLI session.  platform: forced, or NULL
 * (the record's, else detected).  On failure res gets kind, message and,
 * for a negotiation failure, fix (the kexcheck diagnosis); returns -1.
 * ztp_fleet_dev_close in every case. */
int ztp_fleet_dev_open(struct ztp_fleet_dev *d, const struct ztp_fleet_ctx *F,
		       const struct ztp_val *rec, const char *platform, const char *tool,
		       struct ztp_val *res);
void ztp_fleet_dev_close(struct ztp_fleet_dev *d);

/* The platform's probe commands run on a CLI session (SSH or a console
 * line) and their outputs parsed into facts (ztp_facts_new): the first
 * command must answer, the others may be refused (an inventory the box
 * lacks); a fallback (show module where show inventory fails) runs only
 * when what it backs up failed.  parsed and ran (may be NULL) count
 * outputs and the commands sent.  0, or the failed
 * command's error (ztp_cli_run's, or ZTP_ERR_PARSE for a first output
 * without facts). */
int ztp_fleet_facts(struct ztp_cli *cli, const char *platform, struct ztp_val *facts,
		    size_t *parsed, size_t *ran, struct ztp_err *e);

/* res.kind and res.message (printf) for a failed job; returns -1 */
int ztp_fleet_fail(struct ztp_val *res, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the pass, in the parent */
struct ztp_fleet_pass {
	struct ztp_fleet_ctx *F;
	const char *tool;		/* "ztp-probe": history and errors */
	/* where records come from: recs (ztp_fleet_operands), else the spool
	 * stage from, else records on in_fd; from is also the
	 * stage a failed record is retried from */
	struct ztp_val **recs;
	size_t nrecs;
	struct ztp_spool *sp;
	const char *from;		/* "discovered" */
	int in_fd;
	/* where they go: the spool's ok_stage or fail_stage, else stdout */
	const char *ok_stage;		/* "probed"; also the history stage */
	const char *fail_stage;		/* "failed" */
	int json;			/* stdout: JSON lines, else YAML */
	/* a dry run: res.output (text) goes to stdout instead of the record,
	 * and claimed records go back to their stage untouched */
	int dry;
	long jmax;			/* devices at once, 1..256 */
	double deadline;		/* seconds per device */
	/* a device past the deadline: 1 gives its record back to its stage
	 * (exit 75, as ztp-push does for any timeout mid-push), 0 fails it
	 * with kind timeout (ztp-probe: ztp-flow retries it with backoff) */
	int deadline_requeue;
	/* The job, in the worker process: change rec (facts ...), put
	 * "detail" (success) or kind/message/fix (ztp_fleet_fail) into res,
	 * return 0 or -1.  res.requeue = true gives a claimed record back to
	 * its stage untouched (the job did nothing that needs recording). */
	int (*job)(void *arg, const struct ztp_fleet_ctx *F, struct ztp_val *rec,
		   struct ztp_val *res);
	void *arg;
	void (*vlog)(int level, const char *fmt, va_list ap)	/* ZTP_LOG_* */
		__attribute__((format(printf, 2, 0)));
	/* counts, after the pass: failed counts every failed job; negative
	 * is set by a final failure, tempfail by a temporary one (or an I/O
	 * failure), bad by bad input */
	size_t done, failed, requeued;
	int negative, tempfail, bad;
	/* the signal (SIGTERM, SIGINT, SIGHUP) that stopped the pass, or 0:
	 * its workers were killed and reaped, their records given back to
	 * their stage; the tool then dies of it as it was asked to */
	int stopped;
	struct ztp_claim **held;	/* internal */
	size_t nheld;
	int nomore;			/* internal: a commit failed, claim no more */
};

/* The record of one operand by the input rule (lib/input.h): the first
 * record of a file or of stdin ("-"), the record with that id in the
 * spool (read, not claimed), or {id: host, ip: host} for a host.  NULL
 * with e set when the operand is bad (a host with a port among them: a
 * record has no place for it). */
struct ztp_val *ztp_fleet_operand(const struct ztp_fleet_ctx *F, const char *arg,
				  struct ztp_err *e);

/* recs from the operands, else from stdin when it is not a terminal, by
 * the input rule (lib/input.h); a bad one is logged and sets bad.  p->F
 * and p->vlog must be set. */
void ztp_fleet_operands(struct ztp_fleet_pass *p, char **ops, int n);
/* Free recs and close the spool of a pass. */
void ztp_fleet_pass_free(struct ztp_fleet_pass *p);

/* A tool's pass: records claimed from the spool (spool_mode), else
 * ztp_fleet_operands (the operands, else stdin); transcripts into $SPOOL/log; then
 * ztp_fleet_run and ztp_fleet_pass_free.  Returns the exit status. */
int ztp_fleet_drive(struct ztp_fleet_pass *p, int spool_mode, char **ops, int nops);

/* Run the pass; returns the exit status, the outcomes merged with
 * ztp_exit_merge: ZTP_EXIT_USAGE for bad input > ZTP_EXIT_TEMPFAIL (a
 * temporary failure of a device, an I/O error) > ZTP_EXIT_NEGATIVE (a
 * device failed for good) > 0. */
int ztp_fleet_run(struct ztp_fleet_pass *p);

#endif
