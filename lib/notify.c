/* notify.c: the notification queue (see notify.h). */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "dl.h"
#include "file.h"
#include "notify.h"
#include "os.h"
#include "str.h"
#include "val.h"

#define BODY_MAX (1 << 20)
#define BACKOFF_MAX 300

struct ent {
	char *id;
	char *body;
	size_t len;
	time_t queued;
	double next_try;	/* monotonic seconds */
	int attempts;
	CURL *easy;
	struct curl_slist *hdr;
	char errbuf[CURL_ERROR_SIZE];
};

struct ztp_notify {
	char *dir;
	struct ztp_notify_opts o;
	char *url, *auth;
	CURLM *multi;
	struct ent *v;
	size_t n, cap;
	int inflight;
	size_t delivered;
};

int ztp_notify_write(const char *dir, const char *id, const char *body,
		     size_t len, struct ztp_err *e)
{
	char name[300];

	if (snprintf(name, sizeof name, "%s.json", id) >= (int)sizeof name)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "queue notification '%s': id too long", id);
	if (ztp_file_replace(dir, name, body, len, 0600, e) < 0) {
		ztp_err_prefix(e, "queue notification '%s'", id);
		return ZTP_ERR_SYS;
	}
	return 0;
}

static struct ent *add_ent(struct ztp_notify *n, const char *id, char *body,
			   size_t len, time_t queued, int replace)
{
	struct ent *x;
	size_t i;

	for (i = 0; i < n->n; i++)
		if (strcmp(n->v[i].id, id) == 0 && (!replace || n->v[i].easy)) {
			free(body);
			return &n->v[i];
		} else if (strcmp(n->v[i].id, id) == 0) {
			free(n->v[i].body);
			n->v[i].body = body;
			n->v[i].len = len;
			n->v[i].next_try = 0;
			return &n->v[i];
		}
	if (n->n == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 16;
		n->v = ztp_xrealloc(n->v, n->cap, sizeof *n->v);
	}
	x = &n->v[n->n++];
	memset(x, 0, sizeof *x);
	x->id = ztp_xstrdup(id);
	x->body = body;
	x->len = len;
	x->queued = queued;
	return x;
}

static void drop_ent(struct ztp_notify *n, size_t i)
{
	struct ent *x = &n->v[i];

	if (x->easy) {
		curl_multi_remove_handle(n->multi, x->easy);
		curl_easy_cleanup(x->easy);
		n->inflight--;
	}
	curl_slist_free_all(x->hdr);
	free(x->id);
	free(x->body);
	n->n--;
	if (n->o.ordered)
		memmove(&n->v[i], &n->v[i + 1], (n->n - i) * sizeof *n->v);
	else
		n->v[i] = n->v[n->n];
}

/* ---- an ordered queue: sorted by record, then by age */

/* the RECORD of an event's STAMP.RECORD.STAGE; the whole id otherwise */
static void order_key(const char *id, const char **k, size_t *len)
{
	const char *a = strchr(id, '.'), *b = strrchr(id, '.');

	if (a && b > a) {
		*k = a + 1;
		*len = (size_t)(b - a - 1);
	} else {
		*k = id;
		*len = strlen(id);
	}
}

static int cmp_order(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	const char *ka, *kb;
	size_t la, lb;
	int c;

	order_key(a->id, &ka, &la);
	order_key(b->id, &kb, &lb);
	c = memcmp(ka, kb, la < lb ? la : lb);
	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	return c ? c : strcmp(a->id, b->id);
}

static void sort_ordered(struct ztp_notify *n)
{
	if (n->o.ordered && n->n > 1)
		qsort(n->v, n->n, sizeof *n->v, cmp_order);
}

/* an event waiting for an older one of its record (the one before it) */
static int waits(const struct ztp_notify *n, size_t i)
{
	const char *ka, *kb;
	size_t la, lb;

	if (!n->o.ordered || i == 0)
		return 0;
	order_key(n->v[i - 1].id, &ka, &la);
	order_key(n->v[i].id, &kb, &lb);
	return la == lb && memcmp(ka, kb, la) == 0;
}

