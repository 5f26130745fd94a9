/* retry.h: when a failed record comes back by itself (ztp-flow's policy).
 *
 * A failure whose kind may pass by itself (the device was still booting,
 * a deadline, a dropped connection) is retried after a backoff that
 * doubles each time, up to flow.retries times; a failure that needs a
 * person (negotiation, host key, credentials, a template or a rejected
 * configuration) is never retried blindly: `ztp-flow retry ID` once the
 * cause is fixed.  Automatic retries are counted in the record's history
 * (result "auto-retry") since the last retry by hand. */
#ifndef ZTP_RETRY_H
#define ZTP_RETRY_H

#include <time.h>

#include "conf.h"
#include "val.h"

/* 1 when a failure of this kind may pass by itself */
int ztp_retry_transient(const char *kind);

/* Automatic retries of rec so far (since the last one by hand). */
int ztp_retry_count(const struct ztp_val *rec);

/* For a record in failed/ since failed_at: 1 when it is due now, 0 when
 * not yet (*when: the time it will be), -1 when it will not come back by
 * itself (why gets the reason). */
int ztp_retry_due(const struct ztp_val *rec, time_t failed_at, time_t now,
		  const struct ztp_conf_flow *f, time_t *when, char *why, size_t whysz);

#endif
