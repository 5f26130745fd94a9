/* ztp-kexcheck: what SSH servers offer, whether this build can talk to
 * them, and the exact fix when it cannot (see man/ztp-kexcheck.1).  The
 * scanning itself is lib/kexscan.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "buf.h"
#include "cliignore.h"
#include "conf.h"
#include "confcheck.h"
#include "devfix.h"
#include "dl.h"
#include "err.h"
#include "input.h"
#include "kexdeep.h"
#include "kexdiag.h"
#include "kexlock.h"
#include "kexscan.h"
#include "log.h"
#include "opts.h"
#include "os.h"
#include "record.h"
#include "sshalg.h"
#include "sshprof.h"
#include "sshset.h"
#include "sshwire.h"
#include "str.h"
#include "val.h"
#include "yml.h"

#define MAX_TARGETS 100000

enum { OPT_DEEP = 254, OPT_CLIENT = 255, OPT_KEX = 256, OPT_HOSTKEY, OPT_CIPHERS, OPT_MACS, OPT_REPLAY, OPT_WITHOUT, OPT_LIBSSH, OPT_LOCK, OPT_HOST };

/* a host as the user named it */
struct target {
	char host[256];
	char port[8];
	int port_given;		/* host:port or -p: wins over ssh_config */
	char label[300];	/* host:port as the user wrote it (normalised) */
	char *id, *rack, *platform;	/* from a record on stdin */
	char alias_buf[18];
	const char *alias;		/* its MAC id, once its id is its serial */
};

struct options {
	int jobs;
	double timeout;
	int json;
	int verbose;
	const char *port;
	const char *spec[ZTP_ALG_NCAT];	/* command line (first in OpenSSH's order) */
	const char *replay;
	const char *without;
	const char *libver;
	const char *clients;	/* --client */
	int deep;		/* --deep: lib/kexdeep.c */
	const char *lock;	/* --lock */
	int host;		/* --host */
	int query;
	int port_given;
	const char *conf;	/* -c */
	const char *sshconfig;	/* -F */
	const char *jump;	/* -J */
	int print_settings;	/* -G */
	int quiet;
	int print_conf;		/* -T */
};

/* a client of --client: its profile, its algorithm set, and a scanner
 * view that resolves each host's settings against that set */
struct profrun {
	const struct ztp_sshprof *p;
	struct ztp_sshalg_lib lib;
	struct ztp_kexscan scan;
	int resolve;		/* reads ssh_config / ztp.yml algorithm settings */
	struct ztp_buf cut;	/* the devices it does not connect to as configured */
};

/* the verdicts of --client, for the matrix */
struct matrix {
	struct ztp_buf rows;	/* one line per device: label, then a code per client */
	int devices, unreach, bad;	/* bad: a verdict other than connects */
};

/* everything a run knows */
struct kexcheck {
	struct profrun *pr;
	size_t npr;
	struct ztp_lockclients lc;	/* --lock, --host */
	char *lockclients;		/* --client plus theirs */
	struct matrix mx;
	struct options opt;
	struct ztp_conf *conf;
	struct ztp_sshalg_lib lib;	/* this run's algorithm set */
	char libname[256];		/* "libssh 0.10.6", "... without ..." */
	char *client[ZTP_ALG_NCAT];	/* the command line's lists */
	struct ztp_sshset_cli cli;	/* -F, -J, --kex ... for every host */
	struct ztp_kexscan scan;
	int tty;			/* progress on stderr */
	double shown;			/* when progress was last shown */
};

/* -h: on stdout, exit 0; a usage error: on stderr, exit 2 */
static void usage(int status) __attribute__((noreturn));
static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: ztp-kexcheck [-qTv] [-c ztp.yml] [-F ssh_config] [-J jump] [-j jobs]\n"
		"                    [-o text|json] [-p port] [-t seconds] [--deep]\n"
		"                    [--kex list] [--hostkey list] [--ciphers list] [--macs list]\n"
		"                    [--client name[,name...]] [--host] [--lock file]\n"
		"                    [host[:port] ...]\n"
		"       ztp-kexcheck -G [-v] [-c ztp.yml] [-F ssh_config] [-J jump] host ...\n"
		"       ztp-kexcheck -Q [-o text|json] [--libssh version] [--without names]\n"
		"                    [category ...]\n"
		"       ztp-kexcheck -Q [-o text|json] [--client name[,name...]] [--host]\n"
		"                    [--lock file]\n"
		"       ztp-kexcheck --replay file [-v] [-o text|json] [--deep] [--libssh version]\n"
		"                    [--without names] [--kex list] [--hostkey list]\n"
		"                    [--ciphers list] [--macs list] [--client name[,name...]]\n"
		"                    [--host] [--lock file]\n"
		"       ztp-kexcheck -h | --version\n");
	exit(status ? status : ztp_out_status(0));
}

/* The algorithm set of this run: the library's tables (checked against
 * the linked library unless another version is asked for), minus
 * --without. */
static void load_lib(struct kexcheck *K)
{
	struct ztp_err e;
	struct ztp_buf dropped = ZTP_BUF_INIT;
	int n;

	if (ztp_sshalg_lib_load(&K->lib, K->opt.libver, &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	if (K->opt.libver == NULL) {
		ztp_info("libssh %s loaded from '%s'", K->lib.version, ztp_esc(ztp_dl_ssh_file()));
		n = ztp_sshalg_lib_probe(&K->lib, &dropped);
		if (n > 0)
			ztp_info("the linked libssh refuses %d name%s of its table: %s", n,
				 n == 1 ? "" : "s", dropped.p);
	}
	ztp_buf_free(&dropped);
	if (snprintf(K->libname, sizeof K->libname, "libssh %s", K->lib.version) >=
	    (int)sizeof K->libname)
		K->libname[0] = '\0';
	if (K->opt.without) {
		if (ztp_sshalg_lib_without(&K->lib, K->opt.without) == 0)
			ztp_warnx("--without '%s' matches nothing %s supports", ztp_esc(K->opt.without),
				  K->libname);
		if (snprintf(K->libname, sizeof K->libname, "libssh %s without %s", K->lib.version,
			     K->lib.removed ? K->lib.removed : "") >= (int)sizeof K->libname)
			memcpy(K->libname + sizeof K->libname - 4, "...", 4);
	}
}

/* The command line's lists (for -Q; every host's own lists come from
 * ztp_sshset_resolve, with the command line first as in OpenSSH). */
static void build_client(struct kexcheck *K)
{
	static const char *const optname[ZTP_ALG_NCAT] = {
		"--kex", "--hostkey", "--ciphers", "--macs", "compression", "pubkey",
	};
	struct ztp_buf warn = ZTP_BUF_INIT;
	struct ztp_err e;
	char *line, *nl;

	if (ztp_sshalg_client_lists(&K->lib, K->opt.spec, optname, K->client, &warn, &e) < 0)
		ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
	for (line = warn.p; line != NULL && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		ztp_warnx("%s", line);
	}
	ztp_buf_free(&warn);
}

/* ---- -Q ------------------------------------------------------------------ */

static int query(const struct kexcheck *K, int argc, char **argv)
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
	if (K->opt.json) {
		root = ztp_val_map();
		cats = ztp_val_map();
		ztp_map_set(root, "libssh", ztp_val_str(K->lib.version));
		ztp_map_set(root, "table", ztp_val_str(K->lib.table));
	} else if (all) {
		printf("%s (%s)\n", K->libname, K->lib.table);
	}
	for (c = 0; c < ZTP_ALG_NCAT; c++) {
		if (!want[c])
			continue;
		n = ztp_sshalg_count(K->lib.supported[c]);
		if (K->opt.json) {
			struct ztp_val *m = ztp_val_map(), *sup = ztp_val_list(), *en = ztp_val_list();

			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(K->lib.supported[c], k, nm, sizeof nm) == 0)
					ztp_list_push(sup, ztp_val_str(nm));
			n = ztp_sshalg_count(K->client[c]);
			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(K->client[c], k, nm, sizeof nm) == 0)
					ztp_list_push(en, ztp_val_str(nm));
			ztp_map_set(m, "supported", sup);
			ztp_map_set(m, "enabled", en);
			ztp_map_set(cats, ztp_sshalg_cat_name(c), m);
			continue;
		}
		if (!all) {	/* like ssh -Q: names only */
			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(K->lib.supported[c], k, nm, sizeof nm) == 0)
					printf("%s\n", nm);
			continue;
		}
		printf("%s (%s):\n", ztp_sshalg_cat_name(c), ztp_sshalg_cat_keyword(c));
		for (k = 0; k < n; k++) {
			const char *why;

			if (ztp_sshalg_nth(K->lib.supported[c], k, nm, sizeof nm) < 0)
				continue;
			why = ztp_sshalg_weak(nm);
			if (why)
				printf("  %-42s %-9s  weak: %s\n", nm,
				       ztp_sshalg_has(K->client[c], nm) ? "enabled" : "available", why);
			else
				printf("  %-42s %s\n", nm,
				       ztp_sshalg_has(K->client[c], nm) ? "enabled" : "available");
		}
	}
	if (K->opt.json) {
		ztp_map_set(root, "categories", cats);
		ztp_json_emit(&b, root, 0);
		printf("%s\n", b.p);
		ztp_val_unref(root);
		ztp_buf_free(&b);
	}
	return fflush(stdout) == 0 ? 0 : ZTP_EXIT_TEMPFAIL;
}

