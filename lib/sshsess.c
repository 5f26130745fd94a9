/* sshsess.c: SSH connections through jump hosts (see sshsess.h) */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"
#include "kexdiag.h"
#include "os.h"
#include "sshalg.h"
#include "sshsess.h"
#include "sshwire.h"
#include "str.h"
#include "val.h"

/* One thread per session that carries forwarded connections: it moves
 * bytes between each channel and its socketpair end.  A libssh session is
 * not to be used by two threads at once, so everything that touches the
 * session (the loop, opening a channel) holds mu. */
struct pchan {
	ssh_channel ch;
	int fd;			/* our end of the socketpair */
	int done;
};

struct pump {
	ssh_session outer;
	pthread_mutex_t mu;
	struct pchan *c;
	size_t n;
	int wake[2];		/* a byte here: the channel set changed */
	pthread_t th;
	volatile int stop;
	int started;
};

struct hop {
	ssh_session s;
	int fd;			/* the transport given to libssh */
	dev_t dev;
	ino_t ino;
	struct pump *pump;	/* forwarded connections on this session, or NULL */
	pid_t proxy;		/* a ProxyCommand carrying this hop, or 0 */
};

struct ztp_ssh {
	struct hop *h;
	size_t n;
};

const char *ztp_ssh_kind_name(enum ztp_ssh_kind k)
{
	static const char *const names[] = {
		"ok", "resolve", "refused", "unreachable", "timeout", "not-ssh",
		"closed", "negotiation", "hostkey-changed", "hostkey-unknown",
		"auth", "forward-denied", "protocol",
	};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "protocol";
}

static const char *hop_name(const struct ztp_ssh_opts *o, size_t i, char *buf, size_t n)
{
	const struct ztp_ssh_hop *h = &o->hops[i];
	const char *role = i + 1 == o->nhops ? "device" : "jump host";

	if (h->label && strcmp(h->label, h->host) != 0)
		snprintf(buf, n, "%s '%s' (%s port %d)", role, ztp_esc(h->label), ztp_esc(h->host), h->port);
	else
		snprintf(buf, n, "%s %s port %d", role, ztp_esc(h->host), h->port);
	return buf;
}

