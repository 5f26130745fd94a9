/* vars.c: templates:/services: settings and the variable layers (vars.h) */
#include <curl/curl.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "str.h"
#include "vars.h"
#include "yml.h"

#define SOURCE_MAX ((size_t)4 << 20)

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
static const struct ztp_conf_schema tmpl_schema = { "templates", sizeof(struct r_templates), tmpl_keys };

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
static const struct ztp_conf_schema svcs_schema = { "services", sizeof(struct r_services), svcs_keys };

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
	if (ztp_conf_apply(&tmpl_schema, &t, c->templates, file, "templates", e) < 0)
		return e->code;
	wrap = ztp_val_map();
	if (c->services)
		ztp_map_set(wrap, "services", ztp_val_ref(c->services));
	rc = ztp_conf_apply(&svcs_schema, &s, wrap, file, "", e);
	ztp_val_unref(wrap);
	if (rc < 0) {
		ztp_conf_release(&tmpl_schema, &t);
		return e->code;
	}
	ztp_conf_release(&svcs_schema, &s);	/* checked; kept as the value */
	for (i = 0; i < t.path.n; i++) {
		char *p = beside(c, t.path.v[i]);

		ztp_strlist_add(&pc->path, p);
		free(p);
	}
	if (t.path.n == 0) {
		char *p = beside(c, "templates");

		ztp_strlist_add(&pc->path, p);
		free(p);
	}
	pc->vars = t.vars ? ztp_xstrdup(t.vars) : beside(c, "vars");
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
	ztp_conf_release(&tmpl_schema, &t);
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

/* ---- merging */

void ztp_vars_merge(struct ztp_val *dst, const struct ztp_val *src, struct ztp_val *origin,
		    const char *name)
{
	size_t i;

	for (i = 0; i < src->u.map.n; i++) {
		struct ztp_val *k = src->u.map.e[i].key, *sv = src->u.map.e[i].val;
		struct ztp_val *dv = ztp_map_getv(dst, k);

		if (dv && dv->type == ZTP_V_MAP && sv->type == ZTP_V_MAP) {
			struct ztp_val *ov = origin ? ztp_map_getv(origin, k) : NULL;

			if (origin && (ov == NULL || ov->type != ZTP_V_MAP)) {
				/* the subtree came whole from one layer: spell it out */
				struct ztp_val *nm = ztp_val_map();
				size_t j;

				for (j = 0; j < dv->u.map.n; j++)
					ztp_map_setv(nm, ztp_val_ref(dv->u.map.e[j].key),
						     ov ? ztp_val_ref(ov) : ztp_val_str("?"));
				ztp_map_setv(origin, ztp_val_ref(k), nm);
				ov = nm;
			}
			ztp_vars_merge(dv, sv, ov, name);
			continue;
		}
		ztp_map_setv(dst, ztp_val_ref(k), ztp_val_copy(sv));
		if (origin)
			ztp_map_setv(origin, ztp_val_ref(k), ztp_val_str(name));
	}
}

/* one layer file: 1 merged, 0 absent, -1 error */
static int layer_file(struct ztp_vars *v, const char *layer, const char *path, struct ztp_err *e)
{
	struct ztp_val *m = NULL;
	struct ztp_buf line = ZTP_BUF_INIT;

	if (!file_exists(path)) {
		ztp_buf_addf(&line, "%s: %s (none)", layer, path);
		ztp_strlist_add(&v->layers, line.p);
		ztp_buf_free(&line);
		return 0;
	}
	if (ztp_yml_load_file(path, NULL, &m, e) < 0)
		return -1;
	if (m->type == ZTP_V_NULL) {
		ztp_val_unref(m);
		m = ztp_val_map();
	}
	if (m->type != ZTP_V_MAP) {
		ztp_err_set(e, ZTP_ERR_PARSE, "%s: the variables must be a mapping, not a %s", path,
			    ztp_val_typename(m));
		ztp_val_unref(m);
		return -1;
	}
	ztp_vars_merge(v->vars, m, v->origin, layer);
	ztp_val_unref(m);
	ztp_buf_addf(&line, "%s: %s", layer, path);
	ztp_strlist_add(&v->layers, line.p);
	ztp_buf_free(&line);
	return 1;
}

/* a file name from a value of the record: no '/', no leading '.' */
static int name_ok(const char *s)
{
	return s && *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 200;
}

static int layer_named(struct ztp_vars *v, const char *layer, const char *dir, const char *sub,
		       const char *name, struct ztp_err *e)
{
	struct ztp_buf p = ZTP_BUF_INIT;
	int rc;

	if (!name_ok(name))
		return 0;
	if (sub)
		ztp_buf_addf(&p, "%s/%s/%s.yml", dir, sub, name);
	else
		ztp_buf_addf(&p, "%s/%s.yml", dir, name);
	rc = layer_file(v, layer, p.p, e);
	ztp_buf_free(&p);
	return rc;
}

