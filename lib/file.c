/* file.c: files replaced whole, trees handed to a user (see file.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "str.h"

#define TMP_MARK ".tmp."	/* ".NAME.tmp.PID.N" */
#define TREE_DEPTH 64

int ztp_file_test_unknown_types;

static atomic_ulong tmp_seq;

int ztp_file_replace_at(int dirfd, const char *name, const void *data, size_t len,
			mode_t mode, struct ztp_err *e)
{
	char tmp[512];
	int fd, rc = 0;

	if (snprintf(tmp, sizeof tmp, ".%s" TMP_MARK "%ld.%lu", name, (long)getpid(),
		     atomic_fetch_add(&tmp_seq, 1)) >= (int)sizeof tmp)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "write '%s': name too long", name);
	if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0)
		return ztp_err_sys(e, "write '%s': create '%s'", name, tmp);
	if (ztp_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = ztp_err_sys(e, "write '%s'", tmp);
		close(fd);
		goto out;
	}
	if (close(fd) < 0) {
		rc = ztp_err_sys(e, "write '%s'", tmp);
		goto out;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		rc = ztp_err_sys(e, "rename '%s' to '%s'", tmp, name);
		goto out;
	}
	if (fsync(dirfd) < 0)
		return ztp_err_sys(e, "write '%s': sync its directory", name);
out:
	if (rc < 0)
		unlinkat(dirfd, tmp, 0);
	return rc;
}

int ztp_file_replace(const char *dir, const char *name, const void *data, size_t len,
		     mode_t mode, struct ztp_err *e)
{
	int dfd, rc;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ztp_err_sys(e, "write '%s': open '%s'", name, dir);
	if ((rc = ztp_file_replace_at(dfd, name, data, len, mode, e)) < 0)
		ztp_err_prefix(e, "in '%s'", dir);
	close(dfd);
	return rc;
}

int ztp_file_is_tmp(const char *entry)
{
	return entry[0] == '.' && strstr(entry + 1, TMP_MARK) != NULL;
}

int ztp_file_sweep_at(int dirfd, time_t age)
{
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	int dfd, n = 0;
	DIR *d;

	if ((dfd = dup(dirfd)) < 0)
		return 0;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 0;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL)
		if (ztp_file_is_tmp(de->d_name) &&
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && (age == 0 || now - st.st_mtime >= age) &&
		    unlinkat(dirfd, de->d_name, 0) == 0)
			n++;
	closedir(d);
	return n;
}

/* the entry name of dirfd is a directory (not a link to one) */
static int is_dir(int dirfd, const struct dirent *de)
{
	struct stat st;

	if (!ztp_file_test_unknown_types && de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* fd: an open directory, given away already; path for messages */
static int chown_below(int fd, const char *path, uid_t uid, gid_t gid, int depth,
		       struct ztp_err *e)
{
	struct dirent *de;
	int rc = 0, sub;
	DIR *d;

	if (depth > TREE_DEPTH) {
		close(fd);
		return ztp_err_set(e, ZTP_ERR_LIMIT, "give '%s' away: more than %d levels deep",
				   path, TREE_DEPTH);
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return ztp_err_sys(e, "give '%s' away: read it", path);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fchownat(dirfd(d), de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = ztp_err_sys(e, "give '%s/%s' away", path, de->d_name);
			break;
		}
		if (!is_dir(dirfd(d), de))
			continue;
		if ((sub = openat(dirfd(d), de->d_name,
				  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			rc = ztp_err_sys(e, "give '%s/%s' away: open it", path, de->d_name);
			break;
		}
		{
			char p[1024];

			if (snprintf(p, sizeof p, "%s/%s", path, de->d_name) >= (int)sizeof p)
				snprintf(p, sizeof p, ".../%s", de->d_name);
			rc = chown_below(sub, p, uid, gid, depth + 1, e);
		}
	}
	closedir(d);
	return rc;
}

int ztp_chown_tree(const char *dir, uid_t uid, gid_t gid, struct ztp_err *e)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return ztp_err_sys(e, "give '%s' away: open it", dir);
	if (fchown(fd, uid, gid) < 0) {
		close(fd);
		return ztp_err_sys(e, "give '%s' away", dir);
	}
	return chown_below(fd, dir, uid, gid, 1, e);
}

int ztp_mkdirs(const char *dir, mode_t mode, struct ztp_err *e)
{
	char path[4096];
	size_t n = strlen(dir), i;

	if (n == 0 || n >= sizeof path)
		return ztp_err_set(e, ZTP_ERR_USAGE, "directory name '%s' is empty or too long",
				   ztp_esc(dir));
	memcpy(path, dir, n + 1);
	for (i = 1; i < n; i++) {
		if (path[i] != '/' || path[i - 1] == '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return ztp_err_sys(e, "create '%s'", path);
		path[i] = '/';
	}
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return ztp_err_sys(e, "create '%s'", path);
	return 0;
}
