/* record.h: device records (DESIGN.md "The device record").
 *
 * A record is a YAML mapping with at least a file-name-safe "id".  Unknown
 * keys are kept as they are, so a record survives every tool unchanged
 * except for what that tool adds.  Streams of records are YAML documents
 * ("---") or JSON lines. */
#ifndef ZTP_RECORD_H
#define ZTP_RECORD_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "val.h"
#include "yml.h"

#define ZTP_REC_MAX_BYTES ((size_t)1 << 20)	/* one record */
#define ZTP_REC_MAX_HISTORY 200			/* oldest entries dropped */

/* Check that v is a usable record: a mapping whose "id" passes
 * ztp_id_valid().  A record without an id but with a valid "mac" gets its id
 * from the MAC.  where names the input in messages ("file:line"). */
int ztp_rec_check(struct ztp_val *v, const char *where, struct ztp_err *e);
const char *ztp_rec_id(const struct ztp_val *rec);

/* The id made from rec's "mac" into buf, when it differs from rec's id
 * (the record was renamed to its serial); else NULL. */
const char *ztp_rec_mac_alias(const struct ztp_val *rec, char buf[18]);

/* A new record for a MAC seen now: id, mac, seen. */
struct ztp_val *ztp_rec_new_mac(const uint8_t mac[6]);

/* Append {at, tool, stage, result, detail} to "history". */
void ztp_rec_history(struct ztp_val *rec, const char *tool, const char *stage,
		     const char *result, const char *detail);
/* Set "error" ({tool, kind, message, fix, stage}); fix may be NULL. */
void ztp_rec_set_error(struct ztp_val *rec, const char *tool, const char *kind,
		       const char *message, const char *fix, const char *stage);
/* Add to "error" which hop of an SSH connection failed ("device", "jump
 * host") and, of a timeout, what did not come in time (the phase of struct
 * ztp_ssh_failure); NULL leaves a field out. */
void ztp_rec_error_where(struct ztp_val *rec, const char *hop, const char *phase);

/* Read one record from a file (exactly one document). */
int ztp_rec_load_file(const char *path, struct ztp_val **rec, struct ztp_err *e);

/* Streams: each call gives the next valid record (1), 0 at the end, or a
 * negative error for one bad document (the message names the input and
 * line); after a bad one, call again: JSON lines go on with the next line,
 * a YAML stream ends (its parser cannot resynchronise). */
struct ztp_rec_reader;
int ztp_rec_reader_open(struct ztp_rec_reader **r, int fd, const char *name,
			struct ztp_err *e);
/* The same over bytes already read (name is used in messages). */
int ztp_rec_reader_open_buf(struct ztp_rec_reader **r, const char *data, size_t len,
			    const char *name, struct ztp_err *e);
int ztp_rec_reader_next(struct ztp_rec_reader *r, struct ztp_val **rec,
			struct ztp_err *e);
void ztp_rec_reader_close(struct ztp_rec_reader *r);

enum ztp_rec_fmt { ZTP_REC_YAML, ZTP_REC_JSON };
/* "yaml" or "json" into *fmt; -1 for anything else. */
int ztp_rec_fmt_parse(const char *s, enum ztp_rec_fmt *fmt);
/* Append rec: a YAML document starting with "---", or one JSON line. */
int ztp_rec_format(struct ztp_buf *b, const struct ztp_val *rec,
		   enum ztp_rec_fmt fmt, struct ztp_err *e);
int ztp_rec_print(FILE *f, const struct ztp_val *rec, enum ztp_rec_fmt fmt,
		  struct ztp_err *e);

#endif
