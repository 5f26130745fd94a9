/* dhcprec.c: the device records of ztp-dhcpd (see dhcprec.h). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "dhcp.h"
#include "dhcpconf.h"
#include "dhcprec.h"
#include "lease.h"
#include "log.h"
#include "notify.h"
#include "os.h"
#include "record.h"
#include "spool.h"
#include "str.h"
#include "val.h"
#include "yml.h"

#define LOG_EVERY 60		/* seconds between two "queue full" lines */

/* a record on its way: compact JSON (a few hundred bytes, so a burst of
 * new devices costs little memory) and the address of its lease */
struct rent {
	char *js;
	uint32_t ip;
};

struct ztp_dhcprec {
	struct ztp_dhcprec_opts o;
	char *qdir;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	struct rent *q;			/* ring of o.queue_max */
	size_t head, n;
	uint32_t *owed;			/* leases whose record is made later */
	size_t nowed, capowed;
	int quit;
	double quit_by;			/* monotonic: stop writing then */
	size_t left;			/* not written at the stop */
	struct ztp_err fence;		/* fence.code: the spool fenced this host */
	/* the writer's own */
	struct rent *retry;		/* puts that failed, up to o.queue_max */
	size_t nretry, failing;
	double retry_at, pause;
	/* the serving thread's own */
	size_t owed_made;
	double last_owed_log;
	atomic_int notes;
};

static void say(struct ztp_dhcprec *r, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct ztp_dhcprec *r, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!r->o.log)
		return;
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	r->o.log(r->o.ctx, level, msg);
}

/* ---- the one record builder ---- */

int ztp_dhcprec_build(struct ztp_val *rec, const struct ztp_dhcpconf *cf,
		      const struct ztp_dhcprec_src *src, struct ztp_err *e)
{
	const struct ztp_dhcpconf_rack *rack;
	const char *sname = src->subnet, *ifn = src->ifname, *port = NULL, *cons;
	char iso[21];
	size_t i;

	if (!sname)
		for (i = 0; i < cf->srv.nsubnets; i++)
			if ((src->ip & cf->srv.subnets[i].mask) == cf->srv.subnets[i].network) {
				sname = cf->subnet_names[i];
				if (!ifn)
					ifn = cf->subnet_ifnames[i];
				break;
			}
	rack = ztp_dhcpconf_rack_for(cf, src->giaddr, ifn, sname);
	if (rack)
		ztp_map_set_str(rec, "rack", rack->name);
	if (src->circuit) {
		if ((port = ztp_dhcpconf_port(rack, src->circuit)) == NULL)
			port = src->circuit;
		ztp_map_set_str(rec, "port", port);
		if ((cons = ztp_dhcpconf_console(rack, port)) != NULL)
			ztp_map_set_str(rec, "console", cons);
	}
	if (sname)
		ztp_map_set_str(rec, "subnet", sname);
	if (src->cls)
		ztp_map_set_str(rec, "class", src->cls);
	ztp_time_iso(src->seen, iso);
	ztp_map_set_str(rec, "seen", iso);
	ztp_rec_history(rec, "ztp-dhcpd", "discovered", "ok", src->detail);
	if (ztp_rec_check(rec, "dhcp", e) < 0)
		return ZTP_ERR_PARSE;
	return 0;
}

struct ztp_val *ztp_dhcprec_from_lease(const struct ztp_dhcpconf *cf,
				       const struct ztp_lease *l,
				       const char *detail, struct ztp_err *e)
{
	struct ztp_dhcp_pkt *pkt = ztp_xcalloc(1, sizeof *pkt);
	struct ztp_dhcprec_src src;
	struct ztp_val *rec;

	pkt->htype = 1;
	pkt->hlen = 6;
	memcpy(pkt->chaddr, l->hw, 6);
	rec = ztp_dhcp_record(pkt, l->ip);
	free(pkt);
	if (!rec || !ztp_rec_id(rec)) {
		ztp_err_set(e, ZTP_ERR_PARSE, "make a device record: no usable address in the lease");
		ztp_val_unref(rec);
		return NULL;
	}
	memset(&src, 0, sizeof src);
	src.ip = l->ip;
	src.seen = l->start;
	src.detail = detail;
	if (ztp_dhcprec_build(rec, cf, &src, e) < 0) {
		ztp_val_unref(rec);
		return NULL;
	}
	return rec;
}

