/* os-linux.c: Linux versions of os.h */
#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

int ztp_os_exe_dir(char *buf, size_t n)
{
	ssize_t k;
	char *sl;

	if (n < 2)
		return -1;
	k = readlink("/proc/self/exe", buf, n - 1);
	if (k <= 0 || (size_t)k >= n - 1)
		return -1;
	buf[k] = '\0';
	sl = strrchr(buf, '/');
	if (!sl)
		return -1;
	*(sl == buf ? sl + 1 : sl) = '\0';
	return 0;
}

int ztp_os_die_with_parent(pid_t parent)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the parent may have died before the prctl: then we were
	 * reparented and no signal comes */
	return getppid() == parent ? 0 : -1;
}

void ztp_os_nodump(void)
{
	struct rlimit rl = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
