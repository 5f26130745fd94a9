/* pushconf.c: the templates: and services: settings of ztp.yml (pushconf.h) */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "os.h"
#include "pushconf.h"
#include "str.h"
#include "yml.h"

/* ---- the schema */

struct r_source {
	char *url;
	long long timeout;
	int verify_tls;
	char *ca_file;
	int optional;
};
struct r_templates {
	struct ztp_strlist path;
	char *vars;
	struct r_source source;
	int trim_blocks, lstrip_blocks, keep_trailing_newline, undefined;
	long long confirm_minutes;
	char *default_service;
};
struct r_service {
	char *name;
	char *template;
	char *verify;
	char *description;
};
struct r_services {
	struct ztp_conf_map services;
};

#define K(st, f) offsetof(struct st, f)
#define END { NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }

static const char *const undef_names[] = { "strict", "default", "chainable", NULL };

static const struct ztp_conf_key source_keys[] = {
	{ "url", ZTP_CT_STR, K(r_source, url), NULL, 0, 0, NULL, NULL,
	  "GET per device; {serial} {id} {mac} {ip} {platform} {service} {rack}" },
	{ "timeout", ZTP_CT_DURATION, K(r_source, timeout), "10", 0, 0, NULL, NULL, "per request" },
	{ "verify_tls", ZTP_CT_BOOL, K(r_source, verify_tls), "true", 0, 0, NULL, NULL, "check the certificate" },
	{ "ca_file", ZTP_CT_PATH, K(r_source, ca_file), NULL, 0, 0, NULL, NULL, "CA bundle for the check" },
	{ "optional", ZTP_CT_BOOL, K(r_source, optional), "false", 0, 0, NULL, NULL,
	  "a 404 is no variables instead of an error" },
	END
};
static const struct ztp_conf_schema source_schema = { "source", sizeof(struct r_source), source_keys };

static const struct ztp_conf_key tmpl_keys[] = {
	{ "path", ZTP_CT_STRLIST, K(r_templates, path), NULL, 0, 0, NULL, NULL,
	  "template directories (default: templates beside ztp.yml)" },
	{ "vars", ZTP_CT_PATH, K(r_templates, vars), NULL, 0, 0, NULL, NULL,
	  "variable layers directory (default: vars beside ztp.yml)" },
	{ "source", ZTP_CT_SECTION, K(r_templates, source), NULL, 0, 0, NULL, &source_schema,
	  "HTTP source of truth" },
	{ "trim_blocks", ZTP_CT_BOOL, K(r_templates, trim_blocks), "true", 0, 0, NULL, NULL, "Jinja2 option" },
	{ "lstrip_blocks", ZTP_CT_BOOL, K(r_templates, lstrip_blocks), "true", 0, 0, NULL, NULL, "Jinja2 option" },
	{ "keep_trailing_newline", ZTP_CT_BOOL, K(r_templates, keep_trailing_newline), "false", 0, 0, NULL,
	  NULL, "Jinja2 option" },
	{ "undefined", ZTP_CT_ENUM, K(r_templates, undefined), "strict", 0, 0, undef_names, NULL,
	  "strict, default or chainable" },
	{ "confirm_minutes", ZTP_CT_INT, K(r_templates, confirm_minutes), "5", 1, 60, NULL, NULL,
	  "JunOS commit confirmed N" },
	{ "default_service", ZTP_CT_STR, K(r_templates, default_service), "baseline", 0, 0, NULL, NULL,
	  "for records without a service" },
	END
};
const struct ztp_conf_schema ztp_templates_schema = { "templates", sizeof(struct r_templates), tmpl_keys };

static const struct ztp_conf_key svc_keys[] = {
	{ "template", ZTP_CT_STR, K(r_service, template), NULL, 0, 0, NULL, NULL,
	  "template name on the path (default: <service>.j2)" },
	{ "verify", ZTP_CT_STR, K(r_service, verify), NULL, 0, 0, NULL, NULL,
	  "post-checks file on the path (default: <template stem>.verify.yml)" },
	{ "description", ZTP_CT_STR, K(r_service, description), NULL, 0, 0, NULL, NULL, "free text" },
	END
};
static const struct ztp_conf_schema svc_schema = { "service", sizeof(struct r_service), svc_keys };
static const struct ztp_conf_key svcs_keys[] = {
	{ "services", ZTP_CT_MAP, K(r_services, services), NULL, 0, 0, NULL, &svc_schema, "services" },
	END
};
const struct ztp_conf_schema ztp_services_schema = { "services", sizeof(struct r_services), svcs_keys };