/* ---- --client ------------------------------------------------------------ */

/* the profiles of --client, each with a scanner view that resolves a
 * host's settings (ssh_config, ztp.yml, command line) against its set */
static void setup_clients(struct kexcheck *K)
{
	char nm[64];
	size_t k, n = ztp_sshalg_count(K->opt.clients), i, np;
	const struct ztp_sshprof *all = ztp_sshprof_all(&np);
	struct ztp_buf names = ZTP_BUF_INIT;
	struct ztp_err e;

	if (n == 0)
		ztp_die(ZTP_EXIT_USAGE, "--client wants a client name");
	K->pr = ztp_xcalloc(n, sizeof *K->pr);
	for (k = 0; k < n; k++) {
		struct profrun *r = &K->pr[K->npr];
		struct ztp_kexscan_opts o = { .conf = K->conf, .cli = &K->cli };

		if (ztp_sshalg_nth(K->opt.clients, k, nm, sizeof nm) < 0 ||
		    (r->p = ztp_sshprof_find(nm)) == NULL) {
			for (i = 0; i < np; i++)
				ztp_buf_addf(&names, "%s%s", i ? ", " : "", all[i].name);
			ztp_die(ZTP_EXIT_USAGE, "unknown client '%s' (known: %s)", ztp_esc(nm), names.p);
		}
		if (ztp_sshprof_lib(r->p, &r->lib, &e) < 0)
			ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
		r->resolve = r->p->family == ZTP_PROF_OPENSSH || r->p->family == ZTP_PROF_LIBSSH;
		o.lib = &r->lib;
		ztp_kexscan_init(&r->scan, &o);	/* quiet: the warnings are the run's */
		K->npr++;
	}
	ztp_buf_free(&names);
}

static void free_clients(struct kexcheck *K)
{
	size_t k;

	for (k = 0; k < K->npr; k++) {
		ztp_kexscan_fini(&K->pr[k].scan);
		ztp_sshalg_lib_free(&K->pr[k].lib);
		ztp_buf_free(&K->pr[k].cut);
	}
	free(K->pr);
	ztp_lockclients_free(&K->lc);
	free(K->lockclients);
	ztp_buf_free(&K->mx.rows);
}

static int query_clients(const struct kexcheck *K)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_val *list = ztp_val_list();
	size_t k;

	for (k = 0; k < K->npr; k++) {
		if (K->opt.json) {
			ztp_list_push(list, ztp_sshprof_val(K->pr[k].p, &K->pr[k].lib));
			continue;
		}
		ztp_sshprof_describe(&b, K->pr[k].p, &K->pr[k].lib);
	}
	if (K->opt.json) {
		ztp_json_emit(&b, list, 0);
		ztp_buf_addc(&b, '\n');
	}
	fwrite(b.p ? b.p : "", 1, b.len, stdout);
	ztp_val_unref(list);
	ztp_buf_free(&b);
	return fflush(stdout) == 0 ? 0 : ZTP_EXIT_TEMPFAIL;
}

static void indent_into(struct ztp_buf *b, const char *text, const char *indent)
{
	const char *nl;

	for (; text && *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text) - 1;
		ztp_buf_addf(b, "%s%.*s\n", indent, (int)(nl - text + (*nl != '\n')), text);
	}
}

/* The platform of a device for the device-side commands: its record's
 * (ztp-probe learns it at the first login), else what its banner says. */
static int device_platform(const struct kexcheck *K, const struct ztp_kexscan_target *t,
			   const char *banner, const char **how)
{
	return ztp_devfix_platform(t ? t->platform : NULL, banner, how);
}

/* What the device must change when no client setting helps: for each
 * category with nothing in common, what the client has on (defaults);
 * from --deep, the group-exchange minimum and a 2048-bit RSA key. */
static void device_fix(struct ztp_buf *b, int plat, const char *how, const struct ztp_kexdiag *d,
		       char *const *defaults, const struct ztp_kexdeep *deep, int gex_min, int rsa_min,
		       const char *indent)
{
	static const int slot[4] = { ZTP_KD_KEX, ZTP_KD_HOSTKEY, ZTP_KD_ENC_CS, ZTP_KD_MAC_CS };
	struct ztp_devfix_need n;
	const char *kex, *hk;
	int c;

	if (plat == ZTP_DEV_UNKNOWN) {
		ztp_buf_addf(b, "%s(the device's platform is not known: give it one in ztp.yml devices or "
			     "its record for the commands that fix the device)\n", indent);
		return;
	}
	memset(&n, 0, sizeof n);
	for (c = 0; c < 4; c++)
		if (!d->s[slot[c]].ok)
			n.want[c] = defaults[c];
	if (deep && deep->measured) {
		kex = d->s[ZTP_KD_KEX].agreed[0] ? d->s[ZTP_KD_KEX].agreed :
		      d->fix[ZTP_ALG_KEX] ? d->fix[ZTP_ALG_KEX] + 1 : "";
		hk = d->s[ZTP_KD_HOSTKEY].agreed[0] ? d->s[ZTP_KD_HOSTKEY].agreed :
		     d->fix[ZTP_ALG_HOSTKEY] ? d->fix[ZTP_ALG_HOSTKEY] + 1 : "";
		if (strncmp(kex, "diffie-hellman-group-exchange-", 30) == 0 && deep->gex_kex[0] &&
		    gex_min > 0) {
			const struct ztp_kexdeep_gex *x = &deep->gex[gex_min > 1024 ? ZTP_KEXDEEP_GEX2048 :
									  ZTP_KEXDEEP_GEX1024];

			if (x->bits < 0 || (x->bits > 0 && x->bits < gex_min))
				n.dh_min = gex_min;
		}
		if ((strncmp(hk, "rsa-sha2-", 9) == 0 || strncmp(hk, "ssh-rsa", 7) == 0) &&
		    deep->hk_bits > 0 && strncmp(deep->hk_type, "ssh-rsa", 7) == 0 && rsa_min > 0 &&
		    deep->hk_bits < rsa_min)
			n.rsa_bits = 2048;
	}
	ztp_devfix_commands(b, plat, &n, indent);
	if (how && strcmp(how, "banner") == 0)
		ztp_buf_addf(b, "%s(platform from the SSH banner: check it)\n", indent);
}

