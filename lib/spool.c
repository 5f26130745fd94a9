/* spool.c: the directory queue (see spool.h for the layout and invariants)
 *
 * Every path is relative to a descriptor of the spool directory.  Every
 * rename of a record file is made by a process that holds the flock on the
 * file and has checked that the path still names the inode it locked. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "record.h"
#include "os.h"
#include "spool.h"
#include "yml.h"
#include "str.h"

const char *const ztp_spool_stages[] = {
	"discovered", "probed", "configured", "done", "failed", NULL,
};
#define NSTAGES 5
#define TMP_STALE_SECS 60
#define RECOVER_EVERY 1.0
#define ANCHOR "ids/.anchor"	/* the registry's names are links to it */

struct ztp_spool {
	char *dir;
	int dfd;
	time_t last_recover[NSTAGES];
	unsigned seq;
	char *fenced;		/* why this host was shut out of the spool */
};

struct ztp_claim {
	struct ztp_spool *sp;
	int fd;
	time_t since;		/* when it was claimed */
	char id[ZTP_ID_MAX + 1];
	char stage[16];
	struct ztp_val *rec;
};

int ztp_spool_stage_valid(const char *stage)
{
	int i;

	for (i = 0; ztp_spool_stages[i]; i++)
		if (strcmp(stage, ztp_spool_stages[i]) == 0)
			return 1;
	return 0;
}

static int stage_index(const char *stage)
{
	int i;

	for (i = 0; ztp_spool_stages[i]; i++)
		if (strcmp(stage, ztp_spool_stages[i]) == 0)
			return i;
	return -1;
}

static int bad_stage(const char *stage, struct ztp_err *e)
{
	return ztp_err_set(e, ZTP_ERR_USAGE,
	    "unknown stage '%s' (stages: discovered probed configured done failed)",
	    ztp_esc(stage));
}

static int pathf(char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	return r < 0 || (size_t)r >= n ? -1 : 0;
}

/* Fencing: a network filesystem that evicted this host's session (or cut
 * it off) answers ESHUTDOWN, EIO, ENOTCONN or ESTALE.  From then on this
 * process touches the spool no more: what it was doing may or may not
 * have happened, and another host may own its claims already. */
static int fenced_errno(int err)
{
	return err == ESHUTDOWN || err == EIO || err == ENOTCONN || err == ESTALE;
}

/* After a failed call on rel (errno kept): ZTP_ERR_FENCED with e set when
 * errno says the host is fenced (and the spool is marked so), else 0. */
static int fenced(struct ztp_spool *sp, struct ztp_err *e, const char *what, const char *rel)
{
	int err = errno;
	char msg[ZTP_ERR_MSG];

	if (!fenced_errno(err))
		return 0;
	snprintf(msg, sizeof msg, "spool unreachable (fenced): %s '%s/%s': %s", what, sp->dir,
		 rel, strerror(err));
	if (sp->fenced == NULL)
		sp->fenced = ztp_xstrdup(msg);
	ztp_err_set(e, ZTP_ERR_FENCED, "%s", msg);
	errno = err;
	return ZTP_ERR_FENCED;
}

/* Refuse to go on once fenced (the first failure's message) */
static int fence_stop(struct ztp_spool *sp, struct ztp_err *e)
{
	return ztp_err_set(e, ZTP_ERR_FENCED, "%s (nothing more done on the spool)", sp->fenced);
}

int ztp_spool_fenced(const struct ztp_spool *sp)
{
	return sp->fenced != NULL;
}

static int fsync_dir(struct ztp_spool *sp, const char *rel, struct ztp_err *e)
{
	int fd = openat(sp->dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return fenced(sp, e, "open", rel) ? ZTP_ERR_FENCED :
		    ztp_err_sys(e, "cannot open '%s/%s'", sp->dir, rel);
	if (fsync(fd) < 0 && errno != EINVAL) {
		int rc = fenced(sp, e, "fsync", rel);

		close(fd);
		return rc ? rc : ztp_err_sys(e, "cannot fsync '%s/%s'", sp->dir, rel);
	}
	close(fd);
	return 0;
}

/* ---- the filesystem under the spool (ztp-spool(5) "Several hosts") ---- */

#define MAGIC_NFS 0x6969UL
#define MAGIC_FUSE 0x65735546UL
#define MAGIC_CEPH 0x00c36400UL

int ztp_spool_fs_classify(unsigned long magic, const char *fstype, const char *opts,
			  char *name, size_t namesz, char *why, size_t whysz)
{
	static const struct { unsigned long magic; const char *name; } local[] = {
		{ 0xEF53UL, "ext4" }, { 0x58465342UL, "xfs" }, { 0x9123683EUL, "btrfs" },
		{ 0x01021994UL, "tmpfs" }, { 0x794c7630UL, "overlay" }, { 0x2fc12fc1UL, "zfs" },
		{ 0xF2F52010UL, "f2fs" }, { 0x858458f6UL, "ramfs" }, { 0x52654973UL, "reiserfs" },
		{ 0x3153464aUL, "jfs" }, { 0x4d44UL, "vfat" }, { 0x5346544eUL, "ntfs" },
	};
	size_t i;

	snprintf(name, namesz, "%s", fstype && *fstype ? fstype : "unknown");
	why[0] = '\0';
	for (i = 0; i < sizeof local / sizeof local[0]; i++)
		if (magic == local[i].magic) {
			snprintf(name, namesz, "%s", local[i].name);
			return ZTP_SPOOL_FS_LOCAL;
		}
	if (magic == MAGIC_CEPH) {
		snprintf(name, namesz, "ceph");
		return ZTP_SPOOL_FS_SHARED;
	}
	if (magic == MAGIC_NFS) {
		const char *v = opts ? strstr(opts, "vers=") : NULL;

		if (v && (strncmp(v, "vers=4.1", 8) == 0 || strncmp(v, "vers=4.2", 8) == 0)) {
			snprintf(name, namesz, "nfs %.8s", v + 5);
			return ZTP_SPOOL_FS_SHARED;
		}
		snprintf(name, namesz, "nfs %.*s", v ? (int)strcspn(v + 5, ",") : 1, v ? v + 5 : "?");
		snprintf(why, whysz, "NFS before 4.1 has no reliable locks and no exactly-once rename "
			 "across hosts; mount it with vers=4.2 (or 4.1)");
		return ZTP_SPOOL_FS_REFUSED;
	}
	if (magic == MAGIC_FUSE) {
		if (fstype && (strcmp(fstype, "fuse.ceph-fuse") == 0 || strcmp(fstype, "fuse.ceph") == 0)) {
			snprintf(name, namesz, "ceph-fuse");
			return ZTP_SPOOL_FS_SHARED;
		}
		return ZTP_SPOOL_FS_LOCKTEST;	/* another FUSE: if its locks work */
	}
	if (magic == 0xFF534D42UL || magic == 0xFE534D42UL || magic == 0x01021997UL) {
		snprintf(name, namesz, "%s", magic == 0x01021997UL ? "9p" : "smb");
		snprintf(why, whysz, "its locks and renames are not safe for a queue shared by "
			 "several hosts; put the spool on a local disk, CephFS or NFS 4.1+");
		return ZTP_SPOOL_FS_REFUSED;
	}
	return ZTP_SPOOL_FS_LOCKTEST;
}

/* The mount of st_dev in /proc/self/mountinfo: its filesystem type (after
 * " - ") and its super options; the last such line wins (mounted over). */
static void mount_of(dev_t dev, char *fstype, size_t tsz, char *opts, size_t osz,
		     char *point, size_t psz)
{
	char line[4096], mp[1024], t[256], so[2048];
	unsigned maj, min;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	fstype[0] = opts[0] = point[0] = '\0';
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		const char *sep = strstr(line, " - ");

		if (sep == NULL || sscanf(line, "%*u %*u %u:%u %*s %1023s", &maj, &min, mp) != 3 ||
		    maj != major(dev) || min != minor(dev))
			continue;
		if (sscanf(sep + 3, "%255s %*s %2047s", t, so) != 2)
			continue;
		snprintf(fstype, tsz, "%s", t);
		snprintf(opts, osz, "%s", so);
		snprintf(point, psz, "%s", mp);
	}
	fclose(f);
}

/* Do locks work here?  A lock taken by this process must stop another
 * one.  1 yes, 0 no, -1 cannot tell (errno). */
