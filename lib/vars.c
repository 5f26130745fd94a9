/* vars.c: the variable layers (vars.h) */
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
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
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
