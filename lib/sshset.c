/* sshset.c: effective SSH settings from the command line, ztp.yml and
 * ssh_config (see sshset.h for the order) */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshset.h"
#include "str.h"

/* ---- the ssh: section of ztp.yml ---- */

struct sshsec {
	char *config, *jump, *user;
	long long port;
	struct ztp_strlist identity_files;
	int identities_only;
	char *alg[5];
	long long connect_timeout;
	int known_hosts;
	char *known_hosts_file;
	long long server_alive_interval;
	struct ztp_strlist credentials;
	struct ztp_strlist jump_credentials;
	long long timeout;
};

static const char *const policies[] = { "strict", "accept-new", "off", NULL };

#define K(n, t, f) { n, t, offsetof(struct sshsec, f), NULL, 0, 0, NULL, NULL, NULL }
static const struct ztp_conf_key ssh_keys[] = {
	K("config", ZTP_CT_PATH, config),
	K("jump", ZTP_CT_STR, jump),
	K("user", ZTP_CT_STR, user),
	{ "port", ZTP_CT_INT, offsetof(struct sshsec, port), NULL, 1, 65535, NULL, NULL, NULL },
	K("identity_files", ZTP_CT_STRLIST, identity_files),
	K("identities_only", ZTP_CT_BOOL, identities_only),
	K("kex_algorithms", ZTP_CT_STR, alg[0]),
	K("hostkey_algorithms", ZTP_CT_STR, alg[1]),
	K("ciphers", ZTP_CT_STR, alg[2]),
	K("macs", ZTP_CT_STR, alg[3]),
	K("pubkey_algorithms", ZTP_CT_STR, alg[4]),
	K("connect_timeout", ZTP_CT_DURATION, connect_timeout),
	{ "known_hosts", ZTP_CT_ENUM, offsetof(struct sshsec, known_hosts), NULL, 0, 0, policies, NULL, NULL },
	K("known_hosts_file", ZTP_CT_PATH, known_hosts_file),
	K("server_alive_interval", ZTP_CT_DURATION, server_alive_interval),
	K("credentials", ZTP_CT_STRLIST, credentials),
	K("jump_credentials", ZTP_CT_STRLIST, jump_credentials),
	K("timeout", ZTP_CT_DURATION, timeout),
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL },
};
const struct ztp_conf_schema ztp_ssh_schema = { "ssh", sizeof(struct sshsec), ssh_keys };

/* a source of settings: a validated ssh: mapping and its name */
struct layer {
	const struct ztp_val *m;
	struct sshsec sec;	/* typed copy (paths resolved, durations parsed) */
	char path[160];		/* "devices.r1.ssh" */
};

static const struct ztp_val *section_ssh(const struct ztp_val *sect, const char *name)
{
	const struct ztp_val *item;

	if (sect == NULL || name == NULL || sect->type != ZTP_V_MAP)
		return NULL;
	item = ztp_map_get(sect, name);
	if (item == NULL || item->type != ZTP_V_MAP)
		return NULL;
	return ztp_map_get(item, "ssh");
}

static int split_jump(const char *s, char **user, char **host, int *port);

/* the line of key in m, for messages */
static int key_line(const struct ztp_val *m, const char *key)
{
	const struct ztp_val *v = ztp_map_get(m, key);

	return v ? v->line : m ? m->line : 0;
}

/* values the schema cannot judge: the jump chain's syntax, algorithm
 * names (a typo is otherwise only a warning when a device is reached) */
