/* h-spoolworker: a spool worker for the crash test (tests/spool-crash.t).
 *
 *   h-spoolworker SPOOL [MAX_WORK_USEC]
 *
 * Between claim and commit it "works" for a random time up to
 * MAX_WORK_USEC (default 4000), holding the claim, like a probe would.
 * Moves records discovered -> probed -> configured -> done, appending a
 * history entry at each step, until it finds nothing to do three times in a
 * row.  The test kills it with SIGKILL at random moments.  With $CRASH_LOG
 * set, it appends "PID claim ID" and "PID commit ID" lines to that file, so
 * the test can count the kills that hit a worker holding a claim. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "spool.h"

static int logfd = -1;

static void logev(const char *what, const char *id)
{
	char line[256];
	int n;

	if (logfd < 0)
		return;
	n = snprintf(line, sizeof line, "%ld %s %s\n", (long)getpid(), what, id);
	if (n > 0 && (size_t)n < sizeof line)
		(void)!write(logfd, line, (size_t)n);
}

static const char *const from[] = { "discovered", "probed", "configured" };
static const char *const to[] = { "probed", "configured", "done" };

int main(int argc, char **argv)
{
	struct ztp_spool *sp;
	struct ztp_claim *c;
	struct ztp_err e;
	int idle = 0, moved = 0;

	long work = argc > 2 ? strtol(argv[2], NULL, 10) : 4000;

	if (argc < 2 || argc > 3 || work < 0) {
		fprintf(stderr, "usage: h-spoolworker SPOOL [MAX_WORK_USEC]\n");
		return 2;
	}
	if (ztp_spool_open(&sp, argv[1], 0, &e) < 0) {
		fprintf(stderr, "h-spoolworker: %s\n", e.msg);
		return 2;
	}
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	if (getenv("CRASH_LOG"))
		logfd = open(getenv("CRASH_LOG"), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	while (idle < 3) {
		int s = rand() % 3, k, found = 0;

		for (k = 0; k < 3 && !found; k++) {
			int i = (s + k) % 3, rc = ztp_spool_claim(sp, from[i], &c, &e);
			struct ztp_val *rec;

			if (rc == ZTP_ERR_NOTFOUND)
				continue;
			if (rc < 0) {
				fprintf(stderr, "h-spoolworker: %s\n", e.msg);
				return 1;
			}
			logev("claim", ztp_claim_id(c));
			if (work > 0)
				usleep((useconds_t)(rand() % work));
			rec = ztp_val_copy(ztp_claim_record(c));
			ztp_rec_history(rec, "h-spoolworker", to[i], "ok", NULL);
			if (ztp_claim_commit(c, to[i], rec, &e) < 0) {
				fprintf(stderr, "h-spoolworker: %s\n", e.msg);
				return 1;
			}
			logev("commit", ztp_rec_id(rec));
			ztp_val_unref(rec);
			found = 1;
			moved++;
		}
		if (found) {
			idle = 0;
		} else {
			idle++;
			usleep(20000);
		}
	}
	ztp_spool_close(sp);
	printf("%d\n", moved);
	return 0;
}
