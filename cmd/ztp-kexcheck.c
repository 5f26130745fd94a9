/* ztp-kexcheck: what SSH servers offer, whether this build can talk to
 * them, and the exact fix when it cannot (see man/ztp-kexcheck.1). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "dl.h"
#include "err.h"
#include "input.h"
#include "kexdiag.h"
#include "log.h"
#include "opts.h"
#include "os.h"
#include "record.h"
#include "sshalg.h"
#include "sshset.h"
#include "sshwire.h"
#include "str.h"
#include "val.h"
#include "yml.h"

#define MAX_TARGETS 100000

enum { OPT_KEX = 256, OPT_HOSTKEY, OPT_CIPHERS, OPT_MACS, OPT_REPLAY, OPT_WITHOUT, OPT_LIBSSH };

struct target {
	char host[256];
	char port[8];
	int port_given;		/* host:port or -p: wins over ssh_config */
	char label[300];	/* host:port as the user wrote it (normalised) */
	char *id, *rack, *platform;	/* from a record on stdin */
	char *client[ZTP_ALG_NCAT];	/* this host's effective lists */
	char conn_host[256];	/* after HostName and Port from ssh_config */
	char conn_port[8];
	struct gateway *gw;	/* the jump chain it is reached through, or NULL */
	char *proxy;		/* a ProxyCommand that carries it, or NULL */
	pid_t proxy_pid;
	struct ztp_sshwire_conn *conn;
	struct ztp_sshwire_result res;
	int state;		/* 0 waiting, 1 running, 2 done, 3 printed */
};

static struct {
	int jobs;
	double timeout;
	int json;
	int verbose;
	const char *port;
	const char *spec[ZTP_ALG_NCAT];	/* command line (first in OpenSSH's order) */
	const char *replay;
	const char *without;
	const char *libver;
	int query;
	int port_given;
	const char *conf;	/* -c */
	const char *sshconfig;	/* -F */
	const char *jump;	/* -J */
	int print_settings;	/* -G */
	int quiet;
	int print_conf;		/* -T */
} opt = { 32, 5.0, 0, 0, "22", { NULL }, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, 0, 0 };

/* a jump chain shared by the hosts behind it: one SSH session, many
 * forwarded connections */
struct gateway {
	char *key;		/* the chain, "user@host:port,..." */
	struct ztp_sshset set;	/* settings of the first host using it */
	struct ztp_ssh *ssh;	/* NULL until connected */
	int failed;
	struct ztp_ssh_failure fail;
	struct gateway *next;
};
static struct gateway *gateways;
static struct ztp_conf *conf;

static struct ztp_sshalg_lib lib;
static char libname[256];
static char *client[ZTP_ALG_NCAT];

/* -h: on stdout, exit 0; a usage error: on stderr, exit 2 */
static void usage(int status) __attribute__((noreturn));
static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: ztp-kexcheck [-qTv] [-c ztp.yml] [-F ssh_config] [-J jump] [-j jobs]\n"
		"                    [-o text|json] [-p port] [-t seconds]\n"
		"                    [--kex list] [--hostkey list] [--ciphers list] [--macs list]\n"
		"                    [host[:port] ...]\n"
		"       ztp-kexcheck -G [-v] [-c ztp.yml] [-F ssh_config] [-J jump] host ...\n"
		"       ztp-kexcheck -Q [-o text|json] [--libssh version] [--without names]\n"
		"                    [category ...]\n"
		"       ztp-kexcheck --replay file [-v] [-o text|json] [--libssh version]\n"
		"                    [--without names] [--kex list] [--hostkey list]\n"
		"                    [--ciphers list] [--macs list]\n"
		"       ztp-kexcheck -h | --version\n");
	exit(status ? status : ztp_out_status(0));
}

/* The algorithm set of this run: the library's tables (checked against
 * the linked library unless another version is asked for), minus
 * --without. */
