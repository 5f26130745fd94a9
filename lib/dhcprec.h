/* dhcprec.h: the device records of ztp-dhcpd and its adapters.
 *
 * A device gets its record when its first lease is acknowledged: spool
 * stage `discovered`, then (with a notification queue) a notification file.
 * The lease is durable before the ACK; the record is written after it, by
 * a writer thread, so that a slow disk never delays a reply.  That leaves
 * gaps, each closed here:
 *   - the queue to the writer is bounded: a record that does not fit is
 *     owed, remembered by address, and made from its lease when the queue
 *     drains (ztp_dhcprec_drain);
 *   - a put that fails (a full spool, an I/O error) keeps the record and
 *     tries it again with a growing pause; what does not fit in that list
 *     becomes owed too;
 *   - a crash (or a stop with records still queued) leaves leases without
 *     records: ztp_dhcprec_rederive, at start, makes one for each bound
 *     lease whose device has none in the spool.
 * Every record comes from one builder (ztp_dhcprec_build), whoever saw the
 * lease: the server, a lease database, dnsmasq or Kea.
 *
 * The queue, drain and rederive calls belong to one thread (the serving
 * loop); the writer thread only puts, reports and notifies. */
#ifndef ZTP_DHCPREC_H
#define ZTP_DHCPREC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct ztp_dhcpconf;
struct ztp_lease;
struct ztp_lease_db;
struct ztp_spool;
struct ztp_val;

/* Where and when a device was seen, beyond what its record holds already
 * (id, mac, ip and the request's options). */
struct ztp_dhcprec_src {
	uint32_t ip;		/* the lease, host order (finds the subnet) */
	uint32_t giaddr;	/* relay agent, 0 for a direct client */
	const char *ifname;	/* interface it came in on, or NULL */
	const char *subnet;	/* subnet name, or NULL: the one holding ip */
	const char *circuit;	/* option 82 circuit id, escaped, or NULL */
	const char *cls;	/* client class, or NULL */
	time_t seen;
	const char *detail;	/* the history entry's detail */
};

/* Complete rec: rack (by relay, interface, subnet), port (the circuit id
 * through the rack's port names), console, subnet, class, seen and the
 * `discovered` history entry; then check it.  0 or a ZTP_ERR_*. */
int ztp_dhcprec_build(struct ztp_val *rec, const struct ztp_dhcpconf *cf,
		      const struct ztp_dhcprec_src *src, struct ztp_err *e);
/* The record of a device made from its lease alone (what only the request
 * carried, vendor class and port, is not known any more); NULL when none
 * can be made. */
struct ztp_val *ztp_dhcprec_from_lease(const struct ztp_dhcpconf *cf,
				       const struct ztp_lease *l,
				       const char *detail, struct ztp_err *e);

/* What another DHCP server (dnsmasq's --dhcp-script, Kea's run_script)
 * tells of one lease, as the strings it gives (NULL: not given). */
struct ztp_dhcprec_ext {
	const char *mac, *ip, *hostname, *vendor_class, *client_id;
	const char *ifname, *relay, *circuit;
};
/* The record of that lease, made by ztp_dhcprec_build.  Text is escaped;
 * a circuit id in dnsmasq's form of binary data ("0a:1b:.." or "0x0a1b..")
 * is decoded first.  NULL (e set) when it is not an Ethernet client with
 * an IPv4 address. */
struct ztp_val *ztp_dhcprec_from_ext(const struct ztp_dhcpconf *cf,
				     const struct ztp_dhcprec_ext *x, time_t seen,
				     const char *detail, struct ztp_err *e);

struct ztp_dhcprec;

struct ztp_dhcprec_opts {
	struct ztp_spool *spool;
	const char *notify_dir;	/* notification files go here, or NULL */
	size_t queue_max;	/* records waiting for the writer */
	double retry_min;	/* seconds before a failed put is tried again */
	double retry_max;	/* the pause doubles up to this */
	/* what the writer has to say (level: enum ztp_loglevel); called from
	 * the writer thread and from the caller's */
	void (*log)(void *ctx, int level, const char *msg);
	void *ctx;
};

/* Start the writer thread. */
int ztp_dhcprec_open(struct ztp_dhcprec **r, const struct ztp_dhcprec_opts *o,
		     struct ztp_err *e);
/* Hand the record of the device that leased ip to the writer: 0 queued,
 * 1 owed (the queue was full; made from the lease later). */
int ztp_dhcprec_add(struct ztp_dhcprec *r, const struct ztp_val *rec, uint32_t ip);
/* At start: a record for every bound lease of db whose device has none
 * in the spool (a put killed half-way is put again).  The number queued
 * or owed, or a ZTP_ERR_*. */
int ztp_dhcprec_rederive(struct ztp_dhcprec *r, struct ztp_lease_db *db,
			 const struct ztp_dhcpconf *cf, time_t now, struct ztp_err *e);
/* Make owed records from their leases, as many as fit in half the queue
 * (each a lookup: no scan). */
void ztp_dhcprec_drain(struct ztp_dhcprec *r, struct ztp_lease_db *db,
		       const struct ztp_dhcpconf *cf, time_t now);
/* Records owed (the caller polls sooner while there are). */
size_t ztp_dhcprec_owed(struct ztp_dhcprec *r);
/* Try the records whose put failed now, not after their pause (SIGHUP:
 * the operator has freed space). */
void ztp_dhcprec_retry_now(struct ztp_dhcprec *r);
/* 1 (e set: "spool unreachable (fenced): ...") when the spool fenced
 * this host (ztp_spool_fenced): the writer tries no put again and counts
 * what it holds as not written; the caller stops, and the next start makes
 * those records from the leases.  0 otherwise. */
int ztp_dhcprec_fenced(struct ztp_dhcprec *r, struct ztp_err *e);
/* 1 when notification files were written since the last call. */
int ztp_dhcprec_new_notes(struct ztp_dhcprec *r);
/* Write what is queued (or waits for a retry) for at most drain seconds,
 * stop the writer and free r.  The number of records not written: the
 * next start makes them from the leases. */
size_t ztp_dhcprec_close(struct ztp_dhcprec *r, double drain);

#endif