/* dir of the configuration file joined with rel (rel absolute: itself) */
static char *beside(const struct ztp_conf *c, const char *rel)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	const char *f = c->file ? c->file : ZTP_CONF_DEFAULT, *sl;

	if (rel[0] == '/')
		return ztp_xstrdup(rel);
	sl = strrchr(f, '/');
	if (sl)
		ztp_buf_add(&b, f, (size_t)(sl - f + 1));
	ztp_buf_adds(&b, rel);
	return b.p;
}

/* the data directory of the installation (make sets it from PREFIX) */
#ifndef ZTP_DATADIR
#define ZTP_DATADIR "/usr/local/share/ztp"
#endif

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The shipped templates (and their example variables): <prefix>/share/ztp
 * beside the running program's bin/ or sbin/, so that an installed tree
 * works wherever it was installed (make install DESTDIR=...); else the
 * tree's own templates/ for a tool run from its build directory; else
 * the data directory the build was configured with. */
static char *shipped(const char *rel)
{
	static const char *const up[] = { "/../share/ztp/templates", "/../templates" };
	char dir[4096];
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t i;

	if (ztp_os_exe_dir(dir, sizeof dir) == 0) {
		for (i = 0; i < sizeof up / sizeof up[0]; i++) {
			ztp_buf_reset(&b);
			ztp_buf_addf(&b, "%s%s", dir, up[i]);
			if (is_dir(b.p)) {
				char *real = realpath(b.p, NULL);

				if (real) {
					ztp_buf_reset(&b);
					ztp_buf_addf(&b, "%s%s", real, rel);
					free(real);
				} else
					ztp_buf_adds(&b, rel);
				return b.p;
			}
		}
	}
	ztp_buf_reset(&b);
	ztp_buf_addf(&b, "%s/templates%s", ZTP_DATADIR, rel);
	return b.p;
}