static void load_lib(void)
{
	struct ztp_err e;
	struct ztp_buf dropped = ZTP_BUF_INIT;
	int n;

	if (ztp_sshalg_lib_load(&lib, opt.libver, &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	if (opt.libver == NULL) {
		ztp_info("libssh %s loaded from '%s'", lib.version, ztp_esc(ztp_dl_ssh_file()));
		n = ztp_sshalg_lib_probe(&lib, &dropped);
		if (n > 0)
			ztp_info("the linked libssh refuses %d name%s of its table: %s", n,
				 n == 1 ? "" : "s", dropped.p);
	}
	ztp_buf_free(&dropped);
	if (snprintf(libname, sizeof libname, "libssh %s", lib.version) >= (int)sizeof libname)
		libname[0] = '\0';
	if (opt.without) {
		if (ztp_sshalg_lib_without(&lib, opt.without) == 0)
			ztp_warnx("--without '%s' matches nothing %s supports", ztp_esc(opt.without), libname);
		if (snprintf(libname, sizeof libname, "libssh %s without %s", lib.version,
			     lib.removed ? lib.removed : "") >= (int)sizeof libname)
			memcpy(libname + sizeof libname - 4, "...", 4);
	}
}

/* The client's effective lists.  Sources in OpenSSH's first-wins order:
 * the command line; later ssh_config (-F) and ztp.yml (-c) values for the
 * host slot in after it, per category. */
static void build_client(void)
{
	static const char *const optname[ZTP_ALG_NCAT] = {
		"--kex", "--hostkey", "--ciphers", "--macs", "compression", "pubkey",
	};
	struct ztp_buf warn = ZTP_BUF_INIT;
	struct ztp_err e;
	char *line, *nl;

	if (ztp_sshalg_client_lists(&lib, opt.spec, optname, client, &warn, &e) < 0)
		ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
	for (line = warn.p; line != NULL && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		ztp_warnx("%s", line);
	}
	ztp_buf_free(&warn);
}

/* ---- -Q ------------------------------------------------------------------ */

static int query(int argc, char **argv)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_val *root = NULL, *cats = NULL;
	int want[ZTP_ALG_NCAT], i, c, all = argc == 0;
	size_t k, n;
	char nm[128];

	for (i = 0; i < ZTP_ALG_NCAT; i++)
		want[i] = all;
	for (i = 0; i < argc; i++) {
		c = ztp_sshalg_cat_parse(argv[i]);
		if (c < 0) {
			ztp_warnx("unknown category '%s' (kex, hostkey, cipher, mac, compression, pubkey)",
				  ztp_esc(argv[i]));
			return ZTP_EXIT_USAGE;
		}
		want[c] = 1;
	}
	if (opt.json) {
		root = ztp_val_map();
		cats = ztp_val_map();
		ztp_map_set(root, "libssh", ztp_val_str(lib.version));
		ztp_map_set(root, "table", ztp_val_str(lib.table));
	} else if (all) {
		printf("%s (%s)\n", libname, lib.table);
	}
	for (c = 0; c < ZTP_ALG_NCAT; c++) {
		if (!want[c])
			continue;
		n = ztp_sshalg_count(lib.supported[c]);
		if (opt.json) {
			struct ztp_val *m = ztp_val_map(), *sup = ztp_val_list(), *en = ztp_val_list();

			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(lib.supported[c], k, nm, sizeof nm) == 0)
					ztp_list_push(sup, ztp_val_str(nm));
			n = ztp_sshalg_count(client[c]);
			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(client[c], k, nm, sizeof nm) == 0)
					ztp_list_push(en, ztp_val_str(nm));
			ztp_map_set(m, "supported", sup);
			ztp_map_set(m, "enabled", en);
			ztp_map_set(cats, ztp_sshalg_cat_name(c), m);
			continue;
		}
		if (!all) {	/* like ssh -Q: names only */
			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(lib.supported[c], k, nm, sizeof nm) == 0)
					printf("%s\n", nm);
			continue;
		}
		printf("%s (%s):\n", ztp_sshalg_cat_name(c), ztp_sshalg_cat_keyword(c));
		for (k = 0; k < n; k++) {
			const char *why;

			if (ztp_sshalg_nth(lib.supported[c], k, nm, sizeof nm) < 0)
				continue;
			why = ztp_sshalg_weak(nm);
			if (why)
				printf("  %-42s %-9s  weak: %s\n", nm,
				       ztp_sshalg_has(client[c], nm) ? "enabled" : "available", why);
			else
				printf("  %-42s %s\n", nm,
				       ztp_sshalg_has(client[c], nm) ? "enabled" : "available");
		}
	}
	if (opt.json) {
		ztp_map_set(root, "categories", cats);
		ztp_json_emit(&b, root, 0);
		printf("%s\n", b.p);
		ztp_val_unref(root);
		ztp_buf_free(&b);
	}
	return fflush(stdout) == 0 ? 0 : ZTP_EXIT_TEMPFAIL;
}

/* ---- reports ------------------------------------------------------------ */

struct tally {
	int total, ok, notneg, unreach, unfixable;
	struct ztp_buf fleet[ZTP_ALG_NCAT];	/* union of the fixes */
};

static void fleet_add(struct tally *t, const struct ztp_kexdiag *d)
{
	int c;
	size_t k, n;
	char nm[128];

	for (c = 0; c < ZTP_ALG_NCAT; c++) {
		if (d->fix[c] == NULL || d->fix[c][0] != '+')
			continue;
		n = ztp_sshalg_count(d->fix[c] + 1);
		for (k = 0; k < n; k++) {
			if (ztp_sshalg_nth(d->fix[c] + 1, k, nm, sizeof nm) < 0 ||
			    (t->fleet[c].p && ztp_sshalg_has(t->fleet[c].p, nm)))
				continue;
			ztp_buf_adds(&t->fleet[c], t->fleet[c].len ? "," : "+");
			ztp_buf_adds(&t->fleet[c], nm);
		}
	}
}

static void offer_lists(const struct ztp_sshwire_kexinit *k, const char **offer)
{
	int i;

	for (i = 0; i < ZTP_KL_N; i++)
		offer[i] = k->list[i] ? k->list[i] : "";
}

