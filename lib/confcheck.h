/* confcheck.h: the one check of a whole ztp.yml, for every tool.
 *
 * Each module checks the section it reads when it reads it; this runs
 * every one of those checks on the whole file, so that a tool never
 * accepts what another tool would refuse, and a mistake in a section a
 * tool does not use is still caught at its start and by its -T (-n for
 * ztp-dhcpd).  On top of the sections' schemas (unknown keys with "did
 * you mean", types, ranges): platform names under platforms: must be
 * platforms the tools know (a misspelt one is never applied), dhcp:
 * reservations unique and inside their subnet, pools disjoint,
 * backend.url an http(s) URL.
 *
 * With ZTP_CHECK_FILES (what -T and -n ask for) it also looks at what the
 * file names on this host: the secrets file (safe and well-formed), every
 * credential set the ssh sections and terminal servers name (present in
 * it), ssh_config files, CA files and template directories (present).
 * Every error names the file, the line and the key. */
#ifndef ZTP_CONFCHECK_H
#define ZTP_CONFCHECK_H

#include "conf.h"
#include "err.h"

#define ZTP_CHECK_FILES 1	/* also the files it names, and the secrets */

/* 0, or ZTP_ERR_CONFIG / ZTP_ERR_PERM with the first problem in e. */
int ztp_conf_check(const struct ztp_conf *c, int flags, struct ztp_err *e);

/* ztp_conf_load() and ztp_conf_check(): what every tool starts with. */
int ztp_conf_open(struct ztp_conf **c, const char *path, int flags, struct ztp_err *e);

#endif
