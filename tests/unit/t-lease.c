/* t-lease.c: the lease database: allocation, reservations, quarantine,
 * expiry, release, and durability (journal, torn records, compaction) */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lease.h"
#include "tap.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct ztp_err E;
static uint8_t keys[16][7];
static struct ztp_lease_client C[16];

static void clients(void)
{
	int i;

	for (i = 0; i < 16; i++) {
		keys[i][0] = 1;
		keys[i][1] = 2;
		keys[i][6] = (uint8_t)(i + 1);
		C[i].key = keys[i];
		C[i].keylen = 7;
		C[i].htype = 1;
		C[i].hlen = 6;
		C[i].hw = keys[i] + 1;
	}
}

static uint32_t pick(struct ztp_lease_db *db, int c, uint32_t req, time_t now)
{
	uint32_t ip = 0;

	if (ztp_lease_pick(db, 0, &C[c], req, now, &ip, &E) < 0)
		return 0;
	return ip;
}

static void allocation(void)
{
	struct ztp_lease_db *db;
	const struct ztp_lease *l;
	time_t t = 1000000;
	uint32_t ip;
	int i;

	is_int(ztp_lease_open(&db, NULL, &E), 0, "memory database");
	is_int(ztp_lease_add_pool(db, 0, IP(10, 0, 0, 10), IP(10, 0, 0, 14), &E),
	       0, "pool .10-.14");
	is_int(ztp_lease_add_pool(db, 1, IP(10, 1, 0, 10), IP(10, 1, 0, 9), &E),
	       ZTP_ERR_CONFIG, "backwards pool refused");
	is_int(pick(db, 0, 0, t), IP(10, 0, 0, 10), "first client: first address");
	is_int(ztp_lease_offer(db, &C[0], IP(10, 0, 0, 10), t, t + 60, &E), 0,
	       "offered");
	is_int(pick(db, 1, 0, t), IP(10, 0, 0, 11), "second client: next");
	is_int(pick(db, 1, IP(10, 0, 0, 10), t), IP(10, 0, 0, 11),
	       "asking for an offered address does not get it");
	is_int(pick(db, 1, IP(10, 0, 0, 13), t), IP(10, 0, 0, 13),
	       "asking for a free one does");
	is_int(pick(db, 1, IP(10, 0, 0, 99), t), IP(10, 0, 0, 11),
	       "asking for one outside the pool does not");
	is_int(ztp_lease_bind(db, &C[0], IP(10, 0, 0, 10), t, t + 100, &E), 0,
	       "bound");
	is_int(pick(db, 0, IP(10, 0, 0, 12), t), IP(10, 0, 0, 10),
	       "a client keeps its address");
	is_int(ztp_lease_bind(db, &C[1], IP(10, 0, 0, 10), t, t + 100, &E),
	       ZTP_ERR_BUSY, "binding another's address is refused");
	like(E.msg, "another client holds it", "says so");
	is_int(ztp_lease_offer(db, &C[1], IP(10, 0, 0, 10), t, t + 100, &E),
	       ZTP_ERR_BUSY, "offering it too");
	for (i = 1; i < 5; i++) {
		ip = pick(db, i, 0, t);
		ztp_lease_bind(db, &C[i], ip, t, t + 100 * i, &E);
	}
	is_int(ztp_lease_count(db), 5, "five leases");
	is_int(pick(db, 5, 0, t), 0, "pool full");
	like(E.msg, "pools are full", "says the pools are full");
	/* expiry: client 0's lease ends at t+100 */
	is_int(pick(db, 5, 0, t + 150), IP(10, 0, 0, 10),
	       "an expired address goes to a new client when nothing else");
	l = ztp_lease_by_ip(db, IP(10, 0, 0, 10));
	is_int(ztp_lease_state_at(l, t + 150), ZTP_LEASE_EXPIRED,
	       "state expired after its end");
	is_int(ztp_lease_state_at(l, t + 50), ZTP_LEASE_BOUND, "bound before");
	is_int(pick(db, 0, 0, t + 150), IP(10, 0, 0, 10),
	       "its old client gets it back");
	is_int(ztp_lease_bind(db, &C[5], IP(10, 0, 0, 10), t + 150, t + 500, &E),
	       0, "a new client takes the expired address");
	ok(ztp_lease_by_key(db, C[0].key, C[0].keylen) == NULL,
	   "the old client's record is gone");
	/* one record per client: moving */
	is_int(ztp_lease_release(db, &C[2], IP(10, 0, 0, 13), t + 150, &E),
	       ZTP_ERR_NOTFOUND, "releasing what one does not hold refused");
	ip = ztp_lease_by_key(db, C[2].key, 7)->ip;
	is_int(ztp_lease_release(db, &C[2], ip, t + 150, &E), 0, "released");
	is_int(ztp_lease_state_at(ztp_lease_by_ip(db, ip), t + 150),
	       ZTP_LEASE_RELEASED, "state released");
	is_int(pick(db, 2, 0, t + 160), ip, "releaser gets it back first");
	is_int(ztp_lease_bind(db, &C[6], ip, t + 160, t + 900, &E), 0,
	       "or another client may take it");
	ztp_lease_close(db);
}