static int failf(struct ztp_ssh_failure *f, const struct ztp_ssh_opts *o, size_t hop,
		 enum ztp_ssh_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int failf(struct ztp_ssh_failure *f, const struct ztp_ssh_opts *o, size_t hop,
		 enum ztp_ssh_kind kind, const char *fmt, ...)
{
	char name[300], what[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	f->kind = kind;
	f->phase = NULL;
	f->hop = (int)hop;
	f->nhops = (int)o->nhops;
	hop_name(o, hop, name, sizeof name);
	if (o->nhops > 1)
		snprintf(f->msg, sizeof f->msg, "hop %zu of %zu, %s: %s", hop + 1, o->nhops, name, what);
	else
		snprintf(f->msg, sizeof f->msg, "%s: %s", name, what);
	return -1;
}

/* ---- transport: TCP for the first hop ---- */

static int tcp_connect(const struct ztp_ssh_opts *o, size_t i, struct ztp_ssh_failure *f)
{
	const struct ztp_ssh_hop *h = &o->hops[i];
	struct addrinfo hints, *res = NULL, *ai;
	char port[16];
	int fd = -1, err = 0, rc, one = 1;
	double deadline = ztp_os_monotonic() + o->timeout;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	snprintf(port, sizeof port, "%d", h->port);
	rc = getaddrinfo(h->host, port, &hints, &res);
	if (rc != 0)
		return failf(f, o, i, ZTP_SSH_RESOLVE, "cannot resolve '%s': %s",
			     ztp_esc(h->host), gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		socklen_t sl = sizeof err;
		int ms;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			err = errno;
			close(fd);
			fd = -1;
			continue;
		}
		p.fd = fd;
		p.events = POLLOUT;
		ms = (int)((deadline - ztp_os_monotonic()) * 1000);
		rc = ms > 0 ? poll(&p, 1, ms) : 0;
		if (rc == 0) {
			err = ETIMEDOUT;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0) {
			err = errno;
		}
		if (err == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		switch (err) {
		case ECONNREFUSED:
			return failf(f, o, i, ZTP_SSH_REFUSED, "connection refused: nothing listens on port %d (SSH not enabled yet? try the console)",
				     h->port);
		case ETIMEDOUT:
			failf(f, o, i, ZTP_SSH_TIMEOUT, "no answer within %.0f s (device down, filtered, or wrong address)",
			      o->timeout);
			f->phase = "tcp";
			return -1;
		case EHOSTUNREACH:
		case ENETUNREACH:
		case EHOSTDOWN:
			return failf(f, o, i, ZTP_SSH_UNREACHABLE, "cannot reach it: %s", strerror(err));
		default:
			return failf(f, o, i, ZTP_SSH_UNREACHABLE, "cannot connect: %s", strerror(err));
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* ---- transport: a ProxyCommand ---- */

int ztp_ssh_proxy_spawn(const char *cmd, pid_t *pid)
{
	int sv[2], saved;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	*pid = fork();
	if (*pid < 0) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		errno = saved;
		return -1;
	}
	if (*pid == 0) {
		/* stdin and stdout are the connection; stderr stays the user's */
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

static int proxy_connect(const struct ztp_ssh_opts *o, size_t i, pid_t *pid,
			 struct ztp_ssh_failure *f)
{
	int fd = ztp_ssh_proxy_spawn(o->hops[i].proxy_command, pid);

	if (fd < 0)
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot start ProxyCommand: %s", strerror(errno));
	return fd;
}

/* ---- transport: a channel through the previous hop ---- */

static void pchan_end(struct pchan *c)
{
	if (c->done)
		return;
	c->done = 1;
	shutdown(c->fd, SHUT_RDWR);
}

/* Move what is ready on channel c to its session's socket; -1 when it
 * ended.  Sent with MSG_NOSIGNAL: the workers that carry these keep
 * SIGPIPE's default (lib/fleet.c), and the session may close its end
 * before the device's last bytes come. */
static int pchan_from_ssh(struct pchan *c, char *buf, size_t n)
{
	int avail = ssh_channel_poll(c->ch, 0), got;

	if (avail == SSH_ERROR || avail == SSH_EOF || ssh_channel_is_eof(c->ch)) {
		/* deliver what is left, then end our side */
		while ((got = ssh_channel_read_nonblocking(c->ch, buf, (uint32_t)n, 0)) > 0)
			if (ztp_send_all(c->fd, buf, (size_t)got) < 0)
				break;
		shutdown(c->fd, SHUT_WR);
		return -1;
	}
	while (avail > 0) {
		got = ssh_channel_read_nonblocking(c->ch, buf, (uint32_t)n, 0);
		if (got == SSH_ERROR)
			return -1;
		if (got <= 0)
			break;
		if (ztp_send_all(c->fd, buf, (size_t)got) < 0)
			return -1;
		avail -= got;
	}
	return 0;
}

static void *pump_run(void *arg)
{
	struct pump *p = arg;
	struct pollfd *pf = NULL;
	size_t cap = 0, i, n;
	char buf[32768];

	while (!p->stop) {
		size_t k;

		pthread_mutex_lock(&p->mu);
		/* finished connections give their channel back to the gateway */
		for (i = k = 0; i < p->n; i++) {
			if (p->c[i].done) {
				ssh_channel_close(p->c[i].ch);
				ssh_channel_free(p->c[i].ch);
				close(p->c[i].fd);
			} else {
				p->c[k++] = p->c[i];
			}
		}
		p->n = k;
		n = p->n;
		if (n + 2 > cap) {
			cap = n + 16;
			pf = ztp_xrealloc(pf, cap, sizeof *pf);
		}
		for (i = 0; i < n; i++) {
			if (!p->c[i].done && pchan_from_ssh(&p->c[i], buf, sizeof buf) < 0)
				pchan_end(&p->c[i]);
			pf[i].fd = p->c[i].done ? -1 : p->c[i].fd;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		pf[n].fd = ssh_get_fd(p->outer);
		pf[n].events = POLLIN;
		pf[n].revents = 0;
		pf[n + 1].fd = p->wake[0];
		pf[n + 1].events = POLLIN;
		pf[n + 1].revents = 0;
		pthread_mutex_unlock(&p->mu);
		if (poll(pf, (nfds_t)n + 2, 50) < 0 && errno != EINTR)
			break;
		if (pf[n + 1].revents & POLLIN) {
			char drain[64];

			(void)!read(p->wake[0], drain, sizeof drain);
		}
		pthread_mutex_lock(&p->mu);
		for (i = 0; i < n; i++) {
			struct pchan *c = &p->c[i];
			ssize_t r;

			if (c->done || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(c->fd, buf, sizeof buf);
			if (r <= 0) {
				ssh_channel_send_eof(c->ch);
				pchan_end(c);
			} else if (ssh_channel_write(c->ch, buf, (uint32_t)r) == SSH_ERROR) {
				pchan_end(c);
			}
		}
		pthread_mutex_unlock(&p->mu);
	}
	free(pf);
	return NULL;
}

static struct pump *pump_new(ssh_session outer)
{
	struct pump *p = ztp_xcalloc(1, sizeof *p);

	p->outer = outer;
	pthread_mutex_init(&p->mu, NULL);
	if (ztp_os_pipe_cloexec(p->wake) < 0) {
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	fcntl(p->wake[0], F_SETFL, O_NONBLOCK);
	if (pthread_create(&p->th, NULL, pump_run, p) != 0) {
		close(p->wake[0]);
		close(p->wake[1]);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	p->started = 1;
	return p;
}

static void pump_stop(struct pump *p)
{
	size_t i;

	if (p == NULL)
		return;
	p->stop = 1;
	(void)!write(p->wake[1], "x", 1);
	if (p->started)
		pthread_join(p->th, NULL);
	for (i = 0; i < p->n; i++) {
		ssh_channel_close(p->c[i].ch);
		ssh_channel_free(p->c[i].ch);
		close(p->c[i].fd);
	}
	free(p->c);
	close(p->wake[0]);
	close(p->wake[1]);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* A connection from hop i-1 (outer, served by *pp) to hops[i]: the
 * socket for the next session, or -1 with f set. */
static int forward_open(const struct ztp_ssh_opts *o, size_t i, const char *host, int port,
			ssh_session outer, struct pump **pp, struct ztp_ssh_failure *f)
{
	struct pump *p = *pp;
	ssh_channel ch;
	int sv[2], rc;

	if (p == NULL && (p = *pp = pump_new(outer)) == NULL)
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot start a thread: %s", strerror(errno));
	pthread_mutex_lock(&p->mu);
	ch = ssh_channel_new(outer);
	rc = ch ? ssh_channel_open_forward(ch, host, port, "127.0.0.1", 22) : SSH_ERROR;
	if (rc != SSH_OK) {
		const char *why = ssh_get_error(outer);
		enum ztp_ssh_kind k = ZTP_SSH_PROTOCOL;
		const char *hint = "";
		char whybuf[600];

		snprintf(whybuf, sizeof whybuf, "%s", ztp_esc(why));
		if (strstr(why, "error (1)") || strstr(why, "prohibited")) {
			k = ZTP_SSH_FORWARD_DENIED;
			hint = " (the gateway forbids TCP forwarding: AllowTcpForwarding yes in its sshd_config)";
		} else if (strstr(why, "refused")) {
			k = ZTP_SSH_REFUSED;
			hint = " (SSH not enabled yet? try the console)";
		} else if (strstr(why, "timed out") || strstr(why, "Timeout")) {
			k = ZTP_SSH_TIMEOUT;
		} else if (strstr(why, "route") || strstr(why, "unreachable")) {
			k = ZTP_SSH_UNREACHABLE;
		} else if (strstr(why, "not known") || strstr(why, "resolve")) {
			k = ZTP_SSH_RESOLVE;
		}
		if (ch)
			ssh_channel_free(ch);
		pthread_mutex_unlock(&p->mu);
		failf(f, o, i, k, "the previous hop cannot open a connection to it: %s%s", whybuf, hint);
		if (k == ZTP_SSH_TIMEOUT)
			f->phase = "forward";
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
		pthread_mutex_unlock(&p->mu);
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot make a socketpair: %s", strerror(errno));
	}
	p->c = ztp_xrealloc(p->c, p->n + 1, sizeof *p->c);
	p->c[p->n].ch = ch;
	p->c[p->n].fd = sv[0];
	p->c[p->n].done = 0;
	p->n++;
	pthread_mutex_unlock(&p->mu);
	(void)!write(p->wake[1], "x", 1);
	return sv[1];
}

/* ---- the SSH session of one hop ---- */

static void classify_connect(const struct ztp_ssh_opts *o, size_t i, ssh_session s,
			     struct ztp_ssh_failure *f)
{
	const char *why = ssh_get_error(s);
	const char *m;

	if ((m = strstr(why, "no match for method ")) != NULL) {
		static const struct { const char *libssh, *cat; } cats[] = {
			{ "kex algos", "kex" }, { "server host key algo", "hostkey" },
			{ "encryption client->server", "cipher" }, { "encryption server->client", "cipher" },
			{ "mac algo client->server", "mac" }, { "mac algo server->client", "mac" },
			{ "compression algo", "compression" },
		};
		const char *srv = strstr(why, "server [");
		size_t k;

		snprintf(f->category, sizeof f->category, "unknown");
		for (k = 0; k < sizeof cats / sizeof cats[0]; k++)
			if (strncmp(m + 20, cats[k].libssh, strlen(cats[k].libssh)) == 0)
				snprintf(f->category, sizeof f->category, "%s", cats[k].cat);
		if (srv) {
			const char *end = strchr(srv + 8, ']');

			snprintf(f->server, sizeof f->server, "%.*s",
				 end ? (int)(end - srv - 8) : 0, srv + 8);
		}
		failf(f, o, i, ZTP_SSH_NEGOTIATION,
		      "no common %s algorithm: the server offers %s",
		      f->category, f->server[0] ? ztp_esc(f->server) : "(unknown)");
		return;
	}
	if (strstr(why, "Timeout") || strstr(why, "timed out")) {
		failf(f, o, i, ZTP_SSH_TIMEOUT, "no SSH handshake within %.0f s: %s", o->timeout, ztp_esc(why));
		f->phase = "handshake";
	} else if (strstr(why, "Protocol mismatch") || strstr(why, "banner")) {
		failf(f, o, i, ZTP_SSH_NOT_SSH, "it does not speak SSH: %s", ztp_esc(why));
	} else if (strstr(why, "disconnect") || strstr(why, "closed") || strstr(why, "Connection reset")) {
		failf(f, o, i, ZTP_SSH_CLOSED, "the server closed the connection during the handshake: %s "
		      "(too many sessions? MaxStartups? a TCP wrapper?)", ztp_esc(why));
	} else {
		failf(f, o, i, ZTP_SSH_PROTOCOL, "SSH handshake failed: %s", ztp_esc(why));
	}
}

static void fingerprint(ssh_key key, char *out, size_t n)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp;

	snprintf(out, n, "(unknown)");
	if (key == NULL || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) < 0)
		return;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	if (fp)
		snprintf(out, n, "%s %s", ssh_key_type_to_char(ssh_key_type(key)), fp);
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
}

/* The key known_hosts holds for name:port (plain entries; libssh 0.10 does
 * not hand it out when it differs), as a fingerprint. */
static void known_key(const char *file, const char *name, int port, char *out, size_t n)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char want[300], *line, *next;

	snprintf(out, n, "another key (hashed or unreadable entry)");
	if (port == 22)
		snprintf(want, sizeof want, "%s", name);
	else
		snprintf(want, sizeof want, "[%s]:%d", name, port);
	if (ztp_buf_read_file(&b, file, 16 << 20, NULL) < 0 || b.p == NULL) {
		ztp_buf_free(&b);
		return;
	}
	for (line = b.p; line; line = next) {
		char *hosts, *type, *blob, *h, *hn;
		ssh_key key = NULL;
		int match = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || *line == '@')
			continue;
		hosts = line;
		type = strpbrk(hosts, " \t");
		if (type == NULL)
			continue;
		*type++ = '\0';
		type += strspn(type, " \t");
		blob = strpbrk(type, " \t");
		if (blob == NULL)
			continue;
		*blob++ = '\0';
		blob += strspn(blob, " \t");
		blob[strcspn(blob, " \t")] = '\0';
		for (h = hosts; h && !match; h = hn) {
			hn = strchr(h, ',');
			if (hn)
				*hn++ = '\0';
			match = strcmp(h, want) == 0;
		}
		if (match && ssh_pki_import_pubkey_base64(blob, ssh_key_type_from_name(type), &key) == SSH_OK) {
			fingerprint(key, out, n);
			ssh_key_free(key);
			break;
		}
	}
	ztp_buf_free(&b);
}

static int check_hostkey(const struct ztp_ssh_opts *o, size_t i, ssh_session s,
			 struct ztp_ssh_failure *f)
{
	const struct ztp_ssh_hop *h = &o->hops[i];
	const char *name = h->hostkey_alias ? h->hostkey_alias : h->host;
	struct ssh_knownhosts_entry *old = NULL;
	enum ssh_known_hosts_e st;
	ssh_key key = NULL;
	char newfp[200], oldfp[200];

	if (o->policy == ZTP_HK_OFF)
		return 0;
	if (ssh_get_server_publickey(s, &key) < 0)
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "the server sent no host key");
	fingerprint(key, newfp, sizeof newfp);
	ssh_key_free(key);
	st = ssh_session_get_known_hosts_entry(s, &old);
	switch (st) {
	case SSH_KNOWN_HOSTS_OK:
		ssh_knownhosts_entry_free(old);
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		if (old && old->publickey)
			fingerprint(old->publickey, oldfp, sizeof oldfp);
		else
			known_key(o->known_hosts, name, h->port, oldfp, sizeof oldfp);
		ssh_knownhosts_entry_free(old);
		return failf(f, o, i, ZTP_SSH_HOSTKEY_CHANGED,
		    "HOST KEY CHANGED for '%s': %s knows %s, the server now shows %s. "
		    "Someone may be intercepting the connection, or the device was replaced or "
		    "re-keyed; if you know it was, remove the old key: ssh-keygen -R '[%s]:%d' -f %s",
		    ztp_esc(name), o->known_hosts, oldfp, newfp, ztp_esc(name), h->port, o->known_hosts);
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		ssh_knownhosts_entry_free(old);
		if (o->policy == ZTP_HK_STRICT)
			return failf(f, o, i, ZTP_SSH_HOSTKEY_UNKNOWN,
			    "host key of '%s' (%s) is not in %s and the policy is strict; "
			    "add it after checking the fingerprint, or use the accept-new policy for "
			    "freshly provisioned devices", ztp_esc(name), newfp, o->known_hosts);
		if (ssh_session_update_known_hosts(s) != SSH_OK)
			return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot add the host key to '%s': %s",
				     o->known_hosts, ssh_get_error(s));
		return 0;
	default:
		ssh_knownhosts_entry_free(old);
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot read known hosts file '%s': %s",
			     o->known_hosts, ssh_get_error(s));
	}
}

static int kbdint(ssh_session s, const char *user, const char *password)
{
	int rc, rounds = 0;

	while ((rc = ssh_userauth_kbdint(s, user, NULL)) == SSH_AUTH_INFO && rounds++ < 5) {
		int n = ssh_userauth_kbdint_getnprompts(s), k;

		for (k = 0; k < n; k++) {
			char echo = 0;

			ssh_userauth_kbdint_getprompt(s, (unsigned)k, &echo);
			/* hidden prompts want the password; visible ones get nothing */
			if (ssh_userauth_kbdint_setanswer(s, (unsigned)k, echo ? "" : password) < 0)
				return SSH_AUTH_ERROR;
		}
	}
	return rc;
}

/* The user a credential logs in as. */
static const char *cred_user(const struct ztp_ssh_hop *h, const struct ztp_ssh_cred *c)
{
	return c->user ? c->user : h->user;
}

/* Try creds[0..n) (one user: the session's) on s.  0 success, -1 all
 * refused, -2 the server hung up.  *attempts counts, tried says what. */
static int authenticate(const struct ztp_ssh_opts *o, size_t i, ssh_session s, const char *user,
			const struct ztp_ssh_cred *creds, size_t n, int *attempts,
			struct ztp_buf *tried, int *methods)
{
	int max = o->max_auth > 0 ? o->max_auth : 4, rc;
	size_t k;

	(void)i;
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return 0;
	if (rc == SSH_AUTH_ERROR)
		return -2;
	*methods = ssh_userauth_list(s, NULL);
	for (k = 0; k < n && *attempts < max; k++) {
		const struct ztp_ssh_cred *c = &creds[k];
		const char *cname = c->name ? c->name : "credential";

		rc = SSH_AUTH_DENIED;
		if (c->key_file && (*methods & SSH_AUTH_METHOD_PUBLICKEY)) {
			ssh_key key = NULL;

			if (ssh_pki_import_privkey_file(c->key_file, NULL, NULL, NULL, &key) != SSH_OK) {
				ztp_buf_addf(tried, "%s%s (key '%s' unreadable)", tried->len ? ", " : "", cname,
					     c->key_file);
			} else {
				(*attempts)++;
				rc = ssh_userauth_publickey(s, NULL, key);
				ztp_buf_addf(tried, "%s%s (key as '%s')", tried->len ? ", " : "", cname,
					     ztp_esc(user ? user : "?"));
			}
			ssh_key_free(key);
		}
		if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && c->agent &&
		    (*methods & SSH_AUTH_METHOD_PUBLICKEY) && getenv("SSH_AUTH_SOCK")) {
			(*attempts)++;
			rc = ssh_userauth_agent(s, NULL);
			ztp_buf_addf(tried, "%s%s (agent)", tried->len ? ", " : "", cname);
		}
		if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && c->password && *attempts < max) {
			if (*methods & SSH_AUTH_METHOD_PASSWORD) {
				(*attempts)++;
				rc = ssh_userauth_password(s, NULL, c->password);
				ztp_buf_addf(tried, "%s%s (password as '%s')", tried->len ? ", " : "", cname,
					     ztp_esc(user ? user : "?"));
			} else if (*methods & SSH_AUTH_METHOD_INTERACTIVE) {
				(*attempts)++;
				rc = kbdint(s, NULL, c->password);
				ztp_buf_addf(tried, "%s%s (keyboard-interactive as '%s')", tried->len ? ", " : "",
					     cname, ztp_esc(user ? user : "?"));
			}
		}
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
		if (rc == SSH_AUTH_ERROR)
			return -2;
	}
	return -1;
}

/* Wait for the server's first bytes without consuming them: a silent
 * server times out here with a clear message, a closed one is told apart,
 * and a first line that is not "SSH-" is kept to explain a failure. */
static int peek_banner(const struct ztp_ssh_opts *o, size_t i, int fd, char *first_line_not_ssh,
		       size_t flsz, struct ztp_ssh_failure *f)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[256];
	ssize_t n;
	int rc;

	first_line_not_ssh[0] = '\0';
	do
		rc = poll(&p, 1, (int)(o->timeout * 1000));
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		failf(f, o, i, ZTP_SSH_TIMEOUT, "connected, but no SSH banner within %.0f s "
		      "(a hung SSH server, or a port that only accepts)", o->timeout);
		f->phase = "banner";
		return -1;
	}
	n = recv(fd, buf, sizeof buf - 1, MSG_PEEK);
	if (n == 0)
		return failf(f, o, i, ZTP_SSH_CLOSED, "the server closed the connection before its banner "
			     "(all VTY lines busy? MaxStartups? an access list?)");
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		if (strncmp(buf, "Exceeded MaxStartups", 20) == 0)
			return failf(f, o, i, ZTP_SSH_CLOSED, "the server refused a new connection: "
				     "'Exceeded MaxStartups' (too many unauthenticated connections at "
				     "once: fewer parallel jobs (-j), or a higher MaxStartups on the server)");
		if (strncmp(buf, "SSH-", 4) != 0) {
			struct ztp_buf b = ZTP_BUF_INIT;

			ztp_escape(&b, buf, strlen(buf) > 80 ? 80 : strlen(buf));
			snprintf(first_line_not_ssh, flsz, "'%s'", b.p ? b.p : "");
			ztp_buf_free(&b);
		}
	}
	return 0;
}

