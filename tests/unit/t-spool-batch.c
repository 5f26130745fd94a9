/* t-spool-batch.c: ztp_spool_put_many, the group commit of new records:
 * a batch larger than ZTP_SPOOL_BATCH all in its stage and intact; per
 * record results (exists, bad id, duplicate in the batch) while the rest
 * of the batch goes on; a write error in the middle of a batch (a file
 * size limit) leaves no partial file anywhere and names its record; the
 * id registry is made of hard links to one empty file. */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "spool.h"
#include "tap.h"

static char dir[] = "/tmp/t-spool-batch.XXXXXX";

static struct ztp_val *rec(const char *id, size_t payload)
{
	struct ztp_val *r = ztp_val_map();
	char *p = ztp_xmalloc(payload + 1);

	memset(p, 'x', payload);
	p[payload] = '\0';
	ztp_map_set_str(r, "id", id);
	ztp_map_set_str(r, "payload", p);
	free(p);
	return r;
}

static int exists(const char *rel)
{
	char p[512];

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

static int entries(const char *rel)
{
	char p[512];
	struct dirent *d;
	DIR *dh;
	int n = 0;

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	if ((dh = opendir(p)) == NULL)
		return -1;
	while ((d = readdir(dh)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dh);
	return n;
}

static void free_items(struct ztp_spool_item *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ztp_val_unref((struct ztp_val *)it[i].rec);
}

#define NBIG 150

/* In a child limited to 4 kB files: [small, big, small].  The exit status
 * has one bit per expectation met. */
static int write_error_child(void)
{
	struct ztp_spool_item it[3];
	struct ztp_spool *sp;
	struct rlimit rl = { 4096, 4096 };
	int bits = 0, n;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0 || ztp_spool_open(&sp, dir, 0, NULL) < 0)
		return 0;
	memset(it, 0, sizeof it);
	it[0].rec = rec("we-a", 10);
	it[1].rec = rec("we-big", 20000);
	it[2].rec = rec("we-c", 10);
	n = ztp_spool_put_many(sp, "discovered", it, 3, NULL);
	bits |= n == 2;
	bits |= (it[0].rc == 0 && it[2].rc == 0) << 1;
	bits |= (it[1].rc == ZTP_ERR_SYS) << 2;
	bits |= (strstr(it[1].err.msg, "cannot write") != NULL &&
		 strstr(it[1].err.msg, "we-big") != NULL) << 3;
	free_items(it, 3);
	ztp_spool_close(sp);
	return bits;
}

int main(void)
{
	static struct ztp_spool_item it[NBIG];
	struct ztp_spool *sp;
	struct ztp_spool_ent ent;
	struct ztp_val *r;
	struct ztp_err e;
	char id[32];
	int i, n, good;
	pid_t pid;

	if (mkdtemp(dir) == NULL)
		return 1;
	ok(ztp_spool_open(&sp, dir, 1, &e) == 0, "spool created");

	/* a batch of more than ZTP_SPOOL_BATCH records */
	for (i = 0; i < NBIG; i++) {
		snprintf(id, sizeof id, "b%03d", i);
		it[i].rec = rec(id, 100 + (size_t)i);
	}
	is_int(ztp_spool_put_many(sp, "discovered", it, NBIG, &e), NBIG, "150 records put in one call");
	for (i = 0, good = 0; i < NBIG; i++) {
		const char *p;

		if (it[i].rc != 0 || ztp_spool_locate(sp, ztp_rec_id(it[i].rec), &ent, &e) < 0 ||
		    strcmp(ent.stage, "discovered") != 0 || ztp_spool_read(sp, &ent, &r, &e) < 0)
			continue;
		p = ztp_map_str(r, "payload");
		good += p && strlen(p) == 100 + (size_t)i && strspn(p, "x") == strlen(p);
		ztp_val_unref(r);
	}
	is_int(good, NBIG, "each one in discovered, complete");
	is_int(entries("discovered"), NBIG, "nothing else in the stage");
	is_int(entries("ids"), NBIG, "each id registered");
	is_int(entries("tmp"), 0, "no tmp file left");
	free_items(it, NBIG);

	/* per record results; the batch goes on */
	memset(it, 0, 5 * sizeof *it);
	it[0].rec = rec("m-one", 10);
	it[1].rec = rec("b007", 10);		/* put above */
	it[2].rec = rec("m-two", 10);
	r = rec("x", 10);
	ztp_map_set_str(r, "id", "../escape");
	it[3].rec = r;
	it[4].rec = rec("m-one", 10);		/* twice in the batch */
	is_int(ztp_spool_put_many(sp, "discovered", it, 5, &e), 2, "two of five put");
	ok(it[0].rc == 0 && it[2].rc == 0, "the good ones succeed");
	is_int(it[1].rc, ZTP_ERR_EXISTS, "a known id is refused");
	like(it[1].err.msg, "record 'b007' already exists in 'discovered/b007.yml'", "and named");
	is_int(it[3].rc, ZTP_ERR_PARSE, "an unsafe id is refused");
	is_int(it[4].rc, ZTP_ERR_EXISTS, "the second of two equal ids is refused");
	ok(exists("discovered/m-one.yml") && exists("discovered/m-two.yml"), "both in the stage");
	is_int(entries("tmp"), 0, "no tmp file left");
	free_items(it, 5);

	/* an unknown stage fails the whole batch */
	memset(it, 0, 2 * sizeof *it);
	it[0].rec = rec("s-one", 10);
	it[1].rec = rec("s-two", 10);
	is_int(ztp_spool_put_many(sp, "nowhere", it, 2, &e), ZTP_ERR_USAGE, "unknown stage refused");
	ok(it[0].rc == ZTP_ERR_USAGE && it[1].rc == ZTP_ERR_USAGE, "in every item");
	ok(!exists("ids/s-one") && !exists("ids/s-two"), "nothing registered");
	free_items(it, 2);
	is_int(ztp_spool_put_many(sp, "discovered", it, 0, &e), 0, "an empty batch is fine");

	/* a write error in the middle of a batch */
	pid = fork();
	if (pid == 0)
		_exit(write_error_child());
	waitpid(pid, &n, 0);
	ok(WIFEXITED(n), "the child with a 4 kB file size limit ran");
	is_int(WIFEXITED(n) ? WEXITSTATUS(n) & 1 : 0, 1, "two of three put");
	is_int(WIFEXITED(n) ? WEXITSTATUS(n) & 2 : 0, 2, "the records around the failed one succeed");
	is_int(WIFEXITED(n) ? WEXITSTATUS(n) & 4 : 0, 4, "the failed one reports a system error");
	is_int(WIFEXITED(n) ? WEXITSTATUS(n) & 8 : 0, 8, "its message says which record could not be written");
	ok(exists("discovered/we-a.yml") && exists("discovered/we-c.yml"), "the others are in the stage");
	ok(!exists("discovered/we-big.yml"), "no file of the failed record in the stage");
	is_int(entries("tmp"), 0, "nor in tmp");
	ok(!exists("ids/we-big"), "its id is not registered: it can be put again");
	r = rec("we-big", 20000);
	ok(ztp_spool_put(sp, "discovered", r, &e) == 0, "and is, without the limit");
	ztp_val_unref(r);
	ok(ztp_spool_locate(sp, "we-big", &ent, &e) == 0 && ztp_spool_read(sp, &ent, &r, &e) == 0 &&
	   strlen(ztp_map_str(r, "payload")) == 20000, "complete");
	ztp_val_unref(r);

	/* the registry's names are links to ids/.anchor: one removed by hand
	 * is made again */
	{
		char p[512];
		struct stat st;

		snprintf(p, sizeof p, "%s/ids/b001", dir);
		ok(stat(p, &st) == 0 && st.st_size == 0 && st.st_nlink > NBIG, "ids are names of one empty file");
		snprintf(p, sizeof p, "%s/ids/.anchor", dir);
		ok(unlink(p) == 0, "anchor removed");
		r = rec("after-anchor", 10);
		ok(ztp_spool_put(sp, "discovered", r, &e) == 0 && exists("ids/after-anchor") &&
		   exists("ids/.anchor"), "a put makes it again");
		ok(ztp_spool_put(sp, "probed", r, &e) == ZTP_ERR_EXISTS, "and the id is unique");
		ztp_val_unref(r);
		ok(ztp_spool_remove(sp, "b001", &e) == 0 && !exists("ids/b001") &&
		   ztp_spool_registered(sp, "b002"), "removing a record frees only its name");
	}

	ztp_spool_close(sp);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return done_testing();
}
