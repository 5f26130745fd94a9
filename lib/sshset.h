/* sshset.h: the effective SSH settings for one destination.
 *
 * Sources, in order of precedence (the first one that sets a value wins,
 * as in OpenSSH, where -o options come before the files):
 *
 *   1. the command line (-F, -J, -l, -p, --kex ...)
 *   2. ztp.yml  devices.<record id>.ssh (no record: devices.<host>)
 *   3. ztp.yml  platforms.<platform>.ssh
 *   4. ztp.yml  racks.<rack>.ssh
 *   5. ztp.yml  ssh
 *   6. ssh_config: the file named by -F or ssh.config, else ~/.ssh/config
 *      then /etc/ssh/ssh_config (lib/sshconf.h)
 *   7. defaults: libssh's algorithm defaults, port 22, the local user,
 *      host keys checked with accept-new against $SPOOL/known_hosts
 *
 * Algorithm lists take OpenSSH's syntax everywhere (+ - ^, wildcards) and
 * are assembled against what the linked libssh supports (lib/sshalg.h),
 * so libssh always gets full lists.  Every value remembers where it came
 * from, for -G and for error messages.
 *
 * Jump hosts (ProxyJump, ssh.jump, -J) are resolved through ssh_config for
 * their own HostName, Port, User, IdentityFile and algorithms; their own
 * ProxyJump is not followed (the chain is the one written). */
#ifndef ZTP_SSHSET_H
#define ZTP_SSHSET_H

#include "conf.h"
#include "sshalg.h"
#include "sshconf.h"
#include "sshsess.h"

struct ztp_sshset_cli {
	const char *config;	/* -F */
	const char *jump;	/* -J ("none" disables) */
	const char *user;	/* -l */
	int port;		/* -p, 0: none */
	const char *alg[ZTP_ALG_NCAT];	/* --kex, --hostkey, --ciphers, --macs ... */
	double timeout;		/* -t seconds, 0: none */
};

struct ztp_sshdest {
	const char *host;	/* name or address to connect to */
	const char *id;		/* record id (devices.<id>, host key alias), or NULL:
				 * devices.<host> applies */
	const char *rack;	/* racks.<rack>, or NULL */
	const char *platform;	/* platforms.<platform>, or NULL */
	const char *alias;	/* the record's id before its serial was known (the
				 * one made from its MAC), or NULL: devices.<alias>
				 * applies after devices.<id>, so that a fix keyed
				 * by the id an engineer saw still holds */
};

struct ztp_sshset_hop {
	char *spec;		/* as written: "admin@gw:2200", or the destination */
	struct ztp_sshopts o;	/* hostname, port, user, identity files ... */
	char *alg[ZTP_ALG_NCAT];	/* full lists for libssh */
	char *alg_src[ZTP_ALG_NCAT];	/* where each came from, or NULL: default */
};

struct ztp_sshset {
	struct ztp_sshset_hop *hop;	/* jump hosts in order, the destination last */
	size_t nhops;
	char *id;
	enum ztp_hostkey_policy policy;
	char *policy_src;
	char *known_hosts;
	double connect_timeout;		/* seconds */
	double command_timeout;		/* seconds */
	struct ztp_strlist credentials;	/* names in the secrets file, in order */
	struct ztp_strlist jump_credentials;	/* the same for jump hosts */
	struct ztp_strlist warnings;	/* "file:line: ..." */
	/* for ztp_ssh_connect (ztp_sshset_connect_opts) */
	struct ztp_ssh_hop *sshhop;
	struct ztp_ssh_cred *creds;
	size_t ncreds;
	struct ztp_strlist store;	/* strings the above point to */
};

int ztp_sshset_resolve(const struct ztp_conf *c, const struct ztp_sshset_cli *cli,
		       const struct ztp_sshdest *d, const struct ztp_sshalg_lib *lib,
		       struct ztp_sshset *out, struct ztp_err *e);
void ztp_sshset_free(struct ztp_sshset *s);

/* `ssh -G`-style lines for the destination, with the full algorithm lists
 * and, as "# ..." lines, where each value came from when verbose. */
int ztp_sshset_print(const struct ztp_sshset *s, int verbose, struct ztp_buf *b);

/* Options for ztp_ssh_connect: every hop with its lists; credentials for
 * the destination from secrets (the names in .credentials, else all of
 * them) plus identity files and the agent; jump hosts get the sets named
 * in .jump_credentials, identity files and the agent.  secrets may be
 * NULL.  The result points into s. */
int ztp_sshset_connect_opts(struct ztp_sshset *s, const struct ztp_val *secrets,
			    struct ztp_ssh_opts *o, struct ztp_err *e);

/* The ProxyCommand of a hop with its tokens expanded (malloc'ed), or NULL:
 * none (e not set) or a bad token (e set). */
char *ztp_sshset_proxy_command(const struct ztp_sshset_hop *h, struct ztp_err *e);

/* Validate every `ssh:` section of the configuration (global, racks,
 * platforms, devices): file, line and key in the error. */
int ztp_sshset_check_conf(const struct ztp_conf *c, struct ztp_err *e);

/* The keys of an ssh: section (top level, racks, platforms, devices). */
extern const struct ztp_conf_schema ztp_ssh_schema;

#endif
