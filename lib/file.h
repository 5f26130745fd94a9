/* file.h: files replaced whole, and trees handed to another user.
 *
 * ztp_file_replace_at() is the one crash-safe write of a whole file: the
 * data goes to a temporary file of a name no other writer uses (created
 * with O_EXCL), is fsynced, closed (the result checked), renamed over the
 * final name, and the directory is fsynced; on any error the temporary
 * file is removed and the old file (if any) stays as it was.  A crash
 * leaves either the old file or the new one, plus at worst a temporary
 * file that ztp_file_sweep_at() removes. */
#ifndef ZTP_FILE_H
#define ZTP_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"

/* Replace name in the directory dirfd with len bytes of data (mode for a
 * new file).  0 or a ZTP_ERR_*. */
int ztp_file_replace_at(int dirfd, const char *name, const void *data, size_t len,
			mode_t mode, struct ztp_err *e);
/* The same in the directory dir. */
int ztp_file_replace(const char *dir, const char *name, const void *data, size_t len,
		     mode_t mode, struct ztp_err *e);
/* 1 when a directory entry is a temporary file of ztp_file_replace*. */
int ztp_file_is_tmp(const char *entry);
/* Remove the temporary files of ztp_file_replace* in dirfd older than age
 * seconds (0: all; a writer running beside keeps its younger ones).  The
 * number removed. */
int ztp_file_sweep_at(int dirfd, time_t age);

/* Create dir with mode, and its missing parents with 0755 (mkdir -p): a
 * daemon's directory under /var/lib on a system that never had one.  An
 * existing directory is fine.  0 or a ZTP_ERR_* naming the level that
 * could not be created. */
int ztp_mkdirs(const char *dir, mode_t mode, struct ztp_err *e);

/* Give dir and everything below it to uid:gid (symbolic links themselves,
 * never what they point to), also entries whose type readdir does not
 * report (DT_UNKNOWN: looked up).  At most 64 levels deep.  0 or a
 * ZTP_ERR_* naming the entry that failed. */
int ztp_chown_tree(const char *dir, uid_t uid, gid_t gid, struct ztp_err *e);
/* For tests: 1 makes ztp_chown_tree treat every entry as DT_UNKNOWN. */
extern int ztp_file_test_unknown_types;

#endif