static int check_values(const struct ztp_conf *c, const struct ztp_val *m, const char *path,
			const struct sshsec *sec, struct ztp_err *e)
{
	static const int cats[5] = { ZTP_ALG_KEX, ZTP_ALG_HOSTKEY, ZTP_ALG_CIPHER, ZTP_ALG_MAC,
				     ZTP_ALG_PUBKEY };
	const char *file = c->file ? c->file : "ztp.yml";
	char name[128];
	size_t i, k;

	if (sec->jump && strcmp(sec->jump, "none") != 0) {
		for (k = 0; ztp_sshalg_nth(sec->jump, k, name, sizeof name) == 0; k++) {
			char *u = NULL, *h = NULL;
			int port, bad = split_jump(name, &u, &h, &port) < 0;

			free(u);
			free(h);	/* split_jump leaves it set or NULL */
			if (bad)
				return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: key '%s.jump': bad jump"
						   " host '%s' (want [user@]host[:port], ports 1 to 65535)",
						   file, key_line(m, "jump"), path, ztp_esc(name));
		}
	}
	for (i = 0; i < 5; i++) {
		const char *spec = sec->alg[i];
		const char *key = ztp_sshalg_cat_yml(cats[i]);

		if (spec == NULL)
			continue;
		if (*spec == '+' || *spec == '-' || *spec == '^')
			spec++;
		for (k = 0; ztp_sshalg_nth(spec, k, name, sizeof name) == 0; k++)
			if (!strpbrk(name, "*?!") && !ztp_sshalg_pseudo(name) &&
			    !ztp_sshalg_known(cats[i], name))
				return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: key '%s.%s': unknown"
						   " algorithm '%s' (ztp-kexcheck -G lists the known ones)",
						   file, key_line(m, key), path, key, ztp_esc(name));
	}
	return 0;
}

static int check_one(const struct ztp_conf *c, const struct ztp_val *m, const char *path,
		     struct sshsec *sec, struct ztp_err *e)
{
	memset(sec, 0, sizeof *sec);
	if (ztp_conf_apply(&ztp_ssh_schema, sec, m, c->file ? c->file : "ztp.yml", path, e) < 0)
		return ZTP_ERR_CONFIG;
	return check_values(c, m, path, sec, e);
}

int ztp_sshset_check_conf(const struct ztp_conf *c, struct ztp_err *e)
{
	static const char *const groups[] = { "racks", "platforms", "devices" };
	const struct ztp_val *g[3] = { c->racks, c->platforms, c->devices };
	struct sshsec sec;
	char path[300];
	size_t i, k;
	int rc;

	if (c->ssh) {
		rc = check_one(c, c->ssh, "ssh", &sec, e);
		ztp_conf_release(&ztp_ssh_schema, &sec);
		if (rc < 0)
			return rc;
	}
	for (k = 0; k < 3; k++) {
		if (g[k] == NULL || g[k]->type != ZTP_V_MAP)
			continue;
		for (i = 0; i < g[k]->u.map.n; i++) {
			const struct ztp_val *key = g[k]->u.map.e[i].key;
			const struct ztp_val *item = g[k]->u.map.e[i].val;
			const struct ztp_val *m;

			if (item->type != ZTP_V_MAP || (m = ztp_map_get(item, "ssh")) == NULL)
				continue;
			snprintf(path, sizeof path, "%s.%s.ssh", groups[k],
				 key->type == ZTP_V_STR ? key->u.str.s : "?");
			rc = check_one(c, m, path, &sec, e);
			ztp_conf_release(&ztp_ssh_schema, &sec);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static const char *keep(struct ztp_sshset *s, const char *str)
{
	ztp_strlist_add(&s->store, str);
	return s->store.v[s->store.n - 1];
}

/* "file:line (path.key)" for a key of a layer */
static char *src_of(const struct ztp_conf *c, const struct layer *l, const char *key)
{
	const struct ztp_mapent *ent = ztp_map_find(l->m, key);
	char buf[600];

	if (l->m == NULL)	/* the command line */
		snprintf(buf, sizeof buf, "the command line");
	else
		snprintf(buf, sizeof buf, "%s:%d (%s.%s)", c->file ? c->file : "ztp.yml",
			 ent && ent->key ? ent->key->line : 0, l->path, key);
	return ztp_xstrdup(buf);
}

/* the first layer that sets key, or NULL */
static const struct layer *first(const struct layer *L, size_t n, const char *key, const int *cli_has)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (L[i].m == NULL) {	/* command line */
			if (cli_has && cli_has[0] && strcmp(key, "jump") == 0) return &L[i];
			if (cli_has && cli_has[1] && strcmp(key, "user") == 0) return &L[i];
			if (cli_has && cli_has[2] && strcmp(key, "port") == 0) return &L[i];
			if (cli_has && cli_has[3] && strcmp(key, "config") == 0) return &L[i];
			if (cli_has && cli_has[4] && strcmp(key, "connect_timeout") == 0) return &L[i];
			continue;
		}
		if (ztp_map_get(L[i].m, key))
			return &L[i];
	}
	return NULL;
}

static int resolve_hop(struct ztp_sshconf *cf, const char *spec, const char *host, const char *user,
		       int port, const char *const *alg_over, const char *const *alg_over_src,
		       const struct ztp_sshalg_lib *lib, struct ztp_sshset_hop *h,
		       struct ztp_strlist *warnings, struct ztp_err *e)
{
	const char *spec_alg[ZTP_ALG_NCAT] = { NULL }, *what[ZTP_ALG_NCAT] = { NULL };
	struct ztp_buf warn = ZTP_BUF_INIT;
	char *line, *nl;
	size_t i;
	int cat, rc;

	h->spec = ztp_xstrdup(spec);
	if ((rc = ztp_sshconf_resolve(cf, host, user, port, &h->o, e)) < 0)
		return rc;
	for (i = 0; i < h->o.warnings.n; i++)
		if (!ztp_strlist_has(warnings, h->o.warnings.v[i]))
			ztp_strlist_add(warnings, h->o.warnings.v[i]);
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++) {
		if (alg_over && alg_over[cat]) {
			spec_alg[cat] = alg_over[cat];
			what[cat] = alg_over_src[cat];
		} else if (cat != ZTP_ALG_COMP && h->o.alg[cat]) {
			spec_alg[cat] = h->o.alg[cat];
			what[cat] = h->o.src[ZTP_SO_KEX + cat];
		}
		h->alg_src[cat] = what[cat] ? ztp_xstrdup(what[cat]) : NULL;
	}
	rc = ztp_sshalg_client_lists(lib, spec_alg, what, h->alg, &warn, e);
	for (line = warn.p; line && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		ztp_strlist_add(warnings, line);
	}
	ztp_buf_free(&warn);
	return rc;
}

