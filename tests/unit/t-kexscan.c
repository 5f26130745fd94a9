/* t-kexscan.c: the scanner as a library: results in input order whatever
 * order the hosts answer in, the concurrency limit, a dead host reported
 * as refused, a ProxyCommand child reaped, and a host's settings resolved
 * as every tool resolves them (devices.<host> for a host named without a
 * record, the printed fix of issue 18). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "kexscan.h"
#include "sshalg.h"
#include "tap.h"

#define NSRV 5

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* banner and a KEXINIT whose kex list names the server ("srv-N@test") */
static size_t hello(uint8_t *out, int n)
{
	char kex[64];
	const char *lists[10] = { kex, "ssh-ed25519", "aes128-ctr", "aes128-ctr",
				  "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", "" };
	uint8_t pay[512];
	size_t off = 0, l, pad, len;
	int i;

	snprintf(kex, sizeof kex, "curve25519-sha256,srv-%d@test", n);
	pay[off++] = 20;
	memset(pay + off, 7, 16);
	off += 16;
	for (i = 0; i < 10; i++) {
		l = strlen(lists[i]);
		put32(pay + off, (uint32_t)l);
		memcpy(pay + off + 4, lists[i], l);
		off += 4 + l;
	}
	pay[off++] = 0;
	put32(pay + off, 0);
	off += 4;
	len = (size_t)snprintf((char *)out, 64, "SSH-2.0-Test_%d\r\n", n);
	pad = 8 - ((5 + off) % 8);
	if (pad < 4)
		pad += 8;
	put32(out + len, (uint32_t)(1 + off + pad));
	out[len + 4] = (uint8_t)pad;
	memcpy(out + len + 5, pay, off);
	memset(out + len + 5 + off, 0, pad);
	return len + 5 + off + pad;
}

static int listener(int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

/* servers answering after delay_ms[i]; every connection in a child */
static pid_t servers(const int *delay_ms, int *ports, int n)
{
	int fds[NSRV], i;
	pid_t pid;

	for (i = 0; i < n; i++)
		if ((fds[i] = listener(&ports[i])) < 0)
			return -1;
	pid = fork();
	if (pid != 0) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		return pid;
	}
	signal(SIGCHLD, SIG_IGN);
	alarm(60);
	for (;;) {
		struct pollfd pfd[NSRV];

		for (i = 0; i < n; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)n, -1) < 0)
			continue;
		for (i = 0; i < n; i++) {
			int c;

			if (!(pfd[i].revents & POLLIN) || (c = accept(fds[i], NULL, NULL)) < 0)
				continue;
			if (fork() == 0) {
				struct timespec ts = { delay_ms[i] / 1000, (delay_ms[i] % 1000) * 1000000L };
				uint8_t out[1024], buf[256];
				size_t len = hello(out, i);

				nanosleep(&ts, NULL);
				if (write(c, out, len) != (ssize_t)len)
					_exit(1);
				while (read(c, buf, sizeof buf) > 0)
					;
				_exit(0);
			}
			close(c);
		}
	}
}

static int dead_port(void)
{
	int port, fd = listener(&port);

	close(fd);
	return fd < 0 ? -1 : port;
}

struct seen {
	size_t n;
	size_t index[16];
	int kind[16];
	char kex[16][200];
	char label[16][300];
	char client_kex[16][4096];
	int max_running;
};

static void on_result(void *ctx, const struct ztp_kexscan_host *h)
{
	struct seen *s = ctx;

	if (s->n >= 16)
		return;
	s->index[s->n] = h->index;
	s->kind[s->n] = h->res.kind;
	snprintf(s->kex[s->n], sizeof s->kex[0], "%s",
		 h->res.kind == ZTP_SSHWIRE_OK && h->res.kex.list[0] ? h->res.kex.list[0] : "");
	snprintf(s->label[s->n], sizeof s->label[0], "%s", h->label);
	snprintf(s->client_kex[s->n], sizeof s->client_kex[0], "%s", h->client[ZTP_ALG_KEX]);
	s->n++;
}

static void progress(void *ctx, size_t done, size_t total, int running)
{
	struct seen *s = ctx;

	if (running > s->max_running)
		s->max_running = running;
}