/* --deep: what the measurements change in a client's verdict (the group
 * size and RSA key size it would meet with the algorithms it negotiates,
 * or with the change it is told to make) */
static void deep_verdict(const struct ztp_kexdeep *deep, struct ztp_sshprof_result *res)
{
	const struct ztp_sshprof *lp = ztp_sshprof_lists(res->prof);
	const struct ztp_kexdiag *d = res->d;
	const char *kex, *hk, *line, *nl;
	struct ztp_buf why = ZTP_BUF_INIT, keep = ZTP_BUF_INIT;

	if (deep == NULL || !deep->measured || lp == NULL || res->verdict == ZTP_PROF_CANNOT)
		return;
	kex = d->s[ZTP_KD_KEX].agreed[0] ? d->s[ZTP_KD_KEX].agreed :
	      d->fix[ZTP_ALG_KEX] ? d->fix[ZTP_ALG_KEX] + 1 : "";
	hk = d->s[ZTP_KD_HOSTKEY].agreed[0] ? d->s[ZTP_KD_HOSTKEY].agreed :
	     d->fix[ZTP_ALG_HOSTKEY] ? d->fix[ZTP_ALG_HOSTKEY] + 1 : "";
	/* measured: the limits "not in the offer" are known now */
	for (line = res->notes.p; line && *line; line = nl) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		if (strstr(line, "(not in the offer)") == NULL || strstr(line, "(not in the offer)") > nl)
			ztp_buf_add(&keep, line, (size_t)(nl - line));
	}
	ztp_buf_reset(&res->notes);
	if (keep.len)
		ztp_buf_add(&res->notes, keep.p, keep.len);
	ztp_buf_free(&keep);
	if (ztp_kexdeep_judge(deep, lp->gex_min, lp->rsa_min, kex, hk, &why, &res->notes)) {
		res->verdict = ZTP_PROF_CANNOT;
		ztp_buf_reset(&res->why);
		ztp_buf_addf(&res->why, "%s (measured); way out: change the device", why.p);
		ztp_buf_reset(&res->change);
	}
	ztp_buf_free(&why);
}

/* One device against every client of --client: t resolves the host's
 * settings, offer is its KEXINIT.  Text or one JSON line; the matrix row. */
static void client_verdicts(struct kexcheck *K, const char *label, const char *host,
			    const char *banner, const char *const *offer,
			    const struct ztp_kexscan_target *t, const struct ztp_kexdeep *deep)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_val *v = NULL, *cm = NULL;
	struct ztp_sshset set;
	struct ztp_err e;
	size_t k;
	const struct ztp_sshset_hop *dst = NULL;
	int cat, have_set = 0;
	char lab[300];

	/* label may be ztp_esc's buffer, which the banner needs next */
	snprintf(lab, sizeof lab, "%s", label);
	label = lab;
	K->mx.devices++;
	ztp_buf_addf(&K->mx.rows, "%s", label);
	/* where this host's algorithm settings come from, for the clients
	 * that do not read them */
	for (k = 0; k < K->npr && !have_set && t; k++)
		if (ztp_sshprof_ignores(K->pr[k].p) &&
		    ztp_kexscan_settings(&K->scan, t, &set, &e) == 0) {
			have_set = set.nhops > 0;
			if (have_set)
				dst = &set.hop[set.nhops - 1];
			else
				ztp_sshset_free(&set);
		}
	if (K->opt.json) {
		v = ztp_val_map();
		cm = ztp_val_map();
		ztp_map_set(v, "target", ztp_val_str(label));
	} else {
		ztp_buf_addf(&b, "%s%s%s%s\n", label, banner ? " (" : "", banner ? ztp_esc(banner) : "",
			     banner ? ")" : "");
		if (deep && deep->measured) {
			ztp_buf_adds(&b, "  measured (--deep):\n");
			ztp_kexdeep_text(&b, deep, "    ");
		}
	}
	for (k = 0; k < K->npr; k++) {
		struct profrun *r = &K->pr[k];
		struct ztp_sshprof_result res;
		char *client[ZTP_ALG_NCAT];
		int have = 0;

		if (r->resolve && t && ztp_kexscan_client(&r->scan, t, client, &e) == 0)
			have = 1;
		if (ztp_sshprof_judge(r->p, &r->lib, offer, have ? client : NULL, host, &res, &e) < 0)
			ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
		if (have)
			ztp_sshalg_lists_free(client);
		deep_verdict(deep, &res);
		for (cat = 0; cat < ZTP_PROF_NCAT && have_set && ztp_sshprof_ignores(r->p); cat++)
			if (dst->alg_src[cat])
				ztp_buf_addf(&res.notes, "%s from %s is not read by %s: %s\n",
					     ztp_sshalg_cat_keyword(cat), dst->alg_src[cat], r->p->name,
					     ztp_sshprof_ignores(r->p));
		ztp_buf_addf(&K->mx.rows, "\t%s", ztp_sshprof_verdict_name(res.verdict));
		if (res.verdict != ZTP_PROF_CONNECTS) {
			K->mx.bad++;
			ztp_buf_addf(&r->cut, "%s%s", r->cut.len ? ", " : "", label);
		}
		if (K->opt.json) {
			struct ztp_val *c = ztp_val_map();

			ztp_map_set(c, "verdict", ztp_val_str(ztp_sshprof_verdict_name(res.verdict)));
			if (res.change.len)
				ztp_map_set(c, "change", ztp_val_str(res.change.p));
			if (res.why.len)
				ztp_map_set(c, "why", ztp_val_str(res.why.p));
			if (res.notes.len)
				ztp_map_set(c, "notes", ztp_val_str(res.notes.p));
			ztp_map_set(cm, r->p->name, c);
		} else if (res.verdict == ZTP_PROF_CONNECTS) {
			ztp_buf_addf(&b, "  %s: connects\n", r->p->name);
		} else if (res.verdict == ZTP_PROF_CHANGE) {
			ztp_buf_addf(&b, "  %s: connects after a change:\n", r->p->name);
			indent_into(&b, res.change.p, "    ");
		} else {
			ztp_buf_addf(&b, "  %s: CANNOT CONNECT whatever the setting: %s\n", r->p->name,
				     res.why.p);
		}
		if (res.verdict == ZTP_PROF_CANNOT) {
			const struct ztp_sshprof *lp = ztp_sshprof_lists(r->p);
			struct ztp_buf dv = ZTP_BUF_INIT;
			const char *how;
			int plat = device_platform(K, t, banner, &how);

			device_fix(&dv, plat, how, res.d, r->lib.defaults, deep, lp ? lp->gex_min : 0,
				   lp ? lp->rsa_min : 0, K->opt.json ? "" : "    ");
			if (K->opt.json && plat != ZTP_DEV_UNKNOWN)
				ztp_map_set(ztp_map_get(cm, r->p->name), "device", ztp_val_str(dv.p));
			else if (!K->opt.json)
				ztp_buf_add(&b, dv.p, dv.len);
			ztp_buf_free(&dv);
		}
		if (!K->opt.json && res.notes.len)
			indent_into(&b, res.notes.p, "    note: ");
		ztp_sshprof_result_free(&res);
	}
	ztp_buf_addc(&K->mx.rows, '\n');
	if (have_set)
		ztp_sshset_free(&set);
	if (K->opt.json) {
		if (deep && deep->measured)
			ztp_map_set(v, "deep", ztp_kexdeep_val(deep));
		ztp_map_set(v, "clients", cm);
		ztp_json_emit(&b, v, 0);
		ztp_buf_addc(&b, '\n');
		ztp_val_unref(v);
	}
	fwrite(b.p ? b.p : "", 1, b.len, stdout);
	ztp_buf_free(&b);
}

