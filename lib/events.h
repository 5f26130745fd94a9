/* events.h: the stage changes of records, handed to local hooks and to
 * the backend.
 *
 * Every commit that moves a record to another stage leaves one JSON file
 * in $SPOOL/events/ (spool.h).  ztp_events_deliver() takes them in the
 * order they were made and, for each: runs every hook of the hooks
 * directory (executables whose names do not start with '.', in name
 * order, e.g. hooks.d/10-ticket) with the event on stdin and its key
 * fields in the environment (ZTP_EVENT_ID, _FROM, _TO, _AT, _TOOL, and
 * ZTP_SPOOL), each within its deadline (then killed with its process
 * group); then hands the event to the backend's notification queue
 * ($SPOOL/events/http/, notify.h: retried with backoff, at-least-once) or,
 * without a backend URL, removes it.  A hook that fails is logged; the
 * event goes on.  Hooks run at most once per event: an event is moved to
 * the queue (or removed) right after its hooks ran, and one process at a
 * time delivers a spool's events (flock on $SPOOL/lock/events.lock, so
 * the passes of several hosts sharing the spool take turns: one that
 * finds it held returns at once with busy set, the holder delivers). */
#ifndef ZTP_EVENTS_H
#define ZTP_EVENTS_H

#include "conf.h"
#include "err.h"

struct ztp_events_count {
	size_t events;		/* taken from events/ */
	size_t hook_runs, hook_failures;
	size_t pending;		/* still queued for the backend */
	int busy;		/* another process was delivering: nothing done */
};

/* log(ctx, ok, message): one line per hook failure and delivery. */
int ztp_events_deliver(const char *spooldir, const struct ztp_conf *c, double secs,
		       void (*log)(void *ctx, int ok, const char *msg), void *ctx,
		       struct ztp_events_count *n, struct ztp_err *e);

#endif
