/* lease.h: the DHCP lease database.
 *
 * An in-memory table of leases, found by client key (option 61, else
 * htype + chaddr: ztp_dhcp_client_key()) and by address, with address
 * allocation from pools and static reservations, made durable by an
 * append-only journal.
 *
 * Invariants: one record per address and one per client key, so an address
 * is never held by two clients and a client holds one address.  A record
 * for an address that a client declined (or a conflict found by the server)
 * has no key: the address is in quarantine until its end time.
 *
 * Durability.  Every change appends one line to the journal buffer; nothing
 * is on disk until ztp_lease_sync() wrote the buffer and fdatasync() came
 * back.  A server makes its changes for one turn of its event loop, calls
 * ztp_lease_sync() once (group commit), and only then sends the ACKs.
 * Files in the directory:
 *	leases.snap	snapshot: every lease up to a sequence number
 *	leases.jnl.<G>	journals, replayed in order of G after the snapshot
 *	leases.lock	flock(2): one process at a time
 * Each line carries a sequence number and a CRC.  At open a torn last line
 * (crash in the middle of a write) is dropped and cut off; a bad line
 * followed by good ones is corruption and open fails.  Compaction writes a
 * new snapshot next to the live journal: ztp_lease_compact_start() switches
 * to a new journal and copies the table (fast, in the caller's thread),
 * ztp_lease_compact_run() does the slow writing and fsyncs (any thread; it
 * touches nothing but the job) and ztp_lease_compact_finish() cleans up.
 *
 * Times are wall-clock time_t passed in by the caller (now), so tests
 * control them.  Addresses are host-order uint32_t. */
#ifndef ZTP_LEASE_H
#define ZTP_LEASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define ZTP_LEASE_KEY_MAX 255

enum ztp_lease_state {
	ZTP_LEASE_FREE = 0,	/* no record (never stored) */
	ZTP_LEASE_OFFERED,	/* offered until .ends */
	ZTP_LEASE_BOUND,	/* acknowledged until .ends */
	ZTP_LEASE_RELEASED,	/* released by its client */
	ZTP_LEASE_EXPIRED,	/* bound lease past .ends (also computed) */
	ZTP_LEASE_DECLINED,	/* quarantined until .ends; no client key */
};

struct ztp_lease {
	uint32_t ip;
	int state;		/* as stored; see ztp_lease_state_at() */
	time_t start, ends;
	uint8_t htype, hlen;
	uint8_t hw[16];
	size_t keylen;
	uint8_t key[ZTP_LEASE_KEY_MAX];
	uint64_t port;		/* where the client asked from (a hash the
				   server makes, ztp_dhcpsrv_port()); 0
				   unknown */
};

/* The state in effect at now: a bound lease past its end is EXPIRED, an
 * offer past its end FREE, a quarantine past its end FREE. */
int ztp_lease_state_at(const struct ztp_lease *l, time_t now);
const char *ztp_lease_state_name(int state);

/* Who asks: the lease key and the hardware address. */
struct ztp_lease_client {
	const uint8_t *key;
	size_t keylen;
	uint8_t htype, hlen;
	const uint8_t *hw;
	uint64_t port;		/* stored in its lease; 0 unknown */
};

struct ztp_lease_db;

/* Open the database in dir (created if missing, mode 0700), replaying the
 * snapshot and the journals; dir NULL makes a memory-only database (sync
 * does nothing).  ZTP_ERR_BUSY when another process holds the lock. */
int ztp_lease_open(struct ztp_lease_db **db, const char *dir,
		   struct ztp_err *e);
/* Close (without syncing: call ztp_lease_sync() first); NULL is fine. */
void ztp_lease_close(struct ztp_lease_db *db);

/* Configuration (not journaled: give it again at every start).
 * A pool is the range first..last; tag says which subnet it serves (the
 * server passes the tag of the subnet a request came from).  A
 * reservation gives ip to a client key (by_key) or to a MAC (htype 1,
 * 6 bytes) when it asks in subnet tag (tag < 0: any); it may be outside
 * the pools; one client may have one per subnet. */
int ztp_lease_add_pool(struct ztp_lease_db *db, int tag, uint32_t first,
		       uint32_t last, struct ztp_err *e);
int ztp_lease_add_reservation(struct ztp_lease_db *db, int tag, int by_key,
			      const uint8_t *id, size_t idlen, uint32_t ip,
			      struct ztp_err *e);
/* 1 when ip is in a pool of tag (any tag when tag < 0). */
int ztp_lease_in_pool(const struct ztp_lease_db *db, int tag, uint32_t ip);
/* The reservation for c in subnet tag: 1 and *ip, or 0. */
int ztp_lease_reserved_for(const struct ztp_lease_db *db, int tag,
			   const struct ztp_lease_client *c, uint32_t *ip);