/* many devices: devices x clients */
static void client_matrix(const struct kexcheck *K)
{
	const char *row, *nl;
	size_t k, w = 6;

	if (K->opt.json || K->mx.devices + K->mx.unreach < 2)
		return;
	for (row = K->mx.rows.p; row && (nl = strchr(row, '\n')) != NULL; row = nl + 1)
		if (strcspn(row, "\t\n") > w)
			w = strcspn(row, "\t\n");
	printf("%-*s", (int)w, "device");
	for (k = 0; k < K->npr; k++)
		printf("  %-14s", K->pr[k].p->name);
	printf("\n");
	for (row = K->mx.rows.p; row && (nl = strchr(row, '\n')) != NULL; row = nl + 1) {
		const char *f = row, *end;
		size_t len = strcspn(row, "\t\n");

		printf("%-*.*s", (int)w, (int)len, row);
		for (f = row + len; f < nl; f = end) {
			f++;
			end = f + strcspn(f, "\t\n");
			printf("  %-14.*s", (int)(end - f), f);
		}
		printf("\n");
	}
	printf("%d device%s x %zu client%s: %d verdict%s other than connects, %d unreachable\n",
	       K->mx.devices, K->mx.devices == 1 ? "" : "s", K->npr, K->npr == 1 ? "" : "s",
	       K->mx.bad, K->mx.bad == 1 ? "" : "s", K->mx.unreach);
}

static int client_status(const struct kexcheck *K)
{
	return ztp_exit_merge(K->mx.bad ? ZTP_EXIT_NEGATIVE : ZTP_EXIT_OK,
			      K->mx.unreach ? ZTP_EXIT_TEMPFAIL : ZTP_EXIT_OK);
}

/* ---- what a client silently ignores (lib/cliignore.c) -------------------- */

/* Every line of the ssh_config (-F, else the default files) that a
 * client of --client does not read, once per client, before the
 * verdicts (on standard error with -o json). */
static void ignored_report(const struct kexcheck *K)
{
	FILE *f = K->opt.json ? stderr : stdout;
	struct ztp_buf b = ZTP_BUF_INIT, ind = ZTP_BUF_INIT;
	struct ztp_err e;
	size_t k;
	int n;

	for (k = 0; k < K->npr; k++) {
		ztp_buf_reset(&b);
		ztp_buf_reset(&ind);
		n = ztp_cliignore_scan(K->pr[k].p, K->opt.sshconfig, &b, &e);
		if (n < 0)
			ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
		if (n == 0)
			continue;
		indent_into(&ind, b.p, "  ");
		fprintf(f, "%d line%s of ssh_config not read by %s:\n%s", n, n == 1 ? "" : "s",
			K->pr[k].p->name, ind.p);
	}
	ztp_buf_free(&b);
	ztp_buf_free(&ind);
}

/* ---- --lock, --host (lib/kexlock.c) -------------------------------------- */

/* The clients a lockfile or this machine installs join those of
 * --client; what each one is, and what is not judged, comes first. */
static void lock_setup(struct kexcheck *K)
{
	struct ztp_buf names = ZTP_BUF_INIT;
	struct ztp_lock l;
	struct ztp_err e;
	size_t i, k;
	int rc = 0;

	if (K->opt.lock) {
		if (ztp_lock_read(K->opt.lock, &l, &e) < 0) {
			ztp_lock_free(&l);
			ztp_die(ZTP_EXIT_USAGE, "cannot read the lock: %s", e.msg);
		}
		rc = ztp_lock_clients(&l, &K->lc, &e);
		if (l.notes.len)
			fprintf(K->opt.json ? stderr : stdout, "%s", l.notes.p);
		ztp_lock_free(&l);
	}
	if (rc == 0 && K->opt.host)
		rc = ztp_lock_host(&K->lc, &e);
	for (i = 0; i < K->lc.n; i++)
		fprintf(K->opt.json ? stderr : stdout, "client: %s\n", K->lc.c[i].what);
	if (rc < 0)
		ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
	if (K->opt.clients)
		ztp_buf_adds(&names, K->opt.clients);
	for (i = 0; i < K->lc.n; i++) {
		const struct ztp_sshprof *p = K->lc.c[i].prof;

		for (k = 0; p && k < i; k++)
			if (K->lc.c[k].prof == p)
				break;
		if (p && k == i && !(K->opt.clients && ztp_sshalg_has(K->opt.clients, p->name)))
			ztp_buf_addf(&names, "%s%s", names.len ? "," : "", p->name);
	}
	K->lockclients = ztp_buf_detach(&names, NULL);
	K->opt.clients = K->lockclients;
}

/* after the verdicts: per client of the lock (or the machine), the
 * devices it does not connect to, and the fix in the lock's terms */