static int locks_work(struct ztp_spool *sp)
{
	int fd = openat(sp->dfd, "lock/.fscheck", O_RDWR | O_CREAT | O_CLOEXEC, 0640), st;
	pid_t pid;

	if (fd < 0 && (fd = openat(sp->dfd, ".fscheck", O_RDWR | O_CREAT | O_CLOEXEC, 0640)) < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return errno == ENOLCK || errno == EINVAL || errno == EOPNOTSUPP ? 0 : -1;
	}
	pid = fork();
	if (pid == 0) {
		int cfd = openat(sp->dfd, "lock/.fscheck", O_RDWR | O_CLOEXEC);

		if (cfd < 0)
			cfd = openat(sp->dfd, ".fscheck", O_RDWR | O_CLOEXEC);
		_exit(cfd >= 0 && flock(cfd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Refuse a filesystem that cannot hold a spool shared by several hosts;
 * on a network one, a spool that says it is shared and is not (.shared,
 * written by init there): the mount is missing. */
static int fs_check(struct ztp_spool *sp, int create, struct ztp_err *e)
{
	static dev_t checked_dev;
	static int checked;
	struct statfs fs;
	struct stat st;
	char fstype[256], opts[2048], point[1024], name[300], why[300], mark[300];
	int cls, fd, marked;
	ssize_t n;

	if (fstatfs(sp->dfd, &fs) < 0 || fstat(sp->dfd, &st) < 0)
		return 0;	/* cannot tell: as before */
	/* mountinfo only where the magic does not tell enough (it can be long) */
	fstype[0] = opts[0] = point[0] = '\0';
	if ((unsigned long)fs.f_type == MAGIC_NFS || (unsigned long)fs.f_type == MAGIC_FUSE ||
	    faccessat(sp->dfd, ".shared", F_OK, 0) == 0)
		mount_of(st.st_dev, fstype, sizeof fstype, opts, sizeof opts, point, sizeof point);
	cls = ztp_spool_fs_classify((unsigned long)fs.f_type, fstype, opts, name, sizeof name,
				    why, sizeof why);
	if (cls == ZTP_SPOOL_FS_REFUSED)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s' on %s (mounted at '%s'): %s",
				   sp->dir, name, point[0] ? point : "?", why);
	if (cls != ZTP_SPOOL_FS_LOCAL && !(checked && checked_dev == st.st_dev)) {
		int ok = locks_work(sp);

		if (ok == 0)
			return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s' on %s (mounted at '%s'): "
			    "a lock taken by one process does not stop another, and the spool's claims are "
			    "locks; use a filesystem with working flock (local, CephFS, NFS 4.1+)",
			    sp->dir, name, point[0] ? point : "?");
		if (ok == 1) {
			checked = 1;
			checked_dev = st.st_dev;
		}
	}
	/* the mark: a shared spool found on a local filesystem has lost its mount */
	fd = openat(sp->dfd, ".shared", O_RDONLY | O_CLOEXEC);
	marked = fd >= 0;
	if (marked) {
		n = read(fd, mark, sizeof mark - 1);
		close(fd);
		mark[n > 0 ? n : 0] = '\0';
		mark[strcspn(mark, "\n")] = '\0';
		if (cls == ZTP_SPOOL_FS_LOCAL)	/* 75: the mount may come */
			return ztp_err_set(e, ZTP_ERR_SYS, "cannot use spool '%s': it was made on %s, "
			    "shared by several hosts, and is on the local %s now (mounted at '%s'): mount the "
			    "shared filesystem there (or remove '%s/.shared' if the spool is one host's now)",
			    sp->dir, mark[0] ? mark : "a network filesystem", name, point[0] ? point : "?",
			    sp->dir);
	} else if (create && cls != ZTP_SPOOL_FS_LOCAL) {
		fd = openat(sp->dfd, ".shared", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd >= 0) {
			(void)!ztp_write_all(fd, name, strlen(name));
			(void)!ztp_write_all(fd, "\n", 1);
			close(fd);
		}
	}
	return 0;
}

/* init --shared, spool_shared: the spool must be on a filesystem other
 * hosts can mount, and it must be mounted now (else 75: the mount may
 * come, as at boot).  Checked on dir or the nearest
 * directory above it that exists, before anything is made: a missing
 * mount would otherwise leave a spool on the local disk that no other
 * host sees (and that each host makes its own). */
static int shared_check(const char *dir, struct ztp_err *e)
{
	char path[4096], fstype[256], opts[2048], point[1024], name[300], why[300];
	struct stat st, root;
	struct statfs fs;
	int cls;

	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "spool '%s': path too long", dir);
	while (stat(path, &st) < 0) {
		char *slash = strrchr(path, '/');

		if (errno != ENOENT || slash == NULL || slash == path)
			return ztp_err_sys(e, "cannot make spool '%s' shared: stat '%s'", dir, path);
		*slash = '\0';
	}
	if (statfs(path, &fs) < 0 || stat("/", &root) < 0)
		return ztp_err_sys(e, "cannot make spool '%s' shared: statfs '%s'", dir, path);
	mount_of(st.st_dev, fstype, sizeof fstype, opts, sizeof opts, point, sizeof point);
	cls = ztp_spool_fs_classify((unsigned long)fs.f_type, fstype, opts, name, sizeof name,
				    why, sizeof why);
	if (st.st_dev == root.st_dev)
		return ztp_err_set(e, ZTP_ERR_SYS, "cannot use spool '%s', shared by several hosts: "
		    "nothing is mounted there, it is on the root filesystem (%s); mount the shared "
		    "filesystem (CephFS, NFS 4.1+) at '%s' or above it first", dir, name, dir);
	if (cls == ZTP_SPOOL_FS_LOCAL)
		return ztp_err_set(e, ZTP_ERR_SYS, "cannot use spool '%s', shared by several hosts: "
		    "it is on the local %s mounted at '%s', which no other host sees; mount the "
		    "shared filesystem (CephFS, NFS 4.1+) there", dir, name, point[0] ? point : "?");
	if (cls == ZTP_SPOOL_FS_REFUSED)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s' on %s (mounted at '%s'): %s",
				   dir, name, point[0] ? point : "?", why);
	return 0;
}

int ztp_spool_open(struct ztp_spool **spp, const char *dir, int flags,
		   struct ztp_err *e)
{
	int create = flags & ZTP_SPOOL_CREATE, rc;
	static const char *const extra[] = { "tmp", "ids", "bad", "log", "lock", "events", NULL };
	struct ztp_spool *sp;
	char rel[64];
	int i;

	*spp = NULL;
	if ((flags & ZTP_SPOOL_SHARED) && (rc = shared_check(dir, e)) < 0)
		return rc;
	if (create && mkdir(dir, 0750) < 0 && errno != EEXIST)
		return ztp_err_sys(e, "cannot create spool '%s'", dir);
	sp = ztp_xcalloc(1, sizeof *sp);
	sp->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dfd < 0) {
		rc = ztp_err_sys(e, "cannot open spool '%s'", dir);
		if (errno == ENOENT)
			ztp_err_set(e, ZTP_ERR_CONFIG,
			    "cannot open spool '%s': No such directory (create it with: ztp-spool -s %s init)",
			    dir, dir);
		free(sp);
		return errno == ENOENT ? ZTP_ERR_CONFIG : rc;
	}
	sp->dir = ztp_xstrdup(dir);
	for (i = 0; ztp_spool_stages[i]; i++) {
		if (pathf(rel, sizeof rel, "%s", ztp_spool_stages[i]) < 0)
			continue;
		if (create && mkdirat(sp->dfd, rel, 0750) < 0 && errno != EEXIST)
			goto fail;
		if (pathf(rel, sizeof rel, "%s/%s", ztp_spool_stages[i], ".work") < 0)
			continue;
		if (create && mkdirat(sp->dfd, rel, 0750) < 0 && errno != EEXIST)
			goto fail;
		if (!create && faccessat(sp->dfd, rel, W_OK, 0) < 0) {
			/* a mistyped path, or a shared filesystem not mounted:
			 * never a spool made on the fly in the wrong place */
			if (errno == ENOENT)
				ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s': it is not a spool "
					    "('%s' is missing); create it with: ztp-spool -s %s init",
					    dir, rel, dir);
			else
				ztp_err_set(e, ZTP_ERR_CONFIG, "cannot use spool '%s': cannot write to "
					    "'%s': %s (run as the spool's owner, or fix its permissions)",
					    dir, rel, strerror(errno));
			ztp_spool_close(sp);
			return ZTP_ERR_CONFIG;
		}
	}
	for (i = 0; extra[i]; i++)
		if (create && mkdirat(sp->dfd, extra[i], 0750) < 0 && errno != EEXIST)
			goto fail;
	if ((rc = fs_check(sp, create, e)) < 0) {
		ztp_spool_close(sp);
		return rc;
	}
	sp->seq = (unsigned)getpid() * 2654435761u;
	*spp = sp;
	return 0;