int ztp_pushconf_load(const struct ztp_conf *c, struct ztp_pushconf *pc, struct ztp_err *e)
{
	struct r_templates t;
	struct r_services s;
	const char *file = c->file ? c->file : "ztp.yml";
	struct ztp_val *wrap;
	size_t i;
	int rc;

	memset(pc, 0, sizeof *pc);
	memset(&t, 0, sizeof t);
	memset(&s, 0, sizeof s);
	pc->file = file;
	if (ztp_conf_apply(&ztp_templates_schema, &t, c->templates, file, "templates", e) < 0) {
		ztp_conf_release(&ztp_templates_schema, &t);	/* the keys before the bad one */
		return e->code;
	}
	wrap = ztp_val_map();
	if (c->services)
		ztp_map_set(wrap, "services", ztp_val_ref(c->services));
	rc = ztp_conf_apply(&ztp_services_schema, &s, wrap, file, "", e);
	ztp_val_unref(wrap);
	ztp_conf_release(&ztp_services_schema, &s);	/* checked; kept as the value */
	if (rc < 0) {
		ztp_conf_release(&ztp_templates_schema, &t);
		return e->code;
	}
	for (i = 0; i < t.path.n; i++) {
		char *p = beside(c, t.path.v[i]);

		ztp_strlist_add(&pc->path, p);
		free(p);
	}
	if (t.path.n == 0) {
		/* the site's templates beside ztp.yml first, then the shipped ones */
		char *p = beside(c, "templates"), *q = shipped("");

		ztp_strlist_add(&pc->path, p);
		if (strcmp(p, q) != 0)
			ztp_strlist_add(&pc->path, q);
		free(p);
		free(q);
	}
	if (t.vars)
		pc->vars = ztp_xstrdup(t.vars);
	else {
		/* the site's variables beside ztp.yml, else the shipped example */
		pc->vars = beside(c, "vars");
		if (!is_dir(pc->vars)) {
			free(pc->vars);
			pc->vars = shipped("/vars");
		}
	}
	if (t.source.url) {
		pc->source_url = ztp_xstrdup(t.source.url);
		pc->source_timeout = t.source.timeout > 0 ? t.source.timeout : 10;
		pc->source_verify_tls = t.source.verify_tls;
		pc->source_ca_file = t.source.ca_file ? ztp_xstrdup(t.source.ca_file) : NULL;
		pc->source_optional = t.source.optional;
	}
	pc->topts.trim_blocks = t.trim_blocks;
	pc->topts.lstrip_blocks = t.lstrip_blocks;
	pc->topts.keep_trailing_newline = t.keep_trailing_newline;
	pc->topts.undefined = t.undefined == 1 ? ZTP_TMPL_UNDEF_DEFAULT :
		t.undefined == 2 ? ZTP_TMPL_UNDEF_CHAINABLE : ZTP_TMPL_UNDEF_STRICT;
	pc->confirm_minutes = t.confirm_minutes;
	pc->default_service = ztp_xstrdup(t.default_service ? t.default_service : "baseline");
	pc->services = c->services;
	ztp_conf_release(&ztp_templates_schema, &t);
	/* the URL's tokens, checked now rather than per device */
	if (pc->source_url) {
		const char *p = pc->source_url;

		while ((p = strchr(p, '{')) != NULL) {
			static const char *const toks[] = { "serial", "id", "mac", "ip", "platform",
							    "service", "rack", NULL };
			const char *q = strchr(p, '}');
			size_t k;

			for (k = 0; q && toks[k]; k++)
				if (strlen(toks[k]) == (size_t)(q - p - 1) &&
				    memcmp(p + 1, toks[k], (size_t)(q - p - 1)) == 0)
					break;
			if (q == NULL || toks[k] == NULL) {
				ztp_err_set(e, ZTP_ERR_CONFIG, "%s: templates.source.url: unknown token '%.*s': "
					    "use {serial} {id} {mac} {ip} {platform} {service} {rack}", file,
					    q ? (int)(q - p + 1) : (int)strlen(p), p);
				ztp_pushconf_free(pc);
				return ZTP_ERR_CONFIG;
			}
			p = q + 1;
		}
	}
	return 0;
}

void ztp_pushconf_free(struct ztp_pushconf *pc)
{
	ztp_strlist_free(&pc->path);
	free(pc->vars);
	free(pc->source_url);
	free(pc->source_ca_file);
	free(pc->default_service);
	memset(pc, 0, sizeof *pc);
}

int ztp_pushconf_print(const struct ztp_pushconf *pc, struct ztp_buf *b)
{
	static const char *const un[] = { "strict", "default", "chainable" };
	size_t i;

	ztp_buf_adds(b, "templates:\n  path:\n");
	for (i = 0; i < pc->path.n; i++)
		ztp_buf_addf(b, "    - %s\n", pc->path.v[i]);
	ztp_buf_addf(b, "  vars: %s\n", pc->vars);
	if (pc->source_url)
		ztp_buf_addf(b, "  source:\n    url: %s\n    timeout: %lld\n    verify_tls: %s\n"
			     "    optional: %s\n%s%s%s", pc->source_url, pc->source_timeout,
			     pc->source_verify_tls ? "true" : "false",
			     pc->source_optional ? "true" : "false",
			     pc->source_ca_file ? "    ca_file: " : "",
			     pc->source_ca_file ? pc->source_ca_file : "", pc->source_ca_file ? "\n" : "");
	ztp_buf_addf(b, "  trim_blocks: %s\n  lstrip_blocks: %s\n  keep_trailing_newline: %s\n"
		     "  undefined: %s\n  confirm_minutes: %lld\n  default_service: %s\n",
		     pc->topts.trim_blocks ? "true" : "false", pc->topts.lstrip_blocks ? "true" : "false",
		     pc->topts.keep_trailing_newline ? "true" : "false",
		     un[pc->topts.undefined == ZTP_TMPL_UNDEF_DEFAULT ? 1 :
			pc->topts.undefined == ZTP_TMPL_UNDEF_CHAINABLE ? 2 : 0],
		     pc->confirm_minutes, pc->default_service);
	if (pc->services && pc->services->type == ZTP_V_MAP && pc->services->u.map.n) {
		struct ztp_val *w = ztp_val_map();
		int rc;

		ztp_map_set(w, "services", ztp_val_ref(pc->services));
		rc = ztp_yml_emit(b, w, 0, NULL);
		ztp_val_unref(w);
		return rc;
	}
	return 0;
}