static void lock_summary(const struct kexcheck *K)
{
	struct ztp_val *list = NULL;
	size_t i, k;

	if (K->lc.n == 0)
		return;
	if (K->opt.json)
		list = ztp_val_list();
	for (i = 0; i < K->lc.n; i++) {
		const struct ztp_lockclient *c = &K->lc.c[i];
		const struct profrun *r = NULL;
		size_t ncut = 0;

		for (k = 0; c->prof && k < K->npr && r == NULL; k++)
			if (K->pr[k].p == c->prof)
				r = &K->pr[k];
		if (r && r->cut.len) {
			const char *s;

			for (ncut = 1, s = r->cut.p; (s = strstr(s, ", ")) != NULL; s += 2)
				ncut++;
		}
		if (K->opt.json) {
			struct ztp_val *m = ztp_val_map();

			ztp_map_set(m, "what", ztp_val_str(c->what));
			ztp_map_set(m, "client", c->prof ? ztp_val_str(c->prof->name) : ztp_val_null());
			if (r) {
				struct ztp_val *cut = ztp_val_list();
				const char *s, *end;

				for (s = r->cut.p; s && *s; s = *end ? end + 2 : end) {
					end = strstr(s, ", ");
					if (end == NULL)
						end = s + strlen(s);
					ztp_list_push(cut, ztp_val_strn(s, (size_t)(end - s)));
				}
				ztp_map_set(m, "cut_off", cut);
				if (ncut && c->fix)
					ztp_map_set(m, "fix", ztp_val_str(c->fix));
			}
			ztp_list_push(list, m);
			continue;
		}
		if (r == NULL)
			continue;
		if (ncut == 0) {
			printf("%s: connects to every device\n", c->prof->name);
			continue;
		}
		printf("%s CUTS OFF %zu device%s as configured now: %s\n", c->prof->name, ncut,
		       ncut == 1 ? "" : "s", r->cut.p);
		printf("  (%s)\n", c->what);
		if (c->fix)
			printf("  fix: %s\n", c->fix);
	}
	if (K->opt.json) {
		struct ztp_val *v = ztp_val_map();
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_map_set(v, K->opt.lock ? "lock" : "host", K->opt.lock ? ztp_val_str(K->opt.lock) :
			    ztp_val_bool(1));
		ztp_map_set(v, "clients", list);
		ztp_json_emit(&b, v, 0);
		printf("%s\n", b.p);
		ztp_buf_free(&b);
		ztp_val_unref(v);
	}
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

/* --deep on one host that answered: directly only (a jump chain or a
 * ProxyCommand would need its own connection each time) */
static void deep_measure(struct kexcheck *K, const struct ztp_kexscan_host *h, const char **offer,
			 struct ztp_kexdeep *deep)
{
	if (h->gw != NULL || h->proxy != NULL) {
		memset(deep, 0, sizeof *deep);
		deep->measured = 1;
		snprintf(deep->hk_note, sizeof deep->hk_note,
			 "not measured through %s (--deep connects directly only)",
			 h->gw ? "a jump host" : "a ProxyCommand");
		return;
	}
	ztp_kexdeep_measure(h->conn_host, h->conn_port, offer, K->opt.timeout, deep);
}

/* the linked libssh's limits against the measurements: a group-exchange
 * minimum of 2048 bits (src/dh-gex.c DH_PMIN) and RSA keys of 1024 bits
 * at least (ssh_key_size_allowed_rsa), SSH-PROFILES.md; with the
 * algorithms negotiated now, or with the fix when one is needed */
static int deep_libssh(const struct ztp_kexdeep *deep, const struct ztp_kexdiag *d,
		       struct ztp_buf *why, struct ztp_buf *notes)
{
	const char *kex, *hk;

	if (!d->negotiable && !d->fixable)
		return 0;
	kex = d->s[ZTP_KD_KEX].agreed[0] ? d->s[ZTP_KD_KEX].agreed :
	      d->fix[ZTP_ALG_KEX] ? d->fix[ZTP_ALG_KEX] + 1 : "";
	hk = d->s[ZTP_KD_HOSTKEY].agreed[0] ? d->s[ZTP_KD_HOSTKEY].agreed :
	     d->fix[ZTP_ALG_HOSTKEY] ? d->fix[ZTP_ALG_HOSTKEY] + 1 : "";
	return ztp_kexdeep_judge(deep, 2048, 1024, kex, hk, why, notes);
}

static void deep_report(struct ztp_buf *b, const struct ztp_kexdeep *deep, int negotiable, int cannot,
			const struct ztp_buf *why, const struct ztp_buf *notes)
{
	if (!deep->measured)
		return;
	ztp_buf_adds(b, "  measured (--deep):\n");
	ztp_kexdeep_text(b, deep, "    ");
	if (cannot)
		ztp_buf_addf(b, "  %s: %s (measured); way out: change the device\n",
			     negotiable ? "but CANNOT CONNECT" : "and the fix above is NOT ENOUGH", why->p);
	if (notes->len)
		indent_into(b, notes->p, "  note: ");
}

static void deep_json(struct ztp_val *v, const struct ztp_kexdeep *deep, int cannot,
		      const struct ztp_buf *why, const struct ztp_buf *notes)
{
	struct ztp_val *m = ztp_kexdeep_val(deep);

	ztp_map_set(m, "connects", ztp_val_bool(!cannot));
	if (cannot)
		ztp_map_set(m, "why", ztp_val_str(why->p));
	if (notes->len)
		ztp_map_set(m, "notes", ztp_val_str(notes->p));
	ztp_map_set(v, "deep", m);
}

static void report(struct kexcheck *K, const struct ztp_kexscan_host *h, struct tally *ty)
{
	const struct ztp_sshwire_result *r = &h->res;
	const struct target *t = h->t->ctx;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_kexdiag *d = NULL;
	const char *offer[ZTP_KL_N];
	struct ztp_kexdeep deep;
	struct ztp_buf dwhy = ZTP_BUF_INIT, dnotes = ZTP_BUF_INIT;
	struct ztp_val *v;
	int i, dcannot = 0;

	ty->total++;
	memset(&deep, 0, sizeof deep);
	if (r->kind == ZTP_SSHWIRE_OK) {
		for (i = 0; i < ZTP_KL_N; i++)
			offer[i] = r->kex.list[i] ? r->kex.list[i] : "";
		if (K->opt.deep)
			deep_measure(K, h, offer, &deep);
	}
	if (K->npr > 0) {
		if (r->kind == ZTP_SSHWIRE_OK) {
			client_verdicts(K, h->label, t->host, r->banner.line, offer, h->t, &deep);
			return;
		}
		K->mx.unreach++;
		ztp_buf_addf(&K->mx.rows, "%s", h->label);
		for (i = 0; i < (int)K->npr; i++)
			ztp_buf_adds(&K->mx.rows, "\tunreachable");
		ztp_buf_addc(&K->mx.rows, '\n');
	}
	if (r->kind == ZTP_SSHWIRE_OK) {
		d = ztp_kexdiag_run(offer, h->client, &K->lib);
		dcannot = deep_libssh(&deep, d, &dwhy, &dnotes);
		if (d->negotiable && !dcannot)
			ty->ok++;
		else
			ty->notneg++;
		if ((!d->negotiable && !d->fixable) || dcannot)
			ty->unfixable++;
		if (!d->negotiable)
			fleet_add(ty, d);
	} else {
		ty->unreach++;
	}
	if (K->opt.json) {
		v = ztp_val_map();
		ztp_map_set(v, "target", ztp_val_str(h->label));
		ztp_map_set(v, "host", ztp_val_str(h->conn_host[0] ? h->conn_host : t->host));
		ztp_map_set(v, "port", ztp_val_int(strtol(h->conn_port[0] ? h->conn_port : t->port, NULL, 10)));
		if (t->id)
			ztp_map_set(v, "id", ztp_val_str(t->id));
		/* what --replay needs to resolve the same settings again */
		ztp_map_set(v, "name", ztp_val_str(t->host));
		if (t->rack)
			ztp_map_set(v, "rack", ztp_val_str(t->rack));
		if (t->platform)
			ztp_map_set(v, "platform", ztp_val_str(t->platform));
		ztp_kexdiag_result_val(v, r, d);
		if (deep.measured)
			deep_json(v, &deep, dcannot, &dwhy, &dnotes);
		if (d && ((!d->negotiable && !d->fixable) || dcannot)) {
			const char *how;
			int plat = device_platform(K, h->t, r->banner.line, &how);
			struct ztp_buf dv = ZTP_BUF_INIT;

			if (plat != ZTP_DEV_UNKNOWN) {
				device_fix(&dv, plat, how, d, K->lib.defaults, &deep, 2048, 1024, "");
				ztp_map_set(v, "device", ztp_val_str(dv.p));
			}
			ztp_buf_free(&dv);
		}
		ztp_json_emit(&b, v, 0);
		ztp_buf_addc(&b, '\n');
		ztp_val_unref(v);
	} else if (d != NULL) {
		struct ztp_kexdiag_dest w = {
			.target = h->label, .host = t->host, .port = t->port, .id = t->id,
		};

		ztp_kexdiag_report(&b, d, &w, r->banner.line, K->opt.verbose);
		deep_report(&b, &deep, d->negotiable, dcannot, &dwhy, &dnotes);
		if ((!d->negotiable && !d->fixable) || dcannot) {
			const char *how;
			int plat = device_platform(K, h->t, r->banner.line, &how);

			device_fix(&b, plat, how, d, K->lib.defaults, &deep, 2048, 1024, "  ");
		}
	} else {
		/* the message holds network text already escaped by sshwire,
		 * and starts with the target */
		const char *m = r->err.msg;
		size_t ll = strlen(h->label);

		if (strncmp(m, h->label, ll) == 0 && m[ll] == ':')
			m += ll + 2;
		ztp_buf_addf(&b, "%s\n  UNREACHABLE (%s): %s\n", h->label, ztp_sshwire_kind_name(r->kind), m);
	}
	fwrite(b.p, 1, b.len, stdout);
	ztp_buf_free(&b);
	ztp_buf_free(&dwhy);
	ztp_buf_free(&dnotes);
	ztp_kexdiag_free(d);
}

static void summary(const struct kexcheck *K, struct tally *t)
{
	int c, any = 0;

	if (K->opt.json || t->total < 2)
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
	const struct options *opt;
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
	snprintf(t->port, sizeof t->port, "%s", in->port[0] ? in->port : c->opt->port);
	t->port_given = c->opt->port_given || in->port[0];
	if (in->kind == ZTP_TARGET_RECORD) {
		t->id = ztp_xstrdup(ztp_rec_id(in->rec));
		t->rack = ztp_strdup(ztp_map_str(in->rec, "rack"));
		t->platform = ztp_strdup(ztp_map_str(in->rec, "platform"));
		t->alias = ztp_rec_mac_alias(in->rec, t->alias_buf);
	}
	/* a record's label gets its port once the settings are known
	 * (lib/kexscan.c) */
	if (snprintf(t->label, sizeof t->label, t->id ? "%s (%s)" : strchr(t->host, ':') ? "[%s]:%s" : "%s:%s",
		     t->id ? t->id : t->host, t->id ? t->host : t->port) >= (int)sizeof t->label) {
		ztp_warnx("host name too long: '%s'", ztp_esc(in->source));
		c->bad = 1;
		return 0;
	}
	c->n++;
	return 0;
}

static void progress(void *ctx, size_t done, size_t total, int running)
{
	struct kexcheck *K = ctx;
	double now;

	if (!K->tty)
		return;
	now = ztp_os_monotonic();
	if (now - K->shown < 0.2 && done < total)
		return;
	K->shown = now;
	fprintf(stderr, "\r\033[Kztp-kexcheck: %zu/%zu done, %d running", done, total, running);
}

/* the settings' warnings, once each; notes (interactive-only keywords)
 * only when asked for */
static void warn(void *ctx, int level, const char *msg)
{
	struct kexcheck *K = ctx;

	if (level == ZTP_LOG_ERR || (!K->opt.quiet && (K->opt.verbose || level == ZTP_LOG_WARN)))
		ztp_warnx("%s", msg);
}

/* the scanner's view of the hosts (pointing into tv) */
static struct ztp_kexscan_target *scan_targets(struct target *tv, size_t n)
{
	struct ztp_kexscan_target *st = ztp_xcalloc(n ? n : 1, sizeof *st);
	size_t i;

	for (i = 0; i < n; i++)
		st[i] = (struct ztp_kexscan_target){
			.host = tv[i].host, .port = tv[i].port, .port_given = tv[i].port_given,
			.label = tv[i].label, .id = tv[i].id, .rack = tv[i].rack,
			.platform = tv[i].platform, .alias = tv[i].alias, .ctx = &tv[i],
		};
	return st;
}

struct scanrun {
	struct kexcheck *K;
	struct tally ty;
};

static void on_result(void *ctx, const struct ztp_kexscan_host *h)
{
	struct scanrun *S = ctx;

	if (S->K->tty)
		fputs("\r\033[K", stderr);
	report(S->K, h, &S->ty);
}

static int scan(struct kexcheck *K, struct target *tv, size_t n)
{
	struct ztp_kexscan_target *st = scan_targets(tv, n);
	struct scanrun S = { .K = K };
	struct ztp_err e;
	int rc, c;

	rc = ztp_kexscan_run(&K->scan, st, n, on_result, &S, &e);
	free(st);
	if (K->tty)
		fputs("\r\033[K", stderr);
	if (rc == ZTP_ERR_USAGE)
		return ZTP_EXIT_USAGE;	/* each bad host is named already */
	if (rc < 0)
		ztp_die(ztp_err_exit_status(rc), "%s", e.msg);
	if (K->npr > 0) {
		client_matrix(K);
		lock_summary(K);
	} else {
		summary(K, &S.ty);
	}
	for (c = 0; c < ZTP_ALG_NCAT; c++)
		ztp_buf_free(&S.ty.fleet[c]);
	if (fflush(stdout) != 0)
		ztp_die(ZTP_EXIT_TEMPFAIL, "cannot write the report: %s", strerror(errno));
	return K->npr > 0 ? client_status(K) : exit_status(&S.ty);
}

static int print_settings(struct kexcheck *K, struct target *tv, size_t n)
{
	struct ztp_kexscan_target *st = scan_targets(tv, n);
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_sshset set;
	struct ztp_err e;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (ztp_kexscan_settings(&K->scan, &st[i], &set, &e) < 0) {
			ztp_warnx("%s: %s", tv[i].label, e.msg);
			rc = ZTP_EXIT_USAGE;
			continue;
		}
		ztp_buf_reset(&b);
		ztp_sshset_print(&set, K->opt.verbose, &b);
		fputs(b.p, stdout);
		ztp_sshset_free(&set);
	}
	ztp_buf_free(&b);
	free(st);
	return rc;
}

