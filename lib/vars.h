/* vars.h: what ztp-push renders with: the `templates:` and `services:`
 * sections of ztp.yml, and a device's variables merged from their layers.
 *
 * Layers, lowest first (a later one wins; mappings merge key by key, any
 * other value, lists included, is replaced whole):
 *
 *   defaults   <vars>/defaults.yml
 *   rack       <vars>/racks/<rack>.yml          (the record's rack)
 *   service    <vars>/services/<service>.yml
 *   platform   <vars>/platforms/<platform>.yml
 *   record     the record itself as `device` (facts included), and its
 *              `vars:` mapping (what the backend or an operator put there)
 *   source     templates.source.url: an HTTP GET (JSON or YAML mapping),
 *              e.g. a NetBox-style API queried by serial
 *   overrides  <vars>/devices/<id>.yml, then <vars>/devices/<serial>.yml
 *
 * A layer file that does not exist is skipped (and shown as such by
 * ztp_vars_explain); one that does not parse, or is not a mapping, is an
 * error naming file and line. */
#ifndef ZTP_VARS_H
#define ZTP_VARS_H

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "tmpl.h"
#include "val.h"

struct ztp_pushconf {
	struct ztp_strlist path;	/* template directories, absolute */
	char *vars;			/* the layer directory */
	char *source_url;		/* NULL: no source of truth */
	long long source_timeout;	/* seconds */
	int source_verify_tls;
	char *source_ca_file;
	int source_optional;		/* a 404 is an empty layer, not an error */
	struct ztp_tmpl_opts topts;	/* trim/lstrip/keep newline, undefined */
	long long confirm_minutes;	/* JunOS commit confirmed N */
	char *default_service;
	struct ztp_val *services;	/* borrowed from the configuration */
	const char *file;		/* ztp.yml, for messages */
};

/* Read templates: and check services: (file, line and key in errors). */
int ztp_pushconf_load(const struct ztp_conf *c, struct ztp_pushconf *pc, struct ztp_err *e);
void ztp_pushconf_free(struct ztp_pushconf *pc);
/* the effective settings, YAML (for -T) */
int ztp_pushconf_print(const struct ztp_pushconf *pc, struct ztp_buf *b);

/* The template search path of a platform: each directory's <platform>/
 * sub-directory, then the directory itself (malloc'ed strings into *dirs,
 * n of them; free with ztp_strlist_free on a strlist). */
void ztp_pushconf_search(const struct ztp_pushconf *pc, const char *platform,
			 struct ztp_strlist *dirs);
/* The template of a service (services.<s>.template, else "<s>.j2") and
 * its post-checks file (services.<s>.verify, else "<stem>.verify.yml"
 * found on the search path; NULL when there is none).  Returns
 * ZTP_ERR_NOTFOUND for a service neither configured nor with a template
 * on the path. */
int ztp_pushconf_service(const struct ztp_pushconf *pc, const char *service,
			 const char *platform, char **tmpl, char **verify, struct ztp_err *e);

struct ztp_vars {
	struct ztp_val *vars;		/* the merged mapping */
	struct ztp_val *origin;		/* same shape; leaves: layer name strings */
	struct ztp_strlist layers;	/* "rack: /etc/ztp/vars/racks/r1.yml" or "... (none)" */
};

/* Merge the layers for rec (service and platform as decided by the
 * caller).  token: bearer token for the source, or NULL. */
int ztp_vars_build(const struct ztp_pushconf *pc, const struct ztp_val *rec,
		   const char *service, const char *platform, const char *token,
		   struct ztp_vars *v, struct ztp_err *e);
void ztp_vars_free(struct ztp_vars *v);
/* The layers read, then one line per leaf: "path: value  <- layer" */
int ztp_vars_explain(const struct ztp_vars *v, struct ztp_buf *b);

/* Merge src into dst (maps recursively, else replace); origin (may be
 * NULL) gets name at each replaced leaf. */
void ztp_vars_merge(struct ztp_val *dst, const struct ztp_val *src, struct ztp_val *origin,
		    const char *name);

#endif