/* ---- what another DHCP server saw ---- */

/* "0a:1b:.." (dnsmasq's form of binary options) into bytes, else as is;
 * escaped into b */
static void esc_hexish(struct ztp_buf *b, const char *s)
{
	uint8_t raw[256];
	size_t n = 0, len = strlen(s);
	const char *p = s;

	if (len > 2 && len % 2 == 0 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (p = s + 2; *p && n < sizeof raw; p += 2) {
			char h[3] = { p[0], p[1], 0 };
			char *end;
			long v = strtol(h, &end, 16);

			if (*end || !p[1])
				break;
			raw[n++] = (uint8_t)v;
		}
		if (!*p) {
			ztp_escape(b, (const char *)raw, n);
			return;
		}
		p = s;
		n = 0;
	}
	if (len >= 2 && (len + 1) % 3 == 0) {
		while (*p && n < sizeof raw) {
			char h[3] = { p[0], p[1], 0 };
			char *end;
			long v;

			if (!p[1] || (p[2] && p[2] != ':'))
				break;
			v = strtol(h, &end, 16);
			if (*end)
				break;
			raw[n++] = (uint8_t)v;
			p += p[2] ? 3 : 2;
		}
		if (!*p) {
			ztp_escape(b, (const char *)raw, n);
			return;
		}
	}
	ztp_escape(b, s, len);
}

static void set_esc(struct ztp_val *rec, const char *key, const char *s, int hexish)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	if (!s || !*s)
		return;
	if (hexish)
		esc_hexish(&b, s);
	else
		ztp_escape(&b, s, strlen(s));
	ztp_map_set_str(rec, key, b.p ? b.p : "");
	ztp_buf_free(&b);
}

struct ztp_val *ztp_dhcprec_from_ext(const struct ztp_dhcpconf *cf,
				     const struct ztp_dhcprec_ext *x, time_t seen,
				     const char *detail, struct ztp_err *e)
{
	struct ztp_buf circ = ZTP_BUF_INIT;
	struct ztp_dhcprec_src src;
	struct ztp_val *rec;
	uint8_t mac[6];

	memset(&src, 0, sizeof src);
	if (!x->mac || !x->ip || ztp_mac_parse(x->mac, mac) < 0 ||
	    ztp_dhcp_ip_parse(x->ip, &src.ip) < 0) {
		ztp_err_set(e, ZTP_ERR_PARSE, "'%s' at '%s': not an Ethernet client with an "
			    "IPv4 address", x->mac ? x->mac : "-", x->ip ? x->ip : "-");
		return NULL;
	}
	rec = ztp_rec_new_mac(mac);
	ztp_map_set_str(rec, "ip", x->ip);
	set_esc(rec, "hostname", x->hostname, 0);
	set_esc(rec, "vendor_class", x->vendor_class, 0);
	set_esc(rec, "client_id", x->client_id, 0);
	if (x->relay && ztp_dhcp_ip_parse(x->relay, &src.giaddr) < 0)
		src.giaddr = 0;
	src.ifname = x->ifname;
	if (x->circuit && *x->circuit) {
		esc_hexish(&circ, x->circuit);
		src.circuit = circ.p ? circ.p : "";
	}
	src.seen = seen;
	src.detail = detail;
	if (ztp_dhcprec_build(rec, cf, &src, e) < 0) {
		ztp_val_unref(rec);
		rec = NULL;
	}
	ztp_buf_free(&circ);
	return rec;
}

/* ---- the writer ---- */