static void free_targets(struct target *tv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(tv[i].id);
		free(tv[i].rack);
		free(tv[i].platform);
	}
	free(tv);
}

/* ---- --replay ----------------------------------------------------------- */

/* A saved device as the live scan saw it: the name the user gave (older
 * files: the address), the port scanned, its record's id, rack and
 * platform.  -1 when it names no host. */
static int saved_target(const struct ztp_val *doc, struct ztp_kexscan_target *t, char *port,
			size_t portsz)
{
	const struct ztp_val *p = ztp_map_get(doc, "port");

	memset(t, 0, sizeof *t);
	t->host = ztp_map_str(doc, "name");
	if (t->host == NULL)
		t->host = ztp_map_str(doc, "host");
	if (t->host == NULL || t->host[0] == '\0')
		return -1;
	t->label = ztp_map_str(doc, "target");
	t->id = ztp_map_str(doc, "id");
	t->rack = ztp_map_str(doc, "rack");
	t->platform = ztp_map_str(doc, "platform");
	if (p && p->type == ZTP_V_INT && p->u.i > 0 && p->u.i < 65536 &&
	    snprintf(port, portsz, "%lld", (long long)p->u.i) < (int)portsz) {
		t->port = port;
		t->port_given = 1;	/* the port scanned, whatever moved it there */
	} else {
		t->port = "22";
	}
	return 0;
}

/* Each saved offer against this run's library and the device's own
 * settings, resolved as the live scan resolves them (command line,
 * ztp.yml devices, platforms, racks, ssh, ssh_config), compared with the
 * linked library and the same settings. */
