/* str.h: strings from untrusted places.
 *
 * Escaping for terminals and logs, file-name-safe ids, numbers parsed with
 * full checking, MAC addresses, "did you mean" suggestions, UTC timestamps. */
#ifndef ZTP_STR_H
#define ZTP_STR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

/* Append s[0..n) to b so that it is safe on a terminal and in a log line:
 * printable ASCII and valid printable UTF-8 pass, backslash becomes "\\",
 * \n \r \t become "\n" "\r" "\t", any other control byte, DEL, C1 control
 * and every byte of invalid UTF-8 becomes "\xNN". */
int ztp_escape(struct ztp_buf *b, const char *s, size_t n);
/* The same for text kept as text (transcripts): TAB, LF, CR and the
 * backslash pass as they are, the rest as by ztp_escape ("\x1b" for ESC),
 * so that no escape sequence, C1 control or bidi override reaches the
 * terminal that shows it. */
int ztp_escape_text(struct ztp_buf *b, const char *s, size_t n);
/* Escape a NUL-terminated string into a static ring of buffers: for
 * messages only (valid until 8 more calls; truncated at 512 bytes). */
const char *ztp_esc(const char *s);

/* 1 when s[0..n) is well-formed UTF-8 without NUL bytes and without
 * overlongs, surrogates or code points past U+10FFFF. */
int ztp_utf8_valid(const char *s, size_t n);

/* Append code point cp (at most U+10FFFF) UTF-8 encoded. */
void ztp_utf8_put(struct ztp_buf *b, unsigned long cp);

/* The value of hex digit c (either case), -1 when it is none. */
int ztp_hexval(int c);

/* Ids name files in the spool: 1 to ZTP_ID_MAX bytes of [A-Za-z0-9._-],
 * starting with a letter or digit (so never "." "..", never hidden). */
#define ZTP_ID_MAX 128
int ztp_id_valid(const char *id);
/* Id from a MAC: "0c-d9-96-aa-bb-cc".  out needs 18 bytes. */
void ztp_id_from_mac(const uint8_t mac[6], char out[18]);
/* Id from a serial number: letters, digits, '.', '-', '_' kept, anything
 * else becomes '_'; -1 when nothing usable is left. */
int ztp_id_from_serial(const char *serial, char *out, size_t outsz);

/* MAC in aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or
 * aabbccddeeff form (any case); 0 or -1. */
int ztp_mac_parse(const char *s, uint8_t mac[6]);
void ztp_mac_format(const uint8_t mac[6], char out[18]);	/* aa:bb:... */

/* Whole-string integer parsing with range: 0 or -1 (errno EINVAL/ERANGE). */
int ztp_parse_ll(const char *s, long long min, long long max, long long *out);
/* Durations: "30", "30s", "5m", "2h", "1d" into seconds. */
int ztp_parse_duration(const char *s, long long *secs);

/* The candidate closest to word (edit distance at most 2, or a third of its
 * length), or NULL.  cands is NULL-terminated. */
const char *ztp_did_you_mean(const char *word, const char *const *cands);

/* Lower-case hex of p[0..n); out needs 2n+1 bytes. */
void ztp_hex(char *out, const uint8_t *p, size_t n);

/* "2026-11-23T10:00:00Z"; out needs 21 bytes. */
void ztp_time_iso(time_t t, char out[21]);
/* Parse that format back; -1 when it is not one. */
int ztp_time_parse(const char *s, time_t *t);

/* strdup that never returns NULL for a NULL argument's sake: NULL in,
 * NULL out; on ENOMEM NULL. */
char *ztp_strdup(const char *s);
int ztp_streq(const char *a, const char *b);	/* NULL-safe */
/* true when s starts with prefix */
int ztp_startswith(const char *s, const char *prefix);

/* A growable list of strings, each a copy; zero-initialised is empty. */
struct ztp_strlist {
	char **v;
	size_t n;
};
void ztp_strlist_add(struct ztp_strlist *l, const char *s);	/* a copy of s */
int ztp_strlist_has(const struct ztp_strlist *l, const char *s);
void ztp_strlist_free(struct ztp_strlist *l);

#endif
