/* sshsess.h: SSH connections to devices, through jump hosts, inside the
 * process (no OpenSSH binary).
 *
 * A connection is a chain of hops: the gateways in order, then the device.
 * The first hop is a TCP connection made here (so refused, unreachable and
 * timeout are told apart); every later hop is a direct-tcpip channel on the
 * previous hop's session, joined to a socketpair by a pump thread, and the
 * next libssh session runs over the other end (SSH_OPTIONS_FD).  libssh's
 * own reading of ~/.ssh/config is off: every option comes from here, and
 * algorithm lists are always given in full.
 *
 * Every failure is classified (struct ztp_ssh_failure): which hop, what kind,
 * and a message an engineer can act on.  Host keys are checked against a
 * known_hosts file with a policy (strict, accept-new, off); a changed key is
 * a loud error naming the old and the new fingerprint. */
#ifndef ZTP_SSHSESS_H
#define ZTP_SSHSESS_H

#include <stddef.h>
#include <sys/types.h>

#include <libssh/libssh.h>

#include "buf.h"
#include "sshalg.h"

enum ztp_ssh_kind {
	ZTP_SSH_OK = 0,
	ZTP_SSH_RESOLVE,	/* the name does not resolve */
	ZTP_SSH_REFUSED,	/* TCP RST: nothing listens */
	ZTP_SSH_UNREACHABLE,	/* no route, host down */
	ZTP_SSH_TIMEOUT,	/* no answer within the deadline */
	ZTP_SSH_NOT_SSH,	/* something answered, but not SSH */
	ZTP_SSH_CLOSED,		/* the server closed the connection early */
	ZTP_SSH_NEGOTIATION,	/* no common algorithm (category in .category) */
	ZTP_SSH_HOSTKEY_CHANGED,
	ZTP_SSH_HOSTKEY_UNKNOWN,	/* strict policy and no known key */
	ZTP_SSH_AUTH,		/* every credential was refused */
	ZTP_SSH_FORWARD_DENIED,	/* a gateway refuses TCP forwarding */
	ZTP_SSH_PROTOCOL,	/* anything else libssh reports */
};

enum ztp_hostkey_policy { ZTP_HK_STRICT, ZTP_HK_ACCEPT_NEW, ZTP_HK_OFF };

struct ztp_ssh_cred {
	const char *name;	/* "factory", "provisioning": for messages */
	const char *user;	/* NULL: the hop's user */
	const char *password;	/* password or keyboard-interactive */
	const char *key_file;	/* private key file */
	int agent;		/* try the SSH agent ($SSH_AUTH_SOCK) */
};

struct ztp_ssh_hop {
	const char *host;	/* name or address to reach */
	int port;
	const char *user;
	const char *label;	/* how to call it in messages, or NULL */
	const char *hostkey_alias;	/* known_hosts name instead of host (a
					 * record id: devices share rack IPs) */
	const char *proxy_command;	/* first hop only: run this (/bin/sh -c,
					 * tokens already expanded) and speak
					 * SSH over its stdin/stdout */
	const char *alg[ZTP_ALG_NCAT];	/* full lists by category: kex, hostkey,
				 * cipher, mac, (compression), pubkey types
				 * (ZTP_SSHCONF_* slots); NULL: libssh's
				 * defaults */
	const struct ztp_ssh_cred *creds;
	size_t ncreds;
};

struct ztp_ssh_opts {
	const struct ztp_ssh_hop *hops;	/* gateways first, the device last */
	size_t nhops;
	double timeout;		/* seconds per hop: connect, banner, kex, auth */
	enum ztp_hostkey_policy policy;
	const char *known_hosts;	/* file; NULL: policy must be off */
	int max_auth;		/* attempts per hop, at most; 0: 4 */
};

struct ztp_ssh_failure {
	enum ztp_ssh_kind kind;
	int hop;		/* index into hops of the hop that failed */
	int nhops;
	/* of a timeout: what did not come in time: "tcp" (no answer to the
	 * connection), "banner", "handshake", "forward" (the previous hop's
	 * connection to it); NULL for other kinds */
	const char *phase;
	char category[32];	/* negotiation: kex, hostkey, cipher, mac, compression */
	char server[1024];	/* negotiation: what the server offered, as libssh saw it */
	char msg[1536];
	/* negotiation: the full ztp-kexcheck report for that hop (every
	 * failing category and the fix), read on a second connection; ""
	 * when it could not be made */
	char diagnosis[6144];
};

struct ztp_ssh;

int ztp_ssh_connect(struct ztp_ssh **s, const struct ztp_ssh_opts *o,
		    struct ztp_ssh_failure *f);
ssh_session ztp_ssh_session(const struct ztp_ssh *s);	/* the device's */
void ztp_ssh_close(struct ztp_ssh *s);	/* NULL is fine */

/* A TCP connection from the last hop of s to host:port, as a socket in *fd
 * (the caller closes it).  Many can be open at once; a thread of s carries
 * them.  For scans through a gateway and second looks at a device. */
int ztp_ssh_forward(struct ztp_ssh *s, const char *host, int port, int *fd,
		    struct ztp_ssh_failure *f);

/* Run a command (exec channel), collect stdout+stderr into out (bounded by
 * max bytes), give its exit status.  0, or -1 with f filled. */
int ztp_ssh_exec(struct ztp_ssh *s, const char *cmd, struct ztp_buf *out,
		 size_t max, double timeout, int *status, struct ztp_ssh_failure *f);

/* Run cmd with /bin/sh, its stdin and stdout a socket: the other end is
 * returned (or -1 with errno), the child in *pid (reap it). */
int ztp_ssh_proxy_spawn(const char *cmd, pid_t *pid);

/* Before forking workers that each connect: start the crypto library's
 * random generator here, once, so that each child only reseeds it (about
 * 4 ms of CPU per child saved: OpenSSL's configuration and generator
 * set-up).  Safe to call any number of times. */
void ztp_ssh_prefork(void);

/* "refused", "timeout", ... (the error.kind of records) */
const char *ztp_ssh_kind_name(enum ztp_ssh_kind k);

#endif