static void no_warn(void *ctx, int level, const char *msg)
{
	if (level == ZTP_LOG_ERR)
		diag(msg);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* a zombie among our children: a child the scanner did not reap */
static int zombie(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return 0;
	return si.si_pid != 0;
}

int main(void)
{
	/* host 0 slowest, host 2 fastest: answers come out of order */
	int delay[NSRV] = { 600, 300, 0, 150, 0 }, ports[NSRV], dead, i;
	char portstr[NSRV + 1][8], label[NSRV + 1][64], dir[] = "/tmp/t-kexscan.XXXXXX";
	char yml[128], sshcfg[128], text[1024];
	struct ztp_kexscan_target tv[NSRV + 1];
	struct ztp_sshalg_lib lib;
	struct ztp_conf *conf = NULL;
	struct ztp_sshset_cli cli;
	struct ztp_kexscan ks;
	struct ztp_kexscan_opts o;
	struct ztp_err e;
	struct seen s;
	pid_t srv;
	int rc;

	if (ztp_sshalg_lib_load(&lib, "0.10", &e) < 0) {
		printf("1..0 # SKIP %s\n", e.msg);
		return 0;
	}
	srv = servers(delay, ports, NSRV);
	dead = dead_port();
	ok(srv > 0 && dead > 0, "fake servers up");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(yml, sizeof yml, "%s/ztp.yml", dir);
	snprintf(sshcfg, sizeof sshcfg, "%s/ssh_config", dir);
	/* the printed fix's ztp.yml form, keyed by the host as named; a
	 * ProxyCommand for the last host */
	write_file(yml, "devices:\n  dev1:\n    ssh:\n"
		   "      kex_algorithms: '+diffie-hellman-group14-sha1'\n");
	snprintf(text, sizeof text, "Host proxied\n  HostName 127.0.0.1\n"
		 "  ProxyCommand socat - TCP:127.0.0.1:%%p\n"
		 "Host dev1\n  HostName 127.0.0.1\n"
		 "Host badproxy\n  ProxyCommand socat - TCP:%%Q\n");
	write_file(sshcfg, text);
	rc = ztp_conf_load(&conf, yml, &e);
	ok(rc == 0, "ztp.yml loads");
	if (rc < 0)
		diag(e.msg);

	for (i = 0; i <= NSRV; i++) {
		snprintf(portstr[i], sizeof portstr[i], "%d", i < NSRV ? ports[i] : dead);
		snprintf(label[i], sizeof label[i], "h%d", i);
		tv[i] = (struct ztp_kexscan_target){
			.host = "127.0.0.1", .port = portstr[i], .port_given = 1, .label = label[i],
		};
	}
	tv[1].host = "dev1";	/* devices.dev1 applies */
	/* the dead one in the middle */
	tv[NSRV] = tv[3];
	snprintf(portstr[NSRV], sizeof portstr[NSRV], "%d", dead);
	tv[3].port = portstr[NSRV];
	tv[3].label = "dead";
	tv[NSRV].label = "h3";
	tv[4].host = "proxied";

	memset(&cli, 0, sizeof cli);
	cli.config = sshcfg;
	memset(&s, 0, sizeof s);
	o = (struct ztp_kexscan_opts){
		.jobs = 2, .timeout = 10, .conf = conf, .cli = &cli, .lib = &lib,
		.warn = no_warn, .progress = progress, .ctx = &s,
	};
	ztp_kexscan_init(&ks, &o);
	rc = ztp_kexscan_run(&ks, tv, NSRV + 1, on_result, &s, &e);
	is_int(rc, 0, "the scan runs");
	is_int((int)s.n, NSRV + 1, "a result for every host");
	for (i = 0; i < (int)s.n; i++)
		if (s.index[i] != (size_t)i)
			break;
	is_int(i, NSRV + 1, "results in input order although the hosts answer out of order");
	like(s.kex[0], "srv-0@test", "host 0 (slowest) got its own offer");
	like(s.kex[1], "srv-1@test", "host 1 got its own offer");
	like(s.kex[2], "srv-2@test", "host 2 (fastest) got its own offer");
	is_int(s.kind[3], ZTP_SSHWIRE_REFUSED, "a dead host is reported as refused");
	is_str(s.label[3], "dead", "under its own label");
	like(s.kex[4], "srv-4@test", "through a ProxyCommand");
	like(s.kex[5], "srv-3@test", "the host after the dead one");
	ok(s.max_running <= 2, "never more connections at once than jobs");
	is_int(s.max_running, 2, "the limit is used");
	like(s.client_kex[1], "diffie-hellman-group14-sha1",
	     "devices.<host> of ztp.yml applies to a host named without a record");
	ok(strstr(s.client_kex[0], "diffie-hellman-group14-sha1") == NULL,
	   "and to that host only");
	ok(!zombie(), "the ProxyCommand child is reaped");
	ztp_kexscan_fini(&ks);

	/* bad settings for one host: nothing is scanned */
	memset(&s, 0, sizeof s);
	tv[1].host = "badproxy";
	o.warn = NULL;
	ztp_kexscan_init(&ks, &o);
	rc = ztp_kexscan_run(&ks, tv, 2, on_result, &s, &e);
	is_int(rc, ZTP_ERR_USAGE, "bad settings for one host: a usage error");
	is_int((int)s.n, 0, "and nothing scanned");
	ztp_kexscan_fini(&ks);

	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	ztp_conf_free(conf);
	ztp_sshalg_lib_free(&lib);
	unlink(yml);
	unlink(sshcfg);
	rmdir(dir);
	return done_testing();
}