/* a record the serving thread cannot queue: made from its lease later */
static void owe_locked(struct ztp_dhcprec *r, uint32_t ip)
{
	if (r->nowed == r->capowed) {
		r->capowed = r->capowed ? r->capowed * 2 : 1024;
		r->owed = ztp_xrealloc(r->owed, r->capowed, sizeof *r->owed);
	}
	r->owed[r->nowed++] = ip;
}

/* what the writer says of one record once its batch is committed; 1 when
 * the record is in the spool (or was already), 0 when its put failed */
static int report(struct ztp_dhcprec *r, const struct ztp_spool_item *it, const struct rent *x)
{
	const struct ztp_val *rec = it->rec;
	struct ztp_err e;

	if (it->rc == ZTP_ERR_EXISTS) {
		say(r, ZTP_LOG_DEBUG, "device '%s' known already", ztp_rec_id(rec));
		return 1;
	}
	if (it->rc == ZTP_ERR_FENCED)	/* the serving thread says it, once */
		return 0;
	if (it->rc < 0) {
		if (r->failing++ == 0)
			say(r, ZTP_LOG_WARN, "spool the record of '%s': %s; records are kept "
			    "and tried again until the spool takes them", ztp_rec_id(rec), it->err.msg);
		else
			say(r, ZTP_LOG_DEBUG, "spool the record of '%s': %s", ztp_rec_id(rec),
			    it->err.msg);
		return 0;
	}
	say(r, ZTP_LOG_INFO, "discovered '%s' ip %s rack %s port %s", ztp_rec_id(rec),
	    ztp_map_str(rec, "ip") ? ztp_map_str(rec, "ip") : "-",
	    ztp_map_str(rec, "rack") ? ztp_map_str(rec, "rack") : "-",
	    ztp_map_str(rec, "port") ? ztp_map_str(rec, "port") : "-");
	if (r->qdir) {
		if (ztp_notify_write(r->qdir, ztp_rec_id(rec), x->js, strlen(x->js), &e) < 0)
			say(r, ZTP_LOG_WARN, "queue the notification of '%s': %s",
			    ztp_rec_id(rec), e.msg);
		else
			atomic_store(&r->notes, 1);
	}
	return 1;
}

/* Wait for work and take a batch into b: failed puts first once their
 * pause is over (or at the stop), then the queue.  -1 when the writer is
 * to end; else the number taken (*quitting set at the stop). */
static int take_batch(struct ztp_dhcprec *r, struct rent *b, int *quitting)
{
	size_t nb = 0, k;
	double now;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		now = ztp_os_monotonic();
		if (r->n || r->quit || (r->nretry && now >= r->retry_at))
			break;
		if (r->nretry) {
			struct timespec ts;
			double at = r->retry_at;

			ts.tv_sec = (time_t)at;
			ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
			pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		} else
			pthread_cond_wait(&r->cv, &r->mu);
	}
	*quitting = r->quit;
	if (r->quit && (now > r->quit_by || (!r->n && !r->nretry))) {
		/* the lease database has them: made at the next start */
		r->left += r->n + r->nretry;
		for (; r->n; r->n--, r->head = (r->head + 1) % r->o.queue_max)
			free(r->q[r->head].js);
		for (k = 0; k < r->nretry; k++)
			free(r->retry[k].js);
		r->nretry = 0;
		pthread_mutex_unlock(&r->mu);
		return -1;
	}
	if (r->nretry && (r->quit || now >= r->retry_at)) {
		nb = r->nretry < ZTP_SPOOL_BATCH ? r->nretry : ZTP_SPOOL_BATCH;
		memcpy(b, r->retry, nb * sizeof *b);
		memmove(r->retry, r->retry + nb, (r->nretry - nb) * sizeof *r->retry);
		r->nretry -= nb;
	}
	while (r->n && nb < ZTP_SPOOL_BATCH) {
		b[nb++] = r->q[r->head];
		r->head = (r->head + 1) % r->o.queue_max;
		r->n--;
	}
	pthread_mutex_unlock(&r->mu);
	return (int)nb;
}

/* A record that failed: kept for another try (at the stop: left for the
 * next start); past the retry list, owed (made from its lease). */
