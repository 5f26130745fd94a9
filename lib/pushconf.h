/* pushconf.h: what ztp-push renders and pushes with, from ztp.yml: the
 * `templates:` section (search path, variable layers, source of truth,
 * renderer options) and the `services:` section. */
#ifndef ZTP_PUSHCONF_H
#define ZTP_PUSHCONF_H

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "str.h"
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

/* The keys of the templates: and services: sections. */
extern const struct ztp_conf_schema ztp_templates_schema, ztp_services_schema;

#endif