static int setup_session(const struct ztp_ssh_opts *o, size_t i, int fd, const char *user,
			 struct hop *hs, struct ztp_ssh_failure *f)
{
	const struct ztp_ssh_hop *h = &o->hops[i];
	static const enum ssh_options_e algopt[6] = { SSH_OPTIONS_KEY_EXCHANGE, SSH_OPTIONS_HOSTKEYS,
		SSH_OPTIONS_CIPHERS_C_S, SSH_OPTIONS_HMAC_C_S, SSH_OPTIONS_COMPRESSION_C_S,
		SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES };
	static const char *const algname[6] = { "kex", "host key", "cipher", "MAC", "compression",
		"public key" };
	long secs = o->timeout > 0 ? (long)o->timeout : 10;
	char first_line_not_ssh[200];
	int no = 0, k;
	ssh_session s = ssh_new();
	struct stat st;

	hs->fd = fd;
	if (fstat(fd, &st) == 0) {
		hs->dev = st.st_dev;
		hs->ino = st.st_ino;
	}
	if (s == NULL)
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot create an SSH session");
	hs->s = s;
	/* never let libssh read ~/.ssh/config behind our back */
	if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_HOST, h->hostkey_alias ? h->hostkey_alias : h->host) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &h->port) < 0 ||
	    (user && ssh_options_set(s, SSH_OPTIONS_USER, user) < 0) ||
	    ssh_options_set(s, SSH_OPTIONS_FD, &fd) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts ? o->known_hosts : "/dev/null") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0)
		return failf(f, o, i, ZTP_SSH_PROTOCOL, "cannot set SSH options: %s", ssh_get_error(s));
	for (k = 0; k < 6; k++) {
		if (h->alg[k] == NULL)
			continue;
		if (ssh_options_set(s, algopt[k], h->alg[k]) < 0 ||
		    (k == 2 && ssh_options_set(s, SSH_OPTIONS_CIPHERS_S_C, h->alg[k]) < 0) ||
		    (k == 3 && ssh_options_set(s, SSH_OPTIONS_HMAC_S_C, h->alg[k]) < 0) ||
		    (k == 4 && ssh_options_set(s, SSH_OPTIONS_COMPRESSION_S_C, h->alg[k]) < 0))
			return failf(f, o, i, ZTP_SSH_PROTOCOL, "this libssh cannot use the %s algorithms '%s': %s",
				     algname[k], ztp_esc(h->alg[k]), ssh_get_error(s));
	}
	if (peek_banner(o, i, fd, first_line_not_ssh, sizeof first_line_not_ssh, f) < 0)
		return -1;
	if (ssh_connect(s) != SSH_OK) {
		classify_connect(o, i, s, f);
		if (f->kind != ZTP_SSH_NEGOTIATION && first_line_not_ssh[0]) {
			failf(f, o, i, ZTP_SSH_NOT_SSH, "it does not speak SSH; it said: %s",
			      first_line_not_ssh);
			return -1;
		}
		return -2;	/* the handshake itself failed */
	}
	return check_hostkey(o, i, s, f);
}