static void report(struct target *t, struct tally *ty)
{
	struct ztp_sshwire_result *r = &t->res;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_kexdiag *d = NULL;
	const char *offer[ZTP_KL_N];
	struct ztp_val *v;
	int i;

	ty->total++;
	if (r->kind == ZTP_SSHWIRE_OK) {
		offer_lists(&r->kex, offer);
		d = ztp_kexdiag_run(offer, t->client[0] ? t->client : client, &lib);
		if (d->negotiable)
			ty->ok++;
		else
			ty->notneg++;
		if (!d->negotiable && !d->fixable)
			ty->unfixable++;
		if (!d->negotiable)
			fleet_add(ty, d);
	} else {
		ty->unreach++;
	}
	if (opt.json) {
		v = ztp_val_map();
		ztp_map_set(v, "target", ztp_val_str(t->label));
		ztp_map_set(v, "host", ztp_val_str(t->conn_host[0] ? t->conn_host : t->host));
		ztp_map_set(v, "port", ztp_val_int(strtol(t->conn_port[0] ? t->conn_port : t->port, NULL, 10)));
		if (t->id)
			ztp_map_set(v, "id", ztp_val_str(t->id));
		ztp_map_set(v, "address", r->addr[0] ? ztp_val_str(r->addr) : ztp_val_null());
		ztp_map_set(v, "status", ztp_val_str(ztp_sshwire_kind_name(r->kind)));
		ztp_map_set(v, "error", r->kind ? ztp_val_str(r->err.msg) : ztp_val_null());
		ztp_map_set(v, "banner", r->banner_ok ? ztp_val_str(r->banner.line) : ztp_val_null());
		ztp_map_set(v, "seconds", ztp_val_float((double)(long)(r->secs * 1000) / 1000));
		if (d != NULL) {
			struct ztp_val *o = ztp_val_map();

			for (i = 0; i < ZTP_KL_N; i++)
				ztp_map_set(o, ztp_sshwire_list_key(i), ztp_sshalg_list_val(offer[i]));
			ztp_map_set(o, "first_kex_packet_follows",
				    ztp_val_bool(r->kex.first_kex_packet_follows));
			ztp_map_set(v, "offer", o);
			ztp_map_set(v, "diagnosis", ztp_kexdiag_val(d));
		}
		ztp_json_emit(&b, v, 0);
		ztp_buf_addc(&b, '\n');
		ztp_val_unref(v);
	} else if (d != NULL) {
		ztp_kexdiag_text(&b, d, t->label, t->host, r->banner.line, opt.verbose);
	} else {
		/* the message holds network text already escaped by sshwire,
		 * and starts with the target */
		const char *m = r->err.msg;
		size_t ll = strlen(t->label);

		if (strncmp(m, t->label, ll) == 0 && m[ll] == ':')
			m += ll + 2;
		ztp_buf_addf(&b, "%s\n  UNREACHABLE (%s): %s\n", t->label, ztp_sshwire_kind_name(r->kind), m);
	}
	fwrite(b.p, 1, b.len, stdout);
	ztp_buf_free(&b);
	ztp_kexdiag_free(d);
}

static void summary(struct tally *t)
{
	int c, any = 0;

	if (opt.json || t->total < 2)
		return;
	printf("%d host%s: %d negotiable, %d not negotiable (%d of them not fixable), %d unreachable\n",
	       t->total, t->total == 1 ? "" : "s", t->ok, t->notneg, t->unfixable, t->unreach);
	for (c = 0; c < ZTP_ALG_NCAT; c++)
		any |= t->fleet[c].len > 0;
	if (!any || t->notneg < 2)
		return;
	printf("one fix for all of them, in ztp.yml:\n  ssh:\n");
	for (c = 0; c < ZTP_ALG_NCAT; c++)
		if (t->fleet[c].len)
			printf("    %s: '%s'\n", ztp_sshalg_cat_yml(c), t->fleet[c].p);
}

/* the one precedence (ztp_exit_merge): a host not scanned (75) outranks
 * one not negotiable (1): the answer is not complete, run it again */
static int exit_status(const struct tally *t)
{
	return ztp_exit_merge(t->notneg > 0 ? ZTP_EXIT_NEGATIVE : ZTP_EXIT_OK,
			      t->unreach > 0 ? ZTP_EXIT_TEMPFAIL : ZTP_EXIT_OK);
}

/* ---- scanning ----------------------------------------------------------- */

/* a target of the input rule (lib/input.h): a host operand or line, or a
 * record (its ip; its id, rack and platform pick the settings) */
struct tctx {
	struct target *tv;
	size_t n, cap;
	int bad;
};

