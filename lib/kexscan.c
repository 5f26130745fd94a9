/* kexscan.c: many SSH servers' offers at once (see kexscan.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "err.h"
#include "kexscan.h"
#include "os.h"
#include "sshsess.h"
#include "str.h"

enum { ST_WAITING, ST_RUNNING, ST_DONE, ST_GIVEN };

/* a jump chain shared by the hosts behind it: one SSH session, many
 * forwarded connections */
struct kexscan_gw {
	char *key;		/* the chain, "user@host:port,..." */
	struct ztp_sshset set;	/* settings of the first host using it */
	struct ztp_ssh *ssh;	/* NULL until connected */
	int failed;
	struct ztp_ssh_failure fail;
	struct kexscan_gw *next;
};

static void warn(struct ztp_kexscan *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(struct ztp_kexscan *s, int level, const char *fmt, ...)
{
	char msg[ZTP_ERR_MSG + 400];
	va_list ap;

	if (s->o.warn == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);	/* cut when longer */
	va_end(ap);
	s->o.warn(s->o.ctx, level, msg);
}

void ztp_kexscan_init(struct ztp_kexscan *s, const struct ztp_kexscan_opts *o)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	if (s->o.jobs <= 0)
		s->o.jobs = 32;
	if (!(s->o.timeout > 0))
		s->o.timeout = 5;
}

void ztp_kexscan_fini(struct ztp_kexscan *s)
{
	struct kexscan_gw *g, *gn;

	for (g = s->gateways; g; g = gn) {
		gn = g->next;
		ztp_ssh_close(g->ssh);
		ztp_sshset_free(&g->set);
		free(g->key);
		free(g);
	}
	s->gateways = NULL;
	ztp_strlist_free(&s->seen);
}

/* ---- settings ------------------------------------------------------------ */

int ztp_kexscan_settings(struct ztp_kexscan *s, const struct ztp_kexscan_target *t,
			 struct ztp_sshset *set, struct ztp_err *e)
{
	struct ztp_sshset_cli cli;
	struct ztp_sshdest d = {
		.host = t->host, .id = t->id, .rack = t->rack, .platform = t->platform,
		.alias = t->alias,
	};
	size_t i;

	memset(&cli, 0, sizeof cli);
	if (s->o.cli)
		cli = *s->o.cli;
	cli.port = t->port_given && t->port ? (int)strtol(t->port, NULL, 10) : 0;
	if (ztp_sshset_resolve(s->o.conf, &cli, &d, s->o.lib, set, e) < 0)
		return e->code;
	for (i = 0; i < set->warnings.n; i++) {
		const char *w = set->warnings.v[i];

		if (ztp_strlist_has(&s->seen, w))
			continue;
		ztp_strlist_add(&s->seen, w);
		warn(s, strstr(w, ": note: ") ? ZTP_LOG_INFO : ZTP_LOG_WARN, "%s", w);
	}
	return 0;
}

int ztp_kexscan_client(struct ztp_kexscan *s, const struct ztp_kexscan_target *t,
		       char **client, struct ztp_err *e)
{
	struct ztp_sshset set;
	const struct ztp_sshset_hop *dest;
	int cat, rc;

	if ((rc = ztp_kexscan_settings(s, t, &set, e)) < 0)
		return rc;
	dest = &set.hop[set.nhops - 1];
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++)
		client[cat] = ztp_xstrdup(dest->alg[cat] ? dest->alg[cat] : "");
	ztp_sshset_free(&set);
	return 0;
}

static struct kexscan_gw *gateway_for(struct ztp_kexscan *s, struct ztp_sshset *set)
{
	struct ztp_buf key = ZTP_BUF_INIT;
	struct kexscan_gw *g;
	size_t i;

	for (i = 0; i + 1 < set->nhops; i++)
		ztp_buf_addf(&key, "%s%s@%s:%d", i ? "," : "", set->hop[i].o.user,
			     set->hop[i].o.hostname, set->hop[i].o.port);
	for (g = s->gateways; g; g = g->next)
		if (strcmp(g->key, key.p) == 0) {
			ztp_buf_free(&key);
			ztp_sshset_free(set);
			return g;
		}
	g = ztp_xcalloc(1, sizeof *g);
	g->key = ztp_buf_detach(&key, NULL);
	g->set = *set;	/* keeps the chain's settings */
	memset(set, 0, sizeof *set);
	g->next = s->gateways;
	s->gateways = g;
	return g;
}

/* where each host goes and with which lists; -1 when one is bad */
static int prepare(struct ztp_kexscan *s, const struct ztp_kexscan_target *tv,
		   struct ztp_kexscan_host *hv, size_t n)
{
	struct ztp_sshset set;
	struct ztp_err e;
	size_t i;
	int cat, bad = 0;