fail:
	ztp_err_sys(e, "cannot create spool directories in '%s'", dir);
	ztp_spool_close(sp);
	return ZTP_ERR_SYS;
}

void ztp_spool_close(struct ztp_spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->dfd >= 0)
		close(sp->dfd);
	free(sp->dir);
	free(sp->fenced);
	free(sp);
}

const char *ztp_spool_dir(const struct ztp_spool *sp)
{
	return sp->dir;
}

/* Write data to a new locked file in tmp/, flushed with fsync unless
 * nosync (the caller then starts its writeback and syncs it later); the
 * name goes to tmpname and the open, locked descriptor is returned (or -1
 * with e set). */
static int write_tmp_sync(struct ztp_spool *sp, const char *id, const char *data,
			  size_t len, int nosync, char *tmpname, size_t tmpsz,
			  struct ztp_err *e)
{
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		int r = snprintf(tmpname, tmpsz, "tmp/%s.%ld.%u.%lx", id, (long)getpid(),
				 sp->seq++, (unsigned long)time(NULL));

		if (r < 0 || (size_t)r >= tmpsz) {
			ztp_err_set(e, ZTP_ERR_LIMIT, "cannot name a tmp file for '%s'", id);
			return -1;
		}
		fd = openat(sp->dfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		if (!fenced(sp, e, "create", tmpname))
			ztp_err_sys(e, "cannot create '%s/%s'", sp->dir, tmpname);
		return -1;
	}
	if (flock(fd, LOCK_EX) < 0 || ztp_write_all(fd, data, len) < 0 ||
	    (!nosync && fsync(fd) < 0)) {
		if (!fenced(sp, e, "write", tmpname))
			ztp_err_sys(e, "cannot write '%s/%s'", sp->dir, tmpname);
		unlinkat(sp->dfd, tmpname, 0);
		close(fd);
		return -1;
	}
	return fd;
}

static int write_tmp(struct ztp_spool *sp, const char *id, const char *data,
		     size_t len, char *tmpname, size_t tmpsz, struct ztp_err *e)
{
	return write_tmp_sync(sp, id, data, len, 0, tmpname, tmpsz, e);
}

static int format_rec(const struct ztp_val *rec, struct ztp_buf *b, struct ztp_err *e)
{
	int rc = ztp_rec_check((struct ztp_val *)rec, "the record to write", e);

	if (rc < 0)
		return rc;
	if ((rc = ztp_yml_emit(b, rec, 1, e)) < 0)
		return rc;
	if (b->len > ZTP_REC_MAX_BYTES)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "cannot write record '%s': %zu bytes, more than the limit of %zu",
				   ztp_rec_id(rec), b->len, ZTP_REC_MAX_BYTES);
	return 0;
}

/* Register an id: a new name reg in ids/, made as a hard link to one
 * empty file (ids/.anchor), which allocates no inode (inode allocation is
 * most of the CPU time of a put on a busy ext4); where links cannot be
 * made, an empty file of its own.  1 when linked, 0 when a file was made,
 * -1 with errno (EEXIST: registered already). */