static int add_target(void *ctx, const struct ztp_target *in, const struct ztp_err *err)
{
	struct tctx *c = ctx;
	struct target *t;

	if (err) {
		ztp_warnx("%s", err->msg);
		c->bad = 1;
		return 0;
	}
	if (in->host[0] == '\0') {
		ztp_warnx("%s: a record without ip, host or id: skipped", ztp_esc(in->source));
		return 0;
	}
	if (c->n >= MAX_TARGETS) {
		ztp_warnx("more than %d hosts; the rest are ignored", MAX_TARGETS);
		return 1;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->tv = ztp_xrealloc(c->tv, c->cap, sizeof *c->tv);
	}
	t = &c->tv[c->n];
	memset(t, 0, sizeof *t);
	if (snprintf(t->host, sizeof t->host, "%s", in->host) >= (int)sizeof t->host) {
		ztp_warnx("host name too long: '%s'", ztp_esc(in->host));
		c->bad = 1;
		return 0;
	}
	snprintf(t->port, sizeof t->port, "%s", in->port[0] ? in->port : opt.port);
	t->port_given = opt.port_given || in->port[0];
	if (in->kind == ZTP_TARGET_RECORD) {
		t->id = ztp_xstrdup(ztp_rec_id(in->rec));
		t->rack = ztp_strdup(ztp_map_str(in->rec, "rack"));
		t->platform = ztp_strdup(ztp_map_str(in->rec, "platform"));
	}
	/* a record's label gets its port once the settings are known */
	if (snprintf(t->label, sizeof t->label, t->id ? "%s (%s)" : strchr(t->host, ':') ? "[%s]:%s" : "%s:%s",
		     t->id ? t->id : t->host, t->id ? t->host : t->port) >= (int)sizeof t->label) {
		ztp_warnx("host name too long: '%s'", ztp_esc(in->source));
		c->bad = 1;
		return 0;
	}
	c->n++;
	return 0;
}

/* "id (host:port)" with the port the scan uses (ssh_config, ztp.yml) */
static void record_labels(struct target *tv, size_t n)
{
	const char *h, *p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (tv[i].id == NULL)
			continue;
		h = tv[i].conn_host[0] ? tv[i].conn_host : tv[i].host;
		p = tv[i].conn_port[0] ? tv[i].conn_port : tv[i].port;
		if (snprintf(tv[i].label, sizeof tv[i].label, strchr(h, ':') ? "%s ([%s]:%s)" : "%s (%s:%s)",
			     tv[i].id, h, p) >= (int)sizeof tv[i].label)
			tv[i].label[sizeof tv[i].label - 1] = '\0';
	}
}

static void progress(size_t done, size_t total, int running, double now)
{
	static double last;

	if (now - last < 0.2 && done < total)
		return;
	last = now;
	fprintf(stderr, "\r\033[Kztp-kexcheck: %zu/%zu done, %d running", done, total, running);
}

/* Connect a jump chain once, for every host behind it. */
static void gateway_connect(struct gateway *g)
{
	struct ztp_ssh_opts o;
	struct ztp_val *secrets = NULL;
	struct ztp_err e;

	if (g->ssh || g->failed)
		return;
	if (conf->secrets && ztp_secrets_load(conf, &secrets, &e) < 0)
		ztp_warnx("%s", e.msg);
	if (ztp_sshset_connect_opts(&g->set, secrets, &o, &e) < 0) {
		g->failed = 1;
		g->fail.kind = ZTP_SSH_PROTOCOL;
		snprintf(g->fail.msg, sizeof g->fail.msg, "%s", e.msg);
	} else {
		o.nhops--;	/* the chain only: the device is scanned, not logged into */
		if (ztp_ssh_connect(&g->ssh, &o, &g->fail) < 0)
			g->failed = 1;
	}
	ztp_val_unref(secrets);
}

/* The one place a scan's connection is made: directly, or through the
 * jump chain's session as a forwarded connection. */
static struct ztp_sshwire_conn *start_conn(struct target *t, const struct ztp_sshwire_opts *so,
					   double now)
{
	struct ztp_ssh_failure f;
	int fd;

	if (t->proxy) {
		fd = ztp_ssh_proxy_spawn(t->proxy, &t->proxy_pid);
		if (fd >= 0)
			return ztp_sshwire_conn_new_fd(fd, 1, t->label, so, now);
		return ztp_sshwire_conn_new(t->conn_host, t->conn_port, so, now);
	}
	if (t->gw == NULL)
		return ztp_sshwire_conn_new(t->conn_host, t->conn_port, so, now);
	gateway_connect(t->gw);
	if (!t->gw->failed &&
	    ztp_ssh_forward(t->gw->ssh, t->conn_host, (int)strtol(t->conn_port, NULL, 10), &fd, &f) == 0)
		return ztp_sshwire_conn_new_fd(fd, 1, t->label, so, now);
	return NULL;	/* the caller reports the gateway's failure */
}

/* the result of a host whose jump chain failed */
static void gateway_result(struct target *t, struct ztp_sshwire_result *r)
{
	memset(r, 0, sizeof *r);
	r->kind = t->gw->fail.kind == ZTP_SSH_REFUSED ? ZTP_SSHWIRE_REFUSED :
		  t->gw->fail.kind == ZTP_SSH_TIMEOUT ? ZTP_SSHWIRE_TIMEOUT : ZTP_SSHWIRE_UNREACHABLE;
	snprintf(r->target, sizeof r->target, "%s", t->label);
	ztp_err_set(&r->err, ZTP_ERR_PROTO, "%s: through jump host %s: %s", t->label, t->gw->key,
		    t->gw->failed ? t->gw->fail.msg : "cannot open a forwarded connection");
}