static void reservations_quarantine(void)
{
	struct ztp_lease_db *db;
	time_t t = 2000000;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };	/* client 8's MAC */
	int i;

	ztp_lease_open(&db, NULL, &E);
	ztp_lease_add_pool(db, 0, IP(10, 0, 0, 10), IP(10, 0, 0, 13), &E);
	is_int(ztp_lease_add_reservation(db, -1, 0, mac, 6, IP(10, 0, 0, 10), &E), 0,
	       "MAC reservation inside the pool");
	is_int(ztp_lease_add_reservation(db, -1, 1, C[9].key, 7, IP(10, 0, 5, 5), &E),
	       0, "client id reservation outside the pool");
	is_int(ztp_lease_add_reservation(db, -1, 1, C[10].key, 7, IP(10, 0, 5, 5), &E),
	       ZTP_ERR_CONFIG, "an address reserved twice is refused");
	is_int(pick(db, 0, 0, t), IP(10, 0, 0, 11),
	       "others skip the reserved address");
	is_int(pick(db, 0, IP(10, 0, 0, 10), t), IP(10, 0, 0, 11),
	       "even when they ask for it");
	ok(!ztp_lease_usable(db, 0, &C[0], IP(10, 0, 0, 10), t),
	   "not usable by others");
	is_int(ztp_lease_bind(db, &C[0], IP(10, 0, 0, 10), t, t + 100, &E),
	       ZTP_ERR_BUSY, "binding it to another is refused");
	is_int(pick(db, 8, IP(10, 0, 0, 12), t), IP(10, 0, 0, 10),
	       "the MAC gets its reservation");
	is_int(pick(db, 9, 0, t), IP(10, 0, 5, 5),
	       "the client id gets its own, outside the pool");
	ok(ztp_lease_usable(db, 0, &C[9], IP(10, 0, 5, 5), t), "usable by it");
	/* quarantine */
	is_int(ztp_lease_quarantine(db, IP(10, 0, 0, 11), t, t + 3600, &E), 0,
	       "declined address quarantined");
	is_int(ztp_lease_state_at(ztp_lease_by_ip(db, IP(10, 0, 0, 11)), t),
	       ZTP_LEASE_DECLINED, "state declined");
	is_int(pick(db, 0, IP(10, 0, 0, 11), t), IP(10, 0, 0, 12),
	       "a quarantined address is skipped even when asked for");
	is_int(pick(db, 1, 0, t + 3601), IP(10, 0, 0, 12),
	       "after quarantine a never-used address still comes first");
	for (i = 1; i < 3; i++)
		ztp_lease_bind(db, &C[i], pick(db, i, 0, t), t, t + 10000, &E);
	is_int(pick(db, 3, 0, t + 100), 0, "full while quarantined");
	is_int(pick(db, 3, 0, t + 3601), IP(10, 0, 0, 11),
	       "the quarantine ends");
	ztp_lease_close(db);

	/* reserved address held by another client before the reservation */
	ztp_lease_open(&db, NULL, &E);
	ztp_lease_add_pool(db, 0, IP(10, 0, 0, 10), IP(10, 0, 0, 11), &E);
	ztp_lease_bind(db, &C[0], IP(10, 0, 0, 10), t, t + 100, &E);
	ztp_lease_add_reservation(db, -1, 0, mac, 6, IP(10, 0, 0, 10), &E);
	is_int(pick(db, 8, 0, t), IP(10, 0, 0, 11),
	       "a reservation held by another gives a pool address meanwhile");
	ztp_lease_close(db);
}

