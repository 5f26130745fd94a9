/* t-leasekeep.c: the upkeep of a server's lease database: the group commit
 * and its failures said once per interval, pruning, compaction in a thread
 * (started by a tick, ended by a reap or at close) */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leasekeep.h"
#include "log.h"
#include "tap.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static char dir[256], said[8192];
static int nsaid;

static void collect(void *ctx, int level, const char *msg)
{
	size_t n = strlen(said);

	(void)ctx;
	snprintf(said + n, sizeof said - n, "%d %s\n", level, msg);
	nsaid++;
}

static void forget_said(void)
{
	said[0] = '\0';
	nsaid = 0;
}

static int exists(const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void bind_n(struct ztp_lease_db *db, int from, int n, time_t t,
		   time_t ends)
{
	static uint8_t keys[256][7];
	struct ztp_lease_client c;
	struct ztp_err e;
	int i;

	for (i = from; i < from + n && i < 256; i++) {
		keys[i][0] = 1;
		keys[i][5] = 0x42;
		keys[i][6] = (uint8_t)i;
		memset(&c, 0, sizeof c);
		c.key = keys[i];
		c.keylen = 7;
		c.htype = 1;
		c.hlen = 6;
		c.hw = keys[i] + 1;
		if (ztp_lease_bind(db, &c, IP(10, 0, 0, i), t, ends, &e) < 0)
			diag(e.msg);
	}
}

int main(void)
{
	struct ztp_leasekeep_opts o;
	struct ztp_leasekeep *k;
	struct ztp_lease_db *db;
	struct ztp_err e;
	struct rlimit rl, small;
	time_t t = 5000000;
	int i;

	snprintf(dir, sizeof dir, "%s/t-leasekeep.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	is_int(ztp_lease_open(&db, dir, &e), 0, "open a lease database");
	memset(&o, 0, sizeof o);
	o.compact_lines = 10;
	o.keep = 100;
	o.log = collect;
	ztp_leasekeep_open(&k, &o);

	/* the group commit */
	bind_n(db, 1, 20, t, t + 3600);
	is_int(ztp_leasekeep_sync(k, db, t, 60), 0, "a sync");
	is_int(ztp_lease_pending(db), 0, "nothing left pending");
	is_int(nsaid, 0, "said nothing");

	/* a long journal: the tick starts a compaction, a reap ends it */
	ztp_leasekeep_tick(k, db, t);
	ok(ztp_leasekeep_busy(k), "20 lines over 10: a compaction runs");
	bind_n(db, 30, 2, t, t + 3600);	/* the server goes on meanwhile */
	is_int(ztp_leasekeep_sync(k, db, t, 60), 0, "a sync during it");
	ztp_leasekeep_tick(k, db, t);	/* no second one while it runs */
	is_int(ztp_leasekeep_reap(k, db, 1), 1, "reaped (waiting for it)");
	ok(!ztp_leasekeep_busy(k), "done");
	like(said, "2 lease journal compacted", "said at info level");
	ok(exists("leases.snap"), "a snapshot written");
	ok(!exists("leases.jnl.1"), "the journal before it removed");
	is_int(ztp_leasekeep_reap(k, db, 1), 0, "nothing more to reap");

	/* pruning: leases over for longer than keep go at a tick */
	forget_said();
	bind_n(db, 40, 3, t, t + 10);
	ztp_leasekeep_sync(k, db, t, 60);
	ztp_leasekeep_tick(k, db, t + 50);
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 40)) != NULL,
	   "a lease over for less than keep stays");
	ztp_leasekeep_tick(k, db, t + 200);
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 40)) == NULL,
	   "one over for longer goes");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 1)) != NULL, "a bound one stays");
	like(said, "3 pruned 3 old leases", "said at debug level");
	ztp_leasekeep_reap(k, db, 1);

	/* a journal that cannot be written (a file size limit: EFBIG) */
	forget_said();
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &rl);
	small = rl;
	small.rlim_cur = 1;
	if (setrlimit(RLIMIT_FSIZE, &small) < 0) {
		ok(0, "setrlimit");
		return done_testing();
	}
	bind_n(db, 50, 1, t, t + 3600);
	is_int(ztp_leasekeep_sync(k, db, t, 60), -1, "a failed sync");
	like(said, "0 lease database: ", "said as an error");
	like(said, "replies held back", "saying the replies wait");
	is_int(ztp_leasekeep_sync(k, db, t + 1, 60), -1, "again");
	for (i = 0; i < 50; i++)
		ztp_leasekeep_sync(k, db, t + 2, 60);
	is_int(nsaid, 1, "52 failures within the interval: one line");
	ztp_leasekeep_sync(k, db, t + 61, 60);
	is_int(nsaid, 2, "after the interval a second one");
	like(said, "(51 more failures since the last line)", "with the count");
	setrlimit(RLIMIT_FSIZE, &rl);
	is_int(ztp_leasekeep_sync(k, db, t + 62, 60), 0, "space again");
	like(said, "written again after 53 failed writes", "the recovery said");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 50)) != NULL &&
	   ztp_lease_pending(db) == 0, "the lease that waited is written");

	/* close waits for a compaction that runs */
	bind_n(db, 60, 12, t, t + 3600);
	ztp_leasekeep_sync(k, db, t, 60);
	ztp_leasekeep_tick(k, db, t);
	ok(ztp_leasekeep_busy(k), "another compaction runs");
	ztp_leasekeep_close(k, db);
	ztp_lease_close(db);
	is_int(ztp_lease_open(&db, dir, &e), 0, "reopen");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 71)) != NULL &&
	   ztp_lease_by_ip(db, IP(10, 0, 0, 50)) != NULL, "every lease back");
	ztp_lease_close(db);
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("cannot remove the scratch directory");
	}
	return done_testing();
}
