/* vars.h: what ztp-push renders with: a device's variables merged from
 * their layers (the settings that name the layers are in pushconf.h).
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
#include "pushconf.h"
#include "tmpl.h"
#include "val.h"

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