static int register_id(struct ztp_spool *sp, const char *reg)
{
	int tries, fd;

	for (tries = 0; tries < 4; tries++) {
		if (linkat(sp->dfd, ANCHOR, sp->dfd, reg, 0) == 0)
			return 1;
		if (errno == EEXIST)
			return -1;
		if (errno == ENOENT) {		/* the first put of this spool */
			if ((fd = openat(sp->dfd, ANCHOR, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) < 0)
				break;
			close(fd);
		} else if (errno == EMLINK) {	/* full: the names made keep it */
			unlinkat(sp->dfd, ANCHOR, 0);
		} else
			break;			/* no hard links here */
	}
	fd = openat(sp->dfd, reg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* The anchor's link count on disk with the names made from it. */
static int fsync_anchor(struct ztp_spool *sp, struct ztp_err *e)
{
	int fd = openat(sp->dfd, ANCHOR, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;	/* replaced meanwhile: its names are in the directory */
	if (fsync(fd) < 0) {
		close(fd);
		return ztp_err_sys(e, "cannot fsync '%s/%s'", sp->dir, ANCHOR);
	}
	close(fd);
	return 0;
}

/* One record of a batch between its write and its commit. */
struct put_slot {
	struct ztp_spool_item *it;
	int fd;			/* the tmp file, locked (sweep_tmp spares it) */
	int linked;		/* its id is a link to the anchor */
	char tmp[300], dst[300], reg[300];
};

static void put_fail(struct put_slot *ps, struct ztp_spool *sp, int rc)
{
	/* fenced: the rename may have happened; the registration stays (as
	 * a put killed half-way leaves it: ztp_spool_unregister), or the id
	 * could be put twice */
	if (ps->fd >= 0) {
		if (!sp->fenced)
			unlinkat(sp->dfd, ps->tmp, 0);
		close(ps->fd);
		ps->fd = -1;
	}
	if (ps->reg[0] && !sp->fenced)
		unlinkat(sp->dfd, ps->reg, 0);
	ps->it->rc = rc;
}

/* Register the id and write the record to a locked tmp file (its
 * writeback started): everything of a put but the fsync and the commit.
 * 0, or the item's error (nothing left behind). */
static int put_prepare(struct ztp_spool *sp, const char *stage,
		       struct put_slot *ps, struct ztp_buf *b)
{
	struct ztp_err *e = &ps->it->err;
	const char *id;
	int rc;

	ps->fd = -1;
	ps->reg[0] = '\0';
	if (sp->fenced)		/* an earlier item of the batch was */
		return ps->it->rc = fence_stop(sp, e);
	ztp_buf_reset(b);
	if ((rc = format_rec(ps->it->rec, b, e)) < 0)
		return ps->it->rc = rc;
	id = ztp_rec_id(ps->it->rec);
	if (pathf(ps->reg, sizeof ps->reg, "ids/%s", id) < 0 ||
	    pathf(ps->dst, sizeof ps->dst, "%s/%s.yml", stage, id) < 0) {
		ps->reg[0] = '\0';
		return ps->it->rc = ztp_err_set(e, ZTP_ERR_LIMIT, "record id '%s' is too long", id);
	}
	/* the registry makes ids unique across stages, atomically */
	if ((ps->linked = register_id(sp, ps->reg)) < 0) {
		struct ztp_spool_ent ent;

		if (errno != EEXIST) {
			if ((rc = fenced(sp, e, "create", ps->reg)) == 0)
				rc = ztp_err_sys(e, "cannot create '%s/%s'", sp->dir, ps->reg);
		} else if (ztp_spool_locate(sp, id, &ent, NULL) == 0)
			rc = ztp_err_set(e, ZTP_ERR_EXISTS, "record '%s' already exists in '%s'",
					 id, ent.path);
		else
			rc = ztp_err_set(e, ZTP_ERR_EXISTS,
			    "record '%s' is registered but in no stage (removed by hand, or a "
			    "put that crashed); remove '%s/%s' to put it again", id, sp->dir, ps->reg);
		ps->reg[0] = '\0';	/* not ours */
		return ps->it->rc = rc;
	}
	ps->fd = write_tmp_sync(sp, id, b->p, b->len, 1, ps->tmp, sizeof ps->tmp, e);
	if (ps->fd < 0) {
		put_fail(ps, sp, e->code < 0 ? e->code : ZTP_ERR_SYS);
		return ps->it->rc;
	}
	ztp_os_start_writeback(ps->fd);
	ps->it->rc = 0;
	return 0;
}

/* fsync the prepared records, rename them into the stage, then one fsync
 * of the stage and one of the registry for all of them. */
static int put_commit(struct ztp_spool *sp, const char *stage,
		      struct put_slot *ps, size_t n, struct ztp_err *e)
{
	size_t i, moved = 0;
	int rc = 0;

	/* every file on disk before any of them appears in the stage */
	for (i = 0; i < n; i++)
		if (ps[i].fd >= 0 && fsync(ps[i].fd) < 0) {
			int frc = fenced(sp, &ps[i].it->err, "fsync", ps[i].tmp);

			put_fail(&ps[i], sp, frc ? frc : ztp_err_sys(&ps[i].it->err,
			    "cannot write '%s/%s'", sp->dir, ps[i].tmp));
		}
	for (i = 0; i < n; i++) {
		if (ps[i].fd < 0)
			continue;
		if (sp->fenced) {
			put_fail(&ps[i], sp, fence_stop(sp, &ps[i].it->err));
			continue;
		}
		if (renameat(sp->dfd, ps[i].tmp, sp->dfd, ps[i].dst) < 0) {
			int frc = fenced(sp, &ps[i].it->err, "rename", ps[i].tmp);

			put_fail(&ps[i], sp, frc ? frc : ztp_err_sys(&ps[i].it->err,
			    "cannot rename '%s' to '%s' in '%s'", ps[i].tmp, ps[i].dst, sp->dir));
			continue;
		}
		moved++;
	}
	if (moved) {
		rc = fsync_dir(sp, stage, e);
		if (rc == 0)
			rc = fsync_dir(sp, "ids", e);
		for (i = 0; rc == 0 && i < n; i++)
			if (ps[i].fd >= 0 && ps[i].linked) {
				rc = fsync_anchor(sp, e);
				break;
			}
	}
	for (i = 0; i < n; i++) {
		if (ps[i].fd < 0)
			continue;
		close(ps[i].fd);
		ps[i].fd = -1;
		if (rc < 0) {	/* in the stage, but not known to be durable */
			ps[i].it->rc = rc;
			if (e)
				ps[i].it->err = *e;
		}
	}
	return rc;
}

/* Work for ztp-flow watch: a line on its FIFO lock/flow.wake when a
 * watcher of this host waits on it (none: ENXIO, nothing done; never
 * blocks).  Another host's watcher finds the record at its timed pass. */
static void wake_flow(struct ztp_spool *sp, const char *stage)
{
	struct stat st;
	int fd;

	if (strcmp(stage, "done") == 0 || strcmp(stage, "failed") == 0)
		return;
	fd = openat(sp->dfd, "lock/flow.wake", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)!write(fd, "\n", 1);
	close(fd);
}

int ztp_spool_put_many(struct ztp_spool *sp, const char *stage,
		       struct ztp_spool_item *items, size_t n,
		       struct ztp_err *e)
{
	struct put_slot *ps;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err ce;
	size_t done, i, k;
	int put = 0, rc = 0;

	if (sp->fenced) {
		for (i = 0; i < n; i++)
			items[i].rc = fence_stop(sp, &items[i].err);
		return fence_stop(sp, e);
	}

	if (!ztp_spool_stage_valid(stage)) {
		rc = bad_stage(stage, &ce);
		for (i = 0; i < n; i++) {
			items[i].rc = rc;
			items[i].err = ce;
		}
		if (e)
			*e = ce;
		return rc;
	}
	ps = ztp_xcalloc(n < ZTP_SPOOL_BATCH ? (n ? n : 1) : ZTP_SPOOL_BATCH, sizeof *ps);
	for (done = 0; done < n; done += k) {
		k = n - done < ZTP_SPOOL_BATCH ? n - done : ZTP_SPOOL_BATCH;
		for (i = 0; i < k; i++) {
			ps[i].it = &items[done + i];
			ztp_err_clear(&ps[i].it->err);
			put_prepare(sp, stage, &ps[i], &b);
		}
		if (put_commit(sp, stage, ps, k, &ce) < 0 && rc == 0) {
			rc = ce.code;
			if (e)
				*e = ce;
		}
		for (i = 0; i < k; i++)
			put += ps[i].it->rc == 0;
	}
	ztp_buf_free(&b);
	free(ps);
	if (put > 0)
		wake_flow(sp, stage);
	return rc < 0 ? rc : put;
}

int ztp_spool_put(struct ztp_spool *sp, const char *stage,
		  const struct ztp_val *rec, struct ztp_err *e)
{
	struct ztp_spool_item it;
	int rc;

	it.rec = rec;
	rc = ztp_spool_put_many(sp, stage, &it, 1, e);
	if (rc >= 0 && it.rc < 0 && e)
		*e = it.err;
	return rc < 0 ? rc : it.rc;
}

/* The holder of a claim, in .work/ID.lease next to the claimed file, one
 * line: "host pgid expiry token pid since start\n".  The first three
 * fields are what earlier versions wrote and read (a pipeline's lease); a
 * worker's claim writes expiry 0 (no lease: its flock decides) and token
 * "-".  start is the start time of the process group leader in clock
 * ticks after boot (/proc/PID/stat), 0 when unknown: a pgid that names
 * another group leader now is a reused number. */
struct holder {
	char host[256];
	long pgid, pid;
	long long expiry, since;
	unsigned long long start;
	char token[ZTP_SPOOL_TOKEN_MAX + 1];
};

static void my_host(char *host, size_t n)
{
	if (gethostname(host, n) < 0)
		snprintf(host, n, "localhost");
	host[n - 1] = '\0';
}

/* The start time of process pid (field 22 of /proc/PID/stat), 0 when
 * unknown (no /proc, no such process). */
static unsigned long long proc_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	if (pathf(path, sizeof path, "/proc/%ld/stat", pid) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after the command name, which may hold spaces and parentheses */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}

static int holder_format(char *line, size_t n, long long expiry, const char *token,
			 time_t since)
{
	char host[256];
	long pgid = (long)getpgrp();
	int r;

	my_host(host, sizeof host);
	r = snprintf(line, n, "%s %ld %lld %s %ld %lld %llu\n", host, pgid, expiry,
		     token && *token ? token : "-", (long)getpid(), (long long)since,
		     proc_start(pgid));
	return r < 0 || (size_t)r >= n ? -1 : r;
}

static int holder_read(struct ztp_spool *sp, const char *rel, struct holder *h)
{
	char buf[512];
	ssize_t n;
	int fd = openat(sp->dfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), k;

	memset(h, 0, sizeof *h);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0 || buf[n - 1] != '\n')
		return -1;	/* being written (a worker's, without rename) */
	buf[n] = '\0';
	k = sscanf(buf, "%255s %ld %lld %64s %ld %lld %llu", h->host, &h->pgid, &h->expiry,
		   h->token, &h->pid, &h->since, &h->start);
	if (k < 3)
		return -1;
	if (k < 4 || strcmp(h->token, "-") == 0)
		h->token[0] = '\0';	/* a lease of an earlier version: no token */
	return 0;
}

/* The holder of a worker's claim, written under the claim's flock (no
 * rename, no fsync: it informs, the flock decides). */
static void holder_write_worker(struct ztp_spool *sp, const char *stage, const char *id,
				time_t since)
{
	char rel[300], line[400];
	int fd, n;

	if (pathf(rel, sizeof rel, "%s/.work/%s.lease", stage, id) < 0 ||
	    (n = holder_format(line, sizeof line, 0, NULL, since)) < 0)
		return;
	fd = openat(sp->dfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return;
	(void)!ztp_write_all(fd, line, (size_t)n);
	close(fd);
}

/* Is the pipeline holding lease h alive?  1 while its lease runs and, on
 * this host, while its process group lives (the number not reused). */
static int holder_alive(const struct holder *h)
{
	char myhost[256];
	unsigned long long start;

	if (h->expiry == 0 || h->pgid <= 1 || (long long)time(NULL) >= h->expiry)
		return 0;
	my_host(myhost, sizeof myhost);
	if (strcmp(h->host, myhost) != 0)
		return 1;	/* another host's pipeline: trust the expiry */
	if (kill(-(pid_t)h->pgid, 0) < 0 && errno != EPERM)
		return 0;
	/* the leader still there but started after the take: another group */
	if (h->start && (start = proc_start(h->pgid)) != 0 && start != h->start)
		return 0;
	return 1;
}

int ztp_spool_token(char *buf, size_t n)
{
	unsigned char raw[16];
	size_t i;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (n < 2 * sizeof raw + 1)
		return -1;
	if (fd < 0 || read(fd, raw, sizeof raw) != (ssize_t)sizeof raw) {
		struct timespec ts;

		/* unique enough: host-local pid and time (never a secret) */
		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < sizeof raw; i++)
			raw[i] = (unsigned char)(((unsigned long long)ts.tv_nsec ^
			    ((unsigned long long)getpid() << 20) ^ (unsigned long long)ts.tv_sec) >> (i % 8 * 8));
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < sizeof raw; i++)
		snprintf(buf + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* Is fd still the file at rel? */
static int same_file(struct ztp_spool *sp, int fd, const char *rel)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || fstatat(sp->dfd, rel, &b, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open and lock rel without waiting; -1 when it is gone or held. */
static int lock_file(struct ztp_spool *sp, const char *rel)
{
	int fd = openat(sp->dfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		fenced(sp, NULL, "open", rel);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || !same_file(sp, fd, rel)) {
		fenced(sp, NULL, "flock", rel);
		close(fd);
		return -1;
	}
	return fd;
}

static void move_aside(struct ztp_spool *sp, const char *rel, const char *id,
		       const char *stage, const char *why, char *dst, size_t dstsz)
{
	char errname[400];
	int r, fd;

	r = snprintf(dst, dstsz, "bad/%s.%s.%ld-%ld.yml", id, stage,
		     (long)time(NULL), (long)getpid());
	if (r < 0 || (size_t)r >= dstsz || renameat(sp->dfd, rel, sp->dfd, dst) < 0) {
		snprintf(dst, dstsz, "%s", rel);	/* stays claimed: never lost */
		return;
	}
	fsync_dir(sp, "bad", NULL);
	r = snprintf(errname, sizeof errname, "%.*s.err", (int)(strlen(dst) - 4), dst);
	if (r > 0 && (size_t)r < sizeof errname &&
	    (fd = openat(sp->dfd, errname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) >= 0) {
		(void)!ztp_write_all(fd, why, strlen(why));
		(void)!ztp_write_all(fd, "\n", 1);
		close(fd);
	}
}

/* Read and check the record held by c->fd at rel; moves it aside when bad. */
static int load_claimed(struct ztp_claim *c, const char *rel, struct ztp_err *e)
{
	struct ztp_spool *sp = c->sp;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err pe;
	char where[600], dst[400];
	int rc;

	snprintf(where, sizeof where, "%s/%s", sp->dir, rel);
	if (lseek(c->fd, 0, SEEK_SET) < 0)
		return ztp_err_sys(e, "cannot read '%s'", where);
	rc = ztp_buf_read_fd(&b, c->fd, ZTP_REC_MAX_BYTES, where, &pe);
	if (rc == 0)
		rc = ztp_yml_load_buf(b.p ? b.p : "", b.len, where, NULL, &c->rec, &pe);
	ztp_buf_free(&b);
	if (rc == 0)
		rc = ztp_rec_check(c->rec, where, &pe);
	if (rc == 0 && strcmp(ztp_rec_id(c->rec), c->id) != 0) {
		const char *serial = ztp_map_str(ztp_map_get(c->rec, "facts"), "serial");

		if (serial && strcmp(serial, c->id) == 0)	/* a rekey cut short */
			ztp_map_set_str(c->rec, "id", c->id);
		else
			rc = ztp_err_set(&pe, ZTP_ERR_PARSE, "bad record at %s: id '%s' does not match the file name",
					 where, ztp_esc(ztp_rec_id(c->rec)));
	}
	if (rc == 0)
		return 0;
	if (pe.code == ZTP_ERR_SYS)
		return ztp_err_set(e, ZTP_ERR_SYS, "%s", pe.msg);
	ztp_val_unref(c->rec);
	c->rec = NULL;
	move_aside(sp, rel, c->id, c->stage, pe.msg, dst, sizeof dst);
	return ztp_err_set(e, ZTP_ERR_PARSE, "%s; moved to '%s/%s'", pe.msg, sp->dir, dst);
}

static void claim_free(struct ztp_claim *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	ztp_val_unref(c->rec);
	free(c);
}

/* Claim the record at stage/name (name = "ID.yml"). */
static int claim_one(struct ztp_spool *sp, const char *stage, const char *id,
		     struct ztp_claim **cp, struct ztp_err *e)
{
	char src[300], dst[300];
	struct ztp_claim *c;
	int fd, rc;

	if (pathf(src, sizeof src, "%s/%s.yml", stage, id) < 0 ||
	    pathf(dst, sizeof dst, "%s/.work/%s.yml", stage, id) < 0)
		return ZTP_ERR_NOTFOUND;
	fd = lock_file(sp, src);
	if (fd < 0)
		return sp->fenced ? fence_stop(sp, e) : ZTP_ERR_NOTFOUND;
	if (renameat(sp->dfd, src, sp->dfd, dst) < 0) {
		rc = fenced(sp, e, "rename", src);
		close(fd);
		return rc ? rc : ZTP_ERR_NOTFOUND;
	}
	c = ztp_xcalloc(1, sizeof *c);
	c->sp = sp;
	c->fd = fd;
	c->since = time(NULL);
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->stage, sizeof c->stage, "%s", stage);
	holder_write_worker(sp, stage, id, c->since);
	rc = pathf(src, sizeof src, "%s/.work", stage) < 0 ? ZTP_ERR_LIMIT : 0;
	if (rc == 0)
		rc = fsync_dir(sp, stage, e);
	if (rc == 0)
		rc = fsync_dir(sp, src, e);
	if (rc == 0)
		rc = load_claimed(c, dst, e);
	if (rc < 0) {
		claim_free(c);
		return rc;
	}
	*cp = c;
	return 0;
}

static int valid_name(const char *name, char *id, size_t idsz)
{
	size_t n = strlen(name);

	if (n <= 4 || n - 4 >= idsz || strcmp(name + n - 4, ".yml") != 0)
		return 0;
	memcpy(id, name, n - 4);
	id[n - 4] = '\0';
	return ztp_id_valid(id);
}

/* The ids of the records in rel (a directory), sorted. */
static int list_ids(struct ztp_spool *sp, const char *rel, char ***out, size_t *n,
		    struct ztp_err *e)
{
	char id[ZTP_ID_MAX + 1], **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *d;
	DIR *dir;
	int fd = openat(sp->dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*out = NULL;
	*n = 0;
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		int rc = fenced(sp, e, "open", rel);

		if (fd >= 0)
			close(fd);
		return rc ? rc : ztp_err_sys(e, "cannot list '%s/%s'", sp->dir, rel);
	}
	while ((d = readdir(dir)) != NULL) {
		if (!valid_name(d->d_name, id, sizeof id))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			v = ztp_xrealloc(v, cap, sizeof *v);
		}
		v[cnt++] = ztp_xstrdup(id);
	}
	closedir(dir);
	*out = v;
	*n = cnt;
	return 0;
}

static void free_ids(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ztp_spool_claim(struct ztp_spool *sp, const char *stage,
		    struct ztp_claim **cp, struct ztp_err *e)
{
	char **ids;
	size_t n, i, start;
	int si = stage_index(stage), rc;
	time_t now = time(NULL);

	if (sp->fenced)
		return fence_stop(sp, e);

	*cp = NULL;
	if (si < 0)
		return bad_stage(stage, e);
	if (now - sp->last_recover[si] >= RECOVER_EVERY) {
		sp->last_recover[si] = now;
		ztp_spool_recover(sp, NULL, NULL, NULL);
	}
	if ((rc = list_ids(sp, stage, &ids, &n, e)) < 0)
		return rc;
	/* many workers on one stage: start at different places */
	start = n ? (size_t)(sp->seq++ % n) : 0;
	rc = ZTP_ERR_NOTFOUND;
	for (i = 0; i < n; i++) {
		rc = claim_one(sp, stage, ids[(start + i) % n], cp, e);
		if (rc != ZTP_ERR_NOTFOUND)
			break;
	}
	free_ids(ids, n);
	if (rc == ZTP_ERR_NOTFOUND)
		ztp_err_set(e, ZTP_ERR_NOTFOUND, "no record waiting in '%s'", stage);
	return rc;
}

/* Does the lease at rel keep the claim beside it (a live pipeline's)? */
static int lease_valid(struct ztp_spool *sp, const char *rel)
{
	struct holder h;

	return holder_read(sp, rel, &h) == 0 && holder_alive(&h);
}

#define HELD_WAIT_MS 10000	/* for a lock held a moment (recovery looking) */

/* Claim id where it is claimed already (stage/.work): see spool.h for
 * adopt; with a token, only the pipeline claim that carries it. */
static int claim_held(struct ztp_spool *sp, const char *st, const char *id, int adopt,
		      const char *token, struct ztp_claim **cp, struct ztp_err *e)
{
	char rel[300], lease[300];
	struct ztp_claim *c;
	struct holder h;
	struct timespec ts = { 0, 10 * 1000000L };
	int fd, waited, rc, have;

	if (pathf(rel, sizeof rel, "%s/.work/%s.yml", st, id) < 0 ||
	    pathf(lease, sizeof lease, "%s/.work/%s.lease", st, id) < 0)
		return ZTP_ERR_NOTFOUND;
	for (waited = 0;; waited += 10) {
		if (faccessat(sp->dfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			return ZTP_ERR_NOTFOUND;
		have = holder_read(sp, lease, &h) == 0;
		if (token && (!have || strcmp(h.token, token) != 0)) {
			if (have && h.expiry == 0)
				return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is no longer claimed by this "
				    "pipeline: a worker holds it (host %s, pid %ld; in '%s/%s'); not committed",
				    id, h.host, h.pid, sp->dir, rel);
			if (have)
				return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is no longer claimed by this "
				    "pipeline: another take holds it (host %s, pid %ld; in '%s/%s'); not committed",
				    id, h.host, h.pid, sp->dir, rel);
			if (waited >= HELD_WAIT_MS)
				return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is no longer claimed by this "
				    "pipeline (in '%s/%s'); not committed", id, sp->dir, rel);
			nanosleep(&ts, NULL);	/* a holder being written */
			continue;
		}
		if ((fd = lock_file(sp, rel)) >= 0)
			break;
		/* a live lease's lock is held only for a moment (a recovery
		 * pass looking at it): wait for the pipeline that owns it */
		if ((token || (adopt == ZTP_ADOPT_LEASE && have && holder_alive(&h))) &&
		    waited < HELD_WAIT_MS) {
			nanosleep(&ts, NULL);
			continue;
		}
		if (have)
			return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is being worked on by another process "
			    "(host %s, pid %ld; in '%s/%s')", id, h.host, h.pid, sp->dir, rel);
		return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is being worked on by another process (in '%s/%s')",
				   id, sp->dir, rel);
	}
	/* under the lock the holder is what it is: check again */
	have = holder_read(sp, lease, &h) == 0;
	if (token && (!have || strcmp(h.token, token) != 0)) {
		close(fd);
		return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is no longer claimed by this pipeline "
				   "(in '%s/%s'); not committed", id, sp->dir, rel);
	}
	if (!token && !adopt) {
		close(fd);
		return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is claimed (in '%s/%s')",
				   id, sp->dir, rel);
	}
	if (!token && adopt != ZTP_ADOPT_LEASE && have && holder_alive(&h)) {
		close(fd);
		return ztp_err_set(e, ZTP_ERR_BUSY, "record '%s' is claimed by a pipeline "
				   "(ztp-spool take on host %s; lease '%s/%s'): commit or release it first, "
				   "or wait for the lease to end", id, h.host, sp->dir, lease);
	}
	c = ztp_xcalloc(1, sizeof *c);
	c->sp = sp;
	c->fd = fd;
	c->since = time(NULL);
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->stage, sizeof c->stage, "%s", st);
	if ((rc = load_claimed(c, rel, e)) < 0) {
		claim_free(c);
		return rc;
	}
	*cp = c;
	return 0;
}