static int scan(struct target *tv, size_t n)
{
	struct ztp_sshwire_opts so;
	struct pollfd *pfd = ztp_xcalloc((size_t)opt.jobs, sizeof *pfd);
	size_t *slot = ztp_xcalloc((size_t)opt.jobs, sizeof *slot);
	struct tally ty;
	size_t next = 0, printed = 0, done = 0, i;
	int running = 0, j, np, tty = isatty(2), rc;
	double now, first, ms;

	memset(&ty, 0, sizeof ty);
	memset(&so, 0, sizeof so);
	so.timeout = opt.timeout;
	while (printed < n) {
		now = ztp_os_monotonic();
		while (running < opt.jobs && next < n) {
			tv[next].conn = start_conn(&tv[next], &so, now);
			if (tv[next].conn == NULL) {
				gateway_result(&tv[next], &tv[next].res);
				tv[next].state = 2;
				done++;
				next++;
				continue;
			}
			tv[next].state = 1;
			next++;
			running++;
		}
		/* collect the connections that are still running */
		np = 0;
		first = now + 3600;
		for (i = printed; i < next; i++) {
			if (tv[i].state != 1)
				continue;
			if (ztp_sshwire_conn_done(tv[i].conn)) {
				ztp_sshwire_conn_result(tv[i].conn, &tv[i].res);
				ztp_sshwire_conn_free(tv[i].conn);
				tv[i].conn = NULL;
				if (tv[i].proxy_pid > 0) {
					kill(tv[i].proxy_pid, SIGTERM);
					waitpid(tv[i].proxy_pid, NULL, 0);
					tv[i].proxy_pid = 0;
				}
				tv[i].state = 2;
				running--;
				done++;
				continue;
			}
			pfd[np].fd = ztp_sshwire_conn_fd(tv[i].conn);
			pfd[np].events = ztp_sshwire_conn_events(tv[i].conn);
			pfd[np].revents = 0;
			slot[np] = i;
			if (ztp_sshwire_conn_deadline(tv[i].conn) < first)
				first = ztp_sshwire_conn_deadline(tv[i].conn);
			np++;
		}
		/* print in input order: stable output for pipes */
		while (printed < n && tv[printed].state == 2) {
			if (tty)
				fputs("\r\033[K", stderr);
			report(&tv[printed], &ty);
			ztp_sshwire_result_free(&tv[printed].res);
			tv[printed].state = 3;
			printed++;
		}
		if (tty && printed < n)
			progress(done, n, running, now);
		if (np == 0) {
			if (running > 0 || next < n)
				continue;
			if (printed < n)
				continue;
			break;
		}
		ms = (first - now) * 1000;
		rc = poll(pfd, (nfds_t)np, ms > 0 ? (int)ms + 1 : 0);
		if (rc < 0 && errno != EINTR)
			ztp_die(ZTP_EXIT_TEMPFAIL, "poll: %s", strerror(errno));
		now = ztp_os_monotonic();
		for (j = 0; j < np; j++)
			ztp_sshwire_conn_step(tv[slot[j]].conn, rc > 0 ? pfd[j].revents : 0, now);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	summary(&ty);
	for (j = 0; j < ZTP_ALG_NCAT; j++)
		ztp_buf_free(&ty.fleet[j]);
	free(pfd);
	free(slot);
	if (fflush(stdout) != 0)
		ztp_die(ZTP_EXIT_TEMPFAIL, "cannot write the report: %s", strerror(errno));
	return exit_status(&ty);
}

/* ---- settings per host (ssh_config, ztp.yml, the command line) --------- */

static struct gateway *gateway_for(struct ztp_sshset *set)
{
	struct ztp_buf key = ZTP_BUF_INIT;
	struct gateway *g;
	size_t i;

	for (i = 0; i + 1 < set->nhops; i++)
		ztp_buf_addf(&key, "%s%s@%s:%d", i ? "," : "", set->hop[i].o.user,
			     set->hop[i].o.hostname, set->hop[i].o.port);
	for (g = gateways; g; g = g->next)
		if (strcmp(g->key, key.p) == 0) {
			ztp_buf_free(&key);
			ztp_sshset_free(set);
			return g;
		}
	g = ztp_xcalloc(1, sizeof *g);
	g->key = ztp_buf_detach(&key, NULL);
	g->set = *set;	/* keeps the chain's settings */
	memset(set, 0, sizeof *set);
	g->next = gateways;
	gateways = g;
	return g;
}

static void warn_once(const struct ztp_strlist *w)
{
	static struct ztp_strlist seen;
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (ztp_strlist_has(&seen, w->v[i]))
			continue;
		ztp_strlist_add(&seen, w->v[i]);
		/* notes (interactive-only keywords) only when asked for */
		if (!opt.quiet && (opt.verbose || strstr(w->v[i], ": note: ") == NULL))
			ztp_warnx("%s", w->v[i]);
	}
}