/* Lookups: the record or NULL (valid until the next change). */
const struct ztp_lease *ztp_lease_by_ip(const struct ztp_lease_db *db,
					uint32_t ip);
const struct ztp_lease *ztp_lease_by_key(const struct ztp_lease_db *db,
					 const uint8_t *key, size_t keylen);
/* Iterate: start with *pos = 0; NULL at the end. */
const struct ztp_lease *ztp_lease_next(const struct ztp_lease_db *db,
				       size_t *pos);
size_t ztp_lease_count(const struct ztp_lease_db *db);

/* How many addresses the clients asking from port (nonzero), or with this
 * hardware address, hold at now (offered or bound, not past its end): for
 * a cap on what one port or one MAC may take from the pools. */
size_t ztp_lease_held_by_port(const struct ztp_lease_db *db, uint64_t port,
			      time_t now);
size_t ztp_lease_held_by_hw(const struct ztp_lease_db *db, uint8_t htype,
			    uint8_t hlen, const uint8_t *hw, time_t now);

/* 1 when c may have ip at now: nobody else holds it (offered or bound and
 * not past its end), it is not in quarantine, not reserved for someone
 * else, and it is c's reservation or in a pool of tag. */
int ztp_lease_usable(const struct ztp_lease_db *db, int tag,
		     const struct ztp_lease_client *c, uint32_t ip, time_t now);

/* Choose an address for c (nothing is recorded): its reservation, else the
 * address it holds or held, else the one it asked for (requested, 0 for
 * none), else the first never-used address of the pools of tag, else the
 * first one another client let go.  ZTP_ERR_NOTFOUND when the pools are
 * full. */
int ztp_lease_pick(const struct ztp_lease_db *db, int tag,
		   const struct ztp_lease_client *c, uint32_t requested,
		   time_t now, uint32_t *ip, struct ztp_err *e);

/* Changes (each appends one journal line).  offer and bind refuse an
 * address someone else holds with ZTP_ERR_BUSY; the client's earlier
 * record, if for another address, is dropped.  Offering a client the
 * address it holds bound changes nothing (its lease stays bound). */
int ztp_lease_offer(struct ztp_lease_db *db, const struct ztp_lease_client *c,
		    uint32_t ip, time_t now, time_t ends, struct ztp_err *e);
int ztp_lease_bind(struct ztp_lease_db *db, const struct ztp_lease_client *c,
		   uint32_t ip, time_t now, time_t ends, struct ztp_err *e);
/* RELEASE: only by the client holding ip; ZTP_ERR_NOTFOUND otherwise. */
int ztp_lease_release(struct ztp_lease_db *db,
		      const struct ztp_lease_client *c, uint32_t ip,
		      time_t now, struct ztp_err *e);
/* DECLINE or a conflict found by the server: ip in quarantine until. */
int ztp_lease_quarantine(struct ztp_lease_db *db, uint32_t ip, time_t now,
			 time_t until, struct ztp_err *e);
/* Forget ip altogether. */
int ztp_lease_forget(struct ztp_lease_db *db, uint32_t ip, struct ztp_err *e);
/* Forget every lease that ended before `before` (released, expired, offers
 * and quarantines over), so the table does not keep every device ever seen;
 * the number forgotten, or a negative ZTP_ERR_*. */
int ztp_lease_prune(struct ztp_lease_db *db, time_t before, struct ztp_err *e);

/* Group commit: write the journal lines of all changes since the last sync
 * and fdatasync.  Only after 0 may the server acknowledge those changes. */
int ztp_lease_sync(struct ztp_lease_db *db, struct ztp_err *e);
size_t ztp_lease_pending(const struct ztp_lease_db *db);	/* lines */
/* Bytes of a torn last record cut off the live journal at open (0 when the
 * last shutdown was clean): worth a warning in the log. */
size_t ztp_lease_torn_bytes(const struct ztp_lease_db *db);

/* Compaction (see above).  start syncs, switches journals and copies the
 * table; ZTP_ERR_BUSY while a job is running.  run and finish may fail; a
 * failed job leaves a consistent directory (the old snapshot and every
 * journal since are kept). */
struct ztp_lease_compaction;
int ztp_lease_compact_start(struct ztp_lease_db *db,
			    struct ztp_lease_compaction **job,
			    struct ztp_err *e);
int ztp_lease_compact_run(struct ztp_lease_compaction *job, struct ztp_err *e);
void ztp_lease_compact_finish(struct ztp_lease_db *db,
			      struct ztp_lease_compaction *job);
/* finish without run abandons the job (the directory stays consistent).
 * All three in a row: */
int ztp_lease_compact(struct ztp_lease_db *db, struct ztp_err *e);
/* Journal lines written since the last snapshot (to decide when). */
size_t ztp_lease_journal_lines(const struct ztp_lease_db *db);

#endif