static void prune_and_reservations(void)
{
	struct ztp_lease_db *db;
	time_t t = 4000000;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
	int i;

	ztp_lease_open(&db, NULL, &E);
	ztp_lease_add_pool(db, 0, IP(10, 0, 0, 1), IP(10, 0, 0, 200), &E);
	/* reservations added out of order are all found */
	for (i = 0; i < 10; i++) {
		mac[5] = (uint8_t)(100 + i);
		ztp_lease_add_reservation(db, -1, 0, mac, 6,
					  IP(10, 0, 0, 150 - 7 * i), &E);
	}
	{
		uint8_t hw[6] = { 2, 0, 0, 0, 0, 104 };
		struct ztp_lease_client rc = { hw, 6, 1, 6, hw, 0 };
		uint32_t ip = 0;

		ok(ztp_lease_pick(db, 0, &rc, 0, t, &ip, &E) == 0 &&
		   ip == IP(10, 0, 0, 122), "the fifth of ten reservations");
		ok(!ztp_lease_usable(db, 0, &C[0], IP(10, 0, 0, 87), t) &&
		   !ztp_lease_usable(db, 0, &C[0], IP(10, 0, 0, 150), t) &&
		   ztp_lease_usable(db, 0, &C[0], IP(10, 0, 0, 151), t),
		   "reserved addresses are not usable by others");
	}
	/* a reservation in another subnet is not used in this one */
	ztp_lease_add_pool(db, 1, IP(10, 1, 0, 1), IP(10, 1, 0, 9), &E);
	is_int(ztp_lease_add_reservation(db, 1, 1, C[7].key, 7,
					 IP(10, 1, 0, 5), &E), 0,
	       "reservation in subnet 1");
	is_int(ztp_lease_add_reservation(db, 0, 1, C[7].key, 7,
					 IP(10, 0, 0, 190), &E), 0,
	       "same client, another reservation in subnet 0");
	{
		uint32_t ip = 0;

		ok(ztp_lease_pick(db, 1, &C[7], 0, t, &ip, &E) == 0 &&
		   ip == IP(10, 1, 0, 5), "subnet 1: its reservation there");
		ok(ztp_lease_pick(db, 0, &C[7], 0, t, &ip, &E) == 0 &&
		   ip == IP(10, 0, 0, 190), "subnet 0: its reservation here");
		ok(!ztp_lease_usable(db, 0, &C[7], IP(10, 1, 0, 5), t),
		   "the subnet 1 address is not usable in subnet 0");
	}
	ztp_lease_bind(db, &C[0], IP(10, 0, 0, 1), t, t + 100, &E);
	is_int(ztp_lease_offer(db, &C[0], IP(10, 0, 0, 1), t + 10, t + 70, &E),
	       0, "offer to a bound client");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 1))->state == ZTP_LEASE_BOUND &&
	   ztp_lease_by_ip(db, IP(10, 0, 0, 1))->ends == t + 100,
	   "leaves its lease bound");
	ztp_lease_bind(db, &C[1], IP(10, 0, 0, 2), t, t + 1000, &E);
	ztp_lease_bind(db, &C[2], IP(10, 0, 0, 3), t, t + 5000, &E);
	ztp_lease_release(db, &C[2], IP(10, 0, 0, 3), t + 50, &E);
	ztp_lease_offer(db, &C[3], IP(10, 0, 0, 4), t, t + 60, &E);
	ztp_lease_quarantine(db, IP(10, 0, 0, 5), t, t + 600, &E);
	is_int(ztp_lease_prune(db, t + 700, &E), 4,
	       "prune: expired, released, old offer and quarantine go");
	is_int(ztp_lease_count(db), 1, "the running lease stays");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 2)) != NULL, "that one");
	ztp_lease_close(db);
}