static void hop_free(struct ztp_sshset_hop *h)
{
	int cat;

	free(h->spec);
	ztp_sshopts_free(&h->o);
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++) {
		free(h->alg[cat]);
		free(h->alg_src[cat]);
	}
	memset(h, 0, sizeof *h);
}

/* [user@]host[:port], [user@][v6addr]:port */
static int split_jump(const char *s, char **user, char **host, int *port)
{
	const char *at = strrchr(s, '@'), *h = at ? at + 1 : s, *colon;
	long long p;

	*user = at ? ztp_xstrndup(s, (size_t)(at - s)) : NULL;
	*port = 0;
	if (*h == '[') {
		const char *end = strchr(h, ']');

		if (end == NULL)
			goto bad;
		*host = ztp_xstrndup(h + 1, (size_t)(end - h - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			goto bad;
	} else {
		colon = strchr(h, ':');
		*host = colon ? ztp_xstrndup(h, (size_t)(colon - h)) : ztp_xstrdup(h);
	}
	if (colon) {
		if (ztp_parse_ll(colon + 1, 1, 65535, &p) < 0)
			goto bad;
		*port = (int)p;
	}
	if (**host == '\0')
		goto bad;
	return 0;
bad:
	free(*user);
	*user = NULL;
	return -1;
}

int ztp_sshset_resolve(const struct ztp_conf *c, const struct ztp_sshset_cli *cli,
		       const struct ztp_sshdest *d, const struct ztp_sshalg_lib *lib,
		       struct ztp_sshset *out, struct ztp_err *e)
{
	static const char *const algkey[ZTP_ALG_NCAT] = { "kex_algorithms", "hostkey_algorithms",
		"ciphers", "macs", NULL, "pubkey_algorithms" };
	static const int algslot[ZTP_ALG_NCAT] = { 0, 1, 2, 3, -1, 4 };
	struct ztp_sshset_cli nocli;
	struct layer L[6];
	size_t nl = 0, i;
	int cli_has[5], cat, rc = 0;
	const struct layer *l;
	const char *alg_over[ZTP_ALG_NCAT] = { NULL };
	char *alg_src[ZTP_ALG_NCAT] = { NULL };
	const char *cfgfile = NULL, *user = NULL;
	char *jump = NULL;
	struct ztp_sshconf *cf = NULL;
	struct ztp_sshset_hop dest;
	int port = 0;
	char *jump_src = NULL;

	memset(out, 0, sizeof *out);
	memset(&dest, 0, sizeof dest);
	if (cli == NULL) {
		memset(&nocli, 0, sizeof nocli);
		cli = &nocli;
	}
	out->id = d->id ? ztp_xstrdup(d->id) : NULL;
	/* the layers, most specific first */
	memset(L, 0, sizeof L);
	L[nl++].m = NULL;	/* command line */
	cli_has[0] = cli->jump != NULL;
	cli_has[1] = cli->user != NULL;
	cli_has[2] = cli->port > 0;
	cli_has[3] = cli->config != NULL;
	cli_has[4] = cli->timeout > 0;
	{
		const struct ztp_val *m;
		/* a host named without a record is its own id, as in
		 * ztp_fleet_operand: the printed fix's devices.<host> works */
		const char *key = d->id ? d->id : d->host;

		if ((m = section_ssh(c->devices, key)) != NULL) {
			L[nl].m = m;
			snprintf(L[nl++].path, sizeof L[0].path, "devices.%s.ssh", key);
		}
		if (d->alias && strcmp(d->alias, key) != 0 &&
		    (m = section_ssh(c->devices, d->alias)) != NULL) {
			L[nl].m = m;
			snprintf(L[nl++].path, sizeof L[0].path, "devices.%s.ssh", d->alias);
		}
		if ((m = section_ssh(c->platforms, d->platform)) != NULL) {
			L[nl].m = m;
			snprintf(L[nl++].path, sizeof L[0].path, "platforms.%s.ssh", d->platform);
		}
		if ((m = section_ssh(c->racks, d->rack)) != NULL) {
			L[nl].m = m;
			snprintf(L[nl++].path, sizeof L[0].path, "racks.%s.ssh", d->rack);
		}
		if (c->ssh) {
			L[nl].m = c->ssh;
			snprintf(L[nl++].path, sizeof L[0].path, "ssh");
		}
	}
	for (i = 1; i < nl; i++)
		if ((rc = check_one(c, L[i].m, L[i].path, &L[i].sec, e)) < 0)
			goto out;

	/* ssh_config, and the values it sees as given (like ssh -o, -l, -p) */
	if ((l = first(L, nl, "config", cli_has)) != NULL)
		cfgfile = l->m ? l->sec.config : cli->config;
	if ((l = first(L, nl, "user", cli_has)) != NULL)
		user = l->m ? l->sec.user : cli->user;
	if ((l = first(L, nl, "port", cli_has)) != NULL)
		port = l->m ? (int)l->sec.port : cli->port;
	if ((rc = ztp_sshconf_new(&cf, cfgfile, e)) < 0)
		goto out;
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++) {
		if (cli->alg[cat]) {
			alg_over[cat] = cli->alg[cat];
			alg_src[cat] = ztp_xstrdup("the command line");
		} else if (algkey[cat] && (l = first(L, nl, algkey[cat], NULL)) != NULL) {
			alg_over[cat] = l->sec.alg[algslot[cat]];
			alg_src[cat] = src_of(c, l, algkey[cat]);
		}
	}
	rc = resolve_hop(cf, d->host, d->host, user, port, alg_over, (const char *const *)alg_src,
			 lib, &dest, &out->warnings, e);
	if (rc < 0)
		goto out;

	/* values that ztp.yml or the command line set win over ssh_config */
	if ((l = first(L, nl, "identity_files", NULL)) != NULL) {
		ztp_strlist_free(&dest.o.identity_files);
		for (i = 0; i < l->sec.identity_files.n; i++)
			ztp_strlist_add(&dest.o.identity_files, l->sec.identity_files.v[i]);
		dest.o.identity_files_default = 0;
	}
	if ((l = first(L, nl, "identities_only", NULL)) != NULL)
		dest.o.identities_only = l->sec.identities_only;
	if ((l = first(L, nl, "server_alive_interval", NULL)) != NULL)
		dest.o.server_alive_interval = l->sec.server_alive_interval;
	out->connect_timeout = dest.o.connect_timeout > 0 ? (double)dest.o.connect_timeout : 10;
	if ((l = first(L, nl, "connect_timeout", cli_has)) != NULL)
		out->connect_timeout = l->m ? (double)l->sec.connect_timeout : cli->timeout;
	out->command_timeout = 30;
	if ((l = first(L, nl, "timeout", NULL)) != NULL)
		out->command_timeout = (double)l->sec.timeout;
	if ((l = first(L, nl, "credentials", NULL)) != NULL)
		for (i = 0; i < l->sec.credentials.n; i++)
			ztp_strlist_add(&out->credentials, l->sec.credentials.v[i]);
	if ((l = first(L, nl, "jump_credentials", NULL)) != NULL)
		for (i = 0; i < l->sec.jump_credentials.n; i++)
			ztp_strlist_add(&out->jump_credentials, l->sec.jump_credentials.v[i]);

	/* host keys */
	out->policy = ZTP_HK_ACCEPT_NEW;
	if ((l = first(L, nl, "known_hosts", NULL)) != NULL) {
		out->policy = (enum ztp_hostkey_policy)l->sec.known_hosts;
		out->policy_src = src_of(c, l, "known_hosts");
	} else if (dest.o.src[ZTP_SO_STRICT]) {
		switch (dest.o.strict) {
		case ZTP_STRICT_NO: out->policy = ZTP_HK_OFF; break;
		case ZTP_STRICT_ACCEPT_NEW: out->policy = ZTP_HK_ACCEPT_NEW; break;
		default: out->policy = ZTP_HK_STRICT; break;	/* yes, and ask: nobody to ask */
		}
		out->policy_src = ztp_xstrdup(dest.o.src[ZTP_SO_STRICT]);
	}
	if ((l = first(L, nl, "known_hosts_file", NULL)) != NULL && l->sec.known_hosts_file)
		out->known_hosts = ztp_xstrdup(l->sec.known_hosts_file);
	else if (dest.o.src[ZTP_SO_KNOWNHOSTS] && dest.o.known_hosts.n)
		out->known_hosts = ztp_xstrdup(dest.o.known_hosts.v[0]);
	else if (access(c->spool, W_OK) == 0) {
		size_t n = strlen(c->spool) + 16;

		out->known_hosts = ztp_xmalloc(n);
		snprintf(out->known_hosts, n, "%s/known_hosts", c->spool);
	} else if (dest.o.known_hosts.n) {
		/* no spool here (a laptop, a CI job): OpenSSH's own file */
		out->known_hosts = ztp_xstrdup(dest.o.known_hosts.v[0]);
	}

	/* the jump chain */
	if ((l = first(L, nl, "jump", cli_has)) != NULL) {
		jump = ztp_xstrdup(l->m ? l->sec.jump : cli->jump);
		jump_src = l->m ? src_of(c, l, "jump") : ztp_xstrdup("the command line (-J)");
	} else if (dest.o.proxy_jump) {
		jump = ztp_xstrdup(dest.o.proxy_jump);
		jump_src = ztp_xstrdup(dest.o.src[ZTP_SO_PROXYJUMP]);
	}
	if (jump && strcmp(jump, "none") == 0) {
		free(jump);
		jump = NULL;
	}
	if (jump && dest.o.proxy_command)
		free(dest.o.proxy_command), dest.o.proxy_command = NULL;
	out->hop = ztp_xcalloc(ztp_sshalg_count(jump) + 1 + (jump ? 1 : 0), sizeof *out->hop);
	if (jump) {
		char *copy = ztp_xstrdup(jump), *p, *next;

		for (p = copy; p && rc == 0; p = next) {
			char *ju = NULL, *jh = NULL;
			int jp = 0;

			next = strchr(p, ',');
			if (next)
				*next++ = '\0';
			if (split_jump(p, &ju, &jh, &jp) < 0) {
				rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%s: bad jump host '%s' (want [user@]host[:port])",
						 jump_src ? jump_src : "jump", ztp_esc(p));
				break;
			}
			rc = resolve_hop(cf, p, jh, ju, jp, NULL, NULL, lib, &out->hop[out->nhops],
					 &out->warnings, e);
			out->nhops++;
			free(ju);
			free(jh);
		}
		free(copy);
		if (rc < 0)
			goto out;
	}
	out->hop[out->nhops++] = dest;
	memset(&dest, 0, sizeof dest);
	if (jump_src) {
		/* remember where the chain came from on the destination */
		struct ztp_sshopts *o = &out->hop[out->nhops - 1].o;

		free(o->proxy_jump);
		o->proxy_jump = ztp_xstrdup(jump);
		free(o->src[ZTP_SO_PROXYJUMP]);
		o->src[ZTP_SO_PROXYJUMP] = jump_src;
		jump_src = NULL;
	} else if (jump == NULL && out->hop[out->nhops - 1].o.proxy_jump) {
		free(out->hop[out->nhops - 1].o.proxy_jump);
		out->hop[out->nhops - 1].o.proxy_jump = NULL;
	}
out:
	for (i = 1; i < nl; i++)
		ztp_conf_release(&ztp_ssh_schema, &L[i].sec);
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++)
		free(alg_src[cat]);
	free(jump_src);
	free(jump);
	hop_free(&dest);
	ztp_sshconf_free(cf);
	if (rc < 0)
		ztp_sshset_free(out);
	return rc < 0 ? ZTP_ERR_CONFIG : 0;
}

