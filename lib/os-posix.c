/* os-posix.c: portable versions of os.h for systems without Linux extras */
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

int ztp_os_pipe_cloexec(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

double ztp_os_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ztp_os_start_writeback(int fd)
{
	(void)fd;
}

int ztp_os_exe_dir(char *buf, size_t n)
{
	(void)buf;
	(void)n;
	return -1;
}

int ztp_os_die_with_parent(pid_t parent)
{
	return getppid() == parent ? 0 : -1;
}

void ztp_os_nodump(void)
{
	struct rlimit rl = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &rl);
}
