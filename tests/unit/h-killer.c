/* h-killer: keep N copies of a command running and SIGKILL a random one
 * every few milliseconds, restarting it, until K kills were delivered; then
 * let the survivors finish.  For crash tests.
 *
 *   h-killer [-n N] [-k KILLS] [-i MINMS:MAXMS] -- command [arg ...]
 *
 * Prints "kills K exits E" at the end: kills delivered to running
 * processes, and normal exits seen. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t spawn(char **argv)
{
	pid_t p = fork();

	if (p == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	return p;
}

int main(int argc, char **argv)
{
	int n = 8, kills = 200, minms = 2, maxms = 15, ch, i, done = 0, exits = 0;
	pid_t *pids;

	while ((ch = getopt(argc, argv, "+n:k:i:")) != -1) {
		switch (ch) {
		case 'n': n = (int)strtol(optarg, NULL, 10); break;
		case 'k': kills = (int)strtol(optarg, NULL, 10); break;
		case 'i':
			if (sscanf(optarg, "%d:%d", &minms, &maxms) != 2 || minms < 0 || maxms < minms)
				return 2;
			break;
		default:
			return 2;
		}
	}
	argv += optind;
	if (!argv[0] || n < 1) {
		fprintf(stderr, "usage: h-killer [-n N] [-k KILLS] [-i MIN:MAX] -- command\n");
		return 2;
	}
	srand((unsigned)getpid());
	pids = calloc((size_t)n, sizeof *pids);
	for (i = 0; i < n; i++)
		pids[i] = spawn(argv);
	while (done < kills) {
		struct timespec ts;
		int ms = minms + rand() % (maxms - minms + 1), st;
		pid_t w;

		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		/* reap the ones that finished on their own and restart them */
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			for (i = 0; i < n; i++)
				if (pids[i] == w) {
					exits++;
					pids[i] = spawn(argv);
				}
		i = rand() % n;
		if (kill(pids[i], SIGKILL) == 0) {
			waitpid(pids[i], &st, 0);
			if (WIFSIGNALED(st))
				done++;
			else
				exits++;
		}
		pids[i] = spawn(argv);
	}
	for (i = 0; i < n; i++) {
		int st;

		waitpid(pids[i], &st, 0);
		exits++;
	}
	printf("kills %d exits %d\n", done, exits);
	free(pids);
	return 0;
}