static void keep_failed(struct ztp_dhcprec *r, struct rent *x, int quitting)
{
	pthread_mutex_lock(&r->mu);
	if (quitting || r->fence.code) {
		r->left++;
		free(x->js);
	} else if (r->nretry < r->o.queue_max) {
		r->retry[r->nretry++] = *x;
	} else {
		owe_locked(r, x->ip);
		free(x->js);
	}
	pthread_mutex_unlock(&r->mu);
}

/* The writer: spool `discovered`, then the notification files, one group
 * commit per batch (ztp_spool_put_many); a record is reported and
 * notified only once its batch is durable. */
static void *writer(void *arg)
{
	struct ztp_dhcprec *r = arg;
	struct ztp_spool_item *items = ztp_xcalloc(ZTP_SPOOL_BATCH, sizeof *items);
	struct rent *b = ztp_xcalloc(ZTP_SPOOL_BATCH, sizeof *b), *x;
	size_t ki[ZTP_SPOOL_BATCH];

	/* in a burst of new devices the replies go first: nice 10, not
	 * SCHED_IDLE (on a busy machine the records must still be written) */
#ifdef SYS_gettid
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
	for (;;) {
		struct ztp_err e;
		size_t ni = 0, k, ok = 0, bad = 0;
		int nb, quitting;

		if ((nb = take_batch(r, b, &quitting)) < 0)
			break;
		if (ztp_dhcprec_fenced(r, NULL)) {
			/* no put tried again blindly: the next start makes
			 * them from the leases (ztp-spool(5) "Several hosts") */
			for (k = 0; k < (size_t)nb; k++)
				keep_failed(r, &b[k], 1);
			continue;
		}
		for (k = 0; k < (size_t)nb; k++) {
			struct ztp_val *rec = NULL;
			int rc = ztp_yml_load_buf(b[k].js, strlen(b[k].js), "record", NULL, &rec, &e);

			if (rc < 0 || !rec || rec->type != ZTP_V_MAP) {
				say(r, ZTP_LOG_WARN, "read back a queued record: %s",
				    rc < 0 ? e.msg : "not a map");
				ztp_val_unref(rec);
				free(b[k].js);
				continue;
			}
			memset(&items[ni], 0, sizeof items[ni]);
			items[ni].rec = rec;
			ki[ni++] = k;
		}
		if (ni > 1)
			say(r, ZTP_LOG_DEBUG, "writing %zu device records in one commit", ni);
		/* a failed commit is in every item it concerns */
		if (ni)
			(void)ztp_spool_put_many(r->o.spool, "discovered", items, ni, NULL);
		for (k = 0; k < ni; k++)
			if (items[k].rc == ZTP_ERR_FENCED) {
				pthread_mutex_lock(&r->mu);
				if (!r->fence.code)
					r->fence = items[k].err;
				pthread_mutex_unlock(&r->mu);
				break;
			}
		for (k = 0; k < ni; k++) {
			x = &b[ki[k]];
			if (report(r, &items[k], x)) {
				free(x->js);
				ok++;
			} else {
				keep_failed(r, x, quitting);
				bad++;
			}
			ztp_val_unref((struct ztp_val *)items[k].rec);
			items[k].rec = NULL;
		}
		if (bad) {
			pthread_mutex_lock(&r->mu);
			r->retry_at = ztp_os_monotonic() + r->pause;
			pthread_mutex_unlock(&r->mu);
			r->pause = r->pause * 2 < r->o.retry_max ? r->pause * 2 : r->o.retry_max;
		} else if (ok && r->failing && !r->nretry) {
			say(r, ZTP_LOG_INFO, "the spool takes records again: %zu that had "
			    "failed are written or owed", r->failing);
			r->failing = 0;
			r->pause = r->o.retry_min;
		}
	}
	free(items);
	free(b);
	return NULL;
}

int ztp_dhcprec_open(struct ztp_dhcprec **rp, const struct ztp_dhcprec_opts *o,
		     struct ztp_err *e)
{
	struct ztp_dhcprec *r;
	pthread_condattr_t ca;