void ztp_sshset_free(struct ztp_sshset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nhops; i++)
		hop_free(&s->hop[i]);
	free(s->hop);
	free(s->id);
	free(s->policy_src);
	free(s->known_hosts);
	ztp_strlist_free(&s->credentials);
	ztp_strlist_free(&s->jump_credentials);
	ztp_strlist_free(&s->warnings);
	free(s->sshhop);
	free(s->creds);
	ztp_strlist_free(&s->store);
	memset(s, 0, sizeof *s);
}

int ztp_sshset_print(const struct ztp_sshset *s, int verbose, struct ztp_buf *b)
{
	static const char *const pol[] = { "strict", "accept-new", "off" };
	static const char *const algk[ZTP_ALG_NCAT] = { "kexalgorithms", "hostkeyalgorithms",
		"ciphers", "macs", NULL, "pubkeyacceptedalgorithms" };
	const struct ztp_sshset_hop *d = &s->hop[s->nhops - 1];
	const struct ztp_sshopts *o = &d->o;
	size_t i;
	int cat;

#define SRC(x) do { if (verbose && (x)) ztp_buf_addf(b, "#   from %s\n", (x)); } while (0)
	ztp_buf_addf(b, "host %s\n", o->host);
	ztp_buf_addf(b, "hostname %s\n", o->hostname);
	SRC(o->src[ZTP_SO_HOSTNAME]);
	ztp_buf_addf(b, "port %d\n", o->port);
	SRC(o->src[ZTP_SO_PORT]);
	ztp_buf_addf(b, "user %s\n", o->user);
	SRC(o->src[ZTP_SO_USER]);
	for (i = 0; i + 1 < s->nhops; i++) {
		const struct ztp_sshopts *j = &s->hop[i].o;

		ztp_buf_addf(b, "jumphost %zu %s@%s:%d\n", i + 1, j->user, j->hostname, j->port);
	}
	if (s->nhops > 1) {
		ztp_buf_addf(b, "proxyjump %s\n", o->proxy_jump ? o->proxy_jump : "?");
		SRC(o->src[ZTP_SO_PROXYJUMP]);
	}
	if (o->proxy_command) {
		ztp_buf_addf(b, "proxycommand %s\n", o->proxy_command);
		SRC(o->src[ZTP_SO_PROXYCOMMAND]);
	}
	ztp_buf_addf(b, "identitiesonly %s\n", o->identities_only ? "yes" : "no");
	for (i = 0; i < o->identity_files.n; i++)
		ztp_buf_addf(b, "identityfile %s\n", o->identity_files.v[i]);
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++) {
		if (algk[cat] == NULL)
			continue;
		ztp_buf_addf(b, "%s %s\n", algk[cat], d->alg[cat] ? d->alg[cat] : "");
		if (verbose)
			ztp_buf_addf(b, "#   from %s\n", d->alg_src[cat] ? d->alg_src[cat] : "the libssh defaults");
	}
	ztp_buf_addf(b, "connecttimeout %.0f\n", s->connect_timeout);
	ztp_buf_addf(b, "stricthostkeychecking %s\n", pol[s->policy]);
	SRC(s->policy_src);
	ztp_buf_addf(b, "userknownhostsfile %s\n", s->known_hosts);
	ztp_buf_addf(b, "serveraliveinterval %lld\n", o->server_alive_interval);
	if (s->id)
		ztp_buf_addf(b, "hostkeyalias %s\n", s->id);
	for (i = 0; i < s->warnings.n; i++)
		ztp_buf_addf(b, "# %s\n", s->warnings.v[i]);
