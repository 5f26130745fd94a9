/* retry.c: when a failed record comes back by itself (see retry.h) */
#include <stdio.h>
#include <string.h>

#include "retry.h"

int ztp_retry_transient(const char *kind)
{
	static const char *const transient[] = {
		"refused", "unreachable", "timeout", "closed", "resolve", "protocol", "busy", NULL
	};
	int i;

	for (i = 0; kind && transient[i]; i++)
		if (strcmp(kind, transient[i]) == 0)
			return 1;
	return 0;
}

int ztp_retry_count(const struct ztp_val *rec)
{
	const struct ztp_val *h = ztp_map_get(rec, "history");
	int n = 0;
	size_t i;

	if (h == NULL || h->type != ZTP_V_LIST)
		return 0;
	for (i = 0; i < h->u.list.n; i++) {
		const char *r = ztp_map_str(h->u.list.v[i], "result");

		if (r && strcmp(r, "auto-retry") == 0)
			n++;
		else if (r && strcmp(r, "retry") == 0)
			n = 0;
	}
	return n;
}

int ztp_retry_due(const struct ztp_val *rec, time_t failed_at, time_t now,
		  const struct ztp_conf_flow *f, time_t *when, char *why, size_t whysz)
{
	const char *kind = ztp_map_str(ztp_map_get(rec, "error"), "kind");
	long long wait;
	int n = ztp_retry_count(rec), i;

	if (!ztp_retry_transient(kind)) {
		snprintf(why, whysz, "a '%s' failure needs a person (fix the cause, then ztp-flow retry)",
			 kind ? kind : "unknown");
		return -1;
	}
	if (n >= f->retries) {
		snprintf(why, whysz, "retried %d time%s already (flow.retries)", n, n == 1 ? "" : "s");
		return -1;
	}
	wait = f->backoff;
	for (i = 0; i < n && wait < f->backoff_max; i++)
		wait *= 2;
	if (wait > f->backoff_max)
		wait = f->backoff_max;
	*when = failed_at + (time_t)wait;
	if (why)
		snprintf(why, whysz, "retry %d of %lld", n + 1, f->retries);
	return now >= *when ? 1 : 0;
}