	for (i = 0; i < n; i++) {
		const struct ztp_kexscan_target *t = &tv[i];
		struct ztp_kexscan_host *h = &hv[i];
		const struct ztp_sshset_hop *dest;

		h->t = t;
		h->index = i;
		if (snprintf(h->label, sizeof h->label, "%s", t->label ? t->label : t->host) >=
		    (int)sizeof h->label)
			h->label[sizeof h->label - 1] = '\0';
		if (ztp_kexscan_settings(s, t, &set, &e) < 0) {
			warn(s, ZTP_LOG_ERR, "%s: %s", h->label, e.msg);
			bad = 1;
			continue;
		}
		dest = &set.hop[set.nhops - 1];
		for (cat = 0; cat < ZTP_ALG_NCAT; cat++)
			h->client[cat] = ztp_xstrdup(dest->alg[cat] ? dest->alg[cat] : "");
		snprintf(h->conn_host, sizeof h->conn_host, "%s", dest->o.hostname);
		snprintf(h->conn_port, sizeof h->conn_port, "%d", dest->o.port);
		/* a record: "id (address:port)" with the port scanned; a name:
		 * where it really goes when ssh_config moved it */
		if ((t->id != NULL ||
		     strcmp(h->conn_host, t->host) != 0 || strcmp(h->conn_port, t->port) != 0) &&
		    snprintf(h->label, sizeof h->label, "%s (%s%s%s:%s)", t->id ? t->id : t->host,
			     strchr(h->conn_host, ':') ? "[" : "", h->conn_host,
			     strchr(h->conn_host, ':') ? "]" : "", h->conn_port) >= (int)sizeof h->label)
			h->label[sizeof h->label - 1] = '\0';
		if (set.nhops == 1 && dest->o.proxy_command) {
			h->proxy = ztp_sshset_proxy_command(dest, &e);
			if (h->proxy == NULL) {
				warn(s, ZTP_LOG_ERR, "%s: %s", h->label, e.msg);
				bad = 1;
			}
		}
		if (set.nhops > 1)
			h->gw = gateway_for(s, &set);	/* takes set */
		else
			ztp_sshset_free(&set);
	}
	return bad ? -1 : 0;
}

/* ---- connections ----------------------------------------------------------- */

/* Connect a jump chain once, for every host behind it. */
static void gateway_connect(struct ztp_kexscan *s, struct kexscan_gw *g)
{
	struct ztp_ssh_opts o;
	struct ztp_val *secrets = NULL;
	struct ztp_err e;

	if (g->ssh || g->failed)
		return;
	if (s->o.conf->secrets && ztp_secrets_load(s->o.conf, &secrets, &e) < 0)
		warn(s, ZTP_LOG_ERR, "%s", e.msg);
	if (ztp_sshset_connect_opts(&g->set, secrets, &o, &e) < 0) {
		g->failed = 1;
		g->fail.kind = ZTP_SSH_PROTOCOL;
		snprintf(g->fail.msg, sizeof g->fail.msg, "%s", e.msg);
	} else {
		o.nhops--;	/* the chain only: the device is scanned, not logged into */
		if (ztp_ssh_connect(&g->ssh, &o, &g->fail) < 0)
			g->failed = 1;
	}
	ztp_val_unref(secrets);
}

/* The one place a scan's connection is made: directly, through a
 * ProxyCommand, or through the jump chain's session as a forwarded
 * connection.  NULL: the chain failed. */
static struct ztp_sshwire_conn *start_conn(struct ztp_kexscan *s, struct ztp_kexscan_host *h,
					   const struct ztp_sshwire_opts *so, double now)
{
	struct ztp_ssh_failure f;
	int fd;

	if (h->proxy) {
		fd = ztp_ssh_proxy_spawn(h->proxy, &h->proxy_pid);
		if (fd >= 0)
			return ztp_sshwire_conn_new_fd(fd, 1, h->label, so, now);
		return ztp_sshwire_conn_new(h->conn_host, h->conn_port, so, now);
	}
	if (h->gw == NULL)
		return ztp_sshwire_conn_new(h->conn_host, h->conn_port, so, now);
	gateway_connect(s, h->gw);
	if (!h->gw->failed &&
	    ztp_ssh_forward(h->gw->ssh, h->conn_host, (int)strtol(h->conn_port, NULL, 10), &fd, &f) == 0)
		return ztp_sshwire_conn_new_fd(fd, 1, h->label, so, now);
	return NULL;
}

