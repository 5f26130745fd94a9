/* sshprof.h: the SSH clients people run, per client and version, as data
 * (OpenSSH, paramiko, netmiko, libssh, asyncssh, Go x/crypto/ssh, libssh2),
 * and one verdict per device and
 * client: connects, connects after a change (in that client's own
 * syntax), or cannot connect whatever the setting.
 *
 * Each profile says per category (kex, host key, cipher, MAC) what the
 * client sends with no configuration, what it supports but leaves off
 * (and the setting that turns it on), and what it removed (no setting
 * brings it back); plus the limits an offer cannot show (group-exchange
 * minimum modulus, minimum RSA key size).  The facts and their sources
 * are in lib/sshprof.c, one comment per entry.
 *
 * A netmiko profile has no lists of its own: it names the newest
 * paramiko its requirement lets a fresh install pull. */
#ifndef ZTP_SSHPROF_H
#define ZTP_SSHPROF_H

#include "buf.h"
#include "kexdiag.h"
#include "sshalg.h"
#include "val.h"

enum ztp_sshprof_family {
	ZTP_PROF_OPENSSH, ZTP_PROF_PARAMIKO, ZTP_PROF_LIBSSH, ZTP_PROF_NETMIKO,
	ZTP_PROF_ASYNCSSH, ZTP_PROF_GO, ZTP_PROF_LIBSSH2
};

/* the four categories a profile describes */
#define ZTP_PROF_NCAT 4		/* ZTP_ALG_KEX .. ZTP_ALG_MAC */

struct ztp_sshprof {
	const char *name;		/* "openssh-9.2" */
	const char *aliases;		/* other names, comma-separated, or NULL */
	int family;
	const char *source;		/* where the lists come from */
	const char *def[ZTP_PROF_NCAT];	/* (a) on by default, in the client's order */
	const char *off[ZTP_PROF_NCAT];	/* (b) supported, off by default */
	const char *removed[ZTP_PROF_NCAT];	/* (c) gone from the code */
	const char *removed_in;		/* "paramiko 5.0" for messages about removed */
	int gex_min;			/* bits the client asks for at least in DH-GEX */
	int rsa_min;			/* smallest RSA key accepted, 0: none */
	const char *pulls;		/* netmiko: the paramiko profile it pulls */
	const char *range;		/* netmiko: its paramiko requirement */
	const char *libssh;		/* libssh: the sshalg table series ("0.10"),
					 * NULL: the lists above */
};

/* every profile, in a stable order; n is set to their number */
const struct ztp_sshprof *ztp_sshprof_all(size_t *n);
/* The profile called name (or one of its aliases; "paramiko-2.12.0"
 * finds "paramiko-2.12"), or NULL. */
const struct ztp_sshprof *ztp_sshprof_find(const char *name);
/* The profile whose lists a connection uses: a netmiko profile's
 * paramiko, else p itself. */
const struct ztp_sshprof *ztp_sshprof_lists(const struct ztp_sshprof *p);

/* The profile as an algorithm set (supported = on + off, defaults = on)
 * for ztp_sshalg_apply and ztp_kexdiag_run; libssh profiles load the
 * sshalg table.  0, or a negative ZTP_ERR_*. */
int ztp_sshprof_lib(const struct ztp_sshprof *p, struct ztp_sshalg_lib *l, struct ztp_err *e);

enum ztp_sshprof_verdict { ZTP_PROF_CONNECTS, ZTP_PROF_CHANGE, ZTP_PROF_CANNOT };

struct ztp_sshprof_result {
	const struct ztp_sshprof *prof;	/* as named */
	int verdict;
	struct ztp_kexdiag *d;		/* against the client's lists */
	struct ztp_buf change;		/* ZTP_PROF_CHANGE: the change, in the client's syntax */
	struct ztp_buf why;		/* ZTP_PROF_CANNOT: why, and the way out */
	struct ztp_buf notes;		/* limits the offer cannot show, one per line */
};

/* The verdict for one device: offer[ZTP_KL_N] is the server's KEXINIT,
 * client[ZTP_ALG_NCAT] the client's effective lists (NULL: its defaults,
 * as for paramiko, which reads no ssh_config algorithms), lib the
 * profile's set from ztp_sshprof_lib, host the name for an ssh_config
 * block.  0, or a negative ZTP_ERR_*. */
int ztp_sshprof_judge(const struct ztp_sshprof *p, const struct ztp_sshalg_lib *lib,
		      const char *const *offer, char *const *client, const char *host,
		      struct ztp_sshprof_result *r, struct ztp_err *e);
void ztp_sshprof_result_free(struct ztp_sshprof_result *r);
const char *ztp_sshprof_verdict_name(int verdict);
/* NULL when the client reads the algorithm settings of ssh_config and
 * ztp.yml (OpenSSH, libssh), else why it does not and what it reads
 * instead (netmiko: only ProxyCommand ... IdentityFile) */
const char *ztp_sshprof_ignores(const struct ztp_sshprof *p);	/* "connects", "change", "cannot" */

/* -Q --client: the profile described (text), or as a map; lib is
 * ztp_sshprof_lib of ztp_sshprof_lists(p) */
void ztp_sshprof_describe(struct ztp_buf *b, const struct ztp_sshprof *p,
			  const struct ztp_sshalg_lib *lib);
struct ztp_val *ztp_sshprof_val(const struct ztp_sshprof *p, const struct ztp_sshalg_lib *lib);

#endif
