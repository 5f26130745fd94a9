/* sshalg.h: SSH algorithm sets: what the linked libssh can do, OpenSSH's
 * list syntax, and RFC 4253 negotiation.
 *
 * Lists are plain C strings of comma-separated names ("a,b,c"), the form
 * they take on the wire, in ssh_config and in libssh's options.
 *
 * libssh 0.10 accepts neither "+a" nor "-a" nor "^a" and quietly replaces
 * its defaults instead (see DESIGN.md), so the toolkit assembles every list
 * itself with ztp_sshalg_apply() and always hands libssh a full explicit
 * list.  Names the library cannot use are reported, never dropped
 * silently.
 *
 * "Pseudo-algorithms" (ext-info-c/s, kex-strict-c/s-v00@openssh.com) are
 * protocol-extension markers in the kex list: they never negotiate, never
 * appear in a fix, and are removed from lists given by users. */
#ifndef ZTP_SSHALG_H
#define ZTP_SSHALG_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "val.h"

/* The categories a client configures (ssh_config keywords). */
enum ztp_alg_cat {
	ZTP_ALG_KEX, ZTP_ALG_HOSTKEY, ZTP_ALG_CIPHER, ZTP_ALG_MAC,
	ZTP_ALG_COMP, ZTP_ALG_PUBKEY, ZTP_ALG_NCAT
};
const char *ztp_sshalg_cat_name(int cat);	/* "kex", "hostkey", "cipher", "mac", "compression", "pubkey" */
const char *ztp_sshalg_cat_keyword(int cat);	/* "KexAlgorithms", ... (ssh_config) */
const char *ztp_sshalg_cat_yml(int cat);	/* "kex_algorithms", ... (ztp.yml ssh:) */
/* A category from any of those spellings (case-insensitive), or -1. */
int ztp_sshalg_cat_parse(const char *s);

/* What one libssh build supports and enables by default. */
struct ztp_sshalg_lib {
	char version[32];	/* "0.10.6" (ssh_version()) */
	char table[128];	/* which table and where it comes from */
	int verified;		/* 1: the table was checked against that series */
	char *supported[ZTP_ALG_NCAT];
	char *defaults[ZTP_ALG_NCAT];
	char *removed;		/* names taken away by ztp_sshalg_lib_without, or NULL */
};

/* Fill l from the table for version ("0.10.6", "0.11"; NULL: the linked
 * library's ssh_version(0)).  Versions before 0.10 are refused; later
 * series than the newest table use it with verified = 0. */
int ztp_sshalg_lib_load(struct ztp_sshalg_lib *l, const char *version, struct ztp_err *e);
/* Ask the linked library (ssh_options_set per name) and drop the table's
 * names it refuses (a FIPS build, a build without group exchange).
 * Returns how many were dropped; their names are appended to *dropped
 * when not NULL.  Only meaningful when l describes the linked library. */
int ztp_sshalg_lib_probe(struct ztp_sshalg_lib *l, struct ztp_buf *dropped);
/* Take names (a list; wildcards allowed) out of every category, as a
 * library upgrade that removed them would.  Returns how many went. */
int ztp_sshalg_lib_without(struct ztp_sshalg_lib *l, const char *names);
void ztp_sshalg_lib_free(struct ztp_sshalg_lib *l);

/* Name predicates */
int ztp_sshalg_pseudo(const char *name);	/* ext-info-*, kex-strict-* */
int ztp_sshalg_aead(const char *cipher);	/* chacha20-poly1305, aes*-gcm: no MAC */
/* Why name is weak ("SHA-1 key exchange"), or NULL. */
const char *ztp_sshalg_weak(const char *name);
/* Known to SSH implementations at all (for "unsupported" vs "unknown"). */
int ztp_sshalg_known(int cat, const char *name);
/* Modern-first rank within cat: smaller is better; unknown names last. */
int ztp_sshalg_rank(int cat, const char *name);

/* OpenSSH pattern match: '*' any run, '?' one character. */
int ztp_sshalg_match(const char *pattern, const char *name);
/* 1 when the list holds name exactly. */
int ztp_sshalg_has(const char *list, const char *name);
/* Number of names in a list (0 for NULL or ""). */
size_t ztp_sshalg_count(const char *list);
/* The i-th name of list copied into out; 0 or -1 past the end/too long. */
int ztp_sshalg_nth(const char *list, size_t i, char *out, size_t outsz);
/* The names of a list as a list value (new reference). */
struct ztp_val *ztp_sshalg_list_val(const char *list);
/* list without pseudo-algorithms (malloc'ed). */
char *ztp_sshalg_strip_pseudo(const char *list);

/* Apply an OpenSSH list value to defaults:
 *   "a,b"   replaces,   "+a,b" appends,   "^a,b" prepends,
 *   "-a*,b" removes (wildcards '*' '?'),
 * wildcards also expand in plain, '+' and '^' lists for host key and
 * public key types (OpenSSH allows them only there; elsewhere they are an
 * error as in OpenSSH).  The result keeps the first occurrence of each
 * name and only names in supported.  A name that is dropped is reported
 * in warn (one line each, naming what: "'ssh-dss' is not supported by
 * libssh 0.10.6", "unknown algorithm 'x' (did you mean 'y'?)", "'ext-info-c'
 * is a protocol marker, not an algorithm").  An empty result is an error.
 * what names the source in messages ("--kex", "ztp.yml:12").  *out is
 * malloc'ed. */
int ztp_sshalg_apply(int cat, const char *spec, const char *defaults,
		     const char *supported, const char *libname, const char *what,
		     char **out, struct ztp_buf *warn, struct ztp_err *e);

/* The client's effective lists, one per category: spec[cat] (NULL: the
 * default) applied to lib's defaults with ztp_sshalg_apply.  what[cat]
 * names the source of each in messages (NULL: the keyword).  Sources that
 * are chained (command line, ssh_config Host blocks, ztp.yml) follow
 * OpenSSH: the first one that sets a category wins, so the caller picks
 * spec[cat] before calling.  out[] is malloc'ed (ztp_sshalg_lists_free). */
int ztp_sshalg_client_lists(const struct ztp_sshalg_lib *lib, const char *const *spec,
			    const char *const *what, char **out, struct ztp_buf *warn,
			    struct ztp_err *e);
void ztp_sshalg_lists_free(char **lists);

/* RFC 4253 7.1: the first client name the server also offers, ignoring
 * pseudo-algorithms; copied into out (1) or none (0). */
int ztp_sshalg_negotiate(const char *client, const char *server, char *out, size_t outsz);

#endif
