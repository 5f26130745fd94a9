/* h-condialog: drive a console line with lib/condialog and run commands,
 * for tests/condialog.t.  The line is a program on a pty (the simulator,
 * as on a terminal server's serial port) or a TCP port (ser2net).
 *
 *   h-condialog [-bPR] [-B FILE] [-c CMD]... [-f SECRETS] [-p PLATFORM] [-s STEP]
 *               [-T TRANSCRIPT] [-o TIMEOUT] [-w WAKE]
 *               (-t HOST:PORT | -- PROGRAM ARGS...)
 *
 * SECRETS holds lines "server USER:PASS", "device USER:PASS", "enable S",
 * "factory S", "boot S" (the bootstrap's secret), "domain D" (secrets stay
 * off the command line).  -B types FILE as a console bootstrap
 * (ztp_con_bootstrap) and prints "boot: DONE" or "boot-error: KIND: MSG".  -R refuses factory
 * dialogs, -b boots from a boot loader, -P prints the facts the probe's
 * commands and parsers give over the console ("facts: {json}").  Prints "event: ..." per event,
 * "owns: 1" when a factory dialog was answered, "platform: P", then per
 * command "== CMD" and its output.  On failure "error: MESSAGE" and
 * "situation: NAME" on stderr, the exit status of the error's class. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "condialog.h"
#include "facts.h"
#include "fleet.h"
#include "os.h"
#include "str.h"
#include "val.h"
#include "yml.h"

struct fdline {
	int fd;
	pid_t pid;
};

static ssize_t fd_read(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct fdline *l = ctx;

	for (;;) {
		double left = deadline - ztp_os_monotonic();
		struct pollfd pfd = { l->fd, POLLIN, 0 };
		int r = poll(&pfd, 1, left <= 0 ? 0 : (int)(left * 1000) + 1);
		ssize_t got;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ztp_err_sys(e, "poll the line"), -1;
		if (r == 0)
			return 0;
		got = read(l->fd, p, n);
		if (got > 0)
			return got;
		if (got < 0 && errno == EINTR)
			continue;
		return ztp_err_set(e, ZTP_ERR_PROTO, "the line closed"), -1;
	}
}

static int fd_write(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct fdline *l = ctx;

	(void)deadline;
	if (ztp_write_all(l->fd, p, n) < 0)
		return ztp_err_set(e, ZTP_ERR_PROTO, "cannot write to the line: %s", strerror(errno));
	return 0;
}

static void fd_close(void *ctx)
{
	struct fdline *l = ctx;

	close(l->fd);
	if (l->pid > 0) {
		kill(l->pid, SIGHUP);
		waitpid(l->pid, NULL, 0);
	}
}

static FILE *transcript;

static void tlog(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n)
{
	(void)ctx;
	(void)dir;
	fwrite(p, 1, n, transcript);
	fflush(transcript);
}

static int tcp_connect(const char *hp)
{
	char host[256];
	const char *colon = strrchr(hp, ':');
	struct addrinfo hints, *ai = NULL;
	int fd;

	if (!colon || (size_t)(colon - hp) >= sizeof host)
		return -1;
	memcpy(host, hp, (size_t)(colon - hp));
	host[colon - hp] = 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static char *dup_after(const char *l, const char *key)
{
	size_t k = strlen(key);

	return strncmp(l, key, k) == 0 ? ztp_xstrdup(l + k) : NULL;
}

int main(int argc, char **argv)
{
	struct ztp_con_opts o;
	struct ztp_con_result r;
	struct ztp_cli_transport t;
	struct fdline fl;
	struct ztp_cli *c = NULL;
	struct ztp_err e;
	struct ztp_buf out = ZTP_BUF_INIT, sf = ZTP_BUF_INIT;
	const char *cmds[16], *tcp = NULL, *tfile = NULL, *secrets = NULL, *bfile = NULL;
	const char *bsecret = NULL, *bdomain = NULL;
	char *owned[8];
	int ncmd = 0, nowned = 0, ch, i, rc = 0, probe = 0;
	long long v;

	memset(&o, 0, sizeof o);
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "B:bc:f:o:Pp:Rs:t:T:w:")) != -1) {
		switch (ch) {
		case 'B': bfile = optarg; break;
		case 'b': o.boot = 1; break;
		case 'c':
			if (ncmd < 16)
				cmds[ncmd++] = optarg;
			break;
		case 'f': secrets = optarg; break;
		case 'o': if (ztp_parse_ll(optarg, 1, 3600, &v) < 0) return 2; o.timeout = (double)v; break;
		case 'P': probe = 1; break;
		case 'p': o.platform = optarg; break;
		case 'R': o.factory = ZTP_CON_FACTORY_REFUSE; break;
		case 's': if (ztp_parse_ll(optarg, 1, 3600, &v) < 0) return 2; o.step = (double)v; break;
		case 't': tcp = optarg; break;
		case 'T': tfile = optarg; break;
		case 'w': if (ztp_parse_ll(optarg, 1, 3600, &v) < 0) return 2; o.wake = (double)v; break;
		default: return 2;
		}
	}
	if (secrets) {
		if (ztp_buf_read_file(&sf, secrets, 65536, &e) < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			return 2;
		}
		for (char *l = sf.p, *nl; l && *l && nowned < 8; l = nl ? nl + 1 : NULL) {
			char *val, *colon;

			if ((nl = strchr(l, '\n')))
				*nl = 0;
			if ((val = dup_after(l, "enable "))) {
				o.enable_secret = owned[nowned++] = val;
			} else if ((val = dup_after(l, "factory "))) {
				o.factory_secret = owned[nowned++] = val;
			} else if ((val = dup_after(l, "boot "))) {
				o.other_secret = bsecret = owned[nowned++] = val;
			} else if ((val = dup_after(l, "domain "))) {
				bdomain = owned[nowned++] = val;
			} else if ((val = dup_after(l, "server ")) || (val = dup_after(l, "device "))) {
				struct ztp_con_cred *cr = l[0] == 's' ? &o.server : &o.device;

				owned[nowned++] = val;
				colon = strchr(val, ':');
				if (colon)
					*colon = 0;
				cr->user = *val ? val : NULL;
				cr->password = colon ? colon + 1 : NULL;
			}
		}
	}
	if (tfile) {
		transcript = fopen(tfile, "w");
		if (!transcript)
			return 2;
		o.log = tlog;
	}
	fl.pid = -1;
	if (tcp) {
		if ((fl.fd = tcp_connect(tcp)) < 0) {
			fprintf(stderr, "error: cannot connect to %s\n", tcp);
			return 75;
		}
	} else {
		if (optind >= argc)
			return 2;
		fl.pid = forkpty(&fl.fd, NULL, NULL, NULL);
		if (fl.pid < 0)
			return 75;
		if (fl.pid == 0) {
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
	}
	t.ctx = &fl;
	t.read = fd_read;
	t.write = fd_write;
	t.close = fd_close;
	if (ztp_con_open(&c, &t, &o, &r, &e) < 0) {
		for (i = 0; i < r.nevents; i++)
			printf("event: %s\n", r.events[i]);
		fprintf(stderr, "error: %s\nsituation: %s\n", e.msg, ztp_con_sit_name(r.sit));
		rc = ztp_err_exit_status(e.code);
		goto out;
	}
	for (i = 0; i < r.nevents; i++)
		printf("event: %s\n", r.events[i]);
	if (r.owns)
		printf("owns: 1\n");
	printf("platform: %s\n", ztp_cli_platform(c) ? ztp_cli_platform(c) : "unknown");
	if (probe) {
		struct ztp_val *facts = ztp_facts_new();
		struct ztp_buf j = ZTP_BUF_INIT;
		const char *pf = ztp_cli_platform(c) ? ztp_cli_platform(c) : "cisco_ios";
		int x = ztp_fleet_facts(c, pf, facts, NULL, NULL, &e);

		if (x < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			rc = ztp_err_exit_status(x);
		} else if (ztp_json_emit(&j, facts, 0) == 0) {
			printf("facts: %s\n", j.p ? j.p : "");
		}
		ztp_buf_free(&j);
		ztp_val_unref(facts);
	}
	if (bfile) {
		struct ztp_buf bt = ZTP_BUF_INIT;
		struct ztp_con_boot b;
		struct ztp_con_boot_result br;
		int x;

		if (ztp_buf_read_file(&bt, bfile, 1 << 20, &e) < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			rc = 2;
			goto out;
		}
		memset(&b, 0, sizeof b);
		b.platform = ztp_cli_platform(c);
		b.config = bt.p ? bt.p : "";
		b.len = bt.len;
		b.secret = bsecret;
		b.domain = bdomain;
		if ((x = ztp_con_bootstrap(c, &b, &br, &e)) < 0) {
			printf("boot-error: %s: %s\n", br.kind, br.msg);
			rc = ztp_err_exit_status(x);
		} else
			printf("boot: %s\n", br.done);
		ztp_buf_free(&bt);
	}
	for (i = 0; i < ncmd; i++) {
		int x = ztp_cli_run(c, cmds[i], 0, &out, &e);

		printf("== %s\n%s\n", cmds[i], out.p ? out.p : "");
		if (x < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			rc = ztp_exit_merge(rc, ztp_err_exit_status(e.code));
			if (x != ZTP_ERR_USAGE)
				break;
		}
	}
out:
	fflush(stdout);
	ztp_cli_close(c);
	if (transcript)
		fclose(transcript);
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	ztp_buf_free(&out);
	ztp_buf_free(&sf);
	return rc;
}
