/* leasekeep.h: keeping a server's lease database (lease.h) durable and
 * small while the server goes on serving.
 *
 *	ztp_leasekeep_sync()   the group commit of one turn of the loop:
 *			       ztp_lease_sync(), its failures said once per
 *			       interval (a full disk fails every batch), then
 *			       the count, and the recovery
 *	ztp_leasekeep_tick()   now and then: forget leases long over and,
 *			       when the journal is long, write a new snapshot
 *			       in a thread of its own (ztp_lease_compact_run)
 *	ztp_leasekeep_reap()   end a compaction whose thread is done (each
 *			       turn), or wait for it (before the database is
 *			       closed or reopened)
 *
 * Nothing is printed: what there is to say goes to the log callback
 * (level: enum ztp_loglevel), always from the caller's thread.  The keeper
 * does not own the database: the caller passes the same one to every call
 * while a compaction runs, and reaps it (wait) before it closes it. */
#ifndef ZTP_LEASEKEEP_H
#define ZTP_LEASEKEEP_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "lease.h"

struct ztp_leasekeep_opts {
	size_t compact_lines;	/* compact past this many journal lines */
	time_t keep;		/* forget leases over for this long (s) */
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
};

struct ztp_leasekeep;

void ztp_leasekeep_open(struct ztp_leasekeep **k,
			const struct ztp_leasekeep_opts *o);
/* Waits for a running compaction first; NULL is fine. */
void ztp_leasekeep_close(struct ztp_leasekeep *k, struct ztp_lease_db *db);

/* 0, or -1 when the journal could not be written (nothing written since
 * the last success may be acknowledged); failures are logged at most once
 * per log_interval seconds, with the count of those not logged. */
int ztp_leasekeep_sync(struct ztp_leasekeep *k, struct ztp_lease_db *db,
		       time_t now, long long log_interval);
/* Prune, and start a compaction when due (none while one runs). */
void ztp_leasekeep_tick(struct ztp_leasekeep *k, struct ztp_lease_db *db,
			time_t now);
/* End a finished compaction (wait: wait for a running one); 1 when one was
 * ended, else 0. */
int ztp_leasekeep_reap(struct ztp_leasekeep *k, struct ztp_lease_db *db,
		       int wait);
/* 1 while a compaction runs. */
int ztp_leasekeep_busy(const struct ztp_leasekeep *k);

#endif
