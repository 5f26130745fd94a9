/* leasekeep.c: the lease database kept durable and small (see leasekeep.h) */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leasekeep.h"
#include "log.h"
#include "xmalloc.h"

struct ztp_leasekeep {
	struct ztp_leasekeep_opts o;
	/* a compaction running in its thread */
	struct ztp_lease_compaction *job;
	pthread_t thread;
	atomic_int done;
	int rc;
	struct ztp_err err;
	/* journal write failures: one line per interval, then how many more */
	time_t last_fail_log;
	unsigned long fails, unlogged;
};

static void say(const struct ztp_leasekeep *k, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(const struct ztp_leasekeep *k, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (k->o.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);	/* a long one is cut */
	va_end(ap);
	k->o.log(k->o.log_ctx, level, msg);
}

void ztp_leasekeep_open(struct ztp_leasekeep **kp,
			const struct ztp_leasekeep_opts *o)
{
	struct ztp_leasekeep *k = ztp_xmalloc(sizeof *k);

	memset(k, 0, sizeof *k);
	k->o = *o;
	atomic_init(&k->done, 0);
	*kp = k;
}

void ztp_leasekeep_close(struct ztp_leasekeep *k, struct ztp_lease_db *db)
{
	if (k == NULL)
		return;
	ztp_leasekeep_reap(k, db, 1);
	free(k);
}

int ztp_leasekeep_sync(struct ztp_leasekeep *k, struct ztp_lease_db *db,
		       time_t now, long long log_interval)
{
	struct ztp_err e;

	if (ztp_lease_sync(db, &e) < 0) {
		if (k->fails++ == 0 || now - k->last_fail_log >= log_interval) {
			if (k->unlogged)
				say(k, ZTP_LOG_ERR, "lease database: %s; replies held back "
				    "(%lu more failures since the last line)", e.msg,
				    k->unlogged);
			else
				say(k, ZTP_LOG_ERR, "lease database: %s; replies held back",
				    e.msg);
			k->last_fail_log = now;
			k->unlogged = 0;
		} else {
			k->unlogged++;
		}
		return -1;
	}
	if (k->fails) {
		say(k, ZTP_LOG_INFO, "lease database: written again after %lu failed writes",
		    k->fails);
		k->fails = 0;
		k->unlogged = 0;
	}
	return 0;
}

static void *compact_thread(void *arg)
{
	struct ztp_leasekeep *k = arg;

	k->rc = ztp_lease_compact_run(k->job, &k->err);
	atomic_store(&k->done, 1);
	return NULL;
}

int ztp_leasekeep_reap(struct ztp_leasekeep *k, struct ztp_lease_db *db,
		       int wait)
{
	if (!k->job || (!wait && !atomic_load(&k->done)))
		return 0;
	pthread_join(k->thread, NULL);
	if (k->rc < 0)
		say(k, ZTP_LOG_WARN, "compact the lease journal: %s", k->err.msg);
	else
		say(k, ZTP_LOG_INFO, "lease journal compacted");
	ztp_lease_compact_finish(db, k->job);
	k->job = NULL;
	return 1;
}

int ztp_leasekeep_busy(const struct ztp_leasekeep *k)
{
	return k->job != NULL;
}

void ztp_leasekeep_tick(struct ztp_leasekeep *k, struct ztp_lease_db *db,
			time_t now)
{
	struct ztp_err e;
	int n;

	ztp_leasekeep_reap(k, db, 0);
	if (k->job)
		return;
	if ((n = ztp_lease_prune(db, now - k->o.keep, &e)) < 0)
		say(k, ZTP_LOG_WARN, "prune leases: %s", e.msg);
	else if (n > 0)
		say(k, ZTP_LOG_DEBUG, "pruned %d old leases", n);
	/* the snapshot is written in a thread: the loop goes on serving */
	if (ztp_lease_journal_lines(db) <= k->o.compact_lines)
		return;
	if (ztp_lease_compact_start(db, &k->job, &e) < 0) {
		say(k, ZTP_LOG_WARN, "compact the lease journal: %s", e.msg);
		k->job = NULL;
		return;
	}
	atomic_store(&k->done, 0);
	if (pthread_create(&k->thread, NULL, compact_thread, k) != 0) {
		say(k, ZTP_LOG_WARN, "compact the lease journal: cannot start a thread");
		ztp_lease_compact_finish(db, k->job);
		k->job = NULL;
	}
}
