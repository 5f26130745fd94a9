/* t-spool.c: spool semantics in one process: put, uniqueness, claim,
 * commit, release, leases, recovery of dead claims, bad records moved
 * aside, tmp sweep, remove, listing */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "spool.h"
#include "tap.h"

static char dir[] = "/tmp/t-spool.XXXXXX";

static struct ztp_val *rec(const char *id)
{
	struct ztp_val *r = ztp_val_map();

	ztp_map_set_str(r, "id", id);
	ztp_map_set_str(r, "extra", "kept");
	return r;
}

static int exists(const char *rel)
{
	char p[512];

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

static void write_raw(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, rel);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static int count(void *ctx, const struct ztp_spool_ent *ent)
{
	(void)ent;
	(*(int *)ctx)++;
	return 0;
}

int main(void)
{
	struct ztp_spool *sp;
	struct ztp_claim *c, *c2;
	struct ztp_spool_ent ent;
	struct ztp_val *r;
	struct ztp_err e;
	int n, rec_n, swept;
	pid_t pid;

	if (mkdtemp(dir) == NULL)
		return 1;
	ok(ztp_spool_open(&sp, "/nonexistent/spool", 0, &e) == ZTP_ERR_CONFIG, "missing spool");
	like(e.msg, "ztp-spool -s /nonexistent/spool init", "message says how to create it");
	ok(ztp_spool_open(&sp, dir, 1, &e) == 0, "spool created");
	ok(exists("discovered/.work") && exists("tmp") && exists("bad"), "layout made");

	r = rec("dev1");
	ok(ztp_spool_put(sp, "discovered", r, &e) == 0, "put");
	ok(exists("discovered/dev1.yml"), "file in discovered");
	ok(ztp_spool_put(sp, "probed", r, &e) == ZTP_ERR_EXISTS, "same id again refused");
	like(e.msg, "record 'dev1' already exists in 'discovered/dev1.yml'", "exists message");
	ok(ztp_spool_put(sp, "nowhere", r, &e) == ZTP_ERR_USAGE, "unknown stage refused");
	ztp_val_unref(r);

	r = rec("x");
	ztp_map_set_str(r, "id", "../../etc/passwd");
	ok(ztp_spool_put(sp, "discovered", r, &e) == ZTP_ERR_PARSE, "unsafe id refused at put");
	ztp_val_unref(r);

	/* claim and commit with new contents */
	ok(ztp_spool_claim(sp, "discovered", &c, &e) == 0, "claim");
	ok(exists("discovered/.work/dev1.yml") && !exists("discovered/dev1.yml"), "claimed into .work");
	ok(ztp_spool_claim(sp, "discovered", &c2, &e) == ZTP_ERR_NOTFOUND, "nothing else to claim");
	ok(ztp_spool_claim_id(sp, "dev1", ZTP_ADOPT_LEASE, &c2, &e) == ZTP_ERR_BUSY, "a held claim cannot be adopted");
	like(e.msg, "being worked on by another process", "busy message");
	r = ztp_val_copy(ztp_claim_record(c));
	is_str(ztp_map_str(r, "extra"), "kept", "record read back");
	ztp_map_set_str(r, "ip", "10.0.0.9");
	ok(ztp_claim_commit(c, "probed", r, &e) == 0, "commit to probed");
	ztp_val_unref(r);
	ok(exists("probed/dev1.yml") && !exists("discovered/.work/dev1.yml"), "moved in one step");
	ok(ztp_spool_locate(sp, "dev1", &ent, &e) == 0 && strcmp(ent.stage, "probed") == 0, "located");
	ztp_spool_read(sp, &ent, &r, &e);
	is_str(ztp_map_str(r, "ip"), "10.0.0.9", "new contents stored");
	ztp_val_unref(r);

	/* a worker that dies holding a claim: the claim comes back */
	pid = fork();
	if (pid == 0) {
		struct ztp_spool *sp2;

		ztp_spool_open(&sp2, dir, 0, NULL);
		if (ztp_spool_claim(sp2, "probed", &c, NULL) == 0)
			_exit(0);	/* dies with the claim */
		_exit(1);
	}
	waitpid(pid, &n, 0);
	ok(WIFEXITED(n) && WEXITSTATUS(n) == 0, "child claimed and died");
	ok(exists("probed/.work/dev1.yml"), "claim left behind");
	ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1, "recover takes it back");
	ok(exists("probed/dev1.yml"), "back in probed");

	/* a lease survives its process while its process group lives */
	ok(ztp_spool_claim(sp, "probed", &c, &e) == 0, "claim for a lease");
	ok(ztp_claim_lease(c, 600, NULL, &e) == 0, "leased");
	ok(exists("probed/.work/dev1.lease"), "lease file written");
	ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 0, "recover leaves a live lease alone");
	ok(ztp_spool_claim_id(sp, "dev1", ZTP_ADOPT_DEAD, &c, &e) == ZTP_ERR_BUSY,
	   "rm and retry leave a live lease alone");
	ok(ztp_spool_claim_id(sp, "dev1", ZTP_ADOPT_LEASE, &c, &e) == 0, "commit side adopts the leased claim");
	ok(ztp_claim_commit(c, "configured", NULL, &e) == 0, "and commits it");
	ok(exists("configured/dev1.yml") && !exists("probed/.work/dev1.lease"), "lease gone with the claim");

	/* an expired lease is recovered */
	ok(ztp_spool_claim(sp, "configured", &c, &e) == 0, "claim again");
	ok(ztp_claim_lease(c, -1, NULL, &e) == 0, "lease that already expired");
	ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1, "expired lease recovered");

	/* release gives it back with changes */
	ok(ztp_spool_claim_id(sp, "dev1", 0, &c, &e) == 0, "claim by id");
	r = ztp_val_copy(ztp_claim_record(c));
	ztp_map_set_str(r, "note", "released");
	ok(ztp_claim_release(c, r, &e) == 0, "release with changes");
	ztp_val_unref(r);
	ok(exists("configured/dev1.yml"), "back where it was");

	/* a record that does not parse is moved aside, not lost, not retried forever */
	write_raw("discovered/broken.yml", "id: broken\nfoo: [unclosed\n");
	write_raw("discovered/liar.yml", "id: someone-else\n");
	n = 0;
	while (ztp_spool_claim(sp, "discovered", &c, &e) == ZTP_ERR_PARSE) {
		n++;
		like(e.msg, "moved to", "bad record reported with where it went");
	}
	is_int(n, 2, "both bad records reported");
	n = 0;
	ztp_spool_list(sp, "bad", count, &n, &e);
	is_int(n, 2, "both in bad/");
	ok(!exists("discovered/broken.yml") && !exists("discovered/.work/broken.yml"), "out of the stage");

	/* stale tmp files are swept, fresh or locked ones are not */
	write_raw("tmp/stale.1", "x");
	write_raw("tmp/fresh.1", "x");
	{
		char p[512];
		struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };

		snprintf(p, sizeof p, "%s/tmp/stale.1", dir);
		utimensat(AT_FDCWD, p, old, 0);
	}
	ok(ztp_spool_recover(sp, NULL, &swept, &e) == 0 && swept == 1, "one stale tmp file swept");
	ok(exists("tmp/fresh.1") && !exists("tmp/stale.1"), "the fresh one stays");

	/* listing and removal */
	r = rec("dev2");
	ztp_spool_put(sp, "discovered", r, &e);
	ztp_val_unref(r);
	n = 0;
	ztp_spool_list(sp, NULL, count, &n, &e);
	is_int(n, 4, "list all: dev1, dev2 and two bad");
	ok(ztp_spool_remove(sp, "dev2", &e) == 0, "remove");
	ok(!exists("discovered/dev2.yml") && !exists("ids/dev2"), "gone, id free again");
	r = rec("dev2");
	ok(ztp_spool_put(sp, "discovered", r, &e) == 0, "id can be put again after rm");
	ztp_val_unref(r);

	/* identity by serial: the claimed record takes its serial as id */
	r = rec("0c-00-00-00-00-01");
	ztp_spool_put(sp, "discovered", r, &e);
	ztp_val_unref(r);
	ok(ztp_spool_claim_id(sp, "0c-00-00-00-00-01", 0, &c, &e) == 0, "claim the MAC-keyed record");
	ok(ztp_claim_rekey(c, "../x", &e) == ZTP_ERR_USAGE, "a serial that is no file name is refused");
	ok(ztp_claim_rekey(c, "FDO1234X0AB", &e) == 0, "rekey to the serial");
	ok(exists("discovered/.work/FDO1234X0AB.yml") && !exists("discovered/.work/0c-00-00-00-00-01.yml"),
	   "the claimed file renamed in .work");
	ok(exists("ids/FDO1234X0AB") && !exists("ids/0c-00-00-00-00-01"), "new id registered, old one free");
	is_str(ztp_claim_id(c), "FDO1234X0AB", "the claim carries the new id");
	r = ztp_val_ref(ztp_claim_record(c));
	ztp_map_set_str(r, "id", "FDO1234X0AB");
	ok(ztp_claim_commit(c, "probed", r, &e) == 0, "commit under the new id");
	ztp_val_unref(r);
	ok(exists("probed/FDO1234X0AB.yml"), "in probed under its serial");
	/* the same device seen again on another port: a new MAC record */
	r = rec("0c-00-00-00-00-02");
	ztp_spool_put(sp, "discovered", r, &e);
	ztp_val_unref(r);
	ztp_spool_claim_id(sp, "0c-00-00-00-00-02", 0, &c, &e);
	ok(ztp_claim_rekey(c, "FDO1234X0AB", &e) == ZTP_ERR_EXISTS, "a serial known already: EXISTS");
	is_str(ztp_claim_id(c), "0c-00-00-00-00-02", "and the claim is unchanged");
	ok(ztp_claim_remove(c, &e) == 0, "the duplicate sighting removed while claimed");
	ok(!exists("discovered/.work/0c-00-00-00-00-02.yml") && !exists("ids/0c-00-00-00-00-02"),
	   "file and id gone");
	/* a rekey cut short by a crash: renamed, contents still the old id */
	r = rec("0c-00-00-00-00-03");
	ztp_map_set(r, "facts", ztp_val_map());
	ztp_map_set_str(ztp_map_get(r, "facts"), "serial", "JAE0000Z1");
	ztp_spool_put(sp, "discovered", r, &e);
	ztp_val_unref(r);
	ztp_spool_claim_id(sp, "0c-00-00-00-00-03", 0, &c, &e);
	ztp_claim_rekey(c, "JAE0000Z1", &e);
	ztp_claim_abandon(c);	/* its lock goes: a dead worker's claim */
	ztp_spool_recover(sp, &rec_n, NULL, &e);
	ok(exists("discovered/JAE0000Z1.yml"), "recovery gives the renamed claim back");
	ok(ztp_spool_claim_id(sp, "JAE0000Z1", 0, &c, &e) == 0, "and it can be claimed (not moved to bad/)");
	is_str(ztp_rec_id(ztp_claim_record(c)), "JAE0000Z1", "its id follows its file name and serial");
	ztp_claim_release(c, NULL, &e);

	/* a claim outlives its claimer while a process forked for its job
	 * keeps the claim's descriptor (a push worker whose parent was
	 * killed): not recovered, not adopted, until that process is gone */
	{
		int pfd[2];
		char b;

		r = rec("worked-on");
		ztp_spool_put(sp, "probed", r, &e);
		ztp_val_unref(r);
		ok(ztp_spool_claim_id(sp, "worked-on", 0, &c, &e) == 0, "claimed for a job");
		ok(pipe(pfd) == 0, "pipe");
		pid = fork();
		if (pid == 0) {
			int fd, keep = ztp_claim_fd(c);

			/* the worker keeps its claim's descriptor only */
			for (fd = 3; fd < 1024; fd++)
				if (fd != keep && fd != pfd[0])
					close(fd);
			(void)!read(pfd[0], &b, 1);	/* works, until told */
			_exit(0);
		}
		close(pfd[0]);
		/* the worker's copy stays open; the claimer dies (its copy goes) */
		ztp_claim_abandon(c);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 0,
		   "claimer gone, worker alive: recovery leaves the claim");
		ok(ztp_spool_claim_id(sp, "worked-on", ZTP_ADOPT_DEAD, &c2, &e) == ZTP_ERR_BUSY,
		   "and nobody adopts it");
		close(pfd[1]);
		waitpid(pid, NULL, 0);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1,
		   "worker gone too: recovered");
	}

	/* dead-claim recovery across hosts (ztp-spool(5) "Claims") */
	{
		struct ztp_val *r2 = rec("lease-rules");
		char host[256], line[600];
		struct timespec old[2] = { { 1000000, 0 }, { 1000000, 0 } };
		int pfd[2], fd;
		pid_t wpid;

		gethostname(host, sizeof host);
		host[sizeof host - 1] = '\0';
		ok(ztp_spool_put(sp, "failed", r2, &e) == 0, "a record for the lease rules");
		ztp_val_unref(r2);

		/* same host, its process group gone: recovered before its expiry */
		wpid = fork();
		if (wpid == 0) {
			struct ztp_spool *sp2;

			setpgid(0, 0);
			ztp_spool_open(&sp2, dir, 0, NULL);
			if (ztp_spool_claim(sp2, "failed", &c, NULL) == 0 &&
			    ztp_claim_lease(c, 600, "aaaa", NULL) == 0)
				_exit(0);
			_exit(1);
		}
		waitpid(wpid, &n, 0);
		ok(WIFEXITED(n) && WEXITSTATUS(n) == 0, "a pipeline of its own group took it for 600 s");
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1,
		   "its group gone on this host: recovered before the lease ends");

		/* same host, the group's number now another group's (start time) */
		setpgid(0, 0);
		ok(ztp_spool_claim(sp, "failed", &c, &e) == 0 && ztp_claim_lease(c, 600, "bbbb", &e) == 0,
		   "a lease by this (live) group");
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 0, "left alone while it lives");
		snprintf(line, sizeof line, "%s %ld %lld bbbb %ld %lld 1\n", host, (long)getpgrp(),
			 (long long)time(NULL) + 600, (long)getpid(), (long long)time(NULL));
		write_raw("failed/.work/lease-rules.lease", line);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1,
		   "a group number whose leader started at another time: reused, recovered");

		/* another host: its process cannot be checked; the lease decides */
		ok(ztp_spool_claim(sp, "failed", &c, &e) == 0 && ztp_claim_lease(c, 600, "cccc", &e) == 0,
		   "leased again");
		snprintf(line, sizeof line, "elsewhere.example 4000000 %lld cccc 4000000 %lld 0\n",
			 (long long)time(NULL) + 600, (long long)time(NULL));
		write_raw("failed/.work/lease-rules.lease", line);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 0,
		   "another host's lease holds until it expires (its pid means nothing here)");
		ok(ztp_spool_claim_token(sp, "lease-rules", "zzzz", &c, &e) == ZTP_ERR_BUSY,
		   "a commit with another token is refused");
		snprintf(line, sizeof line, "elsewhere.example 4000000 %lld cccc 4000000 %lld 0\n",
			 (long long)time(NULL) - 1, (long long)time(NULL) - 700);
		write_raw("failed/.work/lease-rules.lease", line);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1,
		   "and comes back once it has");
		ok(ztp_spool_claim_token(sp, "lease-rules", "cccc", &c, &e) == ZTP_ERR_NOTFOUND &&
		   strstr(e.msg, "is in ") != NULL, "the late commit finds it unclaimed and says where it is");

		/* a worker's claim: never by age while its lock is held, on any host */
		ok(pipe(pfd) == 0, "pipe");
		wpid = fork();
		if (wpid == 0) {
			struct ztp_spool *sp2;
			char b;

			close(pfd[1]);
			ztp_spool_open(&sp2, dir, 0, NULL);
			if (ztp_spool_claim(sp2, "failed", &c, NULL) != 0)
				_exit(1);
			(void)!read(pfd[0], &b, 1);	/* holds the claim until told */
			_exit(0);
		}
		close(pfd[0]);
		for (n = 0; n < 500 && !exists("failed/.work/lease-rules.yml"); n++)
			usleep(10000);
		ok(exists("failed/.work/lease-rules.yml"), "a worker holds it");
		snprintf(line, sizeof line, "elsewhere.example 1 0 - 4000000 1000000 0\n");
		write_raw("failed/.work/lease-rules.lease", line);
		fd = open(dir, O_RDONLY);
		utimensat(fd, "failed/.work/lease-rules.yml", old, 0);
		close(fd);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 0,
		   "a worker claim weeks old whose lock is held stays");
		close(pfd[1]);
		waitpid(wpid, NULL, 0);
		ok(ztp_spool_recover(sp, &rec_n, NULL, &e) == 0 && rec_n == 1,
		   "its lock free (the worker gone): recovered");
	}

	/* what the filesystem under a spool may be */
	{
		char name[300], why[300];

		ok(ztp_spool_fs_classify(0xEF53UL, NULL, NULL, name, sizeof name, why, sizeof why) ==
		   ZTP_SPOOL_FS_LOCAL, "ext4: local");
		ok(ztp_spool_fs_classify(0x00c36400UL, "ceph", "rw", name, sizeof name, why, sizeof why) ==
		   ZTP_SPOOL_FS_SHARED, "CephFS (kernel): shared");
		ok(ztp_spool_fs_classify(0x65735546UL, "fuse.ceph-fuse", "rw", name, sizeof name, why,
		   sizeof why) == ZTP_SPOOL_FS_SHARED, "ceph-fuse: shared");
		ok(ztp_spool_fs_classify(0x65735546UL, "fuse.sshfs", "rw", name, sizeof name, why,
		   sizeof why) == ZTP_SPOOL_FS_LOCKTEST, "another FUSE: only if its locks work");
		ok(ztp_spool_fs_classify(0x6969UL, "nfs4", "rw,vers=4.2,rsize=1048576", name, sizeof name,
		   why, sizeof why) == ZTP_SPOOL_FS_SHARED, "NFS 4.2: shared");
		ok(ztp_spool_fs_classify(0x6969UL, "nfs4", "rw,vers=4.0", name, sizeof name, why,
		   sizeof why) == ZTP_SPOOL_FS_REFUSED, "NFS 4.0: refused");
		ok(ztp_spool_fs_classify(0x6969UL, "nfs", "rw,vers=3,proto=tcp", name, sizeof name, why,
		   sizeof why) == ZTP_SPOOL_FS_REFUSED && strstr(why, "vers=4.2") != NULL,
		   "NFS v3: refused, with the mount option that fixes it");
		ok(strcmp(name, "nfs 3") == 0, "and named as such");
	}

	ztp_spool_close(sp);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return done_testing();
}