static int load_dir(struct ztp_notify *n, struct ztp_err *e)
{
	DIR *d = opendir(n->dir);
	struct dirent *de;

	if (!d)
		return ztp_err_sys(e, "read notification queue '%s'", n->dir);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char path[4096], id[256];
		struct stat st;
		int fd;
		char *body;
		ssize_t r;

		if (de->d_name[0] == '.')
			continue;	/* being written (ztp_file_replace) */
		if (l < 6 || l - 5 >= sizeof id || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		memcpy(id, de->d_name, l - 5);
		id[l - 5] = 0;
		{
			size_t k;

			for (k = 0; k < n->n && strcmp(n->v[k].id, id) != 0; k++)
				;
			if (k < n->n)
				continue;	/* known already */
		}
		if (snprintf(path, sizeof path, "%s/%s", n->dir, de->d_name) >= (int)sizeof path)
			continue;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BODY_MAX) {
			close(fd);
			continue;
		}
		body = ztp_xmalloc((size_t)st.st_size + 1);
		r = read(fd, body, (size_t)st.st_size);
		close(fd);
		if (r != st.st_size) {
			free(body);
			continue;
		}
		body[r] = 0;
		add_ent(n, id, body, (size_t)r, st.st_mtime, 0);
	}
	closedir(d);
	sort_ordered(n);
	return 0;
}

int ztp_notify_open(struct ztp_notify **out, const char *dir,
		    const struct ztp_notify_opts *o, struct ztp_err *e)
{
	struct ztp_notify *n;
	static int inited;

	*out = NULL;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ztp_err_sys(e, "create notification queue '%s'", dir);
	{
		/* what writers killed half-way left (a writer running beside
		 * has younger files) */
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			ztp_file_sweep_at(dfd, 60);
			close(dfd);
		}
	}
	if (!inited) {
		int rc = ztp_dl_curl(e);

		if (rc < 0)
			return rc;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return ztp_err_set(e, ZTP_ERR_CONFIG, "initialise libcurl: failed");
		inited = 1;
	}
	n = ztp_xcalloc(1, sizeof *n);
	n->dir = ztp_xstrdup(dir);
	n->o = *o;
	if (o->url)
		n->url = ztp_xstrdup(o->url);
	if (o->token) {
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_buf_addf(&b, "Authorization: Bearer %s", o->token);
		n->auth = ztp_xstrdup(b.p);
		ztp_buf_free(&b);
	}
	n->o.url = n->url;
	n->o.token = NULL;
	n->o.ca_file = o->ca_file ? ztp_xstrdup(o->ca_file) : NULL;
	if (n->o.max_inflight <= 0)
		n->o.max_inflight = 4;
	if (n->o.timeout <= 0)
		n->o.timeout = 10;
	if ((n->multi = curl_multi_init()) == NULL) {
		ztp_notify_close(n);
		return ztp_err_set(e, ZTP_ERR_CONFIG, "initialise libcurl: no multi handle");
	}
	if (load_dir(n, e) < 0) {
		ztp_notify_close(n);
		return ZTP_ERR_SYS;
	}
	*out = n;
	return 0;
}

void ztp_notify_close(struct ztp_notify *n)
{
	if (!n)
		return;
	while (n->n)
		drop_ent(n, 0);
	free(n->v);
	if (n->multi)
		curl_multi_cleanup(n->multi);
	free(n->dir);
	free(n->url);
	free((char *)n->o.ca_file);
	if (n->auth) {
		memset(n->auth, 0, strlen(n->auth));
		free(n->auth);
	}
	free(n);
}

int ztp_notify_queue(struct ztp_notify *n, const char *id, const char *body,
		     size_t len, struct ztp_err *e)
{
	char *copy;

	if (!ztp_id_valid(id))
		return ztp_err_set(e, ZTP_ERR_LIMIT, "queue notification '%s': not a valid id", id);
	if (len > BODY_MAX)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "queue notification '%s': body too large", id);
	if (ztp_notify_write(n->dir, id, body, len, e) < 0)
		return ZTP_ERR_SYS;
	copy = ztp_xmalloc(len + 1);
	memcpy(copy, body, len);
	copy[len] = 0;
	add_ent(n, id, copy, len, time(NULL), 1);
	sort_ordered(n);
	return 0;
}

