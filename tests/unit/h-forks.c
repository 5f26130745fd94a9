/* h-forks [N]: what a new process costs on this machine, for the
 * benchmarks (tests/bench/machine.inc).  Prints "ALONE TWO": milliseconds
 * per fork + _exit + waitpid of this small process, N times in a row
 * (ALONE), then each of two such loops running at the same time (TWO, the
 * mean of both).  TWO/ALONE near 1: process creation scales across CPUs;
 * near 2 or more: it is serialized. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double loop(long n)
{
	double t = now_ms();
	long i;

	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("h-forks: fork");
			exit(1);
		}
		if (p == 0)
			_exit(0);
		if (waitpid(p, NULL, 0) < 0) {
			perror("h-forks: waitpid");
			exit(1);
		}
	}
	return (now_ms() - t) / (double)n;
}

int main(int argc, char **argv)
{
	long n = 300;
	double alone, mine, theirs = 0;
	int fds[2];
	pid_t kid;
	char *end;

	if (argc > 1) {
		n = strtol(argv[1], &end, 10);
		if (*end || n < 1 || n > 100000) {
			fprintf(stderr, "usage: h-forks [N]\n");
			return 2;
		}
	}
	alone = loop(n);
	if (pipe(fds) < 0 || (kid = fork()) < 0) {
		perror("h-forks");
		return 1;
	}
	if (kid == 0) {
		double ms = loop(n);

		close(fds[0]);
		if (write(fds[1], &ms, sizeof ms) != (ssize_t)sizeof ms)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	mine = loop(n);
	if (read(fds[0], &theirs, sizeof theirs) != (ssize_t)sizeof theirs || waitpid(kid, NULL, 0) < 0) {
		fprintf(stderr, "h-forks: the second loop failed\n");
		return 1;
	}
	printf("%.3f %.3f\n", alone, (mine + theirs) / 2);
	return 0;
}
