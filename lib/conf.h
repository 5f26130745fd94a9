/* conf.h: ztp.yml, the one configuration file of every tool.
 *
 * Found at -c FILE, else $ZTP_CONFIG, else /etc/ztp/ztp.yml (a missing
 * default file means built-in defaults).  Loaded with libyaml into typed
 * structures described by schemas (tables of keys with types, offsets and
 * defaults), so each module declares its own section and gets: every error
 * naming file, line and key; unknown keys refused with "did you mean";
 * `-T` printing of the effective configuration.
 *
 * Secrets (passwords, tokens) live in a separate file named by `secrets:`
 * that must be mode 0600 (or stricter) and owned by the reading user or
 * root, or the tool refuses to read it.  -T never prints secrets. */
#ifndef ZTP_CONF_H
#define ZTP_CONF_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "str.h"
#include "val.h"

#define ZTP_CONF_DEFAULT "/etc/ztp/ztp.yml"

enum ztp_ctype {
	ZTP_CT_STR,		/* char * */
	ZTP_CT_PATH,		/* char *, relative paths resolved against the file's directory */
	ZTP_CT_INT,		/* long long, within [min, max] */
	ZTP_CT_BOOL,		/* int */
	ZTP_CT_DURATION,	/* long long seconds: 30, 30s, 5m, 2h, 1d */
	ZTP_CT_ENUM,		/* int index into .enums */
	ZTP_CT_STRLIST,		/* struct ztp_strlist (a scalar is a list of one) */
	ZTP_CT_SECTION,		/* nested struct described by .sub */
	ZTP_CT_MAP,		/* name -> struct .sub, into struct ztp_conf_map */
	ZTP_CT_LIST,		/* list of struct .sub, into struct ztp_conf_map */
	ZTP_CT_ANY,		/* struct ztp_val * kept as is (interpreted elsewhere) */
};

/* Items of a ZTP_CT_MAP/ZTP_CT_LIST: an array of structs of .sub->size bytes;
 * for maps the first member of each struct is `char *name` (the key). */
struct ztp_conf_map {
	void *items;
	size_t n;
};

struct ztp_conf_schema;

struct ztp_conf_key {
	const char *name;
	enum ztp_ctype type;
	size_t off;
	const char *def;		/* default as YAML text, or NULL */
	long long min, max;		/* ZTP_CT_INT */
	const char *const *enums;	/* ZTP_CT_ENUM, NULL-terminated */
	const struct ztp_conf_schema *sub;
	const char *doc;		/* one line, for -T comments and the man page */
};

struct ztp_conf_schema {
	const char *name;
	size_t size;			/* of the struct it fills */
	const struct ztp_conf_key *keys;	/* ends with {NULL} */
};

/* Fill obj from the mapping m (NULL: all defaults).  file and where
 * ("racks.rack1") name the place in messages. */
int ztp_conf_apply(const struct ztp_conf_schema *s, void *obj,
		   const struct ztp_val *m, const char *file, const char *where,
		   struct ztp_err *e);
void ztp_conf_release(const struct ztp_conf_schema *s, void *obj);
/* The effective values as YAML, indented by indent spaces. */
int ztp_conf_dump(const struct ztp_conf_schema *s, const void *obj,
		  struct ztp_buf *b, int indent);

/* ---- the top level of ztp.yml ---- */

struct ztp_conf_backend {
	char *url;		/* where records are POSTed (JSON); NULL: nobody */
	long long timeout;
	int verify_tls;
	char *ca_file;		/* CA certificates to verify it with, or NULL:
				   the system's */
	long long retry_max;	/* give up a notification after this long */
};

/* ztp-flow's pass: how failed records come back */
struct ztp_conf_flow {
	long long retries;	/* automatic retries of a record, 0: none */
	long long backoff;	/* seconds before the first retry; doubles */
	long long backoff_max;	/* the longest wait between retries */
	char *hooks;		/* directory of stage-change hooks, or NULL */
	long long hook_timeout;	/* seconds per hook run */
};

struct ztp_conf {
	char *file;		/* the file read, or NULL for defaults */
	char *spool;
	int spool_shared;	/* several hosts: refused on a local filesystem */
	char *secrets;
	struct ztp_conf_backend backend;
	struct ztp_conf_flow flow;
	struct ztp_val *ssh;		/* interpreted by the SSH layer */
	struct ztp_val *racks;		/* interpreted by dhcpd/console */
	struct ztp_val *dhcp;
	struct ztp_val *templates;
	struct ztp_val *services;
	struct ztp_val *platforms;
	struct ztp_val *devices;
	struct ztp_val *raw;		/* the whole document */
};

/* The keys of ztp.yml's top level and of the secrets file; the sections
 * other modules read have theirs beside them (sshset.h, dhcpconf.h,
 * conline.h, pushconf.h): tests/man.t checks ztp.yml(5) against all. */
extern const struct ztp_conf_schema ztp_conf_schema;
extern const struct ztp_conf_schema ztp_secrets_schema;

/* Load path (NULL: $ZTP_CONFIG or the default).  A spool given by the
 * tool's own option overrides the file with ztp_conf_set_spool(). */
int ztp_conf_load(struct ztp_conf **c, const char *path, struct ztp_err *e);
void ztp_conf_free(struct ztp_conf *c);
void ztp_conf_set_spool(struct ztp_conf *c, const char *dir);
/* The ztp_spool_open flag the configuration asks for: ZTP_SPOOL_SHARED
 * when spool_shared is set, else 0. */
int ztp_conf_spool_flags(const struct ztp_conf *c);
/* ztp-* -T */
int ztp_conf_print(const struct ztp_conf *c, struct ztp_buf *b);

/* Read the secrets file named by the configuration (mode checks first).
 * ZTP_ERR_PERM when its mode or owner is unsafe, ZTP_ERR_CONFIG when the
 * configuration names none. */
int ztp_secrets_load(const struct ztp_conf *c, struct ztp_val **out,
		     struct ztp_err *e);
int ztp_secrets_check_file(const char *path, struct ztp_err *e);

#endif