static void close_transport(struct hop *hs)
{
	struct stat st;

	/* the connections carried over this session go first */
	pump_stop(hs->pump);
	hs->pump = NULL;
	if (hs->s) {
		ssh_disconnect(hs->s);
		ssh_free(hs->s);
		hs->s = NULL;
	}
	/* libssh 0.10 leaves an FD it was given open, except on some error
	 * paths: close it only if it is still the socket we made */
	if (hs->fd >= 0 && fstat(hs->fd, &st) == 0 && st.st_dev == hs->dev && st.st_ino == hs->ino)
		close(hs->fd);
	hs->fd = -1;
	if (hs->proxy > 0) {
		int status;

		/* its stdin is closed now; give it a moment, then make sure */
		if (waitpid(hs->proxy, &status, WNOHANG) == 0) {
			kill(hs->proxy, SIGTERM);
			waitpid(hs->proxy, &status, 0);
		}
		hs->proxy = 0;
	}
}

/* Open the transport to hop i: TCP for the first, a forwarded connection
 * through the previous hop for the others. */
static int open_transport(struct ztp_ssh *s, const struct ztp_ssh_opts *o, size_t i,
			  struct ztp_ssh_failure *f)
{
	if (i == 0 && o->hops[0].proxy_command)
		return proxy_connect(o, i, &s->h[0].proxy, f);
	if (i == 0)
		return tcp_connect(o, i, f);
	return forward_open(o, i, o->hops[i].host, o->hops[i].port, s->h[i - 1].s,
			    &s->h[i - 1].pump, f);
}