/* the result of a host whose jump chain failed */
static void gateway_result(struct ztp_kexscan_host *h)
{
	struct ztp_sshwire_result *r = &h->res;

	memset(r, 0, sizeof *r);
	r->kind = h->gw->fail.kind == ZTP_SSH_REFUSED ? ZTP_SSHWIRE_REFUSED :
		  h->gw->fail.kind == ZTP_SSH_TIMEOUT ? ZTP_SSHWIRE_TIMEOUT : ZTP_SSHWIRE_UNREACHABLE;
	snprintf(r->target, sizeof r->target, "%s", h->label);
	ztp_err_set(&r->err, ZTP_ERR_PROTO, "%s: through jump host %s: %s", h->label, h->gw->key,
		    h->gw->failed ? h->gw->fail.msg : "cannot open a forwarded connection");
}

/* a connection is over: its result, its ProxyCommand child reaped */
static void finish(struct ztp_kexscan_host *h)
{
	ztp_sshwire_conn_result(h->conn, &h->res);
	ztp_sshwire_conn_free(h->conn);
	h->conn = NULL;
	if (h->proxy_pid > 0) {
		kill(h->proxy_pid, SIGTERM);
		waitpid(h->proxy_pid, NULL, 0);
		h->proxy_pid = 0;
	}
	h->state = ST_DONE;
}

static void hosts_free(struct ztp_kexscan_host *hv, size_t n)
{
	size_t i;

	for (i = 0; hv && i < n; i++) {
		if (hv[i].conn) {
			ztp_sshwire_conn_free(hv[i].conn);
			if (hv[i].proxy_pid > 0) {
				kill(hv[i].proxy_pid, SIGTERM);
				waitpid(hv[i].proxy_pid, NULL, 0);
			}
		}
		if (hv[i].state == ST_DONE)
			ztp_sshwire_result_free(&hv[i].res);
		ztp_sshalg_lists_free(hv[i].client);
		free(hv[i].proxy);
	}
	free(hv);
}

int ztp_kexscan_run(struct ztp_kexscan *s, const struct ztp_kexscan_target *tv, size_t n,
		    void (*on_result)(void *ctx, const struct ztp_kexscan_host *h), void *ctx,
		    struct ztp_err *e)
{
	struct ztp_sshwire_opts so = { .timeout = s->o.timeout };
	struct ztp_kexscan_host *hv = ztp_xcalloc(n ? n : 1, sizeof *hv);
	struct pollfd *pfd = ztp_xcalloc((size_t)s->o.jobs, sizeof *pfd);
	size_t *slot = ztp_xcalloc((size_t)s->o.jobs, sizeof *slot);
	size_t next = 0, given = 0, done = 0, i;
	int running = 0, j, np, rc, ret = 0;
	double now, first, ms;

	if (prepare(s, tv, hv, n) < 0) {
		ret = ztp_err_set(e, ZTP_ERR_USAGE, "bad settings for %s; nothing scanned",
				  n == 1 ? "the host" : "some hosts");
		goto out;
	}
	while (given < n) {
		now = ztp_os_monotonic();
		/* start what the limit allows, in input order */
		while (running < s->o.jobs && next < n) {
			struct ztp_kexscan_host *h = &hv[next++];

			h->conn = start_conn(s, h, &so, now);
			if (h->conn == NULL) {
				gateway_result(h);
				h->state = ST_DONE;
				done++;
				continue;
			}
			h->state = ST_RUNNING;
			running++;
		}
		/* collect the connections that are over, poll the others */
		np = 0;
		first = now + 3600;
		for (i = given; i < next; i++) {
			struct ztp_kexscan_host *h = &hv[i];

			if (h->state != ST_RUNNING)
				continue;
			if (ztp_sshwire_conn_done(h->conn)) {
				finish(h);
				running--;
				done++;
				continue;
			}
			pfd[np].fd = ztp_sshwire_conn_fd(h->conn);
			pfd[np].events = ztp_sshwire_conn_events(h->conn);
			pfd[np].revents = 0;
			slot[np] = i;
			if (ztp_sshwire_conn_deadline(h->conn) < first)
				first = ztp_sshwire_conn_deadline(h->conn);
			np++;
		}
		/* hand them out in input order: stable output for pipes */
		while (given < n && hv[given].state == ST_DONE) {
			on_result(ctx, &hv[given]);
			ztp_sshwire_result_free(&hv[given].res);
			hv[given].state = ST_GIVEN;
			given++;
		}
		if (s->o.progress && given < n)
			s->o.progress(s->o.ctx, done, n, running);
		if (np == 0)
			continue;	/* more to start, or all given */
		ms = (first - now) * 1000;
		rc = poll(pfd, (nfds_t)np, ms > 0 ? (int)ms + 1 : 0);
		if (rc < 0 && errno != EINTR) {
			ret = ztp_err_sys(e, "poll");
			goto out;
		}
		now = ztp_os_monotonic();
		for (j = 0; j < np; j++)
			ztp_sshwire_conn_step(hv[slot[j]].conn, rc > 0 ? pfd[j].revents : 0, now);
	}
out:
	hosts_free(hv, n);
	free(pfd);
	free(slot);
	return ret;
}