int ztp_spool_claim_id(struct ztp_spool *sp, const char *id, int adopt,
		       struct ztp_claim **cp, struct ztp_err *e)
{
	int i, rc;

	if (sp->fenced)
		return fence_stop(sp, e);

	*cp = NULL;
	if (!ztp_id_valid(id))
		return ztp_err_set(e, ZTP_ERR_USAGE, "'%s' is not a record id", ztp_esc(id));
	for (i = 0; ztp_spool_stages[i]; i++) {
		rc = claim_one(sp, ztp_spool_stages[i], id, cp, e);
		if (rc != ZTP_ERR_NOTFOUND)
			return rc;
		rc = claim_held(sp, ztp_spool_stages[i], id, adopt, NULL, cp, e);
		if (rc != ZTP_ERR_NOTFOUND)
			return rc;
	}
	return ztp_err_set(e, ZTP_ERR_NOTFOUND, "no record '%s' in '%s'", id, sp->dir);
}

int ztp_spool_claim_token(struct ztp_spool *sp, const char *id, const char *token,
			  struct ztp_claim **cp, struct ztp_err *e)
{
	struct ztp_spool_ent ent;
	int i, rc;

	if (sp->fenced)
		return fence_stop(sp, e);

	*cp = NULL;
	if (!ztp_id_valid(id))
		return ztp_err_set(e, ZTP_ERR_USAGE, "'%s' is not a record id", ztp_esc(id));
	for (i = 0; ztp_spool_stages[i]; i++) {
		rc = claim_held(sp, ztp_spool_stages[i], id, ZTP_ADOPT_LEASE, token, cp, e);
		if (rc != ZTP_ERR_NOTFOUND)
			return rc;
	}
	if (ztp_spool_locate(sp, id, &ent, NULL) == 0)
		return ztp_err_set(e, ZTP_ERR_NOTFOUND, "record '%s' is no longer claimed by this pipeline: "
				   "it is in '%s/%s'", id, sp->dir, ent.path);
	return ztp_err_set(e, ZTP_ERR_NOTFOUND, "no record '%s' in '%s'", id, sp->dir);
}

