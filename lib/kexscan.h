/* kexscan.h: what many SSH servers offer, fetched at once (the engine of
 * ztp-kexcheck, and ztp-probe's pre-flight check).
 *
 * Each target's settings are resolved exactly as every tool resolves a
 * device's (ztp_sshset_resolve: command line, ztp.yml devices, platforms,
 * racks and ssh, ssh_config); then at most .jobs connections run at once,
 * each reading the server's identification and KEXINIT (lib/sshwire.h)
 * directly, through a ProxyCommand child (reaped when its connection
 * ends), or as a forwarded connection through its jump chain: one SSH
 * session per chain, shared by every host behind it.  Results are handed
 * to on_result in input order, whatever order the hosts answer in.
 *
 * The library does not print: warnings go to the warn hook, once each. */
#ifndef ZTP_KEXSCAN_H
#define ZTP_KEXSCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"
#include "log.h"
#include "sshalg.h"
#include "sshset.h"
#include "sshwire.h"

/* one host to scan, as the user named it */
struct ztp_kexscan_target {
	const char *host;	/* name or address */
	const char *port;	/* "22" */
	int port_given;		/* host:port or -p: wins over ssh_config's Port */
	const char *label;	/* for messages: "host:port", "id (host:port)" */
	const char *id;		/* record id (devices.<id>), NULL: the host is the id */
	const char *rack;	/* racks.<rack>, or NULL */
	const char *platform;	/* platforms.<platform>, or NULL */
	const char *alias;	/* the record's MAC id when its id is its serial */
	void *ctx;		/* the caller's, untouched */
};

struct ztp_kexscan_opts {
	int jobs;			/* connections at once; 0: 32 */
	double timeout;			/* per host, seconds; 0: 5 */
	const struct ztp_conf *conf;
	const struct ztp_sshset_cli *cli;	/* -F, -J, --kex ...; may be NULL */
	const struct ztp_sshalg_lib *lib;
	/* level: ZTP_LOG_ERR (a host's settings are bad, the secrets file is
	 * unreadable), ZTP_LOG_WARN (a setting's warning), ZTP_LOG_INFO (a
	 * note: an interactive-only keyword ...) */
	void (*warn)(void *ctx, int level, const char *msg);
	/* called as the scan goes on (done of total, running now) */
	void (*progress)(void *ctx, size_t done, size_t total, int running);
	void *ctx;			/* for warn and progress */
};

struct kexscan_gw;

/* one target's result, as on_result sees it */
struct ztp_kexscan_host {
	const struct ztp_kexscan_target *t;
	size_t index;			/* in the input */
	char label[300];		/* t->label, or "name (address:port)" when
					 * ssh_config sends it elsewhere */
	char conn_host[256];		/* after HostName and Port */
	char conn_port[8];
	char *client[ZTP_ALG_NCAT];	/* this host's effective lists */
	struct ztp_sshwire_result res;
	/* internal */
	struct kexscan_gw *gw;		/* its jump chain, or NULL */
	char *proxy;			/* its ProxyCommand, or NULL */
	pid_t proxy_pid;
	struct ztp_sshwire_conn *conn;
	int state;
};

struct ztp_kexscan {
	struct ztp_kexscan_opts o;
	struct ztp_strlist seen;	/* warnings already given */
	struct kexscan_gw *gateways;
};

void ztp_kexscan_init(struct ztp_kexscan *s, const struct ztp_kexscan_opts *o);
/* closes the jump chains' sessions */
void ztp_kexscan_fini(struct ztp_kexscan *s);

/* The settings of one target (ztp_sshset_resolve with the target's port,
 * id, rack and platform); their warnings go to the warn hook once. */
int ztp_kexscan_settings(struct ztp_kexscan *s, const struct ztp_kexscan_target *t,
			 struct ztp_sshset *set, struct ztp_err *e);
/* Only the destination's effective algorithm lists (malloc'ed, free with
 * ztp_sshalg_lists_free), for a replay of a saved offer. */
int ztp_kexscan_client(struct ztp_kexscan *s, const struct ztp_kexscan_target *t,
		       char **client, struct ztp_err *e);

/* Scan tv[0..n): settings first (a target whose settings are bad is
 * named through warn, and nothing is scanned: ZTP_ERR_USAGE), then the
 * connections; on_result gets every host in input order (its result is
 * freed when it returns).  0, or a negative ZTP_ERR_*. */
int ztp_kexscan_run(struct ztp_kexscan *s, const struct ztp_kexscan_target *tv, size_t n,
		    void (*on_result)(void *ctx, const struct ztp_kexscan_host *h), void *ctx,
		    struct ztp_err *e);

#endif
