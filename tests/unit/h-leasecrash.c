/* h-leasecrash.c: crash-test helper for the lease database.
 *
 *	h-leasecrash run DIR	hand out, renew and release leases as fast as
 *				possible, in batches (group commit), with a
 *				compaction in a thread now and then; print each
 *				change to stdout only after ztp_lease_sync()
 *				returned:  B <key> <ip> <ends> | R <key> <ip>
 *	h-leasecrash check DIR FILE...
 *				reload DIR and check that the last printed
 *				change of every client is in it (a bound lease
 *				at least as new as printed, or a later release
 *				that was synced but not printed; a release) and
 *				that
 *				no address or client appears twice.
 *
 * tests/lease-crash.t kills `run` with SIGKILL at random moments. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhcp.h"
#include "lease.h"
#include "str.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define MAXC 20000
#define DB_CAP 50000

struct cl {
	uint8_t key[9];
	uint32_t ip;
	time_t ends;
	int released;
};

static struct ztp_lease_compaction *job;
static atomic_int job_done;

static void *compactor(void *arg)
{
	struct ztp_err e;

	(void)arg;
	if (ztp_lease_compact_run(job, &e) < 0)
		fprintf(stderr, "h-leasecrash: %s\n", e.msg);
	atomic_store(&job_done, 1);
	return NULL;
}

static void hexkey(const uint8_t *k, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", k[i]);
}

static int run(const char *dir)
{
	static struct cl c[MAXC];
	struct ztp_lease_db *db;
	struct ztp_err e;
	struct ztp_lease_client lc = { NULL, 9, 0, 0, NULL, 0 };
	char ks[19], ips[16];
	int n = 0, i, k, batch, ops[16], kind[16];
	unsigned pid = (unsigned)getpid(), changes = 0;
	pthread_t th;
	time_t now = time(NULL);

	srand(pid);
	if (ztp_lease_open(&db, dir, &e) < 0 ||
	    ztp_lease_add_pool(db, 0, IP(10, 0, 0, 0), IP(10, 0, 255, 255),
			       &e) < 0) {
		fprintf(stderr, "h-leasecrash: %s\n", e.msg);
		return 1;
	}
	for (;;) {
		batch = 1 + rand() % 8;
		for (k = 0; k < batch; k++) {
			int r = rand() % 10;

			if (n > 0 && r < 2) {		/* renew */
				i = rand() % n;
				if (c[i].released)
					goto fresh;
				lc.key = c[i].key;
				c[i].ends++;
				if (ztp_lease_bind(db, &lc, c[i].ip, now,
						   c[i].ends, &e) < 0)
					goto fail;
				kind[k] = 'B';
			} else if (n > 0 && r < 3) {	/* release */
				i = rand() % n;
				if (c[i].released)
					goto fresh;
				lc.key = c[i].key;
				if (ztp_lease_release(db, &lc, c[i].ip, now,
						      &e) < 0)
					goto fail;
				c[i].released = 1;
				kind[k] = 'R';
			} else {
fresh:
				if (n == MAXC || ztp_lease_count(db) >= DB_CAP) {
					kind[k] = 0;
					i = 0;
					goto next;
				}
				i = n++;
				c[i].key[0] = 0xee;
				memcpy(c[i].key + 1, &pid, 4);
				memcpy(c[i].key + 5, &i, 4);
				lc.key = c[i].key;
				c[i].ends = now + 3600;
				if (ztp_lease_pick(db, 0, &lc, 0, now, &c[i].ip,
						   &e) < 0 ||
				    ztp_lease_offer(db, &lc, c[i].ip, now,
						    now + 60, &e) < 0 ||
				    ztp_lease_bind(db, &lc, c[i].ip, now,
						   c[i].ends, &e) < 0)
					goto fail;
				kind[k] = 'B';
			}
next:
			ops[k] = i;
			changes++;
		}
		if (ztp_lease_sync(db, &e) < 0)
			goto fail;
		for (k = 0; k < batch; k++) {
			if (!kind[k])
				continue;
			i = ops[k];
			hexkey(c[i].key, 9, ks);
			ztp_dhcp_ip_fmt(c[i].ip, ips);
			if (kind[k] == 'B')
				printf("B %s %s %lld\n", ks, ips,
				       (long long)c[i].ends);
			else
				printf("R %s %s\n", ks, ips);
		}
		fflush(stdout);
		if (job == NULL && changes > 300) {
			changes = 0;
			if (ztp_lease_compact_start(db, &job, &e) < 0)
				goto fail;
			atomic_store(&job_done, 0);
			if (pthread_create(&th, NULL, compactor, NULL) != 0) {
				fprintf(stderr, "h-leasecrash: no thread\n");
				return 1;
			}
		}
		if (job != NULL && atomic_load(&job_done)) {
			pthread_join(th, NULL);
			ztp_lease_compact_finish(db, job);
			job = NULL;
		}
		if (n == MAXC || ztp_lease_count(db) >= DB_CAP)
			break;
	}
	if (job != NULL) {
		pthread_join(th, NULL);
		ztp_lease_compact_finish(db, job);
	}
	ztp_lease_close(db);
	return 0;