struct ztp_val *ztp_claim_record(const struct ztp_claim *c)
{
	return c->rec;
}

const char *ztp_claim_stage(const struct ztp_claim *c)
{
	return c->stage;
}

const char *ztp_claim_id(const struct ztp_claim *c)
{
	return c->id;
}

/* A stage change into events/ (see spool.h), after its commit: a crash
 * between the two loses the event, never the record. */
static void stage_event(struct ztp_spool *sp, const char *id, const char *from,
			const char *to, const struct ztp_val *rec)
{
	struct ztp_val *ev;
	struct ztp_buf b = ZTP_BUF_INIT;
	char at[21], stem[64], name[300], tmp[300];
	struct timespec ts;
	int fd;

	if (faccessat(sp->dfd, "events", W_OK, 0) < 0)
		return;		/* a spool made before events/ existed */
	clock_gettime(CLOCK_REALTIME, &ts);
	ztp_time_iso(ts.tv_sec, at);
	if (snprintf(stem, sizeof stem, "%lld%03ld-%ld-%u", (long long)ts.tv_sec,
		     ts.tv_nsec / 1000000, (long)getpid(), sp->seq++ % 100000u) >= (int)sizeof stem ||
	    pathf(name, sizeof name, "events/%s.%s.%s.json", stem, id, to) < 0)
		return;
	ev = ztp_val_map();
	ztp_map_set_str(ev, "event", "stage");
	ztp_map_set_str(ev, "event_id", stem);
	ztp_map_set_str(ev, "id", id);
	ztp_map_set_str(ev, "from", from);
	ztp_map_set_str(ev, "to", to);
	ztp_map_set_str(ev, "at", at);
	ztp_map_set_str(ev, "tool", ztp_progname());
	if (rec)
		ztp_map_set(ev, "record", ztp_val_ref((struct ztp_val *)rec));
	if (ztp_json_emit(&b, ev, 0) == 0 && ztp_buf_addc(&b, '\n') == 0 &&
	    (fd = write_tmp(sp, id, b.p, b.len, tmp, sizeof tmp, NULL)) >= 0) {
		if (renameat(sp->dfd, tmp, sp->dfd, name) < 0)
			unlinkat(sp->dfd, tmp, 0);
		close(fd);
	}
	ztp_buf_free(&b);
	ztp_val_unref(ev);
}

int ztp_claim_commit(struct ztp_claim *c, const char *stage,
		     const struct ztp_val *rec, struct ztp_err *e)
{
	struct ztp_spool *sp = c->sp;
	char work[300], dst[300], wdir[64], lease[300], tmp[300];
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc, fd;

	if (c->sp->fenced)
		return fence_stop(c->sp, e);

	if (!ztp_spool_stage_valid(stage))
		return bad_stage(stage, e);
	if (pathf(work, sizeof work, "%s/.work/%s.yml", c->stage, c->id) < 0 ||
	    pathf(dst, sizeof dst, "%s/%s.yml", stage, c->id) < 0 ||
	    pathf(wdir, sizeof wdir, "%s/.work", c->stage) < 0 ||
	    pathf(lease, sizeof lease, "%s/.work/%s.lease", c->stage, c->id) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "record id '%s' is too long", c->id);
	if (rec) {
		const char *id;

		if ((rc = format_rec(rec, &b, e)) < 0)
			goto out;
		id = ztp_rec_id(rec);
		if (strcmp(id, c->id) != 0) {
			rc = ztp_err_set(e, ZTP_ERR_USAGE, "cannot change the id of record '%s' to '%s'",
					 c->id, id);
			goto out;
		}
		/* new contents replace the claimed file in one rename; the
		 * new file is locked before it appears in .work */
		fd = write_tmp(sp, c->id, b.p, b.len, tmp, sizeof tmp, e);
		if (fd < 0) {
			rc = e ? e->code : ZTP_ERR_SYS;
			goto out;
		}
		if (renameat(sp->dfd, tmp, sp->dfd, work) < 0) {
			if ((rc = fenced(sp, e, "rename", work)) == 0)
				rc = ztp_err_sys(e, "cannot rename '%s' to '%s' in '%s'", tmp, work, sp->dir);
			unlinkat(sp->dfd, tmp, 0);
			close(fd);
			goto out;
		}
		close(c->fd);
		c->fd = fd;
		if ((rc = fsync_dir(sp, wdir, e)) < 0)
			goto out;
	}
	/* fenced here, the rename may have happened or not: never tried
	 * again by this process; the next look at the spool says which */
	if (renameat(sp->dfd, work, sp->dfd, dst) < 0) {
		if ((rc = fenced(sp, e, "rename", work)) == 0)
			rc = ztp_err_sys(e, "cannot rename '%s' to '%s' in '%s'", work, dst, sp->dir);
		goto out;
	}
	unlinkat(sp->dfd, lease, 0);
	rc = fsync_dir(sp, stage, e);
	if (rc == 0 && strcmp(stage, c->stage) != 0)
		rc = fsync_dir(sp, wdir, e);
	if (rc == 0 && strcmp(stage, c->stage) != 0) {
		stage_event(sp, c->id, c->stage, stage, rec ? rec : c->rec);
		wake_flow(sp, stage);
	}
	ztp_buf_free(&b);
	claim_free(c);
	return rc;
out:
	ztp_buf_free(&b);
	return rc;
}

