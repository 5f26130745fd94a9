/* notify.h: HTTP notifications of new device records, never blocking.
 *
 * A notification is a file in a queue directory (written to a temporary
 * name, fsynced, renamed: it survives a crash or restart) holding the JSON
 * body.  ztp_notify_* POSTs each with libcurl's multi interface from the
 * caller's poll loop: the caller adds ztp_notify_pollfds() to its poll set,
 * waits at most ztp_notify_timeout() ms and then calls ztp_notify_run().
 * A 2xx answer removes the file; anything else is tried again with
 * exponential backoff (2 s doubling to 5 min); after retry_max seconds
 * since it was queued it moves to <queue>/failed/.  Files found in the
 * queue at open are sent again (at-least-once delivery).
 *
 * An ordered queue (the spool's events) holds files named
 * STAMP.RECORD.STAGE (spool.h): the events of one record are sent one at a
 * time, oldest first, so that a backend sees a record's stage changes in
 * the order they were made; different records go in parallel. */
#ifndef ZTP_NOTIFY_H
#define ZTP_NOTIFY_H

#include <poll.h>
#include <stddef.h>
#include <time.h>

#include "err.h"

struct ztp_notify;

struct ztp_notify_opts {
	const char *url;	/* NULL: queue only (nothing is sent) */
	const char *token;	/* Authorization: Bearer, or NULL */
	long timeout;		/* seconds per request */
	int verify_tls;
	const char *ca_file;	/* PEM CA bundle instead of the system's */
	long retry_max;		/* seconds; 0: forever */
	int max_inflight;	/* parallel requests (default 4) */
	int ordered;		/* one record's events one at a time, in order */
};

int ztp_notify_open(struct ztp_notify **n, const char *dir,
		    const struct ztp_notify_opts *o, struct ztp_err *e);
void ztp_notify_close(struct ztp_notify *n);
/* Queue body (JSON) under name id (a record id); a second queue with the
 * same id replaces the first. */
int ztp_notify_queue(struct ztp_notify *n, const char *id, const char *body,
		     size_t len, struct ztp_err *e);
/* Only write the notification file into the queue directory dir (any
 * thread; no ztp_notify needed): a later ztp_notify_rescan() of the queue
 * picks it up. */
int ztp_notify_write(const char *dir, const char *id, const char *body,
		     size_t len, struct ztp_err *e);
/* Pick up files written by ztp_notify_write() (known ones are kept). */
int ztp_notify_rescan(struct ztp_notify *n, struct ztp_err *e);
/* Fill up to max pollfds; returns how many. */
int ztp_notify_pollfds(struct ztp_notify *n, struct pollfd *p, int max);
/* How long poll may wait (ms, -1 forever). */
int ztp_notify_timeout(struct ztp_notify *n);
/* Start due requests, drive transfers, finish completed ones.  Calls log
 * (may be NULL) with one line per delivery or failure. */
void ztp_notify_run(struct ztp_notify *n,
		    void (*log)(void *ctx, int ok, const char *msg), void *ctx);
/* The backend_token of the secrets file, malloc'ed, or NULL (none, or a
 * secrets file that cannot be read: logged with log(ctx, 0, msg), and the
 * notifications go without a token).  A daemon reads it before it drops
 * its privileges. */
struct ztp_conf;
char *ztp_notify_token(const struct ztp_conf *c,
		       void (*log)(void *ctx, int ok, const char *msg), void *ctx);
/* ztp_notify_open on dir with the options of ztp.yml's backend section
 * (ordered as above when ordered is set); token (from ztp_notify_token, may
 * be NULL) is wiped and freed here. */
int ztp_notify_open_conf(struct ztp_notify **n, const char *dir, const struct ztp_conf *c,
			 int ordered, char *token, struct ztp_err *e);
/* Deliver what waits for at most secs; what is left (backing off) stays
 * queued for the next run.  Returns how many are still pending. */
size_t ztp_notify_flush(struct ztp_notify *n, double secs,
			void (*log)(void *ctx, int ok, const char *msg), void *ctx);
size_t ztp_notify_pending(const struct ztp_notify *n);
size_t ztp_notify_delivered(const struct ztp_notify *n);

#endif