	*rp = NULL;
	if (!o->spool || o->queue_max < 1)
		return ztp_err_set(e, ZTP_ERR_USAGE, "start the record writer: no spool or no queue");
	r = ztp_xcalloc(1, sizeof *r);
	r->o = *o;
	if (r->o.retry_min <= 0)
		r->o.retry_min = 1;
	if (r->o.retry_max < r->o.retry_min)
		r->o.retry_max = r->o.retry_min;
	r->pause = r->o.retry_min;
	r->qdir = o->notify_dir ? ztp_xstrdup(o->notify_dir) : NULL;
	r->q = ztp_xcalloc(o->queue_max, sizeof *r->q);
	r->retry = ztp_xcalloc(o->queue_max, sizeof *r->retry);
	r->last_owed_log = -LOG_EVERY;
	pthread_mutex_init(&r->mu, NULL);
	/* the retry pause is measured on the clock ztp_os_monotonic reads */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	if ((errno = pthread_create(&r->thread, NULL, writer, r)) != 0) {
		ztp_err_sys(e, "start the record writer thread");
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r->q);
		free(r->retry);
		free(r->qdir);
		free(r);
		return ZTP_ERR_SYS;
	}
	*rp = r;
	return 0;
}

int ztp_dhcprec_add(struct ztp_dhcprec *r, const struct ztp_val *rec, uint32_t ip)
{
	struct ztp_buf js = ZTP_BUF_INIT;
	char *j = NULL;
	int rc = 1;

	pthread_mutex_lock(&r->mu);
	if (r->n < r->o.queue_max) {
		pthread_mutex_unlock(&r->mu);
		if (ztp_json_emit(&js, rec, 0) == 0 && js.p)
			j = ztp_xstrdup(js.p);
		ztp_buf_free(&js);
		pthread_mutex_lock(&r->mu);
		if (j && r->n < r->o.queue_max) {	/* only this thread adds */
			r->q[(r->head + r->n) % r->o.queue_max] = (struct rent){ j, ip };
			r->n++;
			j = NULL;
			rc = 0;
			pthread_cond_signal(&r->cv);
		}
	}
	if (rc)
		owe_locked(r, ip);
	pthread_mutex_unlock(&r->mu);
	free(j);
	if (rc && ztp_os_monotonic() - r->last_owed_log >= LOG_EVERY) {
		say(r, ZTP_LOG_WARN, "record queue full (%zu waiting): records such as '%s' "
		    "are made from their leases when it drains", r->o.queue_max,
		    ztp_rec_id(rec) ? ztp_rec_id(rec) : "?");
		r->last_owed_log = ztp_os_monotonic();
	}
	return rc;
}

static int is_v4_device(const struct ztp_lease *l, time_t now)
{
	return ztp_lease_state_at(l, now) == ZTP_LEASE_BOUND && l->htype == 1 && l->hlen == 6;
}

static int idset_add(void *ctx, const struct ztp_spool_ent *ent)
{
	ztp_map_set(ctx, ent->id, ztp_val_null());
	return 0;
}