static int settings(struct target *t, struct ztp_sshset *set)
{
	struct ztp_sshset_cli cli;
	struct ztp_sshdest d = { t->host, t->id, t->rack, t->platform };
	struct ztp_err e;
	int cat;

	memset(&cli, 0, sizeof cli);
	cli.config = opt.sshconfig;
	cli.jump = opt.jump;
	cli.port = t->port_given ? (int)strtol(t->port, NULL, 10) : 0;
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++)
		cli.alg[cat] = opt.spec[cat];
	if (ztp_sshset_resolve(conf, &cli, &d, &lib, set, &e) < 0) {
		ztp_warnx("%s: %s", t->label, e.msg);
		return -1;
	}
	warn_once(&set->warnings);
	return 0;
}

static int prepare(struct target *tv, size_t n)
{
	struct ztp_sshset set;
	size_t i;
	int cat, bad = 0;

	for (i = 0; i < n; i++) {
		struct target *t = &tv[i];
		const struct ztp_sshset_hop *dest;

		if (settings(t, &set) < 0) {
			bad = 1;
			continue;
		}
		dest = &set.hop[set.nhops - 1];
		for (cat = 0; cat < ZTP_ALG_NCAT; cat++)
			t->client[cat] = ztp_xstrdup(dest->alg[cat] ? dest->alg[cat] : "");
		snprintf(t->conn_host, sizeof t->conn_host, "%s", dest->o.hostname);
		snprintf(t->conn_port, sizeof t->conn_port, "%d", dest->o.port);
		/* say where a name really goes when ssh_config moved it */
		if (t->id == NULL && (strcmp(t->conn_host, t->host) != 0 || strcmp(t->conn_port, t->port) != 0) &&
		    snprintf(t->label, sizeof t->label, "%s (%s%s%s:%s)", t->host,
			     strchr(t->conn_host, ':') ? "[" : "", t->conn_host,
			     strchr(t->conn_host, ':') ? "]" : "", t->conn_port) >= (int)sizeof t->label)
			t->label[sizeof t->label - 1] = '\0';
		if (set.nhops == 1 && dest->o.proxy_command) {
			struct ztp_err e;

			t->proxy = ztp_sshset_proxy_command(dest, &e);
			if (t->proxy == NULL) {
				ztp_warnx("%s: %s", t->label, e.msg);
				bad = 1;
			}
		}
		if (set.nhops > 1)
			t->gw = gateway_for(&set);	/* takes set */
		else
			ztp_sshset_free(&set);
	}
	return bad ? -1 : 0;
}

static int print_settings(struct target *tv, size_t n)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_sshset set;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (settings(&tv[i], &set) < 0) {
			rc = ZTP_EXIT_USAGE;
			continue;
		}
		ztp_buf_reset(&b);
		ztp_sshset_print(&set, opt.verbose, &b);
		fputs(b.p, stdout);
		ztp_sshset_free(&set);
	}
	ztp_buf_free(&b);
	return rc;
}

static void free_targets(struct target *tv, size_t n)
{
	struct gateway *g, *gn;
	size_t i;

	for (i = 0; i < n; i++) {
		ztp_sshalg_lists_free(tv[i].client);
		free(tv[i].proxy);
		free(tv[i].id);
		free(tv[i].rack);
		free(tv[i].platform);
	}
	free(tv);
	for (g = gateways; g; g = gn) {
		gn = g->next;
		ztp_ssh_close(g->ssh);
		ztp_sshset_free(&g->set);
		free(g->key);
		free(g);
	}
	gateways = NULL;
}

/* ---- --replay ----------------------------------------------------------- */

/* a saved offer: each list as an array of names or a comma string */
static int saved_offer(const struct ztp_val *doc, char **lists)
{
	const struct ztp_val *o = ztp_map_get(doc, "offer"), *l, *x;
	struct ztp_buf b;
	size_t k;
	int i;

	if (o == NULL || o->type != ZTP_V_MAP)
		return -1;
	for (i = 0; i < ZTP_KL_N; i++) {
		ztp_buf_init(&b, 64 * 1024);
		ztp_buf_adds(&b, "");
		l = ztp_map_get(o, ztp_sshwire_list_key(i));
		if (l && l->type == ZTP_V_STR) {
			ztp_buf_add(&b, l->u.str.s, l->u.str.len);
		} else if (l && l->type == ZTP_V_LIST) {
			for (k = 0; k < ztp_val_len(l); k++) {
				x = ztp_list_get(l, k);
				if (x->type != ZTP_V_STR || memchr(x->u.str.s, ',', x->u.str.len))
					continue;
				if (b.len)
					ztp_buf_addc(&b, ',');
				ztp_buf_add(&b, x->u.str.s, x->u.str.len);
			}
		} else if (l != NULL && l->type != ZTP_V_NULL) {
			ztp_buf_free(&b);
			while (i-- > 0)
				free(lists[i]);
			return -1;
		}
		lists[i] = ztp_buf_detach(&b, NULL);
	}
	return 0;
}

