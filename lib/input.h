/* input.h: where a tool's records come from.
 *
 * The rule lives here once: the operands name files ("-" is stdin); with no
 * operand, stdin is read when it is not a terminal.  Each record (or each
 * bad document, with its error) goes to a callback, so a bad record is
 * reported and the batch goes on. */
#ifndef ZTP_INPUT_H
#define ZTP_INPUT_H

#include "err.h"
#include "val.h"

/* fn gets a record (borrowed; take a reference to keep it) and NULL, or NULL
 * and the error of a bad document.  A non-zero return stops the loop and
 * is returned.  *nbad counts bad documents and unreadable files. */
typedef int (*ztp_input_fn)(void *ctx, struct ztp_val *rec, const struct ztp_err *bad);
int ztp_input_records(int argc, char *const *argv, ztp_input_fn fn, void *ctx,
		      int *nbad);

/* 1 when the rule gives nothing to read: no operand and stdin is a tty. */
int ztp_input_none(int argc);

#endif