#undef SRC
	return 0;
}

char *ztp_sshset_proxy_command(const struct ztp_sshset_hop *h, struct ztp_err *e)
{
	struct ztp_buf cmd = ZTP_BUF_INIT;
	const char *p;

	if (h->o.proxy_command == NULL)
		return NULL;
	/* OpenSSH's tokens for ProxyCommand: %h %n %p %r %% */
	for (p = h->o.proxy_command; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			ztp_buf_addc(&cmd, *p);
			continue;
		}
		switch (*++p) {
		case 'h': ztp_buf_adds(&cmd, h->o.hostname); break;
		case 'n': ztp_buf_adds(&cmd, h->o.host); break;
		case 'p': ztp_buf_addf(&cmd, "%d", h->o.port); break;
		case 'r': ztp_buf_adds(&cmd, h->o.user); break;
		case '%': ztp_buf_addc(&cmd, '%'); break;
		default:
			ztp_buf_free(&cmd);
			ztp_err_set(e, ZTP_ERR_CONFIG,
			    "%s: ProxyCommand token '%%%c' is not supported (%%h %%n %%p %%r %%%%)",
			    h->o.src[ZTP_SO_PROXYCOMMAND] ? h->o.src[ZTP_SO_PROXYCOMMAND] : "ProxyCommand", *p);
			return NULL;
		}
	}
	return ztp_buf_detach(&cmd, NULL);
}

