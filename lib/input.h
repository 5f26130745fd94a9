/* input.h: where a tool's devices and records come from.
 *
 * The rule lives here once (ztp(7), Operands).  An operand is, tried in
 * this order:
 *
 *   -                      standard input
 *   a file                 a path holding '/' or naming a regular file
 *   a spool id             when a spool is configured and holds a record
 *                          with that id (read, not claimed)
 *   host, host:port,       anything else: a name or an address, IPv6 in
 *   [v6addr]:port          brackets when a port follows
 *
 * With no operand, standard input is read when it is not a terminal.
 * Standard input and files are read whole (at most ZTP_INPUT_MAX bytes)
 * and hold either records (a YAML stream, with or without a leading
 * "---", or JSON lines) or host lines (one host[:port] a line; blank lines
 * and "#" comments skipped): the first line that is neither blank nor a
 * comment tells which (ztp_input_is_records).
 *
 * Each target, or each bad one with its error, goes to a callback, so a
 * bad operand or document is reported and the batch goes on.
 *
 * ztp_input_records is the older, records-only form (ztp-spool put and
 * commit): operands are files. */
#ifndef ZTP_INPUT_H
#define ZTP_INPUT_H

#include <stddef.h>

#include "err.h"
#include "val.h"

#define ZTP_INPUT_MAX ((size_t)256 << 20)	/* bytes of one file or stdin */
#define ZTP_INPUT_LINE 1024			/* bytes of a host line */

enum ztp_target_kind {
	ZTP_TARGET_HOST,	/* a host operand or host line */
	ZTP_TARGET_RECORD,	/* a record: from a file, stdin or the spool */
};

struct ztp_target {
	enum ztp_target_kind kind;
	/* HOST: the host as given (brackets removed); RECORD: its ip, else
	 * host, else id, else "" */
	char host[256];
	/* the port given with the host ("host:port", "[v6]:port"), else "" */
	char port[8];
	/* RECORD: the record, borrowed (take a reference to keep it);
	 * HOST: NULL */
	struct ztp_val *rec;
	/* for messages: the operand, the file's name or "standard input",
	 * with ":LINE" for a host line */
	const char *source;
};

struct ztp_input_opts {
	const char *spool;	/* look operands up as record ids; NULL: no */
	int spool_flags;	/* for ztp_spool_open: ztp_conf_spool_flags */
};

/* t: a target (borrowed) and NULL, or NULL and the error of a bad operand,
 * line or document.  A non-zero return stops the loop and is returned. */
typedef int (*ztp_target_fn)(void *ctx, const struct ztp_target *t, const struct ztp_err *bad);

/* The targets of the operands, else of stdin (not a terminal).  *nbad
 * counts the bad ones.  o may be NULL. */
int ztp_input_targets(int argc, char *const *argv, const struct ztp_input_opts *o,
		      ztp_target_fn fn, void *ctx, int *nbad);

/* One host operand: "host", "host:port", "[v6]:port", "v6addr" (more than
 * one colon and no brackets: an address without a port).  0, or
 * ZTP_ERR_USAGE with the reason. */
int ztp_input_host(const char *s, struct ztp_target *t, struct ztp_err *e);

/* 1 when text (n bytes) holds records, 0 when host lines (or nothing): its
 * first line that is neither blank nor a "#" comment starts a YAML
 * document ("---", "%"), a JSON object ("{") or a mapping ("key:" then a
 * blank or the end of the line). */
int ztp_input_is_records(const char *text, size_t n);

/* ---- records only (ztp-spool put, commit) */

/* fn gets a record (borrowed; take a reference to keep it) and NULL, or NULL
 * and the error of a bad document.  A non-zero return stops the loop and
 * is returned.  *nbad counts bad documents and unreadable files. */
typedef int (*ztp_input_fn)(void *ctx, struct ztp_val *rec, const struct ztp_err *bad);
int ztp_input_records(int argc, char *const *argv, ztp_input_fn fn, void *ctx,
		      int *nbad);

/* 1 when the rule gives nothing to read: no operand and stdin is a tty. */
int ztp_input_none(int argc);

#endif
