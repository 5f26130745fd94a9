/* t-sshwire.c: banner and KEXINIT parsers, the reader, connections on
 * already-connected descriptors, and the libssh tables checked against
 * what the linked libssh really sends */
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "dl.h"
#include "sshalg.h"
#include "sshwire.h"
#include "tap.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* a KEXINIT payload from ten lists */
static size_t kexinit(uint8_t *p, const char *const *lists)
{
	size_t off = 0, l;
	int i;

	p[off++] = 20;
	memset(p + off, 7, 16);
	off += 16;
	for (i = 0; i < 10; i++) {
		l = strlen(lists[i]);
		put32(p + off, (uint32_t)l);
		memcpy(p + off + 4, lists[i], l);
		off += 4 + l;
	}
	p[off++] = 1;
	put32(p + off, 0);
	return off + 4;
}

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

static const char *const good[10] = {
	"curve25519-sha256,kex-strict-s-v00@openssh.com", "ssh-ed25519,rsa-sha2-512",
	"aes128-ctr", "aes256-ctr,", "hmac-sha1", "hmac-sha1", "none", "none", "", "",
};

/* libssh as a client on one end of a socketpair (forked child), with
 * kex set through ssh_options_set when not NULL */
static pid_t libssh_client(int fd, const char *kex)
{
	pid_t pid = fork();

	if (pid == 0) {
		ssh_session s = ssh_new();
		int zero = 0;
		socket_t sfd = fd;

		ssh_options_set(s, SSH_OPTIONS_FD, &sfd);
		ssh_options_set(s, SSH_OPTIONS_HOST, "peer.invalid");
		ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &zero);
		ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
		ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
		if (kex && ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, kex) < 0)
			_exit(3);
		alarm(10);
		ssh_connect(s);	/* fails once we hang up */
		_exit(0);
	}
	return pid;
}

