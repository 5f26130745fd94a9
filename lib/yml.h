/* yml.h: YAML and JSON in and out of ztp_val trees (libyaml underneath).
 *
 * Reading resolves plain scalars like PyYAML's SafeLoader (YAML 1.1: yes/no
 * and on/off are booleans, 010 is octal, 1:30 is sexagesimal, "1e3" is a
 * string), so templates see the same variables Python Jinja2 would.
 * Aliases share the anchored node; "<<" merge keys are applied.  Everything
 * is bounded: input bytes, nesting depth, nodes after alias expansion
 * (billion laughs stops at the limit), and bytes per document.  Errors name
 * the input and the line.
 *
 * A stream whose first non-blank byte is '{' is read as JSON lines (one
 * object per line), so `-o json` output can be piped back in. */
#ifndef ZTP_YML_H
#define ZTP_YML_H

#include "err.h"
#include "val.h"

struct ztp_yml_opts {
	size_t max_bytes;	/* whole input; 0: 256 MiB */
	size_t max_doc_bytes;	/* one document; 0: no limit beyond max_bytes */
	size_t max_nodes;	/* per document after alias expansion; 0: 1,000,000 */
	int max_depth;		/* 0: 64 */
	int dup_keys;		/* 1: a repeated key is an error (configuration) */
};

struct ztp_yml_reader;

/* name is used in messages ("-" or a path).  The reader keeps its own copy
 * of the data. */
int ztp_yml_open_buf(struct ztp_yml_reader **r, const char *data, size_t len,
		     const char *name, const struct ztp_yml_opts *o, struct ztp_err *e);
int ztp_yml_open_fd(struct ztp_yml_reader **r, int fd, const char *name,
		    const struct ztp_yml_opts *o, struct ztp_err *e);
/* 1 and a new reference in *doc, 0 at the end, <0 on error.  *line is the
 * line where the document starts.  After an error in YAML mode the rest of
 * the stream cannot be read (0 follows); in JSON-lines mode the next line
 * can. */
int ztp_yml_next(struct ztp_yml_reader *r, struct ztp_val **doc, int *line,
		 struct ztp_err *e);
void ztp_yml_close(struct ztp_yml_reader *r);

/* A file holding exactly one document (an empty file gives null). */
int ztp_yml_load_file(const char *path, const struct ztp_yml_opts *o,
		      struct ztp_val **out, struct ztp_err *e);
int ztp_yml_load_buf(const char *data, size_t len, const char *name,
		     const struct ztp_yml_opts *o, struct ztp_val **out,
		     struct ztp_err *e);

/* The value PyYAML would give this plain scalar (new reference). */
struct ztp_val *ztp_yml_resolve(const char *s, size_t n);

/* Append v as one YAML document ("---" first when start_doc). */
int ztp_yml_emit(struct ztp_buf *b, const struct ztp_val *v, int start_doc,
		 struct ztp_err *e);
/* Append v as compact JSON (no newline).  Keys that are not strings are
 * written as their string form, NaN and infinities as null. */
#define ZTP_JSON_SORT_KEYS 1
#define ZTP_JSON_ASCII 2	/* \uXXXX for everything past U+007F */
int ztp_json_emit(struct ztp_buf *b, const struct ztp_val *v, int flags);
/* JSON string literal for s[0..n). */
int ztp_json_str(struct ztp_buf *b, const char *s, size_t n, int flags);

#endif