/* ---- the HTTP source */

struct sink {
	struct ztp_buf b;
	int over;
};

static size_t sink_write(char *p, size_t sz, size_t n, void *ctx)
{
	struct sink *s = ctx;

	if (ztp_buf_add(&s->b, p, sz * n) < 0) {
		s->over = 1;
		return 0;
	}
	return sz * n;
}

static const char *rec_token(const struct ztp_val *rec, const char *tok, size_t tl,
			     const char *service, const char *platform)
{
	const struct ztp_val *facts = ztp_map_get(rec, "facts");

	if (tl == 6 && memcmp(tok, "serial", 6) == 0)
		return ztp_map_str(facts, "serial");
	if (tl == 7 && memcmp(tok, "service", 7) == 0)
		return service;
	if (tl == 8 && memcmp(tok, "platform", 8) == 0)
		return platform;
	if (tl == 2 && memcmp(tok, "id", 2) == 0)
		return ztp_map_str(rec, "id");
	if (tl == 3 && memcmp(tok, "mac", 3) == 0)
		return ztp_map_str(rec, "mac");
	if (tl == 2 && memcmp(tok, "ip", 2) == 0)
		return ztp_map_str(rec, "ip");
	if (tl == 4 && memcmp(tok, "rack", 4) == 0)
		return ztp_map_str(rec, "rack");
	return NULL;
}

static int layer_source(const struct ztp_pushconf *pc, struct ztp_vars *v, const struct ztp_val *rec,
			const char *service, const char *platform, const char *token,
			struct ztp_err *e)
{
	struct ztp_buf url = ZTP_BUF_INIT, line = ZTP_BUF_INIT, auth = ZTP_BUF_INIT;
	struct sink s = { ZTP_BUF_INIT, 0 };
	struct curl_slist *hdr = NULL;
	struct ztp_val *m = NULL;
	const char *p = pc->source_url, *q;
	char cerr[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURL *c = NULL;
	CURLcode cc;
	int rc = -1;

	if (ztp_dl_curl(e) < 0)
		return e ? e->code : ZTP_ERR_SYS;
	while ((q = strchr(p, '{')) != NULL) {
		const char *end = strchr(q, '}');
		const char *val = rec_token(rec, q + 1, (size_t)(end - q - 1), service, platform);
		char *esc;

		ztp_buf_add(&url, p, (size_t)(q - p));
		if (val == NULL) {
			ztp_err_set(e, ZTP_ERR_USAGE, "templates.source.url needs %.*s, which the record "
				    "'%s' does not have", (int)(end - q + 1), q,
				    ztp_esc(ztp_map_str(rec, "id")));
			goto out;
		}
		esc = curl_easy_escape(NULL, val, 0);
		if (esc == NULL) {
			ztp_err_set(e, ZTP_ERR_SYS, "cannot escape a URL value");
			goto out;
		}
		ztp_buf_adds(&url, esc);
		curl_free(esc);
		p = end + 1;
	}
	ztp_buf_adds(&url, p);
	ztp_buf_init(&s.b, SOURCE_MAX);
	c = curl_easy_init();
	if (c == NULL) {
		ztp_err_set(e, ZTP_ERR_SYS, "cannot start libcurl");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url.p);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)pc->source_timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)pc->source_timeout);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, pc->source_verify_tls ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, pc->source_verify_tls ? 2L : 0L);
	if (pc->source_ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, pc->source_ca_file);
	hdr = curl_slist_append(hdr, "Accept: application/json, application/yaml;q=0.9");
	if (token) {
		ztp_buf_addf(&auth, "Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth.p);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		ztp_err_set(e, s.over ? ZTP_ERR_LIMIT : ZTP_ERR_BUSY, "source of truth: GET %s: %s",
			    ztp_esc(url.p), s.over ? "the answer exceeds 4 MiB" :
			    cerr[0] ? cerr : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 404 && pc->source_optional) {
		ztp_buf_addf(&line, "source: %s (404, none)", url.p);
		ztp_strlist_add(&v->layers, line.p);
		rc = 0;
		goto out;
	}
	if (status != 200) {
		ztp_err_set(e, status >= 500 || status == 429 ? ZTP_ERR_BUSY : ZTP_ERR_USAGE,
			    "source of truth: GET %s: HTTP %ld%s", ztp_esc(url.p), status,
			    status == 404 ? " (the device is not there; templates.source.optional: true "
			    "makes that no variables)" : status == 401 || status == 403 ?
			    " (check source_token in the secrets file)" : "");
		goto out;
	}
	if (ztp_yml_load_buf(s.b.p ? s.b.p : "", s.b.len, url.p, NULL, &m, e) < 0) {
		ztp_err_prefix(e, "source of truth");
		goto out;
	}
	if (m->type == ZTP_V_NULL) {
		ztp_val_unref(m);
		m = ztp_val_map();
	}
	if (m->type != ZTP_V_MAP) {
		ztp_err_set(e, ZTP_ERR_PARSE, "source of truth: GET %s: the answer must be a mapping, "
			    "not a %s", ztp_esc(url.p), ztp_val_typename(m));
		goto out;
	}
	ztp_vars_merge(v->vars, m, v->origin, "source");
	ztp_buf_addf(&line, "source: %s", url.p);
	ztp_strlist_add(&v->layers, line.p);
	rc = 0;
out:
	if (auth.p)
		memset(auth.p, 0, auth.len);
	ztp_buf_free(&auth);
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	ztp_val_unref(m);
	ztp_buf_free(&s.b);
	ztp_buf_free(&line);
	ztp_buf_free(&url);
	return rc;
}

