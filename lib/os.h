/* os.h: the few things that differ between systems.  configure picks one
 * lib/os-<system>.c (Linux, or plain POSIX elsewhere). */
#ifndef ZTP_OS_H
#define ZTP_OS_H

#include <stddef.h>
#include <sys/types.h>

/* pipe with both ends close-on-exec; 0 or -1 with errno */
int ztp_os_pipe_cloexec(int fds[2]);
/* Seconds since boot from a clock that never jumps (for deadlines). */
double ztp_os_monotonic(void);
/* Start writing fd's dirty pages to disk without waiting, so that the
 * fsyncs of a batch that follow share one journal commit instead of one
 * each; nothing where the system cannot. */
void ztp_os_start_writeback(int fd);
/* The directory of the running program into buf ("/usr/local/bin"); 0, or
 * -1 where the system cannot tell. */
int ztp_os_exe_dir(char *buf, size_t n);
/* In a child just forked by parent: die (SIGKILL) when the parent dies,
 * so that no worker goes on alone after its parent was killed.  0, or -1
 * when the parent is gone already (the child then exits).  Where the
 * system has no such signal, only that check. */
int ztp_os_die_with_parent(pid_t parent);
/* Keep this process's memory out of core dumps (it is about to hold
 * secrets): RLIMIT_CORE 0, and where the system has it no dumping at all
 * (a core_pattern pipe ignores RLIMIT_CORE) and no ptrace by other
 * processes of the same user.  Forked workers inherit it. */
void ztp_os_nodump(void);

#endif
