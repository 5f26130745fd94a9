/* h-sshserver: hostile and broken "SSH servers" for the sshwire tests.
 *
 *	h-sshserver DIR
 *
 * Listens on 127.0.0.1, one port per behaviour, writes DIR/<mode>.port for
 * each, then DIR/ready, and serves every connection in a child process
 * (each child exits after 60 s at the latest).  Stop it by its PID.
 *
 * modes: ok garbage prelines endless bigkex truncated namelist slow silent
 *        ssh1 disconnect ignore */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static const char *const modes[] = {
	"ok", "garbage", "prelines", "endless", "bigkex", "truncated", "namelist",
	"slow", "silent", "ssh1", "disconnect", "ignore",
};
#define NMODES (sizeof modes / sizeof modes[0])

static const char banner[] = "SSH-2.0-Hostile_1.0\r\n";

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* a binary packet around payload; returns its length */
static size_t packet(uint8_t *out, const uint8_t *payload, size_t n)
{
	size_t pad = 8 - ((5 + n) % 8);

	if (pad < 4)
		pad += 8;
	put32(out, (uint32_t)(1 + n + pad));
	out[4] = (uint8_t)pad;
	memcpy(out + 5, payload, n);
	memset(out + 5 + n, 0, pad);
	return 5 + n + pad;
}

static size_t kexinit(uint8_t *p, const char *kexlist)
{
	const char *lists[10] = { kexlist, "ssh-ed25519", "aes128-ctr", "aes128-ctr",
				  "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", "" };
	size_t off = 0, l;
	int i;

	p[off++] = 20;
	memset(p + off, 0xab, 16);
	off += 16;
	for (i = 0; i < 10; i++) {
		l = strlen(lists[i]);
		put32(p + off, (uint32_t)l);
		memcpy(p + off + 4, lists[i], l);
		off += 4 + l;
	}
	p[off++] = 0;
	put32(p + off, 0);
	return off + 4;
}

static void wr(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w <= 0)
			_exit(0);
		c += w;
		n -= (size_t)w;
	}
}

static void serve(int fd, const char *mode)
{
	static uint8_t pay[70000], pkt[70100];
	char buf[256];
	size_t n, i;

	alarm(60);
	if (strcmp(mode, "silent") == 0) {
		while (read(fd, buf, sizeof buf) > 0)
			;
		_exit(0);
	}
	if (strcmp(mode, "garbage") == 0) {
		const char g[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage";

		wr(fd, g, sizeof g - 1);
		while (read(fd, buf, sizeof buf) > 0)
			;
		_exit(0);
	}
	if (strcmp(mode, "prelines") == 0) {
		for (i = 0; i < 300; i++) {
			n = (size_t)snprintf(buf, sizeof buf, "Welcome to the router, line %zu\r\n", i);
			wr(fd, buf, n);
		}
		wr(fd, banner, sizeof banner - 1);
	}
	if (strcmp(mode, "endless") == 0) {
		memset(pay, 'A', 4096);
		wr(fd, "SSH-2.0-", 8);
		for (;;)
			wr(fd, pay, 4096);
	}
	if (strcmp(mode, "ssh1") == 0)
		wr(fd, "SSH-1.5-OldBox\r\n", 16);
	if (strcmp(mode, "prelines") == 0 || strcmp(mode, "ssh1") == 0 ||
	    strcmp(mode, "slow") == 0 || strcmp(mode, "endless") == 0)
		;
	else
		wr(fd, banner, sizeof banner - 1);
	if (strcmp(mode, "ok") == 0 || strcmp(mode, "ignore") == 0) {
		if (strcmp(mode, "ignore") == 0) {
			uint8_t ign[9] = { 2, 0, 0, 0, 4, 'x', 'x', 'x', 'x' };

			n = packet(pkt, ign, sizeof ign);
			wr(fd, pkt, n);
		}
		n = packet(pkt, pay, kexinit(pay, "curve25519-sha256,diffie-hellman-group14-sha1"));
		wr(fd, pkt, n);
	} else if (strcmp(mode, "bigkex") == 0) {
		/* a 35,200-byte KEXINIT: thousands of names in the kex list */
		struct { char s[35000]; } big;
		size_t off = 0;

		while (off + 20 < sizeof big.s) {
			memcpy(big.s + off, "kex-algorithm-nnnn,", 19);
			off += 19;
		}
		big.s[off - 1] = '\0';
		n = packet(pkt, pay, kexinit(pay, big.s));
		wr(fd, pkt, n);
	} else if (strcmp(mode, "truncated") == 0) {
		n = packet(pkt, pay, kexinit(pay, "curve25519-sha256"));
		wr(fd, pkt, n / 2);
		read(fd, buf, sizeof buf);	/* take the client's banner: a clean close */
		_exit(0);
	} else if (strcmp(mode, "namelist") == 0) {
		n = kexinit(pay, "curve25519-sha256");
		put32(pay + 17, 100000);	/* the kex name-list claims 100,000 bytes */
		n = packet(pkt, pay, n);
		wr(fd, pkt, n);
	} else if (strcmp(mode, "slow") == 0) {
		n = packet(pkt, pay, kexinit(pay, "curve25519-sha256"));
		for (i = 0; i < sizeof banner - 1; i++) {
			wr(fd, banner + i, 1);
			sleep(1);
		}
		for (i = 0; i < n; i++) {
			wr(fd, pkt + i, 1);
			sleep(1);
		}
	} else if (strcmp(mode, "disconnect") == 0) {
		uint8_t d[64] = { 1, 0, 0, 0, 2 };
		const char msg[] = "Too many connections\x1b[2J";

		put32(d + 5, sizeof msg - 1);
		memcpy(d + 9, msg, sizeof msg - 1);
		put32(d + 9 + sizeof msg - 1, 0);
		n = packet(pkt, d, 13 + sizeof msg - 1);
		wr(fd, pkt, n);
	}
	while (read(fd, buf, sizeof buf) > 0)
		;
	_exit(0);
}

int main(int argc, char **argv)
{
	struct pollfd pfd[NMODES];
	struct sockaddr_in sa;
	socklen_t sl;
	char path[4096];
	FILE *f;
	size_t i;
	int one = 1, c;

	if (argc != 2) {
		fprintf(stderr, "usage: h-sshserver DIR\n");
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);	/* no zombies */
	signal(SIGPIPE, SIG_DFL);
	for (i = 0; i < NMODES; i++) {
		pfd[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(pfd[i].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(pfd[i].fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(pfd[i].fd, 16) < 0) {
			perror("h-sshserver: bind");
			return 1;
		}
		sl = sizeof sa;
		getsockname(pfd[i].fd, (struct sockaddr *)&sa, &sl);
		snprintf(path, sizeof path, "%s/%s.port", argv[1], modes[i]);
		f = fopen(path, "w");
		if (f == NULL) {
			perror(path);
			return 1;
		}
		fprintf(f, "%d\n", ntohs(sa.sin_port));
		fclose(f);
		pfd[i].events = POLLIN;
	}
	snprintf(path, sizeof path, "%s/ready", argv[1]);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	for (;;) {
		if (poll(pfd, NMODES, -1) < 0)
			continue;
		for (i = 0; i < NMODES; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			c = accept(pfd[i].fd, NULL, NULL);
			if (c < 0)
				continue;
			if (fork() == 0) {
				size_t k;

				for (k = 0; k < NMODES; k++)
					close(pfd[k].fd);
				serve(c, modes[i]);
			}
			close(c);
		}
	}
}