int ztp_dhcprec_rederive(struct ztp_dhcprec *r, struct ztp_lease_db *db,
			 const struct ztp_dhcpconf *cf, time_t now, struct ztp_err *e)
{
	struct ztp_val *have = ztp_val_map();
	const struct ztp_lease *l;
	struct ztp_err le;
	size_t pos = 0, queued = 0, owed = 0;
	int rc;

	if ((rc = ztp_spool_list(r->o.spool, NULL, idset_add, have, e)) < 0) {
		ztp_err_prefix(e, "check device records");
		ztp_val_unref(have);
		return rc;
	}
	while ((l = ztp_lease_next(db, &pos)) != NULL) {
		struct ztp_val *rec;
		const char *id;

		if (!is_v4_device(l, now) ||
		    !(rec = ztp_dhcprec_from_lease(cf, l, "first lease (record made at start "
						   "from the lease: the server stopped before "
						   "writing it)", &le)))
			continue;
		id = ztp_rec_id(rec);
		if (ztp_map_get(have, id) ||
		    (ztp_spool_registered(r->o.spool, id) &&
		     ztp_spool_unregister(r->o.spool, id, &le) < 0)) {
			if (!ztp_map_get(have, id))
				say(r, ZTP_LOG_WARN, "%s", le.msg);
			ztp_val_unref(rec);
			continue;
		}
		if (ztp_dhcprec_add(r, rec, l->ip) == 0)
			queued++;
		else
			owed++;
		ztp_val_unref(rec);
	}
	ztp_val_unref(have);
	if (queued)
		say(r, ZTP_LOG_INFO, "%zu leases had no device record yet: writing them", queued);
	if (owed)
		say(r, ZTP_LOG_INFO, "%zu more leases without a record: made when the queue drains",
		    owed);
	return (int)(queued + owed);
}

void ztp_dhcprec_drain(struct ztp_dhcprec *r, struct ztp_lease_db *db,
		       const struct ztp_dhcpconf *cf, time_t now)
{
	uint32_t *take;
	size_t room, k, n = 0, left;
	struct ztp_err e;

	pthread_mutex_lock(&r->mu);
	room = r->n < r->o.queue_max / 2 ? r->o.queue_max / 2 - r->n : 0;
	if (room > r->nowed)
		room = r->nowed;
	if (!room) {
		pthread_mutex_unlock(&r->mu);
		return;
	}
	take = ztp_xcalloc(room, sizeof *take);
	memcpy(take, r->owed, room * sizeof *take);
	memmove(r->owed, r->owed + room, (r->nowed - room) * sizeof *r->owed);
	r->nowed -= room;
	pthread_mutex_unlock(&r->mu);
	for (k = 0; k < room; k++) {
		const struct ztp_lease *l = ztp_lease_by_ip(db, take[k]);
		struct ztp_val *rec;

		if (!l || !is_v4_device(l, now) ||	/* released since */
		    !(rec = ztp_dhcprec_from_lease(cf, l, "first lease (record made from the "
						   "lease: the record queue was full or the "
						   "spool refused it)", &e)))
			continue;
		/* registered: put already (the spool refused nothing) */
		if (!ztp_spool_registered(r->o.spool, ztp_rec_id(rec)) &&
		    ztp_dhcprec_add(r, rec, l->ip) == 0)
			n++;
		ztp_val_unref(rec);
	}
	free(take);
	r->owed_made += n;
	pthread_mutex_lock(&r->mu);
	left = r->nowed;
	pthread_mutex_unlock(&r->mu);
	if (left == 0 && r->owed_made) {
		say(r, ZTP_LOG_INFO, "%zu leases had no device record yet: writing them",
		    r->owed_made);
		r->owed_made = 0;
	}
}

size_t ztp_dhcprec_owed(struct ztp_dhcprec *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->nowed;
	pthread_mutex_unlock(&r->mu);
	return n;
}

void ztp_dhcprec_retry_now(struct ztp_dhcprec *r)
{
	pthread_mutex_lock(&r->mu);
	r->retry_at = 0;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

int ztp_dhcprec_fenced(struct ztp_dhcprec *r, struct ztp_err *e)
{
	int f;

	pthread_mutex_lock(&r->mu);
	if ((f = r->fence.code != 0) && e)
		*e = r->fence;
	pthread_mutex_unlock(&r->mu);
	return f;
}

int ztp_dhcprec_new_notes(struct ztp_dhcprec *r)
{
	return atomic_exchange(&r->notes, 0);
}

size_t ztp_dhcprec_close(struct ztp_dhcprec *r, double drain)
{
	size_t left;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->mu);
	r->quit = 1;
	r->quit_by = ztp_os_monotonic() + drain;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	left = r->left + r->nowed;
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->q);
	free(r->retry);
	free(r->owed);
	free(r->qdir);
	free(r);
	return left;
}