static void add_cred(struct ztp_sshset *s, const char *name, const char *user, const char *pw,
		     const char *key, int agent)
{
	struct ztp_ssh_cred *c;

	s->creds = ztp_xrealloc(s->creds, s->ncreds + 1, sizeof *s->creds);
	c = &s->creds[s->ncreds++];
	memset(c, 0, sizeof *c);
	c->name = name ? keep(s, name) : NULL;
	c->user = user ? keep(s, user) : NULL;
	c->password = pw ? keep(s, pw) : NULL;
	c->key_file = key ? keep(s, key) : NULL;
	c->agent = agent;
}

/* identity files: ~ and tokens expanded; the defaults only when present */
static void add_keys(struct ztp_sshset *s, const struct ztp_sshopts *o, const char *home)
{
	size_t i;

	for (i = 0; i < o->identity_files.n; i++) {
		const char *f = o->identity_files.v[i];
		char path[1024];
		size_t k = 0;

		path[0] = '\0';
		if (f[0] == '~' && f[1] == '/')
			k = (size_t)snprintf(path, sizeof path, "%s", home), f++;
		for (; *f && k + 1 < sizeof path; f++) {
			const char *v = NULL;
			char port[16];

			if (*f == '%' && f[1]) {
				f++;
				snprintf(port, sizeof port, "%d", o->port);
				switch (*f) {
				case 'h': v = o->hostname; break;
				case 'n': v = o->host; break;
				case 'p': v = port; break;
				case 'r': v = o->user; break;
				case 'd': v = home; break;
				case '%': v = "%"; break;
				default: v = ""; break;
				}
				k += (size_t)snprintf(path + k, sizeof path - k, "%s", v);
				if (k >= sizeof path)
					k = sizeof path - 1;
				continue;
			}
			path[k++] = *f;
			path[k] = '\0';
		}
		if (o->identity_files_default && access(path, R_OK) != 0)
			continue;
		add_cred(s, "identity file", NULL, NULL, path, 0);
	}
}