/* After a failed handshake: a second connection to the same hop reads its
 * KEXINIT and, when the lists cannot meet, the whole diagnosis goes into f
 * (libssh names only the first category that failed).  The second look is
 * also what makes the diagnosis independent of timing: when the server sees
 * no match first, it closes the connection before libssh has compared the
 * lists, and libssh reports only "Socket error: Success". */
static void diagnose(struct ztp_ssh *s, const struct ztp_ssh_opts *o, size_t i,
		     struct ztp_ssh_failure *f)
{
	const struct ztp_ssh_hop *h = &o->hops[i];
	struct ztp_sshwire_opts wo;
	struct ztp_sshwire_result r;
	struct ztp_ssh_failure tmp;
	struct ztp_sshalg_lib lib;
	struct ztp_kexdiag *d;
	struct ztp_buf b = ZTP_BUF_INIT;
	const char *offer[ZTP_KL_N];
	char *client[ZTP_ALG_NCAT], target[300];
	const char *name = h->hostkey_alias ? h->hostkey_alias : h->label ? h->label : h->host;
	int fd, k;

	memset(&wo, 0, sizeof wo);
	wo.timeout = o->timeout > 0 ? o->timeout : 10;
	if (ztp_sshalg_lib_load(&lib, NULL, NULL) < 0)
		return;
	snprintf(target, sizeof target, "%s:%d", h->host, h->port);
	/* a busy server drops new connections before KEXINIT (sshd's
	 * MaxStartups, a router's few vty lines): try again a little later,
	 * twice, rather than lose the diagnosis to the load */
	for (int attempt = 0;; attempt++) {
		memset(&tmp, 0, sizeof tmp);
		memset(&r, 0, sizeof r);
		if ((fd = open_transport(s, o, i, &tmp)) >= 0) {
			ztp_sshwire_fetch_fd(fd, target, &wo, &r);
			close(fd);
			if (r.kind == ZTP_SSHWIRE_OK)
				break;
		} else {
			r.kind = ZTP_SSHWIRE_UNREACHABLE;
		}
		if (attempt == 2)
			break;
		ztp_sshwire_result_free(&r);
		usleep((useconds_t)(100000 * (attempt + 1) + (getpid() % 7) * 20000));
	}
	if (r.kind == ZTP_SSHWIRE_OK) {
		for (k = 0; k < ZTP_KL_N; k++)
			offer[k] = r.kex.list[k] ? r.kex.list[k] : "";
		for (k = 0; k < ZTP_ALG_NCAT; k++)
			client[k] = ztp_xstrdup(h->alg[k] ? h->alg[k] :
						lib.defaults[k] ? lib.defaults[k] : "");
		d = ztp_kexdiag_run(offer, client, &lib);
		ztp_kexdiag_text(&b, d, target, name, r.banner_ok ? r.banner.line : NULL, 0);
		if (d->nfail > 0 || f->kind == ZTP_SSH_NEGOTIATION)
			snprintf(f->diagnosis, sizeof f->diagnosis, "%s", b.p ? b.p : "");
		if (d->nfail > 0) {
			/* the first line of the message names every failing category */
			struct ztp_buf cats = ZTP_BUF_INIT;

			for (k = 0; k < ZTP_KD_N; k++)
				if (!d->s[k].ok)
					ztp_buf_addf(&cats, "%s%s", cats.len ? ", " : "", d->s[k].key);
			failf(f, o, i, ZTP_SSH_NEGOTIATION, "SSH algorithm negotiation fails in: %s%s",
			      cats.p ? cats.p : "?", d->fixable ? " (the fix follows)" :
			      " (no configuration can fix it with this libssh; see below)");
			ztp_buf_free(&cats);
		}
		ztp_kexdiag_free(d);
		for (k = 0; k < ZTP_ALG_NCAT; k++)
			free(client[k]);
	}
	ztp_sshwire_result_free(&r);
	ztp_buf_free(&b);
	ztp_sshalg_lib_free(&lib);
}