void ztp_pushconf_search(const struct ztp_pushconf *pc, const char *platform,
			 struct ztp_strlist *dirs)
{
	size_t i;

	for (i = 0; i < pc->path.n; i++) {
		if (platform && *platform && !strchr(platform, '/') && platform[0] != '.') {
			struct ztp_buf b = ZTP_BUF_INIT;

			ztp_buf_addf(&b, "%s/%s", pc->path.v[i], platform);
			ztp_strlist_add(dirs, b.p);
			ztp_buf_free(&b);
		}
		ztp_strlist_add(dirs, pc->path.v[i]);
	}
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* the first dir/name that exists, malloc'ed, or NULL */
static char *find_on(const struct ztp_strlist *dirs, const char *name)
{
	size_t i;

	for (i = 0; i < dirs->n; i++) {
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_buf_addf(&b, "%s/%s", dirs->v[i], name);
		if (file_exists(b.p))
			return b.p;
		ztp_buf_free(&b);
	}
	return NULL;
}

int ztp_pushconf_service(const struct ztp_pushconf *pc, const char *service,
			 const char *platform, char **tmpl, char **verify, struct ztp_err *e)
{
	const struct ztp_val *s = ztp_map_get(pc->services, service);
	const char *t = ztp_map_str(s, "template"), *v = ztp_map_str(s, "verify");
	struct ztp_strlist dirs = { NULL, 0 };
	struct ztp_buf b = ZTP_BUF_INIT;
	char *found;
	size_t sl;

	*tmpl = *verify = NULL;
	if (service == NULL || !*service || strchr(service, '/') || service[0] == '.')
		return ztp_err_set(e, ZTP_ERR_USAGE, "invalid service name '%s'",
				   service ? ztp_esc(service) : "");
	if (t)
		ztp_buf_adds(&b, t);
	else
		ztp_buf_addf(&b, "%s.j2", service);
	ztp_pushconf_search(pc, platform, &dirs);
	found = find_on(&dirs, b.p);
	if (found == NULL) {
		struct ztp_buf where = ZTP_BUF_INIT;
		size_t i;

		for (i = 0; i < dirs.n; i++)
			ztp_buf_addf(&where, "%s%s", i ? ", " : "", dirs.v[i]);
		ztp_err_set(e, ZTP_ERR_NOTFOUND, "no template '%s' for service '%s' on platform '%s' "
			    "(searched %s)%s", b.p, ztp_esc(service), platform ? platform : "?",
			    where.p ? where.p : "nothing",
			    s ? "" : "; the service is not in services: of ztp.yml either");
		ztp_buf_free(&where);
		ztp_buf_free(&b);
		ztp_strlist_free(&dirs);
		return ZTP_ERR_NOTFOUND;
	}
	free(found);
	*tmpl = b.p;
	ztp_buf_init(&b, 0);
	if (v) {
		ztp_buf_adds(&b, v);
	} else {
		sl = strlen(*tmpl);
		if (sl > 3 && strcmp(*tmpl + sl - 3, ".j2") == 0)
			sl -= 3;
		ztp_buf_add(&b, *tmpl, sl);
		ztp_buf_adds(&b, ".verify.yml");
	}
	*verify = find_on(&dirs, b.p);
	if (*verify == NULL && v) {
		ztp_err_set(e, ZTP_ERR_NOTFOUND, "services.%s.verify: no file '%s' on the template path",
			    ztp_esc(service), ztp_esc(v));
		free(*tmpl);
		*tmpl = NULL;
		ztp_buf_free(&b);
		ztp_strlist_free(&dirs);
		return ZTP_ERR_NOTFOUND;
	}
	ztp_buf_free(&b);
	ztp_strlist_free(&dirs);
	return 0;
}