int ztp_notify_rescan(struct ztp_notify *n, struct ztp_err *e)
{
	return load_dir(n, e);
}

int ztp_notify_pollfds(struct ztp_notify *n, struct pollfd *p, int max)
{
	fd_set r, w, x;
	int maxfd = -1, fd, k = 0;

	if (!n->inflight)
		return 0;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&x);
	if (curl_multi_fdset(n->multi, &r, &w, &x, &maxfd) != CURLM_OK)
		return 0;
	for (fd = 0; fd <= maxfd && k < max; fd++) {
		short ev = 0;

		if (FD_ISSET(fd, &r))
			ev |= POLLIN;
		if (FD_ISSET(fd, &w))
			ev |= POLLOUT;
		if (FD_ISSET(fd, &x))
			ev |= POLLPRI;
		if (ev) {
			p[k].fd = fd;
			p[k].events = ev;
			p[k].revents = 0;
			k++;
		}
	}
	return k;
}

int ztp_notify_timeout(struct ztp_notify *n)
{
	double now = ztp_os_monotonic(), best = -1;
	long t = -1;
	size_t i;

	if (!n->url)
		return -1;
	if (n->inflight) {
		curl_multi_timeout(n->multi, &t);
		/* curl_multi_fdset may give no fds while resolving: poll soon */
		if (t < 0 || t > 100)
			t = 100;
	}
	if (n->inflight < n->o.max_inflight)
		for (i = 0; i < n->n; i++)
			if (!n->v[i].easy && !waits(n, i) && (best < 0 || n->v[i].next_try < best))
				best = n->v[i].next_try;
	if (best >= 0) {
		long ms = best <= now ? 0 : (long)((best - now) * 1000) + 1;

		if (t < 0 || ms < t)
			t = ms;
	}
	return (int)t;
}

static void start(struct ztp_notify *n, struct ent *x)
{
	CURL *c = curl_easy_init();

	if (!c)
		return;
	x->hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (n->auth)
		x->hdr = curl_slist_append(x->hdr, n->auth);
	x->errbuf[0] = 0;
	curl_easy_setopt(c, CURLOPT_URL, n->url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->hdr);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, n->o.timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, n->o.timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, n->o.verify_tls ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, n->o.verify_tls ? 2L : 0L);
	if (n->o.ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, n->o.ca_file);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ztp-dhcpd");
	curl_easy_setopt(c, CURLOPT_PRIVATE, x->id);
	if (curl_multi_add_handle(n->multi, c) != CURLM_OK) {
		curl_easy_cleanup(c);
		curl_slist_free_all(x->hdr);
		x->hdr = NULL;
		return;
	}
	x->easy = c;
	x->attempts++;
	n->inflight++;
}

static void fail_file(struct ztp_notify *n, const char *id)
{
	char from[4096], todir[4096], to[4096];

	if (snprintf(from, sizeof from, "%s/%s.json", n->dir, id) >= (int)sizeof from ||
	    snprintf(todir, sizeof todir, "%s/failed", n->dir) >= (int)sizeof todir ||
	    snprintf(to, sizeof to, "%s/%s.json", todir, id) >= (int)sizeof to)
		return;
	mkdir(todir, 0700);
	rename(from, to);
}

