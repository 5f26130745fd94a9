/* confcheck.c: the whole ztp.yml checked at once (confcheck.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confcheck.h"
#include "conline.h"
#include "dhcpconf.h"
#include "facts.h"
#include "pushconf.h"
#include "sshset.h"
#include "str.h"

static const char *fname(const struct ztp_conf *c)
{
	return c->file ? c->file : "(defaults)";
}

/* "file: line N: " or, for a key that is not in the file, "file: " */
static void where_at(const struct ztp_conf *c, int line, char *buf, size_t n)
{
	if (line > 0)
		snprintf(buf, n, "%s: line %d: ", fname(c), line);
	else
		snprintf(buf, n, "%s: ", fname(c));
}

/* platforms.<name>: a name the tools know (a misspelt one would silently
 * never apply), holding only an ssh: section; devices.<id> the same */
static int check_group(const struct ztp_conf *c, const struct ztp_val *g, const char *gname,
		       int platforms, struct ztp_err *e)
{
	static const char *const keys[] = { "ssh", NULL };
	char at[600];
	size_t i, j;

	if (g == NULL || g->type == ZTP_V_NULL)
		return 0;
	if (g->type != ZTP_V_MAP) {
		where_at(c, g->line, at, sizeof at);
		return ztp_err_set(e, ZTP_ERR_CONFIG, "%skey '%s': expected a mapping, got a %s", at,
				   gname, ztp_val_typename(g));
	}
	for (i = 0; i < g->u.map.n; i++) {
		const struct ztp_val *k = g->u.map.e[i].key, *v = g->u.map.e[i].val;
		const char *name = k->type == ZTP_V_STR ? k->u.str.s : NULL;

		where_at(c, k->line, at, sizeof at);
		if (name == NULL)
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%s'%s' keys must be names, not a %s", at,
					   gname, ztp_val_typename(k));
		if (platforms && !ztp_facts_platform_valid(name)) {
			const char *dym = ztp_did_you_mean(name, ztp_facts_platforms);
			struct ztp_buf b = ZTP_BUF_INIT;
			int rc;

			for (j = 0; ztp_facts_platforms[j]; j++)
				ztp_buf_addf(&b, "%s%s", j ? " " : "", ztp_facts_platforms[j]);
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%sunknown platform '%s' in 'platforms'%s%s%s"
					 " (its settings would never apply; the platforms are: %s)",
					 at, ztp_esc(name), dym ? " (did you mean '" : "",
					 dym ? dym : "", dym ? "'?)" : "", b.p ? b.p : "");
			ztp_buf_free(&b);
			return rc;
		}
		if (v->type == ZTP_V_NULL)
			continue;
		if (v->type != ZTP_V_MAP) {
			where_at(c, v->line, at, sizeof at);
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%skey '%s.%s': expected a mapping, got a %s",
					   at, gname, ztp_esc(name), ztp_val_typename(v));
		}
		for (j = 0; j < v->u.map.n; j++) {
			const struct ztp_val *kk = v->u.map.e[j].key;
			const char *kn = kk->type == ZTP_V_STR ? kk->u.str.s : "(not a string)";
			const char *dym;

			if (strcmp(kn, "ssh") == 0)
				continue;
			dym = ztp_did_you_mean(kn, keys);
			where_at(c, kk->line, at, sizeof at);
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%sunknown key '%s' in '%s.%s'%s%s%s", at,
					   ztp_esc(kn), gname, name, dym ? " (did you mean '" : "",
					   dym ? dym : "", dym ? "'?)" : "");
		}
	}
	return 0;
}

static int check_backend(const struct ztp_conf *c, struct ztp_err *e)
{
	const struct ztp_val *u = ztp_map_get(ztp_map_get(c->raw, "backend"), "url");
	const char *url = c->backend.url;
	char at[600];

	if (url == NULL || strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0)
		return 0;
	where_at(c, u ? u->line : 0, at, sizeof at);
	return ztp_err_set(e, ZTP_ERR_CONFIG, "%skey 'backend.url': expected an http:// or https:// URL, got '%s'",
			   at, ztp_esc(url));
}

/* ---- what the file names on this host ---- */

