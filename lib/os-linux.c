/* os-linux.c: Linux versions of os.h */
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

int ztp_os_pipe_cloexec(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

double ztp_os_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ztp_os_start_writeback(int fd)
{
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

int ztp_os_die_with_parent(pid_t parent)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the parent may have died before the prctl: then we were
	 * reparented and no signal comes */
	return getppid() == parent ? 0 : -1;
}