int ztp_claim_rekey(struct ztp_claim *c, const char *newid, struct ztp_err *e)
{
	struct ztp_spool *sp = c->sp;
	char from[300], to[300], lfrom[300], lto[300], reg[300], oldreg[300], wdir[64];

	if (c->sp->fenced)
		return fence_stop(c->sp, e);

	if (!ztp_id_valid(newid))
		return ztp_err_set(e, ZTP_ERR_USAGE, "'%s' is not a record id", ztp_esc(newid));
	if (strcmp(newid, c->id) == 0)
		return 0;
	if (pathf(from, sizeof from, "%s/.work/%s.yml", c->stage, c->id) < 0 ||
	    pathf(to, sizeof to, "%s/.work/%s.yml", c->stage, newid) < 0 ||
	    pathf(lfrom, sizeof lfrom, "%s/.work/%s.lease", c->stage, c->id) < 0 ||
	    pathf(lto, sizeof lto, "%s/.work/%s.lease", c->stage, newid) < 0 ||
	    pathf(reg, sizeof reg, "ids/%s", newid) < 0 ||
	    pathf(oldreg, sizeof oldreg, "ids/%s", c->id) < 0 ||
	    pathf(wdir, sizeof wdir, "%s/.work", c->stage) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "record id '%s' is too long", newid);
	if (register_id(sp, reg) < 0) {
		if (errno == EEXIST)
			return ztp_err_set(e, ZTP_ERR_EXISTS, "a record '%s' exists already in '%s'",
					   newid, sp->dir);
		return ztp_err_sys(e, "cannot register '%s' in '%s'", reg, sp->dir);
	}
	if (fsync_anchor(sp, e) < 0 || fsync_dir(sp, "ids", e) < 0) {
		unlinkat(sp->dfd, reg, 0);
		return e ? e->code : ZTP_ERR_SYS;
	}
	if (renameat(sp->dfd, from, sp->dfd, to) < 0) {
		int rc = ztp_err_sys(e, "cannot rename '%s' to '%s' in '%s'", from, to, sp->dir);

		unlinkat(sp->dfd, reg, 0);
		return rc;
	}
	/* a lease moves with its claim (a take pipeline's) */
	if (renameat(sp->dfd, lfrom, sp->dfd, lto) < 0 && errno != ENOENT)
		unlinkat(sp->dfd, lfrom, 0);
	snprintf(c->id, sizeof c->id, "%s", newid);
	if (fsync_dir(sp, wdir, e) < 0)
		return e ? e->code : ZTP_ERR_SYS;
	unlinkat(sp->dfd, oldreg, 0);
	return 0;
}

int ztp_claim_remove(struct ztp_claim *c, struct ztp_err *e)
{
	struct ztp_spool *sp = c->sp;
	char rel[300], lease[300], reg[300], wdir[64];
	int rc;

	if (c->sp->fenced)
		return fence_stop(c->sp, e);

	if (pathf(rel, sizeof rel, "%s/.work/%s.yml", c->stage, c->id) < 0 ||
	    pathf(lease, sizeof lease, "%s/.work/%s.lease", c->stage, c->id) < 0 ||
	    pathf(reg, sizeof reg, "ids/%s", c->id) < 0 ||
	    pathf(wdir, sizeof wdir, "%s/.work", c->stage) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "record id '%s' is too long", c->id);
	if (unlinkat(sp->dfd, rel, 0) < 0)
		return ztp_err_sys(e, "cannot remove '%s/%s'", sp->dir, rel);
	unlinkat(sp->dfd, lease, 0);
	unlinkat(sp->dfd, reg, 0);
	rc = fsync_dir(sp, wdir, e);
	claim_free(c);
	return rc;
}

int ztp_claim_release(struct ztp_claim *c, const struct ztp_val *rec,
		      struct ztp_err *e)
{
	char stage[16];

	snprintf(stage, sizeof stage, "%s", c->stage);
	return ztp_claim_commit(c, stage, rec, e);
}

int ztp_claim_lease(struct ztp_claim *c, long secs, const char *token, struct ztp_err *e)
{
	struct ztp_spool *sp = c->sp;
	char line[400], tmp[300], lease[300];
	int fd, n;

	if (c->sp->fenced)
		return fence_stop(c->sp, e);

	if (token && (strlen(token) > ZTP_SPOOL_TOKEN_MAX || strpbrk(token, " \t\n") || !*token))
		return ztp_err_set(e, ZTP_ERR_USAGE, "bad claim token '%s'", ztp_esc(token));
	n = holder_format(line, sizeof line, (long long)time(NULL) + secs, token, c->since);
	if (n < 0 || pathf(lease, sizeof lease, "%s/.work/%s.lease", c->stage, c->id) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "cannot write the lease of '%s'", c->id);
	fd = write_tmp(sp, c->id, line, (size_t)n, tmp, sizeof tmp, e);
	if (fd < 0)
		return e ? e->code : ZTP_ERR_SYS;
	if (renameat(sp->dfd, tmp, sp->dfd, lease) < 0) {
		int rc = fenced(sp, e, "rename", lease);

		if (rc == 0)
			rc = ztp_err_sys(e, "cannot rename '%s' to '%s'", tmp, lease);

		unlinkat(sp->dfd, tmp, 0);
		close(fd);
		return rc;
	}
	close(fd);
	claim_free(c);	/* the lock goes; the lease keeps recovery away */
	return 0;
}

int ztp_claim_fd(const struct ztp_claim *c)
{
	return c->fd;
}

void ztp_claim_abandon(struct ztp_claim *c)
{
	claim_free(c);
}