static char *beside(const struct ztp_conf *c, const char *p)
{
	const char *home = getenv("HOME");
	const char *slash;
	size_t n;
	char *out;

	if (p[0] == '~' && p[1] == '/' && home) {
		n = strlen(home) + strlen(p);
		out = ztp_xmalloc(n);
		snprintf(out, n, "%s%s", home, p + 1);
		return out;
	}
	if (p[0] == '/' || c->file == NULL || (slash = strrchr(c->file, '/')) == NULL)
		return ztp_xstrdup(p);
	n = (size_t)(slash - c->file) + strlen(p) + 2;
	out = ztp_xmalloc(n);
	snprintf(out, n, "%.*s/%s", (int)(slash - c->file), c->file, p);
	return out;
}

/* path (as the file names it) must be a regular file (dir 0) or a
 * directory (dir 1) that this user can read */
static int check_path(const struct ztp_conf *c, const char *key, int line, const char *path,
		      int dir, struct ztp_err *e)
{
	char *p = beside(c, path), at[600];
	struct stat st;
	int rc = 0;

	where_at(c, line, at, sizeof at);
	if (stat(p, &st) < 0 || access(p, R_OK) < 0)
		rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%skey '%s': cannot read '%s': %s", at, key,
				 ztp_esc(p), strerror(errno));
	else if (dir ? !S_ISDIR(st.st_mode) : S_ISDIR(st.st_mode))
		rc = ztp_err_set(e, ZTP_ERR_CONFIG, "%skey '%s': '%s' is %s", at, key, ztp_esc(p),
				 dir ? "not a directory" : "a directory, not a file");
	free(p);
	return rc;
}

static int has_cred(const struct ztp_val *secrets, const char *name)
{
	const struct ztp_val *l = ztp_map_get(secrets, "credentials");
	size_t i;

	for (i = 0; l && l->type == ZTP_V_LIST && i < l->u.list.n; i++)
		if (ztp_streq(ztp_map_str(l->u.list.v[i], "name"), name))
			return 1;
	return 0;
}

/* each credential set named by v (a name or a list of names) at key */
static int check_names(const struct ztp_conf *c, const struct ztp_val *secrets,
		       const struct ztp_val *v, const char *key, struct ztp_err *e)
{
	size_t i, n;
	char at[600];

	if (v == NULL)
		return 0;
	n = v->type == ZTP_V_LIST ? v->u.list.n : 1;
	for (i = 0; i < n; i++) {
		const struct ztp_val *it = v->type == ZTP_V_LIST ? v->u.list.v[i] : v;

		if (it->type != ZTP_V_STR)
			continue;	/* the schema reported it */
		where_at(c, it->line, at, sizeof at);
		if (secrets == NULL)
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%skey '%s': credential set '%s' named,"
					   " but there is no secrets file (set 'secrets:')", at, key,
					   ztp_esc(it->u.str.s));
		if (!has_cred(secrets, it->u.str.s))
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%skey '%s': credential set '%s' is not in"
					   " the secrets file '%s'", at, key, ztp_esc(it->u.str.s),
					   c->secrets);
	}
	return 0;
}

/* an ssh: section: its credential sets and its ssh_config file */
static int check_ssh_files(const struct ztp_conf *c, const struct ztp_val *secrets,
			   const struct ztp_val *ssh, const char *where, struct ztp_err *e)
{
	const struct ztp_val *v;
	char key[400];

	if (ssh == NULL || ssh->type != ZTP_V_MAP)
		return 0;
	snprintf(key, sizeof key, "%s.credentials", where);
	if (check_names(c, secrets, ztp_map_get(ssh, "credentials"), key, e) < 0)
		return ZTP_ERR_CONFIG;
	snprintf(key, sizeof key, "%s.jump_credentials", where);
	if (check_names(c, secrets, ztp_map_get(ssh, "jump_credentials"), key, e) < 0)
		return ZTP_ERR_CONFIG;
	snprintf(key, sizeof key, "%s.config", where);
	if ((v = ztp_map_get(ssh, "config")) != NULL && v->type == ZTP_V_STR &&
	    check_path(c, key, v->line, v->u.str.s, 0, e) < 0)
		return ZTP_ERR_CONFIG;
	return 0;
}

