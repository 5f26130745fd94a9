/* sshconf.h: ssh_config files with OpenSSH's semantics.
 *
 * The files engineers already have work unchanged: Host and Match blocks
 * (Match host, originalhost, user, localuser, all; negation with '!'),
 * Include (globs, relative to ~/.ssh or /etc/ssh, conditional inside a
 * block), keyword=value or keyword value, quoted arguments, and the first
 * value wins.  HostName, Port, User, IdentityFile, IdentitiesOnly,
 * ProxyJump, ProxyCommand, KexAlgorithms, HostKeyAlgorithms,
 * PubkeyAcceptedAlgorithms (and PubkeyAcceptedKeyTypes), Ciphers, MACs,
 * ConnectTimeout, StrictHostKeyChecking, UserKnownHostsFile and
 * ServerAliveInterval are used; %h %p %r %n %d %u %% tokens are expanded
 * where OpenSSH expands them.
 *
 * Nothing is ignored silently: an OpenSSH keyword that ztp does not
 * implement, and a Match criterion it refuses to evaluate (exec, canonical,
 * final, localnetwork, tagged), is a warning naming file and line (one
 * that only concerns interactive sessions, such as SendEnv or ForwardX11,
 * is a warning starting with "note: ", which tools show with -v); a word
 * that is not an OpenSSH keyword at all is an error, as in OpenSSH
 * (unless IgnoreUnknown covers it).
 *
 * Algorithm lists are kept as written (with their + - ^ prefixes): the
 * SSH algorithm module applies them to what the linked libssh supports. */
#ifndef ZTP_SSHCONF_H
#define ZTP_SSHCONF_H

#include "buf.h"
#include "conf.h"
#include "err.h"

enum ztp_strict {
	ZTP_STRICT_UNSET = -1, ZTP_STRICT_NO, ZTP_STRICT_YES, ZTP_STRICT_ASK,
	ZTP_STRICT_ACCEPT_NEW,
};

/* algorithm list slots, in the order of the SSH algorithm categories:
 * kex, host key, cipher, MAC, (compression: not configurable), pubkey */
#define ZTP_SSHCONF_KEX 0
#define ZTP_SSHCONF_HOSTKEY 1
#define ZTP_SSHCONF_CIPHERS 2
#define ZTP_SSHCONF_MACS 3
#define ZTP_SSHCONF_PUBKEY 5
#define ZTP_SSHCONF_NALG 6

enum ztp_sshopt {	/* for provenance: where each value came from */
	ZTP_SO_HOSTNAME, ZTP_SO_PORT, ZTP_SO_USER, ZTP_SO_IDENTITYFILE,
	ZTP_SO_IDENTITIESONLY, ZTP_SO_PROXYJUMP, ZTP_SO_PROXYCOMMAND,
	ZTP_SO_KEX,	/* + ZTP_SSHCONF_* for each algorithm list */
	ZTP_SO_ALG_LAST = ZTP_SO_KEX + ZTP_SSHCONF_NALG - 1,
	ZTP_SO_CONNECTTIMEOUT, ZTP_SO_STRICT, ZTP_SO_KNOWNHOSTS,
	ZTP_SO_SERVERALIVE, ZTP_SO_N
};

/* The effective settings for one destination. */
struct ztp_sshopts {
	char *host;		/* as asked for (the original name) */
	char *hostname;		/* to connect to: HostName with %h, lower case */
	int port;		/* 22 unless set */
	char *user;		/* the local user unless set */
	struct ztp_strlist identity_files;	/* as written (tokens unexpanded) */
	int identity_files_default;	/* 1: none configured, the defaults apply */
	int identities_only;
	char *proxy_jump;	/* "h1,user@h2:22" or NULL */
	char *proxy_command;	/* NULL, or the command as written */
	char *alg[ZTP_SSHCONF_NALG];	/* as written or NULL, by ZTP_SSHCONF_* */
	long long connect_timeout;	/* seconds, -1: none */
	enum ztp_strict strict;
	struct ztp_strlist known_hosts;	/* tokens and ~ expanded */
	long long server_alive_interval;
	char *src[ZTP_SO_N];	/* "file:line" that set each value, or NULL */
	struct ztp_strlist warnings;	/* "file:line: ..." */
};


struct ztp_sshconf;

/* files: the -F file, or NULL for ~/.ssh/config then /etc/ssh/ssh_config
 * (those may be missing).  The files are read when a host is resolved. */
int ztp_sshconf_new(struct ztp_sshconf **cf, const char *file, struct ztp_err *e);
void ztp_sshconf_free(struct ztp_sshconf *cf);

/* Resolve host.  user/port (NULL/0: none) come from the command line and
 * win over the files, like ssh -l and -p. */
int ztp_sshconf_resolve(struct ztp_sshconf *cf, const char *host,
			const char *user, int port, struct ztp_sshopts *o,
			struct ztp_err *e);
void ztp_sshopts_free(struct ztp_sshopts *o);

/* The values in `ssh -G` form ("keyword value" lines, lower case), for the
 * keywords ztp uses. */
int ztp_sshopts_print(const struct ztp_sshopts *o, struct ztp_buf *b);

#endif