static int replay(struct kexcheck *K)
{
	struct ztp_yml_reader *r = NULL;
	struct ztp_sshalg_lib now_lib;
	struct ztp_kexscan now_scan;
	struct ztp_kexscan_opts now_opts;
	char *lists[ZTP_KL_N];
	struct ztp_val *doc = NULL, *v;
	struct ztp_err e;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_yml_opts yo = { .max_bytes = (size_t)1 << 30 };
	int line, rc, i, total = 0, cut = 0, already = 0, bad = 0, skipped = 0;
	int aneg, bneg, acan, nodeep = 0;
	struct ztp_kexdeep deep;
	struct ztp_buf dwhy = ZTP_BUF_INIT, dnotes = ZTP_BUF_INIT;
	const char *target;

	/* "before": the linked library and the same configuration */
	if (ztp_sshalg_lib_load(&now_lib, NULL, &e) < 0)
		ztp_die(ztp_err_exit_status(e.code), "%s", e.msg);
	ztp_sshalg_lib_probe(&now_lib, NULL);
	now_opts = (struct ztp_kexscan_opts){
		.conf = K->conf, .cli = &K->cli, .lib = &now_lib,
	};
	ztp_kexscan_init(&now_scan, &now_opts);	/* quiet: the warnings are the run's */

	if (strcmp(K->opt.replay, "-") == 0)
		rc = ztp_yml_open_fd(&r, 0, "-", &yo, &e);
	else {
		FILE *f = fopen(K->opt.replay, "r");

		if (f == NULL)
			ztp_die(ZTP_EXIT_USAGE, "cannot open '%s': %s", ztp_esc(K->opt.replay),
				strerror(errno));
		rc = ztp_yml_open_fd(&r, fileno(f), K->opt.replay, &yo, &e);
		fclose(f);
	}
	if (rc < 0)
		ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
	while ((rc = ztp_yml_next(r, &doc, &line, &e)) != 0) {
		struct ztp_kexdiag *before, *after;
		struct ztp_kexscan_target t;
		char port[8], *now_client[ZTP_ALG_NCAT], *client[ZTP_ALG_NCAT];

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
		if (ztp_kexdiag_offer_from_val(doc, lists) < 0) {
			ztp_warnx("%s:%d: bad \"offer\" for '%s'", ztp_esc(K->opt.replay), line,
				  ztp_esc(target));
			bad++;
			ztp_val_unref(doc);
			continue;
		}
		if (saved_target(doc, &t, port, sizeof port) < 0) {
			ztp_warnx("%s:%d: '%s' names no host", ztp_esc(K->opt.replay), line, ztp_esc(target));
			bad++;
			goto next;
		}
		memset(&deep, 0, sizeof deep);
		if (K->opt.deep && ztp_kexdeep_from_val(doc, &deep) < 0) {
			ztp_warnx("%s:%d: bad \"deep\" for '%s'", ztp_esc(K->opt.replay), line,
				  ztp_esc(target));
			bad++;
			goto next;
		}
		if (K->opt.deep && !deep.measured)
			nodeep++;
		if (K->npr > 0) {
			total++;
			client_verdicts(K, ztp_esc(target), t.host, ztp_map_str(doc, "banner"),
					(const char *const *)lists, &t, &deep);
			goto next;
		}
		if (ztp_kexscan_client(&K->scan, &t, client, &e) < 0) {
			ztp_warnx("%s: %s", ztp_esc(target), e.msg);
			bad++;
			goto next;
		}
		if (ztp_kexscan_client(&now_scan, &t, now_client, &e) < 0)
			for (i = 0; i < ZTP_ALG_NCAT; i++)
				now_client[i] = ztp_xstrdup(now_lib.defaults[i] ? now_lib.defaults[i] : "");
		total++;
		before = ztp_kexdiag_run((const char *const *)lists, now_client, &now_lib);
		after = ztp_kexdiag_run((const char *const *)lists, client, &K->lib);
		ztp_buf_reset(&dwhy);
		ztp_buf_reset(&dnotes);
		bneg = before->negotiable && !deep_libssh(&deep, before, &dwhy, &dnotes);
		ztp_buf_reset(&dwhy);
		ztp_buf_reset(&dnotes);
		acan = deep_libssh(&deep, after, &dwhy, &dnotes);
		aneg = after->negotiable && !acan;
		if (!aneg) {
			if (bneg)
				cut++;
			else
				already++;
		}
		ztp_buf_reset(&b);
		if (K->opt.json) {
			v = ztp_val_map();
			ztp_map_set(v, "target", ztp_val_str(target));
			ztp_map_set(v, "before", ztp_val_bool(bneg));
			ztp_map_set(v, "after", ztp_val_bool(aneg));
			ztp_map_set(v, "diagnosis", ztp_kexdiag_val(after));
			if (deep.measured)
				deep_json(v, &deep, acan, &dwhy, &dnotes);
			ztp_json_emit(&b, v, 0);
			ztp_buf_addc(&b, '\n');
			ztp_val_unref(v);
		} else if (!aneg || K->opt.verbose) {
			struct ztp_kexdiag_dest w = {
				.target = ztp_esc(target), .host = ztp_esc(t.host), .port = t.port,
				.id = t.id ? ztp_esc(t.id) : NULL,
			};

			ztp_buf_addf(&b, "%s: %s\n", w.target,
				     aneg ? "stays negotiable" :
				     bneg ? "WOULD BECOME UNREACHABLE" : "already not negotiable");
			ztp_kexdiag_report(&b, after, &w, ztp_map_str(doc, "banner"), K->opt.verbose);
			deep_report(&b, &deep, after->negotiable, acan, &dwhy, &dnotes);
		}
		fwrite(b.p ? b.p : "", 1, b.len, stdout);
		ztp_kexdiag_free(before);
		ztp_kexdiag_free(after);
		ztp_sshalg_lists_free(now_client);
		ztp_sshalg_lists_free(client);
next:
		for (i = 0; i < ZTP_KL_N; i++)
			free(lists[i]);
		ztp_val_unref(doc);
	}
	ztp_yml_close(r);
	if (nodeep)
		ztp_warnx("%d device%s without --deep measurements (saved by a scan without --deep): "
			  "judged on the offer alone", nodeep, nodeep == 1 ? "" : "s");
	ztp_buf_free(&dwhy);
	ztp_buf_free(&dnotes);
	if (K->npr > 0) {
		client_matrix(K);
		lock_summary(K);
	} else if (!K->opt.json) {
		printf("%d device%s replayed against %s: %d would become unreachable, %d already not negotiable\n",
		       total, total == 1 ? "" : "s", K->libname, cut, already);
		if (skipped)
			printf("%d record%s without an offer (not reachable when scanned) skipped\n",
			       skipped, skipped == 1 ? "" : "s");
	}
	ztp_buf_free(&b);
	ztp_kexscan_fini(&now_scan);
	ztp_sshalg_lib_free(&now_lib);
	if (fflush(stdout) != 0)
		ztp_die(ZTP_EXIT_TEMPFAIL, "cannot write the report: %s", strerror(errno));
	if (bad && total == 0)
		return ZTP_EXIT_USAGE;
	if (K->npr > 0)
		return ztp_exit_merge(client_status(K), bad ? ZTP_EXIT_USAGE : ZTP_EXIT_OK);
	return cut + already > 0 ? ZTP_EXIT_NEGATIVE : ZTP_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "client", required_argument, NULL, OPT_CLIENT },
		{ "deep", no_argument, NULL, OPT_DEEP },
		{ "kex", required_argument, NULL, OPT_KEX },
		{ "hostkey", required_argument, NULL, OPT_HOSTKEY },
		{ "ciphers", required_argument, NULL, OPT_CIPHERS },
		{ "macs", required_argument, NULL, OPT_MACS },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "without", required_argument, NULL, OPT_WITHOUT },
		{ "libssh", required_argument, NULL, OPT_LIBSSH },
		{ "lock", required_argument, NULL, OPT_LOCK },
		{ "host", no_argument, NULL, OPT_HOST },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct kexcheck K = {
		.opt = { .jobs = 32, .timeout = 5.0, .port = "22" },
		.tty = isatty(2),
	};
	struct ztp_kexscan_opts so;
	struct target *tv = NULL;
	size_t n = 0;
	long long ll;
	int c, i, rc, bad = 0;

	ztp_log_open("ztp-kexcheck", 0);
	while ((c = getopt_long(argc, argv, "c:F:GhJ:j:o:p:QqTt:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': K.opt.conf = optarg; break;
		case 'F': K.opt.sshconfig = optarg; break;
		case 'G': K.opt.print_settings = 1; break;
		case 'J': K.opt.jump = optarg; break;
		case 'q': K.opt.quiet = 1; break;
		case 'T': K.opt.print_conf = 1; break;
		case 'j':
			if (ztp_parse_ll(optarg, 1, 4096, &ll) < 0)
				ztp_die(ZTP_EXIT_USAGE, "-j wants a number from 1 to 4096, not '%s'", ztp_esc(optarg));
			K.opt.jobs = (int)ll;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				K.opt.json = 1;
			else if (strcmp(optarg, "text") == 0)
				K.opt.json = 0;
			else
				ztp_die(ZTP_EXIT_USAGE, "-o wants text or json, not '%s'", ztp_esc(optarg));
			break;
		case 'p':
			if (ztp_parse_ll(optarg, 1, 65535, &ll) < 0)
				ztp_die(ZTP_EXIT_USAGE, "bad port '%s'", ztp_esc(optarg));
			K.opt.port = optarg;
			K.opt.port_given = 1;
			break;
		case 'Q':
			K.opt.query = 1;
			break;
		case 't': {
			char *end;
			double t;

			errno = 0;
			t = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(t > 0 && t <= 3600))
				ztp_die(ZTP_EXIT_USAGE, "-t wants seconds (0 < t <= 3600), not '%s'", ztp_esc(optarg));
			K.opt.timeout = t;
			break;
		}
		case 'v':
			K.opt.verbose++;
			break;
		case OPT_KEX:
		case OPT_HOSTKEY:
		case OPT_CIPHERS:
		case OPT_MACS: {
			int cat = c == OPT_KEX ? ZTP_ALG_KEX : c == OPT_HOSTKEY ? ZTP_ALG_HOSTKEY :
				  c == OPT_CIPHERS ? ZTP_ALG_CIPHER : ZTP_ALG_MAC;

			/* first one wins, as with ssh -o; but say so */
			if (K.opt.spec[cat] != NULL)
				ztp_warnx("--%s given again: '%s' ignored, the first ('%s') wins as in ssh -o",
					  c == OPT_KEX ? "kex" : c == OPT_HOSTKEY ? "hostkey" :
					  c == OPT_CIPHERS ? "ciphers" : "macs",
					  ztp_esc(optarg), ztp_esc(K.opt.spec[cat]));
			else
				K.opt.spec[cat] = optarg;
			break;
		}
		case OPT_CLIENT: K.opt.clients = optarg; break;
		case OPT_DEEP: K.opt.deep = 1; break;
		case OPT_REPLAY: K.opt.replay = optarg; break;
		case OPT_WITHOUT: K.opt.without = optarg; break;
		case OPT_LIBSSH: K.opt.libver = optarg; break;
		case OPT_LOCK: K.opt.lock = optarg; break;
		case OPT_HOST: K.opt.host = 1; break;
		case 'h': usage(0);
		case ZTP_OPT_VERSION: ztp_version("ztp-kexcheck");
		default:
			usage(ZTP_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if ((K.opt.without || K.opt.libver) && !K.opt.replay && !K.opt.query)
		ztp_die(ZTP_EXIT_USAGE, "--without and --libssh go with --replay or -Q (a scan uses the linked library)");
	if (K.opt.replay && argc > 0)
		usage(ZTP_EXIT_USAGE);
	if ((K.opt.lock || K.opt.host) && K.opt.print_settings)
		ztp_die(ZTP_EXIT_USAGE, "--lock and --host go with a scan, --replay or -Q, not -G");
	ztp_log_verbosity(K.opt.verbose);
	{
		/* one descriptor per running scan, and some to spare */
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    (rlim_t)K.opt.jobs + 16 > rl.rlim_cur) {
			K.opt.jobs = rl.rlim_cur > 32 ? (int)rl.rlim_cur - 16 : 16;
			ztp_info("-j lowered to %d (open file limit %llu)", K.opt.jobs,
				 (unsigned long long)rl.rlim_cur);
		}
	}
	load_lib(&K);
	build_client(&K);
	{
		struct ztp_err e;

		if (ztp_conf_open(&K.conf, K.opt.conf, K.opt.print_conf ? ZTP_CHECK_FILES : 0, &e) < 0)
			ztp_die(ZTP_EXIT_USAGE, "%s", e.msg);
		if (K.opt.print_conf) {
			rc = ztp_print_conf(K.conf, NULL, NULL);
			ztp_conf_free(K.conf);
			ztp_sshalg_lists_free(K.client);
			ztp_sshalg_lib_free(&K.lib);
			return ztp_out_status(rc);
		}
	}
	K.cli = (struct ztp_sshset_cli){ .config = K.opt.sshconfig, .jump = K.opt.jump };
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		K.cli.alg[i] = K.opt.spec[i];
	so = (struct ztp_kexscan_opts){
		.jobs = K.opt.jobs, .timeout = K.opt.timeout, .conf = K.conf, .cli = &K.cli,
		.lib = &K.lib, .warn = warn, .progress = progress, .ctx = &K,
	};
	ztp_kexscan_init(&K.scan, &so);
	if (K.opt.lock || K.opt.host)
		lock_setup(&K);
	if (K.opt.clients)
		setup_clients(&K);
	if (K.npr > 0 && !K.opt.query && !K.opt.print_settings)
		ignored_report(&K);
	if (K.opt.query && K.npr > 0)
		rc = query_clients(&K);
	else if (K.opt.query)
		rc = query(&K, argc, argv);
	else if (K.opt.replay)
		rc = replay(&K);
	else {
		struct ztp_input_opts io = { K.conf->spool, ztp_conf_spool_flags(K.conf) };
		struct tctx tc = { .opt = &K.opt };

		if (argc == 0 && isatty(0))
			usage(ZTP_EXIT_USAGE);
		ztp_input_targets(argc, argv, &io, add_target, &tc, &bad);
		tv = tc.tv;
		n = tc.n;
		if (bad || tc.bad)
			ztp_die(ZTP_EXIT_USAGE, "bad host operands; nothing scanned");
		if (n == 0)
			ztp_die(ZTP_EXIT_USAGE, "no hosts to scan");
		if (K.opt.print_settings)
			rc = print_settings(&K, tv, n);
		else
			rc = scan(&K, tv, n);
		free_targets(tv, n);
	}
	free_clients(&K);
	ztp_kexscan_fini(&K.scan);
	ztp_conf_free(K.conf);
	ztp_sshalg_lists_free(K.client);
	ztp_sshalg_lib_free(&K.lib);
	return ztp_out_status(rc);
}