static char dir[256];

static off_t fsize(const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0 ? st.st_size : -1;
}

static void append(const char *name, const char *s)
{
	char p[512];
	int fd;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_APPEND);
	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror("write");
		close(fd);
	}
}

static void durability(void)
{
	struct ztp_lease_db *db, *db2;
	struct ztp_lease_compaction *job, *job2;
	const struct ztp_lease *l;
	time_t t = 3000000;
	off_t sz;
	int i;

	snprintf(dir, sizeof dir, "%s/t-lease.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	is_int(ztp_lease_open(&db, dir, &E), 0, "open a new directory");
	is_int(ztp_lease_open(&db2, dir, &E), ZTP_ERR_BUSY,
	       "a second open is refused");
	for (i = 0; i < 3; i++)
		ztp_lease_bind(db, &C[i], IP(10, 0, 0, 10 + i), t, t + 100 + i, &E);
	ztp_lease_quarantine(db, IP(10, 0, 0, 20), t, t + 50, &E);
	is_int(ztp_lease_pending(db), 4, "four lines pending");
	is_int(fsize("leases.jnl.1"), 0, "nothing written before sync");
	is_int(ztp_lease_sync(db, &E), 0, "sync");
	ok(fsize("leases.jnl.1") > 0, "journal written");
	ztp_lease_bind(db, &C[5], IP(10, 0, 0, 15), t, t + 100, &E);
	ztp_lease_close(db);	/* without sync: the last bind is lost */
	is_int(ztp_lease_open(&db, dir, &E), 0, "reopen");
	is_int(ztp_lease_count(db), 4, "synced leases back, unsynced not");
	l = ztp_lease_by_key(db, C[2].key, 7);
	ok(l && l->ip == IP(10, 0, 0, 12) && l->state == ZTP_LEASE_BOUND &&
	   l->ends == t + 102 && l->start == t && l->hlen == 6 &&
	   memcmp(l->hw, C[2].hw, 6) == 0, "a lease comes back whole");
	l = ztp_lease_by_ip(db, IP(10, 0, 0, 20));
	ok(l && l->state == ZTP_LEASE_DECLINED && l->keylen == 0,
	   "the quarantine comes back");
	ztp_lease_close(db);

	/* torn last record */
	sz = fsize("leases.jnl.1");
	append("leases.jnl.1", "5 B 10.0.0.77 3000000 30001");
	is_int(ztp_lease_open(&db, dir, &E), 0, "open with a torn last record");
	is_int(ztp_lease_torn_bytes(db), 27, "torn bytes reported");
	is_int(ztp_lease_count(db), 4, "nothing lost, nothing invented");
	is_int(fsize("leases.jnl.1"), sz, "torn tail cut off");
	ztp_lease_bind(db, &C[6], IP(10, 0, 0, 16), t, t + 100, &E);
	ztp_lease_sync(db, &E);
	ztp_lease_close(db);
	is_int(ztp_lease_open(&db, dir, &E), 0, "reopen after more changes");
	is_int(ztp_lease_count(db), 5, "the change after the cut is there");
	ztp_lease_close(db);
	/* a complete line with a bad checksum at the end is torn too */
	append("leases.jnl.1",
	       "7 B 10.0.0.77 3000000 3000100 01020000000008 1 020000000008 00000000\n");
	is_int(ztp_lease_open(&db, dir, &E), 0, "bad checksum at the end");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 77)) == NULL, "that line is ignored");
	/* renew: a newer end wins over an older one */
	ztp_lease_bind(db, &C[0], IP(10, 0, 0, 10), t + 10, t + 1000, &E);
	ztp_lease_sync(db, &E);
	ztp_lease_close(db);
	ztp_lease_open(&db, dir, &E);
	l = ztp_lease_by_key(db, C[0].key, 7);
	ok(l && l->ends == t + 1000, "the renewed end comes back, not the older");

	/* compaction */
	for (i = 0; i < 8; i++)
		ztp_lease_bind(db, &C[8 + i], IP(10, 0, 1, i), t, t + 100, &E);
	is_int(ztp_lease_compact(db, &E), 0, "compaction");
	ok(fsize("leases.snap") > 0, "snapshot written");
	is_int(fsize("leases.jnl.1"), -1, "old journal removed");
	is_int(fsize("leases.jnl.2"), 0, "new journal empty");
	is_int(ztp_lease_journal_lines(db), 0, "journal line count reset");
	ztp_lease_release(db, &C[8], IP(10, 0, 1, 0), t + 5, &E);
	ztp_lease_sync(db, &E);
	ztp_lease_close(db);
	is_int(ztp_lease_open(&db, dir, &E), 0, "reopen from snapshot + journal");
	is_int(ztp_lease_count(db), 13, "all leases back");
	is_int(ztp_lease_by_ip(db, IP(10, 0, 1, 0))->state, ZTP_LEASE_RELEASED,
	       "the change after the snapshot applies");

	/* compaction interrupted after the switch: nothing lost */
	is_int(ztp_lease_compact_start(db, &job, &E), 0, "compaction started");
	is_int(ztp_lease_compact_start(db, &job2, &E), ZTP_ERR_BUSY,
	       "a second one is refused");
	ztp_lease_bind(db, &C[8], IP(10, 0, 1, 0), t + 6, t + 200, &E);
	ztp_lease_sync(db, &E);
	ok(fsize("leases.jnl.3") > 0, "changes go to the new journal");
	ztp_lease_compact_finish(db, job);	/* abandoned: "crash" before run */
	ztp_lease_close(db);
	is_int(ztp_lease_open(&db, dir, &E), 0, "reopen after interruption");
	is_int(ztp_lease_count(db), 13, "all leases back");
	is_int(ztp_lease_by_ip(db, IP(10, 0, 1, 0))->state, ZTP_LEASE_BOUND,
	       "including the change made during compaction");
	ztp_lease_close(db);

	/* a corrupt snapshot stops the open */
	append("leases.snap", "garbage\n");
	is_int(ztp_lease_open(&db, dir, &E), ZTP_ERR_PARSE,
	       "corrupt snapshot refused");
	like(E.msg, "leases.snap", "names the file");
	ztp_lease_close(db);
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("cannot remove the scratch directory");
	}
}

