/* toml.h: the part of TOML that lockfiles and pyproject.toml use, read
 * into a ztp_val tree (for ztp-kexcheck --lock).
 *
 * Tables ([a.b]), arrays of tables ([[a]]), bare, quoted and dotted keys,
 * basic and literal strings (single and multi-line), integers, floats,
 * booleans, dates (kept as strings), arrays (across lines, with comments
 * and a trailing comma) and inline tables.  Every value keeps its source
 * line in ->line.  Bounded: the input size is the caller's, nesting is at
 * most 32 deep, a string at most 1 MiB.  Errors are ZTP_ERR_PARSE with
 * "name:line: what" in the message; nothing is guessed. */
#ifndef ZTP_TOML_H
#define ZTP_TOML_H

#include <stddef.h>

#include "err.h"
#include "val.h"

/* 0 and a new map in *out, or a negative ZTP_ERR_* */
int ztp_toml_parse(const char *data, size_t len, const char *name, struct ztp_val **out,
		   struct ztp_err *e);

#endif