/* Hop i, logged in.  sshd does not let the user change between
 * authentication requests, so each run of credentials for another user
 * gets a connection of its own (within the attempt limit). */
static int connect_hop(struct ztp_ssh *s, const struct ztp_ssh_opts *o, size_t i,
		       struct ztp_ssh_failure *f)
{
	const struct ztp_ssh_hop *h = &o->hops[i];
	struct ztp_buf tried = ZTP_BUF_INIT;
	int attempts = 0, methods = 0, max = o->max_auth > 0 ? o->max_auth : 4, rc = -1;
	size_t k = 0, end;

	do {
		const char *user = h->ncreds ? cred_user(h, &h->creds[k]) : h->user;
		int fd, sr = -1;

		for (end = k; end < h->ncreds && ztp_streq(cred_user(h, &h->creds[end]), user); end++)
			;
		if (end == k)
			end = k + (h->ncreds > k);
		if ((fd = open_transport(s, o, i, f)) < 0 ||
		    (sr = setup_session(o, i, fd, user, &s->h[i], f)) < 0) {
			if (sr == -2 && (f->kind == ZTP_SSH_NEGOTIATION || f->kind == ZTP_SSH_CLOSED ||
					 f->kind == ZTP_SSH_PROTOCOL))
				diagnose(s, o, i, f);
			ztp_buf_free(&tried);
			return -1;
		}
		rc = authenticate(o, i, s->h[i].s, user, h->creds + k, end - k, &attempts, &tried, &methods);
		if (rc == 0)
			break;
		if (rc == -2 && attempts == 0) {
			failf(f, o, i, ZTP_SSH_PROTOCOL, "authentication failed: %s",
			      ztp_esc(ssh_get_error(s->h[i].s)));
			ztp_buf_free(&tried);
			return -1;
		}
		k = end;
		if (k < h->ncreds && attempts < max)
			close_transport(&s->h[i]);	/* the next user, a new connection */
	} while (k < h->ncreds && attempts < max);
	if (rc != 0) {
		char allowed[100];

		snprintf(allowed, sizeof allowed, "%s%s%s%s",
			 methods & SSH_AUTH_METHOD_PUBLICKEY ? " publickey" : "",
			 methods & SSH_AUTH_METHOD_PASSWORD ? " password" : "",
			 methods & SSH_AUTH_METHOD_INTERACTIVE ? " keyboard-interactive" : "",
			 methods ? "" : " (none listed)");
		/* a jump host is the engineer's account, not the device's: say
		 * where its credentials come from */
		failf(f, o, i, ZTP_SSH_AUTH, "authentication failed: tried %s%s; the server allows:%s%s",
		      tried.len ? tried.p : "nothing (no usable credential)",
		      attempts >= max ? " (attempt limit reached: stopped to avoid locking the account)" : "",
		      allowed, i + 1 < o->nhops ?
		      "; a jump host uses its ssh_config IdentityFile, ~/.ssh/id_* and the agent, "
		      "and the secrets file's credential sets named in ssh.jump_credentials" : "");
	}
	ztp_buf_free(&tried);
	return rc == 0 ? 0 : -1;
}