static uint32_t crc32_of(const char *s, size_t n)
{
	uint32_t c = 0xffffffff;
	int k;

	while (n--) {
		c ^= (uint8_t)*s++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & (0u - (c & 1)));
	}
	return ~c;
}

/* The port of each lease: counted for the caps of ztp-dhcpd (D7), kept in
 * the journal and the snapshot; journals written before it load. */
static void ports(void)
{
	struct ztp_lease_db *db;
	struct ztp_lease_client one[3];
	const uint64_t p1 = 0x1111222233334444ULL, p2 = 0x5555;
	const struct ztp_lease *l;
	time_t t = 4000000;
	char line[200], buf[300];
	int fd, i, n;

	is_int(ztp_lease_open(&db, NULL, &E), 0, "memory database");
	for (i = 0; i < 3; i++) {
		C[i].port = p1;
		ztp_lease_bind(db, &C[i], IP(10, 0, 2, i), t, t + 100, &E);
	}
	C[3].port = p1;
	ztp_lease_offer(db, &C[3], IP(10, 0, 2, 3), t, t + 10, &E);
	C[4].port = p2;
	ztp_lease_bind(db, &C[4], IP(10, 0, 2, 4), t, t + 100, &E);
	is_int(ztp_lease_held_by_port(db, p1, t), 4, "a port holds its bound "
	       "leases and its offers");
	is_int(ztp_lease_held_by_port(db, p1, t + 10), 3, "not an offer over");
	is_int(ztp_lease_held_by_port(db, p2, t), 1, "another port its own");
	ztp_lease_release(db, &C[0], IP(10, 0, 2, 0), t + 1, &E);
	is_int(ztp_lease_held_by_port(db, p1, t + 1), 3, "a released lease is "
	       "not held");
	is_int(ztp_lease_held_by_port(db, p1, t + 200), 0, "nor an expired one");
	/* one MAC under three client ids */
	for (i = 0; i < 3; i++) {
		one[i] = C[8 + i];
		one[i].hw = C[7].hw;
		ztp_lease_bind(db, &one[i], IP(10, 0, 3, i), t, t + 100, &E);
	}
	is_int(ztp_lease_held_by_hw(db, 1, 6, C[7].hw, t), 3,
	       "a MAC holds what its client ids hold");
	ztp_lease_forget(db, IP(10, 0, 3, 1), &E);
	is_int(ztp_lease_held_by_hw(db, 1, 6, C[7].hw, t), 2,
	       "a forgotten lease is not counted");
	ztp_lease_close(db);

	/* a journal written before leases had ports */
	snprintf(dir, sizeof dir, "%s/t-lease.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(buf, sizeof buf, "%s/leases.jnl.1", dir);
	fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (i = 0; i < 2; i++) {
		n = snprintf(line, sizeof line,
			     "%d B 10.0.4.%d 4000000 4000100 0102000000000%d 1 "
			     "02000000000%d", i + 1, i, i + 1, i + 1);
		n = snprintf(buf, sizeof buf, "%s %08x\n", line,
			     crc32_of(line, (size_t)n));
		if (fd < 0 || write(fd, buf, (size_t)n) != n)
			ok(0, "write an old journal");
	}
	if (fd >= 0)
		close(fd);
	is_int(ztp_lease_open(&db, dir, &E), 0, "a journal without ports loads");
	is_int(ztp_lease_count(db), 2, "with its leases");
	l = ztp_lease_by_ip(db, IP(10, 0, 4, 1));
	ok(l && l->state == ZTP_LEASE_BOUND && l->port == 0 && l->keylen == 7,
	   "a lease of it: bound, no port");
	C[5].port = p1;
	ztp_lease_bind(db, &C[5], IP(10, 0, 4, 5), t, t + 100, &E);
	C[6].port = p1;
	ztp_lease_offer(db, &C[6], IP(10, 0, 4, 6), t, t + 100, &E);
	ztp_lease_sync(db, &E);
	ztp_lease_close(db);
	is_int(ztp_lease_open(&db, dir, &E), 0, "old and new lines in one journal");
	is_int(ztp_lease_held_by_port(db, p1, t), 2, "the ports come back");
	is_int(ztp_lease_compact(db, &E), 0, "compaction");
	ztp_lease_close(db);
	is_int(ztp_lease_open(&db, dir, &E), 0, "reopen from the snapshot");
	is_int(ztp_lease_held_by_port(db, p1, t), 2,
	       "the ports come back from the snapshot");
	is_int(ztp_lease_count(db), 4, "with every lease");
	ztp_lease_close(db);
	for (i = 0; i < 8; i++)
		C[i].port = 0;
	{
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("cannot remove the scratch directory");
	}
}

int main(void)
{
	clients();
	allocation();
	reservations_quarantine();
	prune_and_reservations();
	durability();
	ports();
	return done_testing();
}
