/* fz-lease.c: the lease database opening damaged files: the input is a
 * journal (after "--snap--\n", the part before is the snapshot).  Opening
 * must fail cleanly or give a table where every address and every client
 * appears once, that survives a sync, a compaction and a reopen unchanged. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lease.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void put(const char *name, const void *p, size_t n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (p == NULL) {
		unlink(path);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

static void clean(void)
{
	static const char *const names[] = {
		"leases.snap", "leases.snap.tmp", "leases.jnl.0",
		"leases.jnl.1", "leases.jnl.2", "leases.jnl.3", NULL,
	};
	int i;

	for (i = 0; names[i]; i++)
		put(names[i], NULL, 0);
}

static size_t check(struct ztp_lease_db *db)
{
	const struct ztp_lease *l;
	size_t pos = 0, n = 0;

	while ((l = ztp_lease_next(db, &pos)) != NULL) {
		n++;
		if (ztp_lease_by_ip(db, l->ip) != l ||
		    (l->keylen && ztp_lease_by_key(db, l->key, l->keylen) != l))
			abort();
	}
	if (n != ztp_lease_count(db))
		abort();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_lease_db *db;
	const uint8_t *sep;
	size_t n;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/fz-lease.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	clean();
	sep = memmem(data, size, "--snap--\n", 9);
	if (sep != NULL) {
		put("leases.snap", data, (size_t)(sep - data));
		put("leases.jnl.1", sep + 9, size - (size_t)(sep - data) - 9);
	} else
		put("leases.jnl.1", data, size);
	if (ztp_lease_open(&db, dir, NULL) < 0)
		return 0;
	n = check(db);
	if (ztp_lease_compact(db, NULL) < 0)
		abort();
	ztp_lease_close(db);
	if (ztp_lease_open(&db, dir, NULL) < 0)
		abort();
	if (check(db) != n)
		abort();
	ztp_lease_close(db);
	return 0;
}