fail:
	fprintf(stderr, "h-leasecrash: %s\n", e.msg);
	return 1;
}

struct ack {
	size_t idx;
	char key[19];
	char ip[16];
	long long ends;
	int released;
};

static int cmp_ack(const void *a, const void *b)
{
	const struct ack *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

static int check(const char *dir, char **files, int nfiles)
{
	struct ztp_lease_db *db;
	struct ztp_err e;
	struct ack *acks = NULL;
	size_t nacks = 0, cap = 0, i, j, pos = 0, nl = 0;
	const struct ztp_lease *l;
	char line[128], ks[2 * ZTP_LEASE_KEY_MAX + 1], ips[16];
	int f, bad = 0;

	if (ztp_lease_open(&db, dir, &e) < 0) {
		printf("FAIL cannot reload: %s\n", e.msg);
		return 1;
	}
	for (f = 0; f < nfiles; f++) {
		FILE *fp = fopen(files[f], "r");

		if (fp == NULL)
			continue;
		while (fgets(line, sizeof line, fp)) {
			struct ack a;

			if (strchr(line, '\n') == NULL)
				break;	/* cut by the kill: never read */
			memset(&a, 0, sizeof a);
			if (sscanf(line, "B %18s %15s %lld", a.key, a.ip,
				   &a.ends) == 3)
				;
			else if (sscanf(line, "R %18s %15s", a.key, a.ip) == 2)
				a.released = 1;
			else {
				printf("FAIL bad line in %s: %s", files[f],
				       line);
				return 1;
			}
			if (nacks == cap) {
				cap = cap ? cap * 2 : 1024;
				acks = realloc(acks, cap * sizeof *acks);
				if (acks == NULL)
					return 1;
			}
			a.idx = nacks;
			acks[nacks++] = a;
		}
		fclose(fp);
	}
	/* the last line of each key is what must be in the database */
	if (nacks)
		qsort(acks, nacks, sizeof *acks, cmp_ack);
	for (i = 0; i < nacks; i++) {
		uint8_t key[9];
		size_t n;

		j = i + 1;
		if (j < nacks && strcmp(acks[j].key, acks[i].key) == 0)
			continue;	/* an older line of that key */
		for (n = 0; n < 9; n++) {
			unsigned v;

			sscanf(acks[i].key + 2 * n, "%2x", &v);
			key[n] = (uint8_t)v;
		}
		l = ztp_lease_by_key(db, key, 9);
		if (l)
			ztp_dhcp_ip_fmt(l->ip, ips);
		if (l == NULL || strcmp(ips, acks[i].ip) != 0 ||
		    (acks[i].released ? l->state != ZTP_LEASE_RELEASED :
		     /* a later release may have reached the disk unprinted */
		     (l->state != ZTP_LEASE_RELEASED &&
		      (l->state != ZTP_LEASE_BOUND || l->ends < acks[i].ends)))) {
			printf("FAIL acknowledged %s %s %s ends %lld: %s\n",
			       acks[i].released ? "release" : "lease",
			       acks[i].key, acks[i].ip, acks[i].ends,
			       l == NULL ? "missing" :
			       ztp_lease_state_name(l->state));
			bad++;
		}
		nl++;
	}
	/* one record per address (the table is keyed by it) and per client */
	{
		size_t cnt = 0;

		while ((l = ztp_lease_next(db, &pos)) != NULL) {
			cnt++;
			if (ztp_lease_by_ip(db, l->ip) != l ||
			    (l->keylen && ztp_lease_by_key(db, l->key,
							   l->keylen) != l)) {
				hexkey(l->key, l->keylen, ks);
				printf("FAIL duplicate record for %s\n", ks);
				bad++;
			}
		}
		if (cnt != ztp_lease_count(db)) {
			printf("FAIL count %zu, iterated %zu\n",
			       ztp_lease_count(db), cnt);
			bad++;
		}
	}
	printf("checked %zu clients (%zu acknowledged changes), %zu leases, "
	       "%zu torn bytes\n", nl, nacks, ztp_lease_count(db),
	       ztp_lease_torn_bytes(db));
	free(acks);
	ztp_lease_close(db);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "run") == 0)
		return run(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "check") == 0)
		return check(argv[2], argv + 3, argc - 3);
	fprintf(stderr, "usage: h-leasecrash run DIR | check DIR FILE...\n");
	return 2;
}
