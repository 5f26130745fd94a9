/* t-file.c: ztp_file_replace (a whole file replaced crash-safely: no
 * temporary file left, the old file kept on failure, sweeping what a crash
 * left) and ztp_chown_tree (every level, also when readdir does not tell
 * the entry types, symbolic links themselves only). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "tap.h"

static char dir[] = "/tmp/t-file.XXXXXX";

static int entries(const char *d)
{
	char cmd[300];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", d);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static const char *slurp(const char *path)
{
	static char b[256];
	int fd = open(path, O_RDONLY);
	ssize_t r = fd < 0 ? -1 : read(fd, b, sizeof b - 1);

	if (fd >= 0)
		close(fd);
	b[r < 0 ? 0 : r] = '\0';
	return b;
}

static void replace(void)
{
	struct ztp_err e;
	char d[300], p[400];
	int dfd;

	snprintf(d, sizeof d, "%s/r", dir);
	mkdir(d, 0700);
	snprintf(p, sizeof p, "%s/a.json", d);
	is_int(ztp_file_replace(d, "a.json", "one", 3, 0600, &e), 0, "replace: a new file");
	is_str(slurp(p), "one", "replace: its content");
	is_int(ztp_file_replace(d, "a.json", "two!", 4, 0600, &e), 0, "replace: again");
	is_str(slurp(p), "two!", "replace: the new content");
	is_int(entries(d), 1, "replace: no temporary file left");
	{
		struct stat st;

		stat(p, &st);
		is_int((int)(st.st_mode & 0777), 0600, "replace: the mode");
	}
	/* the final name is a directory: the rename fails */
	snprintf(p, sizeof p, "%s/sub", d);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/sub/x", d);
	close(open(p, O_WRONLY | O_CREAT, 0600));
	ok(ztp_file_replace(d, "sub", "x", 1, 0600, &e) < 0, "replace: a failed rename is an error");
	like(e.msg, "rename", "replace: the error says which step");
	is_int(entries(d), 2, "replace: the temporary file is removed on failure");
	ok(ztp_file_replace("/nonexistent/dir", "a", "x", 1, 0600, &e) < 0,
	   "replace: a missing directory is an error");
	like(e.msg, "/nonexistent/dir", "replace: naming it");
	/* what a crash leaves */
	snprintf(p, sizeof p, "%s/.a.json.tmp.99999.7", d);
	close(open(p, O_WRONLY | O_CREAT, 0600));
	ok(ztp_file_is_tmp(".a.json.tmp.99999.7") && !ztp_file_is_tmp("a.json"),
	   "a temporary name is told from a final one");
	dfd = open(d, O_RDONLY | O_DIRECTORY);
	is_int(ztp_file_sweep_at(dfd, 3600), 0, "sweep: a young temporary file is kept");
	is_int(ztp_file_sweep_at(dfd, 0), 1, "sweep: removed");
	close(dfd);
	snprintf(p, sizeof p, "%s/a.json", d);
	is_str(slurp(p), "two!", "sweep: the final file stays");
}

static int owner_is(const char *path, uid_t u)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_uid == u;
}

static void tree(int unknown)
{
	struct ztp_err e;
	char t[300], p[400];
	const char *names[] = { "", "/a", "/a/b", "/a/b/c", "/a/b/c/f", "/a/g", "/l", NULL };
	uid_t u = unknown ? 4242 : 4343;
	int i, all = 1;

	ztp_file_test_unknown_types = unknown;
	snprintf(t, sizeof t, "%s/t%d", dir, unknown);
	mkdir(t, 0700);
	snprintf(p, sizeof p, "%s/a", t);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/a/b", t);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/a/b/c", t);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/a/b/c/f", t);
	close(open(p, O_WRONLY | O_CREAT, 0600));
	snprintf(p, sizeof p, "%s/a/g", t);
	close(open(p, O_WRONLY | O_CREAT, 0600));
	snprintf(p, sizeof p, "%s/l", t);
	if (symlink("/etc/hostname", p) < 0)
		diag("symlink failed");
	is_int(ztp_chown_tree(t, u, u, &e), 0,
	       unknown ? "chown_tree: entry types unknown (looked up)" : "chown_tree");
	for (i = 0; names[i]; i++) {
		snprintf(p, sizeof p, "%s%s", t, names[i]);
		if (!owner_is(p, u)) {
			diag(p);
			all = 0;
		}
	}
	ok(all, unknown ? "chown_tree: every level given away, types unknown"
			: "chown_tree: every level given away");
	ok(!owner_is("/etc/hostname", u), "chown_tree: a link's target is not touched");
	ztp_file_test_unknown_types = 0;
}

int main(void)
{
	struct ztp_err e;

	if (!mkdtemp(dir))
		return 1;
	replace();
	if (geteuid() == 0) {
		tree(0);
		tree(1);
	} else
		diag("not root: ztp_chown_tree not tested");
	ok(ztp_chown_tree("/nonexistent/tree", 1, 1, &e) < 0, "chown_tree: a missing directory");
	{
		char d[300], f[300];
		struct stat st;

		snprintf(d, sizeof d, "%s/var/lib/ztp/dhcp", dir);
		is_int(ztp_mkdirs(d, 0700, &e), 0, "mkdirs: the missing parents and the directory");
		ok(stat(d, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700,
		   "mkdirs: the directory has its mode");
		is_int(ztp_mkdirs(d, 0700, &e), 0, "mkdirs: an existing directory is fine");
		snprintf(f, sizeof f, "%s/var/file", dir);
		close(open(f, O_CREAT | O_WRONLY, 0600));
		snprintf(d, sizeof d, "%s/var/file/x", dir);
		ok(ztp_mkdirs(d, 0700, &e) < 0 && strstr(e.msg, "var/file/x'") != NULL,
		   "mkdirs: a file in the way is named");
		ok(ztp_mkdirs("", 0700, &e) < 0, "mkdirs: an empty name");
	}
	{
		char cmd[100];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	return done_testing();
}