static int sweep_tmp(struct ztp_spool *sp, int *swept)
{
	int fd = openat(sp->dfd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	time_t now = time(NULL);
	struct dirent *d;
	struct stat st;
	char rel[300];
	DIR *dir;

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		int lfd;

		if (d->d_name[0] == '.' || pathf(rel, sizeof rel, "tmp/%s", d->d_name) < 0)
			continue;
		if (fstatat(sp->dfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    now - st.st_mtime < TMP_STALE_SECS)
			continue;
		/* writers hold a lock on their tmp file */
		if ((lfd = lock_file(sp, rel)) < 0)
			continue;
		if (unlinkat(sp->dfd, rel, 0) == 0 && swept)
			(*swept)++;
		close(lfd);
	}
	closedir(dir);
	return 0;
}

int ztp_spool_recover(struct ztp_spool *sp, int *recovered, int *swept,
		      struct ztp_err *e)
{
	char wdir[64], rel[300], lease[300], dst[300];
	char **ids;
	size_t n, j;
	int i, fd, rc = 0;

	if (sp->fenced)
		return fence_stop(sp, e);


	if (recovered)
		*recovered = 0;
	if (swept)
		*swept = 0;
	for (i = 0; ztp_spool_stages[i]; i++) {
		const char *st = ztp_spool_stages[i];
		int moved = 0;

		if (pathf(wdir, sizeof wdir, "%s/.work", st) < 0 ||
		    list_ids(sp, wdir, &ids, &n, e) < 0) {
			rc = ZTP_ERR_SYS;
			continue;
		}
		for (j = 0; j < n; j++) {
			if (pathf(rel, sizeof rel, "%s/%s.yml", wdir, ids[j]) < 0 ||
			    pathf(lease, sizeof lease, "%s/%s.lease", wdir, ids[j]) < 0 ||
			    pathf(dst, sizeof dst, "%s/%s.yml", st, ids[j]) < 0)
				continue;
			/* a live pipeline's lease first, without its lock: the
			 * commit that owns it then never finds the lock taken */
			if (lease_valid(sp, lease))
				continue;
			if ((fd = lock_file(sp, rel)) < 0)
				continue;	/* a live worker holds it */
			if (lease_valid(sp, lease)) {
				close(fd);
				continue;
			}
			if (renameat(sp->dfd, rel, sp->dfd, dst) == 0) {
				unlinkat(sp->dfd, lease, 0);
				moved++;
			} else
				fenced(sp, NULL, "rename", rel);
			close(fd);
		}
		free_ids(ids, n);
		if (moved) {
			fsync_dir(sp, st, NULL);
			fsync_dir(sp, wdir, NULL);
			if (recovered)
				*recovered += moved;
		}
	}
	sweep_tmp(sp, swept);
	return rc;
}

int ztp_spool_remove(struct ztp_spool *sp, const char *id, struct ztp_err *e)
{
	struct ztp_claim *c;
	char rel[300], reg[300];
	int rc = ztp_spool_claim_id(sp, id, ZTP_ADOPT_DEAD, &c, e);

	if (sp->fenced)
		return fence_stop(sp, e);

	if (rc < 0)
		return rc;
	if (pathf(rel, sizeof rel, "%s/.work/%s.yml", c->stage, id) < 0 ||
	    pathf(reg, sizeof reg, "ids/%s", id) < 0) {
		claim_free(c);
		return ztp_err_set(e, ZTP_ERR_LIMIT, "record id '%s' is too long", id);
	}
	if (unlinkat(sp->dfd, rel, 0) < 0) {
		rc = ztp_err_sys(e, "cannot remove '%s/%s'", sp->dir, rel);
		claim_free(c);
		return rc;
	}
	pathf(rel, sizeof rel, "%s/.work/%s.lease", c->stage, id);
	unlinkat(sp->dfd, rel, 0);
	unlinkat(sp->dfd, reg, 0);
	claim_free(c);
	return 0;
}

static int fill_ent(struct ztp_spool *sp, struct ztp_spool_ent *ent, const char *stage,
		    const char *id, int claimed)
{
	struct stat st;
	struct holder h;
	char lease[300];

	memset(ent, 0, sizeof *ent);
	snprintf(ent->id, sizeof ent->id, "%s", id);
	snprintf(ent->stage, sizeof ent->stage, "%s", stage);
	ent->claimed = claimed;
	if (pathf(ent->path, sizeof ent->path, claimed ? "%s/.work/%s.yml" : "%s/%s.yml",
		 stage, id) < 0)
		return -1;
	if (fstatat(sp->dfd, ent->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	ent->mtime = st.st_mtime;
	if (claimed && pathf(lease, sizeof lease, "%s/.work/%s.lease", stage, id) == 0 &&
	    holder_read(sp, lease, &h) == 0) {
		ent->leased = h.expiry != 0;
		snprintf(ent->host, sizeof ent->host, "%s", h.host);
		ent->pid = h.pid ? h.pid : h.pgid;
		ent->since = (time_t)h.since;
		ent->expires = (time_t)h.expiry;
	}
	return 0;
}

int ztp_spool_locate(struct ztp_spool *sp, const char *id,
		     struct ztp_spool_ent *ent, struct ztp_err *e)
{
	int i, pass;

	if (!ztp_id_valid(id))
		return ztp_err_set(e, ZTP_ERR_USAGE, "'%s' is not a record id", ztp_esc(id));
	/* twice: a record moving between stages is found on the second pass */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; ztp_spool_stages[i]; i++)
			if (fill_ent(sp, ent, ztp_spool_stages[i], id, 0) == 0 ||
			    fill_ent(sp, ent, ztp_spool_stages[i], id, 1) == 0)
				return 0;
	return ztp_err_set(e, ZTP_ERR_NOTFOUND, "no record '%s' in '%s'", id, sp->dir);
}

int ztp_spool_registered(struct ztp_spool *sp, const char *id)
{
	char reg[300];

	if (!ztp_id_valid(id) || pathf(reg, sizeof reg, "ids/%s", id) < 0)
		return 0;
	return faccessat(sp->dfd, reg, F_OK, 0) == 0;
}

int ztp_spool_unregister(struct ztp_spool *sp, const char *id,
			 struct ztp_err *e)
{
	struct ztp_spool_ent ent;
	char reg[300];

	if (!ztp_id_valid(id))
		return ztp_err_set(e, ZTP_ERR_USAGE, "'%s' is not a record id", ztp_esc(id));
	if (ztp_spool_locate(sp, id, &ent, NULL) == 0)
		return ztp_err_set(e, ZTP_ERR_EXISTS, "cannot unregister '%s': the record is in '%s'",
				   id, ent.path);
	if (pathf(reg, sizeof reg, "ids/%s", id) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "record id '%s' is too long", id);
	if (unlinkat(sp->dfd, reg, 0) < 0 && errno != ENOENT)
		return ztp_err_sys(e, "cannot remove '%s/%s'", sp->dir, reg);
	return fsync_dir(sp, "ids", e);
}

static int list_bad(struct ztp_spool *sp, int (*fn)(void *, const struct ztp_spool_ent *),
		    void *ctx, struct ztp_err *e)
{
	int fd = openat(sp->dfd, "bad", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct ztp_spool_ent ent;
	struct dirent *d;
	struct stat st;
	DIR *dir;
	int stop = 0;

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return ztp_err_sys(e, "cannot list '%s/bad'", sp->dir);
	}
	while ((d = readdir(dir)) != NULL) {
		size_t l = strlen(d->d_name);

		if (d->d_name[0] == '.' || l < 5 || strcmp(d->d_name + l - 4, ".yml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = ztp_xrealloc(names, cap, sizeof *names);
		}
		names[n++] = ztp_xstrdup(d->d_name);
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n && !stop; i++) {
		memset(&ent, 0, sizeof ent);
		snprintf(ent.id, sizeof ent.id, "%.*s", (int)(strcspn(names[i], ".")), names[i]);
		snprintf(ent.stage, sizeof ent.stage, "bad");
		if (pathf(ent.path, sizeof ent.path, "bad/%s", names[i]) < 0)
			continue;
		if (fstatat(sp->dfd, ent.path, &st, 0) == 0)
			ent.mtime = st.st_mtime;
		stop = fn(ctx, &ent);
	}
	free_ids(names, n);
	return 0;
}

int ztp_spool_list(struct ztp_spool *sp, const char *stage,
		   int (*fn)(void *ctx, const struct ztp_spool_ent *ent),
		   void *ctx, struct ztp_err *e)
{
	struct ztp_spool_ent ent;
	char wdir[64];
	char **ids, **wids;
	size_t n, wn, i, j;
	int s, rc;

	if (stage && strcmp(stage, "bad") == 0)
		return list_bad(sp, fn, ctx, e);
	if (stage && !ztp_spool_stage_valid(stage))
		return bad_stage(stage, e);
	for (s = 0; ztp_spool_stages[s]; s++) {
		const char *st = ztp_spool_stages[s];

		if (stage && strcmp(stage, st) != 0)
			continue;
		if ((rc = list_ids(sp, st, &ids, &n, e)) < 0)
			return rc;
		pathf(wdir, sizeof wdir, "%s/.work", st);
		if ((rc = list_ids(sp, wdir, &wids, &wn, e)) < 0) {
			free_ids(ids, n);
			return rc;
		}
		if (n > 1)
			qsort(ids, n, sizeof *ids, cmp_str);
		if (wn > 1)
			qsort(wids, wn, sizeof *wids, cmp_str);
		/* merge both sorted lists so claimed records sit in id order */
		for (i = j = 0; i < n || j < wn;) {
			int claimed = i >= n || (j < wn && strcmp(wids[j], ids[i]) < 0);
			const char *id = claimed ? wids[j++] : ids[i++];

			if (fill_ent(sp, &ent, st, id, claimed) < 0)
				continue;	/* moved meanwhile */
			if (fn(ctx, &ent)) {
				free_ids(ids, n);
				free_ids(wids, wn);
				return 0;
			}
		}
		free_ids(ids, n);
		free_ids(wids, wn);
	}
	if (stage == NULL)
		return list_bad(sp, fn, ctx, e);
	return 0;
}

int ztp_spool_read(struct ztp_spool *sp, const struct ztp_spool_ent *ent,
		   struct ztp_val **rec, struct ztp_err *e)
{
	char full[1024];
	int r = snprintf(full, sizeof full, "%s/%s", sp->dir, ent->path);

	if (r < 0 || (size_t)r >= sizeof full)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "path too long in '%s'", sp->dir);
	if (strcmp(ent->stage, "bad") == 0) {
		struct ztp_yml_opts o = { .max_bytes = ZTP_REC_MAX_BYTES };

		return ztp_yml_load_file(full, &o, rec, e);
	}
	return ztp_rec_load_file(full, rec, e);
}