int ztp_vars_build(const struct ztp_pushconf *pc, const struct ztp_val *rec,
		   const char *service, const char *platform, const char *token,
		   struct ztp_vars *v, struct ztp_err *e)
{
	const struct ztp_val *facts = ztp_map_get(rec, "facts"), *rv = ztp_map_get(rec, "vars");
	struct ztp_val *dev;

	memset(v, 0, sizeof *v);
	v->vars = ztp_val_map();
	v->origin = ztp_val_map();
	if (layer_named(v, "defaults", pc->vars, NULL, "defaults", e) < 0 ||
	    layer_named(v, "rack", pc->vars, "racks", ztp_map_str(rec, "rack"), e) < 0 ||
	    layer_named(v, "service", pc->vars, "services", service, e) < 0 ||
	    layer_named(v, "platform", pc->vars, "platforms", platform, e) < 0)
		goto fail;
	/* the record: as device, and its own vars */
	dev = ztp_val_copy(rec);
	ztp_map_del(dev, "vars");
	ztp_map_del(dev, "history");
	ztp_map_del(dev, "error");
	ztp_map_set(v->vars, "device", dev);
	ztp_map_set(v->origin, "device", ztp_val_str("record"));
	if (rv && rv->type == ZTP_V_MAP) {
		ztp_vars_merge(v->vars, rv, v->origin, "record");
		ztp_strlist_add(&v->layers, "record: device, and the record's vars");
	} else {
		ztp_strlist_add(&v->layers, "record: device");
	}
	if (pc->source_url && layer_source(pc, v, rec, service, platform, token, e) < 0)
		goto fail;
	if (layer_named(v, "overrides", pc->vars, "devices", ztp_map_str(rec, "id"), e) < 0 ||
	    (ztp_map_str(facts, "serial") && !ztp_streq(ztp_map_str(facts, "serial"), ztp_map_str(rec, "id")) &&
	     layer_named(v, "overrides", pc->vars, "devices", ztp_map_str(facts, "serial"), e) < 0))
		goto fail;
	return 0;
fail:
	ztp_vars_free(v);
	return e->code;
}

void ztp_vars_free(struct ztp_vars *v)
{
	ztp_val_unref(v->vars);
	ztp_val_unref(v->origin);
	ztp_strlist_free(&v->layers);
	memset(v, 0, sizeof *v);
}

static void explain(struct ztp_buf *b, const char *path, const struct ztp_val *val,
		    const struct ztp_val *origin)
{
	size_t i;

	if (val->type == ZTP_V_MAP && val->u.map.n && origin &&
	    (origin->type == ZTP_V_MAP || origin->type == ZTP_V_STR)) {
		for (i = 0; i < val->u.map.n; i++) {
			struct ztp_buf p = ZTP_BUF_INIT;
			const struct ztp_val *k = val->u.map.e[i].key;

			ztp_buf_adds(&p, path);
			if (*path)
				ztp_buf_addc(&p, '.');
			if (k->type == ZTP_V_STR)
				ztp_buf_adds(&p, k->u.str.s);
			else
				ztp_json_emit(&p, k, 0);
			/* a string origin: the whole subtree from one layer */
			explain(b, p.p, val->u.map.e[i].val,
				origin->type == ZTP_V_MAP ? ztp_map_getv(origin, k) : origin);
			ztp_buf_free(&p);
		}
		return;
	}
	ztp_buf_addf(b, "%s: ", path);
	ztp_json_emit(b, val, 0);
	ztp_buf_addf(b, "    <- %s\n", origin && origin->type == ZTP_V_STR ? origin->u.str.s : "?");
}

int ztp_vars_explain(const struct ztp_vars *v, struct ztp_buf *b)
{
	size_t i;

	ztp_buf_adds(b, "# layers, lowest first\n");
	for (i = 0; i < v->layers.n; i++)
		ztp_buf_addf(b, "#   %s\n", v->layers.v[i]);
	explain(b, "", v->vars, v->origin);
	return 0;
}