int ztp_ssh_connect(struct ztp_ssh **sp, const struct ztp_ssh_opts *o,
		    struct ztp_ssh_failure *f)
{
	struct ztp_ssh *s;
	struct ztp_err e;
	size_t i;

	memset(f, 0, sizeof *f);
	*sp = NULL;
	if (o->nhops == 0)
		return failf(f, o, 0, ZTP_SSH_PROTOCOL, "nothing to connect to");
	if (ztp_dl_ssh(&e) < 0)
		return failf(f, o, 0, ZTP_SSH_PROTOCOL, "%s", e.msg);
	if (o->policy != ZTP_HK_OFF && o->known_hosts == NULL)
		return failf(f, o, 0, ZTP_SSH_PROTOCOL, "no known_hosts file for the host key policy");
	s = ztp_xcalloc(1, sizeof *s);
	s->h = ztp_xcalloc(o->nhops, sizeof *s->h);
	for (i = 0; i < o->nhops; i++)
		s->h[i].fd = -1;
	for (i = 0; i < o->nhops; i++) {
		s->n = i + 1;
		if (connect_hop(s, o, i, f) < 0) {
			ztp_ssh_close(s);
			return -1;
		}
	}
	*sp = s;
	return 0;
}

void ztp_ssh_prefork(void)
{
	unsigned char b[16];

	if (ztp_dl_ssh(NULL) < 0)
		return;	/* ztp_ssh_connect will say why */
	(void)ssh_init();
	(void)ssh_get_random(b, (int)sizeof b, 0);
}