void ztp_notify_run(struct ztp_notify *n,
		    void (*log)(void *ctx, int ok, const char *msg), void *ctx)
{
	double now = ztp_os_monotonic();
	int running, left;
	CURLMsg *m;
	size_t i;
	char msg[512];

	if (!n->url)
		return;
	for (i = 0; i < n->n && n->inflight < n->o.max_inflight; i++)
		if (!n->v[i].easy && n->v[i].next_try <= now && !waits(n, i))
			start(n, &n->v[i]);
	if (!n->inflight)
		return;
	curl_multi_perform(n->multi, &running);
	while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
		long code = 0;
		struct ent *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		for (i = 0; i < n->n; i++)
			if (n->v[i].easy == m->easy_handle) {
				x = &n->v[i];
				break;
			}
		if (!x)
			continue;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
		if (m->data.result == CURLE_OK && code >= 200 && code < 300) {
			char path[4096];

			if (snprintf(path, sizeof path, "%s/%s.json", n->dir, x->id) < (int)sizeof path)
				unlink(path);
			snprintf(msg, sizeof msg, "notified '%s' (HTTP %ld, attempt %d)", x->id,
				 code, x->attempts);
			if (log)
				log(ctx, 1, msg);
			n->delivered++;
			drop_ent(n, i);
			continue;
		}
		if (m->data.result != CURLE_OK)
			snprintf(msg, sizeof msg, "notify '%s': %s", x->id,
				 x->errbuf[0] ? x->errbuf : curl_easy_strerror(m->data.result));
		else
			snprintf(msg, sizeof msg, "notify '%s': HTTP %ld", x->id, code);
		curl_multi_remove_handle(n->multi, x->easy);
		curl_easy_cleanup(x->easy);
		x->easy = NULL;
		curl_slist_free_all(x->hdr);
		x->hdr = NULL;
		n->inflight--;
		if (n->o.retry_max > 0 && time(NULL) - x->queued > n->o.retry_max) {
			size_t l = strlen(msg);

			snprintf(msg + l, sizeof msg - l, "; giving up after %d attempts", x->attempts);
			if (log)
				log(ctx, 0, msg);
			fail_file(n, x->id);
			drop_ent(n, i);
			continue;
		}
		{
			int sh = x->attempts < 8 ? x->attempts : 8;
			double d = (double)(1 << sh);

			if (d > BACKOFF_MAX)
				d = BACKOFF_MAX;
			x->next_try = ztp_os_monotonic() + d;
			if (log && x->attempts <= 3)
				log(ctx, 0, msg);
		}
	}
}

size_t ztp_notify_pending(const struct ztp_notify *n)
{
	return n->n;
}

size_t ztp_notify_delivered(const struct ztp_notify *n)
{
	return n->delivered;
}

char *ztp_notify_token(const struct ztp_conf *c,
		       void (*log)(void *ctx, int ok, const char *msg), void *ctx)
{
	struct ztp_val *sec = NULL;
	struct ztp_err e;
	const char *t;
	char *out = NULL;

	if (!c->secrets)
		return NULL;
	if (ztp_secrets_load(c, &sec, &e) < 0) {
		char msg[ZTP_ERR_MSG + 64];

		snprintf(msg, sizeof msg, "secrets: %s (notifications go without a token)", e.msg);
		if (log)
			log(ctx, 0, msg);
		return NULL;
	}
	if ((t = ztp_map_str(sec, "backend_token")) != NULL)
		out = ztp_xstrdup(t);
	ztp_val_unref(sec);
	return out;
}

int ztp_notify_open_conf(struct ztp_notify **n, const char *dir, const struct ztp_conf *c,
			 int ordered, char *token, struct ztp_err *e)
{
	struct ztp_notify_opts o;
	int rc;

	memset(&o, 0, sizeof o);
	o.url = c->backend.url;
	o.token = token;
	o.timeout = (long)c->backend.timeout;
	o.verify_tls = c->backend.verify_tls;
	o.ca_file = c->backend.ca_file;
	o.retry_max = (long)c->backend.retry_max;
	o.ordered = ordered;
	rc = ztp_notify_open(n, dir, &o, e);
	if (token) {
		memset(token, 0, strlen(token));
		free(token);
	}
	return rc;
}

size_t ztp_notify_flush(struct ztp_notify *n, double secs,
			void (*log)(void *ctx, int ok, const char *msg), void *ctx)
{
	double end = ztp_os_monotonic() + secs;

	while (ztp_notify_pending(n) && ztp_os_monotonic() < end) {
		struct pollfd pfd[64];
		int np = ztp_notify_pollfds(n, pfd, 64), t = ztp_notify_timeout(n);

		if (t < 0 || t > 100)
			t = 100;
		poll(pfd, (nfds_t)np, t);
		ztp_notify_run(n, log, ctx);
		if (!np && ztp_notify_timeout(n) >= 1000)
			break;	/* everything left is backing off */
	}
	return ztp_notify_pending(n);
}