static int check_files(const struct ztp_conf *c, struct ztp_err *e)
{
	static const char *const groups[] = { "racks", "platforms", "devices" };
	const struct ztp_val *g[3] = { c->racks, c->platforms, c->devices };
	const struct ztp_val *v, *tp;
	struct ztp_val *secrets = NULL;
	struct ztp_pushconf pc;
	char where[400];
	size_t i, k;
	int rc = 0;

	if (c->secrets && (rc = ztp_secrets_load(c, &secrets, e)) < 0)
		return rc;
	if ((rc = check_ssh_files(c, secrets, c->ssh, "ssh", e)) < 0)
		goto out;
	for (k = 0; k < 3; k++)
		for (i = 0; g[k] && g[k]->type == ZTP_V_MAP && i < g[k]->u.map.n; i++) {
			const struct ztp_mapent *me = &g[k]->u.map.e[i];

			if (me->key->type != ZTP_V_STR)
				continue;
			snprintf(where, sizeof where, "%s.%s.ssh", groups[k], me->key->u.str.s);
			if ((rc = check_ssh_files(c, secrets, ztp_map_get(me->val, "ssh"), where, e)) < 0)
				goto out;
			snprintf(where, sizeof where, "racks.%s.terminal_server.credential", me->key->u.str.s);
			if (k == 0 && (rc = check_names(c, secrets,
			    ztp_map_get(ztp_map_get(me->val, "terminal_server"), "credential"), where, e)) < 0)
				goto out;
		}
	v = ztp_map_get(ztp_map_get(c->raw, "backend"), "ca_file");
	if (c->backend.ca_file && (rc = check_path(c, "backend.ca_file", v ? v->line : 0,
						   c->backend.ca_file, 0, e)) < 0)
		goto out;
	v = ztp_map_get(ztp_map_get(c->raw, "flow"), "hooks");
	if (c->flow.hooks && (rc = check_path(c, "flow.hooks", v ? v->line : 0, c->flow.hooks, 1, e)) < 0)
		goto out;
	/* the template directories the file names (the default one beside
	 * it may come later, with ztp-push's first use) */
	tp = ztp_map_get(c->templates, "path");
	if (tp && ztp_pushconf_load(c, &pc, e) == 0) {
		for (i = 0; rc == 0 && i < pc.path.n; i++) {
			const struct ztp_val *it = tp->type == ZTP_V_LIST ? ztp_list_get(tp, i) : tp;

			rc = check_path(c, "templates.path", it ? it->line : tp->line, pc.path.v[i], 1, e);
		}
		v = ztp_map_get(ztp_map_get(c->templates, "source"), "ca_file");
		if (rc == 0 && pc.source_ca_file)
			rc = check_path(c, "templates.source.ca_file", v ? v->line : 0,
					pc.source_ca_file, 0, e);
		ztp_pushconf_free(&pc);
	}
out:
	ztp_val_unref(secrets);
	return rc;
}

int ztp_conf_check(const struct ztp_conf *c, int flags, struct ztp_err *e)
{
	struct ztp_dhcpconf *cf = NULL;
	struct ztp_conline_conf *cc = NULL;
	struct ztp_pushconf pc;
	int rc;

	if ((rc = check_backend(c, e)) < 0 ||
	    (rc = ztp_sshset_check_conf(c, e)) < 0 ||
	    (rc = check_group(c, c->platforms, "platforms", 1, e)) < 0 ||
	    (rc = check_group(c, c->devices, "devices", 0, e)) < 0)
		return rc;
	if ((rc = ztp_dhcpconf_load_racks(&cf, c, e)) < 0)
		return rc;
	ztp_dhcpconf_free(cf);
	if ((rc = ztp_conline_conf_load(&cc, c, e)) < 0)
		return rc;
	ztp_conline_conf_free(cc);
	if ((rc = ztp_pushconf_load(c, &pc, e)) < 0)
		return rc;
	ztp_pushconf_free(&pc);
	if (flags & ZTP_CHECK_FILES)
		return check_files(c, e);
	return 0;
}

int ztp_conf_open(struct ztp_conf **c, const char *path, int flags, struct ztp_err *e)
{
	int rc;

	if ((rc = ztp_conf_load(c, path, e)) < 0)
		return rc;
	if ((rc = ztp_conf_check(*c, flags, e)) < 0) {
		ztp_conf_free(*c);
		*c = NULL;
		/* a configuration that names an unsafe file is refused all the same */
		return rc == ZTP_ERR_PERM ? rc : ZTP_ERR_CONFIG;
	}
	return 0;
}