ssh_session ztp_ssh_session(const struct ztp_ssh *s)
{
	return s->h[s->n - 1].s;
}

void ztp_ssh_close(struct ztp_ssh *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = s->n; i > 0; i--)
		close_transport(&s->h[i - 1]);
	free(s->h);
	free(s);
}

int ztp_ssh_forward(struct ztp_ssh *s, const char *host, int port, int *fd,
		    struct ztp_ssh_failure *f)
{
	struct ztp_ssh_hop target;
	struct ztp_ssh_opts o;

	memset(f, 0, sizeof *f);
	memset(&target, 0, sizeof target);
	target.host = host;
	target.port = port;
	o.hops = &target;	/* messages name the target */
	o.nhops = 1;
	o.timeout = 0;
	*fd = forward_open(&o, 0, host, port, ztp_ssh_session(s), &s->h[s->n - 1].pump, f);
	return *fd < 0 ? -1 : 0;
}

int ztp_ssh_exec(struct ztp_ssh *s, const char *cmd, struct ztp_buf *out,
		 size_t max, double timeout, int *status, struct ztp_ssh_failure *f)
{
	ssh_session sess = ztp_ssh_session(s);
	struct pump *p = s->h[s->n - 1].pump;
	double deadline = ztp_os_monotonic() + timeout;
	ssh_channel ch;
	char buf[16384];
	int rc = -1;

	if (p)
		pthread_mutex_lock(&p->mu);
	ch = ssh_channel_new(sess);
	memset(f, 0, sizeof *f);
	*status = -1;
	if (ch == NULL || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		f->kind = ZTP_SSH_PROTOCOL;
		snprintf(f->msg, sizeof f->msg, "cannot run '%s': %s", ztp_esc(cmd), ssh_get_error(sess));
		goto out;
	}
	for (;;) {
		int n, ms = (int)((deadline - ztp_os_monotonic()) * 1000), k;

		if (ms <= 0) {
			f->kind = ZTP_SSH_TIMEOUT;
			snprintf(f->msg, sizeof f->msg, "'%s' did not finish within %.0f s", ztp_esc(cmd), timeout);
			goto out;
		}
		for (k = 0; k < 2; k++) {
			n = ssh_channel_read_timeout(ch, buf, sizeof buf, k, k ? 0 : (ms < 200 ? ms : 200));
			if (n == SSH_ERROR) {
				f->kind = ZTP_SSH_CLOSED;
				snprintf(f->msg, sizeof f->msg, "connection lost while running '%s': %s",
					 ztp_esc(cmd), ssh_get_error(sess));
				goto out;
			}
			if (n > 0 && (out->len + (size_t)n > max || ztp_buf_add(out, buf, (size_t)n) < 0)) {
				f->kind = ZTP_SSH_PROTOCOL;
				snprintf(f->msg, sizeof f->msg, "output of '%s' exceeds %zu bytes", ztp_esc(cmd), max);
				goto out;
			}
		}
		if (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch))
			break;
	}
	*status = ssh_channel_get_exit_status(ch);
	rc = 0;
out:
	if (ch) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	if (p)
		pthread_mutex_unlock(&p->mu);
	return rc;
}