int main(void)
{
	struct ztp_sshwire_banner b;
	struct ztp_sshwire_kexinit k;
	struct ztp_sshwire_result r;
	struct ztp_sshwire_opts o = { 0 };
	struct ztp_sshwire_reader *rd;
	struct ztp_err e;
	uint8_t pay[4096], pkt[4200], stream[8192];
	const uint8_t *pl;
	size_t n, used, need, plen, slen, i;
	int sv[2], rc, fails;
	char host[64], port[8];

	/* banners */
	is_int(ztp_sshwire_parse_banner("SSH-2.0-OpenSSH_9.2p1 Debian-2", 30, &b, &e), 1, "OpenSSH banner");
	is_str(b.software, "OpenSSH_9.2p1", "software version");
	is_str(b.comments, "Debian-2", "comments");
	is_int(ztp_sshwire_parse_banner("SSH-1.99-Cisco-1.25", 19, &b, &e), 1, "Cisco 1.99 banner");
	is_str(b.proto, "1.99", "protocol 1.99");
	is_str(b.software, "Cisco-1.25", "software with a dash");
	is_int(ztp_sshwire_parse_banner("SSH-1.5-x", 9, &b, &e), ZTP_ERR_PROTO, "SSH-1.5 refused");
	like(e.msg, "protocol 1.5 only", "says protocol 1");
	is_int(ztp_sshwire_parse_banner("SSH-2.0-", 8, &b, &e), ZTP_ERR_PROTO, "no software version");
	is_int(ztp_sshwire_parse_banner("220 smtp ready", 14, &b, &e), 0, "other text: a pre-banner line");
	is_int(ztp_sshwire_parse_banner("\xff\xfb\x01", 3, &b, &e), ZTP_ERR_PARSE, "telnet IAC: not SSH");

	/* KEXINIT */
	n = kexinit(pay, good);
	is_int(ztp_sshwire_parse_kexinit(pay, n, &k, &e), 0, "good KEXINIT parses");
	is_str(k.list[ZTP_KL_KEX], "curve25519-sha256,kex-strict-s-v00@openssh.com", "kex list");
	is_str(k.list[ZTP_KL_ENC_SC], "aes256-ctr", "trailing comma dropped (libssh sends one)");
	ok(k.quirks & ZTP_SSHWIRE_Q_EMPTY_NAME, "and noted as a quirk");
	is_str(k.list[ZTP_KL_LANG_CS], "", "empty list");
	is_int(k.first_kex_packet_follows, 1, "first_kex_packet_follows");
	ztp_sshwire_kexinit_free(&k);
	fails = 0;
	for (i = 0; i < n; i++)
		if (ztp_sshwire_parse_kexinit(pay, i, &k, &e) >= 0)
			fails++;
	is_int(fails, 0, "every truncation of a KEXINIT is an error");
	{
		const char *bad[10] = { "curve25519 sha256", "", "", "", "", "", "", "", "", "" };

		n = kexinit(pay, bad);
		is_int(ztp_sshwire_parse_kexinit(pay, n, &k, &e), ZTP_ERR_PROTO, "space in a name");
		like(e.msg, "byte 0x20 at offset 10 is not allowed", "says which byte");
		bad[0] = "a123456789a123456789a123456789a123456789a123456789a123456789a1234";
		n = kexinit(pay, bad);
		is_int(ztp_sshwire_parse_kexinit(pay, n, &k, &e), ZTP_ERR_PROTO, "65-byte name");
		n = kexinit(pay, good);
		put32(pay + 17, 5000);
		is_int(ztp_sshwire_parse_kexinit(pay, n, &k, &e), ZTP_ERR_PROTO, "name-list longer than the packet");
		like(e.msg, "name-list of 5000 bytes is longer than the", "says so");
	}

	/* packets */
	n = packet(pkt, pay, kexinit(pay, good));
	is_int(ztp_sshwire_parse_packet(pkt, 3, 35000, &used, &need, &pl, &plen, &e), 0, "3 bytes: more needed");
	is_int(ztp_sshwire_parse_packet(pkt, n - 1, 35000, &used, &need, &pl, &plen, &e), 0, "one short: more needed");
	is_int(need, n, "knows how many");
	is_int(ztp_sshwire_parse_packet(pkt, n, 35000, &used, &need, &pl, &plen, &e), 1, "complete");
	is_int(ztp_sshwire_parse_packet(pkt, n, 100, &used, &need, &pl, &plen, &e), ZTP_ERR_LIMIT, "over the limit");
	pkt[4] = 250;
	is_int(ztp_sshwire_parse_packet(pkt, n, 35000, &used, &need, &pl, &plen, &e), ZTP_ERR_PROTO,
	       "padding longer than the packet");

	/* the reader, fed one byte at a time */
	slen = (size_t)snprintf((char *)stream, sizeof stream, "hello\r\nSSH-2.0-X_1\r\n");
	slen += packet(stream + slen, pay, kexinit(pay, good));
	rd = ztp_sshwire_reader_new(NULL);
	rc = 0;
	for (i = 0; i < slen && rc == 0; i++)
		rc = ztp_sshwire_reader_feed(rd, stream + i, 1, &e);
	is_int(rc, 1, "byte by byte: KEXINIT complete");
	is_int(i, slen, "at the last byte");
	is_str(ztp_sshwire_reader_banner(rd)->software, "X_1", "banner after a pre-banner line");
	ztp_sshwire_reader_take(rd, &k);
	is_str(k.list[ZTP_KL_HOSTKEY], "ssh-ed25519,rsa-sha2-512", "host keys");
	ztp_sshwire_kexinit_free(&k);
	ztp_sshwire_reader_free(rd);

	/* a connection on a descriptor someone else connected (a jump channel) */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (write(sv[1], stream, slen) != (ssize_t)slen)
		diag("short write");
	o.timeout = 5;
	rc = ztp_sshwire_fetch_fd(sv[0], "jump:rtr1", &o, &r);
	is_int(rc, 0, "fetch on a connected socketpair");
	is_str(r.kex.list[ZTP_KL_MAC_CS], "hmac-sha1", "offer read");
	n = (size_t)read(sv[1], pay, sizeof pay);
	ok(n > 22 && memcmp(pay, "SSH-2.0-ztp_kexcheck\r\n", 22) == 0, "our identification was sent");
	ok(n > 22 + 5 && pay[22 + 5] == 1, "followed by SSH_MSG_DISCONNECT");
	ztp_sshwire_result_free(&r);
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	o.timeout = 0.3;
	rc = ztp_sshwire_fetch_fd(sv[0], "jump:silent", &o, &r);
	is_int(r.kind, ZTP_SSHWIRE_TIMEOUT, "silent peer: timeout");
	like(r.err.msg, "jump:silent: timed out after 0.3 s waiting for the SSH identification line",
	     "message names the peer");
	close(sv[0]);
	close(sv[1]);

	/* the 0.10 table against what the linked libssh sends as a client */
	ok(ztp_dl_ssh(&e) == 0, "libssh loads");
	if (strncmp(ssh_version(0), "0.10.", 5) == 0) {
		struct ztp_sshalg_lib lib;
		char *kex;
		pid_t pid;

		ztp_sshalg_lib_load(&lib, NULL, &e);
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		pid = libssh_client(sv[1], NULL);
		close(sv[1]);
		o.timeout = 5;
		rc = ztp_sshwire_fetch_fd(sv[0], "libssh", &o, &r);
		close(sv[0]);
		waitpid(pid, NULL, 0);
		is_int(rc, 0, "read libssh's own KEXINIT");
		like(r.banner.software, "libssh_0.10", "libssh identifies itself");
		kex = ztp_sshalg_strip_pseudo(r.kex.list[ZTP_KL_KEX]);
		is_str(kex, lib.defaults[ZTP_ALG_KEX], "table: default kex = what libssh sends");
		free(kex);
		is_str(r.kex.list[ZTP_KL_HOSTKEY], lib.defaults[ZTP_ALG_HOSTKEY], "table: default host keys");
		is_str(r.kex.list[ZTP_KL_ENC_CS], lib.defaults[ZTP_ALG_CIPHER], "table: default ciphers");
		is_str(r.kex.list[ZTP_KL_MAC_CS], lib.defaults[ZTP_ALG_MAC], "table: default MACs");
		is_str(r.kex.list[ZTP_KL_COMP_CS], lib.defaults[ZTP_ALG_COMP], "table: default compression");
		ok(ztp_sshalg_has(r.kex.list[ZTP_KL_KEX], "ext-info-c"), "libssh adds the ext-info-c marker");
		ztp_sshwire_result_free(&r);
		ztp_sshalg_lib_free(&lib);

		/* DESIGN.md: 0.10 takes "+a,b" without complaint, drops "+a"
		 * and replaces its defaults with "b" */
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		pid = libssh_client(sv[1], "+diffie-hellman-group14-sha1,curve25519-sha256");
		close(sv[1]);
		rc = ztp_sshwire_fetch_fd(sv[0], "libssh", &o, &r);
		close(sv[0]);
		waitpid(pid, NULL, 0);
		kex = rc == 0 ? ztp_sshalg_strip_pseudo(r.kex.list[ZTP_KL_KEX]) : NULL;
		is_str(kex, "curve25519-sha256",
		       "libssh 0.10 silently turns '+a,b' into 'b' (why ztp assembles lists itself)");
		free(kex);
		ztp_sshwire_result_free(&r);
	}

	/* targets */
	ok(ztp_sshwire_split_target("rtr1:2222", "22", host, sizeof host, port, sizeof port, &e) == 0 &&
	   strcmp(host, "rtr1") == 0 && strcmp(port, "2222") == 0, "host:port");
	ok(ztp_sshwire_split_target("[::1]:22", "22", host, sizeof host, port, sizeof port, &e) == 0 &&
	   strcmp(host, "::1") == 0, "[v6]:port");
	ok(ztp_sshwire_split_target("fe80::1", "830", host, sizeof host, port, sizeof port, &e) == 0 &&
	   strcmp(host, "fe80::1") == 0 && strcmp(port, "830") == 0, "bare v6, default port");
	ok(ztp_sshwire_split_target("rtr1:99999", "22", host, sizeof host, port, sizeof port, &e) < 0,
	   "bad port refused");
	return done_testing();
}