static int replay(void)
{
	struct ztp_yml_reader *r = NULL;
	struct ztp_sshalg_lib now_lib;
	char *now_client[ZTP_ALG_NCAT] = { NULL }, *lists[ZTP_KL_N];
	struct ztp_val *doc = NULL, *v;
	struct ztp_err e;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_yml_opts yo = { 0 };
	int line, rc, i, total = 0, cut = 0, already = 0, bad = 0, skipped = 0;
	const char *target;

	/* "before": the linked library and the same configuration */
	if (ztp_sshalg_lib_load(&now_lib, NULL, &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	ztp_sshalg_lib_probe(&now_lib, NULL);
	if (ztp_sshalg_client_lists(&now_lib, opt.spec, NULL, now_client, NULL, &e) < 0)
		for (i = 0; i < ZTP_ALG_NCAT; i++)
			now_client[i] = ztp_xstrdup(now_lib.defaults[i]);

	yo.max_bytes = (size_t)1 << 30;
	if (strcmp(opt.replay, "-") == 0)
		rc = ztp_yml_open_fd(&r, 0, "-", &yo, &e);
	else {
		FILE *f = fopen(opt.replay, "r");

		if (f == NULL)
			ztp_die(ZTP_EXIT_USAGE, "cannot open '%s': %s", ztp_esc(opt.replay), strerror(errno));
		rc = ztp_yml_open_fd(&r, fileno(f), opt.replay, &yo, &e);
		fclose(f);
	}
	if (rc < 0)
		ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
	while ((rc = ztp_yml_next(r, &doc, &line, &e)) != 0) {
		struct ztp_kexdiag *before, *after;

		if (rc < 0) {
			ztp_warnx("%s", e.msg);
			bad++;
			continue;
		}
		if (doc->type != ZTP_V_MAP || ztp_map_get(doc, "offer") == NULL) {
			skipped++;	/* unreachable at scan time: nothing to replay */
			ztp_val_unref(doc);
			continue;
		}
		target = ztp_map_str(doc, "target");
		if (target == NULL)
			target = "?";
		if (saved_offer(doc, lists) < 0) {
			ztp_warnx("%s:%d: bad \"offer\" for '%s'", ztp_esc(opt.replay), line, ztp_esc(target));
			bad++;
			ztp_val_unref(doc);
			continue;
		}
		total++;
		before = ztp_kexdiag_run((const char *const *)lists, now_client, &now_lib);
		after = ztp_kexdiag_run((const char *const *)lists, client, &lib);
		if (!after->negotiable) {
			if (before->negotiable)
				cut++;
			else
				already++;
		}
		ztp_buf_reset(&b);
		if (opt.json) {
			v = ztp_val_map();
			ztp_map_set(v, "target", ztp_val_str(target));
			ztp_map_set(v, "before", ztp_val_bool(before->negotiable));
			ztp_map_set(v, "after", ztp_val_bool(after->negotiable));
			ztp_map_set(v, "diagnosis", ztp_kexdiag_val(after));
			ztp_json_emit(&b, v, 0);
			ztp_buf_addc(&b, '\n');
			ztp_val_unref(v);
		} else if (!after->negotiable || opt.verbose) {
			char host[256], port[8];

			if (ztp_sshwire_split_target(target, "22", host, sizeof host, port, sizeof port, NULL) < 0)
				if (snprintf(host, sizeof host, "%s", target) >= (int)sizeof host)
					host[0] = '\0';
			ztp_buf_addf(&b, "%s: %s\n", ztp_esc(target),
				     after->negotiable ? "stays negotiable" :
				     before->negotiable ? "WOULD BECOME UNREACHABLE" : "already not negotiable");
			ztp_kexdiag_text(&b, after, ztp_esc(target), ztp_esc(host),
					 ztp_map_str(doc, "banner"), opt.verbose);
		}
		fwrite(b.p ? b.p : "", 1, b.len, stdout);
		ztp_kexdiag_free(before);
		ztp_kexdiag_free(after);
		for (i = 0; i < ZTP_KL_N; i++)
			free(lists[i]);
		ztp_val_unref(doc);
	}
	ztp_yml_close(r);
	if (!opt.json) {
		printf("%d device%s replayed against %s: %d would become unreachable, %d already not negotiable\n",
		       total, total == 1 ? "" : "s", libname, cut, already);
		if (skipped)
			printf("%d record%s without an offer (not reachable when scanned) skipped\n",
			       skipped, skipped == 1 ? "" : "s");
	}
	ztp_buf_free(&b);
	ztp_sshalg_lists_free(now_client);
	ztp_sshalg_lib_free(&now_lib);
	if (fflush(stdout) != 0)
		ztp_die(ZTP_EXIT_TEMPFAIL, "cannot write the report: %s", strerror(errno));
	if (bad && total == 0)
		return ZTP_EXIT_USAGE;
	return cut + already > 0 ? ZTP_EXIT_NEGATIVE : ZTP_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kex", required_argument, NULL, OPT_KEX },
		{ "hostkey", required_argument, NULL, OPT_HOSTKEY },
		{ "ciphers", required_argument, NULL, OPT_CIPHERS },
		{ "macs", required_argument, NULL, OPT_MACS },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "without", required_argument, NULL, OPT_WITHOUT },
		{ "libssh", required_argument, NULL, OPT_LIBSSH },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct target *tv = NULL;
	size_t n = 0;
	long long ll;
	int c, rc, bad = 0;

	ztp_log_open("ztp-kexcheck", 0);
	while ((c = getopt_long(argc, argv, "c:F:GhJ:j:o:p:QqTt:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.conf = optarg; break;
		case 'F': opt.sshconfig = optarg; break;
		case 'G': opt.print_settings = 1; break;
		case 'J': opt.jump = optarg; break;
		case 'q': opt.quiet = 1; break;
		case 'T': opt.print_conf = 1; break;
		case 'j':
			if (ztp_parse_ll(optarg, 1, 4096, &ll) < 0)
				ztp_die(ZTP_EXIT_USAGE, "-j wants a number from 1 to 4096, not '%s'", ztp_esc(optarg));
			opt.jobs = (int)ll;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				opt.json = 1;
			else if (strcmp(optarg, "text") == 0)
				opt.json = 0;
			else
				ztp_die(ZTP_EXIT_USAGE, "-o wants text or json, not '%s'", ztp_esc(optarg));
			break;
		case 'p':
			if (ztp_parse_ll(optarg, 1, 65535, &ll) < 0)
				ztp_die(ZTP_EXIT_USAGE, "bad port '%s'", ztp_esc(optarg));
			opt.port = optarg;
			opt.port_given = 1;
			break;
		case 'Q':
			opt.query = 1;
			break;
		case 't': {
			char *end;
			double t;

			errno = 0;
			t = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(t > 0 && t <= 3600))
				ztp_die(ZTP_EXIT_USAGE, "-t wants seconds (0 < t <= 3600), not '%s'", ztp_esc(optarg));
			opt.timeout = t;
			break;
		}
		case 'v':
			opt.verbose++;
			break;
		case OPT_KEX:
		case OPT_HOSTKEY:
		case OPT_CIPHERS:
		case OPT_MACS: {
			int cat = c == OPT_KEX ? ZTP_ALG_KEX : c == OPT_HOSTKEY ? ZTP_ALG_HOSTKEY :
				  c == OPT_CIPHERS ? ZTP_ALG_CIPHER : ZTP_ALG_MAC;

			/* first one wins, as with ssh -o; but say so */
			if (opt.spec[cat] != NULL)
				ztp_warnx("--%s given again: '%s' ignored, the first ('%s') wins as in ssh -o",
					  c == OPT_KEX ? "kex" : c == OPT_HOSTKEY ? "hostkey" :
					  c == OPT_CIPHERS ? "ciphers" : "macs",
					  ztp_esc(optarg), ztp_esc(opt.spec[cat]));
			else
				opt.spec[cat] = optarg;
			break;
		}
		case OPT_REPLAY: opt.replay = optarg; break;
		case OPT_WITHOUT: opt.without = optarg; break;
		case OPT_LIBSSH: opt.libver = optarg; break;
		case 'h': usage(0);
		case ZTP_OPT_VERSION: ztp_version("ztp-kexcheck");
		default:
			usage(ZTP_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if ((opt.without || opt.libver) && !opt.replay && !opt.query)
		ztp_die(ZTP_EXIT_USAGE, "--without and --libssh go with --replay or -Q (a scan uses the linked library)");
	if (opt.replay && argc > 0)
		usage(ZTP_EXIT_USAGE);
	ztp_log_verbosity(opt.verbose);
	{
		/* one descriptor per running scan, and some to spare */
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    (rlim_t)opt.jobs + 16 > rl.rlim_cur) {
			opt.jobs = rl.rlim_cur > 32 ? (int)rl.rlim_cur - 16 : 16;
			ztp_info("-j lowered to %d (open file limit %llu)", opt.jobs,
				 (unsigned long long)rl.rlim_cur);
		}
	}
	load_lib();
	build_client();
	{
		struct ztp_err e;

		if (ztp_conf_load(&conf, opt.conf, &e) < 0 || ztp_sshset_check_conf(conf, &e) < 0)
			ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
		if (opt.print_conf) {
			rc = ztp_print_conf(conf, NULL, NULL);
			ztp_conf_free(conf);
			ztp_sshalg_lists_free(client);
			ztp_sshalg_lib_free(&lib);
			return ztp_out_status(rc);
		}
	}
	if (opt.query)
		rc = query(argc, argv);
	else if (opt.replay)
		rc = replay();
	else {
		struct ztp_input_opts io = { conf->spool };
		struct tctx tc;

		if (argc == 0 && isatty(0))
			usage(ZTP_EXIT_USAGE);
		memset(&tc, 0, sizeof tc);
		ztp_input_targets(argc, argv, &io, add_target, &tc, &bad);
		tv = tc.tv;
		n = tc.n;
		if (bad || tc.bad)
			ztp_die(ZTP_EXIT_USAGE, "bad host operands; nothing scanned");
		if (n == 0)
			ztp_die(ZTP_EXIT_USAGE, "no hosts to scan");
		if (opt.print_settings)
			rc = print_settings(tv, n);
		else if (prepare(tv, n) < 0)
			rc = ZTP_EXIT_USAGE;
		else {
			record_labels(tv, n);
			rc = scan(tv, n);
		}
		free_targets(tv, n);
	}
	ztp_conf_free(conf);
	ztp_sshalg_lists_free(client);
	ztp_sshalg_lib_free(&lib);
	return ztp_out_status(rc);
}