int ztp_sshset_connect_opts(struct ztp_sshset *s, const struct ztp_val *secrets,
			    struct ztp_ssh_opts *o, struct ztp_err *e)
{
	const char *home = getenv("HOME") ? getenv("HOME") : "/";
	const struct ztp_val *creds = ztp_map_get(secrets, "credentials");
	size_t *first = ztp_xcalloc(s->nhops, sizeof *first), *count = ztp_xcalloc(s->nhops, sizeof *count);
	size_t i, k;
	int cat;

	free(s->sshhop);
	free(s->creds);
	s->creds = NULL;
	s->ncreds = 0;
	s->sshhop = ztp_xcalloc(s->nhops, sizeof *s->sshhop);
	for (i = 0; i < s->nhops; i++) {
		const struct ztp_sshset_hop *h = &s->hop[i];
		struct ztp_ssh_hop *sh = &s->sshhop[i];
		int is_dest = i + 1 == s->nhops;

		first[i] = s->ncreds;
		sh->host = h->o.hostname;
		sh->port = h->o.port;
		sh->user = h->o.user;
		sh->label = h->spec;
		if (is_dest)
			sh->hostkey_alias = s->id;
		if (i == 0 && h->o.proxy_command) {
			char *cmd = ztp_sshset_proxy_command(h, e);

			if (cmd == NULL) {
				free(first);
				free(count);
				return ZTP_ERR_CONFIG;
			}
			sh->proxy_command = keep(s, cmd);
			free(cmd);
		}
		for (cat = 0; cat < ZTP_ALG_NCAT; cat++)
			sh->alg[cat] = h->alg[cat];
		if (creds && creds->type == ZTP_V_LIST && (is_dest || s->jump_credentials.n)) {
			/* the secrets' credential sets: by name when named (for
			 * jump hosts only when named), else all of them */
			const struct ztp_strlist *names = is_dest ? &s->credentials : &s->jump_credentials;
			size_t nnames = names->n ? names->n : creds->u.list.n;

			for (k = 0; k < nnames; k++) {
				const struct ztp_val *c = NULL;
				size_t j;

				if (names->n == 0) {
					c = creds->u.list.v[k];
				} else {
					for (j = 0; j < creds->u.list.n; j++)
						if (ztp_streq(ztp_map_str(creds->u.list.v[j], "name"), names->v[k]))
							c = creds->u.list.v[j];
					if (c == NULL) {
						free(first);
						free(count);
						return ztp_err_set(e, ZTP_ERR_CONFIG,
						    "credential set '%s' (ssh.%s) is not in the secrets file",
						    ztp_esc(names->v[k]), is_dest ? "credentials" : "jump_credentials");
					}
				}
				add_cred(s, ztp_map_str(c, "name"), ztp_map_str(c, "username"),
					 ztp_map_str(c, "password"), ztp_map_str(c, "key_file"), 0);
			}
		}
		add_keys(s, &h->o, home);
		if (!h->o.identities_only)
			add_cred(s, "agent", NULL, NULL, NULL, 1);
		count[i] = s->ncreds - first[i];
	}
	/* the creds array moved while growing: point the hops at it now */
	for (i = 0; i < s->nhops; i++) {
		s->sshhop[i].creds = s->creds + first[i];
		s->sshhop[i].ncreds = count[i];
	}
	free(first);
	free(count);
	memset(o, 0, sizeof *o);
	o->hops = s->sshhop;
	o->nhops = s->nhops;
	o->timeout = s->connect_timeout;
	o->policy = s->policy;
	o->known_hosts = s->known_hosts;
	return 0;
}
